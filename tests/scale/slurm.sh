#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Scale-out on a real Slurm: starts a single-node cluster of its own (munge,
# slurmctld, slurmd; no systemd, nothing outside a temporary folder), runs
# `augur-cli apply --shard` as a 4-task job array over the bundled samples,
# merges the shard manifests, and checks that the outputs and the manifest
# are byte-identical to one local run (the hidden run records that --resume
# reads are each shard's own). Exit 77 (skip) with the reason when
# the daemons cannot run here.
#
# Usage: slurm.sh AUGUR_CLI SOURCE_DIR

set -u

cli=$1
src=$2
tasks=4

skip () { echo "SKIP: $*"; exit 77; }
fail () { echo "FAIL: $*"; exit 1; }

for tool in munged slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (Debian: slurmctld slurmd slurm-client munge)"
done
[ "$(id -u)" = 0 ] || skip "slurmd must run as root to start jobs"

work=$(mktemp -d "${TMPDIR:-/tmp}/augur-slurm-XXXXXX")
cleanup () {
  for pid in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
  done
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work/state" "$work/spool" "$work/log" "$work/munge"
chmod 700 "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
munged --force --socket="$work/munge/sock" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/pid" --log-file="$work/log/munge.log" --seed-file="$work/munge/seed" \
  || skip "munged does not start here: $(tail -n 2 "$work/log/munge.log" 2>/dev/null)"

host=$(hostname -s)
# Ports of our own, away from a system cluster's 6817/6818.
base=$(( 20000 + $$ % 20000 ))
cat > "$work/slurm.conf" <<CONF
ClusterName=augurtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$base
SlurmdPort=$(( base + 1 ))
AuthType=auth/munge
AuthInfo=socket=$work/munge/sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=augur Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"

slurmctld -c -f "$SLURM_CONF" || skip "slurmctld does not start here: $(tail -n 3 "$work/log/slurmctld.log")"
slurmd -f "$SLURM_CONF" || skip "slurmd does not start here: $(tail -n 3 "$work/log/slurmd.log")"

# Wait for the node to come up.
i=0
until sinfo -h -o %T 2>/dev/null | grep -q idle; do
  i=$((i + 1))
  [ $i -gt 30 ] && skip "the Slurm node did not come up in 30 s: $(tail -n 3 "$work/log/slurmd.log")"
  sleep 1
done

recipe="$src/data/recipes/default.json"
samples="$src/data/samples"
out="$work/out"

# The job script of docs/scale-out.md, one shard per array task.
cat > "$work/augur-array.sh" <<JOB
#!/bin/sh
#SBATCH --array=1-$tasks
#SBATCH --cpus-per-task=1
exec "$cli" apply "$recipe" "$samples" -o "$out/slurm" -n 2 --threads 1 \\
  --shard "\$SLURM_ARRAY_TASK_ID/\$SLURM_ARRAY_TASK_COUNT"
JOB

timeout 600 sbatch --wait --output="$work/log/task-%a.log" "$work/augur-array.sh" >/dev/null \
  || { cat "$work"/log/task-*.log; fail "the job array failed"; }

n=$(ls "$out/slurm"/manifest.shard-*-of-$tasks.jsonl 2>/dev/null | wc -l)
[ "$n" = $tasks ] || fail "expected $tasks shard manifests, found $n"

"$cli" manifest merge "$out/slurm"/manifest.shard-*-of-$tasks.jsonl -o "$out/slurm/manifest.jsonl" \
  || fail "manifest merge refused the shards"
rm "$out/slurm"/manifest.shard-*-of-$tasks.jsonl

"$cli" apply "$recipe" "$samples" -o "$out/local" -n 2 >/dev/null || fail "the local run failed"

diff -r -x ".*.run" "$out/local" "$out/slurm" || fail "the Slurm run differs from the local run"
outputs=$(($(wc -l < "$out/local/manifest.jsonl") - 1))
echo "ok: $tasks Slurm array tasks wrote the $outputs outputs and the manifest of one local run, byte for byte"
