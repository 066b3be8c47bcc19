#!/usr/bin/env python3
"""Run cases/afpak/model.xmile under PySD: every scenario of scenarios.toml, the fit to the PIPS data,
and the behaviour tests of tests.toml, as an independent cross-check of the project's own engine.

Usage (PySD in a venv, e.g. python3 -m venv /tmp/pysd-venv && /tmp/pysd-venv/bin/pip install pysd):
    /tmp/pysd-venv/bin/python cases/afpak/tools/run_pysd.py            # fit table + scenario table + tests
    /tmp/pysd-venv/bin/python cases/afpak/tools/run_pysd.py --csv DIR  # also write one CSV per scenario

Why a separate checker: the engine is being written at the same time as the model; PySD is a
mature third-party XMILE implementation, so agreement between the two is evidence for both.
"""
from __future__ import annotations

import argparse
import csv
import math
import pathlib
import sys
import tomllib

import numpy as np
import pysd

CASE = pathlib.Path(__file__).resolve().parent.parent
MODEL = CASE / "model.xmile"

_model_cache = {}


def load():
    # PySD writes its Python translation beside the model file; translate a copy in a temporary
    # folder so that no generated file lands in the case folder.
    if "m" not in _model_cache:
        import shutil
        import tempfile
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="afpak-pysd-"))
        shutil.copy(MODEL, tmp / "model.xmile")
        _model_cache["m"] = pysd.read_xmile(str(tmp / "model.xmile"))
    return _model_cache["m"]


def stock_names():
    import re
    return set(re.findall(r'<stock name="([a-z0-9_]+)"', MODEL.read_text()))


STOCKS = stock_names()


def run(overrides: dict | None = None, start: float | None = None):
    """Run one scenario; returns a pandas DataFrame indexed by time, columns = snake_case names.
    Overrides of stocks set their initial values (as the project's engine does)."""
    m = load()
    params = {k: v for k, v in (overrides or {}).items() if k not in STOCKS}
    inits = {k: v for k, v in (overrides or {}).items() if k in STOCKS}
    if start is not None:
        params["policy_start_year"] = start
    m.reload()
    kw = {"initial_condition": (2001, inits)} if inits else {}
    df = m.run(params=params, return_columns=None, final_time=2035, time_step=0.0625,
               saveper=0.0625, progress=False, **kw)
    df.columns = [c.lower().replace(" ", "_") for c in df.columns]
    return df


def window(df, var, lo, hi):
    t = df.index.values
    mask = (t >= lo - 1e-9) & (t < hi - 1e-9)
    return t[mask], df[var].values[mask]


def stat(df, var, st, lo, hi):
    lo = -1e9 if lo is None else lo
    hi = 1e9 if hi is None else hi
    t, y = window(df, var, lo, hi)
    if st == "mean":
        return float(np.mean(y))
    if st == "min":
        return float(np.min(y))
    if st == "max":
        return float(np.max(y))
    if st == "sum":
        return float(np.sum(y) * 0.0625)
    if st == "final":
        return float(y[-1])
    if st == "initial":
        return float(y[0])
    raise ValueError(st)


def annual(df, var, year):
    return stat(df, var, "mean", year, year + 1)


def load_data():
    d = {}
    with open(CASE / "data" / "pips_attacks.csv") as f:
        for row in csv.DictReader(f):
            d.setdefault("total", {})[int(row["year"])] = float(row["attacks"])
    with open(CASE / "data" / "group_attacks.csv") as f:
        for row in csv.DictReader(f):
            if row["group"].startswith("TTP") and "share" not in row["group"]:
                d.setdefault("ttp", {})[int(row["year"])] = float(row["attacks"])
            if row["group"].startswith("nationalist"):
                d.setdefault("baloch", {})[int(row["year"])] = float(row["attacks"])
    return d


def fit_report(df):
    data = load_data()
    print("year  total_data total_model | ttp_data ttp_model | baloch_model other_model")
    for y in range(2008, 2023):
        tot = data["total"].get(y)
        ttp = data["ttp"].get(y)
        hi = y + 0.5 if y == 2022 else y + 1
        tm = stat(df, "terrorist_attacks_per_year", "mean", y, hi)
        pm = stat(df, "ttp_attacks_per_year", "mean", y, hi)
        bm = stat(df, "baloch_attacks_per_year", "mean", y, hi)
        om = stat(df, "other_attacks_per_year", "mean", y, hi)
        fmt = lambda v: f"{v:8.0f}" if v is not None else "       -"
        print(f"{y}{'h1' if y == 2022 else '  '}{fmt(tot)}  {tm:8.0f}    |{fmt(ttp)} {pm:8.0f}  | "
              f"{bm:8.0f} {om:8.0f}")
    # log-scale residuals on the years with data (the series spans an order of magnitude)
    res = [math.log(stat(df, "terrorist_attacks_per_year", "mean", y, y + 1) / v)
           for y, v in data["total"].items()]
    res_t = [math.log(stat(df, "ttp_attacks_per_year", "mean", y, y + 1) / v)
             for y, v in data["ttp"].items()]
    print(f"RMS log error: total {np.sqrt(np.mean(np.square(res))):.3f} over {len(res)} years; "
          f"TTP {np.sqrt(np.mean(np.square(res_t))):.3f} over {len(res_t)} years")


def load_toml(name):
    with open(CASE / name, "rb") as f:
        return tomllib.load(f)


def scenario_runs():
    sc = load_toml("scenarios.toml")["scenario"]
    out = {}
    for s in sc:
        out[s["name"]] = run(s.get("overrides", {}), s.get("start"))
    return out


def run_tests(runs):
    tests = load_toml("tests.toml")["test"]
    scen = {s["name"]: s for s in load_toml("scenarios.toml")["scenario"]}
    failed = 0
    for t in tests:
        if t["kind"] == "compare":
            def side(s):
                if "value" in s:
                    return s["value"]
                df = runs[s["scenario"]]
                return stat(df, s["var"], s.get("stat", "mean"), s.get("from"), s.get("to"))
            lv, rv = side(t["left"]), side(t["right"])
            ok = {">": lv > rv, "<": lv < rv, ">=": lv >= rv, "<=": lv <= rv}[t["op"]]
            detail = f"{lv:.4g} {t['op']} {rv:.4g}"
        elif t["kind"] == "bounds":
            base = scen[t["scenario"]]
            ov = dict(base.get("overrides", {}))
            ov.update(t.get("overrides", {}))
            df = run(ov, base.get("start"))
            ok = True
            bad = []
            for b in t["bounds"]:
                y = df[b["var"]].values
                if not np.all(np.isfinite(y)) or y.min() < b["lo"] - 1e-9 or y.max() > b["hi"] + 1e-9:
                    ok = False
                    bad.append(f"{b['var']} in [{y.min():.3g},{y.max():.3g}] not in [{b['lo']},{b['hi']}]")
            detail = "; ".join(bad) if bad else f"{len(t['bounds'])} vars within bounds"
        else:
            ok, detail = False, f"unknown kind {t['kind']}"
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'} {t['name']}: {detail}")
    print(f"{len(tests) - failed}/{len(tests)} tests passed")
    return failed


def polarity_tests():
    """The lead's polarity semantics (crates/blowback/src/claims.rs): a constant cause is raised 10% (0.1
    if zero) and the effect's mean change over the run must have the claimed sign; a stock cause has its
    initial value raised and the effect must move at the first saved time (one step later for a stock
    effect); anything else is checked structurally (here: the name appears in the equation)."""
    import re
    claims = load_toml("claims.toml")["claim"]
    xml = MODEL.read_text()
    eqns = dict(re.findall(r'name="([a-z0-9_]+)">\s*<doc>.*?</doc>\s*<eqn>(.*?)</eqn>', xml, re.S))
    inflows = {}
    for name, body in re.findall(r'<stock name="([a-z0-9_]+)">(.*?)</stock>', xml, re.S):
        for f in re.findall(r"<inflow>(.*?)</inflow>", body):
            inflows[(f, name)] = "+"
        for f in re.findall(r"<outflow>(.*?)</outflow>", body):
            inflows[(f, name)] = "-"
    base = run()
    fails = 0
    n = 0
    seen = set()
    for c in claims:
        for l in c["links"]:
            key = (l["from"], l["to"], l["polarity"])
            if key in seen:
                continue
            seen.add(key)
            n += 1
            frm, to, pol = key
            sign = 1 if pol == "+" else -1
            if frm not in eqns or to not in eqns:
                print(f"FAIL {frm} -> {to}: unknown variable")
                fails += 1
                continue
            if (frm, to) in inflows:
                ok = inflows[(frm, to)] == pol
                res = "flow sign"
            elif not re.search(r"\b%s\b" % frm, eqns[to]):
                ok, res = False, "effect's equation does not name the cause"
            elif frm in STOCKS or re.fullmatch(r"[-0-9.e]+", eqns[frm].strip()):
                try:
                    cur = float(eqns[frm])
                except ValueError:
                    cur = 0.0
                step = 0.1 if cur == 0 else 0.1 * abs(cur)
                after = run({frm: cur + step})
                if frm in STOCKS:
                    row = 1 if to in STOCKS else 0
                    d = after[to].values[row] - base[to].values[row]
                    if abs(d) < 1e-12:
                        ok, res = True, "no change at start (structural)"
                    else:
                        ok, res = d * sign > 0, f"start change {d:+.3e}"
                else:
                    d = float(np.mean(after[to].values - base[to].values))
                    ok, res = d * sign > 1e-9 * max(1e-12, float(np.mean(np.abs(base[to].values)))), \
                        f"mean change {d:+.3e}"
            else:
                ok, res = True, "structural"
            fails += not ok
            if not ok or "-v" in sys.argv:
                print(f"{'PASS' if ok else 'FAIL'} {frm} -> {to} ({pol}): {res}")
    print(f"polarity: {n - fails}/{n} links pass")
    return fails


KEY = ["terrorist_attacks_per_year", "ttp_attacks_per_year", "ttp_fighters", "pak_kabul_relations",
       "economic_confidence", "fx_reserves", "leverage_over_kabul", "pro_taliban_constituency"]


def table(runs):
    print(f"{'scenario':26s} {'att2025':>8s} {'att2030':>8s} {'ttp2025':>8s} {'ttp2030':>8s} "
          f"{'cum22-30':>9s} {'rel2025':>8s} {'conf2030':>8s} {'res2030':>8s} {'lev2025':>8s}")
    for name, df in runs.items():
        print(f"{name:26s} {annual(df, 'terrorist_attacks_per_year', 2025):8.0f} "
              f"{annual(df, 'terrorist_attacks_per_year', 2030):8.0f} "
              f"{annual(df, 'ttp_attacks_per_year', 2025):8.0f} "
              f"{annual(df, 'ttp_attacks_per_year', 2030):8.0f} "
              f"{stat(df, 'terrorist_attacks_per_year', 'sum', 2022, 2031):9.0f} "
              f"{annual(df, 'pak_kabul_relations', 2025):8.2f} "
              f"{annual(df, 'economic_confidence', 2030):8.2f} "
              f"{annual(df, 'fx_reserves', 2030):8.1f} "
              f"{annual(df, 'leverage_over_kabul', 2025):8.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", help="directory to write one CSV per scenario")
    ap.add_argument("--no-tests", action="store_true")
    ap.add_argument("--show", nargs="*", help="print these variables of status_quo by year")
    ap.add_argument("--polarity", action="store_true", help="also run the polarity tests of claims.toml")
    ap.add_argument("-v", action="store_true", help="print passing polarity tests too")
    args = ap.parse_args()
    base = run()
    fit_report(base)
    if args.show:
        print("year " + " ".join(f"{v[:14]:>14s}" for v in args.show))
        for y in range(2001, 2036):
            print(f"{y} " + " ".join(f"{annual(base, v, y) if y < 2035 else stat(base, v, 'final', 2034, 2035.01):14.3f}"
                                     for v in args.show))
    runs = scenario_runs()
    table(runs)
    if args.csv:
        d = pathlib.Path(args.csv)
        d.mkdir(parents=True, exist_ok=True)
        for name, df in runs.items():
            df.to_csv(d / f"{name}.csv", index_label="time")
    failed = 0
    if args.polarity:
        failed += polarity_tests()
    if not args.no_tests and (CASE / "tests.toml").exists():
        failed += run_tests(runs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
