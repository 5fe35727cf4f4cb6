/* The rules engine: evaluates a model's rules (model/rules.h) for every cell at each phenotype step and
 * stores the resulting behaviour values per cell; the cell engine reads behaviours through the slots here.
 * Each behaviour that any rule controls gets a slot; a cell's slot holds the rule-combined value for its
 * type (or the type's base value when no rule of its type touches that behaviour). */
#ifndef STROMA_CELLS_RULES_H
#define STROMA_CELLS_RULES_H

#include "model/model.h"
#include "stroma/error.h"

/* Cell types the rules engine handles (the loader allows at most this many). */
#define STROMA_MAX_CELL_TYPES_RULES 100

typedef struct stroma_rules_engine {
    const stroma_model *model;   /* borrowed */
    stroma_rules_law law;        /* the model's rules_law */
    int ntypes, nstate, nslots;
    int *slot_of;                /* [nbehaviours] slot or -1 */
    int *slot_beh;               /* [nslots] behaviour index */
    double *base;                /* [ntypes * nslots] base value per type */
    double *lo, *hi;             /* [ntypes * nslots] PhysiCell's shared minimum and maximum (physicell law only) */
    int *grp_start;              /* [ntypes * nslots + 1] rules of (type, slot) are rule_idx[grp_start..] */
    int *rule_idx;               /* [nrules] */
    int needs_contacts;
    /* "<variable> in contact": the variables some rule reads summed over a cell's contacts (none: no cost) */
    int ncontact_vars;
    int *contact_col;            /* [nstate] column of variable v in the per-cell contact sums, or -1 */
    int *contact_var;            /* [ncontact_vars] the variable of each column, in variable order */
    /* slots of the behaviours the cell engine reads (-1 = not rule-controlled: use the type's value) */
    int s_cycle, s_apop, s_necro, s_speed, s_persist, s_bias, s_kill, s_phago_dead, s_phago_apop, s_phago_necro;
    int s_attack_damage, s_attack_duration, s_damage, s_repair, s_adhesion, s_repulsion;
    int *s_transform, *s_attack, *s_phago; /* [ntypes] */
    int *s_prod, *s_decay;                  /* [nstate] */
    int *s_chemo;                           /* [nsub] chemotactic sensitivity to each substrate */
    int *s_asym;                            /* [ntypes] asymmetric division to each type */
    /* [ntypes * nslots] 1: a drug inhibits that behaviour of that type (therapies.drugs.<name>.inhibit): live
     * cells re-evaluate it every phenotype step, rules or not, and scale it by the engine's drug_seen; NULL: none */
    unsigned char *inhibited;
} stroma_rules_engine;

/* Build the engine for a validated model (NULL-safe to free afterwards even on failure). */
stroma_code stroma_rules_init(stroma_rules_engine *r, const stroma_model *model, stroma_error *err);
void stroma_rules_free(stroma_rules_engine *r);

/* Does any rule of cells of `type` act on slot s? (a slot exists once any type has a rule on its behaviour) */
static inline int stroma_rules_type_has(const stroma_rules_engine *r, int type, int slot) {
    size_t k = (size_t)type * (size_t)r->nslots + (size_t)slot;
    return slot >= 0 && r->grp_start[k] < r->grp_start[k + 1];
}

/* Combine one behaviour's rules (see model/rules.h): b0 base, x[i] = (s_i/h_i)^n_i, sat[i], dir[i]. */
double stroma_rules_combine(double b0, int n, const double *x, const double *sat, const int *dir);

/* PhysiCell's law (model/rules.h, docs/rules.md): U = b0 + (hi - b0) H_up, b = U + (lo - U) H_down, where H_up
 * (H_down) is S / (1 + S) over the sum S of the increasing (decreasing) rules' x[i] = (s_i/h_i)^n_i, and lo, hi
 * are the behaviour's shared extremes (stroma_rules_physicell_extremes over all its rules). */
double stroma_rules_combine_physicell(double b0, double lo, double hi, int n, const double *x, const int *dir);

/* PhysiCell's shared extremes of one behaviour from its rules' saturations and directions: hi the largest
 * increasing saturation (and b0 if a decreasing rule exists), lo the smallest decreasing one (and b0 if an
 * increasing rule exists). */
void stroma_rules_physicell_extremes(double b0, int n, const double *sat, const int *dir, double *lo, double *hi);

/* Hill term (s/h)^n for s >= 0 (negative signals count as 0). */
double stroma_rules_hill(double s, double half_max, double hill);

#endif
