/* The diffusion solvers behind stroma_solver_ops (private to transport/), and the per-axis coefficients of
 * the discretisation they share, so both schemes close the boundaries the same way. */
#ifndef STROMA_TRANSPORT_SOLVERS_H
#define STROMA_TRANSPORT_SOLVERS_H

#include "transport/transport.h"

/* Implicit LOD (three 1D backward-Euler solves per step); see solver_lod.c. */
extern const stroma_solver_ops stroma_solver_lod_ops;
/* Lets t's lod solver (prepared) run stroma_prestep.stage hooks: allocates its copies of z-planes (counted in
 * t->solver_bytes). Returns 0, or -1 when out of memory. */
int stroma_solver_lod_enable_stages(stroma_transport *t);
/* Douglas ADI in place on the lod sweeps, theta = 1 and theta = 1/2, reactions inside the operator; see solver_adi.c. */
extern const stroma_solver_ops stroma_solver_adi_ops;
extern const stroma_solver_ops stroma_solver_adi_cn_ops;
/* Forward Euler with the 7-point Laplacian: a slow reference for cross-checking; see solver_explicit.c. */
extern const stroma_solver_ops stroma_solver_explicit_ops;

/* Voxels along axis a (0 = x, 1 = y, 2 = z). */
static inline int stroma_mesh_axis_n(const stroma_mesh *m, int a) {
    return a == 0 ? m->nx : (a == 1 ? m->ny : m->nz);
}

/* Whether axis a is solved: it has more than one voxel, or it is x in a single-voxel domain (a line of one
 * voxel: decay only). Faces of unsolved axes are ignored (a 2D run is a slab one voxel thick). */
static inline int stroma_mesh_axis_active(const stroma_mesh *m, int a) {
    if (stroma_mesh_axis_n(m, a) > 1)
        return 1;
    return a == 0 && m->nx == 1 && m->ny == 1 && m->nz == 1;
}

#endif
