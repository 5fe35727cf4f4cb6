"""The loader's VTK reader (python/stroma/vtk.py) on every way VTK itself saves a file, used by
tests/cli/python_loader.sh:

    python3 python_vtk_formats.py FIELDS.vti CELLS.vtp WORKDIR

Each of stroma's two files is read by VTK and saved again by VTK as ParaView would (ASCII, inline base64, appended
base64, appended raw; uncompressed and zlib-compressed; UInt32 and UInt64 headers: 16 variants each), and the
loader must read every copy to the same arrays, names, order and string lists as stroma's own file."""
import sys

import numpy as np
import stroma
from vtkmodules.vtkIOXML import (vtkXMLImageDataReader, vtkXMLImageDataWriter, vtkXMLPolyDataReader,
                                 vtkXMLPolyDataWriter)

src_vti, src_vtp, work = sys.argv[1:4]
ref_fields, _ = stroma.read_vti(src_vti)
ref_cells = stroma.read_vtp(src_vtp)


def same_fields(path):
    a, _ = stroma.read_vti(path)
    return list(a) == list(ref_fields) and all(np.array_equal(a[k], ref_fields[k]) for k in ref_fields)


def same_cells(path):
    pts, arrays, field = stroma.read_vtp(path)
    return (np.array_equal(pts, ref_cells[0]) and list(arrays) == list(ref_cells[1])
            and all(np.array_equal(arrays[k], ref_cells[1][k]) for k in arrays)
            and all(field[k] == ref_cells[2][k] for k in ("cell_types", "cell_states", "state_variables")))


bad = n = 0
for Reader, Writer, src, ext, same in ((vtkXMLImageDataReader, vtkXMLImageDataWriter, src_vti, "vti", same_fields),
                                       (vtkXMLPolyDataReader, vtkXMLPolyDataWriter, src_vtp, "vtp", same_cells)):
    r = Reader()
    r.SetFileName(src)
    r.Update()
    for mode in ("ascii", "binary", "appended-base64", "appended-raw"):
        for comp in ("none", "zlib"):
            for header in (32, 64):
                w = Writer()
                w.SetInputData(r.GetOutput())
                path = f"{work}/{mode}-{comp}-{header}.{ext}"
                w.SetFileName(path)
                w.SetHeaderTypeToUInt32() if header == 32 else w.SetHeaderTypeToUInt64()
                if comp == "none":
                    w.SetCompressorTypeToNone()
                else:
                    w.SetCompressorTypeToZLib()
                    w.SetBlockSize(4096)  # several blocks per array
                if mode == "ascii":
                    w.SetDataModeToAscii()
                elif mode == "binary":
                    w.SetDataModeToBinary()
                else:
                    w.SetDataModeToAppended()
                    w.SetEncodeAppendedData(mode == "appended-base64")
                if w.Write() != 1:
                    sys.exit(f"FAIL: VTK could not write {path}")
                n += 1
                try:
                    ok = same(path)
                except Exception as e:  # noqa: BLE001 - any failure to read is a failure of the test
                    ok = False
                    print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
                if not ok:
                    bad += 1
                    print(f"FAIL: {path} ({mode}, {comp}, UInt{header}) reads back different", file=sys.stderr)
print(f"python_vtk_formats: {n - bad} of {n} files saved by VTK read back equal")
sys.exit(1 if bad else 0)
