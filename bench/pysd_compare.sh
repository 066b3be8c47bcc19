#!/usr/bin/env bash
# Per-run time of blowback-sd against PySD on the same XMILE models with the same dt.
# Installs PySD in a virtual environment under bench/.venv, then prints medians and ratios.
# Usage: bench/pysd_compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet pysd
fi
suite=crates/blowback-sd/tests/conformance/sd/samples
bench/.venv/bin/python bench/pysd_time.py \
  teacup="$suite/teacup/teacup.xmile" sir="$suite/SIR/SIR.xmile" > target/pysd_times.txt
cargo bench -p blowback-sd --bench engine -- --output-format bencher 'run/' 2>/dev/null \
  | grep '^test ' > target/blowback_times.txt
python3 bench/ratio.py target/pysd_times.txt target/blowback_times.txt
