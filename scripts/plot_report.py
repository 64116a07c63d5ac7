#!/usr/bin/python3
"""Draw the paper's figures from a tlsx double-well library (docs/analyze.md).

    /usr/bin/python3 scripts/plot_report.py DW.h5 [--report DIR] [--mass M] -o OUTDIR

Writes PNG files into OUTDIR (Mocanu et al. 2023 numbering):
  fig3b.png             geometric mean over glasses of n_IS(t), the distinct IS found by time t
  fig4.png              (a) N_IS(t), N_DW(t), N_TLS(t) for the lowest T_f; (b) N_DW / N_IS
  fig6.png              (a) E vs sqrt(Delta^2 + Delta0^2); CDFs of (b) Delta0 (inset Gamma vs Delta0),
                        (c) Delta, (d) E; T_Q dashed
  fig7.png              dV, V_b, Gamma and participation ratio versus E
  fig9a.png             n(E)/E with n(E) = N_DW(E) / (N N_g); with --report, n_0 +- error at T_Q
  dw_distributions.png  distributions of V_a, dV and the per-particle distance d (Eq. 7)
Needs h5py, numpy and matplotlib (Debian: python3-h5py python3-matplotlib).
"""
import argparse
import json
import os
import sys
import warnings

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def fail(message):
    sys.stderr.write("plot_report.py: error: %s\n" % message)
    sys.exit(1)


class Library:
    """The columns the figures need, read once."""

    def __init__(self, path):
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            fail("%s: cannot open (%s)" % (path, e))
        with f:
            if f.attrs.get("format") not in ("tlsx-dw-library", b"tlsx-dw-library"):
                fail("%s: not a tlsx double-well library" % path)
            self.n = int(f.attrs["n"])
            self.masses = np.asarray(f.attrs["masses"], dtype=float).ravel()
            self.T_Q = np.asarray(f.attrs["T_Q"], dtype=float).ravel()
            g = f["glasses"]
            self.T_f = g["fictive_temperature"][()]
            self.tau_cg = g["tau_cg"][()]
            self.dt = g["dt"][()]
            i = f["inherent_structures"]
            self.is_glass = i["glass"][()]
            self.is_first_seen = i["first_seen"][()]
            self.is_first_quench = i["first_quench"][()]
            self.dw = {}
            if "double_wells" in f:
                d = f["double_wells"]
                for name in ("glass", "status", "first_candidate_time", "V_a", "dV", "V_b",
                             "distance_per_particle", "participation_ratio"):
                    self.dw[name] = d[name][()]
                for name in ("splitting", "Delta", "Delta0", "Gamma"):
                    if name in d:
                        self.dw[name] = d[name][()].reshape(len(self.dw["glass"]), len(self.masses))
        # Table I columns: one per exploration protocol (T_f, tau_cg), hottest first.
        keys = sorted({(t, c) for t, c in zip(self.T_f, self.tau_cg)}, key=lambda k: (-k[0], k[1]))
        dup = len({k[0] for k in keys}) < len(keys)
        self.protocols = []
        for t, c in keys:
            rows = np.flatnonzero((self.T_f == t) & (self.tau_cg == c))
            label = "$T_f$ = %g" % t + (" ($\\tau_{cg}$ = %d)" % c if dup else "")
            self.protocols.append({"T_f": t, "tau_cg": c, "glasses": rows, "label": label})
        colors = plt.cm.viridis(np.linspace(0.0, 0.9, max(len(keys), 1)))
        for p, col in zip(self.protocols, colors):
            p["color"] = col

    def has_splittings(self):
        return "splitting" in self.dw

    def good_rows(self, protocol):
        """Good double wells (status 0) of a protocol's glasses."""
        if not self.dw:
            return np.zeros(0, dtype=int)
        good = self.dw["status"] == 0
        return np.flatnonzero(good & np.isin(self.dw["glass"], protocol["glasses"]))


def positive(x):
    x = np.asarray(x, dtype=float)
    return x[np.isfinite(x) & (x > 0)]


def cdf(ax, values, **kw):
    v = np.sort(positive(values))
    if v.size:
        ax.step(v, np.arange(1, v.size + 1) / v.size, where="post", **kw)


def fig3b(lib, out):
    fig, ax = plt.subplots(figsize=(5, 4))
    for p in lib.protocols:
        rows = np.isin(lib.is_glass, p["glasses"]) & (lib.is_first_quench >= 0)
        times = lib.is_first_seen[rows]
        if times.size == 0:
            continue
        t = np.logspace(np.log10(max(times.min(), 1e-6)), np.log10(times.max()), 60)
        logs = []
        for g in p["glasses"]:
            seen = np.sort(lib.is_first_seen[(lib.is_glass == g) & (lib.is_first_quench >= 0)])
            count = np.searchsorted(seen, t, side="right").astype(float)
            logs.append(np.where(count > 0, np.log(np.maximum(count, 1)), np.nan))
        # Eq. 8: the average of log n_IS, i.e. the geometric mean over glasses.
        with warnings.catch_warnings():  # times before a glass's first quench: all-NaN columns
            warnings.simplefilter("ignore", RuntimeWarning)
            geo = np.exp(np.nanmean(np.array(logs), axis=0))
        ax.loglog(t, geo, color=p["color"], label=p["label"])
    ax.set_xlabel(r"exploration time $t$ [$\tau_{LJ}$]")
    ax.set_ylabel(r"$\exp\langle \log n_{IS}(t)\rangle$")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fig3b.png"), dpi=120)
    plt.close(fig)


def cumulative_at(times, grid):
    return np.searchsorted(np.sort(times[np.isfinite(times)]), grid, side="right")


def fig4(lib, out, m):
    p = min(lib.protocols, key=lambda q: q["T_f"])  # the paper shows its most stable glasses
    fig, (a, b) = plt.subplots(2, 1, figsize=(5, 6), sharex=True)
    is_t = lib.is_first_seen[np.isin(lib.is_glass, p["glasses"]) & (lib.is_first_quench >= 0)]
    rows = lib.good_rows(p)
    dw_t = lib.dw["first_candidate_time"][rows] if rows.size else np.zeros(0)
    finite = np.concatenate([is_t, dw_t])
    finite = finite[np.isfinite(finite) & (finite > 0)]
    if finite.size:
        t = np.logspace(np.log10(finite.min()), np.log10(finite.max()), 80)
        n_is = cumulative_at(is_t, t)
        a.loglog(t, n_is, color="tab:green", label="IS")
        if rows.size:
            n_dw = cumulative_at(dw_t, t)
            a.loglog(t, n_dw, color="tab:orange", label="DW")
            if lib.has_splittings():
                tls = rows[lib.dw["splitting"][rows, m] < lib.T_Q[m]]
                if tls.size:
                    a.loglog(t, cumulative_at(lib.dw["first_candidate_time"][tls], t), color="tab:purple",
                             label="TLS ($\\tilde m$ = %g)" % lib.masses[m])
            with np.errstate(all="ignore"):
                b.semilogx(t, n_dw / np.where(n_is > 0, n_is, np.nan), color="k")
    a.set_ylabel("number found by time $t$")
    a.set_title(p["label"])
    a.legend(fontsize=8)
    b.set_ylabel(r"$N_{DW}/N_{IS}$")
    b.set_xlabel(r"exploration time $t$ [$\tau_{LJ}$]")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fig4.png"), dpi=120)
    plt.close(fig)


def fig6(lib, out, m):
    fig, ax = plt.subplots(2, 2, figsize=(9, 8))
    inset = ax[0, 1].inset_axes([0.55, 0.12, 0.4, 0.35])
    for p in lib.protocols:
        rows = lib.good_rows(p)
        E = lib.dw["splitting"][rows, m]
        D = np.abs(lib.dw["Delta"][rows, m])
        D0 = lib.dw["Delta0"][rows, m]
        kw = dict(color=p["color"], label=p["label"])
        ok = np.isfinite(E) & np.isfinite(D) & np.isfinite(D0) & (E > 0)
        ax[0, 0].loglog(np.sqrt(D[ok] ** 2 + D0[ok] ** 2), E[ok], ".", ms=3, **kw)
        cdf(ax[0, 1], D0, **kw)
        ok = (D0 > 0) & (lib.dw["Gamma"][rows, m] > 0)
        inset.loglog(D0[ok], lib.dw["Gamma"][rows, m][ok], ".", ms=2, color=p["color"])
        cdf(ax[1, 0], D, **kw)
        cdf(ax[1, 1], E, **kw)
    lo, hi = ax[0, 0].get_xlim()
    ax[0, 0].plot([lo, hi], [lo, hi], "k-", lw=0.8)
    ax[0, 0].set_xlabel(r"$\sqrt{\Delta^2+\Delta_0^2}$")
    ax[0, 0].set_ylabel("$E$")
    for a, name in ((ax[0, 1], r"$\Delta_0$"), (ax[1, 0], r"$|\Delta|$"), (ax[1, 1], "$E$")):
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel(name)
        a.set_ylabel("CDF")
    for a in (ax[1, 0], ax[1, 1]):
        a.axvline(lib.T_Q[m], ls="--", color="k", lw=0.8)
    inset.set_xlabel(r"$\Delta_0$", fontsize=7)
    inset.set_ylabel(r"$\Gamma$", fontsize=7)
    inset.tick_params(labelsize=6)
    ax[0, 0].legend(fontsize=8)
    fig.suptitle(r"$\tilde m$ = %g" % lib.masses[m])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fig6.png"), dpi=120)
    plt.close(fig)


def fig7(lib, out, m):
    fig, ax = plt.subplots(2, 2, figsize=(9, 8), sharex=True)
    panels = (("dV", r"$\Delta V$"), ("V_b", "$V_b$"), ("Gamma", r"$\Gamma$"), ("participation_ratio", "PR"))
    for p in lib.protocols:
        rows = lib.good_rows(p)
        E = lib.dw["splitting"][rows, m]
        for a, (name, label) in zip(ax.ravel(), panels):
            y = lib.dw[name][rows, m] if name == "Gamma" else lib.dw[name][rows]
            ok = np.isfinite(E) & (E > 0) & np.isfinite(y) & (y > 0)
            a.loglog(E[ok], y[ok], ".", ms=3, color=p["color"], label=p["label"])
            a.set_ylabel(label)
    for a in ax[1]:
        a.set_xlabel("$E$")
    for a in ax.ravel():
        a.axvline(lib.T_Q[m], ls="--", color="k", lw=0.8)
    ax[0, 0].legend(fontsize=8)
    fig.suptitle(r"$\tilde m$ = %g" % lib.masses[m])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fig7.png"), dpi=120)
    plt.close(fig)


def fig9a(lib, out, m, report):
    fig, ax = plt.subplots(figsize=(5.5, 4))
    plateau = {}
    if report is not None:
        for p in report["protocols"]:
            for q in p["masses"]:
                if abs(q["mass"] - lib.masses[m]) < 1e-9 * lib.masses[m]:
                    plateau[(p["fictive_temperature"], p["tau_cg"])] = (q["n0"], q["n0_error"])
    for p in lib.protocols:
        rows = lib.good_rows(p)
        E = np.sort(positive(lib.dw["splitting"][rows, m]))
        if E.size == 0:
            continue
        grid = np.logspace(np.log10(E[0]), np.log10(E[-1]), 40)
        # Eq. 3: n(E) = N_DW(E) / (N N_g).
        n = np.searchsorted(E, grid, side="left") / (lib.n * len(p["glasses"]))
        ax.loglog(grid, n / grid, color=p["color"], label=p["label"])
        key = (float(p["T_f"]), int(p["tau_cg"]))
        if key in plateau and plateau[key][0] and plateau[key][0] > 0:
            n0, err = plateau[key]
            ax.errorbar([lib.T_Q[m]], [n0], yerr=[[0 if err is None else min(err, 0.99 * n0)],
                                                  [0 if err is None else err]],
                        fmt="o", color=p["color"], capsize=3)
    ax.axvline(lib.T_Q[m], ls="--", color="k", lw=0.8)
    ax.set_xlabel("$E$ [$\\epsilon$]")
    ax.set_ylabel("$n(E)/E$ [$\\epsilon^{-1}$ per particle]")
    ax.set_title(r"$\tilde m$ = %g" % lib.masses[m])
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fig9a.png"), dpi=120)
    plt.close(fig)


def dw_distributions(lib, out):
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
    panels = (("V_a", "$V_a$"), ("dV", r"$\Delta V$"), ("distance_per_particle", "$d$ (Eq. 7)"))
    for a, (name, label) in zip(ax, panels):
        values = [positive(lib.dw[name][lib.good_rows(p)]) for p in lib.protocols]
        every = np.concatenate(values) if values else np.zeros(0)
        if every.size == 0:
            continue
        lo, hi = every.min(), every.max()
        bins = np.logspace(np.log10(lo), np.log10(hi if hi > lo else 10 * lo), 30)
        for p, v in zip(lib.protocols, values):
            if v.size:
                a.hist(v, bins=bins, density=True, histtype="step", color=p["color"], label=p["label"])
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel(label)
        a.set_ylabel("PDF")
    ax[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "dw_distributions.png"), dpi=120)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("library", help="double-well library (HDF5) written by tlsx")
    ap.add_argument("--report", help="directory written by `tlsx analyze --report` (adds n_0 +- error to fig9a)")
    ap.add_argument("--mass", type=float, help="m~ of the splitting figures (default 5250 if present, else the first)")
    ap.add_argument("-o", "--output", required=True, help="directory for the PNG files")
    a = ap.parse_args()

    lib = Library(a.library)
    report = None
    if a.report:
        path = os.path.join(a.report, "report.json")
        try:
            with open(path) as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            fail("%s: cannot read (%s)" % (path, e))
    os.makedirs(a.output, exist_ok=True)

    written = ["fig3b.png"]
    fig3b(lib, a.output)
    if not lib.dw:
        sys.stderr.write("plot_report.py: no double wells in %s (stage explore): only fig3b drawn\n" % a.library)
        return
    m = 0
    if a.mass is not None or lib.has_splittings():
        want = a.mass if a.mass is not None else (5250.0 if np.any(np.isclose(lib.masses, 5250.0)) else None)
        if want is not None:
            hit = np.flatnonzero(np.isclose(lib.masses, want))
            if hit.size == 0:
                fail("--mass %g: the library has masses %s" % (want, list(lib.masses)))
            m = int(hit[0])
    fig4(lib, a.output, m)
    dw_distributions(lib, a.output)
    written += ["fig4.png", "dw_distributions.png"]
    if lib.has_splittings():
        fig6(lib, a.output, m)
        fig7(lib, a.output, m)
        fig9a(lib, a.output, m, report)
        written += ["fig6.png", "fig7.png", "fig9a.png"]
    else:
        sys.stderr.write("plot_report.py: no splittings in %s: fig6, fig7, fig9a need `tlsx splitting`\n" % a.library)
    sys.stderr.write("plot_report.py: wrote %s to %s\n" % (", ".join(written), a.output))


if __name__ == "__main__":
    main()
