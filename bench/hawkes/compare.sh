#!/usr/bin/env bash
# Compare blowback's Hawkes likelihood and fits with the PyPI package `hawkes` (T. Omi).
# Usage: bench/hawkes/compare.sh [SIZES...]   (default 1000 10000 100000 events)
# Makes a virtual environment under bench/.venv (git-ignored; or $HAWKES_VENV), installs `hawkes`,
# builds the release binary unless $BLOWBACK points at one, and runs compare.py.
# Exit status 1 if any log-likelihood differs by more than 1e-6 relative.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="${HAWKES_VENV:-bench/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    # `hawkes` compiles a Cython extension at install time and needs numpy/scipy/matplotlib.
    "$venv/bin/pip" install --quiet hawkes
fi
if [ -z "${BLOWBACK:-}" ]; then
    cargo build --release --quiet -p blowback-cli
    export BLOWBACK="$root/target/release/blowback"
fi
exec "$venv/bin/python" bench/hawkes/compare.py "$@"
