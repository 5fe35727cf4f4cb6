# Validation target 2 (docs/tumour_stroma.md; Franko & Sutherland 1979): a spheroid grows a necrotic core once its
# diameter passes about 400-600 um. The spheroids are the cancer cells of models/tumour_stroma_3d.yaml in culture:
# the model file with, by a textual edit here, a 1 mm cube of medium whose faces hold oxygen at 38 mmHg (PhysiCell's
# sample value), no vessels, body, recruitment or matrix, and only cancer cells, filling a ball at their volume
# (2494 um^3 each) - diameters 300, 400, 500 and 600 um - for SPHEROID_END min (default 120). The cells, their
# oxygen uptake (10 /min), necrosis (below 5 mmHg) and every rule are the model's. By symmetry only one octant is
# simulated: the spheroid's centre is the domain's corner (0, 0, 0), whose three faces are no-flux (mirror planes;
# cells feel them as walls), the other three hold the medium; counts are printed for the whole ball (x 8).
# dt_diffusion is 0.01 min (SPHEROID_DT; PhysiCell's), not the model's 0.1: at D dt / dx^2 = 25 the LOD splitting
# underestimates the depletion of a dense ball (centre of the 300 um spheroid 24.5 mmHg at 0.1, 18.3 at 0.01,
# 17.5 at 0.001). The smallest diameter with necrotic cells (cells CSV `state`) must lie in [400, 600] um, and
# there necrotic cells must sit nearer the centre than live ones. Prints, per diameter, the cells, the necrotic
# ones and the pO2 at the centre (the field's minimum).
source "$(dirname "$0")/lib.bash"
END=${SPHEROID_END:-120}
DTD=${SPHEROID_DT:-0.01}
python3 - "$SRC" "$WORK" "$END" "$DTD" <<'PY' || fail "could not derive the spheroid models"
import math, os, random, re, sys
src, work, end, dtd = sys.argv[1:5]
sys.path.insert(0, os.path.join(src, "models", "variants"))
import generate
base = open(os.path.join(src, "models", "tumour_stroma_3d.yaml")).read()
# oxygen: the medium's 38 mmHg at the start and on the three far faces
sub = re.compile(r"(\n  oxygen:\n(?:    .*\n|\s+#.*\n)*?)    initial: 46[^\n]*\n(?: {20,}#[^\n]*\n)*")
assert sub.search(base), "oxygen's initial value not found in models/tumour_stroma_3d.yaml"
base = sub.sub(lambda m: m.group(1) + "    initial: 38\n    boundary: {x_max: 38, y_max: 38, z_max: 38}\n", base, 1)
vol = float(re.search(r"\n  cancer:\n    volume: ([0-9.]+)", base).group(1))
for d in (300, 400, 500, 600):
    r = d / 2
    n = round(math.pi * d ** 3 / 6 / vol / 8)       # one octant of the ball, filled at the cells' volume
    rng = random.Random(d)
    rows = ["x,y,z,type"]
    while len(rows) <= n:
        p = [rng.uniform(0, r) for _ in range(3)]
        if math.hypot(*p) <= r:
            rows.append("%.3f,%.3f,%.3f,cancer" % tuple(p))
    open(os.path.join(work, f"cells_{d}.csv"), "w").write("\n".join(rows) + "\n")
    over = f"""# spheroid {d} um in culture (tests/cli/spheroid3d_necrosis.sh)
domain: {{x: [0, 500], y: [0, 500], z: [0, 500], voxel: 20}}
time: {{end: {end}, dt_diffusion: {dtd}, dt_mechanics: 0.1, dt_phenotype: 6}}
vessels: ~
recruitment: ~
body: ~
indices: ~
tissue: ~
ecm: {{initial: 0}}
initial_cells:
  - {{file: cells_{d}.csv}}
outputs: {{every: {end}, cells: [csv]}}
"""
    open(os.path.join(work, f"sph_{d}.yaml"), "w").write(generate.build(base, over))
PY
for d in 300 400 500 600; do
  "$STROMA" run "$WORK/sph_$d.yaml" --out "$WORK/o$d" --quiet || fail "run diameter $d"
done
python3 - "$WORK" "$END" <<'PY' || fail "necrotic onset"
import csv, json, math, os, sys
w, end = sys.argv[1], sys.argv[2]
onset, res = None, {}
for d in (300, 400, 500, 600):
    rows = list(csv.DictReader(open(os.path.join(w, f"o{d}", "cells", f"cells_{end}.csv"))))
    po2 = json.load(open(os.path.join(w, f"o{d}", "summary.json")))["substrates"]["oxygen"]["min"]
    nec = [math.dist((float(r["x"]), float(r["y"]), float(r["z"])), (0, 0, 0)) for r in rows if r["state"] == "necrotic"]
    live = [math.dist((float(r["x"]), float(r["y"]), float(r["z"])), (0, 0, 0)) for r in rows if r["state"] == "live"]
    res[d] = (nec, live)
    line = f"diameter {d} um: {8 * len(rows)} cells, {8 * len(nec)} necrotic, centre pO2 {po2:.2f} mmHg"
    if nec:
        line += f"; mean distance from the centre: necrotic {sum(nec) / len(nec):.0f} um, live {sum(live) / len(live):.0f} um"
    print(line)
    if nec and onset is None:
        onset = d
print(f"necrotic onset: diameter {onset} um (target 400-600, Franko & Sutherland 1979)")
assert onset is not None, "no necrotic core up to 600 um"
assert 400 <= onset <= 600, f"necrotic onset at {onset} um, outside 400-600"
big = max(d for d in res if res[d][0])
nec, live = res[big]
assert sum(nec) / len(nec) < 0.75 * sum(live) / len(live), "necrotic cells are not nearer the centre"
PY
echo "spheroid3d_necrosis: ok"
