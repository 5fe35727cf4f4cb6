/* The neighbour grid: cells binned into uniform boxes at least one interaction distance wide, so every
 * neighbour of a cell lies in its own box or the adjacent ones. Built by a stable counting sort, so the order
 * of cells inside a box (and hence every neighbour sum) is index order: deterministic at any thread count. */
#ifndef STROMA_CELLS_GRID_H
#define STROMA_CELLS_GRID_H

#include <stddef.h>

#include "cells/cells.h"

typedef struct stroma_cell_grid {
    int nb[3];            /* boxes per axis (1 along unused axes) */
    double lo_um[3];      /* domain lower corner */
    double box_um;        /* box edge */
    size_t nboxes;
    size_t *start;        /* [nboxes + 1]: cells of box b are order[start[b] .. start[b+1]) */
    size_t *order;        /* [n] cell indices sorted by box, stable */
    size_t *box_of;       /* [n] box of each cell */
    size_t cap_cells, cap_boxes;
    /* positions, radii, types and states gathered in box order (cache-friendly neighbour loops) */
    double *sx, *sy, *sz, *sr;
    int *stype;
    unsigned char *sstate;
} stroma_cell_grid;

/* (Re)build the grid for the current cells over the box [lo, hi] with boxes of edge >= min_box_um.
 * dim = 2 bins only x and y. Arrays grow as needed. */
stroma_code stroma_cell_grid_build(stroma_cell_grid *g, const stroma_cells *c, const double lo_um[3],
                                   const double hi_um[3], int dim, double min_box_um, stroma_error *err);

void stroma_cell_grid_free(stroma_cell_grid *g);

/* Box coordinates of a point (clamped). */
void stroma_cell_grid_coords(const stroma_cell_grid *g, double x, double y, double z, int bc[3]);

#endif
