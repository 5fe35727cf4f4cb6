/* Unit tests for checkpoints (src/sim/checkpoint.c, the sections of sim.c and cells): the byte reader refuses
 * reads past its end; a simulation saved mid-run and restored into a fresh simulation of the same model
 * continues bit-identically; a checkpoint with any single byte changed is refused (never crashes, never
 * loads); registry misuse is refused; a run with vessels and a body stopped and resumed writes the same outputs.
 * Runs under ASan+UBSan too. */
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

#include "io/outdir.h"
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

/* Create an empty file from the mkstemp template `path` (rewritten in place with its name). */
static void make_temp_file(char *path) {
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
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
    make_temp_file(path);
    stroma_model *ma, *mb;
    stroma_sim *a = make_sim(&ma), *b = make_sim(&mb);
    stroma_error err;
    for (int k = 0; k < 300; k++) assert_int_equal(stroma_sim_step(a, &err), STROMA_OK);
    assert_true(a->cells.counters.births > 0 && a->cells.counters.apoptoses > 0);
    stroma_checkpoint_meta meta = {.seed = 7, .end_min = 60, .step = a->step, .time_min = 30};
    snprintf(meta.model_path, sizeof meta.model_path, "ck.yaml");
    snprintf(meta.model_arg, sizeof meta.model_arg, "ck.yaml");
    memset(meta.model_sha256, 'a', 64);
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
    make_temp_file(path);
    stroma_model *ma;
    stroma_sim *a = make_sim(&ma);
    stroma_error err;
    stroma_checkpoint_meta meta = {.seed = 7, .end_min = 60};
    snprintf(meta.model_path, sizeof meta.model_path, "ck.yaml");
    snprintf(meta.model_arg, sizeof meta.model_arg, "ck.yaml");
    memset(meta.model_sha256, 'a', 64);
    snprintf(meta.solver, sizeof meta.solver, "lod");
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

/* ---- every field of every module, by the modules' own tables ---- */

/* The model of tests/data/every_feature: every cell feature, so every field takes non-default values. */
static stroma_sim *make_every_feature_sim(stroma_model **m) {
    const char *data = getenv("STROMA_TEST_DATA");
    assert_non_null(data);
    char path[1024];
    snprintf(path, sizeof path, "%s/every_feature/model.yaml", data);
    stroma_error err;
    *m = stroma_model_load(path, &err);
    if (!*m) fail_msg("model: %s", err.message);
    stroma_sim *sim = stroma_sim_create(*m, NULL, &err);
    if (!sim) fail_msg("sim: %s", err.message);
    return sim;
}

static void write_ckpt(const char *path, stroma_sim *a) {
    stroma_error err;
    stroma_checkpoint_meta meta = {.seed = 11, .end_min = 240, .step = a->step, .time_min = stroma_sim_time(a)};
    snprintf(meta.model_path, sizeof meta.model_path, "/abs/every_feature.yaml");
    snprintf(meta.model_arg, sizeof meta.model_arg, "every_feature.yaml");
    memset(meta.model_sha256, 'a', 64);
    snprintf(meta.solver, sizeof meta.solver, "lod");
    if (stroma_checkpoint_write(path, &meta, &a->state, &err) != STROMA_OK) fail_msg("write: %s", err.message);
}

/* Restore `path` into b; returns the code, message in err. */
static stroma_code restore_ckpt(const char *path, stroma_sim *b, stroma_error *err) {
    stroma_checkpoint_meta got;
    stroma_buf payload;
    stroma_code rc = stroma_checkpoint_read(path, &got, &payload, err);
    if (rc != STROMA_OK) return rc;
    rc = stroma_checkpoint_restore(path, &payload, &b->state, err);
    stroma_buf_free(&payload);
    return rc;
}

/* Is every element of a per-cell field at the value a new cell gets (0; -1 for attached_id)? */
static int field_is_default(const stroma_cells_field *f, size_t n) {
    const unsigned char *p = f->data;
    for (size_t j = 0; j < n * f->per_cell; j++) {
        const unsigned char *e = p + j * f->elem_size;
        if (strcmp(f->name, "attached_id") == 0) {
            int64_t v;
            memcpy(&v, e, sizeof v);
            if (v != -1) return 0;
        } else {
            for (size_t b = 0; b < f->elem_size; b++)
                if (e[b]) return 0;
        }
    }
    return 1;
}

/* Run the every-feature model for 90 min; check that every per-cell field, engine counter and field holds
 * non-default values (the model exercises them all), move every real number of every field off its value,
 * save, restore into a fresh simulation and compare every field through the same tables; saving the restored
 * simulation gives the same bytes. A reader that forgot one field (damage, say) fails here. */
static void test_every_field_round_trips(void **state) {
    (void)state;
    char path[] = "/tmp/stroma_ckpt_XXXXXX";
    make_temp_file(path);
    stroma_model *ma, *mb;
    stroma_sim *a = make_every_feature_sim(&ma), *b = make_every_feature_sim(&mb);
    stroma_error err;
    for (int k = 0; k < 1800; k++) assert_int_equal(stroma_sim_step(a, &err), STROMA_OK);
    stroma_cells *c = &a->cells.cells;
    stroma_cells_field fa[64], fb[64];
    size_t nf = stroma_cells_fields(c, fa, 64);
    assert_true(nf > 20 && nf <= 64);
    for (size_t f = 0; f < nf; f++)
        if (field_is_default(&fa[f], c->n)) fail_msg("the every-feature model leaves cell field '%s' at its default", fa[f].name);
    stroma_engine_scalar sa[16], sb[16];
    size_t ns = stroma_cell_engine_scalars(&a->cells, sa, 16);
    assert_true(ns >= 9 && ns <= 16);
    for (size_t k = 0; k < ns; k++)
        if (*sa[k].value <= 0) fail_msg("the every-feature model leaves engine counter '%s' at 0", sa[k].name);
    /* every real number moves off the value the run gave it (positions stay inside the domain) */
    for (size_t f = 0; f < nf; f++) {
        if (fa[f].kind != STROMA_CELL_F64) continue;
        double *v = fa[f].data;
        int pos = !strcmp(fa[f].name, "x") || !strcmp(fa[f].name, "y") || !strcmp(fa[f].name, "z");
        /* rates and rule-set behaviours must stay within what the model can give (the reader checks): they
         * shrink towards 0, which every such range holds */
        int rate = !strcmp(fa[f].name, "secretion") || !strcmp(fa[f].name, "saturation") ||
                   !strcmp(fa[f].name, "uptake") || !strcmp(fa[f].name, "export_rate") || !strcmp(fa[f].name, "beh");
        for (size_t j = 0; j < c->n * fa[f].per_cell; j++)
            if (rate)
                v[j] *= 0.875 - 1e-3 * (double)f;
            else
                v[j] += pos ? 1e-6 : 0.125 + 1e-3 * (double)f;
    }
    for (size_t k = 2; k < ns; k++) *sa[k].value += 1000 + (int64_t)k; /* counters (clocks must match the step) */
    size_t nfield = a->transport->mesh.nvox * (size_t)a->transport->nsub;
    for (size_t k = 0; k < nfield; k++) a->transport->c[k] += 0.5 + 1e-4 * (double)k;

    write_ckpt(path, a);
    assert_int_equal(restore_ckpt(path, b, &err), STROMA_OK);
    assert_true(a->step == b->step);
    assert_memory_equal(a->transport->c, b->transport->c, nfield * sizeof(double));
    assert_int_equal(stroma_cells_fields(&b->cells.cells, fb, 64), nf);
    assert_int_equal(b->cells.cells.n, c->n);
    assert_true(b->cells.cells.next_id == c->next_id);
    for (size_t f = 0; f < nf; f++) {
        assert_string_equal(fa[f].name, fb[f].name);
        if (memcmp(fa[f].data, fb[f].data, c->n * fa[f].per_cell * fa[f].elem_size) != 0)
            fail_msg("cell field '%s' differs after restore", fa[f].name);
    }
    assert_int_equal(stroma_cell_engine_scalars(&b->cells, sb, 16), ns);
    for (size_t k = 0; k < ns; k++)
        if (*sa[k].value != *sb[k].value) fail_msg("engine '%s' differs after restore", sa[k].name);
    /* and the restored state saves to the same bytes */
    stroma_buf pa = {0}, pb = {0};
    for (int s = 0; s < a->state.n; s++) a->state.s[s].save(a->state.s[s].ctx, &pa);
    for (int s = 0; s < b->state.n; s++) b->state.s[s].save(b->state.s[s].ctx, &pb);
    assert_int_equal(pa.len, pb.len);
    assert_memory_equal(pa.data, pb.data, pa.len);
    stroma_buf_free(&pa);
    stroma_buf_free(&pb);
    unlink(path);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&ma);
    stroma_model_destroy(&mb);
}

/* A checkpoint is input: a crafted state (checksum valid) is refused with STROMA_ERR_ARGUMENT and a message
 * that says what is wrong, never loaded. Each case changes one thing in a real mid-run state. */
typedef void (*spoil_fn)(stroma_sim *s);
static void spoil_type(stroma_sim *s) { s->cells.cells.type[3] = 99; }
static void spoil_state(stroma_sim *s) { s->cells.cells.state[2] = 7; }
static void spoil_phase(stroma_sim *s) { s->cells.cells.phase[0] = 5; }
static void spoil_x_nan(stroma_sim *s) { s->cells.cells.x[1] = NAN; }
static void spoil_y_out(stroma_sim *s) { s->cells.cells.y[4] = 1e6; }
static void spoil_svar_inf(stroma_sim *s) { s->cells.cells.svar[0] = INFINITY; }
static void spoil_ids(stroma_sim *s) { s->cells.cells.id[5] = s->cells.cells.id[4]; }
static void spoil_next_id(stroma_sim *s) { s->cells.cells.next_id = 0; }
static void spoil_attached(stroma_sim *s) { s->cells.cells.attached_id[6] = 999999; }
static void spoil_volume(stroma_sim *s) { s->cells.cells.volume_um3[7] = -1; }
static void spoil_counter(stroma_sim *s) { s->cells.counters.kills = -5; }
static void spoil_clock(stroma_sim *s) { s->cells.phen_step += 3; }
static void spoil_field(stroma_sim *s) { s->transport->c[10] = NAN; }
/* finite but beyond anything the model gives (a fuzzer's repulsion of 3e299 overflowed the forces later) */
static void spoil_behaviour(stroma_sim *s) { s->cells.cells.beh[2 * (size_t)s->cells.cells.nbeh] = 3e299; }
static void spoil_negative_behaviour(stroma_sim *s) { s->cells.cells.beh[1] = -1e-3; }
static void spoil_secretion(stroma_sim *s) { s->cells.cells.secretion[5 * (size_t)s->cells.cells.nsub] = 1e200; }
static void spoil_volume_part(stroma_sim *s) {
    s->cells.cells.vol[3 * (size_t)s->cells.cells.nvol + STROMA_VOL_FLUID] = -2;
}
/* a tumour cell's (volume_parts) nuclear solid target far beyond the doubled type's */
static void spoil_volume_target(stroma_sim *s) {
    stroma_cells *c = &s->cells.cells;
    size_t i = 0;
    while (i + 1 < c->n && c->type[i] != 0) i++;
    c->vol[i * (size_t)c->nvol + STROMA_VOL_TARGET_NUCLEAR_SOLID] = 1e300;
}

static void test_crafted_state_refused(void **state) {
    (void)state;
    static const struct {
        spoil_fn spoil;
        const char *says;
    } cases[] = {
        {spoil_type, "type"},           {spoil_state, "state"},          {spoil_phase, "phase"},
        {spoil_x_nan, "x is not finite"}, {spoil_y_out, "outside the domain"}, {spoil_svar_inf, "svar is not finite"},
        {spoil_ids, "id"},              {spoil_next_id, "next id"},      {spoil_attached, "attached"},
        {spoil_volume, "volume"},       {spoil_counter, "kills is negative"}, {spoil_clock, "clocks"},
        {spoil_field, "not finite"},    {spoil_behaviour, "outside what this model can give"},
        {spoil_negative_behaviour, "outside what this model"}, {spoil_secretion, "secretion rate of substrate 0"},
        {spoil_volume_part, "its volume parts"}, {spoil_volume_target, "its volume parts"},
    };
    char path[] = "/tmp/stroma_ckpt_XXXXXX";
    make_temp_file(path);
    stroma_error err;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        stroma_model *ma, *mb;
        stroma_sim *a = make_every_feature_sim(&ma), *b = make_every_feature_sim(&mb);
        for (int s = 0; s < 200; s++) assert_int_equal(stroma_sim_step(a, &err), STROMA_OK);
        assert_true(a->cells.cells.n > 10);
        cases[k].spoil(a);
        write_ckpt(path, a);
        stroma_code rc = restore_ckpt(path, b, &err);
        if (rc != STROMA_ERR_ARGUMENT || !strstr(err.message, cases[k].says))
            fail_msg("case %zu: expected a refusal saying '%s', got %d: %s", k, cases[k].says, rc, err.message);
        /* what was refused is not half-loaded: the cells are gone, the simulation still steps */
        assert_int_equal(stroma_sim_step(b, &err), STROMA_OK);
        stroma_sim_destroy(&a);
        stroma_sim_destroy(&b);
        stroma_model_destroy(&ma);
        stroma_model_destroy(&mb);
    }
    unlink(path);
}

/* ---- a run with vessels and a body, interrupted and resumed ---- */

static int stop_at_45(void *user, double t_min, double end_min) {
    (void)end_min;
    *(int *)user += t_min >= 45;
    return t_min >= 45;
}

/* The whole text of dir/rel (NUL-terminated; *n bytes), or NULL. */
static char *slurp_file(const char *dir, const char *rel, size_t *n) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    p[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* tests/cli/models/body_small.yaml (vessels, IL6 and VEGF in plasma) run whole, and run with a stop at t = 45 min
 * (between checkpoints: the state there is saved) then resumed: the body's outputs — the plasma and vessel columns
 * of timeseries.csv, summary.json's keys, the vessel density field, the pictures — are byte-identical. */
static void test_body_run_resumes_identically(void **state) {
    (void)state;
    const char *data = getenv("STROMA_TEST_DATA");
    assert_non_null(data);
    char model[1024], base[] = "/tmp/stroma_test_body_XXXXXX", a[1100], b[1100];
    snprintf(model, sizeof model, "%s/../cli/models/body_small.yaml", data);
    assert_non_null(mkdtemp(base));
    snprintf(a, sizeof a, "%s/a", base);
    snprintf(b, sizeof b, "%s/b", base);
    stroma_run_options ro = {.checkpoint_every_min = 30};
    stroma_error err;
    for (int run = 0; run < 2; run++) {
        stroma_model *m = stroma_model_load(model, &err);
        if (!m) fail_msg("model: %s", err.message);
        stroma_sim *sim = stroma_sim_create(m, NULL, &err);
        assert_non_null(sim);
        int stops = 0;
        stroma_code rc = stroma_run_with(sim, run ? b : a, &ro, run ? stop_at_45 : NULL, &stops, &err);
        assert_int_equal(rc, run ? STROMA_ERR_INTERRUPTED : STROMA_OK);
        stroma_sim_destroy(&sim);
        stroma_model_destroy(&m);
    }
    if (stroma_resume(b, NULL, NULL, NULL, &err) != STROMA_OK) fail_msg("resume: %s", err.message);
    static const char *const same[] = {"summary.json", "timeseries.csv", "checkpoint.bin", "fields.pvd",
                                       "fields/fields_60.vti", "fields/fields_120.vti",
                                       "fields/vessel_density_60.csv", "fields/vessel_density_120.csv",
                                       "images/tissue_060.png", "images/tissue_120.png", "images/tissue.webp",
                                       "images/plot_IL6_plasma.png", "images/plot_vessels.png"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        size_t na, nb;
        char *ta = slurp_file(a, same[i], &na), *tb = slurp_file(b, same[i], &nb);
        if (!ta || !tb) fail_msg("%s is missing", same[i]);
        if (na != nb || memcmp(ta, tb, na) != 0) fail_msg("%s differs after resuming", same[i]);
        if (strcmp(same[i], "timeseries.csv") == 0) {
            assert_non_null(strstr(ta, ",plasma_IL6,plasma_VEGF,vessel_density_mean,vascular_fraction\n"));
            int rows = 0;
            for (const char *p = ta; (p = strchr(p, '\n')) != NULL; p++) rows++;
            assert_int_equal(rows, 1 + 5); /* header, t = 0, 30, 60, 90, 120 */
        }
        free(ta);
        free(tb);
    }
    stroma_remove_tree(base);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field_round_trips),
        cmocka_unit_test(test_crafted_state_refused),
        cmocka_unit_test(test_reader_bounds),
        cmocka_unit_test(test_round_trip_continues_identically),
        cmocka_unit_test(test_restore_refuses_other_model),
        cmocka_unit_test(test_body_run_resumes_identically),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
