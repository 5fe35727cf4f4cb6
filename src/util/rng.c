/* Philox4x32-10: 10 rounds of the Philox bijection over a 128-bit counter with a 64-bit key. */
#include "util/rng.h"

#include <math.h>
#include <string.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static void philox_round(uint32_t ctr[4], const uint32_t key[2]) {
    uint64_t p0 = (uint64_t)PHILOX_M0 * ctr[0];
    uint64_t p1 = (uint64_t)PHILOX_M1 * ctr[2];
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    uint32_t n0 = hi1 ^ ctr[1] ^ key[0];
    uint32_t n1 = lo1;
    uint32_t n2 = hi0 ^ ctr[3] ^ key[1];
    uint32_t n3 = lo0;
    ctr[0] = n0;
    ctr[1] = n1;
    ctr[2] = n2;
    ctr[3] = n3;
}

void stroma_philox4x32_10(const uint32_t ctr_in[4], const uint32_t key_in[2], uint32_t out[4]) {
    uint32_t ctr[4] = {ctr_in[0], ctr_in[1], ctr_in[2], ctr_in[3]};
    uint32_t k[2] = {key_in[0], key_in[1]};
    for (int r = 0; r < 10; r++) {
        philox_round(ctr, k);
        k[0] += PHILOX_W0;
        k[1] += PHILOX_W1;
    }
    memcpy(out, ctr, sizeof ctr);
}

/* Mix (a, b, purpose, counter) into a 128-bit counter and the seed into the key. The entity and step ids are
 * folded with the purpose so that 2^32 steps x 2^32 entities x purposes stay distinct. */
void stroma_rng_block(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose, uint32_t counter,
                      uint32_t out[4]) {
    uint32_t ctr[4] = {(uint32_t)a, (uint32_t)(a >> 32) ^ (purpose * 0x85EBCA6Bu), (uint32_t)b,
                       ((uint32_t)(b >> 32) * 0xC2B2AE35u) ^ counter};
    /* The counter word must stay injective in `counter` for fixed (b, purpose): XOR with a constant is. */
    uint32_t k[2] = {(uint32_t)key.seed, (uint32_t)(key.seed >> 32)};
    stroma_philox4x32_10(ctr, k, out);
}

static double to_unit(uint32_t hi, uint32_t lo) {
    uint64_t bits = ((uint64_t)hi << 21) ^ (uint64_t)(lo >> 11); /* 53 bits */
    bits &= (UINT64_C(1) << 53) - 1;
    return (double)bits * (1.0 / 9007199254740992.0);
}

void stroma_rng_uniform2(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose, uint32_t counter,
                         double out[2]) {
    uint32_t w[4];
    stroma_rng_block(key, a, b, purpose, counter, w);
    out[0] = to_unit(w[0], w[1]);
    out[1] = to_unit(w[2], w[3]);
}

double stroma_rng_uniform_open(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose,
                               uint32_t counter) {
    double u[2];
    stroma_rng_uniform2(key, a, b, purpose, counter, u);
    return u[0] + 0.5 / 9007199254740992.0; /* shift off zero; stays < 1 */
}

void stroma_rng_normal2(stroma_rng_key key, uint64_t a, uint64_t b, uint32_t purpose, uint32_t counter,
                        double out[2]) {
    double u[2];
    stroma_rng_uniform2(key, a, b, purpose, counter, u);
    double r = sqrt(-2.0 * log(u[0] + 0.5 / 9007199254740992.0));
    double th = 6.283185307179586 * u[1];
    out[0] = r * cos(th);
    out[1] = r * sin(th);
}
