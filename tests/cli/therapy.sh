# Drugs end to end (docs/therapies.md): the label model (tests/cli/models/therapy_labels.yaml) writes
# timeseries.csv's drug_<name>_plasma and summary.json's "therapies" (keys, the end values equal to the last row,
# every dose given and the dosed amounts = doses x mg or mg/kg x 70 kg, the bevacizumab day-84 trough in the
# label's 80 +- 20 µg/mL); the doxorubicin model (tests/cli/models/therapy_doxorubicin.yaml) writes
# drug_doxo_tissue = the doxorubicin field's mean, the same bytes at 1 and 2 threads, and the same bytes when killed
# after its first checkpoint and resumed. Bad therapies are refused
# with file:line:col, exit 2 and no output directory: a negative dose, an unknown key (with the nearest key), an
# unknown substrate, a dose in mg/kg without a body weight, a drug field that does not cross the vessel wall, an
# infusion without a duration, a mechanism without a tissue field, an unknown resistance variable, a signal
# blocked by two drugs, a cell infusion without vessels, radiotherapy fractions without an interval.
source "$(dirname "$0")/lib.bash"
"$STROMA" run "$SRC/tests/cli/models/therapy_labels.yaml" --out "$WORK/l" --quiet || fail "label run failed"
python3 - "$WORK/l" <<'PY' || fail "the label run's outputs are wrong"
import csv, json, os, sys
d = sys.argv[1]
s = json.load(open(os.path.join(d, "summary.json")))
rows = list(csv.DictReader(open(os.path.join(d, "timeseries.csv"))))
th = s["therapies"]
assert list(th) == ["pembrolizumab", "bevacizumab", "tocilizumab"], list(th)
keys = ["substrate", "plasma_mg_per_l", "peripheral_mg_per_l", "tissue_mean", "auc_mg_min_per_l", "cmax_mg_per_l",
        "tmax_min", "dosed_mg", "cleared_mg", "in_body_mg", "doses_given", "doses", "neutralised"]
dosed = {"pembrolizumab": 8 * 200, "bevacizumab": 7 * 5 * 70, "tocilizumab": 6 * 8 * 70}
for name, x in th.items():
    assert list(x) == keys, list(x)
    assert x["substrate"] is None and x["tissue_mean"] is None, x
    assert x["plasma_mg_per_l"] == float(rows[-1]["drug_%s_plasma" % name]), name
    assert x["doses_given"] == x["doses"], x
    assert abs(x["dosed_mg"] - dosed[name]) < 1e-9 * dosed[name], (name, x["dosed_mg"])
    assert abs(x["dosed_mg"] - x["cleared_mg"] - x["in_body_mg"]) < 1e-9 * x["dosed_mg"], x
day84 = [r for r in rows if float(r["time"]) == 84 * 1440][0]
bev = float(day84["drug_bevacizumab_plasma"])
assert abs(bev - 80) <= 20, bev
print("bevacizumab day-84 trough %.1f µg/mL (label 80.3)" % bev)
PY
D="$SRC/tests/cli/models/therapy_doxorubicin.yaml"
"$STROMA" run "$D" --out "$WORK/d2" --quiet --threads 2 || fail "doxorubicin run failed"
"$STROMA" run "$D" --out "$WORK/d1" --quiet --threads 1 || fail "doxorubicin run at one thread failed"
for f in summary.json timeseries.csv fields/doxorubicin_30.csv; do
  cmp -s "$WORK/d1/$f" "$WORK/d2/$f" || fail "$f differs between 1 and 2 threads"
done
python3 - "$WORK/d2" <<'PY' || fail "the doxorubicin run's outputs are wrong"
import csv, os, sys
rows = list(csv.DictReader(open(os.path.join(sys.argv[1], "timeseries.csv"))))
assert rows[-1]["drug_doxo_tissue"] == rows[-1]["doxorubicin_mean"], rows[-1]
assert float(rows[1]["drug_doxo_tissue"]) > float(rows[-1]["drug_doxo_tissue"]) > 0, rows
PY
# killed after its first checkpoint and resumed at another thread count: the same bytes as a run never stopped
RARGS=(--end 3000 --checkpoint-every 300 --quiet)
"$STROMA" run "$D" "${RARGS[@]}" --threads 2 --out "$WORK/ra" || fail "uninterrupted doxorubicin run failed"
"$STROMA" run "$D" "${RARGS[@]}" --threads 1 --out "$WORK/rb" &
pid=$!
for _ in $(seq 1 20000); do [ -f "$WORK/rb/checkpoint.bin" ] && break; sleep 0.001; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -f "$WORK/rb/checkpoint.bin" ] || fail "the killed run wrote no checkpoint"
grep -q '"status": "running"' "$WORK/rb/run.json" || fail "the doxorubicin run finished before it could be killed"
"$STROMA" resume "$WORK/rb" --threads 2 --quiet || fail "resume failed"
diff -r -x run.json -x report.html "$WORK/ra" "$WORK/rb" >"$WORK/diff.txt" || fail "resumed run differs: $(head "$WORK/diff.txt")"
cmp "$WORK/ra/checkpoint.bin" "$WORK/rb/checkpoint.bin" || fail "resumed final state differs"
echo "doxorubicin: killed mid-run, resumed: outputs and final state bit-identical"

base='domain: {x: [0, 40], y: [0, 40], z: [0, 20], voxel: 20}
time: {end: 10, dt_diffusion: 1}
substrates:
  drug: {diffusion: 100, decay: 0.1}
  IL6: {diffusion: 100, decay: 0.1}
vessels: {capillary_radius: 5, max_density: 0.1, initial: {uniform: 0.02}, permeability: {drug: 1}}'
# expect (lib.bash): exit 2, the message, nothing created
expect negative_dose "$base
therapies:
  drugs:
    mab:
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose: -5}]" "negative_dose\.yaml:11:[0-9]+: .*therapies\.drugs\.mab\.regimens\[0\]\.dose must be > 0"
expect unknown_key "$base
therapies:
  drugs:
    mab:
      pk: {central_volume: 3, half_lfe: 10}
      regimens: [{route: bolus, dose: 5}]" "unknown_key\.yaml:10:[0-9]+: .*half_lfe.*half_life"
expect unknown_substrate "$base
therapies:
  drugs:
    mab:
      substrate: drugg
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose: 5}]" "unknown_substrate\.yaml:10:18: .*substrate.*drugg.*drug"
expect no_weight "$base
therapies:
  drugs:
    mab:
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose_per_kg: 5}]" "no_weight\.yaml:11:[0-9]+: .*body_weight"
expect no_permeability "$base
therapies:
  drugs:
    mab:
      substrate: IL6
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose: 5}]" "no_permeability\.yaml:10:18: .*vessels\.permeability\.IL6 > 0"
expect no_duration "$base
therapies:
  drugs:
    mab:
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: infusion, dose: 5}]" "no_duration\.yaml:11:[0-9]+: .*regimens\[0\]\.duration"
expect no_field "$base
therapies:
  drugs:
    mab:
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose: 5}]
      block_receptor: {signal: IL6, ec50: 1}" "no_field\.yaml:12:[0-9]+: .*give therapies\.drugs\.mab\.substrate"
expect unknown_resistance "${base/dt_diffusion: 1\}/dt_diffusion: 1, dt_mechanics: 1, dt_phenotype: 1\}}
cell_types: {a: {}}
therapies:
  drugs:
    mab:
      substrate: drug
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose: 5}]
      cytotoxic: {rate: 0.01, ec50: 1, resistance: ress}" "unknown_resistance\.yaml:14:52: .*no state variable named 'ress'"
expect two_blockers "${base/\{drug: 1\}/\{drug: 1, IL6: 1\}}
therapies:
  drugs:
    a:
      substrate: drug
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose: 5}]
      block_receptor: {signal: IL6, ec50: 1}
    b:
      substrate: IL6
      pk: {central_volume: 3, half_life: 10}
      regimens: [{route: bolus, dose: 5}]
      block_receptor: {signal: IL6, ec50: 2}" "two_blockers\.yaml:18:7: .*drug a already blocks the same target"
expect infusion_without_vessels 'domain: {x: [0, 40], y: [0, 40], z: [0, 20], voxel: 20}
time: {end: 10, dt_diffusion: 1, dt_mechanics: 1, dt_phenotype: 1}
substrates: {o: {diffusion: 1, decay: 0}}
cell_types: {CAR_T: {}}
therapies:
  infusions: [{cell_type: CAR_T, day: 1, cells: 10}]' "infusion_without_vessels\.yaml:6:15: .*no \`vessels:\` section"
expect fractions_without_interval "${base/dt_diffusion: 1\}/dt_diffusion: 1, dt_mechanics: 1, dt_phenotype: 1\}}
cell_types: {a: {}}
therapies:
  radiotherapy: {dose: 2, fractions: 5, types: {a: {alpha: 0.3, beta: 0.03}}}" "fractions_without_interval\.yaml:9:3: .*radiotherapy\.interval"

# Cytokine therapy (IL-2 as a drug whose substrate is the cytokine): the dosed run has IL-2 in the tissue and, through
# the rule that reads it, more T cells after a day (measured 96 against 53); without the dose the field stays 0.
"$STROMA" run "$SRC/tests/cli/models/therapy_cytokine.yaml" --out "$WORK/il2_on" --quiet || fail "cytokine run"
"$STROMA" run "$SRC/tests/cli/models/therapy_cytokine.yaml" --out "$WORK/il2_off" --quiet \
  --set 'therapies.drugs.aldesleukin.regimens[0].start=100' || fail "cytokine run without the dose"
python3 - "$WORK" <<'PY' || fail "cytokine therapy"
import csv, sys
def last(d):
    return list(csv.DictReader(open(f"{sys.argv[1]}/{d}/timeseries.csv")))[-1]
on, off = last("il2_on"), last("il2_off")
print(f"cytokine: IL-2 tissue {float(on['IL2_mean']):.3g} vs {float(off['IL2_mean']):.3g}; "
      f"T cells {on['cells_T']} vs {off['cells_T']}")
assert float(on["IL2_mean"]) > 1e-4 and float(off["IL2_mean"]) == 0.0, (on["IL2_mean"], off["IL2_mean"])
assert float(on["drug_aldesleukin_tissue"]) == float(on["IL2_mean"])
assert int(on["cells_T"]) > 1.3 * int(off["cells_T"]), (on["cells_T"], off["cells_T"])
PY
echo "therapy: cytokine ok"
