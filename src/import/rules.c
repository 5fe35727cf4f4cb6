/* Reading a PhysiCell v3 rules CSV (cell_type,signal,direction,behavior,saturation,half_max,hill_power,
 * apply_to_dead) and rewriting PhysiCell's signal and behaviour names (with their synonyms) into stroma's.
 * A rule whose names have no stroma counterpart is kept with the reason, to be written as a comment. Errors:
 * an unknown cell type or a field that is not a number (file:line:column). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "import/physicell.h"
#include "util/error_impl.h"
#include "util/file.h"
#include "util/text.h"

#define NI STROMA_IMPORT_NOT_IMPORTED

/* Type whose PhysiCell ID is the number in s ("3"), or -1. */
static int type_by_id_text(const pc_model *m, const char *s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end) return -1;
    for (int t = 0; t < m->ntypes; t++)
        if (m->types[t].id == v) return t;
    return -1;
}

/* If s is prefix + a cell type (its name, or "cell type N" when id_form), that type's index; else -1. */
static int type_after(const pc_model *m, const char *s, const char *prefix, int id_form) {
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0) return -1;
    int t = pc_find_type(m, s + n);
    if (t >= 0) return t;
    if (id_form && strncmp(s + n, "cell type ", 10) == 0) return type_by_id_text(m, s + n + 10);
    return -1;
}

int pc_custom_var(const pc_model *m, const char *s) {
    const char *v = NULL;
    if (strncmp(s, "custom:", 7) == 0) {
        v = s + 7;
        if (*v == ' ') v++;
        for (int i = 0; i < m->nvars; i++)
            if (strcmp(m->vars[i].pc_name, v) == 0) return i;
        return -1;
    }
    if (strncmp(s, "custom ", 7) == 0) {
        char *end;
        long k = strtol(s + 7, &end, 10);
        if (s[7] && !*end && k >= 0 && k < m->nvars) return (int)k;
    }
    return -1;
}

static int is_one_of(const char *s, const char *const *list) {
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return 1;
    return 0;
}

/* Write the stroma name into out; returns 1 (mapped). */
static int named(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int named(char *out, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return 1;
}

/* Write why stroma lacks it; returns 0 (not mappable). */
static int lacks(char *why, size_t cap, const char *text) {
    snprintf(why, cap, "%s", text);
    return 0;
}

/* Signal s in stroma's words into out. Returns 1 (mapped), 0 (a PhysiCell signal stroma lacks: why set) or
 * -1 (not a PhysiCell 1.14 signal). */
static int map_signal(const pc_model *m, const char *s, char *out, size_t cap, char *why, size_t wcap) {
    for (int i = 0; i < m->nsub; i++) {
        const char *p = m->sub[i].pc_name;
        char g[3][PC_NAME + 16];
        snprintf(g[0], sizeof g[0], "%s gradient", p);
        snprintf(g[1], sizeof g[1], "grad(%s)", p);
        snprintf(g[2], sizeof g[2], "gradient of %s", p);
        if (strcmp(s, p) == 0) return named(out, cap, "%s", m->sub[i].name);
        if (!strcmp(s, g[0]) || !strcmp(s, g[1]) || !strcmp(s, g[2]))
            return named(out, cap, "%s gradient", m->sub[i].name);
        snprintf(g[0], sizeof g[0], "intracellular %s", p);
        snprintf(g[1], sizeof g[1], "internalized %s", p);
        if (!strcmp(s, g[0]) || !strcmp(s, g[1]))
            return lacks(why, wcap, "stroma does not track substrates inside cells");
    }
    static const char *const same[] = {"pressure", "volume", NULL};
    if (is_one_of(s, same)) return named(out, cap, "%s", s);
    static const char *const live[] = {"contact with live cell", "contact with live cells", NULL};
    static const char *const dead[] = {"contact with dead cell", "contact with dead cells", NULL};
    if (is_one_of(s, live)) return named(out, cap, "contact with live cell");
    if (is_one_of(s, dead)) return named(out, cap, "contact with dead cell");
    static const char *const dstate[] = {"contact with apoptotic cell",
                                         "contact with apoptotic cells",
                                         "contact with necrotic cell",
                                         "contact with necrotic cells",
                                         "contact with other dead cell",
                                         "contact with other dead cells",
                                         NULL};
    if (is_one_of(s, dstate))
        return lacks(why, wcap, "stroma counts contacts with dead cells whatever their death (no such signal)");
    static const char *const bm[] = {"contact with basement membrane", "contact with BM", NULL};
    if (is_one_of(s, bm)) return lacks(why, wcap, "stroma has no basement membrane");
    int t = type_after(m, s, "contact with ", 1);
    if (t >= 0) return named(out, cap, "contact with %s", m->types[t].name);
    if (strcmp(s, "damage") == 0) return named(out, cap, "damage");
    static const char *const dd[] = {"damage delivered", "total damage delivered", NULL},
                             *const ak[] = {"attacking", "is attacking", NULL};
    if (is_one_of(s, dd)) return named(out, cap, "damage delivered");
    if (is_one_of(s, ak)) return named(out, cap, "attacking");
    if (strcmp(s, "total attack time") == 0) return named(out, cap, "total attack time");
    static const char *const d1[] = {"dead", "is dead", NULL}, *const a1[] = {"apoptotic", "is_apoptotic", NULL},
                             *const n1[] = {"necrotic", "is_necrotic", NULL},
                             *const t1[] = {"time", "current time", "global time", NULL};
    if (is_one_of(s, d1)) return named(out, cap, "dead");
    if (is_one_of(s, a1)) return named(out, cap, "apoptotic");
    if (is_one_of(s, n1)) return named(out, cap, "necrotic");
    if (is_one_of(s, t1)) return named(out, cap, "time");
    int v = pc_custom_var(m, s);
    if (v >= 0) return named(out, cap, "custom:%s", m->vars[v].name);
    if (type_after(m, s, "immunogenicity to ", 1) >= 0) return lacks(why, wcap, "stroma has no immunogenicity");
    snprintf(why, wcap, "'%s' is not a PhysiCell 1.14 signal of this model", s);
    return -1;
}

int pc_map_behaviour(const pc_model *m, const char *b, char *out, size_t cap, char *canon, size_t ccap,
                     pc_beh_kind *kind, int *arg, char *why, size_t wcap) {
    *kind = PB_NONE;
    *arg = 0;
    snprintf(canon, ccap, "%s", b);
    for (int i = 0; i < m->nsub; i++) {
        const char *p = m->sub[i].pc_name, *n = m->sub[i].name;
        char c[5][PC_NAME + 40];
        snprintf(c[0], sizeof c[0], "%s secretion", p);
        snprintf(c[1], sizeof c[1], "%s secretion target", p);
        snprintf(c[2], sizeof c[2], "%s secretion saturation density", p);
        snprintf(c[3], sizeof c[3], "%s uptake", p);
        snprintf(c[4], sizeof c[4], "%s export", p);
        *arg = i;
        if (!strcmp(b, c[0])) {
            *kind = PB_SECRETION;
            return named(out, cap, "%s secretion", n);
        }
        if (!strcmp(b, c[1]) || !strcmp(b, c[2])) {
            snprintf(canon, ccap, "%s", c[1]);
            *kind = PB_TARGET;
            return named(out, cap, "%s secretion target", n);
        }
        if (!strcmp(b, c[3])) {
            *kind = PB_UPTAKE;
            return named(out, cap, "%s uptake", n);
        }
        if (!strcmp(b, c[4])) {
            *kind = PB_EXPORT;
            return named(out, cap, "%s export", n);
        }
        snprintf(c[0], sizeof c[0], "chemotactic response to %s", p);
        snprintf(c[1], sizeof c[1], "chemotactic sensitivity to %s", p);
        if (!strcmp(b, c[0]) || !strcmp(b, c[1])) {
            snprintf(canon, ccap, "%s", c[0]);
            *kind = PB_CHEMO;
            return named(out, cap, "chemotactic response to %s", n);
        }
    }
    *arg = 0;
    if (!strcmp(b, "cycle entry") || !strcmp(b, "exit from cycle phase 0")) {
        snprintf(canon, ccap, "cycle entry");
        *kind = PB_CYCLE;
        return named(out, cap, "cycle entry");
    }
    if (!strncmp(b, "exit from cycle phase ", 22))
        return lacks(why, wcap, "stroma's rules change only the exit from phase 0 (cycle entry)");
    static const struct {
        const char *name;
        pc_beh_kind kind;
    } plain[] = {{"apoptosis", PB_APOPTOSIS},
                 {"necrosis", PB_NECROSIS},
                 {"migration speed", PB_SPEED},
                 {"migration bias", PB_BIAS},
                 {"migration persistence time", PB_PERSISTENCE}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (!strcmp(b, plain[i].name)) {
            *kind = plain[i].kind;
            return named(out, cap, "%s", b);
        }
    if (!strcmp(b, "cell-cell adhesion") || !strcmp(b, "cell-cell repulsion")) {
        *kind = b[10] == 'a' ? PB_ADHESION : PB_REPULSION;
        return named(out, cap, "%s", b);
    }
    static const char *const mech[] = {"cell-cell adhesion elastic constant",
                                       "relative maximum adhesion distance",
                                       "cell-BM adhesion",
                                       "cell-membrane adhesion",
                                       "cell-BM repulsion",
                                       "cell-membrane repulsion",
                                       NULL};
    if (is_one_of(b, mech) || type_after(m, b, "adhesive affinity to ", 1) >= 0)
        return lacks(why, wcap, "stroma's rules set cell-cell adhesion and repulsion only, not this mechanics parameter");
    static const struct {
        const char *const names[4];
        pc_beh_kind kind;
    } phag[] = {
        {{"phagocytose apoptotic cell", "phagocytosis of apoptotic cell", "phagocytosis of apoptotic cells", NULL},
         PB_PHAG_APOPTOTIC},
        {{"phagocytose necrotic cell", "phagocytosis of necrotic cell", "phagocytosis of necrotic cells", NULL},
         PB_PHAG_NECROTIC},
    };
    for (size_t i = 0; i < sizeof phag / sizeof phag[0]; i++)
        if (is_one_of(b, phag[i].names)) {
            snprintf(canon, ccap, "%s", phag[i].names[0]);
            *kind = phag[i].kind;
            return named(out, cap, "%s", phag[i].names[0]);
        }
    static const char *const other[] = {"phagocytose other dead cell", "phagocytosis of other dead cell",
                                        "phagocytosis of other dead cells", NULL};
    if (is_one_of(b, other)) {
        snprintf(canon, ccap, "%s", other[0]);
        return lacks(why, wcap,
                     "stroma's dead cells are apoptotic or necrotic, with no other deaths (nor has this project any "
                     "in PhysiCell): the behaviour acts on no cell");
    }
    static const char *const dead[] = {"phagocytose dead cell", "phagocytosis of dead cell",
                                       "phagocytosis of dead cells", NULL};
    if (is_one_of(b, dead)) {
        snprintf(why, wcap,
                 "'%s' is not a PhysiCell 1.14 behaviour (1.14 replaced it by phagocytose apoptotic cell, necrotic "
                 "cell and other dead cell)",
                 b);
        return -1;
    }
    int t;
    if ((t = type_after(m, b, "phagocytose ", 1)) >= 0 || (t = type_after(m, b, "phagocytosis of ", 0)) >= 0 ||
        (!strncmp(b, "phagocytosis of ", 16) && type_by_id_text(m, b + 16) >= 0))
        return lacks(why, wcap,
                     "phagocytosis of live cells is not in stroma (its 'phagocytose <type>' "
                     "engulfs dead cells)");
    if ((t = type_after(m, b, "attack ", 1)) >= 0) {
        *arg = t;
        snprintf(canon, ccap, "attack %s", m->types[t].pc_name);
        *kind = PB_ATTACK;
        return named(out, cap, "attack %s", m->types[t].name);
    }
    if ((t = type_after(m, b, "transform to ", 1)) >= 0 || (t = type_after(m, b, "transition to ", 1)) >= 0) {
        *arg = t;
        snprintf(canon, ccap, "transform to %s", m->types[t].pc_name);
        *kind = PB_TRANSFORM;
        return named(out, cap, "transform to %s", m->types[t].name);
    }
    if (type_after(m, b, "fuse to ", 1) >= 0) return lacks(why, wcap, "stroma has no cell fusion");
    if ((t = type_after(m, b, "asymmetric division to ", 0)) >= 0) {
        *arg = t;
        snprintf(canon, ccap, "asymmetric division to %s", m->types[t].pc_name);
        *kind = PB_ASYM;
        return named(out, cap, "asymmetric division to %s", m->types[t].name);
    }
    if (pc_custom_var(m, b) >= 0)
        return lacks(why, wcap,
                     "a rule cannot set a state variable directly in stroma (only its production "
                     "and decay)");
    static const char *const mov[] = {"is_movable", "movable", "is movable", NULL};
    if (is_one_of(b, mov)) return lacks(why, wcap, "stroma cells are always movable");
    if (type_after(m, b, "immunogenicity to ", 1) >= 0) return lacks(why, wcap, "stroma has no immunogenicity");
    static const char *const att[] = {"cell attachment rate", "cell detachment rate",
                                      "maximum number of cell attachments", NULL};
    if (is_one_of(b, att)) return lacks(why, wcap, "stroma has no spring attachments");
    static const struct {
        const char *name;
        pc_beh_kind kind;
    } dmg[] = {{"attack damage rate", PB_ATTACK_DAMAGE},
               {"damage rate", PB_DAMAGE_RATE},
               {"damage repair rate", PB_DAMAGE_REPAIR},
               {"attack duration", PB_ATTACK_DURATION}};
    for (size_t i = 0; i < sizeof dmg / sizeof dmg[0]; i++)
        if (!strcmp(b, dmg[i].name)) {
            *kind = dmg[i].kind;
            return named(out, cap, "%s", b);
        }
    snprintf(why, wcap, "'%s' is not a PhysiCell 1.14 behaviour of this model", b);
    return -1;
}

/* Split line at sep into at most 16 trimmed fields (in buf); col[i] is the 1-based column of field i. Like
 * PhysiCell's getline split, a trailing empty field is not counted. */
static int split(const char *line, char sep, char *buf, size_t cap, char **f, int *col) {
    snprintf(buf, cap, "%s", line);
    int n = 0;
    char *p = buf;
    while (n < 16) {
        f[n] = p;
        col[n] = (int)(p - buf) + 1;
        char *c = strchr(p, sep);
        if (c) *c = '\0';
        n++;
        if (!c) break;
        p = c + 1;
        if (!*p) break;
    }
    for (int i = 0; i < n; i++)
        pc_trim(f[i]);
    return n;
}

static stroma_code parse_num(pc_model *m, const char *file, int line, int col, const char *what, const char *s,
                             double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno == ERANGE || !isfinite(v)) {
        stroma_error_clear(m->err);
        stroma_error_add_at(m->err, STROMA_ERR_PARSE, file, line, col, "%s must be a number (got '%s')", what, s);
        return STROMA_ERR_PARSE;
    }
    *out = v;
    return STROMA_OK;
}

static pc_rule *new_rule(pc_model *m) {
    if (m->nrules == m->caprules) {
        int ncap = m->caprules ? 2 * m->caprules : 32;
        pc_rule *p = realloc(m->rules, (size_t)ncap * sizeof *p);
        if (!p) return NULL;
        m->rules = p;
        m->caprules = ncap;
    }
    pc_rule *r = &m->rules[m->nrules++];
    memset(r, 0, sizeof *r);
    return r;
}

/* One non-comment line of the rules file. */
static stroma_code read_rule(pc_model *m, const char *file, int line, const char *text) {
    pc_rule *r = new_rule(m);
    if (!r) return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
    r->file = file;
    r->line = line;
    snprintf(r->src, sizeof r->src, "%s", text);
    char buf[1024], *f[16];
    int col[16];
    int n = split(text, ',', buf, sizeof buf, f, col);
    if (n != 8) n = split(text, '\t', buf, sizeof buf, f, col);
    int empty = 0;
    for (int i = 0; i < n; i++)
        empty |= !f[i][0];
    if (n != 8 || empty) {
        snprintf(r->why, sizeof r->why, "malformed: %s (PhysiCell skips such a line)",
                 n != 8 ? "not 8 fields" : "an empty field");
        r->type = -1;
        imp_report(m->rep, NI, file, line, "rule skipped: %s", r->why);
        return STROMA_OK;
    }
    r->type = pc_find_type(m, f[0]);
    if (r->type < 0) {
        const char *names[PC_MAX_TYPES];
        for (int t = 0; t < m->ntypes; t++)
            names[t] = m->types[t].pc_name;
        const char *near = stroma_suggest(f[0], names, (size_t)m->ntypes);
        stroma_error_clear(m->err);
        stroma_error_add_at(m->err, STROMA_ERR_ARGUMENT, file, line, col[0],
                            "unknown cell type '%s' (PhysiCell refuses such a rule)%s%s%s", f[0],
                            near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        return STROMA_ERR_ARGUMENT;
    }
    stroma_code rc;
    if ((rc = parse_num(m, file, line, col[4], "the saturation (field 5)", f[4], &r->sat)) ||
        (rc = parse_num(m, file, line, col[5], "the half-max (field 6)", f[5], &r->half)) ||
        (rc = parse_num(m, file, line, col[6], "the Hill power (field 7)", f[6], &r->hill)))
        return rc;
    double dead;
    if ((rc = parse_num(m, file, line, col[7], "apply_to_dead (field 8)", f[7], &dead))) return rc;
    r->dead = dead != 0;
    if (!strcmp(f[2], "increases") || !strcmp(f[2], "increase") || !strcmp(f[2], "promotes")) {
        r->dir = 1;
    } else {
        r->dir = -1;
        if (strcmp(f[2], "decreases") && strcmp(f[2], "decrease") && strcmp(f[2], "inhibits"))
            imp_report(m->rep, STROMA_IMPORT_NOTE, file, line, "direction '%s' read as decreases, as PhysiCell does",
                       f[2]);
    }
    char swhy[200] = "", bwhy[200] = "";
    int ms = map_signal(m, f[1], r->signal, sizeof r->signal, swhy, sizeof swhy);
    int mb = pc_map_behaviour(m, f[3], r->behaviour, sizeof r->behaviour, r->pc_beh, sizeof r->pc_beh, &r->kind,
                              &r->arg, bwhy, sizeof bwhy);
    if (mb != 1) r->kind = PB_NONE;
    r->mappable = ms == 1 && mb == 1;
    if (!r->mappable) {
        if (mb != 1)
            snprintf(r->why, sizeof r->why, "behaviour '%s': %s", f[3], bwhy);
        else
            snprintf(r->why, sizeof r->why, "signal '%s': %s", f[1], swhy);
    }
    /* PhysiCell refuses a second rule with the same signal and direction on one behaviour */
    for (int i = 0; i < m->nrules - 1; i++) {
        const pc_rule *o = &m->rules[i];
        if (o->type == r->type && o->dir == r->dir && !strcmp(o->pc_beh, r->pc_beh)) {
            char os[512];
            char ob[1024], *of[16];
            int oc[16];
            int on = split(o->src, ',', ob, sizeof ob, of, oc);
            snprintf(os, sizeof os, "%s", on > 1 ? of[1] : "");
            if (!strcmp(os, f[1])) {
                stroma_error_clear(m->err);
                stroma_error_add_at(m->err, STROMA_ERR_PARSE, file, line, col[1],
                                    "a second rule on '%s' of %s with signal '%s' and the same direction (line %d); "
                                    "PhysiCell refuses it",
                                    f[3], f[0], f[1], o->line);
                return STROMA_ERR_PARSE;
            }
        }
    }
    if (r->mappable) m->types[r->type].rule_mask |= 1u << r->kind;
    return STROMA_OK;
}

static stroma_code read_file(pc_model *m, const char *file) {
    stroma_code code;
    char why[128];
    FILE *fp = stroma_open_regular(file, &code, why, sizeof why); /* a FIFO would block */
    if (!fp && code == STROMA_ERR_ARGUMENT)
        return stroma_error_set(m->err, STROMA_ERR_ARGUMENT, "%s: it is %s, not a regular file", file, why);
    if (!fp)
        return stroma_error_set(m->err, code == STROMA_ERR_NOT_FOUND ? STROMA_ERR_NOT_FOUND : STROMA_ERR_ARGUMENT,
                                "%s: %s", file, why);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0;
    stroma_code rc = STROMA_OK;
    while (rc == STROMA_OK && (len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (strlen(line) != (size_t)len) {
            rc = pc_fail(m, STROMA_ERR_PARSE, file, lineno, "a NUL byte: not a text file");
            break;
        }
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || (p[0] == '/' && p[1] == '/') || p[0] == '#') continue;
        if (len > 1000) {
            rc = pc_fail(m, STROMA_ERR_PARSE, file, lineno, "line longer than 1000 characters");
            break;
        }
        rc = read_rule(m, file, lineno, line);
    }
    if (rc == STROMA_OK && ferror(fp)) rc = stroma_error_set(m->err, STROMA_ERR_IO, "%s: read error", file);
    free(line);
    fclose(fp);
    return rc;
}

stroma_code pc_read_rules(pc_model *m) {
    for (int i = 0; i < m->nrulesets; i++) {
        stroma_code rc = read_file(m, m->rules_path[i]);
        if (rc) return rc;
    }
    return STROMA_OK;
}
