/* The "explicit" diffusion solver: forward Euler with the 7-point Laplacian and the same boundary closures as
 * the LOD solver. Slow and only conditionally stable; it exists to cross-check the implicit solver. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "transport/solvers.h"
#include "util/error_impl.h"

typedef struct explicit_data {
    double *next; /* nvox * nsub: the new field, copied back into t->c (callers may hold t->c) */
} explicit_data;

/* Refuses dt above the forward-Euler limit. The largest eigenvalue of the discrete operator D lap - lambda is
 * at most 4 dim D / dx^2 + lambda in magnitude (Gershgorin; the Dirichlet ghost closure keeps the bound), so
 * stability needs dt <= 2 / (4 dim D / dx^2 + lambda), which is dx^2 / (2 dim D) without decay. With ECM
 * hindrance every face coefficient is at most D_s (the largest D), so the same limit holds. */
static int explicit_prepare(stroma_transport *t, stroma_error *err) {
    const stroma_mesh *m = &t->mesh;
    int dim = 0;
    for (int a = 0; a < 3; a++)
        dim += stroma_mesh_axis_n(m, a) > 1;
    for (int s = 0; s < t->nsub; s++) {
        double rate = 4.0 * dim * t->diffusion_um2_per_min[s] / (m->dx_um * m->dx_um) + t->decay_per_min[s];
        if (rate > 0.0 && t->dt_min > 2.0 / rate)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "explicit solver: dt = %g min exceeds its stability limit %g min for substrate %d "
                                    "(2 / (4 dim D / dx^2 + decay), = dx^2 / (2 dim D) = %g min without decay; "
                                    "use the lod solver or a smaller dt)",
                                    t->dt_min, 2.0 / rate, s,
                                    t->diffusion_um2_per_min[s] > 0.0
                                        ? m->dx_um * m->dx_um / (2.0 * dim * t->diffusion_um2_per_min[s])
                                        : INFINITY);
    }
    explicit_data *d = calloc(1, sizeof *d);
    size_t n = m->nvox * (size_t)t->nsub;
    if (d)
        d->next = malloc((n > 0 ? n : 1) * sizeof(double));
    if (!d || !d->next) {
        free(d);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "explicit solver: no memory for a %zu-value field", n);
    }
    if (t->solver_data) {
        free(((explicit_data *)t->solver_data)->next);
        free(t->solver_data);
    }
    t->solver_data = d;
    t->solver_bytes = sizeof *d + (n > 0 ? n : 1) * sizeof(double);
    return STROMA_OK;
}

static int explicit_step_react(stroma_transport *t, const stroma_reaction *rx, int nrx);

static void explicit_step(stroma_transport *t, const stroma_prestep *pre) {
    if (pre)
        pre->apply(pre->ctx, t, 0, t->mesh.nvox);
    (void)explicit_step_react(t, NULL, 0);
}

/* Forward Euler of diffusion, decay and the reactions (all from the old field), then the fixed voxels. */
static int explicit_step_react(stroma_transport *t, const stroma_reaction *rx, int nrx) {
    explicit_data *d = t->solver_data;
    const stroma_mesh *m = &t->mesh;
    const int ns = t->nsub, n[3] = {m->nx, m->ny, m->nz};
    const size_t step[3] = {(size_t)ns, (size_t)m->nx * (size_t)ns, (size_t)m->nx * (size_t)m->ny * (size_t)ns};
    const double inv_dx2 = 1.0 / (m->dx_um * m->dx_um), dt = t->dt_min;
    const double *c = t->c, *E = t->ecm;
    double *next = d->next;
    /* sigma per substrate while hindered, else zeros (the constant 7-point Laplacian, as before) */
    double sg[ns > 0 ? ns : 1];
    for (int s = 0; s < ns; s++)
        sg[s] = t->hindered ? t->ecm_sensitivity[s] : 0.0;
#pragma omp parallel for schedule(static)
    for (int k = 0; k < m->nz; k++)
        for (int j = 0; j < m->ny; j++)
            for (int i = 0; i < m->nx; i++) {
                const int idx[3] = {i, j, k};
                size_t v = stroma_mesh_index(m, i, j, k) * (size_t)ns;
                for (int s = 0; s < ns; s++) {
                    double cv = c[v + (size_t)s], lap = 0.0;
                    for (int a = 0; a < 3; a++) {
                        if (n[a] == 1)
                            continue;
                        const unsigned char *dir = &t->face_dirichlet[(size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a];
                        const double *val = &t->face_value[(size_t)s * STROMA_FACE_COUNT + 2 * (size_t)a];
                        /* Ghost closures: no flux c_ghost = c; Dirichlet at the face c_ghost = 2 v - c. */
                        double lo = idx[a] > 0 ? c[v - step[a] + (size_t)s] : (dir[0] ? 2.0 * val[0] - cv : cv);
                        double hi = idx[a] < n[a] - 1 ? c[v + step[a] + (size_t)s] : (dir[1] ? 2.0 * val[1] - cv : cv);
                        if (sg[s] > 0.0) {
                            /* face factors 1 / (1 + sigma (E_v + E_nb) / 2) (harmonic mean of the voxels' D),
                             * the voxel's own 1 / (1 + sigma E_v) at a Dirichlet face */
                            const double ev = E[v / (size_t)ns];
                            const double elo = idx[a] > 0 ? 0.5 * (ev + E[(v - step[a]) / (size_t)ns]) : ev;
                            const double ehi = idx[a] < n[a] - 1 ? 0.5 * (ev + E[(v + step[a]) / (size_t)ns]) : ev;
                            lap += (lo - cv) / (1.0 + sg[s] * elo) + (hi - cv) / (1.0 + sg[s] * ehi);
                        } else {
                            lap += lo - 2.0 * cv + hi;
                        }
                    }
                    next[v + (size_t)s] =
                        cv + dt * (t->diffusion_um2_per_min[s] * inv_dx2 * lap - t->decay_per_min[s] * cv);
                }
            }
    for (int l = 0; l < nrx; l++)
        for (size_t e = 0; e < rx[l].n; e++) {
            const size_t v = rx[l].voxel[e] * (size_t)ns;
            for (int s = 0; s < ns; s++)
                next[v + (size_t)s] += dt * (rx[l].source[e * (size_t)ns + (size_t)s] -
                                             rx[l].rate[e * (size_t)ns + (size_t)s] * c[v + (size_t)s]);
        }
    memcpy(t->c, next, m->nvox * (size_t)ns * sizeof(double));
    for (size_t q = 0; q < t->nfixed; q++)
        t->c[t->fixed[q].voxel * (size_t)ns + (size_t)t->fixed[q].substrate] = t->fixed[q].value;
    return 0;
}

static void explicit_destroy(stroma_transport *t) {
    explicit_data *d = t->solver_data;
    if (d)
        free(d->next);
    free(d);
    t->solver_data = NULL;
    t->solver_bytes = 0;
}

/* Forward Euler: the Laplacian's sum vanishes with no-flux faces, decay removes dt lambda of the total. */
static double explicit_kept(const stroma_transport *t, int s) { return 1.0 - t->dt_min * t->decay_per_min[s]; }

const stroma_solver_ops stroma_solver_explicit_ops = {.name = "explicit",
                                                      .prepare = explicit_prepare,
                                                      .step = explicit_step,
                                                      .destroy = explicit_destroy,
                                                      .kept = explicit_kept,
                                                      .step_react = explicit_step_react};
