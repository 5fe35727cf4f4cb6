# Shared by the fuzz tests (tests/cli/fuzz_*.sh), after lib.bash. The libFuzzer programs are built by
# `make build-fuzz` into one folder: the one of $STROMA_FUZZER (set by `make test` to its fuzz_model_loader), else
# SRC/build-fuzz. Each test's reproducers go to artifacts-<name>/ there.

# fuzz_locate TARGET ARTIFACT_NAME: sets FUZZER (the program) and ARTIFACTS (its reproducer folder), or fails.
fuzz_locate() {
  local dir
  dir=$(dirname "${STROMA_FUZZER:-$SRC/build-fuzz/fuzz_model_loader}")
  FUZZER=$dir/$1
  [ -x "$FUZZER" ] || fail "no fuzzer at $FUZZER: run 'make build-fuzz' (make test does), or set STROMA_FUZZER"
  ARTIFACTS=$(cd "$dir" && pwd)/$2
  mkdir -p "$ARTIFACTS"
}

# fuzz_verdict RC WHAT: prints the run's figures from $WORK/fuzz.log; on a nonzero RC prints what the fuzzer
# reported and fails naming WHAT (the reader fuzzed) and the reproducers.
fuzz_verdict() {
  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb))' \
    "$WORK/fuzz.log" || true
  if [ "$1" -ne 0 ]; then
    grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|^[[:space:]]+NEW_FUNC' "$WORK/fuzz.log" | tail -n 100
    fail "the fuzzer found a problem in $2 (exit $1); reproducers in $ARTIFACTS"
  fi
}
