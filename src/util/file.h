/* Opening input files that must be regular files (model, cell and rules CSV, checkpoint, a run's JSON and CSV
 * files read back, PhysiCell inputs): a directory, FIFO, device or socket is refused without blocking, so a
 * named pipe with no writer cannot hang the program and /dev/zero cannot feed it for ever. */
#ifndef STROMA_UTIL_FILE_H
#define STROMA_UTIL_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "stroma/error.h"

/* Open `path` for reading ("rb") if it is a regular file. The type is checked with stat before opening (so a
 * device is never opened) and again on the descriptor (so a path swapped in between is caught); the open is
 * non-blocking (a FIFO does not wait for a writer; reading a regular file is unaffected). Returns the stream
 * (the caller closes it), or NULL with *code and why[cap]:
 *   STROMA_ERR_NOT_FOUND  absent, or a path through something that is not a directory (ENOENT, ENOTDIR); why is
 *                         strerror's text
 *   STROMA_ERR_ARGUMENT   it exists and is not a regular file; why is what it is: "a directory", "a FIFO (named
 *                         pipe)", "a device", "a socket" or "a special file" (for "... is %s, not a regular file")
 *   STROMA_ERR_IO         any other failure (permission, I/O error); why is strerror's text */
FILE *stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap);

/* Read a whole regular file (through stroma_open_regular) into *buf, a NUL-terminated copy owned by the caller,
 * and its length into *len. Returns 0, or an errno value (EINVAL: not a regular file — a FIFO would block, a
 * device never end; ENOMEM; EIO). */
int stroma_read_regular_file(const char *path, char **buf, size_t *len);

#endif
