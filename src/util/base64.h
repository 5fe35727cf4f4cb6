/* Base64 (RFC 4648, standard alphabet, padded), for embedding images in a self-contained HTML report. */
#ifndef STROMA_UTIL_BASE64_H
#define STROMA_UTIL_BASE64_H

#include <stddef.h>
#include <stdio.h>

/* Length of the encoding of n bytes, without a terminator: 4 * ceil(n / 3). */
size_t stroma_base64_length(size_t n);

/* Encode p[0..n) into out, which has room for stroma_base64_length(n) + 1 bytes; NUL-terminated. */
void stroma_base64_encode(const unsigned char *p, size_t n, char *out);

/* Encode p[0..n) onto f (no line breaks). Errors show in ferror(f). */
void stroma_base64_write(FILE *f, const unsigned char *p, size_t n);

#endif
