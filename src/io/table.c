/* CSV table reader (see table.h). */
#include "io/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"
#include "util/file.h"

void stroma_table_free(stroma_table *t) {
    if (!t) return;
    for (int i = 0; i < t->ncols; i++) free(t->names[i]);
    free(t->names);
    free(t->v);
    memset(t, 0, sizeof *t);
}

int stroma_table_column(const stroma_table *t, const char *name) {
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->names[i], name) == 0) return i;
    return -1;
}

/* Read a whole line into *buf (grown as needed); strips "\n" / "\r\n". Returns its length or -1 at EOF. */
static long table_getline(FILE *f, char **buf, size_t *cap) {
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (n + 2 > *cap) {
            size_t nc = *cap ? 2 * *cap : 256;
            char *p = realloc(*buf, nc);
            if (!p) return -2;
            *buf = p;
            *cap = nc;
        }
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0) return -1;
    if (!*buf) {
        *buf = malloc(1);
        if (!*buf) return -2;
        *cap = 1;
    }
    if (n > 0 && (*buf)[n - 1] == '\r') n--;
    (*buf)[n] = '\0';
    return (long)n;
}

stroma_code stroma_table_read(const char *path, stroma_table *t, stroma_error *err) {
    memset(t, 0, sizeof *t);
    stroma_code code;
    char why[128];
    FILE *f = stroma_open_regular(path, &code, why, sizeof why); /* a FIFO would block */
    if (!f && code == STROMA_ERR_ARGUMENT)
        return stroma_error_set(err, STROMA_ERR_PARSE, "cannot read '%s': it is %s, not a regular file", path, why);
    if (!f) return stroma_error_set(err, code, "cannot read '%s': %s", path, why);
    char *line = NULL;
    size_t cap = 0, vcap = 0;
    stroma_code rc = STROMA_OK;
    long len = table_getline(f, &line, &cap);
    if (len == -2) goto nomem;
    if (len <= 0) {
        rc = stroma_error_set(err, STROMA_ERR_PARSE, "%s:1: no header row", path);
        goto done;
    }
    int ncols = 1;
    for (const char *p = line; *p; p++) ncols += *p == ',';
    t->names = calloc((size_t)ncols, sizeof *t->names);
    if (!t->names) goto nomem;
    t->ncols = ncols;
    char *save = line;
    for (int i = 0; i < ncols; i++) {
        char *comma = strchr(save, ',');
        size_t n = comma ? (size_t)(comma - save) : strlen(save);
        t->names[i] = malloc(n + 1);
        if (!t->names[i]) goto nomem;
        memcpy(t->names[i], save, n);
        t->names[i][n] = '\0';
        save = comma ? comma + 1 : save + n;
    }
    for (long lineno = 2;; lineno++) {
        len = table_getline(f, &line, &cap);
        if (len == -1) break;
        if (len == -2) goto nomem;
        if (len == 0) continue;
        int fields = 1;
        for (const char *p = line; *p; p++) fields += *p == ',';
        if (fields != ncols) {
            rc = stroma_error_set(err, STROMA_ERR_PARSE, "%s:%ld: %d fields where the header has %d", path, lineno,
                                  fields, ncols);
            goto done;
        }
        if ((t->nrows + 1) * (size_t)ncols > vcap) {
            size_t nc = vcap ? 2 * vcap : (size_t)ncols * 64;
            double *v = realloc(t->v, nc * sizeof *v);
            if (!v) goto nomem;
            t->v = v;
            vcap = nc;
        }
        char *p = line;
        for (int i = 0; i < ncols; i++) {
            char *end;
            double x = strtod(p, &end);
            if (end == p || (*end != ',' && *end != '\0')) x = NAN;
            t->v[t->nrows * (size_t)ncols + (size_t)i] = x;
            char *comma = strchr(p, ',');
            p = comma ? comma + 1 : p + strlen(p);
        }
        t->nrows++;
    }
    if (ferror(f)) rc = stroma_error_set(err, STROMA_ERR_IO, "reading '%s' failed", path);
    goto done;
nomem:
    rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory reading '%s'", path);
done:
    free(line);
    fclose(f);
    if (rc != STROMA_OK) stroma_table_free(t);
    return rc;
}
