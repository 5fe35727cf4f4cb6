# Fuzz the model loader for a bounded time (fuzz/run.sh: 60 s, then a replay of the corpus with full leak
# stacks); any crash, sanitizer report, leak, timeout (10 s per input) or OOM (2 GiB) fails the test.
# The libFuzzer program: $STROMA_FUZZER (set by `make test`), else SRC/build-fuzz/fuzz_model_loader; built by
# `make build-fuzz`. Reproducers are kept in artifacts/ next to it. STROMA_FUZZ_SECONDS changes the time.
source "$(dirname "$0")/lib.bash"
FUZZER=${STROMA_FUZZER:-$SRC/build-fuzz/fuzz_model_loader}
[ -x "$FUZZER" ] || fail "no fuzzer at $FUZZER: run 'make build-fuzz' (make test does), or set STROMA_FUZZER"
ARTIFACTS=$(cd "$(dirname "$FUZZER")" && pwd)/artifacts
set +e
bash "$SRC/fuzz/run.sh" "$FUZZER" "${STROMA_FUZZ_SECONDS:-60}" "$WORK/corpus" "$ARTIFACTS" >"$WORK/fuzz.log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' \
  "$WORK/fuzz.log" || true
if [ $rc -ne 0 ]; then
  grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|^[[:space:]]+NEW_FUNC' "$WORK/fuzz.log" | tail -n 100
  fail "the fuzzer found a problem in the model loader (exit $rc); reproducers in $ARTIFACTS"
fi
echo "ok: fuzz_model_loader"
