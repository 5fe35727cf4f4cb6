/* The error code table (generated from STROMA_ERROR_LIST) and helpers to fill a stroma_error. */
#include "util/error_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *stroma_strerror(stroma_code code) {
    switch (code) {
#define STROMA_X_CASE(name, value, text) \
    case name:                           \
        return text;
        STROMA_ERROR_LIST(STROMA_X_CASE)
#undef STROMA_X_CASE
    }
    return "unknown error";
}

int stroma_error_is_bad_input(stroma_code code) {
    switch (code) {
    case STROMA_ERR_PARSE:
    case STROMA_ERR_UNKNOWN_KEY:
    case STROMA_ERR_TYPE:
    case STROMA_ERR_RANGE:
    case STROMA_ERR_MISSING:
    case STROMA_ERR_TOO_LARGE:
    case STROMA_ERR_ARGUMENT:
    case STROMA_ERR_NOT_FOUND:
        return 1;
    default:
        return 0;
    }
}

void stroma_error_clear(stroma_error *err) {
    if (!err) return;
    err->code = STROMA_OK;
    err->line = err->column = err->count = 0;
    err->file[0] = '\0';
    err->message[0] = '\0';
}

/* The new message is formatted into a buffer of its own before err is touched, so the arguments may point into
 * err->message or err->file (wrapping an error in context: "cannot resume: %s", err->message). */
stroma_code stroma_error_set(stroma_error *err, stroma_code code, const char *fmt, ...) {
    if (!err) return code;
    char text[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    stroma_error_clear(err);
    err->code = code;
    err->count = 1;
    memcpy(err->message, text, sizeof text);
    return code;
}

stroma_code stroma_error_add_at(stroma_error *err, stroma_code code, const char *file, int line, int column,
                                const char *fmt, ...) {
    if (!err) return code;
    char text[sizeof err->message], where[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap); /* before err changes: the arguments may point into it */
    va_end(ap);
    snprintf(where, sizeof where, "%s", file ? file : "");
    file = where;
    if (err->count == 0 || err->code == STROMA_OK) {
        stroma_error_clear(err);
        err->code = code;
        size_t fl = strlen(file);
        if (fl >= sizeof err->file) fl = sizeof err->file - 1;
        memcpy(err->file, file, fl);
        err->file[fl] = '\0';
        err->line = line;
        err->column = column;
    }
    size_t used = strlen(err->message);
    if (used + 2 < sizeof err->message) {
        int n = snprintf(err->message + used, sizeof err->message - used, "%s%s:%d:%d: ", used ? "\n" : "", file,
                         line, column);
        if (n > 0 && used + (size_t)n < sizeof err->message) {
            used += (size_t)n;
            size_t tl = strlen(text);
            if (tl >= sizeof err->message - used) tl = sizeof err->message - used - 1;
            memcpy(err->message + used, text, tl);
            err->message[used + tl] = '\0';
        }
    }
    err->count++;
    return err->code;
}
