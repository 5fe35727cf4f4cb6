/* Tissue snapshots: a picture of the simulation at one time, images/tissue_<time>.png. Cells are discs
 * coloured by type (io/render.h palette; dead cells grey inside a ring of their type's colour) or by a numeric
 * per-cell value (viridis, with its own colour bar), over a heat map of one substrate at the voxel centres —
 * viridis, or greys when the cells carry the viridis colours — with, for a model with matrix or vessels, a
 * translucent overlay whose opacity follows the density, with a legend, colour bars, a scale bar in µm and the
 * time in the title. A 2D model is drawn whole; a 3D model as its mid-z plane: the heat map of that plane (the
 * mean of the two voxel layers it separates when it falls on a layer boundary) and the cells whose sphere it
 * cuts, drawn with the radius of the cut.
 *
 * Design: a picture is drawn from a frame (stroma_tissue_frame: plain data — the plane's values and the cells
 * in it — built from a simulation or from a run's files, io/pictures.h) under a style (stroma_tissue_style:
 * what is drawn and the colour ranges, the same for every frame of a run), so that one colour means one value
 * in every picture of a run and the pictures can be drawn again from the output files. */
#ifndef STROMA_IO_TISSUE_H
#define STROMA_IO_TISSUE_H

#include <cairo.h>
#include <stdint.h>

#include "cells/rules.h"
#include "io/outdir.h"
#include "sim/sim.h"

/* What every picture of a set shares. The model is borrowed; the ranges are set by the caller (io/pictures.c
 * takes them over all frames). */
typedef struct stroma_tissue_style {
    const stroma_model *model; /* borrowed: names, units, colours, overlays' max densities, the title's stem */
    stroma_mesh mesh;          /* the model's voxel grid */
    int field;                 /* substrate drawn as the heat map; -1: none (white) */
    int width_px;              /* picture width, px (>= 100) */
    int marker;                /* marker whose positive/negative cells are stained (-1: cells by type) */
    char color_by[96];         /* "" or "type": cells by type; else the per-cell value the frames carry */
    char color_unit[32];       /* unit of that value, shown on its colour bar ("" none) */
    int vessels, ecm;          /* frames carry the vessel density / matrix overlays */
    double lo, hi;             /* heat map range (lo < hi) */
    double value_lo, value_hi; /* range of the per-cell value (lo < hi) */
} stroma_tissue_style;

/* What one picture shows, in the picture's plane. Arrays are owned (stroma_tissue_frame_free). */
typedef struct stroma_tissue_frame {
    double time_min;
    int na, nb;             /* plane voxels along the picture's axes (right, up) */
    double *field;          /* [na * nb] (row j = up index), the heat map's values; NULL with style field -1 */
    double *vessel, *ecm;   /* [na * nb] overlays or NULL */
    size_t ncells;          /* cells drawn (those the plane cuts), in id order */
    double *x, *y, *r;      /* centre along the picture's axes and drawn radius, µm */
    int32_t *type;          /* cell type index */
    uint8_t *state;         /* STROMA_CELL_LIVE, _APOPTOTIC, _NECROTIC */
    uint8_t *positive;      /* marker positive (live cells), with style marker >= 0; else NULL */
    double *value;          /* the style's colour-by value per cell, or NULL (by type) */
    int64_t live[STROMA_MAX_CELL_TYPES_RULES]; /* live cells per type in the whole tissue (all z) */
    int64_t stained[2];     /* live cells marker-negative, -positive (whole tissue) */
} stroma_tissue_frame;

/* Fill the style's model, mesh, field, width and marker from the model (its outputs.images settings); ranges
 * [0, 1], colour by type. */
void stroma_tissue_style_init(stroma_tissue_style *st, const stroma_model *model, int field, int width_px);

/* The plane of a style's mesh: which axes the picture shows (right a, up b), cut across c in 3D. */
typedef struct stroma_tissue_geom {
    int a, b, c;
    int n[3];         /* voxels per axis */
    double lo[3];     /* domain lower corner, µm */
    double len[3];    /* domain extent, µm */
    int cut;          /* 3D: only the plane c = plane_um is shown */
    double plane_um;
} stroma_tissue_geom;
void stroma_tissue_geom_of(const stroma_mesh *m, stroma_tissue_geom *g);

/* The value at plane voxel (i, j) of a full-grid field v[voxel * stride]. */
double stroma_tissue_plane_value(const stroma_mesh *m, const double *v, size_t stride, const stroma_tissue_geom *g,
                                 int i, int j);

/* Allocate frame arrays for ncells cells (field/overlays per the style and flags); zero counts. Returns 0, or -1
 * out of memory (nothing to free then but the frame). */
int stroma_tissue_frame_alloc(stroma_tissue_frame *fr, const stroma_tissue_style *st, size_t ncells);
void stroma_tissue_frame_free(stroma_tissue_frame *fr);

/* Build the frame of a simulation's current state (field, overlays, cells by type or marker). Returns STROMA_OK
 * or STROMA_ERR_NOMEM. The sim is only read. */
stroma_code stroma_tissue_frame_from_sim(const stroma_tissue_style *st, const stroma_sim *sim,
                                         stroma_tissue_frame *fr, stroma_error *err);

/* Least and largest heat map value of a frame (NAN, NAN without a field). */
void stroma_tissue_frame_range(const stroma_tissue_frame *fr, double *vmin, double *vmax);

/* Draw a frame. Returns a new image surface owned by the caller (cairo_surface_destroy), or NULL with *err
 * (STROMA_ERR_NOMEM). Every frame of a style has the same size. */
cairo_surface_t *stroma_tissue_draw(const stroma_tissue_style *st, const stroma_tissue_frame *fr, stroma_error *err);

/* Draw the current state with substrate `field` as the heat map, width_px wide, on the picture's own range
 * (0 — or the least value if negative — to the largest, rounded out to ticks). Returns a new surface owned by
 * the caller, or NULL with *err (STROMA_ERR_NOMEM, STROMA_ERR_ARGUMENT for a bad field index). */
cairo_surface_t *stroma_tissue_render(const stroma_sim *sim, int field, int width_px, stroma_error *err);

#endif
