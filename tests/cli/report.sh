# Pictures and the report: tissue snapshots of a 2D run and of a 3D run's mid-z slice are valid PNGs of the
# requested width at the requested times; report.html is self-contained (only data: images, one inline script
# that its Content-Security-Policy names by hash, no external reference), has its sections and images, and
# renders in headless Chromium with every image decoded and no console message; `stroma report DIR` rebuilds it
# byte for byte, notes a model file that is gone, and refuses a missing or foreign directory (exit 2). The
# viewer's interaction is tested by report_interactive.sh.
source "$(dirname "$0")/lib.bash"
command -v chromium >/dev/null || fail "chromium is not installed (Debian package chromium; make test installs it)"

"$STROMA" run "$SRC/tests/cli/models/images2d.yaml" --out "$WORK/r2" --quiet || fail "2D run failed"
"$STROMA" run "$SRC/tests/cli/models/images3d.yaml" --out "$WORK/r3" --quiet || fail "3D run failed"
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/plain" --quiet --end 10 || fail "run without images failed"

python3 - "$WORK" <<'PY' || fail "pictures or report malformed"
import base64, hashlib, html.parser, os, re, struct, sys, zlib
W = sys.argv[1]

def png_info(data, what):
    """Check a whole PNG (signature, chunk CRCs, IHDR, image data size); return (width, height)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{what}: not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) == crc, f"{what}: bad CRC in {kind}"
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), f"{what}: depth {depth} colour type {ctype}"
            chans = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    assert w is not None and kind == b"IEND", f"{what}: no IHDR or IEND"
    raw = zlib.decompress(idat)
    assert len(raw) == h * (1 + w * chans), f"{what}: {len(raw)} bytes of pixels for {w}x{h}"
    return w, h

def snapshots(d, times, width, digits):
    names = sorted(f for f in os.listdir(os.path.join(d, "images")) if f.startswith("tissue_"))
    want = sorted(f"tissue_{t:0{digits}d}.png" for t in times)  # zero-padded to the end time's digits
    assert names == want, f"{d}: {names} != {want}"
    for f in names:
        w, h = png_info(open(os.path.join(d, "images", f), "rb").read(), f)
        assert w == width and 100 < h < 2 * width, f"{f}: {w}x{h}"

# outputs every 30 min, pictures every 60 (and at the end); 3D: every output, 360 px
snapshots(os.path.join(W, "r2"), [0, 60, 120], 480, 3)
snapshots(os.path.join(W, "r3"), [0, 10, 20, 30], 360, 2)

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.imgs, self.bad, self.scripts, self.csp = [], set(), [], [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "script":
            self.scripts.append(a)
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp.append(a.get("content", ""))
        if tag in ("link", "iframe", "object", "embed", "base", "video", "audio", "source", "form"):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append(f"{tag} {k}")
            if k == "src" and not (v or "").startswith("data:image/png;base64,"):
                self.bad.append(f"{tag} src={v[:40]}")
            if k == "href" and not (v or "").startswith("#"):
                self.bad.append(f"{tag} href={v}")
        if tag == "img":
            self.imgs.append(a)

def check_report(d, nimg):
    text = open(os.path.join(d, "report.html"), encoding="utf-8").read()
    for word in ("http:", "https:", "ftp:", "file:", "@import", "url("):
        assert word not in text, f"{d}: report has '{word}'"
    p = Page()
    p.feed(text)
    assert not p.bad, f"{d}: {p.bad}"
    # one script, inline (no attribute at all: no src, no type), allowed by the policy by its hash and by nothing else
    assert p.scripts == [{}], f"{d}: scripts {p.scripts}"
    body = re.findall(r"<script>(.*?)</script>", text, re.S)
    assert len(body) == 1, f"{d}: {len(body)} inline scripts"
    digest = base64.b64encode(hashlib.sha256(body[0].encode()).digest()).decode()
    assert p.csp == [f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"], \
        f"{d}: Content-Security-Policy {p.csp}"
    for word in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "eval(", "new Function"):
        assert word not in body[0], f"{d}: the script has '{word}'"
    for sec in ("viewer", "summary", "plots", "snapshots", "model", "provenance"):
        assert sec in p.ids, f"{d}: no section {sec}"
    assert len(p.imgs) == nimg, f"{d}: {len(p.imgs)} images, expected {nimg}"
    files = {}
    for root, _, fs in os.walk(os.path.join(d, "images")):
        for f in fs:
            files[open(os.path.join(root, f), "rb").read()] = f
    for img in p.imgs:
        data = base64.b64decode(img["src"].split(",", 1)[1], validate=True)
        w, h = png_info(data, img["alt"])
        assert (str(w), str(h)) == (img["width"], img["height"]), img["alt"]
        assert data in files, f"{img['alt']}: embedded image is not a file of images/"
    return text

t2 = check_report(os.path.join(W, "r2"), 3 + 3)  # plots: cells, oxygen, IL6; snapshots 0, 60, 120
t3 = check_report(os.path.join(W, "r3"), 2 + 4)  # plots: cells, oxygen; snapshots 0..30
tp = check_report(os.path.join(W, "plain"), 2)   # plots: oxygen, IL6; no snapshots, no cells
assert "No tissue snapshots" in tp and "Cells by type" not in tp
for t in (t2, t3):
    assert "Cells at the end" in t and "Cell events over the run" in t, "no cell numbers"
    assert "As <code>stroma check</code> prints it" in t, "no model summary"
assert "slice" not in t2
assert "images3d" in t3 and "(3D)" in t3
assert os.path.exists(os.path.join(W, "r2", "images", "plot_cells.png"))
PY

# Chromium renders each report: no console message about the page, and (in a copy with a checking script
# appended) every image decodes at its stated size.
chrome() {
  timeout 120 chromium --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$WORK/chrome" \
    --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$1" 2>"$2"
}
for d in r2 r3; do
  chrome "$WORK/$d/report.html" "$WORK/$d.err" >"$WORK/$d.dom" || fail "chromium failed on $d/report.html"
  grep -E "CONSOLE|report\.html" "$WORK/$d.err" && fail "chromium reported a problem with $d/report.html"
  grep -q 'id="snapshots"' "$WORK/$d.dom" || fail "$d: rendered page lacks the snapshots"
  [ "$(grep -o '<img ' "$WORK/$d.dom" | wc -l)" -eq 6 ] || fail "$d: rendered page lacks images"
  # (the copy drops the page's Content-Security-Policy, which would rightly block the added script)
  sed -e '/Content-Security-Policy/d' -e 's|</body>|<p id="decoded">pending</p><script>addEventListener("load", () => { const bad = [...document.images].filter(i => !i.complete \|\| i.naturalWidth == 0 \|\| i.naturalWidth != +i.getAttribute("width")); document.getElementById("decoded").textContent = document.images.length + " images, " + bad.length + " bad"; });</script></body>|' \
    "$WORK/$d/report.html" >"$WORK/$d-check.html"
  chrome "$WORK/$d-check.html" "$WORK/$d-check.err" >"$WORK/$d-check.dom" || fail "chromium failed on the $d check"
  grep -q '<p id="decoded">6 images, 0 bad</p>' "$WORK/$d-check.dom" ||
    fail "$d: images did not all decode: $(grep -o '<p id="decoded">[^<]*' "$WORK/$d-check.dom")"
done

# `stroma report DIR` rebuilds the same page.
cp "$WORK/r2/report.html" "$WORK/first.html"
"$STROMA" report "$WORK/r2" >"$WORK/out" || fail "stroma report failed"
grep -q "report.html" "$WORK/out" || fail "stroma report does not say where the report is"
cmp "$WORK/first.html" "$WORK/r2/report.html" || fail "the rebuilt report differs"
ls "$WORK/r2" | grep -q tmp && fail "temporary file left behind"

# A model file that is gone is noted, not an error.
cp "$SRC/tests/cli/models/images2d.yaml" "$WORK/gone.yaml"
(cd "$WORK" && "$STROMA" run gone.yaml --out g --quiet --end 30) || fail "run of the copied model failed"
rm "$WORK/gone.yaml"
(cd "$WORK" && "$STROMA" report g >/dev/null) || fail "report without its model failed"
grep -q "is not there any more" "$WORK/g/report.html" || fail "the missing model is not noted"

# Refusals: exit 2 with a message.
set +e
"$STROMA" report "$WORK/nope" 2>"$WORK/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "missing directory: exit $rc, expected 2"
grep -q "no output directory" "$WORK/err" || fail "missing directory: unclear message: $(cat "$WORK/err")"
mkdir "$WORK/empty"
set +e
"$STROMA" report "$WORK/empty" 2>"$WORK/err"; rc=$?
"$STROMA" report 2>/dev/null; rc2=$?
set -e
[ $rc -eq 2 ] || fail "foreign directory: exit $rc, expected 2"
grep -q "holds no stroma run" "$WORK/err" || fail "foreign directory: unclear message: $(cat "$WORK/err")"
[ $rc2 -eq 2 ] || fail "no argument: exit $rc2, expected 2"
echo "report: ok"
