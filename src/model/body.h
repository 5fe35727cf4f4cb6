/* Vessels and the body around the tissue, and the extracellular matrix, in the model description (the
 * `vessels:`, `body:` and `ecm:` sections): plain data filled by the loader (load_body.c, load_ecm.c), read by
 * body/. Units on every field. */
#ifndef STROMA_MODEL_BODY_H
#define STROMA_MODEL_BODY_H

/* Included by model/model.h (after stroma_srcloc); include that instead. */
#include "model/region.h"

/* A listed vessel: a straight tube from `from_um` to `to_um` (equal: one point). Every voxel whose centre lies
 * within radius_um of the segment, and every voxel the segment passes through, gets `density`. */
typedef struct stroma_vessel_segment_desc {
    double from_um[3], to_um[3];
    double radius_um;       /* >= 0 */
    double density;         /* vessel volume fraction, (0, max_density] */
    stroma_srcloc loc;
} stroma_vessel_segment_desc;

/* The vasculature: a vessel density field (volume fraction of each voxel occupied by vessels). */
typedef struct stroma_vessels_desc {
    int present;                    /* the model has a `vessels:` section */
    double capillary_radius_um;     /* wall surface per tissue volume = density x 2 / capillary_radius */
    double max_density;             /* (0, 1]: growth saturates there; no voxel exceeds it */
    /* seeding (any combination; a later one raises a voxel's density, never lowers it) */
    double uniform_density;         /* every voxel */
    double random_fraction;         /* each voxel independently with this probability (run seed) ... */
    double random_density;          /* ... gets this density */
    int nsegments;
    stroma_vessel_segment_desc *segments;   /* [nsegments], owned */
    int npoints;                    /* from initial.file (CSV x,y,z,density) */
    double *points_um;              /* [3 * npoints], owned */
    double *points_density;         /* [npoints], owned */
    /* angiogenesis: d(rho)/dt = rate x H(VEGF) x rho_near x (1 - rho / max_density), where
     * H = v^h / (K^h + v^h) and rho_near = the largest density among the voxel and its face neighbours */
    int angio_substrate;            /* -1: no angiogenesis */
    double angio_rate_per_min, angio_half_max, angio_hill;
    /* regression: d(rho)/dt = - rho x [ regress_rate x (1 - H(VEGF; survival_half_max, survival_hill))
     *                                 + pressure_rate x H(pressure; pressure_half_max, pressure_hill) ] */
    double regress_rate_per_min, survival_half_max, survival_hill;
    double pressure_rate_per_min, pressure_half_max, pressure_hill;
    double every_min;               /* interval of the growth/regression update (a multiple of dt_diffusion) */
    /* exchange with blood: flux into tissue per volume = P x (2 rho / r_cap) x (blood value - tissue value) */
    int oxygen;                     /* substrate whose blood value is blood_oxygen (-1: none) */
    double blood_oxygen;            /* substrate unit (mmHg) */
    double *permeability_um_per_min;/* [nsub], owned; 0 = that substrate does not cross the wall */
    stroma_srcloc loc;
} stroma_vessels_desc;

/* A substrate with a plasma value (a biomarker or a systemic factor). */
typedef struct stroma_systemic_desc {
    int substrate;                  /* index into model->substrates */
    char unit[32];                  /* clinical unit, e.g. "pg/mL", "particles/mL" */
    double conversion;              /* > 0: clinical value = conversion x tissue value */
    double half_life_min;           /* > 0: plasma clearance k = ln 2 / half_life */
    double baseline;                /* >= 0: healthy plasma level (clinical unit); the body produces
                                       k x baseline x plasma volume per min so that a body without tumour
                                       stays there */
    double drainage_per_min;        /* >= 0: lymphatic drainage of the tissue into plasma, per voxel */
    stroma_srcloc loc;
} stroma_systemic_desc;

/* The plasma compartment. */
typedef struct stroma_body_desc {
    int present;                    /* the model has a `body:` section */
    double plasma_volume_ml;        /* > 0 */
    double tumour_volume_ml;        /* > 0: the tumour the domain stands for; exchange x tumour / domain volume */
    double dt_min;                  /* plasma clock (a multiple of dt_diffusion) */
    int nsystemic;
    stroma_systemic_desc *systemic; /* [nsystemic], owned, in file order */
    stroma_srcloc loc;
} stroma_body_desc;

/* A region of the tissue seeded with matrix. */
typedef struct stroma_ecm_region_desc {
    stroma_region region;           /* disc, sphere, box, annulus (model/region.h) */
    double density;                 /* mg/mL */
    stroma_srcloc loc;
} stroma_ecm_region_desc;

/* The extracellular matrix: a density field (mg/mL collagen equivalent) that cells deposit, a protease degrades,
 * and that slows cell migration and diffusion (the `ecm:` section; src/body/ecm.c). */
typedef struct stroma_ecm_desc {
    int present;                    /* the model has an `ecm:` section */
    double initial;                 /* mg/mL in every voxel at the start */
    int nregions;
    stroma_ecm_region_desc *regions;/* [nregions], owned: raise their voxels to `density` */
    double max_density;             /* > 0, mg/mL: deposition saturates there */
    double *deposition;             /* [ntypes] base deposition of a cell of each type, mg/mL per min when the
                                       cell fills the voxel (x V_cell / V_voxel); owned */
    double *migration;              /* [ntypes] migration sensitivity m: speed x 1 / (1 + m E), 1/(mg/mL); owned */
    double *hindrance;              /* [nsub] diffusion sensitivity s: D x 1 / (1 + s E), 1/(mg/mL); owned */
    int protease;                   /* substrate that degrades it (MMP), or -1 */
    double degradation_per_min;     /* k: dE/dt = -k x protease x E / (K + E), per unit of protease */
    double degradation_half;        /* K, mg/mL */
    double every_min;               /* interval of the matrix update (deposition, degradation) */
    stroma_srcloc loc;
} stroma_ecm_desc;

#endif
