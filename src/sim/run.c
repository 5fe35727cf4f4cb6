/* Running a simulation to its end time: outputs at each output interval, checkpoints at each checkpoint
 * interval, run.json saying how far the run got, and resuming a run from its last checkpoint.
 *
 * Output safety: every file goes through stroma_outdir (written under a temporary name, renamed when complete).
 * timeseries.csv is kept in memory and rewritten whole (atomically) at output times — at every output while it
 * is small, then whenever it has grown by an eighth (so the rewriting costs O(total size)) — and at every
 * checkpoint, at the end and when the run fails. run.json is written at the start ("running"), at the end
 * ("complete"), on failure ("failed", with where the run stopped and the error) and when the caller's progress
 * function asks to stop ("interrupted"; with checkpoints on, the state at that step is saved first); a killed
 * run keeps "running" and its last checkpoint. When no new file can be written (a full disk, a folder made
 * read-only), the final run.json is written over the old one in place, into the room left by its padding.
 * Before outputs and checkpoints the state is checked to be finite (stroma_sim_check_finite); a failure says
 * exactly what is on disk (docs/outputs.md, "When a run fails"). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/outdir.h"
#include "io/report.h"
#include "io/pictures.h"
#include "io/vtk.h"
#include "io/writers.h"
#include "sim/checkpoint.h"
#include "sim/sim.h"
#include "util/error_impl.h"

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Steps in `every_min` (rounded, at least 1). An interval as long as the run or longer (even one whose step
 * count no integer holds) is the whole run: at the end only. */
static int64_t stride_of(const stroma_sim *sim, double every_min) {
    return stroma_model_steps(every_min, sim->dt_min, sim->end_step);
}

/* What the run itself owns (its checkpoint section "outputs"). */
typedef struct run_ctx {
    stroma_sim *sim;
    stroma_outdir od;
    char *ts_text;           /* timeseries.csv so far (open_memstream) */
    size_t ts_len;
    FILE *ts;                /* the memory stream */
    size_t ts_written;       /* bytes of ts_text in the file on disk */
    stroma_vtk_series vtk_fields, vtk_cells;
    stroma_pictures pics;    /* the frames of the tissue pictures so far (outputs.images), drawn at the end */
    double last_output_min;  /* -1 before the first: every file of this output time is whole */
    double partial_output_min; /* -1, or an output time of which some files were written before a failure */
    double ts_disk_min;      /* timeseries.csv on disk has the rows up to this time (-1 none, NAN unknown) */
    double finite_at_min;    /* the last time stroma_sim_check_finite passed (-1: never) */
    double checkpoint_at_min; /* time of the checkpoint in checkpoint.bin (-1: none) */
    double checkpoint_every_min;
    double resumed_at_min;   /* NAN for a fresh run */
    stroma_checkpoint_meta meta;
    double t0;
    double output_s, checkpoint_s; /* wall time spent writing outputs / checkpoints */
    /* warnings about the tissue (run_diagnose), each given once per process */
    FILE *warnings;           /* NULL: nowhere */
    int warned_pressure, warned_walls, warned_burst;
} run_ctx;

/* A packed tissue: the live cells' mean pressure signal (1 ~ confluent) past this many times confluence; cells
 * held by the walls: at least this many (stroma_cell_engine_packing); a burst: more than this share of a type's
 * cells dividing in one phenotype step. Each with at least STROMA_BURST_MIN_CELLS live cells. */
#define STROMA_WARN_PRESSURE 4.0
#define STROMA_WARN_WALLS 5
#define STROMA_WARN_BURST 0.5

/* Warnings about the tissue at an output time, each once: the tissue packed far past confluence, compressed
 * cells held in by the domain's walls (PhysiCell would let them leave and remove them). */
static void run_diagnose(run_ctx *r) {
    stroma_sim *sim = r->sim;
    if (!sim->has_cells) return;
    stroma_cell_engine *e = &sim->cells;
    FILE *w = r->warnings;
    const double t = stroma_sim_time(sim);
    const stroma_packing p = stroma_cell_engine_packing(e);
    if (w && !r->warned_pressure && p.live >= STROMA_BURST_MIN_CELLS && p.mean_pressure > STROMA_WARN_PRESSURE) {
        r->warned_pressure = 1;
        fprintf(w,
                "warning: at t = %g min the %lld live cells are packed far past confluence: their mean pressure is "
                "%.3g (1 = confluent). Cells go on dividing under pressure: add contact inhibition (a rule that "
                "pressure decreases cycle entry, docs/rules.md) or check the cycle rates.\n",
                t, (long long)p.live, p.mean_pressure);
    }
    if (w && !r->warned_walls && p.live >= STROMA_BURST_MIN_CELLS && p.at_walls >= STROMA_WARN_WALLS) {
        r->warned_walls = 1;
        fprintf(w,
                "warning: at t = %g min the domain's walls hold %lld compressed cells in (pressure past confluence, "
                "centre within a radius of a wall; PhysiCell would let them leave and remove them): the tissue "
                "has reached the edge of the domain, and what happens there is an artefact of its size. Enlarge "
                "the domain or end the run earlier (packing.cells_held_by_walls in summary.json).\n",
                t, (long long)p.at_walls);
    }
}

/* The burst warning, after every step (cheap: the engine keeps the largest share since the start). */
static void run_warn_burst(run_ctx *r) {
    const stroma_sim *sim = r->sim;
    const stroma_cell_engine *e = &sim->cells;
    if (!r->warnings || r->warned_burst || !sim->has_cells || e->burst_type < 0 ||
        !(e->burst_share > STROMA_WARN_BURST))
        return;
    r->warned_burst = 1;
    fprintf(r->warnings,
            "warning: at t = %g min, %.0f%% of the %lld live %s cells divided in one phenotype step (%g min): the "
            "population doubles about every step, so the time step, not the biology, sets its growth. Check the "
            "cycle rates and their units (1/min), or shorten time.dt_phenotype.\n",
            stroma_sim_time(sim), 100 * e->burst_share, (long long)e->burst_cells,
            sim->model->cell_types[e->burst_type].name, sim->model->dt_phenotype_min);
}

/* Rewrite timeseries.csv with every row so far (one per output time up to last_output_min). */
static stroma_code ts_flush_file(run_ctx *r, stroma_error *err) {
    if (fflush(r->ts) != 0) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for timeseries.csv");
    stroma_code rc = stroma_outdir_write(&r->od, "timeseries.csv", r->ts_text, r->ts_len, err);
    if (rc == STROMA_OK) {
        r->ts_written = r->ts_len;
        r->ts_disk_min = r->last_output_min;
    }
    return rc;
}

static stroma_code ts_open(run_ctx *r, stroma_error *err) {
    r->ts = open_memstream(&r->ts_text, &r->ts_len);
    if (!r->ts) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for timeseries.csv");
    return STROMA_OK;
}

static void series_save(stroma_buf *b, const stroma_vtk_series *s) {
    stroma_buf_put_u64(b, (uint64_t)s->n);
    stroma_buf_put(b, s->times_min, s->n * sizeof(double));
}

/* A series of output times: finite, increasing, none after t_now. */
static int series_load(stroma_reader *r, stroma_vtk_series *s, double t_now) {
    uint64_t n = stroma_reader_u64(r);
    if (r->bad || n > (r->len - r->pos) / sizeof(double)) return -1;
    stroma_vtk_series_free(s);
    if (n == 0) return 0;
    s->times_min = malloc((size_t)n * sizeof(double));
    if (!s->times_min) return -1;
    s->n = s->cap = (size_t)n;
    stroma_reader_get(r, s->times_min, (size_t)n * sizeof(double));
    for (size_t k = 0; k < s->n; k++)
        if (!(s->times_min[k] >= 0) || s->times_min[k] > t_now || (k > 0 && !(s->times_min[k] > s->times_min[k - 1])))
            return -1;
    return r->bad ? -1 : 0;
}

static void outputs_save(const void *ctx, stroma_buf *b) {
    const run_ctx *r = ctx;
    fflush(r->ts);
    stroma_buf_put_u64(b, (uint64_t)r->ts_len);
    stroma_buf_put(b, r->ts_text, r->ts_len);
    stroma_buf_put_f64(b, r->last_output_min);
    series_save(b, &r->vtk_fields);
    series_save(b, &r->vtk_cells);
}

static stroma_code outputs_load(void *ctx, stroma_reader *rd, stroma_error *err) {
    run_ctx *r = ctx;
    uint64_t n = stroma_reader_u64(rd);
    const unsigned char *text = stroma_reader_take(rd, (size_t)n);
    if (!text) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint outputs section is truncated");
    if (n < 5 || memcmp(text, "time", 4) != 0 || memchr(text, '\0', (size_t)n) || text[n - 1] != '\n')
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint outputs section: its time series is not stroma's timeseries.csv text");
    if (n && fwrite(text, 1, (size_t)n, r->ts) != (size_t)n)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for timeseries.csv");
    r->last_output_min = stroma_reader_f64(rd);
    double t_now = stroma_sim_time(r->sim); /* the clock section comes first */
    if (!(r->last_output_min == -1 || (r->last_output_min >= 0 && r->last_output_min <= t_now)))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint outputs section: last output time %g is not within the run so far",
                                r->last_output_min);
    if (series_load(rd, &r->vtk_fields, t_now) || series_load(rd, &r->vtk_cells, t_now))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint outputs section: its ParaView time series are malformed");
    return STROMA_OK;
}

static stroma_code write_snapshot_files(run_ctx *r, stroma_error *err);

static stroma_code write_snapshot(run_ctx *r, stroma_error *err) {
    double t = wall_now();
    stroma_code rc = write_snapshot_files(r, err);
    r->output_s += wall_now() - t;
    return rc;
}

/* The state must be finite before anything is written from it (outputs, checkpoints). */
static stroma_code check_finite(run_ctx *r, stroma_error *err) {
    stroma_code rc = stroma_sim_check_finite(r->sim, r->finite_at_min, err);
    if (rc == STROMA_OK) r->finite_at_min = stroma_sim_time(r->sim);
    return rc;
}

/* The files of one output time; its timeseries.csv row is added once they are all written, so the rows always
 * end at last_output_min. */
static stroma_code write_snapshot_files(run_ctx *r, stroma_error *err) {
    stroma_sim *sim = r->sim;
    stroma_outdir *od = &r->od;
    const stroma_model *m = sim->model;
    stroma_code rc = check_finite(r, err);
    if (rc != STROMA_OK) return rc;
    size_t committed = od->committed;
    if (m->output_fields_csv) rc = stroma_write_fields_csv(od, sim, err);
    if (rc == STROMA_OK && m->output_fields_vti) rc = stroma_write_fields_vti(od, sim, &r->vtk_fields, err);
    if (rc == STROMA_OK && sim->has_cells && m->output_cells_csv) rc = stroma_write_cells_csv(od, sim, err);
    if (rc == STROMA_OK && sim->has_cells && m->output_cells_vtp)
        rc = stroma_write_cells_vtp(od, sim, &r->vtk_cells, err);
    if (rc == STROMA_OK && m->output_images &&
        ((sim->step / stride_of(sim, m->output_every_min)) % m->output_images_stride == 0 ||
         sim->step == sim->end_step))
        rc = stroma_pictures_add_sim(&r->pics, sim, err);
    if (rc != STROMA_OK) {
        if (od->committed > committed) r->partial_output_min = stroma_sim_time(sim);
        return rc;
    }
    stroma_write_timeseries_row(r->ts, sim);
    run_diagnose(r);
    r->last_output_min = stroma_sim_time(sim);
    fflush(r->ts);
    if (r->ts_len < 262144 || r->ts_len - r->ts_written >= r->ts_written / 8) rc = ts_flush_file(r, err);
    return rc;
}

static stroma_code write_checkpoint(run_ctx *r, stroma_error *err) {
    double t = wall_now();
    stroma_code rc = r->finite_at_min == stroma_sim_time(r->sim) ? STROMA_OK : check_finite(r, err);
    if (rc == STROMA_OK) rc = ts_flush_file(r, err);
    if (rc == STROMA_OK) {
        r->meta.step = r->sim->step;
        r->meta.time_min = stroma_sim_time(r->sim);
        char path[1200];
        snprintf(path, sizeof path, "%s/checkpoint.bin", r->od.path);
        rc = stroma_checkpoint_write(path, &r->meta, &r->sim->state, err);
        if (rc == STROMA_OK) r->checkpoint_at_min = r->meta.time_min;
    }
    r->checkpoint_s += wall_now() - t;
    return rc;
}

static stroma_run_status status_of(const run_ctx *r, const char *state, const char *error) {
    return (stroma_run_status){
        .state = state,
        .wall_s = wall_now() - r->t0,
        .threads = omp_get_max_threads(),
        .time_min = stroma_sim_time(r->sim),
        .last_output_min = r->last_output_min,
        .checkpoint_every_min = r->checkpoint_every_min,
        .resumed_at_min = r->resumed_at_min,
        .output_s = r->output_s,
        .checkpoint_s = r->checkpoint_s,
        .error = error,
        .model_file = r->meta.model_path[0] ? r->meta.model_path : NULL,
    };
}

static stroma_code write_status(run_ctx *r, const char *state, const char *error, stroma_error *err) {
    stroma_run_status st = status_of(r, state, error);
    return stroma_write_run_info(&r->od, r->sim, &st, err);
}

/* run.json of a run that stopped: rewritten atomically, or, when no new file can be written in the directory (a
 * full disk, a read-only folder), overwritten in place (docs/outputs.md). Returns 0 atomically, 1 in place, -1
 * not at all (why[cap] says why). */
static int write_final_status(run_ctx *r, const char *state, const char *error, char *why, size_t cap) {
    stroma_error e;
    stroma_run_status st = status_of(r, state, error);
    if (stroma_write_run_info(&r->od, r->sim, &st, &e) == STROMA_OK) return 0;
    char first[sizeof e.message];
    memcpy(first, e.message, sizeof first);
    if (stroma_write_run_info_in_place(&r->od, r->sim, &st, &e) == STROMA_OK) return 1;
    snprintf(why, cap, "%.200s; %.200s", first, e.message);
    return -1;
}

/* Steps from the current step to the end, with outputs and checkpoints. On failure, saves what it can and
 * says where the run stopped. */
static stroma_code run_loop(run_ctx *r, stroma_progress_fn progress, void *user, stroma_error *err) {
    stroma_sim *sim = r->sim;
    const stroma_model *m = sim->model;
    int64_t out_stride = stride_of(sim, m->output_every_min);
    int64_t ck_stride = r->checkpoint_every_min > 0 ? stride_of(sim, r->checkpoint_every_min) : 0;
    stroma_code rc = STROMA_OK;
    if (m->output_fields_csv || m->output_fields_vti) rc = stroma_outdir_mkdir(&r->od, "fields", err);
    if (rc == STROMA_OK && sim->has_cells && (m->output_cells_csv || m->output_cells_vtp))
        rc = stroma_outdir_mkdir(&r->od, "cells", err);
    if (rc == STROMA_OK && m->output_images) rc = stroma_outdir_mkdir(&r->od, "images", err);
    if (rc == STROMA_OK && r->last_output_min < 0 && sim->step % out_stride == 0) rc = write_snapshot(r, err);
    while (rc == STROMA_OK && sim->step < sim->end_step) {
        if ((rc = stroma_sim_step(sim, err)) != STROMA_OK) break;
        run_warn_burst(r);
        int at_output = sim->step % out_stride == 0 || sim->step == sim->end_step;
        if (at_output && (rc = write_snapshot(r, err)) != STROMA_OK) break;
        if (ck_stride && (sim->step % ck_stride == 0 || sim->step == sim->end_step) &&
            (rc = write_checkpoint(r, err)) != STROMA_OK)
            break;
        if (progress && progress(user, stroma_sim_time(sim), stroma_sim_end_time(sim))) {
            /* asked to stop: save the state so that `stroma resume` continues from exactly here */
            if (ck_stride && sim->step % ck_stride != 0 && (rc = write_checkpoint(r, err)) != STROMA_OK) break;
            rc = stroma_error_set(err, STROMA_ERR_INTERRUPTED, "run interrupted at t = %g min%s",
                                  stroma_sim_time(sim), ck_stride ? " (checkpoint saved: stroma resume continues)" : "");
            break;
        }
    }
    double t_end = wall_now();
    if (rc == STROMA_OK) rc = ts_flush_file(r, err);
    if (rc == STROMA_OK) rc = stroma_write_summary(&r->od, sim, err);
    /* the pictures, on one colour scale now that every frame is known */
    if (rc == STROMA_OK && m->output_images) rc = stroma_pictures_write(&r->od, &r->pics, 0, err);
    r->output_s += wall_now() - t_end;
    if (rc == STROMA_OK) rc = write_status(r, "complete", NULL, err);
    /* report.html from the finished files; the run's outputs stand even if it cannot be built */
    if (rc == STROMA_OK) {
        rc = stroma_report_write(&r->od, m, err);
        if (rc != STROMA_OK) /* not the user's input: whatever the report refused, the run wrote it (exit 1) */
            rc = stroma_error_set(err, stroma_error_is_bad_input(rc) ? STROMA_ERR_IO : rc,
                                  "the run completed (outputs in %s) but report.html could not be built: %s",
                                  r->od.path, err->message);
        return rc;
    }

    /* failed: keep what is finished, record where the run stopped, and say exactly what is on disk */
    stroma_outdir_discard_open(&r->od);
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err ? err->message : stroma_strerror(rc));
    stroma_error ts_err;
    stroma_code ts_rc = r->ts_len > r->ts_written ? ts_flush_file(r, &ts_err) : STROMA_OK;
    const char *state = rc == STROMA_ERR_INTERRUPTED ? "interrupted" : "failed";
    /* the pictures of the output times so far, unless writing is what failed */
    stroma_error pic_err;
    int pics = r->pics.n > 0 && rc != STROMA_ERR_IO && rc != STROMA_ERR_NOMEM
                   ? (stroma_pictures_write(&r->od, &r->pics, 0, &pic_err) == STROMA_OK ? 1 : -1)
                   : 0;
    char why[600] = "";
    int status = write_final_status(r, state, msg, why, sizeof why);
    char disk[2048];
    size_t n = 0;
#define DISK_PUT(...)                                                                                            \
    n += (size_t)snprintf(disk + (n < sizeof disk ? n : sizeof disk - 1), n < sizeof disk ? sizeof disk - n : 1,    \
                          __VA_ARGS__)
    if (r->last_output_min >= 0)
        DISK_PUT("the files of every output time up to t = %g min are whole", r->last_output_min);
    else
        DISK_PUT("no output time was written whole");
    if (r->partial_output_min >= 0) DISK_PUT(" (of t = %g min only some files were written)", r->partial_output_min);
    if (ts_rc != STROMA_OK && r->ts_disk_min >= 0)
        DISK_PUT("; timeseries.csv could not be rewritten and has the rows up to t = %g min only", r->ts_disk_min);
    else if (ts_rc != STROMA_OK && r->ts_disk_min < 0)
        DISK_PUT("; timeseries.csv could not be written");
    else if (ts_rc != STROMA_OK)
        DISK_PUT("; timeseries.csv could not be rewritten: it may lack the last rows");
    if (pics > 0 && r->pics.n == 1)
        DISK_PUT("; images/ has the picture of t = %g min", r->pics.frames[0].time_min);
    else if (pics > 0)
        DISK_PUT("; images/ has the pictures of the %zu picture times up to t = %g min", r->pics.n,
                 r->pics.frames[r->pics.n - 1].time_min);
    else if (pics < 0)
        DISK_PUT("; the pictures could not be drawn (%.200s)", pic_err.message);
    if (r->checkpoint_at_min >= 0)
        DISK_PUT("; checkpoint.bin holds t = %g min (stroma resume continues from it)", r->checkpoint_at_min);
    size_t tmp = stroma_outdir_count_tmp(&r->od);
    if (tmp)
        DISK_PUT("; %zu unfinished temporary file%s (*.tmp-*) could not be removed", tmp, tmp == 1 ? "" : "s");
    if (status == 0)
        DISK_PUT("; run.json says \"%s\"", state);
    else if (status == 1)
        DISK_PUT("; run.json says \"%s\" (rewritten in place: no new file could be written there)", state);
    else
        DISK_PUT("; run.json could not be updated and does not say where the run stopped (%s)", why);
#undef DISK_PUT
    return stroma_error_set(err, rc, "%s\nthe run stopped at t = %g min; in %s: %s", msg, stroma_sim_time(sim),
                            r->od.path, disk);
}

static void run_ctx_free(run_ctx *r) {
    if (r->ts) fclose(r->ts);
    free(r->ts_text);
    stroma_vtk_series_free(&r->vtk_fields);
    stroma_vtk_series_free(&r->vtk_cells);
    stroma_pictures_free(&r->pics);
}

static void pictures_save(const void *ctx, stroma_buf *b) { stroma_pictures_save(&((const run_ctx *)ctx)->pics, b); }

static stroma_code pictures_load(void *ctx, stroma_reader *rd, stroma_error *err) {
    run_ctx *r = ctx;
    return stroma_pictures_load(&r->pics, rd, stroma_sim_time(r->sim), err);
}

static stroma_code run_ctx_init(run_ctx *r, stroma_sim *sim, double checkpoint_every_min, stroma_error *err) {
    memset(r, 0, sizeof *r);
    r->sim = sim;
    r->t0 = wall_now();
    r->last_output_min = r->partial_output_min = r->ts_disk_min = r->finite_at_min = r->checkpoint_at_min = -1;
    r->resumed_at_min = NAN;
    r->checkpoint_every_min = checkpoint_every_min;
    const stroma_model *m = sim->model;
    stroma_pictures_init(&r->pics, m, m->output_images_field, m->output_images_size_px, m->output_every_min,
                         stroma_sim_end_time(sim));
    if (!sim->has_cells) r->pics.style.marker = -1;
    stroma_code rc = ts_open(r, err);
    if (rc == STROMA_OK) rc = stroma_state_register(&sim->state, "outputs", 1, r, outputs_save, outputs_load, err);
    if (rc == STROMA_OK && m->output_images) /* the pictures' frames so far, so a resumed run draws the same */
        rc = stroma_state_register(&sim->state, "pictures", 1, r, pictures_save, pictures_load, err);
    return rc;
}

stroma_code stroma_run_with(stroma_sim *sim, const char *out_dir, const stroma_run_options *opts,
                            stroma_progress_fn progress, void *user, stroma_error *err) {
    stroma_error local;
    if (!err) err = &local;
    stroma_error_clear(err);
    double every = opts ? opts->checkpoint_every_min : 0;
    if (!(every >= 0) || !isfinite(every))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint interval must be > 0 min (got %g)", every);
    if (strlen(stroma_model_overrides(sim->model)) >= sizeof ((stroma_checkpoint_meta *)0)->overrides)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "the overrides (--set) are too long: %zu bytes, at most %zu",
                                strlen(stroma_model_overrides(sim->model)),
                                sizeof ((stroma_checkpoint_meta *)0)->overrides - 1);
    run_ctx r;
    stroma_code rc = run_ctx_init(&r, sim, every, err);
    r.warnings = opts ? opts->warnings : NULL;
    if (rc == STROMA_OK) rc = stroma_outdir_begin(&r.od, out_dir, err);
    if (rc != STROMA_OK) {
        run_ctx_free(&r);
        return rc;
    }
    const stroma_model *m = sim->model;
    stroma_checkpoint_meta *meta = &r.meta;
    if (!realpath(m->path, meta->model_path)) snprintf(meta->model_path, sizeof meta->model_path, "%s", m->path);
    snprintf(meta->model_arg, sizeof meta->model_arg, "%s", m->path);
    snprintf(meta->model_sha256, sizeof meta->model_sha256, "%s", m->sha256);
    const char *ov = stroma_model_overrides(m);
    snprintf(meta->overrides, sizeof meta->overrides, "%s", ov);
    meta->seed = m->seed;
    meta->end_min = stroma_sim_end_time(sim);
    snprintf(meta->solver, sizeof meta->solver, "%s", sim->transport->ops->name);
    meta->checkpoint_every_min = every;
    rc = write_status(&r, "running", NULL, err);
    if (rc == STROMA_OK) {
        stroma_write_timeseries_header(r.ts, sim);
        rc = run_loop(&r, progress, user, err);
    }
    run_ctx_free(&r);
    return rc;
}

stroma_code stroma_run(stroma_sim *sim, const char *out_dir, stroma_progress_fn progress, void *user,
                       stroma_error *err) {
    return stroma_run_with(sim, out_dir, NULL, progress, user, err);
}

stroma_code stroma_resume(const char *dir, const stroma_resume_options *opts, stroma_progress_fn progress,
                          void *user, stroma_error *err) {
    stroma_error local;
    if (!err) err = &local;
    stroma_error_clear(err);
    char path[1200];
    snprintf(path, sizeof path, "%s/checkpoint.bin", dir);
    stroma_checkpoint_meta meta;
    stroma_buf payload;
    stroma_code rc = stroma_checkpoint_read(path, &meta, &payload, err);
    if (rc != STROMA_OK) return rc == STROMA_ERR_NOT_FOUND ? stroma_error_set(err, STROMA_ERR_NOT_FOUND,
                                                                               "nothing to resume in '%s': %s", dir,
                                                                               err->message)
                                                           : rc;
    /* the overrides the run was given (stroma run --set), applied again: "--set key=value\n" each */
    const char *sets[256];
    int nsets = 0;
    for (char *p = meta.overrides; *p && nsets < 256;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        sets[nsets++] = strncmp(p, "--set ", 6) == 0 ? p + 6 : p;
        p = nl ? nl + 1 : p + strlen(p);
    }
    stroma_model *m = stroma_model_load_set(meta.model_path, sets, nsets, err);
    if (!m) {
        stroma_buf_free(&payload);
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "cannot resume '%s': its model '%s' does not load:\n%s",
                                dir, meta.model_path, msg);
    }
    if (opts && opts->warnings)
        fputs(stroma_model_warnings(m), opts->warnings);
    if (strcmp(m->sha256, meta.model_sha256) != 0) {
        stroma_buf_free(&payload);
        stroma_error_set(err, STROMA_ERR_ARGUMENT,
                         "cannot resume '%s': the model file '%s' or its overrides changed since the checkpoint "
                         "(SHA-256 %.12s…, was %.12s…)",
                         dir, meta.model_path, m->sha256, meta.model_sha256);
        stroma_model_destroy(&m);
        return err->code;
    }
    stroma_model_set_seed(m, meta.seed);
    /* the model as the interrupted run was given it, so that summary.json and the report say the same */
    snprintf(m->path, sizeof m->path, "%s", meta.model_arg);
    stroma_sim *sim = NULL;
    rc = stroma_model_set_end(m, meta.end_min, err);
    if (rc == STROMA_OK) {
        stroma_sim_options so = {opts ? opts->threads : 0, meta.solver};
        sim = stroma_sim_create(m, &so, err);
        if (!sim) rc = err->code;
    }
    run_ctx r;
    int have_ctx = 0;
    if (rc == STROMA_OK) {
        rc = run_ctx_init(&r, sim, meta.checkpoint_every_min, err);
        have_ctx = 1;
    }
    if (rc == STROMA_OK) rc = stroma_checkpoint_restore(path, &payload, &sim->state, err);
    stroma_buf_free(&payload);
    if (rc == STROMA_OK && (sim->step != meta.step || stroma_sim_time(sim) != meta.time_min))
        rc = stroma_error_set(err, STROMA_ERR_ARGUMENT,
                              "checkpoint '%s' is inconsistent: its run description says step %lld (t = %g min), its "
                              "clock step %lld (t = %g min)",
                              path, (long long)meta.step, meta.time_min, (long long)sim->step, stroma_sim_time(sim));
    if (rc == STROMA_OK) rc = stroma_outdir_reopen(&r.od, dir, err);
    if (rc == STROMA_OK) {
        r.meta = meta;
        r.resumed_at_min = meta.time_min;
        r.checkpoint_at_min = meta.time_min;
        r.ts_disk_min = NAN; /* the killed run may have written rows after its checkpoint */
        r.warnings = opts ? opts->warnings : NULL;
        rc = write_status(&r, "running", NULL, err);
    }
    if (rc == STROMA_OK) rc = run_loop(&r, progress, user, err);
    if (have_ctx) run_ctx_free(&r);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    return rc;
}
