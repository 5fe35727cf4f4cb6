/* Unit tests for the extracellular matrix (src/body/ecm.c and its use in the step): degradation by a uniform
 * protease against its closed form, deposition by a known number of cells, the matrix ledger, T cells crossing a
 * dense band more slowly than a sparse one (over seeds), thread-count independence and checkpointing, and the
 * seeded regions in 3D (an annulus spans z, a sphere is a ball). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <omp.h>

#include "body/ecm.h"
#include "model/model.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

#include "sim_helpers.h"

/* The closed form of dE/dt = -a E / (K + E), solved here by bisection (independently of the Newton iteration of
 * ecm.c): the E in (0, E0] with K ln(E / E0) + E - E0 + a t = 0. */
static double closed_form(double E0, double a, double K, double t) {
    double lo = 0, hi = E0;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= 0) break;
        double f = K * log(mid / E0) + mid - E0 + a * t;
        if (f > 0)
            hi = mid;
        else
            lo = mid;
    }
    return 0.5 * (lo + hi);
}

static const char degrade[] = "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
                              "time: {end: 600, dt_diffusion: 0.5}\n"
                              "substrates:\n  MMP: {diffusion: 0, decay: 0, initial: 0.4}\n"
                              "ecm:\n  initial: 6\n  max_density: 10\n  every: 30\n"
                              "  degradation: {substrate: MMP, rate: 0.05, half_max: 2}\n";

/* A uniform protease 0.4 at rate 0.05 (a = 0.02 /min), K = 2 mg/mL, E0 = 6: E(t) from the closed form at every
 * update (30 min: exact per update, so the composition is exact too), to 1e-12; the ledger holds. */
static void test_degradation_closed_form(void **state) {
    (void)state;
    stroma_model *m = load(degrade);
    stroma_sim *sim = create(m, 1);
    for (int n = 1; n <= 20; n++) {
        run_steps(sim, 60);
        double want = closed_form(6, 0.02, 2, 30.0 * n), got = sim->ecm.E[7];
        if (!close_rel(got, want, 1e-12)) fail_msg("t = %d min: E %.15g, closed form %.15g", 30 * n, got, want);
    }
    /* both regimes visited: first near zero order (E >> K), then first order (E << K) */
    assert_true(sim->ecm.E[0] < 0.5 * 2);
    stroma_ecm_summary e = stroma_sim_ecm(sim);
    double total0 = 6.0 * 100 * 8000;
    assert_true(close_rel(e.total + e.degraded - e.deposited, total0, 1e-12));
    /* the exact step itself against the closed form over one long interval */
    assert_true(close_rel(stroma_ecm_degrade_exact(6, 0.02, 2, 600), closed_form(6, 0.02, 2, 600), 1e-12));
    assert_true(stroma_ecm_degrade_exact(0, 0.02, 2, 600) == 0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

static const char deposit[] = "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
                              "time: {end: 120, dt_diffusion: 0.5, dt_mechanics: 0.5, dt_phenotype: 6}\n"
                              "substrates:\n  F: {diffusion: 0, decay: 0}\n"
                              "cell_types:\n  myCAF: {volume: 2000}\n  iCAF: {volume: 2000}\n"
                              "ecm:\n  initial: 0.5\n  max_density: 10\n  every: 12\n"
                              "  deposition: {myCAF: 0.01, iCAF: 0.001}\n  hindrance: {F: 0.5}\n"
                              "initial_cells:\n"
                              "  - {type: myCAF, count: 3, box: {lo: [20, 20, 10], hi: [180, 60, 10]}}\n"
                              "  - {type: iCAF, count: 2, box: {lo: [20, 140, 10], hi: [180, 180, 10]}}\n";

/* Three myCAFs (0.01 mg/mL/min) and two iCAFs (0.001) of 2,000 µm³ in 8,000 µm³ voxels lay down, over 120 min,
 * (3 x 0.01 + 2 x 0.001) x 2000 x 120 mg/mL x µm³: deposited and the field's gain agree with that. */
static void test_deposition_by_cells(void **state) {
    (void)state;
    stroma_model *m = load(deposit);
    stroma_sim *sim = create(m, 1);
    stroma_ecm_summary e0 = stroma_sim_ecm(sim);
    run_steps(sim, 240);
    stroma_ecm_summary e1 = stroma_sim_ecm(sim);
    double want = (3 * 0.01 + 2 * 0.001) * 2000.0 * 120.0;
    if (!close_rel(e1.deposited, want, 1e-9)) fail_msg("deposited %.12g, expected %.12g", e1.deposited, want);
    assert_true(close_rel(e1.total - e0.total, want, 1e-9));
    /* a myCAF's voxel: 0.5 + 0.01 x 0.25 x 120 (if it is alone there) */
    const stroma_cells *c = &sim->cells.cells;
    double p[3] = {c->x[0], c->y[0], c->z[0]};
    double v = sim->ecm.E[stroma_mesh_voxel_of(&sim->transport->mesh, p)];
    assert_true(v >= 0.5 + 0.01 * 0.25 * 120 - 1e-12);
    /* the transport diffuses with the matrix as it is now (its copy follows every update) */
    assert_true(sim->transport->hindered);
    assert_memory_equal(sim->transport->ecm, sim->ecm.E, sim->transport->mesh.nvox * sizeof(double));
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* T cells following a chemokine rightwards across a band of matrix x in [200, 300] µm: with E = 5 and a
 * migration sensitivity of 0.2 (speed / 2 in the band) fewer have crossed after 110 min than with no matrix, in
 * each of five seeds (measured: 20-27 of 40 against 39-40), but some do: slowed, not stopped. */
static const char band[] = "domain: {x: [0, 600], y: [0, 400], z: [0, 20], voxel: 20}\n"
                           "time: {end: 110, dt_diffusion: 0.5, dt_mechanics: 0.5, dt_phenotype: 6}\n"
                           "seed: SEED\n"
                           "substrates:\n  chemokine: {diffusion: 1000, decay: 0.001, initial: 0, boundary: {x_max: 10}}\n"
                           "cell_types:\n  T:\n    volume: 500\n    mechanics: {repulsion: 2, adhesion: 0}\n"
                           "    motility: {speed: 3, persistence: 5, bias: 0.9, chemotaxis: {substrate: chemokine}}\n"
                           "ecm:\n  initial: 0\n  max_density: 10\n"
                           "  regions: [{density: DENSITY, box: {lo: [200, 0, 0], hi: [300, 400, 20]}}]\n"
                           "  migration: {T: 0.2}\n"
                           "initial_cells:\n  - {type: T, count: 40, box: {lo: [20, 20, 10], hi: [150, 380, 10]}}\n";

static int crossed(int seed, double density) {
    char text[2048], *at;
    snprintf(text, sizeof text, "%s", band);
    char num[32];
    snprintf(num, sizeof num, "%d", seed);
    at = strstr(text, "SEED");
    memmove(at + strlen(num), at + 4, strlen(at + 4) + 1);
    memcpy(at, num, strlen(num));
    snprintf(num, sizeof num, "%g", density);
    at = strstr(text, "DENSITY");
    memmove(at + strlen(num), at + 7, strlen(at + 7) + 1);
    memcpy(at, num, strlen(num));
    stroma_model *m = load(text);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 220);
    int n = 0;
    const stroma_cells *c = &sim->cells.cells;
    for (size_t i = 0; i < c->n; i++) n += c->x[i] > 300;
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    return n;
}

static void test_dense_band_slows_t_cells(void **state) {
    (void)state;
    int dense_total = 0, sparse_total = 0;
    for (int seed = 1; seed <= 5; seed++) {
        int d = crossed(seed, 5), s = crossed(seed, 0);
        print_message("seed %d: %d of 40 crossed the dense band, %d the sparse one\n", seed, d, s);
        assert_true(d > 0 && d < s);
        dense_total += d;
        sparse_total += s;
    }
    /* slowed, not stopped: about half cross where (almost) all do without matrix */
    assert_true(sparse_total >= 180);
    assert_true(4 * dense_total <= 3 * sparse_total && 5 * dense_total >= sparse_total);
}

/* The protease update on a 100 x 100 grid (parallel) at 1 and 2 threads: same field, same totals. */
static void test_threads_identical(void **state) {
    (void)state;
    static const char big[] = "domain: {x: [0, 2000], y: [0, 2000], z: [0, 20], voxel: 20}\n"
                              "time: {end: 60, dt_diffusion: 1}\n"
                              "substrates:\n  MMP: {diffusion: 500, decay: 0.01}\n"
                              "sources:\n  - {substrate: MMP, count: 30, box: {lo: [0, 0, 10], hi: [2000, 2000, 10]}, "
                              "export: 20000}\n"
                              "ecm:\n  initial: 3\n  every: 5\n  degradation: {substrate: MMP, rate: 0.5, half_max: 1}\n";
    stroma_model *m = load(big);
    stroma_sim *a = create(m, 1), *b = create(m, 2);
    run_steps(a, 60);
    run_steps(b, 60);
    assert_memory_equal(a->ecm.E, b->ecm.E, a->transport->mesh.nvox * sizeof(double));
    assert_memory_equal(&a->ecm.degraded, &b->ecm.degraded, sizeof(double));
    assert_true(a->ecm.degraded > 0);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

/* Saved mid-run and restored into a fresh simulation, the matrix continues identically; a crafted density above
 * max_density is refused. */
static void test_checkpoint(void **state) {
    (void)state;
    stroma_model *m = load(deposit);
    stroma_sim *a = create(m, 1), *b = create(m, 1);
    run_steps(a, 100);
    stroma_error err;
    if (sim_copy_state(a, b, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
    /* the restored matrix is the transport's too */
    assert_memory_equal(b->transport->ecm, a->ecm.E, a->transport->mesh.nvox * sizeof(double));
    run_steps(a, 140);
    run_steps(b, 140);
    assert_memory_equal(a->ecm.E, b->ecm.E, a->transport->mesh.nvox * sizeof(double));
    assert_memory_equal(&a->ecm.deposited, &b->ecm.deposited, sizeof(double));
    /* crafted */
    a->ecm.E[3] = 11;
    assert_int_equal(sim_copy_state(a, b, &err), STROMA_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "matrix density"));
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

/* In a 3D cube, a sphere of 4 mg/mL and then a smaller one of 1 (a spherical capsule) against an annulus (which
 * spans z): each voxel by its centre, counted by hand. */
static void test_regions_3d(void **state) {
    (void)state;
    stroma_model *m = load("domain: {x: [0, 200], y: [0, 200], z: [0, 200], voxel: 20}\n"
                           "time: {end: 1, dt_diffusion: 0.5}\n"
                           "substrates:\n  F: {diffusion: 0, decay: 0}\n"
                           "ecm:\n  initial: 1\n  max_density: 10\n  regions:\n"
                           "    - {density: 4, sphere: {center: [100, 100, 100], radius: 80}}\n"
                           "    - {density: 1, sphere: {center: [100, 100, 100], radius: 50}}\n"
                           "    - {density: 7, annulus: {center: [100, 100, 100], inner: 0, outer: 15}}\n");
    stroma_sim *sim = create(m, 1);
    int shell = 0, shell_want = 0, column = 0;
    for (int k = 0; k < 10; k++)
        for (int j = 0; j < 10; j++)
            for (int i = 0; i < 10; i++) {
                double x = 20 * i - 90, y = 20 * j - 90, z = 20 * k - 90, r2 = x * x + y * y + z * z;
                double E = sim->ecm.E[(size_t)i + 10 * ((size_t)j + 10 * (size_t)k)];
                int in_column = x * x + y * y <= 15 * 15;
                double want = in_column ? 7 : (r2 <= 80 * 80 && r2 > 50 * 50) ? 4 : 1;
                if (E != want) fail_msg("voxel (%d, %d, %d): E %g, want %g", i, j, k, E, want);
                shell += E == 4;
                shell_want += !in_column && r2 <= 80 * 80 && r2 > 50 * 50;
                column += E == 7;
            }
    assert_int_equal(shell, shell_want);
    assert_true(shell > 100);
    assert_int_equal(column, 4 * 10);   /* the annulus: the 4 central columns, through every layer */
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_degradation_closed_form), cmocka_unit_test(test_deposition_by_cells),
        cmocka_unit_test(test_dense_band_slows_t_cells), cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_checkpoint), cmocka_unit_test(test_regions_3d),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
