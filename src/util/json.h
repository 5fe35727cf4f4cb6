/* Reading JSON (parsed by jansson) into a plain tree, for reading back stroma's own outputs (summary.json,
 * run.json) when building a report. Objects keep their members in file order. Nesting deeper than
 * STROMA_JSON_MAX_DEPTH is refused. */
#ifndef STROMA_UTIL_JSON_H
#define STROMA_UTIL_JSON_H

#include <stddef.h>

#define STROMA_JSON_MAX_DEPTH 64

typedef enum stroma_json_kind {
    STROMA_JSON_NULL,
    STROMA_JSON_BOOL,
    STROMA_JSON_NUMBER,
    STROMA_JSON_STRING,
    STROMA_JSON_ARRAY,
    STROMA_JSON_OBJECT
} stroma_json_kind;

typedef struct stroma_json stroma_json;
struct stroma_json {
    stroma_json_kind kind;
    double num;          /* NUMBER; BOOL: 0 or 1 */
    int is_integer;      /* NUMBER written as an integer that fits an int64: its exact value is `integer` */
    long long integer;
    char *str;           /* STRING: the decoded text (UTF-8, NUL-terminated; an embedded \u0000 ends it) */
    char *key;           /* a member of an OBJECT: its name; NULL otherwise */
    size_t n;            /* ARRAY, OBJECT: number of items */
    stroma_json *items;  /* ARRAY elements / OBJECT members, in file order */
};

/* Parse text[0..len). Returns a new tree owned by the caller (free with stroma_json_free), or NULL with a
 * message "line L, column C: what" in msg (cap bytes) for malformed text or when out of memory. */
stroma_json *stroma_json_parse(const char *text, size_t len, char *msg, size_t cap);

/* Free a tree and clear the handle. Accepts NULL and *j == NULL. */
void stroma_json_free(stroma_json **j);

/* The member `key` of an object (the first one of that name), or NULL (also when obj is not an object). */
const stroma_json *stroma_json_get(const stroma_json *obj, const char *key);

/* The number at obj[key], or `fallback` when it is absent or not a number. */
double stroma_json_get_number(const stroma_json *obj, const char *key, double fallback);

/* The unsigned integer at obj[key] into *out: a JSON integer >= 0, or a string of decimal digits up to
 * 2^64 - 1 (how stroma writes integers from 2^53 on, e.g. seeds: io/writers.h). Returns 0, or -1 (*out
 * unchanged) when it is absent or anything else. */
int stroma_json_get_u64(const stroma_json *obj, const char *key, unsigned long long *out);

/* The string at obj[key] (borrowed from the tree), or NULL when it is absent or not a string. */
const char *stroma_json_get_string(const stroma_json *obj, const char *key);

#endif
