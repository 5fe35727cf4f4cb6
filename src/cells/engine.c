/* The cell engine: placement, secretion coupling, mechanics and phenotype clocks (see engine.h). */
#include "cells/engine.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/rules_tables.h"
#include "transport/solvers.h"
#include "util/buf.h"
#include "util/error_impl.h"

#define TWO_PI 6.283185307179586

stroma_code stroma_cell_engine_init(stroma_cell_engine *e, const stroma_cell_type_desc *types, int ntypes,
                                    int nsub, const stroma_mech_domain *dom, stroma_rng_key rng,
                                    stroma_error *err) {
    memset(e, 0, sizeof *e);
    e->types = types;
    e->ntypes = ntypes;
    e->nsub = nsub;
    e->dom = *dom;
    e->rng = rng;
    e->grid_stale = 1;
    e->sec_stale = 1;
    e->burst_type = -1;
    stroma_code rc = stroma_mech_pairs_init(&e->pairs, types, ntypes, err);
    if (rc == STROMA_OK) rc = stroma_cells_init(&e->cells, nsub, 1024, err);
    int parts = 0;
    for (int k = 0; k < ntypes; k++) parts |= types[k].volume_parts;
    if (rc == STROMA_OK && parts) rc = stroma_cells_set_volume_parts(&e->cells, STROMA_VOL_N, err);
    if (rc != STROMA_OK) stroma_cell_engine_free(e);
    return rc;
}

static void sec_order_free(stroma_sec_order *o) {
    free(o->order);
    free(o->start);
    free(o->voxels);
    free(o->alpha);
    free(o->beta);
    free(o->exact);
    free(o->stamp);
    memset(o, 0, sizeof *o);
}

void stroma_cell_engine_free(stroma_cell_engine *e) {
    stroma_cells_free(&e->cells);
    stroma_cell_grid_free(&e->grid);
    stroma_mech_pairs_free(&e->pairs);
    free(e->action);
    free(e->action_arg);
    free(e->contact);
    free(e->contact_other);
    free(e->contact_min);
    free(e->contact_new);
    free(e->adh_scale);
    free(e->rep_scale);
    free(e->keep);
    free(e->voxel);
    free(e->mech_cost);
    free(e->contact_state);
    sec_order_free(&e->sec);
    sec_order_free(&e->sec_prev);
    free(e->sec_count);
    memset(e, 0, sizeof *e);
}

static stroma_code ensure_scratch(stroma_cell_engine *e, size_t n, stroma_error *err) {
    if (n <= e->scratch_cap && e->action) return STROMA_OK;
    size_t cap = n + n / 2 + 64;
    void *p;
#define GROW(f, T)                                                                                            \
    p = realloc(e->f, cap * sizeof(T));                                                                       \
    if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for %zu cells", cap);               \
    e->f = p;
    GROW(action, uint8_t)
    GROW(action_arg, int32_t)
    GROW(contact, uint8_t)
    GROW(contact_other, int64_t)
    GROW(contact_min, double)
    GROW(contact_new, int64_t)
    GROW(adh_scale, double)
    GROW(rep_scale, double)
    GROW(keep, unsigned char)
    GROW(voxel, size_t)
    GROW(mech_cost, uint32_t)
#undef GROW
    e->scratch_cap = cap;
    return STROMA_OK;
}

stroma_code stroma_cell_engine_set_rules(stroma_cell_engine *e, const stroma_rules_engine *rules,
                                         stroma_error *err) {
    e->rules = rules;
    return stroma_cells_set_extra(&e->cells, rules ? rules->nstate : 0, rules ? rules->nslots : 0, err);
}

/* A rule-controlled behaviour of cell i, or the type's own value when no rule controls it. */
static inline double beh(const stroma_cell_engine *e, size_t i, int slot, double type_value) {
    return slot >= 0 ? e->cells.beh[i * (size_t)e->cells.nbeh + (size_t)slot] : type_value;
}


static void kill_cell(stroma_cell_engine *e, size_t j, uint8_t how);
static void decide_contact_mech(stroma_cell_engine *e, size_t i, double dt);
static size_t apply_contacts_mech(stroma_cell_engine *e, double dt);

/* ---- PhysiCell's volume model (cell_types.<name>.volume_parts) ---- */

/* The type's nuclear solid volume of a new cell, the target of a cell of that type outside its growth phase. */
static double vol_target_nuclear_solid(const stroma_cell_type_desc *T) {
    return T->vp_nuclear_um3 - T->vp_fluid_fraction * T->vp_nuclear_um3;
}

/* Cell i's volume parts from its total volume in its type's proportions (PhysiCell's set-up of a cell's Volume),
 * the nuclear solid target the type's. */
static void vol_parts_split(stroma_cell_engine *e, size_t i, const stroma_cell_type_desc *T) {
    stroma_cells *c = &e->cells;
    double *v = c->vol + i * (size_t)c->nvol, V = c->volume_um3[i], ff = T->vp_fluid_fraction;
    double nuclear = V == T->volume_um3 ? T->vp_nuclear_um3 : V * (T->vp_nuclear_um3 / T->volume_um3);
    double cyto = V - nuclear;
    v[STROMA_VOL_FLUID] = ff * V;
    v[STROMA_VOL_NUCLEAR] = nuclear;
    v[STROMA_VOL_NUCLEAR_SOLID] = nuclear - ff * nuclear;
    v[STROMA_VOL_CYTO_SOLID] = cyto - ff * cyto;
    v[STROMA_VOL_TARGET_NUCLEAR_SOLID] = vol_target_nuclear_solid(T);
}

/* One phenotype step of PhysiCell's standard_volume_update_function (explicit Euler, parts clamped at 0): fluid
 * toward fluid_fraction x volume, nuclear solid toward its target, cytoplasmic solid toward the type's
 * cytoplasm-to-nucleus ratio x that target; the fluid splits between nucleus and cytoplasm as the volume did. */
static void vol_parts_update(stroma_cell_engine *e, size_t i, const stroma_cell_type_desc *T, double dt) {
    stroma_cells *c = &e->cells;
    double *v = c->vol + i * (size_t)c->nvol, V = c->volume_um3[i];
    double fluid = v[STROMA_VOL_FLUID] + dt * T->vp_fluid_rate * (T->vp_fluid_fraction * V - v[STROMA_VOL_FLUID]);
    if (fluid < 0) fluid = 0;
    double nuclear_fluid = (v[STROMA_VOL_NUCLEAR] / (V + 1e-16)) * fluid, cyto_fluid = fluid - nuclear_fluid;
    double target_ns = v[STROMA_VOL_TARGET_NUCLEAR_SOLID];
    double ns = v[STROMA_VOL_NUCLEAR_SOLID] + dt * T->vp_nuclear_rate * (target_ns - v[STROMA_VOL_NUCLEAR_SOLID]);
    if (ns < 0) ns = 0;
    double ratio = (T->volume_um3 - T->vp_nuclear_um3) / (1e-16 + T->vp_nuclear_um3);
    double cs = v[STROMA_VOL_CYTO_SOLID] + dt * T->vp_cyto_rate * (ratio * target_ns - v[STROMA_VOL_CYTO_SOLID]);
    if (cs < 0) cs = 0;
    v[STROMA_VOL_FLUID] = fluid;
    v[STROMA_VOL_NUCLEAR_SOLID] = ns;
    v[STROMA_VOL_CYTO_SOLID] = cs;
    v[STROMA_VOL_NUCLEAR] = ns + nuclear_fluid;
    c->volume_um3[i] = (cs + cyto_fluid) + (ns + nuclear_fluid);
    c->radius_um[i] = stroma_sphere_radius(c->volume_um3[i]);
}

void stroma_cell_engine_set_type(stroma_cell_engine *e, size_t i, int type) {
    stroma_cells *c = &e->cells;
    const stroma_cell_type_desc *T = &e->types[type];
    /* volume parts: a cell keeps its volumes and takes its new type's targets (PhysiCell's
     * convert_to_cell_definition); one coming from a type without parts is split in the new type's proportions */
    if (c->nvol && T->volume_parts) {
        if (e->types[c->type[i]].volume_parts)
            c->vol[i * (size_t)c->nvol + STROMA_VOL_TARGET_NUCLEAR_SOLID] = vol_target_nuclear_solid(T);
        else
            vol_parts_split(e, i, T);
    }
    c->type[i] = type;
    c->target_volume_um3[i] = T->volume_um3;
    size_t ns = (size_t)e->nsub, o = i * ns;
    for (size_t s = 0; s < ns; s++) {
        c->secretion[o + s] = T->secretion_per_min ? T->secretion_per_min[s] : 0;
        c->saturation[o + s] = T->saturation ? T->saturation[s] : 0;
        c->uptake[o + s] = T->uptake_per_min ? T->uptake_per_min[s] : 0;
        c->export_rate[o + s] = T->export_per_min ? T->export_per_min[s] : 0;
    }
    c->phase[i] = 0;
    c->phase_elapsed_min[i] = 0;
    c->attached_id[i] = -1;
    c->damage_delivered[i] = 0; /* PhysiCell's convert_to_cell_definition resets it with the phenotype */
    if (e->rules) {
        size_t nb = (size_t)e->rules->nslots;
        memcpy(c->beh + i * nb, e->rules->base + (size_t)type * nb, nb * sizeof(double));
    }
    e->sec_stale = 1;
    e->rates_epoch++;
}

/* A random unit vector in the domain's dimension (counters c, c+1 of the given purpose). */
static void random_direction(const stroma_cell_engine *e, int64_t id, int64_t step, uint32_t purpose,
                             uint32_t counter, double d[3]) {
    double u[2];
    stroma_rng_uniform2(e->rng, (uint64_t)id, (uint64_t)step, purpose, counter, u);
    if (e->dom.dim >= 3) {
        double z = 2 * u[0] - 1, s = sqrt(1 - z * z), th = TWO_PI * u[1];
        d[0] = s * cos(th);
        d[1] = s * sin(th);
        d[2] = z;
    } else if (e->dom.dim == 2) {
        double th = TWO_PI * u[0];
        d[0] = cos(th);
        d[1] = sin(th);
        d[2] = 0;
    } else {
        d[0] = u[0] < 0.5 ? -1 : 1;
        d[1] = d[2] = 0;
    }
}

static double total_cycle_min(const stroma_cell_type_desc *T) {
    double s = 0;
    for (int p = 0; p < T->nphases; p++) s += T->phase_min[p];
    return s;
}

size_t stroma_cell_engine_add(stroma_cell_engine *e, int type, const double p_um[3], double t_min,
                              stroma_error *err) {
    stroma_cells *c = &e->cells;
    size_t i = stroma_cells_append(c, err);
    if (i == (size_t)-1) return i;
    const stroma_cell_type_desc *T = &e->types[type];
    c->x[i] = p_um[0];
    c->y[i] = p_um[1];
    c->z[i] = p_um[2];
    c->volume_um3[i] = T->volume_um3;
    c->radius_um[i] = stroma_sphere_radius(T->volume_um3);
    c->birth_min[i] = t_min;
    stroma_cell_engine_set_type(e, i, type);
    if (e->rules)
        for (int v = 0; v < e->rules->nstate; v++)
            c->svar[i * (size_t)e->rules->nstate + (size_t)v] = e->rules->model->state_vars[v].initial[type];
    if (T->cycle == STROMA_CYCLE_PHASES && T->nphases > 0) {
        /* age from the stationary distribution of an exponentially growing population:
         * p(a) = (ln2/T) 2^(1 - a/T) on [0, T], so a = -T log2(1 - u/2) (exact for fixed phases; an
         * exponential phase counts with its mean duration here, an approximation) */
        double u = stroma_rng_uniform_open(e->rng, (uint64_t)c->id[i], 0, STROMA_RNG_CYCLE, 7);
        double Tc = total_cycle_min(T), a = -Tc * log2(1 - u / 2);
        int p = 0;
        while (p < T->nphases - 1 && a >= T->phase_min[p]) a -= T->phase_min[p++];
        c->phase[i] = (int8_t)p;
        c->phase_elapsed_min[i] = a;
    }
    if (c->nvol && T->volume_parts) {
        vol_parts_split(e, i, T);
        /* a cell started past its growth phase's entry has its targets doubled */
        if (T->vp_double_phase > 0 && c->phase[i] >= T->vp_double_phase)
            c->vol[i * (size_t)c->nvol + STROMA_VOL_TARGET_NUCLEAR_SOLID] *= 2;
    }
    double d[3];
    random_direction(e, c->id[i], 0, STROMA_RNG_MOTILITY, 11, d);
    c->mx[i] = T->speed_um_per_min * d[0];
    c->my[i] = T->speed_um_per_min * d[1];
    c->mz[i] = T->speed_um_per_min * d[2];
    e->grid_stale = e->sec_stale = 1;
    e->vox_fresh = 0;
    e->mech_cost_n = 0;
    return i;
}

void stroma_cell_engine_set_behaviour(stroma_cell_engine *e, size_t i, int b, double value) {
    const stroma_rules_engine *R = e->rules;
    if (!R || b < 0 || R->slot_of[b] < 0) return;
    stroma_cells *c = &e->cells;
    c->beh[i * (size_t)R->nslots + (size_t)R->slot_of[b]] = value;
    const stroma_behaviour_entry *be = &R->model->rule_tables.behaviours[b];
    size_t o = i * (size_t)e->nsub + (size_t)be->arg;
    switch (be->kind) {
    case STROMA_BEH_SECRETION: c->secretion[o] = value; break;
    case STROMA_BEH_SECRETION_TARGET: c->saturation[o] = value; break;
    case STROMA_BEH_UPTAKE: c->uptake[o] = value; break;
    case STROMA_BEH_EXPORT: c->export_rate[o] = value; break;
    default: break;
    }
    e->sec_stale = 1;
    e->rates_epoch++;
}

void stroma_cell_engine_synchronize(stroma_cell_engine *e, size_t i) {
    e->cells.phase[i] = 0;
    e->cells.phase_elapsed_min[i] = 0;
    const stroma_cell_type_desc *T = &e->types[e->cells.type[i]];
    if (e->cells.nvol && T->volume_parts)
        e->cells.vol[i * (size_t)e->cells.nvol + STROMA_VOL_TARGET_NUCLEAR_SOLID] = vol_target_nuclear_solid(T);
}

/* ---- secretion ---- */

/* Loops over cells or voxels run on one thread below these sizes: forking the team and waiting for it costs
 * more than the loop (measured: docs/dev/performance.md). */
#define STROMA_CELLS_PAR_MIN 512
#define STROMA_SEC_VOXELS_PAR_MIN 512

/* Room for n cells and nv voxels holding cells in one generation. */
static stroma_code sec_reserve(stroma_sec_order *o, size_t n, size_t nv, size_t ns, stroma_error *err) {
    if (n > o->cap_cells || !o->order) {
        size_t cap = n + n / 2 + 64;
        void *p = realloc(o->order, cap * sizeof(size_t));
        if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory sorting cells by voxel");
        o->order = p;
        o->cap_cells = cap;
    }
    if (nv + 1 <= o->cap_vox) return STROMA_OK;
    size_t cap = nv + nv / 2 + 16;
    void *p1 = realloc(o->start, (cap + 1) * sizeof(size_t));
    if (!p1) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    o->start = p1;
    void *p2 = realloc(o->voxels, cap * sizeof(size_t));
    if (!p2) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    o->voxels = p2;
    void *pa = realloc(o->alpha, (cap * ns + 1) * sizeof(double));
    if (pa) o->alpha = pa;
    void *pb = realloc(o->beta, (cap * ns + 1) * sizeof(double));
    if (pb) o->beta = pb;
    void *pe = realloc(o->exact, cap + 1);
    if (pe) o->exact = pe;
    void *ps = realloc(o->stamp, (cap + 1) * sizeof(uint32_t));
    if (ps) {
        o->stamp = ps;
        memset(o->stamp, 0, (cap + 1) * sizeof(uint32_t)); /* 0: never composed (generations start at 1) */
    }
    if (!pa || !pb || !pe || !ps) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory composing secretion");
    o->cap_vox = cap;
    return STROMA_OK;
}

/* Keep the previous generation's composed map for every voxel that holds exactly the same cells, when no cell's
 * volume or rates changed since (rates_epoch), nor dt, nor the fixed voxels: composing it again would give the
 * same bits. Cells cross voxel faces rarely (a step moves them a fraction of a micrometre), so most maps are
 * kept and the divisions of the composition are spared. */
static void sec_keep_maps(stroma_cell_engine *e, const stroma_transport *t) {
    const stroma_sec_order *p = &e->sec_prev;
    stroma_sec_order *o = &e->sec;
    if (p->gen == 0 || p->rates != e->rates_epoch || p->dt != t->dt_min || p->nfixed != t->nfixed) return;
    const size_t ns = (size_t)e->nsub;
    size_t a = 0;
    for (size_t v = 0; v < o->nvox; v++) {
        const size_t vox = o->voxels[v];
        while (a < p->nvox && p->voxels[a] < vox) a++;
        if (a == p->nvox) break;
        if (p->voxels[a] != vox || p->stamp[a] != p->gen) continue;
        const size_t len = o->start[v + 1] - o->start[v];
        if (len != p->start[a + 1] - p->start[a] ||
            memcmp(o->order + o->start[v], p->order + p->start[a], len * sizeof(size_t)) != 0)
            continue;
        memcpy(o->alpha + v * ns, p->alpha + a * ns, ns * sizeof(double));
        memcpy(o->beta + v * ns, p->beta + a * ns, ns * sizeof(double));
        o->exact[v] = p->exact[a];
        o->stamp[v] = o->gen;
    }
}

/* Cells ordered by (voxel, index) in a new generation e->sec, with the runs of equal voxel; the previous one
 * becomes e->sec_prev. Maps that cannot be kept are composed at their first secretion (the stamp differs).
 * Serial: a counting sort by voxel when the mesh is not much larger than the population (the runs come from
 * the same scan), else a stable merge sort. The voxel of each cell comes from the mechanics step when it just
 * computed them (vox_fresh), else it is computed here. */
static stroma_code sort_by_voxel(stroma_cell_engine *e, const stroma_transport *t, stroma_error *err) {
    stroma_cells *c = &e->cells;
    size_t n = c->n;
    if (ensure_scratch(e, n, err)) return STROMA_ERR_NOMEM;
    if (!(e->vox_fresh && e->vox_n == n))
        for (size_t i = 0; i < n; i++) {
            double p[3] = {c->x[i], c->y[i], c->z[i]};
            e->voxel[i] = stroma_mesh_voxel_of(&t->mesh, p);
        }
    e->vox_fresh = 0;
    /* the current generation becomes the previous one; the one before is overwritten */
    stroma_sec_order older = e->sec_prev;
    e->sec_prev = e->sec;
    e->sec = older;
    stroma_sec_order *o = &e->sec;
    const size_t *vox = e->voxel;
    const size_t nvox = t->mesh.nvox, ns = (size_t)e->nsub;
    size_t nv = 0;
    if (nvox <= 4 * n + 65536) {
        /* stable counting sort: cells of a voxel keep their index order */
        if (nvox > e->sec_cap_count) {
            void *p = realloc(e->sec_count, nvox * sizeof(size_t));
            if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory sorting cells by voxel");
            e->sec_count = p;
            e->sec_cap_count = nvox;
        }
        if (sec_reserve(o, n, n < nvox ? n : nvox, ns, err)) return STROMA_ERR_NOMEM;
        size_t *cnt = e->sec_count;
        memset(cnt, 0, nvox * sizeof(size_t));
        for (size_t i = 0; i < n; i++) cnt[vox[i]]++;
        /* one scan: the voxels holding cells, where their runs start, and cnt[v] becomes v's cursor */
        size_t pos = 0;
        for (size_t v = 0; v < nvox; v++) {
            size_t k = cnt[v];
            if (!k) continue;
            o->voxels[nv] = v;
            o->start[nv++] = pos;
            cnt[v] = pos;
            pos += k;
        }
        for (size_t i = 0; i < n; i++) o->order[cnt[vox[i]]++] = i;
    } else {
        /* stable bottom-up merge sort on (voxel, index), O(n log n) */
        if (sec_reserve(o, n, 0, ns, err)) return STROMA_ERR_NOMEM;
        size_t *ord = o->order;
        for (size_t i = 0; i < n; i++) ord[i] = i;
        size_t *tmp = malloc((n ? n : 1) * sizeof(size_t));
        if (!tmp) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory sorting cells by voxel");
        for (size_t w = 1; w < n; w *= 2) {
            for (size_t lo = 0; lo < n; lo += 2 * w) {
                size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
                size_t a = lo, b = mid, k = lo;
                while (a < mid && b < hi) tmp[k++] = vox[ord[b]] < vox[ord[a]] ? ord[b++] : ord[a++];
                while (a < mid) tmp[k++] = ord[a++];
                while (b < hi) tmp[k++] = ord[b++];
            }
            memcpy(ord, tmp, n * sizeof(size_t));
        }
        free(tmp);
        /* runs of equal voxel */
        for (size_t k = 0; k < n; k++)
            if (k == 0 || vox[ord[k]] != vox[ord[k - 1]]) nv++;
        if (sec_reserve(o, n, nv, ns, err)) return STROMA_ERR_NOMEM;
        nv = 0;
        for (size_t k = 0; k < n; k++)
            if (k == 0 || vox[ord[k]] != vox[ord[k - 1]]) {
                o->start[nv] = k;
                o->voxels[nv++] = vox[ord[k]];
            }
    }
    o->start[nv] = n;
    o->nvox = nv;
    o->dt = t->dt_min;
    o->nfixed = t->nfixed;
    o->rates = e->rates_epoch;
    /* a new generation: every map is composed again at its first secretion unless kept */
    uint32_t gen = e->sec_prev.gen + 1;
    if (gen == 0) {
        /* wrapped around (after 4e9 sorts): start the stamps afresh */
        gen = 1;
        memset(o->stamp, 0, o->cap_vox * sizeof(uint32_t));
    }
    o->gen = gen;
    sec_keep_maps(e, t);
    e->sec_stale = 0;
    return STROMA_OK;
}

/* Compose the map of the v-th voxel holding cells: its cells' updates in id order, c -> (c + a)/(1 + b) + x,
 * a = dtv S T, b = dtv (S + U), x = dt E / Vvox, exactly the arithmetic of stroma_transport_apply_source; a
 * fixed substrate of the voxel gets the identity. */
static void compose_voxel(stroma_cell_engine *e, const stroma_transport *t, size_t v) {
    const stroma_cells *c = &e->cells;
    stroma_sec_order *o = &e->sec;
    const size_t ns = (size_t)e->nsub;
    const double dt = t->dt_min, vvox = t->mesh.voxel_volume_um3;
    double *al = o->alpha + v * ns, *be = o->beta + v * ns;
    unsigned char exact = 0;
    for (size_t q = 0; q < ns; q++) {
        al[q] = 1.0;
        be[q] = 0.0;
    }
    for (size_t k = o->start[v]; k < o->start[v + 1]; k++) {
        size_t i = o->order[k];
        size_t oi = i * ns;
        double dtv = dt * (c->volume_um3[i] / vvox);
        const int finite_dtv = isfinite(dtv);
        for (size_t q = 0; q < ns; q++) {
            double S = c->secretion[oi + q], T = c->saturation[oi + q], U = c->uptake[oi + q];
            double E = c->export_rate[oi + q];
            /* a cell that neither secretes, takes up nor exports q leaves the map as it is: inv = 1 exactly and
             * beta gains +-0, which changes no bit unless beta is -0 (then +0 would): skip the division */
            if (S == 0 && U == 0 && E == 0 && finite_dtv && isfinite(T) && !(be[q] == 0 && signbit(be[q])))
                continue;
            if (E < 0) exact = 1;
            double inv = 1.0 / (1.0 + dtv * (S + U));
            al[q] *= inv;
            be[q] = (be[q] + dtv * S * T) * inv + dt * E / vvox;
        }
    }
    const size_t vox = o->voxels[v];
    for (size_t f = t->nfixed ? stroma_transport_fixed_first(t, vox) : 0; f < t->nfixed && t->fixed[f].voxel == vox;
         f++) {
        al[t->fixed[f].substrate] = 1.0;
        be[t->fixed[f].substrate] = 0.0;
    }
    o->exact[v] = exact;
}

/* The v-th voxel holding cells as linear reaction rates for a solver that takes them inside its operator (adi):
 * k = sum (V / Vvox) (S + U) into alpha, s = sum ((V / Vvox) S T + E / Vvox) into beta, over its cells in id
 * order; a fixed substrate of the voxel gets k = s = 0. The composed map's stamp and cache serve these too (a
 * run composes one kind only: its solver does not change). */
static void compose_rates(stroma_cell_engine *e, const stroma_transport *t, size_t v) {
    const stroma_cells *c = &e->cells;
    stroma_sec_order *o = &e->sec;
    const size_t ns = (size_t)e->nsub;
    const double vvox = t->mesh.voxel_volume_um3;
    double *k = o->alpha + v * ns, *src = o->beta + v * ns;
    for (size_t q = 0; q < ns; q++) k[q] = src[q] = 0.0;
    for (size_t j = o->start[v]; j < o->start[v + 1]; j++) {
        size_t i = o->order[j], oi = i * ns;
        const double f = c->volume_um3[i] / vvox;
        for (size_t q = 0; q < ns; q++) {
            double S = c->secretion[oi + q], U = c->uptake[oi + q], E = c->export_rate[oi + q];
            if (S == 0 && U == 0 && E == 0) continue;
            k[q] += f * (S + U);
            src[q] += f * S * c->saturation[oi + q] + E / vvox;
        }
    }
    const size_t vox = o->voxels[v];
    for (size_t fx = t->nfixed ? stroma_transport_fixed_first(t, vox) : 0; fx < t->nfixed && t->fixed[fx].voxel == vox;
         fx++) {
        k[t->fixed[fx].substrate] = 0.0;
        src[t->fixed[fx].substrate] = 0.0;
    }
    o->exact[v] = 0;
}

int stroma_cell_engine_rates(stroma_cell_engine *e, const stroma_transport *t, stroma_reaction *out) {
    memset(out, 0, sizeof *out);
    if (!stroma_cell_engine_secrete_prepare(e, t)) return 0;
    stroma_sec_order *o = &e->sec;
    const size_t nv = o->nvox;
#pragma omp parallel for schedule(static) if (nv >= STROMA_SEC_VOXELS_PAR_MIN)
    for (size_t v = 0; v < nv; v++)
        if (o->stamp[v] != o->gen) {
            compose_rates(e, t, v);
            o->stamp[v] = o->gen;
        }
    *out = (stroma_reaction){.n = nv, .voxel = o->voxels, .rate = o->alpha, .source = o->beta};
    return 1;
}

/* Voxels [a, b) of the voxels holding cells, with ns substrates (a constant in the specialised copies). */
static inline __attribute__((always_inline)) void secrete_voxels(stroma_cell_engine *e, stroma_transport *t,
                                                                 size_t a, size_t b, size_t ns) {
    const stroma_cells *c = &e->cells;
    stroma_sec_order *o = &e->sec;
    for (size_t v = a; v < b; v++) {
        if (o->stamp[v] != o->gen) {
            compose_voxel(e, t, v);
            o->stamp[v] = o->gen;
        }
        if (!o->exact[v]) {
            double *restrict cv = t->c + o->voxels[v] * ns;
            const double *restrict al = o->alpha + v * ns, *restrict be = o->beta + v * ns;
            for (size_t q = 0; q < ns; q++) cv[q] = al[q] * cv[q] + be[q];
            continue;
        }
        for (size_t k = o->start[v]; k < o->start[v + 1]; k++) {
            size_t i = o->order[k];
            size_t oi = i * ns;
            stroma_transport_apply_source(t, o->voxels[v], c->volume_um3[i], c->secretion + oi,
                                          c->saturation + oi, c->uptake + oi, c->export_rate + oi, NULL);
        }
    }
}

void stroma_cell_engine_secrete_range(void *engine, stroma_transport *t, size_t v0, size_t v1) {
    stroma_cell_engine *e = engine;
    const stroma_sec_order *o = &e->sec;
    /* the voxels holding cells are sorted: find those in [v0, v1) */
    size_t lo = 0, hi = o->nvox;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->voxels[mid] < v0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t b = lo;
    while (b < o->nvox && o->voxels[b] < v1) b++;
    switch (e->nsub) {
    case 1: secrete_voxels(e, t, lo, b, 1); break;
    case 2: secrete_voxels(e, t, lo, b, 2); break;
    case 3: secrete_voxels(e, t, lo, b, 3); break;
    case 4: secrete_voxels(e, t, lo, b, 4); break;
    case 5: secrete_voxels(e, t, lo, b, 5); break;
    case 6: secrete_voxels(e, t, lo, b, 6); break;
    case 7: secrete_voxels(e, t, lo, b, 7); break;
    case 8: secrete_voxels(e, t, lo, b, 8); break;
    default: secrete_voxels(e, t, lo, b, (size_t)e->nsub); break;
    }
}

int stroma_cell_engine_secrete_prepare(stroma_cell_engine *e, const stroma_transport *t) {
    if ((e->sec_stale || e->sec.gen == 0 || e->sec.dt != t->dt_min) && sort_by_voxel(e, t, NULL) != STROMA_OK)
        return 0;
    return 1;
}

void stroma_cell_engine_secrete(stroma_cell_engine *e, stroma_transport *t) {
    if (!stroma_cell_engine_secrete_prepare(e, t)) return;
    const size_t nvox = t->mesh.nvox;
#pragma omp parallel if (e->sec.nvox >= STROMA_SEC_VOXELS_PAR_MIN)
    {
        const size_t nth = (size_t)omp_get_num_threads(), tid = (size_t)omp_get_thread_num();
        stroma_cell_engine_secrete_range(e, t, nvox * tid / nth, nvox * (tid + 1) / nth);
    }
}

/* ---- mechanics ---- */

int stroma_chemotaxis_direction(const stroma_transport *t, const double pos[3], int dim, const double *sensitivity,
                                const int *slot, const double *beh_row, int normalize_each, double dir[3]) {
    dir[0] = dir[1] = dir[2] = 0;
    for (int k = 0; k < t->nsub; k++) {
        double w = slot && slot[k] >= 0 ? beh_row[slot[k]] : sensitivity[k];
        if (w == 0) continue;
        double g[3];
        stroma_transport_gradient_at(t, pos, k, g);
        if (dim < 3) g[2] = 0;
        if (normalize_each) {
            double gn = sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
            if (!(gn > 0)) continue; /* a flat substrate gives no direction */
            w /= gn;
        }
        for (int a = 0; a < 3; a++) dir[a] += w * g[a];
    }
    double n = sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
    if (!(n > 0)) {
        dir[0] = dir[1] = dir[2] = 0;
        return 0;
    }
    for (int a = 0; a < 3; a++) dir[a] /= n;
    return 1;
}

/* Migration velocity of cell i for this mechanics step (persistence, chemotaxis, rule-set speed). */
static void update_motility_one(stroma_cell_engine *e, const stroma_transport *t, double dt, size_t i) {
    stroma_cells *c = &e->cells;
    const int64_t step = e->mech_step;
    const stroma_cell_type_desc *T = &e->types[c->type[i]];
    const stroma_rules_engine *R = e->rules;
    double speed = beh(e, i, R ? R->s_speed : -1, T->speed_um_per_min);
    double persist = beh(e, i, R ? R->s_persist : -1, T->persistence_min);
    double bias = beh(e, i, R ? R->s_bias : -1, T->bias);
    /* dense matrix slows migration: speed / (1 + m E) (docs/ecm.md) */
    if (e->ecm && e->ecm_migration && e->ecm_migration[c->type[i]] > 0 && t) {
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        speed /= 1.0 + e->ecm_migration[c->type[i]] * e->ecm[stroma_mesh_voxel_of(&t->mesh, p)];
    }
    if (c->state[i] != STROMA_CELL_LIVE || !(speed > 0)) {
        c->mx[i] = c->my[i] = c->mz[i] = 0;
        return;
    }
    double u[2];
    stroma_rng_uniform2(e->rng, (uint64_t)c->id[i], (uint64_t)step, STROMA_RNG_MOTILITY, 0, u);
    double p_turn = persist > 0 ? 1 - exp(-dt / persist) : 1;
    if (u[0] >= p_turn) {
        /* keep the direction; the speed may have changed through rules */
        double m = sqrt(c->mx[i] * c->mx[i] + c->my[i] * c->my[i] + c->mz[i] * c->mz[i]);
        if (m > 0 && m != speed) {
            c->mx[i] *= speed / m;
            c->my[i] *= speed / m;
            c->mz[i] *= speed / m;
        }
        return;
    }
    double d[3];
    random_direction(e, c->id[i], step, STROMA_RNG_MOTILITY, 1, d);
    double g[3] = {0, 0, 0}, s = 0;
    if (T->chemotaxis_substrate >= 0 && bias > 0 && t) {
        double pos[3] = {c->x[i], c->y[i], c->z[i]};
        stroma_transport_gradient_at(t, pos, T->chemotaxis_substrate, g);
        if (e->dom.dim < 3) g[2] = 0;
        double gn = sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
        if (gn > 0) s = T->chemotaxis_direction / gn;
    } else if (T->chemotaxis_sensitivity && bias > 0 && t) {
        double pos[3] = {c->x[i], c->y[i], c->z[i]};
        /* rules on `chemotactic response to <substrate>` hold this cell's weights in its behaviour row */
        const int *slot = R ? R->s_chemo : NULL;
        const double *row = R && c->beh ? &c->beh[i * (size_t)c->nbeh] : NULL;
        if (stroma_chemotaxis_direction(t, pos, e->dom.dim, T->chemotaxis_sensitivity, slot, row,
                                        T->chemotaxis_normalize_each, g))
            s = 1;
    }
    /* PhysiCell's update_migration_bias: bias x bias direction + (1 - bias) x random, normalised; without a
     * bias direction the random one stands (PhysiCell: a cell with bias 1 would stop) */
    if (s != 0) {
        for (int a = 0; a < 3; a++) d[a] = bias * s * g[a] + (1 - bias) * d[a];
        double dn = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (dn > 0)
            for (int a = 0; a < 3; a++) d[a] /= dn;
    }
    c->mx[i] = speed * d[0];
    c->my[i] = speed * d[1];
    c->mz[i] = speed * d[2];
}

/* Bounds of nsplit contiguous stretches of the n cells with about equal costs (mech_cost of the previous
 * mechanics step plus a fixed part), or equal counts when the cells changed since. */
static void mech_split(const stroma_cell_engine *e, size_t n, int nsplit, size_t *bound) {
    bound[0] = 0;
    bound[nsplit] = n;
    if (nsplit <= 1) return;
    if (e->mech_cost_n != n) {
        for (int t = 1; t < nsplit; t++) bound[t] = n * (size_t)t / (size_t)nsplit;
        return;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) total += (uint64_t)e->mech_cost[i] + 8;
    uint64_t acc = 0;
    int t = 1;
    for (size_t i = 0; i < n && t < nsplit; i++) {
        acc += (uint64_t)e->mech_cost[i] + 8;
        while (t < nsplit && acc * (uint64_t)nsplit >= total * (uint64_t)t) bound[t++] = i + 1;
    }
    while (t < nsplit) bound[t++] = n;
}

/* One mechanics step in two parallel loops: (1) per cell, its migration velocity, its adhesion/repulsion
 * scales (rules) and its grid box; the grid is then sorted (serial); (2) per cell, its velocity from its
 * neighbours (read from the grid's gathered copy of the positions, so moving a cell does not disturb the
 * others), its new position and its new voxel (for secretion). */
stroma_code stroma_cell_engine_mechanics(stroma_cell_engine *e, const stroma_transport *t, double dt_min,
                                         stroma_error *err) {
    stroma_cells *c = &e->cells;
    if (ensure_scratch(e, c->n, err)) return STROMA_ERR_NOMEM;
    stroma_code rc = stroma_cell_grid_prepare(&e->grid, c->n, e->dom.lo_um, e->dom.hi_um, e->dom.dim,
                                              stroma_mechanics_reach(c, &e->pairs), err);
    if (rc != STROMA_OK) return rc;
    /* rules on cell-cell adhesion / repulsion scale each cell's strengths: scale = sqrt(value / type value) */
    const stroma_rules_engine *R = e->rules;
    double *as = NULL, *rs = NULL;
    if (R && (R->s_adhesion >= 0 || R->s_repulsion >= 0)) {
        as = R->s_adhesion >= 0 ? e->adh_scale : NULL;
        rs = R->s_repulsion >= 0 ? e->rep_scale : NULL;
    }
    stroma_cell_grid *g = &e->grid;
    const long n = (long)c->n;
    const int par = n >= STROMA_CELLS_PAR_MIN;
#pragma omp parallel for schedule(static) if (par)
    for (long i = 0; i < n; i++) {
        update_motility_one(e, t, dt_min, (size_t)i);
        const stroma_cell_type_desc *T = &e->types[c->type[i]];
        if (as) {
            double b0 = T->adhesion_um_per_min, v = beh(e, (size_t)i, R->s_adhesion, b0);
            as[i] = b0 > 0 ? sqrt(v / b0) : 1.0;
        }
        if (rs) {
            double b0 = T->repulsion_um_per_min, v = beh(e, (size_t)i, R->s_repulsion, b0);
            rs[i] = b0 > 0 ? sqrt(v / b0) : 1.0;
        }
        g->box_of[i] = stroma_cell_grid_box_of(g, c->x[i], c->y[i], c->z[i]);
    }
    stroma_cell_grid_sort(g, c, e->pairs.reach_rel);
    const int first = e->mech_step == 0;
    const stroma_mesh *mesh = t ? &t->mesh : NULL;
    /* by cell index, not box order: each thread then writes its own stretch of every cell array (in box order
     * the two threads' cells interleave and share cache lines) */
    /* Threads take contiguous stretches of cells of about equal cost, the cost of a cell being the neighbour
     * candidates it scanned at the previous step (dense tumour cells cost several times isolated ones; an
     * equal count per thread left one thread a third slower). Where the cells changed since, equal counts. */
    const int nth_want = par ? omp_get_max_threads() : 1;
    size_t bound[STROMA_MECH_MAX_SPLIT + 1];
    const int nsplit = nth_want < STROMA_MECH_MAX_SPLIT ? nth_want : STROMA_MECH_MAX_SPLIT;
    mech_split(e, (size_t)n, nsplit, bound);
    long bad_vel = n; /* the first cell, in id order, whose velocity is not finite */
#pragma omp parallel if (par)
    {
        const int tid = omp_get_thread_num(), nth = omp_get_num_threads();
        size_t lo, hi;
        if (nth == nsplit) {
            lo = bound[tid];
            hi = bound[tid + 1];
        } else {
            lo = (size_t)n * (size_t)tid / (size_t)nth;
            hi = (size_t)n * (size_t)(tid + 1) / (size_t)nth;
        }
        long bad_here = n;
        for (size_t i = lo; i < hi; i++) {
            /* contact_law physicell: engulfing and attacks, decided on the positions at the step's start as
             * PhysiCell does (between its velocity and position updates), from the grid's copy of them */
            if (e->contact_law) {
                decide_contact_mech(e, i, dt_min);
                e->keep[i] = 1;
            }
            e->mech_cost[i] = stroma_mechanics_velocity_one(c, g, &e->pairs, &e->dom, as, rs, g->pos[i]);
            /* Strengths, speeds and affinities have no upper bound: near DBL_MAX the force sums overflow and a
             * velocity becomes infinite or NaN, which would make positions NaN (and grid and voxel indices
             * undefined). Such a cell is not moved and the step fails (reproducer:
             * fuzz/crashes/cells-nan-position.csv). */
            if (!isfinite(c->vx[i]) || !isfinite(c->vy[i]) || !isfinite(c->vz[i])) {
                if ((long)i < bad_here) bad_here = (long)i;
                continue;
            }
            stroma_mechanics_advance_one(c, i, dt_min, &e->dom, first);
            if (mesh) {
                double p[3] = {c->x[i], c->y[i], c->z[i]};
                e->voxel[i] = stroma_mesh_voxel_of(mesh, p);
            }
        }
        if (bad_here < n) {
#pragma omp critical(stroma_bad_velocity)
            if (bad_here < bad_vel) bad_vel = bad_here;
        }
    }
    e->mech_cost_n = (size_t)n;
    e->vox_fresh = mesh != NULL;
    e->vox_n = c->n;
    /* the contacts' outcomes, in id order; the engulfed leave at the end of the step */
    size_t eaten = e->contact_law && bad_vel == n ? apply_contacts_mech(e, dt_min) : 0;
    if (bad_vel < n)
        return stroma_error_set(err, STROMA_ERR_NOT_FINITE,
                                "cell %lld (%s): its velocity is not finite at mechanics step %lld: the forces "
                                "overflow; are cell-cell repulsion, adhesion, affinity or migration speed absurdly "
                                "large?",
                                (long long)c->id[bad_vel], e->types[c->type[bad_vel]].name, (long long)e->mech_step);
    if (eaten) {
        stroma_cells_compact(c, e->keep);
        e->counters.removals += (int64_t)eaten;
        e->mech_cost_n = 0;
        e->vox_fresh = 0;
        e->rates_epoch++;
    }
    e->mech_step++;
    e->grid_stale = 1;
    e->sec_stale = 1;
    return STROMA_OK;
}

/* ---- phenotype ---- */

/* Index of the cell with id `id` (ids ascend with index), or (size_t)-1. */
static size_t find_id(const stroma_cells *c, int64_t id) {
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n && c->id[lo] == id ? lo : (size_t)-1;
}

static double p_event(double rate_per_min, double dt) { return rate_per_min > 0 ? 1 - exp(-rate_per_min * dt) : 0; }

/* Advance cell i through its phased cycle by dt; sets STROMA_ACT_DIVIDE at the end of the last phase.
 * "cycle entry" (rules) acts on phase 0 only, as in PhysiCell: it is the exit rate of an exponential phase 0
 * (base 1/mean) and the inverse duration of a fixed phase 0. A fixed phase ends when its elapsed time reaches
 * its duration and the rest of the step carries into the next phase. An exponential phase of mean m is left
 * with probability min(1, dt/m) per step (PhysiCell's rule: the number of steps spent is geometric with mean
 * m/dt, so the mean time in the phase is m); the step ends there. */
static void advance_phases(stroma_cell_engine *e, size_t i, const stroma_cell_type_desc *T, double dt, uint64_t step) {
    stroma_cells *c = &e->cells;
    const stroma_rules_engine *R = e->rules;
    double left = dt;
    for (int guard = 0; left > 0 && guard <= 2 * STROMA_MAX_PHASES; guard++) {
        int p = c->phase[i];
        double mean = T->phase_min[p];
        double rate = 1.0 / mean; /* exit rate (exponential) or progression per min (fixed) */
        if (p == 0 && R && R->s_cycle >= 0) rate = beh(e, i, R->s_cycle, rate);
        int leave;
        if (T->phase_exponential[p]) {
            double u = stroma_rng_uniform_open(e->rng, (uint64_t)c->id[i], step, STROMA_RNG_CYCLE, 1 + (uint32_t)p);
            leave = rate > 0 && u < rate * left;
            c->phase_elapsed_min[i] = leave ? 0 : c->phase_elapsed_min[i] + left;
            left = 0;
        } else {
            /* progress is kept in minutes of the phase's own duration: it moves at mean * rate per minute */
            double speed = mean * rate;
            double need = speed > 0 ? (mean - c->phase_elapsed_min[i]) / speed : INFINITY;
            leave = need <= left;
            if (leave) {
                left -= need;
                c->phase_elapsed_min[i] = 0;
            } else {
                c->phase_elapsed_min[i] += left * speed;
                left = 0;
            }
        }
        if (!leave) break;
        if (p + 1 >= T->nphases) {
            c->phase[i] = 0;
            e->action[i] = STROMA_ACT_DIVIDE;
            break;
        }
        c->phase[i] = (int8_t)(p + 1);
        /* PhysiCell's growth-phase entry function: the cell wants to double its volume */
        if (c->nvol && T->volume_parts && p + 1 == T->vp_double_phase)
            c->vol[i * (size_t)c->nvol + STROMA_VOL_TARGET_NUCLEAR_SOLID] *= 2;
    }
}

/* Per-cell volume, cycle and death decisions (parallel; writes only cell i's slots). */
static void decide_phenotype(stroma_cell_engine *e, const stroma_transport *t, size_t i, double dt) {
    stroma_cells *c = &e->cells;
    const stroma_cell_type_desc *T = &e->types[c->type[i]];
    uint64_t id = (uint64_t)c->id[i], step = (uint64_t)e->phen_step;
    e->action[i] = STROMA_ACT_NONE;
    e->action_arg[i] = -1;
    if (c->state[i] != STROMA_CELL_LIVE) {
        c->dead_elapsed_min[i] += dt;
        double dur = c->state[i] == STROMA_CELL_APOPTOTIC ? T->apoptosis_duration_min : T->necrosis_duration_min;
        if (c->state[i] == STROMA_CELL_APOPTOTIC && dur > 0) {
            c->volume_um3[i] /= 1 + dt * 3 / dur; /* shrinks to ~5% by removal */
            c->radius_um[i] = stroma_sphere_radius(c->volume_um3[i]);
        }
        int expo = c->state[i] == STROMA_CELL_APOPTOTIC ? T->apoptosis_exponential : T->necrosis_exponential;
        if (expo ? stroma_rng_uniform_open(e->rng, id, step, STROMA_RNG_DEATH, 2) < p_event(1.0 / dur, dt)
                 : c->dead_elapsed_min[i] >= dur)
            e->action[i] = STROMA_ACT_REMOVE;
        return;
    }
    /* volume relaxes toward its target (implicit, unconditionally stable), or PhysiCell's parts do */
    double g = T->growth_per_min;
    if (c->nvol && T->volume_parts) {
        vol_parts_update(e, i, T, dt);
    } else if (g > 0) {
        c->volume_um3[i] = (c->volume_um3[i] + dt * g * c->target_volume_um3[i]) / (1 + dt * g);
        c->radius_um[i] = stroma_sphere_radius(c->volume_um3[i]);
    }
    const stroma_rules_engine *R = e->rules;
    /* integrity: dD/dt = rate - repair D, implicit in the repair */
    double drate = beh(e, i, R ? R->s_damage : -1, T->damage_per_min);
    double drep = beh(e, i, R ? R->s_repair : -1, T->damage_repair_per_min);
    if (drate > 0 || drep > 0) c->damage[i] = (c->damage[i] + dt * drate) / (1 + dt * drep);
    /* death: apoptosis and oxygen-dependent necrosis compete */
    double apop = beh(e, i, R ? R->s_apop : -1, T->apoptosis_per_min);
    if (e->drug_hazard) apop += e->drug_hazard(e->drug_ctx, e, t, i);
    double necro = 0;
    if (R && R->s_necro >= 0 && (stroma_rules_type_has(R, c->type[i], R->s_necro) || beh(e, i, R->s_necro, 0) >= 0)) {
        necro = beh(e, i, R->s_necro, 0); /* a rule on necrosis, or a cell file, gives the rate itself */
    } else if (T->necrosis_substrate >= 0 && T->necrosis_max_per_min > 0 && t) {
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        double o2 = stroma_transport_value_at(t, p, T->necrosis_substrate);
        double span = T->necrosis_threshold - T->necrosis_critical;
        double f = span > 0 ? (T->necrosis_threshold - o2) / span : (o2 < T->necrosis_threshold ? 1 : 0);
        if (f > 1) f = 1;
        if (f > 0) necro = T->necrosis_max_per_min * f;
    }
    double hazard = apop + necro;
    if (hazard > 0) {
        double u[2];
        stroma_rng_uniform2(e->rng, id, step, STROMA_RNG_DEATH, 0, u);
        if (u[0] < p_event(hazard, dt)) {
            e->action[i] = u[1] * hazard < apop ? STROMA_ACT_APOPTOSIS : STROMA_ACT_NECROSIS;
            return;
        }
    }
    /* transformation (base rates; the rules engine modifies them per cell) */
    if (T->transform_per_min) {
        for (int to = 0; to < e->ntypes; to++) {
            double r = beh(e, i, R ? R->s_transform[to] : -1, T->transform_per_min[to]);
            if (!(r > 0) || to == c->type[i]) continue;
            double u = stroma_rng_uniform_open(e->rng, id, step, STROMA_RNG_INTERACTION, 1000 + (uint32_t)to);
            if (u < p_event(r, dt)) {
                e->action[i] = STROMA_ACT_TRANSFORM;
                e->action_arg[i] = to;
                return;
            }
        }
    }
    /* cycle */
    double entry_base = T->cycle == STROMA_CYCLE_EXPONENTIAL && T->cycle_mean_min > 0 ? 1.0 / T->cycle_mean_min : 0;
    if (T->cycle == STROMA_CYCLE_EXPONENTIAL && R && R->s_cycle >= 0) {
        double rate = beh(e, i, R->s_cycle, entry_base);
        double u = stroma_rng_uniform_open(e->rng, id, step, STROMA_RNG_CYCLE, 0);
        if (rate > 0 && u < expm1(dt * rate)) e->action[i] = STROMA_ACT_DIVIDE;
    } else if (T->cycle == STROMA_CYCLE_EXPONENTIAL && T->cycle_mean_min > 0) {
        /* p = e^(dt/T) - 1 makes the expected population grow by exactly e^(dt/T) per step, so free growth
         * follows N0 e^(t/T) = N0 2^(t / (T ln 2)) at any dt (a plain 1 - e^(-dt/T) lags by O(dt/T)). */
        double u = stroma_rng_uniform_open(e->rng, id, step, STROMA_RNG_CYCLE, 0);
        if (u < expm1(dt / T->cycle_mean_min)) e->action[i] = STROMA_ACT_DIVIDE;
    } else if (T->cycle == STROMA_CYCLE_PHASES && T->nphases > 0) {
        advance_phases(e, i, T, dt, step);
    }
}

static double attack_rate(const stroma_cell_engine *e, size_t i, const stroma_cell_type_desc *T, int k) {
    return beh(e, i, e->rules ? e->rules->s_attack[k] : -1, T->attack_per_min ? T->attack_per_min[k] : 0);
}

/* Rate of engulfing a dead cell of type k by its type: a rule on "phagocytose <k>" wins over one on
 * "phagocytose dead cell", which wins over the type's value. */
static double phago_rate(const stroma_cell_engine *e, size_t i, const stroma_cell_type_desc *T, int k) {
    double base = T->phagocytose_per_min ? T->phagocytose_per_min[k] : 0;
    if (!e->rules) return base;
    if (e->rules->s_phago[k] >= 0) return beh(e, i, e->rules->s_phago[k], base);
    if (e->rules->s_phago_dead >= 0) return beh(e, i, e->rules->s_phago_dead, base);
    return base;
}

/* Rate of engulfing dead cells of a kind (apoptotic, necrotic), whatever their type; adds to phago_rate. */
static double phago_kind_rate(const stroma_cell_engine *e, size_t i, const stroma_cell_type_desc *T, uint8_t state) {
    const stroma_rules_engine *R = e->rules;
    if (state == STROMA_CELL_APOPTOTIC) return beh(e, i, R ? R->s_phago_apop : -1, T->phagocytose_apoptotic_per_min);
    if (state == STROMA_CELL_NECROTIC) return beh(e, i, R ? R->s_phago_necro : -1, T->phagocytose_necrotic_per_min);
    return 0.0;
}

/* Attacker i delivers its attack damage rate x `minutes` to the live cell with id `target` (serial). */
static void deliver_damage(stroma_cell_engine *e, size_t i, int64_t target, double minutes) {
    stroma_cells *c = &e->cells;
    if (target < 0 || !(minutes > 0)) return;
    const stroma_cell_type_desc *T = &e->types[c->type[i]];
    double rate = beh(e, i, e->rules ? e->rules->s_attack_damage : -1, T->attack_damage_per_min);
    size_t j = find_id(c, target);
    if (j == (size_t)-1 || c->state[j] != STROMA_CELL_LIVE) return;
    c->attack_time_min[j] += minutes;
    if (!(rate > 0)) return;
    c->damage[j] += rate * minutes;
    c->damage_delivered[i] += rate * minutes;
}

/* Per-cell contact decision (parallel): scans neighbours in grid order. */
static void decide_contact(stroma_cell_engine *e, size_t i, double dt) {
    stroma_cells *c = &e->cells;
    const stroma_cell_grid *g = &e->grid;
    const stroma_cell_type_desc *T = &e->types[c->type[i]];
    uint64_t id = (uint64_t)c->id[i], step = (uint64_t)e->phen_step;
    e->contact[i] = STROMA_CONTACT_NONE;
    e->contact_other[i] = -1;
    e->contact_min[i] = 0;
    if (c->state[i] != STROMA_CELL_LIVE) return;
    const int at_phen = !e->contact_law; /* contact_law physicell: attacks and engulfing at mechanics steps */
    if (at_phen && c->attached_id[i] >= 0) {
        size_t j = find_id(c, c->attached_id[i]);
        if (j == (size_t)-1 || c->state[j] != STROMA_CELL_LIVE) {
            e->contact[i] = STROMA_CONTACT_DETACH;
            return;
        }
        double u[2];
        stroma_rng_uniform2(e->rng, id, step, STROMA_RNG_INTERACTION, 0, u);
        e->contact_other[i] = c->attached_id[i];
        e->contact_min[i] = dt; /* time attached during this step */
        if (u[0] < p_event(beh(e, i, e->rules ? e->rules->s_kill : -1, T->kill_per_min), dt)) {
            e->contact[i] = STROMA_CONTACT_KILL;
            e->contact_min[i] = 0;
        } else {
            double d = beh(e, i, e->rules ? e->rules->s_attack_duration : -1, T->attach_duration_min);
            if (!(d > 0)) {
                e->contact[i] = STROMA_CONTACT_DETACH; /* no time attached */
                e->contact_min[i] = 0;
            } else if (u[1] < p_event(1.0 / d, dt)) {
                /* the exponential attachment ends within the step, at tau = -d ln(1 - u) < dt */
                e->contact[i] = STROMA_CONTACT_DETACH;
                e->contact_min[i] = -d * log1p(-u[1]);
            }
        }
        return;
    }
    int nt = e->ntypes;
    int has_any = 0;
    if (at_phen && (phago_kind_rate(e, i, T, STROMA_CELL_APOPTOTIC) > 0 ||
                    phago_kind_rate(e, i, T, STROMA_CELL_NECROTIC) > 0))
        has_any = 1;
    for (int k = 0; k < nt && !has_any; k++) {
        if (at_phen && (attack_rate(e, i, T, k) > 0 || phago_rate(e, i, T, k) > 0)) has_any = 1;
        if (T->contact_transform_per_min)
            for (int to = 0; to < nt; to++)
                if (T->contact_transform_per_min[(size_t)k * (size_t)nt + (size_t)to] > 0) has_any = 1;
    }
    if (!has_any) return;
    double xi = c->x[i], yi = c->y[i], zi = c->z[i], ri = c->radius_um[i];
    int blo[3], bhi[3];
    stroma_cell_grid_range(g, xi, yi, zi, e->pairs.reach_rel[c->type[i]] * ri + g->max_reach_um, blo, bhi);
    uint32_t draw = 1;
    for (int bz = blo[2]; bz <= bhi[2]; bz++) {
        for (int by = blo[1]; by <= bhi[1]; by++) {
            for (int bx = blo[0]; bx <= bhi[0]; bx++) {
                size_t b = ((size_t)bz * (size_t)g->nb[1] + (size_t)by) * (size_t)g->nb[0] + (size_t)bx;
                for (size_t m = g->start[b]; m < g->start[b + 1]; m++) {
                    size_t j = g->order[m];
                    if (j == i) continue;
                    int tj = c->type[j];
                    const stroma_cell_type_desc *Tj = &e->types[tj];
                    double dx = xi - c->x[j], dy = yi - c->y[j], dz = zi - c->z[j];
                    double reach = T->max_adhesion_rel * ri + Tj->max_adhesion_rel * c->radius_um[j];
                    if (reach < ri + c->radius_um[j]) reach = ri + c->radius_um[j];
                    if (dx * dx + dy * dy + dz * dz > reach * reach) continue;
                    if (c->state[j] == STROMA_CELL_LIVE) {
                        double a = at_phen && c->attached_id[i] < 0 ? attack_rate(e, i, T, tj) : 0;
                        if (a > 0 && stroma_rng_uniform_open(e->rng, id, step, STROMA_RNG_INTERACTION, draw++) <
                                         p_event(a, dt)) {
                            e->contact[i] = STROMA_CONTACT_ATTACH;
                            e->contact_other[i] = c->id[j];
                            return;
                        }
                        if (T->contact_transform_per_min) {
                            for (int to = 0; to < nt; to++) {
                                double r = T->contact_transform_per_min[(size_t)tj * (size_t)nt + (size_t)to];
                                if (r > 0 && stroma_rng_uniform_open(e->rng, id, step, STROMA_RNG_INTERACTION,
                                                                     draw++) < p_event(r, dt)) {
                                    e->contact[i] = STROMA_CONTACT_TRANSFORM;
                                    e->contact_other[i] = to;
                                    return;
                                }
                            }
                        }
                    } else if (at_phen) {
                        double r = phago_rate(e, i, T, tj) + phago_kind_rate(e, i, T, c->state[j]);
                        if (r > 0 && stroma_rng_uniform_open(e->rng, id, step, STROMA_RNG_INTERACTION, draw++) <
                                         p_event(r, dt)) {
                            e->contact[i] = STROMA_CONTACT_PHAGOCYTOSE;
                            e->contact_other[i] = c->id[j];
                            return;
                        }
                    }
                }
            }
        }
    }
}

/* contact_law physicell: the decisions of PhysiCell 1.14's standard_cell_cell_interactions for live cell i at
 * a mechanics step of dt (parallel: writes only slot i). Scanning its neighbours in grid order, the cell may
 * pick one dead cell to engulf (rate by the dead cell's type plus the rate for its kind of death) and, when it
 * attacks no one, one live cell to start attacking; then, for the attack it will be making this step (the new
 * one or the one under way), whether the attack ends after this step's damage (probability dt / attack
 * duration, as PhysiCell's linear test) and whether it kills (`kill rate`, stroma's).
 * PhysiCell draws one Bernoulli(p_j) per neighbour and takes the first success. With p_j = 1 - e^(-r_j dt) the
 * first success is at the first j whose cumulative rate S_j = r_1 + ... + r_j exceeds E / dt, E = -ln(1 - u)
 * one exponential draw (P(first success <= j) = 1 - e^(-S_j dt) both ways): the same law, one draw per kind
 * of event per step instead of one per neighbour.
 * Bits of e->contact: 1 engulf e->contact_other, 2 attack ends, 4 kill; e->contact_new: the new target, -1. */
#define MECH_ENGULF 1
#define MECH_END 2
#define MECH_KILL 4
static void decide_contact_mech(stroma_cell_engine *e, size_t i, double dt) {
    stroma_cells *c = &e->cells;
    const stroma_cell_grid *g = &e->grid;
    const stroma_cell_type_desc *T = &e->types[c->type[i]];
    uint64_t id = (uint64_t)c->id[i], step = (uint64_t)e->mech_step;
    const stroma_rules_engine *R = e->rules;
    e->contact[i] = 0;
    e->contact_other[i] = -1;
    e->contact_new[i] = -1;
    if (c->state[i] != STROMA_CELL_LIVE) return;
    /* this cell's rates toward each type, live (attack) and dead (engulf, plus by kind of death) */
    int nt = e->ntypes, engulfs = 0, attacks = 0;
    double live_r[STROMA_MAX_CELL_TYPES_RULES], dead_r[STROMA_MAX_CELL_TYPES_RULES];
    double apop_r = phago_kind_rate(e, i, T, STROMA_CELL_APOPTOTIC);
    double necro_r = phago_kind_rate(e, i, T, STROMA_CELL_NECROTIC);
    engulfs = apop_r > 0 || necro_r > 0;
    for (int k = 0; k < nt; k++) {
        dead_r[k] = phago_rate(e, i, T, k);
        live_r[k] = c->attached_id[i] < 0 ? attack_rate(e, i, T, k) : 0;
        engulfs |= dead_r[k] > 0;
        attacks |= live_r[k] > 0;
    }
    if (engulfs || attacks) {
        double u[2]; /* in [0, 1): -ln(1 - u) is finite */
        stroma_rng_uniform2(e->rng, id, step, STROMA_RNG_CONTACT_MECH, 1, u);
        double se = 0, sa = 0;
        double xi = c->x[i], yi = c->y[i], zi = c->z[i], ri = c->radius_um[i];
        int blo[3], bhi[3];
        stroma_cell_grid_range(g, xi, yi, zi, e->pairs.reach_rel[c->type[i]] * ri + g->max_reach_um, blo, bhi);
        /* Usually the thresholds exceed any sum the candidates could reach (rates x dt are small): then nothing
         * can happen and the scan is skipped, with the same outcome */
        double rmax_e = apop_r > necro_r ? apop_r : necro_r, rmax_d = 0, rmax_a = 0;
        for (int k = 0; k < nt; k++) {
            if (dead_r[k] > rmax_d) rmax_d = dead_r[k];
            if (live_r[k] > rmax_a) rmax_a = live_r[k];
        }
        rmax_e += rmax_d;
        size_t ncand = 0;
        for (int bz = blo[2]; bz <= bhi[2]; bz++)
            for (int by = blo[1]; by <= bhi[1]; by++) {
                size_t b = ((size_t)bz * (size_t)g->nb[1] + (size_t)by) * (size_t)g->nb[0];
                ncand += g->start[b + (size_t)bhi[0] + 1] - g->start[b + (size_t)blo[0]];
            }
        /* an event needs E / dt <= the bound, i.e. u <= 1 - e^(-dt bound) <= dt bound: most steps end here,
         * without a logarithm */
        double be = (double)ncand * rmax_e, ba = (double)ncand * rmax_a;
        if (!(u[0] < dt * be)) engulfs = 0;
        if (!(u[1] < dt * ba)) attacks = 0;
        /* thresholds on the cumulative rates (infinite when the kind of event is off) */
        double te = engulfs ? -log1p(-u[0]) / dt : INFINITY, ta = attacks ? -log1p(-u[1]) / dt : INFINITY;
        if (!(te <= be)) engulfs = 0;
        if (!(ta <= ba)) attacks = 0;
        for (int bz = blo[2]; bz <= bhi[2] && (engulfs || attacks); bz++)
            for (int by = blo[1]; by <= bhi[1] && (engulfs || attacks); by++)
                for (int bx = blo[0]; bx <= bhi[0] && (engulfs || attacks); bx++) {
                    size_t b = ((size_t)bz * (size_t)g->nb[1] + (size_t)by) * (size_t)g->nb[0] + (size_t)bx;
                    for (size_t m = g->start[b]; m < g->start[b + 1] && (engulfs || attacks); m++) {
                        size_t j = g->order[m];
                        if (j == i) continue;
                        /* the neighbour as the grid gathered it at this step's start (other threads are moving
                         * the cells meanwhile) */
                        int tj = g->stype[m], live = g->sstate[m] == STROMA_CELL_LIVE;
                        double kind_r = g->sstate[m] == STROMA_CELL_APOPTOTIC ? apop_r : necro_r;
                        double r = live ? (attacks ? live_r[tj] : 0) : (engulfs ? dead_r[tj] + kind_r : 0);
                        if (!(r > 0)) continue;
                        const double *pj = g->sp + 4 * m;
                        double dx = xi - pj[0], dy = yi - pj[1], dz = zi - pj[2], rj = g->sr[m];
                        double reach = T->max_adhesion_rel * ri + e->types[tj].max_adhesion_rel * rj;
                        if (reach < ri + rj) reach = ri + rj;
                        if (dx * dx + dy * dy + dz * dz > reach * reach) continue;
                        if (!live) {
                            se += r;
                            if (se > te) {
                                e->contact[i] |= MECH_ENGULF;
                                e->contact_other[i] = c->id[j];
                                engulfs = 0;
                            }
                        } else {
                            sa += r;
                            if (sa > ta) {
                                e->contact_new[i] = c->id[j];
                                attacks = 0;
                            }
                        }
                    }
                }
    }
    if (c->attached_id[i] < 0 && e->contact_new[i] < 0) return;
    double u[2];
    stroma_rng_uniform2(e->rng, id, step, STROMA_RNG_CONTACT_MECH, 0, u);
    double d = beh(e, i, R ? R->s_attack_duration : -1, T->attach_duration_min);
    if (!(d > 0) || u[0] < dt / d) e->contact[i] |= MECH_END;
    if (u[1] < p_event(beh(e, i, R ? R->s_kill : -1, T->kill_per_min), dt)) e->contact[i] |= MECH_KILL;
}

/* Apply the decisions of decide_contact_mech in id order (serial): engulf, start attacks, deliver
 * attack damage x dt, end attacks (or kill). Returns the number of cells engulfed (e->keep[j] = 0). */
static size_t apply_contacts_mech(stroma_cell_engine *e, double dt) {
    stroma_cells *c = &e->cells;
    size_t eaten = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        size_t j;
        if (e->contact[i] & MECH_ENGULF) {
            j = find_id(c, e->contact_other[i]);
            if (j != (size_t)-1 && c->state[j] != STROMA_CELL_LIVE && e->keep[j]) {
                e->keep[j] = 0;
                e->counters.phagocytoses++;
                eaten++;
            }
        }
        if (e->contact_new[i] >= 0) c->attached_id[i] = e->contact_new[i];
        if (c->attached_id[i] < 0) continue;
        j = find_id(c, c->attached_id[i]);
        if (j == (size_t)-1 || c->state[j] != STROMA_CELL_LIVE || !e->keep[j]) {
            c->attached_id[i] = -1; /* the target died or is gone: the attack ends */
            continue;
        }
        deliver_damage(e, i, c->attached_id[i], dt);
        if (e->contact[i] & MECH_KILL) {
            kill_cell(e, j, STROMA_CELL_APOPTOTIC);
            e->counters.apoptoses--; /* counted as a kill, not a spontaneous apoptosis */
            e->counters.kills++;
            c->attached_id[i] = -1;
        } else if (e->contact[i] & MECH_END) {
            c->attached_id[i] = -1;
        }
    }
    return eaten;
}

/* Are cells i and j in contact: closer than the adhesion reach (the larger of the sum of the radii and the sum
 * of the types' adhesion distances)? Symmetric in i and j, bit for bit. */
static inline int in_contact(const stroma_cell_engine *e, size_t i, size_t j) {
    const stroma_cells *c = &e->cells;
    double ri = c->radius_um[i], rj = c->radius_um[j];
    double dx = c->x[i] - c->x[j], dy = c->y[i] - c->y[j], dz = c->z[i] - c->z[j];
    double reach = e->types[c->type[i]].max_adhesion_rel * ri + e->types[c->type[j]].max_adhesion_rel * rj;
    if (reach < ri + rj) reach = ri + rj;
    return dx * dx + dy * dy + dz * dz <= reach * reach;
}

/* Live cells of each type in contact with cell i into counts[0..ntypes-1], dead ones into counts[ntypes]. */
static void count_contacts(const stroma_cell_engine *e, size_t i, double *counts) {
    const stroma_cells *c = &e->cells;
    const stroma_cell_grid *g = &e->grid;
    for (int k = 0; k <= e->ntypes; k++) counts[k] = 0;
    int blo[3], bhi[3];
    stroma_cell_grid_range(g, c->x[i], c->y[i], c->z[i], e->pairs.reach_rel[c->type[i]] * c->radius_um[i] +
                           g->max_reach_um, blo, bhi);
    for (int bz = blo[2]; bz <= bhi[2]; bz++)
        for (int by = blo[1]; by <= bhi[1]; by++)
            for (int bx = blo[0]; bx <= bhi[0]; bx++) {
                size_t b = ((size_t)bz * (size_t)g->nb[1] + (size_t)by) * (size_t)g->nb[0] + (size_t)bx;
                for (size_t m = g->start[b]; m < g->start[b + 1]; m++) {
                    size_t j = g->order[m];
                    if (j == i || !in_contact(e, i, j)) continue;
                    if (c->state[j] == STROMA_CELL_LIVE)
                        counts[c->type[j]] += 1;
                    else
                        counts[e->ntypes] += 1;
                }
            }
}

/* "<variable> in contact" of cell i (parallel over cells: reads every cell's state variables, writes only row i
 * of e->contact_state): for each variable some rule reads, the sum of its values over the live cells in contact
 * with i, in the grid's box order (fixed by the cells' positions, not by the threads). */
static void sum_contact_state(stroma_cell_engine *e, size_t i) {
    const stroma_cells *c = &e->cells;
    const stroma_cell_grid *g = &e->grid;
    const stroma_rules_engine *R = e->rules;
    size_t nc = (size_t)R->ncontact_vars, nv = (size_t)c->nstate;
    double *out = e->contact_state + i * nc;
    for (size_t k = 0; k < nc; k++) out[k] = 0;
    int blo[3], bhi[3];
    stroma_cell_grid_range(g, c->x[i], c->y[i], c->z[i], e->pairs.reach_rel[c->type[i]] * c->radius_um[i] +
                           g->max_reach_um, blo, bhi);
    for (int bz = blo[2]; bz <= bhi[2]; bz++)
        for (int by = blo[1]; by <= bhi[1]; by++)
            for (int bx = blo[0]; bx <= bhi[0]; bx++) {
                size_t b = ((size_t)bz * (size_t)g->nb[1] + (size_t)by) * (size_t)g->nb[0] + (size_t)bx;
                for (size_t m = g->start[b]; m < g->start[b + 1]; m++) {
                    size_t j = g->order[m];
                    if (j == i || c->state[j] != STROMA_CELL_LIVE || !in_contact(e, i, j)) continue;
                    const double *vj = c->svar + j * nv;
                    for (size_t k = 0; k < nc; k++) out[k] += vj[R->contact_var[k]];
                }
            }
}

/* Attachments count as contact for "<variable> in contact" (an attacker touches its target, which touches its
 * attackers), also when the pair has drifted beyond the adhesion reach (attachment is not a force): after the
 * neighbour sums, each attached live pair out of reach adds each one's values to the other's sums. Serial, in
 * attacker index (id) order; a pair attached both ways is added once. */
static void add_attached_contact_state(stroma_cell_engine *e) {
    const stroma_cells *c = &e->cells;
    size_t nc = (size_t)e->rules->ncontact_vars, nv = (size_t)c->nstate;
    const int *var = e->rules->contact_var;
    for (size_t i = 0; i < c->n; i++) {
        if (c->attached_id[i] < 0 || c->state[i] != STROMA_CELL_LIVE) continue;
        size_t j = find_id(c, c->attached_id[i]);
        if (j == (size_t)-1 || j == i || c->state[j] != STROMA_CELL_LIVE || in_contact(e, i, j)) continue;
        if (j < i && c->attached_id[j] == c->id[i]) continue; /* added from j */
        double *si = e->contact_state + i * nc, *sj = e->contact_state + j * nc;
        for (size_t k = 0; k < nc; k++) {
            si[k] += c->svar[j * nv + (size_t)var[k]];
            sj[k] += c->svar[i * nv + (size_t)var[k]];
        }
    }
}

/* PhysiCell's pressure normalisation: a confluent tissue reads about 1. */
#define STROMA_PRESSURE_SCALE 0.027288820670331

double stroma_cell_engine_pressure_signal(double pressure) { return pressure / STROMA_PRESSURE_SCALE; }

static double signal_value(const stroma_cell_engine *e, const stroma_transport *t, size_t i,
                           const stroma_signal_entry *sg, const double *contacts, double t_min) {
    const stroma_cells *c = &e->cells;
    double p[3] = {c->x[i], c->y[i], c->z[i]}, g[3];
    switch (sg->kind) {
    case STROMA_SIG_SUBSTRATE: {
        if (!t) return 0.0;
        double v = stroma_transport_value_at(t, p, sg->arg);
        return e->drug_seen ? v * e->drug_seen(e->drug_ctx, t, p, STROMA_DRUG_SEEN_SUBSTRATE, sg->arg) : v;
    }
    case STROMA_SIG_SUBSTRATE_GRADIENT:
        if (!t) return 0.0;
        stroma_transport_gradient_at(t, p, sg->arg, g);
        return sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
    case STROMA_SIG_CONTACT_TYPE: return contacts ? contacts[sg->arg] : 0.0;
    case STROMA_SIG_CONTACT_LIVE: {
        double n = 0;
        if (!contacts) return 0.0;
        for (int k = 0; k < e->ntypes; k++) n += contacts[k];
        return n;
    }
    case STROMA_SIG_CONTACT_DEAD: return contacts ? contacts[e->ntypes] : 0.0;
    case STROMA_SIG_PRESSURE: return c->pressure[i] / STROMA_PRESSURE_SCALE;
    case STROMA_SIG_VOLUME: return c->volume_um3[i];
    case STROMA_SIG_TIME: return t_min;
    case STROMA_SIG_AGE: return t_min - c->birth_min[i];
    case STROMA_SIG_DAMAGE: return c->damage[i];
    case STROMA_SIG_DAMAGE_DELIVERED: return c->damage_delivered[i];
    case STROMA_SIG_ATTACK_TIME: return c->attack_time_min[i];
    case STROMA_SIG_ATTACKING: return c->attached_id[i] >= 0;
    case STROMA_SIG_APOPTOTIC: return c->state[i] == STROMA_CELL_APOPTOTIC;
    case STROMA_SIG_NECROTIC: return c->state[i] == STROMA_CELL_NECROTIC;
    case STROMA_SIG_DEAD: return c->state[i] != STROMA_CELL_LIVE;
    case STROMA_SIG_STATE: return c->svar[i * (size_t)c->nstate + (size_t)sg->arg];
    case STROMA_SIG_STATE_CONTACT: {
        double v = e->contact_state[i * (size_t)e->rules->ncontact_vars + (size_t)e->rules->contact_col[sg->arg]];
        return e->drug_seen && t ? v * e->drug_seen(e->drug_ctx, t, p, STROMA_DRUG_SEEN_CONTACT_STATE, sg->arg) : v;
    }
    case STROMA_SIG_VESSEL_DENSITY:
        return e->vessel_density && t ? e->vessel_density[stroma_mesh_voxel_of(&t->mesh, p)] : 0.0;
    case STROMA_SIG_PLASMA: return e->plasma ? e->plasma[sg->arg] : 0.0;
    case STROMA_SIG_ECM: return e->ecm && t ? e->ecm[stroma_mesh_voxel_of(&t->mesh, p)] : 0.0;
    }
    return 0.0;
}

double stroma_cell_engine_signal(const stroma_cell_engine *e, const stroma_transport *t, size_t i,
                                 const stroma_signal_entry *sg, double t_min) {
    return signal_value(e, t, i, sg, NULL, t_min);
}

double stroma_cell_engine_behaviour(const stroma_cell_engine *e, const stroma_model *m, size_t i, int b) {
    int slot = e->rules ? e->rules->slot_of[b] : -1;
    /* a necrosis slot holds -1 where the oxygen ramp decides (no rule, no per-cell rate): the type's value */
    if (slot >= 0 && e->cells.beh[i * (size_t)e->cells.nbeh + (size_t)slot] >= 0)
        return e->cells.beh[i * (size_t)e->cells.nbeh + (size_t)slot];
    return stroma_rule_behaviour_base(m, e->cells.type[i], b);
}

#define STROMA_MAX_RULES_PER_BEHAVIOUR 64

/* Evaluate every rule-controlled behaviour of cell i and advance its state variables by dt (parallel over
 * cells: writes only cell i). */
static void evaluate_rules(stroma_cell_engine *e, const stroma_transport *t, size_t i, double t_min, double dt) {
    const stroma_rules_engine *R = e->rules;
    const stroma_model *m = R->model;
    stroma_cells *c = &e->cells;
    size_t ns = (size_t)R->nslots, type = (size_t)c->type[i];
    int dead = c->state[i] != STROMA_CELL_LIVE;
    double contacts[STROMA_MAX_CELL_TYPES_RULES + 1];
    if (R->needs_contacts) count_contacts(e, i, contacts);
    double *out = c->beh + i * ns;
    for (size_t s = 0; s < ns; s++) {
        double b0 = R->base[type * ns + s];
        int g0 = R->grp_start[type * ns + s], g1 = R->grp_start[type * ns + s + 1];
        double x[STROMA_MAX_RULES_PER_BEHAVIOUR], sat[STROMA_MAX_RULES_PER_BEHAVIOUR];
        int dir[STROMA_MAX_RULES_PER_BEHAVIOUR], n = 0;
        for (int k = g0; k < g1 && n < STROMA_MAX_RULES_PER_BEHAVIOUR; k++) {
            const stroma_rule_desc *rd = &m->rules[R->rule_idx[k]];
            if (dead && !rd->apply_to_dead) continue;
            double sv = signal_value(e, t, i, &m->rule_tables.signals[rd->signal], contacts, t_min);
            x[n] = stroma_rules_hill(sv, rd->half_max, rd->hill);
            sat[n] = rd->saturation;
            dir[n] = rd->direction;
            n++;
        }
        /* a drug inhibits it: a live cell re-evaluates it (its rules, or its type's base) and scales it */
        const int inhibit = R->inhibited && !dead && R->inhibited[type * ns + s] && e->drug_seen && t;
        /* no rule applies: the cell keeps its value (its type's base from creation or transformation; a dead
         * cell keeps what death left it: no secretion or export, dead_uptake_fraction of its uptake), as in
         * PhysiCell */
        if (n == 0 && !inhibit) continue;
        double v = n == 0 ? b0
                   : R->law == STROMA_RULES_LAW_PHYSICELL
                       ? stroma_rules_combine_physicell(b0, R->lo[type * ns + s], R->hi[type * ns + s], n, x, dir)
                       : stroma_rules_combine(b0, n, x, sat, dir);
        if (inhibit) {
            double p[3] = {c->x[i], c->y[i], c->z[i]};
            v *= e->drug_seen(e->drug_ctx, t, p, STROMA_DRUG_SEEN_BEHAVIOUR,
                              (int)type * m->rule_tables.nbehaviours + R->slot_beh[s]);
        }
        out[s] = v;
        const stroma_behaviour_entry *be = &m->rule_tables.behaviours[R->slot_beh[s]];
        size_t o = i * (size_t)e->nsub + (size_t)be->arg;
        switch (be->kind) {
        case STROMA_BEH_SECRETION: c->secretion[o] = v; break;
        case STROMA_BEH_SECRETION_TARGET: c->saturation[o] = v; break;
        case STROMA_BEH_UPTAKE: c->uptake[o] = v; break;
        case STROMA_BEH_EXPORT: c->export_rate[o] = v; break;
        default: break;
        }
    }
    /* state variables: dv/dt = P - D v, implicit in D */
    for (int v = 0; v < R->nstate; v++) {
        double P = out[R->s_prod[v]], D = out[R->s_decay[v]];
        double *sv = &c->svar[i * (size_t)R->nstate + (size_t)v];
        *sv = (*sv + dt * P) / (1 + dt * D);
    }
}

static void kill_cell(stroma_cell_engine *e, size_t j, uint8_t how) {
    stroma_cells *c = &e->cells;
    size_t ns = (size_t)e->nsub;
    /* a dead cell stops secreting and exporting, and keeps dead_uptake_fraction of its uptake (0 by default;
     * PhysiCell's start_death keeps 0.1); rules marked apply_to_dead may change them again (debris) */
    memset(c->secretion + j * ns, 0, ns * sizeof(double));
    for (size_t s = 0; s < ns; s++) c->uptake[j * ns + s] *= e->dead_uptake_fraction;
    memset(c->export_rate + j * ns, 0, ns * sizeof(double));
    c->state[j] = how;
    c->dead_elapsed_min[j] = 0;
    c->attached_id[j] = -1;
    c->mx[j] = c->my[j] = c->mz[j] = 0;
    e->sec_stale = 1;
    if (how == STROMA_CELL_APOPTOTIC)
        e->counters.apoptoses++;
    else
        e->counters.necroses++;
}

/* PhysiCell's standard asymmetric division: with probability p_k (the mother's "asymmetric division to k",
 * its type's cycle.asymmetric_division or a rule's value) the daughter j becomes type k; with the rest,
 * 1 - sum p_k, the division is symmetric. One uniform draw per division (keyed by the mother's id and the step)
 * against the cumulative probabilities in type order; the type itself is skipped (its daughter already has it)
 * and the sum is cut at 1 (a rule may push it over: the later types then get what is left). */
static void asymmetric_division(stroma_cell_engine *e, size_t i, size_t j, int type) {
    const stroma_cell_type_desc *T = &e->types[type];
    const stroma_rules_engine *R = e->rules;
    if (!T->asym_division && !(R && R->nslots > 0)) return;
    double total = 0;
    for (int k = 0; k < e->ntypes; k++) {
        double p = k == type ? 0 : beh(e, i, R ? R->s_asym[k] : -1, T->asym_division ? T->asym_division[k] : 0);
        if (p > 0) total += p;
    }
    if (!(total > 0)) return;
    double u[2];
    stroma_rng_uniform2(e->rng, (uint64_t)e->cells.id[i], (uint64_t)e->phen_step, STROMA_RNG_ASYM_DIVISION, 0, u);
    double cum = 0;
    for (int k = 0; k < e->ntypes; k++) {
        double p = k == type ? 0 : beh(e, i, R ? R->s_asym[k] : -1, T->asym_division ? T->asym_division[k] : 0);
        if (!(p > 0)) continue;
        cum += p;
        if (u[0] < cum) {
            stroma_cell_engine_set_type(e, j, k);
            return;
        }
    }
}

static stroma_code divide(stroma_cell_engine *e, size_t i, stroma_error *err) {
    stroma_cells *c = &e->cells;
    size_t j = stroma_cells_append(c, err); /* may move the arrays; index i stays valid */
    if (j == (size_t)-1) return err ? err->code : STROMA_ERR_NOMEM;
    if (ensure_scratch(e, c->n, err)) return STROMA_ERR_NOMEM;
    int type = c->type[i];
    /* the daughter copies the mother, then both take half the volume, displaced +-d along a random axis */
    int64_t new_id = c->id[j];
    size_t ns = (size_t)e->nsub;
#define COPY(f) c->f[j] = c->f[i];
    COPY(type) COPY(state) COPY(x) COPY(y) COPY(z) COPY(pvx) COPY(pvy) COPY(pvz) COPY(mx) COPY(my) COPY(mz)
    COPY(target_volume_um3) COPY(pressure) COPY(damage) COPY(damage_delivered)
#undef COPY
    c->attack_time_min[i] = 0; /* as PhysiCell's divide: damage is inherited, the time under attack is not */
    memcpy(c->secretion + j * ns, c->secretion + i * ns, ns * sizeof(double));
    memcpy(c->saturation + j * ns, c->saturation + i * ns, ns * sizeof(double));
    memcpy(c->uptake + j * ns, c->uptake + i * ns, ns * sizeof(double));
    memcpy(c->export_rate + j * ns, c->export_rate + i * ns, ns * sizeof(double));
    /* state variables and rule-set behaviours are inherited (PhysiCell copies custom data to both daughters) */
    size_t nv = (size_t)c->nstate, nb = (size_t)c->nbeh;
    if (nv) memcpy(c->svar + j * nv, c->svar + i * nv, nv * sizeof(double));
    if (nb) memcpy(c->beh + j * nb, c->beh + i * nb, nb * sizeof(double));
    c->id[j] = new_id;
    c->attached_id[j] = -1;
    c->birth_min[j] = c->birth_min[i]; /* overwritten by the caller with the current time */
    c->phase[j] = 0;
    c->phase_elapsed_min[j] = 0;
    c->phase[i] = 0;
    c->phase_elapsed_min[i] = 0;
    double v = c->volume_um3[i] / 2;
    c->volume_um3[i] = c->volume_um3[j] = v;
    if (c->nvol) {
        /* PhysiCell's Volume::divide: every part and the targets halve (a target doubled on entering phase 0,
         * i.e. at this division, stays: double_at_phase 0) */
        size_t nvol = (size_t)c->nvol;
        double *vi = c->vol + i * nvol;
        for (size_t k = 0; k < STROMA_VOL_TARGET_NUCLEAR_SOLID; k++) vi[k] /= 2;
        if (e->types[type].vp_double_phase > 0) vi[STROMA_VOL_TARGET_NUCLEAR_SOLID] /= 2;
        memcpy(c->vol + j * nvol, vi, nvol * sizeof(double));
    }
    double r = stroma_sphere_radius(v);
    c->radius_um[i] = c->radius_um[j] = r;
    double d[3];
    random_direction(e, c->id[i], e->phen_step, STROMA_RNG_DIVISION, 0, d);
    /* PhysiCell's offset: 0.2063 x the mother's radius, i.e. half-volume spheres just overlapping */
    double off = 0.20629947401590026 * stroma_sphere_radius(2 * v);
    c->x[i] -= off * d[0];
    c->y[i] -= off * d[1];
    c->z[i] -= off * d[2];
    c->x[j] += off * d[0];
    c->y[j] += off * d[1];
    c->z[j] += off * d[2];
    asymmetric_division(e, i, j, type);
    e->counters.births++;
    return STROMA_OK;
}

stroma_code stroma_cell_engine_phenotype(stroma_cell_engine *e, const stroma_transport *t, double dt_min,
                                         double t_min, stroma_error *err) {
    stroma_cells *c = &e->cells;
    size_t n = c->n;
    if (ensure_scratch(e, n, err)) return STROMA_ERR_NOMEM;
    stroma_code rc = stroma_cell_grid_build(&e->grid, c, e->dom.lo_um, e->dom.hi_um, e->dom.dim,
                                            stroma_mechanics_reach(c, &e->pairs), e->pairs.reach_rel, err);
    if (rc != STROMA_OK) return rc;
    const long ln = (long)n;
    const int rules = e->rules && e->rules->nslots > 0;
    if (rules) e->sec_stale = 1;
    e->vox_fresh = 0;
    e->mech_cost_n = 0; /* cells may be born, die or be removed: the per-cell costs no longer line up */
    e->rates_epoch++;   /* and volumes and exchange rates change */
    /* "<variable> in contact" reads the neighbours' state variables, which the rules pass updates: the sums are
     * gathered first, from the values at the start of the step (only when a rule reads them) */
    if (rules && e->rules->ncontact_vars > 0) {
        size_t need = n * (size_t)e->rules->ncontact_vars;
        if (need > e->contact_state_cap) {
            size_t cap = need + need / 2 + 64;
            double *p = realloc(e->contact_state, cap * sizeof *p);
            if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for %zu cells' contact sums", n);
            e->contact_state = p;
            e->contact_state_cap = cap;
        }
#pragma omp parallel for schedule(static) if (ln >= STROMA_CELLS_PAR_MIN)
        for (long i = 0; i < ln; i++) sum_contact_state(e, (size_t)i);
        add_attached_contact_state(e);
    }
    /* two passes: contact decisions read other cells' radii and states, which the phenotype pass updates; a
     * cell's rules (its own behaviours and state variables, from its neighbours' positions, radii and states)
     * come just before its contact decision, which reads only its own behaviours */
#pragma omp parallel if (ln >= STROMA_CELLS_PAR_MIN)
    {
#pragma omp for schedule(static)
        for (long i = 0; i < ln; i++) {
            if (rules) evaluate_rules(e, t, (size_t)i, t_min, dt_min);
            decide_contact(e, (size_t)i, dt_min);
            e->keep[i] = 1;
        }
#pragma omp for schedule(static)
        for (long i = 0; i < ln; i++) decide_phenotype(e, t, (size_t)i, dt_min);
    }
    /* contact outcomes, in id order */
    for (size_t i = 0; i < n; i++) {
        size_t j;
        switch (e->contact[i]) {
        case STROMA_CONTACT_ATTACH:
            c->attached_id[i] = e->contact_other[i];
            break;
        case STROMA_CONTACT_DETACH:
            deliver_damage(e, i, e->contact_other[i], e->contact_min[i]);
            c->attached_id[i] = -1;
            break;
        case STROMA_CONTACT_KILL:
            c->attached_id[i] = -1;
            j = find_id(c, e->contact_other[i]);
            if (j != (size_t)-1 && c->state[j] == STROMA_CELL_LIVE) {
                kill_cell(e, j, STROMA_CELL_APOPTOTIC);
                e->counters.apoptoses--; /* counted as a kill, not a spontaneous apoptosis */
                e->counters.kills++;
                e->action[j] = STROMA_ACT_NONE;
            }
            break;
        case STROMA_CONTACT_PHAGOCYTOSE:
            j = find_id(c, e->contact_other[i]);
            if (j != (size_t)-1 && c->state[j] != STROMA_CELL_LIVE && e->keep[j]) {
                e->keep[j] = 0;
                e->action[j] = STROMA_ACT_NONE;
                e->counters.phagocytoses++;
            }
            break;
        case STROMA_CONTACT_TRANSFORM:
            if (e->action[i] == STROMA_ACT_NONE || e->action[i] == STROMA_ACT_DIVIDE) {
                e->action[i] = STROMA_ACT_TRANSFORM;
                e->action_arg[i] = (int32_t)e->contact_other[i];
            }
            break;
        default:
            break;
        }
    }
    /* attachments that held through the step deliver a whole step of damage (in id order: several attackers
     * may share a target); those that ended delivered theirs above, new ones start with the next step */
    for (size_t i = 0; i < n; i++)
        if (e->contact[i] == STROMA_CONTACT_NONE && c->attached_id[i] >= 0)
            deliver_damage(e, i, c->attached_id[i], e->contact_min[i]);
    /* phenotype outcomes, in id order; daughters are appended and act from the next step */
    int64_t live0[STROMA_MAX_CELL_TYPES_RULES] = {0}, divided[STROMA_MAX_CELL_TYPES_RULES] = {0};
    for (size_t i = 0; i < n; i++) live0[c->type[i]] += c->state[i] == STROMA_CELL_LIVE;
    for (size_t i = 0; i < n; i++) {
        switch (e->action[i]) {
        case STROMA_ACT_APOPTOSIS:
            if (c->state[i] == STROMA_CELL_LIVE) kill_cell(e, i, STROMA_CELL_APOPTOTIC);
            break;
        case STROMA_ACT_NECROSIS:
            if (c->state[i] == STROMA_CELL_LIVE) kill_cell(e, i, STROMA_CELL_NECROTIC);
            break;
        case STROMA_ACT_TRANSFORM:
            if (c->state[i] == STROMA_CELL_LIVE) {
                stroma_cell_engine_set_type(e, i, e->action_arg[i]);
                e->counters.transformations++;
            }
            break;
        case STROMA_ACT_DIVIDE:
            if (c->state[i] == STROMA_CELL_LIVE) {
                size_t before = c->n;
                divided[c->type[i]]++;
                if ((rc = divide(e, i, err)) != STROMA_OK) return rc;
                c->birth_min[before] = t_min;
                e->keep[before] = 1;
            }
            break;
        case STROMA_ACT_REMOVE:
            e->keep[i] = 0;
            break;
        default:
            break;
        }
    }
    for (int k = 0; k < e->ntypes; k++)
        if (live0[k] >= STROMA_BURST_MIN_CELLS && (double)divided[k] / (double)live0[k] > e->burst_share) {
            e->burst_share = (double)divided[k] / (double)live0[k];
            e->burst_cells = live0[k];
            e->burst_type = k;
        }
    size_t removed = 0;
    for (size_t i = 0; i < c->n; i++) removed += !e->keep[i];
    if (removed) {
        stroma_cells_compact(c, e->keep);
        e->counters.removals += (int64_t)removed;
    }
    e->phen_step++;
    e->grid_stale = e->sec_stale = 1;
    return STROMA_OK;
}

stroma_packing stroma_cell_engine_packing(const stroma_cell_engine *e) {
    const stroma_cells *c = &e->cells;
    const stroma_mech_domain *d = &e->dom;
    stroma_packing p = {0, 0, 0};
    double sum = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        const double ps = stroma_cell_engine_pressure_signal(c->pressure[i]);
        sum += ps;
        p.live++;
        if (!(ps > 1)) continue;
        const double x[3] = {c->x[i], c->y[i], c->z[i]}, r = c->radius_um[i];
        int near = 0;
        for (int a = 0; a < d->dim; a++) near |= x[a] - d->lo_um[a] < r || d->hi_um[a] - x[a] < r;
        p.at_walls += near;
    }
    if (p.live) p.mean_pressure = sum / (double)p.live;
    return p;
}

void stroma_cell_engine_count(const stroma_cell_engine *e, int64_t *counts, int64_t *dead) {
    for (int k = 0; k < e->ntypes; k++) counts[k] = 0;
    *dead = 0;
    for (size_t i = 0; i < e->cells.n; i++) {
        if (e->cells.state[i] == STROMA_CELL_LIVE)
            counts[e->cells.type[i]]++;
        else
            (*dead)++;
    }
}

/* The engine's own checkpointed numbers (besides the cell store, which has its table in cells.c): one table,
 * used by the writer, the reader and the tests. */
#define STROMA_ENGINE_I64(X)                                                                                  \
    X(mech_step)                                                                                              \
    X(phen_step)                                                                                              \
    X(counters.births)                                                                                        \
    X(counters.apoptoses)                                                                                     \
    X(counters.necroses)                                                                                      \
    X(counters.kills)                                                                                         \
    X(counters.phagocytoses)                                                                                  \
    X(counters.transformations)                                                                               \
    X(counters.removals)

size_t stroma_cell_engine_scalars(stroma_cell_engine *e, stroma_engine_scalar *out, size_t cap) {
    size_t k = 0;
#define STROMA_X_SCALAR(f)                                                                                    \
    if (k < cap) out[k] = (stroma_engine_scalar){#f, &e->f};                                                  \
    k++;
    STROMA_ENGINE_I64(STROMA_X_SCALAR)
#undef STROMA_X_SCALAR
    return k;
}

void stroma_cell_engine_save(const stroma_cell_engine *e, stroma_buf *b) {
#define STROMA_X_SAVE(f) stroma_buf_put_i64(b, e->f);
    STROMA_ENGINE_I64(STROMA_X_SAVE)
#undef STROMA_X_SAVE
    stroma_cells_save(&e->cells, b);
}

/* Volume parts of a restored cell: none negative, the nuclear total at most the volume's parts; in a type with
 * parts, the nuclear solid target at most 4 times its type's (the model gives at most twice it, doubled in the
 * growth phase; a crafted 1e300 would overflow the volumes). */
static int vol_parts_valid(const stroma_cell_engine *e, size_t i) {
    const stroma_cells *c = &e->cells;
    const double *v = c->vol + i * (size_t)c->nvol;
    for (int k = 0; k < STROMA_VOL_N; k++)
        if (!(v[k] >= 0)) return 0;
    if (!(v[STROMA_VOL_NUCLEAR] <= v[STROMA_VOL_FLUID] + v[STROMA_VOL_NUCLEAR_SOLID] + v[STROMA_VOL_CYTO_SOLID] + 1e-9))
        return 0;
    const stroma_cell_type_desc *T = &e->types[c->type[i]];
    return !T->volume_parts || v[STROMA_VOL_TARGET_NUCLEAR_SOLID] <= 4 * vol_target_nuclear_solid(T);
}

/* Is p inside the domain (closed box; the third axis is free in 2D)? */
static int inside_domain(const stroma_mech_domain *d, double x, double y, double z) {
    return x >= d->lo_um[0] && x <= d->hi_um[0] && y >= d->lo_um[1] && y <= d->hi_um[1] &&
           (d->dim < 3 || (z >= d->lo_um[2] && z <= d->hi_um[2]));
}

/* Whether n values at v (stride `stride`) lie in the range behaviour b can take in this model (its types',
 * rules' and cell files' values: stroma_rule_behaviour_range); without a behaviour table entry (b < 0), in
 * [min(0, type values), max(0, type values)] of `type_value`. On failure names cell and quantity. */
static stroma_code check_range(const stroma_cell_engine *e, const stroma_model *m, int b, double tlo, double thi,
                               const double *v, size_t stride, const char *what, stroma_error *err) {
    double lo = tlo, hi = thi;
    if (m && b >= 0) stroma_rule_behaviour_range(m, b, &lo, &hi);
    const stroma_cells *c = &e->cells;
    for (size_t i = 0; i < c->n; i++)
        if (!(v[i * stride] >= lo && v[i * stride] <= hi))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint cell %zu (id %lld): its %s (%g) is outside what this model can give "
                                    "it (%g to %g)",
                                    i, (long long)c->id[i], what, v[i * stride], lo, hi);
    return STROMA_OK;
}

/* Per-cell rates and rule-set behaviour values of restored cells must be values the model can produce: a
 * crafted value (a repulsion of 1e300) would otherwise overflow the forces or the fields later. */
static stroma_code check_rates(const stroma_cell_engine *e, stroma_error *err) {
    const stroma_cells *c = &e->cells;
    const stroma_model *m = e->rules ? e->rules->model : NULL;
    stroma_code rc;
    static const stroma_behaviour_kind kinds[4] = {STROMA_BEH_SECRETION, STROMA_BEH_SECRETION_TARGET,
                                                   STROMA_BEH_UPTAKE, STROMA_BEH_EXPORT};
    static const char *const names[4] = {"secretion rate", "secretion target", "uptake rate", "export rate"};
    const double *arr[4] = {c->secretion, c->saturation, c->uptake, c->export_rate};
    for (int q = 0; q < 4; q++)
        for (int s = 0; s < e->nsub; s++) {
            double tlo = 0, thi = 0;
            for (int t = 0; t < e->ntypes; t++) {
                const stroma_cell_type_desc *T = &e->types[t];
                const double *tv = q == 0 ? T->secretion_per_min : q == 1 ? T->saturation
                                                    : q == 2 ? T->uptake_per_min : T->export_per_min;
                double v = tv ? tv[s] : 0;
                if (v < tlo) tlo = v;
                if (v > thi) thi = v;
            }
            int b = m ? stroma_rule_behaviour_of(&m->rule_tables, kinds[q], s) : -1;
            char what[96];
            snprintf(what, sizeof what, "%s of substrate %d", names[q], s);
            if ((rc = check_range(e, m, b, tlo, thi, arr[q] + s, (size_t)e->nsub, what, err)) != STROMA_OK)
                return rc;
        }
    for (int s = 0; m && s < e->rules->nslots; s++) {
        int b = e->rules->slot_beh[s];
        if ((rc = check_range(e, m, b, 0, 0, c->beh + s, (size_t)c->nbeh, m->rule_tables.behaviours[b].name, err)) !=
            STROMA_OK)
            return rc;
    }
    return STROMA_OK;
}

stroma_code stroma_cell_engine_load(stroma_cell_engine *e, stroma_reader *r, stroma_error *err) {
#define STROMA_X_LOAD(f) e->f = stroma_reader_i64(r);
    STROMA_ENGINE_I64(STROMA_X_LOAD)
#undef STROMA_X_LOAD
    stroma_engine_scalar sc[16];
    size_t nsc = stroma_cell_engine_scalars(e, sc, 16);
    for (size_t k = 0; k < nsc && k < 16; k++)
        if (*sc[k].value < 0)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint cell engine: %s is negative (%lld)",
                                    sc[k].name, (long long)*sc[k].value);
    stroma_code rc = stroma_cells_load(&e->cells, r, err);
    if (rc != STROMA_OK) return rc;
    stroma_cells *c = &e->cells;
    for (size_t i = 0; i < c->n; i++) {
        const char *bad = NULL;
        if (c->type[i] < 0 || c->type[i] >= e->ntypes)
            bad = "its type is not one of the model's";
        else if (c->state[i] > STROMA_CELL_NECROTIC)
            bad = "its state is not live, apoptotic or necrotic";
        else if (c->phase[i] < 0 || c->phase[i] >= (e->types[c->type[i]].nphases > 1 ? e->types[c->type[i]].nphases : 1))
            bad = "its cycle phase is not one of its type's";
        else if (!inside_domain(&e->dom, c->x[i], c->y[i], c->z[i]))
            bad = "its position is outside the domain";
        else if (!(c->volume_um3[i] >= 0) || !(c->target_volume_um3[i] >= 0) || !(c->radius_um[i] >= 0))
            bad = "its volume or radius is negative";
        else if (!(c->damage[i] >= 0) || !(c->phase_elapsed_min[i] >= 0) || !(c->dead_elapsed_min[i] >= 0))
            bad = "its damage or elapsed times are negative";
        else if (c->nvol && !vol_parts_valid(e, i))
            bad = "its volume parts are out of range (negative, a nucleus larger than the cell, or a target beyond "
                  "what its type gives)";
        else if (c->attached_id[i] != -1 &&
                 (c->attached_id[i] == c->id[i] || find_id(c, c->attached_id[i]) == (size_t)-1))
            bad = "it is attached to a cell that does not exist";
        if (bad) {
            int64_t id = c->id[i];
            c->n = 0;
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint cell %zu (id %lld): %s", i, (long long)id,
                                    bad);
        }
    }
    if ((rc = check_rates(e, err)) != STROMA_OK) {
        c->n = 0;
        return rc;
    }
    if (ensure_scratch(e, e->cells.n, err)) return STROMA_ERR_NOMEM;
    e->grid_stale = e->sec_stale = 1; /* rebuilt from the restored cells before their next use */
    return STROMA_OK;
}
