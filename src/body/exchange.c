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
    if (!x->exch || !x->drain || !x->sent) {
        stroma_exchange_free(x);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for vessel exchange");
    }
    for (int s = 0; m->vessels.present && s < m->nsub; s++)
        if (m->vessels.permeability_um_per_min[s] > 0) x->exch[x->nexch++] = s;
    for (int k = 0; k < x->nsys; k++)
        if (m->body.systemic[k].drainage_per_min > 0) x->drain[x->ndrain++] = k;
    return STROMA_OK;
}

void stroma_exchange_free(stroma_exchange *x) {
    free(x->exch);
    free(x->drain);
    free(x->partial);
    free(x->sent);
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

int stroma_exchange_step(stroma_exchange *x, const stroma_model *m, const stroma_vessels *v, stroma_plasma *p,
                         stroma_transport *t, double dt_min) {
    const int nsub = t->nsub, nsys = p ? p->n : 0;
    const size_t nl = v && x->nexch > 0 ? v->nlist : 0, nvox = t->mesh.nvox;
    const size_t nch_ex = (nl + EXCHANGE_CHUNK - 1) / EXCHANGE_CHUNK;
    const size_t nch_dr = p && x->ndrain > 0 ? (nvox + EXCHANGE_CHUNK - 1) / EXCHANGE_CHUNK : 0;
    const size_t need = (nch_ex + nch_dr) * (size_t)nsys;
    if (nsys > 0 && ensure_partial(x, need)) return -1;
    if (need) memset(x->partial, 0, need * sizeof *x->partial);
    const double vv = t->mesh.voxel_volume_um3;
    const int oxy = m->vessels.present ? m->vessels.oxygen : -1;
    const double blood_o2 = m->vessels.blood_oxygen;
    const double *perm = m->vessels.permeability_um_per_min;
    const int has_fixed = t->nfixed > 0;
    double *c = t->c, *partial = x->partial;
#pragma omp parallel if (nch_ex + nch_dr > 2)
    {
#pragma omp for schedule(static)
        for (size_t q = 0; q < nch_ex; q++) {
            size_t e1 = (q + 1) * EXCHANGE_CHUNK < nl ? (q + 1) * EXCHANGE_CHUNK : nl;
            for (size_t e = q * EXCHANGE_CHUNK; e < e1; e++) {
                size_t vox = v->list[e];
                double S = stroma_vessels_surface(v, vox);
                for (int a = 0; a < x->nexch; a++) {
                    int s = x->exch[a];
                    double k = perm[s] * S;
                    if (!(k > 0) || (has_fixed && stroma_transport_fixed_find(t, vox, s, NULL))) continue;
                    double b = s == oxy ? blood_o2 : p ? p->blood[s] : 0.0;
                    double *cv = &c[vox * (size_t)nsub + (size_t)s];
                    double old = *cv, nw = (old + dt_min * k * b) / (1.0 + dt_min * k);
                    *cv = nw;
                    int sys = p ? p->sys_of[s] : -1;
                    if (sys >= 0) partial[q * (size_t)nsys + (size_t)sys] += (old - nw) * vv;
                }
            }
        }
#pragma omp for schedule(static)
        for (size_t q = 0; q < nch_dr; q++) {
            size_t v1 = (q + 1) * EXCHANGE_CHUNK < nvox ? (q + 1) * EXCHANGE_CHUNK : nvox;
            double *row = partial + (nch_ex + q) * (size_t)nsys;
            for (size_t vox = q * EXCHANGE_CHUNK; vox < v1; vox++)
                for (int a = 0; a < x->ndrain; a++) {
                    int k = x->drain[a], s = p->d->systemic[k].substrate;
                    if (has_fixed && stroma_transport_fixed_find(t, vox, s, NULL)) continue;
                    double *cv = &c[vox * (size_t)nsub + (size_t)s];
                    double old = *cv, nw = old / (1.0 + dt_min * p->d->systemic[k].drainage_per_min);
                    *cv = nw;
                    row[k] += (old - nw) * vv;
                }
        }
    }
    for (int k = 0; k < nsys; k++) {
        double ex = 0, dr = 0;
        for (size_t q = 0; q < nch_ex; q++) ex += partial[q * (size_t)nsys + (size_t)k];
        for (size_t q = 0; q < nch_dr; q++) dr += partial[(nch_ex + q) * (size_t)nsys + (size_t)k];
        p->ledger[k].exchanged += ex;
        p->ledger[k].drained += dr;
        p->pending[k] += ex + dr;
    }
    return 0;
}

int stroma_exchange_account(stroma_exchange *x, stroma_plasma *p, const stroma_transport *t, int first) {
    const int nsys = p->n, nsub = t->nsub;
    if (nsys == 0) return 0;
    const size_t nvox = t->mesh.nvox, nch = (nvox + EXCHANGE_CHUNK - 1) / EXCHANGE_CHUNK;
    if (ensure_partial(x, nch * (size_t)nsys)) return -1;
    double *partial = x->partial;
    const double *c = t->c;
    const stroma_systemic_desc *sys = p->d->systemic;
#pragma omp parallel for schedule(static) if (nch > 8)
    for (size_t q = 0; q < nch; q++) {
        size_t v1 = (q + 1) * EXCHANGE_CHUNK < nvox ? (q + 1) * EXCHANGE_CHUNK : nvox;
        for (int k = 0; k < nsys; k++) {
            size_t s = (size_t)sys[k].substrate;
            double sum = 0;
            for (size_t vox = q * EXCHANGE_CHUNK; vox < v1; vox++) sum += c[vox * (size_t)nsub + s];
            partial[q * (size_t)nsys + (size_t)k] = sum;
        }
    }
    for (int k = 0; k < nsys; k++) {
        double sum = 0;
        for (size_t q = 0; q < nch; q++) sum += partial[q * (size_t)nsys + (size_t)k];
        double total = sum * t->mesh.voxel_volume_um3;
        stroma_plasma_ledger *l = &p->ledger[k];
        int open = stroma_transport_open(t, sys[k].substrate);
        if (first) {
            l->tissue0 = total;
            l->decayed = open ? NAN : 0.0;
        } else if (!open) {
            double kept = stroma_transport_decay_kept(t, sys[k].substrate);
            l->decayed += total * (1.0 / kept - 1.0);
        }
        l->tissue = total;
    }
    return 0;
}
