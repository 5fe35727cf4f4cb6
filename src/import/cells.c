/* Initial cells of an imported PhysiCell project: the cells CSV the settings enable (PhysiCell's v2 format
 * "x,y,z,type[,behaviour columns...]" with a header, or v1 "x,y,z,typeID" rows without one), its per-cell
 * columns mapped as rule behaviours are (pc_map_behaviour), and the template project's setup_tissue() convention
 * for <number_of_cells>. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/physicell.h"
#include "model/celltypes.h"
#include "util/error_impl.h"
#include "util/file.h"

#define NI STROMA_IMPORT_NOT_IMPORTED
#define AP STROMA_IMPORT_APPROXIMATED
#define NO STROMA_IMPORT_NOTE

#define MAX_FIELDS (4 + 4 * STROMA_MAX_CELL_COLUMNS) /* fields of a line read; a header's further ones reported */
#define MAX_LISTED 10                                  /* refused values reported one by one per column */

/* Split line (modified) at commas into at most MAX_FIELDS trimmed fields; col[i] is the 1-based column of field i.
 * Returns the number of fields the line has (more than MAX_FIELDS when some were not stored). */
static int split(char *line, char **f, int *col) {
    int n = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        if (n < MAX_FIELDS) {
            f[n] = p;
            col[n] = (int)(p - line) + 1;
            if (c) *c = '\0';
        }
        n++;
        if (!c) break;
        p = c + 1;
    }
    for (int i = 0; i < n && i < MAX_FIELDS; i++)
        pc_trim(f[i]);
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

/* What a per-cell column of PhysiCell's file becomes. */
typedef enum {
    IN_DROP, /* not imported (reported) */
    IN_OUT   /* written as column `out` of the converted file */
} in_role;

typedef struct in_col {
    char name[256]; /* as in the header */
    in_role role;
    int out;        /* IN_OUT: index into m->cellcol */
    int synonym;    /* IN_OUT: field of an earlier column with the same PhysiCell behaviour, or -1 */
    pc_beh_kind kind;
    int arg;
    int var;        /* custom data, or -1 */
    char why[400];  /* IN_DROP: the reason */
    int set;        /* imported rows that give a value */
    int differ;     /* IN_DROP: ... other than their type's value */
    int first_differ;
    int refused;    /* IN_OUT: values written as skip */
} in_col;

/* PhysiCell's value of a dropped column for type t, when the importer knows it. */
static int drop_base(const pc_model *m, const in_col *C, int t, double *base) {
    const pc_type *T = &m->types[t];
    if (C->kind != PB_NONE) {
        *base = pc_behaviour_base(T, C->kind, C->arg);
        return 1;
    }
    if (!strcmp(C->name, "volume")) {
        *base = T->volume;
        return 1;
    }
    return 0;
}

static void drop(in_col *C, const char *why) {
    C->role = IN_DROP;
    snprintf(C->why, sizeof C->why, "%.*s", (int)sizeof C->why - 1, why);
}

/* Decide what each per-cell column (fields 4..n-1 of the header) becomes; adds m->cellcol. */
static stroma_code classify(pc_model *m, in_col *cols, int n) {
    for (int i = 4; i < n; i++) {
        in_col *C = &cols[i];
        C->kind = PB_NONE;
        C->var = -1;
        C->synonym = -1;
        char out[PC_NAME + 64], canon[PC_NAME + 64], why[300];
        if (!C->name[0]) {
            drop(C, "the column has no name (PhysiCell skips it too)");
            continue;
        }
        if (!strcmp(C->name, "volume")) {
            drop(C, "stroma has no per-cell volume: cells start at their type's volume");
            continue;
        }
        if (!strncmp(C->name, "custom:", 7) || !strncmp(C->name, "custom ", 7)) {
            C->var = pc_custom_var(m, C->name);
            if (C->var < 0) {
                drop(C, "the project defines no such custom data (PhysiCell skips the column too)");
                continue;
            }
            snprintf(out, sizeof out, "custom:%s", m->vars[C->var].name);
        } else {
            int mb = pc_map_behaviour(m, C->name, out, sizeof out, canon, sizeof canon, &C->kind, &C->arg, why,
                                      sizeof why);
            if (mb != 1) {
                C->kind = PB_NONE;
                if (mb < 0) {
                    char w[400];
                    snprintf(w, sizeof w, "%s (PhysiCell skips the column too)", why);
                    drop(C, w);
                } else
                    drop(C, why);
                continue;
            }
        }
        /* a column for the same PhysiCell behaviour (a synonym) adds to it: a row's last value wins */
        int o = -1;
        for (int j = 4; j < i && o < 0; j++) {
            const in_col *P = &cols[j];
            if (P->role != IN_OUT || strcmp(m->cellcol[P->out].name, out)) continue;
            if (P->kind != C->kind || P->var != C->var || P->arg != C->arg) {
                char w[sizeof P->name + sizeof out + 40];
                snprintf(w, sizeof w, "column %d ('%s') already gives '%s'", j + 1, P->name, out);
                drop(C, w);
                o = -2;
            } else {
                o = P->out;
                C->synonym = j;
            }
        }
        if (o == -2) continue;
        if (o < 0) {
            if (m->ncellcols == STROMA_MAX_CELL_COLUMNS) {
                snprintf(why, sizeof why, "stroma takes at most %d per-cell columns", STROMA_MAX_CELL_COLUMNS);
                drop(C, why);
                continue;
            }
            pc_cellcol *p = realloc(m->cellcol, (size_t)(m->ncellcols + 1) * sizeof *p);
            if (!p) return stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
            m->cellcol = p;
            o = m->ncellcols++;
            pc_cellcol *N = &m->cellcol[o];
            memset(N, 0, sizeof *N);
            snprintf(N->name, sizeof N->name, "%s", out);
            N->kind = C->kind;
            N->arg = C->arg;
            N->var = C->var;
        }
        C->role = IN_OUT;
        C->out = o;
    }
    return STROMA_OK;
}

/* Why stroma would refuse value v of column C in a cell of type t, or NULL. */
static const char *refusal(const pc_model *m, const in_col *C, int t, double v, char *buf, size_t cap) {
    const pc_type *T = &m->types[t];
    if (!isfinite(v)) return "not a finite number";
    if (C->var >= 0) return NULL;
    if (C->kind == PB_CHEMO) return "stroma takes chemotactic sensitivities per type and from rules, not per cell";
    if (C->kind != PB_EXPORT && v < 0) return "stroma refuses a negative value";
    if (C->kind == PB_BIAS && v > 1) return "stroma refuses a migration bias above 1";
    if (C->kind == PB_SPEED && v > 0 && !T->motile) {
        snprintf(buf, cap,
                 "motility of %s is disabled in PhysiCell, where the cell never moves (in stroma it would)",
                 T->name);
        return buf;
    }
    if ((C->kind == PB_ADHESION || C->kind == PB_REPULSION) && v > 0 && !(pc_behaviour_base(T, C->kind, 0) > 0)) {
        snprintf(buf, cap, "%s has no cell-cell %s to scale (0 in PhysiCell's settings)", T->name,
                 C->kind == PB_ADHESION ? "adhesion" : "repulsion");
        return buf;
    }
    return NULL;
}

/* The per-cell fields of one imported row (cell index m->ncells - 1 of type t, fields f[4..n-1]) into
 * m->cell_val. A field is skipped when empty or starting with 's' or 'S', as PhysiCell does. */
static stroma_code read_values(pc_model *m, in_col *cols, int ncols, int lineno, char **f, const int *col, int n,
                               int t) {
    double raw[MAX_FIELDS];
    for (int i = 4; i < ncols; i++) {
        in_col *C = &cols[i];
        raw[i] = NAN;
        if (i >= n || !f[i][0] || f[i][0] == 's' || f[i][0] == 'S') continue;
        char *end;
        double v = strtod(f[i], &end);
        if (*end || end == f[i]) {
            if (C->role != IN_DROP)
                return err_at(m, lineno, col[i], "per-cell column '%s': '%s' is not a number", C->name, f[i]);
            C->set++; /* a dropped column's text counts as a value other than the type's */
            if (!C->differ++) C->first_differ = lineno;
            continue;
        }
        C->set++;
        if (isnan(v)) { /* "nan": not a skip */
            if (C->role == IN_DROP && !C->differ++) C->first_differ = lineno;
            if (C->role == IN_OUT && ++C->refused <= MAX_LISTED)
                imp_report(m->rep, NI, m->cells_path, lineno,
                           "per-cell column '%s': %s on this line: not a finite number; written as skip (the type's "
                           "value)",
                           C->name, f[i]);
            continue;
        }
        raw[i] = v;
    }
    double *row = &m->cell_val[(size_t)(m->ncells - 1) * (size_t)m->ncellcols];
    for (int o = 0; o < m->ncellcols; o++)
        row[o] = NAN;
    for (int i = 4; i < ncols; i++) {
        in_col *C = &cols[i];
        double v = raw[i], base;
        if (isnan(v)) continue;
        if (C->role == IN_DROP) {
            if (drop_base(m, C, t, &base) && v != base && !C->differ++) C->first_differ = lineno;
            continue;
        }
        char buf[300];
        const char *why = refusal(m, C, t, v, buf, sizeof buf);
        if (why) {
            if (++C->refused <= MAX_LISTED)
                imp_report(m->rep, NI, m->cells_path, lineno,
                           "per-cell column '%s': %s on this line: %s; written as skip (the type's value)", C->name,
                           f[i], why);
            continue;
        }
        row[C->out] = v;
    }
    for (int o = 0; o < m->ncellcols; o++) {
        if (isnan(row[o]) || row[o] == 0) continue;
        m->cellcol[o].nonzero[t] = 1;
        if (m->cellcol[o].kind != PB_NONE) m->types[t].cell_mask |= 1u << m->cellcol[o].kind;
    }
    return STROMA_OK;
}

static void report_columns(pc_model *m, const in_col *cols, int ncols, int header_line) {
    const char *file = m->cells_path;
    for (int i = 4; i < ncols; i++) {
        const in_col *C = &cols[i];
        if (C->role == IN_DROP) {
            double base;
            int known = C->set > 0 && drop_base(m, C, 0, &base);
            char differ[160] = "";
            if (C->differ)
                snprintf(differ, sizeof differ, "; %d differ%s from the type's value, the first on line %d",
                         C->differ, C->differ == 1 ? "s" : "", C->first_differ);
            else if (known)
                snprintf(differ, sizeof differ, "; all equal the type's value");
            imp_report(m->rep, NI, file, header_line, "per-cell column '%s' is not imported (%d row%s a value%s): %s",
                       C->name, C->set, C->set == 1 ? " gives" : "s give", differ, C->why);
        } else {
            if (C->synonym >= 0)
                imp_report(m->rep, NO, file, header_line,
                           "per-cell columns '%s' and '%s' name the same behaviour: written as one column '%s', a "
                           "row's last value winning as in PhysiCell",
                           cols[C->synonym].name, C->name, m->cellcol[C->out].name);
            if (C->refused > MAX_LISTED)
                imp_report(m->rep, NI, file, header_line,
                           "per-cell column '%s': %d more values written as skip (refused as those listed)", C->name,
                           C->refused - MAX_LISTED);
        }
    }
}

static stroma_code read_csv(pc_model *m) {
    const char *file = m->cells_path;
    stroma_code code;
    char why[128];
    FILE *fp = stroma_open_regular(file, &code, why, sizeof why); /* a FIFO would block */
    if (!fp && code == STROMA_ERR_ARGUMENT)
        return stroma_error_set(m->err, STROMA_ERR_ARGUMENT, "%s: it is %s, not a regular file", file, why);
    if (!fp) return stroma_error_set(m->err, STROMA_ERR_ARGUMENT, "%s: %s", file, why);
    char *line = NULL, *f[MAX_FIELDS];
    int col[MAX_FIELDS];
    size_t cap = 0, capc = 0;
    ssize_t len;
    int lineno = 0, header = -1, header_line = 0, header_nf = 4, ncols = 4;
    int outside = 0, first_out = 0, longer = 0, first_long = 0;
    in_col *cols = NULL;
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
                header_line = lineno;
                header_nf = split(line, f, col);
                int nf = header_nf;
                ncols = nf < MAX_FIELDS ? nf : MAX_FIELDS;
                static const char *want[4] = {"x", "y", "z", "type"};
                for (int i = 0; i < 4; i++)
                    if (i >= ncols || strcasecmp(f[i], want[i]) != 0) {
                        rc =
                            err_at(m, lineno, i < ncols ? col[i] : 1,
                                   "the header must begin x,y,z,type (field %d is '%s')", i + 1, i < ncols ? f[i] : "");
                        break;
                    }
                if (rc) break;
                if (nf > MAX_FIELDS)
                    imp_report(m->rep, NI, file, lineno,
                               "the header has %d fields: the columns after field %d are not imported", nf, MAX_FIELDS);
                cols = calloc((size_t)ncols, sizeof *cols);
                if (!cols) {
                    rc = stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
                    break;
                }
                for (int i = 4; i < ncols; i++)
                    snprintf(cols[i].name, sizeof cols[i].name, "%s", f[i]);
                rc = classify(m, cols, ncols);
                continue;
            }
        }
        int n = split(line, f, col);
        if (n < 4 || (!header && n != 4)) {
            rc =
                err_at(m, lineno, 1, "a cell row needs %s fields", header ? "x,y,z,type" : "exactly 4 (x,y,z,type ID)");
            break;
        }
        if (header && n > header_nf && !longer++) first_long = lineno;
        if (n > MAX_FIELDS) n = MAX_FIELDS;
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
            double *pv = m->ncellcols ? realloc(m->cell_val, nc * (size_t)m->ncellcols * sizeof *pv) : NULL;
            if (pv) m->cell_val = pv;
            if (!px || !pt || (m->ncellcols && !pv)) {
                rc = stroma_error_set(m->err, STROMA_ERR_NOMEM, "out of memory");
                break;
            }
            capc = nc;
        }
        memcpy(&m->cell_xyz[(size_t)m->ncells * 3], xyz, sizeof xyz);
        m->cell_type[m->ncells++] = t;
        if (header) rc = read_values(m, cols, ncols, lineno, f, col, n, t);
    }
    if (rc == STROMA_OK && ferror(fp)) rc = stroma_error_set(m->err, STROMA_ERR_IO, "%s: read error", file);
    free(line);
    fclose(fp);
    if (rc == STROMA_OK && cols) report_columns(m, cols, ncols, header_line);
    free(cols);
    if (rc) return rc;
    if (longer)
        imp_report(m->rep, NI, file, first_long,
                   "%d row%s more fields than the header (the first on this line): the extra fields are ignored",
                   longer, longer == 1 ? " has" : "s have");
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
