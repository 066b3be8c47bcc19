#!/usr/bin/env python3
"""How robust are the essay's tests to the judgement parameters? (PySD, modeller's check.)

Every constant whose <doc> says "Judgement, plausible range a-b" is drawn uniformly from its range
(Latin hypercube), all at once, except the constants fitted to data (kept at their fitted values) and
the policy levers. For each draw every scenario is run and every `compare` test of tests.toml is
evaluated. Prints, per test, the share of draws in which it passes.

Usage: /tmp/pysd-venv/bin/python cases/afpak/tools/robustness.py [--draws N] [--seed S]
"""
from __future__ import annotations

import argparse
import re

import numpy as np

import run_pysd as R

FITTED = {"attacks_per_fighter", "recruitment_capacity", "ct_attrition_rate", "cross_border_reach",
          "other_attack_scale", "baloch_attack_scale", "baloch_ct_attrition", "threat_response",
          "structural_drain"}


def judgement_ranges():
    xml = R.MODEL.read_text()
    out = {}
    for name, doc in re.findall(r'<aux name="([a-z0-9_]+)">\s*<doc>(.*?)</doc>', xml, re.S):
        m = re.search(r"Judgement, plausible range (-?[0-9]+(?:\.[0-9]+)?)-(-?[0-9]+(?:\.[0-9]+)?)", doc)
        if m and name not in FITTED:
            lo, hi = float(m.group(1)), float(m.group(2))
            if lo < hi:
                out[name] = (lo, hi)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    ranges = judgement_ranges()
    names = sorted(ranges)
    rng = np.random.default_rng(args.seed)
    # Latin hypercube: one stratum per draw in every dimension, shuffled independently.
    u = (np.argsort(rng.random((len(names), args.draws)), axis=1) + rng.random((len(names), args.draws)))
    u = u / args.draws
    scenarios = R.load_toml("scenarios.toml")["scenario"]
    tests = [t for t in R.load_toml("tests.toml")["test"] if t["kind"] == "compare"]
    passes = np.zeros(len(tests))
    outcome = np.zeros((len(tests), args.draws))
    all_pass = 0
    for d in range(args.draws):
        draw = {n: ranges[n][0] + u[i, d] * (ranges[n][1] - ranges[n][0]) for i, n in enumerate(names)}
        runs = {}
        for s in scenarios:
            ov = dict(draw)
            ov.update(s.get("overrides", {}))
            runs[s["name"]] = R.run(ov, s.get("start"))
        ok_all = True
        for k, t in enumerate(tests):
            def side(sd):
                if "value" in sd:
                    return sd["value"]
                return R.stat(runs[sd["scenario"]], sd["var"], sd.get("stat", "mean"), sd.get("from"),
                              sd.get("to"))
            lv, rv = side(t["left"]), side(t["right"])
            ok = {">": lv > rv, "<": lv < rv, ">=": lv >= rv, "<=": lv <= rv}[t["op"]]
            passes[k] += ok
            outcome[k, d] = ok
            ok_all &= ok
        all_pass += ok_all
    print(f"{len(names)} judgement constants varied over their plausible ranges; {args.draws} draws "
          f"(Latin hypercube, seed {args.seed})")
    for k in np.argsort(passes):
        print(f"{passes[k] / args.draws:6.0%}  {tests[k]['name']}")
    print(f"all {len(tests)} comparison tests pass together in {all_pass}/{args.draws} draws")
    # Which constants decide the fragile tests: rank correlation of each constant's draw with passing.
    for k in np.argsort(passes)[:4]:
        if 0 < passes[k] < args.draws:
            ranks = np.argsort(np.argsort(u, axis=1), axis=1)
            y = outcome[k] - outcome[k].mean()
            r = [(float(np.corrcoef(ranks[i], outcome[k])[0, 1]), names[i]) for i in range(len(names))]
            r.sort(key=lambda x: -abs(x[0]))
            top = ", ".join(f"{n} {c:+.2f}" for c, n in r[:5])
            print(f"{tests[k]['name']}: passes more with (rank correlation) {top}")


if __name__ == "__main__":
    main()
