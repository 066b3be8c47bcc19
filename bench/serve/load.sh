#!/usr/bin/env bash
# Bounded load test of the web explorer on loopback: starts `blowback serve cases/afpak` on a free
# port, sends REQUESTS run requests (default 10000) from CLIENTS concurrent keep-alive clients
# (default 8) with the `serve_load` example, prints p50/p90/p99 latency and errors, stops the server.
# The client shares the machine with the server, so on 2 cores the figures include its own cost.
#
#   bash bench/serve/load.sh [REQUESTS] [CLIENTS] [overlay|single]
# overlay (default): an uncertain parameter moved, so all nine scenarios re-run per request;
# single: a policy lever moved, so only the current scenario re-runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
requests=${1:-10000}
clients=${2:-8}
mode=${3:-overlay}
cargo build --release -p blowback-cli --bin blowback
cargo build --release -p blowback-serve --example serve_load
log=$(mktemp)
target/release/blowback serve cases/afpak --port 0 >"$log" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$log" && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$log")
[ -n "$url" ] || { echo "the server did not start" >&2; exit 1; }
echo "server    $url (blowback serve cases/afpak, $(nproc) cores)"
target/release/examples/serve_load "$url" "$requests" "$clients" "$mode"
