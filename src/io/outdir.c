/* Output directories with atomic files (see outdir.h). */
#define _XOPEN_SOURCE 700
#include "io/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error_impl.h"

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

int stroma_remove_tree(const char *path) { return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static int mkdir_parents(const char *path) {
    char buf[1100];
    snprintf(buf, sizeof buf, "%s/", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    }
    return 0;
}

static stroma_code set_path(stroma_outdir *od, const char *path, stroma_error *err) {
    memset(od, 0, sizeof *od);
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') len--;
    if (len == 0 || len >= sizeof od->path)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "output directory name '%s' is empty or too long", path);
    memcpy(od->path, path, len);
    od->path[len] = '\0';
    return STROMA_OK;
}

static int has_file(const char *dir, const char *name) {
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* Remove every entry of directory `path` (not the directory itself). */
static int clear_dir(const char *path) {
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char p[1400];
        snprintf(p, sizeof p, "%s/%s", path, de->d_name);
        if (stroma_remove_tree(p) != 0) rc = -1;
    }
    closedir(d);
    return rc;
}

static int dir_is_empty(const char *path) {
    DIR *d = opendir(path);
    if (!d) return 0;
    struct dirent *de;
    int empty = 1;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

stroma_code stroma_outdir_begin(stroma_outdir *od, const char *path, stroma_error *err) {
    stroma_code rc = set_path(od, path, err);
    if (rc != STROMA_OK) return rc;
    struct stat st;
    if (stat(od->path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "output path '%s' exists and is not a directory",
                                    od->path);
        if (!dir_is_empty(od->path)) {
            if (!has_file(od->path, "run.json") && !has_file(od->path, "summary.json"))
                return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                        "refusing to replace '%s': it is not empty and holds no stroma output "
                                        "(run.json)",
                                        od->path);
            if (clear_dir(od->path) != 0)
                return stroma_error_set(err, STROMA_ERR_IO, "cannot clear the earlier output in '%s': %s", od->path,
                                        strerror(errno));
        }
        return STROMA_OK;
    }
    if (mkdir_parents(od->path) != 0) /* under a regular file (ENOTDIR) is a bad path, not a failure to write */
        return stroma_error_set(err, errno == ENOTDIR ? STROMA_ERR_ARGUMENT : STROMA_ERR_IO,
                                "cannot create output directory '%s': %s", od->path, strerror(errno));
    return STROMA_OK;
}

/* A temporary file left by a killed writer (io/atomic_file.h names them). */
static int rm_tmp(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    if (flag == FTW_F && stroma_atomic_is_tmp_name(p + ftw->base)) unlink(p);
    return 0;
}

stroma_code stroma_outdir_reopen(stroma_outdir *od, const char *path, stroma_error *err) {
    stroma_code rc = set_path(od, path, err);
    if (rc != STROMA_OK) return rc;
    struct stat st;
    if (stat(od->path, &st) != 0 || !S_ISDIR(st.st_mode))
        return stroma_error_set(err, STROMA_ERR_NOT_FOUND, "'%s' is not a directory", od->path);
    if (!has_file(od->path, "run.json"))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "'%s' holds no stroma run (run.json)", od->path);
    nftw(od->path, rm_tmp, 16, FTW_PHYS); /* what a killed run was writing is rewritten from its checkpoint */
    return STROMA_OK;
}

stroma_code stroma_outdir_mkdir(stroma_outdir *od, const char *rel, stroma_error *err) {
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", od->path, rel);
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        return stroma_error_set(err, STROMA_ERR_IO, "cannot create '%s': %s", p, strerror(errno));
    return STROMA_OK;
}

FILE *stroma_outdir_open(stroma_outdir *od, const char *rel, stroma_error *err) {
    int slot = -1;
    for (int k = 0; k < STROMA_OUTDIR_MAX_OPEN; k++)
        if (!od->open[k].f) {
            slot = k;
            break;
        }
    if (slot < 0) {
        stroma_error_set(err, STROMA_ERR_INTERNAL, "too many output files open at once (writing '%s')", rel);
        return NULL;
    }
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", od->path, rel);
    /* no fsync: a file must survive the process being killed, for which rename suffices; checkpoints sync */
    if (stroma_atomic_begin(&od->open[slot], p, 0, err) != STROMA_OK) {
        /* inside a run's own directory every failure to write is an I/O failure, not bad input */
        if (err && err->code != STROMA_ERR_IO) {
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "%s", err->message);
            stroma_error_set(err, STROMA_ERR_IO, "%s", msg);
        }
        return NULL;
    }
    return od->open[slot].f;
}

stroma_code stroma_outdir_close(stroma_outdir *od, FILE *f, const char *rel, stroma_error *err) {
    for (int k = 0; k < STROMA_OUTDIR_MAX_OPEN; k++) {
        stroma_atomic_file *af = &od->open[k];
        if (af->f != f) continue;
        stroma_code rc = stroma_atomic_finish(af, err);
        if (rc == STROMA_OK) rc = stroma_atomic_commit(af, err);
        stroma_atomic_abort(af);
        if (rc == STROMA_OK) od->committed++;
        return rc;
    }
    fclose(f);
    return stroma_error_set(err, STROMA_ERR_INTERNAL, "'%s/%s' was not opened as an output file", od->path, rel);
}

stroma_code stroma_outdir_write(stroma_outdir *od, const char *rel, const void *data, size_t n, stroma_error *err) {
    FILE *f = stroma_outdir_open(od, rel, err);
    if (!f) return err ? err->code : STROMA_ERR_IO;
    if (n) fwrite(data, 1, n, f);
    return stroma_outdir_close(od, f, rel, err);
}

stroma_code stroma_outdir_overwrite(stroma_outdir *od, const char *rel, const void *data, size_t n, char fill,
                                    stroma_error *err) {
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", od->path, rel);
    int fd = open(p, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC); /* no O_CREAT, no O_TRUNC */
    if (fd < 0) return stroma_error_set(err, STROMA_ERR_IO, "cannot open '%s' to rewrite it: %s", p, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uintmax_t)st.st_size < (uintmax_t)n) {
        int e = errno;
        close(fd);
        if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size < (uintmax_t)n)
            return stroma_error_set(err, STROMA_ERR_IO, "cannot rewrite '%s' in place: %zu bytes do not fit its %jd",
                                    p, n, (intmax_t)st.st_size);
        return stroma_error_set(err, STROMA_ERR_IO, "cannot rewrite '%s' in place: %s", p,
                                S_ISREG(st.st_mode) ? strerror(e) : "not a regular file");
    }
    size_t size = (size_t)st.st_size, done = 0;
    char pad[4096];
    memset(pad, fill, sizeof pad);
    while (done < size) {
        const char *from = done < n ? (const char *)data + done : pad;
        size_t want = done < n ? n - done : size - done < sizeof pad ? size - done : sizeof pad;
        ssize_t w = pwrite(fd, from, want, (off_t)done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            close(fd);
            return stroma_error_set(err, STROMA_ERR_IO, "rewriting '%s' in place failed: %s", p, strerror(e));
        }
        done += (size_t)w;
    }
    if (fdatasync(fd) != 0 && errno != EINVAL) {
        int e = errno;
        close(fd);
        return stroma_error_set(err, STROMA_ERR_IO, "rewriting '%s' in place failed: %s", p, strerror(e));
    }
    if (close(fd) != 0)
        return stroma_error_set(err, STROMA_ERR_IO, "rewriting '%s' in place failed: %s", p, strerror(errno));
    return STROMA_OK;
}

static size_t count_tmp(const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char p[1400];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode) && depth > 0)
            n += count_tmp(p, depth - 1);
        else if (S_ISREG(st.st_mode) && stroma_atomic_is_tmp_name(de->d_name))
            n++;
    }
    closedir(d);
    return n;
}

size_t stroma_outdir_count_tmp(const stroma_outdir *od) { return count_tmp(od->path, 2); }

void stroma_outdir_discard_open(stroma_outdir *od) {
    for (int k = 0; k < STROMA_OUTDIR_MAX_OPEN; k++) stroma_atomic_abort(&od->open[k]);
}
