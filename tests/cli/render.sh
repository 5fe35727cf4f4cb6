# Tissue pictures as a set, and `stroma render DIR`: one colour scale over all pictures of a run (a voxel held at
# a fixed value has the same colour in every picture while the field's maximum grows; outputs.images.range fixes
# it), names that sort in time order (zero-padded; decimals for fractional times), the animation
# images/tissue.webp (RIFF/VP8X/ANIM, one ANMF per picture of the pictures' size; 100 evenly spread of a run
# with more), `stroma render DIR` reproducing the run's pictures byte for byte (2D with a marker, vessels and
# matrix; 3D), --color-by and --field none changing the picture, --every thinning them out (earlier pictures
# removed, report.html rebuilt), and the refusals (exit 2, nothing written).
source "$(dirname "$0")/lib.bash"
cd "$WORK"
same_pictures() { # DIR COPY
    local n=0
    for f in "$2"/*; do
        cmp -s "$f" "$1/images/$(basename "$f")" || fail "$1: $(basename "$f") differs after stroma render"
        n=$((n + 1))
    done
    [ "$(ls "$1"/images/tissue* | wc -l)" = "$n" ] || fail "$1: stroma render drew other pictures"
    [ "$n" -ge 3 ] || fail "$1: only $n pictures"
}

# --- one colour scale: IL6 held at 5 in one voxel far from the sources, whose field grows to well over 5 ---
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out held --quiet --end 120 \
    --set 'substrates.IL6.fixed=[{at: [25, 55, 5], value: 5}]' \
    --set 'outputs.images={field: IL6, size: 400}' || fail "held-voxel run failed"
PYTHONPATH="$SRC/tests/cli" python3 - held <<'PY' || fail "the held voxel changes colour between pictures"
import csv, os, sys
from png import read_png
d = sys.argv[1]
names = sorted(f for f in os.listdir(f"{d}/images") if f.startswith("tissue_") and f.endswith(".png"))
times = [float(f[7:-4]) for f in names]
# names sort in time order: zero-padded to the end time's digits (120: three)
assert names == [f"tissue_{t:03d}.png" for t in range(0, 121, 10)], names
assert times == sorted(times)
# the voxel is held at 5 in every frame, the largest value grows well beyond it
def field(t):
    return {(float(r["x"]), float(r["y"])): float(r["value"]) for r in csv.DictReader(open(f"{d}/fields/IL6_{t}.csv"))}
f0, f1 = field(0), field(120)
assert f0[(25.0, 55.0)] == 5 and f1[(25.0, 55.0)] == 5, (f0[(25.0, 55.0)], f1[(25.0, 55.0)])
assert max(f0.values()) == 5 and max(f1.values()) > 20, max(f1.values())
# the voxel's pixel: the map's outline (grey 51) gives its box; 20 x 10 voxels of 10 um
colours = set()
for f in names:
    px = read_png(f"{d}/images/{f}")
    y0 = 30
    xs = [x for x in range(len(px[0])) if px[y0][x] == (51, 51, 51)]
    left, right = xs[0] + 1, xs[1]
    col = [y for y in range(len(px)) if px[y][left + 3] == (51, 51, 51)]
    top, bottom = col[0] + 1, col[1]
    vw, vh = (right - left) / 20, (bottom - top) / 10
    x, y = int(left + 2.5 * vw), int(top + (10 - 1 - 5 + 0.5) * vh)  # voxel (2, 5), y up
    colours.add(px[y][x])
assert len(colours) == 1, f"the held voxel has {len(colours)} colours over {len(names)} pictures: {colours}"
print("one colour scale: ok", colours)
PY

# --- outputs.images.range fixes the scale: the held voxel (5 of [0, 10]) is viridis(0.5), #21918c ---
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out fixed --quiet --end 30 \
    --set 'substrates.IL6.fixed=[{at: [25, 55, 5], value: 5}]' \
    --set 'outputs.images={field: IL6, size: 400, range: [0, 10]}' || fail "fixed-range run failed"
mkdir fixed.run && cp fixed/images/tissue* fixed.run/
"$STROMA" render fixed >/dev/null && same_pictures fixed fixed.run
PYTHONPATH="$SRC/tests/cli" python3 - fixed <<'PY' || fail "outputs.images.range is not the pictures' range"
import os, sys
from png import read_png
d = sys.argv[1]
for f in sorted(f for f in os.listdir(f"{d}/images") if f.startswith("tissue_") and f.endswith(".png")):
    px = read_png(f"{d}/images/{f}")
    xs = [x for x in range(len(px[0])) if px[30][x] == (51, 51, 51)]
    left, right = xs[0] + 1, xs[1]
    col = [y for y in range(len(px)) if px[y][left + 3] == (51, 51, 51)]
    top, bottom = col[0] + 1, col[1]
    vw, vh = (right - left) / 20, (bottom - top) / 10
    c = px[int(top + 4.5 * vh)][int(left + 2.5 * vw)]
    assert all(abs(a - b) <= 2 for a, b in zip(c, (33, 145, 140))), f"{f}: held voxel {c}, not viridis(0.5)"
PY

# --- a run that fails (a field no longer finite at t = 3 min) draws the pictures of the times it reached ---
cat >inf.yaml <<'EOF'
domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}
time: {end: 12, dt_diffusion: 0.1}
substrates:
  oxygen: {diffusion: 1e308, decay: 1e308, initial: 0, boundary: {x_min: 38, y_max: 1e308}}
outputs: {every: 3, images: {size: 200}}
EOF
set +e
"$STROMA" run inf.yaml --out inf --quiet 2>inf.err
rc=$?
set -e
[ $rc = 1 ] || fail "the non-finite run exited $rc: $(cat inf.err)"
grep -q "no longer a finite number at t = 3 min" inf.err || fail "inf: $(cat inf.err)"
grep -q "images/ has the picture of t = 0 min" inf.err || fail "inf: stderr does not say the picture is drawn"
[ "$(cd inf/images && ls tissue* | tr '\n' ' ')" = "tissue.webp tissue_00.png " ] || fail "inf: $(ls inf/images)"

# --- fractional output times: every name has the decimals, and they still sort in time order ---
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out frac --quiet --end 10 \
    --set outputs.every=2.5 --set 'outputs.images={size: 200}' || fail "fractional run failed"
got=$(cd frac/images && ls tissue_*.png | tr '\n' ' ')
[ "$got" = "tissue_00.0.png tissue_02.5.png tissue_05.0.png tissue_07.5.png tissue_10.0.png " ] ||
    fail "fractional names: $got"

# --- the animation: a WebP with one frame per picture ---
check_webp() {
    python3 - "$1" <<'PY'
import os, struct, sys
d = sys.argv[1]
pngs = sorted(f for f in os.listdir(f"{d}/images") if f.startswith("tissue_") and f.endswith(".png"))
def png_size(f):
    b = open(f"{d}/images/{f}", "rb").read(24)
    return struct.unpack(">II", b[16:24])
w, h = png_size(pngs[0])
assert all(png_size(f) == (w, h) for f in pngs), "pictures of different sizes"
data = open(f"{d}/images/tissue.webp", "rb").read()
assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP"
assert struct.unpack("<I", data[4:8])[0] == len(data) - 8, "RIFF size"
pos, chunks, frames = 12, [], []
while pos < len(data):
    kind, n = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
    body = data[pos + 8:pos + 8 + n]
    chunks.append(kind)
    if kind == b"VP8X":
        assert body[0] & 0x02, "VP8X: animation flag not set"
        cw = 1 + int.from_bytes(body[4:7], "little")
        ch = 1 + int.from_bytes(body[7:10], "little")
        assert (cw, ch) == (w, h), ((cw, ch), (w, h))
    if kind == b"ANMF":
        fw = 1 + int.from_bytes(body[6:9], "little")
        fh = 1 + int.from_bytes(body[9:12], "little")
        ms = int.from_bytes(body[12:15], "little")
        assert fw <= w and fh <= h and body[16:20] in (b"VP8L", b"VP8 ", b"ALPH"), body[16:20]
        frames.append(ms)
    pos += 8 + n + (n & 1)
assert chunks[0] == b"VP8X" and chunks[1] == b"ANIM", chunks[:2]
n = min(len(pngs), 100)  # every picture, or 100 of them evenly spread
assert len(frames) == n, f"{len(frames)} frames for {len(pngs)} pictures"
want = max(100, min(1000, round(10000 / n)))
assert all(abs(ms - want) <= 1 for ms in frames), (frames, want)
print(f"{d}: tissue.webp has {len(frames)} frames of {want} ms")
PY
}
check_webp held || fail "held: tissue.webp malformed"
# more than 100 pictures: 100 frames of 0.1 s
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out many --quiet --end 1200 --set 'outputs.images={size: 200}' ||
    fail "121-picture run failed"
[ "$(ls many/images/tissue_*.png | wc -l)" = 121 ] || fail "many: not 121 pictures"
check_webp many || fail "many: tissue.webp malformed"
check_webp frac || fail "frac: tissue.webp malformed"

# --- stroma render DIR with the run's settings gives the run's pictures, byte for byte ---
"$STROMA" run "$SRC/tests/cli/models/markers_small.yaml" --out m2 --quiet || fail "2D markers run failed"
"$STROMA" run "$SRC/tests/cli/models/images3d.yaml" --out m3 --quiet \
    --set 'outputs.fields=[csv]' --set 'outputs.cells=[csv]' || fail "3D run failed"
for d in m2 m3; do
    mkdir "$d.run" && cp "$d"/images/tissue* "$d.run/"
    "$STROMA" render "$d" >out.txt || fail "stroma render $d exited $?"
    grep -q "pictures and images/tissue.webp" out.txt || fail "render: $(cat out.txt)"
    same_pictures "$d" "$d.run"
done
check_webp m3 || fail "m3: tissue.webp malformed"

# --- other drawings: --color-by a state variable (viridis cells, no type colours), --field none, --size ---
"$STROMA" render m2 --field none --color-by type --size 500 >/dev/null || fail "render --field none failed"
cp m2/images/tissue_120.png bytype.png
"$STROMA" render m2 --field none --color-by SMA --size 500 >/dev/null || fail "render --color-by SMA failed"
PYTHONPATH="$SRC/tests/cli" python3 - m2/images/tissue_120.png bytype.png m2.run/tissue_120.png <<'PY' || fail "--color-by"
import sys
from png import read_png
a, t, run = (read_png(f) for f in sys.argv[1:])
assert len(a[0]) == 500 and len(t[0]) == 500 and len(run[0]) == 400, (len(a[0]), len(t[0]), len(run[0]))
def count(px, c):
    return sum(row.count(c) for row in px)
orange, sky, viridis0 = (230, 159, 0), (86, 180, 233), (68, 1, 84)  # types 0 and 1; viridis at 0 (SMA 0)
assert count(t, orange) > 500 and count(t, sky) > 200, (count(t, orange), count(t, sky))
assert count(a, orange) == 0 and count(a, sky) == 0, "cells by SMA still in their types' colours"
assert count(a, viridis0) > 1000, f"only {count(a, viridis0)} pixels of viridis(0) for cells without SMA"
PY
"$STROMA" render m2 >/dev/null && same_pictures m2 m2.run

# --- --every: fewer pictures, the others removed, the report shows the new ones ---
"$STROMA" render m2 --every 120 >/dev/null || fail "render --every 120 failed"
got=$(cd m2/images && ls tissue_*.png | tr '\n' ' ')
[ "$got" = "tissue_000.png tissue_120.png " ] || fail "--every 120 left: $got"
grep -q "images/tissue_120.png" m2/report.html || fail "the report does not show the redrawn pictures"
grep -q "images/tissue_060.png" m2/report.html && fail "the report still shows a removed picture"

# --- refusals: exit 2, a clear message, nothing written ---
"$STROMA" render m2 >/dev/null
cp -r m2 before
expect2() { # MESSAGE-REGEX ARGS...
    local want=$1
    shift
    set +e
    "$STROMA" render "$@" >/dev/null 2>err.txt
    local rc=$?
    set -e
    [ $rc = 2 ] || fail "render $* exited $rc, not 2: $(cat err.txt)"
    grep -Eq -- "$want" err.txt || fail "render $*: message '$(cat err.txt)' lacks '$want'"
}
expect2 "--color-by nosuch: no such column .*one of: id, x, y, z, radius, .*pressure.*SMA, marker:Ki67" m2 --color-by nosuch
expect2 "--field IL7: the model has no such substrate; draw one of: oxygen, IL6, VEGF, none" m2 --field IL7
expect2 "--every 45 is not a whole multiple of the run's output interval 30 min" m2 --every 45
expect2 "--size needs a width of 200 to 4000" m2 --size 50
expect2 "no output directory 'missing'" missing
mkdir foreign && echo '{"a": 1}' >foreign/run.json
expect2 "'foreign' holds no stroma run" foreign
[ "$(ls foreign)" = "run.json" ] || fail "render wrote into a foreign directory"
"$STROMA" run "$SRC/tests/cli/models/images2d.yaml" --out nocsv --quiet || fail "images2d run failed"
expect2 "--field IL6: the run wrote no fields/IL6_<time>.csv .*draw one of: none" nocsv
expect2 "has no cells/cells_<time>.csv" nocsv --field none
diff -r before m2 >/dev/null || fail "a refused render changed the directory"

"$STROMA" render --help | grep -q "^usage: stroma render DIR" || fail "render --help"
"$STROMA" --help | grep -q "^  render DIR" || fail "stroma --help does not list render"
echo "render: ok"
