/* VTK XML writers for ParaView (see vtk.h): image data for the fields, poly data for the cells, .pvd
 * collections for the time series. Each file is an XML header followed by one raw appended block per array
 * (a UInt64 byte count, then the values), so values are written with fwrite and read back bit-identical. */
#include "io/vtk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/writers.h"
#include "readout/ihc.h"
#include "util/error_impl.h"

/* Where an array's values come from; all are written in chunks through a small buffer (no allocation). */
enum vtk_source {
    VTK_CONTIGUOUS,  /* `data`, count * ncomp elements of elem_size bytes */
    VTK_STRIDED_F64, /* doubles f64[i * stride], i < count */
    VTK_POINTS_F64,  /* (xyz[0][i], xyz[1][i], xyz[2][i]) */
    VTK_INT8_AS_I32, /* int8 i8[i] widened to Int32 */
    VTK_IOTA_I64     /* Int64 first + i */
};

typedef struct vtk_array {
    const char *name;
    const char *type; /* VTK type name: Float64, Int64, Int32, UInt8 */
    int ncomp;
    size_t elem_size; /* bytes per component */
    size_t count;     /* tuples */
    enum vtk_source source;
    const void *data;
    const double *f64;
    size_t stride;
    const double *xyz[3];
    const int8_t *i8;
    int64_t first;
} vtk_array;

static size_t vtk_bytes(const vtk_array *a) { return a->count * (size_t)a->ncomp * a->elem_size; }

static const char *vtk_byte_order(void) {
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b ? "LittleEndian" : "BigEndian";
}

/* Names in the model match [A-Za-z_][A-Za-z0-9_.-]*; escape anyway so a file is always well-formed XML. */
static void vtk_xml_text(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void vtk_file_begin(FILE *f, const char *type) {
    fprintf(f,
            "<?xml version=\"1.0\"?>\n<VTKFile type=\"%s\" version=\"1.0\" byte_order=\"%s\" "
            "header_type=\"UInt64\">\n",
            type, vtk_byte_order());
}

/* FieldData: the time (ParaView's TimeValue) and, optionally, lists of names as String arrays (ASCII form:
 * each string's bytes as integers, each string ended by 0). */
static void vtk_field_data(FILE *f, double time_min, int nlists, const char *const *list_names,
                           const char *const *const *lists, const int *list_len) {
    fputs("    <FieldData>\n      <DataArray type=\"Float64\" Name=\"TimeValue\" NumberOfTuples=\"1\" "
          "format=\"ascii\">",
          f);
    fprintf(f, "%.17g</DataArray>\n", time_min);
    for (int l = 0; l < nlists; l++) {
        fputs("      <DataArray type=\"String\" Name=\"", f);
        vtk_xml_text(f, list_names[l]);
        fprintf(f, "\" NumberOfTuples=\"%d\" format=\"ascii\">", list_len[l]);
        for (int i = 0; i < list_len[l]; i++) {
            for (const unsigned char *p = (const unsigned char *)lists[l][i]; *p; p++) fprintf(f, "%u ", *p);
            fputs(i + 1 < list_len[l] ? "0 " : "0", f);
        }
        fputs("</DataArray>\n", f);
    }
    fputs("    </FieldData>\n", f);
}

/* One <DataArray .../> referring to the appended block at *offset; advances *offset past the block. */
static void vtk_array_tag(FILE *f, const char *indent, const vtk_array *a, uint64_t *offset) {
    fprintf(f, "%s<DataArray type=\"%s\" Name=\"", indent, a->type);
    vtk_xml_text(f, a->name);
    fputc('"', f);
    if (a->ncomp != 1) fprintf(f, " NumberOfComponents=\"%d\"", a->ncomp);
    fprintf(f, " format=\"appended\" offset=\"%llu\"/>\n", (unsigned long long)*offset);
    *offset += sizeof(uint64_t) + (uint64_t)vtk_bytes(a);
}

/* Write one appended block: the UInt64 byte count, then the values. */
static void vtk_array_block(FILE *f, const vtk_array *a) {
    uint64_t nbytes = (uint64_t)vtk_bytes(a);
    fwrite(&nbytes, sizeof nbytes, 1, f);
    if (a->source == VTK_CONTIGUOUS) {
        if (nbytes) fwrite(a->data, 1, (size_t)nbytes, f);
        return;
    }
    enum { CHUNK = 1536 }; /* values per fwrite, a multiple of 3 */
    union {
        double f64[CHUNK];
        int64_t i64[CHUNK];
        int32_t i32[CHUNK];
    } buf;
    size_t nvals = a->count * (size_t)a->ncomp;
    for (size_t start = 0; start < nvals; start += CHUNK) {
        size_t m = nvals - start < CHUNK ? nvals - start : CHUNK;
        for (size_t k = 0; k < m; k++) {
            size_t v = start + k;
            switch (a->source) {
            case VTK_STRIDED_F64: buf.f64[k] = a->f64[v * a->stride]; break;
            case VTK_POINTS_F64: buf.f64[k] = a->xyz[v % 3][v / 3]; break;
            case VTK_INT8_AS_I32: buf.i32[k] = a->i8[v]; break;
            case VTK_IOTA_I64: buf.i64[k] = a->first + (int64_t)v; break;
            case VTK_CONTIGUOUS: break;
            }
        }
        fwrite(&buf, a->elem_size, m, f);
    }
}

static void vtk_appended(FILE *f, const vtk_array *arrays, size_t n) {
    fputs("  <AppendedData encoding=\"raw\">\n   _", f);
    for (size_t i = 0; i < n; i++) vtk_array_block(f, &arrays[i]);
    fputs("\n  </AppendedData>\n</VTKFile>\n", f);
}

static void vtk_data_name(char *rel, size_t cap, const char *dir, double time_min, const char *ext) {
    snprintf(rel, cap, "%s/%s_" STROMA_FILE_TIME ".%s", dir, dir, time_min, ext);
}

void stroma_vtk_series_free(stroma_vtk_series *series) {
    if (!series) return;
    free(series->times_min);
    memset(series, 0, sizeof *series);
}

/* Add time_min (if it is not already the last time) and rewrite <dir>.pvd listing every time. */
static stroma_code vtk_series_update(stroma_outdir *od, stroma_vtk_series *s, double time_min, const char *dir,
                                     const char *ext, stroma_error *err) {
    if (s->n == 0 || s->times_min[s->n - 1] != time_min) {
        if (s->n == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 64;
            double *t = realloc(s->times_min, cap * sizeof *t);
            if (!t) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory listing the %s series", dir);
            s->times_min = t;
            s->cap = cap;
        }
        s->times_min[s->n++] = time_min;
    }
    char pvd[64];
    snprintf(pvd, sizeof pvd, "%s.pvd", dir);
    FILE *f = stroma_outdir_open(od, pvd, err);
    if (!f) return err ? err->code : STROMA_ERR_IO;
    fputs("<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\">\n  <Collection>\n", f);
    for (size_t i = 0; i < s->n; i++) {
        char rel[256];
        vtk_data_name(rel, sizeof rel, dir, s->times_min[i], ext);
        fprintf(f, "    <DataSet timestep=\"%.17g\" part=\"0\" file=\"", s->times_min[i]);
        vtk_xml_text(f, rel);
        fputs("\"/>\n", f);
    }
    fputs("  </Collection>\n</VTKFile>\n", f);
    return stroma_outdir_close(od, f, pvd, err);
}

stroma_code stroma_write_fields_vti(stroma_outdir *od, const stroma_sim *sim, stroma_vtk_series *series,
                                    stroma_error *err) {
    const stroma_transport *t = sim->transport;
    const stroma_mesh *m = &t->mesh;
    const double time_min = stroma_sim_time(sim);
    const double *rho = stroma_sim_vessel_density(sim), *ecm = stroma_sim_ecm_density(sim);
    const size_t narr = (size_t)t->nsub + (rho != NULL) + (ecm != NULL);
    vtk_array *arrays = calloc(narr > 0 ? narr : 1, sizeof *arrays);
    if (!arrays) return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory writing the field file");
    for (int s = 0; s < t->nsub; s++)
        arrays[s] = (vtk_array){.name = sim->model->substrates[s].name, .type = "Float64", .ncomp = 1,
                                .elem_size = sizeof(double), .count = m->nvox, .source = VTK_STRIDED_F64,
                                .f64 = t->c + s, .stride = (size_t)t->nsub};
    if (rho) /* the vessel density field after the substrates */
        arrays[t->nsub] = (vtk_array){.name = STROMA_VESSEL_FIELD_NAME, .type = "Float64", .ncomp = 1,
                                      .elem_size = sizeof(double), .count = m->nvox, .data = rho};
    if (ecm) /* then the matrix */
        arrays[narr - 1] = (vtk_array){.name = STROMA_ECM_FIELD_NAME, .type = "Float64", .ncomp = 1,
                                       .elem_size = sizeof(double), .count = m->nvox, .data = ecm};
    char rel[256];
    vtk_data_name(rel, sizeof rel, "fields", time_min, "vti");
    FILE *f = stroma_outdir_open(od, rel, err);
    if (!f) {
        free(arrays);
        return err ? err->code : STROMA_ERR_IO;
    }
    vtk_file_begin(f, "ImageData");
    fprintf(f,
            "  <ImageData WholeExtent=\"0 %d 0 %d 0 %d\" Origin=\"%.17g %.17g %.17g\" "
            "Spacing=\"%.17g %.17g %.17g\">\n",
            m->nx, m->ny, m->nz, m->lo_um[0], m->lo_um[1], m->lo_um[2], m->dx_um, m->dx_um, m->dx_um);
    vtk_field_data(f, time_min, 0, NULL, NULL, NULL);
    fprintf(f, "    <Piece Extent=\"0 %d 0 %d 0 %d\">\n      <PointData>\n      </PointData>\n", m->nx, m->ny,
            m->nz);
    fputs("      <CellData", f);
    if (narr > 0) {
        fputs(" Scalars=\"", f);
        vtk_xml_text(f, arrays[0].name);
        fputc('"', f);
    }
    fputs(">\n", f);
    uint64_t offset = 0;
    for (size_t a = 0; a < narr; a++) vtk_array_tag(f, "        ", &arrays[a], &offset);
    fputs("      </CellData>\n    </Piece>\n  </ImageData>\n", f);
    vtk_appended(f, arrays, narr);
    free(arrays);
    stroma_code rc = stroma_outdir_close(od, f, rel, err);
    if (rc != STROMA_OK) return rc;
    return vtk_series_update(od, series, time_min, "fields", "vti", err);
}

/* Point-array names of the cell files; a state variable with one of these names is written as var:<name>. */
static const char *const vtk_cell_array_names[] = {"id",  "type",   "state",  "radius",           "volume",
                                                   "pressure", "phase", "age", "damage", "damage_delivered",
                                                   "velocity", "attached_id"};
enum { VTK_CELL_FIXED_ARRAYS = sizeof vtk_cell_array_names / sizeof vtk_cell_array_names[0] };

stroma_code stroma_write_cells_vtp(stroma_outdir *od, const stroma_sim *sim, stroma_vtk_series *series,
                                   stroma_error *err) {
    const stroma_model *model = sim->model;
    const stroma_cells *c = &sim->cells.cells;
    const double time_min = stroma_sim_time(sim);
    const int nstate = c->nstate;
    const size_t n = c->n;
    /* arrays: the fixed point arrays, the state variables, the markers, the behaviours, then Points, connectivity,
     * offsets */
    const int nmark = model->readout.nmarkers;
    const stroma_rules_engine *R = sim->cells.rules;
    const int nslots = R ? R->nslots : 0;
    const size_t narr = VTK_CELL_FIXED_ARRAYS + (size_t)nstate + (size_t)nmark + (size_t)nslots + 3;
    vtk_array *a = calloc(narr, sizeof *a);
    char(*var_names)[STROMA_NAME_MAX + 8] = calloc((size_t)(nstate > 0 ? nstate : 1), sizeof *var_names);
    const char **type_names = calloc((size_t)(model->ntypes > 0 ? model->ntypes : 1), sizeof *type_names);
    const char **state_var_names = calloc((size_t)(nstate > 0 ? nstate : 1), sizeof *state_var_names);
    /* marker:<name>, 1 for a live cell positive for the marker, 0 otherwise (readout/ihc.h) */
    uint8_t *positive = calloc((size_t)(nmark > 0 ? nmark : 1) * (n > 0 ? n : 1), 1);
    char(*mark_names)[STROMA_NAME_MAX + 8] = calloc((size_t)(nmark > 0 ? nmark : 1), sizeof *mark_names);
    /* age = time - birth time; behaviour:<name>, the current value of each rule-controlled behaviour */
    double *age = malloc((n > 0 ? n : 1) * sizeof *age);
    double *beh = malloc((size_t)(nslots > 0 ? nslots : 1) * (n > 0 ? n : 1) * sizeof *beh);
    char(*beh_names)[160] = calloc((size_t)(nslots > 0 ? nslots : 1), sizeof *beh_names);
    stroma_code rc = STROMA_OK;
    if (!a || !var_names || !type_names || !state_var_names || !positive || !mark_names || !age || !beh ||
        !beh_names) {
        rc = stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory writing the cell file");
        goto done;
    }
    size_t k = 0;
    a[k++] = (vtk_array){.name = "id", .type = "Int64", .ncomp = 1, .elem_size = 8, .count = n, .data = c->id};
    a[k++] = (vtk_array){.name = "type", .type = "Int32", .ncomp = 1, .elem_size = 4, .count = n, .data = c->type};
    a[k++] = (vtk_array){.name = "state", .type = "UInt8", .ncomp = 1, .elem_size = 1, .count = n, .data = c->state};
    a[k++] = (vtk_array){.name = "radius", .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n,
                         .data = c->radius_um};
    a[k++] = (vtk_array){.name = "volume", .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n,
                         .data = c->volume_um3};
    a[k++] = (vtk_array){.name = "pressure", .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n,
                         .data = c->pressure};
    a[k++] = (vtk_array){.name = "phase", .type = "Int32", .ncomp = 1, .elem_size = 4, .count = n,
                         .source = VTK_INT8_AS_I32, .i8 = c->phase};
    for (size_t i = 0; i < n; i++) age[i] = time_min - c->birth_min[i];
    a[k++] = (vtk_array){.name = "age", .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n, .data = age};
    a[k++] = (vtk_array){.name = "damage", .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n,
                         .data = c->damage};
    a[k++] = (vtk_array){.name = "damage_delivered", .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n,
                         .data = c->damage_delivered};
    a[k++] = (vtk_array){.name = "velocity", .type = "Float64", .ncomp = 3, .elem_size = 8, .count = n,
                         .source = VTK_POINTS_F64, .xyz = {c->vx, c->vy, c->vz}};
    a[k++] = (vtk_array){.name = "attached_id", .type = "Int64", .ncomp = 1, .elem_size = 8, .count = n,
                         .data = c->attached_id};
    for (int v = 0; v < nstate; v++) {
        const char *name = model->state_vars[v].name;
        int clash = 0;
        for (int j = 0; j < VTK_CELL_FIXED_ARRAYS; j++) clash |= strcmp(name, vtk_cell_array_names[j]) == 0;
        snprintf(var_names[v], sizeof var_names[v], "%s%s", clash ? "var:" : "", name);
        state_var_names[v] = name;
        a[k++] = (vtk_array){.name = var_names[v], .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n,
                             .source = VTK_STRIDED_F64, .f64 = c->svar + v, .stride = (size_t)nstate};
    }
    for (int m = 0; m < nmark; m++) {
        uint8_t *pm = positive + (size_t)m * n;
        for (size_t i = 0; i < n; i++)
            pm[i] = c->state[i] == STROMA_CELL_LIVE &&
                    stroma_ihc_positive(model, &sim->cells, sim->transport, i, m, time_min);
        snprintf(mark_names[m], sizeof mark_names[m], "marker:%s", model->readout.markers[m].name);
        a[k++] = (vtk_array){.name = mark_names[m], .type = "UInt8", .ncomp = 1, .elem_size = 1, .count = n,
                             .data = pm};
    }
    for (int q = 0; q < nslots; q++) {
        double *pb = beh + (size_t)q * n;
        for (size_t i = 0; i < n; i++) pb[i] = stroma_cell_engine_behaviour(&sim->cells, model, i, R->slot_beh[q]);
        snprintf(beh_names[q], sizeof beh_names[q], "behaviour:%.140s",
                 model->rule_tables.behaviours[R->slot_beh[q]].name);
        a[k++] = (vtk_array){.name = beh_names[q], .type = "Float64", .ncomp = 1, .elem_size = 8, .count = n,
                             .data = pb};
    }
    const size_t npoint_arrays = k;
    a[k++] = (vtk_array){.name = "Points", .type = "Float64", .ncomp = 3, .elem_size = 8, .count = n,
                         .source = VTK_POINTS_F64, .xyz = {c->x, c->y, c->z}};
    a[k++] = (vtk_array){.name = "connectivity", .type = "Int64", .ncomp = 1, .elem_size = 8, .count = n,
                         .source = VTK_IOTA_I64, .first = 0};
    a[k++] = (vtk_array){.name = "offsets", .type = "Int64", .ncomp = 1, .elem_size = 8, .count = n,
                         .source = VTK_IOTA_I64, .first = 1};
    for (int i = 0; i < model->ntypes; i++) type_names[i] = model->cell_types[i].name;

    char rel[256];
    vtk_data_name(rel, sizeof rel, "cells", time_min, "vtp");
    FILE *f = stroma_outdir_open(od, rel, err);
    if (!f) {
        rc = err ? err->code : STROMA_ERR_IO;
        goto done;
    }
    static const char *const states[] = {"live", "apoptotic", "necrotic"};
    const char *const list_names[] = {"cell_types", "cell_states", "state_variables"};
    const char *const *lists[] = {type_names, states, state_var_names};
    const int list_len[] = {model->ntypes, 3, nstate};
    vtk_file_begin(f, "PolyData");
    fputs("  <PolyData>\n", f);
    vtk_field_data(f, time_min, nstate > 0 ? 3 : 2, list_names, lists, list_len);
    fprintf(f,
            "    <Piece NumberOfPoints=\"%zu\" NumberOfVerts=\"%zu\" NumberOfLines=\"0\" NumberOfStrips=\"0\" "
            "NumberOfPolys=\"0\">\n      <PointData Scalars=\"type\">\n",
            n, n);
    uint64_t offset = 0;
    for (size_t i = 0; i < npoint_arrays; i++) vtk_array_tag(f, "        ", &a[i], &offset);
    fputs("      </PointData>\n      <Points>\n", f);
    vtk_array_tag(f, "        ", &a[npoint_arrays], &offset);
    fputs("      </Points>\n      <Verts>\n", f);
    vtk_array_tag(f, "        ", &a[npoint_arrays + 1], &offset);
    vtk_array_tag(f, "        ", &a[npoint_arrays + 2], &offset);
    fputs("      </Verts>\n    </Piece>\n  </PolyData>\n", f);
    vtk_appended(f, a, k);
    rc = stroma_outdir_close(od, f, rel, err);
    if (rc == STROMA_OK) rc = vtk_series_update(od, series, time_min, "cells", "vtp", err);
done:
    free(age);
    free(beh);
    free(beh_names);
    free(a);
    free(var_names);
    free(type_names);
    free(state_var_names);
    free(positive);
    free(mark_names);
    return rc;
}
