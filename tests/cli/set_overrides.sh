#!/usr/bin/env bash
# stroma run/check MODEL --set key.path=value: overrides grafted into the model before it is checked.
# A run with --set time.end=60 ends at 60 min and run.json records the overrides; a changed cell-type value,
# a key the file does not have yet (inside an existing mapping) and a list item ([i]) show in `stroma check`;
# an unknown key (with "did you mean"), a wrong type, a negative rate, a bad index and malformed YAML each exit
# 2 with "--set:N:COL:" naming the override and write nothing; the --set=value form works; the model's SHA-256
# covers the overrides; a run interrupted after a checkpoint resumes with the same overrides and ends
# identical to an uninterrupted run.
source "$(dirname "$0")/lib.bash"
M="$SRC/tests/cli/models/spheroid.yaml"
cd "$WORK"
SETS=(--set 'initial_cells[0].count=40' --set 'initial_cells[0].disc.radius=100')

# time.end=60: the run ends at 60 min; run.json records the overrides in order
"$STROMA" run "$M" "${SETS[@]}" --set time.end=60 --threads 1 --quiet -o t60 || fail "run with --set failed"
last=$(tail -1 t60/timeseries.csv | cut -d, -f1)
[ "$last" = 60 ] || fail "--set time.end=60: the run ended at '$last'"
grep -q '"end_time": 60' t60/run.json || fail "run.json: end_time is not 60"
grep -q '"overrides": \["initial_cells\[0\].count=40", "initial_cells\[0\].disc.radius=100", "time.end=60"\]' \
    t60/run.json || fail "run.json does not record the overrides: $(grep overrides t60/run.json)"
# a report rebuilt later reloads the model with the recorded overrides: its summary shows them
"$STROMA" report t60 >/dev/null || fail "stroma report of an overridden run failed"
grep -q "has changed since the run" t60/report.html && fail "rebuilt report: the overridden model reads as changed"
grep -q "40 cells in the disc" t60/report.html || fail "rebuilt report: no model summary with the overrides"
"$STROMA" run "$M" "${SETS[@]}" --threads 1 --quiet -o plain --end 6 || fail "run without time.end failed"
grep -q '"overrides": \["initial_cells\[0\].count=40", "initial_cells\[0\].disc.radius=100"\]' plain/run.json \
    || fail "run.json: overrides of the second run"

# check: a changed value, a key new to the file, a list item, the --set=value form
"$STROMA" check "$M" "${SETS[@]}" --set cell_types.cancer.cycle.duration=1200 \
    --set=cell_types.cancer.motility.speed=2 --set 'substrates.oxygen.boundary={x_min: 20}' >check.txt \
    || fail "check with --set failed"
grep -q 'cancer: volume 2494.*cycle exponential mean 1200 min' check.txt || fail "cycle.duration=1200 not shown"
grep -q 'speed 2 µm/min' check.txt || fail "a mapping new to the file (motility.speed) not applied"
grep -q 'cancer: 40 cells in the disc .* radius 100 µm' check.txt || fail "initial_cells[0] overrides not shown"
grep -q 'x_min = 20 mmHg, x_max no flux' check.txt || fail "a mapping value (boundary) not applied"
grep -q '^--set cell_types.cancer.cycle.duration=1200$' check.txt || fail "check does not list the overrides"
# the SHA-256 is that of the file and its overrides
sha_plain=$("$STROMA" check "$M" "${SETS[@]}" | sed -n 's/^sha256: //p')
sha_more=$("$STROMA" check "$M" "${SETS[@]}" --set time.end=60 | sed -n 's/^sha256: //p')
[ -n "$sha_plain" ] && [ "$sha_plain" != "$sha_more" ] || fail "the SHA-256 does not cover the overrides"

# errors: exit 2, the override named as --set:N:COL, nothing written
expect_bad() { # expected-message-regex, arguments...
    local want=$1
    shift
    set +e
    "$STROMA" run "$M" "${SETS[@]}" "$@" --quiet -o bad >out.txt 2>err.txt
    local rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$* exited $rc, not 2: $(cat err.txt)"
    grep -Eq -- "$want" err.txt || fail "$*: expected '$want' in: $(cat err.txt)"
    [ ! -e bad ] || fail "$*: the output folder was created"
}
expect_bad "^--set:3:19: unknown key cell_types.cancer.cycel; did you mean 'cycle'" \
    --set cell_types.cancer.cycel.duration=1200
expect_bad '^--set:3:10: time.end must be a number \(got abc\)' --set time.end=abc
expect_bad '^--set:3:39: cell_types.cancer.death.necrosis.rate must be >= 0 \(got -2\)' \
    --set cell_types.cancer.death.necrosis.rate=-2
expect_bad "^--set:3:14: 'initial_cells' has 1 item .*no item 3" --set 'initial_cells[3].count=5'
expect_bad "^--set:3:10: the value '\[1,' is not valid YAML" --set 'time.end=[1,'
expect_bad "^--set:3:1: 'time.end' is not key.path=value" --set 'time.end'
expect_bad "^--set:3:6: 'seed' is a single value in the model, not a mapping" --set seed.x=1
expect_bad "^--set:4:25: substrates.oxygen.decay must be >= 0" --set time.end=60 --set substrates.oxygen.decay=-1
# check reports the same way
set +e
"$STROMA" check "$M" --set cell_types.cancer.cycle=5 >/dev/null 2>err.txt
rc=$?
set -e
[ $rc -eq 2 ] && grep -q '^--set:1:25: cell_types.cancer.cycle must be a mapping' err.txt \
    || fail "check --set wrong type: rc $rc, $(cat err.txt)"

# resume: the overrides are stored in the checkpoint and applied again
A=("${SETS[@]}" --set 'initial_cells[0].count=200' --set 'initial_cells[0].disc.radius=200' --set time.end=1200
    --checkpoint-every 60 --threads 2 --quiet)
"$STROMA" run "$M" "${A[@]}" -o whole || fail "uninterrupted run failed"
"$STROMA" run "$M" "${A[@]}" -o cut &
pid=$!
for _ in $(seq 1 6000); do [ -f cut/checkpoint.bin ] && break; sleep 0.005; done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
grep -Eq '"status": "(interrupted|running)"' cut/run.json || fail "the run finished before it could be stopped"
"$STROMA" resume cut --threads 1 --quiet || fail "resume of an overridden run failed"
grep -q '"status": "complete"' cut/run.json || fail "the resumed run is not complete"
diff whole/timeseries.csv cut/timeseries.csv >/dev/null || fail "the resumed run differs from the uninterrupted one"
grep -q '"overrides": \[.*"time.end=1200"\]' cut/run.json || fail "the resumed run.json lost the overrides"
grep -q '"end_time": 1200' cut/run.json || fail "the resumed run does not end at 1200"
echo "set_overrides: ok"
