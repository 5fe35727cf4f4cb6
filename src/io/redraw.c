/* Drawing a finished run's tissue pictures again from its files (see redraw.h). */
#define _XOPEN_SOURCE 700
#include "io/redraw.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/outdir.h"
#include "io/pictures.h"
#include "io/report.h"
#include "io/table.h"
#include "io/writers.h"
#include "model/model.h"
#include "util/error_impl.h"
#include "util/file.h"
#include "util/json.h"

/* Read a whole regular file of the run into a NUL-terminated buffer (owned by the caller). */
static stroma_code redraw_slurp(const char *path, char **text, size_t *len, stroma_error *err) {
    stroma_code code;
    char why[128];
    *text = NULL;
    *len = 0;
    FILE *f = stroma_open_regular(path, &code, why, sizeof why);
    if (!f)
        return stroma_error_set(err, code, code == STROMA_ERR_ARGUMENT ? "'%s' is %s, not a regular file"
                                                                        : "cannot read '%s': %s",
                                path, why);
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap + 1);
    while (p) {
        n += fread(p + n, 1, cap - n, f);
        if (n < cap) break;
        char *q = realloc(p, 2 * cap + 1);
        if (!q) free(p);
        p = q;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!p) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory reading '%s'", path);
    if (bad) {
        free(p);
        return stroma_error_set(err, STROMA_ERR_IO, "cannot read '%s'", path);
    }
    p[n] = '\0';
    *text = p;
    *len = n;
    return STROMA_OK;
}

/* Times t of the files <dir>/<prefix><t>.csv (STROMA_FILE_TIME), sorted; *n of them (a new array or NULL). */
static stroma_code redraw_times(const char *dir, const char *prefix, double **out, size_t *n, stroma_error *err) {
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return STROMA_OK;
    size_t cap = 0, plen = strlen(prefix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t len = strlen(name);
        if (len <= plen + 4 || strncmp(name, prefix, plen) != 0 || strcmp(name + len - 4, ".csv") != 0) continue;
        char num[48], canon[48];
        if (len - plen - 4 >= sizeof num) continue;
        memcpy(num, name + plen, len - plen - 4);
        num[len - plen - 4] = '\0';
        char *end;
        double t = strtod(num, &end);
        if (end == num || *end || !(t >= 0) || !isfinite(t)) continue;
        snprintf(canon, sizeof canon, STROMA_FILE_TIME, t);
        if (strcmp(canon, num) != 0) continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            double *q = realloc(*out, cap * sizeof *q);
            if (!q) {
                closedir(d);
                return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory listing '%s'", dir);
            }
            *out = q;
        }
        (*out)[(*n)++] = t;
    }
    closedir(d);
    for (size_t i = 1; i < *n; i++) /* insertion sort: a run has few output times */
        for (size_t j = i; j > 0 && (*out)[j - 1] > (*out)[j]; j--) {
            double x = (*out)[j];
            (*out)[j] = (*out)[j - 1];
            (*out)[j - 1] = x;
        }
    return STROMA_OK;
}

static int has_time(const double *v, size_t n, double t) {
    for (size_t i = 0; i < n; i++)
        if (v[i] == t) return 1;
    return 0;
}

/* A field file's values in voxel order (x fastest), checked against the grid. */
static stroma_code redraw_field(const char *dir, const char *name, double t, const stroma_mesh *mesh, double *out,
                                stroma_error *err) {
    char path[1600];
    snprintf(path, sizeof path, "%s/fields/%s_" STROMA_FILE_TIME ".csv", dir, name, t);
    stroma_table tab;
    stroma_code rc = stroma_table_read(path, &tab, err);
    if (rc != STROMA_OK) return rc;
    int col = stroma_table_column(&tab, "value");
    if (col < 0 || tab.nrows != mesh->nvox)
        rc = stroma_error_set(err, STROMA_ERR_PARSE, "%s: %s (the model's grid has %zu voxels)", path,
                              col < 0 ? "no 'value' column" : "another number of rows than voxels", mesh->nvox);
    for (size_t k = 0; rc == STROMA_OK && k < tab.nrows; k++) out[k] = stroma_table_at(&tab, k, col);
    stroma_table_free(&tab);
    return rc;
}

/* Split one CSV line in place at commas (a field in double quotes keeps its commas; quotes removed). Returns the
 * number of fields (at most cap). */
static int csv_split(char *s, char **f, int cap) {
    int n = 0;
    while (n < cap) {
        char *w = s;
        f[n++] = s;
        if (*s == '"') {
            s++;
            for (;;) {
                if (*s == '"' && s[1] == '"') {
                    *w++ = '"';
                    s += 2;
                } else if (*s == '"' || !*s) {
                    if (*s) s++;
                    break;
                } else {
                    *w++ = *s++;
                }
            }
            while (*s && *s != ',') s++;
        } else {
            while (*s && *s != ',') *w++ = *s++;
        }
        char *next = *s == ',' ? s + 1 : NULL;
        *w = '\0';
        if (!next) break;
        s = next;
    }
    return n;
}

typedef struct redraw_cols {
    int type, state, x, y, z, radius, marker, value;
} redraw_cols;

/* The numeric columns of a cells CSV header (every one but type and state), as "a, b, c" in list[cap]. */
static void redraw_columns_list(char **names, int n, char *list, size_t cap) {
    size_t k = 0;
    list[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!strcmp(names[i], "type") || !strcmp(names[i], "state")) continue;
        k += (size_t)snprintf(list + (k < cap ? k : cap - 1), k < cap ? cap - k : 1, "%s%s", k ? ", " : "",
                              names[i]);
    }
}

/* Build the frame of time t from cells/cells_<t>.csv (and the field files). */
static stroma_code redraw_frame(const char *dir, const stroma_pictures *p, double t, const char *vessel_name,
                                const char *ecm_name, double *grid, stroma_tissue_frame *fr, stroma_error *err) {
    const stroma_tissue_style *st = &p->style;
    const stroma_model *m = st->model;
    stroma_tissue_geom g;
    stroma_tissue_geom_of(&st->mesh, &g);
    char path[1600];
    char *text = NULL;
    size_t len = 0, rows = 0;
    if (m->ntypes > 0) {
        snprintf(path, sizeof path, "%s/cells/cells_" STROMA_FILE_TIME ".csv", dir, t);
        stroma_code rc = redraw_slurp(path, &text, &len, err);
        if (rc != STROMA_OK) return rc;
        for (size_t i = 0; i < len; i++) rows += text[i] == '\n';
    }
    if (stroma_tissue_frame_alloc(fr, st, rows)) {
        free(text);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory drawing t = %g min", t);
    }
    fr->time_min = t;
    stroma_code rc = STROMA_OK;
    const char *names[3] = {st->field >= 0 ? m->substrates[st->field].name : NULL, vessel_name, ecm_name};
    double *planes[3] = {fr->field, fr->vessel, fr->ecm};
    for (int k = 0; k < 3 && rc == STROMA_OK; k++) {
        if (!names[k] || !planes[k]) continue;
        rc = redraw_field(dir, names[k], t, &st->mesh, grid, err);
        for (int j = 0; rc == STROMA_OK && j < g.n[g.b]; j++)
            for (int i = 0; i < g.n[g.a]; i++)
                planes[k][(size_t)j * (size_t)g.n[g.a] + (size_t)i] =
                    stroma_tissue_plane_value(&st->mesh, grid, 1, &g, i, j);
    }
    if (rc != STROMA_OK || !text) {
        free(text);
        if (rc != STROMA_OK) stroma_tissue_frame_free(fr);
        return rc;
    }
    /* the header names the columns; every row has as many fields */
    char *line = text, *eol = strchr(line, '\n');
    if (!eol) {
        free(text);
        stroma_tissue_frame_free(fr);
        return stroma_error_set(err, STROMA_ERR_PARSE, "%s: no header line", path);
    }
    *eol = '\0';
    enum { MAXCOLS = 4096 };
    char **hdr = malloc(2 * MAXCOLS * sizeof *hdr);
    if (!hdr) {
        free(text);
        stroma_tissue_frame_free(fr);
        return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory reading '%s'", path);
    }
    char **field = hdr + MAXCOLS;
    int ncols = csv_split(line, hdr, MAXCOLS);
    redraw_cols c = {-1, -1, -1, -1, -1, -1, -1, -1};
    char marker_col[160] = "";
    if (st->marker >= 0) snprintf(marker_col, sizeof marker_col, "marker:%s", m->readout.markers[st->marker].name);
    const int by_value = st->color_by[0] && strcmp(st->color_by, "type") != 0;
    for (int i = 0; i < ncols; i++) {
        const char *h = hdr[i];
        if (!strcmp(h, "type")) c.type = i;
        if (!strcmp(h, "state")) c.state = i;
        if (!strcmp(h, "x")) c.x = i;
        if (!strcmp(h, "y")) c.y = i;
        if (!strcmp(h, "z")) c.z = i;
        if (!strcmp(h, "radius")) c.radius = i;
        if (marker_col[0] && !strcmp(h, marker_col)) c.marker = i;
        if (by_value && !strcmp(h, st->color_by)) c.value = i;
    }
    if (c.type < 0 || c.state < 0 || c.x < 0 || c.y < 0 || c.z < 0 || c.radius < 0 ||
        (marker_col[0] && c.marker < 0) || (by_value && c.value < 0)) {
        char list[2048];
        redraw_columns_list(hdr, ncols, list, sizeof list);
        rc = by_value && c.value < 0
                 ? stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                    "--color-by %s: no such column in %s; colour by type or by one of: %s",
                                    st->color_by, path, list)
                 : stroma_error_set(err, STROMA_ERR_PARSE, "%s: not a stroma cells file (it lacks a column)", path);
    }
    size_t n = 0, lineno = 1;
    static const char *const state_names[3] = {"live", "apoptotic", "necrotic"};
    for (line = eol + 1; rc == STROMA_OK && *line; line = eol + 1) {
        lineno++;
        eol = strchr(line, '\n');
        if (!eol) eol = line + strlen(line) - 1; /* the last line without its newline: never written so */
        else *eol = '\0';
        if (ncols != csv_split(line, field, MAXCOLS)) {
            rc = stroma_error_set(err, STROMA_ERR_PARSE, "%s:%zu: another number of fields than the header's %d",
                                  path, lineno, ncols);
            break;
        }
        int type = -1, state = -1;
        for (int k = 0; k < m->ntypes && type < 0; k++)
            if (!strcmp(field[c.type], m->cell_types[k].name)) type = k;
        for (int k = 0; k < 3 && state < 0; k++)
            if (!strcmp(field[c.state], state_names[k])) state = k;
        double pos[3], r, v = NAN;
        char *end[5];
        pos[0] = strtod(field[c.x], &end[0]);
        pos[1] = strtod(field[c.y], &end[1]);
        pos[2] = strtod(field[c.z], &end[2]);
        r = strtod(field[c.radius], &end[3]);
        end[4] = (char *)"";
        if (by_value) v = strtod(field[c.value], &end[4]);
        if (type < 0 || state < 0 || *end[0] || *end[1] || *end[2] || *end[3] || *end[4] || !isfinite(pos[0]) ||
            !isfinite(pos[1]) || !isfinite(pos[2]) || !(r >= 0)) {
            rc = stroma_error_set(err, STROMA_ERR_PARSE, "%s:%zu: %s", path, lineno,
                                  type < 0    ? "a cell type the model does not have"
                                  : state < 0 ? "a state other than live, apoptotic or necrotic"
                                              : "a position, radius or value that is not a number");
            break;
        }
        int live = state == STROMA_CELL_LIVE, positive = 0;
        if (live) fr->live[type]++;
        if (live && c.marker >= 0) {
            positive = strcmp(field[c.marker], "1") == 0;
            fr->stained[positive]++;
        }
        if (g.cut) {
            double d = pos[g.c] - g.plane_um;
            if (fabs(d) >= r) continue;
            r = sqrt(r * r - d * d);
        }
        fr->x[n] = pos[g.a];
        fr->y[n] = pos[g.b];
        fr->r[n] = r;
        fr->type[n] = type;
        fr->state[n] = (uint8_t)state;
        if (fr->positive) fr->positive[n] = (uint8_t)positive;
        if (fr->value) fr->value[n] = v;
        n++;
    }
    fr->ncells = n;
    free(hdr);
    free(text);
    if (rc != STROMA_OK) stroma_tissue_frame_free(fr);
    return rc;
}

/* The substrates that have field files (for the message refusing another). */
static void redraw_fields_list(const char *dir, const stroma_model *m, char *list, size_t cap) {
    size_t k = 0;
    list[0] = '\0';
    char fdir[1400];
    snprintf(fdir, sizeof fdir, "%s/fields", dir);
    for (int s = 0; s < m->nsub; s++) {
        char prefix[160];
        snprintf(prefix, sizeof prefix, "%s_", m->substrates[s].name);
        double *t;
        size_t n;
        stroma_error e;
        if (redraw_times(fdir, prefix, &t, &n, &e) != STROMA_OK) continue;
        free(t);
        if (n) k += (size_t)snprintf(list + (k < cap ? k : cap - 1), k < cap ? cap - k : 1, "%s, ", m->substrates[s].name);
    }
    snprintf(list + (k < cap ? k : cap - 1), k < cap ? cap - k : 1, "none");
}

/* The model of the run in dir, as the run had it (run.json: its file, overrides and end time). */
static stroma_model *redraw_model(const char *dir, stroma_json **run, stroma_error *err) {
    char path[1400];
    snprintf(path, sizeof path, "%s/run.json", dir);
    char *text;
    size_t len;
    if (redraw_slurp(path, &text, &len, err) != STROMA_OK) return NULL;
    char msg[256];
    *run = stroma_json_parse(text, len, msg, sizeof msg);
    free(text);
    if (!*run || (*run)->kind != STROMA_JSON_OBJECT) {
        stroma_error_set(err, STROMA_ERR_PARSE, "%s is malformed: %s", path, *run ? "not a JSON object" : msg);
        return NULL;
    }
    const char *file = stroma_json_get_string(*run, "model_file");
    const char *given = stroma_json_get_string(*run, "model");
    const char *sha = stroma_json_get_string(*run, "model_sha256");
    if (!file || !given || !sha) {
        stroma_error_set(err, STROMA_ERR_PARSE, "%s does not name the run's model file", path);
        return NULL;
    }
    const stroma_json *ov = stroma_json_get(*run, "overrides");
    const char *sets[256];
    int nsets = 0;
    if (ov && ov->kind == STROMA_JSON_ARRAY)
        for (size_t k = 0; k < ov->n && nsets < 256; k++)
            if (ov->items[k].kind == STROMA_JSON_STRING) sets[nsets++] = ov->items[k].str;
    stroma_error lerr;
    stroma_model *m = stroma_model_load_set(file, sets, nsets, &lerr);
    if (!m) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT, "cannot redraw '%s': its model '%s' does not load:\n%s", dir, file,
                         lerr.message);
        return NULL;
    }
    if (strcmp(m->sha256, sha) != 0) {
        stroma_error_set(err, STROMA_ERR_ARGUMENT,
                         "cannot redraw '%s': the model file '%s' or its overrides changed since the run (SHA-256 "
                         "%.12s…, was %.12s…)",
                         dir, file, m->sha256, sha);
        stroma_model_destroy(&m);
        return NULL;
    }
    snprintf(m->path, sizeof m->path, "%s", given); /* as the run was given it: the pictures' title shows it */
    double end = stroma_json_get_number(*run, "end_time", NAN);
    if (end > 0 && end != m->end_min && stroma_model_set_end(m, end, err) != STROMA_OK) stroma_model_destroy(&m);
    return m;
}

stroma_code stroma_render(const char *dir, const stroma_render_options *opts, size_t *npictures,
                          stroma_error *err) {
    stroma_error_clear(err);
    if (npictures) *npictures = 0;
    struct stat sb;
    if (!dir || stat(dir, &sb) != 0)
        return stroma_error_set(err, STROMA_ERR_NOT_FOUND, "no output directory '%s'%s%s", dir ? dir : "(null)",
                                dir ? ": " : "", dir ? strerror(errno) : "");
    if (!S_ISDIR(sb.st_mode)) return stroma_error_set(err, STROMA_ERR_ARGUMENT, "'%s' is not a directory", dir);
    if (!stroma_outdir_is_run(dir))
        return stroma_error_set(err, STROMA_ERR_NOT_FOUND, "'%s' holds no stroma run (no run.json written by stroma)",
                                dir);
    stroma_json *run = NULL;
    stroma_model *m = redraw_model(dir, &run, err);
    stroma_json_free(&run);
    if (!m) return err->code;
    stroma_render_options o = opts ? *opts : (stroma_render_options){0};
    stroma_code rc = STROMA_OK;
    /* the field: the model's picture field unless asked */
    int field = m->output_images ? m->output_images_field : 0;
    if (m->nsub == 0) field = -1;
    if (o.field && !strcmp(o.field, "none")) field = -1;
    else if (o.field) {
        field = -2;
        for (int s = 0; s < m->nsub; s++)
            if (!strcmp(o.field, m->substrates[s].name)) field = s;
    }
    char fdir[1400], cdir[1400], list[2048];
    snprintf(fdir, sizeof fdir, "%s/fields", dir);
    snprintf(cdir, sizeof cdir, "%s/cells", dir);
    double *tf = NULL, *tc = NULL;
    size_t nf = 0, nc = 0;
    if (field >= 0) {
        char prefix[160];
        snprintf(prefix, sizeof prefix, "%s_", m->substrates[field].name);
        rc = redraw_times(fdir, prefix, &tf, &nf, err);
    }
    if (rc == STROMA_OK && (field == -2 || (field >= 0 && nf == 0))) {
        redraw_fields_list(dir, m, list, sizeof list);
        if (field == -2)
            rc = stroma_error_set(err, STROMA_ERR_ARGUMENT, "--field %s: the model has no such substrate; draw one of: %s",
                                  o.field, list);
        else
            rc = stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                  "--field %s: the run wrote no fields/%s_<time>.csv (outputs.fields: [csv] writes "
                                  "them); draw one of: %s",
                                  m->substrates[field].name, m->substrates[field].name, list);
    }
    if (rc == STROMA_OK && m->ntypes > 0) {
        rc = redraw_times(cdir, "cells_", &tc, &nc, err);
        if (rc == STROMA_OK && nc == 0)
            rc = stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                  "'%s' has no cells/cells_<time>.csv to draw the cells from (outputs.cells: [csv] "
                                  "writes them)",
                                  dir);
    }
    if (rc == STROMA_OK && m->ntypes == 0 && o.color_by && strcmp(o.color_by, "type") != 0)
        rc = stroma_error_set(err, STROMA_ERR_ARGUMENT, "--color-by %s: the model has no cells", o.color_by);
    if (rc == STROMA_OK && m->ntypes == 0 && field < 0)
        rc = stroma_error_set(err, STROMA_ERR_ARGUMENT, "nothing to draw: the model has no cells and no field");
    /* the times: those with every file needed, at multiples of the picture interval, and the last */
    double out_every = m->output_every_min;
    int stride = m->output_images ? m->output_images_stride : 1;
    if (rc == STROMA_OK && o.every_min > 0) {
        double r = o.every_min / out_every, k = floor(r + 0.5);
        if (!(k >= 1) || fabs(k * out_every - o.every_min) > 1e-9 * o.every_min)
            rc = stroma_error_set(err, STROMA_ERR_ARGUMENT,
                                  "--every %g is not a whole multiple of the run's output interval %g min", o.every_min,
                                  out_every);
        else
            stride = k > 1e9 ? 1000000000 : (int)k;
    }
    const double *times = field >= 0 ? tf : tc;
    size_t ntimes = field >= 0 ? nf : nc;
    double last = -1;
    for (size_t i = 0; rc == STROMA_OK && i < ntimes; i++)
        if ((m->ntypes == 0 || has_time(tc, nc, times[i])) && (field < 0 || has_time(tf, nf, times[i])))
            last = times[i];
    stroma_pictures p;
    int width = o.size_px > 0 ? o.size_px : m->output_images_size_px > 0 ? m->output_images_size_px : 800;
    stroma_pictures_init(&p, m, field, width, out_every, m->end_min);
    if (m->ntypes == 0 || (o.color_by && !strcmp(o.color_by, "type"))) p.style.marker = -1; /* type: its colours */
    if (o.color_by && strcmp(o.color_by, "type") != 0) {
        static const char *const units[][2] = {{"x", "µm"},       {"y", "µm"},         {"z", "µm"},
                                               {"radius", "µm"},  {"volume", "µm³"},   {"age", "min"},
                                               {"vx", "µm/min"},  {"vy", "µm/min"},    {"vz", "µm/min"}};
        for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
            if (!strcmp(o.color_by, units[k][0])) snprintf(p.style.color_unit, sizeof p.style.color_unit, "%s", units[k][1]);
        if (!strncmp(o.color_by, "marker:", 7)) snprintf(p.style.color_unit, sizeof p.style.color_unit, "1 = positive");
        snprintf(p.style.color_by, sizeof p.style.color_by, "%s", o.color_by);
        p.style.marker = -1;
    }
    /* overlays: when the model has them and the run wrote their files */
    const char *vname = NULL, *ename = NULL;
    double *tv = NULL, *te = NULL;
    size_t nv = 0, ne = 0;
    if (rc == STROMA_OK && m->vessels.present) rc = redraw_times(fdir, STROMA_VESSEL_FIELD_NAME "_", &tv, &nv, err);
    if (rc == STROMA_OK && m->ecm.present) rc = redraw_times(fdir, STROMA_ECM_FIELD_NAME "_", &te, &ne, err);
    double *grid = malloc((p.style.mesh.nvox ? p.style.mesh.nvox : 1) * sizeof *grid);
    if (!grid && rc == STROMA_OK) rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    int first = 1;
    for (size_t i = 0; rc == STROMA_OK && i < ntimes; i++) {
        double t = times[i];
        if ((m->ntypes > 0 && !has_time(tc, nc, t)) || (field >= 0 && !has_time(tf, nf, t))) continue;
        double k = floor(t / out_every + 0.5);
        if (t != last && fmod(k, (double)stride) != 0) continue;
        if (first) {
            vname = nv && has_time(tv, nv, t) ? STROMA_VESSEL_FIELD_NAME : NULL;
            ename = ne && has_time(te, ne, t) ? STROMA_ECM_FIELD_NAME : NULL;
            p.style.vessels = vname != NULL;
            p.style.ecm = ename != NULL;
            first = 0;
        }
        stroma_tissue_frame fr;
        rc = redraw_frame(dir, &p, t, vname, ename, grid, &fr, err);
        if (rc == STROMA_OK) rc = stroma_pictures_add(&p, &fr, err);
    }
    free(grid);
    free(tv);
    free(te);
    free(tf);
    free(tc);
    if (rc == STROMA_OK && p.n == 0)
        rc = stroma_error_set(err, STROMA_ERR_ARGUMENT, "'%s' holds no output time with the files a picture needs",
                              dir);
    stroma_outdir od;
    memset(&od, 0, sizeof od);
    if (rc == STROMA_OK) rc = stroma_outdir_use(&od, dir, err);
    if (rc == STROMA_OK) rc = stroma_outdir_mkdir(&od, "images", err);
    if (rc == STROMA_OK) rc = stroma_pictures_write(&od, &p, 1, err);
    if (rc == STROMA_OK && npictures) *npictures = p.n;
    if (rc == STROMA_OK) rc = stroma_report_write(&od, m, err);
    stroma_pictures_free(&p);
    stroma_model_destroy(&m);
    return rc;
}
