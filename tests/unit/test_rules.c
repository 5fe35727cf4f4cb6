/* Unit tests for the rules engine (src/cells/rules.c and its evaluation in engine.c): the combination law,
 * signal-driven behaviours in cells, state variables, contact signals (counts and "<variable> in contact"), and
 * the tables' names. */
#include <math.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cells/engine.h"
#include "model/rules_tables.h"
#include "sim_helpers.h"

/* One rule reproduces PhysiCell's b0 + (sat - b0) x/(1 + x); rules combine independently of their order; the
 * result stays between the smallest and largest of b0 and the saturations and equals (b0 + sum x_i s_i)/(1 + sum x_i)
 * for a mixed increasing/decreasing pair; a saturated (infinite) term gives its saturation, several give the mean
 * of theirs. Tolerance 1e-15 relative (a few roundings). */
static void test_combination_law(void **state) {
    (void)state;
    double x1[1] = {stroma_rules_hill(3, 2, 2)}, s1[1] = {5};
    int d1[1] = {1};
    double want = 1 + (5 - 1) * (2.25 / 3.25);
    assert_true(fabs(stroma_rules_combine(1, 1, x1, s1, d1) - want) < 1e-15 * want);
    double x[3] = {0.5, 2.0, 0.7}, s[3] = {4, 6, 0.1};
    int d[3] = {1, 1, -1};
    double xr[3] = {0.7, 2.0, 0.5}, sr[3] = {0.1, 6, 4};
    int dr[3] = {-1, 1, 1};
    double a = stroma_rules_combine(1, 3, x, s, d), b = stroma_rules_combine(1, 3, xr, sr, dr);
    assert_true(fabs(a - b) < 1e-15 * a);
    assert_true(a >= 0.1 && a <= 6);
    for (int k = 0; k < 200; k++) {
        double y[2] = {k * 0.05, (200 - k) * 0.05}, t[2] = {10, 0};
        int dd[2] = {1, -1};
        double v = stroma_rules_combine(2, 2, y, t, dd);
        assert_true(v >= 0 && v <= 10);
    }
    /* the exact value of a mixed pair: b = (b0 + x1 s1 + x2 s2)/(1 + x1 + x2), whatever the directions */
    double xm[2] = {1.5, 0.5}, sm[2] = {4, 0.2};
    int dm[2] = {1, -1};
    double wm = (1 + 1.5 * 4 + 0.5 * 0.2) / (1 + 1.5 + 0.5);
    assert_true(fabs(stroma_rules_combine(1, 2, xm, sm, dm) - wm) < 1e-15 * wm);
    double xi[2] = {INFINITY, 1}, si[2] = {7, 3};
    int di[2] = {1, 1};
    assert_true(stroma_rules_combine(1, 2, xi, si, di) == 7);
    /* two saturated terms: the limit is the mean of their saturations */
    double xii[3] = {INFINITY, 2, INFINITY}, sii[3] = {7, 3, 0.5};
    int dii[3] = {1, 1, -1};
    assert_true(stroma_rules_combine(1, 3, xii, sii, dii) == 3.75);
    assert_true(stroma_rules_hill(-1, 1, 2) == 0 && stroma_rules_hill(0, 1, 2) == 0);
}

/* PhysiCell 1.14's evaluation of one behaviour, transcribed in the test from core/PhysiCell_rules.cpp (v2 CSV
 * parsing and Hypothesis_Rule::evaluate) so that stroma's implementation is checked against an independent
 * writing of it: the extremes start at min = 9e99, max = -9e99 and each rule read widens them (increases: min
 * with the base, max with its value; decreases: min with its value, max with the base); then
 * HU = S_up / (1 + S_up), S_up = sum over the increasing rules of (s/h)^n in their order, U = b0 + (max - b0) HU,
 * and b = U + (min - U) HD with HD the same over the decreasing rules. */
typedef struct pc_rule_t {
    int up;
    double value, half, hill, signal;
} pc_rule_t;

static double pc_hill_sum(const pc_rule_t *r, int n, int up) {
    double S = 0;
    for (int j = 0; j < n; j++)
        if (r[j].up == up) S += pow(r[j].signal / r[j].half, r[j].hill);
    return S / (1 + S);
}

static double pc_behaviour(double b0, const pc_rule_t *r, int n) {
    double mn = 9e99, mx = -9e99;
    for (int j = 0; j < n; j++) {
        if (r[j].up) {
            if (b0 < mn) mn = b0;
            if (r[j].value > mx) mx = r[j].value;
        } else {
            if (r[j].value < mn) mn = r[j].value;
            if (b0 > mx) mx = b0;
        }
    }
    double U = b0 + (mx - b0) * pc_hill_sum(r, n, 1);
    return U + (mn - U) * pc_hill_sum(r, n, 0);
}

/* stroma_rules_combine_physicell with the extremes from stroma_rules_physicell_extremes, for the same rules. */
static double st_physicell(double b0, const pc_rule_t *r, int n) {
    double x[8], sat[8];
    int dir[8];
    for (int j = 0; j < n; j++) {
        x[j] = stroma_rules_hill(r[j].signal, r[j].half, r[j].hill);
        sat[j] = r[j].value;
        dir[j] = r[j].up ? 1 : -1;
    }
    double lo, hi;
    stroma_rules_physicell_extremes(b0, n, sat, dir, &lo, &hi);
    return stroma_rules_combine_physicell(b0, lo, hi, n, x, dir);
}

/* rules_law: physicell against the transcription on a grid of signals (0 to 200 x the half-max): one
 * increasing rule, one decreasing, both, three increasing rules with different maxima (the largest is shared),
 * two increasing and two decreasing, and an "increases" toward a value below the base (PhysiCell lowers the
 * behaviour). Tolerance 1e-15 relative. Then the example, PhysiCell's rules_sample: malignant cycle entry
 * (base 3.333e-5/min), oxygen increases to 0.003333 (half-max 21.5, Hill 4), pressure decreases to 0 (half-max
 * 1, Hill 4), at oxygen 38 and pressure 1: x_O2 = (38/21.5)^4 = 9.758, x_p = 1, so PhysiCell gives
 * (b0 + (0.003333 - b0) 9.758/10.758) / 2 = 0.001513/min where stroma's weighted mean gives
 * (b0 + 9.758 x 0.003333) / 11.758 = 0.002769/min; both within 1e-3 relative of these figures. */
static void test_physicell_law(void **state) {
    (void)state;
    static const double grid[] = {0, 1e-3, 0.1, 0.5, 0.9, 1, 1.1, 2, 5, 20, 200};
    const int ng = (int)(sizeof grid / sizeof grid[0]);
    int checked = 0;
    for (int a = 0; a < ng; a++)
        for (int b = 0; b < ng; b++) {
            double s1 = grid[a] * 3, s2 = grid[b] * 0.2;
            pc_rule_t cases[6][4] = {
                {{1, 10, 3, 2, s1}},
                {{0, 0.5, 0.2, 4, s2}},
                {{1, 10, 3, 2, s1}, {0, 0.5, 0.2, 4, s2}},
                {{1, 4, 3, 2, s1}, {1, 10, 0.2, 1, s2}, {1, 7, 1, 3, s1 + s2}},
                {{1, 4, 3, 2, s1}, {0, 0.2, 0.2, 4, s2}, {1, 10, 0.2, 1, s2}, {0, 0.7, 3, 1.5, s1}},
                {{1, 0.25, 3, 2, s1}},
            };
            const int nr[6] = {1, 1, 2, 3, 4, 1};
            for (int c = 0; c < 6; c++) {
                double want = pc_behaviour(1.0, cases[c], nr[c]), got = st_physicell(1.0, cases[c], nr[c]);
                if (!(fabs(got - want) <= 1e-15 * fabs(want)))
                    fail_msg("case %d at s1 = %g, s2 = %g: stroma %.17g, PhysiCell %.17g", c, s1, s2, got, want);
                checked++;
            }
        }
    assert_int_equal(checked, 6 * ng * ng);
    /* the example: the malignant cells' two rules on cycle entry */
    pc_rule_t ex[2] = {{1, 0.003333, 21.5, 4, 38}, {0, 0, 1, 4, 1}};
    double b0 = 0.00003333, pc = pc_behaviour(b0, ex, 2), st = st_physicell(b0, ex, 2);
    assert_true(fabs(st - pc) <= 1e-15 * pc);
    assert_true(fabs(pc - 0.0015132) < 1e-3 * 0.0015132);
    double x[2] = {stroma_rules_hill(38, 21.5, 4), stroma_rules_hill(1, 1, 4)}, sat[2] = {0.003333, 0};
    int dir[2] = {1, -1};
    double mean = stroma_rules_combine(b0, 2, x, sat, dir);
    assert_true(fabs(mean - 0.0027689) < 1e-3 * 0.0027689);
    /* a saturated (infinite) term gives the limit H = 1: U = max, then the decreasing rules act */
    double xi[2] = {INFINITY, 1};
    assert_true(stroma_rules_combine_physicell(1, 0.5, 10, 2, xi, dir) == 10 + (0.5 - 10) * 0.5);
}

/* A small model built by hand: substrate oxygen, types cancer and CAF, state variable "resistance". */
typedef struct world {
    stroma_model m;
    stroma_substrate_desc sub;
    stroma_cell_type_desc types[2];
    double aff[2][2], sec[2][1], sat[2][1], upt[2][1], exp_[2][1], att[2][2], pha[2][2], ctr[2][4], tr[2][2];
    stroma_state_var_desc var;
    double vinit[2], vprod[2], vdecay[2];
    stroma_rule_desc rules[4];
} world;

static void world_init(world *w) {
    memset(w, 0, sizeof *w);
    snprintf(w->sub.name, sizeof w->sub.name, "oxygen");
    snprintf(w->sub.unit, sizeof w->sub.unit, "mmHg");
    w->sub.diffusion_um2_per_min = 1e5;
    for (int k = 0; k < 2; k++) {
        stroma_cell_type_desc *T = &w->types[k];
        snprintf(T->name, sizeof T->name, k ? "CAF" : "cancer");
        T->volume_um3 = 2494;
        T->cycle = STROMA_CYCLE_NONE;
        T->apoptosis_duration_min = 516;
        T->necrosis_substrate = -1;
        T->necrosis_duration_min = 86400;
        T->repulsion_um_per_min = 10;
        T->max_adhesion_rel = 1.25;
        w->aff[k][0] = w->aff[k][1] = 1;
        T->adhesion_affinity = w->aff[k];
        T->chemotaxis_substrate = -1;
        T->persistence_min = 1;
        T->secretion_per_min = w->sec[k];
        T->saturation = w->sat[k];
        T->uptake_per_min = w->upt[k];
        T->export_per_min = w->exp_[k];
        T->attack_per_min = w->att[k];
        T->attach_duration_min = 60;
        T->phagocytose_per_min = w->pha[k];
        T->contact_transform_per_min = w->ctr[k];
        T->transform_per_min = w->tr[k];
    }
    snprintf(w->var.name, sizeof w->var.name, "resistance");
    w->var.initial = w->vinit;
    w->var.production = w->vprod;
    w->var.decay = w->vdecay;
    stroma_model *m = &w->m;
    m->hi_um[0] = m->hi_um[1] = 1000;
    m->hi_um[2] = 20;
    m->voxel_um = 20;
    m->n[0] = m->n[1] = 50;
    m->n[2] = 1;
    m->dim = 2;
    m->dt_diffusion_min = 0.01;
    m->end_min = 1;
    m->nsub = 1;
    m->substrates = &w->sub;
    m->ntypes = 2;
    m->cell_types = w->types;
    m->nstate = 1;
    m->state_vars = &w->var;
    assert_int_equal(stroma_rule_tables_build(m), 0);
}

/* The rules engine of the world and a cell engine using it, on a 2D square of `size` um. */
static void world_engines(world *w, stroma_rules_engine *R, stroma_cell_engine *e, double size, uint64_t seed) {
    stroma_error err;
    assert_int_equal(stroma_rules_init(R, &w->m, &err), STROMA_OK);
    stroma_mech_domain dom = {{0, 0, 0}, {size, size, 20}, 2};
    assert_int_equal(stroma_cell_engine_init(e, w->types, 2, 1, &dom, (stroma_rng_key){seed}, &err), STROMA_OK);
    assert_int_equal(stroma_cell_engine_set_rules(e, R, &err), STROMA_OK);
}

static void world_free(world *w, stroma_rules_engine *R, stroma_cell_engine *e) {
    stroma_cell_engine_free(e);
    stroma_rules_free(R);
    stroma_rule_tables_free(&w->m.rule_tables);
}

static stroma_rule_desc make_rule(const stroma_model *m, int type, const char *signal, int dir, const char *behaviour,
                                  double sat, double half, double hill) {
    stroma_rule_desc r;
    memset(&r, 0, sizeof r);
    r.type = type;
    r.signal = stroma_rule_signal_find(&m->rule_tables, signal);
    r.behaviour = stroma_rule_behaviour_find(&m->rule_tables, behaviour);
    assert_true(r.signal >= 0);
    assert_true(r.behaviour >= 0);
    r.direction = dir;
    r.saturation = sat;
    r.half_max = half;
    r.hill = hill;
    return r;
}

static void test_tables_and_text(void **state) {
    (void)state;
    world w;
    world_init(&w);
    const stroma_rule_tables *t = &w.m.rule_tables;
    const char *sigs[] = {"oxygen", "oxygen gradient", "contact with CAF", "contact with dead cell", "pressure",
                          "volume", "time", "age", "damage", "dead", "resistance", "custom:resistance",
                          "resistance in contact"};
    for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++) assert_true(stroma_rule_signal_find(t, sigs[k]) >= 0);
    const char *behs[] = {"cycle entry", "apoptosis", "necrosis", "migration speed", "oxygen secretion",
                          "oxygen uptake", "transform to CAF", "attack cancer", "phagocytose dead cell",
                          "resistance production", "resistance decay"};
    for (size_t k = 0; k < sizeof behs / sizeof *behs; k++)
        assert_true(stroma_rule_behaviour_find(t, behs[k]) >= 0);
    assert_int_equal(stroma_rule_signal_find(t, "oxygn"), -1);
    w.sec[1][0] = 0.05;
    stroma_rule_desc r = make_rule(&w.m, 1, "oxygen", 1, "oxygen secretion", 0.2, 50, 2);
    char buf[256];
    stroma_rule_describe(&w.m, &r, buf, sizeof buf);
    assert_string_equal(buf, "in CAF, oxygen increases oxygen secretion from 0.05 to 0.2 1/min, half-max 50 mmHg, Hill 2");
    stroma_rule_tables_free(&w.m.rule_tables);
}

/* Oxygen increases cycle entry of an exponentially cycling type: in a uniform field s, the division rate is
 * b = (b0 + x sat)/(1 + x), x = (s/h)^n, so the population grows as e^(b t). Two oxygen levels, 30 seeds each:
 * mean counts within 4 standard errors of N0 e^(b t). */
static double grown_mean(double oxygen, int seeds, double *se) {
    double sum = 0, sum2 = 0;
    for (int sd = 0; sd < seeds; sd++) {
        world w;
        world_init(&w);
        w.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
        w.types[0].cycle_mean_min = 2000;
        w.rules[0] = make_rule(&w.m, 0, "oxygen", 1, "cycle entry", 1.0 / 500, 20, 3);
        w.m.nrules = 1;
        w.m.rules = w.rules;
        stroma_error err;
        stroma_transport *t = stroma_transport_create(&w.m, NULL, &err);
        assert_non_null(t);
        for (size_t v = 0; v < t->mesh.nvox; v++) t->c[v] = oxygen;
        stroma_rules_engine R;
        assert_int_equal(stroma_rules_init(&R, &w.m, &err), STROMA_OK);
        stroma_cell_engine e;
        stroma_mech_domain dom = {{0, 0, 0}, {1000, 1000, 20}, 2};
        assert_int_equal(stroma_cell_engine_init(&e, w.types, 2, 1, &dom, (stroma_rng_key){(uint64_t)sd + 1}, &err),
                         STROMA_OK);
        assert_int_equal(stroma_cell_engine_set_rules(&e, &R, &err), STROMA_OK);
        for (int k = 0; k < 100; k++) {
            double p[3] = {300.0 + 35 * (k % 10), 300.0 + 35 * (k / 10), 10};
            stroma_cell_engine_add(&e, 0, p, 0, NULL);
        }
        for (int s = 0; s < 100; s++) stroma_cell_engine_phenotype(&e, t, 6, 6.0 * (s + 1), NULL);
        int64_t counts[2], dead;
        stroma_cell_engine_count(&e, counts, &dead);
        sum += (double)counts[0];
        sum2 += (double)counts[0] * (double)counts[0];
        stroma_cell_engine_free(&e);
        stroma_rules_free(&R);
        stroma_transport_destroy(&t);
        stroma_rule_tables_free(&w.m.rule_tables);
    }
    *se = sqrt((sum2 - sum * sum / seeds) / (seeds - 1) / seeds);
    return sum / seeds;
}

static void test_signal_drives_cycle(void **state) {
    (void)state;
    for (int q = 0; q < 2; q++) {
        double o2 = q ? 40 : 5, se;
        double mean = grown_mean(o2, 30, &se);
        double x = pow(o2 / 20, 3), b = (1.0 / 2000 + x / 500) / (1 + x);
        double expect = 100 * exp(b * 600);
        assert_true(fabs(mean - expect) < 4 * se + 1e-9);
    }
}

/* "cycle entry" set by a rule is a division rate like the type's own: the probability per step is e^(b dt) - 1.
 * "time increases cycle entry" saturates at once (half-max 1e-9 min) at b = 1/100 per min; with dt = 50 min,
 * p = e^(1/2) - 1 and N counts a Galton-Watson process (test_cells.c, test_division_probability): N0 = 5000
 * cells for 4 steps, within 4 SD (0.61%) of N0 e^2. A probability 5% off is 13 SD away; 1 - e^(-b dt), 81 SD. */
static void test_rule_division_probability(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    w.types[0].cycle_mean_min = 1000;
    w.rules[0] = make_rule(&w.m, 0, "time", 1, "cycle entry", 0.01, 1e-9, 1);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 4000, 29);
    const int n0 = 5000, steps = 4;
    const double dt = 50;
    for (int k = 0; k < n0; k++) {
        double p[3] = {100.0 + 38 * (k % 100), 100.0 + 38 * (k / 100), 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
    }
    for (int s = 0; s < steps; s++)
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, dt, dt * (s + 1), NULL), STROMA_OK);
    double p = expm1(0.5), m = 1 + p;
    double want = n0 * pow(m, steps), sd = sqrt(n0 * p * (1 - p) * pow(m, steps - 1) * (pow(m, steps) - 1) / (m - 1));
    int64_t counts[2], dead;
    stroma_cell_engine_count(&e, counts, &dead);
    if (!(fabs((double)counts[0] - want) < 4 * sd)) fail_msg("%lld cells, expected %g +- %g", (long long)counts[0], want, sd);
    world_free(&w, &R, &e);
}

/* "asymmetric division to CAF" set by a rule replaces the type's probability: cancer cells that all divide in one
 * step (exponential cycle of mean 1 min, dt = 6) with a base probability 0.2, raised by "time" (saturating at
 * once, half-max 1e-9 min) to 0.7: of 20,000 daughters, CAF ones lie within 4 binomial SE (130) of 0.7 n (the
 * base, 0.2 n, is 77 SE away); the mothers stay cancer cells. */
static void test_rule_asymmetric_division(void **state) {
    (void)state;
    world w;
    world_init(&w);
    double asym[2] = {0, 0.2};
    w.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    w.types[0].cycle_mean_min = 1;
    w.types[0].asym_division = asym;
    w.rules[0] = make_rule(&w.m, 0, "time", 1, "asymmetric division to CAF", 0.7, 1e-9, 1);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 6000, 37);
    const int n = 20000;
    for (int k = 0; k < n; k++) {
        double p[3] = {100.0 + 25 * (k % 200), 100.0 + 25 * (k / 200), 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
    }
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6, NULL), STROMA_OK);
    assert_int_equal((int)e.cells.n, 2 * n);
    double caf = 0;
    for (int k = 0; k < n; k++) {
        assert_int_equal(e.cells.type[k], 0);
        caf += e.cells.type[n + k] == 1;
    }
    double want = 0.7 * n, se = sqrt(n * 0.7 * 0.3);
    if (!(fabs(caf - want) < 4 * se)) fail_msg("%.0f CAF daughters of %d, expected %g +- %g", caf, n, want, 4 * se);
    world_free(&w, &R, &e);
}

/* State variable with production P and decay D, one cell, no other rules: the implicit update gives exactly
 * v_n = (v_{n-1} + dt P)/(1 + dt D) — checked to 1e-14 — and tends to P/D. A rule "resistance increases
 * apoptosis" then reads the variable: the cell's apoptosis slot equals the combination law. */
static void test_state_variable(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.vinit[0] = 0.5;
    w.vprod[0] = 0.02;
    w.vdecay[0] = 0.01;
    w.types[0].apoptosis_per_min = 1e-6;
    w.rules[0] = make_rule(&w.m, 0, "resistance", 1, "apoptosis", 1e-3, 1.0, 2);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 1000, 1);
    double p[3] = {500, 500, 10};
    stroma_cell_engine_add(&e, 0, p, 0, NULL);
    double v = 0.5;
    for (int s = 0; s < 50; s++) {
        double before = e.cells.svar[0];
        stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * (s + 1), NULL);
        if (e.cells.state[0] != STROMA_CELL_LIVE) break;
        /* the apoptosis slot was computed from the value before this step's update */
        double x = pow(before, 2), want = (1e-6 + x * 1e-3) / (1 + x);
        assert_true(fabs(e.cells.beh[R.s_apop] - want) < 1e-15);
        v = (v + 6 * 0.02) / (1 + 6 * 0.01);
        assert_true(fabs(e.cells.svar[0] - v) < 1e-14);
    }
    assert_true(e.cells.svar[0] > 1.0 && e.cells.svar[0] < 2.0);
    world_free(&w, &R, &e);
}

/* "contact with CAF decreases migration speed" in cancer cells: a cancer cell touching one CAF gets
 * b = (b0 + x sat)/(1 + x) with x = (1/h)^n; an isolated one keeps b0. */
static void test_contact_signal(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.types[0].speed_um_per_min = 2;
    w.rules[0] = make_rule(&w.m, 0, "contact with CAF", -1, "migration speed", 0.1, 0.5, 2);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_error err;
    stroma_rules_engine R;
    assert_int_equal(stroma_rules_init(&R, &w.m, &err), STROMA_OK);
    assert_int_equal(R.needs_contacts, 1);
    stroma_cell_engine e;
    stroma_mech_domain dom = {{0, 0, 0}, {1000, 1000, 20}, 2};
    assert_int_equal(stroma_cell_engine_init(&e, w.types, 2, 1, &dom, (stroma_rng_key){1}, &err), STROMA_OK);
    assert_int_equal(stroma_cell_engine_set_rules(&e, &R, &err), STROMA_OK);
    double a[3] = {300, 300, 10}, b[3] = {315, 300, 10}, lone[3] = {800, 800, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, 1, b, 0, NULL);
    stroma_cell_engine_add(&e, 0, lone, 0, NULL);
    stroma_cell_engine_phenotype(&e, NULL, 6, 6, NULL);
    size_t nb = (size_t)R.nslots;
    double x = 4.0, want = (2 + x * 0.1) / (1 + x);
    assert_true(fabs(e.cells.beh[0 * nb + (size_t)R.s_speed] - want) < 1e-15);
    assert_true(e.cells.beh[2 * nb + (size_t)R.s_speed] == 2.0);
    /* the CAF has no rule on speed: its slot holds its own (zero) speed */
    assert_true(e.cells.beh[1 * nb + (size_t)R.s_speed] == 0.0);
    world_free(&w, &R, &e);
}

/* The "resistance in contact" sum of cell i at the last phenotype step. */
static double contact_sum(const stroma_cell_engine *e, size_t i) {
    const stroma_rules_engine *R = e->rules;
    return e->contact_state[i * (size_t)R->ncontact_vars + (size_t)R->contact_col[0]];
}

/* "resistance in contact": the sum over the live cells in contact of their resistance, from the values at the
 * start of the step. Cancer A touches CAFs B (2) and C (4) and a dead CAF D (7, not counted): A reads 6 exactly;
 * B and C, out of each other's reach, read A's 0.5 — not A's value after this step's production (1.1), which a
 * cell evaluated later would see if the sums were taken during the rules pass; B is also attached to A (within
 * reach: counted once). A lone cancer cell reads 0. Attacker K is attached to cancer T 40 um away (beyond the
 * reach: attachment is not a force): each reads the other's value (K 8, T 16); P and Q, attached to each other,
 * read each other's value once; E, attached to the dead D from afar, reads 0. The rule "resistance in contact
 * increases migration speed" in cancer cells sets A's speed by the law from 6. */
static void test_contact_state_signal(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.vprod[0] = 0.1; /* cancer cells' resistance grows by 0.6 per 6-min step, CAFs' does not change */
    w.types[0].speed_um_per_min = 1;
    w.types[1].attach_duration_min = 1e12;
    w.rules[0] = make_rule(&w.m, 0, "resistance in contact", 1, "migration speed", 3, 4, 2);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 1000, 5);
    assert_int_equal(R.ncontact_vars, 1);
    assert_int_equal(R.needs_contacts, 0);
    const double pos[10][3] = {{300, 300, 10}, {315, 300, 10}, {285, 300, 10}, {300, 316, 10}, {800, 800, 10},
                               {600, 600, 10}, {640, 600, 10}, {600, 800, 10}, {650, 800, 10}, {300, 360, 10}};
    const int type[10] = {0, 1, 1, 1, 0, 1, 0, 1, 1, 1};
    const double value[10] = {0.5, 2, 4, 7, 3, 16, 8, 32, 64, 128};
    enum { A, B, C, D, LONE, K, T, P, Q, E, NCELLS };
    for (int k = 0; k < NCELLS; k++) {
        assert_int_equal(stroma_cell_engine_add(&e, type[k], pos[k], 0, NULL), (size_t)k);
        e.cells.svar[k] = value[k];
    }
    e.cells.state[D] = STROMA_CELL_APOPTOTIC;
    e.cells.attached_id[B] = e.cells.id[A];
    e.cells.attached_id[K] = e.cells.id[T];
    e.cells.attached_id[P] = e.cells.id[Q];
    e.cells.attached_id[Q] = e.cells.id[P];
    e.cells.attached_id[E] = e.cells.id[D];
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6, NULL), STROMA_OK);
    assert_true(e.cells.svar[A] == 0.5 + 6 * 0.1); /* the values did change during the step */
    assert_true(contact_sum(&e, A) == 6.0);
    assert_true(contact_sum(&e, B) == 0.5);
    assert_true(contact_sum(&e, C) == 0.5);
    assert_true(contact_sum(&e, LONE) == 0.0);
    assert_true(contact_sum(&e, K) == 8.0);
    assert_true(contact_sum(&e, T) == 16.0);
    assert_true(contact_sum(&e, P) == 64.0 && contact_sum(&e, Q) == 32.0);
    assert_true(contact_sum(&e, E) == 0.0);
    assert_true(e.cells.attached_id[K] == e.cells.id[T]);
    double x = pow(6.0 / 4, 2), want = (1 + x * 3) / (1 + x);
    assert_true(fabs(e.cells.beh[(size_t)A * (size_t)R.nslots + (size_t)R.s_speed] - want) < 1e-15);
    assert_true(e.cells.beh[(size_t)LONE * (size_t)R.nslots + (size_t)R.s_speed] == 1.0);
    char buf[256];
    stroma_rule_describe(&w.m, &w.rules[0], buf, sizeof buf);
    assert_string_equal(buf, "in cancer, resistance in contact (summed over the live cells touching or attached to "
                             "it) increases migration speed from 1 to 3 µm/min, half-max 4, Hill 2");
    world_free(&w, &R, &e);
}

/* "resistance in contact increases resistance production" in CAFs (the T cell's exhaustion from its target's
 * PD-L1): a CAF touching a cancer cell that holds resistance 2 produces P = x sat/(1 + x), x = 2/h, and with
 * decay D its value follows v <- (v + dt P)/(1 + dt D) exactly (1e-14) over 40 steps; a lone CAF stays at 0. */
static void test_contact_state_production(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.vinit[0] = 2;
    w.vdecay[1] = 0.05;
    w.rules[0] = make_rule(&w.m, 1, "resistance in contact", 1, "resistance production", 0.3, 1.5, 1);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 1000, 6);
    double a[3] = {300, 300, 10}, b[3] = {315, 300, 10}, lone[3] = {800, 800, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, 1, b, 0, NULL);
    stroma_cell_engine_add(&e, 1, lone, 0, NULL);
    double x = 2 / 1.5, P = x * 0.3 / (1 + x), v = 0;
    for (int s = 0; s < 40; s++) {
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * (s + 1), NULL), STROMA_OK);
        v = (v + 6 * P) / (1 + 6 * 0.05);
        assert_true(fabs(e.cells.svar[1] - v) < 1e-14);
        assert_true(e.cells.svar[0] == 2.0 && e.cells.svar[2] == 0.0);
    }
    assert_true(fabs(v - P / 0.05) < 0.01 * P / 0.05); /* near its steady state */
    world_free(&w, &R, &e);
}

/* A crowded population (900 cells at 12 um spacing, several neighbours each, values spread over decades so that
 * the order of a sum shows in its bits) whose CAFs attack and attach to cancer cells and produce resistance
 * from "resistance in contact", moving between phenotype steps: state variables and the contact sums are
 * bit-identical at 1 and 2 threads (the loops split above 512 cells). */
static void run_contact_state(int threads, stroma_cells *out, double **sums) {
    omp_set_num_threads(threads);
    world w;
    world_init(&w);
    w.vprod[0] = 0.01;
    w.vdecay[1] = 0.02;
    w.types[0].speed_um_per_min = 0.5;
    w.types[1].speed_um_per_min = 2;
    w.att[1][0] = 0.05;
    w.rules[0] = make_rule(&w.m, 1, "resistance in contact", 1, "resistance production", 0.3, 1.5, 1);
    w.rules[1] = make_rule(&w.m, 0, "resistance in contact", 1, "apoptosis", 1e-3, 50, 2);
    w.m.nrules = 2;
    w.m.rules = w.rules;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 1000, 17);
    for (int k = 0; k < 900; k++) {
        double p[3] = {300 + 12 * (k % 30), 300 + 12 * (k / 30), 10};
        stroma_cell_engine_add(&e, k % 5 == 0, p, 0, NULL);
        e.cells.svar[k] = pow(10, (k * 37 % 101) / 25.0 - 2);
    }
    for (int s = 0; s < 300; s++) {
        stroma_cell_engine_mechanics(&e, NULL, 0.1, NULL);
        if (s % 30 == 29) assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 3, s * 0.1, NULL), STROMA_OK);
    }
    int attached = 0;
    for (size_t i = 0; i < e.cells.n; i++) attached += e.cells.attached_id[i] >= 0;
    assert_true(attached > 20);
    *sums = malloc(e.cells.n * sizeof **sums);
    assert_non_null(*sums);
    for (size_t i = 0; i < e.cells.n; i++) (*sums)[i] = contact_sum(&e, i);
    *out = e.cells;
    memset(&e.cells, 0, sizeof e.cells);
    world_free(&w, &R, &e);
}

static void test_contact_state_threads(void **state) {
    (void)state;
    stroma_cells a, b;
    double *sa, *sb;
    run_contact_state(1, &a, &sa);
    run_contact_state(2, &b, &sb);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.id, b.id, a.n * sizeof(int64_t));
    assert_memory_equal(a.svar, b.svar, a.n * sizeof(double));
    assert_memory_equal(sa, sb, a.n * sizeof(double));
    assert_memory_equal(a.x, b.x, a.n * sizeof(double));
    free(sa);
    free(sb);
    stroma_cells_free(&a);
    stroma_cells_free(&b);
}

/* Death stops a cell's exchange (secretion, uptake, export become 0) and only rules marked apply_to_dead
 * change it afterwards: "apoptotic increases oxygen secretion" (debris) in cancer cells. A dead cancer cell
 * secretes (0 + x sat)/(1 + x), x = (1/h)^n, and no longer takes up; a dead CAF exchanges nothing: its rule
 * "apoptotic increases oxygen uptake" is not marked apply_to_dead. */
static void test_dead_cell_exchange(void **state) {
    (void)state;
    world w;
    world_init(&w);
    for (int k = 0; k < 2; k++) {
        w.upt[k][0] = 1.0;
        w.types[k].apoptosis_per_min = 1e9; /* dies in the first phenotype step */
    }
    w.rules[0] = make_rule(&w.m, 0, "apoptotic", 1, "oxygen secretion", 0.5, 0.5, 2);
    w.rules[0].apply_to_dead = 1;
    /* not marked apply_to_dead: must leave the dead CAF's uptake at 0 although its signal is 1 */
    w.rules[1] = make_rule(&w.m, 1, "apoptotic", 1, "oxygen uptake", 3, 0.5, 2);
    w.m.nrules = 2;
    w.m.rules = w.rules;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 1000, 3);
    double a[3] = {200, 200, 10}, b[3] = {600, 600, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, 1, b, 0, NULL);
    assert_true(e.cells.uptake[0] == 1.0 && e.cells.uptake[1] == 1.0);
    stroma_cell_engine_phenotype(&e, NULL, 6, 0, NULL); /* both die */
    assert_int_equal(e.cells.state[0], STROMA_CELL_APOPTOTIC);
    assert_int_equal(e.cells.state[1], STROMA_CELL_APOPTOTIC);
    for (int i = 0; i < 2; i++)
        assert_true(e.cells.secretion[i] == 0 && e.cells.uptake[i] == 0 && e.cells.export_rate[i] == 0);
    stroma_cell_engine_phenotype(&e, NULL, 6, 6, NULL); /* the rule now reads apoptotic = 1 */
    double x = 4.0, want = x * 0.5 / (1 + x);
    assert_true(fabs(e.cells.secretion[0] - want) < 1e-15);
    assert_true(e.cells.uptake[0] == 0);
    assert_true(e.cells.secretion[1] == 0 && e.cells.uptake[1] == 0);
    world_free(&w, &R, &e);
}

/* rules_law: physicell in cells (evaluate_rules): the rules_sample example on cycle entry in a live cancer cell
 * at oxygen 38 and pressure 1 equals the transcription of PhysiCell; in a dead cell only the rule marked
 * apply_to_dead acts ("apoptotic increases oxygen secretion" toward 0.5), but the maximum it moves toward is
 * shared with the live-only "oxygen increases oxygen secretion" toward 2, as PhysiCell reads a rule that does not
 * apply to dead cells as signal 0: secretion 2 x/(1 + x) with x = (1/0.5)^2, where the weighted mean gives
 * 0.5 x/(1 + x). */
static void test_physicell_law_in_cells(void **state) {
    (void)state;
    for (int dead = 0; dead < 2; dead++) {
        world w;
        world_init(&w);
        w.m.rules_law = STROMA_RULES_LAW_PHYSICELL;
        w.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
        w.types[0].cycle_mean_min = 1 / 0.00003333;
        if (dead) {
            w.types[0].apoptosis_per_min = 1e9; /* dies in the first phenotype step */
            w.rules[0] = make_rule(&w.m, 0, "oxygen", 1, "oxygen secretion", 2, 21.5, 4);
            w.rules[1] = make_rule(&w.m, 0, "apoptotic", 1, "oxygen secretion", 0.5, 0.5, 2);
            w.rules[1].apply_to_dead = 1;
        } else {
            w.rules[0] = make_rule(&w.m, 0, "oxygen", 1, "cycle entry", 0.003333, 21.5, 4);
            w.rules[1] = make_rule(&w.m, 0, "pressure", -1, "cycle entry", 0, 1, 4);
        }
        w.m.nrules = 2;
        w.m.rules = w.rules;
        stroma_error err;
        stroma_transport *t = stroma_transport_create(&w.m, NULL, &err);
        assert_non_null(t);
        for (size_t v = 0; v < t->mesh.nvox; v++) t->c[v] = 38;
        stroma_rules_engine R;
        stroma_cell_engine e;
        world_engines(&w, &R, &e, 1000, 5);
        double p[3] = {500, 500, 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
        double press = 1 / stroma_cell_engine_pressure_signal(1.0);
        e.cells.pressure[0] = press;
        stroma_cell_engine_phenotype(&e, t, 6, 6, NULL);
        if (dead) {
            assert_int_equal(e.cells.state[0], STROMA_CELL_APOPTOTIC);
            stroma_cell_engine_phenotype(&e, t, 6, 12, NULL); /* the rule now reads apoptotic = 1 */
            double x = 4;
            assert_true(fabs(e.cells.secretion[0] - 2 * x / (1 + x)) <= 1e-15);
        } else {
            pc_rule_t ex[2] = {{1, 0.003333, 21.5, 4, 38}, {0, 0, 1, 4, stroma_cell_engine_pressure_signal(press)}};
            double want = pc_behaviour(0.00003333, ex, 2);
            double got = e.cells.beh[(size_t)R.s_cycle];
            if (!(fabs(got - want) <= 1e-15 * want)) fail_msg("cycle entry %.17g, PhysiCell %.17g", got, want);
            assert_true(fabs(got - 0.0015132) < 1e-3 * 0.0015132);
        }
        world_free(&w, &R, &e);
        stroma_transport_destroy(&t);
    }
}

/* dead_uptake_fraction: a cell keeps that share of its uptake at death (PhysiCell's start_death keeps 0.1);
 * secretion and export stop; without the key it keeps nothing. Through the loader and a simulation (the model
 * value reaches the engine), and across a checkpoint: the dead cell's uptake is restored as written. */
static void test_dead_uptake_fraction(void **state) {
    (void)state;
    for (int with = 0; with < 2; with++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}\n"
                 "time: {end: 60, dt_diffusion: 0.1}\n%s"
                 "substrates:\n  oxygen: {diffusion: 1000, decay: 0.1, initial: 38}\n"
                 "  IL6: {diffusion: 1000, decay: 0.1}\n"
                 "cell_types:\n  cancer:\n    secretion:\n      oxygen: {uptake: 10}\n"
                 "      IL6: {rate: 0.5, saturation: 1, uptake: 0.25, export: 3}\n"
                 "    death: {apoptosis: {rate: 1e9}}\n"
                 "initial_cells:\n  - {type: cancer, at: [50, 50, 10]}\n",
                 with ? "dead_uptake_fraction: 0.1\n" : "");
        stroma_model *m = load(yaml);
        assert_true(m->dead_uptake_fraction == (with ? 0.1 : 0));
        stroma_sim *a = create(m, 1);
        const stroma_cells *c = &a->cells.cells;
        assert_true(c->uptake[0] == 10 && c->uptake[1] == 0.25 && c->state[0] == STROMA_CELL_LIVE);
        run_steps(a, 60); /* one phenotype step (6 min): the cell dies */
        assert_int_equal(c->state[0], STROMA_CELL_APOPTOTIC);
        assert_true(c->uptake[0] == (with ? 10 * 0.1 : 0) && c->uptake[1] == (with ? 0.25 * 0.1 : 0));
        assert_true(c->secretion[0] == 0 && c->secretion[1] == 0 && c->export_rate[0] == 0 && c->export_rate[1] == 0);
        stroma_sim *b = create(m, 1);
        stroma_error err;
        if (sim_copy_state(a, b, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
        assert_true(b->cells.cells.uptake[0] == c->uptake[0] && b->cells.cells.uptake[1] == c->uptake[1]);
        stroma_sim_destroy(&a);
        stroma_sim_destroy(&b);
        stroma_model_destroy(&m);
    }
}

/* Damage: an attacker attached through a whole phenotype step delivers attack_damage x dt to its target (an
 * attachment made in step 1 delivers from step 2: 2/min x 6 min per step); the rule "damage increases
 * apoptosis" (to 10/min, half-max 30, Hill 100: a threshold) kills the target in the step after its damage
 * passes 30 (24 after 3 steps: alive; 36 after 4: dies in step 5). A lone CAF with damage rate 1 and repair
 * 0.1 follows D <- (D + dt)/(1 + 0.1 dt) exactly. */
static void test_damage(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.att[1][0] = 1e9; /* CAF attaches to cancer cells at once */
    w.types[1].attach_duration_min = 1e12;
    w.types[1].attack_damage_per_min = 2;
    w.rules[0] = make_rule(&w.m, 0, "damage", 1, "apoptosis", 10, 30, 100);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_error err;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 1000, 4);
    double a[3] = {300, 300, 10}, b[3] = {315, 300, 10}, lone[3] = {800, 800, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    stroma_cell_engine_add(&e, 1, b, 0, NULL);
    size_t k = stroma_cell_engine_add(&e, 1, lone, 0, NULL);
    w.types[1].damage_per_min = 1;
    w.types[1].damage_repair_per_min = 0.1;
    double want = 0;
    for (int step = 1; step <= 5; step++) {
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6.0 * (step - 1), &err), STROMA_OK);
        want = (want + 6 * 1.0) / (1 + 6 * 0.1);
        if (step <= 4) {
            assert_int_equal(e.cells.state[0], STROMA_CELL_LIVE);
            assert_true(e.cells.attached_id[1] == e.cells.id[0]);
            assert_true(e.cells.damage[0] == 12.0 * (step - 1));
        }
    }
    assert_int_equal(e.cells.state[0], STROMA_CELL_APOPTOTIC);
    assert_true(fabs(e.cells.damage[k] - want) < 1e-12);
    world_free(&w, &R, &e);
}

/* An attachment of mean duration d that ends within a step delivers damage only for the time it lasted: for
 * 2000 attacker-target pairs attached in step 1 (d = 0.5 min, dt = 6 min, rate 1/min), the damage after step 2
 * averages E[min(tau, dt)] = d (1 - e^(-dt/d)) within 4 standard errors (sd of min(tau, dt) <= d), not rate x dt. */
static void test_damage_short_attachments(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.att[1][0] = 1e9;
    w.types[1].attach_duration_min = 0.5;
    w.types[1].attack_damage_per_min = 1;
    stroma_error err;
    stroma_cell_engine e;
    stroma_mech_domain dom = {{0, 0, 0}, {4000, 4000, 20}, 2};
    assert_int_equal(stroma_cell_engine_init(&e, w.types, 2, 1, &dom, (stroma_rng_key){9}, &err), STROMA_OK);
    const int pairs = 2000;
    for (int k = 0; k < pairs; k++) {
        double a[3] = {20.0 + 80 * (k % 45), 20.0 + 80 * (k / 45), 10}, b[3] = {a[0] + 15, a[1], 10};
        stroma_cell_engine_add(&e, 0, a, 0, NULL);
        stroma_cell_engine_add(&e, 1, b, 0, NULL);
    }
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 0, &err), STROMA_OK);
    int attached = 0;
    for (int k = 0; k < pairs; k++) attached += e.cells.attached_id[2 * k + 1] == e.cells.id[2 * k];
    assert_int_equal(attached, pairs);
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6, &err), STROMA_OK);
    double sum = 0;
    for (int k = 0; k < pairs; k++) sum += e.cells.damage[2 * k];
    double mean = sum / pairs, want = 0.5 * (1 - exp(-12.0)), se = 0.5 / sqrt(pairs);
    if (fabs(mean - want) >= 4 * se) fail_msg("mean damage per attack %g, expected %g +- %g", mean, want, se);
    stroma_cell_engine_free(&e);
    stroma_rule_tables_free(&w.m.rule_tables);
}

/* A dividing cell's state variables and rule-set behaviours pass to both daughters: "resistance" produced at
 * 1/min reaches 6 in a 6-min step in which the cell divides; mother and daughter then both hold 6. */
static void test_daughters_inherit_state(void **state) {
    (void)state;
    world w;
    world_init(&w);
    w.types[0].cycle = STROMA_CYCLE_EXPONENTIAL;
    w.types[0].cycle_mean_min = 1e-3; /* divides in the first step */
    w.vprod[0] = 1;
    w.m.nrules = 0;
    stroma_error err;
    stroma_rules_engine R;
    stroma_cell_engine e;
    world_engines(&w, &R, &e, 1000, 2);
    double a[3] = {500, 500, 10};
    stroma_cell_engine_add(&e, 0, a, 0, NULL);
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 0, &err), STROMA_OK);
    assert_int_equal(e.cells.n, 2);
    assert_true(e.cells.svar[0] == 6.0 && e.cells.svar[1] == 6.0);
    assert_memory_equal(e.cells.beh, e.cells.beh + R.nslots, (size_t)R.nslots * sizeof(double));
    world_free(&w, &R, &e);
}

/* "time increases cell-cell repulsion" to 4x the type's strength (half-max 1e-9 min: saturated at once) makes
 * two overlapping cancer cells push each other 4 times as fast: a pair's repulsion is sqrt(rep_i rep_j), so both
 * at 4x give 4x (1e-12 relative); the wall pushes a cell 3 um from it 4 times as fast too (it acts as a copy of
 * the cell). */
static void test_repulsion_rule(void **state) {
    (void)state;
    double v[2], wall[2];
    for (int with_rule = 0; with_rule < 2; with_rule++) {
        world w;
        world_init(&w);
        w.types[0].adhesion_um_per_min = 0;
        w.m.nrules = 0;
        if (with_rule) {
            w.rules[0] = make_rule(&w.m, 0, "time", 1, "cell-cell repulsion", 40, 1e-9, 1);
            w.m.nrules = 1;
            w.m.rules = w.rules;
        }
        stroma_error err;
        stroma_rules_engine R;
        stroma_cell_engine e;
        world_engines(&w, &R, &e, 1000, 2);
        double a[3] = {500, 500, 10}, b[3] = {510, 500, 10}, near_wall[3] = {3, 200, 10};
        stroma_cell_engine_add(&e, 0, a, 0, NULL);
        stroma_cell_engine_add(&e, 0, b, 0, NULL);
        stroma_cell_engine_add(&e, 0, near_wall, 0, NULL);
        assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 6, &err), STROMA_OK); /* rules: time = 6 */
        assert_int_equal(stroma_cell_engine_mechanics(&e, NULL, 0.1, &err), STROMA_OK);
        v[with_rule] = e.cells.vx[1];
        wall[with_rule] = e.cells.vx[2];
        world_free(&w, &R, &e);
    }
    double x = 6 / 1e-9, want = 4 * v[0] * (10 + x * 40) / (1 + x) / 40;
    assert_true(v[0] > 0);
    assert_true(fabs(v[1] - want) < 1e-12 * want);
    /* the wall pushes as a copy of the cell would: 4x as well */
    double wall_want = 4 * wall[0] * (10 + x * 40) / (1 + x) / 40;
    assert_true(wall[0] > 0);
    assert_true(fabs(wall[1] - wall_want) < 1e-12 * wall_want);
}

/* "time decreases chemotactic response to oxygen" from 1 to -1 (half-max 1e-9 min: saturated at once) turns
 * cancer cells that follow oxygen (sensitivities {oxygen: 1}, bias 1, persistence 0) around in a linear oxygen
 * field: the velocity is +speed along x without the rule and -speed with it (the weight is a behaviour of the
 * cell, (1 - x)/(1 + x) < 0), to 1e-12; the other type, without the rule, keeps following oxygen. */
static void test_chemotaxis_sensitivity_rule(void **state) {
    (void)state;
    double vx[2][2];
    for (int with_rule = 0; with_rule < 2; with_rule++) {
        world w;
        world_init(&w);
        double sens[2][1] = {{1}, {1}};
        for (int k = 0; k < 2; k++) {
            w.types[k].speed_um_per_min = 2;
            w.types[k].persistence_min = 0;
            w.types[k].bias = 1;
            w.types[k].chemotaxis_sensitivity = sens[k];
        }
        if (with_rule) {
            w.rules[0] = make_rule(&w.m, 0, "time", -1, "chemotactic response to oxygen", -1, 1e-9, 1);
            w.m.nrules = 1;
            w.m.rules = w.rules;
        }
        stroma_error err;
        stroma_transport *t = stroma_transport_create(&w.m, NULL, &err);
        assert_non_null(t);
        for (size_t v = 0; v < t->mesh.nvox; v++) t->c[v] = 5.0 * (double)(v % 50);
        stroma_rules_engine R;
        stroma_cell_engine e;
        world_engines(&w, &R, &e, 1000, 4);
        double a[3] = {300, 500, 10}, b[3] = {700, 500, 10};
        stroma_cell_engine_add(&e, 0, a, 0, NULL);
        stroma_cell_engine_add(&e, 1, b, 0, NULL);
        assert_int_equal(stroma_cell_engine_phenotype(&e, t, 6, 6, &err), STROMA_OK); /* rules: time = 6 */
        assert_int_equal(stroma_cell_engine_mechanics(&e, t, 0.1, &err), STROMA_OK);
        for (int k = 0; k < 2; k++) {
            vx[with_rule][k] = e.cells.mx[k];
            assert_true(fabs(e.cells.my[k]) < 1e-12);
        }
        world_free(&w, &R, &e);
        stroma_transport_destroy(&t);
    }
    assert_true(fabs(vx[0][0] - 2) < 1e-12 && fabs(vx[0][1] - 2) < 1e-12);
    assert_true(fabs(vx[1][0] + 2) < 1e-12 && fabs(vx[1][1] - 2) < 1e-12);
}

/* A rule on necrosis in one type (CAF) does not take over another type's oxygen-driven necrosis: cancer cells,
 * with no rule of their own on necrosis and no oxygen field to read here, keep the built-in ramp (rate 0 without
 * a field) instead of dying at their maximal rate (10/min: p = 1 - e^-60 in a 6-min step). */
static void test_necrosis_rule_stays_in_its_type(void **state) {
    (void)state;
    world w;
    world_init(&w);
    stroma_cell_type_desc *T = &w.types[0];
    T->necrosis_substrate = 0;
    T->necrosis_threshold = 5;
    T->necrosis_critical = 2.5;
    T->necrosis_max_per_min = 10;
    w.rules[0] = make_rule(&w.m, 1, "time", -1, "necrosis", 0, 1, 1);
    w.m.nrules = 1;
    w.m.rules = w.rules;
    stroma_error err;
    stroma_rules_engine R;
    assert_int_equal(stroma_rules_init(&R, &w.m, &err), STROMA_OK);
    assert_true(R.s_necro >= 0);
    stroma_cell_engine e;
    stroma_mech_domain dom = {{0, 0, 0}, {1000, 1000, 20}, 2};
    assert_int_equal(stroma_cell_engine_init(&e, w.types, 2, 1, &dom, (stroma_rng_key){6}, &err), STROMA_OK);
    assert_int_equal(stroma_cell_engine_set_rules(&e, &R, &err), STROMA_OK);
    for (int k = 0; k < 20; k++) {
        double p[3] = {50.0 + 40 * k, 500, 10};
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
    }
    assert_int_equal(stroma_cell_engine_phenotype(&e, NULL, 6, 0, &err), STROMA_OK);
    int64_t live[2], dead;
    stroma_cell_engine_count(&e, live, &dead);
    assert_true(live[0] == 20 && dead == 0);
    world_free(&w, &R, &e);
}

/* A cell file's `necrosis` column gives a cell its own constant necrosis rate: with oxygen 0 (below the type's
 * ramp), a cell at 0 survives a 6-min phenotype step, one that skips the column follows the ramp (rate 1e9:
 * dies), one at 1e9 dies; with oxygen 38 (above the ramp) only the 1e9 cell dies. Through the loader, a
 * simulation and a checkpoint restore (the per-cell rate survives it). */
static void test_percell_necrosis(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_necrosis_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], csv[256];
    snprintf(csv, sizeof csv, "%s/cells.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("x,y,z,type,necrosis\n50,50,10,a,0\n150,50,10,a,skip\n250,50,10,a,1e9\n", f);
    fclose(f);
    for (int o2 = 0; o2 <= 38; o2 += 38) {
        snprintf(path, sizeof path, "%s/model.yaml", dir);
        f = fopen(path, "w");
        assert_non_null(f);
        fprintf(f,
                "domain: {x: [0, 300], y: [0, 100], z: [0, 20], voxel: 20}\n"
                "time: {end: 12, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 6}\n"
                "substrates:\n  oxygen: {diffusion: 1000, decay: 0, initial: %d}\n"
                "cell_types:\n  a:\n    death:\n"
                "      necrosis: {substrate: oxygen, threshold: 5, critical: 2.5, rate: 1e9}\n"
                "initial_cells:\n  - {file: cells.csv}\n",
                o2);
        fclose(f);
        stroma_error err;
        stroma_model *m = stroma_model_load(path, &err);
        if (!m) fail_msg("model: %s", err.message);
        stroma_sim *a = create(m, 1);
        stroma_sim *b = create(m, 1);
        if (sim_copy_state(a, b, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
        run_steps(b, 60); /* one phenotype step, from the restored state */
        const stroma_cells *c = &b->cells.cells;
        assert_int_equal(c->n, 3);
        assert_int_equal(c->state[0], STROMA_CELL_LIVE);
        assert_int_equal(c->state[1], o2 ? STROMA_CELL_LIVE : STROMA_CELL_NECROTIC);
        assert_int_equal(c->state[2], STROMA_CELL_NECROTIC);
        stroma_sim_destroy(&a);
        stroma_sim_destroy(&b);
        stroma_model_destroy(&m);
    }
    remove(csv);
    remove(path);
    rmdir(dir);
}

/* contact_law physicell through the loader and a simulation: killers attack tumour cells (damage kills them
 * through a rule), turn "tired" once the damage they delivered passes 10 (rule on `damage delivered`), and an
 * eater engulfs apoptotic cells (phagocytosis_apoptotic). Over 600 min every mechanism acts (kills,
 * transformations and engulfing all > 0), and a run stopped at 300 min, checkpointed and continued in a new simulation ends
 * bit-identical to the uninterrupted run (attachments, damage delivered and attack times restored). */
static void test_physicell_contacts_model(void **state) {
    (void)state;
    const char *yaml =
        "domain: {x: [0, 300], y: [0, 300], z: [0, 20], voxel: 20}\n"
        "time: {end: 600, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 6}\n"
        "contact_law: physicell\n"
        "substrates:\n  debris: {diffusion: 10, decay: 0.01}\n"
        "cell_types:\n"
        "  tumour: {death: {apoptosis: {rate: 0, duration: 240, timing: exponential}}}\n"
        "  killer:\n"
        "    motility: {speed: 1, persistence: 5}\n"
        "    interactions: {attack: {tumour: 0.2}, attachment_duration: 2, attack_damage: 1}\n"
        "  tired: {motility: {speed: 0.5}}\n"
        "  eater:\n    motility: {speed: 2}\n    interactions: {phagocytosis_apoptotic: 0.05}\n"
        "rules:\n"
        "  - {type: tumour, signal: damage, direction: increases, behaviour: apoptosis, saturation: 1e9, half_max: 5, "
        "hill: 20}\n"
        "  - {type: killer, signal: damage delivered, direction: increases, behaviour: transform to tired, "
        "saturation: 0.05, half_max: 10, hill: 8}\n"
        "initial_cells:\n"
        "  - {type: tumour, count: 60, disc: {center: [150, 150, 10], radius: 70}}\n"
        "  - {type: killer, count: 15, disc: {center: [150, 150, 10], radius: 70}}\n"
        "  - {type: eater, count: 6, disc: {center: [150, 150, 10], radius: 70}}\n";
    stroma_model *m = load(yaml);
    assert_int_equal(m->contact_law, 1);
    stroma_sim *a = create(m, 1), *b = create(m, 1), *c2 = create(m, 2);
    run_steps(a, 3000);
    run_steps(b, 3000);
    stroma_error err;
    if (sim_copy_state(b, c2, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
    run_steps(a, 3000);
    run_steps(c2, 3000);
    const stroma_cell_counters *k = &a->cells.counters;
    if (getenv("STROMA_TEST_VERBOSE"))
        printf("apoptoses %lld transformations %lld engulfed %lld cells %zu\n", (long long)k->apoptoses,
               (long long)k->transformations, (long long)k->phagocytoses, a->cells.cells.n);
    if (!(k->kills + k->apoptoses > 0 && k->transformations > 0 && k->phagocytoses > 0))
        fail_msg("too quiet: %lld apoptoses, %lld transformations, %lld engulfed", (long long)k->apoptoses,
                 (long long)k->transformations, (long long)k->phagocytoses);
    const stroma_cells *ca = &a->cells.cells, *cb = &c2->cells.cells;
    assert_int_equal(ca->n, cb->n);
    stroma_cells_field fa[64], fb[64];
    size_t nf = stroma_cells_fields(ca, fa, 64);
    assert_int_equal(nf, stroma_cells_fields(cb, fb, 64));
    for (size_t q = 0; q < nf; q++)
        if (memcmp(fa[q].data, fb[q].data, ca->n * fa[q].per_cell * fa[q].elem_size))
            fail_msg("cell field %s differs after the checkpoint", fa[q].name);
    assert_memory_equal(&a->cells.counters, &c2->cells.counters, sizeof a->cells.counters);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_sim_destroy(&c2);
    stroma_model_destroy(&m);
}

/* secretion_order after_diffusion (PhysiCell's order: the solve, then the cells' sources): at steady state the
 * field is what one source step makes of the before_diffusion field — in the voxel of the cell taking up
 * oxygen at U, c_after = c_before / (1 + dt U V_cell / V_voxel); everywhere else the two agree (1e-10
 * relative; the fixed point of S∘D is S applied to that of D∘S). A model with vessels is refused at the key. */
static void test_secretion_order(void **state) {
    (void)state;
    char yaml[1400];
    double *field[2] = {NULL, NULL};
    size_t nvox = 0, cell_vox = 0;
    double vvox = 0, vcell = 0;
    for (int after = 0; after < 2; after++) {
        snprintf(yaml, sizeof yaml,
                 "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
                 "time: {end: 600, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 6}\n%s"
                 "substrates:\n  oxygen: {diffusion: 1000, decay: 0.1, initial: 38,\n"
                 "    boundary: {x_min: 38, x_max: 38, y_min: 38, y_max: 38}}\n"
                 "cell_types:\n  cancer:\n    secretion: {oxygen: {uptake: 10}}\n"
                 "initial_cells:\n  - {type: cancer, at: [90, 110, 10]}\n",
                 after ? "secretion_order: after_diffusion\n" : "");
        stroma_model *m = load(yaml);
        assert_int_equal(m->secretion_after, after);
        stroma_sim *sim = create(m, 1);
        run_steps(sim, 6000);
        const stroma_transport *t = sim->transport;
        nvox = t->mesh.nvox;
        field[after] = malloc(nvox * sizeof(double));
        assert_non_null(field[after]);
        for (size_t v = 0; v < nvox; v++) field[after][v] = t->c[v * (size_t)t->nsub];
        double p[3] = {sim->cells.cells.x[0], sim->cells.cells.y[0], sim->cells.cells.z[0]};
        cell_vox = stroma_mesh_voxel_of(&t->mesh, p);
        vvox = t->mesh.voxel_volume_um3;
        vcell = sim->cells.cells.volume_um3[0];
        stroma_sim_destroy(&sim);
        stroma_model_destroy(&m);
    }
    for (size_t v = 0; v < nvox; v++) {
        double want = v == cell_vox ? field[0][v] / (1 + 0.1 * 10 * vcell / vvox) : field[0][v];
        if (!close_rel(field[1][v], want, 1e-10))
            fail_msg("voxel %zu%s: after_diffusion %.15g, expected %.15g (before_diffusion %.15g)", v,
                     v == cell_vox ? " (the cell's)" : "", field[1][v], want, field[0][v]);
    }
    assert_true(field[1][cell_vox] < field[0][cell_vox] * 0.99); /* the orders differ where the cell is */
    free(field[0]);
    free(field[1]);
    stroma_error err;
    const char *bad = "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
                      "time: {end: 6}\nsecretion_order: after_diffusion\n"
                      "substrates:\n  oxygen: {diffusion: 1000, decay: 0.1, initial: 38}\n"
                      "vessels: {initial: {uniform: 0.01}}\n";
    stroma_model *m = stroma_model_load_string(bad, strlen(bad), "model.yaml", &err);
    assert_null(m);
    if (!strstr(err.message, "model.yaml:3:1: secretion_order after_diffusion cannot be used with vessels"))
        fail_msg("unexpected message: %s", err.message);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_combination_law), cmocka_unit_test(test_physicell_law),
        cmocka_unit_test(test_tables_and_text),
        cmocka_unit_test(test_signal_drives_cycle), cmocka_unit_test(test_rule_division_probability),
        cmocka_unit_test(test_rule_asymmetric_division),
        cmocka_unit_test(test_state_variable),
        cmocka_unit_test(test_contact_signal), cmocka_unit_test(test_contact_state_signal),
        cmocka_unit_test(test_contact_state_production), cmocka_unit_test(test_contact_state_threads),
        cmocka_unit_test(test_dead_cell_exchange), cmocka_unit_test(test_physicell_law_in_cells),
        cmocka_unit_test(test_dead_uptake_fraction),
        cmocka_unit_test(test_damage), cmocka_unit_test(test_damage_short_attachments),
        cmocka_unit_test(test_daughters_inherit_state), cmocka_unit_test(test_repulsion_rule),
        cmocka_unit_test(test_chemotaxis_sensitivity_rule),
        cmocka_unit_test(test_necrosis_rule_stays_in_its_type),
        cmocka_unit_test(test_percell_necrosis), cmocka_unit_test(test_physicell_contacts_model),
        cmocka_unit_test(test_secretion_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
