#!/usr/bin/env bash
# The unit suite under AddressSanitizer + UndefinedBehaviorSanitizer (docs/reliability.md,
# "Sanitizers"). Builds the test programs in ${SANITIZE_BUILD_DIR:-build-sanitize} (clang, CPU only)
# and runs the subset below; any sanitizer report fails the test that triggered it.
#
# The subset (to keep CI short: ASan/UBSan code runs about 3x slower): every test of the labels
# core, engine, io, quantum and neb, and the pipeline tests that do not start the tlsx program
# (library, glass set, run plan, registry, transitions, analyze, merge, splitting stage).
# Left out: the cli label and the pipeline tests that run the program end to end (they run the
# same library code as the unit tests, at 10-100x the cost), and gpu (no device code here).
# All of them: SANITIZE_ALL=1 bash scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SANITIZE_BUILD_DIR:-build-sanitize}
labels="core|engine|io|quantum|neb|pipeline"
targets=(tests_core tests_engine tests_io tests_quantum tests_neb tests_pipeline)
exclude=${SANITIZE_EXCLUDE:-"RunEndToEnd|PrepareResume.*Program|Cli"}
if [[ "${SANITIZE_ALL:-0}" == 1 ]]; then
  labels="."
  targets=(tests_core tests_engine tests_io tests_quantum tests_neb tests_pipeline tests_cli tests_gpu tlsx)
  exclude='^$'
fi
bash scripts/sanitize_build.sh "${targets[@]}"
# halt_on_error: the first report ends the test (non-zero exit); detect_leaks: LeakSanitizer too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
ctest --test-dir "$build" -L "$labels" -E "$exclude" --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 900
