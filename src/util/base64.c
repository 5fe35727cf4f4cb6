/* Base64 encoding (see base64.h). */
#include "util/base64.h"

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t stroma_base64_length(size_t n) { return (n + 2) / 3 * 4; }

/* Encode 1..3 bytes into 4 characters. */
static void b64_quad(const unsigned char *p, size_t k, char *q) {
    unsigned v = (unsigned)p[0] << 16 | (k > 1 ? (unsigned)p[1] << 8 : 0u) | (k > 2 ? p[2] : 0u);
    q[0] = b64_alphabet[(v >> 18) & 63];
    q[1] = b64_alphabet[(v >> 12) & 63];
    q[2] = k > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
    q[3] = k > 2 ? b64_alphabet[v & 63] : '=';
}

void stroma_base64_encode(const unsigned char *p, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3, o += 4) b64_quad(p + i, n - i < 3 ? n - i : 3, out + o);
    out[o] = '\0';
}

void stroma_base64_write(FILE *f, const unsigned char *p, size_t n) {
    char chunk[4096];
    size_t used = 0;
    for (size_t i = 0; i < n; i += 3) {
        b64_quad(p + i, n - i < 3 ? n - i : 3, chunk + used);
        used += 4;
        if (used == sizeof chunk) {
            fwrite(chunk, 1, used, f);
            used = 0;
        }
    }
    if (used) fwrite(chunk, 1, used, f);
}
