/* The model-file schema table (one row per key) and the reference manual generated from it. */
#include "model/schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"

#define REQUIRED STROMA_NEED_REQUIRED
#define OPTIONAL STROMA_NEED_OPTIONAL
#define CONDITIONAL STROMA_NEED_CONDITIONAL
#define GE_0 .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 0.0
#define GT_0 .lower = STROMA_BOUND_EXCLUSIVE, .lower_value = 0.0
#define DEFAULT(text, value) .default_text = text, .has_default = 1, .default_value = value

#define FACE_ROW(face, plane)                                                                             \
    {"substrates.<name>.boundary." face, STROMA_SCHEMA_NUMBER, "substrate unit", OPTIONAL,                \
     .default_text = "no flux", GE_0, .doc = "Value held on the face " plane " (Dirichlet)."}

const stroma_schema_key stroma_schema_keys[STROMA_KEY_COUNT] = {
    [STROMA_KEY_DOMAIN] = {"domain", STROMA_SCHEMA_MAP, "", REQUIRED, .doc = "The simulation box and its voxel mesh."},
    [STROMA_KEY_DOMAIN_X] = {"domain.x", STROMA_SCHEMA_INTERVAL, "µm", REQUIRED, .doc = "Extent along x."},
    [STROMA_KEY_DOMAIN_Y] = {"domain.y", STROMA_SCHEMA_INTERVAL, "µm", REQUIRED, .doc = "Extent along y."},
    [STROMA_KEY_DOMAIN_Z] = {"domain.z", STROMA_SCHEMA_INTERVAL, "µm", REQUIRED, .doc = "Extent along z."},
    [STROMA_KEY_DOMAIN_VOXEL] = {"domain.voxel", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                 .doc = "Edge of the cubic voxels; must divide every extent (to 1e-9 relative). "
                                        "An axis one voxel thick makes the model 2D (two such axes: 1D)."},
    [STROMA_KEY_TIME] = {"time", STROMA_SCHEMA_MAP, "", REQUIRED, .doc = "Simulated time."},
    [STROMA_KEY_TIME_END] = {"time.end", STROMA_SCHEMA_NUMBER, "min", REQUIRED, GT_0,
                             .doc = "End time of the run (the command line may override it)."},
    [STROMA_KEY_TIME_DT_DIFFUSION] = {"time.dt_diffusion", STROMA_SCHEMA_NUMBER, "min", REQUIRED, GT_0,
                                      .doc = "Time step of the diffusion-decay solver."},
    [STROMA_KEY_SEED] = {"seed", STROMA_SCHEMA_UINT64, "", OPTIONAL, DEFAULT("1", 1.0),
                         .doc = "Seed of the counter-based random generator (placement of sources); the same "
                                "seed gives the same run at any thread count."},
    [STROMA_KEY_SUBSTRATES] = {"substrates", STROMA_SCHEMA_NAMED_MAP, "", REQUIRED, .min_items = 1,
                               .max_len = STROMA_NAME_MAX - 1, .doc = "Diffusible substrates, by name."},
    [STROMA_KEY_SUBSTRATE] = {"substrates.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                              .doc = "One substrate; `<name>` is how sources and outputs refer to it."},
    [STROMA_KEY_SUBSTRATE_UNIT] = {"substrates.<name>.unit", STROMA_SCHEMA_STRING, "", OPTIONAL,
                                   DEFAULT("none", 0.0), .max_len = 31,
                                   .doc = "Unit of the substrate's values, free text for outputs (e.g. mmHg)."},
    [STROMA_KEY_SUBSTRATE_DIFFUSION] = {"substrates.<name>.diffusion", STROMA_SCHEMA_NUMBER, "µm²/min", REQUIRED,
                                        GE_0, .doc = "Diffusion coefficient D."},
    [STROMA_KEY_SUBSTRATE_DECAY] = {"substrates.<name>.decay", STROMA_SCHEMA_NUMBER, "1/min", REQUIRED, GE_0,
                                    .doc = "First-order decay rate; sqrt(D/decay) is the diffusion length."},
    [STROMA_KEY_SUBSTRATE_INITIAL] = {"substrates.<name>.initial", STROMA_SCHEMA_NUMBER, "substrate unit", OPTIONAL,
                                      DEFAULT("0", 0.0), GE_0, .doc = "Uniform initial value in every voxel."},
    [STROMA_KEY_SUBSTRATE_BOUNDARY] = {"substrates.<name>.boundary", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                       .default_text = "no flux on every face",
                                       .doc = "Dirichlet values on faces of the domain; a face not listed is "
                                              "no-flux."},
    [STROMA_KEY_BOUNDARY_X_MIN] = FACE_ROW("x_min", "x = domain.x lo"),
    [STROMA_KEY_BOUNDARY_X_MAX] = FACE_ROW("x_max", "x = domain.x hi"),
    [STROMA_KEY_BOUNDARY_Y_MIN] = FACE_ROW("y_min", "y = domain.y lo"),
    [STROMA_KEY_BOUNDARY_Y_MAX] = FACE_ROW("y_max", "y = domain.y hi"),
    [STROMA_KEY_BOUNDARY_Z_MIN] = FACE_ROW("z_min", "z = domain.z lo"),
    [STROMA_KEY_BOUNDARY_Z_MAX] = FACE_ROW("z_max", "z = domain.z hi"),
    [STROMA_KEY_SUBSTRATE_FIXED] = {"substrates.<name>.fixed", STROMA_SCHEMA_LIST, "", OPTIONAL,
                                    .default_text = "none",
                                    .doc = "Voxels inside the domain held at a fixed value (Dirichlet voxels, "
                                           "e.g. vessels)."},
    [STROMA_KEY_FIXED] = {"substrates.<name>.fixed[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                          .doc = "One fixed voxel; two entries may not hold the same voxel at different values."},
    [STROMA_KEY_FIXED_AT] = {"substrates.<name>.fixed[].at", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                             .doc = "Any point of the voxel to hold; must lie in the domain."},
    [STROMA_KEY_FIXED_VALUE] = {"substrates.<name>.fixed[].value", STROMA_SCHEMA_NUMBER, "substrate unit", REQUIRED,
                                GE_0, .doc = "Value held."},
    [STROMA_KEY_SOURCES] = {"sources", STROMA_SCHEMA_LIST, "", OPTIONAL, .default_text = "none",
                            .doc = "Point sources and sinks (stand-ins for cells)."},
    [STROMA_KEY_SOURCE] = {"sources[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                           .doc = "A group of identical point sources: one point (`at`), or `count` points placed "
                                  "uniformly at random in a `disc`, `sphere` or `box` (give exactly one of the "
                                  "four). Per point and step dt: c <- (c + dt (V/Vvox) S T) / (1 + dt (V/Vvox) "
                                  "(S + U)) + dt E / Vvox."},
    [STROMA_KEY_SOURCE_SUBSTRATE] = {"sources[].substrate", STROMA_SCHEMA_NAME, "", REQUIRED,
                                     .max_len = STROMA_NAME_MAX - 1,
                                     .doc = "Name of the substrate it acts on (a key of `substrates`)."},
    [STROMA_KEY_SOURCE_AT] = {"sources[].at", STROMA_SCHEMA_POINT, "µm", CONDITIONAL,
                              .need_text = "one of at, disc, sphere, box",
                              .doc = "Position of a single source; must lie in the domain."},
    [STROMA_KEY_SOURCE_COUNT] = {"sources[].count", STROMA_SCHEMA_INTEGER, "", CONDITIONAL,
                                 .need_text = "with disc, sphere or box", .default_text = "1 with at",
                                 .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 1,
                                 .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 2147483647.0,
                                 .doc = "Number of points placed in the region (only 1 is allowed with `at`)."},
    [STROMA_KEY_SOURCE_DISC] = {"sources[].disc", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                .need_text = "one of at, disc, sphere, box",
                                .doc = "Disc in the plane z = center z (for 2D models); must lie in the domain."},
    [STROMA_KEY_SOURCE_DISC_CENTER] = {"sources[].disc.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                       .doc = "Centre of the disc."},
    [STROMA_KEY_SOURCE_DISC_RADIUS] = {"sources[].disc.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                       .doc = "Radius of the disc."},
    [STROMA_KEY_SOURCE_SPHERE] = {"sources[].sphere", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                  .need_text = "one of at, disc, sphere, box",
                                  .doc = "Ball; must lie in the domain (in a 2D model use a disc)."},
    [STROMA_KEY_SOURCE_SPHERE_CENTER] = {"sources[].sphere.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                         .doc = "Centre of the ball."},
    [STROMA_KEY_SOURCE_SPHERE_RADIUS] = {"sources[].sphere.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                         .doc = "Radius of the ball."},
    [STROMA_KEY_SOURCE_BOX] = {"sources[].box", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                               .need_text = "one of at, disc, sphere, box",
                               .doc = "Axis-aligned box; must lie in the domain."},
    [STROMA_KEY_SOURCE_BOX_LO] = {"sources[].box.lo", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                  .doc = "Lower corner."},
    [STROMA_KEY_SOURCE_BOX_HI] = {"sources[].box.hi", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                  .doc = "Upper corner; hi >= lo on every axis."},
    [STROMA_KEY_SOURCE_VOLUME] = {"sources[].volume", STROMA_SCHEMA_NUMBER, "µm³", OPTIONAL, DEFAULT("2494", 2494.0),
                                  GT_0, .doc = "Volume V of each source (2494 µm³: a PhysiCell cell)."},
    [STROMA_KEY_SOURCE_SECRETION] = {"sources[].secretion", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL,
                                     DEFAULT("0", 0.0), GE_0, .doc = "Secretion rate S towards the saturation value."},
    [STROMA_KEY_SOURCE_SATURATION] = {"sources[].saturation", STROMA_SCHEMA_NUMBER, "substrate unit", CONDITIONAL,
                                      .need_text = "when secretion > 0", DEFAULT("0", 0.0), GE_0,
                                      .doc = "Saturation value T that secretion drives the voxel towards."},
    [STROMA_KEY_SOURCE_UPTAKE] = {"sources[].uptake", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL, DEFAULT("0", 0.0),
                                  GE_0, .doc = "Uptake rate U."},
    [STROMA_KEY_SOURCE_EXPORT] = {"sources[].export", STROMA_SCHEMA_NUMBER, "substrate unit × µm³/min", OPTIONAL,
                                  DEFAULT("0", 0.0),
                                  .doc = "Net export E; negative imports (the field is never driven below 0)."},
    [STROMA_KEY_OUTPUTS] = {"outputs", STROMA_SCHEMA_MAP, "", OPTIONAL,
                            .default_text = "output at time.end only, no field files", .doc = "What is written."},
    [STROMA_KEY_OUTPUTS_EVERY] = {"outputs.every", STROMA_SCHEMA_NUMBER, "min", OPTIONAL, .default_text = "time.end",
                                  GT_0, .doc = "Interval between output times."},
    [STROMA_KEY_OUTPUTS_FIELDS] = {"outputs.fields", STROMA_SCHEMA_WORDS, "", OPTIONAL, .default_text = "none",
                                   .choices = "csv",
                                   .doc = "Formats of the field files written at each output time (csv: "
                                          "`fields/<substrate>_<time>.csv`)."},
};

const char stroma_schema_example[] =
    "domain: {x: [0, 1000], y: [0, 20], z: [0, 20], voxel: 20}   # a 1D strip\n"
    "time: {end: 600, dt_diffusion: 0.01}\n"
    "seed: 1\n"
    "substrates:\n"
    "  oxygen:\n"
    "    unit: mmHg\n"
    "    diffusion: 100000\n"
    "    decay: 0.1\n"
    "    initial: 38\n"
    "    boundary: {x_min: 38}\n"
    "  IL6:\n"
    "    unit: ng/mL\n"
    "    diffusion: 6000\n"
    "    decay: 0.0069\n"
    "    fixed:\n"
    "      - {at: [990, 10, 10], value: 0}\n"
    "sources:\n"
    "  - substrate: IL6\n"
    "    at: [500, 10, 10]\n"
    "    secretion: 0.1\n"
    "    saturation: 1\n"
    "  - substrate: oxygen\n"
    "    count: 20\n"
    "    box: {lo: [100, 0, 0], hi: [300, 20, 20]}\n"
    "    uptake: 10\n"
    "outputs: {every: 60, fields: [csv]}\n";

/* Length of the path of the row's parent (0 for a top-level key). */
static size_t schema_parent_len(const char *path) {
    size_t len = strlen(path);
    if (len >= 2 && strcmp(path + len - 2, "[]") == 0) return len - 2;
    const char *dot = strrchr(path, '.');
    return dot ? (size_t)(dot - path) : 0;
}

int stroma_schema_parent(int id) {
    if (id < 0 || id >= STROMA_KEY_COUNT) return -1;
    const char *path = stroma_schema_keys[id].path;
    size_t plen = schema_parent_len(path);
    if (plen == 0) return -1;
    for (int i = 0; i < STROMA_KEY_COUNT; i++)
        if (strlen(stroma_schema_keys[i].path) == plen && strncmp(stroma_schema_keys[i].path, path, plen) == 0)
            return i;
    return -1;
}

const char *stroma_schema_key_name(int id) {
    const char *path = stroma_schema_keys[id].path;
    size_t len = strlen(path);
    if (len >= 2 && strcmp(path + len - 2, "[]") == 0) return "";
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot + 1, "<name>") == 0) return "";
    return dot ? dot + 1 : path;
}

int stroma_schema_child(int parent, const char *key, size_t len) {
    int item = parent >= 0 && (stroma_schema_keys[parent].type == STROMA_SCHEMA_NAMED_MAP ||
                               stroma_schema_keys[parent].type == STROMA_SCHEMA_LIST);
    for (int i = 0; i < STROMA_KEY_COUNT; i++) {
        if (stroma_schema_parent(i) != parent) continue;
        if (item) return i;
        const char *name = stroma_schema_key_name(i);
        if (strlen(name) == len && memcmp(name, key, len) == 0) return i;
    }
    return -1;
}

const char *stroma_schema_type_name(stroma_schema_type type) {
    switch (type) {
    case STROMA_SCHEMA_MAP: return "mapping";
    case STROMA_SCHEMA_NAMED_MAP: return "mapping of names";
    case STROMA_SCHEMA_LIST: return "list";
    case STROMA_SCHEMA_NUMBER: return "number";
    case STROMA_SCHEMA_INTEGER: return "integer";
    case STROMA_SCHEMA_UINT64: return "integer";
    case STROMA_SCHEMA_STRING: return "string";
    case STROMA_SCHEMA_NAME: return "name";
    case STROMA_SCHEMA_POINT: return "[x, y, z]";
    case STROMA_SCHEMA_INTERVAL: return "[lo, hi]";
    case STROMA_SCHEMA_WORDS: return "list of words";
    }
    return "?";
}

int stroma_schema_valid_name(const char *s, size_t len) {
    if (len == 0 || len > STROMA_NAME_MAX - 1) return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        int more = (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!(alpha || (i > 0 && more))) return 0;
    }
    return 1;
}

/* Append-only text buffer that counts what it could not store. */
typedef struct schema_text {
    char *buf;
    size_t cap, len;
} schema_text;

static void schema_put(schema_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void schema_put(schema_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->cap ? t->cap - t->len : 0;
    int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n;
}

/* The "Allowed" cell of a row. */
static void schema_allowed(const stroma_schema_key *k, char *out, size_t cap) {
    out[0] = '\0';
    switch (k->type) {
    case STROMA_SCHEMA_NUMBER:
    case STROMA_SCHEMA_INTEGER:
        if (k->lower != STROMA_BOUND_NONE && k->upper != STROMA_BOUND_NONE)
            snprintf(out, cap, "%.10g to %.10g", k->lower_value, k->upper_value);
        else if (k->lower != STROMA_BOUND_NONE)
            snprintf(out, cap, "%s %.10g", k->lower == STROMA_BOUND_INCLUSIVE ? ">=" : ">", k->lower_value);
        else if (k->upper != STROMA_BOUND_NONE)
            snprintf(out, cap, "%s %.10g", k->upper == STROMA_BOUND_INCLUSIVE ? "<=" : "<", k->upper_value);
        else
            snprintf(out, cap, "any");
        break;
    case STROMA_SCHEMA_UINT64: snprintf(out, cap, "0 to 18446744073709551615"); break;
    case STROMA_SCHEMA_STRING: snprintf(out, cap, "at most %zu characters", k->max_len); break;
    case STROMA_SCHEMA_NAME: snprintf(out, cap, "a defined name"); break;
    case STROMA_SCHEMA_INTERVAL: snprintf(out, cap, "hi > lo"); break;
    case STROMA_SCHEMA_WORDS: snprintf(out, cap, "%s", k->choices); break;
    case STROMA_SCHEMA_NAMED_MAP:
        snprintf(out, cap, "names `[A-Za-z_][A-Za-z0-9_.-]*`, at most %zu characters; at least %d", k->max_len,
                 k->min_items);
        break;
    case STROMA_SCHEMA_LIST:
        if (k->min_items > 0) snprintf(out, cap, "at least %d", k->min_items);
        break;
    case STROMA_SCHEMA_MAP:
    case STROMA_SCHEMA_POINT: break;
    }
}

size_t stroma_model_reference_markdown(char *buf, size_t cap) {
    schema_text t = {buf, cap, 0};
    if (buf && cap) buf[0] = '\0';
    schema_put(&t,
               "# stroma model file reference\n"
               "\n"
               "<!-- Generated by stroma_model_reference_markdown() from the schema table in src/model/schema.c.\n"
               "     Do not edit by hand: tests/unit/test_model.c fails when this file and the table differ;\n"
               "     regenerate with STROMA_UPDATE_DOCS=1 ./build/test_model. -->\n"
               "\n"
               "A model file is one YAML document describing the tissue to simulate. Lengths are in µm and times\n"
               "in min. The loader checks every key against the table below and reports every mistake it finds,\n"
               "each as `file:line:column: message` naming the key and its unit, for example\n"
               "`tumour.yaml:7:16: substrates.oxygen.diffusion must be >= 0 (got -3) [µm²/min]`.\n"
               "\n"
               "## Notation\n"
               "\n"
               "- `a.b` is key `b` inside the mapping `a`; `<name>` is a name you choose; `[]` is an item of a\n"
               "  list (messages show its index, e.g. `sources[2].at`).\n"
               "- `[x, y, z]` is a list of three numbers, `[lo, hi]` a list of two.\n"
               "- Numbers are written plain: `\"5\"` (quoted) is a string and is refused where a number is\n"
               "  expected; `.inf` and `.nan` are refused.\n"
               "- \"substrate unit\" is the unit of the substrate concerned (its `unit` key).\n"
               "\n"
               "## Rules\n"
               "\n"
               "- Unknown keys are errors; the nearest valid key is suggested. Duplicate keys are errors.\n"
               "- A key marked required must be present. An optional key that is absent takes the default shown;\n"
               "  no other value is ever assumed (nothing silently becomes 0).\n"
               "- Names (`substrates.<name>`) match `[A-Za-z_][A-Za-z0-9_.-]*` and have at most 63 characters.\n"
               "- `domain.voxel` must divide the extent of every axis; the error message suggests the nearest\n"
               "  voxel sizes that would. An axis one voxel thick lowers the dimension of the model.\n"
               "- Points (`at`, fixed voxels) must lie in the domain, and source regions entirely inside it.\n"
               "- Before anything is allocated the loader estimates the memory the run needs (field: voxels x\n"
               "  substrates x 8 bytes; solver scratch: 2 x largest plane x substrates x 8 bytes x 2 threads;\n"
               "  coefficients; sources) and refuses a model that needs more than the machine's physical memory,\n"
               "  or whose voxel count overflows.\n"
               "\n"
               "## Keys\n"
               "\n"
               "| Key | Type | Unit | Required | Default | Allowed | Description |\n"
               "|-----|------|------|----------|---------|---------|-------------|\n");
    for (int i = 0; i < STROMA_KEY_COUNT; i++) {
        const stroma_schema_key *k = &stroma_schema_keys[i];
        char allowed[160];
        schema_allowed(k, allowed, sizeof allowed);
        const char *need = k->need == STROMA_NEED_REQUIRED ? "yes" : k->need == STROMA_NEED_OPTIONAL ? "no"
                                                                                                    : k->need_text;
        schema_put(&t, "| `%s` | %s | %s | %s | %s | %s | %s |\n", k->path, stroma_schema_type_name(k->type), k->unit,
                   need, k->default_text ? k->default_text : "", allowed, k->doc);
    }
    schema_put(&t, "\n## Example\n\n```yaml\n%s```\n", stroma_schema_example);
    return t.len;
}
