/* Exchange across vessel walls, lymphatic drainage and the tissue side of the ledger (exchange.h). */
#include "body/exchange.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

/* Voxels (or vessel-list entries) per chunk of the ordered sums. */
#define EXCHANGE_CHUNK 1024

stroma_code stroma_exchange_init(stroma_exchange *x, const stroma_model *m, stroma_error *err) {
    memset(x, 0, sizeof *x);
    x->nsub = m->nsub;
    x->nsys = m->body.present ? m->body.nsystemic : 0;
    size_t ns = (size_t)(m->nsub > 0 ? m->nsub : 1);
    x->exch = malloc(ns * sizeof *x->exch);
    x->drain = malloc(ns * sizeof *x->drain);
    x->sent = calloc(2 * (size_t)(x->nsys > 0 ? x->nsys : 1), sizeof *x->sent);
    x->drain_keep = calloc(ns, sizeof *x->drain_keep);
    x->sys_sub = calloc((size_t)(x->nsys > 0 ? x->nsys : 1), sizeof *x->sys_sub);
    x->rx_blood = calloc(ns, sizeof *x->rx_blood);
    if (!x->exch || !x->drain || !x->sent || !x->drain_keep || !x->sys_sub || !x->rx_blood) {
        stroma_exchange_free(x);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for vessel exchange");
    }
    for (int s = 0; m->vessels.present && s < m->nsub; s++)
        if (m->vessels.permeability_um_per_min[s] > 0) x->exch[x->nexch++] = s;
    for (int k = 0; k < x->nsys; k++) {
        x->sys_sub[k] = m->body.systemic[k].substrate;
        if (m->body.systemic[k].drainage_per_min > 0) x->drain[x->ndrain++] = k;
    }
    return STROMA_OK;
}

void stroma_exchange_free(stroma_exchange *x) {
    free(x->exch);
    free(x->drain);
    free(x->partial);
    free(x->sent);
    free(x->coef);
    free(x->drain_keep);
    free(x->sys_sub);
    free(x->rx_rate);
    free(x->rx_source);
    free(x->rx_blood);
    memset(x, 0, sizeof *x);
}

static int ensure_partial(stroma_exchange *x, size_t n) {
    if (n <= x->partial_cap) return 0;
    double *p = realloc(x->partial, n * sizeof *p);
    if (!p) return -1;
    x->partial = p;
    x->partial_cap = n;
    return 0;
}

/* The per-entry coefficients dt k / (1 + dt k) for the vessels as they are, and the drainage factors. */
static int refresh_coef(stroma_exchange *x, const stroma_model *m, const stroma_vessels *v, const stroma_plasma *p,
                        double dt_min) {
    size_t n = v ? v->nlist * (size_t)x->nexch : 0;
    if (v && x->coef && x->coef_gen == v->gen && x->coef_dt == dt_min) return 0;
    if (n > x->coef_cap) {
        double *c = realloc(x->coef, n * sizeof *c);
        if (!c) return -1;
        x->coef = c;
        x->coef_cap = n;
    }
    const double *perm = m->vessels.permeability_um_per_min;
    for (size_t e = 0; v && e < v->nlist; e++) {
        double S = stroma_vessels_surface(v, v->list[e]);
        for (int a = 0; a < x->nexch; a++) {
            double dk = dt_min * perm[x->exch[a]] * S;
            x->coef[e * (size_t)x->nexch + (size_t)a] = dk / (1.0 + dk);
        }
    }
    for (int a = 0; p && a < x->ndrain; a++)
        x->drain_keep[a] = 1.0 / (1.0 + dt_min * p->d->systemic[x->drain[a]].drainage_per_min);
    x->coef_gen = v ? v->gen : 0;
    x->coef_dt = dt_min;
    return 0;
}

/* The blood-side value of substrate s: the blood pO2 for oxygen, a drug's (therapy/), else plasma / conversion. */
static double blood_value(const stroma_exchange *x, const stroma_model *m, const stroma_plasma *p, int s, int oxy) {
    if (s == oxy) return m->vessels.blood_oxygen;
    if (x->drug_blood && !isnan(x->drug_blood[s])) return x->drug_blood[s];
    return p ? p->blood[s] : 0.0;
}

int stroma_exchange_step(stroma_exchange *x, const stroma_model *m, const stroma_vessels *v, stroma_plasma *p,
                         stroma_transport *t, double dt_min) {
    if ((v || (p && x->ndrain > 0)) && (x->coef_dt != dt_min || (v && x->coef_gen != v->gen) || !x->coef_dt) &&
        refresh_coef(x, m, v, p, dt_min))
        return -1;
    const int nsub = t->nsub, nex = x->nexch, ndr = p ? x->ndrain : 0;
    const size_t nl = v && nex > 0 ? v->nlist : 0, nvox = t->mesh.nvox;
    const size_t nch_ex = (nl + EXCHANGE_CHUNK - 1) / EXCHANGE_CHUNK;
    const size_t nch_dr = ndr > 0 ? (nvox + EXCHANGE_CHUNK - 1) / EXCHANGE_CHUNK : 0;
    /* per chunk, one sum per exchanging substrate, then one per drained substrate */
    const size_t per = (size_t)nex + (size_t)ndr, need = (nch_ex + nch_dr) * per;
    if (need && ensure_partial(x, need)) return -1;
    const double vv = t->mesh.voxel_volume_um3;
    const int oxy = m->vessels.present ? m->vessels.oxygen : -1;
    const int has_fixed = t->nfixed > 0;
    double *restrict c = t->c, *restrict partial = x->partial;
    const double *restrict coef = x->coef;
    const size_t *restrict list = v ? v->list : NULL;
#pragma omp parallel if (nch_ex + nch_dr > 2)
    {
#pragma omp for schedule(static)
        for (size_t q = 0; q < nch_ex; q++) {
            size_t e0 = q * EXCHANGE_CHUNK, e1 = e0 + EXCHANGE_CHUNK < nl ? e0 + EXCHANGE_CHUNK : nl;
            for (int a = 0; a < nex; a++) {
                const int s = x->exch[a];
                const double b = blood_value(x, m, p, s, oxy);
                double sum = 0;
                for (size_t e = e0; e < e1; e++) {
                    size_t vox = list[e];
                    if (has_fixed && stroma_transport_fixed_find(t, vox, s, NULL)) continue;
                    double *cv = &c[vox * (size_t)nsub + (size_t)s];
                    /* (c + dt k b) / (1 + dt k), as c + (dt k / (1 + dt k)) (b - c) */
                    double old = *cv, nw = old + coef[e * (size_t)nex + (size_t)a] * (b - old);
                    *cv = nw;
                    sum += old - nw;
                }
                partial[q * per + (size_t)a] = sum * vv;
            }
        }
#pragma omp for schedule(static)
        for (size_t q = 0; q < nch_dr; q++) {
            size_t v0 = q * EXCHANGE_CHUNK, v1 = v0 + EXCHANGE_CHUNK < nvox ? v0 + EXCHANGE_CHUNK : nvox;
            for (int a = 0; a < ndr; a++) {
                const int s = p->d->systemic[x->drain[a]].substrate;
                const double keep = x->drain_keep[a];
                double sum = 0;
                for (size_t vox = v0; vox < v1; vox++) {
                    if (has_fixed && stroma_transport_fixed_find(t, vox, s, NULL)) continue;
                    double *cv = &c[vox * (size_t)nsub + (size_t)s];
                    double old = *cv, nw = old * keep;
                    *cv = nw;
                    sum += old - nw;
                }
                partial[(nch_ex + q) * per + (size_t)nex + (size_t)a] = sum * vv;
            }
        }
    }
    /* the chunks in order: sums that do not depend on the thread count */
    for (int a = 0; a < nex; a++) {
        int k = p ? p->sys_of[x->exch[a]] : -1;
        if (k < 0) continue;
        double ex = 0;
        for (size_t q = 0; q < nch_ex; q++) ex += partial[q * per + (size_t)a];
        p->ledger[k].exchanged += ex;
        p->pending[k] += ex;
    }
    for (int a = 0; a < ndr; a++) {
        int k = x->drain[a];
        double dr = 0;
        for (size_t q = 0; q < nch_dr; q++) dr += partial[(nch_ex + q) * per + (size_t)nex + (size_t)a];
        p->ledger[k].drained += dr;
        p->pending[k] += dr;
    }
    return 0;
}

int stroma_exchange_rates(stroma_exchange *x, const stroma_model *m, const stroma_vessels *v, const stroma_plasma *p,
                          const stroma_transport *t, stroma_reaction *out) {
    memset(out, 0, sizeof *out);
    if (!v || x->nexch == 0 || v->nlist == 0) return 0;
    const size_t ns = (size_t)t->nsub, n = v->nlist * ns;
    if (n > x->rx_cap) {
        double *r = realloc(x->rx_rate, n * sizeof *r);
        if (!r) return -1;
        x->rx_rate = r;
        double *q = realloc(x->rx_source, n * sizeof *q);
        if (!q) return -1;
        x->rx_source = q;
        memset(x->rx_source, 0, n * sizeof *x->rx_source);
        x->rx_cap = n;
        x->rx_gen = 0;
    }
    const double *perm = m->vessels.permeability_um_per_min;
    const int oxy = m->vessels.present ? m->vessels.oxygen : -1;
    if (x->rx_gen != v->gen + 1) { /* rates: when the vessels change (gen + 1: 0 means never) */
        memset(x->rx_rate, 0, n * sizeof *x->rx_rate);
        for (size_t e = 0; e < v->nlist; e++) {
            const double S = stroma_vessels_surface(v, v->list[e]);
            for (int a = 0; a < x->nexch; a++) {
                const int s = x->exch[a];
                if (t->nfixed && stroma_transport_fixed_find(t, v->list[e], s, NULL)) continue;
                x->rx_rate[e * ns + (size_t)s] = perm[s] * S;
            }
        }
        x->rx_gen = v->gen + 1;
    }
    /* sources: the blood values move with plasma (the other substrates' entries stay 0 from the allocation);
     * refilled when the rates or a blood value changed */
    int fresh = x->rx_src_gen == x->rx_gen;
    for (int a = 0; a < x->nexch; a++) {
        const int s = x->exch[a];
        const double b = blood_value(x, m, p, s, oxy);
        if (b != x->rx_blood[s] || isnan(b)) fresh = 0;
        x->rx_blood[s] = b;
    }
    if (!fresh) {
        for (size_t e = 0; e < v->nlist; e++)
            for (int a = 0; a < x->nexch; a++) {
                const size_t q = e * ns + (size_t)x->exch[a];
                x->rx_source[q] = x->rx_rate[q] * x->rx_blood[x->exch[a]];
            }
        x->rx_src_gen = x->rx_gen;
    }
    *out = (stroma_reaction){.n = v->nlist, .voxel = v->list, .rate = x->rx_rate, .source = x->rx_source};
    return 0;
}

void stroma_exchange_settle(const stroma_exchange *x, const stroma_vessels *v, stroma_plasma *p,
                            const stroma_transport *t, double dt_min) {
    if (!p || !v || x->nexch == 0 || !x->rx_rate) return;
    const size_t ns = (size_t)t->nsub;
    const double vv = t->mesh.voxel_volume_um3;
    /* per systemic exchanging substrate, rate (c - blood) = rate c - source summed in list order; entry by entry
     * for 8 substrates at once, each sum in a register of its own (a block with fewer repeats its first substrate
     * in the spare lanes, whose sums are dropped) */
    enum { SETTLE_LANES = 8 };
    int a0 = 0;
    while (a0 < x->nexch) {
        size_t sub[SETTLE_LANES];
        int na = 0;
        for (; a0 < x->nexch && na < SETTLE_LANES; a0++)
            if (p->sys_of[x->exch[a0]] >= 0) sub[na++] = (size_t)x->exch[a0];
        if (na == 0) break;
        for (int a = na; a < SETTLE_LANES; a++) sub[a] = sub[0];
        double ex[SETTLE_LANES] = {0};
        for (size_t e = 0; e < v->nlist; e++) {
            const double *rt = x->rx_rate + e * ns, *sr = x->rx_source + e * ns, *cv = t->c + v->list[e] * ns;
            for (int a = 0; a < SETTLE_LANES; a++) ex[a] += rt[sub[a]] * cv[sub[a]] - sr[sub[a]];
        }
        for (int a = 0; a < na; a++) {
            const int k = p->sys_of[sub[a]];
            const double amount = ex[a] * (dt_min * vv);
            p->ledger[k].exchanged += amount;
            p->pending[k] += amount;
        }
    }
}

int stroma_exchange_account(stroma_exchange *x, stroma_plasma *p, const stroma_transport *t, int first) {
    const int nsys = p->n;
    if (nsys == 0) return 0;
    if (stroma_transport_sums(t, x->sys_sub, nsys, x->sent, &x->partial, &x->partial_cap)) return -1;
    for (int k = 0; k < nsys; k++) {
        double total = x->sent[k] * t->mesh.voxel_volume_um3;
        stroma_plasma_ledger *l = &p->ledger[k];
        stroma_transport_account_decay(t, x->sys_sub[k], total, first, &l->tissue0, &l->decayed);
        l->tissue = total;
    }
    return 0;
}
