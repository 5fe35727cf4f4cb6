/* The neighbour grid: cells binned into uniform boxes about one cell reach wide. A cell's neighbours lie within
 * its own reach plus the largest reach of any cell (max_reach_um); stroma_cell_grid_range gives the boxes that
 * distance touches (typically 2-3 per axis), so few candidates are visited. Built by a stable counting sort, so the order
 * of cells inside a box (and hence every neighbour sum) is index order: deterministic at any thread count. */
#ifndef STROMA_CELLS_GRID_H
#define STROMA_CELLS_GRID_H

#include <stddef.h>

#include "cells/cells.h"

typedef struct stroma_cell_grid {
    int nb[3];            /* boxes per axis (1 along unused axes) */
    double lo_um[3];      /* domain lower corner */
    double box_um;        /* box edge */
    double max_reach_um;  /* largest reach of any cell at build time */
    size_t nboxes;
    size_t *start;        /* [nboxes + 1]: cells of box b are order[start[b] .. start[b+1]) */
    size_t *order;        /* [n] cell indices sorted by box, stable */
    size_t *pos;          /* [n] the inverse: pos[order[k]] = k */
    size_t *box_of;       /* [n] box of each cell */
    size_t cap_cells, cap_boxes;
    /* radii, types and states gathered in box order (cache-friendly neighbour loops) */
    double *sr;           /* radius */
    double *sp;           /* [4 n] x, y, z and reach (max(1, relative adhesion distance) x radius), packed so a
                             candidate neighbour costs one cache-line read before it is rejected */
    int *stype;
    unsigned char *sstate;
} stroma_cell_grid;

/* (Re)build the grid for the current cells over the box [lo, hi] with boxes of edge >= min_box_um (pass the
 * largest reach: boxes then hold a few cells each).
 * dim = 2 bins only x and y. reach_rel[type] (>= 1; NULL = all 1) scales a cell's radius into its reach.
 * Arrays grow as needed. Serial; equivalent to prepare, box_of for every cell, sort. */
stroma_code stroma_cell_grid_build(stroma_cell_grid *g, const stroma_cells *c, const double lo_um[3],
                                   const double hi_um[3], int dim, double min_box_um, const double *reach_rel,
                                   stroma_error *err);

/* The build in three parts, so a caller can bin cells inside its own parallel loop:
 * prepare sets the geometry for n cells and grows the arrays; the caller fills box_of[i] =
 * stroma_cell_grid_box_of(g, x_i, y_i, z_i) for every cell (any order, any thread); sort then orders the cells
 * by box (stable counting sort, serial) and gathers their positions, reaches, types and states. */
stroma_code stroma_cell_grid_prepare(stroma_cell_grid *g, size_t n, const double lo_um[3], const double hi_um[3],
                                     int dim, double min_box_um, stroma_error *err);
void stroma_cell_grid_sort(stroma_cell_grid *g, const stroma_cells *c, const double *reach_rel);

void stroma_cell_grid_free(stroma_cell_grid *g);

/* Boxes [lo[a], hi[a]] (inclusive, clamped) touched by the cube of half-width `half_um` around a point. */
void stroma_cell_grid_range(const stroma_cell_grid *g, double x, double y, double z, double half_um, int lo[3],
                            int hi[3]);

/* Box coordinates of a point (clamped). */
void stroma_cell_grid_coords(const stroma_cell_grid *g, double x, double y, double z, int bc[3]);

/* Linear box index of a point (clamped). */
static inline size_t stroma_cell_grid_box_of(const stroma_cell_grid *g, double x, double y, double z) {
    int bc[3];
    stroma_cell_grid_coords(g, x, y, z, bc);
    return ((size_t)bc[2] * (size_t)g->nb[1] + (size_t)bc[1]) * (size_t)g->nb[0] + (size_t)bc[0];
}

#endif
