/* Loading of what a pathologist and a clinician read: the `markers:`, `populations:`, `tissue:` and `indices:`
 * sections and outputs.images.marker (model/readout.h). The walk (load.c) stores their values through
 * load_markers_store / load_markers_item / load_markers_map_done; after it, load_check_markers resolves the
 * names (cell types, rule signals and behaviours with "did you mean", substrates, body.systemic, state variables)
 * and checks thresholds against what a behaviour can reach. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/rules_tables.h"
#include "model/schema.h"
#include "util/error_impl.h"

const char *const stroma_index_names[STROMA_INDEX_COUNT] = {"cachexia", "premetastatic_niche"};

/* A condition as written: the signal or behaviour name, the thresholds. */
typedef struct mk_cond {
    char name[STROMA_RULE_NAME_MAX];
    int is_behaviour, name_ok;
    stroma_srcloc name_at, above_at, below_at, at;
    int has_above, has_below;
    double above, below;
    char path[160];          /* "markers.Ki67" or "markers.Ki67.all[1]" */
} mk_cond;

/* A list of type names as written. */
typedef struct mk_names {
    load_name *v;
    int n, cap;
} mk_names;

typedef struct mk_marker {
    char path[96];
    stroma_srcloc at;
    mk_names types;
    int types_given;
    mk_cond inline_cond;     /* used when name_ok */
    mk_cond *all;
    int nall, all_cap;
} mk_marker;

typedef struct mk_population {
    char path[96];
    stroma_srcloc at;
    mk_names types;
} mk_population;

typedef struct mk_term {
    char path[160];
    load_name substrate, cargo;
    double half_max, hill, weight;
} mk_term;

struct load_markers_walk {
    mk_marker *markers;
    int markers_cap, cur_marker;
    mk_population *pops;
    int pops_cap, cur_pop;
    stroma_srcloc tissue_at;
    mk_names tumour, cd8;
    int cd8_given;
    load_name oxygen;
    stroma_srcloc indices_at;
    mk_term *terms[STROMA_INDEX_COUNT];
    int nterms[STROMA_INDEX_COUNT], terms_cap[STROMA_INDEX_COUNT], cur_term[STROMA_INDEX_COUNT];
    load_name image_marker;
};

static struct load_markers_walk *mk_walk(loader *ld) {
    if (!ld->markers) {
        ld->markers = calloc(1, sizeof *ld->markers);
        if (!ld->markers) ld->nomem = 1;
    }
    return ld->markers;
}

void load_markers_free(loader *ld) {
    struct load_markers_walk *w = ld->markers;
    if (!w) return;
    for (int k = 0; k < ld->m->readout.nmarkers; k++) {
        free(w->markers[k].types.v);
        free(w->markers[k].all);
    }
    free(w->markers);
    for (int k = 0; k < ld->m->readout.npopulations; k++) free(w->pops[k].types.v);
    free(w->pops);
    free(w->tumour.v);
    free(w->cd8.v);
    for (int k = 0; k < STROMA_INDEX_COUNT; k++) free(w->terms[k]);
    free(w);
    ld->markers = NULL;
}

static int is_readout(int id) { return id >= STROMA_KEY_OUTPUTS_IMAGES_MARKER && id <= STROMA_KEY_NICHE_CARGO; }

static void mk_name_set(load_name *n, const load_value *v) {
    snprintf(n->name, sizeof n->name, "%s", v->str);
    n->ok = 1;
    n->loc = v->loc;
}

static void mk_names_add(loader *ld, mk_names *l, const load_value *v) {
    if (load_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v)) {
        ld->nomem = 1;
        return;
    }
    mk_name_set(&l->v[l->n++], v);
}

/* The condition a row of the inline keys (MARKER_SIGNAL ..) or of an `all` item (MARKER_COND_SIGNAL ..) goes to. */
static mk_cond *mk_cond_of(struct load_markers_walk *w, int id) {
    mk_marker *mk = &w->markers[w->cur_marker];
    if (id >= STROMA_KEY_MARKER_COND_SIGNAL) return &mk->all[mk->nall - 1];
    return &mk->inline_cond;
}

void load_markers_store(loader *ld, int id, const load_value *v) {
    if (!is_readout(id)) return;
    stroma_readout_desc *rd = &ld->m->readout;
    struct load_markers_walk *w = mk_walk(ld);
    if (!w) return;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_OUTPUTS_IMAGES_MARKER: mk_name_set(&w->image_marker, v); break;
    case STROMA_KEY_MARKER_TYPE: mk_names_add(ld, &w->markers[w->cur_marker].types, v); break;
    case STROMA_KEY_MARKER_SIGNAL:
    case STROMA_KEY_MARKER_BEHAVIOUR:
    case STROMA_KEY_MARKER_COND_SIGNAL:
    case STROMA_KEY_MARKER_COND_BEHAVIOUR: {
        mk_cond *c = mk_cond_of(w, id);
        snprintf(c->name, sizeof c->name, "%s", v->str);
        c->name_ok = 1;
        c->name_at = v->loc;
        c->is_behaviour = id == STROMA_KEY_MARKER_BEHAVIOUR || id == STROMA_KEY_MARKER_COND_BEHAVIOUR;
        break;
    }
    case STROMA_KEY_MARKER_ABOVE:
    case STROMA_KEY_MARKER_COND_ABOVE: {
        mk_cond *c = mk_cond_of(w, id);
        c->above = v->num;
        c->has_above = 1;
        c->above_at = v->loc;
        break;
    }
    case STROMA_KEY_MARKER_BELOW:
    case STROMA_KEY_MARKER_COND_BELOW: {
        mk_cond *c = mk_cond_of(w, id);
        c->below = v->num;
        c->has_below = 1;
        c->below_at = v->loc;
        break;
    }
    case STROMA_KEY_POPULATION_TYPE: mk_names_add(ld, &w->pops[w->cur_pop].types, v); break;
    case STROMA_KEY_TISSUE_TUMOUR_TYPE: mk_names_add(ld, &w->tumour, v); break;
    case STROMA_KEY_TISSUE_CD8_TYPE: mk_names_add(ld, &w->cd8, v); break;
    case STROMA_KEY_TISSUE_OXYGEN: mk_name_set(&w->oxygen, v); break;
    case STROMA_KEY_TISSUE_COVERAGE: rd->tissue.coverage = v->num; break;
    case STROMA_KEY_TISSUE_SMOOTHING: rd->tissue.smoothing_um = v->num; break;
    case STROMA_KEY_TISSUE_MARGIN: rd->tissue.margin_um = v->num; break;
    case STROMA_KEY_CACHEXIA_HALF_MAX:
    case STROMA_KEY_CACHEXIA_HILL:
    case STROMA_KEY_CACHEXIA_WEIGHT:
    case STROMA_KEY_CACHEXIA_CARGO:
    case STROMA_KEY_NICHE_HALF_MAX:
    case STROMA_KEY_NICHE_HILL:
    case STROMA_KEY_NICHE_WEIGHT:
    case STROMA_KEY_NICHE_CARGO: {
        int k = id >= STROMA_KEY_NICHE_TERM ? STROMA_INDEX_NICHE : STROMA_INDEX_CACHEXIA;
        int row = id - (k == STROMA_INDEX_NICHE ? STROMA_KEY_NICHE_TERM : STROMA_KEY_CACHEXIA_TERM);
        mk_term *t = &w->terms[k][w->cur_term[k]];
        if (row == 1) t->half_max = v->num;
        if (row == 2) t->hill = v->num;
        if (row == 3) t->weight = v->num;
        if (row == 4 && v->str && v->str[0]) mk_name_set(&t->cargo, v);
        break;
    }
    default: break; /* containers */
    }
}

int load_markers_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at) {
    if (id != STROMA_KEY_MARKER && id != STROMA_KEY_MARKER_COND && id != STROMA_KEY_POPULATION &&
        id != STROMA_KEY_CACHEXIA_TERM && id != STROMA_KEY_NICHE_TERM)
        return 0;
    stroma_readout_desc *rd = &ld->m->readout;
    struct load_markers_walk *w = mk_walk(ld);
    if (!w) return -1;
    switch (id) {
    case STROMA_KEY_MARKER: {
        int cap = w->markers_cap;
        if (load_grow((void **)&rd->markers, &cap, rd->nmarkers + 1, sizeof *rd->markers) ||
            load_grow((void **)&w->markers, &w->markers_cap, rd->nmarkers + 1, sizeof *w->markers))
            return -1;
        stroma_marker_desc *d = &rd->markers[rd->nmarkers];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", name);
        mk_marker *mk = &w->markers[rd->nmarkers];
        memset(mk, 0, sizeof *mk);
        snprintf(mk->path, sizeof mk->path, "%s", path);
        snprintf(mk->inline_cond.path, sizeof mk->inline_cond.path, "%s", path);
        mk->at = at;
        w->cur_marker = rd->nmarkers++;
        return 0;
    }
    case STROMA_KEY_MARKER_COND: {
        mk_marker *mk = &w->markers[w->cur_marker];
        if (load_grow((void **)&mk->all, &mk->all_cap, mk->nall + 1, sizeof *mk->all)) return -1;
        mk_cond *c = &mk->all[mk->nall++];
        memset(c, 0, sizeof *c);
        snprintf(c->path, sizeof c->path, "%s", path);
        c->at = at;
        return 0;
    }
    case STROMA_KEY_POPULATION: {
        int cap = w->pops_cap;
        if (load_grow((void **)&rd->populations, &cap, rd->npopulations + 1, sizeof *rd->populations) ||
            load_grow((void **)&w->pops, &w->pops_cap, rd->npopulations + 1, sizeof *w->pops))
            return -1;
        stroma_population_desc *d = &rd->populations[rd->npopulations];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", name);
        mk_population *p = &w->pops[rd->npopulations];
        memset(p, 0, sizeof *p);
        snprintf(p->path, sizeof p->path, "%s", path);
        p->at = at;
        w->cur_pop = rd->npopulations++;
        return 0;
    }
    default: {
        int k = id == STROMA_KEY_NICHE_TERM ? STROMA_INDEX_NICHE : STROMA_INDEX_CACHEXIA;
        if (load_grow((void **)&w->terms[k], &w->terms_cap[k], w->nterms[k] + 1, sizeof *w->terms[k])) return -1;
        mk_term *t = &w->terms[k][w->nterms[k]];
        memset(t, 0, sizeof *t);
        snprintf(t->path, sizeof t->path, "%s", path);
        snprintf(t->substrate.name, sizeof t->substrate.name, "%s", name);
        t->substrate.ok = 1;
        t->substrate.loc = at;
        w->cur_term[k] = w->nterms[k]++;
        return 0;
    }
    }
}

/* A condition's keys (rows sig, beh, above, below of one mapping): exactly one of signal and behaviour, and with
 * it above or below; below > above. `inline_ok` allows none of the four (a marker without an inline condition). */
static int mk_cond_keys(loader *ld, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                        int sig, int inline_ok, const mk_cond *c) {
    int nname = (keys[sig] != NULL) + (keys[sig + 1] != NULL);
    int nbound = (keys[sig + 2] != NULL) + (keys[sig + 3] != NULL);
    if (inline_ok && nname == 0 && nbound == 0) return 1;
    if (nname != 1) {
        load_error(ld, STROMA_ERR_MISSING, nname ? (stroma_srcloc){keys[sig + 1]->line, keys[sig + 1]->column} : at,
                   "%s: give exactly one of signal, behaviour (got %d)", path, nname);
        return 0;
    }
    if (nbound == 0) {
        load_error(ld, STROMA_ERR_MISSING, at, "%s: give above, below or both (the value a positive cell exceeds or "
                   "stays under)", path);
        return 0;
    }
    if (c->has_above && c->has_below && !(c->below > c->above)) {
        load_error(ld, STROMA_ERR_RANGE, c->below_at, "%s.below (%.10g) must be above %s.above (%.10g): no value "
                   "lies between", path, c->below, path, c->above);
        return 0;
    }
    return 1;
}

int load_markers_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                          const int *valid, int ok) {
    (void)valid;
    if (!is_readout(id)) return ok;
    struct load_markers_walk *w = mk_walk(ld);
    if (!w) return 0;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_MARKER: {
        mk_marker *mk = &w->markers[w->cur_marker];
        mk->types_given = keys[STROMA_KEY_MARKER_TYPES] != NULL;
        if (!mk_cond_keys(ld, path, at, keys, STROMA_KEY_MARKER_SIGNAL, 1, &mk->inline_cond)) return 0;
        if (!mk->types_given && !keys[STROMA_KEY_MARKER_SIGNAL] && !keys[STROMA_KEY_MARKER_BEHAVIOUR] &&
            !keys[STROMA_KEY_MARKER_ALL]) {
            load_error(ld, STROMA_ERR_MISSING, at, "%s: give types, a condition (signal or behaviour with above or "
                       "below), all, or several of them", path);
            return 0;
        }
        break;
    }
    case STROMA_KEY_MARKER_COND: {
        mk_marker *mk = &w->markers[w->cur_marker];
        if (!mk_cond_keys(ld, path, at, keys, STROMA_KEY_MARKER_COND_SIGNAL, 0, &mk->all[mk->nall - 1])) return 0;
        break;
    }
    case STROMA_KEY_TISSUE:
        ld->m->readout.tissue.present = 1;
        w->tissue_at = at;
        w->cd8_given = keys[STROMA_KEY_TISSUE_CD8] != NULL;
        break;
    case STROMA_KEY_INDICES: w->indices_at = at; break;
    default: break;
    }
    return ok;
}

/* ---- checks after the walk ---- */

/* A [ntypes] membership array from a list of type names (allocated here; NULL when out of memory). */
static unsigned char *mk_types(loader *ld, const load_names *nl, const mk_names *l, const char *path) {
    unsigned char *t = calloc((size_t)(ld->m->ntypes > 0 ? ld->m->ntypes : 1), 1);
    if (!t) {
        ld->nomem = 1;
        return NULL;
    }
    for (int i = 0; i < l->n; i++) {
        char p[200];
        snprintf(p, sizeof p, "%s[%d]", path, i);
        int k = load_resolve(ld, nl, 1, &l->v[i], p);
        if (k >= 0) t[k] = 1;
    }
    return t;
}

/* Names of the rule tables' signals and behaviours, for suggestions. */
typedef struct mk_table_names {
    const char **signals, **behaviours;
} mk_table_names;

/* The range [lo, hi] a live cell of a type in `types` can give behaviour b: each type's base and each of those
 * types' rules' saturations (rules combine them into a weighted mean); a cell file's per-cell values widen it to
 * the whole model's range. */
static void mk_behaviour_range(const stroma_model *m, const unsigned char *types, int b, double *lo, double *hi) {
    int first = 1;
    double a = 0, z = 0;
    for (int t = 0; t < m->ntypes; t++) {
        if (!types[t]) continue;
        double v = stroma_rule_behaviour_base(m, t, b);
        if (first || v < a) a = v;
        if (first || v > z) z = v;
        first = 0;
    }
    for (int k = 0; k < m->nrules; k++) {
        const stroma_rule_desc *r = &m->rules[k];
        if (r->behaviour != b || !types[r->type]) continue;
        if (r->saturation < a) a = r->saturation;
        if (r->saturation > z) z = r->saturation;
    }
    for (int g = 0; g < m->ninitial; g++)
        for (int col = 0; col < m->initial_cells[g].ncols; col++)
            if (m->initial_cells[g].col_behaviour[col] == b) {
                double glo, ghi;
                stroma_rule_behaviour_range(m, b, &glo, &ghi);
                if (glo < a) a = glo;
                if (ghi > z) z = ghi;
            }
    *lo = a;
    *hi = z;
}

/* Resolve one condition into *out; reports and returns 0 when it cannot be. */
static int mk_resolve_cond(loader *ld, const mk_table_names *tn, const mk_cond *c, const unsigned char *types,
                           stroma_marker_cond *out) {
    const stroma_model *m = ld->m;
    const stroma_rule_tables *t = &m->rule_tables;
    char msg[768];
    const char *key = c->is_behaviour ? "behaviour" : "signal";
    memset(out, 0, sizeof *out);
    out->is_behaviour = c->is_behaviour;
    out->has_above = c->has_above;
    out->has_below = c->has_below;
    out->above = c->above;
    out->below = c->below;
    if (!c->is_behaviour) {
        int sig = stroma_rule_signal_find(t, c->name);
        const int *idx;
        if (sig < 0) {
            load_lookup(c->name, tn->signals, NULL, t->nsignals, "signal", "signals", msg, sizeof msg);
            load_error(ld, STROMA_ERR_UNKNOWN_KEY, c->name_at, "%s.%s: %s", c->path, key, msg);
            return 0;
        }
        if (stroma_rule_signals_named(t, c->name, &idx) > 1) {
            load_error(ld, STROMA_ERR_RANGE, c->name_at, "%s.%s: '%s' is ambiguous: it names both a substrate and a "
                       "built-in signal; rename the substrate", c->path, key, c->name);
            return 0;
        }
        const stroma_signal_entry *se = &t->signals[sig];
        switch (se->kind) {
        case STROMA_SIG_CONTACT_TYPE:
        case STROMA_SIG_CONTACT_LIVE:
        case STROMA_SIG_CONTACT_DEAD:
            load_error(ld, STROMA_ERR_RANGE, c->name_at, "%s.%s: '%s' is a contact signal, which markers do not read "
                       "(contacts are counted during the phenotype step only); use a state variable that a rule on "
                       "it sets", c->path, key, se->name);
            return 0;
        case STROMA_SIG_APOPTOTIC:
        case STROMA_SIG_NECROTIC:
        case STROMA_SIG_DEAD:
            load_error(ld, STROMA_ERR_RANGE, c->name_at, "%s.%s: markers are counted in live cells, where '%s' is "
                       "always 0", c->path, key, se->name);
            return 0;
        default: break;
        }
        out->index = sig;
        return 1;
    }
    int beh = stroma_rule_behaviour_find(t, c->name);
    if (beh < 0) {
        load_lookup(c->name, tn->behaviours, NULL, t->nbehaviours, "behaviour", "behaviours", msg, sizeof msg);
        load_error(ld, STROMA_ERR_UNKNOWN_KEY, c->name_at, "%s.%s: %s", c->path, key, msg);
        return 0;
    }
    out->index = beh;
    double lo, hi;
    mk_behaviour_range(m, types, beh, &lo, &hi);
    const char *unit = t->behaviours[beh].unit;
    if (c->has_above && !(c->above < hi)) {
        load_error(ld, STROMA_ERR_RANGE, c->above_at, "%s.above %.10g: no cell could be positive: '%s' is at most "
                   "%.10g%s%s in the marker's types (base values and rules' saturations)", c->path, c->above,
                   t->behaviours[beh].name, hi, unit[0] ? " " : "", unit);
        return 0;
    }
    if (c->has_below && !(c->below > lo)) {
        load_error(ld, STROMA_ERR_RANGE, c->below_at, "%s.below %.10g: no cell could be positive: '%s' is at least "
                   "%.10g%s%s in the marker's types (base values and rules' saturations)", c->path, c->below,
                   t->behaviours[beh].name, lo, unit[0] ? " " : "", unit);
        return 0;
    }
    return 1;
}

static void mk_check_markers(loader *ld, const load_names *nl, struct load_markers_walk *w) {
    stroma_model *m = ld->m;
    stroma_readout_desc *rd = &m->readout;
    if (rd->nmarkers == 0) return;
    if (m->ntypes == 0) {
        load_error(ld, STROMA_ERR_MISSING, w->markers[0].at, "markers needs cell types, but cell_types is absent or "
                   "empty");
        return;
    }
    mk_table_names tn;
    const stroma_rule_tables *t = &m->rule_tables;
    tn.signals = malloc((size_t)(t->nsignals > 0 ? t->nsignals : 1) * sizeof *tn.signals);
    tn.behaviours = malloc((size_t)(t->nbehaviours > 0 ? t->nbehaviours : 1) * sizeof *tn.behaviours);
    if (!tn.signals || !tn.behaviours) {
        free(tn.signals);
        free(tn.behaviours);
        ld->nomem = 1;
        return;
    }
    for (int i = 0; i < t->nsignals; i++) tn.signals[i] = t->signals[i].name;
    for (int i = 0; i < t->nbehaviours; i++) tn.behaviours[i] = t->behaviours[i].name;
    for (int k = 0; k < rd->nmarkers && !ld->nomem; k++) {
        mk_marker *mk = &w->markers[k];
        stroma_marker_desc *d = &rd->markers[k];
        char path[128];
        snprintf(path, sizeof path, "%s.types", mk->path);
        if (mk->types_given) {
            d->types = mk_types(ld, nl, &mk->types, path);
        } else {
            d->types = malloc((size_t)m->ntypes);
            if (d->types) memset(d->types, 1, (size_t)m->ntypes);
        }
        int n = (mk->inline_cond.name_ok ? 1 : 0) + mk->nall;
        d->cond = calloc((size_t)(n > 0 ? n : 1), sizeof *d->cond);
        if (!d->types || !d->cond) {
            ld->nomem = 1;
            break;
        }
        if (mk->inline_cond.name_ok && mk_resolve_cond(ld, &tn, &mk->inline_cond, d->types, &d->cond[d->ncond]))
            d->ncond++;
        for (int c = 0; c < mk->nall; c++)
            if (mk->all[c].name_ok && mk_resolve_cond(ld, &tn, &mk->all[c], d->types, &d->cond[d->ncond])) d->ncond++;
    }
    free(tn.signals);
    free(tn.behaviours);
}

static void mk_check_populations(loader *ld, const load_names *nl, struct load_markers_walk *w) {
    stroma_model *m = ld->m;
    stroma_readout_desc *rd = &m->readout;
    for (int k = 0; k < rd->npopulations && !ld->nomem; k++) {
        mk_population *p = &w->pops[k];
        stroma_population_desc *d = &rd->populations[k];
        for (int t = 0; t < m->ntypes; t++)
            if (strcmp(m->cell_types[t].name, d->name) == 0)
                load_error(ld, STROMA_ERR_RANGE, p->at, "%s: a population may not be named like a cell type (each "
                           "type is counted on its own already); rename it", p->path);
        d->types = mk_types(ld, nl, &p->types, p->path);
    }
}

static void mk_check_tissue(loader *ld, const load_names *nl, struct load_markers_walk *w, int grid) {
    stroma_model *m = ld->m;
    stroma_tissue_desc *td = &m->readout.tissue;
    td->oxygen = -1;
    if (!td->present) return;
    if (grid && m->dim < 2)
        load_error(ld, STROMA_ERR_RANGE, w->tissue_at, "tissue: the tumour region needs a 2D or 3D model (this one "
                   "is %dD)", m->dim);
    td->tumour = mk_types(ld, nl, &w->tumour, "tissue.tumour");
    if (w->cd8_given) td->cd8 = mk_types(ld, nl, &w->cd8, "tissue.cd8");
    if (td->tumour && td->cd8)
        for (int t = 0; t < m->ntypes; t++)
            if (td->tumour[t] && td->cd8[t])
                load_error(ld, STROMA_ERR_RANGE, w->cd8.v[0].loc,
                           "tissue.cd8: %s is also a tumour type (tissue.tumour)", m->cell_types[t].name);
    if (w->oxygen.ok)
        td->oxygen = load_resolve(ld, nl, 0, &w->oxygen, "tissue.oxygen");
    else if (m->vessels.present && m->vessels.oxygen >= 0)
        td->oxygen = m->vessels.oxygen;
}

/* The systemic entry of substrate s, or -1. */
static int mk_systemic_of(const stroma_model *m, int s) {
    for (int k = 0; m->body.present && k < m->body.nsystemic; k++)
        if (m->body.systemic[k].substrate == s) return k;
    return -1;
}

static void mk_check_indices(loader *ld, const load_names *nl, struct load_markers_walk *w) {
    stroma_model *m = ld->m;
    const char **vars = malloc((size_t)(m->nstate > 0 ? m->nstate : 1) * sizeof *vars);
    if (!vars) {
        ld->nomem = 1;
        return;
    }
    for (int v = 0; v < m->nstate; v++) vars[v] = m->state_vars[v].name;
    for (int k = 0; k < STROMA_INDEX_COUNT && !ld->nomem; k++) {
        stroma_index_desc *d = &m->readout.index[k];
        if (w->nterms[k] == 0) continue;
        if (!m->body.present) {
            load_error(ld, STROMA_ERR_MISSING, w->terms[k][0].substrate.loc, "indices.%s reads plasma values, but the "
                       "model has no body section", stroma_index_names[k]);
            continue;
        }
        d->terms = calloc((size_t)w->nterms[k], sizeof *d->terms);
        if (!d->terms) {
            ld->nomem = 1;
            break;
        }
        d->present = 1;
        for (int i = 0; i < w->nterms[k]; i++) {
            const mk_term *mt = &w->terms[k][i];
            stroma_index_term *t = &d->terms[d->nterms];
            int s = load_resolve(ld, nl, 0, &mt->substrate, mt->path);
            if (s < 0) continue;
            int sys = mk_systemic_of(m, s);
            if (sys < 0) {
                load_error(ld, STROMA_ERR_RANGE, mt->substrate.loc, "%s: %s has no plasma value; list it in "
                           "body.systemic", mt->path, mt->substrate.name);
                continue;
            }
            t->systemic = sys;
            t->cargo = -1;
            t->half_max = mt->half_max;
            t->hill = mt->hill;
            t->weight = mt->weight;
            if (mt->cargo.ok) {
                char msg[768], path[200];
                snprintf(path, sizeof path, "%s.cargo", mt->path);
                int v = load_lookup(mt->cargo.name, vars, NULL, m->nstate, "state variable", "state variables", msg,
                                    sizeof msg);
                if (v < 0) {
                    load_error(ld, STROMA_ERR_UNKNOWN_KEY, mt->cargo.loc, "%s: %s", path, msg);
                    continue;
                }
                int cls = stroma_vesicle_class_of(m, s);
                if (cls < 0 || !m->vesicles.classes[cls].cargo || !(m->vesicles.classes[cls].cargo[v] > 0)) {
                    load_error(ld, STROMA_ERR_RANGE, mt->cargo.loc, "%s: %s carries no %s (cargo is read from a "
                               "vesicle class whose cargo lists it)", path, mt->substrate.name, mt->cargo.name);
                    continue;
                }
                t->cargo = v;
            }
            d->nterms++;
        }
    }
    free(vars);
}

void load_check_markers(loader *ld, const load_names *nl, int grid) {
    stroma_model *m = ld->m;
    stroma_readout_desc *rd = &m->readout;
    rd->image_marker = -1;
    rd->tissue.oxygen = -1;
    struct load_markers_walk *w = ld->markers;
    if (!w) return;
    mk_check_markers(ld, nl, w);
    if (!ld->nomem) mk_check_populations(ld, nl, w);
    if (!ld->nomem) mk_check_tissue(ld, nl, w, grid);
    if (!ld->nomem) mk_check_indices(ld, nl, w);
    if (w->image_marker.ok && !ld->nomem) {
        const char **names = malloc((size_t)(rd->nmarkers > 0 ? rd->nmarkers : 1) * sizeof *names);
        if (!names) {
            ld->nomem = 1;
            return;
        }
        for (int k = 0; k < rd->nmarkers; k++) names[k] = rd->markers[k].name;
        char msg[768];
        rd->image_marker = load_lookup(w->image_marker.name, names, NULL, rd->nmarkers, "marker", "markers", msg,
                                       sizeof msg);
        if (rd->image_marker < 0)
            load_error(ld, STROMA_ERR_UNKNOWN_KEY, w->image_marker.loc, "outputs.images.marker: %s", msg);
        free(names);
    }
}
