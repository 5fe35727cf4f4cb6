#!/usr/bin/env bash
# An output directory is only ever cleared of what stroma itself wrote. A folder that merely holds a file named
# summary.json or run.json is not a stroma output: `stroma run --out` refuses it (exit 2) and touches nothing.
# An earlier stroma output (run.json written by stroma) is replaced: its files go, every other file and folder
# in it (notes, the model itself, a user's sub-folder, a foreign file inside fields/) stays. `stroma resume`
# refuses a folder whose run.json is not stroma's and removes only stroma's own temporary files.
source "$(dirname "$0")/lib.bash"
M="$SRC/tests/cli/models/small.yaml"

expect_exit() { # code what command...
    local want=$1 what=$2
    shift 2
    set +e
    "$@" >"$WORK/out" 2>"$WORK/err"
    local rc=$?
    set -e
    [ $rc -eq "$want" ] || fail "$what: expected exit $want, got $rc ($(cat "$WORK/err"))"
}

# the issue's case: foreign files beside a summary.json
P="$WORK/p"
mkdir -p "$P/src"
echo x >"$P/src/main.c"
echo '{}' >"$P/summary.json"
expect_exit 2 "summary.json beside foreign files" "$STROMA" run "$M" --out "$P" --quiet
grep -q "not empty and holds no stroma output" "$WORK/err" || fail "unclear refusal: $(cat "$WORK/err")"
[ "$(cat "$P/src/main.c")" = x ] && [ "$(cat "$P/summary.json")" = '{}' ] || fail "the refused folder was changed"

# a run.json that is not stroma's (any JSON, or not JSON) is not a stroma output either
for text in '{}' '{"status": "complete"}' 'not json'; do
    rm -rf "$P" && mkdir -p "$P/src" && echo x >"$P/src/main.c" && echo "$text" >"$P/run.json"
    expect_exit 2 "run.json '$text'" "$STROMA" run "$M" --out "$P" --quiet
    [ -f "$P/src/main.c" ] && [ "$(cat "$P/run.json")" = "$text" ] || fail "folder with run.json '$text' was changed"
    expect_exit 2 "resume of run.json '$text'" "$STROMA" resume "$P" --quiet
    [ -f "$P/src/main.c" ] || fail "resume changed a foreign folder"
done

# an earlier stroma output with the user's files in it: stroma's files are replaced, the user's stay
R="$WORK/r"
"$STROMA" run "$M" --out "$R" --quiet --checkpoint-every 10 || fail "first run failed"
[ -f "$R/fields/oxygen_10.csv" ] || fail "first run wrote no fields/oxygen_10.csv"
cp "$M" "$R/model.yaml"
echo notes >"$R/notes.txt"
mkdir -p "$R/analysis" "$R/fields/mine"
echo keep >"$R/analysis/plot.py"
echo keep >"$R/fields/readme.txt"
echo keep >"$R/fields/mine/oxygen_10.csv"
echo keep >"$R/analysis/x.csv.tmp-1-2"  # looks like a temporary name, but not in a place stroma writes
# rerun from the copy of the model inside the folder, with outputs every 15 min instead of 10
sed 's/every: 10/every: 15/' "$M" >"$R/model.yaml"
"$STROMA" run "$R/model.yaml" --out "$R" --quiet || fail "rerun into an earlier output failed: $(cat "$WORK/err")"
for f in model.yaml notes.txt analysis/plot.py analysis/x.csv.tmp-1-2 fields/readme.txt fields/mine/oxygen_10.csv; do
    [ -f "$R/$f" ] || fail "the rerun removed the user's $f"
done
[ ! -e "$R/fields/oxygen_10.csv" ] || fail "the earlier run's fields/oxygen_10.csv survived the rerun"
[ ! -e "$R/checkpoint.bin" ] || fail "the earlier run's checkpoint survived the rerun"
[ -f "$R/fields/oxygen_15.csv" ] && grep -q '"status": "complete"' "$R/run.json" || fail "the rerun's outputs are missing"

# resume removes only stroma's temporary files
"$STROMA" run "$M" --out "$WORK/k" --quiet --checkpoint-every 10 || fail "run for resume failed"
mkdir -p "$WORK/k/mine"
echo keep >"$WORK/k/mine/data.csv.tmp-1-2"
echo junk >"$WORK/k/timeseries.csv.tmp-99-1"
"$STROMA" resume "$WORK/k" --quiet || fail "resume failed"
[ -f "$WORK/k/mine/data.csv.tmp-1-2" ] || fail "resume removed a user's file"
[ ! -e "$WORK/k/timeseries.csv.tmp-99-1" ] || fail "resume left stroma's temporary file"
echo "output_dir_safety: ok"
