/* The import report: what an import could not reproduce exactly, as a list of items (kind, source position,
 * text), plus the files it wrote. The public accessors are in include/stroma/stroma.h; this header gives the
 * importer its constructors. */
#ifndef STROMA_IMPORT_REPORT_H
#define STROMA_IMPORT_REPORT_H

#include "stroma/stroma.h"

typedef struct imp_item {
    stroma_import_kind kind;
    char *file; /* source file as the caller named it (owned; "" if none) */
    int line;   /* 1-based line in file, 0 if none */
    char *text; /* owned, one line */
} imp_item;

struct stroma_import_report {
    imp_item *items;
    size_t n, cap;
    char **outputs; /* files written (owned) */
    size_t nout, capout;
    int failed; /* an allocation failed: some items are missing */
};

/* Empty the report (items and outputs), keeping the handle usable. */
void imp_report_clear(stroma_import_report *r);

/* Append an item; file may be NULL. Newlines in the text become spaces. On allocation failure the item is
 * dropped and r->failed set. r may be NULL (then nothing happens). */
void imp_report(stroma_import_report *r, stroma_import_kind kind, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Same, unless an item of the same kind with the same text is already there (for things reported once per
 * model, at the first place they occur). */
void imp_report_once(stroma_import_report *r, stroma_import_kind kind, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Record a file written. Returns 0, or -1 when out of memory. */
int imp_report_add_output(stroma_import_report *r, const char *path);

#endif
