#!/usr/bin/env bash
# The command line a user expects: `stroma --help` lists the verbs; `stroma VERB --help` and `-h` print the
# verb's options with their defaults (run: the output folder and the thread count) and exit 0, even after other
# arguments; `-o` and `--out`, and the --opt=value form of every option taking a value, work for run; an
# unknown option exits 2 and points at --help.
source "$(dirname "$0")/lib.bash"
cd "$WORK"
"$STROMA" --help >top.txt || fail "stroma --help exited $?"
for verb in run resume check report import-physicell trial; do
    grep -q "^  $verb " top.txt || fail "stroma --help does not list $verb"
    for h in --help -h; do
        "$STROMA" $verb $h >help.txt || fail "stroma $verb $h exited $?"
        grep -q "^usage: stroma $verb" help.txt || fail "stroma $verb $h: no usage line"
        grep -q -- "-h, --help" help.txt || fail "stroma $verb $h does not list -h, --help"
    done
done
"$STROMA" run model.yaml --seed 3 --help >help.txt || fail "run ... --help after other arguments exited $?"
grep -q -- '-o, --out DIR .*default: out/<model file name' help.txt || fail "run --help: no default output folder"
grep -Eq -- 'the processors available: [0-9]+ here' help.txt || fail "run --help: no default thread count"
grep -q 'OMP_NUM_THREADS' help.txt || fail "run --help: how the thread count is chosen"
for opt in --set --seed --threads --end --solver --checkpoint-every --progress-every --quiet; do
    grep -q -- "  $opt" help.txt || fail "run --help does not list $opt"
done
"$STROMA" resume --help >help.txt && grep -q -- '--threads N .*default' help.txt || fail "resume --help: threads"
"$STROMA" check --help >help.txt && grep -q -- '--set KEY.PATH=VALUE' help.txt || fail "check --help: no --set"
"$STROMA" import-physicell --help >help.txt && grep -q -- '-o, --out MODEL.yaml' help.txt || fail "import: no -o"
"$STROMA" trial --help >help.txt || fail "trial --help exited $?"
for opt in --out --patients --threads --quiet; do grep -q -- "  .*$opt" help.txt || fail "trial --help: no $opt"; done
grep -Eq -- 'processors available only shares them: [0-9]+ here' help.txt || fail "trial --help: no processor count"

# -o, --out=, and the --opt=value forms of run
M="$SRC/tests/cli/models/small.yaml"
"$STROMA" run "$M" -o short --quiet --end=10 --seed=5 --threads=1 --solver=lod --checkpoint-every=5 \
    --set=time.dt_diffusion=0.2 --progress-every=5 || fail "run with --opt=value forms failed"
grep -q '"end_time": 10' short/run.json || fail "--end=10 not applied"
grep -q '"seed": 5' short/run.json || fail "--seed=5 not applied"
grep -q '"threads": 1' short/run.json || fail "--threads=1 not applied"
grep -q '"checkpoint_every": 5' short/run.json || fail "--checkpoint-every=5 not applied"
grep -q '"overrides": \["time.dt_diffusion=0.2"\]' short/run.json || fail "--set= not recorded"
"$STROMA" run "$M" --out=long --quiet --end 10 || fail "run --out=DIR failed"
[ -f long/summary.json ] || fail "--out=DIR wrote no summary.json"
"$STROMA" resume short --threads=1 --quiet --progress-every=5 || fail "resume with --opt=value forms failed"
"$STROMA" import-physicell --out= x.xml >/dev/null 2>&1 && fail "import-physicell --out= with no file accepted"

# bad options: exit 2, pointing at --help, nothing written
for args in "run $M --bogus" "run $M --threads=0" "run $M --end=-1" "run $M -o" "resume short --seed=3" \
    "check $M --out=x" "run $M --progress-every=0" "trial $M" "trial $M --out x --patients 0" \
    "trial $M --out x --threads=0" "trial $M --out x --bogus"; do
    set +e
    "$STROMA" $args >/dev/null 2>err.txt
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "stroma $args exited $rc, not 2"
    grep -q '^stroma: ' err.txt || fail "stroma $args: no message"
done
"$STROMA" run "$M" --bogus 2>err.txt && fail "run --bogus accepted"
grep -q "stroma run --help lists them" err.txt || fail "unknown option: no pointer to --help"
echo "cli_help: ok"
