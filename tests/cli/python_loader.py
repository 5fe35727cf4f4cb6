"""Checks of the Python loader (python/stroma) against a real run, used by tests/cli/python_loader.sh:

    python3 python_loader.py OUT [--vtk-only]

OUT is the output folder of `stroma run tests/data/every_feature/model.yaml --end 60` (cells CSV + .vtp, field
CSVs + .vti); with --vtk-only it is a copy holding only the ParaView files (the loader must fall back to them and
give the same values). Every expected value is read here independently: the JSON and CSV files with the standard
library, the .vtp/.vti files with the VTK library (python3-vtk9). Exits non-zero with a message on the first
failure."""
import csv
import json
import math
import os
import sys

import numpy as np
import stroma
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOXML import vtkXMLImageDataReader, vtkXMLPolyDataReader

out = sys.argv[1]
vtk_only = "--vtk-only" in sys.argv[2:]
csv_dir = sys.argv[sys.argv.index("--csv-from") + 1] if "--csv-from" in sys.argv else out


def check(cond, msg):
    if not cond:
        print(f"FAIL: {msg}", file=sys.stderr)
        sys.exit(1)


def num(s):
    return math.nan if s == "" else float(s)


def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def read_vtp(path):
    r = vtkXMLPolyDataReader()
    r.SetFileName(path)
    r.Update()
    p = r.GetOutput()
    pd_ = p.GetPointData()
    arrays = {pd_.GetArrayName(i): vtk_to_numpy(pd_.GetArray(i)) for i in range(pd_.GetNumberOfArrays())}
    return vtk_to_numpy(p.GetPoints().GetData()), arrays


def read_vti(path):
    r = vtkXMLImageDataReader()
    r.SetFileName(path)
    r.Update()
    img = r.GetOutput()
    cd = img.GetCellData()
    return img, {cd.GetArrayName(i): vtk_to_numpy(cd.GetArray(i)) for i in range(cd.GetNumberOfArrays())}


run = stroma.load(out)
print(f"loaded {run!r} from {stroma.__file__}")

# summary and run.json are the files' contents
check(run.summary == json.load(open(os.path.join(out, "summary.json"))), "run.summary differs from summary.json")
check(run.info["status"] == "complete", f"run.info status {run.info.get('status')}")
summary = run.summary

# the time series equals the CSV, column for column, value for value
with open(os.path.join(out, "timeseries.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
ts = run.timeseries
check(list(ts.columns) == list(rows[0].keys()), f"timeseries columns {list(ts.columns)[:5]}...")
check(ts.columns[0] == "time", "timeseries has no leading time column")
check(len(ts) == len(rows), f"timeseries has {len(ts)} rows, the CSV {len(rows)}")
for i, r in enumerate(rows):
    for c, v in r.items():
        check(same(float(ts[c].iloc[i]), num(v)), f"timeseries row {i} {c}: {ts[c].iloc[i]} != {v!r}")
times = [float(r["time"]) for r in rows]
check(run.times == times == [0.0, 30.0, 60.0], f"run.times {run.times}, timeseries times {times}")
check(summary["time"] == times[-1], f"summary time {summary['time']}")

types = list(summary["cells"])
grid = summary["grid"]
shape = (grid["nx"], grid["ny"], grid["nz"])
state_vars = ["stress", "exhaustion"]
behaviours_seen = None
attached_seen = 0
for t, row in zip(times, rows):
    tag = "%.10g" % t
    cells = run.cells(t)
    # one row per cell: live per type + dead, as the time series counts them
    want = sum(int(row["cells_" + k]) for k in types) + int(row["cells_dead"])
    check(len(cells) == want, f"t={tag}: cells({tag}) has {len(cells)} rows, the time series counts {want}")
    for k in types:
        live = int(((cells["type"] == k) & (cells["state"] == "live")).sum())
        check(live == int(row["cells_" + k]), f"t={tag}: {live} live {k}, timeseries {row['cells_' + k]}")
    if not vtk_only:
        with open(os.path.join(out, "cells", f"cells_{tag}.csv"), newline="") as f:
            crows = list(csv.DictReader(f))
        header = list(crows[0].keys())
        check(list(cells.columns) == header, f"t={tag}: cells columns {list(cells.columns)} != CSV {header}")
        check(header[:10] == ["id", "type", "state", "x", "y", "z", "radius", "volume", "phase", "pressure"],
              f"t={tag}: the CSV's first ten columns moved: {header[:10]}")
        for i, cr in enumerate(crows):
            for c, v in cr.items():
                got = cells[c].iloc[i]
                ok = got == v if c in ("type", "state") else float(got) == float(v)
                check(ok, f"t={tag}: cell row {i} {c}: loader {got!r}, CSV {v!r}")
        behaviours = [c for c in header if c.startswith("behaviour:")]
        check(len(behaviours) >= 10, f"t={tag}: behaviour columns {behaviours}")
        behaviours_seen = behaviours
    # the state variables (and everything else the .vtp holds) agree with the .vtp, read by VTK, bit for bit
    pts, va = read_vtp(os.path.join(out, "cells", f"cells_{tag}.vtp"))
    check(len(pts) == len(cells), f"t={tag}: .vtp {len(pts)} cells, loader {len(cells)}")
    check(np.array_equal(cells["id"].to_numpy(), va["id"]), f"t={tag}: ids differ from the .vtp")
    check(np.array_equal(cells[["x", "y", "z"]].to_numpy(), pts), f"t={tag}: positions differ from the .vtp")
    check(list(cells["type"]) == [types[k] for k in va["type"]], f"t={tag}: types differ from the .vtp")
    for c in state_vars + ["radius", "volume", "pressure", "phase", "age", "damage", "damage_delivered",
                           "attached_id"] + [a for a in va if a.startswith(("marker:", "behaviour:"))]:
        check(c in cells.columns, f"t={tag}: no column {c} in cells({tag})")
        check(np.array_equal(cells[c].to_numpy(dtype=float), va[c].astype(float)),
              f"t={tag}: {c} differs from the .vtp")
    check(np.array_equal(cells[["vx", "vy", "vz"]].to_numpy(), va["velocity"]), f"t={tag}: velocity differs from the .vtp")
    # the .vtp holds every column of the CSV (velocity as one 3-component array)
    if not vtk_only:
        want = [c for c in header if c not in ("id", "type", "state", "x", "y", "z", "vx", "vy", "vz")]
        check(all(c in va for c in want), f"t={tag}: CSV columns missing from the .vtp: {[c for c in want if c not in va]}")
    check((cells.loc[cells["type"] == "tumour", "stress"] > 0).all(), f"t={tag}: a tumour cell without stress")
    if not vtk_only:
        # the debugging columns hold what they say
        initial = cells["id"] < 150  # the model's initial cells, born at 0
        check((cells.loc[initial, "age"] == t).all(), f"t={tag}: an initial cell's age is not {t}")
        check(((cells["age"] >= 0) & (cells["age"] <= t)).all(), f"t={tag}: an age outside [0, {t}]")
        att = cells["attached_id"]
        check(att.isin(list(cells["id"]) + [-1]).all(), f"t={tag}: attached to a cell that is not there")
        attached_seen += int((att >= 0).sum())
        check((cells.loc[att >= 0, "type"] == "killer").all(), f"t={tag}: a non-killer attached")
        check(np.isfinite(cells[["vx", "vy", "vz"]].to_numpy()).all(), f"t={tag}: a velocity is not finite")
        if t > 0:
            check((cells[["vx", "vy", "vz"]].abs().sum(axis=1) > 0).any(), f"t={tag}: no cell moves")
            check((cells["damage"] > 0).any() and (cells["damage_delivered"] > 0).any(), f"t={tag}: no damage")
        k = cells[(cells["type"] == "killer") & (cells["state"] == "live")]
        kr = k["behaviour:kill rate"]
        check(((kr >= 0.002 - 1e-15) & (kr <= 0.01 + 1e-15)).all(), f"t={tag}: kill rate outside [0.002, 0.01]")
        if t == 0:  # no rule has acted: every killer at the type's 0.01, every tumour cell at 1/60
            check((kr == 0.01).all(), f"t=0: kill rates {set(kr)}")
            ce = cells.loc[cells["type"] == "tumour", "behaviour:cycle entry"]
            check(np.allclose(ce, 1 / 60, rtol=1e-12), f"t=0: tumour cycle entry {set(ce)}")
        else:  # exhaustion lowers it (rule: killer, exhaustion decreases kill rate)
            check((kr[k["exhaustion"] > 0.05] < 0.01).all() and (k["exhaustion"] > 0.05).any(),
                  f"t={tag}: exhausted killers keep the full kill rate")

    # fields: one array per field of the domain's shape, equal to the CSV / .vti values
    fields = run.fields(t)
    check(fields.shape == shape, f"t={tag}: fields shape {fields.shape}, summary grid {shape}")
    for name in list(summary["substrates"]) + ["vessel_density", "ECM"]:
        check(name in fields and fields[name].shape == shape, f"t={tag}: field {name} missing or misshaped")
    dx = grid["voxel"]
    check(np.allclose(fields.x, (np.arange(shape[0]) + 0.5) * dx), f"t={tag}: voxel centres along x {fields.x}")
    with open(os.path.join(csv_dir, "fields", f"oxygen_{tag}.csv"), newline="") as f:
        frows = list(csv.DictReader(f))
    check(len(frows) == shape[0] * shape[1] * shape[2], f"t={tag}: oxygen CSV rows")
    for fr in frows[:: max(1, len(frows) // 97)] + frows[-1:]:
        i, j, kz = (int(float(fr[a]) // dx) for a in ("x", "y", "z"))
        got = fields["oxygen"][i, j, kz]
        check(got == float(fr["value"]),
              f"t={tag}: oxygen at ({fr['x']}, {fr['y']}, {fr['z']}): {got}, CSV {fr['value']}")
        check((fields.x[i], fields.y[j], fields.z[kz]) == (float(fr["x"]), float(fr["y"]), float(fr["z"])),
              f"t={tag}: coordinates of voxel ({i}, {j}, {kz})")
    # the field each cell sees, from the voxel that holds it (the domain's corner is at 0)
    idx = tuple((cells[a].to_numpy() // dx).astype(int) for a in ("x", "y", "z"))
    check(np.array_equal(fields.at("oxygen", cells.x, cells.y, cells.z), fields["oxygen"][idx]),
          f"t={tag}: Fields.at differs from the voxel that holds the cell")
    img, vti = read_vti(os.path.join(out, "fields", f"fields_{tag}.vti"))
    check(list(fields) == list(vti), f"t={tag}: fields {list(fields)}, the .vti arrays {list(vti)} (same order)")
    for name, v in vti.items():
        check(np.array_equal(fields[name].ravel(order="F"), v), f"t={tag}: field {name} differs from the .vti")
    check(np.array_equal(fields.frame()["oxygen"].to_numpy(), vti["oxygen"]), f"t={tag}: Fields.frame() order")

    # AnnData: cells x (state variables + behaviours), metadata in obs
    a = run.anndata(t)
    check(a.n_obs == len(cells), f"t={tag}: anndata n_obs {a.n_obs}, cells {len(cells)}")
    names = list(a.var_names)
    beh = behaviours_seen if not vtk_only else [x for x in va if x.startswith("behaviour:")]
    want_vars = state_vars + [b[len("behaviour:"):] for b in beh]
    check(names == want_vars, f"t={tag}: anndata var names {names}, expected {want_vars}")
    check(a.X.dtype == np.float64, f"t={tag}: X is {a.X.dtype}")
    check(np.array_equal(a[:, "stress"].X.ravel(), cells["stress"].to_numpy()), f"t={tag}: anndata stress")
    check(np.array_equal(a[:, "kill rate"].X.ravel(), cells["behaviour:kill rate"].to_numpy()),
          f"t={tag}: anndata kill rate")
    check(list(a.obs_names) == [str(i) for i in cells["id"]], f"t={tag}: obs names are not the ids")
    for c in ("id", "type", "state", "x", "y", "z", "volume", "phase"):
        check(c in a.obs.columns, f"t={tag}: obs lacks {c}")
    check(list(a.obs["type"]) == list(cells["type"]), f"t={tag}: obs types")
    check(np.array_equal(a.obsm["spatial"], cells[["x", "y", "z"]].to_numpy()), f"t={tag}: obsm spatial")

# the last cells agree with the summary's counts
last = run.cells(times[-1])
for k in types:
    live = int(((last["type"] == k) & (last["state"] == "live")).sum())
    check(live == summary["cells"][k], f"end: {live} live {k}, summary {summary['cells'][k]}")
check(int((last["state"] != "live").sum()) == summary["dead_cells"], "end: dead cells differ from the summary")
if not vtk_only:
    check(attached_seen > 0, "no killer was ever attached: the attached_id column is not exercised")

# errors name what is missing
for bad, want in ((os.path.join(out, "no-such-run"), "no-such-run"), (os.path.join(out, "cells"), "run.json")):
    try:
        stroma.load(bad)
        check(False, f"stroma.load({bad}) did not fail")
    except FileNotFoundError as e:
        check(want in str(e), f"stroma.load({bad}): {e}")
for meth, want in ((run.cells, "cells_17.csv"), (run.fields, "fields_17.vti")):
    try:
        meth(17)
        check(False, f"{meth.__name__}(17) did not fail")
    except FileNotFoundError as e:
        check(want in str(e) and "0, 30, 60" in str(e), f"{meth.__name__}(17): {e}")
print(f"python_loader: {'ParaView files' if vtk_only else 'CSV files'} ok ({len(times)} times, {len(last)} cells "
      f"x {len(last.columns)} columns at the end, fields {shape})")
