/* Unit tests for src/io/vtk (ParaView files), also run under ASan+UBSan: the appended blocks of a .vti and a
 * .vtp hold exactly the simulation's values (byte for byte) at the offsets the XML header gives; the .pvd
 * collections list every time written; a model with vessels adds their density field, one without has none; a
 * failed write reports the file and leaks nothing. Reading the files
 * with VTK itself is tests/cli/vtk_outputs.sh. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/outdir.h"
#include "io/vtk.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

static const char *model_text =
    "domain: {x: [-40, 40], y: [0, 60], z: [10, 50], voxel: 20}\n"
    "time: {end: 2, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 1}\n"
    "substrates:\n"
    "  o2: {diffusion: 1000, decay: 0.1, initial: 1, boundary: {x_min: 3}}\n"
    "  f: {diffusion: 100, decay: 0.01}\n"
    "cell_types:\n"
    "  a:\n"
    "    secretion: {f: {rate: 1, saturation: 10}}\n"
    "  b: {motility: {speed: 1, persistence: 1}}\n"
    "state_variables:\n"
    "  phase: {production: {a: 0.5}}\n"
    "  s2: {production: {b: 0.25}}\n"
    "initial_cells:\n"
    "  - {type: a, count: 7, box: {lo: [-30, 10, 20], hi: [30, 50, 40]}}\n"
    "  - {type: b, count: 3, box: {lo: [-30, 10, 20], hi: [30, 50, 40]}}\n";

typedef struct file_text {
    char *p;
    size_t n;
} file_text;

static file_text slurp(const char *dir, const char *rel) {
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    file_text t = {malloc((size_t)n + 1), (size_t)n};
    assert_non_null(t.p);
    assert_int_equal(fread(t.p, 1, (size_t)n, f), (size_t)n);
    t.p[n] = '\0';
    fclose(f);
    return t;
}

/* The appended block of the array called `name`: checks its UInt64 byte count is `nbytes` and returns its
 * values. */
static const unsigned char *block(const file_text *t, const char *name, size_t nbytes) {
    char key[128];
    snprintf(key, sizeof key, "Name=\"%s\"", name);
    const char *tag = strstr(t->p, key);
    assert_non_null(tag);
    const char *off = strstr(tag, "offset=\"");
    assert_non_null(off);
    assert_true(off < strchr(tag, '>'));
    unsigned long long offset = strtoull(off + 8, NULL, 10);
    const char *data = strstr(t->p, "<AppendedData encoding=\"raw\">");
    assert_non_null(data);
    data = strchr(data, '_');
    assert_non_null(data);
    size_t at = (size_t)(data + 1 - t->p) + (size_t)offset;
    assert_true(at + 8 + nbytes <= t->n);
    uint64_t got;
    memcpy(&got, t->p + at, 8);
    assert_int_equal(got, nbytes);
    return (const unsigned char *)t->p + at + 8;
}

static int count(const char *s, const char *sub) {
    int n = 0;
    for (const char *p = strstr(s, sub); p; p = strstr(p + 1, sub)) n++;
    return n;
}

static void check_fields(const char *dir, const stroma_sim *sim, const char *rel) {
    const stroma_transport *t = sim->transport;
    const stroma_mesh *m = &t->mesh;
    file_text f = slurp(dir, rel);
    assert_non_null(strstr(f.p, "WholeExtent=\"0 4 0 3 0 2\" Origin=\"-40 0 10\" Spacing=\"20 20 20\""));
    assert_non_null(strstr(f.p, "header_type=\"UInt64\""));
    for (int s = 0; s < t->nsub; s++) {
        const unsigned char *v = block(&f, sim->model->substrates[s].name, m->nvox * 8);
        for (size_t i = 0; i < m->nvox; i++) assert_memory_equal(v + 8 * i, &t->c[i * (size_t)t->nsub + (size_t)s], 8);
    }
    free(f.p);
}

static void check_cells(const char *dir, const stroma_sim *sim, const char *rel) {
    const stroma_cells *c = &sim->cells.cells;
    const size_t n = c->n;
    file_text f = slurp(dir, rel);
    char piece[128];
    snprintf(piece, sizeof piece, "NumberOfPoints=\"%zu\" NumberOfVerts=\"%zu\"", n, n);
    assert_non_null(strstr(f.p, piece));
    assert_memory_equal(block(&f, "id", n * 8), c->id, n * 8);
    assert_memory_equal(block(&f, "type", n * 4), c->type, n * 4);
    assert_memory_equal(block(&f, "state", n), c->state, n);
    assert_memory_equal(block(&f, "radius", n * 8), c->radius_um, n * 8);
    assert_memory_equal(block(&f, "volume", n * 8), c->volume_um3, n * 8);
    assert_memory_equal(block(&f, "pressure", n * 8), c->pressure, n * 8);
    const unsigned char *phase = block(&f, "phase", n * 4), *pts = block(&f, "Points", n * 24);
    const unsigned char *s0 = block(&f, "var:phase", n * 8), *s1 = block(&f, "s2", n * 8);
    const unsigned char *conn = block(&f, "connectivity", n * 8), *offs = block(&f, "offsets", n * 8);
    double any_s0 = 0, any_s1 = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t ph;
        int64_t k0, k1;
        memcpy(&ph, phase + 4 * i, 4);
        assert_int_equal(ph, c->phase[i]);
        assert_memory_equal(pts + 24 * i, &c->x[i], 8);
        assert_memory_equal(pts + 24 * i + 8, &c->y[i], 8);
        assert_memory_equal(pts + 24 * i + 16, &c->z[i], 8);
        assert_memory_equal(s0 + 8 * i, &c->svar[i * 2], 8);
        assert_memory_equal(s1 + 8 * i, &c->svar[i * 2 + 1], 8);
        any_s0 += c->svar[i * 2];
        any_s1 += c->svar[i * 2 + 1];
        memcpy(&k0, conn + 8 * i, 8);
        memcpy(&k1, offs + 8 * i, 8);
        assert_int_equal(k0, (int64_t)i);
        assert_int_equal(k1, (int64_t)i + 1);
    }
    assert_true(any_s0 > 0 && any_s1 > 0); /* both state variables are live data, not zeros */
    /* the names that decode type and state, and the state variables' model names */
    assert_non_null(strstr(f.p, "Name=\"cell_types\" NumberOfTuples=\"2\" format=\"ascii\">97 0 98 0<"));
    assert_non_null(strstr(f.p, "Name=\"cell_states\" NumberOfTuples=\"3\""));
    assert_non_null(strstr(f.p, "Name=\"state_variables\" NumberOfTuples=\"2\" format=\"ascii\">112 104 97 115 "
                                "101 0 115 50 0<"));
    free(f.p);
}

/* Two snapshots: every value of both files is the simulation's, and the collections list both times. */
static void test_vtk_round_trip(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = stroma_model_load_string(model_text, strlen(model_text), "vtk.yaml", &err);
    assert_non_null(m);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    char dir[] = "/tmp/stroma_test_vtk_XXXXXX";
    assert_non_null(mkdtemp(dir));
    stroma_outdir od;
    assert_int_equal(stroma_outdir_begin(&od, dir, &err), STROMA_OK);
    assert_int_equal(stroma_outdir_mkdir(&od, "fields", &err), STROMA_OK);
    assert_int_equal(stroma_outdir_mkdir(&od, "cells", &err), STROMA_OK);
    stroma_vtk_series fs = {0}, cs = {0};
    for (int snap = 0; snap < 2; snap++) {
        for (int k = 0; k < 10; k++) assert_int_equal(stroma_sim_step(sim, &err), STROMA_OK);
        assert_int_equal(stroma_write_fields_vti(&od, sim, &fs, &err), STROMA_OK);
        assert_int_equal(stroma_write_cells_vtp(&od, sim, &cs, &err), STROMA_OK);
        check_fields(dir, sim, snap ? "fields/fields_2.vti" : "fields/fields_1.vti");
        file_text ff = slurp(dir, snap ? "fields/fields_2.vti" : "fields/fields_1.vti");
        assert_null(strstr(ff.p, "vessel_density")); /* no vessels, no array */
        free(ff.p);
        check_cells(dir, sim, snap ? "cells/cells_2.vtp" : "cells/cells_1.vtp");
    }
    /* the same time again (a repeated snapshot) is listed once */
    assert_int_equal(stroma_write_fields_vti(&od, sim, &fs, &err), STROMA_OK);
    assert_int_equal(fs.n, 2);
    file_text p = slurp(dir, "fields.pvd");
    assert_int_equal(count(p.p, "<DataSet "), 2);
    assert_non_null(strstr(p.p, "<DataSet timestep=\"1\" part=\"0\" file=\"fields/fields_1.vti\"/>"));
    assert_non_null(strstr(p.p, "<DataSet timestep=\"2\" part=\"0\" file=\"fields/fields_2.vti\"/>"));
    free(p.p);
    p = slurp(dir, "cells.pvd");
    assert_int_equal(count(p.p, "<DataSet "), 2);
    assert_non_null(strstr(p.p, "file=\"cells/cells_2.vtp\""));
    free(p.p);
    stroma_vtk_series_free(&fs);
    stroma_vtk_series_free(&fs); /* twice is harmless */
    stroma_vtk_series_free(NULL);
    stroma_vtk_series_free(&cs);
    assert_null(fs.times_min);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    stroma_remove_tree(dir);
}

/* Without the subdirectories the writes fail with an I/O error naming the file; nothing leaks and the
 * series lists nothing. */
/* A model with vessels: the field file holds the vessel density field after the substrates, byte for byte
 * (a random seeding makes it uneven); a model without vessels has no such array (test_vtk_round_trip). */
static void test_vtk_vessels(void **state) {
    (void)state;
    static const char text[] =
        "domain: {x: [0, 100], y: [0, 60], z: [0, 40], voxel: 20}\n"
        "time: {end: 1, dt_diffusion: 0.1}\n"
        "substrates:\n  VEGF: {diffusion: 100, decay: 0.01, initial: 80}\n  o2: {diffusion: 1000, decay: 0.1}\n"
        "vessels:\n  max_density: 0.1\n  initial: {uniform: 0.01, random: {fraction: 0.3, density: 0.07}}\n"
        "  angiogenesis: {substrate: VEGF, rate: 0.01, half_max: 50}\n  every: 0.5\n";
    stroma_error err;
    stroma_model *m = stroma_model_load_string(text, strlen(text), "vessels.yaml", &err);
    if (!m) fail_msg("%s", err.message);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    for (int k = 0; k < 10; k++) assert_int_equal(stroma_sim_step(sim, &err), STROMA_OK);
    char dir[] = "/tmp/stroma_test_vtk_XXXXXX";
    assert_non_null(mkdtemp(dir));
    stroma_outdir od;
    assert_int_equal(stroma_outdir_begin(&od, dir, &err), STROMA_OK);
    assert_int_equal(stroma_outdir_mkdir(&od, "fields", &err), STROMA_OK);
    stroma_vtk_series fs = {0};
    assert_int_equal(stroma_write_fields_vti(&od, sim, &fs, &err), STROMA_OK);
    file_text f = slurp(dir, "fields/fields_1.vti");
    const size_t nvox = sim->transport->mesh.nvox;
    const double *rho = stroma_sim_vessel_density(sim);
    assert_non_null(rho);
    double lo = rho[0], hi = rho[0];
    for (size_t i = 0; i < nvox; i++) {
        if (rho[i] < lo) lo = rho[i];
        if (rho[i] > hi) hi = rho[i];
    }
    assert_true(lo > 0 && hi > lo); /* an uneven field: a wrong layout would show */
    assert_memory_equal(block(&f, "vessel_density", nvox * 8), rho, nvox * 8);
    const char *o2 = strstr(f.p, "Name=\"o2\""), *vd = strstr(f.p, "Name=\"vessel_density\"");
    assert_true(o2 && vd && o2 < vd && vd < strstr(f.p, "</CellData>"));
    assert_int_equal(count(f.p, "<DataArray type=\"Float64\" Name="), 4); /* TimeValue, VEGF, o2, vessels */
    free(f.p);
    stroma_vtk_series_free(&fs);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    stroma_remove_tree(dir);
}

static void test_vtk_write_error(void **state) {
    (void)state;
    stroma_error err;
    stroma_model *m = stroma_model_load_string(model_text, strlen(model_text), "vtk.yaml", &err);
    assert_non_null(m);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    char dir[] = "/tmp/stroma_test_vtk_XXXXXX";
    assert_non_null(mkdtemp(dir));
    stroma_outdir od;
    assert_int_equal(stroma_outdir_begin(&od, dir, &err), STROMA_OK);
    stroma_vtk_series s = {0};
    assert_int_equal(stroma_write_fields_vti(&od, sim, &s, &err), STROMA_ERR_IO);
    assert_non_null(strstr(err.message, "fields_0.vti"));
    assert_int_equal(stroma_write_cells_vtp(&od, sim, &s, &err), STROMA_ERR_IO);
    assert_non_null(strstr(err.message, "cells_0.vtp"));
    assert_int_equal(s.n, 0);
    stroma_vtk_series_free(&s);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    stroma_remove_tree(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vtk_round_trip),
        cmocka_unit_test(test_vtk_write_error),
        cmocka_unit_test(test_vtk_vessels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
