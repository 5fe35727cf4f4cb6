# What a pathologist and a clinician read (docs/outputs.md, "Pathology and clinical indices"): summary.json `ihc`,
# `tissue` and `indices` and their timeseries.csv columns for tests/cli/models/markers_small.yaml (2D), recomputed
# independently from the cell and field CSVs (a marker on a substrate, the tumour region, its margin, the CD8
# counts, the pO2 medians and ECM means, by a Python reimplementation of the documented definitions) and from the
# plasma values (the indices' formula); the last row equals the summary; 1 and 2 threads give the same bytes; the
# picture coloured by a marker has both stains; a 3D model names its keys per mm³; a model without the sections
# writes none of it.
source "$(dirname "$0")/lib.bash"
M="$SRC/tests/cli/models/markers_small.yaml"
for t in 1 2; do
  "$STROMA" run "$M" --out "$WORK/t$t" --threads $t --quiet || fail "run with $t threads"
done
for f in summary.json timeseries.csv; do cmp "$WORK/t1/$f" "$WORK/t2/$f" || fail "$f differs between 1 and 2 threads"; done
python3 - "$WORK/t1" "$SRC/tests/cli" <<'PY'
import csv, json, math, sys
out, here = sys.argv[1], sys.argv[2]
sys.path.insert(0, here)
s = json.load(open(f"{out}/summary.json"))
rows = list(csv.DictReader(open(f"{out}/timeseries.csv")))
last = rows[-1]
types = ["cancer", "CAF", "CD8_T"]
pops = types + ["stroma"]
markers = ["Ki67", "SMA", "CA9", "CD8", "SMA_hypoxic"]
ihc = s["ihc"]
assert list(ihc) == pops, list(ihc)
for p in pops:
    assert list(ihc[p]) == markers, (p, list(ihc[p]))
    for k in markers:
        v = ihc[p][k]
        assert v is not None and 0 <= v <= 1, (p, k, v)
        assert float(last[f"ihc_{p}_{k}"]) == v, (p, k, last[f"ihc_{p}_{k}"], v)
# type membership and restriction to types
assert ihc["CD8_T"]["CD8"] == 1 and ihc["cancer"]["CD8"] == 0 and ihc["CAF"]["CD8"] == 0
assert ihc["cancer"]["SMA"] == 0 and ihc["CD8_T"]["CA9"] == 0
# a group is the live-count-weighted mean of its types
n = s["cells"]
for k in markers:
    want = (ihc["CAF"][k] * n["CAF"] + ihc["CD8_T"][k] * n["CD8_T"]) / (n["CAF"] + n["CD8_T"])
    assert abs(ihc["stroma"][k] - want) <= 1e-12, (k, ihc["stroma"][k], want)
# the scenario is not trivial: some cancer cells are hypoxic and some are not, Ki67 likewise
assert 0 < ihc["cancer"]["CA9"] < 1 and 0 < ihc["cancer"]["Ki67"] < 1, ihc["cancer"]
# fractions at every output time
for r in rows:
    for p in pops:
        for k in markers:
            x = r[f"ihc_{p}_{k}"]
            assert x == "" or 0 <= float(x) <= 1, (r["time"], p, k, x)

# ---- independent recomputation from the CSV files at the last output time ----
t = s["time"]
tag = "%.10g" % t
cells = list(csv.DictReader(open(f"{out}/cells/cells_{tag}.csv")))
def field(name):
    return [float(r["value"]) for r in csv.DictReader(open(f"{out}/fields/{name}_{tag}.csv"))]
lo, dx, nx, ny = 0.0, 20.0, 20, 20
def vox(c):
    i = min(max(int((float(c["x"]) - lo) // dx), 0), nx - 1)
    j = min(max(int((float(c["y"]) - lo) // dx), 0), ny - 1)
    return j * nx + i
o2 = field("oxygen")
live = [c for c in cells if c["state"] == "live"]
cancer = [c for c in live if c["type"] == "cancer"]
ca9 = sum(1 for c in cancer if o2[vox(c)] < 17.3) / len(cancer)
assert ca9 == ihc["cancer"]["CA9"], (ca9, ihc["cancer"]["CA9"])
# the tumour region: cover (pi r^2 / dx^2 of every cancer cell, live or dead, in id order), mean over the voxel
# centres within 50 µm, >= 0.3, holes filled from the faces, margin within 80 µm of a tumour voxel centre
cover = [0.0] * (nx * ny)
for c in cells:
    if c["type"] == "cancer":
        r = float(c["radius"])
        cover[vox(c)] += math.pi * r * r / (dx * dx)
reach = int(math.floor(50 / dx * (1 + 1e-12)))
zone = [0] * (nx * ny)
for j in range(ny):
    for i in range(nx):
        tot, cnt = 0.0, 0
        for dj in range(-reach, reach + 1):
            for di in range(-reach, reach + 1):
                ii, jj = i + di, j + dj
                if not (0 <= ii < nx and 0 <= jj < ny) or (di * di + dj * dj) * dx * dx > 50 * 50 * (1 + 1e-12):
                    continue
                tot += cover[jj * nx + ii]
                cnt += 1
        zone[j * nx + i] = 1 if tot >= 0.3 * cnt else 0
seen = [False] * (nx * ny)
stack = [j * nx + i for j in range(ny) for i in range(nx) if (i in (0, nx - 1) or j in (0, ny - 1)) and zone[j * nx + i] == 0]
for w in stack:
    seen[w] = True
while stack:
    w = stack.pop()
    i, j = w % nx, w // nx
    for ii, jj in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
        if 0 <= ii < nx and 0 <= jj < ny:
            u = jj * nx + ii
            if not seen[u] and zone[u] == 0:
                seen[u] = True
                stack.append(u)
zone = [1 if (z == 1 or not seen[w]) else 0 for w, z in enumerate(zone)]
tum = [w for w in range(nx * ny) if zone[w] == 1]
assert tum, "no tumour voxel"
for w in range(nx * ny):
    if zone[w] == 0:
        i, j = w % nx, w // nx
        d2 = min((i - u % nx) ** 2 + (j - u // nx) ** 2 for u in tum)
        if d2 * dx * dx <= 80 * 80:
            zone[w] = 2
T = s["tissue"]
keys = ["tumour_cells", "tumour_area_mm2", "margin_area_mm2", "cd8_in_tumour", "cd8_margin", "cd8_in_tumour_per_mm2",
        "cd8_margin_per_mm2", "ecm_mean", "ecm_mean_normal", "vessel_density", "vessel_density_normal",
        "median_po2_tumour", "median_po2_normal"]
assert list(T) == keys, list(T)
for k in keys:
    assert float(last[f"tissue_{k}"]) == T[k], (k, last[f"tissue_{k}"], T[k])
a_t = zone.count(1) * (dx * 1e-3) ** 2
a_m = zone.count(2) * (dx * 1e-3) ** 2
assert abs(T["tumour_area_mm2"] - a_t) <= 1e-15, (T["tumour_area_mm2"], a_t)
assert abs(T["margin_area_mm2"] - a_m) <= 1e-15, (T["margin_area_mm2"], a_m)
assert T["tumour_cells"] == n["cancer"] == len(cancer)
cd8 = [c for c in live if c["type"] == "CD8_T"]
inside = sum(1 for c in cd8 if zone[vox(c)] == 1)
margin = sum(1 for c in cd8 if zone[vox(c)] == 2)
assert (T["cd8_in_tumour"], T["cd8_margin"]) == (inside, margin), (T, inside, margin)
assert inside > 0 and margin > 0 and inside + margin < len(cd8), (inside, margin, len(cd8))
assert abs(T["cd8_in_tumour_per_mm2"] - inside / a_t) <= 1e-12 * T["cd8_in_tumour_per_mm2"]
assert abs(T["cd8_margin_per_mm2"] - margin / a_m) <= 1e-12 * T["cd8_margin_per_mm2"]
def median(v):
    v = sorted(v)
    return v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])
assert T["median_po2_tumour"] == median([o2[w] for w in range(nx * ny) if zone[w] == 1])
assert T["median_po2_normal"] == median([o2[w] for w in range(nx * ny) if zone[w] == 0])
assert T["median_po2_tumour"] < T["median_po2_normal"], T  # the nest consumes oxygen
ecm = field("ECM")
for k, z in (("ecm_mean", 1), ("ecm_mean_normal", 0)):
    v = [ecm[w] for w in range(nx * ny) if zone[w] == z]
    assert abs(T[k] - sum(v) / len(v)) <= 1e-12 * T[k], (k, T[k])
assert T["ecm_mean"] > T["ecm_mean_normal"] == 1, T  # CAFs around the nest lay down matrix; none far away
assert 0 <= T["vessel_density"] < T["vessel_density_normal"], T  # the vessels run along the faces

# ---- indices: the documented formula from the plasma values ----
P = s["plasma"]
def term(name, K, hill=1.0):
    x = max(0.0, P[name]["value"] - P[name]["healthy"])
    return (x / K) ** hill / (1 + (x / K) ** hill) if x > 0 else 0.0
cach = term("IL6", 5)
niche = (1 * term("VEGF", 2, 2) + 0.5 * term("IL6", 20)) / 1.5
I = s["indices"]
assert list(I) == ["cachexia", "premetastatic_niche"], I
assert abs(I["cachexia"] - cach) <= 1e-12 and abs(I["premetastatic_niche"] - niche) <= 1e-12, (I, cach, niche)
assert 0 < I["cachexia"] < 1, I
for k in I:
    assert float(last[f"index_{k}"]) == I[k]
# the picture coloured by CA9: DAB-brown and haematoxylin-blue cells both drawn
from png import read_png
px = read_png(f"{out}/images/tissue_{tag}.png")
colours = {p for row in px for p in row}
assert (140, 81, 25) in colours and (163, 177, 214) in colours, "marker colours missing from the picture"
print("markers_outputs: summary, time series, recomputation and picture ok")
PY
# the report shows the tables and the indices' plot
grep -q "Virtual IHC at the end" "$WORK/t1/report.html" || fail "report lacks the IHC table"
grep -q "Tissue at the end" "$WORK/t1/report.html" || fail "report lacks the tissue table"
[ -f "$WORK/t1/images/plot_indices.png" ] || fail "no plot of the indices"
# 3D (the every-feature model): volumes and densities per mm³, no per-mm² key
"$STROMA" run "$SRC/tests/data/every_feature/model.yaml" --out "$WORK/ef" --end 30 --quiet || fail "every-feature run"
python3 - "$WORK/ef/summary.json" <<'PY'
import json, sys
T = json.load(open(sys.argv[1]))["tissue"]
for k in ("tumour_volume_mm3", "margin_volume_mm3", "cd8_in_tumour_per_mm3", "cd8_margin_per_mm3"):
    assert k in T, (k, list(T))
assert not any(k.endswith("_mm2") for k in T), list(T)
assert T["tumour_volume_mm3"] > 0, T
PY
# a model without markers, tissue or indices writes none of it
"$STROMA" run "$SRC/tests/cli/models/body_small.yaml" --out "$WORK/plain" --end 30 --quiet || fail "body_small run"
python3 - "$WORK/plain" <<'PY'
import csv, json, sys
s = json.load(open(f"{sys.argv[1]}/summary.json"))
assert not {"ihc", "tissue", "indices"} & set(s), list(s)
head = next(csv.reader(open(f"{sys.argv[1]}/timeseries.csv")))
assert not [h for h in head if h.startswith(("ihc_", "tissue_", "index_"))], head
PY
echo "markers_outputs: ok"
