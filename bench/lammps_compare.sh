#!/usr/bin/env bash
# Same machine, same model, side by side (DESIGN.md §4): KA2, N = 1200, one core each.
#   MD:     T = 0.4, dt = 0.0025, Berendsen (tau = 100 dt), 0.3 skin, STEPS steps from the same state
#   quench: from that T = 0.4 state to force 1e-10 (LAMMPS: CG, 2-norm of the force vector < 1e-10;
#           tlsx: CG and FIRE, largest force component < 1e-10)
# LAMMPS uses the exact smoothed model through `pair_style table` (scripts/make_lammps_table.py).
# Usage: bench/lammps_compare.sh [STEPS]      (builds nothing: run scripts/build.sh first)
# Prints a table and writes bench/out/lammps_compare.json.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-5000}
tlsx=${TLSX:-${BUILD_DIR:-build}/tlsx}
lmp=$(command -v lmp || command -v lmp_serial || true)
[[ -x $tlsx ]] || { echo "lammps_compare: $tlsx not found (run scripts/build.sh)" >&2; exit 1; }
[[ -n $lmp ]] || { echo "lammps_compare: LAMMPS (lmp) not found (run scripts/setup.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
python3 scripts/make_lammps_table.py --model configs/ka2.toml -o "$work/ka2.table" > "$work/pair.lammps"
sed -i "s|ka2.table|$work/ka2.table|" "$work/pair.lammps"

# 1. A T = 0.4 state made by LAMMPS: random start, soft push-off, melt at T = 1, cool to 0.4.
cat > "$work/make_state.in" <<EOS
units lj
atom_style atomic
variable L equal (1200/1.35)^(1.0/3.0)
region box block 0 \${L} 0 \${L} 0 \${L}
create_box 3 box
create_atoms 1 random 800 1001 box
create_atoms 2 random 200 1002 box
create_atoms 3 random 200 1003 box
mass * 1.0
pair_style soft 1.0
pair_coeff * * 0.0
variable prefactor equal ramp(0,60)
fix push all adapt 1 pair soft a * * v_prefactor
fix limit all nve/limit 0.05
run 3000
unfix push
unfix limit
include $work/pair.lammps
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
velocity all create 1.0 4928459 dist gaussian mom yes
timestep 0.005
fix md all nvt temp 1.0 0.4 0.5
run 4000
unfix md
timestep 0.0025
fix md all nvt temp 0.4 0.4 0.25
run 2000
write_data $work/start.data
EOS
(cd "$work" && "$lmp" -in make_state.in -log none -screen none)

# 2. LAMMPS MD timing.
cat > "$work/md.in" <<EOS
units lj
atom_style atomic
read_data $work/start.data
include $work/pair.lammps
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
timestep 0.0025
fix 1 all nve
fix 2 all temp/berendsen 0.4 0.4 0.25
thermo 1000
run $steps
EOS
lmp_md_time=$(cd "$work" && "$lmp" -in md.in -log none | awk '/^Loop time of/ {print $4}')

# 3. LAMMPS CG quench timing.
cat > "$work/min.in" <<EOS
units lj
atom_style atomic
read_data $work/start.data
include $work/pair.lammps
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
min_style cg
minimize 0.0 1.0e-10 1000000 10000000
EOS
lmp_min_out=$(cd "$work" && "$lmp" -in min.in -log none)
lmp_min_time=$(awk '/^Loop time of/ {print $4}' <<<"$lmp_min_out")
lmp_min_fnorm=$(awk '/Force two-norm initial, final/ {print $NF}' <<<"$lmp_min_out")
lmp_min_iter=$(awk '/Iterations, force evaluations/ {print $(NF-1)}' <<<"$lmp_min_out")
lmp_min_stop=$(awk -F= '/Stopping criterion/ {gsub(/^ +/, "", $2); print $2}' <<<"$lmp_min_out")

# 4. tlsx on the same state.
tlsx_md=$("$tlsx" md "$work/start.data" -o "$work/tlsx_md.data" --steps "$steps" --temperature 0.4 --dt 0.0025 \
          --thermostat berendsen --json 2>/dev/null)
tlsx_cg=$("$tlsx" minimize "$work/start.data" -o "$work/tlsx_cg.data" --algo cg --json 2>/dev/null)
tlsx_fire=$("$tlsx" minimize "$work/start.data" -o "$work/tlsx_fire.data" --algo fire --json 2>/dev/null)

mkdir -p bench/out
python3 - "$steps" "$lmp_md_time" "$lmp_min_time" "$lmp_min_fnorm" "$lmp_min_iter" "$lmp_min_stop" \
          "$tlsx_md" "$tlsx_cg" "$tlsx_fire" <<'EOP'
import json, sys
steps = int(sys.argv[1]); lmp_md, lmp_min = float(sys.argv[2]), float(sys.argv[3])
fnorm, iters, stop = sys.argv[4], sys.argv[5], sys.argv[6]
md, cg, fire = (json.loads(a) for a in sys.argv[7:10])
lmp_rate = 1200 * steps / lmp_md
rows = [
    ("MD atom-steps/s (N=1200, T=0.4, Berendsen)", f"{lmp_rate:.3g}", f"{md['atom_steps_per_second']:.3g}",
     f"{md['atom_steps_per_second'] / lmp_rate:.2f}x"),
    ("quench s, CG (LAMMPS |F|_2<1e-10; tlsx max|F|<1e-10)", f"{lmp_min:.3f}", f"{cg['seconds']:.3f}",
     f"{lmp_min / cg['seconds']:.2f}x"),
    ("quench s, FIRE (tlsx) vs LAMMPS CG", f"{lmp_min:.3f}", f"{fire['seconds']:.3f}", f"{lmp_min / fire['seconds']:.2f}x"),
]
print(f"{'measure':58s} {'LAMMPS':>10s} {'tlsx':>10s} {'speed-up':>9s}")
for r in rows:
    print(f"{r[0]:58s} {r[1]:>10s} {r[2]:>10s} {r[3]:>9s}")
print(f"LAMMPS CG: {iters} iterations, final |F|_2 = {fnorm}, stopped by: {stop}")
print(f"tlsx CG: {cg['iterations']} iterations, {cg['force_evaluations']} force evaluations, max|F| = {cg['max_force']:.2e}, e/N = {cg['energy_per_particle']:.10f}")
print(f"tlsx FIRE: {fire['iterations']} iterations, {fire['force_evaluations']} force evaluations, max|F| = {fire['max_force']:.2e}, e/N = {fire['energy_per_particle']:.10f}")
json.dump({"steps": steps, "lammps_md_atom_steps_per_second": lmp_rate, "tlsx_md": md,
           "lammps_cg_seconds": lmp_min, "lammps_cg_iterations": iters, "lammps_cg_final_fnorm": fnorm,
           "lammps_cg_stop": stop, "tlsx_cg": cg, "tlsx_fire": fire},
          open("bench/out/lammps_compare.json", "w"), indent=1)
EOP
