/* Extracellular vesicles at run time (the `vesicles:` section; docs/vesicles.md): cells release vesicles into
 * their voxel and take them up with a saturating rate, their cargo going into the cell's state variables; each
 * class's field (particles/mL) is a substrate the transport moves and decays like any other. A ledger counts
 * every vesicle.
 *
 * Design notes
 * - At each phenotype step of dt, after the cell engine's phenotype step, live cells act serially in index order
 *   (several may share a voxel; the order fixes the result): for each class, a cell first takes up
 *   n = min(held, dt V c / (K + c)) vesicles from its voxel (c its current value, held = c x voxel volume in mL,
 *   1 µm³ = 1e-12 mL), adding n x cargo to each state variable, then releases dt x R vesicles into it. V and R
 *   are the behaviours `<class> uptake` and `<class> release` (the cell type's values unless rules change them).
 * - Counting, per class, in vesicles: released = (tissue - tissue0) + taken_up + decayed + exchanged + drained,
 *   where exchanged and drained (class in body.systemic) are the plasma ledger's and decayed is added after each
 *   diffusion step as total x (1 / kept - 1) with the solver's decay factor (stroma_transport_decay_kept), as
 *   the plasma ledger does. A class with a Dirichlet face has decayed NaN (what crosses the face is not counted).
 * - Totals are summed over fixed chunks of voxels, then the chunks in order: thread-independent. */
#ifndef STROMA_BODY_VESICLES_H
#define STROMA_BODY_VESICLES_H

#include "cells/engine.h"
#include "model/model.h"
#include "transport/transport.h"
#include "util/buf.h"

/* Counts of one class since the start of the run, in vesicles. */
typedef struct stroma_vesicle_ledger {
    double released;   /* by cells */
    double taken_up;   /* by cells */
    double decayed;    /* in the tissue (NaN: not counted, the field has a Dirichlet face) */
    double tissue0;    /* in the tissue at the start */
} stroma_vesicle_ledger;

typedef struct stroma_vesicles {
    const stroma_vesicles_desc *d;   /* borrowed from the model */
    int n;                           /* classes */
    int nstate;
    int *release_slot, *uptake_slot; /* [n] rule slots of `<class> release` / `<class> uptake`, -1: none */
    stroma_vesicle_ledger *ledger;   /* [n] */
    double *partial;                 /* chunk sums, grown as needed */
    size_t partial_cap;
} stroma_vesicles;

/* Set up for the model's classes; rules (NULL: none) give the behaviours' slots. */
stroma_code stroma_vesicles_init(stroma_vesicles *v, const stroma_model *m, const stroma_rules_engine *rules,
                                 stroma_error *err);
void stroma_vesicles_free(stroma_vesicles *v);

/* Vesicles of class k in the tissue now (sum of the field x voxel volume in mL). */
double stroma_vesicles_total(stroma_vesicles *v, const stroma_transport *t, int k);

/* After a diffusion step: add what that step's decay removed to the ledgers (first = 1: at the start, record
 * tissue0 instead). Returns 0, or -1 if scratch could not grow. */
int stroma_vesicles_account(stroma_vesicles *v, const stroma_transport *t, int first);

/* One phenotype step of dt_min: every live cell's uptake and release (design notes). */
void stroma_vesicles_cells_act(stroma_vesicles *v, stroma_cell_engine *e, stroma_transport *t, double dt_min);

/* Checkpoint section: the ledgers. Load validates (finite, counts >= 0; decayed NaN only for an open field). */
void stroma_vesicles_save(const void *ctx, stroma_buf *b);
stroma_code stroma_vesicles_load(void *ctx, stroma_reader *r, stroma_error *err);

#endif
