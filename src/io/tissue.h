/* Tissue snapshots: a picture of the simulation at one time, images/tissue_<time>.png. Cells are discs
 * coloured by type (io/render.h palette; dead cells grey inside a ring of their type's colour), over a viridis
 * heat map of one substrate at the voxel centres — with, for a model with vessels, a dark red overlay whose
 * opacity follows the vessel density (0 to 0.85 at the model's max_density) between the two — with a legend, a colour bar labelled with the substrate's
 * name and unit, a scale bar in µm and the time in the title. A 2D model is drawn whole; a 3D model as its
 * mid-z plane: the heat map of that plane (the mean of the two voxel layers it separates when it falls on a
 * layer boundary) and the cells whose sphere it cuts, drawn with the radius of the cut. */
#ifndef STROMA_IO_TISSUE_H
#define STROMA_IO_TISSUE_H

#include <cairo.h>

#include "io/outdir.h"
#include "sim/sim.h"

/* Draw the current state with substrate `field` as the heat map, width_px wide (height from the domain's
 * aspect). Returns a new image surface owned by the caller (cairo_surface_destroy), or NULL with *err
 * (STROMA_ERR_NOMEM, STROMA_ERR_ARGUMENT for a bad field index). The sim is only read. */
cairo_surface_t *stroma_tissue_render(const stroma_sim *sim, int field, int width_px, stroma_error *err);

/* Write images/tissue_<time>.png (time as %g, in min) through the output directory (the caller created
 * images/), with the model's outputs.images settings. */
stroma_code stroma_write_tissue_png(stroma_outdir *od, const stroma_sim *sim, stroma_error *err);

#endif
