/* Rules: how signals a cell senses change its behaviours (plain data in the model; evaluation in cells/rules.c).
 *
 * Design notes
 * - Signals and behaviours are open tables built per model (stroma_rule_tables_build): every substrate, cell
 *   type and state variable contributes named entries ("oxygen", "oxygen gradient", "contact with CAF",
 *   "PD_L1 in contact", "transform to CAF", "IL6 secretion", "stemness production" ...). A later channel (ECM,
 *   exosomes, plasma, drugs) adds entries by adding a provider in rules_tables.c; the rules engine evaluates an
 *   entry through its kind and argument and never needs to change.
 * - A rule: in cells of `type`, `signal` increases (direction +1) or decreases (-1) `behaviour` toward
 *   `saturation`, with half-maximum `half_max` and Hill power `hill`. Per behaviour, with base value b0 (the
 *   type's parameter) and each rule's Hill term x_i = (s_i / h_i)^n_i:
 *       X_up = sum of x_i over increasing rules,  B_up = sum x_i sat_i / X_up
 *       X_dn = sum of x_i over decreasing rules,  B_dn = sum x_i sat_i / X_dn
 *       b = (b0 + X_up B_up + X_dn B_dn) / (1 + X_up + X_dn)
 *   One rule gives PhysiCell's b0 + (sat - b0) x/(1 + x). Several rules combine independently of the order
 *   they are written in (PhysiCell applies "increases" then "decreases" toward one shared maximum and
 *   minimum: rules_law physicell), and b always lies between the smallest and largest of b0 and the
 *   saturations. Under the stroma law the loader requires an increasing rule's saturation >= b0 and a
 *   decreasing rule's <= b0 (PhysiCell accepts either and moves the behaviour toward the saturation). */
#ifndef STROMA_MODEL_RULES_H
#define STROMA_MODEL_RULES_H

#define STROMA_RULE_NAME_MAX 128

/* How the rules on one behaviour combine (the model's `rules_law`): stroma's weighted mean above, or
 * PhysiCell 1.14's law (cells/rules.h, stroma_rules_combine_physicell) for imported models. */
typedef enum stroma_rules_law {
    STROMA_RULES_LAW_STROMA,   /* default: the weighted mean */
    STROMA_RULES_LAW_PHYSICELL /* up rules raise toward a shared maximum, then down rules lower toward a minimum */
} stroma_rules_law;

/* What a signal reads (its argument in brackets). */
typedef enum stroma_signal_kind {
    STROMA_SIG_SUBSTRATE,          /* [substrate] value in the cell's voxel */
    STROMA_SIG_SUBSTRATE_GRADIENT, /* [substrate] gradient magnitude, unit/µm */
    STROMA_SIG_CONTACT_TYPE,       /* [type] number of live cells of that type in contact */
    STROMA_SIG_CONTACT_LIVE,       /* live cells in contact */
    STROMA_SIG_CONTACT_DEAD,       /* dead cells in contact */
    STROMA_SIG_PRESSURE,           /* mechanical pressure (PhysiCell's normalisation: 1 ~ confluent) */
    STROMA_SIG_VOLUME,             /* µm³ */
    STROMA_SIG_TIME,               /* simulated time, min */
    STROMA_SIG_AGE,                /* time since the cell's birth, min */
    STROMA_SIG_DAMAGE,             /* accumulated damage */
    STROMA_SIG_APOPTOTIC,          /* 1 if apoptotic */
    STROMA_SIG_NECROTIC,           /* 1 if necrotic */
    STROMA_SIG_DEAD,               /* 1 if dead */
    STROMA_SIG_STATE,              /* [variable] a named internal state variable */
    STROMA_SIG_STATE_CONTACT,      /* [variable] sum of that variable over the live cells in contact or attached */
    STROMA_SIG_VESSEL_DENSITY,     /* vessel volume fraction of the cell's voxel (models with vessels) */
    STROMA_SIG_PLASMA,             /* [systemic index] plasma value, clinical unit (models with a body) */
    STROMA_SIG_ECM,                /* ECM density of the cell's voxel, mg/mL (models with an ecm section) */
    STROMA_SIG_DAMAGE_DELIVERED,   /* total damage this cell has delivered by attacks */
    STROMA_SIG_ATTACK_TIME,        /* total time this cell has been attacked, min */
    STROMA_SIG_ATTACKING           /* 1 if attached to a target */
} stroma_signal_kind;

/* What a behaviour sets (its argument in brackets). */
typedef enum stroma_behaviour_kind {
    STROMA_BEH_CYCLE_ENTRY,        /* 1/min: exponential cycle: division rate 1/T; phases: progression rate */
    STROMA_BEH_APOPTOSIS,          /* 1/min */
    STROMA_BEH_NECROSIS,           /* 1/min: maximal necrosis rate */
    STROMA_BEH_SPEED,              /* µm/min */
    STROMA_BEH_PERSISTENCE,        /* min */
    STROMA_BEH_BIAS,               /* 0..1 */
    STROMA_BEH_SECRETION,          /* [substrate] 1/min */
    STROMA_BEH_SECRETION_TARGET,   /* [substrate] saturation, substrate unit */
    STROMA_BEH_UPTAKE,             /* [substrate] 1/min */
    STROMA_BEH_EXPORT,             /* [substrate] amount/min */
    STROMA_BEH_TRANSFORM,          /* [type] 1/min */
    STROMA_BEH_ATTACK,             /* [type] 1/min */
    STROMA_BEH_PHAGOCYTOSE,        /* [type] 1/min, dead cells of that type */
    STROMA_BEH_PHAGOCYTOSE_DEAD,   /* 1/min, dead cells of any type (sets every type's rate) */
    STROMA_BEH_KILL_RATE,          /* 1/min while attached */
    STROMA_BEH_ATTACK_DAMAGE,      /* damage/min delivered to the attached target */
    STROMA_BEH_ATTACK_DURATION,    /* min: mean attachment time (exponential detachment) */
    STROMA_BEH_DAMAGE_RATE,        /* damage/min, spontaneous */
    STROMA_BEH_DAMAGE_REPAIR,      /* 1/min */
    STROMA_BEH_ADHESION,           /* µm/min: cell-cell adhesion strength (scales the type's; base > 0) */
    STROMA_BEH_REPULSION,          /* µm/min: cell-cell repulsion strength (scales the type's; base > 0) */
    STROMA_BEH_STATE_PRODUCTION,   /* [variable] per min */
    STROMA_BEH_STATE_DECAY,        /* [variable] 1/min */
    STROMA_BEH_VESSEL_DEPOSIT,     /* 1/min: vessel density laid down in the cell's voxel, per min, x V/Vvox */
    STROMA_BEH_VESSEL_PRUNE,       /* 1/min: relative removal rate of the vessel density of the cell's voxel */
    STROMA_BEH_ECM_DEPOSIT,        /* mg/mL per min laid down in the cell's voxel, x V/Vvox */
    STROMA_BEH_ECM_DEGRADE,        /* 1/min: relative removal rate of the ECM of the cell's voxel */
    STROMA_BEH_VESICLE_RELEASE,    /* [class] vesicles/min released by a live cell into its voxel */
    STROMA_BEH_VESICLE_UPTAKE,     /* [class] vesicles/min taken up by a live cell at saturation */
    STROMA_BEH_CHEMOTAXIS,         /* [substrate] weight of its gradient (motility.chemotaxis.sensitivities) */
    STROMA_BEH_PHAGOCYTOSE_APOPTOTIC, /* 1/min, apoptotic cells of any type (adds to the per-type rate) */
    STROMA_BEH_PHAGOCYTOSE_NECROTIC,  /* 1/min, necrotic cells of any type (adds to the per-type rate) */
    STROMA_BEH_ASYM_DIVISION       /* [type] probability that a division makes the daughter that type */
} stroma_behaviour_kind;

typedef struct stroma_signal_entry {
    char name[STROMA_RULE_NAME_MAX];
    stroma_signal_kind kind;
    int arg;
    char unit[32];
} stroma_signal_entry;

typedef struct stroma_behaviour_entry {
    char name[STROMA_RULE_NAME_MAX];
    stroma_behaviour_kind kind;
    int arg;
    char unit[32];
} stroma_behaviour_entry;

typedef struct stroma_rule_tables {
    int nsignals, nbehaviours;
    stroma_signal_entry *signals;
    stroma_behaviour_entry *behaviours;
    int *signal_order, *behaviour_order; /* indices sorted by (name, index): lookups by name in O(log n) */
} stroma_rule_tables;

typedef struct stroma_rule_desc {
    int type;            /* cell type the rule applies to */
    int signal;          /* index into tables.signals */
    int behaviour;       /* index into tables.behaviours */
    int direction;       /* +1 increases, -1 decreases */
    double saturation;   /* behaviour value at full response, behaviour unit */
    double half_max;     /* signal value of half response, signal unit, > 0 */
    double hill;         /* Hill power, > 0 */
    int apply_to_dead;   /* evaluate in dead cells too (e.g. debris secretion) */
    int line, column;    /* where it was written (YAML or CSV), for messages */
    char origin[512];    /* file it came from */
} stroma_rule_desc;

/* A named internal state variable of cells ("stemness", "resistance", "exhaustion"): dv/dt = P - D v, with P
 * and D behaviours (base 0 unless the type sets them), value readable as a signal. */
typedef struct stroma_state_var_desc {
    char name[64];
    double *initial;     /* [ntypes] initial value per type (default 0) */
    double *production;  /* [ntypes] base production per min */
    double *decay;       /* [ntypes] base decay 1/min */
} stroma_state_var_desc;

#endif
