/* Virtual immunohistochemistry: a marker's conditions evaluated in a cell, and the counts per population. */
#include "readout/ihc.h"

const char *stroma_ihc_population_name(const stroma_model *m, int p) {
    return p < m->ntypes ? m->cell_types[p].name : m->readout.populations[p - m->ntypes].name;
}

int stroma_ihc_positive(const stroma_model *m, const stroma_cell_engine *e, const stroma_transport *t, size_t i,
                        int k, double t_min) {
    const stroma_marker_desc *mk = &m->readout.markers[k];
    if (!mk->types[e->cells.type[i]]) return 0;
    for (int c = 0; c < mk->ncond; c++) {
        const stroma_marker_cond *cd = &mk->cond[c];
        double v = cd->is_behaviour ? stroma_cell_engine_behaviour(e, m, i, cd->index)
                                    : stroma_cell_engine_signal(e, t, i, &m->rule_tables.signals[cd->index], t_min);
        if (cd->has_above && !(v > cd->above)) return 0;
        if (cd->has_below && !(v < cd->below)) return 0;
    }
    return 1;
}

void stroma_ihc_count(const stroma_model *m, const stroma_cell_engine *e, const stroma_transport *t, double t_min,
                      int64_t *live, int64_t *positive) {
    int np = stroma_ihc_population_count(m), nk = m->readout.nmarkers;
    for (int p = 0; p < np; p++) live[p] = 0;
    for (int p = 0; p < np * nk; p++) positive[p] = 0;
    const stroma_cells *c = &e->cells;
    for (size_t i = 0; i < c->n; i++) {
        if (c->state[i] != STROMA_CELL_LIVE) continue;
        int type = c->type[i];
        uint64_t pos = 0; /* bit k: positive for marker k (at most STROMA_MAX_MARKERS) */
        for (int k = 0; k < nk; k++)
            if (stroma_ihc_positive(m, e, t, i, k, t_min)) pos |= UINT64_C(1) << k;
        for (int p = 0; p < np; p++) {
            if (p < m->ntypes ? p != type : !m->readout.populations[p - m->ntypes].types[type]) continue;
            live[p]++;
            for (int k = 0; k < nk; k++) positive[p * nk + k] += (int64_t)((pos >> k) & 1u);
        }
    }
}
