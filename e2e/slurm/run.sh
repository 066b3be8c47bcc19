#!/usr/bin/env bash
# The Slurm path of `blowback explore`, on a real one-node Slurm cluster, with faults.
#
#   e2e/slurm/run.sh [BLOWBACK]     (default target/release/blowback)
#
# 1. Starts a one-node cluster (cluster.sh; installs Debian's packages when missing).
# 2. Runs the Af-Pak case unsharded, locally: the reference.
# 3. Submits the same sweep with bench/explore/slurm/submit.sh: a job array of 4 shards and a merge
#    job with --dependency=afterok.
# 4. Cancels shard 4 while it waits (Slurm then forgets the task), cancels shard 2 (scancel) after
#    its first parts are written, requeues shard 3 while it runs (scontrol requeue, as preemption
#    or a node failure would), then runs requeue.sh, which requeues shard 2, resubmits shard 4 and
#    makes the merge wait for both. Shards 2 and 3 must resume from the parts they had.
# 5. Checks that the merged file is byte-identical to the unsharded run's.
# 6. Merges over a missing, an incomplete, a truncated and a misplaced shard part: each must fail,
#    name the shard, and write nothing.
# The cluster is stopped at the end whatever happens; the work folder is kept if a check fails.
set -euo pipefail
started=$(date +%s)
root=$(cd "$(dirname "$0")/../.." && pwd)
blowback=$(realpath "${1:-$root/target/release/blowback}")
[ -x "$blowback" ] || { echo "error: no blowback binary at $blowback (cargo build --release)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/blowback-slurm.XXXXXX")
cluster=$work/cluster
sweep=$work/sweep
passed=0

finish() {
  local code=$?
  bash "$root/e2e/slurm/cluster.sh" stop "$cluster" || true
  if [ $code -eq 0 ] && [ $passed -eq 1 ]; then
    rm -rf "$work"
  else
    echo "FAILED; the work folder is kept: $work" >&2
  fi
  exit $code
}
trap finish EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

step() {
  echo "-- $* ($(($(date +%s) - started)) s)"
}

bash "$root/e2e/slurm/cluster.sh" start "$cluster"
export SLURM_CONF=$cluster/slurm.conf
cd "$root"

# 64 experiments x (2 scenarios x 4 structures) = 512 runs, in parts of 2 experiments: 32 parts,
# 8 per shard, so a shard can be caught between its first and its last part.
shards=4
parts_per_shard=8
runs_per_part=16
explore=(cases/afpak --samples 64 --seed 7 --scenarios "status_quo,pressure_taliban" --chunk-size 2)

step "reference: the same sweep unsharded, locally"
"$blowback" explore "${explore[@]}" --threads 2 --out "$work/whole" --quiet >/dev/null
"$blowback" explore merge "$work/whole" --out "$work/whole.parquet"

step "submitting $shards shards and the merge"
# Two tasks at a time whatever the machine's size, so that shard 4 is still waiting below.
BLOWBACK=$blowback MAX_RUNNING=2 bench/explore/slurm/submit.sh "$sweep" "$shards" "${explore[@]}"
# shellcheck source=/dev/null
. "$sweep/jobs.env"

parts_of() {
  local dir="$sweep/shard-$1/runs"
  if [ -d "$dir" ]; then find "$dir" -name 'part-*.parquet' | wc -l; else echo 0; fi
}

task_state() {
  squeue -h -t all -j "${TASK_JOBS[$1]}" -o '%T' 2>/dev/null | head -1
}

wait_until() {
  # wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.05 s.
  local deadline=$(($(date +%s) + $1)) what=$2
  shift 2
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.05
  done
}

has_parts() { [ "$(parts_of "$1")" -ge 1 ]; }
in_state() { [ "$(task_state "$1")" = "$2" ]; }

step "fault 1: cancelling shard 4 while it waits for a CPU"
[ "$(task_state 4)" = PENDING ] || fail "shard 4 is $(task_state 4), not waiting"
first_job_4=${TASK_JOBS[4]}
scancel "$first_job_4"
wait_until 30 "Slurm to drop shard 4" in_state 4 ""

step "fault 2: cancelling shard 2 after its first part"
wait_until 120 "shard 2's first part" has_parts 2
scancel "${TASK_JOBS[2]}"
wait_until 60 "shard 2 to be cancelled" in_state 2 CANCELLED
kept=$(parts_of 2)
echo "shard 2 cancelled with $kept of $parts_per_shard parts written"
if [ "$kept" -lt 1 ] || [ "$kept" -ge "$parts_per_shard" ]; then
  fail "shard 2 was not caught part-way ($kept of $parts_per_shard parts)"
fi
inodes_before=$(stat -c '%n %i' "$sweep"/shard-2/runs/part-*.parquet)
[ "$(squeue -h -j "$MERGE_JOB" -o '%T')" = PENDING ] || fail "the merge job is not waiting"

step "fault 3: requeuing shard 3 while it runs (as preemption would)"
wait_until 120 "shard 3's first part" has_parts 3
scontrol requeue "${TASK_JOBS[3]}"
requeued_with=$(parts_of 3)
echo "shard 3 requeued with $requeued_with of $parts_per_shard parts written"

step "requeue.sh: every shard not completed, pending or running runs again"
bench/explore/slurm/requeue.sh "$sweep"
# shellcheck source=/dev/null
. "$sweep/jobs.env"

step "waiting for the shards and the merge"
merge_done() {
  local state
  state=$(squeue -h -t all -j "$MERGE_JOB" -o '%T' 2>/dev/null)
  case $state in
    COMPLETED) return 0 ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY)
      cat "$sweep"/logs/*.log >&2
      fail "the merge job ended $state" ;;
    *) return 1 ;;
  esac
}
wait_until 300 "the merge job" merge_done
for task in $(seq 1 "$shards"); do
  echo "  shard $task/$shards (job ${TASK_JOBS[task]}): $(task_state "$task") after $(grep -c '^shard .* attempt' "$sweep/logs/shard-$task.log") attempt(s)"
  [ "$(task_state "$task")" = COMPLETED ] || fail "shard $task did not complete"
done
[ "${TASK_JOBS[4]}" != "$first_job_4" ] || fail "shard 4 was not resubmitted"
cat "$sweep/logs/merge.log"

step "checks"
cmp "$sweep/runs.parquet" "$work/whole.parquet" ||
  fail "the merged file differs from the unsharded run's"
echo "ok: merged file is byte-identical to the unsharded run's ($(stat -c %s "$work/whole.parquet") bytes)"
for part in "$work"/whole/runs/part-*.parquet; do
  name=$(basename "$part")
  copies=("$sweep"/shard-*/runs/"$name")
  if [ ${#copies[@]} -ne 1 ] || [ ! -f "${copies[0]}" ]; then
    fail "$name is in ${#copies[@]} shard folders"
  fi
  cmp -s "$part" "${copies[0]}" || fail "$name differs between the shard and the unsharded run"
done
echo "ok: each of the $(find "$work/whole/runs" -name 'part-*.parquet' | wc -l) parts is in exactly one shard folder, byte-identical"

# The cancelled shard resumed: its earlier parts were kept (same files), and its second attempt
# says how many runs it took from them.
log2=$sweep/logs/shard-2.log
grep -q "attempt 2" "$log2" || fail "shard 2 did not run a second time: $(cat "$log2")"
resumed=$(sed -n 's/.*, \([0-9]*\) resumed).*/\1/p' "$log2" | tail -1)
if [ -z "$resumed" ] || [ "$resumed" -lt $((kept * runs_per_part)) ] ||
  [ "$resumed" -ge $((parts_per_shard * runs_per_part)) ]; then
  fail "shard 2 resumed '${resumed:-no}' runs; expected at least $((kept * runs_per_part)) and fewer than all"
fi
while read -r name inode; do
  [ "$(stat -c %i "$name")" = "$inode" ] || fail "$name was rewritten instead of resumed"
done <<<"$inodes_before"
echo "ok: shard 2 resumed $resumed runs from the $kept part(s) it had (files untouched) and computed the rest"
log3=$sweep/logs/shard-3.log
grep -q "attempt 2" "$log3" || fail "shard 3 did not run a second time: $(cat "$log3")"
resumed3=$(sed -n 's/.*, \([0-9]*\) resumed).*/\1/p' "$log3" | tail -1)
if [ -z "$resumed3" ] || [ "$resumed3" -lt $((requeued_with * runs_per_part)) ]; then
  fail "shard 3 resumed '${resumed3:-no}' runs after its requeue with $requeued_with parts"
fi
echo "ok: shard 3 resumed $resumed3 runs after its requeue"

# Merges that must refuse: each names the shard, exits non-zero, and leaves no file behind.
refuses() {
  # refuses WHAT EXPECTED-TEXT INPUTS...: the merge of INPUTS fails and says EXPECTED-TEXT.
  local what=$1 expected=$2 out="$work/refused/runs.parquet" message
  shift 2
  rm -rf "$work/refused"
  mkdir -p "$work/refused"
  if message=$("$blowback" explore merge "$@" --out "$out" 2>&1); then
    fail "the merge over $what succeeded"
  fi
  grep -qF -- "$expected" <<<"$message" || fail "the merge over $what said: $message"
  [ -z "$(ls -A "$work/refused")" ] || fail "the merge over $what left $(ls -A "$work/refused")"
  echo "ok: $what refused: $(grep -F -- "$expected" <<<"$message" | head -1 | sed 's/^ *//')"
}
broken=$work/broken
refuses "a missing shard" "shard 3/4 is missing" \
  "$sweep/shard-1" "$sweep/shard-2" "$sweep/shard-4"
rm -rf "$broken" && cp -r "$sweep" "$broken"
rm "$broken/shard-3/runs/part-000018.parquet"
refuses "an incomplete shard" "shard 3/4 ($broken/shard-3) is incomplete: 1 of its 8 parts missing (part-000018.parquet)" \
  "$broken"/shard-*
rm -rf "$broken" && cp -r "$sweep" "$broken"
truncate -s 20000 "$broken/shard-2/runs/part-000011.parquet"
refuses "a truncated part" "$broken/shard-2/runs/part-000011.parquet (shard 2/4) is truncated" \
  "$broken"/shard-*
# A whole Parquet file in the wrong place passes the quick check and fails during the merge,
# after the output was started: the temporary file must go too.
rm -rf "$broken" && cp -r "$sweep" "$broken"
cp "$broken/shard-4/runs/part-000024.parquet" "$broken/shard-4/runs/part-000025.parquet"
refuses "a misplaced part" "part-000025.parquet (shard 4/4): holds experiments 48..50, which an earlier part already holds" \
  "$broken"/shard-*

passed=1
echo "slurm test passed in $(($(date +%s) - started)) s"
