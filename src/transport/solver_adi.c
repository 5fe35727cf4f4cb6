/* The "adi" diffusion-reaction solver: the Douglas alternating-direction implicit scheme, whose fixed point is the
 * discrete operator's steady state at any dt, written in place on the field so that a step streams it from memory
 * no more often than lod does. The operator is A = Ax + Ay + Az + K: diffusion along each axis with its share
 * lambda / dim of the decay and its boundary terms, and K the step's linear reactions s - k c (cells, point sources,
 * vessel walls). With theta = 1 ("adi") or 1/2 ("adi-cn") a step is
 *   v0 = c + dt A c - theta dt Ax c                       stage RHS (explicit, from the planes as they were)
 *   (I - theta dt Ax) v1 = v0                             lod's x sweep
 *   (I - theta dt Ay) v2 = v1 - theta dt Ay c             stage BEFORE_Y, then lod's y sweep
 *   (I - theta dt Az) v3 = v2 - theta dt Az c             stage AFTER_Y, then lod's z sweep
 *   c' = c + (v3 - c) / (1 + theta dt k)                  the reactions voxel by voxel: after_slab (3D) or
 *                                                           stage AFTER_Y (2D)
 * which is the delta form (I + theta dt k)(I - theta dt Az)(I - theta dt Ay)(I - theta dt Ax)(c' - c) = dt A c:
 * c' = c exactly where A c = 0, at any dt. The reactions' factor comes last, where the stiff local terms (vessel
 * walls, uptake) damp each voxel's own increment (first, the sweeps would spread a damped increment to voxels
 * that have not damped it: a transient error 300 times larger in the healthy tissue's oxygen). Stage RHS saves c
 * at the reaction voxels for that last factor. lod runs its own sweeps (with dt theta dt) on the field and calls the
 * stages through stroma_prestep.stage, handing them copies of the planes as they were at the step's start. */
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "transport/solvers.h"
#include "util/error_impl.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* The streaming kernels are compiled for AVX-512, AVX2 and the baseline like the lod sweeps (no fused
 * multiply-add in any: the same rounding in every clone). */
/* Helpers called from the clones are inlined into each (a call from a clone's vector code into baseline code
 * costs far more than the call: see solver_lod.c). */
#define ADI_INLINE static inline __attribute__((always_inline))
#ifdef STROMA_NO_CLONES
#define ADI_CLONES
#else
#define ADI_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

typedef struct adi_data {
    double theta;          /* implicitness of the factors: 1 (adi) or 1/2 (adi-cn) */
    stroma_transport sh;   /* the field's own transport with dt theta dt, solved by lod with stage hooks;
                              sh.solver_data is lod's, owned */
    size_t row;            /* values per x-row: nx * nsub */
    int act[3];            /* axes solved */
    double *rr;            /* [row] r = D dt / dx^2 of each value's substrate along an x-row */
    double *dl;            /* [row] dt lambda / dim */
    double *ddc;           /* [row] the explicit right-hand side's decay: dl ((1 - theta) [x] + [y] + [z]) */
    double *zero;          /* [row] zeros */
    int nthreads;
    double *ghost;         /* [nthreads][4 rows] ghost rows beyond y and z faces */
    double *own;           /* [nthreads][row] the voxel's own face factor 1 / (1 + sigma E) (hindered, at faces) */
    size_t plane_vals;     /* values per z-plane: ny * row */
    double *ycorr, *zcorr; /* [nthreads][plane_vals] theta dt Ay c and theta dt Az c of the rows stage RHS did */
    double *acc;           /* [nthreads][2 rows] reaction voxels' rate sums (NaN between uses), then c there */
    double *cnsave;        /* c at each reaction list entry's voxel ([list offset + entry][nsub]), saved by stage RHS */
    size_t cn_cap;         /* doubles in cnsave */
    size_t rxoff[STROMA_REACTION_LISTS_MAX]; /* first value of each list in cnsave */
    unsigned char *shared; /* per entry of the step's lists (list offset / nsub + entry): 1 where its voxel is
                              listed again (in another list or the same one), so its rates are summed in acc; the
                              factor of the others is applied run by run */
    size_t sh_cap;         /* entries in shared */
    int anyshared;         /* some entry of the step is shared */
    /* hindrance (t->hindered): per solved axis and value, the factor of the face between voxel v and its next
     * voxel along the axis, 1 / (1 + sigma (E_v + E_v+) / 2) (1 for sigma = 0; 0 on a line's last voxel) */
    double *wv[3];
    size_t bytes;
    /* the step being taken (set by adi_step_react; read by the stages) */
    stroma_transport *t;
    const stroma_reaction *rx;
    int nrx;
} adi_data;

static void adi_free(adi_data *d) {
    if (!d)
        return;
    if (d->sh.ops)
        d->sh.ops->destroy(&d->sh);
    free(d->rr);
    free(d->dl);
    free(d->ddc);
    free(d->zero);
    free(d->ghost);
    free(d->own);
    free(d->acc);
    free(d->cnsave);
    free(d->shared);
    free(d->ycorr);
    free(d->zcorr);
    for (int a = 0; a < 3; a++)
        free(d->wv[a]);
    free(d);
}

/* First entry of list r at voxel >= v (binary search). */
ADI_INLINE size_t rx_lower(const stroma_reaction *r, size_t v) {
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
ADI_INLINE double adi_ghost(const stroma_transport *t, int s, int a, int f, double cv) {
    size_t q = (size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a + (size_t)f;
    return t->face_dirichlet[q] ? 2.0 * t->face_value[q] - cv : cv;
}

ADI_INLINE int adi_tid(const adi_data *d) {
    int tid = omp_get_thread_num();
    return tid < d->nthreads ? tid : 0; /* lod uses at most the threads the scratch was sized for */
}

/* out = c + rr (ex lapx + lapy + lapz) - ddc c over len values, and the later stages' corrections yc = th (rr lapy
 * - dl c), zc (when hz) the same with lapz; lap = (m + p) - 2 c (an unsolved axis: m = p = c), or with face factors
 * (hw) lap = wl (m - c) + wh (p - c) (an unsolved axis: factors 0). hx = 0 (theta = 1: ex = 0) leaves the x terms
 * out: ex lapx = +0 and y + 0 = y, so the values are the same, without reading the x neighbours. The flags are
 * constants in each call below: one loop per case. */
ADI_INLINE void adi_rhs_body(double *restrict out, double *restrict yc, double *restrict zc,
                             const double *restrict c, const double *restrict xm, const double *restrict xp,
                             const double *restrict ym, const double *restrict yp, const double *restrict zm,
                             const double *restrict zp, const double *restrict wxl, const double *restrict wxh,
                             const double *restrict wyl, const double *restrict wyh, const double *restrict wzl,
                             const double *restrict wzh, const double *restrict rr, const double *restrict dl,
                             const double *restrict ddc, double ex, double th, size_t len, const int hz,
                             const int hx, const int hw) {
#pragma omp simd
    for (size_t q = 0; q < len; q++) {
        const double cv = c[q], c2 = 2.0 * cv;
        const double ly = hw ? wyl[q] * (ym[q] - cv) + wyh[q] * (yp[q] - cv) : (ym[q] + yp[q]) - c2;
        const double lz = !hz ? 0.0 : hw ? wzl[q] * (zm[q] - cv) + wzh[q] * (zp[q] - cv) : (zm[q] + zp[q]) - c2;
        const double lx = !hx ? 0.0 : hw ? wxl[q] * (xm[q] - cv) + wxh[q] * (xp[q] - cv) : (xm[q] + xp[q]) - c2;
        const double lxy = hx ? ex * lx + ly : ly;
        out[q] = cv + (rr[q] * (hz ? lxy + lz : lxy) - ddc[q] * cv);
        yc[q] = th * (rr[q] * ly - dl[q] * cv);
        if (hz)
            zc[q] = th * (rr[q] * lz - dl[q] * cv);
    }
}

/* The cases of adi_rhs_body: with z (zc given) or not, with x (ex != 0) or not. */
#define ADI_RHS_CASES(HW)                                                                                          \
    do {                                                                                                           \
        if (zc && ex != 0.0)                                                                                       \
            ADI_RHS_CALL(1, 1, HW);                                                                                \
        else if (zc)                                                                                               \
            ADI_RHS_CALL(1, 0, HW);                                                                                \
        else if (ex != 0.0)                                                                                        \
            ADI_RHS_CALL(0, 1, HW);                                                                                \
        else                                                                                                       \
            ADI_RHS_CALL(0, 0, HW);                                                                                \
    } while (0)

static ADI_CLONES void adi_rhs_kernel(double *restrict out, double *restrict yc, double *restrict zc,
                                      const double *restrict c, const double *restrict xm, const double *restrict xp,
                                      const double *restrict ym, const double *restrict yp, const double *restrict zm,
                                      const double *restrict zp, const double *restrict rr, const double *restrict dl,
                                      const double *restrict ddc, double ex, double th, size_t len) {
#define ADI_RHS_CALL(HZ, HX, HW)                                                                                   \
    adi_rhs_body(out, yc, zc, c, xm, xp, ym, yp, zm, zp, NULL, NULL, NULL, NULL, NULL, NULL, rr, dl, ddc, ex, th,   \
                 len, HZ, HX, HW)
    ADI_RHS_CASES(0);
#undef ADI_RHS_CALL
}

/* The same with face factors. */
static ADI_CLONES void adi_rhs_kernel_w(double *restrict out, double *restrict yc, double *restrict zc,
                                        const double *restrict c, const double *restrict xm,
                                        const double *restrict xp, const double *restrict ym,
                                        const double *restrict yp, const double *restrict zm,
                                        const double *restrict zp, const double *restrict wxl,
                                        const double *restrict wxh, const double *restrict wyl,
                                        const double *restrict wyh, const double *restrict wzl,
                                        const double *restrict wzh, const double *restrict rr,
                                        const double *restrict dl, const double *restrict ddc, double ex, double th,
                                        size_t len) {
#define ADI_RHS_CALL(HZ, HX, HW)                                                                                   \
    adi_rhs_body(out, yc, zc, c, xm, xp, ym, yp, zm, zp, wxl, wxh, wyl, wyh, wzl, wzh, rr, dl, ddc, ex, th, len, HZ, \
                 HX, HW)
    ADI_RHS_CASES(1);
#undef ADI_RHS_CALL
}

#undef ADI_RHS_CASES

/* out -= corr over len values. */
static ADI_CLONES void adi_sub_kernel(double *restrict out, const double *restrict corr, size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++)
        out[q] -= corr[q];
}

/* o += dt (src - k c) over len values (a run of a reaction list's entries at consecutive voxels); c is saved into
 * sv. */
ADI_INLINE void adi_rx_add(double *restrict o, double *restrict sv, const double *restrict c,
                           const double *restrict k, const double *restrict src, double dt, size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++) {
        o[q] += dt * (src[q] - k[q] * c[q]);
        sv[q] = c[q];
    }
}

/* The reactions' rates over len values of a run: a = k and cr = c where a is NaN (the voxel's first list),
 * a += k elsewhere. */
ADI_INLINE void adi_acc_run(double *restrict a, double *restrict cr, const double *restrict k,
                            const double *restrict c, size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++) {
        const double av = a[q];
        const int first = av != av;
        a[q] = first ? k[q] : av + k[q];
        cr[q] = first ? c[q] : cr[q];
    }
}

/* x = c + (x - c) / (1 + tdt k) over len values (a run of entries whose voxels are listed once in the step). */
ADI_INLINE void adi_react_run(double *restrict x, const double *restrict c, const double *restrict k, double tdt,
                              size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++)
        x[q] = c[q] + (x[q] - c[q]) * (1.0 / (1.0 + tdt * k[q]));
}

/* x = c + (x - c) / (1 + tdt a) where a is not NaN, then a = NaN, over len values. */
ADI_INLINE void adi_react_acc(double *restrict x, const double *restrict c, double *restrict a, double tdt,
                              size_t len) {
#pragma omp simd
    for (size_t q = 0; q < len; q++) {
        const double av = a[q];
        if (av == av) {
            x[q] = c[q] + (x[q] - c[q]) * (1.0 / (1.0 + tdt * av));
            a[q] = NAN;
        }
    }
}

/* The end of the run of list r's entries from e at consecutive voxels, below voxel end (and, when sh is given, with
 * the same sh flag as entry e). */
ADI_INLINE size_t rx_run(const stroma_reaction *r, size_t e, size_t end, const unsigned char *sh) {
    size_t f = e + 1;
    while (f < r->n && r->voxel[f] == r->voxel[f - 1] + 1 && r->voxel[f] < end && (!sh || sh[f] == sh[e]))
        f++;
    return f;
}

/* The neighbour rows of x-row (j, k) along axis a (1: y, 2: z) in the planes as they were (o), a ghost row at a
 * face (written into g), the row itself along an unsolved axis; with hindrance the face factors towards each
 * (wl, wh: the prepared ones inside, the voxel's own at a face (own), zeros along an unsolved axis). */
ADI_INLINE void adi_neighbours(const adi_data *d, int a, int j, int k, const double *const o[3], const double *cn,
                           size_t gq, double *g, const double *own, const double **m, const double **p,
                           const double **wl, const double **wh) {
    const stroma_transport *t = d->t;
    const size_t row = d->row, nsz = (size_t)t->nsub;
    const int pos = a == 1 ? j : k, n = a == 1 ? t->mesh.ny : t->mesh.nz;
    const size_t step = a == 1 ? (size_t)t->mesh.nx * nsz : (size_t)t->mesh.nx * (size_t)t->mesh.ny * nsz;
    if (!d->act[a]) {
        *m = *p = cn;
        *wl = *wh = own ? d->zero : NULL; /* hindered: zero factors; else (m + p) - 2 c = 0 */
        return;
    }
    const double *lo = pos > 0 ? (a == 1 ? o[1] + (size_t)(j - 1) * row : o[0] + (size_t)j * row) : NULL;
    const double *hi = pos < n - 1 ? (a == 1 ? o[1] + (size_t)(j + 1) * row : o[2] + (size_t)j * row) : NULL;
    for (int f = 0; f < 2; f++) {
        if (f == 0 ? lo != NULL : hi != NULL)
            continue;
        double *gr = g + (size_t)f * row;
        for (size_t q = 0; q < row; q++)
            gr[q] = adi_ghost(t, (int)(q % nsz), a, f, cn[q]);
        if (f == 0)
            lo = gr;
        else
            hi = gr;
    }
    *m = lo;
    *p = hi;
    if (d->wv[a]) {
        *wl = pos > 0 ? d->wv[a] + gq - step : own;
        *wh = pos < n - 1 ? d->wv[a] + gq : own;
    } else {
        *wl = *wh = NULL;
    }
}

/* The voxel's own face factors along x-row (j, k) into own (needed only at a Dirichlet face). */
ADI_INLINE void adi_own_row(const adi_data *d, size_t v_row, double *own) {
    const stroma_transport *t = d->t;
    const size_t nsz = (size_t)t->nsub, nx = (size_t)t->mesh.nx;
    for (size_t i = 0; i < nx; i++)
        for (size_t s = 0; s < nsz; s++)
            own[i * nsz + s] = 1.0 / (1.0 + t->ecm_sensitivity[s] * t->ecm[v_row + i]);
}

/* Sets the fixed voxels of the x-row starting at voxel v_row (in t->c) to their values. */
ADI_INLINE void adi_fix_row(const stroma_transport *t, size_t v_row) {
    const size_t nsz = (size_t)t->nsub, end = v_row + (size_t)t->mesh.nx;
    for (size_t f = stroma_transport_fixed_first(t, v_row); f < t->nfixed && t->fixed[f].voxel < end; f++)
        t->c[t->fixed[f].voxel * nsz + (size_t)t->fixed[f].substrate] = t->fixed[f].value;
}

/* The x part of the Laplacian at value (i, s) of the x-row from voxel v_row, from that row as it was (cn): with the
 * faces' ghosts and, hindered, the face factors (the voxel's own at a face). */
ADI_INLINE double adi_lap_x(const adi_data *d, const double *cn, size_t v_row, size_t i, size_t s, int hind) {
    const stroma_transport *t = d->t;
    const size_t nsz = (size_t)t->nsub, nx = (size_t)t->mesh.nx, q = i * nsz + s;
    const double cv = cn[q];
    const double xm = i > 0 ? cn[q - nsz] : adi_ghost(t, (int)s, 0, 0, cv);
    const double xp = i < nx - 1 ? cn[q + nsz] : adi_ghost(t, (int)s, 0, 1, cv);
    if (!hind)
        return (xm + xp) - 2.0 * cv;
    const size_t gq = v_row * nsz;
    const double ow = i > 0 && i < nx - 1 ? 0.0 : 1.0 / (1.0 + t->ecm_sensitivity[s] * t->ecm[v_row + i]);
    const double wl = i > 0 ? d->wv[0][gq + q - nsz] : ow;
    const double wh = i < nx - 1 ? d->wv[0][gq + q] : ow;
    return wl * (xm - cv) + wh * (xp - cv);
}

/* Stage RHS on x-row (j, k): v0 = c + dt (A c) - theta dt Ax c from the planes as they were, into t->c. */
static ADI_CLONES void adi_row_rhs(const adi_data *d, int j, int k, const double *const o[3]) {
    const stroma_transport *t = d->t;
    const stroma_mesh *m = &t->mesh;
    const size_t nsz = (size_t)t->nsub, row = d->row, nx = (size_t)m->nx;
    const size_t v_row = stroma_mesh_index(m, 0, j, k), gq = v_row * nsz;
    const double *cn = o[1] + (size_t)j * row;
    double *out = t->c + gq;
    const int tid = adi_tid(d);
    double *g = d->ghost + (size_t)tid * 4 * row, *own = d->own ? d->own + (size_t)tid * row : NULL;
    const int face = (d->act[1] && (j == 0 || j == m->ny - 1)) || (d->act[2] && (k == 0 || k == m->nz - 1));
    const int hind = own != NULL;
    if (hind && face)
        adi_own_row(d, v_row, own);
    const double *ym, *yp, *zm, *zp, *wyl, *wyh, *wzl, *wzh;
    adi_neighbours(d, 1, j, k, o, cn, gq, g, own, &ym, &yp, &wyl, &wyh);
    adi_neighbours(d, 2, j, k, o, cn, gq, g + 2 * row, own, &zm, &zp, &wzl, &wzh);
    const double ex = 1.0 - d->theta;
    const int ax = d->act[0];
    /* the corrections of stages BEFORE_Y and AFTER_Y, kept in this thread's copies of the plane's rows */
    double *yc = d->ycorr + (size_t)tid * d->plane_vals + (size_t)j * row;
    double *zc = d->act[2] ? d->zcorr + (size_t)tid * d->plane_vals + (size_t)j * row : NULL;
    /* inside the row: x neighbours in the row */
    if (nx > 2) {
        const size_t a0 = nsz, len = row - 2 * nsz;
        if (hind)
            adi_rhs_kernel_w(out + a0, yc + a0, zc ? zc + a0 : NULL, cn + a0, ax ? cn : cn + a0,
                             ax ? cn + 2 * nsz : cn + a0, ym + a0, yp + a0, zm + a0, zp + a0,
                             ax ? d->wv[0] + gq : d->zero, ax ? d->wv[0] + gq + a0 : d->zero, wyl + a0, wyh + a0,
                             wzl + a0, wzh + a0, d->rr + a0, d->dl + a0, d->ddc + a0, ex, d->theta, len);
        else
            adi_rhs_kernel(out + a0, yc + a0, zc ? zc + a0 : NULL, cn + a0, ax ? cn : cn + a0,
                           ax ? cn + 2 * nsz : cn + a0, ym + a0, yp + a0, zm + a0, zp + a0, d->rr + a0, d->dl + a0,
                           d->ddc + a0, ex, d->theta, len);
    }
    /* the row's end voxels: x ghosts at the faces */
    for (size_t i = 0; i < nx; i += (nx > 1 ? nx - 1 : 1)) {
        for (size_t s = 0; s < nsz; s++) {
            const size_t q = i * nsz + s;
            const double cv = cn[q];
            const double lx = ax ? adi_lap_x(d, cn, v_row, i, s, hind) : 0.0;
            double ly, lz;
            if (hind) {
                ly = wyl[q] * (ym[q] - cv) + wyh[q] * (yp[q] - cv);
                lz = wzl[q] * (zm[q] - cv) + wzh[q] * (zp[q] - cv);
            } else {
                ly = (ym[q] + yp[q]) - 2.0 * cv;
                lz = (zm[q] + zp[q]) - 2.0 * cv;
            }
            out[q] = cv + (d->rr[q] * ((ex * lx + ly) + lz) - d->ddc[q] * cv);
            yc[q] = d->theta * (d->rr[q] * ly - d->dl[q] * cv);
            if (zc)
                zc[q] = d->theta * (d->rr[q] * lz - d->dl[q] * cv);
        }
        if (nx == 1)
            break;
    }
    /* the step's reactions, list by list (their implicit factor comes last); c saved at their voxels */
    const double dt = t->dt_min;
    for (int l = 0; l < d->nrx; l++) {
        const stroma_reaction *r = &d->rx[l];
        for (size_t e = rx_lower(r, v_row), f; e < r->n && r->voxel[e] < v_row + nx; e = f) {
            f = rx_run(r, e, v_row + nx, NULL);
            const size_t q = (r->voxel[e] - v_row) * nsz;
            adi_rx_add(out + q, d->cnsave + d->rxoff[l] + e * nsz, cn + q, r->rate + e * nsz, r->source + e * nsz,
                       dt, (f - e) * nsz);
        }
    }
    if (t->nfixed)
        adi_fix_row(t, v_row);
}

/* Stage BEFORE_Y (a = 1) or AFTER_Y (a = 2) on x-row (j, k): t->c -= theta dt Aa c (kept by stage RHS). */
static ADI_CLONES void adi_row_axis(const adi_data *d, int a, int j, int k) {
    const stroma_transport *t = d->t;
    const size_t row = d->row, v_row = stroma_mesh_index(&t->mesh, 0, j, k);
    const double *corr = (a == 1 ? d->ycorr : d->zcorr) + (size_t)adi_tid(d) * d->plane_vals + (size_t)j * row;
    adi_sub_kernel(t->c + v_row * (size_t)t->nsub, corr, row);
    if (t->nfixed)
        adi_fix_row(t, v_row);
}

/* The reactions' factor on x-row (j, k): x = c + (x - c) / (1 + theta dt k) at its reaction voxels. A voxel listed
 * once gets its entry's factor directly, run by run; the rates of a voxel listed more than once are summed in list
 * order in acc (the caller's row, all NaN on entry and on return; c from cnsave) and its factor applied after,
 * over the same runs. */
static ADI_CLONES void adi_row_react(const adi_data *d, int j, int k) {
    const stroma_transport *t = d->t;
    const size_t nsz = (size_t)t->nsub, nx = (size_t)t->mesh.nx, row = d->row;
    const size_t v_row = stroma_mesh_index(&t->mesh, 0, j, k), end = v_row + nx;
    double *x = t->c + v_row * nsz, *acc = d->acc + (size_t)adi_tid(d) * 2 * row, *cr = acc + row;
    const double tdt = d->theta * t->dt_min;
    int any = 0, summed = 0;
    for (int l = 0; l < d->nrx; l++) {
        const stroma_reaction *r = &d->rx[l];
        const double *cs = d->cnsave + d->rxoff[l];
        const unsigned char *sh = d->anyshared ? d->shared + d->rxoff[l] / nsz : NULL;
        for (size_t e = rx_lower(r, v_row), f; e < r->n && r->voxel[e] < end; e = f) {
            f = rx_run(r, e, end, sh);
            const size_t q = (r->voxel[e] - v_row) * nsz, len = (f - e) * nsz;
            if (sh && sh[e]) {
                adi_acc_run(acc + q, cr + q, r->rate + e * nsz, cs + e * nsz, len);
                summed = 1;
            } else {
                adi_react_run(x + q, cs + e * nsz, r->rate + e * nsz, tdt, len);
            }
            any = 1;
        }
    }
    if (!any)
        return;
    /* the summed voxels' factor, over their runs again (a voxel in two lists is done at its first: acc is NaN
     * after) */
    for (int l = 0; summed && l < d->nrx; l++) {
        const stroma_reaction *r = &d->rx[l];
        const unsigned char *sh = d->shared + d->rxoff[l] / nsz;
        for (size_t e = rx_lower(r, v_row), f; e < r->n && r->voxel[e] < end; e = f) {
            f = rx_run(r, e, end, sh);
            const size_t q = (r->voxel[e] - v_row) * nsz;
            if (sh[e])
                adi_react_acc(x + q, cr + q, acc + q, tdt, (f - e) * nsz);
        }
    }
    if (t->nfixed)
        adi_fix_row(t, v_row);
}

/* lod's after_slab (3D): the reactions' factor on y-slab j, once the z sweep has finished it. */
static void adi_after_slab(void *ctx, stroma_transport *sh, int j) {
    (void)sh;
    const adi_data *d = ctx;
    for (int k = 0; k < d->t->mesh.nz; k++)
        adi_row_react(d, j, k);
}

/* lod's stage hook (stroma_prestep.stage) on x-rows [j0, j1) of plane k. */
static void adi_stage(void *ctx, stroma_transport *sh, int what, int k, int j0, int j1, const double *const o[3]) {
    (void)sh;
    adi_data *d = ctx;
    for (int j = j0; j < j1; j++) {
        if (what == STROMA_STAGE_RHS) {
            adi_row_rhs(d, j, k, o);
        } else if (what == STROMA_STAGE_BEFORE_Y) {
            adi_row_axis(d, 1, j, k);
        } else if (d->act[2]) {
            adi_row_axis(d, 2, j, k);
        } else {
            adi_row_react(d, j, k);
        }
    }
}

/* Marks the entries of the step's lists whose voxel is listed more than once (in the same list or another): the
 * lists are sorted, so a walk over each pair finds the common voxels. */
static int adi_mark_shared(adi_data *d, const stroma_reaction *rx, int nrx, size_t entries, size_t ns) {
    d->anyshared = 0;
    if (entries > d->sh_cap) {
        unsigned char *p = realloc(d->shared, entries);
        if (!p)
            return -1;
        d->shared = p;
        d->sh_cap = entries;
    }
    if (entries)
        memset(d->shared, 0, entries);
    for (int l = 0; l < nrx; l++) {
        unsigned char *a = d->shared + d->rxoff[l] / ns;
        for (size_t e = 1; e < rx[l].n; e++)
            if (rx[l].voxel[e] == rx[l].voxel[e - 1]) {
                a[e] = a[e - 1] = 1;
                d->anyshared = 1;
            }
        for (int m = l + 1; m < nrx; m++) {
            unsigned char *b = d->shared + d->rxoff[m] / ns;
            size_t e = 0, f = 0;
            while (e < rx[l].n && f < rx[m].n) {
                const size_t u = rx[l].voxel[e], w = rx[m].voxel[f];
                if (u < w) {
                    e++;
                } else if (w < u) {
                    f++;
                } else {
                    for (size_t g = e; g < rx[l].n && rx[l].voxel[g] == u; g++)
                        a[g] = 1;
                    for (size_t g = f; g < rx[m].n && rx[m].voxel[g] == u; g++)
                        b[g] = 1;
                    d->anyshared = 1;
                    e++;
                    f++;
                }
            }
        }
    }
    return 0;
}

static int adi_step_react(stroma_transport *t, const stroma_reaction *rx, int nrx) {
    adi_data *d = t->solver_data;
    if (t->nsub == 0)
        return 0;
    nrx = nrx < STROMA_REACTION_LISTS_MAX ? (nrx > 0 ? nrx : 0) : STROMA_REACTION_LISTS_MAX;
    size_t need = 0;
    for (int l = 0; l < nrx; l++) {
        d->rxoff[l] = need;
        need += rx[l].n * (size_t)t->nsub;
    }
    if (need > d->cn_cap) {
        double *p = realloc(d->cnsave, need * sizeof *p);
        if (!p)
            return -1;
        d->cnsave = p;
        d->cn_cap = need;
    }
    if (adi_mark_shared(d, rx, nrx, need / (size_t)t->nsub, (size_t)t->nsub) != 0)
        return -1;
    d->t = t;
    d->rx = rx;
    d->nrx = nrx;
    d->sh.c = t->c;
    stroma_prestep pre = {.ctx = d, .stage = adi_stage, .after_slab = nrx > 0 ? adi_after_slab : NULL};
    d->sh.ops->step(&d->sh, &pre);
    d->t = NULL;
    d->rx = NULL;
    d->nrx = 0;
    return 0;
}

static void adi_step(stroma_transport *t, const stroma_prestep *pre) {
    if (pre)
        pre->apply(pre->ctx, t, 0, t->mesh.nvox);
    (void)adi_step_react(t, NULL, 0); /* no lists: nothing to grow */
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

static int adi_prepare_theta(stroma_transport *t, stroma_error *err, double theta) {
    const stroma_mesh *m = &t->mesh;
    const size_t ns = (size_t)t->nsub, nval = m->nvox * ns, row = (size_t)m->nx * ns;
    adi_data *d = calloc(1, sizeof *d);
    if (!d)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: out of memory");
    d->bytes = sizeof *d;
    d->theta = theta;
    d->row = row;
    for (int a = 0; a < 3; a++)
        d->act[a] = stroma_mesh_axis_active(m, a);
    d->nthreads = omp_get_max_threads() > omp_get_num_procs() ? omp_get_max_threads() : omp_get_num_procs();
    d->rr = adi_calloc(d, row, sizeof(double));
    d->dl = adi_calloc(d, row, sizeof(double));
    d->ddc = adi_calloc(d, row, sizeof(double));
    d->zero = adi_calloc(d, row, sizeof(double));
    d->ghost = adi_calloc(d, (size_t)d->nthreads * 4 * row, sizeof(double));
    d->acc = adi_calloc(d, (size_t)d->nthreads * 2 * row, sizeof(double));
    if (t->hindered)
        d->own = adi_calloc(d, (size_t)d->nthreads * row, sizeof(double));
    d->plane_vals = row * (size_t)m->ny;
    d->ycorr = adi_calloc(d, (size_t)d->nthreads * d->plane_vals, sizeof(double));
    if (d->act[2])
        d->zcorr = adi_calloc(d, (size_t)d->nthreads * d->plane_vals, sizeof(double));
    if (!d->rr || !d->dl || !d->ddc || !d->zero || !d->ghost || !d->acc || (t->hindered && !d->own) ||
        !d->ycorr || (d->act[2] && !d->zcorr)) {
        adi_free(d);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: out of memory for %zu-value rows", row);
    }
    for (int th = 0; th < d->nthreads; th++)
        for (size_t q = 0; q < row; q++)
            d->acc[(size_t)th * 2 * row + q] = NAN;
    const double dx2 = m->dx_um * m->dx_um, dt = t->dt_min;
    const double share = (1.0 - theta) * d->act[0] + d->act[1] + d->act[2];
    for (size_t q = 0; q < row; q++) {
        const size_t s = q % ns;
        d->rr[q] = t->diffusion_um2_per_min[s] * dt / dx2;
        d->dl[q] = dt * t->decay_per_min[s] / m->dim;
        d->ddc[q] = d->dl[q] * share;
    }
    if (t->hindered) {
        const int n[3] = {m->nx, m->ny, m->nz};
        const size_t step[3] = {1, (size_t)m->nx, (size_t)m->nx * (size_t)m->ny};
        for (int a = 0; a < 3; a++) {
            if (!d->act[a])
                continue;
            double *w = d->wv[a] = adi_calloc(d, nval, sizeof(double));
            if (!w) {
                adi_free(d);
                return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: no memory for hindrance face factors");
            }
            for (int k = 0; k < m->nz; k++)
                for (int j = 0; j < m->ny; j++)
                    for (int i = 0; i < m->nx; i++) {
                        const int idx[3] = {i, j, k};
                        const size_t v = stroma_mesh_index(m, i, j, k);
                        for (size_t s = 0; s < ns; s++) {
                            const double sg = t->ecm_sensitivity[s];
                            w[v * ns + s] = idx[a] == n[a] - 1 ? 0.0
                                            : sg > 0.0 ? 1.0 / (1.0 + sg * (0.5 * (t->ecm[v] + t->ecm[v + step[a]])))
                                                       : 1.0;
                        }
                    }
        }
    }
    /* lod on the field itself: the same mesh, diffusion, decay, faces, fixed voxels and hindrance, dt theta dt */
    d->sh = *t;
    d->sh.dt_min = theta * dt;
    d->sh.ops = NULL;
    d->sh.solver_data = NULL;
    d->sh.solver_bytes = 0;
    if (stroma_solver_lod_ops.prepare(&d->sh, err) != STROMA_OK) {
        adi_free(d);
        return err ? err->code : STROMA_ERR_NOMEM;
    }
    d->sh.ops = &stroma_solver_lod_ops;
    if (stroma_solver_lod_enable_stages(&d->sh) != 0) {
        adi_free(d);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "adi solver: no memory for copies of planes");
    }
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

/* With no-flux faces and no reactions the diffusion parts keep sums, so with e = dt lambda / dim and
 * a = theta e: sum(v0) = sum(c) (1 - e ((1 - theta) [x] + [y] + [z])); the x sweep divides by 1 + a; each later
 * sweep adds a sum(c) (its explicit correction) and divides by 1 + a. */
static double adi_kept(const stroma_transport *t, int s) {
    const adi_data *d = t->solver_data;
    const double e = t->dt_min * t->decay_per_min[s] / t->mesh.dim, a = d->theta * e;
    double kept = 1.0 - e * ((1.0 - d->theta) * d->act[0] + d->act[1] + d->act[2]);
    if (d->act[0])
        kept /= 1.0 + a;
    for (int ax = 1; ax < 3; ax++)
        if (d->act[ax])
            kept = (kept + a) / (1.0 + a);
    return kept;
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
