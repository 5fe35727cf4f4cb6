# The Python loader (python/stroma, docs/python.md) against a real run: the every-feature model (3D, five cell
# types, state variables, rules, markers, vessels, ECM) for 60 min, its cells and fields written as CSV and as
# ParaView files. tests/cli/python_loader.py checks the loaded values against the files (read independently, the
# .vtp/.vti with VTK): from a checkout (PYTHONPATH=python), from the ParaView files alone, and installed with pip
# into a virtual environment and imported from outside the checkout. A copy of the loader broken on purpose (it
# reads the next output time's cell file) must fail the same checks.
source "$(dirname "$0")/lib.bash"
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1   # nothing written into the checkout
"$PY" -c 'import numpy, pandas, anndata, vtkmodules.vtkIOXML' 2>/dev/null || fail "$PY lacks numpy, pandas, \
anndata or vtk (Debian python3-numpy python3-pandas python3-anndata python3-vtk9: make deps installs them)"
SRC=$(cd "$SRC" && pwd)
CHECK="$SRC/tests/cli/python_loader.py"

"$STROMA" run "$SRC/tests/data/every_feature/model.yaml" --end 60 --out "$WORK/o" --quiet || fail "run failed"

# from the checkout
PYTHONPATH="$SRC/python" "$PY" "$CHECK" "$WORK/o" || fail "loader from the checkout"

# from the ParaView files alone (cells from .vtp, fields from .vti)
cp -r "$WORK/o" "$WORK/v"
rm "$WORK"/v/cells/*.csv "$WORK"/v/fields/*.csv
PYTHONPATH="$SRC/python" "$PY" "$CHECK" "$WORK/v" --vtk-only --csv-from "$WORK/o" \
  || fail "loader from the ParaView files"

# a state variable named like a column (vtk3d's "phase") is var:phase in the CSV, as in the .vtp, and "phase" in
# the AnnData's variables
"$STROMA" run "$SRC/tests/cli/models/vtk3d.yaml" --out "$WORK/3d" --quiet || fail "vtk3d run failed"
PYTHONPATH="$SRC/python" "$PY" - "$WORK/3d" <<'PYCHECK' || fail "a state variable named phase"
import sys
import numpy as np
import stroma
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOXML import vtkXMLPolyDataReader
run = stroma.load(sys.argv[1])
t = run.cell_times[-1]
c = run.cells(t)
r = vtkXMLPolyDataReader()
r.SetFileName(f"{sys.argv[1]}/cells/cells_{t:.10g}.vtp")
r.Update()
want = vtk_to_numpy(r.GetOutput().GetPointData().GetArray("var:phase"))
assert np.array_equal(c["var:phase"].to_numpy(), want) and want.max() > 0, "var:phase differs from the .vtp"
assert np.array_equal(c["phase"].to_numpy(), vtk_to_numpy(r.GetOutput().GetPointData().GetArray("phase")))
a = run.anndata(t)
assert list(a.var_names[:2]) == ["phase", "exhaustion"], list(a.var_names)
assert np.array_equal(a[:, "phase"].X.ravel(), want) and "phase" in a.obs.columns
PYCHECK

# ParaView files as VTK itself saves them (ASCII, base64, compressed, 32-bit headers) read the same
mkdir "$WORK/resaved"
PYTHONPATH="$SRC/python" "$PY" "$SRC/tests/cli/python_vtk_formats.py" "$WORK/o/fields/fields_60.vti" \
  "$WORK/o/cells/cells_60.vtp" "$WORK/resaved" || fail "ParaView files saved by VTK"

# installed with pip (no network, no build isolation: Debian's setuptools) and imported outside the checkout;
# built from a copy so that the checkout gets no build/ or egg-info
"$PY" -m venv --system-site-packages "$WORK/venv" || fail "python3 -m venv failed (Debian python3-venv)"
cp -r "$SRC/python" "$WORK/pysrc"
"$WORK/venv/bin/pip" install --quiet --no-deps --no-build-isolation --no-index "$WORK/pysrc" \
  >"$WORK/pip.log" 2>&1 || { cat "$WORK/pip.log" >&2; fail "pip install failed"; }
rm -rf "$WORK/pysrc"
(cd "$WORK" && env -u PYTHONPATH "$WORK/venv/bin/python" - "$WORK/venv" <<'PY') || fail "the installed package"
import os, sys
import stroma
where = os.path.realpath(stroma.__file__)
assert where.startswith(os.path.realpath(sys.argv[1])), f"imported from {where}, not the virtual environment"
run = stroma.load("o")
assert run.times == [0.0, 30.0, 60.0], run.times
print("installed:", where, run, run.anndata(60).shape)
PY
(cd "$WORK" && env -u PYTHONPATH "$WORK/venv/bin/python" "$CHECK" "$WORK/o" >/dev/null) \
  || fail "checks with the installed package"

# negative control: the loader reading the next output time's cell file must fail the checks
cp -r "$SRC/python" "$WORK/broken"
sed -i 's|_read_cells_csv(self._cells_csv\[k\])|_read_cells_csv(self._cells_csv.get(k + 30, self._cells_csv[k]))|' \
  "$WORK/broken/stroma/run.py"
grep -q "k + 30" "$WORK/broken/stroma/run.py" || fail "negative control: could not break the loader"
if PYTHONPATH="$WORK/broken" "$PY" "$CHECK" "$WORK/o" >/dev/null 2>"$WORK/broken.err"; then
  fail "negative control: the checks pass with a loader that reads the wrong time"
fi
grep -q FAIL "$WORK/broken.err" || { cat "$WORK/broken.err" >&2; fail "negative control failed for another reason"; }
echo "python_loader: ok (negative control: $(head -1 "$WORK/broken.err"))"
