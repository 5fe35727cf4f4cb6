/* summary.json, timeseries.csv and field CSV writers. Numbers are printed with 17 significant digits so a
 * file round-trips the doubles exactly and two runs can be compared bit for bit. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "io/writers.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "readout/ihc.h"
#include "sim/readout.h"
#include "util/error_impl.h"

void stroma_json_number(FILE *f, double v) {
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

void stroma_json_u64(FILE *f, uint64_t v) {
    if (v < STROMA_JSON_EXACT_INT)
        fprintf(f, "%llu", (unsigned long long)v);
    else
        fprintf(f, "\"%llu\"", (unsigned long long)v);
}

/* Length of the well-formed UTF-8 sequence at p (1 to 4), or 0 (no overlong forms, surrogates or code points
 * above U+10FFFF). */
static int utf8_len(const unsigned char *p) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    int len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!len) return 0;
    unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
    if (p[1] < lo || p[1] > hi) return 0;
    for (int k = 2; k < len; k++)
        if (p[k] < 0x80 || p[k] > 0xbf) return 0;
    return len;
}

void stroma_json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = utf8_len(p);
        if (n == 0) {
            fputs("\\ufffd", f); /* a byte that is not UTF-8 (a file name may hold one): JSON cannot carry it */
            p++;
        } else if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p++);
        } else if (*p < 0x20) {
            fprintf(f, "\\u%04x", *p++);
        } else {
            fwrite(p, 1, (size_t)n, f);
            p += n;
        }
    }
    fputc('"', f);
}

void stroma_write_timeseries_header(FILE *f, const stroma_sim *sim) {
    fputs("time", f);
    for (int s = 0; s < sim->model->nsub; s++) {
        const char *n = sim->model->substrates[s].name;
        fprintf(f, ",%s_mean,%s_total", n, n);
    }
    if (sim->has_cells) {
        for (int k = 0; k < sim->model->ntypes; k++) fprintf(f, ",cells_%s", sim->model->cell_types[k].name);
        fputs(",cells_dead", f);
    }
    for (int k = 0; k < stroma_sim_plasma_count(sim); k++) fprintf(f, ",plasma_%s", stroma_sim_plasma(sim, k).name);
    if (sim->has_vessels) fputs(",vessel_density_mean,vascular_fraction", f);
    if (sim->has_ecm) fputs("," STROMA_ECM_FIELD_NAME "_mean", f);
    for (int k = 0; k < stroma_sim_recruitment_count(sim); k++)
        fprintf(f, ",recruited_%s", stroma_sim_recruitment(sim, k).name);
    for (int k = 0; k < stroma_sim_drug_count(sim); k++) {
        stroma_drug_summary d = stroma_sim_drug(sim, k);
        fprintf(f, ",drug_%s_plasma", d.name);
        if (d.substrate) fprintf(f, ",drug_%s_tissue", d.name);
    }
    stroma_readout r;
    if (stroma_sim_readout(sim, &r, NULL) == STROMA_OK) {
        for (int p = 0; p < r.npop; p++)
            for (int k = 0; k < r.nmarkers; k++)
                fprintf(f, ",ihc_%s_%s", stroma_ihc_population_name(sim->model, p),
                        sim->model->readout.markers[k].name);
        for (int k = 0; k < r.ntissue; k++) fprintf(f, ",tissue_%s", r.tissue[k].key);
        for (int k = 0; k < r.nindex; k++) fprintf(f, ",index_%s", r.index[k].key);
    }
    stroma_readout_free(&r);
    fputc('\n', f);
}

/* A readout value as a CSV field: an integer for a count, 17 digits otherwise, empty when undefined (NaN). */
static void csv_item(FILE *f, const stroma_readout_item *it) {
    if (!isfinite(it->value))
        fputc(',', f);
    else if (it->is_count)
        fprintf(f, ",%.0f", it->value);
    else
        fprintf(f, ",%.17g", it->value);
}

void stroma_write_timeseries_row(FILE *f, const stroma_sim *sim) {
    fprintf(f, "%.17g", stroma_sim_time(sim));
    for (int s = 0; s < sim->model->nsub; s++) {
        stroma_field_stats st = stroma_sim_substrate_stats(sim, s);
        fprintf(f, ",%.17g,%.17g", st.mean, st.total);
    }
    if (sim->has_cells) {
        int64_t live[STROMA_MAX_CELL_TYPES_RULES], dead;
        stroma_cell_engine_count(&sim->cells, live, &dead);
        for (int k = 0; k < sim->model->ntypes; k++) fprintf(f, ",%lld", (long long)live[k]);
        fprintf(f, ",%lld", (long long)dead);
    }
    for (int k = 0; k < stroma_sim_plasma_count(sim); k++) fprintf(f, ",%.17g", stroma_sim_plasma(sim, k).value);
    if (sim->has_vessels) {
        stroma_vessel_summary v = stroma_sim_vessels(sim);
        fprintf(f, ",%.17g,%.17g", v.mean_density, v.vascular_fraction);
    }
    if (sim->has_ecm) fprintf(f, ",%.17g", stroma_sim_ecm(sim).mean);
    for (int k = 0; k < stroma_sim_recruitment_count(sim); k++)
        fprintf(f, ",%lld", (long long)stroma_sim_recruitment(sim, k).recruited);
    for (int k = 0; k < stroma_sim_drug_count(sim); k++) {
        stroma_drug_summary d = stroma_sim_drug(sim, k);
        fprintf(f, ",%.17g", d.plasma);
        if (d.substrate) fprintf(f, ",%.17g", d.tissue_mean);
    }
    stroma_readout r;
    if (stroma_sim_readout(sim, &r, NULL) == STROMA_OK) {
        for (int p = 0; p < r.npop; p++)
            for (int k = 0; k < r.nmarkers; k++) {
                stroma_readout_item it = {.value = stroma_readout_fraction(&r, p, k)};
                csv_item(f, &it);
            }
        for (int k = 0; k < r.ntissue; k++) csv_item(f, &r.tissue[k]);
        for (int k = 0; k < r.nindex; k++) csv_item(f, &r.index[k]);
    }
    stroma_readout_free(&r);
    fputc('\n', f);
}

/* fields/<name>_<time>.csv: x,y,z,value at the voxel centres, value = v[voxel * stride]. */
static stroma_code write_field_csv(stroma_outdir *od, const stroma_sim *sim, const char *name, const double *v,
                                   size_t stride, stroma_error *err) {
    const stroma_mesh *m = &sim->transport->mesh;
    char rel[256];
    snprintf(rel, sizeof rel, "fields/%s_" STROMA_FILE_TIME ".csv", name, stroma_sim_time(sim));
    FILE *f = stroma_outdir_open(od, rel, err);
    if (!f) return err ? err->code : STROMA_ERR_IO;
    fputs("x,y,z,value\n", f);
    for (int k = 0; k < m->nz; k++)
        for (int j = 0; j < m->ny; j++)
            for (int i = 0; i < m->nx; i++)
                fprintf(f, "%.10g,%.10g,%.10g,%.17g\n", m->lo_um[0] + (i + 0.5) * m->dx_um,
                        m->lo_um[1] + (j + 0.5) * m->dx_um, m->lo_um[2] + (k + 0.5) * m->dx_um,
                        v[stroma_mesh_index(m, i, j, k) * stride]);
    return stroma_outdir_close(od, f, rel, err);
}

stroma_code stroma_write_fields_csv(stroma_outdir *od, const stroma_sim *sim, stroma_error *err) {
    const stroma_transport *t = sim->transport;
    for (int s = 0; s < t->nsub; s++) {
        stroma_code rc =
            write_field_csv(od, sim, sim->model->substrates[s].name, t->c + s, (size_t)t->nsub, err);
        if (rc != STROMA_OK) return rc;
    }
    const double *rho = stroma_sim_vessel_density(sim), *ecm = stroma_sim_ecm_density(sim);
    stroma_code rc = rho ? write_field_csv(od, sim, STROMA_VESSEL_FIELD_NAME, rho, 1, err) : STROMA_OK;
    return rc == STROMA_OK && ecm ? write_field_csv(od, sim, STROMA_ECM_FIELD_NAME, ecm, 1, err) : rc;
}

/* "<key>": <number> inside an object on one line (", " before every member but the first). */
static void json_member(FILE *f, const char *key, double v, int first) {
    fprintf(f, "%s\"%s\": ", first ? "" : ", ", key);
    stroma_json_number(f, v);
}

/* "vessels", "plasma" and "mass_balance" of a model with vessels / a body (docs/outputs.md). */
static void write_summary_body(FILE *f, const stroma_sim *sim) {
    stroma_vessel_summary v = stroma_sim_vessels(sim);
    if (v.present) {
        fputs(",\n  \"vessels\": {", f);
        json_member(f, "mean_density", v.mean_density, 1);
        json_member(f, "max_density", v.max_density, 0);
        json_member(f, "vascular_fraction", v.vascular_fraction, 0);
        json_member(f, "vascular_threshold", v.vascular_threshold, 0);
        json_member(f, "volume_um3", v.volume_um3, 0);
        json_member(f, "surface_um2", v.surface_um2, 0);
        json_member(f, "grown_um3", v.grown_um3, 0);
        json_member(f, "regressed_um3", v.regressed_um3, 0);
        json_member(f, "deposited_um3", v.deposited_um3, 0);
        json_member(f, "pruned_um3", v.pruned_um3, 0);
        fputc('}', f);
    }
    stroma_ecm_summary e = stroma_sim_ecm(sim);
    if (e.present) {
        fputs(",\n  \"ecm\": {", f);
        json_member(f, "mean", e.mean, 1);
        json_member(f, "max", e.max, 0);
        json_member(f, "total", e.total, 0);
        json_member(f, "deposited", e.deposited, 0);
        json_member(f, "degraded", e.degraded, 0);
        fputc('}', f);
    }
    int n = stroma_sim_plasma_count(sim);
    if (n == 0) return;
    fputs(",\n  \"plasma\": {", f);
    for (int k = 0; k < n; k++) {
        stroma_plasma_summary p = stroma_sim_plasma(sim, k);
        fputs(k ? ",\n    " : "\n    ", f);
        stroma_json_string(f, p.name);
        fputs(": {", f);
        json_member(f, "value", p.value, 1);
        fputs(", \"unit\": ", f);
        stroma_json_string(f, p.unit);
        json_member(f, "healthy", p.baseline, 0);
        fputc('}', f);
    }
    fputs("\n  },\n  \"mass_balance\": {", f);
    for (int k = 0; k < n; k++) {
        stroma_plasma_summary p = stroma_sim_plasma(sim, k);
        int sub = sim->model->body.systemic[k].substrate;
        fputs(k ? ",\n    " : "\n    ", f);
        stroma_json_string(f, p.name);
        fputs(": {\"tissue_unit\": ", f);
        stroma_json_string(f, sim->model->substrates[sub].unit);
        fputs(", \"clinical_unit\": ", f);
        stroma_json_string(f, p.unit);
        json_member(f, "tissue0", p.tissue0, 0);
        json_member(f, "tissue", p.tissue, 0);
        json_member(f, "decayed", p.decayed, 0); /* NaN (Dirichlet boundaries): null */
        json_member(f, "exchanged", p.exchanged, 0);
        json_member(f, "drained", p.drained, 0);
        json_member(f, "secreted", p.tissue - p.tissue0 + p.decayed + p.exchanged + p.drained, 0);
        json_member(f, "plasma0", p.plasma0, 0);
        json_member(f, "plasma", p.plasma, 0);
        json_member(f, "produced", p.produced, 0);
        json_member(f, "received", p.received, 0);
        json_member(f, "cleared", p.cleared, 0);
        json_member(f, "plasma_residual", p.plasma - p.plasma0 - p.produced - p.received + p.cleared, 0);
        fputc('}', f);
    }
    fputs("\n  }", f);
}

/* "vesicles" of a model with vesicle classes: each class's ledger in vesicles (docs/outputs.md). */
static void write_summary_vesicles(FILE *f, const stroma_sim *sim) {
    int n = stroma_sim_vesicle_count(sim);
    if (n == 0) return;
    fputs(",\n  \"vesicles\": {", f);
    for (int k = 0; k < n; k++) {
        stroma_vesicle_summary v = stroma_sim_vesicles(sim, k);
        fputs(k ? ",\n    " : "\n    ", f);
        stroma_json_string(f, v.name);
        fputs(": {", f);
        json_member(f, "released", v.released, 1);
        json_member(f, "taken_up", v.taken_up, 0);
        json_member(f, "tissue0", v.tissue0, 0);
        json_member(f, "tissue", v.tissue, 0);
        json_member(f, "decayed", v.decayed, 0); /* NaN (Dirichlet boundaries): null */
        json_member(f, "exchanged", v.exchanged, 0);
        json_member(f, "drained", v.drained, 0);
        json_member(f, "plasma", v.plasma, 0);    /* NaN (not systemic): null */
        /* the cargo that circulates: plasma value x molecules per vesicle, per cargo molecule */
        const stroma_vesicle_class_desc *cd = &sim->model->vesicles.classes[k];
        if (isfinite(v.plasma) && cd->cargo) {
            fputs(", \"plasma_cargo\": {", f);
            int first = 1;
            for (int s = 0; s < sim->model->nstate; s++) {
                if (cd->cargo[s] == 0) continue;
                json_member(f, sim->model->state_vars[s].name, v.plasma * cd->cargo[s], first);
                first = 0;
            }
            fputc('}', f);
        }
        fputc('}', f);
    }
    fputs("\n  }", f);
}

/* "therapies": per drug, its plasma level and ledger now (docs/outputs.md). */
static void write_summary_therapies(FILE *f, const stroma_sim *sim) {
    int n = stroma_sim_drug_count(sim);
    if (n == 0) return;
    fputs(",\n  \"therapies\": {", f);
    for (int k = 0; k < n; k++) {
        stroma_drug_summary d = stroma_sim_drug(sim, k);
        fputs(k ? ",\n    " : "\n    ", f);
        stroma_json_string(f, d.name);
        fputs(": {\"substrate\": ", f);
        if (d.substrate)
            stroma_json_string(f, d.substrate);
        else
            fputs("null", f);
        json_member(f, "plasma_mg_per_l", d.plasma, 0);
        json_member(f, "peripheral_mg_per_l", d.peripheral, 0);
        json_member(f, "tissue_mean", d.tissue_mean, 0);
        json_member(f, "auc_mg_min_per_l", d.auc, 0);
        json_member(f, "cmax_mg_per_l", d.cmax, 0);
        json_member(f, "tmax_min", d.tmax_min, 0);
        json_member(f, "dosed_mg", d.dosed_mg, 0);
        json_member(f, "cleared_mg", d.cleared_mg, 0);
        json_member(f, "in_body_mg", d.in_body_mg, 0);
        json_member(f, "doses_given", d.doses_given, 0);
        json_member(f, "doses", d.doses, 0);
        json_member(f, "neutralised", d.neutralised, 0);
        fputc('}', f);
    }
    fputs("\n  }", f);
}

/* "recruited" and "recruited_expected" of a model with recruitment: cells per type since the start. */
static void write_summary_recruitment(FILE *f, const stroma_sim *sim) {
    int n = stroma_sim_recruitment_count(sim);
    if (n == 0) return;
    fputs(",\n  \"recruited\": {", f);
    for (int k = 0; k < n; k++) {
        stroma_recruit_summary r = stroma_sim_recruitment(sim, k);
        fputs(k ? ", " : "", f);
        stroma_json_string(f, r.name);
        fprintf(f, ": %lld", (long long)r.recruited);
    }
    fputs("},\n  \"recruited_expected\": {", f);
    for (int k = 0; k < n; k++) {
        stroma_recruit_summary r = stroma_sim_recruitment(sim, k);
        fputs(k ? ", " : "", f);
        stroma_json_string(f, r.name);
        fputs(": ", f);
        stroma_json_number(f, r.expected);
    }
    fputc('}', f);
}

/* A readout value as a JSON number: an integer for a count, null when undefined. */
static void json_item(FILE *f, const stroma_readout_item *it, int first) {
    fprintf(f, "%s\"%s\": ", first ? "" : ", ", it->key);
    if (it->is_count && isfinite(it->value))
        fprintf(f, "%.0f", it->value);
    else
        stroma_json_number(f, it->value);
}

/* "ihc", "tissue" and "indices" (docs/outputs.md, pathology and clinical indices). */
static void write_summary_readout(FILE *f, const stroma_sim *sim, const stroma_readout *r) {
    const stroma_model *m = sim->model;
    if (r->nmarkers > 0) {
        fputs(",\n  \"ihc\": {", f);
        for (int p = 0; p < r->npop; p++) {
            fputs(p ? ",\n    " : "\n    ", f);
            stroma_json_string(f, stroma_ihc_population_name(m, p));
            fputs(": {", f);
            for (int k = 0; k < r->nmarkers; k++) json_member(f, m->readout.markers[k].name,
                                                               stroma_readout_fraction(r, p, k), k == 0);
            fputc('}', f);
        }
        fputs("\n  }", f);
    }
    if (r->ntissue > 0) {
        fputs(",\n  \"tissue\": {", f);
        for (int k = 0; k < r->ntissue; k++) json_item(f, &r->tissue[k], k == 0);
        fputc('}', f);
    }
    if (r->nindex > 0) {
        fputs(",\n  \"indices\": {", f);
        for (int k = 0; k < r->nindex; k++) json_item(f, &r->index[k], k == 0);
        fputc('}', f);
    }
}

stroma_code stroma_write_summary(stroma_outdir *od, const stroma_sim *sim, stroma_error *err) {
    const stroma_model *m = sim->model;
    const stroma_mesh *mesh = &sim->transport->mesh;
    stroma_readout r;
    stroma_code rrc = stroma_sim_readout(sim, &r, err);
    if (rrc != STROMA_OK) return rrc;
    FILE *f = stroma_outdir_open(od, "summary.json", err);
    if (!f) {
        stroma_readout_free(&r);
        return err ? err->code : STROMA_ERR_IO;
    }
    fputs("{\n  \"stroma_version\": ", f);
    stroma_json_string(f, stroma_version());
    fputs(",\n  \"model\": ", f);
    stroma_json_string(f, m->path);
    fputs(",\n  \"model_sha256\": ", f);
    stroma_json_string(f, m->sha256);
    fputs(",\n  \"seed\": ", f);
    stroma_json_u64(f, m->seed);
    fputs(",\n  \"time\": ", f);
    stroma_json_number(f, stroma_sim_time(sim));
    fprintf(f, ",\n  \"steps\": %lld,\n  \"dt_diffusion\": ", (long long)sim->step);
    stroma_json_number(f, sim->dt_min);
    fprintf(f, ",\n  \"grid\": {\"nx\": %d, \"ny\": %d, \"nz\": %d, \"voxel\": ", mesh->nx, mesh->ny, mesh->nz);
    stroma_json_number(f, mesh->dx_um);
    fprintf(f, ", \"dimension\": %d},\n  \"sources\": %zu,\n  \"substrates\": {", mesh->dim, sim->npoints);
    for (int s = 0; s < m->nsub; s++) {
        stroma_field_stats st = stroma_sim_substrate_stats(sim, s);
        fprintf(f, "%s\n    ", s ? "," : "");
        stroma_json_string(f, m->substrates[s].name);
        fputs(": {\"unit\": ", f);
        stroma_json_string(f, m->substrates[s].unit);
        fputs(", \"mean\": ", f);
        stroma_json_number(f, st.mean);
        fputs(", \"min\": ", f);
        stroma_json_number(f, st.min);
        fputs(", \"max\": ", f);
        stroma_json_number(f, st.max);
        fputs(", \"total\": ", f);
        stroma_json_number(f, st.total);
        fputc('}', f);
    }
    fputs("\n  }", f);
    if (sim->has_cells) {
        int64_t live[STROMA_MAX_CELL_TYPES_RULES], dead;
        stroma_cell_engine_count(&sim->cells, live, &dead);
        fputs(",\n  \"cells\": {", f);
        for (int k = 0; k < sim->model->ntypes; k++) {
            fputs(k ? ", " : "", f);
            stroma_json_string(f, sim->model->cell_types[k].name);
            fprintf(f, ": %lld", (long long)live[k]);
        }
        const stroma_cell_counters *ev = &sim->cells.counters;
        fprintf(f,
                "},\n  \"dead_cells\": %lld,\n  \"cell_events\": {\"births\": %lld, \"apoptoses\": %lld, "
                "\"necroses\": %lld, \"kills\": %lld, \"phagocytoses\": %lld, \"transformations\": %lld, "
                "\"removals\": %lld}",
                (long long)dead, (long long)ev->births, (long long)ev->apoptoses,
                (long long)ev->necroses, (long long)ev->kills, (long long)ev->phagocytoses,
                (long long)ev->transformations, (long long)ev->removals);
        const stroma_packing pk = stroma_cell_engine_packing(&sim->cells);
        fputs(",\n  \"packing\": {\"mean_pressure\": ", f);
        stroma_json_number(f, pk.mean_pressure);
        fprintf(f, ", \"cells_held_by_walls\": %lld}", (long long)pk.at_walls);
    }
    write_summary_body(f, sim);
    write_summary_vesicles(f, sim);
    write_summary_recruitment(f, sim);
    write_summary_therapies(f, sim);
    write_summary_readout(f, sim, &r);
    stroma_readout_free(&r);
    fputs("\n}\n", f);
    return stroma_outdir_close(od, f, "summary.json", err);
}

/* run.json's text into f, the error message cut to at most error_max bytes (at a character boundary, marked
 * with "..."). */
static void run_info_print(FILE *f, const stroma_sim *sim, const stroma_run_status *st, size_t error_max) {
    fputs("{\n  \"stroma_version\": ", f);
    stroma_json_string(f, stroma_version());
    fputs(",\n  \"status\": ", f);
    stroma_json_string(f, st->state);
    fputs(",\n  \"model\": ", f);
    stroma_json_string(f, sim->model->path);
    fputs(",\n  \"model_file\": ", f);
    char abs[4096];
    stroma_json_string(f, st->model_file          ? st->model_file
                          : realpath(sim->model->path, abs) ? abs
                                                            : sim->model->path);
    fputs(",\n  \"model_sha256\": ", f);
    stroma_json_string(f, sim->model->sha256);
    /* the command-line overrides (stroma run --set), in order: ["key.path=value", ...] */
    fputs(",\n  \"overrides\": [", f);
    const char *ov = sim->model->overrides ? sim->model->overrides : "";
    for (int first = 1; *ov; first = 0) {
        const char *nl = strchr(ov, '\n');
        size_t n = nl ? (size_t)(nl - ov) : strlen(ov);
        char one[4200];
        size_t skip = strncmp(ov, "--set ", 6) == 0 ? 6 : 0;
        snprintf(one, sizeof one, "%.*s", (int)(n - skip), ov + skip);
        fputs(first ? "" : ", ", f);
        stroma_json_string(f, one);
        ov += n + (nl ? 1 : 0);
    }
    fputs("]", f);
    fputs(",\n  \"seed\": ", f);
    stroma_json_u64(f, sim->model->seed);
    fprintf(f, ",\n  \"threads\": %d,\n  \"solver\": ", st->threads);
    stroma_json_string(f, sim->transport->ops->name);
    fputs(",\n  \"time\": ", f);
    stroma_json_number(f, st->time_min);
    fputs(",\n  \"end_time\": ", f);
    stroma_json_number(f, stroma_sim_end_time(sim));
    fputs(",\n  \"last_output_time\": ", f);
    if (st->last_output_min >= 0)
        stroma_json_number(f, st->last_output_min);
    else
        fputs("null", f);
    fputs(",\n  \"checkpoint_every\": ", f);
    if (st->checkpoint_every_min > 0)
        stroma_json_number(f, st->checkpoint_every_min);
    else
        fputs("null", f);
    fputs(",\n  \"resumed_at\": ", f);
    stroma_json_number(f, st->resumed_at_min); /* null when not resumed */
    fputs(",\n  \"wall_seconds\": ", f);
    stroma_json_number(f, st->wall_s);
    fputs(",\n  \"output_seconds\": ", f);
    stroma_json_number(f, st->output_s);
    fputs(",\n  \"checkpoint_seconds\": ", f);
    stroma_json_number(f, st->checkpoint_s);
    fputs(",\n  \"error\": ", f);
    if (st->error && strlen(st->error) <= error_max) {
        stroma_json_string(f, st->error);
    } else if (st->error) {
        size_t cut = error_max;
        while (cut > 0 && ((unsigned char)st->error[cut] & 0xC0) == 0x80) cut--; /* not inside a character */
        char *part = malloc(cut + 4);
        if (part) {
            memcpy(part, st->error, cut);
            memcpy(part + cut, "...", 4);
            stroma_json_string(f, part);
            free(part);
        } else {
            fputs("\"...\"", f);
        }
    } else {
        fputs("null", f);
    }
    fputs("\n}\n", f);
}

/* run.json's text in a new buffer (*len bytes), or NULL when out of memory. */
static char *run_info_text(const stroma_sim *sim, const stroma_run_status *st, size_t error_max, size_t *len) {
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f) return NULL;
    run_info_print(f, sim, st, error_max);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

stroma_code stroma_write_run_info(stroma_outdir *od, const stroma_sim *sim, const stroma_run_status *st,
                                  stroma_error *err) {
    FILE *f = stroma_outdir_open(od, "run.json", err);
    if (!f) return err ? err->code : STROMA_ERR_IO;
    run_info_print(f, sim, st, SIZE_MAX);
    if (strcmp(st->state, "running") == 0) /* room to say how the run ends without new blocks (in place) */
        for (int i = 0; i < STROMA_RUN_JSON_ROOM; i++) fputc(i + 1 < STROMA_RUN_JSON_ROOM ? ' ' : '\n', f);
    return stroma_outdir_close(od, f, "run.json", err);
}

stroma_code stroma_write_run_info_in_place(stroma_outdir *od, const stroma_sim *sim, const stroma_run_status *st,
                                           stroma_error *err) {
    char path[1400];
    snprintf(path, sizeof path, "%s/run.json", od->path);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return stroma_error_set(err, STROMA_ERR_IO, "cannot rewrite '%s' in place: %s", path, strerror(errno));
    size_t size = (size_t)sb.st_size, len = 0, error_max = st->error ? strlen(st->error) : 0;
    char *text = run_info_text(sim, st, error_max, &len);
    while (text && len > size && error_max > 0) { /* cut the error message until the text fits */
        size_t over = len - size + 8;
        error_max = error_max > over ? error_max - over : 0;
        free(text);
        text = run_info_text(sim, st, error_max, &len);
    }
    if (!text) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory rewriting '%s'", path);
    stroma_code rc = len <= size ? stroma_outdir_overwrite(od, "run.json", text, len, ' ', err)
                                 : stroma_error_set(err, STROMA_ERR_IO,
                                                    "cannot rewrite '%s' in place: it has %zu bytes, %zu are needed",
                                                    path, size, len);
    free(text);
    return rc;
}

/* A CSV field: as it is when it holds no comma, quote, CR or LF and no space at either end, else quoted with its
 * quotes doubled (RFC 4180). Model names ([A-Za-z_][A-Za-z0-9_.-]*) and behaviour names never need it. */
static void csv_field(FILE *f, const char *prefix, const char *s) {
    size_t len = strlen(s);
    int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (const char *p = s; *p && !quote; p++) quote = *p == ',' || *p == '"' || *p == '\r' || *p == '\n';
    fputc(',', f);
    if (!quote) {
        fprintf(f, "%s%s", prefix, s);
        return;
    }
    fprintf(f, "\"%s", prefix);
    for (const char *p = s; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* The cells CSV's columns before the state variables; a state variable with one of these names is written as
 * var:<name>. The first ten are the file's original columns (tools and tests read them by position). */
static const char *const cells_csv_fixed[] = {
    "id", "type", "state", "x", "y", "z", "radius", "volume", "phase", "pressure",
    "age", "damage", "damage_delivered", "vx", "vy", "vz", "attached_id"};
enum { CELLS_CSV_FIXED = sizeof cells_csv_fixed / sizeof cells_csv_fixed[0] };

stroma_code stroma_write_cells_csv(stroma_outdir *od, const stroma_sim *sim, stroma_error *err) {
    char rel[256];
    const double time_min = stroma_sim_time(sim);
    snprintf(rel, sizeof rel, "cells/cells_" STROMA_FILE_TIME ".csv", time_min);
    FILE *f = stroma_outdir_open(od, rel, err);
    if (!f) return err ? err->code : STROMA_ERR_IO;
    static const char *const state_names[] = {"live", "apoptotic", "necrotic"};
    const stroma_model *model = sim->model;
    const stroma_cell_engine *e = &sim->cells;
    const stroma_cells *c = &e->cells;
    const stroma_rules_engine *R = e->rules;
    const int nstate = c->nstate, nmark = model->readout.nmarkers, nslots = R ? R->nslots : 0;
    for (int k = 0; k < CELLS_CSV_FIXED; k++) fprintf(f, "%s%s", k ? "," : "", cells_csv_fixed[k]);
    for (int v = 0; v < nstate; v++) {
        const char *name = model->state_vars[v].name;
        int clash = 0;
        for (int k = 0; k < CELLS_CSV_FIXED; k++) clash |= strcmp(name, cells_csv_fixed[k]) == 0;
        csv_field(f, clash ? "var:" : "", name);
    }
    for (int m = 0; m < nmark; m++) csv_field(f, "marker:", model->readout.markers[m].name);
    for (int s = 0; s < nslots; s++)
        csv_field(f, "behaviour:", model->rule_tables.behaviours[R->slot_beh[s]].name);
    fputc('\n', f);
    for (size_t i = 0; i < c->n; i++) {
        fprintf(f, "%lld,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%.17g", (long long)c->id[i],
                model->cell_types[c->type[i]].name, state_names[c->state[i] <= 2 ? c->state[i] : 0], c->x[i],
                c->y[i], c->z[i], c->radius_um[i], c->volume_um3[i], (int)c->phase[i], c->pressure[i]);
        fprintf(f, ",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%lld", time_min - c->birth_min[i], c->damage[i],
                c->damage_delivered[i], c->vx[i], c->vy[i], c->vz[i], (long long)c->attached_id[i]);
        for (int v = 0; v < nstate; v++) fprintf(f, ",%.17g", c->svar[i * (size_t)nstate + (size_t)v]);
        for (int m = 0; m < nmark; m++)
            fprintf(f, ",%d", c->state[i] == STROMA_CELL_LIVE &&
                                  stroma_ihc_positive(model, e, sim->transport, i, m, time_min));
        for (int s = 0; s < nslots; s++)
            fprintf(f, ",%.17g", stroma_cell_engine_behaviour(e, model, i, R->slot_beh[s]));
        fputc('\n', f);
    }
    return stroma_outdir_close(od, f, rel, err);
}
