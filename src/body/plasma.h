/* The plasma compartment: one well-mixed value per systemic substrate (a biomarker), in its clinical unit, fed
 * by the body's healthy baseline production and by what the tumour's tissue loses through its vessel walls and
 * lymph, and cleared with the substrate's plasma half-life.
 *
 * Design notes
 * - The simulated domain is a representative sample of a tumour of tumour_volume: an amount A (tissue unit x
 *   µm³) leaving the domain for blood stands for A x tumour_volume / domain volume leaving the whole tumour, so
 *   it adds conversion x A x tumour_volume_mL / domain_volume_µm³ (clinical unit x mL) to plasma (`scale`).
 * - Plasma is advanced on its own clock (body.dt) by the exact solution of V dC/dt = P + J - k V C with the
 *   input held at its mean over the interval (P = k V baseline, J = what the tumour sent since the last update):
 *     C <- C_inf + (C - C_inf) exp(-k D),  C_inf = (P + J) / (k V),
 *   so any half-life (minutes) and any interval are stable, and the amount cleared is exact: P D + J D - V dC.
 * - The ledger accounts for every amount, so a user can check: in the tissue, what the cells and sources put in
 *   = change in tissue content + decayed + exchanged + drained; in plasma, V dC = produced + received - cleared. */
#ifndef STROMA_BODY_PLASMA_H
#define STROMA_BODY_PLASMA_H

#include <stdint.h>

#include "model/model.h"
#include "util/buf.h"

/* Amounts per systemic substrate since the start of the run. Tissue amounts are in tissue unit x µm³ of the
 * simulated domain; plasma amounts in clinical unit x mL. */
typedef struct stroma_plasma_ledger {
    double exchanged;   /* tissue -> blood through vessel walls (net; negative: blood fed the tissue) */
    double drained;     /* tissue -> plasma through lymph */
    double decayed;     /* decayed in the tissue (NaN: not accounted, the substrate has Dirichlet boundaries) */
    double tissue0;     /* tissue content at the start */
    double tissue;      /* tissue content now (after the last diffusion step) */
    double produced;    /* made by the body (healthy baseline production), clinical unit x mL */
    double received;    /* from the tumour: (exchanged + drained) x scale, clinical unit x mL */
    double cleared;     /* cleared from plasma, clinical unit x mL */
    double plasma0;     /* plasma content at the start: V x baseline */
} stroma_plasma_ledger;

typedef struct stroma_plasma {
    const stroma_body_desc *d;   /* borrowed from the model */
    int n;                       /* systemic substrates */
    int nsub;
    double *value;               /* [n] plasma value, clinical unit */
    double *pending;             /* [n] tissue amount sent to blood since the last plasma update */
    double *scale;               /* [n] clinical unit x mL per tissue unit x µm³ sent */
    double *k_per_min;           /* [n] clearance ln 2 / half-life */
    double *blood;               /* [nsub] value of each substrate in blood, tissue unit (plasma / conversion;
                                    0 for substrates that are not systemic) */
    int *sys_of;                 /* [nsub] systemic index, -1 if none */
    stroma_plasma_ledger *ledger;/* [n] */
} stroma_plasma;

/* Set up the compartment at its healthy baseline. domain_volume_um3 is the simulated domain's volume. */
stroma_code stroma_plasma_init(stroma_plasma *p, const stroma_model *m, double domain_volume_um3, stroma_error *err);
void stroma_plasma_free(stroma_plasma *p);

/* Advance plasma by interval_min (exact, see the design notes), taking the pending tissue amounts. */
void stroma_plasma_update(stroma_plasma *p, double interval_min);

/* Checkpoint section: values, pending amounts and ledgers. Load validates (finite, values >= 0). */
void stroma_plasma_save(const void *ctx, stroma_buf *b);
stroma_code stroma_plasma_load(void *ctx, stroma_reader *r, stroma_error *err);

#endif
