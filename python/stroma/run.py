"""A stroma run's output folder as Python objects: see docs/python.md (formats: docs/outputs.md)."""
import csv
import json
import math
import os
import warnings

import numpy as np
import pandas as pd

from . import vtk

CELL_STATES = ("live", "apoptotic", "necrotic")

# The cells CSV's columns before the state variables (src/io/writers.c, cells_csv_fixed).
CELL_COLUMNS = ("id", "type", "state", "x", "y", "z", "radius", "volume", "phase", "pressure", "age", "damage",
                "damage_delivered", "vx", "vy", "vz", "attached_id")

MARKER_PREFIX = "marker:"
BEHAVIOUR_PREFIX = "behaviour:"
VAR_PREFIX = "var:"


def load(path):
    """Open the output folder of a stroma run (what `stroma run MODEL --out DIR` wrote) and return a Run.

    Raises FileNotFoundError naming the folder when it does not exist, and the missing file when it holds no
    run.json (not a stroma output)."""
    return Run(path)


def _missing(path, why):
    return FileNotFoundError(2, why, str(path))


def _time_tag(name, ext):
    """(prefix, time) of "<prefix>_<time>.<ext>", or None."""
    if not name.endswith("." + ext) or ".tmp-" in name:
        return None
    stem = name[: -len(ext) - 1]
    prefix, sep, tag = stem.rpartition("_")
    if not sep or not prefix:
        return None
    try:
        t = float(tag)
    except ValueError:
        return None
    if not math.isfinite(t):
        return None
    return prefix, t, tag


def _fmt(t):
    return "%.10g" % t


class Fields(dict):
    """The fields of one output time: {name: numpy array of shape (nx, ny, nz)} indexed [i, j, k] along x, y, z
    (a 2D model has nz = 1), with the voxel centres along each axis in `x`, `y`, `z` (1-D arrays, µm), `time`
    (min) and `source` (the files read)."""

    def __init__(self, arrays, x, y, z, time, source):
        super().__init__(arrays)
        self.x, self.y, self.z = x, y, z
        self.time = time
        self.source = source

    @property
    def shape(self):
        return (len(self.x), len(self.y), len(self.z))

    def coordinates(self):
        """X, Y, Z: arrays of the shape of a field holding each voxel's centre (µm)."""
        return np.meshgrid(self.x, self.y, self.z, indexing="ij")

    def voxel(self, x, y, z):
        """Indices (i, j, k) of the voxels that hold the points (x, y, z) (µm; scalars or arrays): the voxel of the
        nearest centre along each axis."""
        out = []
        for centres, p in ((self.x, x), (self.y, y), (self.z, z)):
            mid = (centres[1:] + centres[:-1]) / 2
            out.append(np.searchsorted(mid, np.asarray(p, dtype=np.float64), side="right"))
        return tuple(out)

    def at(self, name, x, y, z):
        """Field `name` in the voxels that hold the points (x, y, z), e.g. the oxygen each cell sees:
        f.at("oxygen", c.x, c.y, c.z)."""
        return self[name][self.voxel(x, y, z)]

    def frame(self):
        """One row per voxel: x, y, z (voxel centre) and a column per field, x varying fastest (the CSV order)."""
        X, Y, Z = self.coordinates()
        cols = {"x": X.ravel(order="F"), "y": Y.ravel(order="F"), "z": Z.ravel(order="F")}
        for name, v in self.items():
            cols[name] = v.ravel(order="F")
        return pd.DataFrame(cols)

    def __repr__(self):
        return f"<stroma.Fields t={self.time:g} min, shape {self.shape}: {', '.join(self)}>"


class Run:
    """One stroma run's outputs. Attributes: `path`; `summary` (summary.json), `info` (run.json) and `timeseries`
    (timeseries.csv) read on first use; `times` (output times with cell or field files). Methods: `cells(t)`,
    `fields(t)`, `anndata(t)`."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.isdir(self.path):
            if os.path.exists(self.path):
                raise NotADirectoryError(20, "not a stroma output folder (a stroma run writes a folder)", self.path)
            raise _missing(self.path, "no such stroma output folder")
        if not os.path.isfile(os.path.join(self.path, "run.json")):
            raise _missing(os.path.join(self.path, "run.json"),
                           f"{self.path} is not a stroma output folder: it holds no run.json")
        self._summary = self._info = self._timeseries = None
        self._scan()

    # --- files at the top -------------------------------------------------------------------------------------
    def _json(self, name):
        p = os.path.join(self.path, name)
        if not os.path.isfile(p):
            raise _missing(p, f"{name} not found in {self.path}" +
                           (" (the run has not finished: summary.json is written at the end)"
                            if name == "summary.json" else ""))
        with open(p, encoding="utf-8") as f:
            return json.load(f)

    @property
    def summary(self):
        """summary.json as a dict (the final state)."""
        if self._summary is None:
            self._summary = self._json("summary.json")
        return self._summary

    @property
    def info(self):
        """run.json as a dict (provenance and status)."""
        if self._info is None:
            self._info = self._json("run.json")
        return self._info

    @property
    def timeseries(self):
        """timeseries.csv as a DataFrame: a `time` column (min) and one column per quantity (null: NaN)."""
        if self._timeseries is None:
            p = os.path.join(self.path, "timeseries.csv")
            if not os.path.isfile(p):
                raise _missing(p, f"timeseries.csv not found in {self.path}")
            self._timeseries = pd.read_csv(p, float_precision="round_trip")
        return self._timeseries

    # --- per-time files ---------------------------------------------------------------------------------------
    def _scan(self):
        """Index cells/cells_<t>.{csv,vtp}, fields/<name>_<t>.csv and fields/fields_<t>.vti by time."""
        self._cells_csv, self._cells_vtp, self._fields_vti, self._fields_csv = {}, {}, {}, {}
        cdir, fdir = os.path.join(self.path, "cells"), os.path.join(self.path, "fields")
        for name in sorted(os.listdir(cdir)) if os.path.isdir(cdir) else []:
            for ext, table in (("csv", self._cells_csv), ("vtp", self._cells_vtp)):
                got = _time_tag(name, ext)
                if got and got[0] == "cells":
                    table[got[1]] = os.path.join(cdir, name)
        for name in sorted(os.listdir(fdir)) if os.path.isdir(fdir) else []:
            got = _time_tag(name, "vti")
            if got and got[0] == "fields":
                self._fields_vti[got[1]] = os.path.join(fdir, name)
            got = _time_tag(name, "csv")
            if got:
                self._fields_csv.setdefault(got[1], {})[got[0]] = os.path.join(fdir, name)

    @property
    def times(self):
        """Output times (min, ascending) that have a cell or field file."""
        return sorted(set(self._cells_csv) | set(self._cells_vtp) | set(self._fields_vti) | set(self._fields_csv))

    @property
    def cell_times(self):
        """Output times (min) that have a cell file (.csv or .vtp)."""
        return sorted(set(self._cells_csv) | set(self._cells_vtp))

    @property
    def field_times(self):
        """Output times (min) that have field files (.csv or .vti)."""
        return sorted(set(self._fields_vti) | set(self._fields_csv))

    def _field_order(self):
        """Field names in the order of the .vti arrays: the substrates as the model lists them (summary.json),
        vessel_density, ECM; [] when there is no summary yet."""
        try:
            return list(self.summary.get("substrates", {})) + ["vessel_density", "ECM"]
        except (OSError, ValueError):
            return []

    def _no_time(self, t, what, wanted, have):
        listed = ", ".join(_fmt(x) for x in have) if have else "none"
        return _missing(os.path.join(self.path, wanted),
                        f"no {what} file at t = {_fmt(t)} min in {self.path} (its {what} output times: {listed})")

    @staticmethod
    def _key(t):
        try:
            return float(t)
        except (TypeError, ValueError):
            raise TypeError(f"an output time is a number of minutes, not {t!r}") from None

    def cells(self, t):
        """The cells at output time t (min) as a DataFrame, one row per cell in id order, every column the run wrote:
        from cells/cells_<t>.csv (docs/outputs.md#cell-files) or, when only ParaView files were written, from
        cells/cells_<t>.vtp (the same names and columns; type and state as names)."""
        k = self._key(t)
        if k in self._cells_csv:
            return _read_cells_csv(self._cells_csv[k])
        if k in self._cells_vtp:
            return _read_cells_vtp(self._cells_vtp[k])
        raise self._no_time(k, "cell", f"cells/cells_{_fmt(k)}.csv", self.cell_times)

    def fields(self, t):
        """The fields at output time t (min): a Fields dict {name: array (nx, ny, nz)} with the voxel centres in
        .x, .y, .z; from the field CSVs when the run wrote them, else from fields/fields_<t>.vti."""
        k = self._key(t)
        if k in self._fields_csv:
            return _read_fields_csv(self._fields_csv[k], k, self._field_order())
        if k in self._fields_vti:
            return _read_fields_vti(self._fields_vti[k], k)
        raise self._no_time(k, "field", f"fields/fields_{_fmt(k)}.vti", self.field_times)

    def anndata(self, t):
        """The cells at output time t as an AnnData: X = cells x (state variables, then rule-controlled behaviours)
        (float64), var with `kind` ("state variable" or "behaviour") and the CSV `column`; obs = every other
        column (id, type, state, position, volume, phase, pressure, age, damage, ..., markers), indexed by the
        cell id as a string; obsm["spatial"] = (x, y, z) in µm; uns["time"] and uns["run"]."""
        import anndata

        df = self.cells(t)
        states, behaviours = split_columns(df.columns)
        var_names = [c[len(VAR_PREFIX):] if c.startswith(VAR_PREFIX) else c for c in states]
        beh_names = [c[len(BEHAVIOUR_PREFIX):] for c in behaviours]
        taken = set(var_names)
        beh_names = [n if n not in taken else BEHAVIOUR_PREFIX + n for n in beh_names]
        cols = states + behaviours
        X = df[cols].to_numpy(dtype=np.float64) if cols else np.zeros((len(df), 0))
        var = pd.DataFrame({"kind": ["state variable"] * len(states) + ["behaviour"] * len(behaviours),
                            "column": cols}, index=pd.Index(var_names + beh_names, dtype=object))
        obs = df.drop(columns=cols).copy()
        for c in ("type", "state"):
            if c in obs:
                obs[c] = obs[c].astype("category")
        obs.index = pd.Index(df["id"].astype(str), dtype=object, name=None)
        with warnings.catch_warnings():  # anndata < 0.9 makes X float32 unless given dtype; later ones deprecate it
            warnings.simplefilter("ignore", FutureWarning)
            try:
                a = anndata.AnnData(X=X, obs=obs, var=var, dtype=X.dtype)
            except TypeError:
                a = anndata.AnnData(X=X, obs=obs, var=var)
        a.obsm["spatial"] = df[["x", "y", "z"]].to_numpy(dtype=np.float64)
        a.uns["time"] = self._key(t)
        a.uns["run"] = os.path.abspath(self.path)
        return a

    def __repr__(self):
        ts = self.times
        span = f"{len(ts)} output times {_fmt(ts[0])}–{_fmt(ts[-1])} min" if ts else "no output times"
        return f"<stroma.Run {self.path}: {span}>"


def split_columns(columns):
    """(state-variable columns, behaviour columns) of a cells table, in file order."""
    states, behaviours = [], []
    for c in columns:
        if c in CELL_COLUMNS or c.startswith(MARKER_PREFIX):
            continue
        (behaviours if c.startswith(BEHAVIOUR_PREFIX) else states).append(c)
    return states, behaviours


def _read_cells_csv(path):
    # names never read as missing values (a type called "NA"); the integer columns as integers, every other number
    # as float64 whatever its values at this time (an age of 60 is still a float)
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f), None)
    if not header:
        raise ValueError(f"{path}: empty cell file (no header)")
    ints = {"id", "phase", "attached_id"}
    dtype = {c: (str if c in ("type", "state") else np.int64 if c in ints or c.startswith(MARKER_PREFIX)
                 else np.float64) for c in header}
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=dtype,
                       float_precision="round_trip")


def _read_cells_vtp(path):
    points, arrays, field = vtk.read_vtp(path)
    n = len(points)
    types = field.get("cell_types", [])
    cols = {"id": arrays["id"].astype(np.int64),
            "type": [types[k] if 0 <= k < len(types) else str(k) for k in arrays["type"]],
            "state": [CELL_STATES[s] if s < len(CELL_STATES) else str(s) for s in arrays["state"]],
            "x": points[:, 0], "y": points[:, 1], "z": points[:, 2]}
    for name in ("radius", "volume", "phase", "pressure"):
        cols[name] = arrays[name]
    # files since 2026-12-07 also carry age, damage, damage_delivered, velocity (3 components: the CSV's vx, vy,
    # vz), attached_id and behaviour:<name>; earlier ones do not
    if "velocity" in arrays:
        for name in ("age", "damage", "damage_delivered"):
            cols[name] = arrays[name]
        v = np.asarray(arrays["velocity"]).reshape(n, 3)
        cols["vx"], cols["vy"], cols["vz"] = v[:, 0], v[:, 1], v[:, 2]
        cols["attached_id"] = arrays["attached_id"].astype(np.int64)
    for name, v in arrays.items():
        if name not in cols and name != "velocity":
            cols[name] = v
    df = pd.DataFrame(cols, index=pd.RangeIndex(n))
    df["phase"] = df["phase"].astype(np.int64)
    return df


def _axis(values):
    u = np.unique(values)
    return u, np.searchsorted(u, values)


def _read_fields_csv(files, t, order):
    arrays, axes, source = {}, None, []
    rank = {name: i for i, name in enumerate(order)}
    for name in sorted(files, key=lambda n: (rank.get(n, len(rank)), n)):
        p = files[name]
        d = pd.read_csv(p, float_precision="round_trip")
        if list(d.columns) != ["x", "y", "z", "value"]:
            raise ValueError(f"{p}: expected the columns x,y,z,value, got {','.join(d.columns)}")
        if axes is None:
            axes = [_axis(d[c].to_numpy(dtype=np.float64)) for c in ("x", "y", "z")]
            shape = tuple(len(a[0]) for a in axes)
            if shape[0] * shape[1] * shape[2] != len(d):
                raise ValueError(f"{p}: {len(d)} rows do not make a grid of {shape} voxels")
        v = np.full(shape, np.nan)
        v[axes[0][1], axes[1][1], axes[2][1]] = d["value"].to_numpy(dtype=np.float64)
        arrays[name] = v
        source.append(p)
    return Fields(arrays, axes[0][0], axes[1][0], axes[2][0], t, source)


def _read_fields_vti(path, t):
    arrays, info = vtk.read_vti(path)
    centre = [info["origin"][a] + info["spacing"][a] * (np.arange(info["shape"][a]) + 0.5) for a in range(3)]
    return Fields(arrays, centre[0], centre[1], centre[2], t, [path])
