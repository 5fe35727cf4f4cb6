/* Pure helpers of the pictures (tissue snapshots, plots): the viridis colormap, the colour-blind-safe palette
 * of cell types, "nice" axis ticks and their labels, and the length of a scale bar. Nothing here draws (see
 * io/draw.h, io/tissue.h, io/plot.h), so all of it is unit-tested (tests/unit/test_render.c). */
#ifndef STROMA_IO_RENDER_H
#define STROMA_IO_RENDER_H

#include <stddef.h>

/* A colour, each channel in [0, 1] (sRGB). */
typedef struct stroma_rgb {
    double r, g, b;
} stroma_rgb;

/* viridis (matplotlib's perceptually uniform map, CC0) at t in [0, 1]: t = 0 dark purple (0.267, 0.005,
 * 0.329), t = 1 yellow (0.993, 0.906, 0.144); t outside [0, 1] is clamped, NaN gives t = 0. Interpolated
 * linearly between 52 of the map's 256 entries (within 0.003 of the full table). */
stroma_rgb stroma_viridis(double t);

/* Colour of cell type k (k >= 0): Okabe & Ito's colour-blind-safe palette (orange, sky blue, bluish green,
 * vermillion, reddish purple, blue, yellow), then Paul Tol's muted scheme; repeats after
 * STROMA_PALETTE_SIZE types. */
#define STROMA_PALETTE_SIZE 16
stroma_rgb stroma_palette_color(int k);

/* Ticks of an axis: values lo <= v[0] < ... < v[n-1] <= hi, evenly spaced by `step` (1, 2 or 5 x 10^k). */
#define STROMA_TICKS_MAX 32
typedef struct stroma_ticks {
    int n;
    double step;
    double v[STROMA_TICKS_MAX];
} stroma_ticks;

/* The nice step (1, 2 or 5 x 10^k) that puts at most max_ticks (2..STROMA_TICKS_MAX) ticks on a span of
 * `range` > 0 — the smallest such step. Returns 1 for a range that is not finite and > 0. */
double stroma_nice_step(double range, int max_ticks);

/* Ticks of [lo, hi] (lo < hi, both finite) with the step above; ticks are multiples of the step, rounded so
 * that 0 is exactly 0. Returns the number of ticks (0 if lo, hi are unusable). */
int stroma_ticks_linear(double lo, double hi, int max_ticks, stroma_ticks *out);

/* Widen [*lo, *hi] outwards to multiples of the nice step for max_ticks ticks, so the axis ends on ticks. A
 * degenerate range (lo == hi) is first widened to [lo - 1, lo + 1] (or [0, 1] when lo == 0); lo >= 0 stays
 * >= 0. */
void stroma_nice_range(double *lo, double *hi, int max_ticks);

/* Ticks of a log axis over [lo, hi] (0 < lo < hi): powers of ten (every k-th decade when there are more than
 * max_ticks); step is the ratio between ticks. Returns the number of ticks. */
int stroma_ticks_log(double lo, double hi, int max_ticks, stroma_ticks *out);

/* Label of tick value v on an axis with tick spacing step: as few decimals as the step needs ("0", "0.2",
 * "1.25"), thousands as plain digits up to 10^6 ("1500"), and powers of ten beyond ("2e+06"); never "-0".
 * Writes at most cap bytes (NUL-terminated). */
void stroma_tick_label(double v, double step, char *buf, size_t cap);

/* File names of pictures that sort in time order (images/tissue_<time>.png): the time in min with its whole
 * part zero-padded to `width` digits (those of the run's end time) and `decimals` digits after a point when the
 * run's times need them (the fewest that write outputs.every and the end time as %.10g does, at most 9; then
 * every name of the run has them: tissue_0012.50.png). stroma_time_name_format picks both; stroma_time_name
 * writes the name part (cap bytes, NUL-terminated); stroma_time_name_parse reads one back (s[0..n): digits,
 * optionally a point and digits) into *t, returning 0, or -1 for anything else. */
void stroma_time_name_format(double every_min, double end_min, int *width, int *decimals);
void stroma_time_name(char *buf, size_t cap, double t_min, int width, int decimals);
int stroma_time_name_parse(const char *s, size_t n, double *t_min);

/* The longest nice length (1, 2 or 5 x 10^k) not above max_len (> 0), for a scale bar. */
double stroma_scale_length(double max_len);

#endif
