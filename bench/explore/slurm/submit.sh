#!/usr/bin/env bash
# Submits a sweep of `blowback explore` to Slurm: a job array with one shard per task (shard.sbatch)
# and a merge job (merge.sbatch) that runs once every task has succeeded (--dependency=afterok).
#
#   bench/explore/slurm/submit.sh SWEEP SHARDS CASE [explore options...]
#   e.g. submit.sh /scratch/$USER/sweep 100 cases/afpak --method lhs --samples 250000 --seed 7
#
# SWEEP gets one folder per task (shard-1 ... shard-SHARDS), logs/ and, at the end, runs.parquet;
# it must be on a file system every node sees. Every task runs the same explore options, so pass
# --seed (and --chunk-size, if not the default): shards of one sweep must agree.
# Environment: BLOWBACK (the binary; default: `blowback` on PATH), CPUS_PER_TASK (default 1),
# MAX_RUNNING (at most this many tasks at once; default: as many as the cluster gives),
# SBATCH_OPTIONS (more sbatch options for both jobs, e.g. "--partition=long --time=04:00:00").
# The settings and job ids go to SWEEP/jobs.env, which requeue.sh reads.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
SWEEP=$1
SHARDS=$2
shift 2
EXPLORE_ARGS=("$@")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$SWEEP/logs"
SWEEP=$(cd "$SWEEP" && pwd)
BLOWBACK=${BLOWBACK:-$(command -v blowback || true)}
[ -n "$BLOWBACK" ] || { echo "error: no blowback on PATH; set BLOWBACK=/path/to/blowback" >&2; exit 2; }
BLOWBACK=$(realpath "$BLOWBACK")
CPUS_PER_TASK=${CPUS_PER_TASK:-1}
MAX_RUNNING=${MAX_RUNNING:-}
SBATCH_OPTIONS=${SBATCH_OPTIONS:-}
# Paths among the explore options are read by the jobs from their working directory, which is
# the one sbatch is called from: this one.
WORKDIR=$PWD
read -r -a extra <<<"$SBATCH_OPTIONS"

array_job=$(sbatch --parsable "${extra[@]}" \
  --array="1-$SHARDS${MAX_RUNNING:+%$MAX_RUNNING}" \
  --cpus-per-task="$CPUS_PER_TASK" \
  --output="$SWEEP/logs/shard-%a.log" \
  --export="ALL,SWEEP=$SWEEP,SHARDS=$SHARDS,BLOWBACK=$BLOWBACK" \
  "$here/shard.sbatch" "${EXPLORE_ARGS[@]}")
array_job=${array_job%%;*}
# The job of each shard; requeue.sh replaces the entry of a shard it resubmits.
TASK_JOBS=()
for task in $(seq 1 "$SHARDS"); do
  TASK_JOBS[task]=${array_job}_$task
done
MERGE_JOB=$(sbatch --parsable "${extra[@]}" \
  --dependency="afterok:$array_job" \
  --output="$SWEEP/logs/merge.log" \
  --open-mode=append \
  --export="ALL,SWEEP=$SWEEP,BLOWBACK=$BLOWBACK" \
  "$here/merge.sbatch")
MERGE_JOB=${MERGE_JOB%%;*}
declare -p SWEEP SHARDS EXPLORE_ARGS BLOWBACK CPUS_PER_TASK MAX_RUNNING SBATCH_OPTIONS WORKDIR TASK_JOBS MERGE_JOB \
  >"$SWEEP/jobs.env"
echo "submitted shards as job array $array_job (tasks 1-$SHARDS) and the merge as job $MERGE_JOB; logs in $SWEEP/logs"
