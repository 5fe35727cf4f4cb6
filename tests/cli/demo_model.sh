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
cast = ["cancer", "fibroblast", "iCAF", "myCAF", "MSC", "M1", "M2", "CD8_T", "CD8_Tex", "Treg", "NK", "MDSC"]
assert list(c) == cast, c
assert c["cancer"] > 600 and c["CD8_T"] > 0 and c["fibroblast"] > 0, c
assert c["iCAF"] + c["myCAF"] > 0, c  # fibroblasts are being activated already
# the body: plasma starts at the healthy levels and the tumour raises them
p = json.load(open(sys.argv[1]))["plasma"]
assert list(p) == ["IL6", "VEGF", "CXCL8", "TGFb", "HGF", "IL10", "CAF_exosome", "tumour_exosome"], list(p)
# (two hours in: no CAF yet secretes IL-6, the hypoxic nest already VEGF)
assert 5 < p["IL6"]["value"] < 6 and p["VEGF"]["value"] > 17 and p["IL6"]["unit"] == "pg/mL", p
# what a pathologist and a clinician read: markers per type and population, the tumour region, the indices
s = json.load(open(sys.argv[1]))
ihc, T, I = s["ihc"], s["tissue"], s["indices"]
assert list(ihc) == cast + ["fibroblasts", "CAF", "macrophages", "CD8_T_cells"], list(ihc)
assert list(ihc["cancer"]) == ["Ki67", "E-cadherin", "N-cadherin", "PD-L1", "CA9", "resistance", "FAP", "SMA",
                               "POSTN", "CD8", "PD-1", "FOXP3", "CD163"], ihc["cancer"]
assert ihc["CD8_T"]["CD8"] == 1 and ihc["cancer"]["FAP"] == 0 and ihc["cancer"]["E-cadherin"] == 1, ihc
assert 0 < ihc["fibroblasts"]["FAP"] < 1, ihc["fibroblasts"]  # some fibroblasts are activated already
assert T["tumour_cells"] == c["cancer"] and 0.1 < T["tumour_area_mm2"] < 0.5, T
assert T["cd8_in_tumour"] + T["cd8_margin"] <= c["CD8_T"] + c["CD8_Tex"], T
assert T["median_po2_tumour"] < T["median_po2_normal"] <= 55, T  # the nest is hypoxic against its surroundings
assert 0 < I["cachexia"] < 1 and 0 < I["premetastatic_niche"] < 1, I
PY
echo "demo_model: ok"
