#!/usr/bin/env bash
# Configures and builds tlsx into ${BUILD_DIR:-build} (Release, OpenMP; CUDA when nvcc is found).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}"
