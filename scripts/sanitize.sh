#!/usr/bin/env bash
# The unit suite under AddressSanitizer + UndefinedBehaviorSanitizer (docs/reliability.md,
# "Sanitizers"). Builds the test programs in ${SANITIZE_BUILD_DIR:-build-sanitize} (clang, CPU only)
# and runs the subset below; any sanitizer report fails the test that triggered it.
#
# The subset (to keep CI short: ASan/UBSan code runs several times slower): every test of the
# labels core, engine, io, quantum, neb and pipeline but the pipeline's whole-program runs
# (RunEndToEnd.*, PrepareCli.*: the same library code as the unit tests at many times the cost);
# not the cli label (the program's options and messages) nor gpu (no device code in this build).
# All of them: SANITIZE_ALL=1 bash scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SANITIZE_BUILD_DIR:-build-sanitize}
labels="core|engine|io|quantum|neb|pipeline"
targets=(tests_core tests_engine tests_io tests_quantum tests_neb tests_pipeline)
exclude=${SANITIZE_EXCLUDE:-"^RunEndToEnd\.|^PrepareCli\."}
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
