#!/usr/bin/env python3
"""The candidate pairs of an explored library as configuration files for `tlsx neb --pair`.

    python3 bench/neb_pairs_extract.py EXPLORE.h5 OUTDIR

For every candidate pair (a /transitions row with T(a->b) >= 1 and T(b->a) >= 1, as the NEB stage
takes them), writes OUTDIR/pNN_a.xyz and OUTDIR/pNN_b.xyz (extended XYZ, the stored inherent-structure
coordinates exactly, species names of the model) and one line of OUTDIR/pairs.tsv: index, glass row,
IS ids, their energies and dE. Needs h5py (Debian: python3-h5py). Part of bench/neb_pairs.sh.
"""
import os
import sys

import h5py
import numpy as np


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with h5py.File(path, "r") as f:
        n = int(f.attrs["n"])
        box = np.asarray(f.attrs["box"], dtype=float).reshape(-1)
        species = np.asarray(f["glasses/species"]).reshape(-1, n)
        is_glass = np.asarray(f["inherent_structures/glass"])
        is_id = np.asarray(f["inherent_structures/id"])
        is_energy = np.asarray(f["inherent_structures/energy"])
        is_row = np.asarray(f["inherent_structures/coordinate_row"])
        coords = np.asarray(f["inherent_structures/coordinates"]).reshape(-1, 3 * n)
        tr = {k: np.asarray(f["transitions/" + k]) for k in ("glass", "is_a", "is_b", "count_ab", "count_ba")}
    names = "ABC"
    index = {(int(g), int(i)): r for r, (g, i) in enumerate(zip(is_glass, is_id))}
    lines = ["pair\tglass\tis_a\tis_b\tenergy_a\tenergy_b\tdE"]
    k = 0
    for t in range(len(tr["glass"])):
        if tr["count_ab"][t] < 1 or tr["count_ba"][t] < 1:
            continue
        g = int(tr["glass"][t])
        ra, rb = index[(g, int(tr["is_a"][t]))], index[(g, int(tr["is_b"][t]))]
        if is_row[ra] < 0 or is_row[rb] < 0:
            continue
        for side, r in (("a", ra), ("b", rb)):
            x = coords[is_row[r]]
            with open(os.path.join(out, "p%02d_%s.xyz" % (k, side)), "w") as o:
                o.write("%d\n" % n)
                o.write('Lattice="%.17g 0 0 0 %.17g 0 0 0 %.17g" Properties=species:S:1:pos:R:3 pbc="T T T"\n'
                        % (box[0], box[1], box[2]))
                for i in range(n):
                    o.write("%s %.17g %.17g %.17g\n" % (names[species[g][i]], x[i], x[n + i], x[2 * n + i]))
        ea, eb = is_energy[ra], is_energy[rb]
        lines.append("p%02d\t%d\t%d\t%d\t%.10f\t%.10f\t%.3e" % (k, g, tr["is_a"][t], tr["is_b"][t], ea, eb, abs(ea - eb)))
        k += 1
    with open(os.path.join(out, "pairs.tsv"), "w") as o:
        o.write("\n".join(lines) + "\n")
    print("%d candidate pairs written to %s" % (k, out))


if __name__ == "__main__":
    main()
