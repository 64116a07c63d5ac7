"""ASE interoperability: tlsx configurations as ase.Atoms and back (only when ASE is importable).

Species travel as element symbols, the ones tlsx writes to extended XYZ (the model's ``element``
field: KA2's A, B, C are Ni, P, Co), read back by symbol or by species name, as tlsx's extended-XYZ
reader does. Lengths stay in sigma (ASE calls them Angstrom); the cell is the orthorhombic box with
periodic boundaries. Velocities go into ASE's momenta with ASE's element masses (ASE's convention),
and the exact tlsx velocities also into ``atoms.arrays["tlsx_velocities"]``, which from_ase prefers.
"""
from __future__ import annotations

import numpy as np

from .engine import Configuration, ModelLike, _model

__all__ = ["to_ase", "from_ase"]


def _ase():
    try:
        import ase
    except ImportError as e:  # pragma: no cover - exercised only without ASE
        raise ImportError("tlsx.to_ase / from_ase need ASE: pip install ase") from e
    return ase


def to_ase(configuration: Configuration, model: ModelLike = None):
    """An ase.Atoms of the configuration (symbols from the model's element names, periodic cell)."""
    ase = _ase()
    m = _model(model)
    elements = m.elements
    c = configuration
    if c.species.size and (c.species.min() < 0 or c.species.max() >= len(elements)):
        raise ValueError(f"{c.source or 'configuration'}: species index outside model {m.name}")
    atoms = ase.Atoms(symbols=[elements[s] for s in c.species], positions=c.positions,
                      cell=np.diag(c.box), pbc=True)
    if c.velocities is not None:
        atoms.set_velocities(c.velocities)
        atoms.arrays["tlsx_velocities"] = c.velocities.copy()
    atoms.info["tlsx_step"] = int(c.step)
    atoms.info["tlsx_time"] = float(c.time)
    return atoms


def from_ase(atoms, model: ModelLike = None) -> Configuration:
    """A tlsx Configuration of an ase.Atoms with an orthorhombic periodic cell, species by the model's
    element symbols (else species names)."""
    m = _model(model)
    cell = np.asarray(atoms.get_cell()[:], dtype=np.float64)
    if not np.all(atoms.get_pbc()):
        raise ValueError("from_ase: the cell must be periodic in all three directions (pbc=True)")
    if np.any(cell != np.diag(np.diag(cell))):
        raise ValueError("from_ase: tlsx needs an orthorhombic cell (a diagonal cell matrix)")
    index = {}
    for s, name in enumerate(m.species):
        index.setdefault(name, s)
    for s, element in enumerate(m.elements):
        index[element] = s  # element symbols first, as the extended-XYZ reader
    symbols = atoms.get_chemical_symbols()
    unknown = sorted({x for x in symbols if x not in index})
    if unknown:
        known = ", ".join(f"{e}/{n}" for e, n in zip(m.elements, m.species))
        raise ValueError(f"from_ase: species {', '.join(unknown)} not in model {m.name} (known: {known})")
    species = np.array([index[x] for x in symbols], dtype=np.int32)
    velocities = None
    if "tlsx_velocities" in atoms.arrays:
        velocities = np.array(atoms.arrays["tlsx_velocities"], dtype=np.float64)
    elif atoms.has("momenta"):
        velocities = atoms.get_velocities()
    return Configuration(np.array(atoms.get_positions(), dtype=np.float64), species, np.diag(cell).copy(), velocities,
                         int(atoms.info.get("tlsx_step", 0)), float(atoms.info.get("tlsx_time", 0.0)), "atoms")
