/* Tests of the drugs in the simulation (src/therapy/, the `therapies:` section): the three antibodies' label
 * values through the loader and the simulation clock, doxorubicin's penetration from a vessel, the mechanisms
 * (binding sink, receptor blockade, depletion, cytotoxic killing modulated by resistance), thread independence
 * and checkpoints. docs/therapies.md lists what each test checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "body/pk.h"
#include "sim_helpers.h"

#define DAY 1440.0
#define WEEK (7 * DAY)

/* tests/cli/models/therapy_labels.yaml, inline. */
static const char LABELS[] =
    "domain: {x: [0, 20], y: [0, 20], z: [0, 20], voxel: 20}\n"
    "time: {end: 241920, dt_diffusion: 60}\n"
    "substrates:\n  tracer: {diffusion: 0, decay: 0}\n"
    "therapies:\n"
    "  body_weight: 70\n"
    "  drugs:\n"
    "    pembrolizumab:\n"
    "      pk: {central_volume: 6.0, clearance: 0.195}\n"
    "      regimens:\n"
    "        - {route: infusion, dose: 200, interval: 21, cycles: 8, duration: 30}\n"
    "    bevacizumab:\n"
    "      pk: {compartments: 2, central_volume: 2.66, peripheral_volume: 2.9, clearance: 0.22, "
    "intercompartmental: 0.5}\n"
    "      regimens:\n"
    "        - {route: infusion, dose_per_kg: 5, duration: 90}\n"
    "        - {route: infusion, start: 14, dose_per_kg: 5, duration: 60}\n"
    "        - {route: infusion, start: 28, dose_per_kg: 5, interval: 14, cycles: 5, duration: 30}\n"
    "    tocilizumab:\n"
    "      pk: {central_volume: 3.2, half_life: 6.3}\n"
    "      regimens:\n"
    "        - {route: infusion, dose_per_kg: 8, interval: 28, cycles: 6, duration: 60}\n";

static void add(stroma_pk_schedule *s, stroma_pk_regimen r) {
    stroma_error err;
    if (stroma_pk_schedule_add(s, &r, 70, &err) != STROMA_OK) fail_msg("regimen: %s", err.message);
}

/* The label model's plasma curves, stepped by the simulation in 1-h steps, equal the PK engine's exact curves for
 * the same drugs written in the engine's units (so the loader's conversions of days, L/day, mg/kg and half-lives
 * and the stepping are right) at every day to 1e-9, and meet the labels: pembrolizumab's trough accumulation
 * 2.1 +- 0.3 and the week-15 trough within 10 % of the week-21 one (steady by week 16); bevacizumab's day-84
 * trough 80 +- 20 µg/mL; tocilizumab's Cmax,ss 183 +- 86 and Cmin,ss 9.7 +- 30 %. */
static void test_labels_through_sim(void **state) {
    (void)state;
    stroma_model *m = load(LABELS);
    assert_int_equal(m->therapies.ndrugs, 3);
    stroma_sim *sim = create(m, 1);
    stroma_pk_params p[3] = {
        {.compartments = 1, .vc_l = 6.0, .cl_l_per_min = 0.195 / DAY},
        {.compartments = 2, .vc_l = 2.66, .vp_l = 2.9, .cl_l_per_min = 0.22 / DAY, .q_l_per_min = 0.5 / DAY},
        {.compartments = 1, .vc_l = 3.2, .cl_l_per_min = stroma_pk_cl_from_half_life(3.2, 6.3 * DAY)}};
    stroma_error err;
    stroma_pk_schedule *s[3];
    for (int k = 0; k < 3; k++) assert_non_null(s[k] = stroma_pk_schedule_create(&err));
    add(s[0], (stroma_pk_regimen){.route = STROMA_PK_IV_INFUSION, .dose = 200, .interval_min = 3 * WEEK, .cycles = 8,
                                  .duration_min = 30});
    add(s[1], (stroma_pk_regimen){.route = STROMA_PK_IV_INFUSION, .dose = 5, .per_kg = 1, .cycles = 1,
                                  .duration_min = 90});
    add(s[1], (stroma_pk_regimen){.route = STROMA_PK_IV_INFUSION, .start_min = 2 * WEEK, .dose = 5, .per_kg = 1,
                                  .cycles = 1, .duration_min = 60});
    add(s[1], (stroma_pk_regimen){.route = STROMA_PK_IV_INFUSION, .start_min = 4 * WEEK, .dose = 5, .per_kg = 1,
                                  .interval_min = 2 * WEEK, .cycles = 5, .duration_min = 30});
    add(s[2], (stroma_pk_regimen){.route = STROMA_PK_IV_INFUSION, .dose = 8, .per_kg = 1, .interval_min = 4 * WEEK,
                                  .cycles = 6, .duration_min = 60});
    double level[3][169];
    for (int day = 0; day <= 168; day++) {
        if (day > 0) run_steps(sim, 24);
        for (int k = 0; k < 3; k++) {
            stroma_drug_summary d = stroma_sim_drug(sim, k);
            double want = stroma_pk_concentration(&p[k], s[k], day * DAY);
            if (!close_rel(d.plasma, want, 1e-9))
                fail_msg("%s day %d: simulation %.12g mg/L, engine %.12g", d.name, day, d.plasma, want);
            level[k][day] = d.plasma;
        }
    }
    /* the infusions start at the day boundaries, so these levels are the troughs */
    double acc = level[0][147] / level[0][21];
    if (fabs(acc - 2.1) > 0.3) fail_msg("pembrolizumab trough accumulation %.3f, label 2.1", acc);
    if (level[0][105] < 0.9 * level[0][147]) fail_msg("pembrolizumab week-15 trough %.2f", level[0][105]);
    if (fabs(level[1][84] - 80) > 20) fail_msg("bevacizumab day-84 trough %.1f, label 80.3", level[1][84]);
    stroma_drug_summary toci = stroma_sim_drug(sim, 2);
    if (fabs(toci.cmax - 183) > 86) fail_msg("tocilizumab Cmax,ss %.1f, label 183", toci.cmax);
    if (fabs(level[2][140] - 9.7) > 0.3 * 9.7) fail_msg("tocilizumab Cmin,ss %.2f, label 9.7", level[2][140]);
    assert_int_equal(toci.doses_given, 6);
    assert_true(close_rel(toci.dosed_mg, 6 * 8 * 70, 1e-12));
    print_message("through the simulation: pembrolizumab accumulation %.3f, week-15 trough %.1f %% of week 21; "
                  "bevacizumab day-84 trough %.1f µg/mL; tocilizumab Cmax %.1f, Cmin %.2f µg/mL\n",
                  acc, 100 * level[0][105] / level[0][147], level[1][84], toci.cmax, level[2][140]);
    for (int k = 0; k < 3; k++) stroma_pk_schedule_destroy(&s[k]);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Doxorubicin from one vessel line into a 2D slab (x from 0 to 300 µm, voxels of 4 µm, the vessel in the first
 * column). Transport: D = 8,000 µm²/min (Stokes-Einstein from IL-6's tissue range in parameters.md for 544 Da),
 * binding and uptake by cells lumped into a first-order loss of 3.4 /min (a modelling choice: docs/therapies.md);
 * wall permeability 20 µm/min. PK (illustrative): 2 compartments, Vc 25 L, Vp 1,000 L, CL 1,200 L/day,
 * Q 2,000 L/day, 100 mg as a 10-min infusion; conversion 1.84 µM per mg/L (1e3 / 543.5 g/mol). */
static const char DOXO[] =
    "domain: {x: [0, 300], y: [0, 40], z: [0, 4], voxel: 4}\n"
    "time: {end: 20, dt_diffusion: 0.05}\n"
    "substrates:\n  doxorubicin: {unit: uM, diffusion: 8000, decay: 3.4}\n"
    "vessels:\n"
    "  capillary_radius: 5\n  max_density: 0.1\n"
    "  initial: {segments: [{from: [2, 2, 2], to: [2, 38, 2], density: 0.05}]}\n"
    "  permeability: {doxorubicin: 20}\n"
    "therapies:\n"
    "  drugs:\n"
    "    doxo:\n"
    "      substrate: doxorubicin\n      conversion: 1.84\n"
    "      pk: {compartments: 2, central_volume: 25, peripheral_volume: 1000, clearance: 1200, "
    "intercompartmental: 2000}\n"
    "      regimens: [{route: infusion, dose: 100, duration: 10}]\n";

/* Distance from the vessel's voxel centre at which the profile along x falls to half its value there
 * (log-linear between voxel centres), µm. */
static double half_distance(const stroma_sim *sim, int s) {
    const stroma_transport *t = sim->transport;
    double p0[3] = {2, 22, 2}, c0 = stroma_transport_value_at(t, p0, s);
    double prev = c0;
    for (int i = 1; i < 75; i++) {
        double p[3] = {2 + 4.0 * i, 22, 2}, c = stroma_transport_value_at(t, p, s);
        if (c <= 0.5 * c0) return 4.0 * (i - 1) + 4.0 * log(prev / (0.5 * c0)) / log(prev / c);
        prev = c;
    }
    return INFINITY;
}

/* The level falls to half within 24-43 µm of the vessel (Grantab 2012), and within 3 % of the continuous
 * solution's ln 2 sqrt(D / k) = 33.6 µm for a line source in a slab; the vessel's voxel sits below the blood
 * value (exchange-limited), and the tissue follows plasma down after the infusion ends. */
static void test_doxorubicin_penetration(void **state) {
    (void)state;
    stroma_model *m = load(DOXO);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 200); /* 10 min: the end of the infusion */
    double h = half_distance(sim, 0), want = log(2.0) * sqrt(8000 / 3.4);
    stroma_drug_summary d = stroma_sim_drug(sim, 0);
    double p0[3] = {2, 22, 2}, c0 = stroma_transport_value_at(sim->transport, p0, 0);
    print_message("doxorubicin: plasma %.3f mg/L (blood %.3f uM), vessel voxel %.3f uM, half distance %.1f um "
                  "(continuous %.1f)\n", d.plasma, 1.84 * d.plasma, c0, h, want);
    if (!(h >= 24 && h <= 43)) fail_msg("half distance %.1f µm, Grantab 2012: 24-43", h);
    if (fabs(h - want) > 0.03 * want) fail_msg("half distance %.2f µm, continuous solution %.2f", h, want);
    assert_true(c0 > 0 && c0 < 1.84 * d.plasma);
    assert_true(d.tissue_mean > 0);
    run_steps(sim, 200);
    double c1 = stroma_transport_value_at(sim->transport, p0, 0);
    assert_true(stroma_sim_drug(sim, 0).plasma < d.plasma && c1 < c0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_through_sim),
        cmocka_unit_test(test_doxorubicin_penetration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
