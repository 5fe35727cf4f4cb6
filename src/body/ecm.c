/* The extracellular matrix field: seeding, deposition and degradation by cells, exact protease degradation,
 * statistics and checkpointing (ecm.h). */
#include "body/ecm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

/* Is the voxel centre p inside region r (discs and annuli in-plane: they span z; a sphere is a ball)? */
static int in_region(const stroma_region *r, const double p[3]) {
    double dx = p[0] - r->center_um[0], dy = p[1] - r->center_um[1], d2 = dx * dx + dy * dy;
    switch (r->kind) {
    case STROMA_REGION_BOX:
        for (int a = 0; a < 3; a++)
            if (p[a] < r->lo_um[a] || p[a] > r->hi_um[a]) return 0;
        return 1;
    case STROMA_REGION_DISC: return d2 <= r->radius_um * r->radius_um;
    case STROMA_REGION_SPHERE: {
        double dz = p[2] - r->center_um[2];
        return d2 + dz * dz <= r->radius_um * r->radius_um;
    }
    case STROMA_REGION_ANNULUS:
        return d2 <= r->radius_um * r->radius_um && d2 >= r->inner_radius_um * r->inner_radius_um;
    default: return 0;
    }
}

stroma_code stroma_ecm_init(stroma_ecm *e, const stroma_model *m, stroma_error *err) {
    memset(e, 0, sizeof *e);
    e->d = &m->ecm;
    stroma_mesh_init(&e->mesh, m);
    const stroma_mesh *ms = &e->mesh;
    e->E = malloc(ms->nvox * sizeof *e->E);
    e->rowsum = malloc((size_t)ms->ny * (size_t)ms->nz * sizeof *e->rowsum);
    if (!e->E || !e->rowsum) {
        stroma_ecm_free(e);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the matrix field (%zu voxels)", ms->nvox);
    }
    for (size_t v = 0; v < ms->nvox; v++) e->E[v] = e->d->initial;
    for (int q = 0; q < e->d->nregions; q++)
        for (int k = 0; k < ms->nz; k++)
            for (int j = 0; j < ms->ny; j++)
                for (int i = 0; i < ms->nx; i++) {
                    double p[3] = {ms->lo_um[0] + (i + 0.5) * ms->dx_um, ms->lo_um[1] + (j + 0.5) * ms->dx_um,
                                   ms->lo_um[2] + (k + 0.5) * ms->dx_um};
                    if (in_region(&e->d->regions[q].region, p))
                        e->E[stroma_mesh_index(ms, i, j, k)] = e->d->regions[q].density;
                }
    return STROMA_OK;
}

void stroma_ecm_free(stroma_ecm *e) {
    free(e->E);
    free(e->rowsum);
    memset(e, 0, sizeof *e);
}

void stroma_ecm_cell_act(stroma_ecm *e, size_t voxel, double vol_um3, double dep, double deg, double dt_min) {
    double old = e->E[voxel], E = old;
    if (dep > 0) E += dt_min * dep * vol_um3 / e->mesh.voxel_volume_um3;
    if (E > e->d->max_density) E = e->d->max_density;
    double up = E - old;
    if (deg > 0) E /= 1.0 + dt_min * deg;
    e->deposited += up * e->mesh.voxel_volume_um3;
    e->degraded += (old + up - E) * e->mesh.voxel_volume_um3;
    e->E[voxel] = E;
}

double stroma_ecm_degrade_exact(double E0, double a, double K, double tau) {
    if (!(E0 > 0) || !(a > 0) || !(tau > 0)) return E0;
    /* f(E) = K ln(E / E0) + E - E0 + a tau: increasing, f(E0) = a tau > 0, f(0+) = -inf. Start from the
     * linear-in-ln solution of the dilute limit and take Newton steps on ln E (f is concave in E, convex enough in
     * ln E that the steps converge from either side), kept inside (0, E0]. */
    double x = log(E0) - a * tau / (K + E0), lnE0 = log(E0);
    for (int it = 0; it < 100; it++) {
        double E = exp(x);
        double f = K * (x - lnE0) + E - E0 + a * tau, df = K + E; /* df/dx */
        double step = f / df;
        double nx = x - step;
        if (nx > lnE0) nx = 0.5 * (x + lnE0);
        if (fabs(nx - x) <= 1e-15 * fmax(1.0, fabs(x))) {
            x = nx;
            break;
        }
        x = nx;
    }
    double E1 = exp(x);
    return E1 < E0 ? E1 : E0;
}

void stroma_ecm_degrade(stroma_ecm *e, const stroma_transport *t, double dt_min) {
    const stroma_ecm_desc *d = e->d;
    if (d->protease < 0 || !(d->degradation_per_min > 0)) return;
    const stroma_mesh *m = &e->mesh;
    const int nx = m->nx, ny = m->ny, nrows = ny * m->nz, nsub = t->nsub, ps = d->protease;
    double *E = e->E, *rows = e->rowsum;
#pragma omp parallel for schedule(static) if (m->nvox > 4096)
    for (int row = 0; row < nrows; row++) {
        double removed = 0;
        size_t c0 = stroma_mesh_index(m, 0, row % ny, row / ny);
        for (int i = 0; i < nx; i++) {
            size_t c = c0 + (size_t)i;
            double p = t->c[c * (size_t)nsub + (size_t)ps];
            double old = E[c], nw = stroma_ecm_degrade_exact(old, d->degradation_per_min * p, d->degradation_half,
                                                             dt_min);
            E[c] = nw;
            removed += old - nw;
        }
        rows[row] = removed;
    }
    double removed = 0;
    for (int row = 0; row < nrows; row++) removed += rows[row];
    e->degraded += removed * m->voxel_volume_um3;
}

stroma_ecm_stats stroma_ecm_stats_of(const stroma_ecm *e) {
    stroma_ecm_stats st = {0};
    double sum = 0;
    for (size_t v = 0; v < e->mesh.nvox; v++) {
        sum += e->E[v];
        if (e->E[v] > st.max) st.max = e->E[v];
    }
    st.mean = sum / (double)e->mesh.nvox;
    st.total = sum * e->mesh.voxel_volume_um3;
    return st;
}

void stroma_ecm_save(const void *ctx, stroma_buf *b) {
    const stroma_ecm *e = ctx;
    stroma_buf_put_u64(b, (uint64_t)e->mesh.nvox);
    stroma_buf_put(b, e->E, e->mesh.nvox * sizeof(double));
    stroma_buf_put_f64(b, e->deposited);
    stroma_buf_put_f64(b, e->degraded);
}

stroma_code stroma_ecm_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_ecm *e = ctx;
    uint64_t n = stroma_reader_u64(r);
    if (r->bad || n != (uint64_t)e->mesh.nvox)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint matrix field (%llu voxels) does not fit this model (%zu voxels)",
                                (unsigned long long)n, e->mesh.nvox);
    double *tmp = malloc(e->mesh.nvox * sizeof *tmp);
    if (!tmp) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory restoring the matrix field");
    stroma_reader_get(r, tmp, e->mesh.nvox * sizeof(double));
    double dep = stroma_reader_f64(r), deg = stroma_reader_f64(r);
    if (r->bad) {
        free(tmp);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint matrix section is truncated");
    }
    for (size_t v = 0; v < e->mesh.nvox; v++)
        if (!(tmp[v] >= 0 && tmp[v] <= fmax(e->d->max_density, e->d->initial))) {
            double bad = tmp[v];
            free(tmp);
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint matrix density %g at voxel %zu is outside 0 to max_density (%g)", bad,
                                    v, e->d->max_density);
        }
    if (!isfinite(dep) || !isfinite(deg) || dep < 0 || deg < 0) {
        free(tmp);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint matrix counters are not finite and >= 0");
    }
    memcpy(e->E, tmp, e->mesh.nvox * sizeof *tmp);
    free(tmp);
    e->deposited = dep;
    e->degraded = deg;
    return STROMA_OK;
}
