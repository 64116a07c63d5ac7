#!/usr/bin/env bash
# Quench protocols of the exploration, old and new side by side on the same prepared glasses and the
# same MD trajectory (bench/RESULTS.md, "Two-stage quenches"): the paper's one-stage CG (the exact
# protocol and the earlier default), two-stage CG (the default: --screen-tolerance 1e-3), L-BFGS, and
# two-stage L-BFGS, at tau_cg = 2 (Dataset 2), 11 (Dataset 1) and 1 (Fig. 3a's persistence times).
# Prints quenches/s, force evaluations per quench, the share of quenches ended at the screen, and
# against one-stage CG: quenches in the same IS, IS found by only one, candidate pairs gained and lost.
#
#   bash bench/explore_protocols.sh [BUILD_DIR] [OUT_DIR]     (N_CG=100 GLASSES=2 THREADS=2 TAUS="2 11 1")
set -euo pipefail
build=${1:-build}
out=${2:-bench/out/explore-protocols}
n_cg=${N_CG:-100}
glasses=${GLASSES:-2}
threads=${THREADS:-2}
taus=${TAUS:-"2 11 1"}
mkdir -p "$out"
g="$out/glasses-n1200-tf0.617.h5"
# KA2, N = 1200, T_f = 0.617 (the paper's Dataset 1 column); the exploration runs at T_exp = 0.4, dt = 0.0025.
if [[ ! -f "$g" ]]; then
  "$build/tlsx" prepare -o "$g" --temperature 0.617 --glasses "$glasses" --n 1200 --steps 20000 --melt-steps 2000 \
    --seed 2023 --backend cpu --threads "$threads"
fi
for tau in $taus; do
  "$build/bench/tlsx_explore_bench" "$g" --tau-cg "$tau" --n-cg "$n_cg" --threads "$threads" \
    cg cg:1e-3 lbfgs lbfgs:1e-3 | tee "$out/tau$tau.txt"
done
