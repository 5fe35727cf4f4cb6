/* Running a simulation to its end time and writing its outputs at each output interval. */
#include <math.h>
#include <omp.h>
#include <time.h>

#include "io/outdir.h"
#include "io/writers.h"
#include "sim/sim.h"
#include "util/error_impl.h"

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Steps between outputs; outputs fall on whole steps (every / dt rounded, at least 1). */
static int64_t output_stride(const stroma_sim *sim) {
    int64_t k = (int64_t)llround(sim->model->output_every_min / sim->dt_min);
    return k < 1 ? 1 : k;
}

static stroma_code write_snapshot(stroma_outdir *od, stroma_sim *sim, FILE *ts, stroma_error *err) {
    stroma_write_timeseries_row(ts, sim);
    stroma_code rc = STROMA_OK;
    if (sim->model->output_fields_csv) rc = stroma_write_fields_csv(od, sim, err);
    if (rc == STROMA_OK && sim->has_cells && sim->model->output_cells_csv) rc = stroma_write_cells_csv(od, sim, err);
    return rc;
}

stroma_code stroma_run(stroma_sim *sim, const char *out_dir, stroma_progress_fn progress, void *user,
                       stroma_error *err) {
    stroma_error_clear(err);
    double t0 = wall_now();
    stroma_outdir od = {0};
    stroma_code rc = stroma_outdir_begin(&od, out_dir, err);
    if (rc != STROMA_OK) return rc;
    if (sim->model->output_fields_csv && (rc = stroma_outdir_mkdir(&od, "fields", err)) != STROMA_OK) goto fail;
    if (sim->has_cells && sim->model->output_cells_csv && (rc = stroma_outdir_mkdir(&od, "cells", err)) != STROMA_OK)
        goto fail;
    FILE *ts = stroma_outdir_open(&od, "timeseries.csv", err);
    if (!ts) {
        rc = err ? err->code : STROMA_ERR_IO;
        goto fail;
    }
    stroma_write_timeseries_header(ts, sim);
    int64_t stride = output_stride(sim);
    if (sim->step % stride == 0 && (rc = write_snapshot(&od, sim, ts, err)) != STROMA_OK) goto fail_ts;
    while (sim->step < sim->end_step) {
        if ((rc = stroma_sim_step(sim, err)) != STROMA_OK) goto fail_ts;
        int at_output = sim->step % stride == 0 || sim->step == sim->end_step;
        if (at_output && (rc = write_snapshot(&od, sim, ts, err)) != STROMA_OK) goto fail_ts;
        if (progress && progress(user, stroma_sim_time(sim), stroma_sim_end_time(sim))) {
            rc = stroma_error_set(err, STROMA_ERR_INTERNAL, "run interrupted at t = %g min",
                                  stroma_sim_time(sim));
            goto fail_ts;
        }
    }
    if ((rc = stroma_outdir_close(&od, ts, "timeseries.csv", err)) != STROMA_OK) goto fail;
    if ((rc = stroma_write_summary(&od, sim, err)) != STROMA_OK) goto fail;
    if ((rc = stroma_write_run_info(&od, sim, wall_now() - t0, omp_get_max_threads(), err)) != STROMA_OK)
        goto fail;
    return stroma_outdir_commit(&od, err);
fail_ts:
    fclose(ts);
fail:
    stroma_outdir_abort(&od);
    return rc;
}
