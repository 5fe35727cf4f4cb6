/* Checkpoints: a versioned, checksummed binary snapshot of a simulation's complete state, written atomically.
 *
 * Design notes
 * - Every module that owns state registers a section (a name, a version and save/load functions) with the
 *   simulation's registry (stroma_state_register); the checkpoint is the run's parameters followed by every
 *   registered section in registration order. A module added later (ECM, vessels, plasma, drugs) registers its
 *   own section and nothing here changes. Derived data (neighbour grids, secretion maps, solver coefficients,
 *   placed sources) is rebuilt, not stored.
 * - File: an 88-byte header — magic "STROMACK", format version (u32), byte-order mark 0x01020304 (u32),
 *   payload length (u64), SHA-256 of the payload (64 hex characters) — then the payload. Reading refuses a
 *   foreign file, another format version or byte order, a truncated file and a checksum mismatch, each with
 *   its own message.
 * - Payload: run parameters (model path, absolute and as given, SHA-256, seed, end time, solver, checkpoint
 *   interval, step, time), then
 *   the section count and, per section, name, version, byte length and bytes.
 * - Writing goes through io/atomic_file.h with STROMA_ATOMIC_SYNC (a temporary name, fsync, rename over
 *   <path>), so a reader (or a resume after SIGKILL) sees either the previous checkpoint or the new one. */
#ifndef STROMA_SIM_CHECKPOINT_H
#define STROMA_SIM_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "stroma/error.h"
#include "util/buf.h"

#define STROMA_CHECKPOINT_VERSION 3
#define STROMA_MAX_STATE_SECTIONS 16

typedef void (*stroma_state_save_fn)(const void *ctx, stroma_buf *b);
typedef stroma_code (*stroma_state_load_fn)(void *ctx, stroma_reader *r, stroma_error *err);

typedef struct stroma_state_section {
    char name[24];
    uint32_t version;
    void *ctx; /* borrowed: the module's state */
    stroma_state_save_fn save;
    stroma_state_load_fn load;
} stroma_state_section;

typedef struct stroma_state_registry {
    int n;
    stroma_state_section s[STROMA_MAX_STATE_SECTIONS];
} stroma_state_registry;

/* Register a section (name unique, at most 23 characters). Returns STROMA_ERR_INTERNAL if the registry is
 * full or the name is taken. */
stroma_code stroma_state_register(stroma_state_registry *reg, const char *name, uint32_t version, void *ctx,
                                  stroma_state_save_fn save, stroma_state_load_fn load, stroma_error *err);

/* What a checkpoint records about its run (enough to recreate the simulation before loading the sections). */
typedef struct stroma_checkpoint_meta {
    char model_path[1024];  /* absolute path of the model file */
    char model_arg[512];    /* the model file as the run was given it (summary.json records this) */
    char model_sha256[65];  /* of the file and its overrides */
    char overrides[8192];   /* the model's overrides (stroma_model_overrides: "--set key=value\n" each), reapplied */
    uint64_t seed;
    double end_min;
    char solver[32];
    double checkpoint_every_min;
    int64_t step;           /* diffusion steps taken at the checkpoint */
    double time_min;
} stroma_checkpoint_meta;

/* Write every registered section, after `meta`, to `path` atomically. */
stroma_code stroma_checkpoint_write(const char *path, const stroma_checkpoint_meta *meta,
                                    const stroma_state_registry *reg, stroma_error *err);

/* Read and verify `path` (magic, version, byte order, length, checksum) and parse its run parameters (which must
 * be sane: a model path, an end time > 0, a step >= 0 and the time it stands for, a checkpoint interval >= 0, all
 * finite). On
 * success *payload holds the verified payload (owned by the caller: stroma_buf_free) for
 * stroma_checkpoint_restore. Errors are STROMA_ERR_NOT_FOUND (no file) or STROMA_ERR_ARGUMENT (a foreign,
 * corrupt or incompatible file), with the path in the message. */
stroma_code stroma_checkpoint_read(const char *path, stroma_checkpoint_meta *meta, stroma_buf *payload,
                                   stroma_error *err);

/* Load every registered section from a verified payload; each registered section must be present with the
 * same version and consume exactly its bytes, and no other section may be present. */
stroma_code stroma_checkpoint_restore(const char *path, const stroma_buf *payload, const stroma_state_registry *reg,
                                      stroma_error *err);

#endif
