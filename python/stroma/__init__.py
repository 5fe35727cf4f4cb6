"""stroma: load a stroma run's outputs into numpy, pandas and AnnData (docs/python.md).

    import stroma
    run = stroma.load("out/demo")
    run.summary, run.timeseries, run.times
    run.cells(1440), run.fields(1440), run.anndata(1440)
"""
from .run import CELL_COLUMNS, Fields, Run, load
from .vtk import read_vti, read_vtp

__all__ = ["load", "Run", "Fields", "CELL_COLUMNS", "read_vti", "read_vtp"]
__version__ = "0.1.0"
