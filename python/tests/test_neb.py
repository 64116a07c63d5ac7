"""tlsx.neb between two inherent structures of the small library: the path and double wells of
`tlsx neb --pair A B --json` bit for bit, the images on request, the splittings of the profile."""
import numpy as np
import pytest

import tlsx


@pytest.fixture(scope="module")
def direct_pair(small_library, tmp_path_factory):
    """The two minima of a candidate pair whose own path is a good double well (source pair = its IS),
    as Configurations and as files for the command."""
    lib = tlsx.open_library(small_library)
    dw = lib.good()
    direct = dw[((dw.is_a == dw.source_a) & (dw.is_b == dw.source_b)) |
                ((dw.is_a == dw.source_b) & (dw.is_b == dw.source_a))]
    assert len(direct) >= 1, "the test library has no direct good double well"
    row = direct.iloc[0]
    glass = int(row.glass)
    a = lib.inherent_structure(lib.is_row(glass, int(row.source_a)))
    b = lib.inherent_structure(lib.is_row(glass, int(row.source_b)))
    d = tmp_path_factory.mktemp("pair")
    tlsx.write_configuration(d / "a.h5", a)
    tlsx.write_configuration(d / "b.h5", b)
    return tlsx.read_configuration(d / "a.h5"), tlsx.read_configuration(d / "b.h5"), row


@pytest.fixture(scope="module")
def paths(direct_pair, cli):
    a, b, _ = direct_pair
    ref = cli("neb", "--pair", a.source, b.source, "--images", 12, "--backend", "cpu", "--json")
    path = tlsx.neb(a, b, images=12, return_images=True)
    return ref, path


def test_pair_path_matches_the_cli_bitwise(paths):
    ref, path = paths
    assert path.status == ref["status"] == "good"
    assert path.minima_energy == ref["minima_energy"]
    assert path.intermediate_minima == ref["intermediate_minima"]
    assert path.bands == ref["bands"] and path.force_evaluations == ref["force_evaluations"]
    assert len(path.double_wells) == len(ref["double_wells"]) >= 1
    for w, r in zip(path.double_wells, ref["double_wells"]):
        for key in ("first", "second", "first_is_lower", "energy_1", "energy_2", "V_a", "dV", "V_b", "distance",
                    "d", "participation_ratio", "arc_length", "omega_1", "omega_2", "omega_ts"):
            assert getattr(w, key) == r[key], key
        assert list(w.s) == r["s"] and list(w.V) == r["V"]
        # the splittings the command reports for the double well (Hermite spline through V and dV/ds)
        for g, rs in zip(w.splitting(), r["splittings"]):
            assert g.mass == rs["mass"]
            assert (g.E, g.Delta, g.Delta0, g.Gamma) == (rs["E"], rs["Delta"], rs["Delta0"], rs["Gamma"])


def test_pair_path_matches_the_library_row(paths, direct_pair):
    """The NEB stage ran the same path search on the same pair: the same double well."""
    _, path = paths
    _, _, row = direct_pair
    w = path.double_wells[0]
    assert w.V_a == pytest.approx(row.V_a, rel=1e-9, abs=1e-12)
    assert w.dV == pytest.approx(row.dV, rel=1e-9, abs=1e-12)
    assert w.distance == pytest.approx(row.distance, rel=1e-9)


def test_images_on_request_are_the_path_from_the_lower_minimum(paths, direct_pair):
    a, b, _ = direct_pair
    _, path = paths
    w = path.double_wells[0]
    assert w.images.shape == (12, a.n, 3)
    lower, upper = (a, b) if w.first_is_lower else (b, a)
    assert np.array_equal(w.images[0], lower.positions) and np.array_equal(w.images[-1], upper.positions)
    # V along the path is the energy of each image above the lower minimum
    v = [tlsx.energy(x, a.species, a.box) - w.energy_1 for x in w.images]
    np.testing.assert_allclose(v, w.V, rtol=0, atol=1e-9)
    assert max(v) == pytest.approx(w.V_a, abs=1e-3)  # the climbing image sits at the saddle
