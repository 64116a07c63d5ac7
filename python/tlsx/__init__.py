"""tlsx: tunnelling two-level systems in computer glasses, from Python (docs/python.md).

    import tlsx
    ism = tlsx.minimize(tlsx.read_configuration("glass.data")).configuration
    lib = tlsx.open_library("demo-run/library.h5"); lib.double_wells.head()

The engine (energy, forces, minimize, md, neb, splitting) runs the C++ code of the ``tlsx`` command
(the same numbers to the last bit); open_library reads the double-well library with h5py into pandas.
"""
from ._tlsx import describe_backends, version
from .engine import (Configuration, DoubleWell, Energy, MdRun, Model, Path, PathFailure, Quench, Splitting,
                     default_model, energy, evaluate, forces, md, minimize, neb, read_configuration, read_profile,
                     splitting, write_configuration)
from .library import Library, mass_label, open_library
from .ase_interop import from_ase, to_ase

__version__ = version()

__all__ = [
    "Configuration", "DoubleWell", "Energy", "Library", "MdRun", "Model", "Path", "PathFailure", "Quench",
    "Splitting", "default_model", "describe_backends", "energy", "evaluate", "forces", "from_ase", "mass_label",
    "md", "minimize", "neb", "open_library", "read_configuration", "read_profile", "splitting", "to_ase",
    "version", "write_configuration",
]
