/* Unit tests for src/sim: creating a simulation checks memory first; stepping advances the clock. */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

static const char *tiny = "domain: {x: [0, 100], y: [0, 20], z: [0, 20], voxel: 20}\n"
                          "time: {end: 1, dt_diffusion: 0.1}\n"
                          "substrates:\n  o: {diffusion: 1000, decay: 0.1, initial: 1}\n";

/* A model edited in memory into an absurd grid is refused by stroma_sim_create (STROMA_ERR_TOO_LARGE)
 * before it allocates anything, as the loader refuses such a file. */
static void test_create_refuses_absurd_grid(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = stroma_model_load_string(tiny, strlen(tiny), "tiny.yaml", &err);
    assert_non_null(m);
    m->n[0] = m->n[1] = m->n[2] = 100000; /* 10^15 voxels */
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_null(sim);
    assert_int_equal(err.code, STROMA_ERR_TOO_LARGE);
    assert_non_null(strstr(err.message, "GiB"));
    stroma_model_destroy(&m);
}

/* The clock advances by dt per step; ten steps reach the end time; decay lowers the uniform field. */
static void test_steps_advance_clock(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = stroma_model_load_string(tiny, strlen(tiny), "tiny.yaml", &err);
    assert_non_null(m);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    for (int k = 0; k < 10; k++) assert_int_equal(stroma_sim_step(sim, &err), STROMA_OK);
    assert_true(stroma_sim_time(sim) > 1 - 1e-12 && stroma_sim_time(sim) < 1 + 1e-12);
    assert_true(stroma_sim_end_time(sim) > 1 - 1e-12);
    stroma_field_stats st = stroma_sim_substrate_stats(sim, 0);
    assert_true(st.mean < 1 && st.mean > 0.89);
    stroma_sim_destroy(&sim);
    assert_null(sim);
    stroma_model_destroy(&m);
}

/* Per-cell columns of an initial-cells CSV (models/percell.csv) give cells their own values: the first cell
 * moves at its own 2 um/min (its type does not move) and starts with stemness 3; the second takes up oxygen at
 * 0.25/min instead of its type's 1 and keeps the type's stemness 0.5 and speed 0 ("skip", empty). The values
 * hold through phenotype steps, since no rule of the type acts on them. */
static void test_per_cell_columns(void **state) {
    (void)state;
    char path[1200];
    const char *d = getenv("STROMA_TEST_DATA");
    snprintf(path, sizeof path, "%s/models/percell.yaml", d ? d : "tests/data");
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    if (!m) fail_msg("%s", err.message);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    const stroma_cells *c = &sim->cells.cells;
    assert_int_equal(c->n, 2);
    assert_true(c->svar[0] == 3 && c->svar[1] == 0.5);
    assert_true(c->uptake[0] == 1 && c->uptake[1] == 0.25);
    double x0 = c->x[0], y0 = c->y[0], x1 = c->x[1], y1 = c->y[1];
    while (stroma_sim_time(sim) < 12 - 1e-9) assert_int_equal(stroma_sim_step(sim, &err), STROMA_OK);
    double moved0 = hypot(c->x[0] - x0, c->y[0] - y0), moved1 = hypot(c->x[1] - x1, c->y[1] - y1);
    assert_true(moved0 > 1.0);
    assert_true(moved1 == 0.0);
    assert_true(c->uptake[1] == 0.25);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_refuses_absurd_grid),
        cmocka_unit_test(test_steps_advance_clock),
        cmocka_unit_test(test_per_cell_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
