/* Drugs in the simulation: plasma pharmacokinetics on the simulation clock, blood values for the vessel-wall
 * exchange, binding sinks, receptor blockade and drug-induced apoptosis (therapy.h). */
#include "therapy/therapy.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

stroma_code stroma_therapy_init(stroma_therapy *th, const stroma_model *m, stroma_error *err) {
    memset(th, 0, sizeof *th);
    const stroma_therapies_desc *d = &m->therapies;
    th->d = d;
    th->nsub = m->nsub;
    th->drug = calloc((size_t)(d->ndrugs > 0 ? d->ndrugs : 1), sizeof *th->drug);
    th->blood = malloc((size_t)(m->nsub > 0 ? m->nsub : 1) * sizeof *th->blood);
    th->block_of = malloc((size_t)(m->nsub > 0 ? m->nsub : 1) * sizeof *th->block_of);
    th->release_of = malloc((size_t)(m->nsub > 0 ? m->nsub : 1) * sizeof *th->release_of);
    th->nstate = m->nstate;
    th->ligand_of = malloc((size_t)(m->nstate > 0 ? m->nstate : 1) * sizeof *th->ligand_of);
    th->ninhibit = m->ntypes * m->rule_tables.nbehaviours;
    th->inhibit_of = malloc((size_t)(th->ninhibit > 0 ? th->ninhibit : 1) * sizeof *th->inhibit_of);
    if (!th->drug || !th->blood || !th->block_of || !th->release_of || !th->ligand_of || !th->inhibit_of) {
        stroma_therapy_free(th);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the drugs");
    }
    for (int s = 0; s < m->nsub; s++) {
        th->blood[s] = NAN;
        th->block_of[s] = th->release_of[s] = -1;
    }
    for (int v = 0; v < m->nstate; v++) th->ligand_of[v] = -1;
    for (int q = 0; q < th->ninhibit; q++) th->inhibit_of[q] = -1;
    for (int k = 0; k < d->ndrugs; k++) {
        const stroma_drug_desc *dd = &d->drugs[k];
        stroma_drug_state *x = &th->drug[k];
        th->n = k + 1;
        x->d = dd;
        x->params = (stroma_pk_params){.compartments = dd->compartments,
                                       .vc_l = dd->vc_l,
                                       .vp_l = dd->vp_l,
                                       .cl_l_per_min = dd->cl_l_per_min,
                                       .q_l_per_min = dd->q_l_per_min,
                                       .ka_per_min = dd->ka_per_min,
                                       .bioavailability = dd->bioavailability};
        stroma_code rc = stroma_pk_params_check(&x->params, err);
        if (rc == STROMA_OK && !(x->sched = stroma_pk_schedule_create(err))) rc = STROMA_ERR_NOMEM;
        for (int r = 0; rc == STROMA_OK && r < dd->nregimens; r++) {
            const stroma_regimen_desc *rg = &dd->regimens[r];
            stroma_pk_regimen reg = {.route = (stroma_pk_route)rg->route,
                                     .start_min = rg->start_min,
                                     .dose = rg->dose,
                                     .per_kg = rg->per_kg,
                                     .interval_min = rg->cycles > 1 ? rg->interval_min : 0,
                                     .cycles = rg->cycles,
                                     .duration_min = rg->duration_min};
            rc = stroma_pk_schedule_add(x->sched, &reg, d->body_weight_kg, err);
        }
        if (rc == STROMA_OK) rc = stroma_pk_schedule_check(x->sched, &x->params, err);
        if (rc != STROMA_OK) {
            if (err) {
                char msg[sizeof err->message];
                snprintf(msg, sizeof msg, "%s", err->message);
                stroma_error_set(err, rc, "therapies.drugs.%s: %s", dd->name, msg);
            }
            stroma_therapy_free(th);
            return rc;
        }
        stroma_pk_state_init(&x->pk, &x->params, x->sched);
        x->cmax_mg_per_l = stroma_pk_state_central(&x->pk);
        x->tmax_min = 0;
        if (dd->block.substrate >= 0) th->block_of[dd->block.substrate] = k;
        if (dd->block_release.substrate >= 0) th->release_of[dd->block_release.substrate] = k;
        if (dd->checkpoint.ligand >= 0) th->ligand_of[dd->checkpoint.ligand] = k;
        if (dd->inhibit.type >= 0 && dd->inhibit.behaviour >= 0)
            th->inhibit_of[dd->inhibit.type * m->rule_tables.nbehaviours + dd->inhibit.behaviour] = k;
        th->any_seen |= dd->block.substrate >= 0 || dd->block_release.substrate >= 0 || dd->checkpoint.ligand >= 0 ||
                        dd->inhibit.behaviour >= 0;
        th->any_death |= dd->deplete.type >= 0 || dd->cytotoxic.present;
    }
    th->any_death |= d->radiotherapy.present;
    stroma_therapy_blood(th);
    return STROMA_OK;
}

void stroma_therapy_free(stroma_therapy *th) {
    for (int k = 0; th->drug && k < th->n; k++) stroma_pk_schedule_destroy(&th->drug[k].sched);
    free(th->drug);
    free(th->blood);
    free(th->block_of);
    free(th->release_of);
    free(th->ligand_of);
    free(th->inhibit_of);
    free(th->cum);
    memset(th, 0, sizeof *th);
}

double stroma_therapy_plasma(const stroma_therapy *th, int k) { return stroma_pk_state_central(&th->drug[k].pk); }

void stroma_therapy_blood(stroma_therapy *th) {
    for (int k = 0; k < th->n; k++) {
        const stroma_drug_desc *dd = th->drug[k].d;
        if (dd->substrate >= 0) th->blood[dd->substrate] = dd->conversion * stroma_therapy_plasma(th, k);
    }
}

void stroma_therapy_advance(stroma_therapy *th, double dt_min) {
    for (int k = 0; k < th->n; k++) {
        stroma_drug_state *x = &th->drug[k];
        stroma_pk_state_advance(&x->pk, dt_min);
        double c = stroma_pk_state_central(&x->pk);
        if (c > x->cmax_mg_per_l) {
            x->cmax_mg_per_l = c;
            x->tmax_min = x->pk.t_min;
        }
    }
    stroma_therapy_blood(th);
}

void stroma_therapy_neutralise(stroma_therapy *th, stroma_transport *t, double dt_min) {
    const size_t nvox = t->mesh.nvox, ns = (size_t)t->nsub;
    const double vv = t->mesh.voxel_volume_um3;
    for (int k = 0; k < th->n; k++) {
        stroma_drug_state *x = &th->drug[k];
        const stroma_neutralise_desc *nd = &x->d->neutralise;
        if (nd->substrate < 0 || x->d->substrate < 0) continue;
        const size_t f = (size_t)nd->substrate, g = (size_t)x->d->substrate;
        double removed = 0;
        for (size_t v = 0; v < nvox; v++) {
            if (t->nfixed && stroma_transport_fixed_find(t, v, (int)f, NULL)) continue;
            double *c = &t->c[v * ns + f];
            double drug = t->c[v * ns + g];
            if (!(drug > 0)) continue;
            double old = *c, nw = old / (1 + dt_min * nd->k_on * drug);
            *c = nw;
            removed += old - nw;
        }
        x->neutralised += removed * vv;
    }
}

int stroma_therapy_radiation_window(stroma_therapy *th, double t0_min, double t1_min) {
    th->rt_dose_gy = th->rt_dose2_gy2 = 0;
    th->rt_dt_min = t1_min - t0_min;
    const stroma_radiotherapy_desc *rt = &th->d->radiotherapy;
    if (!rt->present || !(t1_min > t0_min)) return 0;
    int given = 0;
    for (int k = 0; k < rt->fractions; k++) {
        double at = rt->start_min + k * rt->interval_min;
        if (at > t1_min) break;
        if (at > t0_min || (t0_min == 0 && at == 0)) {
            th->rt_dose_gy += rt->dose_gy;
            th->rt_dose2_gy2 += rt->dose_gy * rt->dose_gy;
            given++;
        }
    }
    return given;
}

stroma_code stroma_therapy_infuse(stroma_therapy *th, stroma_cell_engine *e, const stroma_vessels *v,
                                  const stroma_transport *t, double t0_min, double t1_min, stroma_error *err) {
    const stroma_therapies_desc *d = th->d;
    const stroma_mesh *mesh = &t->mesh;
    for (int k = 0; k < d->ninfusions; k++) {
        const stroma_infusion_desc *f = &d->infusions[k];
        if (!(f->time_min > t0_min || (t0_min == 0 && f->time_min == 0)) || f->time_min > t1_min) continue;
        if (!th->cum && !(th->cum = malloc((mesh->nvox ? mesh->nvox : 1) * sizeof *th->cum)))
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory infusing cells");
        double W = 0;
        for (size_t q = 0; q < v->nlist; q++) th->cum[q] = W += v->rho[v->list[q]];
        if (!(W > 0)) continue; /* no vessel left: the cells do not reach the tissue */
        for (int j = 0; j < f->cells; j++) {
            double u[4];
            stroma_rng_uniform2(e->rng, (uint64_t)k, (uint64_t)j, STROMA_RNG_INFUSION, 0, u);
            stroma_rng_uniform2(e->rng, (uint64_t)k, (uint64_t)j, STROMA_RNG_INFUSION, 1, u + 2);
            size_t lo = 0, hi = v->nlist - 1, x;
            double target = u[0] * W;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (th->cum[mid] > target)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            x = v->list[lo];
            size_t ix = x % (size_t)mesh->nx, iy = x / (size_t)mesh->nx % (size_t)mesh->ny,
                   iz = x / ((size_t)mesh->nx * (size_t)mesh->ny);
            double p[3] = {mesh->lo_um[0] + ((double)ix + u[1]) * mesh->dx_um,
                           mesh->lo_um[1] + ((double)iy + u[2]) * mesh->dx_um,
                           mesh->lo_um[2] + ((double)iz + u[3]) * mesh->dx_um};
            if (e->dom.dim < 3) p[2] = 0.5 * (e->dom.lo_um[2] + e->dom.hi_um[2]);
            if (stroma_cell_engine_add(e, f->type, p, t1_min, err) == (size_t)-1) return STROMA_ERR_NOMEM;
        }
    }
    return STROMA_OK;
}

/* Occupancy C / (C + ec50) of drug k at p. */
static double occupancy(const stroma_therapy *th, const stroma_transport *t, const double p[3], int k, double ec50) {
    double c = stroma_transport_value_at(t, p, th->drug[k].d->substrate);
    return c > 0 ? c / (c + ec50) : 0.0;
}

double stroma_therapy_cell_hazard(const void *ctx, const stroma_cell_engine *e, const stroma_transport *t, size_t i) {
    const stroma_therapy *th = ctx;
    if (!th->any_death || !t) return 0.0;
    const stroma_cells *c = &e->cells;
    const double p[3] = {c->x[i], c->y[i], c->z[i]};
    const int type = c->type[i];
    double h = 0;
    for (int k = 0; k < th->n; k++) {
        const stroma_drug_desc *dd = th->drug[k].d;
        if (dd->deplete.type == type && dd->deplete.rate_per_min > 0)
            h += dd->deplete.rate_per_min * occupancy(th, t, p, k, dd->deplete.ec50);
        const stroma_cytotoxic_desc *cy = &dd->cytotoxic;
        if (!cy->present || !(cy->rate_per_min > 0)) continue;
        double w = cy->weight ? cy->weight[type] : 1.0;
        if (!(w > 0)) continue;
        double res = cy->resistance >= 0 ? c->svar[i * (size_t)c->nstate + (size_t)cy->resistance] : 0.0;
        if (!(res > 0)) res = 0;
        h += cy->rate_per_min * w * occupancy(th, t, p, k, cy->ec50) / (1 + res);
    }
    const stroma_radiotherapy_desc *rt = &th->d->radiotherapy;
    if (th->rt_dose_gy > 0 && (rt->alpha[type] > 0 || rt->beta[type] > 0)) {
        double omf = 1;
        if (rt->oxygen >= 0) {
            double po2 = stroma_transport_value_at(t, p, rt->oxygen);
            if (po2 < 0) po2 = 0;
            omf = (rt->oer * po2 + rt->oxygen_half_mmhg) / (rt->oer * (po2 + rt->oxygen_half_mmhg));
        }
        double res = rt->resistance >= 0 ? c->svar[i * (size_t)c->nstate + (size_t)rt->resistance] : 0.0;
        if (!(res > 0)) res = 0;
        double logkill = (rt->alpha[type] * omf * th->rt_dose_gy + rt->beta[type] * omf * omf * th->rt_dose2_gy2) /
                         (1 + res);
        h += logkill / th->rt_dt_min;
    }
    return h;
}

double stroma_therapy_seen(const void *ctx, const stroma_transport *t, const double p_um[3], int what, int arg) {
    const stroma_therapy *th = ctx;
    switch (what) {
    case STROMA_DRUG_SEEN_SUBSTRATE: {
        int k = th->block_of[arg];
        return k < 0 ? 1.0 : 1.0 - occupancy(th, t, p_um, k, th->drug[k].d->block.ec50);
    }
    case STROMA_DRUG_SEEN_CONTACT_STATE: {
        int k = arg < th->nstate ? th->ligand_of[arg] : -1;
        return k < 0 ? 1.0 : 1.0 - occupancy(th, t, p_um, k, th->drug[k].d->checkpoint.ec50);
    }
    case STROMA_DRUG_SEEN_RELEASE: {
        int k = th->release_of[arg];
        return k < 0 ? 1.0 : 1.0 - occupancy(th, t, p_um, k, th->drug[k].d->block_release.ec50);
    }
    case STROMA_DRUG_SEEN_BEHAVIOUR: {
        int k = arg >= 0 && arg < th->ninhibit ? th->inhibit_of[arg] : -1;
        return k < 0 ? 1.0 : 1.0 - occupancy(th, t, p_um, k, th->drug[k].d->inhibit.ec50);
    }
    default: return 1.0;
    }
}

/* The checkpointed doubles of a drug, one table for save and load: offset, and whether it must be >= 0. */
static const struct {
    size_t off;
    int nonneg;
} drug_fields[] = {
    {offsetof(stroma_drug_state, pk.t_min), 1},
    {offsetof(stroma_drug_state, pk.amount_mg[0]), 1},
    {offsetof(stroma_drug_state, pk.amount_mg[1]), 1},
    {offsetof(stroma_drug_state, pk.amount_mg[2]), 1},
    {offsetof(stroma_drug_state, pk.extra_per_min), 1},
    {offsetof(stroma_drug_state, pk.dosed_mg), 1},
    {offsetof(stroma_drug_state, pk.cleared_mg), 1},
    {offsetof(stroma_drug_state, pk.extra_eliminated_mg), 1},
    {offsetof(stroma_drug_state, pk.not_absorbed_mg), 1},
    {offsetof(stroma_drug_state, pk.auc_mg_min_per_l), 1},
    {offsetof(stroma_drug_state, cmax_mg_per_l), 1},
    {offsetof(stroma_drug_state, tmax_min), 1},
    {offsetof(stroma_drug_state, neutralised), 0},
};
#define DRUG_FIELDS (sizeof drug_fields / sizeof drug_fields[0])

static double *drug_field(stroma_drug_state *x, size_t q) { return (double *)((char *)x + drug_fields[q].off); }

void stroma_therapy_save(const void *ctx, stroma_buf *b) {
    const stroma_therapy *th = ctx;
    stroma_buf_put_u32(b, (uint32_t)th->n);
    for (int k = 0; k < th->n; k++) {
        stroma_drug_state *x = &th->drug[k];
        stroma_buf_put_u32(b, (uint32_t)x->pk.next);
        for (size_t q = 0; q < DRUG_FIELDS; q++) stroma_buf_put_f64(b, *drug_field(x, q));
    }
}

stroma_code stroma_therapy_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_therapy *th = ctx;
    uint32_t n = stroma_reader_u32(r);
    if (r->bad || (int)n != th->n)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint drugs (%u) do not fit this model (%d)", n, th->n);
    for (int k = 0; k < th->n; k++) {
        stroma_drug_state *x = &th->drug[k];
        uint32_t next = stroma_reader_u32(r);
        double v[DRUG_FIELDS];
        for (size_t q = 0; q < DRUG_FIELDS; q++) v[q] = stroma_reader_f64(r);
        if (r->bad) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint drugs section is truncated");
        int ok = next <= (uint32_t)x->sched->n;
        for (size_t q = 0; q < DRUG_FIELDS; q++) ok = ok && isfinite(v[q]) && (!drug_fields[q].nonneg || v[q] >= 0);
        if (!ok)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint state of drug %s is not valid (a value is not finite or negative, "
                                    "or the dose index is beyond its schedule)",
                                    x->d->name);
        x->pk.next = (int)next;
        for (size_t q = 0; q < DRUG_FIELDS; q++) *drug_field(x, q) = v[q];
    }
    stroma_therapy_blood(th);
    return STROMA_OK;
}
