/* Run outputs: summary.json, timeseries.csv and per-substrate field CSVs (formats in README/docs). */
#ifndef STROMA_IO_WRITERS_H
#define STROMA_IO_WRITERS_H

#include <stdint.h>
#include <stdio.h>

#include "io/outdir.h"
#include "sim/sim.h"

/* How a simulated time (min) appears in output file names (fields/oxygen_120.csv, cells/cells_120.vtp,
 * images/tissue_120.png): shortest form up to 10 significant digits, so distinct output times of long or finely
 * sampled runs keep distinct names (plain %g would merge 12345.62 and 12345.64). */
#define STROMA_FILE_TIME "%.10g"

/* Name of the vessel density field in the field files (fields/vessel_density_<time>.csv, the .vti array). */
#define STROMA_VESSEL_FIELD_NAME "vessel_density"
/* ... and of the matrix density field (mg/mL): fields/ECM_<time>.csv, the .vti array ECM. */
#define STROMA_ECM_FIELD_NAME "ECM"

/* Write timeseries.csv's header: time, <substrate>_mean,<substrate>_total per substrate, cells_<type> per cell
 * type and cells_dead (models with cells), plasma_<name> per systemic substrate (models with a body: its plasma
 * value in its clinical unit), vessel_density_mean,vascular_fraction (models with vessels). */
void stroma_write_timeseries_header(FILE *f, const stroma_sim *sim);

/* Append one row for the simulation's current time. */
void stroma_write_timeseries_row(FILE *f, const stroma_sim *sim);

/* Write fields/<name>_<time>.csv for every substrate, and fields/vessel_density_<time>.csv when the model has
 * vessels (x,y,z,value at voxel centres, µm). */
stroma_code stroma_write_fields_csv(stroma_outdir *od, const stroma_sim *sim, stroma_error *err);

/* Write cells/cells_<time>.csv: one row per cell in id order: id,type,state,x,y,z,radius,volume,phase,pressure
 * (µm, µm³), age (min), damage, damage_delivered, vx,vy,vz (µm/min), attached_id (-1: none), then one column per
 * state variable (var:<name> if the name is one of those columns), marker:<name> per marker (1 = a live cell
 * positive), behaviour:<name> per rule-controlled behaviour (the cell's current value). docs/outputs.md. */
stroma_code stroma_write_cells_csv(stroma_outdir *od, const stroma_sim *sim, stroma_error *err);

/* Write summary.json for the current state: deterministic (no wall time, no thread count), so two runs of
 * the same model and seed give identical files. A model with vessels adds "vessels", one with a body "plasma"
 * and "mass_balance" (docs/outputs.md); other models' files are as before. */
stroma_code stroma_write_summary(stroma_outdir *od, const stroma_sim *sim, stroma_error *err);

/* How far a run got, for run.json. */
typedef struct stroma_run_status {
    const char *state;           /* "running", "complete" or "failed" */
    double wall_s;               /* wall time of this process's part of the run */
    int threads;
    double time_min;             /* simulated time reached */
    double last_output_min;      /* last output time written (< 0: none) */
    double checkpoint_every_min; /* 0: no checkpoints */
    double resumed_at_min;       /* NAN unless this process resumed the run from a checkpoint */
    double output_s;             /* wall time spent writing outputs (s) */
    double checkpoint_s;         /* wall time spent writing checkpoints (s) */
    const char *error;           /* failed: the error message; NULL otherwise */
    const char *model_file;      /* absolute path of the model file (NULL: resolved from the model's path) */
} stroma_run_status;

/* Spaces after the JSON of a "running" run.json (bytes): room for the final status, error message included, to
 * be written over it in place (stroma_write_run_info_in_place). */
#define STROMA_RUN_JSON_ROOM 4096

/* Write run.json atomically: provenance of this run (version, model path and hash, seed, threads, solver) and its
 * status (state, simulated time reached, last output, wall time, error). A "running" status is followed by
 * STROMA_RUN_JSON_ROOM bytes of whitespace (valid JSON), so that the file already holds the blocks its final
 * status needs. */
stroma_code stroma_write_run_info(stroma_outdir *od, const stroma_sim *sim, const stroma_run_status *st,
                                  stroma_error *err);

/* Write run.json over the existing one in place (stroma_outdir_overwrite: no new file, no new blocks), padded
 * with spaces to its size, the error message cut (marked "...") if it would not fit otherwise. For when
 * stroma_write_run_info cannot write a new file; STROMA_ERR_IO if even this fails. */
stroma_code stroma_write_run_info_in_place(stroma_outdir *od, const stroma_sim *sim, const stroma_run_status *st,
                                           stroma_error *err);

/* Print a double as a JSON number (17 significant digits; non-finite as null). */
void stroma_json_number(FILE *f, double v);

/* Integers from 2^53 on are not exact in JSON readers that hold numbers as doubles (JavaScript, jq) and from
 * 2^63 on not readable at all by those that use int64 (jansson): stroma writes such an integer (a seed) as a
 * string of its decimal digits. */
#define STROMA_JSON_EXACT_INT (UINT64_C(1) << 53)

/* Print an unsigned integer: a JSON number below STROMA_JSON_EXACT_INT, else a string of its digits
 * ("18446744073709551615"). stroma_json_get_u64 (util/json.h) reads either back exactly. */
void stroma_json_u64(FILE *f, uint64_t v);

/* Print a JSON string literal with escapes; a byte that is not part of well-formed UTF-8 becomes U+FFFD, so the
 * output is always valid JSON (file names may hold any byte). */
void stroma_json_string(FILE *f, const char *s);

#endif
