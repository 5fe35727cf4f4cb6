"""Check a stroma output directory's ParaView files (fields.pvd, cells.pvd, .vti, .vtp) with the VTK library.

Used by tests/cli/vtk_outputs.sh. Reads every file the .pvd collections list with VTK's own XML readers and
checks them against summary.json, timeseries.csv and, where written, the CSV files of the same time:
  - each collection lists every output time of timeseries.csv, in order, and nothing else is in the folder;
  - fields: extents, origin and spacing of the grid; one voxel (cell) array per substrate (and vessel_density
    when summary.json has "vessels": its mean and vascular fraction as timeseries.csv's, its values as the
    vessel_density CSV's, at the end its statistics as summary.json's); at every time the
    in-order mean equals timeseries.csv's bit for bit; at the end mean (in order: exact; any order: 1e-12),
    min, max and total equal summary.json's; values equal the field CSVs exactly;
  - cells: array names, the name lists in FieldData, one vertex per point; live cells per type and dead cells
    equal timeseries.csv at every time and summary.json at the end; every column of the cells CSV equals the
    .vtp exactly;
  - state variables: --svar-rate ARRAY TYPE RATE N says initial cells (id < N) that are alive hold RATE x time
    in ARRAY if of TYPE and 0 otherwise; --svar-positive ARRAY TYPE says the last file has ARRAY > 0 in some
    cell of TYPE and 0 in every cell of another type.
Exits non-zero with a message on the first failure."""
import argparse
import csv
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkIOXML import vtkXMLImageDataReader, vtkXMLPolyDataReader

STATES = ["live", "apoptotic", "necrotic"]
CELL_ARRAYS = ["id", "type", "state", "radius", "volume", "pressure", "phase", "age", "damage", "damage_delivered",
               "velocity", "attached_id"]


def fail(msg):
    print("check_vtk: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def read(reader_class, path):
    """Read one file with VTK; any VTK error or warning fails the check."""
    check(os.path.isfile(path), f"{path} is listed but does not exist")
    messages = []
    reader = reader_class()
    for event in (vtkCommand.ErrorEvent, vtkCommand.WarningEvent):
        reader.AddObserver(event, lambda obj, ev, data=None: messages.append(ev))
    reader.SetFileName(path)
    reader.Update()
    check(not messages and reader.GetErrorCode() == 0, f"VTK could not read {path} cleanly: {messages}")
    return reader.GetOutput()


def values(arr):
    n = arr.GetNumberOfTuples() * arr.GetNumberOfComponents()
    return [arr.GetValue(i) for i in range(n)]


def strings(data, name):
    arr = data.GetAbstractArray(name)
    check(arr is not None, f"FieldData has no {name}")
    return [arr.GetValue(i) for i in range(arr.GetNumberOfValues())]


def time_value(data, path, t):
    arr = data.GetFieldData().GetArray("TimeValue")
    check(arr is not None and arr.GetValue(0) == t, f"{path}: TimeValue is not {t}")


def collection(out, name, times):
    path = os.path.join(out, name)
    check(os.path.isfile(path), f"no {name}")
    root = ET.parse(path).getroot()
    check(root.tag == "VTKFile" and root.get("type") == "Collection", f"{name} is not a VTK collection")
    sets = root.findall("./Collection/DataSet")
    got = [float(d.get("timestep")) for d in sets]
    check(got == times, f"{name} lists times {got}, timeseries.csv has {times}")
    files = [d.get("file") for d in sets]
    folder = os.path.dirname(files[0]) if files else ""
    ext = os.path.splitext(name)[0]
    on_disk = sorted(f for f in os.listdir(os.path.join(out, folder)) if f.endswith({"fields": ".vti", "cells": ".vtp"}[ext]))
    check(on_disk == sorted(os.path.basename(f) for f in files), f"{folder}/ holds {on_disk}, {name} lists {files}")
    return list(zip(got, [os.path.join(out, f) for f in files]))


def csv_time(t):
    return "%g" % t


def check_vessel_array(out, img, path, t, nvox, row, threshold):
    """The vessel density array of one field file: Float64, a volume fraction per voxel, its in-order mean and
    vascular fraction (density >= threshold) equal to timeseries.csv's, its values equal to fields/vessel_density_<t>.csv if written."""
    arr = img.GetCellData().GetArray("vessel_density")
    check(arr.GetClassName() == "vtkDoubleArray" and arr.GetNumberOfComponents() == 1,
          f"{path}: vessel_density is not one Float64 component")
    v = values(arr)
    check(len(v) == nvox and all(0 <= x <= 1 for x in v), f"{path}: vessel_density is not a fraction per voxel")
    s = 0.0
    for x in v:
        s += x
    check(s / nvox == float(row["vessel_density_mean"]), f"{path}: vessel_density mean differs from timeseries.csv")
    check(sum(x >= threshold for x in v) / nvox == float(row["vascular_fraction"]),
          f"{path}: vascular fraction differs from timeseries.csv")
    fcsv = os.path.join(out, "fields", f"vessel_density_{csv_time(t)}.csv")
    if os.path.isfile(fcsv):
        check([float(r["value"]) for r in csv.DictReader(open(fcsv))] == v, f"{path}: vessel_density differs from {fcsv}")


def check_fields(out, summary, rows, times, origin):
    grid = summary["grid"]
    nx, ny, nz, dx = grid["nx"], grid["ny"], grid["nz"], grid["voxel"]
    nvox = nx * ny * nz
    names = list(summary["substrates"])
    last = None
    for t, path in collection(out, "fields.pvd", times):
        img = read(vtkXMLImageDataReader, path)
        time_value(img, path, t)
        check(img.GetExtent() == (0, nx, 0, ny, 0, nz), f"{path}: extent {img.GetExtent()}, grid {nx}x{ny}x{nz}")
        check(img.GetOrigin() == tuple(origin), f"{path}: origin {img.GetOrigin()}, expected {origin}")
        check(img.GetSpacing() == (dx, dx, dx), f"{path}: spacing {img.GetSpacing()}")
        check(img.GetNumberOfCells() == nvox, f"{path}: {img.GetNumberOfCells()} cells, {nvox} voxels")
        cd = img.GetCellData()
        got = [cd.GetArray(i).GetName() for i in range(cd.GetNumberOfArrays())]
        want = names + (["vessel_density"] if "vessels" in summary else []) + (["ECM"] if "ecm" in summary else [])
        check(got == want, f"{path}: voxel arrays {got}, expected {want}")
        check(img.GetPointData().GetNumberOfArrays() == 0, f"{path}: unexpected point arrays")
        row = rows[times.index(t)]
        for name in names:
            arr = cd.GetArray(name)
            check(arr.GetClassName() == "vtkDoubleArray" and arr.GetNumberOfComponents() == 1,
                  f"{path}: {name} is not one Float64 component")
            v = values(arr)
            check(len(v) == nvox, f"{path}: {name} has {len(v)} values")
            s = 0.0
            for x in v:  # the order stroma sums in: voxel order, x fastest (VTK's cell order too)
                s += x
            check(s / nvox == float(row[name + "_mean"]), f"{path}: {name} mean differs from timeseries.csv")
            fcsv = os.path.join(out, "fields", f"{name}_{csv_time(t)}.csv")
            if os.path.isfile(fcsv):
                crow = list(csv.DictReader(open(fcsv)))
                check([float(r["value"]) for r in crow] == v, f"{path}: {name} differs from {fcsv}")
                for idx in (0, nvox // 2, nvox - 1):  # voxel order: centres agree with the CSV's
                    c = img.GetCell(idx).GetBounds()
                    centre = [(c[2 * a] + c[2 * a + 1]) / 2 for a in range(3)]
                    want = [float(crow[idx][k]) for k in "xyz"]
                    check(all(math.isclose(p, q, rel_tol=1e-9, abs_tol=1e-9) for p, q in zip(centre, want)),
                          f"{path}: voxel {idx} centre {centre}, CSV {want}")
        if "vessels" in summary:
            check_vessel_array(out, img, path, t, nvox, row, summary["vessels"]["vascular_threshold"])
        if "ecm" in summary:
            v = values(cd.GetArray("ECM"))
            s = 0.0
            for x in v:
                s += x
            check(len(v) == nvox and all(x >= 0 for x in v), f"{path}: ECM is not a density per voxel")
            check(s / nvox == float(row["ECM_mean"]), f"{path}: ECM mean differs from timeseries.csv")
        last = (t, img)
    t, img = last
    if "vessels" in summary:
        vs = summary["vessels"]
        v = values(img.GetCellData().GetArray("vessel_density"))
        s = 0.0
        for x in v:
            s += x
        check(s / nvox == vs["mean_density"], f"vessel_density: in-order mean != summary {vs['mean_density']!r}")
        check(max(v) == vs["max_density"], f"vessel_density: max {max(v)} != summary {vs['max_density']}")
        check(sum(x >= vs["vascular_threshold"] for x in v) / nvox == vs["vascular_fraction"],
              "vessel_density: vascular fraction differs")
        check(s * dx ** 3 == vs["volume_um3"], "vessel_density: volume differs from summary")
    check(t == summary["time"], f"last field file at {t}, summary at {summary['time']}")
    for name in names:
        st = summary["substrates"][name]
        v = values(img.GetCellData().GetArray(name))
        s = 0.0
        for x in v:
            s += x
        check(s / nvox == st["mean"], f"{name}: in-order mean {s / nvox!r} != summary {st['mean']!r}")
        check(math.isclose(math.fsum(v) / nvox, st["mean"], rel_tol=1e-12), f"{name}: mean differs from summary")
        try:
            from vtkmodules.util.numpy_support import vtk_to_numpy
            m = float(vtk_to_numpy(img.GetCellData().GetArray(name)).mean())
            check(math.isclose(m, st["mean"], rel_tol=1e-12), f"{name}: numpy mean {m} != summary {st['mean']}")
        except ImportError:
            pass
        check(min(v) == st["min"] and max(v) == st["max"], f"{name}: min/max differ from summary")
        check(s * dx ** 3 == st["total"], f"{name}: total differs from summary")
    print(f"check_vtk: fields ok ({len(times)} times, {nx}x{ny}x{nz}, {len(names)} substrates)")


def check_cells(out, summary, rows, times, svar_arrays, svar_rates, svar_positive):
    types = list(summary["cells"])
    ntypes = len(types)
    # a model with markers adds marker:<name> (UInt8, 1 = a live cell positive), in the order of summary.json's ihc
    ihc = summary.get("ihc", {})
    markers = list(next(iter(ihc.values()))) if ihc else []
    marker_arrays = ["marker:" + m for m in markers]
    last = None
    for t, path in collection(out, "cells.pvd", times):
        poly = read(vtkXMLPolyDataReader, path)
        time_value(poly, path, t)
        fd = poly.GetFieldData()
        check(strings(fd, "cell_types") == types, f"{path}: cell_types {strings(fd, 'cell_types')}, summary {types}")
        check(strings(fd, "cell_states") == STATES, f"{path}: cell_states")
        pd = poly.GetPointData()
        got = [pd.GetArray(i).GetName() for i in range(pd.GetNumberOfArrays())]
        beh_arrays = [g for g in got if g.startswith("behaviour:")]  # one per rule-controlled behaviour
        check(got == CELL_ARRAYS + svar_arrays + marker_arrays + beh_arrays, f"{path}: point arrays {got}")
        check(pd.GetArray("velocity").GetNumberOfComponents() == 3, f"{path}: velocity is not a 3-vector")
        kinds = {"id": "vtkLongLongArray", "type": "vtkIntArray", "state": "vtkUnsignedCharArray",
                 "phase": "vtkIntArray", "attached_id": "vtkLongLongArray"}
        kinds.update({m: "vtkUnsignedCharArray" for m in marker_arrays})
        for name in got:
            cls = pd.GetArray(name).GetClassName()
            check(cls == kinds.get(name, "vtkDoubleArray"), f"{path}: {name} is a {cls}")
        n = poly.GetNumberOfPoints()
        check(poly.GetPoints() is None or poly.GetPoints().GetDataType() == 11,  # VTK_DOUBLE
              f"{path}: points are not Float64")
        check(poly.GetNumberOfVerts() == n and poly.GetNumberOfCells() == n, f"{path}: not one vertex per cell")
        for i in range(0, n, max(1, n // 7)):
            cell = poly.GetCell(i)
            check(cell.GetCellType() == 1 and cell.GetPointId(0) == i, f"{path}: vertex {i} is not point {i}")
        a = {name: values(pd.GetArray(name)) for name in got}
        pts = [poly.GetPoint(i) for i in range(n)]
        check(a["id"] == sorted(a["id"]) and len(set(a["id"])) == n, f"{path}: ids not increasing")
        check(all(0 <= k < ntypes for k in a["type"]), f"{path}: type index out of range")
        check(all(s in (0, 1, 2) for s in a["state"]), f"{path}: state out of range")
        row = rows[times.index(t)]
        for k, name in enumerate(types):
            live = sum(1 for i in range(n) if a["type"][i] == k and a["state"][i] == 0)
            check(live == int(row["cells_" + name]), f"{path}: {live} live {name}, timeseries {row['cells_' + name]}")
        dead = sum(1 for s in a["state"] if s != 0)
        check(dead == int(row["cells_dead"]), f"{path}: {dead} dead, timeseries {row['cells_dead']}")
        for m in markers:
            v = a["marker:" + m]
            check(all(x in (0, 1) for x in v), f"{path}: marker:{m} not 0/1")
            check(all(v[i] == 0 for i in range(n) if a["state"][i] != 0), f"{path}: a dead cell is {m}+")
            for k, name in enumerate(types):
                live = [i for i in range(n) if a["type"][i] == k and a["state"][i] == 0]
                col = row["ihc_" + name + "_" + m]
                want = float(col) if col else None
                got_f = sum(v[i] for i in live) / len(live) if live else None
                check(got_f == want, f"{path}: {name} {m}+ fraction {got_f}, timeseries {want}")
        ccsv = os.path.join(out, "cells", f"cells_{csv_time(t)}.csv")
        if os.path.isfile(ccsv):
            crow = list(csv.DictReader(open(ccsv)))
            check(len(crow) == n, f"{path}: {n} cells, {ccsv} {len(crow)}")
            for i, r in enumerate(crow):
                same = (int(r["id"]) == a["id"][i] and r["type"] == types[a["type"][i]]
                        and r["state"] == STATES[a["state"][i]]
                        and (float(r["x"]), float(r["y"]), float(r["z"])) == pts[i]
                        and float(r["radius"]) == a["radius"][i] and float(r["volume"]) == a["volume"][i]
                        and int(r["phase"]) == a["phase"][i] and float(r["pressure"]) == a["pressure"][i])
                check(same, f"{path}: cell {i} differs from {ccsv}: {r}")
        for arr, tname, rate, ninit in svar_rates:
            k = types.index(tname)
            for i in range(n):
                if a["id"][i] >= ninit or a["state"][i] != 0:
                    continue
                want = rate * t if a["type"][i] == k else 0.0
                check(math.isclose(a[arr][i], want, rel_tol=1e-9, abs_tol=0.0),
                      f"{path}: cell {a['id'][i]} ({types[a['type'][i]]}) {arr} = {a[arr][i]}, expected {want}")
        last = (t, n, a)
    t, n, a = last
    check(t == summary["time"], f"last cell file at {t}, summary at {summary['time']}")
    for k, name in enumerate(types):
        live = sum(1 for i in range(n) if a["type"][i] == k and a["state"][i] == 0)
        check(live == summary["cells"][name], f"{live} live {name} in the last .vtp, summary {summary['cells'][name]}")
    dead = sum(1 for s in a["state"] if s != 0)
    check(dead == summary["dead_cells"], f"{dead} dead cells in the last .vtp, summary {summary['dead_cells']}")
    for arr, tname in svar_positive:
        k = types.index(tname)
        check(any(a[arr][i] > 0 for i in range(n) if a["type"][i] == k), f"{arr} is 0 in every {tname} cell")
        check(all(a[arr][i] == 0 for i in range(n) if a["type"][i] != k), f"{arr} is not 0 outside {tname}")
    print(f"check_vtk: cells ok ({len(times)} times, {n} cells at the end, {dead} dead)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--origin", type=float, nargs=3, required=True)
    p.add_argument("--state-arrays", default="", help="comma-separated names of the state-variable arrays")
    p.add_argument("--svar-rate", nargs=4, action="append", default=[], metavar=("ARRAY", "TYPE", "RATE", "N"))
    p.add_argument("--svar-positive", nargs=2, action="append", default=[], metavar=("ARRAY", "TYPE"))
    args = p.parse_args()
    summary = json.load(open(os.path.join(args.out, "summary.json")))
    rows = list(csv.DictReader(open(os.path.join(args.out, "timeseries.csv"))))
    times = [float(r["time"]) for r in rows]
    check(len(times) > 1, "expected several output times")
    check_fields(args.out, summary, rows, times, args.origin)
    if "cells" in summary:
        rates = [(a, t, float(r), int(n)) for a, t, r, n in args.svar_rate]
        check_cells(args.out, summary, rows, times, [s for s in args.state_arrays.split(",") if s], rates,
                    args.svar_positive)
    else:
        check(not os.path.exists(os.path.join(args.out, "cells.pvd")), "cells.pvd without cells")


if __name__ == "__main__":
    main()
