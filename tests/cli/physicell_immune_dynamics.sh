#!/usr/bin/env bash
# PhysiCell 1.14.2's immune_function sample, imported with `stroma import-physicell` and run for 1,440 min with
# 20 seeds, must follow PhysiCell's own live counts of every cell type and its dead count
# (tests/data/physicell/immune_function/reference_counts.csv: mean and sd over 20 seeds, every 60 min). The
# model exercises what PhysiCell decides at mechanics steps (attacks lasting attack_duration, damage delivered
# every 0.1 min; engulfing apoptotic and necrotic cells at their own rates), a rule on `damage delivered`
# (fast T cells exhaust), per-cell values (necrosis, engulfing rates, attacks) and PhysiCell's shared death-model
# timing. Tolerance (tests/cli/compare_counts.py): at every hour the mean over the 20 runs lies within 3
# combined standard errors of PhysiCell's mean, s·sqrt(1/20 + 1/20), s the larger sample sd and 1 cell.
# Negative control: the same model without the rule on `damage delivered` (what the importer wrote before it
# could read that signal: T cells never exhaust) must fail.
source "$(dirname "$0")/lib.bash"
DATA="$SRC/tests/data/physicell/immune_function"
REF="$DATA/reference_counts.csv"

"$STROMA" import-physicell "$DATA/PhysiCell_settings.xml" -o "$WORK/immune.yaml" 2>"$WORK/import.err" ||
    fail "import failed: $(cat "$WORK/import.err")"
grep -q "^contact_law: physicell" "$WORK/immune.yaml" || fail "the import does not choose PhysiCell's contact law"
grep -q 'signal: "damage delivered"' "$WORK/immune.yaml" || fail "the rule on damage delivered is not imported"
"$STROMA" check "$WORK/immune.yaml" >/dev/null || fail "imported model does not check"

run_seeds "$WORK/immune.yaml" "$WORK/run" 20 1440
python3 "$SRC/tests/cli/compare_counts.py" "$REF" all 3 "$WORK"/run* >"$WORK/compare.txt" ||
    fail "population dynamics differ from PhysiCell's: $(cat "$WORK/compare.txt")"
cat "$WORK/compare.txt"
python3 - "$WORK" <<'PY' || fail "the runs are too quiet to prove anything"
import json, sys
ev = [json.load(open("%s/run%d/summary.json" % (sys.argv[1], s)))["cell_events"] for s in range(1, 21)]
assert all(e["phagocytoses"] > 0 for e in ev) and sum(e["transformations"] for e in ev) >= 10, ev[0]
PY

grep -v 'signal: "damage delivered"' "$WORK/immune.yaml" >"$WORK/control.yaml"
run_seeds "$WORK/control.yaml" "$WORK/ctl" 20 1440
if python3 "$SRC/tests/cli/compare_counts.py" "$REF" all 3 "$WORK"/ctl* >"$WORK/control.txt"; then
    fail "negative control passed: the comparison cannot tell T cells that never exhaust"
fi
echo "negative control fails as it should: $(head -1 "$WORK/control.txt")"
