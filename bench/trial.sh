#!/usr/bin/env bash
# Virtual-trial throughput: trials/example_sweep.yaml (models/tumour_stroma.yaml, one simulated day per run, 2 arms)
# with PATIENTS patients (default 4), wall time and runs / patients per hour:
#   1. one process at --threads 1 and 2 (each run on one thread; speed-up of 2 over 1);
#   2. mpirun -np 1 and -np 2 at --threads 1 (the 1 -> 2 rank scaling), when stroma has MPI and mpirun exists.
# Every configuration must give the same results.sqlite (checked). Usage: trial.sh STROMA [PATIENTS].
# Prints the load average first: other processes make every figure slower.
set -euo pipefail
STROMA=$1
PATIENTS=${2:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
T="$SRC/trials/example_sweep.yaml"
ARMS=2
RUNS=$((PATIENTS * ARMS))
echo "trial.sh: $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg); $PATIENTS patients x $ARMS arms"

# timed NAME CMD...: runs CMD, prints wall time, runs/h and patients/h, and the CPU time (user + system, children
# included) with runs per CPU-hour, the figure a busy machine disturbs least; sets LAST (wall seconds)
timed() {
  local name=$1 cpu
  shift
  /usr/bin/time -f '%e %U %S' -o "$OUT/time.txt" "$@" >/dev/null
  LAST=$(cut -d' ' -f1 "$OUT/time.txt")
  cpu=$(awk '{print $2 + $3}' "$OUT/time.txt")
  awk -v n="$name" -v w="$LAST" -v c="$cpu" -v r="$RUNS" -v p="$PATIENTS" 'BEGIN {
    printf "  %-14s %6.1f s wall %6.0f runs/h %6.0f patients/h | %6.1f s CPU %6.0f runs/CPU-h\n",
      n, w, r * 3600 / w, p * 3600 / w, c, r * 3600 / c }'
}

timed "threads 1" "$STROMA" trial "$T" --out "$OUT/t1" --patients "$PATIENTS" --threads 1 --quiet
T1=$LAST
timed "threads 2" "$STROMA" trial "$T" --out "$OUT/t2" --patients "$PATIENTS" --threads 2 --quiet
awk -v a="$T1" -v b="$LAST" 'BEGIN { printf "  speed-up 1 -> 2 threads: %.2f\n", a / b }'
cmp -s "$OUT/t1/results.sqlite" "$OUT/t2/results.sqlite" || { echo "FAIL: threads 1 and 2 differ" >&2; exit 1; }
if command -v mpirun >/dev/null && "$STROMA" trial --help | grep -q 'mpirun -np N stroma trial'; then
  MPI="mpirun --allow-run-as-root --oversubscribe"
  timed "mpirun -np 1" $MPI -np 1 "$STROMA" trial "$T" --out "$OUT/r1" --patients "$PATIENTS" --quiet
  R1=$LAST
  timed "mpirun -np 2" $MPI -np 2 "$STROMA" trial "$T" --out "$OUT/r2" --patients "$PATIENTS" --quiet
  awk -v a="$R1" -v b="$LAST" 'BEGIN { printf "  speed-up 1 -> 2 ranks: %.2f\n", a / b }'
  for d in r1 r2; do
    cmp -s "$OUT/t1/results.sqlite" "$OUT/$d/results.sqlite" || { echo "FAIL: $d differs from one process" >&2; exit 1; }
  done
else
  echo "  (no MPI: stroma built without it, or no mpirun)"
fi
echo "  results.sqlite identical in every configuration"
