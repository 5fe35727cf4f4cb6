/* Operations on a loaded model: destroy, describe, CLI overrides, memory estimate and name lookup.
 * The loader that creates models is load.c. */
#include "model/model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error_impl.h"

void stroma_model_destroy(stroma_model **model) {
    if (!model || !*model) return;
    free((*model)->substrates);
    free((*model)->fixed);
    free((*model)->sources);
    free(*model);
    *model = NULL;
}

void stroma_model_set_seed(stroma_model *model, uint64_t seed) {
    if (model) model->seed = seed;
}

stroma_code stroma_model_set_end(stroma_model *model, double end_min, stroma_error *err) {
    if (!model) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "stroma_model_set_end: no model");
    if (!(end_min > 0) || !isfinite(end_min))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "end time must be a finite number > 0 min (got %g)",
                                end_min);
    model->end_min = end_min;
    if (model->output_every_is_end) model->output_every_min = end_min;
    return STROMA_OK;
}

int stroma_model_substrate_index(const stroma_model *model, const char *name) {
    if (!model || !name) return -1;
    for (int s = 0; s < model->nsub; s++)
        if (strcmp(model->substrates[s].name, name) == 0) return s;
    return -1;
}

double stroma_model_memory_estimate(const stroma_model *model) {
    if (!model) return 0.0;
    double nx = model->n[0], ny = model->n[1], nz = model->n[2], nsub = model->nsub;
    double plane = fmax(nx * ny, fmax(nx * nz, ny * nz));
    double field = nx * ny * nz * nsub * 8.0;
    double scratch = 2.0 * plane * nsub * 8.0 * STROMA_MEMORY_THREADS;
    double coefficients = 3.0 * (nx + ny + nz) * nsub * 8.0;
    double points = 0.0;
    for (int i = 0; i < model->nsources; i++) points += model->sources[i].count;
    return field + scratch + coefficients + 32.0 * model->nfixed + 32.0 * points;
}

double stroma_model_memory_available(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return 0.0;
    return (double)pages * (double)page;
}

/* Append-only text buffer that counts what it could not store. */
typedef struct model_text {
    char *buf;
    size_t cap, len;
} model_text;

static void model_put(model_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void model_put(model_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->cap ? t->cap - t->len : 0;
    int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n;
}

static const char *const model_face_names[STROMA_FACE_COUNT] = {"x_min", "x_max", "y_min", "y_max", "z_min", "z_max"};

static void model_put_region(model_text *t, const stroma_source_desc *src) {
    const stroma_region *r = &src->region;
    switch (r->kind) {
    case STROMA_REGION_POINT:
        model_put(t, "1 point at (%g, %g, %g) µm", r->center_um[0], r->center_um[1], r->center_um[2]);
        break;
    case STROMA_REGION_DISC:
        model_put(t, "%d points in the disc centre (%g, %g, %g) radius %g µm", src->count, r->center_um[0],
                  r->center_um[1], r->center_um[2], r->radius_um);
        break;
    case STROMA_REGION_SPHERE:
        model_put(t, "%d points in the ball centre (%g, %g, %g) radius %g µm", src->count, r->center_um[0],
                  r->center_um[1], r->center_um[2], r->radius_um);
        break;
    case STROMA_REGION_ANNULUS:
        model_put(t, "%d points in the annulus centre (%g, %g, %g) radii %g to %g µm", src->count, r->center_um[0],
                  r->center_um[1], r->center_um[2], r->inner_radius_um, r->radius_um);
        break;
    case STROMA_REGION_BOX:
        model_put(t, "%d points in the box (%g, %g, %g) to (%g, %g, %g) µm", src->count, r->lo_um[0], r->lo_um[1],
                  r->lo_um[2], r->hi_um[0], r->hi_um[1], r->hi_um[2]);
        break;
    }
}

size_t stroma_model_describe(const stroma_model *model, char *buf, size_t cap) {
    model_text t = {buf, cap, 0};
    if (buf && cap) buf[0] = '\0';
    if (!model) {
        model_put(&t, "(no model)\n");
        return t.len;
    }
    const stroma_model *m = model;
    double nvox = (double)m->n[0] * m->n[1] * m->n[2];
    model_put(&t, "model: %s\n", m->path);
    model_put(&t, "sha256: %s\n", m->sha256);
    model_put(&t, "domain: x [%g, %g] y [%g, %g] z [%g, %g] µm, voxel %g µm\n", m->lo_um[0], m->hi_um[0], m->lo_um[1],
              m->hi_um[1], m->lo_um[2], m->hi_um[2], m->voxel_um);
    model_put(&t, "grid: %d x %d x %d = %.0f voxels (%dD)\n", m->n[0], m->n[1], m->n[2], nvox, m->dim);
    model_put(&t, "time: end %g min, dt_diffusion %g min (%.0f steps)\n", m->end_min, m->dt_diffusion_min,
              ceil(m->end_min / m->dt_diffusion_min - 1e-9));
    model_put(&t, "seed: %llu\n", (unsigned long long)m->seed);
    model_put(&t, "substrates: %d\n", m->nsub);
    for (int s = 0; s < m->nsub; s++) {
        const stroma_substrate_desc *d = &m->substrates[s];
        const char *unit = d->unit[0] ? d->unit : "(no unit)", *sp = d->unit[0] ? " " : "";
        model_put(&t, "  %s [%s]: D %g µm²/min, decay %g 1/min, ", d->name, unit, d->diffusion_um2_per_min,
                  d->decay_per_min);
        if (d->decay_per_min > 0)
            model_put(&t, "length sqrt(D/decay) %.4g µm", sqrt(d->diffusion_um2_per_min / d->decay_per_min));
        else
            model_put(&t, "length sqrt(D/decay) infinite (no decay)");
        model_put(&t, ", initial %g%s%s\n    boundaries:", d->initial, sp, d->unit);
        for (int f = 0; f < STROMA_FACE_COUNT; f++) {
            if (d->face_dirichlet[f])
                model_put(&t, " %s = %g%s%s", model_face_names[f], d->face_value[f], sp, d->unit);
            else
                model_put(&t, " %s no flux", model_face_names[f]);
            model_put(&t, "%s", f + 1 < STROMA_FACE_COUNT ? "," : "\n");
        }
    }
    model_put(&t, "fixed voxels: %d\n", m->nfixed);
    for (int i = 0; i < m->nfixed; i++) {
        const stroma_fixed_desc *f = &m->fixed[i];
        const stroma_substrate_desc *d = &m->substrates[f->substrate];
        model_put(&t, "  %s held at %g%s%s in the voxel of (%g, %g, %g) µm\n", d->name, f->value,
                  d->unit[0] ? " " : "", d->unit, f->pos_um[0], f->pos_um[1], f->pos_um[2]);
    }
    model_put(&t, "sources: %d\n", m->nsources);
    for (int i = 0; i < m->nsources; i++) {
        const stroma_source_desc *src = &m->sources[i];
        const stroma_substrate_desc *d = &m->substrates[src->substrate];
        const char *unit = d->unit[0] ? d->unit : "unit";
        model_put(&t, "  %s: ", d->name);
        model_put_region(&t, src);
        model_put(&t, "; volume %g µm³, secretion %g 1/min towards %g %s, uptake %g 1/min, export %g %s µm³/min\n",
                  src->volume_um3, src->secretion_per_min, src->saturation, unit, src->uptake_per_min,
                  src->export_per_min, unit);
    }
    model_put(&t, "outputs: every %g min%s, fields: %s\n", m->output_every_min,
              m->output_every_is_end ? " (time.end)" : "", m->output_fields_csv ? "csv" : "none");
    model_put(&t, "memory estimate: %.3g MiB\n", stroma_model_memory_estimate(m) / (1024.0 * 1024.0));
    return t.len;
}
