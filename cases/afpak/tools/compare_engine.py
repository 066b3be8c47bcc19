#!/usr/bin/env python3
"""Compare the project's engine with PySD on cases/afpak/model.xmile, variable by variable.

Usage:
    blowback run cases/afpak/model.xmile --csv /tmp/afpak_engine.csv
    /tmp/pysd-venv/bin/python cases/afpak/tools/compare_engine.py /tmp/afpak_engine.csv
    blowback run cases/afpak --scenario ttp_talks --csv /tmp/talks.csv
    /tmp/pysd-venv/bin/python cases/afpak/tools/compare_engine.py /tmp/talks.csv ttp_talks
Prints, for every variable, the largest relative difference over the run and where it occurs, worst
first; exits 1 when any variable differs by more than 1e-6 (relative to its range).
"""
import sys

import numpy as np
import pandas as pd

import run_pysd as R

eng = pd.read_csv(sys.argv[1]).set_index("time")
if len(sys.argv) > 2:
    sc = {s["name"]: s for s in R.load_toml("scenarios.toml")["scenario"]}[sys.argv[2]]
    py = R.run(sc.get("overrides", {}), sc.get("start"))
else:
    py = R.run()
rows = []
for col in eng.columns:
    if col not in py.columns:
        rows.append((float("inf"), col, "missing in PySD output", 0))
        continue
    n = min(len(eng), len(py))
    a = eng[col].values[:n]
    b = py[col].values[:n]
    scale = max(1e-12, np.max(np.abs(b)), np.max(b) - np.min(b))
    d = np.abs(a - b) / scale
    i = int(np.nanargmax(d)) if np.all(np.isfinite(d)) else int(np.argmax(~np.isfinite(d)))
    rows.append((float(d[i]) if np.isfinite(d[i]) else float("inf"), col, f"engine {a[i]:.6g} pysd {b[i]:.6g}",
                 eng.index.values[i]))
rows.sort(reverse=True)
bad = [r for r in rows if r[0] > 1e-6]
for r in rows[:25]:
    print(f"{r[0]:.2e}  {r[1]:32s} t={r[3]:<9} {r[2]}")
print(f"{len(bad)} of {len(rows)} variables differ by more than 1e-6 of their range")
sys.exit(1 if bad else 0)
