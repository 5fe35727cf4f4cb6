/* Growable byte buffer and bounds-checked reader (see buf.h). */
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

void stroma_buf_put(stroma_buf *b, const void *p, size_t n) {
    if (b->failed || n == 0) return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void stroma_buf_put_u32(stroma_buf *b, uint32_t v) { stroma_buf_put(b, &v, sizeof v); }
void stroma_buf_put_u64(stroma_buf *b, uint64_t v) { stroma_buf_put(b, &v, sizeof v); }
void stroma_buf_put_i64(stroma_buf *b, int64_t v) { stroma_buf_put(b, &v, sizeof v); }
void stroma_buf_put_f64(stroma_buf *b, double v) { stroma_buf_put(b, &v, sizeof v); }

void stroma_buf_put_str(stroma_buf *b, const char *s) {
    size_t n = strlen(s);
    stroma_buf_put_u32(b, (uint32_t)n);
    stroma_buf_put(b, s, n);
}

void stroma_buf_free(stroma_buf *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

void stroma_reader_get(stroma_reader *r, void *out, size_t n) {
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p + r->pos, n);
    r->pos += n;
}

uint32_t stroma_reader_u32(stroma_reader *r) {
    uint32_t v;
    stroma_reader_get(r, &v, sizeof v);
    return v;
}

uint64_t stroma_reader_u64(stroma_reader *r) {
    uint64_t v;
    stroma_reader_get(r, &v, sizeof v);
    return v;
}

int64_t stroma_reader_i64(stroma_reader *r) {
    int64_t v;
    stroma_reader_get(r, &v, sizeof v);
    return v;
}

double stroma_reader_f64(stroma_reader *r) {
    double v;
    stroma_reader_get(r, &v, sizeof v);
    return v;
}

void stroma_reader_str(stroma_reader *r, char *out, size_t cap) {
    uint32_t n = stroma_reader_u32(r);
    if (r->bad || (size_t)n >= cap || n > r->len - r->pos) {
        r->bad = 1;
        if (cap) out[0] = '\0';
        return;
    }
    memcpy(out, r->p + r->pos, n);
    out[n] = '\0';
    r->pos += n;
}

const unsigned char *stroma_reader_take(stroma_reader *r, size_t n) {
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p + r->pos;
    r->pos += n;
    return p;
}
