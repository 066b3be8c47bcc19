#!/usr/bin/env python3
"""Least-squares fit of a handful of uncertain parameters to the PIPS series (data up to mid-2022 only),
using PySD as the simulator. This is the modeller's own check; `blowback calibrate` is the product's.

Residuals are on a log scale because the series spans an order of magnitude (1206 -> 146 attacks):
total attacks 2014-2021 (8 points), TTP attacks 2018, 2020, 2021 (2018 down-weighted: it counts the
JuA/HuA splinters, the later years may not), nationalist attacks 2018, plus a soft penalty keeping TTP
fighters in 2021 inside the UN Monitoring Team's 2,500-6,000 range (12th report, mid-2021).

Usage: /tmp/pysd-venv/bin/python cases/afpak/tools/fit_pysd.py [--maxiter N]
Prints the fitted values; copy them into build_model.py by hand (the fit is a guide, not a ritual).
"""
from __future__ import annotations

import argparse
import math

import numpy as np
from scipy.optimize import minimize

import run_pysd as R

# name: (start, lo, hi) -- bounds are the plausible ranges stated in the variables' docs
PARAMS = {
    "attacks_per_fighter": (0.12, 0.02, 0.2),
    "recruitment_capacity": (4300.0, 4000.0, 15000.0),
    "ct_attrition_rate": (1.5, 0.3, 1.5),
    "cross_border_reach": (0.33, 0.2, 0.7),
    "other_attack_scale": (420.0, 200.0, 800.0),
    "baloch_attack_scale": (200.0, 200.0, 800.0),
    "baloch_ct_attrition": (1.45, 0.3, 1.5),
    "threat_response": (0.2, 0.2, 0.8),
    "structural_drain": (3.4, 0.5, 4.0),
}


def unpack(z):
    out = {}
    for (k, (_, lo, hi)), zi in zip(PARAMS.items(), z):
        out[k] = lo + (hi - lo) / (1 + math.exp(-zi))  # logistic keeps values inside the bounds
    return out


def pack(vals):
    z = []
    for k, (_, lo, hi) in PARAMS.items():
        f = (vals[k] - lo) / (hi - lo)
        f = min(max(f, 1e-3), 1 - 1e-3)
        z.append(math.log(f / (1 - f)))
    return np.array(z)


DATA = R.load_data()
# SBP reserves at mid-year (data/fx_reserves.csv), as decimal years
RESERVES = {2017.46: 15.42, 2019.45: 7.60, 2020.47: 9.96, 2021.48: 16.12, 2022.46: 8.24}


def residuals(params):
    df = R.run(params)
    r = []
    for y, v in DATA["total"].items():
        r.append(math.log(R.annual(df, "terrorist_attacks_per_year", y) / v))
    for y, v in DATA["ttp"].items():
        w = 0.5 if y == 2018 else 1.0
        r.append(w * math.log(R.annual(df, "ttp_attacks_per_year", y) / v))
    for y, v in DATA["baloch"].items():
        r.append(0.5 * math.log(R.annual(df, "baloch_attacks_per_year", y) / v))
    for t, v in RESERVES.items():
        r.append(0.5 * math.log(R.stat(df, "fx_reserves", "mean", t - 0.1, t + 0.1) / v))
    f21 = R.annual(df, "ttp_fighters", 2021)
    r.append(max(0.0, math.log(f21 / 6000)) + max(0.0, math.log(2500 / f21)))
    return np.array(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--maxiter", type=int, default=200)
    args = ap.parse_args()
    start = {k: v[0] for k, v in PARAMS.items()}
    cost = lambda z: float(np.sum(residuals(unpack(z)) ** 2))
    z0 = pack(start)
    print(f"start cost {cost(z0):.4f}")
    res = minimize(cost, z0, method="Nelder-Mead", options={"maxiter": args.maxiter, "xatol": 1e-3,
                                                            "fatol": 1e-4})
    best = unpack(res.x)
    print(f"end cost {res.fun:.4f} after {res.nfev} runs")
    for k, v in best.items():
        print(f"{k} = {v:.4g}")


if __name__ == "__main__":
    main()
