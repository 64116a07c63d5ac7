"""tlsx.evaluate / energy / forces: the numbers of `tlsx energy --json` bit for bit, forces that are
minus the gradient of the energy, a virial that is minus the energy's derivative under uniform scaling."""
import numpy as np
import pytest

import tlsx
from conftest import LIQUID


def test_energy_matches_cli_json_bitwise(cli, liquid):
    ref = cli("energy", LIQUID, "--json")
    e = tlsx.evaluate(liquid)
    assert e.energy == ref["energy"]
    assert e.energy_per_particle == ref["energy_per_particle"]
    assert e.virial_pressure == ref["virial_pressure"]
    assert e.max_force == ref["max_force"]
    assert e.forces.shape == (liquid.n, 3)
    assert np.abs(e.forces).max() == ref["max_force"]


def test_arrays_give_the_same_numbers_as_a_configuration(liquid):
    e = tlsx.evaluate(liquid)
    # positions as a list of lists, species as int64, a cubic box as one number
    f = tlsx.evaluate(liquid.positions.tolist(), liquid.species.astype(np.int64), float(liquid.box[0]))
    assert f.energy == e.energy and np.array_equal(f.forces, e.forces)
    assert tlsx.energy(liquid) == e.energy
    assert np.array_equal(tlsx.forces(liquid), e.forces)


def test_forces_are_minus_the_energy_gradient(liquid):
    """Central differences of U with step h = 1e-5 sigma: truncation error h^2 |U'''| / 6 and rounding
    2 eps |U| / h ~ 3e-7 for |U| ~ 1600; 1e-5 eps/sigma bounds both at this liquid's closest contacts."""
    f = tlsx.forces(liquid)
    h = 1e-5
    rng = np.random.default_rng(7)
    for i in rng.choice(liquid.n, size=8, replace=False):
        for d in range(3):
            plus, minus = liquid.positions.copy(), liquid.positions.copy()
            plus[i, d] += h
            minus[i, d] -= h
            fd = -(tlsx.energy(plus, liquid.species, liquid.box) - tlsx.energy(minus, liquid.species, liquid.box)) / (2 * h)
            assert f[i, d] == pytest.approx(fd, abs=1e-5), (i, d)


def test_virial_is_minus_the_energy_derivative_under_uniform_scaling(liquid):
    """U(lambda r, lambda L) has dU/dlambda = -sum r_ij . f_ij = -W at lambda = 1; P_vir = W / (3V)."""
    e = tlsx.evaluate(liquid)
    h = 1e-6

    def u(lam):
        return tlsx.energy(liquid.positions * lam, liquid.species, liquid.box * lam)

    w = -(u(1 + h) - u(1 - h)) / (2 * h)
    assert e.virial == pytest.approx(w, rel=1e-6)
    assert e.virial_pressure == pytest.approx(e.virial / (3 * np.prod(liquid.box)), rel=1e-15)
