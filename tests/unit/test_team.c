/* Unit tests for src/sim/team.c, on a simulated clock: when all threads are faster the team keeps them, when
 * they are slower (a busy machine) it runs on one thread and its trials of all threads cost little, it follows
 * a change of conditions, and the default thread count follows the model's size. */
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/team.h"

static double fake_time;
static double fake_now(void) { return fake_time; }

typedef struct run_stats {
    int64_t steps_all; /* steps run with all threads */
    double seconds;    /* simulated time they took */
} run_stats;

/* n steps; one costs `one` seconds on one thread and `all` with all threads; every phen-th step is a phenotype
 * step (not timed; 10x the cost). */
static run_stats run(stroma_team *tm, int64_t n, double one, double all, int64_t phen) {
    run_stats st = {0, 0};
    for (int64_t i = 1; i <= n; i++) {
        stroma_team_begin(tm);
        int pheno = phen > 0 && i % phen == 0;
        double c = (tm->use == 1 ? one : all) * (pheno ? 10 : 1);
        fake_time += c;
        st.seconds += c;
        st.steps_all += tm->use != 1;
        stroma_team_end(tm, !pheno);
    }
    return st;
}

static void team_setup(stroma_team *tm, int threads, int64_t mech_every) {
    stroma_team_init(tm, threads, mech_every);
    tm->now = fake_now;
    fake_time = 1000;
}

/* A quiet machine: all threads take 60% of one thread's time. After the first windows nearly every step uses
 * them; the trials of one thread cost at most a few percent. */
static void test_keeps_threads_when_faster(void **state) {
    (void)state;
    stroma_team tm;
    team_setup(&tm, 2, 2);
    const int64_t n = 200000; /* 100 us steps: 20 s */
    run_stats st = run(&tm, n, 100e-6, 60e-6, 120);
    assert_true(st.steps_all > n * 95 / 100);
    /* ideal: every step with all threads */
    double ideal = (double)n * 60e-6 * (1 + 9.0 / 120);
    assert_true(st.seconds < 1.03 * ideal);
    assert_int_equal(tm.best, 2);
}

/* A busy machine: all threads take 2.5x (or 200x) one thread's time. The team runs on one thread, and the
 * trials of all threads, cut short when they lose, cost at most a few percent of the run. */
static void test_falls_back_to_one_thread(void **state) {
    (void)state;
    const double slow[2] = {2.5, 200};
    for (int k = 0; k < 2; k++) {
        stroma_team tm;
        team_setup(&tm, 2, 10);
        const int64_t n = 200000;
        run_stats st = run(&tm, n, 50e-6, slow[k] * 50e-6, 600);
        double ideal = (double)n * 50e-6 * (1 + 9.0 / 600);
        assert_true(st.steps_all < n / 100);
        assert_true(st.seconds < 1.05 * ideal);
        assert_int_equal(tm.best, 1);
    }
}

/* The default scenario beside one busy process, as measured (docs/dev/performance.md): 360 simulated minutes are
 * 3,600 steps of 0.45 ms on one thread, and one step with all threads takes 35 ms (each barrier waits for the
 * descheduled thread's time slice). Each lost trial costs one step, the trials after the quick retry are spaced
 * to cost at most 5% of the run, and the whole run takes at most 1.1x one thread's time (six trials, a step
 * each, as the gaps 2, 8, 16, 32, 64 alone would give, cost 1.13x). */
static void test_costly_trials_spaced(void **state) {
    (void)state;
    stroma_team tm;
    team_setup(&tm, 2, 1);
    const int64_t n = 3600;
    run_stats st = run(&tm, n, 0.45e-3, 35e-3, 0);
    assert_true(st.steps_all <= 5);
    assert_true(st.seconds < 1.10 * (double)n * 0.45e-3);
    /* and a machine that turns quiet again is noticed within the cap (4096 windows of ~10 ms) */
    run_stats q = run(&tm, 600000, 0.45e-3, 0.3e-3, 0);
    assert_true(q.steps_all > 600000 * 8 / 10);
}

/* Conditions change: quiet, then busy, then quiet again. Each phase ends up on its faster setting. */
static void test_follows_changes(void **state) {
    (void)state;
    stroma_team tm;
    team_setup(&tm, 2, 2);
    const int64_t n = 100000; /* 10 s per phase at 100 us per step */
    run_stats a = run(&tm, n, 100e-6, 60e-6, 0);
    assert_true(a.steps_all > n * 95 / 100);
    run_stats b = run(&tm, n, 100e-6, 300e-6, 0);
    assert_true(b.steps_all < n * 2 / 100);
    assert_true(b.seconds < 1.05 * (double)n * 100e-6);
    run_stats c = run(&tm, n, 100e-6, 60e-6, 0);
    assert_true(c.steps_all > n * 90 / 100);
}

/* A quiet machine with rare interruptions: one step with all threads in 300 takes 10 ms (another process's
 * time slice), which still leaves all threads faster on average (93 us a step against 100). The team keeps
 * them for nearly every step: a window's slowest step does not count. */
static void test_ignores_rare_stalls(void **state) {
    (void)state;
    stroma_team tm;
    team_setup(&tm, 2, 2);
    const int64_t n = 200000;
    int64_t all = 0;
    for (int64_t i = 1; i <= n; i++) {
        stroma_team_begin(&tm);
        double c = tm.use == 1 ? 100e-6 : 60e-6;
        if (tm.use != 1 && i % 300 == 0) c = 10e-3;
        fake_time += c;
        all += tm.use != 1;
        stroma_team_end(&tm, 1);
    }
    assert_true(all > n * 9 / 10);
}

/* The first trial of all threads is hit by an interruption (its first two steps take 7 ms): a quick retry
 * finds them faster, and they run nearly every step. */
static void test_retries_an_interrupted_first_trial(void **state) {
    (void)state;
    stroma_team tm;
    team_setup(&tm, 2, 2);
    const int64_t n = 10000; /* 1 s, as short as the default scenario's 360 min */
    int64_t all = 0, parallel_steps = 0;
    for (int64_t i = 1; i <= n; i++) {
        stroma_team_begin(&tm);
        double c = 100e-6;
        if (tm.use != 1) c = ++parallel_steps <= 2 ? 7e-3 : 60e-6;
        fake_time += c;
        all += tm.use != 1;
        stroma_team_end(&tm, 1);
    }
    assert_true(all > n * 9 / 10);
}

/* The machine turns busy while all threads are winning, and a step with all threads now takes 20 ms (200x
 * one thread's): the window running them is cut short after two steps instead of running its ~160 steps
 * (3 s), and the busy part costs at most 1.3x one thread's time. */
static void test_cuts_a_window_that_turns_slow(void **state) {
    (void)state;
    stroma_team tm;
    team_setup(&tm, 2, 2);
    run_stats quiet = run(&tm, 5000, 100e-6, 60e-6, 0);
    assert_true(quiet.steps_all > 5000 / 2);
    assert_int_equal(tm.best, 2);
    const int64_t n = 20000;
    run_stats busy = run(&tm, n, 100e-6, 20e-3, 0);
    assert_true(busy.seconds < 1.3 * (double)n * 100e-6);
}

/* One thread: the team never changes the OpenMP thread count. */
static void test_one_thread(void **state) {
    (void)state;
    stroma_team tm;
    omp_set_num_threads(3);
    team_setup(&tm, 1, 2);
    run_stats st = run(&tm, 1000, 1e-4, 1e-5, 0);
    assert_int_equal(st.steps_all, 0);
    assert_int_equal(omp_get_max_threads(), 3);
    team_setup(&tm, 2, 2);
    run(&tm, 1000, 1e-4, 1e-5, 0);
    assert_int_equal(omp_get_max_threads(), 2); /* the run's count is restored after each step */
}

/* The default thread count: 1 for a small model, more (up to the processors) for a large one. */
static void test_default_threads(void **state) {
    (void)state;
    stroma_model m;
    memset(&m, 0, sizeof m);
    m.n[0] = 50;
    m.n[1] = 50;
    m.n[2] = 1;
    m.nsub = 1;
    assert_int_equal(stroma_team_default_threads(&m), 1);
    m.nsub = 8; /* 20,000 values */
    int procs = omp_get_num_procs();
    assert_int_equal(stroma_team_default_threads(&m), procs < 2 ? procs : 2);
    m.n[2] = 100;
    assert_int_equal(stroma_team_default_threads(&m), procs);
    /* cells count only with cell types */
    stroma_initial_cells_desc ic;
    memset(&ic, 0, sizeof ic);
    ic.count = 4000;
    m.n[2] = 1;
    m.nsub = 1;
    m.ninitial = 1;
    m.initial_cells = &ic;
    assert_int_equal(stroma_team_default_threads(&m), 1);
    m.ntypes = 1;
    assert_int_equal(stroma_team_default_threads(&m), procs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keeps_threads_when_faster), cmocka_unit_test(test_falls_back_to_one_thread),
        cmocka_unit_test(test_follows_changes), cmocka_unit_test(test_ignores_rare_stalls),
        cmocka_unit_test(test_retries_an_interrupted_first_trial), cmocka_unit_test(test_cuts_a_window_that_turns_slow),
        cmocka_unit_test(test_costly_trials_spaced),
        cmocka_unit_test(test_one_thread),
        cmocka_unit_test(test_default_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
