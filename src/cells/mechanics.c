/* Cell mechanics (see mechanics.h). */
#include "cells/mechanics.h"

#include <math.h>
#include <stdlib.h>

#include "util/error_impl.h"

double stroma_mechanics_reach(const stroma_cells *c, const stroma_mech_pairs *mp) {
    double reach = 0;
    for (size_t i = 0; i < c->n; i++) {
        double r = c->radius_um[i] * mp->reach_rel[c->type[i]];
        if (r > reach) reach = r;
    }
    return reach;
}

double stroma_mechanics_pair(double d, double ri, double rj, double rep_i, double rep_j, double adh_i,
                             double adh_j, double rel_i, double rel_j) {
    double v = 0, R = ri + rj, Rm = rel_i * ri + rel_j * rj;
    if (d < R) {
        double q = 1 - d / R;
        v += sqrt(rep_i * rep_j) * q * q;
    }
    if (d < Rm && adh_i > 0 && adh_j > 0) {
        double q = 1 - d / Rm;
        v -= sqrt(adh_i * adh_j) * q * q;
    }
    return v;
}

stroma_code stroma_mech_pairs_init(stroma_mech_pairs *mp, const stroma_cell_type_desc *types, int ntypes,
                                   stroma_error *err) {
    size_t n = (size_t)(ntypes > 0 ? ntypes : 1);
    mp->ntypes = ntypes;
    mp->pair_rep = malloc(n * n * sizeof(double));
    mp->pair_adh = malloc(n * n * sizeof(double));
    mp->rel = malloc(n * sizeof(double));
    mp->wall_rep = malloc(n * sizeof(double));
    mp->reach_rel = malloc(n * sizeof(double));
    if (!mp->pair_rep || !mp->pair_adh || !mp->rel || !mp->wall_rep || !mp->reach_rel) {
        stroma_mech_pairs_free(mp);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < ntypes; i++) {
        mp->rel[i] = types[i].max_adhesion_rel;
        mp->wall_rep[i] = types[i].repulsion_um_per_min;
        mp->reach_rel[i] = types[i].max_adhesion_rel > 1 ? types[i].max_adhesion_rel : 1;
        for (int j = 0; j < ntypes; j++) {
            double ai = types[i].adhesion_um_per_min * (types[i].adhesion_affinity ? types[i].adhesion_affinity[j] : 1);
            double aj = types[j].adhesion_um_per_min * (types[j].adhesion_affinity ? types[j].adhesion_affinity[i] : 1);
            mp->pair_rep[(size_t)i * n + (size_t)j] = sqrt(types[i].repulsion_um_per_min * types[j].repulsion_um_per_min);
            mp->pair_adh[(size_t)i * n + (size_t)j] = sqrt(ai * aj);
        }
    }
    return STROMA_OK;
}

void stroma_mech_pairs_free(stroma_mech_pairs *mp) {
    free(mp->pair_rep);
    free(mp->pair_adh);
    free(mp->rel);
    free(mp->wall_rep);
    free(mp->reach_rel);
    mp->pair_rep = mp->pair_adh = mp->rel = mp->wall_rep = mp->reach_rel = NULL;
}

/* The cell whose velocity is being summed: its own constants and its running sums. */
typedef struct mech_self {
    double x, y, z, r, rel_r, as, rs;
    int live;
    const double *rep_row, *adh_row;
    double vx, vy, vz, press;
} mech_self;

/* Adds the forces of the candidates near[0, nn) (grid positions, in order) on the cell `me`. */
static inline void mech_sum(mech_self *me, const stroma_cell_grid *g, const stroma_mech_pairs *mp,
                            const double *adh_scale, const double *rep_scale, const size_t *near, int nn) {
    for (int t = 0; t < nn; t++) {
        const size_t m = near[t];
        const double *q4 = g->sp + 4 * m;
        double dx = me->x - q4[0], dy = me->y - q4[1], dz = me->z - q4[2];
        double d2 = dx * dx + dy * dy + dz * dz;
        double rj = g->sr[m];
        int tj = g->stype[m];
        double R = me->r + rj, Rm = me->rel_r + mp->rel[tj] * rj;
        double reach = R > Rm ? R : Rm;
        if (d2 >= reach * reach) continue;
        double d = sqrt(d2);
        if (d < 1e-5) d = 1e-5;
        double f = 0;
        if (d < R) {
            double q = 1 - d / R;
            double rs = rep_scale ? me->rs * rep_scale[g->order[m]] : 1.0;
            f += me->rep_row[tj] * rs * q * q;
            me->press += q * q;
        }
        if (me->live && g->sstate[m] == STROMA_CELL_LIVE && d < Rm) {
            double q = 1 - d / Rm;
            double as = adh_scale ? me->as * adh_scale[g->order[m]] : 1.0;
            f -= me->adh_row[tj] * as * q * q;
        }
        f /= d;
        me->vx += f * dx;
        me->vy += f * dy;
        me->vz += f * dz;
    }
}

unsigned stroma_mechanics_velocity_one(stroma_cells *c, const stroma_cell_grid *g, const stroma_mech_pairs *mp,
                                       const stroma_mech_domain *dom, const double *adh_scale,
                                       const double *rep_scale, size_t k) {
    const size_t nt = (size_t)mp->ntypes;
    const size_t nbx = (size_t)g->nb[0], nby = (size_t)g->nb[1];
    const size_t i = g->order[k];
    const int ti = g->stype[k];
    const double ri = g->sr[k], reach_i = g->sp[4 * k + 3];
    mech_self me = {.x = g->sp[4 * k],
                    .y = g->sp[4 * k + 1],
                    .z = g->sp[4 * k + 2],
                    .r = ri,
                    .rel_r = mp->rel[ti] * ri,
                    .as = adh_scale ? adh_scale[i] : 1.0,
                    .rs = rep_scale ? rep_scale[i] : 1.0,
                    .live = g->sstate[k] == STROMA_CELL_LIVE,
                    .rep_row = mp->pair_rep + (size_t)ti * nt,
                    .adh_row = mp->pair_adh + (size_t)ti * nt};
    const double xi = me.x, yi = me.y, zi = me.z, rs_i = me.rs;
    const int live_i = me.live;
    int blo[3], bhi[3];
    stroma_cell_grid_range(g, xi, yi, zi, reach_i + g->max_reach_um, blo, bhi);
    /* Candidates within both cells' reaches are gathered without branches (most candidates fail, which a
     * branch cannot predict), in batches, and their forces summed in the order they were found: the boxes
     * bx = blo..bhi of a row are consecutive in the box order, rows by increasing by, then bz. */
    enum { BATCH = 64 };
    size_t near[BATCH];
    int nn = 0;
    size_t scanned = 0;
    for (int bz = blo[2]; bz <= bhi[2]; bz++) {
        for (int by = blo[1]; by <= bhi[1]; by++) {
            const size_t row = ((size_t)bz * nby + (size_t)by) * nbx;
            const size_t m0 = g->start[row + (size_t)blo[0]], m1 = g->start[row + (size_t)bhi[0] + 1];
            scanned += m1 - m0;
            for (size_t m = m0; m < m1; m++) {
                const double *q4 = g->sp + 4 * m;
                double dx = xi - q4[0], dy = yi - q4[1], dz = zi - q4[2];
                double d2 = dx * dx + dy * dy + dz * dz;
                double bound = reach_i + q4[3]; /* >= both R and Rm */
                near[nn] = m;
                nn += (d2 < bound * bound) & (m != k);
                if (nn == BATCH) {
                    mech_sum(&me, g, mp, adh_scale, rep_scale, near, nn);
                    nn = 0;
                }
            }
        }
    }
    mech_sum(&me, g, mp, adh_scale, rep_scale, near, nn);
    double vx = me.vx, vy = me.vy, vz = me.vz, press = me.press;
    /* walls: the same repulsion as from a cell of equal size whose surface is at the wall */
    double p[3] = {xi, yi, zi}, w[3] = {0, 0, 0};
    for (int a = 0; a < dom->dim; a++) {
        double dl = p[a] - dom->lo_um[a], dh = dom->hi_um[a] - p[a];
        if (dl < ri) {
            double q = 1 - (dl > 0 ? dl : 0) / ri;
            w[a] += mp->wall_rep[ti] * rs_i * rs_i * q * q;
        }
        if (dh < ri) {
            double q = 1 - (dh > 0 ? dh : 0) / ri;
            w[a] -= mp->wall_rep[ti] * rs_i * rs_i * q * q;
        }
    }
    vx += w[0];
    vy += w[1];
    vz += w[2];
    if (live_i) {
        vx += c->mx[i];
        vy += c->my[i];
        vz += c->mz[i];
    }
    if (dom->dim < 3) vz = 0;
    c->vx[i] = vx;
    c->vy[i] = vy;
    c->vz[i] = vz;
    c->pressure[i] = press;
    return scanned < 0xffffffffu ? (unsigned)scanned : 0xffffffffu;
}

void stroma_mechanics_velocities(stroma_cells *c, const stroma_cell_grid *g, const stroma_mech_pairs *mp,
                                 const stroma_mech_domain *dom, const double *adh_scale, const double *rep_scale) {
    for (size_t k = 0; k < c->n; k++) stroma_mechanics_velocity_one(c, g, mp, dom, adh_scale, rep_scale, k);
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

void stroma_mechanics_advance_one(stroma_cells *c, size_t i, double dt_min, const stroma_mech_domain *dom,
                                  int first) {
    double ax = 1.5, bx = -0.5;
    if (first) {
        ax = 1.0;
        bx = 0.0;
    }
    c->x[i] += dt_min * (ax * c->vx[i] + bx * c->pvx[i]);
    c->y[i] += dt_min * (ax * c->vy[i] + bx * c->pvy[i]);
    c->z[i] += dt_min * (ax * c->vz[i] + bx * c->pvz[i]);
    c->pvx[i] = c->vx[i];
    c->pvy[i] = c->vy[i];
    c->pvz[i] = c->vz[i];
    double eps = 1e-6;
    c->x[i] = clampd(c->x[i], dom->lo_um[0] + eps, dom->hi_um[0] - eps);
    c->y[i] = clampd(c->y[i], dom->lo_um[1] + eps, dom->hi_um[1] - eps);
    c->z[i] = clampd(c->z[i], dom->lo_um[2] + eps, dom->hi_um[2] - eps);
}

void stroma_mechanics_advance(stroma_cells *c, double dt_min, const stroma_mech_domain *dom, int first) {
    for (size_t i = 0; i < c->n; i++) stroma_mechanics_advance_one(c, i, dt_min, dom, first);
}
