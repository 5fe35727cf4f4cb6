/* Unit tests for extracellular vesicles (src/body/vesicles.c, src/model/load_vesicles.c; docs/vesicles.md):
 * cargo delivery to a cell in a bath held constant against the analytic state-variable curve, the uptake cap at
 * what the voxel holds, the per-class ledger of a run with release, uptake, decay, diffusion, vessel exchange and
 * drainage (to 1e-9 relative) with the cargo delivered accounted exactly, the Stokes-Einstein default diffusion,
 * rules on release and uptake, a Dirichlet class left out of the decay count, and determinism at 1 and 2
 * threads and across a checkpoint. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "body/vesicles.h"
#include "model/model.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

#include "sim_helpers.h"

/* A copy of text with its first `from` replaced by `to` (malloc'ed). */
static char *replace(const char *text, const char *from, const char *to) {
    const char *at = strstr(text, from);
    if (!at) fail_msg("'%s' not in the model", from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

/* ---- (a) cargo delivery in a bath held constant ---- */

/* One voxel of 100 µm (1e-6 mL), one receiver cell; the bath's value is put back to c0 after every step, so the
 * cell always sees c0. dt_phenotype = 0.1 min. */
static const char bath[] =
    "domain: {x: [0, 100], y: [0, 100], z: [0, 100], voxel: 100}\n"
    "time: {end: 1000, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 0.1}\n"
    "substrates:\n  oxygen: {diffusion: 0, decay: 0}\n"
    "cell_types:\n  receiver: {volume: 2494}\n  donor: {volume: 2494}\n"
    "state_variables:\n  miR-21: {decay: {receiver: 0.01}}\n"
    "vesicles:\n"
    "  exo:\n"
    "    diameter: 100\n    diffusion: 0\n    decay: 0\n    initial: 1e9\n"
    "    cargo: {miR-21: 5}\n"
    "    release: {donor: 1}\n"
    "    uptake: {receiver: {rate: 2, half_max: 1e9}}\n"
    "initial_cells:\n  - {type: receiver, at: [50, 50, 50]}\n";

/* v' = P - D v with P = V c / (K + c) x cargo: v(t) = P / D (1 - exp(-D t)). The engine's state step is implicit
 * in D and the cargo of a step is added at its end, so v_k = P/D (1 + hD)(1 - (1 + hD)^-k): within 2 hD x P/D of
 * the analytic curve (h = 0.1 min, D = 0.01/min: 1e-3 of the plateau 500, i.e. 1 molecule). */
static void test_cargo_delivery(void **state) {
    (void)state;
    stroma_model *m = load(bath);
    stroma_sim *sim = create(m, 1);
    const int s = m->vesicles.classes[0].substrate;
    const double c0 = 1e9, V = 2, K = 1e9, cargo = 5, D = 0.01, h = 0.1;
    const double P = V * c0 / (K + c0) * cargo; /* 5 molecules/min */
    const double tol = 2 * h * D * P / D;
    double worst = 0;
    for (int k = 1; k <= 3000; k++) {
        run_steps(sim, 1);
        sim->transport->c[s] = c0; /* hold the bath */
        double t = k * h, v = sim->cells.cells.svar[0], want = P / D * (1 - exp(-D * t));
        if (fabs(v - want) > worst) worst = fabs(v - want);
        if (fabs(v - want) > tol) fail_msg("t = %g min: miR-21 %.10g, analytic %.10g (tolerance %g)", t, v, want, tol);
    }
    /* every step took exactly h V c0 / (K + c0) vesicles */
    stroma_vesicle_summary vs = stroma_sim_vesicles(sim, 0);
    if (!close_rel(vs.taken_up, 3000 * h * V * c0 / (K + c0), 1e-12)) fail_msg("taken up %.15g", vs.taken_up);
    assert_true(vs.released == 0);
    print_message("cargo delivery: largest deviation from the analytic curve %.3g (tolerance %.3g)\n", worst, tol);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* A voxel holding fewer vesicles than the saturable rate asks for is emptied, never made negative: 0.5 vesicle in
 * the voxel, the rate asks for about 10 in one step. The cargo follows what was actually taken. */
static void test_uptake_capped_at_voxel(void **state) {
    (void)state;
    char *y1 = replace(bath, "initial: 1e9", "initial: 5e5"); /* 5e5 particles/mL x 1e-6 mL = 0.5 vesicle */
    char *yaml = replace(y1, "rate: 2, half_max: 1e9", "rate: 100, half_max: 1");
    free(y1);
    stroma_model *m = load(yaml);
    free(yaml);
    stroma_sim *sim = create(m, 1);
    const int s = m->vesicles.classes[0].substrate;
    run_steps(sim, 1);
    assert_true(sim->transport->c[s] == 0);
    stroma_vesicle_summary vs = stroma_sim_vesicles(sim, 0);
    if (!close_rel(vs.taken_up, 0.5, 1e-12)) fail_msg("taken up %.15g, the voxel held 0.5", vs.taken_up);
    /* implicit decay of the (zero) variable, then the cargo: 0.5 x 5 */
    if (!close_rel(sim->cells.cells.svar[0], 2.5, 1e-12)) fail_msg("miR-21 %.15g, want 2.5", sim->cells.cells.svar[0]);
    assert_true(vs.tissue == 0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* A class with a Dirichlet face (a bath at x_min) is not counted for decay: what crosses the face is unknown. */
static void test_open_field_not_counted(void **state) {
    (void)state;
    char *y = replace(bath, "initial: 1e9\n", "initial: 1e9\n    boundary: {x_min: 1e9}\n");
    stroma_model *m = load(y);
    free(y);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 10);
    stroma_vesicle_summary v = stroma_sim_vesicles(sim, 0);
    assert_true(isnan(v.decayed));
    assert_true(v.taken_up > 0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* ---- (b) the ledger of a full run ---- */

/* 2D, 24 x 24 voxels of 20 µm: CAFs release A (in body.systemic, crosses the vessel walls, drains) that cancer
 * cells take up with cargo m21; cancer cells release B (not systemic) that CAFs take up with cargo prog; a rule
 * makes low oxygen raise B's release and m21 lower A's uptake. No cell divides or dies and the cargo variables do
 * not decay, so the cargo held by the cells is exactly cargo x taken_up. */
static const char balance[] =
    "domain: {x: [0, 480], y: [0, 480], z: [0, 20], voxel: 20}\n"
    "time: {end: 600, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 6}\n"
    "seed: 3\n"
    "substrates:\n  oxygen: {unit: mmHg, diffusion: 100000, decay: 0.1, initial: 38}\n"
    "cell_types:\n"
    "  cancer: {volume: 2494, secretion: {oxygen: {uptake: 10}}}\n"
    "  CAF: {volume: 2494, motility: {speed: 0.5, persistence: 5}}\n"
    "state_variables:\n  m21: {}\n  prog: {}\n"
    "vesicles:\n"
    "  A:\n"
    "    diameter: 100\n    decay: 0.003\n    cargo: {m21: 5}\n    release: {CAF: 1}\n"
    "    uptake: {cancer: {rate: 0.5, half_max: 1e8}}\n"
    "  B:\n"
    "    diameter: 60\n    tissue_factor: 0.2\n    decay: 0.001\n    cargo: {prog: 2, m21: 0.5}\n"
    "    release: {cancer: 0.5}\n    uptake: {CAF: {rate: 0.3, half_max: 3e8}}\n"
    "rules:\n"
    "  - {type: cancer, signal: oxygen, direction: decreases, behaviour: B release, saturation: 0.1, half_max: 20,\n"
    "     hill: 2}\n"
    "  - {type: cancer, signal: m21, direction: decreases, behaviour: A uptake, saturation: 0.1, half_max: 500,\n"
    "     hill: 1}\n"
    "initial_cells:\n"
    "  - {type: cancer, count: 40, disc: {center: [240, 300, 10], radius: 80}}\n"
    "  - {type: CAF, count: 30, disc: {center: [240, 160, 10], radius: 100}}\n"
    "vessels:\n"
    "  capillary_radius: 5\n  max_density: 0.1\n"
    "  initial: {segments: [{from: [20, 60, 10], to: [460, 60, 10], radius: 20, density: 0.05}]}\n"
    "  oxygen: {substrate: oxygen, blood: 38}\n"
    "  permeability: {oxygen: 300, A: 0.05}\n"
    "body:\n  plasma_volume: 3000\n  tumour_volume: 10\n  dt: 1\n"
    "  systemic:\n    A: {unit: particles/mL, conversion: 1, half_life: 5, baseline: 1e6, drainage: 0.002}\n";

static void check_balance(const stroma_sim *sim, int k, double tol) {
    stroma_vesicle_summary v = stroma_sim_vesicles(sim, k);
    double rhs = v.tissue - v.tissue0 + v.taken_up + v.decayed + v.exchanged + v.drained;
    if (!(fabs(v.released - rhs) <= tol * v.released))
        fail_msg("class %s: released %.15g != tissue change + taken up + decayed + exchanged + drained = %.15g "
                 "(%.15g - %.15g + %.15g + %.15g + %.15g + %.15g); relative %.3g",
                 v.name, v.released, rhs, v.tissue, v.tissue0, v.taken_up, v.decayed, v.exchanged, v.drained,
                 fabs(v.released - rhs) / v.released);
    print_message("class %s: released %.6g, taken up %.6g, decayed %.6g, exchanged %.6g, drained %.6g, tissue "
                  "%.6g; relative residual %.3g\n",
                  v.name, v.released, v.taken_up, v.decayed, v.exchanged, v.drained, v.tissue,
                  fabs(v.released - rhs) / v.released);
}

static void test_mass_balance(void **state) {
    (void)state;
    stroma_model *m = load(balance);
    stroma_sim *sim = create(m, 2);
    run_steps(sim, 6000);
    assert_int_equal(stroma_sim_vesicle_count(sim), 2);
    for (int k = 0; k < 2; k++) {
        stroma_vesicle_summary v = stroma_sim_vesicles(sim, k);
        assert_true(v.released > 0 && v.taken_up > 0 && v.decayed > 0 && v.tissue > 0);
        check_balance(sim, k, 1e-9);
    }
    stroma_vesicle_summary a = stroma_sim_vesicles(sim, 0), b = stroma_sim_vesicles(sim, 1);
    assert_true(a.systemic && a.drained > 0 && a.exchanged != 0 && isfinite(a.plasma) && a.plasma > 0);
    assert_true(!b.systemic && b.exchanged == 0 && b.drained == 0 && isnan(b.plasma));
    /* the cargo the cells hold is what they took up x cargo */
    const stroma_cells *c = &sim->cells.cells;
    double m21 = 0, prog = 0;
    for (size_t i = 0; i < c->n; i++) {
        m21 += c->svar[i * 2 + 0];
        prog += c->svar[i * 2 + 1];
    }
    assert_int_equal((int)c->n, 70);
    if (!close_rel(m21, 5 * a.taken_up + 0.5 * b.taken_up, 1e-12))
        fail_msg("m21 held %.15g, delivered %.15g", m21, 5 * a.taken_up + 0.5 * b.taken_up);
    if (!close_rel(prog, 2 * b.taken_up, 1e-12)) fail_msg("prog held %.15g, delivered %.15g", prog, 2 * b.taken_up);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Rules act on release and uptake: without the oxygen rule cancer cells release B at 0.5 per min each; with it
 * (oxygen ~ 38 mmHg, half_max 20, hill 2) at (0.5 + 0.1 x) / (1 + x), x = (o / 20)^2. Checked on the first
 * phenotype step, where every cancer cell sees the initial oxygen within the solver's first steps. */
static void test_rules_on_release(void **state) {
    (void)state;
    stroma_model *m = load(balance);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 60); /* the first phenotype step */
    const stroma_vesicle_summary b = stroma_sim_vesicles(sim, 1);
    /* 40 cancer cells over 6 min: between the rule's floor and the base */
    assert_true(b.released < 40 * 6 * 0.5 && b.released > 40 * 6 * 0.1);
    const stroma_cells *c = &sim->cells.cells;
    double want = 0;
    int nb = c->nbeh;
    int slot = sim->vesicles.release_slot[1];
    assert_true(slot >= 0);
    for (size_t i = 0; i < c->n; i++)
        if (c->type[i] == 0) want += 6 * c->beh[i * (size_t)nb + (size_t)slot];
    if (!close_rel(b.released, want, 1e-12)) fail_msg("released %.15g, the cells' rates say %.15g", b.released, want);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* ---- (c) the default diffusion coefficient ---- */

static void test_stokes_einstein(void **state) {
    (void)state;
    /* kT / (3 pi eta d): 310.15 K, water at 37 °C 0.6913 mPa s, 100 nm: 6.572 µm²/s = 394.3 µm²/min */
    const double kT = 1.380649e-23 * 310.15, eta = 6.913e-4, pi = 3.14159265358979323846;
    double want = kT / (3 * pi * eta * 100e-9) * 1e12 * 60;
    assert_true(close_rel(stroma_vesicle_stokes_einstein(100), want, 1e-12));
    assert_true(fabs(stroma_vesicle_stokes_einstein(100) - 395) < 2);
    assert_true(close_rel(stroma_vesicle_stokes_einstein(50), 2 * want, 1e-12)); /* D ~ 1 / d */
    stroma_model *m = load(balance);
    /* A: 100 nm, default tissue factor 0.3; B: 60 nm, tissue factor 0.2 */
    const stroma_vesicle_class_desc *A = &m->vesicles.classes[0], *B = &m->vesicles.classes[1];
    assert_true(close_rel(m->substrates[A->substrate].diffusion_um2_per_min, 0.3 * want, 1e-12));
    assert_true(close_rel(m->substrates[B->substrate].diffusion_um2_per_min, 0.2 * want * 100 / 60, 1e-12));
    assert_string_equal(m->substrates[A->substrate].unit, "particles/mL");
    assert_int_equal(A->substrate, 1);
    assert_int_equal(B->substrate, 2);
    assert_int_equal(m->vesicles.first_substrate, 1);
    stroma_model_destroy(&m);
    /* a given diffusion is used as written */
    m = load(bath);
    assert_true(m->substrates[m->vesicles.classes[0].substrate].diffusion_um2_per_min == 0);
    stroma_model_destroy(&m);
}

/* ---- (d), (e) determinism ---- */

/* A 100 x 100 grid (above the sizes where sums and the solver run in parallel) with the balance model's biology. */
static char *big_model(void) {
    return replace(balance, "domain: {x: [0, 480], y: [0, 480]", "domain: {x: [0, 2000], y: [0, 2000]");
}

static void expect_same(const stroma_sim *a, const stroma_sim *b) {
    size_t n = a->transport->mesh.nvox * (size_t)a->transport->nsub;
    assert_memory_equal(a->transport->c, b->transport->c, n * sizeof(double));
    assert_int_equal((int)a->cells.cells.n, (int)b->cells.cells.n);
    assert_memory_equal(a->cells.cells.svar, b->cells.cells.svar, a->cells.cells.n * 2 * sizeof(double));
    assert_memory_equal(a->vesicles.ledger, b->vesicles.ledger, 2 * sizeof(stroma_vesicle_ledger));
    for (int k = 0; k < 2; k++) {
        stroma_vesicle_summary va = stroma_sim_vesicles(a, k), vb = stroma_sim_vesicles(b, k);
        assert_memory_equal(&va.released, &vb.released, 7 * sizeof(double));
    }
}

static void test_threads_identical(void **state) {
    (void)state;
    char *y = big_model();
    stroma_model *m = load(y);
    free(y);
    stroma_sim *a = create(m, 1), *b = create(m, 2);
    run_steps(a, 1200);
    run_steps(b, 1200);
    expect_same(a, b);
    check_balance(a, 0, 1e-9);
    check_balance(a, 1, 1e-9);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

static void test_checkpoint_continues(void **state) {
    (void)state;
    stroma_model *m = load(balance);
    stroma_sim *a = create(m, 1), *b = create(m, 1);
    run_steps(a, 1234);
    stroma_error err;
    if (sim_copy_state(a, b, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
    run_steps(a, 1300);
    run_steps(b, 1300);
    expect_same(a, b);
    check_balance(b, 0, 1e-9);
    check_balance(b, 1, 1e-9);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cargo_delivery),   cmocka_unit_test(test_uptake_capped_at_voxel),
        cmocka_unit_test(test_mass_balance),     cmocka_unit_test(test_rules_on_release),
        cmocka_unit_test(test_stokes_einstein),  cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_checkpoint_continues), cmocka_unit_test(test_open_field_not_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
