/* stroma_import_physicell: reads a PhysiCell project (settings, rules, initial cells), converts it and writes
 * the stroma model and its cells file atomically. Also the small helpers the import steps share. */
#include "import/physicell.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/atomic_file.h"
#include "util/error_impl.h"

void pc_sanitize(const char *name, char out[PC_SNAME]) {
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)name;
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) out[o++] = '_';
    for (; *s && o < PC_SNAME - 1; s++) {
        unsigned char ch = *s;
        int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                 ch == '.' || ch == '-';
        if (ch >= 0x80) {
            /* one '_' per UTF-8 character, not per byte */
            while ((s[1] & 0xC0) == 0x80)
                s++;
        }
        out[o++] = ok ? (char)ch : '_';
    }
    out[o] = '\0';
    /* '_' alone for a name that was only a leading digit or an invalid character is fine */
}

void pc_make_unique(char out[PC_SNAME], const char *taken, int n, size_t stride) {
    char base[PC_SNAME];
    snprintf(base, sizeof base, "%s", out);
    for (int k = 2;; k++) {
        int clash = 0;
        for (int i = 0; i < n && !clash; i++)
            if (strcmp(taken + (size_t)i * stride, out) == 0) clash = 1;
        if (!clash) return;
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "_%d", k);
        snprintf(out, PC_SNAME, "%.*s%s", (int)(PC_SNAME - 1 - (size_t)sl), base, suffix);
    }
}

void pc_num(double v, char buf[32]) {
    if (v == 0) {
        snprintf(buf, 32, "0");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

const char *pc_basename(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int pc_find_substrate(const pc_model *m, const char *pc_name) {
    for (int i = 0; i < m->nsub; i++)
        if (strcmp(m->sub[i].pc_name, pc_name) == 0) return i;
    return -1;
}

int pc_find_type(const pc_model *m, const char *pc_name) {
    for (int i = 0; i < m->ntypes; i++)
        if (strcmp(m->types[i].pc_name, pc_name) == 0) return i;
    return -1;
}

stroma_code pc_fail(pc_model *m, stroma_code code, const char *file, int line, const char *fmt, ...) {
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        stroma_error_set(m->err, code, "%s:%d: %s", file, line, msg);
    else
        stroma_error_set(m->err, code, "%s: %s", file, msg);
    if (m->err) {
        snprintf(m->err->file, sizeof m->err->file, "%s", file);
        m->err->line = line;
    }
    return code;
}

void pc_trim(char *s) {
    size_t a = 0, b = strlen(s);
    while (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r')
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n' || s[b - 1] == '\r'))
        b--;
    memmove(s, s + a, b - a);
    s[b - a] = '\0';
}

void pc_model_free(pc_model *m) {
    for (int t = 0; t < m->ntypes; t++) {
        pc_type *T = &m->types[t];
        free(T->affinity);
        free(T->sec_rate);
        free(T->sec_target);
        free(T->uptake);
        free(T->export_rate);
        free(T->chemo_sens);
        free(T->attack);
        free(T->transform);
        free(T->immunogenicity);
        free(T->asym);
    }
    for (int v = 0; v < m->nvars; v++) {
        free(m->vars[v].value);
        free(m->vars[v].has);
    }
    free(m->types);
    free(m->sub);
    free(m->vars);
    free(m->rules);
    free(m->cell_xyz);
    free(m->cell_type);
    free(m->cellcol);
    free(m->cell_val);
    memset(m, 0, sizeof *m);
}

/* Refuse an output that is one of the inputs (same file). */
static stroma_code check_not_input(pc_model *m, const char *out) {
    struct stat so;
    if (stat(out, &so) != 0) return STROMA_OK;
    const char *ins[2 + PC_MAX_RULESETS] = {m->settings_path, m->cells_path};
    for (int i = 0; i < m->nrulesets; i++)
        ins[2 + i] = m->rules_path[i];
    for (int i = 0; i < 2 + m->nrulesets; i++) {
        struct stat si;
        if (ins[i][0] && stat(ins[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
            return stroma_error_set(m->err, STROMA_ERR_ARGUMENT, "output '%s' is the input '%s'", out, ins[i]);
    }
    return STROMA_OK;
}

/* "<dir>/<stem>.cells.csv" for out_yaml "<dir>/<stem>.yaml" (or .yml, or no extension). */
static void cells_path_for(const char *out_yaml, char *path, size_t cap, char *name, size_t ncap) {
    const char *base = pc_basename(out_yaml);
    size_t dirlen = (size_t)(base - out_yaml);
    size_t stem = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)) stem = (size_t)(dot - base);
    snprintf(name, ncap, "%.*s.cells.csv", (int)stem, base);
    snprintf(path, cap, "%.*s%s", (int)dirlen, out_yaml, name);
}

stroma_code stroma_import_physicell(const char *settings_xml, const char *rules_csv, const char *out_yaml,
                                    stroma_import_report *rep, stroma_error *err) {
    stroma_error_clear(err);
    imp_report_clear(rep);
    if (!settings_xml || !out_yaml)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "import needs a settings file and an output file");
    pc_model m;
    memset(&m, 0, sizeof m);
    m.settings_path = settings_xml;
    m.rep = rep;
    m.err = err;
    m.cells_per_type = -1;
    stroma_code rc = pc_read_settings(&m, rules_csv);
    if (rc == STROMA_OK) rc = pc_read_rules(&m);
    if (rc == STROMA_OK) rc = pc_read_cells(&m);
    if (rc == STROMA_OK) rc = pc_convert(&m);
    if (rc != STROMA_OK) {
        pc_model_free(&m);
        return rc;
    }
    char cpath[1100], cname[600];
    cells_path_for(out_yaml, cpath, sizeof cpath, cname, sizeof cname);
    int with_cells = m.ncells > 0;
    rc = check_not_input(&m, out_yaml);
    if (rc == STROMA_OK && with_cells) rc = check_not_input(&m, cpath);
    if (rc == STROMA_OK && rep && rep->failed) rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    stroma_atomic_file yf, cf;
    memset(&yf, 0, sizeof yf);
    memset(&cf, 0, sizeof cf);
    if (rc == STROMA_OK) rc = stroma_atomic_begin(&yf, out_yaml, STROMA_ATOMIC_SYNC, err);
    if (rc == STROMA_OK && with_cells) rc = stroma_atomic_begin(&cf, cpath, STROMA_ATOMIC_SYNC, err);
    if (rc == STROMA_OK) {
        pc_emit_yaml(&m, yf.f, with_cells ? cname : NULL);
        rc = stroma_atomic_finish(&yf, err);
    }
    if (rc == STROMA_OK && with_cells) {
        pc_emit_cells(&m, cf.f);
        rc = stroma_atomic_finish(&cf, err);
    }
    /* the cells file first: the model never names a file that is not there yet */
    if (rc == STROMA_OK && with_cells) rc = stroma_atomic_commit(&cf, err);
    if (rc == STROMA_OK) {
        rc = stroma_atomic_commit(&yf, err);
        if (rc != STROMA_OK && with_cells) remove(cpath);
    }
    stroma_atomic_abort(&yf);
    stroma_atomic_abort(&cf);
    if (rc == STROMA_OK &&
        (imp_report_add_output(rep, out_yaml) != 0 || (with_cells && imp_report_add_output(rep, cpath) != 0)))
        rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory");
    pc_model_free(&m);
    return rc;
}
