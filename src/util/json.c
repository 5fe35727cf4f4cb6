/* JSON reader (see json.h): recursive descent over the text, one node per value. */
#include "util/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct json_parser {
    const char *p, *end, *start;
    char *msg;
    size_t cap;
    int failed;
} json_parser;

static void json_fail(json_parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void json_fail(json_parser *ps, const char *fmt, ...) {
    if (ps->failed) return;
    ps->failed = 1;
    if (!ps->msg || !ps->cap) return;
    int line = 1, col = 1;
    for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*q & 0xC0) != 0x80) {
            col++;
        }
    }
    int w = snprintf(ps->msg, ps->cap, "line %d, column %d: ", line, col);
    if (w < 0 || (size_t)w >= ps->cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->msg + w, ps->cap - (size_t)w, fmt, ap);
    va_end(ap);
}

static void json_skip_ws(json_parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static void json_free_node(stroma_json *j) {
    free(j->str);
    free(j->key);
    for (size_t i = 0; i < j->n; i++) json_free_node(&j->items[i]);
    free(j->items);
    memset(j, 0, sizeof *j);
}

static int json_hex4(json_parser *ps, unsigned *out) {
    if (ps->end - ps->p < 4) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    ps->p += 4;
    *out = v;
    return 0;
}

/* Append code point cp as UTF-8 to out (room for 4 bytes guaranteed by the caller). */
static size_t json_utf8(unsigned cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string starting at the opening quote; returns a new NUL-terminated copy or NULL. */
static char *json_string(json_parser *ps) {
    ps->p++; /* opening quote */
    const char *q = ps->p;
    while (q < ps->end && *q != '"') q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
    if (q >= ps->end) {
        json_fail(ps, "unterminated string");
        return NULL;
    }
    /* decoded text is never longer than the escaped one */
    char *out = malloc((size_t)(q - ps->p) + 1);
    if (!out) {
        json_fail(ps, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) {
            json_fail(ps, "control character in a string");
            free(out);
            return NULL;
        }
        if (c != '\\') {
            out[n++] = (char)c;
            ps->p++;
            continue;
        }
        ps->p++;
        char e = *ps->p++;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (json_hex4(ps, &cp)) {
                json_fail(ps, "bad \\u escape");
                free(out);
                return NULL;
            }
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
                    ps->p += 2;
                    if (json_hex4(ps, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                        json_fail(ps, "bad surrogate pair");
                        free(out);
                        return NULL;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            /* "\uXXXX" is 6 bytes and encodes to at most 3 (4 for a 12-byte pair): it fits */
            n += json_utf8(cp, out + n);
            break;
        }
        default:
            json_fail(ps, "bad escape \\%c", e);
            free(out);
            return NULL;
        }
    }
    ps->p++; /* closing quote */
    out[n] = '\0';
    return out;
}

static int json_value(json_parser *ps, stroma_json *out, int depth);

static int json_push(json_parser *ps, stroma_json *parent, size_t *cap) {
    if (parent->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 4;
        stroma_json *it = realloc(parent->items, nc * sizeof *it);
        if (!it) {
            json_fail(ps, "out of memory");
            return -1;
        }
        parent->items = it;
        *cap = nc;
    }
    memset(&parent->items[parent->n], 0, sizeof parent->items[0]);
    parent->n++;
    return 0;
}

static int json_container(json_parser *ps, stroma_json *out, int depth, int object) {
    out->kind = object ? STROMA_JSON_OBJECT : STROMA_JSON_ARRAY;
    char close = object ? '}' : ']';
    size_t cap = 0;
    ps->p++;
    json_skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        json_skip_ws(ps);
        char *key = NULL;
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"') {
                json_fail(ps, "expected a member name in quotes");
                return -1;
            }
            key = json_string(ps);
            if (!key) return -1;
            json_skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                json_fail(ps, "expected ':' after a member name");
                return -1;
            }
            ps->p++;
        }
        if (json_push(ps, out, &cap)) {
            free(key);
            return -1;
        }
        stroma_json *item = &out->items[out->n - 1];
        item->key = key;
        if (json_value(ps, item, depth + 1)) return -1;
        json_skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return 0;
        }
        json_fail(ps, "expected ',' or '%c'", close);
        return -1;
    }
}

static int json_literal(json_parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return -1;
    ps->p += n;
    return 0;
}

static int json_value(json_parser *ps, stroma_json *out, int depth) {
    if (depth > STROMA_JSON_MAX_DEPTH) {
        json_fail(ps, "nested deeper than %d levels", STROMA_JSON_MAX_DEPTH);
        return -1;
    }
    json_skip_ws(ps);
    if (ps->p >= ps->end) {
        json_fail(ps, "expected a value");
        return -1;
    }
    char c = *ps->p;
    if (c == '{' || c == '[') return json_container(ps, out, depth, c == '{');
    if (c == '"') {
        out->kind = STROMA_JSON_STRING;
        out->str = json_string(ps);
        return out->str ? 0 : -1;
    }
    if (json_literal(ps, "null") == 0) {
        out->kind = STROMA_JSON_NULL;
        return 0;
    }
    if (json_literal(ps, "true") == 0) {
        out->kind = STROMA_JSON_BOOL;
        out->num = 1;
        return 0;
    }
    if (json_literal(ps, "false") == 0) {
        out->kind = STROMA_JSON_BOOL;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        /* check the JSON number grammar, then convert the checked span */
        const char *q = ps->p;
        if (*q == '-') q++;
        if (q >= ps->end || *q < '0' || *q > '9') goto bad_number;
        if (*q == '0')
            q++;
        else
            while (q < ps->end && *q >= '0' && *q <= '9') q++;
        if (q < ps->end && *q == '.') {
            q++;
            if (q >= ps->end || *q < '0' || *q > '9') goto bad_number;
            while (q < ps->end && *q >= '0' && *q <= '9') q++;
        }
        if (q < ps->end && (*q == 'e' || *q == 'E')) {
            q++;
            if (q < ps->end && (*q == '+' || *q == '-')) q++;
            if (q >= ps->end || *q < '0' || *q > '9') goto bad_number;
            while (q < ps->end && *q >= '0' && *q <= '9') q++;
        }
        char buf[128];
        size_t n = (size_t)(q - ps->p);
        if (n >= sizeof buf) goto bad_number;
        memcpy(buf, ps->p, n);
        buf[n] = '\0';
        out->kind = STROMA_JSON_NUMBER;
        out->num = strtod(buf, NULL); /* overflow gives +-HUGE_VAL, which is kept */
        ps->p = q;
        return 0;
    bad_number:
        json_fail(ps, "malformed number");
        return -1;
    }
    json_fail(ps, "unexpected character '%c'", c);
    return -1;
}

stroma_json *stroma_json_parse(const char *text, size_t len, char *msg, size_t cap) {
    if (msg && cap) msg[0] = '\0';
    json_parser ps = {text, text + len, text, msg, cap, 0};
    stroma_json *root = calloc(1, sizeof *root);
    if (!root) {
        if (msg && cap) snprintf(msg, cap, "out of memory");
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) ps.p += 3; /* a byte-order mark */
    if (json_value(&ps, root, 0) == 0) {
        json_skip_ws(&ps);
        if (ps.p < ps.end) json_fail(&ps, "unexpected text after the value");
    }
    if (ps.failed) {
        json_free_node(root);
        free(root);
        return NULL;
    }
    return root;
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

const char *stroma_json_get_string(const stroma_json *obj, const char *key) {
    const stroma_json *v = stroma_json_get(obj, key);
    return v && v->kind == STROMA_JSON_STRING ? v->str : NULL;
}
