"""Prints the arrayed-model medians of blowback-sd, simlin and PySD and their ratios."""
import re
import sys

peers = {}
for line in open(sys.argv[1]):
    tool, phase, value, runs = line.rstrip("\n").split("\t")
    peers[(tool, phase)] = (float(value), int(runs))
ours = {}
for line in open(sys.argv[2]):
    match = re.match(r"test (compile|run)/arrays_population \.\.\. bench:\s+([\d,]+) ns/iter", line)
    if match:
        ours[match.group(1)] = float(match.group(2).replace(",", "")) / 1e9
our_value = float(open(sys.argv[3]).read().strip())

print("population.mdl: world population at t=100")
print(f"  blowback {our_value:.10g}  simlin {peers[('simlin', 'value')][0]:.10g}"
      f"  PySD {peers[('pysd', 'value')][0]:.10g}")
print(f"{'phase':<28} {'blowback':>12} {'simlin':>12} {'PySD':>12} {'simlin/ours':>12} {'PySD/ours':>10}")
for ours_phase, peer_phase, label in [
    ("compile", "load", "read + compile (load)"),
    ("run", "run", "run (801 steps)"),
]:
    b = ours[ours_phase]
    s = peers[("simlin", peer_phase)][0]
    p = peers[("pysd", peer_phase)][0]
    print(f"{label:<28} {b * 1e3:>9.2f} ms {s * 1e3:>9.2f} ms {p * 1e3:>9.0f} ms {s / b:>11.1f}x {p / b:>9.0f}x")
runs = {tool: peers[(tool, "run")][1] for tool in ("simlin", "pysd")}
print(f"medians: blowback from criterion; simlin over {runs['simlin']} runs, PySD over {runs['pysd']}")
