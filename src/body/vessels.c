/* The vessel density field: seeding, remodelling (angiogenesis and regression), cells laying down or pruning
 * vessel, statistics and checkpointing. The update rules are in vessels.h. */
#include "body/vessels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

/* Hill term v^h / (K^h + v^h) for v >= 0 (negative counts as 0). */
static double hill(double v, double half_max, double h) {
    if (!(v > 0)) return 0.0;
    double x = pow(v / half_max, h);
    return isinf(x) ? 1.0 : x / (1.0 + x);
}

static void raise_to(stroma_vessels *v, size_t vox, double rho) {
    if (rho > v->rho[vox]) v->rho[vox] = rho > v->d->max_density ? v->d->max_density : rho;
}

/* Squared distance from point p to the segment a-b. */
static double seg_dist2(const double p[3], const double a[3], const double b[3]) {
    double ab[3], ap[3], l2 = 0, t = 0;
    for (int k = 0; k < 3; k++) {
        ab[k] = b[k] - a[k];
        ap[k] = p[k] - a[k];
        l2 += ab[k] * ab[k];
        t += ap[k] * ab[k];
    }
    t = l2 > 0 ? t / l2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double d2 = 0;
    for (int k = 0; k < 3; k++) {
        double q = ap[k] - t * ab[k];
        d2 += q * q;
    }
    return d2;
}

/* A listed vessel: the voxels it passes through (sampled at a quarter voxel) and those whose centre lies within
 * its radius. */
static void seed_segment(stroma_vessels *v, const stroma_vessel_segment_desc *s) {
    const stroma_mesh *m = &v->mesh;
    double len2 = 0;
    for (int k = 0; k < 3; k++) len2 += (s->to_um[k] - s->from_um[k]) * (s->to_um[k] - s->from_um[k]);
    double len = sqrt(len2);
    long steps = (long)ceil(len / (0.25 * m->dx_um));
    if (steps > 100000000L) steps = 100000000L;
    for (long q = 0; q <= steps; q++) {
        double f = steps > 0 ? (double)q / (double)steps : 0, p[3];
        for (int k = 0; k < 3; k++) p[k] = s->from_um[k] + f * (s->to_um[k] - s->from_um[k]);
        raise_to(v, stroma_mesh_voxel_of(m, p), s->density);
    }
    if (!(s->radius_um > 0)) return;
    /* voxels within radius: scan the bounding box of the segment grown by the radius */
    int lo[3], hi[3], n[3] = {m->nx, m->ny, m->nz};
    for (int k = 0; k < 3; k++) {
        double a = fmin(s->from_um[k], s->to_um[k]) - s->radius_um, b = fmax(s->from_um[k], s->to_um[k]) + s->radius_um;
        lo[k] = (int)floor((a - m->lo_um[k]) / m->dx_um);
        hi[k] = (int)floor((b - m->lo_um[k]) / m->dx_um);
        if (lo[k] < 0) lo[k] = 0;
        if (hi[k] > n[k] - 1) hi[k] = n[k] - 1;
    }
    double r2 = s->radius_um * s->radius_um;
    for (int k = lo[2]; k <= hi[2]; k++)
        for (int j = lo[1]; j <= hi[1]; j++)
            for (int i = lo[0]; i <= hi[0]; i++) {
                double p[3] = {m->lo_um[0] + (i + 0.5) * m->dx_um, m->lo_um[1] + (j + 0.5) * m->dx_um,
                               m->lo_um[2] + (k + 0.5) * m->dx_um};
                if (m->nz == 1) p[2] = 0.5 * (s->from_um[2] + s->to_um[2]); /* a 2D slab: distance in-plane */
                if (seg_dist2(p, s->from_um, s->to_um) <= r2) raise_to(v, stroma_mesh_index(m, i, j, k), s->density);
            }
}

void stroma_vessels_relist(stroma_vessels *v) {
    size_t n = 0;
    for (size_t k = 0; k < v->mesh.nvox; k++)
        if (v->rho[k] > 0) v->list[n++] = k;
    v->nlist = n;
    v->gen++;
}

stroma_code stroma_vessels_init(stroma_vessels *v, const stroma_model *m, stroma_rng_key rng, stroma_error *err) {
    memset(v, 0, sizeof *v);
    v->d = &m->vessels;
    stroma_mesh_init(&v->mesh, m);
    size_t nvox = v->mesh.nvox;
    v->rho = calloc(nvox, sizeof *v->rho);
    v->next = calloc(nvox, sizeof *v->next);
    v->list = malloc(nvox * sizeof *v->list);
    v->rowsum = malloc(2 * (size_t)v->mesh.ny * (size_t)v->mesh.nz * sizeof *v->rowsum);
    int pressure = v->d->pressure_rate_per_min > 0;
    if (pressure) v->pressure = calloc(nvox, sizeof *v->pressure);
    if (!v->rho || !v->next || !v->list || !v->rowsum || (pressure && !v->pressure)) {
        stroma_vessels_free(v);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the vessel field (%zu voxels)", nvox);
    }
    const stroma_vessels_desc *d = v->d;
    if (d->uniform_density > 0)
        for (size_t k = 0; k < nvox; k++) raise_to(v, k, d->uniform_density);
    if (d->random_fraction > 0 && d->random_density > 0)
        for (size_t k = 0; k < nvox; k++) {
            double u[2];
            stroma_rng_uniform2(rng, (uint64_t)k, 0, STROMA_RNG_VESSELS, 0, u);
            if (u[0] < d->random_fraction) raise_to(v, k, d->random_density);
        }
    for (int s = 0; s < d->nsegments; s++) seed_segment(v, &d->segments[s]);
    for (int p = 0; p < d->npoints; p++)
        raise_to(v, stroma_mesh_voxel_of(&v->mesh, d->points_um + 3 * (size_t)p), d->points_density[p]);
    stroma_vessels_relist(v);
    return STROMA_OK;
}

void stroma_vessels_free(stroma_vessels *v) {
    free(v->rho);
    free(v->next);
    free(v->pressure);
    free(v->list);
    free(v->rowsum);
    memset(v, 0, sizeof *v);
}

void stroma_vessels_compression(stroma_vessels *v) {
    const stroma_mesh *m = &v->mesh;
    const int nx = m->nx, ny = m->ny, nz = m->nz;
    double *mean = v->next, *p = v->pressure;
    memcpy(mean, p, m->nvox * sizeof *mean);
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) {
                double sum = 0;
                int n = 0;
                for (int c = k > 0 ? k - 1 : 0; c <= k + 1 && c < nz; c++)
                    for (int b = j > 0 ? j - 1 : 0; b <= j + 1 && b < ny; b++)
                        for (int a = i > 0 ? i - 1 : 0; a <= i + 1 && a < nx; a++) {
                            sum += mean[stroma_mesh_index(m, a, b, c)];
                            n++;
                        }
                p[stroma_mesh_index(m, i, j, k)] = sum / n;
            }
}

void stroma_vessels_remodel(stroma_vessels *v, const stroma_transport *t, double dt_min) {
    const stroma_vessels_desc *d = v->d;
    const stroma_mesh *m = &v->mesh;
    const int nx = m->nx, ny = m->ny, nz = m->nz, nsub = t->nsub, vs = d->angio_substrate;
    const double rmax = d->max_density, floor_rho = STROMA_VESSEL_MIN_FRACTION * rmax;
    const double *rho = v->rho;
    double *next = v->next;
    /* per x-row sums of growth and loss, added in row order afterwards: the same totals at any thread count */
    double *rows = v->rowsum;
    const int nrows = ny * nz;
#pragma omp parallel for schedule(static) if (m->nvox > 4096)
    for (int row = 0; row < nrows; row++) {
        const int j = row % ny, k = row / ny;
        double grown = 0, regressed = 0;
        for (int i = 0; i < nx; i++) {
            size_t c = stroma_mesh_index(m, i, j, k);
            double near = rho[c];
            if (i > 0) near = fmax(near, rho[c - 1]);
            if (i < nx - 1) near = fmax(near, rho[c + 1]);
            if (j > 0) near = fmax(near, rho[c - (size_t)nx]);
            if (j < ny - 1) near = fmax(near, rho[c + (size_t)nx]);
            if (k > 0) near = fmax(near, rho[c - (size_t)nx * (size_t)ny]);
            if (k < nz - 1) near = fmax(near, rho[c + (size_t)nx * (size_t)ny]);
            if (near == 0) {
                next[c] = 0;
                continue;
            }
            double vegf = vs >= 0 ? t->c[c * (size_t)nsub + (size_t)vs] : 0;
            double g = vs >= 0 ? d->angio_rate_per_min * hill(vegf, d->angio_half_max, d->angio_hill) * near : 0;
            double r = 0;
            if (d->regress_rate_per_min > 0)
                r += d->regress_rate_per_min *
                     (1.0 - (vs >= 0 ? hill(vegf, d->survival_half_max, d->survival_hill) : 0));
            if (v->pressure && d->pressure_rate_per_min > 0)
                r += d->pressure_rate_per_min * hill(v->pressure[c], d->pressure_half_max, d->pressure_hill);
            double old = rho[c];
            double nw = (old + dt_min * g) / (1.0 + dt_min * (g / rmax + r));
            if (nw > rmax) nw = rmax;
            /* the change split into growth and loss, for the record; a density that falls below the floor is
             * gone, counted as regressed */
            double loss = dt_min * r * nw;
            grown += nw - old + loss;
            if (nw < floor_rho) {
                loss += nw;
                nw = 0;
            }
            regressed += loss;
            next[c] = nw;
        }
        rows[2 * row] = grown;
        rows[2 * row + 1] = regressed;
    }
    double grown = 0, regressed = 0;
    for (int row = 0; row < nrows; row++) {
        grown += rows[2 * row];
        regressed += rows[2 * row + 1];
    }
    double *tmp = v->rho;
    v->rho = v->next;
    v->next = tmp;
    double vv = m->voxel_volume_um3;
    v->grown += grown * vv;
    v->regressed += regressed * vv;
    stroma_vessels_relist(v);
}

void stroma_vessels_cell_act(stroma_vessels *v, size_t voxel, double vol_um3, double dep_per_min,
                             double prune_per_min, double dt_min) {
    double old = v->rho[voxel], rho = old;
    if (dep_per_min > 0) rho += dt_min * dep_per_min * vol_um3 / v->mesh.voxel_volume_um3;
    if (rho > v->d->max_density) rho = v->d->max_density;
    double up = rho - old;
    if (prune_per_min > 0) rho /= 1.0 + dt_min * prune_per_min;
    if (rho < STROMA_VESSEL_MIN_FRACTION * v->d->max_density) rho = 0;
    v->deposited += up * v->mesh.voxel_volume_um3;
    v->pruned += (old + up - rho) * v->mesh.voxel_volume_um3;
    v->rho[voxel] = rho;
}

stroma_vessel_stats stroma_vessels_stats(const stroma_vessels *v) {
    stroma_vessel_stats st = {0};
    size_t n = v->mesh.nvox, with = 0;
    double sum = 0, vascular = STROMA_VESSEL_VASCULAR_FRACTION * v->d->max_density;
    for (size_t k = 0; k < n; k++) {
        double r = v->rho[k];
        sum += r;
        if (r > st.max_density) st.max_density = r;
        with += r >= vascular;
    }
    st.mean_density = sum / (double)n;
    st.vascular_fraction = (double)with / (double)n;
    st.volume_um3 = sum * v->mesh.voxel_volume_um3;
    st.surface_um2 = st.volume_um3 * 2.0 / v->d->capillary_radius_um;
    return st;
}

void stroma_vessels_save(const void *ctx, stroma_buf *b) {
    const stroma_vessels *v = ctx;
    stroma_buf_put_u64(b, (uint64_t)v->mesh.nvox);
    stroma_buf_put(b, v->rho, v->mesh.nvox * sizeof(double));
    stroma_buf_put_f64(b, v->deposited);
    stroma_buf_put_f64(b, v->pruned);
    stroma_buf_put_f64(b, v->grown);
    stroma_buf_put_f64(b, v->regressed);
}

stroma_code stroma_vessels_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_vessels *v = ctx;
    uint64_t n = stroma_reader_u64(r);
    if (r->bad || n != (uint64_t)v->mesh.nvox)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint vessel field (%llu voxels) does not fit this "
                                "model (%zu voxels)", (unsigned long long)n, v->mesh.nvox);
    stroma_reader_get(r, v->next, v->mesh.nvox * sizeof(double));
    double dep = stroma_reader_f64(r), pru = stroma_reader_f64(r), gro = stroma_reader_f64(r),
           reg = stroma_reader_f64(r);
    if (r->bad) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint vessel section is truncated");
    for (size_t k = 0; k < v->mesh.nvox; k++)
        if (!(v->next[k] >= 0 && v->next[k] <= v->d->max_density))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint vessel density %g at voxel %zu is outside 0 to max_density (%g)",
                                    v->next[k], k, v->d->max_density);
    if (!isfinite(dep) || !isfinite(pru) || !isfinite(gro) || !isfinite(reg))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint vessel counters are not finite");
    double *tmp = v->rho;
    v->rho = v->next;
    v->next = tmp;
    v->deposited = dep;
    v->pruned = pru;
    v->grown = gro;
    v->regressed = reg;
    stroma_vessels_relist(v);
    return STROMA_OK;
}
