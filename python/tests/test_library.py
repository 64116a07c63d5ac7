"""tlsx.open_library reads every dataset and root attribute of a library as h5py does."""
import h5py
import numpy as np
import pytest

import tlsx


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def text(x):
    return x.decode() if isinstance(x, bytes) else x


def test_open_library_matches_h5py_reads(small_library):
    lib = tlsx.open_library(small_library)
    with h5py.File(small_library, "r") as f:
        # root attributes
        assert set(lib.attrs) == set(f.attrs)
        for k, v in f.attrs.items():
            if isinstance(v, (bytes, str)):
                assert lib.attrs[k] == text(v), k
            else:
                assert same(lib.attrs[k], v), k
        assert lib.stage == "splitting" and lib.n == 256
        assert list(lib.masses) == [5250.0, 1200.0]
        # plain tables: every 1-D dataset is a column
        for group, df, skip in (("glasses", lib.glasses, {"species"}),
                                ("inherent_structures", lib.inherent_structures, {"coordinates"}),
                                ("transitions", lib.transitions, set())):
            names = {k for k in f[group] if k not in skip}
            assert set(df.columns) == names, group
            for k in names:
                assert same(df[k].to_numpy(), f[group][k][()]), (group, k)
        assert same(lib.glass_species, f["glasses/species"][()])
        assert same(lib.is_coordinates, f["inherent_structures/coordinates"][()])
        for k in f["exploration"]:
            assert same(lib.exploration[k], f["exploration"][k][()]), k
        # double wells: per-mass columns split by mass, levels by mass and level
        dw, g = lib.double_wells, f["double_wells"]
        assert len(dw) == g["glass"].shape[0] >= 3
        for k in g:
            v = g[k][()]
            if k in ("mep_s", "mep_energy", "mep_slope"):
                assert same(getattr(lib, k), v), k
            elif k == "reason":
                assert list(dw[k]) == [text(x) for x in v]
            elif v.ndim == 1:
                assert same(dw[k].to_numpy(), v), k
            elif v.ndim == 2:
                for j, label in enumerate(("5250", "1200")):
                    assert same(dw[f"{k}_{label}"].to_numpy(), v[:, j]), (k, label)
            else:
                for j, label in enumerate(("5250", "1200")):
                    for lvl in range(v.shape[2]):
                        assert same(dw[f"{k}_{label}_{lvl + 1}"].to_numpy(), v[:, j, lvl]), (k, label, lvl)
        assert (dw["status"] == 0).sum() >= 1 and set(dw["status_name"]) <= {"good", "split", "not_converged", "failed"}
        good = lib.good()
        assert np.isfinite(good["splitting_5250"]).all() and np.isfinite(good["Delta0_1200"]).all()


def test_library_conveniences(small_library):
    lib = tlsx.open_library(small_library)
    model = lib.model()
    assert model.name == "KA2" and model.elements == ["Ni", "P", "Co"]
    assert lib.config("neb")["images"] == 12
    row = int(np.flatnonzero(lib.inherent_structures["coordinate_row"].to_numpy() >= 0)[0])
    ism = lib.inherent_structure(row)
    assert ism.n == 256 and tlsx.evaluate(ism).energy == pytest.approx(
        lib.inherent_structures["energy"].iloc[row], abs=1e-9)
    s, v, slope = lib.profile(0)
    assert s.shape == v.shape == slope.shape == (12,)


def test_open_library_names_the_file_when_it_is_not_a_library(tmp_path):
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.attrs["format"] = "something-else"
    with pytest.raises(ValueError, match=r"other\.h5: attribute format"):
        tlsx.open_library(other)
    with pytest.raises(ValueError, match=r"missing\.h5: cannot open"):
        tlsx.open_library(tmp_path / "missing.h5")
