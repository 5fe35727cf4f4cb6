/* The simulation state: owns every mutable thing (fields, sources, clock, RNG key) of one run of a model.
 * The model is borrowed and never modified. Later modules (cells, ECM, vessels, plasma, drugs) add their
 * state here and their work to stroma_sim_step in the order DESIGN.md gives. */
#ifndef STROMA_SIM_SIM_H
#define STROMA_SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "body/ecm.h"
#include "body/exchange.h"
#include "body/plasma.h"
#include "body/recruitment.h"
#include "body/vesicles.h"
#include "body/vessels.h"
#include "cells/engine.h"
#include "model/model.h"
#include "sim/checkpoint.h"
#include "sim/team.h"
#include "therapy/therapy.h"
#include "transport/transport.h"
#include "util/rng.h"

/* One placed point source (a desc expanded to its points). */
typedef struct stroma_source_point {
    size_t voxel;    /* linear voxel index */
    int desc;        /* index into model->sources */
    double pos_um[3];
} stroma_source_point;

struct stroma_sim {
    const stroma_model *model; /* borrowed */
    stroma_transport *transport;
    stroma_rng_key rng;
    int64_t step;              /* diffusion steps taken */
    int64_t end_step;          /* steps to reach model->end_min */
    double dt_min;
    size_t npoints;
    stroma_source_point *points;
    /* Per source desc, per substrate rate arrays (nsources x nsub each), so one call updates a voxel. */
    double *src_secretion, *src_saturation, *src_uptake, *src_export;
    /* The points as linear reactions for a solver that takes them inside its operator (adi): sorted by voxel,
     * placement order within a voxel; rate (S + U) V / Vvox and source S T V / Vvox + E / Vvox per substrate. */
    stroma_reaction src_rx;
    size_t *src_rx_voxel;
    double *src_rx_rate, *src_rx_source;
    /* cells: the engine exists when the model has cell types */
    int has_cells;
    stroma_cell_engine cells;
    int has_rules;
    stroma_rules_engine rules;
    int64_t mech_every;        /* diffusion steps per mechanics step */
    int64_t phen_every;        /* diffusion steps per phenotype step */
    /* the body (body/): vessels, exchange with blood and lymph, plasma */
    int has_vessels;
    stroma_vessels vessels;
    int64_t vessel_every;      /* diffusion steps per remodelling update */
    int has_body;
    stroma_plasma plasma;
    int64_t body_every;        /* diffusion steps per plasma update */
    int has_exchange;          /* exchange or drainage runs each diffusion step */
    stroma_exchange exchange;
    int vessel_dep_slot, vessel_prune_slot; /* rule slots of vessel deposition / pruning, -1 if none */
    /* the extracellular matrix (body/ecm.h) */
    int has_ecm;
    stroma_ecm ecm;
    int64_t ecm_every;         /* diffusion steps per matrix update */
    int ecm_dep_slot, ecm_deg_slot; /* rule slots of ECM deposition / degradation, -1 if none */
    /* extracellular vesicles (body/vesicles.h): release and uptake by cells, and their ledger */
    int has_vesicles;
    stroma_vesicles vesicles;
    /* cells recruited from the blood through the vessel walls (body/recruitment.h) */
    int has_recruitment;
    stroma_recruitment recruitment;
    /* drugs (therapy/therapy.h): plasma pharmacokinetics, blood values for the exchange, mechanisms */
    int has_therapy;
    stroma_therapy therapy;
    /* every module's checkpointable state (clock, transport, cells; the run adds its outputs) */
    stroma_state_registry state;
    /* threads: the run's count (--threads, OMP_NUM_THREADS or stroma_team_default_threads) and the team that
     * picks, window by window, whether steps use them all or one (sim/team.h) */
    int threads;
    stroma_team team;
};

/* RNG group ids for placement: sources use their index, initial cell groups this offset + their index. */
#define STROMA_PLACEMENT_CELLS_GROUP (UINT64_C(1) << 40)

/* Place the model's initial cells (deterministic in the seed). Called by stroma_sim_create. */
stroma_code stroma_sim_place_cells(stroma_sim *sim, stroma_error *err);

/* Place the model's sources (deterministic in the seed). Called by stroma_sim_create. */
stroma_code stroma_sim_place_sources(stroma_sim *sim, stroma_error *err);

/* Check that the state is made of finite numbers: every field value and each substrate's total over the domain
 * (what the outputs report), and every cell's position, radius, volume, pressure, damage and state variables.
 * Returns STROMA_OK, or STROMA_ERR_NOT_FINITE with a message naming the first bad substrate and voxel (index and
 * centre) or cell (id, type, quantity), how many are bad, and the time and step; `finite_at_min` (< 0: none) is
 * the time of the last check that passed, stated as the last time it was known finite. One pass over the fields
 * and the cells: meant for output and checkpoint times, not every step. */
stroma_code stroma_sim_check_finite(const stroma_sim *sim, double finite_at_min, stroma_error *err);

#endif
