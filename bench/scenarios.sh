#!/usr/bin/env bash
# Whole-run benchmarks of the stroma program on scenarios shaped like PhysiCell samples: wall time (best and
# median of REPS runs: this machine's timings vary run to run), and agent-steps per second at the best time =
# (mean cell count x mechanics steps) / wall seconds, and the share of the run spent writing outputs (run.json's
# output_seconds / wall_seconds). Then the default scenario with all its outputs and a checkpoint every 60 min.
# Usage: scenarios.sh STROMA [REPS]
set -euo pipefail
STROMA=$1
REPS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for model in heterogeneity_like cancer_immune_3d_like; do
  for threads in 1 2; do
    times=""
    for _ in $(seq "$REPS"); do
      start=$(date +%s.%N)
      "$STROMA" run "$HERE/models/$model.yaml" --out "$OUT/$model" --threads "$threads" --quiet
      end=$(date +%s.%N)
      times="$times $start:$end"
    done
    python3 - "$OUT/$model" "$model" "$threads" $times <<'PY'
import csv, json, statistics, sys
d, model, threads = sys.argv[1:4]
walls = sorted(float(x.split(":")[1]) - float(x.split(":")[0]) for x in sys.argv[4:])
best, med = walls[0], statistics.median(walls)
rows = list(csv.DictReader(open(d + "/timeseries.csv")))
cols = [k for k in rows[0] if k.startswith("cells_")]
counts = [sum(int(r[k]) for k in cols) for r in rows]
mean_cells = sum(counts) / len(counts)
s = json.load(open(d + "/summary.json"))
info = json.load(open(d + "/run.json"))
out_share = 100.0 * info["output_seconds"] / info["wall_seconds"]
mech_steps = s["time"] / 0.1
print(f"{model:22s} threads {threads}: wall best {best:6.2f} s, median {med:6.2f} s ({len(walls)} runs); "
      f"{s['time']:.0f} min simulated; cells {counts[0]} -> {counts[-1]} (mean {mean_cells:.0f}); "
      f"{mean_cells * mech_steps / best:.3e} agent-steps/s; writing outputs {out_share:.1f}% of the last run")
PY
  done
done

# The default scenario (models/tumour_stroma.yaml) with every output it asks for and checkpoints every 60 min.
"$STROMA" run "$HERE/../models/tumour_stroma.yaml" --out "$OUT/default" --threads 2 --quiet --checkpoint-every 60
python3 - "$OUT/default/run.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
w = r["wall_seconds"]
print(f"default scenario (2 threads, checkpoint every 60 min): wall {w:.2f} s; writing outputs "
      f"{r['output_seconds']:.3f} s ({100 * r['output_seconds'] / w:.1f}%), checkpoints {r['checkpoint_seconds']:.3f} s "
      f"({100 * r['checkpoint_seconds'] / w:.1f}%)")
PY

# adi against lod on the default scenario (its first 720 min, all outputs), lod and adi alternately so that a drift
# in the machine's speed hits both: REPS pairs per thread count; the median of the pairs' ratios and their range.
for threads in 1 2; do
  pairs=""
  for _ in $(seq "$REPS"); do
    for solver in lod adi; do
      start=$(date +%s.%N)
      "$STROMA" run "$HERE/../models/tumour_stroma.yaml" --solver "$solver" --end 720 --threads "$threads" \
        --out "$OUT/solver_$solver" --quiet
      end=$(date +%s.%N)
      pairs="$pairs $solver:$start:$end"
    done
  done
  python3 - "$threads" $pairs <<'PY'
import statistics, sys
threads, runs = sys.argv[1], sys.argv[2:]
walls = {"lod": [], "adi": []}
for r in runs:
    solver, a, b = r.split(":")
    walls[solver].append(float(b) - float(a))
ratios = [a / l for l, a in zip(walls["lod"], walls["adi"])]
print(f"default scenario 720 min, threads {threads}: lod {min(walls['lod']):.2f}-{max(walls['lod']):.2f} s, "
      f"adi {min(walls['adi']):.2f}-{max(walls['adi']):.2f} s; adi / lod per pair {min(ratios):.3f}-{max(ratios):.3f}, "
      f"median {statistics.median(ratios):.3f} ({len(ratios)} pairs)")
PY
done
