/* The model description: plain, immutable data produced by the loader (load.c) and validated before any
 * simulation object exists. Every field carries its unit. The simulation (sim/) only reads it. */
#ifndef STROMA_MODEL_MODEL_H
#define STROMA_MODEL_MODEL_H

#include <stdint.h>

#include "stroma/stroma.h"

enum { STROMA_FACE_X_MIN, STROMA_FACE_X_MAX, STROMA_FACE_Y_MIN, STROMA_FACE_Y_MAX, STROMA_FACE_Z_MIN,
       STROMA_FACE_Z_MAX, STROMA_FACE_COUNT };

#define STROMA_NAME_MAX 64

/* Where a model value came from in the file, for messages raised after loading. */
typedef struct stroma_srcloc {
    int line, column; /* 1-based; 0 if not from the file */
} stroma_srcloc;

typedef struct stroma_substrate_desc {
    char name[STROMA_NAME_MAX];
    char unit[32];                          /* free text, e.g. "mmHg", "pg/mL"; "" if not given */
    double diffusion_um2_per_min;           /* >= 0 */
    double decay_per_min;                   /* >= 0 */
    double initial;                         /* uniform initial value, substrate unit */
    unsigned char face_dirichlet[STROMA_FACE_COUNT]; /* 1 = Dirichlet at that face, 0 = no flux */
    double face_value[STROMA_FACE_COUNT];   /* Dirichlet value, substrate unit */
    stroma_srcloc loc;
} stroma_substrate_desc;

/* Where a Dirichlet face value is held (the model's `boundary_convention`). */
typedef enum stroma_boundary_convention {
    STROMA_BOUNDARY_FACE,  /* default: at the face, through a ghost voxel */
    STROMA_BOUNDARY_VOXEL, /* the outermost voxels are held at the value, inside every solve */
    STROMA_BOUNDARY_BIOFVM /* BioFVM's LOD scheme: the outermost voxels are set to the value before the first axis
                              sweep and after each sweep, and are free (no-flux ends) within a sweep */
} stroma_boundary_convention;

/* A voxel held at a fixed value (Dirichlet voxel inside the domain), e.g. a vessel. */
typedef struct stroma_fixed_desc {
    int substrate;          /* index into substrates */
    double pos_um[3];       /* any point inside the voxel */
    double value;           /* substrate unit */
    stroma_srcloc loc;
} stroma_fixed_desc;

#include "model/body.h"
#include "model/celltypes.h"
#include "model/recruitment.h"
#include "model/rules.h"
#include "model/vesicles.h"
#include "model/readout.h"
#include "model/therapy.h"

/* A group of point sources/sinks of one substrate (stand-ins for cells until the cell engine exists; the cell
 * engine uses the same transport call). `count` points are placed uniformly in the region with the run's RNG
 * (purpose STROMA_RNG_PLACEMENT), or one point at center for STROMA_REGION_POINT. Per point, per step of dt:
 *   c <- (c + dt (V/Vvox) S T) / (1 + dt (V/Vvox)(S + U)) + dt E / Vvox     (implicit, stable for any rate) */
typedef struct stroma_source_desc {
    int substrate;
    int count;
    stroma_region region;
    double volume_um3;          /* V, the source's volume (a cell's) */
    double secretion_per_min;   /* S */
    double saturation;          /* T, substrate unit */
    double uptake_per_min;      /* U */
    double export_per_min;      /* E, net export, substrate unit x um^3 / min */
    stroma_srcloc loc;
} stroma_source_desc;

struct stroma_model {
    char path[512];             /* file name used in messages */
    char sha256[65];            /* hex digest of the model text (provenance) */
    double lo_um[3], hi_um[3];  /* domain box */
    double voxel_um;            /* voxel edge; divides every extent */
    int n[3];                   /* voxels per axis (derived) */
    int dim;                    /* 1, 2 or 3: number of axes with more than one voxel */
    double end_min;
    double dt_diffusion_min;
    uint64_t seed;
    int nsub;
    stroma_substrate_desc *substrates;
    int nfixed;
    stroma_fixed_desc *fixed;
    int nsources;
    stroma_source_desc *sources;
    double output_every_min;    /* > 0 */
    int output_fields_csv;      /* write fields/<name>_<time>.csv */
    int output_fields_vti;      /* write fields/fields_<time>.vti and fields.pvd (io/vtk.h) */
    stroma_srcloc domain_loc;
    /* cells (issue 3) */
    double dt_mechanics_min;    /* multiple of dt_diffusion */
    double dt_phenotype_min;    /* multiple of dt_mechanics */
    int ntypes;
    stroma_cell_type_desc *cell_types;       /* [ntypes]; per-type arrays sized nsub / ntypes as documented */
    int ninitial;
    stroma_initial_cells_desc *initial_cells; /* [ninitial] */
    int output_cells_csv;       /* write cells/cells_<time>.csv */
    int output_cells_vtp;       /* write cells/cells_<time>.vtp and cells.pvd (io/vtk.h) */
    /* rules (issue 4) */
    int nstate;
    stroma_state_var_desc *state_vars;      /* [nstate] */
    stroma_rule_tables rule_tables;         /* signal and behaviour names of this model */
    int nrules;
    stroma_rule_desc *rules;                /* [nrules], in file order */
    stroma_boundary_convention boundary_convention; /* where Dirichlet face values are held */
    stroma_srcloc boundary_convention_loc;  /* where the key is written (0:0: absent) */
    char solver[16];                        /* transport.solver: lod, adi, adi-cn or explicit ("": lod) */
    stroma_srcloc solver_loc;               /* where the key is written (0:0: absent) */
    stroma_rules_law rules_law;             /* how several rules on one behaviour combine (model/rules.h) */
    double dead_uptake_fraction;            /* share of its uptake rates a cell keeps at death (0: none) */
    int secretion_after;                    /* 1: cells' sources act after the diffusion solve (`secretion_order`) */
    stroma_srcloc secretion_order_loc;      /* where the key is written (0:0: absent) */
    int contact_law;                        /* 0: stroma's contacts at phenotype steps; 1: PhysiCell's, at
                                               mechanics steps (`contact_law`) */
    int output_every_is_end;    /* 1 if outputs.every was absent: output_every_min follows end_min, also when
                                   stroma_model_set_end changes it */
    /* pictures (issue 5): images/tissue_<time>.png at output times (io/tissue.h) */
    int output_images;              /* outputs.images given */
    int output_images_field;        /* substrate drawn under the cells (default 0, the first) */
    double output_images_every_min; /* outputs.images.every; 0 = absent: at every output time */
    int output_images_stride;       /* output times per image (>= 1): a picture at output n when n % stride == 0,
                                       and at the end */
    int output_images_size_px;      /* width of the images, pixels */
    int output_images_range_set;    /* outputs.images.range given: the heat map's fixed range */
    double output_images_range[2];  /* [lo, hi] in the field's unit (lo < hi) */
    /* the body (issue 10): vessels that grow and exchange with blood, and the plasma compartment */
    stroma_vessels_desc vessels;
    stroma_body_desc body;
    /* the extracellular matrix (issue 11) */
    stroma_ecm_desc ecm;
    /* extracellular vesicles (issue 12): classes transported as appended substrates */
    stroma_vesicles_desc vesicles;
    /* cells recruited from the blood through the vessel walls (issue 12) */
    stroma_recruitment_desc recruitment;
    /* what a pathologist and a clinician read (issue 12): markers, populations, tissue metrics, indices */
    stroma_readout_desc readout;
    /* drugs: plasma pharmacokinetics, regimens, tissue entry and mechanisms (issue 16) */
    stroma_therapies_desc therapies;
    /* warnings of the loader ("file:line:col: warning: ...\n" each; "" or NULL: none), printed by the CLI */
    char *warnings;
    /* the command-line overrides it was loaded with, "--set key=value\n" each ("" none; owned) */
    char *overrides;
};

/* Bytes the simulation will allocate for this model (fields, solver scratch, sources); used to refuse a grid
 * that cannot fit before allocating anything. A double, so that absurd grids do not overflow:
 *   field        nvox x nsub x 8
 *   scratch      2 x (largest plane of the grid) x nsub x 8 x STROMA_MEMORY_THREADS
 *   coefficients 3 x (nx + ny + nz) x nsub x 8
 *   fixed voxels 32 per fixed voxel; sources 32 per point
 *   vessels      nvox x 32 (density, scratch, pressure, list) + 32 per vessel point of a file; recruitment
 *                nvox x 8 more (cumulative weights)
 *   matrix       nvox x 8; with hindrance + nvox x (8 + 24 per hindered substrate + 24 x nsub) (solver tables). */
double stroma_model_memory_estimate(const stroma_model *model);
/* The same for a given solver (NULL: the model's transport.solver). adi and adi-cn add per thread four copies of
 * an xy-plane and one (3D: two) of corrections, two shared copies, and with hindrance 3 x nvox x nsub x 8 face
 * factors. */
double stroma_model_memory_estimate_solver(const stroma_model *model, const char *solver);

/* Threads the memory estimate budgets solver scratch for. */
#define STROMA_MEMORY_THREADS 2

/* Physical memory of this machine in bytes (sysconf _SC_PHYS_PAGES x _SC_PAGE_SIZE); 0 if unknown. */
double stroma_model_memory_available(void);

/* Most diffusion steps a run may take: 2^53, the largest count for which every step's time (step x dt) is a
 * distinct double and the count fits every integer the run keeps. A time.end (or --end) further than this many
 * steps of time.dt_diffusion is refused; a longer interval (outputs, checkpoints, dt_mechanics) is not: it
 * means "never before the end" (see stroma_model_steps). */
#define STROMA_MAX_STEPS 9007199254740992.0

/* Whole steps of dt_min in interval_min, for counting time in steps: interval / dt rounded to the nearest
 * integer, at least 1, and at most `cap` (an interval longer than cap steps — even one too long for an
 * int64, where llround would overflow — is cap). */
int64_t stroma_model_steps(double interval_min, double dt_min, int64_t cap);

/* Diffusion steps of the run (time.end / time.dt_diffusion, rounded, at least 1), or -1 if that is more than
 * STROMA_MAX_STEPS (or not a number). */
int64_t stroma_model_end_step(const stroma_model *model);

/* Index of the substrate called name, or -1. */
int stroma_model_substrate_index(const stroma_model *model, const char *name);

#endif
