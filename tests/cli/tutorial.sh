# The tutorial stays true (docs/tutorial.md, examples/). Every model under examples/ passes `stroma check`; each
# tutorial step runs in full (1,440 min, seed 1; about 30 s for the four on 2 cores) and the claims the tutorial
# makes hold, with these tolerances (the tutorial quotes the exact numbers of seed 1; the bounds leave room for
# legitimate changes of the engine, not for a step that stops showing its point):
#   every step: no warning on stderr (no tissue packed past confluence, no cell held by the walls, no burst of
#           division) and summary.json packing.cells_held_by_walls 0 — the tutorial teaches contact inhibition from step 1.
#   step 1: >= 100 necrotic cancer cells (tutorial: 486), sitting nearer the centre than the live ones (mean
#           distance < 0.6 x the live cells'; 133 vs 318 um); oxygen at the centre < 5 mmHg, the necrosis
#           threshold (3.82); live cancer cells 2,000-2,800 (2,179).
#   step 2: >= 100 CAFs (167); fibroblasts + CAFs = 250 exactly (neither divides nor dies); transformations in
#           summary.json = the CAFs.
#   step 3: divisions >= 1.15 x step 2's (1,093 vs 872: IL-6 speeds division where cells have room) and more
#           live cancer cells than step 2 (2,331 vs 2,163); IL-6 mean > 50 pg/mL (62.8).
#   step 4: summary.json cell_events kills >= 100 (188); fewer live cancer cells than step 3 (2,077 vs 2,331);
#           mean exhaustion of the live T cells > 0.2 (0.41).
# And the two small examples: spheroid2d's Ki67+ fraction beyond 150 um of the centre exceeds the one within
# 100 um (84 % vs 41 %); spheroid3d writes its ParaView collections and its oxygen minimum is below 36 mmHg
# (32.3).
source "$(dirname "$0")/lib.bash"
n=0
while IFS= read -r -d '' m; do
  "$STROMA" check "$m" > "$WORK/check.txt" 2>&1 || { cat "$WORK/check.txt" >&2; fail "stroma check $m"; }
  n=$((n + 1))
done < <(find "$SRC/examples" -name '*.yaml' -print0 | sort -z)
[ "$n" -ge 6 ] || fail "only $n models under examples/"
echo "stroma check: $n example models ok"
# two runs at a time on one thread each (outputs are the same at any thread count; two 1-thread runs use two
# cores better than one 2-thread run)
printf '%s\n' "tutorial/step1.yaml step1" "tutorial/step2.yaml step2" "tutorial/step3.yaml step3" \
  "tutorial/step4.yaml step4" "spheroid2d.yaml sph2d" "spheroid3d.yaml sph3d" |
  xargs -P 2 -L 1 sh -c '"$0" run "$1/examples/$3" --out "$2/$4" --threads 1 --quiet 2> "$2/$4.err"' "$STROMA" "$SRC" "$WORK" ||
  fail "a tutorial or example run failed"
python3 - "$WORK" <<'PY'
import csv, json, math, os, sys
w = sys.argv[1]
def summary(d): return json.load(open(os.path.join(w, d, "summary.json")))
def cells(d, t): return list(csv.DictReader(open(os.path.join(w, d, "cells", f"cells_{t}.csv"))))
def dist(r, c=600): return math.hypot(float(r["x"]) - c, float(r["y"]) - c)
def mean(v): return sum(v) / len(v)
def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok: sys.exit(1)
S = {s: summary(f"step{s}") for s in (1, 2, 3, 4)}
for s in S.values(): check(s["time"] == 1440, "runs end at 1440 min")
# no warning about the tissue: the tutorial's spheroids do not pack past confluence or reach the walls
for s in (1, 2, 3, 4):
    err = open(os.path.join(w, f"step{s}.err")).read()
    check("warning" not in err, f"step {s}: no warnings ({err.strip()[:200]})")
    check(S[s]["packing"]["cells_held_by_walls"] == 0, f"step {s}: no cell held by the walls")
# step 1
rows = [r for r in cells("step1", 1440) if r["type"] == "cancer"]
nec = [dist(r) for r in rows if r["state"] == "necrotic"]
live = [dist(r) for r in rows if r["state"] == "live"]
ox = [float(r["value"]) for r in csv.DictReader(open(os.path.join(w, "step1", "fields", "oxygen_1440.csv")))
      if abs(float(r["x"]) - 600) < 11 and abs(float(r["y"]) - 600) < 11]
check(len(nec) >= 100, f"step 1: {len(nec)} necrotic cancer cells (>= 100)")
check(mean(nec) < 0.6 * mean(live), f"step 1: necrotic cells at {mean(nec):.0f} um from the centre, live at {mean(live):.0f} um")
check(mean(ox) < 5, f"step 1: oxygen at the centre {mean(ox):.2f} mmHg (< 5)")
check(2000 <= S[1]["cells"]["cancer"] <= 2800, f"step 1: {S[1]['cells']['cancer']} live cancer cells (2000-2800)")
# step 2
c2 = S[2]["cells"]
check(c2["CAF"] >= 100, f"step 2: {c2['CAF']} CAFs (>= 100)")
check(c2["CAF"] + c2["fibroblast"] == 250, f"step 2: fibroblasts {c2['fibroblast']} + CAFs {c2['CAF']} = 250")
check(S[2]["cell_events"]["transformations"] == c2["CAF"], "step 2: every transformation made a CAF")
# step 3
b2, b3 = S[2]["cell_events"]["births"], S[3]["cell_events"]["births"]
check(b3 >= 1.15 * b2, f"step 3: {b3} divisions >= 1.15 x step 2's {b2}")
check(S[3]["cells"]["cancer"] > c2["cancer"],
      f"step 3: {S[3]['cells']['cancer']} live cancer cells > step 2's {c2['cancer']}")
il6 = S[3]["substrates"]["IL6"]["mean"]
check(il6 > 50, f"step 3: IL-6 mean {il6:.1f} pg/mL (> 50)")
# step 4
kills = S[4]["cell_events"]["kills"]
check(kills >= 100, f"step 4: {kills} kills (>= 100)")
check(S[4]["cells"]["cancer"] < S[3]["cells"]["cancer"],
      f"step 4: {S[4]['cells']['cancer']} live cancer cells < step 3's {S[3]['cells']['cancer']}")
T = [float(r["exhaustion"]) for r in cells("step4", 1440) if r["type"] == "CD8_T" and r["state"] == "live"]
check(len(T) > 0 and mean(T) > 0.2, f"step 4: {len(T)} live T cells, mean exhaustion {mean(T):.3f} (> 0.2)")
# spheroid2d: Ki67+ at the rim
rows = [r for r in cells("sph2d", 1440) if r["state"] == "live"]
ki = lambda L: mean([float(r["behaviour:cycle entry"]) > 0.0002 for r in L])
rim = [r for r in rows if dist(r, 300) >= 150]
core = [r for r in rows if dist(r, 300) < 100]
check(ki(rim) > ki(core), f"spheroid2d: Ki67+ {ki(rim):.2f} at the rim, {ki(core):.2f} within 100 um")
# spheroid3d
for f in ("fields.pvd", "cells.pvd", "fields/fields_720.vti", "cells/cells_720.vtp"):
    check(os.path.isfile(os.path.join(w, "sph3d", f)), f"spheroid3d: {f}")
m3 = summary("sph3d")["substrates"]["oxygen"]["min"]
check(m3 < 36, f"spheroid3d: oxygen minimum {m3:.1f} mmHg (< 36)")
PY
echo "tutorial: ok"
