#!/usr/bin/env bash
# A one-node Slurm cluster for tests, on this host, from Debian's packages.
#
#   e2e/slurm/cluster.sh start DIR   installs slurmctld, slurmd, slurm-client and munge when missing,
#                                    writes DIR/slurm.conf for this host, starts munged, slurmctld
#                                    and slurmd with everything (sockets, state, logs, pid files)
#                                    under DIR, and waits until the node accepts jobs
#   e2e/slurm/cluster.sh stop DIR    stops the daemons started in DIR, by the pids they recorded
#
# Nothing outside DIR is touched (no /etc/slurm, no system munge socket), so a Slurm or munge the
# host already runs is left alone. Clients find the cluster with SLURM_CONF=DIR/slurm.conf.
#
# Debian's packages run as root with ProctrackType=proctrack/linuxproc and TaskPlugin=task/none
# (no cgroups needed, so it works in a container); munged refuses to run as root unless forced.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$2

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

install_packages() {
  local missing=()
  command -v slurmctld >/dev/null 2>&1 || missing+=(slurmctld)
  command -v slurmd >/dev/null 2>&1 || missing+=(slurmd)
  command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
  command -v munged >/dev/null 2>&1 || missing+=(munge)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]} (Debian packages)"
  $sudo apt-get update -qq
  # policy-rc.d keeps the packages' own services from starting: this script runs its daemons.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

write_config() {
  local host cpus memory
  host=$(hostname -s)
  cpus=$(nproc)
  # Half the memory, in MB: slurmd refuses a node that claims more than it has.
  memory=$(awk '/MemTotal/ { print int($2 / 2048) }' /proc/meminfo)
  # Ports off the defaults (6817/6818) so a cluster the host already runs is not disturbed.
  cat >"$dir/slurm.conf" <<EOF
ClusterName=blowback-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
AuthType=auth/munge
CredType=cred/munge
# A requeued job waits cred_expire seconds before it may start again (default 120).
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
JobRequeue=1
KillWait=5
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

wait_for() {
  # wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
  local seconds=$1 what=$2
  shift 2
  local tries=$((seconds * 5))
  until "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    if [ $tries -le 0 ]; then
      echo "error: $what did not come up within ${seconds}s; logs in $dir" >&2
      for log in "$dir"/*.log; do
        echo "--- $log" >&2
        tail -20 "$log" >&2 || true
      done
      return 1
    fi
    sleep 0.2
  done
}

node_idle() {
  sinfo -h -N -o '%T' | grep -qE '^(idle|mixed|allocated)$'
}

start() {
  install_packages
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
  chmod 700 "$dir/munge"
  write_config
  export SLURM_CONF="$dir/slurm.conf"

  # A fresh key per cluster: munge authenticates the daemons and clients to each other.
  $sudo dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  $sudo chmod 400 "$dir/munge/munge.key"
  $sudo munged --force \
    --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed"
  wait_for 10 munged munge --socket="$dir/munge/munge.socket" -n

  $sudo env SLURM_CONF="$SLURM_CONF" slurmctld
  wait_for 30 slurmctld scontrol ping
  $sudo env SLURM_CONF="$SLURM_CONF" slurmd
  wait_for 60 "the node" node_idle
  echo "slurm is up: $(sinfo -h -o '%P %D nodes, %c CPUs, %T') (SLURM_CONF=$SLURM_CONF)"
}

stop_daemon() {
  # stop_daemon NAME: TERM, then KILL after 10 s, the process whose pid NAME recorded in DIR.
  local name=$1 pidfile="$dir/$1.pid" pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    $sudo kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "warning: $name (pid $pid) ignored TERM; killing it" >&2
      $sudo kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

stop() {
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  # Jobs still running on this cluster are cancelled first: their slurmstepd processes outlive
  # slurmd.
  if [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    local jobs
    jobs=$(SLURM_CONF="$dir/slurm.conf" squeue -h -o '%A' 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086
      SLURM_CONF="$dir/slurm.conf" scancel $jobs 2>/dev/null || true
      for _ in $(seq 50); do
        [ -z "$(SLURM_CONF="$dir/slurm.conf" squeue -h -t running,completing -o '%A' 2>/dev/null)" ] && break
        sleep 0.2
      done
    fi
  fi
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
