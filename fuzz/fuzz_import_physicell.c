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

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__real_stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap);
FILE *__wrap_stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap);

static char fuzz_dir[4096];     /* e.g. /tmp/stroma-fuzz-import-XXXXXX */
static char settings[4200], out_yaml[4200], out_cells[4200];
static int fuzz_in_import;

static void fuzz_cleanup(void) {
    unlink(settings);
    unlink(out_yaml);
    unlink(out_cells);
    if (fuzz_dir[0]) rmdir(fuzz_dir);
}

/* While the importer runs, reading is allowed only directly inside fuzz_dir. */
FILE *__wrap_fopen(const char *path, const char *mode) {
    if (fuzz_in_import && mode[0] == 'r' && !strchr(mode, '+')) {
        size_t n = strlen(fuzz_dir);
        if (strncmp(path, fuzz_dir, n) != 0 || path[n] != '/' || strchr(path + n + 1, '/')) {
            errno = EACCES;
            return NULL;
        }
    }
    return __real_fopen(path, mode);
}

/* libstroma opens its input files (cell and rules files, PhysiCell CSVs) with stroma_open_regular (util/file.h:
 * stat, then a non-blocking open), not fopen: wrapped the same way (-Wl,--wrap=stroma_open_regular). */
FILE *__wrap_stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap) {
    if (fuzz_in_import) {
        size_t n = strlen(fuzz_dir);
        if (strncmp(path, fuzz_dir, n) != 0 || path[n] != '/' || strchr(path + n + 1, '/')) {
            if (code) *code = STROMA_ERR_IO;
            if (cap) snprintf(why, cap, "%s", strerror(EACCES));
            errno = EACCES;
            return NULL;
        }
    }
    return __real_stroma_open_regular(path, code, why, cap);
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
    fuzz_in_import = 1;
    stroma_code rc = stroma_import_physicell(settings, NULL, out_yaml, rep, &err);
    fuzz_in_import = 0;
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
