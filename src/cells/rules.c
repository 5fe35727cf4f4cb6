/* The rules engine's tables and combination law (evaluation per cell is in engine.c, which owns the cells). */
#include "cells/rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/rules_tables.h"
#include "util/error_impl.h"

double stroma_rules_hill(double s, double half_max, double hill) {
    if (!(s > 0)) return 0.0;
    return pow(s / half_max, hill);
}

double stroma_rules_combine(double b0, int n, const double *x, const double *sat, const int *dir) {
    double xu = 0, su = 0, xd = 0, sd = 0;
    for (int i = 0; i < n; i++) {
        if (dir[i] > 0) {
            xu += x[i];
            su += x[i] * sat[i];
        } else {
            xd += x[i];
            sd += x[i] * sat[i];
        }
    }
    if (isinf(xu) || isinf(xd)) { /* a saturated signal: the limit of the formula */
        double num = 0, den = 0;
        for (int i = 0; i < n; i++)
            if (isinf(x[i])) {
                num += sat[i];
                den += 1;
            }
        return num / den;
    }
    return (b0 + su + sd) / (1 + xu + xd);
}

void stroma_rules_physicell_extremes(double b0, int n, const double *sat, const int *dir, double *lo, double *hi) {
    /* PhysiCell starts from an empty range and widens it rule by rule: an increasing rule by its saturation
     * above and the base below, a decreasing one by its saturation below and the base above */
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (dir[i] > 0) {
            mn = fmin(mn, b0);
            mx = fmax(mx, sat[i]);
        } else {
            mn = fmin(mn, sat[i]);
            mx = fmax(mx, b0);
        }
    }
    *lo = mn;
    *hi = mx;
}

/* S / (1 + S), S = sum of the x of one direction; an infinite term (a saturated signal) gives the limit 1. */
static double physicell_response(int n, const double *x, const int *dir, int want) {
    double S = 0;
    for (int i = 0; i < n; i++)
        if ((dir[i] > 0) == (want > 0)) S += x[i];
    return isinf(S) ? 1.0 : S / (1 + S);
}

double stroma_rules_combine_physicell(double b0, double lo, double hi, int n, const double *x, const int *dir) {
    double U = b0 + (hi - b0) * physicell_response(n, x, dir, 1);
    return U + (lo - U) * physicell_response(n, x, dir, -1);
}

static int *ialloc(size_t n, int fill) {
    int *p = malloc((n ? n : 1) * sizeof(int));
    if (p)
        for (size_t i = 0; i < n; i++) p[i] = fill;
    return p;
}

stroma_code stroma_rules_init(stroma_rules_engine *r, const stroma_model *m, stroma_error *err) {
    memset(r, 0, sizeof *r);
    r->model = m;
    r->law = m->rules_law;
    r->ntypes = m->ntypes;
    r->nstate = m->nstate;
    const stroma_rule_tables *tb = &m->rule_tables;
    size_t nt = (size_t)m->ntypes, nv = (size_t)m->nstate;
    r->slot_of = ialloc((size_t)tb->nbehaviours, -1);
    r->s_transform = ialloc(nt, -1);
    r->s_attack = ialloc(nt, -1);
    r->s_phago = ialloc(nt, -1);
    r->s_prod = ialloc(nv, -1);
    r->s_decay = ialloc(nv, -1);
    r->s_chemo = ialloc((size_t)m->nsub, -1);
    r->s_asym = ialloc(nt, -1);
    r->slot_beh = ialloc((size_t)tb->nbehaviours, -1);
    r->contact_col = ialloc(nv, -1);
    r->contact_var = ialloc(nv, -1);
    if (!r->slot_of || !r->s_transform || !r->s_attack || !r->s_phago || !r->s_prod || !r->s_decay || !r->slot_beh ||
        !r->s_chemo || !r->contact_col || !r->contact_var || !r->s_asym)
        goto nomem;
    /* a slot for every ruled behaviour, and for state-variable production/decay (always evaluated) */
    for (int k = 0; k < m->nrules; k++) {
        int b = m->rules[k].behaviour;
        if (r->slot_of[b] < 0) {
            r->slot_beh[r->nslots] = b;
            r->slot_of[b] = r->nslots++;
        }
        stroma_signal_kind sk = tb->signals[m->rules[k].signal].kind;
        if (sk == STROMA_SIG_CONTACT_TYPE || sk == STROMA_SIG_CONTACT_LIVE || sk == STROMA_SIG_CONTACT_DEAD)
            r->needs_contacts = 1;
        if (sk == STROMA_SIG_STATE_CONTACT) r->contact_col[tb->signals[m->rules[k].signal].arg] = -2; /* read */
    }
    for (int v = 0; v < m->nstate; v++)
        if (r->contact_col[v] == -2) {
            r->contact_var[r->ncontact_vars] = v;
            r->contact_col[v] = r->ncontact_vars++;
        }
    /* ... for every behaviour a cell file sets per cell (the cell keeps its value where no rule acts) */
    for (int g = 0; g < m->ninitial; g++)
        for (int k = 0; k < m->initial_cells[g].ncols; k++) {
            int b = m->initial_cells[g].col_behaviour[k];
            if (b >= 0 && r->slot_of[b] < 0) {
                r->slot_beh[r->nslots] = b;
                r->slot_of[b] = r->nslots++;
            }
        }
    /* ... for every behaviour a drug inhibits */
    for (int k = 0; k < m->therapies.ndrugs; k++) {
        int b = m->therapies.drugs[k].inhibit.behaviour;
        if (b >= 0 && r->slot_of[b] < 0) {
            r->slot_beh[r->nslots] = b;
            r->slot_of[b] = r->nslots++;
        }
    }
    for (int b = 0; b < tb->nbehaviours; b++) {
        const stroma_behaviour_entry *e = &tb->behaviours[b];
        if ((e->kind == STROMA_BEH_STATE_PRODUCTION || e->kind == STROMA_BEH_STATE_DECAY) && r->slot_of[b] < 0) {
            r->slot_beh[r->nslots] = b;
            r->slot_of[b] = r->nslots++;
        }
    }
    r->s_cycle = r->s_apop = r->s_necro = r->s_speed = r->s_persist = r->s_bias = r->s_kill = r->s_phago_dead = -1;
    r->s_phago_apop = r->s_phago_necro = -1;
    r->s_attack_damage = r->s_attack_duration = r->s_damage = r->s_repair = r->s_adhesion = r->s_repulsion = -1;
    for (int s = 0; s < r->nslots; s++) {
        const stroma_behaviour_entry *e = &tb->behaviours[r->slot_beh[s]];
        switch (e->kind) {
        case STROMA_BEH_CYCLE_ENTRY: r->s_cycle = s; break;
        case STROMA_BEH_APOPTOSIS: r->s_apop = s; break;
        case STROMA_BEH_NECROSIS: r->s_necro = s; break;
        case STROMA_BEH_SPEED: r->s_speed = s; break;
        case STROMA_BEH_PERSISTENCE: r->s_persist = s; break;
        case STROMA_BEH_BIAS: r->s_bias = s; break;
        case STROMA_BEH_KILL_RATE: r->s_kill = s; break;
        case STROMA_BEH_ATTACK_DAMAGE: r->s_attack_damage = s; break;
        case STROMA_BEH_ATTACK_DURATION: r->s_attack_duration = s; break;
        case STROMA_BEH_DAMAGE_RATE: r->s_damage = s; break;
        case STROMA_BEH_DAMAGE_REPAIR: r->s_repair = s; break;
        case STROMA_BEH_ADHESION: r->s_adhesion = s; break;
        case STROMA_BEH_REPULSION: r->s_repulsion = s; break;
        case STROMA_BEH_PHAGOCYTOSE_DEAD: r->s_phago_dead = s; break;
        case STROMA_BEH_PHAGOCYTOSE_APOPTOTIC: r->s_phago_apop = s; break;
        case STROMA_BEH_PHAGOCYTOSE_NECROTIC: r->s_phago_necro = s; break;
        case STROMA_BEH_TRANSFORM: r->s_transform[e->arg] = s; break;
        case STROMA_BEH_ATTACK: r->s_attack[e->arg] = s; break;
        case STROMA_BEH_PHAGOCYTOSE: r->s_phago[e->arg] = s; break;
        case STROMA_BEH_STATE_PRODUCTION: r->s_prod[e->arg] = s; break;
        case STROMA_BEH_STATE_DECAY: r->s_decay[e->arg] = s; break;
        case STROMA_BEH_CHEMOTAXIS: r->s_chemo[e->arg] = s; break;
        case STROMA_BEH_ASYM_DIVISION: r->s_asym[e->arg] = s; break;
        default: break; /* secretion-family behaviours are written straight into the cells' secretion arrays */
        }
    }
    size_t ns = (size_t)r->nslots;
    r->base = malloc((nt * ns > 0 ? nt * ns : 1) * sizeof(double));
    r->grp_start = ialloc(nt * ns + 1, 0);
    r->rule_idx = ialloc((size_t)m->nrules, 0);
    if (!r->base || !r->grp_start || !r->rule_idx) goto nomem;
    for (size_t t = 0; t < nt; t++)
        for (size_t s = 0; s < ns; s++) r->base[t * ns + s] = stroma_rule_behaviour_base(m, (int)t, r->slot_beh[s]);
    /* group rules by (type, slot), each group in file order: counting sort */
    for (int k = 0; k < m->nrules; k++)
        r->grp_start[(size_t)m->rules[k].type * ns + (size_t)r->slot_of[m->rules[k].behaviour] + 1]++;
    for (size_t g = 0; g < nt * ns; g++) r->grp_start[g + 1] += r->grp_start[g];
    /* necrosis without rules follows the type's oxygen ramp: its slot (there for a cell file's column) holds -1,
     * "no rate of its own", until a cell file gives the cell a constant rate */
    if (r->s_necro >= 0)
        for (size_t t = 0; t < nt; t++)
            if (!stroma_rules_type_has(r, (int)t, r->s_necro)) r->base[t * ns + (size_t)r->s_necro] = -1;
    int *cursor = ialloc(nt * ns, 0);
    if (!cursor) goto nomem;
    for (size_t g = 0; g < nt * ns; g++) cursor[g] = r->grp_start[g];
    for (int k = 0; k < m->nrules; k++) {
        size_t g = (size_t)m->rules[k].type * ns + (size_t)r->slot_of[m->rules[k].behaviour];
        r->rule_idx[cursor[g]++] = k;
    }
    free(cursor);
    for (int k = 0; k < m->therapies.ndrugs; k++) {
        const stroma_inhibit_desc *in = &m->therapies.drugs[k].inhibit;
        if (in->behaviour < 0 || in->type < 0) continue;
        if (!r->inhibited && !(r->inhibited = calloc(nt * ns > 0 ? nt * ns : 1, 1))) goto nomem;
        r->inhibited[(size_t)in->type * ns + (size_t)r->slot_of[in->behaviour]] = 1;
    }
    if (r->law == STROMA_RULES_LAW_PHYSICELL) {
        /* the shared maximum and minimum of each (type, behaviour): from all its rules, also those a dead cell
         * skips (PhysiCell reads them as signal 0) */
        r->lo = malloc((nt * ns > 0 ? nt * ns : 1) * sizeof(double));
        r->hi = malloc((nt * ns > 0 ? nt * ns : 1) * sizeof(double));
        if (!r->lo || !r->hi) goto nomem;
        for (size_t g = 0; g < nt * ns; g++) {
            double mn = INFINITY, mx = -INFINITY;
            for (int k = r->grp_start[g]; k < r->grp_start[g + 1]; k++) {
                const stroma_rule_desc *rd = &m->rules[r->rule_idx[k]];
                double lo1, hi1;
                stroma_rules_physicell_extremes(r->base[g], 1, &rd->saturation, &rd->direction, &lo1, &hi1);
                mn = fmin(mn, lo1);
                mx = fmax(mx, hi1);
            }
            r->lo[g] = mn;
            r->hi[g] = mx;
        }
    }
    return STROMA_OK;
nomem:
    stroma_rules_free(r);
    return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the rules engine");
}

void stroma_rules_free(stroma_rules_engine *r) {
    free(r->inhibited);
    free(r->slot_of);
    free(r->slot_beh);
    free(r->base);
    free(r->lo);
    free(r->hi);
    free(r->grp_start);
    free(r->rule_idx);
    free(r->s_transform);
    free(r->s_attack);
    free(r->s_phago);
    free(r->s_prod);
    free(r->s_decay);
    free(r->s_chemo);
    free(r->s_asym);
    free(r->contact_col);
    free(r->contact_var);
    memset(r, 0, sizeof *r);
}
