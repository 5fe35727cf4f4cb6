#!/usr/bin/env bash
# `mpirun -np 2 stroma trial`: the runs are spread over two processes (rank 1 records its share in
# OUT/jobs-rank1, rank 0 in OUT/jobs), rank 0 gathers rank 1's records over MPI into OUT/jobs and writes
# results.sqlite, byte for byte the file one process writes. Skipped (exit 77) when stroma was built without MPI
# or mpirun is missing.
source "$(dirname "$0")/lib.bash"
cd "$WORK"
command -v mpirun >/dev/null || { echo "trial_mpi: skipped: no mpirun"; exit 77; }
"$STROMA" trial --help | grep -q 'mpirun -np N stroma trial' || { echo "trial_mpi: skipped: stroma built without MPI"; exit 77; }
T="$SRC/tests/cli/models/trial_sweep.yaml"
"$STROMA" trial "$T" --out one --patients 6 --quiet || fail "one process exited $?"
mpirun --allow-run-as-root --oversubscribe -np 2 "$STROMA" trial "$T" --out two --patients 6 >two.txt 2>&1 ||
    fail "mpirun -np 2 exited $?: $(cat two.txt)"
grep -q "^stroma: 2 processes (MPI)" two.txt || fail "not run on 2 processes: $(cat two.txt)"
# rank 1 ran the odd runs (patient x 3 + arm), and only those
ls two/jobs-rank1 >rank1.txt
[ "$(wc -l <rank1.txt)" -eq 9 ] || fail "rank 1 recorded $(wc -l <rank1.txt) runs, not 9"
while read -r f; do
    p=$((10#$(echo "$f" | sed 's/^p\([0-9]*\)-a.*/\1/'))) a=$((10#$(echo "$f" | sed 's/.*-a\([0-9]*\)\.txt/\1/')))
    [ $(((p * 3 + a) % 2)) -eq 1 ] || fail "rank 1 ran $f, not its share"
done <rank1.txt
[ "$(ls two/jobs | wc -l)" -eq 18 ] || fail "rank 0 did not gather every record: $(ls two/jobs | wc -l)"
for f in $(cat rank1.txt); do cmp -s "two/jobs/$f" "two/jobs-rank1/$f" || fail "gathered $f differs"; done
cmp one/results.sqlite two/results.sqlite || fail "2 processes give other results than 1"
for f in one/csv/*.csv; do cmp -s "$f" "two/csv/${f#one/csv/}" || fail "csv ${f#one/csv/} differs"; done
# a trial whose ranks were killed part-way (some records of each rank gone, no results) resumes under mpirun to
# the same results
rm -f two/results.sqlite two/jobs-rank1/p000004-* two/jobs-rank1/p000005-*
for f in two/jobs/p000004-* two/jobs/p000005-*; do
    grep -qx "p${f#two/jobs/p}" rank1.txt && rm -f "$f" # gathered copies of the removed rank-1 records
done
rm -f two/jobs/p000004-a000.txt two/jobs/p000005-a001.txt # two of rank 0's own
mpirun --allow-run-as-root --oversubscribe -np 2 "$STROMA" trial "$T" --out two --patients 6 >resume.txt 2>&1 ||
    fail "mpirun resume exited $?: $(cat resume.txt)"
for f in jobs/p000004-a000.txt jobs/p000005-a001.txt jobs-rank1/p000004-a001.txt jobs-rank1/p000005-a000.txt; do
    [ -f "two/$f" ] || fail "resume under mpirun did not rerun $f"
done
cmp one/results.sqlite two/results.sqlite || fail "resumed on 2 processes: other results than 1 process"
echo "trial_mpi: ok"
