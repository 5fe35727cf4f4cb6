/* Benchmark of the body (src/body): what exchange with blood, lymphatic drainage, the plasma ledger and clock
 * and vessel remodelling cost per diffusion step of a model, against the whole step.
 * The model is stepped normally for --steps steps (whole-step time); then, on the state it reached, each body
 * part is called on its own as the step calls it (exchange and ledger every step, plasma every body.dt,
 * remodelling every vessels.every), timed over --reps calls, and its cost per diffusion step is reported with
 * its share of the step, with the threads the run's team settled on (one when the machine is busy). Usage: bench_body MODEL [--steps N] [--reps N] [--threads N]; defaults: the default
 * scenario, 2,000 steps, 2,000 calls, the run's own thread count. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "stroma/stroma.h"

static double now(void) { return omp_get_wtime(); }

int main(int argc, char **argv) {
    const char *path = "models/tumour_stroma.yaml";
    int steps = 2000, reps = 2000, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--steps") && i + 1 < argc)
            steps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else
            path = argv[i];
    }
    stroma_error err;
    stroma_model *m = stroma_model_load(path, &err);
    if (!m) {
        fprintf(stderr, "bench_body: %s\n", err.message);
        return 2;
    }
    stroma_sim_options o = {.threads = threads};
    stroma_sim *sim = stroma_sim_create(m, &o, &err);
    if (!sim) {
        fprintf(stderr, "bench_body: %s\n", err.message);
        return 1;
    }
    if (!sim->has_exchange) {
        fprintf(stderr, "bench_body: %s has no vessels or body\n", path);
        return 2;
    }
    double t0 = now();
    for (int k = 0; k < steps && sim->step < sim->end_step; k++)
        if (stroma_sim_step(sim, &err) != STROMA_OK) {
            fprintf(stderr, "bench_body: %s\n", err.message);
            return 1;
        }
    double step_s = (now() - t0) / steps;
    /* the parts run with the threads the run's team settled on (sim/team.h: on a busy machine, one) */
    omp_set_num_threads(sim->team.best);
    stroma_vessels *v = sim->has_vessels ? &sim->vessels : NULL;
    stroma_plasma *p = sim->has_body ? &sim->plasma : NULL;
    t0 = now();
    for (int k = 0; k < reps; k++) stroma_exchange_step(&sim->exchange, m, v, p, sim->transport, sim->dt_min);
    double exch_s = (now() - t0) / reps;
    double acc_s = 0, plasma_s = 0, remodel_s = 0;
    if (p) {
        t0 = now();
        for (int k = 0; k < reps; k++) stroma_exchange_account(&sim->exchange, p, sim->transport, 0);
        acc_s = (now() - t0) / reps;
        t0 = now();
        for (int k = 0; k < reps; k++) stroma_plasma_update(p, m->body.dt_min);
        plasma_s = (now() - t0) / reps / (double)sim->body_every;
    }
    if (v) {
        int r = reps / 10 > 10 ? reps / 10 : 10;
        t0 = now();
        for (int k = 0; k < r; k++) stroma_vessels_remodel(v, sim->transport, m->vessels.every_min);
        remodel_s = (now() - t0) / r / (double)sim->vessel_every;
    }
    double body = exch_s + acc_s + plasma_s + remodel_s;
    printf("bench_body: %s, %d threads (the team ran with %d), %zu voxels x %d substrates, %zu vessel voxels, %d systemic\n", path,
           sim->threads, sim->team.best, sim->transport->mesh.nvox, sim->transport->nsub, v ? v->nlist : 0, p ? p->n : 0);
    printf("  whole step (with the body)      %9.2f us\n", step_s * 1e6);
    printf("  exchange + drainage             %9.2f us  %5.1f %%\n", exch_s * 1e6, 100 * exch_s / step_s);
    printf("  ledger (tissue totals)          %9.2f us  %5.1f %%\n", acc_s * 1e6, 100 * acc_s / step_s);
    printf("  plasma update (per step)        %9.3f us  %5.2f %%\n", plasma_s * 1e6, 100 * plasma_s / step_s);
    printf("  vessel remodelling (per step)   %9.3f us  %5.2f %%\n", remodel_s * 1e6, 100 * remodel_s / step_s);
    printf("  body total                      %9.2f us  %5.1f %% of a step (goal <= 15 %%)\n", body * 1e6,
           100 * body / step_s);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    return 0;
}
