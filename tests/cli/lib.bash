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

# expect NAME YAML PATTERN: `stroma run` of YAML (written to $WORK/NAME.yaml) must exit 2, print PATTERN (extended
# regex) on stderr and create no output directory; `stroma check` must exit 2 too.
expect() {
  local name=$1 yaml=$2 pattern=$3
  printf '%s\n' "$yaml" > "$WORK/$name.yaml"
  set +e
  "$STROMA" run "$WORK/$name.yaml" --out "$WORK/out_$name" --quiet 2>"$WORK/$name.err" >/dev/null
  local rc=$?
  set -e
  [ $rc -eq 2 ] || { cat "$WORK/$name.err"; fail "$name: exit $rc, expected 2"; }
  grep -Eq "$pattern" "$WORK/$name.err" || { cat "$WORK/$name.err"; fail "$name: message does not match /$pattern/"; }
  [ ! -e "$WORK/out_$name" ] || fail "$name: output directory created"
  set +e; "$STROMA" check "$WORK/$name.yaml" >/dev/null 2>&1; rc=$?; set -e
  [ $rc -eq 2 ] || fail "$name: check exit $rc"
  echo "ok: $name"
}
