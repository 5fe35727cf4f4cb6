/* libstroma public API: load a model, create a simulation, advance it, read its state, write its outputs.
 *
 * Design: a model file is parsed and validated into an immutable stroma_model (plain data). A stroma_sim owns
 * all mutable state (fields, clock, RNG key). Handles are opaque. Every function that can fail takes a
 * stroma_error * (may be NULL) and returns a stroma_code or NULL. The library never prints or exits. */
#ifndef STROMA_H
#define STROMA_H

#include <stddef.h>
#include <stdint.h>

#include "stroma/error.h"

typedef struct stroma_model stroma_model;
typedef struct stroma_sim stroma_sim;

/* Version string, e.g. "0.1.0". */
const char *stroma_version(void);

/* ---- model ---- */

/* Parse and validate a YAML model file. Returns a new model owned by the caller (free with
 * stroma_model_destroy), or NULL with *err filled (file:line:col of the first error; err->message lists all
 * errors found, one per line). */
stroma_model *stroma_model_load(const char *path, stroma_error *err);

/* Same, from a string in memory; `name` is used as the file name in messages. */
stroma_model *stroma_model_load_string(const char *yaml, size_t len, const char *name, stroma_error *err);

/* Free a model and clear the handle. Accepts NULL and *model == NULL. */
void stroma_model_destroy(stroma_model **model);

/* Write a human-readable summary of the model (domain, grid, substrates, memory estimate) into buf
 * (NUL-terminated, truncated to cap). Returns the length it wanted to write. */
size_t stroma_model_describe(const stroma_model *model, char *buf, size_t cap);

/* Overrides applied by the CLI before creating a simulation. */
void stroma_model_set_seed(stroma_model *model, uint64_t seed);
/* end_min must be > 0. */
stroma_code stroma_model_set_end(stroma_model *model, double end_min, stroma_error *err);

/* ---- simulation ---- */

typedef struct stroma_sim_options {
    int threads;          /* OpenMP threads; 0 = leave the runtime default */
    const char *solver;   /* diffusion solver name; NULL = "lod" */
} stroma_sim_options;

/* Create a simulation from a model (borrowed: it must outlive the sim). Allocates every field after
 * checking the memory estimate. Returns NULL with *err on failure. */
stroma_sim *stroma_sim_create(const stroma_model *model, const stroma_sim_options *opts, stroma_error *err);

/* Free a simulation and clear the handle. Accepts NULL. */
void stroma_sim_destroy(stroma_sim **sim);

/* Advance by one diffusion step. */
stroma_code stroma_sim_step(stroma_sim *sim, stroma_error *err);

/* Current simulated time (min) and end time (min). */
double stroma_sim_time(const stroma_sim *sim);
double stroma_sim_end_time(const stroma_sim *sim);

/* Called by stroma_run at each output time and regularly for progress; return nonzero to stop. */
typedef int (*stroma_progress_fn)(void *user, double t_min, double end_min);

/* Run to the end time, writing outputs into out_dir (created fresh under a temporary name next to it and
 * renamed into place when complete; an existing out_dir is replaced only on success). */
stroma_code stroma_run(stroma_sim *sim, const char *out_dir, stroma_progress_fn progress, void *user,
                       stroma_error *err);

/* Statistics of one substrate over all voxels, sums taken in a fixed order (deterministic). */
typedef struct stroma_field_stats {
    double mean, min, max;
    double total; /* sum of value x voxel volume (value unit x um^3) */
} stroma_field_stats;

int stroma_sim_substrate_count(const stroma_sim *sim);
const char *stroma_sim_substrate_name(const stroma_sim *sim, int s);
/* Returns -1 if there is no substrate of that name. */
int stroma_sim_substrate_index(const stroma_sim *sim, const char *name);
stroma_field_stats stroma_sim_substrate_stats(const stroma_sim *sim, int s);

/* Cell types of the model, and live cells of a type / dead cells (apoptotic + necrotic) now. */
int stroma_sim_cell_type_count(const stroma_sim *sim);
const char *stroma_sim_cell_type_name(const stroma_sim *sim, int type);
int64_t stroma_sim_live_cells(const stroma_sim *sim, int type);
int64_t stroma_sim_dead_cells(const stroma_sim *sim);

#endif
