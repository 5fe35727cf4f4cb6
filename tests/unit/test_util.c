/* Unit tests for src/util: error table and accumulation, counter-based RNG, edit distance/suggestions. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/sha256.h"
#include "util/error_impl.h"
#include "util/rng.h"
#include "util/text.h"

static void test_strerror_table(void **state) {
    (void)state;
    assert_string_equal(stroma_strerror(STROMA_OK), "success");
    assert_string_equal(stroma_strerror(STROMA_ERR_UNKNOWN_KEY), "unknown key");
    assert_true(stroma_error_is_bad_input(STROMA_ERR_RANGE));
    assert_false(stroma_error_is_bad_input(STROMA_ERR_NOMEM));
}

static void test_error_accumulates(void **state) {
    (void)state;
    stroma_error e;
    stroma_error_clear(&e);
    stroma_error_add_at(&e, STROMA_ERR_RANGE, "m.yaml", 3, 7, "a must be > 0 (got %d)", -1);
    stroma_error_add_at(&e, STROMA_ERR_UNKNOWN_KEY, "m.yaml", 9, 2, "unknown key 'b'");
    assert_int_equal(e.code, STROMA_ERR_RANGE); /* the first error decides the code and position */
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 7);
    assert_int_equal(e.count, 2);
    assert_string_equal(e.message, "m.yaml:3:7: a must be > 0 (got -1)\nm.yaml:9:2: unknown key 'b'");
}

/* An error may be wrapped in context with its own message (or file) as an argument: the new text is formatted
 * before the old one is cleared. */
static void test_error_wraps_itself(void **state) {
    (void)state;
    stroma_error e;
    stroma_error_set(&e, STROMA_ERR_NOT_FOUND, "cannot open '%s': %s", "d/checkpoint.bin", "No such file");
    stroma_error_set(&e, e.code, "nothing to resume in '%s': %s", "d", e.message);
    assert_string_equal(e.message, "nothing to resume in 'd': cannot open 'd/checkpoint.bin': No such file");
    stroma_error_clear(&e);
    stroma_error_add_at(&e, STROMA_ERR_RANGE, "m.yaml", 1, 2, "first");
    stroma_error_add_at(&e, STROMA_ERR_RANGE, e.file, 3, 4, "after '%s'", e.message);
    assert_string_equal(e.message, "m.yaml:1:2: first\nm.yaml:3:4: after 'm.yaml:1:2: first'");
}

/* Random123's known-answer vectors for philox4x32 with 10 rounds. */
static void test_philox_known_answers(void **state) {
    (void)state;
    const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d, 0x41c83b0e,
         0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb,
         0x5001e420, 0x24126ea1},
    };
    for (int i = 0; i < 3; i++) {
        uint32_t out[4];
        stroma_philox4x32_10(kat[i], kat[i] + 4, out);
        assert_memory_equal(out, kat[i] + 6, sizeof out);
    }
}

/* Same inputs give the same block; changing any one input changes it. */
static void test_rng_counter_based(void **state) {
    (void)state;
    stroma_rng_key k = {42};
    uint32_t a[4], b[4];
    stroma_rng_block(k, 1, 2, 3, 4, a);
    stroma_rng_block(k, 1, 2, 3, 4, b);
    assert_memory_equal(a, b, sizeof a);
    uint32_t v[5][4];
    stroma_rng_block((stroma_rng_key){43}, 1, 2, 3, 4, v[0]);
    stroma_rng_block(k, 9, 2, 3, 4, v[1]);
    stroma_rng_block(k, 1, 9, 3, 4, v[2]);
    stroma_rng_block(k, 1, 2, 9, 4, v[3]);
    stroma_rng_block(k, 1, 2, 3, 9, v[4]);
    for (int i = 0; i < 5; i++) assert_memory_not_equal(a, v[i], sizeof a);
}

/* Uniforms: mean 1/2 and variance 1/12 within 5 standard errors over 2e5 draws; a 20-bin chi-square below
 * the 99.99th percentile (df 19: 47.0); normals: mean 0, variance 1 within 5 standard errors. */
static void test_rng_distribution(void **state) {
    (void)state;
    stroma_rng_key k = {7};
    const int n = 200000;
    double sum = 0, sum2 = 0, nsum = 0, nsum2 = 0;
    int bins[20] = {0};
    for (int i = 0; i < n / 2; i++) {
        double u[2], z[2];
        stroma_rng_uniform2(k, (uint64_t)i, 5, STROMA_RNG_TEST, 0, u);
        stroma_rng_normal2(k, (uint64_t)i, 6, STROMA_RNG_TEST, 0, z);
        for (int j = 0; j < 2; j++) {
            assert_true(u[j] >= 0.0 && u[j] < 1.0);
            sum += u[j];
            sum2 += u[j] * u[j];
            bins[(int)(u[j] * 20)]++;
            nsum += z[j];
            nsum2 += z[j] * z[j];
        }
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    assert_true(fabs(mean - 0.5) < 5 * sqrt(1.0 / 12 / n));
    assert_true(fabs(var - 1.0 / 12) < 5 * sqrt(1.0 / 180 / n));
    double chi = 0, e = n / 20.0;
    for (int b = 0; b < 20; b++) chi += (bins[b] - e) * (bins[b] - e) / e;
    assert_true(chi < 47.0);
    double nmean = nsum / n, nvar = nsum2 / n - nmean * nmean;
    assert_true(fabs(nmean) < 5 / sqrt(n));
    assert_true(fabs(nvar - 1) < 5 * sqrt(2.0 / n));
    double uo = stroma_rng_uniform_open(k, 0, 0, STROMA_RNG_TEST, 0);
    assert_true(uo > 0 && uo < 1);
}

static void test_suggest(void **state) {
    (void)state;
    assert_int_equal(stroma_edit_distance("decay", "decai"), 1);
    assert_int_equal(stroma_edit_distance("", "abc"), 3);
    assert_int_equal(stroma_edit_distance("kitten", "sitting"), 3);
    const char *keys[] = {"diffusion", "decay", "initial", "boundary"};
    assert_string_equal(stroma_suggest("decai", keys, 4), "decay");
    assert_string_equal(stroma_suggest("difusion", keys, 4), "diffusion");
    assert_null(stroma_suggest("zzzzzzzz", keys, 4));
}

/* SHA-256 (libcrypto) against FIPS 180-4's examples: "", "abc" and the two-block message. */
static void test_sha256_known_answers(void **state) {
    (void)state;
    char hex[65];
    stroma_sha256_hex(NULL, 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    stroma_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    stroma_sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_table),  cmocka_unit_test(test_error_accumulates),
        cmocka_unit_test(test_error_wraps_itself),
        cmocka_unit_test(test_philox_known_answers),
        cmocka_unit_test(test_rng_counter_based), cmocka_unit_test(test_rng_distribution),
        cmocka_unit_test(test_suggest), cmocka_unit_test(test_sha256_known_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
