"""tlsx.to_ase / from_ase (only when ASE is importable): species as the element symbols tlsx writes
to extended XYZ, the box as a periodic orthorhombic cell, a lossless round trip."""
import numpy as np
import pytest

import tlsx

ase = pytest.importorskip("ase")
import ase.io  # noqa: E402


def test_round_trip_through_ase_is_lossless(liquid):
    atoms = tlsx.to_ase(liquid)
    assert atoms.get_chemical_symbols()[:3] == [tlsx.Model().elements[s] for s in liquid.species[:3]]
    assert np.all(atoms.get_pbc()) and np.array_equal(atoms.cell.lengths(), liquid.box)
    back = tlsx.from_ase(atoms)
    assert np.array_equal(back.positions, liquid.positions)
    assert np.array_equal(back.species, liquid.species)
    assert np.array_equal(back.velocities, liquid.velocities)
    assert tlsx.energy(back) == tlsx.energy(liquid)


def test_to_ase_agrees_with_the_extended_xyz_tlsx_writes(liquid, tmp_path):
    """ASE reading tlsx's own extended-XYZ file sees the same symbols, positions and cell as to_ase."""
    path = tmp_path / "liquid.xyz"
    tlsx.write_configuration(path, liquid)
    read = ase.io.read(path)
    atoms = tlsx.to_ase(liquid)
    assert read.get_chemical_symbols() == atoms.get_chemical_symbols()
    assert np.array_equal(read.get_positions(), atoms.get_positions())
    assert np.allclose(read.cell[:], atoms.cell[:], rtol=0, atol=0)
    # and an Atoms without tlsx's arrays (velocities from ASE's momenta) still comes back
    assert np.array_equal(tlsx.from_ase(read).species, liquid.species)


def test_from_ase_names_unknown_species():
    atoms = ase.Atoms("Ni2Fe", positions=[[0, 0, 0], [1.5, 0, 0], [0, 1.5, 0]], cell=[8, 8, 8], pbc=True)
    with pytest.raises(ValueError, match=r"from_ase: species Fe not in model KA2"):
        tlsx.from_ase(atoms)
