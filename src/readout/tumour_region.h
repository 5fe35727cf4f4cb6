/* The tumour as a pathologist outlines it on a section, from the cells: which voxels are tumour, which are its
 * invasive margin, and the medians read over them. Pure functions of the cells and the mesh (nothing evolves).
 *
 * Design notes
 * - Cover: each tumour cell (live or dead: necrosis is part of the tumour bed) adds its cross-section pi r^2
 *   (2D; its volume in 3D) to the voxel holding its centre, divided by the voxel's area dx^2 (volume dx^3): a
 *   fraction of tissue covered by tumour cells, about 0.6 to 0.9 in a confluent nest.
 * - Smoothing: the cover is averaged over the voxels whose centres lie within `smoothing` of the voxel's centre
 *   (a disc in 2D, a ball in 3D, cut by the domain: the mean is over the voxels inside it); the tumour is every
 *   voxel whose average reaches `coverage`, with holes filled (voxels not joined to the domain's faces through
 *   non-tumour voxels, face neighbours, become tumour: stroma islands and lumens inside the nest).
 * - Margin: non-tumour voxels whose centre lies within `margin` of a tumour voxel's centre (an exact Euclidean
 *   distance transform, Felzenszwalb & Huttenlocher 2012); the rest is "normal" tissue.
 * - Every sum is taken serially in a fixed order (voxels, offsets, cells in id order): the same at any thread
 *   count. */
#ifndef STROMA_READOUT_TUMOUR_REGION_H
#define STROMA_READOUT_TUMOUR_REGION_H

#include <stddef.h>

#include "cells/cells.h"
#include "stroma/error.h"
#include "transport/transport.h"

enum { STROMA_ZONE_NORMAL = 0, STROMA_ZONE_TUMOUR = 1, STROMA_ZONE_MARGIN = 2 };

/* Classify every voxel of the mesh into zone[nvox] (caller's array): STROMA_ZONE_TUMOUR, _MARGIN or _NORMAL, from
 * the cells of c whose type t has tumour_types[t] != 0 (any state). coverage in (0, 1], smoothing_um >= 0,
 * margin_um > 0. Returns STROMA_OK or STROMA_ERR_NOMEM (scratch of about 17 bytes per voxel). */
stroma_code stroma_tumour_zones(const stroma_mesh *mesh, const stroma_cells *c, const unsigned char *tumour_types,
                                double coverage, double smoothing_um, double margin_um, unsigned char *zone,
                                stroma_error *err);

/* Median of v[0..n) (sorted in place; the mean of the two middle values when n is even); NAN when n is 0. */
double stroma_median(double *v, size_t n);

#endif
