#!/usr/bin/env bash
# The PhysiCell template project, imported with `stroma import-physicell` and run for 4,320 min with 8 seeds,
# must follow PhysiCell 1.14.2's own live and dead counts (tests/data/physicell/template/reference_counts.csv:
# mean and sd over 3 seeds, every 60 min). Tolerance (tests/cli/compare_counts.py): at every hour the mean over
# the 8 runs lies within 3 combined standard errors of PhysiCell's mean, s·sqrt(1/3 + 1/8) with s the larger
# of the two sample standard deviations and 1 cell. A negative control shows the comparison can fail: the same
# model with asynchronous initial cells (stationary ages instead of PhysiCell's synchronized start) must fail.
source "$(dirname "$0")/lib.bash"
DATA="$SRC/tests/data/physicell/template"
REF="$DATA/reference_counts.csv"

"$STROMA" import-physicell "$DATA/PhysiCell_settings.xml" -o "$WORK/template.yaml" 2>"$WORK/import.err" ||
    fail "import failed: $(cat "$WORK/import.err")"
grep -q "cycle_start: synchronized" "$WORK/template.yaml" || fail "imported cells are not synchronized"
# the reference covers 4,320 min with a count every 60 min
"$STROMA" check "$WORK/template.yaml" >/dev/null || fail "imported model does not check"

run_seeds "$WORK/template.yaml" "$WORK/run" 8 4320
python3 "$SRC/tests/cli/compare_counts.py" "$REF" default 3 "$WORK"/run[1-8] >"$WORK/compare.txt" ||
    fail "population dynamics differ from PhysiCell's: $(cat "$WORK/compare.txt")"
cat "$WORK/compare.txt"

sed 's/cycle_start: synchronized/cycle_start: stationary/' "$WORK/template.yaml" >"$WORK/async.yaml"
run_seeds "$WORK/async.yaml" "$WORK/async" 8 4320
if python3 "$SRC/tests/cli/compare_counts.py" "$REF" default 3 "$WORK"/async[1-8] >"$WORK/control.txt"; then
    fail "negative control passed: the comparison cannot tell a wrong start from the right one"
fi
echo "negative control fails as it should: $(head -1 "$WORK/control.txt")"
