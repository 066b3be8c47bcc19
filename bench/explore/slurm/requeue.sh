#!/usr/bin/env bash
# Requeues shards of a sweep submitted by submit.sh whose tasks were cancelled or failed, and
# re-arms the merge job so it still waits for every task.
#
#   bench/explore/slurm/requeue.sh SWEEP [TASK...]     (default: every task not completed)
#
# A requeued task resumes from the parts its folder already holds. Tasks that Slurm requeues by
# itself (node failure, preemption) need none of this. But once a task is cancelled (`scancel`) or
# fails, Slurm marks the merge's `afterok` dependency as never satisfied, and requeuing the task
# does not undo that; pointing the merge at every task of the array again does.
set -euo pipefail
if [ $# -lt 1 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
sweep=$1
shift
# shellcheck source=/dev/null
. "$sweep/jobs.env"
tasks=("$@")
if [ ${#tasks[@]} -eq 0 ]; then
  while read -r task state; do
    case $state in
      COMPLETED | PENDING | RUNNING | CONFIGURING | COMPLETING | REQUEUED) ;;
      *) tasks+=("$task") ;;
    esac
  done < <(squeue -h -r -t all -j "$ARRAY_JOB" -o '%K %T')
fi
for task in "${tasks[@]}"; do
  scontrol requeue "${ARRAY_JOB}_$task"
  echo "requeued shard $task/$SHARDS (job ${ARRAY_JOB}_$task)"
done
dependency="afterok"
for task in $(seq 1 "$SHARDS"); do
  dependency+=":${ARRAY_JOB}_$task"
done
if [ "$(squeue -h -j "$MERGE_JOB" -o '%T' 2>/dev/null)" = PENDING ]; then
  scontrol update jobid="$MERGE_JOB" dependency="$dependency"
  echo "merge job $MERGE_JOB waits for tasks 1-$SHARDS of $ARRAY_JOB again"
else
  here=$(cd "$(dirname "$0")" && pwd)
  MERGE_JOB=$(sbatch --parsable --dependency="$dependency" \
    --output="$sweep/logs/merge.log" --open-mode=append \
    --export="ALL,SWEEP=$sweep,BLOWBACK=$BLOWBACK" \
    "$here/merge.sbatch")
  MERGE_JOB=${MERGE_JOB%%;*}
  printf 'ARRAY_JOB=%s\nMERGE_JOB=%s\nSHARDS=%s\nBLOWBACK=%q\n' \
    "$ARRAY_JOB" "$MERGE_JOB" "$SHARDS" "$BLOWBACK" >"$sweep/jobs.env"
  echo "submitted a new merge job $MERGE_JOB waiting for tasks 1-$SHARDS of $ARRAY_JOB"
fi
