# `stroma run` writes summary.json, timeseries.csv and field CSVs with the documented contents.
source "$(dirname "$0")/lib.bash"
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/o" --quiet || fail "run failed"
[ -f "$WORK/o/summary.json" ] || fail "no summary.json"
[ -f "$WORK/o/run.json" ] || fail "no run.json"
ls "$WORK" | grep -q partial && fail "temporary directory left behind"
python3 - "$WORK/o" <<'PY'
import json, csv, sys, glob, os, math
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
assert abs(s["time"] - 30) < 1e-9, s["time"]
assert set(s["substrates"]) == {"oxygen", "IL6"}, s["substrates"].keys()
rows = list(csv.DictReader(open(os.path.join(d, "timeseries.csv"))))
assert [float(r["time"]) for r in rows] == [0, 10, 20, 30], [r["time"] for r in rows]
for name in ("oxygen", "IL6"):
    st = s["substrates"][name]
    assert st["min"] <= st["mean"] <= st["max"]
    f = os.path.join(d, "fields", f"{name}_30.csv")
    vals = list(csv.DictReader(open(f)))
    assert len(vals) == 20 * 10, len(vals)
    assert list(vals[0].keys()) == ["x", "y", "z", "value"]
    v = [float(r["value"]) for r in vals]
    # summary statistics agree with the field file (total = sum of value x voxel volume, 10^3 um^3)
    assert abs(min(v) - st["min"]) <= 1e-12 * max(1, abs(st["min"]))
    assert abs(max(v) - st["max"]) <= 1e-12 * max(1, abs(st["max"]))
    assert math.isclose(sum(v) * 1000.0, st["total"], rel_tol=1e-12, abs_tol=1e-9)
    assert math.isclose(float(rows[-1][name + "_total"]), st["total"], rel_tol=1e-15)
    assert float(vals[0]["x"]) == 5 and float(vals[0]["y"]) == 5 and float(vals[0]["z"]) == 5
    assert len(glob.glob(os.path.join(d, "fields", f"{name}_*.csv"))) == 4
# the secreted factor accumulates; the fixed vessel voxel holds its value
assert s["substrates"]["IL6"]["total"] > 0
ox = {(float(r["x"]), float(r["y"])): float(r["value"]) for r in csv.DictReader(open(os.path.join(d, "fields", "oxygen_30.csv")))}
assert ox[(155.0, 55.0)] == 20.0, ox[(155.0, 55.0)]
PY
# A second run into the same directory replaces the earlier output.
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/o" --quiet --end 10 || fail "rerun failed"
python3 -c "import json,sys; assert json.load(open('$WORK/o/summary.json'))['time'] == 10" || fail "not replaced"
# A directory that is not a stroma output is never replaced.
mkdir -p "$WORK/keep" && echo precious > "$WORK/keep/notes.txt"
set +e; "$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/keep" --quiet 2>"$WORK/err"; rc=$?; set -e
[ $rc -eq 2 ] || fail "expected exit 2 when the output dir is foreign, got $rc"
[ "$(cat "$WORK/keep/notes.txt")" = precious ] || fail "foreign directory touched"
# Seeds up to 2^64 - 1 are valid: from 2^53 on run.json and summary.json hold them as strings of digits (jansson
# refused the integer: the completed run exited 2 and `stroma report` refused the directory), read back exactly.
for seed in 9223372036854775808 18446744073709551615; do
  "$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/seed" --seed $seed --end 1 --quiet || fail "seed $seed: exit $?"
  python3 - "$WORK/seed" $seed <<'PY' || fail "seed $seed not recorded exactly"
import json, sys, os
for name in ("run.json", "summary.json"):
    assert json.load(open(os.path.join(sys.argv[1], name)))["seed"] == sys.argv[2], name
PY
  "$STROMA" report "$WORK/seed" >/dev/null || fail "seed $seed: stroma report exit $?"
  grep -q "seed: $seed" "$WORK/seed/report.html" || fail "seed $seed: the report's model summary lacks it"
done
python3 -c "import json,sys; assert json.load(open('$WORK/o/run.json'))['seed'] == 7" || fail "a small seed is an integer"
# a model file whose name is not UTF-8 (Linux allows any byte): summary.json and run.json stay valid JSON (the
# byte becomes U+FFFD) and the run completes with its report (found by fuzz_checkpoint)
odd="$WORK/$(printf 'm\x8e.yaml')"
cp "$SRC/tests/cli/models/small.yaml" "$odd"
"$STROMA" run "$odd" --out "$WORK/odd" --quiet || fail "a model name that is not UTF-8: exit $?"
python3 -c "import json,sys; [json.load(open('$WORK/odd/' + f)) for f in ('summary.json', 'run.json')]" \
  || fail "a model name that is not UTF-8 made invalid JSON"
echo "run_outputs: ok"
