#!/usr/bin/env python3
"""Numbers quoted in cases/afpak/README.md: loop knock-outs and per-scenario detail, all from PySD runs.

Usage: /tmp/pysd-venv/bin/python cases/afpak/tools/experiments.py
A knock-out sets one constant so that a loop is cut, under status_quo, and reports TTP attacks in 2025
and 2030 and total attacks summed over 2022-2030 (the same statistics as the comparison table).
"""
import run_pysd as R


def row(label, df):
    print(f"{label:44s} ttp2025 {R.annual(df, 'ttp_attacks_per_year', 2025):6.0f}  "
          f"ttp2030 {R.annual(df, 'ttp_attacks_per_year', 2030):6.0f}  "
          f"all22-30 {R.stat(df, 'terrorist_attacks_per_year', 'sum', 2022, 2031):6.0f}  "
          f"fighters2030 {R.annual(df, 'ttp_fighters', 2030):6.0f}  "
          f"rel2030 {R.annual(df, 'pak_kabul_relations', 2030):5.2f}")


base = R.run()
row("status_quo", base)
knock = {
    "no strikes (cuts strikes_relations_spiral, fire)": {"strike_policy": 0.0},
    "no victory momentum (victory_momentum = 0)": {"victory_momentum": 0.0},
    "no self-generated momentum (success_momentum=0)": {"success_momentum": 0.0},
    "no haven regrowth (haven_regrowth_rate = 0)": {"haven_regrowth_rate": 0.0},
    "no constituency from victory (weight = 0)": {"victory_constituency_weight": 0.0},
    "no TTP prisoners freed (released_prisoners=0)": {"released_prisoners": 0.0},
    "Kabul fully restrains out of goodwill (=1)": {"goodwill_restraint": 1.0},
}
for label, ov in knock.items():
    row(label, R.run(ov))

print()
for s in R.load_toml("scenarios.toml")["scenario"]:
    df = R.run(s.get("overrides", {}), s.get("start"))
    print(f"{s['name']:24s} support2030 {R.annual(df, 'support_for_taliban', 2030):.2f} "
          f"sanct2030 {R.annual(df, 'ttp_sanctuary', 2030):.2f} "
          f"restraint2030 {R.annual(df, 'taliban_restraint_of_ttp', 2030):.2f} "
          f"reform2030 {R.annual(df, 'reform_progress', 2030):.2f} "
          f"infra2030 {R.annual(df, 'jihadi_infrastructure', 2030):.2f} "
          f"constit2030 {R.annual(df, 'pro_taliban_constituency', 2030):.2f} "
          f"ext_supp2025 {R.annual(df, 'external_support', 2025):.2f} "
          f"rel2023 {R.annual(df, 'pak_kabul_relations', 2023):.2f} "
          f"conf22-32 {R.stat(df, 'economic_confidence', 'mean', 2022.5, 2032.5):.2f} "
          f"ttp23 {R.annual(df, 'ttp_attacks_per_year', 2023):.0f} "
          f"talks2025 {R.annual(df, 'talks_posture', 2025):.2f} "
          f"ctrl2025 {R.annual(df, 'taliban_control', 2025):.2f}")
