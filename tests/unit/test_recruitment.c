/* Unit tests for src/body/recruitment.c: the Poisson draw (mean, variance, the cap), the expected count of a run
 * against rate x wall area x (basal + (1 - basal) H(c)) x time exactly and the recruited count against it within
 * 4 Poisson sigma (with a chemokine, without, without a signal), entry only where there are vessels, the
 * max_cells cap, the preference for high chemokine, and determinism across threads and a checkpoint (a crafted
 * one refused). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "body/recruitment.h"
#include "model/model.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

#include "sim_helpers.h"

static void expect_contains_text(const char *text, const char *needle) {
    if (!strstr(text, needle)) fail_msg("expected to find\n  %s\nin\n  %s", needle, text);
}

/* ---- the Poisson draw ---- */

/* Mean within 4 standard errors and variance within 5 (Var of the sample variance of a Poisson: (l + 2 l²) / N),
 * for means below, at and above one inversion chunk (64) and tiny ones; the draw stopped at a cap is min(N, cap). */
static void test_poisson(void **state) {
    (void)state;
    stroma_rng_key key = {12345};
    const double lambdas[5] = {0.05, 3.0, 17.5, 64.0, 150.5};
    const int N = 40000;
    for (int q = 0; q < 5; q++) {
        double l = lambdas[q], s = 0, s2 = 0;
        for (int i = 0; i < N; i++) {
            double x = (double)stroma_recruitment_poisson(key, (uint64_t)q, (uint64_t)i, l, INT64_MAX);
            s += x;
            s2 += x * x;
        }
        double mean = s / N, var = (s2 - N * mean * mean) / (N - 1);
        double se_mean = sqrt(l / N), se_var = sqrt((l + 2 * l * l) / N);
        if (fabs(mean - l) > 4 * se_mean) fail_msg("lambda %g: mean %.6g, |diff| > 4 SE %.3g", l, mean, se_mean);
        if (fabs(var - l) > 5 * se_var) fail_msg("lambda %g: variance %.6g, |diff| > 5 SE %.3g", l, var, se_var);
    }
    /* the cap: P(min(N, 2) = 2) = 1 - e^-3 (1 + 3) for lambda 3 */
    int at_cap = 0;
    for (int i = 0; i < N; i++) {
        int64_t x = stroma_recruitment_poisson(key, 9, (uint64_t)i, 3.0, 2);
        assert_true(x >= 0 && x <= 2);
        at_cap += x == 2;
    }
    double p = 1 - exp(-3.0) * 4, se = sqrt(p * (1 - p) / N);
    if (fabs(at_cap / (double)N - p) > 4 * se) fail_msg("capped at 2: fraction %.5g, expected %.5g", at_cap / (double)N, p);
    /* a huge mean with a small cap costs one chunk or so and gives the cap */
    assert_int_equal(stroma_recruitment_poisson(key, 1, 1, 1e15, 5), 5);
    assert_int_equal(stroma_recruitment_poisson(key, 1, 1, 0.0, 5), 0);
    assert_int_equal(stroma_recruitment_poisson(key, 1, 1, 10.0, 0), 0);
    assert_int_equal(stroma_recruitment_poisson(key, 1, 1, NAN, 5), 0);
}

/* ---- rates ---- */

/* A 2D slab of 20 x 20 voxels of 20 µm (V = 8000 µm³ each) with vessel density 0.05 everywhere (capillary radius
 * 5 µm: wall 0.02 /µm, 160 µm² per voxel, 0.064 mm² in all), a chemokine held at a uniform value (no diffusion
 * source, no decay), and every clock at 6 min. The recruited type dies and is removed within minutes, so the
 * store stays small while thousands of cells enter. */
#define RATE_MODEL(ccl2, entry)                                                                                  \
    "domain: {x: [0, 400], y: [0, 400], z: [0, 20], voxel: 20}\n"                                               \
    "time: {end: 100000, dt_diffusion: 6, dt_mechanics: 6, dt_phenotype: 6}\n"                                 \
    "seed: 3\n"                                                                                                 \
    "substrates:\n  CCL2: {diffusion: 100, decay: 0, initial: " ccl2 "}\n"                                      \
    "cell_types:\n  mono:\n    volume: 4000\n    cycle: {model: none}\n"                                         \
    "    death: {apoptosis: {rate: 1, duration: 6}}\n"                                                           \
    "vessels:\n  capillary_radius: 5\n  initial: {uniform: 0.05}\n"                                             \
    "recruitment:\n  mono: " entry "\n"

#define WALL_MM2 0.064

/* Run n phenotype steps and check: expected == want_per_min x time (1e-12), recruited within 4 sigma of it. */
static void check_rate(const char *yaml, double want_per_min, int64_t n) {
    stroma_model *m = load(yaml);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, n);
    assert_int_equal(stroma_sim_recruitment_count(sim), 1);
    stroma_recruit_summary r = stroma_sim_recruitment(sim, 0);
    assert_string_equal(r.name, "mono");
    double mu = want_per_min * 6.0 * (double)n;
    if (!close_rel(r.expected, mu, 1e-12)) fail_msg("expected %.15g cells, rate x wall x response x time %.15g", r.expected, mu);
    if (fabs((double)r.recruited - mu) > 4 * sqrt(mu))
        fail_msg("recruited %lld, expected %.1f +- %.1f (4 sigma)", (long long)r.recruited, mu, 4 * sqrt(mu));
    assert_true(r.scale == 1.0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* rate 20 cells/min/mm²; chemokine at 2 x half_max with hill 2: H = 4/5, response 0.2 + 0.8 x 0.8 = 0.84: about
 * 25,800 cells in 4,000 steps (4 sigma: 2.5 %, so a rate 5 % off fails the count as well as the exact expected
 * sum). A Hill coefficient of 1 would give 0.733, no Hill term 1. */
static void test_rate_with_chemokine(void **state) {
    (void)state;
    check_rate(RATE_MODEL("6", "{rate: 20, signal: CCL2, half_max: 3, hill: 2, basal: 0.2, max_cells: 1000000}"),
               20 * WALL_MM2 * (0.2 + 0.8 * 0.8), 4000);
}

/* No chemokine: only the basal fraction, 0.2 x 20 x 0.064 /min (about 1,540 cells in 1,000 steps). */
static void test_rate_basal(void **state) {
    (void)state;
    check_rate(RATE_MODEL("0", "{rate: 20, signal: CCL2, half_max: 3, hill: 2, basal: 0.2, max_cells: 1000000}"),
               20 * WALL_MM2 * 0.2, 1000);
}

/* Without a signal the rate is the rate: 5 x 0.064 /min. */
static void test_rate_no_signal(void **state) {
    (void)state;
    check_rate(RATE_MODEL("0", "{rate: 5, max_cells: 1000000}"), 5 * WALL_MM2, 1000);
}

/* ---- where cells enter ---- */

/* Vessels in the left half only (a segment along x = 100 of radius 100 reaches the voxel centres x < 200):
 * every recruited cell (immobile, no mechanics) sits at x < 200, and both halves of that half get some. */
static void test_only_at_vessels(void **state) {
    (void)state;
    stroma_model *m = load("domain: {x: [0, 400], y: [0, 400], z: [0, 20], voxel: 20}\n"
                           "time: {end: 100000, dt_diffusion: 6, dt_mechanics: 6, dt_phenotype: 6}\n"
                           "substrates:\n  CCL2: {diffusion: 100, decay: 0, initial: 1}\n"
                           "cell_types:\n  mono: {volume: 4000, cycle: {model: none}, "
                           "mechanics: {repulsion: 0, adhesion: 0}}\n"
                           "vessels:\n  initial:\n    segments: [{from: [100, 0, 10], to: [100, 400, 10], radius: 100, "
                           "density: 0.05}]\n"
                           "recruitment:\n  mono: {rate: 20, max_cells: 100000}\n");
    stroma_sim *sim = create(m, 1);
    int vessel_voxels = 0;
    for (size_t v = 0; v < sim->vessels.mesh.nvox; v++) vessel_voxels += sim->vessels.rho[v] > 0;
    assert_int_equal(vessel_voxels, 200);
    run_steps(sim, 100);
    const stroma_cells *c = &sim->cells.cells;
    assert_true(c->n > 100);
    assert_int_equal((int64_t)c->n, stroma_sim_recruitment(sim, 0).recruited);
    size_t low = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!(c->x[i] >= 0 && c->x[i] < 200)) fail_msg("cell %zu entered at x = %g, where there is no vessel", i, c->x[i]);
        assert_true(c->y[i] >= 0 && c->y[i] <= 400);
        assert_true(c->z[i] == 10); /* 2D: the mid-plane */
        low += c->x[i] < 100;
    }
    assert_true(low > c->n / 4 && low < 3 * c->n / 4);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* The cap: 10 initial cells and max_cells 30 at a high rate: the live count reaches 30 and never exceeds it; 20
 * are recruited; after 15 are killed (made apoptotic) recruitment refills to 30 live. */
static void test_cap(void **state) {
    (void)state;
    stroma_model *m = load("domain: {x: [0, 400], y: [0, 400], z: [0, 20], voxel: 20}\n"
                           "time: {end: 100000, dt_diffusion: 6, dt_mechanics: 6, dt_phenotype: 6}\n"
                           "substrates:\n  CCL2: {diffusion: 100, decay: 0, initial: 1}\n"
                           "cell_types:\n  mono: {volume: 4000, cycle: {model: none}}\n  other: {volume: 1000, cycle: {model: none}}\n"
                           "vessels:\n  initial: {uniform: 0.05}\n"
                           "recruitment:\n  mono: {rate: 100, max_cells: 30}\n"
                           "initial_cells:\n  - {type: mono, count: 10, box: {lo: [0, 0, 0], hi: [400, 400, 20]}}\n"
                           "  - {type: other, count: 50, box: {lo: [0, 0, 0], hi: [400, 400, 20]}}\n");
    stroma_sim *sim = create(m, 1);
    for (int k = 0; k < 50; k++) {
        run_steps(sim, 1);
        assert_true(stroma_sim_live_cells(sim, 0) <= 30);
    }
    assert_int_equal(stroma_sim_live_cells(sim, 0), 30);
    assert_int_equal(stroma_sim_recruitment(sim, 0).recruited, 20);
    assert_int_equal(stroma_sim_live_cells(sim, 1), 50); /* another type does not count */
    assert_true(stroma_sim_recruitment(sim, 0).expected > 100); /* far more would have entered without the cap */
    stroma_cells *c = &sim->cells.cells;
    int killed = 0;
    for (size_t i = 0; i < c->n && killed < 15; i++)
        if (c->type[i] == 0 && c->state[i] == STROMA_CELL_LIVE) {
            c->state[i] = STROMA_CELL_APOPTOTIC;
            killed++;
        }
    run_steps(sim, 1);
    assert_int_equal(stroma_sim_live_cells(sim, 0), 30);
    assert_int_equal(stroma_sim_recruitment(sim, 0).recruited, 35);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* A chemokine gradient (held at 0 on x_min and 10 on x_max: linear at steady state) with no basal entry: the share
 * of cells entering at x > 200 matches the share of the weights sum H(c_v) there (0.76) within 4 binomial SE (about
 * 0.04 with 2,000 cells); uniform entry would give 0.5. */
static void test_gradient(void **state) {
    (void)state;
    stroma_model *m = load("domain: {x: [0, 400], y: [0, 400], z: [0, 20], voxel: 20}\n"
                           "time: {end: 100000, dt_diffusion: 6, dt_mechanics: 6, dt_phenotype: 6}\n"
                           "substrates:\n  CCL2: {diffusion: 10000, decay: 0, boundary: {x_min: 0, x_max: 10}}\n"
                           "cell_types:\n  mono: {volume: 4000, cycle: {model: none}, "
                           "mechanics: {repulsion: 0, adhesion: 0}}\n"
                           "vessels:\n  initial: {uniform: 0.05}\n"
                           "recruitment:\n  mono: {rate: 20, signal: CCL2, half_max: 5, hill: 2, max_cells: 100000}\n");
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 50); /* steady state: L² / D = 16 min */
    /* the share from the field now (it no longer changes) */
    const stroma_transport *t = sim->transport;
    const stroma_mesh *mesh = &t->mesh;
    double whigh = 0, wall = 0;
    for (int i = 0; i < mesh->nx; i++)
        for (int j = 0; j < mesh->ny; j++) {
            double cv = t->c[stroma_mesh_index(mesh, i, j, 0)];
            double h = cv * cv / (25 + cv * cv);
            wall += h;
            if (i >= mesh->nx / 2) whigh += h;
        }
    double p = whigh / wall;
    int64_t before = stroma_sim_recruitment(sim, 0).recruited;
    size_t first = sim->cells.cells.n;
    run_steps(sim, 600);
    const stroma_cells *c = &sim->cells.cells;
    int64_t n = (int64_t)(c->n - first), high = 0;
    assert_int_equal(n, stroma_sim_recruitment(sim, 0).recruited - before);
    for (size_t i = first; i < c->n; i++) high += c->x[i] >= 200;
    double frac = (double)high / (double)n, se = sqrt(p * (1 - p) / (double)n);
    if (fabs(frac - p) > 4 * se) fail_msg("%lld of %lld cells at x > 200 (%.4f), expected share %.4f +- %.4f", (long long)high,
                                          (long long)n, frac, p, 4 * se);
    if (!(p > 0.7 && n > 1500)) fail_msg("share %g, n %lld", p, (long long)n);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* ---- determinism and checkpoints ---- */

#define MOVING_MODEL                                                                                            \
    "domain: {x: [0, 400], y: [0, 400], z: [0, 60], voxel: 20}\n"                                               \
    "time: {end: 100000, dt_diffusion: 0.5, dt_mechanics: 1, dt_phenotype: 3}\n"                               \
    "seed: 5\n"                                                                                                 \
    "substrates:\n  CCL2: {diffusion: 1000, decay: 0.01}\n"                                                     \
    "cell_types:\n  tumour: {volume: 2000, cycle: {model: exponential, duration: 300}, "                        \
    "secretion: {CCL2: {rate: 0.5, saturation: 20}}}\n"                                                         \
    "  mono: {volume: 4000, cycle: {model: none}, motility: {speed: 2, persistence: 5, bias: 0.5, "              \
    "chemotaxis: {substrate: CCL2, direction: up}}, death: {apoptosis: {rate: 0.002, duration: 30}}}\n"          \
    "vessels:\n  initial: {random: {fraction: 0.3, density: 0.04}}\n"                                           \
    "recruitment:\n  mono: {rate: 3, signal: CCL2, half_max: 2, hill: 2, basal: 0.1, max_cells: 60}\n"          \
    "initial_cells:\n  - {type: tumour, count: 40, sphere: {center: [200, 200, 30], radius: 28}}\n"

static void expect_same_cells(const stroma_sim *a, const stroma_sim *b) {
    const stroma_cells *ca = &a->cells.cells, *cb = &b->cells.cells;
    assert_int_equal(ca->n, cb->n);
    assert_memory_equal(ca->id, cb->id, ca->n * sizeof *ca->id);
    assert_memory_equal(ca->type, cb->type, ca->n * sizeof *ca->type);
    assert_memory_equal(ca->x, cb->x, ca->n * sizeof(double));
    assert_memory_equal(ca->y, cb->y, ca->n * sizeof(double));
    assert_memory_equal(ca->z, cb->z, ca->n * sizeof(double));
    stroma_recruit_summary ra = stroma_sim_recruitment(a, 0), rb = stroma_sim_recruitment(b, 0);
    assert_int_equal(ra.recruited, rb.recruited);
    assert_memory_equal(&ra.expected, &rb.expected, sizeof(double));
}

/* 1 and 2 threads give the same cells, recruited ones included. */
static void test_threads_identical(void **state) {
    (void)state;
    stroma_model *m = load(MOVING_MODEL);
    stroma_sim *a = create(m, 1), *b = create(m, 2);
    run_steps(a, 1200);
    run_steps(b, 1200);
    assert_true(stroma_sim_recruitment(a, 0).recruited > 10);
    expect_same_cells(a, b);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

/* Saving mid-run (scale changed, as a therapy would) and restoring into a fresh simulation continues identically;
 * a checkpoint with a negative count or a non-finite scale is refused. */
static void test_checkpoint(void **state) {
    (void)state;
    stroma_model *m = load(MOVING_MODEL);
    stroma_sim *a = create(m, 1), *b = create(m, 2);
    run_steps(a, 601);
    a->recruitment.scale[0] = 0.5;
    stroma_error err;
    if (sim_copy_state(a, b, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
    assert_true(b->recruitment.scale[0] == 0.5);
    run_steps(a, 900);
    run_steps(b, 900);
    assert_true(stroma_sim_recruitment(a, 0).recruited > 10);
    expect_same_cells(a, b);
    /* crafted: a negative count, then a NaN scale */
    stroma_sim *c = create(m, 1);
    a->recruitment.recruited[0] = -3;
    assert_int_equal(sim_copy_state(a, c, &err), STROMA_ERR_ARGUMENT);
    expect_contains_text(err.message, "checkpoint recruitment of entry 0 is invalid (count -3");
    a->recruitment.recruited[0] = 3;
    a->recruitment.scale[0] = NAN;
    assert_int_equal(sim_copy_state(a, c, &err), STROMA_ERR_ARGUMENT);
    expect_contains_text(err.message, "scale nan");
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_sim_destroy(&c);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson),          cmocka_unit_test(test_rate_with_chemokine),
        cmocka_unit_test(test_rate_basal),       cmocka_unit_test(test_rate_no_signal),
        cmocka_unit_test(test_only_at_vessels),  cmocka_unit_test(test_cap),
        cmocka_unit_test(test_gradient),         cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_checkpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
