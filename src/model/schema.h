/* The model-file schema: one table row per key (path, type, unit, default, allowed range, required, one-line
 * doc). The loader (load.c) validates a file against it and the reference manual (docs/model-reference.md) is
 * generated from it, so the two cannot drift.
 *
 * Design notes
 * - A row's path names the key from the top of the file: "a.b" is key b of mapping a, "<name>" is an entry of a
 *   mapping whose keys the user chooses (a NAMED_MAP), "[]" is an item of a list. The parent of a row is the row
 *   whose path is its path minus the last segment; the keys allowed in a mapping are exactly its child rows.
 * - The table is indexed by stroma_key_id (designated initializers), so rows appear in the manual in enum order.
 * - Adding a key: add an id to stroma_key_id, a row to stroma_schema_keys (schema.c), and, for a value, a case
 *   where load.c stores it. Checks that involve several keys (voxel divides extents, points inside the domain,
 *   names referred to exist, conditional requirements) live in load.c or, for a section with a file of its own,
 *   in load_<section>.c (docs/dev/loader.md), and are described in the rows' docs. */
#ifndef STROMA_MODEL_SCHEMA_H
#define STROMA_MODEL_SCHEMA_H

#include <stddef.h>

/* Most cell types a model may define: every type holds a [types x types] contact-transformation table, so the
 * tables grow as the cube of the count (100 types: 8 MB). */
#define STROMA_MAX_CELL_TYPES 100

typedef enum stroma_key_id {
    STROMA_KEY_DOMAIN,
    STROMA_KEY_DOMAIN_X,
    STROMA_KEY_DOMAIN_Y,
    STROMA_KEY_DOMAIN_Z,
    STROMA_KEY_DOMAIN_VOXEL,
    STROMA_KEY_TIME,
    STROMA_KEY_TIME_END,
    STROMA_KEY_TIME_DT_DIFFUSION,
    STROMA_KEY_TIME_DT_MECHANICS,
    STROMA_KEY_TIME_DT_PHENOTYPE,
    STROMA_KEY_SEED,
    STROMA_KEY_SUBSTRATES,
    STROMA_KEY_SUBSTRATE,
    STROMA_KEY_SUBSTRATE_UNIT,
    STROMA_KEY_SUBSTRATE_DIFFUSION,
    STROMA_KEY_SUBSTRATE_DECAY,
    STROMA_KEY_SUBSTRATE_INITIAL,
    STROMA_KEY_SUBSTRATE_BOUNDARY,
    STROMA_KEY_BOUNDARY_X_MIN, /* the six faces stay consecutive, in STROMA_FACE_* order */
    STROMA_KEY_BOUNDARY_X_MAX,
    STROMA_KEY_BOUNDARY_Y_MIN,
    STROMA_KEY_BOUNDARY_Y_MAX,
    STROMA_KEY_BOUNDARY_Z_MIN,
    STROMA_KEY_BOUNDARY_Z_MAX,
    STROMA_KEY_SUBSTRATE_FIXED,
    STROMA_KEY_FIXED,
    STROMA_KEY_FIXED_AT,
    STROMA_KEY_FIXED_VALUE,
    STROMA_KEY_BOUNDARY_CONVENTION,
    STROMA_KEY_TRANSPORT,
    STROMA_KEY_TRANSPORT_SOLVER,
    STROMA_KEY_SOURCES,
    STROMA_KEY_SOURCE,
    STROMA_KEY_SOURCE_SUBSTRATE,
    STROMA_KEY_SOURCE_AT,
    STROMA_KEY_SOURCE_COUNT,
    STROMA_KEY_SOURCE_DISC,
    STROMA_KEY_SOURCE_DISC_CENTER,
    STROMA_KEY_SOURCE_DISC_RADIUS,
    STROMA_KEY_SOURCE_SPHERE,
    STROMA_KEY_SOURCE_SPHERE_CENTER,
    STROMA_KEY_SOURCE_SPHERE_RADIUS,
    STROMA_KEY_SOURCE_BOX,
    STROMA_KEY_SOURCE_BOX_LO,
    STROMA_KEY_SOURCE_BOX_HI,
    STROMA_KEY_SOURCE_ANNULUS,
    STROMA_KEY_SOURCE_ANNULUS_CENTER,
    STROMA_KEY_SOURCE_ANNULUS_INNER,
    STROMA_KEY_SOURCE_ANNULUS_OUTER,
    STROMA_KEY_SOURCE_VOLUME,
    STROMA_KEY_SOURCE_SECRETION,
    STROMA_KEY_SOURCE_SATURATION,
    STROMA_KEY_SOURCE_UPTAKE,
    STROMA_KEY_SOURCE_EXPORT,
    STROMA_KEY_CELL_TYPES,
    STROMA_KEY_CELL_TYPE,
    STROMA_KEY_CELL_VOLUME,
    STROMA_KEY_CELL_GROWTH_RATE,
    STROMA_KEY_CELL_VOLUME_PARTS,
    STROMA_KEY_CELL_VP_FLUID_FRACTION,
    STROMA_KEY_CELL_VP_NUCLEAR,
    STROMA_KEY_CELL_VP_FLUID_RATE,
    STROMA_KEY_CELL_VP_CYTO_RATE,
    STROMA_KEY_CELL_VP_NUCLEAR_RATE,
    STROMA_KEY_CELL_VP_DOUBLE_AT_PHASE,
    STROMA_KEY_CELL_CYCLE,
    STROMA_KEY_CELL_CYCLE_MODEL,
    STROMA_KEY_CELL_CYCLE_DURATION,
    STROMA_KEY_CELL_CYCLE_PHASES,
    STROMA_KEY_CELL_CYCLE_PHASE,
    STROMA_KEY_CELL_CYCLE_PHASE_KINDS,
    STROMA_KEY_CELL_CYCLE_PHASE_KIND,
    STROMA_KEY_CELL_CYCLE_ASYM,
    STROMA_KEY_CELL_CYCLE_ASYM_TYPE,
    STROMA_KEY_CELL_DEATH,
    STROMA_KEY_CELL_APOPTOSIS,
    STROMA_KEY_CELL_APOPTOSIS_RATE,
    STROMA_KEY_CELL_APOPTOSIS_DURATION,
    STROMA_KEY_CELL_APOPTOSIS_TIMING,
    STROMA_KEY_CELL_NECROSIS,
    STROMA_KEY_CELL_NECROSIS_SUBSTRATE,
    STROMA_KEY_CELL_NECROSIS_THRESHOLD,
    STROMA_KEY_CELL_NECROSIS_CRITICAL,
    STROMA_KEY_CELL_NECROSIS_RATE,
    STROMA_KEY_CELL_NECROSIS_DURATION,
    STROMA_KEY_CELL_NECROSIS_TIMING,
    STROMA_KEY_CELL_DAMAGE,
    STROMA_KEY_CELL_DAMAGE_RATE,
    STROMA_KEY_CELL_DAMAGE_REPAIR,
    STROMA_KEY_CELL_MECHANICS,
    STROMA_KEY_CELL_REPULSION,
    STROMA_KEY_CELL_ADHESION,
    STROMA_KEY_CELL_ADHESION_DISTANCE,
    STROMA_KEY_CELL_AFFINITY,
    STROMA_KEY_CELL_AFFINITY_TYPE,
    STROMA_KEY_CELL_MOTILITY,
    STROMA_KEY_CELL_SPEED,
    STROMA_KEY_CELL_PERSISTENCE,
    STROMA_KEY_CELL_BIAS,
    STROMA_KEY_CELL_CHEMOTAXIS,
    STROMA_KEY_CELL_CHEMOTAXIS_SUBSTRATE,
    STROMA_KEY_CELL_CHEMOTAXIS_DIRECTION,
    STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITIES,
    STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITY,
    STROMA_KEY_CELL_CHEMOTAXIS_NORMALIZE,
    STROMA_KEY_CELL_SECRETION,
    STROMA_KEY_CELL_SECRETION_SUBSTRATE,
    STROMA_KEY_CELL_SECRETION_RATE,
    STROMA_KEY_CELL_SECRETION_SATURATION,
    STROMA_KEY_CELL_SECRETION_UPTAKE,
    STROMA_KEY_CELL_SECRETION_EXPORT,
    STROMA_KEY_CELL_INTERACTIONS,
    STROMA_KEY_CELL_ATTACK,
    STROMA_KEY_CELL_ATTACK_TYPE,
    STROMA_KEY_CELL_ATTACH_DURATION,
    STROMA_KEY_CELL_KILL_RATE,
    STROMA_KEY_CELL_ATTACK_DAMAGE,
    STROMA_KEY_CELL_PHAGOCYTOSIS,
    STROMA_KEY_CELL_PHAGOCYTOSIS_TYPE,
    STROMA_KEY_CELL_PHAGOCYTOSIS_APOPTOTIC,
    STROMA_KEY_CELL_PHAGOCYTOSIS_NECROTIC,
    STROMA_KEY_CELL_CONTACT_TRANSFORMS,
    STROMA_KEY_CELL_CONTACT_TRANSFORM,
    STROMA_KEY_CELL_CONTACT_WITH,
    STROMA_KEY_CELL_CONTACT_TO,
    STROMA_KEY_CELL_CONTACT_RATE,
    STROMA_KEY_CELL_TRANSFORM,
    STROMA_KEY_CELL_TRANSFORM_TYPE,
    STROMA_KEY_INITIAL_CELLS,
    STROMA_KEY_INITIAL,
    STROMA_KEY_INITIAL_TYPE,
    STROMA_KEY_INITIAL_COUNT,
    STROMA_KEY_INITIAL_AT,
    STROMA_KEY_INITIAL_DISC,
    STROMA_KEY_INITIAL_DISC_CENTER,
    STROMA_KEY_INITIAL_DISC_RADIUS,
    STROMA_KEY_INITIAL_SPHERE,
    STROMA_KEY_INITIAL_SPHERE_CENTER,
    STROMA_KEY_INITIAL_SPHERE_RADIUS,
    STROMA_KEY_INITIAL_BOX,
    STROMA_KEY_INITIAL_BOX_LO,
    STROMA_KEY_INITIAL_BOX_HI,
    STROMA_KEY_INITIAL_ANNULUS,
    STROMA_KEY_INITIAL_ANNULUS_CENTER,
    STROMA_KEY_INITIAL_ANNULUS_INNER,
    STROMA_KEY_INITIAL_ANNULUS_OUTER,
    STROMA_KEY_INITIAL_FILE,
    STROMA_KEY_INITIAL_CYCLE_START,
    STROMA_KEY_STATE_VARIABLES,
    STROMA_KEY_STATE_VARIABLE,
    STROMA_KEY_STATE_INITIAL, /* initial, production, decay and their entries stay in this order */
    STROMA_KEY_STATE_INITIAL_TYPE,
    STROMA_KEY_STATE_PRODUCTION,
    STROMA_KEY_STATE_PRODUCTION_TYPE,
    STROMA_KEY_STATE_DECAY,
    STROMA_KEY_STATE_DECAY_TYPE,
    STROMA_KEY_RULES_LAW,
    STROMA_KEY_DEAD_UPTAKE_FRACTION,
    STROMA_KEY_CONTACT_LAW,
    STROMA_KEY_SECRETION_ORDER,
    STROMA_KEY_RULES,
    STROMA_KEY_RULE,
    STROMA_KEY_RULE_TYPE, /* the inline keys stay consecutive, from type to apply_to_dead */
    STROMA_KEY_RULE_SIGNAL,
    STROMA_KEY_RULE_DIRECTION,
    STROMA_KEY_RULE_BEHAVIOUR,
    STROMA_KEY_RULE_BEHAVIOR,
    STROMA_KEY_RULE_SATURATION,
    STROMA_KEY_RULE_HALF_MAX,
    STROMA_KEY_RULE_HILL,
    STROMA_KEY_RULE_APPLY_TO_DEAD,
    STROMA_KEY_RULE_FILE,
    STROMA_KEY_OUTPUTS,
    STROMA_KEY_OUTPUTS_EVERY,
    STROMA_KEY_OUTPUTS_FIELDS,
    STROMA_KEY_OUTPUTS_CELLS,
    STROMA_KEY_OUTPUTS_IMAGES,
    STROMA_KEY_OUTPUTS_IMAGES_FIELD,
    STROMA_KEY_OUTPUTS_IMAGES_EVERY,
    STROMA_KEY_OUTPUTS_IMAGES_SIZE,
    STROMA_KEY_OUTPUTS_IMAGES_RANGE,
    STROMA_KEY_OUTPUTS_IMAGES_MARKER, /* the readout rows stay consecutive, from OUTPUTS_IMAGES_MARKER to
                                         NICHE_CARGO, and the two index maps in the same order (load_markers.c) */
    STROMA_KEY_MARKERS,
    STROMA_KEY_MARKER,
    STROMA_KEY_MARKER_TYPES,
    STROMA_KEY_MARKER_TYPE,
    STROMA_KEY_MARKER_SIGNAL, /* signal, behaviour, above, below: in this order here and in MARKER_COND_* */
    STROMA_KEY_MARKER_BEHAVIOUR,
    STROMA_KEY_MARKER_ABOVE,
    STROMA_KEY_MARKER_BELOW,
    STROMA_KEY_MARKER_ALL,
    STROMA_KEY_MARKER_COND,
    STROMA_KEY_MARKER_COND_SIGNAL,
    STROMA_KEY_MARKER_COND_BEHAVIOUR,
    STROMA_KEY_MARKER_COND_ABOVE,
    STROMA_KEY_MARKER_COND_BELOW,
    STROMA_KEY_POPULATIONS,
    STROMA_KEY_POPULATION,
    STROMA_KEY_POPULATION_TYPE,
    STROMA_KEY_TISSUE,
    STROMA_KEY_TISSUE_TUMOUR,
    STROMA_KEY_TISSUE_TUMOUR_TYPE,
    STROMA_KEY_TISSUE_CD8,
    STROMA_KEY_TISSUE_CD8_TYPE,
    STROMA_KEY_TISSUE_OXYGEN,
    STROMA_KEY_TISSUE_COVERAGE,
    STROMA_KEY_TISSUE_SMOOTHING,
    STROMA_KEY_TISSUE_MARGIN,
    STROMA_KEY_INDICES,
    STROMA_KEY_INDICES_CACHEXIA,
    STROMA_KEY_CACHEXIA_TERM,
    STROMA_KEY_CACHEXIA_HALF_MAX,
    STROMA_KEY_CACHEXIA_HILL,
    STROMA_KEY_CACHEXIA_WEIGHT,
    STROMA_KEY_CACHEXIA_CARGO,
    STROMA_KEY_INDICES_NICHE,
    STROMA_KEY_NICHE_TERM,
    STROMA_KEY_NICHE_HALF_MAX,
    STROMA_KEY_NICHE_HILL,
    STROMA_KEY_NICHE_WEIGHT,
    STROMA_KEY_NICHE_CARGO,
    STROMA_KEY_ECM, /* the ecm rows stay consecutive, from ECM to ECM_EVERY (load_ecm.c) */
    STROMA_KEY_ECM_INITIAL,
    STROMA_KEY_ECM_MAX_DENSITY,
    STROMA_KEY_ECM_REGIONS,
    STROMA_KEY_ECM_REGION,
    STROMA_KEY_ECM_REGION_DENSITY,
    STROMA_KEY_ECM_REGION_BOX,
    STROMA_KEY_ECM_REGION_BOX_LO,
    STROMA_KEY_ECM_REGION_BOX_HI,
    STROMA_KEY_ECM_REGION_DISC,
    STROMA_KEY_ECM_REGION_DISC_CENTER,
    STROMA_KEY_ECM_REGION_DISC_RADIUS,
    STROMA_KEY_ECM_REGION_ANNULUS,
    STROMA_KEY_ECM_REGION_ANNULUS_CENTER,
    STROMA_KEY_ECM_REGION_ANNULUS_INNER,
    STROMA_KEY_ECM_REGION_ANNULUS_OUTER,
    STROMA_KEY_ECM_REGION_SPHERE,
    STROMA_KEY_ECM_REGION_SPHERE_CENTER,
    STROMA_KEY_ECM_REGION_SPHERE_RADIUS,
    STROMA_KEY_ECM_DEPOSITION,
    STROMA_KEY_ECM_DEPOSITION_TYPE,
    STROMA_KEY_ECM_MIGRATION,
    STROMA_KEY_ECM_MIGRATION_TYPE,
    STROMA_KEY_ECM_HINDRANCE,
    STROMA_KEY_ECM_HINDRANCE_SUBSTRATE,
    STROMA_KEY_ECM_DEGRADATION,
    STROMA_KEY_ECM_DEGRADATION_SUBSTRATE,
    STROMA_KEY_ECM_DEGRADATION_RATE,
    STROMA_KEY_ECM_DEGRADATION_HALF_MAX,
    STROMA_KEY_ECM_EVERY,
    STROMA_KEY_RECRUITMENT, /* the recruitment rows stay consecutive, from RECRUITMENT to RECRUIT_MAX_CELLS
                               (load_recruitment.c) */
    STROMA_KEY_RECRUIT,
    STROMA_KEY_RECRUIT_RATE,
    STROMA_KEY_RECRUIT_SIGNAL,
    STROMA_KEY_RECRUIT_HALF_MAX,
    STROMA_KEY_RECRUIT_HILL,
    STROMA_KEY_RECRUIT_BASAL,
    STROMA_KEY_RECRUIT_MAX_CELLS,
    STROMA_KEY_VESSELS, /* the body rows stay consecutive, from VESSELS to SYSTEMIC_DRAINAGE (load_body.c) */
    STROMA_KEY_VESSELS_CAPILLARY_RADIUS,
    STROMA_KEY_VESSELS_MAX_DENSITY,
    STROMA_KEY_VESSELS_INITIAL,
    STROMA_KEY_VESSELS_UNIFORM,
    STROMA_KEY_VESSELS_RANDOM,
    STROMA_KEY_VESSELS_RANDOM_FRACTION,
    STROMA_KEY_VESSELS_RANDOM_DENSITY,
    STROMA_KEY_VESSELS_SEGMENTS,
    STROMA_KEY_VESSELS_SEGMENT,
    STROMA_KEY_VESSELS_SEGMENT_FROM,
    STROMA_KEY_VESSELS_SEGMENT_TO,
    STROMA_KEY_VESSELS_SEGMENT_RADIUS,
    STROMA_KEY_VESSELS_SEGMENT_DENSITY,
    STROMA_KEY_VESSELS_FILE,
    STROMA_KEY_VESSELS_ANGIOGENESIS,
    STROMA_KEY_VESSELS_ANGIO_SUBSTRATE,
    STROMA_KEY_VESSELS_ANGIO_RATE,
    STROMA_KEY_VESSELS_ANGIO_HALF_MAX,
    STROMA_KEY_VESSELS_ANGIO_HILL,
    STROMA_KEY_VESSELS_REGRESSION,
    STROMA_KEY_VESSELS_REGRESS_RATE,
    STROMA_KEY_VESSELS_REGRESS_SURVIVAL_HALF_MAX,
    STROMA_KEY_VESSELS_REGRESS_HILL,
    STROMA_KEY_VESSELS_REGRESS_PRESSURE_RATE,
    STROMA_KEY_VESSELS_REGRESS_PRESSURE_HALF_MAX,
    STROMA_KEY_VESSELS_REGRESS_PRESSURE_HILL,
    STROMA_KEY_VESSELS_EVERY,
    STROMA_KEY_VESSELS_OXYGEN,
    STROMA_KEY_VESSELS_OXYGEN_SUBSTRATE,
    STROMA_KEY_VESSELS_OXYGEN_BLOOD,
    STROMA_KEY_VESSELS_PERMEABILITY,
    STROMA_KEY_VESSELS_PERMEABILITY_SUBSTRATE,
    STROMA_KEY_BODY,
    STROMA_KEY_BODY_PLASMA_VOLUME,
    STROMA_KEY_BODY_TUMOUR_VOLUME,
    STROMA_KEY_BODY_DT,
    STROMA_KEY_BODY_SYSTEMIC,
    STROMA_KEY_SYSTEMIC,
    STROMA_KEY_SYSTEMIC_UNIT,
    STROMA_KEY_SYSTEMIC_CONVERSION,
    STROMA_KEY_SYSTEMIC_HALF_LIFE,
    STROMA_KEY_SYSTEMIC_BASELINE,
    STROMA_KEY_SYSTEMIC_DRAINAGE,
    STROMA_KEY_VESICLES, /* the vesicle rows stay consecutive, from VESICLES to VESICLE_UPTAKE_HALF_MAX
                            (load_vesicles.c) */
    STROMA_KEY_VESICLE,
    STROMA_KEY_VESICLE_DIAMETER,
    STROMA_KEY_VESICLE_DIFFUSION,
    STROMA_KEY_VESICLE_TISSUE_FACTOR,
    STROMA_KEY_VESICLE_DECAY,
    STROMA_KEY_VESICLE_INITIAL,
    STROMA_KEY_VESICLE_BOUNDARY,
    STROMA_KEY_VESICLE_BOUNDARY_X_MIN, /* the six faces stay consecutive, in STROMA_FACE_* order */
    STROMA_KEY_VESICLE_BOUNDARY_X_MAX,
    STROMA_KEY_VESICLE_BOUNDARY_Y_MIN,
    STROMA_KEY_VESICLE_BOUNDARY_Y_MAX,
    STROMA_KEY_VESICLE_BOUNDARY_Z_MIN,
    STROMA_KEY_VESICLE_BOUNDARY_Z_MAX,
    STROMA_KEY_VESICLE_CARGO,
    STROMA_KEY_VESICLE_CARGO_VARIABLE,
    STROMA_KEY_VESICLE_RELEASE,
    STROMA_KEY_VESICLE_RELEASE_TYPE,
    STROMA_KEY_VESICLE_UPTAKE,
    STROMA_KEY_VESICLE_UPTAKE_TYPE,
    STROMA_KEY_VESICLE_UPTAKE_RATE,
    STROMA_KEY_VESICLE_UPTAKE_HALF_MAX,
    STROMA_KEY_COUNT
} stroma_key_id;

typedef enum stroma_schema_type {
    STROMA_SCHEMA_MAP,       /* mapping; its keys are the child rows */
    STROMA_SCHEMA_NAMED_MAP, /* mapping from user-chosen names to items described by the one child row */
    STROMA_SCHEMA_LIST,      /* sequence of items described by the one child row (path ending "[]") */
    STROMA_SCHEMA_NUMBER,    /* finite real number, written plain (a quoted "5" is a string) */
    STROMA_SCHEMA_INTEGER,   /* integer within [lower, upper] (both given) */
    STROMA_SCHEMA_UINT64,    /* integer in [0, 2^64 - 1] */
    STROMA_SCHEMA_STRING,    /* free text, at most max_len bytes */
    STROMA_SCHEMA_NAME,      /* a name that must refer to something defined elsewhere in the file */
    STROMA_SCHEMA_POINT,     /* [x, y, z], three numbers */
    STROMA_SCHEMA_INTERVAL,  /* [lo, hi], two numbers with hi > lo */
    STROMA_SCHEMA_WORDS,     /* list of words taken from `choices` */
    STROMA_SCHEMA_CHOICE     /* one word taken from `choices`; stored as its index (0 = first word) */
} stroma_schema_type;

typedef enum stroma_schema_need {
    STROMA_NEED_REQUIRED,
    STROMA_NEED_OPTIONAL,   /* absent: default_text describes what happens; has_default applies default_value */
    STROMA_NEED_CONDITIONAL /* required or forbidden depending on other keys (need_text); checked in load*.c */
} stroma_schema_need;

typedef enum stroma_schema_bound {
    STROMA_BOUND_NONE,
    STROMA_BOUND_INCLUSIVE, /* >= lower / <= upper */
    STROMA_BOUND_EXCLUSIVE  /* > lower / < upper */
} stroma_schema_bound;

typedef struct stroma_schema_key {
    const char *path;               /* see the design notes */
    stroma_schema_type type;
    const char *unit;               /* "" if dimensionless or not a number */
    stroma_schema_need need;
    const char *need_text;          /* CONDITIONAL: when the key is required or allowed */
    const char *default_text;       /* OPTIONAL: what an absent key means, for the manual and messages */
    int has_default;                /* 1: an absent key takes default_value (numbers) or "" (strings) */
    double default_value;
    stroma_schema_bound lower, upper;
    double lower_value, upper_value;
    size_t max_len;                 /* STRING, NAME and NAMED_MAP entry names: maximum length in bytes */
    int min_items;                  /* NAMED_MAP, LIST: fewest entries allowed */
    int max_items;                  /* NAMED_MAP, LIST: most entries allowed (0 = no limit) */
    const char *choices;            /* WORDS, CHOICE: allowed words, space-separated */
    const char *doc;                /* one line for the manual */
} stroma_schema_key;

/* The table, indexed by stroma_key_id. */
extern const stroma_schema_key stroma_schema_keys[STROMA_KEY_COUNT];

/* Id of the row that contains `id` (-1 for a top-level key). */
int stroma_schema_parent(int id);

/* Id of the row for key[0..len) inside the row `parent` (-1 = top level), or -1 if there is none. For a
 * NAMED_MAP or LIST parent the item row is returned whatever the key. */
int stroma_schema_child(int parent, const char *key, size_t len);

/* The key a row is written as in a file: the last segment of its path ("diffusion"); "" for item rows. */
const char *stroma_schema_key_name(int id);

/* Human name of a type, e.g. "number", "[x, y, z]". */
const char *stroma_schema_type_name(stroma_schema_type type);

/* Valid names of user-chosen entries (substrates, cell types): [A-Za-z_][A-Za-z0-9_.-]*, at most
 * STROMA_NAME_MAX - 1 bytes. */
int stroma_schema_valid_name(const char *s, size_t len);

/* A complete, valid example model (used by the manual and tested to load). */
extern const char stroma_schema_example[];

/* Write the model-file reference manual (Markdown) generated from the table into buf (NUL-terminated,
 * truncated to cap; buf may be NULL when cap is 0). Returns the length it wanted to write, excluding the NUL. */
size_t stroma_model_reference_markdown(char *buf, size_t cap);

#endif
