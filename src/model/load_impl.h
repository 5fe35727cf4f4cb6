/* Private to the model loader (src/model/load*.c): the loader's state during one load, the types its pieces share,
 * and the helpers they call across files. load.c walks the YAML against the schema; each section's cross-checks
 * after the walk live in that section's file (load_cells.c, load_rules.c, load_body.c, load_ecm.c), the CSV reading in
 * load_csv.c. A new section adds load_<section>.c and declares its check here (docs/dev/loader.md). */
#ifndef STROMA_MODEL_LOAD_IMPL_H
#define STROMA_MODEL_LOAD_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "model/model.h"
#include "model/region.h"
#include "model/schema.h"
#include "model/yaml_tree.h"
#include "util/error_impl.h"

/* Longest piece of user text echoed in a message. */
#define LOAD_ECHO_MAX 48

typedef struct load_fixed_extra {
    char path[160];        /* "substrates.oxygen.fixed[0]" */
    int at_ok;             /* `at` is valid (and, after the checks, inside the domain) */
    int value_ok;          /* `value` is valid */
    stroma_srcloc at_loc;  /* position of its `at` value */
} load_fixed_extra;

/* Where a group of sources or initial cells is placed, for the checks after the walk. */
typedef struct load_place {
    char path[40];                   /* "sources[3]", "initial_cells[0]" */
    int region_ok;                   /* exactly one place given, and it is valid */
    stroma_srcloc region_loc;        /* position of the at/disc/sphere/box/annulus value */
    const char *region_key;          /* "at", "disc", "sphere", "box" or "annulus" */
} load_place;

typedef struct load_source_extra {
    load_place place;
    char substrate[STROMA_NAME_MAX]; /* name as written, resolved after the walk */
    int substrate_ok;
    stroma_srcloc substrate_loc;
} load_source_extra;

/* A name written in the file that refers to a substrate or a cell type, resolved after the walk. */
typedef struct load_name {
    char name[STROMA_NAME_MAX];
    int ok;                          /* a valid name was given */
    stroma_srcloc loc;
} load_name;

typedef struct load_type_extra {
    char path[96];                   /* "cell_types.cancer" */
    load_name necrosis, chemotaxis;  /* substrates */
    int chemotaxis_sensitivities;    /* motility.chemotaxis.sensitivities was given */
    stroma_srcloc vp_loc;            /* volume_parts (its nuclear value if given), for the checks after the walk */
    stroma_srcloc vp_double_loc;     /* volume_parts.double_at_phase */
} load_type_extra;

/* An entry of a per-type map keyed by cell type (affinity, attack, phagocytosis, transform) or by substrate
 * (chemotaxis sensitivities). */
typedef struct load_type_ref {
    int key;                         /* the row of the entry (STROMA_KEY_CELL_*_TYPE, *_SENSITIVITY) */
    int owner;                       /* cell type it belongs to */
    load_name type;                  /* the key: a type (or substrate) name */
    char path[160];                  /* the map, "cell_types.cancer.interactions.attack" */
    double value;
    int value_ok;
} load_type_ref;

/* An entry of cell_types.<name>.secretion. */
typedef struct load_secretion {
    int owner;
    load_name substrate;
    char path[160];                  /* "cell_types.cancer.secretion" */
    double rate, saturation, uptake, export_;
} load_secretion;

/* An entry of cell_types.<name>.interactions.transform_on_contact. */
typedef struct load_contact {
    int owner;
    load_name with, to;
    char path[160];                  /* "cell_types.CAF.interactions.transform_on_contact[0]" */
    double rate;
    int rate_ok;
} load_contact;

typedef struct load_initial_extra {
    load_place place;
    load_name type;
    int from_file;                   /* `file` given (exactly one place) */
    char file[512];                  /* as written */
    int file_ok;
    stroma_srcloc file_loc;
} load_initial_extra;

typedef struct load_state_extra {
    char path[96];                   /* "state_variables.stemness" */
    stroma_srcloc loc;               /* its name */
} load_state_extra;

/* An item of `rules`: an inline rule (names as written, resolved after the walk) or a rules file. */
typedef struct load_rule_item {
    char path[40];                   /* "rules[3]" */
    stroma_srcloc at;                /* the item */
    int complete;                    /* inline: every key present, no conflict */
    int is_file;
    load_name type;
    char signal[STROMA_RULE_NAME_MAX], behaviour[STROMA_RULE_NAME_MAX];
    int signal_ok, behaviour_ok, numbers_ok;
    stroma_srcloc signal_at, behaviour_at, saturation_at;
    const char *behaviour_key;       /* "behaviour" or "behavior", as written */
    int direction;                   /* +1, -1 */
    int apply_to_dead;
    double saturation, half_max, hill;
    char file[512];                  /* as written */
    int file_ok;
    stroma_srcloc file_at;
} load_rule_item;

/* An error found by the walk or the checks; all are sorted by position before being reported. */
typedef struct load_issue {
    stroma_code code;
    stroma_srcloc at;      /* position in `file` */
    stroma_srcloc sort_at; /* position in the model file it is sorted by (= at for the model file) */
    int order;             /* discovery order, to keep the sort stable */
    char *file;            /* owned; NULL: the model file */
    char *message;         /* owned */
} load_issue;

typedef struct loader {
    const char *file;
    int parent[STROMA_KEY_COUNT];  /* stroma_schema_parent of every row, computed once per load */
    load_issue *issues;
    int nissues, issues_cap;
    stroma_model *m;
    int nomem;
    int sub_cap, fixed_cap, fixed_extra_cap, src_cap, src_extra_cap;
    load_fixed_extra *fixed_extra; /* parallel to m->fixed */
    load_source_extra *src_extra;  /* parallel to m->sources */
    int cur_sub, cur_fixed, cur_src;
    int axis_ok[3], voxel_ok; /* domain values stored */
    stroma_srcloc voxel_loc;
    int end_ok;               /* time.end stored */
    stroma_srcloc end_loc;
    int dt_ok[3];             /* dt_diffusion, dt_mechanics, dt_phenotype stored (given or default) */
    stroma_srcloc dt_loc[3];  /* their positions; line 0 for a default */
    int type_cap, type_extra_cap, cur_type, cur_phase, cur_phase_kind, nphase_kinds;
    load_type_extra *type_extra;   /* parallel to m->cell_types */
    load_type_ref *refs;
    int nrefs, refs_cap, cur_ref;
    load_secretion *secs;
    int nsecs, secs_cap, cur_sec;
    load_contact *contacts;
    int ncontacts, contacts_cap, cur_contact;
    int init_cap, init_extra_cap, cur_init;
    load_initial_extra *init_extra; /* parallel to m->initial_cells */
    int state_cap, state_extra_cap, cur_state;
    load_state_extra *state_extra;  /* parallel to m->state_vars */
    load_type_ref *srefs;           /* entries of the state variables' per-type maps (owner = the variable) */
    int nsrefs, srefs_cap, cur_sref;
    load_rule_item *rule_items;     /* items of `rules`, in file order */
    int nrule_items, rule_items_cap, cur_rule;
    int rules_cap;                  /* of m->rules */
    load_name images_field;         /* outputs.images.field, resolved after the walk */
    stroma_srcloc images_every_at;  /* outputs.images.every (line 0: absent) */
    struct load_body_walk *body;    /* what the walk found in vessels/body (load_body.c); NULL: nothing yet */
    struct load_ecm_walk *ecm;      /* what the walk found in ecm (load_ecm.c); NULL: nothing yet */
    struct load_vesicles_walk *vesicles; /* what the walk found in vesicles (load_vesicles.c); NULL: nothing yet */
    struct load_recruitment_walk *recruitment; /* what the walk found in recruitment (load_recruitment.c); NULL:
                                                  nothing yet */
    struct load_therapy_walk *therapy;   /* what the walk found in therapies (load_therapy.c); NULL: nothing yet */
    struct load_markers_walk *markers;   /* what the walk found in markers, populations, tissue, indices and
                                            outputs.images.marker (load_markers.c); NULL: nothing yet */
} loader;

/* A parsed value handed to load_store. */
typedef struct load_value {
    double num;          /* NUMBER */
    double vec[3];       /* POINT, INTERVAL */
    long long integer;   /* INTEGER */
    uint64_t u64;        /* UINT64 */
    const char *str;     /* STRING, NAME (NUL-terminated, borrowed) */
    unsigned words;      /* WORDS: bit i = i-th word of choices */
    stroma_srcloc loc;   /* where it is written (0:0 for a default) */
    stroma_srcloc key_loc; /* where its key is written (a list item: the item; 0:0 for a default) */
} load_value;

/* Names of the substrates and cell types, borrowed from the model, for lookups and suggestions; *_order sorts
 * them (by name, then index), so that a lookup is a binary search, not a scan (references x names was quadratic
 * in the size of a model). */
typedef struct load_names {
    const char **sub, **type;
    int *sub_order, *type_order;
} load_names;

/* Most errors listed for one CSV file; the rest are counted in one final message. */
#define LOAD_CSV_MAX_ERRORS 20

/* A cell of a CSV line: text[0..len) (trimmed, quotes removed), 1-based column of its first byte. */
typedef struct load_csv_field {
    const char *text;
    size_t len;
    int column;
} load_csv_field;

/* Reports problems of one CSV file (a cell file or a rules file): where, and how many. */
typedef struct load_csv {
    loader *ld;
    const char *path;     /* the file as opened */
    stroma_srcloc anchor; /* its `file` key in the model */
    int nerrors;
    int first_hidden_line, first_hidden_column;
} load_csv;

/* load.c: reporting, numbers, the domain and names. */
/* Record a warning at `at` in the model file: appended to model->warnings as "file:line:col: warning: ...\n" (the
 * CLI prints them on stderr); the load still succeeds. */
void load_warning(loader *ld, stroma_srcloc at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Record an error at `at` in the model file (sorted by position with the others before being reported). */
void load_error(loader *ld, stroma_code code, stroma_srcloc at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An error in another file (a cell CSV) at line:column, listed with the model file's errors at `anchor`. */
void load_error_in(loader *ld, const char *file, stroma_srcloc anchor, stroma_code code, int line,
                   int column, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Copy user text for a message: at most LOAD_ECHO_MAX bytes, control characters shown as '?'. */
const char *load_echo(const char *s, size_t len, char *buf, size_t cap);
/* Grow *items (elem bytes each, *cap of them) to hold need, zeroing the new ones; 0, or -1 when out of memory. */
int load_grow(void **items, int *cap, int need, size_t elem);
/* Parse a plain decimal number (YAML core schema float/int syntax, no .inf/.nan) from NUL-terminated text.
 * Returns 0 on success, -1 if the text is not a number, -2 if it is not finite or overflows. */
int load_parse_number_text(const char *s, double *out);
/* Is p inside the model's domain (lo_um <= p <= hi_um on every axis; NaN is not). */
int load_inside(const stroma_model *m, const double p[3]);
/* Check that a valid region lies inside the domain (needs the grid). A disc, and an annulus in a model of
 * fewer than 3 dimensions, lie in the plane z = centre z (as stroma_region_sample places them). */
void load_check_region(loader *ld, const load_place *x, const stroma_region *r);
/* Index of `name` among names[0..n) (sorted by `order`, or NULL: see load_find), or -1 with msg set to "no
 * <what> named 'name'" and a suggestion or the list of defined names (`plural` names them). */
int load_lookup(const char *name, const char *const *names, const int *order, int n, const char *what,
                const char *plural, char *msg, size_t cap);
/* Resolve a substrate (is_type 0) or cell type (1) name written at nm->loc under key `path`; reports and
 * returns -1 if it is not defined. */
int load_resolve(loader *ld, const load_names *nl, int is_type, const load_name *nm, const char *path);

/* load_cells.c: cell types, initial cells and their cell files, state variables. */
/* Allocate every per-type array (defaults: affinity 1, everything else 0) and fill in what the walk found:
 * substrates and types named in each type, secretion, type-keyed maps, contact transformations. */
void load_check_cell_types(loader *ld, const load_names *nl);
/* Types and places of initial_cells, and their cell files; `initial_at` is where initial_cells is written. */
void load_check_initial(loader *ld, const load_names *nl, int grid, stroma_srcloc initial_at);
/* Allocate the state variables' per-type arrays (default 0) and fill in the entries of their maps. */
void load_check_state(loader *ld, const load_names *nl);
/* A state variable is a signal by its bare name: that name must not already be a signal (after the tables are
 * built). */
void load_check_state_names(loader *ld);

/* load_csv.c: reading the CSV files a model names (cell files, rules files). */
/* Split line[0..len) at commas into at most max fields; returns the number of fields in the line. */
int load_csv_split(const char *line, size_t len, load_csv_field *f, int max);
/* Report an error at line:column of c's file (load_error_in), or only count it past LOAD_CSV_MAX_ERRORS. */
void load_csv_error(load_csv *c, stroma_code code, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Open the file `file` named by the model under `item`.file (written at `at`), relative to the model file's
 * directory unless absolute; its path as opened goes to path[cap]. Reports (`what`: "cell file") and returns
 * NULL if the path is too long or the file cannot be opened. The caller closes the file. */
FILE *load_open_named(loader *ld, const char *file, const char *item, stroma_srcloc at, const char *what,
                      char *path, size_t cap);
/* After reading a CSV file: report a read error, and how many errors were not listed. */
void load_csv_finish(load_csv *c, FILE *fp, const char *item, const char *what);
/* Parse a CSV field as a finite number (> 0 if positive); reports as `key` (naming `alternatives` the field
 * could also hold, "" if none) and returns 0 if it is not. */
int load_csv_number(load_csv *c, int line, const load_csv_field *f, const char *key, int positive,
                    const char *alternatives, double *out);
/* Copy a CSV field into out[cap]; reports (as `key`, naming a `what`) and returns 0 if it is empty, too long or
 * holds a NUL byte. */
int load_csv_name(load_csv *c, int line, const load_csv_field *f, const char *key, const char *what,
                  char *out, size_t cap);
/* Is the field exactly `word`. */
int load_csv_is(const load_csv_field *f, const char *word);

/* load_rules.c: inline rules and PhysiCell rules files. */
/* Resolve every rule, inline or from a file, into model->rules in the order written; `rules_at` is where
 * `rules` is written. Needs the rule tables. */
void load_check_rules(loader *ld, const load_names *nl, stroma_srcloc rules_at);

/* load_body.c: the `vessels:` and `body:` sections. */
/* Store a value of a vessels/body row (any other row is ignored): load_store's default. */
void load_body_store(loader *ld, int id, const load_value *v);
/* Start an item of a vessels/body list or named map (segments, permeability, systemic); 0, or -1 when out of
 * memory. Any other row: 0. */
int load_body_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at);
/* Mapping-level checks of the vessels/body rows (presence, a segment's `to`); returns ok, cleared on failure. */
int load_body_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                       const stroma_yaml_node *const *vals, const int *valid, int ok);
/* The checks after the walk: substrate names (with suggestions), which substrates cross the vessel wall and have a
 * plasma value, places inside the domain, densities, time steps, the vessel file. Runs before the rule tables are
 * built: it leaves body.systemic with resolved substrates only. */
void load_check_body(loader *ld, const load_names *nl, int grid);
/* Free what the walk kept for load_check_body. */
void load_body_free(loader *ld);

/* load_ecm.c: the `ecm:` section, in the same way: store, items (regions, per-type and per-substrate maps),
 * mapping-level checks (one shape per region, box corners, annulus radii), the checks after the walk (names,
 * densities, regions inside the domain, the update interval; needs the cell types), and freeing. */
void load_ecm_store(loader *ld, int id, const load_value *v);
int load_ecm_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at);
int load_ecm_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                      const stroma_yaml_node *const *vals, const int *valid, int ok);
void load_check_ecm(loader *ld, const load_names *nl, int grid);
void load_ecm_free(loader *ld);
/* load_vesicles.c: the `vesicles:` section. */
/* Store a value of a vesicles row (any other row is ignored): load_store's default. */
void load_vesicles_store(loader *ld, int id, const load_value *v);
/* Start a class or an entry of its cargo, release or uptake maps; 0, or -1 when out of memory. Other rows: 0. */
int load_vesicles_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at);
/* Mapping-level checks of the vesicles rows (diffusion and tissue_factor not both); returns ok, cleared on
 * failure. */
int load_vesicles_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                           const int *valid, int ok);
/* Right after the walk: append one substrate per class (name, particles/mL, diffusion, decay, initial, faces) and
 * refuse a class named like a substrate. */
void load_vesicles_append(loader *ld);
/* After the cell types and state variables: cargo names, release and uptake types; a warning for a class no type
 * releases; a class named in a type's secretion or a source is refused. */
void load_check_vesicles(loader *ld, const load_names *nl);
/* Free what the walk kept. */
void load_vesicles_free(loader *ld);
/* load_markers.c: `markers`, `populations`, `tissue`, `indices` and outputs.images.marker, in the same way: store
 * (any other row is ignored), items (markers, their types and conditions, populations, index terms), mapping-level
 * checks (what a marker or condition must give), the checks after the walk (names against the cell types, the
 * rule tables, the substrates and body.systemic; thresholds against what a behaviour can reach; needs the rule
 * tables and the body), and freeing. */
void load_markers_store(loader *ld, int id, const load_value *v);
int load_markers_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at);
int load_markers_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                          const int *valid, int ok);
void load_check_markers(loader *ld, const load_names *nl, int grid);
void load_markers_free(loader *ld);

/* load_recruitment.c: the `recruitment:` section. */
/* Store a value of a recruitment row (any other row is ignored): load_store's default. */
void load_recruitment_store(loader *ld, int id, const load_value *v);
/* Start an entry (a cell type); 0, or -1 when out of memory. Other rows: 0. */
int load_recruitment_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at);
/* Mapping-level checks of an entry (half_max with signal; half_max, hill and basal only with it); returns ok,
 * cleared on failure. */
int load_recruitment_map_done(loader *ld, int id, const char *path, stroma_srcloc at,
                              const stroma_yaml_node *const *keys, int ok);
/* After the cell types and the vessels: the entries' types and signals, and vessels required (`recruitment_at`:
 * where the section is written). */
void load_check_recruitment(loader *ld, const load_names *nl, stroma_srcloc recruitment_at);
/* Free what the walk kept. */
void load_recruitment_free(loader *ld);

/* load_therapy.c: the `therapies:` section. */
/* Store a value of a therapies row (any other row is ignored), converting days and L/day to min and L/min. */
void load_therapy_store(loader *ld, int id, const load_value *v);
/* Start a drug, a regimen or an entry of cytotoxic.types; 0, or -1 when out of memory. Other rows: 0. */
int load_therapy_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at);
/* Mapping-level checks (the pk's conditional keys, a regimen's dose, duration and interval); returns ok, cleared
 * on failure. */
int load_therapy_map_done(loader *ld, int id, const char *path, stroma_srcloc at, const stroma_yaml_node *const *keys,
                          const int *valid, int ok);
/* After the cell types, state variables and the body: names, the drug's field (crosses the wall, not systemic),
 * body weight and absorption where needed (`therapies_at`: where the section is written). */
void load_check_therapy(loader *ld, const load_names *nl, stroma_srcloc therapies_at);
/* After the rule tables: the behaviours named by the drugs' `inhibit` (not necrosis; one drug per type and
 * behaviour). */
void load_check_therapy_behaviours(loader *ld);
/* Is `name` written as a drug's substrate (therapies.drugs.<name>.substrate)? For the body's checks, which run
 * before the drugs' names are resolved. */
int load_therapy_carries(const loader *ld, const char *name);
/* Free what the walk kept. */
void load_therapy_free(loader *ld);
#endif
