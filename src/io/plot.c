/* Time-series line plots (see plot.h). */
#include "io/plot.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/draw.h"
#include "io/render.h"
#include "util/error_impl.h"

#define PLOT_MAX_SERIES 64

static const stroma_rgb plot_ref_rgb = {0.13, 0.55, 0.13}; /* the reference line: green */

typedef struct plot_series {
    int col;
    int muted;
    char label[128];
} plot_series;

static int plot_select(const stroma_table *t, const stroma_plot_spec *sp, plot_series *out, int cap) {
    int n = 0;
    if (sp->columns) {
        for (int i = 0; sp->columns[i] && n < cap; i++) {
            int c = stroma_table_column(t, sp->columns[i]);
            if (c < 0) continue;
            out[n].col = c;
            out[n].muted = sp->muted && strcmp(sp->muted, sp->columns[i]) == 0;
            snprintf(out[n].label, sizeof out[n].label, "%s", sp->labels ? sp->labels[i] : sp->columns[i]);
            n++;
        }
        return n;
    }
    const char *pre = sp->prefix ? sp->prefix : "", *suf = sp->suffix ? sp->suffix : "";
    size_t lp = strlen(pre), ls = strlen(suf);
    for (int c = 0; c < t->ncols && n < cap; c++) {
        const char *name = t->names[c];
        size_t len = strlen(name);
        if (len <= lp + ls || strncmp(name, pre, lp) != 0 || strcmp(name + len - ls, suf) != 0) continue;
        const char *x = sp->x_column ? sp->x_column : "time";
        if (strcmp(name, x) == 0) continue;
        out[n].col = c;
        out[n].muted = sp->muted && strcmp(sp->muted, name) == 0;
        snprintf(out[n].label, sizeof out[n].label, "%.*s", (int)(len - lp - ls), name + lp);
        n++;
    }
    return n;
}

int stroma_plot_series_count(const stroma_table *t, const stroma_plot_spec *spec) {
    plot_series s[PLOT_MAX_SERIES];
    return plot_select(t, spec, s, PLOT_MAX_SERIES);
}

typedef struct plot_axes {
    double x0, y0, w, h;       /* plot area, px */
    double xlo, xhi, ylo, yhi; /* data range (log10 of it on a log axis) */
    int log_y;
} plot_axes;

static double plot_x(const plot_axes *a, double x) { return a->x0 + (x - a->xlo) / (a->xhi - a->xlo) * a->w; }

static double plot_y(const plot_axes *a, double y) {
    double v = a->log_y ? log10(y) : y;
    return a->y0 + a->h - (v - a->ylo) / (a->yhi - a->ylo) * a->h;
}

static int plot_usable(const plot_axes *a, double y) { return isfinite(y) && (!a->log_y || y > 0); }

/* Label of a tick on a log axis: plain for 0.001..999999, otherwise 1e+06. */
static void plot_log_label(double v, char *buf, size_t cap) {
    if (v >= 1e-3 && v < 1e6)
        snprintf(buf, cap, "%g", v);
    else
        snprintf(buf, cap, "%.0e", v);
}

stroma_code stroma_plot_png(const stroma_table *t, const stroma_plot_spec *spec, unsigned char **png, size_t *len,
                            stroma_error *err) {
    *png = NULL;
    *len = 0;
    const char *xname = spec->x_column ? spec->x_column : "time";
    int xc = stroma_table_column(t, xname);
    if (xc < 0) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "plot '%s': no column '%s'", spec->title, xname);
    plot_series ser[PLOT_MAX_SERIES];
    int ns = plot_select(t, spec, ser, PLOT_MAX_SERIES);
    if (ns == 0) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "plot '%s': no column matches", spec->title);
    const int W = spec->width_px > 0 ? spec->width_px : 640, H = spec->height_px > 0 ? spec->height_px : 400;
    const double xs = spec->x_scale != 0 ? spec->x_scale : 1;
    double f = (W < H ? W : H) / 28.0;
    if (f < 10) f = 10;

    /* data ranges */
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    plot_axes ax = {.log_y = spec->log_y};
    for (size_t r = 0; r < t->nrows; r++) {
        double x = stroma_table_at(t, r, xc) * xs;
        if (!isfinite(x)) continue;
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        for (int s = 0; s < ns; s++) {
            double y = stroma_table_at(t, r, ser[s].col);
            if (!plot_usable(&ax, y)) continue;
            if (y < ymin) ymin = y;
            if (y > ymax) ymax = y;
        }
    }
    const int ref = spec->ref_label && plot_usable(&ax, spec->ref_y);
    if (ref && ymin <= ymax) { /* the reference line is always inside the y range, clear of its edges */
        if (spec->ref_y < ymin) ymin = spec->ref_y;
        if (spec->ref_y > ymax) ymax = spec->ref_y;
        double pad = 0.04 * (ymax - ymin > 0 ? ymax - ymin : fabs(spec->ref_y) > 0 ? fabs(spec->ref_y) : 1);
        if (spec->ref_y - pad < ymin && (!ax.log_y || spec->ref_y - pad > 0)) ymin = spec->ref_y - pad;
        if (spec->ref_y + pad > ymax) ymax = spec->ref_y + pad;
    }
    int have_data = xmin <= xmax && ymin <= ymax;
    if (!have_data) {
        xmin = 0;
        xmax = 1;
        ymin = 0;
        ymax = 1;
        ax.log_y = 0;
    }
    if (xmax == xmin) {
        xmin -= 1;
        xmax += 1;
    }

    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for plot '%s'", spec->title);
    }
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    stroma_draw_font(cr, f, 0);

    /* y range and ticks (their labels' width sets the left margin) */
    const double title_h = 2.4 * f, bottom_h = 3.6 * f;
    double ph_guess = H - title_h - bottom_h;
    int max_yt = (int)(ph_guess / (2.4 * f));
    if (max_yt < 2) max_yt = 2;
    if (max_yt > 10) max_yt = 10;
    stroma_ticks yt;
    if (ax.log_y) {
        ax.ylo = floor(log10(ymin) + 1e-9);
        ax.yhi = ceil(log10(ymax) - 1e-9);
        if (ax.yhi <= ax.ylo) ax.yhi = ax.ylo + 1;
        stroma_ticks_log(pow(10, ax.ylo), pow(10, ax.yhi), max_yt, &yt);
    } else {
        double lo = ymin, hi = ymax;
        if (spec->y_from_zero) {
            if (lo > 0) lo = 0;
            if (hi < 0) hi = 0;
        }
        stroma_nice_range(&lo, &hi, max_yt);
        ax.ylo = lo;
        ax.yhi = hi;
        stroma_ticks_linear(lo, hi, max_yt, &yt);
    }
    char lab[64];
    double ytw = 0;
    for (int i = 0; i < yt.n; i++) {
        if (ax.log_y)
            plot_log_label(yt.v[i], lab, sizeof lab);
        else
            stroma_tick_label(yt.v[i], yt.step, lab, sizeof lab);
        double w = stroma_draw_text_width(cr, lab);
        if (w > ytw) ytw = w;
    }
    double legend_w = 0;
    const int legend = ns > 1 || ref;
    if (legend) {
        for (int s = 0; s < ns; s++) {
            double w = stroma_draw_text_width(cr, ser[s].label);
            if (w > legend_w) legend_w = w;
        }
        if (ref && stroma_draw_text_width(cr, spec->ref_label) > legend_w)
            legend_w = stroma_draw_text_width(cr, spec->ref_label);
        legend_w += 3.2 * f;
        if (legend_w > 0.35 * W) legend_w = 0.35 * W;
    }
    ax.x0 = round(f + 1.4 * f + ytw + 0.8 * f);
    ax.y0 = round(title_h);
    ax.w = W - ax.x0 - f - legend_w;
    ax.h = H - ax.y0 - bottom_h;
    ax.xlo = xmin;
    ax.xhi = xmax;
    int max_xt = (int)(ax.w / (5 * f));
    if (max_xt < 2) max_xt = 2;
    if (max_xt > 12) max_xt = 12;
    stroma_ticks xt;
    stroma_ticks_linear(xmin, xmax, max_xt, &xt);

    /* grid, ticks and labels */
    cairo_set_line_width(cr, 1);
    for (int i = 0; i < yt.n; i++) {
        double y = floor(plot_y(&ax, yt.v[i])) + 0.5;
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_move_to(cr, ax.x0, y);
        cairo_line_to(cr, ax.x0 + ax.w, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_move_to(cr, ax.x0 - 0.4 * f, y);
        cairo_line_to(cr, ax.x0, y);
        cairo_stroke(cr);
        if (ax.log_y)
            plot_log_label(yt.v[i], lab, sizeof lab);
        else
            stroma_tick_label(yt.v[i], yt.step, lab, sizeof lab);
        stroma_draw_text(cr, ax.x0 - 0.6 * f, y, lab, 1, 0.5);
    }
    for (int i = 0; i < xt.n; i++) {
        double x = floor(plot_x(&ax, xt.v[i])) + 0.5;
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_move_to(cr, x, ax.y0);
        cairo_line_to(cr, x, ax.y0 + ax.h);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_move_to(cr, x, ax.y0 + ax.h);
        cairo_line_to(cr, x, ax.y0 + ax.h + 0.4 * f);
        cairo_stroke(cr);
        stroma_tick_label(xt.v[i], xt.step, lab, sizeof lab);
        stroma_draw_text(cr, x, ax.y0 + ax.h + 0.6 * f, lab, 0.5, 0);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_rectangle(cr, floor(ax.x0) + 0.5, floor(ax.y0) + 0.5, floor(ax.w), floor(ax.h));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (spec->x_label) stroma_draw_text(cr, ax.x0 + 0.5 * ax.w, H - 0.4 * f, spec->x_label, 0.5, 1);
    if (spec->y_label) stroma_draw_text_vertical(cr, 0.6 * f, ax.y0 + 0.5 * ax.h, spec->y_label, 0.5, 0);
    if (spec->title) {
        stroma_draw_font(cr, 1.2 * f, 1);
        stroma_draw_text(cr, ax.x0, 0.5 * title_h, spec->title, 0, 0.5);
        stroma_draw_font(cr, f, 0);
    }
    if (!have_data) {
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        stroma_draw_text(cr, ax.x0 + 0.5 * ax.w, ax.y0 + 0.5 * ax.h, "no data", 0.5, 0.5);
    }

    /* series, clipped to the plot area; muted ones first so the others stay on top */
    cairo_save(cr);
    cairo_rectangle(cr, ax.x0, ax.y0, ax.w, ax.h);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (ref && have_data) { /* under the series: a light band 1.2 f px high around a dashed line */
        double y = round(plot_y(&ax, spec->ref_y)); /* a crisp 2-px line */
        cairo_set_source_rgb(cr, 0.88, 0.95, 0.88);
        cairo_rectangle(cr, ax.x0, y - 0.6 * f, ax.w, 1.2 * f);
        cairo_fill(cr);
        double dash[2] = {0.7 * f, 0.35 * f};
        cairo_set_dash(cr, dash, 2, 0);
        stroma_draw_rgb(cr, plot_ref_rgb);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, ax.x0, y);
        cairo_line_to(cr, ax.x0 + ax.w, y);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    int markers = t->nrows <= 40;
    for (int pass = 0; pass < 2 && have_data; pass++) {
        for (int s = 0; s < ns; s++) {
            if (ser[s].muted != (pass == 0)) continue;
            if (ser[s].muted) {
                double dash[2] = {0.5 * f, 0.3 * f};
                cairo_set_dash(cr, dash, 2, 0);
                cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
                cairo_set_line_width(cr, 1.6);
            } else {
                cairo_set_dash(cr, NULL, 0, 0);
                stroma_draw_rgb(cr, stroma_palette_color(s));
                cairo_set_line_width(cr, 2.2);
            }
            int pen = 0;
            for (size_t r = 0; r < t->nrows; r++) {
                double x = stroma_table_at(t, r, xc) * xs, y = stroma_table_at(t, r, ser[s].col);
                if (!isfinite(x) || !plot_usable(&ax, y)) {
                    pen = 0;
                    continue;
                }
                if (pen)
                    cairo_line_to(cr, plot_x(&ax, x), plot_y(&ax, y));
                else
                    cairo_move_to(cr, plot_x(&ax, x), plot_y(&ax, y));
                pen = 1;
            }
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            if (markers) {
                for (size_t r = 0; r < t->nrows; r++) {
                    double x = stroma_table_at(t, r, xc) * xs, y = stroma_table_at(t, r, ser[s].col);
                    if (!isfinite(x) || !plot_usable(&ax, y)) continue;
                    cairo_arc(cr, plot_x(&ax, x), plot_y(&ax, y), 0.22 * f, 0, 2 * 3.14159265358979323846);
                    cairo_fill(cr);
                }
            }
        }
    }
    cairo_restore(cr);

    /* legend, right of the plot area */
    if (legend) {
        double lx = ax.x0 + ax.w + 0.8 * f, ly = ax.y0;
        for (int s = 0; s < ns && ly + 1.4 * f <= H; s++) {
            double cy = ly + 0.7 * f;
            if (ser[s].muted) {
                double dash[2] = {0.5 * f, 0.3 * f};
                cairo_set_dash(cr, dash, 2, 0);
                cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
                cairo_set_line_width(cr, 1.6);
            } else {
                stroma_draw_rgb(cr, stroma_palette_color(s));
                cairo_set_line_width(cr, 2.2);
            }
            cairo_move_to(cr, lx, cy);
            cairo_line_to(cr, lx + 1.8 * f, cy);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_set_source_rgb(cr, 0, 0, 0);
            stroma_draw_text(cr, lx + 2.3 * f, cy, ser[s].label, 0, 0.5);
            ly += 1.4 * f;
        }
        if (ref && ly + 1.4 * f <= H) {
            double cy = ly + 0.7 * f;
            double dash[2] = {0.7 * f, 0.35 * f};
            cairo_set_dash(cr, dash, 2, 0);
            stroma_draw_rgb(cr, plot_ref_rgb);
            cairo_set_line_width(cr, 2);
            cairo_move_to(cr, lx, cy);
            cairo_line_to(cr, lx + 1.8 * f, cy);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_set_source_rgb(cr, 0, 0, 0);
            stroma_draw_text(cr, lx + 2.3 * f, cy, spec->ref_label, 0, 0.5);
        }
    }
    cairo_destroy(cr);
    int bad = stroma_draw_png_bytes(surf, png, len);
    cairo_surface_destroy(surf);
    if (bad) return stroma_error_set(err, STROMA_ERR_NOMEM, "encoding plot '%s' as PNG failed", spec->title);
    return STROMA_OK;
}
