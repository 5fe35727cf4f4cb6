/* A growable byte buffer with typed appends, and a bounds-checked reader over bytes: the serialization used by
 * checkpoints. Values are stored in the machine's native byte order (checkpoints record it and refuse another). */
#ifndef STROMA_UTIL_BUF_H
#define STROMA_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct stroma_buf {
    unsigned char *data; /* owned */
    size_t len, cap;
    int failed;          /* an allocation failed; later appends do nothing */
} stroma_buf;

/* Append n bytes (grows the buffer; on allocation failure sets failed and keeps what it had). */
void stroma_buf_put(stroma_buf *b, const void *p, size_t n);
void stroma_buf_put_u32(stroma_buf *b, uint32_t v);
void stroma_buf_put_u64(stroma_buf *b, uint64_t v);
void stroma_buf_put_i64(stroma_buf *b, int64_t v);
void stroma_buf_put_f64(stroma_buf *b, double v);
/* A string as u32 length + bytes (no terminator). */
void stroma_buf_put_str(stroma_buf *b, const char *s);
/* Free the data and zero the struct. */
void stroma_buf_free(stroma_buf *b);

/* A reader over borrowed bytes. Every get past the end sets `bad` and yields zeros, so a caller checks once
 * after a group of reads. */
typedef struct stroma_reader {
    const unsigned char *p;
    size_t len, pos;
    int bad;
} stroma_reader;

void stroma_reader_get(stroma_reader *r, void *out, size_t n);
uint32_t stroma_reader_u32(stroma_reader *r);
uint64_t stroma_reader_u64(stroma_reader *r);
int64_t stroma_reader_i64(stroma_reader *r);
double stroma_reader_f64(stroma_reader *r);
/* A string written by stroma_buf_put_str into out (cap bytes, terminated); too long for out sets bad. */
void stroma_reader_str(stroma_reader *r, char *out, size_t cap);
/* Borrow n bytes in place (NULL and bad if fewer remain). */
const unsigned char *stroma_reader_take(stroma_reader *r, size_t n);

#endif
