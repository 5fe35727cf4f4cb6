/* Terminal progress bar for `stroma run`: percent, simulated time, ETA; silent when stdout is not a terminal
 * or with --quiet. */
#ifndef STROMA_CLI_PROGRESS_H
#define STROMA_CLI_PROGRESS_H

#include <stdio.h>

typedef struct cli_progress {
    FILE *out;          /* NULL = disabled */
    double start_wall;  /* s */
    double last_draw;   /* s */
    int drawn;
} cli_progress;

/* Enable the bar on `out` only if it is a terminal and quiet == 0. */
void cli_progress_init(cli_progress *p, FILE *out, int quiet);

/* stroma_progress_fn: redraws at most 10 times a second; never asks to stop. */
int cli_progress_update(void *user, double t_min, double end_min);

/* Finish the line (if anything was drawn). */
void cli_progress_done(cli_progress *p);

/* Format seconds as "1h02m", "3m05s" or "4.2s" into buf. */
void cli_format_duration(double s, char *buf, size_t cap);

#endif
