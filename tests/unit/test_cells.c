/* Unit tests for src/cells: growth statistics, mechanics equilibrium, chemotactic drift (one substrate, and
 * several against PhysiCell's advanced chemotaxis), contact killing, transformation on contact, and
 * bit-identical results at 1 and 2 threads. Tolerances are stated per test. */
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
    double asym[MAXT][MAXT]; /* asymmetric division table, attached by the tests that use it */
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
 * c_r (1 - d/R)^2 = c_a (1 - d/Rm)^2 with the pair's strengths c_r = sqrt(c_r,i c_r,j), c_a = sqrt(c_a,i c_a,j),
 * R = r_i + r_j, Rm = m_i r_i + m_j r_j, so d = (sqrt(c_r) - sqrt(c_a)) / (sqrt(c_r)/R - sqrt(c_a)/Rm). Within 1e-3 um
 * after 300 min, for a pair of one type and for a pair of two types with different strengths and adhesion
 * distances (m = 1.25 and 1.6: a pair's reach uses each cell's own m, so both feel the same force and the
 * pair's centre stays put to 1e-9 um). */
static void pair_equilibrium_case(int two_types) {
    fixture f;
    fixture_init(&f, 2);
    if (two_types) {
        f.types[1].repulsion_um_per_min = 6;
        f.types[1].adhesion_um_per_min = 0.9;
        f.types[1].max_adhesion_rel = 1.6;
    }
    stroma_cell_engine e;
    engine_2d(&e, &f, 2, 200, 1);
    double a[3] = {95, 100, 10}, b[3] = {105, 100, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, two_types, b, 0, NULL);
    for (int k = 0; k < 3000; k++) stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL);
    const stroma_cell_type_desc *T0 = &f.types[0], *T1 = &f.types[two_types];
    double r = stroma_sphere_radius(2494), R = 2 * r, Rm = (T0->max_adhesion_rel + T1->max_adhesion_rel) * r;
    double cr = sqrt(T0->repulsion_um_per_min * T1->repulsion_um_per_min);
    double ca = sqrt(T0->adhesion_um_per_min * T1->adhesion_um_per_min);
    double deq = (sqrt(cr) - sqrt(ca)) / (sqrt(cr) / R - sqrt(ca) / Rm);
    double d = hypot(e.cells.x[1] - e.cells.x[0], e.cells.y[1] - e.cells.y[0]);
    if (!(fabs(d - deq) < 1e-3)) fail_msg("pair distance %.9g, expected %.9g", d, deq);
    /* the pair's centre does not move (forces are equal and opposite) */
    assert_true(fabs(0.5 * (e.cells.x[0] + e.cells.x[1]) - 100) < 1e-9);
    assert_true(fabs(stroma_mechanics_pair(deq, r, r, T0->repulsion_um_per_min, T1->repulsion_um_per_min,
                                           T0->adhesion_um_per_min, T1->adhesion_um_per_min, T0->max_adhesion_rel,
                                           T1->max_adhesion_rel)) < 1e-12);
    stroma_cell_engine_free(&e);
}

static void test_pair_equilibrium(void **state) {
    (void)state;
    pair_equilibrium_case(0);
    pair_equilibrium_case(1);
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

/* nsub (at most 2) substrates named names[s] on a grid of n x n (x n in 3D) voxels of 20 um from 0, D = 1000, each
 * field linear so that its gradient is exact: substrate s is base + grad[s] . (x, y, z) (per um) at the voxels'
 * lower corners. Returns the transport (the caller destroys it). */
static stroma_transport *linear_fields(int nsub, const char *const names[], double base, const double grad[][3],
                                       int n, int dim) {
    assert_true(nsub >= 1 && nsub <= 2);
    stroma_model m;
    memset(&m, 0, sizeof m);
    stroma_substrate_desc sub[2];
    memset(sub, 0, sizeof sub);
    for (int k = 0; k < nsub; k++) {
        snprintf(sub[k].name, sizeof sub[k].name, "%s", names[k]);
        sub[k].diffusion_um2_per_min = 1000;
    }
    const int nz = dim == 3 ? n : 1;
    m.hi_um[0] = m.hi_um[1] = 20.0 * n;
    m.hi_um[2] = 20.0 * nz;
    m.voxel_um = 20;
    m.n[0] = m.n[1] = n;
    m.n[2] = nz;
    m.dim = dim;
    m.dt_diffusion_min = 0.1;
    m.end_min = 1;
    m.nsub = nsub;
    m.substrates = sub;
    stroma_error err;
    stroma_transport *t = stroma_transport_create(&m, NULL, &err);
    assert_non_null(t);
    for (int k = 0; k < nz; k++)
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                size_t v = stroma_mesh_index(&t->mesh, i, j, k);
                for (int q = 0; q < nsub; q++)
                    t->c[(size_t)nsub * v + (size_t)q] =
                        base + 20.0 * (grad[q][0] * i + grad[q][1] * j + grad[q][2] * k);
            }
    return t;
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
    const char *const names[1] = {"attractant"};
    const double grad[1][3] = {{1, 0, 0}};
    stroma_transport *t = linear_fields(1, names, 10, grad, 400, 2);
    stroma_error err;
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

/* Two substrates a and b on a 400 x 400 grid of 20 um in 2D: a gains ga per um along (x, y) and b gains gb. */
static stroma_transport *two_linear_fields(const double ga[2], const double gb[2]) {
    const char *const names[2] = {"a", "b"};
    const double grad[2][3] = {{ga[0], ga[1], 0}, {gb[0], gb[1], 0}};
    return linear_fields(2, names, 1e4, grad, 400, 2);
}

/* PhysiCell's advanced chemotaxis, written out: bias direction = normalize(sum_s sens_s x g_s), with each g_s
 * normalised first when normalize_each (advanced_chemotaxis_function[_normalized]). */
static void physicell_direction(const double ga[2], const double gb[2], const double sens[2], int normalize_each,
                                double out[2]) {
    double na = normalize_each ? hypot(ga[0], ga[1]) : 1, nb = normalize_each ? hypot(gb[0], gb[1]) : 1;
    out[0] = sens[0] * ga[0] / na + sens[1] * gb[0] / nb;
    out[1] = sens[0] * ga[1] / na + sens[1] * gb[1] / nb;
    double n = hypot(out[0], out[1]);
    out[0] /= n;
    out[1] /= n;
}

/* The bias direction from two linear gradients against PhysiCell's formula, with and without normalize_each, to
 * 1e-12: directly, and as the velocity a cell with bias 1 (deterministic) takes in one mechanics step. The
 * gradients differ in length (3 and sqrt 5), so the two laws give different directions. */
static void test_advanced_chemotaxis_direction(void **state) {
    (void)state;
    const double ga[2] = {3, 0}, gb[2] = {2, 1}, sens[2] = {1, -0.5};
    stroma_transport *t = two_linear_fields(ga, gb);
    for (int norm = 0; norm <= 1; norm++) {
        double want[2], got[3], pos[3] = {4010, 3990, 10};
        physicell_direction(ga, gb, sens, norm, want);
        assert_int_equal(stroma_chemotaxis_direction(t, pos, 2, sens, NULL, NULL, norm, got), 1);
        assert_true(fabs(got[0] - want[0]) < 1e-12 && fabs(got[1] - want[1]) < 1e-12 && got[2] == 0);
        fixture f;
        fixture_init(&f, 1);
        double sec[2] = {0, 0}, sens_t[2] = {sens[0], sens[1]};
        stroma_cell_type_desc *T = &f.types[0];
        T->secretion_per_min = T->saturation = T->uptake_per_min = T->export_per_min = sec;
        T->chemotaxis_sensitivity = sens_t;
        T->chemotaxis_normalize_each = norm;
        T->speed_um_per_min = 2;
        T->persistence_min = 0;
        T->bias = 1;
        stroma_cell_engine e;
        stroma_mech_domain dom = {{0, 0, 0}, {8000, 8000, 20}, 2};
        stroma_error err;
        assert_int_equal(stroma_cell_engine_init(&e, f.types, 1, 2, &dom, (stroma_rng_key){5}, &err), STROMA_OK);
        stroma_cell_engine_add(&e, 0, pos, 0, NULL);
        stroma_cell_engine_mechanics(&e, t, 0.1, NULL);
        assert_true(fabs(e.cells.mx[0] - 2 * want[0]) < 1e-12 && fabs(e.cells.my[0] - 2 * want[1]) < 1e-12);
        stroma_cell_engine_free(&e);
    }
    /* the two laws differ here: normalised (1, 0) - 0.5 (2, 1)/sqrt 5 against (3, 0) - 0.5 (2, 1) */
    double w0[2], w1[2];
    physicell_direction(ga, gb, sens, 0, w0);
    physicell_direction(ga, gb, sens, 1, w1);
    assert_true(fabs(w0[1] - w1[1]) > 0.05);
    stroma_transport_destroy(&t);
    /* a vanishing sum gives no direction (the random one stands) */
    const double ga2[2] = {3, 0}, gb2[2] = {-2, 0}, cancel[2] = {1, 1.5}, pos[3] = {4010, 3990, 10};
    double d[3];
    t = two_linear_fields(ga2, gb2);
    assert_int_equal(stroma_chemotaxis_direction(t, pos, 2, cancel, NULL, NULL, 0, d), 0);
    assert_true(d[0] == 0 && d[1] == 0 && d[2] == 0);
    stroma_transport_destroy(&t);
}

/* In 3D the gradients' z parts count: a (1, 0, 2) and b (0, 3, -1) per um, weights 1 and 0.5, on a 20^3 grid of
 * 20 um; the direction is normalize(sum w g), each g normalised first with normalize_each, to 1e-12 (dropping the
 * z part, as a 2D-only path would, is off by more than 0.3 in every component). */
static void test_advanced_chemotaxis_direction_3d(void **state) {
    (void)state;
    const double ga[3] = {1, 0, 2}, gb[3] = {0, 3, -1}, sens[2] = {1, 0.5};
    const char *const names[2] = {"a", "b"};
    const double grad[2][3] = {{ga[0], ga[1], ga[2]}, {gb[0], gb[1], gb[2]}};
    stroma_transport *t = linear_fields(2, names, 1e4, grad, 20, 3);
    const double pos[3] = {205, 195, 210};
    for (int norm = 0; norm <= 1; norm++) {
        double na = norm ? sqrt(5.0) : 1, nb = norm ? sqrt(10.0) : 1, want[3], got[3];
        for (int a = 0; a < 3; a++) want[a] = sens[0] * ga[a] / na + sens[1] * gb[a] / nb;
        double wn = sqrt(want[0] * want[0] + want[1] * want[1] + want[2] * want[2]);
        for (int a = 0; a < 3; a++) want[a] /= wn;
        assert_int_equal(stroma_chemotaxis_direction(t, pos, 3, sens, NULL, NULL, norm, got), 1);
        for (int a = 0; a < 3; a++)
            if (!(fabs(got[a] - want[a]) < 1e-12))
                fail_msg("normalize_each %d, axis %d: %.15g, want %.15g", norm, a, got[a], want[a]);
    }
    stroma_transport_destroy(&t);
}

/* Two sensitivities in opposing gradients (a up x, b up -x and y): 200 separated cells, persistence 0, for
 * 60 min. Without normalize_each 1 x (1, 0) + 0.5 x (-2, 2) = (0, 1): the cells go along y only; with it
 * (1, 0) + 0.5 (-1, 1)/sqrt 2. The mean displacement is speed x E[d . u] x t along the net direction u
 * (E[d . u] as for one substrate: the law is rotation invariant) and 0 across it, within 4 standard errors (and
 * exactly for bias 1, but for the first step's random direction). */
static void advanced_drift_case(double bias, int norm) {
    const double ga[2] = {1, 0}, gb[2] = {-2, 2};
    double sens[2] = {1, 0.5}, sec[2] = {0, 0}, u[2];
    physicell_direction(ga, gb, sens, norm, u);
    stroma_transport *t = two_linear_fields(ga, gb);
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_type_desc *T = &f.types[0];
    T->secretion_per_min = T->saturation = T->uptake_per_min = T->export_per_min = sec;
    T->chemotaxis_sensitivity = sens;
    T->chemotaxis_normalize_each = norm;
    T->speed_um_per_min = 2;
    T->persistence_min = 0;
    T->bias = bias;
    T->adhesion_um_per_min = 0;
    stroma_cell_engine e;
    stroma_mech_domain dom = {{0, 0, 0}, {8000, 8000, 20}, 2};
    stroma_error err;
    assert_int_equal(stroma_cell_engine_init(&e, f.types, 1, 2, &dom, (stroma_rng_key){7}, &err), STROMA_OK);
    const int n = 200;
    for (int k = 0; k < n; k++) {
        double p[3] = {3000 + 100 * (k % 20), 3000 + 100 * (k / 20), 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
    }
    double x0[200], y0[200];
    memcpy(x0, e.cells.x, sizeof x0);
    memcpy(y0, e.cells.y, sizeof y0);
    const double dt = 0.1, T_end = 60;
    for (int s = 0; s < (int)(T_end / dt); s++) stroma_cell_engine_mechanics(&e, t, dt, NULL);
    double sa = 0, sa2 = 0, sc = 0, sc2 = 0; /* along u, across u */
    for (int k = 0; k < n; k++) {
        double dx = e.cells.x[k] - x0[k], dy = e.cells.y[k] - y0[k];
        double a = dx * u[0] + dy * u[1], c = -dx * u[1] + dy * u[0];
        sa += a;
        sa2 += a * a;
        sc += c;
        sc2 += c * c;
    }
    double along = sa / n, across = sc / n;
    double se_a = sqrt(fmax(sa2 - sa * sa / n, 0) / (n - 1) / n), se_c = sqrt(fmax(sc2 - sc * sc / n, 0) / (n - 1) / n);
    double expect = 2 * expected_drift_2d(bias) * (T_end - dt);
    assert_true(fabs(along - expect) < 4 * se_a + 2 * 2 * dt + 1e-9);
    assert_true(fabs(across) < 4 * se_c + 2 * 2 * dt + 1e-9);
    stroma_cell_engine_free(&e);
    stroma_transport_destroy(&t);
}

static void test_advanced_chemotaxis_drift(void **state) {
    (void)state;
    /* bias 1 is deterministic and covered by test_advanced_chemotaxis_direction */
    advanced_drift_case(0.5, 0);
    advanced_drift_case(0.5, 1);
}

static void test_secretion_composition(void **state) {
    (void)state;
    secretion_case(5.0);
    secretion_case(-5.0);
}

/* ---- laws a mutation of the code must break (docs/dev/mutation-testing.md) ----
 * Statistical tests below count independent Bernoulli trials (one per cell and step, Philox draws keyed by
 * cell id and step) and accept a count within 4 binomial standard errors of the law; each states how many
 * standard errors separate the law from the nearest wrong one it guards against (a per-step probability 5%
 * off, or the other textbook form). Seeds are fixed, so each test passes or fails the same way every run. */

/* |got - want| <= tol * |want| (a few roundings), with a message naming what. */
static void near_rel(double got, double want, double tol, const char *what) {
    if (!(fabs(got - want) <= tol * fabs(want))) fail_msg("%s: got %.17g, expected %.17g", what, got, want);
}

/* A count of `n` Bernoulli(p) trials must lie within 4 binomial standard errors of n p. */
static void binomial_within_4se(double got, double n, double p, const char *what) {
    double want = n * p, se = sqrt(n * p * (1 - p));
    if (!(fabs(got - want) < 4 * se))
        fail_msg("%s: %.0f of %.0f, expected %.1f +- %.1f (4 SE = %.1f)", what, got, n, want, se, 4 * se);
}

/* n cells of `type` on a square lattice `per_row` wide, `gap` um apart, from (x0, y0), z = 10. */
static void add_lattice(stroma_cell_engine *e, int type, int n, int per_row, double gap, double x0, double y0) {
    for (int k = 0; k < n; k++) {
        double p[3] = {x0 + gap * (k % per_row), y0 + gap * (k / per_row), 10};
        assert_true(stroma_cell_engine_add(e, type, p, 0, NULL) != (size_t)-1);
    }
}

/* The walls push cells in: a cell a distance dl < r from a face moves away from it at c_r (1 - dl/r)^2 (the
 * potential of a cell whose surface is on the face), at all four faces of a 2D domain; a cell away from the
 * walls and from other cells does not move. Exact to 1e-12 relative: a flipped sign on either face, or a wall
 * that pulls, gives the opposite velocity. */
static void test_wall_repulsion(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 400, 1);
    const double r = stroma_sphere_radius(2494), dl = 0.4 * r, L = 400;
    const double at[5][2] = {{dl, 200}, {L - dl, 100}, {300, dl}, {100, L - dl}, {200, 300}};
    for (int k = 0; k < 5; k++) {
        double p[3] = {at[k][0], at[k][1], 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
    }
    assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL), STROMA_OK);
    const double w = 10 * (1 - dl / r) * (1 - dl / r); /* 3.6 um/min */
    const double want[5][2] = {{w, 0}, {-w, 0}, {0, w}, {0, -w}, {0, 0}};
    for (int k = 0; k < 5; k++) {
        if (want[k][0] != 0) near_rel(e.cells.vx[k], want[k][0], 1e-12, "wall velocity x");
        else assert_true(e.cells.vx[k] == 0);
        if (want[k][1] != 0) near_rel(e.cells.vy[k], want[k][1], 1e-12, "wall velocity y");
        else assert_true(e.cells.vy[k] == 0);
    }
    /* the first step is an Euler step: the cells left the walls by w dt */
    near_rel(e.cells.x[0], dl + 0.1 * w, 1e-12, "x after the first step");
    near_rel(e.cells.x[1], L - dl - 0.1 * w, 1e-12, "x after the first step");
    stroma_cell_engine_free(&e);
}

/* Positions advance by second-order Adams-Bashforth: x1 = x0 + dt v0 (first step), then
 * x2 = x1 + dt (3/2 v1 - 1/2 v0), v the wall velocity at each position (a lone cell near the x_min face).
 * Exact to 1e-12 relative; forward Euler (x2 = x1 + dt v1) differs by dt (v1 - v0)/2 = 0.14 um here. */
static void test_adams_bashforth(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 200, 1);
    const double r = stroma_sphere_radius(2494), dt = 0.5;
    double p[3] = {0.2 * r, 100, 10};
    stroma_cell_engine_add(&e, 0, p, 0, NULL);
    double x0 = p[0], v0 = 10 * pow(1 - x0 / r, 2);
    assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, dt, NULL), STROMA_OK);
    double x1 = x0 + dt * v0;
    near_rel(e.cells.x[0], x1, 1e-12, "x1");
    double v1 = 10 * pow(1 - x1 / r, 2);
    assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, dt, NULL), STROMA_OK);
    near_rel(e.cells.x[0], x1 + dt * (1.5 * v1 - 0.5 * v0), 1e-12, "x2");
    assert_true(fabs(dt * (v1 - v0) / 2) > 0.1); /* the wrong scheme would be far outside the tolerance */
    stroma_cell_engine_free(&e);
}

/* Dead cells do not adhere. Two cells between contact (R = 2r) and the adhesion reach (Rm = 2.5r) feel only
 * adhesion: live-live they pull together at c_a (1 - d/Rm)^2 each; when either one is apoptotic or necrotic,
 * neither moves (exactly 0). */
static void test_dead_cells_do_not_adhere(void **state) {
    (void)state;
    const double r = stroma_sphere_radius(2494), d = 0.5 * (2 * r + 2.5 * r);
    const double pull = 0.4 * pow(1 - d / (2.5 * r), 2);
    for (int dead = -1; dead < 4; dead++) { /* -1: both live; 0/1: that one apoptotic; 2/3: that one necrotic */
        fixture f;
        fixture_init(&f, 1);
        stroma_cell_engine e;
        engine_2d(&e, &f, 1, 200, 1);
        double a[3] = {100 - d / 2, 100, 10}, b[3] = {100 + d / 2, 100, 10};
        stroma_cell_engine_add(&e, 0, a, 0, NULL);
        stroma_cell_engine_add(&e, 0, b, 0, NULL);
        if (dead >= 0) e.cells.state[dead % 2] = dead < 2 ? STROMA_CELL_APOPTOTIC : STROMA_CELL_NECROTIC;
        assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL), STROMA_OK);
        if (dead < 0) {
            near_rel(e.cells.vx[0], pull, 1e-12, "adhesion of live cells");
            near_rel(e.cells.vx[1], -pull, 1e-12, "adhesion of live cells");
        } else {
            assert_true(e.cells.vx[0] == 0 && e.cells.vx[1] == 0);
        }
        assert_true(e.cells.vy[0] == 0 && e.cells.vy[1] == 0);
        stroma_cell_engine_free(&e);
    }
}

/* Pressure: a cell's sum of (1 - d/R)^2 over overlapping neighbours (to 1e-15 relative); 0 for a lone cell. */
static void test_pressure(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 400, 1);
    const double r = stroma_sphere_radius(2494);
    double a[3] = {100, 100, 10}, b[3] = {112, 100, 10}, c[3] = {100, 110, 10}, lone[3] = {300, 300, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, 0, b, 0, NULL);
    stroma_cell_engine_add(&e, 0, c, 0, NULL);
    stroma_cell_engine_add(&e, 0, lone, 0, NULL);
    assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL), STROMA_OK);
    double qab = 1 - 12 / (2 * r), qac = 1 - 10 / (2 * r), qbc = 1 - hypot(12, 10) / (2 * r);
    assert_true(qbc > 0);
    near_rel(e.cells.pressure[0], qab * qab + qac * qac, 1e-15, "pressure of a");
    near_rel(e.cells.pressure[1], qab * qab + qbc * qbc, 1e-15, "pressure of b");
    near_rel(e.cells.pressure[2], qac * qac + qbc * qbc, 1e-15, "pressure of c");
    assert_true(e.cells.pressure[3] == 0);
    stroma_cell_engine_free(&e);
}

/* Persistence: at each mechanics step a cell keeps its direction with probability e^(-dt/P) and otherwise draws
 * a new one (the same one with probability 0), at unchanged speed. 4000 isolated cells x 50 steps = 200,000 trials with
 * p_turn = 1 - e^(-0.1) = 0.0952: turns within 4 SE (131) of 19,033. A turning probability 5% off is
 * 952 = 7.2 SE away; dt/P (0.1, PhysiCell's linear form) 7.4 SE; the inverted e^(-dt/P) thousands. */
static void test_persistence(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].speed_um_per_min = 1;
    f.types[0].persistence_min = 1;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 8000, 12);
    const int n = 4000, steps = 50;
    add_lattice(&e, 0, n, 63, 120, 200, 200);
    double *mx = malloc(n * sizeof *mx), *my = malloc(n * sizeof *my);
    assert_non_null(mx);
    assert_non_null(my);
    double turns = 0;
    for (int s = 0; s < steps; s++) {
        memcpy(mx, e.cells.mx, n * sizeof *mx);
        memcpy(my, e.cells.my, n * sizeof *my);
        assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL), STROMA_OK);
        assert_int_equal((int)e.cells.n, n);
        for (int i = 0; i < n; i++) {
            /* a kept direction may be rescaled to the speed (last bits); a new one is a different angle */
            turns += e.cells.mx[i] * mx[i] + e.cells.my[i] * my[i] < 1 - 1e-9;
            near_rel(hypot(e.cells.mx[i], e.cells.my[i]), 1.0, 1e-12, "migration speed");
        }
    }
    binomial_within_4se(turns, (double)n * steps, 1 - exp(-0.1), "direction changes");
    free(mx);
    free(my);
    stroma_cell_engine_free(&e);
}

/* The exponential cycle's law at a coarse step: with dt = T/2 a cell divides with p = e^(1/2) - 1 = 0.6487 per
 * step and daughters act from the next step, so N counts a Galton-Watson process with offspring 1 + Bernoulli(p):
 * E[N_n] = N0 (1 + p)^n = N0 e^(n dt/T), Var = N0 p(1 - p) m^(n-1) (m^n - 1)/(m - 1), m = 1 + p. N0 = 5000 for
 * 4 steps: within 4 SD (0.61% of 36,945). A division probability 5% higher or lower moves the mean by 8% (13
 * SD); the lagging 1 - e^(-dt/T) by 49% (81 SD). */
static void test_division_probability(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    f.types[0].cycle_mean_min = 100;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 4000, 31);
    const int n0 = 5000, steps = 4;
    const double dt = 50;
    add_lattice(&e, 0, n0, 100, 38, 100, 100);
    for (int s = 0; s < steps; s++)
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, dt, s * dt, NULL), STROMA_OK);
    double p = expm1(dt / 100), m = 1 + p;
    double want = n0 * pow(m, steps), sd = sqrt(n0 * p * (1 - p) * pow(m, steps - 1) * (pow(m, steps) - 1) / (m - 1));
    double got = (double)live_count(&e, 0);
    if (!(fabs(got - want) < 4 * sd)) fail_msg("%g cells, expected %g +- %g", got, want, sd);
    stroma_cell_engine_free(&e);
}

/* An exponential phase of mean m is left with probability dt/m per step (PhysiCell's rule): with m = 12,
 * dt = 6 (p = 1/2), of 20,000 cells synchronized in phase 0 (then a fixed phase of 1000 min) 1 - (1 - p)^k have
 * moved to phase 1 after k = 1, 2 steps, within 4 binomial SE (71 and 61 cells). A probability 5% higher is
 * 7.1 SE away after one step; 1 - e^(-dt/m) (0.393) is 30 SE away. */
static void test_exponential_phase_exit(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_type_desc *T = &f.types[0];
    T->cycle = STROMA_CYCLE_PHASES;
    T->nphases = 2;
    T->phase_min[0] = 12;
    T->phase_min[1] = 1000;
    T->phase_exponential[0] = 1;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 6000, 8);
    const int n = 20000;
    add_lattice(&e, 0, n, 200, 25, 100, 100);
    for (int i = 0; i < n; i++) stroma_cell_engine_synchronize(&e, (size_t)i);
    for (int k = 1; k <= 2; k++) {
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * (k - 1), NULL), STROMA_OK);
        double left = 0;
        for (int i = 0; i < n; i++) left += e.cells.phase[i] == 1;
        binomial_within_4se(left, n, 1 - pow(0.5, k), "cells out of the exponential phase");
    }
    assert_int_equal(e.counters.births, 0);
    stroma_cell_engine_free(&e);
}

/* Fixed phases carry the rest of a step into the next phase: phases of 100, 55, 2 and 2 min (159 in all) with
 * dt = 6 end at 100, 155, 157, 159, inside the steps ending at 102, 156, 162, 162, so synchronized cells all
 * divide in the step ending at t = 162 (step 27), not before. Without the carry they would divide at t = 174. */
static void test_fixed_phase_carry(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_type_desc *T = &f.types[0];
    T->cycle = STROMA_CYCLE_PHASES;
    T->nphases = 4;
    const double dur[4] = {100, 55, 2, 2};
    for (int k = 0; k < 4; k++) T->phase_min[k] = dur[k];
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 1000, 2);
    add_lattice(&e, 0, 10, 10, 60, 100, 100);
    for (int i = 0; i < 10; i++) stroma_cell_engine_synchronize(&e, (size_t)i);
    for (int step = 1; step <= 28; step++) {
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * (step - 1), NULL), STROMA_OK);
        if (step < 27) assert_int_equal(e.counters.births, 0);
        if (step == 17) assert_int_equal(e.cells.phase[0], 1);
        if (step == 26) assert_int_equal(e.cells.phase[0], 2);
        if (step >= 27) assert_int_equal(e.counters.births, 10);
    }
    stroma_cell_engine_free(&e);
}

/* Death. Type 0: apoptosis at 1/12 per min, dt = 6: a cell dies with p = 1 - e^(-1/2) per step; of 20,000, the
 * dead after 2 steps are within 4 SE (0.34%) of 1 - e^(-1) = 63.2%; a per-step probability 5% higher gives
 * 65.6% (6.9 SE), the linear rate x dt 75%. Type 1 adds oxygen-driven necrosis, 1/12 per min at most, rising
 * from 0 at 5 to the maximum at 3 mmHg: 10,000 cells at 3.5 mmHg (3/4 of the maximum) and 10,000 at 1 mmHg
 * (the maximum: the ramp is clamped). Dead after 2 steps: 1 - e^(-2 h dt) within 4 SE (an inverted ramp or no
 * clamp is 41 or 34 SE away); apoptotic among the dead: apoptosis / h within 4 SE (0.4 and 1/3; swapped
 * shares, 0.6 and 2/3, are 34 and 62 SE away). */
static void test_death_rates(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 2);
    f.types[0].apoptosis_per_min = 1.0 / 12;
    f.types[1].apoptosis_per_min = 1.0 / 24;
    f.types[1].necrosis_substrate = 0;
    f.types[1].necrosis_threshold = 5;
    f.types[1].necrosis_critical = 3;
    f.types[1].necrosis_max_per_min = 1.0 / 12;
    stroma_model m;
    memset(&m, 0, sizeof m);
    stroma_substrate_desc sub;
    memset(&sub, 0, sizeof sub);
    snprintf(sub.name, sizeof sub.name, "oxygen");
    m.hi_um[0] = m.hi_um[1] = 4000;
    m.hi_um[2] = 20;
    m.voxel_um = 20;
    m.n[0] = m.n[1] = 200;
    m.n[2] = 1;
    m.dim = 2;
    m.dt_diffusion_min = 0.1;
    m.end_min = 1;
    m.nsub = 1;
    m.substrates = &sub;
    stroma_error err;
    stroma_transport *t = stroma_transport_create(&m, NULL, &err);
    assert_non_null(t);
    for (int j = 0; j < 200; j++)
        for (int i = 0; i < 200; i++) t->c[stroma_mesh_index(&t->mesh, i, j, 0)] = i < 100 ? 3.5 : 1.0;
    stroma_cell_engine e;
    engine_2d(&e, &f, 2, 4000, 17);
    add_lattice(&e, 0, 20000, 200, 20, 10, 2010);     /* y in [2010, 3990] */
    add_lattice(&e, 1, 10000, 100, 20, 10, 10);       /* x < 2000: 3.5 mmHg */
    add_lattice(&e, 1, 10000, 100, 20, 2010, 10);     /* x > 2000: 1 mmHg */
    for (int s = 0; s < 2; s++) assert_int_equal(stroma_cell_engine_phenotype(&e, t, 6, 6.0 * s, NULL), STROMA_OK);
    assert_int_equal((int)e.cells.n, 40000);
    double dead[3] = {0}, apop[3] = {0};
    for (size_t i = 0; i < e.cells.n; i++) {
        int g = e.cells.type[i] == 0 ? 0 : e.cells.x[i] < 2000 ? 1 : 2;
        dead[g] += e.cells.state[i] != STROMA_CELL_LIVE;
        apop[g] += e.cells.state[i] == STROMA_CELL_APOPTOTIC;
    }
    binomial_within_4se(dead[0], 20000, 1 - exp(-1.0), "dead by apoptosis");
    assert_true(apop[0] == dead[0]);
    const double h[3] = {0, 0.25 + 0.375, 0.25 + 0.5}; /* hazard x dt per step */
    for (int g = 1; g < 3; g++) {
        binomial_within_4se(dead[g], 10000, 1 - exp(-2 * h[g]), "dead by apoptosis or necrosis");
        binomial_within_4se(apop[g], dead[g], 0.25 / h[g], "apoptotic among the dead");
    }
    stroma_cell_engine_free(&e);
    stroma_transport_destroy(&t);
}

/* Spontaneous transformation at rate 1/6 per min, dt = 6: of 20,000 cells 1 - e^(-1) have changed type after one
 * step, within 4 SE; a probability 5% higher is 9.3 SE away. */
static void test_transformation_rate(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 2);
    f.trans[0][1] = 1.0 / 6;
    stroma_cell_engine e;
    engine_2d(&e, &f, 2, 6000, 23);
    add_lattice(&e, 0, 20000, 200, 25, 100, 100);
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 0, NULL), STROMA_OK);
    binomial_within_4se((double)live_count(&e, 1), 20000, 1 - exp(-1.0), "transformed");
    assert_int_equal(e.counters.transformations, live_count(&e, 1));
    stroma_cell_engine_free(&e);
}

/* Contact interactions at their rates, 20,000 separated pairs (cell 2k of type 0 touching cell 2k+1 of type 1),
 * dt = 6, every rate 1/6 per min so that p = 1 - e^(-1) = 0.632 per step; counts within 4 binomial SE (68). A
 * probability 5% higher is 9.3 SE away.
 *  - attack: attachments after one step;
 *  - kill: attached at once (attack 1e9), kills in the second step;
 *  - detachment: attached at once, mean attachment 6 min: still attached after the second step e^(-1) (the rate
 *    mistaken for the duration, 1 - e^(-36), leaves none);
 *  - phagocytosis: targets die in the first step, engulfed in the second;
 *  - transformation on contact (type 0 -> type 2 next to type 1): transformed after one step. */
enum { CASE_ATTACK, CASE_KILL, CASE_DETACH, CASE_PHAGO, CASE_CONTACT_TRANSFORM };

static void contact_case(int which) {
    fixture f;
    fixture_init(&f, 3);
    const double rate = 1.0 / 6, p = 1 - exp(-1.0);
    const int pairs = 20000;
    int steps = 2;
    switch (which) {
    case CASE_ATTACK:
        f.attack[0][1] = rate;
        f.types[0].attach_duration_min = 1e12;
        steps = 1;
        break;
    case CASE_KILL:
        f.attack[0][1] = 1e9;
        f.types[0].kill_per_min = rate;
        f.types[0].attach_duration_min = 1e12;
        break;
    case CASE_DETACH:
        f.attack[0][1] = 1e9;
        f.types[0].attach_duration_min = 1 / rate;
        break;
    case CASE_PHAGO:
        f.phago[0][1] = rate;
        f.types[1].apoptosis_per_min = 1e9;
        break;
    case CASE_CONTACT_TRANSFORM:
        f.ctrans[0][1 * 3 + 2] = rate;
        steps = 1;
        break;
    }
    stroma_cell_engine e;
    engine_2d(&e, &f, 3, 8000, 40 + (uint64_t)which);
    for (int k = 0; k < pairs; k++) {
        double a[3] = {50.0 + 55 * (k % 140), 50.0 + 55 * (k / 140), 10}, b[3] = {a[0] + 15, a[1], 10};
        stroma_cell_engine_add(&e, 0, a, 0, NULL);
        stroma_cell_engine_add(&e, 1, b, 0, NULL);
    }
    for (int s = 0; s < steps; s++)
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * s, NULL), STROMA_OK);
    assert_int_equal((int)e.cells.n, 2 * pairs - (int)e.counters.phagocytoses); /* engulfed cells are removed */
    double attached = 0;
    if (which == CASE_ATTACK || which == CASE_DETACH) /* no cell removed: cell 2k still attacks cell 2k+1 */
        for (int k = 0; k < pairs; k++) attached += e.cells.attached_id[2 * k] == e.cells.id[2 * k + 1];
    switch (which) {
    case CASE_ATTACK: binomial_within_4se(attached, pairs, p, "attached"); break;
    case CASE_KILL:
        binomial_within_4se((double)e.counters.kills, pairs, p, "killed");
        assert_int_equal(live_count(&e, 1), pairs - e.counters.kills);
        break;
    case CASE_DETACH: binomial_within_4se(attached, pairs, 1 - p, "still attached"); break;
    case CASE_PHAGO: binomial_within_4se((double)e.counters.phagocytoses, pairs, p, "engulfed"); break;
    case CASE_CONTACT_TRANSFORM: binomial_within_4se((double)live_count(&e, 2), pairs, p, "transformed"); break;
    }
    stroma_cell_engine_free(&e);
}

static void test_contact_rates(void **state) {
    (void)state;
    for (int which = CASE_ATTACK; which <= CASE_CONTACT_TRANSFORM; which++) contact_case(which);
}

/* A dead cell is removed once its time dead reaches its duration: killed in step 1 (dt = 6), an apoptotic
 * cell with a 60-min duration is there after step 10 (54 min dead) and gone after step 11 (60 min). */
static void test_removal_time(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].apoptosis_per_min = 1e9;
    f.types[0].apoptosis_duration_min = 60;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 200, 3);
    double p[3] = {100, 100, 10};
    stroma_cell_engine_add(&e, 0, p, 0, NULL);
    for (int step = 1; step <= 11; step++) {
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * (step - 1), NULL), STROMA_OK);
        if (step == 1) assert_int_equal(e.cells.state[0], STROMA_CELL_APOPTOTIC);
        assert_int_equal((int)e.cells.n, step <= 10 ? 1 : 0);
    }
    assert_int_equal(e.counters.removals, 1);
    stroma_cell_engine_free(&e);
}

/* Volume relaxes to its target implicitly: V <- (V + dt g V*)/(1 + dt g), and the radius follows (1e-14). With
 * dt g = 0.6 the explicit update differs by 22.5% of V* - V. */
static void test_volume_relaxation(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].growth_per_min = 0.1;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 200, 3);
    double p[3] = {100, 100, 10};
    stroma_cell_engine_add(&e, 0, p, 0, NULL);
    e.cells.volume_um3[0] = 1000;
    double v = 1000;
    for (int step = 0; step < 3; step++) {
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * step, NULL), STROMA_OK);
        v = (v + 0.6 * 2494) / 1.6;
        near_rel(e.cells.volume_um3[0], v, 1e-14, "volume");
        near_rel(e.cells.radius_um[0], stroma_sphere_radius(v), 1e-14, "radius");
    }
    stroma_cell_engine_free(&e);
}

/* PhysiCell's volume model, one cell whose parts are those of a new daughter (half the type's): each phenotype
 * step equals PhysiCell's standard_volume_update_function written out here (explicit Euler; 1e-13 relative),
 * and the solids follow the exact solution of that scheme, T + (v0 - T)(1 - dt r)^n (1e-12 relative): a step
 * using the implicit form, the wrong rate or a target without the cytoplasm/nucleus ratio fails. */
static void test_volume_parts(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    stroma_cell_type_desc *T = &f.types[0];
    T->volume_parts = 1;
    T->vp_fluid_fraction = 0.75;
    T->vp_nuclear_um3 = 540;
    T->vp_fluid_rate = 0.05;
    T->vp_cyto_rate = 0.0045;
    T->vp_nuclear_rate = 0.0055;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 200, 3);
    double p[3] = {100, 100, 10};
    stroma_cell_engine_add(&e, 0, p, 0, NULL);
    assert_int_equal(e.cells.nvol, STROMA_VOL_N);
    double *v = e.cells.vol;
    /* a new cell: PhysiCell's split of 2494 um3 with 540 nuclear, 75% fluid */
    near_rel(v[STROMA_VOL_FLUID], 0.75 * 2494, 1e-15, "fluid");
    near_rel(v[STROMA_VOL_NUCLEAR_SOLID], 0.25 * 540, 1e-15, "nuclear solid");
    near_rel(v[STROMA_VOL_CYTO_SOLID], 0.25 * (2494 - 540), 1e-15, "cytoplasmic solid");
    const double tns = 0.25 * 540, ratio = (2494.0 - 540) / (1e-16 + 540);
    for (int k = 0; k < STROMA_VOL_TARGET_NUCLEAR_SOLID; k++) v[k] /= 2;
    e.cells.volume_um3[0] /= 2;
    double F = v[STROMA_VOL_FLUID], NS = v[STROMA_VOL_NUCLEAR_SOLID], CS = v[STROMA_VOL_CYTO_SOLID],
           N = v[STROMA_VOL_NUCLEAR], V = e.cells.volume_um3[0];
    const double ns0 = NS, cs0 = CS, dt = 6;
    for (int step = 1; step <= 5; step++) {
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, dt, dt * step, NULL), STROMA_OK);
        /* PhysiCell 1.14 standard_volume_update_function */
        F += dt * 0.05 * (0.75 * V - F);
        double NF = N / (V + 1e-16) * F, CF = F - NF;
        NS += dt * 0.0055 * (tns - NS);
        CS += dt * 0.0045 * (ratio * tns - CS);
        N = NS + NF;
        V = (CS + CF) + N;
        near_rel(v[STROMA_VOL_FLUID], F, 1e-13, "fluid");
        near_rel(v[STROMA_VOL_NUCLEAR_SOLID], NS, 1e-13, "nuclear solid");
        near_rel(v[STROMA_VOL_CYTO_SOLID], CS, 1e-13, "cytoplasmic solid");
        near_rel(v[STROMA_VOL_NUCLEAR], N, 1e-13, "nuclear");
        near_rel(e.cells.volume_um3[0], V, 1e-13, "volume");
        near_rel(e.cells.radius_um[0], stroma_sphere_radius(V), 1e-13, "radius");
        near_rel(v[STROMA_VOL_NUCLEAR_SOLID], tns + (ns0 - tns) * pow(1 - dt * 0.0055, step), 1e-12, "exact nuclear");
        near_rel(v[STROMA_VOL_CYTO_SOLID], ratio * tns + (cs0 - ratio * tns) * pow(1 - dt * 0.0045, step), 1e-12,
                 "exact cytoplasmic");
    }
    stroma_cell_engine_free(&e);
}

/* Targets through the cycle: phases of 60 and 60 min (fixed), dt = 6, double_at_phase 1: the nuclear solid
 * target doubles on entering phase 1 (step 10) and halves at the division ending it (step 20), where mother and
 * daughter get half of every part each (volume = fluid + solids). With double_at_phase 0 (PhysiCell's live
 * model, an exponential cycle here) the target never changes. */
static void test_volume_parts_cycle(void **state) {
    (void)state;
    for (int q = 0; q < 2; q++) {
        fixture f;
        fixture_init(&f, 1);
        stroma_cell_type_desc *T = &f.types[0];
        T->volume_parts = 1;
        T->vp_fluid_fraction = 0.75;
        T->vp_nuclear_um3 = 540;
        T->vp_fluid_rate = 0.05;
        T->vp_cyto_rate = 0.0045;
        T->vp_nuclear_rate = 0.0055;
        if (q == 0) {
            T->cycle = STROMA_CYCLE_PHASES;
            T->nphases = 2;
            T->phase_min[0] = T->phase_min[1] = 60;
            T->vp_double_phase = 1;
        } else {
            T->cycle = STROMA_CYCLE_EXPONENTIAL;
            T->cycle_mean_min = 1; /* divides every step */
        }
        stroma_cell_engine e;
        engine_2d(&e, &f, 1, 400, 5);
        double p[3] = {200, 200, 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
        stroma_cell_engine_synchronize(&e, 0);
        const double t0 = 0.25 * 540;
        for (int step = 1; step <= 20; step++) {
            size_t n = e.cells.n;
            assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * step, NULL), STROMA_OK);
            const double *v = e.cells.vol;
            if (q == 0) {
                double want = step >= 10 && step < 20 ? 2 * t0 : t0;
                if (v[STROMA_VOL_TARGET_NUCLEAR_SOLID] != want)
                    fail_msg("step %d: target %g, expected %g", step, v[STROMA_VOL_TARGET_NUCLEAR_SOLID], want);
                assert_int_equal(e.cells.n, step < 20 ? 1 : 2);
            } else {
                for (size_t i = 0; i < e.cells.n; i++)
                    assert_true(v[i * STROMA_VOL_N + STROMA_VOL_TARGET_NUCLEAR_SOLID] == t0);
                assert_true(e.cells.n == 2 * n);
            }
            for (size_t i = 0; i < e.cells.n; i++) {
                const double *w = v + i * STROMA_VOL_N;
                double parts = w[STROMA_VOL_FLUID] + w[STROMA_VOL_NUCLEAR_SOLID] + w[STROMA_VOL_CYTO_SOLID];
                near_rel(e.cells.volume_um3[i], parts, 1e-14, "volume = parts");
            }
            if (e.cells.n == 2 * n) /* mother and daughter share the parts */
                assert_memory_equal(v, v + n * STROMA_VOL_N, STROMA_VOL_N * sizeof(double));
            if (q == 1 && step == 3) break;
        }
        stroma_cell_engine_free(&e);
    }
}

/* Forces that overflow stop the run instead of moving cells to NaN: two cells 0.5 um apart on one vertical line
 * with a repulsion of 1.7e308 um/min (no upper bound in the model file, a per-cell column or a rule) give an
 * infinite push whose x component is inf x 0 = NaN. Mechanics fails with STROMA_ERR_NOT_FINITE (exit 1) naming the cell, and
 * positions stay where they were (finite). Reproducer for fuzz_cells_csv: fuzz/crashes/cells-nan-position.csv. */
static void test_mechanics_overflow(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].repulsion_um_per_min = 1.7e308;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 200, 1);
    double a[3] = {100, 100, 10}, b[3] = {100, 100.5, 10}, lone[3] = {30, 30, 10};
    stroma_cell_engine_add(&e, 0, lone, 0, NULL);
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, 0, b, 0, NULL);
    stroma_error err;
    assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, 6, &err), STROMA_ERR_NOT_FINITE);
    assert_non_null(strstr(err.message, "cell 1 (t0): its velocity is not finite"));
    for (int i = 0; i < 3; i++) assert_true(isfinite(e.cells.x[i]) && isfinite(e.cells.y[i]));
    assert_true(e.cells.x[1] == 100 && e.cells.y[2] == 100.5);
    stroma_cell_engine_free(&e);
}

/* contact_law physicell (PhysiCell 1.14's standard_cell_cell_interactions, at mechanics steps of dt = 0.1 min)
 * on 20,000 attacker-target pairs 15 um apart (type 0 next to type 1), `steps` mechanics steps:
 * - START: attack rate 0.5/min: a fraction 1 - e^(-0.5 dt) attacks after one step (4 binomial SE), and each
 *   new attack already delivered attack_damage x dt (PhysiCell attacks in the step it starts; exact), recorded as
 *   the attacker's damage delivered and the target's total attack time;
 * - END: attacks under way end with probability dt / duration (PhysiCell's linear test: 0.2 at d = 0.5, where
 *   an exponential clock would give 0.181, 6.6 SE away) after delivering that step's damage;
 * - STEADY: 10 steps attached deliver exactly 10 x attack_damage x dt (2,000 pairs: certain outcomes);
 * - KILL: kill rate 1e9 kills in the first step, after its damage, and the attack ends;
 * - ENGULF_APOP / ENGULF_WRONG_KIND: a dead (apoptotic) neighbour is engulfed at phagocytosis_apoptotic (rate
 *   0.5/min: 1 - e^(-0.5 dt)) and removed within the mechanics step; a necrotic-only rate never engulfs it;
 * - BOTH: in one step a cell may engulf one dead neighbour and start one attack (PhysiCell does both). */
enum { PC_START, PC_END, PC_STEADY, PC_KILL, PC_ENGULF_APOP, PC_ENGULF_WRONG_KIND, PC_BOTH };

static void physicell_contact_run(int which, int threads, stroma_cells *out) {
    omp_set_num_threads(threads);
    fixture f;
    fixture_init(&f, 3);
    /* 20,000 pairs where a rate is measured; 2,000 where the outcome is certain (kept short under ASan) */
    const int pairs = which == PC_START || which == PC_END || which == PC_ENGULF_APOP ? 20000 : 2000;
    const double dt = 0.1, ad = 1.5;
    int steps = 1;
    f.types[0].attack_damage_per_min = ad;
    f.types[0].attach_duration_min = 1e12;
    switch (which) {
    case PC_START: f.attack[0][1] = 0.5; break;
    case PC_END: f.attack[0][1] = 1e9; f.types[0].attach_duration_min = 0.5; break;
    case PC_STEADY: f.attack[0][1] = 1e9; steps = 10; break;
    case PC_KILL: f.attack[0][1] = 1e9; f.types[0].kill_per_min = 1e9; break;
    case PC_ENGULF_APOP: f.types[0].phagocytose_apoptotic_per_min = 0.5; f.types[1].apoptosis_per_min = 1e9; break;
    case PC_ENGULF_WRONG_KIND: f.types[0].phagocytose_necrotic_per_min = 1e9; f.types[1].apoptosis_per_min = 1e9; break;
    case PC_BOTH:
        f.types[0].phagocytose_apoptotic_per_min = 1e9;
        f.attack[0][2] = 1e9;
        f.types[1].apoptosis_per_min = 1e9;
        break;
    }
    stroma_cell_engine e;
    const int per_row = pairs > 2000 ? 140 : 45; /* a square of pairs 60 um apart, in a domain just larger */
    engine_2d(&e, &f, 3, 100.0 + 60 * per_row, 77 + (uint64_t)which);
    e.contact_law = 1;
    for (int k = 0; k < pairs; k++) {
        double a[3] = {50.0 + 60 * (k % per_row), 50.0 + 60 * (k / per_row), 10}, b[3] = {a[0] + 15, a[1], 10};
        assert_true(stroma_cell_engine_add(&e, 0, a, 0, NULL) != (size_t)-1);
        assert_true(stroma_cell_engine_add(&e, 1, b, 0, NULL) != (size_t)-1);
        if (which == PC_BOTH) {
            double c3[3] = {a[0], a[1] + 15, 10};
            assert_true(stroma_cell_engine_add(&e, 2, c3, 0, NULL) != (size_t)-1);
        }
    }
    stroma_error err;
    if (f.types[1].apoptosis_per_min > 0) { /* the targets die first (a phenotype step: no contacts there) */
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 0, &err), STROMA_OK);
        assert_int_equal(e.counters.apoptoses, pairs);
    }
    for (int s = 0; s < steps; s++) assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, dt, &err), STROMA_OK);
    const stroma_cells *c = &e.cells;
    double attached = 0, dmg = 0, atime = 0; /* summed step by step, as the engine adds them */
    for (int s = 0; s < steps; s++) {
        dmg += ad * dt;
        atime += dt;
    }
    switch (which) {
    case PC_START:
    case PC_END:
    case PC_STEADY:
        for (int k = 0; k < pairs; k++) {
            size_t i = 2 * (size_t)k, j = i + 1;
            int on = c->attached_id[i] == c->id[j];
            attached += on;
            /* every target attacked (always under END and STEADY) took ad x dt per step, exactly */
            double want = which == PC_START ? (on ? dmg : 0) : dmg;
            if (c->damage[j] != want || c->damage_delivered[i] != want || c->attack_time_min[j] != (want > 0 ? atime : 0))
                fail_msg("pair %d: damage %.17g, delivered %.17g, attack time %.17g; expected %.17g", k, c->damage[j],
                         c->damage_delivered[i], c->attack_time_min[j], want);
        }
        if (which == PC_START) binomial_within_4se(attached, pairs, 1 - exp(-0.5 * dt), "attacks started");
        if (which == PC_END) binomial_within_4se(attached, pairs, 1 - dt / 0.5, "attacks still under way");
        if (which == PC_STEADY) assert_int_equal((int)attached, pairs);
        break;
    case PC_KILL:
        assert_int_equal(e.counters.kills, pairs);
        for (int k = 0; k < pairs; k++) {
            size_t i = 2 * (size_t)k, j = i + 1;
            assert_int_equal(c->state[j], STROMA_CELL_APOPTOTIC);
            assert_true(c->attached_id[i] == -1 && c->damage[j] == dmg);
        }
        break;
    case PC_ENGULF_APOP:
        binomial_within_4se((double)e.counters.phagocytoses, pairs, 1 - exp(-0.5 * dt), "engulfed");
        assert_int_equal((int)c->n, 2 * pairs - (int)e.counters.phagocytoses); /* gone within the step */
        break;
    case PC_ENGULF_WRONG_KIND:
        assert_int_equal(e.counters.phagocytoses, 0);
        break;
    case PC_BOTH:
        assert_int_equal(e.counters.phagocytoses, pairs);
        for (size_t i = 0; i < c->n; i++)
            if (c->type[i] == 0) attached += c->attached_id[i] >= 0;
        assert_int_equal((int)attached, pairs);
        break;
    }
    if (out) {
        *out = e.cells;
        memset(&e.cells, 0, sizeof e.cells);
    }
    stroma_cell_engine_free(&e);
}

static void test_physicell_contacts(void **state) {
    (void)state;
    for (int which = PC_START; which <= PC_BOTH; which++) physicell_contact_run(which, 1, NULL);
}

/* The same decisions at 1 and 2 threads (40,000 cells: the contact pass runs in parallel), bit for bit. */
static void test_physicell_contacts_threads(void **state) {
    (void)state;
    for (int which = PC_START; which <= PC_START; which++) {
        stroma_cells a, b;
        physicell_contact_run(which, 1, &a);
        physicell_contact_run(which, 2, &b);
        assert_int_equal(a.n, b.n);
        assert_memory_equal(a.id, b.id, a.n * sizeof(int64_t));
        assert_memory_equal(a.attached_id, b.attached_id, a.n * sizeof(int64_t));
        assert_memory_equal(a.damage, b.damage, a.n * sizeof(double));
        assert_memory_equal(a.x, b.x, a.n * sizeof(double));
        stroma_cells_free(&a);
        stroma_cells_free(&b);
    }
}

/* death.apoptosis.timing exponential: a dead cell leaves with probability 1 - e^(-dt/d) per step (d = 60 min,
 * dt = 6): of 20,000 cells killed in step 1, the number left after 5 more steps is within 4 binomial SE of
 * 20,000 e^(-30/60); with fixed timing all would still be there (the removal test above checks that case). */
static void test_exponential_removal(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 1);
    f.types[0].apoptosis_per_min = 1e9;
    f.types[0].apoptosis_duration_min = 60;
    f.types[0].apoptosis_exponential = 1;
    stroma_cell_engine e;
    engine_2d(&e, &f, 1, 9000, 13);
    add_lattice(&e, 0, 20000, 140, 60, 50, 50);
    for (int s = 0; s < 6; s++) assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * s, NULL), STROMA_OK);
    binomial_within_4se((double)e.cells.n, 20000, exp(-30.0 / 60), "apoptotic cells left");
    stroma_cell_engine_free(&e);
}

/* Asymmetric division: 20,000 cells of type 0 that all divide in one step (exponential cycle of mean 1 min, dt
 * = 6: p = e^6 - 1 > 1), daughters made type 1 with p = 0.3 and type 2 with p = 0.2, symmetric otherwise. Every
 * mother keeps type 0; the daughters' counts of each type lie within 4 binomial SE (65, 57, 71 cells) of n p; a
 * probability 5% off is 6 SE or more away (ignoring a type, or taking it as the rest, far more). */
static void test_asymmetric_division(void **state) {
    (void)state;
    fixture f;
    fixture_init(&f, 3);
    f.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    f.types[0].cycle_mean_min = 1;
    f.asym[0][1] = 0.3;
    f.asym[0][2] = 0.2;
    f.types[0].asym_division = f.asym[0];
    const int n = 20000;
    stroma_cell_engine e;
    engine_2d(&e, &f, 3, 6000, 31);
    add_lattice(&e, 0, n, 200, 25, 100, 100);
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 0, NULL), STROMA_OK);
    assert_int_equal(e.counters.births, n);
    assert_int_equal((int)e.cells.n, 2 * n);
    double daughters[3] = {0, 0, 0};
    for (int k = 0; k < n; k++) {
        assert_int_equal(e.cells.type[k], 0); /* mothers, in id order, keep their type */
        int t = e.cells.type[n + k];
        daughters[t] += 1;
        /* a converted daughter takes her new type's parameters; her volume is still half her mother's */
        assert_true(e.cells.target_volume_um3[n + k] == f.types[t].volume_um3);
        assert_true(e.cells.volume_um3[n + k] == e.cells.volume_um3[k]);
    }
    binomial_within_4se(daughters[1], n, 0.3, "daughters of type 1");
    binomial_within_4se(daughters[2], n, 0.2, "daughters of type 2");
    binomial_within_4se(daughters[0], n, 0.5, "symmetric divisions");
    stroma_cell_engine_free(&e);
}

/* A crowded, dividing, killing population, divisions partly asymmetric: positions, ids and types bit-identical
 * at 1 and 2 threads. */
static void run_mixed(int threads, stroma_cells *out) {
    omp_set_num_threads(threads);
    fixture f;
    fixture_init(&f, 3);
    f.asym[0][2] = 0.4;
    f.asym[0][1] = 0.1;
    f.types[0].asym_division = f.asym[0];
    f.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    f.types[0].cycle_mean_min = 300;
    f.types[0].speed_um_per_min = 0.5;
    f.types[1].speed_um_per_min = 2;
    f.attack[1][0] = 0.1;
    f.types[1].kill_per_min = 0.05;
    f.types[0].apoptosis_per_min = 1e-3;
    stroma_cell_engine e;
    engine_2d(&e, &f, 3, 600, 42);
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
    int asym = 0;
    for (size_t k = 0; k < a.n; k++) asym += a.type[k] == 2;
    assert_true(asym > 10); /* daughters of asymmetric divisions */
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
        cmocka_unit_test(test_exponential_growth),
        cmocka_unit_test(test_phased_growth),
        cmocka_unit_test(test_exponential_phase_synchronized),
        cmocka_unit_test(test_pair_equilibrium),
        cmocka_unit_test(test_contact_killing),
        cmocka_unit_test(test_contact_transformation),
        cmocka_unit_test(test_chemotaxis_drift),
        cmocka_unit_test(test_advanced_chemotaxis_direction),
        cmocka_unit_test(test_advanced_chemotaxis_direction_3d),
        cmocka_unit_test(test_advanced_chemotaxis_drift),
        cmocka_unit_test(test_secretion_composition),
        cmocka_unit_test(test_wall_repulsion),
        cmocka_unit_test(test_adams_bashforth),
        cmocka_unit_test(test_dead_cells_do_not_adhere),
        cmocka_unit_test(test_pressure),
        cmocka_unit_test(test_persistence),
        cmocka_unit_test(test_division_probability),
        cmocka_unit_test(test_exponential_phase_exit),
        cmocka_unit_test(test_fixed_phase_carry),
        cmocka_unit_test(test_death_rates),
        cmocka_unit_test(test_transformation_rate),
        cmocka_unit_test(test_contact_rates),
        cmocka_unit_test(test_removal_time),
        cmocka_unit_test(test_volume_relaxation),
        cmocka_unit_test(test_mechanics_overflow),
        cmocka_unit_test(test_threads_bit_identical),
        cmocka_unit_test(test_physicell_contacts),
        cmocka_unit_test(test_physicell_contacts_threads),
        cmocka_unit_test(test_exponential_removal),
        cmocka_unit_test(test_asymmetric_division),
        cmocka_unit_test(test_volume_parts),
        cmocka_unit_test(test_volume_parts_cycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
