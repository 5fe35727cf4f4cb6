/* Helpers the transport unit tests share (test_transport.c, test_transport_adi.c): a model filled by hand (a box of
 * voxels, substrates with no-flux faces, fixed voxels) and a transport created from it. Include after <cmocka.h>;
 * every function fails the test on an error. */
#ifndef STROMA_TEST_TRANSPORT_HELPERS_H
#define STROMA_TEST_TRANSPORT_HELPERS_H

#include <stdio.h>
#include <stdlib.h>

#include "transport/transport.h"

/* A model of nx x ny x nz voxels of edge dx_um from the origin, nsub substrates with no-flux faces, zero initial
 * values, D = 0, no decay. Free with model_free. */
static inline stroma_model *model_new(int nx, int ny, int nz, double dx_um, double dt_min, int nsub) {
    stroma_model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    const int n[3] = {nx, ny, nz};
    for (int a = 0; a < 3; a++) {
        m->n[a] = n[a];
        m->lo_um[a] = 0.0;
        m->hi_um[a] = n[a] * dx_um;
    }
    m->voxel_um = dx_um;
    m->dim = (nx > 1) + (ny > 1) + (nz > 1);
    m->dt_diffusion_min = dt_min;
    m->end_min = 1.0;
    m->output_every_min = 1.0;
    m->nsub = nsub;
    m->substrates = calloc((size_t)nsub, sizeof *m->substrates);
    assert_non_null(m->substrates);
    for (int s = 0; s < nsub; s++)
        snprintf(m->substrates[s].name, sizeof m->substrates[s].name, "s%d", s);
    return m;
}

/* Holds the voxel containing (x, y, z) um at value for substrate s. */
static inline void model_add_fixed(stroma_model *m, int s, double x_um, double y_um, double z_um, double value) {
    m->fixed = realloc(m->fixed, (size_t)(m->nfixed + 1) * sizeof *m->fixed);
    assert_non_null(m->fixed);
    m->fixed[m->nfixed] = (stroma_fixed_desc){.substrate = s, .pos_um = {x_um, y_um, z_um}, .value = value};
    m->nfixed++;
}

static inline void model_free(stroma_model *m) {
    free(m->substrates);
    free(m->fixed);
    free(m);
}

/* The transport of m with the named solver (it must be created). */
static inline stroma_transport *create_ok(const stroma_model *m, const char *solver) {
    stroma_error err;
    stroma_error_clear(&err);
    stroma_transport *t = stroma_transport_create(m, solver, &err);
    if (!t)
        fail_msg("create failed: %s", err.message);
    return t;
}

#endif
