/* Unit tests for src/io/outdir: rewriting a file in place (the fallback for run.json when no new file can be
 * written) and counting temporary files left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "io/outdir.h"

static void put(const char *dir, const char *rel, const char *text) {
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *get(const char *dir, const char *rel, size_t *len) {
    static char buf[4096];
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* The new bytes, then the fill up to the old size; the size never changes; too long a text, an absent file or a
 * directory are refused without touching anything (no file is created). */
static void test_overwrite_in_place(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_outdir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    stroma_outdir od;
    memset(&od, 0, sizeof od);
    snprintf(od.path, sizeof od.path, "%s", dir);
    put(dir, "r.json", "{\"status\": \"running\"}          \n");
    stroma_error err;
    assert_int_equal(stroma_outdir_overwrite(&od, "r.json", "{\"status\": \"failed\"}", 20, ' ', &err), STROMA_OK);
    size_t len;
    const char *got = get(dir, "r.json", &len);
    assert_int_equal(len, 32);
    assert_string_equal(got, "{\"status\": \"failed\"}            ");
    assert_int_equal(stroma_outdir_overwrite(&od, "r.json", "012345678901234567890123456789012", 33, ' ', &err),
                     STROMA_ERR_IO);
    assert_non_null(strstr(err.message, "33 bytes do not fit its 32"));
    assert_string_equal(get(dir, "r.json", &len), "{\"status\": \"failed\"}            ");
    assert_int_equal(stroma_outdir_overwrite(&od, "absent.json", "x", 1, ' ', &err), STROMA_ERR_IO);
    assert_null(get(dir, "absent.json", &len));
    char sub[1200];
    snprintf(sub, sizeof sub, "%s/d", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    assert_int_equal(stroma_outdir_overwrite(&od, "d", "x", 1, ' ', &err), STROMA_ERR_IO);
    rmdir(sub);
    char p[1400];
    snprintf(p, sizeof p, "%s/r.json", dir);
    unlink(p);
    rmdir(dir);
}

/* Temporary files (<name>.tmp-<pid>-<n>) are counted in the directory and its subdirectories, nothing else. */
static void test_count_tmp(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_outdir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    stroma_outdir od;
    memset(&od, 0, sizeof od);
    snprintf(od.path, sizeof od.path, "%s", dir);
    stroma_error err;
    assert_int_equal(stroma_outdir_mkdir(&od, "fields", &err), STROMA_OK);
    assert_int_equal(stroma_outdir_count_tmp(&od), 0);
    put(dir, "run.json.tmp-12-0", "");
    put(dir, "fields/o_1.csv.tmp-12-3", "");
    put(dir, "fields/o_1.csv", "");
    put(dir, "notes.tmp-x", "");
    assert_int_equal(stroma_outdir_count_tmp(&od), 2);
    assert_int_equal(stroma_remove_tree(dir), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overwrite_in_place),
        cmocka_unit_test(test_count_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
