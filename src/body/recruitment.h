/* Recruitment at run time (the `recruitment:` section; docs/body.md): cells of a type enter the tissue from the
 * blood through the vessel walls, at a rate per wall area driven by a chemokine, until the domain holds the
 * type's max_cells live cells.
 *
 * Design notes
 * - At each phenotype step of dt, after the cell engine's phenotype step, per entry in file order: the weight of
 *   voxel v is w_v = S_v x (basal + (1 - basal) H(c_v)) with S_v = 2 rho_v / r_cap (wall surface per volume),
 *   summed over the vessel voxels (stroma_vessels.list, increasing) serially into a cumulative table; the
 *   expected count is lambda = rate x scale x W x voxel volume x 1e-6 mm²/µm² x dt. The count is a Poisson draw
 *   of mean lambda (inversion, lambda taken in chunks of at most STROMA_RECRUIT_CHUNK), capped by the room left
 *   under max_cells; each cell picks a voxel with probability w_v / W (one uniform against the cumulative table)
 *   and a uniform point inside it (the mid-plane in z in a 2D model), and is added with its type's initial state
 *   (stroma_cell_engine_add). Mechanics pushes it off any neighbour it overlaps.
 * - Every draw is keyed by (run seed, entry, phenotype step, purpose, counter) and the sums are serial: the result
 *   does not depend on the thread count, and nothing but the counters below needs checkpointing.
 * - `scale` is a per-entry multiplier of the rate held in the state (1 at the start), for a later therapy that
 *   blocks a chemokine receptor (CCR2); it is checkpointed with the counts. */
#ifndef STROMA_BODY_RECRUITMENT_H
#define STROMA_BODY_RECRUITMENT_H

#include <stdint.h>

#include "body/vessels.h"
#include "cells/engine.h"
#include "model/model.h"
#include "transport/transport.h"
#include "util/buf.h"

/* Largest Poisson mean drawn by one inversion (e^-mean stays a normal double). */
#define STROMA_RECRUIT_CHUNK 64.0

typedef struct stroma_recruitment {
    const stroma_recruitment_desc *d; /* borrowed from the model */
    int n;                            /* entries */
    double voxel_volume_um3;
    double *scale;                    /* [n] multiplier of each entry's rate (1 unless a therapy sets it) */
    int64_t *recruited;               /* [n] cells that entered so far */
    double *expected;                 /* [n] sum of the expected counts lambda so far, before the cap (cells) */
    double *cum;                      /* [nvox] scratch: cumulative weights over the vessel voxels */
} stroma_recruitment;

/* Set up for the model's entries (scale 1, counts 0). */
stroma_code stroma_recruitment_init(stroma_recruitment *r, const stroma_model *m, stroma_error *err);
void stroma_recruitment_free(stroma_recruitment *r);

/* Expected number of cells of entry k entering over dt_min from the vessels v and the field t (the lambda of the
 * design notes, before the cap). Fills r->cum for the vessel voxels and stores their total weight W in *weight
 * (1/µm). */
double stroma_recruitment_expected(stroma_recruitment *r, int k, const stroma_vessels *v, const stroma_transport *t,
                                   double dt_min, double *weight);

/* One recruitment step of dt_min at phenotype step `step` (the RNG key) and time t_min: every entry in order
 * (design notes). The cells are added to e. Returns STROMA_OK, or STROMA_ERR_NOMEM from the cell store. */
stroma_code stroma_recruitment_step(stroma_recruitment *r, stroma_cell_engine *e, const stroma_vessels *v,
                                    const stroma_transport *t, int64_t step, double dt_min, double t_min,
                                    stroma_error *err);

/* A Poisson draw of mean lambda, stopped at `cap` (the result is min(N, cap), exactly distributed), from the
 * counter-based generator keyed by (rng, a, b, STROMA_RNG_RECRUIT_COUNT). */
int64_t stroma_recruitment_poisson(stroma_rng_key rng, uint64_t a, uint64_t b, double lambda, int64_t cap);

/* Checkpoint section: per entry the count, the expected sum and the scale. Load validates (count in [0, 2^53],
 * expected finite and >= 0, scale finite and >= 0). */
void stroma_recruitment_save(const void *ctx, stroma_buf *b);
stroma_code stroma_recruitment_load(void *ctx, stroma_reader *r, stroma_error *err);

#endif
