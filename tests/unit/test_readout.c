/* Unit tests for what a pathologist and a clinician read (src/readout/, src/sim/readout.c): marker fractions of a
 * hand-built population against exact counts, the tumour region and its margin on a known disc (2D) and ball (3D)
 * of cancer cells with CD8 T cells at known places (counts and densities by hand, the margin against a brute-force
 * distance), medians of known fields, and the indices against their formula. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "model/rules_tables.h"
#include "readout/ihc.h"
#include "readout/indices.h"
#include "readout/tumour_region.h"
#include "sim/readout.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

#include "sim_helpers.h"

#define TEST_PI 3.14159265358979323846

static size_t add_cell(stroma_sim *sim, int type, double x, double y, double z) {
    double p[3] = {x, y, z};
    stroma_error err;
    size_t i = stroma_cell_engine_add(&sim->cells, type, p, 0, &err);
    if (i == (size_t)-1) fail_msg("add: %s", err.message);
    return i;
}

/* The readout item called key (fails when absent). */
static double item(const stroma_readout *r, const char *key) {
    for (int k = 0; k < r->ntissue; k++)
        if (strcmp(r->tissue[k].key, key) == 0) return r->tissue[k].value;
    for (int k = 0; k < r->nindex; k++)
        if (strcmp(r->index[k].key, key) == 0) return r->index[k].value;
    fail_msg("no readout %s", key);
    return NAN;
}

static int has_item(const stroma_readout *r, const char *key) {
    for (int k = 0; k < r->ntissue; k++)
        if (strcmp(r->tissue[k].key, key) == 0) return 1;
    return 0;
}

static const char ihc_model[] =
    "domain: {x: [0, 400], y: [0, 400], z: [0, 20], voxel: 20}\n"
    "time: {end: 10, dt_diffusion: 0.1}\n"
    "substrates:\n  oxygen: {diffusion: 0, decay: 0, initial: 30}\n"
    "cell_types:\n  A: {cycle: {model: exponential, duration: 1000}}\n  B: {cycle: {model: none}}\n"
    "  C: {cycle: {model: none}}\n"
    "state_variables:\n  S: {initial: {A: 0}}\n"
    "markers:\n"
    "  Shigh: {types: [A], signal: S, above: 0.45}\n"
    "  Sband: {signal: S, above: 0.25, below: 0.65}\n"
    "  Ki67: {behaviour: cycle entry, above: 0.0005}\n"
    "  Bmark: {types: [B]}\n"
    "  both: {types: [A], all: [{signal: S, above: 0.45}, {signal: oxygen, below: 31}]}\n"
    "  hypoxic: {signal: oxygen, below: 10}\n"
    "populations:\n  AB: [A, B]\n";

/* Ten A cells with S = 0, 0.1, ..., 0.9 (cell 3 dead), four B cells with S = 0.3, no C cell: every fraction by hand. */
static void test_ihc_fractions_exact(void **state) {
    (void)state;
    stroma_model *m = load(ihc_model);
    stroma_sim *sim = create(m, 1);
    stroma_cells *c = &sim->cells.cells;
    int sv = 0;
    for (int k = 0; k < 10; k++) {
        size_t i = add_cell(sim, 0, 30 + 30 * k, 100, 10);
        c->svar[i * (size_t)c->nstate + (size_t)sv] = 0.1 * k;
    }
    c->state[3] = STROMA_CELL_APOPTOTIC; /* S = 0.3: not counted anywhere */
    for (int k = 0; k < 4; k++) {
        size_t i = add_cell(sim, 1, 30 + 30 * k, 300, 10);
        c->svar[i * (size_t)c->nstate + (size_t)sv] = 0.3;
    }
    stroma_readout r;
    stroma_error err;
    assert_int_equal(stroma_sim_readout(sim, &r, &err), STROMA_OK);
    assert_int_equal(r.npop, 4);
    assert_int_equal(r.nmarkers, 6);
    assert_string_equal(stroma_ihc_population_name(m, 3), "AB");
    /* live: A 9, B 4, C 0, AB 13 */
    assert_int_equal(r.live[0], 9);
    assert_int_equal(r.live[1], 4);
    assert_int_equal(r.live[2], 0);
    assert_int_equal(r.live[3], 13);
    /* Shigh: A with S > 0.45: 0.5 .. 0.9 = 5 of 9; B none (not its type) */
    assert_true(stroma_readout_fraction(&r, 0, 0) == 5.0 / 9);
    assert_true(stroma_readout_fraction(&r, 1, 0) == 0);
    assert_true(isnan(stroma_readout_fraction(&r, 2, 0))); /* no C cell: undefined, not 0 */
    assert_true(stroma_readout_fraction(&r, 3, 0) == 5.0 / 13);
    /* Sband (every type): 0.25 < S < 0.65: A 0.4, 0.5, 0.6 (0.3 dead) = 3; B all 4 */
    assert_true(stroma_readout_fraction(&r, 0, 1) == 3.0 / 9);
    assert_true(stroma_readout_fraction(&r, 1, 1) == 1.0);
    assert_true(stroma_readout_fraction(&r, 3, 1) == 7.0 / 13);
    /* Ki67: A's cycle entry 1/1000 > 0.0005; B does not cycle */
    assert_true(stroma_readout_fraction(&r, 0, 2) == 1.0);
    assert_true(stroma_readout_fraction(&r, 1, 2) == 0);
    /* type membership */
    assert_true(stroma_readout_fraction(&r, 1, 3) == 1.0);
    assert_true(stroma_readout_fraction(&r, 3, 3) == 4.0 / 13);
    /* all of: S > 0.45 and oxygen 30 < 31 */
    assert_true(stroma_readout_fraction(&r, 0, 4) == 5.0 / 9);
    /* oxygen 30 is not below 10 */
    assert_true(stroma_readout_fraction(&r, 3, 5) == 0);
    stroma_readout_free(&r);
    /* one cell per marker, directly */
    assert_int_equal(stroma_ihc_positive(m, &sim->cells, sim->transport, 9, 0, 0), 1);
    assert_int_equal(stroma_ihc_positive(m, &sim->cells, sim->transport, 4, 0, 0), 0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* A marker on a rule-controlled behaviour reads the cell's own slot, not its type's base. */
static void test_ihc_behaviour_slot(void **state) {
    (void)state;
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s"
             "rules:\n  - {type: A, signal: S, direction: increases, behaviour: cycle entry, saturation: 0.01, "
             "half_max: 1, hill: 1}\n", ihc_model);
    stroma_model *m = load(yaml);
    stroma_sim *sim = create(m, 1);
    size_t a = add_cell(sim, 0, 100, 100, 10), b = add_cell(sim, 0, 200, 100, 10);
    int beh = stroma_rule_behaviour_find(&m->rule_tables, "cycle entry");
    int slot = sim->rules.slot_of[beh];
    assert_true(slot >= 0);
    stroma_cells *c = &sim->cells.cells;
    c->beh[a * (size_t)c->nbeh + (size_t)slot] = 0.0001; /* below the Ki67 cut-off 0.0005 */
    c->beh[b * (size_t)c->nbeh + (size_t)slot] = 0.002;
    assert_int_equal(stroma_ihc_positive(m, &sim->cells, sim->transport, a, 2, 0), 0);
    assert_int_equal(stroma_ihc_positive(m, &sim->cells, sim->transport, b, 2, 0), 1);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Cancer cells packed on a hexagonal lattice (spacing 16 µm: cover ~1) in the disc |p - c| <= R, except a hole of
 * radius `hole` at the centre. */
static void pack_disc(stroma_sim *sim, double cx, double cy, double z, double R, double hole) {
    double s = 16, h = s * sqrt(3) / 2;
    for (int row = -40; row <= 40; row++)
        for (int col = -40; col <= 40; col++) {
            double x = cx + col * s + (row & 1) * 0.5 * s, y = cy + row * h;
            double d = hypot(x - cx, y - cy);
            if (d <= R && d >= hole) add_cell(sim, 0, x, y, z);
        }
}

/* Every non-tumour voxel is margin exactly when its centre lies within margin_um of a tumour voxel's centre
 * (brute force, independent of the distance transform). */
static void check_margin_brute_force(const stroma_sim *sim, const unsigned char *zone, double margin_um) {
    const stroma_mesh *mesh = &sim->transport->mesh;
    size_t nt = 0;
    for (size_t v = 0; v < mesh->nvox; v++) nt += zone[v] == STROMA_ZONE_TUMOUR;
    assert_true(nt > 0);
    for (int k = 0; k < mesh->nz; k++)
        for (int j = 0; j < mesh->ny; j++)
            for (int i = 0; i < mesh->nx; i++) {
                size_t v = stroma_mesh_index(mesh, i, j, k);
                if (zone[v] == STROMA_ZONE_TUMOUR) continue;
                double best = HUGE_VAL;
                for (int kk = 0; kk < mesh->nz; kk++)
                    for (int jj = 0; jj < mesh->ny; jj++)
                        for (int ii = 0; ii < mesh->nx; ii++)
                            if (zone[stroma_mesh_index(mesh, ii, jj, kk)] == STROMA_ZONE_TUMOUR) {
                                double d2 = ((ii - i) * (ii - i) + (jj - j) * (jj - j) + (kk - k) * (kk - k)) *
                                            mesh->dx_um * mesh->dx_um;
                                if (d2 < best) best = d2;
                            }
                int want = best <= margin_um * margin_um ? STROMA_ZONE_MARGIN : STROMA_ZONE_NORMAL;
                if (zone[v] != want)
                    fail_msg("voxel (%d, %d, %d): zone %d, brute force %d (d = %g µm)", i, j, k, zone[v], want,
                             sqrt(best));
            }
}

static const char disc_model[] =
    "domain: {x: [0, 1000], y: [0, 1000], z: [0, 20], voxel: 20}\n"
    "time: {end: 10, dt_diffusion: 0.1}\n"
    "substrates:\n  oxygen: {unit: mmHg, diffusion: 0, decay: 0, initial: 30}\n"
    "cell_types:\n  cancer: {cycle: {model: none}}\n  CD8_T: {cycle: {model: none}, volume: 500}\n"
    "tissue: {tumour: [cancer], cd8: [CD8_T], oxygen: oxygen}\n";

/* A disc of radius 200 µm with a hole of 40 µm at its centre; CD8 T cells: three inside (one in the hole), two
 * 60-70 µm outside the edge (margin 100 µm), two far away. Hand counts 3 and 2; the hole is filled; the area is the
 * disc's to within the smoothing; pO2 medians of a field 7 inside r < 175 (about 70 % of the region) and 30
 * elsewhere. */
static void test_tumour_disc_2d(void **state) {
    (void)state;
    stroma_model *m = load(disc_model);
    stroma_sim *sim = create(m, 1);
    pack_disc(sim, 500, 500, 10, 200, 40);
    const double in[3][2] = {{500, 500}, {600, 480}, {420, 600}}, margin[2][2] = {{760, 500}, {500, 230}},
                 far[2][2] = {{100, 100}, {900, 900}};
    for (int k = 0; k < 3; k++) add_cell(sim, 1, in[k][0], in[k][1], 10);
    for (int k = 0; k < 2; k++) add_cell(sim, 1, margin[k][0], margin[k][1], 10);
    for (int k = 0; k < 2; k++) add_cell(sim, 1, far[k][0], far[k][1], 10);
    stroma_cells *c = &sim->cells.cells;
    int64_t ncancer = 0;
    for (size_t i = 0; i < c->n; i++) ncancer += c->type[i] == 0;
    c->state[0] = STROMA_CELL_NECROTIC; /* a dead cancer cell still makes the tumour, but is not a tumour cell */
    /* pO2: 7 within 175 µm of the centre, 30 elsewhere */
    const stroma_mesh *mesh = &sim->transport->mesh;
    for (int j = 0; j < mesh->ny; j++)
        for (int i = 0; i < mesh->nx; i++) {
            double x = (i + 0.5) * 20, y = (j + 0.5) * 20;
            sim->transport->c[stroma_mesh_index(mesh, i, j, 0) * (size_t)sim->transport->nsub] =
                hypot(x - 500, y - 500) < 175 ? 7 : 30;
        }
    stroma_readout r;
    stroma_error err;
    assert_int_equal(stroma_sim_readout(sim, &r, &err), STROMA_OK);
    assert_true(item(&r, "tumour_cells") == (double)(ncancer - 1));
    assert_true(item(&r, "cd8_in_tumour") == 3);
    assert_true(item(&r, "cd8_margin") == 2);
    double area = item(&r, "tumour_area_mm2"), disc = TEST_PI * 0.2 * 0.2;
    if (!(area > disc && area < TEST_PI * 0.225 * 0.225)) fail_msg("tumour area %g mm², disc %g", area, disc);
    assert_true(item(&r, "cd8_in_tumour_per_mm2") == 3 / area);
    double marea = item(&r, "margin_area_mm2");
    assert_true(item(&r, "cd8_margin_per_mm2") == 2 / marea);
    /* the band of 100 µm around a disc of radius ~205 µm: pi ((R + 100)^2 - R^2), to within a voxel row */
    double R = sqrt(area / TEST_PI), band = TEST_PI * ((R + 0.1) * (R + 0.1) - R * R);
    if (fabs(marea - band) > 0.15 * band) fail_msg("margin area %g mm², band %g", marea, band);
    assert_true(item(&r, "median_po2_tumour") == 7);
    assert_true(item(&r, "median_po2_normal") == 30);
    assert_false(has_item(&r, "ecm_mean"));       /* no matrix: omitted */
    assert_false(has_item(&r, "vessel_density")); /* no vessels: omitted */
    stroma_readout_free(&r);
    /* the zones themselves: the hole is tumour, the margin is the brute-force band */
    unsigned char *zone = malloc(mesh->nvox);
    assert_non_null(zone);
    const stroma_tissue_desc *td = &m->readout.tissue;
    assert_int_equal(stroma_tumour_zones(mesh, c, td->tumour, td->coverage, td->smoothing_um, td->margin_um, zone,
                                         &err), STROMA_OK);
    assert_int_equal(zone[stroma_mesh_index(mesh, 25, 25, 0)], STROMA_ZONE_TUMOUR);  /* the centre: the hole */
    assert_int_equal(zone[stroma_mesh_index(mesh, 25 + 8, 25, 0)], STROMA_ZONE_TUMOUR);
    assert_int_equal(zone[stroma_mesh_index(mesh, 25 + 13, 25, 0)], STROMA_ZONE_MARGIN);
    assert_int_equal(zone[stroma_mesh_index(mesh, 2, 2, 0)], STROMA_ZONE_NORMAL);
    check_margin_brute_force(sim, zone, td->margin_um);
    /* without the hole filling the centre would not be tumour: a ring of cover with a 40 µm hole at smoothing 0 */
    assert_int_equal(stroma_tumour_zones(mesh, c, td->tumour, 0.3, 0, td->margin_um, zone, &err), STROMA_OK);
    assert_int_equal(zone[stroma_mesh_index(mesh, 25, 25, 0)], STROMA_ZONE_TUMOUR);
    free(zone);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

static const char ball_model[] =
    "domain: {x: [0, 400], y: [0, 400], z: [0, 400], voxel: 20}\n"
    "time: {end: 10, dt_diffusion: 0.1}\n"
    "substrates:\n  oxygen: {unit: mmHg, diffusion: 0, decay: 0, initial: 30}\n"
    "cell_types:\n  cancer: {cycle: {model: none}}\n  CD8_T: {cycle: {model: none}, volume: 500}\n"
    "tissue: {tumour: [cancer], cd8: [CD8_T], oxygen: oxygen, margin: 60}\n";

/* A ball of radius 100 µm on a cubic lattice of 13.5 µm (cover 2494 / 13.5^3 ~ 1); CD8 T cells: two inside, one
 * 40 µm outside (margin 60 µm), one far. Counts by hand, per mm³, and the margin against brute force. */
static void test_tumour_ball_3d(void **state) {
    (void)state;
    stroma_model *m = load(ball_model);
    stroma_sim *sim = create(m, 1);
    double s = 13.5;
    for (int k = -8; k <= 8; k++)
        for (int j = -8; j <= 8; j++)
            for (int i = -8; i <= 8; i++)
                if (s * s * (i * i + j * j + k * k) <= 100 * 100)
                    add_cell(sim, 0, 200 + i * s, 200 + j * s, 200 + k * s);
    add_cell(sim, 1, 200, 200, 200);
    add_cell(sim, 1, 230, 180, 210);
    add_cell(sim, 1, 200, 200, 340); /* 140 from the centre: 40 outside the ball */
    add_cell(sim, 1, 30, 30, 30);
    stroma_readout r;
    stroma_error err;
    assert_int_equal(stroma_sim_readout(sim, &r, &err), STROMA_OK);
    assert_true(item(&r, "cd8_in_tumour") == 2);
    assert_true(item(&r, "cd8_margin") == 1);
    assert_false(has_item(&r, "tumour_area_mm2")); /* 3D: volumes and per mm³ */
    double vol = item(&r, "tumour_volume_mm3"), ball = 4.0 / 3 * TEST_PI * 1e-3;
    if (!(vol > 0.9 * ball && vol < 4.0 / 3 * TEST_PI * pow(0.125, 3)))
        fail_msg("tumour volume %g mm³, ball %g", vol, ball);
    assert_true(item(&r, "cd8_in_tumour_per_mm3") == 2 / vol);
    assert_true(item(&r, "cd8_margin_per_mm3") == 1 / item(&r, "margin_volume_mm3"));
    assert_true(item(&r, "median_po2_tumour") == 30);
    stroma_readout_free(&r);
    const stroma_mesh *mesh = &sim->transport->mesh;
    unsigned char *zone = malloc(mesh->nvox);
    assert_non_null(zone);
    const stroma_tissue_desc *td = &m->readout.tissue;
    assert_int_equal(stroma_tumour_zones(mesh, &sim->cells.cells, td->tumour, td->coverage, td->smoothing_um,
                                         td->margin_um, zone, &err), STROMA_OK);
    check_margin_brute_force(sim, zone, td->margin_um);
    free(zone);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* No tumour cell: no tumour voxel, no margin, densities undefined (null), not 0. */
static void test_no_tumour(void **state) {
    (void)state;
    stroma_model *m = load(disc_model);
    stroma_sim *sim = create(m, 1);
    add_cell(sim, 1, 500, 500, 10);
    stroma_readout r;
    stroma_error err;
    assert_int_equal(stroma_sim_readout(sim, &r, &err), STROMA_OK);
    assert_true(item(&r, "tumour_area_mm2") == 0);
    assert_true(item(&r, "margin_area_mm2") == 0);
    assert_true(isnan(item(&r, "cd8_in_tumour_per_mm2")));
    assert_true(isnan(item(&r, "median_po2_tumour")));
    assert_true(item(&r, "median_po2_normal") == 30);
    stroma_readout_free(&r);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

static void test_median(void **state) {
    (void)state;
    double a[] = {3, 1, 2}, b[] = {4, 1, 3, 2}, c[] = {5, 5, 1, 5, 9}, d[] = {2.5};
    assert_true(stroma_median(a, 3) == 2);
    assert_true(stroma_median(b, 4) == 2.5);
    assert_true(stroma_median(c, 5) == 5);
    assert_true(stroma_median(d, 1) == 2.5);
    assert_true(isnan(stroma_median(NULL, 0)));
}

static const char index_model[] =
    "domain: {x: [0, 100], y: [0, 100], z: [0, 20], voxel: 20}\n"
    "time: {end: 10, dt_diffusion: 0.1}\n"
    "substrates:\n  IL6: {diffusion: 0, decay: 0}\n  TNF: {diffusion: 0, decay: 0}\n  VEGF: {diffusion: 0, decay: 0}\n"
    "cell_types:\n  A: {cycle: {model: none}}\n"
    "state_variables:\n  miR: {initial: {A: 0}}\n"
    "vesicles:\n  exo: {diameter: 100, decay: 0, cargo: {miR: 4}, release: {A: 1}}\n"
    "body:\n  plasma_volume: 3000\n  tumour_volume: 1\n  systemic:\n"
    "    IL6: {unit: pg/mL, conversion: 1, half_life: 60, baseline: 5}\n"
    "    TNF: {unit: pg/mL, conversion: 1, half_life: 60, baseline: 0}\n"
    "    exo: {unit: particles/mL, conversion: 1, half_life: 5, baseline: 0}\n"
    "indices:\n  cachexia:\n    IL6: {half_max: 10}\n    TNF: {half_max: 2, hill: 2, weight: 3}\n"
    "    exo: {cargo: miR, half_max: 100, weight: 2}\n";

/* The formula by hand: IL-6 15 (excess 10 = K: 1/2), TNF 2 (= K: 1/2), exo 50 particles x 4 = 200 molecules/mL
 * (K 100: 2/3); weights 1, 3, 2. Below the healthy level a term is 0. No premetastatic index: absent. */
static void test_indices_formula(void **state) {
    (void)state;
    stroma_model *m = load(index_model);
    stroma_sim *sim = create(m, 1);
    sim->plasma.value[0] = 15;
    sim->plasma.value[1] = 2;
    sim->plasma.value[2] = 50;
    double want = (1 * 0.5 + 3 * 0.5 + 2 * (2.0 / 3)) / 6;
    stroma_readout r;
    stroma_error err;
    assert_int_equal(stroma_sim_readout(sim, &r, &err), STROMA_OK);
    assert_int_equal(r.nindex, 1);
    assert_string_equal(r.index[0].key, "cachexia");
    if (!close_rel(r.index[0].value, want, 1e-15)) fail_msg("cachexia %.17g, formula %.17g", r.index[0].value, want);
    stroma_readout_free(&r);
    sim->plasma.value[0] = 3; /* below healthy: 0, not negative */
    sim->plasma.value[1] = 0;
    sim->plasma.value[2] = 0;
    assert_true(stroma_index_value(m, &m->readout.index[STROMA_INDEX_CACHEXIA], sim->plasma.value) == 0);
    assert_true(isnan(stroma_index_value(m, &m->readout.index[STROMA_INDEX_NICHE], sim->plasma.value)));
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ihc_fractions_exact), cmocka_unit_test(test_ihc_behaviour_slot),
        cmocka_unit_test(test_tumour_disc_2d),      cmocka_unit_test(test_tumour_ball_3d),
        cmocka_unit_test(test_no_tumour),           cmocka_unit_test(test_median),
        cmocka_unit_test(test_indices_formula),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
