/* Cell mechanics: overdamped motion under PhysiCell-style repulsion and adhesion potentials between
 * neighbours, plus migration and a repulsive wall at the domain edge; positions advance by two-step
 * Adams-Bashforth (second order). Forces are gathered per cell (no scatter), neighbours in index order. */
#ifndef STROMA_CELLS_MECHANICS_H
#define STROMA_CELLS_MECHANICS_H

#include "cells/cells.h"
#include "cells/grid.h"
#include "model/celltypes.h"

typedef struct stroma_mech_domain {
    double lo_um[3], hi_um[3];
    int dim;        /* 2: z is fixed at the mid-plane */
} stroma_mech_domain;

/* Per type-pair constants, precomputed once: pair_rep[i*n+j] = sqrt(rep_i rep_j), pair_adh[i*n+j] =
 * sqrt(adh_i aff_i[j] adh_j aff_j[i]) (µm/min), rel[i] = relative maximum adhesion distance of type i. */
typedef struct stroma_mech_pairs {
    int ntypes;
    double *pair_rep, *pair_adh, *rel, *wall_rep;
    double *reach_rel;  /* [ntypes] max(1, rel): a cell's reach is reach_rel x radius */
} stroma_mech_pairs;

stroma_code stroma_mech_pairs_init(stroma_mech_pairs *mp, const stroma_cell_type_desc *types, int ntypes,
                                   stroma_error *err);
void stroma_mech_pairs_free(stroma_mech_pairs *mp);

/* The largest interaction reach max(1, rel_adhesion) x radius of any cell: the neighbour grid's box edge. */
double stroma_mechanics_reach(const stroma_cells *c, const stroma_mech_pairs *mp);

/* Pair velocity contribution on i from j (µm/min along the unit vector from j to i), for tests:
 * rep (1 - d/R)^2 [d < R] - adh (1 - d/Rm)^2 [d < Rm]. */
double stroma_mechanics_pair(double d, double ri, double rj, double rep_i, double rep_j, double adh_i,
                             double adh_j, double rel_i, double rel_j);



/* Compute every cell's velocity (vx, vy, vz) from neighbours in grid g (built on the current positions),
 * its migration velocity (mx..) and the walls; also fills pressure. Serial; the cell engine runs
 * stroma_mechanics_velocity_one inside its own parallel loop. Reads positions only from the grid's gathered
 * copy (g->sp), so a caller may move cell i (stroma_mechanics_advance_one) right after its velocity. */
/* adh_scale / rep_scale (indexed by cell; NULL = 1) multiply a cell's adhesion / repulsion in every pair it is
 * part of: a pair's strength becomes pair x scale_i x scale_j, so with scale = sqrt(value / type value) the
 * pair is PhysiCell's sqrt(value_i x value_j); walls use scale_i^2. */
void stroma_mechanics_velocities(stroma_cells *c, const stroma_cell_grid *g, const stroma_mech_pairs *mp,
                                 const stroma_mech_domain *dom, const double *adh_scale, const double *rep_scale);

/* The velocity of one cell: the one at position k of the grid order (cell g->order[k]); writes only that
 * cell's vx, vy, vz and pressure. Returns the number of neighbour candidates it scanned (a measure of its
 * cost, for balancing threads). */
unsigned stroma_mechanics_velocity_one(stroma_cells *c, const stroma_cell_grid *g, const stroma_mech_pairs *mp,
                                       const stroma_mech_domain *dom, const double *adh_scale,
                                       const double *rep_scale, size_t k);

/* Advance positions by dt with Adams-Bashforth 2 (Euler on a cell's first step, marked by first != 0) and
 * keep cells inside the domain; stores the velocity as the previous one. */
void stroma_mechanics_advance(stroma_cells *c, double dt_min, const stroma_mech_domain *dom, int first);
/* The same for cell i alone. */
void stroma_mechanics_advance_one(stroma_cells *c, size_t i, double dt_min, const stroma_mech_domain *dom,
                                  int first);

#endif
