/* Signal and behaviour tables: one provider per source of entries (substrates, contacts, cell state, state
 * variables); a new channel adds its provider here and its evaluation in cells/rules.c. */
#include "model/rules_tables.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct table_builder {
    stroma_rule_tables *t;
    int cap_s, cap_b;
    int failed;
} table_builder;

/* The array `arr` (n used, *cap allocated) with room for one more element: arr itself or a larger copy; NULL
 * (and b->failed) if the allocation fails, arr then unchanged. */
static void *reserve_one(table_builder *b, void *arr, int n, int *cap, size_t elem) {
    if (n < *cap) return arr;
    int ncap = *cap ? 2 * *cap : 32;
    void *p = realloc(arr, (size_t)ncap * elem);
    if (!p) {
        b->failed = 1;
        return NULL;
    }
    *cap = ncap;
    return p;
}

static void add_signal(table_builder *b, stroma_signal_kind kind, int arg, const char *unit, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add_signal(table_builder *b, stroma_signal_kind kind, int arg, const char *unit, const char *fmt, ...) {
    stroma_signal_entry *arr = reserve_one(b, b->t->signals, b->t->nsignals, &b->cap_s, sizeof *arr);
    if (!arr) return;
    b->t->signals = arr;
    stroma_signal_entry *e = &arr[b->t->nsignals++];
    memset(e, 0, sizeof *e);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->name, sizeof e->name, fmt, ap);
    va_end(ap);
    e->kind = kind;
    e->arg = arg;
    snprintf(e->unit, sizeof e->unit, "%s", unit ? unit : "");
}

static void add_behaviour(table_builder *b, stroma_behaviour_kind kind, int arg, const char *unit, const char *fmt,
                          ...) __attribute__((format(printf, 5, 6)));
static void add_behaviour(table_builder *b, stroma_behaviour_kind kind, int arg, const char *unit, const char *fmt,
                          ...) {
    stroma_behaviour_entry *arr = reserve_one(b, b->t->behaviours, b->t->nbehaviours, &b->cap_b, sizeof *arr);
    if (!arr) return;
    b->t->behaviours = arr;
    stroma_behaviour_entry *e = &arr[b->t->nbehaviours++];
    memset(e, 0, sizeof *e);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->name, sizeof e->name, fmt, ap);
    va_end(ap);
    e->kind = kind;
    e->arg = arg;
    snprintf(e->unit, sizeof e->unit, "%s", unit ? unit : "");
}

/* Provider: the transport engine's substrates. */
static void provide_substrates(table_builder *b, const stroma_model *m) {
    for (int s = 0; s < m->nsub; s++) {
        const char *n = m->substrates[s].name, *u = m->substrates[s].unit;
        char gu[48];
        snprintf(gu, sizeof gu, "%s/µm", u[0] ? u : "unit");
        add_signal(b, STROMA_SIG_SUBSTRATE, s, u, "%s", n);
        add_signal(b, STROMA_SIG_SUBSTRATE_GRADIENT, s, gu, "%s gradient", n);
        if (stroma_vesicle_class_of(m, s) >= 0) continue; /* vesicles: release and uptake (provide_vesicles) */
        add_behaviour(b, STROMA_BEH_SECRETION, s, "1/min", "%s secretion", n);
        add_behaviour(b, STROMA_BEH_SECRETION_TARGET, s, u, "%s secretion target", n);
        add_behaviour(b, STROMA_BEH_UPTAKE, s, "1/min", "%s uptake", n);
        add_behaviour(b, STROMA_BEH_EXPORT, s, "amount/min", "%s export", n);
        add_behaviour(b, STROMA_BEH_CHEMOTAXIS, s, "", "chemotactic response to %s", n);
    }
}

/* Provider: the cell engine (contacts, mechanics, cycle, death, motility, interactions). */
static void provide_cells(table_builder *b, const stroma_model *m) {
    for (int k = 0; k < m->ntypes; k++)
        add_signal(b, STROMA_SIG_CONTACT_TYPE, k, "cells", "contact with %s", m->cell_types[k].name);
    add_signal(b, STROMA_SIG_CONTACT_LIVE, 0, "cells", "contact with live cell");
    add_signal(b, STROMA_SIG_CONTACT_DEAD, 0, "cells", "contact with dead cell");
    add_signal(b, STROMA_SIG_PRESSURE, 0, "", "pressure");
    add_signal(b, STROMA_SIG_VOLUME, 0, "µm³", "volume");
    add_signal(b, STROMA_SIG_TIME, 0, "min", "time");
    add_signal(b, STROMA_SIG_AGE, 0, "min", "age");
    add_signal(b, STROMA_SIG_DAMAGE, 0, "", "damage");
    add_signal(b, STROMA_SIG_APOPTOTIC, 0, "", "apoptotic");
    add_signal(b, STROMA_SIG_NECROTIC, 0, "", "necrotic");
    add_signal(b, STROMA_SIG_DEAD, 0, "", "dead");
    add_signal(b, STROMA_SIG_DAMAGE_DELIVERED, 0, "", "damage delivered");
    add_signal(b, STROMA_SIG_ATTACK_TIME, 0, "min", "total attack time");
    add_signal(b, STROMA_SIG_ATTACKING, 0, "", "attacking");
    add_behaviour(b, STROMA_BEH_CYCLE_ENTRY, 0, "1/min", "cycle entry");
    add_behaviour(b, STROMA_BEH_APOPTOSIS, 0, "1/min", "apoptosis");
    add_behaviour(b, STROMA_BEH_NECROSIS, 0, "1/min", "necrosis");
    add_behaviour(b, STROMA_BEH_SPEED, 0, "µm/min", "migration speed");
    add_behaviour(b, STROMA_BEH_PERSISTENCE, 0, "min", "migration persistence time");
    add_behaviour(b, STROMA_BEH_BIAS, 0, "", "migration bias");
    add_behaviour(b, STROMA_BEH_KILL_RATE, 0, "1/min", "kill rate");
    add_behaviour(b, STROMA_BEH_ATTACK_DAMAGE, 0, "damage/min", "attack damage rate");
    add_behaviour(b, STROMA_BEH_ATTACK_DURATION, 0, "min", "attack duration");
    add_behaviour(b, STROMA_BEH_DAMAGE_RATE, 0, "damage/min", "damage rate");
    add_behaviour(b, STROMA_BEH_DAMAGE_REPAIR, 0, "1/min", "damage repair rate");
    add_behaviour(b, STROMA_BEH_ADHESION, 0, "µm/min", "cell-cell adhesion");
    add_behaviour(b, STROMA_BEH_REPULSION, 0, "µm/min", "cell-cell repulsion");
    add_behaviour(b, STROMA_BEH_PHAGOCYTOSE_DEAD, 0, "1/min", "phagocytose dead cell");
    add_behaviour(b, STROMA_BEH_PHAGOCYTOSE_APOPTOTIC, 0, "1/min", "phagocytose apoptotic cell");
    add_behaviour(b, STROMA_BEH_PHAGOCYTOSE_NECROTIC, 0, "1/min", "phagocytose necrotic cell");
    for (int k = 0; k < m->ntypes; k++) {
        const char *n = m->cell_types[k].name;
        add_behaviour(b, STROMA_BEH_TRANSFORM, k, "1/min", "transform to %s", n);
        add_behaviour(b, STROMA_BEH_ATTACK, k, "1/min", "attack %s", n);
        add_behaviour(b, STROMA_BEH_PHAGOCYTOSE, k, "1/min", "phagocytose %s", n);
    }
}

/* Provider: named internal state variables: a cell's own value, and the sum of the values of the live cells
 * touching it ("<variable> in contact": names have no spaces, so it cannot clash with "contact with <type>"). */
static void provide_state(table_builder *b, const stroma_model *m) {
    for (int v = 0; v < m->nstate; v++) {
        const char *n = m->state_vars[v].name;
        add_signal(b, STROMA_SIG_STATE, v, "", "%s", n);
        add_signal(b, STROMA_SIG_STATE_CONTACT, v, "", "%s in contact", n);
        add_behaviour(b, STROMA_BEH_STATE_PRODUCTION, v, "1/min", "%s production", n);
        add_behaviour(b, STROMA_BEH_STATE_DECAY, v, "1/min", "%s decay", n);
    }
}

/* Provider: the body (model/body.h): the vessel density a cell sits in and the behaviours that lay down or
 * prune vessel (models with vessels), the matrix density and the behaviours that lay down or degrade it
 * (models with an ecm section), and each systemic substrate's plasma value (models with a body). */
static void provide_body(table_builder *b, const stroma_model *m) {
    if (m->vessels.present) {
        add_signal(b, STROMA_SIG_VESSEL_DENSITY, 0, "volume fraction", "vessel density");
        add_behaviour(b, STROMA_BEH_VESSEL_DEPOSIT, 0, "1/min", "vessel deposition");
        add_behaviour(b, STROMA_BEH_VESSEL_PRUNE, 0, "1/min", "vessel pruning");
    }
    if (m->ecm.present) {
        add_signal(b, STROMA_SIG_ECM, 0, "mg/mL", "ECM density");
        add_behaviour(b, STROMA_BEH_ECM_DEPOSIT, 0, "mg/mL/min", "ECM deposition");
        add_behaviour(b, STROMA_BEH_ECM_DEGRADE, 0, "1/min", "ECM degradation");
    }
    for (int k = 0; m->body.present && k < m->body.nsystemic; k++) {
        const stroma_systemic_desc *d = &m->body.systemic[k];
        add_signal(b, STROMA_SIG_PLASMA, k, d->unit, "plasma %s", m->substrates[d->substrate].name);
    }
}

/* Provider: extracellular vesicles (models with a vesicles section): each class's field is a substrate (its
 * signals come from provide_substrates); cells release and take it up. */
static void provide_vesicles(table_builder *b, const stroma_model *m) {
    for (int k = 0; m->vesicles.present && k < m->vesicles.nclasses; k++) {
        const char *n = m->vesicles.classes[k].name;
        add_behaviour(b, STROMA_BEH_VESICLE_RELEASE, k, "vesicles/min", "%s release", n);
        add_behaviour(b, STROMA_BEH_VESICLE_UPTAKE, k, "vesicles/min", "%s uptake", n);
    }
}

/* Provider: asymmetric division (cycle.asymmetric_division): the probability that a division makes the daughter
 * each type. Added last so that the earlier entries keep their indices. */
static void provide_division(table_builder *b, const stroma_model *m) {
    for (int k = 0; k < m->ntypes; k++)
        add_behaviour(b, STROMA_BEH_ASYM_DIVISION, k, "", "asymmetric division to %s", m->cell_types[k].name);
}

/* Sorting entries by (name, index) for the lookups: the name is the first member of both entry types. */
typedef struct name_ref {
    const char *name;
    int index;
} name_ref;

static int name_ref_cmp(const void *pa, const void *pb) {
    const name_ref *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* order[0..n) = the indices of the n entries (stride bytes apart from `first`) sorted by (name, index). */
static int *sorted_order(const void *first, size_t stride, int n) {
    name_ref *refs = malloc((size_t)(n > 0 ? n : 1) * sizeof *refs);
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (!refs || !order) {
        free(refs);
        free(order);
        return NULL;
    }
    for (int i = 0; i < n; i++) refs[i] = (name_ref){(const char *)first + (size_t)i * stride, i};
    qsort(refs, (size_t)n, sizeof *refs, name_ref_cmp);
    for (int i = 0; i < n; i++) order[i] = refs[i].index;
    free(refs);
    return order;
}

/* The entries named `name` among n sorted by `order`: their count, *at the position of the first in order. */
static int equal_range(const void *first, size_t stride, const int *order, int n, const char *name, int *at) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp((const char *)first + (size_t)order[mid] * stride, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int end = lo;
    while (end < n && strcmp((const char *)first + (size_t)order[end] * stride, name) == 0) end++;
    *at = lo;
    return end - lo;
}

int stroma_rule_tables_build(stroma_model *m) {
    stroma_rule_tables_free(&m->rule_tables);
    table_builder b = {&m->rule_tables, 0, 0, 0};
    provide_substrates(&b, m);
    provide_cells(&b, m);
    provide_state(&b, m);
    provide_body(&b, m);
    provide_vesicles(&b, m);
    provide_division(&b, m);
    if (!b.failed) {
        stroma_rule_tables *t = &m->rule_tables;
        t->signal_order = sorted_order(t->signals, sizeof *t->signals, t->nsignals);
        t->behaviour_order = sorted_order(t->behaviours, sizeof *t->behaviours, t->nbehaviours);
        b.failed = !t->signal_order || !t->behaviour_order;
    }
    if (b.failed) {
        stroma_rule_tables_free(&m->rule_tables);
        return -1;
    }
    return 0;
}

void stroma_rule_tables_free(stroma_rule_tables *t) {
    free(t->signals);
    free(t->behaviours);
    free(t->signal_order);
    free(t->behaviour_order);
    memset(t, 0, sizeof *t);
}

int stroma_rule_signals_named(const stroma_rule_tables *t, const char *name, const int **idx) {
    int at = 0;
    int n = t->signal_order ? equal_range(t->signals, sizeof *t->signals, t->signal_order, t->nsignals, name, &at) : 0;
    *idx = t->signal_order ? t->signal_order + at : NULL;
    return n;
}

int stroma_rule_signal_find(const stroma_rule_tables *t, const char *name) {
    const char *plain = strncmp(name, "custom:", 7) == 0 ? name + 7 : name;
    const int *idx;
    int n = stroma_rule_signals_named(t, plain, &idx);
    for (int k = 0; k < n; k++)
        if (plain == name || t->signals[idx[k]].kind == STROMA_SIG_STATE) return idx[k];
    return -1;
}

int stroma_rule_behaviour_find(const stroma_rule_tables *t, const char *name) {
    if (!t->behaviour_order) return -1;
    int at = 0;
    int n = equal_range(t->behaviours, sizeof *t->behaviours, t->behaviour_order, t->nbehaviours, name, &at);
    return n > 0 ? t->behaviour_order[at] : -1;
}

double stroma_rule_behaviour_base(const stroma_model *m, int type, int behaviour) {
    const stroma_cell_type_desc *T = &m->cell_types[type];
    const stroma_behaviour_entry *e = &m->rule_tables.behaviours[behaviour];
    int a = e->arg;
    switch (e->kind) {
    case STROMA_BEH_CYCLE_ENTRY:
        if (T->cycle == STROMA_CYCLE_EXPONENTIAL && T->cycle_mean_min > 0) return 1.0 / T->cycle_mean_min;
        /* phased: the exit rate (exponential) or inverse duration (fixed) of phase 0, as in PhysiCell */
        if (T->cycle == STROMA_CYCLE_PHASES && T->nphases > 0 && T->phase_min[0] > 0) return 1.0 / T->phase_min[0];
        return 0.0;
    case STROMA_BEH_APOPTOSIS: return T->apoptosis_per_min;
    case STROMA_BEH_NECROSIS: return T->necrosis_max_per_min;
    case STROMA_BEH_SPEED: return T->speed_um_per_min;
    case STROMA_BEH_PERSISTENCE: return T->persistence_min;
    case STROMA_BEH_BIAS: return T->bias;
    case STROMA_BEH_SECRETION: return T->secretion_per_min[a];
    case STROMA_BEH_SECRETION_TARGET: return T->saturation[a];
    case STROMA_BEH_UPTAKE: return T->uptake_per_min[a];
    case STROMA_BEH_EXPORT: return T->export_per_min[a];
    case STROMA_BEH_CHEMOTAXIS: return T->chemotaxis_sensitivity ? T->chemotaxis_sensitivity[a] : 0.0;
    case STROMA_BEH_TRANSFORM: return T->transform_per_min[a];
    case STROMA_BEH_ASYM_DIVISION: return T->asym_division ? T->asym_division[a] : 0.0;
    case STROMA_BEH_ATTACK: return T->attack_per_min[a];
    case STROMA_BEH_PHAGOCYTOSE: return T->phagocytose_per_min[a];
    case STROMA_BEH_PHAGOCYTOSE_DEAD: {
        double mx = 0;
        for (int k = 0; k < m->ntypes; k++)
            if (T->phagocytose_per_min[k] > mx) mx = T->phagocytose_per_min[k];
        return mx;
    }
    case STROMA_BEH_PHAGOCYTOSE_APOPTOTIC: return T->phagocytose_apoptotic_per_min;
    case STROMA_BEH_PHAGOCYTOSE_NECROTIC: return T->phagocytose_necrotic_per_min;
    case STROMA_BEH_KILL_RATE: return T->kill_per_min;
    case STROMA_BEH_ATTACK_DAMAGE: return T->attack_damage_per_min;
    case STROMA_BEH_ATTACK_DURATION: return T->attach_duration_min;
    case STROMA_BEH_DAMAGE_RATE: return T->damage_per_min;
    case STROMA_BEH_DAMAGE_REPAIR: return T->damage_repair_per_min;
    case STROMA_BEH_ADHESION: return T->adhesion_um_per_min;
    case STROMA_BEH_REPULSION: return T->repulsion_um_per_min;
    case STROMA_BEH_STATE_PRODUCTION: return m->state_vars[a].production[type];
    case STROMA_BEH_STATE_DECAY: return m->state_vars[a].decay[type];
    case STROMA_BEH_VESSEL_DEPOSIT: /* cell types lay down or prune vessel only through rules */
    case STROMA_BEH_VESSEL_PRUNE: return 0.0;
    case STROMA_BEH_ECM_DEPOSIT: return m->ecm.present && m->ecm.deposition ? m->ecm.deposition[type] : 0.0;
    case STROMA_BEH_ECM_DEGRADE: return 0.0; /* cells degrade matrix through rules (or the protease field) */
    case STROMA_BEH_VESICLE_RELEASE:
        return m->vesicles.classes[a].release ? m->vesicles.classes[a].release[type] : 0.0;
    case STROMA_BEH_VESICLE_UPTAKE:
        return m->vesicles.classes[a].uptake_rate ? m->vesicles.classes[a].uptake_rate[type] : 0.0;
    }
    return 0.0;
}

void stroma_rule_behaviour_range(const stroma_model *m, int behaviour, double *lo, double *hi) {
    double a = 0, b = 0;
#define WIDEN(v)                                                                                             \
    do {                                                                                                     \
        double v_ = (v);                                                                                     \
        if (v_ < a) a = v_;                                                                                  \
        if (v_ > b) b = v_;                                                                                  \
    } while (0)
    for (int t = 0; t < m->ntypes; t++) WIDEN(stroma_rule_behaviour_base(m, t, behaviour));
    for (int k = 0; k < m->nrules; k++)
        if (m->rules[k].behaviour == behaviour) WIDEN(m->rules[k].saturation);
    for (int g = 0; g < m->ninitial; g++) {
        const stroma_initial_cells_desc *ic = &m->initial_cells[g];
        for (int col = 0; col < ic->ncols; col++)
            if (ic->col_behaviour[col] == behaviour)
                for (int k = 0; k < ic->count; k++) {
                    double v = ic->csv_values[(size_t)k * (size_t)ic->ncols + (size_t)col];
                    if (!isnan(v)) WIDEN(v);
                }
    }
#undef WIDEN
    /* necrosis slots hold -1 where the oxygen ramp decides (cells/rules.c) */
    if (m->rule_tables.behaviours[behaviour].kind == STROMA_BEH_NECROSIS) a = -1;
    *lo = a;
    *hi = b;
}

int stroma_rule_behaviour_of(const stroma_rule_tables *t, stroma_behaviour_kind kind, int arg) {
    for (int b = 0; b < t->nbehaviours; b++)
        if (t->behaviours[b].kind == kind && t->behaviours[b].arg == arg) return b;
    return -1;
}

size_t stroma_rule_describe(const stroma_model *m, const stroma_rule_desc *r, char *buf, size_t cap) {
    const stroma_signal_entry *s = &m->rule_tables.signals[r->signal];
    const stroma_behaviour_entry *b = &m->rule_tables.behaviours[r->behaviour];
    double base = stroma_rule_behaviour_base(m, r->type, r->behaviour);
    const char *gloss =
        s->kind == STROMA_SIG_STATE_CONTACT ? " (summed over the live cells touching or attached to it)" : "";
    int n = snprintf(buf, cap, "in %s, %s%s %s %s from %g to %g%s%s, half-max %g%s%s, Hill %g%s",
                     m->cell_types[r->type].name, s->name, gloss, r->direction > 0 ? "increases" : "decreases", b->name,
                     base, r->saturation, b->unit[0] ? " " : "", b->unit, r->half_max, s->unit[0] ? " " : "",
                     s->unit, r->hill, r->apply_to_dead ? " (also in dead cells)" : "");
    return n < 0 ? 0 : (size_t)n;
}
