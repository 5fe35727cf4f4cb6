/* Recruitment of cells from the blood in the model description (the `recruitment:` section): cells of a type
 * enter the tissue through the vessel wall at a rate per wall area, driven by a chemokine (body/recruitment.c,
 * docs/body.md). Plain data filled by the loader (load_recruitment.c). Units on every field. */
#ifndef STROMA_MODEL_RECRUITMENT_H
#define STROMA_MODEL_RECRUITMENT_H

#include <stdint.h>

/* Included by model/model.h (after stroma_srcloc); include that instead. */

/* One recruited cell type: per voxel and minute, the expected number of cells entering is
 *   rate x A x (basal + (1 - basal) x H(c)),   H(c) = c^hill / (half_max^hill + c^hill)
 * with A the voxel's vessel wall area in mm² (2 rho / capillary radius x voxel volume x 1e-6) and c the signal's
 * value in the voxel; without a signal the bracket is 1. */
typedef struct stroma_recruit_desc {
    int type;                  /* cell type recruited (index into cell_types) */
    double rate_per_min_mm2;   /* >= 0: cells per minute per mm² of vessel wall at a saturating signal */
    int signal;                /* the chemokine (index into substrates), or -1: none */
    double half_max;           /* > 0, substrate unit (with a signal) */
    double hill;               /* > 0 */
    double basal;              /* [0, 1]: fraction of the rate without signal */
    int64_t max_cells;         /* >= 0: no recruitment while this many live cells of the type are in the domain */
    stroma_srcloc loc;         /* the entry's name */
} stroma_recruit_desc;

typedef struct stroma_recruitment_desc {
    int present;               /* the model has a `recruitment:` section */
    int n;
    stroma_recruit_desc *entries; /* [n], owned, in file order (one per type at most) */
    stroma_srcloc loc;
} stroma_recruitment_desc;

#endif
