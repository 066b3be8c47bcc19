#!/usr/bin/env bash
# Peak memory and time of `blowback explore merge` as the number of shards grows, on the same runs.
#
#   bench/explore/slurm/merge_memory.sh DIR [SHARDS...]    (default: 2 8 32)
#
# DIR is the output folder of an unsharded `blowback explore` run (its runs/part-*.parquet and
# shard.json). For each shard count n the parts are hard-linked into n shard folders, each with
# the manifest `--shard i/n` would write (shard i owns parts chunks*(i-1)/n .. chunks*i/n - 1, the
# split of Ensemble::shard; the merge refuses if that were wrong), and merged under /usr/bin/time.
# Parts are byte-identical whether a shard or the whole run wrote them (e2e/slurm/run.sh checks
# that), so this measures the merge of real shard folders without recomputing them.
# Prints one line per shard count: parts, rows, wall time, peak resident memory; and checks that
# every merged file is the same.
set -euo pipefail
dir=${1:?usage: $0 DIR [SHARDS...]}
shift
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(2 8 32)
root=$(cd "$(dirname "$0")/../../.." && pwd)
blowback=${BLOWBACK:-$root/target/release/blowback}
number() { sed -n "s/^ *\"$1\": \([0-9]*\),\{0,1\}$/\1/p" "$dir/shard.json"; }
design=$(sed -n 's/^ *"design": "\(.*\)",$/\1/p' "$dir/shard.json")
experiments=$(number experiments)
chunk_size=$(number chunk_size)
chunks=$(((experiments + chunk_size - 1) / chunk_size))
work=$(mktemp -d "${TMPDIR:-/tmp}/blowback-merge-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "$design: $experiments experiments in $chunks parts of $chunk_size ($(du -sh "$dir/runs" | cut -f1) of parts)"
printf '%8s %8s %10s %10s %10s %14s\n' shards parts rows "wall s" "CPU s" "peak RSS MB"
reference=""
for n in "${counts[@]}"; do
  sweep=$work/$n
  for i in $(seq 1 "$n"); do
    shard=$sweep/shard-$i
    mkdir -p "$shard/runs"
    printf '{\n  "design": "%s",\n  "experiments": %s,\n  "chunk_size": %s,\n  "shard": %s,\n  "shards": %s\n}' \
      "$design" "$experiments" "$chunk_size" "$i" "$n" >"$shard/shard.json"
    for ((c = chunks * (i - 1) / n; c < chunks * i / n; c++)); do
      ln "$dir/runs/$(printf 'part-%06d.parquet' "$c")" "$shard/runs/"
    done
  done
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
    "$blowback" explore merge "$sweep"/shard-* --out "$sweep/runs.parquet" >"$work/out"
  read -r wall user system rss <"$work/time"
  rows=$(sed -n 's/^merged [0-9]* parts, \([0-9]*\) rows.*/\1/p' "$work/out")
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  printf '%8s %8s %10s %10s %10s %14s\n' "$n" "$chunks" "$rows" "$wall" "$cpu" "$((rss / 1024))"
  if [ -z "$reference" ]; then
    reference=$sweep/runs.parquet
  else
    cmp -s "$reference" "$sweep/runs.parquet" || { echo "error: the merge of $n shards differs" >&2; exit 1; }
  fi
done
echo "every merged file is identical ($(stat -c %s "$reference") bytes)"
