/* A numeric table read back from a CSV file with a header row, such as timeseries.csv: the source of the
 * report's plots. Column names are the header's fields; values are doubles (an empty or non-numeric field is
 * NaN). */
#ifndef STROMA_IO_TABLE_H
#define STROMA_IO_TABLE_H

#include <stddef.h>

#include "stroma/error.h"

typedef struct stroma_table {
    int ncols;
    size_t nrows;
    char **names;  /* [ncols], owned */
    double *v;     /* [nrows * ncols], row-major, owned */
} stroma_table;

/* Read `path` into *t (which is overwritten; free with stroma_table_free). Errors: STROMA_ERR_NOT_FOUND (no
 * such file), STROMA_ERR_PARSE (no header, or a row with another number of fields than the header: the
 * message names file and line), STROMA_ERR_IO, STROMA_ERR_NOMEM. On error *t is empty. */
stroma_code stroma_table_read(const char *path, stroma_table *t, stroma_error *err);

/* Free everything and zero the struct. Accepts an already freed table. */
void stroma_table_free(stroma_table *t);

/* Index of the column called `name`, or -1. */
int stroma_table_column(const stroma_table *t, const char *name);

/* Value at (row, col). */
static inline double stroma_table_at(const stroma_table *t, size_t row, int col) {
    return t->v[row * (size_t)t->ncols + (size_t)col];
}

#endif
