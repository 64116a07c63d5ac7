#!/usr/bin/env bash
# The band-optimiser benchmark (bench/RESULTS.md, "Band optimiser"): candidate pairs of N = 1200 KA2
# glasses at T_f = 0.617, each path run with the old default (FIRE) and the new (L-BFGS) side by
# side, plus a tight reference (--ftol 1e-7) to check the answers, then the batched stage on the same
# library with both. Everything goes to $OUT (default bench/out/neb_pairs, ignored by git).
#
#   bash bench/neb_pairs.sh                  # data (prepare + explore, ~10 min), pairs, stage
#   STAGE=0 bash bench/neb_pairs.sh          # per-pair table only
#   PAIRS="p03 p07" bash bench/neb_pairs.sh  # only these pairs
#
# Variables: TLSX (build/tlsx), OUT, GLASSES (4), NCG (400 quenches per glass), IMAGES (64),
# THREADS (2), STAGE (1), REFERENCE (1: the ftol 1e-7 runs), RUN_TIMEOUT (seconds per run, 0: none).
# Needs python3 with h5py (Debian: python3-h5py) for the pair extraction and the table.
set -euo pipefail
cd "$(dirname "$0")/.."
TLSX=${TLSX:-build/tlsx}
OUT=${OUT:-bench/out/neb_pairs}
GLASSES=${GLASSES:-4}
NCG=${NCG:-400}
IMAGES=${IMAGES:-64}
THREADS=${THREADS:-2}
STAGE=${STAGE:-1}
REFERENCE=${REFERENCE:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-0}
PY=${PYTHON:-python3}
mkdir -p "$OUT/pairs" "$OUT/runs"

# 1. The library: Table I dataset 1's quench period (tau_cg = 11), L-BFGS quenches, seed 7.
if [ ! -f "$OUT/explore.h5" ]; then
  "$TLSX" prepare -o "$OUT/glasses.h5" --temperature 0.617 --glasses "$GLASSES" --n 1200 --melt-steps 2000 \
    --steps 20000 --seed 7 --backend cpu --threads "$THREADS"
  "$TLSX" explore "$OUT/glasses.h5" -o "$OUT/explore.h5" --tau-cg 11 --n-cg "$NCG" --minimizer lbfgs --seed 7 \
    --backend cpu --threads "$THREADS"
fi

# 2. The candidate pairs as files.
[ -f "$OUT/pairs/pairs.tsv" ] || "$PY" bench/neb_pairs_extract.py "$OUT/explore.h5" "$OUT/pairs"
PAIRS=${PAIRS:-$(tail -n +2 "$OUT/pairs/pairs.tsv" | cut -f1)}

run() {  # run NAME ARGS...: one tlsx neb --pair, JSON to runs/NAME.json, stderr to runs/NAME.log
  local name=$1; shift
  [ -s "$OUT/runs/$name.json" ] && return 0
  local t=()
  [ "$RUN_TIMEOUT" != 0 ] && t=(timeout "$RUN_TIMEOUT")
  "${t[@]}" "$TLSX" neb --backend cpu --threads "$THREADS" --images "$IMAGES" "$@" --json \
    > "$OUT/runs/$name.json.tmp" 2> "$OUT/runs/$name.log" && mv "$OUT/runs/$name.json.tmp" "$OUT/runs/$name.json" \
    || echo "$name: exit $? (see $OUT/runs/$name.log)"
}

# 3. Per pair: old default and new, one after the other (same machine state), then the reference.
for p in $PAIRS; do
  A="$OUT/pairs/${p}_a.xyz" B="$OUT/pairs/${p}_b.xyz"
  run "$p.fire" --pair "$A" "$B" --optimizer fire
  run "$p.lbfgs" --pair "$A" "$B" --optimizer lbfgs
  [ "$REFERENCE" = 1 ] && run "$p.ref" --pair "$A" "$B" --optimizer lbfgs --ftol 1e-7
done

# 4. The batched stage on the same library, old and new.
if [ "$STAGE" = 1 ]; then
  for opt in fire lbfgs; do
    [ -s "$OUT/stage.$opt.json" ] || "$TLSX" neb "$OUT/explore.h5" -o "$OUT/stage.$opt.h5" --optimizer "$opt" \
      --images "$IMAGES" --backend cpu --threads "$THREADS" --json > "$OUT/stage.$opt.json" 2> "$OUT/stage.$opt.log"
  done
fi

# 5. The table (markdown) and the physics check.
"$PY" bench/neb_pairs_table.py "$OUT"
