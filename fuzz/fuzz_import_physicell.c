/* libFuzzer target for `stroma import-physicell`: each input is a PhysiCell_settings.xml, written to an empty
 * directory of its own and converted with stroma_import_physicell into that directory. The rules and cells
 * files the settings may name are looked for beside it (absent: the importer reports or refuses) — an input
 * can name absolute paths too, so reads outside the directory are refused by wrapping fopen and
 * stroma_open_regular (linked with -Wl,--wrap=...) while the importer runs; libxml2 reads the settings itself (its own I/O) and is given no
 * network or entity loading. Every input must end in STROMA_OK or a clean error: no crash, sanitizer report,
 * leak or hang. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stroma/stroma.h"

/* Confinement hooks (confine.h): nothing served from memory, opens not counted. */
static FILE *fuzz_serve(const char *path) {
    (void)path;
    return NULL;
}
static void fuzz_opened(const char *path) { (void)path; }

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#include "confine.h" /* fuzz_dir, e.g. /tmp/stroma-fuzz-import-XXXXXX: reading is allowed only directly inside it */

static char settings[4200], out_yaml[4200], out_cells[4200];

static void fuzz_cleanup(void) {
    unlink(settings);
    unlink(out_yaml);
    unlink(out_cells);
    if (fuzz_dir[0]) rmdir(fuzz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/stroma-fuzz-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir)) {
        perror("fuzz_import_physicell: mkdtemp");
        abort();
    }
    snprintf(settings, sizeof settings, "%s/PhysiCell_settings.xml", fuzz_dir);
    snprintf(out_yaml, sizeof out_yaml, "%s/model.yaml", fuzz_dir);
    snprintf(out_cells, sizeof out_cells, "%s/model.cells.csv", fuzz_dir);
    atexit(fuzz_cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = __real_fopen(settings, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    stroma_import_report *rep = stroma_import_report_create();
    if (!rep) abort();
    stroma_error err;
    fuzz_confined = 1;
    stroma_code rc = stroma_import_physicell(settings, NULL, out_yaml, rep, &err);
    fuzz_confined = 0;
    /* a successful import writes a model the loader must accept or refuse cleanly */
    if (rc == STROMA_OK) {
        stroma_model *m = stroma_model_load(out_yaml, &err);
        stroma_model_destroy(&m);
    }
    stroma_import_report_destroy(&rep);
    unlink(out_yaml);
    unlink(out_cells);
    return 0;
}
