/* How many threads a simulation uses, and for which steps.
 *
 * Design notes
 * - A step of the sample models is short (tens of µs) and its parallel phases wait for each other several
 *   times. On cores shared with another busy process a descheduled thread makes the others wait for a whole
 *   scheduler time slice (milliseconds), so two threads can run several times slower than one. The team
 *   therefore measures: it times windows of steps run with all its threads and with one, re-times the losing
 *   setting now and then (more rarely while it keeps losing) and runs the faster. A quiet machine keeps all
 *   threads; a busy one falls back to one thread and tries the others again later.
 * - Results do not depend on it: every parallel phase gives the same bits at any thread count.
 * - The default thread count (no --threads, no OMP_NUM_THREADS) follows the model's size:
 *   stroma_team_default_threads. docs/dev/performance.md has the measurements behind both. */
#ifndef STROMA_SIM_TEAM_H
#define STROMA_SIM_TEAM_H

#include <stdint.h>

#include "model/model.h"

typedef struct stroma_team {
    int threads;    /* the run's thread count: the most any step uses (1: the team does nothing) */
    int use;        /* threads of the steps of the current window: 1 or threads */
    int best;       /* the setting that won the last comparison: 1 or threads */
    int64_t unit;   /* a window is a whole number of these steps (the mechanics period) */
    int64_t window; /* steps per window */
    int64_t left;   /* steps left in the current window */
    int64_t timed;  /* steps timed in the current window */
    double elapsed; /* seconds of the timed steps of the current window */
    double worst;   /* the longest of them (left out of the window's cost) */
    double t0;      /* start of the current step */
    double cost[2]; /* seconds per timed step with [0] one thread, [1] all threads; < 0: not measured yet */
    int gap;        /* windows of the best setting between two trials of the other */
    int since;      /* windows of the best setting since the last trial */
    int trial;      /* the current window tries the other setting */
    int losses;     /* trials lost in a row */
    int prev_use;   /* setting of the previous window */
    int64_t windows[2]; /* windows run with one / all threads (for the benchmark and the tests) */
    double (*now)(void); /* the clock, seconds (monotonic; tests may replace it) */
} stroma_team;

/* A team of `threads` (>= 1) for steps whose mechanics come every mech_every steps. */
void stroma_team_init(stroma_team *tm, int threads, int64_t mech_every);

/* Around one step: begin sets the OpenMP thread count the step's parallel regions use; end measures it (a
 * step that is not `timed`, e.g. a phenotype step, counts towards the window but not its time) and sets the
 * OpenMP thread count back to the run's. */
void stroma_team_begin(stroma_team *tm);
void stroma_team_end(stroma_team *tm, int timed);

/* The default thread count for a model: one thread per STROMA_TEAM_VALUES_PER_THREAD voxel-substrate values
 * plus one per STROMA_TEAM_CELLS_PER_THREAD initial cells, at least 1 and at most the processors available. */
#define STROMA_TEAM_VALUES_PER_THREAD 8192
#define STROMA_TEAM_CELLS_PER_THREAD 400
int stroma_team_default_threads(const stroma_model *m);

#endif
