# Warnings about the tissue as a run goes (stderr, each once; docs/outputs.md "Warnings about the tissue") and
# summary.json's `packing`. tests/cli/models/packing.yaml: 300 cancer cells dividing every 5 h in a 300 um box
# with no contact inhibition. Checked:
#   - as is: "packed far past confluence" (mean pressure > 4) and "walls hold ... compressed cells" (>= 5) are
#     printed once each, and summary.json's packing agrees (mean_pressure > 4, cells_held_by_walls >= 5);
#   - the same cells with room (a 1.5 mm box) and a 50 h cycle: no warning, mean pressure < 4, no cell held;
#   - a 4 min cycle with a 6 min phenotype step: "divided in one phenotype step" already at t = 6 min;
#   - the warnings do not change the outputs: summary.json is the same at 1 and 2 threads.
source "$(dirname "$0")/lib.bash"
M="$SRC/tests/cli/models/packing.yaml"
"$STROMA" run "$M" --out "$WORK/packed" --quiet --threads 2 2> "$WORK/packed.err" || fail "packed run failed"
"$STROMA" run "$M" --out "$WORK/packed1" --quiet --threads 1 2> /dev/null || fail "packed run (1 thread) failed"
cmp "$WORK/packed/summary.json" "$WORK/packed1/summary.json" || fail "summary.json differs between 1 and 2 threads"
"$STROMA" run "$M" --out "$WORK/room" --quiet --set 'domain.x=[-600,900]' --set 'domain.y=[-600,900]' \
  --set cell_types.cancer.cycle.duration=3000 2> "$WORK/room.err" || fail "run with room failed"
"$STROMA" run "$M" --out "$WORK/burst" --quiet --end 12 --set cell_types.cancer.cycle.duration=4 \
  2> "$WORK/burst.err" || fail "burst run failed"
python3 - "$WORK" <<'PY'
import json, os, sys
w = sys.argv[1]
def err(d): return open(os.path.join(w, d + ".err")).read()
def pk(d): return json.load(open(os.path.join(w, d, "summary.json")))["packing"]
def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok: sys.exit(1)
e, p = err("packed"), pk("packed")
check(e.count("packed far past confluence") == 1, "packed: one confluence warning")
check(e.count("domain's walls hold") == 1, "packed: one wall warning")
check("phenotype step" not in e, "packed: no burst warning (a 5 h cycle)")
check(p["mean_pressure"] > 4, f"packed: mean pressure {p['mean_pressure']:.2f} > 4")
check(p["cells_held_by_walls"] >= 5, f"packed: {p['cells_held_by_walls']} cells held by the walls (>= 5)")
e, p = err("room"), pk("room")
check("warning" not in e, f"room: no warning ({e.strip()[:120]})")
check(p["mean_pressure"] < 4 and p["cells_held_by_walls"] == 0, f"room: {p}")
e = err("burst")
check("at t = 6 min, 100% of the 300 live cancer cells divided in one phenotype step" in e,
      "burst: warned at the first phenotype step")
PY
