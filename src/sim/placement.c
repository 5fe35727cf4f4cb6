/* Uniform sampling of regions (see placement.h). */
#include "sim/placement.h"

#include <math.h>
#include <string.h>

#define TWO_PI 6.283185307179586

void stroma_region_sample(const stroma_region *r, int dim, stroma_rng_key key, uint64_t group, uint64_t k,
                          double p[3]) {
    double u[2], w[2];
    switch (r->kind) {
    case STROMA_REGION_POINT:
        memcpy(p, r->center_um, sizeof(double) * 3);
        return;
    case STROMA_REGION_BOX:
        stroma_rng_uniform2(key, group, k, STROMA_RNG_PLACEMENT, 0, u);
        stroma_rng_uniform2(key, group, k, STROMA_RNG_PLACEMENT, 1, w);
        p[0] = r->lo_um[0] + u[0] * (r->hi_um[0] - r->lo_um[0]);
        p[1] = r->lo_um[1] + u[1] * (r->hi_um[1] - r->lo_um[1]);
        p[2] = r->lo_um[2] + w[0] * (r->hi_um[2] - r->lo_um[2]);
        return;
    case STROMA_REGION_DISC:
    case STROMA_REGION_ANNULUS:
        if (r->kind == STROMA_REGION_DISC || dim < 3) {
            /* area-uniform radius between the inner and outer radii */
            stroma_rng_uniform2(key, group, k, STROMA_RNG_PLACEMENT, 0, u);
            double r0 = r->kind == STROMA_REGION_ANNULUS ? r->inner_radius_um : 0.0, r1 = r->radius_um;
            double rad = sqrt(r0 * r0 + u[0] * (r1 * r1 - r0 * r0)), th = TWO_PI * u[1];
            p[0] = r->center_um[0] + rad * cos(th);
            p[1] = r->center_um[1] + rad * sin(th);
            p[2] = r->center_um[2];
            return;
        }
        /* 3D shell: volume-uniform radius, isotropic direction */
        stroma_rng_uniform2(key, group, k, STROMA_RNG_PLACEMENT, 0, u);
        stroma_rng_uniform2(key, group, k, STROMA_RNG_PLACEMENT, 1, w);
        {
            double r0 = r->inner_radius_um, r1 = r->radius_um;
            double rad = cbrt(r0 * r0 * r0 + u[0] * (r1 * r1 * r1 - r0 * r0 * r0));
            double z = 2 * u[1] - 1, s = sqrt(1 - z * z), th = TWO_PI * w[0];
            p[0] = r->center_um[0] + rad * s * cos(th);
            p[1] = r->center_um[1] + rad * s * sin(th);
            p[2] = r->center_um[2] + rad * z;
        }
        return;
    case STROMA_REGION_SPHERE:
        /* rejection from the cube: exactly uniform, a deterministic sequence of counters */
        for (uint32_t c = 0;; c += 2) {
            stroma_rng_uniform2(key, group, k, STROMA_RNG_PLACEMENT, c, u);
            stroma_rng_uniform2(key, group, k, STROMA_RNG_PLACEMENT, c + 1, w);
            double x = 2 * u[0] - 1, y = 2 * u[1] - 1, z = 2 * w[0] - 1;
            if (x * x + y * y + z * z <= 1.0) {
                p[0] = r->center_um[0] + r->radius_um * x;
                p[1] = r->center_um[1] + r->radius_um * y;
                p[2] = r->center_um[2] + r->radius_um * z;
                return;
            }
        }
    }
}
