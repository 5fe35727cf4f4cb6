/* Reading PhysiCell_settings.xml (PhysiCell 1.14) into a pc_model with PhysiCell's own values: domain, time,
 * substrates, cell definitions (with parent_type inheritance and PhysiCell's defaults), and where the
 * enabled rules and initial cells files are. What has no stroma counterpart is reported here. */
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "import/physicell.h"
#include "util/error_impl.h"
#include "util/file.h"

#define NI STROMA_IMPORT_NOT_IMPORTED
#define AP STROMA_IMPORT_APPROXIMATED
#define NO STROMA_IMPORT_NOTE

typedef struct xctx {
    pc_model *m;
    const char *file; /* settings path as named */
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlNodePtr *tnode; /* [ntypes] <cell_definition> */
    int *parent;       /* [ntypes] explicit parent_type, -1 */
    int *implicit;     /* [ntypes] the default definition inherited without parent_type, -1 */
    stroma_code last;  /* code of the last error filled in */
} xctx;

/* ---- XML access ---- */

static int is_el(xmlNodePtr n, const char *name) {
    return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr kid(xmlNodePtr n, const char *name) {
    if (!n) return NULL;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (is_el(c, name)) return c;
    return NULL;
}

static xmlNodePtr next_el(xmlNodePtr n, const char *name) {
    for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
        if (is_el(c, name)) return c;
    return NULL;
}

/* The element at "a/b/c" below n, or NULL. */
static xmlNodePtr at(xmlNodePtr n, const char *path) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *tok = strtok_r(buf, "/", &save); tok && n; tok = strtok_r(NULL, "/", &save))
        n = kid(n, tok);
    return n;
}

static int line_of(xmlNodePtr n) { return n ? (int)xmlGetLineNo(n) : 0; }

/* Attribute `name` of n, trimmed, into buf; 0 if absent. */
static int attr(xmlNodePtr n, const char *name, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!n) return 0;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return 0;
    snprintf(buf, cap, "%s", (const char *)v);
    xmlFree(v);
    pc_trim(buf);
    return 1;
}

/* Text of n, trimmed, into buf ("" for NULL). */
static void text(xmlNodePtr n, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!n) return;
    xmlChar *v = xmlNodeGetContent(n);
    if (!v) return;
    snprintf(buf, cap, "%s", (const char *)v);
    xmlFree(v);
    pc_trim(buf);
}

/* pugixml's as_bool: true when the text starts with 1, t, T, y or Y. */
static int truthy(const char *s) { return s[0] == '1' || s[0] == 't' || s[0] == 'T' || s[0] == 'y' || s[0] == 'Y'; }

static int attr_bool(xmlNodePtr n, const char *name) {
    char b[32];
    return attr(n, name, b, sizeof b) && truthy(b);
}

static int text_bool(xmlNodePtr n) {
    char b[32];
    text(n, b, sizeof b);
    return truthy(b);
}

static stroma_code fail(xctx *x, xmlNodePtr n, stroma_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static stroma_code fail(xctx *x, xmlNodePtr n, stroma_code code, const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->last = code;
    return pc_fail(x->m, code, x->file, line_of(n), "%s", msg);
}

/* The number in n's text. Errors (file:line) for a missing element, empty text or not a finite number. */
static stroma_code num(xctx *x, xmlNodePtr n, const char *what, double *out) {
    if (!n) return STROMA_ERR_MISSING;
    char b[128];
    text(n, b, sizeof b);
    char *end;
    errno = 0;
    double v = strtod(b, &end);
    if (!b[0] || *end || errno == ERANGE || !isfinite(v))
        return fail(x, n, STROMA_ERR_PARSE, "<%s> must be a number (got '%s')", what, b);
    *out = v;
    return STROMA_OK;
}

/* Like num for an element that may be absent: *out = dflt then. */
static stroma_code num_or(xctx *x, xmlNodePtr n, const char *what, double dflt, double *out) {
    if (!n) {
        *out = dflt;
        return STROMA_OK;
    }
    return num(x, n, what, out);
}

/* A required number at `path` below parent. */
static stroma_code need(xctx *x, xmlNodePtr parent, const char *path, double *out) {
    xmlNodePtr n = at(parent, path);
    if (!n) return fail(x, parent, STROMA_ERR_MISSING, "<%s> needs <%s>", (const char *)parent->name, path);
    return num(x, n, path, out);
}

/* ---- cell-definition inheritance ---- */

/* The definition type k inherits from: its parent_type, else (unless `reset`) the default definition it copies
 * implicitly; -1 at the end of the chain. */
static int inherits_from(const xctx *x, int k, int reset) {
    if (x->parent[k] >= 0) return x->parent[k];
    return reset ? -1 : x->implicit[k];
}

/* The element at `path` below the <cell_definition> of type t, or of the first definition it inherits from
 * that has it: its parent_type chain, or (without parent_type) the default definition. PhysiCell zeroes some
 * groups when it copies the default definition implicitly (motility enabled, chemotaxis, secretion,
 * interactions, transformations): `reset` stops the search at such a link. */
static xmlNodePtr tfind(xctx *x, int t, const char *path, int reset, int *from) {
    for (int k = t, depth = 0; k >= 0 && depth <= PC_MAX_TYPES; depth++) {
        xmlNodePtr n = at(x->tnode[k], path);
        if (n) {
            if (from) *from = k;
            return n;
        }
        k = inherits_from(x, k, reset);
    }
    return NULL;
}

/* The `field` of the <item key="val"> in the list at `listpath`, searched along the chain like tfind. With
 * skip_self, an entry naming the definition it sits in is passed over (PhysiCell never stores a
 * transformation of a type into itself, so a child cannot inherit one). */
static xmlNodePtr tfind_keyed_x(xctx *x, int t, const char *listpath, const char *item, const char *key,
                                const char *val, const char *field, int reset, int skip_self) {
    for (int k = t, depth = 0; k >= 0 && depth <= PC_MAX_TYPES; depth++) {
        xmlNodePtr list = skip_self && strcmp(val, x->m->types[k].pc_name) == 0 ? NULL : at(x->tnode[k], listpath);
        for (xmlNodePtr it = kid(list, item); it; it = next_el(it, item)) {
            char b[PC_NAME];
            if (!attr(it, key, b, sizeof b) || strcmp(b, val) != 0) continue;
            xmlNodePtr f = field ? kid(it, field) : it;
            if (f) return f;
        }
        k = inherits_from(x, k, reset);
    }
    return NULL;
}

static xmlNodePtr tfind_keyed(xctx *x, int t, const char *listpath, const char *item, const char *key, const char *val,
                              const char *field, int reset) {
    return tfind_keyed_x(x, t, listpath, item, key, val, field, reset, 0);
}

/* ---- sections ---- */

static stroma_code read_domain(xctx *x) {
    pc_model *m = x->m;
    xmlNodePtr d = kid(x->root, "domain");
    if (!d) return fail(x, x->root, STROMA_ERR_MISSING, "the settings have no <domain>");
    static const char *lo[3] = {"x_min", "y_min", "z_min"}, *hi[3] = {"x_max", "y_max", "z_max"};
    double dx, dy, dz;
    stroma_code rc;
    for (int a = 0; a < 3; a++) {
        if ((rc = need(x, d, lo[a], &m->lo[a])) || (rc = need(x, d, hi[a], &m->hi[a]))) return rc;
    }
    if ((rc = need(x, d, "dx", &dx))) return rc;
    if ((rc = num_or(x, kid(d, "dy"), "dy", dx, &dy)) || (rc = num_or(x, kid(d, "dz"), "dz", dx, &dz))) return rc;
    if (!(dx > 0)) return fail(x, kid(d, "dx"), STROMA_ERR_RANGE, "<dx> must be > 0 (got %g)", dx);
    m->is2d = text_bool(kid(d, "use_2D"));
    m->voxel = dx;
    if (dy != dx || (!m->is2d && dz != dx))
        imp_report(m->rep, AP, x->file, line_of(d),
                   "voxels are %g x %g x %g µm in PhysiCell; stroma's voxels are cubes: edge dx = %g µm used", dx, dy,
                   dz, dx);
    if (m->is2d) {
        double zlo = -dx / 2, zhi = dx / 2;
        if (m->lo[2] != zlo || m->hi[2] != zhi)
            imp_report(m->rep, NO, x->file, line_of(d),
                       "2D: PhysiCell's mesh is one voxel thick around z = 0 whatever z_min/z_max say (%g, %g): "
                       "domain z set to [%g, %g]",
                       m->lo[2], m->hi[2], zlo, zhi);
        m->lo[2] = zlo;
        m->hi[2] = zhi;
    }
    for (int a = 0; a < 3; a++) {
        if (!(m->hi[a] > m->lo[a]))
            return fail(x, kid(d, hi[a]), STROMA_ERR_RANGE, "<%s> (%g) must be above <%s> (%g)", hi[a], m->hi[a], lo[a],
                        m->lo[a]);
        double n = (m->hi[a] - m->lo[a]) / dx, r = round(n);
        if (fabs(n - r) > 1e-9 * n) {
            double nh = m->lo[a] + ceil(n) * dx;
            imp_report(m->rep, AP, x->file, line_of(kid(d, hi[a])),
                       "the %c extent (%g µm) is not a whole number of voxels (dx = %g): %s raised to %g", 'x' + a,
                       m->hi[a] - m->lo[a], dx, hi[a], nh);
            m->hi[a] = nh;
        }
    }
    return STROMA_OK;
}

/* dt rounded to a whole multiple (>= 1) of base, reported when changed. */
static double multiple_of(xctx *x, xmlNodePtr n, const char *what, double dt, const char *bname, double base) {
    double k = round(dt / base);
    if (k < 1) k = 1;
    if (fabs(k * base - dt) > 1e-9 * dt) {
        imp_report(x->m->rep, AP, x->file, line_of(n),
                   "%s (%g min) is not a whole multiple of %s (%g min), as stroma needs: %g min used", what, dt, bname,
                   base, k * base);
        return k * base;
    }
    return dt;
}

static stroma_code read_time(xctx *x) {
    pc_model *m = x->m;
    xmlNodePtr o = kid(x->root, "overall");
    if (!o) return fail(x, x->root, STROMA_ERR_MISSING, "the settings have no <overall>");
    stroma_code rc;
    if ((rc = need(x, o, "max_time", &m->t_end))) return rc;
    if (!(m->t_end > 0)) return fail(x, kid(o, "max_time"), STROMA_ERR_RANGE, "<max_time> must be > 0");
    if ((rc = num_or(x, kid(o, "dt_diffusion"), "dt_diffusion", 0.01, &m->dt_diff)) ||
        (rc = num_or(x, kid(o, "dt_mechanics"), "dt_mechanics", 0.1, &m->dt_mech)) ||
        (rc = num_or(x, kid(o, "dt_phenotype"), "dt_phenotype", 6, &m->dt_phen)))
        return rc;
    if (!(m->dt_diff > 0) || !(m->dt_mech > 0) || !(m->dt_phen > 0))
        return fail(x, o, STROMA_ERR_RANGE, "the time steps must be > 0");
    m->dt_mech = multiple_of(x, kid(o, "dt_mechanics"), "dt_mechanics", m->dt_mech, "dt_diffusion", m->dt_diff);
    m->dt_phen = multiple_of(x, kid(o, "dt_phenotype"), "dt_phenotype", m->dt_phen, "dt_mechanics", m->dt_mech);
    char u[64];
    text(kid(o, "time_units"), u, sizeof u);
    if (u[0] && strcmp(u, "min") != 0)
        imp_report(m->rep, AP, x->file, line_of(kid(o, "time_units")),
                   "time_units is '%s': values are taken as minutes, stroma's unit", u);
    text(kid(o, "space_units"), u, sizeof u);
    if (u[0] && strcmp(u, "micron") != 0 && strcmp(u, "µm") != 0 && strcmp(u, "um") != 0)
        imp_report(m->rep, AP, x->file, line_of(kid(o, "space_units")),
                   "space_units is '%s': values are taken as µm, stroma's unit", u);
    return STROMA_OK;
}

/* The seed: <options><random_seed>, else the legacy <user_parameters><random_seed>. */
static void read_seed(xctx *x, xmlNodePtr n, int legacy) {
    pc_model *m = x->m;
    char b[64];
    text(n, b, sizeof b);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(b, &end, 10);
    if (b[0] && b[0] != '-' && !*end && !errno) {
        m->seed = v;
        if (legacy)
            imp_report(m->rep, NO, x->file, line_of(n),
                       "seed %llu taken from <user_parameters><random_seed> (PhysiCell's legacy place for it); "
                       "stroma's random numbers differ from PhysiCell's for any seed",
                       v);
        return;
    }
    m->seed = 0;
    imp_report(m->rep, AP, x->file, line_of(n), "random_seed '%s' (a clock seed or not an integer >= 0): seed 0 used",
               b);
}

static stroma_code read_options(xctx *x) {
    pc_model *m = x->m;
    xmlNodePtr o = kid(x->root, "options");
    xmlNodePtr s = kid(o, "random_seed");
    xmlNodePtr up = kid(x->root, "user_parameters");
    if (s)
        read_seed(x, s, 0);
    else if (kid(up, "random_seed"))
        read_seed(x, kid(up, "random_seed"), 1);
    else
        imp_report(m->rep, NO, x->file, line_of(o ? o : x->root), "no random_seed given: seed 0 used");
    xmlNodePtr w = kid(o, "virtual_wall_at_domain_edge");
    if (!w || !text_bool(w))
        imp_report(m->rep, AP, x->file, line_of(w ? w : (o ? o : x->root)),
                   "virtual_wall_at_domain_edge is off: PhysiCell lets cells leave the domain and removes them; "
                   "stroma's domain faces always repel cells");
    /* user parameters: number_of_cells drives the template's setup_tissue; the rest only custom C++ reads */
    for (xmlNodePtr p = up ? up->children : NULL; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE) continue;
        const char *name = (const char *)p->name;
        if (strcmp(name, "random_seed") == 0) continue;
        if (strcmp(name, "number_of_cells") == 0) {
            double v;
            stroma_code rc = num(x, p, name, &v);
            if (rc) return rc;
            if (v < 0 || v != floor(v) || v > 2147483647.0)
                return fail(x, p, STROMA_ERR_RANGE, "<number_of_cells> must be a whole number >= 0 (got %g)", v);
            m->cells_per_type = (long)v;
            m->number_of_cells_line = line_of(p);
            continue;
        }
        char v[128];
        text(p, v, sizeof v);
        imp_report(m->rep, NI, x->file, line_of(p),
                   "user parameter %s = %s: read only by the project's C++, which is not imported", name, v);
    }
    /* outputs */
    xmlNodePtr fd = at(x->root, "save/full_data");
    if (fd && text_bool(kid(fd, "enable"))) {
        double every;
        stroma_code rc = num_or(x, kid(fd, "interval"), "interval", 0, &every);
        if (rc) return rc;
        if (every > 0) m->out_every = every;
    }
    return STROMA_OK;
}

static const char *face_id[6] = {"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"};

static stroma_code read_substrates(xctx *x) {
    pc_model *m = x->m;
    xmlNodePtr me = kid(x->root, "microenvironment_setup");
    if (!me) return fail(x, x->root, STROMA_ERR_MISSING, "the settings have no <microenvironment_setup>");
    int n = 0;
    for (xmlNodePtr v = kid(me, "variable"); v; v = next_el(v, "variable"))
        n++;
    if (n == 0) return fail(x, me, STROMA_ERR_MISSING, "<microenvironment_setup> has no <variable>");
    m->sub = calloc((size_t)n, sizeof *m->sub);
    if (!m->sub) return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    int renamed = 0;
    char renames[1024] = "";
    for (xmlNodePtr v = kid(me, "variable"); v; v = next_el(v, "variable")) {
        pc_substrate *S = &m->sub[m->nsub];
        S->line = line_of(v);
        if (!attr(v, "name", S->pc_name, sizeof S->pc_name) || !S->pc_name[0])
            return fail(x, v, STROMA_ERR_MISSING, "<variable> needs a name attribute");
        if (pc_find_substrate(m, S->pc_name) >= 0)
            return fail(x, v, STROMA_ERR_PARSE, "substrate '%s' is defined twice", S->pc_name);
        pc_sanitize(S->pc_name, S->name);
        pc_make_unique(S->name, m->sub[0].name, m->nsub, sizeof *S);
        if (strcmp(S->name, S->pc_name) != 0) {
            size_t l = strlen(renames);
            snprintf(renames + l, sizeof renames - l, "%s'%s' -> %s", renamed++ ? ", " : "", S->pc_name, S->name);
        }
        char unit[128];
        attr(v, "units", unit, sizeof unit);
        if (strlen(unit) > 31)
            imp_report(m->rep, NO, x->file, S->line, "unit '%s' of %s cut to 31 characters", unit, S->name);
        snprintf(S->unit, sizeof S->unit, "%.31s", unit);
        xmlNodePtr pp = kid(v, "physical_parameter_set");
        stroma_code rc;
        if (!pp)
            return fail(x, v, STROMA_ERR_MISSING, "<variable name=\"%s\"> needs <physical_parameter_set>", S->pc_name);
        if ((rc = need(x, pp, "diffusion_coefficient", &S->diffusion)) || (rc = need(x, pp, "decay_rate", &S->decay)))
            return rc;
        if (S->diffusion < 0 || S->decay < 0)
            return fail(x, pp, STROMA_ERR_RANGE, "diffusion and decay of '%s' must be >= 0", S->pc_name);
        if ((rc = num_or(x, kid(v, "initial_condition"), "initial_condition", 0, &S->initial))) return rc;
        if (S->initial < 0) {
            imp_report(m->rep, AP, x->file, line_of(kid(v, "initial_condition")),
                       "initial value of %s is %g < 0: 0 used (stroma's fields are >= 0)", S->name, S->initial);
            S->initial = 0;
        }
        /* Dirichlet: the condition's value on every face when enabled; <Dirichlet_options> decide face by face */
        xmlNodePtr dc = kid(v, "Dirichlet_boundary_condition");
        int all_on = dc && attr_bool(dc, "enabled");
        double all_v = 0;
        if (dc && all_on && (rc = num(x, dc, "Dirichlet_boundary_condition", &all_v))) return rc;
        for (int f = 0; f < 6; f++) {
            S->face_on[f] = all_on;
            S->face[f] = all_v;
        }
        xmlNodePtr opt = kid(v, "Dirichlet_options");
        int any_face = 0;
        for (xmlNodePtr b = kid(opt, "boundary_value"); b; b = next_el(b, "boundary_value")) {
            char id[32];
            attr(b, "ID", id, sizeof id);
            for (int f = 0; f < 6; f++) {
                if (!strstr(id, face_id[f])) continue;
                S->face_on[f] = attr_bool(b, "enabled");
                if (S->face_on[f]) {
                    any_face = 1;
                    if ((rc = num(x, b, "boundary_value", &S->face[f]))) return rc;
                }
            }
        }
        if (opt && !all_on && any_face)
            imp_report(m->rep, NO, x->file, line_of(dc ? dc : v),
                       "%s: Dirichlet_boundary_condition is disabled but some faces of Dirichlet_options are "
                       "enabled: those faces imported as Dirichlet",
                       S->name);
        if (m->is2d) S->face_on[PC_ZMIN] = S->face_on[PC_ZMAX] = 0;
        for (int f = 0; f < 6; f++)
            if (S->face_on[f] && S->face[f] < 0) {
                imp_report(m->rep, AP, x->file, S->line, "%s: boundary value %g on %s < 0: 0 used", S->name, S->face[f],
                           face_id[f]);
                S->face[f] = 0;
            }
        m->nsub++;
    }
    if (renamed) imp_report(m->rep, NO, x->file, line_of(me), "substrate names made valid stroma names: %s", renames);
    xmlNodePtr o = kid(me, "options");
    xmlNodePtr ic = kid(o, "initial_condition"), dn = kid(o, "dirichlet_nodes");
    if (ic && attr_bool(ic, "enabled"))
        imp_report(m->rep, NI, x->file, line_of(ic), "initial substrate values from a file (%s) are not imported",
                   "<initial_condition type=\"matlab\">");
    if (dn && attr_bool(dn, "enabled"))
        imp_report(m->rep, NI, x->file, line_of(dn), "Dirichlet nodes from a file are not imported");
    if (text_bool(kid(o, "track_internalized_substrates_in_each_agent")))
        imp_report(m->rep, NI, x->file, line_of(kid(o, "track_internalized_substrates_in_each_agent")),
                   "internalized substrates are not tracked in stroma's cells");
    return STROMA_OK;
}

/* ---- cycle models ---- */

typedef struct cycle_info {
    int code;
    const char *name;
    int nphases, div_phase;
    double rate[4];
    int fixed[4];
} cycle_info;

static const cycle_info CYCLES[] = {
    {0, "advanced Ki67", 3, 1, {1.0 / (3.62 * 60), 1.0 / (13.0 * 60), 1.0 / (2.5 * 60)}, {0, 1, 1}},
    {1, "basic Ki67", 2, 1, {1.0 / (4.59 * 60), 1.0 / (15.5 * 60)}, {0, 1}},
    {2, "flow cytometry", 3, 2, {0.00324, 0.00208, 0.00333}, {0, 0, 0}},
    {5, "live", 1, 0, {0.0432 / 60}, {0}},
    {6, "flow cytometry separated", 4, 3, {0.00335, 0.00208, 0.00417, 0.0167}, {0, 0, 0, 0}},
    {7, "cycling quiescent", 2, 1, {1.0 / (4.59 * 60), 1.0 / (15.5 * 60)}, {0, 1}},
};

static const cycle_info *cycle_by_code(int code) {
    for (size_t i = 0; i < sizeof CYCLES / sizeof CYCLES[0]; i++)
        if (CYCLES[i].code == code) return &CYCLES[i];
    return NULL;
}

/* PhysiCell's code of a cycle element: its code attribute, else its name. -1 if unknown. */
static int cycle_code(xmlNodePtr c) {
    char b[128];
    if (attr(c, "code", b, sizeof b) && b[0]) return atoi(b);
    attr(c, "name", b, sizeof b);
    for (char *p = b; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    static const struct {
        const char *s;
        int code;
    } names[] = {{"advanced ki67", 0},
                 {"ki67 (advanced)", 0},
                 {"basic ki67", 1},
                 {"ki67 (basic)", 1},
                 {"flow cytometry separated", 6},
                 {"flow cytometry model (separated)", 6},
                 {"flow cytometry", 2},
                 {"flow cytometry model (basic)", 2},
                 {"live apoptotic", 3},
                 {"total cells", 4},
                 {"live", 5},
                 {"live cells", 5},
                 {"cycling quiescent", 7},
                 {"cycling-quiescent model", 7}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(b, names[i].s) == 0) return names[i].code;
    return -1;
}

/* Duration (min) and fixed flag of phase p given in `cyc` (a <cycle> or a death <model>): its
 * <phase_durations><duration index=p>, else its <phase_transition_rates><rate start_index=p> (as 1/rate).
 * 0 if the element gives neither, 1 if found, -1 on error. */
static int phase_in(xctx *x, xmlNodePtr cyc, int p, double *dur, int *fixed) {
    char b[32];
    for (xmlNodePtr d = kid(kid(cyc, "phase_durations"), "duration"); d; d = next_el(d, "duration")) {
        if (!attr(d, "index", b, sizeof b) || atoi(b) != p) continue;
        if (num(x, d, "duration", dur)) return -1;
        if (*dur < 0) {
            fail(x, d, STROMA_ERR_RANGE, "a phase duration must be >= 0 (got %g)", *dur);
            return -1;
        }
        *fixed = attr_bool(d, "fixed_duration");
        return 1;
    }
    xmlNodePtr rates = kid(cyc, "phase_transition_rates");
    if (!rates) rates = kid(cyc, "transition_rates");
    for (xmlNodePtr r = kid(rates, "rate"); r; r = next_el(r, "rate")) {
        if (!attr(r, "start_index", b, sizeof b) || atoi(b) != p) continue;
        double rate;
        if (num(x, r, "rate", &rate)) return -1;
        if (rate < 0) {
            fail(x, r, STROMA_ERR_RANGE, "a transition rate must be >= 0 (got %g)", rate);
            return -1;
        }
        *dur = rate > 0 ? 1.0 / rate : INFINITY;
        *fixed = attr_bool(r, "fixed_duration");
        return 1;
    }
    return 0;
}

/* standard_asymmetric_division, when enabled: the probability that a division makes the daughter each type
 * (the type's own entry is the symmetric part: PhysiCell converts the daughter only to another type). */
static stroma_code read_asymmetric_division(xctx *x, int t) {
    pc_model *m = x->m;
    pc_type *T = &m->types[t];
    xmlNodePtr ad = tfind(x, t, "phenotype/cycle/standard_asymmetric_division", 1, NULL);
    if (!ad || !attr_bool(ad, "enabled")) return STROMA_OK;
    T->asym_on = 1;
    T->asym_line = line_of(ad);
    stroma_code rc;
    double others = 0;
    const char *item = "asymmetric_division_probability";
    for (xmlNodePtr p = kid(ad, item); p; p = next_el(p, item)) {
        char nm[PC_NAME];
        attr(p, "name", nm, sizeof nm);
        int k = pc_find_type(m, nm);
        if (k < 0)
            return fail(x, p, STROMA_ERR_PARSE, "asymmetric division of %s to '%s', which is not a cell type", T->name,
                        nm);
        double v;
        if ((rc = num(x, p, "asymmetric_division_probability", &v))) return rc;
        if (!(v >= 0 && v <= 1))
            return fail(x, p, STROMA_ERR_RANGE, "<asymmetric_division_probability> must be between 0 and 1 (got %g)",
                        v);
        if (k == t) {
            if (v > 0)
                imp_report(m->rep, NO, x->file, line_of(p),
                           "%s: asymmetric division to its own type (%g) not written: the daughter already has it, "
                           "and what the other types leave is the symmetric division, as in PhysiCell",
                           T->name, v);
            continue;
        }
        others += v - T->asym[k];
        T->asym[k] = v;
    }
    if (others > 1)
        return fail(x, ad, STROMA_ERR_RANGE,
                    "%s: the asymmetric division probabilities to other types sum to %g, more than 1 (PhysiCell "
                    "stops at the first division: they cannot be normalized)",
                    T->name, others);
    return STROMA_OK;
}

static stroma_code read_cycle(xctx *x, int t) {
    pc_model *m = x->m;
    pc_type *T = &m->types[t];
    int owner = -1;
    xmlNodePtr cyc = tfind(x, t, "phenotype/cycle", 0, &owner);
    T->cycle_code = -1;
    if (!cyc) {
        imp_report(m->rep, NI, x->file, T->line,
                   "%s: no cycle given (PhysiCell would use its built-in default cycle): imported as not dividing",
                   T->name);
        return STROMA_OK;
    }
    T->cycle_line = line_of(cyc);
    int code = cycle_code(cyc);
    if (code == 3 || code == 4) {
        imp_report(m->rep, NO, x->file, T->cycle_line,
                   "%s: cycle model %d is replaced by the live model, as PhysiCell does", T->name, code);
        code = 5;
    }
    const cycle_info *ci = cycle_by_code(code);
    if (!ci) return fail(x, cyc, STROMA_ERR_PARSE, "unknown cycle model (code %d)", code);
    T->cycle_code = code;
    T->nphases = ci->nphases;
    T->div_phase = ci->div_phase;
    for (int p = 0; p < ci->nphases; p++) {
        int found = 0;
        /* the definition holding the cycle, then those it inherits from while they use the same model */
        for (int k = owner, depth = 0; k >= 0 && !found && depth <= PC_MAX_TYPES; depth++) {
            xmlNodePtr c = at(x->tnode[k], "phenotype/cycle");
            if (c) {
                int cc = cycle_code(c);
                if ((cc == 3 || cc == 4 ? 5 : cc) != code) break;
                found = phase_in(x, c, p, &T->ph_dur[p], &T->ph_fixed[p]);
                if (found < 0) return x->last;
            }
            k = inherits_from(x, k, 0);
        }
        if (!found) {
            T->ph_dur[p] = 1.0 / ci->rate[p];
            T->ph_fixed[p] = ci->fixed[p];
            imp_report(m->rep, NO, x->file, T->cycle_line,
                       "%s: phase %d of the %s cycle not given: PhysiCell's default %g min used", T->name, p, ci->name,
                       T->ph_dur[p]);
        }
    }
    return read_asymmetric_division(x, t);
}

/* The death <model> of the given code (100 apoptosis, 101 necrosis) in definition k itself, or NULL. */
static xmlNodePtr own_death_model(xctx *x, int k, int code) {
    for (xmlNodePtr d = kid(at(x->tnode[k], "phenotype/death"), "model"); d; d = next_el(d, "model")) {
        char b[64];
        int c = -1;
        if (attr(d, "code", b, sizeof b) && b[0])
            c = atoi(b);
        else if (attr(d, "name", b, sizeof b))
            c = strcasecmp(b, "apoptosis") == 0 ? 100 : strcasecmp(b, "necrosis") == 0 ? 101 : -1;
        if (c == code) return d;
    }
    return NULL;
}

/* The death <model> of the given code along the type's chain. */
static xmlNodePtr death_model(xctx *x, int t, int code) {
    for (int k = t, depth = 0; k >= 0 && depth <= PC_MAX_TYPES; depth++) {
        xmlNodePtr d = own_death_model(x, k, code);
        if (d) return d;
        k = inherits_from(x, k, 0);
    }
    return NULL;
}

/* The rates are the type's own; the phase durations read here (along the chain) are what its definition says,
 * kept for the report: share_death() replaces them by the shared model's. */
static stroma_code read_death(xctx *x, int t) {
    pc_model *m = x->m;
    pc_type *T = &m->types[t];
    stroma_code rc;
    xmlNodePtr a = death_model(x, t, 100);
    T->apop_dur = 516;
    T->apop_fixed = 1;
    if (a) {
        xmlNodePtr r = kid(a, "death_rate");
        if ((rc = num_or(x, r ? r : kid(a, "rate"), "death_rate", 0, &T->apop_rate))) return rc;
        if (phase_in(x, a, 0, &T->apop_dur, &T->apop_fixed) < 0) return x->last;
    }
    T->own_apop_dur = T->apop_dur;
    T->own_apop_fixed = T->apop_fixed;
    xmlNodePtr n = death_model(x, t, 101);
    if (n) {
        T->has_necr = 1;
        xmlNodePtr r = kid(n, "death_rate");
        if ((rc = num_or(x, r ? r : kid(n, "rate"), "death_rate", 0, &T->necr_rate))) return rc;
    }
    if (T->apop_rate < 0 || T->necr_rate < 0) return fail(x, a ? a : n, STROMA_ERR_RANGE, "death rates must be >= 0");
    for (xmlNodePtr d = kid(at(x->tnode[t], "phenotype/death"), "model"); d; d = next_el(d, "model"))
        if (kid(d, "parameters")) {
            imp_report_once(m->rep, NI, x->file, line_of(kid(d, "parameters")),
                            "death-phase volume parameters (fluid and biomass change rates, calcification, "
                            "rupture volume) are not imported: stroma shrinks an apoptotic cell and removes a "
                            "dead cell after the phase duration");
            break;
        }
    return STROMA_OK;
}

static void put_phase(char *buf, size_t cap, double dur, int fixed) {
    if (isinf(dur))
        snprintf(buf, cap, "never left (rate 0)");
    else
        snprintf(buf, cap, "%s %g min", fixed ? "exactly" : "an exponential time of mean", dur);
}

/* PhysiCell 1.14 keeps one apoptosis and one necrosis model for all cell definitions
 * (initialize_cell_definition_from_pugixml adds a pointer to them): each definition that gives a phase's
 * duration or rate writes it, with its fixed_duration flag, into that shared model, so the last such
 * definition in XML order decides the phase for every type. Sets m->apop, m->necr and every type's durations,
 * and reports the types whose own values are overridden. */
static stroma_code share_death(xctx *x) {
    pc_model *m = x->m;
    m->apop = (pc_death_phase){516, 1, -1, 0};
    m->necr[0] = (pc_death_phase){0, 0, -1, 0};
    m->necr[1] = (pc_death_phase){86400, 1, -1, 0};
    double own_necr[PC_MAX_TYPES][2];
    int own_necr_fixed[PC_MAX_TYPES][2];
    for (int t = 0; t < m->ntypes; t++) {
        pc_death_phase p;
        xmlNodePtr a = own_death_model(x, t, 100), n = own_death_model(x, t, 101);
        int found;
        if (a && (found = phase_in(x, a, 0, &p.dur, &p.fixed)) != 0) {
            if (found < 0) return x->last;
            p.from = t;
            p.line = line_of(a);
            m->apop = p;
        }
        for (int k = 0; n && k < 2; k++)
            if ((found = phase_in(x, n, k, &p.dur, &p.fixed)) != 0) {
                if (found < 0) return x->last;
                p.from = t;
                p.line = line_of(n);
                m->necr[k] = p;
            }
        /* what the type's own definition (or the one it inherits from) says, for the report */
        xmlNodePtr c = death_model(x, t, 101);
        own_necr[t][0] = 0;
        own_necr[t][1] = 86400;
        own_necr_fixed[t][0] = 0;
        own_necr_fixed[t][1] = 1;
        for (int k = 0; c && k < 2; k++)
            if (phase_in(x, c, k, &own_necr[t][k], &own_necr_fixed[t][k]) < 0) return x->last;
    }
    char list[2048] = "", what[96];
    for (int t = 0; t < m->ntypes; t++) {
        pc_type *T = &m->types[t];
        if (t != m->apop.from && (T->own_apop_dur != m->apop.dur || T->own_apop_fixed != m->apop.fixed)) {
            put_phase(what, sizeof what, T->own_apop_dur, T->own_apop_fixed);
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s (%s)", l ? ", " : "", T->name, what);
        }
        T->apop_dur = m->apop.dur;
        T->apop_fixed = m->apop.fixed;
    }
    if (list[0]) {
        put_phase(what, sizeof what, m->apop.dur, m->apop.fixed);
        imp_report(m->rep, NO, x->file, m->apop.line,
                   "apoptosis: PhysiCell's cell definitions share one apoptosis model whose phase each definition "
                   "giving it overwrites; the last, %s, leaves every type an apoptotic phase of %s, written for "
                   "every type; this overrides what the definitions of %s say",
                   m->types[m->apop.from].name, what, list);
    }
    list[0] = '\0';
    double d0 = isfinite(m->necr[0].dur) ? m->necr[0].dur : 0, d1 = isfinite(m->necr[1].dur) ? m->necr[1].dur : 0;
    int major = d1 >= d0 ? 1 : 0;
    for (int t = 0; t < m->ntypes; t++) {
        pc_type *T = &m->types[t];
        int differ = 0;
        for (int k = 0; k < 2; k++)
            differ |= t != m->necr[k].from &&
                      (own_necr[t][k] != m->necr[k].dur || own_necr_fixed[t][k] != m->necr[k].fixed);
        if (differ && T->has_necr) {
            char w0[96], w1[96];
            put_phase(w0, sizeof w0, own_necr[t][0], own_necr_fixed[t][0]);
            put_phase(w1, sizeof w1, own_necr[t][1], own_necr_fixed[t][1]);
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s (%s, then %s)", l ? ", " : "", T->name, w0, w1);
        }
        T->necr_dur = d0 + d1;
        T->necr_fixed = m->necr[major].fixed;
    }
    if (list[0]) {
        char w0[96], w1[96];
        put_phase(w0, sizeof w0, m->necr[0].dur, m->necr[0].fixed);
        put_phase(w1, sizeof w1, m->necr[1].dur, m->necr[1].fixed);
        int last = m->necr[1].line >= m->necr[0].line ? 1 : 0;
        imp_report(m->rep, NO, x->file, m->necr[last].line,
                   "necrosis: PhysiCell's cell definitions share one necrosis model whose phases each definition "
                   "giving them overwrites; the last, %s, leaves every type a swelling phase of %s, then a lysed "
                   "phase of %s, written for every type; this overrides what the definitions of %s say",
                   m->necr[last].from >= 0 ? m->types[m->necr[last].from].name : "PhysiCell's default", w0, w1, list);
    }
    return STROMA_OK;
}

static stroma_code read_volume_mechanics(xctx *x, int t) {
    pc_model *m = x->m;
    pc_type *T = &m->types[t];
    stroma_code rc;
    if ((rc = num_or(x, tfind(x, t, "phenotype/volume/total", 0, NULL), "total", 2494, &T->volume)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/volume/cytoplasmic_biomass_change_rate", 0, NULL),
                     "cytoplasmic_biomass_change_rate", 0.27 / 60, &T->biomass_rate)))
        return rc;
    if (!(T->volume > 0))
        return fail(x, tfind(x, t, "phenotype/volume/total", 0, NULL), STROMA_ERR_RANGE,
                    "the total volume of '%s' must be > 0", T->pc_name);
    if (T->biomass_rate < 0) T->biomass_rate = 0;
    xmlNodePtr vol = at(x->tnode[t], "phenotype/volume");
    /* PhysiCell's volume model, with its Volume defaults */
    if ((rc = num_or(x, tfind(x, t, "phenotype/volume/fluid_fraction", 0, NULL), "fluid_fraction", 0.75,
                     &T->vol_fluid_fraction)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/volume/nuclear", 0, NULL), "nuclear", 540, &T->vol_nuclear)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/volume/fluid_change_rate", 0, NULL), "fluid_change_rate", 3.0 / 60,
                     &T->vol_fluid_rate)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/volume/nuclear_biomass_change_rate", 0, NULL),
                     "nuclear_biomass_change_rate", 0.33 / 60, &T->vol_nuclear_rate)))
        return rc;
    T->vol_parts = T->vol_fluid_fraction >= 0 && T->vol_fluid_fraction <= 1 && T->vol_nuclear > 0 &&
                   T->vol_nuclear < T->volume && T->vol_fluid_rate >= 0 && T->vol_nuclear_rate >= 0;
    if (T->vol_parts)
        imp_report_once(m->rep, NO, x->file, line_of(vol ? vol : x->tnode[t]),
                        "cell volume: PhysiCell's volume model written as volume_parts (fluid, nuclear and "
                        "cytoplasmic parts, the solid targets doubled in the growth phase and halved at division)");
    else
        imp_report(m->rep, AP, x->file, line_of(vol ? vol : x->tnode[t]),
                   "%s: volume parts out of stroma's range (fluid_fraction %g, nuclear %g of total %g, fluid rate "
                   "%g, nuclear rate %g): one total volume relaxing at cytoplasmic_biomass_change_rate written",
                   T->name, T->vol_fluid_fraction, T->vol_nuclear, T->volume, T->vol_fluid_rate,
                   T->vol_nuclear_rate);
    static const char *vother[] = {"calcified_fraction", "calcification_rate", "relative_rupture_volume"};
    for (size_t i = 0; i < sizeof vother / sizeof vother[0]; i++)
        if (kid(vol, vother[i])) {
            imp_report_once(m->rep, NI, x->file, line_of(kid(vol, vother[i])),
                            "volume parameters calcified_fraction, calcification_rate and relative_rupture_volume "
                            "are not imported (stroma has no calcification or rupture)");
            break;
        }
    /* mechanics */
    if ((rc = num_or(x, tfind(x, t, "phenotype/mechanics/cell_cell_adhesion_strength", 0, NULL),
                     "cell_cell_adhesion_strength", 0.4, &T->adhesion)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/mechanics/cell_cell_repulsion_strength", 0, NULL),
                     "cell_cell_repulsion_strength", 10, &T->repulsion)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/mechanics/relative_maximum_adhesion_distance", 0, NULL),
                     "relative_maximum_adhesion_distance", 1.25, &T->adh_dist)))
        return rc;
    xmlNodePtr mech = tfind(x, t, "phenotype/mechanics", 0, NULL);
    if (T->adhesion < 0 || T->repulsion < 0)
        return fail(x, mech, STROMA_ERR_RANGE, "adhesion and repulsion of '%s' must be >= 0", T->pc_name);
    if (T->adh_dist < 1) {
        imp_report(m->rep, AP, x->file, line_of(mech),
                   "%s: relative_maximum_adhesion_distance %g < 1: 1 used (stroma's minimum)", T->name, T->adh_dist);
        T->adh_dist = 1;
    }
    for (int k = 0; k < m->ntypes; k++) {
        double v;
        xmlNodePtr a = tfind_keyed(x, t, "phenotype/mechanics/cell_adhesion_affinities", "cell_adhesion_affinity",
                                   "name", m->types[k].pc_name, NULL, 0);
        if ((rc = num_or(x, a, "cell_adhesion_affinity", 1, &v))) return rc;
        if (v < 0) return fail(x, a, STROMA_ERR_RANGE, "an adhesion affinity must be >= 0 (got %g)", v);
        T->affinity[k] = v;
    }
    for (xmlNodePtr a = kid(at(x->tnode[t], "phenotype/mechanics/cell_adhesion_affinities"), "cell_adhesion_affinity");
         a; a = next_el(a, "cell_adhesion_affinity")) {
        char nm[PC_NAME];
        attr(a, "name", nm, sizeof nm);
        if (pc_find_type(m, nm) < 0)
            imp_report(m->rep, NI, x->file, line_of(a),
                       "%s: adhesion affinity to unknown type '%s' ignored, as "
                       "PhysiCell does",
                       T->name, nm);
    }
    static const char *eq[] = {"set_relative_equilibrium_distance", "set_absolute_equilibrium_distance"};
    for (int i = 0; i < 2; i++) {
        char p[128];
        snprintf(p, sizeof p, "phenotype/mechanics/options/%s", eq[i]);
        xmlNodePtr e = tfind(x, t, p, 0, NULL);
        if (e && attr_bool(e, "enabled")) {
            char v[64];
            text(e, v, sizeof v);
            imp_report(m->rep, NI, x->file, line_of(e),
                       "%s: %s (%s) is not imported: the equilibrium distance follows from repulsion and adhesion",
                       T->name, eq[i], v);
        }
    }
    double att = 0, ela = 0;
    if ((rc = num_or(x, tfind(x, t, "phenotype/mechanics/attachment_rate", 0, NULL), "attachment_rate", 0, &att)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/mechanics/attachment_elastic_constant", 0, NULL),
                     "attachment_elastic_constant", 0.01, &ela)))
        return rc;
    if (att > 0)
        imp_report(m->rep, NI, x->file, line_of(mech),
                   "%s: spring attachments (attachment_rate %g, elastic constant %g) are not imported", T->name, att,
                   ela);
    double bmr = 10;
    if ((rc = num_or(x, tfind(x, t, "phenotype/mechanics/cell_BM_repulsion_strength", 0, NULL),
                     "cell_BM_repulsion_strength", 10, &bmr)))
        return rc;
    if (tfind(x, t, "phenotype/mechanics/cell_BM_repulsion_strength", 0, NULL) && bmr != T->repulsion)
        imp_report_once(m->rep, AP, x->file, line_of(mech),
                        "cell_BM_adhesion/repulsion_strength are not imported: stroma's domain faces repel a cell "
                        "with its cell-cell repulsion");
    return STROMA_OK;
}

static stroma_code read_motility(xctx *x, int t) {
    pc_model *m = x->m;
    pc_type *T = &m->types[t];
    stroma_code rc;
    if ((rc = num_or(x, tfind(x, t, "phenotype/motility/speed", 0, NULL), "speed", 1, &T->speed)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/motility/persistence_time", 0, NULL), "persistence_time", 1,
                     &T->persistence)) ||
        (rc = num_or(x, tfind(x, t, "phenotype/motility/migration_bias", 0, NULL), "migration_bias", 0.5, &T->bias)))
        return rc;
    xmlNodePtr mot = tfind(x, t, "phenotype/motility", 0, NULL);
    if (T->speed < 0 || T->persistence < 0)
        return fail(x, mot, STROMA_ERR_RANGE, "speed and persistence_time of '%s' must be >= 0", T->pc_name);
    if (T->bias < 0 || T->bias > 1) {
        double b = T->bias < 0 ? 0 : 1;
        imp_report(m->rep, AP, x->file, line_of(mot), "%s: migration_bias %g outside [0, 1]: %g used", T->name, T->bias,
                   b);
        T->bias = b;
    }
    T->motile = text_bool(tfind(x, t, "phenotype/motility/options/enabled", 1, NULL));
    T->chemo_sub = -1;
    T->chemo_dir = 1;
    xmlNodePtr ch = tfind(x, t, "phenotype/motility/options/chemotaxis", 1, NULL);
    if (ch && text_bool(kid(ch, "enabled"))) {
        char s[PC_NAME], d[32];
        text(kid(ch, "substrate"), s, sizeof s);
        text(kid(ch, "direction"), d, sizeof d);
        T->chemo_sub = pc_find_substrate(m, s);
        if (T->chemo_sub < 0)
            return fail(x, kid(ch, "substrate"), STROMA_ERR_PARSE, "chemotaxis substrate '%s' is not defined", s);
        int dir = atoi(d);
        T->chemo_dir = dir < 0 ? -1 : 1;
        if (dir == 0) {
            imp_report(m->rep, NI, x->file, line_of(ch), "%s: chemotaxis direction 0 (no bias): chemotaxis off",
                       T->name);
            T->chemo_sub = -1;
        }
    }
    xmlNodePtr ac = tfind(x, t, "phenotype/motility/options/advanced_chemotaxis", 1, NULL);
    if (ac && text_bool(kid(ac, "enabled"))) {
        /* advanced chemotaxis overrides chemotaxis; one non-zero sensitivity is plain chemotaxis (the direction
         * of s x grad c normalised is that of grad c or its opposite), several are stroma's sensitivities */
        int nz = 0, which = -1;
        double sens = 0;
        char list[1024] = "";
        for (xmlNodePtr s = kid(kid(ac, "chemotactic_sensitivities"), "chemotactic_sensitivity"); s;
             s = next_el(s, "chemotactic_sensitivity")) {
            char nm[PC_NAME];
            double v;
            attr(s, "substrate", nm, sizeof nm);
            if ((rc = num(x, s, "chemotactic_sensitivity", &v))) return rc;
            int k = pc_find_substrate(m, nm);
            if (v == 0 || k < 0) continue;
            nz++;
            which = k;
            sens = v;
            T->chemo_sens[k] = v;
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%g x grad %s", l ? " + " : "", v, m->sub[k].name);
        }
        T->chemo_sub = -1;
        if (nz == 1) {
            T->chemo_sub = which;
            T->chemo_dir = sens < 0 ? -1 : 1;
            imp_report(m->rep, NO, x->file, line_of(ac),
                       "%s: advanced chemotaxis with one substrate (%s) imported as chemotaxis %s %s", T->name, list,
                       sens < 0 ? "down" : "up", m->sub[which].name);
        }
        T->chemo_adv = 1;
        T->chemo_norm = text_bool(kid(ac, "normalize_each_gradient"));
        if (nz > 1) {
            T->chemo_multi = 1;
            imp_report(m->rep, NO, x->file, line_of(ac),
                       "%s: advanced chemotaxis along %s%s imported as chemotaxis sensitivities", T->name, list,
                       T->chemo_norm ? " (each gradient normalised)" : "");
        }
    }
    return STROMA_OK;
}

static stroma_code read_secretion(xctx *x, int t) {
    pc_model *m = x->m;
    pc_type *T = &m->types[t];
    stroma_code rc;
    for (xmlNodePtr s = kid(at(x->tnode[t], "phenotype/secretion"), "substrate"); s; s = next_el(s, "substrate")) {
        char nm[PC_NAME];
        attr(s, "name", nm, sizeof nm);
        if (pc_find_substrate(m, nm) < 0)
            return fail(x, s, STROMA_ERR_PARSE, "secretion of '%s', which is not a substrate", nm);
    }
    static const char *fields[4] = {"secretion_rate", "secretion_target", "uptake_rate", "net_export_rate"};
    for (int s = 0; s < m->nsub; s++) {
        double *dst[4] = {&T->sec_rate[s], &T->sec_target[s], &T->uptake[s], &T->export_rate[s]};
        for (int f = 0; f < 4; f++) {
            xmlNodePtr n =
                tfind_keyed(x, t, "phenotype/secretion", "substrate", "name", m->sub[s].pc_name, fields[f], 1);
            if ((rc = num_or(x, n, fields[f], 0, dst[f]))) return rc;
            if (f != 3 && *dst[f] < 0)
                return fail(x, n, STROMA_ERR_RANGE, "<%s> must be >= 0 (got %g)", fields[f], *dst[f]);
        }
    }
    return STROMA_OK;
}

/* Rates toward each cell type from a list like <attack_rates><attack_rate name=...>. */
static stroma_code read_per_type(xctx *x, int t, const char *listpath, const char *item, double *out,
                                 const char *what) {
    pc_model *m = x->m;
    stroma_code rc;
    for (int k = 0; k < m->ntypes; k++) {
        xmlNodePtr n = tfind_keyed_x(x, t, listpath, item, "name", m->types[k].pc_name, NULL, 1,
                                     strcmp(item, "transformation_rate") == 0 && k != t);
        if ((rc = num_or(x, n, item, 0, &out[k]))) return rc;
        if (out[k] < 0) return fail(x, n, STROMA_ERR_RANGE, "<%s> must be >= 0 (got %g)", item, out[k]);
    }
    for (xmlNodePtr n = kid(at(x->tnode[t], listpath), item); n; n = next_el(n, item)) {
        char nm[PC_NAME];
        attr(n, "name", nm, sizeof nm);
        if (pc_find_type(m, nm) < 0)
            imp_report(m->rep, NI, x->file, line_of(n), "%s: %s toward unknown type '%s' ignored, as PhysiCell does",
                       m->types[t].name, what, nm);
    }
    return STROMA_OK;
}

static stroma_code read_interactions(xctx *x, int t) {
    pc_model *m = x->m;
    pc_type *T = &m->types[t];
    stroma_code rc;
    xmlNodePtr ci = tfind(x, t, "phenotype/cell_interactions", 1, NULL);
    double dead = 0;
    if ((rc = num_or(x, kid(ci, "dead_phagocytosis_rate"), "dead_phagocytosis_rate", 0, &dead))) return rc;
    if ((rc = num_or(x, kid(ci, "apoptotic_phagocytosis_rate"), "apoptotic_phagocytosis_rate", dead, &T->phag_apop)) ||
        (rc = num_or(x, kid(ci, "necrotic_phagocytosis_rate"), "necrotic_phagocytosis_rate", dead, &T->phag_necr)) ||
        (rc = num_or(x, kid(ci, "other_dead_phagocytosis_rate"), "other_dead_phagocytosis_rate", dead, &T->phag_other)))
        return rc;
    if (T->phag_apop < 0 || T->phag_necr < 0 || T->phag_other < 0)
        return fail(x, ci, STROMA_ERR_RANGE, "phagocytosis rates must be >= 0");
    if ((rc = num_or(x, tfind(x, t, "phenotype/cell_interactions/attack_duration", 0, NULL), "attack_duration", 0.1,
                     &T->attack_duration)) ||
        (rc = num_or(x, kid(ci, "attack_damage_rate"), "attack_damage_rate", 1, &T->attack_damage)))
        return rc;
    if (T->attack_damage < 0)
        return fail(x, kid(ci, "attack_damage_rate"), STROMA_ERR_RANGE, "<attack_damage_rate> must be >= 0 (got %g)",
                    T->attack_damage);
    if ((rc = read_per_type(x, t, "phenotype/cell_interactions/attack_rates", "attack_rate", T->attack, "attack")))
        return rc;
    for (int k = 0; k < m->ntypes; k++) {
        xmlNodePtr n = tfind_keyed(x, t, "phenotype/cell_interactions/immunogenicities", "immunogenicity", "name",
                                   m->types[k].pc_name, NULL, 1);
        if ((rc = num_or(x, n, "immunogenicity", 1, &T->immunogenicity[k]))) return rc;
        if (T->immunogenicity[k] != 1)
            imp_report(m->rep, NI, x->file, line_of(n),
                       "%s: immunogenicity %g to %s is not imported (stroma has none: %s attack it at their attack "
                       "rate, as with immunogenicity 1)",
                       T->name, T->immunogenicity[k], m->types[k].name, m->types[k].name);
    }
    double *tmp = calloc((size_t)m->ntypes, sizeof *tmp);
    if (!tmp) return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    rc = read_per_type(x, t, "phenotype/cell_interactions/live_phagocytosis_rates", "phagocytosis_rate", tmp,
                       "live phagocytosis");
    for (int k = 0; rc == STROMA_OK && k < m->ntypes; k++)
        if (tmp[k] > 0)
            imp_report(m->rep, NI, x->file, line_of(ci),
                       "%s: phagocytosis of live %s cells (rate %g) is not imported (stroma engulfs dead cells only)",
                       T->name, m->types[k].name, tmp[k]);
    if (rc == STROMA_OK)
        rc = read_per_type(x, t, "phenotype/cell_interactions/fusion_rates", "fusion_rate", tmp, "fusion");
    for (int k = 0; rc == STROMA_OK && k < m->ntypes; k++)
        if (tmp[k] > 0)
            imp_report(m->rep, NI, x->file, line_of(ci), "%s: fusion with %s cells (rate %g) is not imported", T->name,
                       m->types[k].name, tmp[k]);
    free(tmp);
    if (rc) return rc;
    if ((rc = read_per_type(x, t, "phenotype/cell_transformations/transformation_rates", "transformation_rate",
                            T->transform, "transformation")))
        return rc;
    if (T->transform[t] > 0) {
        imp_report(m->rep, NI, x->file, line_of(tfind(x, t, "phenotype/cell_transformations", 1, NULL)),
                   "%s: transformation into its own type ignored, as PhysiCell does", T->name);
        T->transform[t] = 0;
    }
    xmlNodePtr dr = tfind(x, t, "phenotype/cell_integrity/damage_rate", 0, NULL),
               drr = tfind(x, t, "phenotype/cell_integrity/damage_repair_rate", 0, NULL);
    if ((rc = num_or(x, dr, "damage_rate", 0, &T->damage_rate)) ||
        (rc = num_or(x, drr, "damage_repair_rate", 0, &T->damage_repair)))
        return rc;
    if (T->damage_rate < 0) return fail(x, dr, STROMA_ERR_RANGE, "<damage_rate> must be >= 0 (got %g)", T->damage_rate);
    if (T->damage_repair < 0)
        return fail(x, drr, STROMA_ERR_RANGE, "<damage_repair_rate> must be >= 0 (got %g)", T->damage_repair);
    return STROMA_OK;
}

static stroma_code add_var(xctx *x, const char *pc_name) {
    pc_model *m = x->m;
    for (int v = 0; v < m->nvars; v++)
        if (strcmp(m->vars[v].pc_name, pc_name) == 0) return STROMA_OK;
    pc_var *nv = realloc(m->vars, (size_t)(m->nvars + 1) * sizeof *nv);
    if (!nv) return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    m->vars = nv;
    pc_var *V = &m->vars[m->nvars];
    memset(V, 0, sizeof *V);
    snprintf(V->pc_name, sizeof V->pc_name, "%s", pc_name);
    V->value = calloc((size_t)m->ntypes, sizeof *V->value);
    V->has = calloc((size_t)m->ntypes, 1);
    m->nvars++;
    if (!V->value || !V->has) return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    return STROMA_OK;
}

/* Scalar custom data become state variables; a type inherits the variables of the definitions above it. */
static stroma_code read_custom(xctx *x, int t) {
    pc_model *m = x->m;
    stroma_code rc;
    for (int k = t, depth = 0; k >= 0 && depth <= PC_MAX_TYPES; depth++) {
        for (xmlNodePtr c = kid(x->tnode[k], "custom_data") ? kid(x->tnode[k], "custom_data")->children : NULL; c;
             c = c->next) {
            if (c->type != XML_ELEMENT_NODE) continue;
            const char *nm = (const char *)c->name;
            char val[256];
            text(c, val, sizeof val);
            if (strchr(val, ',')) {
                if (k == t)
                    imp_report(m->rep, NI, x->file, line_of(c),
                               "%s: vector custom data '%s' is not imported (state variables are scalars)",
                               m->types[t].name, nm);
                continue;
            }
            if ((rc = add_var(x, nm))) return rc;
            pc_var *V = NULL;
            for (int v = 0; v < m->nvars; v++)
                if (strcmp(m->vars[v].pc_name, nm) == 0) V = &m->vars[v];
            if (V->has[t]) continue; /* a nearer definition already gave it */
            double d = 0;
            if (val[0] && (rc = num(x, c, nm, &d))) return rc;
            V->value[t] = d;
            V->has[t] = 1;
        }
        k = inherits_from(x, k, 0);
    }
    return STROMA_OK;
}

/* Is `name` unusable for state variable v: a built-in signal, a substrate, or an earlier variable's name? */
static int var_name_taken(const pc_model *m, int v, const char *name) {
    static const char *builtin[] = {"pressure", "volume", "time", "age", "damage", "apoptotic", "necrotic", "dead"};
    for (size_t b = 0; b < sizeof builtin / sizeof builtin[0]; b++)
        if (strcmp(name, builtin[b]) == 0) return 1;
    for (int s = 0; s < m->nsub; s++)
        if (strcmp(name, m->sub[s].name) == 0) return 1;
    for (int w = 0; w < v; w++)
        if (strcmp(name, m->vars[w].name) == 0) return 1;
    return 0;
}

static stroma_code read_types(xctx *x) {
    pc_model *m = x->m;
    xmlNodePtr cds = kid(x->root, "cell_definitions");
    int n = 0;
    for (xmlNodePtr c = kid(cds, "cell_definition"); c; c = next_el(c, "cell_definition"))
        n++;
    if (n == 0) return fail(x, cds ? cds : x->root, STROMA_ERR_MISSING, "the settings define no cell types");
    if (n > PC_MAX_TYPES)
        return fail(x, cds, STROMA_ERR_RANGE, "%d cell definitions; stroma takes at most %d", n, PC_MAX_TYPES);
    m->types = calloc((size_t)n, sizeof *m->types);
    x->tnode = calloc((size_t)n, sizeof *x->tnode);
    x->parent = malloc((size_t)n * sizeof *x->parent);
    x->implicit = malloc((size_t)n * sizeof *x->implicit);
    if (!m->types || !x->tnode || !x->parent || !x->implicit)
        return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    int dflt = -1, renamed = 0;
    char renames[2048] = "";
    for (xmlNodePtr c = kid(cds, "cell_definition"); c; c = next_el(c, "cell_definition")) {
        int t = m->ntypes;
        pc_type *T = &m->types[t];
        x->tnode[t] = c;
        T->line = line_of(c);
        char id[64];
        if (!attr(c, "name", T->pc_name, sizeof T->pc_name) || !T->pc_name[0])
            return fail(x, c, STROMA_ERR_MISSING, "<cell_definition> needs a name attribute");
        if (pc_find_type(m, T->pc_name) >= 0)
            return fail(x, c, STROMA_ERR_PARSE, "cell type '%s' is defined twice", T->pc_name);
        int has_id = attr(c, "ID", id, sizeof id);
        T->id = has_id ? atoi(id) : -1;
        pc_sanitize(T->pc_name, T->name);
        pc_make_unique(T->name, m->types[0].name, t, sizeof *T);
        if (strcmp(T->name, T->pc_name) != 0) {
            size_t l = strlen(renames);
            snprintf(renames + l, sizeof renames - l, "%s'%s' -> %s", renamed++ ? ", " : "", T->pc_name, T->name);
        }
        /* PhysiCell's cell_defaults is the definition named "default" or with ID "0" */
        int is_default = strcmp(T->pc_name, "default") == 0 || (has_id && strcmp(id, "0") == 0);
        x->parent[t] = -1;
        x->implicit[t] = -1;
        char par[PC_NAME];
        if (attr(c, "parent_type", par, sizeof par)) {
            x->parent[t] = pc_find_type(m, par);
            if (x->parent[t] < 0)
                imp_report(m->rep, NO, x->file, T->line,
                           "%s: parent_type '%s' is not an earlier definition: inherits from the default "
                           "definition, as PhysiCell does",
                           T->name, par);
            else
                imp_report(m->rep, NO, x->file, T->line,
                           "%s inherits from %s (parent_type): values it does not give are %s's", T->name,
                           m->types[x->parent[t]].name, m->types[x->parent[t]].name);
        }
        if (x->parent[t] < 0 && !is_default) x->implicit[t] = dflt;
        if (is_default && dflt < 0) dflt = t;
        m->ntypes++;
    }
    for (int t = 0; t < m->ntypes; t++) {
        pc_type *T = &m->types[t];
        size_t nt = (size_t)m->ntypes, ns = (size_t)m->nsub;
        T->affinity = calloc(nt, sizeof(double));
        T->attack = calloc(nt, sizeof(double));
        T->transform = calloc(nt, sizeof(double));
        T->immunogenicity = calloc(nt, sizeof(double));
        T->asym = calloc(nt, sizeof(double));
        T->sec_rate = calloc(ns, sizeof(double));
        T->sec_target = calloc(ns, sizeof(double));
        T->uptake = calloc(ns, sizeof(double));
        T->export_rate = calloc(ns, sizeof(double));
        T->chemo_sens = calloc(ns, sizeof(double));
        if (!T->affinity || !T->attack || !T->transform || !T->immunogenicity || !T->asym || !T->sec_rate ||
            !T->sec_target || !T->uptake || !T->export_rate || !T->chemo_sens)
            return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    }
    if (renamed) imp_report(m->rep, NO, x->file, line_of(cds), "cell type names made valid stroma names: %s", renames);
    stroma_code rc;
    for (int t = 0; t < m->ntypes; t++) {
        if ((rc = read_cycle(x, t)) || (rc = read_death(x, t)) || (rc = read_volume_mechanics(x, t)) ||
            (rc = read_motility(x, t)) || (rc = read_secretion(x, t)) || (rc = read_interactions(x, t)) ||
            (rc = read_custom(x, t)))
            return rc;
        xmlNodePtr ic = tfind(x, t, "phenotype/intracellular", 0, NULL);
        if (ic) {
            char ty[64];
            attr(ic, "type", ty, sizeof ty);
            imp_report(m->rep, NI, x->file, line_of(ic), "%s: intracellular model (%s) is not imported",
                       m->types[t].name, ty[0] ? ty : "unknown type");
        }
        xmlNodePtr ipd = kid(x->tnode[t], "initial_parameter_distributions");
        if (ipd && attr_bool(ipd, "enabled")) {
            char list[1024] = "";
            for (xmlNodePtr d = kid(ipd, "distribution"); d; d = next_el(d, "distribution")) {
                if (!attr_bool(d, "enabled")) continue;
                char b[PC_NAME];
                text(kid(d, "behavior"), b, sizeof b);
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", b);
            }
            imp_report(m->rep, NI, x->file, line_of(ipd),
                       "%s: initial parameter distributions (%s) are not imported: every cell starts with its "
                       "type's values",
                       m->types[t].name, list[0] ? list : "none enabled");
        }
    }
    if ((rc = share_death(x))) return rc;
    /* state variable names: valid, unique, and apart from substrates and built-in signals */
    int vren = 0;
    char vrenames[1024] = "";
    for (int v = 0; v < m->nvars; v++) {
        pc_var *V = &m->vars[v];
        pc_sanitize(V->pc_name, V->name);
        char base[PC_SNAME];
        snprintf(base, sizeof base, "%s", V->name);
        if (var_name_taken(m, v, V->name)) snprintf(V->name, sizeof V->name, "%.55s_custom", base);
        for (int k = 2; k < 1000 && var_name_taken(m, v, V->name); k++)
            snprintf(V->name, sizeof V->name, "%.50s_custom%d", base, k % 1000);
        if (strcmp(V->name, V->pc_name) != 0) {
            size_t l = strlen(vrenames);
            snprintf(vrenames + l, sizeof vrenames - l, "%s'%s' -> %s", vren++ ? ", " : "", V->pc_name, V->name);
        }
    }
    if (vren)
        imp_report(m->rep, NO, x->file, line_of(cds), "custom data names made valid state variable names: %s",
                   vrenames);
    return STROMA_OK;
}

/* A file the settings point to: beside the settings first, then folder/filename from the current directory. */
static stroma_code locate(xctx *x, xmlNodePtr n, const char *what, char *out, size_t cap) {
    pc_model *m = x->m;
    char folder[512], fname[512];
    text(kid(n, "folder"), folder, sizeof folder);
    text(kid(n, "filename"), fname, sizeof fname);
    if (!fname[0]) return fail(x, n, STROMA_ERR_MISSING, "the enabled %s names no <filename>", what);
    char a[2048], b[2048];
    if (strcmp(m->settings_dir, ".") == 0)
        snprintf(a, sizeof a, "%s", fname);
    else
        snprintf(a, sizeof a, "%s/%s", m->settings_dir, fname);
    snprintf(b, sizeof b, "%s%s%s", folder, folder[0] ? "/" : "", fname);
    struct stat st;
    const char *pick = stat(a, &st) == 0 ? a : stat(b, &st) == 0 ? b : NULL;
    if (!pick)
        return fail(x, n, STROMA_ERR_NOT_FOUND, "the enabled %s '%s' is neither at %s nor at %s", what, fname, a, b);
    if (!S_ISREG(st.st_mode))
        return fail(x, n, STROMA_ERR_ARGUMENT, "the enabled %s '%s' is not a regular file", what, pick);
    snprintf(out, cap, "%s", pick);
    return STROMA_OK;
}

static stroma_code read_files(xctx *x, const char *rules_override) {
    pc_model *m = x->m;
    stroma_code rc;
    xmlNodePtr cp = at(x->root, "initial_conditions/cell_positions");
    if (cp && attr_bool(cp, "enabled")) {
        char ty[32];
        attr(cp, "type", ty, sizeof ty);
        if (ty[0] && strcasecmp(ty, "csv") != 0)
            imp_report(m->rep, NI, x->file, line_of(cp), "initial cells of type '%s' are not imported (CSV only)", ty);
        else if ((rc = locate(x, cp, "cell positions file", m->cells_path, sizeof m->cells_path)))
            return rc;
    }
    if (rules_override) {
        struct stat st;
        if (stat(rules_override, &st) != 0)
            return stroma_error_set(m->err, errno == ENOENT ? STROMA_ERR_NOT_FOUND : STROMA_ERR_ARGUMENT, "%s: %s",
                                    rules_override, strerror(errno));
        if (!S_ISREG(st.st_mode))
            return stroma_error_set(m->err, STROMA_ERR_ARGUMENT, "%s: not a regular file", rules_override);
        snprintf(m->rules_path[0], sizeof m->rules_path[0], "%s", rules_override);
        m->nrulesets = 1;
    }
    /* every enabled CSV ruleset, as PhysiCell reads them (the command line's file replaces them) */
    for (xmlNodePtr rs = kid(at(x->root, "cell_rules/rulesets"), "ruleset"); rs; rs = next_el(rs, "ruleset")) {
        if (!attr_bool(rs, "enabled")) continue;
        if (rules_override) {
            imp_report(m->rep, NO, x->file, line_of(rs),
                       "rules read from %s (command line) instead of the ruleset the settings enable", rules_override);
            continue;
        }
        char fmt[32], proto[32], ver[32];
        attr(rs, "format", fmt, sizeof fmt);
        attr(rs, "protocol", proto, sizeof proto);
        attr(rs, "version", ver, sizeof ver);
        if (strcasecmp(fmt, "csv") != 0) {
            imp_report(m->rep, NI, x->file, line_of(rs), "ruleset of format '%s' skipped, as PhysiCell does", fmt);
            continue;
        }
        if (atof(ver) < 3.0 - 1e-10 || strcmp(proto, "CBHG") != 0)
            return fail(x, rs, STROMA_ERR_PARSE,
                        "ruleset version '%s' protocol '%s': PhysiCell 1.14 (and this import) read only CBHG "
                        "version 3 rules",
                        ver, proto);
        if (m->nrulesets == PC_MAX_RULESETS)
            return fail(x, rs, STROMA_ERR_RANGE, "more than %d enabled rulesets", PC_MAX_RULESETS);
        if ((rc = locate(x, rs, "ruleset", m->rules_path[m->nrulesets], sizeof m->rules_path[0]))) return rc;
        m->nrulesets++;
    }
    return STROMA_OK;
}

stroma_code pc_read_settings(pc_model *m, const char *rules_override) {
    const char *path = m->settings_path;
    stroma_code code;
    char why[128];
    FILE *probe = stroma_open_regular(path, &code, why, sizeof why);
    if (!probe && code == STROMA_ERR_ARGUMENT)
        return stroma_error_set(m->err, STROMA_ERR_ARGUMENT, "%s: not a regular file (it is %s)", path, why);
    if (!probe)
        return stroma_error_set(m->err, code == STROMA_ERR_NOT_FOUND ? STROMA_ERR_NOT_FOUND : STROMA_ERR_ARGUMENT,
                                "%s: %s", path, why);
    fclose(probe);
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(m->settings_dir, sizeof m->settings_dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    else
        snprintf(m->settings_dir, sizeof m->settings_dir, ".");

    xmlInitParser();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    /* no network, no entity expansion from outside, no messages on stderr: errors come back in the context */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    xmlDocPtr doc = xmlCtxtReadFile(ctxt, path, NULL, opts);
    if (!doc) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        char msg[512] = "not well-formed XML";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            pc_trim(msg);
        }
        int line = e ? e->line : 0, col = e ? e->int2 : 0;
        xmlFreeParserCtxt(ctxt);
        stroma_error_clear(m->err);
        stroma_error_add_at(m->err, STROMA_ERR_PARSE, path, line, col > 0 ? col : 1, "malformed XML: %s", msg);
        return STROMA_ERR_PARSE;
    }
    xctx x = {.m = m, .file = path, .doc = doc, .root = xmlDocGetRootElement(doc)};
    stroma_code rc = STROMA_OK;
    if (!is_el(x.root, "PhysiCell_settings"))
        rc = fail(&x, x.root, STROMA_ERR_PARSE, "the root element is <%s>, not <PhysiCell_settings>",
                  x.root ? (const char *)x.root->name : "");
    if (rc == STROMA_OK) rc = read_domain(&x);
    if (rc == STROMA_OK) rc = read_time(&x);
    if (rc == STROMA_OK) rc = read_options(&x);
    if (rc == STROMA_OK) rc = read_substrates(&x);
    if (rc == STROMA_OK) rc = read_types(&x);
    if (rc == STROMA_OK) rc = read_files(&x, rules_override);
    free(x.tnode);
    free(x.parent);
    free(x.implicit);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}
