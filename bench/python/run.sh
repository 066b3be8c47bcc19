#!/usr/bin/env bash
# The Python package against the CLI, PySD and EMA Workbench's PySD connector on the teacup model,
# side by side in one run: builds the CLI and the wheel (release), installs PySD and EMA Workbench
# (PyPI, pinned) in a virtual environment under target/, prints medians and ratios.
# Usage: bench/python/run.sh [RUNS=10000] [EXPERIMENTS=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/python/bench-venv
if [ ! -x "$venv/bin/maturin" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    maturin==1.16.0 numpy==2.4.6 pandas==3.1.1 ema_workbench==2.5.3 pysd==3.14.3
fi
cargo build --release --locked -p blowback-cli
rm -rf target/python/bench-wheels
(cd crates/blowback-py && "../../$venv/bin/maturin" build --release --locked --quiet -o ../../target/python/bench-wheels)
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps target/python/bench-wheels/blowback-*.whl
"$venv/bin/python" bench/python/compare.py target/release/blowback \
  crates/blowback-sd/tests/conformance/sd/samples/teacup/teacup.mdl "${1:-10000}" "${2:-1000}"
