#!/usr/bin/env bash
# Fuzz `stroma import-physicell` for a bounded time (fuzz/run_import.sh: 30 s from the four sample settings);
# any crash, sanitizer report, leak, timeout (10 s per input) or OOM fails the test. The libFuzzer program sits
# next to $STROMA_FUZZER (set by `make test`), else in SRC/build-fuzz; STROMA_IMPORT_FUZZ_SECONDS changes the time.
source "$(dirname "$0")/lib.bash"
DIR=$(dirname "${STROMA_FUZZER:-$SRC/build-fuzz/fuzz_model_loader}")
FUZZER=$DIR/fuzz_import_physicell
[ -x "$FUZZER" ] || fail "no fuzzer at $FUZZER: run 'make build-fuzz' (make test does)"
ARTIFACTS=$(cd "$DIR" && pwd)/artifacts-import
set +e
bash "$SRC/fuzz/run_import.sh" "$FUZZER" "${STROMA_IMPORT_FUZZ_SECONDS:-30}" "$WORK/corpus" "$ARTIFACTS" \
  >"$WORK/fuzz.log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' \
  "$WORK/fuzz.log" || true
if [ $rc -ne 0 ]; then
  grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|^[[:space:]]+NEW_FUNC' "$WORK/fuzz.log" | tail -n 100
  fail "the fuzzer found a problem in the PhysiCell importer (exit $rc); reproducers in $ARTIFACTS"
fi
echo "ok: fuzz_import_physicell"
