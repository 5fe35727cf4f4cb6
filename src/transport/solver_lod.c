/* The "lod" diffusion solver: per step three implicit 1D backward-Euler solves (x, y, z), each with decay
 * lambda/dim, by the Thomas algorithm. Coefficients of lines without fixed voxels are precomputed; the field
 * streams from memory twice per step (x and y fused per z-plane, then z per y-slab). Lines holding fixed
 * voxels are re-solved by a general path. boundary_convention biofvm's voxels (t->reset) are written with their
 * values before the first sweep and after each sweep, by the thread that owns their row at that moment (BioFVM's
 * apply_dirichlet_conditions around its sweeps); within a sweep they are ordinary unknowns. Arithmetic per value
 * does not depend on the thread split. */
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "transport/solvers.h"
#include "util/error_impl.h"

/* No fused multiply-add, so every target clone rounds alike: GCC in ISO C mode already uses
 * -ffp-contract=off; clang contracts within expressions by default unless told. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* A line of one substrate along one axis that holds fixed voxels. */
typedef struct lod_line {
    size_t base;             /* index in t->c of the line's first value */
    int s;                   /* substrate */
    size_t fix_begin, fix_end; /* its fixed voxels: fix_pos / fix_val[fix_begin, fix_end), by position */
} lod_line;

typedef struct lod_axis {
    int active;               /* solved this step (see stroma_mesh_axis_active) */
    int n;                    /* voxels along the axis */
    size_t stride;            /* doubles between neighbours along the axis */
    int period;               /* coefficient period: nsub for x, the LOD period for y and z */
    double *inv;              /* [n][period] reciprocal pivots of a line without fixed voxels */
    double *up;               /* [n][period] r / pivot: multiplier of both Thomas sweeps */
    double *g_lo, *g_hi;      /* [period] right-hand side additions 2 r v at Dirichlet faces (0: no flux) */
    /* Per substrate, for the general path: */
    double *r;                /* D dt / dx^2 */
    double *one_dec;          /* 1 + dt lambda / dim */
    double *gs_lo, *gs_hi;    /* 2 r v at a Dirichlet face, else 0 */
    unsigned char *dir_lo, *dir_hi;
    /* Held ends (boundary_convention voxel, constant coefficients only): the end voxel of every line of that
     * substrate is fixed, so the fast sweeps' tables make its row the identity (inv 1, up 0), and a line whose
     * fixed voxels are all held ends is not listed below. */
    unsigned char *held_lo, *held_hi;
    /* Lines holding fixed voxels, grouped by z-plane k (x, y axes) or by y-slab j (z axis): */
    lod_line *line;
    size_t *group;            /* [ngroups + 1]: lines of group g are line[group[g], group[g + 1]) */
    int ngroups;
    int *fix_pos;
    double *fix_val;
    size_t max_group_values;  /* largest (lines in a group) x n */
} lod_axis;

/* A thread's progress through the pipelined y sweep, alone on its cache line:
 * (pass << 10) + blocks done (at most 1000), pass = epoch * nz + plane; thread 0's back counter gets one more
 * when the plane's fixed y-lines are solved. */
typedef struct lod_flag {
    _Atomic long v;
    char pad[64 - sizeof(long)];
} lod_flag;

typedef struct lod_data {
    lod_axis ax[3];
    int ns;                   /* substrates */
    int period;               /* coefficient period of the y and z sweeps: lcm(nsub, 4) */
    int ny;
    size_t row;               /* doubles per x-row: nx * nsub */
    int xblock;               /* x-rows solved together (independent recurrences in flight) */
    size_t yblock;            /* columns per block of the y sweep when threads share a plane (a multiple of
                                 the period; at most 1023 blocks per row) */
    double *yfix;             /* [y lines with fixed voxels][ny]: their x-solved values, saved by the threads
                                 that own the rows, re-solved by thread 0 (threads sharing a plane) */
    struct lod_flag *fwd, *back; /* [nthreads] progress of each thread in the pipelined y sweep */
    long epoch;               /* pipelined steps so far: progress values carry it, so none is stale */
    int nthreads;             /* threads the scratch was sized for; steps use at most this many */
    size_t lines_cap;         /* doubles per thread for saved lines */
    size_t per_thread;        /* lines_cap + pivot scratch, doubles */
    double *scratch;          /* [nthreads][per_thread] */
    size_t bytes;
    /* Space-varying coefficients (t->hindered; see "Variable coefficients" below): */
    int var;                  /* the variable-coefficient kernels solve every line */
    int nwg;                  /* distinct sigma > 0 */
    int *wgroup;              /* [nsub] sigma group of substrate s, -1: sigma = 0 (r constant) */
    double *wf;               /* [nwg][3][nvox] face factor 1 / (1 + sigma (E_v + E_v+)/2) between voxel v and
                                 its next voxel along the axis (1 on the last voxel of a line) */
    const double *ecm;        /* t->ecm, t->ecm_sensitivity (owned by t; re-prepared when they change) */
    const double *sigma;
    double *vco;              /* [3 axes][rh, rc][period]: lane u is substrate s = u mod nsub; rh = r_s, rc = 0
                                 if s is hindered, else rh = 0, rc = r_s */
    double *vinv;             /* [active axes][nvox * nsub] 1 / pivot of every value (field layout) and axis */
    double *vinv_ax[3];       /* axis a's part of vinv (NULL: axis not solved) */
    size_t var_per_thread;    /* doubles of variable-coefficient scratch per thread */
    double *var_scratch;      /* [nthreads][var_per_thread] */
    /* boundary_convention biofvm: the voxels set to their value before the first sweep and after every sweep
     * (t->reset less those in t->fixed), in field order: */
    size_t nrs;
    size_t *rs_off;           /* [nrs] index in t->c */
    double *rs_val;           /* [nrs] value */
    size_t *rs_row;           /* [nz * ny + 1] first entry of x-row (j, k) at rs_row[k * ny + j] */
    /* stage hooks (stroma_prestep.stage): copies of z-planes as they were at the step's start, plane_vals
     * doubles each: per thread 4 (two rotating for its own planes, then the planes before and after its range),
     * then 2 shared by the threads that share each plane (lod_orig_plane, lod_orig_rows) */
    double *planes;
    size_t plane_vals;
} lod_data;

static void *lod_calloc(lod_data *d, size_t n, size_t size) {
    d->bytes += n * size;
    return calloc(n > 0 ? n : 1, size);
}

static void lod_free(lod_data *d) {
    if (!d)
        return;
    for (int a = 0; a < 3; a++) {
        lod_axis *ax = &d->ax[a];
        free(ax->inv);
        free(ax->up);
        free(ax->g_lo);
        free(ax->g_hi);
        free(ax->r);
        free(ax->one_dec);
        free(ax->gs_lo);
        free(ax->gs_hi);
        free(ax->dir_lo);
        free(ax->dir_hi);
        free(ax->held_lo);
        free(ax->held_hi);
        free(ax->line);
        free(ax->group);
        free(ax->fix_pos);
        free(ax->fix_val);
    }
    free(d->scratch);
    free(d->wgroup);
    free(d->wf);
    free(d->vco);
    free(d->vinv);
    free(d->var_scratch);
    free(d->rs_off);
    free(d->rs_val);
    free(d->rs_row);
    free(d->planes);
    free(d->yfix);
    free(d->fwd);
    free(d->back);
    free(d);
}

/* Diagonal of row p of a line of n voxels: 1 + dt lambda/dim + r per neighbour inside the line, + 2 r more at a
 * Dirichlet face (ghost closure c_ghost = 2 v - c): interior 1 + dec + 2r, no-flux end 1 + dec + r, Dirichlet
 * end 1 + dec + 3r. */
static inline __attribute__((always_inline)) double lod_diag(const lod_axis *ax, int s, int p) {
    double r = ax->r[s], b = ax->one_dec[s];
    if (p > 0)
        b += r;
    if (p < ax->n - 1)
        b += r;
    if (p == 0 && ax->dir_lo[s])
        b += 2.0 * r;
    if (p == ax->n - 1 && ax->dir_hi[s])
        b += 2.0 * r;
    return b;
}

/* A fixed voxel seen from one axis: its line (group, base) and position along it. */
typedef struct lod_fix_entry {
    int group;
    size_t base;
    int s, pos;
    double value;
} lod_fix_entry;

static int lod_fix_entry_cmp(const void *a, const void *b) {
    const lod_fix_entry *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Groups the lines of axis a that hold fixed voxels. */
static int lod_build_lines(lod_data *d, const stroma_transport *t, int a) {
    lod_axis *ax = &d->ax[a];
    const stroma_mesh *m = &t->mesh;
    const size_t ns = (size_t)t->nsub;
    ax->ngroups = a == 2 ? m->ny : m->nz;
    ax->group = lod_calloc(d, (size_t)ax->ngroups + 1, sizeof *ax->group);
    if (!ax->group)
        return -1;
    if (t->nfixed == 0)
        return 0;
    lod_fix_entry *e = malloc(t->nfixed * sizeof *e);
    if (!e)
        return -1;
    for (size_t q = 0; q < t->nfixed; q++) {
        size_t v = t->fixed[q].voxel;
        int i = (int)(v % (size_t)m->nx), j = (int)(v / (size_t)m->nx % (size_t)m->ny);
        int k = (int)(v / ((size_t)m->nx * (size_t)m->ny));
        int s = t->fixed[q].substrate;
        lod_fix_entry *f = &e[q];
        f->s = s;
        f->value = t->fixed[q].value;
        if (a == 0) {
            f->group = k, f->pos = i, f->base = stroma_mesh_index(m, 0, j, k) * ns + (size_t)s;
        } else if (a == 1) {
            f->group = k, f->pos = j, f->base = stroma_mesh_index(m, i, 0, k) * ns + (size_t)s;
        } else {
            f->group = j, f->pos = k, f->base = stroma_mesh_index(m, i, j, 0) * ns + (size_t)s;
        }
    }
    qsort(e, t->nfixed, sizeof *e, lod_fix_entry_cmp);
    /* Drop the lines whose fixed voxels are all held ends: the fast sweeps solve them exactly. */
    size_t kept = 0;
    for (size_t q0 = 0, q1; q0 < t->nfixed; q0 = q1) {
        int other = 0;
        for (q1 = q0; q1 < t->nfixed && e[q1].base == e[q0].base; q1++)
            other |= !((e[q1].pos == 0 && ax->held_lo[e[q1].s]) || (e[q1].pos == ax->n - 1 && ax->held_hi[e[q1].s]));
        if (other)
            for (size_t q = q0; q < q1; q++)
                e[kept++] = e[q];
    }
    size_t nlines = 0;
    for (size_t q = 0; q < kept; q++)
        nlines += q == 0 || e[q].base != e[q - 1].base;
    ax->line = lod_calloc(d, nlines, sizeof *ax->line);
    ax->fix_pos = lod_calloc(d, kept, sizeof *ax->fix_pos);
    ax->fix_val = lod_calloc(d, kept, sizeof *ax->fix_val);
    if (!ax->line || !ax->fix_pos || !ax->fix_val) {
        free(e);
        return -1;
    }
    size_t l = 0;
    for (size_t q = 0; q < kept; q++) {
        if (q == 0 || e[q].base != e[q - 1].base) {
            ax->line[l] = (lod_line){.base = e[q].base, .s = e[q].s, .fix_begin = q, .fix_end = q};
            ax->group[e[q].group + 1]++;
            l++;
        }
        ax->line[l - 1].fix_end = q + 1;
        ax->fix_pos[q] = e[q].pos;
        ax->fix_val[q] = e[q].value;
    }
    free(e);
    for (int g = 0; g < ax->ngroups; g++) {
        size_t count = ax->group[g + 1];
        ax->group[g + 1] += ax->group[g];
        if (count * (size_t)ax->n > ax->max_group_values)
            ax->max_group_values = count * (size_t)ax->n;
    }
    return 0;
}

/* Coefficients of axis a. Fast path: for each substrate, the Thomas elimination of a line without fixed
 * voxels, m_0 = b_0, m_p = b_p - r (r / m_{p-1}), stored as inv = 1 / m_p and up = r / m_p, laid out with
 * period `period` along the contiguous direction (value t belongs to substrate t mod nsub). */
static int lod_prepare_axis(lod_data *d, const stroma_transport *t, int a, int period) {
    lod_axis *ax = &d->ax[a];
    const stroma_mesh *m = &t->mesh;
    const int ns = t->nsub, n = stroma_mesh_axis_n(m, a);
    ax->active = stroma_mesh_axis_active(m, a);
    ax->n = n;
    if (!ax->active)
        return 0;
    ax->period = period;
    ax->stride = (size_t)ns * (a == 0 ? 1 : (a == 1 ? (size_t)m->nx : (size_t)m->nx * (size_t)m->ny));
    ax->inv = lod_calloc(d, (size_t)n * (size_t)period, sizeof(double));
    ax->up = lod_calloc(d, (size_t)n * (size_t)period, sizeof(double));
    ax->g_lo = lod_calloc(d, (size_t)period, sizeof(double));
    ax->g_hi = lod_calloc(d, (size_t)period, sizeof(double));
    ax->r = lod_calloc(d, (size_t)ns, sizeof(double));
    ax->one_dec = lod_calloc(d, (size_t)ns, sizeof(double));
    ax->gs_lo = lod_calloc(d, (size_t)ns, sizeof(double));
    ax->gs_hi = lod_calloc(d, (size_t)ns, sizeof(double));
    ax->dir_lo = lod_calloc(d, (size_t)ns, 1);
    ax->dir_hi = lod_calloc(d, (size_t)ns, 1);
    ax->held_lo = lod_calloc(d, (size_t)ns, 1);
    ax->held_hi = lod_calloc(d, (size_t)ns, 1);
    if (!ax->inv || !ax->up || !ax->g_lo || !ax->g_hi || !ax->r || !ax->one_dec || !ax->gs_lo || !ax->gs_hi ||
        !ax->dir_lo || !ax->dir_hi || !ax->held_lo || !ax->held_hi)
        return -1;
    const double dx2 = m->dx_um * m->dx_um;
    for (int s = 0; s < ns; s++) {
        const unsigned char *dir = &t->face_dirichlet[(size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a];
        const double *val = &t->face_value[(size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a];
        double r = t->diffusion_um2_per_min[s] * t->dt_min / dx2;
        ax->r[s] = r;
        ax->one_dec[s] = 1.0 + t->dt_min * t->decay_per_min[s] / m->dim;
        ax->dir_lo[s] = n > 1 && dir[0];
        ax->dir_hi[s] = n > 1 && dir[1];
        ax->gs_lo[s] = ax->dir_lo[s] ? 2.0 * r * val[0] : 0.0;
        ax->gs_hi[s] = ax->dir_hi[s] ? 2.0 * r * val[1] : 0.0;
        /* The variable-coefficient sweeps form their own factors: there, held ends stay on the general path. */
        const unsigned char *held = &t->face_held[(size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a];
        ax->held_lo[s] = held[0] && !t->hindered;
        ax->held_hi[s] = held[1] && !t->hindered;
        double up_prev = 0.0;
        for (int p = 0; p < n; p++) {
            double inv = 1.0, up = 0.0; /* a held end: the identity row, no coupling either way */
            if (!((p == 0 && ax->held_lo[s]) || (p == n - 1 && ax->held_hi[s]))) {
                inv = 1.0 / (lod_diag(ax, s, p) - r * up_prev);
                up = r * inv;
            }
            for (int q = s; q < period; q += ns) {
                ax->inv[(size_t)p * (size_t)period + (size_t)q] = inv;
                ax->up[(size_t)p * (size_t)period + (size_t)q] = up;
            }
            up_prev = up;
        }
        for (int q = s; q < period; q += ns) {
            ax->g_lo[q] = ax->gs_lo[s];
            ax->g_hi[q] = ax->gs_hi[s];
        }
    }
    return lod_build_lines(d, t, a);
}

/* Kernels. Every value gets the same IEEE operations whatever the loop order, blocking, vector width or
 * thread split (no reductions, no fused multiply-add: ISO C mode implies -ffp-contract=off), so results are
 * bit-identical at any thread count and in every target clone. A row of `len` values has coefficients with
 * period L (value q uses coefficient q mod L); LOD_INLINE lets the dispatchers below specialise L and nsub. */
#define LOD_INLINE static inline __attribute__((always_inline))

/* First row of the forward sweep: x = (x + g) inv. */
LOD_INLINE void lod_k_first(double *restrict x, const double *restrict g, const double *restrict iv, size_t len,
                            int L) {
    size_t q = 0;
    for (; q + (size_t)L <= len; q += (size_t)L) {
#pragma omp simd
        for (int u = 0; u < L; u++)
            x[q + u] = (x[q + u] + g[u]) * iv[u];
    }
    for (int u = 0; q + (size_t)u < len; u++)
        x[q + u] = (x[q + u] + g[u]) * iv[u];
}

/* Interior row of the forward sweep: x = x inv + up prev. */
LOD_INLINE void lod_k_mid(double *restrict x, const double *restrict pr, const double *restrict iv,
                          const double *restrict uv, size_t len, int L) {
    size_t q = 0;
    for (; q + (size_t)L <= len; q += (size_t)L) {
#pragma omp simd
        for (int u = 0; u < L; u++)
            x[q + u] = x[q + u] * iv[u] + uv[u] * pr[q + u];
    }
    for (int u = 0; q + (size_t)u < len; u++)
        x[q + u] = x[q + u] * iv[u] + uv[u] * pr[q + u];
}

/* Last row of the forward sweep: x = (x + g) inv + up prev. */
LOD_INLINE void lod_k_last(double *restrict x, const double *restrict pr, const double *restrict g,
                           const double *restrict iv, const double *restrict uv, size_t len, int L) {
    size_t q = 0;
    for (; q + (size_t)L <= len; q += (size_t)L) {
#pragma omp simd
        for (int u = 0; u < L; u++)
            x[q + u] = (x[q + u] + g[u]) * iv[u] + uv[u] * pr[q + u];
    }
    for (int u = 0; q + (size_t)u < len; u++)
        x[q + u] = (x[q + u] + g[u]) * iv[u] + uv[u] * pr[q + u];
}

/* Back substitution: x = x + up next. */
LOD_INLINE void lod_k_back(double *restrict x, const double *restrict nx, const double *restrict uv, size_t len,
                           int L) {
    size_t q = 0;
    for (; q + (size_t)L <= len; q += (size_t)L) {
#pragma omp simd
        for (int u = 0; u < L; u++)
            x[q + u] += uv[u] * nx[q + u];
    }
    for (int u = 0; q + (size_t)u < len; u++)
        x[q + u] += uv[u] * nx[q + u];
}

/* Forward-sweep row p of a y or z line of whole rows: x = row p, pr = row p - 1 (same columns; NULL for p = 0). */
LOD_INLINE void lod_k_fwd(const lod_axis *ax, int p, double *x, const double *pr, size_t len, int L) {
    const double *iv = ax->inv + (size_t)p * (size_t)L, *uv = ax->up + (size_t)p * (size_t)L;
    if (p == 0)
        lod_k_first(x, ax->g_lo, iv, len, L);
    else if (p == ax->n - 1)
        lod_k_last(x, pr, ax->g_hi, iv, uv, len, L);
    else
        lod_k_mid(x, pr, iv, uv, len, L);
}

/* x solve of nb consecutive rows from P (row stride R): position outer, rows inner, so the rows' recurrences
 * are independent chains in flight together. */
LOD_INLINE void lod_k_xrows(const lod_axis *ax, double *P, size_t R, int nb, int ns) {
    const int n = ax->n;
    const size_t S = (size_t)ns;
    for (int b = 0; b < nb; b++)
        lod_k_first(P + (size_t)b * R, ax->g_lo, ax->inv, S, ns);
    for (int p = 1; p < n; p++) {
        const double *iv = ax->inv + (size_t)p * S, *uv = ax->up + (size_t)p * S;
        for (int b = 0; b < nb; b++) {
            double *x = P + (size_t)b * R + (size_t)p * S;
            if (p < n - 1)
                lod_k_mid(x, x - S, iv, uv, S, ns);
            else
                lod_k_last(x, x - S, ax->g_hi, iv, uv, S, ns);
        }
    }
    for (int p = n - 2; p >= 0; p--) {
        const double *uv = ax->up + (size_t)p * S;
        for (int b = 0; b < nb; b++) {
            double *x = P + (size_t)b * R + (size_t)p * S;
            lod_k_back(x, x + S, uv, S, ns);
        }
    }
}

/* The fixed-line helpers below are inlined into every target clone: a call from a clone's AVX code into
 * baseline SSE code leaves the upper vector state dirty and, on the Intel machines measured, slowed not only
 * the callee but the whole process afterwards (glibc's exp 30x slower in the cell engine; the default scenario
 * 1.4x slower). */

/* Solves one line with fixed voxels in d[0, n) (contiguous copy) by Thomas with on-the-fly elimination: a fixed
 * voxel's row is the identity with right-hand side its value, so its neighbours see the value within this
 * solve. cp: n doubles of scratch. */
LOD_INLINE void lod_solve_line(const lod_axis *ax, const lod_line *ln, double *d, double *cp) {
    const int n = ax->n, s = ln->s;
    const double r = ax->r[s];
    size_t f = ln->fix_begin;
    double up_prev = 0.0, dp_prev = 0.0;
    for (int p = 0; p < n; p++) {
        if (f < ln->fix_end && ax->fix_pos[f] == p) {
            d[p] = ax->fix_val[f++];
            cp[p] = 0.0;
            up_prev = 0.0;
            dp_prev = d[p];
            continue;
        }
        double rhs = d[p] + (p == 0 ? ax->gs_lo[s] : 0.0) + (p == n - 1 ? ax->gs_hi[s] : 0.0);
        double piv = lod_diag(ax, s, p) - r * up_prev;
        d[p] = (rhs + r * dp_prev) / piv;
        cp[p] = r / piv;
        up_prev = cp[p];
        dp_prev = d[p];
    }
    for (int p = n - 2; p >= 0; p--)
        if (cp[p] != 0.0)
            d[p] += cp[p] * d[p + 1];
}

/* Copies lines [l0, l1) of the axis into buf (line after line, n values each). */
LOD_INLINE void lod_save_range(const lod_axis *ax, size_t l0, size_t l1, const double *c, double *buf) {
    for (size_t l = l0; l < l1; l++) {
        const double *src = c + ax->line[l].base;
        double *dst = buf + (l - l0) * (size_t)ax->n;
        for (int p = 0; p < ax->n; p++)
            dst[p] = src[(size_t)p * ax->stride];
    }
}

/* Copies the lines of group g into buf (line after line, n values each). */
LOD_INLINE void lod_save_lines(const lod_axis *ax, int g, const double *c, double *buf) {
    lod_save_range(ax, ax->group[g], ax->group[g + 1], c, buf);
}

/* Solves line l from its saved copy src (overwritten) and writes it into c. */
LOD_INLINE void lod_redo_line(const lod_axis *ax, size_t l, double *c, double *src, double *cp) {
    lod_solve_line(ax, &ax->line[l], src, cp);
    double *dst = c + ax->line[l].base;
    for (int p = 0; p < ax->n; p++)
        dst[(size_t)p * ax->stride] = src[p];
}

/* Solves lines [l0, l1) of group g (saved in buf by lod_save_lines) and writes them into c. */
LOD_INLINE void lod_finish_lines(const lod_axis *ax, int g, size_t l0, size_t l1, double *c, double *buf,
                                 double *cp) {
    for (size_t l = l0; l < l1; l++)
        lod_redo_line(ax, ax->group[g] + l, c, buf + l * (size_t)ax->n, cp);
}

static inline size_t lod_group_size(const lod_axis *ax, int g) {
    return ax->active ? ax->group[g + 1] - ax->group[g] : 0;
}

/* boundary_convention biofvm: sets the reset voxels of x-rows [j0, j1) of z-plane k to their values. */
LOD_INLINE void lod_reset_rows(const lod_data *d, double *c, int k, int j0, int j1) {
    if (!d->nrs)
        return;
    const size_t r1 = d->rs_row[(size_t)k * (size_t)d->ny + (size_t)j1];
    for (size_t q = d->rs_row[(size_t)k * (size_t)d->ny + (size_t)j0]; q < r1; q++)
        c[d->rs_off[q]] = d->rs_val[q];
}

/* The same for the x-rows (j, k) of y-slab j, every k. */
LOD_INLINE void lod_reset_slab(const lod_data *d, double *c, int j, int nz) {
    for (int k = 0; d->nrs && k < nz; k++)
        lod_reset_rows(d, c, k, j, j + 1);
}

/* Copies rows [j0, j1] (the one after too, if there is one) of plane k into its copy o1 (lod's own buffer, handed
 * to the stages as const). */
LOD_INLINE void lod_orig_block(const lod_data *d, const double *c, int k, int j0, int j1, const double *o1) {
    const size_t R = d->row, e = (size_t)(j1 < d->ny ? j1 + 1 : d->ny);
    memcpy((double *)o1 + (size_t)j0 * R, c + ((size_t)k * (size_t)d->ny + (size_t)j0) * R,
           (e - (size_t)j0) * R * sizeof *c);
}

/* Calls the stage hook `what` on rows [j0, j1) of plane k, if there is one. */
static inline void lod_stage(const stroma_prestep *pre, stroma_transport *t, int what, int k, int j0, int j1,
                             const double *const *o) {
    if (pre && pre->stage && j0 < j1)
        pre->stage(pre->ctx, t, what, k, j0, j1, o);
}

/* Pass 1 on z-plane k by one thread: per block of rows, the x solve, the re-solve of its fixed x-lines, then the
 * forward y sweep of each row while it is in L1; finally the y back substitution over the plane (in L2) and
 * the re-solve of the fixed y-lines (their input, the x-solved values, was saved row by row). */
LOD_INLINE void lod_plane_xy_impl(const lod_data *d, stroma_transport *t, double *c, int k, const stroma_prestep *pre,
                                   const double *const *o, double *buf, double *cp, int ns, int L) {
    const lod_axis *X = &d->ax[0], *Y = &d->ax[1];
    const int ny = d->ny;
    const size_t R = d->row;
    double *P = c + (size_t)k * (size_t)ny * R;
    const size_t nxl = lod_group_size(X, k), nyl = lod_group_size(Y, k);
    double *xbuf = buf, *ybuf = buf + nxl * (size_t)X->n;
    const size_t nx = (size_t)t->mesh.nx, v_plane = (size_t)k * (size_t)ny * nx;
    const int staged = pre && pre->stage;
    /* the pre-step work (or the stage's right-hand side) block of rows by block of rows, just before the x solve
     * reads it (in L1); the whole plane's first when fixed x-lines are saved (after that work) */
    int by_block = pre != NULL;
    if (pre && nxl) {
        if (staged) {
            lod_orig_block(d, c, k, 0, ny, o[1]);
            lod_stage(pre, t, STROMA_STAGE_RHS, k, 0, ny, o);
        } else {
            pre->apply(pre->ctx, t, v_plane, v_plane + (size_t)ny * nx);
        }
        by_block = 0;
    }
    if (!by_block)
        lod_reset_rows(d, c, k, 0, ny); /* biofvm: before the first sweep (after the pre-step work) */
    if (nxl)
        lod_save_lines(X, k, c, xbuf);
    size_t xl = 0; /* next fixed x-line to re-solve; they are sorted by row */
    for (int jb = 0; jb < ny; jb += d->xblock) {
        int nb = ny - jb < d->xblock ? ny - jb : d->xblock;
        if (by_block) {
            if (staged) {
                lod_orig_block(d, c, k, jb, jb + nb, o[1]);
                lod_stage(pre, t, STROMA_STAGE_RHS, k, jb, jb + nb, o);
            } else {
                pre->apply(pre->ctx, t, v_plane + (size_t)jb * nx, v_plane + (size_t)(jb + nb) * nx);
            }
            lod_reset_rows(d, c, k, jb, jb + nb);
        }
        if (X->active) {
            lod_k_xrows(X, P + (size_t)jb * R, R, nb, ns);
            for (; xl < nxl; xl++) {
                size_t l = X->group[k] + xl;
                if ((int)(X->line[l].base / R % (size_t)ny) >= jb + nb)
                    break;
                lod_redo_line(X, l, c, xbuf + xl * (size_t)X->n, cp);
            }
        }
        lod_reset_rows(d, c, k, jb, jb + nb); /* biofvm: after the x sweep, before these rows enter the y sweep */
        if (!Y->active)
            continue;
        for (int j = jb; j < jb + nb; j++) {
            if (staged)
                lod_stage(pre, t, STROMA_STAGE_BEFORE_Y, k, j, j + 1, o);
            for (size_t l = 0; l < nyl; l++)
                ybuf[l * (size_t)ny + (size_t)j] = c[Y->line[Y->group[k] + l].base + (size_t)j * Y->stride];
            lod_k_fwd(Y, j, P + (size_t)j * R, j > 0 ? P + (size_t)(j - 1) * R : NULL, R, L);
        }
    }
    if (Y->active) {
        for (int j = ny - 2; j >= 0; j--)
            lod_k_back(P + (size_t)j * R, P + (size_t)(j + 1) * R, Y->up + (size_t)j * (size_t)L, R, L);
        if (nyl)
            lod_finish_lines(Y, k, 0, nyl, c, ybuf, cp);
        lod_reset_rows(d, c, k, 0, ny); /* biofvm: after the y sweep */
    }
    if (staged)
        lod_stage(pre, t, STROMA_STAGE_AFTER_Y, k, 0, ny, o);
}

/* Pass 2 on y-slab j by one thread: forward z sweep over rows (j, k) streaming from memory, back substitution
 * while the slab is in cache, re-solve of the fixed z-lines. */
LOD_INLINE void lod_slab_z_impl(const lod_data *d, double *c, int j, double *buf, double *cp, int L) {
    const lod_axis *Z = &d->ax[2];
    const size_t R = d->row, PS = R * (size_t)d->ny;
    double *S = c + (size_t)j * R;
    const size_t nzl = lod_group_size(Z, j);
    if (nzl)
        lod_save_lines(Z, j, c, buf);
    for (int k = 0; k < Z->n; k++)
        lod_k_fwd(Z, k, S + (size_t)k * PS, k > 0 ? S + (size_t)(k - 1) * PS : NULL, R, L);
    for (int k = Z->n - 2; k >= 0; k--)
        lod_k_back(S + (size_t)k * PS, S + (size_t)(k + 1) * PS, Z->up + (size_t)k * (size_t)L, R, L);
    if (nzl)
        lod_finish_lines(Z, j, 0, nzl, c, buf, cp);
    lod_reset_slab(d, c, j, Z->n); /* biofvm: after the z sweep */
}

/* Fixed lines of group k of axis ax whose offset inside the plane (base - plane start) lies in [lo, hi): a
 * contiguous range [*l0, *l1) of ax->line, which is sorted by base. */
static inline void lod_lines_within(const lod_axis *ax, int k, size_t plane_start, size_t lo, size_t hi,
                                    size_t *l0, size_t *l1) {
    size_t a = ax->active ? ax->group[k] : 0, b = ax->active ? ax->group[k + 1] : 0;
    while (a < b && ax->line[a].base - plane_start < lo)
        a++;
    size_t e = a;
    while (e < b && ax->line[e].base - plane_start < hi)
        e++;
    *l0 = a;
    *l1 = e;
}

/* Rows [j0, j1) of z-plane k, x only (threads sharing a plane), with the fixed x-lines of those rows: saved
 * before the sweep, re-solved after it, by this thread alone. */
LOD_INLINE void lod_rows_x_impl(const lod_data *d, double *c, int k, int j0, int j1, double *buf, double *cp,
                                int ns) {
    const lod_axis *X = &d->ax[0];
    const size_t R = d->row, PS = R * (size_t)d->ny;
    double *P = c + (size_t)k * PS;
    size_t l0, l1;
    lod_lines_within(X, k, (size_t)k * PS, (size_t)j0 * R, (size_t)j1 * R, &l0, &l1);
    lod_save_range(X, l0, l1, c, buf);
    for (int jb = j0; jb < j1; jb += d->xblock)
        lod_k_xrows(X, P + (size_t)jb * R, R, j1 - jb < d->xblock ? j1 - jb : d->xblock, ns);
    for (size_t l = l0; l < l1; l++)
        lod_redo_line(X, l, c, buf + (l - l0) * (size_t)X->n, cp);
}

/* Columns [q0, q0 + w) of rows [j0, j1) of the plane starting at P (q0 a multiple of the period), y only: the
 * forward sweep (row j from row j - 1) if fwd, then the back substitution (row j from row j + 1, from the last
 * of these rows that has a successor down to j0) if back. Threads sharing a plane run these on their own rows,
 * block by block, in a pipeline (lod_planes_shared). */
LOD_INLINE void lod_yblock_impl(const lod_data *d, double *P, int j0, int j1, size_t q0, size_t w, int fwd, int back,
                                int L) {
    const lod_axis *Y = &d->ax[1];
    const size_t R = d->row;
    if (fwd)
        for (int j = j0; j < j1; j++)
            lod_k_fwd(Y, j, P + (size_t)j * R + q0, j > 0 ? P + (size_t)(j - 1) * R + q0 : NULL, w, L);
    if (back)
        for (int j = (j1 < Y->n ? j1 : Y->n - 1) - 1; j >= j0; j--)
            lod_k_back(P + (size_t)j * R + q0, P + (size_t)(j + 1) * R + q0, Y->up + (size_t)j * (size_t)L, w, L);
}

/* Re-solves the fixed y-lines of plane k from their saved x-solved values, in place in d->yfix (the threads then
 * copy their own rows back: lod_yfix_copy). */
LOD_INLINE void lod_yfix_impl(const lod_data *d, int k, double *cp) {
    const lod_axis *Y = &d->ax[1];
    for (size_t l = Y->group[k]; l < Y->group[k + 1]; l++)
        lod_solve_line(Y, &Y->line[l], d->yfix + l * (size_t)Y->n, cp);
}

/* Dispatchers: one specialisation per substrate count up to 8 (period lcm(nsub, 4)), each compiled for
 * AVX-512, AVX2 and the baseline (picked at load time by the CPU); the generic case takes both at run time.
 * Each clone returns with a clean upper vector state (vzeroupper) and calls no baseline code. */
#ifdef STROMA_NO_CLONES /* sanitizer and fuzzing builds: one baseline version (compile time; clones add nothing there) */
#define LOD_CLONES
#else
#define LOD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#define LOD_DISPATCH(nsub, CALL)                                                                                  \
    switch (nsub) {                                                                                                \
    case 1: CALL(1, 4); break;                                                                                     \
    case 2: CALL(2, 4); break;                                                                                     \
    case 3: CALL(3, 12); break;                                                                                    \
    case 4: CALL(4, 4); break;                                                                                     \
    case 5: CALL(5, 20); break;                                                                                    \
    case 6: CALL(6, 12); break;                                                                                    \
    case 7: CALL(7, 28); break;                                                                                    \
    case 8: CALL(8, 8); break;                                                                                     \
    default: CALL(d->ns, d->period); break;                                                                        \
    }

LOD_CLONES static void lod_plane_xy(const lod_data *d, stroma_transport *t, double *c, int k,
                                    const stroma_prestep *pre, const double *const *o, double *buf, double *cp) {
#define LOD_CALL(NS, L) lod_plane_xy_impl(d, t, c, k, pre, o, buf, cp, NS, L)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

LOD_CLONES static void lod_slab_z(const lod_data *d, double *c, int j, double *buf, double *cp) {
#define LOD_CALL(NS, L) lod_slab_z_impl(d, c, j, buf, cp, L)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

LOD_CLONES static void lod_rows_x(const lod_data *d, double *c, int k, int j0, int j1, double *buf, double *cp) {
#define LOD_CALL(NS, L) lod_rows_x_impl(d, c, k, j0, j1, buf, cp, NS)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

LOD_CLONES static void lod_yblock(const lod_data *d, double *P, int j0, int j1, size_t q0, size_t w, int fwd,
                                  int back) {
#define LOD_CALL(NS, L) lod_yblock_impl(d, P, j0, j1, q0, w, fwd, back, L)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

LOD_CLONES static void lod_yfix(const lod_data *d, int k, double *cp) {
#define LOD_CALL(NS, L) lod_yfix_impl(d, k, cp)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

/* Variable coefficients (stroma_transport_set_hindrance). A line's system has per-face coefficients
 * r_{p+1/2} = r_s w_{p+1/2}, with w the face factor 1 / (1 + sigma (E_p + E_p+1)/2) (harmonic mean of the two
 * voxels' D), and at a Dirichlet face the end voxel's own r_s / (1 + sigma E). Row p:
 *   -r_lo c[p-1] + (1 + dec + r_lo + r_hi) c[p] - r_hi c[p+1] = c_old[p] (+ 2 r_b v and + 2 r_b on the diagonal
 * at a Dirichlet face). The pivots depend on the line's ECM but not on the field, so set_hindrance (prepare)
 * computes them once: vinv[a] holds 1 / pivot for every value (in the field's layout) and axis. The sweeps are the
 * constant path's with per-value coefficients: forward x = x inv + (r_lo inv) prev, back x += (r_hi inv) next,
 * r_lo and r_hi formed on the fly from the face factors (one per voxel and axis, shared by a sigma group) as
 * rh w + rc (rh = r_s, rc = 0 on a hindered substrate's lanes; rh = 0, rc = r_s on the others: r_s exactly), so
 * the hot loops have no division and no select. A substrate with sigma = 0 has the constant path's pivots and
 * r_lo = r_hi = r_s: its values are bit-identical to the constant path's. */

/* Face coefficient of lane u: r_s w (hindered) or r_s (sigma = 0), exactly. */
LOD_INLINE double var_r(const double *restrict rh, const double *restrict rc, int u, double w) {
    return rh[u] * w + rc[u];
}

/* Forward elimination of a row of len values (voxel-major, NS substrates, coefficient period L) at position p
 * (first: p = 0, last: p = n - 1): x = row p, pr = row p - 1, iv = 1 / pivots of row p, W = face factors towards
 * p - 1 (single: per voxel of the row; else per value), g = Dirichlet additions of an end row (per value). */
LOD_INLINE void var_fwd_k(double *restrict x, const double *restrict pr, const double *restrict iv,
                          const double *restrict W, const double *restrict rh, const double *restrict rc,
                          const double *restrict g, size_t len, int L, int NS, int first, int last, int single) {
    size_t q0 = 0;
    for (; q0 + (size_t)L <= len; q0 += (size_t)L) {
        const size_t v0 = q0 / (size_t)NS;
#pragma omp simd
        for (int u = 0; u < L; u++) {
            const size_t q = q0 + (size_t)u;
            const double xv = first || last ? x[q] + g[q] : x[q];
            if (first) {
                x[q] = xv * iv[q];
            } else {
                const double rlo = var_r(rh, rc, u, single ? W[v0 + (size_t)(u / NS)] : W[q]);
                x[q] = xv * iv[q] + (rlo * iv[q]) * pr[q];
            }
        }
    }
    const size_t v0 = q0 / (size_t)NS;
    for (int u = 0; q0 + (size_t)u < len; u++) {
        const size_t q = q0 + (size_t)u;
        const double xv = first || last ? x[q] + g[q] : x[q];
        if (first) {
            x[q] = xv * iv[q];
        } else {
            const double rlo = var_r(rh, rc, u, single ? W[v0 + (size_t)(u / NS)] : W[q]);
            x[q] = xv * iv[q] + (rlo * iv[q]) * pr[q];
        }
    }
}

/* Back substitution of a row at position p < n - 1: x += (r_hi inv) next, W = face factors towards p + 1. */
LOD_INLINE void var_back_k(double *restrict x, const double *restrict nx, const double *restrict iv,
                           const double *restrict W, const double *restrict rh, const double *restrict rc, size_t len,
                           int L, int NS, int single) {
    size_t q0 = 0;
    for (; q0 + (size_t)L <= len; q0 += (size_t)L) {
        const size_t v0 = q0 / (size_t)NS;
#pragma omp simd
        for (int u = 0; u < L; u++) {
            const size_t q = q0 + (size_t)u;
            const double rhi = var_r(rh, rc, u, single ? W[v0 + (size_t)(u / NS)] : W[q]);
            x[q] += (rhi * iv[q]) * nx[q];
        }
    }
    const size_t v0 = q0 / (size_t)NS;
    for (int u = 0; q0 + (size_t)u < len; u++) {
        const size_t q = q0 + (size_t)u;
        const double rhi = var_r(rh, rc, u, single ? W[v0 + (size_t)(u / NS)] : W[q]);
        x[q] += (rhi * iv[q]) * nx[q];
    }
}

/* Face factors of substrate s along axis a from voxel v on (NULL for sigma = 0). */
LOD_INLINE const double *var_w(const lod_data *d, int a, int s, size_t v, size_t nvox) {
    int g = d->wgroup[s];
    return g < 0 ? NULL : d->wf + ((size_t)g * 3 + (size_t)a) * nvox + v;
}

/* The face factors of a row of nv voxels from v for axis a: per voxel (returned) when there is one sigma group,
 * else per value in Wr (1 for sigma = 0; returned). */
LOD_INLINE const double *var_row_w(const lod_data *d, int a, size_t v, size_t nv, size_t nvox, int NS, double *Wr) {
    if (d->nwg == 1)
        return d->wf + (size_t)a * nvox + v;
    for (int s = 0; s < NS; s++) {
        const double *w = var_w(d, a, s, v, nvox);
        for (size_t i = 0; i < nv; i++)
            Wr[i * (size_t)NS + (size_t)s] = w ? w[i] : 1.0;
    }
    return Wr;
}

/* 2 r_b and 2 r_b value of a Dirichlet face next to voxel v (the voxel's own D); 0 and 0 on a no-flux face. */
LOD_INLINE void var_bnd(const lod_data *d, const lod_axis *ax, int s, int hi_face, size_t v, double value,
                        double *bnd, double *g) {
    const unsigned char dir = hi_face ? ax->dir_hi[s] : ax->dir_lo[s];
    if (!dir) {
        *bnd = 0.0;
        *g = 0.0;
        return;
    }
    double rb = ax->r[s] * (1.0 / (1.0 + d->sigma[s] * d->ecm[v]));
    *bnd = 2.0 * rb;
    *g = 2.0 * rb * value;
}

/* Dirichlet additions g of an end row (p = 0 or n - 1) of nv voxels from v, NS substrates. */
LOD_INLINE void var_row_g(const lod_data *d, const stroma_transport *t, const lod_axis *ax, int a, size_t v,
                          size_t nv, int NS, int p, double *g) {
    const int hi_face = p == ax->n - 1 && p > 0; /* n = 1 (x of a single voxel): no Dirichlet on either */
    for (int s = 0; s < NS; s++) {
        const double value = t->face_value[(size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a + (size_t)hi_face];
        for (size_t i = 0; i < nv; i++) {
            double bnd;
            var_bnd(d, ax, s, hi_face, v + i, value, &bnd, &g[i * (size_t)NS + (size_t)s]);
        }
    }
}

/* General path of a line with fixed voxels, variable coefficients: lod_solve_line with r_lo / r_hi per face (a
 * substrate with sigma = 0 takes lod_solve_line itself). Line ln of axis a starts at voxel v0, voxels vs apart. */
LOD_INLINE void var_solve_line(const lod_data *d, const stroma_transport *t, const lod_axis *ax, int a,
                               const lod_line *ln, size_t v0, size_t vs, double *x, double *cp) {
    const int n = ax->n, s = ln->s;
    const double *w = var_w(d, a, s, v0, t->mesh.nvox);
    if (!w) {
        lod_solve_line(ax, ln, x, cp);
        return;
    }
    const double r = ax->r[s];
    double blo = 0.0, glo = 0.0, bhi = 0.0, ghi = 0.0;
    const double *fv = &t->face_value[(size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a];
    var_bnd(d, ax, s, 0, v0, fv[0], &blo, &glo);
    if (n > 1)
        var_bnd(d, ax, s, 1, v0 + (size_t)(n - 1) * vs, fv[1], &bhi, &ghi);
    size_t f = ln->fix_begin;
    double up_prev = 0.0, dp_prev = 0.0, rlo = 0.0;
    for (int p = 0; p < n; p++) {
        const double rhi = p < n - 1 ? r * w[(size_t)p * vs] : 0.0;
        if (f < ln->fix_end && ax->fix_pos[f] == p) {
            x[p] = ax->fix_val[f++];
            cp[p] = 0.0;
            up_prev = 0.0;
            dp_prev = x[p];
            rlo = rhi;
            continue;
        }
        double rhs = x[p] + (p == 0 ? glo : 0.0) + (p == n - 1 ? ghi : 0.0);
        double b = ax->one_dec[s];
        if (p > 0)
            b += rlo;
        if (p < n - 1)
            b += rhi;
        if (p == 0)
            b += blo;
        if (p == n - 1)
            b += bhi;
        double piv = b - rlo * up_prev;
        x[p] = (rhs + rlo * dp_prev) / piv;
        cp[p] = rhi / piv;
        up_prev = cp[p];
        dp_prev = x[p];
        rlo = rhi;
    }
    for (int p = n - 2; p >= 0; p--)
        if (cp[p] != 0.0)
            x[p] += cp[p] * x[p + 1];
}

/* Solves lines [l0, l1) of axis a, saved in buf (n values each), and writes them into c. */
LOD_INLINE void var_finish_lines(const lod_data *d, const stroma_transport *t, int a, size_t l0, size_t l1,
                                 double *c, double *buf, double *cp) {
    const lod_axis *ax = &d->ax[a];
    const size_t ns = (size_t)t->nsub;
    const size_t vs = ax->stride / ns;
    for (size_t l = l0; l < l1; l++) {
        const lod_line *ln = &ax->line[l];
        double *src = buf + (l - l0) * (size_t)ax->n;
        var_solve_line(d, t, ax, a, ln, (ln->base - (size_t)ln->s) / ns, vs, src, cp);
        double *dst = c + ln->base;
        for (int p = 0; p < ax->n; p++)
            dst[(size_t)p * ax->stride] = src[p];
    }
}

/* One forward row / one back row with the single-group case made compile-time. */
LOD_INLINE void var_fwd(const lod_data *d, int a, int p, double *x, const double *pr, const double *iv,
                        const double *W, const double *g, size_t len, int L, int NS) {
    const double *rh = d->vco + (size_t)a * 2 * (size_t)d->period, *rc = rh + d->period;
    const int n = d->ax[a].n, single = d->nwg == 1;
    if (p == 0)
        var_fwd_k(x, pr, iv, W, rh, rc, g, len, L, NS, 1, n == 1, single);
    else if (p == n - 1 && single)
        var_fwd_k(x, pr, iv, W, rh, rc, g, len, L, NS, 0, 1, 1);
    else if (p == n - 1)
        var_fwd_k(x, pr, iv, W, rh, rc, g, len, L, NS, 0, 1, 0);
    else if (single)
        var_fwd_k(x, pr, iv, W, rh, rc, g, len, L, NS, 0, 0, 1);
    else
        var_fwd_k(x, pr, iv, W, rh, rc, g, len, L, NS, 0, 0, 0);
}

LOD_INLINE void var_back(const lod_data *d, int a, double *x, const double *nx, const double *iv, const double *W,
                         size_t len, int L, int NS) {
    const double *rh = d->vco + (size_t)a * 2 * (size_t)d->period, *rc = rh + d->period;
    if (d->nwg == 1)
        var_back_k(x, nx, iv, W, rh, rc, len, L, NS, 1);
    else
        var_back_k(x, nx, iv, W, rh, rc, len, L, NS, 0);
}

/* y or z lines of rows (or of a part of nx voxels of each row, from the voxel the offsets point at): position p's
 * row part (nx voxels, nx NS values) at S + p * PS (offset o + p * PS in the field and in vinv), its first voxel
 * v0 + p * VS. vs: scratch of 2 nx NS doubles. */
LOD_INLINE void var_rows(const lod_data *d, const stroma_transport *t, int a, double *c, size_t o, size_t PS,
                         size_t v0, size_t VS, size_t nx, double *vs, int NS, int L) {
    const lod_axis *ax = &d->ax[a];
    const int n = ax->n;
    const size_t R = nx * (size_t)NS, nvox = t->mesh.nvox;
    const double *IV = d->vinv_ax[a] + o;
    double *S = c + o, *g = vs, *Wr = vs + R;
    for (int p = 0; p < n; p++) {
        const double *W = p > 0 ? var_row_w(d, a, v0 + (size_t)(p - 1) * VS, nx, nvox, NS, Wr) : Wr;
        if (p == 0 || p == n - 1)
            var_row_g(d, t, ax, a, v0 + (size_t)p * VS, nx, NS, p, g);
        var_fwd(d, a, p, S + (size_t)p * PS, p > 0 ? S + (size_t)(p - 1) * PS : S, IV + (size_t)p * PS, W, g, R, L,
                NS);
    }
    for (int p = n - 2; p >= 0; p--) {
        const double *W = var_row_w(d, a, v0 + (size_t)p * VS, nx, nvox, NS, Wr);
        var_back(d, a, S + (size_t)p * PS, S + (size_t)(p + 1) * PS, IV + (size_t)p * PS, W, R, L, NS);
    }
}

/* x lines of nb rows from offset o (row stride R; first voxel v0, rows nx voxels apart), position outer, rows
 * inner (the rows' recurrences are independent chains in flight together). vs: 2 NS doubles. */
LOD_INLINE void var_xrows(const lod_data *d, const stroma_transport *t, double *c, size_t o, size_t v0, int nb,
                          double *vs, int NS) {
    const lod_axis *X = &d->ax[0];
    const int n = X->n;
    const size_t R = d->row, nx = (size_t)t->mesh.nx, S = (size_t)NS, nvox = t->mesh.nvox;
    const double *IV = d->vinv_ax[0] + o;
    double *P = c + o, *g = vs, *Wr = vs + S;
    for (int p = 0; p < n; p++)
        for (int b = 0; b < nb; b++) {
            const size_t off = (size_t)b * R + (size_t)p * S, v = v0 + (size_t)b * nx + (size_t)p;
            const double *W = p > 0 ? var_row_w(d, 0, v - 1, 1, nvox, NS, Wr) : Wr;
            if (p == 0 || p == n - 1)
                var_row_g(d, t, X, 0, v, 1, NS, p, g);
            var_fwd(d, 0, p, P + off, p > 0 ? P + off - S : P + off, IV + off, W, g, S, NS, NS);
        }
    for (int p = n - 2; p >= 0; p--)
        for (int b = 0; b < nb; b++) {
            const size_t off = (size_t)b * R + (size_t)p * S;
            const double *W = var_row_w(d, 0, v0 + (size_t)b * nx + (size_t)p, 1, nvox, NS, Wr);
            var_back(d, 0, P + off, P + off + S, IV + off, W, S, NS, NS);
        }
}

/* Pass 1 on z-plane k, variable coefficients: x lines (blocks of rows), their fixed lines re-solved, then the y
 * lines of the plane, their fixed lines re-solved (from the x-solved values saved before the y sweep). */
LOD_INLINE void var_plane_impl(const lod_data *d, stroma_transport *t, double *c, int k, const stroma_prestep *pre,
                               const double *const *op, double *buf, double *cp, double *vs, int NS, int L) {
    const lod_axis *X = &d->ax[0], *Y = &d->ax[1];
    const int ny = d->ny;
    const size_t R = d->row, nx = (size_t)t->mesh.nx, vplane = nx * (size_t)ny, o = (size_t)k * (size_t)ny * R;
    lod_stage(pre, t, STROMA_STAGE_RHS, k, 0, ny, op);
    lod_reset_rows(d, c, k, 0, ny); /* biofvm: before the first sweep */
    if (X->active) {
        const size_t nxl = lod_group_size(X, k);
        if (nxl)
            lod_save_lines(X, k, c, buf);
        for (int jb = 0; jb < ny; jb += d->xblock) {
            int nb = ny - jb < d->xblock ? ny - jb : d->xblock;
            var_xrows(d, t, c, o + (size_t)jb * R, (size_t)k * vplane + (size_t)jb * nx, nb, vs, NS);
        }
        if (nxl)
            var_finish_lines(d, t, 0, X->group[k], X->group[k + 1], c, buf, cp);
        lod_reset_rows(d, c, k, 0, ny); /* biofvm: after the x sweep */
    }
    if (Y->active) {
        const size_t nyl = lod_group_size(Y, k);
        lod_stage(pre, t, STROMA_STAGE_BEFORE_Y, k, 0, ny, op);
        if (nyl)
            lod_save_lines(Y, k, c, buf);
        var_rows(d, t, 1, c, o, R, (size_t)k * vplane, nx, nx, vs, NS, L);
        if (nyl)
            var_finish_lines(d, t, 1, Y->group[k], Y->group[k + 1], c, buf, cp);
        lod_reset_rows(d, c, k, 0, ny); /* biofvm: after the y sweep */
    }
    lod_stage(pre, t, STROMA_STAGE_AFTER_Y, k, 0, ny, op);
}

/* Pass 2 on y-slab j, variable coefficients. */
LOD_INLINE void var_slab_impl(const lod_data *d, const stroma_transport *t, double *c, int j, double *buf,
                              double *cp, double *vs, int NS, int L) {
    const lod_axis *Z = &d->ax[2];
    const size_t R = d->row, nx = (size_t)t->mesh.nx, vplane = nx * (size_t)d->ny;
    const size_t nzl = lod_group_size(Z, j);
    if (nzl)
        lod_save_lines(Z, j, c, buf);
    var_rows(d, t, 2, c, (size_t)j * R, R * (size_t)d->ny, (size_t)j * nx, vplane, nx, vs, NS, L);
    if (nzl)
        var_finish_lines(d, t, 2, Z->group[j], Z->group[j + 1], c, buf, cp);
    lod_reset_slab(d, c, j, Z->n); /* biofvm: after the z sweep */
}

/* Pass 1 on z-plane k, variable coefficients, by thread tid of nth sharing the plane (thin domains): the pre-step
 * work and the x lines of rows [j0, j1) with their fixed lines; a barrier; the y lines of voxel columns [i0, i1)
 * with theirs; a barrier. Every line gets the same operations as in var_plane_impl. */
LOD_INLINE void var_plane_shared_impl(const lod_data *d, stroma_transport *t, double *c, int k, int j0, int j1,
                                      int i0, int i1, const stroma_prestep *pre, const double *const *op,
                                      double *buf, double *cp, double *vs, int NS, int L) {
    const lod_axis *X = &d->ax[0], *Y = &d->ax[1];
    const int ny = d->ny;
    const size_t R = d->row, nx = (size_t)t->mesh.nx, vplane = nx * (size_t)ny, PS = (size_t)ny * R;
    const size_t o = (size_t)k * PS, S = (size_t)NS;
    if (pre && pre->stage)
        lod_stage(pre, t, STROMA_STAGE_RHS, k, j0, j1, op);
    else if (pre && j0 < j1)
        pre->apply(pre->ctx, t, (size_t)k * vplane + (size_t)j0 * nx, (size_t)k * vplane + (size_t)j1 * nx);
    lod_reset_rows(d, c, k, j0, j1); /* biofvm: before the first sweep, own rows */
    if (X->active && j0 < j1) {
        size_t l0, l1;
        lod_lines_within(X, k, o, (size_t)j0 * R, (size_t)j1 * R, &l0, &l1);
        lod_save_range(X, l0, l1, c, buf);
        for (int jb = j0; jb < j1; jb += d->xblock) {
            int nb = j1 - jb < d->xblock ? j1 - jb : d->xblock;
            var_xrows(d, t, c, o + (size_t)jb * R, (size_t)k * vplane + (size_t)jb * nx, nb, vs, NS);
        }
        var_finish_lines(d, t, 0, l0, l1, c, buf, cp);
        lod_reset_rows(d, c, k, j0, j1); /* biofvm: after the x sweep */
    }
    if (Y->active)
        lod_stage(pre, t, STROMA_STAGE_BEFORE_Y, k, j0, j1, op);
#pragma omp barrier
    if (Y->active && i0 < i1) {
        size_t l0, l1;
        lod_lines_within(Y, k, o, (size_t)i0 * S, (size_t)i1 * S, &l0, &l1);
        lod_save_range(Y, l0, l1, c, buf);
        var_rows(d, t, 1, c, o + (size_t)i0 * S, R, (size_t)k * vplane + (size_t)i0, nx, (size_t)(i1 - i0), vs, NS, L);
        var_finish_lines(d, t, 1, l0, l1, c, buf, cp);
    }
#pragma omp barrier
    /* biofvm: after the y sweep (every thread's columns are done), own rows; the caller puts a barrier between
     * this and the z sweep */
    if (Y->active)
        lod_reset_rows(d, c, k, j0, j1);
    lod_stage(pre, t, STROMA_STAGE_AFTER_Y, k, j0, j1, op);
}

LOD_CLONES static void var_plane_shared(const lod_data *d, stroma_transport *t, double *c, int k, int j0, int j1,
                                        int i0, int i1, const stroma_prestep *pre, const double *const *op,
                                        double *buf, double *cp, double *vs) {
#define LOD_CALL(NS, L) var_plane_shared_impl(d, t, c, k, j0, j1, i0, i1, pre, op, buf, cp, vs, NS, L)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

LOD_CLONES static void var_plane(const lod_data *d, stroma_transport *t, double *c, int k, const stroma_prestep *pre,
                                 const double *const *op, double *buf, double *cp, double *vs) {
#define LOD_CALL(NS, L) var_plane_impl(d, t, c, k, pre, op, buf, cp, vs, NS, L)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

LOD_CLONES static void var_slab(const lod_data *d, const stroma_transport *t, double *c, int j, double *buf,
                                double *cp, double *vs) {
#define LOD_CALL(NS, L) var_slab_impl(d, t, c, j, buf, cp, vs, NS, L)
    LOD_DISPATCH(d->ns, LOD_CALL)
#undef LOD_CALL
}

/* [lo, hi) of `count` items for thread tid of nth, in blocks of `unit` (static, contiguous). */
static void lod_split(size_t count, size_t unit, int tid, int nth, size_t *lo, size_t *hi) {
    size_t blocks = (count + unit - 1) / unit;
    *lo = blocks * (size_t)tid / (size_t)nth * unit;
    *hi = blocks * (size_t)(tid + 1) / (size_t)nth * unit;
    if (*hi > count)
        *hi = count;
    if (*lo > count)
        *lo = count;
}

/* Waits until a thread's progress reaches `target` (spinning briefly, then yielding the processor). */
static void lod_wait(lod_flag *f, long target) {
    unsigned spins = 0;
    while (atomic_load_explicit(&f->v, memory_order_acquire) < target) {
        if (++spins < 2048) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        } else {
            sched_yield();
            spins = 0;
        }
    }
}

static void lod_publish(lod_flag *f, long value) { atomic_store_explicit(&f->v, value, memory_order_release); }

/* Stage hooks: the copies of z-planes as they were at the step's start. A thread solving planes [k0, k1) alone
 * copies the planes k0 - 1 and k1 first (its neighbours change them), then plane k while it solves it, into one
 * of two rotating copies: block of rows by block of rows just before the stage reads them (with the next row:
 * o[1] then holds the rows the stage needs, and the field's rows are in cache when the stage writes them), or
 * whole (copy_cur). Threads sharing each plane copy their own rows of it and wait for each other. Per thread:
 * two rotating copies, then the two halos; then two copies shared by the threads that share planes. */
static double *lod_orig_buf(const lod_data *d, int tid, int b) {
    return d->planes + ((size_t)tid * 4 + (size_t)b) * d->plane_vals;
}

static void lod_orig_halo(const lod_data *d, const double *c, int k0, int k1, int nz, int tid) {
    const size_t PV = d->plane_vals;
    if (k0 >= k1)
        return;
    if (k0 > 0)
        memcpy(lod_orig_buf(d, tid, 2), c + (size_t)(k0 - 1) * PV, PV * sizeof *c);
    if (k1 < nz)
        memcpy(lod_orig_buf(d, tid, 3), c + (size_t)k1 * PV, PV * sizeof *c);
}

/* Plane k of [k0, k1): o at the copies of planes k - 1 and k (filled now when copy_cur) and at plane k + 1 (the
 * field's, still as it was, or the halo). */
static void lod_orig_plane(const lod_data *d, const double *c, int k, int k0, int k1, int nz, int tid, int copy_cur,
                           const double *o[3]) {
    const size_t PV = d->plane_vals;
    const int r = k - k0;
    double *cur = lod_orig_buf(d, tid, r & 1);
    if (copy_cur)
        memcpy(cur, c + (size_t)k * PV, PV * sizeof *c);
    o[0] = k == 0 ? NULL : (k == k0 ? lod_orig_buf(d, tid, 2) : lod_orig_buf(d, tid, (r + 1) & 1));
    o[1] = cur;
    o[2] = k + 1 >= nz ? NULL : (k + 1 == k1 ? lod_orig_buf(d, tid, 3) : c + (size_t)(k + 1) * PV);
}

/* Threads sharing plane k (inside a parallel region): copies rows [j0, j1) of plane k, waits for the others,
 * points o at the copies of planes k - 1 and k and at the field's plane k + 1 (own rows still as they were). */
static void lod_orig_rows(const lod_data *d, const double *c, int k, int j0, int j1, int nz, const double *o[3]) {
    const size_t PV = d->plane_vals, R = d->row;
    double *S = d->planes + (size_t)d->nthreads * 4 * PV;
    double *cur = S + (size_t)(k & 1) * PV;
    if (j1 > j0)
        memcpy(cur + (size_t)j0 * R, c + (size_t)k * PV + (size_t)j0 * R, (size_t)(j1 - j0) * R * sizeof *c);
#pragma omp barrier
    o[0] = k == 0 ? NULL : S + (size_t)((k + 1) & 1) * PV;
    o[1] = cur;
    o[2] = k + 1 >= nz ? NULL : c + (size_t)(k + 1) * PV;
}

int stroma_solver_lod_enable_stages(stroma_transport *t) {
    lod_data *d = t->solver_data;
    if (d->planes)
        return 0;
    d->plane_vals = d->row * (size_t)d->ny;
    const size_t n = ((size_t)d->nthreads * 4 + 2) * d->plane_vals;
    d->planes = lod_calloc(d, n, sizeof(double));
    if (!d->planes)
        return -1;
    t->solver_bytes = d->bytes;
    return 0;
}

/* Pass 1 with the threads sharing each plane (2D runs, thin slabs). Thread tid owns rows [j0, j1) of every
 * plane: it applies the pre-step work to them, solves their x lines (re-solving its fixed x-lines), then sweeps
 * y over them block of columns by block of columns in a pipeline: its forward sweep of a block follows the
 * previous thread's (which holds row j0 - 1), the last thread follows each forward sweep with the back
 * substitution, and each other thread back-substitutes a block after the next thread has. Rows never move
 * between threads' caches (only the rows at the boundaries are read across), and the threads wait only for
 * their neighbours' progress on single blocks, not for each other at barriers. The fixed y-lines of a plane are
 * saved (own rows, after x) by every thread and re-solved by thread 0, which finishes each block last; each
 * thread then writes back its own rows of them. Every value gets the same operations in the same order as in
 * the one-thread sweep. */
static void lod_planes_shared(lod_data *d, double *c, stroma_transport *t, const stroma_prestep *pre, int tid,
                              int nth, double *buf, double *cp, long epoch) {
    const int nz = t->mesh.nz;
    const lod_axis *Y = &d->ax[1];
    const size_t nx = (size_t)t->mesh.nx, plane = nx * (size_t)d->ny, R = d->row;
    const size_t w = d->yblock, nblocks = (R + w - 1) / w;
    size_t lo, hi;
    lod_split((size_t)d->ny, 1, tid, nth, &lo, &hi);
    const int j0 = (int)lo, j1 = (int)hi;
    const int staged = pre && pre->stage;
    for (int k = 0; k < nz; k++) {
        double *P = c + (size_t)k * plane * (size_t)t->nsub;
        const double *o[3] = {NULL, NULL, NULL};
        if (staged) {
            lod_orig_rows(d, c, k, j0, j1, nz, o);
            lod_stage(pre, t, STROMA_STAGE_RHS, k, j0, j1, o);
        } else if (pre && j0 < j1) {
            pre->apply(pre->ctx, t, (size_t)k * plane + (size_t)j0 * nx, (size_t)k * plane + (size_t)j1 * nx);
        }
        lod_reset_rows(d, c, k, j0, j1); /* biofvm: before the first sweep */
        if (d->ax[0].active) {
            lod_rows_x(d, c, k, j0, j1, buf, cp);
            lod_reset_rows(d, c, k, j0, j1); /* biofvm: after the x sweep, before the rows enter the y sweep */
        }
        if (!Y->active) {
            lod_stage(pre, t, STROMA_STAGE_AFTER_Y, k, j0, j1, o);
            continue;
        }
        if (staged)
            lod_stage(pre, t, STROMA_STAGE_BEFORE_Y, k, j0, j1, o);
        const size_t l0 = Y->group[k], l1 = Y->group[k + 1];
        for (size_t l = l0; l < l1; l++)
            for (int j = j0; j < j1; j++)
                d->yfix[l * (size_t)Y->n + (size_t)j] = c[Y->line[l].base + (size_t)j * Y->stride];
        const long base = (epoch * (long)nz + k) << 10;
        const int last = tid == nth - 1;
        for (size_t b = 0; b < nblocks; b++) {
            size_t q0 = b * w, wb = R - q0 < w ? R - q0 : w;
            if (tid > 0)
                lod_wait(&d->fwd[tid - 1], base + (long)b + 1);
            lod_yblock(d, P, j0, j1, q0, wb, 1, last);
            lod_publish(last ? &d->back[tid] : &d->fwd[tid], base + (long)b + 1);
        }
        if (!last)
            for (size_t b = 0; b < nblocks; b++) {
                size_t q0 = b * w, wb = R - q0 < w ? R - q0 : w;
                lod_wait(&d->back[tid + 1], base + (long)b + 1);
                lod_yblock(d, P, j0, j1, q0, wb, 0, 1);
                lod_publish(&d->back[tid], base + (long)b + 1);
            }
        if (l1 > l0) {
            /* thread 0 finishes last: it re-solves the fixed y-lines, then every thread writes its own rows of
             * them (a thread writing another's rows would send them back and forth between the caches) */
            if (tid == 0) {
                lod_yfix(d, k, cp);
                lod_publish(&d->back[0], base + (long)nblocks + 1);
            } else {
                lod_wait(&d->back[0], base + (long)nblocks + 1);
            }
            for (size_t l = l0; l < l1; l++)
                for (int j = j0; j < j1; j++)
                    c[Y->line[l].base + (size_t)j * Y->stride] = d->yfix[l * (size_t)Y->n + (size_t)j];
        }
        if (d->nrs) {
            /* biofvm: after the y sweep, own rows, once the previous thread has back-substituted every block (it
             * reads this thread's first row) */
            if (tid > 0)
                lod_wait(&d->back[tid - 1], base + (long)nblocks);
            lod_reset_rows(d, c, k, j0, j1);
        }
        if (staged) {
            /* the previous thread's back substitution reads this thread's first row until it is done */
#pragma omp barrier
            lod_stage(pre, t, STROMA_STAGE_AFTER_Y, k, j0, j1, o);
        }
    }
    /* the z pass reads every plane whole */
    if (d->ax[2].active) {
#pragma omp barrier
    }
}

/* Pass 1 with stage hooks, each thread solving its own range of planes (inside a parallel region): the copies of
 * the planes at the range's edges, a barrier, the planes (variable coefficients: vs, each plane copied whole
 * before its stages; constant: block by block), a barrier before the z pass. */
static void lod_planes_staged(lod_data *d, stroma_transport *t, double *c, const stroma_prestep *pre, int tid,
                              int nth, double *buf, double *cp, double *vs) {
    const int nz = t->mesh.nz;
    size_t k0, k1;
    lod_split((size_t)nz, 1, tid, nth, &k0, &k1);
    lod_orig_halo(d, c, (int)k0, (int)k1, nz, tid);
#pragma omp barrier
    for (int k = (int)k0; k < (int)k1; k++) {
        const double *o[3];
        lod_orig_plane(d, c, k, (int)k0, (int)k1, nz, tid, d->var, o);
        if (d->var)
            var_plane(d, t, c, k, pre, o, buf, cp, vs);
        else
            lod_plane_xy(d, t, c, k, pre, o, buf, cp);
    }
#pragma omp barrier
}

/* Whether a step of this many voxel-substrate values is worth splitting over nt threads: below about
 * LOD_MIN_VALUES_PER_THREAD values per thread the waits cost more than the sweep (docs/dev/performance.md). */
#define LOD_MIN_VALUES_PER_THREAD 2048

static void lod_step(stroma_transport *t, const stroma_prestep *pre) {
    lod_data *d = t->solver_data;
    const int nz = t->mesh.nz, ny = t->mesh.ny;
    const size_t plane = (size_t)t->mesh.nx * (size_t)ny;
    if (t->nsub == 0) {
        if (pre)
            pre->apply(pre->ctx, t, 0, t->mesh.nvox);
        return;
    }
    double *c = t->c;
    int nt = omp_get_max_threads();
    if (nt > d->nthreads)
        nt = d->nthreads;
    const size_t values = t->mesh.nvox * (size_t)t->nsub;
    while (nt > 1 && values < (size_t)nt * LOD_MIN_VALUES_PER_THREAD)
        nt--;
    /* Pass 1 goes plane-parallel when there are enough planes; otherwise the threads share each plane, at least
     * two rows each. */
    if (nz < 4 * nt)
        while (nt > 1 && ny < 2 * nt)
            nt--;
    const int staged = pre && pre->stage && d->planes;
    if (d->var) {
        /* variable coefficients: pass 1 plane-parallel, or, in thin domains (2D runs, slabs), with the threads
         * sharing each plane: x lines by rows, then y lines by voxel columns, a barrier after each */
        const int shared = nz < 4 * nt && nt > 1;
#pragma omp parallel num_threads(nt)
        {
            const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
            double *buf = d->scratch + (size_t)tid * d->per_thread, *cp = buf + d->lines_cap;
            double *vs = d->var_scratch + (size_t)tid * d->var_per_thread;
            if (shared) {
                size_t j0, j1, i0, i1;
                lod_split((size_t)ny, 1, tid, nth, &j0, &j1);
                lod_split((size_t)t->mesh.nx, 1, tid, nth, &i0, &i1);
                for (int k = 0; k < nz; k++) {
                    const double *o[3] = {NULL, NULL, NULL};
                    if (staged)
                        lod_orig_rows(d, c, k, (int)j0, (int)j1, nz, o);
                    var_plane_shared(d, t, c, k, (int)j0, (int)j1, (int)i0, (int)i1, pre, o, buf, cp, vs);
                }
            } else if (staged) {
                lod_planes_staged(d, t, c, pre, tid, nth, buf, cp, vs);
            } else {
#pragma omp for schedule(static)
                for (int k = 0; k < nz; k++) {
                    if (pre)
                        pre->apply(pre->ctx, t, (size_t)k * plane, (size_t)(k + 1) * plane);
                    var_plane(d, t, c, k, NULL, NULL, buf, cp, vs);
                }
            }
            if (d->ax[2].active) {
                if (shared && (d->nrs || staged)) {
                    /* the last plane's biofvm reset or stage (own rows) before any slab reads it */
#pragma omp barrier
                }
#pragma omp for schedule(static)
                for (int j = 0; j < ny; j++) {
                    var_slab(d, t, c, j, buf, cp, vs);
                    if (pre && pre->after_slab)
                        pre->after_slab(pre->ctx, t, j);
                }
            }
        }
        return;
    }
    if (nt == 1) {
        /* one thread: no parallel region at all (no fork, no barriers) */
        double *buf = d->scratch, *cp = buf + d->lines_cap;
        for (int k = 0; k < nz; k++) {
            const double *o[3] = {NULL, NULL, NULL};
            if (staged)
                lod_orig_plane(d, c, k, 0, nz, nz, 0, 0, o);
            lod_plane_xy(d, t, c, k, pre, o, buf, cp);
        }
        if (d->ax[2].active)
            for (int j = 0; j < ny; j++) {
                lod_slab_z(d, c, j, buf, cp);
                if (pre && pre->after_slab)
                    pre->after_slab(pre->ctx, t, j);
            }
        return;
    }
    const int by_plane = nz >= 4 * nt;
    const long epoch = by_plane ? 0 : d->epoch++;
#pragma omp parallel num_threads(nt)
    {
        const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
        double *buf = d->scratch + (size_t)tid * d->per_thread, *cp = buf + d->lines_cap;
        if (by_plane && staged) {
            lod_planes_staged(d, t, c, pre, tid, nth, buf, cp, NULL);
        } else if (by_plane) {
#pragma omp for schedule(static)
            for (int k = 0; k < nz; k++) {
                lod_plane_xy(d, t, c, k, pre, NULL, buf, cp);
            }
        } else {
            lod_planes_shared(d, c, t, pre, tid, nth, buf, cp, epoch);
        }
        if (d->ax[2].active) {
#pragma omp for schedule(static)
            for (int j = 0; j < ny; j++) {
                lod_slab_z(d, c, j, buf, cp);
                if (pre && pre->after_slab)
                    pre->after_slab(pre->ctx, t, j);
            }
        }
    }
}

static void lod_destroy(stroma_transport *t) {
    lod_free(t->solver_data);
    t->solver_data = NULL;
    t->solver_bytes = 0;
}

static int lod_gcd(int a, int b) {
    while (b) {
        int r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* The 1 / pivot of every value of a line of axis a (voxels v0 + p vs) for hindered substrate s: the elimination the
 * sweeps assume (var_fwd_k, var_back_k), with the same face coefficients. */
static void var_line_pivots(lod_data *d, const lod_axis *ax, int a, int s, size_t v0, size_t vs, size_t nvox) {
    const int n = ax->n;
    const size_t ns = (size_t)d->ns;
    const double r = ax->r[s], *w = var_w(d, a, s, v0, nvox);
    double *inv = d->vinv_ax[a] + v0 * ns + (size_t)s;
    double rlo = 0.0, u_prev = 0.0, bnd, g;
    for (int p = 0; p < n; p++) {
        const double rhi = p < n - 1 ? r * w[(size_t)p * vs] : 0.0;
        double b = ax->one_dec[s];
        if (p > 0)
            b += rlo;
        if (p < n - 1)
            b += rhi;
        if (p == 0) {
            var_bnd(d, ax, s, 0, v0, 0.0, &bnd, &g);
            b += bnd;
        }
        if (p == n - 1 && p > 0) {
            var_bnd(d, ax, s, 1, v0 + (size_t)p * vs, 0.0, &bnd, &g);
            b += bnd;
        }
        const double iv = 1.0 / (b - rlo * u_prev);
        inv[(size_t)p * vs * ns] = iv;
        u_prev = rhi * iv;
        rlo = rhi;
    }
}

/* Variable coefficients: the sigma groups, their face factors per axis, the lanes' coefficients, the pivots of
 * every value and axis (the constant ones for substrates with sigma = 0), the per-thread scratch. O(nvox nsub):
 * one elimination pass per axis, about the cost of one step plus a division per value. */
static int lod_prepare_var(lod_data *d, const stroma_transport *t) {
    const stroma_mesh *m = &t->mesh;
    const int ns = t->nsub;
    const size_t nvox = m->nvox, L = (size_t)d->period;
    d->var = 1;
    d->ecm = t->ecm;
    d->sigma = t->ecm_sensitivity;
    d->wgroup = lod_calloc(d, (size_t)ns, sizeof *d->wgroup);
    d->vco = lod_calloc(d, 6 * L, sizeof *d->vco);
    if (!d->wgroup || !d->vco)
        return -1;
    d->nwg = 0;
    for (int s = 0; s < ns; s++) {
        d->wgroup[s] = -1;
        if (!(d->sigma[s] > 0.0))
            continue;
        for (int q = 0; q < s && d->wgroup[s] < 0; q++)
            if (d->sigma[q] == d->sigma[s])
                d->wgroup[s] = d->wgroup[q];
        if (d->wgroup[s] < 0)
            d->wgroup[s] = d->nwg++;
    }
    for (int a = 0; a < 3; a++)
        if (d->ax[a].active)
            for (size_t q = 0; q < L; q++) {
                const size_t s = q % (size_t)ns;
                const int h = d->wgroup[s] >= 0;
                d->vco[(size_t)a * 2 * L + q] = h ? d->ax[a].r[s] : 0.0;
                d->vco[(size_t)a * 2 * L + L + q] = h ? 0.0 : d->ax[a].r[s];
            }
    d->wf = lod_calloc(d, (size_t)d->nwg * 3 * nvox, sizeof *d->wf);
    int nact = 0;
    for (int a = 0; a < 3; a++)
        nact += d->ax[a].active;
    d->vinv = lod_calloc(d, (size_t)nact * nvox * (size_t)ns, sizeof *d->vinv);
    d->var_per_thread = (2 * d->row + 2 * (size_t)ns + 7) / 8 * 8 + 16;
    d->var_scratch = lod_calloc(d, (size_t)d->nthreads * d->var_per_thread, sizeof(double));
    if (!d->wf || !d->vinv || !d->var_scratch)
        return -1;
    for (int a = 0, q = 0; a < 3; a++)
        d->vinv_ax[a] = d->ax[a].active ? d->vinv + (size_t)(q++) * nvox * (size_t)ns : NULL;
    const int n[3] = {m->nx, m->ny, m->nz};
    const size_t step[3] = {1, (size_t)m->nx, (size_t)m->nx * (size_t)m->ny};
    for (int gi = 0; gi < d->nwg; gi++) {
        double sg = 0.0;
        for (int s = 0; s < ns; s++)
            if (d->wgroup[s] == gi)
                sg = d->sigma[s];
        for (int a = 0; a < 3; a++) {
            double *w = d->wf + ((size_t)gi * 3 + (size_t)a) * nvox;
            const double *E = t->ecm;
            const int na = n[a];
            const size_t st = step[a];
#pragma omp parallel for schedule(static)
            for (int k = 0; k < m->nz; k++)
                for (int j = 0; j < m->ny; j++)
                    for (int i = 0; i < m->nx; i++) {
                        const int idx[3] = {i, j, k};
                        size_t v = stroma_mesh_index(m, i, j, k);
                        /* harmonic mean of D_s / (1 + sg E): D_s / (1 + sg (E_v + E_v+) / 2) */
                        w[v] = idx[a] < na - 1 ? 1.0 / (1.0 + sg * (0.5 * (E[v] + E[v + st]))) : 1.0;
                    }
        }
    }
    /* pivots. x: line by line (a line's values are contiguous); y and z: row by row along the line, like the
     * sweeps (the same operations as var_line_pivots, value by value), so memory is walked in order */
    if (d->ax[0].active) {
        const lod_axis *X = &d->ax[0];
#pragma omp parallel for schedule(static)
        for (int k = 0; k < m->nz; k++)
            for (int j = 0; j < m->ny; j++) {
                const size_t v0 = stroma_mesh_index(m, 0, j, k);
                for (int s = 0; s < ns; s++) {
                    if (d->wgroup[s] >= 0) {
                        var_line_pivots(d, X, 0, s, v0, 1, nvox);
                    } else { /* the constant path's pivots */
                        double *inv = d->vinv_ax[0] + v0 * (size_t)ns + (size_t)s;
                        for (int p = 0; p < X->n; p++)
                            inv[(size_t)p * (size_t)ns] = X->inv[(size_t)p * (size_t)X->period + (size_t)s];
                    }
                }
            }
    }
    for (int a = 1; a < 3; a++) {
        const lod_axis *ax = &d->ax[a];
        if (!ax->active)
            continue;
        const int outer = a == 1 ? m->nz : m->ny, na = ax->n;
        const size_t nx = (size_t)m->nx, R = d->row;
#pragma omp parallel for schedule(static)
        for (int o = 0; o < outer; o++) {
            double *rl = d->var_scratch + (size_t)omp_get_thread_num() * d->var_per_thread, *up = rl + R;
            for (int p = 0; p < na; p++) {
                const size_t vrow = a == 1 ? stroma_mesh_index(m, 0, p, o) : stroma_mesh_index(m, 0, o, p);
                double *inv = d->vinv_ax[a] + vrow * (size_t)ns;
                for (size_t i = 0; i < nx; i++)
                    for (int s = 0; s < ns; s++) {
                        const size_t q = i * (size_t)ns + (size_t)s;
                        if (d->wgroup[s] < 0) {
                            inv[q] = ax->inv[(size_t)p * (size_t)ax->period + (size_t)s];
                            continue;
                        }
                        const double rlo = p > 0 ? rl[q] : 0.0, u_prev = p > 0 ? up[q] : 0.0;
                        const double rhi = p < na - 1 ? ax->r[s] * var_w(d, a, s, vrow + i, nvox)[0] : 0.0;
                        double b = ax->one_dec[s], bnd, g;
                        if (p > 0)
                            b += rlo;
                        if (p < na - 1)
                            b += rhi;
                        if (p == 0) {
                            var_bnd(d, ax, s, 0, vrow + i, 0.0, &bnd, &g);
                            b += bnd;
                        }
                        if (p == na - 1 && p > 0) {
                            var_bnd(d, ax, s, 1, vrow + i, 0.0, &bnd, &g);
                            b += bnd;
                        }
                        const double iv = 1.0 / (b - rlo * u_prev);
                        inv[q] = iv;
                        up[q] = rhi * iv;
                        rl[q] = rhi;
                    }
            }
        }
    }
    return 0;
}

/* boundary_convention biofvm: the voxels of t->reset that are not fixed voxels (a fixed voxel keeps its own value,
 * including one added later by stroma_transport_fix_voxel: that re-prepares), and where each x-row's start. */
static int lod_prepare_reset(lod_data *d, const stroma_transport *t) {
    const stroma_mesh *m = &t->mesh;
    if (t->nreset == 0)
        return 0;
    const size_t nrows = (size_t)m->nz * (size_t)m->ny;
    d->rs_off = lod_calloc(d, t->nreset, sizeof *d->rs_off);
    d->rs_val = lod_calloc(d, t->nreset, sizeof *d->rs_val);
    d->rs_row = lod_calloc(d, nrows + 1, sizeof *d->rs_row);
    if (!d->rs_off || !d->rs_val || !d->rs_row)
        return -1;
    size_t q = 0;
    for (size_t e = 0; e < t->nreset; e++) {
        const stroma_fixed_voxel *f = &t->reset[e];
        if (stroma_transport_fixed_find(t, f->voxel, f->substrate, NULL))
            continue;
        d->rs_off[q] = f->voxel * (size_t)t->nsub + (size_t)f->substrate;
        d->rs_val[q] = f->value;
        d->rs_row[f->voxel / (size_t)m->nx + 1]++; /* t->reset is sorted by voxel: rows come in order */
        q++;
    }
    for (size_t r = 0; r < nrows; r++)
        d->rs_row[r + 1] += d->rs_row[r];
    d->nrs = q;
    return 0;
}

static int lod_prepare(stroma_transport *t, stroma_error *err) {
    lod_data *d = calloc(1, sizeof *d);
    if (!d)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "lod solver: out of memory");
    d->bytes = sizeof *d;
    const int ns = t->nsub;
    d->ns = ns;
    d->period = ns > 0 ? ns / lod_gcd(ns, 4) * 4 : 4;
    d->ny = t->mesh.ny;
    d->row = (size_t)t->mesh.nx * (size_t)ns;
    /* x rows solved together: 8 independent vector recurrences hide each one's latency (more would alias in
     * the 8-way L1 when rows are 4 KiB apart); 16 scalar ones below 4 substrates. y column blocks (threads
     * sharing a plane): about 1 MiB. */
    d->xblock = ns >= 4 ? 8 : 16;
    /* y blocks of the pipelined sweep: about 16 per row (the pipeline fills and drains in one block), a
     * thread's part of a block within about 256 KiB (its forward and back sweeps then meet in cache), at most
     * 1023 per row (lod_flag) */
    {
        const size_t L = (size_t)d->period, R = d->row > 0 ? d->row : 1, rows = (size_t)(d->ny > 1 ? d->ny / 2 : 1);
        size_t w = L * (R / (16 * L) > 0 ? R / (16 * L) : 1);
        size_t cache = L * (32768 / rows / L > 0 ? 32768 / rows / L : 1);
        if (w > cache)
            w = cache;
        while ((R + w - 1) / w > 1000)
            w += L;
        d->yblock = w;
    }
    int failed = 0;
    for (int a = 0; a < 3 && !failed; a++)
        failed = lod_prepare_axis(d, t, a, a == 0 ? (ns > 0 ? ns : 1) : d->period) != 0;
    if (!failed) {
        int nmax = 1;
        for (int a = 0; a < 3; a++)
            nmax = d->ax[a].n > nmax ? d->ax[a].n : nmax;
        /* Pass 1 holds a plane's fixed x-lines and y-lines at once; pass 2 a slab's z-lines. */
        d->lines_cap = d->ax[0].max_group_values + d->ax[1].max_group_values;
        if (d->ax[2].max_group_values > d->lines_cap)
            d->lines_cap = d->ax[2].max_group_values;
        d->nthreads = omp_get_max_threads() > omp_get_num_procs() ? omp_get_max_threads() : omp_get_num_procs();
        d->per_thread = (d->lines_cap + (size_t)nmax + 7) / 8 * 8 + 16; /* + 128 bytes: threads never share a line */
        d->scratch = lod_calloc(d, (size_t)d->nthreads * d->per_thread, sizeof(double));
        const lod_axis *Y = &d->ax[1];
        d->yfix = lod_calloc(d, Y->active && Y->group ? Y->group[Y->ngroups] * (size_t)Y->n : 0, sizeof(double));
        d->fwd = lod_calloc(d, (size_t)d->nthreads, sizeof(lod_flag));
        d->back = lod_calloc(d, (size_t)d->nthreads, sizeof(lod_flag));
        failed = !d->scratch || !d->yfix || !d->fwd || !d->back;
        if (!failed)
            failed = lod_prepare_reset(d, t) != 0;
        if (!failed && t->hindered)
            failed = lod_prepare_var(d, t) != 0;
    }
    if (failed) {
        lod_free(d);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "lod solver: no memory for coefficients and scratch");
    }
    lod_free(t->solver_data);
    t->solver_data = d;
    t->solver_bytes = d->bytes;
    return STROMA_OK;
}

/* Each active axis's implicit solve with no-flux faces keeps the line sums divided by 1 + dt lambda / dim (the
 * diffusion part's columns sum to zero), so a step keeps 1 / (1 + dt lambda / dim)^(active axes). */
static double lod_kept(const stroma_transport *t, int s) {
    const stroma_mesh *m = &t->mesh;
    double one = 1.0 + t->dt_min * t->decay_per_min[s] / m->dim, kept = 1.0;
    for (int a = 0; a < 3; a++)
        if (stroma_mesh_axis_active(m, a)) kept /= one;
    return kept;
}

const stroma_solver_ops stroma_solver_lod_ops = {
    .name = "lod", .prepare = lod_prepare, .step = lod_step, .destroy = lod_destroy, .kept = lod_kept};
