/* Neighbour grid construction (see grid.h). */
#include "cells/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

/* floor(f) clamped to [0, nb - 1]: floor(f) < 0 exactly when f < 0 and floor(f) >= nb - 1 exactly when
 * f >= nb - 1; in between truncation is floor (no libm call). NaN maps to 0. */
static inline int box_index(double f, int nb) {
    if (!(f >= 0.0)) return 0;
    if (f >= (double)(nb - 1)) return nb - 1;
    return (int)f;
}

void stroma_cell_grid_coords(const stroma_cell_grid *g, double x, double y, double z, int bc[3]) {
    double p[3] = {x, y, z};
    for (int a = 0; a < 3; a++) bc[a] = box_index((p[a] - g->lo_um[a]) / g->box_um, g->nb[a]);
}

void stroma_cell_grid_range(const stroma_cell_grid *g, double x, double y, double z, double half_um, int lo[3],
                            int hi[3]) {
    double p[3] = {x, y, z};
    for (int a = 0; a < 3; a++) {
        lo[a] = box_index((p[a] - half_um - g->lo_um[a]) / g->box_um, g->nb[a]);
        hi[a] = box_index((p[a] + half_um - g->lo_um[a]) / g->box_um, g->nb[a]);
    }
}

static stroma_code grow(void **p, size_t n, size_t elem, stroma_error *err) {
    void *q = realloc(*p, (n ? n : 1) * elem);
    if (!q) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the neighbour grid");
    *p = q;
    return STROMA_OK;
}

stroma_code stroma_cell_grid_prepare(stroma_cell_grid *g, size_t n, const double lo_um[3], const double hi_um[3],
                                     int dim, double min_box_um, stroma_error *err) {
    if (!(min_box_um > 0)) min_box_um = 1.0;
    g->box_um = min_box_um;
    size_t nboxes = 1;
    for (int a = 0; a < 3; a++) {
        g->lo_um[a] = lo_um[a];
        double ext = hi_um[a] - lo_um[a];
        int nb = (a < dim) ? (int)floor(ext / min_box_um) : 1;
        if (nb < 1) nb = 1;
        /* cap the box count so an absurdly small interaction distance cannot exhaust memory */
        if (nb > 4096) nb = 4096;
        g->nb[a] = nb;
        nboxes *= (size_t)nb;
    }
    /* boxes may be wider than min_box_um along an axis: use the widest so one edge length serves all */
    for (int a = 0; a < dim; a++) {
        double w = (hi_um[a] - lo_um[a]) / g->nb[a];
        if (w > g->box_um) g->box_um = w;
    }
    for (int a = 0; a < dim; a++) {
        int nb = (int)ceil((hi_um[a] - lo_um[a]) / g->box_um);
        g->nb[a] = nb < 1 ? 1 : nb;
    }
    nboxes = (size_t)g->nb[0] * (size_t)g->nb[1] * (size_t)g->nb[2];
    g->nboxes = nboxes;
    if (nboxes + 1 > g->cap_boxes) {
        if (grow((void **)&g->start, nboxes + 1, sizeof(size_t), err)) return STROMA_ERR_NOMEM;
        g->cap_boxes = nboxes + 1;
    }
    if (n > g->cap_cells || !g->order) {
        size_t cap = n + n / 2 + 16;
        if (grow((void **)&g->order, cap, sizeof(size_t), err) || grow((void **)&g->pos, cap, sizeof(size_t), err) ||
            grow((void **)&g->box_of, cap, sizeof(size_t), err) ||
            grow((void **)&g->sr, cap, sizeof(double), err) ||
            grow((void **)&g->sp, 4 * cap, sizeof(double), err) ||
            grow((void **)&g->stype, cap, sizeof(int), err) ||
            grow((void **)&g->sstate, cap, sizeof(unsigned char), err))
            return STROMA_ERR_NOMEM;
        g->cap_cells = cap;
    }
    return STROMA_OK;
}

void stroma_cell_grid_sort(stroma_cell_grid *g, const stroma_cells *c, const double *reach_rel) {
    const size_t n = c->n, nboxes = g->nboxes;
    memset(g->start, 0, (nboxes + 1) * sizeof(size_t));
    for (size_t i = 0; i < n; i++) g->start[g->box_of[i] + 1]++;
    for (size_t b = 0; b < nboxes; b++) g->start[b + 1] += g->start[b];
    /* stable scatter: use start[] as a running cursor, then shift it back */
    for (size_t i = 0; i < n; i++) g->order[g->start[g->box_of[i]]++] = i;
    for (size_t b = nboxes; b > 0; b--) g->start[b] = g->start[b - 1];
    g->start[0] = 0;
    double mr = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = g->order[k];
        double reach = c->radius_um[i] * (reach_rel ? reach_rel[c->type[i]] : 1.0);
        g->pos[i] = k;
        g->sr[k] = c->radius_um[i];
        g->sp[4 * k] = c->x[i];
        g->sp[4 * k + 1] = c->y[i];
        g->sp[4 * k + 2] = c->z[i];
        g->sp[4 * k + 3] = reach;
        g->stype[k] = c->type[i];
        g->sstate[k] = c->state[i];
        if (reach > mr) mr = reach;
    }
    g->max_reach_um = mr;
}

stroma_code stroma_cell_grid_build(stroma_cell_grid *g, const stroma_cells *c, const double lo_um[3],
                                   const double hi_um[3], int dim, double min_box_um, const double *reach_rel,
                                   stroma_error *err) {
    stroma_code rc = stroma_cell_grid_prepare(g, c->n, lo_um, hi_um, dim, min_box_um, err);
    if (rc != STROMA_OK) return rc;
    for (size_t i = 0; i < c->n; i++) g->box_of[i] = stroma_cell_grid_box_of(g, c->x[i], c->y[i], c->z[i]);
    stroma_cell_grid_sort(g, c, reach_rel);
    return STROMA_OK;
}

void stroma_cell_grid_free(stroma_cell_grid *g) {
    free(g->start);
    free(g->order);
    free(g->pos);
    free(g->box_of);
    free(g->sr);
    free(g->sp);
    free(g->stype);
    free(g->sstate);
    memset(g, 0, sizeof *g);
}
