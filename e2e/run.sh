#!/usr/bin/env bash
# Browser test of `blowback serve`: starts the explorer on cases/afpak on a free port, drives it with
# Debian's chromium through playwright-core, stops it again. Usage:
#   e2e/run.sh [path/to/blowback [SCRIPT ARGS...]]
# The binary defaults to target/release/blowback and the script to explorer.test.mjs (another, such
# as roundtrip.bench.mjs, gets the server's address and ARGS). Exits with the script's status.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/release/blowback}
script=${2:-explorer.test.mjs}
shift $(( $# > 2 ? 2 : $# ))
if [ ! -x "$bin" ]; then
  echo "e2e: no binary at $bin (cargo build --release -p blowback-cli)" >&2
  exit 2
fi
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  echo "e2e: chromium is missing (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi
if [ ! -d e2e/node_modules/playwright-core ]; then
  (cd e2e && npm ci --no-audit --no-fund)
fi

log=$(mktemp)
"$bin" serve cases/afpak --port 0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT

url=
for _ in $(seq 200); do
  url=$(sed -n 's|^listening on \(http://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$log" | head -n 1)
  [ -n "$url" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "e2e: the server exited before listening:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "e2e: the server printed no 'listening on' line within 20 s:" >&2
  cat "$log" >&2
  exit 1
fi

echo "e2e: $bin serve cases/afpak at $url"
node "e2e/$script" "$url" "$@"
