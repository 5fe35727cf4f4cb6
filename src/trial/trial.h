/* Virtual trials (`stroma trial`, docs/trials.md): the trial file as plain data (a base model, a cohort of
 * parameters drawn per patient, arms as lists of model-key overrides, the times of the baseline, the assessments
 * and the end), the runner that simulates every patient in every arm, and the outcomes and statistics written to
 * results.sqlite, CSV files and an HTML report.
 *
 * Design: a patient is a pure function of (trial seed, patient index): its parameters are drawn with the
 * counter-based generator keyed by (trial seed, patient, parameter), its run seed by (trial seed, patient), so
 * patient i is the same whatever the cohort size, thread count or process, and can be rerun alone with the
 * `stroma run MODEL --seed S --end E --set k=v ...` command stored with its results. Each (patient, arm) run is a
 * job whose record goes to OUT/jobs/ atomically when it finishes: a killed trial resumes by skipping those, and the
 * results are always built from the records on disk, so a resumed trial equals an unbroken one. */
#ifndef STROMA_TRIAL_TRIAL_H
#define STROMA_TRIAL_TRIAL_H

#include <stddef.h>
#include <stdint.h>

#include "stroma/stroma.h"

/* How a cohort parameter is drawn. */
typedef enum trial_dist_kind {
    TRIAL_DIST_UNIFORM,   /* a + (b - a) u */
    TRIAL_DIST_NORMAL,    /* mean + sd z */
    TRIAL_DIST_LOGNORMAL, /* median exp(sd_log z) */
    TRIAL_DIST_CHOICE     /* one of the listed values, each equally likely */
} trial_dist_kind;

typedef struct trial_param {
    char *key;              /* owned: the model key path, "cell_types.cancer.cycle.duration" */
    trial_dist_kind kind;
    double a, b;            /* uniform: [a, b]; normal: mean, sd; lognormal: median, sd_log */
    int has_min, has_max;   /* clip the draw to [min, max] */
    double min, max;
    int integer;            /* round the (clipped) draw to the nearest integer */
    int nchoices;
    char **choices;         /* owned [nchoices]: each a YAML value in flow form */
    int line, column;       /* where the key is written in the trial file */
} trial_param;

typedef struct trial_override {
    char *set;              /* owned: "key.path=value" */
    int line, column;       /* where the key is written in the trial file */
} trial_override;

typedef struct trial_arm {
    char *name;             /* owned */
    int nsets;
    trial_override *sets;   /* owned [nsets], in file order */
    int line, column;
} trial_arm;

struct stroma_trial {
    char path[1024];        /* the trial file as given */
    char sha256[65];        /* of the trial file's text */
    char model_path[4096];  /* absolute path of the base model */
    char *model_text;       /* owned: the base model's text, read once (a change on disk mid-trial is not seen) */
    size_t model_len;
    char model_sha256[65];
    uint64_t seed;
    int patients;
    double end_min, baseline_min, every_min; /* follow-up end, baseline assessment time, assessment interval */
    int nburden;
    char **burden;          /* owned [nburden]: cell types whose live cells are the tumour burden */
    int burden_line, burden_column; /* where `burden` is written (0: absent) */
    int every_line, every_column;   /* where `every` is written */
    int nparams;
    trial_param *params;    /* owned [nparams], in file order */
    int narms;
    trial_arm *arms;        /* owned [narms], in file order */
    /* from the base model (checked at load) */
    int dim;                /* 2 or 3: tumour size = burden^(1/dim) */
    int nplasma;
    char **plasma;          /* owned [nplasma]: systemic substrates (plasma biomarkers), in the model's order */
    int has_cachexia;       /* the model defines indices.cachexia */
};

/* Patient i's run seed (1 to 2^31 - 1). */
uint64_t stroma_trial_patient_seed(const stroma_trial *t, int patient);

/* Patient i's value of parameter p as the YAML text of an override ("650.25", "34", "{model: none}"), into
 * buf[cap]. */
void stroma_trial_patient_value(const stroma_trial *t, int patient, int p, char *buf, size_t cap);

/* The overrides of (patient, arm): the cohort's values, then the arm's sets (a later one of the same key wins).
 * Returns a malloc'd array of *n malloc'd strings (free with stroma_trial_free_sets), or NULL when out of memory. */
char **stroma_trial_job_sets(const stroma_trial *t, int patient, int arm, int *n);
void stroma_trial_free_sets(char **sets, int n);

/* Times at which burden and biomarkers are recorded: 0, every, 2 every, ..., end (end a whole multiple). */
int stroma_trial_ntimes(const stroma_trial *t);

/* The record of one finished (patient, arm) run. */
typedef struct trial_job {
    int patient, arm;
    uint64_t seed;
    int ntimes;
    double *time;           /* owned [ntimes], min */
    double *burden;         /* owned [ntimes], live cells of the burden types */
    double *plasma;         /* owned [nplasma * ntimes], plasma value of biomarker k at time j: [k * ntimes + j] */
    double *cachexia;       /* owned [ntimes] or NULL (the model has no cachexia index) */
    char *command;          /* owned: the `stroma run` command that reruns it */
} trial_job;

void stroma_trial_job_free(trial_job *j);

/* The outcomes of a job by the RECIST-like rule of docs/trials.md. */
enum { TRIAL_CR, TRIAL_PR, TRIAL_SD, TRIAL_PD, TRIAL_NE };
extern const char *const stroma_trial_response_names[5];

typedef struct trial_outcome {
    int baseline_index;      /* index of the baseline time in the job's times */
    double baseline_burden, final_burden;
    double best_change;      /* smallest size change from baseline over the assessments (fraction; -1 = gone) */
    int best_response;       /* TRIAL_CR .. TRIAL_NE */
    int responder;           /* CR or PR */
    double pfs_min;          /* from baseline to the first progression, or to the end (censored) */
    int pfs_event;           /* 1 progression, 0 censored */
} trial_outcome;

/* Classify a job's burden series (see docs/trials.md). */
void stroma_trial_outcome(const stroma_trial *t, const trial_job *j, trial_outcome *o);

/* Write OUT/results.sqlite, OUT/csv/<table>.csv and OUT/report.html from every job (jobs[patients * narms],
 * patient-major) of a trial with `patients` patients. */
stroma_code stroma_trial_write_results(const stroma_trial *t, int patients, const trial_job *jobs,
                                       const char *out_dir, stroma_error *err);

/* Write OUT/report.html (trial_report.c) from the outcomes (outcomes[patients * narms], same order as jobs) and
 * the open results database's statistics tables. */
struct sqlite3;
stroma_code stroma_trial_write_report(const stroma_trial *t, int patients, const trial_job *jobs,
                                      const trial_outcome *outcomes, struct sqlite3 *db, const char *out_dir,
                                      stroma_error *err);

#endif
