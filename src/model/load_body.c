/* Loading of the body: the `vessels:` and `body:` sections. The walk (load.c) stores their values through
 * load_body_store / load_body_item / load_body_map_done; after it, load_check_body resolves the substrate names,
 * checks which substrates cross the vessel wall and have a plasma value, places, densities and time steps, and
 * reads the vessel file (CSV x,y,z,density). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/schema.h"
#include "util/error_impl.h"

/* Relative tolerance of "a whole multiple of time.dt_diffusion" (as for the time steps in load.c). */
#define BODY_MULTIPLE_TOL 1e-9

/* Where a listed segment's values are written, for the checks after the walk. */
typedef struct body_segment {
    stroma_srcloc from_at, to_at, density_at;
    int from_ok, to_ok, density_ok;
} body_segment;

/* An entry of vessels.permeability: the substrate as written, and its value. */
typedef struct body_permeability {
    load_name substrate;
    int sub;      /* resolved index, -1 if not */
    double value;
    int value_ok;
} body_permeability;

struct load_body_walk {
    stroma_srcloc vessels_at, body_at;        /* the section keys */
    stroma_srcloc uniform_at, random_density_at, regress_rate_at, every_at, body_dt_at;
    int random_ok;                            /* vessels.initial.random given and valid */
    int angio_given;                          /* vessels.angiogenesis given */
    int every_given;
    int body_dt_given;
    load_name angio, oxygen;                  /* substrates named */
    char file[512];                           /* vessels.initial.file as written */
    int file_ok;
    stroma_srcloc file_at;
    body_segment *segs;                       /* parallel to m->vessels.segments */
    int seg_cap, segs_cap, cur_seg;
    body_permeability *perms;
    int nperms, perms_cap, cur_perm;
    load_name *systemic;                      /* parallel to m->body.systemic: the names as written */
    int sys_cap, systemic_cap, cur_sys;
};

/* The walk's state, allocated on first use; NULL (and ld->nomem) when out of memory. */
static struct load_body_walk *body_walk(loader *ld) {
    if (!ld->body) {
        ld->body = calloc(1, sizeof *ld->body);
        if (!ld->body) ld->nomem = 1;
    }
    return ld->body;
}

void load_body_free(loader *ld) {
    if (!ld->body) return;
    free(ld->body->segs);
    free(ld->body->perms);
    free(ld->body->systemic);
    free(ld->body);
    ld->body = NULL;
}

static void body_name_set(load_name *n, const char *name, stroma_srcloc at) {
    snprintf(n->name, sizeof n->name, "%s", name);
    n->ok = 1;
    n->loc = at;
}

void load_body_store(loader *ld, int id, const load_value *v) {
    if (id < STROMA_KEY_VESSELS || id > STROMA_KEY_SYSTEMIC_DRAINAGE) return;
    stroma_vessels_desc *vs = &ld->m->vessels;
    stroma_body_desc *b = &ld->m->body;
    struct load_body_walk *w = body_walk(ld);
    if (!w) return;
    stroma_vessel_segment_desc *seg = vs->segments ? &vs->segments[w->cur_seg] : NULL;
    stroma_systemic_desc *sys = b->systemic ? &b->systemic[w->cur_sys] : NULL;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_VESSELS_CAPILLARY_RADIUS: vs->capillary_radius_um = v->num; break;
    case STROMA_KEY_VESSELS_MAX_DENSITY: vs->max_density = v->num; break;
    case STROMA_KEY_VESSELS_UNIFORM:
        vs->uniform_density = v->num;
        w->uniform_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_RANDOM_FRACTION: vs->random_fraction = v->num; break;
    case STROMA_KEY_VESSELS_RANDOM_DENSITY:
        vs->random_density = v->num;
        w->random_density_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_SEGMENT_FROM:
        memcpy(seg->from_um, v->vec, sizeof seg->from_um);
        w->segs[w->cur_seg].from_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_SEGMENT_TO:
        memcpy(seg->to_um, v->vec, sizeof seg->to_um);
        w->segs[w->cur_seg].to_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_SEGMENT_RADIUS: seg->radius_um = v->num; break;
    case STROMA_KEY_VESSELS_SEGMENT_DENSITY:
        seg->density = v->num;
        w->segs[w->cur_seg].density_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_FILE:
        snprintf(w->file, sizeof w->file, "%s", v->str);
        w->file_ok = 1;
        w->file_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_ANGIO_SUBSTRATE: body_name_set(&w->angio, v->str, v->loc); break;
    case STROMA_KEY_VESSELS_ANGIO_RATE: vs->angio_rate_per_min = v->num; break;
    case STROMA_KEY_VESSELS_ANGIO_HALF_MAX: vs->angio_half_max = v->num; break;
    case STROMA_KEY_VESSELS_ANGIO_HILL: vs->angio_hill = v->num; break;
    case STROMA_KEY_VESSELS_REGRESS_RATE:
        vs->regress_rate_per_min = v->num;
        w->regress_rate_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_REGRESS_SURVIVAL_HALF_MAX: vs->survival_half_max = v->num; break;
    case STROMA_KEY_VESSELS_REGRESS_HILL: vs->survival_hill = v->num; break;
    case STROMA_KEY_VESSELS_REGRESS_PRESSURE_RATE: vs->pressure_rate_per_min = v->num; break;
    case STROMA_KEY_VESSELS_REGRESS_PRESSURE_HALF_MAX: vs->pressure_half_max = v->num; break;
    case STROMA_KEY_VESSELS_REGRESS_PRESSURE_HILL: vs->pressure_hill = v->num; break;
    case STROMA_KEY_VESSELS_EVERY:
        vs->every_min = v->num;
        w->every_at = v->loc;
        break;
    case STROMA_KEY_VESSELS_OXYGEN_SUBSTRATE: body_name_set(&w->oxygen, v->str, v->loc); break;
    case STROMA_KEY_VESSELS_OXYGEN_BLOOD: vs->blood_oxygen = v->num; break;
    case STROMA_KEY_VESSELS_PERMEABILITY_SUBSTRATE:
        w->perms[w->cur_perm].value = v->num;
        w->perms[w->cur_perm].value_ok = 1;
        break;
    case STROMA_KEY_BODY_PLASMA_VOLUME: b->plasma_volume_ml = v->num; break;
    case STROMA_KEY_BODY_TUMOUR_VOLUME: b->tumour_volume_ml = v->num; break;
    case STROMA_KEY_BODY_DT:
        b->dt_min = v->num;
        w->body_dt_at = v->loc;
        break;
    case STROMA_KEY_SYSTEMIC_UNIT: snprintf(sys->unit, sizeof sys->unit, "%s", v->str); break;
    case STROMA_KEY_SYSTEMIC_CONVERSION: sys->conversion = v->num; break;
    case STROMA_KEY_SYSTEMIC_HALF_LIFE: sys->half_life_min = v->num; break;
    case STROMA_KEY_SYSTEMIC_BASELINE: sys->baseline = v->num; break;
    case STROMA_KEY_SYSTEMIC_DRAINAGE: sys->drainage_per_min = v->num; break;
    default: break; /* containers: nothing to store */
    }
}

int load_body_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at) {
    (void)path;
    if (id != STROMA_KEY_VESSELS_SEGMENT && id != STROMA_KEY_VESSELS_PERMEABILITY_SUBSTRATE &&
        id != STROMA_KEY_SYSTEMIC)
        return 0;
    stroma_model *m = ld->m;
    struct load_body_walk *w = body_walk(ld);
    if (!w) return -1;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_VESSELS_SEGMENT: {
        stroma_vessels_desc *vs = &m->vessels;
        if (load_grow((void **)&vs->segments, &w->seg_cap, vs->nsegments + 1, sizeof *vs->segments) ||
            load_grow((void **)&w->segs, &w->segs_cap, vs->nsegments + 1, sizeof *w->segs))
            return -1;
        memset(&vs->segments[vs->nsegments], 0, sizeof vs->segments[0]);
        memset(&w->segs[vs->nsegments], 0, sizeof w->segs[0]);
        vs->segments[vs->nsegments].loc = at;
        w->cur_seg = vs->nsegments++;
        return 0;
    }
    case STROMA_KEY_VESSELS_PERMEABILITY_SUBSTRATE: {
        if (load_grow((void **)&w->perms, &w->perms_cap, w->nperms + 1, sizeof *w->perms)) return -1;
        body_permeability *p = &w->perms[w->nperms];
        memset(p, 0, sizeof *p);
        body_name_set(&p->substrate, name, at);
        p->sub = -1;
        w->cur_perm = w->nperms++;
        return 0;
    }
    case STROMA_KEY_SYSTEMIC: {
        stroma_body_desc *b = &m->body;
        if (load_grow((void **)&b->systemic, &w->sys_cap, b->nsystemic + 1, sizeof *b->systemic) ||
            load_grow((void **)&w->systemic, &w->systemic_cap, b->nsystemic + 1, sizeof *w->systemic))
            return -1;
        stroma_systemic_desc *d = &b->systemic[b->nsystemic];
        memset(d, 0, sizeof *d);
        d->substrate = -1;
        d->loc = at;
        body_name_set(&w->systemic[b->nsystemic], name, at);
        w->cur_sys = b->nsystemic++;
        return 0;
    }
    default: return 0;
    }
}

int load_body_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                       const stroma_yaml_node *const *vals, const int *valid, int ok) {
    (void)path;
    (void)vals;
    if (id < STROMA_KEY_VESSELS || id > STROMA_KEY_SYSTEMIC_DRAINAGE) return ok;
    stroma_model *m = ld->m;
    struct load_body_walk *w = body_walk(ld);
    if (!w) return 0;
    switch ((stroma_key_id)id) {
    case STROMA_KEY_VESSELS:
        m->vessels.present = 1;
        m->vessels.loc = at;
        w->vessels_at = at;
        w->every_given = keys[STROMA_KEY_VESSELS_EVERY] != NULL;
        break;
    case STROMA_KEY_VESSELS_RANDOM: w->random_ok = ok; break;
    case STROMA_KEY_VESSELS_ANGIOGENESIS: w->angio_given = 1; break;
    case STROMA_KEY_VESSELS_SEGMENT: {
        stroma_vessel_segment_desc *seg = &m->vessels.segments[w->cur_seg];
        body_segment *x = &w->segs[w->cur_seg];
        x->from_ok = valid[STROMA_KEY_VESSELS_SEGMENT_FROM];
        x->density_ok = valid[STROMA_KEY_VESSELS_SEGMENT_DENSITY];
        if (keys[STROMA_KEY_VESSELS_SEGMENT_TO]) {
            x->to_ok = valid[STROMA_KEY_VESSELS_SEGMENT_TO];
        } else if (x->from_ok) { /* a single point */
            memcpy(seg->to_um, seg->from_um, sizeof seg->to_um);
            x->to_at = x->from_at;
        }
        break;
    }
    case STROMA_KEY_BODY:
        m->body.present = 1;
        m->body.loc = at;
        w->body_at = at;
        w->body_dt_given = keys[STROMA_KEY_BODY_DT] != NULL;
        break;
    default: break;
    }
    return ok;
}

/* ---- checks after the walk ---- */

/* `value` (of key `name`, written at `at`; given = 0: the default `what`) must be a whole multiple of
 * time.dt_diffusion. */
static void body_check_multiple(loader *ld, const char *name, double value, int given, const char *what,
                                stroma_srcloc at) {
    double dt = ld->m->dt_diffusion_min, r = value / dt, n = floor(r + 0.5);
    if (n >= 1 && fabs(n * dt - value) <= BODY_MULTIPLE_TOL * value) return;
    double nearest = (n >= 1 ? n : 1) * dt;
    if (given)
        load_error(ld, STROMA_ERR_RANGE, at,
                   "%s %.10g is not a whole multiple of time.dt_diffusion %.10g (ratio %.6g); the nearest valid %s "
                   "is %.10g [min]",
                   name, value, dt, r, name, nearest);
    else
        load_error(ld, STROMA_ERR_RANGE, at,
                   "%s %.10g (%s) is not a whole multiple of time.dt_diffusion %.10g (ratio %.6g); give %s, e.g. "
                   "%.10g [min]",
                   name, value, what, dt, r, name, nearest);
}

/* A point of the vessels outside the domain, at `at` under key `path`. */
static void body_check_inside(loader *ld, const double p[3], const char *path, stroma_srcloc at) {
    const stroma_model *m = ld->m;
    if (load_inside(m, p)) return;
    load_error(ld, STROMA_ERR_RANGE, at, "%s (%g, %g, %g) lies outside the domain [%g, %g] x [%g, %g] x [%g, %g] [µm]",
               path, p[0], p[1], p[2], m->lo_um[0], m->hi_um[0], m->lo_um[1], m->hi_um[1], m->lo_um[2], m->hi_um[2]);
}

/* A density (of key `path`, at `at`) at most vessels.max_density. */
static void body_check_density(loader *ld, double density, const char *path, stroma_srcloc at) {
    double max = ld->m->vessels.max_density;
    if (!(max > 0) || density <= max) return;
    load_error(ld, STROMA_ERR_RANGE, at,
               "%s %g is more than vessels.max_density %g: no voxel may exceed it [volume fraction]", path, density,
               max);
}

/* Read vessels.initial.file (header x,y,z,density; a row per point) into points_um / points_density. */
static void body_read_file(loader *ld, int grid) {
    stroma_vessels_desc *vs = &ld->m->vessels;
    const struct load_body_walk *w = ld->body;
    char path[1024];
    FILE *fp = load_open_named(ld, w->file, "vessels.initial", w->file_at, "vessel file", path, sizeof path);
    if (!fp) return;
    load_csv c = {ld, path, w->file_at, 0, 0, 0};
    static const char *const want[4] = {"x", "y", "z", "density"};
    double avail = stroma_model_memory_available();
    char *line = NULL;
    size_t line_cap = 0, cap = 0;
    int lineno = 0, header = 0;
    ssize_t got;
    load_csv_field f[5];
    while ((got = getline(&line, &line_cap, fp)) >= 0) {
        lineno++;
        size_t len = (size_t)got;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        const char *text = line;
        if (lineno == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3; /* UTF-8 BOM */
        if (!header) {
            int nf = load_csv_split(text, len, f, 5), bad = -1;
            for (int i = 0; i < 4 && i < nf && bad < 0; i++)
                if (!load_csv_is(&f[i], want[i])) bad = i;
            if (bad < 0 && nf != 4) bad = nf < 4 ? nf : 4;
            if (bad >= 0) {
                char echo[LOAD_ECHO_MAX + 8];
                load_echo(text, len, echo, sizeof echo);
                load_csv_error(&c, STROMA_ERR_PARSE, lineno, bad < nf ? f[bad].column : (int)len + 1,
                               "the header must be x,y,z,density (got '%s')", echo);
                break; /* the columns are unknown: the rows cannot be read */
            }
            header = 1;
            continue;
        }
        size_t blank = 0;
        while (blank < len && (text[blank] == ' ' || text[blank] == '\t')) blank++;
        if (blank == len) continue;
        if (memchr(text, '\0', len)) {
            load_csv_error(&c, STROMA_ERR_PARSE, lineno, (int)((const char *)memchr(text, '\0', len) - text) + 1,
                           "a NUL byte in the line: this is not a text file");
            continue;
        }
        int nf = load_csv_split(text, len, f, 5);
        if (nf != 4) {
            load_csv_error(&c, STROMA_ERR_PARSE, lineno, nf > 4 ? f[4].column : (int)len + 1,
                           "the row has %d field%s; expected 4 (x,y,z,density)", nf, nf == 1 ? "" : "s");
            continue;
        }
        double pos[3], density = 0;
        int ok = 1;
        for (int a = 0; a < 3; a++) ok &= load_csv_number(&c, lineno, &f[a], want[a], 0, "", &pos[a]);
        ok &= load_csv_number(&c, lineno, &f[3], "density", 1, "", &density);
        if (!ok) continue;
        if (vs->max_density > 0 && density > vs->max_density) {
            load_csv_error(&c, STROMA_ERR_RANGE, lineno, f[3].column,
                           "density %g is more than vessels.max_density %g [volume fraction]", density,
                           vs->max_density);
            continue;
        }
        if (grid && !load_inside(ld->m, pos)) {
            load_csv_error(&c, STROMA_ERR_RANGE, lineno, f[0].column,
                           "point (%g, %g, %g) lies outside the domain [%g, %g] x [%g, %g] x [%g, %g] [µm]", pos[0],
                           pos[1], pos[2], ld->m->lo_um[0], ld->m->hi_um[0], ld->m->lo_um[1], ld->m->hi_um[1],
                           ld->m->lo_um[2], ld->m->hi_um[2]);
            continue;
        }
        if (vs->npoints == 2147483647 || (avail > 0 && (vs->npoints + 1.0) * 32.0 > avail)) {
            load_csv_error(&c, STROMA_ERR_TOO_LARGE, lineno, 1,
                           "too many points: %d read so far, more than this machine's memory can hold", vs->npoints);
            break;
        }
        if ((size_t)vs->npoints == cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            double *p = realloc(vs->points_um, ncap * 3 * sizeof *p);
            if (p) vs->points_um = p;
            double *d = p ? realloc(vs->points_density, ncap * sizeof *d) : NULL;
            if (d) vs->points_density = d;
            if (!p || !d) {
                ld->nomem = 1;
                break;
            }
            cap = ncap;
        }
        memcpy(vs->points_um + 3 * (size_t)vs->npoints, pos, sizeof pos);
        vs->points_density[vs->npoints++] = density;
    }
    free(line);
    if (!ld->nomem && !ferror(fp)) {
        if (!header && c.nerrors == 0)
            load_csv_error(&c, STROMA_ERR_MISSING, 1, 1,
                           "the file is empty: expected the header x,y,z,density and a row per point");
        else if (c.nerrors == 0 && vs->npoints == 0)
            load_csv_error(&c, STROMA_ERR_MISSING, lineno + 1, 1, "no points: the file has a header but no rows");
    }
    if (!ld->nomem) load_csv_finish(&c, fp, "vessels.initial", "vessel file");
    fclose(fp);
}

/* body.systemic: substrate names, not the vessels' oxygen; the plasma clock. */
static void body_check_body(loader *ld, const load_names *nl) {
    stroma_model *m = ld->m;
    const struct load_body_walk *w = ld->body;
    stroma_body_desc *b = &m->body;
    for (int k = 0; k < b->nsystemic; k++) {
        stroma_systemic_desc *d = &b->systemic[k];
        d->substrate = load_resolve(ld, nl, 0, &w->systemic[k], "body.systemic");
        if (d->substrate >= 0 && m->vessels.present && d->substrate == m->vessels.oxygen)
            load_error(ld, STROMA_ERR_RANGE, w->systemic[k].loc,
                       "body.systemic.%s: %s is vessels.oxygen's substrate, whose blood value is fixed "
                       "(vessels.oxygen.blood); remove it from body.systemic",
                       w->systemic[k].name, w->systemic[k].name);
    }
    if (ld->dt_ok[0] && b->dt_min > 0) /* 0: given but refused */
        body_check_multiple(ld, "body.dt", b->dt_min, w->body_dt_given, "the default",
                            w->body_dt_given ? w->body_dt_at : w->body_at);
}

/* vessels: substrate names and permeabilities, regression, the update interval, seeding. */
static void body_check_vessels(loader *ld, const load_names *nl, int grid) {
    stroma_model *m = ld->m;
    struct load_body_walk *w = ld->body;
    stroma_vessels_desc *vs = &m->vessels;
    const stroma_body_desc *b = &m->body;
    size_t ns = (size_t)(m->nsub > 0 ? m->nsub : 1);
    vs->permeability_um_per_min = calloc(ns, sizeof *vs->permeability_um_per_min);
    char *plasma = calloc(ns, 1); /* substrates with a plasma value */
    char *bad = calloc(ns, 1);    /* substrates whose permeability was refused */
    if (!vs->permeability_um_per_min || !plasma || !bad) {
        free(plasma);
        free(bad);
        ld->nomem = 1;
        return;
    }
    if (w->angio.ok) vs->angio_substrate = load_resolve(ld, nl, 0, &w->angio, "vessels.angiogenesis.substrate");
    for (int k = 0; b->present && k < b->nsystemic; k++)
        if (b->systemic[k].substrate >= 0) plasma[b->systemic[k].substrate] = 1;
    for (int i = 0; i < w->nperms; i++) {
        body_permeability *p = &w->perms[i];
        p->sub = load_resolve(ld, nl, 0, &p->substrate, "vessels.permeability");
        if (p->sub < 0) continue;
        if (!p->value_ok) {
            bad[p->sub] = 1;
            continue;
        }
        vs->permeability_um_per_min[p->sub] = p->value;
        if (p->value > 0 && p->sub != vs->oxygen && !plasma[p->sub] && !load_therapy_carries(ld, p->substrate.name))
            load_error(ld, STROMA_ERR_RANGE, p->substrate.loc,
                       "vessels.permeability.%s: %s crosses the vessel wall (permeability %g µm/min) but has no "
                       "plasma value: list it in body.systemic%s, make it vessels.oxygen's substrate, or a drug's "
                       "(therapies.drugs.<name>.substrate)",
                       p->substrate.name, p->substrate.name, p->value, b->present ? "" : " (the model has no body)");
    }
    if (vs->oxygen >= 0 && !bad[vs->oxygen] && !(vs->permeability_um_per_min[vs->oxygen] > 0))
        load_error(ld, STROMA_ERR_RANGE, w->oxygen.loc,
                   "vessels.oxygen.substrate: %s has no permeability (vessels.permeability.%s absent or 0): it "
                   "never crosses the vessel wall; give vessels.permeability.%s > 0",
                   w->oxygen.name, w->oxygen.name, w->oxygen.name);
    free(plasma);
    free(bad);
    if (vs->regress_rate_per_min > 0 && !w->angio_given)
        load_error(ld, STROMA_ERR_MISSING, w->regress_rate_at,
                   "vessels.regression.rate %g needs vessels.angiogenesis.substrate: vessels survive by that "
                   "substrate; give vessels.angiogenesis or set the rate to 0 [1/min]",
                   vs->regress_rate_per_min);
    /* the update interval: given, or time.dt_phenotype */
    if (!w->every_given) vs->every_min = ld->dt_ok[2] ? m->dt_phenotype_min : 0;
    if (ld->dt_ok[0] && vs->every_min > 0) /* 0: given but refused */
        body_check_multiple(ld, "vessels.every", vs->every_min, w->every_given, "the default, time.dt_phenotype",
                            w->every_given ? w->every_at : w->vessels_at);
    /* seeding */
    body_check_density(ld, vs->uniform_density, "vessels.initial.uniform", w->uniform_at);
    if (w->random_ok) body_check_density(ld, vs->random_density, "vessels.initial.random.density",
                                         w->random_density_at);
    for (int i = 0; i < vs->nsegments; i++) {
        const stroma_vessel_segment_desc *seg = &vs->segments[i];
        const body_segment *x = &w->segs[i];
        char path[96];
        if (x->density_ok) {
            snprintf(path, sizeof path, "vessels.initial.segments[%d].density", i);
            body_check_density(ld, seg->density, path, x->density_at);
        }
        if (!grid) continue;
        if (x->from_ok) {
            snprintf(path, sizeof path, "vessels.initial.segments[%d].from", i);
            body_check_inside(ld, seg->from_um, path, x->from_at);
        }
        if (x->to_ok) {
            snprintf(path, sizeof path, "vessels.initial.segments[%d].to", i);
            body_check_inside(ld, seg->to_um, path, x->to_at);
        }
    }
    if (w->file_ok) body_read_file(ld, grid);
}

void load_check_body(loader *ld, const load_names *nl, int grid) {
    stroma_model *m = ld->m;
    stroma_vessels_desc *vs = &m->vessels;
    stroma_body_desc *b = &m->body;
    /* an absent section is all zeros (the walk stored the defaults of its keys) */
    if (!vs->present) memset(vs, 0, sizeof *vs);
    if (!b->present) memset(b, 0, sizeof *b);
    vs->angio_substrate = -1;
    vs->oxygen = -1;
    if (!vs->present && !b->present) return;
    if (!body_walk(ld)) return;
    const struct load_body_walk *w = ld->body;
    /* first the oxygen substrate: body.systemic may not list it, and it needs no plasma value */
    if (vs->present && w->oxygen.ok) vs->oxygen = load_resolve(ld, nl, 0, &w->oxygen, "vessels.oxygen.substrate");
    if (b->present) body_check_body(ld, nl);
    if (vs->present) body_check_vessels(ld, nl, grid);
    /* the vessel field is written as fields/vessel_density_<t>.csv and the .vti array vessel_density: a
     * substrate of that name would collide with it */
    for (int s = 0; vs->present && s < m->nsub; s++)
        if (strcmp(m->substrates[s].name, "vessel_density") == 0)
            load_error(ld, STROMA_ERR_RANGE, m->substrates[s].loc,
                       "substrates.vessel_density: this name is the vessel field's in a model with vessels (its "
                       "outputs would collide); rename the substrate");
    /* the rule tables name a signal after each systemic substrate: keep only the resolved ones (the load fails
     * anyway when one is not) */
    int kept = 0;
    for (int k = 0; k < b->nsystemic; k++)
        if (b->systemic[k].substrate >= 0) b->systemic[kept++] = b->systemic[k];
    b->nsystemic = kept;
}
