/* Drug pharmacokinetics: a one- or two-compartment plasma model with an optional absorption depot, dosing
 * schedules (i.v. bolus, i.v. infusion, s.c./oral depot; regimens of start, dose, interval and cycles combined),
 * an exact step function for the simulator's body clock, and the derived numbers a label quotes (half-lives,
 * AUC, Cmax/Cmin, accumulation, time to steady state).
 *
 * Design notes
 * - Units: time in minutes (as the simulator), doses and amounts in mg, volumes in L, clearances in L/min,
 *   concentrations in mg/L (= µg/mL), AUC in mg min / L. STROMA_PK_MIN_PER_DAY converts label values.
 * - State x = (depot, central, peripheral) amounts, mg. Between events the system is linear with constant input:
 *     d' = -ka d
 *     c' =  ka d - (k10 + k12 + kx) c + k21 p + R       k10 = CL/Vc, k12 = Q/Vc, k21 = Q/Vp
 *     p' =  k12 c - k21 p
 *   R = sum of the running infusions' rates (mg/min), kx = the caller's extra elimination rate (target binding).
 *   It is integrated exactly: the 5x5 augmented matrix [[A, 0, b], [e_c, 0, 0], [0, 0, 0]] (columns: x, the
 *   integral of c, the constant input) is exponentiated by scaling and squaring, which gives x, the integral of
 *   c (hence AUC and the amounts cleared) and the infusion's contribution at once, to rounding, for any step.
 *   Events (dose times, infusion ends) split a step, so the answer does not depend on the step size.
 * - Doses are right-continuous: the state at time t includes the boluses given at t. The *_before functions
 *   give the left limit (the trough just before a dose). Depot doses put F x dose into the depot; (1 - F) x dose
 *   is booked as not absorbed.
 * - Everything here is sequential, and stepping allocates nothing: deterministic at any thread count of the
 *   caller. See docs/dev/pharmacokinetics.md for the equations, checks and references. */
#ifndef STROMA_BODY_PK_H
#define STROMA_BODY_PK_H

#include "stroma/error.h"

#define STROMA_PK_MIN_PER_DAY 1440.0
/* Upper bound on the doses of one schedule (regimens with more are refused with STROMA_ERR_TOO_LARGE). */
#define STROMA_PK_MAX_DOSES 1000000

typedef enum stroma_pk_route {
    STROMA_PK_IV_BOLUS,    /* whole dose into the central compartment at its time */
    STROMA_PK_IV_INFUSION, /* zero-order input into the central compartment over duration_min */
    STROMA_PK_DEPOT        /* s.c. or oral: bioavailability x dose into the absorption depot at its time */
} stroma_pk_route;

/* A drug's plasma model. Plain data: fill it, check it with stroma_pk_params_check. */
typedef struct stroma_pk_params {
    int compartments;       /* 1 or 2 */
    double vc_l;            /* central volume, L (> 0) */
    double vp_l;            /* peripheral volume, L (> 0 with 2 compartments, ignored with 1) */
    double cl_l_per_min;    /* clearance from the central compartment, L/min (>= 0) */
    double q_l_per_min;     /* intercompartmental clearance, L/min (> 0 with 2 compartments, ignored with 1) */
    double ka_per_min;      /* first-order absorption from the depot, 1/min (0: no depot; > 0 for depot doses) */
    double bioavailability; /* fraction of a depot dose absorbed, (0, 1]; ignored without a depot */
} stroma_pk_params;

/* One dose event. */
typedef struct stroma_pk_dose {
    double time_min;     /* start, min from the start of the run (>= 0) */
    double amount_mg;    /* whole dose, mg (> 0) */
    double duration_min; /* infusion length, min (> 0 for infusions, 0 otherwise) */
    stroma_pk_route route;
} stroma_pk_dose;

/* A regimen: `cycles` doses of `dose` every interval_min from start_min. dose is mg, or mg/kg when per_kg
 * (then multiplied by the body weight given to stroma_pk_schedule_add). */
typedef struct stroma_pk_regimen {
    stroma_pk_route route;
    double start_min;    /* >= 0 */
    double dose;         /* mg or mg/kg, > 0 */
    int per_kg;          /* 1: dose is mg/kg */
    double interval_min; /* > 0 when cycles > 1 */
    int cycles;          /* >= 1 */
    double duration_min; /* infusion length, min (> 0 for infusions) */
} stroma_pk_regimen;

/* Doses sorted by time (ties keep the order they were added in). Owned by the caller. */
typedef struct stroma_pk_schedule {
    int n;                /* doses */
    int cap;
    stroma_pk_dose *dose; /* [n], sorted by time_min */
} stroma_pk_schedule;

/* Mutable state of one drug. Plain struct: initialise it with stroma_pk_state_init; it may be copied to branch
 * a trajectory (the copy borrows the same params and schedule). */
typedef struct stroma_pk_state {
    const stroma_pk_params *p;     /* borrowed; must outlive the state and not change */
    const stroma_pk_schedule *s;   /* borrowed; must outlive the state and not change */
    double t_min;                  /* current time, min */
    double amount_mg[3];           /* depot, central, peripheral, mg */
    double extra_per_min;          /* the caller's extra first-order elimination from central, 1/min (>= 0);
                                      held constant over each stroma_pk_state_advance */
    int next;                      /* first dose not yet given */
    /* Ledger since the start, mg: dosed = sum(amount_mg) + cleared + extra_eliminated + not_absorbed. */
    double dosed_mg;               /* bolus and depot doses given, plus what the infusions delivered so far */
    double cleared_mg;             /* eliminated by CL */
    double extra_eliminated_mg;    /* eliminated by extra_per_min */
    double not_absorbed_mg;        /* (1 - F) x depot doses */
    double auc_mg_min_per_l;       /* integral of the central concentration since 0 */
} stroma_pk_state;

/* Steady state of a dose repeated every tau (from stroma_pk_repeat). Concentrations mg/L, AUC mg min / L. */
typedef struct stroma_pk_repeat_summary {
    double trough_first;     /* just before the 2nd dose */
    double trough_ss;        /* just before a dose at steady state */
    double auc_first;        /* over the first interval */
    double auc_ss;           /* over one interval at steady state */
    double cmax_ss, tmax_ss; /* peak at steady state and its time after the dose, min */
    double accumulation_trough; /* trough_ss / trough_first */
    double accumulation_auc;    /* auc_ss / auc_first */
    int doses_to_ss;         /* first n with the trough before dose n + 1 >= fraction x trough_ss */
    double time_to_ss_min;   /* n x tau: the time of that trough after the first dose */
} stroma_pk_repeat_summary;

/* STROMA_OK, or STROMA_ERR_RANGE naming the field, its value and unit (non-finite values included). */
stroma_code stroma_pk_params_check(const stroma_pk_params *p, stroma_error *err);

/* Clearance (L/min) giving the one-compartment half-life half_life_min with volume v_l: ln 2 v / t½. */
double stroma_pk_cl_from_half_life(double v_l, double half_life_min);

/* Half-lives, min, of the disposition phases: alpha (fast, distribution) and beta (slow, terminal), from the
 * eigenvalues of the central/peripheral system (both ln 2 Vc / CL with one compartment; INFINITY if CL = 0).
 * p must pass stroma_pk_params_check. */
void stroma_pk_half_lives(const stroma_pk_params *p, double *alpha_min, double *beta_min);

/* An empty schedule, or NULL (STROMA_ERR_NOMEM in err). Destroy accepts NULL and clears the handle. */
stroma_pk_schedule *stroma_pk_schedule_create(stroma_error *err);
void stroma_pk_schedule_destroy(stroma_pk_schedule **s);

/* Add one dose / a regimen's doses (combinations and sequences are several adds). body_weight_kg is used when
 * r->per_kg (> 0 then). Errors: STROMA_ERR_RANGE naming the field (negative or non-finite times, doses <= 0,
 * cycles < 1, a missing interval, an infusion without a duration or a bolus with one), STROMA_ERR_TOO_LARGE
 * beyond STROMA_PK_MAX_DOSES, STROMA_ERR_NOMEM; the schedule is unchanged on error. */
stroma_code stroma_pk_schedule_add_dose(stroma_pk_schedule *s, const stroma_pk_dose *d, stroma_error *err);
stroma_code stroma_pk_schedule_add(stroma_pk_schedule *s, const stroma_pk_regimen *r, double body_weight_kg,
                                   stroma_error *err);

/* STROMA_OK if every dose can be given with p (depot doses need ka > 0), else STROMA_ERR_RANGE. */
stroma_code stroma_pk_schedule_check(const stroma_pk_schedule *s, const stroma_pk_params *p, stroma_error *err);

/* Start at t = 0 with nothing in the body, then give the doses at time 0. Borrows p and s (checked by the
 * caller with stroma_pk_params_check and stroma_pk_schedule_check). */
void stroma_pk_state_init(stroma_pk_state *st, const stroma_pk_params *p, const stroma_pk_schedule *s);

/* Advance by dt_min >= 0 exactly (splitting at dose and infusion-end times), then give the doses due at the new
 * time. extra_per_min is held over the whole step. */
void stroma_pk_state_advance(stroma_pk_state *st, double dt_min);

/* Central (plasma) and peripheral concentrations now, mg/L (peripheral 0 with one compartment). */
double stroma_pk_state_central(const stroma_pk_state *st);
double stroma_pk_state_peripheral(const stroma_pk_state *st);

/* Plasma concentration (mg/L) at t_min >= 0 with no extra elimination: including the boluses given at t_min,
 * or just before them (_before: the trough). p and s must pass their checks. */
double stroma_pk_concentration(const stroma_pk_params *p, const stroma_pk_schedule *s, double t_min);
double stroma_pk_concentration_before(const stroma_pk_params *p, const stroma_pk_schedule *s, double t_min);

/* AUC of the plasma concentration over [t0_min, t1_min], mg min / L (0 <= t0 <= t1). */
double stroma_pk_auc(const stroma_pk_params *p, const stroma_pk_schedule *s, double t0_min, double t1_min);

/* Peak and trough of the plasma concentration over [t0_min, t1_min] (0 <= t0 < t1): at t0 after its doses, at t1
 * before its doses (so over a dosing interval: the peak after the dose and the trough before the next). Found
 * on the event times and a 2048-point grid, then refined by golden-section search between the grid neighbours
 * (to 1e-9 of that bracket). Any output pointer may be NULL; all are NaN when out of memory. */
void stroma_pk_extremes(const stroma_pk_params *p, const stroma_pk_schedule *s, double t0_min, double t1_min,
                        double *cmax, double *tmax_min, double *cmin, double *tmin_min);

/* Steady state of `unit` (its time_min ignored: given at 0) repeated every tau_min (> its infusion duration),
 * computed exactly from the fixed point x = e^(A tau) x + g; fraction (0, 1) defines doses_to_ss (e.g. 0.9).
 * Errors: STROMA_ERR_RANGE (bad tau, fraction or dose; a drug that is never cleared has no steady state),
 * STROMA_ERR_NOMEM. */
stroma_code stroma_pk_repeat(const stroma_pk_params *p, const stroma_pk_dose *unit, double tau_min, double fraction,
                             stroma_pk_repeat_summary *out, stroma_error *err);

#endif
