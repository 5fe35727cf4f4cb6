/* Unit tests for checkpoints (src/sim/checkpoint.c, the sections of sim.c and cells): the byte reader refuses
 * reads past its end; a simulation saved mid-run and restored into a fresh simulation of the same model
 * continues bit-identically; a checkpoint with any single byte changed is refused (never crashes, never
 * loads); registry misuse is refused. Runs under ASan+UBSan too. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/checkpoint.h"
#include "sim/sim.h"
#include "stroma/stroma.h"
#include "util/buf.h"

/* cells that move, divide, die, secrete and follow a rule with a state variable */
static const char *model_text =
    "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
    "time: {end: 60, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 1}\n"
    "seed: 7\n"
    "substrates:\n"
    "  o: {diffusion: 1000, decay: 0.1, initial: 10}\n"
    "  f: {diffusion: 500, decay: 0.05}\n"
    "cell_types:\n"
    "  a:\n"
    "    cycle: {model: exponential, duration: 30}\n"
    "    death: {apoptosis: {rate: 0.01, duration: 20}}\n"
    "    motility: {speed: 1, persistence: 2}\n"
    "    secretion: {f: {rate: 1, saturation: 5}, o: {uptake: 0.5}}\n"
    "state_variables:\n"
    "  s: {production: {a: 0.1}, decay: {a: 0.01}}\n"
    "rules:\n"
    "  - {type: a, signal: o, direction: decreases, behaviour: migration speed, saturation: 0.1, half_max: 5, "
    "hill: 2}\n"
    "  - {type: a, signal: apoptotic, direction: increases, behaviour: f secretion, saturation: 3, half_max: 0.5, "
    "hill: 2, apply_to_dead: true}\n"
    "initial_cells:\n"
    "  - {type: a, count: 20, box: {lo: [40, 40, 10], hi: [160, 160, 10]}}\n";

static void test_reader_bounds(void **state) {
    (void)state;
    stroma_buf b = {0};
    stroma_buf_put_u32(&b, 7);
    stroma_buf_put_str(&b, "abc");
    stroma_reader r = {b.data, b.len, 0, 0};
    assert_int_equal(stroma_reader_u32(&r), 7);
    char s[8];
    stroma_reader_str(&r, s, sizeof s);
    assert_string_equal(s, "abc");
    assert_int_equal(r.bad, 0);
    assert_true(stroma_reader_u64(&r) == 0); /* past the end: zero and bad */
    assert_int_equal(r.bad, 1);
    /* a string longer than its buffer is refused */
    stroma_reader r2 = {b.data, b.len, 4, 0};
    char tiny[3];
    stroma_reader_str(&r2, tiny, sizeof tiny);
    assert_int_equal(r2.bad, 1);
    stroma_buf_free(&b);
}

static stroma_sim *make_sim(stroma_model **m) {
    stroma_error err;
    *m = stroma_model_load_string(model_text, strlen(model_text), "ck.yaml", &err);
    if (!*m) fail_msg("model: %s", err.message);
    stroma_sim *sim = stroma_sim_create(*m, NULL, &err);
    if (!sim) fail_msg("sim: %s", err.message);
    return sim;
}

static void same_state(const stroma_sim *a, const stroma_sim *b) {
    assert_true(a->step == b->step);
    size_t nf = a->transport->mesh.nvox * (size_t)a->transport->nsub;
    assert_memory_equal(a->transport->c, b->transport->c, nf * sizeof(double));
    const stroma_cells *ca = &a->cells.cells, *cb = &b->cells.cells;
    assert_int_equal(ca->n, cb->n);
    assert_true(ca->next_id == cb->next_id);
    assert_memory_equal(ca->id, cb->id, ca->n * sizeof(int64_t));
    assert_memory_equal(ca->x, cb->x, ca->n * sizeof(double));
    assert_memory_equal(ca->pvy, cb->pvy, ca->n * sizeof(double));
    assert_memory_equal(ca->state, cb->state, ca->n);
    assert_memory_equal(ca->svar, cb->svar, ca->n * (size_t)ca->nstate * sizeof(double));
    assert_memory_equal(ca->secretion, cb->secretion, ca->n * (size_t)ca->nsub * sizeof(double));
    assert_true(a->cells.counters.births == b->cells.counters.births);
}

/* Save at 30 min, restore into a new simulation, run both to 60 min: identical fields and cells. */
static void test_round_trip_continues_identically(void **state) {
    (void)state;
    char path[] = "/tmp/stroma_ckpt_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    stroma_model *ma, *mb;
    stroma_sim *a = make_sim(&ma), *b = make_sim(&mb);
    stroma_error err;
    for (int k = 0; k < 300; k++) assert_int_equal(stroma_sim_step(a, &err), STROMA_OK);
    assert_true(a->cells.counters.births > 0 && a->cells.counters.apoptoses > 0);
    stroma_checkpoint_meta meta = {.seed = 7, .end_min = 60, .step = a->step, .time_min = 30};
    snprintf(meta.model_path, sizeof meta.model_path, "ck.yaml");
    snprintf(meta.solver, sizeof meta.solver, "lod");
    assert_int_equal(stroma_checkpoint_write(path, &meta, &a->state, &err), STROMA_OK);
    stroma_checkpoint_meta got;
    stroma_buf payload;
    assert_int_equal(stroma_checkpoint_read(path, &got, &payload, &err), STROMA_OK);
    assert_true(got.step == 300 && got.time_min == 30 && got.seed == 7);
    assert_string_equal(got.solver, "lod");
    assert_int_equal(stroma_checkpoint_restore(path, &payload, &b->state, &err), STROMA_OK);
    stroma_buf_free(&payload);
    same_state(a, b);
    for (int k = 0; k < 300; k++) {
        assert_int_equal(stroma_sim_step(a, &err), STROMA_OK);
        assert_int_equal(stroma_sim_step(b, &err), STROMA_OK);
    }
    same_state(a, b);

    /* every single-byte change is refused by read (header, length, checksum) */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *bytes = malloc((size_t)size);
    assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    int refused = 0, tried = 0;
    for (long at = 0; at < size; at += at < 200 ? 1 : 997) {
        bytes[at] ^= 0x41;
        f = fopen(path, "wb");
        fwrite(bytes, 1, (size_t)size, f);
        fclose(f);
        bytes[at] ^= 0x41;
        tried++;
        stroma_buf p2;
        if (stroma_checkpoint_read(path, &got, &p2, &err) != STROMA_OK) {
            refused++;
            assert_true(err.code == STROMA_ERR_ARGUMENT);
            assert_non_null(strstr(err.message, path));
        } else {
            stroma_buf_free(&p2);
        }
    }
    assert_int_equal(refused, tried);
    free(bytes);
    unlink(path);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&ma);
    stroma_model_destroy(&mb);
}

/* A checksum-valid payload whose sections do not fit (another model) is refused by restore. */
static void test_restore_refuses_other_model(void **state) {
    (void)state;
    char path[] = "/tmp/stroma_ckpt_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    stroma_model *ma;
    stroma_sim *a = make_sim(&ma);
    stroma_error err;
    stroma_checkpoint_meta meta = {.seed = 7, .end_min = 60};
    assert_int_equal(stroma_checkpoint_write(path, &meta, &a->state, &err), STROMA_OK);
    const char *other = "domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}\n"
                        "time: {end: 1, dt_diffusion: 0.1}\n"
                        "substrates:\n  o: {diffusion: 1000, decay: 0.1, initial: 1}\n";
    stroma_model *mo = stroma_model_load_string(other, strlen(other), "o.yaml", &err);
    stroma_sim *o = stroma_sim_create(mo, NULL, &err);
    stroma_checkpoint_meta got;
    stroma_buf payload;
    assert_int_equal(stroma_checkpoint_read(path, &got, &payload, &err), STROMA_OK);
    assert_int_equal(stroma_checkpoint_restore(path, &payload, &o->state, &err), STROMA_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "state sections"));
    stroma_buf_free(&payload);
    /* a section name registered twice is refused */
    stroma_state_registry reg = {0};
    assert_int_equal(stroma_state_register(&reg, "clock", 1, o, o->state.s[0].save, o->state.s[0].load, &err),
                     STROMA_OK);
    assert_int_equal(stroma_state_register(&reg, "clock", 1, o, o->state.s[0].save, o->state.s[0].load, &err),
                     STROMA_ERR_INTERNAL);
    unlink(path);
    stroma_sim_destroy(&o);
    stroma_model_destroy(&mo);
    stroma_sim_destroy(&a);
    stroma_model_destroy(&ma);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_bounds),
        cmocka_unit_test(test_round_trip_continues_identically),
        cmocka_unit_test(test_restore_refuses_other_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
