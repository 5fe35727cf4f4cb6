/* Creating, stepping and destroying a simulation; placing the model's point sources. */
#include "sim/sim.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/rules_tables.h"
#include "sim/placement.h"
#include "util/error_impl.h"

const char *stroma_version(void) { return STROMA_VERSION; }

stroma_code stroma_sim_place_sources(stroma_sim *sim, stroma_error *err) {
    const stroma_model *m = sim->model;
    int nsub = m->nsub;
    size_t total = 0;
    for (int d = 0; d < m->nsources; d++) total += (size_t)m->sources[d].count;
    sim->npoints = total;
    if (m->nsources > 0) {
        size_t n = (size_t)m->nsources * (size_t)nsub;
        sim->src_secretion = calloc(n, sizeof(double));
        sim->src_saturation = calloc(n, sizeof(double));
        sim->src_uptake = calloc(n, sizeof(double));
        sim->src_export = calloc(n, sizeof(double));
        sim->points = calloc(total ? total : 1, sizeof *sim->points);
        if (!sim->src_secretion || !sim->src_saturation || !sim->src_uptake || !sim->src_export || !sim->points)
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory placing %zu sources", total);
    }
    if (total > 0) {
        size_t nv = total * (size_t)nsub;
        sim->src_rx_voxel = calloc(total, sizeof *sim->src_rx_voxel);
        sim->src_rx_rate = calloc(nv ? nv : 1, sizeof(double));
        sim->src_rx_source = calloc(nv ? nv : 1, sizeof(double));
        if (!sim->src_rx_voxel || !sim->src_rx_rate || !sim->src_rx_source)
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory placing %zu sources", total);
    }
    size_t at = 0;
    for (int d = 0; d < m->nsources; d++) {
        const stroma_source_desc *sd = &m->sources[d];
        size_t o = (size_t)d * (size_t)nsub + (size_t)sd->substrate;
        sim->src_secretion[o] = sd->secretion_per_min;
        sim->src_saturation[o] = sd->saturation;
        sim->src_uptake[o] = sd->uptake_per_min;
        sim->src_export[o] = sd->export_per_min;
        for (int k = 0; k < sd->count; k++, at++) {
            stroma_source_point *pt = &sim->points[at];
            stroma_region_sample(&sd->region, m->dim, sim->rng, (uint64_t)d, (uint64_t)k, pt->pos_um);
            pt->desc = d;
            pt->voxel = stroma_mesh_voxel_of(&sim->transport->mesh, pt->pos_um);
        }
    }
    /* the reaction list: points by voxel (insertion sort: stable, placement order within a voxel) */
    const double vvox = sim->transport->mesh.voxel_volume_um3;
    size_t *ord = total ? malloc(total * sizeof *ord) : NULL;
    if (total && !ord) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory placing %zu sources", total);
    for (size_t p = 0; p < total; p++) {
        size_t q = p;
        while (q > 0 && sim->points[ord[q - 1]].voxel > sim->points[p].voxel) {
            ord[q] = ord[q - 1];
            q--;
        }
        ord[q] = p;
    }
    for (size_t e = 0; e < total; e++) {
        const stroma_source_point *pt = &sim->points[ord[e]];
        const double f = m->sources[pt->desc].volume_um3 / vvox;
        const size_t o = (size_t)pt->desc * (size_t)nsub;
        sim->src_rx_voxel[e] = pt->voxel;
        for (int s = 0; s < nsub; s++) {
            double S = sim->src_secretion[o + (size_t)s], U = sim->src_uptake[o + (size_t)s];
            double stay = stroma_transport_fixed_find(sim->transport, pt->voxel, s, NULL) ? 0.0 : 1.0;
            sim->src_rx_rate[e * (size_t)nsub + (size_t)s] = stay * f * (S + U);
            sim->src_rx_source[e * (size_t)nsub + (size_t)s] =
                stay * (f * S * sim->src_saturation[o + (size_t)s] + sim->src_export[o + (size_t)s] / vvox);
        }
    }
    free(ord);
    sim->src_rx = (stroma_reaction){
        .n = total, .voxel = sim->src_rx_voxel, .rate = sim->src_rx_rate, .source = sim->src_rx_source};
    return STROMA_OK;
}

stroma_code stroma_sim_place_cells(stroma_sim *sim, stroma_error *err) {
    const stroma_model *m = sim->model;
    for (int g = 0; g < m->ninitial; g++) {
        const stroma_initial_cells_desc *ic = &m->initial_cells[g];
        for (int k = 0; k < ic->count; k++) {
            double p[3];
            int type = ic->type;
            if (ic->from_csv) {
                memcpy(p, ic->csv_pos_um + 3 * (size_t)k, sizeof p);
                type = ic->csv_type[k];
            } else {
                stroma_region_sample(&ic->region, m->dim, sim->rng, STROMA_PLACEMENT_CELLS_GROUP + (uint64_t)g,
                                     (uint64_t)k, p);
            }
            if (m->dim < 3) p[2] = 0.5 * (m->lo_um[2] + m->hi_um[2]);
            size_t i = stroma_cell_engine_add(&sim->cells, type, p, 0.0, err);
            if (i == (size_t)-1) return STROMA_ERR_NOMEM;
            if (ic->synchronized) stroma_cell_engine_synchronize(&sim->cells, i);
            for (int col = 0; ic->from_csv && col < ic->ncols; col++) {
                double v = ic->csv_values[(size_t)k * (size_t)ic->ncols + (size_t)col];
                if (isnan(v)) continue; /* "skip": the type's value */
                int code = ic->col_behaviour[col];
                if (code >= 0)
                    stroma_cell_engine_set_behaviour(&sim->cells, i, code, v);
                else
                    sim->cells.cells.svar[i * (size_t)sim->cells.cells.nstate + (size_t)(-1 - code)] = v;
            }
        }
    }
    return STROMA_OK;
}


/* ---- checkpoint sections of the simulation's own modules ---- */

static void clock_save(const void *ctx, stroma_buf *b) {
    const stroma_sim *sim = ctx;
    stroma_buf_put_i64(b, sim->step);
}

static stroma_code clock_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_sim *sim = ctx;
    int64_t step = stroma_reader_i64(r);
    if (r->bad || step < 0 || step > sim->end_step)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint step %lld is outside this run (0 to %lld)",
                                (long long)step, (long long)sim->end_step);
    sim->step = step;
    return STROMA_OK;
}

static void transport_save(const void *ctx, stroma_buf *b) {
    const stroma_transport *t = ctx;
    size_t n = t->mesh.nvox * (size_t)t->nsub;
    stroma_buf_put_u64(b, (uint64_t)t->mesh.nvox);
    stroma_buf_put_u32(b, (uint32_t)t->nsub);
    stroma_buf_put(b, t->c, n * sizeof(double));
}

static stroma_code transport_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_transport *t = ctx;
    uint64_t nvox = stroma_reader_u64(r);
    uint32_t nsub = stroma_reader_u32(r);
    if (r->bad || nvox != (uint64_t)t->mesh.nvox || (int)nsub != t->nsub)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint fields (%llu voxels x %u substrates) do not fit this model (%zu x %d)",
                                (unsigned long long)nvox, nsub, t->mesh.nvox, t->nsub);
    size_t n = t->mesh.nvox * (size_t)t->nsub;
    stroma_reader_get(r, t->c, n * sizeof(double));
    if (r->bad) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint fields are truncated");
    for (size_t k = 0; k < n; k++)
        if (!isfinite(t->c[k]))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint field of substrate %zu is not finite (%g) at voxel %zu",
                                    k % (size_t)t->nsub, t->c[k], k / (size_t)t->nsub);
    return STROMA_OK;
}

static void cells_save(const void *ctx, stroma_buf *b) {
    const stroma_sim *sim = ctx;
    stroma_cell_engine_save(&sim->cells, b);
}

/* The cells, and their clocks checked against the simulation's (the clock section is read first). */
static stroma_code cells_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_sim *sim = ctx;
    sim->cells.rates_epoch++; /* every cell is replaced: no composed secretion map may be kept */
    stroma_code rc = stroma_cell_engine_load(&sim->cells, r, err);
    if (rc != STROMA_OK) return rc;
    if (sim->cells.mech_step != sim->step / sim->mech_every || sim->cells.phen_step != sim->step / sim->phen_every) {
        long long ms = (long long)sim->cells.mech_step, ps = (long long)sim->cells.phen_step;
        sim->cells.cells.n = 0;
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint cell clocks (%lld mechanics, %lld phenotype steps) do not match its step "
                                "%lld (%lld and %lld expected)",
                                ms, ps, (long long)sim->step, (long long)(sim->step / sim->mech_every),
                                (long long)(sim->step / sim->phen_every));
    }
    return STROMA_OK;
}

static void vessels_save(const void *ctx, stroma_buf *b) {
    const stroma_sim *sim = ctx;
    stroma_vessels_save(&sim->vessels, b);
}

/* The vessel field; the cells read it through a pointer that follows the field's buffer. */
static stroma_code vessels_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_sim *sim = ctx;
    stroma_code rc = stroma_vessels_load(&sim->vessels, r, err);
    if (sim->has_cells) sim->cells.vessel_density = sim->vessels.rho;
    return rc;
}

/* The transport's diffusion follows the matrix: D / (1 + s E) per voxel (after every matrix update, and at
 * creation and restore). Nothing to do when no substrate is hindered. */
static stroma_code ecm_hinder(stroma_sim *sim, stroma_error *err) {
    const stroma_ecm_desc *d = &sim->model->ecm;
    int any = 0;
    for (int s = 0; d->hindrance && s < sim->model->nsub; s++) any |= d->hindrance[s] > 0;
    if (!any) return STROMA_OK;
    return stroma_transport_set_hindrance(sim->transport, sim->ecm.E, d->hindrance, err);
}

/* The matrix section of a checkpoint, and the transport's coefficients that follow from it. */
static stroma_code ecm_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_sim *sim = ctx;
    stroma_code rc = stroma_ecm_load(&sim->ecm, r, err);
    return rc == STROMA_OK ? ecm_hinder(sim, err) : rc;
}

static void ecm_save(const void *ctx, stroma_buf *b) {
    const stroma_sim *sim = ctx;
    stroma_ecm_save(&sim->ecm, b);
}

/* The body's state: vessels, plasma and the exchange between them and the tissue (after the cells exist). */
static stroma_code body_create(stroma_sim *sim, stroma_error *err) {
    const stroma_model *m = sim->model;
    int64_t never = sim->end_step + 1;
    sim->vessel_dep_slot = sim->vessel_prune_slot = -1;
    if (m->vessels.present) {
        stroma_code rc = stroma_vessels_init(&sim->vessels, m, sim->rng, err);
        if (rc != STROMA_OK) return rc;
        sim->has_vessels = 1;
        sim->vessel_every = stroma_model_steps(m->vessels.every_min, m->dt_diffusion_min, never);
        if (sim->has_cells) sim->cells.vessel_density = sim->vessels.rho;
        if (sim->has_rules) {
            int bd = stroma_rule_behaviour_of(&m->rule_tables, STROMA_BEH_VESSEL_DEPOSIT, 0);
            int bp = stroma_rule_behaviour_of(&m->rule_tables, STROMA_BEH_VESSEL_PRUNE, 0);
            sim->vessel_dep_slot = bd >= 0 ? sim->rules.slot_of[bd] : -1;
            sim->vessel_prune_slot = bp >= 0 ? sim->rules.slot_of[bp] : -1;
        }
    }
    if (m->body.present) {
        stroma_mesh *mesh = &sim->transport->mesh;
        stroma_code rc = stroma_plasma_init(&sim->plasma, m, (double)mesh->nvox * mesh->voxel_volume_um3, err);
        if (rc != STROMA_OK) return rc;
        sim->has_body = 1;
        sim->body_every = stroma_model_steps(m->body.dt_min, m->dt_diffusion_min, never);
        if (sim->has_cells) sim->cells.plasma = sim->plasma.value;
    }
    sim->ecm_dep_slot = sim->ecm_deg_slot = -1;
    if (m->ecm.present) {
        stroma_code rc = stroma_ecm_init(&sim->ecm, m, err);
        if (rc != STROMA_OK) return rc;
        sim->has_ecm = 1;
        sim->ecm_every = stroma_model_steps(m->ecm.every_min, m->dt_diffusion_min, never);
        if (sim->has_cells) {
            sim->cells.ecm = sim->ecm.E;
            sim->cells.ecm_migration = m->ecm.migration;
        }
        if ((rc = ecm_hinder(sim, err)) != STROMA_OK) return rc;
        if (sim->has_rules) {
            int bd = stroma_rule_behaviour_of(&m->rule_tables, STROMA_BEH_ECM_DEPOSIT, 0);
            int bg = stroma_rule_behaviour_of(&m->rule_tables, STROMA_BEH_ECM_DEGRADE, 0);
            sim->ecm_dep_slot = bd >= 0 ? sim->rules.slot_of[bd] : -1;
            sim->ecm_deg_slot = bg >= 0 ? sim->rules.slot_of[bg] : -1;
        }
    }
    if (sim->has_vessels || sim->has_body) {
        stroma_code rc = stroma_exchange_init(&sim->exchange, m, err);
        if (rc != STROMA_OK) return rc;
        sim->has_exchange = 1;
        if (sim->has_body && stroma_exchange_account(&sim->exchange, &sim->plasma, sim->transport, 1) != 0)
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the plasma ledger");
    }
    return STROMA_OK;
}

/* Recruitment from the blood (after the cells and the vessels exist; the loader requires both). */
static stroma_code recruitment_create(stroma_sim *sim, stroma_error *err) {
    const stroma_model *m = sim->model;
    if (!m->recruitment.present || !sim->has_cells || !sim->has_vessels) return STROMA_OK;
    stroma_code rc = stroma_recruitment_init(&sim->recruitment, m, err);
    if (rc == STROMA_OK) sim->has_recruitment = 1;
    return rc;
}

/* The drugs (after the exchange exists: it reads their blood values; the loader requires vessels for a drug with
 * a tissue field). */
static stroma_code therapy_create(stroma_sim *sim, stroma_error *err) {
    const stroma_model *m = sim->model;
    if (!m->therapies.present) return STROMA_OK;
    stroma_code rc = stroma_therapy_init(&sim->therapy, m, err);
    if (rc != STROMA_OK) return rc;
    sim->has_therapy = 1;
    if (sim->has_exchange) sim->exchange.drug_blood = sim->therapy.blood;
    if (sim->has_cells) {
        sim->cells.drug_ctx = &sim->therapy;
        if (sim->therapy.any_death) sim->cells.drug_hazard = stroma_therapy_cell_hazard;
        if (sim->therapy.any_seen) sim->cells.drug_seen = stroma_therapy_seen;
    }
    return STROMA_OK;
}

/* The vesicles' ledger (after the cells and their rules exist). */
static stroma_code vesicles_create(stroma_sim *sim, stroma_error *err) {
    const stroma_model *m = sim->model;
    if (!m->vesicles.present || m->vesicles.nclasses == 0) return STROMA_OK;
    stroma_code rc = stroma_vesicles_init(&sim->vesicles, m, sim->has_rules ? &sim->rules : NULL, err);
    if (rc != STROMA_OK) return rc;
    sim->has_vesicles = 1;
    if (stroma_vesicles_account(&sim->vesicles, sim->transport, 1) != 0)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the vesicles' ledger");
    return STROMA_OK;
}

stroma_sim *stroma_sim_create(const stroma_model *model, const stroma_sim_options *opts, stroma_error *err) {
    stroma_error_clear(err);
    if (!model) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "no model");
        return NULL;
    }
    /* the loader refuses such models; a model built in memory is checked here, before anything is allocated */
    /* the solver: --solver, else the model's transport.solver, else lod */
    const char *solver = opts && opts->solver ? opts->solver : model->solver[0] ? model->solver : NULL;
    double need = stroma_model_memory_estimate_solver(model, solver), have = stroma_model_memory_available();
    if (have > 0 && need > have) {
        stroma_error_set(err, STROMA_ERR_TOO_LARGE, "the model needs about %.1f GiB, more than this machine's %.1f GiB",
                         need / 1073741824.0, have / 1073741824.0);
        return NULL;
    }
    if (model->ntypes > STROMA_MAX_CELL_TYPES_RULES) {
        stroma_error_set(err, STROMA_ERR_TOO_LARGE, "the model has %d cell types; at most %d are supported",
                         model->ntypes, STROMA_MAX_CELL_TYPES_RULES);
        return NULL;
    }
    /* threads: as asked, else OpenMP's (OMP_NUM_THREADS) when set, else from the model's size */
    int threads = opts && opts->threads > 0 ? opts->threads
                  : getenv("OMP_NUM_THREADS")   ? omp_get_max_threads()
                                                : stroma_team_default_threads(model);
    omp_set_num_threads(threads);
    stroma_sim *sim = calloc(1, sizeof *sim);
    if (!sim) {
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
        return NULL;
    }
    sim->model = model;
    sim->rng.seed = model->seed;
    sim->dt_min = model->dt_diffusion_min;
    sim->end_step = stroma_model_end_step(model);
    if (sim->end_step < 0) { /* the loader and stroma_model_set_end refuse such an end */
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "end time %g min is more than %.0f steps of %g min", model->end_min,
                         STROMA_MAX_STEPS, model->dt_diffusion_min);
        stroma_sim_destroy(&sim);
        return NULL;
    }
    sim->transport = stroma_transport_create(model, solver, err);
    if (!sim->transport || stroma_sim_place_sources(sim, err) != STROMA_OK) {
        stroma_sim_destroy(&sim);
        return NULL;
    }
    if (model->secretion_after && stroma_transport_reacts(sim->transport)) {
        /* PhysiCell's order is a separate source step after the solve: a solver with the sources inside its
         * operator has none */
        const stroma_srcloc *l = &model->secretion_order_loc;
        stroma_error_set(err, STROMA_ERR_ARGUMENT,
                         "%s:%d:%d: secretion_order after_diffusion needs the lod solver (the %s solver takes the cells' "
                         "sources inside its implicit operator: there is no separate source step to put after the "
                         "solve); use transport.solver lod (or --solver lod) or remove the key",
                         model->path, l->line, l->column, sim->transport->ops->name);
        stroma_sim_destroy(&sim);
        return NULL;
    }
    /* Steps of dt_diffusion per mechanics step, and per phenotype step (the loader checked that they divide). A
     * step longer than the run is `never` (end_step + 1), however long: no overflow in the conversion or the
     * product. */
    int64_t never = sim->end_step + 1;
    sim->mech_every = stroma_model_steps(model->dt_mechanics_min, model->dt_diffusion_min, never);
    int64_t per = stroma_model_steps(model->dt_phenotype_min, model->dt_mechanics_min, never);
    sim->phen_every = sim->mech_every > never / per ? never : sim->mech_every * per;
    sim->threads = threads;
    stroma_team_init(&sim->team, threads, sim->mech_every);
    if (model->ntypes > 0) {
        stroma_mech_domain dom = {{model->lo_um[0], model->lo_um[1], model->lo_um[2]},
                                  {model->hi_um[0], model->hi_um[1], model->hi_um[2]},
                                  model->dim};
        if (stroma_cell_engine_init(&sim->cells, model->cell_types, model->ntypes, model->nsub, &dom, sim->rng,
                                    err) != STROMA_OK) {
            stroma_sim_destroy(&sim);
            return NULL;
        }
        sim->has_cells = 1;
        sim->cells.dead_uptake_fraction = model->dead_uptake_fraction;
        sim->cells.contact_law = model->contact_law;
        int per_cell = 0;
        for (int g = 0; g < model->ninitial; g++) per_cell |= model->initial_cells[g].ncols > 0;
        for (int k = 0; k < model->therapies.ndrugs; k++) per_cell |= model->therapies.drugs[k].inhibit.behaviour >= 0;
        if (model->nrules > 0 || model->nstate > 0 || per_cell) {
            if (stroma_rules_init(&sim->rules, model, err) != STROMA_OK) {
                stroma_sim_destroy(&sim);
                return NULL;
            }
            sim->has_rules = 1;
            if (stroma_cell_engine_set_rules(&sim->cells, &sim->rules, err) != STROMA_OK) {
                stroma_sim_destroy(&sim);
                return NULL;
            }
        }
        if (stroma_sim_place_cells(sim, err) != STROMA_OK) {
            stroma_sim_destroy(&sim);
            return NULL;
        }
    }
    if (body_create(sim, err) != STROMA_OK || vesicles_create(sim, err) != STROMA_OK ||
        recruitment_create(sim, err) != STROMA_OK || therapy_create(sim, err) != STROMA_OK) {
        stroma_sim_destroy(&sim);
        return NULL;
    }
    if (stroma_state_register(&sim->state, "clock", 1, sim, clock_save, clock_load, err) != STROMA_OK ||
        stroma_state_register(&sim->state, "transport", 1, sim->transport, transport_save, transport_load, err) !=
            STROMA_OK ||
        (sim->has_cells &&
         stroma_state_register(&sim->state, "cells", 1, sim, cells_save, cells_load, err) != STROMA_OK) ||
        (sim->has_vessels && stroma_state_register(&sim->state, "vessels", 1, sim, vessels_save, vessels_load,
                                                   err) != STROMA_OK) ||
        (sim->has_body &&
         stroma_state_register(&sim->state, "plasma", 1, &sim->plasma, stroma_plasma_save, stroma_plasma_load, err) !=
             STROMA_OK) ||
        (sim->has_ecm &&
         stroma_state_register(&sim->state, "ecm", 1, sim, ecm_save, ecm_load, err) != STROMA_OK) ||
        (sim->has_vesicles && stroma_state_register(&sim->state, "vesicles", 1, &sim->vesicles, stroma_vesicles_save,
                                                    stroma_vesicles_load, err) != STROMA_OK) ||
        (sim->has_recruitment &&
         stroma_state_register(&sim->state, "recruitment", 1, &sim->recruitment, stroma_recruitment_save,
                               stroma_recruitment_load, err) != STROMA_OK) ||
        (sim->has_therapy && stroma_state_register(&sim->state, "therapy", 1, &sim->therapy, stroma_therapy_save,
                                                   stroma_therapy_load, err) != STROMA_OK)) {
        stroma_sim_destroy(&sim);
        return NULL;
    }
    return sim;
}

void stroma_sim_destroy(stroma_sim **simp) {
    if (!simp || !*simp) return;
    stroma_sim *sim = *simp;
    stroma_transport_destroy(&sim->transport);
    if (sim->has_cells) stroma_cell_engine_free(&sim->cells);
    if (sim->has_rules) stroma_rules_free(&sim->rules);
    if (sim->has_vessels) stroma_vessels_free(&sim->vessels);
    if (sim->has_body) stroma_plasma_free(&sim->plasma);
    if (sim->has_exchange) stroma_exchange_free(&sim->exchange);
    if (sim->has_ecm) stroma_ecm_free(&sim->ecm);
    if (sim->has_vesicles) stroma_vesicles_free(&sim->vesicles);
    if (sim->has_recruitment) stroma_recruitment_free(&sim->recruitment);
    if (sim->has_therapy) stroma_therapy_free(&sim->therapy);
    free(sim->points);
    free(sim->src_secretion);
    free(sim->src_saturation);
    free(sim->src_uptake);
    free(sim->src_export);
    free(sim->src_rx_voxel);
    free(sim->src_rx_rate);
    free(sim->src_rx_source);
    free(sim);
    *simp = NULL;
}

static stroma_code sim_advance(stroma_sim *sim, stroma_error *err);

/* Cells lay down or prune vessel in their voxel, in index order (serial: several cells may share a voxel). */
static void cells_act_on_vessels(stroma_sim *sim, double dt_min) {
    const stroma_cells *c = &sim->cells.cells;
    const stroma_mesh *mesh = &sim->transport->mesh;
    size_t nb = (size_t)c->nbeh;
    for (size_t i = 0; i < c->n; i++) {
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        double dep = sim->vessel_dep_slot >= 0 ? c->beh[i * nb + (size_t)sim->vessel_dep_slot] : 0;
        double pr = sim->vessel_prune_slot >= 0 ? c->beh[i * nb + (size_t)sim->vessel_prune_slot] : 0;
        if (!(dep > 0) && !(pr > 0)) continue;
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        stroma_vessels_cell_act(&sim->vessels, stroma_mesh_voxel_of(mesh, p), c->volume_um3[i], dep, pr, dt_min);
    }
    stroma_vessels_relist(&sim->vessels);
}

/* One matrix update over dt_min: the cells deposit and degrade, in index order (their rule-set values, or their
 * type's deposition rate when no rule sets it), then the protease degrades it everywhere, then the transport's
 * coefficients follow. */
static stroma_code ecm_update(stroma_sim *sim, double dt_min, stroma_error *err) {
    const stroma_model *m = sim->model;
    if (sim->has_cells) {
        const stroma_cells *c = &sim->cells.cells;
        const stroma_mesh *mesh = &sim->transport->mesh;
        size_t nb = (size_t)c->nbeh;
        for (size_t i = 0; i < c->n; i++) {
            if (c->state[i] != STROMA_CELL_LIVE) continue;
            double dep = sim->ecm_dep_slot >= 0 ? c->beh[i * nb + (size_t)sim->ecm_dep_slot] : m->ecm.deposition[c->type[i]];
            double deg = sim->ecm_deg_slot >= 0 ? c->beh[i * nb + (size_t)sim->ecm_deg_slot] : 0.0;
            if (!(dep > 0) && !(deg > 0)) continue;
            double p[3] = {c->x[i], c->y[i], c->z[i]};
            stroma_ecm_cell_act(&sim->ecm, stroma_mesh_voxel_of(mesh, p), c->volume_um3[i], dep, deg, dt_min);
        }
    }
    stroma_ecm_degrade(&sim->ecm, sim->transport, dt_min);
    return ecm_hinder(sim, err);
}

/* Mean pressure of the live cells of each voxel (the rules' `pressure` scale), averaged over its neighbourhood
 * (stroma_vessels_compression), for pressure regression. */
static void vessel_pressure(stroma_sim *sim) {
    double *pv = sim->vessels.pressure;
    const stroma_mesh *mesh = &sim->transport->mesh;
    memset(pv, 0, mesh->nvox * sizeof *pv);
    if (!sim->has_cells) return;
    const stroma_cells *c = &sim->cells.cells;
    /* sums into pv, counts into next (scratch of the remodelling, overwritten by it) */
    double *cnt = sim->vessels.next;
    memset(cnt, 0, mesh->nvox * sizeof *cnt);
    for (size_t i = 0; i < c->n; i++) {
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        size_t v = stroma_mesh_voxel_of(mesh, p);
        pv[v] += stroma_cell_engine_pressure_signal(c->pressure[i]);
        cnt[v] += 1;
    }
    for (size_t v = 0; v < mesh->nvox; v++)
        if (cnt[v] > 0) pv[v] /= cnt[v];
    stroma_vessels_compression(&sim->vessels);
}

/* One step with the number of threads the team picks for it (sim/team.h); a phenotype step counts towards the
 * team's window but is not timed (it comes once per window or less). */
stroma_code stroma_sim_step(stroma_sim *sim, stroma_error *err) {
    stroma_team_begin(&sim->team);
    stroma_code rc = sim_advance(sim, err);
    stroma_team_end(&sim->team, !sim->has_cells || sim->step % sim->phen_every != 0);
    return rc;
}

static stroma_code sim_advance(stroma_sim *sim, stroma_error *err) {
    int nsub = sim->model->nsub;
    stroma_code rc;
    const int reacts = stroma_transport_reacts(sim->transport);
    /* Sources in placement order (serial: several may share a voxel; order fixes the result). */
    for (size_t p = 0; !reacts && p < sim->npoints; p++) {
        const stroma_source_point *pt = &sim->points[p];
        size_t o = (size_t)pt->desc * (size_t)nsub;
        stroma_transport_apply_source(sim->transport, pt->voxel, sim->model->sources[pt->desc].volume_um3,
                                      sim->src_secretion + o, sim->src_saturation + o, sim->src_uptake + o,
                                      sim->src_export + o, NULL);
    }
    /* exchange with blood across the vessel walls, and lymphatic drainage (with adi the walls' exchange goes
     * into the solve's operator below; drainage stays a step of its own) */
    const stroma_vessels *walls = sim->has_vessels ? &sim->vessels : NULL;
    if (sim->has_exchange &&
        stroma_exchange_step(&sim->exchange, sim->model, reacts ? NULL : walls, sim->has_body ? &sim->plasma : NULL,
                             sim->transport, sim->dt_min) != 0)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory exchanging with blood");
    /* the cells' secretion runs inside the diffusion step, voxel range by voxel range: as maps before the solve
     * (lod), or as reactions inside its operator (adi; the points' list first, then the cells') */
    stroma_prestep secretion = {.apply = stroma_cell_engine_secrete_range, .ctx = &sim->cells};
    int secrete = 0;
    if (reacts) {
        stroma_reaction rx[3];
        int nrx = 0;
        if (sim->src_rx.n > 0) rx[nrx++] = sim->src_rx;
        if (sim->has_exchange && walls) {
            if (stroma_exchange_rates(&sim->exchange, sim->model, walls, sim->has_body ? &sim->plasma : NULL,
                                      sim->transport, &rx[nrx]) != 0)
                return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory exchanging with blood");
            nrx += rx[nrx].n > 0;
        }
        if (sim->has_cells) {
            if (!stroma_cell_engine_rates(&sim->cells, sim->transport, &rx[nrx]))
                return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory ordering cells by voxel");
            nrx += rx[nrx].n > 0;
        }
        if (stroma_transport_step_react(sim->transport, rx, nrx) != 0)
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the diffusion step's reactions");
        if (sim->has_exchange && walls)
            stroma_exchange_settle(&sim->exchange, walls, sim->has_body ? &sim->plasma : NULL, sim->transport,
                                   sim->dt_min);
    } else {
        secrete = sim->has_cells && stroma_cell_engine_secrete_prepare(&sim->cells, sim->transport);
    }
    if (reacts) {
        /* stepped above */
    } else if (sim->model->secretion_after) {
        /* PhysiCell/BioFVM's order (`secretion_order: after_diffusion`): the solve, then the cells' sources */
        stroma_transport_step_with(sim->transport, NULL);
        if (secrete) stroma_cell_engine_secrete(&sim->cells, sim->transport);
    } else {
        stroma_transport_step_with(sim->transport, secrete ? &secretion : NULL);
    }
    /* drugs: the binding sinks on the solved fields, then the plasma models over the step (the next step's blood
     * values) */
    if (sim->has_therapy) {
        stroma_therapy_neutralise(&sim->therapy, sim->transport, sim->dt_min);
        stroma_therapy_advance(&sim->therapy, sim->dt_min);
    }
    sim->step++;
    if (sim->has_body) {
        if (stroma_exchange_account(&sim->exchange, &sim->plasma, sim->transport, 0) != 0)
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the plasma ledger");
        if (sim->step % sim->body_every == 0 || sim->step == sim->end_step) {
            /* the last interval may be shorter than body.dt */
            int64_t since = sim->step % sim->body_every ? sim->step % sim->body_every : sim->body_every;
            stroma_plasma_update(&sim->plasma, (double)since * sim->dt_min);
        }
    }
    if (sim->has_vesicles && stroma_vesicles_account(&sim->vesicles, sim->transport, 0) != 0)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the vesicles' ledger");
    if (sim->has_cells) {
        if (sim->step % sim->mech_every == 0 &&
            (rc = stroma_cell_engine_mechanics(&sim->cells, sim->transport, (double)sim->mech_every * sim->dt_min, err)) !=
                STROMA_OK)
            return rc;
        if (sim->has_therapy && sim->step % sim->phen_every == 0)
            stroma_therapy_radiation_window(&sim->therapy, stroma_sim_time(sim) - (double)sim->phen_every * sim->dt_min,
                                            stroma_sim_time(sim));
        if (sim->step % sim->phen_every == 0 &&
            (rc = stroma_cell_engine_phenotype(&sim->cells, sim->transport,
                                               (double)sim->phen_every * sim->dt_min, stroma_sim_time(sim), err)) !=
                STROMA_OK)
            return rc;
        if (sim->step % sim->phen_every == 0 && (sim->vessel_dep_slot >= 0 || sim->vessel_prune_slot >= 0))
            cells_act_on_vessels(sim, (double)sim->phen_every * sim->dt_min);
        /* vesicles: uptake with cargo and release, serially in cell order */
        if (sim->step % sim->phen_every == 0 && sim->has_vesicles)
            stroma_vesicles_cells_act(&sim->vesicles, &sim->cells, sim->transport,
                                      (double)sim->phen_every * sim->dt_min);
        /* infused cells (therapies.infusions) enter at the vessels, after the phenotype step's births and deaths */
        if (sim->step % sim->phen_every == 0 && sim->has_therapy && sim->has_vessels &&
            sim->model->therapies.ninfusions > 0 &&
            (rc = stroma_therapy_infuse(&sim->therapy, &sim->cells, &sim->vessels, sim->transport,
                                        stroma_sim_time(sim) - (double)sim->phen_every * sim->dt_min,
                                        stroma_sim_time(sim), err)) != STROMA_OK)
            return rc;
        /* recruitment from the blood: new cells at the vessels, after the phenotype step's births and deaths */
        if (sim->step % sim->phen_every == 0 && sim->has_recruitment &&
            (rc = stroma_recruitment_step(&sim->recruitment, &sim->cells, &sim->vessels, sim->transport,
                                          sim->step / sim->phen_every, (double)sim->phen_every * sim->dt_min,
                                          stroma_sim_time(sim), err)) != STROMA_OK)
            return rc;
    }
    if (sim->has_ecm && sim->step % sim->ecm_every == 0 &&
        (rc = ecm_update(sim, (double)sim->ecm_every * sim->dt_min, err)) != STROMA_OK)
        return rc;
    if (sim->has_vessels && sim->step % sim->vessel_every == 0) {
        if (sim->vessels.pressure) vessel_pressure(sim);
        stroma_vessels_remodel(&sim->vessels, sim->transport, (double)sim->vessel_every * sim->dt_min);
        if (sim->has_cells) sim->cells.vessel_density = sim->vessels.rho;
    }
    return STROMA_OK;
}

double stroma_sim_time(const stroma_sim *sim) { return (double)sim->step * sim->dt_min; }
double stroma_sim_end_time(const stroma_sim *sim) { return (double)sim->end_step * sim->dt_min; }

int stroma_sim_substrate_count(const stroma_sim *sim) { return sim->model->nsub; }
const char *stroma_sim_substrate_name(const stroma_sim *sim, int s) { return sim->model->substrates[s].name; }
int stroma_sim_substrate_index(const stroma_sim *sim, const char *name) {
    return stroma_model_substrate_index(sim->model, name);
}

stroma_field_stats stroma_sim_substrate_stats(const stroma_sim *sim, int s) {
    stroma_field_stats st;
    stroma_transport_stats(sim->transport, s, &st.mean, &st.min, &st.max, &st.total);
    return st;
}

int stroma_sim_cell_type_count(const stroma_sim *sim) { return sim->model->ntypes; }
const char *stroma_sim_cell_type_name(const stroma_sim *sim, int type) { return sim->model->cell_types[type].name; }

int64_t stroma_sim_live_cells(const stroma_sim *sim, int type) {
    if (!sim->has_cells) return 0;
    int64_t n = 0;
    const stroma_cells *c = &sim->cells.cells;
    for (size_t i = 0; i < c->n; i++) n += c->state[i] == STROMA_CELL_LIVE && c->type[i] == type;
    return n;
}

int64_t stroma_sim_dead_cells(const stroma_sim *sim) {
    if (!sim->has_cells) return 0;
    int64_t n = 0;
    const stroma_cells *c = &sim->cells.cells;
    for (size_t i = 0; i < c->n; i++) n += c->state[i] != STROMA_CELL_LIVE;
    return n;
}

stroma_vessel_summary stroma_sim_vessels(const stroma_sim *sim) {
    stroma_vessel_summary out = {0};
    if (!sim->has_vessels) return out;
    stroma_vessel_stats st = stroma_vessels_stats(&sim->vessels);
    out.present = 1;
    out.mean_density = st.mean_density;
    out.max_density = st.max_density;
    out.vascular_fraction = st.vascular_fraction;
    out.vascular_threshold = STROMA_VESSEL_VASCULAR_FRACTION * sim->model->vessels.max_density;
    out.volume_um3 = st.volume_um3;
    out.surface_um2 = st.surface_um2;
    out.grown_um3 = sim->vessels.grown;
    out.regressed_um3 = sim->vessels.regressed;
    out.deposited_um3 = sim->vessels.deposited;
    out.pruned_um3 = sim->vessels.pruned;
    return out;
}

const double *stroma_sim_vessel_density(const stroma_sim *sim) { return sim->has_vessels ? sim->vessels.rho : NULL; }

stroma_ecm_summary stroma_sim_ecm(const stroma_sim *sim) {
    stroma_ecm_summary out = {0};
    if (!sim->has_ecm) return out;
    stroma_ecm_stats st = stroma_ecm_stats_of(&sim->ecm);
    out.present = 1;
    out.mean = st.mean;
    out.max = st.max;
    out.total = st.total;
    out.deposited = sim->ecm.deposited;
    out.degraded = sim->ecm.degraded;
    return out;
}

const double *stroma_sim_ecm_density(const stroma_sim *sim) { return sim->has_ecm ? sim->ecm.E : NULL; }

int stroma_sim_plasma_count(const stroma_sim *sim) { return sim->has_body ? sim->plasma.n : 0; }

stroma_plasma_summary stroma_sim_plasma(const stroma_sim *sim, int k) {
    const stroma_systemic_desc *d = &sim->model->body.systemic[k];
    const stroma_plasma_ledger *l = &sim->plasma.ledger[k];
    double V = sim->model->body.plasma_volume_ml;
    return (stroma_plasma_summary){.name = sim->model->substrates[d->substrate].name,
                                   .unit = d->unit,
                                   .value = sim->plasma.value[k],
                                   .baseline = d->baseline,
                                   .exchanged = l->exchanged,
                                   .drained = l->drained,
                                   .decayed = l->decayed,
                                   .tissue0 = l->tissue0,
                                   .tissue = l->tissue,
                                   .plasma0 = l->plasma0,
                                   .plasma = V * sim->plasma.value[k],
                                   .produced = l->produced,
                                   .received = l->received,
                                   .cleared = l->cleared};
}

int stroma_sim_drug_count(const stroma_sim *sim) { return sim->has_therapy ? sim->therapy.n : 0; }

stroma_drug_summary stroma_sim_drug(const stroma_sim *sim, int k) {
    const stroma_drug_state *x = &sim->therapy.drug[k];
    const stroma_pk_state *pk = &x->pk;
    int s = x->d->substrate;
    stroma_drug_summary out = {.name = x->d->name,
                               .substrate = s >= 0 ? sim->model->substrates[s].name : NULL,
                               .plasma = stroma_pk_state_central(pk),
                               .peripheral = stroma_pk_state_peripheral(pk),
                               .tissue_mean = s >= 0 ? stroma_sim_substrate_stats(sim, s).mean : NAN,
                               .auc = pk->auc_mg_min_per_l,
                               .cmax = x->cmax_mg_per_l,
                               .tmax_min = x->tmax_min,
                               .dosed_mg = pk->dosed_mg,
                               .cleared_mg = pk->cleared_mg,
                               .in_body_mg = pk->amount_mg[0] + pk->amount_mg[1] + pk->amount_mg[2],
                               .doses_given = pk->next,
                               .doses = x->sched->n,
                               .neutralised = x->neutralised};
    return out;
}

int stroma_sim_recruitment_count(const stroma_sim *sim) { return sim->has_recruitment ? sim->recruitment.n : 0; }

stroma_recruit_summary stroma_sim_recruitment(const stroma_sim *sim, int k) {
    const stroma_recruitment *r = &sim->recruitment;
    return (stroma_recruit_summary){.name = sim->model->cell_types[r->d->entries[k].type].name,
                                    .recruited = r->recruited[k],
                                    .expected = r->expected[k],
                                    .scale = r->scale[k]};
}

int stroma_sim_vesicle_count(const stroma_sim *sim) { return sim->has_vesicles ? sim->vesicles.n : 0; }

stroma_vesicle_summary stroma_sim_vesicles(const stroma_sim *sim, int k) {
    const stroma_model *m = sim->model;
    const stroma_vesicle_class_desc *d = &m->vesicles.classes[k];
    const stroma_vesicle_ledger *l = &sim->vesicles.ledger[k];
    stroma_vesicle_summary out = {.name = d->name,
                                  .released = l->released,
                                  .taken_up = l->taken_up,
                                  .decayed = l->decayed,
                                  .tissue0 = l->tissue0,
                                  .tissue = stroma_vesicles_total((stroma_vesicles *)&sim->vesicles, sim->transport, k),
                                  .plasma = NAN};
    /* a systemic class: what crossed to blood, from the plasma ledger (tissue unit x µm³ -> vesicles) */
    for (int j = 0; sim->has_body && j < sim->plasma.n; j++)
        if (m->body.systemic[j].substrate == d->substrate) {
            out.systemic = 1;
            out.exchanged = sim->plasma.ledger[j].exchanged * 1e-12;
            out.drained = sim->plasma.ledger[j].drained * 1e-12;
            out.plasma = sim->plasma.value[j];
        }
    return out;
}

/* "at t = 6 min (step 60; finite at t = 0 min)" into buf. */
static void finite_when(const stroma_sim *sim, double finite_at_min, char *buf, size_t cap) {
    if (finite_at_min >= 0)
        snprintf(buf, cap, "at t = %g min (step %lld; all finite at t = %g min)", stroma_sim_time(sim),
                 (long long)sim->step, finite_at_min);
    else
        snprintf(buf, cap, "at t = %g min (step %lld)", stroma_sim_time(sim), (long long)sim->step);
}

static const char *nonfinite_name(double v) { return isnan(v) ? "NaN" : v > 0 ? "+inf" : "-inf"; }

static const char finite_hint[] =
    "; a value of the model too large for its scale (a diffusion coefficient, boundary value, rate or volume) "
    "usually drives the numbers there";

stroma_code stroma_sim_check_finite(const stroma_sim *sim, double finite_at_min, stroma_error *err) {
    const stroma_transport *t = sim->transport;
    const stroma_mesh *mesh = &t->mesh;
    const stroma_model *m = sim->model;
    int nsub = t->nsub;
    char when[160];
    /* fields: one pass summing each substrate (a non-finite value, or a total that overflows, makes the sum
     * non-finite); the slow search for the first bad voxel runs only when one is */
    double few[16], *sums = nsub <= 16 ? few : calloc((size_t)nsub, sizeof *sums);
    if (!sums) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory checking the fields");
    for (int s = 0; s < nsub; s++) sums[s] = 0;
    for (size_t v = 0; v < mesh->nvox; v++) {
        const double *cv = t->c + v * (size_t)nsub;
        for (int s = 0; s < nsub; s++) sums[s] += cv[s];
    }
    int s = 0;
    while (s < nsub && isfinite(sums[s] * mesh->voxel_volume_um3)) s++;
    if (sums != few) free(sums);
    if (s < nsub) {
        size_t first = mesh->nvox, bad = 0;
        double worst = 0, big = 0;
        for (size_t v = 0; v < mesh->nvox; v++) {
            double c = t->c[v * (size_t)nsub + (size_t)s];
            if (isfinite(c)) {
                if (fabs(c) > big) big = fabs(c);
                continue;
            }
            if (bad++ == 0) {
                first = v;
                worst = c;
            }
        }
        finite_when(sim, finite_at_min, when, sizeof when);
        const stroma_substrate_desc *d = &m->substrates[s];
        if (bad == 0)
            return stroma_error_set(err, STROMA_ERR_NOT_FINITE,
                                    "substrate %s: its total over the domain (the sum of value x voxel volume, %g "
                                    "µm³) is no longer a finite number %s: values reach %g%s%s and the total "
                                    "overflows%s",
                                    d->name, mesh->voxel_volume_um3, when, big, d->unit[0] ? " " : "", d->unit,
                                    finite_hint);
        int i = (int)(first % (size_t)mesh->nx), j = (int)(first / (size_t)mesh->nx % (size_t)mesh->ny);
        int k = (int)(first / ((size_t)mesh->nx * (size_t)mesh->ny));
        return stroma_error_set(err, STROMA_ERR_NOT_FINITE,
                                "substrate %s is no longer a finite number %s: voxel (%d, %d, %d) centred at (%g, "
                                "%g, %g) µm holds %s (%zu of %zu voxels are not finite)%s",
                                d->name, when, i, j, k, mesh->lo_um[0] + (i + 0.5) * mesh->dx_um,
                                mesh->lo_um[1] + (j + 0.5) * mesh->dx_um, mesh->lo_um[2] + (k + 0.5) * mesh->dx_um,
                                nonfinite_name(worst), bad, mesh->nvox, finite_hint);
    }
    for (int k = 0; sim->has_body && k < sim->plasma.n; k++)
        if (!isfinite(sim->plasma.value[k])) {
            finite_when(sim, finite_at_min, when, sizeof when);
            return stroma_error_set(err, STROMA_ERR_NOT_FINITE,
                                    "the plasma value of %s is no longer a finite number %s (%s)%s",
                                    m->substrates[m->body.systemic[k].substrate].name, when,
                                    nonfinite_name(sim->plasma.value[k]), finite_hint);
        }
    if (!sim->has_cells) return STROMA_OK;
    const stroma_cells *c = &sim->cells.cells;
    size_t bad = 0, first = 0;
    const char *what = NULL;
    double value = 0;
    for (size_t i = 0; i < c->n; i++) {
        const double q[7] = {c->x[i], c->y[i], c->z[i], c->radius_um[i], c->volume_um3[i], c->pressure[i], c->damage[i]};
        static const char *const names[7] = {"x", "y", "z", "radius", "volume", "pressure", "damage"};
        const char *w = NULL;
        double val = 0;
        for (int a = 0; a < 7 && !w; a++)
            if (!isfinite(q[a])) {
                w = names[a];
                val = q[a];
            }
        for (int v = 0; v < c->nstate && !w; v++) {
            double sv = c->svar[i * (size_t)c->nstate + (size_t)v];
            if (!isfinite(sv)) {
                w = m->state_vars[v].name;
                val = sv;
            }
        }
        if (!w) continue;
        if (bad++ == 0) {
            first = i;
            what = w;
            value = val;
        }
    }
    if (bad == 0) return STROMA_OK;
    finite_when(sim, finite_at_min, when, sizeof when);
    return stroma_error_set(err, STROMA_ERR_NOT_FINITE,
                            "cell %lld (type %s) is no longer made of finite numbers %s: its %s is %s (%zu of %zu "
                            "cells are not finite)%s",
                            (long long)c->id[first], m->cell_types[c->type[first]].name, when, what,
                            nonfinite_name(value), bad, c->n, finite_hint);
}
