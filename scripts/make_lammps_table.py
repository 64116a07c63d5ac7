#!/usr/bin/env python3
"""Tabulates the paper's smoothed Lennard-Jones pair potential (Mocanu et al. 2023, Eqs. 4-5) for
LAMMPS's `pair_style table`, one table per species pair of a tlsx model file (configs/ka2.toml).

    V(r) = 4 eps [ (sigma/r)^12 - (sigma/r)^6 + C0 + C2 (r/sigma)^2 + C4 (r/sigma)^4 ]  for r < x_c sigma
    C0 = 10/x_c^6 - 28/x_c^12,  C2 = 48/x_c^14 - 15/x_c^8,  C4 = 6/x_c^10 - 21/x_c^16

Usage:
    python3 scripts/make_lammps_table.py [--model configs/ka2.toml] [--points N] [--inner X] -o FILE
        writes FILE and prints the `pair_style` and `pair_coeff` lines for a LAMMPS input
        (types 1, 2, ... are the model's species in file order, as in tlsx's LAMMPS data files).
    python3 scripts/make_lammps_table.py [--model M] --check PAIR_WRITE_FILE [--from X]
        compares a `pair_write` output of LAMMPS (energy and force as LAMMPS interpolates them)
        with the exact potential and prints the largest absolute errors for r >= X sigma_ij.
"""
import argparse
import math
import sys

try:
    import tomllib  # Python >= 3.11
except ModuleNotFoundError:
    sys.exit("make_lammps_table.py: needs Python 3.11 or newer (tomllib)")


def load_model(path):
    with open(path, "rb") as f:
        t = tomllib.load(f)
    names = [s["name"] for s in t["species"]]
    xc = float(t["cutoff_ratio"])

    def pair_table(section):
        out = {}
        for key, value in t[section].items():
            a, b = key.split("-")
            out[(a, b)] = out[(b, a)] = float(value)
        return out

    return t.get("name", "model"), names, xc, pair_table("epsilon"), pair_table("sigma")


def smoothing(xc):
    return (10 / xc**6 - 28 / xc**12, 48 / xc**14 - 15 / xc**8, 6 / xc**10 - 21 / xc**16)


def energy_force(r, eps, sigma, xc):
    """V(r) and the force F = -dV/dr (Eqs. 4-5)."""
    c0, c2, c4 = smoothing(xc)
    if r >= xc * sigma:
        return 0.0, 0.0
    s6 = (sigma / r) ** 6
    x = r / sigma
    v = 4 * eps * (s6 * s6 - s6 + c0 + c2 * x**2 + c4 * x**4)
    dvdr = 4 * eps * (-12 * s6 * s6 / r + 6 * s6 / r + 2 * c2 * r / sigma**2 + 4 * c4 * r**3 / sigma**4)
    return v, -dvdr


def pairs(names):
    return [(i, j) for i in range(len(names)) for j in range(i, len(names))]


def write_table(args):
    name, names, xc, eps, sig = load_model(args.model)
    n = args.points
    with open(args.output, "w") as f:
        f.write(f"# Smoothed LJ (Mocanu et al. 2023, Eqs. 4-5), model {name} from {args.model}, x_c = {xc}\n")
        f.write(f"# made by scripts/make_lammps_table.py --points {n} --inner {args.inner}\n\n")
        for i, j in pairs(names):
            a, b = names[i], names[j]
            e, s = eps[(a, b)], sig[(a, b)]
            lo, hi = args.inner * s, xc * s
            f.write(f"{a}-{b}\nN {n} R {lo!r} {hi!r}\n\n")
            for k in range(n):
                r = lo + (hi - lo) * k / (n - 1)
                v, force = energy_force(r, e, s, xc)
                f.write(f"{k + 1} {r:.17g} {v:.17g} {force:.17g}\n")
            f.write("\n")
    print(f"pair_style table spline {n}")
    for i, j in pairs(names):
        a, b = names[i], names[j]
        print(f"pair_coeff {i + 1} {j + 1} {args.output} {a}-{b} {xc * sig[(a, b)]!r}")


def check(args):
    """pair_write files hold, per pair, 'index r energy force' lines after a keyword and N line."""
    name, names, xc, eps, sig = load_model(args.model)
    keyword_pairs = {}
    for i, j in pairs(names):
        keyword_pairs[f"{names[i]}-{names[j]}"] = (names[i], names[j])
    worst_e, worst_f, current = 0.0, 0.0, None
    with open(args.check) as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if fields[0] in keyword_pairs:
                current = keyword_pairs[fields[0]]
                continue
            if fields[0] == "N" or current is None:
                continue
            r, v, force = float(fields[1]), float(fields[2]), float(fields[3])
            s = sig[current]
            if r < args.start * s:
                continue
            v0, f0 = energy_force(r, eps[current], s, xc)
            worst_e = max(worst_e, abs(v - v0))
            worst_f = max(worst_f, abs(force - f0))
    print(f"max |dE| = {worst_e:.3e}  max |dF| = {worst_f:.3e}  (r >= {args.start} sigma_ij)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="configs/ka2.toml")
    p.add_argument("--points", type=int, default=20001, help="table points per pair (default 20001)")
    p.add_argument("--inner", type=float, default=0.5, help="inner table radius in sigma_ij (default 0.5)")
    p.add_argument("-o", "--output", help="table file to write")
    p.add_argument("--check", help="pair_write output to compare with the exact potential")
    p.add_argument("--from", dest="start", type=float, default=0.7, help="--check from this r/sigma_ij (default 0.7)")
    args = p.parse_args()
    if args.check:
        check(args)
    elif args.output:
        if args.points < 2:
            sys.exit("make_lammps_table.py: --points must be at least 2")
        write_table(args)
    else:
        p.error("give -o FILE (write a table) or --check FILE")


if __name__ == "__main__":
    main()
