/* Benchmark of the diffusion step: ms per step of the LOD solver on cubes of 64^3, 100^3 and 200^3 voxels with
 * 1, 4 and 8 substrates at 1 and 2 threads, against the machine's memory bandwidth (a copy kernel measured in
 * the same run). Usage: bench_diffusion [--sizes 64,100,200] [--subs 1,4,8] [--threads 1,2] [--steps N]
 *                       [--solver lod] [--hindrance | --vs adi]; the environment variables STROMA_BENCH_SIZES /
 * _SUBS / _THREADS too. --hindrance: space-varying diffusion, a random ECM field in [0, 5] mg/mL and sensitivity
 * 0.5 per mg/mL for every substrate (stroma_transport_set_hindrance); the time to set it is reported too.
 * --vs S: a twin cube with solver S steps in turn with the first (blocks of 4 steps), and its median and the
 * ratio S / solver are printed above each row (`make bench`: adi against lod at 100^3 x 8). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transport/transport.h"

/* Traffic model of one LOD step per voxel-substrate: the field streams from memory twice (x+y per z-plane,
 * then z per y-slab), each time read and written back: 2 x (8 + 8) bytes. Coefficients (n x period doubles
 * per axis) and scratch stay in cache and are not counted. */
#define MODEL_BYTES_PER_UPDATE 32.0

#define MAX_LIST 8

typedef struct int_list {
    int n;
    int v[MAX_LIST];
} int_list;

static void parse_list(const char *text, int_list *out) {
    int_list l = {0};
    const char *p = text;
    while (*p && l.n < MAX_LIST) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || x <= 0)
            break;
        l.v[l.n++] = (int)x;
        p = *end == ',' ? end + 1 : end;
    }
    if (l.n > 0)
        *out = l;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Copy and in-place kernels over two arrays of `bytes` each with `threads` threads; returns GB/s counting one
 * read and one write per element (best of 5). in_place: a[i] = a[i] * f (the LOD's access pattern). */
static double stream_gbs(size_t bytes, int threads, int in_place) {
    size_t n = bytes / sizeof(double);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return 0.0;
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++) {
        a[i] = (double)(i & 1023);
        b[i] = 0.0;
    }
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = omp_get_wtime();
        if (in_place) {
            const double f = rep & 1 ? 1.0000001 : 0.9999999;
#pragma omp parallel for schedule(static) num_threads(threads)
            for (size_t i = 0; i < n; i++)
                a[i] *= f;
        } else {
#pragma omp parallel for schedule(static) num_threads(threads)
            for (size_t i = 0; i < n; i++)
                b[i] = a[i];
        }
        double dt = omp_get_wtime() - t0;
        best = dt < best ? dt : best;
    }
    volatile double sink = a[n / 3] + b[n / 2];
    (void)sink;
    free(a);
    free(b);
    return 2.0 * (double)bytes / best / 1e9;
}

/* A cube of n^3 voxels of 20 um, dt = 0.01 min, nsub substrates with PhysiCell-like constants (D from 1e5
 * um^2/min down, decay 0.1/min), Dirichlet faces on the first substrate, one fixed voxel on the last. */
static stroma_transport *make_cube(int n, int nsub, const char *solver) {
    stroma_model m;
    memset(&m, 0, sizeof m);
    stroma_substrate_desc *sub = calloc((size_t)nsub, sizeof *sub);
    stroma_fixed_desc fixed = {.substrate = nsub - 1, .pos_um = {n * 10.0, n * 10.0, n * 10.0}, .value = 1.0};
    if (!sub)
        return NULL;
    for (int a = 0; a < 3; a++) {
        m.n[a] = n;
        m.hi_um[a] = n * 20.0;
    }
    m.voxel_um = 20.0;
    m.dim = 3;
    m.dt_diffusion_min = 0.01;
    m.nsub = nsub;
    m.substrates = sub;
    m.nfixed = 1;
    m.fixed = &fixed;
    for (int s = 0; s < nsub; s++) {
        snprintf(sub[s].name, sizeof sub[s].name, "s%d", s);
        sub[s].diffusion_um2_per_min = 1e5 / (1 + 3 * s);
        sub[s].decay_per_min = 0.1;
        sub[s].initial = 1.0 + s;
    }
    for (int f = 0; f < STROMA_FACE_COUNT; f++) {
        sub[0].face_dirichlet[f] = 1;
        sub[0].face_value[f] = 38.0;
    }
    stroma_error err;
    stroma_transport *t = stroma_transport_create(&m, solver, &err);
    if (!t)
        fprintf(stderr, "bench_diffusion: %s\n", err.message);
    free(sub);
    return t;
}

int main(int argc, char **argv) {
    int_list sizes = {3, {64, 100, 200}}, subs = {3, {1, 4, 8}}, threads = {2, {1, 2}};
    int steps = 21, hindrance = 0;
    const char *solver = "lod", *vs = NULL;
    if (getenv("STROMA_BENCH_SIZES"))
        parse_list(getenv("STROMA_BENCH_SIZES"), &sizes);
    if (getenv("STROMA_BENCH_SUBS"))
        parse_list(getenv("STROMA_BENCH_SUBS"), &subs);
    if (getenv("STROMA_BENCH_THREADS"))
        parse_list(getenv("STROMA_BENCH_THREADS"), &threads);
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--hindrance") == 0) {
            hindrance = 1;
            i--;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s: %s needs a value\n", argv[0], argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--sizes") == 0)
            parse_list(argv[i + 1], &sizes);
        else if (strcmp(argv[i], "--subs") == 0)
            parse_list(argv[i + 1], &subs);
        else if (strcmp(argv[i], "--threads") == 0)
            parse_list(argv[i + 1], &threads);
        else if (strcmp(argv[i], "--steps") == 0)
            steps = atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : steps;
        else if (strcmp(argv[i], "--solver") == 0)
            solver = argv[i + 1];
        else if (strcmp(argv[i], "--vs") == 0)
            vs = argv[i + 1];
        else {
            fprintf(stderr,
                    "usage: %s [--sizes 64,100,200] [--subs 1,4,8] [--threads 1,2] [--steps N] [--solver S] "
                    "[--hindrance | --vs S]\n",
                    argv[0]);
            return 2;
        }
    }
    if (vs && hindrance) {
        fprintf(stderr, "%s: --vs and --hindrance do not go together\n", argv[0]);
        return 2;
    }
    int max_threads = 1;
    for (int q = 0; q < threads.n; q++)
        max_threads = threads.v[q] > max_threads ? threads.v[q] : max_threads;

    const size_t stream_bytes = (size_t)512 << 20;
    printf("memory bandwidth, 2 x 512 MiB arrays, GB/s counting read + write:\n");
    double bw[MAX_LIST][2];
    for (int q = 0; q < threads.n; q++) {
        bw[q][0] = stream_gbs(stream_bytes, threads.v[q], 0);
        bw[q][1] = stream_gbs(stream_bytes, threads.v[q], 1);
        printf("  %d thread%s: copy b[i] = a[i] %.1f GB/s, in place a[i] *= f %.1f GB/s\n", threads.v[q],
               threads.v[q] > 1 ? "s" : "", bw[q][0], bw[q][1]);
    }
    if (hindrance)
        printf("\nhindrance: random ECM in [0, 5] mg/mL, sensitivity 0.5 per mg/mL for every substrate\n");
    printf("\nsolver %s, median (and min) of %d steps after 2 warm-up steps; traffic model %.0f B per voxel-substrate\n"
           "update (2 passes x read+write x 8 B); GB/s = model traffic per second at the median, as a fraction of the\n"
           "copy and in-place bandwidths at that thread count; bytes = stroma_transport_bytes per voxel and per\n"
           "voxel-substrate\n\n",
           solver, steps, MODEL_BYTES_PER_UPDATE);
    printf("%6s %5s %4s %9s %8s %10s %7s %6s %6s %9s %10s\n", "grid", "nsub", "thr", "ms/step", "min ms", "Mupd/s",
           "GB/s", "%copy", "%inpl", "B/voxel", "B/vox-sub");
    for (int a = 0; a < sizes.n; a++) {
        for (int b = 0; b < subs.n; b++) {
            omp_set_num_threads(max_threads);
            stroma_transport *t = make_cube(sizes.v[a], subs.v[b], solver);
            if (!t)
                return 1;
            stroma_transport *tc = NULL;
            if (vs && !(tc = make_cube(sizes.v[a], subs.v[b], vs)))
                return 1;
            if (hindrance) {
                tc = make_cube(sizes.v[a], subs.v[b], solver);
                if (!tc)
                    return 1;
                double *ecm = malloc(t->mesh.nvox * sizeof *ecm), *sigma = malloc((size_t)subs.v[b] * sizeof *sigma);
                if (!ecm || !sigma)
                    return 1;
                unsigned long long x = 12345;
                for (size_t v = 0; v < t->mesh.nvox; v++) {
                    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                    ecm[v] = 5.0 * (double)(x >> 11) / 9007199254740992.0;
                }
                for (int s = 0; s < subs.v[b]; s++)
                    sigma[s] = 0.5;
                stroma_error err;
                double t0 = omp_get_wtime();
                if (stroma_transport_set_hindrance(t, ecm, sigma, &err) != STROMA_OK) {
                    fprintf(stderr, "bench_diffusion: %s\n", err.message);
                    return 1;
                }
                printf("# %d^3 x %d: set_hindrance %.2f ms (%d threads)\n", sizes.v[a], subs.v[b],
                       (omp_get_wtime() - t0) * 1e3, max_threads);
                free(ecm);
                free(sigma);
            }
            double updates = (double)t->mesh.nvox * subs.v[b];
            size_t bytes = stroma_transport_bytes(t);
            for (int q = 0; q < threads.n; q++) {
                omp_set_num_threads(threads.v[q]);
                double *ms = malloc((size_t)steps * sizeof *ms);
                if (!ms)
                    return 1;
                /* with --hindrance a constant-coefficient twin steps in turn with the hindered transport (blocks of
                 * 4 steps), so both medians see the same machine load */
                double *msc = malloc((size_t)steps * sizeof *msc);
                if (!msc)
                    return 1;
                for (int w = 0; w < 2; w++) {
                    stroma_transport_step(t);
                    if (tc)
                        stroma_transport_step(tc);
                }
                for (int s0 = 0; s0 < steps; s0 += 4) { /* blocks of 4 steps each, alternating */
                    for (int s = s0; s < steps && s < s0 + 4; s++) {
                        double t0 = omp_get_wtime();
                        stroma_transport_step(t);
                        ms[s] = (omp_get_wtime() - t0) * 1e3;
                    }
                    for (int s = s0; tc && s < steps && s < s0 + 4; s++) {
                        double t0 = omp_get_wtime();
                        stroma_transport_step(tc);
                        msc[s] = (omp_get_wtime() - t0) * 1e3;
                    }
                }
                qsort(ms, (size_t)steps, sizeof *ms, cmp_double);
                if (tc && vs) {
                    qsort(msc, (size_t)steps, sizeof *msc, cmp_double);
                    printf("%4d^3 %5d %4d %9.2f %8.2f   solver %s, interleaved; %s / %s = %.2f (median), %.2f (min)\n",
                           sizes.v[a], subs.v[b], threads.v[q], msc[steps / 2], msc[0], vs, vs, solver,
                           msc[steps / 2] / ms[steps / 2], msc[0] / ms[0]);
                } else if (tc) {
                    qsort(msc, (size_t)steps, sizeof *msc, cmp_double);
                    printf("%4d^3 %5d %4d %9.2f %8.2f   constant coefficients, interleaved; hindered / constant = "
                           "%.2f (median), %.2f (min)\n",
                           sizes.v[a], subs.v[b], threads.v[q], msc[steps / 2], msc[0], ms[steps / 2] / msc[steps / 2],
                           ms[0] / msc[0]);
                }
                free(msc);
                double med = ms[steps / 2], rate = updates / (med * 1e-3);
                double gbs = rate * MODEL_BYTES_PER_UPDATE / 1e9;
                printf("%4d^3 %5d %4d %9.2f %8.2f %10.1f %7.1f %5.0f%% %5.0f%% %9.1f %10.2f\n", sizes.v[a], subs.v[b],
                       threads.v[q], med, ms[0], rate / 1e6, gbs, 100.0 * gbs / bw[q][0], 100.0 * gbs / bw[q][1],
                       (double)bytes / (double)t->mesh.nvox, (double)bytes / updates);
                fflush(stdout);
                free(ms);
            }
            stroma_transport_destroy(&t);
            stroma_transport_destroy(&tc);
        }
    }
    return 0;
}
