#!/usr/bin/env bash
# Runs deploy/slurm/generate.sbatch on a real, one-node Slurm started on this machine and checks
# what it makes:
#   - installs Debian's slurm-wlm and munge if missing (apt-get; needs root);
#   - starts munged (a freshly generated key), slurmctld and slurmd on localhost, everything
#     (config, key, sockets, state, logs) in a temporary folder, Slurm found through SLURM_CONF;
#     one node with this machine's CPUs and memory (`slurmd -C`), SlurmUser=root,
#     proctrack/linuxproc, task/none, select/cons_tres;
#   - submits a 4-task array that renders shards and the merge job that depends on it (afterok);
#   - waits, then checks: both jobs COMPLETED, the merged dataset equals a single-process run
#     byte for byte (every file, manifest included), `metasim verify` passes on it and fails
#     on a tampered copy;
#   - stops the daemons it started (by their process ids) and removes the folder.
# Exits 0 only if all of this passes. A few minutes (most of it package installation the first
# time). METASIM names the binary (default .build/release/metasim, built when missing);
# CHECK_SLURM_FORMAT (coco) and CHECK_SLURM_COUNT (40) what is rendered.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
format=${CHECK_SLURM_FORMAT:-coco}
count=${CHECK_SLURM_COUNT:-40}
shards=4
started=$(date +%s)
say() { printf '[check_slurm %3ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }
fail() { say "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs packages and runs slurmd as SlurmUser=root)"

# 1. Packages.
missing=()
for cmd in slurmctld slurmd sbatch squeue scontrol; do command -v "$cmd" >/dev/null 2>&1 || missing+=(slurm-wlm); done
command -v munged >/dev/null 2>&1 || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
    pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
    say "installing $pkgs(apt-get)"
    apt-get update -qq -o DPkg::Lock::Timeout=600
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 $pkgs >/dev/null
fi
say "slurm $(slurmctld -V | awk '{print $2}'), munge $(munged -V 2>&1 | awk '{print $1}' | head -1)"

# 2. The binary.
metasim=${METASIM:-$repo/.build/release/metasim}
if [ ! -x "$metasim" ]; then
    say "building $metasim"
    swift build -c release --product metasim >/dev/null
fi
metasim=$(readlink -f "$metasim")

# 3. Daemons, all state in one folder.
work=$(mktemp -d /tmp/metasim-slurm-check.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    status=$?
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ $status -ne 0 ] && [ -d "$work" ]; then
        for log in "$work"/*.log "$work"/jobs/*.out; do [ -f "$log" ] && { echo "--- $log"; tail -n 15 "$log"; }; done
    fi
    rm -rf "$work"
    say "daemons stopped, $work removed"
}
trap cleanup EXIT

mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/jobs"
chmod 755 "$work/munge"   # munged wants the socket folder searchable by all; the key itself is 0400
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
socket=$work/munge/munge.socket
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed" 2>>"$work/munged.log" &
pids+=($!)
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || fail "munged did not start"
munge --socket="$socket" -n | unmunge --socket="$socket" >/dev/null || fail "munge credential round trip"
say "munged up (generated key)"

host=$(hostname -s)
node=$(slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$host/")
port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/slurm.conf" <<CONF
ClusterName=metasimcheck
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
MinJobAge=600
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
    sleep 0.3
done
sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)' || fail "the node did not come up: $(sinfo 2>&1 | tail -1)"
say "slurmctld + slurmd up: $node"

# 4. The array and the dependent merge, through the deploy script.
args="render --grammar $repo/examples/grammars/mnist.yaml --count $count --seed 11 --format $format"
cd "$work/jobs"
submitted=$(METASIM=$metasim METASIM_OUT=$work/out/dataset METASIM_SHARDS=$shards METASIM_ARGS=$args \
            bash "$repo/deploy/slurm/generate.sbatch")
say "$submitted"
array=$(sed -E 's/^array job ([0-9]+).*/\1/' <<<"$submitted")
merge=$(sed -E 's/.*merge job ([0-9]+).*/\1/' <<<"$submitted")
scontrol show job "$merge" | grep -q "Dependency=afterok:${array}" || fail "merge job $merge does not depend on afterok:$array"
for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
    sleep 0.5
done
[ -z "$(squeue -h -j "$array,$merge")" ] || fail "jobs still queued after 5 minutes: $(squeue -h -j "$array,$merge")"
states=$(scontrol show job "$array" -o | grep -oE 'JobState=[A-Z_]+' | sort | uniq -c | xargs)
say "array job $array tasks: $states"
tasks=$(scontrol show job "$array" -o | grep -c 'JobState=COMPLETED' || true)
[ "$tasks" -eq $shards ] || fail "$tasks of $shards array tasks COMPLETED"
merge_state=$(scontrol show job "$merge" -o | grep -oE 'JobState=[A-Z_]+')
say "merge job $merge: $merge_state"
[ "$merge_state" = JobState=COMPLETED ] || fail "merge job not COMPLETED"
cat metasim-merge-"$merge".out

# 5. Single-process run, byte comparison, verify, tampering.
"$metasim" $args --quiet --out "$work/single" >/dev/null
diff -r "$work/single" "$work/out/dataset" >/dev/null || fail "merged dataset differs from the single-process run: $(diff -rq "$work/single" "$work/out/dataset" | head -5)"
files=$(find "$work/single" -type f | wc -l)
say "merged == single-process run, byte for byte: $files files (sha256 of the manifests: $(sha256sum "$work/single/metasim-dataset.json" | cut -c1-16) / $(sha256sum "$work/out/dataset/metasim-dataset.json" | cut -c1-16))"
"$metasim" verify "$work/out/dataset" || fail "verify failed on the merged dataset"
cp -r "$work/out/dataset" "$work/tampered"
victim=$(find "$work/tampered" -name '*.png' | sort | head -1)
printf '\x00' | dd of="$victim" bs=1 seek=100 conv=notrunc status=none
set +e
"$metasim" verify "$work/tampered" 2>"$work/tampered.err"
status=$?
set -e
[ $status -eq 2 ] || fail "verify exited $status on a tampered copy (want 2)"
say "verify on a tampered copy: exit $status: $(head -1 "$work/tampered.err")"
say "PASS"
