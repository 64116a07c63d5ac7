"""The double-well library (docs/library-schema.md) as pandas tables, read with h5py.

``open_library(path)`` reads every group of the HDF5 file: one DataFrame per table (one row per
item; columns of width one as they are, per-mass columns of /double_wells split into one column per
mass, e.g. ``splitting_5250`` and ``splitting_1200``; the five levels as ``levels_5250_1`` ..
``levels_5250_5``), the rows x images profiles and the rows x 3N coordinates as numpy arrays, and the
root attributes as a dict.
"""
from __future__ import annotations

import json
from typing import Dict, Optional

import h5py
import numpy as np
import pandas as pd

__all__ = ["Library", "open_library", "mass_label"]

LIBRARY_FORMAT = "tlsx-dw-library"
STATUS_NAMES = {0: "good", 1: "split", 2: "not_converged", 3: "failed"}


def mass_label(mass: float) -> str:
    """The column suffix of a mass m~: 5250.0 -> '5250', 1200.5 -> '1200.5'."""
    return f"{float(mass):g}"


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.ndarray) and v.dtype.kind in "SO":
        return [_text(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    return v


class Library:
    """A double-well library read into memory.

    Attributes: ``attrs`` (root attributes: stage, program_version, model TOML, n, box, masses, T_Q,
    each stage's options ...), ``masses``, ``glasses``, ``inherent_structures``, ``transitions``,
    ``double_wells`` (DataFrames), ``exploration`` (dict of arrays: sequence, sequence_offset,
    persistence_glass, persistence_quenches), ``glass_species`` (glasses x N),
    ``is_coordinates`` (stored rows x 3N, SoA), ``mep_s``, ``mep_energy``, ``mep_slope``
    (double wells x images).
    """

    def __init__(self, path: str):
        self.path = str(path)
        try:
            f = h5py.File(self.path, "r")
        except (OSError, FileNotFoundError) as e:
            raise ValueError(f"{self.path}: cannot open the library ({e})") from None
        with f:
            self.attrs: Dict[str, object] = {k: _text(v) for k, v in f.attrs.items()}
            fmt = self.attrs.get("format")
            if fmt != LIBRARY_FORMAT:
                raise ValueError(f"{self.path}: attribute format: expected '{LIBRARY_FORMAT}', found {fmt!r}")
            self.masses = np.asarray(f.attrs.get("masses", np.zeros(0)), dtype=np.float64)
            self.glasses = self._table(f, "glasses", skip={"species"})
            self.glass_species = self._array(f, "glasses", "species")
            self.inherent_structures = self._table(f, "inherent_structures", skip={"coordinates"})
            self.is_coordinates = self._array(f, "inherent_structures", "coordinates")
            self.transitions = self._table(f, "transitions")
            self.exploration = {k: f["exploration"][k][()] for k in f["exploration"]} if "exploration" in f else {}
            self.mep_s = self._array(f, "double_wells", "mep_s")
            self.mep_energy = self._array(f, "double_wells", "mep_energy")
            self.mep_slope = self._array(f, "double_wells", "mep_slope")
            self.double_wells = self._double_wells(f)

    # ---- reading ----

    def _group(self, f, name):
        if name not in f:
            return None
        g = f[name]
        if not isinstance(g, h5py.Group):
            raise ValueError(f"{self.path}: /{name} is not a group")
        return g

    def _array(self, f, group, name) -> Optional[np.ndarray]:
        g = self._group(f, group)
        return g[name][()] if g is not None and name in g else None

    def _columns(self, g, skip=()):
        cols, rows = {}, None
        for k in g:
            if k in skip:
                continue
            d = g[k]
            if not isinstance(d, h5py.Dataset):
                continue
            v = d[()]
            length = v.shape[0] if v.ndim else 1
            if rows is None:
                rows = length
            elif length != rows:
                raise ValueError(f"{self.path}: /{g.name.strip('/')}/{k}: {length} rows, the table has {rows}")
            cols[k] = v
        return cols

    def _table(self, f, name, skip=()) -> pd.DataFrame:
        g = self._group(f, name)
        if g is None:
            return pd.DataFrame()
        cols = self._columns(g, skip)
        flat = {k: v for k, v in cols.items() if v.ndim == 1}
        return pd.DataFrame(flat)

    def _double_wells(self, f) -> pd.DataFrame:
        g = self._group(f, "double_wells")
        if g is None:
            return pd.DataFrame()
        cols = self._columns(g, skip={"mep_s", "mep_energy", "mep_slope"})
        labels = [mass_label(m) for m in self.masses]
        out = {}
        for k, v in cols.items():
            if v.dtype.kind in "SO":
                out[k] = [_text(x) for x in v.tolist()]
            elif v.ndim == 1:
                out[k] = v
            elif v.ndim == 2:
                if v.shape[1] != len(labels):
                    raise ValueError(f"{self.path}: /double_wells/{k}: {v.shape[1]} columns, "
                                     f"the root attribute masses has {len(labels)}")
                for j, label in enumerate(labels):
                    out[f"{k}_{label}"] = v[:, j].astype(bool) if k == "is_tls" else v[:, j]
            elif v.ndim == 3:
                if v.shape[1] != len(labels):
                    raise ValueError(f"{self.path}: /double_wells/{k}: {v.shape[1]} masses, "
                                     f"the root attribute masses has {len(labels)}")
                for j, label in enumerate(labels):
                    for lvl in range(v.shape[2]):
                        out[f"{k}_{label}_{lvl + 1}"] = v[:, j, lvl]
        df = pd.DataFrame(out)
        if "status" in df:
            df["status_name"] = df["status"].map(STATUS_NAMES)
        return df

    # ---- conveniences ----

    @property
    def stage(self) -> str:
        return self.attrs.get("stage", "")

    @property
    def n(self) -> int:
        return int(self.attrs.get("n", 0))

    @property
    def box(self) -> np.ndarray:
        return np.asarray(self.attrs.get("box", np.zeros(3)), dtype=np.float64)

    @property
    def T_Q(self) -> np.ndarray:
        return np.asarray(self.attrs.get("T_Q", np.zeros(0)), dtype=np.float64)

    def config(self, stage: str) -> dict:
        """A stage's options (root attribute config_<stage>, JSON) as a dict; {} when empty."""
        text = self.attrs.get(f"config_{stage}", "")
        return json.loads(text) if text else {}

    def model(self):
        """The library's model (root attribute ``model``, TOML) as a tlsx.Model."""
        from ._tlsx import Model
        return Model.from_toml(self.attrs["model"], f"{self.path}:model")

    def good(self) -> pd.DataFrame:
        """The double wells proper: rows with status 0."""
        return self.double_wells[self.double_wells["status"] == 0]

    def profile(self, row: int):
        """The MEP profile of double-well row ``row``: (s, V - energy_a, dV/ds) from the lower minimum."""
        slope = None if self.mep_slope is None else self.mep_slope[row]
        return self.mep_s[row], self.mep_energy[row], slope

    def inherent_structure(self, row: int):
        """Row ``row`` of /inherent_structures as a tlsx.Configuration (its coordinates must be stored)."""
        from .engine import Configuration
        k = int(self.inherent_structures["coordinate_row"].iloc[row])
        if k < 0 or self.is_coordinates is None:
            raise ValueError(f"{self.path}: /inherent_structures row {row}: coordinates not stored "
                             "(tlsx explore --store-is all stores every IS)")
        glass = int(self.inherent_structures["glass"].iloc[row])
        n = self.n
        x = self.is_coordinates[k]
        positions = np.stack([x[:n], x[n:2 * n], x[2 * n:3 * n]], axis=1)
        return Configuration(positions, self.glass_species[glass], self.box,
                             source=f"{self.path}:/inherent_structures/{row}")

    def is_row(self, glass: int, is_id: int) -> int:
        """The /inherent_structures row of IS ``is_id`` of glass row ``glass``."""
        t = self.inherent_structures
        rows = np.flatnonzero((t["glass"].to_numpy() == glass) & (t["id"].to_numpy() == is_id))
        if rows.size == 0:
            raise ValueError(f"{self.path}: no inherent structure {is_id} in glass row {glass}")
        return int(rows[0])

    def __repr__(self) -> str:
        return (f"tlsx.Library('{self.path}', stage={self.stage!r}, glasses={len(self.glasses)}, "
                f"inherent_structures={len(self.inherent_structures)}, transitions={len(self.transitions)}, "
                f"double_wells={len(self.double_wells)}, masses={[float(m) for m in self.masses]})")


def open_library(path: str) -> Library:
    """Reads a tlsx double-well library (HDF5) into pandas DataFrames (see Library)."""
    return Library(path)
