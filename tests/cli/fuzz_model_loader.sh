# Fuzz the model loader for a bounded time (fuzz/run.sh: 15 s, then a replay of the corpus with full leak
# stacks); any crash, sanitizer report, leak, timeout (10 s per input) or OOM (2 GiB) fails the test.
# The libFuzzer program: $STROMA_FUZZER (set by `make test`), else SRC/build-fuzz/fuzz_model_loader; built by
# `make build-fuzz`. Reproducers are kept in artifacts/ next to it. STROMA_FUZZ_SECONDS changes the time.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/fuzz.bash"
fuzz_locate fuzz_model_loader artifacts
set +e
bash "$SRC/fuzz/run.sh" "$FUZZER" "${STROMA_FUZZ_SECONDS:-15}" "$WORK/corpus" "$ARTIFACTS" >"$WORK/fuzz.log" 2>&1
rc=$?
set -e
fuzz_verdict $rc "the model loader"
echo "ok: fuzz_model_loader"
