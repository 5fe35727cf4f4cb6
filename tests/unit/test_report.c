/* Unit tests for the report and what it reads (src/io/report, src/io/table, src/util/json, src/util/base64):
 * base64 test vectors; JSON parsing of stroma's files and refusal of malformed text with line and column; the
 * CSV table; a report built from a made-up output directory escapes every string it takes from the files,
 * has no external reference, notes a missing model file, and refuses a missing directory; the body's plots (plasma
 * with its healthy level, vessels) and headline tables. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cairo.h>
#include <cmocka.h>

#include "io/outdir.h"
#include "io/report_viewer.h"
#include "stroma/stroma.h"
#include "util/base64.h"
#include "util/json.h"

static void expect_b64(const char *in, const char *want) {
    char out[64];
    assert_int_equal(stroma_base64_length(strlen(in)), strlen(want));
    stroma_base64_encode((const unsigned char *)in, strlen(in), out);
    assert_string_equal(out, want);
}

/* RFC 4648 section 10. */
static void test_base64(void **state) {
    (void)state;
    expect_b64("", "");
    expect_b64("f", "Zg==");
    expect_b64("fo", "Zm8=");
    expect_b64("foo", "Zm9v");
    expect_b64("foob", "Zm9vYg==");
    expect_b64("fooba", "Zm9vYmE=");
    expect_b64("foobar", "Zm9vYmFy");
    /* the streaming writer agrees, also across its 4096-character chunks */
    size_t n = 10000;
    unsigned char *data = malloc(n);
    char *want = malloc(stroma_base64_length(n) + 1), *got = malloc(stroma_base64_length(n) + 1);
    assert_true(data && want && got);
    for (size_t i = 0; i < n; i++) data[i] = (unsigned char)(i * 7 + 3);
    stroma_base64_encode(data, n, want);
    FILE *f = tmpfile();
    assert_non_null(f);
    stroma_base64_write(f, data, n);
    rewind(f);
    assert_int_equal(fread(got, 1, stroma_base64_length(n), f), stroma_base64_length(n));
    got[stroma_base64_length(n)] = '\0';
    assert_string_equal(got, want);
    fclose(f);
    free(data);
    free(want);
    free(got);
}

/* The JSON tree (parsed by jansson): every kind, members in file order, escapes and UTF-8 decoded, nested
 * containers; a repeated member name keeps the later value (jansson's rule); malformed text fails with
 * "line L, column C: ..."; nesting deeper than STROMA_JSON_MAX_DEPTH is refused. */
static void test_json(void **state) {
    (void)state;
    const char *text = "{\n  \"a\": 1.5e2, \"s\": \"x\\\"y\\u00e9\\ud83d\\ude00\", \"t\": true, \"f\": false,\n"
                       "  \"n\": null, \"o\": {\"k\": [1, -2, 3e-1]}, \"a\": 7\n}\n";
    char msg[256];
    stroma_json *j = stroma_json_parse(text, strlen(text), msg, sizeof msg);
    assert_non_null(j);
    assert_int_equal(j->kind, STROMA_JSON_OBJECT);
    assert_int_equal(j->n, 6);
    static const char *const order[6] = {"a", "s", "t", "f", "n", "o"};
    for (int i = 0; i < 6; i++) assert_string_equal(j->items[i].key, order[i]);
    assert_true(stroma_json_get_number(j, "a", 0) == 7);
    assert_string_equal(stroma_json_get_string(j, "s"), "x\"y\xC3\xA9\xF0\x9F\x98\x80");
    assert_int_equal(stroma_json_get(j, "t")->kind, STROMA_JSON_BOOL);
    assert_true(stroma_json_get(j, "t")->num == 1 && stroma_json_get(j, "f")->num == 0);
    assert_int_equal(stroma_json_get(j, "n")->kind, STROMA_JSON_NULL);
    const stroma_json *k = stroma_json_get(stroma_json_get(j, "o"), "k");
    assert_int_equal(k->kind, STROMA_JSON_ARRAY);
    assert_int_equal(k->n, 3);
    assert_true(k->items[0].num == 1 && k->items[1].num == -2 && k->items[2].num == 0.3);
    assert_null(stroma_json_get(j, "missing"));
    assert_true(stroma_json_get_number(j, "s", -1) == -1); /* not a number */
    assert_null(stroma_json_get_string(j, "a"));
    stroma_json_free(&j);
    assert_null(j);
    stroma_json_free(&j);

    static const char *const bad[] = {"{\"a\": 1,}", "{\"a\" 1}", "[1, 2", "{\n  \"a\": 01}", "\"abc",
                                      "{\"a\": tru}", "[1] 2", "\"\\x\"", "", "-", "1."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msg[0] = '\0';
        j = stroma_json_parse(bad[i], strlen(bad[i]), msg, sizeof msg);
        if (j) fail_msg("parsed malformed JSON %s", bad[i]);
        if (strncmp(msg, "line ", 5) != 0 || !strstr(msg, ", column "))
            fail_msg("for %s expected 'line L, column C: ...', got '%s'", bad[i], msg);
    }
    j = stroma_json_parse("{\n  \"a\": 01}", 13, msg, sizeof msg);
    assert_null(j);
    assert_int_equal(strncmp(msg, "line 2,", 7), 0);
    char deep[300];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    assert_null(stroma_json_parse(deep, 200, msg, sizeof msg));
    assert_non_null(strstr(msg, "nested deeper"));
}

/* Unsigned integers read back exactly: a JSON integer (exact up to 2^63 - 1, not rounded through a double) or a
 * string of digits up to 2^64 - 1, as stroma writes seeds from 2^53 on; trailing whitespace after the document
 * (run.json's padding) is accepted. */
static void test_json_u64(void **state) {
    (void)state;
    const char *text = "{\"small\": 7, \"big\": 9007199254740993, \"top\": 9223372036854775807, "
                       "\"s\": \"18446744073709551615\", \"over\": \"18446744073709551616\", \"neg\": -1, "
                       "\"real\": 1.5, \"word\": \"12a\", \"empty\": \"\"}\n          \n";
    char msg[256];
    stroma_json *j = stroma_json_parse(text, strlen(text), msg, sizeof msg);
    if (!j) fail_msg("%s", msg);
    unsigned long long v = 0;
    assert_int_equal(stroma_json_get_u64(j, "small", &v), 0);
    assert_true(v == 7);
    assert_int_equal(stroma_json_get_u64(j, "big", &v), 0);
    assert_true(v == 9007199254740993ULL); /* a double would give ...992 */
    assert_int_equal(stroma_json_get_u64(j, "top", &v), 0);
    assert_true(v == 9223372036854775807ULL);
    assert_int_equal(stroma_json_get_u64(j, "s", &v), 0);
    assert_true(v == 18446744073709551615ULL);
    v = 1;
    static const char *const refused[] = {"over", "neg", "real", "word", "empty", "missing"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        if (stroma_json_get_u64(j, refused[i], &v) != -1) fail_msg("%s read as an unsigned integer", refused[i]);
        assert_true(v == 1);
    }
    stroma_json_free(&j);
}

static void write_file(const char *dir, const char *rel, const char *text) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *dir, const char *rel) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    return p;
}

/* A report from hand-made files whose strings try to inject markup. */
static void test_report_escapes_and_notes(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_test_report_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "run.json",
               "{\"stroma_version\": \"0.1.0\", \"status\": \"complete\", \"model\": \"/nonexistent/<script>x.yaml\","
               " \"model_sha256\": \"ab\", \"seed\": 4, \"threads\": 1, \"solver\": \"lod\", \"wall_seconds\": 0.5,"
               " \"note\": \"<img src=x onerror=alert(1)>\"}\n");
    write_file(dir, "summary.json",
               "{\"model\": \"/nonexistent/<script>x.yaml\", \"seed\": 4, \"time\": 120, \"steps\": 1200,"
               " \"grid\": {\"nx\": 2, \"ny\": 2, \"nz\": 1, \"voxel\": 10, \"dimension\": 2},"
               " \"substrates\": {\"o<b>2\": {\"unit\": \"mm&Hg\", \"mean\": 1, \"min\": 0, \"max\": 2, \"total\": 3}},"
               " \"cells\": {\"ca\\\"ncer\": 5}, \"dead_cells\": 1, \"cell_events\": {\"births\": 2}}\n");
    write_file(dir, "timeseries.csv",
               "time,o<b>2_mean,o<b>2_total,cells_ca\"ncer,cells_dead\n0,1,3,4,0\n60,1.5,3,5,1\n120,1,3,5,1\n");
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/cells", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    write_file(dir, "cells/cells_0.csv",
               "id,type,state,x,y,z,radius,</script><b>x\n0,</script>,live,5,5,5,3,1\n1,ca\"ncer,necrotic,12,6,5,4,2\n");
    stroma_error err;
    assert_int_equal(stroma_report_build(dir, &err), STROMA_OK);
    char *html = read_text(dir, "report.html");
    assert_non_null(html);
    /* one script, the viewer's, whose strings cannot close it (the cell file's names try) */
    const char *script = strstr(html, "<script");
    assert_non_null(script);
    assert_memory_equal(script, "<script>", 8);
    assert_null(strstr(script + 1, "<script"));
    const char *end = strstr(script, "</script>");
    assert_non_null(end);
    assert_null(strstr(end + 1, "</script"));
    assert_null(strstr(html, "</b>"));
    assert_non_null(strstr(script, "\\u003c/script\\u003e"));
    assert_null(strstr(html, "<b>"));
    assert_null(strstr(html, "<img src=x"));
    assert_null(strstr(html, "http:"));
    assert_null(strstr(html, "https:"));
    assert_non_null(strstr(html, "&lt;script&gt;x.yaml"));
    assert_non_null(strstr(html, "o&lt;b&gt;2"));
    assert_non_null(strstr(html, "mm&amp;Hg"));
    assert_non_null(strstr(html, "ca&quot;ncer"));
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(html, "is not there any more"));
    static const char *const sections[] = {"id=\"summary\"", "id=\"plots\"", "id=\"snapshots\"", "id=\"model\"",
                                           "id=\"provenance\""};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) assert_non_null(strstr(html, sections[i]));
    free(html);
    struct stat st;
    char path[1024];
    snprintf(path, sizeof path, "%s/images/plot_cells.png", dir);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/images/plot_o_b_2_mean.png", dir); /* a safe file name */
    assert_int_equal(stat(path, &st), 0);
    stroma_remove_tree(dir);
}

/* A hand-made .vti of one Float64 array `name` over nx x ny x 1 voxels of 10 um (this machine's byte order, which
 * is little-endian where the tests run), holding v; `short_by` bytes cut from the appended data. */
static void write_vti(const char *dir, const char *rel, const char *name, int nx, int ny, const double *v,
                      size_t short_by) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f,
            "<?xml version=\"1.0\"?>\n<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" "
            "header_type=\"UInt64\">\n  <ImageData WholeExtent=\"0 %d 0 %d 0 1\" Origin=\"0 0 0\" Spacing=\"10 10 10\">\n"
            "    <Piece Extent=\"0 %d 0 %d 0 1\">\n      <CellData Scalars=\"%s\">\n"
            "        <DataArray type=\"Float64\" Name=\"%s\" format=\"appended\" offset=\"0\"/>\n      </CellData>\n"
            "    </Piece>\n  </ImageData>\n  <AppendedData encoding=\"raw\">\n   _",
            nx, ny, nx, ny, name, name);
    uint64_t nb = (uint64_t)nx * (uint64_t)ny * sizeof(double);
    fwrite(&nb, sizeof nb, 1, f);
    fwrite(v, 1, (size_t)nb - short_by, f);
    if (!short_by) fputs("\n  </AppendedData>\n</VTKFile>\n", f);
    assert_int_equal(fclose(f), 0);
}

/* base64 of v[0..n) as little-endian Float32, as the viewer embeds it. */
static void f32_b64(const double *v, size_t n, char *out) {
    unsigned char b[4 * 64];
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++) {
        float x = (float)v[i];
        uint32_t u;
        memcpy(&u, &x, 4);
        for (int k = 0; k < 4; k++) b[4 * i + (size_t)k] = (unsigned char)(u >> (8 * k) & 0xFF);
    }
    stroma_base64_encode(b, 4 * n, out);
}

/* The viewer's data from hand-made files: ten output times, fields from .vti files (t < 5) and from per-field
 * CSVs (t >= 5) give the same planes (Float32, rows of x, from y = 0 up); cells of a type summary.json lacks get
 * the next palette index; a damaged cell file and a truncated .vti are left out with a note; the same files
 * give the same bytes; with a budget too small for all times the first and last are kept and the page says so. */
static void test_report_viewer(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_test_viewer_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/cells", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(sub, sizeof sub, "%s/fields", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    const char *summary_text = "{\"grid\": {\"nx\": 4, \"ny\": 3, \"nz\": 1, \"voxel\": 10, \"dimension\": 2},"
                               " \"substrates\": {\"oxygen\": {\"unit\": \"mmHg\"}}, \"cells\": {\"cancer\": 1}}";
    for (int t = 0; t < 10; t++) {
        double v[12];
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 4; i++) v[j * 4 + i] = t + i + 10 * j + 0.25;
        char rel[64], text[2048];
        if (t < 5) {
            snprintf(rel, sizeof rel, "fields/fields_%d.vti", t);
            write_vti(dir, rel, "oxygen", 4, 3, v, t == 2 ? 40 : 0);
        } else {
            snprintf(rel, sizeof rel, "fields/oxygen_%d.csv", t);
            int n = snprintf(text, sizeof text, "x,y,z,value\n");
            for (int k = 11; k >= 0; k--) /* any row order */
                n += snprintf(text + n, sizeof text - (size_t)n, "%d,%d,5,%.17g\n", 5 + 10 * (k % 4), 5 + 10 * (k / 4), v[k]);
            write_file(dir, rel, text);
        }
        snprintf(rel, sizeof rel, "cells/cells_%d.csv", t);
        snprintf(text, sizeof text, "id,type,state,x,y,z,radius,age\n0,cancer,live,%d.5,5,5,3,%d\n1,T,apoptotic,30,20,5,2,7%s\n",
                 5 + t, t, t == 3 ? ",9" : "");
        write_file(dir, rel, text);
    }
    char msg[128];
    stroma_json *summary = stroma_json_parse(summary_text, strlen(summary_text), msg, sizeof msg);
    assert_non_null(summary);
    stroma_report_viewer v, again;
    stroma_error err;
    assert_int_equal(stroma_report_viewer_build(&v, dir, summary, NULL, 1e9, &err), STROMA_OK);
    assert_int_equal(v.nframes, 10);
    assert_int_equal(v.nframes_total, 10);
    assert_true(v.has_cells && v.has_fields);
    assert_non_null(strstr(v.script, "\"times\":[0,1,2,3,4,5,6,7,8,9]"));
    assert_non_null(strstr(v.script, "\"types\":[\"cancer\",\"T\"]"));
    assert_non_null(strstr(v.script, "\"lo\":[0,0],\"size\":[40,30],\"n\":[4,3],\"voxel\":10,\"plane\":null"));
    assert_non_null(strstr(v.script, "\"columns\":[\"id\",\"type\",\"state\",\"x\",\"y\",\"z\",\"radius\",\"age\"]"));
    for (int t = 0; t < 10; t++) {
        double p[12];
        for (int k = 0; k < 12; k++) p[k] = t + k % 4 + 10 * (k / 4) + 0.25;
        char b64[128];
        f32_b64(p, 12, b64);
        if (t == 2)
            assert_null(strstr(v.script, b64));
        else
            assert_non_null(strstr(v.script, b64));
        /* the cell column x: two values; the type column: 0 (summary.json's cancer) and 1 (T) */
        double x[2] = {5 + t + 0.5, 30};
        f32_b64(x, 2, b64);
        if (t == 3)
            assert_null(strstr(v.script, b64));
        else
            assert_non_null(strstr(v.script, b64));
    }
    double types[2] = {0, 1};
    char b64[128];
    f32_b64(types, 2, b64);
    assert_non_null(strstr(v.script, b64));
    assert_non_null(strstr(v.note, "cells/cells_3.csv is left out: line 3 has 9 fields, the header 8."));
    assert_non_null(strstr(v.note, "fields/fields_2.vti has no whole oxygen array."));
    assert_int_equal(stroma_report_viewer_build(&again, dir, summary, NULL, 1e9, &err), STROMA_OK);
    assert_int_equal(again.script_len, v.script_len);
    assert_memory_equal(again.script, v.script, v.script_len);
    assert_string_equal(again.csp_hash, v.csp_hash);
    stroma_report_viewer_free(&again);
    stroma_report_viewer_free(&v);
    assert_null(v.script);
    /* over the budget: the first and the last time */
    assert_int_equal(stroma_report_viewer_build(&v, dir, summary, NULL, 1, &err), STROMA_OK);
    assert_int_equal(v.nframes, 2);
    assert_int_equal(v.nframes_total, 10);
    assert_non_null(strstr(v.script, "\"times\":[0,9],\n\"total_times\":10"));
    assert_non_null(strstr(v.note, "The run has 10 output times; the viewer holds 2 of them, evenly spread"));
    stroma_report_viewer_free(&v);
    /* damaged files are left out with a note, never read out of bounds: an array past the end of the file, an
     * extent out of range, a cell file without the needed columns, an empty one */
    write_file(dir, "fields/fields_10.vti",
               "<VTKFile byte_order=\"LittleEndian\" header_type=\"UInt64\"><ImageData WholeExtent=\"0 4 0 3 0 1\" "
               "Origin=\"0 0 0\" Spacing=\"10 10 10\"><CellData><DataArray type=\"Float64\" Name=\"oxygen\" "
               "format=\"appended\" offset=\"99999999999\"/></CellData></ImageData><AppendedData encoding=\"raw\">_");
    write_file(dir, "fields/fields_11.vti",
               "<VTKFile byte_order=\"LittleEndian\" header_type=\"UInt64\"><ImageData WholeExtent=\"0 2147483647 "
               "-2147483648 3 0 1\" Origin=\"0 0 0\" Spacing=\"10 10 10\"><AppendedData encoding=\"raw\">_");
    write_file(dir, "cells/cells_10.csv", "id,type\n1,cancer\n");
    write_file(dir, "cells/cells_11.csv", "");
    assert_int_equal(stroma_report_viewer_build(&v, dir, summary, NULL, 1e9, &err), STROMA_OK);
    assert_int_equal(v.nframes, 12);
    assert_non_null(strstr(v.note, "fields/fields_10.vti has no whole oxygen array."));
    assert_non_null(strstr(v.note, "fields/fields_11.vti is left out: its extent is not usable."));
    assert_non_null(strstr(v.note, "cells/cells_10.csv is left out: it lacks a column of type, state, x, y, z, radius."));
    assert_non_null(strstr(v.note, "cells/cells_11.csv is left out"));
    stroma_report_viewer_free(&v);
    stroma_json_free(&summary);
    stroma_remove_tree(dir);
}

/* Pixels of a PNG file within 2 of the colour (r, g, b) (0-255 each); -1 if it does not read as a PNG. */
static long count_colour(const char *path, int r, int g, int b) {
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return -1;
    }
    long n = 0;
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v = *(const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride + (size_t)x * 4);
            n += abs((int)((v >> 16) & 0xFF) - r) <= 2 && abs((int)((v >> 8) & 0xFF) - g) <= 2 &&
                 abs((int)(v & 0xFF) - b) <= 2;
        }
    cairo_surface_destroy(s);
    return n;
}

static int exists(const char *dir, const char *rel) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    struct stat st;
    return stat(path, &st) == 0;
}

/* The body in the report: a plot per plasma value with its healthy level (the green line; none where summary.json
 * has no level), the vessel plots, the recruited cells (one plot, a line per type), no "vessel_density" among the substrates' means, and the final plasma values,
 * vessels and mass balance in the headline numbers. A substrate whose name starts with plasma_ is not a plasma
 * value. */
static void test_report_body(void **state) {
    (void)state;
    char dir[] = "/tmp/stroma_test_report_XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "run.json", "{\"stroma_version\": \"0.1.0\", \"status\": \"complete\"}\n");
    write_file(dir, "summary.json",
               "{\"time\": 120, \"substrates\": {\"IL6\": {\"unit\": \"ng/mL\", \"mean\": 1},"
               " \"plasma_x\": {\"unit\": \"nM\", \"mean\": 2}},"
               " \"vessels\": {\"mean_density\": 0.0123, \"max_density\": 0.09, \"vascular_fraction\": 0.5},"
               " \"plasma\": {\"IL6\": {\"value\": 7.75, \"unit\": \"pg/mL\", \"healthy\": 5.2},"
               " \"TNF\": {\"value\": 0.25, \"unit\": \"pg/mL\", \"healthy\": null}},"
               " \"mass_balance\": {\"IL6\": {\"secreted\": 123456, \"decayed\": null, \"plasma_residual\": 0}}}\n");
    write_file(dir, "timeseries.csv",
               "time,IL6_mean,IL6_total,plasma_x_mean,plasma_x_total,plasma_IL6,plasma_TNF,vessel_density_mean,"
               "vascular_fraction,recruited_M1,recruited_CD8_T\n0,0,0,2,2,5.2,0,0.01,0.1,0,0\n"
               "60,1,1,2,2,6.5,0.1,0.011,0.3,3,1\n120,1,1,2,2,7.75,0.25,0.0123,0.5,7,4\n");
    stroma_error err;
    assert_int_equal(stroma_report_build(dir, &err), STROMA_OK);
    assert_true(exists(dir, "images/plot_IL6_plasma.png"));
    assert_true(exists(dir, "images/plot_TNF_plasma.png"));
    assert_true(exists(dir, "images/plot_vessels.png"));
    assert_true(exists(dir, "images/plot_vascular_fraction.png"));
    assert_true(exists(dir, "images/plot_recruited.png")); /* both recruited types in one plot */
    assert_false(exists(dir, "images/plot_M1_recruited.png"));
    assert_true(exists(dir, "images/plot_IL6_mean.png"));
    assert_true(exists(dir, "images/plot_plasma_x_mean.png"));
    assert_false(exists(dir, "images/plot_vessel_density_mean.png")); /* not a substrate */
    assert_false(exists(dir, "images/plot_x_mean_plasma.png"));       /* not a plasma value */
    assert_false(exists(dir, "images/plot_x_total_plasma.png"));
    char path[1024];
    snprintf(path, sizeof path, "%s/images/plot_IL6_plasma.png", dir);
    assert_true(count_colour(path, 33, 140, 33) > 300); /* the healthy line */
    snprintf(path, sizeof path, "%s/images/plot_TNF_plasma.png", dir);
    assert_int_equal(count_colour(path, 33, 140, 33), 0); /* no level, no line */
    char *html = read_text(dir, "report.html");
    assert_non_null(html);
    assert_non_null(strstr(html, "Plasma at the end"));
    assert_non_null(strstr(html, "<td class=\"n\">7.75</td><td class=\"n\">5.2</td><td class=\"n\">1.49</td>"));
    assert_non_null(strstr(html, "Vessels at the end"));
    assert_non_null(strstr(html, "0.0123 volume fraction"));
    assert_non_null(strstr(html, "Mass balance over the run"));
    assert_non_null(strstr(html, "<td class=\"n\">123456</td><td class=\"n\">–</td>"));
    assert_non_null(strstr(html, "images/plot_IL6_plasma.png"));
    assert_non_null(strstr(html, "Plasma IL6"));
    assert_non_null(strstr(html, "images/plot_recruited.png"));
    free(html);
    stroma_remove_tree(dir);
}

static void test_report_refuses(void **state) {
    (void)state;
    stroma_error err;
    assert_int_equal(stroma_report_build("/nonexistent/stroma/out", &err), STROMA_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "no output directory"));
    char dir[] = "/tmp/stroma_test_report_XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(stroma_report_build(dir, &err), STROMA_ERR_NOT_FOUND); /* no run.json */
    assert_non_null(strstr(err.message, "holds no stroma run"));
    write_file(dir, "run.json", "{not json");
    write_file(dir, "summary.json", "[]");
    assert_int_equal(stroma_report_build(dir, &err), STROMA_ERR_PARSE);
    stroma_remove_tree(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_u64),
        cmocka_unit_test(test_report_escapes_and_notes),
        cmocka_unit_test(test_report_refuses),
        cmocka_unit_test(test_report_body),
        cmocka_unit_test(test_report_viewer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
