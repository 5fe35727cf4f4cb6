/* libFuzzer target for the model loader: each input is a model file handed to stroma_model_load_string_set, with
 * the overrides of `stroma run --set` taken from the input itself: every line that starts with "#--set " (a YAML
 * comment, so the file parses the same) gives one override, the rest of its line (at most FUZZ_MAX_SETS).
 * The files it names (initial_cells[].file, rules[].file) resolve next to `name`, a path in an empty directory
 * made once, and fopen and stroma_open_regular are wrapped (linked with -Wl,--wrap=...) so that while the loader
 * runs it can open nothing outside that directory: an input can neither read the machine's files nor block on a FIFO, /dev/stdin
 * or /dev/zero (fuzz/crashes/README.md).
 * Inputs that are not valid UTF-8 are skipped (see fuzz_utf8_valid) unless STROMA_FUZZ_BAD_UTF8=1. */
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

static char fuzz_name[4200];  /* fuzz_dir + "/model.yaml": the model's name, so its cell files resolve here */
static int fuzz_bad_utf8;     /* STROMA_FUZZ_BAD_UTF8=1: also load inputs that are not valid UTF-8 */

static void fuzz_cleanup(void) {
    if (fuzz_dir[0]) rmdir(fuzz_dir);
}

/* Confinement hooks (confine.h): nothing served from memory, opens not counted. */
static FILE *fuzz_serve(const char *path) {
    (void)path;
    return NULL;
}
static void fuzz_opened(const char *path) { (void)path; }

/* Strict UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
 * libfyaml 0.7.12 (Debian 12) loops forever on a directive line holding bytes that are not UTF-8, e.g. the two
 * bytes "%\x9a" (fy_scan_directive; libfyaml issue #101, fixed upstream after 0.7.12). Until the loader
 * rejects such input itself, the fuzzer skips it, or it would find only that hang. */
static int fuzz_utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (!len || n - i < len) return 0;
        uint8_t lo = 0x80, hi = 0xbf; /* range of the second byte */
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf) return 0;
        i += len;
    }
    return 1;
}

/* Check that the wrappers see the loader's cell and rules files: if the loader opened them some other way,
 * inputs could read the machine's files again. The probe names an empty regular file outside fuzz_dir. */
static void fuzz_check_confinement(void) {
    char file[4200], probe[9000], denied[4400];
    snprintf(file, sizeof file, "%s-probe", fuzz_dir);
    FILE *fp = __real_fopen(file, "wb");
    if (!fp) {
        perror("fuzz_model_loader: probe file");
        fuzz_cleanup();
        abort();
    }
    fclose(fp);
    /* The path is single-quoted (TMPDIR may hold any character): a quote is written twice. */
    char quoted[8600];
    size_t q = 0;
    for (const char *c = file; *c && q + 3 < sizeof quoted; c++) {
        if (*c == '\'') quoted[q++] = '\'';
        quoted[q++] = *c;
    }
    quoted[q] = '\0';
    snprintf(probe, sizeof probe, "cell_types: {a: {}}\ninitial_cells: [{file: '%s'}]\nrules: [{file: '%s'}]\n",
             quoted, quoted);
    snprintf(denied, sizeof denied, "%s: %s", file, strerror(EACCES));
    stroma_error err;
    fuzz_confined = 1;
    stroma_model *m = stroma_model_load_string(probe, strlen(probe), fuzz_name, &err);
    fuzz_confined = 0;
    remove(file);
    int refused = 0;
    for (const char *p = err.message; m == NULL && (p = strstr(p, denied)) != NULL; p++) refused++;
    if (refused != 2) {
        fprintf(stderr, "fuzz_model_loader: the loader no longer opens cell and rules files with fopen or "
                        "stroma_open_regular, so the "
                        "harness cannot confine them; update fuzz/fuzz_model_loader.c. The probe gave:\n%s\n",
                m ? "a model" : err.message);
        stroma_model_destroy(&m);
        fuzz_cleanup();
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/stroma-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir)) {
        perror("fuzz_model_loader: mkdtemp");
        abort();
    }
    snprintf(fuzz_name, sizeof fuzz_name, "%s/model.yaml", fuzz_dir);
    atexit(fuzz_cleanup);
    const char *bad = getenv("STROMA_FUZZ_BAD_UTF8");
    fuzz_bad_utf8 = bad && strcmp(bad, "1") == 0;
    fuzz_check_confinement();
    return 0;
}

#define FUZZ_MAX_SETS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!fuzz_bad_utf8 && !fuzz_utf8_valid(data, size)) return -1; /* -1: libFuzzer keeps it out of the corpus */
    /* the overrides: copies of the "#--set " lines' rest, each NUL-terminated, in one buffer */
    char *sets_buf = malloc(size + 1);
    const char *sets[FUZZ_MAX_SETS];
    int nsets = 0;
    if (!sets_buf) return 0;
    size_t used = 0;
    for (size_t i = 0; i < size && nsets < FUZZ_MAX_SETS;) {
        const char *line = (const char *)data + i;
        const char *nl = memchr(line, '\n', size - i);
        size_t len = nl ? (size_t)(nl - line) : size - i;
        if (len >= 7 && memcmp(line, "#--set ", 7) == 0 && !memchr(line + 7, '\0', len - 7)) {
            memcpy(sets_buf + used, line + 7, len - 7);
            sets_buf[used + len - 7] = '\0';
            sets[nsets++] = sets_buf + used;
            used += len - 6;
        }
        i += len + 1;
    }
    stroma_error err;
    fuzz_confined = 1;
    stroma_model *m = stroma_model_load_string_set((const char *)data, size, fuzz_name, sets, nsets, &err);
    fuzz_confined = 0;
    free(sets_buf);
    /* The contract: on success the error is cleared; on failure it has a code and a NUL-terminated message. */
    if (m ? err.code != STROMA_OK : err.code == STROMA_OK || !memchr(err.message, '\0', sizeof err.message))
        abort();
    if (m) {
        char buf[4096];
        stroma_model_describe(m, buf, sizeof buf);
    }
    stroma_model_destroy(&m);
    return 0;
}
