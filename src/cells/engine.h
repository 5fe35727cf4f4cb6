/* The cell engine: owns the cell store and the neighbour grid and runs the three cell clocks that the
 * simulation loop calls — secretion/uptake every diffusion step, mechanics (motility, forces, positions) every
 * dt_mechanics, phenotype (volume, cycle, death, division, contact interactions, transformations, removal)
 * every dt_phenotype. Parallel phases write per-cell slots; births, deaths and type changes are applied
 * afterwards in id order; every random draw is keyed by (seed, cell id, step, purpose). */
#ifndef STROMA_CELLS_ENGINE_H
#define STROMA_CELLS_ENGINE_H

#include <stdint.h>

#include "cells/cells.h"
#include "cells/grid.h"
#include "cells/mechanics.h"
#include "cells/rules.h"
#include "model/celltypes.h"
#include "transport/transport.h"
#include "util/rng.h"

/* Most stretches the mechanics step splits its cells into (one per thread). */
#define STROMA_MECH_MAX_SPLIT 64

/* A per-cell decision of the phenotype step, applied serially in id order. */
enum stroma_cell_action {
    STROMA_ACT_NONE = 0,
    STROMA_ACT_DIVIDE,
    STROMA_ACT_APOPTOSIS,
    STROMA_ACT_NECROSIS,
    STROMA_ACT_TRANSFORM, /* to action_arg */
    STROMA_ACT_REMOVE     /* dead cell whose time is up */
};

/* What a drug's occupancy scales (stroma_cell_engine.drug_seen): a substrate signal of the rules (receptor
 * blockade; arg = substrate), a "<variable> in contact" signal (checkpoint blockade; arg = state variable), the
 * release of a vesicle class (arg = the class's substrate), a behaviour of a type (inhibition). */
enum { STROMA_DRUG_SEEN_SUBSTRATE, STROMA_DRUG_SEEN_CONTACT_STATE, STROMA_DRUG_SEEN_RELEASE,
       STROMA_DRUG_SEEN_BEHAVIOUR /* an inhibited behaviour; arg = type x (rule tables' behaviours) + behaviour */ };

/* A contact decision: attach to / kill / engulf / be transformed by the cell with id `other`. */
enum stroma_contact_action {
    STROMA_CONTACT_NONE = 0,
    STROMA_CONTACT_ATTACH,
    STROMA_CONTACT_KILL,
    STROMA_CONTACT_DETACH,
    STROMA_CONTACT_PHAGOCYTOSE,
    STROMA_CONTACT_TRANSFORM /* self becomes action_arg on contact */
};

/* One generation of the cells' order by voxel, with the voxel maps composed from it. */
typedef struct stroma_sec_order {
    size_t *order;              /* [n] cell indices by (voxel, index) */
    size_t *start, *voxels;     /* the cells of the v-th voxel holding cells (voxels[v]) are
                                   order[start[v] .. start[v + 1]) */
    double *alpha, *beta;       /* [nvox * nsub]: that voxel's map c <- alpha c + beta */
    unsigned char *exact;       /* [nvox]: 1 = cell by cell instead (net import could reach the zero clamp) */
    uint32_t *stamp;            /* [nvox]: == gen once the map is composed */
    size_t nvox, cap_vox, cap_cells;
    uint32_t gen;               /* 0 = never sorted */
    uint64_t rates;             /* the engine's rates_epoch when sorted */
    double dt;                  /* the dt the maps are composed for */
    size_t nfixed;              /* the transport's fixed voxels then */
} stroma_sec_order;

typedef struct stroma_cell_counters {
    int64_t births, apoptoses, necroses, kills, phagocytoses, transformations, removals;
} stroma_cell_counters;

typedef struct stroma_cell_engine {
    stroma_cells cells;
    stroma_cell_grid grid;
    const stroma_cell_type_desc *types; /* borrowed from the model */
    int ntypes;
    int nsub;
    stroma_mech_domain dom;
    stroma_mech_pairs pairs;    /* per type-pair mechanics constants */
    stroma_rng_key rng;
    int64_t mech_step, phen_step;
    int grid_stale;             /* positions moved since the grid was built */
    /* scratch, grown with the store */
    size_t scratch_cap;
    uint8_t *action;
    int32_t *action_arg;
    uint8_t *contact;
    int64_t *contact_other;
    double *contact_min;        /* minutes the cell stayed attached during the step (damage delivered) */
    int64_t *contact_new;       /* contact_law physicell: id of the cell an attack starts on this step, -1 */
    double *adh_scale, *rep_scale; /* per cell, when rules set cell-cell adhesion / repulsion (mechanics) */
    unsigned char *keep;
    double *contact_state;      /* [n * rules->ncontact_vars] "<variable> in contact" sums of the phenotype step */
    size_t contact_state_cap;   /* doubles allocated there */
    size_t *voxel;              /* voxel of each cell, refreshed after mechanics */
    uint32_t *mech_cost;        /* neighbour candidates each cell scanned at the last mechanics step */
    size_t mech_cost_n;         /* cells mech_cost describes (0: none; the cells changed since) */
    int vox_fresh;              /* voxel[] holds the voxels of the current positions of vox_n cells (set by
                                   mechanics, cleared by anything that moves, adds or removes cells) */
    size_t vox_n;
    size_t *sec_count;          /* [nvox] counting-sort buckets */
    size_t sec_cap_count;
    int sec_stale;              /* cells moved or changed since the cells were ordered by voxel */
    uint64_t rates_epoch;       /* bumped whenever cells' volumes or exchange rates may have changed */
    /* the cells ordered by voxel and the composed voxel maps (see stroma_cell_engine_secrete), and the previous
     * generation, whose maps are kept for voxels that hold the same cells with the same rates */
    stroma_sec_order sec, sec_prev;
    stroma_cell_counters counters;
    const stroma_rules_engine *rules; /* borrowed; NULL = no rules */
    double dead_uptake_fraction;      /* share of its uptake rates a cell keeps at death (the model's; 0 after
                                         init) */
    int contact_law;                  /* 0: contacts decided at phenotype steps; 1: PhysiCell's, at mechanics
                                         steps (the model's `contact_law`; 0 after init) */
    /* the body, as rules read it (set by sim/ when the model has them; borrowed, updated in place) */
    const double *vessel_density;     /* [nvox] vessel volume fraction per voxel, or NULL */
    const double *plasma;             /* [nsystemic] plasma values (clinical unit), or NULL */
    const double *ecm;                /* [nvox] ECM density (mg/mL), or NULL */
    const double *ecm_migration;      /* [ntypes] migration sensitivity to ECM (speed / (1 + m E)), or NULL */
    /* drugs (therapy/, set by sim/ when the model has them; NULL: none): drug_hazard gives cell i's extra
     * apoptosis hazard (1/min), added to its apoptosis rate at phenotype steps; drug_seen the factor (1 - a drug's
     * occupancy at p) applied to what a cell at p sees or does: `what` is a STROMA_DRUG_SEEN_* and arg its
     * substrate or state variable. Both read-only, called from parallel phases with drug_ctx. */
    const void *drug_ctx;
    double (*drug_hazard)(const void *ctx, const struct stroma_cell_engine *e, const stroma_transport *t, size_t i);
    double (*drug_seen)(const void *ctx, const stroma_transport *t, const double p_um[3], int what, int arg);
    /* A diagnostic for the run's warnings, not state (not checkpointed): the largest share of a type's live cells
     * that divided in one phenotype step so far in this process, and that type's live count before that step
     * (only types with at least STROMA_BURST_MIN_CELLS live cells count) */
    double burst_share;
    int64_t burst_cells;
    int burst_type;                   /* -1: none */
} stroma_cell_engine;

#define STROMA_BURST_MIN_CELLS 20

/* A cell's stored pressure on the scale the `pressure` rule signal reads (1 ~ confluent, as in PhysiCell). */
double stroma_cell_engine_pressure_signal(double pressure);

/* How packed the live cells are: their number, their mean pressure signal (0 without live cells), and how many
 * of them the domain's walls hold: a live cell compressed past confluence (pressure signal > 1) whose centre is
 * within its radius of a wall, so that the wall's repulsion holds it in — PhysiCell, without virtual walls,
 * lets such a cell leave the domain and removes it. From the stored state only (positions, radii, pressures). */
typedef struct stroma_packing {
    int64_t live;
    double mean_pressure;
    int64_t at_walls;
} stroma_packing;
stroma_packing stroma_cell_engine_packing(const stroma_cell_engine *e);

/* Attach a rules engine (borrowed; must outlive e) before any cell is added: gives each cell its state
 * variables and behaviour slots. */
stroma_code stroma_cell_engine_set_rules(stroma_cell_engine *e, const stroma_rules_engine *rules,
                                         stroma_error *err);

/* Set up an empty engine for `ntypes` types (borrowed) on the domain; nsub substrates. */
stroma_code stroma_cell_engine_init(stroma_cell_engine *e, const stroma_cell_type_desc *types, int ntypes,
                                    int nsub, const stroma_mech_domain *dom, stroma_rng_key rng,
                                    stroma_error *err);
void stroma_cell_engine_free(stroma_cell_engine *e);

/* Add a live cell of `type` at p with the type's volume and secretion, a cycle position drawn so that a
 * population started this way grows smoothly (stationary age distribution), and a migration direction.
 * t_min is the birth time. Returns the index or (size_t)-1. */
size_t stroma_cell_engine_add(stroma_cell_engine *e, int type, const double p_um[3], double t_min,
                              stroma_error *err);

/* Checkpoint: append the engine's state (clocks, event counters, every cell) to b; restore it from r into an
 * engine initialised for the same model (grids and secretion maps are rebuilt from the cells). The load
 * validates what it reads (a checkpoint is input): counters >= 0; every cell's type, state and phase in range,
 * position inside the domain, volumes, damage and times >= 0, attachment to an existing other cell; with
 * stroma_cells_load's checks (finite numbers, increasing ids). Anything else is STROMA_ERR_ARGUMENT naming the
 * cell. */
void stroma_cell_engine_save(const stroma_cell_engine *e, struct stroma_buf *b);
stroma_code stroma_cell_engine_load(stroma_cell_engine *e, struct stroma_reader *r, stroma_error *err);

/* The engine's checkpointed integers besides the cell store (clocks and event counters), from the one table
 * that save and load use; value points into e. Returns how many there are (may exceed cap). */
typedef struct stroma_engine_scalar {
    const char *name;
    int64_t *value;
} stroma_engine_scalar;
size_t stroma_cell_engine_scalars(stroma_cell_engine *e, stroma_engine_scalar *out, size_t cap);

/* Give cell i its own value of behaviour b (an index of the model's rule tables that has a rules slot): the
 * value stays until a rule of the cell's type acts on b or the cell changes type (initial cells' per-cell
 * columns). Secretion-family behaviours also set the cell's secretion arrays. */
void stroma_cell_engine_set_behaviour(stroma_cell_engine *e, size_t i, int b, double value);

/* Put cell i at the start of the first phase of its cycle (age in phase 0), as PhysiCell starts its cells. */
void stroma_cell_engine_synchronize(stroma_cell_engine *e, size_t i);

/* Apply every cell's secretion/uptake to the transport field for one diffusion step (a dead cell's rates are
 * zero unless rules marked apply_to_dead set them). Cells are grouped by voxel; each cell's implicit update
 * (stroma_transport_apply_source) is an affine map of the voxel value, so a voxel's cells, in id order, compose
 * to one map c <- alpha c + beta, composed at the first secretion after cells move or change and applied every
 * diffusion step (voxels in parallel when there are enough of them). Voxels where a net import could reach the
 * zero clamp are updated cell by cell. */
void stroma_cell_engine_secrete(stroma_cell_engine *e, stroma_transport *t);

/* The same in two parts, so the diffusion step can run it (stroma_prestep): prepare orders the cells by voxel
 * if they moved or changed (serial; returns 0 when out of memory: then nothing may be applied), and
 * secrete_range (engine: the stroma_cell_engine) applies the maps of voxels [v0, v1), composing each at its
 * first use; ranges may run concurrently on different threads. */
int stroma_cell_engine_secrete_prepare(stroma_cell_engine *e, const stroma_transport *t);

/* The cells' secretion and uptake as linear reactions for a solver that takes them inside its operator
 * (stroma_transport_reacts: adi), instead of stroma_cell_engine_secrete's maps: one entry per voxel holding cells,
 * in voxel order, rate k = sum over its cells (id order) of (V / Vvox) (S + U) and source s = sum of (V / Vvox) S T
 * + E / Vvox (per minute; the continuous form of stroma_transport_apply_source's update), zero for a fixed
 * substrate. *out borrows the engine's arrays until the cells next move or change. Returns 0 when out of memory
 * (*out is then empty). A run must use either this or the maps, not both. */
int stroma_cell_engine_rates(stroma_cell_engine *e, const stroma_transport *t, stroma_reaction *out);
void stroma_cell_engine_secrete_range(void *engine, stroma_transport *t, size_t v0, size_t v1);

/* Chemotactic bias direction at pos from several substrates (PhysiCell's advanced chemotaxis): the sum over
 * substrates of w_s x gradient of s (each gradient made a unit vector first when normalize_each; z ignored
 * when dim < 3), normalised, with w_s = beh_row[slot[s]] where slot (may be NULL) has a rules slot for s,
 * else sensitivity[s]. Returns 1, or 0 with dir zero when that sum vanishes. */
int stroma_chemotaxis_direction(const stroma_transport *t, const double pos[3], int dim, const double *sensitivity,
                                const int *slot, const double *beh_row, int normalize_each, double dir[3]);

/* One mechanics step of dt: update migration directions (persistence, chemotaxis), forces, positions. */
stroma_code stroma_cell_engine_mechanics(stroma_cell_engine *e, const stroma_transport *t, double dt_min,
                                         stroma_error *err);

/* One phenotype step of dt at time t_min: volume, cycle, death, contact interactions, transformation,
 * division, removal. */
stroma_code stroma_cell_engine_phenotype(stroma_cell_engine *e, const stroma_transport *t, double dt_min,
                                         double t_min, stroma_error *err);

/* The value of rule signal sg (an entry of the model's rule tables) in cell i at time t_min, as rules read it;
 * contact signals read 0 here (contacts are counted during the phenotype step only). For diagnostics at output
 * times (virtual immunohistochemistry); t may be NULL (substrate signals then read 0). */
double stroma_cell_engine_signal(const stroma_cell_engine *e, const stroma_transport *t, size_t i,
                                 const stroma_signal_entry *sg, double t_min);

/* Cell i's current value of behaviour b (an index of m's rule tables): its rules slot when b has one (rules
 * applied, per-cell values), else its type's base value (model/rules_tables.h). */
double stroma_cell_engine_behaviour(const stroma_cell_engine *e, const stroma_model *m, size_t i, int b);

/* Live cells of each type into counts[ntypes]; dead (apoptotic + necrotic) cells into *dead. */
void stroma_cell_engine_count(const stroma_cell_engine *e, int64_t *counts, int64_t *dead);

/* Set a cell's type and reset its per-cell behaviour (secretion, volume target) to the new type's. */
void stroma_cell_engine_set_type(stroma_cell_engine *e, size_t i, int type);

#endif
