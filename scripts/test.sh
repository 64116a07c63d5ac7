#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (what CI runs): the C++ suite by
# ctest, then the Python module pip-installed into .venv (scripts/python.sh) and its pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 600
cd "$OLDPWD"  # the repository root
bash scripts/python.sh
# pytest compares the module with the command just built; a failure, or no test collected (exit 5), fails.
TLSX_BINARY="$(cd "${BUILD_DIR:-build}" && pwd)/tlsx" "${TLSX_VENV:-.venv}/bin/python" -m pytest python/tests -ra
