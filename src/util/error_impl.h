/* Private helpers to fill a stroma_error (the public struct is in include/stroma/error.h). */
#ifndef STROMA_UTIL_ERROR_IMPL_H
#define STROMA_UTIL_ERROR_IMPL_H

#include "stroma/error.h"

/* Replace *err with one error without a file position. Returns code. err may be NULL. */
stroma_code stroma_error_set(stroma_error *err, stroma_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Append an error at file:line:column. The first one added sets err->code, file, line and column; later ones
 * are appended to err->message as further "file:line:col: text" lines and counted in err->count, so a loader
 * can report every mistake at once. Returns err->code. err may be NULL. */
stroma_code stroma_error_add_at(stroma_error *err, stroma_code code, const char *file, int line, int column,
                                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
