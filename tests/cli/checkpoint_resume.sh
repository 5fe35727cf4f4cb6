#!/usr/bin/env bash
# Checkpoint and resume: a run of the default scenario killed with SIGKILL after its first checkpoint and then
# resumed (at another thread count) ends bit-identical to a run never interrupted — every output file and the
# final checkpoint compare equal byte for byte (run.json differs only in wall time, threads and resumed_at).
# The same for tests/data/every_feature (every cell feature: damage, attachment, phagocytosis, state variables,
# per-cell values, rules from CSV, recruitment, 3D), killed after its first checkpoint; a copy of its checkpoint
# crafted with a negative recruited count (checksum recomputed) is refused with exit 2. Models are given by
# relative paths, so summary.json's model path must come back as given.
# A corrupted, truncated, foreign, future-version or stale checkpoint is refused with exit 2 and a clear
# message; a run that cannot write (file size limit standing in for a full disk) fails with exit 1, names the
# file, keeps what it had finished and records where it stopped in run.json.
source "$(dirname "$0")/lib.bash"
# every feature: killed after its second checkpoint, resumed at another thread count; model given relatively
mkdir -p "$WORK/ef"
cp "$SRC"/tests/data/every_feature/* "$WORK/ef/"
(
    cd "$WORK/ef"
    EARGS=(--end 240 --checkpoint-every 40 --quiet)
    "$STROMA" run model.yaml "${EARGS[@]}" --threads 2 --out a || fail "every-feature run failed"
    "$STROMA" run model.yaml "${EARGS[@]}" --threads 1 --out b &
    pid=$!
    for _ in $(seq 1 6000); do [ -f b/checkpoint.bin ] && break; sleep 0.005; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -q '"status": "running"' b/run.json || fail "every-feature run finished before it could be killed"
    [ -f b/checkpoint.bin ] || fail "the killed every-feature run wrote no checkpoint"
    "$STROMA" resume b --threads 2 --quiet || fail "every-feature resume failed"
    diff -r -x run.json -x report.html a b >diff.txt || fail "every-feature resumed run differs: $(head -20 diff.txt)"
    cmp a/checkpoint.bin b/checkpoint.bin || fail "every-feature final states differ"
    grep -q '"model": "model.yaml"' b/summary.json || fail "summary.json does not record the model as given"
    # a crafted checkpoint (a negative recruited count, the checksum recomputed) is refused with exit 2
    cp -r b crafted
    python3 - crafted/checkpoint.bin <<'PY' || fail "cannot craft the checkpoint"
import hashlib, struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
head, payload = data[:88], data[88:]
name = struct.pack("<I", 11) + b"recruitment"
at = payload.find(name)
assert at > 0, "no recruitment section"
at += len(name) + 4 + 8 + 4            # version, byte length, entry count
payload[at:at + 8] = struct.pack("<q", -1)
head[24:88] = hashlib.sha256(payload).hexdigest().encode()
open(path, "wb").write(head + payload)
PY
    set +e
    "$STROMA" resume crafted --quiet 2>crafted.err
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "crafted recruitment checkpoint: expected exit 2, got $rc ($(cat crafted.err))"
    grep -q "checkpoint recruitment of entry 0 is invalid (count -1" crafted.err ||
      fail "crafted recruitment checkpoint: $(cat crafted.err)"
)
echo "every feature: killed mid-run, resumed: outputs and final state bit-identical"

cp "$SRC/models/tumour_stroma.yaml" "$WORK/model.yaml"
M="$WORK/model.yaml"
ARGS=(--end 180 --checkpoint-every 60 --quiet)

"$STROMA" run "$M" "${ARGS[@]}" --threads 1 --out "$WORK/a" || fail "uninterrupted run failed"
[ -f "$WORK/a/checkpoint.bin" ] || fail "no checkpoint written"

"$STROMA" run "$M" "${ARGS[@]}" --threads 2 --out "$WORK/b" &
pid=$!
for _ in $(seq 1 6000); do [ -f "$WORK/b/checkpoint.bin" ] && break; sleep 0.01; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[ -f "$WORK/b/checkpoint.bin" ] || fail "the killed run wrote no checkpoint"
grep -q '"status": "running"' "$WORK/b/run.json" || fail "the run finished before it could be killed: $(cat "$WORK/b/run.json")"

"$STROMA" resume "$WORK/b" --threads 1 --quiet || fail "resume failed"
grep -q '"status": "complete"' "$WORK/b/run.json" || fail "resumed run not complete"
grep -q '"resumed_at": [1-9]' "$WORK/b/run.json" || fail "run.json does not say where the run resumed"
diff -r -x run.json -x report.html "$WORK/a" "$WORK/b" >"$WORK/diff" || fail "resumed run differs: $(head -20 "$WORK/diff")"
cmp "$WORK/a/checkpoint.bin" "$WORK/b/checkpoint.bin" || fail "final states differ"
echo "killed at the first checkpoint, resumed: outputs and final state bit-identical"

# SIGTERM asks the run to stop: it saves a checkpoint at that step, says "interrupted", and resumes identically
"$STROMA" run "$M" "${ARGS[@]}" --threads 1 --out "$WORK/t" &
pid=$!
for _ in $(seq 1 6000); do [ -f "$WORK/t/checkpoint.bin" ] && break; sleep 0.01; done
sleep 0.2
kill -TERM "$pid"
set +e; wait "$pid"; rc=$?; set -e
[ $rc -eq 1 ] || fail "interrupted run: expected exit 1, got $rc"
grep -q '"status": "interrupted"' "$WORK/t/run.json" || fail "run.json does not say interrupted: $(cat "$WORK/t/run.json")"
"$STROMA" resume "$WORK/t" --threads 2 --quiet || fail "resume after SIGTERM failed"
diff -r -x run.json -x report.html "$WORK/a" "$WORK/t" >"$WORK/diff" || fail "resumed after SIGTERM differs: $(head -20 "$WORK/diff")"
echo "stopped by SIGTERM, resumed: bit-identical"

# resuming a complete run changes nothing
"$STROMA" resume "$WORK/b" --quiet || fail "resuming a complete run failed"
cmp "$WORK/a/checkpoint.bin" "$WORK/b/checkpoint.bin" || fail "resuming a complete run changed its state"

expect_refusal() { # dir pattern what
    set +e
    "$STROMA" resume "$1" --quiet 2>"$WORK/err"
    local rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$3: expected exit 2, got $rc ($(cat "$WORK/err"))"
    grep -q "$2" "$WORK/err" || fail "$3: message lacks '$2': $(cat "$WORK/err")"
}
corrupt_copy() { rm -rf "$WORK/c"; cp -r "$WORK/b" "$WORK/c"; }
CK="$WORK/c/checkpoint.bin"
size=$(stat -c %s "$WORK/b/checkpoint.bin")

corrupt_copy
printf '\x5a' | dd of="$CK" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_refusal "$WORK/c" "corrupted" "flipped byte"
corrupt_copy
truncate -s $((size - 100)) "$CK"
expect_refusal "$WORK/c" "truncated" "truncated file"
corrupt_copy
echo "not a checkpoint" >"$CK"
expect_refusal "$WORK/c" "not a stroma checkpoint" "foreign file"
corrupt_copy
printf '\x63\x00\x00\x00' | dd of="$CK" bs=1 seek=8 conv=notrunc status=none
expect_refusal "$WORK/c" "format version 99" "future version"
corrupt_copy
rm "$CK"
expect_refusal "$WORK/c" "nothing to resume" "missing checkpoint"
corrupt_copy
echo "# edited" >>"$M"
expect_refusal "$WORK/c" "changed since the checkpoint" "model edited"

# a run that cannot write fails with exit 1, names the file and keeps its finished outputs
cp "$SRC/models/tumour_stroma.yaml" "$WORK/model2.yaml"
set +e
# the first checkpoint (≈1.5 MB) exceeds the limit; the outputs at t = 0 (files up to ≈320 KB) do not
(trap '' XFSZ; ulimit -f 600; exec "$STROMA" run "$WORK/model2.yaml" --end 480 --checkpoint-every 60 --threads 1 \
    --quiet --out "$WORK/full") 2>"$WORK/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "write failure: expected exit 1, got $rc ($(cat "$WORK/err"))"
grep -q "checkpoint not written: writing '.*/full/checkpoint.bin' failed: File too large" "$WORK/err" || fail "write failure not reported: $(cat "$WORK/err")"
grep -q "the run stopped at t = 60 min; in .*/full: the files of every output time up to t = 0 min are whole" "$WORK/err" ||
  fail "no stop time reported: $(cat "$WORK/err")"
grep -q '"status": "failed"' "$WORK/full/run.json" || fail "run.json does not record the failure"
python3 - "$WORK/full" <<'PY' || fail "outputs of the failed run are not intact"
import csv, json, sys
d = sys.argv[1]
st = json.load(open(d + "/run.json"))
rows = list(csv.DictReader(open(d + "/timeseries.csv")))
assert st["last_output_time"] is not None and float(rows[-1]["time"]) == st["last_output_time"], (rows[-1], st)
assert all(len(r) == len(rows[0]) for r in rows)
assert st["time"] == 60 and st["error"], st
import os
assert os.path.getsize(d + "/cells/cells_0.csv") > 0 and not os.path.exists(d + "/checkpoint.bin")
assert not [f for f in os.listdir(d) if ".tmp-" in f], os.listdir(d)
PY
echo "checkpoint_resume: ok"
