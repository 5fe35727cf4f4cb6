/* The Cartesian voxel mesh under every transported field: geometry taken from the model, and the map from a
 * point in um to the voxel containing it. */
#include <math.h>

#include "transport/transport.h"

void stroma_mesh_init(stroma_mesh *mesh, const stroma_model *model) {
    mesh->nx = model->n[0];
    mesh->ny = model->n[1];
    mesh->nz = model->n[2];
    for (int a = 0; a < 3; a++)
        mesh->lo_um[a] = model->lo_um[a];
    mesh->dx_um = model->voxel_um;
    /* Derived from the counts rather than copied, so the solver's decay split (lambda/dim per axis) always
     * matches the axes it actually solves. A single voxel (no axis to solve) counts as dim 1. */
    int dim = (mesh->nx > 1) + (mesh->ny > 1) + (mesh->nz > 1);
    mesh->dim = dim > 0 ? dim : 1;
    mesh->nvox = (size_t)mesh->nx * (size_t)mesh->ny * (size_t)mesh->nz;
    mesh->voxel_volume_um3 = mesh->dx_um * mesh->dx_um * mesh->dx_um;
}

/* Index along one axis of the voxel containing coordinate x_um (clamped; NaN maps to 0). floor(f) >= 0 exactly
 * when f >= 0, floor(f) >= n - 1 exactly when f >= n - 1, and in between truncation is floor: no libm call. */
static inline int axis_index(double x_um, double lo_um, double dx_um, int n) {
    double f = (x_um - lo_um) / dx_um;
    if (!(f >= 0.0))
        return 0;
    if (f >= (double)(n - 1))
        return n - 1;
    return (int)f;
}

size_t stroma_mesh_voxel_of(const stroma_mesh *m, const double p_um[3]) {
    int i = axis_index(p_um[0], m->lo_um[0], m->dx_um, m->nx);
    int j = axis_index(p_um[1], m->lo_um[1], m->dx_um, m->ny);
    int k = axis_index(p_um[2], m->lo_um[2], m->dx_um, m->nz);
    return stroma_mesh_index(m, i, j, k);
}
