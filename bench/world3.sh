#!/usr/bin/env bash
# Load + run time of World3-03 from its .mdl (read, compile, simulate 1900-2100 at dt 0.5): blowback
# against simlin (PyPI `pysimlin`) and PySD on the same file. Installs both in a virtual environment
# (default /tmp/blowback-bench-venv, or $BLOWBACK_BENCH_VENV), then prints medians and ratios.
# Usage: bench/world3.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${BLOWBACK_BENCH_VENV:-/tmp/blowback-bench-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pysimlin pysd
fi
model=crates/blowback-sd/tests/models/world3/wrld3-03.mdl
"$venv/bin/python" bench/world3_peers.py "$model" > target/world3_peers.txt
cargo bench -p blowback-sd --bench mdl -- --output-format bencher 'world3/' 2>/dev/null \
  | grep '^test ' > target/world3_blowback.txt
python3 - target/world3_peers.txt target/world3_blowback.txt <<'PY'
import re, sys
peers = [line.split("\t") for line in open(sys.argv[1]) if line.strip()]
ours = {}
for line in open(sys.argv[2]):
    m = re.match(r"test world3/(\S+) \.\.\. bench:\s+([\d,]+) ns/iter", line)
    if m:
        ours[m.group(1)] = float(m.group(2).replace(",", ""))
base = ours["load_run"]
print(f"World3-03 .mdl, load + run (median)")
print(f"{'tool':<10} {'median':>12} {'samples':>8} {'ratio to blowback':>18}")
print(f"{'blowback':<10} {base / 1e6:>9.2f} ms {'bench':>8} {1:>17.0f}x")
for name, ns, samples in peers:
    ns = float(ns)
    print(f"{name:<10} {ns / 1e6:>9.2f} ms {samples.strip():>8} {ns / base:>17.1f}x")
print(f"blowback parts: read {ours['read'] / 1e6:.2f} ms, run {ours['run'] / 1e6:.2f} ms")
PY
