/* Reading JSON documents through jansson into stroma_json trees (see json.h). */
#include "util/json.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_free_node(stroma_json *j) {
    free(j->str);
    free(j->key);
    for (size_t i = 0; i < j->n; i++) json_free_node(&j->items[i]);
    free(j->items);
}

static char *dup_str(const char *s) {
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* Copy jansson's value v into *out (zeroed by the caller). Returns 0, or -1 when out of memory or too deep. */
static int tree_copy(const json_t *v, stroma_json *out, int depth) {
    if (depth > STROMA_JSON_MAX_DEPTH) return -1;
    switch (json_typeof(v)) {
    case JSON_NULL: out->kind = STROMA_JSON_NULL; return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        out->kind = STROMA_JSON_BOOL;
        out->num = json_is_true(v);
        return 0;
    case JSON_INTEGER:
        out->kind = STROMA_JSON_NUMBER;
        out->num = json_number_value(v);
        out->is_integer = 1;
        out->integer = (long long)json_integer_value(v);
        return 0;
    case JSON_REAL:
        out->kind = STROMA_JSON_NUMBER;
        out->num = json_number_value(v);
        return 0;
    case JSON_STRING:
        out->kind = STROMA_JSON_STRING;
        out->str = dup_str(json_string_value(v));
        return out->str ? 0 : -1;
    case JSON_ARRAY:
    case JSON_OBJECT: {
        int object = json_is_object(v);
        out->kind = object ? STROMA_JSON_OBJECT : STROMA_JSON_ARRAY;
        size_t n = object ? json_object_size(v) : json_array_size(v);
        out->items = calloc(n ? n : 1, sizeof *out->items);
        if (!out->items) return -1;
        if (!object) {
            for (size_t i = 0; i < n; i++) {
                out->n++; /* counted first: a partly copied item is freed with the tree */
                if (tree_copy(json_array_get(v, i), &out->items[i], depth + 1)) return -1;
            }
            return 0;
        }
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)v, key, val) { /* insertion (= file) order */
            stroma_json *it = &out->items[out->n++];
            if (!(it->key = dup_str(key)) || tree_copy(val, it, depth + 1)) return -1;
        }
        return 0;
    }
    }
    return -1;
}

stroma_json *stroma_json_parse(const char *text, size_t len, char *msg, size_t cap) {
    json_error_t e;
    json_t *root = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    if (!root) {
        if (cap) snprintf(msg, cap, "line %d, column %d: %s", e.line, e.column, e.text);
        return NULL;
    }
    stroma_json *j = calloc(1, sizeof *j);
    if (!j || tree_copy(root, j, 0)) {
        if (j) json_free_node(j);
        free(j);
        json_decref(root);
        if (cap) snprintf(msg, cap, "out of memory or nested deeper than %d", STROMA_JSON_MAX_DEPTH);
        return NULL;
    }
    json_decref(root);
    return j;
}

void stroma_json_free(stroma_json **j) {
    if (!j || !*j) return;
    json_free_node(*j);
    free(*j);
    *j = NULL;
}

const stroma_json *stroma_json_get(const stroma_json *obj, const char *key) {
    if (!obj || obj->kind != STROMA_JSON_OBJECT || !key) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (obj->items[i].key && strcmp(obj->items[i].key, key) == 0) return &obj->items[i];
    return NULL;
}

double stroma_json_get_number(const stroma_json *obj, const char *key, double fallback) {
    const stroma_json *v = stroma_json_get(obj, key);
    return v && v->kind == STROMA_JSON_NUMBER ? v->num : fallback;
}

int stroma_json_get_u64(const stroma_json *obj, const char *key, unsigned long long *out) {
    const stroma_json *v = stroma_json_get(obj, key);
    if (v && v->kind == STROMA_JSON_NUMBER && v->is_integer && v->integer >= 0) {
        *out = (unsigned long long)v->integer;
        return 0;
    }
    if (!v || v->kind != STROMA_JSON_STRING || !v->str[0] || strlen(v->str) > 20) return -1;
    unsigned long long n = 0;
    for (const char *p = v->str; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        unsigned d = (unsigned)(*p - '0');
        if (n > (ULLONG_MAX - d) / 10) return -1;
        n = n * 10 + d;
    }
    *out = n;
    return 0;
}

const char *stroma_json_get_string(const stroma_json *obj, const char *key) {
    const stroma_json *v = stroma_json_get(obj, key);
    return v && v->kind == STROMA_JSON_STRING ? v->str : NULL;
}
