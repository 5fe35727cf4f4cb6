/* The run report (see report.h): reads the output directory's files, draws the plots, writes report.html. */
#define _XOPEN_SOURCE 700
#include "io/report.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/plot.h"
#include "io/render.h"
#include "io/report_viewer.h"
#include "io/writers.h"
#include "io/table.h"
#include "stroma/stroma.h"
#include "util/base64.h"
#include "util/error_impl.h"
#include "util/file.h"
#include "util/json.h"

/* A group of timeseries.csv columns plotted together (or, with per_column, one plot per column). Adding a
 * quantity to the report is adding a row here. In the texts, %s is the column's label (the name without
 * prefix and suffix) and %u its unit, looked up in summary.json's object `units_in` ("substrates" if NULL). */
typedef struct report_group {
    const char *name;      /* file name part: images/plot_<name>.png (per column: plot_<label>_<name>.png) */
    const char *prefix, *suffix;
    int per_column;
    const char *title, *y_label;
    const char *muted;     /* column drawn grey and dashed */
    int from_zero;
    int log_if_spread;     /* log y when the largest series peaks over 100 x the smallest (positive) one */
    const char *skip;      /* a column of the prefix and suffix that is not in the group */
    const char *units_in;  /* summary.json object keyed by label that holds "unit"; when summary.json has it,
                              only the columns whose label is one of its keys are in the group */
    const char *ref_key;   /* per column: the number units_in.<label>.<ref_key> is drawn as a reference line */
    const char *ref_label; /* ... labelled so */
    const char *const *columns, *const *labels; /* instead of prefix and suffix: these columns (one plot) */
    int not_readouts;      /* leave out the readout columns (ihc_*, tissue_*, index_*: docs/outputs.md) */
} report_group;

static const report_group report_groups[] = {
    {.name = "cells", .prefix = "cells_", .suffix = "", .title = "Cells by type", .y_label = "cells",
     .muted = "cells_dead", .from_zero = 1, .log_if_spread = 1},
    {.name = "mean", .prefix = "", .suffix = "_mean", .per_column = 1, .title = "%s: mean over the domain",
     .y_label = "%s mean [%u]", .skip = "vessel_density_mean", .not_readouts = 1},
    {.name = "plasma", .prefix = "plasma_", .suffix = "", .per_column = 1, .title = "Plasma %s",
     .y_label = "%s in plasma [%u]", .units_in = "plasma", .ref_key = "healthy", .ref_label = "healthy"},
    {.name = "vessels", .prefix = "", .suffix = "", .title = "Vessel density: mean over the domain",
     .y_label = "vessel density [volume fraction]", .from_zero = 1,
     .columns = (const char *const[]){"vessel_density_mean", NULL}},
    {.name = "vascular_fraction", .prefix = "", .suffix = "", .title = "Vascular fraction: voxels with vessel",
     .y_label = "vascular fraction [fraction of voxels]", .from_zero = 1,
     .columns = (const char *const[]){"vascular_fraction", NULL}},
    {.name = "recruited", .prefix = "recruited_", .suffix = "", .title = "Cells recruited from the blood, since the start",
     .y_label = "cells recruited", .from_zero = 1},
    {.name = "indices", .prefix = "index_", .suffix = "", .title = "Clinical indices (modelling choices)",
     .y_label = "index [0 to 1]", .from_zero = 1},
};

/* What the report is built from. */
typedef struct report_in {
    const char *dir;
    stroma_json *summary, *run;
    char summary_note[512], run_note[512];
    stroma_table ts;
    int have_ts;
    char ts_note[512];
    struct report_snap {
        double t;        /* min */
        char name[48];   /* images/tissue_<t>.png's name */
    } *snap_t;           /* the tissue pictures, in time order */
    size_t nsnap;
    stroma_report_viewer viewer; /* the interactive viewer's section and script */
} report_in;

/* ---- small helpers ---- */

static void html_esc(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void html_num(FILE *f, double v) {
    if (!isfinite(v))
        fputs("–", f);
    else if (v == floor(v) && fabs(v) < 1e15)
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.6g", v);
}

static void report_path(const report_in *in, const char *rel, char *out, size_t cap) {
    snprintf(out, cap, "%s/%s", in->dir, rel);
}

/* Parse a JSON file of the directory; on failure leaves a note and returns NULL. *missing is set when the
 * file does not exist. */
static stroma_json *report_json(const report_in *in, const char *rel, char *note, size_t cap, int *missing) {
    char path[1400];
    report_path(in, rel, path, sizeof path);
    char *text;
    size_t len;
    int e = stroma_read_regular_file(path, &text, &len);
    *missing = e == ENOENT;
    if (e) {
        snprintf(note, cap, "%s could not be read (%s).", rel, e == EINVAL ? "not a regular file" : strerror(e));
        return NULL;
    }
    char msg[256];
    stroma_json *j = stroma_json_parse(text, len, msg, sizeof msg);
    free(text);
    if (!j) snprintf(note, cap, "%s is malformed: %s.", rel, msg);
    if (j && j->kind != STROMA_JSON_OBJECT) {
        snprintf(note, cap, "%s does not hold a JSON object.", rel);
        stroma_json_free(&j);
    }
    return j;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* In time order, then by name (one order whatever readdir gives). */
static int cmp_snap(const void *a, const void *b) {
    int c = cmp_double(a, b);
    return c ? c : strcmp(((const struct report_snap *)a)->name, ((const struct report_snap *)b)->name);
}

/* The tissue pictures images/tissue_<t>.png, sorted. */
static int report_snapshots(report_in *in) {
    char path[1400];
    report_path(in, "images", path, sizeof path);
    DIR *d = opendir(path);
    if (!d) return 0;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t n = strlen(name);
        double t;
        /* tissue_<time>.png as io/pictures.c names them: digits, perhaps a point and digits */
        if (n < 12 || n >= sizeof in->snap_t->name || strncmp(name, "tissue_", 7) != 0 ||
            strcmp(name + n - 4, ".png") != 0 || stroma_time_name_parse(name + 7, n - 11, &t) != 0)
            continue;
        if (in->nsnap == cap) {
            size_t nc = cap ? 2 * cap : 64;
            struct report_snap *p = realloc(in->snap_t, nc * sizeof *p);
            if (!p) {
                closedir(d);
                return -1;
            }
            in->snap_t = p;
            cap = nc;
        }
        in->snap_t[in->nsnap].t = t;
        memcpy(in->snap_t[in->nsnap++].name, name, n + 1);
    }
    closedir(d);
    if (in->nsnap) qsort(in->snap_t, in->nsnap, sizeof *in->snap_t, cmp_snap);
    return 0;
}

/* Width and height from a PNG's header (0 if it is not one). */
static void png_size(const unsigned char *p, size_t n, unsigned *w, unsigned *h) {
    *w = *h = 0;
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n < 24 || memcmp(p, sig, 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0) return;
    *w = (unsigned)p[16] << 24 | (unsigned)p[17] << 16 | (unsigned)p[18] << 8 | p[19];
    *h = (unsigned)p[20] << 24 | (unsigned)p[21] << 16 | (unsigned)p[22] << 8 | p[23];
}

static void html_img(FILE *f, const unsigned char *png, size_t len, const char *alt) {
    unsigned w, h;
    png_size(png, len, &w, &h);
    fputs("<img alt=\"", f);
    html_esc(f, alt);
    fputc('"', f);
    if (w && h) fprintf(f, " width=\"%u\" height=\"%u\"", w, h);
    fputs(" src=\"data:image/png;base64,", f);
    stroma_base64_write(f, png, len);
    fputs("\">", f);
}

/* Unit of a substrate (or of another object of summary.json, `where`, keyed by name) from summary.json ("" if
 * unknown). */
static const char *report_unit(const report_in *in, const char *where, const char *name) {
    const stroma_json *s = stroma_json_get(stroma_json_get(in->summary, where ? where : "substrates"), name);
    const char *u = stroma_json_get_string(s, "unit");
    /* the matrix is not a substrate: its field (ECM_mean) is in mg/mL (docs/ecm.md) */
    if (!u && !where && strcmp(name, STROMA_ECM_FIELD_NAME) == 0 && stroma_json_get(in->summary, "ecm")) return "mg/mL";
    return u ? u : "";
}

/* Whether column `name` is in group g (prefix, suffix, skip and units_in; not for a list of columns). */
static int report_group_takes(const report_in *in, const report_group *g, const char *name) {
    size_t lp = strlen(g->prefix), ls = strlen(g->suffix), n = strlen(name);
    if (n <= lp + ls || strncmp(name, g->prefix, lp) || strcmp(name + n - ls, g->suffix)) return 0;
    if (g->skip && strcmp(name, g->skip) == 0) return 0;
    if (g->not_readouts && (strncmp(name, "ihc_", 4) == 0 || strncmp(name, "tissue_", 7) == 0 ||
                            strncmp(name, "index_", 6) == 0))
        return 0;
    const stroma_json *known = g->units_in ? stroma_json_get(in->summary, g->units_in) : NULL;
    if (known && known->kind == STROMA_JSON_OBJECT) {
        char label[128];
        snprintf(label, sizeof label, "%.*s", (int)(n - lp - ls), name + lp);
        return stroma_json_get(known, label) != NULL;
    }
    return 1;
}

/* Expand a group text: %s the label, %u the unit (or "no unit") from summary.json's `where` object. */
static void report_expand(const report_in *in, const char *where, const char *tmpl, const char *label, char *out,
                          size_t cap) {
    size_t n = 0;
    for (const char *p = tmpl; *p && n + 1 < cap; p++) {
        const char *ins = NULL;
        if (p[0] == '%' && p[1] == 's') ins = label;
        if (p[0] == '%' && p[1] == 'u') {
            ins = report_unit(in, where, label);
            if (!ins[0]) ins = "no unit";
        }
        if (ins) {
            int w = snprintf(out + n, cap - n, "%s", ins);
            n += w < 0 ? 0 : ((size_t)w < cap - n ? (size_t)w : cap - n - 1);
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* ---- sections ---- */

/* <td class="n">number</td> */
static void html_num_td(FILE *f, double v) {
    fputs("<td class=\"n\">", f);
    html_num(f, v);
    fputs("</td>", f);
}

/* The body's headline numbers: plasma values against their healthy levels, the vessels, the mass balance. */
static void section_headline_body(FILE *f, const stroma_json *s) {
    const stroma_json *plasma = stroma_json_get(s, "plasma");
    if (plasma && plasma->kind == STROMA_JSON_OBJECT) {
        fputs("<h3>Plasma at the end</h3>\n<table>\n<tr><th>substrate</th><th>unit</th><th class=\"n\">plasma</th>"
              "<th class=\"n\">healthy</th><th class=\"n\">× healthy</th></tr>\n",
              f);
        for (size_t i = 0; i < plasma->n; i++) {
            const stroma_json *x = &plasma->items[i];
            double v = stroma_json_get_number(x, "value", NAN), h = stroma_json_get_number(x, "healthy", NAN);
            fputs("<tr><td>", f);
            html_esc(f, x->key);
            fputs("</td><td>", f);
            html_esc(f, stroma_json_get_string(x, "unit"));
            fputs("</td>", f);
            html_num_td(f, v);
            html_num_td(f, h);
            fputs("<td class=\"n\">", f);
            if (h > 0 && isfinite(v))
                fprintf(f, "%.4g", v / h);
            else
                fputs("–", f);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    const stroma_json *ves = stroma_json_get(s, "vessels");
    if (ves && ves->kind == STROMA_JSON_OBJECT) {
        static const char *const rows[][3] = {
            {"mean_density", "mean density", "volume fraction"},
            {"max_density", "largest density", "volume fraction"},
            {"vascular_fraction", "vascular fraction", "of voxels"},
            {"volume_um3", "vessel volume", "µm³"},
            {"surface_um2", "wall surface", "µm²"},
            {"grown_um3", "grown (angiogenesis)", "µm³"},
            {"regressed_um3", "regressed", "µm³"},
            {"deposited_um3", "laid down by cells", "µm³"},
            {"pruned_um3", "pruned by cells", "µm³"},
        };
        fputs("<h3>Vessels at the end</h3>\n<table class=\"kv\">\n", f);
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            fputs("<tr><th>", f);
            html_esc(f, rows[i][1]);
            fputs("</th><td>", f);
            html_num(f, stroma_json_get_number(ves, rows[i][0], NAN));
            fputc(' ', f);
            html_esc(f, rows[i][2]);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    const stroma_json *mb = stroma_json_get(s, "mass_balance");
    if (mb && mb->kind == STROMA_JSON_OBJECT) {
        fputs("<h3>Mass balance over the run</h3>\n<p>In the tissue (tissue unit·µm³ of the domain): secreted = "
              "change in content + decayed + exchanged + drained. In plasma (clinical unit·mL): change = produced + "
              "received − cleared; the residual is what that misses (rounding).</p>\n<table>\n<tr><th>substrate</th>"
              "<th class=\"n\">secreted</th><th class=\"n\">decayed</th><th class=\"n\">exchanged</th>"
              "<th class=\"n\">drained</th><th class=\"n\">plasma received</th><th class=\"n\">plasma cleared</th>"
              "<th class=\"n\">plasma residual</th></tr>\n",
              f);
        static const char *const cols[] = {"secreted", "decayed", "exchanged", "drained",
                                           "received", "cleared", "plasma_residual"};
        for (size_t i = 0; i < mb->n; i++) {
            const stroma_json *x = &mb->items[i];
            fputs("<tr><td>", f);
            html_esc(f, x->key);
            fputs("</td>", f);
            for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) html_num_td(f, stroma_json_get_number(x, cols[k], NAN));
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
}

/* Units of the tissue metrics (summary.json "tissue"), by key. */
static const char *tissue_unit(const char *key) {
    static const char *const units[][2] = {
        {"tumour_cells", "live cells"}, {"tumour_area_mm2", "mm²"}, {"margin_area_mm2", "mm²"},
        {"tumour_volume_mm3", "mm³"}, {"margin_volume_mm3", "mm³"}, {"cd8_in_tumour", "live cells"},
        {"cd8_margin", "live cells"}, {"cd8_in_tumour_per_mm2", "cells/mm²"}, {"cd8_margin_per_mm2", "cells/mm²"},
        {"cd8_in_tumour_per_mm3", "cells/mm³"}, {"cd8_margin_per_mm3", "cells/mm³"}, {"ecm_mean", "mg/mL"},
        {"ecm_mean_normal", "mg/mL"}, {"vessel_density", "volume fraction"},
        {"vessel_density_normal", "volume fraction"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(key, units[i][0]) == 0) return units[i][1];
    return "";
}

/* What a pathologist and a clinician read: the IHC fractions (populations x markers), the tissue metrics and the
 * clinical indices at the end. */
static void section_headline_readout(FILE *f, const stroma_json *s) {
    const stroma_json *ihc = stroma_json_get(s, "ihc");
    if (ihc && ihc->kind == STROMA_JSON_OBJECT && ihc->n > 0 && ihc->items[0].kind == STROMA_JSON_OBJECT) {
        const stroma_json *first = &ihc->items[0];
        fputs("<h3>Virtual IHC at the end</h3>\n<p>Fraction of the live cells of each population positive for each "
              "marker (– : no live cell).</p>\n<table>\n<tr><th>population</th>", f);
        for (size_t k = 0; k < first->n; k++) {
            fputs("<th class=\"n\">", f);
            html_esc(f, first->items[k].key);
            fputs("</th>", f);
        }
        fputs("</tr>\n", f);
        for (size_t i = 0; i < ihc->n; i++) {
            fputs("<tr><td>", f);
            html_esc(f, ihc->items[i].key);
            fputs("</td>", f);
            for (size_t k = 0; k < first->n; k++)
                html_num_td(f, stroma_json_get_number(&ihc->items[i], first->items[k].key, NAN));
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    const stroma_json *tissue = stroma_json_get(s, "tissue");
    if (tissue && tissue->kind == STROMA_JSON_OBJECT) {
        fputs("<h3>Tissue at the end</h3>\n<p>The tumour region, its invasive margin and the normal tissue beyond it "
              "(docs/outputs.md).</p>\n<table class=\"kv\">\n", f);
        for (size_t i = 0; i < tissue->n; i++) {
            fputs("<tr><th>", f);
            html_esc(f, tissue->items[i].key);
            fputs("</th><td>", f);
            html_num(f, stroma_json_get_number(tissue, tissue->items[i].key, NAN));
            fputc(' ', f);
            html_esc(f, tissue_unit(tissue->items[i].key));
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    const stroma_json *idx = stroma_json_get(s, "indices");
    if (idx && idx->kind == STROMA_JSON_OBJECT) {
        fputs("<h3>Clinical indices at the end</h3>\n<p>Modelling choices: weighted saturating terms of plasma "
              "excesses over the healthy levels, 0 healthy to 1 (docs/outputs.md).</p>\n<table class=\"kv\">\n", f);
        for (size_t i = 0; i < idx->n; i++) {
            fputs("<tr><th>", f);
            html_esc(f, idx->items[i].key);
            fputs("</th><td>", f);
            html_num(f, stroma_json_get_number(idx, idx->items[i].key, NAN));
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
}

static void section_headline(FILE *f, const report_in *in) {
    fputs("<section id=\"summary\">\n<h2>Headline numbers</h2>\n", f);
    const stroma_json *s = in->summary;
    if (!s) {
        fputs("<p class=\"note\">", f);
        html_esc(f, in->summary_note);
        fputs(" The run did not finish, or its directory is incomplete: there are no final numbers.</p>\n", f);
        fputs("</section>\n", f);
        return;
    }
    double t = stroma_json_get_number(s, "time", NAN);
    fputs("<table class=\"kv\">\n<tr><th>final time</th><td>", f);
    html_num(f, t);
    fputs(" min", f);
    if (t >= 60) fprintf(f, " (%.3g h)", t / 60);
    fputs("</td></tr>\n<tr><th>steps</th><td>", f);
    html_num(f, stroma_json_get_number(s, "steps", NAN));
    fputs("</td></tr>\n", f);
    const stroma_json *g = stroma_json_get(s, "grid");
    if (g) {
        fputs("<tr><th>grid</th><td>", f);
        html_num(f, stroma_json_get_number(g, "nx", NAN));
        fputs(" × ", f);
        html_num(f, stroma_json_get_number(g, "ny", NAN));
        fputs(" × ", f);
        html_num(f, stroma_json_get_number(g, "nz", NAN));
        fputs(" voxels of ", f);
        html_num(f, stroma_json_get_number(g, "voxel", NAN));
        fputs(" µm (", f);
        html_num(f, stroma_json_get_number(g, "dimension", NAN));
        fputs("D)</td></tr>\n", f);
    }
    fputs("</table>\n", f);

    const stroma_json *cells = stroma_json_get(s, "cells");
    if (cells && cells->kind == STROMA_JSON_OBJECT) {
        fputs("<h3>Cells at the end</h3>\n<table>\n<tr><th>type</th><th class=\"n\">live</th></tr>\n", f);
        double total = 0;
        for (size_t i = 0; i < cells->n; i++) {
            const stroma_json *c = &cells->items[i];
            stroma_rgb col = stroma_palette_color((int)i);
            fprintf(f, "<tr><td><span class=\"swatch\" style=\"background:#%02x%02x%02x\"></span>",
                    (unsigned)lround(col.r * 255), (unsigned)lround(col.g * 255), (unsigned)lround(col.b * 255));
            html_esc(f, c->key);
            fputs("</td><td class=\"n\">", f);
            html_num(f, c->kind == STROMA_JSON_NUMBER ? c->num : NAN);
            fputs("</td></tr>\n", f);
            if (c->kind == STROMA_JSON_NUMBER) total += c->num;
        }
        fputs("<tr class=\"total\"><td>all live cells</td><td class=\"n\">", f);
        html_num(f, total);
        fputs("</td></tr>\n<tr><td>dead (apoptotic or necrotic)</td><td class=\"n\">", f);
        html_num(f, stroma_json_get_number(s, "dead_cells", NAN));
        fputs("</td></tr>\n</table>\n", f);
    }
    const stroma_json *ev = stroma_json_get(s, "cell_events");
    if (ev && ev->kind == STROMA_JSON_OBJECT) {
        fputs("<h3>Cell events over the run</h3>\n<table>\n<tr><th>event</th><th class=\"n\">count</th></tr>\n", f);
        for (size_t i = 0; i < ev->n; i++) {
            fputs("<tr><td>", f);
            html_esc(f, ev->items[i].key);
            fputs("</td><td class=\"n\">", f);
            html_num(f, ev->items[i].kind == STROMA_JSON_NUMBER ? ev->items[i].num : NAN);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    const stroma_json *subs = stroma_json_get(s, "substrates");
    if (subs && subs->kind == STROMA_JSON_OBJECT) {
        fputs("<h3>Substrates at the end</h3>\n<table>\n<tr><th>substrate</th><th>unit</th><th class=\"n\">mean</th>"
              "<th class=\"n\">min</th><th class=\"n\">max</th><th class=\"n\">total [unit·µm³]</th></tr>\n",
              f);
        for (size_t i = 0; i < subs->n; i++) {
            const stroma_json *x = &subs->items[i];
            fputs("<tr><td>", f);
            html_esc(f, x->key);
            fputs("</td><td>", f);
            html_esc(f, stroma_json_get_string(x, "unit"));
            static const char *const cols[] = {"mean", "min", "max", "total"};
            for (int k = 0; k < 4; k++) {
                fputs("</td><td class=\"n\">", f);
                html_num(f, stroma_json_get_number(x, cols[k], NAN));
            }
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    section_headline_body(f, s);
    section_headline_readout(f, s);
    fputs("</section>\n", f);
}

/* Draw one plot, write it as images/plot_<file>.png and embed it. */
static stroma_code report_plot(FILE *f, stroma_outdir *od, const report_in *in, const stroma_plot_spec *spec,
                               const char *file, stroma_error *err) {
    unsigned char *png;
    size_t len;
    stroma_code rc = stroma_plot_png(&in->ts, spec, &png, &len, err);
    if (rc != STROMA_OK) return rc;
    char rel[320];
    snprintf(rel, sizeof rel, "images/plot_%s.png", file);
    /* names come from the CSV header: keep the file name to safe characters */
    for (char *c = rel + strlen("images/"); *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
              *c == '-' || *c == '.'))
            *c = '_';
    rc = stroma_outdir_write(od, rel, png, len, err);
    if (rc == STROMA_OK) {
        fputs("<figure>", f);
        html_img(f, png, len, spec->title);
        fputs("<figcaption>", f);
        html_esc(f, spec->title);
        fputs(" (<code>", f);
        html_esc(f, rel);
        fputs("</code>)</figcaption></figure>\n", f);
    }
    free(png);
    return rc;
}

static stroma_code section_plots(FILE *f, stroma_outdir *od, const report_in *in, stroma_error *err) {
    fputs("<section id=\"plots\">\n<h2>Time series</h2>\n", f);
    if (!in->have_ts) {
        fputs("<p class=\"note\">", f);
        html_esc(f, in->ts_note);
        fputs("</p>\n</section>\n", f);
        return STROMA_OK;
    }
    int tcol = stroma_table_column(&in->ts, "time");
    double tmax = 0;
    for (size_t r = 0; tcol >= 0 && r < in->ts.nrows; r++) {
        double v = stroma_table_at(&in->ts, r, tcol);
        if (isfinite(v) && v > tmax) tmax = v;
    }
    int hours = tmax >= 180;
    fprintf(f, "<p>From <code>timeseries.csv</code>: %zu output times.</p>\n<div class=\"grid\">\n", in->ts.nrows);
    stroma_code rc = STROMA_OK;
    for (size_t gi = 0; gi < sizeof report_groups / sizeof report_groups[0] && rc == STROMA_OK; gi++) {
        const report_group *g = &report_groups[gi];
        stroma_plot_spec spec = {
            .x_scale = hours ? 1.0 / 60 : 1,
            .x_label = hours ? "time [h]" : "time [min]",
            .prefix = g->prefix,
            .suffix = g->suffix,
            .muted = g->muted,
            .y_from_zero = g->from_zero,
            .width_px = 640,
            .height_px = 400,
        };
        char title[256], ylab[256], file[160];
        if (g->columns) {
            spec.columns = g->columns;
            spec.labels = g->labels;
        }
        if (!g->per_column) {
            if (stroma_plot_series_count(&in->ts, &spec) == 0) continue;
            if (g->log_if_spread) {
                /* peaks of the series (positive ones) */
                double lo = INFINITY, hi = 0;
                for (int c = 0; c < in->ts.ncols; c++) {
                    const char *nm = in->ts.names[c];
                    if (!report_group_takes(in, g, nm) || (g->muted && !strcmp(nm, g->muted))) continue;
                    double peak = 0;
                    for (size_t r = 0; r < in->ts.nrows; r++) {
                        double v = stroma_table_at(&in->ts, r, c);
                        if (isfinite(v) && v > peak) peak = v;
                    }
                    if (peak > 0 && peak < lo) lo = peak;
                    if (peak > hi) hi = peak;
                }
                spec.log_y = hi > 100 * lo;
            }
            report_expand(in, g->units_in, g->title, "", title, sizeof title);
            report_expand(in, g->units_in, g->y_label, "", ylab, sizeof ylab);
            if (spec.log_y) snprintf(ylab + strlen(ylab), sizeof ylab - strlen(ylab), " (log scale)");
            spec.title = title;
            spec.y_label = ylab;
            rc = report_plot(f, od, in, &spec, g->name, err);
            continue;
        }
        size_t lp = strlen(g->prefix), ls = strlen(g->suffix);
        for (int c = 0; c < in->ts.ncols && rc == STROMA_OK; c++) {
            const char *nm = in->ts.names[c];
            size_t n = strlen(nm);
            if (!report_group_takes(in, g, nm)) continue;
            char label[128];
            snprintf(label, sizeof label, "%.*s", (int)(n - lp - ls), nm + lp);
            const char *cols[2] = {nm, NULL}, *labs[2] = {label, NULL};
            spec.columns = cols;
            spec.labels = labs;
            spec.ref_label = NULL;
            if (g->ref_key) { /* e.g. the healthy plasma level */
                const stroma_json *o = stroma_json_get(stroma_json_get(in->summary, g->units_in), label);
                spec.ref_y = stroma_json_get_number(o, g->ref_key, NAN);
                if (isfinite(spec.ref_y)) spec.ref_label = g->ref_label;
            }
            report_expand(in, g->units_in, g->title, label, title, sizeof title);
            report_expand(in, g->units_in, g->y_label, label, ylab, sizeof ylab);
            snprintf(file, sizeof file, "%s_%s", label, g->name);
            spec.title = title;
            spec.y_label = ylab;
            rc = report_plot(f, od, in, &spec, file, err);
        }
    }
    fputs("</div>\n</section>\n", f);
    return rc;
}

static stroma_code section_snapshots(FILE *f, const report_in *in, stroma_error *err) {
    fputs("<section id=\"snapshots\">\n<h2>Tissue snapshots</h2>\n", f);
    if (in->nsnap == 0) {
        fputs("<p class=\"note\">No tissue snapshots: add <code>outputs: {images: {field: &lt;substrate&gt;}}</code> "
              "to the model to draw them.</p>\n</section>\n",
              f);
        return STROMA_OK;
    }
    size_t k = in->nsnap < STROMA_REPORT_SNAPSHOTS ? in->nsnap : STROMA_REPORT_SNAPSHOTS;
    if (k < in->nsnap)
        fprintf(f, "<p>%zu of the %zu pictures in <code>images/</code>, evenly spread over the run.</p>\n", k,
                in->nsnap);
    else
        fprintf(f, "<p>The %zu picture%s in <code>images/</code>.</p>\n", k, k == 1 ? "" : "s");
    fputs("<div class=\"grid snapshots\">\n", f);
    size_t prev = (size_t)-1;
    for (size_t i = 0; i < k; i++) {
        size_t idx = k == 1 ? in->nsnap - 1 : (size_t)llround((double)i * (double)(in->nsnap - 1) / (double)(k - 1));
        if (idx == prev) continue;
        prev = idx;
        char rel[128], path[1600];
        snprintf(rel, sizeof rel, "images/%s", in->snap_t[idx].name);
        report_path(in, rel, path, sizeof path);
        char *png;
        size_t len;
        int e = stroma_read_regular_file(path, &png, &len);
        if (e == ENOMEM) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory reading '%s'", path);
        char alt[160];
        snprintf(alt, sizeof alt, "tissue at t = %g min", in->snap_t[idx].t);
        fputs("<figure>", f);
        if (e)
            fprintf(f, "<p class=\"note\">%s could not be read (%s).</p>", rel,
                    e == EINVAL ? "not a regular file" : strerror(e));
        else
            html_img(f, (const unsigned char *)png, len, alt);
        fprintf(f, "<figcaption>t = %g min", in->snap_t[idx].t);
        if (in->snap_t[idx].t >= 60) fprintf(f, " (%.3g h)", in->snap_t[idx].t / 60);
        fprintf(f, " (<code>%s</code>)</figcaption></figure>\n", rel);
        free(png);
    }
    fputs("</div>\n</section>\n", f);
    return STROMA_OK;
}

/* The model's summary: from `model`, or reloaded from the path the run recorded. */
static void section_model(FILE *f, const report_in *in, const stroma_model *model) {
    fputs("<section id=\"model\">\n<h2>Model</h2>\n", f);
    stroma_model *loaded = NULL;
    /* run.json's absolute path first: the path as given may be relative to another directory */
    const char *path = stroma_json_get_string(in->run, "model_file");
    if (!path) path = stroma_json_get_string(in->summary, "model");
    if (!path) path = stroma_json_get_string(in->run, "model");
    const char *sha = stroma_json_get_string(in->summary, "model_sha256");
    if (!sha) sha = stroma_json_get_string(in->run, "model_sha256");
    if (!model) {
        stroma_error lerr;
        if (!path) {
            fputs("<p class=\"note\">Neither summary.json nor run.json names the model file.</p>\n</section>\n", f);
            return;
        }
        struct stat st;
        if (stat(path, &st) != 0) {
            fputs("<p class=\"note\">The model file <code>", f);
            html_esc(f, path);
            fputs("</code> is not there any more (a relative path is taken from the directory the report is "
                  "built in), so its summary cannot be shown.</p>\n</section>\n",
                  f);
            return;
        }
        /* reloaded with the run's command-line overrides (run.json "overrides"), so its SHA-256 matches */
        const stroma_json *ov = stroma_json_get(in->run, "overrides");
        const char *sets[64];
        int nsets = 0;
        if (ov && ov->kind == STROMA_JSON_ARRAY)
            for (size_t k = 0; k < ov->n && nsets < 64; k++)
                if (ov->items[k].kind == STROMA_JSON_STRING) sets[nsets++] = ov->items[k].str;
        loaded = stroma_model_load_set(path, sets, nsets, &lerr);
        if (!loaded) {
            fputs("<p class=\"note\">The model file <code>", f);
            html_esc(f, path);
            fputs("</code> no longer loads:</p>\n<pre>", f);
            html_esc(f, lerr.message);
            fputs("</pre>\n</section>\n", f);
            return;
        }
        if (sha && strcmp(sha, loaded->sha256) != 0) {
            fputs("<p class=\"note\">The model file <code>", f);
            html_esc(f, path);
            fputs("</code> has changed since the run (its SHA-256 differs from the one recorded), so its summary "
                  "is not shown.</p>\n</section>\n",
                  f);
            stroma_model_destroy(&loaded);
            return;
        }
        /* the run's command-line overrides, as recorded */
        unsigned long long seed;
        if (stroma_json_get_u64(in->summary ? in->summary : in->run, "seed", &seed) == 0)
            stroma_model_set_seed(loaded, (uint64_t)seed);
        double t = stroma_json_get_number(in->summary, "time", NAN);
        if (t > 0 && fabs(t - loaded->end_min) > loaded->dt_diffusion_min) stroma_model_set_end(loaded, t, NULL);
        model = loaded;
    }
    size_t need = stroma_model_describe(model, NULL, 0) + 1;
    char *text = malloc(need);
    if (text) {
        stroma_model_describe(model, text, need);
        fputs("<p>As <code>stroma check</code> prints it:</p>\n<pre>", f);
        html_esc(f, text);
        fputs("</pre>\n", f);
        free(text);
    }
    stroma_model_destroy(&loaded);
    fputs("</section>\n", f);
}

static void kv_row_json(FILE *f, const char *label, const stroma_json *v, const char *unit) {
    if (!v) return;
    fputs("<tr><th>", f);
    html_esc(f, label);
    fputs("</th><td>", f);
    switch (v->kind) {
    case STROMA_JSON_STRING: html_esc(f, v->str); break;
    case STROMA_JSON_NUMBER:
        if (v->is_integer)
            fprintf(f, "%lld", v->integer); /* exact: a seed or a count may need all its digits */
        else
            html_num(f, v->num);
        break;
    case STROMA_JSON_BOOL: fputs(v->num ? "yes" : "no", f); break;
    case STROMA_JSON_NULL: fputs("–", f); break;
    default: fputs("(structured)", f); break;
    }
    if (unit && v->kind == STROMA_JSON_NUMBER) {
        fputc(' ', f);
        html_esc(f, unit);
    }
    fputs("</td></tr>\n", f);
}

static void section_provenance(FILE *f, const report_in *in) {
    fputs("<section id=\"provenance\">\n<h2>Provenance</h2>\n", f);
    const stroma_json *src = in->run ? in->run : in->summary;
    if (!in->run) {
        fputs("<p class=\"note\">", f);
        html_esc(f, in->run_note);
        fputs("</p>\n", f);
    }
    if (src) {
        /* the usual keys first, with their units, then whatever else run.json holds */
        static const char *const known[][3] = {
            {"stroma_version", "stroma version", NULL},
            {"status", "status", NULL},
            {"model", "model file", NULL},
            {"model_sha256", "model SHA-256", NULL},
            {"seed", "seed", NULL},
            {"threads", "threads", NULL},
            {"solver", "diffusion solver", NULL},
            {"wall_seconds", "wall time", "s"},
            {"time", "simulated time reached", "min"},
            {"end_time", "end time", "min"},
            {"last_output_time", "last output time", "min"},
            {"checkpoint_every", "checkpoint interval", "min"},
            {"resumed_at", "resumed at", "min"},
            {"error", "error", NULL},
        };
        fputs("<table class=\"kv\">\n", f);
        size_t nk = sizeof known / sizeof known[0];
        for (size_t i = 0; i < nk; i++) {
            const stroma_json *v = stroma_json_get(src, known[i][0]);
            if (v && v->kind != STROMA_JSON_NULL) kv_row_json(f, known[i][1], v, known[i][2]);
        }
        for (size_t i = 0; i < src->n; i++) {
            const stroma_json *v = &src->items[i];
            int seen = 0;
            for (size_t k = 0; k < nk && !seen; k++) seen = strcmp(v->key, known[k][0]) == 0;
            if (seen || v->kind == STROMA_JSON_NULL || v->kind == STROMA_JSON_OBJECT || v->kind == STROMA_JSON_ARRAY)
                continue;
            size_t kl = strlen(v->key);
            kv_row_json(f, v->key, v, kl > 8 && strcmp(v->key + kl - 8, "_seconds") == 0 ? "s" : NULL);
        }
        fputs("</table>\n", f);
    }
    fputs("</section>\n", f);
}

static const char report_css[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;margin:0;"
    "color:#1b1b1b;background:#f7f7f5;line-height:1.45}\n"
    "main{max-width:1180px;margin:0 auto;padding:1.2rem 1.5rem 3rem}\n"
    "h1{font-size:1.7rem;margin:.3rem 0}h2{font-size:1.3rem;border-bottom:1px solid #d8d8d8;"
    "padding-bottom:.25rem;margin-top:2.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .3rem}\n"
    ".sub{color:#555;margin:0}nav{margin:.8rem 0;font-size:.95rem}nav a{margin-right:1.1rem;color:#0b5cad}\n"
    "table{border-collapse:collapse;background:#fff;margin:.4rem 0}th,td{padding:.25rem .7rem;"
    "border-bottom:1px solid #e6e6e6;text-align:left;vertical-align:top}\n"
    "th.n,td.n{text-align:right;font-variant-numeric:tabular-nums}table.kv th{font-weight:600;color:#333}\n"
    "tr.total td{font-weight:600}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:1rem}\n"
    ".grid.snapshots{grid-template-columns:repeat(auto-fill,minmax(360px,1fr))}\n"
    "figure{margin:0;background:#fff;border:1px solid #e0e0e0;padding:.5rem}"
    "figure img{width:100%;height:auto;display:block}\n"
    "figcaption{font-size:.88rem;color:#555;margin-top:.3rem}\n"
    "pre{background:#fff;border:1px solid #e0e0e0;padding:.75rem;overflow-x:auto;font-size:.82rem;"
    "line-height:1.35}\n"
    ".note{background:#fff6da;border-left:4px solid #e0a800;padding:.5rem .8rem}\n"
    ".swatch{display:inline-block;width:.85em;height:.85em;border-radius:50%;border:1px solid #222;"
    "vertical-align:-.08em;margin-right:.45em}\n"
    "footer{color:#666;font-size:.85rem;margin-top:2.5rem}\n"
    ".v-controls{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.4rem 0}\n"
    ".v-controls input[type=range]{flex:1 1 260px}#v-time-label{font-variant-numeric:tabular-nums;min-width:15em}\n"
    ".v-stage{position:relative;background:#fff;border:1px solid #e0e0e0}#v-canvas{display:block}\n"
    "#v-tip{position:absolute;z-index:2;background:#fffffb;border:1px solid #888;padding:.3rem .5rem;"
    "font-size:.78rem;pointer-events:none;box-shadow:0 2px 6px #0003}\n"
    ".v-tip-cols{display:flex;gap:.9rem;align-items:flex-start}\n"
    "#v-tip table{margin:.2rem 0 0;background:none}#v-tip th,#v-tip td{padding:0 .4rem 0 0;border:0;"
    "white-space:nowrap}\n"
    ".v-help{font-size:.85rem;color:#555;margin:.3rem 0}\n"
    "#v-plots{display:flex;flex-wrap:wrap;gap:.6rem}.v-plot{cursor:pointer}\n";

static stroma_code report_page(FILE *f, stroma_outdir *od, const report_in *in, const stroma_model *model,
                               stroma_error *err) {
    const char *path = stroma_json_get_string(in->summary, "model");
    if (!path) path = stroma_json_get_string(in->run, "model");
    if (!path && model) path = model->path;
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path ? path : "(unknown model)";
    char stem[256];
    snprintf(stem, sizeof stem, "%.*s", (int)strcspn(base, "."), base);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>stroma report: ",
          f);
    html_esc(f, stem);
    /* the page's one script is its own inline one: nothing else runs, nothing is fetched */
    fprintf(f,
            "</title>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'; script-src '%s'\">\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<header>\n"
            "<h1>stroma report: ",
            in->viewer.csp_hash, report_css);
    html_esc(f, stem);
    fputs("</h1>\n<p class=\"sub\">", f);
    if (in->summary) {
        double t = stroma_json_get_number(in->summary, "time", NAN);
        fputs("simulated ", f);
        html_num(f, t);
        fputs(" min", f);
        if (t >= 60) fprintf(f, " (%.3g h)", t / 60);
    } else {
        const char *state = stroma_json_get_string(in->run, "status");
        fputs("status: ", f);
        html_esc(f, state ? state : "unknown");
    }
    unsigned long long seed;
    if (stroma_json_get_u64(in->summary ? in->summary : in->run, "seed", &seed) == 0) fprintf(f, " · seed %llu", seed);
    fputs(" · model <code>", f);
    html_esc(f, path ? path : "(unknown)");
    fputs("</code></p>\n<nav><a href=\"#viewer\">Tissue viewer</a><a href=\"#summary\">Headline numbers</a><a href=\"#plots\">Time series</a>"
          "<a href=\"#snapshots\">Tissue snapshots</a><a href=\"#model\">Model</a>"
          "<a href=\"#provenance\">Provenance</a></nav>\n</header>\n",
          f);
    const char *status = stroma_json_get_string(in->run, "status");
    if (status && strcmp(status, "complete") != 0) {
        fputs("<p class=\"note\">This run is not complete (status: ", f);
        html_esc(f, status);
        const char *why = stroma_json_get_string(in->run, "error");
        if (why) {
            fputs("; ", f);
            html_esc(f, why);
        }
        fputs("). The page shows the outputs it had finished.</p>\n", f);
    }
    stroma_report_viewer_section(f, &in->viewer);
    section_headline(f, in);
    stroma_code rc = section_plots(f, od, in, err);
    if (rc == STROMA_OK) rc = section_snapshots(f, in, err);
    if (rc != STROMA_OK) return rc;
    section_model(f, in, model);
    section_provenance(f, in);
    fputs("<footer>Built by stroma ", f);
    html_esc(f, stroma_version());
    fputs(" from the files of this output directory; <code>stroma report DIR</code> builds it again.</footer>\n"
          "</main>\n<script>",
          f);
    fwrite(in->viewer.script, 1, in->viewer.script_len, f);
    fputs("</script>\n</body>\n</html>\n", f);
    return STROMA_OK;
}

stroma_code stroma_report_write(stroma_outdir *od, const stroma_model *model, stroma_error *err) {
    report_in in;
    memset(&in, 0, sizeof in);
    in.dir = od->path;
    int summary_missing, run_missing;
    in.summary = report_json(&in, "summary.json", in.summary_note, sizeof in.summary_note, &summary_missing);
    in.run = report_json(&in, "run.json", in.run_note, sizeof in.run_note, &run_missing);
    stroma_code rc = STROMA_OK;
    if (!in.summary && !in.run) {
        rc = stroma_error_set(err, summary_missing && run_missing ? STROMA_ERR_NOT_FOUND : STROMA_ERR_PARSE,
                              "'%s' holds no stroma run: %s %s", od->path, in.summary_note, in.run_note);
        goto done;
    }
    char path[1400];
    report_path(&in, "timeseries.csv", path, sizeof path);
    stroma_error terr;
    if (stroma_table_read(path, &in.ts, &terr) == STROMA_OK)
        in.have_ts = 1;
    else if (terr.code == STROMA_ERR_NOMEM)
        rc = stroma_error_set(err, STROMA_ERR_NOMEM, "%s", terr.message);
    else if (terr.code == STROMA_ERR_NOT_FOUND)
        snprintf(in.ts_note, sizeof in.ts_note, "No plots: there is no timeseries.csv.");
    else
        snprintf(in.ts_note, sizeof in.ts_note, "No plots: %.480s.", terr.message);
    if (rc == STROMA_OK && report_snapshots(&in) != 0)
        rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory listing '%s/images'", od->path);
    if (rc == STROMA_OK) rc = stroma_report_viewer_build(&in.viewer, od->path, in.summary, in.have_ts ? &in.ts : NULL,
                                                        STROMA_REPORT_VIEWER_BUDGET, err);
    if (rc == STROMA_OK) rc = stroma_outdir_mkdir(od, "images", err);
    if (rc != STROMA_OK) goto done;
    char *html = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&html, &len);
    if (!f) {
        rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory building report.html");
        goto done;
    }
    rc = report_page(f, od, &in, model, err);
    if (fclose(f) != 0 && rc == STROMA_OK) rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory building report.html");
    if (rc == STROMA_OK) rc = stroma_outdir_write(od, "report.html", html, len, err);
    free(html);
done:
    stroma_json_free(&in.summary);
    stroma_json_free(&in.run);
    stroma_table_free(&in.ts);
    free(in.snap_t);
    stroma_report_viewer_free(&in.viewer);
    return rc;
}

stroma_code stroma_report_build(const char *dir, stroma_error *err) {
    stroma_error_clear(err);
    struct stat st;
    if (!dir || stat(dir, &st) != 0)
        return stroma_error_set(err, STROMA_ERR_NOT_FOUND, "no output directory '%s'%s%s", dir ? dir : "(null)",
                                dir ? ": " : "", dir ? strerror(errno) : "");
    if (!S_ISDIR(st.st_mode)) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "'%s' is not a directory", dir);
    char probe[1400];
    snprintf(probe, sizeof probe, "%s/run.json", dir);
    if (stat(probe, &st) != 0)
        return stroma_error_set(err, STROMA_ERR_NOT_FOUND, "'%s' holds no stroma run (no run.json)", dir);
    stroma_outdir od;
    memset(&od, 0, sizeof od);
    stroma_code rc = stroma_outdir_use(&od, dir, err);
    if (rc != STROMA_OK) return rc;
    return stroma_report_write(&od, NULL, err);
}
