/* The model loader: reads a YAML model file, validates it against the schema table (schema.h) and fills a
 * stroma_model (model.h). It keeps going after a mistake and reports every one with its file:line:column, then
 * checks what involves several keys: here the grid, time steps, sources, outputs and memory; a section with
 * checks of its own has them in load_<section>.c (load_impl.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/overrides.h"
#include "model/rules_tables.h"
#include "model/schema.h"
#include "model/sha256.h"
#include "model/yaml_tree.h"
#include "util/error_impl.h"
#include "util/file.h"
#include "util/text.h"

/* Largest model file read (a model is a few kilobytes). */
#define LOAD_MAX_FILE_BYTES (64u << 20)
/* Relative tolerance for "voxel divides the extent". */
#define LOAD_DIVIDE_TOL 1e-9

static stroma_srcloc load_loc(const stroma_yaml_node *n) {
    stroma_srcloc l = {n ? n->line : 1, n ? n->column : 1};
    if (l.line < 1) l.line = 1;
    if (l.column < 1) l.column = 1;
    return l;
}

/* Record an issue at `at` in `file` (NULL: the model file), sorted with the model file's issues at sort_at. */
static void load_verror(loader *ld, const char *file, stroma_srcloc sort_at, stroma_code code, stroma_srcloc at,
                        const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (ld->nissues == ld->issues_cap) {
        int ncap = ld->issues_cap ? 2 * ld->issues_cap : 16;
        load_issue *p = realloc(ld->issues, (size_t)ncap * sizeof *p);
        if (!p) {
            ld->nomem = 1;
            return;
        }
        ld->issues = p;
        ld->issues_cap = ncap;
    }
    char *copy = malloc(strlen(msg) + 1);
    char *fcopy = file ? malloc(strlen(file) + 1) : NULL;
    if (!copy || (file && !fcopy)) {
        free(copy);
        free(fcopy);
        ld->nomem = 1;
        return;
    }
    strcpy(copy, msg);
    if (fcopy) strcpy(fcopy, file);
    ld->issues[ld->nissues] = (load_issue){code, at, file ? sort_at : at, ld->nissues, fcopy, copy};
    ld->nissues++;
}

void load_warning(loader *ld, stroma_srcloc at, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char line[1400];
    int set = at.line >= STROMA_SET_LINE0;
    int n = snprintf(line, sizeof line, "%s:%d:%d: warning: %s\n", set ? STROMA_SET_FILE : ld->file,
                     set ? at.line - STROMA_SET_LINE0 : at.line, at.column, msg);
    if (n < 0) return;
    size_t have = ld->m->warnings ? strlen(ld->m->warnings) : 0, add = strlen(line);
    char *w = realloc(ld->m->warnings, have + add + 1);
    if (!w) {
        ld->nomem = 1;
        return;
    }
    memcpy(w + have, line, add + 1);
    ld->m->warnings = w;
}

void load_error(loader *ld, stroma_code code, stroma_srcloc at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    load_verror(ld, NULL, at, code, at, fmt, ap);
    va_end(ap);
}

/* An error in another file (a cell CSV) at line:column, listed with the model file's errors at `anchor`. */
void load_error_in(loader *ld, const char *file, stroma_srcloc anchor, stroma_code code, int line,
                   int column, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    load_verror(ld, file, anchor, code, (stroma_srcloc){line, column}, fmt, ap);
    va_end(ap);
}

static int load_issue_cmp(const void *pa, const void *pb) {
    const load_issue *a = pa, *b = pb;
    if (a->sort_at.line != b->sort_at.line) return a->sort_at.line < b->sort_at.line ? -1 : 1;
    if (a->sort_at.column != b->sort_at.column) return a->sort_at.column < b->sort_at.column ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Report every issue into err in file order, and free them. */
static void load_flush_issues(loader *ld, stroma_error *err) {
    if (ld->nissues > 1) qsort(ld->issues, (size_t)ld->nissues, sizeof *ld->issues, load_issue_cmp);
    for (int i = 0; i < ld->nissues; i++) {
        const load_issue *is = &ld->issues[i];
        if (!is->file && is->at.line >= STROMA_SET_LINE0) /* in a --set override (overrides.h) */
            stroma_error_add_at(err, is->code, STROMA_SET_FILE, is->at.line - STROMA_SET_LINE0, is->at.column, "%s",
                                is->message);
        else
            stroma_error_add_at(err, is->code, is->file ? is->file : ld->file, is->at.line, is->at.column, "%s",
                                is->message);
        free(is->message);
        free(is->file);
    }
    free(ld->issues);
    ld->issues = NULL;
    ld->nissues = ld->issues_cap = 0;
}

/* " [unit]" for a row with a unit, else "". */
static const char *load_unit(int id, char *buf, size_t cap) {
    const char *u = id >= 0 ? stroma_schema_keys[id].unit : "";
    if (!u[0]) return "";
    snprintf(buf, cap, " [%s]", u);
    return buf;
}

/* Copy user text for a message: at most LOAD_ECHO_MAX bytes, control characters shown as '?'. */
const char *load_echo(const char *s, size_t len, char *buf, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < len && n + 4 < cap; i++) {
        if (i == LOAD_ECHO_MAX) {
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        unsigned char c = (unsigned char)s[i];
        buf[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    buf[n] = '\0';
    return buf;
}

/* What a node is, for "(got ...)". */
static const char *load_got(const stroma_yaml_node *n, char *buf, size_t cap) {
    char echo[LOAD_ECHO_MAX + 8];
    if (!n || n->kind == STROMA_YAML_NULL) return "an empty value";
    if (n->kind == STROMA_YAML_MAP) return "a mapping";
    if (n->kind == STROMA_YAML_SEQ) {
        snprintf(buf, cap, "a list of %zu item%s", n->n, n->n == 1 ? "" : "s");
        return buf;
    }
    load_echo(n->text, n->len, echo, sizeof echo);
    snprintf(buf, cap, n->quoted ? "the quoted string \"%s\"" : "%s", echo);
    return buf;
}

int load_grow(void **items, int *cap, int need, size_t elem) {
    if (need <= *cap) return 0;
    int ncap = *cap ? *cap * 2 : 4;
    while (ncap < need) ncap *= 2;
    void *p = realloc(*items, (size_t)ncap * elem);
    if (!p) return -1;
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
    *items = p;
    *cap = ncap;
    return 0;
}

/* ---- scalars ---- */

/* Parse a plain decimal number (YAML core schema float/int syntax, no .inf/.nan) from NUL-terminated text.
 * Returns 0 on success, -1 if the text is not a number, -2 if it is not finite or overflows. */
int load_parse_number_text(const char *s, double *out) {
    if (strcmp(s, ".inf") == 0 || strcmp(s, "-.inf") == 0 || strcmp(s, "+.inf") == 0 || strcmp(s, ".Inf") == 0 ||
        strcmp(s, "-.Inf") == 0 || strcmp(s, ".INF") == 0 || strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 ||
        strcmp(s, ".NAN") == 0)
        return -2;
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9') p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') p++, digits++;
    }
    if (!digits) return -1;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) return -1;
        while (*p >= '0' && *p <= '9') p++;
    }
    if (*p) return -1;
    errno = 0;
    double v = strtod(s, NULL);
    if (!isfinite(v)) return -2;
    *out = v;
    return 0;
}

/* The same for a YAML node: a plain (unquoted) scalar without NUL bytes. */
static int load_parse_number(const stroma_yaml_node *n, double *out) {
    if (n->kind != STROMA_YAML_SCALAR || n->quoted || strlen(n->text) != n->len) return -1;
    return load_parse_number_text(n->text, out);
}

/* Parse a plain decimal integer: into *out_s (long long) if allow_negative, else into *out_u (uint64_t).
 * Returns 0 on success, -1 if the text is not an integer, -2 if it is out of range of the C type. */
static int load_parse_int(const stroma_yaml_node *n, int allow_negative, long long *out_s, uint64_t *out_u) {
    if (n->kind != STROMA_YAML_SCALAR || n->quoted || strlen(n->text) != n->len) return -1;
    const char *s = n->text, *p = s;
    int negative = 0;
    if (*p == '+' || *p == '-') negative = *p++ == '-';
    if (!*p) return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9') return -1;
    if (negative && !allow_negative) {
        /* "-0" is 0; anything else is below the range */
        for (const char *q = p; *q; q++)
            if (*q != '0') return -2;
        *out_u = 0;
        return 0;
    }
    errno = 0;
    if (allow_negative) {
        long long v = strtoll(s, NULL, 10);
        if (errno == ERANGE) return -2;
        *out_s = v;
    } else {
        unsigned long long v = strtoull(p, NULL, 10);
        if (errno == ERANGE) return -2;
        *out_u = (uint64_t)v;
    }
    return 0;
}

/* Check v against the row's bounds; report and return 0 if outside. `text` is v as written. */
static int load_check_bounds(loader *ld, int id, double v, const char *text, const char *path, stroma_srcloc at) {
    const stroma_schema_key *k = &stroma_schema_keys[id];
    int ok = 1;
    if (k->lower == STROMA_BOUND_INCLUSIVE && !(v >= k->lower_value)) ok = 0;
    if (k->lower == STROMA_BOUND_EXCLUSIVE && !(v > k->lower_value)) ok = 0;
    if (k->upper == STROMA_BOUND_INCLUSIVE && !(v <= k->upper_value)) ok = 0;
    if (k->upper == STROMA_BOUND_EXCLUSIVE && !(v < k->upper_value)) ok = 0;
    if (ok) return 1;
    char unit[64], echo[LOAD_ECHO_MAX + 8];
    load_echo(text, strlen(text), echo, sizeof echo);
    if (k->lower != STROMA_BOUND_NONE && k->upper != STROMA_BOUND_NONE)
        load_error(ld, STROMA_ERR_RANGE, at, "%s must be between %.10g and %.10g (got %s)%s", path, k->lower_value,
                   k->upper_value, echo, load_unit(id, unit, sizeof unit));
    else if (k->lower != STROMA_BOUND_NONE)
        load_error(ld, STROMA_ERR_RANGE, at, "%s must be %s %.10g (got %s)%s", path,
                   k->lower == STROMA_BOUND_INCLUSIVE ? ">=" : ">", k->lower_value, echo,
                   load_unit(id, unit, sizeof unit));
    else
        load_error(ld, STROMA_ERR_RANGE, at, "%s must be %s %.10g (got %s)%s", path,
                   k->upper == STROMA_BOUND_INCLUSIVE ? "<=" : "<", k->upper_value, echo,
                   load_unit(id, unit, sizeof unit));
    return 0;
}

/* Parse a NUMBER node with the row's bounds. Returns 1 and *out on success; reports and returns 0 otherwise. */
static int load_number(loader *ld, int id, const stroma_yaml_node *n, const char *path, double *out) {
    char unit[64], got[128];
    int rc = load_parse_number(n, out);
    if (rc == -1) {
        load_error(ld, STROMA_ERR_TYPE, load_loc(n), "%s must be a number (got %s)%s", path,
                   load_got(n, got, sizeof got), load_unit(id, unit, sizeof unit));
        return 0;
    }
    if (rc == -2) {
        load_error(ld, STROMA_ERR_RANGE, load_loc(n), "%s must be a finite number (got %s)%s", path,
                   load_got(n, got, sizeof got), load_unit(id, unit, sizeof unit));
        return 0;
    }
    return load_check_bounds(ld, id, *out, n->text, path, load_loc(n));
}

/* Parse a POINT (k = 3) or INTERVAL (k = 2) node. */
static int load_vector(loader *ld, int id, const stroma_yaml_node *n, const char *path, int k, double *out) {
    char unit[64], got[128];
    if (n->kind != STROMA_YAML_SEQ || n->n != (size_t)k) {
        load_error(ld, STROMA_ERR_TYPE, load_loc(n), "%s must be %s, a list of %d numbers (got %s)%s", path,
                   k == 3 ? "[x, y, z]" : "[lo, hi]", k, load_got(n, got, sizeof got),
                   load_unit(id, unit, sizeof unit));
        return 0;
    }
    int ok = 1;
    for (int i = 0; i < k; i++) {
        const stroma_yaml_node *c = n->child[i];
        int rc = load_parse_number(c, &out[i]);
        if (rc) {
            load_error(ld, rc == -1 ? STROMA_ERR_TYPE : STROMA_ERR_RANGE, load_loc(c),
                       "%s[%d] must be a %snumber (got %s)%s", path, i, rc == -1 ? "" : "finite ",
                       load_got(c, got, sizeof got), load_unit(id, unit, sizeof unit));
            ok = 0;
        }
    }
    if (ok && k == 2 && !(out[1] > out[0])) {
        load_error(ld, STROMA_ERR_RANGE, load_loc(n), "%s must have hi > lo (got [%s, %s])%s", path, n->child[0]->text,
                   n->child[1]->text, load_unit(id, unit, sizeof unit));
        ok = 0;
    }
    return ok;
}

/* ---- storing values into the model ---- */

static stroma_substrate_desc *load_sub(loader *ld) { return &ld->m->substrates[ld->cur_sub]; }
static stroma_source_desc *load_src(loader *ld) { return &ld->m->sources[ld->cur_src]; }
static stroma_cell_type_desc *load_type(loader *ld) { return &ld->m->cell_types[ld->cur_type]; }
static stroma_initial_cells_desc *load_init(loader *ld) { return &ld->m->initial_cells[ld->cur_init]; }
static load_rule_item *load_rule(loader *ld) { return &ld->rule_items[ld->cur_rule]; }

static void load_name_set(load_name *n, const load_value *v) {
    snprintf(n->name, sizeof n->name, "%s", v->str);
    n->ok = 1;
    n->loc = v->loc;
}

/* The region a SOURCE_* or INITIAL_* row describes (the current source or group), or NULL. */
static stroma_region *load_region_of(loader *ld, int id) {
    if (id >= STROMA_KEY_SOURCE_AT && id <= STROMA_KEY_SOURCE_ANNULUS_OUTER) return &load_src(ld)->region;
    if (id >= STROMA_KEY_INITIAL_AT && id <= STROMA_KEY_INITIAL_ANNULUS_OUTER) return &load_init(ld)->region;
    return NULL;
}

/* Put a validated (or default) value of row id where it belongs in the model. */
static void load_store(loader *ld, int id, const load_value *v) {
    stroma_model *m = ld->m;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_DOMAIN_X:
    case STROMA_KEY_DOMAIN_Y:
    case STROMA_KEY_DOMAIN_Z: {
        int a = id - STROMA_KEY_DOMAIN_X;
        m->lo_um[a] = v->vec[0];
        m->hi_um[a] = v->vec[1];
        ld->axis_ok[a] = 1;
        break;
    }
    case STROMA_KEY_DOMAIN_VOXEL:
        m->voxel_um = v->num;
        ld->voxel_ok = 1;
        ld->voxel_loc = v->loc;
        break;
    case STROMA_KEY_TIME_END:
        m->end_min = v->num;
        ld->end_ok = 1;
        ld->end_loc = v->loc;
        break;
    case STROMA_KEY_TIME_DT_DIFFUSION:
    case STROMA_KEY_TIME_DT_MECHANICS:
    case STROMA_KEY_TIME_DT_PHENOTYPE: {
        int k = id - STROMA_KEY_TIME_DT_DIFFUSION;
        double *dt[3] = {&m->dt_diffusion_min, &m->dt_mechanics_min, &m->dt_phenotype_min};
        *dt[k] = v->num;
        ld->dt_ok[k] = 1;
        ld->dt_loc[k] = v->loc;
        break;
    }
    case STROMA_KEY_SEED: m->seed = v->u64; break;
    case STROMA_KEY_BOUNDARY_CONVENTION: /* face, voxel, biofvm */
        m->boundary_convention = (stroma_boundary_convention)v->integer;
        m->boundary_convention_loc = v->key_loc;
        break;
    case STROMA_KEY_TRANSPORT_SOLVER: { /* lod, adi, adi-cn, explicit */
        static const char *const names[] = {"lod", "adi", "adi-cn", "explicit"};
        snprintf(m->solver, sizeof m->solver, "%s", names[v->integer]);
        m->solver_loc = v->key_loc;
        break;
    }
    case STROMA_KEY_RULES_LAW: m->rules_law = (stroma_rules_law)v->integer; break; /* stroma, physicell */
    case STROMA_KEY_DEAD_UPTAKE_FRACTION: m->dead_uptake_fraction = v->num; break;
    case STROMA_KEY_CONTACT_LAW: m->contact_law = v->integer == 1; break; /* stroma, physicell */
    case STROMA_KEY_SECRETION_ORDER: /* before_diffusion, after_diffusion */
        m->secretion_after = v->integer == 1;
        m->secretion_order_loc = v->key_loc;
        break;
    case STROMA_KEY_SUBSTRATE_UNIT: snprintf(load_sub(ld)->unit, sizeof load_sub(ld)->unit, "%s", v->str); break;
    case STROMA_KEY_SUBSTRATE_DIFFUSION: load_sub(ld)->diffusion_um2_per_min = v->num; break;
    case STROMA_KEY_SUBSTRATE_DECAY: load_sub(ld)->decay_per_min = v->num; break;
    case STROMA_KEY_SUBSTRATE_INITIAL: load_sub(ld)->initial = v->num; break;
    case STROMA_KEY_BOUNDARY_X_MIN:
    case STROMA_KEY_BOUNDARY_X_MAX:
    case STROMA_KEY_BOUNDARY_Y_MIN:
    case STROMA_KEY_BOUNDARY_Y_MAX:
    case STROMA_KEY_BOUNDARY_Z_MIN:
    case STROMA_KEY_BOUNDARY_Z_MAX: {
        int f = STROMA_FACE_X_MIN + (id - STROMA_KEY_BOUNDARY_X_MIN);
        load_sub(ld)->face_dirichlet[f] = 1;
        load_sub(ld)->face_value[f] = v->num;
        break;
    }
    case STROMA_KEY_FIXED_AT:
        memcpy(m->fixed[ld->cur_fixed].pos_um, v->vec, sizeof v->vec);
        ld->fixed_extra[ld->cur_fixed].at_loc = v->loc;
        break;
    case STROMA_KEY_FIXED_VALUE: m->fixed[ld->cur_fixed].value = v->num; break;
    case STROMA_KEY_SOURCE_SUBSTRATE: {
        load_source_extra *x = &ld->src_extra[ld->cur_src];
        snprintf(x->substrate, sizeof x->substrate, "%s", v->str);
        x->substrate_ok = 1;
        x->substrate_loc = v->loc;
        break;
    }
    case STROMA_KEY_SOURCE_AT:
    case STROMA_KEY_SOURCE_DISC_CENTER:
    case STROMA_KEY_SOURCE_SPHERE_CENTER:
    case STROMA_KEY_SOURCE_ANNULUS_CENTER:
    case STROMA_KEY_INITIAL_AT:
    case STROMA_KEY_INITIAL_DISC_CENTER:
    case STROMA_KEY_INITIAL_SPHERE_CENTER:
    case STROMA_KEY_INITIAL_ANNULUS_CENTER: memcpy(load_region_of(ld, id)->center_um, v->vec, sizeof v->vec); break;
    case STROMA_KEY_SOURCE_DISC_RADIUS:
    case STROMA_KEY_SOURCE_SPHERE_RADIUS:
    case STROMA_KEY_SOURCE_ANNULUS_OUTER:
    case STROMA_KEY_INITIAL_DISC_RADIUS:
    case STROMA_KEY_INITIAL_SPHERE_RADIUS:
    case STROMA_KEY_INITIAL_ANNULUS_OUTER: load_region_of(ld, id)->radius_um = v->num; break;
    case STROMA_KEY_SOURCE_ANNULUS_INNER:
    case STROMA_KEY_INITIAL_ANNULUS_INNER: load_region_of(ld, id)->inner_radius_um = v->num; break;
    case STROMA_KEY_SOURCE_BOX_LO:
    case STROMA_KEY_INITIAL_BOX_LO: memcpy(load_region_of(ld, id)->lo_um, v->vec, sizeof v->vec); break;
    case STROMA_KEY_SOURCE_BOX_HI:
    case STROMA_KEY_INITIAL_BOX_HI: memcpy(load_region_of(ld, id)->hi_um, v->vec, sizeof v->vec); break;
    case STROMA_KEY_SOURCE_COUNT: load_src(ld)->count = (int)v->integer; break;
    case STROMA_KEY_SOURCE_VOLUME: load_src(ld)->volume_um3 = v->num; break;
    case STROMA_KEY_SOURCE_SECRETION: load_src(ld)->secretion_per_min = v->num; break;
    case STROMA_KEY_SOURCE_SATURATION: load_src(ld)->saturation = v->num; break;
    case STROMA_KEY_SOURCE_UPTAKE: load_src(ld)->uptake_per_min = v->num; break;
    case STROMA_KEY_SOURCE_EXPORT: load_src(ld)->export_per_min = v->num; break;
    case STROMA_KEY_CELL_VOLUME: load_type(ld)->volume_um3 = v->num; break;
    case STROMA_KEY_CELL_GROWTH_RATE: load_type(ld)->growth_per_min = v->num; break;
    case STROMA_KEY_CELL_VP_FLUID_FRACTION: load_type(ld)->vp_fluid_fraction = v->num; break;
    case STROMA_KEY_CELL_VP_NUCLEAR: load_type(ld)->vp_nuclear_um3 = v->num; break;
    case STROMA_KEY_CELL_VP_FLUID_RATE: load_type(ld)->vp_fluid_rate = v->num; break;
    case STROMA_KEY_CELL_VP_CYTO_RATE: load_type(ld)->vp_cyto_rate = v->num; break;
    case STROMA_KEY_CELL_VP_NUCLEAR_RATE: load_type(ld)->vp_nuclear_rate = v->num; break;
    case STROMA_KEY_CELL_VP_DOUBLE_AT_PHASE:
        load_type(ld)->vp_double_phase = (int)v->integer;
        ld->type_extra[ld->cur_type].vp_double_loc = v->loc;
        break;
    case STROMA_KEY_CELL_CYCLE_MODEL: {
        static const stroma_cycle_kind kinds[] = {STROMA_CYCLE_EXPONENTIAL, STROMA_CYCLE_PHASES, STROMA_CYCLE_NONE};
        load_type(ld)->cycle = kinds[v->integer];
        break;
    }
    case STROMA_KEY_CELL_CYCLE_DURATION: load_type(ld)->cycle_mean_min = v->num; break;
    case STROMA_KEY_CELL_CYCLE_PHASE: load_type(ld)->phase_min[ld->cur_phase] = v->num; break;
    case STROMA_KEY_CELL_CYCLE_PHASE_KIND: load_type(ld)->phase_exponential[ld->cur_phase_kind] = v->integer == 1; break;
    case STROMA_KEY_INITIAL_CYCLE_START: load_init(ld)->synchronized = v->integer == 1; break;
    case STROMA_KEY_CELL_APOPTOSIS_RATE: load_type(ld)->apoptosis_per_min = v->num; break;
    case STROMA_KEY_CELL_APOPTOSIS_DURATION: load_type(ld)->apoptosis_duration_min = v->num; break;
    case STROMA_KEY_CELL_APOPTOSIS_TIMING: load_type(ld)->apoptosis_exponential = v->integer == 1; break;
    case STROMA_KEY_CELL_NECROSIS_SUBSTRATE: load_name_set(&ld->type_extra[ld->cur_type].necrosis, v); break;
    case STROMA_KEY_CELL_NECROSIS_THRESHOLD: load_type(ld)->necrosis_threshold = v->num; break;
    case STROMA_KEY_CELL_NECROSIS_CRITICAL: load_type(ld)->necrosis_critical = v->num; break;
    case STROMA_KEY_CELL_NECROSIS_RATE: load_type(ld)->necrosis_max_per_min = v->num; break;
    case STROMA_KEY_CELL_NECROSIS_DURATION: load_type(ld)->necrosis_duration_min = v->num; break;
    case STROMA_KEY_CELL_NECROSIS_TIMING: load_type(ld)->necrosis_exponential = v->integer == 1; break;
    case STROMA_KEY_CELL_REPULSION: load_type(ld)->repulsion_um_per_min = v->num; break;
    case STROMA_KEY_CELL_ADHESION: load_type(ld)->adhesion_um_per_min = v->num; break;
    case STROMA_KEY_CELL_ADHESION_DISTANCE: load_type(ld)->max_adhesion_rel = v->num; break;
    case STROMA_KEY_CELL_SPEED: load_type(ld)->speed_um_per_min = v->num; break;
    case STROMA_KEY_CELL_PERSISTENCE: load_type(ld)->persistence_min = v->num; break;
    case STROMA_KEY_CELL_BIAS: load_type(ld)->bias = v->num; break;
    case STROMA_KEY_CELL_CHEMOTAXIS_SUBSTRATE: load_name_set(&ld->type_extra[ld->cur_type].chemotaxis, v); break;
    case STROMA_KEY_CELL_CHEMOTAXIS_DIRECTION: /* up, down */
        load_type(ld)->chemotaxis_direction = v->integer == 0 ? 1.0 : -1.0;
        break;
    case STROMA_KEY_CELL_CHEMOTAXIS_NORMALIZE: load_type(ld)->chemotaxis_normalize_each = v->integer == 1; break;
    case STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITY:
    case STROMA_KEY_CELL_AFFINITY_TYPE:
    case STROMA_KEY_CELL_ATTACK_TYPE:
    case STROMA_KEY_CELL_PHAGOCYTOSIS_TYPE:
    case STROMA_KEY_CELL_TRANSFORM_TYPE:
    case STROMA_KEY_CELL_CYCLE_ASYM_TYPE:
        ld->refs[ld->cur_ref].value = v->num;
        ld->refs[ld->cur_ref].value_ok = 1;
        break;
    case STROMA_KEY_CELL_SECRETION_RATE: ld->secs[ld->cur_sec].rate = v->num; break;
    case STROMA_KEY_CELL_SECRETION_SATURATION: ld->secs[ld->cur_sec].saturation = v->num; break;
    case STROMA_KEY_CELL_SECRETION_UPTAKE: ld->secs[ld->cur_sec].uptake = v->num; break;
    case STROMA_KEY_CELL_SECRETION_EXPORT: ld->secs[ld->cur_sec].export_ = v->num; break;
    case STROMA_KEY_CELL_ATTACH_DURATION: load_type(ld)->attach_duration_min = v->num; break;
    case STROMA_KEY_CELL_KILL_RATE: load_type(ld)->kill_per_min = v->num; break;
    case STROMA_KEY_CELL_ATTACK_DAMAGE: load_type(ld)->attack_damage_per_min = v->num; break;
    case STROMA_KEY_CELL_PHAGOCYTOSIS_APOPTOTIC: load_type(ld)->phagocytose_apoptotic_per_min = v->num; break;
    case STROMA_KEY_CELL_PHAGOCYTOSIS_NECROTIC: load_type(ld)->phagocytose_necrotic_per_min = v->num; break;
    case STROMA_KEY_CELL_DAMAGE_RATE: load_type(ld)->damage_per_min = v->num; break;
    case STROMA_KEY_CELL_DAMAGE_REPAIR: load_type(ld)->damage_repair_per_min = v->num; break;
    case STROMA_KEY_CELL_CONTACT_WITH: load_name_set(&ld->contacts[ld->cur_contact].with, v); break;
    case STROMA_KEY_CELL_CONTACT_TO: load_name_set(&ld->contacts[ld->cur_contact].to, v); break;
    case STROMA_KEY_CELL_CONTACT_RATE:
        ld->contacts[ld->cur_contact].rate = v->num;
        ld->contacts[ld->cur_contact].rate_ok = 1;
        break;
    case STROMA_KEY_INITIAL_TYPE: load_name_set(&ld->init_extra[ld->cur_init].type, v); break;
    case STROMA_KEY_INITIAL_COUNT: load_init(ld)->count = (int)v->integer; break;
    case STROMA_KEY_INITIAL_FILE: {
        load_initial_extra *x = &ld->init_extra[ld->cur_init];
        snprintf(x->file, sizeof x->file, "%s", v->str);
        x->file_ok = 1;
        x->file_loc = v->loc;
        break;
    }
    case STROMA_KEY_STATE_INITIAL_TYPE:
    case STROMA_KEY_STATE_PRODUCTION_TYPE:
    case STROMA_KEY_STATE_DECAY_TYPE:
        ld->srefs[ld->cur_sref].value = v->num;
        ld->srefs[ld->cur_sref].value_ok = 1;
        break;
    case STROMA_KEY_RULE_TYPE: load_name_set(&load_rule(ld)->type, v); break;
    case STROMA_KEY_RULE_SIGNAL:
        snprintf(load_rule(ld)->signal, sizeof load_rule(ld)->signal, "%s", v->str);
        load_rule(ld)->signal_at = v->loc;
        break;
    case STROMA_KEY_RULE_BEHAVIOUR:
    case STROMA_KEY_RULE_BEHAVIOR:
        snprintf(load_rule(ld)->behaviour, sizeof load_rule(ld)->behaviour, "%s", v->str);
        load_rule(ld)->behaviour_at = v->loc;
        load_rule(ld)->behaviour_key = stroma_schema_key_name(id);
        break;
    case STROMA_KEY_RULE_DIRECTION: /* increases, decreases */
        load_rule(ld)->direction = v->integer == 0 ? 1 : -1;
        break;
    case STROMA_KEY_RULE_SATURATION:
        load_rule(ld)->saturation = v->num;
        load_rule(ld)->saturation_at = v->loc;
        break;
    case STROMA_KEY_RULE_HALF_MAX: load_rule(ld)->half_max = v->num; break;
    case STROMA_KEY_RULE_HILL: load_rule(ld)->hill = v->num; break;
    case STROMA_KEY_RULE_APPLY_TO_DEAD: load_rule(ld)->apply_to_dead = v->integer == 1; break; /* false, true */
    case STROMA_KEY_RULE_FILE: {
        load_rule_item *r = load_rule(ld);
        snprintf(r->file, sizeof r->file, "%s", v->str);
        r->file_ok = 1;
        r->file_at = v->loc;
        break;
    }
    case STROMA_KEY_OUTPUTS_EVERY:
        m->output_every_min = v->num;
        m->output_every_is_end = 0;
        break;
    case STROMA_KEY_OUTPUTS_FIELDS: /* choices "csv vti" */
        m->output_fields_csv = (v->words & 1u) != 0;
        m->output_fields_vti = (v->words & 2u) != 0;
        break;
    case STROMA_KEY_OUTPUTS_CELLS: /* choices "csv vtp" */
        m->output_cells_csv = (v->words & 1u) != 0;
        m->output_cells_vtp = (v->words & 2u) != 0;
        break;
    case STROMA_KEY_OUTPUTS_IMAGES_FIELD: load_name_set(&ld->images_field, v); break;
    case STROMA_KEY_OUTPUTS_IMAGES_EVERY:
        m->output_images_every_min = v->num;
        ld->images_every_at = v->loc;
        break;
    case STROMA_KEY_OUTPUTS_IMAGES_SIZE: m->output_images_size_px = (int)v->integer; break;
    case STROMA_KEY_OUTPUTS_IMAGES_RANGE:
        m->output_images_range_set = 1;
        m->output_images_range[0] = v->vec[0];
        m->output_images_range[1] = v->vec[1];
        break;
    default: /* vessels, body, ecm, vesicles and recruitment (containers: nothing to store) */
        load_body_store(ld, id, v);
        load_ecm_store(ld, id, v);
        load_vesicles_store(ld, id, v);
        load_recruitment_store(ld, id, v);
        load_therapy_store(ld, id, v);
        load_markers_store(ld, id, v);
        break;
    }
}

/* Append an entry for a type-keyed map (row `key`, e.g. CELL_ATTACK_TYPE) of the current cell type. */
static int load_add_ref(loader *ld, int key, const char *name, stroma_srcloc at) {
    if (load_grow((void **)&ld->refs, &ld->refs_cap, ld->nrefs + 1, sizeof *ld->refs)) return -1;
    load_type_ref *r = &ld->refs[ld->nrefs];
    memset(r, 0, sizeof *r);
    r->key = key;
    r->owner = ld->cur_type;
    snprintf(r->type.name, sizeof r->type.name, "%s", name);
    r->type.ok = 1;
    r->type.loc = at;
    /* the map's path: the type's path and the map row's path after "cell_types.<name>" */
    const char *row = stroma_schema_keys[ld->parent[key]].path;
    size_t skip = strlen(stroma_schema_keys[STROMA_KEY_CELL_TYPE].path);
    snprintf(r->path, sizeof r->path, "%s%s", ld->type_extra[ld->cur_type].path, row + skip);
    ld->cur_ref = ld->nrefs++;
    return 0;
}

/* Start a new entry of a NAMED_MAP or LIST (row id = the item row). Returns 0, or -1 when out of memory. */
static int load_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at) {
    stroma_model *m = ld->m;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_SUBSTRATE: {
        if (load_grow((void **)&m->substrates, &ld->sub_cap, m->nsub + 1, sizeof *m->substrates)) return -1;
        stroma_substrate_desc *d = &m->substrates[m->nsub];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", name);
        d->loc = at;
        ld->cur_sub = m->nsub++;
        return 0;
    }
    case STROMA_KEY_FIXED: {
        if (load_grow((void **)&m->fixed, &ld->fixed_cap, m->nfixed + 1, sizeof *m->fixed) ||
            load_grow((void **)&ld->fixed_extra, &ld->fixed_extra_cap, m->nfixed + 1, sizeof *ld->fixed_extra))
            return -1;
        memset(&m->fixed[m->nfixed], 0, sizeof m->fixed[0]);
        memset(&ld->fixed_extra[m->nfixed], 0, sizeof ld->fixed_extra[0]);
        m->fixed[m->nfixed].substrate = ld->cur_sub;
        m->fixed[m->nfixed].loc = at;
        snprintf(ld->fixed_extra[m->nfixed].path, sizeof ld->fixed_extra[0].path, "%s", path);
        ld->cur_fixed = m->nfixed++;
        return 0;
    }
    case STROMA_KEY_SOURCE: {
        if (load_grow((void **)&m->sources, &ld->src_cap, m->nsources + 1, sizeof *m->sources) ||
            load_grow((void **)&ld->src_extra, &ld->src_extra_cap, m->nsources + 1, sizeof *ld->src_extra))
            return -1;
        memset(&m->sources[m->nsources], 0, sizeof m->sources[0]);
        memset(&ld->src_extra[m->nsources], 0, sizeof ld->src_extra[0]);
        m->sources[m->nsources].substrate = -1;
        m->sources[m->nsources].loc = at;
        snprintf(ld->src_extra[m->nsources].place.path, sizeof ld->src_extra[0].place.path, "%s", path);
        ld->cur_src = m->nsources++;
        return 0;
    }
    case STROMA_KEY_CELL_TYPE: {
        if (load_grow((void **)&m->cell_types, &ld->type_cap, m->ntypes + 1, sizeof *m->cell_types) ||
            load_grow((void **)&ld->type_extra, &ld->type_extra_cap, m->ntypes + 1, sizeof *ld->type_extra))
            return -1;
        stroma_cell_type_desc *t = &m->cell_types[m->ntypes];
        memset(t, 0, sizeof *t);
        memset(&ld->type_extra[m->ntypes], 0, sizeof ld->type_extra[0]);
        snprintf(t->name, sizeof t->name, "%s", name);
        t->cycle = STROMA_CYCLE_NONE;
        t->necrosis_substrate = -1;
        t->chemotaxis_substrate = -1;
        t->chemotaxis_direction = 1.0;
        snprintf(ld->type_extra[m->ntypes].path, sizeof ld->type_extra[0].path, "cell_types.%s", name);
        ld->cur_type = m->ntypes++;
        ld->nphase_kinds = 0;
        return 0;
    }
    case STROMA_KEY_CELL_CYCLE_PHASE:
        /* the list walker refuses more than STROMA_MAX_PHASES items before they get here */
        ld->cur_phase = load_type(ld)->nphases++;
        return 0;
    case STROMA_KEY_CELL_CYCLE_PHASE_KIND:
        ld->cur_phase_kind = ld->nphase_kinds++;
        return 0;
    case STROMA_KEY_CELL_AFFINITY_TYPE:
    case STROMA_KEY_CELL_ATTACK_TYPE:
    case STROMA_KEY_CELL_PHAGOCYTOSIS_TYPE:
    case STROMA_KEY_CELL_TRANSFORM_TYPE:
    case STROMA_KEY_CELL_CYCLE_ASYM_TYPE:
    case STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITY: return load_add_ref(ld, id, name, at);
    case STROMA_KEY_CELL_SECRETION_SUBSTRATE: {
        if (load_grow((void **)&ld->secs, &ld->secs_cap, ld->nsecs + 1, sizeof *ld->secs)) return -1;
        load_secretion *x = &ld->secs[ld->nsecs];
        memset(x, 0, sizeof *x);
        x->owner = ld->cur_type;
        snprintf(x->substrate.name, sizeof x->substrate.name, "%s", name);
        x->substrate.ok = 1;
        x->substrate.loc = at;
        snprintf(x->path, sizeof x->path, "%s.secretion", ld->type_extra[ld->cur_type].path);
        ld->cur_sec = ld->nsecs++;
        return 0;
    }
    case STROMA_KEY_CELL_CONTACT_TRANSFORM: {
        if (load_grow((void **)&ld->contacts, &ld->contacts_cap, ld->ncontacts + 1, sizeof *ld->contacts)) return -1;
        load_contact *x = &ld->contacts[ld->ncontacts];
        memset(x, 0, sizeof *x);
        x->owner = ld->cur_type;
        snprintf(x->path, sizeof x->path, "%s", path);
        ld->cur_contact = ld->ncontacts++;
        return 0;
    }
    case STROMA_KEY_INITIAL: {
        if (load_grow((void **)&m->initial_cells, &ld->init_cap, m->ninitial + 1, sizeof *m->initial_cells) ||
            load_grow((void **)&ld->init_extra, &ld->init_extra_cap, m->ninitial + 1, sizeof *ld->init_extra))
            return -1;
        memset(&m->initial_cells[m->ninitial], 0, sizeof m->initial_cells[0]);
        memset(&ld->init_extra[m->ninitial], 0, sizeof ld->init_extra[0]);
        m->initial_cells[m->ninitial].type = -1;
        snprintf(ld->init_extra[m->ninitial].place.path, sizeof ld->init_extra[0].place.path, "%s", path);
        ld->cur_init = m->ninitial++;
        return 0;
    }
    case STROMA_KEY_STATE_VARIABLE: {
        if (load_grow((void **)&m->state_vars, &ld->state_cap, m->nstate + 1, sizeof *m->state_vars) ||
            load_grow((void **)&ld->state_extra, &ld->state_extra_cap, m->nstate + 1, sizeof *ld->state_extra))
            return -1;
        stroma_state_var_desc *d = &m->state_vars[m->nstate];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", name);
        load_state_extra *x = &ld->state_extra[m->nstate];
        snprintf(x->path, sizeof x->path, "state_variables.%s", name);
        x->loc = at;
        ld->cur_state = m->nstate++;
        return 0;
    }
    case STROMA_KEY_STATE_INITIAL_TYPE:
    case STROMA_KEY_STATE_PRODUCTION_TYPE:
    case STROMA_KEY_STATE_DECAY_TYPE: {
        if (load_grow((void **)&ld->srefs, &ld->srefs_cap, ld->nsrefs + 1, sizeof *ld->srefs)) return -1;
        load_type_ref *r = &ld->srefs[ld->nsrefs];
        memset(r, 0, sizeof *r);
        r->key = id;
        r->owner = ld->cur_state;
        snprintf(r->type.name, sizeof r->type.name, "%s", name);
        r->type.ok = 1;
        r->type.loc = at;
        snprintf(r->path, sizeof r->path, "%s.%s", ld->state_extra[ld->cur_state].path,
                 stroma_schema_key_name(ld->parent[id]));
        ld->cur_sref = ld->nsrefs++;
        return 0;
    }
    case STROMA_KEY_RULE: {
        if (load_grow((void **)&ld->rule_items, &ld->rule_items_cap, ld->nrule_items + 1, sizeof *ld->rule_items))
            return -1;
        load_rule_item *r = &ld->rule_items[ld->nrule_items];
        memset(r, 0, sizeof *r);
        snprintf(r->path, sizeof r->path, "%s", path);
        r->at = at;
        r->direction = 1;
        ld->cur_rule = ld->nrule_items++;
        return 0;
    }
    default: {
        int r = load_body_item(ld, id, name, path, at);
        if (!r) r = load_ecm_item(ld, id, name, path, at);
        if (!r) r = load_recruitment_item(ld, id, name, path, at);
        if (!r) r = load_vesicles_item(ld, id, name, path, at);
        if (!r) r = load_therapy_item(ld, id, name, path, at);
        return r ? -1 : load_markers_item(ld, id, name, path, at);
    }
    }
}

/* Apply the defaults of row id (absent) and, for a mapping, of everything under it. */
static void load_defaults(loader *ld, int id) {
    const stroma_schema_key *k = &stroma_schema_keys[id];
    if (k->type == STROMA_SCHEMA_MAP) {
        for (int c = 0; c < STROMA_KEY_COUNT; c++)
            if (ld->parent[c] == id) load_defaults(ld, c);
        return;
    }
    if (!k->has_default) return;
    load_value v;
    memset(&v, 0, sizeof v);
    v.num = k->default_value;
    v.integer = (long long)k->default_value;
    v.u64 = (uint64_t)k->default_value;
    v.str = "";
    load_store(ld, id, &v);
}

/* The ways a group (of sources or initial cells) is placed: rows, in the order of messages. */
enum { LOAD_PLACE_AT, LOAD_PLACE_DISC, LOAD_PLACE_SPHERE, LOAD_PLACE_BOX, LOAD_PLACE_ANNULUS, LOAD_PLACE_FILE,
       LOAD_PLACE_COUNT };
static const stroma_region_kind load_place_kinds[LOAD_PLACE_FILE] = {
    STROMA_REGION_POINT, STROMA_REGION_DISC, STROMA_REGION_SPHERE, STROMA_REGION_BOX, STROMA_REGION_ANNULUS};

/* Pick the one place of a group from the children present. ids[] are its rows in LOAD_PLACE_* order (-1 for
 * FILE where files are not allowed); count_id its count row. Sets region->kind, *count (1 with at) and the
 * place; returns the LOAD_PLACE_* chosen, or -1 after reporting a missing or repeated place. */
static int load_place_done(loader *ld, const char *path, stroma_srcloc at, const int ids[LOAD_PLACE_COUNT],
                           int count_id, const stroma_yaml_node *const *keys, const stroma_yaml_node *const *vals,
                           const int *valid, stroma_region *region, int *count, load_place *place, int *ok) {
    char options[96];
    size_t olen = 0;
    options[0] = '\0';
    for (int i = 0; i < LOAD_PLACE_COUNT; i++) {
        if (ids[i] < 0) continue;
        int w = snprintf(options + olen, sizeof options - olen, "%s%s", olen ? ", " : "",
                         stroma_schema_key_name(ids[i]));
        if (w > 0 && (size_t)w < sizeof options - olen) olen += (size_t)w;
    }
    int first = -1, several = 0;
    for (int i = 0; i < LOAD_PLACE_COUNT; i++) {
        if (ids[i] < 0 || !keys[ids[i]]) continue;
        if (first < 0) {
            first = i;
            continue;
        }
        load_error(ld, STROMA_ERR_RANGE, load_loc(keys[ids[i]]), "%s gives both %s and %s: give exactly one of %s",
                   path, stroma_schema_key_name(ids[first]), stroma_schema_key_name(ids[i]), options);
        several = 1;
    }
    if (first < 0) {
        load_error(ld, STROMA_ERR_MISSING, at, "%s needs a place: one of %s", path, options);
        *ok = 0;
        return -1;
    }
    if (several) {
        *ok = 0;
        return -1;
    }
    int rid = ids[first];
    place->region_key = stroma_schema_key_name(rid);
    place->region_loc = load_loc(vals[rid]);
    if (first == LOAD_PLACE_FILE) {
        place->region_ok = 0; /* no region to check */
        return first;
    }
    place->region_ok = valid[rid];
    region->kind = load_place_kinds[first];
    const stroma_yaml_node *cnode = vals[count_id];
    if (first == LOAD_PLACE_AT) {
        if (cnode && *count > 1) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(cnode),
                       "%s.count must be 1 with at (got %s): use disc, sphere, box or annulus to place several", path,
                       cnode->text);
            *ok = 0;
        }
        *count = 1;
    } else if (!cnode) {
        load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.count (required with %s)", path,
                   place->region_key);
        *ok = 0;
    }
    return first;
}

/* Checks a mapping's keys cannot express alone, run after its children. keys[]/vals[] hold the nodes of the
 * children present (NULL if absent), valid[] whether each present child validated. Returns ok, cleared if a
 * check failed. */
static int load_map_done(loader *ld, int id, const char *path, stroma_srcloc at,
                         const stroma_yaml_node *const *keys, const stroma_yaml_node *const *vals, const int *valid,
                         int ok) {
    char unit[64];
    switch (id) {
    case STROMA_KEY_OUTPUTS_IMAGES: ld->m->output_images = 1; break;
    case STROMA_KEY_FIXED:
        ld->fixed_extra[ld->cur_fixed].at_ok = valid[STROMA_KEY_FIXED_AT];
        ld->fixed_extra[ld->cur_fixed].value_ok = valid[STROMA_KEY_FIXED_VALUE];
        break;
    case STROMA_KEY_SOURCE_BOX:
    case STROMA_KEY_INITIAL_BOX:
        if (ok) {
            int hi_id = id == STROMA_KEY_SOURCE_BOX ? STROMA_KEY_SOURCE_BOX_HI : STROMA_KEY_INITIAL_BOX_HI;
            const stroma_region *r = load_region_of(ld, hi_id);
            for (int a = 0; a < 3; a++) {
                if (r->hi_um[a] < r->lo_um[a]) {
                    load_error(ld, STROMA_ERR_RANGE, load_loc(vals[hi_id]),
                               "%s.hi must be >= lo on every axis (got lo (%g, %g, %g), hi (%g, %g, %g))%s", path,
                               r->lo_um[0], r->lo_um[1], r->lo_um[2], r->hi_um[0], r->hi_um[1], r->hi_um[2],
                               load_unit(hi_id, unit, sizeof unit));
                    ok = 0;
                    break;
                }
            }
        }
        break;
    case STROMA_KEY_SOURCE_ANNULUS:
    case STROMA_KEY_INITIAL_ANNULUS:
        if (ok) {
            int outer_id = id == STROMA_KEY_SOURCE_ANNULUS ? STROMA_KEY_SOURCE_ANNULUS_OUTER
                                                           : STROMA_KEY_INITIAL_ANNULUS_OUTER;
            const stroma_region *r = load_region_of(ld, outer_id);
            if (!(r->radius_um > r->inner_radius_um)) {
                load_error(ld, STROMA_ERR_RANGE, load_loc(vals[outer_id]),
                           "%s.outer must be > inner (got inner %g, outer %g)%s", path, r->inner_radius_um,
                           r->radius_um, load_unit(outer_id, unit, sizeof unit));
                ok = 0;
            }
        }
        break;
    case STROMA_KEY_SOURCE: {
        static const int ids[LOAD_PLACE_COUNT] = {STROMA_KEY_SOURCE_AT,  STROMA_KEY_SOURCE_DISC,
                                                  STROMA_KEY_SOURCE_SPHERE, STROMA_KEY_SOURCE_BOX,
                                                  STROMA_KEY_SOURCE_ANNULUS, -1};
        stroma_source_desc *src = load_src(ld);
        if (src->secretion_per_min > 0 && !keys[STROMA_KEY_SOURCE_SATURATION]) {
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.saturation (required when secretion > 0)%s",
                       path, load_unit(STROMA_KEY_SOURCE_SATURATION, unit, sizeof unit));
            ok = 0;
        }
        load_place_done(ld, path, at, ids, STROMA_KEY_SOURCE_COUNT, keys, vals, valid, &src->region, &src->count,
                        &ld->src_extra[ld->cur_src].place, &ok);
        break;
    }
    case STROMA_KEY_INITIAL: {
        static const int ids[LOAD_PLACE_COUNT] = {STROMA_KEY_INITIAL_AT,  STROMA_KEY_INITIAL_DISC,
                                                  STROMA_KEY_INITIAL_SPHERE, STROMA_KEY_INITIAL_BOX,
                                                  STROMA_KEY_INITIAL_ANNULUS, STROMA_KEY_INITIAL_FILE};
        stroma_initial_cells_desc *ic = load_init(ld);
        load_initial_extra *x = &ld->init_extra[ld->cur_init];
        int how = load_place_done(ld, path, at, ids, STROMA_KEY_INITIAL_COUNT, keys, vals, valid, &ic->region,
                                  &ic->count, &x->place, &ok);
        if (how == LOAD_PLACE_FILE) {
            x->from_file = 1;
            ic->from_csv = 1;
            ic->count = 0;
            static const int unused[] = {STROMA_KEY_INITIAL_TYPE, STROMA_KEY_INITIAL_COUNT};
            for (int i = 0; i < 2; i++) {
                if (!keys[unused[i]]) continue;
                load_error(ld, STROMA_ERR_RANGE, load_loc(keys[unused[i]]),
                           "%s.%s is not used with file: the file gives every cell (one row each, with its type)",
                           path, stroma_schema_key_name(unused[i]));
                ok = 0;
            }
        } else if (how >= 0 && !keys[STROMA_KEY_INITIAL_TYPE]) {
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.type (name, required with %s)", path,
                       x->place.region_key);
            ok = 0;
        }
        break;
    }
    case STROMA_KEY_CELL_CYCLE: {
        if (!valid[STROMA_KEY_CELL_CYCLE_MODEL]) break;
        stroma_cycle_kind kind = load_type(ld)->cycle;
        const char *model = kind == STROMA_CYCLE_EXPONENTIAL ? "exponential"
                            : kind == STROMA_CYCLE_PHASES    ? "phases"
                                                             : "none";
        static const int rows[2] = {STROMA_KEY_CELL_CYCLE_DURATION, STROMA_KEY_CELL_CYCLE_PHASES};
        static const stroma_cycle_kind needs[2] = {STROMA_CYCLE_EXPONENTIAL, STROMA_CYCLE_PHASES};
        for (int i = 0; i < 2; i++) {
            const char *name = stroma_schema_key_name(rows[i]);
            if (kind == needs[i] && !keys[rows[i]]) {
                load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.%s (%s, required with model %s)%s",
                           path, name, stroma_schema_type_name(stroma_schema_keys[rows[i]].type), model,
                           load_unit(rows[i], unit, sizeof unit));
                ok = 0;
            } else if (kind != needs[i] && keys[rows[i]]) {
                load_error(ld, STROMA_ERR_RANGE, load_loc(keys[rows[i]]),
                           "%s.%s is not used with model %s (only with model %s): remove it or change the model",
                           path, name, model, needs[i] == STROMA_CYCLE_EXPONENTIAL ? "exponential" : "phases");
                ok = 0;
            }
        }
        if (keys[STROMA_KEY_CELL_CYCLE_PHASE_KINDS]) {
            const stroma_cell_type_desc *t = load_type(ld);
            if (kind != STROMA_CYCLE_PHASES) {
                load_error(ld, STROMA_ERR_RANGE, load_loc(keys[STROMA_KEY_CELL_CYCLE_PHASE_KINDS]),
                           "%s.phase_kinds is not used with model %s (only with model phases): remove it or change "
                           "the model",
                           path, model);
                ok = 0;
            } else if (valid[STROMA_KEY_CELL_CYCLE_PHASES] && valid[STROMA_KEY_CELL_CYCLE_PHASE_KINDS] &&
                       ld->nphase_kinds != t->nphases) {
                load_error(ld, STROMA_ERR_RANGE, load_loc(keys[STROMA_KEY_CELL_CYCLE_PHASE_KINDS]),
                           "%s.phase_kinds must have one entry per phase (got %d kinds for %d phases)", path,
                           ld->nphase_kinds, t->nphases);
                ok = 0;
            }
        }
        break;
    }
    case STROMA_KEY_CELL_NECROSIS: {
        const stroma_cell_type_desc *t = load_type(ld);
        if (valid[STROMA_KEY_CELL_NECROSIS_THRESHOLD] && valid[STROMA_KEY_CELL_NECROSIS_CRITICAL] &&
            t->necrosis_critical > t->necrosis_threshold) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(vals[STROMA_KEY_CELL_NECROSIS_CRITICAL]),
                       "%s.critical must be <= threshold (got critical %g, threshold %g)%s", path,
                       t->necrosis_critical, t->necrosis_threshold,
                       load_unit(STROMA_KEY_CELL_NECROSIS_CRITICAL, unit, sizeof unit));
            ok = 0;
        }
        break;
    }
    case STROMA_KEY_RULE: {
        load_rule_item *r = load_rule(ld);
        int given = 0;
        for (int c = STROMA_KEY_RULE_TYPE; c <= STROMA_KEY_RULE_APPLY_TO_DEAD; c++) given += keys[c] != NULL;
        if (keys[STROMA_KEY_RULE_FILE]) {
            r->is_file = 1;
            for (int c = STROMA_KEY_RULE_TYPE; c <= STROMA_KEY_RULE_APPLY_TO_DEAD; c++) {
                if (!keys[c]) continue;
                load_error(ld, STROMA_ERR_RANGE, load_loc(keys[c]),
                           "%s.%s is not used with file: the file gives every rule (one per line)", path,
                           stroma_schema_key_name(c));
                ok = 0;
            }
            r->file_ok = valid[STROMA_KEY_RULE_FILE];
            break;
        }
        if (!given) {
            load_error(ld, STROMA_ERR_MISSING, at,
                       "%s is empty: give an inline rule (type, signal, direction, behaviour, saturation, half_max, "
                       "hill) or a file of rules",
                       path);
            ok = 0;
            break;
        }
        int complete = 1;
        if (keys[STROMA_KEY_RULE_BEHAVIOUR] && keys[STROMA_KEY_RULE_BEHAVIOR]) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(keys[STROMA_KEY_RULE_BEHAVIOR]),
                       "%s gives both behaviour and behavior: they are the same key (two spellings); give one", path);
            complete = 0;
        }
        static const int needed[] = {STROMA_KEY_RULE_TYPE,       STROMA_KEY_RULE_SIGNAL,   STROMA_KEY_RULE_DIRECTION,
                                     STROMA_KEY_RULE_BEHAVIOUR,  STROMA_KEY_RULE_SATURATION, STROMA_KEY_RULE_HALF_MAX,
                                     STROMA_KEY_RULE_HILL};
        for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
            int c = needed[i];
            if (keys[c] || (c == STROMA_KEY_RULE_BEHAVIOUR && keys[STROMA_KEY_RULE_BEHAVIOR])) continue;
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.%s (%s, required in an inline rule)%s",
                       path, stroma_schema_key_name(c), stroma_schema_type_name(stroma_schema_keys[c].type),
                       load_unit(c, unit, sizeof unit));
            complete = 0;
        }
        r->complete = complete;
        r->signal_ok = valid[STROMA_KEY_RULE_SIGNAL];
        r->behaviour_ok = valid[STROMA_KEY_RULE_BEHAVIOUR] || valid[STROMA_KEY_RULE_BEHAVIOR];
        r->numbers_ok = valid[STROMA_KEY_RULE_DIRECTION] && valid[STROMA_KEY_RULE_SATURATION] &&
                        valid[STROMA_KEY_RULE_HALF_MAX] && valid[STROMA_KEY_RULE_HILL] &&
                        (!keys[STROMA_KEY_RULE_APPLY_TO_DEAD] || valid[STROMA_KEY_RULE_APPLY_TO_DEAD]);
        if (!complete) ok = 0;
        break;
    }
    case STROMA_KEY_CELL_VOLUME_PARTS:
        load_type(ld)->volume_parts = 1;
        ld->type_extra[ld->cur_type].vp_loc = at;
        if (keys[STROMA_KEY_CELL_VP_NUCLEAR])
            ld->type_extra[ld->cur_type].vp_loc = load_loc(vals[STROMA_KEY_CELL_VP_NUCLEAR]);
        break;
    case STROMA_KEY_CELL_CHEMOTAXIS: {
        /* one form: substrate (with direction) or sensitivities (with normalize_each) */
        const int one = STROMA_KEY_CELL_CHEMOTAXIS_SUBSTRATE, many = STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITIES;
        int stray = -1;
        if (keys[one] && keys[many]) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(keys[many]),
                       "%s: give substrate (one substrate) or sensitivities (several), not both", path);
            ok = 0;
        } else if (!keys[one] && !keys[many]) {
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.substrate or %s.sensitivities", path,
                       path);
            ok = 0;
        } else if (keys[one] && keys[STROMA_KEY_CELL_CHEMOTAXIS_NORMALIZE]) {
            stray = STROMA_KEY_CELL_CHEMOTAXIS_NORMALIZE;
        } else if (keys[many] && keys[STROMA_KEY_CELL_CHEMOTAXIS_DIRECTION]) {
            stray = STROMA_KEY_CELL_CHEMOTAXIS_DIRECTION;
        }
        if (stray >= 0) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(keys[stray]), "%s.%s applies only with %s", path,
                       stroma_schema_key_name(stray), keys[one] ? "sensitivities" : "substrate");
            ok = 0;
        }
        ld->type_extra[ld->cur_type].chemotaxis_sensitivities = keys[many] != NULL;
        break;
    }
    case STROMA_KEY_CELL_SECRETION_SUBSTRATE:
        if (ld->secs[ld->cur_sec].rate > 0 && !keys[STROMA_KEY_CELL_SECRETION_SATURATION]) {
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.saturation (required when rate > 0)%s",
                       path, load_unit(STROMA_KEY_CELL_SECRETION_SATURATION, unit, sizeof unit));
            ok = 0;
        }
        break;
    default:
        ok = load_body_map_done(ld, id, path, at, keys, vals, valid, ok);
        ok = load_ecm_map_done(ld, id, path, at, keys, vals, valid, ok);
        ok = load_vesicles_map_done(ld, id, path, at, keys, valid, ok);
        ok = load_recruitment_map_done(ld, id, path, at, keys, ok);
        ok = load_therapy_map_done(ld, id, path, at, keys, valid, ok);
        ok = load_markers_map_done(ld, id, path, at, keys, valid, ok);
        break;
    }
    return ok;
}

static int load_walk(loader *ld, int id, const stroma_yaml_node *node, const char *path, stroma_srcloc at);

/* Row of key[0..len) inside the row `parent` (stroma_schema_child with the loader's parent table). */
static int load_child(const loader *ld, int parent, const char *key, size_t len) {
    int item = parent >= 0 && (stroma_schema_keys[parent].type == STROMA_SCHEMA_NAMED_MAP ||
                               stroma_schema_keys[parent].type == STROMA_SCHEMA_LIST);
    for (int i = 0; i < STROMA_KEY_COUNT; i++) {
        if (ld->parent[i] != parent) continue;
        if (item) return i;
        const char *name = stroma_schema_key_name(i);
        if (strlen(name) == len && memcmp(name, key, len) == 0) return i;
    }
    return -1;
}

/* Keys of the mapping row `parent` (-1 = top level), comma-separated, for messages. */
static void load_key_list(const loader *ld, int parent, char *buf, size_t cap) {
    size_t len = 0;
    buf[0] = '\0';
    for (int c = 0; c < STROMA_KEY_COUNT; c++) {
        if (ld->parent[c] != parent) continue;
        int n = snprintf(buf + len, len < cap ? cap - len : 0, "%s%s", len ? ", " : "", stroma_schema_key_name(c));
        if (n > 0) len += (size_t)n;
        if (len >= cap) break;
    }
}

static void load_child_path(char *out, size_t cap, const char *path, const char *key) {
    snprintf(out, cap, "%s%s%s", path, path[0] ? "." : "", key);
}

/* Report an unknown key k of the mapping row `parent`, suggesting the nearest valid key. */
static void load_unknown_key(loader *ld, int parent, const stroma_yaml_node *k, const char *path) {
    const char *cands[STROMA_KEY_COUNT];
    size_t nc = 0;
    for (int c = 0; c < STROMA_KEY_COUNT; c++)
        if (ld->parent[c] == parent) cands[nc++] = stroma_schema_key_name(c);
    char echo[LOAD_ECHO_MAX + 8], full[512], list[512];
    load_echo(k->text, k->len, echo, sizeof echo);
    load_child_path(full, sizeof full, path, echo);
    const char *best = strlen(k->text) == k->len ? stroma_suggest(k->text, cands, nc) : NULL;
    if (strcmp(k->text, "<<") == 0) {
        load_error(ld, STROMA_ERR_UNKNOWN_KEY, load_loc(k),
                   "unknown key %s: YAML merge keys are not supported; write the keys out, or alias a whole value",
                   full);
    } else if (best) {
        load_error(ld, STROMA_ERR_UNKNOWN_KEY, load_loc(k), "unknown key %s; did you mean '%s'?", full, best);
    } else {
        load_key_list(ld, parent, list, sizeof list);
        load_error(ld, STROMA_ERR_UNKNOWN_KEY, load_loc(k), "unknown key %s (valid keys%s%s: %s)", full,
                   path[0] ? " in " : "", path, list);
    }
}

/* Is k a usable key: a scalar without embedded NUL. Reports otherwise. */
static int load_key_ok(loader *ld, const stroma_yaml_node *k, const char *path) {
    if (k->kind == STROMA_YAML_SCALAR && strlen(k->text) == k->len) return 1;
    char got[128];
    load_error(ld, STROMA_ERR_TYPE, load_loc(k), "keys in %s must be plain names (got %s)", path[0] ? path : "the file",
               load_got(k, got, sizeof got));
    return 0;
}

/* Walk a mapping whose keys are the child rows of `id` (-1 = the top level). */
static int load_walk_map(loader *ld, int id, const stroma_yaml_node *node, const char *path, stroma_srcloc at) {
    char got[128];
    if (node->kind != STROMA_YAML_MAP && !(node->kind == STROMA_YAML_NULL && id >= 0)) {
        if (id < 0)
            load_error(ld, STROMA_ERR_TYPE, load_loc(node),
                       "a model file must be a mapping of keys (domain, time, substrates, ...) (got %s)",
                       load_got(node, got, sizeof got));
        else
            load_error(ld, STROMA_ERR_TYPE, load_loc(node), "%s must be a mapping (got %s)", path,
                       load_got(node, got, sizeof got));
        return 0;
    }
    const stroma_yaml_node *keys[STROMA_KEY_COUNT] = {0}, *vals[STROMA_KEY_COUNT] = {0};
    int valid[STROMA_KEY_COUNT] = {0};
    int ok = 1;
    for (size_t i = 0; i < node->n && !ld->nomem; i++) {
        const stroma_yaml_node *k = node->child[2 * i], *v = node->child[2 * i + 1];
        if (!load_key_ok(ld, k, path)) {
            ok = 0;
            continue;
        }
        int c = load_child(ld, id, k->text, k->len);
        if (c < 0) {
            load_unknown_key(ld, id, k, path);
            ok = 0;
            continue;
        }
        char full[512];
        load_child_path(full, sizeof full, path, k->text);
        if (keys[c]) {
            load_error(ld, STROMA_ERR_PARSE, load_loc(k), "duplicate key %s (first given at line %d, column %d)", full,
                       keys[c]->line, keys[c]->column);
            ok = 0;
            continue;
        }
        keys[c] = k;
        vals[c] = v;
        valid[c] = load_walk(ld, c, v, full, load_loc(k));
        if (!valid[c]) ok = 0;
    }
    for (int c = 0; c < STROMA_KEY_COUNT && !ld->nomem; c++) {
        if (ld->parent[c] != id || keys[c]) continue;
        if (stroma_schema_keys[c].need == STROMA_NEED_REQUIRED) {
            char full[512], unit[64];
            load_child_path(full, sizeof full, path, stroma_schema_key_name(c));
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s (%s)%s", full,
                       stroma_schema_type_name(stroma_schema_keys[c].type), load_unit(c, unit, sizeof unit));
            ok = 0;
        } else {
            load_defaults(ld, c);
        }
    }
    return load_map_done(ld, id, path, at, keys, vals, valid, ok);
}

/* A key of a mapping, for finding repeated keys by sorting (O(n log n); a pairwise check took hours on a
 * 60 MB model). */
typedef struct load_key_ref {
    const char *text;
    size_t len, i;
} load_key_ref;

static int load_key_ref_cmp(const void *pa, const void *pb) {
    const load_key_ref *a = pa, *b = pb;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    int c = memcmp(a->text, b->text, a->len);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* For each key i of mapping `node`, the index of the first key with the same text (i itself if none is before
 * it; only scalar keys compare). Returns a new array of node->n entries, or NULL when out of memory. */
static size_t *load_first_equal_keys(const stroma_yaml_node *node) {
    size_t n = node->n;
    size_t *first = malloc((n ? n : 1) * sizeof *first);
    load_key_ref *refs = malloc((n ? n : 1) * sizeof *refs);
    if (!first || !refs) {
        free(first);
        free(refs);
        return NULL;
    }
    size_t nref = 0;
    for (size_t i = 0; i < n; i++) {
        const stroma_yaml_node *k = node->child[2 * i];
        first[i] = i;
        if (k->kind == STROMA_YAML_SCALAR) refs[nref++] = (load_key_ref){k->text, k->len, i};
    }
    qsort(refs, nref, sizeof *refs, load_key_ref_cmp);
    for (size_t r = 1; r < nref; r++)
        if (refs[r].len == refs[r - 1].len && memcmp(refs[r].text, refs[r - 1].text, refs[r].len) == 0)
            first[refs[r].i] = first[refs[r - 1].i];
    free(refs);
    return first;
}

/* Walk a NAMED_MAP: user-chosen names, each an item described by the one child row. */
static int load_walk_named(loader *ld, int id, const stroma_yaml_node *node, const char *path, stroma_srcloc at) {
    const stroma_schema_key *row = &stroma_schema_keys[id];
    char got[128];
    if (node->kind != STROMA_YAML_MAP && node->kind != STROMA_YAML_NULL) {
        load_error(ld, STROMA_ERR_TYPE, load_loc(node), "%s must be a mapping of names to entries (got %s)", path,
                   load_got(node, got, sizeof got));
        return 0;
    }
    if (node->n < (size_t)row->min_items) {
        load_error(ld, STROMA_ERR_MISSING, node->n ? load_loc(node) : at, "%s must have at least %d entr%s", path,
                   row->min_items, row->min_items == 1 ? "y" : "ies");
        return 0;
    }
    if (row->max_items > 0 && node->n > (size_t)row->max_items) {
        load_error(ld, STROMA_ERR_RANGE, load_loc(node), "%s must have at most %d entries (got %zu)", path,
                   row->max_items, node->n);
        return 0;
    }
    int item = load_child(ld, id, "", 0);
    int ok = 1;
    size_t *first = load_first_equal_keys(node);
    if (!first) {
        ld->nomem = 1;
        return 0;
    }
    for (size_t i = 0; i < node->n && !ld->nomem; i++) {
        const stroma_yaml_node *k = node->child[2 * i], *v = node->child[2 * i + 1];
        if (!load_key_ok(ld, k, path)) {
            ok = 0;
            continue;
        }
        char echo[LOAD_ECHO_MAX + 8], full[512];
        load_echo(k->text, k->len, echo, sizeof echo);
        load_child_path(full, sizeof full, path, echo);
        if (!stroma_schema_valid_name(k->text, k->len)) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(k),
                       "%s: invalid name '%s': names match [A-Za-z_][A-Za-z0-9_.-]* and have at most %zu characters",
                       path, echo, row->max_len);
            ok = 0;
            continue;
        }
        if (first[i] != i) {
            const stroma_yaml_node *pk = node->child[2 * first[i]];
            load_error(ld, STROMA_ERR_PARSE, load_loc(k), "duplicate key %s (first given at line %d, column %d)",
                       full, pk->line, pk->column);
            ok = 0;
            continue;
        }
        if (load_item(ld, item, k->text, full, load_loc(k))) {
            ld->nomem = 1;
            break;
        }
        if (!load_walk(ld, item, v, full, load_loc(k))) ok = 0;
    }
    free(first);
    return ok && !ld->nomem;
}

/* Walk a LIST: each item described by the one child row. */
static int load_walk_list(loader *ld, int id, const stroma_yaml_node *node, const char *path, stroma_srcloc at) {
    const stroma_schema_key *row = &stroma_schema_keys[id];
    char got[128];
    if (node->kind != STROMA_YAML_SEQ && node->kind != STROMA_YAML_NULL) {
        load_error(ld, STROMA_ERR_TYPE, load_loc(node), "%s must be a list (got %s)", path,
                   load_got(node, got, sizeof got));
        return 0;
    }
    if (node->n < (size_t)row->min_items) {
        load_error(ld, STROMA_ERR_MISSING, node->n ? load_loc(node) : at, "%s must have at least %d item%s", path,
                   row->min_items, row->min_items == 1 ? "" : "s");
        return 0;
    }
    if (row->max_items > 0 && node->n > (size_t)row->max_items) {
        load_error(ld, STROMA_ERR_RANGE, load_loc(node), "%s must have at most %d items (got %zu)%s", path,
                   row->max_items, node->n, load_unit(id, got, sizeof got));
        return 0;
    }
    int item = load_child(ld, id, "", 0);
    int ok = 1;
    for (size_t i = 0; i < node->n && !ld->nomem; i++) {
        char full[512];
        snprintf(full, sizeof full, "%s[%zu]", path, i);
        const stroma_yaml_node *v = node->child[i];
        if (load_item(ld, item, NULL, full, load_loc(v))) {
            ld->nomem = 1;
            return 0;
        }
        if (!load_walk(ld, item, v, full, load_loc(v))) ok = 0;
    }
    return ok;
}

/* Split a row's choices into words[] (pointers into storage); returns the count. */
static size_t load_choices(const char *choices, char *storage, size_t cap, const char *words[16]) {
    size_t nw = 0;
    snprintf(storage, cap, "%s", choices);
    for (char *save = NULL, *w = strtok_r(storage, " ", &save); w && nw < 16; w = strtok_r(NULL, " ", &save))
        words[nw++] = w;
    return nw;
}

/* Walk a WORDS list: each word one of the row's choices. */
static int load_walk_words(loader *ld, int id, const stroma_yaml_node *node, const char *path, load_value *v) {
    const stroma_schema_key *row = &stroma_schema_keys[id];
    char got[128];
    if (node->kind != STROMA_YAML_SEQ) {
        load_error(ld, STROMA_ERR_TYPE, load_loc(node), "%s must be a list of words from: %s (got %s)", path,
                   row->choices, load_got(node, got, sizeof got));
        return 0;
    }
    const char *words[16];
    char storage[256];
    size_t nw = load_choices(row->choices, storage, sizeof storage, words);
    int ok = 1;
    for (size_t i = 0; i < node->n; i++) {
        const stroma_yaml_node *c = node->child[i];
        size_t hit = nw;
        if (c->kind == STROMA_YAML_SCALAR && strlen(c->text) == c->len)
            for (size_t j = 0; j < nw; j++)
                if (strcmp(words[j], c->text) == 0) hit = j;
        if (hit < nw) {
            v->words |= 1u << hit;
            continue;
        }
        const char *best = c->kind == STROMA_YAML_SCALAR ? stroma_suggest(c->text, words, nw) : NULL;
        if (best)
            load_error(ld, STROMA_ERR_RANGE, load_loc(c), "%s[%zu]: unknown word %s; did you mean '%s'?", path, i,
                       load_got(c, got, sizeof got), best);
        else
            load_error(ld, STROMA_ERR_RANGE, load_loc(c), "%s[%zu]: unknown word %s (allowed: %s)", path, i,
                       load_got(c, got, sizeof got), row->choices);
        ok = 0;
    }
    return ok;
}

/* Walk a CHOICE: one word of the row's choices, stored as its index in v->integer. */
static int load_walk_choice(loader *ld, int id, const stroma_yaml_node *node, const char *path, load_value *v) {
    const stroma_schema_key *row = &stroma_schema_keys[id];
    const char *words[16];
    char storage[256], got[128], list[256];
    size_t nw = load_choices(row->choices, storage, sizeof storage, words);
    if (node->kind == STROMA_YAML_SCALAR && strlen(node->text) == node->len)
        for (size_t j = 0; j < nw; j++)
            if (strcmp(words[j], node->text) == 0) {
                v->integer = (long long)j;
                return 1;
            }
    size_t len = 0;
    list[0] = '\0';
    for (size_t j = 0; j < nw; j++) {
        int w = snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", words[j]);
        if (w > 0 && (size_t)w < sizeof list - len) len += (size_t)w;
    }
    const char *best = node->kind == STROMA_YAML_SCALAR && strlen(node->text) == node->len
                           ? stroma_suggest(node->text, words, nw)
                           : NULL;
    if (best)
        load_error(ld, node->kind == STROMA_YAML_SCALAR ? STROMA_ERR_RANGE : STROMA_ERR_TYPE, load_loc(node),
                   "%s must be one of %s (got %s); did you mean '%s'?", path, list, load_got(node, got, sizeof got),
                   best);
    else
        load_error(ld, node->kind == STROMA_YAML_SCALAR ? STROMA_ERR_RANGE : STROMA_ERR_TYPE, load_loc(node),
                   "%s must be one of %s (got %s)", path, list, load_got(node, got, sizeof got));
    return 0;
}

/* Validate node against row id and store it; `at` is where to report what is missing inside it (its key, or
 * the item). Returns 1 if everything under it is valid. */
static int load_walk(loader *ld, int id, const stroma_yaml_node *node, const char *path, stroma_srcloc at) {
    const stroma_schema_key *row = &stroma_schema_keys[id];
    char got[128], unit[64];
    load_value v;
    memset(&v, 0, sizeof v);
    v.loc = load_loc(node);
    v.key_loc = at;
    switch (row->type) {
    case STROMA_SCHEMA_MAP: return load_walk_map(ld, id, node, path, at);
    case STROMA_SCHEMA_NAMED_MAP: return load_walk_named(ld, id, node, path, at);
    case STROMA_SCHEMA_LIST: return load_walk_list(ld, id, node, path, at);
    case STROMA_SCHEMA_NUMBER:
        if (!load_number(ld, id, node, path, &v.num)) return 0;
        break;
    case STROMA_SCHEMA_INTEGER:
    case STROMA_SCHEMA_UINT64: {
        int is_u64 = row->type == STROMA_SCHEMA_UINT64;
        int rc = load_parse_int(node, !is_u64, &v.integer, &v.u64);
        if (rc == -1) {
            load_error(ld, STROMA_ERR_TYPE, load_loc(node),
                       "%s must be a whole number (got %s)%s", path, load_got(node, got, sizeof got),
                       load_unit(id, unit, sizeof unit));
            return 0;
        }
        if (is_u64 && rc == -2) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(node), "%s must be between 0 and %llu (got %s)", path,
                       (unsigned long long)UINT64_MAX, load_got(node, got, sizeof got));
            return 0;
        }
        if (!is_u64) {
            double as_double = rc == -2 ? (node->text[0] == '-' ? -HUGE_VAL : HUGE_VAL) : (double)v.integer;
            if (!load_check_bounds(ld, id, as_double, node->text, path, load_loc(node))) return 0;
        }
        break;
    }
    case STROMA_SCHEMA_STRING:
    case STROMA_SCHEMA_NAME:
        if (node->kind != STROMA_YAML_SCALAR) {
            load_error(ld, STROMA_ERR_TYPE, load_loc(node), "%s must be a %s (got %s)", path,
                       row->type == STROMA_SCHEMA_NAME ? "name" : "string", load_got(node, got, sizeof got));
            return 0;
        }
        if (strlen(node->text) != node->len || node->len > row->max_len) {
            load_error(ld, STROMA_ERR_RANGE, load_loc(node), "%s must be at most %zu characters without NUL (got %s)",
                       path, row->max_len, load_got(node, got, sizeof got));
            return 0;
        }
        v.str = node->text;
        break;
    case STROMA_SCHEMA_POINT:
        if (!load_vector(ld, id, node, path, 3, v.vec)) return 0;
        break;
    case STROMA_SCHEMA_INTERVAL:
        if (!load_vector(ld, id, node, path, 2, v.vec)) return 0;
        break;
    case STROMA_SCHEMA_WORDS:
        if (!load_walk_words(ld, id, node, path, &v)) return 0;
        break;
    case STROMA_SCHEMA_CHOICE:
        if (!load_walk_choice(ld, id, node, path, &v)) return 0;
        break;
    }
    load_store(ld, id, &v);
    return 1;
}

/* ---- checks across keys, after the walk ---- */

/* Derive the grid from a valid domain. Returns 1 if n[], dim are set and the voxel count fits. */
static int load_check_grid(loader *ld, stroma_srcloc domain_at) {
    stroma_model *m = ld->m;
    static const char axis_name[3] = {'x', 'y', 'z'};
    int ok = 1;
    char bad[600];
    size_t nbad = 0;
    bad[0] = '\0';
    for (int a = 0; a < 3; a++) {
        double extent = m->hi_um[a] - m->lo_um[a];
        double r = extent / m->voxel_um;
        if (!(r <= 2147483647.0)) {
            load_error(ld, STROMA_ERR_TOO_LARGE, domain_at,
                       "domain: the %c extent %g µm at voxel %g µm gives %.4g voxels, more than the %d a grid axis "
                       "can hold (voxel count overflow); use a larger domain.voxel",
                       axis_name[a], extent, m->voxel_um, r, 2147483647);
            ok = 0;
            continue;
        }
        double n = floor(r + 0.5);
        if (n < 1 || fabs(n * m->voxel_um - extent) > LOAD_DIVIDE_TOL * extent) {
            double below = floor(r), above = ceil(r);
            char hint[160];
            if (below >= 1 && above > below)
                snprintf(hint, sizeof hint, "%.10g or %.10g", extent / below, extent / above);
            else
                snprintf(hint, sizeof hint, "%.10g", extent / (below >= 1 ? below : 1));
            int w = snprintf(bad + nbad, sizeof bad - nbad,
                             "%sdomain.%c extent %.10g is %.6g voxels (nearest voxel sizes that divide it: %s)",
                             nbad ? "; " : "", axis_name[a], extent, r, hint);
            if (w > 0) nbad += (size_t)w < sizeof bad - nbad ? (size_t)w : sizeof bad - nbad - 1;
            ok = 0;
            continue;
        }
        m->n[a] = (int)n;
    }
    if (nbad)
        load_error(ld, STROMA_ERR_RANGE, ld->voxel_loc, "domain.voxel %.10g does not divide every extent: %s [µm]",
                   m->voxel_um, bad);
    if (ok && !isfinite(m->voxel_um * m->voxel_um * m->voxel_um)) {
        load_error(ld, STROMA_ERR_RANGE, ld->voxel_loc,
                   "domain.voxel %g: its volume (voxel³) is too large for a number; use a smaller voxel [µm]",
                   m->voxel_um);
        ok = 0;
    }
    if (!ok) return 0;
    size_t nx = (size_t)m->n[0], ny = (size_t)m->n[1], nz = (size_t)m->n[2];
    if (ny > SIZE_MAX / nx || nz > SIZE_MAX / (nx * ny)) {
        load_error(ld, STROMA_ERR_TOO_LARGE, domain_at,
                   "domain: %d x %d x %d voxels overflow the voxel count (at most %zu); use a larger domain.voxel",
                   m->n[0], m->n[1], m->n[2], (size_t)SIZE_MAX);
        return 0;
    }
    m->dim = (m->n[0] > 1) + (m->n[1] > 1) + (m->n[2] > 1);
    if (m->dim == 0) m->dim = 1;
    return 1;
}

int load_inside(const stroma_model *m, const double p[3]) {
    for (int a = 0; a < 3; a++)
        if (!(p[a] >= m->lo_um[a] && p[a] <= m->hi_um[a])) return 0;
    return 1;
}

/* A valid fixed entry by (substrate, linear voxel index, entry index), for finding entries of one voxel. */
typedef struct load_fixed_ref {
    int substrate;
    uint64_t voxel;
    int i;
} load_fixed_ref;

static int load_fixed_ref_cmp(const void *pa, const void *pb) {
    const load_fixed_ref *a = pa, *b = pb;
    if (a->substrate != b->substrate) return a->substrate < b->substrate ? -1 : 1;
    if (a->voxel != b->voxel) return a->voxel < b->voxel ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

static void load_check_fixed(loader *ld) {
    stroma_model *m = ld->m;
    char unit[64];
    for (int i = 0; i < m->nfixed; i++) {
        const stroma_fixed_desc *f = &m->fixed[i];
        const load_fixed_extra *x = &ld->fixed_extra[i];
        if (!x->at_ok) continue;
        if (!load_inside(m, f->pos_um)) {
            load_error(ld, STROMA_ERR_RANGE, x->at_loc,
                       "%s.at (%g, %g, %g) lies outside the domain [%g, %g] x [%g, %g] x [%g, %g]%s", x->path,
                       f->pos_um[0], f->pos_um[1], f->pos_um[2], m->lo_um[0], m->hi_um[0], m->lo_um[1], m->hi_um[1],
                       m->lo_um[2], m->hi_um[2], load_unit(STROMA_KEY_FIXED_AT, unit, sizeof unit));
            ld->fixed_extra[i].at_ok = 0;
        }
    }
    /* Two entries holding the same voxel of the same substrate at different values contradict each other. Each
     * entry is reported against the first earlier one of its voxel with another value, as a pairwise check
     * would, but found by sorting: O(n log n) (pairs took hours for a 60 MB model). */
    load_fixed_ref *refs = malloc((size_t)(m->nfixed > 0 ? m->nfixed : 1) * sizeof *refs);
    if (!refs) {
        ld->nomem = 1;
        return;
    }
    int nref = 0;
    for (int i = 0; i < m->nfixed; i++) {
        if (!ld->fixed_extra[i].at_ok || !ld->fixed_extra[i].value_ok) continue;
        uint64_t voxel = 0;
        for (int a = 2; a >= 0; a--) {
            int v = (int)floor((m->fixed[i].pos_um[a] - m->lo_um[a]) / m->voxel_um); /* inside: checked above */
            if (v >= m->n[a]) v = m->n[a] - 1;
            if (v < 0) v = 0;
            voxel = voxel * (uint64_t)m->n[a] + (uint64_t)v;
        }
        refs[nref++] = (load_fixed_ref){m->fixed[i].substrate, voxel, i};
    }
    qsort(refs, (size_t)nref, sizeof *refs, load_fixed_ref_cmp);
    for (int g = 0; g < nref;) {
        int end = g + 1;
        while (end < nref && refs[end].substrate == refs[g].substrate && refs[end].voxel == refs[g].voxel) end++;
        /* in entry order: the group's first entry, and the first whose value differs from it */
        int head = refs[g].i, other = -1;
        for (int r = g + 1; r < end; r++) {
            int i = refs[r].i, j = -1;
            if (m->fixed[i].value != m->fixed[head].value) {
                j = head;
                if (other < 0) other = i;
            } else if (other >= 0) {
                j = other;
            }
            if (j >= 0)
                load_error(ld, STROMA_ERR_RANGE, ld->fixed_extra[i].at_loc,
                           "%s holds the same voxel as %s (line %d) at a different value (%g, not %g)",
                           ld->fixed_extra[i].path, ld->fixed_extra[j].path, m->fixed[j].loc.line, m->fixed[i].value,
                           m->fixed[j].value);
        }
        g = end;
    }
    free(refs);
}

/* Report the first axis along which [lo, hi] leaves the domain; returns 0 if it does. */
static int load_region_axis(loader *ld, const load_place *x, const char *what, int a, double lo, double hi) {
    const stroma_model *m = ld->m;
    static const char axis_name[3] = {'x', 'y', 'z'};
    if (lo >= m->lo_um[a] && hi <= m->hi_um[a]) return 1;
    const char *hint = "";
    if (strcmp(x->region_key, "sphere") == 0 && m->n[a] == 1) hint = "; in a 2D model use a disc";
    load_error(ld, STROMA_ERR_RANGE, x->region_loc,
               "%s.%s %s extends outside the domain along %c: [%g, %g], but domain.%c is [%g, %g]%s [µm]", x->path,
               x->region_key, what, axis_name[a], lo, hi, axis_name[a], m->lo_um[a], m->hi_um[a], hint);
    return 0;
}

/* Check that a valid region lies inside the domain (needs the grid). A disc, and an annulus in a model of
 * fewer than 3 dimensions, lie in the plane z = centre z (as stroma_region_sample places them). */
void load_check_region(loader *ld, const load_place *x, const stroma_region *r) {
    const stroma_model *m = ld->m;
    char what[160];
    switch (r->kind) {
    case STROMA_REGION_POINT:
        if (!load_inside(m, r->center_um))
            load_error(ld, STROMA_ERR_RANGE, x->region_loc,
                       "%s.at (%g, %g, %g) lies outside the domain [%g, %g] x [%g, %g] x [%g, %g] [µm]", x->path,
                       r->center_um[0], r->center_um[1], r->center_um[2], m->lo_um[0], m->hi_um[0], m->lo_um[1],
                       m->hi_um[1], m->lo_um[2], m->hi_um[2]);
        break;
    case STROMA_REGION_SPHERE:
    case STROMA_REGION_DISC:
    case STROMA_REGION_ANNULUS: {
        int planar = r->kind == STROMA_REGION_DISC || (r->kind == STROMA_REGION_ANNULUS && m->dim < 3);
        if (r->kind == STROMA_REGION_ANNULUS)
            snprintf(what, sizeof what, "(centre (%g, %g, %g), radii %g to %g)", r->center_um[0], r->center_um[1],
                     r->center_um[2], r->inner_radius_um, r->radius_um);
        else
            snprintf(what, sizeof what, "(centre (%g, %g, %g), radius %g)", r->center_um[0], r->center_um[1],
                     r->center_um[2], r->radius_um);
        for (int a = 0; a < 3; a++) {
            double reach = planar && a == 2 ? 0.0 : r->radius_um;
            if (!load_region_axis(ld, x, what, a, r->center_um[a] - reach, r->center_um[a] + reach)) break;
        }
        break;
    }
    case STROMA_REGION_BOX:
        snprintf(what, sizeof what, "(lo (%g, %g, %g), hi (%g, %g, %g))", r->lo_um[0], r->lo_um[1], r->lo_um[2],
                 r->hi_um[0], r->hi_um[1], r->hi_um[2]);
        for (int a = 0; a < 3; a++)
            if (!load_region_axis(ld, x, what, a, r->lo_um[a], r->hi_um[a])) break;
        break;
    }
}


typedef struct load_name_ref {
    const char *name;
    int i;
} load_name_ref;

static int load_name_ref_cmp(const void *pa, const void *pb) {
    const load_name_ref *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* A new array: the indices of names[0..n) sorted by (name, index); NULL when out of memory. */
static int *load_sorted_names(const char *const *names, int n) {
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    load_name_ref *refs = malloc((size_t)(n > 0 ? n : 1) * sizeof *refs);
    if (!order || !refs) {
        free(order);
        free(refs);
        return NULL;
    }
    for (int i = 0; i < n; i++) refs[i] = (load_name_ref){names[i], i};
    qsort(refs, (size_t)n, sizeof *refs, load_name_ref_cmp);
    for (int i = 0; i < n; i++) order[i] = refs[i].i;
    free(refs);
    return order;
}

/* Index of `name` among names[0..n) (the first if repeated), searching `order` (load_sorted_names) if given,
 * else scanning; -1 if absent. */
static int load_find(const char *name, const char *const *names, const int *order, int n) {
    if (!order) {
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], name) == 0) return i;
        return -1;
    }
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(names[order[mid]], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(names[order[lo]], name) == 0 ? order[lo] : -1;
}

/* Index of `name` among names[0..n) (sorted by `order`, or NULL: see load_find), or -1 with msg set to "no
 * <what> named 'name'" and a suggestion or the list of defined names (`plural` names them). */
int load_lookup(const char *name, const char *const *names, const int *order, int n, const char *what,
                const char *plural, char *msg, size_t cap) {
    int found = load_find(name, names, order, n);
    if (found >= 0) return found;
    const char *best = stroma_suggest(name, names, (size_t)n);
    char echo[LOAD_ECHO_MAX + 8];
    load_echo(name, strlen(name), echo, sizeof echo);
    if (best) {
        snprintf(msg, cap, "no %s named '%s'; did you mean '%s'?", what, echo, best);
    } else if (n == 0) {
        snprintf(msg, cap, "no %s named '%s' (no %s are defined)", what, echo, plural);
    } else {
        char list[512];
        size_t len = 0;
        list[0] = '\0';
        for (int i = 0; i < n; i++) {
            int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
            if (w < 0 || (size_t)w >= sizeof list - len) break;
            len += (size_t)w;
        }
        snprintf(msg, cap, "no %s named '%s' (%s: %s)", what, echo, plural, list);
    }
    return -1;
}

/* Resolve a substrate (is_type 0) or cell type (1) name written at nm->loc under key `path`; reports and
 * returns -1 if it is not defined. */
int load_resolve(loader *ld, const load_names *nl, int is_type, const load_name *nm, const char *path) {
    char msg[768];
    int i = is_type ? load_lookup(nm->name, nl->type, nl->type_order, ld->m->ntypes, "cell type", "cell types", msg,
                                  sizeof msg)
                    : load_lookup(nm->name, nl->sub, nl->sub_order, ld->m->nsub, "substrate", "substrates", msg,
                                  sizeof msg);
    if (i < 0) load_error(ld, STROMA_ERR_UNKNOWN_KEY, nm->loc, "%s: %s", path, msg);
    return i;
}

static void load_check_sources(loader *ld, const load_names *nl, int grid) {
    stroma_model *m = ld->m;
    for (int i = 0; i < m->nsources; i++) {
        stroma_source_desc *src = &m->sources[i];
        load_source_extra *x = &ld->src_extra[i];
        if (x->substrate_ok) {
            load_name nm = {.ok = 1, .loc = x->substrate_loc};
            snprintf(nm.name, sizeof nm.name, "%s", x->substrate);
            char path[64];
            snprintf(path, sizeof path, "%s.substrate", x->place.path);
            src->substrate = load_resolve(ld, nl, 0, &nm, path);
        }
        if (grid && x->place.region_ok) load_check_region(ld, &x->place, &src->region);
    }
}

/* outputs.images: the field names a substrate; every is a whole multiple of the output interval. */
static void load_check_images(loader *ld, const load_names *nl) {
    stroma_model *m = ld->m;
    m->output_images_stride = 1;
    if (!m->output_images) return;
    if (ld->images_field.ok) {
        int s = load_resolve(ld, nl, 0, &ld->images_field, "outputs.images.field");
        m->output_images_field = s >= 0 ? s : 0;
    }
    if (ld->images_every_at.line == 0 || !(m->output_every_min > 0)) return;
    double r = m->output_images_every_min / m->output_every_min, n = floor(r + 0.5);
    if (n >= 1 && fabs(n * m->output_every_min - m->output_images_every_min) <= LOAD_DIVIDE_TOL *
                                                                                    m->output_images_every_min) {
        m->output_images_stride = n > 1e9 ? 1000000000 : (int)n;
        return;
    }
    load_error(ld, STROMA_ERR_RANGE, ld->images_every_at,
               "outputs.images.every %.10g is not a whole multiple of outputs.every %.10g%s (ratio %.6g); the "
               "nearest valid value is %.10g [min]",
               m->output_images_every_min, m->output_every_min, m->output_every_is_end ? " (time.end)" : "", r,
               (n >= 1 ? n : 1) * m->output_every_min);
}

/* time.end at most STROMA_MAX_STEPS steps of dt_diffusion; dt_mechanics a whole multiple of dt_diffusion,
 * dt_phenotype of dt_mechanics, checked when the model has cell types or a step other than dt_diffusion is given
 * (they are not used otherwise). */
static void load_check_steps(loader *ld, stroma_srcloc time_at) {
    static const char *const names[3] = {"time.dt_diffusion", "time.dt_mechanics", "time.dt_phenotype"};
    const stroma_model *m = ld->m;
    const double dt[3] = {m->dt_diffusion_min, m->dt_mechanics_min, m->dt_phenotype_min};
    int given[3];
    for (int k = 0; k < 3; k++) given[k] = ld->dt_loc[k].line > 0;
    /* the run counts its time in steps of dt_diffusion (an int64, and step x dt must stay exact) */
    if (ld->end_ok && ld->dt_ok[0] && !(m->end_min / m->dt_diffusion_min <= STROMA_MAX_STEPS))
        load_error(ld, STROMA_ERR_RANGE, ld->end_loc,
                   "time.end %g is more than 2^53 (%.0f) steps of time.dt_diffusion %g, the most a run can count "
                   "[min]",
                   m->end_min, STROMA_MAX_STEPS, m->dt_diffusion_min);
    for (int big = 1; big <= 2; big++) {
        int small = big - 1;
        if (!ld->dt_ok[big] || !ld->dt_ok[small]) continue;
        if (!(m->ntypes > 0 || given[1] || given[2])) continue;
        if (big == 1 && !(m->ntypes > 0 || given[1])) continue;
        double r = dt[big] / dt[small], n = floor(r + 0.5);
        if (n >= 1 && fabs(n * dt[small] - dt[big]) <= LOAD_DIVIDE_TOL * dt[big]) continue;
        double nearest = (n >= 1 ? n : 1) * dt[small];
        stroma_srcloc at = given[big] ? ld->dt_loc[big] : given[small] ? ld->dt_loc[small] : time_at;
        if (given[big])
            load_error(ld, STROMA_ERR_RANGE, at,
                       "%s %.10g is not a whole multiple of %s %.10g (ratio %.6g); the nearest valid %s is %.10g "
                       "[min]",
                       names[big], dt[big], names[small], dt[small], r, names[big], nearest);
        else
            load_error(ld, STROMA_ERR_RANGE, at,
                       "%s %.10g (the default) is not a whole multiple of %s %.10g (ratio %.6g); give %s, e.g. "
                       "%.10g [min]",
                       names[big], dt[big], names[small], dt[small], r, names[big], nearest);
    }
}

static void load_check_memory(loader *ld, stroma_srcloc domain_at) {
    const stroma_model *m = ld->m;
    double need = stroma_model_memory_estimate(m), have = stroma_model_memory_available();
    if (have <= 0 || need <= have) return;
    const double gib = 1024.0 * 1024.0 * 1024.0;
    double cells = 0;
    for (int g = 0; g < m->ninitial; g++) cells += m->initial_cells[g].count;
    char extra[96] = "";
    if (cells > 0) snprintf(extra, sizeof extra, "; %.4g initial cells", cells);
    load_error(ld, STROMA_ERR_TOO_LARGE, domain_at,
               "domain: the %s about %.3g GiB (%d x %d x %d = %.4g voxels x %d substrate%s%s) but this machine "
               "has %.3g GiB of physical memory; use a larger domain.voxel or a smaller domain%s",
               cells > 0 ? "grid and cells need" : "grid needs", need / gib, m->n[0], m->n[1], m->n[2],
               (double)m->n[0] * m->n[1] * m->n[2], m->nsub, m->nsub == 1 ? "" : "s", extra, have / gib,
               cells > 0 ? ", or fewer initial cells" : "");
}

/* Position of the top-level key `name`, or 1:1. */
static stroma_srcloc load_top_key(const stroma_yaml_node *root, const char *name) {
    stroma_srcloc at = {1, 1};
    if (!root || root->kind != STROMA_YAML_MAP) return at;
    for (size_t i = 0; i < root->n; i++) {
        const stroma_yaml_node *k = root->child[2 * i];
        if (k->kind == STROMA_YAML_SCALAR && strcmp(k->text, name) == 0) return load_loc(k);
    }
    return at;
}

/* Offset of the first byte of text[0..len) that is not part of well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, at most U+10FFFF), or len if all of it is. */
static size_t load_utf8_invalid_at(const unsigned char *t, size_t len) {
    size_t i = 0;
    while (i < len) {
        unsigned char c = t[i];
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return i;
        }
        if (i + n >= len) return i; /* truncated sequence */
        for (size_t k = 1; k <= n; k++) {
            unsigned b = t[i + k];
            if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
        }
        i += n + 1;
    }
    return len;
}

/* The model's overrides as one text ("" for none): each "--set " + override + "\n". NULL when out of memory. */
static char *load_join_sets(const char *const *sets, int nsets) {
    size_t need = 1;
    for (int i = 0; i < nsets; i++) need += strlen(sets[i] ? sets[i] : "") + 7;
    char *s = malloc(need), *p = s;
    if (!s) return NULL;
    *p = '\0';
    for (int i = 0; i < nsets; i++) p += sprintf(p, "--set %s\n", sets[i] ? sets[i] : "");
    return s;
}

static stroma_model *load_text(const char *text, size_t len, const char *name, const char *const *sets, int nsets,
                               stroma_error *err) {
    stroma_error local;
    stroma_error_clear(&local);
    const char *file = name ? name : "<string>";
    if (!sets || nsets < 0) nsets = 0;
    /* YAML is Unicode text; libfyaml 0.7.12 can loop for ever on some malformed bytes, so refuse them here. */
    size_t bad = load_utf8_invalid_at((const unsigned char *)text, len);
    if (bad < len) {
        int line = 1, col = 1;
        for (size_t k = 0; k < bad; k++) {
            if (text[k] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)text[k] & 0xC0) != 0x80) {
                col++;
            }
        }
        stroma_error_clear(err);
        stroma_error_add_at(err, STROMA_ERR_PARSE, file, line, col, "the file is not valid UTF-8 text (byte 0x%02x)",
                            (unsigned char)text[bad]);
        return NULL;
    }
    stroma_model *m = calloc(1, sizeof *m);
    if (!m) {
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory loading %s", file);
        return NULL;
    }
    snprintf(m->path, sizeof m->path, "%s", file);
    m->overrides = load_join_sets(sets, nsets > 0 ? nsets : 0);
    if (!m->overrides) {
        stroma_model_destroy(&m);
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory loading %s", file);
        return NULL;
    }
    if (nsets > 0) { /* provenance: the file and its overrides (a run with other overrides is another model) */
        size_t olen = strlen(m->overrides);
        char *all = malloc(len + olen + 1);
        if (!all) {
            stroma_model_destroy(&m);
            stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory loading %s", file);
            return NULL;
        }
        if (len) memcpy(all, text, len);
        memcpy(all + len, m->overrides, olen + 1);
        stroma_sha256_hex(all, len + olen, m->sha256);
        free(all);
    } else {
        stroma_sha256_hex(text, len, m->sha256);
    }
    m->output_every_is_end = 1;

    stroma_yaml_tree *tree = stroma_yaml_tree_parse(text, len, file, &local);
    if (tree && nsets > 0 && stroma_overrides_apply(tree, sets, nsets, &local) != 0)
        stroma_yaml_tree_destroy(&tree);
    if (!tree) {
        stroma_model_destroy(&m);
        if (err) *err = local;
        return NULL;
    }
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.file = file;
    ld.m = m;
    for (int i = 0; i < STROMA_KEY_COUNT; i++) ld.parent[i] = stroma_schema_parent(i);
    char none[1] = "";
    stroma_yaml_node empty = {.kind = STROMA_YAML_MAP, .line = 1, .column = 1, .text = none};
    const stroma_yaml_node *root = tree->root ? tree->root : &empty;
    stroma_srcloc start = {1, 1};
    load_walk_map(&ld, -1, root, "", root == &empty ? start : load_loc(root));
    /* a vesicle class's field is a substrate: appended before any name is resolved */
    if (!ld.nomem) load_vesicles_append(&ld);

    stroma_srcloc domain_at = load_top_key(root, "domain");
    m->domain_loc = domain_at;
    load_names names = {NULL, NULL, NULL, NULL};
    if (!ld.nomem) {
        names.sub = malloc((size_t)(m->nsub > 0 ? m->nsub : 1) * sizeof *names.sub);
        names.type = malloc((size_t)(m->ntypes > 0 ? m->ntypes : 1) * sizeof *names.type);
        if (!names.sub || !names.type) ld.nomem = 1;
    }
    if (!ld.nomem) {
        for (int s = 0; s < m->nsub; s++) names.sub[s] = m->substrates[s].name;
        for (int k = 0; k < m->ntypes; k++) names.type[k] = m->cell_types[k].name;
        names.sub_order = load_sorted_names(names.sub, m->nsub);
        names.type_order = load_sorted_names(names.type, m->ntypes);
        if (!names.sub_order || !names.type_order) ld.nomem = 1;
    }
    if (!ld.nomem) {
        if (m->output_every_is_end) m->output_every_min = m->end_min;
        /* Without a grid, places cannot be checked; names still are. */
        int grid = ld.axis_ok[0] && ld.axis_ok[1] && ld.axis_ok[2] && ld.voxel_ok && load_check_grid(&ld, domain_at);
        if (grid) load_check_fixed(&ld);
        load_check_steps(&ld, load_top_key(root, "time"));
        load_check_sources(&ld, &names, grid);
        load_check_cell_types(&ld, &names);
        if (!ld.nomem) load_check_state(&ld, &names);
        if (!ld.nomem) load_check_vesicles(&ld, &names); /* after the types and state variables it names */
        if (!ld.nomem) load_check_body(&ld, &names, grid); /* before the tables: they name the systemic ones */
        if (!ld.nomem) load_check_ecm(&ld, &names, grid);
        if (!ld.nomem) load_check_recruitment(&ld, &names, load_top_key(root, "recruitment"));
        if (!ld.nomem) load_check_therapy(&ld, &names, load_top_key(root, "therapies"));
        if (!ld.nomem && stroma_rule_tables_build(m) != 0) ld.nomem = 1;
        if (!ld.nomem) load_check_state_names(&ld);
        /* after the tables: a cell file's extra columns are behaviours */
        if (!ld.nomem) load_check_initial(&ld, &names, grid, load_top_key(root, "initial_cells"));
        if (!ld.nomem) load_check_rules(&ld, &names, load_top_key(root, "rules"));
        if (!ld.nomem) load_check_therapy_behaviours(&ld);
        if (!ld.nomem) load_check_images(&ld, &names);
        if (!ld.nomem) load_check_markers(&ld, &names, grid); /* after the tables and the body */
        /* the body's and the vesicles' ledgers count the cells' exchange before the solve */
        if (m->secretion_after && (m->vessels.present || m->body.present || m->vesicles.present))
            load_error(&ld, STROMA_ERR_RANGE, m->secretion_order_loc,
                       "secretion_order after_diffusion cannot be used with %s (their mass ledgers count the cells' "
                       "exchange before the diffusion solve); remove it or the section",
                       m->vessels.present ? "vessels" : m->body.present ? "a body" : "vesicles");
        if (grid && !ld.nomem) load_check_memory(&ld, domain_at);
    }
    free(names.sub);
    free(names.type);
    free(names.sub_order);
    free(names.type_order);
    load_flush_issues(&ld, &local);
    free(ld.fixed_extra);
    free(ld.src_extra);
    free(ld.type_extra);
    free(ld.refs);
    free(ld.secs);
    free(ld.contacts);
    free(ld.init_extra);
    free(ld.state_extra);
    free(ld.srefs);
    free(ld.rule_items);
    load_body_free(&ld);
    load_ecm_free(&ld);
    load_vesicles_free(&ld);
    load_recruitment_free(&ld);
    load_therapy_free(&ld);
    load_markers_free(&ld);
    stroma_yaml_tree_destroy(&tree);
    if (ld.nomem) {
        stroma_model_destroy(&m);
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory loading %s", file);
        return NULL;
    }
    if (local.count > 0) {
        stroma_model_destroy(&m);
        if (err) *err = local;
        return NULL;
    }
    stroma_error_clear(err);
    return m;
}

stroma_model *stroma_model_load_string(const char *yaml, size_t len, const char *name, stroma_error *err) {
    return stroma_model_load_string_set(yaml, len, name, NULL, 0, err);
}

stroma_model *stroma_model_load_string_set(const char *yaml, size_t len, const char *name, const char *const *sets,
                                           int nsets, stroma_error *err) {
    if (!yaml && len) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_model_load_string: no text");
        return NULL;
    }
    if (len > LOAD_MAX_FILE_BYTES) {
        stroma_error_set(err, STROMA_ERR_TOO_LARGE, "%s: model text of %zu bytes is larger than the %u allowed",
                         name ? name : "<string>", len, LOAD_MAX_FILE_BYTES);
        return NULL;
    }
    return load_text(yaml ? yaml : "", len, name, sets, nsets, err);
}

stroma_model *stroma_model_load(const char *path, stroma_error *err) { return stroma_model_load_set(path, NULL, 0, err); }

const char *stroma_model_overrides(const stroma_model *model) {
    return model && model->overrides ? model->overrides : "";
}

stroma_model *stroma_model_load_set(const char *path, const char *const *sets, int nsets, stroma_error *err) {
    if (!path) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_model_load: no path");
        return NULL;
    }
    /* only a regular file: a directory fails to read, a FIFO blocks, a device may never end */
    stroma_code why_code;
    char why[128];
    FILE *fp = stroma_open_regular(path, &why_code, why, sizeof why);
    if (!fp) {
        if (why_code == STROMA_ERR_ARGUMENT)
            stroma_error_set(err, why_code, "%s: the model file is %s, not a regular file", path, why);
        else
            stroma_error_set(err, why_code, "%s: cannot open model file: %s", path, why);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int failed = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16384;
            if (ncap > (size_t)LOAD_MAX_FILE_BYTES + 1) ncap = (size_t)LOAD_MAX_FILE_BYTES + 1;
            if (ncap <= len) {
                stroma_error_set(err, STROMA_ERR_TOO_LARGE, "%s: model file is larger than the %u bytes allowed",
                                 path, LOAD_MAX_FILE_BYTES);
                failed = 1;
                break;
            }
            char *p = realloc(text, ncap);
            if (!p) {
                stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory reading %s", path);
                failed = 1;
                break;
            }
            text = p;
            cap = ncap;
        }
        size_t got = fread(text + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp)) {
                int e = errno;
                if (strerror_r(e, why, sizeof why)) snprintf(why, sizeof why, "error %d", e);
                stroma_error_set(err, STROMA_ERR_IO, "%s: cannot read model file: %s", path, why);
                failed = 1;
            }
            break;
        }
    }
    fclose(fp);
    if (!failed && len > LOAD_MAX_FILE_BYTES) {
        stroma_error_set(err, STROMA_ERR_TOO_LARGE, "%s: model file is larger than the %u bytes allowed", path,
                         LOAD_MAX_FILE_BYTES);
        failed = 1;
    }
    stroma_model *m = failed ? NULL : load_text(text, len, path, sets, nsets, err);
    free(text);
    return m;
}
