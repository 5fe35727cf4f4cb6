/* Unit tests for src/import (stroma import-physicell) through its public API, so the XML and CSV readers run
 * under ASan+UBSan too: every sample converts into a model the loader accepts with the cell types and rules
 * it should have; the report names what could not be mapped; malformed, truncated and missing inputs fail with
 * the right code and a file:line, and leave no output behind. */
#include <math.h>
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
#include "model/rules_tables.h"
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
    /* PhysiCell's volume model, the targets doubling on entering S (phase 1 of the flow cytometry model) */
    assert_int_equal(m->cell_types[0].volume_parts, 1);
    assert_int_equal(m->cell_types[0].vp_double_phase, 1);
    assert_true(m->cell_types[0].vp_fluid_fraction == 0.75 && m->cell_types[0].vp_nuclear_um3 == 540 &&
                m->cell_types[0].vp_fluid_rate == 0.05 && m->cell_types[0].vp_cyto_rate == 0.0045 &&
                m->cell_types[0].vp_nuclear_rate == 0.0055);
    assert_true(report_has(rep, "PhysiCell's volume model written as volume_parts"));
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
    /* per-cell columns 'cycle entry' and 'custom:sample' map (no row sets them); 'volume' and 'custom:GFP' do not */
    assert_int_equal(m->initial_cells[0].ncols, 2);
    assert_int_equal(m->rule_tables.behaviours[m->initial_cells[0].col_behaviour[0]].kind, STROMA_BEH_CYCLE_ENTRY);
    assert_int_equal(m->initial_cells[0].col_behaviour[1], -1 - 0);
    assert_string_equal(m->state_vars[0].name, "sample");
    assert_true(isnan(m->initial_cells[0].csv_values[1]));
    assert_true(report_has(rep, "per-cell column 'custom:GFP' is not imported"));
    stroma_model_destroy(&m);

    m = import_sample(dir, "immune_function", rep);
    int tumor = -1;
    for (int k = 0; k < m->ntypes; k++)
        if (!strcmp(m->cell_types[k].name, "tumor_cell")) tumor = k;
    assert_true(tumor >= 0);
    assert_true(m->cell_types[tumor].damage_repair_per_min == 0.1);
    /* per-cell columns: every one loads as a behaviour (attack tumor cell -> "attack tumor_cell", necrosis, the
     * phagocytosis of apoptotic and of necrotic cells), with the values of the PhysiCell file */
    assert_false(report_has(rep, "per-cell column"));
    const stroma_initial_cells_desc *ic = &m->initial_cells[0];
    assert_true(ic->from_csv);
    assert_int_equal(ic->ncols, 10);
    assert_int_equal(ic->count, 28);
    const stroma_rule_tables *tb = &m->rule_tables;
    int attack = -1, apoptosis = -1, necrosis = -1, phag_apop = -1, phag_necr = -1;
    for (int k = 0; k < ic->ncols; k++) {
        assert_true(ic->col_behaviour[k] >= 0);
        const stroma_behaviour_entry *e = &tb->behaviours[ic->col_behaviour[k]];
        if (e->kind == STROMA_BEH_ATTACK && e->arg == tumor) attack = k;
        if (e->kind == STROMA_BEH_APOPTOSIS) apoptosis = k;
        if (e->kind == STROMA_BEH_NECROSIS) necrosis = k;
        if (e->kind == STROMA_BEH_PHAGOCYTOSE_APOPTOTIC) phag_apop = k;
        if (e->kind == STROMA_BEH_PHAGOCYTOSE_NECROTIC) phag_necr = k;
    }
    assert_int_equal(apoptosis, 0);
    assert_int_equal(necrosis, 1);
    assert_int_equal(phag_apop, 3);
    assert_int_equal(phag_necr, 4);
    assert_int_equal(attack, 5);
    assert_string_equal(tb->behaviours[ic->col_behaviour[attack]].name, "attack tumor_cell");
    assert_true(ic->csv_values[0 * 10 + apoptosis] == 9e9); /* row 1: a tumor cell */
    assert_true(isnan(ic->csv_values[0 * 10 + attack]));   /* skip */
    assert_true(ic->csv_values[4 * 10 + attack] == 0.025); /* row 5: a fast T cell */
    assert_true(ic->csv_values[1 * 10 + phag_apop] == 0.05); /* row 2: a macrophage */
    assert_true(ic->csv_values[1 * 10 + phag_necr] == 0);
    int n9 = 0; /* one tumour cell has a per-cell necrosis rate of 9e9 */
    for (int i = 0; i < ic->count; i++)
        n9 += ic->csv_values[i * 10 + necrosis] == 9e9;
    assert_int_equal(n9, 1);
    /* attacks are PhysiCell's standard interactions; the rule on 'damage delivered' is imported */
    assert_int_equal(m->contact_law, 1);
    int dd = 0;
    for (int k = 0; k < m->nrules; k++)
        dd += tb->signals[m->rules[k].signal].kind == STROMA_SIG_DAMAGE_DELIVERED;
    assert_int_equal(dd, 1);
    assert_false(report_has(rep, "damage delivered"));
    stroma_model_destroy(&m);

    /* asymmetric division imported exactly: stem's daughters become progenitor_1 with probability 1 (its own
     * entry, 0, is the symmetric part), the progenitors (disabled) divide symmetrically; the two rules on it are
     * written as rules */
    m = import_sample(dir, "asymmetric_division", rep);
    assert_int_equal(m->ntypes, 3);
    assert_false(report_has(rep, "asymmetric division"));
    assert_non_null(m->cell_types[0].asym_division);
    assert_true(m->cell_types[0].asym_division[0] == 0 && m->cell_types[0].asym_division[1] == 1 &&
                m->cell_types[0].asym_division[2] == 0);
    assert_null(m->cell_types[1].asym_division);
    assert_null(m->cell_types[2].asym_division);
    assert_int_equal(m->cell_types[0].volume_parts, 1);
    assert_int_equal(m->cell_types[0].vp_double_phase, 0); /* live model: the targets double at division */
    assert_int_equal(m->nrules, 3);
    const int b1 = stroma_rule_behaviour_find(&m->rule_tables, "asymmetric division to progenitor_1"),
              b2 = stroma_rule_behaviour_find(&m->rule_tables, "asymmetric division to progenitor_2");
    assert_true(b1 >= 0 && b2 >= 0);
    assert_true(m->rules[0].behaviour == b1 && m->rules[0].direction == -1 && m->rules[0].saturation == 0);
    assert_true(m->rules[1].behaviour == b2 && m->rules[1].direction == 1 && m->rules[1].saturation == 1);
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

/* Copy the text file `from` to `to`. */
static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* Per-cell values of a cells file: refused values (bias above 1, negative, a speed for a type whose motility is
 * disabled, inf) are reported and load as skip (NAN); synonyms merge with the row's last value winning; custom:<v>
 * is the state variable's initial value; a value that is not a number in an imported column fails with the
 * file and line and writes nothing. */
static void test_percell_values(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_import_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char src[1200], xml[1200], path[1200], out[1200];
    data_path(src, sizeof src, "physicell/immune_function/PhysiCell_settings.xml");
    snprintf(xml, sizeof xml, "%s/PhysiCell_settings.xml", dir);
    copy_file(src, xml);
    data_path(src, sizeof src, "physicell/immune_function/cell_rules.csv");
    snprintf(path, sizeof path, "%s/cell_rules.csv", dir);
    copy_file(src, path);
    snprintf(path, sizeof path, "%s/cells.csv", dir);
    snprintf(out, sizeof out, "%s/out.yaml", dir);
    write_file(path, "x,y,z,type,migration bias,migration speed,cycle entry,exit from cycle phase 0,custom:sample,"
                     "doxorubicin export\n"
                     "0,0,0,macrophage,1.5,2,0.1,S,-3,-1\n"
                     "10,0,0,tumor cell,0.25,1,skip,0.2,,-0.5\n"
                     "20,0,0,fast T cell,-0.1,0.123456789012345678,,,2.5,inf\n");
    stroma_error err;
    stroma_import_report *rep = stroma_import_report_create();
    assert_int_equal(stroma_import_physicell(xml, NULL, out, rep, &err), STROMA_OK);
    assert_true(report_has(rep, "per-cell column 'migration bias': 1.5 on this line"));
    assert_true(report_has(rep, "per-cell column 'migration speed': 1 on this line: motility of tumor_cell"));
    assert_true(report_has(rep, "per-cell column 'migration bias': -0.1 on this line"));
    assert_true(report_has(rep, "per-cell column 'doxorubicin export': inf on this line"));
    stroma_model *m = stroma_model_load(out, &err);
    if (!m) fail_msg("the imported model does not load: %s", err.message);
    const stroma_initial_cells_desc *ic = &m->initial_cells[0];
    assert_int_equal(ic->ncols, 5); /* bias, speed, cycle entry (two columns), custom:sample, export */
    assert_int_equal(ic->count, 3);
    const double *v = ic->csv_values;
    assert_true(isnan(v[0]) && v[1] == 2 && v[2] == 0.1 && v[3] == -3 && v[4] == -1);
    assert_true(v[5] == 0.25 && isnan(v[6]) && v[7] == 0.2 && isnan(v[8]) && v[9] == -0.5);
    assert_true(isnan(v[10]) && v[11] == 0.123456789012345678 && isnan(v[12]) && v[13] == 2.5 && isnan(v[14]));
    assert_int_equal(ic->col_behaviour[3], -1 - 0); /* custom:sample */
    stroma_model_destroy(&m);

    remove(out);
    snprintf(out, sizeof out, "%s/bad.yaml", dir);
    write_file(path, "x,y,z,type,volume,migration speed\n0,0,0,macrophage,1,0\n0,0,0,macrophage,big,fast\n");
    assert_int_equal(stroma_import_physicell(xml, NULL, out, rep, &err), STROMA_ERR_PARSE);
    assert_non_null(strstr(err.message, "'fast' is not a number"));
    assert_int_equal(err.line, 3);
    assert_int_equal(access(out, F_OK), -1);

    stroma_import_report_destroy(&rep);
    stroma_remove_tree(dir);
}

/* A minimal PhysiCell project in dir: settings.xml with the given cell definitions (and the cells file and
 * rules file named, when given), one substrate. */
static void write_project(const char *dir, const char *defs, const char *cells) {
    char path[1200];
    snprintf(path, sizeof path, "%s/settings.xml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "<PhysiCell_settings>\n"
               "<domain><x_min>-100</x_min><x_max>100</x_max><y_min>-100</y_min><y_max>100</y_max>"
               "<z_min>-10</z_min><z_max>10</z_max><dx>20</dx><dy>20</dy><dz>20</dz><use_2D>true</use_2D></domain>\n"
               "<overall><max_time>60</max_time><dt_diffusion>0.01</dt_diffusion><dt_mechanics>0.1</dt_mechanics>"
               "<dt_phenotype>6</dt_phenotype></overall>\n"
               "<options><random_seed>1</random_seed><virtual_wall_at_domain_edge>true</virtual_wall_at_domain_edge>"
               "</options>\n"
               "<microenvironment_setup><variable name=\"oxygen\" units=\"mmHg\"><physical_parameter_set>"
               "<diffusion_coefficient>1000</diffusion_coefficient><decay_rate>0.1</decay_rate>"
               "</physical_parameter_set><initial_condition>38</initial_condition></variable>"
               "</microenvironment_setup>\n"
               "<cell_definitions>\n%s</cell_definitions>\n", defs);
    if (cells)
        fprintf(f, "<initial_conditions><cell_positions type=\"csv\" enabled=\"true\"><folder>.</folder>"
                   "<filename>%s</filename></cell_positions></initial_conditions>\n", cells);
    fputs("</PhysiCell_settings>\n", f);
    fclose(f);
}

/* PhysiCell's definitions share one apoptosis and one necrosis model: the later definition's phase (rate 0.01, not
 * fixed) overrides the earlier one's 100 min fixed for both types, and the note names them; the necrotic removal
 * time is the sum of the shared phases, exponential as the longer phase is. */
static void test_shared_death_timing(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_import_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_project(dir,
                  "<cell_definition name=\"first\" ID=\"0\"><phenotype><death>"
                  "<model code=\"100\" name=\"apoptosis\"><death_rate units=\"1/min\">0.001</death_rate>"
                  "<phase_durations units=\"min\"><duration index=\"0\" fixed_duration=\"true\">100</duration>"
                  "</phase_durations></model>"
                  "<model code=\"101\" name=\"necrosis\"><death_rate units=\"1/min\">0</death_rate>"
                  "<phase_durations units=\"min\"><duration index=\"0\" fixed_duration=\"true\">0</duration>"
                  "<duration index=\"1\" fixed_duration=\"true\">86400</duration></phase_durations></model>"
                  "</death></phenotype></cell_definition>\n"
                  "<cell_definition name=\"second\" ID=\"1\"><phenotype><death>"
                  "<model code=\"100\" name=\"apoptosis\"><death_rate units=\"1/min\">0</death_rate>"
                  "<phase_transition_rates units=\"1/min\"><rate start_index=\"0\" end_index=\"1\" "
                  "fixed_duration=\"false\">0.01</rate></phase_transition_rates></model>"
                  "<model code=\"101\" name=\"necrosis\"><death_rate units=\"1/min\">0</death_rate>"
                  "<phase_transition_rates units=\"1/min\">"
                  "<rate start_index=\"0\" end_index=\"1\" fixed_duration=\"false\">0.1</rate>"
                  "<rate start_index=\"1\" end_index=\"2\" fixed_duration=\"false\">0.002</rate>"
                  "</phase_transition_rates></model>"
                  "</death></phenotype></cell_definition>\n",
                  NULL);
    char xml[1300], rules[1300], out[1300];
    snprintf(xml, sizeof xml, "%s/settings.xml", dir);
    snprintf(rules, sizeof rules, "%s/rules.csv", dir);
    snprintf(out, sizeof out, "%s/out.yaml", dir);
    write_file(rules, "first,pressure,increases,necrosis,0.1,1,2,0\n"); /* first writes death.necrosis */
    stroma_error err;
    stroma_import_report *rep = stroma_import_report_create();
    assert_int_equal(stroma_import_physicell(xml, rules, out, rep, &err), STROMA_OK);
    stroma_model *m = stroma_model_load(out, &err);
    if (!m) fail_msg("the imported model does not load: %s", err.message);
    assert_int_equal(m->ntypes, 2);
    for (int k = 0; k < 2; k++) {
        assert_true(m->cell_types[k].apoptosis_duration_min == 100);
        assert_int_equal(m->cell_types[k].apoptosis_exponential, 1);
    }
    assert_true(m->cell_types[0].apoptosis_per_min == 0.001); /* the rates stay each type's own */
    assert_true(m->cell_types[0].necrosis_duration_min == 10.0 + 500.0);
    assert_int_equal(m->cell_types[0].necrosis_exponential, 1);
    assert_true(report_has(rep, "share one apoptosis model whose phase each definition giving it overwrites; the "
                                "last, second, leaves every type an apoptotic phase of an exponential time of mean "
                                "100 min"));
    assert_true(report_has(rep, "overrides what the definitions of first (exactly 100 min) say"));
    assert_true(report_has(rep, "first (exactly 0 min, then exactly 86400 min)"));
    assert_false(report_has(rep, "apoptotic phase lasts an exponential time"));
    stroma_model_destroy(&m);
    stroma_import_report_destroy(&rep);
    stroma_remove_tree(dir);
}

/* Phagocytosis by kind of death: PhysiCell's apoptotic and necrotic rates (dead_phagocytosis_rate their legacy
 * default) become phagocytosis_apoptotic / _necrotic with no per-type map; rules and per-cell columns on
 * 'phagocytose apoptotic cell' / 'phagocytose necrotic cell' map exactly; 'phagocytose other dead cell' and the
 * pre-1.14 'phagocytose dead cell' are not imported; a nonzero other-dead rate is a note; immunogenicity other
 * than 1 is not imported. */
static void test_phagocytosis_mapping(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_import_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_project(dir,
                  "<cell_definition name=\"eater\" ID=\"0\"><phenotype><cell_interactions>"
                  "<dead_phagocytosis_rate units=\"1/min\">0.04</dead_phagocytosis_rate>"
                  "<apoptotic_phagocytosis_rate units=\"1/min\">0.02</apoptotic_phagocytosis_rate>"
                  "<necrotic_phagocytosis_rate units=\"1/min\">0.03</necrotic_phagocytosis_rate>"
                  "</cell_interactions></phenotype></cell_definition>\n"
                  "<cell_definition name=\"legacy\" ID=\"1\"><phenotype><cell_interactions>"
                  "<dead_phagocytosis_rate units=\"1/min\">0.05</dead_phagocytosis_rate>"
                  "<immunogenicities><immunogenicity name=\"eater\">0.5</immunogenicity></immunogenicities>"
                  "</cell_interactions></phenotype></cell_definition>\n",
                  "cells.csv");
    char xml[1300], rules[1300], out[1300], cells[1300];
    snprintf(xml, sizeof xml, "%s/settings.xml", dir);
    snprintf(rules, sizeof rules, "%s/rules.csv", dir);
    snprintf(cells, sizeof cells, "%s/cells.csv", dir);
    snprintf(out, sizeof out, "%s/out.yaml", dir);
    write_file(cells, "x,y,z,type,phagocytose apoptotic cell,phagocytosis of necrotic cells\n"
                      "0,0,0,eater,0.5,0.25\n10,0,0,legacy,skip,0.125\n");
    write_file(rules, "eater,pressure,decreases,phagocytose apoptotic cell,0,1,2,0\n"
                      "eater,pressure,decreases,phagocytosis of necrotic cell,0.001,2,2,0\n"
                      "eater,volume,increases,phagocytose other dead cell,1,2,2,0\n"
                      "legacy,volume,increases,phagocytose dead cell,1,2,2,0\n");
    stroma_error err;
    stroma_import_report *rep = stroma_import_report_create();
    assert_int_equal(stroma_import_physicell(xml, rules, out, rep, &err), STROMA_OK);
    stroma_model *m = stroma_model_load(out, &err);
    if (!m) fail_msg("the imported model does not load: %s", err.message);
    assert_int_equal(m->contact_law, 1);
    const stroma_cell_type_desc *E = &m->cell_types[0], *L = &m->cell_types[1];
    assert_true(E->phagocytose_apoptotic_per_min == 0.02 && E->phagocytose_necrotic_per_min == 0.03);
    assert_true(L->phagocytose_apoptotic_per_min == 0.05 && L->phagocytose_necrotic_per_min == 0.05);
    for (int k = 0; k < 2; k++)
        assert_true(E->phagocytose_per_min[k] == 0 && L->phagocytose_per_min[k] == 0);
    /* the two rules on apoptotic and necrotic engulfing, as written */
    const stroma_rule_tables *tb = &m->rule_tables;
    assert_int_equal(m->nrules, 2);
    assert_int_equal(tb->behaviours[m->rules[0].behaviour].kind, STROMA_BEH_PHAGOCYTOSE_APOPTOTIC);
    assert_int_equal(tb->behaviours[m->rules[1].behaviour].kind, STROMA_BEH_PHAGOCYTOSE_NECROTIC);
    assert_true(m->rules[1].saturation == 0.001 && m->rules[1].direction == -1);
    assert_true(report_has(rep, "behaviour 'phagocytose other dead cell': stroma's dead cells are apoptotic or "
                                "necrotic"));
    assert_true(report_has(rep, "'phagocytose dead cell' is not a PhysiCell 1.14 behaviour"));
    assert_true(report_has(rep, "legacy: other_dead_phagocytosis_rate 0.05 1/min never applies"));
    assert_true(report_has(rep, "legacy: immunogenicity 0.5 to eater is not imported"));
    assert_false(report_has(rep, "eater: immunogenicity"));
    /* per-cell columns, the synonym written under stroma's name */
    const stroma_initial_cells_desc *ic = &m->initial_cells[0];
    assert_int_equal(ic->ncols, 2);
    assert_int_equal(tb->behaviours[ic->col_behaviour[0]].kind, STROMA_BEH_PHAGOCYTOSE_APOPTOTIC);
    assert_int_equal(tb->behaviours[ic->col_behaviour[1]].kind, STROMA_BEH_PHAGOCYTOSE_NECROTIC);
    assert_true(ic->csv_values[0] == 0.5 && ic->csv_values[1] == 0.25);
    assert_true(isnan(ic->csv_values[2]) && ic->csv_values[3] == 0.125);
    assert_false(report_has(rep, "per-cell column"));
    stroma_model_destroy(&m);
    stroma_import_report_destroy(&rep);
    stroma_remove_tree(dir);
}

/* The asymmetric_division sample with the first `from` in its settings replaced by `to`, written into dir with
 * its rules and cells files. */
static void asym_variant(const char *dir, const char *from, const char *to, char *xml, size_t cap) {
    char src[1200], dst[1200];
    const char *files[2] = {"cell_rules.csv", "cells.csv"};
    for (int k = 0; k < 2; k++) {
        char rel[256];
        snprintf(rel, sizeof rel, "physicell/asymmetric_division/%s", files[k]);
        data_path(src, sizeof src, rel);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[k]);
        copy_file(src, dst);
    }
    data_path(src, sizeof src, "physicell/asymmetric_division/PhysiCell_settings.xml");
    FILE *f = fopen(src, "rb");
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *at = strstr(text, from);
    assert_non_null(at);
    snprintf(xml, cap, "%s/PhysiCell_settings.xml", dir);
    f = fopen(xml, "wb");
    assert_non_null(f);
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
}

/* Asymmetric division input PhysiCell refuses (at its first division or when it reads the settings): other types'
 * probabilities summing over 1, a probability outside [0, 1], an unknown type: an error at the element's line,
 * nothing written. Rules PhysiCell reads but that change nothing: on a type whose asymmetric division is disabled
 * (reported, not imported), toward the type itself (a note); the others are written. */
static void test_asymmetric_division_inputs(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_import_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char xml[1200], out[1200], rules[1200];
    snprintf(out, sizeof out, "%s/out.yaml", dir);
    stroma_error err;
    stroma_import_report *rep = stroma_import_report_create();
    static const struct {
        const char *from, *to, *msg;
        int line;
    } bad[] = {
        {"name=\"progenitor_2\" units=\"dimensionless\">0.0<", "name=\"progenitor_2\" units=\"dimensionless\">0.5<",
         "stem: the asymmetric division probabilities to other types sum to 1.5", 93},
        {"name=\"progenitor_1\" units=\"dimensionless\">1.0<", "name=\"progenitor_1\" units=\"dimensionless\">-0.2<",
         "must be between 0 and 1 (got -0.2)", 95},
        {"name=\"progenitor_2\" units", "name=\"progenitor_3\" units", "to 'progenitor_3', which is not a cell type",
         96},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        asym_variant(dir, bad[k].from, bad[k].to, xml, sizeof xml);
        assert_true(stroma_import_physicell(xml, NULL, out, rep, &err) != STROMA_OK);
        if (!strstr(err.message, bad[k].msg)) fail_msg("case %zu: %s", k, err.message);
        assert_int_equal(err.line, bad[k].line);
        assert_int_equal(access(out, F_OK), -1);
    }
    asym_variant(dir, "<x_min>", "<x_min>", xml, sizeof xml); /* the sample as it is */
    snprintf(rules, sizeof rules, "%s/rules.csv", dir);
    write_file(rules, "progenitor_1,contact with stem,increases,asymmetric division to progenitor_2,0.5,1,1,0\n"
                      "stem,contact with stem,increases,asymmetric division to stem,0.5,1,1,0\n"
                      "stem,pressure,increases,asymmetric division to progenitor_2,0.4,1,1,0\n");
    assert_int_equal(stroma_import_physicell(xml, rules, out, rep, &err), STROMA_OK);
    assert_true(report_has(rep, "asymmetric division of progenitor_1 is not enabled in PhysiCell"));
    assert_true(report_has(rep, "asymmetric division of stem to its own type changes nothing"));
    stroma_model *m = stroma_model_load(out, &err);
    if (!m) fail_msg("the imported model does not load: %s", err.message);
    assert_int_equal(m->nrules, 1);
    assert_int_equal(m->rules[0].type, 0);
    assert_int_equal(m->rules[0].behaviour,
                     stroma_rule_behaviour_find(&m->rule_tables, "asymmetric division to progenitor_2"));
    stroma_model_destroy(&m);
    stroma_import_report_destroy(&rep);
    stroma_remove_tree(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asymmetric_division_inputs),
        cmocka_unit_test(test_samples_convert),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_percell_values),
        cmocka_unit_test(test_shared_death_timing),
        cmocka_unit_test(test_phagocytosis_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
