/* Therapies in the model description (the `therapies:` section): drugs with a plasma pharmacokinetic model,
 * dosing regimens, the substrate that carries each drug in the tissue, and the mechanisms by which the local
 * (tissue) drug level acts. Plain data filled by the loader (load_therapy.c), read by therapy/. Every value is
 * stored in the simulator's units (min, L, L/min, mg); the file's label units (days, L/day) are converted once,
 * by the loader. Units on every field. */
#ifndef STROMA_MODEL_THERAPY_H
#define STROMA_MODEL_THERAPY_H

/* Included by model/model.h (after stroma_srcloc); include that instead. */

/* Routes, in the order of the schema's choices (and of body/pk.h's stroma_pk_route). */
enum { STROMA_ROUTE_BOLUS, STROMA_ROUTE_INFUSION, STROMA_ROUTE_SUBCUTANEOUS };

/* A regimen: `cycles` doses every interval_min from start_min. */
typedef struct stroma_regimen_desc {
    int route;                 /* STROMA_ROUTE_* */
    double start_min;          /* >= 0, min from the start of the run */
    double dose;               /* > 0: mg, or mg/kg when per_kg */
    int per_kg;                /* 1: dose is mg/kg of therapies.body_weight */
    double interval_min;       /* > 0 (0 with one cycle) */
    int cycles;                /* >= 1 */
    double duration_min;       /* infusion length (> 0 for infusions, 0 otherwise) */
    stroma_srcloc loc;         /* the list item */
} stroma_regimen_desc;

/* Occupancy law of a mechanism: occ = C / (C + ec50), C the drug's tissue value in the cell's (or voxel's)
 * voxel, substrate unit of the drug. */

/* neutralise: the drug binds a factor in the tissue: d(factor)/dt = -k_on x C_drug x factor (a binding sink,
 * taken implicitly at each diffusion step). */
typedef struct stroma_neutralise_desc {
    int substrate;             /* the factor (index into substrates), -1: none */
    double k_on;               /* > 0, 1/min per (drug substrate unit) */
    stroma_srcloc loc;
} stroma_neutralise_desc;

/* block_receptor: the rules see signal x (1 - occ) for a substrate signal. */
typedef struct stroma_block_desc {
    int substrate;             /* the signal's substrate, -1: none */
    double ec50;               /* > 0, drug substrate unit */
    stroma_srcloc loc;
} stroma_block_desc;

/* inhibit: a behaviour of a type x (1 - occ) in live cells, each phenotype step. */
typedef struct stroma_inhibit_desc {
    int type;                  /* cell type, -1: none */
    int behaviour;             /* index into the model's rule tables' behaviours, -1: none */
    double ec50;               /* > 0, drug substrate unit */
    stroma_srcloc loc;
} stroma_inhibit_desc;

/* checkpoint_blockade: the rules see "<ligand> in contact" x (1 - occ), ligand a state variable (PD_L1). */
typedef struct stroma_checkpoint_desc {
    int ligand;                /* state variable index, -1: none */
    double ec50;               /* > 0, drug substrate unit */
    stroma_srcloc loc;
} stroma_checkpoint_desc;

/* block_release: a cell's release of a vesicle class x (1 - occ). */
typedef struct stroma_block_release_desc {
    int substrate;             /* the class's field (index into substrates), -1: none */
    double ec50;               /* > 0, drug substrate unit */
    stroma_srcloc loc;
} stroma_block_release_desc;

/* deplete: a death (apoptosis) hazard rate x occ added to the live cells of a type. */
typedef struct stroma_deplete_desc {
    int type;                  /* cell type, -1: none */
    double rate_per_min;       /* >= 0: hazard at full occupancy */
    double ec50;               /* > 0, drug substrate unit */
    stroma_srcloc loc;
} stroma_deplete_desc;

/* cytotoxic: chemotherapy; a live cell of type k dies (apoptosis) with hazard
 *   rate x weight[k] x occ / (1 + resistance),
 * resistance = the cell's state variable `resistance` (>= 0; 0 when none is named), which rules (CAF- or
 * exosome-driven) can raise. */
typedef struct stroma_cytotoxic_desc {
    int present;
    double rate_per_min;       /* >= 0: hazard at full occupancy and no resistance */
    double ec50;               /* > 0, drug substrate unit */
    int resistance;            /* state variable index, -1: none */
    double *weight;            /* [ntypes] >= 0 relative sensitivity of each type; owned (NULL: 1 for every type) */
    stroma_srcloc loc;
} stroma_cytotoxic_desc;

typedef struct stroma_drug_desc {
    char name[64];
    /* plasma pharmacokinetics (body/pk.h's stroma_pk_params) */
    int compartments;          /* 1 or 2 */
    double vc_l;               /* central volume, L */
    double vp_l;               /* peripheral volume, L (2 compartments) */
    double cl_l_per_min;       /* clearance, L/min (given, or ln 2 Vc / half-life) */
    double q_l_per_min;        /* intercompartmental clearance, L/min (2 compartments) */
    double ka_per_min;         /* absorption from the s.c. depot, 1/min (0: none) */
    double bioavailability;    /* (0, 1] of an s.c. dose */
    int nregimens;
    stroma_regimen_desc *regimens; /* [nregimens], owned, in file order */
    /* the tissue */
    int substrate;             /* the field that carries the drug in the tissue (index into substrates), -1: the
                                  drug has a plasma level only */
    double conversion;         /* > 0: blood value of the substrate = conversion x plasma mg/L (substrate unit) */
    stroma_neutralise_desc neutralise;
    stroma_block_desc block;
    stroma_checkpoint_desc checkpoint;
    stroma_block_release_desc block_release;
    stroma_deplete_desc deplete;
    stroma_inhibit_desc inhibit;
    stroma_cytotoxic_desc cytotoxic;
    stroma_srcloc loc;         /* the drug's name */
} stroma_drug_desc;

/* Radiotherapy: fractions of dose_gy at start_min + k interval_min. A live cell of type k survives a fraction with
 * probability exp(-(alpha[k] OMF D + beta[k] OMF² D²) / (1 + resistance)), OMF = (oer pO2 + K) / (oer (pO2 + K)). */
typedef struct stroma_radiotherapy_desc {
    int present;
    double start_min;          /* >= 0 */
    double dose_gy;            /* > 0 */
    double interval_min;       /* > 0 with several fractions */
    int fractions;             /* >= 1 */
    double *alpha;             /* [ntypes] 1/Gy, owned; 0 for types not listed */
    double *beta;              /* [ntypes] 1/Gy², owned */
    int oxygen;                /* substrate (mmHg), -1: OMF 1 */
    double oer;                /* >= 1 */
    double oxygen_half_mmhg;   /* K > 0 */
    int resistance;            /* state variable, -1: none */
    stroma_srcloc loc;
} stroma_radiotherapy_desc;

/* A cell infusion: `cells` cells of `type` enter through the vessel walls at time_min. */
typedef struct stroma_infusion_desc {
    int type;                  /* cell type */
    double time_min;           /* >= 0 */
    int cells;                 /* >= 1 */
    stroma_srcloc loc;
} stroma_infusion_desc;

typedef struct stroma_therapies_desc {
    int present;               /* the model has a `therapies:` section with drugs or radiotherapy */
    double body_weight_kg;     /* > 0 (needed by mg/kg doses) */
    int ndrugs;
    stroma_drug_desc *drugs;   /* [ndrugs], owned, in file order */
    stroma_radiotherapy_desc radiotherapy;
    int ninfusions;
    stroma_infusion_desc *infusions; /* [ninfusions], owned, in file order */
    stroma_srcloc loc;
} stroma_therapies_desc;

#endif
