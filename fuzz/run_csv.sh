#!/usr/bin/env bash
# Run a CSV-reader fuzzer (fuzz_cells_csv or fuzz_rules_csv) for a bounded time.
# Usage: bash fuzz/run_csv.sh FUZZER SECONDS CORPUS ARTIFACTS
# Seeds: the tree's CSV files of that kind (tests/data/models, tests/data/physicell/*), files written for the
# fixed models (fuzz/seeds/cells, fuzz/seeds/rules: they load, so mutants of them reach the simulation) and the
# reproducers fuzz/crashes/cells-*.csv or rules-*.csv; fuzz/csv.dict holds the fixed models' names and tokens.
# Crashes, sanitizer reports, leaks, timeouts (10 s per input) and OOMs (2 GiB) go to ARTIFACTS; exits nonzero
# when anything was found.
set -euo pipefail
FUZZER=$1 SECONDS_MAX=$2 CORPUS=$3 ARTIFACTS=$4
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$FUZZER" ] || { echo "fuzz/run_csv.sh: no fuzzer at $FUZZER (build it with: make build-fuzz)" >&2; exit 1; }
mkdir -p "$CORPUS" "$ARTIFACTS"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
mkdir "$SCRATCH/seeds" "$SCRATCH/tmp"
case $(basename "$FUZZER") in
  fuzz_cells_csv) seeds=("$SRC"/tests/data/models/cells*.csv "$SRC"/tests/data/models/percell*.csv
                         "$SRC"/tests/data/physicell/*/cells.csv "$SRC"/fuzz/seeds/cells/*.csv
                         "$SRC"/fuzz/crashes/cells-*.csv) ;;
  fuzz_rules_csv) seeds=("$SRC"/tests/data/models/rules*.csv "$SRC"/tests/data/physicell/*/cell_rules.csv
                         "$SRC"/fuzz/seeds/rules/*.csv "$SRC"/fuzz/crashes/rules-*.csv) ;;
  *) echo "fuzz/run_csv.sh: unknown fuzzer $(basename "$FUZZER")" >&2; exit 1 ;;
esac
for f in "${seeds[@]}"; do
  if [ -f "$f" ]; then cp "$f" "$SCRATCH/seeds/$(basename "$(dirname "$f")")_$(basename "$f")"; fi
done
export TMPDIR=$SCRATCH/tmp
status=0
"$FUZZER" -seed="${STROMA_FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -dict="$SRC/fuzz/csv.dict" \
  -artifact_prefix="$ARTIFACTS/" -max_total_time="$SECONDS_MAX" -print_final_stats=1 \
  "$CORPUS" "$SCRATCH/seeds" || status=$?
if [ $status -ne 0 ]; then
  echo "fuzz/run_csv.sh: the fuzzer found a problem (exit $status); reproducers in $ARTIFACTS:" >&2
  ls -l "$ARTIFACTS" >&2
  echo "reproduce with: $FUZZER FILE" >&2
fi
exit $status
