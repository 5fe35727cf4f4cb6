# The report's tissue viewer, driven in headless Chromium by Selenium (report_interactive.py): the slider changes
# the picture, the time and the plots' cursors; the substrate and the colour-by choice change the picture; hovering
# over a cell from the cells CSV shows its id and values; clicking a plot moves the slider; no console message —
# for a 2D run (field and cell CSVs), a 3D run (fields as .vti only: the mid plane), a run without cells, one
# without field files and one with a body (fields as both .vti and CSV, vessels; plasma plots). The embedded
# data are checked against the files (fields at Float32 precision, the 3D plane as the mean of the two middle
# layers) and `stroma report DIR` rebuilds each page byte for byte.
source "$(dirname "$0")/lib.bash"
command -v chromium >/dev/null || fail "chromium is not installed (Debian package chromium; make deps installs it)"
command -v chromedriver >/dev/null || fail "chromedriver is not installed (Debian package chromium-driver; make deps installs it)"
PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c "import selenium" 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || fail "no python3 with selenium (Debian package python3-selenium; make deps installs it)"

"$STROMA" run "$SRC/tests/cli/models/viewer2d.yaml" --out "$WORK/v2" --quiet || fail "2D run failed"
"$STROMA" run "$SRC/tests/cli/models/viewer3d.yaml" --out "$WORK/v3" --quiet || fail "3D run failed"
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/nocells" --quiet || fail "run without cells failed"
"$STROMA" run "$SRC/tests/cli/models/viewer2d.yaml" --out "$WORK/nofields" --quiet --set 'outputs.fields=[]' ||
  fail "run without field files failed"
"$STROMA" run "$SRC/tests/cli/models/body_small.yaml" --out "$WORK/body" --quiet --set 'outputs.cells=[csv]' ||
  fail "run with a body failed"

# The embedded data against the run's files.
"$PY" - "$WORK" <<'PY' || fail "the viewer's data do not match the files"
import base64, json, math, os, re, struct, sys
W = sys.argv[1]

def run_data(d):
    text = open(os.path.join(d, "report.html"), encoding="utf-8").read()
    m = re.search(r"<script>const STROMA_RUN = (\{.*?\});\n", text, re.S)
    assert m, f"{d}: no STROMA_RUN"
    return json.loads(m.group(1))

def f32(b):
    raw = base64.b64decode(b, validate=True)
    return struct.unpack(f"<{len(raw) // 4}f", raw)

def close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))

# 2D: every output time, the field planes equal fields/<name>_<t>.csv, the cells equal cells_<t>.csv
R = run_data(os.path.join(W, "v2"))
assert R["times"] == [0, 30, 60, 90, 120] and R["total_times"] == 5, R["times"]
assert R["dim"] == 2 and R["plane"] is None and R["n"] == [20, 15] and R["lo"] == [0, 0], R
assert [f["name"] for f in R["fields"]] == ["oxygen", "IL6"] and R["fields"][1]["unit"] == "pg/mL"
assert R["types"] == ["cancer", "macrophage"], R["types"]
for k, t in enumerate(R["times"]):
    for fd in R["fields"]:
        plane = f32(fd["frames"][k])
        rows = open(os.path.join(W, "v2", "fields", f"{fd['name']}_{t}.csv")).read().split("\n")[1:]
        for line in filter(None, rows):
            x, y, z, v = map(float, line.split(","))
            i, j = int(x // 20), int(y // 20)
            assert close(plane[j * 20 + i], v), (fd["name"], t, x, y, plane[j * 20 + i], v)
    cells = [l.split(",") for l in open(os.path.join(W, "v2", "cells", f"cells_{t}.csv")).read().split("\n") if l]
    head, body = cells[0], cells[1:]
    assert R["columns"] == head, (R["columns"], head)
    fr = R["cells"][k]
    assert fr["n"] == len(body), (t, fr["n"], len(body))
    for c, name in enumerate(head):
        col = f32(fr["cols"][c])
        for r, row in enumerate(body):
            got = col[0] if len(col) == 1 else col[r]
            want = R["types"].index(row[c]) if name == "type" else ["live", "apoptotic", "necrotic"].index(row[c]) \
                if name == "state" else float(row[c])
            assert close(got, want), (t, name, r, got, want)
# 3D: fields only in .vti; the plane z = 40 um is the mean of layers 1 and 2; only the cells it cuts
R = run_data(os.path.join(W, "v3"))
assert R["dim"] == 3 and R["plane"] == {"axis": "z", "um": 40} and R["n"] == [10, 8], R
for k, t in enumerate(R["times"]):
    raw = open(os.path.join(W, "v3", "fields", f"fields_{t}.vti"), "rb").read()
    data = raw[raw.index(b"_", raw.index(b"<AppendedData")) + 1:]
    n, = struct.unpack("<Q", data[:8])
    vals = struct.unpack(f"<{n // 8}d", data[8:8 + n])  # oxygen: the first array
    plane = f32(R["fields"][0]["frames"][k])
    for j in range(8):
        for i in range(10):
            want = 0.5 * (vals[(1 * 8 + j) * 10 + i] + vals[(2 * 8 + j) * 10 + i])
            assert close(plane[j * 10 + i], want), (t, i, j, plane[j * 10 + i], want)
    lines = [l.split(",") for l in open(os.path.join(W, "v3", "cells", f"cells_{t}.csv")).read().split("\n") if l]
    head, body = lines[0], lines[1:]
    zc, rc = head.index("z"), head.index("radius")
    cut = [r for r in body if abs(float(r[zc]) - 40) < float(r[rc])]
    assert 0 < len(cut) < len(body) and R["cells"][k]["n"] == len(cut), (t, len(cut), len(body))
# without cells: no cell data, the fields there; without fields: the cells, no field, the cells' extent
R = run_data(os.path.join(W, "nocells"))
assert all(c is None for c in R["cells"]) and len(R["fields"]) == 2 and R["times"] == [0, 10, 20, 30]
R = run_data(os.path.join(W, "nofields"))
assert R["fields"] == [] and all(c is not None for c in R["cells"]) and R["n"] == [0, 0]
# with a body: the .vti's arrays (the substrates, then vessel_density), a plot per plasma value
R = run_data(os.path.join(W, "body"))
names = [f["name"] for f in R["fields"]]
assert names[-1] == "vessel_density" and R["fields"][-1]["unit"] == "volume fraction", names
assert [p["title"] for p in R["plots"] if p["title"].endswith(" in plasma")], [p["title"] for p in R["plots"]]
PY

grep -q 'id="v-empty"' "$WORK/v2/report.html" && fail "the 2D run's viewer says it has nothing to draw"
"$STROMA" run "$SRC/tests/cli/models/viewer2d.yaml" --out "$WORK/vtp" --quiet --end 30 --set 'outputs.cells=[vtp]' ||
  fail "run with .vtp cells failed"
grep -q 'The cells were written as .vtp files only' "$WORK/vtp/report.html" || fail "cells in .vtp only: no note"
grep -q 'The cells were written as .vtp' "$WORK/v2/report.html" && fail "cells in CSV: a note about .vtp"
for d in v2 v3 nocells nofields body; do
  cp "$WORK/$d/report.html" "$WORK/$d.first.html"
  "$STROMA" report "$WORK/$d" >/dev/null || fail "stroma report $d failed"
  cmp "$WORK/$d.first.html" "$WORK/$d/report.html" || fail "$d: the rebuilt report differs"
done

"$PY" "$SRC/tests/cli/report_interactive.py" "$WORK/v2" || fail "2D report"
"$PY" "$SRC/tests/cli/report_interactive.py" "$WORK/v3" --3d || fail "3D report"
"$PY" "$SRC/tests/cli/report_interactive.py" "$WORK/nocells" --no-cells || fail "report of a run without cells"
"$PY" "$SRC/tests/cli/report_interactive.py" "$WORK/nofields" --no-fields || fail "report of a run without fields"
"$PY" "$SRC/tests/cli/report_interactive.py" "$WORK/body" --plasma || fail "report of a run with a body"
echo "report_interactive: ok"
