/* Loading of the `vesicles:` section. The walk (load.c) stores its values through load_vesicles_store /
 * load_vesicles_item / load_vesicles_map_done; right after the walk, load_vesicles_append appends one substrate
 * per class (its field, particles/mL) so that every name resolved later (vessels.permeability, body.systemic,
 * rules, outputs) finds the classes; load_check_vesicles then resolves cargo, release and uptake names. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/schema.h"
#include "util/error_impl.h"

double stroma_vesicle_stokes_einstein(double diameter_nm) {
    if (!(diameter_nm > 0)) return 0.0;
    /* m²/s -> µm²/min: x 1e12 x 60 */
    double d_m = diameter_nm * 1e-9;
    const double pi = 3.14159265358979323846;
    double D = STROMA_BOLTZMANN_J_PER_K * STROMA_BODY_TEMPERATURE_K / (3.0 * pi * STROMA_WATER_VISCOSITY_37C_PA_S * d_m);
    return D * 1e12 * 60.0;
}

int stroma_vesicle_class_of(const stroma_model *m, int s) {
    const stroma_vesicles_desc *v = &m->vesicles;
    if (!v->present || s < v->first_substrate || s >= v->first_substrate + v->nclasses) return -1;
    int k = s - v->first_substrate;
    return v->classes[k].substrate == s ? k : -1;
}

/* What an entry of a class's cargo, release or uptake map names. */
enum { VES_CARGO, VES_RELEASE, VES_UPTAKE };

typedef struct ves_entry {
    int owner;        /* class */
    int kind;         /* VES_* */
    load_name name;   /* state variable or cell type, as written */
    double value;     /* cargo, release, uptake rate */
    double half_max;  /* uptake */
    int value_ok;
} ves_entry;

/* What a class's field needs besides the description: its initial value and faces, as written. */
typedef struct ves_class {
    double initial;
    double face[STROMA_FACE_COUNT];
    unsigned char face_given[STROMA_FACE_COUNT];
    int diameter_ok;
} ves_class;

struct load_vesicles_walk {
    ves_class *cls;      /* parallel to m->vesicles.classes */
    int cls_cap, classes_cap, cur;
    ves_entry *entries;
    int nentries, entries_cap, cur_entry;
};

static struct load_vesicles_walk *ves_walk(loader *ld) {
    if (!ld->vesicles) {
        ld->vesicles = calloc(1, sizeof *ld->vesicles);
        if (!ld->vesicles) ld->nomem = 1;
    }
    return ld->vesicles;
}

void load_vesicles_free(loader *ld) {
    if (!ld->vesicles) return;
    free(ld->vesicles->cls);
    free(ld->vesicles->entries);
    free(ld->vesicles);
    ld->vesicles = NULL;
}

static int ves_row(int id) { return id >= STROMA_KEY_VESICLES && id <= STROMA_KEY_VESICLE_UPTAKE_HALF_MAX; }

void load_vesicles_store(loader *ld, int id, const load_value *v) {
    if (!ves_row(id)) return;
    struct load_vesicles_walk *w = ves_walk(ld);
    stroma_vesicles_desc *vd = &ld->m->vesicles;
    if (!w || !vd->classes) return;
    stroma_vesicle_class_desc *c = &vd->classes[w->cur];
    ves_class *x = &w->cls[w->cur];
    switch ((stroma_key_id)id) {
    case STROMA_KEY_VESICLE_DIAMETER:
        c->diameter_nm = v->num;
        x->diameter_ok = 1;
        break;
    case STROMA_KEY_VESICLE_DIFFUSION:
        c->diffusion_um2_per_min = v->num;
        c->diffusion_given = 1;
        break;
    case STROMA_KEY_VESICLE_TISSUE_FACTOR: c->tissue_factor = v->num; break;
    case STROMA_KEY_VESICLE_DECAY: c->decay_per_min = v->num; break;
    case STROMA_KEY_VESICLE_INITIAL: x->initial = v->num; break;
    case STROMA_KEY_VESICLE_BOUNDARY_X_MIN:
    case STROMA_KEY_VESICLE_BOUNDARY_X_MAX:
    case STROMA_KEY_VESICLE_BOUNDARY_Y_MIN:
    case STROMA_KEY_VESICLE_BOUNDARY_Y_MAX:
    case STROMA_KEY_VESICLE_BOUNDARY_Z_MIN:
    case STROMA_KEY_VESICLE_BOUNDARY_Z_MAX: {
        int f = id - STROMA_KEY_VESICLE_BOUNDARY_X_MIN;
        x->face[f] = v->num;
        x->face_given[f] = 1;
        break;
    }
    case STROMA_KEY_VESICLE_CARGO_VARIABLE:
    case STROMA_KEY_VESICLE_RELEASE_TYPE:
    case STROMA_KEY_VESICLE_UPTAKE_RATE:
        w->entries[w->cur_entry].value = v->num;
        if (id != STROMA_KEY_VESICLE_UPTAKE_RATE) w->entries[w->cur_entry].value_ok = 1;
        break;
    case STROMA_KEY_VESICLE_UPTAKE_HALF_MAX: w->entries[w->cur_entry].half_max = v->num; break;
    default: break; /* containers */
    }
}

int load_vesicles_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at) {
    (void)path;
    if (id != STROMA_KEY_VESICLE && id != STROMA_KEY_VESICLE_CARGO_VARIABLE && id != STROMA_KEY_VESICLE_RELEASE_TYPE &&
        id != STROMA_KEY_VESICLE_UPTAKE_TYPE)
        return 0;
    struct load_vesicles_walk *w = ves_walk(ld);
    if (!w) return -1;
    stroma_vesicles_desc *vd = &ld->m->vesicles;
    if (id == STROMA_KEY_VESICLE) {
        if (load_grow((void **)&vd->classes, &w->classes_cap, vd->nclasses + 1, sizeof *vd->classes) ||
            load_grow((void **)&w->cls, &w->cls_cap, vd->nclasses + 1, sizeof *w->cls))
            return -1;
        stroma_vesicle_class_desc *c = &vd->classes[vd->nclasses];
        memset(c, 0, sizeof *c);
        memset(&w->cls[vd->nclasses], 0, sizeof w->cls[0]);
        snprintf(c->name, sizeof c->name, "%s", name);
        c->substrate = -1;
        c->loc = at;
        if (!vd->present) vd->loc = at;
        vd->present = 1;
        w->cur = vd->nclasses++;
        return 0;
    }
    if (load_grow((void **)&w->entries, &w->entries_cap, w->nentries + 1, sizeof *w->entries)) return -1;
    ves_entry *e = &w->entries[w->nentries];
    memset(e, 0, sizeof *e);
    e->owner = w->cur;
    e->kind = id == STROMA_KEY_VESICLE_CARGO_VARIABLE ? VES_CARGO
              : id == STROMA_KEY_VESICLE_RELEASE_TYPE ? VES_RELEASE
                                                      : VES_UPTAKE;
    snprintf(e->name.name, sizeof e->name.name, "%s", name);
    e->name.ok = 1;
    e->name.loc = at;
    w->cur_entry = w->nentries++;
    return 0;
}

int load_vesicles_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                           const int *valid, int ok) {
    if (!ves_row(id)) return ok;
    struct load_vesicles_walk *w = ves_walk(ld);
    if (!w) return 0;
    if (id == STROMA_KEY_VESICLE_UPTAKE_TYPE) {
        w->entries[w->cur_entry].value_ok = valid[STROMA_KEY_VESICLE_UPTAKE_RATE] &&
                                            valid[STROMA_KEY_VESICLE_UPTAKE_HALF_MAX];
    } else if (id == STROMA_KEY_VESICLE && keys[STROMA_KEY_VESICLE_DIFFUSION] &&
               keys[STROMA_KEY_VESICLE_TISSUE_FACTOR]) {
        const stroma_yaml_node *k = keys[STROMA_KEY_VESICLE_TISSUE_FACTOR];
        load_error(ld, STROMA_ERR_RANGE, (stroma_srcloc){k->line, k->column},
                   "%s.tissue_factor scales the Stokes-Einstein default of diffusion, but %s.diffusion is given: "
                   "remove one of them",
                   path, path);
        ok = 0;
    }
    (void)at;
    return ok;
}

void load_vesicles_append(loader *ld) {
    stroma_model *m = ld->m;
    stroma_vesicles_desc *vd = &m->vesicles;
    vd->first_substrate = m->nsub;
    if (!vd->present || !ld->vesicles) return;
    const struct load_vesicles_walk *w = ld->vesicles;
    const int declared = m->nsub;
    for (int k = 0; k < vd->nclasses; k++) {
        stroma_vesicle_class_desc *c = &vd->classes[k];
        const ves_class *x = &w->cls[k];
        if (!c->diffusion_given)
            c->diffusion_um2_per_min = c->tissue_factor * stroma_vesicle_stokes_einstein(c->diameter_nm);
        int clash = -1;
        for (int s = 0; s < declared && clash < 0; s++)
            if (strcmp(m->substrates[s].name, c->name) == 0) clash = s;
        if (clash >= 0) {
            load_error(ld, STROMA_ERR_RANGE, c->loc,
                       "vesicles.%s: a substrate is called %s too (substrates.%s, line %d): a vesicle class is a "
                       "field of that name; rename one of them",
                       c->name, c->name, c->name, m->substrates[clash].loc.line);
            continue;
        }
        if (load_grow((void **)&m->substrates, &ld->sub_cap, m->nsub + 1, sizeof *m->substrates)) {
            ld->nomem = 1;
            return;
        }
        stroma_substrate_desc *d = &m->substrates[m->nsub];
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", c->name);
        snprintf(d->unit, sizeof d->unit, "particles/mL");
        d->diffusion_um2_per_min = c->diffusion_um2_per_min;
        d->decay_per_min = c->decay_per_min;
        d->initial = x->initial;
        for (int f = 0; f < STROMA_FACE_COUNT; f++) {
            d->face_dirichlet[f] = x->face_given[f];
            d->face_value[f] = x->face[f];
        }
        d->loc = c->loc;
        c->substrate = m->nsub++;
    }
    /* a class that clashed has no field: keep the fields consecutive in class order (the load fails anyway) */
}

/* The path of an entry's map, "vesicles.CAF_exosome.cargo". */
static void ves_path(const stroma_model *m, const ves_entry *e, char *buf, size_t cap) {
    static const char *const what[3] = {"cargo", "release", "uptake"};
    snprintf(buf, cap, "vesicles.%s.%s", m->vesicles.classes[e->owner].name, what[e->kind]);
}

void load_check_vesicles(loader *ld, const load_names *nl) {
    stroma_model *m = ld->m;
    stroma_vesicles_desc *vd = &m->vesicles;
    if (!vd->present) {
        memset(vd, 0, sizeof *vd);
        vd->first_substrate = m->nsub;
        return;
    }
    const struct load_vesicles_walk *w = ves_walk(ld);
    if (!w) return;
    size_t ns = (size_t)(m->nstate > 0 ? m->nstate : 1), nt = (size_t)(m->ntypes > 0 ? m->ntypes : 1);
    for (int k = 0; k < vd->nclasses; k++) {
        stroma_vesicle_class_desc *c = &vd->classes[k];
        c->cargo = calloc(ns, sizeof *c->cargo);
        c->release = calloc(nt, sizeof *c->release);
        c->uptake_rate = calloc(nt, sizeof *c->uptake_rate);
        c->uptake_half_max = malloc(nt * sizeof *c->uptake_half_max);
        if (!c->cargo || !c->release || !c->uptake_rate || !c->uptake_half_max) {
            ld->nomem = 1;
            return;
        }
        for (size_t t = 0; t < nt; t++) c->uptake_half_max[t] = 1.0; /* no uptake: any K > 0 */
    }
    const char **vars = malloc(ns * sizeof *vars);
    if (!vars) {
        ld->nomem = 1;
        return;
    }
    for (int v = 0; v < m->nstate; v++) vars[v] = m->state_vars[v].name;
    char path[160], msg[768];
    for (int i = 0; i < w->nentries; i++) {
        const ves_entry *e = &w->entries[i];
        stroma_vesicle_class_desc *c = &vd->classes[e->owner];
        ves_path(m, e, path, sizeof path);
        if (e->kind == VES_CARGO) {
            int v = load_lookup(e->name.name, vars, NULL, m->nstate, "state variable", "state variables", msg,
                                sizeof msg);
            if (v < 0) {
                if (m->nstate == 0)
                    load_error(ld, STROMA_ERR_UNKNOWN_KEY, e->name.loc,
                               "%s: no state variable named '%s': cargo goes into a cell's state variables, and the "
                               "model declares none (add it under state_variables)",
                               path, e->name.name);
                else
                    load_error(ld, STROMA_ERR_UNKNOWN_KEY, e->name.loc, "%s: %s (cargo goes into a cell's state "
                               "variables: declare it under state_variables)", path, msg);
                continue;
            }
            if (e->value_ok) c->cargo[v] = e->value;
            continue;
        }
        int t = load_resolve(ld, nl, 1, &e->name, path);
        if (t < 0 || !e->value_ok) continue;
        if (e->kind == VES_RELEASE) {
            c->release[t] = e->value;
        } else {
            c->uptake_rate[t] = e->value;
            c->uptake_half_max[t] = e->half_max;
        }
    }
    free(vars);
    /* a class no cell type releases: legal (a bath, a boundary, rules may raise the release), but worth saying */
    for (int k = 0; k < vd->nclasses; k++) {
        const stroma_vesicle_class_desc *c = &vd->classes[k];
        int any = 0;
        for (int t = 0; t < m->ntypes; t++) any |= c->release[t] > 0;
        if (!any)
            load_warning(ld, c->loc,
                         "vesicles.%s: no cell type releases this class (vesicles.%s.release is absent or 0 for "
                         "every type); only its initial value, boundaries, blood and rules on '%s release' can "
                         "bring vesicles into the tissue",
                         c->name, c->name, c->name);
    }
    /* vesicles are not a cytokine: no secretion-style exchange, no point sources */
    for (int i = 0; i < ld->nsecs; i++) {
        const load_secretion *s = &ld->secs[i];
        for (int k = 0; k < vd->nclasses; k++)
            if (strcmp(s->substrate.name, vd->classes[k].name) == 0)
                load_error(ld, STROMA_ERR_RANGE, s->substrate.loc,
                           "%s.%s: %s is a vesicle class: cells release it through vesicles.%s.release and take it "
                           "up through vesicles.%s.uptake, not secretion",
                           s->path, s->substrate.name, s->substrate.name, s->substrate.name, s->substrate.name);
    }
    for (int i = 0; i < m->nsources; i++) {
        int k = m->sources[i].substrate >= 0 ? stroma_vesicle_class_of(m, m->sources[i].substrate) : -1;
        if (k >= 0)
            load_error(ld, STROMA_ERR_RANGE, ld->src_extra[i].substrate_loc,
                       "%s.substrate: %s is a vesicle class: cells release it (vesicles.%s.release), sources do not",
                       ld->src_extra[i].place.path, vd->classes[k].name, vd->classes[k].name);
    }
}
