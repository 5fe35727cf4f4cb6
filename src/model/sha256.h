/* SHA-256 (FIPS 180-4) of a byte buffer, computed by OpenSSL's libcrypto: model provenance
 * (stroma_model.sha256) and checkpoint checksums. */
#ifndef STROMA_MODEL_SHA256_H
#define STROMA_MODEL_SHA256_H

#include <stddef.h>

/* Write the lowercase hex digest of data[0..len) into hex (64 characters + NUL). data may be NULL if len is 0. */
void stroma_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
