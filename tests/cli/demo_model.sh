# The shipped default scenario validates and runs (shortened), with sensible biology-facing numbers.
source "$(dirname "$0")/lib.bash"
"$STROMA" check "$SRC/models/tumour_stroma.yaml" > "$WORK/check.txt" || fail "check failed"
grep -q oxygen "$WORK/check.txt" || fail "check summary lacks substrates"
"$STROMA" run "$SRC/models/tumour_stroma.yaml" --out "$WORK/demo" --end 120 --quiet || fail "demo run"
python3 - "$WORK/demo/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["substrates"]
# oxygen stays within [0, blood pO2 55 mmHg]; the tumour makes it hypoxic somewhere
assert 0 <= s["oxygen"]["min"] < 30 and s["oxygen"]["max"] <= 55 + 1e-9, s["oxygen"]
for f in ("IL6", "CXCL8", "TGFb", "VEGF"):
    assert s[f]["min"] >= 0 and s[f]["total"] > 0, (f, s[f])
c = json.load(open(sys.argv[1]))["cells"]
assert set(c) == {"cancer", "fibroblast", "CAF", "CD8_T", "macrophage"}, c
assert c["cancer"] > 300 and c["CD8_T"] > 0, c
# the body: plasma starts at the healthy levels and the tumour raises them
p = json.load(open(sys.argv[1]))["plasma"]
assert set(p) == {"IL6", "VEGF", "CXCL8", "CAF_exosome", "tumour_exosome"}, p
assert p["IL6"]["value"] > 5.2 and p["VEGF"]["value"] > 17 and p["IL6"]["unit"] == "pg/mL", p
# what a pathologist and a clinician read: markers per type and population, the tumour region, the indices
s = json.load(open(sys.argv[1]))
ihc, T, I = s["ihc"], s["tissue"], s["indices"]
assert list(ihc) == ["cancer", "fibroblast", "CAF", "CD8_T", "macrophage", "fibroblasts"], list(ihc)
assert set(ihc["cancer"]) == {"Ki67", "E-cadherin", "CA9", "resistance", "FAP", "CD8"}, ihc["cancer"]
assert ihc["CD8_T"]["CD8"] == 1 and ihc["CAF"]["FAP"] == 1 and ihc["cancer"]["FAP"] == 0, ihc
assert 0 < ihc["fibroblasts"]["FAP"] < 1, ihc["fibroblasts"]  # some fibroblasts are activated already
assert T["tumour_cells"] == c["cancer"] and 0.1 < T["tumour_area_mm2"] < 0.5, T
assert T["cd8_in_tumour"] + T["cd8_margin"] <= c["CD8_T"], T
assert T["median_po2_tumour"] < T["median_po2_normal"] <= 55, T  # the nest is hypoxic against its surroundings
assert 0 < I["cachexia"] < 1 and 0 < I["premetastatic_niche"] < 1, I
PY
echo "demo_model: ok"
