/* stroma error codes and the error struct every fallible library call fills in.
 * The code table is an X-macro: it generates the enum and stroma_strerror(). The library never prints and
 * never exits; it reports through a stroma_error that the caller owns. */
#ifndef STROMA_ERROR_H
#define STROMA_ERROR_H

#include <stddef.h>

/* X(name, value, description). Exit-code mapping lives in the CLI: BAD_INPUT-class errors exit 2. */
#define STROMA_ERROR_LIST(X)                                                           \
    X(STROMA_OK, 0, "success")                                                         \
    X(STROMA_ERR_NOMEM, 1, "out of memory")                                            \
    X(STROMA_ERR_IO, 2, "input/output error")                                          \
    X(STROMA_ERR_PARSE, 3, "malformed model file")                                     \
    X(STROMA_ERR_UNKNOWN_KEY, 4, "unknown key")                                        \
    X(STROMA_ERR_TYPE, 5, "wrong value type")                                          \
    X(STROMA_ERR_RANGE, 6, "value out of range")                                       \
    X(STROMA_ERR_MISSING, 7, "required key missing")                                   \
    X(STROMA_ERR_TOO_LARGE, 8, "problem too large for this machine")                   \
    X(STROMA_ERR_ARGUMENT, 9, "invalid argument")                                      \
    X(STROMA_ERR_NOT_FOUND, 10, "file not found")                                      \
    X(STROMA_ERR_INTERNAL, 11, "internal error")                                      \
    X(STROMA_ERR_INTERRUPTED, 12, "interrupted")                                     \
    X(STROMA_ERR_NOT_FINITE, 13, "a simulated value is no longer a finite number")

typedef enum stroma_code {
#define STROMA_X_ENUM(name, value, text) name = value,
    STROMA_ERROR_LIST(STROMA_X_ENUM)
#undef STROMA_X_ENUM
} stroma_code;

/* An error report. `file`, `line` and `column` are set (line/column 1-based) when the error points into a
 * model file; otherwise file is "" and line = column = 0. `count` is the number of errors found when a loader
 * keeps going after the first (message holds them all, one per line, each "file:line:col: text"). */
typedef struct stroma_error {
    stroma_code code;
    int line;
    int column;
    int count;
    char file[512];
    char message[8192];
} stroma_error;

/* Static description of a code; never NULL. */
const char *stroma_strerror(stroma_code code);

/* True if the code means the user's input (model file, arguments) was wrong: the CLI exits 2 for these. */
int stroma_error_is_bad_input(stroma_code code);

/* Clear an error struct to STROMA_OK. Accepts NULL. */
void stroma_error_clear(stroma_error *err);

#endif
