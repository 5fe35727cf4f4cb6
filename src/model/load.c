/* The model loader: reads a YAML model file, validates it against the schema table (schema.h) and fills a
 * stroma_model (model.h). It keeps going after a mistake and reports every one with its file:line:column,
 * then checks what involves several keys (grid, points in the domain, names, memory). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/schema.h"
#include "model/sha256.h"
#include "model/yaml_tree.h"
#include "util/error_impl.h"
#include "util/text.h"

/* Largest model file read (a model is a few kilobytes). */
#define LOAD_MAX_FILE_BYTES (64u << 20)
/* Relative tolerance for "voxel divides the extent". */
#define LOAD_DIVIDE_TOL 1e-9
/* Longest piece of user text echoed in a message. */
#define LOAD_ECHO_MAX 48

typedef struct load_fixed_extra {
    char path[160];        /* "substrates.oxygen.fixed[0]" */
    int at_ok;             /* `at` is valid (and, after the checks, inside the domain) */
    int value_ok;          /* `value` is valid */
    stroma_srcloc at_loc;  /* position of its `at` value */
} load_fixed_extra;

typedef struct load_source_extra {
    char path[32];                   /* "sources[3]" */
    int region_ok;                   /* exactly one place given, and it is valid */
    char substrate[STROMA_NAME_MAX]; /* name as written, resolved after the walk */
    int substrate_ok;
    stroma_srcloc substrate_loc;
    stroma_srcloc region_loc;        /* position of the at/disc/sphere/box value */
    const char *region_key;          /* "at", "disc", "sphere" or "box" */
} load_source_extra;

/* An error found by the walk or the checks; all are sorted by position before being reported. */
typedef struct load_issue {
    stroma_code code;
    stroma_srcloc at;
    int order; /* discovery order, to keep the sort stable */
    char *message; /* owned */
} load_issue;

typedef struct loader {
    const char *file;
    load_issue *issues;
    int nissues, issues_cap;
    stroma_model *m;
    int nomem;
    int sub_cap, fixed_cap, fixed_extra_cap, src_cap, src_extra_cap;
    load_fixed_extra *fixed_extra; /* parallel to m->fixed */
    load_source_extra *src_extra;  /* parallel to m->sources */
    int cur_sub, cur_fixed, cur_src;
    int axis_ok[3], voxel_ok; /* domain values stored */
    stroma_srcloc voxel_loc;
} loader;

/* A parsed value handed to load_store. */
typedef struct load_value {
    double num;          /* NUMBER */
    double vec[3];       /* POINT, INTERVAL */
    long long integer;   /* INTEGER */
    uint64_t u64;        /* UINT64 */
    const char *str;     /* STRING, NAME (NUL-terminated, borrowed) */
    unsigned words;      /* WORDS: bit i = i-th word of choices */
    stroma_srcloc loc;   /* where it is written (0:0 for a default) */
} load_value;

static stroma_srcloc load_loc(const stroma_yaml_node *n) {
    stroma_srcloc l = {n ? n->line : 1, n ? n->column : 1};
    if (l.line < 1) l.line = 1;
    if (l.column < 1) l.column = 1;
    return l;
}

static void load_error(loader *ld, stroma_code code, stroma_srcloc at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void load_error(loader *ld, stroma_code code, stroma_srcloc at, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
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
    if (!copy) {
        ld->nomem = 1;
        return;
    }
    strcpy(copy, msg);
    ld->issues[ld->nissues] = (load_issue){code, at, ld->nissues, copy};
    ld->nissues++;
}

static int load_issue_cmp(const void *pa, const void *pb) {
    const load_issue *a = pa, *b = pb;
    if (a->at.line != b->at.line) return a->at.line < b->at.line ? -1 : 1;
    if (a->at.column != b->at.column) return a->at.column < b->at.column ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Report every issue into err in file order, and free them. */
static void load_flush_issues(loader *ld, stroma_error *err) {
    if (ld->nissues > 1) qsort(ld->issues, (size_t)ld->nissues, sizeof *ld->issues, load_issue_cmp);
    for (int i = 0; i < ld->nissues; i++) {
        const load_issue *is = &ld->issues[i];
        stroma_error_add_at(err, is->code, ld->file, is->at.line, is->at.column, "%s", is->message);
        free(is->message);
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
static const char *load_echo(const char *s, size_t len, char *buf, size_t cap) {
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

static int load_grow(void **items, int *cap, int need, size_t elem) {
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

/* Parse a plain decimal number (YAML core schema float/int syntax, no .inf/.nan). Returns 0 on success,
 * -1 if the text is not a number, -2 if it is not finite or overflows. */
static int load_parse_number(const stroma_yaml_node *n, double *out) {
    if (n->kind != STROMA_YAML_SCALAR || n->quoted || strlen(n->text) != n->len) return -1;
    const char *s = n->text;
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
    case STROMA_KEY_TIME_END: m->end_min = v->num; break;
    case STROMA_KEY_TIME_DT_DIFFUSION: m->dt_diffusion_min = v->num; break;
    case STROMA_KEY_SEED: m->seed = v->u64; break;
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
    case STROMA_KEY_SOURCE_SPHERE_CENTER: memcpy(load_src(ld)->region.center_um, v->vec, sizeof v->vec); break;
    case STROMA_KEY_SOURCE_DISC_RADIUS:
    case STROMA_KEY_SOURCE_SPHERE_RADIUS: load_src(ld)->region.radius_um = v->num; break;
    case STROMA_KEY_SOURCE_BOX_LO: memcpy(load_src(ld)->region.lo_um, v->vec, sizeof v->vec); break;
    case STROMA_KEY_SOURCE_BOX_HI: memcpy(load_src(ld)->region.hi_um, v->vec, sizeof v->vec); break;
    case STROMA_KEY_SOURCE_COUNT: load_src(ld)->count = (int)v->integer; break;
    case STROMA_KEY_SOURCE_VOLUME: load_src(ld)->volume_um3 = v->num; break;
    case STROMA_KEY_SOURCE_SECRETION: load_src(ld)->secretion_per_min = v->num; break;
    case STROMA_KEY_SOURCE_SATURATION: load_src(ld)->saturation = v->num; break;
    case STROMA_KEY_SOURCE_UPTAKE: load_src(ld)->uptake_per_min = v->num; break;
    case STROMA_KEY_SOURCE_EXPORT: load_src(ld)->export_per_min = v->num; break;
    case STROMA_KEY_OUTPUTS_EVERY:
        m->output_every_min = v->num;
        m->output_every_is_end = 0;
        break;
    case STROMA_KEY_OUTPUTS_FIELDS: m->output_fields_csv = (v->words & 1u) != 0; break;
    default: break; /* containers: nothing to store */
    }
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
        snprintf(ld->src_extra[m->nsources].path, sizeof ld->src_extra[0].path, "%s", path);
        ld->cur_src = m->nsources++;
        return 0;
    }
    default: return 0;
    }
}

/* Apply the defaults of row id (absent) and, for a mapping, of everything under it. */
static void load_defaults(loader *ld, int id) {
    const stroma_schema_key *k = &stroma_schema_keys[id];
    if (k->type == STROMA_SCHEMA_MAP) {
        for (int c = 0; c < STROMA_KEY_COUNT; c++)
            if (stroma_schema_parent(c) == id) load_defaults(ld, c);
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

/* Checks a mapping's keys cannot express alone, run after its children. keys[]/vals[] hold the nodes of the
 * children present (NULL if absent), valid[] whether each present child validated. Returns ok, cleared if a
 * check failed. */
static int load_map_done(loader *ld, int id, const char *path, stroma_srcloc at,
                         const stroma_yaml_node *const *keys, const stroma_yaml_node *const *vals, const int *valid,
                         int ok) {
    char unit[64];
    switch (id) {
    case STROMA_KEY_FIXED:
        ld->fixed_extra[ld->cur_fixed].at_ok = valid[STROMA_KEY_FIXED_AT];
        ld->fixed_extra[ld->cur_fixed].value_ok = valid[STROMA_KEY_FIXED_VALUE];
        break;
    case STROMA_KEY_SOURCE_BOX:
        if (ok) {
            const stroma_region *r = &load_src(ld)->region;
            for (int a = 0; a < 3; a++) {
                if (r->hi_um[a] < r->lo_um[a]) {
                    load_error(ld, STROMA_ERR_RANGE, load_loc(vals[STROMA_KEY_SOURCE_BOX_HI]),
                               "%s.hi must be >= lo on every axis (got lo (%g, %g, %g), hi (%g, %g, %g))%s", path,
                               r->lo_um[0], r->lo_um[1], r->lo_um[2], r->hi_um[0], r->hi_um[1], r->hi_um[2],
                               load_unit(STROMA_KEY_SOURCE_BOX_HI, unit, sizeof unit));
                    ok = 0;
                    break;
                }
            }
        }
        break;
    case STROMA_KEY_SOURCE: {
        static const int region_ids[] = {STROMA_KEY_SOURCE_AT, STROMA_KEY_SOURCE_DISC, STROMA_KEY_SOURCE_SPHERE,
                                         STROMA_KEY_SOURCE_BOX};
        static const stroma_region_kind kinds[] = {STROMA_REGION_POINT, STROMA_REGION_DISC, STROMA_REGION_SPHERE,
                                                   STROMA_REGION_BOX};
        stroma_source_desc *src = load_src(ld);
        load_source_extra *x = &ld->src_extra[ld->cur_src];
        if (src->secretion_per_min > 0 && !keys[STROMA_KEY_SOURCE_SATURATION]) {
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.saturation (required when secretion > 0)%s",
                       path, load_unit(STROMA_KEY_SOURCE_SATURATION, unit, sizeof unit));
            ok = 0;
        }
        int first = -1, several = 0;
        for (int i = 0; i < 4; i++) {
            if (!keys[region_ids[i]]) continue;
            if (first < 0) {
                first = i;
                continue;
            }
            load_error(ld, STROMA_ERR_RANGE, load_loc(keys[region_ids[i]]),
                       "%s gives both %s and %s: give exactly one of at, disc, sphere, box", path,
                       stroma_schema_key_name(region_ids[first]), stroma_schema_key_name(region_ids[i]));
            several = 1;
        }
        if (first < 0) {
            load_error(ld, STROMA_ERR_MISSING, at, "%s needs a place: one of at, disc, sphere, box", path);
            ok = 0;
            break;
        }
        if (several) {
            ok = 0;
            break;
        }
        int rid = region_ids[first];
        src->region.kind = kinds[first];
        x->region_key = stroma_schema_key_name(rid);
        x->region_loc = load_loc(vals[rid]);
        x->region_ok = valid[rid];
        const stroma_yaml_node *count = vals[STROMA_KEY_SOURCE_COUNT];
        if (src->region.kind == STROMA_REGION_POINT) {
            if (count && src->count > 1) {
                load_error(ld, STROMA_ERR_RANGE, load_loc(count),
                           "%s.count must be 1 with at (got %s): use disc, sphere or box to place several", path,
                           count->text);
                ok = 0;
            }
            src->count = 1;
        } else if (!count) {
            load_error(ld, STROMA_ERR_MISSING, at, "missing required key %s.count (required with %s)", path,
                       x->region_key);
            ok = 0;
        }
        break;
    }
    default: break;
    }
    return ok;
}

static int load_walk(loader *ld, int id, const stroma_yaml_node *node, const char *path, stroma_srcloc at);

/* Keys of the mapping row `parent` (-1 = top level), comma-separated, for messages. */
static void load_key_list(int parent, char *buf, size_t cap) {
    size_t len = 0;
    buf[0] = '\0';
    for (int c = 0; c < STROMA_KEY_COUNT; c++) {
        if (stroma_schema_parent(c) != parent) continue;
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
        if (stroma_schema_parent(c) == parent) cands[nc++] = stroma_schema_key_name(c);
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
        load_key_list(parent, list, sizeof list);
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
        int c = stroma_schema_child(id, k->text, k->len);
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
        if (stroma_schema_parent(c) != id || keys[c]) continue;
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
    int item = stroma_schema_child(id, "", 0);
    int ok = 1;
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
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) {
            const stroma_yaml_node *pk = node->child[2 * j];
            if (pk->kind == STROMA_YAML_SCALAR && pk->len == k->len && memcmp(pk->text, k->text, k->len) == 0) {
                load_error(ld, STROMA_ERR_PARSE, load_loc(k), "duplicate key %s (first given at line %d, column %d)",
                           full, pk->line, pk->column);
                dup = 1;
            }
        }
        if (dup) {
            ok = 0;
            continue;
        }
        if (load_item(ld, item, k->text, full, load_loc(k))) {
            ld->nomem = 1;
            return 0;
        }
        if (!load_walk(ld, item, v, full, load_loc(k))) ok = 0;
    }
    return ok;
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
        load_error(ld, STROMA_ERR_MISSING, at, "%s must have at least %d item%s", path, row->min_items,
                   row->min_items == 1 ? "" : "s");
        return 0;
    }
    int item = stroma_schema_child(id, "", 0);
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
    size_t nw = 0;
    snprintf(storage, sizeof storage, "%s", row->choices);
    for (char *save = NULL, *w = strtok_r(storage, " ", &save); w && nw < 16; w = strtok_r(NULL, " ", &save))
        words[nw++] = w;
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

/* Validate node against row id and store it; `at` is where to report what is missing inside it (its key, or
 * the item). Returns 1 if everything under it is valid. */
static int load_walk(loader *ld, int id, const stroma_yaml_node *node, const char *path, stroma_srcloc at) {
    const stroma_schema_key *row = &stroma_schema_keys[id];
    char got[128], unit[64];
    load_value v;
    memset(&v, 0, sizeof v);
    v.loc = load_loc(node);
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

static int load_inside(const stroma_model *m, const double p[3]) {
    for (int a = 0; a < 3; a++)
        if (!(p[a] >= m->lo_um[a] && p[a] <= m->hi_um[a])) return 0;
    return 1;
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
    /* Two entries holding the same voxel of the same substrate at different values contradict each other. */
    for (int i = 0; i < m->nfixed; i++) {
        if (!ld->fixed_extra[i].at_ok || !ld->fixed_extra[i].value_ok) continue;
        for (int j = 0; j < i; j++) {
            if (!ld->fixed_extra[j].at_ok || !ld->fixed_extra[j].value_ok ||
                m->fixed[i].substrate != m->fixed[j].substrate)
                continue;
            int same = 1;
            for (int a = 0; a < 3 && same; a++) {
                int vi = (int)floor((m->fixed[i].pos_um[a] - m->lo_um[a]) / m->voxel_um);
                int vj = (int)floor((m->fixed[j].pos_um[a] - m->lo_um[a]) / m->voxel_um);
                if (vi >= m->n[a]) vi = m->n[a] - 1;
                if (vj >= m->n[a]) vj = m->n[a] - 1;
                same = vi == vj;
            }
            if (same && m->fixed[i].value != m->fixed[j].value) {
                load_error(ld, STROMA_ERR_RANGE, ld->fixed_extra[i].at_loc,
                           "%s holds the same voxel as %s (line %d) at a different value (%g, not %g)",
                           ld->fixed_extra[i].path, ld->fixed_extra[j].path, m->fixed[j].loc.line, m->fixed[i].value,
                           m->fixed[j].value);
                break;
            }
        }
    }
}

/* Report the first axis along which [lo, hi] leaves the domain; returns 0 if it does. */
static int load_region_axis(loader *ld, const load_source_extra *x, const char *what, int a, double lo, double hi) {
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

static void load_check_sources(loader *ld) {
    stroma_model *m = ld->m;
    const char **names = malloc((size_t)(m->nsub > 0 ? m->nsub : 1) * sizeof *names);
    if (!names) {
        ld->nomem = 1;
        return;
    }
    for (int s = 0; s < m->nsub; s++) names[s] = m->substrates[s].name;
    for (int i = 0; i < m->nsources; i++) {
        stroma_source_desc *src = &m->sources[i];
        load_source_extra *x = &ld->src_extra[i];
        if (x->substrate_ok) {
            src->substrate = stroma_model_substrate_index(m, x->substrate);
            if (src->substrate < 0) {
                const char *best = stroma_suggest(x->substrate, names, (size_t)m->nsub);
                char list[512];
                size_t len = 0;
                list[0] = '\0';
                for (int s = 0; s < m->nsub && len < sizeof list; s++) {
                    int n = snprintf(list + len, sizeof list - len, "%s%s", s ? ", " : "", names[s]);
                    if (n > 0) len += (size_t)n;
                }
                if (best)
                    load_error(ld, STROMA_ERR_UNKNOWN_KEY, x->substrate_loc,
                               "%s.substrate: no substrate named '%s'; did you mean '%s'?", x->path, x->substrate,
                               best);
                else
                    load_error(ld, STROMA_ERR_UNKNOWN_KEY, x->substrate_loc,
                               "%s.substrate: no substrate named '%s' (substrates: %s)", x->path, x->substrate, list);
            }
        }
        if (!x->region_ok) continue;
        const stroma_region *r = &src->region;
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
        case STROMA_REGION_ANNULUS:
            snprintf(what, sizeof what, "(centre (%g, %g, %g), radius %g)", r->center_um[0], r->center_um[1],
                     r->center_um[2], r->radius_um);
            for (int a = 0; a < 3; a++) {
                double reach = r->kind == STROMA_REGION_DISC && a == 2 ? 0.0 : r->radius_um;
                if (!load_region_axis(ld, x, what, a, r->center_um[a] - reach, r->center_um[a] + reach)) break;
            }
            break;
        case STROMA_REGION_BOX:
            snprintf(what, sizeof what, "(lo (%g, %g, %g), hi (%g, %g, %g))", r->lo_um[0], r->lo_um[1], r->lo_um[2],
                     r->hi_um[0], r->hi_um[1], r->hi_um[2]);
            for (int a = 0; a < 3; a++)
                if (!load_region_axis(ld, x, what, a, r->lo_um[a], r->hi_um[a])) break;
            break;
        }
    }
    free(names);
}

static void load_check_memory(loader *ld, stroma_srcloc domain_at) {
    const stroma_model *m = ld->m;
    double need = stroma_model_memory_estimate(m), have = stroma_model_memory_available();
    if (have <= 0 || need <= have) return;
    const double gib = 1024.0 * 1024.0 * 1024.0;
    load_error(ld, STROMA_ERR_TOO_LARGE, domain_at,
               "domain: the grid needs about %.3g GiB (%d x %d x %d = %.4g voxels x %d substrate%s) but this machine "
               "has %.3g GiB of physical memory; use a larger domain.voxel or a smaller domain",
               need / gib, m->n[0], m->n[1], m->n[2], (double)m->n[0] * m->n[1] * m->n[2], m->nsub,
               m->nsub == 1 ? "" : "s", have / gib);
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

static stroma_model *load_text(const char *text, size_t len, const char *name, stroma_error *err) {
    stroma_error local;
    stroma_error_clear(&local);
    const char *file = name ? name : "<string>";
    stroma_model *m = calloc(1, sizeof *m);
    if (!m) {
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory loading %s", file);
        return NULL;
    }
    snprintf(m->path, sizeof m->path, "%s", file);
    stroma_sha256_hex(text, len, m->sha256);
    m->output_every_is_end = 1;

    stroma_yaml_tree *tree = stroma_yaml_tree_parse(text, len, file, &local);
    if (!tree) {
        stroma_model_destroy(&m);
        if (err) *err = local;
        return NULL;
    }
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.file = file;
    ld.m = m;
    char none[1] = "";
    stroma_yaml_node empty = {.kind = STROMA_YAML_MAP, .line = 1, .column = 1, .text = none};
    const stroma_yaml_node *root = tree->root ? tree->root : &empty;
    stroma_srcloc start = {1, 1};
    load_walk_map(&ld, -1, root, "", root == &empty ? start : load_loc(root));

    stroma_srcloc domain_at = load_top_key(root, "domain");
    m->domain_loc = domain_at;
    if (!ld.nomem) {
        if (m->output_every_is_end) m->output_every_min = m->end_min;
        int grid = ld.axis_ok[0] && ld.axis_ok[1] && ld.axis_ok[2] && ld.voxel_ok && load_check_grid(&ld, domain_at);
        if (grid) {
            load_check_fixed(&ld);
        } else {
            /* Without a grid, places cannot be checked; substrate names still are. */
            for (int i = 0; i < m->nsources; i++) ld.src_extra[i].region_ok = 0;
        }
        load_check_sources(&ld);
        if (grid) load_check_memory(&ld, domain_at);
    }
    load_flush_issues(&ld, &local);
    free(ld.fixed_extra);
    free(ld.src_extra);
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
    if (!yaml && len) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_model_load_string: no text");
        return NULL;
    }
    if (len > LOAD_MAX_FILE_BYTES) {
        stroma_error_set(err, STROMA_ERR_TOO_LARGE, "%s: model text of %zu bytes is larger than the %u allowed",
                         name ? name : "<string>", len, LOAD_MAX_FILE_BYTES);
        return NULL;
    }
    return load_text(yaml ? yaml : "", len, name, err);
}

stroma_model *stroma_model_load(const char *path, stroma_error *err) {
    if (!path) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_model_load: no path");
        return NULL;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        char why[128];
        if (strerror_r(e, why, sizeof why)) snprintf(why, sizeof why, "error %d", e);
        stroma_error_set(err, e == ENOENT ? STROMA_ERR_NOT_FOUND : STROMA_ERR_IO, "%s: cannot open model file: %s",
                         path, why);
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
                char why[128];
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
    stroma_model *m = failed ? NULL : load_text(text, len, path, err);
    free(text);
    return m;
}
