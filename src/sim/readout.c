/* The readouts of a simulation at an output time: IHC counts (readout/ihc.h), the tumour region and what is read
 * over it (readout/tumour_region.h), and the indices (readout/indices.h). */
#include "sim/readout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readout/ihc.h"
#include "readout/indices.h"
#include "readout/tumour_region.h"
#include "util/error_impl.h"

void stroma_readout_free(stroma_readout *r) {
    if (!r) return;
    free(r->live);
    free(r->positive);
    memset(r, 0, sizeof *r);
}

static void add_item(stroma_readout_item *items, int *n, const char *key, double value, int is_count) {
    if (*n >= STROMA_READOUT_MAX_TISSUE) return;
    stroma_readout_item *it = &items[(*n)++];
    snprintf(it->key, sizeof it->key, "%s", key);
    it->value = value;
    it->is_count = is_count;
}

/* The mean of field f[v * stride] over the voxels of zone z, in voxel order; NAN over no voxel. */
static double zone_mean(const unsigned char *zone, size_t nvox, unsigned char z, const double *f, size_t stride) {
    double sum = 0;
    size_t n = 0;
    for (size_t v = 0; v < nvox; v++)
        if (zone[v] == z) {
            sum += f[v * stride];
            n++;
        }
    return n ? sum / (double)n : NAN;
}

/* The median of f[v * stride] over the voxels of zone z (scratch: nvox doubles). */
static double zone_median(const unsigned char *zone, size_t nvox, unsigned char z, const double *f, size_t stride,
                          double *scratch) {
    size_t n = 0;
    for (size_t v = 0; v < nvox; v++)
        if (zone[v] == z) scratch[n++] = f[v * stride];
    return stroma_median(scratch, n);
}

static stroma_code tissue_metrics(const stroma_sim *sim, stroma_readout *r, stroma_error *err) {
    const stroma_model *m = sim->model;
    const stroma_tissue_desc *td = &m->readout.tissue;
    const stroma_mesh *mesh = &sim->transport->mesh;
    const stroma_cells *c = &sim->cells.cells;
    size_t nvox = mesh->nvox;
    unsigned char *zone = malloc(nvox);
    double *scratch = malloc(nvox * sizeof *scratch);
    if (!zone || !scratch) {
        free(zone);
        free(scratch);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the tissue metrics (%zu voxels)", nvox);
    }
    stroma_code rc = stroma_tumour_zones(mesh, c, td->tumour, td->coverage, td->smoothing_um, td->margin_um, zone, err);
    if (rc != STROMA_OK) {
        free(zone);
        free(scratch);
        return rc;
    }
    /* areas (2D, mm^2) or volumes (3D, mm^3) of the zones: voxels x (dx in mm)^dim */
    int three = mesh->dim == 3;
    double unit = pow(mesh->dx_um * 1e-3, three ? 3 : 2);
    size_t nzone[3] = {0, 0, 0};
    for (size_t v = 0; v < nvox; v++) nzone[zone[v]]++;
    int64_t tumour_cells = 0, cd8[3] = {0, 0, 0};
    for (size_t i = 0; i < c->n; i++) { /* id order */
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        if (td->tumour[c->type[i]]) tumour_cells++;
        if (td->cd8 && td->cd8[c->type[i]]) {
            double p[3] = {c->x[i], c->y[i], c->z[i]};
            cd8[zone[stroma_mesh_voxel_of(mesh, p)]]++;
        }
    }
    double a_t = (double)nzone[STROMA_ZONE_TUMOUR] * unit, a_m = (double)nzone[STROMA_ZONE_MARGIN] * unit;
    const char *u = three ? "mm3" : "mm2";
    char key[48];
    int *n = &r->ntissue;
    add_item(r->tissue, n, "tumour_cells", (double)tumour_cells, 1);
    snprintf(key, sizeof key, "tumour_%s_%s", three ? "volume" : "area", u);
    add_item(r->tissue, n, key, a_t, 0);
    snprintf(key, sizeof key, "margin_%s_%s", three ? "volume" : "area", u);
    add_item(r->tissue, n, key, a_m, 0);
    if (td->cd8) {
        add_item(r->tissue, n, "cd8_in_tumour", (double)cd8[STROMA_ZONE_TUMOUR], 1);
        add_item(r->tissue, n, "cd8_margin", (double)cd8[STROMA_ZONE_MARGIN], 1);
        snprintf(key, sizeof key, "cd8_in_tumour_per_%s", u);
        add_item(r->tissue, n, key, a_t > 0 ? (double)cd8[STROMA_ZONE_TUMOUR] / a_t : NAN, 0);
        snprintf(key, sizeof key, "cd8_margin_per_%s", u);
        add_item(r->tissue, n, key, a_m > 0 ? (double)cd8[STROMA_ZONE_MARGIN] / a_m : NAN, 0);
    }
    const double *ecm = stroma_sim_ecm_density(sim), *rho = stroma_sim_vessel_density(sim);
    if (ecm) {
        add_item(r->tissue, n, "ecm_mean", zone_mean(zone, nvox, STROMA_ZONE_TUMOUR, ecm, 1), 0);
        add_item(r->tissue, n, "ecm_mean_normal", zone_mean(zone, nvox, STROMA_ZONE_NORMAL, ecm, 1), 0);
    }
    if (rho) {
        add_item(r->tissue, n, "vessel_density", zone_mean(zone, nvox, STROMA_ZONE_TUMOUR, rho, 1), 0);
        add_item(r->tissue, n, "vessel_density_normal", zone_mean(zone, nvox, STROMA_ZONE_NORMAL, rho, 1), 0);
    }
    if (td->oxygen >= 0) {
        const stroma_transport *t = sim->transport;
        const double *o2 = t->c + td->oxygen;
        size_t ns = (size_t)t->nsub;
        add_item(r->tissue, n, "median_po2_tumour", zone_median(zone, nvox, STROMA_ZONE_TUMOUR, o2, ns, scratch), 0);
        add_item(r->tissue, n, "median_po2_normal", zone_median(zone, nvox, STROMA_ZONE_NORMAL, o2, ns, scratch), 0);
    }
    free(zone);
    free(scratch);
    return STROMA_OK;
}

stroma_code stroma_sim_readout(const stroma_sim *sim, stroma_readout *r, stroma_error *err) {
    const stroma_model *m = sim->model;
    memset(r, 0, sizeof *r);
    if (sim->has_cells && m->readout.nmarkers > 0) {
        int np = stroma_ihc_population_count(m), nk = m->readout.nmarkers;
        r->live = malloc((size_t)np * sizeof *r->live);
        r->positive = malloc((size_t)np * (size_t)nk * sizeof *r->positive);
        if (!r->live || !r->positive) {
            stroma_readout_free(r);
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the marker counts");
        }
        r->npop = np;
        r->nmarkers = nk;
        stroma_ihc_count(m, &sim->cells, sim->transport, stroma_sim_time(sim), r->live, r->positive);
    }
    if (sim->has_cells && m->readout.tissue.present) {
        stroma_code rc = tissue_metrics(sim, r, err);
        if (rc != STROMA_OK) {
            stroma_readout_free(r);
            return rc;
        }
    }
    for (int k = 0; k < STROMA_INDEX_COUNT; k++) {
        const stroma_index_desc *d = &m->readout.index[k];
        if (!d->present || !sim->has_body) continue;
        stroma_readout_item *it = &r->index[r->nindex++];
        snprintf(it->key, sizeof it->key, "%s", stroma_index_names[k]);
        it->value = stroma_index_value(m, d, sim->plasma.value);
        it->is_count = 0;
    }
    return STROMA_OK;
}
