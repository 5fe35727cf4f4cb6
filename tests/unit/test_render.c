/* Unit tests for the pictures (src/io/render, plot, tissue): viridis endpoints and monotone lightness, the
 * palette, nice ticks and their labels, log ticks, scale-bar lengths; a plot and a tissue picture come out as
 * PNGs / surfaces of the requested width, the heat map shows a voxel's value in its viridis colour, and a plot's
 * reference line (the healthy plasma level) is drawn inside the y range; picture names sort in time order and
 * read back; a set of pictures' frames survives a checkpoint round trip and a malformed one is refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/pictures.h"
#include "io/plot.h"
#include "io/render.h"
#include "io/table.h"
#include "io/tissue.h"
#include "sim/sim.h"
#include "stroma/stroma.h"

static void assert_near(double a, double b, double tol) {
    if (!(fabs(a - b) <= tol)) fail_msg("expected %.9g, got %.9g (tolerance %g)", b, a, tol);
}

static void assert_rgb(stroma_rgb c, double r, double g, double b, double tol) {
    assert_near(c.r, r, tol);
    assert_near(c.g, g, tol);
    assert_near(c.b, b, tol);
}

/* sRGB to relative luminance (the lightness viridis is built to increase evenly). */
static double luminance(stroma_rgb c) {
    double ch[3] = {c.r, c.g, c.b}, lin[3];
    for (int i = 0; i < 3; i++)
        lin[i] = ch[i] <= 0.04045 ? ch[i] / 12.92 : pow((ch[i] + 0.055) / 1.055, 2.4);
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

static void test_viridis(void **state) {
    (void)state;
    assert_rgb(stroma_viridis(0), 0.267004, 0.004874, 0.329415, 1e-12);
    assert_rgb(stroma_viridis(1), 0.993248, 0.906157, 0.143936, 1e-12);
    assert_rgb(stroma_viridis(-3), 0.267004, 0.004874, 0.329415, 1e-12); /* clamped */
    assert_rgb(stroma_viridis(7), 0.993248, 0.906157, 0.143936, 1e-12);
    assert_rgb(stroma_viridis(NAN), 0.267004, 0.004874, 0.329415, 1e-12);
    /* the middle (entries 127 and 128 of the full table average to this) */
    assert_rgb(stroma_viridis(0.5), 0.128148, 0.565107, 0.550893, 0.003);
    double prev = -1;
    for (int i = 0; i <= 1000; i++) {
        double y = luminance(stroma_viridis(i / 1000.0));
        if (!(y > prev)) fail_msg("luminance not increasing at t = %g", i / 1000.0);
        prev = y;
    }
}

static void test_palette(void **state) {
    (void)state;
    assert_rgb(stroma_palette_color(0), 0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0, 1e-12); /* Okabe-Ito orange */
    assert_rgb(stroma_palette_color(1), 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0, 1e-12); /* sky blue */
    for (int a = 0; a < STROMA_PALETTE_SIZE; a++) {
        stroma_rgb x = stroma_palette_color(a);
        /* never grey, which marks dead cells */
        assert_true(fmax(fmax(x.r, x.g), x.b) - fmin(fmin(x.r, x.g), x.b) > 0.1);
        for (int b = 0; b < a; b++) {
            stroma_rgb y = stroma_palette_color(b);
            assert_true(fabs(x.r - y.r) + fabs(x.g - y.g) + fabs(x.b - y.b) > 0.1);
        }
    }
    stroma_rgb w = stroma_palette_color(STROMA_PALETTE_SIZE), z = stroma_palette_color(0);
    assert_rgb(w, z.r, z.g, z.b, 0);
}

static void expect_ticks(double lo, double hi, int max, const double *want, int n) {
    stroma_ticks t;
    assert_int_equal(stroma_ticks_linear(lo, hi, max, &t), n);
    for (int i = 0; i < n; i++) assert_near(t.v[i], want[i], 1e-12 * (fabs(want[i]) + 1));
}

static void test_nice_ticks(void **state) {
    (void)state;
    assert_near(stroma_nice_step(1, 6), 0.2, 1e-15);
    assert_near(stroma_nice_step(38, 6), 10, 1e-12);
    assert_near(stroma_nice_step(120, 5), 50, 1e-12);
    assert_near(stroma_nice_step(0.003, 4), 0.001, 1e-18);
    assert_near(stroma_nice_step(0, 5), 1, 0);
    expect_ticks(0, 1, 6, (double[]){0, 0.2, 0.4, 0.6, 0.8, 1}, 6);
    expect_ticks(0, 38, 6, (double[]){0, 10, 20, 30}, 4);
    expect_ticks(-1, 1, 5, (double[]){-1, -0.5, 0, 0.5, 1}, 5);
    expect_ticks(27.1, 37.4, 6, (double[]){28, 30, 32, 34, 36}, 5);
    expect_ticks(1, 1, 5, NULL, 0);
    stroma_ticks t;
    stroma_ticks_linear(-0.3, 0.3, 7, &t);
    for (int i = 0; i < t.n; i++)
        if (fabs(t.v[i]) < 1e-3) assert_true(t.v[i] == 0 && !signbit(t.v[i])); /* 0 is exactly 0 */

    double lo = 0, hi = 38;
    stroma_nice_range(&lo, &hi, 6);
    assert_near(lo, 0, 0);
    assert_near(hi, 40, 1e-12);
    lo = 0.3, hi = 9.7;
    stroma_nice_range(&lo, &hi, 6);
    assert_near(lo, 0, 0);
    assert_near(hi, 10, 1e-12);
    lo = hi = 0;
    stroma_nice_range(&lo, &hi, 6);
    assert_near(lo, 0, 0);
    assert_near(hi, 1, 0);
    lo = hi = 5;
    stroma_nice_range(&lo, &hi, 6);
    assert_true(lo >= 0 && lo < 5 && hi > 5);
    lo = 27.1, hi = 37.4; /* [26, 38] would need 7 ticks of 2 */
    stroma_nice_range(&lo, &hi, 6);
    assert_near(lo, 25, 1e-12);
    assert_near(hi, 40, 1e-12);
}

static void expect_label(double v, double step, const char *want) {
    char buf[64];
    stroma_tick_label(v, step, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_tick_labels(void **state) {
    (void)state;
    expect_label(0, 0.2, "0");
    expect_label(0.2, 0.2, "0.2");
    expect_label(0.6000000000000001, 0.2, "0.6");
    expect_label(-1e-17, 0.5, "0");
    expect_label(-0.5, 0.5, "-0.5");
    expect_label(1, 0.2, "1.0");
    expect_label(40, 10, "40");
    expect_label(1500, 500, "1500");
    expect_label(1.25, 0.05, "1.25");
    expect_label(2e6, 1e6, "2e+06");
    expect_label(2.5e6, 5e5, "2.5e+06");
    expect_label(1.2e-4, 2e-5, "1.2e-04");
    expect_label(0.001, 0.001, "0.001");
}

static void test_log_ticks_and_scale(void **state) {
    (void)state;
    stroma_ticks t;
    assert_int_equal(stroma_ticks_log(1, 1000, 6, &t), 4);
    assert_near(t.v[0], 1, 0);
    assert_near(t.v[3], 1000, 1e-9);
    assert_int_equal(stroma_ticks_log(1e-3, 1e6, 4, &t), 4); /* every third decade */
    assert_near(t.v[1], 1, 1e-12);
    assert_near(t.step, 1000, 1e-9);
    assert_int_equal(stroma_ticks_log(0, 10, 5, &t), 0);
    assert_true(stroma_ticks_log(20, 80, 5, &t) > 0); /* no decade inside: linear ticks */
    assert_near(stroma_scale_length(250), 200, 0);
    assert_near(stroma_scale_length(1000), 1000, 1e-9);
    assert_near(stroma_scale_length(99), 50, 1e-12);
    assert_near(stroma_scale_length(7), 5, 1e-12);
    assert_near(stroma_scale_length(0.3), 0.2, 1e-15);
}

static unsigned png_u32(const unsigned char *p) {
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void test_plot_png(void **state) {
    (void)state;
    char path[] = "/tmp/stroma_test_plot_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("time,oxygen_mean,oxygen_total,cells_a,cells_b,cells_dead\n0,38,1,10,1,0\n60,30,1,20,2,1\n"
          "120,,1,40,0,3\n",
          f);
    fclose(f);
    stroma_table t;
    stroma_error err;
    assert_int_equal(stroma_table_read(path, &t, &err), STROMA_OK);
    remove(path);
    assert_int_equal(t.ncols, 6);
    assert_true(isnan(stroma_table_at(&t, 2, 1))); /* an empty field */
    stroma_plot_spec cells = {.title = "Cells", .x_label = "time [min]", .y_label = "cells", .prefix = "cells_",
                              .muted = "cells_dead", .y_from_zero = 1, .width_px = 500, .height_px = 300};
    assert_int_equal(stroma_plot_series_count(&t, &cells), 3);
    unsigned char *png;
    size_t len;
    assert_int_equal(stroma_plot_png(&t, &cells, &png, &len, &err), STROMA_OK);
    assert_true(len > 100);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(png_u32(png + 16), 500);
    assert_int_equal(png_u32(png + 20), 300);
    free(png);
    cells.log_y = 1; /* zeros are left out */
    assert_int_equal(stroma_plot_png(&t, &cells, &png, &len, &err), STROMA_OK);
    free(png);
    const char *cols[] = {"oxygen_mean", NULL};
    stroma_plot_spec ox = {.title = "O2", .columns = cols, .y_label = "oxygen [mmHg]"};
    assert_int_equal(stroma_plot_series_count(&t, &ox), 1);
    assert_int_equal(stroma_plot_png(&t, &ox, &png, &len, &err), STROMA_OK);
    assert_int_equal(png_u32(png + 16), 640); /* default size */
    free(png);
    stroma_plot_spec none = {.title = "nothing", .prefix = "plasma_"};
    assert_int_equal(stroma_plot_png(&t, &none, &png, &len, &err), STROMA_ERR_ARGUMENT);
    assert_null(png);
    stroma_table_free(&t);
}

/* Reading a PNG in memory back into a cairo surface. */
typedef struct png_reader {
    const unsigned char *p;
    size_t len, pos;
} png_reader;

static cairo_status_t read_png_chunk(void *closure, unsigned char *data, unsigned int length) {
    png_reader *rd = closure;
    if (rd->len - rd->pos < length) return CAIRO_STATUS_READ_ERROR;
    memcpy(data, rd->p + rd->pos, length);
    rd->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Pixels of an encoded PNG within 2 of the colour (r, g, b) (0-255 each). */
static size_t count_png_colour(const unsigned char *png, size_t len, int r, int g, int b) {
    png_reader rd = {png, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_png_chunk, &rd);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    size_t n = 0;
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v = *(const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride + (size_t)x * 4);
            if (abs((int)((v >> 16) & 0xFF) - r) <= 2 && abs((int)((v >> 8) & 0xFF) - g) <= 2 &&
                abs((int)(v & 0xFF) - b) <= 2)
                n++;
        }
    cairo_surface_destroy(s);
    return n;
}

/* A reference line (the healthy plasma level) far below the data is drawn, in its green, inside the y range. */
static void test_plot_reference(void **state) {
    (void)state;
    char path[] = "/tmp/stroma_test_plot_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("time,plasma_IL6\n0,10\n60,15\n120,20\n", f);
    fclose(f);
    stroma_table t;
    stroma_error err;
    assert_int_equal(stroma_table_read(path, &t, &err), STROMA_OK);
    remove(path);
    const char *cols[] = {"plasma_IL6", NULL};
    stroma_plot_spec sp = {.title = "Plasma IL6", .columns = cols, .y_label = "IL6 in plasma [pg/mL]"};
    unsigned char *png;
    size_t len;
    assert_int_equal(stroma_plot_png(&t, &sp, &png, &len, &err), STROMA_OK);
    size_t green_without = count_png_colour(png, len, 33, 140, 33);
    free(png);
    sp.ref_label = "healthy";
    sp.ref_y = 5.2; /* below every value: the y range must grow to show it */
    assert_int_equal(stroma_plot_png(&t, &sp, &png, &len, &err), STROMA_OK);
    size_t green_with = count_png_colour(png, len, 33, 140, 33);
    free(png);
    assert_int_equal(green_without, 0);
    assert_true(green_with > 300); /* the dashed line across the plot area and its legend entry */
    sp.ref_y = NAN; /* no level: no line */
    assert_int_equal(stroma_plot_png(&t, &sp, &png, &len, &err), STROMA_OK);
    assert_int_equal(count_png_colour(png, len, 33, 140, 33), 0);
    free(png);
    stroma_table_free(&t);
}

/* A uniform field of 10: the colour range is [0, 10], so every voxel is viridis(1). */
static void test_tissue_heat_map(void **state) {
    (void)state;
    static const char yaml[] = "domain: {x: [0, 200], y: [0, 100], z: [0, 20], voxel: 20}\n"
                               "time: {end: 1, dt_diffusion: 0.1}\n"
                               "substrates:\n  a: {diffusion: 1000, decay: 0, initial: 10, unit: mM}\n"
                               "cell_types:\n  c: {cycle: {model: none}}\n"
                               "initial_cells:\n  - {type: c, at: [190, 90, 10]}\n"
                               "outputs: {images: {size: 300}}\n";
    stroma_error err;
    stroma_model *m = stroma_model_load_string(yaml, strlen(yaml), "t.yaml", &err);
    assert_non_null(m);
    assert_int_equal(m->output_images, 1);
    assert_int_equal(m->output_images_size_px, 300);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    cairo_surface_t *s = stroma_tissue_render(sim, 0, 300, &err);
    assert_non_null(s);
    assert_int_equal(cairo_image_surface_get_width(s), 300);
    int h = cairo_image_surface_get_height(s);
    assert_true(h > 100 && h < 300);
    /* the map's top-left corner is at (margin, title height) = (10, 24) for a 300-pixel picture (font 10 px) */
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t p = *(const uint32_t *)(const void *)(px + 30 * stride + 15 * 4);
    stroma_rgb want = stroma_viridis(1);
    assert_int_equal((p >> 16) & 0xFF, lround(want.r * 255));
    assert_int_equal((p >> 8) & 0xFF, lround(want.g * 255));
    assert_int_equal(p & 0xFF, lround(want.b * 255));
    cairo_surface_destroy(s);
    assert_null(stroma_tissue_render(sim, 3, 300, &err));
    assert_int_equal(err.code, STROMA_ERR_ARGUMENT);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

/* Vessels over the heat map: at max_density a voxel shows 0.85 of the dark red over 0.15 of its viridis colour,
 * at half of it 0.425; the cells stay on top. */
static void test_tissue_vessels(void **state) {
    (void)state;
    static const char yaml[] = "domain: {x: [0, 200], y: [0, 100], z: [0, 20], voxel: 20}\n"
                               "time: {end: 1, dt_diffusion: 0.1}\n"
                               "substrates:\n  a: {diffusion: 1000, decay: 0, initial: 10, unit: mM}\n"
                               "vessels:\n  max_density: 0.1\n  initial: {uniform: %s}\n";
    const double want_alpha[2] = {0.85, 0.425};
    const char *uniform[2] = {"0.1", "0.05"};
    for (int k = 0; k < 2; k++) {
        char text[512];
        snprintf(text, sizeof text, yaml, uniform[k]);
        stroma_error err;
        stroma_model *m = stroma_model_load_string(text, strlen(text), "t.yaml", &err);
        if (!m) fail_msg("%s", err.message);
        stroma_sim *sim = stroma_sim_create(m, NULL, &err);
        assert_non_null(sim);
        assert_non_null(stroma_sim_vessel_density(sim));
        cairo_surface_t *s = stroma_tissue_render(sim, 0, 300, &err);
        assert_non_null(s);
        const unsigned char *px = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        uint32_t p = *(const uint32_t *)(const void *)(px + 30 * stride + 15 * 4); /* inside the map */
        stroma_rgb heat = stroma_viridis(1);
        const double red[3] = {0.55, 0.0, 0.04}, a = want_alpha[k];
        assert_near((double)((p >> 16) & 0xFF), 255 * (a * red[0] + (1 - a) * heat.r), 1.6);
        assert_near((double)((p >> 8) & 0xFF), 255 * (a * red[1] + (1 - a) * heat.g), 1.6);
        assert_near((double)(p & 0xFF), 255 * (a * red[2] + (1 - a) * heat.b), 1.6);
        cairo_surface_destroy(s);
        stroma_sim_destroy(&sim);
        stroma_model_destroy(&m);
    }
}

/* Names: padded to the end time's digits, decimals only when the run's times need them; lexical order is time
 * order; parse reads them back and refuses anything else. */
static void test_time_names(void **state) {
    (void)state;
    int w, d;
    char buf[64];
    stroma_time_name_format(1440, 20160, &w, &d);
    assert_int_equal(w, 5);
    assert_int_equal(d, 0);
    stroma_time_name(buf, sizeof buf, 60, w, d);
    assert_string_equal(buf, "00060");
    stroma_time_name(buf, sizeof buf, 20160, w, d);
    assert_string_equal(buf, "20160");
    stroma_time_name_format(2.5, 10, &w, &d);
    assert_int_equal(w, 2);
    assert_int_equal(d, 1);
    stroma_time_name(buf, sizeof buf, 7.5, w, d);
    assert_string_equal(buf, "07.5");
    stroma_time_name(buf, sizeof buf, 10, w, d);
    assert_string_equal(buf, "10.0");
    stroma_time_name_format(0.1, 0.30000000000000004, &w, &d); /* step x dt: written as %.10g does, 0.3 */
    assert_int_equal(d, 1);
    stroma_time_name_format(10, 120, &w, &d);
    char prev[64] = "";
    for (int t = 0; t <= 120; t += 10) { /* lexical order = time order */
        stroma_time_name(buf, sizeof buf, t, w, d);
        assert_true(strcmp(prev, buf) < 0);
        snprintf(prev, sizeof prev, "%s", buf);
        double back;
        assert_int_equal(stroma_time_name_parse(buf, strlen(buf), &back), 0);
        assert_true(back == t);
    }
    double t;
    assert_int_equal(stroma_time_name_parse("012.50", 6, &t), 0);
    assert_true(t == 12.5);
    static const char *const bad[] = {"", "1e3", "-1", "12.", ".5", "1.2.3", "12a", " 1"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        assert_int_equal(stroma_time_name_parse(bad[k], strlen(bad[k]), &t), -1);
}

/* The frames a run keeps (checkpoint section "pictures") come back equal; a truncated or altered one is refused. */
static void test_pictures_checkpoint(void **state) {
    (void)state;
    static const char yaml[] = "domain: {x: [0, 200], y: [0, 100], z: [0, 60], voxel: 20}\n"
                               "time: {end: 2, dt_diffusion: 0.1}\n"
                               "substrates:\n  a: {diffusion: 1000, decay: 0, initial: 10, unit: mM}\n"
                               "cell_types:\n  c: {cycle: {model: none}}\n"
                               "initial_cells:\n  - {type: c, count: 20, box: {lo: [0, 0, 20], hi: [200, 100, 40]}}\n"
                               "outputs: {every: 1, images: {size: 300}}\n";
    stroma_error err;
    stroma_model *m = stroma_model_load_string(yaml, strlen(yaml), "t.yaml", &err);
    if (!m) fail_msg("%s", err.message);
    stroma_sim *sim = stroma_sim_create(m, NULL, &err);
    assert_non_null(sim);
    stroma_pictures p, q;
    stroma_pictures_init(&p, m, 0, 300, 1, 2);
    assert_int_equal(stroma_pictures_add_sim(&p, sim, &err), STROMA_OK);
    for (int k = 0; k < 10; k++) assert_int_equal(stroma_sim_step(sim, &err), STROMA_OK);
    assert_int_equal(stroma_pictures_add_sim(&p, sim, &err), STROMA_OK);
    assert_int_equal((int)p.n, 2);
    assert_true(p.frames[0].ncells > 0 && p.frames[0].ncells <= 20); /* the mid plane cuts some of them */
    stroma_buf b = {0};
    stroma_pictures_save(&p, &b);
    stroma_pictures_init(&q, m, 0, 300, 1, 2);
    stroma_reader r = {b.data, b.len, 0, 0};
    assert_int_equal(stroma_pictures_load(&q, &r, 1.0, &err), STROMA_OK);
    assert_int_equal(r.pos, b.len);
    assert_int_equal((int)q.n, 2);
    for (size_t k = 0; k < 2; k++) {
        const stroma_tissue_frame *x = &p.frames[k], *y = &q.frames[k];
        assert_true(x->time_min == y->time_min && x->ncells == y->ncells && x->na == y->na && x->nb == y->nb);
        assert_memory_equal(x->field, y->field, (size_t)x->na * (size_t)x->nb * sizeof(double));
        assert_memory_equal(x->x, y->x, x->ncells * sizeof(double));
        assert_memory_equal(x->r, y->r, x->ncells * sizeof(double));
        assert_memory_equal(x->type, y->type, x->ncells * sizeof *x->type);
        assert_memory_equal(x->live, y->live, sizeof x->live);
    }
    /* a picture after the checkpoint's time, a truncated section, a cell of a type the model lacks */
    r = (stroma_reader){b.data, b.len, 0, 0};
    assert_int_equal(stroma_pictures_load(&q, &r, 0.5, &err), STROMA_ERR_ARGUMENT);
    r = (stroma_reader){b.data, b.len - 9, 0, 0};
    assert_int_equal(stroma_pictures_load(&q, &r, 1.0, &err), STROMA_ERR_ARGUMENT);
    size_t np = (size_t)p.frames[0].na * (size_t)p.frames[0].nb, nc = p.frames[0].ncells;
    size_t type_at = 8 + 8 + 4 + 8 + np * 8 + 3 * nc * 8; /* count, time, flags, cells, plane, x y r */
    unsigned char *bytes = (unsigned char *)b.data;
    int32_t bad_type = 7;
    memcpy(bytes + type_at, &bad_type, sizeof bad_type);
    r = (stroma_reader){b.data, b.len, 0, 0};
    assert_int_equal(stroma_pictures_load(&q, &r, 1.0, &err), STROMA_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "picture 0 is malformed"));
    stroma_buf_free(&b);
    stroma_pictures_free(&p);
    stroma_pictures_free(&q);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_viridis),          cmocka_unit_test(test_palette),
        cmocka_unit_test(test_nice_ticks),       cmocka_unit_test(test_tick_labels),
        cmocka_unit_test(test_log_ticks_and_scale), cmocka_unit_test(test_plot_png),
        cmocka_unit_test(test_tissue_heat_map),  cmocka_unit_test(test_plot_reference),
        cmocka_unit_test(test_tissue_vessels),   cmocka_unit_test(test_time_names),
        cmocka_unit_test(test_pictures_checkpoint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
