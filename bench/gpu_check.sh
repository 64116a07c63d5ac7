#!/usr/bin/env bash
# The CUDA backend's check on a lent GPU machine, in one command (docs/cuda-backend.md).
#
#   bench/gpu_check.sh --pack   HERE, in the repo root: configure build-gpu (sm_90 code, portable CPU
#                               code), build tlsx, tests_gpu and tests_engine, and pack
#                               them with every shared library they load into .devpack/ (git-ignored).
#   bench/gpu_check.sh --run    THERE, in the repo root (the device tool's `run`, with carry [".devpack"]):
#                               nvidia-smi, the GPU tests, the throughput benchmark `tlsx bench` (GPU
#                               and CPU in the same run), compute-sanitizer memcheck / racecheck /
#                               synccheck / initcheck on short cases (where the machine's runtime lets
#                               the sanitizer at the device: not on gVisor), the smoke pipeline on the
#                               device (`tlsx run`, configs/smoke.toml), the GPU tests at other block
#                               sizes and without shared-memory positions, and the engine tests.
#                               Everything goes to $OUT (or ./gpu-check-out): log.txt, bench.json,
#                               summary.md; the last thing printed is one summary table. Exit status 1
#                               when a step failed or timed out.
#
# A device call:   run(command="bench/gpu_check.sh --run", carry=[".devpack"], timeout_s=600)
# Environment (--run): BENCH_ARGS replaces the arguments of `tlsx bench`; CHECK_QUICK=1 skips the
# sanitizers and the extra block sizes; CHECK_BUDGET (default 560) is the seconds all steps may take
# (they run in order of importance and each is cut to what is left, so the summary is always written).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2

pack() {
  local build="$root/build-gpu"
  local packer="${TLSX_PACK:-$root/../shared/device/pack}"
  [[ -x $packer ]] || { echo "gpu_check: packing script $packer not found (set TLSX_PACK)" >&2; exit 2; }
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DTLSX_NATIVE=OFF -DTLSX_CUDA=ON -DTLSX_TESTS=ON -DTLSX_BENCH=ON || exit 1
  local start=$SECONDS
  cmake --build "$build" -j "${JOBS:-2}" --target tlsx tests_gpu tests_engine || exit 1
  echo "gpu_check: built in $((SECONDS - start)) s"
  # The programs must carry sm_90 machine code (CMake silently builds without CUDA when nvcc is absent).
  if ! "$build/tlsx" --version | grep -q "CUDA support: compiled in"; then
    echo "gpu_check: $build/tlsx was built without CUDA (was nvcc found? see the cmake output)" >&2
    exit 1
  fi
  local cuobjdump=${CUOBJDUMP:-$(command -v cuobjdump || echo /usr/local/cuda/bin/cuobjdump)}
  if [[ -x $cuobjdump ]]; then
    if ! "$cuobjdump" --list-elf "$build/tests_gpu" 2>/dev/null | grep -q sm_90; then
      echo "gpu_check: $build/tests_gpu has no sm_90 code (CMAKE_CUDA_ARCHITECTURES?)" >&2
      exit 1
    fi
  else
    echo "gpu_check: cuobjdump not found: sm_90 code not verified (CMAKE_CUDA_ARCHITECTURES=90 was asked for)" >&2
  fi
  rm -rf "$root/.devpack"
  "$packer" "$root/.devpack" "$build/tlsx" "$build/tests_gpu" "$build/tests_engine" || exit 1
  echo "gpu_check: now run there:  bench/gpu_check.sh --run   (carry .devpack)"
}

run() {
  local out="${OUT:-$root/gpu-check-out}"
  mkdir -p "$out"
  local log="$out/log.txt" summary="$out/summary.md"
  : >"$log"
  if ! command -v tests_gpu >/dev/null && [[ -f $root/.devpack/env.sh ]]; then
    # shellcheck disable=SC1091
    source "$root/.devpack/env.sh"
  fi
  command -v tests_gpu >/dev/null && command -v tlsx >/dev/null || { echo "gpu_check: tests_gpu or tlsx not on PATH (source .devpack/env.sh)" | tee -a "$log"; exit 2; }
  # The tests locate tests/data through the source path compiled in at the build (here /work/main).
  local compiled_root=/work/main
  if [[ ! -e $compiled_root && $root != "$compiled_root" ]]; then
    mkdir -p "$(dirname "$compiled_root")" && ln -s "$root" "$compiled_root" 2>/dev/null &&
      echo "gpu_check: linked $compiled_root -> $root for the tests' data paths" >>"$log"
  fi

  local -a rows=()
  local failed=0
  # Everything must fit one device call (600 s): each step's limit is cut to what is left of the
  # budget, and a step with under 15 s left is skipped, so that the summary is always written.
  local budget=${CHECK_BUDGET:-560} begin=$SECONDS
  # step NAME TIMEOUT COMMAND...: runs the command with its output in the log, records PASS/FAIL.
  step() {
    local name=$1 limit=$2
    shift 2
    local left=$((budget - (SECONDS - begin)))
    if ((left < 15)); then
      echo "==== $name: SKIPPED (time budget spent)" | tee -a "$log"
      rows+=("| $name | SKIPPED (time budget) | |")
      return
    fi
    ((limit > left)) && limit=$left
    local t0=$SECONDS
    echo "==== $name: $*" | tee -a "$log"
    timeout -k 10 "$limit" "$@" >>"$log" 2>&1
    local rc=$?
    local verdict=PASS
    ((rc == 124 || rc == 137)) && verdict="TIMEOUT (${limit}s)"
    ((rc != 0 && rc != 124 && rc != 137)) && verdict="FAIL (exit $rc)"
    [[ $verdict == PASS ]] || failed=1
    echo "==== $name: $verdict in $((SECONDS - t0)) s" | tee -a "$log"
    rows+=("| $name | $verdict | $((SECONDS - t0)) s |")
  }

  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(uname -srm)"
    nvidia-smi 2>&1 || echo "nvidia-smi not available"
    tlsx --version
  } >>"$log" 2>&1
  local device
  device=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
  echo "device: ${device:-none}" | tee -a "$log"

  # In order of importance: conformance, throughput, sanitizers, the pipeline, other block sizes.
  step "tests_gpu" 200 tests_gpu

  local bench_json="$out/bench.json"
  # shellcheck disable=SC2206
  local -a bench_args=(${BENCH_ARGS:---backends cuda,cpu --replicas 512 --md-steps 1200 --quenches 512 --cpu-replicas 32 --cpu-md-steps 200 --cpu-quenches 16 --cpu-bands 16 --band-steps 50})
  step "tlsx bench" 180 sh -c 'tlsx bench "$@" --json >"$0"' "$bench_json" "${bench_args[@]}"

  local quick=${CHECK_QUICK:-0}
  if [[ $quick != 1 ]]; then
    if ! command -v compute-sanitizer >/dev/null; then
      rows+=("| compute-sanitizer | not found | |")
    elif ! sanitizer_reaches_device; then
      rows+=("| compute-sanitizer | refused the device on this machine (see log.txt; gVisor runtime?) | |")
    else
      # Short cases: forces on the all-pairs and the cell-grid paths, an overflow regrow, a chunked
      # batch, MD and swap rounds (the block's shared scratch).
      local tiny='CudaConformance.ForcesAndEnergiesMatchCpu:CudaConformance.NeighbourOverflowRegrowsLikeCpu:CudaConformance.ChunkedBatchMatchesCpu'
      step "memcheck" 90 compute-sanitizer --tool memcheck --error-exitcode 1 tests_gpu --gtest_filter="$tiny:CudaConformance.NveTrajectoryMatchesCpu"
      step "racecheck" 90 compute-sanitizer --tool racecheck --error-exitcode 1 tests_gpu --gtest_filter="CudaConformance.ForcesAndEnergiesMatchCpu:CudaConformance.SwapMonteCarloDecisionsMatchCpu"
      step "synccheck" 60 compute-sanitizer --tool synccheck --error-exitcode 1 tests_gpu --gtest_filter="$tiny"
      step "initcheck" 60 compute-sanitizer --tool initcheck --error-exitcode 1 tests_gpu --gtest_filter="$tiny"
    fi
  fi
  # The whole pipeline on the device (prepare, explore, batched NEB, device splittings, analyze) on the
  # smoke preset; its timings.json gives the per-stage seconds.
  local smoke="$out/smoke-cuda"
  rm -rf "$smoke"
  step "pipeline (configs/smoke.toml, --backend cuda)" "${SMOKE_LIMIT:-120}" \
    tlsx run --config "$root/configs/smoke.toml" --output "$smoke" --backend cuda
  [[ -f $smoke/timings.json ]] && { echo "smoke timings: $(cat "$smoke/timings.json")"; } >>"$log"

  if [[ $quick != 1 ]]; then
    local short='CudaConformance.ForcesAndEnergiesMatchCpu:CudaConformance.NeighbourOverflowRegrowsLikeCpu:CudaConformance.NveTrajectoryMatchesCpu:CudaConformance.FireQuenchReachesSameInherentStructure'
    for b in 32 256 1024; do
      step "tests_gpu, $b threads per replica" 100 env TLSX_CUDA_BLOCK=$b tests_gpu --gtest_filter="$short"
    done
    step "tests_gpu, positions in global memory" 100 env TLSX_CUDA_SHARED_POSITIONS=0 tests_gpu --gtest_filter="$short"
  fi
  step "tests_engine (CPU)" 120 tests_engine

  {
    echo "## gpu_check $(date -u +%Y-%m-%d), ${device:-no device}"
    echo
    echo "| check | result | time |"
    echo "| --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    echo
    python3 - "$bench_json" <<'PY' || echo "(no benchmark figures: see log.txt)"
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"(benchmark output unreadable: {e})")
    sys.exit(0)
res = {r["backend"]: r for r in d["results"]}
cols = [b for b in ("cuda", "cpu") if b in res]
def f(v): return f"{v:.3g}"
rows = [
    ("replicas", lambda r: str(r["replicas"])),
    (f"MD atom-steps/s (Berendsen T={d['temperature']:.2g}, dt={d['dt']:g})", lambda r: f(r["md_atom_steps_per_s"])),
    ("FIRE quenches/s (to 1e-10)", lambda r: f(r["fire_quenches_per_s"]) + f" ({r['fire_converged']}/{r['quenches']} conv.)"),
    ("CG quenches/s (to 1e-10)", lambda r: f(r["cg_quenches_per_s"]) + f" ({r['cg_converged']}/{r['quenches']} conv.)"),
    ("L-BFGS quenches/s (to 1e-10)", lambda r: f(r["lbfgs_quenches_per_s"]) + f" ({r['lbfgs_converged']}/{r['quenches']} conv.)"),
    ("swap attempts/s", lambda r: f(r["swap_attempts_per_s"]) + f" (acc. {r['swap_acceptance']:.3f})"),
    ("e/N after MD; e_IS/N (CG)", lambda r: f"{r['md_energy_per_particle']:.4f}; {r['cg_energy_per_particle']:.4f}"),
]
print(f"KA2 N={d['n']} FP64. Devices: " + "; ".join(f"{b}: {res[b]['device']}" for b in cols))
print()
print("| figure | " + " | ".join(cols) + (" | cuda/cpu |" if len(cols) == 2 else " |"))
print("| --- " * (len(cols) + 1 + (len(cols) == 2)) + "|")
keys = {1: "md_atom_steps_per_s", 2: "fire_quenches_per_s", 3: "cg_quenches_per_s", 4: "lbfgs_quenches_per_s",
        5: "swap_attempts_per_s"}
for k, (name, get) in enumerate(rows):
    line = f"| {name} | " + " | ".join(get(res[b]) for b in cols)
    if len(cols) == 2:
        ratio = ""
        if k in keys and res["cpu"][keys[k]] > 0:
            ratio = f"{res['cuda'][keys[k]] / res['cpu'][keys[k]]:.3g}x"
        line += f" | {ratio}"
    print(line + " |")
stages = {r["backend"]: r for r in d.get("stages", [])}
scols = [b for b in ("cuda", "cpu") if b in stages]
if scols:
    print()
    print(f"NEB bands of {d['band_images']} images ({d['band_steps']} FIRE steps each, batched); splittings of quartic double wells at 2 masses")
    print()
    print("| figure | " + " | ".join(scols) + (" | cuda/cpu |" if len(scols) == 2 else " |"))
    print("| --- " * (len(scols) + 1 + (len(scols) == 2)) + "|")
    srows = [("bands", "bands", lambda v: str(v)),
             ("image force evaluations/s", "image_evaluations_per_s", f),
             ("band steps/s", "band_steps_per_s", f),
             ("double wells (x 2 masses)", "profiles", lambda v: str(v)),
             ("splittings/s", "splittings_per_s", f)]
    for name, key, fmt in srows:
        line = f"| {name} | " + " | ".join(fmt(stages[b][key]) for b in scols)
        if len(scols) == 2:
            ratio = ""
            if key.endswith("_per_s") and stages["cpu"][key] > 0:
                ratio = f"{stages['cuda'][key] / stages['cpu'][key]:.3g}x"
            line += f" | {ratio}"
        print(line + " |")
PY
  } >"$summary"
  echo
  cat "$summary"
  return "$failed"
}

# Whether compute-sanitizer can instrument a program on this device: on gVisor it answers
# «Device not supported» and then error 999 at the first allocation (device/KINDS.md), which would
# read as four failures of our code. The probe runs a short test that allocates and launches (a
# failure of the test itself is left to the memcheck step: only the sanitizer's refusal counts).
sanitizer_reaches_device() {
  local probe
  probe=$(timeout -k 5 90 compute-sanitizer --tool memcheck tests_gpu --gtest_filter=CudaConformance.NeighbourOverflowRegrowsLikeCpu 2>&1)
  local rc=$?
  echo "==== compute-sanitizer probe (exit $rc):" >>"$log"
  echo "$probe" >>"$log"
  ! grep -qiE "not supported|error 999|unknown error" <<<"$probe"
}

case "${1:-}" in
  --pack) pack ;;
  --run) run ;;
  *) sed -n '2,19p' "$0"; exit 2 ;;
esac
