/* Loading of the extracellular matrix: the `ecm:` section. The walk (load.c) stores its values through
 * load_ecm_store / load_ecm_item / load_ecm_map_done; after it, load_check_ecm resolves the cell-type and
 * substrate names of its maps, checks densities against max_density, regions against the domain and the update
 * interval against time.dt_diffusion. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/schema.h"
#include "util/error_impl.h"

/* Relative tolerance of "a whole multiple of time.dt_diffusion" (as for the time steps in load.c). */
#define ECM_MULTIPLE_TOL 1e-9

/* An entry of a map keyed by a cell type or substrate name. */
typedef struct ecm_entry {
    load_name name;
    double value;
    int value_ok;
} ecm_entry;

/* Where a region's values were written, and which shapes it gave. */
typedef struct ecm_region_extra {
    stroma_srcloc at, density_at, center_at, hi_at, outer_at;
    int shapes, density_ok, center_ok, box_ok, outer_ok;
} ecm_region_extra;

enum { ECM_MAP_DEPOSITION, ECM_MAP_MIGRATION, ECM_MAP_HINDRANCE, ECM_MAPS };

struct load_ecm_walk {
    stroma_srcloc ecm_at, initial_at, every_at;
    int every_given;
    load_name protease;
    ecm_entry *maps[ECM_MAPS];
    int nmap[ECM_MAPS], map_cap[ECM_MAPS], cur[ECM_MAPS];
    ecm_region_extra *regions;
    int region_cap, regions_cap, cur_region;
};

static struct load_ecm_walk *ecm_walk(loader *ld) {
    if (!ld->ecm) {
        ld->ecm = calloc(1, sizeof *ld->ecm);
        if (!ld->ecm) ld->nomem = 1;
    }
    return ld->ecm;
}

void load_ecm_free(loader *ld) {
    if (!ld->ecm) return;
    for (int k = 0; k < ECM_MAPS; k++) free(ld->ecm->maps[k]);
    free(ld->ecm->regions);
    free(ld->ecm);
    ld->ecm = NULL;
}

static int is_ecm(int id) { return id >= STROMA_KEY_ECM && id <= STROMA_KEY_ECM_EVERY; }

void load_ecm_store(loader *ld, int id, const load_value *v) {
    if (!is_ecm(id)) return;
    stroma_ecm_desc *e = &ld->m->ecm;
    struct load_ecm_walk *w = ecm_walk(ld);
    if (!w) return;
    stroma_ecm_region_desc *r = e->regions ? &e->regions[w->cur_region] : NULL;
    ecm_region_extra *x = w->regions ? &w->regions[w->cur_region] : NULL;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_ECM_INITIAL:
        e->initial = v->num;
        w->initial_at = v->loc;
        break;
    case STROMA_KEY_ECM_MAX_DENSITY: e->max_density = v->num; break;
    case STROMA_KEY_ECM_REGION_DENSITY:
        r->density = v->num;
        x->density_at = v->loc;
        x->density_ok = 1;
        break;
    case STROMA_KEY_ECM_REGION_BOX_LO: memcpy(r->region.lo_um, v->vec, sizeof r->region.lo_um); break;
    case STROMA_KEY_ECM_REGION_BOX_HI:
        memcpy(r->region.hi_um, v->vec, sizeof r->region.hi_um);
        x->hi_at = v->loc;
        break;
    case STROMA_KEY_ECM_REGION_DISC_CENTER:
    case STROMA_KEY_ECM_REGION_ANNULUS_CENTER:
    case STROMA_KEY_ECM_REGION_SPHERE_CENTER:
        memcpy(r->region.center_um, v->vec, sizeof r->region.center_um);
        x->center_at = v->loc;
        x->center_ok = 1;
        break;
    case STROMA_KEY_ECM_REGION_DISC_RADIUS:
    case STROMA_KEY_ECM_REGION_SPHERE_RADIUS: r->region.radius_um = v->num; break;
    case STROMA_KEY_ECM_REGION_ANNULUS_INNER: r->region.inner_radius_um = v->num; break;
    case STROMA_KEY_ECM_REGION_ANNULUS_OUTER:
        r->region.radius_um = v->num;
        x->outer_at = v->loc;
        x->outer_ok = 1;
        break;
    case STROMA_KEY_ECM_DEPOSITION_TYPE:
    case STROMA_KEY_ECM_MIGRATION_TYPE:
    case STROMA_KEY_ECM_HINDRANCE_SUBSTRATE: {
        int k = id == STROMA_KEY_ECM_DEPOSITION_TYPE ? ECM_MAP_DEPOSITION
                : id == STROMA_KEY_ECM_MIGRATION_TYPE ? ECM_MAP_MIGRATION
                                                      : ECM_MAP_HINDRANCE;
        w->maps[k][w->cur[k]].value = v->num;
        w->maps[k][w->cur[k]].value_ok = 1;
        break;
    }
    case STROMA_KEY_ECM_DEGRADATION_SUBSTRATE:
        snprintf(w->protease.name, sizeof w->protease.name, "%s", v->str);
        w->protease.ok = 1;
        w->protease.loc = v->loc;
        break;
    case STROMA_KEY_ECM_DEGRADATION_RATE: e->degradation_per_min = v->num; break;
    case STROMA_KEY_ECM_DEGRADATION_HALF_MAX: e->degradation_half = v->num; break;
    case STROMA_KEY_ECM_EVERY:
        e->every_min = v->num;
        w->every_at = v->loc;
        break;
    default: break; /* containers */
    }
}

int load_ecm_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at) {
    (void)path;
    if (id != STROMA_KEY_ECM_REGION && id != STROMA_KEY_ECM_DEPOSITION_TYPE && id != STROMA_KEY_ECM_MIGRATION_TYPE &&
        id != STROMA_KEY_ECM_HINDRANCE_SUBSTRATE)
        return 0;
    stroma_ecm_desc *e = &ld->m->ecm;
    struct load_ecm_walk *w = ecm_walk(ld);
    if (!w) return -1;
    if (id == STROMA_KEY_ECM_REGION) {
        if (load_grow((void **)&e->regions, &w->region_cap, e->nregions + 1, sizeof *e->regions) ||
            load_grow((void **)&w->regions, &w->regions_cap, e->nregions + 1, sizeof *w->regions))
            return -1;
        memset(&e->regions[e->nregions], 0, sizeof e->regions[0]);
        memset(&w->regions[e->nregions], 0, sizeof w->regions[0]);
        e->regions[e->nregions].loc = at;
        w->regions[e->nregions].at = at;
        w->cur_region = e->nregions++;
        return 0;
    }
    int k = id == STROMA_KEY_ECM_DEPOSITION_TYPE ? ECM_MAP_DEPOSITION
            : id == STROMA_KEY_ECM_MIGRATION_TYPE ? ECM_MAP_MIGRATION
                                                  : ECM_MAP_HINDRANCE;
    if (load_grow((void **)&w->maps[k], &w->map_cap[k], w->nmap[k] + 1, sizeof *w->maps[k])) return -1;
    ecm_entry *en = &w->maps[k][w->nmap[k]];
    memset(en, 0, sizeof *en);
    snprintf(en->name.name, sizeof en->name.name, "%s", name);
    en->name.ok = 1;
    en->name.loc = at;
    w->cur[k] = w->nmap[k]++;
    return 0;
}

int load_ecm_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                      const stroma_yaml_node *const *vals, const int *valid, int ok) {
    (void)vals;
    if (!is_ecm(id)) return ok;
    stroma_ecm_desc *e = &ld->m->ecm;
    struct load_ecm_walk *w = ecm_walk(ld);
    if (!w) return 0;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_ECM:
        e->present = 1;
        e->loc = at;
        w->ecm_at = at;
        w->every_given = keys[STROMA_KEY_ECM_EVERY] != NULL;
        break;
    case STROMA_KEY_ECM_REGION: {
        ecm_region_extra *x = &w->regions[w->cur_region];
        stroma_region *r = &e->regions[w->cur_region].region;
        x->shapes = (keys[STROMA_KEY_ECM_REGION_BOX] != NULL) + (keys[STROMA_KEY_ECM_REGION_DISC] != NULL) +
                    (keys[STROMA_KEY_ECM_REGION_ANNULUS] != NULL) + (keys[STROMA_KEY_ECM_REGION_SPHERE] != NULL);
        if (x->shapes != 1) {
            load_error(ld, STROMA_ERR_MISSING, at, "%s: give exactly one of box, disc, annulus, sphere (got %d)", path,
                       x->shapes);
            return 0;
        }
        if (keys[STROMA_KEY_ECM_REGION_BOX]) r->kind = STROMA_REGION_BOX;
        if (keys[STROMA_KEY_ECM_REGION_DISC]) r->kind = STROMA_REGION_DISC;
        if (keys[STROMA_KEY_ECM_REGION_ANNULUS]) r->kind = STROMA_REGION_ANNULUS;
        if (keys[STROMA_KEY_ECM_REGION_SPHERE]) r->kind = STROMA_REGION_SPHERE;
        break;
    }
    case STROMA_KEY_ECM_REGION_BOX: {
        ecm_region_extra *x = &w->regions[w->cur_region];
        x->box_ok = ok && valid[STROMA_KEY_ECM_REGION_BOX_LO] && valid[STROMA_KEY_ECM_REGION_BOX_HI];
        const stroma_region *r = &ld->m->ecm.regions[w->cur_region].region;
        for (int a = 0; x->box_ok && a < 3; a++)
            if (!(r->hi_um[a] > r->lo_um[a])) {
                load_error(ld, STROMA_ERR_RANGE, x->hi_at, "%s.hi must be above lo on every axis (axis %c: %g <= %g) "
                           "[µm]", path, "xyz"[a], r->hi_um[a], r->lo_um[a]);
                x->box_ok = 0;
                return 0;
            }
        break;
    }
    case STROMA_KEY_ECM_REGION_ANNULUS: {
        ecm_region_extra *x = &w->regions[w->cur_region];
        const stroma_region *r = &ld->m->ecm.regions[w->cur_region].region;
        if (x->outer_ok && valid[STROMA_KEY_ECM_REGION_ANNULUS_INNER] && !(r->radius_um > r->inner_radius_um)) {
            load_error(ld, STROMA_ERR_RANGE, x->outer_at, "%s.outer (%g) must be above inner (%g) [µm]", path,
                       r->radius_um, r->inner_radius_um);
            return 0;
        }
        break;
    }
    default: break;
    }
    return ok;
}

/* ---- checks after the walk ---- */

static void ecm_check_density(loader *ld, double density, const char *path, stroma_srcloc at) {
    const stroma_ecm_desc *e = &ld->m->ecm;
    if (density > e->max_density)
        load_error(ld, STROMA_ERR_RANGE, at, "%s %g is more than ecm.max_density %g [mg/mL]", path, density,
                   e->max_density);
}

/* A map keyed by names of cell types (is_type) or substrates into out[n] (allocated here, zeros elsewhere). */
static void ecm_resolve_map(loader *ld, const load_names *nl, int k, int is_type, int n, double **out,
                           const char *path) {
    struct load_ecm_walk *w = ld->ecm;
    *out = calloc((size_t)(n > 0 ? n : 1), sizeof **out);
    if (!*out) {
        ld->nomem = 1;
        return;
    }
    for (int i = 0; i < w->nmap[k]; i++) {
        const ecm_entry *en = &w->maps[k][i];
        int idx = load_resolve(ld, nl, is_type, &en->name, path);
        if (idx >= 0 && en->value_ok) (*out)[idx] = en->value;
    }
}

void load_check_ecm(loader *ld, const load_names *nl, int grid) {
    stroma_model *m = ld->m;
    stroma_ecm_desc *e = &m->ecm;
    if (!e->present) {
        memset(e, 0, sizeof *e);
        e->protease = -1;
        return;
    }
    e->protease = -1;
    struct load_ecm_walk *w = ecm_walk(ld);
    if (!w) return;
    ecm_resolve_map(ld, nl, ECM_MAP_DEPOSITION, 1, m->ntypes, &e->deposition, "ecm.deposition");
    ecm_resolve_map(ld, nl, ECM_MAP_MIGRATION, 1, m->ntypes, &e->migration, "ecm.migration");
    ecm_resolve_map(ld, nl, ECM_MAP_HINDRANCE, 0, m->nsub, &e->hindrance, "ecm.hindrance");
    if (w->protease.ok) e->protease = load_resolve(ld, nl, 0, &w->protease, "ecm.degradation.substrate");
    /* the matrix field is written as fields/ECM_<t>.csv and the .vti array ECM: a substrate of that name would
     * collide with it */
    for (int s = 0; s < m->nsub; s++)
        if (strcmp(m->substrates[s].name, "ECM") == 0)
            load_error(ld, STROMA_ERR_RANGE, m->substrates[s].loc,
                       "substrates.ECM: this name is the matrix field's in a model with an ecm section (its "
                       "outputs would collide); rename the substrate");
    ecm_check_density(ld, e->initial, "ecm.initial", w->initial_at);
    for (int i = 0; i < e->nregions; i++) {
        const ecm_region_extra *x = &w->regions[i];
        const stroma_region *r = &e->regions[i].region;
        char path[64];
        snprintf(path, sizeof path, "ecm.regions[%d].density", i);
        if (x->density_ok) ecm_check_density(ld, e->regions[i].density, path, x->density_at);
        if (grid && x->center_ok && !load_inside(m, r->center_um))
            load_error(ld, STROMA_ERR_RANGE, x->center_at,
                       "ecm.regions[%d]: center (%g, %g, %g) lies outside the domain [%g, %g] x [%g, %g] x [%g, %g] "
                       "[µm]",
                       i, r->center_um[0], r->center_um[1], r->center_um[2], m->lo_um[0], m->hi_um[0], m->lo_um[1],
                       m->hi_um[1], m->lo_um[2], m->hi_um[2]);
    }
    /* the update interval: given, or time.dt_phenotype; a whole multiple of dt_diffusion */
    if (!w->every_given) e->every_min = ld->dt_ok[2] ? m->dt_phenotype_min : 0;
    if (ld->dt_ok[0] && e->every_min > 0) {
        double r = e->every_min / m->dt_diffusion_min, n = floor(r + 0.5);
        if (n < 1 || fabs(r - n) > ECM_MULTIPLE_TOL * r)
            load_error(ld, STROMA_ERR_RANGE, w->every_given ? w->every_at : w->ecm_at,
                       "ecm.every (%s%g) must be a whole multiple of time.dt_diffusion %g [min]",
                       w->every_given ? "" : "the default, time.dt_phenotype, ", e->every_min, m->dt_diffusion_min);
    }
}
