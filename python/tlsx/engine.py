"""The tlsx engine on numpy arrays: energies and forces, quenches, MD, minimum-energy paths and
quantum splittings of one configuration (docs/python.md).

Every function calls, through the extension module ``tlsx._tlsx``, the very C++ function that the
``tlsx`` command calls, so the numbers are the command's to the last bit. A configuration is given
either as a :class:`Configuration` or as ``positions`` (N x 3, float64, sigma, unwrapped),
``species`` (N integers, 0-based species index of the model) and ``box`` (edge lengths: a number for
a cube or three numbers). Bad input raises ValueError with the message the command prints.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Union

import numpy as np

from . import _tlsx
from ._tlsx import Model

__all__ = [
    "Model", "Configuration", "Energy", "Quench", "MdRun", "DoubleWell", "PathFailure", "Path", "Splitting",
    "default_model", "read_configuration", "write_configuration", "read_profile",
    "evaluate", "energy", "forces", "minimize", "md", "neb", "splitting",
]

ModelLike = Union[None, str, Model]

_KA2: Optional[Model] = None


def default_model() -> Model:
    """The built-in KA2 model (identical to configs/ka2.toml), made once."""
    global _KA2
    if _KA2 is None:
        _KA2 = Model()
    return _KA2


def _model(model: ModelLike) -> Model:
    if model is None:
        return default_model()
    if isinstance(model, Model):
        return model
    if isinstance(model, str):
        return Model(model)
    raise ValueError(f"model: expected a tlsx.Model, a model file (TOML) or 'ka2', got {type(model).__name__}")


@dataclass
class Configuration:
    """One configuration: positions N x 3 (sigma, unwrapped), species (0-based), box edges (3,),
    optional velocities N x 3, the step and time the file recorded, and where it came from
    (``source`` names it in error messages, as the command names the file)."""

    positions: np.ndarray
    species: np.ndarray
    box: np.ndarray
    velocities: Optional[np.ndarray] = None
    step: int = 0
    time: float = 0.0
    source: str = ""

    def __post_init__(self):
        name = self.source or "configuration"
        self.positions = _rows(self.positions, "positions", name)
        n = self.positions.shape[0]
        self.species = _species(self.species, n, name)
        self.box = _box(self.box, name)
        if self.velocities is not None:
            self.velocities = _rows(self.velocities, "velocities", name)
            if self.velocities.shape[0] != n:
                raise ValueError(f"{name}: velocities: expected {n} rows like positions, got {self.velocities.shape[0]}")

    @property
    def n(self) -> int:
        return self.positions.shape[0]

    def copy(self) -> "Configuration":
        return dataclasses.replace(
            self, positions=self.positions.copy(), species=self.species.copy(), box=self.box.copy(),
            velocities=None if self.velocities is None else self.velocities.copy())


def _rows(a, what: str, name: str) -> np.ndarray:
    try:
        arr = np.ascontiguousarray(a, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: {what}: expected an N x 3 array of numbers ({e})") from None
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"{name}: {what}: expected an N x 3 array, got shape {arr.shape}")
    return arr


def _species(a, n: int, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name}: species: expected {n} species indices (one per particle), got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name}: species: expected integer species indices (0-based), got dtype {arr.dtype}")
    if arr.size and (arr.min() < np.iinfo(np.int32).min or arr.max() > np.iinfo(np.int32).max):
        raise ValueError(f"{name}: species: index out of range")
    return np.ascontiguousarray(arr, dtype=np.int32)


def _box(a, name: str) -> np.ndarray:
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: box: expected one edge length or three, got {a!r}") from None
    if arr.ndim == 0:
        arr = np.full(3, float(arr))
    if arr.shape != (3,):
        raise ValueError(f"{name}: box: expected one edge length or three, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def _configuration(positions, species, box, velocities=None, name="configuration") -> Configuration:
    if isinstance(positions, Configuration):
        if species is not None or box is not None:
            raise ValueError(f"{name}: give either a Configuration or positions, species and box, not both")
        return positions
    if species is None or box is None:
        raise ValueError(f"{name}: positions need species and box (or give a tlsx.Configuration)")
    return Configuration(positions, species, box, velocities, source=name)


def _name(c: Configuration, default: str) -> str:
    return c.source or default


def _from_dict(d: dict, source: str = "") -> Configuration:
    return Configuration(d["positions"], d["species"], d["box"], d["velocities"], d["step"], d["time"], source)


def read_configuration(path: str, model: ModelLike = None) -> Configuration:
    """Reads a configuration file as the command does (.data/.lmp LAMMPS data, .xyz/.extxyz extended
    XYZ, .h5/.hdf5 H5MD) and checks it against the model (box, species, overlaps)."""
    return _from_dict(_tlsx._read_configuration(str(path), _model(model)), str(path))


def write_configuration(path: str, configuration: Configuration, model: ModelLike = None) -> None:
    """Writes a configuration (format from the extension), atomically."""
    c = configuration
    _tlsx._write_configuration(str(path), _model(model), c.positions, c.species, c.box, c.velocities, int(c.step),
                               float(c.time))


def read_profile(path: str):
    """A profile CSV (s,V or s,V,dVds) as ``(s, V, dVds)``; dVds is None without that column."""
    d = _tlsx._read_profile(str(path))
    return d["s"], d["V"], d["dVds"]


# ---- energy and forces ----

@dataclass
class Energy:
    """What ``tlsx energy`` reports, and the forces: total potential energy U, U/N, the virial W,
    the virial pressure W/(3V) (the kinetic part left out), the largest force component, forces N x 3."""

    energy: float
    energy_per_particle: float
    virial: float
    virial_pressure: float
    max_force: float
    forces: np.ndarray


def evaluate(positions, species=None, box=None, *, model: ModelLike = None) -> Energy:
    """Energy, virial pressure, largest force and forces of a configuration (``tlsx energy``)."""
    c = _configuration(positions, species, box)
    return Energy(**_tlsx._energy(_model(model), c.positions, c.species, c.box, _name(c, "configuration")))


def energy(positions, species=None, box=None, *, model: ModelLike = None) -> float:
    """Total potential energy U (eps)."""
    return evaluate(positions, species, box, model=model).energy


def forces(positions, species=None, box=None, *, model: ModelLike = None) -> np.ndarray:
    """Forces -dU/dr, N x 3 (eps / sigma)."""
    return evaluate(positions, species, box, model=model).forces


# ---- minimisation ----

@dataclass
class Quench:
    """A minimisation's result: the inherent structure (``configuration``) and how it was reached."""

    configuration: Configuration
    energy: float
    energy_per_particle: float
    max_force: float
    iterations: int
    force_evaluations: int
    converged: bool
    status: int  # 0 converged, 1 neighbour-list overflow, 2 iteration limit


def minimize(positions, species=None, box=None, *, algorithm: str = "fire", ftol: float = 1e-10,
             max_iterations: int = 200000, model: ModelLike = None, backend: str = "cpu",
             threads: int = 0) -> Quench:
    """Quenches a configuration to its inherent structure (``tlsx minimize``): FIRE 2.0, CG or L-BFGS
    until the largest force component is below ftol. An iteration limit gives converged = False."""
    c = _configuration(positions, species, box)
    d = _tlsx._minimize(_model(model), c.positions, c.species, c.box, _name(c, "configuration"), algorithm,
                        float(ftol), int(max_iterations), backend, int(threads))
    ism = dataclasses.replace(c, positions=d.pop("positions"), species=c.species.copy(), box=c.box.copy(),
                              velocities=None)
    return Quench(configuration=ism, **d)


# ---- molecular dynamics ----

@dataclass
class MdRun:
    """An MD run's final state (``configuration``: positions, velocities, step, time) and statistics."""

    configuration: Configuration
    potential_energy: float
    energy_per_particle: float
    kinetic_energy: float
    temperature: float
    temperature_mean: float
    pressure: float
    swap_attempts: int
    swap_accepted: int
    swap_acceptance: float


def md(positions, species=None, box=None, *, steps: int, temperature: float, dt: float = 0.005,
       thermostat: str = "berendsen", tau_t: Optional[float] = None, swap_every: int = 0,
       swap_attempts: Optional[int] = None, seed: int = 1, velocities=None, model: ModelLike = None,
       backend: str = "cpu", threads: int = 0) -> MdRun:
    """Molecular dynamics (``tlsx md``), optionally hybrid swap Monte Carlo / MD: ``steps`` steps of dt
    under the thermostat (berendsen, nose-hoover or none; tau_t default 100 dt), a swap sweep of
    swap_attempts (default 1.75 N) every swap_every steps. Without velocities they are drawn from
    Maxwell-Boltzmann at ``temperature`` (seed)."""
    if isinstance(positions, Configuration):
        c = _configuration(positions, species, box)
        if velocities is not None:
            c = dataclasses.replace(c, velocities=velocities)
    else:
        c = _configuration(positions, species, box, velocities)
    d = _tlsx._md(_model(model), c.positions, c.species, c.box, c.velocities, int(c.step), float(c.time),
                  _name(c, "configuration"), int(steps), float(temperature), float(dt), thermostat,
                  0.0 if tau_t is None else float(tau_t), int(swap_every),
                  -1 if swap_attempts is None else int(swap_attempts), int(seed), backend, int(threads))
    state = Configuration(d.pop("positions"), d.pop("species"), d.pop("box"), d.pop("velocities"), d.pop("step"),
                          d.pop("time"), c.source)
    return MdRun(configuration=state, **d)


# ---- quantum splitting ----

@dataclass
class Splitting:
    """The 1D Schrodinger splitting of a profile at one effective mass m~ (docs/quantum.md):
    E = eps_2 - eps_1, the five lowest levels, Delta (Eq. 13), Delta0 (Eq. 15), Gamma (Eq. 14), T_Q, is_tls."""

    mass: float
    status: str
    E: float
    E_error: float
    resolved: bool
    unresolved_reason: str
    levels: np.ndarray
    Delta: float
    Delta0: float
    Gamma: float
    E_wkb: float
    V_a: float
    dV: float
    V_b: float
    T_Q: float
    is_tls: bool
    omega_1: float
    omega_2: float
    omega_top: float
    d: float
    s_top: float
    V_min: float
    s_origin: float
    reversed: bool
    grid_points: int
    grid_spacing: float
    grids: int
    s_lo: float
    s_hi: float


def _vector(a, what: str) -> np.ndarray:
    try:
        arr = np.ascontiguousarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"profile: {what}: expected a 1-D array of numbers") from None
    if arr.ndim != 1:
        raise ValueError(f"profile: {what}: expected a 1-D array, got shape {arr.shape}")
    return arr


def splitting(s, V, mass, *, dVds=None, tol: float = 1e-4, name: str = "profile"):
    """Splittings of a minimum-energy-path profile (``tlsx splitting --profile``): arc length s
    (strictly increasing), energy V, optionally the slope dV/ds (Hermite spline; else not-a-knot).
    ``mass``: one m~ (returns a Splitting) or several (returns a list, same order)."""
    several = np.ndim(mass) > 0
    masses = [float(m) for m in np.atleast_1d(np.asarray(mass, dtype=np.float64))]
    rows = _tlsx._splitting(_vector(s, "s"), _vector(V, "V"), None if dVds is None else _vector(dVds, "dVds"),
                            masses, float(tol), name)
    out = [Splitting(**r) for r in rows]
    return out if several else out[0]


# ---- minimum-energy paths ----

@dataclass
class DoubleWell:
    """An elementary double well found on the path (lower minimum first, paper Fig. 5): its minima
    (indices into Path.minima), barrier V_a, asymmetry dV, V_b, distances, participation ratio,
    curvatures, and the profile s, V (from the lower minimum), dVds; ``images`` (images x N x 3)
    when neb(..., return_images=True)."""

    first: int
    second: int
    first_is_lower: bool
    energy_1: float
    energy_2: float
    energy_ts: float
    V_a: float
    dV: float
    V_b: float
    distance: float
    d: float
    participation_ratio: float
    max_displacement: float
    arc_length: float
    s_ts: float
    omega_1: float
    omega_2: float
    omega_ts: float
    s: np.ndarray
    V: np.ndarray
    dVds: np.ndarray
    climbing_image: int
    max_band_force: float
    iterations: int
    force_evaluations: int
    images: Optional[np.ndarray] = None

    def splitting(self, mass=(5250.0, 1200.0), tol: float = 1e-4):
        """The splittings of this double well's profile (Hermite spline through V and dV/ds), as
        ``tlsx neb --pair --json`` reports them."""
        return splitting(self.s, self.V, mass, dVds=self.dVds, tol=tol,
                         name=f"double well {self.first}-{self.second}")


@dataclass
class PathFailure:
    first: int
    second: int
    status: str  # not_converged or failed
    reason: str


@dataclass
class Path:
    """The result of neb(a, b): status of the direct pair (good, split, not_converged, failed), the
    minima (a, b, then intermediate minima, each N x 3), their energies, the elementary double wells,
    the failures, and the work done. ends: what making each given end a minimum changed (max_force as
    given, quenched, and when quenched energy_change, largest_displacement, force_evaluations)."""

    status: str
    ends: List[dict]
    minima: List[np.ndarray]
    minima_energy: List[float]
    intermediate_minima: int
    double_wells: List[DoubleWell]
    failures: List[PathFailure]
    bands: int
    force_evaluations: int
    seconds: float


def neb(a, b, images: int = 64, *, species=None, box=None, method: str = "string", spring: float = 0.125,
        ftol: float = 1e-5, max_iterations: int = 100000, climb: bool = True, min_ftol: float = 1e-10,
        max_bands: int = 32, return_images: bool = False, model: ModelLike = None, backend: str = "cpu",
        threads: int = 0) -> Path:
    """The minimum-energy path between two minima (``tlsx neb --pair A B``): string method or NEB with
    ``images`` images (the two minima included), climbing image, split at intermediate minima into
    elementary double wells. a and b: Configurations, or position arrays with species and box; an end
    that is not a minimum to 1e-6 (largest force component) is quenched first (CG to min_ftol), as the
    command does, and two ends in the same minimum are a ValueError."""
    ca = _configuration(a, species, box, name="a")
    cb = _configuration(b, species, box, name="b")
    d = _tlsx._neb(_model(model), ca.positions, ca.species, ca.box, cb.positions, cb.species, cb.box,
                   _name(ca, "a"), _name(cb, "b"), int(images), method, float(spring), float(ftol),
                   int(max_iterations), bool(climb), float(min_ftol), int(max_bands), bool(return_images), backend,
                   int(threads))
    d["double_wells"] = [DoubleWell(**w) for w in d["double_wells"]]
    d["failures"] = [PathFailure(**f) for f in d["failures"]]
    return Path(**d)
