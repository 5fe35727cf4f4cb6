/* Unit tests for src/import (stroma import-physicell) through its public API, so the XML and CSV readers run
 * under ASan+UBSan too: every sample converts into a model the loader accepts with the cell types and rules
 * it should have; the report names what could not be mapped; malformed, truncated and missing inputs fail with
 * the right code and a file:line, and leave no output behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/outdir.h"
#include "model/model.h"
#include "stroma/stroma.h"

static void data_path(char *buf, size_t cap, const char *rel) {
    const char *d = getenv("STROMA_TEST_DATA");
    snprintf(buf, cap, "%s/%s", d ? d : "tests/data", rel);
}

static int report_has(const stroma_import_report *rep, const char *needle) {
    for (size_t i = 0; i < stroma_import_report_count(rep); i++)
        if (strstr(stroma_import_report_text(rep, i), needle)) return 1;
    return 0;
}

/* Import sample `name` into dir/name.yaml and load the result. */
static stroma_model *import_sample(const char *dir, const char *name, stroma_import_report *rep) {
    char xml[1200], out[1200];
    char rel[256];
    snprintf(rel, sizeof rel, "physicell/%s/PhysiCell_settings.xml", name);
    data_path(xml, sizeof xml, rel);
    snprintf(out, sizeof out, "%s/%s.yaml", dir, name);
    stroma_error err;
    if (stroma_import_physicell(xml, NULL, out, rep, &err) != STROMA_OK) fail_msg("%s: %s", name, err.message);
    stroma_model *m = stroma_model_load(out, &err);
    if (!m) fail_msg("%s: the imported model does not load: %s", name, err.message);
    return m;
}

static void test_samples_convert(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_import_XXXXXX";
    assert_non_null(mkdtemp(dir));
    stroma_import_report *rep = stroma_import_report_create();
    assert_non_null(rep);

    stroma_model *m = import_sample(dir, "template", rep);
    assert_int_equal(m->ntypes, 1);
    assert_string_equal(m->cell_types[0].name, "default");
    assert_int_equal(m->cell_types[0].cycle, STROMA_CYCLE_PHASES);
    assert_int_equal(m->cell_types[0].nphases, 4);
    assert_int_equal(m->cell_types[0].phase_exponential[0], 1);
    assert_int_equal(m->cell_types[0].phase_exponential[1], 0);
    assert_true(m->cell_types[0].phase_min[1] == 480);
    assert_int_equal(m->ninitial, 1);
    assert_int_equal(m->initial_cells[0].count, 5);
    assert_int_equal(m->initial_cells[0].synchronized, 1);
    assert_true(report_has(rep, "setup_tissue"));
    stroma_model_destroy(&m);

    m = import_sample(dir, "rules_sample", rep);
    assert_int_equal(m->ntypes, 6);
    assert_string_equal(m->cell_types[0].name, "malignant_epithelial_cell");
    assert_true(m->nrules > 20);
    assert_true(stroma_model_substrate_index(m, "pro-inflammatory_factor") >= 0);
    assert_true(m->ninitial >= 1 && m->initial_cells[0].from_csv);
    stroma_model_destroy(&m);

    m = import_sample(dir, "immune_function", rep);
    int tumor = -1;
    for (int k = 0; k < m->ntypes; k++)
        if (!strcmp(m->cell_types[k].name, "tumor_cell")) tumor = k;
    assert_true(tumor >= 0);
    assert_true(m->cell_types[tumor].damage_repair_per_min == 0.1);
    assert_true(report_has(rep, "per-cell column"));
    stroma_model_destroy(&m);

    m = import_sample(dir, "asymmetric_division", rep);
    assert_int_equal(m->ntypes, 3);
    assert_true(report_has(rep, "asymmetric division"));
    stroma_model_destroy(&m);

    stroma_import_report_destroy(&rep);
    assert_null(rep);
    stroma_remove_tree(dir);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Malformed XML: STROMA_ERR_PARSE with the file and a line; a missing file: NOT_FOUND; a rules file naming an
 * unknown cell type: an error with file:line; nothing is written in these cases. A truncated rules line is
 * skipped (as PhysiCell does) and reported. */
static void test_bad_inputs(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_import_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char xml[1200], out[1200], rules[1200], good[1200];
    snprintf(xml, sizeof xml, "%s/bad.xml", dir);
    snprintf(out, sizeof out, "%s/out.yaml", dir);
    snprintf(rules, sizeof rules, "%s/rules.csv", dir);
    data_path(good, sizeof good, "physicell/template/PhysiCell_settings.xml");
    stroma_error err;
    stroma_import_report *rep = stroma_import_report_create();

    write_file(xml, "<PhysiCell_settings>\n  <domain>\n    <x_min>-500</x_min>\n  </domai>\n");
    assert_int_equal(stroma_import_physicell(xml, NULL, out, rep, &err), STROMA_ERR_PARSE);
    assert_non_null(strstr(err.message, "bad.xml"));
    assert_true(err.line > 0);
    assert_int_equal(access(out, F_OK), -1);

    write_file(xml, "");
    assert_true(stroma_import_physicell(xml, NULL, out, rep, &err) != STROMA_OK);
    assert_int_equal(access(out, F_OK), -1);

    char missing[1300];
    snprintf(missing, sizeof missing, "%s/none.xml", dir);
    assert_int_equal(stroma_import_physicell(missing, NULL, out, rep, &err), STROMA_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "none.xml"));

    write_file(rules, "default,substrate,increases,apoptosis,0.1,1,2,0\nnot a type,substrate,increases,apoptosis,0.1,1,2,0\n");
    assert_true(stroma_import_physicell(good, rules, out, rep, &err) != STROMA_OK);
    assert_non_null(strstr(err.message, "rules.csv"));
    assert_int_equal(err.line, 2);
    assert_int_equal(access(out, F_OK), -1);

    /* a truncated rules line is skipped as PhysiCell skips it, and reported */
    write_file(rules, "default,substrate,increases\n");
    assert_int_equal(stroma_import_physicell(good, rules, out, rep, &err), STROMA_OK);
    assert_true(report_has(rep, "not 8 fields"));
    assert_int_equal(access(out, F_OK), 0);

    stroma_import_report_destroy(&rep);
    stroma_remove_tree(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_convert),
        cmocka_unit_test(test_bad_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
