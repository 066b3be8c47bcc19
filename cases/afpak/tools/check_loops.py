#!/usr/bin/env python3
"""Check cases/afpak/loops.toml against model.xmile (and that claims.toml and tests.toml name each other): every step of every loop must be a direct
dependency (the next variable's equation names the previous one, or the previous one is a flow of
the next, a stock), the signs must multiply to the stated polarity, and every signed step that also
appears as a link in claims.toml must carry the same sign there. Plain Python 3.11, no PySD needed.

Usage: python3 cases/afpak/tools/check_loops.py
"""
import pathlib
import re
import sys
import tomllib

CASE = pathlib.Path(__file__).resolve().parent.parent
xml = (CASE / "model.xmile").read_text()
eqns = dict(re.findall(r'name="([a-z0-9_]+)">\s*<doc>.*?</doc>\s*<eqn>(.*?)</eqn>', xml, re.S))
flows = {}
for name, body in re.findall(r'<stock name="([a-z0-9_]+)">(.*?)</stock>', xml, re.S):
    for f in re.findall(r"<inflow>(.*?)</inflow>", body):
        flows[(f, name)] = "+"
    for f in re.findall(r"<outflow>(.*?)</outflow>", body):
        flows[(f, name)] = "-"
claimed = {}
for c in tomllib.loads((CASE / "claims.toml").read_text())["claim"]:
    for l in c["links"]:
        claimed[(l["from"], l["to"])] = l["polarity"]

errors = 0
loops = tomllib.loads((CASE / "loops.toml").read_text())["loop"]
for lp in loops:
    vs, signs = lp["variables"], lp["links"]
    problems = []
    if len(vs) != len(signs):
        problems.append(f"{len(vs)} variables but {len(signs)} signs")
    for i, a in enumerate(vs):
        b = vs[(i + 1) % len(vs)]
        if a not in eqns or b not in eqns:
            problems.append(f"unknown variable in {a} -> {b}")
            continue
        if (a, b) in flows:
            if i < len(signs) and flows[(a, b)] != signs[i]:
                problems.append(f"{a} -> {b}: flow sign {flows[(a, b)]}, loop says {signs[i]}")
        elif not re.search(r"\b%s\b" % a, eqns[b]):
            problems.append(f"{b}'s equation does not use {a}")
        if i < len(signs) and (a, b) in claimed and claimed[(a, b)] != signs[i]:
            problems.append(f"{a} -> {b}: claims.toml says {claimed[(a, b)]}, loop says {signs[i]}")
    neg = sum(s == "-" for s in signs)
    pol = "R" if neg % 2 == 0 else "B"
    if pol != lp["polarity"]:
        problems.append(f"signs give {pol}, file says {lp['polarity']}")
    errors += len(problems)
    print(f"{'ok  ' if not problems else 'FAIL'} {lp['name']} ({lp['polarity']}, {len(vs)} variables)"
          + "".join(f"\n     {p}" for p in problems))
# Every claim names a test that exists (or "polarity": its links' generated tests), and every test
# names a claim that exists.
tests = tomllib.loads((CASE / "tests.toml").read_text())["test"]
test_names = {t["name"] for t in tests}
claims = tomllib.loads((CASE / "claims.toml").read_text())["claim"]
claim_ids = {c["id"] for c in claims}
for c in claims:
    if c["test"] != "polarity" and c["test"] not in test_names:
        print(f"FAIL claim {c['id']}: no test named {c['test']}")
        errors += 1
for t in tests:
    if t.get("claim") not in claim_ids:
        print(f"FAIL test {t['name']}: no claim named {t.get('claim')}")
        errors += 1
print(f"{len(loops)} loops, {len(claims)} claims, {len(tests)} tests, {errors} problems")
sys.exit(1 if errors else 0)
