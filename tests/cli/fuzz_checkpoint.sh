#!/usr/bin/env bash
# Fuzz checkpoint restore (fuzz/fuzz_checkpoint.c) for a bounded time (10 s; STROMA_CKPT_FUZZ_SECONDS changes it):
# payloads wrapped in a valid header and resumed must be refused cleanly or continue; any crash, sanitizer
# report, leak, timeout (10 s per input) or OOM (2 GiB) fails the test. Seeds: three real checkpoints the harness
# writes at start-up, and the known reproducers fuzz/crashes/checkpoint-*.bin (payloads without the header).
# The libFuzzer program sits next to $STROMA_FUZZER (set by `make test`), else in SRC/build-fuzz; reproducers go to artifacts-checkpoint/ beside it (replay: fuzz_checkpoint FILE).
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/fuzz.bash"
fuzz_locate fuzz_checkpoint artifacts-checkpoint
mkdir -p "$WORK/corpus" "$WORK/seeds" "$WORK/tmp" "$WORK/known"
cp "$SRC"/fuzz/crashes/checkpoint-*.bin "$WORK/known/"
set +e
LSAN_OPTIONS=suppressions=$SRC/fuzz/lsan-checkpoint.supp TMPDIR=$WORK/tmp STROMA_FUZZ_CKPT_SEEDS=$WORK/seeds "$FUZZER" \
  -seed="${STROMA_FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$ARTIFACTS/" \
  -max_total_time="${STROMA_CKPT_FUZZ_SECONDS:-10}" -print_final_stats=1 "$WORK/corpus" "$WORK/seeds" "$WORK/known" >"$WORK/fuzz.log" 2>&1
rc=$?
set -e
[ "$(ls "$WORK/seeds" | wc -l)" -eq 3 ] || fail "the harness wrote no seed checkpoints: $(tail -5 "$WORK/fuzz.log")"
fuzz_verdict $rc "checkpoint restore"
echo "ok: fuzz_checkpoint"
