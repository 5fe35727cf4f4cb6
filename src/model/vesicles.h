/* Extracellular vesicles (exosomes) in the model description (the `vesicles:` section): named classes, each
 * transported as a field of its own in particles/mL (one substrate appended per class by the loader,
 * load_vesicles.c), released and taken up by cells and carrying cargo into their state variables (body/vesicles.c,
 * docs/vesicles.md). Units on every field. */
#ifndef STROMA_MODEL_VESICLES_H
#define STROMA_MODEL_VESICLES_H

/* Included by model/model.h (after stroma_srcloc); include that instead. */

/* Boltzmann constant (J/K), body temperature (K) and the viscosity of water at 37 °C (Pa s) of the default
 * diffusion coefficient D = kT / (3 pi eta d) (Stokes-Einstein). */
#define STROMA_BOLTZMANN_J_PER_K 1.380649e-23
#define STROMA_BODY_TEMPERATURE_K 310.15
#define STROMA_WATER_VISCOSITY_37C_PA_S 6.913e-4

/* One class of vesicles. */
typedef struct stroma_vesicle_class_desc {
    char name[64];
    int substrate;                  /* its field: index into model->substrates (unit particles/mL) */
    double diameter_nm;             /* > 0 */
    double tissue_factor;           /* > 0: D in tissue = factor x D in water (when diffusion is not given) */
    int diffusion_given;            /* 1: `diffusion` was written; 0: Stokes-Einstein x tissue_factor */
    double diffusion_um2_per_min;   /* the field's D (given, or the default) */
    double decay_per_min;           /* >= 0 */
    double *cargo;                  /* [nstate] molecules per vesicle added to each state variable; owned */
    double *release;                /* [ntypes] vesicles per cell per min (base of `<class> release`); owned */
    double *uptake_rate;            /* [ntypes] vesicles per cell per min at saturation (base of `<class>
                                       uptake`); owned */
    double *uptake_half_max;        /* [ntypes] particles/mL giving half that rate (> 0); owned */
    stroma_srcloc loc;
} stroma_vesicle_class_desc;

typedef struct stroma_vesicles_desc {
    int present;                    /* the model has a `vesicles:` section */
    int nclasses;
    stroma_vesicle_class_desc *classes; /* [nclasses], owned, in file order */
    int first_substrate;            /* the classes' fields are substrates first_substrate .. + nclasses - 1, in
                                       class order (model->nsub when there are none) */
    stroma_srcloc loc;
} stroma_vesicles_desc;

/* Stokes-Einstein diffusion coefficient of a sphere of diameter d_nm in water at 37 °C, µm²/min. */
double stroma_vesicle_stokes_einstein(double diameter_nm);

/* The class whose field is substrate s, or -1 (s is a substrate of the `substrates:` section). */
int stroma_vesicle_class_of(const stroma_model *m, int s);

#endif
