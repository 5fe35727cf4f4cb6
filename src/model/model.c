/* Operations on a loaded model: destroy, describe, CLI overrides, memory estimate and name lookup.
 * The loader that creates models is load.c. */
#include "model/model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/rules_tables.h"
#include "util/error_impl.h"

void stroma_model_destroy(stroma_model **model) {
    if (!model || !*model) return;
    stroma_model *m = *model;
    for (int k = 0; k < m->ntypes; k++) {
        stroma_cell_type_desc *t = &m->cell_types[k];
        free(t->adhesion_affinity);
        free(t->secretion_per_min);
        free(t->saturation);
        free(t->uptake_per_min);
        free(t->export_per_min);
        free(t->chemotaxis_sensitivity);
        free(t->attack_per_min);
        free(t->phagocytose_per_min);
        free(t->contact_transform_per_min);
        free(t->transform_per_min);
        free(t->asym_division);
    }
    for (int g = 0; g < m->ninitial; g++) {
        free(m->initial_cells[g].csv_pos_um);
        free(m->initial_cells[g].csv_type);
        free(m->initial_cells[g].col_behaviour);
        free(m->initial_cells[g].csv_values);
    }
    for (int v = 0; v < m->nstate; v++) {
        free(m->state_vars[v].initial);
        free(m->state_vars[v].production);
        free(m->state_vars[v].decay);
    }
    free(m->state_vars);
    free(m->vessels.segments);
    free(m->vessels.points_um);
    free(m->vessels.points_density);
    free(m->vessels.permeability_um_per_min);
    free(m->body.systemic);
    free(m->ecm.regions);
    free(m->ecm.deposition);
    free(m->ecm.migration);
    free(m->ecm.hindrance);
    for (int k = 0; k < m->vesicles.nclasses; k++) {
        free(m->vesicles.classes[k].cargo);
        free(m->vesicles.classes[k].release);
        free(m->vesicles.classes[k].uptake_rate);
        free(m->vesicles.classes[k].uptake_half_max);
    }
    free(m->vesicles.classes);
    free(m->recruitment.entries);
    for (int k = 0; k < m->therapies.ndrugs; k++) {
        free(m->therapies.drugs[k].regimens);
        free(m->therapies.drugs[k].cytotoxic.weight);
    }
    free(m->therapies.drugs);
    free(m->therapies.infusions);
    free(m->therapies.radiotherapy.alpha);
    free(m->therapies.radiotherapy.beta);
    for (int k = 0; k < m->readout.nmarkers; k++) {
        free(m->readout.markers[k].types);
        free(m->readout.markers[k].cond);
    }
    free(m->readout.markers);
    for (int k = 0; k < m->readout.npopulations; k++) free(m->readout.populations[k].types);
    free(m->readout.populations);
    free(m->readout.tissue.tumour);
    free(m->readout.tissue.cd8);
    for (int k = 0; k < STROMA_INDEX_COUNT; k++) free(m->readout.index[k].terms);
    free(m->warnings);
    free(m->overrides);
    stroma_rule_tables_free(&m->rule_tables);
    free(m->rules);
    free(m->cell_types);
    free(m->initial_cells);
    free(m->substrates);
    free(m->fixed);
    free(m->sources);
    free(m);
    *model = NULL;
}

void stroma_model_set_seed(stroma_model *model, uint64_t seed) {
    if (model) model->seed = seed;
}

int64_t stroma_model_steps(double interval_min, double dt_min, int64_t cap) {
    if (cap < 1) cap = 1;
    double k = interval_min / dt_min;
    if (!(k < (double)cap)) return isnan(k) ? 1 : cap; /* also +inf and what llround cannot hold */
    int64_t n = (int64_t)llround(k);
    return n < 1 ? 1 : n > cap ? cap : n;
}

int64_t stroma_model_end_step(const stroma_model *model) {
    double k = model->end_min / model->dt_diffusion_min;
    if (!(k <= STROMA_MAX_STEPS)) return -1;
    return stroma_model_steps(model->end_min, model->dt_diffusion_min, (int64_t)STROMA_MAX_STEPS);
}

stroma_code stroma_model_set_end(stroma_model *model, double end_min, stroma_error *err) {
    if (!model) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_model_set_end: no model");
    if (!(end_min > 0) || !isfinite(end_min))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "end time must be a finite number > 0 min (got %g)",
                                end_min);
    if (!(end_min / model->dt_diffusion_min <= STROMA_MAX_STEPS))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "end time %g min is more than 2^53 (%.0f) steps of time.dt_diffusion %g min, the "
                                "most a run can count",
                                end_min, STROMA_MAX_STEPS, model->dt_diffusion_min);
    model->end_min = end_min;
    if (model->output_every_is_end) model->output_every_min = end_min;
    return STROMA_OK;
}

int stroma_model_substrate_index(const stroma_model *model, const char *name) {
    if (!model || !name) return -1;
    for (int s = 0; s < model->nsub; s++)
        if (strcmp(model->substrates[s].name, name) == 0) return s;
    return -1;
}

/* The formula of model.h, plus cells: STROMA_MODEL_CELL_BYTES per initial cell, times
 * STROMA_MODEL_CELL_HEADROOM for the population to grow (the cell engine's state and neighbour grid). */
#define STROMA_MODEL_CELL_BYTES 512.0
#define STROMA_MODEL_CELL_HEADROOM 4.0

double stroma_model_memory_estimate(const stroma_model *model) {
    return stroma_model_memory_estimate_solver(model, NULL);
}

double stroma_model_memory_estimate_solver(const stroma_model *model, const char *solver) {
    if (!model) return 0.0;
    if (!solver) solver = model->solver;
    double cells = 0.0;
    for (int g = 0; g < model->ninitial; g++) cells += model->initial_cells[g].count;
    double nx = model->n[0], ny = model->n[1], nz = model->n[2], nsub = model->nsub;
    double plane = fmax(nx * ny, fmax(nx * nz, ny * nz));
    double field = nx * ny * nz * nsub * 8.0;
    double scratch = 2.0 * plane * nsub * 8.0 * STROMA_MEMORY_THREADS;
    double coefficients = 3.0 * (nx + ny + nz) * nsub * 8.0;
    double points = 0.0;
    for (int i = 0; i < model->nsources; i++) points += model->sources[i].count;
    /* vessels: density, update scratch, pressure and the list of vessel voxels, 8 bytes each per voxel; the
     * file's points 32 bytes each */
    double vessels = model->vessels.present ? nx * ny * nz * 32.0 + 32.0 * model->vessels.npoints : 0.0;
    /* recruitment: the cumulative weights of the vessel voxels, 8 bytes per voxel */
    if (model->recruitment.present) vessels += nx * ny * nz * 8.0;
    /* matrix: its field (8 per voxel) and scratch; with hindrance the solver's copy of it (8), face factors (24
     * per voxel and distinct sensitivity, at most one per substrate) and pivots (24 per voxel-substrate) */
    double ecm = 0.0;
    if (model->ecm.present) {
        int hindered = 0;
        for (int s = 0; model->ecm.hindrance && s < model->nsub; s++) hindered += model->ecm.hindrance[s] > 0;
        ecm = nx * ny * nz * (8.0 + (hindered ? 8.0 + 24.0 * hindered + 24.0 * nsub : 0.0));
    }
    /* boundary_convention voxel: the voxels of Dirichlet faces become fixed voxels (24 bytes each, counted as
     * 32 like the model's); biofvm: the list of them to reset (24 bytes each) and the solver's copy (16) */
    double face_fixed = 0.0;
    for (int s = 0; model->boundary_convention != STROMA_BOUNDARY_FACE && s < model->nsub; s++)
        for (int f = 0; f < STROMA_FACE_COUNT; f++)
            if (model->substrates[s].face_dirichlet[f] && model->n[f / 2] > 1)
                face_fixed += nx * ny * nz / (double)model->n[f / 2];
    if (model->boundary_convention == STROMA_BOUNDARY_BIOFVM) face_fixed *= 40.0 / 32.0;
    /* adi, adi-cn: copies of xy-planes (4 per thread, 2 shared), corrections (1 per thread, 2 in 3D), face factors
     * per value and axis with hindrance */
    double adi = 0.0;
    if (strncmp(solver, "adi", 3) == 0) {
        double xy = nx * ny * nsub * 8.0;
        adi = xy * (4.0 * STROMA_MEMORY_THREADS + 2.0 + STROMA_MEMORY_THREADS * (nz > 1 ? 2.0 : 1.0));
        if (model->ecm.present) adi += 3.0 * nx * ny * nz * nsub * 8.0;
    }
    return field + scratch + coefficients + vessels + ecm + adi + 32.0 * (model->nfixed + face_fixed) + 32.0 * points +
           STROMA_MODEL_CELL_BYTES * STROMA_MODEL_CELL_HEADROOM * cells;
}

double stroma_model_memory_available(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return 0.0;
    return (double)pages * (double)page;
}

/* Append-only text buffer that counts what it could not store. */
typedef struct model_text {
    char *buf;
    size_t cap, len;
} model_text;

static void model_put(model_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void model_put(model_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->cap ? t->cap - t->len : 0;
    int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n;
}

static const char *const model_face_names[STROMA_FACE_COUNT] = {"x_min", "x_max", "y_min", "y_max", "z_min", "z_max"};

/* "<count> <what>s in the <region>", e.g. "100 points in the disc centre (...) radius 50 µm". */
static void model_put_region(model_text *t, const stroma_region *r, int count, const char *what) {
    switch (r->kind) {
    case STROMA_REGION_POINT:
        model_put(t, "1 %s at (%g, %g, %g) µm", what, r->center_um[0], r->center_um[1], r->center_um[2]);
        break;
    case STROMA_REGION_DISC:
        model_put(t, "%d %ss in the disc centre (%g, %g, %g) radius %g µm", count, what, r->center_um[0],
                  r->center_um[1], r->center_um[2], r->radius_um);
        break;
    case STROMA_REGION_SPHERE:
        model_put(t, "%d %ss in the ball centre (%g, %g, %g) radius %g µm", count, what, r->center_um[0],
                  r->center_um[1], r->center_um[2], r->radius_um);
        break;
    case STROMA_REGION_ANNULUS:
        model_put(t, "%d %ss in the annulus centre (%g, %g, %g) radii %g to %g µm", count, what, r->center_um[0],
                  r->center_um[1], r->center_um[2], r->inner_radius_um, r->radius_um);
        break;
    case STROMA_REGION_BOX:
        model_put(t, "%d %ss in the box (%g, %g, %g) to (%g, %g, %g) µm", count, what, r->lo_um[0], r->lo_um[1],
                  r->lo_um[2], r->hi_um[0], r->hi_um[1], r->hi_um[2]);
        break;
    }
}

/* One line for a cell type: volume, cycle, death, motion, secretion (and interactions if any). */
static void model_put_cell_type(model_text *t, const stroma_model *m, int k) {
    const stroma_cell_type_desc *c = &m->cell_types[k];
    model_put(t, "  %s: volume %g µm³ (growth %g 1/min), cycle ", c->name, c->volume_um3, c->growth_per_min);
    switch (c->cycle) {
    case STROMA_CYCLE_NONE: model_put(t, "none"); break;
    case STROMA_CYCLE_EXPONENTIAL: model_put(t, "exponential mean %g min", c->cycle_mean_min); break;
    case STROMA_CYCLE_PHASES:
        model_put(t, "phases");
        for (int i = 0; i < c->nphases; i++)
            model_put(t, "%s%s%g", i ? "+" : " ", c->phase_exponential[i] ? "~" : "", c->phase_min[i]);
        model_put(t, " min");
        for (int i = 0; i < c->nphases; i++)
            if (c->phase_exponential[i]) {
                model_put(t, " (~: exponential, mean)");
                break;
            }
        break;
    }
    model_put(t, ", death: apoptosis %g 1/min (%s%g min)", c->apoptosis_per_min,
              c->apoptosis_exponential ? "mean " : "", c->apoptosis_duration_min);
    if (c->necrosis_substrate >= 0) {
        const stroma_substrate_desc *d = &m->substrates[c->necrosis_substrate];
        model_put(t, ", necrosis up to %g 1/min below %g%s%s %s (max at %g, %s%g min)", c->necrosis_max_per_min,
                  c->necrosis_threshold, d->unit[0] ? " " : "", d->unit, d->name, c->necrosis_critical,
                  c->necrosis_exponential ? "mean " : "", c->necrosis_duration_min);
    }
    model_put(t, ", speed %g µm/min (persistence %g min", c->speed_um_per_min, c->persistence_min);
    if (c->chemotaxis_substrate >= 0)
        model_put(t, ", chemotaxis %s %s bias %g", c->chemotaxis_direction > 0 ? "up" : "down",
                  m->substrates[c->chemotaxis_substrate].name, c->bias);
    if (c->chemotaxis_sensitivity) {
        model_put(t, ", chemotaxis along");
        int n = 0;
        for (int s = 0; s < m->nsub; s++)
            if (c->chemotaxis_sensitivity[s] != 0)
                model_put(t, "%s%g %s", n++ ? " + " : " ", c->chemotaxis_sensitivity[s], m->substrates[s].name);
        if (!n) model_put(t, " nothing");
        model_put(t, "%s bias %g", c->chemotaxis_normalize_each ? " (each normalised)" : "", c->bias);
    }
    model_put(t, ")");
    int any = 0;
    for (int s = 0; s < m->nsub; s++) {
        if (c->secretion_per_min[s] == 0 && c->uptake_per_min[s] == 0 && c->export_per_min[s] == 0) continue;
        model_put(t, "%s%s", any ? "; " : ", secretion: ", m->substrates[s].name);
        if (c->secretion_per_min[s] != 0)
            model_put(t, " secretes %g 1/min towards %g", c->secretion_per_min[s], c->saturation[s]);
        if (c->uptake_per_min[s] != 0) model_put(t, " uptake %g 1/min", c->uptake_per_min[s]);
        if (c->export_per_min[s] != 0) model_put(t, " export %g", c->export_per_min[s]);
        any = 1;
    }
    if (!any) model_put(t, ", secretion: none");
    int n = m->ntypes, contacts = 0, attacks = 0, eats = 0, turns = 0;
    for (int j = 0; j < n; j++) {
        attacks += c->attack_per_min[j] > 0;
        eats += c->phagocytose_per_min[j] > 0;
        turns += c->transform_per_min[j] > 0;
        for (int to = 0; to < n; to++) contacts += c->contact_transform_per_min[(size_t)j * (size_t)n + (size_t)to] > 0;
    }
    const char *sep = ", interactions: ";
    if (attacks) {
        model_put(t, "%sattacks %d type%s (kill %g 1/min", sep, attacks, attacks == 1 ? "" : "s", c->kill_per_min);
        if (c->attack_damage_per_min > 0) model_put(t, ", damage %g /min", c->attack_damage_per_min);
        model_put(t, ")");
        sep = ", ";
    }
    if (eats) {
        model_put(t, "%sengulfs %d type%s", sep, eats, eats == 1 ? "" : "s");
        sep = ", ";
    }
    if (c->phagocytose_apoptotic_per_min > 0 || c->phagocytose_necrotic_per_min > 0) {
        model_put(t, "%sengulfs apoptotic cells at %g, necrotic at %g 1/min", sep, c->phagocytose_apoptotic_per_min,
                  c->phagocytose_necrotic_per_min);
        sep = ", ";
    }
    if (contacts) {
        model_put(t, "%s%d contact transformation%s", sep, contacts, contacts == 1 ? "" : "s");
        sep = ", ";
    }
    if (turns) model_put(t, "%stransforms into %d type%s", sep, turns, turns == 1 ? "" : "s");
    if (c->damage_per_min > 0 || c->damage_repair_per_min > 0)
        model_put(t, ", damage: rate %g /min, repair %g 1/min", c->damage_per_min, c->damage_repair_per_min);
    model_put(t, "\n");
}

/* Two lines for the vessels (if any): seeding and exchange, then growth and regression. */
static void model_put_vessels(model_text *t, const stroma_model *m) {
    const stroma_vessels_desc *v = &m->vessels;
    if (!v->present) return;
    model_put(t, "vessels: capillary radius %g µm, max density %g; initial: uniform %g", v->capillary_radius_um,
              v->max_density, v->uniform_density);
    if (v->random_fraction > 0) model_put(t, ", %g at random in %g of voxels", v->random_density, v->random_fraction);
    model_put(t, ", %d segment%s, %d point%s from a file; exchange:", v->nsegments, v->nsegments == 1 ? "" : "s",
              v->npoints, v->npoints == 1 ? "" : "s");
    int any = 0;
    for (int s = 0; v->permeability_um_per_min && s < m->nsub; s++) {
        if (v->permeability_um_per_min[s] == 0) continue;
        model_put(t, "%s %s %g µm/min", any ? "," : "", m->substrates[s].name, v->permeability_um_per_min[s]);
        any = 1;
    }
    if (!any) model_put(t, " none");
    if (v->oxygen >= 0) {
        const stroma_substrate_desc *d = &m->substrates[v->oxygen];
        model_put(t, " (blood %s %g%s%s)", d->name, v->blood_oxygen, d->unit[0] ? " " : "", d->unit);
    }
    model_put(t, "\n  growth: ");
    if (v->angio_substrate >= 0)
        model_put(t, "%g 1/min by %s (half max %g, hill %g)", v->angio_rate_per_min,
                  m->substrates[v->angio_substrate].name, v->angio_half_max, v->angio_hill);
    else
        model_put(t, "none");
    model_put(t, ", regression %g 1/min (survival half max %g, hill %g), pressure %g 1/min (half max %g, hill %g), "
                 "every %g min\n",
              v->regress_rate_per_min, v->survival_half_max, v->survival_hill, v->pressure_rate_per_min,
              v->pressure_half_max, v->pressure_hill, v->every_min);
}

/* Two lines for the body (if any): the plasma compartment, then its systemic substrates. */
static void model_put_body(model_text *t, const stroma_model *m) {
    const stroma_body_desc *b = &m->body;
    if (!b->present) return;
    model_put(t, "body: plasma %g mL, tumour %g mL, dt %g min, %d systemic substrate%s\n", b->plasma_volume_ml,
              b->tumour_volume_ml, b->dt_min, b->nsystemic, b->nsystemic == 1 ? "" : "s");
    for (int k = 0; k < b->nsystemic; k++) {
        const stroma_systemic_desc *d = &b->systemic[k];
        model_put(t, "%s%s [%s] = %g x tissue value, half-life %g min, baseline %g, drainage %g 1/min", k ? "; " : "  ",
                  m->substrates[d->substrate].name, d->unit, d->conversion, d->half_life_min, d->baseline,
                  d->drainage_per_min);
    }
    if (b->nsystemic) model_put(t, "\n");
}

/* Two lines for the matrix (if any): its density and update, then what deposits it, whom it slows, what degrades it. */
static void model_put_ecm(model_text *t, const stroma_model *m) {
    const stroma_ecm_desc *e = &m->ecm;
    if (!e->present) return;
    model_put(t, "ecm: initial %g mg/mL, max %g mg/mL, %d region%s, every %g min\n  deposition:", e->initial,
              e->max_density, e->nregions, e->nregions == 1 ? "" : "s", e->every_min);
    int any = 0;
    for (int k = 0; e->deposition && k < m->ntypes; k++)
        if (e->deposition[k] > 0) {
            model_put(t, "%s %s %g mg/mL/min", any ? "," : "", m->cell_types[k].name, e->deposition[k]);
            any = 1;
        }
    if (!any) model_put(t, " none");
    model_put(t, "; slows migration of:");
    any = 0;
    for (int k = 0; e->migration && k < m->ntypes; k++)
        if (e->migration[k] > 0) {
            model_put(t, "%s %s (1 + %g E)", any ? "," : "", m->cell_types[k].name, e->migration[k]);
            any = 1;
        }
    if (!any) model_put(t, " none");
    model_put(t, "; hinders diffusion of:");
    any = 0;
    for (int s = 0; e->hindrance && s < m->nsub; s++)
        if (e->hindrance[s] > 0) {
            model_put(t, "%s %s (1 + %g E)", any ? "," : "", m->substrates[s].name, e->hindrance[s]);
            any = 1;
        }
    if (!any) model_put(t, " none");
    if (e->protease >= 0)
        model_put(t, "; degraded by %s (rate %g, half max %g mg/mL)", m->substrates[e->protease].name,
                  e->degradation_per_min, e->degradation_half);
    model_put(t, "\n");
}

/* The types marked in t[ntypes], comma-separated ("every type" when all are). */
static void model_put_types(model_text *t, const stroma_model *m, const unsigned char *types) {
    int all = 1, first = 1;
    for (int k = 0; k < m->ntypes; k++) all &= types[k] != 0;
    if (all) {
        model_put(t, "every type");
        return;
    }
    for (int k = 0; k < m->ntypes; k++)
        if (types[k]) {
            model_put(t, "%s%s", first ? "" : ", ", m->cell_types[k].name);
            first = 0;
        }
}

/* Markers, populations, the tissue section and the indices (if any): what each marker reads, in plain words. */
static void model_put_readout(model_text *t, const stroma_model *m) {
    const stroma_readout_desc *r = &m->readout;
    if (r->nmarkers > 0) model_put(t, "markers: %d (live cells positive when)\n", r->nmarkers);
    for (int k = 0; k < r->nmarkers; k++) {
        const stroma_marker_desc *d = &r->markers[k];
        model_put(t, "  %s: a cell of ", d->name);
        model_put_types(t, m, d->types);
        for (int c = 0; c < d->ncond; c++) {
            const stroma_marker_cond *cd = &d->cond[c];
            const char *name = cd->is_behaviour ? m->rule_tables.behaviours[cd->index].name
                                                : m->rule_tables.signals[cd->index].name;
            const char *unit = cd->is_behaviour ? m->rule_tables.behaviours[cd->index].unit
                                                : m->rule_tables.signals[cd->index].unit;
            model_put(t, "%s %s", c ? " and" : " with", name);
            if (cd->has_above) model_put(t, " > %g", cd->above);
            if (cd->has_above && cd->has_below) model_put(t, " and");
            if (cd->has_below) model_put(t, " < %g", cd->below);
            if (unit[0]) model_put(t, " %s", unit);
        }
        model_put(t, "\n");
    }
    for (int k = 0; k < r->npopulations; k++) {
        model_put(t, "population %s: ", r->populations[k].name);
        model_put_types(t, m, r->populations[k].types);
        model_put(t, "\n");
    }
    const stroma_tissue_desc *td = &r->tissue;
    if (td->present && td->tumour) {
        model_put(t, "tissue: tumour cells ");
        model_put_types(t, m, td->tumour);
        if (td->cd8) {
            model_put(t, "; CD8 T cells ");
            model_put_types(t, m, td->cd8);
        }
        if (td->oxygen >= 0) model_put(t, "; pO2 from %s", m->substrates[td->oxygen].name);
        model_put(t, "; tumour where the cover over %g µm reaches %g; margin %g µm\n", td->smoothing_um, td->coverage,
                  td->margin_um);
    }
    for (int k = 0; k < STROMA_INDEX_COUNT; k++) {
        const stroma_index_desc *d = &r->index[k];
        if (!d->present) continue;
        model_put(t, "index %s (a modelling choice):", stroma_index_names[k]);
        for (int i = 0; i < d->nterms; i++) {
            const stroma_index_term *tm = &d->terms[i];
            const stroma_systemic_desc *sd = &m->body.systemic[tm->systemic];
            model_put(t, "%s %s%s%s excess, half-max %g %s, Hill %g, weight %g", i ? ";" : "",
                      m->substrates[sd->substrate].name, tm->cargo >= 0 ? " cargo " : "",
                      tm->cargo >= 0 ? m->state_vars[tm->cargo].name : "", tm->half_max,
                      tm->cargo >= 0 ? "molecules/mL" : sd->unit, tm->hill, tm->weight);
        }
        model_put(t, "\n");
    }
}

/* The vesicle classes (if any): a line each with diameter, diffusion, cargo, release and uptake. */
static void model_put_vesicles(model_text *t, const stroma_model *m) {
    const stroma_vesicles_desc *v = &m->vesicles;
    if (!v->present) return;
    model_put(t, "vesicles: %d class%s (fields in particles/mL, listed with the substrates)\n", v->nclasses,
              v->nclasses == 1 ? "" : "es");
    for (int k = 0; k < v->nclasses; k++) {
        const stroma_vesicle_class_desc *c = &v->classes[k];
        model_put(t, "  %s: diameter %g nm, D %g µm²/min", c->name, c->diameter_nm, c->diffusion_um2_per_min);
        if (!c->diffusion_given) model_put(t, " (Stokes-Einstein x %g)", c->tissue_factor);
        model_put(t, ", decay %g 1/min; cargo:", c->decay_per_min);
        int any = 0;
        for (int s = 0; c->cargo && s < m->nstate; s++)
            if (c->cargo[s] != 0) model_put(t, "%s %s %g", any++ ? "," : "", m->state_vars[s].name, c->cargo[s]);
        if (!any) model_put(t, " none");
        model_put(t, "; release:");
        any = 0;
        for (int y = 0; c->release && y < m->ntypes; y++)
            if (c->release[y] != 0) model_put(t, "%s %s %g", any++ ? "," : "", m->cell_types[y].name, c->release[y]);
        model_put(t, "%s; uptake:", any ? " vesicles/cell/min" : " none");
        any = 0;
        for (int y = 0; c->uptake_rate && y < m->ntypes; y++)
            if (c->uptake_rate[y] != 0)
                model_put(t, "%s %s %g (half max %g particles/mL)", any++ ? "," : "", m->cell_types[y].name,
                          c->uptake_rate[y], c->uptake_half_max[y]);
        model_put(t, "%s\n", any ? " vesicles/cell/min" : " none");
    }
}

/* The recruited cell types (if any): a line each with the rate, the signal's response and the cap. */
static void model_put_therapies(model_text *t, const stroma_model *m) {
    const stroma_therapies_desc *th = &m->therapies;
    if (!th->present) return;
    model_put(t, "therapies: %d drug%s%s\n", th->ndrugs, th->ndrugs == 1 ? "" : "s",
              th->radiotherapy.present ? ", radiotherapy" : "");
    for (int k = 0; k < th->ndrugs; k++) {
        const stroma_drug_desc *d = &th->drugs[k];
        int doses = 0;
        for (int r = 0; r < d->nregimens; r++) doses += d->regimens[r].cycles;
        model_put(t, "  %s: %d compartment%s, Vc %g L, CL %g L/day; %d regimen%s, %d dose%s; ", d->name,
                  d->compartments, d->compartments == 1 ? "" : "s", d->vc_l, d->cl_l_per_min * 1440.0, d->nregimens,
                  d->nregimens == 1 ? "" : "s", doses, doses == 1 ? "" : "s");
        if (d->substrate >= 0)
            model_put(t, "tissue field %s", m->substrates[d->substrate].name);
        else
            model_put(t, "plasma only");
        if (d->neutralise.substrate >= 0) model_put(t, ", neutralise");
        if (d->block.substrate >= 0) model_put(t, ", block_receptor");
        if (d->deplete.type >= 0) model_put(t, ", deplete");
        if (d->checkpoint.ligand >= 0) model_put(t, ", checkpoint_blockade");
        if (d->block_release.substrate >= 0) model_put(t, ", block_release");
        if (d->cytotoxic.present) model_put(t, ", cytotoxic");
        model_put(t, "\n");
    }
    for (int k = 0; k < th->ninfusions; k++)
        model_put(t, "  infusion: %d %s cells on day %g\n", th->infusions[k].cells,
                  m->cell_types[th->infusions[k].type].name, th->infusions[k].time_min / 1440.0);
    const stroma_radiotherapy_desc *rt = &th->radiotherapy;
    if (rt->present)
        model_put(t, "  radiotherapy: %d x %g Gy from day %g every %g days\n", rt->fractions, rt->dose_gy,
                  rt->start_min / 1440.0, rt->interval_min / 1440.0);
}

static void model_put_recruitment(model_text *t, const stroma_model *m) {
    const stroma_recruitment_desc *r = &m->recruitment;
    if (!r->present) return;
    model_put(t, "recruitment from the vessels: %d cell type%s\n", r->n, r->n == 1 ? "" : "s");
    for (int k = 0; k < r->n; k++) {
        const stroma_recruit_desc *e = &r->entries[k];
        model_put(t, "  %s: %g cells/min/mm² of vessel wall", m->cell_types[e->type].name, e->rate_per_min_mm2);
        if (e->signal >= 0)
            model_put(t, " x (%g + %g H(%s; half max %g, hill %g))", e->basal, 1 - e->basal,
                      m->substrates[e->signal].name, e->half_max, e->hill);
        model_put(t, ", up to %lld live cells\n", (long long)e->max_cells);
    }
}

/* One line for a state variable: the types whose initial value, production or decay is not 0. */
static void model_put_state_var(model_text *t, const stroma_model *m, int v) {
    const stroma_state_var_desc *d = &m->state_vars[v];
    static const char *const what[3] = {"initial", "production", "decay"};
    static const char *const unit[3] = {"", " 1/min", " 1/min"};
    const double *per_type[3] = {d->initial, d->production, d->decay};
    model_put(t, "  %s:", d->name);
    int any = 0;
    for (int w = 0; w < 3; w++) {
        int listed = 0;
        for (int k = 0; k < m->ntypes; k++) {
            if (!per_type[w] || per_type[w][k] == 0) continue;
            if (!listed) model_put(t, "%s %s", any ? ";" : "", what[w]);
            model_put(t, "%s %s %g%s", listed ? "," : "", m->cell_types[k].name, per_type[w][k], unit[w]);
            listed = any = 1;
        }
    }
    model_put(t, "%s\n", any ? "" : " 0 in every type");
}

size_t stroma_model_describe(const stroma_model *model, char *buf, size_t cap) {
    model_text t = {buf, cap, 0};
    if (buf && cap) buf[0] = '\0';
    if (!model) {
        model_put(&t, "(no model)\n");
        return t.len;
    }
    const stroma_model *m = model;
    double nvox = (double)m->n[0] * m->n[1] * m->n[2];
    model_put(&t, "model: %s\n", m->path);
    if (m->overrides && m->overrides[0]) model_put(&t, "overrides:\n%s", m->overrides);
    model_put(&t, "sha256: %s\n", m->sha256);
    model_put(&t, "domain: x [%g, %g] y [%g, %g] z [%g, %g] µm, voxel %g µm\n", m->lo_um[0], m->hi_um[0], m->lo_um[1],
              m->hi_um[1], m->lo_um[2], m->hi_um[2], m->voxel_um);
    model_put(&t, "grid: %d x %d x %d = %.0f voxels (%dD)\n", m->n[0], m->n[1], m->n[2], nvox, m->dim);
    model_put(&t, "time: end %g min, dt_diffusion %g min (%lld steps), dt_mechanics %g min, dt_phenotype %g min\n",
              m->end_min, m->dt_diffusion_min, (long long)stroma_model_end_step(m), m->dt_mechanics_min,
              m->dt_phenotype_min);
    model_put(&t, "seed: %llu\n", (unsigned long long)m->seed);
    model_put(&t, "substrates: %d\n", m->nsub);
    for (int s = 0; s < m->nsub; s++) {
        const stroma_substrate_desc *d = &m->substrates[s];
        const char *unit = d->unit[0] ? d->unit : "(no unit)", *sp = d->unit[0] ? " " : "";
        model_put(&t, "  %s [%s]: D %g µm²/min, decay %g 1/min, ", d->name, unit, d->diffusion_um2_per_min,
                  d->decay_per_min);
        if (d->decay_per_min > 0)
            model_put(&t, "length sqrt(D/decay) %.4g µm", sqrt(d->diffusion_um2_per_min / d->decay_per_min));
        else
            model_put(&t, "length sqrt(D/decay) infinite (no decay)");
        model_put(&t, ", initial %g%s%s\n    boundaries%s:", d->initial, sp, d->unit,
                  m->boundary_convention == STROMA_BOUNDARY_VOXEL
                      ? " (values held in the outermost voxels: boundary_convention voxel)"
                  : m->boundary_convention == STROMA_BOUNDARY_BIOFVM
                      ? " (values set in the outermost voxels before and after each axis sweep, free within it: "
                        "boundary_convention biofvm, lod solver only)"
                      : "");
        for (int f = 0; f < STROMA_FACE_COUNT; f++) {
            if (d->face_dirichlet[f])
                model_put(&t, " %s = %g%s%s", model_face_names[f], d->face_value[f], sp, d->unit);
            else
                model_put(&t, " %s no flux", model_face_names[f]);
            model_put(&t, "%s", f + 1 < STROMA_FACE_COUNT ? "," : "\n");
        }
    }
    model_put(&t, "fixed voxels: %d\n", m->nfixed);
    for (int i = 0; i < m->nfixed; i++) {
        const stroma_fixed_desc *f = &m->fixed[i];
        const stroma_substrate_desc *d = &m->substrates[f->substrate];
        model_put(&t, "  %s held at %g%s%s in the voxel of (%g, %g, %g) µm\n", d->name, f->value,
                  d->unit[0] ? " " : "", d->unit, f->pos_um[0], f->pos_um[1], f->pos_um[2]);
    }
    model_put(&t, "sources: %d\n", m->nsources);
    for (int i = 0; i < m->nsources; i++) {
        const stroma_source_desc *src = &m->sources[i];
        const stroma_substrate_desc *d = &m->substrates[src->substrate];
        const char *unit = d->unit[0] ? d->unit : "unit";
        model_put(&t, "  %s: ", d->name);
        model_put_region(&t, &src->region, src->count, "point");
        model_put(&t, "; volume %g µm³, secretion %g 1/min towards %g %s, uptake %g 1/min, export %g %s µm³/min\n",
                  src->volume_um3, src->secretion_per_min, src->saturation, unit, src->uptake_per_min,
                  src->export_per_min, unit);
    }
    model_put(&t, "cell types: %d\n", m->ntypes);
    for (int k = 0; k < m->ntypes; k++) model_put_cell_type(&t, m, k);
    if (m->dead_uptake_fraction > 0)
        model_put(&t, "dead cells keep %g of their uptake rates (dead_uptake_fraction)\n", m->dead_uptake_fraction);
    if (m->contact_law)
        model_put(&t, "attacks and engulfing decided at every mechanics step, as PhysiCell (contact_law: physicell)\n");
    double cells = 0;
    for (int g = 0; g < m->ninitial; g++) cells += m->initial_cells[g].count;
    model_put(&t, "initial cells: %.0f in %d group%s\n", cells, m->ninitial, m->ninitial == 1 ? "" : "s");
    for (int g = 0; g < m->ninitial; g++) {
        const stroma_initial_cells_desc *ic = &m->initial_cells[g];
        if (ic->from_csv) {
            model_put(&t, "  %d cell%s from %s:", ic->count, ic->count == 1 ? "" : "s", ic->csv_path);
            for (int k = 0; k < m->ntypes; k++) {
                int n = 0;
                for (int i = 0; i < ic->count; i++) n += ic->csv_type[i] == k;
                model_put(&t, " %s %d%s", m->cell_types[k].name, n, k + 1 < m->ntypes ? "," : "");
            }
            if (ic->ncols) {
                model_put(&t, "; per-cell values of");
                for (int k = 0; k < ic->ncols; k++) {
                    int code = ic->col_behaviour[k];
                    model_put(&t, "%s %s%s", k ? "," : "",
                              code >= 0 ? m->rule_tables.behaviours[code].name : m->state_vars[-1 - code].name,
                              code >= 0 ? "" : " (initial)");
                }
            }
            model_put(&t, "%s\n", ic->synchronized ? " (cycles synchronized)" : "");
        } else {
            model_put(&t, "  %s: ", m->cell_types[ic->type].name);
            model_put_region(&t, &ic->region, ic->count, "cell");
            model_put(&t, "%s\n", ic->synchronized ? " (cycles synchronized)" : "");
        }
    }
    model_put(&t, "state variables: %d\n", m->nstate);
    for (int v = 0; v < m->nstate; v++) model_put_state_var(&t, m, v);
    model_put(&t, "rules: %d%s\n", m->nrules,
              m->rules_law == STROMA_RULES_LAW_PHYSICELL ? ", combined by PhysiCell's law (rules_law: physicell)" : "");
    if (m->rule_tables.nbehaviours > 0) {
        for (int i = 0; i < m->nrules; i++) {
            char line[512];
            stroma_rule_describe(m, &m->rules[i], line, sizeof line);
            model_put(&t, "  %s\n", line);
        }
    }
    model_put_readout(&t, m);
    static const char *const formats[4] = {"none", "csv", "vti", "csv vti"}, *const cell_formats[4] = {
        "none", "csv", "vtp", "csv vtp"};
    model_put(&t, "outputs: every %g min%s, fields: %s, cells: %s\n", m->output_every_min,
              m->output_every_is_end ? " (time.end)" : "",
              formats[(m->output_fields_csv ? 1 : 0) + (m->output_fields_vti ? 2 : 0)],
              cell_formats[(m->output_cells_csv ? 1 : 0) + (m->output_cells_vtp ? 2 : 0)]);
    if (m->output_images && m->nsub > 0) {
        model_put(&t, "images: %s over the cells, ", m->substrates[m->output_images_field].name);
        if (m->output_images_every_min > 0)
            model_put(&t, "every %g min and at the end", m->output_images_every_min);
        else
            model_put(&t, "at every output time");
        model_put(&t, ", %d pixels wide", m->output_images_size_px);
        if (m->output_images_range_set)
            model_put(&t, ", colours from %g to %g %s", m->output_images_range[0], m->output_images_range[1],
                      m->substrates[m->output_images_field].unit);
        if (m->readout.image_marker >= 0)
            model_put(&t, ", cells stained for %s", m->readout.markers[m->readout.image_marker].name);
        model_put(&t, "\n");
    }
    model_put_vessels(&t, m);
    model_put_body(&t, m);
    model_put_ecm(&t, m);
    model_put_vesicles(&t, m);
    model_put_recruitment(&t, m);
    model_put_therapies(&t, m);
    model_put(&t, "memory estimate: %.3g MiB\n", stroma_model_memory_estimate(m) / (1024.0 * 1024.0));
    return t.len;
}

const char *stroma_model_warnings(const stroma_model *model) {
    return model && model->warnings ? model->warnings : "";
}
