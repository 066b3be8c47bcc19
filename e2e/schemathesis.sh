#!/usr/bin/env bash
# Schema-driven fuzzing of the explorer's API: starts `blowback serve cases/afpak` on a free port and
# runs schemathesis (PyPI, pinned) against the OpenAPI document the server returns, which narrows
# the generic crates/blowback-serve/src/openapi.json to the case (scenario and variable names,
# each lever's range). Every check is on: no 5xx, responses match their schemas, valid requests are
# accepted and invalid ones refused. Usage: e2e/schemathesis.sh [path/to/blowback] [MAX_EXAMPLES]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/blowback}
examples=${2:-200}
venv=target/e2e/schemathesis-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi
log=$(mktemp)
"$bin" serve cases/afpak --port 0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
url=
for _ in $(seq 200); do
  url=$(sed -n 's|^listening on \(http://[^ ]*\).*|\1|p' "$log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "schemathesis: the server did not start" >&2; exit 1; }
"$venv/bin/schemathesis" run "$url/api/openapi.json" --checks all --max-examples "$examples" \
  --seed 2022 --no-color
