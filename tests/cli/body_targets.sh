# The shipped models against the validation targets of the body (docs/body.md, "The shipped models"):
# - models/healthy.yaml (no tumour): plasma IL-6 stays at about 5 pg/mL (within 3-8; Said 2021), VEGF at about
#   17 pg/mL (Salven 1997), and the tissue's median pO2 near normal (40-52 mmHg; McKeown 2014);
# - models/tumour_stroma.yaml (the default scenario): the median pO2 of the voxels holding cancer cells within
#   2-32 mmHg and at least 1.5x below the rest of the tissue (McKeown 2014's tumours are 3-5x below normal; the
#   default scenario reaches about 1.8x, see docs/body.md); plasma IL-6 in 10-50 pg/mL at the end (Lane 2011);
#   plasma VEGF rising with the tumour from its healthy 17 pg/mL, by at least 20 % at the end.
# Each run takes a few seconds; the figures are printed.
source "$(dirname "$0")/lib.bash"
"$STROMA" run "$SRC/models/healthy.yaml" --out "$WORK/healthy" --quiet || fail "healthy.yaml does not run"
"$STROMA" run "$SRC/models/tumour_stroma.yaml" --out "$WORK/tumour" --quiet || fail "tumour_stroma.yaml does not run"
python3 - "$WORK" <<'PY' || fail "a body target is not met"
import csv, json, os, statistics, sys
w = sys.argv[1]

def final(run):
    s = json.load(open(os.path.join(w, run, "summary.json")))
    rows = list(csv.DictReader(open(os.path.join(w, run, "timeseries.csv"))))
    return s, rows

def pO2(run, t):
    """Median pO2 of the voxels holding live cancer cells and of the others, at output time t."""
    field = list(csv.DictReader(open(os.path.join(w, run, "fields", f"oxygen_{t}.csv"))))
    cells = list(csv.DictReader(open(os.path.join(w, run, "cells", f"cells_{t}.csv"))))
    key = lambda x, y: (round(float(x), 6), round(float(y), 6))
    dx = float(field[1]["x"]) - float(field[0]["x"])
    def centre(v): return (int(v // dx) + 0.5) * dx
    tumour = {key(centre(float(c["x"])), centre(float(c["y"]))) for c in cells
              if c["type"] == "cancer" and c["state"] == "live"}
    inside = [float(r["value"]) for r in field if key(r["x"], r["y"]) in tumour]
    outside = [float(r["value"]) for r in field if key(r["x"], r["y"]) not in tumour]
    return statistics.median(inside) if inside else None, statistics.median(outside), len(inside)

hs, hrows = final("healthy")
ts, trows = final("tumour")
hp, tp = hs["plasma"], ts["plasma"]
il6_h, vegf_h = hp["IL6"]["value"], hp["VEGF"]["value"]
il6_t, vegf_t = tp["IL6"]["value"], tp["VEGF"]["value"]
_, normal, _ = pO2("healthy", 1440)
tum, rest, n = pO2("tumour", 1440)
print(f"healthy: plasma IL-6 {il6_h:.2f} pg/mL, VEGF {vegf_h:.2f} pg/mL, tissue median pO2 {normal:.1f} mmHg")
print(f"tumour:  plasma IL-6 {il6_t:.2f} pg/mL, VEGF {vegf_t:.2f} pg/mL, tumour median pO2 {tum:.1f} mmHg "
      f"({n} voxels) vs {rest:.1f} mmHg elsewhere ({rest / tum:.2f}x)")
assert 3 <= il6_h <= 8 and abs(il6_h - 5.2) < 0.5, il6_h
assert abs(vegf_h - 17) < 0.5, vegf_h
assert 40 <= normal <= 52, normal
assert tum is not None and 2 <= tum <= 32, tum
assert rest / tum >= 1.5, (tum, rest)
assert 10 <= il6_t <= 50, il6_t
vegf = [float(r["plasma_VEGF"]) for r in trows]
assert vegf[0] == 17 and vegf_t >= 1.2 * 17, vegf
assert all(b >= a - 0.05 * a for a, b in zip(vegf, vegf[1:])), f"plasma VEGF falls: {vegf}"
il6 = [float(r["plasma_IL6"]) for r in trows]
assert all(b >= a for a, b in zip(il6, il6[1:])), f"plasma IL-6 falls: {il6}"
PY
echo "body_targets: ok"
