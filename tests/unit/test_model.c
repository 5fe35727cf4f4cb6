/* Unit tests of the model loader (src/model): a valid model loads with every field right (also cell types and
 * initial cells, with their CSV files, state variables and rules, inline and from PhysiCell rules files, vessels
 * with their vessel file, and the body); each kind of mistake is reported with its code, file, line, column and
 * key path; all mistakes are reported at once; absurd grids are refused before allocation;
 * docs/model-reference.md matches the schema table; SHA-256 test vectors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "model/model.h"
#include "model/rules_tables.h"
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

/* Index of contact_transform_per_min for a cell touching `with` and becoming `to`. */
static size_t with_to(int with, int to, int ntypes) { return (size_t)with * (size_t)ntypes + (size_t)to; }

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

/* ---- command-line overrides (stroma_model_load_string_set) ---- */

static stroma_model *load_set(const char *yaml, const char *const *sets, int n, stroma_error *err) {
    return stroma_model_load_string_set(yaml, strlen(yaml), "t.yaml", sets, n, err);
}

/* Overrides change values, add keys a file does not have (and mappings on the way), pick list items, append one,
 * and replace a whole mapping; a later override of a key wins; the SHA-256 covers them. */
static void test_overrides_apply(void **state) {
    (void)state;
    const char *yaml = BASE "sources:\n  - {substrate: oxygen, at: [10, 10, 10], uptake: 1}\n";
    const char *sets[] = {"time.end=60",
                          "substrates.oxygen.decay=0.5",
                          "substrates.oxygen.boundary.x_min=20",
                          "sources[0].uptake=3",
                          "sources[1]={substrate: oxygen, at: [50, 10, 10], secretion: 2, saturation: 10}",
                          "time.end=120",
                          "seed=42"};
    stroma_error err;
    stroma_model *m = load_set(yaml, sets, 7, &err);
    if (!m) fail_msg("overrides refused: %s", err.message);
    assert_true(m->end_min == 120);
    assert_true(m->substrates[0].decay_per_min == 0.5);
    assert_int_equal(m->nsources, 2);
    assert_true(m->sources[0].uptake_per_min == 3);
    assert_int_equal((int)m->seed, 42);
    expect_contains(stroma_model_overrides(m), "--set time.end=60\n--set substrates.oxygen.decay=0.5\n");
    char desc[8192];
    stroma_model_describe(m, desc, sizeof desc);
    expect_contains(desc, "x_min = 20");
    /* the SHA-256 differs from the file's alone, and repeats for the same overrides */
    stroma_model *plain = load_str(yaml, &err);
    assert_non_null(plain);
    assert_string_not_equal(m->sha256, plain->sha256);
    stroma_model *again = load_set(yaml, sets, 7, &err);
    assert_non_null(again);
    assert_string_equal(m->sha256, again->sha256);
    assert_string_equal(stroma_model_overrides(plain), "");
    stroma_model_destroy(&again);
    stroma_model_destroy(&plain);
    stroma_model_destroy(&m);
    /* an empty file takes its keys from overrides alone */
    const char *all[] = {"domain={x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}", "time.end=10",
                         "time.dt_diffusion=0.1", "substrates.oxygen.diffusion=1000", "substrates.oxygen.decay=0.1"};
    m = load_set("", all, 5, &err);
    if (!m) fail_msg("a model from overrides alone was refused: %s", err.message);
    assert_int_equal(m->nsub, 1);
    stroma_model_destroy(&m);
}

/* Load yaml with one override, expect it to fail with `code` at --set:index:column with `needle`. */
static void expect_set_error(const char *const *sets, int n, stroma_code code, int index, int column,
                             const char *needle) {
    stroma_error err;
    stroma_model *m = load_set(BASE "sources:\n  - {substrate: oxygen, at: [10, 10, 10], uptake: 1}\n", sets, n,
                               &err);
    if (m) {
        stroma_model_destroy(&m);
        fail_msg("expected %s, but the model loaded with override %s", stroma_strerror(code), sets[index - 1]);
    }
    if (err.code != code || err.line != index || err.column != column || strcmp(err.file, "--set") != 0)
        fail_msg("expected %s at --set:%d:%d, got %s at %s:%d:%d:\n%s", stroma_strerror(code), index, column,
                 stroma_strerror(err.code), err.file, err.line, err.column, err.message);
    expect_contains(err.message, needle);
}

/* Mistakes in an override are reported like the file's, at --set:N:COL. */
static void test_overrides_errors(void **state) {
    (void)state;
    const char *unknown[] = {"time.end=60", "substrates.oxygen.decy=1"};
    expect_set_error(unknown, 2, STROMA_ERR_UNKNOWN_KEY, 2, 19,
                     "--set:2:19: unknown key substrates.oxygen.decy; did you mean 'decay'?");
    const char *type[] = {"time.end=soon"};
    expect_set_error(type, 1, STROMA_ERR_TYPE, 1, 10, "--set:1:10: time.end must be a number (got soon)");
    const char *range[] = {"substrates.oxygen.decay=-0.1"};
    expect_set_error(range, 1, STROMA_ERR_RANGE, 1, 25, "substrates.oxygen.decay must be >= 0 (got -0.1)");
    const char *noeq[] = {"time.end"};
    expect_set_error(noeq, 1, STROMA_ERR_PARSE, 1, 1, "is not key.path=value");
    const char *index[] = {"sources[4].uptake=1"};
    expect_set_error(index, 1, STROMA_ERR_RANGE, 1, 8, "'sources' has 1 item (0 to 0; 1 adds one): there is no item 4");
    const char *notlist[] = {"time[0]=1"};
    expect_set_error(notlist, 1, STROMA_ERR_TYPE, 1, 5, "'time' is a mapping in the model, not a list");
    const char *nolist[] = {"zebra[0]=1"};
    expect_set_error(nolist, 1, STROMA_ERR_UNKNOWN_KEY, 1, 6, "'zebra' is not in the model");
    const char *notmap[] = {"seed=1", "seed.x=1"};
    expect_set_error(notmap, 2, STROMA_ERR_TYPE, 2, 6, "'seed' is a single value in the model, not a mapping");
    const char *yaml[] = {"time.end={a: "};
    expect_set_error(yaml, 1, STROMA_ERR_PARSE, 1, 10, "the value '{a: ' is not valid YAML");
    const char *empty[] = {"time..end=1"};
    expect_set_error(empty, 1, STROMA_ERR_PARSE, 1, 6, "empty key name");
    const char *lines[] = {"time.end=1\nseed: 2"};
    expect_set_error(lines, 1, STROMA_ERR_PARSE, 1, 11, "an override is one line");
    /* errors in the file still point into the file, and come first */
    stroma_error err;
    const char *ok[] = {"time.end=-5"};
    assert_null(stroma_model_load_string_set(BASE "outputs: {evry: 5}\n", strlen(BASE "outputs: {evry: 5}\n"),
                                             "t.yaml", ok, 1, &err));
    assert_string_equal(err.file, "t.yaml");
    expect_contains(err.message, "t.yaml:7:11: unknown key outputs.evry");
    expect_contains(err.message, "--set:1:10: time.end must be > 0");
}

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
    /* No cells: the cell steps keep their defaults and are not checked against dt_diffusion (0.5). */
    assert_true(m->dt_mechanics_min == 0.1);
    assert_true(m->dt_phenotype_min == 6);
    assert_int_equal(m->ntypes, 0);
    assert_null(m->cell_types);
    assert_int_equal(m->ninitial, 0);
    assert_null(m->initial_cells);
    assert_int_equal(m->output_cells_csv, 0);
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
    assert_int_equal(m->vessels.present, 1);
    assert_int_equal(m->vessels.nsegments, 1);
    assert_int_equal(m->body.present, 1);
    assert_int_equal(m->body.nsystemic, 1);
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
    /* Aliases may not repeat more than 1,000,000 nodes plus 4 per byte: 41 KB of aliases of a 3000-key mapping
     * made the loader walk 9 million keys (48 s, 2 GB of messages). */
    size_t cap = 200000, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    len += (size_t)snprintf(text + len, cap - len, BASE "outputs: &s {");
    for (int i = 0; i < 3000; i++) len += (size_t)snprintf(text + len, cap - len, "%sk%d: 1", i ? ", " : "", i);
    len += (size_t)snprintf(text + len, cap - len, "}\nsources: [");
    for (int i = 0; i < 3000; i++) len += (size_t)snprintf(text + len, cap - len, "%s*s", i ? ", " : "");
    snprintf(text + len, cap - len, "]\n");
    expect_error(text, STROMA_ERR_TOO_LARGE, 8, 787, "alias *s: the aliases up to here repeat 1");
    free(text);
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
    expect_error(BASE "zebra: {}\n", STROMA_ERR_UNKNOWN_KEY, 7, 1,
                 "unknown key zebra (valid keys: domain, time, seed, substrates, boundary_convention, transport, sources, cell_types, "
                 "initial_cells, state_variables, rules_law, dead_uptake_fraction, contact_law, secretion_order, rules, "
                 "outputs, markers, populations, tissue, "
                 "indices, ecm, recruitment, vessels, body, vesicles, therapies)");
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

/* Fixed entries of one voxel: each is reported against the first earlier entry with another value (found by
 * sorting, not by comparing pairs); entries of other voxels or substrates never conflict. */
static void test_fixed_conflicts(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = load_str(BASE "    fixed:\n"
                                    "      - {at: [5, 5, 5], value: 1}\n"    /* 0, line 8 */
                                    "      - {at: [45, 5, 5], value: 9}\n"   /* 1: another voxel */
                                    "      - {at: [6, 6, 6], value: 1}\n"    /* 2: agrees with 0 */
                                    "      - {at: [7, 7, 7], value: 2}\n"    /* 3: against 0 */
                                    "      - {at: [8, 8, 8], value: 1}\n"    /* 4: against 3 */
                                    "      - {at: [9, 9, 9], value: 2}\n"    /* 5: against 0 */
                                    "      - {at: [46, 6, 6], value: 9}\n"   /* 6: agrees with 1 */
                                    "  IL6:\n    diffusion: 10\n    decay: 0\n    fixed:\n"
                                    "      - {at: [5, 5, 5], value: 5}\n",  /* another substrate */
                               &err);
    assert_null(m);
    assert_int_equal(err.count, 3);
    expect_contains(err.message, "t.yaml:11:14: substrates.oxygen.fixed[3] holds the same voxel as "
                                 "substrates.oxygen.fixed[0] (line 8) at a different value (2, not 1)");
    expect_contains(err.message, "t.yaml:12:14: substrates.oxygen.fixed[4] holds the same voxel as "
                                 "substrates.oxygen.fixed[3] (line 11) at a different value (1, not 2)");
    expect_contains(err.message, "t.yaml:13:14: substrates.oxygen.fixed[5] holds the same voxel as "
                                 "substrates.oxygen.fixed[0] (line 8) at a different value (2, not 1)");
}

/* CPU seconds used so far by this process. */
static double cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

/* Validation of long user lists is O(n log n): 100,000 fixed voxels, 20,000 substrates each named by a source,
 * 20,000 state variables each named by a rule, and 20,000 anchors each used by an alias load in seconds (the
 * pairwise checks took 2.7 h for a 60 MB model of fixed voxels; 40,000 of them took 6 s, 20,000 state variables
 * 6.6 s). The bound is loose (a slow, shared machine, the sanitizer build); quadratic checks miss it by far. */
static void test_long_lists_fast(void **state) {
    (void)state;
    size_t cap = 8u << 20, len;
    char *text = malloc(cap);
    assert_non_null(text);
    stroma_error err;
    double t0 = cpu_seconds();
    len = (size_t)snprintf(text, cap, "domain: {x: [0, 4000], y: [0, 4000], z: [0, 10], voxel: 10}\n" L2_TIME
                                      "substrates:\n  oxygen:\n    diffusion: 1000\n    decay: 0.1\n    fixed:\n");
    for (int i = 0; i < 100000; i++)
        len += (size_t)snprintf(text + len, cap - len, "      - {at: [%d, %d, 5], value: 20}\n", (i % 400) * 10 + 5,
                                (i / 400) * 10 + 5);
    stroma_model *m = stroma_model_load_string(text, len, "fixed.yaml", &err);
    if (!m) fail_msg("%.300s", err.message);
    assert_int_equal(m->nfixed, 100000);
    stroma_model_destroy(&m);
    double t_fixed = cpu_seconds() - t0;

    t0 = cpu_seconds();
    len = (size_t)snprintf(text, cap, "domain: {x: [0, 10], y: [0, 10], z: [0, 10], voxel: 10}\n" L2_TIME "substrates:\n");
    for (int i = 0; i < 20000; i++) len += (size_t)snprintf(text + len, cap - len, "  s%d: {diffusion: 1, decay: 0}\n", i);
    len += (size_t)snprintf(text + len, cap - len, "cell_types:\n  a: {}\nstate_variables:\n");
    for (int i = 0; i < 20000; i++) len += (size_t)snprintf(text + len, cap - len, "  v%d: &a%d {}\n", i, i);
    len += (size_t)snprintf(text + len, cap - len, "sources:\n");
    for (int i = 0; i < 20000; i++)
        len += (size_t)snprintf(text + len, cap - len, "  - {substrate: s%d, at: [5, 5, 5], uptake: 1}\n", 19999 - i);
    len += (size_t)snprintf(text + len, cap - len, "rules:\n");
    for (int i = 0; i < 20000; i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "  - {type: a, signal: v%d, direction: increases, behaviour: v%d production, "
                                "saturation: 1, half_max: 1, hill: 1}\n",
                                i, 19999 - i);
    len += (size_t)snprintf(text + len, cap - len, "outputs: {images: {field: s19999}}\n# ");
    for (int i = 0; i < 20000; i++) len += (size_t)snprintf(text + len, cap - len, "*a%d ", i); /* in a comment */
    len += (size_t)snprintf(text + len, cap - len, "\nx_aliases: [");
    for (int i = 0; i < 20000; i++) len += (size_t)snprintf(text + len, cap - len, "%s*a%d", i ? ", " : "", i);
    len += (size_t)snprintf(text + len, cap - len, "]\n");
    m = stroma_model_load_string(text, len, "lists.yaml", &err);
    assert_null(m); /* x_aliases is not a key: one error, after every list was checked */
    assert_int_equal(err.count, 1);
    expect_contains(err.message, "unknown key x_aliases");
    double t_names = cpu_seconds() - t0;
    free(text);
    print_message("100,000 fixed voxels: %.2f s CPU; 20,000 substrates, sources, state variables, rules, "
                  "anchors and aliases: %.2f s CPU\n", t_fixed, t_names);
    assert_true(t_fixed < 10.0);
    assert_true(t_names < 10.0);
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

/* A voxel whose volume is not a number (voxel³ overflows) is refused where it is written: every total over the
 * domain (value x voxel volume) would be infinite or NaN. */
static void test_voxel_volume_finite(void **state) {
    (void)state;
    expect_error("domain: {x: [0, 1e200], y: [0, 1e200], z: [0, 1e200], voxel: 1e200}\n" L2_TIME L3_5_OXYGEN,
                 STROMA_ERR_RANGE, 1, 62, "domain.voxel 1e+200: its volume (voxel³) is too large for a number");
}

static void test_io_errors(void **state) {
    (void)state;
    stroma_error err;
    assert_null(stroma_model_load("/nonexistent/model.yaml", &err));
    assert_int_equal(err.code, STROMA_ERR_NOT_FOUND);
    expect_contains(err.message, "/nonexistent/model.yaml");
    assert_null(stroma_model_load(data_dir(), &err)); /* a directory: bad input, not a failure to read */
    assert_int_equal(err.code, STROMA_ERR_ARGUMENT);
    expect_contains(err.message, "the model file is a directory, not a regular file");
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

/* ---- cells ---- */

/* Load yaml as if it were the file models/<name> of the test data (so that cell files resolve there); expect
 * it to fail with `code` first in `file` (relative to the data directory; NULL = the model) at line:column. */
static void expect_error_in(const char *yaml, const char *name, stroma_code code, const char *file, int line,
                            int column, const char *needle) {
    char model[1200], want_file[1200];
    data_path(model, sizeof model, name);
    if (file)
        data_path(want_file, sizeof want_file, file);
    else
        snprintf(want_file, sizeof want_file, "%s", model);
    stroma_error err;
    stroma_model *m = stroma_model_load_string(yaml, strlen(yaml), model, &err);
    if (m) {
        stroma_model_destroy(&m);
        fail_msg("expected %s, but the model loaded:\n%s", stroma_strerror(code), yaml);
    }
    if (err.code != code || err.line != line || err.column != column || strcmp(err.file, want_file) != 0)
        fail_msg("expected %s at %s:%d:%d, got %s at %s:%d:%d:\n%s", stroma_strerror(code), want_file, line, column,
                 stroma_strerror(err.code), err.file, err.line, err.column, err.message);
    expect_contains(err.message, needle);
}

static void test_cell_types_every_field(void **state) {
    (void)state;
    char path[1200], csv[1200];
    data_path(path, sizeof path, "models/cells.yaml");
    data_path(csv, sizeof csv, "models/cells.csv");
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    if (!m) fail_msg("cells.yaml did not load: %s", err.message);
    assert_true(m->dt_diffusion_min == 0.01 && m->dt_mechanics_min == 0.1 && m->dt_phenotype_min == 6);
    assert_int_equal(m->nsub, 3);
    const int O2 = 0, VEGF = 1, IL6 = 2;
    /* an annulus source */
    assert_int_equal(m->nsources, 1);
    assert_int_equal(m->sources[0].region.kind, STROMA_REGION_ANNULUS);
    assert_true(m->sources[0].region.inner_radius_um == 400 && m->sources[0].region.radius_um == 450);
    assert_int_equal(m->sources[0].count, 10);

    assert_int_equal(m->ntypes, 3);
    const int CANCER = 0, CAF = 1, MAC = 2, NT = 3;
    const stroma_cell_type_desc *c = &m->cell_types[CANCER], *f = &m->cell_types[CAF], *mac = &m->cell_types[MAC];
    assert_string_equal(c->name, "cancer");
    assert_string_equal(f->name, "CAF");
    assert_string_equal(mac->name, "macrophage");

    /* cancer: every key given except motility */
    assert_true(c->volume_um3 == 2494 && c->growth_per_min == 0.02);
    assert_int_equal(c->cycle, STROMA_CYCLE_EXPONENTIAL);
    assert_true(c->cycle_mean_min == 1380);
    assert_int_equal(c->nphases, 0);
    assert_true(c->apoptosis_per_min == 5.3e-5 && c->apoptosis_duration_min == 516);
    assert_int_equal(c->necrosis_substrate, O2);
    assert_true(c->necrosis_threshold == 5 && c->necrosis_critical == 2.5 && c->necrosis_max_per_min == 0.0028);
    assert_true(c->necrosis_duration_min == 86400); /* default */
    assert_true(c->repulsion_um_per_min == 12 && c->adhesion_um_per_min == 0.5 && c->max_adhesion_rel == 1.3);
    const double c_aff[3] = {1, 1.5, 0};
    for (int k = 0; k < NT; k++) assert_true(c->adhesion_affinity[k] == c_aff[k]);
    assert_true(c->speed_um_per_min == 0 && c->persistence_min == 1 && c->bias == 0.5); /* motility defaults */
    assert_int_equal(c->chemotaxis_substrate, -1);
    assert_true(c->chemotaxis_direction == 1);
    const double c_sec[3] = {0, 0.05, 0}, c_sat[3] = {0, 400, 0}, c_up[3] = {10, 0, 0};
    for (int s = 0; s < 3; s++) {
        assert_true(c->secretion_per_min[s] == c_sec[s]);
        assert_true(c->saturation[s] == c_sat[s]);
        assert_true(c->uptake_per_min[s] == c_up[s]);
        assert_true(c->export_per_min[s] == 0);
    }
    for (int k = 0; k < NT; k++) {
        assert_true(c->attack_per_min[k] == 0);
        assert_true(c->phagocytose_per_min[k] == 0);
        assert_true(c->transform_per_min[k] == (k == CAF ? 0.0001 : 0));
        for (int to = 0; to < NT; to++)
            assert_true(c->contact_transform_per_min[with_to(k, to, NT)] == (k == MAC && to == CAF ? 0.001 : 0));
    }
    assert_true(c->attach_duration_min == 60 && c->kill_per_min == 0); /* interaction defaults */

    /* CAF: phases, chemotaxis up (default direction), export, two contact transformations */
    assert_int_equal(f->cycle, STROMA_CYCLE_PHASES);
    assert_int_equal(f->nphases, 4);
    const double phases[4] = {300, 480, 240, 60};
    for (int i = 0; i < 4; i++) assert_true(f->phase_min[i] == phases[i]);
    for (int i = 0; i < 4; i++) assert_int_equal(f->phase_exponential[i], i == 0);
    for (int i = 0; i < 4; i++) assert_int_equal(c->phase_exponential[i], 0);
    assert_true(f->volume_um3 == 2494 && f->growth_per_min == 0.01); /* defaults */
    assert_true(f->apoptosis_per_min == 0 && f->apoptosis_duration_min == 516);
    assert_int_equal(f->necrosis_substrate, -1);
    assert_true(f->repulsion_um_per_min == 10 && f->adhesion_um_per_min == 0.4 && f->max_adhesion_rel == 1.25);
    for (int k = 0; k < NT; k++) assert_true(f->adhesion_affinity[k] == 1);
    assert_true(f->speed_um_per_min == 0.5 && f->persistence_min == 5 && f->bias == 0.2);
    assert_int_equal(f->chemotaxis_substrate, VEGF);
    assert_true(f->chemotaxis_direction == 1);
    assert_true(f->secretion_per_min[IL6] == 0.05 && f->saturation[IL6] == 50000 && f->export_per_min[IL6] == -2);
    assert_true(f->secretion_per_min[O2] == 0 && f->uptake_per_min[IL6] == 0);
    for (int k = 0; k < NT; k++)
        for (int to = 0; to < NT; to++) {
            double want = k == CANCER && to == MAC ? 0.002 : k == CAF && to == CANCER ? 0.003 : 0;
            assert_true(f->contact_transform_per_min[with_to(k, to, NT)] == want);
        }
    /* the layout is [with * ntypes + to] */
    assert_true(f->contact_transform_per_min[CANCER * NT + MAC] == 0.002);
    assert_true(f->contact_transform_per_min[MAC * NT + CANCER] == 0);

    /* macrophage: chemotaxis down, attack, kill, phagocytosis, cycle none, necrosis with its own duration */
    assert_true(mac->volume_um3 == 4990);
    assert_int_equal(mac->cycle, STROMA_CYCLE_NONE);
    assert_int_equal(mac->necrosis_substrate, O2);
    assert_true(mac->necrosis_threshold == 3 && mac->necrosis_critical == 3 && mac->necrosis_duration_min == 600);
    assert_int_equal(mac->chemotaxis_substrate, IL6);
    assert_true(mac->chemotaxis_direction == -1);
    assert_true(mac->speed_um_per_min == 1 && mac->persistence_min == 1 && mac->bias == 0.5);
    const double attack[3] = {0.2, 0, 0}, eat[3] = {0.01, 0.02, 0};
    for (int k = 0; k < NT; k++) {
        assert_true(mac->attack_per_min[k] == attack[k]);
        assert_true(mac->phagocytose_per_min[k] == eat[k]);
        assert_true(mac->transform_per_min[k] == 0);
    }
    assert_true(mac->attach_duration_min == 30 && mac->kill_per_min == 0.067);
    for (int s = 0; s < 3; s++) assert_true(mac->secretion_per_min[s] == 0 && mac->uptake_per_min[s] == 0);

    /* initial cells */
    assert_int_equal(m->ninitial, 6);
    const stroma_initial_cells_desc *ic = m->initial_cells;
    assert_int_equal(ic[0].from_csv, 0);
    assert_int_equal(ic[0].type, CANCER);
    assert_int_equal(ic[0].count, 300);
    assert_int_equal(ic[0].region.kind, STROMA_REGION_DISC);
    assert_true(ic[0].region.radius_um == 100 && ic[0].region.center_um[0] == 500);
    assert_int_equal(ic[1].type, CAF);
    assert_int_equal(ic[1].count, 50);
    assert_int_equal(ic[1].region.kind, STROMA_REGION_ANNULUS);
    assert_true(ic[1].region.inner_radius_um == 150 && ic[1].region.radius_um == 300);
    assert_true(ic[1].region.center_um[2] == 10);
    assert_int_equal(ic[0].synchronized, 0);
    assert_int_equal(ic[1].synchronized, 1);
    assert_int_equal(ic[2].type, MAC);
    assert_int_equal(ic[2].count, 1);
    assert_int_equal(ic[2].region.kind, STROMA_REGION_POINT);
    assert_true(ic[2].region.center_um[0] == 10 && ic[2].region.center_um[1] == 10);
    assert_int_equal(ic[3].region.kind, STROMA_REGION_BOX);
    assert_true(ic[3].region.hi_um[0] == 100 && ic[3].region.hi_um[2] == 20);
    assert_int_equal(ic[4].region.kind, STROMA_REGION_SPHERE);
    assert_int_equal(ic[4].count, 5);
    assert_int_equal(ic[5].from_csv, 1);
    assert_string_equal(ic[5].csv_path, csv);
    assert_int_equal(ic[5].count, 4); /* the blank line is skipped */
    const double pos[4][3] = {{100, 100, 10}, {200, 150, 10}, {300, 300.5, 10}, {950, 950, 0}};
    const int types[4] = {CANCER, CAF, MAC, CANCER};
    for (int i = 0; i < 4; i++) {
        for (int a = 0; a < 3; a++) assert_true(ic[5].csv_pos_um[3 * i + a] == pos[i][a]);
        assert_int_equal(ic[5].csv_type[i], types[i]);
    }
    for (int g = 0; g < 5; g++) assert_null(ic[g].csv_pos_um);
    assert_int_equal(m->output_cells_csv, 1);
    assert_int_equal(m->output_fields_csv, 1);

    /* Memory: 512 bytes x 4 per initial cell on top of the grid. */
    double nvox = 2500, plane = 2500, grid = nvox * 3 * 8 + 2 * plane * 3 * 8 * STROMA_MEMORY_THREADS +
                                              3.0 * (50 + 50 + 1) * 3 * 8 + 32.0 * 10;
    assert_true(stroma_model_memory_estimate(m) == grid + 512.0 * 4 * (300 + 50 + 1 + 20 + 5 + 4));

    char buf[16384];
    stroma_model_describe(m, buf, sizeof buf);
    expect_contains(buf, "dt_mechanics 0.1 min, dt_phenotype 6 min");
    expect_contains(buf, "cell types: 3\n  cancer: volume 2494 µm³ (growth 0.02 1/min), cycle exponential mean 1380 "
                         "min, death: apoptosis 5.3e-05 1/min (516 min), necrosis up to 0.0028 1/min below 5 mmHg "
                         "oxygen");
    expect_contains(buf, "CAF: volume 2494 µm³ (growth 0.01 1/min), cycle phases ~300+480+240+60 min (~: exponential, "
                         "mean)");
    expect_contains(buf, "speed 1 µm/min (persistence 1 min, chemotaxis down IL6 bias 0.5), secretion: none");
    expect_contains(buf, "secretion: oxygen uptake 10 1/min; VEGF secretes 0.05 1/min towards 400");
    expect_contains(buf, "initial cells: 380 in 6 groups\n  cancer: 300 cells in the disc centre (500, 500, 10) "
                         "radius 100 µm\n  CAF: 50 cells in the annulus centre (500, 500, 10) radii 150 to 300 µm (cycles synchronized)\n"
                         "  macrophage: 1 cell at (10, 10, 10) µm\n");
    expect_contains(buf, "4 cells from ");
    expect_contains(buf, "cells.csv: cancer 2, CAF 1, macrophage 1\n");
    expect_contains(buf, "outputs: every 60 min, fields: csv, cells: csv");
    stroma_model_destroy(&m);
}

/* The form of chemotaxis with several substrates: a weight per substrate named (others 0), normalize_each. */
static void test_cell_type_chemotaxis_sensitivities(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = load_str(BASE "  debris: {diffusion: 10, decay: 0.1}\n"
                                    "cell_types:\n"
                                    "  mac: {motility: {speed: 1, chemotaxis: {sensitivities: {debris: 1, oxygen: -0.5}, "
                                    "normalize_each: true}}}\n"
                                    "  b: {motility: {chemotaxis: {sensitivities: {debris: 2}}}}\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    const stroma_cell_type_desc *mac = &m->cell_types[0], *b = &m->cell_types[1];
    assert_int_equal(mac->chemotaxis_substrate, -1);
    assert_non_null(mac->chemotaxis_sensitivity);
    assert_true(mac->chemotaxis_sensitivity[0] == -0.5 && mac->chemotaxis_sensitivity[1] == 1);
    assert_int_equal(mac->chemotaxis_normalize_each, 1);
    assert_true(b->chemotaxis_sensitivity[0] == 0 && b->chemotaxis_sensitivity[1] == 2);
    assert_int_equal(b->chemotaxis_normalize_each, 0);
    char buf[8192];
    stroma_model_describe(m, buf, sizeof buf);
    expect_contains(buf, "chemotaxis along -0.5 oxygen + 1 debris (each normalised) bias 0.5");
    expect_contains(buf, "chemotaxis along 2 debris bias 0.5");
    stroma_model_destroy(&m);
}

static void test_cell_type_defaults(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = load_str(BASE "cell_types:\n  a: {}\n  b:\n", &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->ntypes, 2);
    assert_int_equal(m->ninitial, 0);
    for (int k = 0; k < 2; k++) {
        const stroma_cell_type_desc *t = &m->cell_types[k];
        assert_true(t->volume_um3 == 2494 && t->growth_per_min == 0.01);
        assert_int_equal(t->cycle, STROMA_CYCLE_NONE);
        assert_true(t->apoptosis_per_min == 0 && t->apoptosis_duration_min == 516);
        assert_int_equal(t->necrosis_substrate, -1);
        assert_true(t->necrosis_duration_min == 86400);
        assert_true(t->repulsion_um_per_min == 10 && t->adhesion_um_per_min == 0.4 && t->max_adhesion_rel == 1.25);
        assert_true(t->speed_um_per_min == 0 && t->persistence_min == 1 && t->bias == 0.5);
        assert_int_equal(t->chemotaxis_substrate, -1);
        assert_true(t->chemotaxis_direction == 1);
        assert_null(t->chemotaxis_sensitivity);
        assert_int_equal(t->chemotaxis_normalize_each, 0);
        assert_true(t->attach_duration_min == 60 && t->kill_per_min == 0);
        /* every array is allocated */
        assert_non_null(t->secretion_per_min);
        assert_non_null(t->saturation);
        assert_non_null(t->uptake_per_min);
        assert_non_null(t->export_per_min);
        assert_true(t->secretion_per_min[0] == 0 && t->saturation[0] == 0 && t->uptake_per_min[0] == 0 &&
                    t->export_per_min[0] == 0);
        for (int j = 0; j < 2; j++) {
            assert_true(t->adhesion_affinity[j] == 1);
            assert_true(t->attack_per_min[j] == 0 && t->phagocytose_per_min[j] == 0 && t->transform_per_min[j] == 0);
        }
        for (int j = 0; j < 4; j++) assert_true(t->contact_transform_per_min[j] == 0);
        assert_null(t->asym_division); /* symmetric division */
    }
    assert_true(m->dt_mechanics_min == 0.1 && m->dt_phenotype_min == 6);
    stroma_model_destroy(&m);
    /* asymmetric division: the table per daughter type, 0 for types not named and for the type itself */
    m = load_str(BASE "cell_types:\n  a:\n    cycle: {model: exponential, duration: 60, asymmetric_division: "
                      "{b: 0.25, c: 0.75}}\n  b: {}\n  c: {}\n",
                 &err);
    if (!m) fail_msg("%s", err.message);
    assert_non_null(m->cell_types[0].asym_division);
    assert_true(m->cell_types[0].asym_division[0] == 0 && m->cell_types[0].asym_division[1] == 0.25 &&
                m->cell_types[0].asym_division[2] == 0.75);
    assert_null(m->cell_types[1].asym_division);
    stroma_model_destroy(&m);
    /* PhysiCell's volume model: PhysiCell's defaults, off unless volume_parts is given */
    m = load_str(BASE "cell_types:\n  a:\n    volume_parts: {nuclear: 600}\n    cycle: {model: phases, phases: [60, "
                      "60]}\n  b: {}\n",
                 &err);
    if (!m) fail_msg("%s", err.message);
    const stroma_cell_type_desc *va = &m->cell_types[0];
    assert_int_equal(va->volume_parts, 1);
    assert_int_equal(m->cell_types[1].volume_parts, 0);
    assert_true(va->vp_fluid_fraction == 0.75 && va->vp_nuclear_um3 == 600 && va->vp_fluid_rate == 0.05 &&
                va->vp_cyto_rate == 0.0045 && va->vp_nuclear_rate == 0.0055 && va->vp_double_phase == 0);
    stroma_model_destroy(&m);
    /* The manual's example has cells too. */
    m = load_str(stroma_schema_example, &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->ntypes, 2);
    assert_int_equal(m->ninitial, 2);
    assert_int_equal(m->output_cells_csv, 1);
    stroma_model_destroy(&m);
}

static void test_cell_type_errors(void **state) {
    (void)state;
    /* names that do not exist, with suggestions */
    expect_error(BASE "cell_types:\n  cancer: {}\n  T:\n    interactions: {attack: {cancr: 0.2}}\n",
                 STROMA_ERR_UNKNOWN_KEY, 10, 29,
                 "cell_types.T.interactions.attack: no cell type named 'cancr'; did you mean 'cancer'?");
    expect_error(BASE "cell_types:\n  a:\n    secretion:\n      oxygn: {uptake: 1}\n", STROMA_ERR_UNKNOWN_KEY, 10, 7,
                 "cell_types.a.secretion: no substrate named 'oxygn'; did you mean 'oxygen'?");
    expect_error(BASE "cell_types:\n  a: {death: {necrosis: {substrate: O2, threshold: 1, critical: 0, rate: 1}}}\n",
                 STROMA_ERR_UNKNOWN_KEY, 8, 37,
                 "cell_types.a.death.necrosis.substrate: no substrate named 'O2' (substrates: oxygen)");
    expect_error(BASE "cell_types:\n  a: {motility: {chemotaxis: {substrate: oxygen, direction: upp}}}\n",
                 STROMA_ERR_RANGE, 8, 61,
                 "cell_types.a.motility.chemotaxis.direction must be one of up, down (got upp); did you mean 'up'?");
    expect_error(BASE "cell_types:\n  a: {motility: {chemotaxis: {sensitivities: {oxygn: 1}}}}\n",
                 STROMA_ERR_UNKNOWN_KEY, 8, 47,
                 "cell_types.a.motility.chemotaxis.sensitivities: no substrate named 'oxygn'; did you mean 'oxygen'?");
    expect_error(BASE "cell_types:\n  a: {motility: {chemotaxis: {sensitivities: {oxygen: .nan}}}}\n",
                 STROMA_ERR_RANGE, 8, 55,
                 "cell_types.a.motility.chemotaxis.sensitivities.oxygen must be a finite number (got .nan)");
    /* chemotaxis takes one of its two forms */
    expect_error(BASE "cell_types:\n  a: {motility: {chemotaxis: {substrate: oxygen, sensitivities: {oxygen: 1}}}}\n",
                 STROMA_ERR_RANGE, 8, 50,
                 "cell_types.a.motility.chemotaxis: give substrate (one substrate) or sensitivities (several), "
                 "not both");
    expect_error(BASE "cell_types:\n  a: {motility: {chemotaxis: {}}}\n", STROMA_ERR_MISSING, 8, 18,
                 "missing required key cell_types.a.motility.chemotaxis.substrate or "
                 "cell_types.a.motility.chemotaxis.sensitivities");
    expect_error(BASE "cell_types:\n  a: {motility: {chemotaxis: {sensitivities: {oxygen: 1}, direction: down}}}\n",
                 STROMA_ERR_RANGE, 8, 59, "cell_types.a.motility.chemotaxis.direction applies only with substrate");
    expect_error(BASE "cell_types:\n  a: {motility: {chemotaxis: {substrate: oxygen, normalize_each: true}}}\n",
                 STROMA_ERR_RANGE, 8, 50,
                 "cell_types.a.motility.chemotaxis.normalize_each applies only with sensitivities");
    expect_error(BASE "cell_types:\n  a:\n    interactions:\n      transform_on_contact:\n"
                      "        - {with: a, to: bb, rate: 1}\n",
                 STROMA_ERR_UNKNOWN_KEY, 11, 25,
                 "cell_types.a.interactions.transform_on_contact[0].to: no cell type named 'bb'; did you mean 'a'?");
    expect_error(BASE "cell_types:\n  a: {mechanics: {affinity: {fibroblast: 2}}}\n", STROMA_ERR_UNKNOWN_KEY, 8, 30,
                 "cell_types.a.mechanics.affinity: no cell type named 'fibroblast' (cell types: a)");
    expect_error(BASE "cell_types:\n  a: {interactions: {phagocytosis: {A: 1}}}\n", STROMA_ERR_UNKNOWN_KEY, 8, 37,
                 "cell_types.a.interactions.phagocytosis: no cell type named 'A'; did you mean 'a'?");
    /* conditional and bounded values */
    expect_error(BASE "cell_types:\n  a:\n    secretion:\n      oxygen: {rate: 1}\n", STROMA_ERR_MISSING, 10, 7,
                 "missing required key cell_types.a.secretion.oxygen.saturation (required when rate > 0) "
                 "[substrate unit]");
    expect_error(BASE "cell_types:\n  a: {motility: {bias: 1.5}}\n", STROMA_ERR_RANGE, 8, 24,
                 "cell_types.a.motility.bias must be between 0 and 1 (got 1.5)");
    expect_error(BASE "cell_types:\n  a: {death: {apoptosis: {rate: -1}}}\n", STROMA_ERR_RANGE, 8, 33,
                 "cell_types.a.death.apoptosis.rate must be >= 0 (got -1) [1/min]");
    expect_error(BASE "cell_types:\n  a: {interactions: {attack: {a: -0.5}}}\n", STROMA_ERR_RANGE, 8, 34,
                 "cell_types.a.interactions.attack.a must be >= 0 (got -0.5) [1/min]");
    expect_error(BASE "cell_types:\n  a: {mechanics: {adhesion_distance: 0.9}}\n", STROMA_ERR_RANGE, 8, 38,
                 "cell_types.a.mechanics.adhesion_distance must be >= 1 (got 0.9)");
    expect_error(BASE "cell_types:\n"
                      "  a: {death: {necrosis: {substrate: oxygen, threshold: 1, critical: 2, rate: 1}}}\n",
                 STROMA_ERR_RANGE, 8, 69, "cell_types.a.death.necrosis.critical must be <= threshold (got critical 2, "
                                          "threshold 1) [substrate unit]");
    expect_error(BASE "cell_types:\n  a: {death: {necrosis: {substrate: oxygen, rate: 1}}}\n", STROMA_ERR_MISSING, 8,
                 15, "missing required key cell_types.a.death.necrosis.threshold (number) [substrate unit]");
    /* cycle */
    expect_error(BASE "cell_types:\n  a: {cycle: {model: phases}}\n", STROMA_ERR_MISSING, 8, 7,
                 "missing required key cell_types.a.cycle.phases (list, required with model phases) [min]");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: exponential}}\n", STROMA_ERR_MISSING, 8, 7,
                 "missing required key cell_types.a.cycle.duration (number, required with model exponential) [min]");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: phases, phases: [1], duration: 5}}\n", STROMA_ERR_RANGE, 8,
                 43, "cell_types.a.cycle.duration is not used with model phases (only with model exponential)");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: exponental, duration: 5}}\n", STROMA_ERR_RANGE, 8, 22,
                 "cell_types.a.cycle.model must be one of exponential, phases, none (got exponental); did you mean "
                 "'exponential'?");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: phases, phases: [1, 2, 3, 4, 5, 6, 7, 8, 9]}}\n",
                 STROMA_ERR_RANGE, 8, 38, "cell_types.a.cycle.phases must have at most 8 items (got 9) [min]");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: phases, phases: [60, 0]}}\n", STROMA_ERR_RANGE, 8, 43,
                 "cell_types.a.cycle.phases[1] must be > 0 (got 0) [min]");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: phases, phases: []}}\n", STROMA_ERR_MISSING, 8, 30,
                 "cell_types.a.cycle.phases must have at least 1 item");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: phases, phases: [60, 30], phase_kinds: [fixed]}}\n",
                 STROMA_ERR_RANGE, 8, 48,
                 "cell_types.a.cycle.phase_kinds must have one entry per phase (got 1 kinds for 2 phases)");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: exponential, duration: 5, phase_kinds: [fixed]}}\n",
                 STROMA_ERR_RANGE, 8, 48,
                 "cell_types.a.cycle.phase_kinds is not used with model exponential (only with model phases): remove "
                 "it or change the model");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: phases, phases: [60], phase_kinds: [exponental]}}\n",
                 STROMA_ERR_RANGE, 8, 58,
                 "cell_types.a.cycle.phase_kinds[0] must be one of fixed, exponential (got exponental); did you mean "
                 "'exponential'?");
    expect_error(BASE "cell_types:\n  a: {}\ninitial_cells:\n  - {type: a, at: [0, 0, 0], cycle_start: synchronised}\n",
                 STROMA_ERR_RANGE, 10, 43,
                 "initial_cells[0].cycle_start must be one of stationary, synchronized (got synchronised); did you mean "
                 "'synchronized'?");
    /* transformations */
    expect_error(BASE "cell_types:\n  a: {interactions: {transform: {a: 0.1}}}\n  b: {}\n", STROMA_ERR_RANGE, 8, 34,
                 "cell_types.a.interactions.transform.a: a cell type cannot transform into itself");
    expect_error(BASE "cell_types:\n  a:\n    interactions:\n      transform_on_contact:\n"
                      "        - {with: b, to: a, rate: 1}\n  b: {}\n",
                 STROMA_ERR_RANGE, 11, 25, "transform_on_contact[0].to: a cell type cannot transform into itself");
    expect_error(BASE "cell_types:\n  a:\n    interactions:\n      transform_on_contact:\n"
                      "        - {with: b, to: b, rate: 1}\n        - {with: b, to: b, rate: 2}\n  b: {}\n",
                 STROMA_ERR_RANGE, 12, 18,
                 "cell_types.a.interactions.transform_on_contact[1] repeats with: b, to: b (first given in "
                 "cell_types.a.interactions.transform_on_contact[0], line 11)");
    /* asymmetric division: other types, probabilities in [0, 1] summing to at most 1 */
    expect_error(BASE "cell_types:\n  a: {cycle: {model: exponential, duration: 60, asymmetric_division: {a: 0.1}}}\n"
                      "  b: {}\n",
                 STROMA_ERR_RANGE, 8, 71,
                 "cell_types.a.cycle.asymmetric_division.a: the daughter already has the mother's type");
    expect_error(BASE "cell_types:\n  a:\n    cycle:\n      model: exponential\n      duration: 60\n"
                      "      asymmetric_division: {b: 0.7, c: 0.4}\n  b: {}\n  c: {}\n",
                 STROMA_ERR_RANGE, 12, 37,
                 "cell_types.a.cycle.asymmetric_division: the probabilities sum to 1.1");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: exponential, duration: 60, asymmetric_division: {b: 1.5}}}\n"
                      "  b: {}\n",
                 STROMA_ERR_RANGE, 8, 74, "cell_types.a.cycle.asymmetric_division.b must be between 0 and 1 (got 1.5)");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: exponential, duration: 60, asymmetric_division: {b: -0.1}}}\n"
                      "  b: {}\n",
                 STROMA_ERR_RANGE, 8, 74, "cell_types.a.cycle.asymmetric_division.b must be between 0 and 1 (got -0.1)");
    expect_error(BASE "cell_types:\n  a: {cycle: {model: exponential, duration: 60, asymmetric_division: {bb: 0.1}}}\n"
                      "  b: {}\n",
                 STROMA_ERR_UNKNOWN_KEY, 8, 71,
                 "cell_types.a.cycle.asymmetric_division: no cell type named 'bb'; did you mean 'b'?");
    /* volume parts: a nucleus smaller than the cell, a growth phase of the cycle, a fluid fraction in [0, 1] */
    expect_error(BASE "cell_types:\n  a: {volume: 500, volume_parts: {nuclear: 540}}\n", STROMA_ERR_RANGE, 8, 44,
                 "cell_types.a.volume_parts.nuclear must be less than volume (got nuclear 540, volume 500)");
    expect_error(BASE "cell_types:\n  a:\n    volume_parts: {double_at_phase: 1}\n    cycle: {model: exponential, "
                      "duration: 60}\n",
                 STROMA_ERR_RANGE, 9, 37,
                 "cell_types.a.volume_parts.double_at_phase must name a phase of the cycle (got 1; the cycle has 1 "
                 "phase)");
    expect_error(BASE "cell_types:\n  a:\n    volume_parts: {double_at_phase: 2}\n    cycle: {model: phases, phases: "
                      "[60, 60]}\n",
                 STROMA_ERR_RANGE, 9, 37, "(got 2; the cycle has 2 phases)");
    expect_error(BASE "cell_types:\n  a: {volume_parts: {fluid_fraction: 1.5}}\n", STROMA_ERR_RANGE, 8, 38,
                 "cell_types.a.volume_parts.fluid_fraction must be between 0 and 1 (got 1.5)");
    /* names */
    expect_error(BASE "cell_types:\n  2cells: {}\n", STROMA_ERR_RANGE, 8, 3, "cell_types: invalid name '2cells'");
    expect_error(BASE "cell_types:\n  a: {speed: 1}\n", STROMA_ERR_UNKNOWN_KEY, 8, 7,
                 "unknown key cell_types.a.speed (valid keys in cell_types.a: volume, growth_rate, volume_parts, "
                 "cycle, death, damage, mechanics, motility, secretion, interactions)");
    expect_error(BASE "cell_types:\n  a: {motility: {sped: 1}}\n", STROMA_ERR_UNKNOWN_KEY, 8, 18,
                 "unknown key cell_types.a.motility.sped; did you mean 'speed'?");
    /* too many types */
    char yaml[8192];
    size_t n = (size_t)snprintf(yaml, sizeof yaml, BASE "cell_types:\n");
    for (int k = 0; k <= STROMA_MAX_CELL_TYPES; k++) n += (size_t)snprintf(yaml + n, sizeof yaml - n, "  t%d: {}\n", k);
    expect_error(yaml, STROMA_ERR_RANGE, 8, 3, "cell_types must have at most 100 entries (got 101)");
}

/* outputs.images: stored with its defaults; the field names a substrate; every is a whole multiple of
 * outputs.every. */
static void test_output_images(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = load_str(BASE "  IL6: {diffusion: 1000, decay: 0.1}\n"
                                    "outputs: {every: 10, images: {field: IL6, every: 30, size: 640}}\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->output_images, 1);
    assert_int_equal(m->output_images_field, 1);
    assert_true(m->output_images_every_min == 30);
    assert_int_equal(m->output_images_stride, 3);
    assert_int_equal(m->output_images_size_px, 640);
    char buf[4096];
    stroma_model_describe(m, buf, sizeof buf);
    expect_contains(buf, "images: IL6 over the cells, every 30 min and at the end, 640 pixels wide\n");
    assert_int_equal(m->output_images_range_set, 0);
    stroma_model_destroy(&m);
    m = load_str(BASE "  IL6: {diffusion: 1000, decay: 0.1, unit: pg/mL}\n"
                      "outputs: {images: {field: IL6, range: [-1, 50]}}\n",
                 &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->output_images_range_set, 1);
    assert_true(m->output_images_range[0] == -1 && m->output_images_range[1] == 50);
    stroma_model_describe(m, buf, sizeof buf);
    expect_contains(buf, "at every output time, 800 pixels wide, colours from -1 to 50 pg/mL\n");
    stroma_model_destroy(&m);
    m = load_str(BASE "outputs: {images: {}}\n", &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->output_images, 1);
    assert_int_equal(m->output_images_field, 0);
    assert_true(m->output_images_every_min == 0);
    assert_int_equal(m->output_images_stride, 1);
    assert_int_equal(m->output_images_size_px, 800);
    stroma_model_destroy(&m);
    m = load_str(BASE "outputs: {every: 5}\n", &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->output_images, 0);
    stroma_model_destroy(&m);
    expect_error(BASE "outputs: {images: {field: oxyen}}\n", STROMA_ERR_UNKNOWN_KEY, 7, 27,
                 "outputs.images.field: no substrate named 'oxyen'; did you mean 'oxygen'?");
    expect_error(BASE "outputs: {every: 10, images: {every: 25}}\n", STROMA_ERR_RANGE, 7, 38,
                 "outputs.images.every 25 is not a whole multiple of outputs.every 10 (ratio 2.5); the nearest valid "
                 "value is 30 [min]");
    expect_error(BASE "outputs: {images: {every: 5}}\n", STROMA_ERR_RANGE, 7, 27,
                 "outputs.images.every 5 is not a whole multiple of outputs.every 10 (time.end)");
    expect_error(BASE "outputs: {images: {size: 100}}\n", STROMA_ERR_RANGE, 7, 26, "outputs.images.size");
    expect_error(BASE "outputs: {images: {range: [5, 5]}}\n", STROMA_ERR_RANGE, 7, 27, "outputs.images.range");
    expect_error(BASE "outputs: {images: {range: 5}}\n", STROMA_ERR_TYPE, 7, 27, "outputs.images.range");
    expect_error(BASE "outputs: {images: {rnage: [0, 1]}}\n", STROMA_ERR_UNKNOWN_KEY, 7, 20,
                 "unknown key outputs.images.rnage; did you mean 'range'?");
    expect_error(BASE "outputs: {images: {feild: oxygen}}\n", STROMA_ERR_UNKNOWN_KEY, 7, 20,
                 "unknown key outputs.images.feild; did you mean 'field'?");
    expect_error(BASE "outputs: {images: [oxygen]}\n", STROMA_ERR_TYPE, 7, 19, "outputs.images must be a mapping");
}

static void test_time_steps(void **state) {
    (void)state;
    expect_error(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.04, dt_mechanics: 0.1}\n" L3_5_OXYGEN, STROMA_ERR_RANGE, 2,
                 51,
                 "time.dt_mechanics 0.1 is not a whole multiple of time.dt_diffusion 0.04 (ratio 2.5); the nearest "
                 "valid time.dt_mechanics is 0.12 [min]");
    expect_error(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.1, dt_mechanics: 0.3, dt_phenotype: 1}\n" L3_5_OXYGEN,
                 STROMA_ERR_RANGE, 2, 69,
                 "time.dt_phenotype 1 is not a whole multiple of time.dt_mechanics 0.3 (ratio 3.33333); the nearest "
                 "valid time.dt_phenotype is 0.9 [min]");
    expect_error(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.1, dt_mechanics: 0.05}\n" L3_5_OXYGEN, STROMA_ERR_RANGE,
                 2, 50, "the nearest valid time.dt_mechanics is 0.1 [min]");
    /* With cell types, the defaults are checked too: 0.1 is not a multiple of 0.25. */
    expect_error(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.25}\n" L3_5_OXYGEN "cell_types: {a: {}}\n",
                 STROMA_ERR_RANGE, 2, 31,
                 "time.dt_mechanics 0.1 (the default) is not a whole multiple of time.dt_diffusion 0.25 (ratio 0.4); "
                 "give time.dt_mechanics, e.g. 0.25 [min]");
    /* Multiples within 1e-9 relative are accepted (0.3 / 0.1 is not exactly 3 in binary). */
    stroma_error err;
    stroma_model *m = load_str(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.1, dt_mechanics: 0.3, dt_phenotype: 6.3}\n"
                                         L3_5_OXYGEN "cell_types: {a: {}}\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    assert_true(m->dt_mechanics_min == 0.3 && m->dt_phenotype_min == 6.3);
    stroma_model_destroy(&m);
    expect_error(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.1, dt_mechanics: 0}\n" L3_5_OXYGEN, STROMA_ERR_RANGE, 2,
                 50, "time.dt_mechanics must be > 0 (got 0) [min]");
    /* An end further than 2^53 steps is refused where it is written (llround(end / dt) would overflow and the run
     * would take one step and say it completed), and by stroma_model_set_end (--end). */
    expect_error(L1_DOMAIN "time: {end: 1e300, dt_diffusion: 0.1}\n" L3_5_OXYGEN, STROMA_ERR_RANGE, 2, 13,
                 "time.end 1e+300 is more than 2^53 (9007199254740992) steps of time.dt_diffusion 0.1");
    m = load_str(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.1}\n" L3_5_OXYGEN, &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(stroma_model_set_end(m, 1e308, &err), STROMA_ERR_ARGUMENT);
    expect_contains(err.message, "more than 2^53");
    assert_true(m->end_min == 10);
    assert_int_equal(stroma_model_set_end(m, 9e15 * 0.1, &err), STROMA_OK); /* just under the limit */
    assert_int_equal(stroma_model_end_step(m), 9000000000000000LL);
    stroma_model_destroy(&m);
}

/* Intervals in steps: rounded, at least 1, and an interval longer than the cap - even one no int64 holds - is the
 * cap ("at the end"), never the wrapped value llround gives. */
static void test_interval_steps(void **state) {
    (void)state;
    assert_int_equal(stroma_model_steps(10, 0.1, 300), 100);
    assert_int_equal(stroma_model_steps(0.3, 0.1, 300), 3);
    assert_int_equal(stroma_model_steps(0.01, 0.1, 300), 1);
    assert_int_equal(stroma_model_steps(1000, 0.1, 300), 300);
    assert_int_equal(stroma_model_steps(1e300, 0.1, 300), 300);
    assert_int_equal(stroma_model_steps(1e308, 1e-300, 300), 300);
    assert_int_equal(stroma_model_steps(1e19, 1, INT64_MAX), INT64_MAX);
    assert_int_equal(stroma_model_steps(1e18, 1, INT64_MAX), 1000000000000000000LL);
}

#define CELLS_2D "domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}\n" L2_TIME L3_5_OXYGEN \
                 "cell_types:\n  cancer: {}\n  CAF: {}\n"
#define CELLS_3D "domain: {x: [0, 200], y: [0, 200], z: [0, 100], voxel: 20}\n" L2_TIME L3_5_OXYGEN \
                 "cell_types:\n  cancer: {}\n  CAF: {}\n"

static void test_initial_cells_rules(void **state) {
    (void)state;
    /* lines 1-9 are CELLS_2D / CELLS_3D; initial_cells is line 10 */
    expect_error(CELLS_2D "initial_cells:\n  - {type: cancer, count: 5, annulus: {center: [50, 50, 10], inner: 30, "
                          "outer: 30}}\n",
                 STROMA_ERR_RANGE, 11, 80, "initial_cells[0].annulus.outer must be > inner (got inner 30, outer 30) "
                                           "[µm]");
    expect_error(CELLS_2D "initial_cells:\n  - {type: cancer, count: 5, annulus: {center: [50, 50, 10], inner: 30}}\n",
                 STROMA_ERR_MISSING, 11, 30, "missing required key initial_cells[0].annulus.outer (number) [µm]");
    expect_error(CELLS_2D "initial_cells:\n  - {type: cancer, count: 5, disc: {center: [50, 50, 10], radius: 60}}\n",
                 STROMA_ERR_RANGE, 11, 36,
                 "initial_cells[0].disc (centre (50, 50, 10), radius 60) extends outside the domain along x: "
                 "[-10, 110], but domain.x is [0, 100] [µm]");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF, at: [50, 150, 10]}\n", STROMA_ERR_RANGE, 11, 21,
                 "initial_cells[0].at (50, 150, 10) lies outside the domain [0, 100] x [0, 100] x [0, 20] [µm]");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF, count: 2, sphere: {center: [50, 50, 10], radius: 20}}\n",
                 STROMA_ERR_RANGE, 11, 35, "extends outside the domain along z: [-10, 30], but domain.z is [0, 20]; in "
                                           "a 2D model use a disc [µm]");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF, count: 2, box: {lo: [0, 0, 0], hi: [100, 100, 30]}}\n",
                 STROMA_ERR_RANGE, 11, 32, "initial_cells[0].box (lo (0, 0, 0), hi (100, 100, 30)) extends outside");
    /* An annulus is a ring in 2D (no z reach) but a shell in 3D. */
    stroma_error err;
    stroma_model *m = load_str(CELLS_2D "initial_cells:\n  - {type: CAF, count: 2, annulus: {center: [50, 50, 10], "
                                        "inner: 20, outer: 50}}\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    stroma_model_destroy(&m);
    m = load_str(CELLS_3D "initial_cells:\n  - {type: CAF, count: 2, annulus: {center: [100, 100, 50], inner: 20, "
                          "outer: 50}}\n",
                 &err);
    if (!m) fail_msg("%s", err.message);
    stroma_model_destroy(&m);
    expect_error(CELLS_3D "initial_cells:\n  - {type: CAF, count: 2, annulus: {center: [100, 100, 50], inner: 20, "
                          "outer: 60}}\n",
                 STROMA_ERR_RANGE, 11, 36,
                 "initial_cells[0].annulus (centre (100, 100, 50), radii 20 to 60) extends outside the domain along z: "
                 "[-10, 110], but domain.z is [0, 100] [µm]");
    /* the same for sources */
    expect_error(CELLS_3D "sources:\n  - {substrate: oxygen, count: 2, annulus: {center: [100, 100, 50], inner: 0, "
                          "outer: 60}}\n",
                 STROMA_ERR_RANGE, 11, 44, "sources[0].annulus (centre (100, 100, 50), radii 0 to 60) extends outside "
                                           "the domain along z");
    expect_error(BASE "sources:\n  - {substrate: oxygen, count: 2, annulus: {center: [50, 10, 10], inner: 5, outer: 4}}"
                      "\n",
                 STROMA_ERR_RANGE, 8, 84, "sources[0].annulus.outer must be > inner (got inner 5, outer 4) [µm]");
    /* type names and places */
    expect_error(CELLS_2D "initial_cells:\n  - {type: cancr, count: 2, disc: {center: [50, 50, 10], radius: 5}}\n",
                 STROMA_ERR_UNKNOWN_KEY, 11, 12,
                 "initial_cells[0].type: no cell type named 'cancr'; did you mean 'cancer'?");
    expect_error(CELLS_2D "initial_cells:\n  - {count: 2, disc: {center: [50, 50, 10], radius: 5}}\n",
                 STROMA_ERR_MISSING, 11, 5, "missing required key initial_cells[0].type (name, required with disc)");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF}\n", STROMA_ERR_MISSING, 11, 5,
                 "initial_cells[0] needs a place: one of at, disc, sphere, box, annulus, file");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF, disc: {center: [50, 50, 10], radius: 5}}\n",
                 STROMA_ERR_MISSING, 11, 5, "missing required key initial_cells[0].count (required with disc)");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF, at: [1, 1, 1], file: c.csv}\n", STROMA_ERR_RANGE, 11, 32,
                 "initial_cells[0] gives both at and file: give exactly one of at, disc, sphere, box, annulus, file");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF, file: c.csv}\n", STROMA_ERR_RANGE, 11, 6,
                 "initial_cells[0].type is not used with file");
    expect_error(CELLS_2D "initial_cells:\n  - {type: CAF, at: [1, 1, 1], count: 3}\n", STROMA_ERR_RANGE, 11, 39,
                 "initial_cells[0].count must be 1 with at (got 3)");
    /* initial cells need cell types */
    expect_error(BASE "cell_types: {}\ninitial_cells:\n  - {type: a, at: [1, 1, 1]}\n", STROMA_ERR_MISSING, 8, 1,
                 "initial_cells needs cell types, but cell_types is absent or empty");
    expect_error(BASE "initial_cells:\n  - {type: a, at: [1, 1, 1]}\n", STROMA_ERR_MISSING, 7, 1,
                 "initial_cells needs cell types");
    /* too many cells for the machine */
    expect_error(CELLS_2D "initial_cells:\n"
                          "  - {type: CAF, count: 2147483647, disc: {center: [50, 50, 10], radius: 5}}\n"
                          "  - {type: CAF, count: 2147483647, disc: {center: [50, 50, 10], radius: 5}}\n"
                          "  - {type: CAF, count: 2147483647, disc: {center: [50, 50, 10], radius: 5}}\n",
                 STROMA_ERR_TOO_LARGE, 1, 1, "domain: the grid and cells need about");
    /* outputs.cells */
    expect_error(BASE "outputs: {cells: [vtk]}\n", STROMA_ERR_RANGE, 7, 19, "outputs.cells[0]: unknown word vtk");
}

static void test_initial_cells_csv(void **state) {
    (void)state;
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: nope.csv}\n", "models/inline.yaml", STROMA_ERR_NOT_FOUND,
                    NULL, 11, 12, "initial_cells[0].file: cannot open cell file ");
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: nope.csv}\n", "models/inline.yaml", STROMA_ERR_NOT_FOUND,
                    NULL, 11, 12, "models/nope.csv: No such file or directory");
    /* line 3, second field (y), which starts at column 4 */
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: cells_bad_number.csv}\n", "models/inline.yaml",
                    STROMA_ERR_TYPE, "models/cells_bad_number.csv", 3, 4, "y must be a number (got '2O') [µm]");
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: cells_unknown_type.csv}\n", "models/inline.yaml",
                    STROMA_ERR_UNKNOWN_KEY, "models/cells_unknown_type.csv", 3, 10,
                    "no cell type named 'cacner'; did you mean 'cancer'?");
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: cells_bad_header.csv}\n", "models/inline.yaml",
                    STROMA_ERR_PARSE, "models/cells_bad_header.csv", 1, 5,
                    "the header must begin x,y,z,type (got 'x,y,type')");
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: cells_header_only.csv}\n", "models/inline.yaml",
                    STROMA_ERR_MISSING, "models/cells_header_only.csv", 2, 1,
                    "no cells: the file has a header but no rows");
    /* per-cell columns: behaviour names (with suggestions), values checked like rule values */
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: percell_errors.csv}\n", "models/inline.yaml",
                    STROMA_ERR_UNKNOWN_KEY, "models/percell_errors.csv", 1, 12,
                    "column 'migration sped': no behaviour or state variable named 'migration sped'; did you mean "
                    "'migration speed'?");
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: percell_values.csv}\n", "models/inline.yaml",
                    STROMA_ERR_RANGE, "models/percell_values.csv", 2, 19, "migration speed must be >= 0 (got -1)");
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: percell_values.csv}\n", "models/inline.yaml",
                    STROMA_ERR_RANGE, "models/percell_values.csv", 2, 19,
                    "percell_values.csv:3:21: migration bias must be at most 1 (got 2)");
    expect_error_in(CELLS_2D "initial_cells:\n  - {file: percell_values.csv}\n", "models/inline.yaml",
                    STROMA_ERR_RANGE, "models/percell_values.csv", 2, 19,
                    "percell_values.csv:4:19: migration speed must be a number, 'skip' or empty (got 'fast')");
    /* a path relative to the model file's directory, or absolute */
    char abs[1200], yaml[4096];
    data_path(abs, sizeof abs, "models/cells_unknown_type.csv");
    snprintf(yaml, sizeof yaml, CELLS_2D "initial_cells:\n  - {file: \"%s\"}\n", abs);
    expect_error_in(yaml, "elsewhere/inline.yaml", STROMA_ERR_UNKNOWN_KEY, "models/cells_unknown_type.csv", 3, 10,
                    "no cell type named 'cacner'");

    /* Every problem of a file is listed, after the model's own errors before the `file` key. */
    char model[1200], csv[1200];
    data_path(model, sizeof model, "models/inline.yaml");
    data_path(csv, sizeof csv, "models/cells_errors.csv");
    const char *text = CELLS_2D "initial_cells:\n  - {type: CAF, at: [1, 1, 1], count: 2}\n"
                                "  - {file: cells_errors.csv}\n";
    stroma_error err;
    assert_null(stroma_model_load_string(text, strlen(text), model, &err));
    assert_int_equal(err.count, 7);
    assert_string_equal(err.file, model);
    assert_int_equal(err.line, 11);
    char want[7][1400];
    snprintf(want[0], sizeof want[0], "%s:11:39: initial_cells[0].count must be 1 with at (got 2)", model);
    snprintf(want[1], sizeof want[1], "%s:3:1: cell (1200, 10, 10) lies outside the domain [0, 100] x [0, 100] x "
                                      "[0, 20] [µm]", csv);
    snprintf(want[2], sizeof want[2], "%s:4:10: type index 7 is out of range: cell_types has 2 types (0 = cancer .. "
                                      "1 = CAF)", csv);
    snprintf(want[3], sizeof want[3], "%s:5:9: the row has 3 fields; expected 4 (x,y,z,type)", csv);
    snprintf(want[4], sizeof want[4], "%s:6:11: the row has 5 fields; expected 4 (x,y,z,type)", csv);
    snprintf(want[5], sizeof want[5], "%s:7:7: z must be a finite number (got '1e999') [µm]", csv);
    snprintf(want[6], sizeof want[6], "%s:8:10: type is empty: give a cell type name or index", csv);
    const char *line = err.message;
    for (int i = 0; i < 7; i++) {
        assert_non_null(line);
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        if (strlen(want[i]) > n || strncmp(line, want[i], strlen(want[i])) != 0)
            fail_msg("error %d: expected\n  %s\ngot\n  %.*s", i, want[i], (int)n, line);
        line = eol ? eol + 1 : NULL;
    }
    assert_null(line);
}

/* ---- state variables and rules ---- */

static void test_rules_every_field(void **state) {
    (void)state;
    char path[1200], csv[1200];
    data_path(path, sizeof path, "models/rules.yaml");
    data_path(csv, sizeof csv, "models/rules.csv");
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    if (!m) fail_msg("rules.yaml did not load: %s", err.message);
    const int CANCER = 0, CAF = 1;

    /* state variables: every per-type array allocated, 0 where not given */
    assert_int_equal(m->nstate, 2);
    const stroma_state_var_desc *st = &m->state_vars[0], *ex = &m->state_vars[1];
    assert_string_equal(st->name, "stemness");
    assert_string_equal(ex->name, "exhaustion");
    assert_true(st->initial[CANCER] == 0.2 && st->initial[CAF] == 0);
    assert_true(st->production[CANCER] == 0.001 && st->production[CAF] == 0);
    assert_true(st->decay[CANCER] == 0.01 && st->decay[CAF] == 0.5);
    for (int k = 0; k < 2; k++) assert_true(ex->initial[k] == 0 && ex->production[k] == 0 && ex->decay[k] == 0);

    /* rules: inline and file rules interleaved in the order written */
    const stroma_rule_tables *t = &m->rule_tables;
    assert_true(t->nsignals > 0 && t->nbehaviours > 0);
    struct {
        int type;
        const char *signal, *behaviour;
        int direction;
        double saturation, half_max, hill;
        int apply_to_dead, line, column, from_csv;
    } want[] = {
        {CAF, "TGFb", "IL6 secretion", 1, 0.2, 50, 2, 0, 25, 5, 0},
        {CANCER, "oxygen", "necrosis", -1, 0, 3.75, 8, 0, 2, 1, 1},
        {CANCER, "oxygen", "stemness production", -1, 0, 10, 4, 0, 5, 1, 1}, /* trailing blanks, CRLF */
        {CANCER, "pressure", "cycle entry", -1, 0, 1, 4, 0, 6, 1, 1},
        {CAF, "TGFb gradient", "transform to cancer", 1, 0.001, 0.01, 2, 1, 7, 1, 1},
        {CANCER, "stemness", "apoptosis", -1, 0, 0.5, 1, 0, 27, 5, 0}, /* custom:stemness, `behavior` */
        {CAF, "contact with cancer", "migration bias", 1, 0.9, 1, 4, 1, 35, 5, 0},
    };
    const int n = (int)(sizeof want / sizeof want[0]);
    assert_int_equal(m->nrules, n);
    for (int i = 0; i < n; i++) {
        const stroma_rule_desc *r = &m->rules[i];
        if (r->type != want[i].type || strcmp(t->signals[r->signal].name, want[i].signal) != 0 ||
            strcmp(t->behaviours[r->behaviour].name, want[i].behaviour) != 0)
            fail_msg("rule %d: got type %d, '%s', '%s'", i, r->type, t->signals[r->signal].name,
                     t->behaviours[r->behaviour].name);
        assert_int_equal(r->direction, want[i].direction);
        assert_true(r->saturation == want[i].saturation);
        assert_true(r->half_max == want[i].half_max);
        assert_true(r->hill == want[i].hill);
        assert_int_equal(r->apply_to_dead, want[i].apply_to_dead);
        assert_int_equal(r->line, want[i].line);
        assert_int_equal(r->column, want[i].column);
        assert_string_equal(r->origin, want[i].from_csv ? csv : path);
    }
    /* the indices refer to the right kind of entry */
    assert_int_equal(t->signals[m->rules[5].signal].kind, STROMA_SIG_STATE);
    assert_int_equal(t->signals[m->rules[5].signal].arg, 0);
    assert_int_equal(t->signals[m->rules[6].signal].kind, STROMA_SIG_CONTACT_TYPE);
    assert_int_equal(t->signals[m->rules[6].signal].arg, CANCER);
    assert_int_equal(t->behaviours[m->rules[0].behaviour].kind, STROMA_BEH_SECRETION);
    assert_int_equal(t->behaviours[m->rules[0].behaviour].arg, 2);
    assert_int_equal(t->behaviours[m->rules[2].behaviour].kind, STROMA_BEH_STATE_PRODUCTION);
    assert_int_equal(t->behaviours[m->rules[4].behaviour].kind, STROMA_BEH_TRANSFORM);
    assert_int_equal(t->behaviours[m->rules[4].behaviour].arg, CANCER);

    char buf[16384];
    size_t len = stroma_model_describe(m, buf, sizeof buf);
    assert_int_equal(len, strlen(buf));
    expect_contains(buf, "state variables: 2\n  stemness: initial cancer 0.2; production cancer 0.001 1/min; decay "
                         "cancer 0.01 1/min, CAF 0.5 1/min\n  exhaustion: 0 in every type\n");
    expect_contains(buf, "rules: 7\n  in CAF, TGFb increases IL6 secretion from 0.05 to 0.2 1/min, half-max 50 pg/mL, "
                         "Hill 2\n  in cancer, oxygen decreases necrosis from 0.0028 to 0 1/min, half-max 3.75 mmHg, "
                         "Hill 8\n");
    expect_contains(buf, "  in cancer, stemness decreases apoptosis from 5.3e-05 to 0 1/min, half-max 0.5, Hill 1\n");
    expect_contains(buf, "  in CAF, TGFb gradient increases transform to cancer from 0 to 0.001 1/min, half-max 0.01 "
                         "pg/mL/µm, Hill 2 (also in dead cells)\n");
    expect_contains(buf, "  in CAF, contact with cancer increases migration bias from 0.2 to 0.9, half-max 1 cells, "
                         "Hill 4 (also in dead cells)\noutputs:");
    stroma_model_destroy(&m);

    /* A model without rules or state variables has empty, consistent tables. */
    m = load_str(BASE, &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->nstate, 0);
    assert_int_equal(m->nrules, 0);
    assert_null(m->rules);
    stroma_model_describe(m, buf, sizeof buf);
    expect_contains(buf, "state variables: 0\nrules: 0\n");
    stroma_model_destroy(&m);
}

/* Lines 1-9; `rules:` or `state_variables:` is line 10. CAF secretes IL6 at 0.05 1/min, its bias is 0.2. */
#define RULES_2D                                                                                                \
    "domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}\n" L2_TIME                                      \
    "substrates:\n  oxygen: {unit: mmHg, diffusion: 1000, decay: 0.1}\n"                                       \
    "  TGFb: {unit: pg/mL, diffusion: 1000, decay: 0.01}\n  IL6: {unit: pg/mL, diffusion: 1000, decay: 0.01}\n" \
    "cell_types:\n  cancer: {}\n  CAF: {secretion: {IL6: {rate: 0.05, saturation: 100}}, motility: {bias: 0.2}}\n"

static void test_rules_errors(void **state) {
    (void)state;
    stroma_error err;
    /* names, with the nearest name of the model's tables */
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFB, direction: increases, behaviour: IL6 secretion, "
                          "saturation: 0.2, half_max: 50, hill: 2}\n",
                 STROMA_ERR_UNKNOWN_KEY, 11, 25, "rules[0].signal: no signal named 'TGFB'; did you mean 'TGFb'?");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretoin, "
                          "saturation: 0.2, half_max: 50, hill: 2}\n",
                 STROMA_ERR_UNKNOWN_KEY, 11, 64,
                 "rules[0].behaviour: no behaviour named 'IL6 secretoin'; did you mean 'IL6 secretion'?");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behavior: IL6 secretoin, "
                          "saturation: 0.2, half_max: 50, hill: 2}\n",
                 STROMA_ERR_UNKNOWN_KEY, 11, 63, "rules[0].behavior: no behaviour named 'IL6 secretoin'");
    expect_error(RULES_2D "rules:\n  - {type: CA, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                          "saturation: 0.2, half_max: 50, hill: 2}\n",
                 STROMA_ERR_UNKNOWN_KEY, 11, 12, "rules[0].type: no cell type named 'CA'; did you mean 'CAF'?");
    expect_error(RULES_2D "state_variables: {stemness: {}}\nrules:\n  - {type: CAF, signal: custom:stemnes, direction: "
                          "increases, behaviour: apoptosis, saturation: 1, half_max: 1, hill: 1}\n",
                 STROMA_ERR_UNKNOWN_KEY, 12, 25,
                 "rules[0].signal: no state variable named 'stemnes'; did you mean 'stemness'?");
    /* "<variable> in contact" names a state variable too */
    expect_error(RULES_2D "state_variables: {stemness: {}}\nrules:\n  - {type: CAF, signal: stemnes in contact, "
                          "direction: increases, behaviour: apoptosis, saturation: 1, half_max: 1, hill: 1}\n",
                 STROMA_ERR_UNKNOWN_KEY, 12, 25,
                 "rules[0].signal: no signal named 'stemnes in contact'; did you mean 'stemness in contact'?");
    /* saturation on the wrong side of the base value (the type's own parameter) */
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                          "saturation: 0.01, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 5,
                 "rules[0]: in CAF, 'TGFb increases IL6 secretion' saturates at 0.01, below its base value 0.05 "
                 "[1/min]; an increasing rule must saturate above its base (use 'decreases' to lower a behaviour)");
    expect_error(RULES_2D "rules:\n  - type: CAF\n    signal: oxygen\n    direction: decreases\n"
                          "    behaviour: migration bias\n    saturation: 0.5\n    half_max: 5\n    hill: 1\n",
                 STROMA_ERR_RANGE, 11, 5,
                 "rules[0]: in CAF, 'oxygen decreases migration bias' saturates at 0.5, above its base value 0.2; a "
                 "decreasing rule must saturate below its base (use 'increases' to raise a behaviour)");
    /* asymmetric division: a probability in [0, 1], toward another type */
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: asymmetric division to "
                          "cancer, saturation: 1.5, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 107,
                 "rules[0].saturation must be between 0 and 1 for asymmetric division to cancer (got 1.5)");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: asymmetric division to "
                          "CAF, saturation: 0.5, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 5,
                 "rules[0]: in CAF, a rule on 'asymmetric division to CAF' changes nothing: the daughter already has "
                 "the mother's type");
    /* PhysiCell's law accepts either side (it moves the behaviour toward the shared maximum or minimum) */
    stroma_model *pm = load_str(RULES_2D "rules_law: physicell\nrules:\n  - {type: CAF, signal: TGFb, direction: "
                                         "increases, behaviour: IL6 secretion, saturation: 0.01, half_max: 50, "
                                         "hill: 2}\n",
                                &err);
    assert_non_null(pm);
    assert_int_equal(pm->rules_law, STROMA_RULES_LAW_PHYSICELL);
    assert_true(pm->rules[0].direction == 1 && pm->rules[0].saturation == 0.01);
    stroma_model_destroy(&pm);
    expect_error(RULES_2D "rules_law: foo\n", STROMA_ERR_RANGE, 10, 12,
                 "t.yaml:10:12: rules_law must be one of stroma, physicell (got foo)");
    /* boundary_convention: face by default, voxel as written, anything else refused at the value */
    stroma_model *bm = load_str(RULES_2D, &err);
    assert_non_null(bm);
    assert_int_equal(bm->boundary_convention, STROMA_BOUNDARY_FACE);
    stroma_model_destroy(&bm);
    bm = load_str(RULES_2D "boundary_convention: voxel\n", &err);
    assert_non_null(bm);
    assert_int_equal(bm->boundary_convention, STROMA_BOUNDARY_VOXEL);
    assert_int_equal(bm->boundary_convention_loc.line, 10);
    assert_int_equal(bm->boundary_convention_loc.column, 1);
    stroma_model_destroy(&bm);
    bm = load_str(RULES_2D "boundary_convention: biofvm\n", &err);
    assert_non_null(bm);
    assert_int_equal(bm->boundary_convention, STROMA_BOUNDARY_BIOFVM);
    stroma_model_destroy(&bm);
    expect_error(RULES_2D "boundary_convention: ghost\n", STROMA_ERR_RANGE, 10, 22,
                 "t.yaml:10:22: boundary_convention must be one of face, voxel, biofvm (got ghost)");
    expect_error(RULES_2D "dead_uptake_fraction: 1.5\n", STROMA_ERR_RANGE, 10, 23,
                 "t.yaml:10:23: dead_uptake_fraction must be between 0 and 1 (got 1.5)");
    /* saturations a behaviour cannot take */
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: migration bias, "
                          "saturation: 1.5, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 92, "rules[0].saturation must be between 0 and 1 for migration bias (got 1.5)");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: decreases, behaviour: IL6 uptake, "
                          "saturation: -1, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 88,
                 "rules[0].saturation must be >= 0 for IL6 uptake (got -1) [1/min]; only '<substrate> export' and "
                 "'chemotactic response to <substrate>' may be negative");
    stroma_model *m = load_str(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: decreases, behaviour: IL6 "
                                        "export, saturation: -3, half_max: 50, hill: 2}\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    assert_true(m->rules[0].saturation == -3);
    stroma_model_destroy(&m);
    /* chemotactic sensitivities: only for a type with the sensitivities form; negative is away from a substrate */
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: chemotactic response "
                          "to IL6, saturation: 1, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 5,
                 "rules[0]: in CAF, a rule on 'chemotactic response to IL6' needs chemotaxis along several substrates: "
                 "set cell_types.CAF.motility.chemotaxis.sensitivities");
    m = load_str(RULES_2D "  mac: {motility: {speed: 1, chemotaxis: {sensitivities: {IL6: 0.5}}}}\n"
                          "rules:\n  - {type: mac, signal: TGFb, direction: decreases, behaviour: chemotactic response "
                          "to IL6, saturation: -2, half_max: 50, hill: 2}\n",
                 &err);
    if (!m) fail_msg("%s", err.message);
    assert_true(m->rules[0].saturation == -2);
    assert_true(stroma_rule_behaviour_base(m, 2, m->rules[0].behaviour) == 0.5);
    assert_true(stroma_rule_behaviour_base(m, 1, m->rules[0].behaviour) == 0);
    stroma_model_destroy(&m);
    /* half_max and hill: required, > 0 */
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                          "saturation: 0.2, half_max: 50, hill: 0}\n",
                 STROMA_ERR_RANGE, 11, 116, "rules[0].hill must be > 0 (got 0)");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                          "saturation: 0.2, half_max: -50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 106, "rules[0].half_max must be > 0 (got -50) [signal unit]");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                          "saturation: 0.2, hill: 2}\n",
                 STROMA_ERR_MISSING, 11, 5,
                 "missing required key rules[0].half_max (number, required in an inline rule) [signal unit]");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, saturation: 0.2, half_max: 50, "
                          "hill: 2}\n",
                 STROMA_ERR_MISSING, 11, 5,
                 "missing required key rules[0].behaviour (name, required in an inline rule)");
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: up, behaviour: IL6 secretion, "
                          "saturation: 0.2, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 42, "rules[0].direction must be one of increases, decreases (got up)");
    /* the item's shape */
    expect_error(RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                          "behavior: IL6 secretion, saturation: 0.2, half_max: 50, hill: 2}\n",
                 STROMA_ERR_RANGE, 11, 79, "rules[0] gives both behaviour and behavior");
    assert_null(load_str(RULES_2D "rules:\n  - {file: r.csv, hill: 2}\n", &err));
    assert_int_equal(err.count, 2); /* and r.csv is missing */
    expect_contains(err.message, "t.yaml:11:19: rules[0].hill is not used with file: the file gives every rule");
    expect_error(RULES_2D "rules:\n  - {}\n", STROMA_ERR_MISSING, 11, 5, "rules[0] is empty: give an inline rule");
    assert_null(load_str(RULES_2D "rules:\n  - {type: CAF, sigal: TGFb}\n", &err));
    expect_contains(err.message, "t.yaml:11:17: unknown key rules[0].sigal; did you mean 'signal'?");
    /* rules need cell types */
    expect_error(BASE "rules:\n  - {type: a, signal: oxygen, direction: increases, behaviour: apoptosis, "
                      "saturation: 1, half_max: 1, hill: 1}\n",
                 STROMA_ERR_MISSING, 7, 1,
                 "rules needs cell types, but cell_types is absent or empty: define the types first");
    /* a substrate named like a built-in signal makes that signal ambiguous */
    expect_error(L1_DOMAIN L2_TIME "substrates:\n  pressure: {diffusion: 1, decay: 0}\ncell_types: {a: {}}\nrules:\n"
                                   "  - {type: a, signal: pressure, direction: increases, behaviour: apoptosis, "
                                   "saturation: 1, half_max: 1, hill: 1}\n",
                 STROMA_ERR_RANGE, 7, 23,
                 "rules[0].signal: 'pressure' is ambiguous: it names both a substrate and a built-in signal");
    /* every mistake at once: an unknown signal and a bad hill in one rule, an unknown type in the next */
    assert_null(load_str(RULES_2D "rules:\n  - {type: CAF, signal: TGFB, direction: increases, behaviour: IL6 "
                                  "secretion, saturation: 0.2, half_max: 50, hill: 0}\n"
                                  "  - {type: CAFs, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                                  "saturation: 0.2, half_max: 50, hill: 1}\n",
                         &err));
    assert_int_equal(err.count, 3);
    expect_contains(err.message, "t.yaml:11:25: rules[0].signal: no signal named 'TGFB'; did you mean 'TGFb'?\n"
                                 "t.yaml:11:116: rules[0].hill must be > 0 (got 0)\n"
                                 "t.yaml:12:12: rules[1].type: no cell type named 'CAFs'; did you mean 'CAF'?");
}

static void test_state_variable_errors(void **state) {
    (void)state;
    expect_error(RULES_2D "state_variables:\n  oxygen: {}\n", STROMA_ERR_RANGE, 11, 3,
                 "state_variables.oxygen: 'oxygen' is already the name of a substrate (a rule's signal 'oxygen' "
                 "would mean either); rename the state variable");
    expect_error(RULES_2D "state_variables:\n  pressure: {}\n", STROMA_ERR_RANGE, 11, 3,
                 "state_variables.pressure: 'pressure' is already the name of a built-in signal");
    expect_error(RULES_2D "state_variables:\n  stemness: {initial: {cancr: 1}}\n", STROMA_ERR_UNKNOWN_KEY, 11, 24,
                 "state_variables.stemness.initial: no cell type named 'cancr'; did you mean 'cancer'?");
    expect_error(RULES_2D "state_variables:\n  stemness: {production: {cancer: -1}}\n", STROMA_ERR_RANGE, 11, 35,
                 "state_variables.stemness.production.cancer must be >= 0 (got -1) [1/min]");
    expect_error(RULES_2D "state_variables:\n  stemness: {decay: {CAF: 0.1}, growth: {CAF: 1}}\n",
                 STROMA_ERR_UNKNOWN_KEY, 11, 33, "unknown key state_variables.stemness.growth");
    expect_error(RULES_2D "state_variables:\n  stem ness: {}\n", STROMA_ERR_RANGE, 11, 3,
                 "state_variables: invalid name 'stem ness'");
    expect_error(BASE "state_variables:\n  stemness: {initial: {cancer: 1}}\n", STROMA_ERR_UNKNOWN_KEY, 8, 24,
                 "state_variables.stemness.initial: no cell type named 'cancer' (no cell types are defined)");
    /* Without cell types, an empty variable is allowed; its arrays still exist. */
    stroma_error err;
    stroma_model *m = load_str(BASE "state_variables:\n  stemness: {}\n", &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->nstate, 1);
    assert_non_null(m->state_vars[0].initial);
    assert_non_null(m->state_vars[0].production);
    assert_non_null(m->state_vars[0].decay);
    stroma_model_destroy(&m);
}

static void test_rules_csv(void **state) {
    (void)state;
    /* a missing file is reported at the `file` value */
    expect_error_in(RULES_2D "rules:\n  - {file: nope.csv}\n", "models/inline.yaml", STROMA_ERR_NOT_FOUND, NULL, 11,
                    12, "rules[0].file: cannot open rules file ");
    /* an unknown name is reported at its line and field (line 3, after two blanks) */
    expect_error_in(RULES_2D "rules:\n  - {file: rules_unknown_type.csv}\n", "models/inline.yaml",
                    STROMA_ERR_UNKNOWN_KEY, "models/rules_unknown_type.csv", 3, 3,
                    "cell_type: no cell type named 'cancr'; did you mean 'cancer'?");

    /* Every problem of the file is listed, after the model's own errors before the `file` key. */
    char model[1200], csv[1200];
    data_path(model, sizeof model, "models/inline.yaml");
    data_path(csv, sizeof csv, "models/rules_errors.csv");
    const char *text = RULES_2D "rules:\n  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretion, "
                                "saturation: 0.2, half_max: 50, hill: -2}\n  - {file: rules_errors.csv}\n";
    stroma_error err;
    assert_null(stroma_model_load_string(text, strlen(text), model, &err));
    enum { N = 12 };
    assert_int_equal(err.count, N);
    char want[N][1400];
    snprintf(want[0], sizeof want[0], "%s:11:116: rules[0].hill must be > 0 (got -2)", model);
    snprintf(want[1], sizeof want[1], "%s:2:41: the line has 7 fields; expected 8 (cell_type,signal,direction,behavior,"
                                      "saturation,half_max,hill_power,apply_to_dead)", csv);
    snprintf(want[2], sizeof want[2], "%s:3:15: direction must be increases or decreases (got 'up')", csv);
    snprintf(want[3], sizeof want[3], "%s:4:8: signal: no signal named 'oxgen'; did you mean 'oxygen'?", csv);
    snprintf(want[4], sizeof want[4], "%s:5:25: behavior: no behaviour named 'apoptosys'; did you mean 'apoptosis'?",
             csv);
    snprintf(want[5], sizeof want[5], "%s:6:35: saturation must be a number (got 'abc')", csv);
    snprintf(want[6], sizeof want[6], "%s:6:39: half_max must be > 0 (got '0')", csv);
    snprintf(want[7], sizeof want[7], "%s:6:41: hill_power must be > 0 (got '-1')", csv);
    snprintf(want[8], sizeof want[8], "%s:6:44: apply_to_dead must be 0 or 1 (got '2')", csv);
    snprintf(want[9], sizeof want[9], "%s:7:1: cell_type: no cell type named 'malignant epithelial cell' (cell types: "
                                      "cancer, CAF)", csv);
    snprintf(want[10], sizeof want[10], "%s:8:37: saturation must be between 0 and 1 for migration bias (got 2)", csv);
    snprintf(want[11], sizeof want[11], "%s:9:1: in CAF, 'oxygen decreases IL6 secretion' saturates at 0.1, above its "
                                        "base value 0.05 [1/min]; a decreasing rule must saturate below its base (use "
                                        "'increases' to raise a behaviour)", csv);
    const char *line = err.message;
    for (int i = 0; i < N; i++) {
        assert_non_null(line);
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        if (strlen(want[i]) != n || strncmp(line, want[i], n) != 0)
            fail_msg("error %d: expected\n  %s\ngot\n  %.*s", i, want[i], (int)n, line);
        line = eol ? eol + 1 : NULL;
    }
    assert_null(line);
}

/* ---- vessels and body ---- */

static void test_body_every_field(void **state) {
    (void)state;
    char path[1200];
    data_path(path, sizeof path, "models/body.yaml");
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    if (!m) fail_msg("body.yaml did not load: %s", err.message);
    const int O2 = 0, VEGF = 1, IL6 = 2, TNF = 3;
    const stroma_vessels_desc *v = &m->vessels;
    assert_int_equal(v->present, 1);
    assert_int_equal(v->loc.line, 9);
    assert_int_equal(v->loc.column, 1);
    assert_true(v->capillary_radius_um == 4 && v->max_density == 0.2);
    assert_true(v->uniform_density == 0.01);
    assert_true(v->random_fraction == 0.05 && v->random_density == 0.04);
    assert_int_equal(v->nsegments, 2);
    const stroma_vessel_segment_desc *s0 = &v->segments[0], *s1 = &v->segments[1];
    const double from0[3] = {0, 10, 10}, to0[3] = {200, 90, 10}, p1[3] = {100, 50, 10};
    for (int a = 0; a < 3; a++) {
        assert_true(s0->from_um[a] == from0[a] && s0->to_um[a] == to0[a]);
        assert_true(s1->from_um[a] == p1[a] && s1->to_um[a] == p1[a]); /* `to` defaults to `from` */
    }
    assert_true(s0->radius_um == 10 && s0->density == 0.05);
    assert_true(s1->radius_um == 0 && s1->density == 0.15);
    assert_int_equal(s0->loc.line, 16);
    assert_int_equal(s0->loc.column, 9);
    /* vessels.csv: three points (a blank line skipped) */
    assert_int_equal(v->npoints, 3);
    const double pts[3][4] = {{10, 10, 10, 0.05}, {190.5, 90, 0, 0.2}, {100, 50, 20, 0.125}};
    for (int i = 0; i < 3; i++) {
        for (int a = 0; a < 3; a++) assert_true(v->points_um[3 * i + a] == pts[i][a]);
        assert_true(v->points_density[i] == pts[i][3]);
    }
    assert_int_equal(v->angio_substrate, VEGF);
    assert_true(v->angio_rate_per_min == 0.001 && v->angio_half_max == 50 && v->angio_hill == 2);
    assert_true(v->regress_rate_per_min == 0.0005 && v->survival_half_max == 5 && v->survival_hill == 3);
    assert_true(v->pressure_rate_per_min == 0.002 && v->pressure_half_max == 0.5 && v->pressure_hill == 4);
    assert_true(v->every_min == 6.5);
    assert_int_equal(v->oxygen, O2);
    assert_true(v->blood_oxygen == 38);
    assert_non_null(v->permeability_um_per_min);
    assert_true(v->permeability_um_per_min[O2] == 300 && v->permeability_um_per_min[VEGF] == 0);
    assert_true(v->permeability_um_per_min[IL6] == 0.6 && v->permeability_um_per_min[TNF] == 0);

    const stroma_body_desc *b = &m->body;
    assert_int_equal(b->present, 1);
    assert_int_equal(b->loc.line, 34);
    assert_true(b->plasma_volume_ml == 3000 && b->tumour_volume_ml == 10 && b->dt_min == 0.5);
    assert_int_equal(b->nsystemic, 2);
    const stroma_systemic_desc *il6 = &b->systemic[0], *tnf = &b->systemic[1];
    assert_int_equal(il6->substrate, IL6);
    assert_string_equal(il6->unit, "pg/mL");
    assert_true(il6->conversion == 1000 && il6->half_life_min == 60 && il6->baseline == 5.2);
    assert_true(il6->drainage_per_min == 0.001);
    assert_int_equal(il6->loc.line, 39);
    assert_int_equal(il6->loc.column, 5);
    assert_int_equal(tnf->substrate, TNF);
    assert_string_equal(tnf->unit, "pg/mL");
    assert_true(tnf->conversion == 2 && tnf->half_life_min == 30 && tnf->baseline == 0 && tnf->drainage_per_min == 0);

    /* the rule tables know the body: the rules use its signals and behaviours */
    const stroma_rule_tables *t = &m->rule_tables;
    assert_true(stroma_rule_signal_find(t, "plasma IL6") >= 0);
    assert_true(stroma_rule_signal_find(t, "plasma TNF") >= 0);
    assert_true(stroma_rule_signal_find(t, "plasma VEGF") < 0);
    assert_true(stroma_rule_signal_find(t, "vessel density") >= 0);
    assert_true(stroma_rule_behaviour_find(t, "vessel deposition") >= 0);
    assert_int_equal(m->nrules, 2);

    char buf[8192];
    stroma_model_describe(m, buf, sizeof buf);
    expect_contains(buf, "vessels: capillary radius 4 µm, max density 0.2; initial: uniform 0.01, 0.04 at random in "
                         "0.05 of voxels, 2 segments, 3 points from a file; exchange: oxygen 300 µm/min, IL6 0.6 "
                         "µm/min (blood oxygen 38 mmHg)\n");
    expect_contains(buf, "  growth: 0.001 1/min by VEGF (half max 50, hill 2), regression 0.0005 1/min (survival "
                         "half max 5, hill 3), pressure 0.002 1/min (half max 0.5, hill 4), every 6.5 min\n");
    expect_contains(buf, "body: plasma 3000 mL, tumour 10 mL, dt 0.5 min, 2 systemic substrates\n"
                         "  IL6 [pg/mL] = 1000 x tissue value, half-life 60 min, baseline 5.2, drainage 0.001 1/min; "
                         "TNF [pg/mL] = 2 x tissue value");
    stroma_model_destroy(&m);
}

/* Line 7 adds IL6 to BASE; the sections start at line 8. */
#define L7_IL6 "  IL6: {diffusion: 100, decay: 0.01}\n"
#define BODY_BASE BASE L7_IL6
/* lines 8-10 */
#define VESSELS_OK "vessels:\n  oxygen: {substrate: oxygen, blood: 38}\n  permeability: {oxygen: 300}\n"
/* lines 8-11, then the entries of systemic */
#define BODY_HEAD "body:\n  plasma_volume: 3000\n  tumour_volume: 10\n  systemic:\n"

static void test_body_defaults(void **state) {
    (void)state;
    stroma_error err;
    /* Without the sections: nothing is present, nothing allocated. */
    stroma_model *m = load_str(BODY_BASE, &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->vessels.present, 0);
    assert_int_equal(m->vessels.angio_substrate, -1);
    assert_int_equal(m->vessels.oxygen, -1);
    assert_null(m->vessels.permeability_um_per_min);
    assert_null(m->vessels.segments);
    assert_int_equal(m->body.present, 0);
    assert_int_equal(m->body.nsystemic, 0);
    assert_null(m->body.systemic);
    assert_true(stroma_rule_signal_find(&m->rule_tables, "vessel density") < 0);
    char buf[8192];
    stroma_model_describe(m, buf, sizeof buf);
    assert_null(strstr(buf, "vessels:"));
    assert_null(strstr(buf, "body:"));
    stroma_model_destroy(&m);

    /* Empty sections (vessels as `{}`, or with no value at all) take every default. */
    const char *yamls[2] = {BODY_BASE "vessels: {}\n" BODY_HEAD "    IL6: {unit: pg/mL, conversion: 1, half_life: 60}\n",
                            BODY_BASE "vessels:\n" BODY_HEAD "    IL6: {unit: pg/mL, conversion: 1, half_life: 60}\n"};
    for (int i = 0; i < 2; i++) {
        m = load_str(yamls[i], &err);
        if (!m) fail_msg("%s", err.message);
        const stroma_vessels_desc *v = &m->vessels;
        assert_int_equal(v->present, 1);
        assert_true(v->capillary_radius_um == 5 && v->max_density == 0.1);
        assert_true(v->uniform_density == 0 && v->random_fraction == 0 && v->random_density == 0);
        assert_int_equal(v->nsegments, 0);
        assert_int_equal(v->npoints, 0);
        assert_null(v->points_um);
        assert_int_equal(v->angio_substrate, -1);
        assert_true(v->angio_rate_per_min == 0);
        assert_true(v->regress_rate_per_min == 0 && v->survival_half_max == 1 && v->survival_hill == 1);
        assert_true(v->pressure_rate_per_min == 0 && v->pressure_half_max == 1 && v->pressure_hill == 1);
        assert_true(v->every_min == 6); /* time.dt_phenotype */
        assert_int_equal(v->oxygen, -1);
        assert_non_null(v->permeability_um_per_min); /* zeros, one per substrate */
        assert_true(v->permeability_um_per_min[0] == 0 && v->permeability_um_per_min[1] == 0);
        const stroma_body_desc *b = &m->body;
        assert_int_equal(b->present, 1);
        assert_true(b->dt_min == 1);
        assert_int_equal(b->nsystemic, 1);
        assert_int_equal(b->systemic[0].substrate, 1);
        assert_true(b->systemic[0].baseline == 0 && b->systemic[0].drainage_per_min == 0);
        assert_true(stroma_rule_signal_find(&m->rule_tables, "plasma IL6") >= 0);
        stroma_model_destroy(&m);
    }
    /* vessels.every follows time.dt_phenotype when absent */
    m = load_str(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.1, dt_phenotype: 3}\n" L3_5_OXYGEN "vessels: {}\n", &err);
    if (!m) fail_msg("%s", err.message);
    assert_true(m->vessels.every_min == 3);
    stroma_model_destroy(&m);
}

static void test_body_errors(void **state) {
    (void)state;
    const char *il6 = "    IL6: {unit: pg/mL, conversion: 1, half_life: 60}\n"; /* line 12 after BODY_HEAD */
    char yaml[4096];
    /* substrate names, with suggestions */
    expect_error(BODY_BASE BODY_HEAD "    IL7: {unit: pg/mL, conversion: 1, half_life: 60}\n", STROMA_ERR_UNKNOWN_KEY,
                 12, 5, "t.yaml:12:5: body.systemic: no substrate named 'IL7'; did you mean 'IL6'?");
    expect_error(BODY_BASE "vessels:\n  angiogenesis: {substrate: VEFG, rate: 1, half_max: 1}\n",
                 STROMA_ERR_UNKNOWN_KEY, 9, 29,
                 "vessels.angiogenesis.substrate: no substrate named 'VEFG' (substrates: oxygen, IL6)");
    expect_error(BODY_BASE "vessels:\n  oxygen: {substrate: oxygn, blood: 38}\n  permeability: {oxygen: 1}\n",
                 STROMA_ERR_UNKNOWN_KEY, 9, 23,
                 "vessels.oxygen.substrate: no substrate named 'oxygn'; did you mean 'oxygen'?");
    expect_error(BODY_BASE "vessels:\n  permeability: {IL66: 0}\n", STROMA_ERR_UNKNOWN_KEY, 9, 18,
                 "vessels.permeability: no substrate named 'IL66'; did you mean 'IL6'?");
    /* the vessel field's output name is reserved in a model with vessels */
    expect_error("domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}\ntime: {end: 1, dt_diffusion: 0.1}\n"
                 "substrates:\n  vessel_density: {diffusion: 1, decay: 0}\nvessels: {}\n",
                 STROMA_ERR_RANGE, 4, 3, "substrates.vessel_density: this name is the vessel field's");
    /* ranges: volumes, half-life, densities */
    expect_error(BODY_BASE "body:\n  plasma_volume: -3000\n  tumour_volume: 10\n  systemic:\n    IL6: {unit: pg/mL, "
                           "conversion: 1, half_life: 60}\n",
                 STROMA_ERR_RANGE, 9, 18, "t.yaml:9:18: body.plasma_volume must be > 0 (got -3000) [mL]");
    expect_error(BODY_BASE "body:\n  plasma_volume: 3000\n  tumour_volume: 0\n  systemic:\n    IL6: {unit: pg/mL, "
                           "conversion: 1, half_life: 60}\n",
                 STROMA_ERR_RANGE, 10, 18, "body.tumour_volume must be > 0 (got 0) [mL]");
    expect_error(BODY_BASE BODY_HEAD "    IL6: {unit: pg/mL, conversion: 1, half_life: -60}\n", STROMA_ERR_RANGE, 12,
                 50, "t.yaml:12:50: body.systemic.IL6.half_life must be > 0 (got -60) [min]");
    expect_error(BODY_BASE BODY_HEAD "    IL6: {unit: pg/mL, conversion: 1, half_life: 60, drainage: -1}\n",
                 STROMA_ERR_RANGE, 12, 64, "body.systemic.IL6.drainage must be >= 0 (got -1) [1/min]");
    expect_error(BODY_BASE "vessels: {max_density: 1.5}\n", STROMA_ERR_RANGE, 8, 24,
                 "vessels.max_density must be between 0 and 1 (got 1.5) [volume fraction]");
    expect_error(BODY_BASE VESSELS_OK "  initial: {uniform: 0.2}\n", STROMA_ERR_RANGE, 11, 22,
                 "vessels.initial.uniform 0.2 is more than vessels.max_density 0.1");
    expect_error(BODY_BASE VESSELS_OK "  max_density: 0.04\n  initial: {random: {fraction: 0.5, density: 0.05}}\n",
                 STROMA_ERR_RANGE, 12, 46,
                 "vessels.initial.random.density 0.05 is more than vessels.max_density 0.04: no voxel may exceed it "
                 "[volume fraction]");
    /* required keys: a systemic substrate without its conversion or unit */
    expect_error(BODY_BASE BODY_HEAD "    IL6: {unit: pg/mL, half_life: 60}\n", STROMA_ERR_MISSING, 12, 5,
                 "t.yaml:12:5: missing required key body.systemic.IL6.conversion (number) [clinical unit / substrate "
                 "unit]");
    expect_error(BODY_BASE BODY_HEAD "    IL6: {conversion: 1, half_life: 60}\n", STROMA_ERR_MISSING, 12, 5,
                 "missing required key body.systemic.IL6.unit (string)");
    expect_error(BODY_BASE "body:\n  plasma_volume: 3000\n  tumour_volume: 10\n", STROMA_ERR_MISSING, 8, 1,
                 "missing required key body.systemic (mapping of names)");
    expect_error(BODY_BASE "vessels:\n  angiogenesis: {substrate: IL6, half_max: 1}\n", STROMA_ERR_MISSING, 9, 3,
                 "missing required key vessels.angiogenesis.rate (number) [1/min]");
    /* a segment outside the domain */
    expect_error(BODY_BASE VESSELS_OK "  initial:\n    segments:\n      - {from: [10, 10, 10], to: [150, 10, 10], "
                                      "density: 0.05}\n",
                 STROMA_ERR_RANGE, 13, 34,
                 "t.yaml:13:34: vessels.initial.segments[0].to (150, 10, 10) lies outside the domain [0, 100] x [0, "
                 "20] x [0, 20] [µm]");
    expect_error(BODY_BASE VESSELS_OK "  initial:\n    segments:\n      - {from: [10, 10, 10], density: 0.05}\n"
                                      "      - {from: [10, -1, 10], density: 0.5}\n",
                 STROMA_ERR_RANGE, 14, 16,
                 "vessels.initial.segments[1].from (10, -1, 10) lies outside the domain [0, 100] x [0, 20] x [0, 20] "
                 "[µm]\nt.yaml:14:39: vessels.initial.segments[1].density 0.5 is more than vessels.max_density 0.1");
    /* time steps: whole multiples of dt_diffusion, given or by default */
    expect_error(BODY_BASE VESSELS_OK "  every: 0.25\n", STROMA_ERR_RANGE, 11, 10,
                 "t.yaml:11:10: vessels.every 0.25 is not a whole multiple of time.dt_diffusion 0.1 (ratio 2.5)");
    expect_error(BODY_BASE BODY_HEAD "    IL6: {unit: pg/mL, conversion: 1, half_life: 60}\n  dt: 0.15\n",
                 STROMA_ERR_RANGE, 13, 7, "body.dt 0.15 is not a whole multiple of time.dt_diffusion 0.1");
    expect_error(L1_DOMAIN "time: {end: 10, dt_diffusion: 0.7}\n" L3_5_OXYGEN L7_IL6 "vessels: {}\n" BODY_HEAD
                           "    IL6: {unit: pg/mL, conversion: 1, half_life: 60}\n",
                 STROMA_ERR_RANGE, 8, 1,
                 "t.yaml:8:1: vessels.every 6 (the default, time.dt_phenotype) is not a whole multiple of "
                 "time.dt_diffusion 0.7 (ratio 8.57143); give vessels.every, e.g. 6.3 [min]\nt.yaml:9:1: body.dt 1 "
                 "(the default) is not a whole multiple of time.dt_diffusion 0.7 (ratio 1.42857); give body.dt, e.g. "
                 "0.7 [min]");
    /* what crosses the vessel wall: a plasma value for everything but oxygen; oxygen needs a permeability */
    expect_error(BODY_BASE "vessels:\n  permeability: {IL6: 0.6}\n", STROMA_ERR_RANGE, 9, 18,
                 "t.yaml:9:18: vessels.permeability.IL6: IL6 crosses the vessel wall (permeability 0.6 µm/min) but "
                 "has no plasma value: list it in body.systemic (the model has no body)");
    expect_error(BODY_BASE "vessels:\n  oxygen: {substrate: oxygen, blood: 38}\n  permeability: {oxygen: 0}\n",
                 STROMA_ERR_RANGE, 9, 23,
                 "vessels.oxygen.substrate: oxygen has no permeability (vessels.permeability.oxygen absent or 0): it "
                 "never crosses the vessel wall");
    snprintf(yaml, sizeof yaml, BODY_BASE VESSELS_OK BODY_HEAD "%s    oxygen: {unit: mmHg, conversion: 1, "
                                "half_life: 1}\n", "    IL6: {unit: pg/mL, conversion: 1, half_life: 60}\n");
    expect_error(yaml, STROMA_ERR_RANGE, 16, 5,
                 "t.yaml:16:5: body.systemic.oxygen: oxygen is vessels.oxygen's substrate, whose blood value is fixed");
    expect_error(BODY_BASE VESSELS_OK "  regression: {rate: 0.1}\n", STROMA_ERR_MISSING, 11, 22,
                 "vessels.regression.rate 0.1 needs vessels.angiogenesis.substrate");
    /* unknown keys, with the nearest one; a substrate listed twice */
    expect_error(BODY_BASE "vessels:\n  permability: {oxygen: 1}\n", STROMA_ERR_UNKNOWN_KEY, 9, 3,
                 "t.yaml:9:3: unknown key vessels.permability; did you mean 'permeability'?");
    expect_error(BODY_BASE BODY_HEAD "    IL6: {unit: pg/mL, conversion: 1, half_life: 60, halflife: 3}\n",
                 STROMA_ERR_UNKNOWN_KEY, 12, 54,
                 "t.yaml:12:54: unknown key body.systemic.IL6.halflife; did you mean 'half_life'?");
    expect_error(BODY_BASE "bodi: {}\n", STROMA_ERR_UNKNOWN_KEY, 8, 1, "unknown key bodi; did you mean 'body'?");
    snprintf(yaml, sizeof yaml, BODY_BASE BODY_HEAD "%s%s", il6, il6);
    expect_error(yaml, STROMA_ERR_PARSE, 13, 5, "duplicate key body.systemic.IL6 (first given at line 12, column 5)");

    /* An unresolved systemic substrate is dropped before the rule tables are built: the rule on `plasma IL6` still
     * resolves, and only the misspelt name is reported. */
    stroma_error err;
    const char *text = BODY_BASE BODY_HEAD "    IL7: {unit: pg/mL, conversion: 1, half_life: 60}\n"
                       "    IL6: {unit: pg/mL, conversion: 1, half_life: 60}\n"
                       "cell_types: {a: {}}\n"
                       "rules:\n  - {type: a, signal: plasma IL6, direction: increases, behaviour: apoptosis, "
                       "saturation: 1, half_max: 1, hill: 1}\n";
    assert_null(load_str(text, &err));
    assert_int_equal(err.count, 1);
    expect_contains(err.message, "t.yaml:12:5: body.systemic: no substrate named 'IL7'");
    /* behaviours of the vessels exist only in a model with vessels */
    expect_error(BODY_BASE "cell_types: {a: {}}\nrules:\n  - {type: a, signal: oxygen, direction: increases, "
                           "behaviour: vessel pruning, saturation: 1, half_max: 1, hill: 1}\n",
                 STROMA_ERR_UNKNOWN_KEY, 10, 64, "no behaviour named 'vessel pruning'");
}

static void test_body_vessel_file(void **state) {
    (void)state;
    const char *head = BODY_BASE VESSELS_OK "  initial: {file: %s}\n"; /* the file name at 11:19 */
    char yaml[1024];
    snprintf(yaml, sizeof yaml, head, "nope.csv");
    expect_error_in(yaml, "models/inline.yaml", STROMA_ERR_NOT_FOUND, NULL, 11, 19,
                    "vessels.initial.file: cannot open vessel file ");
    snprintf(yaml, sizeof yaml, head, "cells.csv");
    expect_error_in(yaml, "models/inline.yaml", STROMA_ERR_PARSE, "models/cells.csv", 1, 7,
                    "the header must be x,y,z,density (got 'x,y,z,type')");
    /* every mistake of the file, at its line and column */
    snprintf(yaml, sizeof yaml, head, "vessels_errors.csv");
    expect_error_in(yaml, "models/inline.yaml", STROMA_ERR_RANGE, "models/vessels_errors.csv", 2, 10,
                    "density must be > 0 (got '0')");
    char csv[1200], model[1200];
    data_path(csv, sizeof csv, "models/vessels_errors.csv");
    data_path(model, sizeof model, "models/inline.yaml");
    stroma_error err;
    assert_null(stroma_model_load_string(yaml, strlen(yaml), model, &err));
    assert_int_equal(err.count, 5);
    char want[5][1400];
    snprintf(want[0], sizeof want[0], "%s:2:10: density must be > 0 (got '0')", csv);
    snprintf(want[1], sizeof want[1], "%s:3:1: point (500, 10, 10) lies outside the domain [0, 100] x [0, 20] x "
                                      "[0, 20] [µm]", csv);
    snprintf(want[2], sizeof want[2], "%s:4:10: density 0.5 is more than vessels.max_density 0.1 [volume fraction]",
             csv);
    snprintf(want[3], sizeof want[3], "%s:5:4: y must be a number (got '1O')", csv);
    snprintf(want[4], sizeof want[4], "%s:6:6: the row has 2 fields; expected 4 (x,y,z,density)", csv);
    for (int i = 0; i < 5; i++) expect_contains(err.message, want[i]);
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
        if (k->type == STROMA_SCHEMA_WORDS || k->type == STROMA_SCHEMA_CHOICE) assert_non_null(k->choices);
        if (k->type == STROMA_SCHEMA_CHOICE && k->has_default) {
            /* the default is the index of a word */
            int words = 1;
            for (const char *c = k->choices; *c; c++) words += *c == ' ';
            assert_true(k->default_value >= 0 && k->default_value < words);
        }
        if (k->max_items > 0) assert_true(k->max_items >= k->min_items);
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
    assert_int_equal(stroma_schema_child(STROMA_KEY_CELL_ATTACK, "cancer", 6), STROMA_KEY_CELL_ATTACK_TYPE);
    assert_int_equal(stroma_schema_parent(STROMA_KEY_CELL_CONTACT_WITH), STROMA_KEY_CELL_CONTACT_TRANSFORM);
    assert_int_equal(stroma_schema_parent(STROMA_KEY_CELL_CONTACT_TRANSFORM), STROMA_KEY_CELL_CONTACT_TRANSFORMS);
    assert_int_equal(stroma_schema_parent(STROMA_KEY_CELL_SECRETION_RATE), STROMA_KEY_CELL_SECRETION_SUBSTRATE);
    assert_int_equal(stroma_schema_child(STROMA_KEY_INITIAL_ANNULUS, "outer", 5), STROMA_KEY_INITIAL_ANNULUS_OUTER);
}

/* ---- vesicles ---- */

/* BASE, a cell type, a state variable and a vesicle class (lines 7-15); tests append lines from 16. */
#define VES_BASE                                                                                            \
    BASE "cell_types:\n  cancer: {volume: 2494}\n"                                                          \
         "state_variables:\n  m21: {}\n"                                                                    \
         "vesicles:\n  exo:\n    diameter: 100\n    decay: 0.01\n    release: {cancer: 1}\n"

static void test_vesicles_section(void **state) {
    (void)state;
    /* a valid class: its field is a substrate appended after the declared ones; names elsewhere find it */
    stroma_error err;
    stroma_model *m = load_str(VES_BASE "    cargo: {m21: 7}\n    uptake: {cancer: {rate: 0.5, half_max: 1e9}}\n"
                               "rules:\n  - {type: cancer, signal: exo, direction: increases, behaviour: exo uptake,\n"
                               "     saturation: 1, half_max: 1e9, hill: 1}\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->nsub, 2);
    assert_string_equal(m->substrates[1].name, "exo");
    assert_string_equal(m->substrates[1].unit, "particles/mL");
    assert_int_equal(m->vesicles.nclasses, 1);
    assert_int_equal(m->vesicles.first_substrate, 1);
    const stroma_vesicle_class_desc *c = &m->vesicles.classes[0];
    assert_int_equal(c->substrate, 1);
    assert_true(c->cargo[0] == 7 && c->release[0] == 1 && c->uptake_rate[0] == 0.5 && c->uptake_half_max[0] == 1e9);
    assert_true(m->substrates[1].decay_per_min == 0.01);
    assert_true(fabs(m->substrates[1].diffusion_um2_per_min - 0.3 * stroma_vesicle_stokes_einstein(100)) < 1e-9);
    assert_int_equal(stroma_vesicle_class_of(m, 1), 0);
    assert_int_equal(stroma_vesicle_class_of(m, 0), -1);
    /* rules offer release and uptake, not the secretion family */
    assert_true(stroma_rule_behaviour_find(&m->rule_tables, "exo release") >= 0);
    assert_true(stroma_rule_behaviour_find(&m->rule_tables, "exo uptake") >= 0);
    assert_int_equal(stroma_rule_behaviour_find(&m->rule_tables, "exo secretion"), -1);
    assert_true(stroma_rule_signal_find(&m->rule_tables, "exo") >= 0);
    assert_string_equal(stroma_model_warnings(m), "");
    stroma_model_destroy(&m);

    /* cargo names a state variable that is not declared */
    expect_error(VES_BASE "    cargo: {miR-21: 5}\n", STROMA_ERR_UNKNOWN_KEY, 16, 13,
                 "vesicles.exo.cargo: no state variable named 'miR-21'");
    /* negative diameter, release, uptake rate, cargo; a half_max of 0 */
    expect_error(BASE "cell_types:\n  cancer: {volume: 2494}\nvesicles:\n  exo: {diameter: -100, decay: 0}\n",
                 STROMA_ERR_RANGE, 10, 19, "vesicles.exo.diameter must be > 0 (got -100) [nm]");
    expect_error(BASE "cell_types:\n  cancer: {volume: 2494}\nvesicles:\n  exo: {diameter: 100, decay: 0, release: "
                      "{cancer: -1}}\n",
                 STROMA_ERR_RANGE, 10, 52, "vesicles.exo.release.cancer must be >= 0 (got -1) [vesicles/cell/min]");
    expect_error(VES_BASE "    uptake: {cancer: {rate: -0.5, half_max: 1e9}}\n", STROMA_ERR_RANGE, 16, 29,
                 "vesicles.exo.uptake.cancer.rate must be >= 0 (got -0.5) [vesicles/cell/min]");
    expect_error(VES_BASE "    uptake: {cancer: {rate: 0.5, half_max: 0}}\n", STROMA_ERR_RANGE, 16, 44,
                 "vesicles.exo.uptake.cancer.half_max must be > 0 (got 0) [particles/mL]");
    expect_error(VES_BASE "    cargo: {m21: -2}\n", STROMA_ERR_RANGE, 16, 18, "vesicles.exo.cargo.m21 must be >= 0");
    /* a class named like a substrate */
    expect_error(BASE "cell_types:\n  cancer: {volume: 2494}\nvesicles:\n  oxygen: {diameter: 100, decay: 0, "
                      "release: {cancer: 1}}\n",
                 STROMA_ERR_RANGE, 10, 3, "vesicles.oxygen: a substrate is called oxygen too (substrates.oxygen, line 4)");
    /* release and uptake name cell types */
    expect_error(VES_BASE "    uptake: {fibroblast: {rate: 0.5, half_max: 1e9}}\n", STROMA_ERR_UNKNOWN_KEY, 16, 14,
                 "vesicles.exo.uptake: no cell type named 'fibroblast'");
    /* diffusion given and tissue_factor too */
    expect_error(VES_BASE "    diffusion: 100\n    tissue_factor: 0.2\n", STROMA_ERR_RANGE, 17, 5,
                 "vesicles.exo.tissue_factor scales the Stokes-Einstein default of diffusion, but "
                 "vesicles.exo.diffusion is given");
    /* vesicles are not a cytokine: no secretion, no sources */
    expect_error(BASE "cell_types:\n  cancer: {volume: 2494, secretion: {exo: {rate: 1, saturation: 1}}}\n"
                      "vesicles:\n  exo: {diameter: 100, decay: 0, release: {cancer: 1}}\n",
                 STROMA_ERR_RANGE, 8, 38, "exo is a vesicle class: cells release it through vesicles.exo.release");
    expect_error(BASE "sources:\n  - {substrate: exo, at: [10, 10, 10], secretion: 1, saturation: 1}\n"
                      "vesicles:\n  exo: {diameter: 100, decay: 0}\n",
                 STROMA_ERR_RANGE, 8, 17, "sources[0].substrate: exo is a vesicle class");
    /* names of other sections resolve to classes: a class in vessels.permeability without body.systemic */
    expect_error(VES_BASE "vessels:\n  initial: {uniform: 0.01}\n  permeability: {exo: 0.1}\n", STROMA_ERR_RANGE, 18, 18,
                 "vessels.permeability.exo: exo crosses the vessel wall");
    /* a class no cell type releases loads, with a warning at the class */
    m = load_str(BASE "vesicles:\n  exo: {diameter: 100, decay: 0.01, initial: 1e9}\n", &err);
    if (!m) fail_msg("%s", err.message);
    expect_contains(stroma_model_warnings(m), "t.yaml:8:3: warning: vesicles.exo: no cell type releases this class");
    stroma_model_destroy(&m);
}

/* The recruitment: section: every value as written, defaults, and the entries in file order with their types and
 * signals resolved; a describe line. */
static void test_recruitment_section(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = load_str(BASE "  CCL2: {diffusion: 1000, decay: 0.01}\n"
                                    "cell_types:\n  T: {}\n  macrophage: {}\n  MDSC: {}\n"
                                    "vessels:\n  initial: {uniform: 0.05}\n"
                                    "recruitment:\n"
                                    "  MDSC: {rate: 0.5, max_cells: 7}\n"
                                    "  macrophage: {rate: 0.25, signal: CCL2, half_max: 3, hill: 2.5, basal: 0.2, "
                                    "max_cells: 150}\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    const stroma_recruitment_desc *r = &m->recruitment;
    assert_int_equal(r->present, 1);
    assert_int_equal(r->n, 2);
    assert_int_equal(r->entries[0].type, 2);
    assert_true(r->entries[0].rate_per_min_mm2 == 0.5);
    assert_int_equal(r->entries[0].signal, -1);
    assert_true(r->entries[0].hill == 1 && r->entries[0].basal == 0);
    assert_int_equal(r->entries[0].max_cells, 7);
    assert_int_equal(r->entries[1].type, 1);
    assert_true(r->entries[1].rate_per_min_mm2 == 0.25);
    assert_int_equal(r->entries[1].signal, 1);
    assert_true(r->entries[1].half_max == 3 && r->entries[1].hill == 2.5 && r->entries[1].basal == 0.2);
    assert_int_equal(r->entries[1].max_cells, 150);
    char buf[4096];
    stroma_model_describe(m, buf, sizeof buf);
    expect_contains(buf, "recruitment from the vessels: 2 cell types\n  MDSC: 0.5 cells/min/mm² of vessel wall, up "
                         "to 7 live cells\n  macrophage: 0.25 cells/min/mm² of vessel wall x (0.2 + 0.8 H(CCL2; half "
                         "max 3, hill 2.5)), up to 150 live cells\n");
    stroma_model_destroy(&m);
    /* absent or empty: nothing */
    m = load_str(BASE "recruitment: {}\n", &err);
    if (!m) fail_msg("%s", err.message);
    assert_int_equal(m->recruitment.present, 0);
    assert_int_equal(m->recruitment.n, 0);
    stroma_model_destroy(&m);
    /* basal out of range, max_cells negative: where they are written */
    expect_error(BASE "cell_types:\n  T: {}\nvessels:\n  initial: {uniform: 0.05}\nrecruitment:\n"
                      "  T: {rate: 1, signal: oxygen, half_max: 1, basal: 1.5, max_cells: -1}\n",
                 STROMA_ERR_RANGE, 12, 52, "recruitment.T.basal must be between 0 and 1 (got 1.5)");
    expect_error(BASE "cell_types:\n  T: {}\nvessels:\n  initial: {uniform: 0.05}\nrecruitment:\n"
                      "  T: {rate: 1, max_cells: -1}\n",
                 STROMA_ERR_RANGE, 12, 27, "recruitment.T.max_cells must be between 0 and 1000000000 (got -1)");
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

/* The ecm: section: every value as written, and each bad input at its file:line:col. */
#define ECM_BASE                                                                                              \
    "domain: {x: [0, 400], y: [0, 400], z: [0, 20], voxel: 20}\n"                                          \
    "time: {end: 60, dt_diffusion: 0.1}\n"                                                                  \
    "substrates:\n  MMP: {diffusion: 100, decay: 0.01}\n  IL6: {diffusion: 2000, decay: 0.01}\n"          \
    "cell_types:\n  CAF: {}\n  T: {}\n"
static void test_ecm_section(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = load_str(ECM_BASE "ecm:\n  initial: 1\n  max_density: 8\n"
                                        "  regions:\n    - {density: 5, box: {lo: [0, 180, 0], hi: [400, 220, 20]}}\n"
                                        "    - {density: 2, annulus: {center: [200, 200, 10], inner: 60, outer: 90}}\n"
                                        "    - {density: 3, sphere: {center: [100, 300, 10], radius: 40}}\n"
                                        "  deposition: {CAF: 0.01}\n  migration: {T: 0.5}\n  hindrance: {IL6: 0.2}\n"
                                        "  degradation: {substrate: MMP, rate: 0.05, half_max: 2}\n  every: 6\n",
                               &err);
    if (!m) fail_msg("%s", err.message);
    const stroma_ecm_desc *e = &m->ecm;
    assert_true(e->present && e->initial == 1 && e->max_density == 8 && e->nregions == 3 && e->every_min == 6);
    assert_int_equal(e->regions[0].region.kind, STROMA_REGION_BOX);
    assert_true(e->regions[0].density == 5 && e->regions[0].region.hi_um[1] == 220);
    assert_int_equal(e->regions[1].region.kind, STROMA_REGION_ANNULUS);
    assert_true(e->regions[1].region.inner_radius_um == 60 && e->regions[1].region.radius_um == 90);
    assert_int_equal(e->regions[2].region.kind, STROMA_REGION_SPHERE);
    assert_true(e->regions[2].density == 3 && e->regions[2].region.radius_um == 40 &&
                e->regions[2].region.center_um[1] == 300);
    assert_true(e->deposition[0] == 0.01 && e->deposition[1] == 0 && e->migration[1] == 0.5 && e->migration[0] == 0);
    assert_true(e->hindrance[1] == 0.2 && e->hindrance[0] == 0);
    assert_true(e->protease == 0 && e->degradation_per_min == 0.05 && e->degradation_half == 2);
    assert_true(stroma_rule_signal_find(&m->rule_tables, "ECM density") >= 0);
    assert_true(stroma_rule_behaviour_find(&m->rule_tables, "ECM deposition") >= 0);
    stroma_model_destroy(&m);
    /* defaults: every follows dt_phenotype, no protease */
    m = load_str(ECM_BASE "ecm: {}\n", &err);
    if (!m) fail_msg("%s", err.message);
    assert_true(m->ecm.present && m->ecm.every_min == 6 && m->ecm.protease == -1 && m->ecm.max_density == 10);
    stroma_model_destroy(&m);
    m = load_str(ECM_BASE, &err);
    assert_true(m && !m->ecm.present && m->ecm.protease == -1);
    stroma_model_destroy(&m);
    /* bad input */
    expect_error(ECM_BASE "ecm:\n  deposition: {CAFF: 0.01}\n", STROMA_ERR_UNKNOWN_KEY, 10, 16,
                 "ecm.deposition: no cell type named 'CAFF'; did you mean 'CAF'?");
    expect_error(ECM_BASE "ecm:\n  hindrance: {IL6: 200}\n", STROMA_ERR_RANGE, 10, 20,
                 "ecm.hindrance.IL6 must be between 0 and 100 (got 200)");
    expect_error(ECM_BASE "ecm:\n  migration: {T: -1}\n", STROMA_ERR_RANGE, 10, 18, "ecm.migration.T");
    expect_error(ECM_BASE "ecm:\n  regions: [{density: 5}]\n", STROMA_ERR_MISSING, 10, 13,
                 "give exactly one of box, disc, annulus, sphere (got 0)");
    expect_error(ECM_BASE "ecm:\n  initial: 12\n", STROMA_ERR_RANGE, 10, 12, "ecm.initial 12 is more than ecm.max_density 10");
    expect_error(ECM_BASE "ecm:\n  every: 0.25\n", STROMA_ERR_RANGE, 10, 10,
                 "ecm.every (0.25) must be a whole multiple of time.dt_diffusion 0.1");
    expect_error(ECM_BASE "ecm:\n  degradation: {substrate: MMX, rate: 1}\n", STROMA_ERR_UNKNOWN_KEY, 10, 28,
                 "did you mean 'MMP'?");
    expect_error(ECM_BASE "ecm:\n  regions: [{density: 1, annulus: {center: [200, 200, 10], inner: 60, outer: 50}}]\n",
                 STROMA_ERR_RANGE, 10, 78, "outer (50) must be above inner (60)");
    expect_error(ECM_BASE "ecm:\n  regions: [{density: 1, disc: {center: [900, 200, 10], radius: 5}}]\n",
                 STROMA_ERR_RANGE, 10, 41, "lies outside the domain");
    expect_error(ECM_BASE "ecm:\n  regions: [{density: 1, sphere: {center: [200, 200, 90], radius: 5}}]\n",
                 STROMA_ERR_RANGE, 10, 43, "lies outside the domain");
    expect_error("domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}\ntime: {end: 1, dt_diffusion: 0.1}\n"
                 "substrates:\n  ECM: {diffusion: 1, decay: 0}\necm: {}\n",
                 STROMA_ERR_RANGE, 4, 3, "substrates.ECM: this name is the matrix field's");
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
        cmocka_unit_test(test_fixed_conflicts),
        cmocka_unit_test(test_long_lists_fast),
        cmocka_unit_test(test_source_rules),
        cmocka_unit_test(test_duplicates_and_missing),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_too_large_and_overflow),
        cmocka_unit_test(test_voxel_volume_finite),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_cell_types_every_field),
        cmocka_unit_test(test_cell_type_defaults),
        cmocka_unit_test(test_cell_type_chemotaxis_sensitivities),
        cmocka_unit_test(test_cell_type_errors),
        cmocka_unit_test(test_output_images),
        cmocka_unit_test(test_time_steps),
        cmocka_unit_test(test_interval_steps),
        cmocka_unit_test(test_initial_cells_rules),
        cmocka_unit_test(test_initial_cells_csv),
        cmocka_unit_test(test_rules_every_field),
        cmocka_unit_test(test_rules_errors),
        cmocka_unit_test(test_state_variable_errors),
        cmocka_unit_test(test_rules_csv),
        cmocka_unit_test(test_body_every_field),
        cmocka_unit_test(test_body_defaults),
        cmocka_unit_test(test_body_errors),
        cmocka_unit_test(test_ecm_section),
        cmocka_unit_test(test_body_vessel_file),
        cmocka_unit_test(test_schema_table_consistent),
        cmocka_unit_test(test_vesicles_section),
        cmocka_unit_test(test_recruitment_section),
        cmocka_unit_test(test_reference_manual_matches_schema),
        cmocka_unit_test(test_overrides_apply),
        cmocka_unit_test(test_overrides_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
