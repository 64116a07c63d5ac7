#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, docs/reliability.md "Fuzzing") in
# ${SANITIZE_BUILD_DIR:-build-sanitize} and runs each for SECONDS (default 20) from its seed corpus
# tests/fuzz/corpus/<target>/. Fails (non-zero) at the first crash, hang, leak, sanitizer report or
# rejection that is not a one-line tlsx::Error; the input that did it is left in
# ${FUZZ_OUT:-build-sanitize/fuzz}/<target>/ (crash-*, timeout-*, leak-*, oom-*), reproduce with
#   build-sanitize/tests/fuzz/<fuzz_target> <that file>
# New inputs that reach new code go to that folder's corpus/, not into the source tree.
# FUZZ_SEED (default 1) fixes libFuzzer's mutation sequence, so the short run of the test command
# replays the same inputs each time (a finding is reproducible; a new one comes from a longer run or
# another seed, e.g. FUZZ_SEED=0: libFuzzer picks one).
# Usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. bash scripts/fuzz.sh 3600 fuzz_library
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift $(( $# > 0 ? 1 : 0 ))
build=${SANITIZE_BUILD_DIR:-build-sanitize}
out=${FUZZ_OUT:-$build/fuzz}
mkdir -p "$out" && out=$(cd "$out" && pwd)  # absolute: the targets run with TMPDIR inside it
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(fuzz_lammps_data fuzz_extxyz fuzz_h5md fuzz_model_toml fuzz_run_preset fuzz_profile_csv
           fuzz_glass_set fuzz_library fuzz_checkpoint)
fi
bash scripts/sanitize_build.sh "${targets[@]}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  seeds=tests/fuzz/corpus/$name
  work=$out/$t
  mkdir -p "$work/corpus" "$work/tmp"
  # -timeout: one input running over 10 s is a hang; -rss_limit_mb: 2 GiB; the scratch files of the
  # targets go to $work/tmp. The last lines of libFuzzer's log are the figures of docs/reliability.md.
  if TMPDIR="$work/tmp" "$build/tests/fuzz/$t" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds" >"$work/log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | cut -d' ' -f2)
    units=$(ls "$work/corpus" | wc -l)
    echo "fuzz: $t: ${execs:-?} inputs in ${seconds} s, coverage ${cov:-?} edges, corpus ${units} new inputs, no crash"
  else
    status=1
    echo "fuzz: $t FAILED (log $work/log):" >&2
    grep -aE 'ERROR|SUMMARY|tlsx fuzz|Test unit written|==[0-9]+==' "$work/log" | head -20 >&2 || tail -30 "$work/log" >&2
  fi
done
exit $status
