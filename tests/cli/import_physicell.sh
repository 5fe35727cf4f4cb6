#!/usr/bin/env bash
# `stroma import-physicell`: the four PhysiCell 1.14.2 samples in tests/data/physicell convert (exit 0), their
# reports name what they must, the models pass `stroma check` and run 60 min; conversion is deterministic;
# cell integrity and attack damage are imported; the cells files' per-cell columns are converted or reported;
# dead cells keep 10% of their uptake (dead_uptake_fraction: 0.1, as PhysiCell's start_death); Dirichlet faces are set
# in the outermost voxels around each LOD sweep (boundary_convention: biofvm, BioFVM's scheme);
# rules keep their direction and saturation under rules_law: physicell (PhysiCell's combination law), rules on
# motility-disabled types are dropped; bad input exits 2 with file:line and writes nothing, a failed write leaves no
# file behind and an earlier output untouched.
source "$(dirname "$0")/lib.bash"
DATA="$SRC/tests/data/physicell"

# import NAME SETTINGS [RULES]: convert into $WORK/NAME.yaml, stderr in $WORK/NAME.err; must exit 0
import() {
  local name=$1
  shift
  "$STROMA" import-physicell "$@" -o "$WORK/$name.yaml" 2>"$WORK/$name.err" ||
    { cat "$WORK/$name.err"; fail "$name: import exited $?"; }
}
# expect_report NAME PATTERN: the report (stderr) matches the extended regex
expect_report() {
  grep -Eq "$2" "$WORK/$1.err" || { cat "$WORK/$1.err"; fail "$1: report does not mention /$2/"; }
}
# check_and_run NAME: `stroma check` exits 0 and a 60-min run succeeds
check_and_run() {
  "$STROMA" check "$WORK/$1.yaml" >"$WORK/$1.check" 2>&1 || { cat "$WORK/$1.check"; fail "$1: check failed"; }
  "$STROMA" run "$WORK/$1.yaml" --end 60 --quiet --threads 1 --out "$WORK/run_$1" 2>"$WORK/$1.run.err" ||
    { cat "$WORK/$1.run.err"; fail "$1: run failed"; }
  [ -f "$WORK/run_$1/summary.json" ] || fail "$1: no summary.json"
}

for s in template rules_sample immune_function asymmetric_division; do
  import "$s" "$DATA/$s/PhysiCell_settings.xml"
  check_and_run "$s"
  # every reported item is also in the model file's header, one per line
  n=$(grep -Ec '^[^ ]+: (not imported|approximated|note): ' "$WORK/$s.err")
  h=$(grep -Ec '^#   \[(not imported|approximated|note)\] ' "$WORK/$s.yaml")
  [ "$n" -eq "$h" ] || fail "$s: $n items on stderr but $h in the YAML header"
  grep -q "cycle_start: synchronized" "$WORK/$s.yaml" || fail "$s: initial cells not synchronized"
  grep -q "^rules_law: physicell " "$WORK/$s.yaml" || fail "$s: rules_law: physicell not written"
  grep -q "^contact_law: physicell " "$WORK/$s.yaml" || fail "$s: contact_law: physicell not written"
  grep -Eq "approximated: .*(attack|phagocyt|apoptotic phase lasts an exponential)" "$WORK/$s.err" &&
    { cat "$WORK/$s.err"; fail "$s: attacks, phagocytosis or apoptotic timing still reported as approximated"; }
  grep -q "^dead_uptake_fraction: 0.1 " "$WORK/$s.yaml" || fail "$s: dead_uptake_fraction not written"
  grep -q "combined by PhysiCell's law" "$WORK/$s.check" || fail "$s: check does not describe the law"
  # Dirichlet faces (rules_sample, immune_function) use BioFVM's scheme (boundary_convention biofvm); without any
  # (template, asymmetric_division) the key is not written
  if grep -q "^    boundary: " "$WORK/$s.yaml"; then
    grep -q "^boundary_convention: biofvm " "$WORK/$s.yaml" || fail "$s: boundary_convention: biofvm not written"
    grep -q "boundary_convention biofvm" "$WORK/$s.check" || fail "$s: check does not describe the boundary convention"
  else
    grep -q "^boundary_convention" "$WORK/$s.yaml" && fail "$s: boundary_convention written without Dirichlet faces"
  fi
  # deterministic: a second conversion gives the same bytes
  "$STROMA" import-physicell "$DATA/$s/PhysiCell_settings.xml" -o "$WORK/again.yaml" 2>/dev/null
  sed "s/again\.cells\.csv/$s.cells.csv/" "$WORK/again.yaml" | cmp -s - "$WORK/$s.yaml" ||
    fail "$s: two conversions differ"
  if [ -f "$WORK/$s.cells.csv" ]; then cmp -s "$WORK/again.cells.csv" "$WORK/$s.cells.csv" ||
    fail "$s: two cell files differ"; fi
  echo "ok: $s ($n items reported)"
done

# template: no cells file; <number_of_cells> of every type in the whole domain, as its setup_tissue() does
expect_report template "setup_tissue"
grep -q 'type: default, count: 5, box: {lo: \[-500, -500, 0\], hi: \[500, 500, 0\]}' "$WORK/template.yaml" ||
  fail "template: 5 cells in the domain box expected"
grep -q "cycle: {model: phases, phases: \[300, 480, 240, 60\], phase_kinds: \[exponential, fixed, fixed, fixed\]}" \
  "$WORK/template.yaml" || fail "template: flow-cytometry cycle not imported as expected"
[ ! -e "$WORK/template.cells.csv" ] || fail "template: a cells file was written though none is enabled"

# rules_sample: names rewritten everywhere, 1,300 cells, saturations as read (the law shares them), phagocytosis
# by kind of death (rates and rules exact); rules raising and lowering one behaviour are exact under the law (not
# reported); the shared death models: every type gets the last definition's apoptotic phase (exponential)
expect_report rules_sample "'malignant epithelial cell' -> malignant_epithelial_cell"
grep -q 'type: M0_macrophage, signal: "volume", direction: decreases, behaviour: "phagocytose apoptotic cell", saturation: 0,' \
  "$WORK/rules_sample.yaml" || fail "rules_sample: rule on phagocytose apoptotic cell (line 14)"
grep -q 'type: M0_macrophage, signal: "volume", direction: decreases, behaviour: "phagocytose necrotic cell", saturation: 0,' \
  "$WORK/rules_sample.yaml" || fail "rules_sample: rule on phagocytose necrotic cell (line 15)"
sed -n '/^  M0_macrophage:/,/^  M1_macrophage:/p' "$WORK/rules_sample.yaml" | grep -q '^      phagocytosis_necrotic: 0.01$' ||
  fail "rules_sample: M0 macrophage phagocytosis_necrotic expected"
grep -q '^      phagocytosis: ' "$WORK/rules_sample.yaml" && fail "rules_sample: per-type phagocytosis map written"
expect_report rules_sample "M0_macrophage: other_dead_phagocytosis_rate 0\.01 1/min never applies"
[ "$(grep -c 'apoptosis: {rate: [0-9.e-]*, duration: 515.9958720330237, timing: exponential}' "$WORK/rules_sample.yaml")" -eq 6 ] ||
  fail "rules_sample: the shared apoptotic phase (exponential, mean 1/0.001938) for all 6 types expected"
expect_report rules_sample "note: apoptosis: PhysiCell's cell definitions share one apoptosis model.* the last, exhausted_T_cell, .*malignant_epithelial_cell \(exactly 516 min\)"
grep -q 'type: exhausted_T_cell, signal: "contact with malignant_epithelial_cell", direction: decreases, behaviour: "migration speed", saturation: 0.01,' \
  "$WORK/rules_sample.yaml" || fail "rules_sample: saturation 0.01 of line 35 not written as read"
grep -Eq "cell_rules\.csv:(3|30|35): approximated" "$WORK/rules_sample.err" &&
  { cat "$WORK/rules_sample.err"; fail "rules_sample: a rule the law reproduces is reported"; }
# the macrophages follow both debris fields (advanced chemotaxis with two sensitivities), exactly: a note
expect_report rules_sample "M0_macrophage: advanced chemotaxis along 1 x grad apoptotic_debris \+ 1 x grad necrotic_debris imported as chemotaxis sensitivities"
grep -Eq "advanced chemotaxis .*is not imported" "$WORK/rules_sample.err" &&
  { cat "$WORK/rules_sample.err"; fail "rules_sample: advanced chemotaxis still reported as not imported"; }
[ "$(grep -c 'sensitivities: {apoptotic_debris: 1, necrotic_debris: 1}' "$WORK/rules_sample.yaml")" -eq 3 ] ||
  fail "rules_sample: the three macrophage types should follow both debris fields"
[ "$(grep -c 'normalize_each: false' "$WORK/rules_sample.yaml")" -eq 3 ] ||
  fail "rules_sample: normalize_each_gradient false not written"
# normalize_each_gradient true and a negative sensitivity carry over as read, and the model runs
mkdir -p "$WORK/adv"
cp "$DATA/rules_sample/"* "$WORK/adv/"
sed -i -e 's|<normalize_each_gradient>false<|<normalize_each_gradient>true<|' \
  -e 's|"necrotic debris">1<|"necrotic debris">-0.5<|' "$WORK/adv/PhysiCell_settings.xml"
import adv "$WORK/adv/PhysiCell_settings.xml"
expect_report adv "M1_macrophage: advanced chemotaxis along 1 x grad apoptotic_debris \+ -0\.5 x grad necrotic_debris \(each gradient normalised\) imported"
[ "$(grep -c 'sensitivities: {apoptotic_debris: 1, necrotic_debris: -0.5}' "$WORK/adv.yaml")" -eq 3 ] ||
  fail "adv: negative sensitivity not written as read"
[ "$(grep -c 'normalize_each: true' "$WORK/adv.yaml")" -eq 3 ] || fail "adv: normalize_each true not written"
check_and_run adv
# rules on chemotactic responses (and the synonym chemotactic sensitivity) are imported on stroma's behaviour, a
# negative saturation as read; a type with one substrate is written in the sensitivities form; a type whose
# advanced chemotaxis is disabled (exhausted T cell, line 1132) has its rule dropped (PhysiCell reads no
# sensitivity then)
mkdir -p "$WORK/advr"
cp "$DATA/rules_sample/"* "$WORK/advr/"
sed -i '1132s|<enabled>true<|<enabled>false<|' "$WORK/advr/PhysiCell_settings.xml"
cat >"$WORK/advr/chemo.csv" <<'EOF'
M0 macrophage,oxygen,decreases,chemotactic response to oxygen,-2,10,4,0
malignant epithelial cell,pressure,increases,chemotactic sensitivity to necrotic debris,1,0.5,4,0
exhausted T cell,pressure,increases,chemotactic response to oxygen,1,0.5,4,0
EOF
import advr "$WORK/advr/PhysiCell_settings.xml" "$WORK/advr/chemo.csv"
grep -q 'type: M0_macrophage, signal: "oxygen", direction: decreases, behaviour: "chemotactic response to oxygen", saturation: -2,' \
  "$WORK/advr.yaml" || fail "advr: rule on chemotactic response to oxygen not written as read"
grep -q 'behaviour: "chemotactic response to necrotic_debris", saturation: 1,' "$WORK/advr.yaml" ||
  fail "advr: chemotactic sensitivity to (synonym) not written as chemotactic response to"
expect_report advr "chemo\.csv:2: note: rules on chemotactic responses of malignant_epithelial_cell: its advanced chemotaxis written as sensitivities"
grep -q 'sensitivities: {oxygen: 1}' "$WORK/advr.yaml" || fail "advr: malignant cells' oxygen chemotaxis not in the sensitivities form"
expect_report advr "chemo\.csv:3: not imported: exhausted_T_cell has no advanced chemotaxis in PhysiCell"
check_and_run advr
expect_report rules_sample "column 'custom:GFP' is not imported"
grep -q 'signal: "contact with malignant_epithelial_cell"' "$WORK/rules_sample.yaml" || fail "rules_sample: contact signal"
grep -q 'behaviour: "transform to M1_macrophage"' "$WORK/rules_sample.yaml" || fail "rules_sample: transform name"
grep -q 'file: "rules_sample.cells.csv"' "$WORK/rules_sample.yaml" || fail "rules_sample: cells file not referenced"
# per-cell columns: 'cycle entry' and 'custom:sample' map (no row sets them); 'volume' and 'custom:GFP' (no such
# custom data) do not
[ "$(head -1 "$WORK/rules_sample.cells.csv")" = "x,y,z,type,cycle entry,custom:sample" ] ||
  fail "rules_sample: cells header $(head -1 "$WORK/rules_sample.cells.csv")"
expect_report rules_sample "column 'volume' is not imported \(0 rows give a value\)"
grep -Eq "column '(cycle entry|custom:sample)'" "$WORK/rules_sample.err" &&
  { cat "$WORK/rules_sample.err"; fail "rules_sample: a mapped per-cell column is reported"; }
[ "$(grep -c ',malignant_epithelial_cell,skip,skip$' "$WORK/rules_sample.cells.csv")" -eq 1000 ] ||
  fail "rules_sample: 1000 malignant cells expected"
[ "$(wc -l <"$WORK/rules_sample.cells.csv")" -eq 1301 ] || fail "rules_sample: 1300 cells expected"
grep -q "cells: 1300 in 1 group\|1300" "$WORK/rules_sample.check" || fail "rules_sample: check does not see 1300 cells"

# immune_function: cell integrity, attacks (contact_law: physicell), the 'damage delivered' signal and the per-cell
# columns imported; legacy seed
grep -q '^    damage: {repair: 0\.1}$' "$WORK/immune_function.yaml" || fail "immune_function: damage repair expected"
grep -q '^      attack_damage: 1$' "$WORK/immune_function.yaml" || fail "immune_function: attack_damage expected"
grep -q 'kill_rate' "$WORK/immune_function.yaml" && fail "immune_function: kill_rate written"
grep -q 'type: tumor_cell, signal: "time", direction: decreases, behaviour: "damage repair rate", saturation: 0,' \
  "$WORK/immune_function.yaml" || fail "immune_function: rule on damage repair rate not imported"
grep -q 'type: tumor_cell, signal: "damage", direction: increases, behaviour: "apoptosis"' \
  "$WORK/immune_function.yaml" || fail "immune_function: rule on damage not imported"
grep -Eq "damage_repair_rate|behaviour 'damage|signal 'damage' " "$WORK/immune_function.err" &&
  { cat "$WORK/immune_function.err"; fail "immune_function: damage still reported as not imported"; }
grep -q 'type: fast_T_cell, signal: "damage delivered", direction: increases, behaviour: "transform to exhausted_T_cell", saturation: 0.01,' \
  "$WORK/immune_function.yaml" || fail "immune_function: rule on damage delivered not imported"
grep -Eq "damage delivered|attack_duration|necrosis' is not imported|phagocytose (apoptotic|necrotic|dead) cell|apoptotic phase lasts" \
  "$WORK/immune_function.err" &&
  { cat "$WORK/immune_function.err"; fail "immune_function: attacks, damage delivered, per-cell necrosis or phagocytosis reported"; }
# the tumour cells' own apoptotic phase (516 min, fixed) is overridden by the later definitions' shared one
expect_report immune_function "apoptosis: PhysiCell's cell definitions share one apoptosis model.*the last, exhausted_T_cell, leaves every type an apoptotic phase of an exponential time of mean 515\.996 min.*tumor_cell \(exactly 516 min\)"
[ "$(grep -c 'duration: 515.9958720330237, timing: exponential}' "$WORK/immune_function.yaml")" -eq 6 ] ||
  fail "immune_function: the shared apoptotic phase for all 6 types expected"
# the tumour cell with a per-cell necrosis rate: death.necrosis with the shared removal time (the longer phase, fixed)
sed -n '/^  tumor_cell:/,/^  macrophage:/p' "$WORK/immune_function.yaml" |
  grep -q 'necrosis: {substrate: doxorubicin, threshold: 0, critical: 0, rate: 0, duration: 86399.80646443364}' ||
  fail "immune_function: tumor_cell necrosis block with the shared duration expected"
# per-cell columns: all map, as the same-named stroma columns (renamed types, numbers exact, skip kept)
h="x,y,z,type,apoptosis,necrosis,migration speed,phagocytose apoptotic cell,phagocytose necrotic cell"
h="$h,attack tumor_cell,attack duration,attack damage rate,damage rate"
[ "$(head -1 "$WORK/immune_function.cells.csv")" = "$h,damage repair rate" ] ||
  fail "immune_function: cells header $(head -1 "$WORK/immune_function.cells.csv")"
grep -qx '0,0,0,tumor_cell,9000000000,0,0,0,0,skip,skip,skip,1,0' "$WORK/immune_function.cells.csv" ||
  fail "immune_function: tumor cell row with per-cell apoptosis, necrosis and damage"
grep -qx '15,0,0,macrophage,skip,skip,0,0.05,0,skip,skip,skip,skip,skip' "$WORK/immune_function.cells.csv" ||
  fail "immune_function: macrophage row with per-cell phagocytosis of apoptotic and necrotic cells"
grep -qx -- '-100,-100,0,slow_T_cell,skip,skip,0,0,0,0.025,50,0.1,skip,skip' "$WORK/immune_function.cells.csv" ||
  fail "immune_function: slow T cell row with per-cell attack"
[ "$(grep -c ',fast_T_cell,skip,skip,0,0,0,0\.025,5,1,skip,skip$' "$WORK/immune_function.cells.csv")" -eq 5 ] ||
  fail "immune_function: 5 fast T cells with per-cell attack expected"
grep -Eq "per-cell column" "$WORK/immune_function.err" &&
  { cat "$WORK/immune_function.err"; fail "immune_function: a per-cell column reported"; }
# T cells that attack through per-cell values get their type's attachment duration and attack damage
[ "$(grep -c '^      attachment_duration: 0\.1$' "$WORK/immune_function.yaml")" -eq 3 ] ||
  fail "immune_function: attachment_duration for effector, fast and slow T cells expected"
expect_report immune_function "seed 19 taken from <user_parameters>"
grep -q "^seed: 19$" "$WORK/immune_function.yaml" || fail "immune_function: seed 19 expected"

# asymmetric_division: asymmetric division (settings and rules) imported exactly, nothing reported about it
grep -q "asymmetric division" "$WORK/asymmetric_division.err" && fail "asymmetric: reported"
grep -q "cycle: {model: exponential, duration: 1440, asymmetric_division: {progenitor_1: 1}}" \
  "$WORK/asymmetric_division.yaml" || fail "asymmetric: table"
grep -q 'behaviour: "asymmetric division to progenitor_2", saturation: 1, half_max: 3, hill: 4' \
  "$WORK/asymmetric_division.yaml" || fail "asymmetric: rule"
grep -q 'behaviour: "cycle entry", saturation: 0.17' "$WORK/asymmetric_division.yaml" || fail "asymmetric: cycle rule"

# A rules file on the command line replaces the enabled ruleset. A rule toward a value on the other side of the
# base (PhysiCell moves the behaviour toward it) is written as read: rules_law: physicell accepts it. A rule on
# the speed of a type whose motility is disabled is dropped (PhysiCell never moves it). Comment lines are skipped.
cat >"$WORK/flip.csv" <<'EOF'
// comment
tumor cell,doxorubicin,increases,apoptosis,0,0.5,4,0
tumor cell,doxorubicin,increases,migration speed,1,0.5,2,0
macrophage,doxorubicin,decreases,migration speed,2,0.5,2,0
EOF
import flip "$DATA/immune_function/PhysiCell_settings.xml" "$WORK/flip.csv"
expect_report flip "flip\.csv:3: not imported: motility of tumor_cell is disabled"
expect_report flip "rules read from .*flip\.csv \(command line\)"
grep -q 'type: macrophage, signal: "doxorubicin", direction: decreases, behaviour: "migration speed", saturation: 2' \
  "$WORK/flip.yaml" || fail "flip: rule not written as read"
grep -q 'flip\.csv:4: approximated' "$WORK/flip.err" && { cat "$WORK/flip.err"; fail "flip: rule reported"; }
"$STROMA" check "$WORK/flip.yaml" >/dev/null 2>&1 || fail "flip: check failed"
cat >"$WORK/flip2.csv" <<'EOF'
malignant epithelial cell,oxygen,increases,apoptosis,0,5,4,0
EOF
import flip2 "$DATA/rules_sample/PhysiCell_settings.xml" "$WORK/flip2.csv"
grep -q 'direction: increases, behaviour: "apoptosis", saturation: 0,' "$WORK/flip2.yaml" || fail "flip2: rule not as read"
"$STROMA" check "$WORK/flip2.yaml" >/dev/null 2>&1 || fail "flip2: check failed"
# damage behaviours start from the imported values (tumor cells repair 0.1, effector T cells deliver 1); a type
# that does not attack but has rules on its attack damage gets attack_damage as their base; rules on attack
# duration map to the same behaviour
cat >"$WORK/dmg.csv" <<'EOF'
tumor cell,doxorubicin,increases,damage rate,1,0.5,4,0
tumor cell,pressure,increases,damage repair rate,0.05,1,4,0
effector T cell,pro-inflammatory factor,decreases,attack damage rate,0.5,1,4,0
macrophage,doxorubicin,increases,attack damage rate,2,0.5,4,0
effector T cell,pro-inflammatory factor,increases,attack duration,1,1,4,0
EOF
import dmg "$DATA/immune_function/PhysiCell_settings.xml" "$WORK/dmg.csv"
grep -q 'signal: "pressure", direction: increases, behaviour: "damage repair rate", saturation: 0.05,' "$WORK/dmg.yaml" ||
  fail "dmg: rule on damage repair rate not as read"
grep -q 'behaviour: "attack duration", saturation: 1,' "$WORK/dmg.yaml" || fail "dmg: rule on attack duration"
grep -q 'type: tumor_cell, signal: "doxorubicin", direction: increases, behaviour: "damage rate", saturation: 1,' \
  "$WORK/dmg.yaml" || fail "dmg: rule on damage rate"
grep -q 'direction: decreases, behaviour: "attack damage rate", saturation: 0.5,' "$WORK/dmg.yaml" ||
  fail "dmg: rule on attack damage rate"
sed -n '/^  macrophage:/,/^  fast_T_cell:/p' "$WORK/dmg.yaml" | grep -q '^      attack_damage: 1$' ||
  fail "dmg: macrophage attack_damage expected"
grep -q 'dmg\.csv:[2-4]: approximated' "$WORK/dmg.err" && { cat "$WORK/dmg.err"; fail "dmg: rules rewritten"; }
"$STROMA" check "$WORK/dmg.yaml" >/dev/null 2>&1 || fail "dmg: check failed"
echo "ok: rules written as read, combined as PhysiCell does"

# bad input: exit 2, the file (and line) named, nothing written
# expect_bad NAME PATTERN ARGS...: import exits with 2, stderr matches PATTERN, $WORK/NAME.out.yaml not created
expect_bad() {
  local name=$1 pattern=$2 rc=0
  shift 2
  "$STROMA" import-physicell "$@" -o "$WORK/$name.out.yaml" 2>"$WORK/$name.bad" || rc=$?
  [ $rc -eq 2 ] || { cat "$WORK/$name.bad"; fail "$name: exit $rc, expected 2"; }
  grep -Eq "$pattern" "$WORK/$name.bad" || { cat "$WORK/$name.bad"; fail "$name: message does not match /$pattern/"; }
  [ ! -e "$WORK/$name.out.yaml" ] || fail "$name: output written"
  echo "ok: $name"
}
expect_bad missing "nope\.xml: No such file" "$WORK/nope.xml"
sed 's|</max_time>|</max_tim>|' "$DATA/template/PhysiCell_settings.xml" >"$WORK/malformed.xml"
expect_bad malformed "malformed\.xml:17:[0-9]+: malformed XML: .*max_time" "$WORK/malformed.xml"
sed 's|<x_min>-500</x_min>|<x_min>left</x_min>|' "$DATA/template/PhysiCell_settings.xml" >"$WORK/notnum.xml"
expect_bad not_a_number "notnum\.xml:4: <x_min> must be a number \(got 'left'\)" "$WORK/notnum.xml"
sed 's|<damage_repair_rate units="1/min">0.0<|<damage_repair_rate units="1/min">-0.1<|' \
  "$DATA/template/PhysiCell_settings.xml" >"$WORK/negdamage.xml"
expect_bad negative_damage "negdamage\.xml:207: <damage_repair_rate> must be >= 0 \(got -0\.1\)" "$WORK/negdamage.xml"
printf 'tumour cell,doxorubicin,increases,apoptosis,1,1,1,0\n' >"$WORK/unknown.csv"
expect_bad unknown_type "unknown\.csv:1:1: unknown cell type 'tumour cell'.*did you mean 'tumor cell'" \
  "$DATA/immune_function/PhysiCell_settings.xml" "$WORK/unknown.csv"
printf 'tumor cell,doxorubicin,increases,apoptosis,1,half,1,0\n' >"$WORK/badnum.csv"
expect_bad rule_number "badnum\.csv:1:[0-9]+: the half-max \(field 6\) must be a number" \
  "$DATA/immune_function/PhysiCell_settings.xml" "$WORK/badnum.csv"
expect_bad missing_rules "norules\.csv: No such file" "$DATA/template/PhysiCell_settings.xml" "$WORK/norules.csv"
expect_bad rules_not_file "not a regular file" "$DATA/template/PhysiCell_settings.xml" "$WORK"
mkdir -p "$WORK/project"
sed 's|<filename>cells.csv</filename>|<filename>gone.csv</filename>|' "$DATA/rules_sample/PhysiCell_settings.xml" \
  >"$WORK/project/PhysiCell_settings.xml"
expect_bad missing_cells "PhysiCell_settings\.xml:[0-9]+: the enabled cell positions file 'gone\.csv' is neither" \
  "$WORK/project/PhysiCell_settings.xml"

mkdir -p "$WORK/project2"
cp "$DATA/rules_sample/PhysiCell_settings.xml" "$DATA/rules_sample/cell_rules.csv" "$WORK/project2/"
printf 'x,y,z,type\n0,0,0,M0 macrophage\n1,2,0,nobody\n' >"$WORK/project2/cells.csv"
expect_bad cells_type "cells\.csv:3:7: unknown cell type 'nobody'" "$WORK/project2/PhysiCell_settings.xml"
# per-cell values: a value stroma refuses is reported with its line and written as skip (a bias above 1, a negative
# value, a speed for a type whose motility is disabled, inf); 's'/'S'/empty skip as in PhysiCell; synonyms merge (a
# row's last value wins); custom:<v> maps to the state variable; numbers keep every digit; an unknown column is
# reported; a value that is not a number in an imported column is an error (file:line:col)
mkdir -p "$WORK/project3"
cp "$DATA/immune_function/PhysiCell_settings.xml" "$DATA/immune_function/cell_rules.csv" "$WORK/project3/"
{
  echo "x,y,z,type,migration bias,migration speed,cycle entry,exit from cycle phase 0,custom:sample,phagocytose necrotic cell,doxorubicin export,wobble"
  echo "0,0,0,macrophage,1.5,2,0.1,S,-3,0.5,-1,7"
  echo "10,0,0,tumor cell,0.25,1,skip,0.2,,,-0.5,"
  echo "20,0,0,fast T cell,-0.1,0.123456789012345678,,,2.5,skip,inf,x"
} >"$WORK/project3/cells.csv"
import percell "$WORK/project3/PhysiCell_settings.xml"
printf '%s\n' "x,y,z,type,migration bias,migration speed,cycle entry,custom:sample,phagocytose necrotic cell,doxorubicin export" \
  "0,0,0,macrophage,skip,2,0.1,-3,0.5,-1" "10,0,0,tumor_cell,0.25,skip,0.2,skip,skip,-0.5" \
  "20,0,0,fast_T_cell,skip,0.12345678901234568,skip,2.5,skip,skip" | cmp -s - "$WORK/percell.cells.csv" ||
  { cat "$WORK/percell.cells.csv"; fail "percell: converted cells file"; }
expect_report percell "cells\.csv:2: not imported: per-cell column 'migration bias': 1\.5 on this line: .*above 1; written as skip"
expect_report percell "cells\.csv:3: not imported: per-cell column 'migration speed': 1 on this line: motility of tumor_cell is disabled"
expect_report percell "cells\.csv:4: not imported: per-cell column 'migration bias': -0\.1 on this line: .*negative"
expect_report percell "cells\.csv:4: not imported: per-cell column 'doxorubicin export': inf on this line: not a finite number"
expect_report percell "'cycle entry' and 'exit from cycle phase 0' name the same behaviour"
grep -q "phagocytose necrotic cell" "$WORK/percell.err" && { cat "$WORK/percell.err"; fail "percell: phagocytose necrotic cell reported"; }
expect_report percell "column 'wobble' is not imported .*PhysiCell skips the column too"
expect_report percell "tumor_cell: phase 0 has rate 0 \(cells stay in it until a rule or a per-cell value on cycle entry"
check_and_run percell
mkdir -p "$WORK/project4"
cp "$DATA/immune_function/PhysiCell_settings.xml" "$DATA/immune_function/cell_rules.csv" "$WORK/project4/"
printf 'x,y,z,type,volume,migration speed\n0,0,0,macrophage,big,fast\n' >"$WORK/project4/cells.csv"
expect_bad cells_value "cells\.csv:2:[0-9]+: per-cell column 'migration speed': 'fast' is not a number" \
  "$WORK/project4/PhysiCell_settings.xml"
echo "ok: per-cell columns"

# outputs: a directory is refused (2); a missing directory is refused (2); an unwritable place fails (1) and
# leaves nothing; a failed import leaves an earlier output untouched
rc=0; "$STROMA" import-physicell "$DATA/template/PhysiCell_settings.xml" -o "$WORK" 2>"$WORK/o.err" || rc=$?
[ $rc -eq 2 ] && grep -q "not a regular file" "$WORK/o.err" || fail "output directory: exit $rc"
rc=0; "$STROMA" import-physicell "$DATA/template/PhysiCell_settings.xml" -o "$WORK/no/such/dir/m.yaml" \
  2>"$WORK/o.err" || rc=$?
[ $rc -eq 2 ] && grep -q "does not exist" "$WORK/o.err" || fail "missing output directory: exit $rc"
rc=0; "$STROMA" import-physicell "$DATA/rules_sample/PhysiCell_settings.xml" -o /proc/stroma-import-test.yaml \
  2>"$WORK/o.err" || rc=$?
[ $rc -eq 1 ] && grep -q "cannot write" "$WORK/o.err" || { cat "$WORK/o.err"; fail "unwritable output: exit $rc"; }
[ ! -e /proc/stroma-import-test.yaml ] || fail "unwritable output: file appeared"
echo "earlier output" >"$WORK/keep.yaml"
rc=0; "$STROMA" import-physicell "$WORK/malformed.xml" -o "$WORK/keep.yaml" 2>/dev/null || rc=$?
[ $rc -eq 2 ] && [ "$(cat "$WORK/keep.yaml")" = "earlier output" ] || fail "a failed import touched an earlier output"
ls -a "$WORK" | grep -q '\.tmp-' && fail "temporary files left behind"
echo "ok: outputs written atomically"
