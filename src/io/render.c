/* Colormap, palette, ticks and labels of the pictures (see render.h). */
#include "io/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* viridis entries 0, 5, 10, ..., 255 of matplotlib's 256 (mpl-colormaps, CC0, by Nathaniel J. Smith, Stefan
 * van der Walt and Eric Firing). */
#define VIRIDIS_N 52
static const double viridis_table[VIRIDIS_N][3] = {
    {0.267004, 0.004874, 0.329415}, {0.273809, 0.031497, 0.358853}, {0.278791, 0.062145, 0.386592},
    {0.281924, 0.089666, 0.412415}, {0.283197, 0.115680, 0.436115}, {0.282623, 0.140926, 0.457517},
    {0.280255, 0.165693, 0.476498}, {0.276194, 0.190074, 0.493001}, {0.270595, 0.214069, 0.507052},
    {0.263663, 0.237631, 0.518762}, {0.255645, 0.260703, 0.528312}, {0.246811, 0.283237, 0.535941},
    {0.237441, 0.305202, 0.541921}, {0.227802, 0.326594, 0.546532}, {0.218130, 0.347432, 0.550038},
    {0.208623, 0.367752, 0.552675}, {0.199430, 0.387607, 0.554642}, {0.190631, 0.407061, 0.556089},
    {0.182256, 0.426184, 0.557120}, {0.174274, 0.445044, 0.557792}, {0.166617, 0.463708, 0.558119},
    {0.159194, 0.482237, 0.558073}, {0.151918, 0.500685, 0.557587}, {0.144759, 0.519093, 0.556572},
    {0.137770, 0.537492, 0.554906}, {0.131172, 0.555899, 0.552459}, {0.125394, 0.574318, 0.549086},
    {0.121148, 0.592739, 0.544641}, {0.119423, 0.611141, 0.538982}, {0.121380, 0.629492, 0.531973},
    {0.128087, 0.647749, 0.523491}, {0.140210, 0.665859, 0.513427}, {0.157851, 0.683765, 0.501686},
    {0.180653, 0.701402, 0.488189}, {0.208030, 0.718701, 0.472873}, {0.239374, 0.735588, 0.455688},
    {0.274149, 0.751988, 0.436601}, {0.311925, 0.767822, 0.415586}, {0.352360, 0.783011, 0.392636},
    {0.395174, 0.797475, 0.367757}, {0.440137, 0.811138, 0.340967}, {0.487026, 0.823929, 0.312321},
    {0.535621, 0.835785, 0.281908}, {0.585678, 0.846661, 0.249897}, {0.636902, 0.856542, 0.216620},
    {0.688944, 0.865448, 0.182725}, {0.741388, 0.873449, 0.149561}, {0.793760, 0.880678, 0.120005},
    {0.845561, 0.887322, 0.099702}, {0.896320, 0.893616, 0.096335}, {0.945636, 0.899815, 0.112838},
    {0.993248, 0.906157, 0.143936},
};

stroma_rgb stroma_viridis(double t) {
    if (!(t > 0)) t = 0; /* also NaN */
    if (t > 1) t = 1;
    double x = t * (VIRIDIS_N - 1);
    int k = (int)x;
    if (k > VIRIDIS_N - 2) k = VIRIDIS_N - 2;
    double f = x - k;
    const double *a = viridis_table[k], *b = viridis_table[k + 1];
    return (stroma_rgb){a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])};
}

static const unsigned palette_hex[STROMA_PALETTE_SIZE] = {
    0xE69F00, 0x56B4E9, 0x009E73, 0xD55E00, 0xCC79A7, 0x0072B2, 0xF0E442,           /* Okabe & Ito */
    0xCC6677, 0x332288, 0xDDCC77, 0x117733, 0x88CCEE, 0x882255, 0x44AA99, 0x999933, /* Tol muted */
    0xAA4499,
};

stroma_rgb stroma_palette_color(int k) {
    if (k < 0) k = 0;
    unsigned h = palette_hex[k % STROMA_PALETTE_SIZE];
    return (stroma_rgb){((h >> 16) & 0xFF) / 255.0, ((h >> 8) & 0xFF) / 255.0, (h & 0xFF) / 255.0};
}

double stroma_nice_step(double range, int max_ticks) {
    if (!(range > 0) || !isfinite(range)) return 1;
    if (max_ticks < 2) max_ticks = 2;
    if (max_ticks > STROMA_TICKS_MAX) max_ticks = STROMA_TICKS_MAX;
    /* from a step a decade below range / (max_ticks - 1) upwards: the first that fits */
    double mag = pow(10, floor(log10(range / (max_ticks - 1))) - 1);
    static const double mult[] = {1, 2, 5};
    for (int k = 0; k < 4; k++, mag *= 10)
        for (int i = 0; i < 3; i++) {
            double s = mult[i] * mag;
            if (floor(range / s + 1e-9) + 1 <= max_ticks) return s;
        }
    return mag;
}

int stroma_ticks_linear(double lo, double hi, int max_ticks, stroma_ticks *out) {
    out->n = 0;
    out->step = 1;
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo)) return 0;
    double s = stroma_nice_step(hi - lo, max_ticks);
    out->step = s;
    double k0 = ceil(lo / s - 1e-9), k1 = floor(hi / s + 1e-9);
    for (double k = k0; k <= k1 && out->n < STROMA_TICKS_MAX; k++) {
        double v = k * s;
        if (fabs(v) < 1e-9 * s) v = 0;
        out->v[out->n++] = v;
    }
    return out->n;
}

void stroma_nice_range(double *lo, double *hi, int max_ticks) {
    double a = *lo, b = *hi;
    if (!isfinite(a) || !isfinite(b)) {
        *lo = 0;
        *hi = 1;
        return;
    }
    if (b < a) {
        double t = a;
        a = b;
        b = t;
    }
    if (b == a) {
        if (a == 0) {
            b = 1;
        } else {
            double d = fabs(a) * 0.1;
            int nonneg = a >= 0;
            a -= d;
            b += d;
            if (nonneg && a < 0) a = 0;
        }
    }
    for (int pass = 0; pass < 3; pass++) {
        double s = stroma_nice_step(b - a, max_ticks);
        double na = floor(a / s + 1e-9) * s, nb = ceil(b / s - 1e-9) * s;
        if (fabs(na) < 1e-9 * s) na = 0;
        if (fabs(nb) < 1e-9 * s) nb = 0;
        int done = na == a && nb == b;
        a = na;
        b = nb;
        if (done) break;
    }
    *lo = a;
    *hi = b;
}

int stroma_ticks_log(double lo, double hi, int max_ticks, stroma_ticks *out) {
    out->n = 0;
    out->step = 10;
    if (!(lo > 0) || !(hi > lo) || !isfinite(hi)) return 0;
    if (max_ticks < 2) max_ticks = 2;
    if (max_ticks > STROMA_TICKS_MAX) max_ticks = STROMA_TICKS_MAX;
    int e0 = (int)ceil(log10(lo) - 1e-9), e1 = (int)floor(log10(hi) + 1e-9);
    if (e1 < e0) return stroma_ticks_linear(lo, hi, max_ticks, out);
    int every = 1;
    while ((e1 - e0) / every + 1 > max_ticks) every++;
    out->step = pow(10, every);
    for (int e = e0; e <= e1 && out->n < STROMA_TICKS_MAX; e += every) out->v[out->n++] = pow(10, e);
    return out->n;
}

void stroma_tick_label(double v, double step, char *buf, size_t cap) {
    if (!cap) return;
    if (!isfinite(v)) {
        snprintf(buf, cap, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    if (!(step > 0) || !isfinite(step)) step = fabs(v) > 0 ? fabs(v) : 1;
    if (fabs(v) < 1e-9 * step) v = 0;
    if (v == 0) {
        snprintf(buf, cap, "0");
        return;
    }
    double big = fabs(v) > step ? fabs(v) : step;
    if (big >= 1e6 || step < 1e-4) {
        int digits = (int)floor(log10(fabs(v)) + 1e-9) - (int)floor(log10(step) + 1e-9);
        if (digits < 0) digits = 0;
        if (digits > 15) digits = 15;
        snprintf(buf, cap, "%.*e", digits, v);
        return;
    }
    int decimals = -(int)floor(log10(step) + 1e-9);
    if (decimals < 0) decimals = 0;
    /* a step of 2.5 x 10^k never occurs, but a value off the step's grid may need one more digit */
    double scaled = v * pow(10, decimals);
    if (fabs(scaled - nearbyint(scaled)) > 1e-6 * fabs(scaled) && decimals < 15) decimals++;
    snprintf(buf, cap, "%.*f", decimals, v);
}

double stroma_scale_length(double max_len) {
    if (!(max_len > 0) || !isfinite(max_len)) return 1;
    double mag = pow(10, floor(log10(max_len)));
    static const double mult[] = {5, 2, 1};
    for (int i = 0; i < 3; i++)
        if (mult[i] * mag <= max_len * (1 + 1e-12)) return mult[i] * mag;
    return mag;
}

/* The fewest decimals (0..9) that write x as %.10g does. */
static int time_decimals(double x) {
    char ref[64], buf[64];
    snprintf(ref, sizeof ref, "%.10g", x);
    double want = strtod(ref, NULL);
    for (int d = 0; d < 9; d++) {
        snprintf(buf, sizeof buf, "%.*f", d, x);
        if (strtod(buf, NULL) == want) return d;
    }
    return 9;
}

void stroma_time_name_format(double every_min, double end_min, int *width, int *decimals) {
    int w = 1;
    for (double e = floor(end_min > 0 && isfinite(end_min) ? end_min : 0); e >= 10 && w < 15; e /= 10) w++;
    int d = 0;
    if (every_min > 0 && isfinite(every_min)) d = time_decimals(every_min);
    if (end_min > 0 && isfinite(end_min) && time_decimals(end_min) > d) d = time_decimals(end_min);
    *width = w;
    *decimals = d;
}

void stroma_time_name(char *buf, size_t cap, double t_min, int width, int decimals) {
    snprintf(buf, cap, "%0*.*f", decimals > 0 ? width + 1 + decimals : width, decimals, t_min);
}

int stroma_time_name_parse(const char *s, size_t n, double *t_min) {
    size_t i = 0, digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (digits == 0 || n > 40) return -1;
    if (i < n) {
        if (s[i++] != '.' || i == n) return -1;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i < n) return -1;
    }
    char buf[48];
    memcpy(buf, s, n);
    buf[n] = '\0';
    *t_min = strtod(buf, NULL);
    return isfinite(*t_min) ? 0 : -1;
}
