/* Output directories written file by file, each file atomically (io/atomic_file.h: written under a temporary
 * name beside it and renamed to <name> when complete), so every file a reader (or a resumed run) finds is whole. The directory itself is
 * written in place, so a run that fails or is killed leaves what it had finished; run.json says how far it
 * got (see src/sim/run.c). */
#ifndef STROMA_IO_OUTDIR_H
#define STROMA_IO_OUTDIR_H

#include <stddef.h>
#include <stdio.h>

#include "io/atomic_file.h"
#include "stroma/error.h"

#define STROMA_OUTDIR_MAX_OPEN 4

typedef struct stroma_outdir {
    char path[1024];
    stroma_atomic_file open[STROMA_OUTDIR_MAX_OPEN]; /* files being written (under temporary names) */
    size_t committed; /* files moved into place so far (stroma_outdir_close successes) */
} stroma_outdir;

/* Start a fresh output in `path`: create it (and its parents) if absent; use it if empty; if it holds an earlier
 * stroma output (stroma_outdir_is_run), remove the files of that output — only names stroma writes, see
 * outdir.c; anything else in the directory stays; refuse any other non-empty directory (STROMA_ERR_ARGUMENT),
 * leaving it untouched. */
stroma_code stroma_outdir_begin(stroma_outdir *od, const char *path, stroma_error *err);

/* Does `path` hold a stroma output: a run.json that stroma wrote (a JSON object with "stroma_version" and
 * "status")? A file merely named run.json or summary.json is not one. */
int stroma_outdir_is_run(const char *path);

/* Continue writing into an existing stroma output (a resumed run); removes the temporary files a killed run
 * left. */
stroma_code stroma_outdir_reopen(stroma_outdir *od, const char *path, stroma_error *err);

/* Write into the existing directory `path` as it is, removing nothing (the report rebuilt from a run's files). */
stroma_code stroma_outdir_use(stroma_outdir *od, const char *path, stroma_error *err);

/* Create a subdirectory `rel` (no error if it exists). */
stroma_code stroma_outdir_mkdir(stroma_outdir *od, const char *rel, stroma_error *err);

/* Open `rel` for writing under a temporary name. Returns NULL with *err on failure. */
FILE *stroma_outdir_open(stroma_outdir *od, const char *rel, stroma_error *err);

/* Close a file opened above and rename it to `rel`, reporting any write error (a full disk included) with the
 * file's name; on error the temporary file is removed and `rel` keeps its previous contents. */
stroma_code stroma_outdir_close(stroma_outdir *od, FILE *f, const char *rel, stroma_error *err);

/* Write `n` bytes as the whole of file `rel`, atomically (open + close). */
stroma_code stroma_outdir_write(stroma_outdir *od, const char *rel, const void *data, size_t n, stroma_error *err);

/* Overwrite the existing regular file `rel` in place — no temporary file, no rename, nothing created — with the
 * n bytes of data followed by `fill` bytes up to the file's current size, then flush it to disk (fdatasync). For
 * a record that must be updated when no new file can be written in the directory (a full disk, a folder made
 * read-only): it needs write permission on the file only, and no new blocks on a file system that rewrites in
 * place. Not atomic: a reader at that moment, or a crash, may see old and new bytes mixed. Errors
 * (STROMA_ERR_IO): the file is absent, not regular or not writable, n exceeds its size, a write fails. */
stroma_code stroma_outdir_overwrite(stroma_outdir *od, const char *rel, const void *data, size_t n, char fill,
                                    stroma_error *err);

/* Temporary files (io/atomic_file.h names) in the directory and its subdirectories: after a failure, those that
 * could not be removed (a folder made read-only). */
size_t stroma_outdir_count_tmp(const stroma_outdir *od);

/* Close (and discard) every file still open under a temporary name, e.g. after an error. */
void stroma_outdir_discard_open(stroma_outdir *od);

/* Remove a directory tree (no symlinks followed). Returns 0 on success. */
int stroma_remove_tree(const char *path);

#endif
