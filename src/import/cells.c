/* Initial cells of an imported PhysiCell project: the cells CSV the settings enable (PhysiCell's v2 format
 * "x,y,z,type[,behaviour columns...]" with a header, or v1 "x,y,z,typeID" rows without one), and the template
 * project's setup_tissue() convention for <number_of_cells>. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/physicell.h"
#include "util/error_impl.h"

#define NI STROMA_IMPORT_NOT_IMPORTED
#define AP STROMA_IMPORT_APPROXIMATED
#define NO STROMA_IMPORT_NOTE

#define MAX_COLS 64

static void trim(char *s) {
    size_t a = 0, b = strlen(s);
    while (s[a] == ' ' || s[a] == '\t')
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    memmove(s, s + a, b - a);
    s[b - a] = '\0';
}

/* Split line (modified) at commas into trimmed fields; col[i] is the 1-based column of field i. */
static int split(char *line, char **f, int *col) {
    int n = 0;
    char *p = line;
    while (n < MAX_COLS) {
        f[n] = p;
        col[n] = (int)(p - line) + 1;
        char *c = strchr(p, ',');
        n++;
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    for (int i = 0; i < n; i++)
        trim(f[i]);
    return n;
}

static stroma_code err_at(pc_model *m, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static stroma_code err_at(pc_model *m, int line, int col, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    stroma_error_clear(m->err);
    stroma_error_add_at(m->err, STROMA_ERR_PARSE, m->cells_path, line, col, "%s", msg);
    return STROMA_ERR_PARSE;
}

static int type_of(const pc_model *m, const char *s, int by_name) {
    if (by_name) {
        int t = pc_find_type(m, s);
        if (t >= 0) return t;
    }
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || v != floor(v)) return -1;
    for (int t = 0; t < m->ntypes; t++)
        if (m->types[t].id == (int)v) return t;
    return -1;
}

static stroma_code read_csv(pc_model *m) {
    const char *file = m->cells_path;
    FILE *fp = fopen(file, "rb");
    if (!fp) return stroma_error_set(m->err, STROMA_ERR_ARGUMENT, "%s: %s", file, strerror(errno));
    char *line = NULL, *f[MAX_COLS];
    int col[MAX_COLS];
    size_t cap = 0, capc = 0;
    ssize_t len;
    int lineno = 0, header = -1, ncols = 4, outside = 0, first_out = 0;
    char extra[MAX_COLS][PC_NAME];
    int extra_set[MAX_COLS] = {0}, extra_line[MAX_COLS] = {0};
    stroma_code rc = STROMA_OK;
    while (rc == STROMA_OK && (len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p) continue;
        if (header < 0) {
            header = *p == 'x' || *p == 'X';
            if (header) {
                ncols = split(line, f, col);
                static const char *want[4] = {"x", "y", "z", "type"};
                for (int i = 0; i < 4; i++)
                    if (i >= ncols || strcasecmp(f[i], want[i]) != 0) {
                        rc =
                            err_at(m, lineno, i < ncols ? col[i] : 1,
                                   "the header must begin x,y,z,type (field %d is '%s')", i + 1, i < ncols ? f[i] : "");
                        break;
                    }
                for (int i = 4; i < ncols; i++) {
                    snprintf(extra[i], sizeof extra[i], "%s", f[i]);
                    extra_line[i] = lineno;
                }
                continue;
            }
        }
        int n = split(line, f, col);
        if (n < 4 || (!header && n != 4)) {
            rc =
                err_at(m, lineno, 1, "a cell row needs %s fields", header ? "x,y,z,type" : "exactly 4 (x,y,z,type ID)");
            break;
        }
        double xyz[3];
        for (int a = 0; a < 3 && rc == STROMA_OK; a++) {
            char *end;
            errno = 0;
            xyz[a] = strtod(f[a], &end);
            if (!f[a][0] || *end || errno == ERANGE || !isfinite(xyz[a]))
                rc = err_at(m, lineno, col[a], "'%s' is not a number", f[a]);
        }
        if (rc) break;
        int t = type_of(m, f[3], header);
        if (t < 0) {
            rc = err_at(m, lineno, col[3], "unknown cell type '%s' (neither a name nor an ID)", f[3]);
            break;
        }
        for (int i = 4; i < n && i < ncols; i++)
            if (f[i][0] && strcmp(f[i], "skip") != 0) extra_set[i]++;
        int in = 1;
        for (int a = 0; a < 3; a++)
            in &= xyz[a] >= m->lo[a] && xyz[a] <= m->hi[a];
        if (!in) {
            if (!outside++) first_out = lineno;
            continue;
        }
        if ((size_t)m->ncells == capc) {
            size_t nc = capc ? 2 * capc : 256;
            double *px = realloc(m->cell_xyz, nc * 3 * sizeof *px);
            if (px) m->cell_xyz = px;
            int *pt = realloc(m->cell_type, nc * sizeof *pt);
            if (pt) m->cell_type = pt;
            if (!px || !pt) {
                rc = stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
                break;
            }
            capc = nc;
        }
        memcpy(&m->cell_xyz[(size_t)m->ncells * 3], xyz, sizeof xyz);
        m->cell_type[m->ncells++] = t;
    }
    if (rc == STROMA_OK && ferror(fp)) rc = stroma_error_set(m->err, STROMA_ERR_IO, "%s: read error", file);
    free(line);
    fclose(fp);
    if (rc) return rc;
    for (int i = 4; i < ncols; i++)
        imp_report(m->rep, NI, file, extra_line[i],
                   "per-cell column '%s' is not imported (%d row%s set it): stroma's cells start with their type's "
                   "parameters",
                   extra[i], extra_set[i], extra_set[i] == 1 ? "" : "s");
    if (outside)
        imp_report(m->rep, AP, file, first_out, "%d cell%s outside the domain skipped (the first on this line)",
                   outside, outside == 1 ? "" : "s");
    if (m->ncells == 0) imp_report(m->rep, NO, file, 0, "the cells file holds no cell inside the domain");
    return STROMA_OK;
}

stroma_code pc_read_cells(pc_model *m) {
    if (m->cells_per_type > 0)
        imp_report(m->rep, NO, m->settings_path, m->number_of_cells_line,
                   "initial cells: %ld of every type placed uniformly at random in the whole domain%s, as the "
                   "template project's setup_tissue() does in C++ with <number_of_cells> (a project's own C++ "
                   "may place cells otherwise)",
                   m->cells_per_type, m->is2d ? " at z = 0" : "");
    if (m->cells_path[0]) {
        stroma_code rc = read_csv(m);
        if (rc) return rc;
    }
    if (m->cells_per_type <= 0 && m->ncells == 0)
        imp_report(m->rep, NO, m->settings_path, 0, "no initial cells: the model starts empty");
    return STROMA_OK;
}
