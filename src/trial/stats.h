/* Statistics of virtual trials: response-rate confidence intervals (Wilson, Clopper-Pearson), Kaplan-Meier with
 * Greenwood variance and log-log intervals, the log-rank test for k groups, ROC AUC with DeLong's interval and the
 * Mann-Whitney test, Benjamini-Hochberg q-values, and the special functions they need (regularized incomplete
 * gamma and beta). Formulas, references and the worked examples that test them: docs/dev/trial-statistics.md.
 *
 * Every function is pure: no global state, the same inputs give bit-identical outputs (sorts break ties by input
 * index). Inputs are borrowed and never modified; outputs go to caller-owned buffers. Functions that sort take a
 * working copy with malloc and free it before returning (STROMA_ERR_NOMEM if it fails). Bad input (NaN, an empty
 * sample, an event flag other than 0/1, ...) returns STROMA_ERR_ARGUMENT with a message in *err (err may be NULL)
 * and leaves the outputs unspecified. All intervals are two-sided 95 %, z = STROMA_STATS_Z95.
 * Thread safety: the functions share nothing, but the incomplete gamma and beta call libm's lgamma, which also
 * stores the sign of Gamma in the global signgam: calls from several threads at once race on that variable
 * (our results never read it; a thread sanitizer would report it). */
#ifndef STROMA_TRIAL_STATS_H
#define STROMA_TRIAL_STATS_H

#include <stddef.h>

#include "stroma/error.h"

/* The 0.975 quantile of the standard normal distribution. */
#define STROMA_STATS_Z95 1.959963984540054

/* ---- special functions (NAN for arguments outside their domain) ---- */

/* Regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0. */
double stroma_stats_gamma_p(double a, double x);
/* Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), computed directly (accurate for small Q). */
double stroma_stats_gamma_q(double a, double x);
/* Regularized incomplete beta I_x(a, b), a > 0, b > 0, 0 <= x <= 1 (continued fraction, modified Lentz). */
double stroma_stats_beta_inc(double a, double b, double x);
/* Upper tail P(X >= x) of the chi-square distribution with df > 0 degrees of freedom: Q(df/2, x/2). */
double stroma_stats_chi2_sf(double x, double df);

/* ---- a binomial proportion (a response rate): x successes of n ---- */

typedef struct stroma_stats_interval {
    double estimate; /* x / n */
    double lo, hi;   /* 95 % interval, within [0, 1] */
} stroma_stats_interval;

/* Wilson score interval (the recommended default, not Wald: Wald's p +- z sqrt(p(1-p)/n) has coverage far below
 * 95 % for small n or p near 0 or 1, and a zero width at x = 0 or x = n). Needs 0 <= x <= n, n > 0. */
stroma_code stroma_stats_wilson(long x, long n, stroma_stats_interval *out, stroma_error *err);
/* Clopper-Pearson "exact" interval (inverts two one-sided binomial tests through the incomplete beta; coverage
 * >= 95 %, conservative). Needs 0 <= x <= n, n > 0. */
stroma_code stroma_stats_clopper_pearson(long x, long n, stroma_stats_interval *out, stroma_error *err);

/* ---- Kaplan-Meier ---- */

/* One step of the Kaplan-Meier curve, at a distinct time with at least one event. */
typedef struct stroma_km_step {
    double time;     /* event time (the caller's unit) */
    size_t at_risk;  /* subjects with time >= this time (censored at this time count as at risk) */
    size_t events;   /* events at this time */
    double survival; /* S(t) just after this time */
    double variance; /* Greenwood variance of S(t): S^2 sum_{t_i <= t} d_i / (n_i (n_i - d_i)); 0 once S = 0 */
    double lo, hi;   /* 95 % interval by the log-log transform, S^exp(+-z sqrt(sum) / |log S|); 0 once S = 0 */
} stroma_km_step;

/* Median survival and its interval (Brookmeyer-Crowley, with the same log-log pointwise intervals). */
typedef struct stroma_km_median {
    double median; /* smallest event time with S(t) <= 0.5; NAN if S stays above 0.5 (median not reached) */
    double lo;     /* smallest event time with lower limit of S(t) <= 0.5; NAN if none */
    double hi;     /* smallest event time with upper limit of S(t) <= 0.5; NAN if none (not estimable) */
} stroma_km_median;

/* Kaplan-Meier estimate from time[n] (finite, >= 0) and event[n] (1 event, 0 censored). An event and a censoring
 * at the same time: the censored subject counts as at risk at that time (events before censorings). steps has
 * room for n entries (there are at most n); *nsteps receives the number written, 0 when there is no event.
 * median may be NULL. n = 0 is an error. Sorts a malloc'd index (freed). */
stroma_code stroma_stats_km(const double *time, const int *event, size_t n, stroma_km_step *steps, size_t *nsteps,
                            stroma_km_median *median, stroma_error *err);

/* ---- log-rank test of k >= 2 groups ---- */

typedef struct stroma_logrank_result {
    double chi2; /* (O - E)' V^-1 (O - E) over the first k - 1 groups */
    int df;      /* k - 1 */
    double p;    /* chi-square upper tail */
} stroma_logrank_result;

/* Log-rank (Mantel-Haenszel) test that k groups share one survival function. time[n], event[n] as for
 * stroma_stats_km; group[n] in 0..k-1, each group non-empty. observed[k] and expected[k] (caller-owned, may be
 * NULL) receive the events per group and their expectation under the null hypothesis. The variance is the
 * hypergeometric one, d (n - d) / (n - 1) at each time. No event at all (a singular variance) is an error.
 * Allocates work arrays (freed). */
stroma_code stroma_stats_logrank(const double *time, const int *event, const int *group, size_t n, int k,
                                 double *observed, double *expected, stroma_logrank_result *out, stroma_error *err);

/* ---- ROC AUC and the Mann-Whitney test ---- */

typedef struct stroma_roc_result {
    size_t n_pos, n_neg; /* subjects with outcome 1 and 0 */
    double auc;          /* P(score_pos > score_neg) + P(tie) / 2 = U / (n_pos n_neg) */
    double se;           /* DeLong's standard error of the AUC; NAN with fewer than 2 positives or negatives */
    double lo, hi;       /* auc +- z se, clipped to [0, 1]; NAN with se */
    double u;            /* Mann-Whitney U of the positives (ties count 1/2) */
    double z;            /* (U - n_pos n_neg / 2) / sd, tie-corrected sd, continuity-corrected towards 0 */
    double p_normal;     /* two-sided p of z; 1 when every score ties */
    double p_exact;      /* two-sided exact p (no ties and n_pos + n_neg <= 50); NAN otherwise */
} stroma_roc_result;

/* AUC of score[n] (finite; higher means more likely positive) for outcome[n] (1 positive, e.g. a responder, 0
 * negative), with DeLong's interval and the two-sided Mann-Whitney p. Needs at least one positive and one negative.
 * Sorts a malloc'd copy (freed). */
stroma_code stroma_stats_roc(const double *score, const int *outcome, size_t n, stroma_roc_result *out,
                             stroma_error *err);

/* Hanley & McNeil's (1982) standard error of an AUC from n_pos positives and n_neg negatives, which assumes
 * exponential-like score distributions; kept to check against their published example (DeLong is the one used for
 * intervals). */
double stroma_stats_auc_se_hanley_mcneil(double auc, size_t n_pos, size_t n_neg);

/* ---- multiple testing ---- */

/* Benjamini-Hochberg q-values of p[m] (each in [0, 1], any order): q[i] = min over p_j >= p_i of
 * min(1, p_j m / rank_j), so q is monotone in p. q[m] is caller-owned, in the same order as p (q may equal p). */
stroma_code stroma_stats_bh(const double *p, size_t m, double *q, stroma_error *err);

#endif
