/* The simulation's thread team: the default thread count and the per-window choice between all threads and
 * one (see team.h). */
#include "sim/team.h"

#include <math.h>
#include <omp.h>
#include <time.h>

/* A window lasts about this long once the step cost is known: long enough to average over the scheduler's
 * time slices, short enough that a trial of the losing setting costs little. */
#define TEAM_WINDOW_S 0.010
/* Windows of the winning setting between trials of the other: GAP_RETRY after a first lost trial, then
 * GAP_MIN, doubling after every further trial it loses, up to GAP_MAX; GAP_MIN again after a change. */
#define TEAM_GAP_RETRY 2
#define TEAM_GAP_MIN 8
#define TEAM_GAP_MAX 64
/* From the second lost trial on, trials are also spaced so that they cost at most this share of the run: a
 * trial that took as long as 3.5 windows of the winner (one step with all threads beside a busy process: 35 ms
 * against 0.45 ms on one thread) waits at least 70 windows, and at most TEAM_GAP_CAP. */
#define TEAM_TRIAL_SHARE 0.05
#define TEAM_GAP_CAP 4096

static double team_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void stroma_team_init(stroma_team *tm, int threads, int64_t mech_every) {
    *tm = (stroma_team){0};
    tm->threads = threads > 1 ? threads : 1;
    tm->unit = mech_every > 0 ? mech_every : 1;
    /* the first window, one mechanics period on one thread, measures what a step costs; the next tries all
     * threads */
    tm->use = tm->best = 1;
    tm->window = tm->left = tm->unit;
    tm->cost[0] = tm->cost[1] = -1.0;
    tm->gap = TEAM_GAP_MIN;
    tm->since = TEAM_GAP_MIN;
    tm->now = team_now;
}

void stroma_team_begin(stroma_team *tm) {
    if (tm->threads == 1) return;
    omp_set_num_threads(tm->use);
    tm->t0 = tm->now();
}

static int team_index(int use) { return use == 1 ? 0 : 1; }

/* The next window's length from the cost of a step: a whole number of mechanics periods, about TEAM_WINDOW_S. */
static void team_size_window(stroma_team *tm, double per_step) {
    if (!(per_step > 0)) return;
    double units = floor(TEAM_WINDOW_S / ((double)tm->unit * per_step) + 0.5);
    if (units < 1) units = 1;
    if (units > 1e6) units = 1e6;
    tm->window = tm->unit * (int64_t)units;
}

/* Choose the setting of the next window, the current one (tm->use) having just been measured. */
static void team_choose(stroma_team *tm) {
    const int other = tm->best == 1 ? tm->threads : 1;
    const int bi = team_index(tm->best), oi = 1 - bi;
    if (tm->trial) {
        /* a trial of the other setting ended */
        tm->trial = 0;
        if (tm->cost[oi] < tm->cost[bi]) {
            tm->best = other;
            tm->gap = TEAM_GAP_MIN;
            tm->losses = 0;
        } else {
            /* lost: one quick retry (a single trial is at the mercy of one interruption), then further and
             * further apart */
            tm->losses++;
            tm->gap = tm->losses == 1   ? TEAM_GAP_RETRY
                      : tm->losses == 2 ? TEAM_GAP_MIN
                      : tm->gap * 2 < TEAM_GAP_MAX ? tm->gap * 2
                                                   : TEAM_GAP_MAX;
            /* a costly trial waits longer: its time against TEAM_TRIAL_SHARE of the winner's windows */
            const double win = tm->cost[bi] * (double)tm->window;
            if (tm->losses > 1 && win > 0) {
                double g = ceil(tm->elapsed / (TEAM_TRIAL_SHARE * win));
                if (g > TEAM_GAP_CAP) g = TEAM_GAP_CAP;
                if (g > tm->gap) tm->gap = (int)g;
            }
        }
        tm->since = 0;
    } else if (tm->cost[oi] >= 0 && tm->cost[bi] > tm->cost[oi]) {
        /* the running setting became slower than the other was when last tried */
        tm->best = other;
        tm->gap = TEAM_GAP_MIN;
        tm->losses = 0;
        tm->since = 0;
    } else if (++tm->since >= tm->gap) {
        tm->trial = 1;
        tm->use = other;
        return;
    }
    tm->use = tm->best;
}

void stroma_team_end(stroma_team *tm, int timed) {
    if (tm->threads == 1) return;
    double t = tm->now();
    omp_set_num_threads(tm->threads);
    if (timed) {
        double dt = t - tm->t0;
        tm->elapsed += dt;
        tm->timed++;
        if (dt > tm->worst) tm->worst = dt;
    }
    --tm->left;
    /* The slowest step of a window is left out of its cost: a single interruption (another process's time
     * slice) says nothing about the setting, while on a crowded machine every other step is slow too.
     * Any window, a trial or not, ends early once it is clearly losing to the other setting's last cost: its
     * steps but the slowest took longer than a whole window of the other, or 1.5 times (a trial) or twice (the
     * winner) as long as the other's would, or one step took a whole window of the other (a trial) or 4 whole
     * windows (the winner). On a crowded machine one step with all threads can take tens of milliseconds (each
     * barrier waits for a descheduled thread's time slice), so a lost trial costs one step, and a machine that
     * turned busy while all threads were winning costs about two (a whole window of them would then take
     * seconds). */
    const int idx = team_index(tm->use);
    const double other_cost = tm->cost[1 - idx], budget = other_cost * (double)tm->window;
    const double factor = tm->trial ? 1.5 : 2.0;
    const int losing = tm->timed > 0 && other_cost > 0 &&
                       (tm->worst > (tm->trial ? 1.0 : 4.0) * budget ||
                        (tm->timed > 1 && (tm->elapsed - tm->worst > budget ||
                                           tm->elapsed - tm->worst > factor * other_cost * (double)(tm->timed - 1))));
    if (tm->left > 0 && !losing) return;
    /* the window is complete: its cost per step, smoothed over consecutive complete windows of one setting
     * (a quarter of the new window; the first window after a change, and a window cut short, replace the
     * older value) */
    tm->windows[idx]++;
    if (tm->timed > 0) {
        double per = tm->timed > 1 ? (tm->elapsed - tm->worst) / (double)(tm->timed - 1) : tm->elapsed;
        tm->cost[idx] =
            tm->prev_use == tm->use && tm->cost[idx] >= 0 && !losing ? 0.75 * tm->cost[idx] + 0.25 * per : per;
    }
    tm->prev_use = tm->use;
    team_choose(tm);
    double ref = tm->cost[team_index(tm->best)];
    team_size_window(tm, ref > 0 ? ref : tm->cost[idx]);
    /* windows are whole mechanics periods, so any two of one length hold as many mechanics steps (phenotype
     * steps are not timed) */
    tm->left = tm->window;
    tm->elapsed = 0;
    tm->worst = 0;
    tm->timed = 0;
}

int stroma_team_default_threads(const stroma_model *m) {
    double values = (double)m->n[0] * (double)m->n[1] * (double)m->n[2] * (double)m->nsub;
    double cells = 0;
    for (int g = 0; g < m->ninitial; g++) cells += m->initial_cells[g].count;
    if (m->ntypes == 0) cells = 0;
    double want = floor(values / STROMA_TEAM_VALUES_PER_THREAD + cells / STROMA_TEAM_CELLS_PER_THREAD);
    int procs = omp_get_num_procs();
    if (want < 1) want = 1;
    return want >= procs ? procs : (int)want;
}
