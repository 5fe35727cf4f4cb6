/* Atomic output directories (see outdir.h). */
#define _XOPEN_SOURCE 700
#include "io/outdir.h"

#include <errno.h>
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
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    }
    return 0;
}

stroma_code stroma_outdir_begin(stroma_outdir *od, const char *path, stroma_error *err) {
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') len--;
    if (len == 0 || len >= sizeof od->final_path)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "output directory name '%s' is empty or too long", path);
    memcpy(od->final_path, path, len);
    od->final_path[len] = '\0';
    struct stat st;
    if (stat(od->final_path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "output path '%s' exists and is not a directory",
                                    od->final_path);
        /* An empty directory is removed (rmdir fails on a non-empty one); an earlier output is kept until
         * commit replaces it. */
        char probe[1100];
        snprintf(probe, sizeof probe, "%s/summary.json", od->final_path);
        if (access(probe, F_OK) != 0 && rmdir(od->final_path) != 0)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "refusing to replace '%s': it is not empty and holds no stroma output "
                                    "(summary.json)",
                                    od->final_path);
    }
    snprintf(od->tmp_path, sizeof od->tmp_path, "%s.partial-%ld", od->final_path, (long)getpid());
    if (mkdir_parents(od->tmp_path) != 0 || (mkdir(od->tmp_path, 0777) != 0 && errno != EEXIST))
        return stroma_error_set(err, STROMA_ERR_IO, "cannot create output directory '%s': %s", od->tmp_path,
                                strerror(errno));
    return STROMA_OK;
}

stroma_code stroma_outdir_mkdir(stroma_outdir *od, const char *rel, stroma_error *err) {
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", od->tmp_path, rel);
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        return stroma_error_set(err, STROMA_ERR_IO, "cannot create '%s': %s", p, strerror(errno));
    return STROMA_OK;
}

FILE *stroma_outdir_open(stroma_outdir *od, const char *rel, stroma_error *err) {
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", od->tmp_path, rel);
    FILE *f = fopen(p, "w");
    if (!f) stroma_error_set(err, STROMA_ERR_IO, "cannot write '%s': %s", p, strerror(errno));
    return f;
}

stroma_code stroma_outdir_close(stroma_outdir *od, FILE *f, const char *rel, stroma_error *err) {
    int bad = ferror(f);
    int saved = errno;
    if (fclose(f) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad)
        return stroma_error_set(err, STROMA_ERR_IO, "writing '%s/%s' failed: %s", od->tmp_path, rel,
                                saved ? strerror(saved) : "write error");
    return STROMA_OK;
}

stroma_code stroma_outdir_commit(stroma_outdir *od, stroma_error *err) {
    char old[1100];
    snprintf(old, sizeof old, "%s.old-%ld", od->final_path, (long)getpid());
    struct stat st;
    int had = stat(od->final_path, &st) == 0;
    if (had && rename(od->final_path, old) != 0)
        return stroma_error_set(err, STROMA_ERR_IO, "cannot move old output '%s' aside: %s", od->final_path,
                                strerror(errno));
    if (rename(od->tmp_path, od->final_path) != 0) {
        int e = errno;
        if (had) rename(old, od->final_path);
        return stroma_error_set(err, STROMA_ERR_IO, "cannot move '%s' to '%s': %s", od->tmp_path,
                                od->final_path, strerror(e));
    }
    if (had) stroma_remove_tree(old);
    return STROMA_OK;
}

void stroma_outdir_abort(stroma_outdir *od) {
    if (od->tmp_path[0]) stroma_remove_tree(od->tmp_path);
}
