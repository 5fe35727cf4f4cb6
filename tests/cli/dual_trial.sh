#!/usr/bin/env bash
# The shipped trial trials/dual_targeting.yaml at a tiny scale: its arms and cohort as shipped, the patient model
# models/patient_slice.yaml, one patient, one simulated day (baseline at 12 h, the drugs switched on from 12 h
# instead of day 7). Checks: the eight arms exist in order with the shipped overrides; every arm's stored
# `stroma run` command (the overrides the run was made with) gives a plasma drug level > 0 for exactly the drugs
# that arm doses; before the drugs start every arm of the patient is the same run (a paired, pre-treatment baseline).
source "$(dirname "$0")/lib.bash"
cd "$WORK"
python3 - "$SRC/trials/dual_targeting.yaml" "$SRC" >dual.yaml <<'EOF' || fail "the shipped trial file has changed shape"
import re, sys
text = open(sys.argv[1]).read()
def sub(pat, new, count):
    global text
    text, n = re.subn(pat, new, text, flags=re.M)
    assert n == count, (pat, n, count)
sub(r'^model: .*$', 'model: %s/models/patient_slice.yaml' % sys.argv[2], 1)
sub(r'^end: .*$', 'end: 1440', 1)
sub(r'^baseline: .*$', 'baseline: 720', 1)
sub(r'^every: .*$', 'every: 720', 1)
# 1 + 1 + 2 (dual) + 1 + 2 + 2 + 3 (chemo_dual) drug switches in the arms
sub(r'(regimens\[0\]\.start:) 7$', r'\1 0.5', 12)
sys.stdout.write(text)
EOF
"$STROMA" trial dual.yaml --out t --patients 1 --threads 2 --quiet || fail "trial exited $?"
python3 - t/results.sqlite "$STROMA" <<'EOF' || fail "dual_targeting checks"
import csv, shlex, sqlite3, subprocess, sys
db = sqlite3.connect(sys.argv[1])
want = {'control': set(), 'anti_IL6': {'tocilizumab'}, 'exo_inhibitor': {'GW4869'}, 'dual': {'tocilizumab', 'GW4869'},
        'chemo': {'doxorubicin'}, 'chemo_anti_IL6': {'doxorubicin', 'tocilizumab'},
        'chemo_exo_inhibitor': {'doxorubicin', 'GW4869'}, 'chemo_dual': {'doxorubicin', 'tocilizumab', 'GW4869'}}
arms = db.execute("select arm, name, overrides from arms order by arm").fetchall()
assert [a[1] for a in arms] == list(want), arms
drugs = ['tocilizumab', 'GW4869', 'doxorubicin']
for arm, name, over in arms:
    on = {d for d in drugs if 'therapies.drugs.%s.regimens[0].start=0.5' % d in over}
    assert on == want[name], (name, over)
    cmd = db.execute("select command from outcomes where patient=0 and arm=?", (arm,)).fetchone()[0]
    argv = shlex.split(cmd)
    assert argv[:2] == ['stroma', 'run'], cmd
    out = 'rerun_%s' % name
    subprocess.run([sys.argv[2]] + argv[1:] + ['--out', out, '--quiet', '--threads', '1'], check=True,
                   stderr=subprocess.DEVNULL)
    rows = list(csv.DictReader(open(out + '/timeseries.csv')))
    for d in drugs:
        end = float(rows[-1]['drug_%s_plasma' % d])
        top = max(float(r['drug_%s_plasma' % d]) for r in rows)
        if d in want[name]:
            assert end > 0, (name, d, end)
        else:
            assert top == 0, (name, d, top)
# the drugs start at the baseline: up to it, every arm of the patient is the same run
base = db.execute("select arm, burden, plasma_IL6, plasma_CAF_exosome from timeseries where patient=0 and "
                  "time_min<=720 order by arm, time_min").fetchall()
per_arm = {}
for arm, *v in base:
    per_arm.setdefault(arm, []).append(tuple(v))
assert len(per_arm) == 8 and all(v == per_arm[0] for v in per_arm.values()), per_arm
assert len(set(r[0] for r in db.execute("select baseline_burden from outcomes"))) == 1
# in the trial's own records, each drug changes its arms' runs: the end of an arm with the drug differs from the
# paired arm without it (without it the two are the same run, bit for bit); GW4869 halves CAF-exosome release, so
# plasma CAF exosomes are below 0.7 x the arm without it after 12 h of treatment
name_of = {name: arm for arm, name, _ in arms}
end = {a: r for a, *r in db.execute("select arm, burden, plasma_IL6, plasma_CAF_exosome from timeseries "
                                    "where patient=0 and time_min=1440")}
for with_d, d in [('anti_IL6', 'tocilizumab'), ('exo_inhibitor', 'GW4869'), ('dual', 'GW4869'), ('dual', 'tocilizumab'),
                  ('chemo', 'doxorubicin'), ('chemo_anti_IL6', 'doxorubicin'), ('chemo_exo_inhibitor', 'GW4869'),
                  ('chemo_dual', 'doxorubicin')]:
    without = next(n for n, s in want.items() if s == want[with_d] - {d})
    a, b = end[name_of[with_d]], end[name_of[without]]
    assert a != b, (with_d, without, a)
    if d == 'GW4869':
        assert a[2] < 0.7 * b[2], (with_d, without, a, b)
EOF
echo "dual_trial: ok"
