/* The plasma compartment: healthy baseline, exact update on its own clock, ledger, checkpoint (plasma.h). */
#include "body/plasma.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

stroma_code stroma_plasma_init(stroma_plasma *p, const stroma_model *m, double domain_volume_um3, stroma_error *err) {
    memset(p, 0, sizeof *p);
    const stroma_body_desc *d = &m->body;
    p->d = d;
    p->n = d->nsystemic;
    p->nsub = m->nsub;
    size_t n = (size_t)(p->n > 0 ? p->n : 1), ns = (size_t)(m->nsub > 0 ? m->nsub : 1);
    p->value = calloc(n, sizeof *p->value);
    p->pending = calloc(n, sizeof *p->pending);
    p->scale = calloc(n, sizeof *p->scale);
    p->k_per_min = calloc(n, sizeof *p->k_per_min);
    p->ledger = calloc(n, sizeof *p->ledger);
    p->blood = calloc(ns, sizeof *p->blood);
    p->sys_of = malloc(ns * sizeof *p->sys_of);
    if (!p->value || !p->pending || !p->scale || !p->k_per_min || !p->ledger || !p->blood || !p->sys_of) {
        stroma_plasma_free(p);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for the plasma compartment");
    }
    for (int s = 0; s < m->nsub; s++) p->sys_of[s] = -1;
    for (int k = 0; k < p->n; k++) {
        const stroma_systemic_desc *sd = &d->systemic[k];
        p->sys_of[sd->substrate] = k;
        p->value[k] = sd->baseline;
        p->k_per_min[k] = log(2.0) / sd->half_life_min;
        p->scale[k] = sd->conversion * d->tumour_volume_ml / domain_volume_um3;
        p->blood[sd->substrate] = sd->baseline / sd->conversion;
        p->ledger[k].plasma0 = d->plasma_volume_ml * sd->baseline;
    }
    return STROMA_OK;
}

void stroma_plasma_free(stroma_plasma *p) {
    free(p->value);
    free(p->pending);
    free(p->scale);
    free(p->k_per_min);
    free(p->ledger);
    free(p->blood);
    free(p->sys_of);
    memset(p, 0, sizeof *p);
}

void stroma_plasma_update(stroma_plasma *p, double interval_min) {
    const double V = p->d->plasma_volume_ml;
    for (int k = 0; k < p->n; k++) {
        const stroma_systemic_desc *sd = &p->d->systemic[k];
        double kc = p->k_per_min[k];
        double produced = kc * V * sd->baseline * interval_min; /* P D */
        double received = p->pending[k] * p->scale[k];          /* J D */
        double c0 = p->value[k];
        /* C_inf + (C0 - C_inf) e^(-kD) written as C0 e^(-kD) + (input / V) (1 - e^(-kD)) / k, with expm1 so that
         * a half-life far longer than the interval (k D below the rounding of 1) still takes the input */
        double decay = exp(-kc * interval_min), gain = -expm1(-kc * interval_min) / kc;
        double c1 = c0 * decay + (produced + received) / (interval_min * V) * gain;
        if (c1 < 0) c1 = 0; /* only if the tissue took more from blood than plasma held: a sink, not a level */
        stroma_plasma_ledger *l = &p->ledger[k];
        l->produced += produced;
        l->received += received;
        l->cleared += produced + received - V * (c1 - c0);
        p->value[k] = c1;
        p->pending[k] = 0;
        p->blood[sd->substrate] = c1 / sd->conversion;
    }
}

#define PLASMA_LEDGER_DOUBLES 9

static void ledger_to(const stroma_plasma_ledger *l, double out[PLASMA_LEDGER_DOUBLES]) {
    const double v[PLASMA_LEDGER_DOUBLES] = {l->exchanged, l->drained,  l->decayed,  l->tissue0, l->tissue,
                                             l->produced,  l->received, l->cleared, l->plasma0};
    memcpy(out, v, sizeof v);
}

static void ledger_from(stroma_plasma_ledger *l, const double v[PLASMA_LEDGER_DOUBLES]) {
    *l = (stroma_plasma_ledger){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
}

void stroma_plasma_save(const void *ctx, stroma_buf *b) {
    const stroma_plasma *p = ctx;
    stroma_buf_put_u32(b, (uint32_t)p->n);
    for (int k = 0; k < p->n; k++) {
        stroma_buf_put_f64(b, p->value[k]);
        stroma_buf_put_f64(b, p->pending[k]);
        double l[PLASMA_LEDGER_DOUBLES];
        ledger_to(&p->ledger[k], l);
        for (int q = 0; q < PLASMA_LEDGER_DOUBLES; q++) stroma_buf_put_f64(b, l[q]);
    }
}

stroma_code stroma_plasma_load(void *ctx, stroma_reader *r, stroma_error *err) {
    stroma_plasma *p = ctx;
    uint32_t n = stroma_reader_u32(r);
    if (r->bad || (int)n != p->n)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint plasma (%u systemic substrates) does not fit this model (%d)", n, p->n);
    for (int k = 0; k < p->n; k++) {
        double value = stroma_reader_f64(r), pending = stroma_reader_f64(r), l[PLASMA_LEDGER_DOUBLES];
        for (int q = 0; q < PLASMA_LEDGER_DOUBLES; q++) l[q] = stroma_reader_f64(r);
        if (r->bad) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint plasma section is truncated");
        int ok = isfinite(value) && value >= 0 && isfinite(pending);
        for (int q = 0; q < PLASMA_LEDGER_DOUBLES; q++) ok = ok && (isfinite(l[q]) || (q == 2 && isnan(l[q])));
        if (!ok)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint plasma values of systemic substrate %d are not finite (or negative)",
                                    k);
        p->value[k] = value;
        p->pending[k] = pending;
        ledger_from(&p->ledger[k], l);
        const stroma_systemic_desc *sd = &p->d->systemic[k];
        p->blood[sd->substrate] = value / sd->conversion;
    }
    return STROMA_OK;
}
