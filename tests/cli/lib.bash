# Shared helpers for the end-to-end tests: each test script is run as `bash test.sh STROMA SRCDIR`.
set -euo pipefail
STROMA=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
