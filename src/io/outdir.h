/* Atomic output directories: a run writes into "<dir>.partial-<pid>" and renames it to <dir> only when every
 * file is complete, so a failed or interrupted run never leaves a half-written <dir>. */
#ifndef STROMA_IO_OUTDIR_H
#define STROMA_IO_OUTDIR_H

#include <stdio.h>

#include "stroma/error.h"

typedef struct stroma_outdir {
    char final_path[1024];
    char tmp_path[1100];
} stroma_outdir;

/* Check that `path` may be (re)placed (absent, empty, or an earlier stroma output holding summary.json) and
 * create the temporary directory beside it (parents are created). */
stroma_code stroma_outdir_begin(stroma_outdir *od, const char *path, stroma_error *err);

/* Create a subdirectory `rel` inside the temporary directory. */
stroma_code stroma_outdir_mkdir(stroma_outdir *od, const char *rel, stroma_error *err);

/* Open `rel` inside the temporary directory for writing ("w"). Returns NULL with *err on failure. */
FILE *stroma_outdir_open(stroma_outdir *od, const char *rel, stroma_error *err);

/* Close a file opened above, reporting any write error (a full disk included) with the file's name. */
stroma_code stroma_outdir_close(stroma_outdir *od, FILE *f, const char *rel, stroma_error *err);

/* Move the finished directory into place (replacing an earlier output). */
stroma_code stroma_outdir_commit(stroma_outdir *od, stroma_error *err);

/* Remove the temporary directory and everything in it. */
void stroma_outdir_abort(stroma_outdir *od);

/* Remove a directory tree (no symlinks followed). Returns 0 on success. */
int stroma_remove_tree(const char *path);

#endif
