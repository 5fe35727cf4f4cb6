/* Regions in which things (sources, initial cells) are placed uniformly at random. */
#ifndef STROMA_MODEL_REGION_H
#define STROMA_MODEL_REGION_H

typedef enum stroma_region_kind {
    STROMA_REGION_POINT,  /* a single point: center */
    STROMA_REGION_DISC,   /* disc of `radius` around center in the z = center[2] plane */
    STROMA_REGION_SPHERE, /* ball of `radius` around center */
    STROMA_REGION_BOX,    /* axis-aligned box [lo, hi] */
    STROMA_REGION_ANNULUS /* 2D: ring between inner_radius and radius in the z = center[2] plane; 3D: shell */
} stroma_region_kind;

typedef struct stroma_region {
    stroma_region_kind kind;
    double center_um[3];
    double radius_um;
    double inner_radius_um;  /* ANNULUS only */
    double lo_um[3], hi_um[3];
} stroma_region;

#endif
