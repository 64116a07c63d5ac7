"""tlsx.splitting of an analytic quartic double well: the numbers of `tlsx splitting --profile --json`
bit for bit, and the splitting of an independent float64 finite-difference Hamiltonian."""
import numpy as np
import pytest

import tlsx

# V(s) = V0 ((s - a)^2 / a^2 - 1)^2 + delta s / (2a): minima near s = 0 and s = 2a, barrier V0 between.
V0, A = 0.01, 0.5


def quartic(s, delta=0.0):
    x = (s - A) / A
    return V0 * (x * x - 1) ** 2 + delta * s / (2 * A), V0 * 4 * x * (x * x - 1) / A + delta / (2 * A)


def write_profile(path, s, v, dvds=None):
    with open(path, "w") as f:
        f.write("s,V\n" if dvds is None else "s,V,dVds\n")
        for k in range(len(s)):
            row = [s[k], v[k]] + ([] if dvds is None else [dvds[k]])
            f.write(",".join(f"{x:.17g}" for x in row) + "\n")


@pytest.mark.parametrize("with_slope", [False, True])
def test_quartic_splitting_matches_the_cli_bitwise(cli, tmp_path, with_slope):
    s = np.linspace(0.0, 2 * A, 41)
    v, dvds = quartic(s, delta=2e-4)
    csv = tmp_path / "quartic.csv"
    write_profile(csv, s, v, dvds if with_slope else None)
    ref = cli("splitting", "--profile", csv, "--mass", "5250,1200", "--json")["results"]
    s_read, v_read, d_read = tlsx.read_profile(csv)
    assert np.array_equal(s_read, s) and np.array_equal(v_read, v)
    got = tlsx.splitting(s, v, [5250, 1200], dVds=dvds if with_slope else None)
    assert len(got) == len(ref) == 2
    for r, g in zip(ref, got):
        assert g.mass == r["mass"] and g.status == r["status"]
        for key in ("E", "E_error", "Delta", "Delta0", "Gamma", "T_Q", "V_a", "dV", "V_b", "E_wkb", "omega_1",
                    "omega_2", "omega_top", "d", "s_top"):
            assert getattr(g, key) == r[key], key
        assert list(g.levels) == r["levels"]
        assert g.is_tls == r["is_tls"] and g.grid_points == r["grid_points"]


def fd_levels(mass, s_lo, s_hi, points):
    """The lowest levels of -1/(2m) psi'' + V psi on a uniform grid, 3-point stencil, dense eigensolver.
    V: the symmetric quartic on [0, 2a], beyond the minima its harmonic extension V''(min) x^2 / 2 with
    V''(min) = 8 V0 / a^2, as tlsx extends a profile (docs/quantum.md)."""
    s = np.linspace(s_lo, s_hi, points)
    h = s[1] - s[0]
    v, _ = quartic(s)
    k = 8 * V0 / A**2
    v = np.where(s < 0, 0.5 * k * s**2, np.where(s > 2 * A, 0.5 * k * (s - 2 * A) ** 2, v))
    t = 1.0 / (2 * mass * h * h)
    H = np.diag(v + 2 * t) - t * np.eye(points, k=1) - t * np.eye(points, k=-1)
    return np.linalg.eigvalsh(H)[:5]


def test_symmetric_quartic_splitting_matches_a_finite_difference_hamiltonian():
    """The symmetric quartic (delta = 0) at m~ = 1200, solved here on [-1.7, 2.7] (Dirichlet walls where
    even the fifth level's wavefunction has decayed: at the fifth level the turning points are near
    -0.45 and 1.45) with 1000 points: the 3-point stencil's error (k h)^2 / 12 is ~ 1e-4 relative at the fifth level; tlsx's
    profile is a Hermite spline through 201 samples."""
    s = np.linspace(0.0, 2 * A, 201)
    v, dvds = quartic(s)
    g = tlsx.splitting(s, v, 1200.0, dVds=dvds)
    ref = fd_levels(1200.0, -1.7, 2.7, 1000)
    assert g.E == pytest.approx(ref[1] - ref[0], rel=1e-3)
    np.testing.assert_allclose(g.levels, ref, rtol=1e-3)
    assert g.Delta == pytest.approx(0.0, abs=1e-12)  # symmetric: no diagonal splitting
    assert g.is_tls and g.E < g.T_Q  # E ~ 1.6e-3 < T_Q = 2 pi / 1200


def test_one_mass_gives_one_result_and_several_a_list():
    s = np.linspace(0.0, 2 * A, 41)
    v, _ = quartic(s)
    one = tlsx.splitting(s, v, 5250)
    several = tlsx.splitting(s, v, (5250,))
    assert isinstance(one, tlsx.Splitting) and isinstance(several, list)
    assert one.E == several[0].E
