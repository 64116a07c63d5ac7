#!/usr/bin/env bash
# Creates the virtual environment ${TLSX_VENV:-.venv} and pip-installs the tlsx Python module from this
# repository into it (pyproject.toml: scikit-build-core runs the project's CMake with TLSX_PYTHON=ON,
# CUDA, tests and benchmarks off), with what its tests and docs/python.md use: numpy, pandas, h5py,
# pytest, ASE. Idempotent: a second run rebuilds only what changed (build dir build-python/).
# Needs the Debian packages of scripts/setup.sh (python3-venv, python3-dev, the engine's libraries).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${TLSX_VENV:-.venv}
python=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install numpy pandas h5py pytest ase nanobind scikit-build-core
export CMAKE_BUILD_PARALLEL_LEVEL=${JOBS:-2}
"${pip[@]}" install --no-build-isolation .
echo "python: tlsx $("$venv/bin/python" -c 'import tlsx; print(tlsx.__version__)') installed in $venv" >&2
