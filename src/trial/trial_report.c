/* The trial report OUT/report.html: one self-contained page (inline SVG, no script, no external resource) with the
 * trial's design, response rates, Kaplan-Meier curves of progression-free survival per arm with the log-rank test,
 * a waterfall of each run's best change in tumour size, a spider plot of size change over time, and the biomarker
 * table. Everything is read from the outcomes and the results database being written. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic_file.h"
#include "trial/trial.h"
#include "util/error_impl.h"

static const char *const arm_colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                                         "#17becf"};
#define NCOLORS 8

static void html_text(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else if (*s == '"') fputs("&quot;", f);
        else fputc(*s, f);
    }
}

static void num(FILE *f, double v, const char *fmt) {
    if (isfinite(v))
        fprintf(f, fmt, v);
    else
        fputs("–", f);
}

/* Plot frame: W x H with margins; x in [x0, x1] and y in [y0, y1] map into it. */
typedef struct frame {
    double W, H, ml, mr, mt, mb, x0, x1, y0, y1;
} frame;

static double fx(const frame *fr, double x) {
    return fr->ml + (x - fr->x0) / (fr->x1 - fr->x0 ? fr->x1 - fr->x0 : 1) * (fr->W - fr->ml - fr->mr);
}
static double fy(const frame *fr, double y) {
    return fr->H - fr->mb - (y - fr->y0) / (fr->y1 - fr->y0 ? fr->y1 - fr->y0 : 1) * (fr->H - fr->mt - fr->mb);
}

static void axes(FILE *f, const frame *fr, const char *xl, const char *yl, int nx, int ny) {
    fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' font-family='sans-serif' "
               "font-size='11'>\n", fr->W, fr->H);
    fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#888'/>\n", fr->ml, fr->mt,
            fr->W - fr->ml - fr->mr, fr->H - fr->mt - fr->mb);
    for (int i = 0; i <= nx; i++) {
        double x = fr->x0 + (fr->x1 - fr->x0) * i / nx;
        fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle'>%.3g</text>\n", fx(fr, x), fr->H - fr->mb + 14, x);
    }
    for (int i = 0; i <= ny; i++) {
        double y = fr->y0 + (fr->y1 - fr->y0) * i / ny;
        fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='end'>%.3g</text>\n", fr->ml - 4, fy(fr, y) + 4, y);
        fprintf(f, "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='#eee'/>\n", fr->ml, fr->W - fr->mr, fy(fr, y),
                fy(fr, y));
    }
    fprintf(f, "<text x='%.1f' y='%.1f' text-anchor='middle'>%s</text>\n", (fr->ml + fr->W - fr->mr) / 2, fr->H - 4, xl);
    fprintf(f, "<text transform='translate(12,%.1f) rotate(-90)' text-anchor='middle'>%s</text>\n",
            (fr->mt + fr->H - fr->mb) / 2, yl);
}

static void legend(FILE *f, const stroma_trial *t, const frame *fr) {
    for (int a = 0; a < t->narms; a++) {
        fprintf(f, "<rect x='%.1f' y='%.1f' width='10' height='10' fill='%s'/><text x='%.1f' y='%.1f'>", fr->W - fr->mr + 8,
                fr->mt + 16.0 * a, arm_colors[a % NCOLORS], fr->W - fr->mr + 22, fr->mt + 16.0 * a + 9);
        html_text(f, t->arms[a].name);
        fputs("</text>\n", f);
    }
}

static void km_plot(FILE *f, const stroma_trial *t, sqlite3 *db) {
    frame fr = {640, 320, 50, 130, 10, 36, 0, (t->end_min - t->baseline_min) / 60.0, 0, 1};
    axes(f, &fr, "time from baseline [h]", "progression-free", 5, 4);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT time_min, survival FROM km WHERE arm = ? ORDER BY time_min", -1, &st, NULL);
    for (int a = 0; a < t->narms && st; a++) {
        sqlite3_bind_int(st, 1, a);
        double x = 0;
        fprintf(f, "<path fill='none' stroke-width='2' stroke='%s' d='M%.1f %.1f", arm_colors[a % NCOLORS], fx(&fr, 0),
                fy(&fr, 1));
        while (sqlite3_step(st) == SQLITE_ROW) {
            x = sqlite3_column_double(st, 0) / 60.0;
            fprintf(f, " H%.1f V%.1f", fx(&fr, x), fy(&fr, sqlite3_column_double(st, 1)));
        }
        fprintf(f, " H%.1f'/>\n", fx(&fr, fr.x1));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    legend(f, t, &fr);
    fputs("</svg>\n", f);
}

static void waterfall(FILE *f, const stroma_trial *t, int n, const trial_outcome *oc) {
    /* bars sorted by best change, largest first (ties by run order: stable insertion sort) */
    int *idx = malloc((size_t)n * sizeof *idx), m = 0;
    if (!idx) return;
    double lo = -1, hi = 0.2;
    for (int i = 0; i < n; i++) {
        if (!isfinite(oc[i].best_change)) continue;
        int k = m++;
        while (k > 0 && oc[idx[k - 1]].best_change < oc[i].best_change) {
            idx[k] = idx[k - 1];
            k--;
        }
        idx[k] = i;
        if (oc[i].best_change > hi) hi = oc[i].best_change;
    }
    frame fr = {640, 300, 50, 130, 10, 30, 0, m ? m : 1, lo, hi};
    axes(f, &fr, "runs (patient x arm), sorted", "best change in size", 1, 4);
    double bw = (fr.W - fr.ml - fr.mr) / (m ? m : 1);
    for (int k = 0; k < m; k++) {
        const trial_outcome *o = &oc[idx[k]];
        double y = fy(&fr, o->best_change), y0 = fy(&fr, 0);
        fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>patient %d, %s: %+.1f %% (%s)"
                   "</title></rect>\n",
                fx(&fr, k) + 0.1 * bw, y < y0 ? y : y0, 0.8 * bw, fabs(y - y0) > 0.5 ? fabs(y - y0) : 0.5,
                arm_colors[(idx[k] % t->narms) % NCOLORS], idx[k] / t->narms, t->arms[idx[k] % t->narms].name,
                100 * o->best_change, stroma_trial_response_names[o->best_response]);
    }
    for (int r = 0; r < 2; r++) {
        double y = fy(&fr, r ? 0.2 : -0.3);
        fprintf(f, "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='#444' stroke-dasharray='4 3'/>\n", fr.ml,
                fr.W - fr.mr, y, y);
    }
    legend(f, t, &fr);
    fputs("</svg>\n", f);
    free(idx);
}

static void spider(FILE *f, const stroma_trial *t, int n, const trial_job *jobs, const trial_outcome *oc) {
    double lo = -1, hi = 0.5;
    for (int i = 0; i < n; i++) {
        double s0 = pow(oc[i].baseline_burden, 1.0 / t->dim);
        if (!(s0 > 0)) continue;
        for (int c = oc[i].baseline_index; c < jobs[i].ntimes; c++) {
            double ch = pow(jobs[i].burden[c], 1.0 / t->dim) / s0 - 1;
            if (ch > hi) hi = ch;
        }
    }
    frame fr = {640, 300, 50, 130, 10, 36, 0, (t->end_min - t->baseline_min) / 60.0, lo, hi};
    axes(f, &fr, "time from baseline [h]", "change in size", 5, 4);
    for (int i = 0; i < n; i++) {
        double s0 = pow(oc[i].baseline_burden, 1.0 / t->dim);
        if (!(s0 > 0)) continue;
        int b = oc[i].baseline_index;
        fprintf(f, "<path fill='none' stroke-opacity='0.7' stroke='%s' d='", arm_colors[(i % t->narms) % NCOLORS]);
        for (int c = b; c < jobs[i].ntimes; c++)
            fprintf(f, "%s%.1f %.1f", c == b ? "M" : " L", fx(&fr, (jobs[i].time[c] - jobs[i].time[b]) / 60.0),
                    fy(&fr, pow(jobs[i].burden[c], 1.0 / t->dim) / s0 - 1));
        fputs("'/>\n", f);
    }
    legend(f, t, &fr);
    fputs("</svg>\n", f);
}

stroma_code stroma_trial_write_report(const stroma_trial *t, int patients, const trial_job *jobs,
                                      const trial_outcome *oc, sqlite3 *db, const char *out_dir, stroma_error *err) {
    char path[2048];
    snprintf(path, sizeof path, "%s/report.html", out_dir);
    stroma_atomic_file af;
    stroma_code rc = stroma_atomic_begin(&af, path, 0, err);
    if (rc != STROMA_OK) return rc;
    FILE *f = af.f;
    int n = patients * t->narms;
    fputs("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>stroma trial</title><style>body{font-family:"
          "sans-serif;max-width:900px;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
          "padding:2px 6px;text-align:right}th{background:#f4f4f4}</style></head><body>\n<h1>Virtual trial: ",
          f);
    html_text(f, t->path);
    fprintf(f, "</h1>\n<p>Base model <code>");
    html_text(f, t->model_path);
    fprintf(f, "</code> (SHA-256 %.12s…); %d patients × %d arms; trial seed %llu; baseline at %g min, follow-up to %g "
               "min, assessments every %g min. Tumour burden: live cells of ",
            t->model_sha256, patients, t->narms, (unsigned long long)t->seed, t->baseline_min, t->end_min, t->every_min);
    for (int b = 0; b < t->nburden; b++) {
        if (b) fputs(", ", f);
        html_text(f, t->burden[b]);
    }
    fprintf(f, "; size = burden<sup>1/%d</sup>. Response (RECIST-like): CR size 0; PR ≤ −30 %% from baseline; PD ≥ "
               "+20 %% from the nadir; else SD. Cachexia: %s.</p>\n",
            t->dim, t->has_cachexia ? "the model's indices.cachexia (results.sqlite)" : "the model has no cachexia index");
    fputs("<h2>Response</h2>\n<table><tr><th>arm</th><th>overrides</th><th>n</th><th>CR</th><th>PR</th><th>SD</th>"
          "<th>PD</th><th>NE</th><th>response rate (95 % CI, Wilson)</th><th>median PFS [min] (95 % CI; n.e.: not estimable)</th></tr>\n",
          f);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT name, overrides, patients, cr, pr, sd, pd, ne, response_rate, rate_lo, rate_hi, "
                           "pfs_median_min, pfs_median_lo, pfs_median_hi FROM arms ORDER BY arm", -1, &st, NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        fputs("<tr><td style='text-align:left'>", f);
        html_text(f, (const char *)sqlite3_column_text(st, 0));
        fputs("</td><td style='text-align:left'><code>", f);
        html_text(f, (const char *)sqlite3_column_text(st, 1));
        fputs("</code></td>", f);
        for (int c = 2; c < 8; c++) fprintf(f, "<td>%d</td>", sqlite3_column_int(st, c));
        fprintf(f, "<td>%.0f %% (%.0f–%.0f %%)</td><td>", 100 * sqlite3_column_double(st, 8),
                100 * sqlite3_column_double(st, 9), 100 * sqlite3_column_double(st, 10));
        if (sqlite3_column_type(st, 11) == SQLITE_NULL)
            fputs("not reached", f);
        else
            fprintf(f, "%g", sqlite3_column_double(st, 11));
        /* an interval end that is not estimable (NULL) reads "n.e." */
        for (int c = 12; c <= 13; c++) {
            fputs(c == 12 ? " (" : " to ", f);
            if (sqlite3_column_type(st, c) == SQLITE_NULL)
                fputs("n.e.", f);
            else
                fprintf(f, "%g", sqlite3_column_double(st, c));
        }
        fputs(")</td></tr>\n", f);
    }
    sqlite3_finalize(st);
    fputs("</table>\n<h2>Progression-free survival (Kaplan–Meier)</h2>\n", f);
    km_plot(f, t, db);
    st = NULL;
    sqlite3_prepare_v2(db, "SELECT (SELECT value FROM trial WHERE key='logrank_chi2'), (SELECT value FROM trial WHERE "
                           "key='logrank_p'), (SELECT value FROM trial WHERE key='logrank_note')", -1, &st, NULL);
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        fputs("<p>Log-rank test: ", f);
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            html_text(f, (const char *)sqlite3_column_text(st, 2));
        else
            fprintf(f, "χ² = %.3g, df = %d, p = %.3g", sqlite3_column_double(st, 0), t->narms - 1,
                    sqlite3_column_double(st, 1));
        fputs("</p>\n", f);
    }
    sqlite3_finalize(st);
    fputs("<h2>Best response (waterfall)</h2>\n", f);
    waterfall(f, t, n, oc);
    fputs("<h2>Tumour size over time (spider plot)</h2>\n", f);
    spider(f, t, n, jobs, oc);
    fputs("<h2>Baseline plasma biomarkers as predictors of response</h2>\n", f);
    if (!t->nplasma) {
        fputs("<p>The model has no systemic substrates (body.systemic): no plasma biomarker.</p>\n", f);
    } else {
        fputs("<table><tr><th>arm</th><th>biomarker</th><th>responders / non</th><th>AUC (95 % CI, DeLong)</th>"
              "<th>p (Mann–Whitney)</th><th>q (BH)</th><th>note</th></tr>\n",
              f);
        st = NULL;
        sqlite3_prepare_v2(db, "SELECT arm_name, biomarker, n_responders, n_nonresponders, auc, auc_lo, auc_hi, p, q, "
                               "note FROM biomarkers ORDER BY arm, biomarker", -1, &st, NULL);
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            fputs("<tr><td style='text-align:left'>", f);
            html_text(f, (const char *)sqlite3_column_text(st, 0));
            fputs("</td><td style='text-align:left'>", f);
            html_text(f, (const char *)sqlite3_column_text(st, 1));
            fprintf(f, "</td><td>%d / %d</td><td>", sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
            double v[5];
            for (int c = 0; c < 5; c++)
                v[c] = sqlite3_column_type(st, 4 + c) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4 + c);
            num(f, v[0], "%.2f");
            fputs(" (", f);
            num(f, v[1], "%.2f");
            fputs("–", f);
            num(f, v[2], "%.2f");
            fputs(")</td><td>", f);
            num(f, v[3], "%.3g");
            fputs("</td><td>", f);
            num(f, v[4], "%.3g");
            fputs("</td><td style='text-align:left'>", f);
            html_text(f, (const char *)sqlite3_column_text(st, 9));
            fputs("</td></tr>\n", f);
        }
        sqlite3_finalize(st);
        fputs("</table>\n", f);
    }
    fputs("<p>Every run's rerun command is in results.sqlite (table outcomes, column command); tables are also in "
          "csv/.</p>\n</body></html>\n",
          f);
    if ((rc = stroma_atomic_finish(&af, err)) == STROMA_OK) rc = stroma_atomic_commit(&af, err);
    stroma_atomic_abort(&af);
    return rc;
}
