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
#include "model/rules_tables.h"
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
    /* the tissue is linear in the blood value: twice the conversion, twice the field (to rounding) */
    char yaml[sizeof DOXO + 8];
    snprintf(yaml, sizeof yaml, "%s", DOXO);
    char *cv = strstr(yaml, "conversion: 1.84");
    assert_non_null(cv);
    memcpy(cv, "conversion: 3.68", 16);
    m = load(yaml);
    sim = create(m, 1);
    run_steps(sim, 200);
    double c2 = stroma_transport_value_at(sim->transport, p0, 0);
    if (!close_rel(c2, 2 * c0, 1e-9)) fail_msg("conversion x 2: vessel voxel %.12g, want %.12g", c2, 2 * c0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* A 2D tissue fed by a uniform vessel bed: the drug (a 1-compartment antibody-like drug given as a bolus) enters
 * through the walls; VEGF (no diffusion, no decay) is neutralised; IL6 is read by rules through a blocked
 * receptor; CAFs are depleted; cancer cells are killed by a cytotoxic mechanism divided by 1 + their resistance
 * (state variable `res`: 0 in `sensitive`, 3 in `resistant`), CAFs not (weight 0). */
static const char MECH[] =
    "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
    "time: {end: 1440, dt_diffusion: 1, dt_mechanics: 6, dt_phenotype: 6}\n"
    "substrates:\n"
    "  drug: {diffusion: 0, decay: 0.001}\n"
    "  VEGF: {diffusion: 0, decay: 0, initial: 100}\n"
    "  IL6: {diffusion: 0, decay: 0, initial: 50}\n"
    "cell_types:\n"
    "  sensitive: {}\n  resistant: {}\n  CAF: {}\n"
    "state_variables:\n  res: {initial: {resistant: 3}}\n"
    "rules:\n"
    "  - {type: CAF, signal: IL6, direction: increases, behaviour: migration speed, saturation: 1, half_max: 50, "
    "hill: 1}\n"
    "initial_cells:\n"
    "  - {type: sensitive, count: 400, box: {lo: [0, 0, 10], hi: [200, 200, 10]}}\n"
    "  - {type: resistant, count: 400, box: {lo: [0, 0, 10], hi: [200, 200, 10]}}\n"
    "  - {type: CAF, count: 400, box: {lo: [0, 0, 10], hi: [200, 200, 10]}}\n"
    "vessels:\n"
    "  capillary_radius: 5\n  max_density: 0.1\n  initial: {uniform: 0.02}\n"
    "  permeability: {drug: 0.05}\n"
    "therapies:\n"
    "  drugs:\n"
    "    mab:\n"
    "      substrate: drug\n"
    "      pk: {central_volume: 3, half_life: 10}\n"
    "      regimens: [{route: bolus, dose: 300}]\n"
    "      neutralise: {substrate: VEGF, k_on: 0.002}\n"
    "      block_receptor: {signal: IL6, ec50: 5}\n"
    "      deplete: {cell_type: CAF, rate: 0.001, ec50: 20}\n"
    "      cytotoxic: {rate: 0.002, ec50: 20, resistance: res, types: {sensitive: 1, resistant: 1}}\n";

static double at_centre(const stroma_sim *sim, int s) {
    double p[3] = {110, 110, 10};
    return stroma_transport_value_at(sim->transport, p, s);
}

/* The binding sink, step by step in one voxel: VEGF' = VEGF / (1 + dt k_on C) with C the drug's tissue value
 * after that step's solve (not the plasma level, which is ~7x higher here) to 1e-12; the ledger's neutralised
 * amount equals what VEGF lost (it neither diffuses nor decays) to 1e-9. */
static void test_neutralise(void **state) {
    (void)state;
    stroma_model *m = load(MECH);
    stroma_sim *sim = create(m, 1);
    const int drug = 0, vegf = 1;
    double total0 = stroma_sim_substrate_stats(sim, vegf).total;
    for (int k = 0; k < 120; k++) {
        double before = at_centre(sim, vegf);
        run_steps(sim, 1);
        double c = at_centre(sim, drug), want = before / (1 + 1.0 * 0.002 * c);
        if (!close_rel(at_centre(sim, vegf), want, 1e-12))
            fail_msg("step %d: VEGF %.15g, want %.15g (drug %.6g)", k, at_centre(sim, vegf), want, c);
    }
    stroma_drug_summary d = stroma_sim_drug(sim, 0);
    double lost = total0 - stroma_sim_substrate_stats(sim, vegf).total; /* value x µm³ */
    assert_true(lost > 0);
    if (!close_rel(d.neutralised, lost, 1e-9)) fail_msg("neutralised %.12g, VEGF lost %.12g", d.neutralised, lost);
    print_message("neutralise: drug plasma %.1f mg/L, tissue %.2f; VEGF 100 -> %.2f in 120 min\n", d.plasma,
                  at_centre(sim, drug), at_centre(sim, vegf));
    assert_true(d.plasma > 3 * at_centre(sim, drug));
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Receptor blockade: the rules read IL6 in a cell's voxel x (1 - C / (C + ec50)) with C the drug's tissue value
 * there (to 1e-12), and VEGF (not blocked) unscaled. */
static void test_block_receptor(void **state) {
    (void)state;
    stroma_model *m = load(MECH);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 60);
    const stroma_rule_tables *rt = &m->rule_tables;
    int sig_il6 = -1, sig_vegf = -1;
    for (int k = 0; k < rt->nsignals; k++) {
        if (rt->signals[k].kind != STROMA_SIG_SUBSTRATE) continue;
        if (rt->signals[k].arg == 2) sig_il6 = k;
        if (rt->signals[k].arg == 1) sig_vegf = k;
    }
    assert_true(sig_il6 >= 0 && sig_vegf >= 0);
    const stroma_cells *c = &sim->cells.cells;
    double t = stroma_sim_time(sim);
    for (size_t i = 0; i < c->n; i += 37) {
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        double drug = stroma_transport_value_at(sim->transport, p, 0);
        double il6 = stroma_transport_value_at(sim->transport, p, 2);
        double seen = stroma_cell_engine_signal(&sim->cells, sim->transport, i, &rt->signals[sig_il6], t);
        double want = il6 * (1 - drug / (drug + 5));
        if (!close_rel(seen, want, 1e-12)) fail_msg("cell %zu: IL6 seen %.15g, want %.15g", i, seen, want);
        assert_true(seen < 0.9 * il6);
        double v = stroma_cell_engine_signal(&sim->cells, sim->transport, i, &rt->signals[sig_vegf], t);
        assert_true(v == stroma_transport_value_at(sim->transport, p, 1));
    }
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Deplete and cytotoxic over 24 h: each live cell's hazard at the end equals the formula exactly (1e-12), and the
 * survivors of each type against N exp(-H), H = sum over phenotype steps of the
 * hazard from the tissue level then (uniform here) x dt_phenotype, within 4 binomial sigma: CAFs by deplete
 * (rate 0.001, ec50 20), sensitive cells by cytotoxic (rate 0.002, ec50 20), resistant ones by cytotoxic / (1 + 3).
 * A mechanism that used the plasma level, ignored resistance or hit CAFs with the cytotoxic drug fails. */
static void test_cell_killing(void **state) {
    (void)state;
    stroma_model *m = load(MECH);
    stroma_sim *sim = create(m, 1);
    double H_caf = 0, H_sens = 0, H_res = 0;
    for (int k = 0; k < 240; k++) {
        run_steps(sim, 6);
        double c = at_centre(sim, 0), occ = c / (c + 20);
        H_caf += 0.001 * occ * 6;
        H_sens += 0.002 * occ * 6;
        H_res += 0.002 * occ / 4 * 6;
    }
    /* the hazard of each cell now, exactly: rate x weight x occ / (1 + resistance) + deplete */
    const stroma_cells *cc = &sim->cells.cells;
    for (size_t i = 0; i < cc->n; i += 7) {
        if (cc->state[i] != STROMA_CELL_LIVE) continue;
        double p[3] = {cc->x[i], cc->y[i], cc->z[i]}, c = stroma_transport_value_at(sim->transport, p, 0);
        double occ = c / (c + 20);
        double want = cc->type[i] == 2 ? 0.001 * occ : 0.002 * occ / (cc->type[i] == 1 ? 4 : 1);
        double h = stroma_therapy_cell_hazard(&sim->therapy, &sim->cells, sim->transport, i);
        if (!close_rel(h, want, 1e-12)) fail_msg("cell %zu (type %d): hazard %.15g, want %.15g", i, cc->type[i], h, want);
    }
    const double H[3] = {H_sens, H_res, H_caf};
    for (int type = 0; type < 3; type++) {
        double p = exp(-H[type]), want = 400 * p, sd = sqrt(400 * p * (1 - p));
        int64_t live = stroma_sim_live_cells(sim, type);
        print_message("%s: %lld live of 400, expected %.1f +- %.1f\n", stroma_sim_cell_type_name(sim, type),
                      (long long)live, want, sd);
        if (fabs((double)live - want) > 4 * sd) fail_msg("%s: %lld live, expected %.1f", stroma_sim_cell_type_name(sim, type), (long long)live, want);
    }
    assert_true(stroma_sim_live_cells(sim, 0) < stroma_sim_live_cells(sim, 1));
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* 1 and 2 threads give the same bits (fields, cells, drug state); a checkpoint taken mid-run (between doses of a
 * two-regimen schedule, during an infusion) and restored into a new simulation continues bit-identically; a
 * checkpoint whose dose index is beyond the schedule is refused. */
static void test_threads_and_checkpoint(void **state) {
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s", MECH);
    char *r = strstr(yaml, "      regimens: [{route: bolus, dose: 300}]\n");
    assert_non_null(r);
    const char *regs = "      regimens: [{route: bolus, dose: 300}, {route: infusion, start: 0.1, dose: 100, "
                       "interval: 0.25, cycles: 3, duration: 120}]\n";
    char tail[2048];
    snprintf(tail, sizeof tail, "%s", r + strlen("      regimens: [{route: bolus, dose: 300}]\n"));
    snprintf(r, sizeof yaml - (size_t)(r - yaml), "%s%s", regs, tail);
    stroma_model *m = load(yaml);
    stroma_sim *a = create(m, 1), *b = create(m, 2), *c = create(m, 1);
    run_steps(a, 200);
    run_steps(b, 200);
    stroma_error err;
    if (sim_copy_state(a, c, &err) != STROMA_OK) fail_msg("restore: %s", err.message);
    run_steps(a, 400);
    run_steps(b, 400);
    run_steps(c, 400);
    const stroma_transport *ta = a->transport;
    size_t n = ta->mesh.nvox * (size_t)ta->nsub;
    assert_memory_equal(ta->c, b->transport->c, n * sizeof(double));
    assert_memory_equal(ta->c, c->transport->c, n * sizeof(double));
    for (int type = 0; type < 3; type++) {
        assert_int_equal(stroma_sim_live_cells(a, type), stroma_sim_live_cells(b, type));
        assert_int_equal(stroma_sim_live_cells(a, type), stroma_sim_live_cells(c, type));
    }
    stroma_drug_summary da = stroma_sim_drug(a, 0), db = stroma_sim_drug(b, 0), dc = stroma_sim_drug(c, 0);
    assert_int_equal(da.doses_given, 3);
    assert_true(da.plasma == db.plasma && da.plasma == dc.plasma && da.auc == dc.auc && da.cmax == dc.cmax &&
                da.neutralised == dc.neutralised && da.neutralised == db.neutralised);
    a->therapy.drug[0].pk.next = 99;
    stroma_sim *bad = create(m, 1);
    assert_int_equal(sim_copy_state(a, bad, &err), STROMA_ERR_ARGUMENT);
    if (!strstr(err.message, "checkpoint state of drug mab is not valid")) fail_msg("%s", err.message);
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_sim_destroy(&c);
    stroma_sim_destroy(&bad);
    stroma_model_destroy(&m);
}

/* Checkpoint blockade and exosome release: CD8 T cells packed among cancer cells that carry PD_L1 (a state
 * variable) and release exosomes; the drug's field is uniform (a uniform vessel bed, no diffusion). */
static const char IMMUNE[] =
    "domain: {x: [0, 120], y: [0, 120], z: [0, 20], voxel: 20}\n"
    "time: {end: 600, dt_diffusion: 1, dt_mechanics: 6, dt_phenotype: 6}\n"
    "substrates:\n  drug: {diffusion: 0, decay: 0.001}\n"
    "cell_types:\n  cancer: {cycle: {model: exponential, duration: 100000}}\n  CD8_T: {}\n"
    "state_variables:\n  PD_L1: {initial: {cancer: 1}}\n"
    "rules:\n"
    "  - {type: CD8_T, signal: PD_L1 in contact, direction: decreases, behaviour: migration speed, saturation: 0, "
    "half_max: 1, hill: 2}\n"
    "initial_cells:\n"
    "  - {type: cancer, count: 60, disc: {center: [60, 60, 10], radius: 40}}\n"
    "  - {type: CD8_T, count: 60, disc: {center: [60, 60, 10], radius: 40}}\n"
    "vesicles:\n  exo: {diameter: 100, decay: 0, release: {cancer: 2.0}}\n"
    "vessels:\n"
    "  capillary_radius: 5\n  max_density: 0.1\n  initial: {uniform: 0.02}\n"
    "  permeability: {drug: 0.05}\n"
    "therapies:\n"
    "  drugs:\n"
    "    antiPD1:\n"
    "      substrate: drug\n"
    "      pk: {central_volume: 3, half_life: 10}\n"
    "      regimens: [{route: bolus, dose: 300}]\n"
    "      checkpoint_blockade: {ligand: PD_L1, ec50: 3}\n"
    "      block_release: {vesicle: exo, ec50: 6}\n"
    "      inhibit: {cell_type: cancer, behaviour: cycle entry, ec50: 4}\n";

/* "PD_L1 in contact" as the T cells' rules read it = the contact sum x (1 - C / (C + 3)) with C the drug's tissue
 * value at the T cell (to 1e-12; cells in contact exist and the factor is below 0.9); a cancer cell's own
 * `PD_L1` signal is not blocked. */
static void test_checkpoint_blockade(void **state) {
    (void)state;
    stroma_model *m = load(IMMUNE);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 120);
    const stroma_rule_tables *rt = &m->rule_tables;
    int sig = -1, own = -1;
    for (int k = 0; k < rt->nsignals; k++) {
        if (rt->signals[k].kind == STROMA_SIG_STATE_CONTACT && rt->signals[k].arg == 0) sig = k;
        if (rt->signals[k].kind == STROMA_SIG_STATE && rt->signals[k].arg == 0) own = k;
    }
    assert_true(sig >= 0 && own >= 0);
    const stroma_cell_engine *e = &sim->cells;
    const stroma_cells *c = &e->cells;
    int touching = 0;
    for (size_t i = 0; i < c->n; i++) {
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        double drug = stroma_transport_value_at(sim->transport, p, 0);
        double raw = e->contact_state[i * (size_t)e->rules->ncontact_vars + (size_t)e->rules->contact_col[0]];
        double seen = stroma_cell_engine_signal(e, sim->transport, i, &rt->signals[sig], stroma_sim_time(sim));
        double want = raw * (1 - drug / (drug + 3));
        if (!close_rel(seen, want, 1e-12)) fail_msg("cell %zu: PD_L1 in contact seen %.15g, want %.15g", i, seen, want);
        if (c->type[i] == 1 && raw > 0) {
            touching++;
            assert_true(seen < 0.9 * raw);
        }
        if (c->type[i] == 0)
            assert_true(stroma_cell_engine_signal(e, sim->transport, i, &rt->signals[own], 0) == 1.0);
    }
    assert_true(touching > 10);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Inhibition: a live cancer cell's `cycle entry` (no rule acts on it) is its type's 1/100000 /min x (1 - C / (C + 4))
 * with C the drug's tissue value at the cell (to 1e-12), and CD8 T cells' `cycle entry` is not touched. */
static void test_inhibit(void **state) {
    (void)state;
    stroma_model *m = load(IMMUNE);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 120);
    int b = stroma_rule_behaviour_find(&m->rule_tables, "cycle entry");
    assert_true(b >= 0 && m->therapies.drugs[0].inhibit.behaviour == b);
    const stroma_cells *c = &sim->cells.cells;
    int n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        double p[3] = {c->x[i], c->y[i], c->z[i]}, drug = stroma_transport_value_at(sim->transport, p, 0);
        double got = stroma_cell_engine_behaviour(&sim->cells, m, i, b);
        double want = c->type[i] == 0 ? 1e-5 * (1 - drug / (drug + 4)) : 0.0;
        if (!close_rel(got, want, 1e-12)) fail_msg("cell %zu (type %d): cycle entry %.15g, want %.15g", i, c->type[i], got, want);
        n += c->type[i] == 0 && got < 0.9e-5;
    }
    assert_true(n > 10);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Exosome release x (1 - C / (C + 6)): over 100 phenotype steps the class's ledger of released vesicles equals
 * the sum over steps of live cancer cells x 2 /min x 6 min x (1 - occupancy) at each cell (uniform field) to
 * 1e-9. */
static void test_block_release(void **state) {
    (void)state;
    stroma_model *m = load(IMMUNE);
    stroma_sim *sim = create(m, 1);
    double want = 0;
    for (int k = 0; k < 100; k++) {
        run_steps(sim, 6);
        double p[3] = {60, 60, 10}, drug = stroma_transport_value_at(sim->transport, p, 0);
        want += (double)stroma_sim_live_cells(sim, 0) * 2.0 * 6 * (1 - drug / (drug + 6));
    }
    stroma_vesicle_summary v = stroma_sim_vesicles(sim, 0);
    print_message("block_release: %.1f vesicles released, %.1f without the drug\n", v.released, 60 * 2.0 * 600);
    if (!close_rel(v.released, want, 1e-9)) fail_msg("released %.12g, want %.12g", v.released, want);
    assert_true(v.released < 0.8 * 60 * 2.0 * 600);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Radiotherapy alone (no drug): 3 fractions of 2 Gy a day apart at a uniform pO2 of 3 mmHg (OMF = (3 x 3 + 3) /
 * (3 x (3 + 3)) = 2/3); cancer cells alpha 0.3 /Gy, beta 0.03 /Gy², resistant ones the same with resistance 1,
 * CAFs not listed. */
static const char RADIO[] =
    "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
    "time: {end: 4320, dt_diffusion: 36, dt_mechanics: 36, dt_phenotype: 36}\n"
    "substrates:\n  oxygen: {unit: mmHg, diffusion: 0, decay: 0, initial: 3}\n"
    "cell_types:\n  cancer: {}\n  resistant: {}\n  CAF: {}\n"
    "state_variables:\n  rres: {initial: {resistant: 1}}\n"
    "initial_cells:\n"
    "  - {type: cancer, count: 400, box: {lo: [0, 0, 10], hi: [200, 200, 10]}}\n"
    "  - {type: resistant, count: 400, box: {lo: [0, 0, 10], hi: [200, 200, 10]}}\n"
    "  - {type: CAF, count: 400, box: {lo: [0, 0, 10], hi: [200, 200, 10]}}\n"
    "therapies:\n"
    "  radiotherapy:\n"
    "    start: 0.5\n    dose: 2\n    interval: 1\n    fractions: 3\n"
    "    types: {cancer: {alpha: 0.3, beta: 0.03}, resistant: {alpha: 0.3, beta: 0.03}}\n"
    "    oxygen: oxygen\n    resistance: rres\n";

/* Survivors after the three fractions against 400 S³ within 4 binomial sigma, S = exp(-(alpha OMF D + beta OMF²
 * D²) / (1 + resistance)): 0.256 for cancer cells, 0.507 for resistant ones, CAFs all alive. Without the oxygen
 * modification cancer cells would keep 0.115, without resistance resistant ones 0.256. */
static void test_radiotherapy(void **state) {
    (void)state;
    stroma_model *m = load(RADIO);
    assert_true(m->therapies.present && m->therapies.radiotherapy.present && m->therapies.ndrugs == 0);
    stroma_sim *sim = create(m, 1);
    run_steps(sim, 120);
    const double omf = (3.0 * 3 + 3) / (3.0 * (3 + 3)), lk = 0.3 * omf * 2 + 0.03 * omf * omf * 4;
    const double S[3] = {exp(-3 * lk), exp(-3 * lk / 2), 1};
    for (int type = 0; type < 3; type++) {
        double want = 400 * S[type], sd = sqrt(400 * S[type] * (1 - S[type]));
        int64_t live = stroma_sim_live_cells(sim, type);
        print_message("radiotherapy: %s %lld live of 400, expected %.1f +- %.1f\n", stroma_sim_cell_type_name(sim, type),
                      (long long)live, want, sd);
        if (fabs((double)live - want) > 4 * sd + 1e-9)
            fail_msg("%s: %lld live, expected %.1f", stroma_sim_cell_type_name(sim, type), (long long)live, want);
    }
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Cell infusion: 40 CAR-T cells on day 0.125 (180 min) into a tissue whose vessels (one segment) lie in the left half: none
 * before, exactly 40 after, every one in a voxel holding vessel; the same cells at 1 and 2 threads; a second
 * infusion on day 0.25 adds 25 more. */
static void test_infusion(void **state) {
    (void)state;
    const char *yaml =
        "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"
        "time: {end: 600, dt_diffusion: 6, dt_mechanics: 6, dt_phenotype: 6}\n"
        "substrates:\n  o: {diffusion: 0, decay: 0}\n"
        "cell_types:\n  CAR_T: {}\n"
        "vessels:\n  capillary_radius: 5\n  max_density: 0.1\n"
        "  initial: {segments: [{from: [50, 10, 10], to: [50, 190, 10], radius: 15, density: 0.05}]}\n"
        "therapies:\n  infusions:\n    - {cell_type: CAR_T, day: 0.125, cells: 40}\n"
        "    - {cell_type: CAR_T, day: 0.25, cells: 25}\n";
    stroma_model *m = load(yaml);
    stroma_sim *a = create(m, 1), *b = create(m, 2);
    run_steps(a, 29); /* 174 min */
    assert_int_equal(stroma_sim_live_cells(a, 0), 0);
    run_steps(a, 1);
    assert_int_equal(stroma_sim_live_cells(a, 0), 40);
    const stroma_cells *c = &a->cells.cells;
    for (size_t i = 0; i < c->n; i++) {
        double p[3] = {c->x[i], c->y[i], c->z[i]};
        assert_true(a->vessels.rho[stroma_mesh_voxel_of(&a->transport->mesh, p)] > 0);
        assert_true(c->x[i] < 100);
    }
    run_steps(a, 30);
    run_steps(b, 60);
    assert_int_equal(stroma_sim_live_cells(a, 0), 65);
    assert_int_equal(stroma_sim_live_cells(b, 0), 65);
    assert_memory_equal(a->cells.cells.x, b->cells.cells.x, 65 * sizeof(double));
    assert_memory_equal(a->cells.cells.y, b->cells.cells.y, 65 * sizeof(double));
    stroma_sim_destroy(&a);
    stroma_sim_destroy(&b);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_through_sim),
        cmocka_unit_test(test_doxorubicin_penetration),
        cmocka_unit_test(test_neutralise),
        cmocka_unit_test(test_block_receptor),
        cmocka_unit_test(test_cell_killing),
        cmocka_unit_test(test_checkpoint_blockade),
        cmocka_unit_test(test_block_release),
        cmocka_unit_test(test_inhibit),
        cmocka_unit_test(test_threads_and_checkpoint),
        cmocka_unit_test(test_radiotherapy),
        cmocka_unit_test(test_infusion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
