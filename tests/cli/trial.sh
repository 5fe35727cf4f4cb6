#!/usr/bin/env bash
# `stroma trial` end to end on a tiny 2D model (tests/cli/models/trial_small.yaml, trial_sweep.yaml):
#  - arms with a known direction: the sweep arm that stops division never grows the burden, and every patient's
#    best response there is no worse than in the control arm; the apoptosis arm has responders, control none;
#  - the statistics in results.sqlite agree with the outcomes (response counts, Wilson interval, progressions);
#  - a patient's stored `stroma run` command reproduces its burden and plasma series exactly;
#  - a trial stopped (SIGTERM: exit 1, no results), restarted, killed (SIGKILL) after some runs and resumed does
#    not rerun the finished ones, and its results.sqlite equals, byte for byte, an unbroken trial's at another
#    thread count (--threads 2 vs 1);
#  - bad trial files exit 2 with file:line:col and the nearest key; a foreign non-empty --out is refused.
source "$(dirname "$0")/lib.bash"
cd "$WORK"
T="$SRC/tests/cli/models/trial_sweep.yaml"

"$STROMA" trial "$T" --out a --threads 2 --quiet || fail "trial exited $?"
for f in results.sqlite report.html csv/trial.csv csv/patients.csv csv/arms.csv csv/km.csv csv/timeseries.csv \
    csv/outcomes.csv csv/biomarkers.csv; do
    [ -s "a/$f" ] || fail "no a/$f"
done
grep -q '<svg' a/report.html || fail "report.html has no SVG plot"
if grep -o "https\?://[^'\" ]*" a/report.html | grep -vq '^http://www.w3.org/2000/svg$'; then
    fail "report.html refers to an external resource"
fi
python3 - a/results.sqlite <<'EOF' || fail "results.sqlite checks"
import math, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rank = {'CR': 0, 'PR': 1, 'SD': 2, 'PD': 3, 'NE': 4}
arms = {name: a for a, name in db.execute("select arm, name from arms")}
assert sorted(arms) == ['apoptosis', 'arrest', 'control'], arms
n = db.execute("select value from trial where key='patients'").fetchone()[0]
assert n == 8, n
out = {(p, a): (r, resp, base, pfs, ev) for p, a, r, resp, base, pfs, ev in
       db.execute("select patient, arm, best_response, responder, baseline_burden, pfs_min, pfs_event from outcomes")}
assert len(out) == 8 * 3
for p in range(8):
    # no division: the burden after baseline never exceeds the baseline
    b0 = out[(p, arms['arrest'])][2]
    top = db.execute("select max(burden) from timeseries where patient=? and arm=? and time_min>=120",
                     (p, arms['arrest'])).fetchone()[0]
    assert top <= b0, (p, top, b0)
    assert rank[out[(p, arms['arrest'])][0]] <= rank[out[(p, arms['control'])][0]], p
    assert out[(p, arms['arrest'])][4] == 0, "arrest arm progressed"
# the statistics agree with the outcomes
for name, a in arms.items():
    resp = sum(out[(p, a)][1] for p in range(8))
    prog = sum(out[(p, a)][4] for p in range(8))
    row = db.execute("select responders, response_rate, rate_lo, rate_hi, progressions from arms where arm=?",
                     (a,)).fetchone()
    assert row[0] == resp and row[4] == prog, (name, row, resp, prog)
    z = 1.959963984540054
    ph = resp / 8
    c = (ph + z * z / 16) / (1 + z * z / 8)
    h = z / (1 + z * z / 8) * math.sqrt(ph * (1 - ph) / 8 + z * z / 256)
    assert abs(row[2] - max(0, c - h)) < 1e-12 and abs(row[3] - min(1, c + h)) < 1e-12, (name, row, c - h, c + h)
    # Kaplan-Meier: survival falls by events / at risk at each step
    s = 1
    for t, risk, ev, surv in db.execute("select time_min, at_risk, events, survival from km where arm=? "
                                        "order by time_min", (a,)):
        s *= 1 - ev / risk
        assert abs(s - surv) < 1e-12, (name, t, s, surv)
    if prog == 0:
        assert db.execute("select count(*) from km where arm=?", (a,)).fetchone()[0] == 0
assert db.execute("select responders from arms where name='control'").fetchone()[0] == 0
assert db.execute("select responders from arms where name='apoptosis'").fetchone()[0] > 0
# log-rank: arrest never progresses, control always does
p = db.execute("select value from trial where key='logrank_p'").fetchone()[0]
assert p is not None and p < 0.01, p
bm = db.execute("select auc, p, q, note from biomarkers where arm_name='apoptosis' and biomarker='IL6'").fetchone()
assert bm[0] is not None and 0 <= bm[0] <= 1 and bm[2] >= bm[1], bm
assert db.execute("select auc from biomarkers where arm_name='control'").fetchone()[0] is None
# the AUC is that of the baseline plasma value for response, computed here from the outcomes; one biomarker: q = p
rows = db.execute("select baseline_plasma_IL6, responder from outcomes where arm_name='apoptosis'").fetchall()
pos = [v for v, r in rows if r]
neg = [v for v, r in rows if not r]
auc = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / (len(pos) * len(neg))
assert abs(bm[0] - auc) < 1e-12 and bm[1] == bm[2], (bm, auc)
assert db.execute("select count(*) from outcomes where baseline_cachexia is null").fetchone()[0] == 0
EOF

# rerun one patient alone with its stored command: the same burden and plasma, to the last digit
cmd=$(python3 -c "import sqlite3; print(sqlite3.connect('a/results.sqlite').execute(\"select command from outcomes where patient=3 and arm=2\").fetchone()[0])")
case "$cmd" in "stroma run "*) ;; *) fail "stored command: $cmd" ;; esac
eval "\"\$STROMA\" ${cmd#stroma } --out rerun --quiet --threads 2" 2>/dev/null || fail "stored command failed: $cmd"
python3 - a/results.sqlite rerun/timeseries.csv <<'EOF' || fail "the stored command does not reproduce patient 3"
import csv, sqlite3, sys
run = {float(r['time']): (float(r['cells_cancer']), float(r['plasma_IL6'])) for r in csv.DictReader(open(sys.argv[2]))}
rows = sqlite3.connect(sys.argv[1]).execute(
    "select time_min, burden, plasma_IL6 from timeseries where patient=3 and arm=2 order by time_min").fetchall()
assert len(rows) == 13
for t, b, p in rows:
    assert run[t] == (b, p), (t, b, p, run[t])
EOF

# stop a longer trial (SIGTERM: runs under way finish, exit 1), restart it and kill it (SIGKILL) after some more
# runs, resume it at another thread count, compare with an unbroken one
wait_records() { # wait_records N: until k/jobs holds N records
    for _ in $(seq 1 500); do
        [ "$(ls k/jobs 2>/dev/null | grep -c '\.txt$' || true)" -ge "$1" ] && return 0
        sleep 0.02
    done
    return 1
}
"$STROMA" trial "$T" --out k --patients 60 --threads 1 --quiet 2>stop.txt &
pid=$!
wait_records 6 || fail "no records after 10 s"
kill -TERM $pid 2>/dev/null || fail "the trial finished before it could be stopped"
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 1 ] || fail "a stopped trial exited $rc, not 1"
grep -q "^stroma: trial stopped" stop.txt && grep -q "run the same command again" stop.txt || fail "stop: $(cat stop.txt)"
[ -f k/results.sqlite ] && fail "a stopped trial wrote results.sqlite"
n1=$(ls k/jobs | grep -c '\.txt$')
"$STROMA" trial "$T" --out k --patients 60 --threads 1 --quiet &
pid=$!
wait_records $((n1 + 6)) || fail "no new records after the restart"
kill -KILL $pid 2>/dev/null || fail "the trial finished before it could be killed"
wait $pid 2>/dev/null || true
[ -f k/results.sqlite ] && fail "a killed trial left results.sqlite"
ls k/jobs | grep '\.txt$' | sort >done_before.txt
nb=$(wc -l <done_before.txt)
[ "$nb" -ge $((n1 + 6)) ] && [ "$nb" -lt 180 ] || fail "$nb runs recorded before the kill"
(cd k/jobs && stat -c '%n %i %Y' $(cat ../../done_before.txt)) >inodes_before.txt
"$STROMA" trial "$T" --out k --patients 60 --threads 2 >resume.txt || fail "resume exited $?"
grep -q "^stroma: $nb of 180 runs already recorded; not rerunning them" resume.txt || fail "resume: $(cat resume.txt)"
(cd k/jobs && stat -c '%n %i %Y' $(cat ../../done_before.txt)) >inodes_after.txt
cmp -s inodes_before.txt inodes_after.txt || fail "finished runs were rewritten on resume"
"$STROMA" trial "$T" --out u --patients 60 --threads 1 --quiet || fail "unbroken trial exited $?"
cmp k/results.sqlite u/results.sqlite || fail "resumed trial (threads 2) differs from an unbroken one (threads 1)"
for f in u/csv/*.csv; do cmp -s "$f" "k/csv/${f#u/csv/}" || fail "csv ${f#u/csv/} differs after resume"; done
# the first 8 patients of the 60 are the 8 of the small trial
python3 - a/results.sqlite u/results.sqlite <<'EOF' || fail "patients depend on the cohort size"
import sqlite3, sys
q = "select patient, arm, seed, command, best_change from outcomes where patient < 8 order by patient, arm"
assert sqlite3.connect(sys.argv[1]).execute(q).fetchall() == sqlite3.connect(sys.argv[2]).execute(q).fetchall()
EOF

# bad input: exit 2, file:line:col, nearest key; nothing written
bad() { # bad NAME TEXT EXPECTED-REGEX
    printf '%b' "$2" >"$1"
    set +e
    "$STROMA" trial "$1" --out "bad_$1" >/dev/null 2>err.txt
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$1: exit $rc, not 2"
    grep -Eq "$3" err.txt || fail "$1: expected /$3/, got: $(cat err.txt)"
    [ ! -e "bad_$1" ] || fail "$1: wrote bad_$1"
}
HEAD="model: $SRC/tests/cli/models/trial_small.yaml\\npatients: 2\\nend: 240\\nevery: 120\\n"
bad typo.yaml "${HEAD}baselin: 0\narms: {a: {}}\n" "typo.yaml:5:1: unknown key 'baselin' \(did you mean 'baseline'\?\)"
bad armkey.yaml "${HEAD}arms:\n  a: {}\n  b: {cell_types.cancer.cycle.durration: 5}\n" \
    "armkey.yaml:7:7: arm 'b'.*durration.*did you mean 'duration'"
bad dist.yaml "${HEAD}arms: {a: {}}\ncohort:\n  seed: {normal: {mean: 1, sdd: 2}}\n" \
    "dist.yaml:7:28: unknown key 'sdd'.*did you mean 'sd'"
bad cohortkey.yaml "${HEAD}arms: {a: {}}\ncohort:\n  cell_types.cancer.cycle.durration: {uniform: [1, 2]}\n" \
    "cohortkey.yaml:7:3: arm 'a' .*durration.*did you mean 'duration'"
bad every.yaml "model: $SRC/tests/cli/models/trial_small.yaml\npatients: 2\nend: 250\nevery: 120\narms: {a: {}}\n" \
    "every.yaml:3:1: end \(250 min\) must be a whole multiple of every"
bad everydt.yaml "model: $SRC/tests/cli/models/trial_small.yaml\npatients: 2\nend: 241\nevery: 120.5\narms: {a: {}}\n" \
    "everydt.yaml:4:8: every \(120.5 min\) must be a whole multiple of the base model's time.dt_diffusion"
bad burden.yaml "${HEAD}burden: [cancr]\narms: {a: {}}\n" "burden.yaml:5:1: .*no cell type 'cancr' \(did you mean 'cancer'\?\)"
mkdir other && touch other/x
"$STROMA" trial "$T" --out other --quiet 2>err.txt && fail "a foreign non-empty --out accepted"
grep -q "holds no trial" err.txt || fail "foreign --out: $(cat err.txt)"
[ ! -e other/jobs ] || fail "foreign --out was written to"
echo "trial: ok"
