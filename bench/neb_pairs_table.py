#!/usr/bin/env python3
"""The table of bench/neb_pairs.sh: per pair, image force evaluations and seconds of the old (FIRE)
and new (L-BFGS) band optimiser, and the physics check against the tight reference (--ftol 1e-7):
V_a and dV within 1e-5 relative, E (splitting, each mass) within 1e-3 relative, same status.

    python3 bench/neb_pairs_table.py OUT
"""
import json
import os
import statistics
import sys

import h5py  # noqa: F401  (the stage check below)
import numpy as np


def load(path):
    try:
        with open(path) as f:
            return json.loads(f.read())
    except (OSError, ValueError):
        return None


def wells(run):
    """(first, second) -> (V_a, dV, [E per mass]) of every elementary double well."""
    out = {}
    for dw in run.get("double_wells", []):
        es = [s.get("E") for s in dw.get("splittings", [])]
        out[(dw["first"], dw["second"])] = (dw["V_a"], dw["dV"], es)
    return out


def rel(a, b):
    if a is None or b is None:
        return float("nan")
    return abs(a - b) / max(abs(b), 1e-300)


def main():
    out = sys.argv[1]
    pairs = {}
    with open(os.path.join(out, "pairs", "pairs.tsv")) as f:
        next(f)
        for line in f:
            c = line.split()
            pairs[c[0]] = float(c[6])
    rows, ev_fire, ev_new, ratios, t_fire, t_new = [], [], [], [], [], []
    print("| pair | dE | V_a | status old / new / ref | evaluations old (plain + climbing) | new (plain + climbing) | old / new | seconds old / new | max rel. dev. V_a, dV (old, new) | max rel. dev. E (old, new) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    bad = []
    for p in sorted(pairs):
        fire = load(os.path.join(out, "runs", p + ".fire.json"))
        new = load(os.path.join(out, "runs", p + ".lbfgs.json"))
        ref = load(os.path.join(out, "runs", p + ".ref.json"))
        if fire is None or new is None:
            print("| %s | %.3g | | (missing: %s) | | | | | | |" % (p, pairs[p], "old" if fire is None else "new"))
            continue
        rw = wells(ref) if ref else {}
        devs, edevs = [], []
        for run in (fire, new):
            d, e = 0.0, 0.0
            for key, (va, dv, es) in wells(run).items():
                if key not in rw:
                    d = float("inf")
                    continue
                va_r, dv_r, es_r = rw[key]
                d = max(d, rel(va, va_r), rel(dv, dv_r))
                for x, y in zip(es, es_r):
                    if x is not None and y is not None:
                        e = max(e, rel(x, y))
            if ref and run["status"] != ref["status"]:
                d = float("inf")
            devs.append(d)
            edevs.append(e)
        va = ";".join("%.4g" % v[0] for v in (rw or wells(new)).values())
        status = "%s / %s / %s" % (fire["status"], new["status"], ref["status"] if ref else "-")
        ef, en = fire["force_evaluations"], new["force_evaluations"]
        ev_fire.append(ef)
        ev_new.append(en)
        ratios.append(ef / en)
        t_fire.append(fire["seconds"])
        t_new.append(new["seconds"])
        if ref and (max(devs) > 1e-5 or max(edevs) > 1e-3):
            bad.append(p)
        print("| %s | %.3g | %s | %s | %d (%d + %d) | %d (%d + %d) | %.1f | %.1f / %.1f (%.1fx) | %.1e, %.1e | %.1e, %.1e |" % (
            p, pairs[p], va, status, ef, fire.get("force_evaluations_plain_band", -1),
            fire.get("force_evaluations_climbing", -1), en, new.get("force_evaluations_plain_band", -1),
            new.get("force_evaluations_climbing", -1), ef / en, fire["seconds"], new["seconds"],
            fire["seconds"] / new["seconds"], devs[0], devs[1], edevs[0], edevs[1]))
    if ratios:
        worst = int(np.argmax(ev_fire))
        print()
        print("pairs: %d; summed evaluations %d / %d = %.1fx; median ratio %.1fx; worst (old) pair %d / %d = %.1fx; "
              "largest new %d; seconds summed %.0f / %.0f = %.1fx" % (
                  len(ratios), sum(ev_fire), sum(ev_new), sum(ev_fire) / sum(ev_new), statistics.median(ratios),
                  ev_fire[worst], ev_new[worst], ev_fire[worst] / ev_new[worst], max(ev_new), sum(t_fire), sum(t_new),
                  sum(t_fire) / sum(t_new)))
        print("physics check (V_a, dV 1e-5; E 1e-3; status): %s" % ("all pass" if not bad else "FAIL: " + " ".join(bad)))
    stages = [load(os.path.join(out, "stage.%s.json" % o)) for o in ("fire", "lbfgs")]
    if all(stages):
        print()
        print("| stage | seconds | good / split / not_converged / failed | bands |")
        print("|---|---|---|---|")
        for o, s in zip(("fire", "lbfgs"), stages):
            print("| %s | %.1f | %d / %d / %d / %d | %d |" % (o, s["seconds"], s["good"], s["split"], s["not_converged"],
                                                              s["failed"], s["bands"]))
        with h5py.File(os.path.join(out, "stage.fire.h5"), "r") as f, h5py.File(os.path.join(out, "stage.lbfgs.h5"), "r") as g:
            for k in ("status", "V_a", "dV"):
                if "double_wells/" + k in f:
                    a, b = np.asarray(f["double_wells/" + k]), np.asarray(g["double_wells/" + k])
                    if a.shape != b.shape:
                        print("stage %s: %s rows vs %s" % (k, a.shape, b.shape))
                    elif k == "status":
                        print("stage status: %s" % ("identical" if (a == b).all() else "DIFFER"))
                    else:
                        ok = np.isfinite(a) & np.isfinite(b)
                        d = np.abs(a[ok] - b[ok]) / np.maximum(np.abs(a[ok]), 1e-300)
                        print("stage %s: largest relative difference %.2e over %d rows" % (k, d.max() if d.size else 0, ok.sum()))


if __name__ == "__main__":
    main()
