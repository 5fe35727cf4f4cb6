/* Atomic files (see atomic_file.h). */
#include "io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error_impl.h"

/* The directory part of path ("." when it has none) into buf. */
static void dir_of(const char *path, char *buf, size_t cap) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, cap, ".");
    else if (slash == path)
        snprintf(buf, cap, "/");
    else
        snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

int stroma_atomic_is_tmp_name(const char *name) {
    const char *t = strstr(name, ".tmp-");
    if (!t || t == name) return 0;
    t += 5;
    int dash = 0;
    for (; *t; t++) {
        if (*t == '-')
            dash++;
        else if (*t < '0' || *t > '9')
            return 0;
    }
    return dash == 1;
}

stroma_code stroma_atomic_begin(stroma_atomic_file *af, const char *path, int flags, stroma_error *err) {
    memset(af, 0, sizeof *af);
    af->sync = (flags & STROMA_ATOMIC_SYNC) != 0;
    size_t len = strlen(path);
    if (len == 0 || path[len - 1] == '/' || len >= sizeof af->final_path)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "output file name '%s' is empty, a directory or too long",
                                path);
    memcpy(af->final_path, path, len + 1);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "output '%s' exists and is not a regular file", path);
    char dir[1024];
    dir_of(path, dir, sizeof dir);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return stroma_error_set(err, STROMA_ERR_NOT_FOUND, "cannot write '%s': directory '%s' does not exist", path,
                                dir);
    int fd = -1;
    for (int n = 0; n < 100 && fd < 0; n++) {
        snprintf(af->tmp_path, sizeof af->tmp_path, "%s.tmp-%ld-%d", path, (long)getpid(), n);
        fd = open(af->tmp_path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) return stroma_error_set(err, STROMA_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    af->have_tmp = 1;
    af->f = fdopen(fd, "w");
    if (!af->f) {
        int e = errno;
        close(fd);
        stroma_atomic_abort(af);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "cannot write '%s': %s", path, strerror(e));
    }
    return STROMA_OK;
}

stroma_code stroma_atomic_finish(stroma_atomic_file *af, stroma_error *err) {
    if (!af->f) return stroma_error_set(err, STROMA_ERR_INTERNAL, "'%s' is not open", af->final_path);
    int bad = ferror(af->f) != 0 || fflush(af->f) != 0;
    int e = errno;
    if (!bad && af->sync && fsync(fileno(af->f)) != 0 && errno != EINVAL) {
        bad = 1;
        e = errno;
    }
    if (fclose(af->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->f = NULL;
    if (bad)
        return stroma_error_set(err, STROMA_ERR_IO, "writing '%s' failed: %s", af->final_path,
                                e ? strerror(e) : "write error");
    return STROMA_OK;
}

stroma_code stroma_atomic_commit(stroma_atomic_file *af, stroma_error *err) {
    if (af->f || !af->have_tmp)
        return stroma_error_set(err, STROMA_ERR_INTERNAL, "'%s' is not finished", af->final_path);
    if (rename(af->tmp_path, af->final_path) != 0)
        return stroma_error_set(err, STROMA_ERR_IO, "cannot move '%s' into place: %s", af->final_path, strerror(errno));
    af->have_tmp = 0;
    return STROMA_OK;
}

void stroma_atomic_abort(stroma_atomic_file *af) {
    if (af->f) {
        fclose(af->f);
        af->f = NULL;
    }
    if (af->have_tmp) {
        unlink(af->tmp_path);
        af->have_tmp = 0;
    }
}
