/* Transport state: the multi-substrate field on the voxel mesh, its boundary data and fixed voxels, the solver
 * registry, point sources and sinks, and read-out (values, gradients, statistics). The diffusion step itself
 * is delegated to the solver behind t->ops (solver_lod.c, solver_explicit.c). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport/solvers.h"
#include "transport/transport.h"
#include "util/error_impl.h"

const stroma_solver_ops *stroma_solver_find(const char *name) {
    if (name == NULL || strcmp(name, "lod") == 0)
        return &stroma_solver_lod_ops;
    if (strcmp(name, "explicit") == 0)
        return &stroma_solver_explicit_ops;
    if (strcmp(name, "adi") == 0)
        return &stroma_solver_adi_ops;
    if (strcmp(name, "adi-cn") == 0)
        return &stroma_solver_adi_cn_ops;
    return NULL;
}

/* Order of t->fixed: by voxel, then substrate. */
static int fixed_cmp(size_t va, int sa, size_t vb, int sb) {
    if (va != vb)
        return va < vb ? -1 : 1;
    return (sa > sb) - (sa < sb);
}

/* Position in t->fixed of (voxel, s), or where it would be inserted. */
static size_t fixed_lower_bound(const stroma_transport *t, size_t voxel, int s) {
    size_t lo = 0, hi = t->nfixed;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fixed_cmp(t->fixed[mid].voxel, t->fixed[mid].substrate, voxel, s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int stroma_transport_fixed_find(const stroma_transport *t, size_t voxel, int s, double *value) {
    if (t->nfixed == 0)
        return 0;
    size_t at = fixed_lower_bound(t, voxel, s);
    if (at < t->nfixed && t->fixed[at].voxel == voxel && t->fixed[at].substrate == s) {
        if (value)
            *value = t->fixed[at].value;
        return 1;
    }
    return 0;
}

size_t stroma_transport_fixed_first(const stroma_transport *t, size_t voxel) {
    return fixed_lower_bound(t, voxel, -1);
}

/* A fixed voxel from the model with its position in the model's list, so the last of duplicates wins. */
typedef struct fixed_entry {
    stroma_fixed_voxel f;
    int order;
} fixed_entry;

static int fixed_entry_cmp(const void *a, const void *b) {
    const fixed_entry *x = a, *y = b;
    int c = fixed_cmp(x->f.voxel, x->f.substrate, y->f.voxel, y->f.substrate);
    if (c != 0)
        return c;
    return (x->order > y->order) - (x->order < y->order);
}

/* Checks the parts of the model transport relies on (a validated model passes). */
static stroma_code check_model(const stroma_model *model, stroma_error *err) {
    for (int a = 0; a < 3; a++)
        if (model->n[a] < 1)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "transport: axis %d has %d voxels (need >= 1)", a,
                                    model->n[a]);
    if (!(model->voxel_um > 0.0) || !isfinite(model->voxel_um))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "transport: voxel edge must be > 0 um (got %g)",
                                model->voxel_um);
    if (!(model->dt_diffusion_min > 0.0) || !isfinite(model->dt_diffusion_min))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "transport: dt_diffusion must be > 0 min (got %g)",
                                model->dt_diffusion_min);
    if (model->nsub < 0 || (model->nsub > 0 && model->substrates == NULL))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "transport: bad substrate list (%d)", model->nsub);
    for (int s = 0; s < model->nsub; s++) {
        const stroma_substrate_desc *d = &model->substrates[s];
        if (!(d->diffusion_um2_per_min >= 0.0) || !isfinite(d->diffusion_um2_per_min) ||
            !(d->decay_per_min >= 0.0) || !isfinite(d->decay_per_min))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "transport: substrate %s: diffusion (%g um^2/min) and decay (%g 1/min) must be "
                                    "finite and >= 0",
                                    d->name, d->diffusion_um2_per_min, d->decay_per_min);
    }
    size_t nvox = (size_t)model->n[0] * (size_t)model->n[1] * (size_t)model->n[2];
    size_t per = (size_t)(model->nsub > 0 ? model->nsub : 1) * sizeof(double);
    if (nvox > SIZE_MAX / 4 / per)
        return stroma_error_set(err, STROMA_ERR_TOO_LARGE, "transport: %zu voxels x %d substrates overflow", nvox,
                                model->nsub);
    return STROMA_OK;
}

/* Maps the model's fixed voxels into t->fixed (sorted, duplicates: the last in the model wins) and writes their
 * values into the field. */
static stroma_code map_fixed(stroma_transport *t, const stroma_model *model, stroma_error *err) {
    if (model->nfixed <= 0)
        return STROMA_OK;
    fixed_entry *e = malloc((size_t)model->nfixed * sizeof *e);
    if (!e)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "transport: no memory for %d fixed voxels", model->nfixed);
    const stroma_mesh *m = &t->mesh;
    const int n[3] = {m->nx, m->ny, m->nz};
    for (int q = 0; q < model->nfixed; q++) {
        const stroma_fixed_desc *fd = &model->fixed[q];
        if (fd->substrate < 0 || fd->substrate >= t->nsub || !isfinite(fd->value)) {
            free(e);
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "transport: fixed voxel %d: bad substrate %d or value %g",
                                    q, fd->substrate, fd->value);
        }
        for (int a = 0; a < 3; a++) {
            /* Inside the closed box, with a rounding allowance of 1e-9 voxel at the faces. */
            double slack = 1e-9 * m->dx_um, hi = m->lo_um[a] + n[a] * m->dx_um;
            if (!(fd->pos_um[a] >= m->lo_um[a] - slack && fd->pos_um[a] <= hi + slack)) {
                free(e);
                return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                        "transport: fixed voxel %d: position %g um on axis %d is outside [%g, %g] um",
                                        q, fd->pos_um[a], a, m->lo_um[a], hi);
            }
        }
        e[q].f.voxel = stroma_mesh_voxel_of(m, fd->pos_um);
        e[q].f.substrate = fd->substrate;
        e[q].f.value = fd->value;
        e[q].order = q;
    }
    qsort(e, (size_t)model->nfixed, sizeof *e, fixed_entry_cmp);
    t->fixed = malloc((size_t)model->nfixed * sizeof *t->fixed);
    if (!t->fixed) {
        free(e);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "transport: no memory for %d fixed voxels", model->nfixed);
    }
    size_t nf = 0;
    for (int q = 0; q < model->nfixed; q++) {
        int last = q + 1 == model->nfixed ||
                   fixed_cmp(e[q].f.voxel, e[q].f.substrate, e[q + 1].f.voxel, e[q + 1].f.substrate) != 0;
        if (last)
            t->fixed[nf++] = e[q].f;
    }
    free(e);
    t->nfixed = nf;
    for (size_t q = 0; q < nf; q++)
        t->c[t->fixed[q].voxel * (size_t)t->nsub + (size_t)t->fixed[q].substrate] = t->fixed[q].value;
    return STROMA_OK;
}

/* boundary_convention voxel and biofvm (PhysiCell/BioFVM): the outermost voxels of every Dirichlet face of a solved
 * axis, at the face's value; the face itself becomes no-flux. A voxel on several Dirichlet faces of one substrate
 * takes the last of them in the order x_min, x_max, y_min, y_max, z_min, z_max (BioFVM's order of setting them);
 * an entry of the model's `fixed` list (already in t->fixed) wins over the faces. voxel (biofvm = 0): they join
 * t->fixed (the held voxel's row is the identity in every solve, so no closure reaches past it). biofvm: they go
 * to t->reset, which the LOD solver writes into the field before the first axis sweep and after every sweep; within
 * a sweep they are ordinary unknowns. Writes the values into the field. */
static stroma_code map_face_voxels(stroma_transport *t, int biofvm, stroma_error *err) {
    const stroma_mesh *m = &t->mesh;
    const int n[3] = {m->nx, m->ny, m->nz};
    const size_t ns = (size_t)t->nsub;
    size_t nface = 0;
    for (size_t s = 0; s < ns; s++)
        for (int f = 0; f < STROMA_FACE_COUNT; f++)
            if (t->face_dirichlet[s * STROMA_FACE_COUNT + (size_t)f] && stroma_mesh_axis_active(m, f / 2))
                nface += m->nvox / (size_t)n[f / 2];
    if (nface == 0)
        return STROMA_OK;
    size_t count = nface + (biofvm ? 0 : t->nfixed);
    fixed_entry *e = malloc(count * sizeof *e);
    if (!e)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "transport: no memory for %zu boundary voxels", count);
    size_t q = 0;
    for (size_t s = 0; s < ns; s++)
        for (int f = 0; f < STROMA_FACE_COUNT; f++) {
            size_t at = s * STROMA_FACE_COUNT + (size_t)f;
            const int a = f / 2;
            if (!t->face_dirichlet[at] || !stroma_mesh_axis_active(m, a))
                continue;
            /* the face's voxels: index a fixed at 0 or n[a] - 1, the other two axes over their range */
            const int b = (a + 1) % 3, c = (a + 2) % 3;
            for (int ic = 0; ic < n[c]; ic++)
                for (int ib = 0; ib < n[b]; ib++) {
                    int idx[3];
                    idx[a] = f % 2 ? n[a] - 1 : 0;
                    idx[b] = ib;
                    idx[c] = ic;
                    e[q].f = (stroma_fixed_voxel){.voxel = stroma_mesh_index(m, idx[0], idx[1], idx[2]),
                                                  .substrate = (int)s,
                                                  .value = t->face_value[at]};
                    e[q++].order = f;
                }
            t->face_dirichlet[at] = 0;
            if (biofvm)
                t->face_reset[at] = 1;
            else
                t->face_held[at] = 1;
        }
    for (size_t k = 0; !biofvm && k < t->nfixed; k++) { /* the model's fixed voxels come last: they win */
        e[q].f = t->fixed[k];
        e[q++].order = STROMA_FACE_COUNT;
    }
    qsort(e, q, sizeof *e, fixed_entry_cmp);
    stroma_fixed_voxel *fx = malloc(q * sizeof *fx);
    if (!fx) {
        free(e);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "transport: no memory for %zu boundary voxels", q);
    }
    size_t nf = 0;
    for (size_t k = 0; k < q; k++)
        if (k + 1 == q || fixed_cmp(e[k].f.voxel, e[k].f.substrate, e[k + 1].f.voxel, e[k + 1].f.substrate) != 0)
            if (!biofvm || !stroma_transport_fixed_find(t, e[k].f.voxel, e[k].f.substrate, NULL))
                fx[nf++] = e[k].f;
    free(e);
    if (biofvm) {
        t->reset = fx;
        t->nreset = nf;
    } else {
        free(t->fixed);
        t->fixed = fx;
        t->nfixed = nf;
    }
    for (size_t k = 0; k < nf; k++)
        t->c[fx[k].voxel * ns + (size_t)fx[k].substrate] = fx[k].value;
    return STROMA_OK;
}

stroma_transport *stroma_transport_create(const stroma_model *model, const char *solver, stroma_error *err) {
    const stroma_solver_ops *ops = stroma_solver_find(solver);
    if (!ops) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "unknown diffusion solver \"%s\" (known: lod, adi, adi-cn, explicit)", solver);
        return NULL;
    }
    if (check_model(model, err) != STROMA_OK)
        return NULL;
    if (model->boundary_convention == STROMA_BOUNDARY_BIOFVM && ops != &stroma_solver_lod_ops) {
        /* BioFVM's scheme is defined by its axis sweeps: the explicit solver has none */
        if (model->boundary_convention_loc.line > 0)
            stroma_error_set(err, STROMA_ERR_ARGUMENT,
                             "%s:%d:%d: boundary_convention biofvm needs the lod solver (it resets the boundary voxels "
                             "between the LOD axis sweeps); the %s solver has no such sweeps",
                             model->path, model->boundary_convention_loc.line, model->boundary_convention_loc.column,
                             ops->name);
        else
            stroma_error_set(err, STROMA_ERR_ARGUMENT,
                             "boundary_convention biofvm needs the lod solver (it resets the boundary voxels between "
                             "the LOD axis sweeps); the %s solver has no such sweeps",
                             ops->name);
        return NULL;
    }
    stroma_transport *t = calloc(1, sizeof *t);
    if (!t) {
        stroma_error_set(err, STROMA_ERR_NOMEM, "transport: out of memory");
        return NULL;
    }
    stroma_mesh_init(&t->mesh, model);
    t->nsub = model->nsub;
    t->dt_min = model->dt_diffusion_min;
    size_t ns = (size_t)t->nsub, nval = t->mesh.nvox * ns;
    /* 64-byte aligned so rows start on cache lines; aligned_alloc wants a multiple of the alignment. */
    size_t field_bytes = (nval * sizeof(double) + 63) / 64 * 64;
    t->c = aligned_alloc(64, field_bytes > 0 ? field_bytes : 64);
    t->diffusion_um2_per_min = calloc(ns + 1, sizeof(double));
    t->decay_per_min = calloc(ns + 1, sizeof(double));
    t->face_dirichlet = calloc(ns * STROMA_FACE_COUNT + 1, 1);
    t->face_value = calloc(ns * STROMA_FACE_COUNT + 1, sizeof(double));
    t->face_held = calloc(ns * STROMA_FACE_COUNT + 1, 1);
    t->face_reset = calloc(ns * STROMA_FACE_COUNT + 1, 1);
    if (!t->c || !t->diffusion_um2_per_min || !t->decay_per_min || !t->face_dirichlet || !t->face_value ||
        !t->face_held || !t->face_reset) {
        stroma_error_set(err, STROMA_ERR_NOMEM, "transport: no memory for %zu voxels x %zu substrates (%zu bytes)",
                         t->mesh.nvox, ns, field_bytes);
        stroma_transport_destroy(&t);
        return NULL;
    }
    for (size_t s = 0; s < ns; s++) {
        const stroma_substrate_desc *d = &model->substrates[s];
        t->diffusion_um2_per_min[s] = d->diffusion_um2_per_min;
        t->decay_per_min[s] = d->decay_per_min;
        for (int f = 0; f < STROMA_FACE_COUNT; f++) {
            t->face_dirichlet[s * STROMA_FACE_COUNT + (size_t)f] = d->face_dirichlet[f] ? 1 : 0;
            t->face_value[s * STROMA_FACE_COUNT + (size_t)f] = d->face_value[f];
        }
    }
    for (size_t v = 0; v < t->mesh.nvox; v++)
        for (size_t s = 0; s < ns; s++)
            t->c[v * ns + s] = model->substrates[s].initial;
    if (map_fixed(t, model, err) != STROMA_OK ||
        (model->boundary_convention != STROMA_BOUNDARY_FACE &&
         map_face_voxels(t, model->boundary_convention == STROMA_BOUNDARY_BIOFVM, err) != STROMA_OK)) {
        stroma_transport_destroy(&t);
        return NULL;
    }
    if (ops->prepare(t, err) != STROMA_OK) {
        stroma_transport_destroy(&t);
        return NULL;
    }
    t->ops = ops;
    return t;
}

void stroma_transport_destroy(stroma_transport **tp) {
    if (!tp || !*tp)
        return;
    stroma_transport *t = *tp;
    if (t->ops && t->ops->destroy)
        t->ops->destroy(t);
    free(t->c);
    free(t->diffusion_um2_per_min);
    free(t->decay_per_min);
    free(t->face_dirichlet);
    free(t->face_value);
    free(t->face_held);
    free(t->face_reset);
    free(t->reset);
    free(t->fixed);
    free(t->ecm);
    free(t->ecm_sensitivity);
    free(t);
    *tp = NULL;
}

stroma_code stroma_transport_fix_voxel(stroma_transport *t, size_t voxel, int s, double value, stroma_error *err) {
    if (voxel >= t->mesh.nvox || s < 0 || s >= t->nsub || !isfinite(value))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "transport: cannot fix voxel %zu of substrate %d at %g (%zu voxels, %d substrates)",
                                voxel, s, value, t->mesh.nvox, t->nsub);
    size_t at = fixed_lower_bound(t, voxel, s);
    int existed = at < t->nfixed && t->fixed[at].voxel == voxel && t->fixed[at].substrate == s;
    double old_value = existed ? t->fixed[at].value : 0.0;
    if (existed) {
        t->fixed[at].value = value;
    } else {
        stroma_fixed_voxel *grown = realloc(t->fixed, (t->nfixed + 1) * sizeof *grown);
        if (!grown)
            return stroma_error_set(err, STROMA_ERR_NOMEM, "transport: no memory for a fixed voxel");
        t->fixed = grown;
        memmove(&t->fixed[at + 1], &t->fixed[at], (t->nfixed - at) * sizeof *t->fixed);
        t->fixed[at] = (stroma_fixed_voxel){.voxel = voxel, .substrate = s, .value = value};
        t->nfixed++;
    }
    stroma_code rc = t->ops->prepare(t, err);
    if (rc != STROMA_OK) { /* the solver kept its previous data: undo the list change to match it */
        if (existed) {
            t->fixed[at].value = old_value;
        } else {
            memmove(&t->fixed[at], &t->fixed[at + 1], (t->nfixed - at - 1) * sizeof *t->fixed);
            t->nfixed--;
        }
        return rc;
    }
    t->c[voxel * (size_t)t->nsub + (size_t)s] = value;
    return STROMA_OK;
}

stroma_code stroma_transport_set_hindrance(stroma_transport *t, const double *ecm, const double *sensitivity,
                                           stroma_error *err) {
    const size_t nvox = t->mesh.nvox, ns = (size_t)t->nsub;
    int any = 0;
    if (ecm) {
        if (!sensitivity && ns > 0)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "transport: hindrance needs a sensitivity per substrate");
        for (size_t s = 0; s < ns; s++) {
            if (!(sensitivity[s] >= 0.0) || !isfinite(sensitivity[s]))
                return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                        "transport: ECM sensitivity of substrate %zu must be finite and >= 0 (got %g)", s,
                                        sensitivity[s]);
            any |= sensitivity[s] > 0.0;
        }
        for (size_t v = 0; v < nvox; v++)
            if (!(ecm[v] >= 0.0) || !isfinite(ecm[v]))
                return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                        "transport: ECM density at voxel %zu must be finite and >= 0 (got %g)", v, ecm[v]);
    }
    double *old_ecm = t->ecm, *old_sens = t->ecm_sensitivity;
    int old_hindered = t->hindered;
    double *new_ecm = NULL, *new_sens = NULL;
    if (any) {
        new_ecm = malloc((nvox > 0 ? nvox : 1) * sizeof *new_ecm);
        new_sens = malloc((ns > 0 ? ns : 1) * sizeof *new_sens);
        if (!new_ecm || !new_sens) {
            free(new_ecm);
            free(new_sens);
            return stroma_error_set(err, STROMA_ERR_NOMEM, "transport: no memory for the ECM field (%zu voxels)", nvox);
        }
        memcpy(new_ecm, ecm, nvox * sizeof *new_ecm);
        memcpy(new_sens, sensitivity, ns * sizeof *new_sens);
    }
    t->ecm = new_ecm;
    t->ecm_sensitivity = new_sens;
    t->hindered = any;
    stroma_code rc = t->ops->prepare(t, err);
    if (rc != STROMA_OK) { /* the solver kept its previous data: so does the transport */
        free(new_ecm);
        free(new_sens);
        t->ecm = old_ecm;
        t->ecm_sensitivity = old_sens;
        t->hindered = old_hindered;
        return rc;
    }
    free(old_ecm);
    free(old_sens);
    return STROMA_OK;
}

void stroma_transport_step(stroma_transport *t) {
    t->ops->step(t, NULL);
}

void stroma_transport_step_with(stroma_transport *t, const stroma_prestep *pre) {
    t->ops->step(t, pre && pre->apply ? pre : NULL);
}

int stroma_transport_step_react(stroma_transport *t, const stroma_reaction *rx, int nrx) {
    if (nrx > STROMA_REACTION_LISTS_MAX)
        nrx = STROMA_REACTION_LISTS_MAX;
    if (t->ops->step_react)
        return t->ops->step_react(t, rx, nrx);
    const size_t ns = (size_t)t->nsub;
    const double dt = t->dt_min;
    for (int l = 0; l < nrx; l++)
        for (size_t e = 0; e < rx[l].n; e++)
            for (size_t s = 0; s < ns; s++) {
                if (stroma_transport_fixed_find(t, rx[l].voxel[e], (int)s, NULL))
                    continue;
                double *cv = &t->c[rx[l].voxel[e] * ns + s];
                *cv = (*cv + dt * rx[l].source[e * ns + s]) / (1.0 + dt * rx[l].rate[e * ns + s]);
            }
    t->ops->step(t, NULL);
    return 0;
}

int stroma_transport_reacts(const stroma_transport *t) { return t->ops->step_react != NULL; }

void stroma_transport_apply_source(stroma_transport *t, size_t voxel, double volume_um3,
                                   const double *secretion_per_min, const double *saturation,
                                   const double *uptake_per_min, const double *export_per_min,
                                   double *delta_amount) {
    const double vvox = t->mesh.voxel_volume_um3, dt = t->dt_min;
    const double dtv = dt * (volume_um3 / vvox);
    double *c = t->c + voxel * (size_t)t->nsub;
    for (int s = 0; s < t->nsub; s++) {
        double S = secretion_per_min ? secretion_per_min[s] : 0.0;
        double T = saturation ? saturation[s] : 0.0;
        double U = uptake_per_min ? uptake_per_min[s] : 0.0;
        double E = export_per_min ? export_per_min[s] : 0.0;
        double old = c[s];
        double v = old;
        if (!stroma_transport_fixed_find(t, voxel, s, NULL)) {
            v = (old + dtv * S * T) / (1.0 + dtv * (S + U)) + dt * E / vvox;
            if (v < 0.0)
                v = 0.0;
            c[s] = v;
        }
        if (delta_amount)
            delta_amount[s] = (v - old) * vvox;
    }
}

double stroma_transport_value_at(const stroma_transport *t, const double p_um[3], int s) {
    return t->c[stroma_mesh_voxel_of(&t->mesh, p_um) * (size_t)t->nsub + (size_t)s];
}

void stroma_transport_gradient_at(const stroma_transport *t, const double p_um[3], int s, double grad[3]) {
    const stroma_mesh *m = &t->mesh;
    size_t v = stroma_mesh_voxel_of(m, p_um);
    const int n[3] = {m->nx, m->ny, m->nz};
    const int idx[3] = {(int)(v % (size_t)m->nx), (int)(v / (size_t)m->nx % (size_t)m->ny),
                        (int)(v / ((size_t)m->nx * (size_t)m->ny))};
    const size_t step[3] = {1, (size_t)m->nx, (size_t)m->nx * (size_t)m->ny};
    const size_t ns = (size_t)t->nsub;
    const double *c = t->c + (size_t)s;
    for (int a = 0; a < 3; a++) {
        if (n[a] == 1) {
            grad[a] = 0.0;
            continue;
        }
        int has_lo = idx[a] > 0, has_hi = idx[a] < n[a] - 1; /* central inside, one-sided at a face */
        size_t lo = has_lo ? v - step[a] : v, hi = has_hi ? v + step[a] : v;
        grad[a] = (c[hi * ns] - c[lo * ns]) / ((double)(has_lo + has_hi) * m->dx_um);
    }
}

void stroma_transport_stats(const stroma_transport *t, int s, double *mean, double *min, double *max,
                            double *total) {
    const size_t ns = (size_t)t->nsub, nvox = t->mesh.nvox;
    const double *c = t->c + (size_t)s;
    double sum = 0.0, lo = c[0], hi = c[0];
    for (size_t v = 0; v < nvox; v++) { /* serial, in voxel order: the same sum at any thread count */
        double x = c[v * ns];
        sum += x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    if (mean)
        *mean = sum / (double)nvox;
    if (min)
        *min = lo;
    if (max)
        *max = hi;
    if (total)
        *total = sum * t->mesh.voxel_volume_um3;
}

size_t stroma_transport_bytes(const stroma_transport *t) {
    size_t ns = (size_t)t->nsub;
    return sizeof *t + (t->mesh.nvox * ns * sizeof(double) + 63) / 64 * 64 + 2 * (ns + 1) * sizeof(double) +
           (ns * STROMA_FACE_COUNT + 1) * (3 + sizeof(double)) + (t->nfixed + t->nreset) * sizeof *t->fixed +
           t->solver_bytes +
           (t->ecm ? t->mesh.nvox * sizeof(double) + ns * sizeof(double) : 0);
}

double stroma_transport_decay_kept(const stroma_transport *t, int s) { return t->ops->kept(t, s); }

int stroma_transport_open(const stroma_transport *t, int s) {
    for (int f = 0; f < STROMA_FACE_COUNT; f++)
        /* a face of an axis that is not solved (a 2D slab's z faces) carries nothing */
        if ((t->face_dirichlet[(size_t)s * STROMA_FACE_COUNT + (size_t)f] ||
             t->face_reset[(size_t)s * STROMA_FACE_COUNT + (size_t)f]) &&
            stroma_mesh_axis_active(&t->mesh, f / 2))
            return 1;
    for (size_t k = 0; k < t->nfixed; k++)
        if (t->fixed[k].substrate == s) return 1;
    return 0;
}

/* Voxels per chunk of stroma_transport_sums. */
#define TRANSPORT_SUM_CHUNK 1024

int stroma_transport_sums(const stroma_transport *t, const int *subs, int n, double *out, double **scratch,
                          size_t *cap) {
    if (n <= 0) return 0;
    const int nsub = t->nsub;
    const size_t nvox = t->mesh.nvox, nch = (nvox + TRANSPORT_SUM_CHUNK - 1) / TRANSPORT_SUM_CHUNK;
    const size_t need = nch * (size_t)n;
    if (need > *cap) {
        double *p = realloc(*scratch, need * sizeof *p);
        if (!p) return -1;
        *scratch = p;
        *cap = need;
    }
    double *partial = *scratch;
    const double *c = t->c;
#pragma omp parallel for schedule(static) if (nch > 8)
    for (size_t q = 0; q < nch; q++) {
        size_t v1 = (q + 1) * TRANSPORT_SUM_CHUNK < nvox ? (q + 1) * TRANSPORT_SUM_CHUNK : nvox;
        for (int k = 0; k < n; k++) {
            size_t s = (size_t)subs[k];
            double sum = 0;
            for (size_t vox = q * TRANSPORT_SUM_CHUNK; vox < v1; vox++) sum += c[vox * (size_t)nsub + s];
            partial[q * (size_t)n + (size_t)k] = sum;
        }
    }
    for (int k = 0; k < n; k++) {
        double sum = 0;
        for (size_t q = 0; q < nch; q++) sum += partial[q * (size_t)n + (size_t)k];
        out[k] = sum;
    }
    return 0;
}

void stroma_transport_account_decay(const stroma_transport *t, int s, double total, int first, double *total0,
                                    double *decayed) {
    int open = stroma_transport_open(t, s);
    if (first) {
        *total0 = total;
        *decayed = open ? NAN : 0.0;
    } else if (!open) {
        *decayed += total * (1.0 / stroma_transport_decay_kept(t, s) - 1.0);
    }
}
