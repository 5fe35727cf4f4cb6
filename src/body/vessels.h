/* The vasculature as a vessel density field: the volume fraction of each voxel that vessels occupy. Seeded
 * from the model (uniform, random, listed segments, a file), remodelled on its own clock by VEGF-driven
 * angiogenesis next to existing vessel and by regression where VEGF is absent or the tissue is compressed, and
 * changed by cells through rules (vessel deposition, vessel pruning). docs/body.md says why a density field.
 *
 * Design notes
 * - The remodelling update over an interval D per voxel, with g = rate H(VEGF) rho_near and
 *   r = regression rate (1 - H_survival(VEGF)) + pressure rate H_p(pressure), is implicit in rho:
 *     rho <- (rho + D g) / (1 + D (g / rho_max + r))
 *   which stays in [0, rho_max] for any D; a density below STROMA_VESSEL_MIN_FRACTION x rho_max becomes 0 (the
 *   vessel is gone and stops exchanging). rho_near (the largest density of the voxel and its face neighbours,
 *   from before the update) makes growth happen only next to existing vessel.
 * - Voxels are updated from the old field into a new one, in parallel over x-rows; the growth and loss totals
 *   are summed per row and the rows added in order: bit-identical at any thread count.
 * - `list` holds the voxels with vessel (rho > 0) in increasing order: exchange walks only those. */
#ifndef STROMA_BODY_VESSELS_H
#define STROMA_BODY_VESSELS_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "transport/transport.h"
#include "util/buf.h"
#include "util/rng.h"

#define STROMA_VESSEL_MIN_FRACTION 1e-6

/* A voxel counts as vascular (the vascular_fraction statistic) from this fraction of max_density: sprouting
 * gives neighbours of vessels a tiny density at once, which is not yet a vessel one would see. */
#define STROMA_VESSEL_VASCULAR_FRACTION 0.01

typedef struct stroma_vessels {
    const stroma_vessels_desc *d; /* borrowed from the model */
    stroma_mesh mesh;
    double *rho;                  /* [nvox] vessel volume fraction, owned */
    double *next;                 /* [nvox] scratch of the update, owned */
    double *pressure;             /* [nvox] mean cell pressure per voxel (rule signal scale), owned; NULL if the
                                     model has no pressure regression */
    size_t *list;                 /* voxels with rho > 0, increasing; owned */
    double *rowsum;               /* [2 x ny x nz] per-row growth and loss of an update (scratch), owned */
    size_t nlist;
    uint64_t gen;                 /* bumped whenever rho changes (by stroma_vessels_relist): caches key on it */
    double deposited, pruned;     /* vessel volume (µm³ of the domain) laid down / removed by cells so far */
    double grown, regressed;      /* ... gained by angiogenesis / lost by regression so far */
} stroma_vessels;

/* Allocate and seed the field from the model (random seeding keyed by the run seed). */
stroma_code stroma_vessels_init(stroma_vessels *v, const stroma_model *m, stroma_rng_key rng, stroma_error *err);
void stroma_vessels_free(stroma_vessels *v);

/* Rebuild `list` from rho and bump gen; call after any change of rho. */
void stroma_vessels_relist(stroma_vessels *v);

/* The compression the vessels of each voxel feel, in place in v->pressure: on entry the mean pressure signal of
 * each voxel's live cells (0 where none), on return its average over the voxel and its neighbours (3 x 3 in a
 * plane, 3 x 3 x 3 in 3D; neighbours outside the domain left out, empty voxels counted as 0). Solid stress
 * compresses vessels where the tissue is packed, not where two cells happen to overlap in loose stroma: a packed
 * tumour keeps its value, an isolated pair is diluted by its empty neighbours. Uses v->next as scratch. */
void stroma_vessels_compression(stroma_vessels *v);

/* One remodelling update over dt_min (angiogenesis and regression) from the field t (VEGF) and v->pressure
 * (filled by the caller when the model regresses under pressure; else ignored). */
void stroma_vessels_remodel(stroma_vessels *v, const stroma_transport *t, double dt_min);

/* A cell of volume vol_um3 in voxel `voxel` lays down vessel at dep_per_min (volume fraction per min, x the
 * cell's share of the voxel) and prunes it at prune_per_min (relative, implicit) over dt_min. */
void stroma_vessels_cell_act(stroma_vessels *v, size_t voxel, double vol_um3, double dep_per_min,
                             double prune_per_min, double dt_min);

/* Wall surface per tissue volume of voxel `voxel`, 1/µm: 2 rho / capillary radius. */
static inline double stroma_vessels_surface(const stroma_vessels *v, size_t voxel) {
    return 2.0 * v->rho[voxel] / v->d->capillary_radius_um;
}

typedef struct stroma_vessel_stats {
    double mean_density;     /* mean volume fraction over the domain */
    double max_density;
    double vascular_fraction;/* fraction of voxels with density >= 1 % of max_density */
    double volume_um3;       /* vessel volume in the domain */
    double surface_um2;      /* wall surface in the domain */
} stroma_vessel_stats;

/* Statistics in a fixed summation order. */
stroma_vessel_stats stroma_vessels_stats(const stroma_vessels *v);

/* Checkpoint section: the field and the counters. Load validates (values in [0, max_density], finite). */
void stroma_vessels_save(const void *ctx, stroma_buf *b);
stroma_code stroma_vessels_load(void *ctx, stroma_reader *r, stroma_error *err);

#endif
