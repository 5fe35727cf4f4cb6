/* Drugs in the simulation: each drug's plasma level stepped by the exact pharmacokinetics of body/pk.h on the
 * simulation clock, its blood value handed to the vessel-wall exchange (body/exchange.h) so that it enters the
 * tissue as a substrate, and the mechanisms by which the local (tissue) level acts: a binding sink on a factor,
 * receptor blockade of a rule signal, and extra apoptosis hazards (depletion of a type, cytotoxic chemotherapy
 * modulated by each cell's resistance).
 *
 * Design notes
 * - Order within a diffusion step of dt (sim.c): the blood values are the plasma levels at the step's start
 *   (after the doses due then); the exchange and the solve run; the binding sinks act on the solved fields
 *   (implicitly: f <- f / (1 + dt k_on C_drug)); then every drug's plasma model advances by dt exactly (doses and
 *   infusion ends inside the step split it, so the plasma curve does not depend on dt).
 * - What the tumour sample takes from plasma is not subtracted from it: the domain stands for grams of tissue
 *   against litres of distribution volume (docs/therapies.md).
 * - Occupancy is C / (C + ec50) with C the drug substrate's value in the cell's voxel (never the plasma level).
 * - Everything is serial or per voxel / per cell independent: bit-identical at any thread count. */
#ifndef STROMA_THERAPY_THERAPY_H
#define STROMA_THERAPY_THERAPY_H

#include <stdint.h>

#include "body/pk.h"
#include "body/vessels.h"
#include "cells/engine.h"
#include "model/model.h"
#include "transport/transport.h"
#include "util/buf.h"

/* One drug's state. */
typedef struct stroma_drug_state {
    const stroma_drug_desc *d;  /* borrowed from the model */
    stroma_pk_params params;    /* from d, in the simulator's units */
    stroma_pk_schedule *sched;  /* owned: d's regimens expanded into doses */
    stroma_pk_state pk;         /* borrows params and sched */
    double cmax_mg_per_l;       /* highest plasma level seen at a step so far, mg/L */
    double tmax_min;            /* its time, min */
    double neutralised;         /* factor removed by binding in the tissue, factor unit x µm³ */
} stroma_drug_state;

typedef struct stroma_therapy {
    const stroma_therapies_desc *d; /* borrowed */
    int n;                      /* drugs */
    stroma_drug_state *drug;    /* [n], owned */
    int nsub;
    double *blood;              /* [nsub] blood value of each drug substrate (substrate unit); NaN for the others;
                                   owned, read by the exchange */
    int *block_of;              /* [nsub] the drug blocking rules' view of that substrate, -1: none */
    int *release_of;            /* [nsub] the drug blocking release of the vesicle class with that field, -1: none */
    int *ligand_of;             /* [nstate] the drug blocking "<variable> in contact", -1: none */
    int *inhibit_of;            /* [ntypes x nbehaviours] the drug inhibiting that behaviour of that type, -1: none */
    int ninhibit;               /* ntypes x nbehaviours */
    int nstate;
    int any_seen;               /* a drug blocks a signal, a ligand or a release */
    int any_death;              /* a drug has deplete or cytotoxic, or there is radiotherapy */
    /* radiotherapy in the current phenotype step (set by stroma_therapy_radiation_window): the sums of the
     * fractions' doses D and D² falling in it, Gy and Gy², and the step's length, min */
    double rt_dose_gy, rt_dose2_gy2, rt_dt_min;
    double *cum;                /* [nvox] scratch: cumulative vessel densities of the vessel voxels */
} stroma_therapy;

/* Set up every drug at t = 0 (the doses given at 0 included). STROMA_ERR_RANGE if a regimen cannot be given
 * (the loader's checks make that rare), STROMA_ERR_TOO_LARGE, STROMA_ERR_NOMEM. Free with stroma_therapy_free. */
stroma_code stroma_therapy_init(stroma_therapy *th, const stroma_model *m, stroma_error *err);
void stroma_therapy_free(stroma_therapy *th);

/* Refresh blood[] from the plasma levels now. */
void stroma_therapy_blood(stroma_therapy *th);

/* The binding sinks over dt_min on the solved fields of t (per voxel, implicit). */
void stroma_therapy_neutralise(stroma_therapy *th, stroma_transport *t, double dt_min);

/* Advance every drug's plasma model by dt_min (exact), then refresh blood[]. */
void stroma_therapy_advance(stroma_therapy *th, double dt_min);

/* The radiotherapy fractions given in the phenotype step (t0_min, t1_min] ([0, t1] for the first step) of length
 * t1 - t0: the cells' hazard in that step then includes each cell's log cell kill / (t1 - t0), so that the step's
 * survival is exactly the linear-quadratic one times that of the other hazards. Returns the fractions given. */
int stroma_therapy_radiation_window(stroma_therapy *th, double t0_min, double t1_min);

/* The cell infusions due in the phenotype step (t0_min, t1_min] ([0, t1] for the first): each infused cell enters
 * a vessel voxel of v picked with probability proportional to its vessel density (one uniform against the
 * cumulative densities, in the vessel list's order), at a uniform point in it (the mid-plane in 2D), born at
 * t1_min; draws keyed by (run seed, infusion, cell). Adds the cells to e (nothing to checkpoint: which
 * infusions are due follows from the clock).
 * STROMA_ERR_NOMEM when the cell store cannot grow. */
stroma_code stroma_therapy_infuse(stroma_therapy *th, stroma_cell_engine *e, const stroma_vessels *v,
                                  const stroma_transport *t, double t0_min, double t1_min, stroma_error *err);

/* Plasma level of drug k now, mg/L. */
double stroma_therapy_plasma(const stroma_therapy *th, int k);

/* The cells' view (cells/engine.h hooks; ctx is the stroma_therapy): the extra apoptosis hazard of cell i, 1/min,
 * and the factor (1 - occupancy at p) on a substrate signal, a "<variable> in contact" signal or a vesicle release
 * (`what`: STROMA_DRUG_SEEN_*); 1 where no drug blocks it. Read-only: safe from parallel phases. */
double stroma_therapy_cell_hazard(const void *ctx, const stroma_cell_engine *e, const stroma_transport *t, size_t i);
double stroma_therapy_seen(const void *ctx, const stroma_transport *t, const double p_um[3], int what, int arg);

/* Checkpoint section: each drug's plasma state, its place in the schedule and its ledgers (one table for both).
 * Load validates (finite, amounts >= 0, dose index within the schedule, the time of the run's clock). */
void stroma_therapy_save(const void *ctx, stroma_buf *b);
stroma_code stroma_therapy_load(void *ctx, stroma_reader *r, stroma_error *err);

#endif
