# Extracellular vesicles' outputs (docs/outputs.md, "Vesicles"; docs/vesicles.md): a small 2D model with two
# classes, one in body.systemic (tests/cli/models/vesicles_small.yaml), writes summary.json's "vesicles" with
# every key; the balance released = (tissue - tissue0) + taken_up + decayed + exchanged + drained holds per class
# to 1e-9 from the summary alone; each class's field is written like a substrate's (fields/<class>_<t>.csv, its
# mean and total in timeseries.csv, the field total equal to the summary's tissue); the same bytes at 1 and 2
# threads, and after a kill and resume. A class no cell type releases gives a warning on stderr (check, run and resume), not an error.
source "$(dirname "$0")/lib.bash"
M="$SRC/tests/cli/models/vesicles_small.yaml"
"$STROMA" run "$M" --out "$WORK/o" --quiet --threads 2 2>"$WORK/run.err" || { cat "$WORK/run.err"; fail "run failed"; }
[ -s "$WORK/run.err" ] && { cat "$WORK/run.err"; fail "the run printed on stderr"; }
"$STROMA" run "$M" --out "$WORK/o1" --quiet --threads 1 || fail "run at one thread failed"
for f in summary.json timeseries.csv fields/CAF_exosome_120.csv fields/tumour_exosome_120.csv; do
  cmp -s "$WORK/o/$f" "$WORK/o1/$f" || fail "$f differs between 1 and 2 threads"
done
python3 - "$WORK/o" <<'PY' || fail "the vesicles' outputs are wrong"
import csv, json, math, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
last = list(csv.DictReader(open(os.path.join(d, "timeseries.csv"))))[-1]
fin = lambda x: isinstance(x, (int, float)) and math.isfinite(x)
v = s["vesicles"]
assert list(v) == ["CAF_exosome", "tumour_exosome"], list(v)
keys = ["released", "taken_up", "tissue0", "tissue", "decayed", "exchanged", "drained", "plasma"]
voxel_ml = s["grid"]["voxel"] ** 3 * 1e-12
for name, b in v.items():
    assert list(b) == keys + (["plasma_cargo"] if b["plasma"] is not None else []), list(b)
    assert all(fin(b[k]) and b[k] >= 0 for k in keys[:5]), b
    assert b["released"] > 0 and b["taken_up"] > 0 and b["decayed"] > 0 and b["tissue"] > 0, b
    rhs = b["tissue"] - b["tissue0"] + b["taken_up"] + b["decayed"] + b["exchanged"] + b["drained"]
    rel = abs(b["released"] - rhs) / b["released"]
    assert rel <= 1e-9, f"{name}: released {b['released']} != {rhs} (relative {rel:.3g})"
    # the field's total (particles/mL x µm³) in timeseries.csv is the tissue content in vesicles
    tot = float(last[name + "_total"]) * 1e-12
    assert abs(tot - b["tissue"]) <= 1e-9 * b["tissue"], (name, tot, b["tissue"])
    print(f"{name}: released {b['released']:.6g}, relative residual {rel:.2g}")
a, t = v["CAF_exosome"], v["tumour_exosome"]
assert fin(a["plasma"]) and a["plasma"] > 1e6 and a["drained"] > 0 and a["exchanged"] != 0, a  # systemic
assert a["plasma"] == float(last["plasma_CAF_exosome"]), a
assert a["plasma_cargo"] == {"miR-21": a["plasma"] * 5}, a  # 5 miR-21 per CAF exosome
assert t["plasma"] is None and t["exchanged"] == 0 and t["drained"] == 0, t  # not systemic
# the field is written like a substrate's, in particles/mL
rows = list(csv.reader(open(os.path.join(d, "fields", "CAF_exosome_120.csv"))))
assert len(rows) > 1, rows[:2]
PY
# killed after its first checkpoint and resumed at another thread count: the same outputs and final state
(
    cd "$WORK"
    cp "$M" v.yaml
    RARGS=(--end 1200 --checkpoint-every 30 --quiet)
    "$STROMA" run v.yaml "${RARGS[@]}" --threads 1 --out ra || fail "uninterrupted run failed"
    "$STROMA" run v.yaml "${RARGS[@]}" --threads 2 --out rb &
    pid=$!
    for _ in $(seq 1 6000); do [ -f rb/checkpoint.bin ] && break; sleep 0.005; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -q '"status": "running"' rb/run.json || fail "the run finished before it could be killed"
    "$STROMA" resume rb --threads 1 --quiet || fail "resume failed"
    diff -r -x run.json -x report.html ra rb >diff.txt || fail "the resumed run differs: $(head -20 diff.txt)"
    cmp ra/checkpoint.bin rb/checkpoint.bin || fail "final states differ"
)
# a class no cell type releases: a warning with its position, exit 0, on stderr only
sed 's/    release: {CAF: 1.0}/    release: {CAF: 0}/' "$M" > "$WORK/norelease.yaml"
"$STROMA" check "$WORK/norelease.yaml" >"$WORK/check.out" 2>"$WORK/check.err" || fail "check refused a class nobody releases"
grep -Eq "norelease\.yaml:22:3: warning: vesicles\.CAF_exosome: no cell type releases this class" "$WORK/check.err" ||
  { cat "$WORK/check.err"; fail "check: no warning"; }
grep -q warning "$WORK/check.out" && fail "the warning went to stdout"
"$STROMA" run "$WORK/norelease.yaml" --out "$WORK/o2" --quiet --end 6 2>"$WORK/run2.err" || fail "run refused it"
grep -q "warning: vesicles\.CAF_exosome" "$WORK/run2.err" || fail "run: no warning"
# resume reloads the model: its warnings again on stderr
"$STROMA" run "$WORK/norelease.yaml" --out "$WORK/o3" --quiet --end 6 --checkpoint-every 3 2>/dev/null || fail "run with checkpoints"
"$STROMA" resume "$WORK/o3" --quiet 2>"$WORK/resume.err" || fail "resume refused it"
grep -q "warning: vesicles\.CAF_exosome" "$WORK/resume.err" || fail "resume: no warning"
echo "vesicles_outputs: ok"
