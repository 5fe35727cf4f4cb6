#!/usr/bin/env bash
# Run the model-loader fuzzer for a bounded time, then replay its corpus with full leak stacks.
# Usage: bash fuzz/run.sh FUZZER SECONDS CORPUS_DIR ARTIFACT_DIR
# Seeds: the model files of the source tree, fuzz/seeds/*.yaml and the reproducers in fuzz/crashes (copied at run
# time into a temporary directory). New inputs go to CORPUS_DIR (kept between runs if you want); crashes, leaks, timeouts
# and OOMs to ARTIFACT_DIR.
# Exits 0 when nothing was found, nonzero otherwise (with the reproducer's path in the log).
set -euo pipefail
FUZZER=$1 SECONDS_MAX=$2 CORPUS=$3 ARTIFACTS=$4
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$FUZZER" ] || { echo "fuzz/run.sh: no fuzzer at $FUZZER (build it with: make build-fuzz)" >&2; exit 1; }
mkdir -p "$CORPUS" "$ARTIFACTS"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
SEEDS=$SCRATCH/seeds
mkdir "$SEEDS" "$SCRATCH/tmp"
for f in "$SRC"/tests/data/models/*.yaml "$SRC"/models/*.yaml "$SRC"/tests/cli/models/*.yaml \
         "$SRC"/bench/models/*.yaml "$SRC"/fuzz/crashes/*.yaml "$SRC"/fuzz/seeds/*.yaml; do
  if [ -f "$f" ]; then cp "$f" "$SEEDS/$(basename "$(dirname "$f")")_$(basename "$f")"; fi
done
# The harness makes its empty directory for cell files under TMPDIR.
export TMPDIR=$SCRATCH/tmp
# Per input: 10 s, 2 GiB. -max_len: models are a few kilobytes.
OPTS=(-seed="${STROMA_FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -dict="$SRC/fuzz/yaml.dict" -artifact_prefix="$ARTIFACTS/")
status=0
LSAN_OPTIONS=suppressions=$SRC/fuzz/lsan.supp "$FUZZER" "${OPTS[@]}" -max_total_time="$SECONDS_MAX" \
  -print_final_stats=1 "$CORPUS" "$SEEDS" || status=$?
if [ $status -eq 0 ]; then
  # Replay every input kept with the full unwinder: a leak of memory libfyaml allocated (a parser, an event
  # or a diagnostic the loader did not free) is then seen, except the one known libfyaml leak.
  echo "fuzz/run.sh: replaying $(find "$CORPUS" "$SEEDS" -type f | wc -l) inputs with full leak stacks"
  LSAN_OPTIONS=suppressions=$SRC/fuzz/lsan-replay.supp ASAN_OPTIONS=fast_unwind_on_malloc=0 \
    "$FUZZER" "${OPTS[@]}" -runs=0 "$CORPUS" "$SEEDS" > "$SCRATCH/replay.log" 2>&1 || status=$?
  grep -vE '^#[0-9]+|^INFO: ' "$SCRATCH/replay.log" || true
fi
if [ $status -ne 0 ]; then
  echo "fuzz/run.sh: the fuzzer found a problem (exit $status); reproducers in $ARTIFACTS:" >&2
  ls -l "$ARTIFACTS" >&2
  echo "reproduce with: $FUZZER FILE" >&2
fi
exit $status
