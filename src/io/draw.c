/* Cairo drawing helpers (see draw.h). */
#include "io/draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void stroma_draw_font(cairo_t *cr, double px, int bold) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px);
}

double stroma_draw_text_width(cairo_t *cr, const char *s) {
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

void stroma_draw_text(cairo_t *cr, double x, double y, const char *s, double ax, double ay) {
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double w = stroma_draw_text_width(cr, s);
    double h = fe.ascent + fe.descent;
    cairo_move_to(cr, x - ax * w, y - ay * h + fe.ascent);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
}

void stroma_draw_text_vertical(cairo_t *cr, double x, double y, const char *s, double ax, double ay) {
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -1.57079632679489661923); /* -pi/2 */
    stroma_draw_text(cr, 0, 0, s, ax, ay);
    cairo_restore(cr);
}

void stroma_draw_rgb(cairo_t *cr, stroma_rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

/* Ticks of a colour bar of height h in the current font. */
static void colorbar_ticks(cairo_t *cr, double lo, double hi, double h, stroma_ticks *tk) {
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    int max_ticks = (int)(h / (2.2 * fe.height));
    if (max_ticks < 2) max_ticks = 2;
    if (max_ticks > 8) max_ticks = 8;
    stroma_ticks_linear(lo, hi, max_ticks, tk);
}

double stroma_draw_colorbar_label_width(cairo_t *cr, double lo, double hi, double h) {
    stroma_ticks tk;
    colorbar_ticks(cr, lo, hi, h, &tk);
    double w = 0;
    for (int i = 0; i < tk.n; i++) {
        char lab[64];
        stroma_tick_label(tk.v[i], tk.step, lab, sizeof lab);
        double tw = stroma_draw_text_width(cr, lab);
        if (tw > w) w = tw;
    }
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    return w + 0.6 * fe.height;
}

double stroma_draw_colorbar(cairo_t *cr, double x, double y, double w, double h, double lo, double hi) {
    int steps = (int)ceil(h);
    if (steps < 2) steps = 2;
    for (int i = 0; i < steps; i++) {
        double t = (i + 0.5) / steps; /* from the bottom */
        stroma_draw_rgb(cr, stroma_viridis(t));
        double y0 = y + h - (double)(i + 1) * h / steps;
        cairo_rectangle(cr, x, y0, w, h / steps + 0.5);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1);
    cairo_stroke(cr);
    stroma_ticks tk;
    colorbar_ticks(cr, lo, hi, h, &tk);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double tick = 0.3 * fe.height;
    double used = 0;
    for (int i = 0; i < tk.n; i++) {
        double ty = y + h - (tk.v[i] - lo) / (hi - lo) * h;
        ty = floor(ty) + 0.5;
        cairo_move_to(cr, x + w, ty);
        cairo_line_to(cr, x + w + tick, ty);
        cairo_stroke(cr);
        char lab[64];
        stroma_tick_label(tk.v[i], tk.step, lab, sizeof lab);
        stroma_draw_text(cr, x + w + tick * 2, ty, lab, 0, 0.5);
        double tw = tick * 2 + stroma_draw_text_width(cr, lab);
        if (tw > used) used = tw;
    }
    return used;
}

typedef struct png_mem {
    unsigned char *p;
    size_t len, cap;
    int failed;
} png_mem;

static cairo_status_t png_mem_write(void *closure, const unsigned char *data, unsigned int n) {
    png_mem *m = closure;
    if (m->len + n > m->cap) {
        size_t nc = m->cap ? m->cap : 65536;
        while (nc < m->len + n) nc *= 2;
        unsigned char *p = realloc(m->p, nc);
        if (!p) {
            m->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        m->p = p;
        m->cap = nc;
    }
    memcpy(m->p + m->len, data, n);
    m->len += n;
    return CAIRO_STATUS_SUCCESS;
}

int stroma_draw_png_bytes(cairo_surface_t *s, unsigned char **png, size_t *len) {
    png_mem m = {0};
    *png = NULL;
    *len = 0;
    if (cairo_surface_write_to_png_stream(s, png_mem_write, &m) != CAIRO_STATUS_SUCCESS || m.failed) {
        free(m.p);
        return -1;
    }
    *png = m.p;
    *len = m.len;
    return 0;
}

static cairo_status_t png_file_write(void *closure, const unsigned char *data, unsigned int n) {
    return fwrite(data, 1, n, (FILE *)closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int stroma_draw_png_file(cairo_surface_t *s, FILE *f) {
    return cairo_surface_write_to_png_stream(s, png_file_write, f) == CAIRO_STATUS_SUCCESS ? 0 : -1;
}
