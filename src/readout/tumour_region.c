/* The tumour region and its margin from the cells (cover, smoothing, hole filling, distance transform), and a
 * median. See tumour_region.h for the definitions. */
#include "readout/tumour_region.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

#define STROMA_PI 3.14159265358979323846

/* Squared distances d[0..n) (stride s in f and d) of the lower envelope of parabolas over f: the 1D squared
 * Euclidean distance transform (Felzenszwalb & Huttenlocher 2012). v, z: scratch of n and n + 1. */
static void edt_1d(const double *f, double *d, size_t n, size_t s, int *v, double *z) {
    int k = 0;
    v[0] = 0;
    z[0] = -HUGE_VAL;
    z[1] = HUGE_VAL;
    for (int q = 1; q < (int)n; q++) {
        double fq = f[(size_t)q * s];
        if (isinf(fq)) continue;
        if (isinf(f[(size_t)v[0] * s])) { /* the envelope so far is empty */
            v[0] = q;
            continue;
        }
        for (;;) {
            int p = v[k];
            double sv = ((fq + (double)q * q) - (f[(size_t)p * s] + (double)p * p)) / (2.0 * (q - p));
            if (sv <= z[k] && k > 0) {
                k--;
                continue;
            }
            if (sv <= z[k]) { /* k == 0: q replaces the only parabola */
                v[0] = q;
                z[0] = -HUGE_VAL;
                z[1] = HUGE_VAL;
                break;
            }
            k++;
            v[k] = q;
            z[k] = sv;
            z[k + 1] = HUGE_VAL;
            break;
        }
    }
    if (isinf(f[(size_t)v[0] * s])) { /* no finite value on the line */
        for (size_t q = 0; q < n; q++) d[q * s] = HUGE_VAL;
        return;
    }
    k = 0;
    for (int q = 0; q < (int)n; q++) {
        while (z[k + 1] < q) k++;
        double dq = (double)(q - v[k]);
        d[(size_t)q * s] = dq * dq + f[(size_t)v[k] * s];
    }
}

/* In place along one axis of the grid (n[axis] voxels, the others' lines each in turn). */
static void edt_axis(double *g, const int n[3], int axis, double *line, double *out, int *v, double *z) {
    size_t stride[3] = {1, (size_t)n[0], (size_t)n[0] * (size_t)n[1]};
    int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
    size_t len = (size_t)n[axis];
    for (int j = 0; j < n[a2]; j++)
        for (int i = 0; i < n[a1]; i++) {
            size_t base = (size_t)i * stride[a1] + (size_t)j * stride[a2];
            for (size_t q = 0; q < len; q++) line[q] = g[base + q * stride[axis]];
            edt_1d(line, out, len, 1, v, z);
            for (size_t q = 0; q < len; q++) g[base + q * stride[axis]] = out[q];
        }
}

stroma_code stroma_tumour_zones(const stroma_mesh *mesh, const stroma_cells *c, const unsigned char *tumour_types,
                                double coverage, double smoothing_um, double margin_um, unsigned char *zone,
                                stroma_error *err) {
    const int n[3] = {mesh->nx, mesh->ny, mesh->nz};
    size_t nvox = mesh->nvox, nmax = (size_t)(n[0] > n[1] ? (n[0] > n[2] ? n[0] : n[2]) : (n[1] > n[2] ? n[1] : n[2]));
    double dx = mesh->dx_um, unit = mesh->dim == 3 ? dx * dx * dx : mesh->dim == 2 ? dx * dx : dx;
    double *cover = calloc(nvox, sizeof *cover), *g = malloc(nvox * sizeof *g);
    double *line = malloc((nmax + 1) * sizeof *line), *out = malloc((nmax + 1) * sizeof *out);
    double *z = malloc((nmax + 2) * sizeof *z);
    int *v = malloc((nmax + 1) * sizeof *v);
    size_t *queue = malloc(nvox * sizeof *queue);
    stroma_code rc = STROMA_OK;
    if (!cover || !g || !line || !out || !z || !v || !queue) {
        rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the tumour region (%zu voxels)", nvox);
        goto done;
    }
    /* cover of each voxel by tumour cells, in id order */
    for (size_t i = 0; i < c->n; i++) {
        if (!tumour_types[c->type[i]]) continue;
        double p[3] = {c->x[i], c->y[i], c->z[i]}, r = c->radius_um[i];
        double a = mesh->dim == 3 ? c->volume_um3[i] : mesh->dim == 2 ? STROMA_PI * r * r : 2 * r;
        cover[stroma_mesh_voxel_of(mesh, p)] += a / unit;
    }
    /* averaged over the voxels within smoothing_um (offsets in a fixed order), then thresholded */
    int reach[3];
    for (int a = 0; a < 3; a++) reach[a] = n[a] > 1 ? (int)floor(smoothing_um / dx * (1 + 1e-12)) : 0;
    double r2 = smoothing_um * smoothing_um * (1 + 1e-12);
    for (int k = 0; k < n[2]; k++)
        for (int j = 0; j < n[1]; j++)
            for (int i = 0; i < n[0]; i++) {
                double sum = 0;
                int cnt = 0;
                for (int dk = -reach[2]; dk <= reach[2]; dk++)
                    for (int dj = -reach[1]; dj <= reach[1]; dj++)
                        for (int di = -reach[0]; di <= reach[0]; di++) {
                            int ii = i + di, jj = j + dj, kk = k + dk;
                            if (ii < 0 || jj < 0 || kk < 0 || ii >= n[0] || jj >= n[1] || kk >= n[2]) continue;
                            if ((double)(di * di + dj * dj + dk * dk) * dx * dx > r2) continue;
                            sum += cover[stroma_mesh_index(mesh, ii, jj, kk)];
                            cnt++;
                        }
                zone[stroma_mesh_index(mesh, i, j, k)] =
                    sum >= coverage * cnt ? STROMA_ZONE_TUMOUR : STROMA_ZONE_NORMAL;
            }
    /* fill holes: flood the non-tumour voxels from the faces of the axes that have more than one voxel */
    unsigned char *seen = (unsigned char *)cover; /* cover is no longer needed: reuse its bytes */
    memset(seen, 0, nvox);
    size_t head = 0, tail = 0;
    for (int k = 0; k < n[2]; k++)
        for (int j = 0; j < n[1]; j++)
            for (int i = 0; i < n[0]; i++) {
                int face = (n[0] > 1 && (i == 0 || i == n[0] - 1)) || (n[1] > 1 && (j == 0 || j == n[1] - 1)) ||
                           (n[2] > 1 && (k == 0 || k == n[2] - 1));
                size_t w = stroma_mesh_index(mesh, i, j, k);
                if (face && zone[w] != STROMA_ZONE_TUMOUR) {
                    seen[w] = 1;
                    queue[tail++] = w;
                }
            }
    size_t stride[3] = {1, (size_t)n[0], (size_t)n[0] * (size_t)n[1]};
    while (head < tail) {
        size_t w = queue[head++];
        int idx[3] = {(int)(w % (size_t)n[0]), (int)(w / stride[1] % (size_t)n[1]), (int)(w / stride[2])};
        for (int a = 0; a < 3; a++)
            for (int s = -1; s <= 1; s += 2) {
                int q = idx[a] + s;
                if (q < 0 || q >= n[a]) continue;
                size_t u = s < 0 ? w - stride[a] : w + stride[a];
                if (seen[u] || zone[u] == STROMA_ZONE_TUMOUR) continue;
                seen[u] = 1;
                queue[tail++] = u;
            }
    }
    size_t ntumour = 0;
    for (size_t w = 0; w < nvox; w++) {
        if (!seen[w]) zone[w] = STROMA_ZONE_TUMOUR;
        ntumour += zone[w] == STROMA_ZONE_TUMOUR;
    }
    if (ntumour == 0) goto done; /* no tumour: no margin, every voxel normal */
    /* margin: squared distance (in voxels) to the nearest tumour voxel centre */
    for (size_t w = 0; w < nvox; w++) g[w] = zone[w] == STROMA_ZONE_TUMOUR ? 0.0 : HUGE_VAL;
    for (int a = 0; a < 3; a++)
        if (n[a] > 1) edt_axis(g, n, a, line, out, v, z);
    double m2 = margin_um / dx * (margin_um / dx) * (1 + 1e-12);
    for (size_t w = 0; w < nvox; w++)
        if (zone[w] != STROMA_ZONE_TUMOUR && g[w] <= m2) zone[w] = STROMA_ZONE_MARGIN;
done:
    free(cover);
    free(g);
    free(line);
    free(out);
    free(z);
    free(v);
    free(queue);
    return rc;
}

static int cmp_double(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

double stroma_median(double *v, size_t n) {
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
