/* Drug pharmacokinetics (pk.h): parameter and schedule checks, the exact segment propagator (matrix exponential
 * of the augmented linear system), the step function, and the derived numbers (half-lives, AUC, extremes,
 * steady state of a repeated dose). */
#include "body/pk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

/* Augmented state: depot, central, peripheral amounts (mg), z = integral of central over the segment divided
 * by its length (mg), u = infused amount over the segment (mg, constant). */
enum { PK_DEPOT, PK_CENTRAL, PK_PERIPH, PK_INT, PK_INPUT, PK_N };

static int finite_pos(double v) { return isfinite(v) && v > 0; }

stroma_code stroma_pk_params_check(const stroma_pk_params *p, stroma_error *err) {
    if (p->compartments != 1 && p->compartments != 2)
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: compartments must be 1 or 2 (got %d)", p->compartments);
    if (!finite_pos(p->vc_l))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: central volume must be > 0 (got %g) [L]", p->vc_l);
    if (!isfinite(p->cl_l_per_min) || p->cl_l_per_min < 0)
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: clearance must be >= 0 (got %g) [L/min]", p->cl_l_per_min);
    if (p->compartments == 2) {
        if (!finite_pos(p->vp_l))
            return stroma_error_set(err, STROMA_ERR_RANGE, "pk: peripheral volume must be > 0 (got %g) [L]", p->vp_l);
        if (!finite_pos(p->q_l_per_min))
            return stroma_error_set(err, STROMA_ERR_RANGE,
                                    "pk: intercompartmental clearance must be > 0 (got %g) [L/min]", p->q_l_per_min);
    }
    if (!isfinite(p->ka_per_min) || p->ka_per_min < 0)
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: absorption rate must be >= 0 (got %g) [1/min]",
                                p->ka_per_min);
    if (p->ka_per_min > 0 && !(p->bioavailability > 0 && p->bioavailability <= 1))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: bioavailability must be in (0, 1] (got %g)",
                                p->bioavailability);
    return STROMA_OK;
}

double stroma_pk_cl_from_half_life(double v_l, double half_life_min) { return log(2.0) * v_l / half_life_min; }

/* Rate constants, 1/min. */
static void rates(const stroma_pk_params *p, double *k10, double *k12, double *k21) {
    *k10 = p->cl_l_per_min / p->vc_l;
    *k12 = p->compartments == 2 ? p->q_l_per_min / p->vc_l : 0.0;
    *k21 = p->compartments == 2 ? p->q_l_per_min / p->vp_l : 0.0;
}

void stroma_pk_half_lives(const stroma_pk_params *p, double *alpha_min, double *beta_min) {
    double k10, k12, k21;
    rates(p, &k10, &k12, &k21);
    double a, b;
    if (p->compartments == 1) {
        a = b = k10;
    } else {
        /* Eigenvalues of [[-(k10 + k12), k21], [k12, -k21]]: -(S +- sqrt(S^2 - 4 P)) / 2; beta from the product
         * (no cancellation). */
        double S = k10 + k12 + k21, P = k10 * k21;
        a = 0.5 * (S + sqrt(S * S - 4.0 * P));
        b = P / a;
    }
    if (alpha_min) *alpha_min = a > 0 ? log(2.0) / a : INFINITY;
    if (beta_min) *beta_min = b > 0 ? log(2.0) / b : INFINITY;
}

/* ---- schedule ---- */

stroma_pk_schedule *stroma_pk_schedule_create(stroma_error *err) {
    stroma_pk_schedule *s = calloc(1, sizeof *s);
    if (!s) stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for a dosing schedule");
    return s;
}

void stroma_pk_schedule_destroy(stroma_pk_schedule **s) {
    if (!s || !*s) return;
    free((*s)->dose);
    free(*s);
    *s = NULL;
}

static stroma_code check_dose(const stroma_pk_dose *d, stroma_error *err) {
    if (!isfinite(d->time_min) || d->time_min < 0)
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk dose: time must be >= 0 (got %g) [min]", d->time_min);
    if (!finite_pos(d->amount_mg))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk dose: amount must be > 0 (got %g) [mg]", d->amount_mg);
    if (d->route == STROMA_PK_IV_INFUSION) {
        if (!finite_pos(d->duration_min))
            return stroma_error_set(err, STROMA_ERR_RANGE, "pk dose: infusion duration must be > 0 (got %g) [min]",
                                    d->duration_min);
    } else if (d->route == STROMA_PK_IV_BOLUS || d->route == STROMA_PK_DEPOT) {
        if (d->duration_min != 0)
            return stroma_error_set(err, STROMA_ERR_RANGE,
                                    "pk dose: duration is for infusions only (got %g for a bolus or depot dose) [min]",
                                    d->duration_min);
    } else {
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk dose: unknown route %d", (int)d->route);
    }
    return STROMA_OK;
}

/* Make room for `more` doses. */
static stroma_code reserve(stroma_pk_schedule *s, long long more, stroma_error *err) {
    if ((long long)s->n + more > STROMA_PK_MAX_DOSES)
        return stroma_error_set(err, STROMA_ERR_TOO_LARGE, "pk: a schedule of more than %d doses (%lld asked)",
                                STROMA_PK_MAX_DOSES, (long long)s->n + more);
    int need = s->n + (int)more;
    if (need <= s->cap) return STROMA_OK;
    int cap = s->cap ? s->cap : 16;
    while (cap < need) cap = cap > STROMA_PK_MAX_DOSES / 2 ? STROMA_PK_MAX_DOSES : 2 * cap;
    stroma_pk_dose *d = realloc(s->dose, (size_t)cap * sizeof *d);
    if (!d) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for a dosing schedule");
    s->dose = d;
    s->cap = cap;
    return STROMA_OK;
}

/* Insert d after every dose at a time <= its own (stable by time). Room reserved. */
static void insert_sorted(stroma_pk_schedule *s, const stroma_pk_dose *d) {
    int i = s->n;
    while (i > 0 && s->dose[i - 1].time_min > d->time_min) i--;
    memmove(&s->dose[i + 1], &s->dose[i], (size_t)(s->n - i) * sizeof *d);
    s->dose[i] = *d;
    s->n++;
}

stroma_code stroma_pk_schedule_add_dose(stroma_pk_schedule *s, const stroma_pk_dose *d, stroma_error *err) {
    stroma_code c = check_dose(d, err);
    if (c == STROMA_OK) c = reserve(s, 1, err);
    if (c == STROMA_OK) insert_sorted(s, d);
    return c;
}

stroma_code stroma_pk_schedule_add(stroma_pk_schedule *s, const stroma_pk_regimen *r, double body_weight_kg,
                                   stroma_error *err) {
    if (r->cycles < 1)
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk regimen: cycles must be >= 1 (got %d)", r->cycles);
    if (r->cycles > 1 && !finite_pos(r->interval_min))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk regimen: interval must be > 0 with %d cycles (got %g) [min]",
                                r->cycles, r->interval_min);
    if (r->per_kg && !finite_pos(body_weight_kg))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk regimen: body weight must be > 0 for a dose per kg (got %g) [kg]",
                                body_weight_kg);
    if (!finite_pos(r->dose))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk regimen: dose must be > 0 (got %g) [%s]", r->dose,
                                r->per_kg ? "mg/kg" : "mg");
    stroma_pk_dose d = {.time_min = r->start_min, .amount_mg = r->per_kg ? r->dose * body_weight_kg : r->dose,
                        .duration_min = r->duration_min, .route = r->route};
    stroma_code c = check_dose(&d, err);
    if (c != STROMA_OK) return c;
    if (!isfinite(r->start_min + (double)(r->cycles - 1) * (r->cycles > 1 ? r->interval_min : 0.0)))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk regimen: the last dose's time is not finite [min]");
    c = reserve(s, r->cycles, err);
    if (c != STROMA_OK) return c;
    for (int k = 0; k < r->cycles; k++) {
        d.time_min = r->start_min + (double)k * (r->cycles > 1 ? r->interval_min : 0.0);
        insert_sorted(s, &d);
    }
    return STROMA_OK;
}

stroma_code stroma_pk_schedule_check(const stroma_pk_schedule *s, const stroma_pk_params *p, stroma_error *err) {
    for (int i = 0; i < s->n; i++)
        if (s->dose[i].route == STROMA_PK_DEPOT && !(p->ka_per_min > 0))
            return stroma_error_set(err, STROMA_ERR_RANGE,
                                    "pk: dose %d at %g min goes into a depot, but the drug has no absorption rate", i + 1,
                                    s->dose[i].time_min);
    return STROMA_OK;
}

/* ---- exact propagation ---- */

/* b = a x a. */
static void mat_square(double a[PK_N][PK_N]) {
    double b[PK_N][PK_N];
    for (int i = 0; i < PK_N; i++)
        for (int j = 0; j < PK_N; j++) {
            double v = 0;
            for (int k = 0; k < PK_N; k++) v += a[i][k] * a[k][j];
            b[i][j] = v;
        }
    memcpy(a, b, sizeof b);
}

/* e = exp(a), by scaling and squaring: a / 2^s with 1-norm <= 1/2, Taylor series to the last term that changes
 * the sum (at most 30 terms; the remainder is then below 2^-53 relative), squared s times. a is overwritten. */
static void mat_exp(double a[PK_N][PK_N], double e[PK_N][PK_N]) {
    double norm = 0;
    for (int j = 0; j < PK_N; j++) {
        double col = 0;
        for (int i = 0; i < PK_N; i++) col += fabs(a[i][j]);
        if (col > norm) norm = col;
    }
    int s = 0;
    if (norm > 0.5) {
        frexp(norm / 0.5, &s); /* norm / 0.5 < 2^s */
        double f = ldexp(1.0, -s);
        for (int i = 0; i < PK_N; i++)
            for (int j = 0; j < PK_N; j++) a[i][j] *= f;
    }
    double term[PK_N][PK_N], next[PK_N][PK_N];
    memset(e, 0, sizeof(double) * PK_N * PK_N);
    memset(term, 0, sizeof term);
    for (int i = 0; i < PK_N; i++) e[i][i] = term[i][i] = 1.0;
    for (int k = 1; k <= 30; k++) {
        double tn = 0;
        for (int i = 0; i < PK_N; i++)
            for (int j = 0; j < PK_N; j++) {
                double v = 0;
                for (int m = 0; m < PK_N; m++) v += term[i][m] * a[m][j];
                next[i][j] = v / k;
                tn = fmax(tn, fabs(next[i][j]));
            }
        memcpy(term, next, sizeof term);
        for (int i = 0; i < PK_N; i++)
            for (int j = 0; j < PK_N; j++) e[i][j] += term[i][j];
        if (tn < 1e-18) break;
    }
    for (int k = 0; k < s; k++) mat_square(e);
}

/* The segment matrix for length h (min) in the scaled variables: the x block is A h, z' = c, c' gets + u. */
static void segment_matrix(const stroma_pk_params *p, double kx, double h, double e[PK_N][PK_N]) {
    double k10, k12, k21;
    rates(p, &k10, &k12, &k21);
    double a[PK_N][PK_N] = {{0}};
    a[PK_DEPOT][PK_DEPOT] = -p->ka_per_min * h;
    a[PK_CENTRAL][PK_DEPOT] = p->ka_per_min * h;
    a[PK_CENTRAL][PK_CENTRAL] = -(k10 + k12 + kx) * h;
    a[PK_CENTRAL][PK_PERIPH] = k21 * h;
    a[PK_CENTRAL][PK_INPUT] = 1.0;
    a[PK_PERIPH][PK_CENTRAL] = k12 * h;
    a[PK_PERIPH][PK_PERIPH] = -k21 * h;
    a[PK_INT][PK_CENTRAL] = 1.0;
    mat_exp(a, e);
}

/* Advance st by h > 0 with the infusion rate `rate` (mg/min) held; books the ledger. */
static void propagate(stroma_pk_state *st, double h, double rate) {
    double e[PK_N][PK_N];
    segment_matrix(st->p, st->extra_per_min, h, e);
    double x[PK_N] = {st->amount_mg[0], st->amount_mg[1], st->amount_mg[2], 0.0, rate * h}, y[PK_N];
    for (int i = 0; i < PK_INPUT; i++) {
        double v = 0;
        for (int j = 0; j < PK_N; j++) v += e[i][j] * x[j];
        y[i] = v;
    }
    for (int i = 0; i < 3; i++) st->amount_mg[i] = y[i];
    double integral = y[PK_INT] * h; /* mg min */
    st->cleared_mg += st->p->cl_l_per_min / st->p->vc_l * integral;
    st->extra_eliminated_mg += st->extra_per_min * integral;
    st->auc_mg_min_per_l += integral / st->p->vc_l;
    st->dosed_mg += rate * h;
}

/* Give every dose due at or before st->t_min (boluses and depot doses now; infusions run from now on). */
static void give_due(stroma_pk_state *st) {
    const stroma_pk_schedule *s = st->s;
    while (st->next < s->n && s->dose[st->next].time_min <= st->t_min) {
        const stroma_pk_dose *d = &s->dose[st->next++];
        if (d->route == STROMA_PK_IV_BOLUS) {
            st->amount_mg[PK_CENTRAL] += d->amount_mg;
            st->dosed_mg += d->amount_mg;
        } else if (d->route == STROMA_PK_DEPOT) {
            double f = st->p->bioavailability;
            st->amount_mg[PK_DEPOT] += f * d->amount_mg;
            st->not_absorbed_mg += (1.0 - f) * d->amount_mg;
            st->dosed_mg += d->amount_mg;
        }
    }
}

/* Advance to t_end >= st->t_min through every event; give the doses due at t_end only if give_at_end. */
static void advance_to(stroma_pk_state *st, double t_end, int give_at_end) {
    const stroma_pk_schedule *s = st->s;
    if (st->t_min < t_end || give_at_end) give_due(st);
    while (st->t_min < t_end) {
        double t = st->t_min, seg = t_end, rate = 0;
        if (st->next < s->n && s->dose[st->next].time_min < seg) seg = s->dose[st->next].time_min;
        for (int i = 0; i < st->next; i++) {
            const stroma_pk_dose *d = &s->dose[i];
            if (d->route != STROMA_PK_IV_INFUSION) continue;
            double end = d->time_min + d->duration_min;
            if (end > t) {
                rate += d->amount_mg / d->duration_min;
                if (end < seg) seg = end;
            }
        }
        propagate(st, seg - t, rate);
        st->t_min = seg;
        if (seg < t_end || give_at_end) give_due(st);
    }
}

static void state_start(stroma_pk_state *st, const stroma_pk_params *p, const stroma_pk_schedule *s) {
    memset(st, 0, sizeof *st);
    st->p = p;
    st->s = s;
}

void stroma_pk_state_init(stroma_pk_state *st, const stroma_pk_params *p, const stroma_pk_schedule *s) {
    state_start(st, p, s);
    give_due(st);
}

void stroma_pk_state_advance(stroma_pk_state *st, double dt_min) { advance_to(st, st->t_min + dt_min, 1); }

double stroma_pk_state_central(const stroma_pk_state *st) { return st->amount_mg[PK_CENTRAL] / st->p->vc_l; }

double stroma_pk_state_peripheral(const stroma_pk_state *st) {
    return st->p->compartments == 2 ? st->amount_mg[PK_PERIPH] / st->p->vp_l : 0.0;
}

double stroma_pk_concentration(const stroma_pk_params *p, const stroma_pk_schedule *s, double t_min) {
    stroma_pk_state st;
    state_start(&st, p, s);
    advance_to(&st, t_min, 1);
    return stroma_pk_state_central(&st);
}

double stroma_pk_concentration_before(const stroma_pk_params *p, const stroma_pk_schedule *s, double t_min) {
    stroma_pk_state st;
    state_start(&st, p, s);
    advance_to(&st, t_min, 0);
    return stroma_pk_state_central(&st);
}

double stroma_pk_auc(const stroma_pk_params *p, const stroma_pk_schedule *s, double t0_min, double t1_min) {
    stroma_pk_state st;
    state_start(&st, p, s);
    advance_to(&st, t0_min, 1);
    st.auc_mg_min_per_l = 0;
    advance_to(&st, t1_min, 1);
    return st.auc_mg_min_per_l;
}

/* ---- extremes ---- */

#define PK_GRID 2048

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Golden-section search for the max (sign = 1) or min (sign = -1) of the concentration on (lo, hi), an
 * interval without events, starting from `from` (at lo, doses given). */
static void golden(const stroma_pk_state *from, double lo, double hi, double sign, double *best_c, double *best_t) {
    const double g = 0.5 * (sqrt(5.0) - 1.0), tol = 1e-9 * (hi - lo);
    double a = lo, b = hi;
    while (b - a > tol) {
        double m1 = b - g * (b - a), m2 = a + g * (b - a);
        stroma_pk_state s1 = *from, s2 = *from;
        advance_to(&s1, m1, 0);
        advance_to(&s2, m2, 0);
        double c1 = sign * stroma_pk_state_central(&s1), c2 = sign * stroma_pk_state_central(&s2);
        if (c1 > sign * *best_c) { *best_c = sign * c1; *best_t = m1; }
        if (c2 > sign * *best_c) { *best_c = sign * c2; *best_t = m2; }
        if (c1 >= c2) b = m2;
        else a = m1;
    }
}

/* Extremes over [st0->t_min, t1] from st0 (doses at its time given). Returns STROMA_ERR_NOMEM or STROMA_OK. */
static stroma_code extremes_from(const stroma_pk_state *st0, double t1, double *cmax, double *tmax, double *cmin,
                                 double *tmin) {
    const stroma_pk_schedule *s = st0->s;
    const double t0 = st0->t_min;
    /* Candidate times: the grid, dose starts and infusion ends inside (t0, t1). Events are flagged so that the
     * search is never run across a jump or a kink. */
    size_t cap = PK_GRID + 1 + 2 * (size_t)s->n, n = 0;
    double *t = malloc(cap * sizeof *t), *ev = malloc(cap * sizeof *ev);
    if (!t || !ev) {
        free(t);
        free(ev);
        return STROMA_ERR_NOMEM;
    }
    size_t nev = 0;
    for (int i = 0; i < s->n; i++) {
        double a = s->dose[i].time_min, b = a + s->dose[i].duration_min;
        if (a > t0 && a < t1) ev[nev++] = a;
        if (s->dose[i].route == STROMA_PK_IV_INFUSION && b > t0 && b < t1) ev[nev++] = b;
    }
    qsort(ev, nev, sizeof *ev, cmp_double);
    for (int k = 0; k <= PK_GRID; k++) t[n++] = k == PK_GRID ? t1 : t0 + (t1 - t0) * k / PK_GRID;
    for (size_t k = 0; k < nev; k++) t[n++] = ev[k];
    qsort(t, n, sizeof *t, cmp_double);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || t[k] != t[m - 1]) t[m++] = t[k];
    n = m;

    stroma_pk_state st = *st0, prev = *st0, max_prev = *st0, min_prev = *st0;
    double c = stroma_pk_state_central(&st);
    double hi = c, lo = c, thi = t0, tlo = t0;
    size_t khi = 0, klo = 0;
    for (size_t k = 1; k < n; k++) {
        advance_to(&st, t[k], 0);
        double left = stroma_pk_state_central(&st);
        if (left > hi) { hi = left; thi = t[k]; khi = k; max_prev = prev; }
        if (left < lo) { lo = left; tlo = t[k]; klo = k; min_prev = prev; }
        if (k + 1 < n) {
            advance_to(&st, t[k], 1);
            double right = stroma_pk_state_central(&st);
            if (right > hi) { hi = right; thi = t[k]; khi = 0; }
            if (right < lo) { lo = right; tlo = t[k]; klo = 0; }
        }
        prev = st;
    }
    /* Refine an extreme at a grid point between two candidates when no event lies at it. */
    for (int pass = 0; pass < 2; pass++) {
        size_t k = pass == 0 ? khi : klo;
        if (k == 0 || k + 1 >= n || bsearch(&t[k], ev, nev, sizeof *ev, cmp_double)) continue;
        if (pass == 0) golden(&max_prev, t[k - 1], t[k + 1], 1.0, &hi, &thi);
        else golden(&min_prev, t[k - 1], t[k + 1], -1.0, &lo, &tlo);
    }
    free(t);
    free(ev);
    if (cmax) *cmax = hi;
    if (tmax) *tmax = thi;
    if (cmin) *cmin = lo;
    if (tmin) *tmin = tlo;
    return STROMA_OK;
}

void stroma_pk_extremes(const stroma_pk_params *p, const stroma_pk_schedule *s, double t0_min, double t1_min,
                        double *cmax, double *tmax_min, double *cmin, double *tmin_min) {
    stroma_pk_state st;
    state_start(&st, p, s);
    advance_to(&st, t0_min, 1);
    if (extremes_from(&st, t1_min, cmax, tmax_min, cmin, tmin_min) != STROMA_OK) {
        if (cmax) *cmax = NAN;
        if (tmax_min) *tmax_min = NAN;
        if (cmin) *cmin = NAN;
        if (tmin_min) *tmin_min = NAN;
    }
}

/* ---- steady state of a repeated dose ---- */

/* Solve a x = b (n <= 3) by Gaussian elimination with partial pivoting; 0 if singular. */
static int solve(int n, double a[3][3], double b[3]) {
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r][c]) > fabs(a[piv][c])) piv = r;
        if (!(fabs(a[piv][c]) > 1e-300)) return 0;
        for (int j = 0; j < n; j++) {
            double tmp = a[c][j];
            a[c][j] = a[piv][j];
            a[piv][j] = tmp;
        }
        double tmp = b[c];
        b[c] = b[piv];
        b[piv] = tmp;
        for (int r = c + 1; r < n; r++) {
            double f = a[r][c] / a[c][c];
            for (int j = c; j < n; j++) a[r][j] -= f * a[c][j];
            b[r] -= f * b[c];
        }
    }
    for (int c = n - 1; c >= 0; c--) {
        double v = b[c];
        for (int j = c + 1; j < n; j++) v -= a[c][j] * b[j];
        b[c] = v / a[c][c];
    }
    return 1;
}

stroma_code stroma_pk_repeat(const stroma_pk_params *p, const stroma_pk_dose *unit, double tau_min, double fraction,
                             stroma_pk_repeat_summary *out, stroma_error *err) {
    memset(out, 0, sizeof *out);
    stroma_pk_dose d = *unit;
    d.time_min = 0;
    stroma_code c = check_dose(&d, err);
    if (c != STROMA_OK) return c;
    if (!finite_pos(tau_min) || tau_min < d.duration_min)
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: the dosing interval must be > 0 and >= the infusion (got %g) [min]",
                                tau_min);
    if (!(fraction > 0 && fraction < 1))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: the steady-state fraction must be in (0, 1) (got %g)", fraction);
    if (!(p->cl_l_per_min > 0))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: a drug that is never cleared has no steady state");
    stroma_pk_schedule one = {.n = 1, .cap = 1, .dose = &d};
    c = stroma_pk_schedule_check(&one, p, err);
    if (c != STROMA_OK) return c;

    /* g: the state just before the 2nd dose after one dose. */
    stroma_pk_state st;
    stroma_pk_state_init(&st, p, &one);
    advance_to(&st, tau_min, 0);
    double g[3] = {st.amount_mg[0], st.amount_mg[1], st.amount_mg[2]};
    out->trough_first = stroma_pk_state_central(&st);
    out->auc_first = st.auc_mg_min_per_l;

    /* M = exp(A tau) on the compartments in use; the trough state at steady state solves (I - M) y = g. */
    double e[PK_N][PK_N];
    segment_matrix(p, 0.0, tau_min, e);
    int idx[3], n = 0;
    if (p->ka_per_min > 0) idx[n++] = PK_DEPOT;
    idx[n++] = PK_CENTRAL;
    if (p->compartments == 2) idx[n++] = PK_PERIPH;
    double a[3][3], y[3];
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) a[i][j] = (i == j) - e[idx[i]][idx[j]];
        y[i] = g[idx[i]];
    }
    if (!solve(n, a, y))
        return stroma_error_set(err, STROMA_ERR_RANGE, "pk: no steady state (the system is singular at this interval)");
    double yss[3] = {0, 0, 0};
    for (int i = 0; i < n; i++) yss[idx[i]] = y[i];

    /* One interval at steady state: AUC and the peak. */
    state_start(&st, p, &one);
    memcpy(st.amount_mg, yss, sizeof yss);
    out->trough_ss = stroma_pk_state_central(&st);
    give_due(&st);
    stroma_pk_state at0 = st;
    advance_to(&st, tau_min, 0);
    out->auc_ss = st.auc_mg_min_per_l;
    if (extremes_from(&at0, tau_min, &out->cmax_ss, &out->tmax_ss, NULL, NULL) != STROMA_OK)
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the steady-state peak");
    out->accumulation_trough = out->trough_ss / out->trough_first;
    out->accumulation_auc = out->auc_ss / out->auc_first;

    /* Troughs x_{k+1} = M x_k + g until fraction x the steady state. */
    double x[3] = {g[0], g[1], g[2]};
    int k = 1;
    const double target = fraction * yss[PK_CENTRAL];
    while (x[PK_CENTRAL] < target) {
        if (k >= STROMA_PK_MAX_DOSES)
            return stroma_error_set(err, STROMA_ERR_RANGE, "pk: steady state not reached within %d doses", k);
        double xn[3];
        for (int i = 0; i < 3; i++) {
            double v = g[i];
            for (int j = 0; j < 3; j++) v += e[i][j] * x[j];
            xn[i] = v;
        }
        memcpy(x, xn, sizeof x);
        k++;
    }
    out->doses_to_ss = k;
    out->time_to_ss_min = k * tau_min;
    return STROMA_OK;
}
