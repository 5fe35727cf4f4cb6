/* Loading of the cells: after the walk (load.c), the cross-checks of cell_types (names they refer to, per-type
 * maps, secretion, contact transformations), initial_cells (types, places, cell CSV files and their extra
 * columns) and state_variables. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/rules_tables.h"
#include "model/schema.h"
#include "util/error_impl.h"

/* Allocate every per-type array (defaults: affinity 1, everything else 0) and fill in what the walk found:
 * substrates and types named in each type, secretion, type-keyed maps, contact transformations. */
void load_check_cell_types(loader *ld, const load_names *nl) {
    stroma_model *m = ld->m;
    size_t nt = (size_t)m->ntypes, ns = (size_t)(m->nsub > 0 ? m->nsub : 1);
    for (int k = 0; k < m->ntypes; k++) {
        stroma_cell_type_desc *t = &m->cell_types[k];
        t->adhesion_affinity = malloc(nt * sizeof *t->adhesion_affinity);
        t->attack_per_min = calloc(nt, sizeof *t->attack_per_min);
        t->phagocytose_per_min = calloc(nt, sizeof *t->phagocytose_per_min);
        t->transform_per_min = calloc(nt, sizeof *t->transform_per_min);
        t->contact_transform_per_min = calloc(nt * nt, sizeof *t->contact_transform_per_min);
        t->secretion_per_min = calloc(ns, sizeof *t->secretion_per_min);
        t->saturation = calloc(ns, sizeof *t->saturation);
        t->uptake_per_min = calloc(ns, sizeof *t->uptake_per_min);
        t->export_per_min = calloc(ns, sizeof *t->export_per_min);
        if (!t->adhesion_affinity || !t->attack_per_min || !t->phagocytose_per_min || !t->transform_per_min ||
            !t->contact_transform_per_min || !t->secretion_per_min || !t->saturation || !t->uptake_per_min ||
            !t->export_per_min) {
            ld->nomem = 1;
            return;
        }
        for (size_t j = 0; j < nt; j++) t->adhesion_affinity[j] = 1.0;
        const load_type_extra *x = &ld->type_extra[k];
        char path[160];
        if (x->necrosis.ok) {
            snprintf(path, sizeof path, "%s.death.necrosis.substrate", x->path);
            t->necrosis_substrate = load_resolve(ld, nl, 0, &x->necrosis, path);
        }
        if (x->chemotaxis.ok) {
            snprintf(path, sizeof path, "%s.motility.chemotaxis.substrate", x->path);
            t->chemotaxis_substrate = load_resolve(ld, nl, 0, &x->chemotaxis, path);
        }
        if (t->volume_parts && !(t->vp_nuclear_um3 < t->volume_um3))
            load_error(ld, STROMA_ERR_RANGE, x->vp_loc,
                       "%s.volume_parts.nuclear must be less than volume (got nuclear %g, volume %g) [µm³]", x->path,
                       t->vp_nuclear_um3, t->volume_um3);
        if (t->volume_parts && t->vp_double_phase > 0 &&
            !(t->cycle == STROMA_CYCLE_PHASES && t->vp_double_phase < t->nphases))
            load_error(ld, STROMA_ERR_RANGE, x->vp_double_loc,
                       "%s.volume_parts.double_at_phase must name a phase of the cycle (got %d; the cycle has %d "
                       "phase%s); 0 keeps the targets",
                       x->path, t->vp_double_phase, t->cycle == STROMA_CYCLE_PHASES ? t->nphases : 1,
                       t->cycle == STROMA_CYCLE_PHASES && t->nphases != 1 ? "s" : "");
        if (x->chemotaxis_sensitivities && !(t->chemotaxis_sensitivity = calloc(ns, sizeof(double)))) {
            ld->nomem = 1;
            return;
        }
    }
    for (int i = 0; i < ld->nrefs; i++) {
        const load_type_ref *r = &ld->refs[i];
        stroma_cell_type_desc *t = &m->cell_types[r->owner];
        const int of_substrate = r->key == STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITY;
        int j = load_resolve(ld, nl, !of_substrate, &r->type, r->path);
        if (j < 0 || !r->value_ok) continue;
        switch (r->key) {
        case STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITY: t->chemotaxis_sensitivity[j] = r->value; break;
        case STROMA_KEY_CELL_AFFINITY_TYPE: t->adhesion_affinity[j] = r->value; break;
        case STROMA_KEY_CELL_ATTACK_TYPE: t->attack_per_min[j] = r->value; break;
        case STROMA_KEY_CELL_PHAGOCYTOSIS_TYPE: t->phagocytose_per_min[j] = r->value; break;
        case STROMA_KEY_CELL_TRANSFORM_TYPE:
            if (j == r->owner)
                load_error(ld, STROMA_ERR_RANGE, r->type.loc,
                           "%s.%s: a cell type cannot transform into itself (name another type)", r->path, t->name);
            else
                t->transform_per_min[j] = r->value;
            break;
        case STROMA_KEY_CELL_CYCLE_ASYM_TYPE:
            if (j == r->owner) {
                load_error(ld, STROMA_ERR_RANGE, r->type.loc,
                           "%s.%s: the daughter already has the mother's type (name other types; the rest of the "
                           "probability, 1 - their sum, is the symmetric division)",
                           r->path, t->name);
                break;
            }
            if (!t->asym_division && !(t->asym_division = calloc(nt, sizeof *t->asym_division))) {
                ld->nomem = 1;
                return;
            }
            t->asym_division[j] = r->value;
            {
                double sum = 0;
                for (size_t k = 0; k < nt; k++) sum += t->asym_division[k];
                /* reported once, at the entry that takes the sum over 1 */
                if (sum > 1 && sum - r->value <= 1)
                    load_error(ld, STROMA_ERR_RANGE, r->type.loc,
                               "%s: the probabilities sum to %.10g, more than 1 (with %s: %g); the daughter can "
                               "become at most one type",
                               r->path, sum, m->cell_types[j].name, r->value);
            }
            break;
        default: break;
        }
    }
    for (int i = 0; i < ld->nsecs; i++) {
        const load_secretion *x = &ld->secs[i];
        stroma_cell_type_desc *t = &m->cell_types[x->owner];
        int s = load_resolve(ld, nl, 0, &x->substrate, x->path);
        if (s < 0) continue;
        t->secretion_per_min[s] = x->rate;
        t->saturation[s] = x->saturation;
        t->uptake_per_min[s] = x->uptake;
        t->export_per_min[s] = x->export_;
    }
    int *first_contact = ld->ncontacts > 0 ? calloc(nt * nt * nt, sizeof *first_contact) : NULL; /* 1 + index */
    if (ld->ncontacts > 0 && !first_contact) {
        ld->nomem = 1;
        return;
    }
    for (int i = 0; i < ld->ncontacts; i++) {
        load_contact *x = &ld->contacts[i];
        stroma_cell_type_desc *t = &m->cell_types[x->owner];
        char path[200];
        int with = -1, to = -1;
        if (x->with.ok) {
            snprintf(path, sizeof path, "%s.with", x->path);
            with = load_resolve(ld, nl, 1, &x->with, path);
        }
        if (x->to.ok) {
            snprintf(path, sizeof path, "%s.to", x->path);
            to = load_resolve(ld, nl, 1, &x->to, path);
            if (to == x->owner) {
                load_error(ld, STROMA_ERR_RANGE, x->to.loc,
                           "%s.to: a cell type cannot transform into itself (got '%s', the type it belongs to)",
                           x->path, t->name);
                to = -1;
            }
        }
        if (with < 0 || to < 0 || !x->rate_ok) {
            x->rate_ok = 0; /* not compared with later entries */
            continue;
        }
        /* the first entry of each (owner, with, to), in a table: no pairwise comparison of the list */
        int *first = &first_contact[((size_t)x->owner * nt + (size_t)with) * nt + (size_t)to];
        if (*first) {
            const load_contact *y = &ld->contacts[*first - 1];
            load_error(ld, STROMA_ERR_RANGE, x->with.loc,
                       "%s repeats with: %s, to: %s (first given in %s, line %d); give each pair once", x->path,
                       x->with.name, x->to.name, y->path, y->with.loc.line);
            x->rate_ok = 0;
            continue;
        }
        *first = i + 1;
        t->contact_transform_per_min[(size_t)with * nt + (size_t)to] = x->rate;
    }
    free(first_contact);
}

/* Parse one CSV row (line number `line`, 4 fields) into pos[3] and *type; reports and returns 0 if it is
 * not valid. */
static int load_cells_row(load_csv *c, const load_names *nl, int grid, int line, const load_csv_field *f,
                          double pos[3], int *type) {
    static const char *const axis[3] = {"x", "y", "z"};
    const stroma_model *m = c->ld->m;
    int ok = 1;
    char text[128], echo[LOAD_ECHO_MAX + 8];
    for (int a = 0; a < 3; a++) {
        load_echo(f[a].text, f[a].len, echo, sizeof echo);
        int rc = -1;
        if (f[a].len < sizeof text && !memchr(f[a].text, '\0', f[a].len)) {
            memcpy(text, f[a].text, f[a].len);
            text[f[a].len] = '\0';
            rc = load_parse_number_text(text, &pos[a]);
        }
        if (rc) {
            load_csv_error(c, rc == -1 ? STROMA_ERR_TYPE : STROMA_ERR_RANGE, line, f[a].column,
                           "%s must be a %snumber (got '%s') [µm]", axis[a], rc == -1 ? "" : "finite ", echo);
            ok = 0;
        }
    }
    load_echo(f[3].text, f[3].len, echo, sizeof echo);
    size_t digits = 0;
    while (digits < f[3].len && f[3].text[digits] >= '0' && f[3].text[digits] <= '9') digits++;
    *type = -1;
    if (f[3].len == 0) {
        load_csv_error(c, STROMA_ERR_MISSING, line, f[3].column, "type is empty: give a cell type name or index");
        ok = 0;
    } else if (digits == f[3].len) {
        long long k = digits <= 9 ? strtoll(echo, NULL, 10) : -1;
        if (k < 0 || k >= m->ntypes) {
            load_csv_error(c, STROMA_ERR_RANGE, line, f[3].column,
                           "type index %s is out of range: cell_types has %d type%s (0 = %s .. %d = %s)", echo,
                           m->ntypes, m->ntypes == 1 ? "" : "s", nl->type[0], m->ntypes - 1,
                           nl->type[m->ntypes - 1]);
            ok = 0;
        } else {
            *type = (int)k;
        }
    } else {
        char name[STROMA_NAME_MAX], msg[768];
        if (f[3].len >= sizeof name || memchr(f[3].text, '\0', f[3].len)) {
            load_csv_error(c, STROMA_ERR_UNKNOWN_KEY, line, f[3].column, "no cell type named '%s'", echo);
            ok = 0;
        } else {
            memcpy(name, f[3].text, f[3].len);
            name[f[3].len] = '\0';
            *type = load_lookup(name, nl->type, nl->type_order, m->ntypes, "cell type", "cell types", msg, sizeof msg);
            if (*type < 0) {
                load_csv_error(c, STROMA_ERR_UNKNOWN_KEY, line, f[3].column, "%s", msg);
                ok = 0;
            }
        }
    }
    if (ok && grid && !load_inside(m, pos)) {
        load_csv_error(c, STROMA_ERR_RANGE, line, f[0].column,
                       "cell (%g, %g, %g) lies outside the domain [%g, %g] x [%g, %g] x [%g, %g] [µm]", pos[0],
                       pos[1], pos[2], m->lo_um[0], m->hi_um[0], m->lo_um[1], m->hi_um[1], m->lo_um[2], m->hi_um[2]);
        ok = 0;
    }
    return ok;
}

/* Resolve a cell file's extra header column (a behaviour, or custom:<variable> / <variable> for a state
 * variable's initial value) into *code (see stroma_initial_cells_desc.col_behaviour); reports and returns 0 if
 * it names nothing a cell can be given. */
static int load_cells_column(load_csv *c, int line, const load_csv_field *f, int *code) {
    const stroma_model *m = c->ld->m;
    char name[STROMA_RULE_NAME_MAX], echo[LOAD_ECHO_MAX + 8];
    load_echo(f->text, f->len, echo, sizeof echo);
    if (f->len == 0 || f->len >= sizeof name || memchr(f->text, '\0', f->len)) {
        load_csv_error(c, STROMA_ERR_PARSE, line, f->column, "column name '%s' is empty or too long", echo);
        return 0;
    }
    memcpy(name, f->text, f->len);
    name[f->len] = '\0';
    const char *var = strncmp(name, "custom:", 7) == 0 ? name + 7 : name;
    const stroma_rule_tables *t = &m->rule_tables;
    const int *idx;
    int nsame = stroma_rule_signals_named(t, var, &idx); /* state variables are signals: a lookup, not a scan */
    for (int k = 0; k < nsame; k++)
        if (t->signals[idx[k]].kind == STROMA_SIG_STATE) {
            *code = -1 - t->signals[idx[k]].arg;
            return 1;
        }
    int b = stroma_rule_behaviour_find(t, name);
    if (b < 0) {
        const char **names = malloc((size_t)(t->nbehaviours + m->nstate + 1) * sizeof *names);
        if (!names) {
            c->ld->nomem = 1;
            return 0;
        }
        int n = 0;
        for (int i = 0; i < t->nbehaviours; i++) names[n++] = t->behaviours[i].name;
        for (int v = 0; v < m->nstate; v++) names[n++] = m->state_vars[v].name;
        char msg[1024];
        load_lookup(name, names, NULL, n, "behaviour or state variable", "behaviours", msg, sizeof msg);
        free(names);
        load_csv_error(c, STROMA_ERR_UNKNOWN_KEY, line, f->column, "column '%s': %s", echo, msg);
        return 0;
    }
    *code = b;
    return 1;
}

/* One per-cell value: a number (>= 0 except exports and state variables; bias at most 1), or "skip" / empty
 * for "the type's value" (NAN). */
static int load_cells_value(load_csv *c, int line, const load_csv_field *f, const char *column, int code,
                            double *out) {
    const stroma_model *m = c->ld->m;
    if (f->len == 0 || (f->len == 4 && memcmp(f->text, "skip", 4) == 0)) {
        *out = NAN;
        return 1;
    }
    if (!load_csv_number(c, line, f, column, 0, ", 'skip' or empty", out)) return 0;
    char echo[LOAD_ECHO_MAX + 8];
    load_echo(f->text, f->len, echo, sizeof echo);
    if (code >= 0) {
        stroma_behaviour_kind k = m->rule_tables.behaviours[code].kind;
        if (k != STROMA_BEH_EXPORT && k != STROMA_BEH_CHEMOTAXIS && *out < 0) {
            load_csv_error(c, STROMA_ERR_RANGE, line, f->column, "%s must be >= 0 (got %s)", column, echo);
            return 0;
        }
        if (k == STROMA_BEH_BIAS && *out > 1) {
            load_csv_error(c, STROMA_ERR_RANGE, line, f->column, "%s must be at most 1 (got %s)", column, echo);
            return 0;
        }
    }
    return 1;
}

/* Read the cell file of initial_cells[g] into its csv_pos_um / csv_type (owned by the model). */
static void load_read_csv(loader *ld, int g, const load_names *nl, int grid) {
    stroma_model *m = ld->m;
    stroma_initial_cells_desc *ic = &m->initial_cells[g];
    const load_initial_extra *x = &ld->init_extra[g];
    FILE *fp = load_open_named(ld, x->file, x->place.path, x->file_loc, "cell file", ic->csv_path,
                               sizeof ic->csv_path);
    if (!fp) return;
    load_csv c = {ld, ic->csv_path, x->file_loc, 0, 0, 0};
    double avail = stroma_model_memory_available();
    char *line = NULL;
    size_t line_cap = 0, cap = 0;
    int lineno = 0, header = 0, nfields = 4;
    char colname[STROMA_MAX_CELL_COLUMNS][STROMA_RULE_NAME_MAX];
    ssize_t got;
    enum { MAXF = 4 + STROMA_MAX_CELL_COLUMNS + 1 };
    load_csv_field f[MAXF];
    while ((got = getline(&line, &line_cap, fp)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        const char *text = line;
        if (lineno == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3; /* UTF-8 BOM */
        if (!header) {
            static const char *const want[4] = {"x", "y", "z", "type"};
            int nf = load_csv_split(text, len, f, MAXF), bad = -1;
            for (int i = 0; i < 4 && i < nf && bad < 0; i++)
                if (f[i].len != strlen(want[i]) || memcmp(f[i].text, want[i], f[i].len) != 0) bad = i;
            if (bad < 0 && nf < 4) bad = nf;
            if (bad >= 0) {
                char echo[LOAD_ECHO_MAX + 8];
                load_echo(text, len, echo, sizeof echo);
                load_csv_error(&c, STROMA_ERR_PARSE, lineno, bad < nf ? f[bad].column : (int)len + 1,
                               "the header must begin x,y,z,type (got '%s')", echo);
                break; /* the columns are unknown: the rows cannot be read */
            }
            if (nf > 4 + STROMA_MAX_CELL_COLUMNS) {
                load_csv_error(&c, STROMA_ERR_TOO_LARGE, lineno, f[4 + STROMA_MAX_CELL_COLUMNS].column,
                               "at most %d per-cell columns after x,y,z,type (got %d)", STROMA_MAX_CELL_COLUMNS,
                               nf - 4);
                break;
            }
            int ok = 1;
            if (nf > 4) {
                ic->col_behaviour = malloc((size_t)(nf - 4) * sizeof *ic->col_behaviour);
                if (!ic->col_behaviour) {
                    ld->nomem = 1;
                    break;
                }
                for (int k = 0; k < nf - 4; k++) {
                    ok &= load_cells_column(&c, lineno, &f[4 + k], &ic->col_behaviour[k]);
                    snprintf(colname[k], sizeof colname[k], "%.*s", (int)f[4 + k].len, f[4 + k].text);
                    for (int j = 0; j < k && ok; j++)
                        if (ic->col_behaviour[j] == ic->col_behaviour[k]) {
                            load_csv_error(&c, STROMA_ERR_RANGE, lineno, f[4 + k].column,
                                           "column '%s' sets what column %d already sets", colname[k], 5 + j);
                            ok = 0;
                        }
                }
                if (ld->nomem) break;
            }
            if (!ok) break;
            ic->ncols = nf - 4;
            nfields = nf;
            header = 1;
            continue;
        }
        size_t blank = 0;
        while (blank < len && (text[blank] == ' ' || text[blank] == '\t')) blank++;
        if (blank == len) continue;
        if (memchr(text, '\0', len)) {
            load_csv_error(&c, STROMA_ERR_PARSE, lineno, (int)((const char *)memchr(text, '\0', len) - text) + 1,
                           "a NUL byte in the line: this is not a text file");
            continue;
        }
        int nf = load_csv_split(text, len, f, MAXF);
        if (nf != nfields) {
            load_csv_error(&c, STROMA_ERR_PARSE, lineno, nf > nfields ? f[nfields].column : (int)len + 1,
                           "the row has %d field%s; expected %d %s", nf, nf == 1 ? "" : "s", nfields,
                           nfields == 4 ? "(x,y,z,type)" : "as in the header");
            continue;
        }
        double pos[3], vals[STROMA_MAX_CELL_COLUMNS];
        int type;
        if (!load_cells_row(&c, nl, grid, lineno, f, pos, &type)) continue;
        int ok = 1;
        for (int k = 0; k < ic->ncols; k++)
            ok &= load_cells_value(&c, lineno, &f[4 + k], colname[k], ic->col_behaviour[k], &vals[k]);
        if (!ok) continue;
        if (ic->count == 2147483647 || (avail > 0 && (ic->count + 1.0) * 2048.0 > avail)) {
            load_csv_error(&c, STROMA_ERR_TOO_LARGE, lineno, 1,
                           "too many cells: %d read so far, more than this machine's memory can simulate", ic->count);
            break;
        }
        if ((size_t)ic->count == cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            double *p = realloc(ic->csv_pos_um, ncap * 3 * sizeof *p);
            if (p) ic->csv_pos_um = p;
            int *t = p ? realloc(ic->csv_type, ncap * sizeof *t) : NULL;
            if (t) ic->csv_type = t;
            double *v = t && ic->ncols ? realloc(ic->csv_values, ncap * (size_t)ic->ncols * sizeof *v) : NULL;
            if (v) ic->csv_values = v;
            if (!p || !t || (ic->ncols && !v)) {
                ld->nomem = 1;
                break;
            }
            cap = ncap;
        }
        memcpy(ic->csv_pos_um + 3 * (size_t)ic->count, pos, sizeof pos);
        if (ic->ncols) memcpy(ic->csv_values + (size_t)ic->count * (size_t)ic->ncols, vals, (size_t)ic->ncols * sizeof *vals);
        ic->csv_type[ic->count++] = type;
    }
    free(line);
    if (!ld->nomem && !ferror(fp)) {
        if (!header && c.nerrors == 0)
            load_csv_error(&c, STROMA_ERR_MISSING, 1, 1, "the file is empty: expected the header x,y,z,type and a "
                                                         "row per cell");
        else if (c.nerrors == 0 && ic->count == 0)
            load_csv_error(&c, STROMA_ERR_MISSING, lineno + 1, 1, "no cells: the file has a header but no rows");
    }
    if (!ld->nomem) load_csv_finish(&c, fp, x->place.path, "cell file");
    fclose(fp);
}

/* Types and places of initial_cells, and their cell files; `initial_at` is where initial_cells is written. */
void load_check_initial(loader *ld, const load_names *nl, int grid, stroma_srcloc initial_at) {
    stroma_model *m = ld->m;
    if (m->ninitial == 0) return;
    if (m->ntypes == 0) {
        load_error(ld, STROMA_ERR_MISSING, initial_at,
                   "initial_cells needs cell types, but cell_types is absent or empty: define the types first");
        return;
    }
    for (int g = 0; g < m->ninitial; g++) {
        stroma_initial_cells_desc *ic = &m->initial_cells[g];
        const load_initial_extra *x = &ld->init_extra[g];
        if (x->from_file) {
            if (x->file_ok) load_read_csv(ld, g, nl, grid);
            if (ld->nomem) return;
            continue;
        }
        if (x->type.ok) {
            char path[64];
            snprintf(path, sizeof path, "%s.type", x->place.path);
            ic->type = load_resolve(ld, nl, 1, &x->type, path);
        }
        if (grid && x->place.region_ok) load_check_region(ld, &x->place, &ic->region);
    }
}

/* Allocate the state variables' per-type arrays (default 0) and fill in the entries of their maps. */
void load_check_state(loader *ld, const load_names *nl) {
    stroma_model *m = ld->m;
    size_t nt = (size_t)(m->ntypes > 0 ? m->ntypes : 1);
    for (int v = 0; v < m->nstate; v++) {
        stroma_state_var_desc *d = &m->state_vars[v];
        d->initial = calloc(nt, sizeof *d->initial);
        d->production = calloc(nt, sizeof *d->production);
        d->decay = calloc(nt, sizeof *d->decay);
        if (!d->initial || !d->production || !d->decay) {
            ld->nomem = 1;
            return;
        }
    }
    for (int i = 0; i < ld->nsrefs; i++) {
        const load_type_ref *r = &ld->srefs[i];
        int k = load_resolve(ld, nl, 1, &r->type, r->path);
        if (k < 0 || !r->value_ok) continue;
        stroma_state_var_desc *d = &m->state_vars[r->owner];
        double *per_type = r->key == STROMA_KEY_STATE_INITIAL_TYPE      ? d->initial
                           : r->key == STROMA_KEY_STATE_PRODUCTION_TYPE ? d->production
                                                                        : d->decay;
        per_type[k] = r->value;
    }
}

/* A state variable is a signal by its bare name: that name must not already be a signal (after the tables are
 * built). */
void load_check_state_names(loader *ld) {
    const stroma_model *m = ld->m;
    const stroma_rule_tables *t = &m->rule_tables;
    for (int v = 0; v < m->nstate; v++) {
        const char *name = m->state_vars[v].name;
        const int *idx;
        int nsame = stroma_rule_signals_named(t, name, &idx); /* a lookup, not a scan of every signal */
        for (int k = 0; k < nsame; k++) {
            const stroma_signal_entry *e = &t->signals[idx[k]];
            if (e->kind == STROMA_SIG_STATE || strcmp(e->name, name) != 0) continue;
            if (e->kind == STROMA_SIG_SUBSTRATE)
                load_error(ld, STROMA_ERR_RANGE, ld->state_extra[v].loc,
                           "%s: '%s' is already the name of a substrate (a rule's signal '%s' would mean either); "
                           "rename the state variable",
                           ld->state_extra[v].path, name, name);
            else
                load_error(ld, STROMA_ERR_RANGE, ld->state_extra[v].loc,
                           "%s: '%s' is already the name of a built-in signal; rename the state variable",
                           ld->state_extra[v].path, name);
            break;
        }
    }
}
