#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (what CI runs): the C++ suite by
# ctest, then the Python module pip-installed into .venv (scripts/python.sh) and its pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 600
# Sanitizers and fuzzing (docs/reliability.md): the unit suite's subset under ASan + UBSan, then
# each fuzz target for 20 s. Run after the suite so that its summary line prints first; with
# set -e, a failure here fails the test command. $OLDPWD: the repository root the cd above left.
cd "$OLDPWD"
[[ -f scripts/fuzz.sh ]] || { echo "test.sh: not in the repository root ($PWD)" >&2; exit 1; }
bash scripts/sanitize.sh
bash scripts/fuzz.sh 20
# The Python module (docs/python.md), last so that pytest's closing line ends the output.
bash scripts/python.sh
# pytest compares the module with the command just built; a failure, or no test collected (exit 5), fails.
TLSX_BINARY="$(cd "${BUILD_DIR:-build}" && pwd)/tlsx" "${TLSX_VENV:-.venv}/bin/python" -m pytest python/tests -ra
