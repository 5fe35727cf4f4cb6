/* The progress bar on a terminal, progress lines elsewhere (progress.h). */
#include "cli/progress.h"

#include <math.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, FILE *out, int quiet, double every, const stroma_sim *sim) {
    p->out = !quiet ? out : NULL;
    p->lines = out && !isatty(fileno(out));
    p->every = every > 0 ? every : 0;
    p->next = -1; /* set at the first call, when the end time is known */
    p->sim = sim;
    p->start_wall = now_s();
    p->last_draw = -1.0;
    p->drawn = 0;
}

void cli_format_duration(double s, char *buf, size_t cap) {
    if (s < 0) s = 0;
    if (s < 60)
        snprintf(buf, cap, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, cap, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, cap, "%dh%02dm", (int)(s / 3600), ((int)s / 60) % 60);
}

int cli_progress_update(void *user, double t_min, double end_min) {
    cli_progress *p = user;
    if (!p->out) return 0;
    double now = now_s();
    if (p->lines) {
        double every = p->every > 0 ? p->every : end_min / 10;
        if (!(every > 0)) return 0;
        if (p->next < 0) p->next = every;
        if (p->next == HUGE_VAL) return 0; /* the end was printed */
        int last = t_min >= end_min;
        if (t_min < p->next * (1 - 1e-9) && !last) return 0;
        while (p->next <= t_min * (1 + 1e-9)) p->next += every;
        if (last) p->next = HUGE_VAL;
        char wall[32];
        cli_format_duration(now - p->start_wall, wall, sizeof wall);
        fprintf(p->out, "stroma: t = %g / %g min (%.0f%%), wall %s", t_min, end_min,
                end_min > 0 ? 100.0 * t_min / end_min : 100.0, wall);
        if (p->sim) {
            int nt = stroma_sim_cell_type_count(p->sim);
            fputs(nt ? ", live cells:" : "", p->out);
            for (int k = 0; k < nt; k++)
                fprintf(p->out, "%s %s %lld", k ? "," : "", stroma_sim_cell_type_name(p->sim, k),
                        (long long)stroma_sim_live_cells(p->sim, k));
        }
        fputc('\n', p->out);
        fflush(p->out);
        return 0;
    }
    int last = t_min >= end_min;
    if (!last && now - p->last_draw < 0.1) return 0;
    p->last_draw = now;
    double frac = end_min > 0 ? t_min / end_min : 1.0;
    if (frac > 1) frac = 1;
    double elapsed = now - p->start_wall;
    char eta[32] = "--";
    if (frac > 0.001) cli_format_duration(elapsed * (1.0 - frac) / frac, eta, sizeof eta);
    int width = 30, fill = (int)(frac * width + 0.5);
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(p->out, "\r[%s] %5.1f%%  t = %.1f / %.1f min  ETA %s   ", bar, 100.0 * frac, t_min, end_min, eta);
    fflush(p->out);
    p->drawn = 1;
    return 0;
}

void cli_progress_done(cli_progress *p) {
    if (p->out && !p->lines && p->drawn) {
        fputc('\n', p->out);
        fflush(p->out);
    }
}
