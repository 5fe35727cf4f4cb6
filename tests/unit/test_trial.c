/* Unit tests for src/trial (trial.h): the RECIST-like classification of a burden series at its thresholds (PR at
 * exactly -30 % in size, PD at exactly +20 % from the nadir, size = burden^(1/dim)), progression-free time from the
 * baseline, and the cohort's draws (each distribution's moments and bounds, integer rounding, choices, the
 * patient's seed), which are pure functions of (trial seed, patient, parameter). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trial/trial.h"

#define assert_near(got, want, tol)                                                                       \
    do {                                                                                                  \
        double g_ = (got), w_ = (want);                                                                   \
        if (!(fabs(g_ - w_) <= (tol))) fail_msg("%s = %.10g, expected %.10g +- %g", #got, g_, w_, (double)(tol)); \
    } while (0)

/* Classify burden[n] sampled every 1 min from 0, baseline at `baseline` min, in `dim` dimensions. */
static trial_outcome classify(const double *burden, int n, double baseline, int dim) {
    stroma_trial t;
    memset(&t, 0, sizeof t);
    t.dim = dim;
    t.every_min = 1;
    t.baseline_min = baseline;
    t.end_min = n - 1;
    double time[32];
    for (int i = 0; i < n; i++) time[i] = i;
    trial_job j = {.ntimes = n, .time = time, .burden = (double *)burden};
    trial_outcome o;
    stroma_trial_outcome(&t, &j, &o);
    return o;
}

static void test_outcome_rule(void **state) {
    (void)state;
    /* sizes 10, 10, 6.32, 5.48, 7.75: SD, PR, PR, then +41 % from the nadir 5.48: PD at t = 4 */
    const double a[] = {100, 100, 40, 30, 60};
    trial_outcome o = classify(a, 5, 0, 2);
    assert_int_equal(o.best_response, TRIAL_PR);
    assert_int_equal(o.responder, 1);
    assert_int_equal(o.pfs_event, 1);
    assert_near(o.pfs_min, 4, 0);
    assert_near(o.best_change, sqrt(0.3) - 1, 1e-15);
    assert_near(o.baseline_burden, 100, 0);
    assert_near(o.final_burden, 60, 0);
    /* thresholds: size 12 from 10 is exactly +20 %: PD; 143 cells (+19.6 %) is SD; in 3D 144 cells is +12.9 %: SD */
    const double pd[] = {100, 144}, sd[] = {100, 143};
    o = classify(pd, 2, 0, 2);
    assert_int_equal(o.best_response, TRIAL_PD);
    assert_int_equal(o.pfs_event, 1);
    assert_near(o.pfs_min, 1, 0);
    assert_int_equal(classify(sd, 2, 0, 2).best_response, TRIAL_SD);
    assert_int_equal(classify(sd, 2, 0, 2).pfs_event, 0);
    assert_near(classify(sd, 2, 0, 2).pfs_min, 1, 0);
    assert_int_equal(classify(pd, 2, 0, 3).best_response, TRIAL_SD);
    /* size 7 from 10 is exactly -30 %: PR; 50 cells (-29.3 %) is SD */
    const double pr[] = {100, 49}, nr[] = {100, 50};
    assert_int_equal(classify(pr, 2, 0, 2).best_response, TRIAL_PR);
    assert_int_equal(classify(nr, 2, 0, 2).best_response, TRIAL_SD);
    /* progression is measured from the nadir, not the baseline: 49 -> 64 (+14 %) is not PD, 49 -> 71 (+20.4 %) is,
     * below the baseline */
    const double n1[] = {100, 49, 64}, n2[] = {100, 49, 71};
    o = classify(n1, 3, 0, 2);
    assert_int_equal(o.best_response, TRIAL_PR);
    assert_int_equal(o.pfs_event, 0);
    o = classify(n2, 3, 0, 2);
    assert_int_equal(o.best_response, TRIAL_PR);
    assert_int_equal(o.pfs_event, 1);
    assert_near(o.pfs_min, 2, 0);
    /* complete response; not evaluable without burden at baseline; a first assessment in progression is PD even if
     * the tumour shrinks afterwards */
    const double cr[] = {50, 20, 0}, ne[] = {0, 5}, late[] = {100, 200, 1};
    o = classify(cr, 3, 0, 2);
    assert_int_equal(o.best_response, TRIAL_CR);
    assert_int_equal(o.responder, 1);
    assert_near(o.best_change, -1, 0);
    assert_int_equal(classify(ne, 2, 0, 2).best_response, TRIAL_NE);
    assert_int_equal(classify(ne, 2, 0, 2).responder, 0);
    o = classify(late, 3, 0, 2);
    assert_int_equal(o.best_response, TRIAL_PD);
    assert_near(o.best_change, 0.1 - 1, 1e-15);
    /* the baseline is the burden at `baseline`, earlier samples do not count; PFS runs from the baseline; stable
     * disease seen before a progression stays the best response (no minimum duration) */
    const double b[] = {1, 1000, 100, 100, 144};
    o = classify(b, 5, 2, 2);
    assert_near(o.baseline_burden, 100, 0);
    assert_int_equal(o.best_response, TRIAL_SD);
    assert_int_equal(o.pfs_event, 1);
    assert_near(o.pfs_min, 2, 0);
    const double c[] = {1, 1000, 100, 100, 100};
    o = classify(c, 5, 2, 2);
    assert_int_equal(o.best_response, TRIAL_SD);
    assert_int_equal(o.pfs_event, 0);
    assert_near(o.pfs_min, 2, 0);
}

static void test_cohort_draws(void **state) {
    (void)state;
    char *choices[] = {"a", "{model: none}", "3"};
    trial_param p[7] = {
        {.key = "u", .kind = TRIAL_DIST_UNIFORM, .a = 2, .b = 5},
        {.key = "n", .kind = TRIAL_DIST_NORMAL, .a = 10, .b = 2},
        {.key = "l", .kind = TRIAL_DIST_LOGNORMAL, .a = 100, .b = 0.5},
        {.key = "i", .kind = TRIAL_DIST_NORMAL, .a = 20, .b = 4, .integer = 1, .has_min = 1, .min = 18, .has_max = 1,
         .max = 25},
        {.key = "c", .kind = TRIAL_DIST_CHOICE, .nchoices = 3, .choices = choices},
        {.key = "z", .kind = TRIAL_DIST_NORMAL, .a = 0, .b = 1},
        {.key = "r", .kind = TRIAL_DIST_UNIFORM, .a = 0.4, .b = 0.6, .integer = 1},
    };
    stroma_trial t;
    memset(&t, 0, sizeof t);
    t.seed = 42;
    t.nparams = 7;
    t.params = p;
    const int n = 8000;
    double su = 0, sn = 0, sn2 = 0, sl = 0, sl2 = 0, umin = 1e9, umax = -1e9, same = 0;
    int cnt[3] = {0}, imin = 1000, imax = -1000, at_min = 0, ones = 0;
    double sz = 0, sz2 = 0, snz = 0;
    for (int i = 0; i < n; i++) {
        char buf[64];
        stroma_trial_patient_value(&t, i, 0, buf, sizeof buf);
        double u = atof(buf);
        su += u;
        umin = fmin(umin, u);
        umax = fmax(umax, u);
        stroma_trial_patient_value(&t, i, 1, buf, sizeof buf);
        double x = atof(buf);
        sn += x;
        sn2 += x * x;
        stroma_trial_patient_value(&t, i, 2, buf, sizeof buf);
        double ll = log(atof(buf));
        sl += ll;
        sl2 += ll * ll;
        stroma_trial_patient_value(&t, i, 3, buf, sizeof buf);
        assert_null(strchr(buf, '.'));
        int k = atoi(buf);
        imin = k < imin ? k : imin;
        imax = k > imax ? k : imax;
        at_min += k == 18;
        stroma_trial_patient_value(&t, i, 4, buf, sizeof buf);
        for (int c = 0; c < 3; c++) cnt[c] += !strcmp(buf, choices[c]);
        stroma_trial_patient_value(&t, i, 5, buf, sizeof buf);
        double z = atof(buf);
        sz += z;
        sz2 += z * z;
        snz += (x - 10) / 2 * z;
        stroma_trial_patient_value(&t, i, 6, buf, sizeof buf);
        ones += !strcmp(buf, "1");
        /* parameters of one patient are independent draws, not the same number */
        char b0[64], b1[64];
        stroma_trial_patient_value(&t, i, 0, b0, sizeof b0);
        stroma_trial_patient_value(&t, i, 1, b1, sizeof b1);
        same += fabs((atof(b0) - 2) / 3 - (atof(b1) - 10) / 2) < 1e-12;
    }
    assert_near(su / n, 3.5, 0.05); /* sd of the mean: 0.87 / sqrt(8000) = 0.01 */
    assert_true(umin >= 2 && umax <= 5 && umin < 2.01 && umax > 4.99);
    double mn = sn / n, sdn = sqrt(sn2 / n - mn * mn);
    assert_near(mn, 10, 0.07);
    assert_near(sdn, 2, 0.05);
    double ml = sl / n, sdl = sqrt(sl2 / n - ml * ml);
    assert_near(ml, log(100), 0.02);
    assert_near(sdl, 0.5, 0.015);
    assert_int_equal(imin, 18);
    assert_int_equal(imax, 25);
    assert_true(at_min > n / 3); /* P(N(20, 4) < 18.5) = 0.35: clipped, then rounded */
    for (int c = 0; c < 3; c++) assert_near(cnt[c], n / 3.0, 4 * sqrt(n * 2.0 / 9));
    assert_true(same == 0);
    /* two normal parameters of a patient are uncorrelated (sd of r: 1 / sqrt(8000) = 0.011) */
    double r = (snz / n - (mn - 10) / 2 * (sz / n)) / sqrt(sz2 / n - (sz / n) * (sz / n));
    assert_near(r, 0, 0.05);
    /* rounding to the nearest integer: U(0.4, 0.6) is 1 half of the time (floor would give 0 always) */
    assert_near(ones, n / 2.0, 4 * sqrt(n / 4.0));
    /* the draws and the seed are functions of (seed, patient, parameter) only */
    char x1[64], x2[64];
    stroma_trial_patient_value(&t, 7, 1, x1, sizeof x1);
    t.nparams = 2;
    stroma_trial_patient_value(&t, 7, 1, x2, sizeof x2);
    assert_string_equal(x1, x2);
    uint64_t s7 = stroma_trial_patient_seed(&t, 7);
    assert_true(s7 >= 1 && s7 < (UINT64_C(1) << 31));
    assert_true(s7 == stroma_trial_patient_seed(&t, 7));
    assert_true(s7 != stroma_trial_patient_seed(&t, 8));
    t.seed = 43;
    assert_true(s7 != stroma_trial_patient_seed(&t, 7));
    stroma_trial_patient_value(&t, 7, 1, x2, sizeof x2);
    assert_string_not_equal(x1, x2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcome_rule),
        cmocka_unit_test(test_cohort_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
