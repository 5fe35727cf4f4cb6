/* The import report (see report.h): a growable list of items and of the files written. */
#include "import/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

stroma_import_report *stroma_import_report_create(void) { return calloc(1, sizeof(stroma_import_report)); }

void imp_report_clear(stroma_import_report *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].file);
        free(r->items[i].text);
    }
    for (size_t i = 0; i < r->nout; i++)
        free(r->outputs[i]);
    r->n = r->nout = 0;
    r->failed = 0;
}

void stroma_import_report_destroy(stroma_import_report **rep) {
    if (!rep || !*rep) return;
    imp_report_clear(*rep);
    free((*rep)->items);
    free((*rep)->outputs);
    free(*rep);
    *rep = NULL;
}

size_t stroma_import_report_count(const stroma_import_report *rep) { return rep ? rep->n : 0; }

stroma_import_kind stroma_import_report_kind(const stroma_import_report *rep, size_t i) {
    return rep && i < rep->n ? rep->items[i].kind : STROMA_IMPORT_NOTE;
}

const char *stroma_import_report_file(const stroma_import_report *rep, size_t i) {
    return rep && i < rep->n ? rep->items[i].file : "";
}

int stroma_import_report_line(const stroma_import_report *rep, size_t i) {
    return rep && i < rep->n ? rep->items[i].line : 0;
}

const char *stroma_import_report_text(const stroma_import_report *rep, size_t i) {
    return rep && i < rep->n ? rep->items[i].text : "";
}

const char *stroma_import_kind_name(stroma_import_kind kind) {
    switch (kind) {
    case STROMA_IMPORT_NOT_IMPORTED: return "not imported";
    case STROMA_IMPORT_APPROXIMATED: return "approximated";
    case STROMA_IMPORT_NOTE: return "note";
    }
    return "note";
}

size_t stroma_import_report_output_count(const stroma_import_report *rep) { return rep ? rep->nout : 0; }

const char *stroma_import_report_output(const stroma_import_report *rep, size_t i) {
    return rep && i < rep->nout ? rep->outputs[i] : "";
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static void add_item(stroma_import_report *r, stroma_import_kind kind, const char *file, int line, int once,
                     const char *fmt, va_list ap) {
    if (!r) return;
    char text[2048];
    vsnprintf(text, sizeof text, fmt, ap);
    for (char *p = text; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    if (once)
        for (size_t i = 0; i < r->n; i++)
            if (r->items[i].kind == kind && strcmp(r->items[i].text, text) == 0) return;
    if (r->n == r->cap) {
        size_t ncap = r->cap ? 2 * r->cap : 32;
        imp_item *p = realloc(r->items, ncap * sizeof *p);
        if (!p) {
            r->failed = 1;
            return;
        }
        r->items = p;
        r->cap = ncap;
    }
    imp_item *it = &r->items[r->n];
    it->kind = kind;
    it->line = line;
    it->file = dup_str(file ? file : "");
    it->text = dup_str(text);
    if (!it->file || !it->text) {
        free(it->file);
        free(it->text);
        r->failed = 1;
        return;
    }
    r->n++;
}

void imp_report(stroma_import_report *r, stroma_import_kind kind, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    add_item(r, kind, file, line, 0, fmt, ap);
    va_end(ap);
}

void imp_report_once(stroma_import_report *r, stroma_import_kind kind, const char *file, int line, const char *fmt,
                     ...) {
    va_list ap;
    va_start(ap, fmt);
    add_item(r, kind, file, line, 1, fmt, ap);
    va_end(ap);
}

int imp_report_add_output(stroma_import_report *r, const char *path) {
    if (!r) return 0;
    if (r->nout == r->capout) {
        size_t ncap = r->capout ? 2 * r->capout : 4;
        char **p = realloc(r->outputs, ncap * sizeof *p);
        if (!p) return -1;
        r->outputs = p;
        r->capout = ncap;
    }
    char *d = dup_str(path);
    if (!d) return -1;
    r->outputs[r->nout++] = d;
    return 0;
}
