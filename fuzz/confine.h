/* The confinement the libFuzzer harnesses share: while the code under test runs (fuzz_confined != 0), a file it
 * opens for reading — through fopen or stroma_open_regular (util/file.h, how libstroma opens its input files),
 * both wrapped at link time (-Wl,--wrap=fopen -Wl,--wrap=stroma_open_regular) — must be a name directly inside
 * fuzz_dir; anything else fails with EACCES, so an input can neither read the machine's files nor block on a FIFO
 * or a device. Opens for writing pass (libFuzzer writes its crash reports from a signal handler).
 * The including harness defines two hooks before or after including this file:
 *   static FILE *fuzz_serve(const char *path);  a stream for a file the harness serves itself (from memory), else
 *                                               NULL; asked first, confined or not
 *   static void fuzz_opened(const char *path);  told of each read the confinement let through */
#ifndef STROMA_FUZZ_CONFINE_H
#define STROMA_FUZZ_CONFINE_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stroma/stroma.h"

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__real_stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap);
FILE *__wrap_stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap);

static char fuzz_dir[4096]; /* the directory inputs may read from */
static int fuzz_confined;   /* nonzero while the code under test runs */

static FILE *fuzz_serve(const char *path);
static void fuzz_opened(const char *path);

/* Is path a name directly inside fuzz_dir? */
static int fuzz_allowed(const char *path) {
    size_t n = strlen(fuzz_dir);
    return strncmp(path, fuzz_dir, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/');
}

FILE *__wrap_fopen(const char *path, const char *mode) {
    if (mode[0] == 'r' && !strchr(mode, '+')) {
        FILE *served = fuzz_serve(path);
        if (served) return served;
        if (fuzz_confined) {
            if (!fuzz_allowed(path)) {
                errno = EACCES;
                return NULL;
            }
            fuzz_opened(path);
        }
    }
    return __real_fopen(path, mode);
}

FILE *__wrap_stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap) {
    FILE *served = fuzz_serve(path);
    if (served) {
        if (code) *code = STROMA_OK;
        return served;
    }
    if (fuzz_confined) {
        if (!fuzz_allowed(path)) {
            if (code) *code = STROMA_ERR_IO;
            if (cap) snprintf(why, cap, "%s", strerror(EACCES));
            errno = EACCES;
            return NULL;
        }
        fuzz_opened(path);
    }
    return __real_stroma_open_regular(path, code, why, cap);
}

#endif
