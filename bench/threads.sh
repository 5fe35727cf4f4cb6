#!/usr/bin/env bash
# Whole runs at 1 and 2 threads, paired (1, 2, 1, 2, ...: slow drifts of a shared machine hit both alike), wall
# time median and best of REPS pairs:
#   1. the default scenario (models/tumour_stroma.yaml, every output it asks for), 360 simulated minutes, on the
#      machine as it is ("quiet"), and speed-up of 2 threads over 1 (goal >= 1.6);
#   2. the same beside one competing busy process (a shell loop started and killed here), and how much slower
#      2 threads are than 1 (goal <= 1.3);
#   3. PhysiCell 1.14.2's rules_sample imported (tests/data/physicell/rules_sample), 1,440 simulated minutes
#      (goal <= 4 s with 2 threads; PhysiCell takes 41 s).
# Usage: threads.sh STROMA [REPS]. Prints the load average first: other processes make every figure slower.
set -euo pipefail
STROMA=$1
REPS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
OUT=$(mktemp -d)
BUSY=""
cleanup() {
  if [ -n "$BUSY" ]; then kill "$BUSY" 2>/dev/null || true; wait "$BUSY" 2>/dev/null || true; fi
  rm -rf "$OUT"
}
trap cleanup EXIT

echo "threads.sh: $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# pairs NAME MODEL END: REPS pairs of runs at 1 and 2 threads; prints the medians and best times and returns
# them in PAIR_T1 / PAIR_T2 (medians).
pairs() {
  local name=$1 model=$2 end=$3 t1="" t2="" s e
  for _ in $(seq "$REPS"); do
    for th in 1 2; do
      s=$(date +%s.%N)
      "$STROMA" run "$model" --out "$OUT/run" --end "$end" --threads "$th" --quiet
      e=$(date +%s.%N)
      if [ "$th" = 1 ]; then t1="$t1 $s:$e"; else t2="$t2 $s:$e"; fi
    done
  done
  read -r PAIR_T1 PAIR_T2 < <(python3 - "$name" "$t1" "$t2" <<'PY'
import statistics, sys
def walls(text):
    return [float(x.split(":")[1]) - float(x.split(":")[0]) for x in text.split()]
name, a, b = sys.argv[1], walls(sys.argv[2]), walls(sys.argv[3])
ma, mb = statistics.median(a), statistics.median(b)
print(f"{ma} {mb}")
print(f"{name}: 1 thread {ma:6.2f} s (best {min(a):.2f}), 2 threads {mb:6.2f} s (best {min(b):.2f}); "
      f"medians of {len(a)} pairs", file=sys.stderr)
PY
  )
}

pairs "default scenario, 360 min, quiet" "$SRC/models/tumour_stroma.yaml" 360
python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'  speed-up of 2 threads over 1: {a / b:.2f}x (goal >= 1.6x)')" "$PAIR_T1" "$PAIR_T2"

sh -c 'while :; do :; done' &
BUSY=$!
pairs "default scenario, 360 min, one busy process beside it" "$SRC/models/tumour_stroma.yaml" 360
kill "$BUSY" 2>/dev/null || true
wait "$BUSY" 2>/dev/null || true
BUSY=""
python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'  2 threads take {b / a:.2f}x the time of 1 (goal <= 1.3x)')" "$PAIR_T1" "$PAIR_T2"

RS=tests/data/physicell/rules_sample
"$STROMA" import-physicell "$SRC/$RS/PhysiCell_settings.xml" "$SRC/$RS/cell_rules.csv" -o "$OUT/rules_sample.yaml" \
  2>/dev/null
pairs "PhysiCell rules_sample (imported), 1440 min" "$OUT/rules_sample.yaml" 1440
python3 -c "import sys; a, b = map(float, sys.argv[1:]); print(f'  2 threads: {b:.2f} s (goal <= 4 s; PhysiCell 1.14.2: 41 s), speed-up {a / b:.2f}x')" \
  "$PAIR_T1" "$PAIR_T2"
