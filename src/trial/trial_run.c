/* Running a trial (trial.h): every (patient, arm) job on its own simulation with one thread, `threads` jobs at a
 * time (POSIX threads pulling job indices in order), each finished job's record written atomically to
 * OUT/jobs/p<patient>-a<arm>.txt; jobs already recorded there (a killed trial) are read back, not rerun; the
 * results are then built from the records alone. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "model/model.h"
#include "readout/indices.h"
#include "sim/sim.h"
#include "trial/trial.h"
#include "util/error_impl.h"
#include "util/file.h"

#define JOB_MAGIC "stroma-trial-job 1"

void stroma_trial_job_free(trial_job *j) {
    if (!j) return;
    free(j->time);
    free(j->burden);
    free(j->plasma);
    free(j->cachexia);
    free(j->command);
    memset(j, 0, sizeof *j);
}

static int job_alloc(const stroma_trial *t, trial_job *j) {
    int n = stroma_trial_ntimes(t);
    j->ntimes = n;
    j->time = calloc((size_t)n, sizeof *j->time);
    j->burden = calloc((size_t)n, sizeof *j->burden);
    j->plasma = calloc((size_t)(t->nplasma * n + 1), sizeof *j->plasma);
    j->cachexia = t->has_cachexia ? calloc((size_t)n, sizeof *j->cachexia) : NULL;
    return j->time && j->burden && j->plasma && (!t->has_cachexia || j->cachexia) ? 0 : -1;
}

/* Single-quote s for a POSIX shell, appended to buf. */
static void shell_quote(char *buf, size_t cap, const char *s) {
    size_t len = strlen(buf);
    int plain = *s != '\0';
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=-+:,[]", *p)) plain = 0;
    if (plain) {
        snprintf(buf + len, cap - len, "%s", s);
        return;
    }
    char *o = buf + len, *e = buf + cap - 1;
    if (o < e) *o++ = '\'';
    for (const char *p = s; *p && o + 5 < e; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    if (o < e) *o++ = '\'';
    *o = '\0';
}

static char *job_command(const stroma_trial *t, uint64_t seed, char **sets, int n) {
    size_t cap = strlen(t->model_path) * 4 + 200;
    for (int i = 0; i < n; i++) cap += strlen(sets[i]) * 4 + 16;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    snprintf(buf, cap, "stroma run ");
    shell_quote(buf, cap, t->model_path);
    snprintf(buf + strlen(buf), cap - strlen(buf), " --seed %" PRIu64 " --end %.17g", seed, t->end_min);
    for (int i = 0; i < n; i++) {
        snprintf(buf + strlen(buf), cap - strlen(buf), " --set ");
        shell_quote(buf, cap, sets[i]);
    }
    return buf;
}

/* Burden, plasma and the cachexia index now, into column col of the record; plasma_buf has room for t->nplasma
 * values (the index reads them). */
static void job_record(const stroma_trial *t, const stroma_model *m, const stroma_sim *sim, trial_job *j, int col,
                       double *plasma_buf) {
    j->time[col] = stroma_sim_time(sim);
    double burden = 0;
    for (int b = 0; b < t->nburden; b++)
        for (int k = 0; k < m->ntypes; k++)
            if (!strcmp(m->cell_types[k].name, t->burden[b])) burden += (double)stroma_sim_live_cells(sim, k);
    j->burden[col] = burden;
    for (int k = 0; k < t->nplasma; k++) {
        plasma_buf[k] = stroma_sim_plasma(sim, k).value;
        j->plasma[k * j->ntimes + col] = plasma_buf[k];
    }
    if (j->cachexia) j->cachexia[col] = stroma_index_value(m, &m->readout.index[STROMA_INDEX_CACHEXIA], plasma_buf);
}

/* Run one job: the model with the patient's and the arm's overrides, the patient's seed, the trial's end. */
static stroma_code run_job(const stroma_trial *t, int patient, int arm, trial_job *j, stroma_error *err) {
    memset(j, 0, sizeof *j);
    j->patient = patient;
    j->arm = arm;
    j->seed = stroma_trial_patient_seed(t, patient);
    int n = 0;
    char **sets = stroma_trial_job_sets(t, patient, arm, &n);
    if (!sets || job_alloc(t, j) || !(j->command = job_command(t, j->seed, sets, n))) {
        stroma_trial_free_sets(sets, n);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    }
    stroma_model *m =
        stroma_model_load_string_set(t->model_text, t->model_len, t->model_path, (const char *const *)sets, n, err);
    stroma_trial_free_sets(sets, n);
    if (!m) return err->code;
    stroma_model_set_seed(m, j->seed);
    stroma_code rc = stroma_model_set_end(m, t->end_min, err);
    stroma_sim_options o = {.threads = 1};
    stroma_sim *sim = rc == STROMA_OK ? stroma_sim_create(m, &o, err) : NULL;
    if (!sim) {
        stroma_model_destroy(&m);
        return err->code;
    }
    int64_t stride = stroma_model_steps(t->every_min, m->dt_diffusion_min, INT64_MAX);
    double *plasma_buf = malloc((size_t)(t->nplasma + 1) * sizeof *plasma_buf);
    if (!plasma_buf) rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    if (rc == STROMA_OK && stroma_sim_plasma_count(sim) != t->nplasma)
        rc = stroma_error_set(err, STROMA_ERR_ARGUMENT, "the overrides change the model's systemic substrates (%d, "
                              "the base model has %d): every run of a trial must have the same biomarkers",
                              stroma_sim_plasma_count(sim), t->nplasma);
    if (rc == STROMA_OK) job_record(t, m, sim, j, 0, plasma_buf);
    for (int col = 1; col < j->ntimes && rc == STROMA_OK; col++) {
        for (int64_t s = 0; s < stride && rc == STROMA_OK; s++) rc = stroma_sim_step(sim, err);
        if (rc == STROMA_OK) job_record(t, m, sim, j, col, plasma_buf);
    }
    free(plasma_buf);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    return rc;
}

/* ---- records on disk ---- */

/* jobs_dir: OUT/jobs, or OUT/jobs-rank<r> for the share of rank r > 0 of several processes. */
static void job_path(const char *jobs_dir, int patient, int arm, char *buf, size_t cap) {
    snprintf(buf, cap, "%s/p%06d-a%03d.txt", jobs_dir, patient, arm);
}

static void fingerprint(const stroma_trial *t, char *buf, size_t cap) {
    snprintf(buf, cap, "%s-%s", t->sha256, t->model_sha256);
}

static void write_series(FILE *f, const char *name, const double *v, int n) {
    fputs(name, f);
    for (int i = 0; i < n; i++) fprintf(f, " %.17g", v[i]);
    fputc('\n', f);
}

static stroma_code job_save(const stroma_trial *t, const char *jobs_dir, const trial_job *j, stroma_error *err) {
    char path[2048], fp[200];
    job_path(jobs_dir, j->patient, j->arm, path, sizeof path);
    fingerprint(t, fp, sizeof fp);
    stroma_atomic_file af;
    stroma_code rc = stroma_atomic_begin(&af, path, STROMA_ATOMIC_SYNC, err);
    if (rc != STROMA_OK) return rc;
    fprintf(af.f, "%s\nfingerprint %s\npatient %d\narm %d\nseed %" PRIu64 "\nntimes %d\n", JOB_MAGIC, fp, j->patient,
            j->arm, j->seed, j->ntimes);
    write_series(af.f, "time", j->time, j->ntimes);
    write_series(af.f, "burden", j->burden, j->ntimes);
    for (int k = 0; k < t->nplasma; k++) write_series(af.f, "plasma", j->plasma + k * j->ntimes, j->ntimes);
    if (j->cachexia) write_series(af.f, "cachexia", j->cachexia, j->ntimes);
    fprintf(af.f, "command %s\nend\n", j->command);
    if ((rc = stroma_atomic_finish(&af, err)) == STROMA_OK) rc = stroma_atomic_commit(&af, err);
    stroma_atomic_abort(&af);
    return rc;
}

static int read_series(FILE *f, const char *name, double *v, int n) {
    char word[32];
    if (fscanf(f, "%31s", word) != 1 || strcmp(word, name)) return -1;
    for (int i = 0; i < n; i++) {
        char num[64];
        if (fscanf(f, "%63s", num) != 1) return -1;
        char *end;
        v[i] = strtod(num, &end); /* "nan" reads back as NaN */
        if (*end) return -1;
    }
    return 0;
}

/* Read the record of (patient, arm) if there is one: 1 read, 0 none, -1 after reporting a bad or foreign one. */
static int job_load(const stroma_trial *t, const char *jobs_dir, int patient, int arm, trial_job *j, stroma_error *err) {
    char path[2048], fp[200], got_fp[200] = "", line[64];
    job_path(jobs_dir, patient, arm, path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    fingerprint(t, fp, sizeof fp);
    memset(j, 0, sizeof *j);
    int p = -1, a = -1, nt = -1, ok = 0;
    if (fgets(line, sizeof line, f) && !strncmp(line, JOB_MAGIC, strlen(JOB_MAGIC)) &&
        fscanf(f, " fingerprint %199s patient %d arm %d seed %" SCNu64 " ntimes %d", got_fp, &p, &a, &j->seed, &nt) == 5) {
        if (strcmp(got_fp, fp)) {
            fclose(f);
            stroma_error_set(err, STROMA_ERR_ARGUMENT,
                             "%s holds runs of another trial file or model: use another --out, or remove %s to "
                             "start over",
                             path, jobs_dir);
            return -1;
        }
        ok = p == patient && a == arm && nt == stroma_trial_ntimes(t) && job_alloc(t, j) == 0;
        j->patient = patient;
        j->arm = arm;
        ok = ok && !read_series(f, "time", j->time, nt) && !read_series(f, "burden", j->burden, nt);
        for (int k = 0; ok && k < t->nplasma; k++) ok = !read_series(f, "plasma", j->plasma + k * nt, nt);
        if (ok && j->cachexia) ok = !read_series(f, "cachexia", j->cachexia, nt);
        char cmd[65536];
        if (ok && fscanf(f, " command %65535[^\n]\nend", cmd) == 1)
            ok = (j->command = strdup(cmd)) != NULL;
        else
            ok = 0;
    }
    fclose(f);
    if (!ok) {
        stroma_trial_job_free(j);
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "%s: not a complete record of patient %d, arm %d; remove it to run "
                         "that patient again", path, patient, arm);
        return -1;
    }
    return 1;
}

/* Is `name` a records folder: "jobs" or "jobs-rank<r>"? */
static int is_jobs_name(const char *name) {
    return !strcmp(name, "jobs") || !strncmp(name, "jobs-rank", 9);
}

/* Create out_dir and the records folder jobs_dir in it; refuse a non-empty out_dir that holds no records folder.
 * Temporary files of a killed writer in jobs_dir (this process's own folder) are removed. Several processes may
 * prepare the same out_dir at once. */
static stroma_code prepare_out(const char *out_dir, const char *jobs_dir, stroma_error *err) {
    if (mkdir(out_dir, 0777) && errno != EEXIST)
        return stroma_error_set(err, STROMA_ERR_IO, "%s: cannot create the output folder: %s", out_dir, strerror(errno));
    struct stat st;
    if (stat(out_dir, &st) || !S_ISDIR(st.st_mode))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "%s is not a directory", out_dir);
    DIR *d = opendir(out_dir);
    if (!d) return stroma_error_set(err, STROMA_ERR_IO, "%s: %s", out_dir, strerror(errno));
    struct dirent *e;
    int other = 0, records = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (is_jobs_name(e->d_name))
            records = 1;
        else
            other = 1;
    }
    closedir(d);
    if (other && !records)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "%s is not empty and holds no trial (no jobs/ folder): choose another --out", out_dir);
    if (mkdir(jobs_dir, 0777) && errno != EEXIST)
        return stroma_error_set(err, STROMA_ERR_IO, "%s: cannot create: %s", jobs_dir, strerror(errno));
    if (!(d = opendir(jobs_dir))) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "%s is not a readable folder", jobs_dir);
    while ((e = readdir(d)))
        if (stroma_atomic_is_tmp_name(e->d_name)) {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", jobs_dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    return STROMA_OK;
}

static void jobs_dir_of(const char *out_dir, const stroma_trial_options *opts, char *buf, size_t cap) {
    if (opts && opts->ranks > 1 && opts->rank > 0)
        snprintf(buf, cap, "%s/jobs-rank%d", out_dir, opts->rank);
    else
        snprintf(buf, cap, "%s/jobs", out_dir);
}

static int is_mine(const stroma_trial_options *opts, int i) {
    return !opts || opts->ranks <= 1 || i % opts->ranks == opts->rank;
}

/* ---- the pool ---- */

typedef struct pool {
    const stroma_trial *t;
    const char *jobs_dir;
    trial_job *jobs;
    int njobs, total, next, done, reused, stop, failed; /* total: runs of this process */
    stroma_code rc;
    stroma_error err; /* the first failure */
    stroma_trial_progress_fn progress;
    void *user;
    const stroma_trial_options *opts;
    pthread_mutex_t lock;
} pool;

static void *worker(void *arg) {
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int i = -1;
        while (!p->stop && p->next < p->njobs) {
            int c = p->next++;
            if (!p->jobs[c].time && is_mine(p->opts, c)) {
                i = c;
                break;
            }
        }
        pthread_mutex_unlock(&p->lock);
        if (i < 0) return NULL;
        int patient = i / p->t->narms, arm = i % p->t->narms;
        trial_job j;
        stroma_error e;
        stroma_error_clear(&e);
        stroma_code rc = run_job(p->t, patient, arm, &j, &e);
        if (rc == STROMA_OK) rc = job_save(p->t, p->jobs_dir, &j, &e);
        pthread_mutex_lock(&p->lock);
        if (rc != STROMA_OK) {
            stroma_trial_job_free(&j);
            if (!p->failed) {
                p->failed = 1;
                p->rc = rc;
                p->err = e;
                snprintf(p->err.message, sizeof p->err.message, "patient %d, arm '%.60s': %.8000s", patient,
                         p->t->arms[arm].name, e.message);
            }
            p->stop = 1;
        } else {
            p->jobs[i] = j;
            p->done++;
            if (p->progress && p->progress(p->user, p->done, p->total, p->reused)) p->stop = 1;
        }
        pthread_mutex_unlock(&p->lock);
    }
}

/* Load the record of job i from this process's folder, else from OUT/jobs: 1, 0 none, -1 bad. */
static int job_find(const stroma_trial *t, const char *out_dir, const char *jobs_dir, int i, trial_job *j,
                    stroma_error *err) {
    int got = job_load(t, jobs_dir, i / t->narms, i % t->narms, j, err);
    if (got) return got;
    char main_dir[2048];
    snprintf(main_dir, sizeof main_dir, "%s/jobs", out_dir);
    return strcmp(main_dir, jobs_dir) ? job_load(t, main_dir, i / t->narms, i % t->narms, j, err) : 0;
}

stroma_code stroma_trial_run(const stroma_trial *t, const char *out_dir, const stroma_trial_options *opts,
                             stroma_trial_progress_fn progress, void *user, stroma_error *err) {
    stroma_error local;
    if (!err) err = &local;
    stroma_error_clear(err);
    if (!t || !out_dir || !*out_dir) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_trial_run: no trial or out");
    if (opts && opts->ranks > 1 && (opts->rank < 0 || opts->rank >= opts->ranks))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_trial_run: rank %d of %d", opts->rank, opts->ranks);
    int patients = opts && opts->patients > 0 ? opts->patients : t->patients;
    int threads = opts && opts->threads > 0 ? opts->threads : 1;
    int share = opts && opts->ranks > 1;
    char jobs_dir[2048];
    jobs_dir_of(out_dir, opts, jobs_dir, sizeof jobs_dir);
    stroma_code rc = prepare_out(out_dir, jobs_dir, err);
    if (rc != STROMA_OK) return rc;
    pool p = {.t = t, .jobs_dir = jobs_dir, .njobs = patients * t->narms, .progress = progress, .user = user,
              .opts = opts};
    if (!(p.jobs = calloc((size_t)p.njobs, sizeof *p.jobs))) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    int mine = 0;
    for (int i = 0; i < p.njobs; i++) {
        if (!is_mine(opts, i)) continue;
        mine++;
        int got = job_find(t, out_dir, jobs_dir, i, &p.jobs[i], err);
        if (got < 0) {
            for (int k = 0; k < p.njobs; k++) stroma_trial_job_free(&p.jobs[k]);
            free(p.jobs);
            return err->code;
        }
        if (got) p.reused++, p.done++;
    }
    int total = p.njobs;
    if (progress && p.reused) p.stop = progress(user, p.done, mine, p.reused) != 0;
    p.total = mine;
    if (threads > mine - p.done) threads = mine - p.done > 0 ? mine - p.done : 1;
    pthread_mutex_init(&p.lock, NULL);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    int started = 0;
    if (tid)
        for (; started < threads; started++)
            if (pthread_create(&tid[started], NULL, worker, &p)) break;
    if (started == 0) worker(&p); /* no thread could start: run them here */
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    free(tid);
    pthread_mutex_destroy(&p.lock);
    if (p.failed) {
        *err = p.err;
        rc = p.rc;
    } else if (p.done < mine) {
        rc = stroma_error_set(err, STROMA_ERR_INTERRUPTED,
                              "trial stopped with %d of %d runs done (recorded in %s); run the same command again to "
                              "finish it",
                              p.done, mine, jobs_dir);
    } else if (!share) {
        /* the results come from the records on disk, whether run now or before: a resumed trial equals an
         * unbroken one */
        for (int i = 0; i < total && rc == STROMA_OK; i++) {
            stroma_trial_job_free(&p.jobs[i]);
            if (job_load(t, jobs_dir, i / t->narms, i % t->narms, &p.jobs[i], err) != 1)
                rc = err->code != STROMA_OK ? err->code
                                            : stroma_error_set(err, STROMA_ERR_IO, "a run's record vanished");
        }
        if (rc == STROMA_OK) rc = stroma_trial_write_results(t, patients, p.jobs, out_dir, err);
    }
    for (int i = 0; i < total; i++) stroma_trial_job_free(&p.jobs[i]);
    free(p.jobs);
    return rc;
}

stroma_code stroma_trial_records_export(const stroma_trial *t, const char *out_dir, const stroma_trial_options *opts,
                                        char **buf, size_t *len, stroma_error *err) {
    *buf = NULL;
    *len = 0;
    char jobs_dir[2048], path[2100];
    jobs_dir_of(out_dir, opts, jobs_dir, sizeof jobs_dir);
    int patients = opts && opts->patients > 0 ? opts->patients : t->patients;
    FILE *mem = open_memstream(buf, len);
    if (!mem) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    stroma_code rc = STROMA_OK;
    for (int i = 0; i < patients * t->narms && rc == STROMA_OK; i++) {
        if (!is_mine(opts, i)) continue;
        job_path(jobs_dir, i / t->narms, i % t->narms, path, sizeof path);
        char *text = NULL;
        size_t n = 0;
        if (stroma_read_regular_file(path, &text, &n))
            rc = stroma_error_set(err, STROMA_ERR_IO, "%s: cannot read this process's record", path);
        else
            fwrite(text, 1, n, mem);
        free(text);
    }
    if (fclose(mem) && rc == STROMA_OK) rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    if (rc != STROMA_OK) {
        free(*buf);
        *buf = NULL;
        *len = 0;
    }
    return rc;
}

stroma_code stroma_trial_records_import(const stroma_trial *t, const char *out_dir, const char *buf, size_t len,
                                        stroma_error *err) {
    char jobs_dir[2048];
    snprintf(jobs_dir, sizeof jobs_dir, "%s/jobs", out_dir);
    stroma_code rc = prepare_out(out_dir, jobs_dir, err);
    const char *p = buf, *end = buf + len;
    size_t ml = strlen(JOB_MAGIC "\n");
    while (rc == STROMA_OK && p < end) {
        if ((size_t)(end - p) < ml || memcmp(p, JOB_MAGIC "\n", ml))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "a record received from another process is malformed");
        const char *q = p + ml;
        while (q < end && !((size_t)(end - q) >= ml && q[-1] == '\n' && !memcmp(q, JOB_MAGIC "\n", ml))) q++;
        int patient = -1, arm = -1;
        char fp[200];
        if (sscanf(p + ml, "fingerprint %199s patient %d arm %d", fp, &patient, &arm) != 3 || patient < 0 || arm < 0 ||
            arm >= t->narms)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "a record received from another process is malformed");
        char path[2100];
        job_path(jobs_dir, patient, arm, path, sizeof path);
        struct stat st;
        if (stat(path, &st)) { /* absent: write it (the same file may already be there on a shared disk) */
            stroma_atomic_file af;
            if ((rc = stroma_atomic_begin(&af, path, STROMA_ATOMIC_SYNC, err)) != STROMA_OK) break;
            fwrite(p, 1, (size_t)(q - p), af.f);
            if ((rc = stroma_atomic_finish(&af, err)) == STROMA_OK) rc = stroma_atomic_commit(&af, err);
            stroma_atomic_abort(&af);
        }
        p = q;
    }
    return rc;
}
