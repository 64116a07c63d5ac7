#!/usr/bin/env bash
# Installs every Debian package tlsx needs to build, test, benchmark and plot (idempotent).
# Run as root (CI and the developer machines are root). CUDA is optional and comes from
# /usr/local/cuda when present.
set -euo pipefail
packages=(cmake ninja-build g++ libhdf5-dev hdf5-tools libeigen3-dev libcli11-dev libgtest-dev
          librandom123-dev libtomlplusplus-dev python3 python3-numpy python3-h5py python3-matplotlib lammps
          slurm-wlm munge  # slurm-wlm, munge: the single-machine cluster of tests/slurm (docs/cluster.md)
          python3-venv python3-dev)  # the last two: the Python module (scripts/python.sh)
# The sanitizer and fuzz builds (scripts/sanitize.sh, scripts/fuzz.sh): clang 14, its runtimes
# (AddressSanitizer, UndefinedBehaviorSanitizer, libFuzzer: libclang-rt-14-dev) and its OpenMP.
packages+=(clang-14 libclang-rt-14-dev libomp-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
