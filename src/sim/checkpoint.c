/* Checkpoint files: registry of state sections, atomic write, verified read (see checkpoint.h). */
#include "sim/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic_file.h"
#include "model/sha256.h"
#include "util/error_impl.h"
#include "util/file.h"

static const char ckpt_magic[8] = {'S', 'T', 'R', 'O', 'M', 'A', 'C', 'K'};
#define CKPT_BOM UINT32_C(0x01020304)
#define CKPT_HEADER_BYTES (8 + 4 + 4 + 8 + 64)

stroma_code stroma_state_register(stroma_state_registry *reg, const char *name, uint32_t version, void *ctx,
                                  stroma_state_save_fn save, stroma_state_load_fn load, stroma_error *err) {
    if (reg->n >= STROMA_MAX_STATE_SECTIONS || strlen(name) >= sizeof reg->s[0].name)
        return stroma_error_set(err, STROMA_ERR_INTERNAL, "cannot register state section '%s'", name);
    for (int i = 0; i < reg->n; i++)
        if (strcmp(reg->s[i].name, name) == 0)
            return stroma_error_set(err, STROMA_ERR_INTERNAL, "state section '%s' registered twice", name);
    stroma_state_section *s = &reg->s[reg->n++];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->version = version;
    s->ctx = ctx;
    s->save = save;
    s->load = load;
    return STROMA_OK;
}

static void put_meta(stroma_buf *b, const stroma_checkpoint_meta *m) {
    stroma_buf_put_str(b, m->model_path);
    stroma_buf_put_str(b, m->model_arg);
    stroma_buf_put_str(b, m->model_sha256);
    stroma_buf_put_str(b, m->overrides);
    stroma_buf_put_u64(b, m->seed);
    stroma_buf_put_f64(b, m->end_min);
    stroma_buf_put_str(b, m->solver);
    stroma_buf_put_f64(b, m->checkpoint_every_min);
    stroma_buf_put_i64(b, m->step);
    stroma_buf_put_f64(b, m->time_min);
}

static void get_meta(stroma_reader *r, stroma_checkpoint_meta *m) {
    memset(m, 0, sizeof *m);
    stroma_reader_str(r, m->model_path, sizeof m->model_path);
    stroma_reader_str(r, m->model_arg, sizeof m->model_arg);
    stroma_reader_str(r, m->model_sha256, sizeof m->model_sha256);
    stroma_reader_str(r, m->overrides, sizeof m->overrides);
    m->seed = stroma_reader_u64(r);
    m->end_min = stroma_reader_f64(r);
    stroma_reader_str(r, m->solver, sizeof m->solver);
    m->checkpoint_every_min = stroma_reader_f64(r);
    m->step = stroma_reader_i64(r);
    m->time_min = stroma_reader_f64(r);
}

/* What is wrong with a run description read from a checkpoint, or NULL. */
static const char *meta_problem(const stroma_checkpoint_meta *m) {
    if (!m->model_path[0]) return "no model path";
    if (!m->model_arg[0]) return "no model name";
    if (strlen(m->model_sha256) != 64) return "no model checksum";
    if (!(m->end_min > 0) || !isfinite(m->end_min)) return "an end time that is not a positive number";
    if (!(m->checkpoint_every_min >= 0) || !isfinite(m->checkpoint_every_min))
        return "a checkpoint interval that is not a number >= 0";
    if (m->step < 0) return "a negative step";
    if (!(m->time_min >= 0) || !isfinite(m->time_min) || m->time_min > m->end_min * (1 + 1e-9))
        return "a time outside the run";
    if (!m->solver[0]) return "no solver";
    return NULL;
}

stroma_code stroma_checkpoint_write(const char *path, const stroma_checkpoint_meta *meta,
                                    const stroma_state_registry *reg, stroma_error *err) {
    stroma_buf b = {0};
    put_meta(&b, meta);
    stroma_buf_put_u32(&b, (uint32_t)reg->n);
    for (int i = 0; i < reg->n; i++) {
        const stroma_state_section *s = &reg->s[i];
        stroma_buf_put_str(&b, s->name);
        stroma_buf_put_u32(&b, s->version);
        size_t at = b.len;
        stroma_buf_put_u64(&b, 0); /* length, patched below */
        size_t start = b.len;
        s->save(s->ctx, &b);
        if (!b.failed) {
            uint64_t len = (uint64_t)(b.len - start);
            memcpy(b.data + at, &len, sizeof len);
        }
    }
    if (b.failed) {
        stroma_buf_free(&b);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory writing checkpoint '%s'", path);
    }
    unsigned char head[CKPT_HEADER_BYTES];
    uint32_t version = STROMA_CHECKPOINT_VERSION, bom = CKPT_BOM;
    uint64_t len = (uint64_t)b.len;
    char hex[65];
    stroma_sha256_hex(b.data, b.len, hex);
    memcpy(head, ckpt_magic, 8);
    memcpy(head + 8, &version, 4);
    memcpy(head + 12, &bom, 4);
    memcpy(head + 16, &len, 8);
    memcpy(head + 24, hex, 64);

    stroma_atomic_file af;
    stroma_code rc = stroma_atomic_begin(&af, path, STROMA_ATOMIC_SYNC, err);
    if (rc == STROMA_OK) {
        fwrite(head, 1, sizeof head, af.f);
        fwrite(b.data, 1, b.len, af.f);
        rc = stroma_atomic_finish(&af, err);
    }
    stroma_buf_free(&b);
    if (rc == STROMA_OK) rc = stroma_atomic_commit(&af, err);
    stroma_atomic_abort(&af);
    if (rc != STROMA_OK) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err ? err->message : "");
        return stroma_error_set(err, rc, "checkpoint not written: %s", msg);
    }
    return STROMA_OK;
}

stroma_code stroma_checkpoint_read(const char *path, stroma_checkpoint_meta *meta, stroma_buf *payload,
                                   stroma_error *err) {
    memset(payload, 0, sizeof *payload);
    stroma_code code;
    char why[128];
    FILE *f = stroma_open_regular(path, &code, why, sizeof why); /* a FIFO would block in fopen */
    if (!f && code == STROMA_ERR_ARGUMENT)
        return stroma_error_set(err, code, "checkpoint '%s' is not a regular file (it is %s)", path, why);
    if (!f) return stroma_error_set(err, code, "cannot open checkpoint '%s': %s", path, why);
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return stroma_error_set(err, STROMA_ERR_IO, "cannot read checkpoint '%s': %s", path, strerror(errno));
    }
    unsigned char head[CKPT_HEADER_BYTES];
    size_t got = fread(head, 1, sizeof head, f);
    if (got < 8 || memcmp(head, ckpt_magic, 8) != 0) {
        fclose(f);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "'%s' is not a stroma checkpoint (no STROMACK header)",
                                path);
    }
    if (got < sizeof head) {
        fclose(f);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint '%s' is truncated (%zu-byte header)", path, got);
    }
    uint32_t version, bom;
    uint64_t len;
    memcpy(&version, head + 8, 4);
    memcpy(&bom, head + 12, 4);
    memcpy(&len, head + 16, 8);
    if (bom != CKPT_BOM) {
        fclose(f);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint '%s' was written on a machine of another byte order", path);
    }
    if (version != STROMA_CHECKPOINT_VERSION) {
        fclose(f);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint '%s' has format version %u; this stroma reads version %d", path,
                                version, STROMA_CHECKPOINT_VERSION);
    }
    if ((uint64_t)st.st_size != (uint64_t)sizeof head + len) {
        fclose(f);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint '%s' is %s: %lld bytes, the header says %llu", path,
                                (uint64_t)st.st_size < (uint64_t)sizeof head + len ? "truncated" : "too long",
                                (long long)st.st_size, (unsigned long long)(sizeof head + len));
    }
    payload->data = malloc(len ? (size_t)len : 1);
    if (!payload->data) {
        fclose(f);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory reading checkpoint '%s'", path);
    }
    payload->len = payload->cap = (size_t)len;
    got = fread(payload->data, 1, (size_t)len, f);
    fclose(f);
    if (got != (size_t)len) {
        stroma_buf_free(payload);
        return stroma_error_set(err, STROMA_ERR_IO, "cannot read checkpoint '%s'", path);
    }
    char hex[65];
    stroma_sha256_hex(payload->data, payload->len, hex);
    if (memcmp(hex, head + 24, 64) != 0) {
        stroma_buf_free(payload);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint '%s' is corrupted: its checksum does not match its contents", path);
    }
    stroma_reader r = {payload->data, payload->len, 0, 0};
    get_meta(&r, meta);
    const char *problem = r.bad ? "a malformed layout" : meta_problem(meta);
    if (problem) {
        stroma_buf_free(payload);
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint '%s' has a bad run description: %s", path,
                                problem);
    }
    return STROMA_OK;
}

stroma_code stroma_checkpoint_restore(const char *path, const stroma_buf *payload, const stroma_state_registry *reg,
                                      stroma_error *err) {
    stroma_reader r = {payload->data, payload->len, 0, 0};
    stroma_checkpoint_meta skip;
    get_meta(&r, &skip);
    uint32_t n = stroma_reader_u32(&r);
    if (r.bad || n != (uint32_t)reg->n)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                "checkpoint '%s' holds %u state sections; this simulation has %d", path, n, reg->n);
    for (int i = 0; i < reg->n; i++) {
        const stroma_state_section *s = &reg->s[i];
        char name[64];
        stroma_reader_str(&r, name, sizeof name);
        uint32_t version = stroma_reader_u32(&r);
        uint64_t len = stroma_reader_u64(&r);
        if (r.bad || len > r.len - r.pos)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint '%s' is malformed at section %d", path, i);
        if (strcmp(name, s->name) != 0)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint '%s' has section '%s' where this simulation expects '%s'", path, name,
                                    s->name);
        if (version != s->version)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "checkpoint '%s': section '%s' has version %u, this stroma reads version %u",
                                    path, name, version, s->version);
        stroma_reader sub = {r.p + r.pos, (size_t)len, 0, 0};
        stroma_code rc = s->load(s->ctx, &sub, err);
        if (rc != STROMA_OK) return rc;
        if (sub.bad || sub.pos != sub.len)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint '%s': section '%s' is malformed", path,
                                    name);
        r.pos += (size_t)len;
    }
    if (r.pos != r.len)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint '%s' has trailing data", path);
    return STROMA_OK;
}
