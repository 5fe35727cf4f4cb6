/* A trial's outcomes and statistics (trial.h, docs/trials.md): the RECIST-like classification of each run's burden
 * series, response rates with Wilson and Clopper-Pearson intervals, Kaplan-Meier progression-free survival per arm
 * and the log-rank test across arms, and per arm the ROC AUC of every baseline plasma biomarker for response with
 * DeLong's interval, the Mann-Whitney p and Benjamini-Hochberg q; all written to OUT/results.sqlite (built under a
 * temporary name and renamed), one CSV per table in OUT/csv/, and the HTML report. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "trial/stats.h"
#include "trial/trial.h"
#include "util/error_impl.h"

const char *const stroma_trial_response_names[5] = {"CR", "PR", "SD", "PD", "NE"};

/* RECIST 1.1-like thresholds on the tumour size (burden^(1/dim)): partial response at -30 % from baseline,
 * progression at +20 % from the nadir. */
#define TRIAL_PR_CHANGE (-0.30)
#define TRIAL_PD_CHANGE 0.20

void stroma_trial_outcome(const stroma_trial *t, const trial_job *j, trial_outcome *o) {
    int b = (int)nearbyint(t->baseline_min / t->every_min);
    if (b >= j->ntimes) b = j->ntimes - 1;
    o->baseline_index = b;
    o->baseline_burden = j->burden[b];
    o->final_burden = j->burden[j->ntimes - 1];
    o->best_change = NAN;
    o->best_response = TRIAL_NE;
    o->responder = 0;
    o->pfs_min = j->time[j->ntimes - 1] - j->time[b];
    o->pfs_event = 0;
    double s0 = pow(o->baseline_burden, 1.0 / t->dim);
    if (!(s0 > 0)) return; /* nothing to measure at baseline: not evaluable */
    double nadir = s0;
    int progressed = 0;
    for (int k = b + 1; k < j->ntimes; k++) {
        double s = pow(j->burden[k], 1.0 / t->dim), change = s / s0 - 1.0;
        if (!(change >= o->best_change)) o->best_change = change; /* NaN-safe min */
        if (progressed) continue;
        int cat;
        if (s == 0)
            cat = TRIAL_CR;
        else if (s >= nadir * (1.0 + TRIAL_PD_CHANGE))
            cat = TRIAL_PD;
        else if (change <= TRIAL_PR_CHANGE)
            cat = TRIAL_PR;
        else
            cat = TRIAL_SD;
        if (cat == TRIAL_PD) {
            progressed = 1;
            o->pfs_min = j->time[k] - j->time[b];
            o->pfs_event = 1;
        }
        if (o->best_response == TRIAL_NE || cat < o->best_response) o->best_response = cat;
        if (s < nadir) nadir = s;
    }
    o->responder = o->best_response == TRIAL_CR || o->best_response == TRIAL_PR;
}

/* ---- SQLite helpers ---- */

static stroma_code db_fail(sqlite3 *db, const char *what, stroma_error *err) {
    return stroma_error_set(err, STROMA_ERR_IO, "results.sqlite: %s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

static stroma_code db_exec(sqlite3 *db, const char *sql, stroma_error *err) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        stroma_code rc = stroma_error_set(err, STROMA_ERR_IO, "results.sqlite: %s (in: %.200s)", msg ? msg : "?", sql);
        sqlite3_free(msg);
        return rc;
    }
    return STROMA_OK;
}

/* Bind a double, NULL when not finite. */
static void bind_num(sqlite3_stmt *st, int i, double v) {
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* A quoted SQL identifier for a column named by the user (a model key, a biomarker): "..." with " doubled. */
static void sql_ident(char *buf, size_t cap, const char *prefix, const char *name) {
    size_t o = 0;
    buf[o++] = '"';
    for (const char *p = prefix; *p && o + 3 < cap; p++) buf[o++] = *p;
    for (const char *p = name; *p && o + 3 < cap; p++) {
        if (*p == '"') buf[o++] = '"';
        buf[o++] = *p;
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

/* A prepared statement for `sql`, or NULL after reporting. */
static sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, stroma_error *err) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, sql, err);
        return NULL;
    }
    return st;
}

static int db_step(sqlite3 *db, sqlite3_stmt *st, stroma_error *err) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        db_fail(db, "insert", err);
        return -1;
    }
    return 0;
}

static size_t sappend(char **buf, size_t *cap, size_t len, const char *s) {
    size_t n = strlen(s);
    if (len + n + 1 > *cap) {
        size_t nc = (*cap + n + 1) * 2;
        char *p = realloc(*buf, nc);
        if (!p) return len;
        *buf = p;
        *cap = nc;
    }
    memcpy(*buf + len, s, n + 1);
    return len + n;
}

/* ---- the tables ---- */
/* Appends ", <prefix><name as an SQL identifier><type>" to the statement being built and counts the column. */
static size_t sql_col(char **sql, size_t *cap, size_t len, int *ncols, const char *prefix, const char *name,
                      const char *type) {
    char col[600];
    sql_ident(col, sizeof col, prefix, name);
    len = sappend(sql, cap, len, ", ");
    len = sappend(sql, cap, len, col);
    (*ncols)++;
    return sappend(sql, cap, len, type);
}

/* Runs `create` (a CREATE TABLE built with sappend; freed here, NULL: out of memory) and prepares the insert of a
 * row of its ncols columns into table. Returns the statement, or NULL with *err. */
static sqlite3_stmt *db_table(sqlite3 *db, const char *table, char *create, int ncols, stroma_error *err) {
    stroma_code rc = create ? db_exec(db, create, err) : stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    free(create);
    if (rc != STROMA_OK) return NULL;
    char *ins = NULL;
    size_t cap = 0, len = sappend(&ins, &cap, 0, "INSERT INTO ");
    len = sappend(&ins, &cap, len, table);
    len = sappend(&ins, &cap, len, " VALUES (?");
    for (int c = 1; c < ncols; c++) len = sappend(&ins, &cap, len, ", ?");
    sappend(&ins, &cap, len, ")");
    if (!ins) {
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
        return NULL;
    }
    sqlite3_stmt *st = db_prepare(db, ins, err);
    free(ins);
    return st;
}


static stroma_code write_trial_table(sqlite3 *db, const stroma_trial *t, int patients, const double *lr, int lr_ok,
                                     const char *lr_note, stroma_error *err) {
    stroma_code rc = db_exec(db, "CREATE TABLE trial (key TEXT PRIMARY KEY, value)", err);
    if (rc != STROMA_OK) return rc;
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO trial VALUES (?, ?)", err);
    if (!st) return err->code;
    struct {
        const char *k;
        const char *s;
        double v;
        int is_num;
    } rows[] = {
        {"stroma_version", stroma_version(), 0, 0},
        {"trial_file", t->path, 0, 0},
        {"trial_sha256", t->sha256, 0, 0},
        {"model", t->model_path, 0, 0},
        {"model_sha256", t->model_sha256, 0, 0},
        {"seed", NULL, (double)t->seed, 1},
        {"patients", NULL, patients, 1},
        {"arms", NULL, t->narms, 1},
        {"end_min", NULL, t->end_min, 1},
        {"baseline_min", NULL, t->baseline_min, 1},
        {"every_min", NULL, t->every_min, 1},
        {"size_dimension", NULL, t->dim, 1},
        {"response_rule", "RECIST-like on size = burden^(1/size_dimension): CR size 0; PR <= -30 % from baseline; "
                          "PD >= +20 % from nadir; else SD; NE no burden at baseline",
         0, 0},
        {"cachexia", t->has_cachexia ? "indices.cachexia of the model" : "the model has no cachexia index", 0, 0},
        {"logrank_chi2", NULL, lr_ok ? lr[0] : NAN, 1},
        {"logrank_df", NULL, lr_ok ? lr[1] : NAN, 1},
        {"logrank_p", NULL, lr_ok ? lr[2] : NAN, 1},
        {"logrank_note", lr_note, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        sqlite3_bind_text(st, 1, rows[i].k, -1, SQLITE_STATIC);
        if (rows[i].is_num) {
            if (rows[i].v == floor(rows[i].v) && fabs(rows[i].v) < 9e15)
                sqlite3_bind_int64(st, 2, (sqlite3_int64)rows[i].v);
            else
                bind_num(st, 2, rows[i].v);
        } else {
            sqlite3_bind_text(st, 2, rows[i].s ? rows[i].s : "", -1, SQLITE_TRANSIENT);
        }
        if (db_step(db, st, err)) break;
    }
    sqlite3_finalize(st);
    return err->code;
}

static stroma_code write_patients(sqlite3 *db, const stroma_trial *t, int patients, stroma_error *err) {
    char *sql = NULL;
    size_t cap = 0, len = 0;
    int nc = 2;
    len = sappend(&sql, &cap, len, "CREATE TABLE patients (patient INTEGER PRIMARY KEY, seed INTEGER");
    for (int p = 0; p < t->nparams; p++) len = sql_col(&sql, &cap, len, &nc, "", t->params[p].key, "");
    sappend(&sql, &cap, len, ")");
    sqlite3_stmt *st = db_table(db, "patients", sql, nc, err);
    if (!st) return err->code;
    for (int i = 0; i < patients; i++) {
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)stroma_trial_patient_seed(t, i));
        for (int p = 0; p < t->nparams; p++) {
            char v[2048], *end;
            stroma_trial_patient_value(t, i, p, v, sizeof v);
            double x = strtod(v, &end);
            if (!*end && t->params[p].kind != TRIAL_DIST_CHOICE)
                sqlite3_bind_double(st, 3 + p, x);
            else
                sqlite3_bind_text(st, 3 + p, v, -1, SQLITE_TRANSIENT);
        }
        if (db_step(db, st, err)) break;
    }
    sqlite3_finalize(st);
    return err->code;
}

static stroma_code write_timeseries(sqlite3 *db, const stroma_trial *t, int patients, const trial_job *jobs,
                                    stroma_error *err) {
    char *sql = NULL;
    size_t cap = 0, len = 0;
    int nc = 5;
    len = sappend(&sql, &cap, len,
                  "CREATE TABLE timeseries (patient INTEGER, arm INTEGER, time_min REAL, burden REAL, size_change REAL");
    for (int k = 0; k < t->nplasma; k++) len = sql_col(&sql, &cap, len, &nc, "plasma_", t->plasma[k], " REAL");
    sappend(&sql, &cap, len, ", cachexia_index REAL, PRIMARY KEY (patient, arm, time_min))");
    sqlite3_stmt *st = db_table(db, "timeseries", sql, nc + 1, err);
    if (!st) return err->code;
    int b = (int)nearbyint(t->baseline_min / t->every_min);
    for (int i = 0; i < patients * t->narms && err->code == STROMA_OK; i++) {
        const trial_job *j = &jobs[i];
        double s0 = pow(j->burden[b], 1.0 / t->dim);
        for (int c = 0; c < j->ntimes; c++) {
            sqlite3_bind_int(st, 1, j->patient);
            sqlite3_bind_int(st, 2, j->arm);
            bind_num(st, 3, j->time[c]);
            bind_num(st, 4, j->burden[c]);
            bind_num(st, 5, s0 > 0 ? pow(j->burden[c], 1.0 / t->dim) / s0 - 1.0 : NAN);
            for (int k = 0; k < t->nplasma; k++) bind_num(st, 6 + k, j->plasma[k * j->ntimes + c]);
            bind_num(st, 6 + t->nplasma, j->cachexia ? j->cachexia[c] : NAN);
            if (db_step(db, st, err)) break;
        }
    }
    sqlite3_finalize(st);
    return err->code;
}

static stroma_code write_outcomes(sqlite3 *db, const stroma_trial *t, int patients, const trial_job *jobs,
                                  const trial_outcome *oc, stroma_error *err) {
    char *sql = NULL;
    size_t cap = 0, len = 0;
    int nc = 11;
    len = sappend(&sql, &cap, len,
                  "CREATE TABLE outcomes (patient INTEGER, arm INTEGER, arm_name TEXT, seed INTEGER, "
                  "baseline_burden REAL, final_burden REAL, best_change REAL, best_response TEXT, responder INTEGER, "
                  "pfs_min REAL, pfs_event INTEGER");
    for (int k = 0; k < t->nplasma; k++)
        for (int w = 0; w < 2; w++)
            len = sql_col(&sql, &cap, len, &nc, w ? "treated_plasma_" : "baseline_plasma_", t->plasma[k], " REAL");
    sappend(&sql, &cap, len,
            ", baseline_cachexia REAL, treated_cachexia REAL, command TEXT, PRIMARY KEY (patient, arm))");
    sqlite3_stmt *st = db_table(db, "outcomes", sql, nc + 3, err);
    if (!st) return err->code;
    for (int i = 0; i < patients * t->narms; i++) {
        const trial_job *j = &jobs[i];
        const trial_outcome *o = &oc[i];
        int b = o->baseline_index, e = j->ntimes - 1, c = 1;
        sqlite3_bind_int(st, c++, j->patient);
        sqlite3_bind_int(st, c++, j->arm);
        sqlite3_bind_text(st, c++, t->arms[j->arm].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, c++, (sqlite3_int64)j->seed);
        bind_num(st, c++, o->baseline_burden);
        bind_num(st, c++, o->final_burden);
        bind_num(st, c++, o->best_change);
        sqlite3_bind_text(st, c++, stroma_trial_response_names[o->best_response], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, c++, o->responder);
        bind_num(st, c++, o->pfs_min);
        sqlite3_bind_int(st, c++, o->pfs_event);
        for (int k = 0; k < t->nplasma; k++) {
            bind_num(st, c++, j->plasma[k * j->ntimes + b]);
            bind_num(st, c++, j->plasma[k * j->ntimes + e]);
        }
        bind_num(st, c++, j->cachexia ? j->cachexia[b] : NAN);
        bind_num(st, c++, j->cachexia ? j->cachexia[e] : NAN);
        sqlite3_bind_text(st, c++, j->command, -1, SQLITE_STATIC);
        if (db_step(db, st, err)) break;
    }
    sqlite3_finalize(st);
    return err->code;
}

/* arms (response rates, PFS medians) and km (the Kaplan-Meier curve of each arm). */
static stroma_code write_arms_km(sqlite3 *db, const stroma_trial *t, int patients, const trial_outcome *oc,
                                 stroma_error *err) {
    stroma_code rc = db_exec(db,
                             "CREATE TABLE arms (arm INTEGER PRIMARY KEY, name TEXT, overrides TEXT, patients INTEGER, "
                             "cr INTEGER, pr INTEGER, sd INTEGER, pd INTEGER, ne INTEGER, responders INTEGER, "
                             "response_rate REAL, rate_lo REAL, rate_hi REAL, rate_exact_lo REAL, rate_exact_hi REAL, "
                             "progressions INTEGER, pfs_median_min REAL, pfs_median_lo REAL, pfs_median_hi REAL);"
                             "CREATE TABLE km (arm INTEGER, time_min REAL, at_risk INTEGER, events INTEGER, "
                             "survival REAL, lo REAL, hi REAL)",
                             err);
    if (rc != STROMA_OK) return rc;
    sqlite3_stmt *sa = db_prepare(db, "INSERT INTO arms VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err);
    sqlite3_stmt *sk = sa ? db_prepare(db, "INSERT INTO km VALUES (?,?,?,?,?,?,?)", err) : NULL;
    double *time = malloc((size_t)patients * sizeof *time);
    int *event = malloc((size_t)patients * sizeof *event);
    stroma_km_step *steps = malloc((size_t)patients * sizeof *steps);
    if (!time || !event || !steps) rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    for (int a = 0; a < t->narms && sk && rc == STROMA_OK; a++) {
        int cnt[5] = {0}, resp = 0, prog = 0;
        for (int i = 0; i < patients; i++) {
            const trial_outcome *o = &oc[i * t->narms + a];
            cnt[o->best_response]++;
            resp += o->responder;
            prog += o->pfs_event;
            time[i] = o->pfs_min;
            event[i] = o->pfs_event;
        }
        stroma_stats_interval w, cp;
        if ((rc = stroma_stats_wilson(resp, patients, &w, err)) != STROMA_OK) break;
        if ((rc = stroma_stats_clopper_pearson(resp, patients, &cp, err)) != STROMA_OK) break;
        size_t nsteps = 0;
        stroma_km_median med;
        if ((rc = stroma_stats_km(time, event, (size_t)patients, steps, &nsteps, &med, err)) != STROMA_OK) break;
        char *ov = NULL;
        size_t cap = 0, len = sappend(&ov, &cap, 0, "");
        for (int s = 0; s < t->arms[a].nsets; s++) {
            if (s) len = sappend(&ov, &cap, len, "; ");
            len = sappend(&ov, &cap, len, t->arms[a].sets[s].set);
        }
        int c = 1;
        sqlite3_bind_int(sa, c++, a);
        sqlite3_bind_text(sa, c++, t->arms[a].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(sa, c++, ov ? ov : "", -1, SQLITE_TRANSIENT);
        free(ov);
        sqlite3_bind_int(sa, c++, patients);
        for (int k = 0; k < 5; k++) sqlite3_bind_int(sa, c++, cnt[k]);
        sqlite3_bind_int(sa, c++, resp);
        bind_num(sa, c++, w.estimate);
        bind_num(sa, c++, w.lo);
        bind_num(sa, c++, w.hi);
        bind_num(sa, c++, cp.lo);
        bind_num(sa, c++, cp.hi);
        sqlite3_bind_int(sa, c++, prog);
        bind_num(sa, c++, med.median);
        bind_num(sa, c++, med.lo);
        bind_num(sa, c++, med.hi);
        if (db_step(db, sa, err)) rc = err->code;
        for (size_t s = 0; s < nsteps && rc == STROMA_OK; s++) {
            sqlite3_bind_int(sk, 1, a);
            bind_num(sk, 2, steps[s].time);
            sqlite3_bind_int64(sk, 3, (sqlite3_int64)steps[s].at_risk);
            sqlite3_bind_int64(sk, 4, (sqlite3_int64)steps[s].events);
            bind_num(sk, 5, steps[s].survival);
            bind_num(sk, 6, steps[s].lo);
            bind_num(sk, 7, steps[s].hi);
            if (db_step(db, sk, err)) rc = err->code;
        }
    }
    free(time);
    free(event);
    free(steps);
    sqlite3_finalize(sa);
    sqlite3_finalize(sk);
    return sa && sk ? rc : err->code;
}

/* Log-rank across arms: lr[3] = chi2, df, p; 1 computed, 0 not (note says why). */
static int logrank(const stroma_trial *t, int patients, const trial_outcome *oc, double lr[3], char *note, size_t cap) {
    size_t n = (size_t)patients * (size_t)t->narms;
    if (t->narms < 2) {
        snprintf(note, cap, "one arm: nothing to compare");
        return 0;
    }
    double *time = malloc(n * sizeof *time);
    int *event = malloc(n * sizeof *event), *group = malloc(n * sizeof *group), nev = 0;
    int ok = 0;
    if (time && event && group) {
        for (size_t i = 0; i < n; i++) {
            time[i] = oc[i].pfs_min;
            event[i] = oc[i].pfs_event;
            group[i] = (int)(i % (size_t)t->narms);
            nev += event[i];
        }
        stroma_logrank_result r;
        stroma_error e;
        if (!nev) {
            snprintf(note, cap, "no progression in any arm: the log-rank test is undefined");
        } else if (stroma_stats_logrank(time, event, group, n, t->narms, NULL, NULL, &r, &e) == STROMA_OK) {
            lr[0] = r.chi2;
            lr[1] = r.df;
            lr[2] = r.p;
            snprintf(note, cap, "progression-free survival, all arms, Mantel-Haenszel");
            ok = 1;
        } else {
            snprintf(note, cap, "not computed: %.200s", e.message);
        }
    }
    free(time);
    free(event);
    free(group);
    return ok;
}

/* biomarkers: per arm and plasma biomarker, the baseline value as a predictor of response. */
static stroma_code write_biomarkers(sqlite3 *db, const stroma_trial *t, int patients, const trial_job *jobs,
                                    const trial_outcome *oc, stroma_error *err) {
    stroma_code rc = db_exec(db,
                             "CREATE TABLE biomarkers (arm INTEGER, arm_name TEXT, biomarker TEXT, n_responders INTEGER, "
                             "n_nonresponders INTEGER, auc REAL, auc_lo REAL, auc_hi REAL, p REAL, p_method TEXT, "
                             "q REAL, note TEXT, PRIMARY KEY (arm, biomarker))",
                             err);
    if (rc != STROMA_OK || !t->nplasma) return rc;
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO biomarkers VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", err);
    if (!st) return err->code;
    int m = t->nplasma;
    double *score = malloc((size_t)patients * sizeof *score), *p = malloc((size_t)m * sizeof *p);
    int *outcome = malloc((size_t)patients * sizeof *outcome);
    stroma_roc_result *roc = malloc((size_t)m * sizeof *roc);
    int *ok = malloc((size_t)m * sizeof *ok);
    double *pv = malloc((size_t)m * sizeof *pv), *qv = malloc((size_t)m * sizeof *qv);
    if (!score || !p || !outcome || !roc || !ok || !pv || !qv) rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    for (int a = 0; a < t->narms && rc == STROMA_OK; a++) {
        int npos = 0;
        for (int i = 0; i < patients; i++) npos += outcome[i] = oc[i * t->narms + a].responder;
        int np = 0;
        for (int k = 0; k < m; k++) {
            ok[k] = 0;
            if (npos == 0 || npos == patients) continue;
            for (int i = 0; i < patients; i++) {
                const trial_job *j = &jobs[i * t->narms + a];
                score[i] = j->plasma[k * j->ntimes + oc[i * t->narms + a].baseline_index];
            }
            stroma_error e;
            if (stroma_stats_roc(score, outcome, (size_t)patients, &roc[k], &e) == STROMA_OK) {
                ok[k] = 1;
                p[k] = isfinite(roc[k].p_exact) ? roc[k].p_exact : roc[k].p_normal;
                pv[np++] = p[k];
            }
        }
        if (np && stroma_stats_bh(pv, (size_t)np, qv, err) != STROMA_OK) rc = err->code;
        for (int k = 0, used = 0; k < m && rc == STROMA_OK; k++) {
            int c = 1;
            sqlite3_bind_int(st, c++, a);
            sqlite3_bind_text(st, c++, t->arms[a].name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, c++, t->plasma[k], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, c++, npos);
            sqlite3_bind_int(st, c++, patients - npos);
            if (ok[k]) {
                bind_num(st, c++, roc[k].auc);
                bind_num(st, c++, roc[k].lo);
                bind_num(st, c++, roc[k].hi);
                bind_num(st, c++, p[k]);
                sqlite3_bind_text(st, c++, isfinite(roc[k].p_exact) ? "Mann-Whitney exact" : "Mann-Whitney normal",
                                  -1, SQLITE_STATIC);
                bind_num(st, c++, qv[used]);
                used++;
                sqlite3_bind_text(st, c++, "baseline plasma value vs response (CR or PR)", -1, SQLITE_STATIC);
            } else {
                c += 6;
                sqlite3_bind_text(st, c++,
                                  npos == 0 ? "no responder in this arm: AUC undefined"
                                            : npos == patients ? "every patient responded: AUC undefined"
                                                               : "not computed",
                                  -1, SQLITE_STATIC);
            }
            if (db_step(db, st, err)) rc = err->code;
        }
    }
    free(score);
    free(p);
    free(pv);
    free(qv);
    free(outcome);
    free(roc);
    free(ok);
    sqlite3_finalize(st);
    return rc;
}

/* ---- CSV export of a table ---- */

static void csv_field(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static stroma_code export_csv(sqlite3 *db, const char *table, const char *order, const char *out_dir,
                              stroma_error *err) {
    char sql[256], path[2048];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", table, order);
    snprintf(path, sizeof path, "%s/csv/%s.csv", out_dir, table);
    sqlite3_stmt *st = db_prepare(db, sql, err);
    if (!st) return err->code;
    stroma_atomic_file af;
    stroma_code rc = stroma_atomic_begin(&af, path, 0, err);
    if (rc != STROMA_OK) {
        sqlite3_finalize(st);
        return rc;
    }
    int nc = sqlite3_column_count(st);
    for (int c = 0; c < nc; c++) {
        if (c) fputc(',', af.f);
        csv_field(af.f, sqlite3_column_name(st, c));
    }
    fputc('\n', af.f);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < nc; c++) {
            if (c) fputc(',', af.f);
            int ty = sqlite3_column_type(st, c);
            if (ty == SQLITE_FLOAT)
                fprintf(af.f, "%.17g", sqlite3_column_double(st, c));
            else if (ty != SQLITE_NULL)
                csv_field(af.f, (const char *)sqlite3_column_text(st, c));
        }
        fputc('\n', af.f);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        stroma_atomic_abort(&af);
        return db_fail(db, table, err);
    }
    if ((rc = stroma_atomic_finish(&af, err)) == STROMA_OK) rc = stroma_atomic_commit(&af, err);
    stroma_atomic_abort(&af);
    return rc;
}

stroma_code stroma_trial_write_results(const stroma_trial *t, int patients, const trial_job *jobs,
                                       const char *out_dir, stroma_error *err) {
    size_t n = (size_t)patients * (size_t)t->narms;
    trial_outcome *oc = calloc(n, sizeof *oc);
    if (!oc) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) stroma_trial_outcome(t, &jobs[i], &oc[i]);
    char final_path[2048], tmp_path[2100], csv_dir[2048];
    snprintf(final_path, sizeof final_path, "%s/results.sqlite", out_dir);
    snprintf(tmp_path, sizeof tmp_path, "%s/results.sqlite.tmp-%ld-0", out_dir, (long)getpid());
    snprintf(csv_dir, sizeof csv_dir, "%s/csv", out_dir);
    if (mkdir(csv_dir, 0777) && errno != EEXIST) {
        free(oc);
        return stroma_error_set(err, STROMA_ERR_IO, "%s: %s", csv_dir, strerror(errno));
    }
    unlink(tmp_path);
    sqlite3 *db = NULL;
    stroma_code rc = STROMA_OK;
    if (sqlite3_open(tmp_path, &db) != SQLITE_OK) rc = db_fail(db, tmp_path, err);
    double lr[3] = {NAN, NAN, NAN};
    char note[300];
    int lr_ok = logrank(t, patients, oc, lr, note, sizeof note);
    if (rc == STROMA_OK) rc = db_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN", err);
    if (rc == STROMA_OK) rc = write_trial_table(db, t, patients, lr, lr_ok, note, err);
    if (rc == STROMA_OK) rc = write_patients(db, t, patients, err);
    if (rc == STROMA_OK) rc = write_arms_km(db, t, patients, oc, err);
    if (rc == STROMA_OK) rc = write_timeseries(db, t, patients, jobs, err);
    if (rc == STROMA_OK) rc = write_outcomes(db, t, patients, jobs, oc, err);
    if (rc == STROMA_OK) rc = write_biomarkers(db, t, patients, jobs, oc, err);
    if (rc == STROMA_OK) rc = db_exec(db, "COMMIT", err);
    static const char *const tables[][2] = {{"trial", "key"},
                                            {"patients", "patient"},
                                            {"arms", "arm"},
                                            {"km", "arm, time_min"},
                                            {"timeseries", "patient, arm, time_min"},
                                            {"outcomes", "patient, arm"},
                                            {"biomarkers", "arm, biomarker"}};
    for (size_t k = 0; k < sizeof tables / sizeof *tables && rc == STROMA_OK; k++)
        rc = export_csv(db, tables[k][0], tables[k][1], out_dir, err);
    if (rc == STROMA_OK) rc = stroma_trial_write_report(t, patients, jobs, oc, db, out_dir, err);
    if (db && sqlite3_close(db) != SQLITE_OK && rc == STROMA_OK) rc = db_fail(db, "close", err);
    if (rc == STROMA_OK && rename(tmp_path, final_path))
        rc = stroma_error_set(err, STROMA_ERR_IO, "%s: %s", final_path, strerror(errno));
    if (rc != STROMA_OK) unlink(tmp_path);
    free(oc);
    return rc;
}
