/* The cell store (see cells.h): allocation, append, stable compaction. */
#include "cells/cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error_impl.h"

/* X(field, element type, elements per cell: 1 or nsub) — every per-cell array, in one place. */
#define STROMA_CELL_ARRAYS(X, NSUB, NSTATE, NBEH)                                                                           \
    X(id, int64_t, 1)                                                                                         \
    X(type, int32_t, 1)                                                                                       \
    X(state, uint8_t, 1)                                                                                      \
    X(x, double, 1)                                                                                           \
    X(y, double, 1)                                                                                           \
    X(z, double, 1)                                                                                           \
    X(vx, double, 1)                                                                                          \
    X(vy, double, 1)                                                                                          \
    X(vz, double, 1)                                                                                          \
    X(pvx, double, 1)                                                                                         \
    X(pvy, double, 1)                                                                                         \
    X(pvz, double, 1)                                                                                         \
    X(mx, double, 1)                                                                                          \
    X(my, double, 1)                                                                                          \
    X(mz, double, 1)                                                                                          \
    X(radius_um, double, 1)                                                                                   \
    X(volume_um3, double, 1)                                                                                  \
    X(target_volume_um3, double, 1)                                                                           \
    X(pressure, double, 1)                                                                                    \
    X(phase, int8_t, 1)                                                                                       \
    X(phase_elapsed_min, double, 1)                                                                           \
    X(dead_elapsed_min, double, 1)                                                                            \
    X(birth_min, double, 1)                                                                                   \
    X(attached_id, int64_t, 1)                                                                                \
    X(damage, double, 1)                                                                                      \
    X(damage_delivered, double, 1)                                                                            \
    X(attack_time_min, double, 1)                                                                             \
    X(secretion, double, NSUB)                                                                                \
    X(saturation, double, NSUB)                                                                               \
    X(uptake, double, NSUB)                                                                                   \
    X(export_rate, double, NSUB)                                                                              \
    X(svar, double, NSTATE)                                                                                   \
    X(beh, double, NBEH)                                                                                      \
    X(vol, double, c->nvol)

double stroma_sphere_radius(double volume_um3) { return cbrt(volume_um3 * 0.238732414637843); /* 3/(4 pi) */ }

stroma_code stroma_cells_init(stroma_cells *c, int nsub, size_t cap, stroma_error *err) {
    memset(c, 0, sizeof *c);
    c->nsub = nsub;
    c->next_id = 0;
    return stroma_cells_reserve(c, cap < 16 ? 16 : cap, err);
}

void stroma_cells_free(stroma_cells *c) {
#define STROMA_X_FREE(f, T, K) free(c->f);
    STROMA_CELL_ARRAYS(STROMA_X_FREE, c->nsub, c->nstate, c->nbeh)
#undef STROMA_X_FREE
    memset(c, 0, sizeof *c);
}

stroma_code stroma_cells_reserve(stroma_cells *c, size_t cap, stroma_error *err) {
    if (cap <= c->cap) return STROMA_OK;
    size_t nsub = (size_t)c->nsub, nstate = (size_t)c->nstate, nbeh = (size_t)c->nbeh;
    (void)nsub;
    (void)nstate;
    (void)nbeh;
#define STROMA_X_GROW(f, T, K)                                                                                \
    {                                                                                                         \
        void *p = realloc(c->f, cap * ((size_t)(K) > 0 ? (size_t)(K) : 1) * sizeof(T));                       \
        if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory for %zu cells", cap);           \
        c->f = p;                                                                                             \
    }
    STROMA_CELL_ARRAYS(STROMA_X_GROW, nsub, nstate, nbeh)
#undef STROMA_X_GROW
    c->cap = cap;
    return STROMA_OK;
}

size_t stroma_cells_append(stroma_cells *c, stroma_error *err) {
    if (c->n == c->cap && stroma_cells_reserve(c, c->cap * 2, err) != STROMA_OK) return (size_t)-1;
    size_t i = c->n++;
    size_t nsub = (size_t)c->nsub, nstate = (size_t)c->nstate, nbeh = (size_t)c->nbeh;
    (void)nsub;
    (void)nstate;
    (void)nbeh;
#define STROMA_X_ZERO(f, T, K) memset(&c->f[i * (size_t)(K)], 0, (size_t)(K) * sizeof(T));
    STROMA_CELL_ARRAYS(STROMA_X_ZERO, nsub, nstate, nbeh)
#undef STROMA_X_ZERO
    c->id[i] = c->next_id++;
    c->attached_id[i] = -1;
    return i;
}

void stroma_cells_compact(stroma_cells *c, const unsigned char *keep) {
    size_t nsub = (size_t)c->nsub, nstate = (size_t)c->nstate, nbeh = (size_t)c->nbeh;
    (void)nsub;
    (void)nstate;
    (void)nbeh;
    size_t w = 0;
    for (size_t r = 0; r < c->n; r++) {
        if (!keep[r]) continue;
        if (w != r) {
#define STROMA_X_MOVE(f, T, K) memcpy(&c->f[w * (size_t)(K)], &c->f[r * (size_t)(K)], (size_t)(K) * sizeof(T));
            STROMA_CELL_ARRAYS(STROMA_X_MOVE, nsub, nstate, nbeh)
#undef STROMA_X_MOVE
        }
        w++;
    }
    c->n = w;
}

size_t stroma_cells_bytes_per_cell(const stroma_cells *c) {
    size_t nsub = (size_t)c->nsub, nstate = (size_t)c->nstate, nbeh = (size_t)c->nbeh, b = 0;
    (void)nsub;
    (void)nstate;
    (void)nbeh;
#define STROMA_X_SIZE(f, T, K) b += (size_t)(K) * sizeof(T);
    STROMA_CELL_ARRAYS(STROMA_X_SIZE, nsub, nstate, nbeh)
#undef STROMA_X_SIZE
    return b;
}

stroma_code stroma_cells_set_extra(stroma_cells *c, int nstate, int nbeh, stroma_error *err) {
    if (c->n != 0) return stroma_error_set(err, STROMA_ERR_INTERNAL, "cell store: extra columns set after cells exist");
    size_t cap = c->cap;
    c->nstate = nstate;
    c->nbeh = nbeh;
    void *p = realloc(c->svar, cap * (size_t)(nstate > 0 ? nstate : 1) * sizeof(double));
    if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    c->svar = p;
    p = realloc(c->beh, cap * (size_t)(nbeh > 0 ? nbeh : 1) * sizeof(double));
    if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    c->beh = p;
    return STROMA_OK;
}

stroma_code stroma_cells_set_volume_parts(stroma_cells *c, int nvol, stroma_error *err) {
    if (c->n != 0) return stroma_error_set(err, STROMA_ERR_INTERNAL, "cell store: volume parts set after cells exist");
    void *p = realloc(c->vol, (c->cap ? c->cap : 1) * (size_t)(nvol > 0 ? nvol : 1) * sizeof(double));
    if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    c->vol = p;
    c->nvol = nvol;
    return STROMA_OK;
}

void stroma_cells_save(const stroma_cells *c, stroma_buf *b) {
    size_t nsub = (size_t)c->nsub, nstate = (size_t)c->nstate, nbeh = (size_t)c->nbeh;
    stroma_buf_put_u64(b, (uint64_t)c->n);
    stroma_buf_put_u32(b, (uint32_t)c->nsub);
    stroma_buf_put_u32(b, (uint32_t)c->nstate);
    stroma_buf_put_u32(b, (uint32_t)c->nbeh);
    if (c->nvol) stroma_buf_put_u32(b, (uint32_t)c->nvol); /* only models with volume parts: others unchanged */
    stroma_buf_put_i64(b, c->next_id);
#define STROMA_X_SAVE(f, T, K) stroma_buf_put(b, c->f, c->n * (size_t)(K) * sizeof(T));
    STROMA_CELL_ARRAYS(STROMA_X_SAVE, nsub, nstate, nbeh)
#undef STROMA_X_SAVE
}

/* Element kind of a per-cell array, from its C type. */
#define STROMA_CELL_KIND(T)                                                                                   \
    _Generic((T){0}, double: STROMA_CELL_F64, int64_t: STROMA_CELL_I64, int32_t: STROMA_CELL_I32,           \
             uint8_t: STROMA_CELL_U8, int8_t: STROMA_CELL_I8)

size_t stroma_cells_fields(const stroma_cells *c, stroma_cells_field *out, size_t cap) {
    size_t k = 0, nsub = (size_t)c->nsub, nstate = (size_t)c->nstate, nbeh = (size_t)c->nbeh;
    (void)nsub;
    (void)nstate;
    (void)nbeh;
#define STROMA_X_FIELD(f, T, K)                                                                               \
    if (k < cap) out[k] = (stroma_cells_field){#f, (void *)c->f, sizeof(T), (size_t)(K), STROMA_CELL_KIND(T)}; \
    k++;
    STROMA_CELL_ARRAYS(STROMA_X_FIELD, nsub, nstate, nbeh)
#undef STROMA_X_FIELD
    return k;
}

stroma_code stroma_cells_load(stroma_cells *c, stroma_reader *r, stroma_error *err) {
    uint64_t n = stroma_reader_u64(r);
    uint32_t nsub = stroma_reader_u32(r), nstate = stroma_reader_u32(r), nbeh = stroma_reader_u32(r);
    uint32_t nvol = c->nvol ? stroma_reader_u32(r) : 0;
    int64_t next_id = stroma_reader_i64(r);
    if (r->bad || (int)nsub != c->nsub || (int)nstate != c->nstate || (int)nbeh != c->nbeh || (int)nvol != c->nvol)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint cells do not fit this model (%u substrates, %u state variables, %u "
                                "rule slots, %u volume parts per cell; the model has %d, %d, %d, %d)",
                                nsub, nstate, nbeh, nvol, c->nsub, c->nstate, c->nbeh, c->nvol);
    if (n > (r->len - r->pos) / sizeof(int64_t))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint cells section is truncated (%llu cells)",
                                (unsigned long long)n);
    stroma_code rc = stroma_cells_reserve(c, (size_t)n, err);
    if (rc != STROMA_OK) return rc;
#define STROMA_X_LOAD(f, T, K) stroma_reader_get(r, c->f, (size_t)n * (size_t)(K) * sizeof(T));
    STROMA_CELL_ARRAYS(STROMA_X_LOAD, nsub, nstate, nbeh)
#undef STROMA_X_LOAD
    if (r->bad) {
        c->n = 0;
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint cells section is truncated");
    }
    c->n = (size_t)n;
    c->next_id = next_id;
    /* every real number of every cell is finite; ids increase and stay below next_id */
    stroma_cells_field fields[64];
    size_t nf = stroma_cells_fields(c, fields, sizeof fields / sizeof *fields);
    for (size_t f = 0; f < nf && f < sizeof fields / sizeof *fields; f++) {
        if (fields[f].kind != STROMA_CELL_F64) continue;
        const double *v = fields[f].data;
        for (size_t j = 0; j < c->n * fields[f].per_cell; j++)
            if (!isfinite(v[j])) {
                size_t i = j / fields[f].per_cell;
                c->n = 0;
                return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint cell %zu: %s is not finite (%g)", i,
                                        fields[f].name, v[j]);
            }
    }
    for (size_t i = 0; i < c->n; i++)
        if (c->id[i] < 0 || (i > 0 && c->id[i] <= c->id[i - 1]) || c->id[i] >= next_id) {
            int64_t id = c->id[i];
            c->n = 0;
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint cell %zu: id %lld is not above the previous cell's and below the "
                                    "next id %lld",
                                    i, (long long)id, (long long)next_id);
        }
    return STROMA_OK;
}
