/* Unit tests for src/cells: growth statistics, mechanics equilibrium, chemotactic drift, contact killing,
 * transformation on contact, and bit-identical results at 1 and 2 threads. Tolerances are stated per test. */
#include <math.h>
#include <stdio.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cells/engine.h"

#define MAXT 4

/* A type table with PhysiCell-like defaults; arrays sized for MAXT types and one substrate. */
typedef struct fixture {
    stroma_cell_type_desc types[MAXT];
    double aff[MAXT][MAXT], sec[MAXT][1], sat[MAXT][1], upt[MAXT][1], exp_[MAXT][1];
    double attack[MAXT][MAXT], phago[MAXT][MAXT], ctrans[MAXT][MAXT * MAXT], trans[MAXT][MAXT];
} fixture;

static void fixture_init(fixture *f, int ntypes) {
    memset(f, 0, sizeof *f);
    for (int k = 0; k < ntypes; k++) {
        stroma_cell_type_desc *T = &f->types[k];
        snprintf(T->name, sizeof T->name, "t%d", k);
        T->volume_um3 = 2494;
        T->growth_per_min = 0.01;
        T->cycle = STROMA_CYCLE_NONE;
        T->apoptosis_duration_min = 516;
        T->necrosis_substrate = -1;
        T->necrosis_duration_min = 86400;
        T->repulsion_um_per_min = 10;
        T->adhesion_um_per_min = 0.4;
        T->max_adhesion_rel = 1.25;
        for (int j = 0; j < MAXT; j++) f->aff[k][j] = 1;
        T->adhesion_affinity = f->aff[k];
        T->chemotaxis_substrate = -1;
        T->chemotaxis_direction = 1;
        T->persistence_min = 1;
        T->secretion_per_min = f->sec[k];
        T->saturation = f->sat[k];
        T->uptake_per_min = f->upt[k];
        T->export_per_min = f->exp_[k];
        T->attack_per_min = f->attack[k];
        T->attach_duration_min = 60;
        T->phagocytose_per_min = f->phago[k];
        T->contact_transform_per_min = f->ctrans[k];
        T->transform_per_min = f->trans[k];
    }
}

static void engine_2d(stroma_cell_engine *e, fixture *f, int ntypes, double size, uint64_t seed) {
    stroma_mech_domain dom = {{0, 0, 0}, {size, size, 20}, 2};
    stroma_error err;
    assert_int_equal(stroma_cell_engine_init(e, f->types, ntypes, 1, &dom, (stroma_rng_key){seed}, &err),
                     STROMA_OK);
}

static int64_t live_count(const stroma_cell_engine *e, int type) {
    int64_t counts[MAXT], dead;
    stroma_cell_engine_count(e, counts, &dead);
    return counts[type];
}

/* Exponential cycle of mean T: a cell divides in a step of dt with p = e^(dt/T) - 1, so the expected population
 * is N0 e^(t/T) = N0 2^(t/Td), Td = T ln 2, at any dt. Over 40 seeds the mean count must lie within 4 standard
 * errors of it; a coarser dt gives the same law. */
static void test_exponential_growth(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    f.types[0].cycle_mean_min = 600;
    const int seeds = 40, n0 = 50;
    const double dt = 6, tend = 1200;
    double sum = 0, sum2 = 0;
    for (int s = 0; s < seeds; s++) {
        stroma_cell_engine e;
        engine_2d(&e, &f, 1, 2000, 1000 + (uint64_t)s);
        for (int k = 0; k < n0; k++) {
            double p[3] = {20.0 + 30 * (k % 40), 20.0 + 30 * (k / 40), 10};
            stroma_cell_engine_add(&e, 0, p, 0, NULL);
        }
        for (double t = 0; t < tend - 1e-9; t += dt) assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, dt, t, NULL), STROMA_OK);
        double n = (double)live_count(&e, 0);
        sum += n;
        sum2 += n * n;
        stroma_cell_engine_free(&e);
    }
    double mean = sum / seeds, sd = sqrt((sum2 - sum * sum / seeds) / (seeds - 1)), se = sd / sqrt(seeds);
    double expect = n0 * pow(2, tend / (600 * log(2)));
    assert_true(fabs(mean - expect) < 4 * se);
}

/* Fixed phase durations, cells started at the stationary age distribution: E[N(t)] = N0 2^(t/Tc) for any t
 * (durations are multiples of dt). 20 seeds, within 4 standard errors. */
static void test_phased_growth(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].cycle = STROMA_CYCLE_PHASES;
    f.types[0].nphases = 3;
    f.types[0].phase_min[0] = 300;
    f.types[0].phase_min[1] = 480;
    f.types[0].phase_min[2] = 300; /* Tc = 1080 min */
    const int seeds = 20, n0 = 100;
    const double dt = 6, tend = 1500;
    double sum = 0, sum2 = 0;
    for (int s = 0; s < seeds; s++) {
        stroma_cell_engine e;
        engine_2d(&e, &f, 1, 4000, 77 + (uint64_t)s);
        for (int k = 0; k < n0; k++) {
            double p[3] = {20.0 + 35 * (k % 100), 20.0 + 35 * (k / 100), 10};
            stroma_cell_engine_add(&e, 0, p, 0, NULL);
        }
        for (double t = 0; t < tend - 1e-9; t += dt) stroma_cell_engine_phenotype(&e, NULL, dt, t, NULL);
        double n = (double)live_count(&e, 0);
        sum += n;
        sum2 += n * n;
        stroma_cell_engine_free(&e);
    }
    double mean = sum / seeds, se = sqrt((sum2 - sum * sum / seeds) / (seeds - 1) / seeds);
    double expect = n0 * pow(2, tend / 1080);
    assert_true(fabs(mean - expect) < 4 * se + 1e-9);
}

/* A phased cycle with an exponential first phase (PhysiCell's flow-cytometry model as in its template:
 * G0/G1 exponential of mean 300 min, then S, G2, M fixed 480, 240, 60 min), cells synchronized at the start
 * of G0/G1. With dt = 6 the exponential phase is left with p = dt/300 per step, so a cell's first division
 * comes at T = 6 G + 780 min, G geometric on {1, 2, ...}: none before 786 min and
 * P(T <= t) = 1 - (1 - p)^floor((t - 780)/6) (second divisions cannot come before 1572 min). The number of
 * first divisions by 900, 1080 and 1500 min must lie within 4 binomial standard errors of N P. */
static void test_exponential_phase_synchronized(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_type_desc *T = &f.types[0];
    T->cycle = STROMA_CYCLE_PHASES;
    T->nphases = 4;
    const double dur[4] = {300, 480, 240, 60};
    for (int k = 0; k < 4; k++) T->phase_min[k] = dur[k];
    T->phase_exponential[0] = 1;
    const int n0 = 2000;
    const double dt = 6, p = dt / 300;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 4000, 5);
    for (int k = 0; k < n0; k++) {
        double x[3] = {20.0 + 35 * (k % 100), 20.0 + 35 * (k / 100), 10};
        size_t i = stroma_cell_engine_add(&e, 0, x, 0, NULL);
        stroma_cell_engine_synchronize(&e, i);
    }
    const double checks[3] = {900, 1080, 1500};
    int next = 0;
    for (int step = 1; step * dt <= 1500 + 1e-9; step++) {
        double t = step * dt;
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, dt, t - dt, NULL), STROMA_OK);
        if (t < 786 - 1e-9) assert_int_equal(e.counters.births, 0);
        if (next < 3 && fabs(t - checks[next]) < 1e-9) {
            double P = 1 - pow(1 - p, floor((t - 780) / dt + 1e-9));
            double want = n0 * P, se = sqrt(n0 * P * (1 - P));
            double got = (double)e.counters.births;
            if (fabs(got - want) >= 4 * se) fail_msg("t=%g: %g first divisions, expected %g +- %g", t, got, want, se);
            next++;
        }
    }
    assert_int_equal(next, 3);
    stroma_cell_engine_free(&e);
}

/* Two overlapping cells relax to where repulsion equals adhesion:
 * sqrt(c_r)(1 - d/R) = sqrt(c_a)(1 - d/Rm), R = 2r, Rm = 2 m r. Within 1e-3 µm after 300 min. */
static void test_pair_equilibrium(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 200, 1);
    double a[3] = {95, 100, 10}, b[3] = {105, 100, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, 0, b, 0, NULL);
    for (int k = 0; k < 3000; k++) stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL);
    double r = stroma_sphere_radius(2494), R = 2 * r, Rm = 2 * 1.25 * r;
    double deq = (sqrt(10) - sqrt(0.4)) / (sqrt(10) / R - sqrt(0.4) / Rm);
    double d = hypot(e.cells.x[1] - e.cells.x[0], e.cells.y[1] - e.cells.y[0]);
    assert_true(fabs(d - deq) < 1e-3);
    /* the pair's centre does not move (forces are equal and opposite) */
    assert_true(fabs(0.5 * (e.cells.x[0] + e.cells.x[1]) - 100) < 1e-9);
    assert_true(fabs(stroma_mechanics_pair(deq, r, r, 10, 10, 0.4, 0.4, 1.25, 1.25)) < 1e-12);
    stroma_cell_engine_free(&e);
}

/* A killer attached to a target kills it with rate k: after attaching (p_attach ~ 1 in the first step) the
 * fraction of targets killed by step n is 1 - e^(-k dt (n - 1)). 1000 separated pairs; within 4 binomial SE.
 * Dead targets are removed after their apoptosis duration. */
static void test_contact_killing(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 2);
    f.attack[0][1] = 1000; /* attaches at once */
    f.types[0].kill_per_min = 0.01;
    f.types[0].attach_duration_min = 1e9;
    f.types[1].apoptosis_duration_min = 60;
    stroma_cell_engine e;
    engine_2d(&e, &f, 2, 4000, 5);
    const int pairs = 1000;
    for (int k = 0; k < pairs; k++) {
        double x = 40 + 100 * (k % 35), y = 40 + 100 * (k / 35);
        double p[3] = {x, y, 10}, q[3] = {x + 15, y, 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
        stroma_cell_engine_add(&e, 1, q, 0, NULL);
    }
    const double dt = 6;
    const int steps = 11;
    for (int s = 0; s < steps; s++) stroma_cell_engine_phenotype(&e, NULL, dt, s * dt, NULL);
    double p = 1 - exp(-0.01 * dt * (steps - 1));
    double killed = (double)e.counters.kills;
    assert_true(fabs(killed - pairs * p) < 4 * sqrt(pairs * p * (1 - p)));
    assert_int_equal(live_count(&e, 1), pairs - (int64_t)killed);
    /* after the apoptosis duration every killed target is gone */
    for (int s = 0; s < 12; s++) stroma_cell_engine_phenotype(&e, NULL, dt, (steps + s) * dt, NULL);
    int64_t counts[MAXT], dead;
    stroma_cell_engine_count(&e, counts, &dead);
    assert_true(e.counters.removals >= (int64_t)killed);
    assert_int_equal((int64_t)e.cells.n, counts[0] + counts[1] + dead);
    stroma_cell_engine_free(&e);
}

/* Fibroblast -> CAF on contact with a cancer cell: with rate r, fraction transformed after n steps is
 * 1 - e^(-r dt n); isolated fibroblasts never transform. */
static void test_contact_transformation(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 3); /* 0 cancer, 1 fibroblast, 2 CAF */
    f.ctrans[1][0 * 3 + 2] = 0.02;
    stroma_cell_engine e;
    engine_2d(&e, &f, 3, 4000, 9);
    const int pairs = 600;
    for (int k = 0; k < pairs; k++) {
        double x = 40 + 100 * (k % 35), y = 40 + 100 * (k / 35);
        double p[3] = {x, y, 10}, q[3] = {x + 15, y, 10};
        stroma_cell_engine_add(&e, 1, p, 0, NULL);
        stroma_cell_engine_add(&e, 0, q, 0, NULL);
    }
    double lone[3] = {3950, 3950, 10};
    stroma_cell_engine_add(&e, 1, lone, 0, NULL);
    const int steps = 10;
    for (int s = 0; s < steps; s++) stroma_cell_engine_phenotype(&e, NULL, 6, s * 6.0, NULL);
    double p = 1 - exp(-0.02 * 6 * steps), got = (double)live_count(&e, 2);
    assert_true(fabs(got - pairs * p) < 4 * sqrt(pairs * p * (1 - p)));
    assert_int_equal(e.cells.type[e.cells.n - 1], 1);
    stroma_cell_engine_free(&e);
}


/* Chemotaxis up a fixed linear gradient (c = x): with persistence 0 a cell picks a new direction every step,
 * d = normalize(b g + (1 - b) u) with u uniform on the circle, so the mean velocity along x is
 * speed x E[d_x], computed here by quadrature. 400 separated cells for 100 min; the mean x displacement must
 * match speed x E[d_x] x t within 4 standard errors (and exactly speed x t for b = 1). */
static double expected_drift_2d(double b) {
    const int n = 200000;
    double sum = 0;
    for (int k = 0; k < n; k++) {
        double th = 6.283185307179586 * (k + 0.5) / n;
        double dx = b + (1 - b) * cos(th), dy = (1 - b) * sin(th);
        sum += dx / sqrt(dx * dx + dy * dy);
    }
    return sum / n;
}

static void chemotaxis_case(double bias, double direction) {
    fixture f;
    fixture_init(&f, 1);
    f.types[0].speed_um_per_min = 2;
    f.types[0].persistence_min = 0;
    f.types[0].bias = bias;
    f.types[0].chemotaxis_substrate = 0;
    f.types[0].chemotaxis_direction = direction;
    f.types[0].adhesion_um_per_min = 0;
    stroma_model m;
    memset(&m, 0, sizeof m);
    stroma_substrate_desc sub;
    memset(&sub, 0, sizeof sub);
    snprintf(sub.name, sizeof sub.name, "attractant");
    sub.diffusion_um2_per_min = 1000;
    m.lo_um[0] = m.lo_um[1] = m.lo_um[2] = 0;
    m.hi_um[0] = m.hi_um[1] = 8000;
    m.hi_um[2] = 20;
    m.voxel_um = 20;
    m.n[0] = m.n[1] = 400;
    m.n[2] = 1;
    m.dim = 2;
    m.dt_diffusion_min = 0.1;
    m.end_min = 1;
    m.nsub = 1;
    m.substrates = &sub;
    stroma_error err;
    stroma_transport *t = stroma_transport_create(&m, NULL, &err);
    assert_non_null(t);
    for (int j = 0; j < 400; j++)
        for (int i = 0; i < 400; i++) t->c[stroma_mesh_index(&t->mesh, i, j, 0)] = 10 + 20.0 * i;
    stroma_cell_engine e;
    stroma_mech_domain dom = {{0, 0, 0}, {8000, 8000, 20}, 2};
    assert_int_equal(stroma_cell_engine_init(&e, f.types, 1, 1, &dom, (stroma_rng_key){3}, &err), STROMA_OK);
    const int n = 400;
    for (int k = 0; k < n; k++) {
        double p[3] = {3000 + 100 * (k % 20), 3000 + 100 * (k / 20), 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
    }
    double x0[400];
    memcpy(x0, e.cells.x, sizeof x0);
    const double dt = 0.1, T = 100;
    for (int s = 0; s < (int)(T / dt); s++) stroma_cell_engine_mechanics(&e, t, dt, NULL);
    double sum = 0, sum2 = 0;
    for (int k = 0; k < n; k++) {
        double d = e.cells.x[k] - x0[k];
        sum += d;
        sum2 += d * d;
    }
    double mean = sum / n, se = sqrt((sum2 - sum * sum / n) / (n - 1) / n);
    /* the first step uses the random initial direction, so (T - dt) of the run is chemotactic */
    double expect = direction * 2 * expected_drift_2d(bias) * (T - dt);
    if (bias == 1)
        assert_true(fabs(mean - expect) < 2 * 2 * dt + 1e-9);
    else
        assert_true(fabs(mean - expect) < 4 * se + 2 * 2 * dt);
    stroma_cell_engine_free(&e);
    stroma_transport_destroy(&t);
}

static void test_chemotaxis_drift(void **state) {
    (void)state;
    chemotaxis_case(1.0, 1);
    chemotaxis_case(0.5, 1);
    chemotaxis_case(0.3, -1);
}

/* The composed per-voxel secretion map equals applying every cell's implicit update in id order, to rounding
 * (relative 1e-12), over 50 steps; with a net import (negative export) the cell-by-cell path is used and the
 * result is identical bit for bit (every cell there imports). */
static void secretion_case(double export_rate) {
    fixture f;
    fixture_init(&f, 2);
    f.sec[0][0] = 0.5;
    f.sat[0][0] = 20;
    f.upt[1][0] = 2;
    f.exp_[1][0] = export_rate;
    stroma_model m;
    memset(&m, 0, sizeof m);
    stroma_substrate_desc sub;
    memset(&sub, 0, sizeof sub);
    snprintf(sub.name, sizeof sub.name, "s");
    sub.initial = 3;
    m.hi_um[0] = m.hi_um[1] = 100;
    m.hi_um[2] = 20;
    m.voxel_um = 20;
    m.n[0] = m.n[1] = 5;
    m.n[2] = 1;
    m.dim = 2;
    m.dt_diffusion_min = 0.01;
    m.end_min = 1;
    m.nsub = 1;
    m.substrates = &sub;
    stroma_error err;
    stroma_transport *a = stroma_transport_create(&m, NULL, &err), *b = stroma_transport_create(&m, NULL, &err);
    assert_non_null(a);
    assert_non_null(b);
    stroma_cell_engine e;
    stroma_mech_domain dom = {{0, 0, 0}, {100, 100, 20}, 2};
    assert_int_equal(stroma_cell_engine_init(&e, f.types, 2, 1, &dom, (stroma_rng_key){3}, &err), STROMA_OK);
    for (int k = 0; k < 60; k++) {
        double p[3] = {5 + (k * 37) % 90, 5 + (k * 53) % 90, 10};
        stroma_cell_engine_add(&e, export_rate < 0 ? 1 : k % 3 == 0, p, 0, NULL);
    }
    for (int step = 0; step < 50; step++) {
        stroma_cell_engine_secrete(&e, a);
        for (size_t i = 0; i < e.cells.n; i++) {
            double p[3] = {e.cells.x[i], e.cells.y[i], e.cells.z[i]};
            stroma_transport_apply_source(b, stroma_mesh_voxel_of(&b->mesh, p), e.cells.volume_um3[i],
                                          e.cells.secretion + i, e.cells.saturation + i, e.cells.uptake + i,
                                          e.cells.export_rate + i, NULL);
        }
    }
    for (size_t v = 0; v < 25; v++) {
        if (export_rate < 0)
            assert_memory_equal(&a->c[v], &b->c[v], sizeof(double));
        else
            assert_true(fabs(a->c[v] - b->c[v]) <= 1e-12 * fabs(b->c[v]) + 1e-300);
    }
    stroma_cell_engine_free(&e);
    stroma_transport_destroy(&a);
    stroma_transport_destroy(&b);
}

static void test_secretion_composition(void **state) {
    (void)state;
    secretion_case(5.0);
    secretion_case(-5.0);
}

/* A crowded, dividing, killing population: positions, ids and types bit-identical at 1 and 2 threads. */
static void run_mixed(int threads, stroma_cells *out) {
    omp_set_num_threads(threads);
    fixture f;
    fixture_init(&f, 2);
    f.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    f.types[0].cycle_mean_min = 300;
    f.types[0].speed_um_per_min = 0.5;
    f.types[1].speed_um_per_min = 2;
    f.attack[1][0] = 0.1;
    f.types[1].kill_per_min = 0.05;
    f.types[0].apoptosis_per_min = 1e-3;
    stroma_cell_engine e;
    engine_2d(&e, &f, 2, 600, 42);
    for (int k = 0; k < 400; k++) {
        double p[3] = {200 + 10 * (k % 20), 200 + 10 * (k / 20), 10};
        stroma_cell_engine_add(&e, k % 7 == 0, p, 0, NULL);
    }
    for (int s = 0; s < 600; s++) {
        stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL);
        if (s % 60 == 59) stroma_cell_engine_phenotype(&e, NULL, 6, s * 0.1, NULL);
    }
    *out = e.cells;
    memset(&e.cells, 0, sizeof e.cells);
    stroma_cell_engine_free(&e);
}

static void test_threads_bit_identical(void **state) {
    (void)state;
    stroma_cells a, b;
    run_mixed(1, &a);
    run_mixed(2, &b);
    assert_int_equal(a.n, b.n);
    assert_true(a.n > 400);
    assert_memory_equal(a.id, b.id, a.n * sizeof(int64_t));
    assert_memory_equal(a.type, b.type, a.n * sizeof(int32_t));
    assert_memory_equal(a.x, b.x, a.n * sizeof(double));
    assert_memory_equal(a.y, b.y, a.n * sizeof(double));
    assert_memory_equal(a.volume_um3, b.volume_um3, a.n * sizeof(double));
    stroma_cells_free(&a);
    stroma_cells_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exponential_growth), cmocka_unit_test(test_phased_growth),
        cmocka_unit_test(test_exponential_phase_synchronized),
        cmocka_unit_test(test_pair_equilibrium),   cmocka_unit_test(test_contact_killing),
        cmocka_unit_test(test_contact_transformation), cmocka_unit_test(test_chemotaxis_drift), cmocka_unit_test(test_secretion_composition), cmocka_unit_test(test_threads_bit_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
