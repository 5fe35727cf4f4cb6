# The body's outputs (docs/outputs.md, "The body: vessels and plasma"): a small 2D model with vessels and two
# systemic substrates (tests/cli/models/body_small.yaml) writes summary.json's "vessels", "plasma" and
# "mass_balance" (the balance holds: secreted recomputed from the other keys, received = what left the tissue x
# tumour / domain volume, the plasma residual ~ 0), timeseries.csv's plasma_<name>, vessel_density_mean and
# vascular_fraction (finite, positive, equal to the summary at the end), the vessel density field (CSV and .vti,
# equal to each other and to the time series), the vessel overlay in the tissue pictures and the plasma plots
# with their healthy line in the report; the same bytes at 1 and 2 threads. A model without a body writes none
# of it.
source "$(dirname "$0")/lib.bash"
M="$SRC/tests/cli/models/body_small.yaml"
"$STROMA" run "$M" --out "$WORK/o" --quiet --threads 2 || fail "run failed"
# thread-independent: the same bytes at one thread
"$STROMA" run "$M" --out "$WORK/o1" --quiet --threads 1 || fail "run at one thread failed"
for f in summary.json timeseries.csv fields/fields_120.vti fields/vessel_density_120.csv images/tissue_120.png; do
  cmp -s "$WORK/o/$f" "$WORK/o1/$f" || fail "$f differs between 1 and 2 threads"
done
PYTHONPATH="$SRC/tests/cli" python3 - "$WORK/o" <<'PY' || fail "the body's outputs are wrong"
import csv, json, math, os, re, struct, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
rows = list(csv.DictReader(open(os.path.join(d, "timeseries.csv"))))
header = open(os.path.join(d, "timeseries.csv")).readline().strip().split(",")
last = rows[-1]
fin = lambda x: isinstance(x, (int, float)) and math.isfinite(x)
close = lambda a, b, rel: abs(a - b) <= rel * max(abs(a), abs(b))
nx, ny, nz, dx = (s["grid"][k] for k in ("nx", "ny", "nz", "voxel"))
nvox = nx * ny * nz

# summary.json: vessels
v = s["vessels"]
assert list(v) == ["mean_density", "max_density", "vascular_fraction", "vascular_threshold", "volume_um3", "surface_um2", "grown_um3",
                   "regressed_um3", "deposited_um3", "pruned_um3"], list(v)
assert all(fin(x) and x >= 0 for x in v.values()), v
assert 0 < v["mean_density"] <= v["max_density"] <= 0.1 and 0 < v["vascular_fraction"] <= 1, v
assert v["vascular_threshold"] == 0.01 * 0.1, v  # 1 % of max_density
assert close(v["volume_um3"], v["mean_density"] * nvox * dx ** 3, 1e-12), v
assert close(v["surface_um2"], v["volume_um3"] * 2 / 5, 1e-12), v  # capillary radius 5 µm
assert v["grown_um3"] > 0, "VEGF grows vessels"
assert v["mean_density"] == float(last["vessel_density_mean"]), "vessel_density_mean at the end != summary"
assert v["vascular_fraction"] == float(last["vascular_fraction"]), "vascular_fraction at the end != summary"

# summary.json: plasma
p = s["plasma"]
assert list(p) == ["IL6", "VEGF"], list(p)
for name, healthy in (("IL6", 5.2), ("VEGF", 17)):
    assert list(p[name]) == ["value", "unit", "healthy"], p[name]
    assert p[name]["unit"] == "pg/mL" and p[name]["healthy"] == healthy, p[name]
    assert p[name]["value"] == float(last["plasma_" + name]), f"plasma_{name} at the end != summary"
    assert p[name]["value"] > healthy, f"the tumour's {name} does not reach plasma: {p[name]}"

# summary.json: mass balance
keys = ["tissue_unit", "clinical_unit", "tissue0", "tissue", "decayed", "exchanged", "drained", "secreted",
        "plasma0", "plasma", "produced", "received", "cleared", "plasma_residual"]
scale = 10 / (nvox * dx ** 3)  # conversion 1 x tumour volume (mL) / domain volume (µm³)
for name, healthy in (("IL6", 5.2), ("VEGF", 17)):
    b = s["mass_balance"][name]
    assert list(b) == keys, list(b)
    assert b["tissue_unit"] == "pg/mL" and b["clinical_unit"] == "pg/mL", b
    assert all(fin(b[k]) for k in keys[2:]), b  # no Dirichlet boundary: decayed is accounted
    known = b["tissue"] - b["tissue0"] + b["decayed"] + b["exchanged"] + b["drained"]
    assert b["secreted"] > 0 and close(b["secreted"], known, 1e-9), (name, b["secreted"], known)
    assert b["tissue"] == s["substrates"][name]["total"], (name, b["tissue"], s["substrates"][name]["total"])
    assert b["tissue0"] == 0 and b["exchanged"] > 0, b
    assert close(b["plasma0"], 3000 * healthy, 1e-15) and close(b["plasma"], 3000 * p[name]["value"], 1e-15), b
    assert close(b["received"], (b["exchanged"] + b["drained"]) * scale, 1e-9), (b["received"], scale)
    resid = b["plasma"] - b["plasma0"] - b["produced"] - b["received"] + b["cleared"]
    assert abs(b["plasma_residual"] - resid) <= 1e-9 * b["produced"], (b["plasma_residual"], resid)
    assert abs(b["plasma_residual"]) <= 1e-9 * max(b["plasma"], b["produced"], b["cleared"]), b
assert s["mass_balance"]["IL6"]["drained"] > 0 and s["mass_balance"]["VEGF"]["drained"] == 0

# timeseries.csv: the new columns after the old ones, finite and positive
assert header[-4:] == ["plasma_IL6", "plasma_VEGF", "vessel_density_mean", "vascular_fraction"], header
assert header[:-4] == ["time"] + [f"{n}_{k}" for n in ("oxygen", "VEGF", "IL6") for k in ("mean", "total")] + \
    ["cells_cancer", "cells_dead"], header
assert [float(r["time"]) for r in rows] == [0, 30, 60, 90, 120], [r["time"] for r in rows]
for r in rows:
    for c in header[-4:]:
        x = float(r[c])
        assert math.isfinite(x) and x > 0, (r["time"], c, r[c])
    assert float(r["vessel_density_mean"]) <= 0.1 and float(r["vascular_fraction"]) <= 1, r
assert float(rows[0]["plasma_IL6"]) == 5.2 and float(rows[0]["plasma_VEGF"]) == 17, rows[0]

# the vessel density field: CSV per output time, equal to the .vti array and the time series
for r in rows:
    t = "%g" % float(r["time"])
    f = list(csv.DictReader(open(os.path.join(d, "fields", f"vessel_density_{t}.csv"))))
    assert len(f) == nvox and list(f[0]) == ["x", "y", "z", "value"], (len(f), list(f[0]))
    vals = [float(x["value"]) for x in f]
    acc = 0.0
    for x in vals:  # stroma's order
        acc += x
    assert acc / nvox == float(r["vessel_density_mean"]), f"vessel_density_{t}.csv mean != timeseries.csv"
    assert sum(x >= v["vascular_threshold"] for x in vals) / nvox == float(r["vascular_fraction"]), t
    vti = open(os.path.join(d, "fields", f"fields_{t}.vti"), "rb").read()
    head = vti[:vti.index(b"<AppendedData")].decode()
    names = re.findall(r'<DataArray type="Float64" Name="([^"]+)" format="appended"', head)
    assert names == ["oxygen", "VEGF", "IL6", "vessel_density"], names
    off = int(re.search(r'Name="vessel_density" format="appended" offset="(\d+)"', head).group(1))
    at = vti.index(b"_", vti.index(b"<AppendedData")) + 1 + off
    (n,) = struct.unpack("<Q", vti[at:at + 8])
    assert n == 8 * nvox and list(struct.unpack(f"<{nvox}d", vti[at + 8:at + 8 + n])) == vals, t

# the report: one plasma plot per systemic substrate with its healthy line (green), the vessel plot
from png import read_png, count_colour
html = open(os.path.join(d, "report.html")).read()
for name in ("IL6", "VEGF"):
    assert f"<code>images/plot_{name}_plasma.png</code>" in html and f'alt="Plasma {name}"' in html, name
    green = count_colour(read_png(os.path.join(d, "images", f"plot_{name}_plasma.png")), (33, 140, 33))
    assert green > 300, f"plot_{name}_plasma.png has no healthy line ({green} green pixels)"
assert "<code>images/plot_vessels.png</code>" in html and "Plasma at the end" in html
assert "Mass balance over the run" in html and "Vessels at the end" in html
assert "plot_vessel_density_mean.png" not in html
PY

# The vessels in the pictures: the same start with the listed vessel twice as dense differs exactly there, redder
# (the overlay's opacity follows the density).
mkdir "$WORK/dense" # the same file name: the picture's title shows it
sed 's/radius: 20, density: 0.05/radius: 20, density: 0.1/' "$M" >"$WORK/dense/body_small.yaml"
cmp -s "$M" "$WORK/dense/body_small.yaml" && fail "could not make the denser model"
"$STROMA" run "$M" --out "$WORK/p1" --end 0.1 --quiet || fail "picture run 1 failed"
"$STROMA" run "$WORK/dense/body_small.yaml" --out "$WORK/p2" --end 0.1 --quiet || fail "picture run 2 failed"
PYTHONPATH="$SRC/tests/cli" python3 - "$WORK/p1/images/tissue_0.0.png" "$WORK/p2/images/tissue_0.0.png" <<'PY' \
  || fail "the vessels are not drawn as documented"
import sys
from png import read_png
a, b = read_png(sys.argv[1]), read_png(sys.argv[2])
assert len(a) == len(b) and len(a[0]) == len(b[0])
diff = [(y, x) for y in range(len(a)) for x in range(len(a[0])) if a[y][x] != b[y][x]]
# the listed vessel: 2 voxel rows across the map (≈ 2 x 17 px by ≈ 340 px)
assert len(diff) > 5000, f"only {len(diff)} pixels differ"
rows = sorted({y for y, _ in diff})
assert rows[-1] - rows[0] < 60, f"the difference spans rows {rows[0]}..{rows[-1]}: not one band"
redder = sum(1 for y, x in diff if b[y][x][0] > a[y][x][0] and b[y][x][2] < a[y][x][2])
assert redder == len(diff), f"{len(diff) - redder} of {len(diff)} differing pixels are not redder"
PY

# ParaView: the VTK library reads the vessel_density array and it agrees with the CSVs and summary.json
PY=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import vtkmodules.vtkIOXML' 2>/dev/null; then PY=$p; break; fi
done
if [ -n "$PY" ]; then
  "$PY" "$SRC/tests/cli/check_vtk.py" "$WORK/o" --origin 0 0 0 || fail "the .vti files do not read back"
else
  echo "body_outputs: no python3 with the vtk module: the VTK read-back is skipped"
fi

# A model without vessels or a body writes none of it.
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/plain" --end 10 --quiet || fail "plain run failed"
python3 - "$WORK/plain" <<'PY' || fail "a model without a body has body outputs"
import json, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
assert not {"vessels", "plasma", "mass_balance"} & set(s), list(s)
head = open(os.path.join(d, "timeseries.csv")).readline()
assert "plasma_" not in head and "vessel" not in head, head
assert not [f for f in os.listdir(os.path.join(d, "fields")) if "vessel" in f]
assert "Plasma at the end" not in open(os.path.join(d, "report.html")).read()
PY
echo "body_outputs: ok"
