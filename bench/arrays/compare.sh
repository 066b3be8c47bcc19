#!/usr/bin/env bash
# The large arrayed model (bench/arrays/population.mdl, ~8,000 scalar variables) in blowback-sd,
# simlin (pysimlin) and PySD, side by side: load/compile and run medians, and ratios.
# Peers are installed in a virtual environment under /tmp. PySD takes about a minute per run, so
# it runs 3 times (simlin and blowback many more; all medians).
# Usage: bench/arrays/compare.sh [PYSD_RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=/tmp/blowback-bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pysd pysimlin
fi
model=bench/arrays/population.mdl
"$venv/bin/python" bench/arrays/peers.py "$model" 11 "${1:-3}" > target/arrays_peers.txt
cargo bench -p blowback-sd --bench engine -- --output-format bencher 'arrays_population' 2>/dev/null \
  | grep '^test ' > target/arrays_blowback.txt
cargo run --release -q -p blowback-cli -- run "$model" --csv - --vars "world population" \
  | tail -1 | cut -d, -f2 > target/arrays_blowback_value.txt
python3 bench/arrays/ratios.py target/arrays_peers.txt target/arrays_blowback.txt \
  target/arrays_blowback_value.txt
