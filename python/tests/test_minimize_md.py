"""tlsx.minimize and tlsx.md reach the very configurations `tlsx minimize` and `tlsx md` write (bit for
bit, read back from the H5MD files: doubles stored as they are), with the same counts."""
import threading

import numpy as np
import pytest

import tlsx
from conftest import LIQUID


@pytest.mark.parametrize("algorithm", ["fire", "cg", "lbfgs"])
def test_minimize_reaches_the_cli_inherent_structure_bitwise(cli, liquid, tmp_path, algorithm):
    out = tmp_path / f"is_{algorithm}.h5"
    ref = cli("minimize", LIQUID, "-o", out, "--algo", algorithm, "--json")
    q = tlsx.minimize(liquid, algorithm=algorithm)
    written = tlsx.read_configuration(out)
    assert np.array_equal(q.configuration.positions, written.positions)
    assert np.array_equal(q.configuration.species, written.species)
    assert q.configuration.velocities is None
    assert q.converged and ref["converged"]
    assert q.energy_per_particle == ref["energy_per_particle"]
    assert q.max_force == ref["max_force"] and q.max_force < 1e-10
    assert (q.iterations, q.force_evaluations) == (ref["iterations"], ref["force_evaluations"])
    # the inherent structure's own energy and forces, evaluated afresh
    e = tlsx.evaluate(q.configuration)
    assert e.energy == pytest.approx(q.energy, abs=1e-9)
    assert e.max_force < 1e-10


def test_minimize_reports_an_iteration_limit(liquid):
    q = tlsx.minimize(liquid, algorithm="cg", max_iterations=3)
    assert not q.converged and q.status == 2 and q.iterations == 3


def test_md_with_swaps_matches_the_cli_state_bitwise(cli, liquid, tmp_path):
    out = tmp_path / "md.h5"
    args = dict(steps=120, temperature=0.8, dt=0.004, thermostat="nose-hoover", swap_every=10, seed=5)
    ref = cli("md", LIQUID, "-o", out, "--steps", 120, "--temperature", 0.8, "--dt", 0.004, "--thermostat",
              "nose-hoover", "--swap-every", 10, "--seed", 5, "--json")
    run = tlsx.md(liquid, **args)
    written = tlsx.read_configuration(out)
    s = run.configuration
    assert np.array_equal(s.positions, written.positions)
    assert np.array_equal(s.velocities, written.velocities)
    assert np.array_equal(s.species, written.species)
    assert not np.array_equal(s.species, liquid.species)  # swaps were accepted
    assert (s.step, s.time) == (written.step, written.time)
    assert run.energy_per_particle == ref["energy_per_particle"]
    assert run.temperature_mean == ref["temperature_mean"]
    assert run.swap_attempts == ref["swap_attempts"] == 12 * round(1.75 * liquid.n)
    assert run.swap_acceptance == ref["swap_acceptance"]


def test_md_draws_velocities_as_the_cli_does(cli, tmp_path):
    """A configuration without velocities (an inherent structure) starts from Maxwell-Boltzmann
    velocities drawn with the seed: the same draw as the command's."""
    ism = tmp_path / "is.h5"
    cli("minimize", LIQUID, "-o", ism, "--algo", "cg")
    out = tmp_path / "md.h5"
    cli("md", ism, "-o", out, "--steps", 50, "--temperature", 0.4, "--seed", 9)
    run = tlsx.md(tlsx.read_configuration(ism), steps=50, temperature=0.4, seed=9)
    written = tlsx.read_configuration(out)
    assert np.array_equal(run.configuration.positions, written.positions)
    assert np.array_equal(run.configuration.velocities, written.velocities)


def test_md_returns_a_state_that_continues(liquid):
    """Two runs of 40 steps (Berendsen, no swaps: no thermostat or random state beyond the velocities)
    from the returned state give the state of one run of 80 bit for bit: the state carries positions,
    velocities and the step, and the forces do not depend on when the neighbour list was built."""
    one = tlsx.md(liquid, steps=80, temperature=0.9).configuration
    half = tlsx.md(liquid, steps=40, temperature=0.9).configuration
    two = tlsx.md(half, steps=40, temperature=0.9).configuration
    assert two.step == one.step == liquid.step + 80
    assert np.array_equal(two.positions, one.positions) and np.array_equal(two.velocities, one.velocities)


def test_long_calls_release_the_gil(liquid):
    """While md runs in a worker thread, the main thread keeps running Python code: with the GIL held
    through the call it could not run at all until the call returned."""
    started = threading.Event()

    def work():
        started.set()
        tlsx.md(liquid, steps=3000, temperature=0.9)

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():
        ticks += 1
        worker.join(timeout=0.001)
    assert ticks > 50
