/* Base64 through OpenSSL's libcrypto (EVP_EncodeBlock; see base64.h). */
#include "util/base64.h"

#include <openssl/evp.h>

size_t stroma_base64_length(size_t n) { return (n + 2) / 3 * 4; }

void stroma_base64_encode(const unsigned char *p, size_t n, char *out) {
    /* EVP_EncodeBlock takes an int length: encode in pieces of a multiple of 3 bytes */
    const size_t piece = 3 * 1024 * 1024;
    size_t at = 0;
    while (n > 0) {
        size_t k = n < piece ? n : piece;
        at += (size_t)EVP_EncodeBlock((unsigned char *)out + at, p, (int)k);
        p += k;
        n -= k;
    }
    out[at] = '\0';
}

void stroma_base64_write(FILE *f, const unsigned char *p, size_t n) {
    unsigned char buf[4 * 1024 + 1];
    while (n > 0) {
        size_t k = n < 3 * 1024 ? n : 3 * 1024;
        int w = EVP_EncodeBlock(buf, p, (int)k);
        fwrite(buf, 1, (size_t)w, f);
        p += k;
        n -= k;
    }
}
