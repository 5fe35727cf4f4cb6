/* Loading a trial file (trial.h, docs/trials.md): the YAML tree is walked against a small fixed schema, every
 * mistake reported at file:line:column with unknown keys' nearest match suggested, and the base model is then
 * loaded with each arm's overrides so that bad model keys are caught before any patient runs. Also the cohort's
 * draws (a pure function of trial seed, patient and parameter). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/sha256.h"
#include "model/yaml_tree.h"
#include "trial/trial.h"
#include "util/error_impl.h"
#include "util/file.h"
#include "util/rng.h"
#include "util/text.h"

typedef stroma_yaml_node ynode;

static int add_issue(stroma_error *err, stroma_code code, const stroma_trial *t, const ynode *at, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));

static int add_issue(stroma_error *err, stroma_code code, const stroma_trial *t, const ynode *at, const char *fmt,
                     ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    stroma_error_add_at(err, code, t->path, at ? at->line : 1, at ? at->column : 1, "%s", msg);
    return -1;
}

static char *dup_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* A number: a plain scalar that reads whole as a finite double. */
static int node_number(const ynode *n, double *out) {
    if (!n || n->kind != STROMA_YAML_SCALAR || n->quoted || !n->len) return -1;
    char *end;
    double v = strtod(n->text, &end);
    if (*end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int want_number(stroma_error *err, const stroma_trial *t, const ynode *n, const char *key, double *out) {
    if (node_number(n, out) == 0) return 0;
    return add_issue(err, STROMA_ERR_TYPE, t, n, "%s must be a number (got %s)", key,
                     n && n->kind == STROMA_YAML_SCALAR ? n->text : "no number");
}

/* The YAML text of a node in flow form (scalars as written, quoted ones double-quoted), appended to buf. */
static void flow_text(const ynode *n, char *buf, size_t cap, int depth) {
    size_t len = strlen(buf);
    if (len + 1 >= cap || depth > 50) return;
    if (!n || n->kind == STROMA_YAML_NULL) {
        snprintf(buf + len, cap - len, "null");
    } else if (n->kind == STROMA_YAML_SCALAR) {
        if (!n->quoted) {
            snprintf(buf + len, cap - len, "%s", n->text);
        } else {
            char *p = buf + len, *e = buf + cap - 1;
            *p++ = '"';
            for (size_t i = 0; i < n->len && p + 2 < e; i++) {
                char c = n->text[i];
                if (c == '"' || c == '\\') *p++ = '\\';
                *p++ = c;
            }
            *p++ = '"';
            *p = '\0';
        }
    } else {
        int map = n->kind == STROMA_YAML_MAP;
        snprintf(buf + len, cap - len, map ? "{" : "[");
        for (size_t i = 0; i < n->n; i++) {
            if (i) snprintf(buf + strlen(buf), cap - strlen(buf), ", ");
            if (map) {
                flow_text(n->child[2 * i], buf, cap, depth + 1);
                snprintf(buf + strlen(buf), cap - strlen(buf), ": ");
                flow_text(n->child[2 * i + 1], buf, cap, depth + 1);
            } else {
                flow_text(n->child[i], buf, cap, depth + 1);
            }
        }
        snprintf(buf + strlen(buf), cap - strlen(buf), map ? "}" : "]");
    }
}

/* An unknown key: report it with the nearest of `known`. */
static int unknown_key(stroma_error *err, const stroma_trial *t, const ynode *k, const char *where,
                       const char *const *known, size_t nknown) {
    const char *near = stroma_suggest(k->text, known, nknown);
    if (near)
        return add_issue(err, STROMA_ERR_UNKNOWN_KEY, t, k, "unknown key '%s'%s%s (did you mean '%s'?)", k->text,
                         where[0] ? " in " : "", where, near);
    return add_issue(err, STROMA_ERR_UNKNOWN_KEY, t, k, "unknown key '%s'%s%s", k->text, where[0] ? " in " : "",
                     where);
}

static const char *const top_keys[] = {"model", "seed", "patients", "end", "baseline", "every", "burden", "cohort",
                                       "arms"};
static const char *const dist_keys[] = {"uniform", "normal", "lognormal", "choice", "min", "max", "integer"};

/* cohort.<key>: {uniform: [a, b] | normal: {mean, sd} | lognormal: {median, sd_log} | choice: [...], min, max,
 * integer}. */
static int load_param(stroma_trial *t, const ynode *k, const ynode *v, trial_param *p, stroma_error *err) {
    char where[300];
    snprintf(where, sizeof where, "cohort.%s", k->text);
    p->line = k->line;
    p->column = k->column;
    if (!(p->key = dup_text(k->text))) return add_issue(err, STROMA_ERR_NOMEM, t, k, "out of memory");
    if (!v || v->kind != STROMA_YAML_MAP)
        return add_issue(err, STROMA_ERR_TYPE, t, v ? v : k,
                         "%s must be a mapping naming a distribution (e.g. {normal: {mean: 600, sd: 60}})", where);
    int ndist = 0, bad = 0;
    for (size_t i = 0; i < v->n; i++) {
        const ynode *dk = v->child[2 * i], *dv = v->child[2 * i + 1];
        const char *name = dk->text;
        if (!strcmp(name, "uniform") || !strcmp(name, "normal") || !strcmp(name, "lognormal") ||
            !strcmp(name, "choice")) {
            ndist++;
            if (!strcmp(name, "uniform")) {
                p->kind = TRIAL_DIST_UNIFORM;
                if (!dv || dv->kind != STROMA_YAML_SEQ || dv->n != 2 || node_number(dv->child[0], &p->a) ||
                    node_number(dv->child[1], &p->b) || !(p->a <= p->b))
                    bad |= add_issue(err, STROMA_ERR_RANGE, t, dv ? dv : dk,
                                     "%s.uniform must be [low, high] with low <= high", where);
            } else if (!strcmp(name, "choice")) {
                p->kind = TRIAL_DIST_CHOICE;
                if (!dv || dv->kind != STROMA_YAML_SEQ || dv->n < 1) {
                    bad |= add_issue(err, STROMA_ERR_RANGE, t, dv ? dv : dk, "%s.choice must be a list of values",
                                     where);
                    continue;
                }
                if (!(p->choices = calloc(dv->n, sizeof *p->choices)))
                    return add_issue(err, STROMA_ERR_NOMEM, t, dv, "out of memory");
                for (size_t c = 0; c < dv->n; c++) {
                    char buf[2048] = "";
                    flow_text(dv->child[c], buf, sizeof buf, 0);
                    if (!(p->choices[p->nchoices++] = dup_text(buf)))
                        return add_issue(err, STROMA_ERR_NOMEM, t, dv, "out of memory");
                }
            } else {
                int normal = !strcmp(name, "normal");
                p->kind = normal ? TRIAL_DIST_NORMAL : TRIAL_DIST_LOGNORMAL;
                const char *ka = normal ? "mean" : "median", *kb = normal ? "sd" : "sd_log";
                int have_a = 0, have_b = 0;
                if (!dv || dv->kind != STROMA_YAML_MAP) {
                    bad |= add_issue(err, STROMA_ERR_TYPE, t, dv ? dv : dk, "%s.%s must be {%s: ..., %s: ...}", where,
                                     name, ka, kb);
                    continue;
                }
                for (size_t j = 0; j < dv->n; j++) {
                    const ynode *pk = dv->child[2 * j], *pv = dv->child[2 * j + 1];
                    if (!strcmp(pk->text, ka)) {
                        have_a = 1;
                        bad |= want_number(err, t, pv, ka, &p->a);
                    } else if (!strcmp(pk->text, kb)) {
                        have_b = 1;
                        bad |= want_number(err, t, pv, kb, &p->b);
                        if (!bad && p->b < 0)
                            bad |= add_issue(err, STROMA_ERR_RANGE, t, pv, "%s must be >= 0 (got %g)", kb, p->b);
                    } else {
                        const char *const known[] = {ka, kb};
                        char w2[320];
                        snprintf(w2, sizeof w2, "%s.%s", where, name);
                        bad |= unknown_key(err, t, pk, w2, known, 2);
                    }
                }
                if (!have_a || !have_b)
                    bad |= add_issue(err, STROMA_ERR_MISSING, t, dv, "%s.%s needs %s and %s", where, name, ka, kb);
                if (!bad && !normal && !(p->a > 0))
                    bad |= add_issue(err, STROMA_ERR_RANGE, t, dv, "%s.lognormal.median must be > 0", where);
            }
        } else if (!strcmp(name, "min")) {
            p->has_min = 1;
            bad |= want_number(err, t, dv, "min", &p->min);
        } else if (!strcmp(name, "max")) {
            p->has_max = 1;
            bad |= want_number(err, t, dv, "max", &p->max);
        } else if (!strcmp(name, "integer")) {
            if (!dv || dv->kind != STROMA_YAML_SCALAR || (strcmp(dv->text, "true") && strcmp(dv->text, "false")))
                bad |= add_issue(err, STROMA_ERR_TYPE, t, dv ? dv : dk, "integer must be true or false");
            else
                p->integer = !strcmp(dv->text, "true");
        } else {
            bad |= unknown_key(err, t, dk, where, dist_keys, sizeof dist_keys / sizeof *dist_keys);
        }
    }
    if (ndist != 1)
        bad |= add_issue(err, STROMA_ERR_MISSING, t, v, "%s needs exactly one of uniform, normal, lognormal, choice",
                         where);
    if (!bad && p->has_min && p->has_max && !(p->min <= p->max))
        bad |= add_issue(err, STROMA_ERR_RANGE, t, v, "%s: min must be <= max", where);
    if (!bad && p->kind == TRIAL_DIST_CHOICE && (p->has_min || p->has_max || p->integer))
        bad |= add_issue(err, STROMA_ERR_ARGUMENT, t, v, "%s: min, max and integer apply to numbers, not choice",
                         where);
    return bad ? -1 : 0;
}

/* arms.<name>: {key.path: value, ...} (an empty mapping or {} : the base model as it is). */
static int load_arm(stroma_trial *t, const ynode *k, const ynode *v, trial_arm *a, stroma_error *err) {
    a->line = k->line;
    a->column = k->column;
    if (!(a->name = dup_text(k->text))) return add_issue(err, STROMA_ERR_NOMEM, t, k, "out of memory");
    if (!k->len) return add_issue(err, STROMA_ERR_RANGE, t, k, "an arm needs a name");
    if (v && v->kind == STROMA_YAML_NULL) return 0;
    if (!v || v->kind != STROMA_YAML_MAP)
        return add_issue(err, STROMA_ERR_TYPE, t, v ? v : k,
                         "arms.%s must be a mapping of model keys to values (key.path: value), or {}", k->text);
    if (v->n && !(a->sets = calloc(v->n, sizeof *a->sets))) return add_issue(err, STROMA_ERR_NOMEM, t, v, "out of memory");
    for (size_t i = 0; i < v->n; i++) {
        const ynode *sk = v->child[2 * i], *sv = v->child[2 * i + 1];
        if (sk->kind != STROMA_YAML_SCALAR || !sk->len)
            return add_issue(err, STROMA_ERR_TYPE, t, sk, "arms.%s: a key must be a model key path", k->text);
        size_t cap = sk->len + 4096;
        char *buf = malloc(cap);
        if (!buf) return add_issue(err, STROMA_ERR_NOMEM, t, sk, "out of memory");
        snprintf(buf, cap, "%s=", sk->text);
        flow_text(sv, buf, cap, 0);
        a->sets[a->nsets].set = buf;
        a->sets[a->nsets].line = sk->line;
        a->sets[a->nsets].column = sk->column;
        a->nsets++;
    }
    return 0;
}

/* Map the loader's "--set:N:COL: text" lines back to the trial file: override N is where[N - 1]; other lines
 * (the model file's own) are kept as they are. */
static void relay_model_error(stroma_trial *t, const stroma_error *e, const char *what, const trial_override *where,
                              int nwhere, stroma_error *err) {
    const char *p = e->message;
    int any = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        int idx = 0, col = 0, off = 0;
        if (sscanf(p, "--set:%d:%d: %n", &idx, &col, &off) == 2 && off > 0 && idx >= 1 && idx <= nwhere) {
            stroma_error_add_at(err, e->code, t->path, where[idx - 1].line, where[idx - 1].column, "%s: %.*s", what,
                                len - off, p + off);
            any = 1;
        } else if (len > 0) {
            stroma_error_add_at(err, e->code, t->path, 1, 1, "%s: the base model: %.*s", what, len, p);
            any = 1;
        }
        p += len;
        if (*p == '\n') p++;
    }
    if (!any) stroma_error_add_at(err, e->code, t->path, 1, 1, "%s: %s", what, stroma_strerror(e->code));
}

/* Load the base model with patient 0's cohort values and arm a's overrides; 0, or -1 after reporting. With
 * model_out non-NULL the model is handed back (a == 0 only). */
static int check_arm(stroma_trial *t, int a, stroma_model **model_out, stroma_error *err) {
    int n = 0;
    char **sets = stroma_trial_job_sets(t, 0, a, &n);
    trial_override *where = calloc((size_t)(n ? n : 1), sizeof *where);
    if (!sets || !where) {
        stroma_trial_free_sets(sets, n);
        free(where);
        stroma_error_add_at(err, STROMA_ERR_NOMEM, t->path, 1, 1, "out of memory");
        return -1;
    }
    for (int i = 0; i < t->nparams; i++) where[i] = (trial_override){NULL, t->params[i].line, t->params[i].column};
    for (int i = 0; i < t->arms[a].nsets; i++) where[t->nparams + i] = t->arms[a].sets[i];
    stroma_error e;
    stroma_error_clear(&e);
    stroma_model *m =
        stroma_model_load_string_set(t->model_text, t->model_len, t->model_path, (const char *const *)sets, n, &e);
    stroma_trial_free_sets(sets, n);
    char what[200];
    snprintf(what, sizeof what, "arm '%.60s' (with the cohort's first patient)", t->arms[a].name);
    if (!m) {
        relay_model_error(t, &e, what, where, n, err);
        free(where);
        return -1;
    }
    free(where);
    if (stroma_model_set_end(m, t->end_min, &e) != STROMA_OK) {
        stroma_error_add_at(err, STROMA_ERR_RANGE, t->path, 1, 1, "end: %s", e.message);
        stroma_model_destroy(&m);
        return -1;
    }
    if (model_out)
        *model_out = m;
    else
        stroma_model_destroy(&m);
    return 0;
}

static int read_model_file(stroma_trial *t, const ynode *v, stroma_error *err) {
    char joined[4096];
    const char *slash = strrchr(t->path, '/');
    if (v->text[0] == '/' || !slash)
        snprintf(joined, sizeof joined, "%s", v->text);
    else
        snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - t->path), t->path, v->text);
    char *abs = realpath(joined, NULL);
    if (!abs) return add_issue(err, STROMA_ERR_NOT_FOUND, t, v, "model: cannot find '%s' (read as %s)", v->text, joined);
    snprintf(t->model_path, sizeof t->model_path, "%s", abs);
    free(abs);
    int e = stroma_read_regular_file(t->model_path, &t->model_text, &t->model_len);
    if (e) return add_issue(err, STROMA_ERR_IO, t, v, "model: cannot read %s: %s", t->model_path, strerror(e));
    stroma_sha256_hex(t->model_text, t->model_len, t->model_sha256);
    return 0;
}

static int walk(stroma_trial *t, const ynode *root, stroma_error *err) {
    if (!root || root->kind != STROMA_YAML_MAP)
        return add_issue(err, STROMA_ERR_PARSE, t, root, "a trial file is a mapping (model:, patients:, arms:, ...)");
    const ynode *seen[9] = {0};
    int bad = 0;
    for (size_t i = 0; i < root->n; i++) {
        const ynode *k = root->child[2 * i], *v = root->child[2 * i + 1];
        size_t which = 0;
        while (which < 9 && strcmp(k->text, top_keys[which])) which++;
        if (which == 9) {
            bad |= unknown_key(err, t, k, "", top_keys, 9);
            continue;
        }
        if (seen[which]) {
            bad |= add_issue(err, STROMA_ERR_PARSE, t, k, "duplicate key '%s' (first at line %d)", k->text,
                             seen[which]->line);
            continue;
        }
        seen[which] = k;
        double x;
        switch (which) {
        case 0:
            if (!v || v->kind != STROMA_YAML_SCALAR || !v->len)
                bad |= add_issue(err, STROMA_ERR_TYPE, t, v ? v : k, "model must be a model file's path");
            else
                bad |= read_model_file(t, v, err);
            break;
        case 1:
        case 2:
            if (want_number(err, t, v, k->text, &x)) {
                bad = 1;
            } else if (x != floor(x) || x < (which == 1 ? 0 : 1) || x > (which == 1 ? 9007199254740992.0 : 100000)) {
                bad |= add_issue(err, STROMA_ERR_RANGE, t, v, "%s must be an integer from %d to %s (got %s)", k->text,
                                 which == 1 ? 0 : 1, which == 1 ? "2^53" : "100000", v->text);
            } else if (which == 1) {
                t->seed = (uint64_t)x;
            } else {
                t->patients = (int)x;
            }
            break;
        case 3:
        case 4:
        case 5:
            if (want_number(err, t, v, k->text, &x)) {
                bad = 1;
            } else if (which == 4 ? !(x >= 0) : !(x > 0)) {
                bad |= add_issue(err, STROMA_ERR_RANGE, t, v, "%s must be %s in min (got %s)", k->text,
                                 which == 4 ? ">= 0" : "> 0", v->text);
            } else {
                *(which == 3 ? &t->end_min : which == 4 ? &t->baseline_min : &t->every_min) = x;
                if (which == 5) t->every_line = v->line, t->every_column = v->column;
            }
            break;
        case 6:
            t->burden_line = k->line;
            t->burden_column = k->column;
            if (!v || v->kind != STROMA_YAML_SEQ || !v->n) {
                bad |= add_issue(err, STROMA_ERR_TYPE, t, v ? v : k, "burden must be a list of cell types");
                break;
            }
            if (!(t->burden = calloc(v->n, sizeof *t->burden))) return add_issue(err, STROMA_ERR_NOMEM, t, v, "out of memory");
            for (size_t j = 0; j < v->n; j++) {
                if (v->child[j]->kind != STROMA_YAML_SCALAR) {
                    bad |= add_issue(err, STROMA_ERR_TYPE, t, v->child[j], "burden: a cell type name");
                    continue;
                }
                if (!(t->burden[t->nburden++] = dup_text(v->child[j]->text)))
                    return add_issue(err, STROMA_ERR_NOMEM, t, v, "out of memory");
            }
            break;
        case 7:
            if (v && v->kind == STROMA_YAML_NULL) break;
            if (!v || v->kind != STROMA_YAML_MAP) {
                bad |= add_issue(err, STROMA_ERR_TYPE, t, v ? v : k,
                                 "cohort must be a mapping of model keys to distributions");
                break;
            }
            if (v->n && !(t->params = calloc(v->n, sizeof *t->params)))
                return add_issue(err, STROMA_ERR_NOMEM, t, v, "out of memory");
            for (size_t j = 0; j < v->n; j++)
                bad |= load_param(t, v->child[2 * j], v->child[2 * j + 1], &t->params[t->nparams++], err);
            break;
        case 8:
            if (!v || v->kind != STROMA_YAML_MAP || !v->n) {
                bad |= add_issue(err, STROMA_ERR_TYPE, t, v ? v : k,
                                 "arms must be a mapping of arm names to overrides (e.g. control: {})");
                break;
            }
            if (!(t->arms = calloc(v->n, sizeof *t->arms))) return add_issue(err, STROMA_ERR_NOMEM, t, v, "out of memory");
            for (size_t j = 0; j < v->n; j++) {
                for (size_t q = 0; q < j; q++)
                    if (!strcmp(v->child[2 * q]->text, v->child[2 * j]->text))
                        bad |= add_issue(err, STROMA_ERR_PARSE, t, v->child[2 * j], "duplicate arm '%s'",
                                         v->child[2 * j]->text);
                bad |= load_arm(t, v->child[2 * j], v->child[2 * j + 1], &t->arms[t->narms++], err);
            }
            break;
        }
    }
    const char *required[] = {"model", "patients", "end", "every", "arms"};
    const int req_idx[] = {0, 2, 3, 5, 8};
    for (int r = 0; r < 5; r++)
        if (!seen[req_idx[r]]) bad |= add_issue(err, STROMA_ERR_MISSING, t, root, "missing key '%s'", required[r]);
    if (bad) return -1;
    double steps = t->end_min / t->every_min, bsteps = t->baseline_min / t->every_min;
    if (fabs(steps - nearbyint(steps)) > 1e-9 * steps || steps > 100000)
        return add_issue(err, STROMA_ERR_RANGE, t, seen[3], "end (%g min) must be a whole multiple of every (%g min), "
                         "at most 100000 of them", t->end_min, t->every_min);
    if (fabs(bsteps - nearbyint(bsteps)) > 1e-9 * (bsteps + 1) || !(t->baseline_min < t->end_min))
        return add_issue(err, STROMA_ERR_RANGE, t, seen[4] ? seen[4] : root,
                         "baseline (%g min) must be a whole multiple of every (%g min) and before end (%g min)",
                         t->baseline_min, t->every_min, t->end_min);
    return 0;
}

/* Checks against the base model: burden types exist, the domain is 2D or 3D; records the plasma biomarkers. */
static int check_model(stroma_trial *t, const stroma_model *m, stroma_error *err) {
    if (m->dim < 2)
        return stroma_error_add_at(err, STROMA_ERR_ARGUMENT, t->path, 1, 1,
                                   "the base model is 1D: a tumour size needs a 2D or 3D domain"), -1;
    t->dim = m->dim;
    double steps = t->every_min / m->dt_diffusion_min;
    if (fabs(steps - nearbyint(steps)) > 1e-9 * steps)
        return stroma_error_add_at(err, STROMA_ERR_RANGE, t->path, t->every_line, t->every_column,
                                   "every (%g min) must be a whole multiple of the base model's time.dt_diffusion "
                                   "(%g min)", t->every_min, m->dt_diffusion_min), -1;
    if (!t->nburden) {
        if (!m->ntypes)
            return stroma_error_add_at(err, STROMA_ERR_ARGUMENT, t->path, 1, 1,
                                       "the base model has no cell types: nothing to count as tumour burden"), -1;
        if (!(t->burden = calloc((size_t)m->ntypes, sizeof *t->burden))) return -1;
        for (int k = 0; k < m->ntypes; k++)
            if (!(t->burden[t->nburden++] = dup_text(m->cell_types[k].name))) return -1;
    } else {
        const char **names = calloc((size_t)m->ntypes + 1, sizeof *names);
        if (!names) return -1;
        for (int k = 0; k < m->ntypes; k++) names[k] = m->cell_types[k].name;
        for (int b = 0; b < t->nburden; b++) {
            int found = 0;
            for (int k = 0; k < m->ntypes; k++) found |= !strcmp(names[k], t->burden[b]);
            if (!found) {
                const char *near = stroma_suggest(t->burden[b], names, (size_t)m->ntypes);
                stroma_error_add_at(err, STROMA_ERR_ARGUMENT, t->path, t->burden_line, t->burden_column,
                                    "burden: the base model has no cell type '%s'%s%s%s", t->burden[b],
                                    near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
                free(names);
                return -1;
            }
        }
        free(names);
    }
    return 0;
}

static int find_cachexia_and_plasma(stroma_trial *t, const stroma_model *m, stroma_error *err) {
    t->has_cachexia = m->readout.index[STROMA_INDEX_CACHEXIA].present;
    stroma_sim_options o = {.threads = 1};
    stroma_error e;
    stroma_sim *sim = stroma_sim_create(m, &o, &e);
    if (!sim) {
        stroma_error_add_at(err, e.code, t->path, 1, 1, "the base model: %s", e.message);
        return -1;
    }
    t->nplasma = stroma_sim_plasma_count(sim);
    if (t->nplasma && !(t->plasma = calloc((size_t)t->nplasma, sizeof *t->plasma))) {
        stroma_sim_destroy(&sim);
        return -1;
    }
    for (int k = 0; k < t->nplasma; k++)
        if (!(t->plasma[k] = dup_text(stroma_sim_plasma(sim, k).name))) {
            stroma_sim_destroy(&sim);
            return -1;
        }
    stroma_sim_destroy(&sim);
    return 0;
}

stroma_trial *stroma_trial_load(const char *path, stroma_error *err) {
    stroma_error local;
    if (!err) err = &local;
    stroma_error_clear(err);
    if (!path) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_trial_load: no path");
        return NULL;
    }
    stroma_trial *t = calloc(1, sizeof *t);
    if (!t) {
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
        return NULL;
    }
    snprintf(t->path, sizeof t->path, "%s", path);
    t->seed = 1;
    char *text = NULL;
    size_t len = 0;
    int e = stroma_read_regular_file(path, &text, &len);
    if (e) {
        stroma_error_set(err, e == ENOENT ? STROMA_ERR_NOT_FOUND : STROMA_ERR_ARGUMENT, "%s: cannot read the trial file: %s",
                         path, strerror(e));
        stroma_trial_destroy(&t);
        return NULL;
    }
    stroma_sha256_hex(text, len, t->sha256);
    stroma_yaml_tree *tree = stroma_yaml_tree_parse(text, len, path, err);
    free(text);
    if (!tree) {
        stroma_trial_destroy(&t);
        return NULL;
    }
    int bad = walk(t, tree->root, err);
    stroma_yaml_tree_destroy(&tree);
    stroma_model *m = NULL;
    if (!bad)
        for (int a = 0; a < t->narms; a++) bad |= check_arm(t, a, a == 0 ? &m : NULL, err);
    if (!bad && (check_model(t, m, err) || find_cachexia_and_plasma(t, m, err))) bad = 1;
    stroma_model_destroy(&m);
    if (bad) {
        if (err->code == STROMA_OK) stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
        stroma_trial_destroy(&t);
        return NULL;
    }
    return t;
}

void stroma_trial_destroy(stroma_trial **tp) {
    if (!tp || !*tp) return;
    stroma_trial *t = *tp;
    free(t->model_text);
    for (int i = 0; i < t->nburden; i++) free(t->burden[i]);
    free(t->burden);
    for (int i = 0; i < t->nparams; i++) {
        free(t->params[i].key);
        for (int c = 0; c < t->params[i].nchoices; c++) free(t->params[i].choices[c]);
        free(t->params[i].choices);
    }
    free(t->params);
    for (int a = 0; a < t->narms; a++) {
        free(t->arms[a].name);
        for (int s = 0; s < t->arms[a].nsets; s++) free(t->arms[a].sets[s].set);
        free(t->arms[a].sets);
    }
    free(t->arms);
    for (int k = 0; k < t->nplasma; k++) free(t->plasma[k]);
    free(t->plasma);
    free(t);
    *tp = NULL;
}

int stroma_trial_patient_count(const stroma_trial *t) { return t ? t->patients : 0; }
int stroma_trial_arm_count(const stroma_trial *t) { return t ? t->narms : 0; }

int stroma_trial_ntimes(const stroma_trial *t) { return (int)nearbyint(t->end_min / t->every_min) + 1; }

uint64_t stroma_trial_patient_seed(const stroma_trial *t, int patient) {
    uint32_t w[4];
    stroma_rng_block((stroma_rng_key){t->seed}, (uint64_t)patient, 0, STROMA_RNG_PATIENT_SEED, 0, w);
    uint64_t s = w[0] & 0x7fffffffu;
    return s ? s : 1;
}

void stroma_trial_patient_value(const stroma_trial *t, int patient, int p, char *buf, size_t cap) {
    const trial_param *q = &t->params[p];
    stroma_rng_key key = {t->seed};
    if (q->kind == TRIAL_DIST_CHOICE) {
        double u[2];
        stroma_rng_uniform2(key, (uint64_t)patient, (uint64_t)p, STROMA_RNG_COHORT, 0, u);
        int c = (int)(u[0] * q->nchoices);
        if (c >= q->nchoices) c = q->nchoices - 1;
        snprintf(buf, cap, "%s", q->choices[c]);
        return;
    }
    double x;
    if (q->kind == TRIAL_DIST_UNIFORM) {
        double u[2];
        stroma_rng_uniform2(key, (uint64_t)patient, (uint64_t)p, STROMA_RNG_COHORT, 0, u);
        x = q->a + (q->b - q->a) * u[0];
    } else {
        double z[2];
        stroma_rng_normal2(key, (uint64_t)patient, (uint64_t)p, STROMA_RNG_COHORT, 0, z);
        x = q->kind == TRIAL_DIST_NORMAL ? q->a + q->b * z[0] : q->a * exp(q->b * z[0]);
    }
    if (q->has_min && x < q->min) x = q->min;
    if (q->has_max && x > q->max) x = q->max;
    if (q->integer)
        snprintf(buf, cap, "%.0f", nearbyint(x));
    else
        snprintf(buf, cap, "%.17g", x);
}

char **stroma_trial_job_sets(const stroma_trial *t, int patient, int arm, int *n) {
    int total = t->nparams + t->arms[arm].nsets;
    *n = total;
    char **sets = calloc((size_t)(total ? total : 1), sizeof *sets);
    if (!sets) return NULL;
    for (int p = 0; p < t->nparams; p++) {
        char val[2048];
        stroma_trial_patient_value(t, patient, p, val, sizeof val);
        size_t cap = strlen(t->params[p].key) + strlen(val) + 2;
        if (!(sets[p] = malloc(cap))) {
            stroma_trial_free_sets(sets, total);
            return NULL;
        }
        snprintf(sets[p], cap, "%s=%s", t->params[p].key, val);
    }
    for (int s = 0; s < t->arms[arm].nsets; s++)
        if (!(sets[t->nparams + s] = dup_text(t->arms[arm].sets[s].set))) {
            stroma_trial_free_sets(sets, total);
            return NULL;
        }
    return sets;
}

void stroma_trial_free_sets(char **sets, int n) {
    if (!sets) return;
    for (int i = 0; i < n; i++) free(sets[i]);
    free(sets);
}
