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
# SBATCH_OPTIONS (more sbatch options for both jobs, e.g. "--partition=long --time=04:00:00").
# The job ids go to SWEEP/jobs.env, which requeue.sh reads.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
sweep=$1
shards=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$sweep/logs"
sweep=$(cd "$sweep" && pwd)
blowback=${BLOWBACK:-$(command -v blowback || true)}
[ -n "$blowback" ] || { echo "error: no blowback on PATH; set BLOWBACK=/path/to/blowback" >&2; exit 2; }
blowback=$(realpath "$blowback")
# Paths given to the explore options are read by the jobs from their own working directory,
# which is the one sbatch is called from: the same as here.
read -r -a extra <<<"${SBATCH_OPTIONS:-}"

array_job=$(sbatch --parsable "${extra[@]}" \
  --array="1-$shards" \
  --cpus-per-task="${CPUS_PER_TASK:-1}" \
  --output="$sweep/logs/shard-%a.log" \
  --export="ALL,SWEEP=$sweep,SHARDS=$shards,BLOWBACK=$blowback" \
  "$here/shard.sbatch" "$@")
array_job=${array_job%%;*}
merge_job=$(sbatch --parsable "${extra[@]}" \
  --dependency="afterok:$array_job" \
  --output="$sweep/logs/merge.log" \
  --export="ALL,SWEEP=$sweep,BLOWBACK=$blowback" \
  "$here/merge.sbatch")
merge_job=${merge_job%%;*}
printf 'ARRAY_JOB=%s\nMERGE_JOB=%s\nSHARDS=%s\nBLOWBACK=%q\n' \
  "$array_job" "$merge_job" "$shards" "$blowback" >"$sweep/jobs.env"
echo "submitted shards as job array $array_job (tasks 1-$shards) and the merge as job $merge_job; logs in $sweep/logs"
