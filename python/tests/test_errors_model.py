"""Models from TOML and built in; bad input raises ValueError with the message the command prints
(`tlsx: error: MESSAGE`), naming the file and line or the field."""
import numpy as np
import pytest

import tlsx
from conftest import LIQUID, ROOT


def cli_message(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("tlsx: error: ")]
    assert lines, stderr
    return lines[-1][len("tlsx: error: "):]


def test_builtin_model_is_the_ka2_file():
    builtin, file = tlsx.Model(), tlsx.Model(str(ROOT / "configs" / "ka2.toml"))
    assert builtin.name == file.name == "KA2"
    assert builtin.species == ["A", "B", "C"] and builtin.elements == ["Ni", "P", "Co"]
    assert np.array_equal(builtin.epsilon, file.epsilon) and np.array_equal(builtin.sigma, file.sigma)
    assert builtin.epsilon[0, 2] == 1.25 and builtin.sigma[1, 2] == 0.84  # the published KA2 (README)
    assert builtin.composition(1200) == [800, 200, 200]
    assert builtin.box_length(1200) == pytest.approx((1200 / 1.35) ** (1 / 3), rel=1e-15)
    again = tlsx.Model.from_toml(builtin.to_toml())
    assert np.array_equal(again.sigma, builtin.sigma)


def test_a_model_file_gives_the_same_energy_as_the_cli(cli, liquid):
    path = ROOT / "configs" / "ka2.toml"
    ref = cli("energy", LIQUID, "--model", path, "--json")
    assert tlsx.energy(liquid, model=str(path)) == ref["energy"]


def test_bad_model_file_raises_the_cli_message(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    text = (ROOT / "configs" / "ka2.toml").read_text().replace("B-C = 0.84", "B-C = -0.84")
    bad.write_text(text)
    expected = cli_message(cli("energy", LIQUID, "--model", bad, expect_ok=False))
    with pytest.raises(ValueError) as e:
        tlsx.Model(str(bad))
    assert str(e.value) == expected
    assert "bad.toml" in expected


def test_bad_configuration_file_raises_the_cli_message(cli, tmp_path):
    lines = LIQUID.read_text().splitlines()
    # put particle 2 on top of particle 1: an overlap the checks name by particle ids
    atoms = lines.index("Atoms # atomic") + 2
    row = {lines[k].split()[0]: k for k in range(atoms, atoms + 343)}
    one, two = lines[row["1"]].split(), lines[row["2"]].split()
    two[2:5] = one[2:5]
    lines[row["2"]] = " ".join(two)
    bad = tmp_path / "overlap.data"
    bad.write_text("\n".join(lines) + "\n")
    expected = cli_message(cli("energy", bad, expect_ok=False))
    with pytest.raises(ValueError) as e:
        tlsx.read_configuration(bad)
    assert str(e.value) == expected
    assert "overlap.data" in expected and "overlapping" in expected


def test_bad_arrays_name_the_field(liquid):
    with pytest.raises(ValueError, match=r"configuration: positions: expected an N x 3 array"):
        tlsx.energy(liquid.positions[:, :2], liquid.species, liquid.box)
    with pytest.raises(ValueError, match=r"configuration: species: expected 343 species indices"):
        tlsx.energy(liquid.positions, liquid.species[:-1], liquid.box)
    with pytest.raises(ValueError, match=r"configuration: species: expected integer"):
        tlsx.energy(liquid.positions, liquid.species.astype(float), liquid.box)
    with pytest.raises(ValueError, match=r"configuration: particle 1 has species index 7 outside model KA2"):
        s = liquid.species.copy()
        s[0] = 7
        tlsx.energy(liquid.positions, s, liquid.box)
    with pytest.raises(ValueError, match=r"configuration: box too small for model KA2"):
        tlsx.energy(liquid.positions, liquid.species, 3.0)
    p = liquid.positions.copy()
    p[1] = p[0] + 0.01
    with pytest.raises(ValueError, match=r"configuration: overlapping particles 1 and 2"):
        tlsx.energy(p, liquid.species, liquid.box)


def test_bad_options_raise_value_error(liquid):
    with pytest.raises(ValueError, match=r"minimize: algorithm must be fire, cg or lbfgs, got 'bfgs'"):
        tlsx.minimize(liquid, algorithm="bfgs")
    with pytest.raises(ValueError, match=r"minimize: ftol must be a positive number"):
        tlsx.minimize(liquid, ftol=-1)
    with pytest.raises(ValueError, match=r"md\.tau_t must be > dt"):  # the command's message for --tau-t 0.001
        tlsx.md(liquid, steps=1, temperature=1.0, tau_t=0.001)
    with pytest.raises(ValueError, match=r"md: thermostat must be"):
        tlsx.md(liquid, steps=1, temperature=1.0, thermostat="langevin")
    with pytest.raises(ValueError, match=r"splitting: mass: every m~ must be a positive number, got -1"):
        tlsx.splitting([0, 1, 2, 3], [0, 1, 1, 0], -1.0)
    with pytest.raises(ValueError, match=r"profile: the arc length s does not increase strictly"):
        tlsx.splitting([0, 1, 1, 3, 4], [0, 1, 2, 1, 0], 1200.0)
    with pytest.raises(ValueError, match=r"model: expected a tlsx.Model"):
        tlsx.energy(liquid, model=3)


def test_md_tau_t_message_is_the_cli_message(cli, liquid, tmp_path):
    expected = cli_message(cli("md", LIQUID, "-o", tmp_path / "x.h5", "--steps", 1, "--temperature", 1.0,
                               "--tau-t", 0.001, expect_ok=False))
    with pytest.raises(ValueError) as e:
        tlsx.md(liquid, steps=1, temperature=1.0, tau_t=0.001)
    assert str(e.value) == expected


def test_neb_quenches_ends_and_refuses_one_minimum_twice_as_the_cli(cli, liquid, tmp_path):
    # Two copies of a liquid: both ends are quenched (not minima), into the same minimum: refused.
    liquid_b = tmp_path / "b.h5"
    tlsx.write_configuration(liquid_b, liquid)
    expected = cli_message(cli("neb", "--pair", LIQUID, liquid_b, "--images", 8, "--backend", "cpu",
                               expect_ok=False))
    with pytest.raises(ValueError) as e:
        tlsx.neb(liquid, tlsx.read_configuration(liquid_b), images=8)
    assert str(e.value) == expected and "is the same minimum as" in expected
    other = tlsx.Configuration(liquid.positions, liquid.species.copy(), liquid.box)
    other.species[0] = (other.species[0] + 1) % 3
    with pytest.raises(ValueError, match=r"neb: a and b differ in species"):
        tlsx.neb(tlsx.Configuration(liquid.positions, liquid.species, liquid.box), other, images=8)
