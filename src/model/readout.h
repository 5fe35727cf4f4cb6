/* What a pathologist and a clinician read from a run (plain data filled by load_markers.c): virtual
 * immunohistochemistry markers and the populations they are counted in, the tissue section that says which cell
 * types make the tumour and which are CD8 T cells, and the clinical indices computed from plasma values.
 *
 * Design notes
 * - A marker is a condition on a live cell: its type is one of `types` and every condition holds. A condition
 *   reads a rule signal (a state variable, a substrate, pressure ...) or the cell's current value of a rule
 *   behaviour (cycle entry ...), by the names rules use, and compares it with `above` (value > above) and/or
 *   `below` (value < below). Contact signals are refused (the neighbour grid is not current at output times).
 * - Every field here is derived from the file; nothing evolves, so nothing is checkpointed (readout/). */
#ifndef STROMA_MODEL_READOUT_H
#define STROMA_MODEL_READOUT_H

/* Most markers a model may define (a cell's results fit one 64-bit mask). */
#define STROMA_MAX_MARKERS 64

/* One comparison of a marker. */
typedef struct stroma_marker_cond {
    int is_behaviour;       /* 0: a rule signal; 1: a rule behaviour */
    int index;              /* into rule_tables.signals or .behaviours */
    int has_above, has_below;
    double above, below;    /* in the signal's or behaviour's unit: positive when value > above, value < below */
} stroma_marker_cond;

typedef struct stroma_marker_desc {
    char name[64];
    unsigned char *types;   /* [ntypes] 1: cells of that type may be positive (owned) */
    int ncond;
    stroma_marker_cond *cond; /* [ncond], owned; every one must hold (none: type membership alone) */
} stroma_marker_desc;

/* A named group of cell types in which the markers are counted (besides each type on its own). */
typedef struct stroma_population_desc {
    char name[64];
    unsigned char *types;   /* [ntypes] 1: member (owned) */
} stroma_population_desc;

/* The tissue section: which live cells are the tumour, where the tumour region is (readout/tumour_region.h). */
typedef struct stroma_tissue_desc {
    int present;
    unsigned char *tumour;  /* [ntypes] 1: a tumour cell type (owned) */
    unsigned char *cd8;     /* [ntypes] 1: a CD8 T cell type (owned); NULL: no cd8 key, its metrics are omitted */
    int oxygen;             /* substrate read as pO2 (tissue.oxygen, else vessels.oxygen.substrate); -1: none */
    double coverage;        /* smoothed tumour cover (area or volume fraction) a region voxel reaches, (0, 1] */
    double smoothing_um;    /* radius of the disc/ball the cover is averaged over, >= 0 */
    double margin_um;       /* width of the invasive margin band outside the region, > 0 */
} stroma_tissue_desc;

/* One term of an index: a systemic substrate's plasma excess over its healthy level, on a Hill scale. */
typedef struct stroma_index_term {
    int systemic;           /* index into body.systemic */
    int cargo;              /* state variable whose circulating cargo is read (vesicle classes), -1: the value */
    double half_max;        /* excess giving half the term (clinical unit, or molecules/mL with cargo), > 0 */
    double hill;            /* > 0 */
    double weight;          /* > 0 */
} stroma_index_term;

typedef struct stroma_index_desc {
    int present;
    int nterms;
    stroma_index_term *terms; /* [nterms], owned, in file order */
} stroma_index_desc;

enum { STROMA_INDEX_CACHEXIA, STROMA_INDEX_NICHE, STROMA_INDEX_COUNT };

typedef struct stroma_readout_desc {
    int nmarkers;
    stroma_marker_desc *markers;   /* [nmarkers], owned, in file order */
    int npopulations;
    stroma_population_desc *populations; /* [npopulations], owned, in file order */
    stroma_tissue_desc tissue;
    stroma_index_desc index[STROMA_INDEX_COUNT]; /* cachexia, premetastatic_niche */
    int image_marker;              /* outputs.images.marker: marker the pictures colour cells by; -1: by type */
} stroma_readout_desc;

/* JSON key / time-series suffix of each index. */
extern const char *const stroma_index_names[STROMA_INDEX_COUNT];

#endif
