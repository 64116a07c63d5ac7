#!/usr/bin/env bash
# Configures (once) and builds targets of the sanitizer build ${SANITIZE_BUILD_DIR:-build-sanitize}:
# clang 14, AddressSanitizer + UndefinedBehaviorSanitizer, libFuzzer coverage (TLSX_FUZZ), CPU only.
# Shared by scripts/sanitize.sh (unit tests) and scripts/fuzz.sh (fuzz targets), so that the
# libraries are compiled once for both. Usage: bash scripts/sanitize_build.sh TARGET...
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SANITIZE_BUILD_DIR:-build-sanitize}
cc=${TLSX_FUZZ_CC:-clang-14}
cxx=${TLSX_FUZZ_CXX:-clang++-14}
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DTLSX_FUZZ=ON -DTLSX_CUDA=OFF -DTLSX_BENCH=OFF -DTLSX_NATIVE=OFF ${SANITIZE_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "$@"
