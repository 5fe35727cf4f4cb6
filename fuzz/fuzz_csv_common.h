/* The harness shared by the libFuzzer targets of the loader's CSV readers (fuzz_cells_csv.c: initial cells,
 * fuzz_rules_csv.c: PhysiCell v3 rules). Each input is written as the CSV file that a fixed model names
 * (FUZZ_CSV_NAME, in an empty directory made once), the model is loaded with stroma_model_load_string and, when it
 * loads, simulated for its two phenotype steps (a small domain, one thread), so that whatever the CSV reader
 * accepted also reaches the cell and rules engines.
 * Inputs are file contents, never paths; still, fopen and stroma_open_regular (util/file.h, how libstroma opens
 * its input files) are wrapped (-Wl,--wrap=fopen -Wl,--wrap=stroma_open_regular) as in fuzz_model_loader.c:
 * while the loader runs it may read only files directly in that directory, and every load must open the CSV file
 * exactly once (if it did not, the fixed model would no longer read it and the fuzzer would test nothing: the
 * harness aborts). Before fuzzing, a good and a bad CSV check the wiring (FUZZ_CSV_GOOD must load and run,
 * FUZZ_CSV_BAD must fail with an error at line 1 of the CSV file).
 * A target defines FUZZ_TARGET (its name), FUZZ_CSV_NAME, FUZZ_MODEL (the model text), FUZZ_CSV_GOOD and
 * FUZZ_CSV_BAD, then includes this file. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroma/stroma.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#include "confine.h" /* fuzz_dir: the empty directory, e.g. /tmp/stroma-fuzz-XXXXXX; fuzz_confined */

static char fuzz_name[4200];  /* fuzz_dir + "/model.yaml": the model's name, so its CSV file resolves here */
static char fuzz_csv[4200];   /* fuzz_dir + "/" FUZZ_CSV_NAME: where each input is written */
static int fuzz_csv_opens;    /* opens of fuzz_csv for reading during the current load */

static void fuzz_cleanup(void) {
    if (fuzz_csv[0]) remove(fuzz_csv);
    if (fuzz_dir[0]) rmdir(fuzz_dir);
}

/* Confinement hooks (confine.h): nothing served from memory; the CSV file's opens are counted. */
static FILE *fuzz_serve(const char *path) {
    (void)path;
    return NULL;
}
static void fuzz_opened(const char *path) {
    if (strcmp(path, fuzz_csv) == 0) fuzz_csv_opens++;
}

static void fuzz_die(const char *what, const char *detail) {
    fprintf(stderr, "%s: %s%s%s\n", FUZZ_TARGET, what, detail ? ": " : "", detail ? detail : "");
    fuzz_cleanup();
    abort();
}

static void fuzz_write_csv(const uint8_t *data, size_t size) {
    FILE *fp = __real_fopen(fuzz_csv, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) fuzz_die("cannot write", fuzz_csv);
}

/* Load the fixed model (reading the CSV file as it now is); checks the error contract and that the CSV was read. */
static stroma_model *fuzz_load(stroma_error *err) {
    fuzz_csv_opens = 0;
    fuzz_confined = 1;
    stroma_model *m = stroma_model_load_string(FUZZ_MODEL, strlen(FUZZ_MODEL), fuzz_name, err);
    fuzz_confined = 0;
    if (fuzz_csv_opens != 1) fuzz_die("the fixed model did not read its CSV file exactly once", err->message);
    /* the contract: on success the error is cleared; on failure it has a code and a NUL-terminated message */
    if (m ? err->code != STROMA_OK : err->code == STROMA_OK || !memchr(err->message, '\0', sizeof err->message))
        abort();
    return m;
}

/* Simulate a loaded model to its end (two phenotype steps); returns the result of the last call. */
static stroma_code fuzz_simulate(const stroma_model *m, stroma_error *err) {
    stroma_sim_options opts = {1, NULL};
    stroma_sim *sim = stroma_sim_create(m, &opts, err);
    if (!sim) return err->code == STROMA_OK ? STROMA_ERR_ARGUMENT : err->code;
    stroma_code rc = STROMA_OK;
    for (int guard = 0; rc == STROMA_OK && stroma_sim_time(sim) < stroma_sim_end_time(sim) - 1e-9 && guard < 100;
         guard++)
        rc = stroma_sim_step(sim, err);
    int64_t live = 0;
    for (int k = 0; k < stroma_sim_cell_type_count(sim); k++) live += stroma_sim_live_cells(sim, k);
    if (live < 0 || stroma_sim_dead_cells(sim) < 0) abort();
    stroma_sim_destroy(&sim);
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/stroma-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir)) {
        perror(FUZZ_TARGET ": mkdtemp");
        abort();
    }
    snprintf(fuzz_name, sizeof fuzz_name, "%s/model.yaml", fuzz_dir);
    snprintf(fuzz_csv, sizeof fuzz_csv, "%s/%s", fuzz_dir, FUZZ_CSV_NAME);
    atexit(fuzz_cleanup);
    /* the wiring: a good file loads and runs, a bad one is reported at its first line */
    stroma_error err;
    fuzz_write_csv((const uint8_t *)FUZZ_CSV_GOOD, strlen(FUZZ_CSV_GOOD));
    stroma_model *m = fuzz_load(&err);
    if (!m) fuzz_die("the good CSV does not load", err.message);
    if (fuzz_simulate(m, &err) != STROMA_OK) fuzz_die("the good CSV does not run", err.message);
    stroma_model_destroy(&m);
    fuzz_write_csv((const uint8_t *)FUZZ_CSV_BAD, strlen(FUZZ_CSV_BAD));
    m = fuzz_load(&err);
    char where[64];
    snprintf(where, sizeof where, "%s:1:", FUZZ_CSV_NAME);
    if (m || !strstr(err.message, where)) fuzz_die("the bad CSV is not reported at its first line", m ? "it loads" : err.message);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_write_csv(data, size);
    stroma_error err;
    stroma_model *m = fuzz_load(&err);
    if (m) {
        char buf[4096];
        stroma_model_describe(m, buf, sizeof buf);
        (void)fuzz_simulate(m, &err);
    }
    stroma_model_destroy(&m);
    return 0;
}
