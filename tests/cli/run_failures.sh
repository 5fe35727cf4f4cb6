# A run that cannot go on fails honestly: exit 1, run.json says "failed" with the time reached and the error
# (rewritten in place when no new file can be written), and stderr says exactly what is on disk. Cases: values
# that stop being finite, a full disk (tmpfs: out of blocks, out of inodes), a file-size limit, a folder made
# read-only mid-run (as an unprivileged user; and a read-only remount, where run.json cannot be updated at all).
# Intervals longer than the run mean "at the end". Cases that need mount or setpriv are skipped, saying so, when
# the machine does not allow them.
source "$(dirname "$0")/lib.bash"
chmod 755 "$WORK"

# check_failed DIR ERRFILE: exit 1 was seen; run.json says "failed" (valid JSON, trailing padding allowed), with
# time > last_output_time; stderr names the same last whole output time; every file of every output time up to
# it exists; no temporary file is left.
check_failed() {
  python3 - "$1" "$2" <<'PY' || { cat "$2"; fail "$1: not an honest failure"; }
import json, sys, os, re, glob
d, errf = sys.argv[1], sys.argv[2]
r = json.load(open(os.path.join(d, "run.json")))
err = open(errf).read()
assert r["status"] == "failed", r["status"]
assert r["error"], "no error in run.json"
last = r["last_output_time"]
m = re.search(r"the files of every output time up to t = ([0-9.e+-]+) min are whole", err)
if last is None:
    assert "no output time was written whole" in err, err
else:
    assert m and float(m.group(1)) == last, (m and m.group(1), last)
    assert r["time"] > last, (r["time"], last)
    # every output time up to `last` has all its field files
    times = sorted({float(re.sub(r".*_", "", os.path.basename(p))[:-4]) for p in glob.glob(os.path.join(d, "fields", "*.csv"))})
    for t in [t for t in times if t <= last]:
        for sub in ("oxygen",):
            assert os.path.exists(os.path.join(d, "fields", "%s_%.10g.csv" % (sub, t))), (sub, t)
stopped = re.search(r"the run stopped at t = ([0-9.e+-]+) min", err)
assert stopped and float(stopped.group(1)) == r["time"], (stopped and stopped.group(1), r["time"])
left = [p for p in glob.glob(os.path.join(d, "**", "*"), recursive=True) if ".tmp-" in os.path.basename(p)]
if left:  # only where they could not be removed (a read-only folder), and then said
    said = re.search(r"; ([0-9]+) unfinished temporary files? \(\*\.tmp-\*\) could not be removed", err)
    assert said and int(said.group(1)) == len(left), (left, err)
PY
}

model() { # NAME SIDE EVERY END: a 2D square of SIDE um (10 um voxels), oxygen and IL6, field CSVs every EVERY min
  cat > "$WORK/$1.yaml" <<EOF
domain: {x: [0, $2], y: [0, $2], z: [0, 10], voxel: 10}
time: {end: $4, dt_diffusion: 0.1}
seed: 7
substrates:
  oxygen: {diffusion: 100000, decay: 0.1, initial: 38, boundary: {x_min: 38}}
  IL6: {diffusion: 2400, decay: 0.01}
sources:
  - {substrate: IL6, count: 20, disc: {center: [50, 50, 5], radius: 40}, secretion: 0.1, saturation: 100}
outputs: {every: $3, fields: [csv]}
EOF
}

# ---- values that stop being finite: the run fails where it happens (it said "complete") ----
expect_not_finite() { # NAME YAML PATTERN
  printf '%s\n' "$2" > "$WORK/$1.yaml"
  set +e; "$STROMA" run "$WORK/$1.yaml" --out "$WORK/$1" --quiet 2>"$WORK/$1.err"; local rc=$?; set -e
  [ $rc -eq 1 ] || { cat "$WORK/$1.err"; fail "$1: exit $rc, expected 1"; }
  grep -Eq "$3" "$WORK/$1.err" || { cat "$WORK/$1.err"; fail "$1: message does not match /$3/"; }
  check_failed "$WORK/$1" "$WORK/$1.err"
  if grep -rqiE "nan|inf" "$WORK/$1/fields" "$WORK/$1/timeseries.csv" "$WORK/$1/cells" 2>/dev/null; then
    fail "$1: a non-finite value was written"
  fi
  echo "ok: $1"
}
box='domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}
time: {end: 12, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 6}'
expect_not_finite field_inf "$box
substrates:
  oxygen: {diffusion: 1e308, decay: 1e308, initial: 0, boundary: {x_min: 38, y_max: 1e308}}
outputs: {every: 6, fields: [csv]}" \
  "substrate oxygen is no longer a finite number at t = 6 min \(step 60; all finite at t = 0 min\): voxel \(0, 0, 0\) centred at \(10, 10, 10\) µm holds \+inf \(25 of 25 voxels are not finite\)"
expect_not_finite total_overflow "$box
substrates:
  oxygen: {diffusion: 1000, decay: 0.1, initial: 38, boundary: {x_min: 1e308}}
outputs: {every: 6, fields: [csv]}" \
  "substrate oxygen: its total over the domain \(the sum of value x voxel volume, 8000 µm³\) is no longer a finite number at t = 6 min .*: values reach [0-9.e+]+ and the total overflows"
expect_not_finite cell_nan "$box
substrates:
  oxygen: {diffusion: 1000, decay: 0.1, initial: 38}
cell_types:
  a: {}
state_variables:
  s: {production: {a: 1e308}}
initial_cells:
  - {type: a, count: 20, disc: {center: [50, 50, 10], radius: 30}}
outputs: {every: 6, cells: [csv]}" \
  "cell [0-9]+ \(type a\) is no longer made of finite numbers at t = (6|12) min \(step [0-9]+; all finite at t = [0-9]+ min\): its [a-z ]+ is (NaN|[+-]inf) \([0-9]+ of 20 cells are not finite\)"
# forces that overflow stop the run at the mechanics step where they do, before any position is NaN
expect_not_finite cell_velocity "$box
substrates:
  oxygen: {diffusion: 1000, decay: 0.1, initial: 38}
cell_types:
  a: {mechanics: {repulsion: 1e308, adhesion: 1e308}}
initial_cells:
  - {type: a, count: 20, disc: {center: [50, 50, 10], radius: 30}}
outputs: {every: 6, cells: [csv]}" \
  "cell [0-9]+ \(a\): its velocity is not finite at mechanics step 0: the forces overflow"

# ---- intervals longer than the run: at the end, not every step ----
model long 100 1e300 30
"$STROMA" run "$WORK/long.yaml" --out "$WORK/long" --quiet || fail "outputs.every 1e300: exit $?"
[ "$(wc -l < "$WORK/long/timeseries.csv")" -eq 3 ] || fail "outputs.every 1e300: not t = 0 and the end only"
[ "$(ls "$WORK/long/fields" | wc -l)" -eq 4 ] || fail "outputs.every 1e300: field files at other times"
if [ -n "${STROMA_SANITIZED:-}" ]; then
  echo "skipped: counting checkpoints with strace (LeakSanitizer does not run under ptrace; outputs.every checked)"
elif command -v strace >/dev/null; then
  strace -f -qq -e trace=rename,renameat,renameat2 -o "$WORK/strace.txt" \
    "$STROMA" run "$WORK/long.yaml" --out "$WORK/long" --quiet --checkpoint-every 1e300 || fail "checkpoint 1e300"
  n=$(grep -c 'checkpoint\.bin"' "$WORK/strace.txt" || true)
  [ "$n" -eq 1 ] || fail "--checkpoint-every 1e300 wrote $n checkpoints, expected 1 (at the end)"
  echo "ok: intervals longer than the run (1 checkpoint)"
else
  echo "skipped: counting checkpoints needs strace (outputs.every checked)"
fi

# ---- a file-size limit (ulimit -f): EFBIG, reported like a full disk (SIGXFSZ killed the run mid-file) ----
model fsize 200 1 5
set +e; (trap '' XFSZ; ulimit -f 8; exec "$STROMA" run "$WORK/fsize.yaml" --out "$WORK/fsize" --quiet) 2>"$WORK/fsize.err"
rc=$?; set -e
[ $rc -eq 1 ] || { cat "$WORK/fsize.err"; fail "file-size limit: exit $rc, expected 1"; }
grep -q "File too large" "$WORK/fsize.err" || fail "file-size limit: error not reported"
check_failed "$WORK/fsize" "$WORK/fsize.err"
(ulimit -f 8; "$STROMA" run "$WORK/fsize.yaml" --out "$WORK/fsize2" --quiet 2>/dev/null) || rc=$?
[ "${rc:-0}" -eq 1 ] || fail "file-size limit with SIGXFSZ at its default: exit ${rc:-0}, expected 1"
echo "ok: file-size limit"

# ---- a full disk and a read-only remount, on a tmpfs of our own (a private mount namespace) ----
if unshare --mount --propagation private true 2>/dev/null && unshare --mount --propagation private \
    sh -c "mkdir -p '$WORK/probe' && mount -t tmpfs -o size=64k tmpfs '$WORK/probe'" 2>/dev/null; then
  model full 100 1 60
  # out of blocks: the run fails at the output that does not fit
  set +e
  unshare --mount --propagation private bash -c "mkdir -p '$WORK/blocks' && mount -t tmpfs -o size=128k tmpfs '$WORK/blocks' &&
    '$STROMA' run '$WORK/full.yaml' --out '$WORK/blocks/o' --quiet 2>'$WORK/blocks.err'; rc=\$?; cp -r '$WORK/blocks/o' '$WORK/blocks_o'; exit \$rc"
  rc=$?; set -e
  [ $rc -eq 1 ] || { cat "$WORK/blocks.err"; fail "full disk: exit $rc, expected 1"; }
  grep -q "No space left on device" "$WORK/blocks.err" || fail "full disk: ENOSPC not reported"
  check_failed "$WORK/blocks_o" "$WORK/blocks.err"
  echo "ok: full disk (blocks)"
  # out of inodes: no new file can be created, so run.json is rewritten in place
  set +e
  unshare --mount --propagation private bash -c "mkdir -p '$WORK/inodes' && mount -t tmpfs -o size=16m,nr_inodes=40 tmpfs '$WORK/inodes' &&
    '$STROMA' run '$WORK/full.yaml' --out '$WORK/inodes/o' --quiet 2>'$WORK/inodes.err'; rc=\$?; cp -r '$WORK/inodes/o' '$WORK/inodes_o'; exit \$rc"
  rc=$?; set -e
  [ $rc -eq 1 ] || { cat "$WORK/inodes.err"; fail "no inodes: exit $rc, expected 1"; }
  grep -q 'run.json says "failed" (rewritten in place' "$WORK/inodes.err" || { cat "$WORK/inodes.err"; fail "no inodes: run.json not rewritten in place"; }
  check_failed "$WORK/inodes_o" "$WORK/inodes.err"
  echo "ok: full disk (inodes): run.json rewritten in place"
  # remounted read-only mid-run: not even run.json can be written; stderr must say so, not point at it
  model slow 2000 10 600
  set +e
  unshare --mount --propagation private bash -c "
    mkdir -p '$WORK/ro' && mount -t tmpfs -o size=64m tmpfs '$WORK/ro' || exit 99
    '$STROMA' run '$WORK/slow.yaml' --out '$WORK/ro/o' --quiet 2>'$WORK/ro.err' & pid=\$!
    for i in \$(seq 3000); do [ -e '$WORK/ro/o/fields/oxygen_10.csv' ] && break; sleep 0.01; done
    for i in \$(seq 200); do   # remount fails (EBUSY) while a file is open for writing: try between writes
      kill -STOP \$pid; mount -o remount,ro '$WORK/ro' 2>/dev/null && break; kill -CONT \$pid; sleep 0.005
    done
    kill -CONT \$pid; wait \$pid; rc=\$?; cp -r '$WORK/ro/o' '$WORK/ro_o'; exit \$rc"
  rc=$?; set -e
  [ $rc -eq 1 ] || { cat "$WORK/ro.err"; fail "read-only remount: exit $rc, expected 1"; }
  grep -q "Read-only file system" "$WORK/ro.err" || { cat "$WORK/ro.err"; fail "read-only remount: EROFS not reported"; }
  grep -q "run.json could not be updated and does not say where the run stopped" "$WORK/ro.err" ||
    { cat "$WORK/ro.err"; fail "read-only remount: stderr does not say run.json is stale"; }
  python3 -c "import json,sys; assert json.load(open('$WORK/ro_o/run.json'))['status'] == 'running'" ||
    fail "read-only remount: run.json changed?"
  echo "ok: read-only remount (run.json stale, and stderr says so)"
else
  echo "skipped: full disk and read-only remount need a private tmpfs mount (unshare + mount, CAP_SYS_ADMIN)"
fi

# ---- a folder made read-only mid-run (chmod a-w), as an unprivileged user (root ignores permissions) ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true; then
  model slow 2000 10 600
  mkdir "$WORK/rw" && chown 65534:65534 "$WORK/rw"
  set +e
  setpriv --reuid=65534 --regid=65534 --clear-groups "$STROMA" run "$WORK/slow.yaml" --out "$WORK/rw" --quiet \
    2>"$WORK/rw.err" &
  pid=$!
  for i in $(seq 3000); do [ -e "$WORK/rw/fields/oxygen_10.csv" ] && break; sleep 0.01; done
  kill -STOP $pid
  chmod a-w "$WORK/rw" "$WORK/rw/fields"
  kill -CONT $pid
  wait $pid; rc=$?
  set -e
  chmod u+w "$WORK/rw" "$WORK/rw/fields"
  [ $rc -eq 1 ] || { cat "$WORK/rw.err"; fail "read-only folder: exit $rc, expected 1"; }
  grep -q "Permission denied" "$WORK/rw.err" || { cat "$WORK/rw.err"; fail "read-only folder: EACCES not reported"; }
  grep -q 'run.json says "failed" (rewritten in place' "$WORK/rw.err" ||
    { cat "$WORK/rw.err"; fail "read-only folder: run.json not rewritten in place"; }
  check_failed "$WORK/rw" "$WORK/rw.err"
  sed -n 2,3p "$WORK/rw.err"
  echo "ok: folder made read-only mid-run: run.json rewritten in place"
else
  echo "skipped: a read-only folder needs root to run stroma as an unprivileged user (setpriv)"
fi
echo "run_failures: ok"
