/* Unit tests of the model loader (src/model): a valid model loads with every field right; each kind of mistake
 * is reported with its code, file, line, column and key path; all mistakes are reported at once; absurd grids
 * are refused before allocation; docs/model-reference.md matches the schema table; SHA-256 test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "model/schema.h"
#include "model/sha256.h"

/* ---- helpers ---- */

/* tests/data: $STROMA_TEST_DATA, or found from this file's path when the test is run by hand. */
static const char *data_dir(void) {
    static char dir[1024];
    const char *env = getenv("STROMA_TEST_DATA");
    if (env && env[0]) return env;
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *cut = strstr(dir, "/unit/test_model.c");
    if (cut)
        strcpy(cut, "/data");
    else
        snprintf(dir, sizeof dir, "tests/data");
    return dir;
}

static void data_path(char *out, size_t cap, const char *rel) { snprintf(out, cap, "%s/%s", data_dir(), rel); }

static char *read_all(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            char *p = realloc(buf, 2 * cap + 1);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(fp);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

static stroma_model *load_str(const char *yaml, stroma_error *err) {
    return stroma_model_load_string(yaml, strlen(yaml), "t.yaml", err);
}

static void expect_contains(const char *haystack, const char *needle) {
    if (!strstr(haystack, needle)) fail_msg("expected to find\n  %s\nin\n  %s", needle, haystack);
}

/* Load yaml, expect it to fail with `code` first at line:column, with `needle` in the message. */
static void expect_error(const char *yaml, stroma_code code, int line, int column, const char *needle) {
    stroma_error err;
    stroma_model *m = load_str(yaml, &err);
    if (m) {
        stroma_model_destroy(&m);
        fail_msg("expected %s, but the model loaded:\n%s", stroma_strerror(code), yaml);
    }
    if (err.code != code || err.line != line || err.column != column)
        fail_msg("expected %s at %d:%d, got %s at %d:%d:\n%s", stroma_strerror(code), line, column,
                 stroma_strerror(err.code), err.line, err.column, err.message);
    assert_string_equal(err.file, "t.yaml");
    expect_contains(err.message, needle);
}

/* A valid 1D model of 6 lines; tests append lines (from line 7) or substitute pieces. */
#define L1_DOMAIN "domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}\n"
#define L2_TIME "time: {end: 10, dt_diffusion: 0.1}\n"
#define L3_5_OXYGEN "substrates:\n  oxygen:\n    diffusion: 1000\n    decay: 0.1\n"
#define BASE L1_DOMAIN L2_TIME L3_5_OXYGEN

/* ---- SHA-256 ---- */

static void test_sha256_vectors(void **state) {
    (void)state;
    char hex[65];
    stroma_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    stroma_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: two padding blocks */
    stroma_sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    assert_non_null(million);
    memset(million, 'a', 1000000);
    stroma_sha256_hex(million, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

/* ---- valid models ---- */

static void test_valid_model_every_field(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/valid.yaml");
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    if (!m) fail_msg("valid.yaml did not load: %s", err.message);
    assert_int_equal(err.code, STROMA_OK);
    assert_int_equal(err.count, 0);

    assert_string_equal(m->path, path);
    size_t len;
    char *text = read_all(path, &len);
    assert_non_null(text);
    char hex[65];
    stroma_sha256_hex(text, len, hex);
    free(text);
    assert_string_equal(m->sha256, hex);

    const double lo[3] = {0, 0, 0}, hi[3] = {1000, 200, 20};
    for (int a = 0; a < 3; a++) {
        assert_true(m->lo_um[a] == lo[a]);
        assert_true(m->hi_um[a] == hi[a]);
    }
    assert_true(m->voxel_um == 20);
    assert_int_equal(m->n[0], 50);
    assert_int_equal(m->n[1], 10);
    assert_int_equal(m->n[2], 1);
    assert_int_equal(m->dim, 2);
    assert_true(m->end_min == 600);
    assert_true(m->dt_diffusion_min == 0.01);
    assert_int_equal(m->seed, 42);
    assert_int_equal(m->domain_loc.line, 2);
    assert_int_equal(m->domain_loc.column, 1);

    assert_int_equal(m->nsub, 2);
    const stroma_substrate_desc *o = &m->substrates[0], *il6 = &m->substrates[1];
    assert_string_equal(o->name, "oxygen");
    assert_string_equal(o->unit, "mmHg");
    assert_true(o->diffusion_um2_per_min == 100000);
    assert_true(o->decay_per_min == 0.1);
    assert_true(o->initial == 38);
    const unsigned char dirichlet[STROMA_FACE_COUNT] = {1, 0, 0, 1, 0, 0};
    for (int f = 0; f < STROMA_FACE_COUNT; f++) assert_int_equal(o->face_dirichlet[f], dirichlet[f]);
    assert_true(o->face_value[STROMA_FACE_X_MIN] == 38);
    assert_true(o->face_value[STROMA_FACE_Y_MAX] == 20.5);
    assert_int_equal(o->loc.line, 6);
    assert_int_equal(o->loc.column, 3);
    assert_string_equal(il6->name, "IL6");
    assert_string_equal(il6->unit, "");
    assert_true(il6->diffusion_um2_per_min == 6000);
    assert_true(il6->decay_per_min == 0);
    assert_true(il6->initial == 0);
    for (int f = 0; f < STROMA_FACE_COUNT; f++) assert_int_equal(il6->face_dirichlet[f], 0);
    assert_int_equal(stroma_model_substrate_index(m, "IL6"), 1);
    assert_int_equal(stroma_model_substrate_index(m, "il6"), -1);

    assert_int_equal(m->nfixed, 2);
    assert_int_equal(m->fixed[0].substrate, 0);
    assert_true(m->fixed[0].pos_um[0] == 500 && m->fixed[0].pos_um[1] == 10 && m->fixed[0].pos_um[2] == 10);
    assert_true(m->fixed[0].value == 38);
    assert_int_equal(m->fixed[0].loc.line, 13);
    assert_true(m->fixed[1].pos_um[0] == 1000 && m->fixed[1].pos_um[1] == 200 && m->fixed[1].pos_um[2] == 20);
    assert_true(m->fixed[1].value == 10);

    assert_int_equal(m->nsources, 4);
    const stroma_source_desc *s0 = &m->sources[0], *s1 = &m->sources[1], *s2 = &m->sources[2], *s3 = &m->sources[3];
    assert_int_equal(s0->substrate, 1);
    assert_int_equal(s0->count, 1);
    assert_int_equal(s0->region.kind, STROMA_REGION_POINT);
    assert_true(s0->region.center_um[0] == 500 && s0->region.center_um[1] == 10 && s0->region.center_um[2] == 10);
    assert_true(s0->volume_um3 == 2000);
    assert_true(s0->secretion_per_min == 0.1);
    assert_true(s0->saturation == 1);
    assert_true(s0->uptake_per_min == 0.5);
    assert_true(s0->export_per_min == 0);
    assert_int_equal(s0->loc.line, 19);
    assert_int_equal(s0->loc.column, 5);

    assert_int_equal(s1->substrate, 0);
    assert_int_equal(s1->count, 100);
    assert_int_equal(s1->region.kind, STROMA_REGION_DISC);
    assert_true(s1->region.center_um[0] == 500 && s1->region.center_um[1] == 100 && s1->region.center_um[2] == 10);
    assert_true(s1->region.radius_um == 50);
    assert_true(s1->volume_um3 == 2494); /* default */
    assert_true(s1->secretion_per_min == 0 && s1->saturation == 0 && s1->export_per_min == 0);
    assert_true(s1->uptake_per_min == 10);

    assert_int_equal(s2->substrate, 1);
    assert_int_equal(s2->count, 7);
    assert_int_equal(s2->region.kind, STROMA_REGION_SPHERE);
    assert_true(s2->region.radius_um == 10);

    assert_int_equal(s3->count, 3);
    assert_int_equal(s3->region.kind, STROMA_REGION_BOX);
    assert_true(s3->region.lo_um[0] == 0 && s3->region.lo_um[1] == 0 && s3->region.lo_um[2] == 0);
    assert_true(s3->region.hi_um[0] == 100 && s3->region.hi_um[1] == 200 && s3->region.hi_um[2] == 20);
    assert_true(s3->export_per_min == -5);

    assert_true(m->output_every_min == 60);
    assert_int_equal(m->output_every_is_end, 0);
    assert_int_equal(m->output_fields_csv, 1);

    /* Memory estimate: the documented formula. */
    double nvox = 500, plane = 500, expect = nvox * 2 * 8 + 2 * plane * 2 * 8 * STROMA_MEMORY_THREADS +
                                             3.0 * (50 + 10 + 1) * 2 * 8 + 32.0 * 2 + 32.0 * (1 + 100 + 7 + 3);
    assert_true(stroma_model_memory_estimate(m) == expect);
    stroma_model_destroy(&m);
    assert_null(m);
    stroma_model_destroy(&m); /* NULL handle is fine */
    stroma_model_destroy(NULL);
}

static void test_defaults(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/minimal.yaml");
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    if (!m) fail_msg("minimal.yaml did not load: %s", err.message);
    assert_int_equal(m->seed, 1);
    assert_int_equal(m->n[0], 10);
    assert_int_equal(m->n[1], 10);
    assert_int_equal(m->n[2], 10);
    assert_int_equal(m->dim, 3);
    assert_int_equal(m->nsub, 1);
    assert_string_equal(m->substrates[0].unit, "");
    assert_true(m->substrates[0].initial == 0);
    for (int f = 0; f < STROMA_FACE_COUNT; f++) assert_int_equal(m->substrates[0].face_dirichlet[f], 0);
    assert_int_equal(m->nfixed, 0);
    assert_int_equal(m->nsources, 0);
    assert_null(m->fixed);
    assert_null(m->sources);
    /* outputs absent: one output at the end, which follows a new end time. */
    assert_int_equal(m->output_every_is_end, 1);
    assert_true(m->output_every_min == 5);
    assert_int_equal(m->output_fields_csv, 0);
    assert_int_equal(stroma_model_set_end(m, 20, &err), STROMA_OK);
    assert_true(m->end_min == 20 && m->output_every_min == 20);
    assert_int_equal(stroma_model_set_end(m, 0, &err), STROMA_ERR_ARGUMENT);
    assert_int_equal(stroma_model_set_end(m, -1, NULL), STROMA_ERR_ARGUMENT);
    assert_true(m->end_min == 20);
    stroma_model_set_seed(m, 0xffffffffffffffffull);
    assert_true(m->seed == 0xffffffffffffffffull);
    stroma_model_destroy(&m);
}

static void test_example_in_docs_loads(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = load_str(stroma_schema_example, &err);
    if (!m) fail_msg("the manual's example does not load: %s", err.message);
    assert_int_equal(m->nsub, 2);
    assert_int_equal(m->nsources, 2);
    assert_int_equal(m->dim, 1);
    stroma_model_destroy(&m);
}

static void test_one_thick_axis_and_aliases(void **state) {
    (void)state;
    stroma_error err;
    /* 1 voxel on every axis, YAML anchors and aliases, quoted keys, a block list. */
    const char *yaml = "domain: {x: [-10, 10], y: [-10, 10], z: [-10, 10], voxel: 20}\n"
                       "time: {end: 1, dt_diffusion: 1}\n"
                       "substrates:\n"
                       "  a: &sub\n"
                       "    diffusion: 1\n"
                       "    decay: 0\n"
                       "    boundary: {x_min: 2, z_max: 3}\n"
                       "  \"b\": *sub\n"
                       "outputs:\n"
                       "  fields:\n"
                       "    - csv\n";
    stroma_model *m = load_str(yaml, &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->n[0] * m->n[1] * m->n[2], 1);
    assert_int_equal(m->dim, 1);
    assert_int_equal(m->nsub, 2);
    assert_string_equal(m->substrates[1].name, "b");
    assert_int_equal(m->substrates[1].face_dirichlet[STROMA_FACE_Z_MAX], 1);
    assert_true(m->substrates[1].face_value[STROMA_FACE_Z_MAX] == 3);
    assert_int_equal(m->output_fields_csv, 1);
    assert_int_equal(m->output_every_is_end, 1);
    stroma_model_destroy(&m);
}

static void test_describe(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/valid.yaml");
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    assert_non_null(m);
    char buf[8192];
    size_t want = stroma_model_describe(m, buf, sizeof buf);
    assert_int_equal(want, strlen(buf));
    expect_contains(buf, "grid: 50 x 10 x 1 = 500 voxels (2D)");
    expect_contains(buf, "time: end 600 min, dt_diffusion 0.01 min (60000 steps)");
    expect_contains(buf, "seed: 42");
    expect_contains(buf, "oxygen [mmHg]: D 100000 µm²/min, decay 0.1 1/min, length sqrt(D/decay) 1000 µm, "
                         "initial 38 mmHg");
    expect_contains(buf, "x_min = 38 mmHg, x_max no flux, y_min no flux, y_max = 20.5 mmHg, z_min no flux");
    expect_contains(buf, "IL6 [(no unit)]: D 6000 µm²/min, decay 0 1/min, length sqrt(D/decay) infinite");
    expect_contains(buf, "fixed voxels: 2");
    expect_contains(buf, "sources: 4");
    expect_contains(buf, "100 points in the disc centre (500, 100, 10) radius 50 µm; volume 2494 µm³, secretion 0 "
                         "1/min towards 0 mmHg, uptake 10 1/min, export 0 mmHg µm³/min");
    expect_contains(buf, "IL6: 1 point at (500, 10, 10) µm; volume 2000 µm³, secretion 0.1 1/min towards 1 unit");
    expect_contains(buf, "oxygen held at 38 mmHg in the voxel of (500, 10, 10) µm");
    expect_contains(buf, "outputs: every 60 min, fields: csv");
    expect_contains(buf, "memory estimate: ");
    expect_contains(buf, m->sha256);
    /* Truncation: NUL-terminated, returns the full length. */
    char small[16];
    assert_int_equal(stroma_model_describe(m, small, sizeof small), want);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(stroma_model_describe(m, NULL, 0), want);
    stroma_model_destroy(&m);
}

/* ---- errors ---- */

static void test_error_file_position_and_message(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/bad_diffusion.yaml");
    stroma_error err;
    assert_null(stroma_model_load(path, &err));
    assert_int_equal(err.code, STROMA_ERR_RANGE);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 7);
    assert_int_equal(err.column, 16);
    assert_int_equal(err.count, 1);
    char want[1400];
    snprintf(want, sizeof want, "%s:7:16: substrates.oxygen.diffusion must be >= 0 (got -3) [µm²/min]", path);
    assert_string_equal(err.message, want);
}

static void test_malformed_yaml(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/malformed.yaml");
    stroma_error err;
    assert_null(stroma_model_load(path, &err));
    assert_int_equal(err.code, STROMA_ERR_PARSE);
    assert_string_equal(err.file, path);
    assert_true(err.line >= 2);
    assert_true(err.column >= 1);
    expect_contains(err.message, "malformed YAML");
    /* libfyaml printed nothing: its diagnostics were captured (checked by the absence of output in CI logs). */
    expect_error(BASE "sources: [\n", STROMA_ERR_PARSE, 8, 1, "malformed YAML");
    expect_error(BASE "  bad: [1, 2\n    x: y\n", STROMA_ERR_PARSE, 9, 1, "malformed YAML");
    expect_error("a: 1\n---\nb: 2\n", STROMA_ERR_PARSE, 2, 1, "a second one starts here");
    expect_error("a: *nope\n", STROMA_ERR_PARSE, 1, 4, "alias *nope");
}

static void test_unknown_keys(void **state) {
    (void)state;
    /* Nearest key suggested; the missing `decay` is reported too. */
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion: 1000\n    decy: 0.1\n",
                 STROMA_ERR_MISSING, 4, 3, "missing required key substrates.oxygen.decay (number) [1/min]");
    stroma_error err;
    assert_null(load_str(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion: 1000\n    decy: 0.1\n", &err));
    assert_int_equal(err.count, 2);
    expect_contains(err.message, "t.yaml:6:5: unknown key substrates.oxygen.decy; did you mean 'decay'?");

    expect_error(BASE "outputs: {evry: 5}\n", STROMA_ERR_UNKNOWN_KEY, 7, 11,
                 "unknown key outputs.evry; did you mean 'every'?");
    /* The missing `time` is reported at the top mapping (1:1), before the misspelt key on line 2. */
    expect_error(L1_DOMAIN "tme: {end: 10, dt_diffusion: 0.1}\n" L3_5_OXYGEN, STROMA_ERR_MISSING, 1, 1,
                 "t.yaml:1:1: missing required key time (mapping)\nt.yaml:2:1: unknown key tme; did you mean 'time'?");
    /* No near key: the valid keys are listed. */
    expect_error(BASE "cell_types: {}\n", STROMA_ERR_UNKNOWN_KEY, 7, 1,
                 "unknown key cell_types (valid keys: domain, time, seed, substrates, sources, outputs)");
    expect_error(BASE "    boundary: {left: 1}\n", STROMA_ERR_UNKNOWN_KEY, 7, 16,
                 "unknown key substrates.oxygen.boundary.left (valid keys in substrates.oxygen.boundary: x_min, "
                 "x_max, y_min, y_max, z_min, z_max)");
    expect_error(BASE "sources:\n  - {substrate: oxygen, at: [0, 0, 0], uptak: 1}\n", STROMA_ERR_UNKNOWN_KEY, 8, 40,
                 "unknown key sources[0].uptak; did you mean 'uptake'?");
}

static void test_checks_survive_unrelated_errors(void **state) {
    (void)state;
    /* An unknown key in domain does not stop the grid from being checked, nor a bad uptake the placement. */
    stroma_error err;
    assert_null(load_str("domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20, colour: red}\n" L2_TIME L3_5_OXYGEN
                         "sources:\n  - {substrate: oxygen, at: [500, 10, 10], uptake: -1}\n"
                         "  - {<<: {at: [1, 1, 1]}, substrate: oxygen}\n",
                         &err));
    assert_int_equal(err.count, 5);
    expect_contains(err.message, "t.yaml:1:58: unknown key domain.colour (valid keys in domain: x, y, z, voxel)");
    expect_contains(err.message, "t.yaml:8:29: sources[0].at (500, 10, 10) lies outside the domain");
    expect_contains(err.message, "t.yaml:8:52: sources[0].uptake must be >= 0 (got -1) [1/min]");
    expect_contains(err.message, "t.yaml:9:5: sources[1] needs a place: one of at, disc, sphere, box");
    expect_contains(err.message, "t.yaml:9:6: unknown key sources[1].<<: YAML merge keys are not supported");
}

static void test_wrong_types(void **state) {
    (void)state;
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion: fast\n    decay: 0.1\n", STROMA_ERR_TYPE, 5,
                 16, "substrates.oxygen.diffusion must be a number (got fast) [µm²/min]");
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion: \"1000\"\n    decay: 0.1\n",
                 STROMA_ERR_TYPE, 5, 16, "must be a number (got the quoted string \"1000\")");
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion:\n    decay: 0.1\n", STROMA_ERR_TYPE, 5, 5,
                 "substrates.oxygen.diffusion must be a number (got an empty value)");
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion: .inf\n    decay: 0.1\n", STROMA_ERR_RANGE,
                 5, 16, "must be a finite number");
    expect_error("domain: {x: {lo: 0, hi: 100}, y: [0, 20], z: [0, 20], voxel: 20}\n" L2_TIME L3_5_OXYGEN,
                 STROMA_ERR_TYPE, 1, 13, "domain.x must be [lo, hi], a list of 2 numbers (got a mapping) [µm]");
    expect_error("domain: {x: [0, 100, 200], y: [0, 20], z: [0, 20], voxel: 20}\n" L2_TIME L3_5_OXYGEN,
                 STROMA_ERR_TYPE, 1, 13, "(got a list of 3 items)");
    expect_error("domain: {x: [0, a], y: [0, 20], z: [0, 20], voxel: 20}\n" L2_TIME L3_5_OXYGEN, STROMA_ERR_TYPE, 1, 17,
                 "domain.x[1] must be a number (got a)");
    expect_error(L1_DOMAIN L2_TIME "substrates: [oxygen]\n", STROMA_ERR_TYPE, 3, 13,
                 "substrates must be a mapping of names to entries (got a list of 1 item)");
    expect_error(BASE "sources: {substrate: oxygen}\n", STROMA_ERR_TYPE, 7, 10,
                 "sources must be a list (got a mapping)");
    expect_error(BASE "seed: 1.5\n", STROMA_ERR_TYPE, 7, 7, "seed must be a whole number (got 1.5)");
    expect_error(BASE "seed: -1\n", STROMA_ERR_RANGE, 7, 7, "seed must be between 0 and 18446744073709551615");
    expect_error(BASE "seed: 18446744073709551616\n", STROMA_ERR_RANGE, 7, 7, "seed must be between 0 and");
    expect_error(BASE "outputs: {fields: csv}\n", STROMA_ERR_TYPE, 7, 19, "outputs.fields must be a list of words");
    expect_error(BASE "outputs: {fields: [cvs]}\n", STROMA_ERR_RANGE, 7, 20,
                 "outputs.fields[0]: unknown word cvs; did you mean 'csv'?");
    expect_error(BASE "    unit: [mmHg]\n", STROMA_ERR_TYPE, 7, 11, "substrates.oxygen.unit must be a string");
    expect_error(BASE "    unit: a_unit_name_that_is_far_too_long_for_it\n", STROMA_ERR_RANGE, 7, 11,
                 "must be at most 31 characters");
    expect_error("- domain\n", STROMA_ERR_TYPE, 1, 1, "a model file must be a mapping of keys");
    expect_error(BASE "? [a, b]\n: 1\n", STROMA_ERR_TYPE, 7, 3, "keys in the file must be plain names (got a list");
}

static void test_ranges(void **state) {
    (void)state;
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion: 1000\n    decay: -0.1\n", STROMA_ERR_RANGE,
                 6, 12, "substrates.oxygen.decay must be >= 0 (got -0.1) [1/min]");
    expect_error(L1_DOMAIN "time: {end: 10, dt_diffusion: 0}\n" L3_5_OXYGEN, STROMA_ERR_RANGE, 2, 31,
                 "time.dt_diffusion must be > 0 (got 0) [min]");
    expect_error(L1_DOMAIN "time: {end: -5, dt_diffusion: 0.1}\n" L3_5_OXYGEN, STROMA_ERR_RANGE, 2, 13,
                 "time.end must be > 0 (got -5) [min]");
    expect_error(BASE "outputs: {every: 0}\n", STROMA_ERR_RANGE, 7, 18, "outputs.every must be > 0 (got 0) [min]");
    expect_error("domain: {x: [0, 100], y: [20, 20], z: [0, 20], voxel: 20}\n" L2_TIME L3_5_OXYGEN, STROMA_ERR_RANGE,
                 1, 26, "domain.y must have hi > lo (got [20, 20]) [µm]");
    expect_error("domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 0}\n" L2_TIME L3_5_OXYGEN, STROMA_ERR_RANGE, 1,
                 54, "domain.voxel must be > 0 (got 0) [µm]");
    expect_error(BASE "    initial: -1\n", STROMA_ERR_RANGE, 7, 14, "substrates.oxygen.initial must be >= 0");
    expect_error(BASE "sources:\n  - {substrate: oxygen, count: 0, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n",
                 STROMA_ERR_RANGE, 8, 32, "sources[0].count must be between 1 and 2147483647 (got 0)");
    expect_error(BASE "sources:\n  - {substrate: oxygen, count: 3000000000, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n",
                 STROMA_ERR_RANGE, 8, 32, "sources[0].count must be between 1 and 2147483647 (got 3000000000)");
    expect_error(BASE "sources:\n  - {substrate: oxygen, count: 99999999999999999999, box: {lo: [0, 0, 0], hi: [1, 1, "
                      "1]}}\n",
                 STROMA_ERR_RANGE, 8, 32, "(got 99999999999999999999)");
    expect_error(BASE "sources:\n  - {substrate: oxygen, at: [1, 1, 1], volume: 0}\n", STROMA_ERR_RANGE, 8, 48,
                 "sources[0].volume must be > 0 (got 0) [µm³]");
}

static void test_voxel_must_divide(void **state) {
    (void)state;
    expect_error("domain: {x: [0, 1000], y: [0, 20], z: [0, 20], voxel: 30}\n" L2_TIME L3_5_OXYGEN,
                 STROMA_ERR_RANGE, 1, 55,
                 "domain.voxel 30 does not divide every extent: domain.x extent 1000 is 33.3333 voxels (nearest voxel "
                 "sizes that divide it: 30.3030303 or 29.41176471); domain.y extent 20 is 0.666667 voxels (nearest "
                 "voxel sizes that divide it: 20); domain.z extent 20 is 0.666667 voxels (nearest voxel sizes that "
                 "divide it: 20) [µm]");
    /* Within the relative tolerance: accepted. */
    stroma_error err;
    stroma_model *m =
        load_str("domain: {x: [0, 0.3], y: [0, 0.1], z: [0, 0.1], voxel: 0.1}\n" L2_TIME L3_5_OXYGEN, &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->n[0], 3);
    stroma_model_destroy(&m);
}

static void test_names_and_references(void **state) {
    (void)state;
    expect_error(BASE "sources:\n  - substrate: oxigen\n    at: [50, 10, 10]\n", STROMA_ERR_UNKNOWN_KEY, 8, 16,
                 "sources[0].substrate: no substrate named 'oxigen'; did you mean 'oxygen'?");
    expect_error(BASE "sources:\n  - substrate: glucose\n    at: [50, 10, 10]\n", STROMA_ERR_UNKNOWN_KEY, 8, 16,
                 "no substrate named 'glucose' (substrates: oxygen)");
    expect_error(BASE "  2fast: {diffusion: 1, decay: 1}\n", STROMA_ERR_RANGE, 7, 3,
                 "substrates: invalid name '2fast'");
    expect_error(BASE "  a234567890123456789012345678901234567890123456789012345678901234: {diffusion: 1, decay: 1}\n",
                 STROMA_ERR_RANGE, 7, 3, "at most 63 characters");
    stroma_error err;
    stroma_model *m =
        load_str(BASE "  a23456789012345678901234567890123456789012345678901234567890123: {diffusion: 1, decay: 1}\n",
                 &err);
    if (!m) fail_msg("a 63-character name must load: %s", err.message);
    assert_int_equal(strlen(m->substrates[1].name), 63);
    stroma_model_destroy(&m);
}

static void test_points_and_regions_inside_domain(void **state) {
    (void)state;
    expect_error(BASE "    fixed:\n      - {at: [120, 10, 10], value: 1}\n", STROMA_ERR_RANGE, 8, 14,
                 "substrates.oxygen.fixed[0].at (120, 10, 10) lies outside the domain [0, 100] x [0, 20] x [0, 20] "
                 "[µm]");
    expect_error(BASE "sources:\n  - {substrate: oxygen, at: [50, 10, -1]}\n", STROMA_ERR_RANGE, 8, 29,
                 "sources[0].at (50, 10, -1) lies outside the domain");
    expect_error(BASE "sources:\n  - substrate: oxygen\n    count: 5\n    sphere: {center: [50, 10, 10], radius: 20}\n",
                 STROMA_ERR_RANGE, 10, 13,
                 "sources[0].sphere (centre (50, 10, 10), radius 20) extends outside the domain along y: [-10, 30], "
                 "but domain.y is [0, 20]; in a 2D model use a disc [µm]");
    expect_error(BASE "sources:\n  - substrate: oxygen\n    count: 5\n    disc: {center: [90, 10, 10], radius: 20}\n",
                 STROMA_ERR_RANGE, 10, 11, "extends outside the domain along x: [70, 110]");
    expect_error(BASE "sources:\n  - substrate: oxygen\n    count: 5\n    box: {lo: [0, 0, 0], hi: [100, 20, 21]}\n",
                 STROMA_ERR_RANGE, 10, 10, "sources[0].box (lo (0, 0, 0), hi (100, 20, 21)) extends outside the domain "
                                          "along z");
    expect_error(BASE "sources:\n  - substrate: oxygen\n    count: 5\n    box: {lo: [0, 0, 0], hi: [100, -1, 20]}\n",
                 STROMA_ERR_RANGE, 10, 30, "sources[0].box.hi must be >= lo on every axis");
    /* A disc only needs its centre's z inside: a 2D model. */
    stroma_error err;
    stroma_model *m =
        load_str(BASE "sources:\n  - {substrate: oxygen, count: 5, disc: {center: [50, 10, 10], radius: 10}}\n", &err);
    if (!m) fail_msg("%s", err.message);
    stroma_model_destroy(&m);
    /* Two fixed entries in one voxel must agree. */
    expect_error(BASE "    fixed:\n      - {at: [5, 5, 5], value: 1}\n      - {at: [15, 15, 15], value: 2}\n",
                 STROMA_ERR_RANGE, 9, 14,
                 "substrates.oxygen.fixed[1] holds the same voxel as substrates.oxygen.fixed[0] (line 8)");
}

static void test_source_rules(void **state) {
    (void)state;
    expect_error(BASE "sources:\n  - {substrate: oxygen, uptake: 1}\n", STROMA_ERR_MISSING, 8, 5,
                 "sources[0] needs a place: one of at, disc, sphere, box");
    expect_error(BASE "sources:\n  - {substrate: oxygen, at: [1, 1, 1], sphere: {center: [5, 5, 5], radius: 1}}\n",
                 STROMA_ERR_RANGE, 8, 40, "sources[0] gives both at and sphere");
    expect_error(BASE "sources:\n  - {substrate: oxygen, sphere: {center: [5, 5, 5], radius: 1}}\n", STROMA_ERR_MISSING,
                 8, 5, "missing required key sources[0].count (required with sphere)");
    expect_error(BASE "sources:\n  - {substrate: oxygen, at: [1, 1, 1], count: 4}\n", STROMA_ERR_RANGE, 8, 47,
                 "sources[0].count must be 1 with at (got 4)");
    expect_error(BASE "sources:\n  - {substrate: oxygen, at: [1, 1, 1], secretion: 1}\n", STROMA_ERR_MISSING, 8, 5,
                 "missing required key sources[0].saturation (required when secretion > 0) [substrate unit]");
    expect_error(BASE "sources:\n  - {at: [1, 1, 1]}\n", STROMA_ERR_MISSING, 8, 5,
                 "missing required key sources[0].substrate");
    expect_error(BASE "sources:\n  - {substrate: oxygen, box: {lo: [0, 0, 0]}, count: 2}\n", STROMA_ERR_MISSING, 8, 25,
                 "missing required key sources[0].box.hi ([x, y, z]) [µm]");
}

static void test_duplicates_and_missing(void **state) {
    (void)state;
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen:\n    diffusion: 1000\n    decay: 0.1\n    decay: 0.2\n",
                 STROMA_ERR_PARSE, 7, 5, "duplicate key substrates.oxygen.decay (first given at line 6, column 5)");
    expect_error(BASE "  oxygen: {diffusion: 1, decay: 1}\n", STROMA_ERR_PARSE, 7, 3,
                 "duplicate key substrates.oxygen (first given at line 4, column 3)");
    expect_error(L2_TIME L3_5_OXYGEN, STROMA_ERR_MISSING, 1, 1, "missing required key domain (mapping)");
    expect_error("domain: {x: [0, 100], y: [0, 20], z: [0, 20]}\n" L2_TIME L3_5_OXYGEN, STROMA_ERR_MISSING, 1, 1,
                 "missing required key domain.voxel (number) [µm]");
    expect_error(L1_DOMAIN "time: {dt_diffusion: 0.1}\n" L3_5_OXYGEN, STROMA_ERR_MISSING, 2, 1,
                 "missing required key time.end (number) [min]");
    expect_error(L1_DOMAIN L2_TIME "substrates: {}\n", STROMA_ERR_MISSING, 3, 1,
                 "substrates must have at least 1 entry");
    expect_error(L1_DOMAIN L2_TIME "substrates:\n", STROMA_ERR_MISSING, 3, 1, "substrates must have at least 1 entry");
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  oxygen: {decay: 0.1}\n", STROMA_ERR_MISSING, 4, 3,
                 "missing required key substrates.oxygen.diffusion (number) [µm²/min]");
    expect_error(L1_DOMAIN L2_TIME
                 "substrates:\n  oxygen:\n    diffusion: 1\n    decay: 1\n    fixed:\n      - {at: [1, "
                 "1, 1]}\n",
                 STROMA_ERR_MISSING, 8, 9, "missing required key substrates.oxygen.fixed[0].value");
    /* An empty file: the three required top-level keys. */
    stroma_error err;
    assert_null(load_str("", &err));
    assert_int_equal(err.code, STROMA_ERR_MISSING);
    assert_int_equal(err.count, 3);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 1);
    expect_contains(err.message, "missing required key domain");
    expect_contains(err.message, "missing required key time");
    expect_contains(err.message, "missing required key substrates");
    assert_null(load_str("# just a comment\n", &err));
    assert_int_equal(err.count, 3);
}

static void test_every_error_reported(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/many_errors.yaml");
    stroma_error err;
    assert_null(stroma_model_load(path, &err));
    assert_int_equal(err.count, 5);
    /* The first in the file sets code and position; all are listed in file order, one per line. */
    assert_int_equal(err.code, STROMA_ERR_RANGE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 55);
    const char *want[5] = {":2:55: domain.voxel 30 does not divide every extent",
                           ":3:32: time.dt_diffusion must be > 0 (got 0) [min]",
                           ":5:3: missing required key substrates.oxygen.decay",
                           ":7:5: unknown key substrates.oxygen.decy; did you mean 'decay'?",
                           ":9:16: sources[0].substrate: no substrate named 'oxigen'; did you mean 'oxygen'?"};
    const char *line = err.message;
    for (int i = 0; i < 5; i++) {
        assert_non_null(line);
        assert_true(strncmp(line, path, strlen(path)) == 0);
        const char *eol = strchr(line, '\n');
        char one[1024];
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        snprintf(one, sizeof one, "%.*s", (int)n, line);
        expect_contains(one, want[i]);
        line = eol ? eol + 1 : NULL;
    }
    assert_null(line);
    /* A NULL error pointer is allowed. */
    assert_null(stroma_model_load(path, NULL));
}

static void test_too_large_and_overflow(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/huge.yaml");
    stroma_error err;
    assert_null(stroma_model_load(path, &err));
    assert_int_equal(err.code, STROMA_ERR_TOO_LARGE);
    assert_int_equal(err.count, 1);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    expect_contains(err.message, "domain: the grid needs about ");
    expect_contains(err.message,
                    "GiB (1000000 x 1000000 x 1000000 = 1e+18 voxels x 1 substrate) but this machine has ");
    expect_contains(err.message, "GiB of physical memory");
    /* An axis beyond int, and a product beyond size_t. */
    expect_error("domain: {x: [0, 1e10], y: [0, 1], z: [0, 1], voxel: 1}\n" L2_TIME L3_5_OXYGEN, STROMA_ERR_TOO_LARGE,
                 1, 1, "more than the 2147483647 a grid axis can hold (voxel count overflow)");
    expect_error("domain: {x: [0, 2e9], y: [0, 2e9], z: [0, 2e9], voxel: 1}\n" L2_TIME L3_5_OXYGEN,
                 STROMA_ERR_TOO_LARGE, 1, 1, "2000000000 x 2000000000 x 2000000000 voxels overflow the voxel count");
    /* Many source points count too. */
    expect_error("domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}\n" L2_TIME L3_5_OXYGEN
                 "sources:\n"
                 "  - {substrate: oxygen, count: 2147483647, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n"
                 "  - {substrate: oxygen, count: 2147483647, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n"
                 "  - {substrate: oxygen, count: 2147483647, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n"
                 "  - {substrate: oxygen, count: 2147483647, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n"
                 "  - {substrate: oxygen, count: 2147483647, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n"
                 "  - {substrate: oxygen, count: 2147483647, box: {lo: [0, 0, 0], hi: [1, 1, 1]}}\n",
                 STROMA_ERR_TOO_LARGE, 1, 1, "domain: the grid needs about");
}

static void test_io_errors(void **state) {
    (void)state;
    stroma_error err;
    assert_null(stroma_model_load("/nonexistent/model.yaml", &err));
    assert_int_equal(err.code, STROMA_ERR_NOT_FOUND);
    expect_contains(err.message, "/nonexistent/model.yaml");
    assert_null(stroma_model_load(data_dir(), &err)); /* a directory */
    assert_int_equal(err.code, STROMA_ERR_IO);
    assert_null(stroma_model_load(NULL, &err));
    assert_int_equal(err.code, STROMA_ERR_ARGUMENT);
    /* Text that is not NUL-terminated: only len bytes are read. */
    static const char padded[] = BASE "xxxxxxx";
    char buf[sizeof padded - 1];
    memcpy(buf, padded, sizeof buf); /* no NUL */
    stroma_model *m = stroma_model_load_string(buf, strlen(BASE), "mem", &err);
    if (!m) fail_msg("%s", err.message);
    assert_string_equal(m->path, "mem");
    stroma_model_destroy(&m);
}

/* ---- schema and manual ---- */

static void test_schema_table_consistent(void **state) {
    (void)state;
    for (int i = 0; i < STROMA_KEY_COUNT; i++) {
        const stroma_schema_key *k = &stroma_schema_keys[i];
        if (!k->path) fail_msg("schema row %d is empty", i);
        assert_non_null(k->doc);
        assert_non_null(k->unit);
        int parent = stroma_schema_parent(i);
        if (strchr(k->path, '.') || strstr(k->path, "[]")) {
            if (parent < 0) fail_msg("row %s has no parent row", k->path);
            stroma_schema_type pt = stroma_schema_keys[parent].type;
            int item = strstr(k->path + strlen(stroma_schema_keys[parent].path), "<name>") != NULL ||
                       strcmp(k->path + strlen(k->path) - 2, "[]") == 0;
            if (item && !(pt == STROMA_SCHEMA_NAMED_MAP || pt == STROMA_SCHEMA_LIST))
                fail_msg("item row %s under a %s", k->path, stroma_schema_type_name(pt));
            if (!item && pt != STROMA_SCHEMA_MAP)
                fail_msg("key row %s under a %s", k->path, stroma_schema_type_name(pt));
        }
        if (k->need == STROMA_NEED_CONDITIONAL) assert_non_null(k->need_text);
        if (k->type == STROMA_SCHEMA_WORDS) assert_non_null(k->choices);
        if (k->type == STROMA_SCHEMA_NAMED_MAP || k->type == STROMA_SCHEMA_LIST) {
            int children = 0;
            for (int c = 0; c < STROMA_KEY_COUNT; c++) children += stroma_schema_parent(c) == i;
            assert_int_equal(children, 1);
        }
        for (int j = 0; j < i; j++)
            if (strcmp(stroma_schema_keys[j].path, k->path) == 0) fail_msg("row %s appears twice", k->path);
    }
    assert_int_equal(stroma_schema_child(-1, "domain", 6), STROMA_KEY_DOMAIN);
    assert_int_equal(stroma_schema_child(STROMA_KEY_SUBSTRATES, "anything", 8), STROMA_KEY_SUBSTRATE);
    assert_int_equal(stroma_schema_child(STROMA_KEY_SUBSTRATE, "decay", 5), STROMA_KEY_SUBSTRATE_DECAY);
    assert_int_equal(stroma_schema_child(STROMA_KEY_SUBSTRATE, "decays", 6), -1);
    assert_int_equal(stroma_schema_child(STROMA_KEY_SOURCE_SPHERE, "radius", 6), STROMA_KEY_SOURCE_SPHERE_RADIUS);
}

static void test_reference_manual_matches_schema(void **state) {
    (void)state;
    size_t want = stroma_model_reference_markdown(NULL, 0);
    assert_true(want > 1000);
    char *text = malloc(want + 1);
    assert_non_null(text);
    assert_int_equal(stroma_model_reference_markdown(text, want + 1), want);
    assert_int_equal(strlen(text), want);
    for (int i = 0; i < STROMA_KEY_COUNT; i++) {
        char cell[256];
        snprintf(cell, sizeof cell, "| `%s` |", stroma_schema_keys[i].path);
        expect_contains(text, cell);
    }
    char path[1200];
    snprintf(path, sizeof path, "%s/../../docs/model-reference.md", data_dir());
    const char *update = getenv("STROMA_UPDATE_DOCS");
    if (update && strcmp(update, "1") == 0) {
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(text, 1, want, fp), want);
        assert_int_equal(fclose(fp), 0);
    }
    size_t len = 0;
    char *committed = read_all(path, &len);
    if (!committed) fail_msg("cannot read %s", path);
    if (len != want || memcmp(committed, text, want) != 0) {
        free(committed);
        free(text);
        fail_msg("%s differs from stroma_model_reference_markdown(); regenerate it with STROMA_UPDATE_DOCS=1 "
                 "./build/test_model",
                 path);
    }
    free(committed);
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_valid_model_every_field),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_example_in_docs_loads),
        cmocka_unit_test(test_one_thick_axis_and_aliases),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_error_file_position_and_message),
        cmocka_unit_test(test_malformed_yaml),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_checks_survive_unrelated_errors),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_voxel_must_divide),
        cmocka_unit_test(test_names_and_references),
        cmocka_unit_test(test_points_and_regions_inside_domain),
        cmocka_unit_test(test_source_rules),
        cmocka_unit_test(test_duplicates_and_missing),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_too_large_and_overflow),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_schema_table_consistent),
        cmocka_unit_test(test_reference_manual_matches_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
