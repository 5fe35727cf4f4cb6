/* Recruitment of cells from the blood through the vessel walls: the expected count per step from the vessel
 * density and the chemokine, the Poisson draw of the count, the choice of voxels and points, and the
 * checkpoint section of the counters (body/recruitment.h has the design notes). */
#include "body/recruitment.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"
#include "util/rng.h"

/* µm² -> mm² */
#define UM2_TO_MM2 1e-6

/* Largest recruited count a checkpoint may hold (what a double and summary.json carry exactly). */
#define RECRUIT_MAX_COUNT (INT64_C(1) << 53)

stroma_code stroma_recruitment_init(stroma_recruitment *r, const stroma_model *m, stroma_error *err) {
    memset(r, 0, sizeof *r);
    r->d = &m->recruitment;
    r->n = m->recruitment.n;
    stroma_mesh mesh;
    stroma_mesh_init(&mesh, m);
    r->voxel_volume_um3 = mesh.voxel_volume_um3;
    size_t n = (size_t)(r->n > 0 ? r->n : 1);
    r->scale = malloc(n * sizeof *r->scale);
    r->recruited = calloc(n, sizeof *r->recruited);
    r->expected = calloc(n, sizeof *r->expected);
    r->cum = malloc((mesh.nvox > 0 ? mesh.nvox : 1) * sizeof *r->cum);
    if (!r->scale || !r->recruited || !r->expected || !r->cum) {
        stroma_recruitment_free(r);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for recruitment");
    }
    for (int k = 0; k < r->n; k++) r->scale[k] = 1.0;
    return STROMA_OK;
}

void stroma_recruitment_free(stroma_recruitment *r) {
    if (!r) return;
    free(r->scale);
    free(r->recruited);
    free(r->expected);
    free(r->cum);
    memset(r, 0, sizeof *r);
}

/* basal + (1 - basal) H(c), H = c^n / (K^n + c^n); 1 without a signal. */
static double chemokine_factor(const stroma_recruit_desc *e, const stroma_transport *t, size_t voxel) {
    if (e->signal < 0) return 1.0;
    double c = t->c[voxel * (size_t)t->nsub + (size_t)e->signal];
    double h = c > 0 ? 1.0 / (1.0 + pow(e->half_max / c, e->hill)) : 0.0;
    return e->basal + (1.0 - e->basal) * h;
}

double stroma_recruitment_expected(stroma_recruitment *r, int k, const stroma_vessels *v, const stroma_transport *t,
                                   double dt_min, double *weight) {
    const stroma_recruit_desc *e = &r->d->entries[k];
    double sum = 0;
    for (size_t j = 0; j < v->nlist; j++) { /* serial, in the list's (increasing voxel) order */
        size_t vox = v->list[j];
        sum += stroma_vessels_surface(v, vox) * chemokine_factor(e, t, vox);
        r->cum[j] = sum;
    }
    *weight = sum;
    return e->rate_per_min_mm2 * r->scale[k] * sum * r->voxel_volume_um3 * UM2_TO_MM2 * dt_min;
}

int64_t stroma_recruitment_poisson(stroma_rng_key rng, uint64_t a, uint64_t b, double lambda, int64_t cap) {
    if (!(lambda > 0) || !isfinite(lambda) || cap <= 0) return 0;
    int64_t n = 0;
    uint32_t ctr = 0;
    while (lambda > 0 && n < cap) {
        /* a Poisson(l) by inversion: the smallest k with F(k) >= u; the sum of the chunks is Poisson(lambda),
         * and stopping once cap is reached leaves min(N, cap) exact */
        double l = lambda > STROMA_RECRUIT_CHUNK ? STROMA_RECRUIT_CHUNK : lambda;
        lambda -= l;
        double u = stroma_rng_uniform_open(rng, a, b, STROMA_RNG_RECRUIT_COUNT, ctr++);
        double p = exp(-l), F = p;
        int64_t k = 0;
        while (u > F && n + k < cap && p > 0) {
            k++;
            p *= l / (double)k;
            F += p;
        }
        n += k;
        if (ctr == UINT32_MAX) break; /* more than 2^32 chunks: far beyond any cap */
    }
    return n < cap ? n : cap;
}

/* Index j in [0, n) of the first cum[j] > x (cum non-decreasing, x < cum[n - 1]): a voxel of weight > 0. */
static size_t pick(const double *cum, size_t n, double x) {
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

stroma_code stroma_recruitment_step(stroma_recruitment *r, stroma_cell_engine *e, const stroma_vessels *v,
                                    const stroma_transport *t, int64_t step, double dt_min, double t_min,
                                    stroma_error *err) {
    const stroma_mesh *mesh = &t->mesh;
    for (int k = 0; k < r->n; k++) {
        const stroma_recruit_desc *d = &r->d->entries[k];
        double W = 0;
        double lambda = stroma_recruitment_expected(r, k, v, t, dt_min, &W);
        if (isfinite(r->expected[k] + lambda)) r->expected[k] += lambda; /* a crafted scale cannot make it inf */
        if (!(W > 0)) continue;
        int64_t live = 0;
        const stroma_cells *c = &e->cells;
        for (size_t i = 0; i < c->n; i++) live += c->state[i] == STROMA_CELL_LIVE && c->type[i] == d->type;
        int64_t count = stroma_recruitment_poisson(e->rng, (uint64_t)k, (uint64_t)step, lambda, d->max_cells - live);
        for (int64_t j = 0; j < count; j++) {
            double u[4];
            stroma_rng_uniform2(e->rng, (uint64_t)k, (uint64_t)step, STROMA_RNG_RECRUIT_PLACE, (uint32_t)(2 * j), u);
            stroma_rng_uniform2(e->rng, (uint64_t)k, (uint64_t)step, STROMA_RNG_RECRUIT_PLACE,
                                (uint32_t)(2 * j + 1), u + 2);
            size_t vox = v->list[pick(r->cum, v->nlist, u[0] * W)];
            size_t ix = vox % (size_t)mesh->nx, iy = vox / (size_t)mesh->nx % (size_t)mesh->ny,
                   iz = vox / ((size_t)mesh->nx * (size_t)mesh->ny);
            double p[3] = {mesh->lo_um[0] + ((double)ix + u[1]) * mesh->dx_um,
                           mesh->lo_um[1] + ((double)iy + u[2]) * mesh->dx_um,
                           mesh->lo_um[2] + ((double)iz + u[3]) * mesh->dx_um};
            if (e->dom.dim < 3) p[2] = 0.5 * (e->dom.lo_um[2] + e->dom.hi_um[2]);
            if (stroma_cell_engine_add(e, d->type, p, t_min, err) == (size_t)-1) return STROMA_ERR_NOMEM;
            r->recruited[k]++;
        }
    }
    return STROMA_OK;
}

void stroma_recruitment_save(const void *ctx, stroma_buf *b) {
    const stroma_recruitment *r = ctx;
    stroma_buf_put_u32(b, (uint32_t)r->n);
    for (int k = 0; k < r->n; k++) {
        stroma_buf_put_i64(b, r->recruited[k]);
        stroma_buf_put_f64(b, r->expected[k]);
        stroma_buf_put_f64(b, r->scale[k]);
    }
}

stroma_code stroma_recruitment_load(void *ctx, stroma_reader *rd, stroma_error *err) {
    stroma_recruitment *r = ctx;
    uint32_t n = stroma_reader_u32(rd);
    if (rd->bad || (int64_t)n != (int64_t)r->n)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint recruitment (%u cell types) does not fit this model (%d)", n, r->n);
    for (int k = 0; k < r->n; k++) {
        int64_t count = stroma_reader_i64(rd);
        double expected = stroma_reader_f64(rd), scale = stroma_reader_f64(rd);
        if (rd->bad) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint recruitment section is truncated");
        if (count < 0 || count > RECRUIT_MAX_COUNT || !(isfinite(expected) && expected >= 0) ||
            !(isfinite(scale) && scale >= 0))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint recruitment of entry %d is invalid (count %lld, expected %g, scale "
                                    "%g: each must be finite and >= 0, the count at most 2^53)",
                                    k, (long long)count, expected, scale);
        r->recruited[k] = count;
        r->expected[k] = expected;
        r->scale[k] = scale;
    }
    return STROMA_OK;
}
