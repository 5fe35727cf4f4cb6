/* The extracellular matrix: a density field E (mg/mL collagen equivalent, one value per voxel) that cells deposit,
 * a protease substrate degrades, and that slows cell migration (cells/engine.c reads it) and diffusion (the
 * transport's hindrance, refreshed after every update). docs/ecm.md has the laws.
 *
 * Design notes
 * - One update every ecm.every minutes (D): first the cells, serially in index order (a voxel may hold several):
 *   E += D x deposition x V_cell / V_voxel (capped at max_density), then E /= 1 + D x degradation (their rule
 *   behaviours); then the protease in every voxel, integrated exactly with the protease p held over D:
 *     dE/dt = -k p E / (K + E)   =>   K ln(E1 / E0) + E1 - E0 = -k p D,
 *   solved for E1 by safeguarded Newton iteration to rounding.
 * - The protease part runs in parallel over x-rows, each row summing what it removed; the rows are added in order,
 *   so totals are bit-identical at any thread count. */
#ifndef STROMA_BODY_ECM_H
#define STROMA_BODY_ECM_H

#include <stddef.h>

#include "model/model.h"
#include "transport/transport.h"
#include "util/buf.h"

typedef struct stroma_ecm {
    const stroma_ecm_desc *d;   /* borrowed from the model */
    stroma_mesh mesh;
    double *E;                  /* [nvox] mg/mL, owned; updated in place (the cells keep a pointer to it) */
    double *rowsum;             /* [ny x nz] scratch of the protease totals, owned */
    double deposited, degraded; /* matrix laid down by cells / removed (cells and protease) since the start,
                                   mg/mL x µm³ */
} stroma_ecm;

/* Allocate and seed the field from the model. */
stroma_code stroma_ecm_init(stroma_ecm *e, const stroma_model *m, stroma_error *err);
void stroma_ecm_free(stroma_ecm *e);

/* A cell of volume vol_um3 in voxel `voxel` deposits at dep (mg/mL per min when filling the voxel) and degrades
 * at deg (1/min) over dt_min. */
void stroma_ecm_cell_act(stroma_ecm *e, size_t voxel, double vol_um3, double dep, double deg, double dt_min);

/* The protease's degradation over dt_min, exact with the protease of t held. */
void stroma_ecm_degrade(stroma_ecm *e, const stroma_transport *t, double dt_min);

/* One exact step of dE/dt = -a E / (K + E) over time tau from E0 (>= 0): the E1 with K ln(E1/E0) + E1 - E0 = -a tau. */
double stroma_ecm_degrade_exact(double E0, double a, double K, double tau);

typedef struct stroma_ecm_stats {
    double mean, max;           /* mg/mL */
    double total;               /* sum of E x voxel volume, mg/mL x µm³ */
} stroma_ecm_stats;

stroma_ecm_stats stroma_ecm_stats_of(const stroma_ecm *e);

/* Checkpoint section: the field and counters; load validates (values in [0, max_density], finite). */
void stroma_ecm_save(const void *ctx, stroma_buf *b);
stroma_code stroma_ecm_load(void *ctx, stroma_reader *r, stroma_error *err);

#endif
