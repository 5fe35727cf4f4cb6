/* Uniform random placement of points in a region (sources, initial cells), deterministic in the seed:
 * point k of group g uses RNG stream (seed, g, k, STROMA_RNG_PLACEMENT). */
#ifndef STROMA_SIM_PLACEMENT_H
#define STROMA_SIM_PLACEMENT_H

#include <stdint.h>

#include "model/region.h"
#include "util/rng.h"

/* Draw point k of group g uniformly in region r. dim (1-3) decides what an annulus is: a ring in the
 * z = center plane when dim < 3, a spherical shell in 3D. */
void stroma_region_sample(const stroma_region *r, int dim, stroma_rng_key key, uint64_t group, uint64_t k,
                          double p_um[3]);

#endif
