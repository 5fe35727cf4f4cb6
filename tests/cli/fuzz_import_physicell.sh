#!/usr/bin/env bash
# Fuzz `stroma import-physicell` for a bounded time (fuzz/run_import.sh: 10 s from the four sample settings);
# any crash, sanitizer report, leak, timeout (10 s per input) or OOM fails the test. The libFuzzer program sits
# next to $STROMA_FUZZER (set by `make test`), else in SRC/build-fuzz; STROMA_IMPORT_FUZZ_SECONDS changes the time.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/fuzz.bash"
fuzz_locate fuzz_import_physicell artifacts-import
set +e
bash "$SRC/fuzz/run_import.sh" "$FUZZER" "${STROMA_IMPORT_FUZZ_SECONDS:-10}" "$WORK/corpus" "$ARTIFACTS" >"$WORK/fuzz.log" 2>&1
rc=$?
set -e
fuzz_verdict $rc "the PhysiCell importer"
echo "ok: fuzz_import_physicell"
