/* Tissue snapshots (see tissue.h): layout, heat map, cells, legend, colour bar, scale bar. */
#include "io/tissue.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/draw.h"
#include "io/render.h"
#include "io/writers.h"
#include "readout/ihc.h"
#include "util/error_impl.h"

void stroma_tissue_geom_of(const stroma_mesh *m, stroma_tissue_geom *g) {
    g->n[0] = m->nx;
    g->n[1] = m->ny;
    g->n[2] = m->nz;
    for (int d = 0; d < 3; d++) {
        g->lo[d] = m->lo_um[d];
        g->len[d] = g->n[d] * m->dx_um;
    }
    /* the picture's axes: those with more than one voxel, in x, y, z order, then the others */
    int order[3], k = 0;
    for (int d = 0; d < 3; d++)
        if (g->n[d] > 1) order[k++] = d;
    for (int d = 0; d < 3; d++)
        if (g->n[d] <= 1) order[k++] = d;
    g->a = order[0];
    g->b = order[1];
    g->c = order[2];
    g->cut = m->dim == 3;
    g->plane_um = g->lo[g->c] + 0.5 * g->len[g->c];
}

double stroma_tissue_plane_value(const stroma_mesh *m, const double *v, size_t stride, const stroma_tissue_geom *g,
                                 int i, int j) {
    int idx[3];
    idx[g->a] = i;
    idx[g->b] = j;
    int nc = g->n[g->c];
    idx[g->c] = nc / 2;
    double x = v[stroma_mesh_index(m, idx[0], idx[1], idx[2]) * stride];
    if (nc > 1 && nc % 2 == 0) { /* the mid plane separates layers nc/2 - 1 and nc/2 */
        idx[g->c] = nc / 2 - 1;
        x = 0.5 * (x + v[stroma_mesh_index(m, idx[0], idx[1], idx[2]) * stride]);
    }
    return x;
}

/* Shorten s (UTF-8) with a trailing "…" until it fits in width w; out has cap bytes. */
static void tissue_fit(cairo_t *cr, const char *s, double w, char *out, size_t cap) {
    snprintf(out, cap, "%s", s);
    if (stroma_draw_text_width(cr, out) <= w) return;
    size_t n = strlen(out);
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80) n--;
        if (n + 4 > cap) continue;
        memcpy(out + n, "\xE2\x80\xA6", 4); /* … and NUL */
        if (stroma_draw_text_width(cr, out) <= w) return;
    }
}

static void tissue_disc(cairo_t *cr, double x, double y, double r, stroma_rgb fill, stroma_rgb ring, double lw) {
    cairo_arc(cr, x, y, r, 0, 2 * 3.14159265358979323846);
    stroma_draw_rgb(cr, fill);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, lw);
    stroma_draw_rgb(cr, ring);
    cairo_stroke(cr);
}

static const stroma_rgb tissue_outline = {0.1, 0.1, 0.1};
static const stroma_rgb tissue_apoptotic = {0.86, 0.86, 0.86};
static const stroma_rgb tissue_necrotic = {0.42, 0.42, 0.42};
static const stroma_rgb tissue_vessel = {0.55, 0.0, 0.04}; /* dark red */

/* Vessel overlay: the vessel colour with this opacity at the model's max_density, proportionally less below. */
#define TISSUE_VESSEL_ALPHA 0.85

/* Matrix overlay: a cool blue-grey, at this opacity at the model's ecm.max_density, under the vessels. */
static const stroma_rgb tissue_ecm = {0.18, 0.32, 0.55};
/* outputs.images.marker: a stained slide's colours, DAB brown for positive cells, haematoxylin blue for negative */
static const stroma_rgb tissue_ihc_positive = {140 / 255.0, 81 / 255.0, 25 / 255.0};
static const stroma_rgb tissue_ihc_negative = {163 / 255.0, 177 / 255.0, 214 / 255.0};
#define TISSUE_ECM_ALPHA 0.6

/* An overlay of plane values v[j * na + i] as an na x nb ARGB32 image (top row = largest b): colour col with
 * opacity alpha x v / vmax (clamped to [0, 1]). NULL when out of memory. */
static cairo_surface_t *tissue_overlay_layer(const double *v, int na, int nb, double vmax, stroma_rgb col,
                                             double alpha) {
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, na, nb);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int j = 0; j < nb; j++) {
        uint32_t *rowp = (uint32_t *)(void *)(px + (size_t)(nb - 1 - j) * (size_t)stride);
        for (int i = 0; i < na; i++) {
            double r = vmax > 0 ? v[(size_t)j * (size_t)na + (size_t)i] / vmax : 0;
            double a = alpha * (r > 1 ? 1 : r > 0 ? r : 0);
            /* premultiplied alpha */
            rowp[i] = (uint32_t)lround(a * 255) << 24 | (uint32_t)lround(a * col.r * 255) << 16 |
                      (uint32_t)lround(a * col.g * 255) << 8 | (uint32_t)lround(a * col.b * 255);
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

/* Paint an overlay over the map area. Returns 0, or -1 when out of memory. */
static int tissue_paint_overlay(cairo_t *cr, cairo_surface_t *layer, double map_x, double map_y, double map_w,
                                double map_h, int na, int nb) {
    if (!layer) return -1;
    cairo_save(cr);
    cairo_rectangle(cr, map_x, map_y, map_w, map_h);
    cairo_clip(cr);
    cairo_translate(cr, map_x, map_y);
    cairo_scale(cr, map_w / na, map_h / nb);
    cairo_set_source_surface(cr, layer, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(layer);
    return 0;
}

/* A legend row: a swatch from transparent to the full overlay colour, and its text. */
static void tissue_overlay_legend(cairo_t *cr, double px, double y, double row, double f, double pw, stroma_rgb col,
                                  double alpha, const char *text) {
    double cy = y + 0.5 * row - 0.1 * f, sw = 2.0 * f;
    cairo_pattern_t *grad = cairo_pattern_create_linear(px, 0, px + sw, 0);
    cairo_pattern_add_color_stop_rgba(grad, 0, col.r, col.g, col.b, 0);
    cairo_pattern_add_color_stop_rgba(grad, 1, col.r, col.g, col.b, alpha);
    cairo_rectangle(cr, px, cy - 0.45 * f, sw, 0.9 * f);
    cairo_set_source(cr, grad);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(grad);
    cairo_set_line_width(cr, 1);
    stroma_draw_rgb(cr, tissue_outline);
    cairo_stroke(cr);
    char fit[160];
    cairo_set_source_rgb(cr, 0, 0, 0);
    tissue_fit(cr, text, pw - sw - 0.4 * f, fit, sizeof fit);
    stroma_draw_text(cr, px + sw + 0.4 * f, cy, fit, 0, 0.5);
}

void stroma_tissue_style_init(stroma_tissue_style *st, const stroma_model *model, int field, int width_px) {
    memset(st, 0, sizeof *st);
    st->model = model;
    stroma_mesh_init(&st->mesh, model);
    st->field = field;
    st->width_px = width_px < 100 ? 100 : width_px;
    st->marker = model->ntypes > 0 ? model->readout.image_marker : -1;
    st->lo = 0;
    st->hi = 1;
    st->value_lo = 0;
    st->value_hi = 1;
}

static int tissue_by_value(const stroma_tissue_style *st) {
    return st->color_by[0] && strcmp(st->color_by, "type") != 0;
}

void stroma_tissue_frame_free(stroma_tissue_frame *fr) {
    if (!fr) return;
    free(fr->field);
    free(fr->vessel);
    free(fr->ecm);
    free(fr->x);
    free(fr->y);
    free(fr->r);
    free(fr->type);
    free(fr->state);
    free(fr->positive);
    free(fr->value);
    memset(fr, 0, sizeof *fr);
}

int stroma_tissue_frame_alloc(stroma_tissue_frame *fr, const stroma_tissue_style *st, size_t ncells) {
    memset(fr, 0, sizeof *fr);
    stroma_tissue_geom g;
    stroma_tissue_geom_of(&st->mesh, &g);
    fr->na = g.n[g.a];
    fr->nb = g.n[g.b];
    size_t np = (size_t)fr->na * (size_t)fr->nb, nc = ncells ? ncells : 1;
    int bad = 0;
    if (st->field >= 0) bad |= !(fr->field = malloc(np * sizeof(double)));
    if (st->vessels) bad |= !(fr->vessel = malloc(np * sizeof(double)));
    if (st->ecm) bad |= !(fr->ecm = malloc(np * sizeof(double)));
    bad |= !(fr->x = malloc(nc * sizeof(double)));
    bad |= !(fr->y = malloc(nc * sizeof(double)));
    bad |= !(fr->r = malloc(nc * sizeof(double)));
    bad |= !(fr->type = malloc(nc * sizeof(int32_t)));
    bad |= !(fr->state = malloc(nc));
    if (st->marker >= 0) bad |= !(fr->positive = malloc(nc));
    if (tissue_by_value(st)) bad |= !(fr->value = malloc(nc * sizeof(double)));
    if (bad) {
        stroma_tissue_frame_free(fr);
        return -1;
    }
    return 0;
}

void stroma_tissue_frame_range(const stroma_tissue_frame *fr, double *vmin, double *vmax) {
    *vmin = *vmax = NAN;
    if (!fr->field) return;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < (size_t)fr->na * (size_t)fr->nb; k++) {
        if (fr->field[k] < lo) lo = fr->field[k];
        if (fr->field[k] > hi) hi = fr->field[k];
    }
    *vmin = lo;
    *vmax = hi;
}

static void tissue_plane(const stroma_tissue_style *st, const stroma_tissue_geom *g, const double *v, size_t stride,
                         double *out) {
    for (int j = 0; j < g->n[g->b]; j++)
        for (int i = 0; i < g->n[g->a]; i++)
            out[(size_t)j * (size_t)g->n[g->a] + (size_t)i] = stroma_tissue_plane_value(&st->mesh, v, stride, g, i, j);
}

stroma_code stroma_tissue_frame_from_sim(const stroma_tissue_style *st, const stroma_sim *sim,
                                         stroma_tissue_frame *fr, stroma_error *err) {
    const stroma_model *model = sim->model;
    const stroma_transport *tr = sim->transport;
    const stroma_cells *c = &sim->cells.cells;
    stroma_tissue_style plain = *st; /* a simulation carries no colour-by value */
    plain.color_by[0] = '\0';
    plain.vessels = stroma_sim_vessel_density(sim) != NULL;
    plain.ecm = stroma_sim_ecm_density(sim) != NULL;
    size_t ncells = sim->has_cells ? c->n : 0;
    if (stroma_tissue_frame_alloc(fr, &plain, ncells))
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory keeping the tissue picture");
    stroma_tissue_geom g;
    stroma_tissue_geom_of(&st->mesh, &g);
    double t = stroma_sim_time(sim);
    fr->time_min = t;
    if (fr->field) tissue_plane(st, &g, tr->c + st->field, (size_t)tr->nsub, fr->field);
    if (fr->vessel) tissue_plane(st, &g, stroma_sim_vessel_density(sim), 1, fr->vessel);
    if (fr->ecm) tissue_plane(st, &g, stroma_sim_ecm_density(sim), 1, fr->ecm);
    const int marker = st->marker;
    size_t n = 0;
    for (size_t i = 0; i < ncells; i++) {
        int dead = c->state[i] != STROMA_CELL_LIVE;
        if (!dead && c->type[i] >= 0 && c->type[i] < STROMA_MAX_CELL_TYPES_RULES) fr->live[c->type[i]]++;
        int positive = !dead && marker >= 0 &&
                       stroma_ihc_positive(model, &sim->cells, sim->transport, i, marker, t);
        if (!dead && marker >= 0) fr->stained[positive]++;
        double pos[3] = {c->x[i], c->y[i], c->z[i]};
        double r = c->radius_um[i];
        if (g.cut) {
            double d = pos[g.c] - g.plane_um;
            if (fabs(d) >= r) continue;
            r = sqrt(r * r - d * d);
        }
        fr->x[n] = pos[g.a];
        fr->y[n] = pos[g.b];
        fr->r[n] = r;
        fr->type[n] = c->type[i];
        fr->state[n] = (uint8_t)c->state[i];
        if (fr->positive) fr->positive[n] = (uint8_t)positive;
        n++;
    }
    fr->ncells = n;
    return STROMA_OK;
}

/* The least and largest value of a frame's field, widened to 0 and rounded out to ticks (one picture's own
 * range). */
static void tissue_own_range(const stroma_tissue_frame *fr, double *lo, double *hi) {
    double vmin, vmax;
    stroma_tissue_frame_range(fr, &vmin, &vmax);
    if (!fr->field) vmin = vmax = 0;
    *lo = vmin < 0 ? vmin : 0;
    *hi = vmax > *lo ? vmax : *lo;
    stroma_nice_range(lo, hi, 6);
}

/* Greys for the heat map when the cells carry viridis: light (low) to dark grey (high). */
static stroma_rgb tissue_grey(double t) {
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    double v = 0.95 - 0.6 * t;
    return (stroma_rgb){v, v, v};
}

/* A colour bar block: title (bold), [unit], then the bar; returns the height used. */
static double tissue_colorbar_block(cairo_t *cr, double px, double y, double pw, double f, double cb_w,
                                    double cb_h, const char *name, const char *unit, double lo, double hi,
                                    stroma_rgb (*map)(double)) {
    char fit[160], text[256];
    cairo_set_source_rgb(cr, 0, 0, 0);
    stroma_draw_font(cr, f, 1);
    tissue_fit(cr, name, pw, fit, sizeof fit);
    stroma_draw_text(cr, px, y, fit, 0, 0);
    stroma_draw_font(cr, f, 0);
    snprintf(text, sizeof text, "[%s]", unit && unit[0] ? unit : "no unit");
    tissue_fit(cr, text, pw, fit, sizeof fit);
    stroma_draw_text(cr, px, y + 1.2 * f, fit, 0, 0);
    stroma_draw_colorbar_map(cr, px, y + 3.3 * f, cb_w, cb_h, lo, hi, map);
    return 3.3 * f + cb_h + f;
}

cairo_surface_t *stroma_tissue_draw(const stroma_tissue_style *st, const stroma_tissue_frame *fr,
                                    stroma_error *err) {
    const stroma_model *model = st->model;
    int width_px = st->width_px < 100 ? 100 : st->width_px;
    stroma_tissue_geom g;
    stroma_tissue_geom_of(&st->mesh, &g);
    const int na = g.n[g.a], nb = g.n[g.b];
    const double W = width_px;
    const double f = W / 60 > 10 ? W / 60 : 10; /* font size, px */
    const double margin = round(f);
    const double title_h = round(2.4 * f);
    const double bottom_h = round(3.2 * f);
    const int ntypes = model->ntypes;
    const int by_value = tissue_by_value(st) && fr->value;
    const int has_field = st->field >= 0 && fr->field;
    const double lo = st->lo, hi = st->hi;
    stroma_rgb (*field_map)(double) = by_value ? tissue_grey : stroma_viridis;

    /* layout: measure the right-hand panel with a scratch context */
    cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *pc = cairo_create(probe);
    stroma_draw_font(pc, f, 0);
    const stroma_substrate_desc *sub = has_field ? &model->substrates[st->field] : NULL;
    double panel_w = 8 * f;
    char text[256];
    const int marker = ntypes > 0 && !by_value ? st->marker : -1;
    /* "<marker>+ n", "<marker>- n", one row per type, or none (cells by value: their colour bar instead) */
    const int legend_rows = by_value ? 0 : marker >= 0 ? 2 : ntypes;
    for (int k = 0; marker >= 0 && k < 2; k++) {
        snprintf(text, sizeof text, "%s%s 000000", model->readout.markers[marker].name, k ? "−" : "+");
        double w = 1.6 * f + stroma_draw_text_width(pc, text);
        if (w > panel_w) panel_w = w;
    }
    for (int k = 0; k < legend_rows && marker < 0; k++) {
        snprintf(text, sizeof text, "%s 000000", model->cell_types[k].name);
        double w = 1.6 * f + stroma_draw_text_width(pc, text);
        if (w > panel_w) panel_w = w;
    }
    char vessel_text[96] = "", ecm_text[96] = "";
    if (fr->vessel) {
        snprintf(vessel_text, sizeof vessel_text, "vessels 0–%g", model->vessels.max_density);
        double w = 2.4 * f + margin + stroma_draw_text_width(pc, vessel_text); /* the legend text has panel_w - margin */
        if (w > panel_w) panel_w = w;
    }
    if (fr->ecm) {
        snprintf(ecm_text, sizeof ecm_text, "ECM 0–%g mg/mL", model->ecm.max_density);
        double w = 2.4 * f + margin + stroma_draw_text_width(pc, ecm_text);
        if (w > panel_w) panel_w = w;
    }
    double cb_w = 1.3 * f;
    if (sub) {
        double w_sub = stroma_draw_text_width(pc, sub->name);
        if (w_sub > panel_w) panel_w = w_sub;
        double cb_label_w = stroma_draw_colorbar_label_width(pc, lo, hi, 12 * f);
        if (cb_w + cb_label_w > panel_w) panel_w = cb_w + cb_label_w;
    }
    if (by_value) {
        double w_var = stroma_draw_text_width(pc, st->color_by);
        if (w_var > panel_w) panel_w = w_var;
        double cb_label_w = stroma_draw_colorbar_label_width(pc, st->value_lo, st->value_hi, 12 * f);
        if (cb_w + cb_label_w > panel_w) panel_w = cb_w + cb_label_w;
    }
    if (panel_w > 0.4 * W) panel_w = 0.4 * W;
    panel_w = ceil(panel_w);
    cairo_destroy(pc);
    cairo_surface_destroy(probe);

    const double map_x = margin, map_y = title_h;
    double avail_w = W - 3 * margin - panel_w;
    if (avail_w < 0.4 * W) avail_w = 0.4 * W;
    double scale = avail_w / g.len[g.a]; /* px per µm */
    if (g.len[g.b] * scale > 1.25 * avail_w) scale = 1.25 * avail_w / g.len[g.b];
    const double map_w = g.len[g.a] * scale, map_h = g.len[g.b] * scale;
    const double row = 1.5 * f;
    const int vessels = fr->vessel != NULL, ecm = fr->ecm != NULL;
    const double legend_h = (ntypes > 0 && !by_value ? row * (legend_rows + 3) + f : 0) + (vessels ? row + f : 0) +
                            (ecm ? row + f : 0);
    const double cb_title_h = 3.3 * f;
    const int nbars = (sub != NULL) + by_value;
    double cb_h = nbars ? (map_h - legend_h) / nbars - cb_title_h - f : 0;
    if (nbars && cb_h > 0.7 * map_h) cb_h = 0.7 * map_h;
    if (nbars && cb_h < 8 * f) cb_h = 8 * f;
    double panel_h = legend_h + nbars * (cb_title_h + cb_h + f);
    double body_h = map_h > panel_h ? map_h : panel_h;
    int H = (int)ceil(title_h + body_h + bottom_h);

    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, H);
    cairo_surface_t *heat = cairo_image_surface_create(CAIRO_FORMAT_RGB24, na, nb);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS || cairo_surface_status(heat) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        cairo_surface_destroy(heat);
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory drawing the tissue (%d x %d pixels)", width_px, H);
        return NULL;
    }
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    /* heat map: one pixel per voxel, top row = largest b, scaled up without smoothing (white without a field) */
    cairo_surface_flush(heat);
    unsigned char *heat_px = cairo_image_surface_get_data(heat);
    int stride = cairo_image_surface_get_stride(heat);
    for (int j = 0; j < nb; j++) {
        uint32_t *rowp = (uint32_t *)(void *)(heat_px + (size_t)(nb - 1 - j) * (size_t)stride);
        for (int i = 0; i < na; i++) {
            stroma_rgb c = has_field ? field_map((fr->field[(size_t)j * (size_t)na + (size_t)i] - lo) / (hi - lo))
                                     : (stroma_rgb){1, 1, 1};
            rowp[i] = 0xFF000000u | (uint32_t)lround(c.r * 255) << 16 | (uint32_t)lround(c.g * 255) << 8 |
                      (uint32_t)lround(c.b * 255);
        }
    }
    cairo_surface_mark_dirty(heat);
    cairo_save(cr);
    cairo_rectangle(cr, map_x, map_y, map_w, map_h);
    cairo_clip(cr);
    cairo_translate(cr, map_x, map_y);
    cairo_scale(cr, map_w / na, map_h / nb);
    cairo_set_source_surface(cr, heat, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(heat);

    /* matrix, then vessels: over the heat map, under the cells */
    if (ecm && tissue_paint_overlay(cr, tissue_overlay_layer(fr->ecm, na, nb, model->ecm.max_density, tissue_ecm,
                                                             TISSUE_ECM_ALPHA),
                                    map_x, map_y, map_w, map_h, na, nb)) {
        cairo_destroy(cr);
        cairo_surface_destroy(surf);
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory drawing the matrix");
        return NULL;
    }
    if (vessels && tissue_paint_overlay(cr, tissue_overlay_layer(fr->vessel, na, nb, model->vessels.max_density,
                                                                 tissue_vessel, TISSUE_VESSEL_ALPHA),
                                        map_x, map_y, map_w, map_h, na, nb)) {
        cairo_destroy(cr);
        cairo_surface_destroy(surf);
        stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory drawing the vessels");
        return NULL;
    }

    /* cells: dead ones first, live ones on top, each pass in id order */
    if (ntypes > 0) {
        cairo_save(cr);
        cairo_rectangle(cr, map_x, map_y, map_w, map_h);
        cairo_clip(cr);
        const double vspan = st->value_hi - st->value_lo;
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < fr->ncells; i++) {
                int dead = fr->state[i] != STROMA_CELL_LIVE;
                if (dead != (pass == 0)) continue;
                double x = map_x + (fr->x[i] - g.lo[g.a]) * scale;
                double y = map_y + map_h - (fr->y[i] - g.lo[g.b]) * scale;
                double rp = fr->r[i] * scale;
                if (rp < 0.8) rp = 0.8;
                stroma_rgb tc = stroma_palette_color(fr->type[i]);
                if (!dead) {
                    stroma_rgb fill = by_value       ? stroma_viridis((fr->value[i] - st->value_lo) / vspan)
                                      : marker < 0   ? tc
                                      : fr->positive && fr->positive[i] ? tissue_ihc_positive
                                                                        : tissue_ihc_negative;
                    tissue_disc(cr, x, y, rp, fill, tissue_outline, rp > 3 ? 1.0 : 0.5);
                } else {
                    double lw = rp * 0.35 > 1 ? (rp * 0.35 < 3 ? rp * 0.35 : 3) : 1;
                    stroma_rgb fill = fr->state[i] == STROMA_CELL_APOPTOTIC ? tissue_apoptotic : tissue_necrotic;
                    tissue_disc(cr, x, y, rp - 0.5 * lw > 0.5 ? rp - 0.5 * lw : 0.5, fill,
                                by_value ? tissue_outline : tc, lw);
                }
            }
        }
        cairo_restore(cr);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, floor(map_x) - 0.5, floor(map_y) - 0.5, ceil(map_w) + 1, ceil(map_h) + 1);
    cairo_stroke(cr);

    /* title */
    double t = fr->time_min;
    if (t >= 60)
        snprintf(text, sizeof text, "t = %g min (%.3g h)", t, t / 60);
    else
        snprintf(text, sizeof text, "t = %g min", t);
    cairo_set_source_rgb(cr, 0, 0, 0);
    stroma_draw_font(cr, 1.3 * f, 1);
    stroma_draw_text(cr, margin, title_h * 0.5, text, 0, 0.5);
    double title_w = stroma_draw_text_width(cr, text);
    {
        const char *base = strrchr(model->path, '/');
        base = base ? base + 1 : model->path;
        char stem[128];
        snprintf(stem, sizeof stem, "%.*s", (int)strcspn(base, "."), base);
        stroma_draw_font(cr, f, 0);
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        char fit[160];
        double room = W - 2 * margin - title_w - 2 * f;
        if (room > 2 * f) {
            tissue_fit(cr, stem, room, fit, sizeof fit);
            stroma_draw_text(cr, W - margin, title_h * 0.5, fit, 1, 0.5);
        }
    }

    /* legend */
    const double px = map_x + map_w + 2 * margin;
    const double pw = W - margin - px;
    double y = map_y;
    stroma_draw_font(cr, f, 0);
    if (ntypes > 0 && !by_value) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        stroma_draw_font(cr, f, 1);
        stroma_draw_text(cr, px, y, g.cut ? "live cells (all z)" : "live cells", 0, 0);
        stroma_draw_font(cr, f, 0);
        y += row;
        for (int k = 0; k <= legend_rows + 1; k++) {
            double cy = y + 0.5 * row - 0.1 * f;
            char fit[160];
            if (k < legend_rows && marker >= 0) {
                tissue_disc(cr, px + 0.5 * f, cy, 0.45 * f, k == 0 ? tissue_ihc_positive : tissue_ihc_negative,
                            tissue_outline, 1);
                snprintf(text, sizeof text, "%s%s %lld", model->readout.markers[marker].name, k == 0 ? "+" : "−",
                         (long long)fr->stained[k == 0]);
            } else if (k < legend_rows) {
                tissue_disc(cr, px + 0.5 * f, cy, 0.45 * f, stroma_palette_color(k), tissue_outline, 1);
                snprintf(text, sizeof text, "%s %lld", model->cell_types[k].name, (long long)fr->live[k]);
            } else {
                tissue_disc(cr, px + 0.5 * f, cy, 0.38 * f, k == legend_rows ? tissue_apoptotic : tissue_necrotic,
                            tissue_outline, 1.5);
                snprintf(text, sizeof text, "%s", k == legend_rows ? "apoptotic" : "necrotic");
            }
            cairo_set_source_rgb(cr, 0, 0, 0);
            tissue_fit(cr, text, pw - 1.4 * f, fit, sizeof fit);
            stroma_draw_text(cr, px + 1.4 * f, cy, fit, 0, 0.5);
            y += row;
        }
        y += f;
    }
    if (vessels) { /* a swatch from transparent to the full overlay colour, and the density range */
        tissue_overlay_legend(cr, px, y, row, f, pw, tissue_vessel, TISSUE_VESSEL_ALPHA, vessel_text);
        y += row + f;
    }
    if (ecm) {
        tissue_overlay_legend(cr, px, y, row, f, pw, tissue_ecm, TISSUE_ECM_ALPHA, ecm_text);
        y += row + f;
    }

    /* colour bars: the cells' value (live cells), then the field */
    if (by_value) {
        char name[128];
        snprintf(name, sizeof name, "cells: %s", st->color_by);
        y += tissue_colorbar_block(cr, px, y, pw, f, cb_w, cb_h, name, st->color_unit, st->value_lo, st->value_hi,
                                   stroma_viridis);
    }
    if (sub) tissue_colorbar_block(cr, px, y, pw, f, cb_w, cb_h, sub->name, sub->unit, lo, hi, field_map);

    /* scale bar under the map, and the plane of a 3D picture */
    {
        double len = stroma_scale_length(g.len[g.a] / 4);
        double by = map_y + map_h + 1.3 * f;
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_rectangle(cr, map_x, by - 0.2 * f, len * scale, 0.4 * f);
        cairo_fill(cr);
        snprintf(text, sizeof text, "%g µm", len);
        stroma_draw_font(cr, f, 0);
        stroma_draw_text(cr, map_x + len * scale + 0.6 * f, by, text, 0, 0.5);
        if (g.cut) {
            static const char axis_name[3] = {'x', 'y', 'z'};
            snprintf(text, sizeof text, "slice %c = %g µm", axis_name[g.c], g.plane_um);
            cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
            stroma_draw_text(cr, map_x + map_w, by, text, 1, 0.5);
        }
    }
    cairo_destroy(cr);
    cairo_surface_flush(surf);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        stroma_error_set(err, STROMA_ERR_NOMEM, "drawing the tissue failed");
        return NULL;
    }
    return surf;
}

cairo_surface_t *stroma_tissue_render(const stroma_sim *sim, int field, int width_px, stroma_error *err) {
    if (field < 0 || field >= sim->transport->nsub) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "tissue picture: no substrate %d", field);
        return NULL;
    }
    stroma_tissue_style st;
    stroma_tissue_style_init(&st, sim->model, field, width_px);
    if (!sim->has_cells) st.marker = -1;
    stroma_tissue_frame fr;
    if (stroma_tissue_frame_from_sim(&st, sim, &fr, err) != STROMA_OK) return NULL;
    st.vessels = fr.vessel != NULL;
    st.ecm = fr.ecm != NULL;
    tissue_own_range(&fr, &st.lo, &st.hi);
    cairo_surface_t *s = stroma_tissue_draw(&st, &fr, err);
    stroma_tissue_frame_free(&fr);
    return s;
}
