/* Atomic files: a file is written under a temporary name in its own directory and renamed onto its final path
 * only when complete and flushed to disk, so a reader sees either the old file or the whole new one, and a
 * failed writer leaves nothing behind. */
#ifndef STROMA_IO_ATOMIC_FILE_H
#define STROMA_IO_ATOMIC_FILE_H

#include <stdio.h>

#include "stroma/error.h"

typedef struct stroma_atomic_file {
    char final_path[1024];
    char tmp_path[1100];
    FILE *f;      /* open while writing; NULL after finish/abort */
    int have_tmp; /* the temporary file exists */
    int sync;     /* finish flushes the file to disk (fsync) before it may be committed */
} stroma_atomic_file;

/* Flags of stroma_atomic_begin. */
enum { STROMA_ATOMIC_SYNC = 1 }; /* fsync at finish: the file survives a power loss once committed */

/* Check that `path` may be written (absent or a regular file; its directory exists) and open a new temporary
 * file beside it ("<path>.tmp-<pid>-<n>", created exclusively) for writing into af->f. Errors:
 * STROMA_ERR_ARGUMENT (path empty or too long, or exists and is not a regular file), STROMA_ERR_NOT_FOUND
 * (its directory does not exist), STROMA_ERR_IO (the directory is not writable). On error nothing is left
 * open or created. */
stroma_code stroma_atomic_begin(stroma_atomic_file *af, const char *path, int flags, stroma_error *err);

/* Is `name` (a file name, no directory) a temporary file of stroma_atomic_begin ("...tmp-<pid>-<n>")? */
int stroma_atomic_is_tmp_name(const char *name);

/* Flush (and with STROMA_ATOMIC_SYNC sync) and close af->f, reporting any write error (a full disk included) with the final path's name.
 * The temporary file stays until commit or abort. */
stroma_code stroma_atomic_finish(stroma_atomic_file *af, stroma_error *err);

/* Rename the finished temporary file onto the final path (replacing an earlier file). */
stroma_code stroma_atomic_commit(stroma_atomic_file *af, stroma_error *err);

/* Close af->f if open and remove the temporary file if it exists. Safe to call more than once. */
void stroma_atomic_abort(stroma_atomic_file *af);

#endif
