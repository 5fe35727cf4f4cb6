# Shared helpers for the end-to-end tests: each test script is run as `bash test.sh STROMA SRCDIR`.
set -euo pipefail
STROMA=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# run_seeds MODEL OUTDIR_PREFIX SEEDS END_MIN: seeds 1..SEEDS of MODEL, two at a time on one thread each, into
# OUTDIR_PREFIX1, OUTDIR_PREFIX2, ...
run_seeds() {
    seq 1 "$3" | xargs -P 2 -I{} "$STROMA" run "$1" --seed {} --threads 1 --end "$4" --quiet --out "$2{}" ||
        fail "runs of $1 failed"
}
