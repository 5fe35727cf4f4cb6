#!/usr/bin/env bash
# Progress when stdout is not a terminal (a batch job): `stroma run` prints one line every 10 % of the
# simulated time with the simulated time, the percentage, the wall time and the live cells of each type; with
# --progress-every MIN one line every MIN simulated minutes; --quiet prints nothing; resume prints its lines too.
source "$(dirname "$0")/lib.bash"
cd "$WORK"
M="$SRC/tests/cli/models/spheroid.yaml"
SETS=(--set 'initial_cells[0].count=40' --set 'initial_cells[0].disc.radius=100' --set time.end=120 --threads 1)
"$STROMA" run "$M" "${SETS[@]}" -o a >out.txt || fail "run failed"
n=$(grep -c '^stroma: t = ' out.txt)
[ "$n" -eq 10 ] || fail "expected 10 progress lines, got $n: $(cat out.txt)"
grep -Eq '^stroma: t = 12 / 120 min \(10%\), wall [0-9.]+s, live cells: cancer [0-9]+$' out.txt \
    || fail "the first line is not as expected: $(head -1 out.txt)"
grep -Eq '^stroma: t = 120 / 120 min \(100%\), wall [0-9hms.]+, live cells: cancer [0-9]+$' out.txt \
    || fail "no line at the end: $(cat out.txt)"
# the cell count on the last line is the run's final live count (timeseries.csv)
last=$(grep '^stroma: t = 120 ' out.txt | sed 's/.*cancer //')
python3 - a/timeseries.csv "$last" <<'PY' || fail "the last progress line's cell count is not the run's"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert float(rows[-1]["time"]) == 120, rows[-1]
assert int(float(rows[-1]["cells_cancer"])) == int(sys.argv[2]), (rows[-1]["cells_cancer"], sys.argv[2])
PY
# the times are increasing multiples of 12 min
times=$(sed -n 's/^stroma: t = \([0-9.]*\) .*/\1/p' out.txt | tr '\n' ' ')
[ "$times" = "12 24 36 48 60 72 84 96 108 120 " ] || fail "progress times: $times"
grep -q '^stroma: simulated 120 min' out.txt || fail "no closing line"
# --progress-every 30: 4 lines
"$STROMA" run "$M" "${SETS[@]}" --progress-every 30 -o b >out.txt || fail "run --progress-every failed"
n=$(grep -c '^stroma: t = ' out.txt)
[ "$n" -eq 4 ] || fail "--progress-every 30 over 120 min: expected 4 lines, got $n"
# --quiet: nothing at all on stdout
"$STROMA" run "$M" "${SETS[@]}" --quiet -o c >out.txt || fail "run --quiet failed"
[ ! -s out.txt ] || fail "--quiet printed: $(cat out.txt)"
echo "progress_lines: ok"
