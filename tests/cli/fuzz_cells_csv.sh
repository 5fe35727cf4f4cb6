#!/usr/bin/env bash
# Fuzz the initial-cells CSV reader for a bounded time (fuzz/run_csv.sh: 10 s from the tree's CSV files); any crash, sanitizer
# report, leak, timeout (10 s per input) or OOM fails the test. The libFuzzer program sits next to $STROMA_FUZZER
# (set by `make test`), else in SRC/build-fuzz; STROMA_CSV_FUZZ_SECONDS changes the time.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/fuzz.bash"
fuzz_locate fuzz_cells_csv artifacts-cells_csv
set +e
bash "$SRC/fuzz/run_csv.sh" "$FUZZER" "${STROMA_CSV_FUZZ_SECONDS:-10}" "$WORK/corpus" "$ARTIFACTS" >"$WORK/fuzz.log" 2>&1
rc=$?
set -e
fuzz_verdict $rc "the initial-cells CSV reader"
echo "ok: fuzz_cells_csv"
