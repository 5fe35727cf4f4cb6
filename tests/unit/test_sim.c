/* Unit tests for src/sim: creating a simulation checks memory first; stepping advances the clock; the check that
 * the state is finite names where it is not. */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "io/outdir.h"
#include "io/writers.h"
#include "model/model.h"
#include "sim/sim.h"
#include "stroma/stroma.h"
#include "util/json.h"

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

/* stroma_sim_check_finite names the first non-finite voxel (in voxel order) with its substrate, centre, the count,
 * the time and step and the last time all was finite; a total that overflows although every value is finite;
 * and the first non-finite cell (in id order) with the quantity. A finite state passes. */
static void test_check_finite(void **state) {
    (void)state;
    const char *yaml = "domain: {x: [0, 100], y: [0, 40], z: [0, 20], voxel: 20}\n"
                       "time: {end: 1, dt_diffusion: 0.1}\n"
                       "substrates:\n  o: {diffusion: 1000, decay: 0.1, initial: 1}\n"
                       "  IL6: {unit: pg/mL, diffusion: 10, decay: 0}\n"
                       "cell_types:\n  a: {}\n"
                       "initial_cells:\n  - {type: a, count: 3, disc: {center: [50, 20, 10], radius: 10}}\n";
    stroma_error err;
    stroma_model *m = stroma_model_load_string(yaml, strlen(yaml), "f.yaml", &err);
    if (!m) fail_msg("%s", err.message);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    assert_int_equal(stroma_sim_check_finite(sim, -1, &err), STROMA_OK);
    for (int k = 0; k < 3; k++) assert_int_equal(stroma_sim_step(sim, &err), STROMA_OK);
    double *c = sim->transport->c; /* voxel-major, 2 substrates */
    c[2 * 7 + 1] = NAN;            /* voxel 7 = (2, 1, 0) */
    c[2 * 8 + 1] = INFINITY;
    assert_int_equal(stroma_sim_check_finite(sim, 0.1, &err), STROMA_ERR_NOT_FINITE);
    assert_false(stroma_error_is_bad_input(err.code));
    assert_non_null(strstr(err.message, "substrate IL6 is no longer a finite number at t = 0.3 min (step 3; all "
                                        "finite at t = 0.1 min): voxel (2, 1, 0) centred at (50, 30, 10) µm holds "
                                        "NaN (2 of 10 voxels are not finite)"));
    c[2 * 7 + 1] = c[2 * 8 + 1] = 1e308; /* finite, but their total is not */
    assert_int_equal(stroma_sim_check_finite(sim, -1, &err), STROMA_ERR_NOT_FINITE);
    assert_non_null(strstr(err.message, "substrate IL6: its total over the domain (the sum of value x voxel volume, "
                                        "8000 µm³) is no longer a finite number at t = 0.3 min (step 3): values "
                                        "reach 1e+308 pg/mL and the total overflows"));
    c[2 * 7 + 1] = c[2 * 8 + 1] = 0;
    sim->cells.cells.volume_um3[1] = -INFINITY;
    sim->cells.cells.y[2] = NAN;
    assert_int_equal(stroma_sim_check_finite(sim, -1, &err), STROMA_ERR_NOT_FINITE);
    assert_non_null(strstr(err.message, "cell 1 (type a) is no longer made of finite numbers at t = 0.3 min (step "
                                        "3): its volume is -inf (2 of 3 cells are not finite)"));
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* run.json while running ends in STROMA_RUN_JSON_ROOM spaces; the final status written over it in place keeps its
 * size, is valid JSON, and cuts an error message too long for the room (marked "...", whole UTF-8 characters). */
static void test_run_json_in_place(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = stroma_model_load_string(tiny, strlen(tiny), "tiny.yaml", &err);
    assert_non_null(m);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    char dir[] = "/tmp/stroma_runjson_XXXXXX";
    assert_non_null(mkdtemp(dir));
    stroma_outdir od;
    memset(&od, 0, sizeof od);
    snprintf(od.path, sizeof od.path, "%s", dir);
    stroma_run_status st = {.state = "running", .threads = 1, .last_output_min = -1, .resumed_at_min = NAN};
    assert_int_equal(stroma_write_run_info(&od, sim, &st, &err), STROMA_OK);
    char path[1200];
    snprintf(path, sizeof path, "%s/run.json", dir);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    off_t size = sb.st_size;
    assert_true(size > STROMA_RUN_JSON_ROOM);
    char *error = malloc(10001);
    assert_non_null(error);
    for (int i = 0; i < 5000; i++) memcpy(error + 2 * i, "\xC3\xA9", 2); /* 5000 x U+00E9 */
    error[10000] = '\0';
    for (int k = 0; k < 2; k++) {
        st.state = "failed";
        st.time_min = 0.5;
        st.last_output_min = 0;
        st.error = k == 0 ? "writing 'x' failed: No space left on device" : error;
        assert_int_equal(stroma_write_run_info_in_place(&od, sim, &st, &err), STROMA_OK);
        assert_int_equal(stat(path, &sb), 0);
        assert_true(sb.st_size == size);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char *text = malloc((size_t)size + 1);
        assert_non_null(text);
        assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
        fclose(f);
        char msg[256];
        stroma_json *j = stroma_json_parse(text, (size_t)size, msg, sizeof msg);
        if (!j) fail_msg("run.json rewritten in place is not JSON: %s", msg);
        assert_string_equal(stroma_json_get_string(j, "status"), "failed");
        assert_true(stroma_json_get_number(j, "time", 0) == 0.5);
        const char *e = stroma_json_get_string(j, "error");
        if (k == 0) {
            assert_string_equal(e, st.error);
        } else {
            size_t n = strlen(e);
            assert_true(n > 3000 && n < 10000);
            assert_string_equal(e + n - 3, "...");
            assert_true(n % 2 == 1 && memcmp(e + n - 5, "\xC3\xA9", 2) == 0); /* cut between characters */
        }
        stroma_json_free(&j);
        free(text);
    }
    free(error);
    assert_int_equal(stroma_remove_tree(dir), 0);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_refuses_absurd_grid),
        cmocka_unit_test(test_steps_advance_clock),
        cmocka_unit_test(test_per_cell_columns),
        cmocka_unit_test(test_check_finite),
        cmocka_unit_test(test_run_json_in_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
