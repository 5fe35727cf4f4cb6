/* libstroma public API: load a model, create a simulation, advance it, read its state, write its outputs.
 *
 * Design: a model file is parsed and validated into an immutable stroma_model (plain data). A stroma_sim owns
 * all mutable state (fields, clock, RNG key). Handles are opaque. Every function that can fail takes a
 * stroma_error * (may be NULL) and returns a stroma_code or NULL. The library never prints or exits. */
#ifndef STROMA_H
#define STROMA_H

#include <stddef.h>
#include <stdio.h>
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

/* Same, with overrides applied to the parsed file before it is checked (`stroma run MODEL --set key=value`):
 * sets[i] is "key.path=value" (names separated by '.', [i] picks item i of a list; the value is YAML). Each is
 * checked exactly like the file; an issue in override i (0-based) is reported as "--set:<i+1>:COL: message",
 * COL counting from 1 in "key.path=value". The model's SHA-256 covers the file and the overrides. */
stroma_model *stroma_model_load_set(const char *path, const char *const *sets, int nsets, stroma_error *err);
stroma_model *stroma_model_load_string_set(const char *yaml, size_t len, const char *name, const char *const *sets,
                                           int nsets, stroma_error *err);

/* The overrides a model was loaded with, "--set key.path=value\n" for each, in order; "" for none. Borrowed. */
const char *stroma_model_overrides(const stroma_model *model);

/* The loader's warnings about a model that loaded (e.g. a vesicle class no cell type releases), one per line as
 * "file:line:col: warning: ..."; "" when there are none. Borrowed from the model. */
const char *stroma_model_warnings(const stroma_model *model);

/* Free a model and clear the handle. Accepts NULL and *model == NULL. */
void stroma_model_destroy(stroma_model **model);

/* Write a human-readable summary of the model (domain, grid, substrates, memory estimate) into buf
 * (NUL-terminated, truncated to cap). Returns the length it wanted to write. */
size_t stroma_model_describe(const stroma_model *model, char *buf, size_t cap);

/* Overrides applied by the CLI before creating a simulation. */
void stroma_model_set_seed(stroma_model *model, uint64_t seed);
/* end_min must be finite, > 0 and at most 2^53 steps of the model's dt_diffusion (else STROMA_ERR_ARGUMENT,
 * the model unchanged). */
stroma_code stroma_model_set_end(stroma_model *model, double end_min, stroma_error *err);

/* ---- simulation ---- */

typedef struct stroma_sim_options {
    int threads;          /* most OpenMP threads a step uses (steps may use one when that is faster, e.g.
                             on busy cores); 0 = OMP_NUM_THREADS if set, else chosen from the model's size */
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

/* Run to the end time, writing outputs into out_dir (created if absent; if it holds an earlier stroma output —
 * a run.json stroma wrote — the files of that output are removed first, and only those: any other file or
 * folder in it stays; any other non-empty directory is refused with STROMA_ERR_ARGUMENT and left untouched). Every file is written
 * under a temporary name and renamed when complete. run.json records the status: "running" while the run
 * goes, "complete" at the end, "failed" (with the time reached and the error) when it fails — a failed or
 * killed run leaves what it had finished; when no new file can be written, run.json is rewritten in place. The
 * error message of a failure ends with a line saying what is on disk. At output and checkpoint times the state
 * must be finite: a field value, a substrate's total or a cell quantity that is not fails the run with
 * STROMA_ERR_NOT_FINITE. An output interval longer than the run means the start and the end only. Same as
 * stroma_run_with(sim, out_dir, NULL, ...). */
stroma_code stroma_run(stroma_sim *sim, const char *out_dir, stroma_progress_fn progress, void *user,
                       stroma_error *err);

typedef struct stroma_run_options {
    double checkpoint_every_min; /* > 0: write out_dir/checkpoint.bin at this interval and at the end; 0: none */
    FILE *warnings;              /* warnings about the tissue as the run goes (packed far past confluence, cells held
                                    by the domain's walls, a population doubling every phenotype step), each once;
                                    NULL: nowhere */
} stroma_run_options;

/* stroma_run with options (NULL = defaults). The simulation gains a checkpoint section for the run's own
 * outputs, so one sim runs once. */
stroma_code stroma_run_with(stroma_sim *sim, const char *out_dir, const stroma_run_options *opts,
                            stroma_progress_fn progress, void *user, stroma_error *err);

typedef struct stroma_resume_options {
    int threads;    /* as stroma_sim_options.threads */
    FILE *warnings; /* the reloaded model's loader warnings (stroma_model_warnings) and the run's warnings about the
                       tissue (stroma_run_options.warnings) go here; NULL: nowhere */
} stroma_resume_options;

/* Continue the run in `dir` from its last checkpoint (dir/checkpoint.bin) to its end time, with the same model
 * file (reloaded from the absolute path the checkpoint records; refused if its SHA-256 changed), seed, end
 * time, solver and checkpoint interval. The result is bit-identical to a run that was never interrupted, at
 * any thread count. Errors: STROMA_ERR_NOT_FOUND (no checkpoint), STROMA_ERR_ARGUMENT (a foreign, corrupt,
 * incompatible or stale checkpoint — the checkpoint is validated as input: indices in range, positions finite
 * and inside the domain, ids increasing, attachments to existing cells, clocks consistent), or whatever the
 * run returns. The resumed run records the model path as the interrupted run was given it. */
stroma_code stroma_resume(const char *dir, const stroma_resume_options *opts, stroma_progress_fn progress,
                          void *user, stroma_error *err);

/* (Re)build dir/report.html — one self-contained HTML page (images embedded, no external resources) with the
 * run's headline numbers, plots of timeseries.csv (also written as dir/images/plot_*.png), up to six tissue
 * snapshots, the model's summary and the provenance — from the files in dir alone. The model file named in
 * summary.json is reloaded for its summary; if it is gone or changed, the page says so. stroma_run builds the
 * report at the end of a complete run. Errors: STROMA_ERR_NOT_FOUND (no such directory, or no run.json in it),
 * STROMA_ERR_ARGUMENT (not a directory), STROMA_ERR_PARSE (run.json and summary.json both malformed),
 * STROMA_ERR_IO, STROMA_ERR_NOMEM. */
stroma_code stroma_report_build(const char *dir, stroma_error *err);

/* What stroma_render draws; a zero value (NULL, 0) takes the run's own setting. */
typedef struct stroma_render_options {
    const char *field;    /* substrate under the cells, "none" for none (NULL: the model's outputs.images.field) */
    const char *color_by; /* "type", or a numeric column of the cells CSV (state variable, marker:<name>,
                           * behaviour:<name>, pressure, ...) to colour the live cells by (NULL: as the run
                           * drew them, by type or stained by outputs.images.marker) */
    double every_min;     /* a picture every this many min, a whole multiple of outputs.every (0: the model's) */
    int size_px;          /* picture width, 200 to 4000 px (0: the model's outputs.images.size) */
} stroma_render_options;

/* Draw the tissue pictures dir/images/tissue_<time>.png and dir/images/tissue.webp again from the files of a run
 * in dir (run.json for the model, fields/<substrate>_<time>.csv, cells/cells_<time>.csv), without running it;
 * pictures of an earlier drawing that this one does not replace are removed, and dir/report.html is rebuilt.
 * With the run's own settings the pictures are the run's, byte for byte (docs/outputs.md). *npictures (may be
 * NULL) is set to the number drawn. Errors (nothing is written then): STROMA_ERR_NOT_FOUND (no directory, or no
 * run stroma wrote in it), STROMA_ERR_ARGUMENT (a field, column or interval the run does not have — the message
 * lists those it has —, the model file changed or gone, no files to draw from), STROMA_ERR_PARSE (a malformed
 * file, with its name and line), STROMA_ERR_IO, STROMA_ERR_NOMEM. */
stroma_code stroma_render(const char *dir, const stroma_render_options *opts, size_t *npictures, stroma_error *err);

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

/* ---- the body: vessels and plasma (models with `vessels:` / `body:`; docs/body.md) ---- */

/* The vessel density field (volume fraction of each voxel), summed in a fixed order. present = 0: the model has
 * no vessels (every other field 0). */
typedef struct stroma_vessel_summary {
    int present;
    double mean_density;      /* mean volume fraction over the domain */
    double max_density;
    double vascular_fraction; /* fraction of voxels holding vessel: density >= vascular_threshold */
    double vascular_threshold;/* 1 % of the model's max_density */
    double volume_um3;        /* vessel volume in the domain */
    double surface_um2;       /* wall surface in the domain */
    double grown_um3, regressed_um3, deposited_um3, pruned_um3; /* since the start: angiogenesis, regression,
                                                                   laid down / pruned by cells */
} stroma_vessel_summary;
stroma_vessel_summary stroma_sim_vessels(const stroma_sim *sim);

/* Vessel density of every voxel ([nvox], the field layout of the substrates without the substrate index), or
 * NULL without vessels. Borrowed: valid until the next stroma_sim_step. */
const double *stroma_sim_vessel_density(const stroma_sim *sim);

/* Systemic substrates (body.systemic, in file order): their plasma value and the ledger of where their amounts
 * went. Tissue amounts are value x µm³ of the simulated domain (tissue unit); plasma amounts are clinical unit x
 * mL. Mass balance: secreted into the tissue = (tissue - tissue0) + decayed + exchanged + drained, and
 * plasma - plasma0 = produced + received - cleared, where received = (exchanged + drained) x the scale of
 * docs/body.md. decayed is NaN when the substrate has Dirichlet boundaries (what crosses them is not counted). */
typedef struct stroma_plasma_summary {
    const char *name;         /* the substrate's name (borrowed from the model) */
    const char *unit;         /* clinical unit */
    double value;             /* plasma value now, clinical unit */
    double baseline;          /* healthy level, clinical unit */
    double exchanged, drained, decayed, tissue0, tissue;   /* tissue side */
    double plasma0, plasma, produced, received, cleared;    /* plasma side (plasma = volume x value) */
} stroma_plasma_summary;
int stroma_sim_plasma_count(const stroma_sim *sim);

/* The extracellular matrix (models with `ecm:`; docs/ecm.md). present = 0: none (all 0). Densities in mg/mL;
 * total, deposited and degraded in mg/mL x µm³ of the domain (x 1e-9 gives µg). */
typedef struct stroma_ecm_summary {
    int present;
    double mean, max, total;
    double deposited, degraded; /* since the start: laid down by cells, removed by cells and the protease */
} stroma_ecm_summary;
stroma_ecm_summary stroma_sim_ecm(const stroma_sim *sim);

/* ECM density of every voxel ([nvox], mg/mL), or NULL without a matrix. Borrowed: valid until the next step. */
const double *stroma_sim_ecm_density(const stroma_sim *sim);
stroma_plasma_summary stroma_sim_plasma(const stroma_sim *sim, int k);

/* ---- extracellular vesicles (models with `vesicles:`; docs/vesicles.md) ---- */

/* The ledger of a vesicle class (vesicles.<name>, in file order), in vesicles (counts) since the start:
 * released = (tissue - tissue0) + taken_up + decayed + exchanged + drained. exchanged and drained are 0 and plasma
 * NaN unless the class is in body.systemic (plasma: its plasma value in body.systemic's unit, normally
 * particles/mL); decayed is NaN when the class's field has a Dirichlet face. */
typedef struct stroma_vesicle_summary {
    const char *name;         /* the class (borrowed from the model) */
    double released, taken_up, tissue0, tissue, decayed, exchanged, drained;
    int systemic;             /* listed in body.systemic */
    double plasma;
} stroma_vesicle_summary;
int stroma_sim_vesicle_count(const stroma_sim *sim);
stroma_vesicle_summary stroma_sim_vesicles(const stroma_sim *sim, int k);

/* ---- drugs (models with `therapies:`; docs/therapies.md) ---- */

/* A drug (therapies.drugs.<name>, in file order) now. Plasma levels in mg/L (= µg/mL). */
typedef struct stroma_drug_summary {
    const char *name;         /* the drug (borrowed from the model) */
    const char *substrate;    /* its tissue field, or NULL: plasma only */
    double plasma;            /* plasma (central) level now, mg/L */
    double peripheral;        /* peripheral compartment level, mg/L (0 with one compartment) */
    double tissue_mean;       /* mean of its tissue field, substrate unit (NaN without one) */
    double auc;               /* plasma AUC since the start, mg min / L */
    double cmax, tmax_min;    /* highest plasma level seen at a step so far, and when */
    double dosed_mg, cleared_mg, in_body_mg; /* given (infusions: delivered so far), eliminated, in the body */
    int doses_given, doses;   /* doses started so far, of the schedule's */
    double neutralised;       /* factor removed by binding in the tissue, factor unit x µm³ (0: no sink) */
} stroma_drug_summary;
int stroma_sim_drug_count(const stroma_sim *sim);
stroma_drug_summary stroma_sim_drug(const stroma_sim *sim, int k);

/* ---- recruitment from the blood (models with `recruitment:`; docs/body.md) ---- */

/* A recruited cell type (recruitment.<type>, in file order) since the start of the run. */
typedef struct stroma_recruit_summary {
    const char *name;         /* the cell type (borrowed from the model) */
    int64_t recruited;        /* cells that entered from the vessels */
    double expected;          /* sum of the expected counts of every step, before the max_cells cap */
    double scale;             /* the current multiplier of the rate (1 unless something set it) */
} stroma_recruit_summary;
int stroma_sim_recruitment_count(const stroma_sim *sim);
stroma_recruit_summary stroma_sim_recruitment(const stroma_sim *sim, int k);

/* ---- import from PhysiCell ---- */

/* What an import could not reproduce exactly. NOT_IMPORTED: a setting with no stroma counterpart, dropped;
 * APPROXIMATED: mapped, but stroma's behaviour differs; NOTE: mapped as PhysiCell does it, worth knowing (a
 * convention of PhysiCell's C++, a rename, a merge). */
typedef enum stroma_import_kind {
    STROMA_IMPORT_NOT_IMPORTED,
    STROMA_IMPORT_APPROXIMATED,
    STROMA_IMPORT_NOTE
} stroma_import_kind;

/* The list of items an import reports, and the files it wrote. Opaque; owned by the caller. */
typedef struct stroma_import_report stroma_import_report;

/* A new empty report (free with stroma_import_report_destroy), or NULL when out of memory. */
stroma_import_report *stroma_import_report_create(void);

/* Free a report and clear the handle. Accepts NULL and *rep == NULL. */
void stroma_import_report_destroy(stroma_import_report **rep);

/* Number of items, in the order the import found them (settings, rules file, conversion, cells file). */
size_t stroma_import_report_count(const stroma_import_report *rep);

/* Item i (< count): its kind; the source file it points into as the caller named it ("" if none) and the
 * 1-based line there (0 if none); its text (one line, no trailing newline). Strings are borrowed from the
 * report and live until it is destroyed or reused. */
stroma_import_kind stroma_import_report_kind(const stroma_import_report *rep, size_t i);
const char *stroma_import_report_file(const stroma_import_report *rep, size_t i);
int stroma_import_report_line(const stroma_import_report *rep, size_t i);
const char *stroma_import_report_text(const stroma_import_report *rep, size_t i);

/* "not imported", "approximated" or "note". */
const char *stroma_import_kind_name(stroma_import_kind kind);

/* Files the import wrote (the model first, then its cell file if any), as paths built from out_yaml. */
size_t stroma_import_report_output_count(const stroma_import_report *rep);
const char *stroma_import_report_output(const stroma_import_report *rep, size_t i);

/* Convert a rules-based PhysiCell 1.14 project into a stroma model file. Reads settings_xml
 * (PhysiCell_settings.xml), the rules CSV (rules_csv, or if NULL the ruleset the settings enable) and the
 * initial cells CSV the settings enable; both are looked for beside settings_xml first, then at the
 * settings' folder/filename relative to the current directory. Writes out_yaml and, when there are initial
 * cells from a file, "<out_yaml stem>.cells.csv" beside it; each is written under a temporary name in its
 * directory and renamed into place only when complete, so no file is ever left half-written. The same inputs
 * give byte-identical outputs. Everything that is not reproduced exactly is listed in *rep (cleared first)
 * and in a comment at the top of out_yaml. Errors: STROMA_ERR_NOT_FOUND (an input missing),
 * STROMA_ERR_PARSE (malformed XML or CSV: err has file and line), STROMA_ERR_ARGUMENT (an input or output
 * that is not a regular file, a missing output directory, an unknown cell type in the rules),
 * STROMA_ERR_IO (reading or writing failed), STROMA_ERR_NOMEM. */
stroma_code stroma_import_physicell(const char *settings_xml, const char *rules_csv, const char *out_yaml,
                                    stroma_import_report *rep, stroma_error *err);

/* ---- virtual trials (`stroma trial`; docs/trials.md) ---- */

typedef struct stroma_trial stroma_trial;

/* Parse and check a trial file: its base model (path relative to the trial file) is loaded with each arm's
 * overrides and the cohort's first patient, so a bad key or value anywhere is reported before anything runs, at
 * the trial file's line:column ("trial.yaml:12:5: arm 'x': ..."). Unknown keys are errors with the nearest one
 * suggested. Returns a new trial owned by the caller (free with stroma_trial_destroy), or NULL with *err. */
stroma_trial *stroma_trial_load(const char *path, stroma_error *err);

/* Free a trial and clear the handle. Accepts NULL and *trial == NULL. */
void stroma_trial_destroy(stroma_trial **trial);

/* The trial file's number of patients and of arms. */
int stroma_trial_patient_count(const stroma_trial *trial);
int stroma_trial_arm_count(const stroma_trial *trial);

typedef struct stroma_trial_options {
    int patients; /* patients to run (the first N of the cohort); 0: the trial file's */
    int threads;  /* runs at once, each on one thread; 0: 1 */
    int rank, ranks; /* ranks > 1: one process of several (MPI ranks): this one runs only the runs i with
                        i % ranks == rank (i = patient x arms + arm), records them in out_dir/jobs (rank 0) or
                        out_dir/jobs-rank<rank>, and writes no results; 0, 0: one process, every run */
} stroma_trial_options;

/* Called once per finished (patient, arm) run, from the thread that ran it, one call at a time; `reused` counts
 * the runs found already done in out_dir. Return nonzero to stop: runs under way finish, no new one starts. */
typedef int (*stroma_trial_progress_fn)(void *user, int done, int total, int reused);

/* Run every patient in every arm and write out_dir/results.sqlite, out_dir/csv/ and out_dir/report.html
 * (docs/trials.md). out_dir is created if absent; a non-empty out_dir must hold an earlier run of the same trial
 * (its jobs/ records): runs recorded there are not run again, so a killed trial resumes where it stopped, with
 * results identical to an unbroken one. Any other non-empty directory, or records of another trial file or model,
 * are refused (STROMA_ERR_ARGUMENT). Stopped by the progress function: STROMA_ERR_INTERRUPTED (finished runs are
 * kept). Errors of a run are returned with the patient and arm named. */
stroma_code stroma_trial_run(const stroma_trial *trial, const char *out_dir, const stroma_trial_options *opts,
                             stroma_trial_progress_fn progress, void *user, stroma_error *err);

/* Several processes (the CLI's MPI mode): after each ran its share (opts->ranks > 1), each exports the records of
 * its share as one buffer (*buf malloc'd, owned by the caller; *len bytes) and sends it to rank 0, which imports
 * every buffer into its out_dir/jobs (records already there are kept) and then calls stroma_trial_run with
 * ranks = 0: every run is recorded, so it only builds the results. Import checks the framing; the final run checks
 * each record as a resumed trial does. */
stroma_code stroma_trial_records_export(const stroma_trial *trial, const char *out_dir,
                                        const stroma_trial_options *opts, char **buf, size_t *len, stroma_error *err);
stroma_code stroma_trial_records_import(const stroma_trial *trial, const char *out_dir, const char *buf, size_t len,
                                        stroma_error *err);

#endif
