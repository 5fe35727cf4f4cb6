/* Unit tests for src/body: the plasma compartment against its analytic one-compartment solution, tissue <->
 * plasma exchange of one voxel against the two-compartment solution, angiogenesis and regression of the vessel
 * field, the mass balance of a run with growing vessels (to 1e-9 relative), and determinism and checkpointing
 * of the body's state. */
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

#include "body/plasma.h"
#include "body/vessels.h"
#include "model/model.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

#include "sim_helpers.h"

/* ---- one compartment ---- */

static const char one_compartment[] =
    "domain: {x: [0, 20], y: [0, 20], z: [0, 20], voxel: 20}\n"
    "time: {end: 100, dt_diffusion: 0.5}\n"
    "substrates:\n  F: {diffusion: 0, decay: 0}\n"
    "body:\n  plasma_volume: 3000\n  tumour_volume: 10\n  dt: 10\n"
    "  systemic:\n    F: {unit: pg/mL, conversion: 2, half_life: 3, baseline: 17}\n";

/* Plasma emptied to 0 returns to its baseline as B (1 - exp(-k t)), exactly at each update, with an interval
 * (10 min) three times the half-life (3 min): the closed form is stable; a constant input J (amount per min from
 * the tissue) moves the level to (P + J) / (k V). */
static void test_one_compartment(void **state) {
    (void)state;
    stroma_model *m = load(one_compartment);
    stroma_plasma p;
    stroma_error err;
    assert_int_equal(stroma_plasma_init(&p, m, 8000.0, &err), STROMA_OK);
    const double B = 17, k = log(2.0) / 3, V = 3000;
    assert_true(p.value[0] == B);
    p.value[0] = 0;
    for (int n = 1; n <= 10; n++) {
        stroma_plasma_update(&p, 10);
        double want = B * (1 - exp(-k * 10 * n));
        if (!close_rel(p.value[0], want, 1e-12)) fail_msg("t = %d min: %.15g, analytic %.15g", 10 * n, p.value[0], want);
    }
    /* constant input: A tissue amount per interval D sends A x scale (clinical x mL): J = A scale / D */
    const double scale = 2 * 10 / 8000.0, A = 4e6, D = 10, J = A * scale / D;
    assert_true(close_rel(p.scale[0], scale, 1e-15));
    double c0 = p.value[0], cinf = (k * V * B + J) / (k * V);
    for (int n = 1; n <= 40; n++) {
        p.pending[0] = A;
        stroma_plasma_update(&p, D);
        double want = cinf + (c0 - cinf) * exp(-k * D * n);
        if (!close_rel(p.value[0], want, 1e-12)) fail_msg("input, update %d: %.15g, analytic %.15g", n, p.value[0], want);
    }
    assert_true(close_rel(p.value[0], B + J / (k * V), 1e-9));
    /* the ledger: V (C - C0) = produced + received - cleared */
    const stroma_plasma_ledger *l = &p.ledger[0];
    double change = V * p.value[0] - 0.0; /* from the emptied plasma */
    if (!close_rel(change, l->produced + l->received - l->cleared, 1e-12))
        fail_msg("plasma gained %.15g, ledger says %.15g", change, l->produced + l->received - l->cleared);
    /* the blood value the tissue sees is plasma / conversion */
    assert_true(close_rel(p.blood[0], p.value[0] / 2, 1e-15));
    stroma_plasma_free(&p);
    stroma_model_destroy(&m);
}

/* A body without tumour (nothing in the tissue) stays at its healthy baseline in a run. */
static void test_healthy_stays(void **state) {
    (void)state;
    stroma_model *m = load(one_compartment);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 200);
    assert_int_equal(stroma_sim_plasma_count(sim), 1);
    stroma_plasma_summary ps = stroma_sim_plasma(sim, 0);
    assert_true(close_rel(ps.value, 17, 1e-12));
    assert_string_equal(ps.name, "F");
    assert_string_equal(ps.unit, "pg/mL");
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* ---- two compartments ---- */

/* One voxel with vessel (density 0.05, capillary radius 5 µm: wall surface 0.02 /µm; permeability 5 µm/min: a =
 * 0.1 /min), tissue F = 100 at the start, plasma 0, clearance negligible, tumour volume 1 mL, plasma 3 mL. The
 * difference X - Y decays as exp(-a (1 + T/V) t) and X + (V/T) Y is conserved. Operator splitting (exchange
 * then plasma, each step of 0.002 min) is first order: tolerance 1e-3 relative. */
static const char two_compartment[] =
    "domain: {x: [0, 20], y: [0, 20], z: [0, 20], voxel: 20}\n"
    "time: {end: 20, dt_diffusion: 0.002}\n"
    "substrates:\n  F: {diffusion: 0, decay: 0, initial: 100}\n"
    "vessels:\n  capillary_radius: 5\n  max_density: 0.1\n  initial: {uniform: 0.05}\n"
    "  permeability: {F: 5}\n"
    "body:\n  plasma_volume: 3\n  tumour_volume: 1\n  dt: 0.002\n"
    "  systemic:\n    F: {unit: ng/mL, conversion: 1, half_life: 1e15, baseline: 0}\n";

static void test_two_compartment(void **state) {
    (void)state;
    stroma_model *m = load(two_compartment);
    stroma_sim *sim = create(m, 1);
    const double a = 5 * 2 * 0.05 / 5, TV = 1.0 / 3.0, X0 = 100, Y0 = 0;
    const double Xinf = (X0 + Y0 / TV) / (1 + 1 / TV);
    for (int n = 1; n <= 4; n++) {
        run_steps(sim, 2500); /* 5 min */
        double t = 5.0 * n, D = (X0 - Y0) * exp(-a * (1 + TV) * t);
        /* X = Xinf + D / (1 + TV), Y = Xinf - TV D / (1 + TV) */
        double X = Xinf + D / (1 + TV), Y = Xinf - TV * D / (1 + TV);
        double x = sim->transport->c[0], y = stroma_sim_plasma(sim, 0).value;
        if (!close_rel(x, X, 1e-3) || !close_rel(y, Y, 1e-3))
            fail_msg("t = %g min: tissue %.8g (analytic %.8g), plasma %.8g (analytic %.8g)", t, x, X, y, Y);
    }
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* ---- angiogenesis and regression ---- */

static const char angio[] =
    "domain: {x: [0, 400], y: [0, 200], z: [0, 20], voxel: 20}\n"
    "time: {end: 10, dt_diffusion: 1}\n"
    "substrates:\n  VEGF: {diffusion: 0, decay: 0}\n"
    "vessels:\n  max_density: 0.1\n"
    "  initial: {segments: [{from: [10, 10, 10], to: [390, 10, 10], density: 0.02}]}\n"
    "  angiogenesis: {substrate: VEGF, rate: 0.01, half_max: 10, hill: 2}\n"
    "  regression: {rate: 0.002, survival_half_max: 1, hill: 2}\n";

/* VEGF 100 in the left half, 0 in the right: next to the seeded row, density rises on the left and falls on the
 * right; far from any vessel nothing grows even where VEGF is high; growth spreads one voxel per update. */
static void test_angiogenesis(void **state) {
    (void)state;
    stroma_model *m = load(angio);
    stroma_sim *sim = create(m, 1);
    stroma_vessels *v = &sim->vessels;
    stroma_transport *t = sim->transport;
    const stroma_mesh *mesh = &t->mesh;
    assert_int_equal(mesh->nx, 20);
    for (int j = 0; j < mesh->ny; j++)
        for (int i = 0; i < mesh->nx; i++) t->c[stroma_mesh_index(mesh, i, j, 0)] = i < 10 ? 100 : 0;
    size_t left = stroma_mesh_index(mesh, 3, 0, 0), right = stroma_mesh_index(mesh, 15, 0, 0);
    size_t left_up = stroma_mesh_index(mesh, 3, 1, 0), left_far = stroma_mesh_index(mesh, 3, 5, 0);
    assert_true(v->rho[left] == 0.02 && v->rho[right] == 0.02 && v->rho[left_up] == 0);
    stroma_vessels_remodel(v, t, 60);
    assert_true(v->rho[left] > 0.02);
    assert_true(v->rho[right] < 0.02);
    assert_true(v->rho[left_up] > 0);                    /* sprouting into the neighbour */
    assert_true(v->rho[left_far] == 0);                  /* not next to any vessel */
    assert_true(v->rho[stroma_mesh_index(mesh, 15, 1, 0)] == 0); /* no VEGF: no sprouting */
    /* the implicit logistic update: the seeded row under constant VEGF with g = rate H = 0.01 x 100/101 follows
     * rho_max / (1 + (rho_max / rho0 - 1) exp(-g t)) to first order in the interval: 1 % at 0.5-min updates */
    stroma_vessels_free(v);
    stroma_vessels_init(v, m, sim->rng, &(stroma_error){0});
    double g = 0.01 * (1e4 / (1e2 + 1e4));                /* H = 100^2 / (10^2 + 100^2) */
    double r = 0.002 * (1 - 1e4 / (1 + 1e4));            /* survival almost complete */
    for (int n = 0; n < 400; n++) stroma_vessels_remodel(v, t, 0.5);
    double tt = 200, K = 0.1 * (g - r) / g;              /* logistic with loss: growth g - r, capacity K */
    double want = K / (1 + (K / 0.02 - 1) * exp(-(g - r) * tt));
    if (!close_rel(v->rho[left], want, 1e-2)) fail_msg("rho %.6g, logistic %.6g", v->rho[left], want);
    /* regression: with VEGF gone everywhere, density falls as exp(-rate t) */
    for (size_t k = 0; k < mesh->nvox; k++) t->c[k] = 0;
    double before = v->rho[left];
    for (int n = 0; n < 100; n++) stroma_vessels_remodel(v, t, 1);
    double want_r = before / pow(1 + 0.002, 100);
    if (!close_rel(v->rho[left], want_r, 1e-12)) fail_msg("regression %.10g, expected %.10g", v->rho[left], want_r);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

static const char compress[] =
    "domain: {x: [0, 400], y: [0, 400], z: [0, 20], voxel: 20}\n"
    "time: {end: 10, dt_diffusion: 1}\n"
    "substrates:\n  VEGF: {diffusion: 0, decay: 0}\n"
    "vessels:\n  max_density: 0.1\n  initial: {uniform: 0.05}\n"
    "  regression: {rate: 0, survival_half_max: 1, hill: 2, pressure_rate: 0.02, pressure_half_max: 3, "
    "pressure_hill: 12}\n";

/* Compression is the voxels' mean cell pressure averaged over the 3 x 3 neighbourhood: inside a packed block
 * (every voxel at 4) it stays 4 and the vessels there regress at 0.02 H(4) per minute; an isolated voxel at 4
 * among empty ones feels 4/9 and keeps its vessels (H(4/9) ~ 1e-10); at an edge only existing voxels count.
 * With the voxel's own mean alone (no neighbourhood) the isolated voxel would lose 10 % in 10 minutes. */
static void test_compression_neighbourhood(void **state) {
    (void)state;
    stroma_model *m = load(compress);
    stroma_sim *sim = create(m, 1);
    stroma_vessels *v = &sim->vessels;
    const stroma_mesh *mesh = &sim->transport->mesh;
    assert_non_null(v->pressure);
    memset(v->pressure, 0, mesh->nvox * sizeof *v->pressure);
    for (int j = 2; j <= 8; j++)
        for (int i = 2; i <= 8; i++) v->pressure[stroma_mesh_index(mesh, i, j, 0)] = 4; /* packed block */
    v->pressure[stroma_mesh_index(mesh, 15, 15, 0)] = 4;                               /* isolated pair */
    v->pressure[stroma_mesh_index(mesh, 0, 19, 0)] = 4;                                /* in a corner */
    stroma_vessels_compression(v);
    const size_t in = stroma_mesh_index(mesh, 5, 5, 0), iso = stroma_mesh_index(mesh, 15, 15, 0);
    assert_true(v->pressure[in] == 4);
    assert_true(close_rel(v->pressure[stroma_mesh_index(mesh, 2, 5, 0)], 4.0 * 6 / 9, 1e-15)); /* block edge */
    assert_true(close_rel(v->pressure[iso], 4.0 / 9, 1e-15));
    assert_true(close_rel(v->pressure[stroma_mesh_index(mesh, 16, 16, 0)], 4.0 / 9, 1e-15));
    assert_true(close_rel(v->pressure[stroma_mesh_index(mesh, 0, 19, 0)], 4.0 / 4, 1e-15));   /* 4 voxels */
    assert_true(v->pressure[stroma_mesh_index(mesh, 12, 12, 0)] == 0);
    stroma_vessels_remodel(v, sim->transport, 10);
    double h4 = pow(4.0 / 3, 12) / (1 + pow(4.0 / 3, 12));
    if (!close_rel(v->rho[in], 0.05 / (1 + 10 * 0.02 * h4), 1e-12)) fail_msg("packed voxel %.10g", v->rho[in]);
    assert_true(v->rho[iso] > 0.05 * (1 - 1e-8));
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* ---- cells and rules ---- */

static const char cells_act[] =
    "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
    "time: {end: 60, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 6}\n"
    "substrates:\n  F: {diffusion: 0, decay: 0}\n"
    "cell_types:\n  tip: {volume: 4000}\n  pruner: {volume: 4000}\n"
    "vessels:\n  max_density: 0.1\n  initial: {uniform: 0.02}\n  every: 60\n"
    "body:\n  plasma_volume: 3\n  tumour_volume: 1\n  dt: 1\n"
    "  systemic:\n    F: {unit: pg/mL, conversion: 1, half_life: 1e9, baseline: 40}\n"
    "rules:\n"
    "  - {type: tip, signal: plasma F, direction: increases, behaviour: vessel deposition, saturation: 0.001, "
    "half_max: 40, hill: 1}\n"
    "  - {type: pruner, signal: vessel density, direction: increases, behaviour: vessel pruning, saturation: 0.01, "
    "half_max: 0.02, hill: 1}\n"
    "initial_cells:\n  - {type: tip, at: [50, 50, 10]}\n  - {type: pruner, at: [150, 150, 10]}\n";

/* Rules read `plasma F` (40 pg/mL: half-max, so deposition is half its saturation, 0.0005 /min) and `vessel
 * density` (0.02: half-max, pruning 0.005 /min): after 10 phenotype steps of 6 min the tip cell's voxel holds
 * 0.02 + 10 x 6 x 0.0005 x V/Vvox (V = 4000, Vvox = 8000) and the pruner's has been divided by (1 + 6 r) each
 * step, r following its own density. Other voxels keep 0.02. */
static void test_cells_act_on_vessels(void **state) {
    (void)state;
    stroma_model *m = load(cells_act);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 600);
    const stroma_mesh *mesh = &sim->transport->mesh;
    double p1[3] = {50, 50, 10}, p2[3] = {150, 150, 10};
    double tip = sim->vessels.rho[stroma_mesh_voxel_of(mesh, p1)];
    double pr = sim->vessels.rho[stroma_mesh_voxel_of(mesh, p2)];
    double want_tip = 0.02 + 10 * 6 * 0.0005 * 0.5;
    double want_pr = 0.02;
    for (int k = 0; k < 10; k++) {
        double r = 0.01 * (want_pr / 0.02) / (1 + want_pr / 0.02);
        want_pr /= 1 + 6 * r;
    }
    if (!close_rel(tip, want_tip, 1e-9)) fail_msg("tip voxel %.12g, expected %.12g", tip, want_tip);
    if (!close_rel(pr, want_pr, 1e-9)) fail_msg("pruned voxel %.12g, expected %.12g", pr, want_pr);
    assert_true(sim->vessels.rho[stroma_mesh_index(mesh, 9, 0, 0)] == 0.02);
    stroma_vessel_summary vs = stroma_sim_vessels(sim);
    assert_true(close_rel(vs.deposited_um3, 10 * 6 * 0.0005 * 0.5 * 8000, 1e-9));
    assert_true(close_rel(vs.pruned_um3, (0.02 - want_pr) * 8000, 1e-9));
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Remodelling a 100 x 100 field (above the size where it runs in parallel) at 1 and 2 threads gives the same
 * densities and the same growth and loss totals, bit for bit. */
static void test_remodel_threads(void **state) {
    (void)state;
    static const char big[] = "domain: {x: [0, 2000], y: [0, 2000], z: [0, 20], voxel: 20}\n"
                              "time: {end: 10, dt_diffusion: 1}\n"
                              "substrates:\n  VEGF: {diffusion: 0, decay: 0}\n"
                              "vessels:\n  max_density: 0.1\n  initial: {random: {fraction: 0.3, density: 0.05}}\n"
                              "  angiogenesis: {substrate: VEGF, rate: 0.01, half_max: 10, hill: 2}\n"
                              "  regression: {rate: 0.002, survival_half_max: 5, hill: 2}\n";
    stroma_model *m = load(big);
    stroma_sim *a = create(m, 1);
    assert_true(a->transport->mesh.nvox > 4096);
    for (size_t k = 0; k < a->transport->mesh.nvox; k++) a->transport->c[k] = (double)(k % 97) * 0.37;
    stroma_vessels one, two;
    stroma_error err;
    assert_int_equal(stroma_vessels_init(&one, m, a->rng, &err), STROMA_OK);
    assert_int_equal(stroma_vessels_init(&two, m, a->rng, &err), STROMA_OK);
    for (int n = 0; n < 5; n++) {
        omp_set_num_threads(1);
        stroma_vessels_remodel(&one, a->transport, 30);
        omp_set_num_threads(2);
        stroma_vessels_remodel(&two, a->transport, 30);
    }
    assert_memory_equal(one.rho, two.rho, a->transport->mesh.nvox * sizeof(double));
    assert_memory_equal(&one.grown, &two.grown, sizeof(double));
    assert_memory_equal(&one.regressed, &two.regressed, sizeof(double));
    assert_true(one.grown > 0 && one.regressed > 0);
    stroma_vessels_free(&one);
    stroma_vessels_free(&two);
    stroma_sim_destroy(&a);
    stroma_model_destroy(&m);
}

/* ---- mass balance ---- */

static const char balance[] =
    "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
    "time: {end: 600, dt_diffusion: 0.1}\n"
    "substrates:\n"
    "  oxygen: {diffusion: 100000, decay: 0.1, initial: 20}\n"
    "  VEGF: {diffusion: 1000, decay: 0.01}\n"
    "sources:\n  - {substrate: VEGF, at: [100, 100, 10], export: 50000}\n"
    "vessels:\n  max_density: 0.1\n"
    "  initial: {segments: [{from: [10, 10, 10], to: [190, 10, 10], density: 0.02}]}\n"
    "  angiogenesis: {substrate: VEGF, rate: 0.01, half_max: 1, hill: 2}\n"
    "  regression: {rate: 0.001, survival_half_max: 0.5}\n"
    "  every: 1\n"
    "  oxygen: {substrate: oxygen, blood: 40}\n"
    "  permeability: {oxygen: 300, VEGF: 2}\n"
    "body:\n  plasma_volume: 3000\n  tumour_volume: 10\n  dt: 1\n"
    "  systemic:\n    VEGF: {unit: pg/mL, conversion: 2, half_life: 34, baseline: 1, drainage: 0.001}\n";

/* Everything the source exported (600 min x 50,000 = 3e7 exactly) is in the tissue, decayed, exchanged or
 * drained, to 1e-9 relative; plasma's content = baseline content + produced + received - cleared; received is
 * what the tissue lost x the tumour/domain scale; the vessels grew. */
static void test_mass_balance(void **state) {
    (void)state;
    stroma_model *m = load(balance);
    stroma_sim *sim = create(m, 2);
    stroma_vessel_summary v0 = stroma_sim_vessels(sim);
    run_steps(sim, 6000);
    stroma_plasma_summary p = stroma_sim_plasma(sim, 0);
    double secreted = 600.0 * 50000.0;
    double tissue_side = (p.tissue - p.tissue0) + p.decayed + p.exchanged + p.drained;
    if (!close_rel(tissue_side, secreted, 1e-9))
        fail_msg("tissue side %.15g, exported %.15g (rel %.3g)", tissue_side, secreted,
                 fabs(tissue_side - secreted) / secreted);
    if (!(p.decayed > 0.1 * secreted && p.exchanged > 0 && p.drained > 0))
        fail_msg("decayed %g, exchanged %g, drained %g of %g", p.decayed, p.exchanged, p.drained, secreted);
    double plasma_side = p.plasma0 + p.produced + p.received - p.cleared;
    if (!close_rel(p.plasma, plasma_side, 1e-9)) fail_msg("plasma %.15g, ledger %.15g", p.plasma, plasma_side);
    double scale = 2.0 * 10.0 / (200.0 * 200.0 * 20.0);
    if (!close_rel(p.received, (p.exchanged + p.drained) * scale, 1e-9))
        fail_msg("received %.15g, sent x scale %.15g", p.received, (p.exchanged + p.drained) * scale);
    assert_true(p.value > 1);
    stroma_vessel_summary v1 = stroma_sim_vessels(sim);
    assert_true(v1.volume_um3 > 1.5 * v0.volume_um3);
    assert_true(v1.grown_um3 > 0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* ---- determinism and checkpoints ---- */

/* The same run at 1 and 2 threads gives bit-identical fields, vessels and plasma. */
static void test_threads_identical(void **state) {
    (void)state;
    stroma_model *m = load(balance);
    stroma_sim *a = create(m, 1), *b = create(m, 2);
    run_steps(a, 1500);
    run_steps(b, 1500);
    size_t n = a->transport->mesh.nvox * (size_t)a->transport->nsub;
    assert_memory_equal(a->transport->c, b->transport->c, n * sizeof(double));
    assert_memory_equal(a->vessels.rho, b->vessels.rho, a->transport->mesh.nvox * sizeof(double));
    stroma_plasma_summary pa = stroma_sim_plasma(a, 0), pb = stroma_sim_plasma(b, 0);
    assert_memory_equal(&pa.value, &pb.value, sizeof(double));
    assert_memory_equal(&pa.exchanged, &pb.exchanged, 5 * sizeof(double));
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

/* Saving mid-run and restoring into a fresh simulation continues identically (vessels, plasma, ledgers). */
static void test_checkpoint_continues(void **state) {
    (void)state;
    stroma_model *m = load(balance);
    stroma_sim *a = create(m, 1), *b = create(m, 1);
    run_steps(a, 1234);
    stroma_error err;
    if (sim_copy_state(a, b, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
    run_steps(a, 700);
    run_steps(b, 700);
    size_t n = a->transport->mesh.nvox * (size_t)a->transport->nsub;
    assert_memory_equal(a->transport->c, b->transport->c, n * sizeof(double));
    assert_memory_equal(a->vessels.rho, b->vessels.rho, a->transport->mesh.nvox * sizeof(double));
    stroma_plasma_summary pa = stroma_sim_plasma(a, 0), pb = stroma_sim_plasma(b, 0);
    assert_memory_equal(&pa.value, &pb.value, sizeof(double));
    assert_memory_equal(&pa.exchanged, &pb.exchanged, 5 * sizeof(double));
    assert_memory_equal(&pa.produced, &pb.produced, 3 * sizeof(double));
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_compartment), cmocka_unit_test(test_healthy_stays),
        cmocka_unit_test(test_two_compartment), cmocka_unit_test(test_angiogenesis),
        cmocka_unit_test(test_compression_neighbourhood),
        cmocka_unit_test(test_mass_balance),    cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_checkpoint_continues), cmocka_unit_test(test_cells_act_on_vessels),
        cmocka_unit_test(test_remodel_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
