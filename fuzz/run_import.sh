#!/usr/bin/env bash
# Run the PhysiCell-import fuzzer for a bounded time. Usage: bash fuzz/run_import.sh FUZZER SECONDS CORPUS ARTIFACTS
# Seeds: the settings files of tests/data/physicell. Crashes, leaks, timeouts and OOMs go to ARTIFACTS; exits
# nonzero when anything was found.
set -euo pipefail
FUZZER=$1 SECONDS_MAX=$2 CORPUS=$3 ARTIFACTS=$4
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$FUZZER" ] || { echo "fuzz/run_import.sh: no fuzzer at $FUZZER (build it with: make build-fuzz)" >&2; exit 1; }
mkdir -p "$CORPUS" "$ARTIFACTS"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
mkdir "$SCRATCH/seeds" "$SCRATCH/tmp"
for d in "$SRC"/tests/data/physicell/*/; do
  cp "$d/PhysiCell_settings.xml" "$SCRATCH/seeds/$(basename "$d").xml"
done
export TMPDIR=$SCRATCH/tmp
status=0
"$FUZZER" -seed="${STROMA_FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -dict="$SRC/fuzz/physicell.dict" \
  -artifact_prefix="$ARTIFACTS/" -max_total_time="$SECONDS_MAX" -print_final_stats=1 \
  "$CORPUS" "$SCRATCH/seeds" || status=$?
if [ $status -ne 0 ]; then
  echo "fuzz/run_import.sh: the fuzzer found a problem (exit $status); reproducers in $ARTIFACTS:" >&2
  ls -l "$ARTIFACTS" >&2
fi
exit $status
