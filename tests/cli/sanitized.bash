#!/usr/bin/env bash
# Run an end-to-end test (tests/cli/NAME.sh) against the ASan+UBSan build of stroma (CMakeLists.txt adds these as
# asan.NAME when STROMA_SANITIZE is on). Usage: bash tests/cli/sanitized.bash NAME STROMA SRCDIR
# A stroma process with a sanitizer report exits with code 86, which no script accepts (they expect 0, 1 or 2);
# ASan and LeakSanitizer reports (leaks are checked at exit, detect_leaks=1; fontconfig's are suppressed,
# tests/unit/lsan.supp) also go to log files, so one fails the test even from a process the script expected to
# fail or killed, and is printed here. UBSan (gcc) prints to stderr only: its exit code is what fails the script.
# The script sees STROMA_SANITIZED=1 (none shortens its runs today: the six take about 2 minutes together).
set -uo pipefail
NAME=$1 STROMA=$2 SRC=$3
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
export ASAN_OPTIONS="detect_leaks=1:log_path=$LOGS/asan:exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$SRC/tests/unit/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export STROMA_SANITIZED=1
bash "$SRC/tests/cli/$NAME.sh" "$STROMA" "$SRC"
rc=$?
if [ -n "$(ls -A "$LOGS")" ]; then
  for f in "$LOGS"/*; do echo "== sanitizer report $(basename "$f")"; cat "$f"; done
  echo "FAIL: $NAME: a sanitizer reported a problem in stroma (above)" >&2
  exit 1
fi
exit $rc
