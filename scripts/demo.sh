#!/usr/bin/env bash
# The README's first command: installs what is missing, builds tlsx, runs the smoke preset
# (configs/smoke.toml: the whole pipeline on a few small glasses, minutes on 2 cores) and prints
# Table I; the figures go to demo-run/report/ when h5py and matplotlib are there.
#   bash scripts/demo.sh [OUTPUT_DIR]      (default demo-run; an existing one is replaced)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-demo-run}
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build} bash scripts/build.sh
tlsx=${BUILD_DIR:-build}/tlsx
"$tlsx" --version
rm -rf "$out"
"$tlsx" run --config configs/smoke.toml --output "$out"
if /usr/bin/python3 -c 'import h5py, matplotlib' 2>/dev/null; then
  /usr/bin/python3 scripts/plot_report.py "$out/library.h5" --report "$out/report" -o "$out/report" ||
    echo "demo: plotting failed (the library and report are complete)" >&2
fi
echo "demo: library $out/library.h5 (docs/library-schema.md), report $out/report/" >&2
