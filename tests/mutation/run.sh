#!/usr/bin/env bash
# Mutation testing by hand-written mutants: does the test suite notice when the code is wrong?
# Usage: bash tests/mutation/run.sh [--rev REV] [--ctest 'ARGS'] [--dir DIR] MUTANT.patch...
# Copies the source tree (the working tree, or git revision REV with --rev) into DIR (build-mutation/), builds it
# (Release), and for each mutant (a patch of src/, see tests/mutation/*.patch) applies it, rebuilds, runs ctest
# (default: everything but the fuzzers, stopping at the first failure) and reverts it. Prints one line per
# mutant: KILLED with the failing tests (and the cmocka tests inside them), or SURVIVED; the full ctest
# output is kept in build-mutation/logs/. Never part of `make test` (docs/dev/mutation-testing.md).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
REV="" CTEST_ARGS="-LE fuzz --stop-on-failure" OUT=$SRC/build-mutation
while [ $# -gt 0 ]; do
  case $1 in
    --rev) REV=$2; shift 2 ;;
    --ctest) CTEST_ARGS=$2; shift 2 ;;
    --dir) OUT=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--rev REV] [--ctest 'ARGS'] [--dir DIR] MUTANT.patch..." >&2; exit 2; }
PATCHES=()
for p in "$@"; do PATCHES+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"); done
# Threads that wait sleep instead of spinning: on a busy machine spinning OpenMP barriers make the suite many
# times slower (results do not depend on it).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
TREE=$OUT/tree
mkdir -p "$OUT/logs"
# Refresh the copy: files that did not change keep their time stamps, so the build stays incremental.
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
if [ -n "$REV" ]; then
  git -C "$SRC" archive "$REV" | tar -x -C "$STAGE"
else
  (cd "$SRC" && git ls-files -co --exclude-standard -z | grep -zv '^build' | tar --null -T - -cf -) | tar -x -C "$STAGE"
fi
mkdir -p "$TREE"
(cd "$STAGE" && find . -type f -print0) | while IFS= read -r -d '' f; do
  if ! cmp -s "$STAGE/$f" "$TREE/$f"; then mkdir -p "$(dirname "$TREE/$f")"; cp -p "$STAGE/$f" "$TREE/$f"; fi
done
(cd "$TREE" && find . -path ./build -prune -o -type f -print0) | while IFS= read -r -d '' f; do
  [ -e "$STAGE/$f" ] || rm -f "$TREE/$f"
done
cmake -S "$TREE" -B "$TREE/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$TREE/build" -j 2 >"$OUT/logs/build.log" 2>&1 || { tail -30 "$OUT/logs/build.log"; exit 1; }
for p in "${PATCHES[@]}"; do
  name=$(basename "$p" .patch)
  patch -s -p1 -d "$TREE" <"$p" || { echo "$name: does not apply"; continue; }
  if ! cmake --build "$TREE/build" -j 2 >"$OUT/logs/$name.build.log" 2>&1; then
    echo "$name: BUILD FAILED (see $OUT/logs/$name.build.log)"
  else
    set +e
    # shellcheck disable=SC2086
    (cd "$TREE/build" && ctest $CTEST_ARGS --output-on-failure) >"$OUT/logs/$name.log" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 0 ]; then
      echo "$name: SURVIVED"
    else
      # every failing ctest test, and the cmocka tests that failed inside them
      tests=$( (grep -oE '^[[:space:]]*[0-9]+ - [^ ]+ \(' "$OUT/logs/$name.log" || true) |
              sed -E 's/^[[:space:]]*[0-9]+ - //; s/ \($//' | paste -sd, -)
      inner=$( (grep -oE '\[  FAILED  \] [a-z_0-9]+$' "$OUT/logs/$name.log" || true) | sed 's/.* //' | sort -u |
              paste -sd, -)
      echo "$name: KILLED by ${tests:-ctest exit $rc}${inner:+ ($inner)}"
    fi
  fi
  patch -s -R -p1 -d "$TREE" <"$p"
done
