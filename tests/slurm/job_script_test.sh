#!/usr/bin/env bash
# The control flow of the shard task script that `tlsx slurm` writes (pipeline/slurm_jobs.cpp), run by
# bash with the Slurm variables set and stand-ins for tlsx and scontrol, without a cluster:
#   - a shard that finishes: exit 0, no requeue;
#   - a shard that stops at --max-hours: the task requeues itself (scontrol requeue $SLURM_JOB_ID),
#     until --max-requeues starts, then exits 3 saying so;
#   - a shard whose tlsx run fails: the task fails with its exit status, no requeue;
#   - SIGTERM to the task (pre-emption, scancel): passed on to tlsx run, no self-requeue;
# and the flags the task passes (--shard K/N --resume --max-hours from --time, --threads, --backend).
# Usage: job_script_test.sh TLSX_BINARY SOURCE_DIR
set -uo pipefail
tlsx=$(readlink -f "$1")
preset="$(readlink -f "$2")/tests/data/shard_run.toml"
work=$(mktemp -d /tmp/tlsx-job-script-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "job_script_test: FAILED: $*" >&2; exit 1; }

"$tlsx" slurm "$preset" --output "$work/run" --shards 3 --time 30:00 --cpus-per-task 2 --gpus-per-task 1 \
  --max-requeues 2 --dry-run >"$work/both.txt" || fail "tlsx slurm --dry-run failed"
[ ! -e "$work/run" ] || fail "--dry-run wrote $work/run"
# The first file printed is the array script; point it at the stand-in tlsx.
sed -n '/^# ---- .*shards.sbatch$/,/^# ---- .*merge.sbatch/p' "$work/both.txt" | sed '1d;$d' |
  sed "s|'$tlsx'|'$work/bin/tlsx'|" >"$work/shards.sbatch"
grep -q '^#SBATCH --array=0-2$' "$work/shards.sbatch" || fail "no --array=0-2"
grep -q -- "--max-hours 0.475 --threads \"\$SLURM_CPUS_PER_TASK\" --backend cuda" "$work/shards.sbatch" ||
  fail "the task does not pass --max-hours 0.475 (30 min less 1.5), --threads and --backend cuda"

mkdir -p "$work/bin" "$work/run/shards/1"
# tlsx stand-in: records its arguments, writes the shard status the case asks for, exits as asked.
cat >"$work/bin/tlsx" <<'EOF'
#!/usr/bin/env bash
trap 'echo TERM >>"$WORK/tlsx.signals"; echo "state = \"stopped\"" >"$WORK/run/shards/1/status.toml"; kill $! 2>/dev/null; exit 0' TERM
echo "$@" >>"$WORK/tlsx.args"  # after the trap: once the test sees the arguments, a SIGTERM is caught
case "$CASE" in
  done) echo 'state = "done"' >"$WORK/run/shards/1/status.toml"; exit 0 ;;
  stopped) echo 'state = "stopped"' >"$WORK/run/shards/1/status.toml"; exit 0 ;;
  failed) echo 'state = "failed"' >"$WORK/run/shards/1/status.toml"; exit 1 ;;
  slow) sleep 30 & wait ;;
esac
EOF
cat >"$work/bin/scontrol" <<'EOF'
#!/usr/bin/env bash
echo "$@" >>"$WORK/scontrol.args"
EOF
chmod +x "$work/bin/tlsx" "$work/bin/scontrol"
task() {  # CASE RESTARTS: runs the script as array task 1 of job 40 (task job id 41)
  rm -f "$work"/*.args "$work/tlsx.signals" "$work/run/shards/1/status.toml"
  env PATH="$work/bin:$PATH" WORK="$work" CASE="$1" SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_JOB_ID=40 SLURM_JOB_ID=41 \
    SLURM_CPUS_PER_TASK=2 SLURM_RESTART_COUNT="$2" bash "$work/shards.sbatch" >"$work/out.txt" 2>&1
}

task done 0; code=$?
[ $code = 0 ] || fail "a finished shard exits $code"
grep -q -- "--shard 1/3 --resume --max-hours" "$work/tlsx.args" || fail "tlsx run got: $(cat "$work/tlsx.args")"
[ ! -e "$work/scontrol.args" ] || fail "a finished shard requeued itself"

task stopped 0; code=$?
[ $code = 0 ] || fail "a shard stopped at --max-hours exits $code"
[ "$(cat "$work/scontrol.args" 2>/dev/null)" = "requeue 41" ] || fail "no scontrol requeue 41: $(cat "$work/out.txt")"

task stopped 2; code=$?
[ $code = 3 ] || fail "after --max-requeues starts the task exits $code, not 3"
[ ! -e "$work/scontrol.args" ] || fail "it requeued itself past --max-requeues"
grep -q "not finished after 2 requeues" "$work/out.txt" || fail "no word on the requeue limit: $(cat "$work/out.txt")"

task failed 0; code=$?
[ $code = 1 ] || fail "a failed shard's task exits $code, not 1"
[ ! -e "$work/scontrol.args" ] || fail "a failed shard requeued itself"

# SIGTERM reaches tlsx run; the task then neither fails nor requeues itself (Slurm requeues a pre-empted task).
rm -f "$work"/*.args "$work/tlsx.signals"
env PATH="$work/bin:$PATH" WORK="$work" CASE=slow SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_JOB_ID=40 SLURM_JOB_ID=41 \
  SLURM_CPUS_PER_TASK=2 SLURM_RESTART_COUNT=0 bash "$work/shards.sbatch" >"$work/out.txt" 2>&1 &
script=$!
for _ in $(seq 100); do [ -e "$work/tlsx.args" ] && break; sleep 0.05; done
sleep 0.2
kill -TERM $script
wait $script; code=$?
[ $code = 0 ] || fail "a task stopped by SIGTERM exits $code: $(cat "$work/out.txt")"
[ "$(cat "$work/tlsx.signals" 2>/dev/null)" = TERM ] || fail "SIGTERM did not reach tlsx run"
[ ! -e "$work/scontrol.args" ] || fail "a task stopped by SIGTERM requeued itself"
echo "job_script_test: PASSED"
