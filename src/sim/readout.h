/* What a pathologist and a clinician read from the simulation at an output time: virtual IHC fractions per
 * population, tissue metrics of the tumour region and its margin, and the clinical indices (docs/outputs.md,
 * "Pathology and clinical indices"). Computed from the state on demand, never stored: nothing to checkpoint.
 * summary.json and timeseries.csv both take their numbers from stroma_sim_readout, so the last row equals the
 * summary. */
#ifndef STROMA_SIM_READOUT_H
#define STROMA_SIM_READOUT_H

#include <math.h>
#include <stdint.h>

#include "sim/sim.h"

/* Most tissue metrics (see tissue_items in readout.c). */
#define STROMA_READOUT_MAX_TISSUE 16

typedef struct stroma_readout_item {
    char key[48];          /* JSON key and, after "tissue_" / "index_", the time-series column */
    double value;          /* NAN: undefined (no cell in the population, an empty zone): null / an empty field */
    int is_count;          /* printed as an integer */
} stroma_readout_item;

typedef struct stroma_readout {
    int npop, nmarkers;    /* markers counted (0: no markers or no cells) */
    int64_t *live;         /* [npop] live cells per population (each cell type, then each group); owned */
    int64_t *positive;     /* [npop * nmarkers] positive live cells; owned */
    int ntissue;           /* 0: no tissue section */
    stroma_readout_item tissue[STROMA_READOUT_MAX_TISSUE];
    int nindex;            /* indices the model defines, in the order of stroma_index_names */
    stroma_readout_item index[STROMA_INDEX_COUNT];
} stroma_readout;

/* Compute every readout of the model at the simulation's current state into *r (overwritten; free with
 * stroma_readout_free, also after an error). Deterministic: serial, fixed-order sums, integer counts.
 * STROMA_ERR_NOMEM if scratch (about 25 bytes per voxel with a tissue section) cannot be allocated. */
stroma_code stroma_sim_readout(const stroma_sim *sim, stroma_readout *r, stroma_error *err);

/* Free what r owns and zero it; accepts a zeroed or already freed readout. */
void stroma_readout_free(stroma_readout *r);

/* Fraction of population p positive for marker k, NAN when the population has no live cell. */
static inline double stroma_readout_fraction(const stroma_readout *r, int p, int k) {
    int64_t n = r->live[p];
    return n > 0 ? (double)r->positive[p * r->nmarkers + k] / (double)n : NAN;
}

#endif
