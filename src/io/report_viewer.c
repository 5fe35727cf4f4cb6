/* The report's interactive viewer (see report_viewer.h): lists the run's cell and field files, reads the
 * embedded output times, and writes the data and the viewer's code as one script. */
#define _XOPEN_SOURCE 700
#include "io/report_viewer.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/render.h"
#include "io/writers.h"
#include "model/sha256.h"
#include "util/base64.h"
#include "util/error_impl.h"
#include "util/file.h"

#define VIEWER_MAX_FIELDS 256 /* arrays read from one .vti file */

extern const char stroma_report_app_js[];
extern const size_t stroma_report_app_js_len;

/* An output time and which of its files exist. */
typedef struct viewer_time {
    double t;    /* min */
    int cells;   /* cells/cells_<t>.csv */
    int vti;     /* fields/fields_<t>.vti */
    int csv;     /* some fields/<name>_<t>.csv */
    double cost; /* estimated embedded bytes */
} viewer_time;

/* The picture's plane: axes a (right) and b (up) of the domain; c across (cut at plane_um in 3D). */
typedef struct viewer_geom {
    int have;          /* grid known (from a .vti, or summary.json and a field CSV) */
    int n[3];          /* voxels per axis */
    double lo[3], dx;  /* lower corner and voxel edge, µm */
    int dim;
    int a, b, c, cut;
    double plane_um;
} viewer_geom;

typedef struct viewer {
    const char *dir;
    const stroma_json *summary;
    viewer_time *times;
    size_t ntimes, cap_times;
    char **fields;     /* field names, in summary.json's substrate order then the others' by name */
    size_t nfields;
    char **types;      /* cell type names: summary.json's "cells" order, then the others as met */
    size_t ntypes;
    char **columns;    /* cell columns embedded: those of the first cell file read */
    size_t ncolumns;
    viewer_geom g;
    double budget;     /* bytes of embedded data */
    int csv_cells, vtp_cells; /* cells/ holds cells_<t>.csv, cells_<t>.vtp files */
    int oom;
    FILE *note;        /* the viewer's note, as it grows */
} viewer;

static void geom_axes(viewer_geom *g);

/* An integer of summary.json's grid (1 to 2^20), or `fallback` when it is absent or out of that range. */
static int grid_int(const stroma_json *grid, const char *key, int fallback) {
    double x = stroma_json_get_number(grid, key, NAN);
    return x >= 1 && x <= 1 << 20 ? (int)x : fallback;
}

/* ---- small helpers ---- */

static char *dup_str(viewer *w, const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (!p) {
        w->oom = 1;
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void free_strs(char **s, size_t n) {
    for (size_t i = 0; i < n; i++) free(s[i]);
    free(s);
}

/* Append a copy of s[0..n) to the list *list of *count names; returns its index, or -1 out of memory. */
static long push_str(viewer *w, char ***list, size_t *count, const char *s, size_t n) {
    char **p = realloc(*list, (*count + 1) * sizeof *p);
    if (!p) {
        w->oom = 1;
        return -1;
    }
    *list = p;
    char *c = dup_str(w, s, n);
    if (!c) return -1;
    p[*count] = c;
    return (long)(*count)++;
}

static long find_str(char *const *list, size_t count, const char *s, size_t n) {
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0) return (long)i;
    return -1;
}

static void note_add(viewer *w, const char *what) {
    fputs(what, w->note);
    fputc(' ', w->note);
}

/* A JSON string that is safe inside <script>: '<', '>' and '&' as \u escapes. */
static void js_string(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&' || *p == 0x7F)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void js_number(FILE *f, double v) {
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fputs("null", f);
}

/* base64 of v[0..n) as little-endian Float32, quoted. */
static int js_f32(FILE *f, const double *v, size_t n, size_t stride) {
    unsigned char *b = malloc(4 * (n ? n : 1));
    if (!b) return -1;
    for (size_t i = 0; i < n; i++) {
        float x = (float)v[i * stride];
        uint32_t u;
        memcpy(&u, &x, 4);
        b[4 * i] = (unsigned char)(u & 0xFF);
        b[4 * i + 1] = (unsigned char)(u >> 8 & 0xFF);
        b[4 * i + 2] = (unsigned char)(u >> 16 & 0xFF);
        b[4 * i + 3] = (unsigned char)(u >> 24 & 0xFF);
    }
    fputc('"', f);
    stroma_base64_write(f, b, 4 * n);
    fputc('"', f);
    free(b);
    return 0;
}

/* The time of a file name "<prefix><time><suffix>" written by stroma (STROMA_FILE_TIME), or NAN. */
static double file_time(const char *name, size_t prefix_len, const char *prefix, const char *suffix) {
    size_t n = strlen(name), ls = strlen(suffix);
    if (n <= prefix_len + ls || strncmp(name, prefix, prefix_len) != 0 || strcmp(name + n - ls, suffix) != 0)
        return NAN;
    char num[64];
    if (n - prefix_len - ls >= sizeof num) return NAN;
    memcpy(num, name + prefix_len, n - prefix_len - ls);
    num[n - prefix_len - ls] = '\0';
    char *end;
    double t = strtod(num, &end);
    if (end == num || *end || !isfinite(t)) return NAN;
    char canon[96];
    snprintf(canon, sizeof canon, STROMA_FILE_TIME, t);
    return strcmp(canon, num) == 0 ? t : NAN;
}

static viewer_time *time_slot(viewer *w, double t) {
    for (size_t i = 0; i < w->ntimes; i++)
        if (w->times[i].t == t) return &w->times[i];
    if (w->ntimes == w->cap_times) {
        size_t nc = w->cap_times ? 2 * w->cap_times : 64;
        viewer_time *p = realloc(w->times, nc * sizeof *p);
        if (!p) {
            w->oom = 1;
            return NULL;
        }
        w->times = p;
        w->cap_times = nc;
    }
    viewer_time *s = &w->times[w->ntimes++];
    memset(s, 0, sizeof *s);
    s->t = t;
    return s;
}

static off_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
}

/* Embedded bytes of a cell file at most: rows x columns x 4 bytes as base64. Counted, not read: the lines and
 * the header's commas. */
static double cells_cost(const char *path) {
    stroma_code code;
    char why[128], buf[65536];
    FILE *f = stroma_open_regular(path, &code, why, sizeof why);
    if (!f) return 0;
    size_t n, lines = 0, cols = 1;
    int header = 1;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++) {
            if (header) cols += buf[i] == ',';
            if (buf[i] == '\n') {
                lines++;
                header = 0;
            }
        }
    fclose(f);
    return (lines > 0 ? (double)(lines - 1) : 0) * (double)cols * 16.0 / 3.0;
}

/* ---- listing ---- */

/* The output times of cells/ and fields/, and the field names of the CSV files. */
static void viewer_list(viewer *w) {
    char path[1400];
    snprintf(path, sizeof path, "%s/cells", w->dir);
    DIR *d = opendir(path);
    struct dirent *e;
    if (d) {
        while ((e = readdir(d)) != NULL && !w->oom) {
            double t = file_time(e->d_name, 6, "cells_", ".csv");
            if (isnan(t)) {
                w->vtp_cells |= !isnan(file_time(e->d_name, 6, "cells_", ".vtp"));
                continue;
            }
            w->csv_cells = 1;
            viewer_time *s = time_slot(w, t);
            if (!s) break;
            s->cells = 1;
            char p[1700];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            s->cost += cells_cost(p);
        }
        closedir(d);
    }
    snprintf(path, sizeof path, "%s/fields", w->dir);
    d = opendir(path);
    char **csv_names = NULL;
    size_t ncsv = 0;
    if (d) {
        while ((e = readdir(d)) != NULL && !w->oom) {
            const char *name = e->d_name;
            double t = file_time(name, 7, "fields_", ".vti");
            if (!isnan(t)) {
                viewer_time *s = time_slot(w, t);
                if (s) s->vti = 1;
                continue;
            }
            size_t n = strlen(name);
            if (n < 6 || strcmp(name + n - 4, ".csv") != 0) continue;
            const char *us = NULL;
            for (const char *p = name; *p; p++)
                if (*p == '_') us = p;
            if (!us || us == name) continue;
            t = file_time(us + 1, 0, "", ".csv");
            if (isnan(t)) continue;
            viewer_time *s = time_slot(w, t);
            if (!s) break;
            s->csv = 1;
            if (find_str(csv_names, ncsv, name, (size_t)(us - name)) < 0)
                push_str(w, &csv_names, &ncsv, name, (size_t)(us - name));
        }
        closedir(d);
    }
    /* field names: with .vti files those of the first one (read later); else the CSVs', ordered */
    const stroma_json *subs = stroma_json_get(w->summary, "substrates");
    if (subs && subs->kind == STROMA_JSON_OBJECT)
        for (size_t i = 0; i < subs->n && !w->oom; i++) {
            const char *k = subs->items[i].key;
            if (find_str(csv_names, ncsv, k, strlen(k)) >= 0) push_str(w, &w->fields, &w->nfields, k, strlen(k));
        }
    for (;;) { /* the others by name */
        const char *best = NULL;
        for (size_t i = 0; i < ncsv; i++)
            if (find_str(w->fields, w->nfields, csv_names[i], strlen(csv_names[i])) < 0 &&
                (!best || strcmp(csv_names[i], best) < 0))
                best = csv_names[i];
        if (!best || w->oom) break;
        if (push_str(w, &w->fields, &w->nfields, best, strlen(best)) < 0) break;
    }
    free_strs(csv_names, ncsv);
    /* a 3D run embeds one plane of its fields: summary.json's grid says which fraction */
    double plane_frac = 1;
    const stroma_json *grid = stroma_json_get(w->summary, "grid");
    if (stroma_json_get_number(grid, "dimension", 0) == 3) {
        viewer_geom g = {0};
        g.n[0] = grid_int(grid, "nx", 1);
        g.n[1] = grid_int(grid, "ny", 1);
        g.n[2] = grid_int(grid, "nz", 1);
        g.dim = 3;
        geom_axes(&g);
        if (g.n[g.c] > 1) plane_frac = 1.0 / g.n[g.c];
    }
    for (size_t i = 0; i < w->ntimes; i++) {
        viewer_time *s = &w->times[i];
        if (!s->vti && !s->csv) continue;
        char p[1700];
        if (s->vti) {
            snprintf(p, sizeof p, "%s/fields/fields_" STROMA_FILE_TIME ".vti", w->dir, s->t);
            s->cost += plane_frac * 0.67 * (double)file_size(p); /* a Float64 -> 4 bytes as base64 */
        } else {
            for (size_t k = 0; k < w->nfields; k++) {
                snprintf(p, sizeof p, "%s/fields/%s_" STROMA_FILE_TIME ".csv", w->dir, w->fields[k], s->t);
                s->cost += plane_frac * 0.075 * (double)file_size(p); /* a row of 4 numbers -> 4 bytes as base64 */
            }
        }
    }
}

static int cmp_time(const void *a, const void *b) {
    double x = ((const viewer_time *)a)->t, y = ((const viewer_time *)b)->t;
    return (x > y) - (x < y);
}

/* ---- geometry ---- */

static void geom_axes(viewer_geom *g) {
    int order[3], k = 0;
    for (int d = 0; d < 3; d++)
        if (g->n[d] > 1) order[k++] = d;
    for (int d = 0; d < 3; d++)
        if (g->n[d] <= 1) order[k++] = d;
    g->a = order[0];
    g->b = order[1];
    g->c = order[2];
    g->cut = g->dim == 3;
    g->plane_um = g->lo[g->c] + 0.5 * g->n[g->c] * g->dx;
}

/* The plane of the full field v (x fastest) into out[na * nb] (b rows of a): the layer at the middle of axis
 * c, or the mean of the two layers the mid plane separates, as the tissue pictures do. */
static void geom_plane(const viewer_geom *g, const double *v, double *out) {
    int na = g->n[g->a], nb = g->n[g->b], nc = g->n[g->c];
    for (int j = 0; j < nb; j++)
        for (int i = 0; i < na; i++) {
            int idx[3];
            idx[g->a] = i;
            idx[g->b] = j;
            idx[g->c] = nc / 2;
            size_t at = ((size_t)idx[2] * (size_t)g->n[1] + (size_t)idx[1]) * (size_t)g->n[0] + (size_t)idx[0];
            double x = v[at];
            if (nc > 1 && nc % 2 == 0) {
                idx[g->c] = nc / 2 - 1;
                at = ((size_t)idx[2] * (size_t)g->n[1] + (size_t)idx[1]) * (size_t)g->n[0] + (size_t)idx[0];
                x = 0.5 * (x + v[at]);
            }
            out[(size_t)j * (size_t)na + (size_t)i] = x;
        }
}

static size_t geom_voxels(const viewer_geom *g) {
    return (size_t)g->n[0] * (size_t)g->n[1] * (size_t)g->n[2];
}

/* ---- field files ---- */

/* The value of attribute `key` in the tag starting at tag (up to its '>'), copied into out[cap]. */
static int xml_attr(const char *tag, const char *key, char *out, size_t cap) {
    const char *end = strchr(tag, '>');
    char pat[64];
    snprintf(pat, sizeof pat, " %s=\"", key);
    const char *p = strstr(tag, pat);
    if (!p || (end && p > end)) return -1;
    p += strlen(pat);
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= cap) return -1;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return 0;
}

/* Read fields/fields_<t>.vti: the grid (into *g when g->have is 0, else checked against it) and, for each
 * field name of w (all the file's arrays when w has none yet), the full array into vals[k] (malloc'd; NULL
 * if the file lacks it). Returns 0, or -1 with a reason in why. */
static int read_vti(viewer *w, double t, double **vals, char *why, size_t cap) {
    char path[1400];
    snprintf(path, sizeof path, "%s/fields/fields_" STROMA_FILE_TIME ".vti", w->dir, t);
    char *text;
    size_t len;
    int e = stroma_read_regular_file(path, &text, &len);
    if (e == ENOMEM) w->oom = 1;
    if (e) {
        snprintf(why, cap, "%s", e == EINVAL ? "not a regular file" : strerror(e));
        return -1;
    }
    int rc = -1;
    char buf[256];
    const char *img = strstr(text, "<ImageData ");
    const char *app = strstr(text, "<AppendedData encoding=\"raw\">");
    const char *head = strstr(text, "<VTKFile ");
    if (!img || !app || !head || xml_attr(head, "byte_order", buf, sizeof buf) || strcmp(buf, "LittleEndian") ||
        xml_attr(head, "header_type", buf, sizeof buf) || strcmp(buf, "UInt64")) {
        snprintf(why, cap, "not a little-endian stroma .vti file");
        goto done;
    }
    int ext[6];
    double org[3], sp[3];
    char b2[256], b3[256];
    if (xml_attr(img, "WholeExtent", buf, sizeof buf) || xml_attr(img, "Origin", b2, sizeof b2) ||
        xml_attr(img, "Spacing", b3, sizeof b3) ||
        sscanf(buf, "%d %d %d %d %d %d", &ext[0], &ext[1], &ext[2], &ext[3], &ext[4], &ext[5]) != 6 ||
        sscanf(b2, "%lf %lf %lf", &org[0], &org[1], &org[2]) != 3 || sscanf(b3, "%lf %lf %lf", &sp[0], &sp[1], &sp[2]) != 3 ||
        !(sp[0] > 0) || !isfinite(sp[0]) || !isfinite(org[0]) || !isfinite(org[1]) || !isfinite(org[2])) {
        snprintf(why, cap, "its ImageData header is not understood");
        goto done;
    }
    viewer_geom g = {0};
    g.have = 1;
    for (int d = 0; d < 3; d++) {
        long long span = (long long)ext[2 * d + 1] - ext[2 * d];
        g.n[d] = span >= 1 && span <= 1 << 20 ? (int)span : 0;
        g.lo[d] = org[d];
    }
    g.dx = sp[0];
    g.dim = g.n[2] > 1 ? 3 : g.n[1] > 1 ? 2 : 1;
    if (g.n[0] < 1 || g.n[1] < 1 || g.n[2] < 1 || geom_voxels(&g) > (size_t)1 << 28) {
        snprintf(why, cap, "its extent is not usable");
        goto done;
    }
    if (!w->g.have) {
        const stroma_json *grid = stroma_json_get(w->summary, "grid");
        int dm = grid_int(grid, "dimension", g.dim);
        if (dm <= 3) g.dim = dm;
        geom_axes(&g);
        w->g = g;
    } else if (memcmp(g.n, w->g.n, sizeof g.n) != 0) {
        snprintf(why, cap, "its grid differs from the first field file's");
        goto done;
    }
    const char *data = strchr(app, '>') + 1;
    while (*data == ' ' || *data == '\n' || *data == '\r' || *data == '\t') data++;
    if (*data != '_') {
        snprintf(why, cap, "no raw appended data");
        goto done;
    }
    data++;
    size_t avail = len - (size_t)(data - text);
    const char *cd = strstr(img, "<CellData");
    const char *cd_end = cd ? strstr(cd, "</CellData>") : NULL;
    if (!cd || !cd_end) {
        snprintf(why, cap, "no CellData");
        goto done;
    }
    int first = w->nfields == 0;
    for (const char *p = strstr(cd, "<DataArray "); p && p < cd_end; p = strstr(p + 1, "<DataArray ")) {
        char name[200], type[32], off[32];
        if (xml_attr(p, "Name", name, sizeof name) || xml_attr(p, "type", type, sizeof type) ||
            xml_attr(p, "offset", off, sizeof off) || strcmp(type, "Float64") != 0)
            continue;
        long k = find_str(w->fields, w->nfields, name, strlen(name));
        if (k < 0 && first && w->nfields < VIEWER_MAX_FIELDS) k = push_str(w, &w->fields, &w->nfields, name, strlen(name));
        if (k < 0 || k >= VIEWER_MAX_FIELDS) continue;
        unsigned long long o = strtoull(off, NULL, 10);
        size_t nv = geom_voxels(&w->g);
        uint64_t nb;
        if (o > avail || avail - o < 8) continue;
        memcpy(&nb, data + o, 8);
        if (nb != 8 * (uint64_t)nv || avail - o - 8 < nb) continue;
        double *v = malloc(nv * sizeof *v);
        if (!v) {
            w->oom = 1;
            goto done;
        }
        memcpy(v, data + o + 8, nv * sizeof *v);
        free(vals[k]);
        vals[k] = v;
    }
    rc = 0;
done:
    free(text);
    return rc;
}

/* Read fields/<name>_<t>.csv (x,y,z,value) into a full array placed by the coordinates (NAN where absent).
 * Returns the array (malloc'd) or NULL with a reason in why. */
static double *read_field_csv(viewer *w, const char *name, double t, char *why, size_t cap) {
    char path[1400];
    snprintf(path, sizeof path, "%s/fields/%s_" STROMA_FILE_TIME ".csv", w->dir, name, t);
    stroma_table tab;
    stroma_error err;
    if (stroma_table_read(path, &tab, &err) != STROMA_OK) {
        if (err.code == STROMA_ERR_NOMEM) w->oom = 1;
        snprintf(why, cap, "%.500s", err.message);
        return NULL;
    }
    double *v = NULL;
    int cx = stroma_table_column(&tab, "x"), cy = stroma_table_column(&tab, "y"), cz = stroma_table_column(&tab, "z"),
        cv = stroma_table_column(&tab, "value");
    if (cx < 0 || cy < 0 || cz < 0 || cv < 0 || tab.nrows == 0) {
        snprintf(why, cap, "its columns are not x,y,z,value");
        goto done;
    }
    if (!w->g.have) { /* the grid: summary.json's, placed by the least voxel centre */
        const stroma_json *grid = stroma_json_get(w->summary, "grid");
        viewer_geom g = {0};
        g.n[0] = grid_int(grid, "nx", 0);
        g.n[1] = grid_int(grid, "ny", 0);
        g.n[2] = grid_int(grid, "nz", 0);
        g.dx = stroma_json_get_number(grid, "voxel", 0);
        g.dim = grid_int(grid, "dimension", 0);
        if (g.n[0] < 1 || g.n[1] < 1 || g.n[2] < 1 || !(g.dx > 0) || g.dim < 1 || g.dim > 3 ||
            geom_voxels(&g) != tab.nrows) {
            snprintf(why, cap, "summary.json gives no grid that fits it");
            goto done;
        }
        int col[3] = {cx, cy, cz};
        for (int d = 0; d < 3; d++) {
            double m = INFINITY;
            for (size_t r = 0; r < tab.nrows; r++) m = fmin(m, stroma_table_at(&tab, r, col[d]));
            g.lo[d] = m - 0.5 * g.dx;
        }
        g.have = 1;
        geom_axes(&g);
        w->g = g;
    }
    size_t nv = geom_voxels(&w->g);
    v = malloc(nv * sizeof *v);
    if (!v) {
        w->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < nv; i++) v[i] = NAN;
    for (size_t r = 0; r < tab.nrows; r++) {
        int idx[3], col[3] = {cx, cy, cz}, ok = 1;
        for (int d = 0; d < 3; d++) {
            double q = floor((stroma_table_at(&tab, r, col[d]) - w->g.lo[d]) / w->g.dx);
            ok = ok && q >= 0 && q < w->g.n[d];
            idx[d] = ok ? (int)q : 0;
        }
        if (ok)
            v[((size_t)idx[2] * (size_t)w->g.n[1] + (size_t)idx[1]) * (size_t)w->g.n[0] + (size_t)idx[0]] =
                stroma_table_at(&tab, r, cv);
    }
done:
    stroma_table_free(&tab);
    return v;
}

/* ---- cell files ---- */

/* One cell file: n rows of the embedded columns (column-major: v[col * n + row]). */
typedef struct viewer_cells {
    size_t n;
    double *v;
} viewer_cells;

static const char *const state_names[] = {"live", "apoptotic", "necrotic"};

/* Split the next CSV line at *p into fields (in place, commas and the line end replaced by NUL); returns the
 * number of fields (at most cap) and advances *p past the line; 0 at the end. */
static size_t csv_line(char **p, char **fld, size_t cap) {
    char *s = *p;
    if (!*s) return 0;
    size_t n = 0;
    fld[n++] = s;
    for (; *s && *s != '\n'; s++) {
        if (*s == ',') {
            *s = '\0';
            if (n < cap) fld[n++] = s + 1;
        }
    }
    if (s > *p && s[-1] == '\r') s[-1] = '\0';
    if (*s) *s++ = '\0';
    *p = s;
    return n;
}

/* Read cells/cells_<t>.csv: every row, or in 3D those whose sphere the plane cuts. The first file read fixes
 * the columns; a later file's columns are matched by name (NAN where absent). 0, or -1 with why. */
static int read_cells(viewer *w, double t, viewer_cells *out, char *why, size_t cap) {
    out->n = 0;
    out->v = NULL;
    char path[1400];
    snprintf(path, sizeof path, "%s/cells/cells_" STROMA_FILE_TIME ".csv", w->dir, t);
    char *text;
    size_t len;
    int e = stroma_read_regular_file(path, &text, &len);
    if (e == ENOMEM) w->oom = 1;
    if (e) {
        snprintf(why, cap, "%s", e == EINVAL ? "not a regular file" : strerror(e));
        return -1;
    }
    int rc = -1;
    size_t rows = 0;
    for (const char *p = text; *p; p++) rows += *p == '\n';
    size_t maxf = 1;
    for (const char *p = text; *p && *p != '\n'; p++) maxf += *p == ',';
    char **fld = malloc((maxf + 1) * sizeof *fld);
    long *map = malloc((maxf + 1) * sizeof *map); /* file column -> embedded column */
    char *p = text;
    size_t nh = fld && map ? csv_line(&p, fld, maxf + 1) : 0;
    if (!fld || !map) {
        w->oom = 1;
        goto done;
    }
    long ctype = -1, cstate = -1, cpos[3] = {-1, -1, -1}, crad = -1;
    int first = w->ncolumns == 0;
    for (size_t i = 0; i < nh; i++) {
        map[i] = first ? push_str(w, &w->columns, &w->ncolumns, fld[i], strlen(fld[i]))
                       : find_str(w->columns, w->ncolumns, fld[i], strlen(fld[i]));
        if (first && map[i] < 0) goto done;
    }
    for (size_t i = 0; i < nh; i++) {
        if (strcmp(fld[i], "type") == 0) ctype = (long)i;
        if (strcmp(fld[i], "state") == 0) cstate = (long)i;
        if (strcmp(fld[i], "x") == 0) cpos[0] = (long)i;
        if (strcmp(fld[i], "y") == 0) cpos[1] = (long)i;
        if (strcmp(fld[i], "z") == 0) cpos[2] = (long)i;
        if (strcmp(fld[i], "radius") == 0) crad = (long)i;
    }
    if (ctype < 0 || cstate < 0 || cpos[0] < 0 || cpos[1] < 0 || cpos[2] < 0 || crad < 0) {
        snprintf(why, cap, "it lacks a column of type, state, x, y, z, radius");
        goto done;
    }
    size_t nc = w->ncolumns;
    out->v = malloc((rows ? rows : 1) * nc * sizeof *out->v);
    double *row = malloc((nc ? nc : 1) * sizeof *row);
    if (!out->v || !row) {
        free(row);
        w->oom = 1;
        goto done;
    }
    size_t line = 1, n = 0;
    size_t nf;
    while ((nf = csv_line(&p, fld, maxf + 1)) > 0) {
        line++;
        if (nf == 1 && fld[0][0] == '\0') continue;
        if (nf != nh) {
            snprintf(why, cap, "line %zu has %zu fields, the header %zu", line, nf, nh);
            free(row);
            goto done;
        }
        for (size_t k = 0; k < nc; k++) row[k] = NAN;
        for (size_t i = 0; i < nh; i++) {
            if (map[i] < 0) continue;
            double x;
            if ((long)i == ctype) {
                long k = find_str(w->types, w->ntypes, fld[i], strlen(fld[i]));
                if (k < 0) k = push_str(w, &w->types, &w->ntypes, fld[i], strlen(fld[i]));
                x = (double)k;
            } else if ((long)i == cstate) {
                x = NAN;
                for (int s = 0; s < 3; s++)
                    if (strcmp(fld[i], state_names[s]) == 0) x = s;
            } else {
                char *end;
                x = strtod(fld[i], &end);
                if (end == fld[i] || *end) x = NAN;
            }
            row[map[i]] = x;
        }
        if (w->g.cut) {
            double d = row[map[cpos[w->g.c]]] - w->g.plane_um, r = row[map[crad]];
            if (!(fabs(d) < r)) continue;
        }
        if (n == rows) break;
        for (size_t k = 0; k < nc; k++) out->v[k * rows + n] = row[k];
        n++;
    }
    free(row);
    /* compact the columns from a stride of `rows` to n */
    for (size_t k = 1; k < nc && n < rows; k++) memmove(out->v + k * n, out->v + k * rows, n * sizeof *out->v);
    out->n = n;
    rc = 0;
done:
    if (rc) {
        free(out->v);
        out->v = NULL;
    }
    free(fld);
    free(map);
    free(text);
    return rc;
}

/* ---- the script ---- */

/* The time-series plots: cells by type; each field's mean; each plasma substrate. */
static void emit_plots(viewer *w, FILE *f, const stroma_table *ts) {
    fputs(",\n\"ts_time\":[", f);
    int ct = ts ? stroma_table_column(ts, "time") : -1;
    if (ct >= 0)
        for (size_t r = 0; r < ts->nrows; r++) {
            if (r) fputc(',', f);
            js_number(f, stroma_table_at(ts, r, ct));
        }
    fputs("],\n\"plots\":[", f);
    if (ct < 0) {
        fputs("]", f);
        return;
    }
    int first_plot = 1;
    /* cells by type, then dead */
    int any = 0;
    for (int c = 0; c < ts->ncols; c++) any |= strncmp(ts->names[c], "cells_", 6) == 0;
    if (any) {
        fputs("\n{\"title\":\"Live cells per type, dead cells\",\"ylabel\":\"cells\",\"field\":null,\"series\":[", f);
        int first = 1;
        for (int pass = 0; pass < 2; pass++)
            for (int c = 0; c < ts->ncols; c++) {
                const char *nm = ts->names[c];
                if (strncmp(nm, "cells_", 6) != 0) continue;
                int dead = strcmp(nm, "cells_dead") == 0;
                if (dead != (pass == 1)) continue;
                long k = find_str(w->types, w->ntypes, nm + 6, strlen(nm + 6));
                if (!dead && k < 0) k = push_str(w, &w->types, &w->ntypes, nm + 6, strlen(nm + 6));
                if (!first) fputc(',', f);
                first = 0;
                fputs("\n {\"label\":", f);
                js_string(f, dead ? "dead" : nm + 6);
                if (dead) {
                    fputs(",\"color\":\"#777777\",\"dash\":1", f);
                } else {
                    stroma_rgb rgb = stroma_palette_color((int)k);
                    fprintf(f, ",\"color\":\"#%02x%02x%02x\",\"dash\":0", (int)lround(rgb.r * 255),
                            (int)lround(rgb.g * 255), (int)lround(rgb.b * 255));
                }
                fputs(",\"v\":[", f);
                for (size_t r = 0; r < ts->nrows; r++) {
                    if (r) fputc(',', f);
                    js_number(f, stroma_table_at(ts, r, c));
                }
                fputs("]}", f);
            }
        fputs("]}", f);
        first_plot = 0;
    }
    /* each field's mean (the fields shown), then plasma */
    for (int pass = 0; pass < 2; pass++)
        for (int c = 0; c < ts->ncols; c++) {
            const char *nm = ts->names[c];
            size_t n = strlen(nm);
            char label[200];
            if (pass == 0) {
                if (n <= 5 || strcmp(nm + n - 5, "_mean") != 0 || n - 5 >= sizeof label) continue;
                snprintf(label, sizeof label, "%.*s", (int)(n - 5), nm);
                if (find_str(w->fields, w->nfields, label, strlen(label)) < 0) continue;
            } else {
                if (strncmp(nm, "plasma_", 7) != 0 || n - 7 >= sizeof label) continue;
                snprintf(label, sizeof label, "%s", nm + 7);
            }
            const stroma_json *o =
                stroma_json_get(stroma_json_get(w->summary, pass == 0 ? "substrates" : "plasma"), label);
            const char *unit = stroma_json_get_string(o, "unit");
            char title[300], ylabel[300];
            snprintf(title, sizeof title, pass == 0 ? "%s: mean over the domain" : "%s in plasma", label);
            snprintf(ylabel, sizeof ylabel, "%s", unit ? unit : "");
            if (!first_plot) fputc(',', f);
            first_plot = 0;
            fputs("\n{\"title\":", f);
            js_string(f, title);
            fputs(",\"ylabel\":", f);
            js_string(f, ylabel);
            fputs(",\"field\":", f);
            if (pass == 0)
                js_string(f, label);
            else
                fputs("null", f);
            fputs(",\"series\":[{\"label\":", f);
            js_string(f, label);
            fputs(",\"color\":\"#21908d\",\"dash\":0,\"v\":[", f);
            for (size_t r = 0; r < ts->nrows; r++) {
                if (r) fputc(',', f);
                js_number(f, stroma_table_at(ts, r, c));
            }
            fputs("]}]}", f);
        }
    fputs("]", f);
}

/* Choose the embedded times: all, or an evenly spread subset (first and last included) within the budget. */
static size_t choose_frames(viewer *w, size_t *pick) {
    double total = 0, mean;
    for (size_t i = 0; i < w->ntimes; i++) total += w->times[i].cost;
    size_t k = w->ntimes;
    if (total > w->budget && w->ntimes > 2) {
        mean = total / (double)w->ntimes;
        k = (size_t)floor(w->budget / mean);
        if (k < 2) k = 2;
    }
    size_t m = 0, prev = (size_t)-1;
    for (size_t i = 0; i < k; i++) {
        size_t idx = k == 1 ? 0 : (size_t)llround((double)i * (double)(w->ntimes - 1) / (double)(k - 1));
        if (idx == prev) continue;
        pick[m++] = prev = idx;
    }
    return m;
}

static void emit_geometry(const viewer *w, FILE *f, const double *bbox) {
    static const char axis_name[3] = {'x', 'y', 'z'};
    const viewer_geom *g = &w->g;
    if (g->have) {
        fprintf(f, "\"dim\":%d,\"axes\":[\"%c\",\"%c\"],\"lo\":[", g->dim, axis_name[g->a], axis_name[g->b]);
        js_number(f, g->lo[g->a]);
        fputc(',', f);
        js_number(f, g->lo[g->b]);
        fputs("],\"size\":[", f);
        js_number(f, g->n[g->a] * g->dx);
        fputc(',', f);
        js_number(f, g->n[g->b] * g->dx);
        fprintf(f, "],\"n\":[%d,%d],\"voxel\":", g->n[g->a], g->n[g->b]);
        js_number(f, g->dx);
        fputs(",\"plane\":", f);
        if (g->cut) {
            fprintf(f, "{\"axis\":\"%c\",\"um\":", axis_name[g->c]);
            js_number(f, g->plane_um);
            fputs("}", f);
        } else {
            fputs("null", f);
        }
    } else { /* no field file: the cells' extent */
        fputs("\"dim\":2,\"axes\":[\"x\",\"y\"],\"lo\":[", f);
        js_number(f, bbox[0]);
        fputc(',', f);
        js_number(f, bbox[1]);
        fputs("],\"size\":[", f);
        js_number(f, bbox[2] - bbox[0]);
        fputc(',', f);
        js_number(f, bbox[3] - bbox[1]);
        fputs("],\"n\":[0,0],\"voxel\":0,\"plane\":null", f);
    }
}

static stroma_code viewer_script(viewer *w, FILE *f, stroma_report_viewer *v, const stroma_table *ts) {
    if (w->ntimes) qsort(w->times, w->ntimes, sizeof *w->times, cmp_time);
    size_t *pick = malloc((w->ntimes ? w->ntimes : 1) * sizeof *pick);
    if (!pick) return STROMA_ERR_NOMEM;
    size_t m = choose_frames(w, pick);
    v->nframes = m;
    v->nframes_total = w->ntimes;
    /* read the chosen frames: fields first (they fix the grid and so the 3D plane), then cells */
    double ***planes = calloc(m ? m : 1, sizeof *planes); /* planes[frame][field] */
    viewer_cells *cells = calloc(m ? m : 1, sizeof *cells);
    int *have_cells = calloc(m ? m : 1, sizeof *have_cells);
    size_t *nplanes = calloc(m ? m : 1, sizeof *nplanes); /* fields of planes[frame] */
    if (!planes || !cells || !have_cells || !nplanes) w->oom = 1;
    char why[600], msg[800];
    for (size_t i = 0; i < m && !w->oom; i++) {
        viewer_time *s = &w->times[pick[i]];
        if (!s->vti && !s->csv) continue;
        double **full = NULL;
        size_t nfull = 0;
        if (s->vti) {
            full = calloc(VIEWER_MAX_FIELDS, sizeof *full);
            if (!full) {
                w->oom = 1;
                break;
            }
            int bad = read_vti(w, s->t, full, why, sizeof why) != 0;
            if (bad) {
                snprintf(msg, sizeof msg, "fields/fields_" STROMA_FILE_TIME ".vti is left out: %s.", s->t, why);
                note_add(w, msg);
            }
            nfull = w->nfields < VIEWER_MAX_FIELDS ? w->nfields : VIEWER_MAX_FIELDS;
            for (size_t k = 0; k < nfull && !bad; k++)
                if (!full[k]) {
                    snprintf(msg, sizeof msg, "fields/fields_" STROMA_FILE_TIME ".vti has no whole %s array.", s->t,
                             w->fields[k]);
                    note_add(w, msg);
                }
        } else {
            nfull = w->nfields;
            full = calloc(nfull ? nfull : 1, sizeof *full);
            if (!full) {
                w->oom = 1;
                break;
            }
            for (size_t k = 0; k < nfull && !w->oom; k++) {
                full[k] = read_field_csv(w, w->fields[k], s->t, why, sizeof why);
                if (!full[k]) {
                    snprintf(msg, sizeof msg, "fields/%s_" STROMA_FILE_TIME ".csv is left out: %s.", w->fields[k],
                             s->t, why);
                    note_add(w, msg);
                }
            }
        }
        if (w->g.have) {
            nplanes[i] = nfull;
            planes[i] = calloc(nfull ? nfull : 1, sizeof **planes);
            size_t np = (size_t)w->g.n[w->g.a] * (size_t)w->g.n[w->g.b];
            for (size_t k = 0; planes[i] && k < nfull; k++) {
                if (!full[k]) continue;
                planes[i][k] = malloc(np * sizeof ***planes);
                if (!planes[i][k]) {
                    w->oom = 1;
                    break;
                }
                geom_plane(&w->g, full[k], planes[i][k]);
            }
            if (!planes[i]) w->oom = 1;
        }
        for (size_t k = 0; k < nfull; k++) free(full[k]);
        free(full);
    }
    for (size_t i = 0; i < m && !w->oom; i++) {
        viewer_time *s = &w->times[pick[i]];
        if (!s->cells) continue;
        if (read_cells(w, s->t, &cells[i], why, sizeof why) == 0)
            have_cells[i] = 1;
        else if (!w->oom) {
            snprintf(msg, sizeof msg, "cells/cells_" STROMA_FILE_TIME ".csv is left out: %s.", s->t, why);
            note_add(w, msg);
        }
    }
    /* the extent of the cells, for a run without field files */
    double bbox[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    long cx = find_str(w->columns, w->ncolumns, "x", 1), cy = find_str(w->columns, w->ncolumns, "y", 1),
         cr = find_str(w->columns, w->ncolumns, "radius", 6);
    for (size_t i = 0; i < m && !w->oom && cx >= 0 && cy >= 0 && cr >= 0; i++)
        for (size_t r = 0; have_cells[i] && r < cells[i].n; r++) {
            double x = cells[i].v[(size_t)cx * cells[i].n + r], y = cells[i].v[(size_t)cy * cells[i].n + r],
                   rad = cells[i].v[(size_t)cr * cells[i].n + r];
            if (!isfinite(x) || !isfinite(y) || !isfinite(rad)) continue;
            bbox[0] = fmin(bbox[0], x - rad);
            bbox[1] = fmin(bbox[1], y - rad);
            bbox[2] = fmax(bbox[2], x + rad);
            bbox[3] = fmax(bbox[3], y + rad);
        }
    if (!(bbox[2] > bbox[0]) || !(bbox[3] > bbox[1])) bbox[0] = bbox[1] = 0, bbox[2] = bbox[3] = 1;
    if (w->vtp_cells && !w->csv_cells)
        note_add(w, "The cells were written as .vtp files only; the viewer draws cells from cells/cells_<time>.csv "
                    "(outputs.cells: [csv]).");
    if (!w->g.have && stroma_json_get_number(stroma_json_get(w->summary, "grid"), "dimension", 0) == 3)
        note_add(w, "Without field files the mid plane of this 3D run is not known: every cell is drawn, seen along z.");
    for (size_t i = 0; i < m && !w->oom; i++) {
        v->has_cells |= have_cells[i];
        for (size_t k = 0; planes[i] && k < nplanes[i]; k++) v->has_fields |= planes[i][k] != NULL;
    }
    if (!w->oom) {
        fputs("const STROMA_RUN = {", f);
        emit_geometry(w, f, bbox);
        fputs(",\n\"types\":[", f);
        /* the types of the time series too, so a type first seen there keeps its palette index */
        for (int c = 0; ts && c < ts->ncols; c++)
            if (strncmp(ts->names[c], "cells_", 6) == 0 && strcmp(ts->names[c], "cells_dead") != 0 &&
                find_str(w->types, w->ntypes, ts->names[c] + 6, strlen(ts->names[c] + 6)) < 0)
                push_str(w, &w->types, &w->ntypes, ts->names[c] + 6, strlen(ts->names[c] + 6));
        for (size_t k = 0; k < w->ntypes; k++) {
            if (k) fputc(',', f);
            js_string(f, w->types[k]);
        }
        fputs("],\n\"times\":[", f);
        for (size_t i = 0; i < m; i++) {
            if (i) fputc(',', f);
            js_number(f, w->times[pick[i]].t);
        }
        fprintf(f, "],\n\"total_times\":%zu,\n\"fields\":[", w->ntimes);
        int firstf = 1;
        for (size_t k = 0; k < w->nfields && v->has_fields; k++) {
            if (!firstf) fputc(',', f);
            firstf = 0;
            fputs("\n{\"name\":", f);
            js_string(f, w->fields[k]);
            const char *unit = stroma_json_get_string(stroma_json_get(stroma_json_get(w->summary, "substrates"),
                                                                      w->fields[k]),
                                                      "unit");
            if (!unit && strcmp(w->fields[k], "vessel_density") == 0) unit = "volume fraction";
            if (!unit && strcmp(w->fields[k], STROMA_ECM_FIELD_NAME) == 0) unit = "mg/mL";
            fputs(",\"unit\":", f);
            js_string(f, unit ? unit : "");
            fputs(",\"frames\":[", f);
            size_t np = (size_t)w->g.n[w->g.a] * (size_t)w->g.n[w->g.b];
            for (size_t i = 0; i < m; i++) {
                if (i) fputc(',', f);
                if (planes[i] && k < nplanes[i] && planes[i][k]) {
                    if (js_f32(f, planes[i][k], np, 1)) w->oom = 1;
                } else {
                    fputs("null", f);
                }
            }
            fputs("]}", f);
        }
        fputs("],\n\"columns\":[", f);
        for (size_t k = 0; k < w->ncolumns; k++) {
            if (k) fputc(',', f);
            js_string(f, w->columns[k]);
        }
        fputs("],\n\"cells\":[", f);
        for (size_t i = 0; i < m; i++) {
            if (i) fputc(',', f);
            if (!have_cells[i]) {
                fputs("null", f);
                continue;
            }
            /* a column that holds one value for every cell is embedded as that one value */
            fprintf(f, "\n{\"n\":%zu,\"cols\":[", cells[i].n);
            for (size_t k = 0; k < w->ncolumns; k++) {
                const double *col = cells[i].v + k * cells[i].n;
                size_t n = cells[i].n, same = 1;
                for (size_t r = 1; r < n && same; r++)
                    same = memcmp(&col[r], &col[0], sizeof *col) == 0;
                if (k) fputc(',', f);
                if (js_f32(f, col, same && n > 0 ? 1 : n, 1)) w->oom = 1;
            }
            fputs("]}", f);
        }
        fputs("]", f);
        emit_plots(w, f, ts);
        fputs("};\n", f);
    }
    for (size_t i = 0; i < m; i++) {
        for (size_t k = 0; planes && nplanes && planes[i] && k < nplanes[i]; k++) free(planes[i][k]);
        if (planes) free(planes[i]);
        if (cells) free(cells[i].v);
    }
    free(planes);
    free(cells);
    free(have_cells);
    free(nplanes);
    free(pick);
    return w->oom ? STROMA_ERR_NOMEM : STROMA_OK;
}

stroma_code stroma_report_viewer_build(stroma_report_viewer *v, const char *dir, const stroma_json *summary,
                                       const stroma_table *ts, double budget_bytes, stroma_error *err) {
    memset(v, 0, sizeof *v);
    viewer w;
    memset(&w, 0, sizeof w);
    w.dir = dir;
    w.budget = budget_bytes;
    w.summary = summary;
    char *note = NULL;
    size_t note_len = 0;
    w.note = open_memstream(&note, &note_len);
    FILE *f = open_memstream(&v->script, &v->script_len);
    stroma_code rc = STROMA_OK;
    if (!w.note || !f) {
        rc = STROMA_ERR_NOMEM;
    } else {
        const stroma_json *cells = stroma_json_get(summary, "cells");
        if (cells && cells->kind == STROMA_JSON_OBJECT)
            for (size_t i = 0; i < cells->n; i++)
                push_str(&w, &w.types, &w.ntypes, cells->items[i].key, strlen(cells->items[i].key));
        viewer_list(&w);
        rc = w.oom ? STROMA_ERR_NOMEM : viewer_script(&w, f, v, ts);
        if (rc == STROMA_OK) fwrite(stroma_report_app_js, 1, stroma_report_app_js_len, f);
    }
    if (f && fclose(f) != 0 && rc == STROMA_OK) rc = STROMA_ERR_NOMEM;
    if (w.note && fclose(w.note) != 0 && rc == STROMA_OK) rc = STROMA_ERR_NOMEM;
    if (rc == STROMA_OK && v->nframes < v->nframes_total) {
        snprintf(v->note, sizeof v->note,
                 "The run has %zu output times; the viewer holds %zu of them, evenly spread (first and last "
                 "included), to keep this page within its size budget of %.3g MB of data. ",
                 v->nframes_total, v->nframes, budget_bytes / 1e6);
    }
    if (rc == STROMA_OK && note) {
        size_t used = strlen(v->note);
        snprintf(v->note + used, sizeof v->note - used, "%s", note);
    }
    free(note);
    free(w.times);
    free_strs(w.fields, w.nfields);
    free_strs(w.types, w.ntypes);
    free_strs(w.columns, w.ncolumns);
    if (rc != STROMA_OK) {
        stroma_report_viewer_free(v);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory building the report's viewer");
    }
    /* the script's hash for the Content-Security-Policy: sha256 of its bytes, base64 */
    char hex[65];
    stroma_sha256_hex(v->script, v->script_len, hex);
    unsigned char bin[32];
    for (int i = 0; i < 32; i++) {
        unsigned x;
        sscanf(hex + 2 * i, "%2x", &x);
        bin[i] = (unsigned char)x;
    }
    char b64[48];
    stroma_base64_encode(bin, 32, b64);
    snprintf(v->csp_hash, sizeof v->csp_hash, "sha256-%s", b64);
    return STROMA_OK;
}

void stroma_report_viewer_section(FILE *f, const stroma_report_viewer *v) {
    fputs("<section id=\"viewer\">\n<h2>Tissue viewer</h2>\n", f);
    fputs("<p class=\"note\" id=\"v-nojs\">The viewer draws the run's cells and fields with JavaScript, which "
          "this browser does not run; the pictures and plots below show the same run.</p>\n",
          f);
    if (v->note[0]) {
        fputs("<p class=\"note\" id=\"v-note\">", f);
        for (const char *s = v->note; *s; s++) {
            switch (*s) {
            case '&': fputs("&amp;", f); break;
            case '<': fputs("&lt;", f); break;
            case '>': fputs("&gt;", f); break;
            case '"': fputs("&quot;", f); break;
            default: fputc(*s, f);
            }
        }
        fputs("</p>\n", f);
    }
    if (!v->has_cells && !v->has_fields) {
        fputs("<p class=\"note\" id=\"v-empty\">This run wrote no cell or field files (<code>outputs.cells: "
              "[csv]</code>, <code>outputs.fields: [csv]</code> or <code>[vti]</code>), so there is nothing to "
              "draw here; the time series are below.</p>\n",
              f);
    }
    fputs("<div id=\"v-app\" hidden>\n"
          "<div class=\"v-controls\">"
          "<button type=\"button\" id=\"v-play\">Play</button>"
          "<input type=\"range\" id=\"v-time\" min=\"0\" max=\"0\" step=\"1\" value=\"0\" aria-label=\"output time\">"
          "<output id=\"v-time-label\"></output>"
          "<label>substrate <select id=\"v-field\"></select></label>"
          "<label>cells coloured by <select id=\"v-color\"></select></label>"
          "</div>\n"
          "<div class=\"v-stage\"><canvas id=\"v-canvas\" width=\"800\" height=\"600\"></canvas>"
          "<div id=\"v-tip\" hidden></div></div>\n"
          "<p class=\"v-help\" id=\"v-info\"></p>\n"
          "<div id=\"v-plots\"></div>\n"
          "</div>\n</section>\n",
          f);
}

void stroma_report_viewer_free(stroma_report_viewer *v) {
    if (!v) return;
    free(v->script);
    memset(v, 0, sizeof *v);
}
