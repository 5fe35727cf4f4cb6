#!/usr/bin/env bash
# Benchmarks of the body (docs/body.md, src/body):
#   1. bench_body on the default scenario (models/tumour_stroma.yaml) at 1 and 2 threads, on the machine as it
#      is and beside one competing busy process: the share of a diffusion step spent in exchange with blood,
#      lymphatic drainage, the plasma ledger and clock and vessel remodelling (goal <= 15 %);
#   2. angiogenesis on a 200 x 200 grid for 30 simulated days (bench/models/angiogenesis.yaml), wall time, best of
#      REPS runs (goal < 60 s).
# Usage: body.sh STROMA [REPS]; bench_body is looked for next to STROMA.
set -euo pipefail
STROMA=$1
REPS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
BENCH=$(dirname "$STROMA")/bench_body
OUT=$(mktemp -d)
BUSY=""
cleanup() {
  if [ -n "$BUSY" ]; then kill "$BUSY" 2>/dev/null || true; wait "$BUSY" 2>/dev/null || true; fi
  rm -rf "$OUT"
}
trap cleanup EXIT
echo "body.sh: $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for th in 1 2; do
  echo "-- quiet, --threads $th"
  "$BENCH" "$SRC/models/tumour_stroma.yaml" --threads "$th" | sed 's/^/   /'
done
sh -c 'while :; do :; done' &
BUSY=$!
echo "-- beside a busy process, --threads 2"
"$BENCH" "$SRC/models/tumour_stroma.yaml" --threads 2 | sed 's/^/   /'
kill "$BUSY"; wait "$BUSY" 2>/dev/null || true; BUSY=""
best=""
for _ in $(seq "$REPS"); do
  s=$(date +%s.%N)
  "$STROMA" run "$HERE/models/angiogenesis.yaml" --out "$OUT/angio" --quiet
  e=$(date +%s.%N)
  t=$(python3 -c "print(f'{$e - $s:.2f}')")
  if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; fi
done
python3 - "$OUT/angio" "$best" <<'PY'
import json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
v = s["vessels"]
print(f"angiogenesis 200x200, 30 days: best {sys.argv[2]} s (goal < 60 s); vessel volume grown "
      f"{v['grown_um3']:.3g} um3, regressed {v['regressed_um3']:.3g} um3, vascular fraction {v['vascular_fraction']:.3f}")
PY
