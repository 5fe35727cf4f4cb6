/* The stroma form of an imported PhysiCell model: each cell type's cycle, death, dead-cell phagocytosis and attacks,
 * and each rule's saturation. The model is written with rules_law: physicell, under which stroma combines the
 * rules as PhysiCell does (shared maximum and minimum per behaviour, increasing rules before decreasing ones, a
 * rule on either side of its base), so rules keep their direction and saturation as read; and with contact_law:
 * physicell, under which attacks and engulfing follow PhysiCell's standard interactions at mechanics steps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "import/physicell.h"

#define NI STROMA_IMPORT_NOT_IMPORTED
#define AP STROMA_IMPORT_APPROXIMATED
#define NO STROMA_IMPORT_NOTE

/* The phase of PhysiCell's cycle model `code` whose entry function doubles the solid volume targets (S, Ki67+,
 * cycling; the live model's phase 0, entered at division). */
static int growth_phase(int code) { return code == 5 ? 0 : 1; }

static void convert_cycle(pc_model *m, pc_type *T) {
    const char *f = m->settings_path;
    T->cycle = PC_CYC_NONE;
    T->st_double_phase = 0;
    if (T->cycle_code < 0) return;
    /* rules or per-cell values on cycle entry need a finite base to act on */
    int n = T->nphases, entry_rules = ((T->rule_mask | T->cell_mask) >> PB_CYCLE) & 1;
    double dur[PC_MAX_PHASES];
    memcpy(dur, T->ph_dur, sizeof dur);
    for (int p = 0; p < n; p++) {
        if (!isinf(dur[p])) continue;
        if (p == 0 && entry_rules) {
            dur[0] = PC_NEVER;
            imp_report(m->rep, NO, f, T->cycle_line,
                       "%s: phase 0 has rate 0 (cells stay in it until a rule or a per-cell value on cycle entry "
                       "raises it): written "
                       "as a mean duration of %g min, base cycle entry %g 1/min",
                       T->name, PC_NEVER, 1 / PC_NEVER);
            continue;
        }
        if (n > 1)
            imp_report(m->rep, NO, f, T->cycle_line,
                       "%s: phase %d of %d has rate 0, so cells never divide%s: imported as not dividing", T->name, p,
                       n, p == 0 ? " (no rule on cycle entry)" : "");
        return;
    }
    int keep[PC_MAX_PHASES], nk = 0;
    for (int p = 0; p < n; p++) {
        if (dur[p] > 0) {
            keep[nk++] = p;
            continue;
        }
        imp_report(m->rep, AP, f, T->cycle_line, "%s: phase %d lasts 0 min; stroma's phases last > 0: phase dropped%s",
                   T->name, p, p == 0 && entry_rules ? " (cycle entry then acts on the next phase)" : "");
    }
    if (nk == 0) {
        keep[nk++] = n - 1;
        dur[n - 1] = 1e-9;
    }
    if (T->div_phase != n - 1)
        imp_report(m->rep, AP, f, T->cycle_line,
                   "%s: PhysiCell divides at the end of phase %d of %d and daughters start in phase %d; stroma "
                   "divides at the end of the last phase and daughters start in phase 0 (same generation time; "
                   "the first division of the initial cells comes later)",
                   T->name, T->div_phase, n, T->div_phase + 1);
    if (nk == 1 && !T->ph_fixed[keep[0]]) {
        T->cycle = PC_CYC_EXPONENTIAL;
        T->cycle_dur = dur[keep[0]];
        return;
    }
    T->cycle = PC_CYC_PHASES;
    T->st_nphases = nk;
    for (int i = 0; i < nk; i++) {
        T->st_phase[i] = dur[keep[i]];
        T->st_phase_exp[i] = !T->ph_fixed[keep[i]];
    }
    /* the growth phase as kept (a dropped one is entered with the next kept phase) */
    int g = growth_phase(T->cycle_code), gi = 0;
    while (gi < nk && keep[gi] < g) gi++;
    T->st_double_phase = gi < nk ? gi : 0;
    if (T->vol_parts && g > 0 && T->st_double_phase == 0)
        imp_report(m->rep, AP, f, T->cycle_line,
                   "%s: the volume targets double on entering phase %d, which is not kept as a phase of its own: "
                   "written as doubling at division (the targets stay the type's)",
                   T->name, g);
}

static void convert_death(pc_model *m, pc_type *T) {
    const char *f = m->settings_path;
    /* the durations and timing are PhysiCell's shared ones (settings.c share_death), exact */
    T->apop_exp = !T->apop_fixed;
    if (isinf(T->apop_dur)) {
        imp_report(m->rep, NO, f, T->line, "%s: apoptotic cells are never removed (rate 0): duration %g min written",
                   T->name, PC_NEVER);
        T->apop_dur = PC_NEVER;
        T->apop_exp = 0;
    } else if (!(T->apop_dur > 0)) {
        imp_report(m->rep, AP, f, T->line,
                   "%s: the apoptotic phase lasts 0 min: 1e-9 min written (removed at the "
                   "next phenotype step)",
                   T->name);
        T->apop_dur = 1e-9;
        T->apop_exp = 0;
    }
    if (T->necr_dur <= 0) T->necr_dur = 1e-9;
    T->necr_exp = !T->necr_fixed;
    unsigned set = T->rule_mask | T->cell_mask;
    if ((set >> PB_NECROSIS) & 1) {
        T->necrosis_block = 1;
        imp_report(m->rep, NO, f, T->line,
                   "%s: PhysiCell's necrosis rate %g 1/min is written as death.necrosis with threshold 0 (stroma's "
                   "oxygen ramp never acts) so that the rules and per-cell values on necrosis start from it",
                   T->name, T->necr_rate);
        imp_report_once(m->rep, AP, f, T->line,
                        "necrosis: stroma removes a necrotic cell after the sum of PhysiCell's necrotic phase "
                        "durations; PhysiCell's swelling phase ends when the cell reaches its rupture volume");
        /* one removal time: its timing is that of the longer phase; the other one is approximated */
        const pc_death_phase *a = &m->necr[0], *b = &m->necr[1];
        double da = isfinite(a->dur) ? a->dur : 0, db = isfinite(b->dur) ? b->dur : 0;
        double minor = da < db ? da : db;
        if (a->fixed != b->fixed && minor > 1e-6 * (da + db))
            imp_report_once(m->rep, AP, f, T->line,
                            "necrosis: PhysiCell's two necrotic phases differ in timing (%g min %s, %g min %s); "
                            "stroma's one removal time of %g min is %s, as the longer phase",
                            da, a->fixed ? "fixed" : "exponential", db, b->fixed ? "fixed" : "exponential", da + db,
                            T->necr_exp ? "exponential" : "fixed");
    } else if (T->necr_rate > 0) {
        imp_report(m->rep, NI, f, T->line,
                   "%s: constant necrosis rate %g 1/min is not imported (stroma's necrosis comes from an oxygen "
                   "ramp or from rules; PhysiCell's oxygen-dependent necrosis lives in its C++)",
                   T->name, T->necr_rate);
    }
}

static void convert_interactions(pc_model *m, pc_type *T) {
    const char *f = m->settings_path;
    if (T->phag_other > 0)
        imp_report(m->rep, NO, f, T->line,
                   "%s: other_dead_phagocytosis_rate %g 1/min never applies: the project's dead cells are apoptotic "
                   "or necrotic, and stroma has no other deaths",
                   T->name, T->phag_other);
    unsigned set = T->rule_mask | T->cell_mask; /* behaviours rules or per-cell values set */
    T->attacks = (set >> PB_ATTACK) & 1;
    for (int k = 0; k < m->ntypes; k++)
        T->attacks |= T->attack[k] > 0;
    /* the damage an attacker delivers: written for a type that attacks, or whose rules or cells set it (base) */
    int damage_rules = (set >> PB_ATTACK_DAMAGE) & 1;
    T->st_attack_damage = (T->attacks || damage_rules) && T->attack_damage > 0 ? T->attack_damage : 0;
    /* with contact_law: physicell, attachment_duration is PhysiCell's attack_duration (an attack ends with
     * probability dt/duration at each mechanics step) and attack_damage its attack_damage_rate: exact */
}

double pc_behaviour_base(const pc_type *T, pc_beh_kind k, int arg) {
    switch (k) {
    case PB_SECRETION: return T->sec_rate[arg];
    case PB_TARGET: return T->sec_target[arg];
    case PB_UPTAKE: return T->uptake[arg];
    case PB_EXPORT: return T->export_rate[arg];
    case PB_CYCLE:
        if (T->cycle_code < 0 || isinf(T->ph_dur[0])) return 0;
        return 1.0 / (T->ph_dur[0] + 1e-16);
    case PB_APOPTOSIS: return T->apop_rate;
    case PB_NECROSIS: return T->necr_rate;
    case PB_SPEED: return T->speed;
    case PB_BIAS: return T->bias;
    case PB_PERSISTENCE: return T->persistence;
    case PB_PHAG_APOPTOTIC: return T->phag_apop;
    case PB_PHAG_NECROTIC: return T->phag_necr;
    case PB_ATTACK: return T->attack[arg];
    case PB_TRANSFORM: return T->transform[arg];
    case PB_ATTACK_DAMAGE: return T->attack_damage;
    case PB_DAMAGE_RATE: return T->damage_rate;
    case PB_DAMAGE_REPAIR: return T->damage_repair;
    case PB_ATTACK_DURATION: return T->attack_duration;
    case PB_ADHESION: return T->adhesion;
    case PB_REPULSION: return T->repulsion;
    case PB_CHEMO: return T->chemo_sens[arg];
    case PB_ASYM: return T->asym[arg];
    case PB_NONE: break;
    }
    return 0;
}

int pc_writes_target(const pc_model *m, int t, int s) {
    if (m->types[t].sec_rate[s] > 0) return 1;
    for (int i = 0; i < m->nrules; i++) {
        const pc_rule *r = &m->rules[i];
        if (r->type == t && r->mappable && r->arg == s && (r->kind == PB_SECRETION || r->kind == PB_TARGET)) return 1;
    }
    for (int c = 0; c < m->ncellcols; c++) {
        const pc_cellcol *C = &m->cellcol[c];
        if (C->nonzero[t] && C->arg == s && (C->kind == PB_SECRETION || C->kind == PB_TARGET)) return 1;
    }
    return 0;
}

/* stroma's base value of a behaviour, from the converted type (what the loader will compute). */
static double st_base(const pc_model *m, int t, pc_beh_kind k, int arg) {
    const pc_type *T = &m->types[t];
    switch (k) {
    case PB_CYCLE:
        if (T->cycle == PC_CYC_EXPONENTIAL) return 1.0 / T->cycle_dur;
        if (T->cycle == PC_CYC_PHASES) return 1.0 / T->st_phase[0];
        return 0;
    case PB_NECROSIS: return T->necrosis_block ? T->necr_rate : 0;
    case PB_SPEED: return T->motile ? T->speed : 0;
    case PB_BIAS: return T->motile ? T->bias : 0.5;
    case PB_PERSISTENCE: return T->motile ? T->persistence : 1;
    case PB_TARGET: return pc_writes_target(m, t, arg) ? T->sec_target[arg] : 0;
    case PB_ATTACK_DAMAGE: return T->st_attack_damage;
    /* emit.c writes attachment_duration for a type that attacks; otherwise stroma's default (60 min) */
    case PB_ATTACK_DURATION: return T->attacks ? (T->attack_duration > 0 ? T->attack_duration : 1e-9) : 60;
    default: return pc_behaviour_base(T, k, arg);
    }
}

static void drop(pc_model *m, pc_rule *r, stroma_import_kind kind, const char *fmt, const char *arg) {
    r->emit = 0;
    snprintf(r->why, sizeof r->why, fmt, arg);
    imp_report(m->rep, kind, r->file, r->line, "%s", r->why);
}

static void convert_rules(pc_model *m) {
    for (int i = 0; i < m->nrules; i++) {
        pc_rule *r = &m->rules[i];
        if (r->type < 0) continue;
        r->emit = r->mappable;
        r->out_dir = r->dir;
        r->out_sat = r->sat;
    }
    for (int i = 0; i < m->nrules; i++) {
        pc_rule *r = &m->rules[i];
        if (r->type < 0) continue;
        if (!r->mappable) {
            imp_report(m->rep, NI, r->file, r->line, "%s", r->why);
            continue;
        }
        pc_type *T = &m->types[r->type];
        if (r->kind == PB_CHEMO && !(T->motile && T->chemo_adv)) {
            drop(m, r, NI,
                 "%s has no advanced chemotaxis in PhysiCell (motility or advanced_chemotaxis disabled), where the "
                 "rule changes a sensitivity that no motion reads",
                 T->name);
            continue;
        }
        if (r->kind == PB_CHEMO && !T->chemo_multi) {
            /* stroma's rules act on the sensitivities form: the type's one substrate (or none) written that way */
            T->chemo_multi = 1;
            T->chemo_sub = -1;
            imp_report(m->rep, NO, r->file, r->line,
                       "rules on chemotactic responses of %s: its advanced chemotaxis written as sensitivities",
                       T->name);
        }
        if (!T->motile && (r->kind == PB_SPEED || r->kind == PB_BIAS || r->kind == PB_PERSISTENCE)) {
            drop(m, r, NI,
                 "motility of %s is disabled in PhysiCell, where the rule changes a parameter but the cells never "
                 "move; in stroma it would set them moving",
                 T->name);
            continue;
        }
        if ((r->kind == PB_ADHESION || r->kind == PB_REPULSION) && !(pc_behaviour_base(T, r->kind, 0) > 0)) {
            drop(m, r, NI, "%s has no cell-cell adhesion or repulsion to scale (0 in PhysiCell's settings)", T->name);
            continue;
        }
        if (r->kind == PB_ASYM && !T->asym_on) {
            drop(m, r, NI,
                 "asymmetric division of %s is not enabled in PhysiCell (standard_asymmetric_division), where the "
                 "rule changes a probability that no division reads",
                 T->name);
            continue;
        }
        if (r->kind == PB_ASYM && r->arg == r->type) {
            drop(m, r, NO,
                 "asymmetric division of %s to its own type changes nothing (the daughter already has it; the "
                 "symmetric division is what the other types leave)",
                 T->name);
            continue;
        }
        if (r->kind == PB_ASYM && !(r->sat >= 0 && r->sat <= 1)) {
            drop(m, r, NI,
                 "%s: a probability of asymmetric division saturating outside [0, 1] (PhysiCell stops at the first "
                 "division that reaches it)",
                 T->name);
            continue;
        }
        if (r->kind == PB_TRANSFORM && r->arg == r->type) {
            drop(m, r, NI, "%s cannot transform into its own type", T->name);
            continue;
        }
        if (!(r->half > 0) || !(r->hill > 0)) {
            drop(m, r, NI, "%s", "half-max and Hill power must be > 0 in stroma");
            continue;
        }
    }
    /* saturations stroma cannot take; the rules' common base where stroma's differs from PhysiCell's */
    for (int i = 0; i < m->nrules; i++) {
        pc_rule *r = &m->rules[i];
        if (!r->emit) continue;
        double base = st_base(m, r->type, r->kind, r->arg);
        double pc_base = pc_behaviour_base(&m->types[r->type], r->kind, r->arg);
        int first = 1;
        for (int j = 0; j < i && first; j++) {
            const pc_rule *o = &m->rules[j];
            first = !(o->emit && o->type == r->type && !strcmp(o->behaviour, r->behaviour));
        }
        if (first && base != pc_base)
            imp_report(m->rep, AP, r->file, r->line,
                       "the rules on %s of %s start from stroma's base value %g, PhysiCell's is %g", r->behaviour,
                       m->types[r->type].name, base, pc_base);
        if (r->kind == PB_BIAS && (r->out_sat < 0 || r->out_sat > 1)) {
            double c = r->out_sat < 0 ? 0 : 1;
            imp_report(m->rep, AP, r->file, r->line, "migration bias saturation %g outside [0, 1]: %g written",
                       r->out_sat, c);
            r->out_sat = c;
        } else if (r->kind != PB_EXPORT && r->kind != PB_CHEMO && r->out_sat < 0) {
            imp_report(m->rep, AP, r->file, r->line, "saturation %g < 0: 0 written", r->out_sat);
            r->out_sat = 0;
        }
    }
}

stroma_code pc_convert(pc_model *m) {
    for (int t = 0; t < m->ntypes; t++) {
        pc_type *T = &m->types[t];
        convert_cycle(m, T);
        convert_death(m, T);
        convert_interactions(m, T);
        if (!T->motile && (T->speed > 0 || T->chemo_sub >= 0 || T->chemo_multi))
            imp_report(m->rep, NO, m->settings_path, T->line,
                       "%s: motility is disabled (options.enabled false): written without motility (speed 0)", T->name);
    }
    convert_rules(m);
    return STROMA_OK;
}
