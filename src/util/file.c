/* Opening regular input files (see file.h). */
#define _XOPEN_SOURCE 700
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a non-regular file is, for messages ("... is a FIFO (named pipe), not a regular file"). */
static const char *file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "a special file";
}

static FILE *open_failed(int e, stroma_code *code, char *why, size_t cap) {
    *code = e == ENOENT || e == ENOTDIR ? STROMA_ERR_NOT_FOUND : STROMA_ERR_IO;
    if (cap && strerror_r(e, why, cap)) snprintf(why, cap, "error %d", e);
    return NULL;
}

static FILE *not_regular(mode_t mode, stroma_code *code, char *why, size_t cap) {
    *code = STROMA_ERR_ARGUMENT;
    if (cap) snprintf(why, cap, "%s", file_kind(mode));
    return NULL;
}

FILE *stroma_open_regular(const char *path, stroma_code *code, char *why, size_t cap) {
    stroma_code ignored;
    if (!code) code = &ignored;
    struct stat st;
    if (stat(path, &st) != 0) return open_failed(errno, code, why, cap);
    if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode, code, why, cap);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return open_failed(errno, code, why, cap);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        mode_t mode = st.st_mode;
        close(fd);
        return S_ISREG(mode) ? open_failed(e, code, why, cap) : not_regular(mode, code, why, cap);
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return open_failed(e, code, why, cap);
    }
    return f;
}

/* Read a whole regular file (NUL-terminated copy in *buf). Returns 0, or an errno value (EINVAL: not a regular
 * file — a FIFO would block, a device never end). */
int stroma_read_regular_file(const char *path, char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    errno = 0;
    stroma_code code;
    char why[128];
    FILE *f = stroma_open_regular(path, &code, why, sizeof why);
    if (!f) return code == STROMA_ERR_ARGUMENT ? EINVAL : errno ? errno : EIO;
    size_t cap = 65536, n = 0;
    char *p = malloc(cap + 1);
    while (p) {
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        char *q = realloc(p, 2 * cap + 1);
        if (!q) {
            free(p);
            p = NULL;
            break;
        }
        p = q;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!p) return ENOMEM;
    if (bad) {
        free(p);
        return EIO;
    }
    p[n] = '\0';
    *buf = p;
    *len = n;
    return 0;
}
