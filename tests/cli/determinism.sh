# Same model and seed give bit-identical outputs with 1 and 2 threads (and on a repeat).
source "$(dirname "$0")/lib.bash"
for t in 1 2; do
  "$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/t$t" --threads $t --quiet || fail "run $t"
done
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/again" --threads 2 --quiet || fail "repeat"
for d in t2 again; do
  for f in summary.json timeseries.csv; do cmp "$WORK/t1/$f" "$WORK/$d/$f" || fail "$f differs ($d)"; done
  diff -r "$WORK/t1/fields" "$WORK/$d/fields" >/dev/null || fail "fields differ ($d)"
done
# A different seed places sources differently.
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/s2" --seed 8 --quiet || fail "seed 8"
cmp -s "$WORK/t1/summary.json" "$WORK/s2/summary.json" && fail "seed has no effect"
# With cells (the default scenario, shortened): summary, time series, fields and cell files identical at 1 and
# 2 threads — divisions, deaths, kills, transformations and phagocytosis included.
for t in 1 2; do
  "$STROMA" run "$SRC/models/tumour_stroma.yaml" --out "$WORK/c$t" --threads $t --end 240 --quiet || fail "cells run $t"
done
for f in summary.json timeseries.csv; do cmp "$WORK/c1/$f" "$WORK/c2/$f" || fail "cells: $f differs"; done
diff -r "$WORK/c1/cells" "$WORK/c2/cells" >/dev/null || fail "cell files differ"
diff -r "$WORK/c1/fields" "$WORK/c2/fields" >/dev/null || fail "cells: fields differ"
python3 -c "
import json,sys; s=json.load(open('$WORK/c1/summary.json'))
ev=s['cell_events']; assert ev['births']>0 and ev['kills']>0 and ev['transformations']>0, ev" || fail "scenario too quiet to prove anything"
# Every feature (tests/data/every_feature, 3D: damage, attack, phagocytosis, state variables, per-cell values,
# rules from CSV, markers): every output file identical at 1 and 2 threads, ParaView and pictures included.
for t in 1 2; do
  "$STROMA" run "$SRC/tests/data/every_feature/model.yaml" --out "$WORK/e$t" --threads $t --end 120 --quiet || fail "every-feature run $t"
done
diff -r -x run.json -x report.html "$WORK/e1" "$WORK/e2" >"$WORK/ediff" || fail "every feature: outputs differ: $(head -5 "$WORK/ediff")"
# ... with markers (signals, behaviours, a substrate, several conditions, a population), the 3D tissue metrics, both
# indices and pictures coloured by a marker among them; the default scenario's markers, tissue and indices too.
for d in e1 c1; do
  python3 -c "
import json; s = json.load(open('$WORK/$d/summary.json'))
assert s['ihc'] and s['tissue'] and s['indices'], [k for k in ('ihc', 'tissue', 'indices') if k not in s]
assert any(0 < v < 1 for p in s['ihc'].values() for v in p.values() if v is not None), s['ihc']" ||
    fail "$d: no markers, tissue or indices to compare"
done
echo "determinism: ok"
