/* Statistics of virtual trials (see stats.h and docs/dev/trial-statistics.md): special functions, binomial
 * intervals, Kaplan-Meier, log-rank, ROC AUC / Mann-Whitney and Benjamini-Hochberg. */
#include "trial/stats.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

/* Relative accuracy the series and continued fractions iterate to, their iteration cap, and the floor that keeps
 * Lentz's method from dividing by zero. */
#define STATS_EPS 1e-15
#define STATS_MAX_ITER 10000
#define STATS_TINY 1e-300

/* ---- special functions ---- */

/* exp(-x) x^a / Gamma(a), the common factor of P and Q. */
static double gamma_front(double a, double x) { return exp(-x + a * log(x) - lgamma(a)); }

/* P(a, x) by its power series, for x < a + 1: x^a e^-x / Gamma(a) sum_k x^k / (a (a+1) ... (a+k)). */
static double gamma_p_series(double a, double x) {
    double term = 1.0 / a, sum = term;
    for (int k = 1; k < STATS_MAX_ITER; k++) {
        term *= x / (a + k);
        sum += term;
        if (fabs(term) < fabs(sum) * STATS_EPS) break;
    }
    return sum * gamma_front(a, x);
}

/* Q(a, x) by Legendre's continued fraction, for x >= a + 1, evaluated with the modified Lentz method:
 * Q = front / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...))). */
static double gamma_q_fraction(double a, double x) {
    double b = x + 1.0 - a, c = 1.0 / STATS_TINY, d = 1.0 / b, h = d;
    for (int i = 1; i < STATS_MAX_ITER; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < STATS_TINY) d = STATS_TINY;
        c = b + an / c;
        if (fabs(c) < STATS_TINY) c = STATS_TINY;
        d = 1.0 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < STATS_EPS) break;
    }
    return h * gamma_front(a, x);
}

double stroma_stats_gamma_p(double a, double x) {
    if (!(a > 0) || !(x >= 0) || isinf(a)) return NAN;
    if (x == 0) return 0.0;
    if (isinf(x)) return 1.0;
    return x < a + 1.0 ? gamma_p_series(a, x) : 1.0 - gamma_q_fraction(a, x);
}

double stroma_stats_gamma_q(double a, double x) {
    if (!(a > 0) || !(x >= 0) || isinf(a)) return NAN;
    if (x == 0) return 1.0;
    if (isinf(x)) return 0.0;
    return x < a + 1.0 ? 1.0 - gamma_p_series(a, x) : gamma_q_fraction(a, x);
}

/* The continued fraction of I_x(a, b) (converges fast for x < (a + 1) / (a + b + 2)), modified Lentz:
 * 1 / (1 + d1 / (1 + d2 / (1 + ...))), d_2m = m (b - m) x / ((a + 2m - 1)(a + 2m)),
 * d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)). */
static double beta_fraction(double a, double b, double x) {
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < STATS_TINY) d = STATS_TINY;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m < STATS_MAX_ITER; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        if (fabs(d) < STATS_TINY) d = STATS_TINY;
        c = 1.0 + num / c;
        if (fabs(c) < STATS_TINY) c = STATS_TINY;
        d = 1.0 / d;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        if (fabs(d) < STATS_TINY) d = STATS_TINY;
        c = 1.0 + num / c;
        if (fabs(c) < STATS_TINY) c = STATS_TINY;
        d = 1.0 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < STATS_EPS) break;
    }
    return h;
}

double stroma_stats_beta_inc(double a, double b, double x) {
    if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1) || isinf(a) || isinf(b)) return NAN;
    if (x == 0) return 0.0;
    if (x == 1) return 1.0;
    /* x^a (1 - x)^b / B(a, b) */
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
    return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double stroma_stats_chi2_sf(double x, double df) {
    if (!(df > 0) || isnan(x)) return NAN;
    if (x <= 0) return 1.0;
    return stroma_stats_gamma_q(0.5 * df, 0.5 * x);
}

/* ---- binomial intervals ---- */

static stroma_code check_binomial(long x, long n, stroma_error *err) {
    if (n <= 0 || x < 0 || x > n)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "binomial interval: need 0 <= x <= n and n > 0 (got x = %ld, "
                                "n = %ld)", x, n);
    return STROMA_OK;
}

stroma_code stroma_stats_wilson(long x, long n, stroma_stats_interval *out, stroma_error *err) {
    stroma_code rc = check_binomial(x, n, err);
    if (rc != STROMA_OK) return rc;
    const double z = STROMA_STATS_Z95, z2 = z * z, nn = (double)n, xx = (double)x;
    double centre = (xx + 0.5 * z2) / (nn + z2);
    double half = z * sqrt(xx * (nn - xx) / nn + 0.25 * z2) / (nn + z2);
    out->estimate = xx / nn;
    out->lo = x == 0 ? 0.0 : fmax(0.0, centre - half);
    out->hi = x == n ? 1.0 : fmin(1.0, centre + half);
    return STROMA_OK;
}

/* The t in [0, 1] with I_t(a, b) = target, by bisection (I is increasing in t): 200 halvings reach the spacing of
 * doubles. */
static double beta_quantile(double a, double b, double target) {
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        if (stroma_stats_beta_inc(a, b, mid) < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

stroma_code stroma_stats_clopper_pearson(long x, long n, stroma_stats_interval *out, stroma_error *err) {
    stroma_code rc = check_binomial(x, n, err);
    if (rc != STROMA_OK) return rc;
    const double alpha = 0.05, nn = (double)n, xx = (double)x;
    out->estimate = xx / nn;
    /* P(X >= x | p_lo) = alpha / 2 and P(X <= x | p_hi) = alpha / 2, through P(X >= x | p) = I_p(x, n - x + 1) */
    out->lo = x == 0 ? 0.0 : beta_quantile(xx, nn - xx + 1.0, 0.5 * alpha);
    out->hi = x == n ? 1.0 : beta_quantile(xx + 1.0, nn - xx, 1.0 - 0.5 * alpha);
    return STROMA_OK;
}

/* ---- sorting helpers ---- */

/* qsort over indices into a borrowed key array: by key, then by index (so the order is total and the result does
 * not depend on the sort's stability). qsort has no context argument; the key travels inside each element. */
typedef struct keyed {
    double key;
    size_t index;
} keyed;

static int keyed_cmp(const void *pa, const void *pb) {
    const keyed *a = pa, *b = pb;
    if (a->key < b->key) return -1;
    if (a->key > b->key) return 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* A malloc'd array of (v[i], i) sorted by value then index; NULL on allocation failure. */
static keyed *sorted_keys(const double *v, size_t n) {
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k) return NULL;
    for (size_t i = 0; i < n; i++) k[i] = (keyed){v[i], i};
    qsort(k, n, sizeof *k, keyed_cmp);
    return k;
}

static stroma_code check_survival(const char *what, const double *time, const int *event, size_t n,
                                  stroma_error *err) {
    if (n == 0) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "%s: no subjects", what);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(time[i]) || time[i] < 0)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "%s: time[%zu] must be finite and >= 0 (got %g)", what,
                                    i, time[i]);
        if (event[i] != 0 && event[i] != 1)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "%s: event[%zu] must be 0 (censored) or 1 (got %d)",
                                    what, i, event[i]);
    }
    return STROMA_OK;
}

/* ---- Kaplan-Meier ---- */

stroma_code stroma_stats_km(const double *time, const int *event, size_t n, stroma_km_step *steps, size_t *nsteps,
                            stroma_km_median *median, stroma_error *err) {
    stroma_code rc = check_survival("Kaplan-Meier", time, event, n, err);
    if (rc != STROMA_OK) return rc;
    keyed *order = sorted_keys(time, n);
    if (!order) return stroma_error_set(err, STROMA_ERR_NOMEM, "Kaplan-Meier: out of memory (%zu subjects)", n);
    const double z = STROMA_STATS_Z95;
    size_t at_risk = n, ns = 0;
    double s = 1.0, greenwood = 0.0; /* sum d / (n (n - d)) */
    for (size_t i = 0; i < n;) {
        double t = order[i].key;
        size_t d = 0, leaving = 0;
        for (; i < n && order[i].key == t; i++, leaving++) d += (size_t)event[order[i].index];
        if (d > 0) {
            stroma_km_step *st = &steps[ns++];
            st->time = t;
            st->at_risk = at_risk;
            st->events = d;
            s *= (double)(at_risk - d) / (double)at_risk;
            st->survival = s;
            if (d < at_risk) {
                greenwood += (double)d / ((double)at_risk * (double)(at_risk - d));
                st->variance = s * s * greenwood;
                /* log-log: log(-log S) has variance greenwood / log(S)^2; back-transformed, S^exp(+-z se) */
                double se = sqrt(greenwood) / fabs(log(s));
                st->lo = pow(s, exp(z * se));
                st->hi = pow(s, exp(-z * se));
            } else {
                st->variance = 0.0;
                st->lo = st->hi = 0.0;
            }
        }
        at_risk -= leaving;
    }
    free(order);
    *nsteps = ns;
    if (median) {
        median->median = median->lo = median->hi = NAN;
        for (size_t j = 0; j < ns; j++) {
            if (isnan(median->median) && steps[j].survival <= 0.5) median->median = steps[j].time;
            if (isnan(median->lo) && steps[j].lo <= 0.5) median->lo = steps[j].time;
            if (isnan(median->hi) && steps[j].hi <= 0.5) median->hi = steps[j].time;
        }
    }
    return STROMA_OK;
}

/* ---- log-rank ---- */

/* Solve a x = b for the symmetric positive definite a[m*m] (overwritten by its Cholesky factor) and return b'x;
 * NAN if a is not numerically positive definite. b is overwritten. */
static double quadratic_form_inverse(double *a, double *b, int m) {
    double scale = 0.0;
    for (int i = 0; i < m; i++) scale = fmax(scale, a[i * m + i]);
    if (!(scale > 0)) return NAN;
    for (int j = 0; j < m; j++) {
        double diag = a[j * m + j];
        for (int k = 0; k < j; k++) diag -= a[j * m + k] * a[j * m + k];
        if (!(diag > 1e-12 * scale)) return NAN;
        a[j * m + j] = sqrt(diag);
        for (int i = j + 1; i < m; i++) {
            double v = a[i * m + j];
            for (int k = 0; k < j; k++) v -= a[i * m + k] * a[j * m + k];
            a[i * m + j] = v / a[j * m + j];
        }
    }
    /* b' a^-1 b = |L^-1 b|^2 */
    double q = 0.0;
    for (int i = 0; i < m; i++) {
        double v = b[i];
        for (int k = 0; k < i; k++) v -= a[i * m + k] * b[k];
        b[i] = v / a[i * m + i];
        q += b[i] * b[i];
    }
    return q;
}

stroma_code stroma_stats_logrank(const double *time, const int *event, const int *group, size_t n, int k,
                                 double *observed, double *expected, stroma_logrank_result *out, stroma_error *err) {
    stroma_code rc = check_survival("log-rank", time, event, n, err);
    if (rc != STROMA_OK) return rc;
    if (k < 2 || k > 4096)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "log-rank: need 2 to 4096 groups (got %d)", k);
    for (size_t i = 0; i < n; i++)
        if (group[i] < 0 || group[i] >= k)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "log-rank: group[%zu] must be in 0..%d (got %d)", i,
                                    k - 1, group[i]);
    size_t kk = (size_t)k;
    /* work: at risk, events now, leaving now (k each, counts as doubles), O, E (k each), V (k*k) */
    double *work = calloc(5 * kk + kk * kk, sizeof *work);
    keyed *order = sorted_keys(time, n);
    if (!work || !order) {
        free(work);
        free(order);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "log-rank: out of memory (%zu subjects, %d groups)", n, k);
    }
    double *nr = work, *dg = nr + kk, *lg = dg + kk, *obs = lg + kk, *exp_ = obs + kk, *var = exp_ + kk;
    for (size_t i = 0; i < n; i++) nr[group[i]] += 1.0;
    for (size_t g = 0; g < kk; g++)
        if (nr[g] == 0) {
            free(work);
            free(order);
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "log-rank: group %zu has no subjects", g);
        }
    double total = (double)n;
    for (size_t i = 0; i < n;) {
        double t = order[i].key, d = 0.0, leaving = 0.0;
        memset(dg, 0, kk * sizeof *dg);
        memset(lg, 0, kk * sizeof *lg);
        for (; i < n && order[i].key == t; i++) {
            size_t s = order[i].index, g = (size_t)group[s];
            dg[g] += event[s];
            d += event[s];
            lg[g] += 1.0;
            leaving += 1.0;
        }
        if (d > 0) {
            /* hypergeometric: E_g = d n_g / N; V_gh = d (N - d) / (N - 1) (n_g / N) (delta_gh - n_h / N) */
            double f = total > 1 ? d * (total - d) / (total - 1.0) : 0.0;
            for (size_t g = 0; g < kk; g++) {
                obs[g] += dg[g];
                exp_[g] += d * nr[g] / total;
                for (size_t h = 0; h < kk; h++)
                    var[g * kk + h] += f * (nr[g] / total) * ((g == h ? 1.0 : 0.0) - nr[h] / total);
            }
        }
        for (size_t g = 0; g < kk; g++) nr[g] -= lg[g];
        total -= leaving;
    }
    free(order);
    if (observed) memcpy(observed, obs, kk * sizeof *obs);
    if (expected) memcpy(expected, exp_, kk * sizeof *exp_);
    /* the first k - 1 groups: V restricted in place (rows of length k - 1), O - E into dg */
    int m = k - 1;
    size_t mm = kk - 1;
    for (size_t g = 0; g < mm; g++) {
        dg[g] = obs[g] - exp_[g];
        for (size_t h = 0; h < mm; h++) var[g * mm + h] = var[g * kk + h];
    }
    double chi2 = quadratic_form_inverse(var, dg, m);
    free(work);
    if (isnan(chi2))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "log-rank: the variance is singular (no events, or a group "
                                "never at risk at an event time)");
    out->chi2 = chi2;
    out->df = m;
    out->p = stroma_stats_chi2_sf(chi2, m);
    return STROMA_OK;
}

/* ---- ROC AUC and Mann-Whitney ---- */

/* Midranks (1-based) of the members of class `want` (-1: every subject) in the sorted order, written to
 * rank[index]; returns the tie term sum (t^3 - t) over the tie groups among them. */
static double midranks(const keyed *order, size_t n, const int *cls, int want, double *rank) {
    double ties = 0.0;
    size_t seen = 0;
    for (size_t i = 0; i < n;) {
        double v = order[i].key;
        size_t j = i, cnt = 0;
        for (; j < n && order[j].key == v; j++) cnt += (want < 0 || cls[order[j].index] == want);
        if (cnt > 0) {
            double r = (double)seen + 0.5 * (double)(cnt + 1);
            for (size_t l = i; l < j; l++)
                if (want < 0 || cls[order[l].index] == want) rank[order[l].index] = r;
            double t = (double)cnt;
            ties += t * t * t - t;
            seen += cnt;
        }
        i = j;
    }
    return ties;
}

/* Two-sided exact p of the Mann-Whitney U (integer, no ties) for n1 and n0 subjects: the number of orderings
 * with U = u counts f_{i,j}(u) = f_{i-1,j}(u - j) + f_{i,j-1}(u) (the largest value belongs to one of the two
 * samples; a positive beats all j negatives). NAN on allocation failure. */
static double mann_whitney_exact(size_t n1, size_t n0, double u) {
    size_t umax = n1 * n0, w = umax + 1;
    double *prev = calloc((n0 + 1) * w, sizeof *prev), *cur = calloc((n0 + 1) * w, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return NAN;
    }
    for (size_t j = 0; j <= n0; j++) prev[j * w] = 1.0; /* i = 0: one ordering, U = 0 */
    for (size_t i = 1; i <= n1; i++) {
        memset(cur, 0, (n0 + 1) * w * sizeof *cur);
        cur[0] = 1.0; /* j = 0 */
        for (size_t j = 1; j <= n0; j++)
            for (size_t v = 0; v <= i * j; v++)
                cur[j * w + v] = (v >= j ? prev[j * w + v - j] : 0.0) + cur[(j - 1) * w + v];
        double *t = prev;
        prev = cur;
        cur = t;
    }
    double total = 0.0, below = 0.0, above = 0.0;
    for (size_t v = 0; v <= umax; v++) {
        double c = prev[n0 * w + v];
        total += c;
        if ((double)v <= u) below += c;
        if ((double)v >= u) above += c;
    }
    free(prev);
    free(cur);
    return fmin(1.0, 2.0 * fmin(below, above) / total);
}

double stroma_stats_auc_se_hanley_mcneil(double auc, size_t n_pos, size_t n_neg) {
    if (n_pos == 0 || n_neg == 0 || !(auc >= 0 && auc <= 1)) return NAN;
    double q1 = auc / (2.0 - auc), q2 = 2.0 * auc * auc / (1.0 + auc), np = (double)n_pos, nn = (double)n_neg;
    double v = (auc * (1.0 - auc) + (np - 1.0) * (q1 - auc * auc) + (nn - 1.0) * (q2 - auc * auc)) / (np * nn);
    return sqrt(v);
}

stroma_code stroma_stats_roc(const double *score, const int *outcome, size_t n, stroma_roc_result *out,
                             stroma_error *err) {
    size_t n1 = 0, n0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(score[i]))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "ROC: score[%zu] is not a finite number", i);
        if (outcome[i] != 0 && outcome[i] != 1)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "ROC: outcome[%zu] must be 0 or 1 (got %d)", i,
                                    outcome[i]);
        if (outcome[i]) n1++; else n0++;
    }
    if (n1 == 0 || n0 == 0)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "ROC: need positives and negatives (got %zu and %zu)", n1,
                                n0);
    keyed *order = sorted_keys(score, n);
    double *rank = malloc(2 * n * sizeof *rank);
    if (!order || !rank) {
        free(order);
        free(rank);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "ROC: out of memory (%zu subjects)", n);
    }
    double *rank_class = rank + n;
    double ties = midranks(order, n, outcome, -1, rank);
    midranks(order, n, outcome, 1, rank_class);
    midranks(order, n, outcome, 0, rank_class);
    free(order);
    const double a = (double)n1, b = (double)n0, nt = (double)n;
    double r1 = 0.0;
    for (size_t i = 0; i < n; i++)
        if (outcome[i]) r1 += rank[i];
    double u = r1 - a * (a + 1.0) / 2.0, auc = u / (a * b);
    /* DeLong's structural components: V10 of a positive = the share of negatives it beats (ties 1/2) =
     * (its rank among all - its rank among positives) / n0; V01 of a negative = the share of positives beating it =
     * 1 - (its rank among all - its rank among negatives) / n1. */
    double s10 = 0.0, s01 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dev;
        if (outcome[i]) {
            dev = (rank[i] - rank_class[i]) / b - auc;
            s10 += dev * dev;
        } else {
            dev = 1.0 - (rank[i] - rank_class[i]) / a - auc;
            s01 += dev * dev;
        }
    }
    free(rank);
    out->n_pos = n1;
    out->n_neg = n0;
    out->auc = auc;
    out->u = u;
    if (n1 >= 2 && n0 >= 2) {
        out->se = sqrt(s10 / (a - 1.0) / a + s01 / (b - 1.0) / b);
        out->lo = fmax(0.0, auc - STROMA_STATS_Z95 * out->se);
        out->hi = fmin(1.0, auc + STROMA_STATS_Z95 * out->se);
    } else {
        out->se = out->lo = out->hi = NAN;
    }
    /* normal approximation, tie-corrected variance, continuity correction 1/2 towards the mean */
    double var = a * b / 12.0 * ((nt + 1.0) - ties / (nt * (nt - 1.0)));
    double diff = u - a * b / 2.0;
    if (var > 0) {
        double corr = diff > 0 ? 0.5 : diff < 0 ? -0.5 : 0.0;
        out->z = (diff - corr) / sqrt(var);
        out->p_normal = fmin(1.0, erfc(fabs(out->z) / sqrt(2.0)));
    } else {
        out->z = 0.0;
        out->p_normal = 1.0;
    }
    out->p_exact = (ties == 0.0 && n <= 50) ? mann_whitney_exact(n1, n0, u) : NAN;
    return STROMA_OK;
}

/* ---- Benjamini-Hochberg ---- */

stroma_code stroma_stats_bh(const double *p, size_t m, double *q, stroma_error *err) {
    if (m == 0) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "Benjamini-Hochberg: no p-values");
    for (size_t i = 0; i < m; i++)
        if (!(p[i] >= 0 && p[i] <= 1))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "Benjamini-Hochberg: p[%zu] must be in [0, 1] (got %g)",
                                    i, p[i]);
    keyed *order = sorted_keys(p, m);
    if (!order) return stroma_error_set(err, STROMA_ERR_NOMEM, "Benjamini-Hochberg: out of memory (%zu p-values)", m);
    double running = 1.0;
    for (size_t r = m; r-- > 0;) {
        double v = order[r].key * (double)m / (double)(r + 1);
        if (v < running) running = v;
        q[order[r].index] = running;
    }
    free(order);
    return STROMA_OK;
}
