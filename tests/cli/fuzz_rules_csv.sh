#!/usr/bin/env bash
# Fuzz the rules CSV reader for a bounded time (fuzz/run_csv.sh: 20 s from the tree's CSV files); any crash, sanitizer
# report, leak, timeout (10 s per input) or OOM fails the test. The libFuzzer program sits next to $STROMA_FUZZER
# (set by `make test`), else in SRC/build-fuzz; STROMA_CSV_FUZZ_SECONDS changes the time.
source "$(dirname "$0")/lib.bash"
DIR=$(dirname "${STROMA_FUZZER:-$SRC/build-fuzz/fuzz_model_loader}")
FUZZER=$DIR/fuzz_rules_csv
[ -x "$FUZZER" ] || fail "no fuzzer at $FUZZER: run 'make build-fuzz' (make test does)"
ARTIFACTS=$(cd "$DIR" && pwd)/artifacts-rules_csv
set +e
bash "$SRC/fuzz/run_csv.sh" "$FUZZER" "${STROMA_CSV_FUZZ_SECONDS:-20}" "$WORK/corpus" "$ARTIFACTS" >"$WORK/fuzz.log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' \
  "$WORK/fuzz.log" || true
if [ $rc -ne 0 ]; then
  grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|^[[:space:]]+NEW_FUNC' "$WORK/fuzz.log" | tail -n 100
  fail "the fuzzer found a problem in the rules CSV reader (exit $rc); reproducers in $ARTIFACTS"
fi
echo "ok: fuzz_rules_csv"
