#!/usr/bin/env bash
# The Python package: builds the abi3 wheel of crates/blowback-py with maturin, installs it into a
# virtual environment with the pinned test dependencies (PyPI), and runs its pytest suite
# (EMA Workbench test included). Run by .ci/run; runs on its own too: bash .ci/python.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/python/venv
if [ ! -x "$venv/bin/maturin" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    maturin==1.16.0 numpy==2.4.6 pandas==3.1.1 pytest==9.2.0 ema_workbench==2.5.3
fi
rm -rf target/python/wheels
(cd crates/blowback-py && "../../$venv/bin/maturin" build --release --locked --quiet -o ../../target/python/wheels)
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps target/python/wheels/blowback-*.whl
# EMA warns at import that ipyparallel (its cluster evaluator) is missing; not used here.
"$venv/bin/python" -m pytest -q -W "ignore:ipyparallel not installed" crates/blowback-py/tests
