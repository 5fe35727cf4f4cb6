/* Cell-engine benchmark: agent-steps per second (cells x mechanics steps / wall second) for 10^4, 10^5 and
 * 10^6 cells in 2D and 3D, with and without diffusion (one substrate, dt_diffusion = dt_mechanics / 10, cells
 * secreting and taking up), at 1 and 2 threads; bytes per cell. Phenotype steps (every 60 mechanics steps) are
 * included, as in a real run. Usage: bench_cells [max_cells] (default 1000000). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cells/engine.h"
#include "transport/transport.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct bench_case {
    int dim;
    long cells;
    int diffusion;
    int threads;
} bench_case;

static double run_case(const bench_case *bc, size_t *bytes_per_cell, double *transport_bytes_per_cell) {
    omp_set_num_threads(bc->threads);
    const double spacing = 16.0; /* µm, cells just touching: a packed tissue */
    long side = bc->dim == 2 ? (long)ceil(sqrt((double)bc->cells)) : (long)ceil(cbrt((double)bc->cells));
    double L = side * spacing + 40;
    L = ceil(L / 20) * 20;
    stroma_substrate_desc sub;
    memset(&sub, 0, sizeof sub);
    snprintf(sub.name, sizeof sub.name, "oxygen");
    sub.diffusion_um2_per_min = 1e5;
    sub.decay_per_min = 0.1;
    sub.initial = 38;
    double aff[1] = {1}, sec[1] = {0}, sat[1] = {0}, upt[1] = {10}, ex[1] = {0}, zero[1] = {0}, ct[1] = {0};
    stroma_cell_type_desc T;
    memset(&T, 0, sizeof T);
    snprintf(T.name, sizeof T.name, "cancer");
    T.volume_um3 = 2494;
    T.growth_per_min = 0.01;
    T.cycle = STROMA_CYCLE_EXPONENTIAL;
    T.cycle_mean_min = 1e5; /* few divisions: the population stays near its size */
    T.apoptosis_duration_min = 516;
    T.necrosis_substrate = -1;
    T.necrosis_duration_min = 86400;
    T.repulsion_um_per_min = 10;
    T.adhesion_um_per_min = 0.4;
    T.max_adhesion_rel = 1.25;
    T.adhesion_affinity = aff;
    T.speed_um_per_min = 0.5;
    T.persistence_min = 10;
    T.bias = 0;
    T.chemotaxis_substrate = -1;
    T.chemotaxis_direction = 1;
    T.secretion_per_min = sec;
    T.saturation = sat;
    T.uptake_per_min = upt;
    T.export_per_min = ex;
    T.attack_per_min = zero;
    T.attach_duration_min = 60;
    T.phagocytose_per_min = zero;
    T.contact_transform_per_min = ct;
    T.transform_per_min = zero;
    stroma_mech_domain dom = {{0, 0, 0}, {L, L, bc->dim == 2 ? 20 : L}, bc->dim};
    stroma_cell_engine e;
    stroma_error err;
    if (stroma_cell_engine_init(&e, &T, 1, 1, &dom, (stroma_rng_key){1}, &err) != STROMA_OK) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    stroma_cells_reserve(&e.cells, (size_t)bc->cells + 16, &err);
    for (long k = 0; k < bc->cells; k++) {
        double p[3];
        if (bc->dim == 2) {
            p[0] = 20 + spacing * (double)(k % side) + (((k / side) & 1) ? spacing / 2 : 0);
            p[1] = 20 + spacing * (double)(k / side);
            p[2] = 10;
        } else {
            p[0] = 20 + spacing * (double)(k % side);
            p[1] = 20 + spacing * (double)((k / side) % side);
            p[2] = 20 + spacing * (double)(k / (side * side));
        }
        stroma_cell_engine_add(&e, 0, p, 0, NULL);
    }
    stroma_transport *t = NULL;
    stroma_model m;
    memset(&m, 0, sizeof m);
    if (bc->diffusion) {
        m.hi_um[0] = m.hi_um[1] = L;
        m.hi_um[2] = bc->dim == 2 ? 20 : L;
        m.voxel_um = 20;
        m.n[0] = m.n[1] = (int)(L / 20);
        m.n[2] = bc->dim == 2 ? 1 : (int)(L / 20);
        m.dim = bc->dim;
        m.dt_diffusion_min = 0.01;
        m.end_min = 1;
        m.nsub = 1;
        m.substrates = &sub;
        t = stroma_transport_create(&m, NULL, &err);
        if (!t) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
        *transport_bytes_per_cell = (double)stroma_transport_bytes(t) / (double)bc->cells;
    } else {
        *transport_bytes_per_cell = 0;
    }
    /* warm-up, then time enough steps for ~2 s or at least 3 steps */
    stroma_cell_engine_mechanics(&e, t, 0.1, NULL);
    long steps = 0;
    long long agent_steps = 0;
    double t0 = now_s(), el = 0;
    while (el < 2.0 || steps < 3) {
        if (t)
            for (int d = 0; d < 10; d++) {
                stroma_cell_engine_secrete(&e, t);
                stroma_transport_step(t);
            }
        agent_steps += (long long)e.cells.n;
        stroma_cell_engine_mechanics(&e, t, 0.1, NULL);
        steps++;
        if (steps % 60 == 0) stroma_cell_engine_phenotype(&e, t, 6, steps * 0.1, NULL);
        el = now_s() - t0;
    }
    *bytes_per_cell = stroma_cells_bytes_per_cell(&e.cells);
    stroma_cell_engine_free(&e);
    stroma_transport_destroy(&t);
    return (double)agent_steps / el;
}

int main(int argc, char **argv) {
    long max_cells = argc > 1 ? atol(argv[1]) : 1000000;
    printf("stroma cell-engine benchmark (packed tissue, 1 type, motile, dt_mech 0.1 min; with diffusion: 1 "
           "substrate, 20 um voxels, 10 diffusion steps + secretion per mechanics step)\n");
    printf("%-4s %9s %-9s %7s %16s %12s %14s\n", "dim", "cells", "diffusion", "threads", "agent-steps/s",
           "bytes/cell", "+field B/cell");
    for (int dim = 2; dim <= 3; dim++)
        for (long n = 10000; n <= max_cells; n *= 10)
            for (int dif = 0; dif <= 1; dif++)
                for (int th = 1; th <= 2; th++) {
                    bench_case bc = {dim, n, dif, th};
                    size_t bpc;
                    double tbpc;
                    double rate = run_case(&bc, &bpc, &tbpc);
                    printf("%-4d %9ld %-9s %7d %16.3e %12zu %14.1f\n", dim, n, dif ? "yes" : "no", th, rate, bpc,
                           tbpc);
                    fflush(stdout);
                }
    return 0;
}
