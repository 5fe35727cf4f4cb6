# ParaView outputs (outputs.fields: [vti], outputs.cells: [vtp]): every file that fields.pvd and cells.pvd
# list is read back with the VTK library (Debian python3-vtk9) and checked against summary.json,
# timeseries.csv and the CSV files of the same time (tests/cli/check_vtk.py): a 2D run, a 3D run and the
# default scenario.
source "$(dirname "$0")/lib.bash"
PY=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import vtkmodules.vtkIOXML' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || fail "no python3 with the vtk module (Debian package python3-vtk9; make deps installs it)"

"$STROMA" run "$SRC/tests/cli/models/vtk2d.yaml" --out "$WORK/2d" --quiet || fail "2D run failed"
"$PY" "$SRC/tests/cli/check_vtk.py" "$WORK/2d" --origin 0 0 0 --state-arrays resistance \
  --svar-positive resistance cancer || fail "2D outputs"
python3 - "$WORK/2d/summary.json" <<'PY' || fail "2D run too quiet to check dead cells"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["dead_cells"] > 0 and s["cell_events"]["apoptoses"] > 0 and s["cell_events"]["necroses"] > 0, s
PY

"$STROMA" run "$SRC/tests/cli/models/vtk3d.yaml" --out "$WORK/3d" --quiet || fail "3D run failed"
"$PY" "$SRC/tests/cli/check_vtk.py" "$WORK/3d" --origin -60 0 100 --state-arrays var:phase,exhaustion \
  --svar-rate var:phase cancer 0.01 35 --svar-rate exhaustion T 0.02 35 || fail "3D outputs"

# The default scenario writes them too (twelve substrates and two vesicle classes, twelve cell types, rules, seven
# state variables, vessels, matrix and markers).
"$STROMA" run "$SRC/models/tumour_stroma.yaml" --out "$WORK/demo" --end 240 --threads 1 --quiet || fail "default scenario failed"
"$PY" "$SRC/tests/cli/check_vtk.py" "$WORK/demo" --origin 0 0 0 \
  --state-arrays emt,stemness,resistance,PD_L1,miR21,exosome_cargo,exhaustion \
  --svar-positive resistance cancer || fail "default scenario outputs"

# Only the formats asked for: vti without csv writes no field CSV; no vtp, no cells.pvd.
[ -z "$(ls "$WORK/3d/fields" | grep -v '\.vti$')" ] || fail "3D run wrote field files other than .vti"
"$STROMA" run "$SRC/tests/cli/models/small.yaml" --out "$WORK/csv" --quiet || fail "csv run failed"
[ ! -e "$WORK/csv/fields.pvd" ] && [ ! -e "$WORK/csv/cells.pvd" ] || fail "csv-only run wrote .pvd files"
[ -z "$(ls "$WORK/csv/fields" | grep -v '\.csv$')" ] || fail "csv-only run wrote other field files"

# Same model and seed: the ParaView files are identical at 1 and 2 threads.
"$STROMA" run "$SRC/tests/cli/models/vtk3d.yaml" --out "$WORK/3d1" --threads 1 --quiet || fail "3D run, 1 thread"
"$STROMA" run "$SRC/tests/cli/models/vtk3d.yaml" --out "$WORK/3d2" --threads 2 --quiet || fail "3D run, 2 threads"
for f in fields.pvd cells.pvd; do cmp "$WORK/3d1/$f" "$WORK/3d2/$f" || fail "$f differs between thread counts"; done
diff -r "$WORK/3d1/fields" "$WORK/3d2/fields" >/dev/null || fail ".vti files differ between thread counts"
diff -r "$WORK/3d1/cells" "$WORK/3d2/cells" >/dev/null || fail ".vtp files differ between thread counts"
echo "vtk_outputs: ok"
