/* Output directories with atomic files (see outdir.h). */
#define _XOPEN_SOURCE 700
#include "io/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/render.h"
#include "io/writers.h"
#include "util/error_impl.h"
#include "util/json.h"

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

/* ---- recognising and clearing an earlier stroma output ----
 * Only names stroma writes are ever removed: the top-level files below, and inside fields/, cells/ and
 * images/ the per-time files <stem>_<time>.<ext> (and the report's plots); each also as a temporary name of
 * io/atomic_file.h. Anything else (a user's file, a sub-folder, a symlink, a directory with one of those names)
 * is left where it is. A directory counts as an earlier output only if its run.json is stroma's own: a JSON
 * object with the string members "stroma_version" and "status" that stroma writes first in every run. */

static const char *const run_top_files[] = {"summary.json", "run.json",  "timeseries.csv", "checkpoint.bin",
                                            "report.html",  "fields.pvd", "cells.pvd"};
static const char *const run_subdirs[] = {"fields", "cells", "images"};

/* `name` without a temporary suffix ".tmp-<pid>-<n>" (copied into buf), or `name` itself when it has none. */
static const char *strip_tmp(const char *name, char *buf, size_t cap) {
    if (!stroma_atomic_is_tmp_name(name)) return name;
    const char *t = strstr(name, ".tmp-");
    size_t n = (size_t)(t - name);
    if (n >= cap) return name;
    memcpy(buf, name, n);
    buf[n] = '\0';
    return buf;
}

/* Does s[0..n) read as a number written with STROMA_FILE_TIME (%.10g of a time >= 0)? */
static int is_time_text(const char *s, size_t n) {
    if (n == 0 || n > 24) return 0;
    char buf[32];
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || *end || !(v >= 0) || !isfinite(v)) return 0;
    char canon[32];
    snprintf(canon, sizeof canon, STROMA_FILE_TIME, v);
    return strcmp(canon, buf) == 0;
}

/* Is `name` (a regular file inside subdirectory `sub` of a run) a file stroma writes there? */
static int is_run_file_in(const char *sub, const char *name) {
    char base[512];
    name = strip_tmp(name, base, sizeof base);
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    const char *ext = dot + 1;
    if (strcmp(sub, "images") == 0) {
        if (strcmp(name, "tissue.webp") == 0) return 1; /* the animation */
        if (strcmp(ext, "png") != 0) return 0;
        if (strncmp(name, "plot_", 5) == 0 && dot > name + 5) return 1; /* the report's plots */
        if (strncmp(name, "tissue_", 7) != 0) return 0;
        double t; /* tissue_<time>.png, zero-padded (io/pictures.h), or as stroma wrote them before */
        return is_time_text(name + 7, (size_t)(dot - (name + 7))) ||
               stroma_time_name_parse(name + 7, (size_t)(dot - (name + 7)), &t) == 0;
    }
    int ok_ext = strcmp(sub, "fields") == 0 ? (strcmp(ext, "csv") == 0 || strcmp(ext, "vti") == 0)
                                            : (strcmp(ext, "csv") == 0 || strcmp(ext, "vtp") == 0);
    if (!ok_ext) return 0;
    const char *us = NULL;
    for (const char *q = name; q < dot; q++)
        if (*q == '_') us = q;
    return us && us > name && is_time_text(us + 1, (size_t)(dot - us - 1));
}

static int is_regular(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_real_dir(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int stroma_outdir_is_run(const char *path) {
    char p[1400];
    snprintf(p, sizeof p, "%s/run.json", path);
    if (!is_regular(p)) return 0;
    FILE *f = fopen(p, "rb");
    if (!f) return 0;
    char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, f);
    int whole = feof(f);
    fclose(f);
    if (!whole) return 0; /* stroma's run.json is far smaller */
    char msg[128];
    stroma_json *j = stroma_json_parse(buf, len, msg, sizeof msg);
    int ok = j && j->kind == STROMA_JSON_OBJECT && stroma_json_get_string(j, "stroma_version") &&
             stroma_json_get_string(j, "status");
    stroma_json_free(&j);
    return ok;
}

/* Remove the files of an earlier run from `path` (see above) — with tmp_only, only the temporary files a killed
 * writer left. Returns 0, or -1 with errno. */
static int clear_run(const char *path, int tmp_only) {
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        char base[512], p[1400];
        const char *name = strip_tmp(de->d_name, base, sizeof base);
        snprintf(p, sizeof p, "%s/%s", path, de->d_name);
        for (size_t k = 0; k < sizeof run_top_files / sizeof *run_top_files; k++)
            if (strcmp(name, run_top_files[k]) == 0 && (!tmp_only || name != de->d_name) && is_regular(p) &&
                unlink(p) != 0)
                rc = -1;
    }
    closedir(d);
    for (size_t k = 0; k < sizeof run_subdirs / sizeof *run_subdirs; k++) {
        char sub[1400];
        snprintf(sub, sizeof sub, "%s/%s", path, run_subdirs[k]);
        if (!is_real_dir(sub)) continue;
        DIR *sd = opendir(sub);
        if (!sd) {
            rc = -1;
            continue;
        }
        while ((de = readdir(sd)) != NULL) {
            char p[1700];
            snprintf(p, sizeof p, "%s/%s", sub, de->d_name);
            if (is_run_file_in(run_subdirs[k], de->d_name) && (!tmp_only || stroma_atomic_is_tmp_name(de->d_name)) &&
                is_regular(p) && unlink(p) != 0)
                rc = -1;
        }
        closedir(sd);
        if (!tmp_only && rmdir(sub) != 0 && errno != ENOTEMPTY && errno != EEXIST) rc = -1; /* kept if it holds more */
    }
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
            if (!stroma_outdir_is_run(od->path))
                return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                        "refusing to write into '%s': it is not empty and holds no stroma output "
                                        "(no run.json written by stroma); choose an empty or new directory",
                                        od->path);
            if (clear_run(od->path, 0) != 0)
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

stroma_code stroma_outdir_use(stroma_outdir *od, const char *path, stroma_error *err) {
    return set_path(od, path, err);
}

stroma_code stroma_outdir_reopen(stroma_outdir *od, const char *path, stroma_error *err) {
    stroma_code rc = set_path(od, path, err);
    if (rc != STROMA_OK) return rc;
    struct stat st;
    if (stat(od->path, &st) != 0 || !S_ISDIR(st.st_mode))
        return stroma_error_set(err, STROMA_ERR_NOT_FOUND, "'%s' is not a directory", od->path);
    if (!stroma_outdir_is_run(od->path))
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "'%s' holds no stroma run (no run.json written by stroma)",
                                od->path);
    clear_run(od->path, 1); /* what a killed run was writing is rewritten from its checkpoint */
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
