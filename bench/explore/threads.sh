#!/usr/bin/env bash
# Ensemble throughput of `blowback explore` with 1 and 2 worker threads, on the SIR sample model
# and on the Af-Pak case. Prints runs per second and the 2-thread speed-up (target >= 1.8x).
# Each figure is the best of three runs.
# Usage: bench/explore/threads.sh [SIR_SAMPLES] [AFPAK_SAMPLES]
set -euo pipefail
cd "$(dirname "$0")/../.."
sir_samples=${1:-20000}
afpak_samples=${2:-300}
cargo build --release -q -p blowback-cli
bin=target/release/blowback
out=target/explore-bench
sir=crates/blowback-sd/tests/conformance/sd/samples/SIR/SIR.xmile

rate() { # best runs/s of three runs (the machine is shared; the best run is the least disturbed)
  for _ in 1 2 3; do
    "$@" --quiet --fresh | head -1 | sed -E 's/.*\(([0-9]+) runs\/s.*/\1/'
  done | sort -n | tail -1
}

for model in sir afpak; do
  for threads in 1 2; do
    if [ "$model" = sir ]; then
      r=$(rate "$bin" explore "$sir" --uncertainties bench/explore/sir_uncertainties.toml \
        --method lhs --samples "$sir_samples" --threads "$threads" --out "$out/sir-$threads")
    else
      r=$(rate "$bin" explore cases/afpak --method lhs --samples "$afpak_samples" \
        --threads "$threads" --out "$out/afpak-$threads")
    fi
    eval "${model}_$threads=$r"
    echo "$model threads=$threads: $r runs/s"
  done
done
python3 -c "print(f'speed-up 1 -> 2 threads: SIR {${sir_2}/${sir_1}:.2f}x, Af-Pak {${afpak_2}/${afpak_1}:.2f}x')"
