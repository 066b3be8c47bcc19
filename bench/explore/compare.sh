#!/usr/bin/env bash
# blowback explore against EMA Workbench + PySD (ensemble throughput on the same SIR model, same
# uncertainty ranges and design size), SALib (Sobol analysis of Ishigami, N = 8192, 100 bootstrap
# resamples) and EMA Workbench's PRIM (10,000 points in 8 dimensions). Installs the Python tools
# in bench/explore/.venv on first use. Prints each pair of figures and the ratio.
# Usage: bench/explore/compare.sh [EMA_RUNS] [OUR_RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
ema_runs=${1:-200}
our_runs=${2:-20000}
venv=bench/explore/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import ema_workbench, SALib, pysd" 2>/dev/null ||
  "$venv/bin/pip" install --quiet ema_workbench SALib pysd
sir=crates/blowback-sd/tests/conformance/sd/samples/SIR/SIR.xmile

cargo build --release -q -p blowback-cli
ours=$(target/release/blowback explore "$sir" --uncertainties bench/explore/sir_uncertainties.toml \
  --method lhs --samples "$our_runs" --threads 1 --quiet --fresh --out target/explore-bench/compare \
  | head -1 | sed -E 's/.*\(([0-9]+) runs\/s.*/\1/')
ours2=$(target/release/blowback explore "$sir" --uncertainties bench/explore/sir_uncertainties.toml \
  --method lhs --samples "$our_runs" --threads 2 --quiet --fresh --out target/explore-bench/compare \
  | head -1 | sed -E 's/.*\(([0-9]+) runs\/s.*/\1/')
analysis=$(cargo bench -q -p blowback-explore --bench analysis -- --output-format bencher 2>/dev/null | grep '^test ')
TQDM_DISABLE=1 "$venv/bin/python" bench/explore/compare.py "$sir" "$ema_runs" "$ours" "$ours2" "$analysis"
