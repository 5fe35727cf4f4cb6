/* The cell store: agents as structures of arrays with stable integer ids.
 *
 * Design notes
 * - Index order is id order. New cells (births) are appended with fresh, increasing ids; removals compact the
 *   arrays stably. So "for i in 0..n" visits cells in id order, which is the order in which every serial
 *   decision (births, deaths, transitions, contact outcomes) is applied.
 * - Parallel phases (mechanics, motility, sensing) compute per cell into per-cell slots (gather, never
 *   scatter); random draws are keyed by (seed, cell id, step, purpose), never by thread.
 * - Per-cell behaviour values that rules may change (rates, secretion) live here; per-type constants stay in
 *   the model's stroma_cell_type_desc. */
#ifndef STROMA_CELLS_CELLS_H
#define STROMA_CELLS_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "stroma/error.h"

enum stroma_cell_state {
    STROMA_CELL_LIVE = 0,
    STROMA_CELL_APOPTOTIC = 1,
    STROMA_CELL_NECROTIC = 2
};

typedef struct stroma_cells {
    size_t n, cap;
    int nsub;
    int nstate;               /* state variables per cell (rules) */
    int nbeh;                 /* rule-controlled behaviour slots per cell */
    int64_t next_id;
    /* identity */
    int64_t *id;
    int32_t *type;
    uint8_t *state;           /* stroma_cell_state */
    /* geometry, µm / µm³ */
    double *x, *y, *z;
    double *vx, *vy, *vz;     /* velocity this mechanics step, µm/min */
    double *pvx, *pvy, *pvz;  /* previous velocity (Adams-Bashforth 2) */
    double *mx, *my, *mz;     /* current migration velocity, µm/min */
    double *radius_um;
    double *volume_um3;
    double *target_volume_um3;
    double *pressure;         /* simple overlap pressure (dimensionless sum of (1 - d/R)^2) */
    /* cycle and death */
    int8_t *phase;            /* current cycle phase */
    double *phase_elapsed_min;
    double *dead_elapsed_min; /* time since death */
    double *birth_min;        /* simulated time of birth */
    /* contact */
    int64_t *attached_id;     /* id of the target this cell is attached to, -1 none */
    double *damage;
    double *damage_delivered; /* total damage this cell delivered as an attacker */
    double *attack_time_min;  /* total time this cell has been under attack */
    /* per-cell secretion, [n * nsub] each */
    double *secretion, *saturation, *uptake, *export_rate;
    /* rules: [n * nstate] state variables (svar), [n * nbeh] current values of rule-controlled behaviours */
    double *svar, *beh;
    /* PhysiCell's volume model: [n * nvol] parts (STROMA_VOL_*; nvol = 0 when no type uses it) */
    int nvol;
    double *vol;
} stroma_cells;

/* The volume parts of a cell (cells.vol, nvol = STROMA_VOL_N), in µm³: its volume is fluid + both solids. */
enum {
    STROMA_VOL_FLUID,         /* fluid (nuclear and cytoplasmic) */
    STROMA_VOL_NUCLEAR_SOLID,
    STROMA_VOL_CYTO_SOLID,
    STROMA_VOL_NUCLEAR,       /* nuclear total: splits the fluid between nucleus and cytoplasm */
    STROMA_VOL_TARGET_NUCLEAR_SOLID, /* target of the nuclear solid (the cytoplasmic one is the type's ratio x it) */
    STROMA_VOL_N
};

/* Set the number of volume parts per cell (0 or STROMA_VOL_N); only while the store is empty. */
stroma_code stroma_cells_set_volume_parts(stroma_cells *c, int nvol, stroma_error *err);

/* Set the number of state variables and behaviour slots per cell; only while the store is empty. */
stroma_code stroma_cells_set_extra(stroma_cells *c, int nstate, int nbeh, stroma_error *err);

/* Allocate an empty store for nsub substrates with room for `cap` cells. */
stroma_code stroma_cells_init(stroma_cells *c, int nsub, size_t cap, stroma_error *err);

/* Free every array; the struct is zeroed. Accepts an already freed store. */
void stroma_cells_free(stroma_cells *c);

/* Make room for at least `cap` cells (arrays may move: any pointer into them is invalidated). */
stroma_code stroma_cells_reserve(stroma_cells *c, size_t cap, stroma_error *err);

/* Append one live cell with a fresh id; every other field zeroed/defaulted. Returns its index, or (size_t)-1
 * on allocation failure (err set). */
size_t stroma_cells_append(stroma_cells *c, stroma_error *err);

/* Remove every cell whose keep[i] == 0, preserving the order of the others. */
void stroma_cells_compact(stroma_cells *c, const unsigned char *keep);

/* Bytes allocated per cell slot (all arrays), for the benchmark. */
size_t stroma_cells_bytes_per_cell(const stroma_cells *c);

struct stroma_buf;
struct stroma_reader;

/* Append the whole store (counts and every array, n cells) to b. */
void stroma_cells_save(const stroma_cells *c, struct stroma_buf *b);

/* Replace the store's cells by those read from r (written by stroma_cells_save for the same substrates,
 * state variables and rule slots; anything else is refused with *err). A checkpoint is input: every real
 * number must be finite and ids must increase and stay below next_id, or STROMA_ERR_ARGUMENT (the store is
 * left empty). Type-dependent checks are the engine's (stroma_cell_engine_load). */
stroma_code stroma_cells_load(stroma_cells *c, struct stroma_reader *r, stroma_error *err);

/* One per-cell array of the store, as listed by its single table of arrays (cells.c, STROMA_CELL_ARRAYS): that
 * table allocates, grows, compacts, saves and restores every array, so a field cannot be added without being
 * checkpointed. data is borrowed (valid until the store grows); per_cell elements of elem_size bytes per cell. */
typedef enum stroma_cell_kind {
    STROMA_CELL_F64,
    STROMA_CELL_I64,
    STROMA_CELL_I32,
    STROMA_CELL_U8,
    STROMA_CELL_I8
} stroma_cell_kind;

typedef struct stroma_cells_field {
    const char *name;
    void *data;
    size_t elem_size;
    size_t per_cell;
    stroma_cell_kind kind;
} stroma_cells_field;

/* List every per-cell array into out[0..cap); returns how many there are (may exceed cap). */
size_t stroma_cells_fields(const stroma_cells *c, stroma_cells_field *out, size_t cap);

/* Radius of a sphere of volume v. */
double stroma_sphere_radius(double volume_um3);

#endif
