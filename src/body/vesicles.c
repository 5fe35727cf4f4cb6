/* Extracellular vesicles: release, saturable uptake with cargo, and their ledger (vesicles.h). */
#include "body/vesicles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/rules_tables.h"
#include "util/error_impl.h"

/* mL per µm³ */
#define ML_PER_UM3 1e-12

stroma_code stroma_vesicles_init(stroma_vesicles *v, const stroma_model *m, const stroma_rules_engine *rules,
                                 stroma_error *err) {
    memset(v, 0, sizeof *v);
    v->d = &m->vesicles;
    v->n = m->vesicles.nclasses;
    v->nstate = m->nstate;
    size_t n = (size_t)(v->n > 0 ? v->n : 1);
    v->release_slot = malloc(n * sizeof *v->release_slot);
    v->uptake_slot = malloc(n * sizeof *v->uptake_slot);
    v->ledger = calloc(n, sizeof *v->ledger);
    if (!v->release_slot || !v->uptake_slot || !v->ledger) {
        stroma_vesicles_free(v);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the vesicles");
    }
    for (int k = 0; k < v->n; k++) {
        int br = stroma_rule_behaviour_of(&m->rule_tables, STROMA_BEH_VESICLE_RELEASE, k);
        int bu = stroma_rule_behaviour_of(&m->rule_tables, STROMA_BEH_VESICLE_UPTAKE, k);
        v->release_slot[k] = rules && br >= 0 ? rules->slot_of[br] : -1;
        v->uptake_slot[k] = rules && bu >= 0 ? rules->slot_of[bu] : -1;
    }
    return STROMA_OK;
}

void stroma_vesicles_free(stroma_vesicles *v) {
    free(v->release_slot);
    free(v->uptake_slot);
    free(v->ledger);
    free(v->partial);
    memset(v, 0, sizeof *v);
}

/* Sums of every class's field over the domain into out[n] (value x voxel; stroma_transport_sums). */
static int class_sums(stroma_vesicles *v, const stroma_transport *t, double *out) {
    if (v->n <= 0) return 0;
    int few[16], *subs = v->n <= 16 ? few : malloc((size_t)v->n * sizeof *subs);
    if (!subs) return -1;
    for (int k = 0; k < v->n; k++) subs[k] = v->d->classes[k].substrate;
    int rc = stroma_transport_sums(t, subs, v->n, out, &v->partial, &v->partial_cap);
    if (subs != few) free(subs);
    return rc;
}

double stroma_vesicles_total(stroma_vesicles *v, const stroma_transport *t, int k) {
    double few[16], *sums = v->n <= 16 ? few : malloc((size_t)v->n * sizeof *sums);
    if (!sums || class_sums(v, t, sums) != 0) {
        if (sums != few) free(sums);
        return NAN;
    }
    double total = sums[k] * t->mesh.voxel_volume_um3 * ML_PER_UM3;
    if (sums != few) free(sums);
    return total;
}

int stroma_vesicles_account(stroma_vesicles *v, const stroma_transport *t, int first) {
    if (v->n == 0) return 0;
    double few[16], *sums = v->n <= 16 ? few : malloc((size_t)v->n * sizeof *sums);
    if (!sums || class_sums(v, t, sums) != 0) {
        if (sums != few) free(sums);
        return -1;
    }
    for (int k = 0; k < v->n; k++) {
        int s = v->d->classes[k].substrate;
        double total = sums[k] * t->mesh.voxel_volume_um3 * ML_PER_UM3;
        stroma_vesicle_ledger *l = &v->ledger[k];
        stroma_transport_account_decay(t, s, total, first, &l->tissue0, &l->decayed);
    }
    if (sums != few) free(sums);
    return 0;
}

void stroma_vesicles_cells_act(stroma_vesicles *v, stroma_cell_engine *e, stroma_transport *t, double dt_min) {
    stroma_cells *c = &e->cells;
    const stroma_mesh *mesh = &t->mesh;
    const size_t nb = (size_t)c->nbeh, ns = (size_t)c->nstate, nsub = (size_t)t->nsub;
    const double vol_ml = mesh->voxel_volume_um3 * ML_PER_UM3;
    for (size_t i = 0; i < c->n; i++) {
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        const int type = c->type[i];
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        size_t vox = stroma_mesh_voxel_of(mesh, p);
        for (int k = 0; k < v->n; k++) {
            const stroma_vesicle_class_desc *d = &v->d->classes[k];
            double *cv = &t->c[vox * nsub + (size_t)d->substrate];
            /* uptake: saturable in the voxel's value, at most what the voxel holds */
            double vmax = v->uptake_slot[k] >= 0 ? c->beh[i * nb + (size_t)v->uptake_slot[k]] : d->uptake_rate[type];
            if (vmax > 0 && *cv > 0) {
                double K = d->uptake_half_max[type], held = *cv * vol_ml;
                double n = dt_min * vmax * *cv / (K + *cv);
                if (n >= held) {
                    n = held;
                    *cv = 0;
                } else {
                    *cv -= n / vol_ml;
                }
                v->ledger[k].taken_up += n;
                for (size_t s = 0; s < ns; s++)
                    if (d->cargo[s] != 0) c->svar[i * ns + s] += n * d->cargo[s];
            }
            /* release into the voxel */
            double rate = v->release_slot[k] >= 0 ? c->beh[i * nb + (size_t)v->release_slot[k]] : d->release[type];
            if (rate > 0 && e->drug_seen)
                rate *= e->drug_seen(e->drug_ctx, t, p, STROMA_DRUG_SEEN_RELEASE, d->substrate);
            if (rate > 0) {
                double n = dt_min * rate;
                *cv += n / vol_ml;
                v->ledger[k].released += n;
            }
        }
    }
}

#define VESICLE_LEDGER_DOUBLES 4

void stroma_vesicles_save(const void *ctx, stroma_buf *b) {
    const stroma_vesicles *v = ctx;
    stroma_buf_put_u32(b, (uint32_t)v->n);
    for (int k = 0; k < v->n; k++) {
        const stroma_vesicle_ledger *l = &v->ledger[k];
        stroma_buf_put_f64(b, l->released);
        stroma_buf_put_f64(b, l->taken_up);
        stroma_buf_put_f64(b, l->decayed);
        stroma_buf_put_f64(b, l->tissue0);
    }
}

stroma_code stroma_vesicles_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_vesicles *v = ctx;
    uint32_t n = stroma_reader_u32(r);
    if (r->bad || (int)n != v->n)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint vesicles (%u classes) do not fit this model (%d)", n, v->n);
    for (int k = 0; k < v->n; k++) {
        double q[VESICLE_LEDGER_DOUBLES];
        for (int j = 0; j < VESICLE_LEDGER_DOUBLES; j++) q[j] = stroma_reader_f64(r);
        if (r->bad) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint vesicles section is truncated");
        int ok = isfinite(q[0]) && q[0] >= 0 && isfinite(q[1]) && q[1] >= 0 && isfinite(q[3]) && q[3] >= 0 &&
                 (isfinite(q[2]) || isnan(q[2]));
        if (!ok)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint ledger of vesicle class %s is not finite (or negative)",
                                    v->d->classes[k].name);
        v->ledger[k] = (stroma_vesicle_ledger){q[0], q[1], q[2], q[3]};
    }
    return STROMA_OK;
}
