/* Progress of `stroma run` / `stroma resume` on stdout: on a terminal a bar (percent, simulated time, ETA);
 * otherwise (a batch job) one line every 10 % of the simulated time, or every --progress-every min, with the
 * simulated time, the wall time and the live cells of each type. Nothing with --quiet. */
#ifndef STROMA_CLI_PROGRESS_H
#define STROMA_CLI_PROGRESS_H

#include <stdio.h>

#include "stroma/stroma.h"

typedef struct cli_progress {
    FILE *out;          /* NULL = disabled */
    int lines;          /* 1: progress lines (not a terminal), 0: the bar */
    double every;       /* lines: simulated min between lines (0: a tenth of the run) */
    double next;        /* lines: simulated time of the next line */
    const stroma_sim *sim; /* lines: for the live cells of each type (NULL: not shown) */
    double start_wall;  /* s */
    double last_draw;   /* s */
    int drawn;
} cli_progress;

/* A bar on `out` if it is a terminal, else lines every `every` simulated min (<= 0: every 10 % of the run), with
 * the cells of `sim` (may be NULL); nothing if quiet. */
void cli_progress_init(cli_progress *p, FILE *out, int quiet, double every, const stroma_sim *sim);

/* stroma_progress_fn: the bar is redrawn at most 10 times a second; never asks to stop. */
int cli_progress_update(void *user, double t_min, double end_min);

/* Finish the bar's line (if anything was drawn). */
void cli_progress_done(cli_progress *p);

/* Format seconds as "1h02m", "3m05s" or "4.2s" into buf. */
void cli_format_duration(double s, char *buf, size_t cap);

#endif
