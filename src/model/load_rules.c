/* Loading of `rules`: after the walk (load.c), each item, an inline rule or a PhysiCell v3 rules CSV file, is
 * resolved against the cell types, the rule tables' signals and behaviours and the state variables, and appended
 * to model->rules in the order written. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/rules_tables.h"
#include "util/error_impl.h"
#include "util/text.h"

/* Names of the rule tables and state variables, borrowed from the model, for suggestions. */
typedef struct load_rule_names {
    const char **signals, **behaviours, **vars;
} load_rule_names;

/* A rule as written in the model file (csv NULL) or on a line of a rules file, before its names are resolved.
 * Positions are in that file. */
typedef struct load_rule_src {
    load_csv *csv;
    const char *origin;      /* the file, for stroma_rule_desc.origin */
    const char *item;        /* prefix of messages about the whole rule: "rules[2]", or "" */
    const char *type_key, *signal_key, *behaviour_key, *saturation_key; /* "rules[2].type" or "cell_type" */
    const char *type, *signal, *behaviour;
    int type_ok, signal_ok, behaviour_ok; /* the names were given and are valid text */
    int numbers_ok;                       /* direction, saturation, half_max, hill, apply_to_dead are valid */
    stroma_srcloc at, type_at, signal_at, behaviour_at, saturation_at;
    int direction, apply_to_dead;
    double saturation, half_max, hill;
} load_rule_src;

static void load_rule_error(loader *ld, load_csv *csv, stroma_code code, stroma_srcloc at, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void load_rule_error(loader *ld, load_csv *csv, stroma_code code, stroma_srcloc at, const char *fmt, ...) {
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (csv)
        load_csv_error(csv, code, at.line, at.column, "%s", msg);
    else
        load_error(ld, code, at, "%s", msg);
}

/* Resolve a rule's names, check its saturation against its behaviour, and append it to the model's rules;
 * reports what is wrong instead. */
static void load_rule_add(loader *ld, const load_names *nl, const load_rule_names *rn, const load_rule_src *s) {
    stroma_model *m = ld->m;
    const stroma_rule_tables *t = &m->rule_tables;
    char msg[768];
    int type = -1, sig = -1, beh = -1;
    if (s->type_ok) {
        type = load_lookup(s->type, nl->type, nl->type_order, m->ntypes, "cell type", "cell types", msg, sizeof msg);
        if (type < 0) load_rule_error(ld, s->csv, STROMA_ERR_UNKNOWN_KEY, s->type_at, "%s: %s", s->type_key, msg);
    }
    if (s->signal_ok) {
        sig = stroma_rule_signal_find(t, s->signal);
        int same = 0;
        const int *idx;
        if (sig >= 0) same = stroma_rule_signals_named(t, s->signal, &idx);
        if (sig < 0) {
            if (strncmp(s->signal, "custom:", 7) == 0)
                load_lookup(s->signal + 7, rn->vars, NULL, m->nstate, "state variable", "state variables", msg,
                            sizeof msg);
            else
                load_lookup(s->signal, rn->signals, NULL, t->nsignals, "signal", "signals", msg, sizeof msg);
            load_rule_error(ld, s->csv, STROMA_ERR_UNKNOWN_KEY, s->signal_at, "%s: %s", s->signal_key, msg);
        } else if (same > 1) {
            /* only a substrate can share a built-in signal's name (state variables are checked) */
            load_rule_error(ld, s->csv, STROMA_ERR_RANGE, s->signal_at,
                            "%s: '%s' is ambiguous: it names both a substrate and a built-in signal; rename the "
                            "substrate",
                            s->signal_key, s->signal);
            sig = -1;
        }
    }
    if (s->behaviour_ok) {
        beh = stroma_rule_behaviour_find(t, s->behaviour);
        if (beh < 0) {
            load_lookup(s->behaviour, rn->behaviours, NULL, t->nbehaviours, "behaviour", "behaviours", msg,
                        sizeof msg);
            load_rule_error(ld, s->csv, STROMA_ERR_UNKNOWN_KEY, s->behaviour_at, "%s: %s", s->behaviour_key, msg);
        }
    }
    if (type < 0 || sig < 0 || beh < 0 || !s->numbers_ok) return;
    const stroma_behaviour_entry *b = &t->behaviours[beh];
    char unit[48] = "";
    if (b->unit[0]) snprintf(unit, sizeof unit, " [%s]", b->unit);
    if ((b->kind == STROMA_BEH_BIAS || b->kind == STROMA_BEH_ASYM_DIVISION) &&
        !(s->saturation >= 0 && s->saturation <= 1)) {
        load_rule_error(ld, s->csv, STROMA_ERR_RANGE, s->saturation_at,
                        "%s must be between 0 and 1 for %s (got %.10g)", s->saturation_key, b->name, s->saturation);
        return;
    }
    if (b->kind != STROMA_BEH_EXPORT && b->kind != STROMA_BEH_CHEMOTAXIS && !(s->saturation >= 0)) {
        load_rule_error(ld, s->csv, STROMA_ERR_RANGE, s->saturation_at,
                        "%s must be >= 0 for %s (got %.10g)%s; only '<substrate> export' and 'chemotactic response "
                        "to <substrate>' may be negative",
                        s->saturation_key, b->name, s->saturation, unit);
        return;
    }
    /* the weights act only in the form of chemotaxis that has them (as in PhysiCell, where they act only with
     * advanced chemotaxis enabled); elsewhere the rule would do nothing */
    if (b->kind == STROMA_BEH_CHEMOTAXIS && !m->cell_types[type].chemotaxis_sensitivity) {
        load_rule_error(ld, s->csv, STROMA_ERR_RANGE, s->at,
                        "%s%sin %s, a rule on '%s' needs chemotaxis along several substrates: set "
                        "cell_types.%s.motility.chemotaxis.sensitivities",
                        s->item, s->item[0] ? ": " : "", m->cell_types[type].name, b->name, m->cell_types[type].name);
        return;
    }
    if (b->kind == STROMA_BEH_ASYM_DIVISION && b->arg == type) {
        load_rule_error(ld, s->csv, STROMA_ERR_RANGE, s->at,
                        "%s%sin %s, a rule on '%s' changes nothing: the daughter already has the mother's type (the "
                        "symmetric division is what the other types' probabilities leave)",
                        s->item, s->item[0] ? ": " : "", m->cell_types[type].name, b->name);
        return;
    }
    double base = stroma_rule_behaviour_base(m, type, beh);
    if ((b->kind == STROMA_BEH_ADHESION || b->kind == STROMA_BEH_REPULSION) && !(base > 0)) {
        load_rule_error(ld, s->csv, STROMA_ERR_RANGE, s->at,
                        "%s%sin %s, a rule on '%s' needs a non-zero strength to scale: set cell_types.%s.mechanics.%s",
                        s->item, s->item[0] ? ": " : "", m->cell_types[type].name, b->name, m->cell_types[type].name,
                        b->kind == STROMA_BEH_ADHESION ? "adhesion" : "repulsion");
        return;
    }
    int up = s->direction > 0;
    /* PhysiCell's law takes any side (its shared maximum and minimum keep b between the base and the
     * saturations); the weighted mean would silently invert a rule on the wrong side */
    if (m->rules_law == STROMA_RULES_LAW_STROMA && (up ? s->saturation < base : s->saturation > base)) {
        load_rule_error(ld, s->csv, STROMA_ERR_RANGE, s->at,
                        "%s%sin %s, '%s %s %s' saturates at %.10g, %s its base value %.10g%s; %s rule must saturate "
                        "%s its base (use '%s' to %s a behaviour)",
                        s->item, s->item[0] ? ": " : "", m->cell_types[type].name, t->signals[sig].name,
                        up ? "increases" : "decreases", b->name, s->saturation, up ? "below" : "above", base, unit,
                        up ? "an increasing" : "a decreasing", up ? "above" : "below", up ? "decreases" : "increases",
                        up ? "lower" : "raise");
        return;
    }
    if (load_grow((void **)&m->rules, &ld->rules_cap, m->nrules + 1, sizeof *m->rules)) {
        ld->nomem = 1;
        return;
    }
    stroma_rule_desc *r = &m->rules[m->nrules++];
    memset(r, 0, sizeof *r);
    r->type = type;
    r->signal = sig;
    r->behaviour = beh;
    r->direction = up ? 1 : -1;
    r->saturation = s->saturation;
    r->half_max = s->half_max;
    r->hill = s->hill;
    r->apply_to_dead = s->apply_to_dead;
    r->line = s->at.line;
    r->column = s->at.column;
    snprintf(r->origin, sizeof r->origin, "%s", s->origin);
}

/* The columns of a PhysiCell v3 rules file. */
#define LOAD_RULES_COLUMNS "cell_type,signal,direction,behavior,saturation,half_max,hill_power,apply_to_dead"

/* Read the rules file of item r (PhysiCell v3 CSV, no header) and add its rules in line order. */
static void load_read_rules_csv(loader *ld, const load_rule_item *r, const load_names *nl,
                                const load_rule_names *rn) {
    char path[512];
    FILE *fp = load_open_named(ld, r->file, r->path, r->file_at, "rules file", path, sizeof path);
    if (!fp) return;
    load_csv c = {ld, path, r->file_at, 0, 0, 0};
    char *line = NULL;
    size_t line_cap = 0;
    int lineno = 0;
    ssize_t got;
    while (!ld->nomem && (got = getline(&line, &line_cap, fp)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            len--;
        const char *text = line;
        if (lineno == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3; /* UTF-8 BOM */
        size_t lead = 0;
        while (lead < len && (text[lead] == ' ' || text[lead] == '\t')) lead++;
        if (lead == len || text[lead] == '#' || (len - lead >= 2 && text[lead] == '/' && text[lead + 1] == '/'))
            continue; /* blank or comment */
        if (memchr(text, '\0', len)) {
            load_csv_error(&c, STROMA_ERR_PARSE, lineno, (int)((const char *)memchr(text, '\0', len) - text) + 1,
                           "a NUL byte in the line: this is not a text file");
            continue;
        }
        load_csv_field f[9];
        int nf = load_csv_split(text, len, f, 9);
        if (nf != 8) {
            load_csv_error(&c, STROMA_ERR_PARSE, lineno, nf > 8 ? f[8].column : (int)len + 1,
                           "the line has %d field%s; expected 8 (" LOAD_RULES_COLUMNS ")", nf, nf == 1 ? "" : "s");
            continue;
        }
        char type[STROMA_NAME_MAX], signal[STROMA_RULE_NAME_MAX], behaviour[STROMA_RULE_NAME_MAX];
        load_rule_src s;
        memset(&s, 0, sizeof s);
        s.csv = &c;
        s.origin = path;
        s.item = "";
        s.type_key = "cell_type";
        s.signal_key = "signal";
        s.behaviour_key = "behavior";
        s.saturation_key = "saturation";
        s.type = type;
        s.signal = signal;
        s.behaviour = behaviour;
        s.at = s.type_at = (stroma_srcloc){lineno, f[0].column};
        s.signal_at = (stroma_srcloc){lineno, f[1].column};
        s.behaviour_at = (stroma_srcloc){lineno, f[3].column};
        s.saturation_at = (stroma_srcloc){lineno, f[4].column};
        s.type_ok = load_csv_name(&c, lineno, &f[0], "cell_type", "cell type", type, sizeof type);
        s.signal_ok = load_csv_name(&c, lineno, &f[1], "signal", "signal", signal, sizeof signal);
        s.behaviour_ok = load_csv_name(&c, lineno, &f[3], "behavior", "behaviour", behaviour, sizeof behaviour);
        int ok = 1;
        if (load_csv_is(&f[2], "increases")) {
            s.direction = 1;
        } else if (load_csv_is(&f[2], "decreases")) {
            s.direction = -1;
        } else {
            static const char *const words[2] = {"increases", "decreases"};
            char echo[LOAD_ECHO_MAX + 8], word[LOAD_ECHO_MAX + 8];
            load_echo(f[2].text, f[2].len, echo, sizeof echo);
            const char *best = NULL;
            if (f[2].len < sizeof word && !memchr(f[2].text, '\0', f[2].len)) {
                memcpy(word, f[2].text, f[2].len);
                word[f[2].len] = '\0';
                best = stroma_suggest(word, words, 2);
            }
            if (best)
                load_csv_error(&c, STROMA_ERR_RANGE, lineno, f[2].column,
                               "direction must be increases or decreases (got '%s'); did you mean '%s'?", echo, best);
            else
                load_csv_error(&c, STROMA_ERR_RANGE, lineno, f[2].column,
                               "direction must be increases or decreases (got '%s')", echo);
            ok = 0;
        }
        ok &= load_csv_number(&c, lineno, &f[4], "saturation", 0, "", &s.saturation);
        ok &= load_csv_number(&c, lineno, &f[5], "half_max", 1, "", &s.half_max);
        ok &= load_csv_number(&c, lineno, &f[6], "hill_power", 1, "", &s.hill);
        if (load_csv_is(&f[7], "0") || load_csv_is(&f[7], "1")) {
            s.apply_to_dead = f[7].text[0] == '1';
        } else {
            char echo[LOAD_ECHO_MAX + 8];
            load_echo(f[7].text, f[7].len, echo, sizeof echo);
            load_csv_error(&c, STROMA_ERR_RANGE, lineno, f[7].column, "apply_to_dead must be 0 or 1 (got '%s')",
                           echo);
            ok = 0;
        }
        s.numbers_ok = ok;
        load_rule_add(ld, nl, rn, &s);
    }
    free(line);
    if (!ld->nomem) load_csv_finish(&c, fp, r->path, "rules file");
    fclose(fp);
}

/* Resolve every rule, inline or from a file, into model->rules in the order written; `rules_at` is where
 * `rules` is written. Needs the rule tables. */
void load_check_rules(loader *ld, const load_names *nl, stroma_srcloc rules_at) {
    stroma_model *m = ld->m;
    if (ld->nrule_items == 0) return;
    if (m->ntypes == 0) {
        load_error(ld, STROMA_ERR_MISSING, rules_at,
                   "rules needs cell types, but cell_types is absent or empty: define the types first");
        return;
    }
    const stroma_rule_tables *t = &m->rule_tables;
    load_rule_names rn;
    rn.signals = malloc((size_t)(t->nsignals > 0 ? t->nsignals : 1) * sizeof *rn.signals);
    rn.behaviours = malloc((size_t)(t->nbehaviours > 0 ? t->nbehaviours : 1) * sizeof *rn.behaviours);
    rn.vars = malloc((size_t)(m->nstate > 0 ? m->nstate : 1) * sizeof *rn.vars);
    if (!rn.signals || !rn.behaviours || !rn.vars) {
        ld->nomem = 1;
    } else {
        for (int i = 0; i < t->nsignals; i++) rn.signals[i] = t->signals[i].name;
        for (int i = 0; i < t->nbehaviours; i++) rn.behaviours[i] = t->behaviours[i].name;
        for (int v = 0; v < m->nstate; v++) rn.vars[v] = m->state_vars[v].name;
    }
    for (int i = 0; i < ld->nrule_items && !ld->nomem; i++) {
        const load_rule_item *r = &ld->rule_items[i];
        if (r->is_file) {
            if (r->file_ok) load_read_rules_csv(ld, r, nl, &rn);
            continue;
        }
        char type_key[64], signal_key[64], behaviour_key[64], saturation_key[64];
        snprintf(type_key, sizeof type_key, "%s.type", r->path);
        snprintf(signal_key, sizeof signal_key, "%s.signal", r->path);
        snprintf(behaviour_key, sizeof behaviour_key, "%s.%s", r->path,
                 r->behaviour_key ? r->behaviour_key : "behaviour");
        snprintf(saturation_key, sizeof saturation_key, "%s.saturation", r->path);
        load_rule_src s = {
            .csv = NULL,
            .origin = ld->file,
            .item = r->path,
            .type_key = type_key,
            .signal_key = signal_key,
            .behaviour_key = behaviour_key,
            .saturation_key = saturation_key,
            .type = r->type.name,
            .signal = r->signal,
            .behaviour = r->behaviour,
            .type_ok = r->type.ok,
            .signal_ok = r->signal_ok,
            .behaviour_ok = r->behaviour_ok,
            .numbers_ok = r->complete && r->numbers_ok,
            .at = r->at,
            .type_at = r->type.loc,
            .signal_at = r->signal_at,
            .behaviour_at = r->behaviour_at,
            .saturation_at = r->saturation_at,
            .direction = r->direction,
            .apply_to_dead = r->apply_to_dead,
            .saturation = r->saturation,
            .half_max = r->half_max,
            .hill = r->hill,
        };
        load_rule_add(ld, nl, &rn, &s);
    }
    free(rn.signals);
    free(rn.behaviours);
    free(rn.vars);
}
