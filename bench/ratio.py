"""Joins PySD medians (name, ns, steps) with criterion's bencher lines and prints ratios."""
import re
import sys

pysd = {}
for line in open(sys.argv[1]):
    name, ns, steps = line.split("\t")
    pysd[name] = (float(ns), int(steps))
ours = {}
for line in open(sys.argv[2]):
    match = re.match(r"test run/(\S+) \.\.\. bench:\s+([\d,]+) ns/iter", line)
    if match:
        ours[match.group(1)] = float(match.group(2).replace(",", ""))
print(f"{'model':<10} {'steps':>6} {'PySD median':>14} {'blowback median':>16} {'ratio':>9}")
for name, (ns, steps) in pysd.items():
    if name in ours:
        print(f"{name:<10} {steps:>6} {ns / 1e6:>11.2f} ms {ours[name] / 1e3:>13.1f} us {ns / ours[name]:>8.0f}x")
if "sir_hand_written_loop" in ours and "sir" in ours:
    print(f"sir: blowback / hand-written Rust loop = {ours['sir'] / ours['sir_hand_written_loop']:.2f}x")
