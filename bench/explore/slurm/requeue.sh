#!/usr/bin/env bash
# Runs again the shards of a sweep (submitted by submit.sh) whose tasks were cancelled or failed,
# and makes the merge job wait for them.
#
#   bench/explore/slurm/requeue.sh SWEEP [SHARD...]
#
# Default: every shard whose task is neither completed nor pending nor running, including tasks
# Slurm no longer knows (a task cancelled before it started is forgotten at once). A shard that
# runs again resumes from the parts its folder holds; one that had in fact finished does nothing
# but reload its parts.
#
# Why this is needed: tasks that Slurm requeues by itself (node failure, preemption) need nothing.
# But once a task is cancelled (`scancel`) or fails, Slurm marks the merge's `afterok` dependency
# as never satisfied, and requeuing the task does not undo that; pointing the merge at the jobs
# of every shard again does.
set -euo pipefail
if [ $# -lt 1 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
# shellcheck source=/dev/null
. "$1/jobs.env"
shift
here=$(cd "$(dirname "$0")" && pwd)
read -r -a extra <<<"$SBATCH_OPTIONS"

state_of() {
  squeue -h -t all -j "$1" -o '%T' 2>/dev/null | head -1 || true
}

selected=("$@")
if [ ${#selected[@]} -eq 0 ]; then
  for shard in $(seq 1 "$SHARDS"); do
    case $(state_of "${TASK_JOBS[shard]}") in
      COMPLETED | PENDING | RUNNING | CONFIGURING | COMPLETING | REQUEUED | REQUEUE_HOLD | RESIZING | SUSPENDED) ;;
      *) selected+=("$shard") ;;
    esac
  done
fi

forgotten=()
for shard in "${selected[@]}"; do
  if scontrol requeue "${TASK_JOBS[shard]}" 2>/dev/null; then
    echo "requeued shard $shard/$SHARDS (job ${TASK_JOBS[shard]})"
  else
    forgotten+=("$shard")
  fi
done
if [ ${#forgotten[@]} -gt 0 ]; then
  list=$(IFS=,; echo "${forgotten[*]}")
  job=$(cd "$WORKDIR" && sbatch --parsable "${extra[@]}" \
    --array="$list${MAX_RUNNING:+%$MAX_RUNNING}" \
    --cpus-per-task="$CPUS_PER_TASK" \
    --output="$SWEEP/logs/shard-%a.log" \
    --export="ALL,SWEEP=$SWEEP,SHARDS=$SHARDS,BLOWBACK=$BLOWBACK" \
    "$here/shard.sbatch" "${EXPLORE_ARGS[@]}")
  job=${job%%;*}
  for shard in "${forgotten[@]}"; do
    TASK_JOBS[shard]=${job}_$shard
  done
  echo "resubmitted shard(s) $list of $SHARDS, which Slurm no longer knew, as job array $job"
fi

dependency=afterok
for shard in $(seq 1 "$SHARDS"); do
  dependency+=":${TASK_JOBS[shard]}"
done
if [ "$(state_of "$MERGE_JOB")" = PENDING ]; then
  scontrol update jobid="$MERGE_JOB" dependency="$dependency"
  echo "merge job $MERGE_JOB waits for every shard again"
else
  MERGE_JOB=$(sbatch --parsable "${extra[@]}" \
    --dependency="$dependency" \
    --output="$SWEEP/logs/merge.log" \
    --open-mode=append \
    --export="ALL,SWEEP=$SWEEP,BLOWBACK=$BLOWBACK" \
    "$here/merge.sbatch")
  MERGE_JOB=${MERGE_JOB%%;*}
  echo "submitted a new merge job $MERGE_JOB that waits for every shard"
fi
declare -p SWEEP SHARDS EXPLORE_ARGS BLOWBACK CPUS_PER_TASK MAX_RUNNING SBATCH_OPTIONS WORKDIR TASK_JOBS MERGE_JOB \
  >"$SWEEP/jobs.env"
