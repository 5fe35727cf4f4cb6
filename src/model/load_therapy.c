/* Loading of the `therapies:` section (drugs: pharmacokinetics, regimens, tissue field, mechanisms). The walk
 * (load.c) stores its values through load_therapy_store / load_therapy_item / load_therapy_map_done, converting
 * the label units of the file (days, L/day) into the simulator's (min, L/min) once; after it,
 * load_check_therapy resolves the names (substrates, cell types, state variables) and checks what needs several
 * keys: a drug's field must cross the vessel wall and must not be systemic, mg/kg doses need a body weight, a
 * subcutaneous regimen needs an absorption rate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/rules_tables.h"
#include "model/schema.h"
#include "util/error_impl.h"

#define MIN_PER_DAY 1440.0

/* An entry of cytotoxic.types: the type as written and its weight. */
typedef struct therapy_weight {
    int drug;
    load_name type;
    double value;
} therapy_weight;

/* The names a drug was written with, resolved after the walk. */
typedef struct drug_names {
    load_name substrate, neutralise, block, deplete, resistance, ligand, vesicle, inhibit_type, inhibit_beh;
    int mechanism;            /* a mechanism was given */
    stroma_srcloc mechanism_at;
    int per_kg;               /* a regimen gives dose_per_kg */
    stroma_srcloc per_kg_at;
    int subcutaneous;         /* a regimen is subcutaneous */
    stroma_srcloc subcutaneous_at;
    double half_life_min;     /* pk.half_life, 0: not given */
    int regimens_cap;
} drug_names;

/* An entry of radiotherapy.types: the type as written and its coefficients. */
typedef struct rt_entry {
    load_name type;
    double alpha, beta;
} rt_entry;

struct load_therapy_walk {
    load_name *inf_types;     /* parallel to m->therapies.infusions */
    int inf_cap, inf_types_cap;
    rt_entry *rt;
    int nrt, rt_cap;
    load_name rt_oxygen, rt_resistance;
    int rt_given;
    stroma_srcloc rt_at;
    drug_names *names;        /* parallel to m->therapies.drugs */
    int drugs_cap, names_cap, cur;
    therapy_weight *weights;
    int nweights, weights_cap;
    stroma_srcloc body_weight_at;
};

static int is_therapy(int id) { return id >= STROMA_KEY_THERAPIES && id <= STROMA_KEY_INFUSION_CELLS; }

static struct load_therapy_walk *therapy_walk(loader *ld) {
    if (!ld->therapy) {
        ld->therapy = calloc(1, sizeof *ld->therapy);
        if (!ld->therapy) ld->nomem = 1;
    }
    return ld->therapy;
}

void load_therapy_free(loader *ld) {
    if (!ld->therapy) return;
    free(ld->therapy->names);
    free(ld->therapy->weights);
    free(ld->therapy->rt);
    free(ld->therapy->inf_types);
    free(ld->therapy);
    ld->therapy = NULL;
}

int load_therapy_carries(const loader *ld, const char *name) {
    const struct load_therapy_walk *w = ld->therapy;
    for (int k = 0; w && k < ld->m->therapies.ndrugs; k++)
        if (w->names[k].substrate.ok && strcmp(w->names[k].substrate.name, name) == 0) return 1;
    return 0;
}

static void set_name(load_name *n, const load_value *v) {
    snprintf(n->name, sizeof n->name, "%s", v->str);
    n->ok = 1;
    n->loc = v->loc;
}

void load_therapy_store(loader *ld, int id, const load_value *v) {
    if (!is_therapy(id)) return;
    struct load_therapy_walk *w = therapy_walk(ld);
    stroma_therapies_desc *th = &ld->m->therapies;
    if (!w) return;
    stroma_radiotherapy_desc *rt = &th->radiotherapy;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_THERAPIES_BODY_WEIGHT:
        th->body_weight_kg = v->num;
        w->body_weight_at = v->loc;
        return;
    case STROMA_KEY_RT_START: rt->start_min = v->num * MIN_PER_DAY; return;
    case STROMA_KEY_RT_DOSE: rt->dose_gy = v->num; return;
    case STROMA_KEY_RT_INTERVAL: rt->interval_min = v->num * MIN_PER_DAY; return;
    case STROMA_KEY_RT_FRACTIONS: rt->fractions = (int)v->integer; return;
    case STROMA_KEY_RT_ALPHA:
        if (w->nrt > 0) w->rt[w->nrt - 1].alpha = v->num;
        return;
    case STROMA_KEY_RT_BETA:
        if (w->nrt > 0) w->rt[w->nrt - 1].beta = v->num;
        return;
    case STROMA_KEY_RT_OXYGEN: set_name(&w->rt_oxygen, v); return;
    case STROMA_KEY_RT_OER: rt->oer = v->num; return;
    case STROMA_KEY_RT_OXYGEN_HALF: rt->oxygen_half_mmhg = v->num; return;
    case STROMA_KEY_RT_RESISTANCE: set_name(&w->rt_resistance, v); return;
    case STROMA_KEY_INFUSION_TYPE:
        if (th->ninfusions > 0) set_name(&w->inf_types[th->ninfusions - 1], v);
        return;
    case STROMA_KEY_INFUSION_DAY:
        if (th->ninfusions > 0) th->infusions[th->ninfusions - 1].time_min = v->num * MIN_PER_DAY;
        return;
    case STROMA_KEY_INFUSION_CELLS:
        if (th->ninfusions > 0) th->infusions[th->ninfusions - 1].cells = (int)v->integer;
        return;
    default: break;
    }
    if (!th->drugs) return;
    stroma_drug_desc *d = &th->drugs[w->cur];
    drug_names *n = &w->names[w->cur];
    stroma_regimen_desc *r = d->nregimens > 0 ? &d->regimens[d->nregimens - 1] : NULL;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_DRUG_SUBSTRATE: set_name(&n->substrate, v); break;
    case STROMA_KEY_DRUG_CONVERSION: d->conversion = v->num; break;
    case STROMA_KEY_DRUG_PK_COMPARTMENTS: d->compartments = (int)v->integer; break;
    case STROMA_KEY_DRUG_PK_CENTRAL_VOLUME: d->vc_l = v->num; break;
    case STROMA_KEY_DRUG_PK_PERIPHERAL_VOLUME: d->vp_l = v->num; break;
    case STROMA_KEY_DRUG_PK_CLEARANCE: d->cl_l_per_min = v->num / MIN_PER_DAY; break;
    case STROMA_KEY_DRUG_PK_HALF_LIFE: n->half_life_min = v->num * MIN_PER_DAY; break;
    case STROMA_KEY_DRUG_PK_INTERCOMPARTMENTAL: d->q_l_per_min = v->num / MIN_PER_DAY; break;
    case STROMA_KEY_DRUG_PK_ABSORPTION: d->ka_per_min = v->num / MIN_PER_DAY; break;
    case STROMA_KEY_DRUG_PK_BIOAVAILABILITY: d->bioavailability = v->num; break;
    case STROMA_KEY_REGIMEN_ROUTE:
        if (!r) break;
        r->route = (int)v->integer;
        if (r->route == STROMA_ROUTE_SUBCUTANEOUS && !n->subcutaneous) {
            n->subcutaneous = 1;
            n->subcutaneous_at = v->loc;
        }
        break;
    case STROMA_KEY_REGIMEN_START:
        if (r) r->start_min = v->num * MIN_PER_DAY;
        break;
    case STROMA_KEY_REGIMEN_DOSE:
        if (r) r->dose = v->num;
        break;
    case STROMA_KEY_REGIMEN_DOSE_PER_KG:
        if (!r) break;
        r->dose = v->num;
        r->per_kg = 1;
        if (!n->per_kg) {
            n->per_kg = 1;
            n->per_kg_at = v->loc;
        }
        break;
    case STROMA_KEY_REGIMEN_INTERVAL:
        if (r) r->interval_min = v->num * MIN_PER_DAY;
        break;
    case STROMA_KEY_REGIMEN_CYCLES:
        if (r) r->cycles = (int)v->integer;
        break;
    case STROMA_KEY_REGIMEN_DURATION:
        if (r) r->duration_min = v->num;
        break;
    case STROMA_KEY_DRUG_NEUTRALISE_SUBSTRATE: set_name(&n->neutralise, v); break;
    case STROMA_KEY_DRUG_NEUTRALISE_K_ON: d->neutralise.k_on = v->num; break;
    case STROMA_KEY_DRUG_BLOCK_SIGNAL: set_name(&n->block, v); break;
    case STROMA_KEY_DRUG_BLOCK_EC50: d->block.ec50 = v->num; break;
    case STROMA_KEY_DRUG_DEPLETE_TYPE: set_name(&n->deplete, v); break;
    case STROMA_KEY_DRUG_DEPLETE_RATE: d->deplete.rate_per_min = v->num; break;
    case STROMA_KEY_DRUG_DEPLETE_EC50: d->deplete.ec50 = v->num; break;
    case STROMA_KEY_DRUG_INHIBIT_TYPE: set_name(&n->inhibit_type, v); break;
    case STROMA_KEY_DRUG_INHIBIT_BEHAVIOUR: set_name(&n->inhibit_beh, v); break;
    case STROMA_KEY_DRUG_INHIBIT_EC50: d->inhibit.ec50 = v->num; break;
    case STROMA_KEY_DRUG_CHECKPOINT_LIGAND: set_name(&n->ligand, v); break;
    case STROMA_KEY_DRUG_CHECKPOINT_EC50: d->checkpoint.ec50 = v->num; break;
    case STROMA_KEY_DRUG_BLOCK_RELEASE_VESICLE: set_name(&n->vesicle, v); break;
    case STROMA_KEY_DRUG_BLOCK_RELEASE_EC50: d->block_release.ec50 = v->num; break;
    case STROMA_KEY_DRUG_CYTOTOXIC_RATE: d->cytotoxic.rate_per_min = v->num; break;
    case STROMA_KEY_DRUG_CYTOTOXIC_EC50: d->cytotoxic.ec50 = v->num; break;
    case STROMA_KEY_DRUG_CYTOTOXIC_TYPE:
        if (w->nweights > 0) w->weights[w->nweights - 1].value = v->num;
        break;
    case STROMA_KEY_DRUG_CYTOTOXIC_RESISTANCE: set_name(&n->resistance, v); break;
    default: break; /* containers */
    }
}

int load_therapy_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at) {
    (void)path;
    if (id != STROMA_KEY_DRUG && id != STROMA_KEY_DRUG_REGIMEN && id != STROMA_KEY_DRUG_CYTOTOXIC_TYPE &&
        id != STROMA_KEY_RT_TYPE && id != STROMA_KEY_INFUSION)
        return 0;
    struct load_therapy_walk *w = therapy_walk(ld);
    if (!w) return -1;
    if (id == STROMA_KEY_INFUSION) {
        stroma_therapies_desc *tt = &ld->m->therapies;
        if (load_grow((void **)&tt->infusions, &w->inf_cap, tt->ninfusions + 1, sizeof *tt->infusions) ||
            load_grow((void **)&w->inf_types, &w->inf_types_cap, tt->ninfusions + 1, sizeof *w->inf_types))
            return -1;
        stroma_infusion_desc *f = &tt->infusions[tt->ninfusions];
        memset(f, 0, sizeof *f);
        memset(&w->inf_types[tt->ninfusions], 0, sizeof *w->inf_types);
        f->type = -1;
        f->loc = at;
        tt->ninfusions++;
        return 0;
    }
    if (id == STROMA_KEY_RT_TYPE) {
        if (load_grow((void **)&w->rt, &w->rt_cap, w->nrt + 1, sizeof *w->rt)) return -1;
        rt_entry *e = &w->rt[w->nrt++];
        memset(e, 0, sizeof *e);
        snprintf(e->type.name, sizeof e->type.name, "%s", name);
        e->type.ok = 1;
        e->type.loc = at;
        return 0;
    }
    stroma_therapies_desc *th = &ld->m->therapies;
    if (id == STROMA_KEY_DRUG) {
        if (load_grow((void **)&th->drugs, &w->drugs_cap, th->ndrugs + 1, sizeof *th->drugs) ||
            load_grow((void **)&w->names, &w->names_cap, th->ndrugs + 1, sizeof *w->names))
            return -1;
        stroma_drug_desc *d = &th->drugs[th->ndrugs];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", name);
        d->compartments = 1;
        d->bioavailability = 1;
        d->conversion = 1;
        d->substrate = d->neutralise.substrate = d->block.substrate = d->deplete.type = -1;
        d->cytotoxic.resistance = d->checkpoint.ligand = d->block_release.substrate = -1;
        d->inhibit.type = d->inhibit.behaviour = -1;
        d->loc = at;
        memset(&w->names[th->ndrugs], 0, sizeof *w->names);
        w->cur = th->ndrugs++;
        return 0;
    }
    if (!th->drugs) return 0;
    stroma_drug_desc *d = &th->drugs[w->cur];
    if (id == STROMA_KEY_DRUG_REGIMEN) {
        if (load_grow((void **)&d->regimens, &w->names[w->cur].regimens_cap, d->nregimens + 1, sizeof *d->regimens))
            return -1;
        stroma_regimen_desc *r = &d->regimens[d->nregimens++];
        memset(r, 0, sizeof *r);
        r->cycles = 1;
        r->loc = at;
        return 0;
    }
    if (load_grow((void **)&w->weights, &w->weights_cap, w->nweights + 1, sizeof *w->weights)) return -1;
    therapy_weight *e = &w->weights[w->nweights++];
    memset(e, 0, sizeof *e);
    e->drug = w->cur;
    snprintf(e->type.name, sizeof e->type.name, "%s", name);
    e->type.ok = 1;
    e->type.loc = at;
    return 0;
}

/* "missing required key <path>.<key> (<why>)" or "<path>.<key> <why>" at the key. */
static int need(loader *ld, const stroma_yaml_node *const *keys, int key, int want, const char *path,
                stroma_srcloc at, const char *why) {
    const stroma_yaml_node *k = keys[key];
    if (want && !k) {
        load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.%s (%s)", path, stroma_schema_key_name(key),
                   why);
        return 0;
    }
    if (!want && k) {
        load_error(ld, STROMA_ERR_RANGE, (stroma_srcloc){k->line, k->column}, "%s.%s is refused: %s", path,
                   stroma_schema_key_name(key), why);
        return 0;
    }
    return 1;
}

int load_therapy_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                          const int *valid, int ok) {
    struct load_therapy_walk *w = ld->therapy;
    stroma_therapies_desc *th = &ld->m->therapies;
    if (id == STROMA_KEY_RT) {
        if (!w && !(w = therapy_walk(ld))) return 0;
        w->rt_given = 1;
        w->rt_at = at;
        if (keys[STROMA_KEY_RT_FRACTIONS] && valid[STROMA_KEY_RT_FRACTIONS] && th->radiotherapy.fractions > 1)
            ok &= need(ld, keys, STROMA_KEY_RT_INTERVAL, 1, path, at, "required when fractions > 1");
        return ok;
    }
    if (!w || !th->drugs) return ok;
    stroma_drug_desc *d = &th->drugs[w->cur];
    drug_names *n = &w->names[w->cur];
    switch (id) {
    case STROMA_KEY_DRUG_PK: {
        int two = keys[STROMA_KEY_DRUG_PK_COMPARTMENTS] && valid[STROMA_KEY_DRUG_PK_COMPARTMENTS] &&
                  d->compartments == 2;
        const char *why2 = two ? "with 2 compartments" : "with 1 compartment";
        ok &= need(ld, keys, STROMA_KEY_DRUG_PK_PERIPHERAL_VOLUME, two, path, at, why2);
        ok &= need(ld, keys, STROMA_KEY_DRUG_PK_INTERCOMPARTMENTAL, two, path, at, why2);
        int cl = keys[STROMA_KEY_DRUG_PK_CLEARANCE] != NULL, hl = keys[STROMA_KEY_DRUG_PK_HALF_LIFE] != NULL;
        if (cl == hl) {
            const stroma_yaml_node *k = keys[STROMA_KEY_DRUG_PK_HALF_LIFE];
            load_error(ld, cl ? STROMA_ERR_RANGE : STROMA_ERR_MISSING, k ? (stroma_srcloc){k->line, k->column} : at,
                       "%s: give exactly one of clearance [L/day] and half_life [day]", path);
            ok = 0;
        } else if (hl && two) {
            ok &= need(ld, keys, STROMA_KEY_DRUG_PK_HALF_LIFE, 0, path, at,
                       "a two-compartment drug has two half-lives; give clearance");
        }
        return ok;
    }
    case STROMA_KEY_DRUG_REGIMEN: {
        stroma_regimen_desc *r = d->nregimens > 0 ? &d->regimens[d->nregimens - 1] : NULL;
        if (!r) return ok;
        int dose = keys[STROMA_KEY_REGIMEN_DOSE] != NULL, per_kg = keys[STROMA_KEY_REGIMEN_DOSE_PER_KG] != NULL;
        if (dose == per_kg) {
            const stroma_yaml_node *k = keys[STROMA_KEY_REGIMEN_DOSE_PER_KG];
            load_error(ld, dose ? STROMA_ERR_RANGE : STROMA_ERR_MISSING, k ? (stroma_srcloc){k->line, k->column} : at,
                       "%s: give exactly one of dose [mg] and dose_per_kg [mg/kg]", path);
            ok = 0;
        }
        if (keys[STROMA_KEY_REGIMEN_ROUTE] && valid[STROMA_KEY_REGIMEN_ROUTE])
            ok &= need(ld, keys, STROMA_KEY_REGIMEN_DURATION, r->route == STROMA_ROUTE_INFUSION, path, at,
                       r->route == STROMA_ROUTE_INFUSION ? "an infusion lasts `duration` minutes"
                                                         : "only an infusion has a duration");
        if (keys[STROMA_KEY_REGIMEN_CYCLES] && valid[STROMA_KEY_REGIMEN_CYCLES] && r->cycles > 1)
            ok &= need(ld, keys, STROMA_KEY_REGIMEN_INTERVAL, 1, path, at, "required when cycles > 1");
        if (ok && r->cycles > 1 && r->route == STROMA_ROUTE_INFUSION && !(r->interval_min > r->duration_min)) {
            const stroma_yaml_node *k = keys[STROMA_KEY_REGIMEN_INTERVAL];
            load_error(ld, STROMA_ERR_RANGE, k ? (stroma_srcloc){k->line, k->column} : at,
                       "%s.interval (%g day) must be longer than the infusion's duration (%g min)", path,
                       r->interval_min / MIN_PER_DAY, r->duration_min);
            ok = 0;
        }
        return ok;
    }
    case STROMA_KEY_DRUG_NEUTRALISE:
    case STROMA_KEY_DRUG_BLOCK:
    case STROMA_KEY_DRUG_DEPLETE:
    case STROMA_KEY_DRUG_INHIBIT:
    case STROMA_KEY_DRUG_CHECKPOINT:
    case STROMA_KEY_DRUG_BLOCK_RELEASE:
    case STROMA_KEY_DRUG_CYTOTOXIC:
        if (!n->mechanism) {
            n->mechanism = 1;
            n->mechanism_at = at;
        }
        if (id == STROMA_KEY_DRUG_CYTOTOXIC) {
            d->cytotoxic.present = 1;
            d->cytotoxic.loc = at;
        }
        if (id == STROMA_KEY_DRUG_NEUTRALISE) d->neutralise.loc = at;
        if (id == STROMA_KEY_DRUG_BLOCK) d->block.loc = at;
        if (id == STROMA_KEY_DRUG_DEPLETE) d->deplete.loc = at;
        if (id == STROMA_KEY_DRUG_CHECKPOINT) d->checkpoint.loc = at;
        if (id == STROMA_KEY_DRUG_INHIBIT) d->inhibit.loc = at;
        if (id == STROMA_KEY_DRUG_BLOCK_RELEASE) d->block_release.loc = at;
        return ok;
    default: return ok;
    }
}

void load_check_therapy_behaviours(loader *ld) {
    stroma_model *m = ld->m;
    const struct load_therapy_walk *w = ld->therapy;
    for (int k = 0; w && k < m->therapies.ndrugs; k++) {
        stroma_drug_desc *d = &m->therapies.drugs[k];
        const load_name *nb = &w->names[k].inhibit_beh;
        if (!nb->ok) continue;
        int b = stroma_rule_behaviour_find(&m->rule_tables, nb->name);
        char buf[LOAD_ECHO_MAX + 4];
        if (b < 0)
            load_error(ld, STROMA_ERR_UNKNOWN_KEY, nb->loc,
                       "therapies.drugs.%s.inhibit.behaviour: no behaviour named '%s' (docs/rules.md lists them)",
                       d->name, load_echo(nb->name, strlen(nb->name), buf, sizeof buf));
        else if (m->rule_tables.behaviours[b].kind == STROMA_BEH_NECROSIS)
            load_error(ld, STROMA_ERR_RANGE, nb->loc,
                       "therapies.drugs.%s.inhibit.behaviour: necrosis cannot be inhibited (its rate follows oxygen)",
                       d->name);
        else
            d->inhibit.behaviour = b;
        for (int j = 0; j < k && b >= 0; j++) {
            const stroma_drug_desc *a = &m->therapies.drugs[j];
            if (a->inhibit.behaviour == b && a->inhibit.type == d->inhibit.type && d->inhibit.type >= 0)
                load_error(ld, STROMA_ERR_RANGE, d->inhibit.loc,
                           "therapies.drugs.%s.inhibit: drug %s already inhibits the same behaviour of the type; one "
                           "drug per target",
                           d->name, a->name);
        }
    }
}

/* Index of state variable `name`, or -1 with an error naming the defined ones. */
static int resolve_state(loader *ld, const load_name *nm, const char *path) {
    const stroma_model *m = ld->m;
    for (int k = 0; k < m->nstate; k++)
        if (strcmp(m->state_vars[k].name, nm->name) == 0) return k;
    char buf[LOAD_ECHO_MAX + 4];
    load_error(ld, STROMA_ERR_UNKNOWN_KEY, nm->loc, "%s: no state variable named '%s'%s", path,
               load_echo(nm->name, strlen(nm->name), buf, sizeof buf),
               m->nstate ? " (see state_variables)" : " (the model has no state_variables)");
    return -1;
}

void load_check_therapy(loader *ld, const load_names *nl, stroma_srcloc therapies_at) {
    stroma_model *m = ld->m;
    stroma_therapies_desc *th = &m->therapies;
    const struct load_therapy_walk *w = ld->therapy;
    if (!w || (th->ndrugs == 0 && !w->rt_given && th->ninfusions == 0)) { /* absent or empty */
        th->present = 0;
        return;
    }
    th->present = 1;
    th->loc = therapies_at;
    for (int k = 0; k < th->ninfusions; k++) {
        if (w->inf_types[k].ok)
            th->infusions[k].type = load_resolve(ld, nl, 1, &w->inf_types[k], "therapies.infusions.cell_type");
        if (!m->vessels.present)
            load_error(ld, STROMA_ERR_MISSING, th->infusions[k].loc,
                       "therapies.infusions: infused cells enter the tissue through the vessel walls, and the model "
                       "has no `vessels:` section");
    }
    if (w->rt_given) {
        stroma_radiotherapy_desc *rt = &th->radiotherapy;
        rt->present = 1;
        rt->loc = w->rt_at;
        rt->oxygen = rt->resistance = -1;
        rt->alpha = calloc((size_t)(m->ntypes > 0 ? m->ntypes : 1), sizeof *rt->alpha);
        rt->beta = calloc((size_t)(m->ntypes > 0 ? m->ntypes : 1), sizeof *rt->beta);
        if (!rt->alpha || !rt->beta) {
            ld->nomem = 1;
            return;
        }
        for (int e = 0; e < w->nrt; e++) {
            int t = load_resolve(ld, nl, 1, &w->rt[e].type, "therapies.radiotherapy.types");
            if (t < 0) continue;
            rt->alpha[t] = w->rt[e].alpha;
            rt->beta[t] = w->rt[e].beta;
        }
        if (w->rt_oxygen.ok) rt->oxygen = load_resolve(ld, nl, 0, &w->rt_oxygen, "therapies.radiotherapy.oxygen");
        if (w->rt_resistance.ok)
            rt->resistance = resolve_state(ld, &w->rt_resistance, "therapies.radiotherapy.resistance");
    }
    for (int k = 0; k < th->ndrugs; k++) {
        stroma_drug_desc *d = &th->drugs[k];
        const drug_names *n = &w->names[k];
        char path[160];
        if (n->half_life_min > 0) d->cl_l_per_min = log(2.0) * d->vc_l / n->half_life_min;
        if (n->per_kg && !(th->body_weight_kg > 0))
            load_error(ld, STROMA_ERR_MISSING, n->per_kg_at,
                       "therapies.drugs.%s: a dose_per_kg needs therapies.body_weight [kg]", d->name);
        if (n->subcutaneous && !(d->ka_per_min > 0))
            load_error(ld, STROMA_ERR_MISSING, n->subcutaneous_at,
                       "therapies.drugs.%s: a subcutaneous regimen needs pk.absorption [1/day]", d->name);
        if (n->substrate.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.substrate", d->name);
            d->substrate = load_resolve(ld, nl, 0, &n->substrate, path);
            int s = d->substrate;
            if (s >= 0) {
                double perm = m->vessels.present && m->vessels.permeability_um_per_min
                                  ? m->vessels.permeability_um_per_min[s]
                                  : 0.0;
                if (!(perm > 0))
                    load_error(ld, STROMA_ERR_MISSING, n->substrate.loc,
                               "%s: the drug enters the tissue through the vessel walls; give "
                               "vessels.permeability.%s > 0 [µm/min]%s",
                               path, m->substrates[s].name, m->vessels.present ? "" : " (the model has no vessels)");
                if (s == m->vessels.oxygen && m->vessels.present)
                    load_error(ld, STROMA_ERR_RANGE, n->substrate.loc, "%s: %s is the oxygen substrate", path,
                               m->substrates[s].name);
                for (int j = 0; j < m->body.nsystemic; j++)
                    if (m->body.systemic[j].substrate == s)
                        load_error(ld, STROMA_ERR_RANGE, n->substrate.loc,
                                   "%s: %s is in body.systemic; a drug's plasma level comes from its own "
                                   "pharmacokinetics: remove it from body.systemic",
                                   path, m->substrates[s].name);
                for (int j = 0; j < k; j++)
                    if (th->drugs[j].substrate == s)
                        load_error(ld, STROMA_ERR_RANGE, n->substrate.loc,
                                   "%s: %s already carries drug %s; give each drug its own substrate", path,
                                   m->substrates[s].name, th->drugs[j].name);
            }
        } else if (n->mechanism) {
            load_error(ld, STROMA_ERR_MISSING, n->mechanism_at,
                       "therapies.drugs.%s: a mechanism acts by the drug's tissue level; give "
                       "therapies.drugs.%s.substrate",
                       d->name, d->name);
        }
        if (n->neutralise.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.neutralise.substrate", d->name);
            d->neutralise.substrate = load_resolve(ld, nl, 0, &n->neutralise, path);
            if (d->neutralise.substrate >= 0 && d->neutralise.substrate == d->substrate)
                load_error(ld, STROMA_ERR_RANGE, n->neutralise.loc, "%s: a drug cannot neutralise its own field",
                           path);
        }
        if (n->block.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.block_receptor.signal", d->name);
            d->block.substrate = load_resolve(ld, nl, 0, &n->block, path);
        }
        if (n->deplete.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.deplete.cell_type", d->name);
            d->deplete.type = load_resolve(ld, nl, 1, &n->deplete, path);
        }
        if (n->inhibit_type.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.inhibit.cell_type", d->name);
            d->inhibit.type = load_resolve(ld, nl, 1, &n->inhibit_type, path);
        }
        if (n->ligand.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.checkpoint_blockade.ligand", d->name);
            d->checkpoint.ligand = resolve_state(ld, &n->ligand, path);
        }
        if (n->vesicle.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.block_release.vesicle", d->name);
            int s = -1;
            for (int c = 0; c < m->vesicles.nclasses; c++)
                if (strcmp(m->substrates[m->vesicles.classes[c].substrate].name, n->vesicle.name) == 0)
                    s = m->vesicles.classes[c].substrate;
            if (s < 0) {
                char buf[LOAD_ECHO_MAX + 4];
                load_error(ld, STROMA_ERR_UNKNOWN_KEY, n->vesicle.loc, "%s: no vesicle class named '%s'%s", path,
                           load_echo(n->vesicle.name, strlen(n->vesicle.name), buf, sizeof buf),
                           m->vesicles.nclasses ? " (see vesicles)" : " (the model has no vesicles)");
            }
            d->block_release.substrate = s;
        }
        if (n->resistance.ok) {
            snprintf(path, sizeof path, "therapies.drugs.%s.cytotoxic.resistance", d->name);
            d->cytotoxic.resistance = resolve_state(ld, &n->resistance, path);
        }
    }
    /* one drug per blocked signal, ligand or release (the occupancies of two would need a combination law) */
    for (int k = 0; k < th->ndrugs; k++)
        for (int j = 0; j < k; j++) {
            const stroma_drug_desc *a = &th->drugs[j], *b = &th->drugs[k];
            const char *what = NULL;
            stroma_srcloc at = b->loc;
            if (b->block.substrate >= 0 && b->block.substrate == a->block.substrate) {
                what = "block_receptor";
                at = b->block.loc;
            } else if (b->checkpoint.ligand >= 0 && b->checkpoint.ligand == a->checkpoint.ligand) {
                what = "checkpoint_blockade";
                at = b->checkpoint.loc;
            } else if (b->block_release.substrate >= 0 && b->block_release.substrate == a->block_release.substrate) {
                what = "block_release";
                at = b->block_release.loc;
            }
            if (what)
                load_error(ld, STROMA_ERR_RANGE, at,
                           "therapies.drugs.%s.%s: drug %s already blocks the same target; one drug per target",
                           b->name, what, a->name);
        }
    for (int e = 0; e < w->nweights; e++) {
        const therapy_weight *x = &w->weights[e];
        stroma_drug_desc *d = &th->drugs[x->drug];
        if (!d->cytotoxic.weight) {
            d->cytotoxic.weight = calloc((size_t)(m->ntypes > 0 ? m->ntypes : 1), sizeof *d->cytotoxic.weight);
            if (!d->cytotoxic.weight) {
                ld->nomem = 1;
                return;
            }
        }
        char path[160];
        snprintf(path, sizeof path, "therapies.drugs.%s.cytotoxic.types", d->name);
        int t = load_resolve(ld, nl, 1, &x->type, path);
        if (t >= 0) d->cytotoxic.weight[t] = x->value;
    }
}
