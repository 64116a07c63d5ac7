#!/usr/bin/env bash
# tlsx against LAMMPS on the same machine, the same model and the same state (docs/architecture.md §4), one core
# each, run back to back so that both see the same load (docs/bench.md):
#   MD:     KA2, N = 1200, T = 0.4, dt = 0.0025, Berendsen (tau_T = 100 dt = 0.25), skin 0.3, STEPS steps
#   quench: from that T = 0.4 state; LAMMPS CG and FIRE to |F|_2 < 1e-10 (or their line-search /
#           step limits), tlsx CG and FIRE to max |F_i,a| < 1e-10 (a weaker test than |F|_2 by <= sqrt(3N))
# LAMMPS runs the exact smoothed model (paper Eqs. 4-5) through `pair_style table` with 20001 points
# per pair (scripts/make_lammps_table.py), in each of TABLE_STYLES (linear: LAMMPS's fastest table;
# spline: its most accurate). The T = 0.4 state is made once by LAMMPS (random start, push-off, melt
# at T = 1, cool to 0.4, 2000 steps at 0.4).
#
# Usage: bench/lammps_compare.sh [STEPS]           (default 5000; builds nothing)
# Environment: TLSX (default ${BUILD_DIR:-build}/tlsx), REPEAT (default 3 rounds), TABLE_STYLES
#              (default "linear spline"), QUENCH=0 skips the quenches.
# Prints one line per measurement, then a summary with the ratios per round and their range, and
# writes every record to bench/out/lammps_compare.json.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-5000}
repeat=${REPEAT:-3}
styles=${TABLE_STYLES:-linear spline}
quench=${QUENCH:-1}
tlsx=${TLSX:-${BUILD_DIR:-build}/tlsx}
lmp=$(command -v lmp || command -v lmp_serial || true)
[[ -x $tlsx ]] || { echo "lammps_compare: $tlsx not found (run scripts/build.sh or set TLSX)" >&2; exit 1; }
[[ -n $lmp ]] || { echo "lammps_compare: LAMMPS (lmp) not found (run scripts/setup.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
records=$work/records.jsonl
: >"$records"

# (the pair_coeff lines name the table by the path given to -o)
python3 scripts/make_lammps_table.py --model configs/ka2.toml -o "$work/ka2.table" >"$work/pair.lammps"
for style in $styles; do
  sed "s|^pair_style table [a-z]* |pair_style table $style |" "$work/pair.lammps" >"$work/pair.$style.lammps"
done
first_style=${styles%% *}

# The common head of every LAMMPS input: the state, the model, the neighbour list.
head_in() {  # $1: table style
  cat <<EOS
units lj
atom_style atomic
read_data $work/start.data
include $work/pair.$1.lammps
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
EOS
}

# 1. The T = 0.4 state.
cat >"$work/make_state.in" <<EOS
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
echo "lammps_compare: making the T = 0.4 state with LAMMPS" >&2
(cd "$work" && "$lmp" -in make_state.in -log none -screen none)

# record KEY=VALUE...: one JSON line (numbers stay numbers).
record() {
  python3 -c 'import json,sys
d={}
for a in sys.argv[1:]:
    k,v=a.split("=",1)
    try: v=float(v)
    except ValueError: pass
    d[k]=v
print(json.dumps(d))' "$@" | tee -a "$records"
}

lammps_md() {  # $1 round, $2 table style
  { head_in "$2"; cat <<EOS
timestep 0.0025
fix 1 all nve
fix 2 all temp/berendsen 0.4 0.4 0.25
thermo 1000
run $steps
EOS
  } >"$work/md.in"
  local out
  out=$(cd "$work" && "$lmp" -in md.in -log none)
  record round="$1" program=lammps what=md style="$2" steps="$steps" \
    seconds="$(awk '/^Loop time of/ {print $4}' <<<"$out")" \
    cpu_use="$(awk '/% CPU use/ {sub(/%/, "", $1); print $1}' <<<"$out")"
}

lammps_quench() {  # $1 round, $2 table style, $3 cg|fire
  { head_in "$2"; cat <<EOS
timestep 0.0025
min_style $3
thermo 100000
minimize 0.0 1.0e-10 1000000 10000000
variable e equal pe
print "FINAL_PE_PER_ATOM \${e}"
EOS
  } >"$work/min.in"
  local out
  out=$(cd "$work" && "$lmp" -in min.in -log none)
  record round="$1" program=lammps what="$3" style="$2" \
    seconds="$(awk '/^Loop time of/ {print $4}' <<<"$out")" \
    force_evaluations="$(awk '/Iterations, force evaluations/ {print $NF}' <<<"$out")" \
    final_fnorm="$(awk '/Force two-norm initial, final/ {print $NF}' <<<"$out")" \
    final_fmax="$(awk '/Force max component initial, final/ {print $NF}' <<<"$out")" \
    energy_per_particle="$(awk '/^FINAL_PE_PER_ATOM/ {print $2}' <<<"$out")" \
    stop="$(awk -F= '/Stopping criterion/ {gsub(/^ +/, "", $2); gsub(/ /, "_", $2); print $2}' <<<"$out")"
}

# tlsx's own timer covers the run only (no file I/O), like LAMMPS's loop time; the shell's user/real
# of the whole process gives its CPU share, like LAMMPS's "% CPU use".
tlsx_run() {  # $1 round, $2 what, then the tlsx arguments
  local round=$1 what=$2
  shift 2
  local json times
  json=$({ TIMEFORMAT='%R %U'; time "$tlsx" "$@" --json 2>/dev/null; } 2>"$work/time")
  times=$(tail -1 "$work/time")
  python3 -c 'import json,sys
j=json.loads(sys.argv[1]); real,user=map(float,sys.argv[2].split())
j.update(round=int(sys.argv[3]), program="tlsx", what=sys.argv[4], cpu_use=100*user/real)
print(json.dumps(j))' "$json" "$times" "$round" "$what" | tee -a "$records"
}

for ((round = 1; round <= repeat; ++round)); do
  echo "lammps_compare: round $round of $repeat" >&2
  tlsx_run "$round" md md "$work/start.data" -o "$work/tlsx_md.data" --steps "$steps" --temperature 0.4 \
    --dt 0.0025 --thermostat berendsen --tau-t 0.25
  for style in $styles; do lammps_md "$round" "$style"; done
  if [[ $quench == 1 ]]; then
    for algo in cg fire; do
      tlsx_run "$round" "$algo" minimize "$work/start.data" -o "$work/tlsx_$algo.data" --algo "$algo"
      lammps_quench "$round" "$first_style" "$algo"
    done
  fi
done

mkdir -p bench/out
python3 - "$records" "$steps" "$(nproc --all)" "$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')" \
  "$("$lmp" -h | awk 'NF {print; exit}')" <<'EOP'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
steps, cpus, cpu_model, lammps_version = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].strip()
n = 1200
rounds = sorted({int(r["round"]) for r in recs})
def pick(rnd, program, what, style=None):
    for r in recs:
        if int(r["round"]) == rnd and r["program"] == program and r["what"] == what and (style is None or r.get("style") == style):
            return r
    return None
def span(values):
    return f"{min(values):.3g} .. {max(values):.3g}" if values else "-"
print(f"\nKA2 N={n}, T=0.4, dt=0.0025, Berendsen, one core each; {cpu_model} ({cpus} CPUs); {lammps_version}")
styles = sorted({r["style"] for r in recs if r["program"] == "lammps" and r["what"] == "md"})
print(f"{'round':>5} {'tlsx MD atom-steps/s':>21} " + " ".join(f"{'LAMMPS ' + s:>16} {'ratio':>6}" for s in styles)
      + f" {'CPU use tlsx/LAMMPS':>20}")
ratios = {s: [] for s in styles}
for rnd in rounds:
    t = pick(rnd, "tlsx", "md")
    line = f"{rnd:>5} {t['atom_steps_per_second']:>21.3g} "
    uses = []
    for s in styles:
        l = pick(rnd, "lammps", "md", s)
        rate = n * steps / l["seconds"]
        ratios[s].append(t["atom_steps_per_second"] / rate)
        line += f"{rate:>16.3g} {ratios[s][-1]:>6.2f} "
        uses.append(f"{l['cpu_use']:.0f}%")
    print(line + f"{t['cpu_use']:>9.0f}% / " + ",".join(uses))
for s in styles:
    print(f"MD ratio tlsx / LAMMPS ({s} table): {span(ratios[s])}")
for algo in ("cg", "fire"):
    ts = [pick(r, "tlsx", algo) for r in rounds]
    ls = [pick(r, "lammps", algo) for r in rounds]
    if not all(ts) or not all(ls):
        continue
    t, l = ts[0], ls[0]
    print(f"quench {algo.upper()}: tlsx {span([x['seconds'] for x in ts])} s ({t['force_evaluations']:.0f} force evaluations,"
          f" max|F| {t['max_force']:.1e}, e/N {t['energy_per_particle']:.10f});"
          f" LAMMPS ({l['style']} table) {span([x['seconds'] for x in ls])} s ({l['force_evaluations']:.0f} force evaluations,"
          f" |F|_2 {l['final_fnorm']:.1e}, max|F| {l['final_fmax']:.1e}, e/N {l['energy_per_particle']:.10f}, stop: {l['stop']})")
json.dump({"steps": steps, "cpu_model": cpu_model, "lammps": lammps_version, "records": recs},
          open("bench/out/lammps_compare.json", "w"), indent=1)
EOP
