/* The "adi" diffusion-reaction solver: Douglas alternating-direction implicit scheme in delta form, whose fixed
 * point is the discrete operator's steady state at any dt. Per step: the increment's right-hand side dt L(c)
 * (7-point Laplacian with the explicit solver's boundary closures, decay, and the step's linear reactions),
 * three implicit 1D factors (I - theta dt A_axis) solved by the LOD solver's sweeps on the increment (homogeneous
 * boundary data), then the diagonal factor (I + theta dt (lambda + k)). "adi" is theta = 1, "adi-cn" theta = 1/2. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "transport/solvers.h"
#include "util/error_impl.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* The streaming kernels are compiled for AVX-512, AVX2 and the baseline like the lod sweeps (no fused
 * multiply-add in any: the same rounding in every clone). */
#ifdef STROMA_NO_CLONES
#define ADI_CLONES
#else
#define ADI_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

typedef struct adi_data {
    double theta;              /* implicitness of the factors: 1 (adi) or 1/2 (adi-cn) */
    stroma_transport sh;       /* shadow transport: the increment field (sh.c = delta), dt theta dt, no decay, zero
                                  face and fixed values, solved by the lod ops; sh.solver_data is lod's, owned */
    double *delta;             /* [nvox * nsub] the increment; owned (sh.c) */
    double *zero;              /* [max(nsub * 6, row)] zeros: the shadow's decay and face values, inactive axes */
    stroma_fixed_voxel *fix0;  /* [nfixed] t->fixed with value 0 (the shadow's fixed voxels); owned */
    double *rr;                /* [row] r = D dt / dx^2 of the value's substrate, along an x-row (period nsub) */
    double *dd;                /* [row] dt lambda */
    double *inv_den;           /* [row] 1 / (1 + theta dt lambda) */
    double *ghost;             /* [nthreads][4 rows] scratch: ghost rows of y/z faces (right-hand side) */
    double *acc;               /* [nthreads][row] reaction voxels' rate sums (update); NaN between uses */
    double *wv[3];             /* [nvox * nsub] per active axis: the factor of the face between voxel v and its next
                                  voxel along the axis, per value (1 for sigma = 0; 0 on a line's last voxel) */
    int nthreads;
    size_t row;                /* nx * nsub */
    /* hindrance (t->hindered): the face factors 1 / (1 + sigma (E_v + E_v+) / 2) between voxel v and its next voxel
     * along each axis, per distinct sigma > 0 (the explicit solver's, without its divisions per step) */
    int *wgroup;               /* [nsub] group of substrate s, -1: sigma = 0 */
    double *wf;                /* [groups][3][nvox] */
    size_t bytes;
    /* the step being taken (set by adi_step_react; read by the right-hand side hook) */
    stroma_transport *t;
    const stroma_reaction *rx;
    int nrx;
} adi_data;

static void adi_free(adi_data *d) {
    if (!d)
        return;
    if (d->sh.ops)
        d->sh.ops->destroy(&d->sh);
    free(d->delta);
    free(d->zero);
    free(d->fix0);
    free(d->rr);
    free(d->dd);
    free(d->inv_den);
    free(d->ghost);
    free(d->acc);
    for (int a = 0; a < 3; a++)
        free(d->wv[a]);
    free(d->wgroup);
    free(d->wf);
    free(d);
}

/* First entry of list r at voxel >= v (binary search). */
static size_t rx_lower(const stroma_reaction *r, size_t v) {
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->voxel[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Ghost value beyond face f (0 lo, 1 hi) of axis a for substrate s next to value cv: no flux c, Dirichlet 2 v - c. */
static inline double adi_ghost(const stroma_transport *t, int s, int a, int f, double cv) {
    size_t q = (size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a + (size_t)f;
    return t->face_dirichlet[q] ? 2.0 * t->face_value[q] - cv : cv;
}

/* The hindered operator at one value: the sum over active axes of the face-weighted differences (the explicit
 * solver's; the voxel's own factor 1 / (1 + sigma E_v) at a Dirichlet face). */
static double adi_lap_hindered(const adi_data *d, const stroma_transport *t, size_t v, int s, const int idx[3],
                               const int n[3], const size_t step[3], const int act[3]) {
    const size_t ns = (size_t)t->nsub, nvox = t->mesh.nvox;
    const double *c = t->c;
    const double cv = c[v * ns + (size_t)s];
    const int g = d->wgroup[s];
    double lap = 0.0;
    for (int a = 0; a < 3; a++) {
        if (!act[a])
            continue;
        const int has_lo = idx[a] > 0, has_hi = idx[a] < n[a] - 1;
        double lo = has_lo ? c[(v - step[a]) * ns + (size_t)s] : adi_ghost(t, s, a, 0, cv);
        double hi = has_hi ? c[(v + step[a]) * ns + (size_t)s] : adi_ghost(t, s, a, 1, cv);
        if (g >= 0) {
            /* at a face: the voxel's own factor, needed only when the face is Dirichlet (no flux: lo - cv = 0) */
            const double *w = d->wf + ((size_t)g * 3 + (size_t)a) * nvox;
            const double own = (!has_lo && lo != cv) || (!has_hi && hi != cv)
                                   ? 1.0 / (1.0 + t->ecm_sensitivity[s] * t->ecm[v])
                                   : 0.0;
            const double wlo = has_lo ? w[v - step[a]] : own, whi = has_hi ? w[v] : own;
            lap += wlo * (lo - cv) + whi * (hi - cv);
        } else {
            lap += lo - 2.0 * cv + hi;
        }
    }
    return lap;
}

/* dt L(c) without reactions for `len` values with all six neighbours given (constant coefficients). */
static ADI_CLONES void adi_rhs_kernel(double *restrict out, const double *restrict c, const double *restrict xm,
                                      const double *restrict xp, const double *restrict ym, const double *restrict yp,
                                      const double *restrict zm, const double *restrict zp, const double *restrict rr,
                                      const double *restrict dd, double two_n, size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++)
        out[q] = rr[q] * (((xm[q] + xp[q]) + (ym[q] + yp[q]) + (zm[q] + zp[q])) - two_n * c[q]) - dd[q] * c[q];
}

/* dt L(c) with face factors for `len` values with all six neighbours and the factors of both faces along each
 * axis given. */
static ADI_CLONES void adi_rhs_hindered_kernel(double *restrict out, const double *restrict c,
                                               const double *restrict xm, const double *restrict xp,
                                               const double *restrict ym, const double *restrict yp,
                                               const double *restrict zm, const double *restrict zp,
                                               const double *restrict wxl, const double *restrict wxh,
                                               const double *restrict wyl, const double *restrict wyh,
                                               const double *restrict wzl, const double *restrict wzh,
                                               const double *restrict rr, const double *restrict dd, size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++) {
        const double cv = c[q];
        const double lap = ((wxl[q] * (xm[q] - cv) + wxh[q] * (xp[q] - cv)) +
                            (wyl[q] * (ym[q] - cv) + wyh[q] * (yp[q] - cv))) +
                           (wzl[q] * (zm[q] - cv) + wzh[q] * (zp[q] - cv));
        out[q] = rr[q] * lap - dd[q] * cv;
    }
}

/* o += dt (src - k c) over one voxel's ns values (a reaction list's entry). */
static inline void adi_rx_add(double *restrict o, const double *restrict c, const double *restrict k,
                              const double *restrict src, double dt, size_t ns) {
#pragma omp simd
    for (size_t s = 0; s < ns; s++)
        o[s] += dt * (src[s] - k[s] * c[s]);
}

/* a += k over one voxel's ns values. */
static inline void adi_acc_add(double *restrict a, const double *restrict k, size_t ns) {
#pragma omp simd
    for (size_t s = 0; s < ns; s++)
        a[s] += k[s];
}

/* The right-hand side dt L(c) of the voxels [v0, v1) of one x-row (j, k), written into the increment. */
static ADI_CLONES void adi_rhs_row(adi_data *d, int j, int k, int i0, int i1, double *gh) {
    const stroma_transport *t = d->t;
    const stroma_mesh *m = &t->mesh;
    const int ns = t->nsub;
    const size_t nsz = (size_t)ns, row = d->row;
    const int n[3] = {m->nx, m->ny, m->nz};
    int act[3];
    for (int a = 0; a < 3; a++)
        act[a] = stroma_mesh_axis_active(m, a);
    const size_t v_row = stroma_mesh_index(m, 0, j, k);
    const double *c = t->c + v_row * nsz;
    double *out = d->delta + v_row * nsz;
    const size_t q0 = (size_t)i0 * nsz, q1 = (size_t)i1 * nsz;
    if (t->hindered) {
        const size_t step[3] = {1, (size_t)m->nx, (size_t)m->nx * (size_t)m->ny};
        /* voxels with a neighbour on both sides along every active axis: the same arithmetic as
         * adi_lap_hindered, without its per-axis branches; the others below take that function */
        int ia = i0, ib = i0;
        if (act[0] && (!act[1] || (j > 0 && j < n[1] - 1)) && (!act[2] || (k > 0 && k < n[2] - 1))) {
            ia = i0 > 1 ? i0 : 1;
            ib = i1 < n[0] - 1 ? i1 : n[0] - 1;
            if (ib < ia)
                ib = ia;
        }
        const size_t sy = step[1] * nsz, sz = step[2] * nsz;
        if (ib > ia) {
            /* the face factors in the field's layout (prepared), 0 and the value itself as its neighbour along an
             * inactive axis; one vector kernel */
            const size_t qa = (size_t)ia * nsz, qb = (size_t)ib * nsz, g0 = v_row * nsz + qa;
            const double *wx = d->wv[0] + g0, *wy = act[1] ? d->wv[1] + g0 : NULL, *wz = act[2] ? d->wv[2] + g0 : NULL;
            adi_rhs_hindered_kernel(out + qa, c + qa, c + qa - nsz, c + qa + nsz, act[1] ? c + qa - sy : c + qa,
                                    act[1] ? c + qa + sy : c + qa, act[2] ? c + qa - sz : c + qa,
                                    act[2] ? c + qa + sz : c + qa, wx - nsz, wx, wy ? wy - sy : d->zero,
                                    wy ? wy : d->zero, wz ? wz - sz : d->zero, wz ? wz : d->zero, d->rr + qa,
                                    d->dd + qa, qb - qa);
        }
        for (int i = i0; i < i1; i++) {
            if (i >= ia && i < ib)
                continue;
            const int idx[3] = {i, j, k};
            for (int s = 0; s < ns; s++) {
                const size_t q = (size_t)i * nsz + (size_t)s;
                out[q] = d->rr[q] * adi_lap_hindered(d, t, v_row + (size_t)i, s, idx, n, step, act) - d->dd[q] * c[q];
            }
        }
    } else {
        /* neighbour rows in y and z: the field, a ghost row at a face, zeros along an inactive axis */
        const double *nb[4];
        int nact = 0;
        for (int a = 1; a < 3; a++) {
            const int p = a == 1 ? j : k;
            const size_t st = (a == 1 ? (size_t)m->nx : (size_t)m->nx * (size_t)m->ny) * nsz;
            nact += act[a];
            for (int f = 0; f < 2; f++) {
                double *g = gh + (size_t)(2 * (a - 1) + f) * row;
                const double **slot = &nb[2 * (a - 1) + f];
                if (!act[a]) {
                    *slot = d->zero;
                } else if (f == 0 ? p > 0 : p < n[a] - 1) {
                    *slot = f == 0 ? c - st : c + st;
                } else {
                    for (size_t q = q0; q < q1; q++)
                        g[q] = adi_ghost(t, (int)(q % nsz), a, f, c[q]);
                    *slot = g;
                }
            }
        }
        nact += act[0];
        const double two_n = 2.0 * nact;
        const double *ym = nb[0], *yp = nb[1], *zm = nb[2], *zp = nb[3];
        const double *rr = d->rr, *dd = d->dd;
        /* x neighbours inside the row: values [ns, row - ns); the row's end voxels take ghosts below */
        const size_t a0 = q0 > nsz ? q0 : nsz, a1 = q1 + nsz < row ? q1 : (row > nsz ? row - nsz : 0);
        if (a1 > a0)
            adi_rhs_kernel(out + a0, c + a0, c + a0 - nsz, c + a0 + nsz, ym + a0, yp + a0, zm + a0, zp + a0, rr + a0,
                           dd + a0, two_n, a1 - a0);
        for (int i = i0; i < i1; i++) {
            if (i > 0 && i < n[0] - 1)
                continue;
            for (int s = 0; s < ns; s++) {
                const size_t q = (size_t)i * nsz + (size_t)s;
                const double cv = c[q];
                double xm = 0.0, xp = 0.0;
                if (act[0]) {
                    xm = i > 0 ? c[q - nsz] : adi_ghost(t, s, 0, 0, cv);
                    xp = i < n[0] - 1 ? c[q + nsz] : adi_ghost(t, s, 0, 1, cv);
                }
                out[q] = rr[q] * (((xm + xp) + (ym[q] + yp[q]) + (zm[q] + zp[q])) - two_n * cv) - dd[q] * cv;
            }
        }
    }
    /* the step's reactions, list by list; then fixed voxels do not move */
    const double dt = t->dt_min;
    const size_t va = v_row + (size_t)i0, vb = v_row + (size_t)i1;
    for (int l = 0; l < d->nrx; l++) {
        const stroma_reaction *r = &d->rx[l];
        for (size_t e = rx_lower(r, va); e < r->n && r->voxel[e] < vb; e++) {
            const size_t q = (r->voxel[e] - v_row) * nsz;
            adi_rx_add(out + q, c + q, r->rate + e * nsz, r->source + e * nsz, dt, nsz);
        }
    }
    if (t->nfixed)
        for (size_t f = stroma_transport_fixed_first(t, va); f < t->nfixed && t->fixed[f].voxel < vb; f++)
            out[(t->fixed[f].voxel - v_row) * nsz + (size_t)t->fixed[f].substrate] = 0.0;
}

/* The lod sweeps' pre-step: the right-hand side of voxels [v0, v1) (whole rows or parts of rows). */
static void adi_rhs(void *ctx, stroma_transport *sh, size_t v0, size_t v1) {
    (void)sh;
    adi_data *d = ctx;
    const stroma_mesh *m = &d->t->mesh;
    const size_t nx = (size_t)m->nx;
    int tid = omp_get_thread_num();
    if (tid >= d->nthreads)
        tid = 0; /* unreachable: the lod step uses at most the threads its scratch was sized for */
    double *gh = d->ghost + (size_t)tid * 4 * d->row;
    for (size_t v = v0; v < v1;) {
        const size_t r = v / nx, i0 = v % nx, end = (r + 1) * nx < v1 ? (r + 1) * nx : v1;
        adi_rhs_row(d, (int)(r % (size_t)m->ny), (int)(r / (size_t)m->ny), (int)i0, (int)(end - r * nx), gh);
        v = end;
    }
}

/* c += delta f over a row of `len` values (f: 1 / (1 + theta dt (lambda + k)) per value). */
static ADI_CLONES void adi_update_kernel(double *restrict cr, const double *restrict dr, const double *restrict fr,
                                         size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++)
        cr[q] += dr[q] * fr[q];
}

/* c += delta d over n values: d = dd, or 1 / (1 + tdt a) when a is given (then set to NaN). */
static inline void adi_update_voxel(double *restrict c, const double *restrict delta, const double *restrict dd,
                                    double *restrict a, double tdt, size_t n) {
    if (a) {
#pragma omp simd
        for (size_t s = 0; s < n; s++) {
            c[s] += delta[s] * (1.0 / (1.0 + tdt * a[s]));
            a[s] = NAN;
        }
    } else {
#pragma omp simd
        for (size_t s = 0; s < n; s++)
            c[s] += delta[s] * dd[s];
    }
}

/* c += delta / (1 + theta dt (lambda + k)) along the x-row starting at voxel v (as a product with the reciprocal);
 * the reaction voxels' rates are summed over the lists in list order in acc (the caller's row, all NaN on entry
 * and on return); the other voxels take the row's 1 / (1 + theta dt lambda). */
static ADI_CLONES void adi_update_row(adi_data *d, size_t v, double *acc) {
    stroma_transport *t = d->t;
    const size_t nsz = (size_t)t->nsub, nx = (size_t)t->mesh.nx, row = d->row;
    const double tdt = d->theta * t->dt_min;
    double *c = t->c + v * nsz;
    const double *delta = d->delta + v * nsz;
    int any = 0;
    for (int l = 0; l < d->nrx; l++) {
        const stroma_reaction *r = &d->rx[l];
        for (size_t e = rx_lower(r, v); e < r->n && r->voxel[e] < v + nx; e++) {
            double *aq = acc + (r->voxel[e] - v) * nsz;
            if (isnan(aq[0]))
                memcpy(aq, t->decay_per_min, nsz * sizeof *aq);
            adi_acc_add(aq, r->rate + e * nsz, nsz);
            any = 1;
        }
    }
    if (!any) {
        adi_update_kernel(c, delta, d->inv_den, row);
        return;
    }
    /* voxel by voxel; runs of voxels without reactions in one call */
    size_t i = 0;
    while (i < nx) {
        size_t e = i;
        while (e < nx && isnan(acc[e * nsz]))
            e++;
        if (e > i)
            adi_update_kernel(c + i * nsz, delta + i * nsz, d->inv_den + i * nsz, (e - i) * nsz);
        if (e < nx)
            adi_update_voxel(c + e * nsz, delta + e * nsz, NULL, acc + e * nsz, tdt, nsz);
        i = e + 1;
    }
}

/* The lod z sweep's after_slab: the update of y-slab j, while the increment is in cache. */
static void adi_after_slab(void *ctx, stroma_transport *sh, int j) {
    (void)sh;
    adi_data *d = ctx;
    const stroma_mesh *m = &d->t->mesh;
    int tid = omp_get_thread_num();
    if (tid >= d->nthreads)
        tid = 0;
    double *acc = d->acc + (size_t)tid * d->row;
    for (int k = 0; k < m->nz; k++)
        adi_update_row(d, stroma_mesh_index(m, 0, j, k), acc);
}

/* The update of every row, when the sweeps have no z pass to hand it to (nz = 1). */
static void adi_update(adi_data *d) {
    const stroma_mesh *m = &d->t->mesh;
    const int nrows = m->ny * m->nz;
    int nt = omp_get_max_threads(); /* at most the threads the scratch was sized for */
    if (nt > d->nthreads)
        nt = d->nthreads;
#pragma omp parallel num_threads(nt) if (m->nvox * (size_t)d->t->nsub >= 16384)
    {
        int tid = omp_get_thread_num();
        if (tid >= d->nthreads)
            tid = 0;
        double *acc = d->acc + (size_t)tid * d->row;
#pragma omp for schedule(static)
        for (int r = 0; r < nrows; r++)
            adi_update_row(d, (size_t)r * (size_t)m->nx, acc);
    }
}

static void adi_step_react(stroma_transport *t, const stroma_reaction *rx, int nrx) {
    adi_data *d = t->solver_data;
    if (t->nsub == 0)
        return;
    d->t = t;
    d->rx = rx;
    d->nrx = nrx < STROMA_REACTION_LISTS_MAX ? (nrx > 0 ? nrx : 0) : STROMA_REACTION_LISTS_MAX;
    const int z = stroma_mesh_axis_active(&t->mesh, 2);
    stroma_prestep pre = {adi_rhs, d, z ? adi_after_slab : NULL};
    d->sh.ops->step(&d->sh, &pre);
    if (!z)
        adi_update(d);
    d->t = NULL;
    d->rx = NULL;
    d->nrx = 0;
}

static void adi_step(stroma_transport *t, const stroma_prestep *pre) {
    if (pre)
        pre->apply(pre->ctx, t, 0, t->mesh.nvox);
    adi_step_react(t, NULL, 0);
}

static void adi_destroy(stroma_transport *t) {
    adi_free(t->solver_data);
    t->solver_data = NULL;
    t->solver_bytes = 0;
}

static void *adi_calloc(adi_data *d, size_t n, size_t size) {
    d->bytes += n * size;
    return calloc(n > 0 ? n : 1, size);
}

/* Whether substrate s is the first of sigma group g. */
static int adi_first_of_group(const int *wgroup, size_t s, int g) {
    for (size_t q = 0; q < s; q++)
        if (wgroup[q] == g)
            return 0;
    return 1;
}

static int adi_prepare_theta(stroma_transport *t, stroma_error *err, double theta) {
    const stroma_mesh *m = &t->mesh;
    const size_t ns = (size_t)t->nsub, nval = m->nvox * ns, row = (size_t)m->nx * ns;
    adi_data *d = calloc(1, sizeof *d);
    if (!d)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: out of memory");
    d->bytes = sizeof *d;
    d->theta = theta;
    d->row = row;
    d->nthreads = omp_get_max_threads() > omp_get_num_procs() ? omp_get_max_threads() : omp_get_num_procs();
    size_t zn = ns * STROMA_FACE_COUNT > row ? ns * STROMA_FACE_COUNT : row;
    size_t dbytes = (nval * sizeof(double) + 63) / 64 * 64;
    d->delta = aligned_alloc(64, dbytes > 0 ? dbytes : 64);
    d->bytes += dbytes;
    d->zero = adi_calloc(d, zn + 1, sizeof(double));
    d->fix0 = adi_calloc(d, t->nfixed, sizeof *d->fix0);
    d->rr = adi_calloc(d, row, sizeof(double));
    d->dd = adi_calloc(d, row, sizeof(double));
    d->inv_den = adi_calloc(d, row, sizeof(double));
    d->ghost = adi_calloc(d, (size_t)d->nthreads * 4 * row, sizeof(double));
    d->acc = adi_calloc(d, (size_t)d->nthreads * row, sizeof(double));
    if (!d->delta || !d->zero || !d->fix0 || !d->rr || !d->dd || !d->inv_den || !d->ghost || !d->acc) {
        adi_free(d);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: no memory for a %zu-value increment", nval);
    }
    memset(d->delta, 0, dbytes > 0 ? dbytes : 64);
    for (size_t q = 0; q < (size_t)d->nthreads * row; q++)
        d->acc[q] = NAN;
    const double dx2 = m->dx_um * m->dx_um, dt = t->dt_min;
    for (size_t q = 0; q < row; q++) {
        const size_t s = q % ns;
        d->rr[q] = t->diffusion_um2_per_min[s] * dt / dx2;
        d->dd[q] = dt * t->decay_per_min[s];
        d->inv_den[q] = 1.0 / (1.0 + theta * dt * t->decay_per_min[s]);
    }
    if (t->hindered) {
        int ng = 0;
        d->wgroup = adi_calloc(d, ns, sizeof *d->wgroup);
        if (!d->wgroup) {
            adi_free(d);
            return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: no memory for hindrance");
        }
        for (size_t s = 0; s < ns; s++) {
            d->wgroup[s] = -1;
            if (!(t->ecm_sensitivity[s] > 0.0))
                continue;
            for (size_t q = 0; q < s && d->wgroup[s] < 0; q++)
                if (t->ecm_sensitivity[q] == t->ecm_sensitivity[s])
                    d->wgroup[s] = d->wgroup[q];
            if (d->wgroup[s] < 0)
                d->wgroup[s] = ng++;
        }
        d->wf = adi_calloc(d, (size_t)ng * 3 * m->nvox, sizeof *d->wf);
        int wv_ok = 1;
        for (int a = 0; a < 3; a++)
            if (stroma_mesh_axis_active(m, a)) {
                d->wv[a] = adi_calloc(d, nval, sizeof(double));
                wv_ok = wv_ok && d->wv[a];
            }
        if (!d->wf || !wv_ok) {
            adi_free(d);
            return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: no memory for hindrance face factors");
        }
        const int n[3] = {m->nx, m->ny, m->nz};
        const size_t step[3] = {1, (size_t)m->nx, (size_t)m->nx * (size_t)m->ny};
        for (size_t s = 0; s < ns; s++) {
            const int g = d->wgroup[s];
            if (g < 0 || !adi_first_of_group(d->wgroup, s, g))
                continue; /* filled once per group, by its first substrate */
            const double sg = t->ecm_sensitivity[s], *E = t->ecm;
            for (int a = 0; a < 3; a++) {
                double *w = d->wf + ((size_t)g * 3 + (size_t)a) * m->nvox;
                for (int k = 0; k < m->nz; k++)
                    for (int j = 0; j < m->ny; j++)
                        for (int i = 0; i < m->nx; i++) {
                            const int idx[3] = {i, j, k};
                            const size_t v = stroma_mesh_index(m, i, j, k);
                            w[v] = idx[a] < n[a] - 1 ? 1.0 / (1.0 + sg * (0.5 * (E[v] + E[v + step[a]]))) : 1.0;
                        }
            }
        }
    }
    for (int a = 0; a < 3; a++) {
        if (!d->wv[a])
            continue;
        const int n[3] = {m->nx, m->ny, m->nz};
        for (int k = 0; k < m->nz; k++)
            for (int j = 0; j < m->ny; j++)
                for (int i = 0; i < m->nx; i++) {
                    const int idx[3] = {i, j, k};
                    const size_t v = stroma_mesh_index(m, i, j, k);
                    for (size_t s = 0; s < ns; s++) {
                        const int g = d->wgroup[s];
                        d->wv[a][v * ns + s] = idx[a] == n[a] - 1 ? 0.0
                                               : g < 0            ? 1.0
                                                                  : d->wf[((size_t)g * 3 + (size_t)a) * m->nvox + v];
                    }
                }
    }
    for (size_t f = 0; f < t->nfixed; f++) {
        d->fix0[f] = t->fixed[f];
        d->fix0[f].value = 0.0;
    }
    /* the shadow: the same mesh, diffusion, faces, held ends and hindrance; dt theta dt; no decay; homogeneous
     * boundary data and fixed values, so the sweeps solve the increment */
    d->sh = *t;
    d->sh.c = d->delta;
    d->sh.dt_min = theta * dt;
    d->sh.decay_per_min = d->zero;
    d->sh.face_value = d->zero;
    d->sh.reset = NULL;
    d->sh.nreset = 0;
    d->sh.fixed = d->fix0;
    d->sh.ops = NULL;
    d->sh.solver_data = NULL;
    d->sh.solver_bytes = 0;
    if (stroma_solver_lod_ops.prepare(&d->sh, err) != STROMA_OK) {
        adi_free(d);
        return err ? err->code : STROMA_ERR_NOMEM;
    }
    d->sh.ops = &stroma_solver_lod_ops;
    adi_free(t->solver_data);
    t->solver_data = d;
    t->solver_bytes = d->bytes + d->sh.solver_bytes;
    return STROMA_OK;
}

static int adi_check(stroma_transport *t, stroma_error *err) {
    for (size_t k = 0; k < t->nsub * (size_t)STROMA_FACE_COUNT; k++)
        if (t->face_reset[k])
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "adi solver: boundary_convention biofvm needs the lod solver");
    return STROMA_OK;
}

static int adi_prepare(stroma_transport *t, stroma_error *err) {
    if (adi_check(t, err) != STROMA_OK)
        return err ? err->code : STROMA_ERR_ARGUMENT;
    return adi_prepare_theta(t, err, 1.0);
}

static int adi_cn_prepare(stroma_transport *t, stroma_error *err) {
    if (adi_check(t, err) != STROMA_OK)
        return err ? err->code : STROMA_ERR_ARGUMENT;
    return adi_prepare_theta(t, err, 0.5);
}

/* With no-flux faces the three sweeps keep the increment's sum (columns of I - theta dt A sum to 1) and the
 * diagonal factor is applied last, so sum(c') - sum(c) = dt sum(L(c)) - theta dt lambda sum(c' - c) = -dt lambda
 * (sum(c) + theta (sum(c') - sum(c))): sum(c') = sum(c) (1 - (1 - theta) dt lambda) / (1 + theta dt lambda). */
static double adi_kept(const stroma_transport *t, int s) {
    const adi_data *d = t->solver_data;
    const double dl = t->dt_min * t->decay_per_min[s];
    return (1.0 - (1.0 - d->theta) * dl) / (1.0 + d->theta * dl);
}

const stroma_solver_ops stroma_solver_adi_ops = {.name = "adi",
                                                 .prepare = adi_prepare,
                                                 .step = adi_step,
                                                 .destroy = adi_destroy,
                                                 .kept = adi_kept,
                                                 .step_react = adi_step_react};

const stroma_solver_ops stroma_solver_adi_cn_ops = {.name = "adi-cn",
                                                    .prepare = adi_cn_prepare,
                                                    .step = adi_step,
                                                    .destroy = adi_destroy,
                                                    .kept = adi_kept,
                                                    .step_react = adi_step_react};
