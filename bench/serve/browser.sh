#!/usr/bin/env bash
# The explorer's slider round trip in a real browser: builds the release binary, starts
# `blowback serve cases/afpak` and times MOVES (default 40) keyboard moves of a policy lever and of
# an uncertain parameter in Debian's chromium, as the page itself reports them (request, JSON,
# charts and table redrawn). Needs what e2e/run.sh needs (chromium, Node.js).
#
#   bash bench/serve/browser.sh [MOVES]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -p blowback-cli --bin blowback
bash e2e/run.sh target/release/blowback roundtrip.bench.mjs "${1:-40}"
