/* Import of a PhysiCell project: the plain description the importer builds and the steps that fill it.
 *
 * Design: settings.c reads PhysiCell_settings.xml (libxml2) into a pc_model holding PhysiCell's own values,
 * resolving cell-definition inheritance and PhysiCell's defaults as PhysiCell 1.14 does; rules.c reads the
 * rules CSV and rewrites its names; convert.c decides the stroma form of every cell type (cycle, death,
 * phagocytosis, attacks) and of every rule (PhysiCell's shared saturations, direction flips); cells.c converts the
 * initial cells CSV and its per-cell columns (named as rule behaviours, through the same mapping); emit.c writes
 * the YAML. Each step reports what it cannot reproduce into m->rep and
 * fails only on input that PhysiCell itself would refuse (m->err filled, with file and line). Nothing here
 * prints. */
#ifndef STROMA_IMPORT_PHYSICELL_H
#define STROMA_IMPORT_PHYSICELL_H

#include <stdint.h>
#include <stdio.h>

#include "import/report.h"
#include "stroma/error.h"

#define PC_NAME 128       /* PhysiCell names are kept up to 127 bytes */
#define PC_SNAME 64       /* stroma names: at most 63 characters */
#define PC_MAX_PHASES 8   /* stroma's limit on phases (PhysiCell's models have at most 4) */
#define PC_MAX_TYPES 100  /* stroma's limit on cell types */
#define PC_NEVER 1e30     /* min: the duration written for a phase PhysiCell never leaves (rate 0) */
#define PC_MAX_RULESETS 8 /* enabled rulesets read */

enum { PC_XMIN, PC_XMAX, PC_YMIN, PC_YMAX, PC_ZMIN, PC_ZMAX };

typedef struct pc_substrate {
    char pc_name[PC_NAME];
    char name[PC_SNAME];
    char unit[32];
    int line;         /* of its <variable> */
    double diffusion; /* µm²/min */
    double decay;     /* 1/min */
    double initial;   /* substrate unit */
    int face_on[6];   /* Dirichlet face held (PC_XMIN..PC_ZMAX) */
    double face[6];   /* value held */
} pc_substrate;

/* What the stroma cycle of a type is. */
typedef enum { PC_CYC_NONE, PC_CYC_EXPONENTIAL, PC_CYC_PHASES } pc_cycle_form;

/* Behaviours a rule can set, as far as the importer needs them (base values, groups). */
typedef enum pc_beh_kind {
    PB_NONE, /* not mappable */
    PB_SECRETION,
    PB_TARGET,
    PB_UPTAKE,
    PB_EXPORT, /* arg: substrate */
    PB_CYCLE,
    PB_APOPTOSIS,
    PB_NECROSIS,
    PB_SPEED,
    PB_BIAS,
    PB_PERSISTENCE,
    PB_PHAG_APOPTOTIC,
    PB_PHAG_NECROTIC,
    PB_ATTACK,
    PB_TRANSFORM, /* arg: cell type */
    PB_ATTACK_DAMAGE,
    PB_DAMAGE_RATE,
    PB_DAMAGE_REPAIR,
    PB_ATTACK_DURATION,
    PB_ADHESION,
    PB_REPULSION,
    PB_CHEMO, /* arg: substrate; chemotactic response (sensitivity) */
    PB_ASYM   /* arg: cell type; asymmetric division to that type */
} pc_beh_kind;

typedef struct pc_type {
    char pc_name[PC_NAME];
    char name[PC_SNAME];
    int id;   /* PhysiCell's ID attribute */
    int line; /* of its <cell_definition> */
    /* cycle, as PhysiCell has it */
    int cycle_code;               /* PhysiCell model code; -1: none given */
    int nphases;                  /* of the model */
    int div_phase;                /* division at the exit of this phase */
    double ph_dur[PC_MAX_PHASES]; /* min; INFINITY: rate 0 (never left); 0: left at once */
    int ph_fixed[PC_MAX_PHASES];
    int cycle_line;
    /* death: the rates are the type's own; the phase durations are the shared ones (pc_model.apop, necr) once
     * the settings are read */
    double apop_rate, apop_dur; /* 1/min, min */
    int apop_fixed;
    double necr_rate, necr_dur; /* 1/min; min: sum of the necrotic phases */
    int necr_fixed;             /* the removal time is fixed (the longer necrotic phase is) */
    int has_necr;
    double own_apop_dur;        /* min: what the type's own definition says (or inherits), for the report */
    int own_apop_fixed;
    /* volume */
    double volume;       /* µm³ */
    double biomass_rate; /* 1/min: cytoplasmic_biomass_change_rate */
    /* mechanics */
    double repulsion, adhesion, adh_dist;
    double *affinity; /* [ntypes] */
    /* motility */
    int motile; /* options.enabled */
    double speed, persistence, bias;
    int chemo_sub; /* -1: none */
    int chemo_dir; /* +1 up, -1 down */
    /* advanced chemotaxis: written as sensitivities (chemo_multi; chemo_sub -1 then) with several non-zero
     * sensitivities or rules on them */
    int chemo_adv; /* enabled */
    int chemo_multi;
    double *chemo_sens; /* [nsub] */
    int chemo_norm;     /* normalize_each_gradient */
    /* secretion, [nsub] each */
    double *sec_rate, *sec_target, *uptake, *export_rate;
    /* interactions */
    double phag_apop, phag_necr, phag_other; /* 1/min, dead cells by death state */
    double *attack, *transform;              /* [ntypes] 1/min */
    double *immunogenicity;                  /* [ntypes] toward attackers of each type (PhysiCell: default 1) */
    double attack_duration;                  /* min: PhysiCell's mean (ended with probability dt/duration) */
    double attack_damage;                    /* damage/min delivered while attached */
    /* cell integrity */
    double damage_rate;   /* damage/min */
    double damage_repair; /* 1/min */
    /* stroma form (convert.c) */
    pc_cycle_form cycle;
    double cycle_dur; /* EXPONENTIAL: mean */
    int st_nphases;
    double st_phase[PC_MAX_PHASES];
    int st_phase_exp[PC_MAX_PHASES];
    int necrosis_block;      /* write death.necrosis (rules or per-cell values on necrosis: PhysiCell's rate as
                                base, the shared necrotic duration) */
    int apop_exp, necr_exp;  /* write timing: exponential */
    int attacks;             /* attacks some type: an attack rate > 0 or rules on attack */
    double st_attack_damage; /* damage/min written as interactions.attack_damage (0: none) */
    unsigned rule_mask;      /* 1 << pc_beh_kind of the behaviours its mapped rules set */
    unsigned cell_mask;      /* 1 << pc_beh_kind of the behaviours its initial cells set per cell to a value != 0 */
    /* asymmetric division (standard_asymmetric_division enabled): [ntypes] probability that the daughter becomes
     * each type; asym_on 0: symmetric divisions (the probabilities, and rules on them, do nothing) */
    int asym_on;
    int asym_line;
    double *asym;
    /* PhysiCell's volume model (written as volume_parts when vol_parts): fluid fraction, nuclear volume (µm³),
     * fluid and nuclear biomass change rates (1/min; the cytoplasmic one is biomass_rate); st_double_phase: the
     * stroma phase on whose entry the solid targets double (convert.c) */
    int vol_parts;
    double vol_fluid_fraction, vol_nuclear, vol_fluid_rate, vol_nuclear_rate;
    int st_double_phase;
} pc_type;

typedef struct pc_var {
    char pc_name[PC_NAME];
    char name[PC_SNAME];
    double *value;      /* [ntypes] initial value */
    unsigned char *has; /* [ntypes] the type has the variable */
} pc_var;

typedef struct pc_rule {
    const char *file; /* rules file as named (borrowed from the model) */
    int line;
    char src[512]; /* the CSV line as read */
    int type;
    char signal[PC_NAME + 64];    /* stroma name */
    char behaviour[PC_NAME + 64]; /* stroma name */
    char pc_beh[PC_NAME + 64];    /* PhysiCell's canonical behaviour (rules on one are one group there) */
    pc_beh_kind kind;
    int arg;
    int dir; /* +1 increases, -1 decreases, as written */
    double sat, half, hill;
    int dead;
    int mappable; /* signal and behaviour both have stroma names */
    /* output (convert.c) */
    int emit;      /* written as a rule; otherwise as a comment */
    char why[400]; /* why not written */
    int out_dir;
    double out_sat;
} pc_rule;

/* A column of the converted cells CSV after x,y,z,type: a per-cell behaviour or a state variable's initial
 * value, from one or more columns of PhysiCell's cells.csv v2 (synonyms: the last value a row sets wins). */
typedef struct pc_cellcol {
    char name[PC_NAME + 64]; /* stroma header name: a rule behaviour, or custom:<variable> */
    pc_beh_kind kind;        /* PB_NONE for a state variable */
    int arg;                 /* substrate or cell type of the behaviour */
    int var;                 /* state variable index, or -1 */
    unsigned char nonzero[PC_MAX_TYPES]; /* a cell of that type sets a value != 0 */
} pc_cellcol;

/* A phase of one of PhysiCell's shared death models (apoptosis, necrosis), as the last definition in XML order
 * that gives it left it. */
typedef struct pc_death_phase {
    double dur; /* min; INFINITY: rate 0 */
    int fixed;
    int from;   /* type whose definition set it last, -1: PhysiCell's default */
    int line;   /* of that definition's <duration> or <rate> */
} pc_death_phase;

typedef struct pc_model {
    const char *settings_path; /* as the caller named it */
    char settings_dir[1024];
    stroma_import_report *rep;
    stroma_error *err;
    /* domain and time */
    double lo[3], hi[3], voxel;
    int is2d;
    double t_end, dt_diff, dt_mech, dt_phen;
    uint64_t seed;
    double out_every;    /* 0: outputs at the end only */
    long cells_per_type; /* <user_parameters><number_of_cells>, -1 if absent */
    int number_of_cells_line;
    pc_substrate *sub;
    int nsub;
    pc_type *types;
    int ntypes;
    pc_death_phase apop;    /* the apoptotic phase every type has */
    pc_death_phase necr[2]; /* the necrotic swelling and lysed phases every type has */
    pc_var *vars;
    int nvars;
    /* rules: the files, in the order PhysiCell reads them */
    char rules_path[PC_MAX_RULESETS][2048]; /* resolved paths */
    int nrulesets;
    pc_rule *rules;
    int nrules, caprules;
    /* initial cells from a CSV */
    char cells_path[2048]; /* resolved path ("" when none) */
    double *cell_xyz;      /* [ncells * 3] µm */
    int *cell_type;        /* [ncells] */
    int ncells;
    pc_cellcol *cellcol;   /* [ncellcols] per-cell columns written */
    int ncellcols;
    double *cell_val;      /* [ncells * ncellcols] values as read; NAN: skip (the type's value) */
} pc_model;

/* Read the settings into m (m->settings_path, rep and err set, the rest zero). Finds the enabled rulesets
 * (m->rules_path; rules_override instead when given) and cells file (m->cells_path). Returns STROMA_OK or an
 * error in m->err. */
stroma_code pc_read_settings(pc_model *m, const char *rules_override);

/* Read the rules files (if any) into m->rules with stroma names; unknown cell types and malformed numbers are
 * errors, everything else that does not map is kept with mappable = 0 and a reason. */
stroma_code pc_read_rules(pc_model *m);

/* Decide the stroma form of every cell type and rule (needs the rules and the initial cells read: per-cell
 * values count as rules do for what a type must write, e.g. an attachment duration for cells that attack). */
stroma_code pc_convert(pc_model *m);

/* Does the stroma model give type t a secretion saturation for substrate s (its rate > 0, or rules or per-cell
 * values set its secretion or saturation)? The saturation is the base of "<substrate> secretion target". */
int pc_writes_target(const pc_model *m, int t, int s);

/* PhysiCell's base value of behaviour k (argument arg) in type T: its cell definition's parameter. */
double pc_behaviour_base(const pc_type *T, pc_beh_kind k, int arg);

/* PhysiCell behaviour name b into stroma's name (out), PhysiCell's canonical name (canon: synonyms share it),
 * kind and argument (substrate or cell type), with renamed substrates and types. Returns 1 (mapped), 0 (a
 * PhysiCell behaviour stroma lacks: why set) or -1 (not a PhysiCell 1.14 behaviour of the model: why set).
 * Used for rules and for the per-cell columns of a cells CSV alike. */
int pc_map_behaviour(const pc_model *m, const char *b, char *out, size_t cap, char *canon, size_t ccap,
                     pc_beh_kind *kind, int *arg, char *why, size_t wcap);

/* Index of the custom data named by "custom:<v>", "custom: <v>" or "custom <index>", or -1. */
int pc_custom_var(const pc_model *m, const char *s);

/* Read m->cells_path (if any) into m->cell_xyz/cell_type and the per-cell columns stroma takes into
 * m->cellcol/cell_val (setting the types' cell_mask), reporting the columns and values it does not take. Runs
 * before pc_convert. A value that is not a number in a column that is imported is an error (file:line:col). */
stroma_code pc_read_cells(pc_model *m);

/* Write the model as YAML to f; cells_file is the name (relative to the YAML) of the converted cells CSV, or
 * NULL. */
void pc_emit_yaml(const pc_model *m, FILE *f, const char *cells_file);

/* Write the converted initial cells as CSV: x,y,z,type and the per-cell columns (shortest exact numbers,
 * `skip` for the type's value). */
void pc_emit_cells(const pc_model *m, FILE *f);

/* Free everything m owns. */
void pc_model_free(pc_model *m);

/* ---- helpers shared by the steps (physicell.c) ---- */

/* `name` made into a stroma name: [A-Za-z_][A-Za-z0-9_.-]*, at most 63 characters, every other character
 * replaced by '_', '_' put first if it does not start with a letter or '_'. */
void pc_sanitize(const char *name, char out[PC_SNAME]);

/* Make out unique among the n names of `taken` (stride bytes apart) by appending _2, _3, ... */
void pc_make_unique(char out[PC_SNAME], const char *taken, int n, size_t stride);

/* Shortest text of v that reads back as exactly v (%.15g, %.16g or %.17g). */
void pc_num(double v, char buf[32]);

/* The last path component of p. */
const char *pc_basename(const char *p);

/* Index of the substrate / cell type with that PhysiCell name, or -1. */
int pc_find_substrate(const pc_model *m, const char *pc_name);
int pc_find_type(const pc_model *m, const char *pc_name);

/* Remove leading and trailing blanks (spaces, tabs, CR, LF) from s in place. */
void pc_trim(char *s);

/* Fill m->err with "file:line: message" (line 0: "file: message"); returns code. */
stroma_code pc_fail(pc_model *m, stroma_code code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
