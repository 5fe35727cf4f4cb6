/* Cell types and initial cells in the model description: plain data filled by the loader, read by cells/.
 * Per-type arrays indexed by substrate have model->nsub entries; those indexed by type have ncell_types. */
#ifndef STROMA_MODEL_CELLTYPES_H
#define STROMA_MODEL_CELLTYPES_H

#include "model/region.h"

#define STROMA_MAX_PHASES 8
#define STROMA_MAX_CELL_COLUMNS 64 /* per-cell value columns of an initial-cells CSV */

typedef enum stroma_cycle_kind {
    STROMA_CYCLE_NONE,        /* does not divide */
    STROMA_CYCLE_EXPONENTIAL, /* one phase, exponential waiting time of mean `duration`, then division */
    STROMA_CYCLE_PHASES       /* phases in order, each fixed or exponential; division at the end of the last */
} stroma_cycle_kind;

typedef struct stroma_cell_type_desc {
    char name[64];
    /* volume */
    double volume_um3;              /* target total volume (a new daughter grows back to it) */
    double growth_per_min;          /* volume relaxes toward target at this rate: dV/dt = g (V* - V) */
    /* cycle */
    stroma_cycle_kind cycle;
    double cycle_mean_min;          /* EXPONENTIAL: mean time to division */
    int nphases;                    /* PHASES: number of phases */
    double phase_min[STROMA_MAX_PHASES];       /* PHASES: duration (fixed) or mean duration (exponential) */
    unsigned char phase_exponential[STROMA_MAX_PHASES]; /* PHASES: 1 = exponential waiting time, 0 = fixed */
    /* death */
    double apoptosis_per_min;       /* rate of entering apoptosis */
    double apoptosis_duration_min;  /* an apoptotic cell shrinks and is removed after this */
    int apoptosis_exponential;      /* 1: removal after an exponential time of that mean (else exactly) */
    int necrosis_substrate;         /* substrate whose low level causes necrosis (-1 = none) */
    double necrosis_threshold;      /* necrosis begins below this level (substrate unit) */
    double necrosis_critical;       /* rate is maximal at and below this level */
    double necrosis_max_per_min;    /* maximal necrosis rate */
    double necrosis_duration_min;   /* a necrotic cell is removed (lysed) after this */
    int necrosis_exponential;       /* 1: removal after an exponential time of that mean */
    /* mechanics (PhysiCell potentials) */
    double repulsion_um_per_min;
    double adhesion_um_per_min;
    double max_adhesion_rel;        /* adhesion reaches (r_i + r_j) x this */
    double *adhesion_affinity;      /* [ntypes], multiplies adhesion toward each type (default 1) */
    /* motility */
    double speed_um_per_min;
    double persistence_min;         /* mean time between direction changes */
    double bias;                    /* 0 random walk .. 1 fully directed */
    int chemotaxis_substrate;       /* -1 = none */
    double chemotaxis_direction;    /* +1 up the gradient, -1 down */
    /* several substrates (PhysiCell's advanced chemotaxis): [nsub] weights of the gradients, NULL = the
     * single-substrate form above (or none); normalize_each: each gradient is made a unit vector first */
    double *chemotaxis_sensitivity;
    int chemotaxis_normalize_each;
    /* secretion / uptake, [nsub] each */
    double *secretion_per_min, *saturation, *uptake_per_min, *export_per_min;
    /* contact interactions toward each type, [ntypes] each */
    double *attack_per_min;         /* attachment rate to a live target in contact */
    double attach_duration_min;     /* mean attachment time (exponential detachment) */
    double kill_per_min;            /* kill rate while attached: target becomes apoptotic */
    double attack_damage_per_min;   /* damage delivered to the attached target per min */
    /* cell integrity: damage accumulates at damage_per_min and is repaired at damage_repair_per_min:
     * dD/dt = rate - repair D (D is the signal "damage" of rules) */
    double damage_per_min;
    double damage_repair_per_min;
    double *phagocytose_per_min;    /* rate of engulfing a dead cell of each type in contact */
    double phagocytose_apoptotic_per_min; /* plus, whatever its type, an apoptotic cell in contact */
    double phagocytose_necrotic_per_min;  /* plus, whatever its type, a necrotic cell in contact */
    double *contact_transform_per_min; /* [ntypes x ntypes]: [with * ntypes + to], becomes `to` on contact */
    double *transform_per_min;      /* [ntypes] spontaneous/signal transformation to each type (rules hook) */
    /* asymmetric division (PhysiCell's standard_asymmetric_division): [ntypes] probability that a division
     * makes the daughter that type (the mother keeps hers); 0 for the type itself; sum <= 1, the rest is a
     * symmetric division. NULL = symmetric always (rules "asymmetric division to <type>" may still set them) */
    double *asym_division;
    /* PhysiCell's volume model (volume_parts given): fluid, nuclear solid and cytoplasmic solid volumes relax at
     * their own rates (explicit Euler at the phenotype step, as PhysiCell's standard_volume_update_function); the
     * solid targets double on entering phase vp_double_phase (0: at division, so they stay the type's) and
     * halve at division; growth_per_min is then unused */
    int volume_parts;
    double vp_fluid_fraction;       /* target fluid fraction of the volume */
    double vp_nuclear_um3;          /* nuclear volume of a new cell (of volume_um3) */
    double vp_fluid_rate;           /* 1/min */
    double vp_cyto_rate;            /* 1/min, cytoplasmic biomass */
    double vp_nuclear_rate;         /* 1/min, nuclear biomass */
    int vp_double_phase;
} stroma_cell_type_desc;

/* One entry of initial_cells: `count` cells of `type` placed uniformly in `region` (placement RNG), or the rows
 * of a CSV file (x,y,z,type) read by the loader, already validated (inside the domain, known types). */
typedef struct stroma_initial_cells_desc {
    int from_csv;                /* 0: region; 1: csv rows below */
    int type;                    /* region: the cell type index */
    int count;                   /* region: number of cells; csv: number of rows */
    int synchronized;            /* 1: cells start at the beginning of phase 0, age 0; 0: stationary ages */
    stroma_region region;        /* region placement */
    char csv_path[512];          /* csv: the file as resolved (relative to the model file) */
    double *csv_pos_um;          /* csv: [count * 3] positions; owned by the model */
    int *csv_type;               /* csv: [count] type indices; owned by the model */
    /* csv: per-cell values in columns after x,y,z,type (PhysiCell's cells.csv v2): column k sets behaviour
     * col_behaviour[k] (an index of model->rule_tables; >= 0) or, if col_behaviour[k] = -1 - v, the initial
     * value of state variable v; NAN ("skip" or empty) leaves the type's value */
    int ncols;
    int *col_behaviour;          /* [ncols]; owned by the model */
    double *csv_values;          /* [count * ncols]; owned by the model */
} stroma_initial_cells_desc;

#endif
