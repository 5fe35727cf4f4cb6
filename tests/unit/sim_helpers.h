/* Helpers the unit tests of the simulation's channels share (test_body.c, test_ecm.c, test_vesicles.c): load a
 * model from text, create and step a simulation, compare numbers, and move a simulation's state into another
 * through a real checkpoint file. Include after <cmocka.h>; every function fails the test on an error. */
#ifndef STROMA_TEST_SIM_HELPERS_H
#define STROMA_TEST_SIM_HELPERS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/checkpoint.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

/* The model in `yaml` (it must load). */
static inline stroma_model *load(const char *yaml) {
    stroma_error err;
    stroma_model *m = stroma_model_load_string(yaml, strlen(yaml), "model.yaml", &err);
    if (!m) fail_msg("model does not load: %s", err.message);
    return m;
}

/* A simulation of m on `threads` threads (0: the default). */
static inline stroma_sim *create(const stroma_model *m, int threads) {
    stroma_error err;
    stroma_sim_options o = {.threads = threads};
    stroma_sim *sim = stroma_sim_create(m, &o, &err);
    if (!sim) fail_msg("sim: %s", err.message);
    return sim;
}

static inline void run_steps(stroma_sim *sim, int64_t n) {
    stroma_error err;
    for (int64_t k = 0; k < n; k++)
        if (stroma_sim_step(sim, &err) != STROMA_OK) fail_msg("step %lld: %s", (long long)k, err.message);
}

/* |a - b| within tol relative to the larger. */
static inline int close_rel(double a, double b, double tol) { return fabs(a - b) <= tol * fmax(fabs(a), fabs(b)); }

/* Write `from`'s state to a temporary checkpoint file and restore it into `to` (a simulation of the same model);
 * returns the restore's code (its message in *err). */
static inline stroma_code sim_copy_state(stroma_sim *from, stroma_sim *to, stroma_error *err) {
    char path[] = "/tmp/stroma_test_state_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    stroma_checkpoint_meta meta = {.seed = 1, .end_min = stroma_sim_end_time(from), .step = from->step,
                                   .time_min = stroma_sim_time(from)};
    snprintf(meta.model_path, sizeof meta.model_path, "model.yaml");
    snprintf(meta.model_arg, sizeof meta.model_arg, "model.yaml");
    memset(meta.model_sha256, 'a', 64);
    snprintf(meta.solver, sizeof meta.solver, "lod");
    if (stroma_checkpoint_write(path, &meta, &from->state, err) != STROMA_OK) fail_msg("write: %s", err->message);
    stroma_checkpoint_meta got;
    stroma_buf payload;
    if (stroma_checkpoint_read(path, &got, &payload, err) != STROMA_OK) fail_msg("read: %s", err->message);
    stroma_code rc = stroma_checkpoint_restore(path, &payload, &to->state, err);
    stroma_buf_free(&payload);
    unlink(path);
    return rc;
}

#endif
