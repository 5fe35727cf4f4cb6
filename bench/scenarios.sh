#!/usr/bin/env bash
# Whole-run benchmarks of the stroma program on scenarios shaped like PhysiCell samples: wall time, and
# agent-steps per second = (mean cell count x mechanics steps) / wall seconds. Usage: scenarios.sh STROMA
set -euo pipefail
STROMA=$1
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for model in heterogeneity_like cancer_immune_3d_like; do
  for threads in 1 2; do
    start=$(date +%s.%N)
    "$STROMA" run "$HERE/models/$model.yaml" --out "$OUT/$model" --threads "$threads" --quiet
    end=$(date +%s.%N)
    python3 - "$OUT/$model" "$model" "$threads" "$start" "$end" <<'PY'
import csv, json, sys
d, model, threads, t0, t1 = sys.argv[1:]
wall = float(t1) - float(t0)
rows = list(csv.DictReader(open(d + "/timeseries.csv")))
cols = [k for k in rows[0] if k.startswith("cells_")]
counts = [sum(int(r[k]) for k in cols) for r in rows]
mean_cells = sum(counts) / len(counts)
s = json.load(open(d + "/summary.json"))
mech_steps = s["time"] / 0.1
print(f"{model:24s} threads {threads}: wall {wall:6.2f} s, {s['time']:.0f} min simulated, "
      f"cells {counts[0]} -> {counts[-1]} (mean {mean_cells:.0f}), "
      f"{mean_cells * mech_steps / wall:.3e} agent-steps/s")
PY
  done
done
