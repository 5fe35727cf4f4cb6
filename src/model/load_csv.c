/* The CSV files a model names (initial cells, PhysiCell rules): opening them relative to the model file through
 * stroma_open_regular, splitting lines into fields, parsing fields, and reporting their errors at file:line:column
 * (at most LOAD_CSV_MAX_ERRORS per file). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/load_impl.h"
#include "util/error_impl.h"
#include "util/file.h"

/* Split line[0..len) at commas into at most max fields; returns the number of fields in the line. */
int load_csv_split(const char *line, size_t len, load_csv_field *f, int max) {
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != ',') continue;
        if (n < max) {
            size_t a = start, b = i;
            while (a < b && (line[a] == ' ' || line[a] == '\t')) a++;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) b--;
            int column = (int)(a + 1);
            if (b - a >= 2 && line[a] == '"' && line[b - 1] == '"') a++, b--;
            f[n] = (load_csv_field){line + a, b - a, column};
        }
        n++;
        start = i + 1;
    }
    return n;
}


void load_csv_error(load_csv *c, stroma_code code, int line, int column, const char *fmt, ...) {
    if (c->nerrors++ >= LOAD_CSV_MAX_ERRORS) {
        if (c->nerrors == LOAD_CSV_MAX_ERRORS + 1) {
            c->first_hidden_line = line;
            c->first_hidden_column = column;
        }
        return;
    }
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    load_error_in(c->ld, c->path, c->anchor, code, line, column, "%s", msg);
}

/* Open the file `file` named by the model under `item`.file (written at `at`), relative to the model file's
 * directory unless absolute; its path as opened goes to path[cap]. Reports (`what`: "cell file") and returns
 * NULL if the path is too long or the file cannot be opened. The caller closes the file. */
FILE *load_open_named(loader *ld, const char *file, const char *item, stroma_srcloc at, const char *what,
                      char *path, size_t cap) {
    const char *slash = file[0] == '/' ? NULL : strrchr(ld->file, '/');
    int dir = slash ? (int)(slash - ld->file) + 1 : 0;
    int n = snprintf(path, cap, "%.*s%s", dir, ld->file, file);
    if (n < 0 || (size_t)n >= cap) {
        load_error(ld, STROMA_ERR_RANGE, at, "%s.file: the path %.*s%s is longer than the %zu bytes allowed", item,
                   dir, ld->file, file, cap - 1);
        return NULL;
    }
    /* Only regular files: a device (/dev/zero), FIFO or terminal could never end or block the loader. The file
     * is read non-blocking: a "regular" file that blocks (/proc/kmsg) fails with a read error instead of
     * hanging; ordinary files are unaffected. */
    stroma_code code;
    char why[128];
    FILE *fp = stroma_open_regular(path, &code, why, sizeof why);
    if (!fp && code == STROMA_ERR_ARGUMENT)
        load_error(ld, STROMA_ERR_RANGE, at, "%s.file: %s %s is not a regular file (it is %s)", item, what, path, why);
    else if (!fp)
        load_error(ld, code, at, "%s.file: cannot open %s %s: %s", item, what, path, why);
    return fp;
}

/* After reading a CSV file: report a read error, and how many errors were not listed. */
void load_csv_finish(load_csv *c, FILE *fp, const char *item, const char *what) {
    if (ferror(fp))
        load_error(c->ld, STROMA_ERR_IO, c->anchor, "%s.file: cannot read %s %s", item, what, c->path);
    if (c->nerrors > LOAD_CSV_MAX_ERRORS)
        load_error_in(c->ld, c->path, c->anchor, STROMA_ERR_RANGE, c->first_hidden_line, c->first_hidden_column,
                      "%d more error%s in this file not listed", c->nerrors - LOAD_CSV_MAX_ERRORS,
                      c->nerrors - LOAD_CSV_MAX_ERRORS == 1 ? "" : "s");
}

/* Parse a CSV field as a finite number (> 0 if positive); reports as `key` (naming `alternatives` the field
 * could also hold, "" if none) and returns 0 if it is not. */
int load_csv_number(load_csv *c, int line, const load_csv_field *f, const char *key, int positive,
                    const char *alternatives, double *out) {
    char text[128], echo[LOAD_ECHO_MAX + 8];
    load_echo(f->text, f->len, echo, sizeof echo);
    int rc = -1;
    if (f->len < sizeof text && !memchr(f->text, '\0', f->len)) {
        memcpy(text, f->text, f->len);
        text[f->len] = '\0';
        rc = load_parse_number_text(text, out);
    }
    if (rc) {
        load_csv_error(c, rc == -1 ? STROMA_ERR_TYPE : STROMA_ERR_RANGE, line, f->column,
                       "%s must be a %snumber%s (got '%s')", key, rc == -1 ? "" : "finite ", alternatives, echo);
        return 0;
    }
    if (positive && !(*out > 0)) {
        load_csv_error(c, STROMA_ERR_RANGE, line, f->column, "%s must be > 0 (got '%s')", key, echo);
        return 0;
    }
    return 1;
}

/* Copy a CSV field into out[cap]; reports (as `key`, naming a `what`) and returns 0 if it is empty, too long or
 * holds a NUL byte. */
int load_csv_name(load_csv *c, int line, const load_csv_field *f, const char *key, const char *what,
                  char *out, size_t cap) {
    char echo[LOAD_ECHO_MAX + 8];
    if (f->len == 0) {
        load_csv_error(c, STROMA_ERR_MISSING, line, f->column, "%s is empty: give a %s name", key, what);
        return 0;
    }
    if (f->len >= cap || memchr(f->text, '\0', f->len)) {
        load_echo(f->text, f->len, echo, sizeof echo);
        load_csv_error(c, STROMA_ERR_UNKNOWN_KEY, line, f->column, "%s: no %s named '%s'", key, what, echo);
        return 0;
    }
    memcpy(out, f->text, f->len);
    out[f->len] = '\0';
    return 1;
}

int load_csv_is(const load_csv_field *f, const char *word) {
    return f->len == strlen(word) && memcmp(f->text, word, f->len) == 0;
}
