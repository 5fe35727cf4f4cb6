/* ParaView/VTK outputs: fields as VTK XML image data (fields/fields_<time>.vti), cells as VTK XML poly data
 * (cells/cells_<time>.vtp), each series listed in a ParaView collection (fields.pvd, cells.pvd) that is
 * rewritten after every snapshot, so it is valid at any time. Arrays are raw binary (appended, UInt64 block
 * headers, this machine's byte order), so every double reads back bit-identical. Contents: docs/outputs.md. */
#ifndef STROMA_IO_VTK_H
#define STROMA_IO_VTK_H

#include <stddef.h>

#include "io/outdir.h"
#include "sim/sim.h"

/* The output times already written in one series (one .pvd). Zero-initialise; owned by the run. */
typedef struct stroma_vtk_series {
    double *times_min; /* [n], in the order written; owned */
    size_t n, cap;
} stroma_vtk_series;

/* Free the list of times; the struct is zeroed. Accepts an already freed series. */
void stroma_vtk_series_free(stroma_vtk_series *series);

/* Write fields/fields_<time>.vti for the current state: one voxel-centred (CellData) Float64 array per
 * substrate, named by the substrate, then, when the model has vessels, the vessel density (volume fraction)
 * as "vessel_density"; WholeExtent 0..n per axis (a 2D run is a slab one voxel thick), Origin =
 * the domain's lower corner, Spacing = the voxel edge (µm). Then add the time to `series` (borrowed, grown)
 * and rewrite fields.pvd listing every time in it. The directory "fields" must exist. Returns STROMA_OK, or
 * an I/O or allocation error in *err. */
stroma_code stroma_write_fields_vti(stroma_outdir *od, const stroma_sim *sim, stroma_vtk_series *series,
                                    stroma_error *err);

/* Write cells/cells_<time>.vtp: a point per cell at its centre (µm), in id order, with one vertex each, and
 * point arrays id (Int64), type (Int32, index into the FieldData string array cell_types), state (UInt8,
 * index into cell_states: live, apoptotic, necrotic), radius (µm), volume (µm³), pressure, phase (Int32)
 * and one Float64 array per state variable (named as in the model, or "var:<name>" if that name is one of
 * the arrays above). Then add the time to `series` and rewrite cells.pvd. The directory "cells" must exist
 * and the simulation must have cells. Errors as above. */
stroma_code stroma_write_cells_vtp(stroma_outdir *od, const stroma_sim *sim, stroma_vtk_series *series,
                                   stroma_error *err);

#endif
