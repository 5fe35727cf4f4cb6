/* The model-file schema table (one row per key) and the reference manual generated from it. */
#include "model/schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "model/rules_tables.h"

#define REQUIRED STROMA_NEED_REQUIRED
#define OPTIONAL STROMA_NEED_OPTIONAL
#define CONDITIONAL STROMA_NEED_CONDITIONAL
#define GE_0 .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 0.0
#define GT_0 .lower = STROMA_BOUND_EXCLUSIVE, .lower_value = 0.0
#define DEFAULT(text, value) .default_text = text, .has_default = 1, .default_value = value
#define NAME_LEN .max_len = STROMA_NAME_MAX - 1
#define COUNT_RANGE                                                                                       \
    .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 1, .upper = STROMA_BOUND_INCLUSIVE,                   \
    .upper_value = 2147483647.0

#define FACE_ROW(face, plane)                                                                             \
    {"substrates.<name>.boundary." face, STROMA_SCHEMA_NUMBER, "substrate unit", OPTIONAL,                \
     .default_text = "no flux", GE_0, .doc = "Value held on the face " plane " (Dirichlet)."}

#define VESICLE_FACE_ROW(face, plane)                                                                     \
    {"vesicles.<name>.boundary." face, STROMA_SCHEMA_NUMBER, "particles/mL", OPTIONAL,                    \
     .default_text = "no flux", GE_0, .doc = "Value held on the face " plane " (Dirichlet)."}

const stroma_schema_key stroma_schema_keys[STROMA_KEY_COUNT] = {
    [STROMA_KEY_DOMAIN] = {"domain", STROMA_SCHEMA_MAP, "", REQUIRED, .doc = "The simulation box and its voxel mesh."},
    [STROMA_KEY_DOMAIN_X] = {"domain.x", STROMA_SCHEMA_INTERVAL, "µm", REQUIRED, .doc = "Extent along x."},
    [STROMA_KEY_DOMAIN_Y] = {"domain.y", STROMA_SCHEMA_INTERVAL, "µm", REQUIRED, .doc = "Extent along y."},
    [STROMA_KEY_DOMAIN_Z] = {"domain.z", STROMA_SCHEMA_INTERVAL, "µm", REQUIRED, .doc = "Extent along z."},
    [STROMA_KEY_DOMAIN_VOXEL] = {"domain.voxel", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                 .doc = "Edge of the cubic voxels; must divide every extent (to 1e-9 relative). "
                                        "An axis one voxel thick makes the model 2D (two such axes: 1D)."},
    [STROMA_KEY_TIME] = {"time", STROMA_SCHEMA_MAP, "", REQUIRED, .doc = "Simulated time."},
    [STROMA_KEY_TIME_END] = {"time.end", STROMA_SCHEMA_NUMBER, "min", REQUIRED, GT_0,
                             .doc = "End time of the run (the command line may override it); at most 2^53 steps "
                                    "of dt_diffusion."},
    [STROMA_KEY_TIME_DT_DIFFUSION] = {"time.dt_diffusion", STROMA_SCHEMA_NUMBER, "min", REQUIRED, GT_0,
                                      .doc = "Time step of the diffusion-decay solver."},
    [STROMA_KEY_TIME_DT_MECHANICS] = {"time.dt_mechanics", STROMA_SCHEMA_NUMBER, "min", OPTIONAL, DEFAULT("0.1", 0.1),
                                      GT_0,
                                      .doc = "Time step of cell motion (PhysiCell's default); a whole multiple of "
                                             "dt_diffusion (to 1e-9 relative). Checked when the model has cell "
                                             "types or the key is given."},
    [STROMA_KEY_TIME_DT_PHENOTYPE] = {"time.dt_phenotype", STROMA_SCHEMA_NUMBER, "min", OPTIONAL, DEFAULT("6", 6.0),
                                      GT_0,
                                      .doc = "Time step of cell volume, cycle, death and interactions (PhysiCell's "
                                             "default); a whole multiple of dt_mechanics (to 1e-9 relative). Checked "
                                             "when the model has cell types or either step is given."},
    [STROMA_KEY_SEED] = {"seed", STROMA_SCHEMA_UINT64, "", OPTIONAL, DEFAULT("1", 1.0),
                         .doc = "Seed of the counter-based random generator (placement of sources and cells, "
                                "cell decisions); the same seed gives the same run at any thread count."},
    [STROMA_KEY_SUBSTRATES] = {"substrates", STROMA_SCHEMA_NAMED_MAP, "", REQUIRED, .min_items = 1,
                               .max_len = STROMA_NAME_MAX - 1, .doc = "Diffusible substrates, by name."},
    [STROMA_KEY_SUBSTRATE] = {"substrates.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                              .doc = "One substrate; `<name>` is how sources and outputs refer to it."},
    [STROMA_KEY_SUBSTRATE_UNIT] = {"substrates.<name>.unit", STROMA_SCHEMA_STRING, "", OPTIONAL,
                                   DEFAULT("none", 0.0), .max_len = 31,
                                   .doc = "Unit of the substrate's values, free text for outputs (e.g. mmHg)."},
    [STROMA_KEY_SUBSTRATE_DIFFUSION] = {"substrates.<name>.diffusion", STROMA_SCHEMA_NUMBER, "µm²/min", REQUIRED,
                                        GE_0, .doc = "Diffusion coefficient D."},
    [STROMA_KEY_SUBSTRATE_DECAY] = {"substrates.<name>.decay", STROMA_SCHEMA_NUMBER, "1/min", REQUIRED, GE_0,
                                    .doc = "First-order decay rate; sqrt(D/decay) is the diffusion length."},
    [STROMA_KEY_SUBSTRATE_INITIAL] = {"substrates.<name>.initial", STROMA_SCHEMA_NUMBER, "substrate unit", OPTIONAL,
                                      DEFAULT("0", 0.0), GE_0, .doc = "Uniform initial value in every voxel."},
    [STROMA_KEY_SUBSTRATE_BOUNDARY] = {"substrates.<name>.boundary", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                       .default_text = "no flux on every face",
                                       .doc = "Dirichlet values on faces of the domain; a face not listed is "
                                              "no-flux."},
    [STROMA_KEY_BOUNDARY_X_MIN] = FACE_ROW("x_min", "x = domain.x lo"),
    [STROMA_KEY_BOUNDARY_X_MAX] = FACE_ROW("x_max", "x = domain.x hi"),
    [STROMA_KEY_BOUNDARY_Y_MIN] = FACE_ROW("y_min", "y = domain.y lo"),
    [STROMA_KEY_BOUNDARY_Y_MAX] = FACE_ROW("y_max", "y = domain.y hi"),
    [STROMA_KEY_BOUNDARY_Z_MIN] = FACE_ROW("z_min", "z = domain.z lo"),
    [STROMA_KEY_BOUNDARY_Z_MAX] = FACE_ROW("z_max", "z = domain.z hi"),
    [STROMA_KEY_SUBSTRATE_FIXED] = {"substrates.<name>.fixed", STROMA_SCHEMA_LIST, "", OPTIONAL,
                                    .default_text = "none",
                                    .doc = "Voxels inside the domain held at a fixed value (Dirichlet voxels, "
                                           "e.g. vessels)."},
    [STROMA_KEY_FIXED] = {"substrates.<name>.fixed[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                          .doc = "One fixed voxel; two entries may not hold the same voxel at different values."},
    [STROMA_KEY_FIXED_AT] = {"substrates.<name>.fixed[].at", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                             .doc = "Any point of the voxel to hold; must lie in the domain."},
    [STROMA_KEY_FIXED_VALUE] = {"substrates.<name>.fixed[].value", STROMA_SCHEMA_NUMBER, "substrate unit", REQUIRED,
                                GE_0, .doc = "Value held."},
    [STROMA_KEY_TRANSPORT] = {"transport", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                              .doc = "How the substrates' diffusion, decay and reactions are solved."},
    [STROMA_KEY_TRANSPORT_SOLVER] = {"transport.solver", STROMA_SCHEMA_CHOICE, "", OPTIONAL, DEFAULT("lod", 0.0),
                                     .choices = "lod adi adi-cn explicit",
                                     .doc = "lod: three implicit 1D solves per step (BioFVM's LOD splitting), the "
                                            "cells' sources and sinks as a step of their own; fast, but its fields "
                                            "depend on dt next to sources and sinks. adi: Douglas ADI with every "
                                            "reaction (cells, point sources, vessel walls) inside the implicit "
                                            "operator: its steady state is the discrete operator's at any dt "
                                            "(first order in time); adi-cn: the same with theta = 1/2 (second "
                                            "order). explicit: forward Euler, a slow reference (refused above its "
                                            "stability limit). `stroma run --solver` overrides it. See "
                                            "docs/transport.md."},
    [STROMA_KEY_BOUNDARY_CONVENTION] = {"boundary_convention", STROMA_SCHEMA_CHOICE, "", OPTIONAL,
                                        DEFAULT("face", 0.0), .choices = "face voxel biofvm",
                                        .doc = "Where a Dirichlet face value of `boundary` (substrates and vesicles) "
                                               "is held. face: at the face itself, half a voxel outside the "
                                               "outermost voxel centres (ghost-voxel closure, second order). voxel: "
                                               "in the outermost voxels themselves, as PhysiCell/BioFVM does: they "
                                               "are held at the value like fixed voxels (exactly, in every solve; "
                                               "sources and cells do not change them), a voxel on several Dirichlet "
                                               "faces takes the last in the order x_min, x_max, y_min, y_max, "
                                               "z_min, z_max, and a `fixed` entry there wins. biofvm: BioFVM's own "
                                               "scheme: the same voxels (same edges, `fixed` wins) are set to the "
                                               "value before the first axis sweep of each step and after every "
                                               "sweep, but within a sweep they are free unknowns with no flux at the "
                                               "face, so they relax towards the interior and their neighbours see "
                                               "less than the value (a difference that grows with D dt / dx^2); "
                                               "sources act on them until the next reset. lod solver only (the "
                                               "explicit solver refuses it). Faces of an axis one voxel thick are "
                                               "ignored in every convention. See docs/transport.md."},
    [STROMA_KEY_SOURCES] = {"sources", STROMA_SCHEMA_LIST, "", OPTIONAL, .default_text = "none",
                            .doc = "Point sources and sinks (stand-ins for cells)."},
    [STROMA_KEY_SOURCE] = {"sources[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                           .doc = "A group of identical point sources: one point (`at`), or `count` points placed "
                                  "uniformly at random in a `disc`, `sphere`, `box` or `annulus` (give exactly one "
                                  "of the five). Per point and step dt: c <- (c + dt (V/Vvox) S T) / (1 + dt (V/Vvox) "
                                  "(S + U)) + dt E / Vvox."},
    [STROMA_KEY_SOURCE_SUBSTRATE] = {"sources[].substrate", STROMA_SCHEMA_NAME, "", REQUIRED,
                                     .max_len = STROMA_NAME_MAX - 1,
                                     .doc = "Name of the substrate it acts on (a key of `substrates`)."},
    [STROMA_KEY_SOURCE_AT] = {"sources[].at", STROMA_SCHEMA_POINT, "µm", CONDITIONAL,
                              .need_text = "one of at, disc, sphere, box, annulus",
                              .doc = "Position of a single source; must lie in the domain."},
    [STROMA_KEY_SOURCE_COUNT] = {"sources[].count", STROMA_SCHEMA_INTEGER, "", CONDITIONAL,
                                 .need_text = "with disc, sphere, box or annulus", .default_text = "1 with at",
                                 COUNT_RANGE,
                                 .doc = "Number of points placed in the region (only 1 is allowed with `at`)."},
    [STROMA_KEY_SOURCE_DISC] = {"sources[].disc", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                .need_text = "one of at, disc, sphere, box, annulus",
                                .doc = "Disc in the plane z = center z (for 2D models); must lie in the domain."},
    [STROMA_KEY_SOURCE_DISC_CENTER] = {"sources[].disc.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                       .doc = "Centre of the disc."},
    [STROMA_KEY_SOURCE_DISC_RADIUS] = {"sources[].disc.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                       .doc = "Radius of the disc."},
    [STROMA_KEY_SOURCE_SPHERE] = {"sources[].sphere", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                  .need_text = "one of at, disc, sphere, box, annulus",
                                  .doc = "Ball; must lie in the domain (in a 2D model use a disc)."},
    [STROMA_KEY_SOURCE_SPHERE_CENTER] = {"sources[].sphere.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                         .doc = "Centre of the ball."},
    [STROMA_KEY_SOURCE_SPHERE_RADIUS] = {"sources[].sphere.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                         .doc = "Radius of the ball."},
    [STROMA_KEY_SOURCE_BOX] = {"sources[].box", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                               .need_text = "one of at, disc, sphere, box, annulus",
                               .doc = "Axis-aligned box; must lie in the domain."},
    [STROMA_KEY_SOURCE_BOX_LO] = {"sources[].box.lo", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                  .doc = "Lower corner."},
    [STROMA_KEY_SOURCE_BOX_HI] = {"sources[].box.hi", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                  .doc = "Upper corner; hi >= lo on every axis."},
    [STROMA_KEY_SOURCE_ANNULUS] = {"sources[].annulus", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                   .need_text = "one of at, disc, sphere, box, annulus",
                                   .doc = "Ring between two radii in the plane z = center z in a 1D or 2D model, "
                                          "spherical shell in a 3D model; must lie in the domain."},
    [STROMA_KEY_SOURCE_ANNULUS_CENTER] = {"sources[].annulus.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                          .doc = "Centre of the annulus."},
    [STROMA_KEY_SOURCE_ANNULUS_INNER] = {"sources[].annulus.inner", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GE_0,
                                         .doc = "Inner radius."},
    [STROMA_KEY_SOURCE_ANNULUS_OUTER] = {"sources[].annulus.outer", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                         .doc = "Outer radius; outer > inner."},
    [STROMA_KEY_SOURCE_VOLUME] = {"sources[].volume", STROMA_SCHEMA_NUMBER, "µm³", OPTIONAL, DEFAULT("2494", 2494.0),
                                  GT_0, .doc = "Volume V of each source (2494 µm³: a PhysiCell cell)."},
    [STROMA_KEY_SOURCE_SECRETION] = {"sources[].secretion", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL,
                                     DEFAULT("0", 0.0), GE_0, .doc = "Secretion rate S towards the saturation value."},
    [STROMA_KEY_SOURCE_SATURATION] = {"sources[].saturation", STROMA_SCHEMA_NUMBER, "substrate unit", CONDITIONAL,
                                      .need_text = "when secretion > 0", DEFAULT("0", 0.0), GE_0,
                                      .doc = "Saturation value T that secretion drives the voxel towards."},
    [STROMA_KEY_SOURCE_UPTAKE] = {"sources[].uptake", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL, DEFAULT("0", 0.0),
                                  GE_0, .doc = "Uptake rate U."},
    [STROMA_KEY_SOURCE_EXPORT] = {"sources[].export", STROMA_SCHEMA_NUMBER, "substrate unit × µm³/min", OPTIONAL,
                                  DEFAULT("0", 0.0),
                                  .doc = "Net export E; negative imports (the field is never driven below 0)."},
    [STROMA_KEY_CELL_TYPES] = {"cell_types", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL, .default_text = "none",
                               NAME_LEN, .max_items = STROMA_MAX_CELL_TYPES,
                               .doc = "Cell types, by name; their order is the type index used by CSV files of "
                                      "initial cells (0 = first)."},
    [STROMA_KEY_CELL_TYPE] = {"cell_types.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                              .doc = "One cell type; `<name>` is how initial cells, interactions and outputs refer "
                                     "to it."},
    [STROMA_KEY_CELL_VOLUME] = {"cell_types.<name>.volume", STROMA_SCHEMA_NUMBER, "µm³", OPTIONAL,
                                DEFAULT("2494", 2494.0), GT_0,
                                .doc = "Target total volume; a new daughter grows back to it (2494 µm³: PhysiCell)."},
    [STROMA_KEY_CELL_GROWTH_RATE] = {"cell_types.<name>.growth_rate", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL,
                                     DEFAULT("0.01", 0.01), GE_0,
                                     .doc = "Rate g at which the volume relaxes to its target: dV/dt = g (V* - V)."},
    [STROMA_KEY_CELL_VOLUME_PARTS] = {"cell_types.<name>.volume_parts", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                      .default_text = "one total volume relaxing at growth_rate",
                                      .doc = "PhysiCell's volume model (standard_volume_update_function): the fluid, "
                                             "nuclear solid and cytoplasmic solid volumes relax toward their targets "
                                             "at their own rates (explicit Euler at dt_phenotype, as PhysiCell); "
                                             "the solid targets double on entering phase `double_at_phase` and "
                                             "halve at division. growth_rate is not used then."},
    [STROMA_KEY_CELL_VP_FLUID_FRACTION] = {"cell_types.<name>.volume_parts.fluid_fraction", STROMA_SCHEMA_NUMBER, "",
                                           OPTIONAL, DEFAULT("0.75", 0.75), GE_0, .upper = STROMA_BOUND_INCLUSIVE,
                                           .upper_value = 1, .doc = "Target fluid fraction of the volume."},
    [STROMA_KEY_CELL_VP_NUCLEAR] = {"cell_types.<name>.volume_parts.nuclear", STROMA_SCHEMA_NUMBER, "µm³", OPTIONAL,
                                    DEFAULT("540", 540.0), GT_0,
                                    .doc = "Nuclear volume of a new cell of `volume` (less than `volume`); with the "
                                           "fluid fraction it sets the solid targets."},
    [STROMA_KEY_CELL_VP_FLUID_RATE] = {"cell_types.<name>.volume_parts.fluid_change_rate", STROMA_SCHEMA_NUMBER,
                                       "1/min", OPTIONAL, DEFAULT("0.05", 0.05), GE_0,
                                       .doc = "Rate at which the fluid volume relaxes to fluid_fraction x volume."},
    [STROMA_KEY_CELL_VP_CYTO_RATE] = {"cell_types.<name>.volume_parts.cytoplasmic_biomass_change_rate",
                                      STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL, DEFAULT("0.0045", 0.0045), GE_0,
                                      .doc = "Rate at which the cytoplasmic solid volume relaxes to its target."},
    [STROMA_KEY_CELL_VP_NUCLEAR_RATE] = {"cell_types.<name>.volume_parts.nuclear_biomass_change_rate",
                                         STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL, DEFAULT("0.0055", 0.0055), GE_0,
                                         .doc = "Rate at which the nuclear solid volume relaxes to its target."},
    [STROMA_KEY_CELL_VP_DOUBLE_AT_PHASE] = {"cell_types.<name>.volume_parts.double_at_phase", STROMA_SCHEMA_INTEGER,
                                            "", OPTIONAL, DEFAULT("0", 0.0), .lower = STROMA_BOUND_INCLUSIVE,
                                            .lower_value = 0, .upper = STROMA_BOUND_INCLUSIVE,
                                            .upper_value = STROMA_MAX_PHASES - 1,
                                            .doc = "Phase (0 = first) on whose entry the solid targets double, "
                                                   "PhysiCell's growth phase (S, Ki67+, cycling); 0: on entering "
                                                   "phase 0, which is at division, so the targets stay the type's "
                                                   "(PhysiCell's live model). Less than the number of phases."},
    [STROMA_KEY_CELL_CYCLE] = {"cell_types.<name>.cycle", STROMA_SCHEMA_MAP, "", OPTIONAL,
                               .default_text = "does not divide", .doc = "Cell cycle and division."},
    [STROMA_KEY_CELL_CYCLE_MODEL] = {"cell_types.<name>.cycle.model", STROMA_SCHEMA_CHOICE, "", REQUIRED,
                                     .choices = "exponential phases none",
                                     .doc = "exponential: division after an exponential waiting time of mean "
                                            "`duration`; phases: fixed durations `phases`, division at the end of "
                                            "the last; none: no division."},
    [STROMA_KEY_CELL_CYCLE_DURATION] = {"cell_types.<name>.cycle.duration", STROMA_SCHEMA_NUMBER, "min",
                                        CONDITIONAL, .need_text = "with model exponential (only)", GT_0,
                                        .doc = "Mean time to division."},
    [STROMA_KEY_CELL_CYCLE_PHASES] = {"cell_types.<name>.cycle.phases", STROMA_SCHEMA_LIST, "min", CONDITIONAL,
                                      .need_text = "with model phases (only)", .min_items = 1,
                                      .max_items = STROMA_MAX_PHASES,
                                      .doc = "Durations of the phases, in order (e.g. G1, S, G2, M)."},
    [STROMA_KEY_CELL_CYCLE_PHASE] = {"cell_types.<name>.cycle.phases[]", STROMA_SCHEMA_NUMBER, "min", REQUIRED, GT_0,
                                     .doc = "Duration of one phase."},
    [STROMA_KEY_CELL_CYCLE_PHASE_KINDS] = {"cell_types.<name>.cycle.phase_kinds", STROMA_SCHEMA_LIST, "", OPTIONAL,
                                           .default_text = "fixed for every phase", .min_items = 1,
                                           .max_items = STROMA_MAX_PHASES,
                                           .doc = "How long each phase lasts, in the order of `phases` and as many: "
                                                  "fixed (exactly its duration) or exponential (an exponential "
                                                  "waiting time of mean its duration; PhysiCell's "
                                                  "fixed_duration=\"false\"). With model phases (only)."},
    [STROMA_KEY_CELL_CYCLE_PHASE_KIND] = {"cell_types.<name>.cycle.phase_kinds[]", STROMA_SCHEMA_CHOICE, "", REQUIRED,
                                          .choices = "fixed exponential", .doc = "Kind of one phase."},
    [STROMA_KEY_CELL_CYCLE_ASYM] = {"cell_types.<name>.cycle.asymmetric_division", STROMA_SCHEMA_NAMED_MAP, "",
                                    OPTIONAL, .default_text = "symmetric: both daughters keep the type", NAME_LEN,
                                    .doc = "Asymmetric division (PhysiCell's standard_asymmetric_division): at each "
                                           "division the daughter becomes the type named with its probability "
                                           "(one draw per division; the mother keeps her type), and with the rest, "
                                           "1 - the sum, the division is symmetric. Other types only, probabilities "
                                           "summing to at most 1; rules `asymmetric division to <type>` may change "
                                           "them (a cell's probabilities are taken in type order, the sum cut at "
                                           "1)."},
    [STROMA_KEY_CELL_CYCLE_ASYM_TYPE] = {"cell_types.<name>.cycle.asymmetric_division.<name>", STROMA_SCHEMA_NUMBER,
                                         "", REQUIRED, GE_0, .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1,
                                         .doc = "Probability that a division makes the daughter that type."},
    [STROMA_KEY_CELL_DEATH] = {"cell_types.<name>.death", STROMA_SCHEMA_MAP, "", OPTIONAL,
                               .default_text = "no death (apoptosis rate 0, no necrosis)", .doc = "Death."},
    [STROMA_KEY_CELL_APOPTOSIS] = {"cell_types.<name>.death.apoptosis", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                   .default_text = "rate 0", .doc = "Programmed death at a constant rate."},
    [STROMA_KEY_CELL_APOPTOSIS_RATE] = {"cell_types.<name>.death.apoptosis.rate", STROMA_SCHEMA_NUMBER, "1/min",
                                        OPTIONAL, DEFAULT("0", 0.0), GE_0, .doc = "Rate of entering apoptosis."},
    [STROMA_KEY_CELL_APOPTOSIS_DURATION] = {"cell_types.<name>.death.apoptosis.duration", STROMA_SCHEMA_NUMBER, "min",
                                            OPTIONAL, DEFAULT("516", 516.0), GT_0,
                                            .doc = "An apoptotic cell shrinks and is removed after this."},
    [STROMA_KEY_CELL_APOPTOSIS_TIMING] = {"cell_types.<name>.death.apoptosis.timing", STROMA_SCHEMA_CHOICE, "",
                                          OPTIONAL, DEFAULT("fixed", 0.0), .choices = "fixed exponential",
                                          .doc = "fixed: removal exactly `duration` after death; exponential: an "
                                                 "exponential time of mean `duration` (PhysiCell's phase with "
                                                 "fixed_duration false)."},
    [STROMA_KEY_CELL_NECROSIS] = {"cell_types.<name>.death.necrosis", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                  .default_text = "none",
                                  .doc = "Death where a substrate (oxygen) is low: the rate rises linearly from 0 at "
                                         "`threshold` to `rate` at `critical` and below."},
    [STROMA_KEY_CELL_NECROSIS_SUBSTRATE] = {"cell_types.<name>.death.necrosis.substrate", STROMA_SCHEMA_NAME, "",
                                            REQUIRED, NAME_LEN,
                                            .doc = "Substrate whose lack causes necrosis (a key of `substrates`)."},
    [STROMA_KEY_CELL_NECROSIS_THRESHOLD] = {"cell_types.<name>.death.necrosis.threshold", STROMA_SCHEMA_NUMBER,
                                            "substrate unit", REQUIRED, GE_0,
                                            .doc = "Necrosis begins below this level; threshold >= critical."},
    [STROMA_KEY_CELL_NECROSIS_CRITICAL] = {"cell_types.<name>.death.necrosis.critical", STROMA_SCHEMA_NUMBER,
                                           "substrate unit", REQUIRED, GE_0,
                                           .doc = "The rate is maximal at and below this level."},
    [STROMA_KEY_CELL_NECROSIS_RATE] = {"cell_types.<name>.death.necrosis.rate", STROMA_SCHEMA_NUMBER, "1/min",
                                       REQUIRED, GE_0, .doc = "Maximal necrosis rate."},
    [STROMA_KEY_CELL_NECROSIS_DURATION] = {"cell_types.<name>.death.necrosis.duration", STROMA_SCHEMA_NUMBER, "min",
                                           OPTIONAL, DEFAULT("86400", 86400.0), GT_0,
                                           .doc = "A necrotic cell is removed (lysed) after this."},
    [STROMA_KEY_CELL_NECROSIS_TIMING] = {"cell_types.<name>.death.necrosis.timing", STROMA_SCHEMA_CHOICE, "",
                                         OPTIONAL, DEFAULT("fixed", 0.0), .choices = "fixed exponential",
                                         .doc = "fixed: removal exactly `duration` after death; exponential: an "
                                                "exponential time of mean `duration`."},
    [STROMA_KEY_CELL_DAMAGE] = {"cell_types.<name>.damage", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                .default_text = "no damage",
                                .doc = "Cell integrity: damage D follows dD/dt = rate - repair D (implicit each "
                                       "phenotype step) plus what attackers deliver (interactions.attack_damage); "
                                       "D is the rules signal `damage`."},
    [STROMA_KEY_CELL_DAMAGE_RATE] = {"cell_types.<name>.damage.rate", STROMA_SCHEMA_NUMBER, "damage/min", OPTIONAL,
                                     DEFAULT("0", 0.0), GE_0, .doc = "Spontaneous damage accumulation."},
    [STROMA_KEY_CELL_DAMAGE_REPAIR] = {"cell_types.<name>.damage.repair", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL,
                                       DEFAULT("0", 0.0), GE_0, .doc = "Rate of repair (first order in D)."},
    [STROMA_KEY_CELL_MECHANICS] = {"cell_types.<name>.mechanics", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                   .default_text = "the defaults below",
                                   .doc = "Contact forces (PhysiCell potentials)."},
    [STROMA_KEY_CELL_REPULSION] = {"cell_types.<name>.mechanics.repulsion", STROMA_SCHEMA_NUMBER, "µm/min", OPTIONAL,
                                   DEFAULT("10", 10.0), GE_0,
                                   .doc = "Strength of repulsion between overlapping cells."},
    [STROMA_KEY_CELL_ADHESION] = {"cell_types.<name>.mechanics.adhesion", STROMA_SCHEMA_NUMBER, "µm/min", OPTIONAL,
                                  DEFAULT("0.4", 0.4), GE_0, .doc = "Strength of adhesion between nearby cells."},
    [STROMA_KEY_CELL_ADHESION_DISTANCE] = {"cell_types.<name>.mechanics.adhesion_distance", STROMA_SCHEMA_NUMBER, "",
                                           OPTIONAL, DEFAULT("1.25", 1.25), .lower = STROMA_BOUND_INCLUSIVE,
                                           .lower_value = 1.0,
                                           .doc = "Reach of adhesion relative to the sum of the two radii."},
    [STROMA_KEY_CELL_AFFINITY] = {"cell_types.<name>.mechanics.affinity", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                  .default_text = "1 toward every type", NAME_LEN,
                                  .doc = "Multiplier of adhesion toward each cell type named (types not named: 1)."},
    [STROMA_KEY_CELL_AFFINITY_TYPE] = {"cell_types.<name>.mechanics.affinity.<name>", STROMA_SCHEMA_NUMBER, "",
                                       REQUIRED, GE_0, .doc = "Adhesion multiplier toward that type."},
    [STROMA_KEY_CELL_MOTILITY] = {"cell_types.<name>.motility", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                  .default_text = "does not move on its own", .doc = "Active motion."},
    [STROMA_KEY_CELL_SPEED] = {"cell_types.<name>.motility.speed", STROMA_SCHEMA_NUMBER, "µm/min", OPTIONAL,
                               DEFAULT("0", 0.0), GE_0, .doc = "Speed of active motion."},
    [STROMA_KEY_CELL_PERSISTENCE] = {"cell_types.<name>.motility.persistence", STROMA_SCHEMA_NUMBER, "min", OPTIONAL,
                                     DEFAULT("1", 1.0), GE_0, .doc = "Mean time between changes of direction."},
    [STROMA_KEY_CELL_BIAS] = {"cell_types.<name>.motility.bias", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                              DEFAULT("0.5", 0.5), .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 0.0,
                              .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1.0,
                              .doc = "0: random walk .. 1: fully along the chemotactic gradient."},
    [STROMA_KEY_CELL_CHEMOTAXIS] = {"cell_types.<name>.motility.chemotaxis", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                    .default_text = "none",
                                    .doc = "Motion biased along one substrate's gradient (`substrate`, `direction`) "
                                           "or along a weighted sum of several (`sensitivities`, `normalize_each`); "
                                           "give one form."},
    [STROMA_KEY_CELL_CHEMOTAXIS_SUBSTRATE] = {"cell_types.<name>.motility.chemotaxis.substrate", STROMA_SCHEMA_NAME,
                                              "", CONDITIONAL, .need_text = "without sensitivities",
                                              NAME_LEN, .doc = "Substrate followed (a key of `substrates`)."},
    [STROMA_KEY_CELL_CHEMOTAXIS_DIRECTION] = {"cell_types.<name>.motility.chemotaxis.direction", STROMA_SCHEMA_CHOICE,
                                              "", OPTIONAL, DEFAULT("up", 0.0), .choices = "up down",
                                              .doc = "up: toward higher levels; down: away from them."},
    [STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITIES] = {"cell_types.<name>.motility.chemotaxis.sensitivities",
                                                  STROMA_SCHEMA_NAMED_MAP, "", CONDITIONAL,
                                                  .need_text = "without substrate", NAME_LEN,
                                                  .doc = "Sensitivity to each substrate named (others: 0); the bias "
                                                         "direction is the sum of sensitivity x gradient, normalised "
                                                         "(PhysiCell's advanced chemotaxis)."},
    [STROMA_KEY_CELL_CHEMOTAXIS_SENSITIVITY] = {"cell_types.<name>.motility.chemotaxis.sensitivities.<name>",
                                                STROMA_SCHEMA_NUMBER, "", REQUIRED,
                                                .doc = "Weight of that substrate's gradient; negative: away from "
                                                       "higher levels."},
    [STROMA_KEY_CELL_CHEMOTAXIS_NORMALIZE] = {"cell_types.<name>.motility.chemotaxis.normalize_each",
                                              STROMA_SCHEMA_CHOICE, "", OPTIONAL, DEFAULT("false", 0.0),
                                              .choices = "false true",
                                              .doc = "true: each gradient is normalised before it is weighted (only "
                                                     "the direction of each substrate counts); false: steeper "
                                                     "gradients weigh more."},
    [STROMA_KEY_CELL_SECRETION] = {"cell_types.<name>.secretion", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                   .default_text = "none", NAME_LEN,
                                   .doc = "Secretion, uptake and export of each substrate named (others: none); per "
                                          "cell and step as for `sources`."},
    [STROMA_KEY_CELL_SECRETION_SUBSTRATE] = {"cell_types.<name>.secretion.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                                             .doc = "Exchange of one substrate (a key of `substrates`)."},
    [STROMA_KEY_CELL_SECRETION_RATE] = {"cell_types.<name>.secretion.<name>.rate", STROMA_SCHEMA_NUMBER, "1/min",
                                        OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                        .doc = "Secretion rate S towards the saturation value."},
    [STROMA_KEY_CELL_SECRETION_SATURATION] = {"cell_types.<name>.secretion.<name>.saturation", STROMA_SCHEMA_NUMBER,
                                              "substrate unit", CONDITIONAL, .need_text = "when rate > 0",
                                              DEFAULT("0", 0.0), GE_0,
                                              .doc = "Saturation value T that secretion drives the voxel towards."},
    [STROMA_KEY_CELL_SECRETION_UPTAKE] = {"cell_types.<name>.secretion.<name>.uptake", STROMA_SCHEMA_NUMBER, "1/min",
                                          OPTIONAL, DEFAULT("0", 0.0), GE_0, .doc = "Uptake rate U."},
    [STROMA_KEY_CELL_SECRETION_EXPORT] = {"cell_types.<name>.secretion.<name>.export", STROMA_SCHEMA_NUMBER,
                                          "substrate unit × µm³/min", OPTIONAL, DEFAULT("0", 0.0),
                                          .doc = "Net export E; negative imports."},
    [STROMA_KEY_CELL_INTERACTIONS] = {"cell_types.<name>.interactions", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                      .default_text = "none", .doc = "What the type does to cells it touches."},
    [STROMA_KEY_CELL_ATTACK] = {"cell_types.<name>.interactions.attack", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                .default_text = "none", NAME_LEN,
                                .doc = "Rate of attaching to a live cell of each type named, in contact."},
    [STROMA_KEY_CELL_ATTACK_TYPE] = {"cell_types.<name>.interactions.attack.<name>", STROMA_SCHEMA_NUMBER, "1/min",
                                     REQUIRED, GE_0, .doc = "Attachment rate to that type."},
    [STROMA_KEY_CELL_ATTACH_DURATION] = {"cell_types.<name>.interactions.attachment_duration", STROMA_SCHEMA_NUMBER,
                                         "min", OPTIONAL, DEFAULT("60", 60.0), GT_0,
                                         .doc = "Mean time attached (exponential detachment)."},
    [STROMA_KEY_CELL_KILL_RATE] = {"cell_types.<name>.interactions.kill_rate", STROMA_SCHEMA_NUMBER, "1/min",
                                   OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                   .doc = "Rate of killing the attached cell (it becomes apoptotic)."},
    [STROMA_KEY_CELL_ATTACK_DAMAGE] = {"cell_types.<name>.interactions.attack_damage", STROMA_SCHEMA_NUMBER,
                                       "damage/min", OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                       .doc = "Damage delivered to the attached cell per minute (it adds to the "
                                              "target's `damage`; rules such as \"damage increases apoptosis\" "
                                              "turn it into death — PhysiCell's attack_damage_rate)."},
    [STROMA_KEY_CELL_PHAGOCYTOSIS] = {"cell_types.<name>.interactions.phagocytosis", STROMA_SCHEMA_NAMED_MAP, "",
                                      OPTIONAL, .default_text = "none", NAME_LEN,
                                      .doc = "Rate of engulfing a dead cell of each type named, in contact."},
    [STROMA_KEY_CELL_PHAGOCYTOSIS_TYPE] = {"cell_types.<name>.interactions.phagocytosis.<name>", STROMA_SCHEMA_NUMBER,
                                           "1/min", REQUIRED, GE_0,
                                           .doc = "Engulfment rate of dead cells of that type."},
    [STROMA_KEY_CELL_PHAGOCYTOSIS_APOPTOTIC] = {"cell_types.<name>.interactions.phagocytosis_apoptotic",
                                                STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                                .doc = "Engulfment rate of apoptotic cells of any type, in contact "
                                                       "(added to the per-type rate of `phagocytosis`; PhysiCell's "
                                                       "apoptotic_phagocytosis_rate)."},
    [STROMA_KEY_CELL_PHAGOCYTOSIS_NECROTIC] = {"cell_types.<name>.interactions.phagocytosis_necrotic",
                                               STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                               .doc = "Engulfment rate of necrotic cells of any type, in contact "
                                                      "(added to the per-type rate; PhysiCell's "
                                                      "necrotic_phagocytosis_rate)."},
    [STROMA_KEY_CELL_CONTACT_TRANSFORMS] = {"cell_types.<name>.interactions.transform_on_contact", STROMA_SCHEMA_LIST,
                                            "", OPTIONAL, .default_text = "none",
                                            .doc = "Transformations of this cell caused by contact with live cells of "
                                                   "another type."},
    [STROMA_KEY_CELL_CONTACT_TRANSFORM] = {"cell_types.<name>.interactions.transform_on_contact[]", STROMA_SCHEMA_MAP,
                                           "", REQUIRED,
                                           .doc = "One transformation; each (with, to) pair at most once."},
    [STROMA_KEY_CELL_CONTACT_WITH] = {"cell_types.<name>.interactions.transform_on_contact[].with",
                                      STROMA_SCHEMA_NAME, "", REQUIRED, NAME_LEN,
                                      .doc = "Type of the live cell touched (a key of `cell_types`)."},
    [STROMA_KEY_CELL_CONTACT_TO] = {"cell_types.<name>.interactions.transform_on_contact[].to", STROMA_SCHEMA_NAME,
                                    "", REQUIRED, NAME_LEN,
                                    .doc = "Type this cell becomes (a key of `cell_types`, not this type)."},
    [STROMA_KEY_CELL_CONTACT_RATE] = {"cell_types.<name>.interactions.transform_on_contact[].rate",
                                      STROMA_SCHEMA_NUMBER, "1/min", REQUIRED, GE_0,
                                      .doc = "Rate of the transformation while in contact."},
    [STROMA_KEY_CELL_TRANSFORM] = {"cell_types.<name>.interactions.transform", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                   .default_text = "none", NAME_LEN,
                                   .doc = "Spontaneous transformation into each type named (not this type); rules "
                                          "may modify the rates."},
    [STROMA_KEY_CELL_TRANSFORM_TYPE] = {"cell_types.<name>.interactions.transform.<name>", STROMA_SCHEMA_NUMBER,
                                        "1/min", REQUIRED, GE_0, .doc = "Rate of becoming that type."},
    [STROMA_KEY_INITIAL_CELLS] = {"initial_cells", STROMA_SCHEMA_LIST, "", OPTIONAL, .default_text = "none",
                                  .doc = "Cells present at the start; needs `cell_types`. The simulation places them "
                                         "(placement random generator); only CSV files are read by the loader."},
    [STROMA_KEY_INITIAL] = {"initial_cells[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                            .doc = "A group of cells: one (`at`), `count` cells of `type` placed uniformly at random "
                                   "in a `disc`, `sphere`, `box` or `annulus`, or the rows of a CSV `file` (give "
                                   "exactly one of the six)."},
    [STROMA_KEY_INITIAL_TYPE] = {"initial_cells[].type", STROMA_SCHEMA_NAME, "", CONDITIONAL,
                                 .need_text = "with at, disc, sphere, box or annulus (not with file)", NAME_LEN,
                                 .doc = "Cell type of the group (a key of `cell_types`)."},
    [STROMA_KEY_INITIAL_COUNT] = {"initial_cells[].count", STROMA_SCHEMA_INTEGER, "", CONDITIONAL,
                                  .need_text = "with disc, sphere, box or annulus", .default_text = "1 with at",
                                  COUNT_RANGE,
                                  .doc = "Number of cells placed in the region (only 1 is allowed with `at`)."},
    [STROMA_KEY_INITIAL_AT] = {"initial_cells[].at", STROMA_SCHEMA_POINT, "µm", CONDITIONAL,
                               .need_text = "one of at, disc, sphere, box, annulus, file",
                               .doc = "Position of a single cell; must lie in the domain."},
    [STROMA_KEY_INITIAL_DISC] = {"initial_cells[].disc", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                 .need_text = "one of at, disc, sphere, box, annulus, file",
                                 .doc = "Disc in the plane z = center z; must lie in the domain."},
    [STROMA_KEY_INITIAL_DISC_CENTER] = {"initial_cells[].disc.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                        .doc = "Centre of the disc."},
    [STROMA_KEY_INITIAL_DISC_RADIUS] = {"initial_cells[].disc.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                        .doc = "Radius of the disc."},
    [STROMA_KEY_INITIAL_SPHERE] = {"initial_cells[].sphere", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                   .need_text = "one of at, disc, sphere, box, annulus, file",
                                   .doc = "Ball; must lie in the domain (in a 2D model use a disc)."},
    [STROMA_KEY_INITIAL_SPHERE_CENTER] = {"initial_cells[].sphere.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                          .doc = "Centre of the ball."},
    [STROMA_KEY_INITIAL_SPHERE_RADIUS] = {"initial_cells[].sphere.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                          .doc = "Radius of the ball."},
    [STROMA_KEY_INITIAL_BOX] = {"initial_cells[].box", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                .need_text = "one of at, disc, sphere, box, annulus, file",
                                .doc = "Axis-aligned box; must lie in the domain."},
    [STROMA_KEY_INITIAL_BOX_LO] = {"initial_cells[].box.lo", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                   .doc = "Lower corner."},
    [STROMA_KEY_INITIAL_BOX_HI] = {"initial_cells[].box.hi", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                   .doc = "Upper corner; hi >= lo on every axis."},
    [STROMA_KEY_INITIAL_ANNULUS] = {"initial_cells[].annulus", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                    .need_text = "one of at, disc, sphere, box, annulus, file",
                                    .doc = "Ring between two radii in the plane z = center z in a 1D or 2D model, "
                                           "spherical shell in a 3D model; must lie in the domain."},
    [STROMA_KEY_INITIAL_ANNULUS_CENTER] = {"initial_cells[].annulus.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                           .doc = "Centre of the annulus."},
    [STROMA_KEY_INITIAL_ANNULUS_INNER] = {"initial_cells[].annulus.inner", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GE_0,
                                          .doc = "Inner radius."},
    [STROMA_KEY_INITIAL_ANNULUS_OUTER] = {"initial_cells[].annulus.outer", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                          .doc = "Outer radius; outer > inner."},
    [STROMA_KEY_INITIAL_FILE] = {"initial_cells[].file", STROMA_SCHEMA_STRING, "", CONDITIONAL,
                                 .need_text = "one of at, disc, sphere, box, annulus, file", .max_len = 511,
                                 .doc = "CSV file of cells, relative to the model file's directory: a header "
                                        "`x,y,z,type`, then one row per cell: a point inside the domain (µm) and a "
                                        "type name or index (0 = the first of `cell_types`). Further columns "
                                        "(PhysiCell's cells.csv v2) give each cell its own value of a behaviour "
                                        "(the rules' names, e.g. `migration speed`, `attack CAF`, `IL6 "
                                        "secretion`; `necrosis` gives a constant rate in place of the oxygen ramp) or the initial value of a state variable "
                                        "(`<variable>` or `custom:<variable>`); `skip` or an empty field keeps the "
                                        "type's value. A cell keeps its own value until a rule of its type acts "
                                        "on that behaviour or it changes type. Not with type, count."},
    [STROMA_KEY_INITIAL_CYCLE_START] = {"initial_cells[].cycle_start", STROMA_SCHEMA_CHOICE, "", OPTIONAL,
                                        DEFAULT("stationary", 0.0), .choices = "stationary synchronized",
                                        .doc = "Where in their cycle the cells start: stationary: ages drawn from "
                                               "the age distribution of a steadily growing population (an "
                                               "asynchronous culture); synchronized: every cell at the start of "
                                               "its first phase, age 0 (PhysiCell's initial cells)."},
    [STROMA_KEY_STATE_VARIABLES] = {"state_variables", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL, .default_text = "none",
                                    NAME_LEN,
                                    .doc = "Named internal variables of every cell (e.g. stemness), each following "
                                           "dv/dt = production - decay v. A variable is a signal of rules (`<name>` "
                                           "or `custom:<name>`) and has the behaviours `<name> production` and "
                                           "`<name> decay`. A name must differ from every substrate and built-in "
                                           "signal (pressure, volume, ...)."},
    [STROMA_KEY_STATE_VARIABLE] = {"state_variables.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                                   .doc = "One state variable; its maps are keyed by cell type names (a type not "
                                          "listed takes 0)."},
    [STROMA_KEY_STATE_INITIAL] = {"state_variables.<name>.initial", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                  .default_text = "0 in every type", NAME_LEN,
                                  .doc = "Value of the variable in a new cell, per cell type."},
    [STROMA_KEY_STATE_INITIAL_TYPE] = {"state_variables.<name>.initial.<name>", STROMA_SCHEMA_NUMBER, "", REQUIRED,
                                       .doc = "Value in a cell of that type when it is created."},
    [STROMA_KEY_STATE_PRODUCTION] = {"state_variables.<name>.production", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                     .default_text = "0 in every type", NAME_LEN,
                                     .doc = "Base production rate, per cell type (rules may change it as the "
                                            "behaviour `<name> production`)."},
    [STROMA_KEY_STATE_PRODUCTION_TYPE] = {"state_variables.<name>.production.<name>", STROMA_SCHEMA_NUMBER, "1/min",
                                          REQUIRED, GE_0, .doc = "Production in cells of that type (value per min)."},
    [STROMA_KEY_STATE_DECAY] = {"state_variables.<name>.decay", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                .default_text = "0 in every type", NAME_LEN,
                                .doc = "Base decay rate, per cell type (rules may change it as the behaviour "
                                       "`<name> decay`)."},
    [STROMA_KEY_STATE_DECAY_TYPE] = {"state_variables.<name>.decay.<name>", STROMA_SCHEMA_NUMBER, "1/min", REQUIRED,
                                     GE_0, .doc = "Decay rate in cells of that type."},
    [STROMA_KEY_RULES_LAW] = {"rules_law", STROMA_SCHEMA_CHOICE, "", OPTIONAL, DEFAULT("stroma", 0.0),
                              .choices = "stroma physicell",
                              .doc = "How several rules on one behaviour of a cell combine. stroma: each rule pulls "
                                     "toward its own saturation, weighted by its Hill term x, b = (b0 + sum x_i "
                                     "sat_i) / (1 + sum x_i). physicell: PhysiCell 1.14's law, U = b0 + (max - b0) "
                                     "H_up, b = U + (min - U) H_down, with H = S / (1 + S) over the sum S of the "
                                     "increasing (decreasing) rules' x, max the largest increasing saturation (and "
                                     "b0 when a decreasing rule exists), min the smallest decreasing saturation "
                                     "(and b0 when an increasing rule exists); a rule may then saturate on either "
                                     "side of the base. See docs/rules.md."},
    [STROMA_KEY_DEAD_UPTAKE_FRACTION] = {"dead_uptake_fraction", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                         DEFAULT("0", 0.0), GE_0, .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1,
                                         .doc = "Share of its uptake rates a cell keeps when it dies (secretion and "
                                                "export stop); PhysiCell keeps 0.1. Rules marked apply_to_dead may "
                                                "set them again."},
    [STROMA_KEY_CONTACT_LAW] = {"contact_law", STROMA_SCHEMA_CHOICE, "", OPTIONAL, DEFAULT("stroma", 0.0),
                                .choices = "stroma physicell",
                                .doc = "When and how attacks and phagocytosis are decided. stroma: at each "
                                       "phenotype step a cell makes at most one contact event (attach, engulf, "
                                       "transform), an attachment ends after an exponential time of mean "
                                       "`attachment_duration` and delivers `attack_damage` for the time it "
                                       "lasted. physicell: PhysiCell 1.14's standard interactions, at each "
                                       "mechanics step: a cell may engulf one dead cell and start one attack "
                                       "(probability rate x dt per neighbour, in neighbour order), an attacker "
                                       "delivers attack_damage x dt to its live target every mechanics step, "
                                       "including the first, and ends the attack with probability dt / "
                                       "attachment_duration or when the target is dead; `kill_rate` is checked "
                                       "at the same steps. Contact transformations stay at phenotype steps. See "
                                       "docs/cells.md."},
    [STROMA_KEY_SECRETION_ORDER] = {"secretion_order", STROMA_SCHEMA_CHOICE, "", OPTIONAL,
                                    DEFAULT("before_diffusion", 0.0), .choices = "before_diffusion after_diffusion",
                                    .doc = "When the cells' secretion and uptake act within a diffusion step. "
                                           "before_diffusion: first the cells, then the diffusion solve, so cells "
                                           "sense and outputs show the field after diffusion. after_diffusion: "
                                           "PhysiCell/BioFVM's order (diffusion, then the cells' sources and "
                                           "sinks): cells sense and outputs show the field after their own uptake "
                                           "(at steady state, a cell's voxel holds what one source step makes of the "
                                           "before_diffusion value; elsewhere the fields agree). Not with vessels, "
                                           "a body or vesicles (their ledgers count the cells' exchange before the "
                                           "solve). See docs/transport.md."},
    [STROMA_KEY_RULES] = {"rules", STROMA_SCHEMA_LIST, "", OPTIONAL, .default_text = "none",
                          .doc = "How signals change behaviours, in the order written; needs `cell_types`. Each item "
                                 "is one rule written inline, or a `file` of rules in PhysiCell's CSV format. The "
                                 "signals and behaviours a model offers are listed below the keys."},
    [STROMA_KEY_RULE] = {"rules[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                         .doc = "An inline rule (type, signal, direction, behaviour, saturation, half_max, hill, "
                                "optionally apply_to_dead), or `file` alone. In cells of `type`, `signal` increases "
                                "or decreases `behaviour` from its base value (the type's own parameter) toward "
                                "`saturation`: one rule gives base + (saturation - base) x / (1 + x) with x = "
                                "(signal / half_max)^hill."},
    [STROMA_KEY_RULE_TYPE] = {"rules[].type", STROMA_SCHEMA_NAME, "", CONDITIONAL, .need_text = "in an inline rule",
                              NAME_LEN, .doc = "Cell type whose cells follow the rule (a key of `cell_types`)."},
    [STROMA_KEY_RULE_SIGNAL] = {"rules[].signal", STROMA_SCHEMA_NAME, "", CONDITIONAL,
                                .need_text = "in an inline rule", .max_len = STROMA_RULE_NAME_MAX - 1,
                                .doc = "What the cell senses: a signal of the table below, e.g. `oxygen`, `TGFb "
                                       "gradient`, `contact with CAF`, `pressure`, `stemness`."},
    [STROMA_KEY_RULE_DIRECTION] = {"rules[].direction", STROMA_SCHEMA_CHOICE, "", CONDITIONAL,
                                   .need_text = "in an inline rule", .choices = "increases decreases",
                                   .doc = "Whether the signal raises the behaviour toward saturation or lowers it."},
    [STROMA_KEY_RULE_BEHAVIOUR] = {"rules[].behaviour", STROMA_SCHEMA_NAME, "", CONDITIONAL,
                                   .need_text = "in an inline rule (this or behavior)",
                                   .max_len = STROMA_RULE_NAME_MAX - 1,
                                   .doc = "What the rule changes: a behaviour of the table below, e.g. `IL6 "
                                          "secretion`, `apoptosis`, `migration bias`, `transform to CAF`."},
    [STROMA_KEY_RULE_BEHAVIOR] = {"rules[].behavior", STROMA_SCHEMA_NAME, "", CONDITIONAL,
                                  .need_text = "in an inline rule (this or behaviour)",
                                  .max_len = STROMA_RULE_NAME_MAX - 1,
                                  .doc = "PhysiCell's spelling of `behaviour`; give one of the two."},
    [STROMA_KEY_RULE_SATURATION] = {"rules[].saturation", STROMA_SCHEMA_NUMBER, "behaviour unit", CONDITIONAL,
                                    .need_text = "in an inline rule",
                                    .doc = "Value of the behaviour at full response: at least its base value for "
                                           "`increases`, at most its base value for `decreases`; >= 0 except for "
                                           "`<substrate> export` and `chemotactic response to <substrate>`; 0 to 1 "
                                           "for `migration bias`."},
    [STROMA_KEY_RULE_HALF_MAX] = {"rules[].half_max", STROMA_SCHEMA_NUMBER, "signal unit", CONDITIONAL,
                                  .need_text = "in an inline rule", GT_0,
                                  .doc = "Signal value of half response."},
    [STROMA_KEY_RULE_HILL] = {"rules[].hill", STROMA_SCHEMA_NUMBER, "", CONDITIONAL, .need_text = "in an inline rule",
                              GT_0, .doc = "Hill power of the response (steeper when larger)."},
    [STROMA_KEY_RULE_APPLY_TO_DEAD] = {"rules[].apply_to_dead", STROMA_SCHEMA_CHOICE, "", OPTIONAL,
                                       DEFAULT("false", 0.0), .choices = "false true",
                                       .doc = "Evaluate the rule in dead cells too (e.g. secretion by debris). Not "
                                              "with file."},
    [STROMA_KEY_RULE_FILE] = {"rules[].file", STROMA_SCHEMA_STRING, "", CONDITIONAL,
                              .need_text = "instead of an inline rule", .max_len = 511,
                              .doc = "PhysiCell v3 rules file (CSV), relative to the model file's directory: no "
                                     "header, one rule per line `cell_type,signal,direction,behavior,saturation,"
                                     "half_max,hill_power,apply_to_dead` (apply_to_dead 0 or 1); lines starting "
                                     "with `//` or `#` are comments; blank lines are skipped. Names must match this "
                                     "model's exactly. Its rules take the place of the item."},
    [STROMA_KEY_OUTPUTS] = {"outputs", STROMA_SCHEMA_MAP, "", OPTIONAL,
                            .default_text = "output at time.end only, no field files", .doc = "What is written."},
    [STROMA_KEY_OUTPUTS_EVERY] = {"outputs.every", STROMA_SCHEMA_NUMBER, "min", OPTIONAL, .default_text = "time.end",
                                  GT_0, .doc = "Interval between output times (and the end); an interval as "
                                               "long as the run or longer means time.end only."},
    [STROMA_KEY_OUTPUTS_FIELDS] = {"outputs.fields", STROMA_SCHEMA_WORDS, "", OPTIONAL, .default_text = "none",
                                   .choices = "csv vti",
                                   .doc = "Formats of the field files written at each output time (csv: "
                                          "`fields/<substrate>_<time>.csv`; vti: `fields/fields_<time>.vti`, "
                                          "VTK image data with one array per substrate, listed in `fields.pvd` "
                                          "for ParaView; docs/outputs.md)."},
    [STROMA_KEY_OUTPUTS_CELLS] = {"outputs.cells", STROMA_SCHEMA_WORDS, "", OPTIONAL, .default_text = "none",
                                  .choices = "csv vtp",
                                  .doc = "Formats of the cell files written at each output time (csv: "
                                         "`cells/cells_<time>.csv`; vtp: `cells/cells_<time>.vtp`, VTK poly "
                                         "data with a point per cell, listed in `cells.pvd` for ParaView; "
                                         "docs/outputs.md)."},
    [STROMA_KEY_OUTPUTS_IMAGES] = {"outputs.images", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "no images",
                                   .doc = "Tissue snapshots `images/tissue_<time>.png`: cells as discs coloured by "
                                          "type (dead cells grey), over a heat map of one substrate, with legend, "
                                          "colour bar and scale bar; the mid-z slice of a 3D model "
                                          "(docs/outputs.md). `images: {}` takes every default."},
    [STROMA_KEY_OUTPUTS_IMAGES_FIELD] = {"outputs.images.field", STROMA_SCHEMA_NAME, "", OPTIONAL,
                                         .default_text = "the first substrate", NAME_LEN,
                                         .doc = "Substrate drawn as the heat map (viridis, one range for all the "
                                                "run's pictures: see range)."},
    [STROMA_KEY_OUTPUTS_IMAGES_EVERY] = {"outputs.images.every", STROMA_SCHEMA_NUMBER, "min", OPTIONAL,
                                         .default_text = "outputs.every", GT_0,
                                         .doc = "Interval between pictures; a whole multiple of outputs.every (to "
                                                "1e-9 relative). A picture is also drawn at the end."},
    [STROMA_KEY_OUTPUTS_IMAGES_SIZE] = {"outputs.images.size", STROMA_SCHEMA_INTEGER, "pixels", OPTIONAL,
                                        DEFAULT("800", 800.0), .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 200,
                                        .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 4000,
                                        .doc = "Width of the pictures; the height follows the domain's aspect "
                                               "ratio."},
    [STROMA_KEY_OUTPUTS_IMAGES_RANGE] = {"outputs.images.range", STROMA_SCHEMA_INTERVAL, "substrate unit", OPTIONAL,
                                         .default_text = "0 to the largest value in any picture",
                                         .doc = "[lo, hi]: the heat map's colour range in every picture (values "
                                                "outside it take the end colours), e.g. to compare runs on one "
                                                "scale. Without it a run's pictures share the range from 0 (or the "
                                                "least value, if negative) to the largest value in any of them."},
    [STROMA_KEY_OUTPUTS_IMAGES_MARKER] = {"outputs.images.marker", STROMA_SCHEMA_NAME, "", OPTIONAL,
                                          .default_text = "cells coloured by type", NAME_LEN,
                                          .doc = "A marker (a key of `markers`): live cells are drawn as a stained "
                                                 "slide reads, positive cells brown (DAB, RGB 140, 81, 25), negative "
                                                 "ones pale blue (haematoxylin, RGB 163, 177, 214); the legend gives "
                                                 "both counts."},
    [STROMA_KEY_MARKERS] = {"markers", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL, .default_text = "none", NAME_LEN,
                            .max_items = STROMA_MAX_MARKERS,
                            .doc = "Virtual immunohistochemistry, by marker name (SMA, Ki67, PD-L1 ...): when a "
                                   "live cell is positive. summary.json `ihc` gives the fraction of live cells "
                                   "positive per population (each cell type, then each of `populations`) and "
                                   "timeseries.csv a column `ihc_<population>_<marker>` each (docs/outputs.md)."},
    [STROMA_KEY_MARKER] = {"markers.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                           .doc = "One marker: a cell is positive when its type is one of `types` and every "
                                  "condition holds (the inline one and each of `all`); give `types`, a condition or "
                                  "both."},
    [STROMA_KEY_MARKER_TYPES] = {"markers.<name>.types", STROMA_SCHEMA_LIST, "", OPTIONAL,
                                 .default_text = "every cell type", .min_items = 1,
                                 .doc = "Cell types (keys of `cell_types`) whose cells can be positive; cells of "
                                        "other types are negative."},
    [STROMA_KEY_MARKER_TYPE] = {"markers.<name>.types[]", STROMA_SCHEMA_NAME, "", REQUIRED, NAME_LEN,
                                .doc = "A cell type."},
    [STROMA_KEY_MARKER_SIGNAL] = {"markers.<name>.signal", STROMA_SCHEMA_STRING, "", CONDITIONAL,
                                  .need_text = "one of signal, behaviour for an inline condition",
                                  .max_len = STROMA_RULE_NAME_MAX - 1,
                                  .doc = "A rule signal (a state variable such as `SMA`, a substrate, `pressure`, "
                                         "`damage` ...; see Signals and behaviours) read in the cell at the output "
                                         "time; contact signals are not markers."},
    [STROMA_KEY_MARKER_BEHAVIOUR] = {"markers.<name>.behaviour", STROMA_SCHEMA_STRING, "", CONDITIONAL,
                                     .need_text = "one of signal, behaviour for an inline condition",
                                     .max_len = STROMA_RULE_NAME_MAX - 1,
                                     .doc = "A rule behaviour: the cell's current value (rules applied), e.g. "
                                            "`cycle entry` for Ki67."},
    [STROMA_KEY_MARKER_ABOVE] = {"markers.<name>.above", STROMA_SCHEMA_NUMBER, "signal or behaviour unit",
                                 CONDITIONAL, .need_text = "above or below (or both) with signal or behaviour", GE_0,
                                 .doc = "Positive when the value is greater than this; for a behaviour, below the "
                                        "largest value it can take in the marker's types."},
    [STROMA_KEY_MARKER_BELOW] = {"markers.<name>.below", STROMA_SCHEMA_NUMBER, "signal or behaviour unit",
                                 CONDITIONAL, .need_text = "above or below (or both) with signal or behaviour", GT_0,
                                 .doc = "Positive when the value is less than this; with above, below > above."},
    [STROMA_KEY_MARKER_ALL] = {"markers.<name>.all", STROMA_SCHEMA_LIST, "", OPTIONAL, .default_text = "none",
                               .min_items = 1, .max_items = 16,
                               .doc = "More conditions, all of which must hold (E-cadherin low and N-cadherin "
                                      "high ...)."},
    [STROMA_KEY_MARKER_COND] = {"markers.<name>.all[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                                .doc = "One condition: exactly one of signal, behaviour, and above, below or both."},
    [STROMA_KEY_MARKER_COND_SIGNAL] = {"markers.<name>.all[].signal", STROMA_SCHEMA_STRING, "", CONDITIONAL,
                                       .need_text = "one of signal, behaviour", .max_len = STROMA_RULE_NAME_MAX - 1,
                                       .doc = "A rule signal, as markers.<name>.signal."},
    [STROMA_KEY_MARKER_COND_BEHAVIOUR] = {"markers.<name>.all[].behaviour", STROMA_SCHEMA_STRING, "", CONDITIONAL,
                                          .need_text = "one of signal, behaviour",
                                          .max_len = STROMA_RULE_NAME_MAX - 1,
                                          .doc = "A rule behaviour, as markers.<name>.behaviour."},
    [STROMA_KEY_MARKER_COND_ABOVE] = {"markers.<name>.all[].above", STROMA_SCHEMA_NUMBER, "signal or behaviour unit",
                                      CONDITIONAL, .need_text = "above or below (or both)", GE_0,
                                      .doc = "Positive when the value is greater than this."},
    [STROMA_KEY_MARKER_COND_BELOW] = {"markers.<name>.all[].below", STROMA_SCHEMA_NUMBER, "signal or behaviour unit",
                                      CONDITIONAL, .need_text = "above or below (or both)", GT_0,
                                      .doc = "Positive when the value is less than this; with above, below > "
                                             "above."},
    [STROMA_KEY_POPULATIONS] = {"populations", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                .default_text = "each cell type only", NAME_LEN,
                                .doc = "Groups of cell types the markers are also counted in (CAF: [iCAF, myCAF]); "
                                       "a name may not be a cell type's."},
    [STROMA_KEY_POPULATION] = {"populations.<name>", STROMA_SCHEMA_LIST, "", REQUIRED, .min_items = 1,
                               .doc = "The cell types of the group (keys of `cell_types`)."},
    [STROMA_KEY_POPULATION_TYPE] = {"populations.<name>[]", STROMA_SCHEMA_NAME, "", REQUIRED, NAME_LEN,
                                    .doc = "A cell type."},
    [STROMA_KEY_TISSUE] = {"tissue", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "no tissue metrics",
                           .doc = "The tumour as a pathologist outlines it, for summary.json `tissue` (docs/outputs.md): "
                                  "voxels whose tumour cover, averaged over a disc (2D) or ball (3D) of radius "
                                  "`smoothing`, reaches `coverage`, with enclosed holes filled; the margin is the band "
                                  "of width `margin` outside it. Needs a 2D or 3D model."},
    [STROMA_KEY_TISSUE_TUMOUR] = {"tissue.tumour", STROMA_SCHEMA_LIST, "", REQUIRED, .min_items = 1,
                                  .doc = "Cell types that are tumour cells (keys of `cell_types`); their live and "
                                         "dead cells make the region, the live ones are `tumour_cells`."},
    [STROMA_KEY_TISSUE_TUMOUR_TYPE] = {"tissue.tumour[]", STROMA_SCHEMA_NAME, "", REQUIRED, NAME_LEN,
                                       .doc = "A cell type."},
    [STROMA_KEY_TISSUE_CD8] = {"tissue.cd8", STROMA_SCHEMA_LIST, "", OPTIONAL,
                               .default_text = "none: no CD8 densities", .min_items = 1,
                               .doc = "Cell types counted as CD8 T cells for the infiltration densities."},
    [STROMA_KEY_TISSUE_CD8_TYPE] = {"tissue.cd8[]", STROMA_SCHEMA_NAME, "", REQUIRED, NAME_LEN,
                                    .doc = "A cell type."},
    [STROMA_KEY_TISSUE_OXYGEN] = {"tissue.oxygen", STROMA_SCHEMA_NAME, "", OPTIONAL,
                                  .default_text = "vessels.oxygen.substrate, else none: no pO2 medians", NAME_LEN,
                                  .doc = "Substrate read as pO2 (a key of `substrates`) for the medians inside and "
                                         "outside the tumour."},
    [STROMA_KEY_TISSUE_COVERAGE] = {"tissue.coverage", STROMA_SCHEMA_NUMBER, "", OPTIONAL, DEFAULT("0.3", 0.3),
                                    GT_0, .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1,
                                    .doc = "Smoothed tumour cover a voxel must reach to be tumour: the fraction of "
                                           "area (2D: cross-sections pi r^2) or volume (3D) covered by tumour cells "
                                           "(a confluent nest is about 0.6 to 0.9)."},
    [STROMA_KEY_TISSUE_SMOOTHING] = {"tissue.smoothing", STROMA_SCHEMA_NUMBER, "µm", OPTIONAL, DEFAULT("50", 50.0),
                                     GE_0, .doc = "Radius of the disc (2D) or ball (3D) of voxel centres the cover is "
                                                  "averaged over (0: the voxel alone)."},
    [STROMA_KEY_TISSUE_MARGIN] = {"tissue.margin", STROMA_SCHEMA_NUMBER, "µm", OPTIONAL, DEFAULT("100", 100.0), GT_0,
                                  .doc = "Width of the invasive margin: voxels outside the tumour whose centre lies "
                                         "within this distance of a tumour voxel's centre."},
    [STROMA_KEY_INDICES] = {"indices", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                            .doc = "Clinical indices from plasma values (a modelling choice, docs/outputs.md): each "
                                   "is sum_i w_i H_i / sum_i w_i, in [0, 1), with H_i = x_i^n / (K^n + x_i^n) and "
                                   "x_i = max(0, plasma - healthy) of a substrate of `body.systemic`. Needs `body`."},
    [STROMA_KEY_INDICES_CACHEXIA] = {"indices.cachexia", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                     .default_text = "none: no cachexia index", NAME_LEN, .min_items = 1,
                                     .doc = "Terms of the cachexia index, by systemic substrate (IL-6, TNF-a, a "
                                            "vesicle class's miRNA cargo ...)."},
    [STROMA_KEY_CACHEXIA_TERM] = {"indices.cachexia.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                                  .doc = "One term (a key of `body.systemic`)."},
    [STROMA_KEY_CACHEXIA_HALF_MAX] = {"indices.cachexia.<name>.half_max", STROMA_SCHEMA_NUMBER,
                                      "clinical unit (molecules/mL with cargo)", REQUIRED, GT_0,
                                      .doc = "Excess over the healthy level giving half the term."},
    [STROMA_KEY_CACHEXIA_HILL] = {"indices.cachexia.<name>.hill", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                  DEFAULT("1", 1.0), GT_0, .doc = "Hill coefficient n of the term."},
    [STROMA_KEY_CACHEXIA_WEIGHT] = {"indices.cachexia.<name>.weight", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                    DEFAULT("1", 1.0), GT_0, .doc = "Weight w of the term."},
    [STROMA_KEY_CACHEXIA_CARGO] = {"indices.cachexia.<name>.cargo", STROMA_SCHEMA_NAME, "", OPTIONAL,
                                   .default_text = "the plasma value itself", NAME_LEN,
                                   .doc = "For a vesicle class: read its circulating cargo of this state variable "
                                          "(plasma x cargo per vesicle, molecules/mL) instead."},
    [STROMA_KEY_INDICES_NICHE] = {"indices.premetastatic_niche", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                  .default_text = "none: no premetastatic-niche index", NAME_LEN, .min_items = 1,
                                  .doc = "Terms of the premetastatic-niche index, by systemic substrate (VEGF, "
                                         "CXCL8, TGF-b, tumour exosomes ...)."},
    [STROMA_KEY_NICHE_TERM] = {"indices.premetastatic_niche.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                               .doc = "One term (a key of `body.systemic`)."},
    [STROMA_KEY_NICHE_HALF_MAX] = {"indices.premetastatic_niche.<name>.half_max", STROMA_SCHEMA_NUMBER,
                                   "clinical unit (molecules/mL with cargo)", REQUIRED, GT_0,
                                   .doc = "Excess over the healthy level giving half the term."},
    [STROMA_KEY_NICHE_HILL] = {"indices.premetastatic_niche.<name>.hill", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                               DEFAULT("1", 1.0), GT_0, .doc = "Hill coefficient n of the term."},
    [STROMA_KEY_NICHE_WEIGHT] = {"indices.premetastatic_niche.<name>.weight", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                 DEFAULT("1", 1.0), GT_0, .doc = "Weight w of the term."},
    [STROMA_KEY_NICHE_CARGO] = {"indices.premetastatic_niche.<name>.cargo", STROMA_SCHEMA_NAME, "", OPTIONAL,
                                .default_text = "the plasma value itself", NAME_LEN,
                                .doc = "For a vesicle class: read its circulating cargo of this state variable "
                                       "instead."},
    [STROMA_KEY_ECM] = {"ecm", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                        .doc = "The extracellular matrix: a density field (mg/mL collagen equivalent) that cell types "
                               "deposit, a protease degrades, and that slows cell migration and the diffusion of "
                               "substrates (docs/ecm.md). Gives rules the signal `ECM density` and the behaviours "
                               "`ECM deposition` and `ECM degradation`."},
    [STROMA_KEY_ECM_INITIAL] = {"ecm.initial", STROMA_SCHEMA_NUMBER, "mg/mL", OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                .doc = "Density in every voxel at the start; at most max_density."},
    [STROMA_KEY_ECM_MAX_DENSITY] = {"ecm.max_density", STROMA_SCHEMA_NUMBER, "mg/mL", OPTIONAL, DEFAULT("10", 10.0),
                                    GT_0, .doc = "Deposition stops there; no voxel exceeds it, and no initial "
                                                 "density may."},
    [STROMA_KEY_ECM_REGIONS] = {"ecm.regions", STROMA_SCHEMA_LIST, "", OPTIONAL, .default_text = "none",
                                .doc = "Regions of denser matrix at the start, in order (a later region sets its "
                                       "voxels again)."},
    [STROMA_KEY_ECM_REGION] = {"ecm.regions[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                               .doc = "A region: `density` and exactly one of `box`, `disc`, `annulus`, `sphere` "
                                      "(discs and annuli are in-plane: they span z; a sphere is a ball in 3D); a "
                                      "voxel belongs to it by its centre."},
    [STROMA_KEY_ECM_REGION_DENSITY] = {"ecm.regions[].density", STROMA_SCHEMA_NUMBER, "mg/mL", REQUIRED, GE_0,
                                       .doc = "Density of its voxels; at most max_density."},
    [STROMA_KEY_ECM_REGION_BOX] = {"ecm.regions[].box", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                   .need_text = "one of box, disc, annulus, sphere", .doc = "An axis-aligned box."},
    [STROMA_KEY_ECM_REGION_BOX_LO] = {"ecm.regions[].box.lo", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                      .doc = "Lower corner."},
    [STROMA_KEY_ECM_REGION_BOX_HI] = {"ecm.regions[].box.hi", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                      .doc = "Upper corner; above lo on every axis."},
    [STROMA_KEY_ECM_REGION_DISC] = {"ecm.regions[].disc", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                    .need_text = "one of box, disc, annulus, sphere",
                                    .doc = "Voxels whose centre lies within radius of center in x and y."},
    [STROMA_KEY_ECM_REGION_DISC_CENTER] = {"ecm.regions[].disc.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                           .doc = "Centre; must lie in the domain."},
    [STROMA_KEY_ECM_REGION_DISC_RADIUS] = {"ecm.regions[].disc.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED, GT_0,
                                           .doc = "Radius."},
    [STROMA_KEY_ECM_REGION_ANNULUS] = {"ecm.regions[].annulus", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                       .need_text = "one of box, disc, annulus, sphere",
                                       .doc = "Voxels whose centre lies between inner and outer of center in x and "
                                              "y (a capsule around a tumour)."},
    [STROMA_KEY_ECM_REGION_ANNULUS_CENTER] = {"ecm.regions[].annulus.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                              .doc = "Centre; must lie in the domain."},
    [STROMA_KEY_ECM_REGION_ANNULUS_INNER] = {"ecm.regions[].annulus.inner", STROMA_SCHEMA_NUMBER, "µm", REQUIRED,
                                             GE_0, .doc = "Inner radius."},
    [STROMA_KEY_ECM_REGION_ANNULUS_OUTER] = {"ecm.regions[].annulus.outer", STROMA_SCHEMA_NUMBER, "µm", REQUIRED,
                                             GT_0, .doc = "Outer radius; above inner."},
    [STROMA_KEY_ECM_REGION_SPHERE] = {"ecm.regions[].sphere", STROMA_SCHEMA_MAP, "", CONDITIONAL,
                                      .need_text = "one of box, disc, annulus, sphere",
                                      .doc = "Voxels whose centre lies within radius of center in x, y and z (a "
                                             "ball; a later, smaller sphere of lower density makes a spherical "
                                             "capsule)."},
    [STROMA_KEY_ECM_REGION_SPHERE_CENTER] = {"ecm.regions[].sphere.center", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                             .doc = "Centre; must lie in the domain."},
    [STROMA_KEY_ECM_REGION_SPHERE_RADIUS] = {"ecm.regions[].sphere.radius", STROMA_SCHEMA_NUMBER, "µm", REQUIRED,
                                             GT_0, .doc = "Radius."},
    [STROMA_KEY_ECM_DEPOSITION] = {"ecm.deposition", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                   .default_text = "0 for every type", NAME_LEN,
                                   .doc = "Base deposition rate of each cell type named (the `ECM deposition` "
                                          "behaviour, which rules may change)."},
    [STROMA_KEY_ECM_DEPOSITION_TYPE] = {"ecm.deposition.<name>", STROMA_SCHEMA_NUMBER, "mg/mL/min", REQUIRED, GE_0,
                                        .doc = "Density a cell of that type adds to its voxel per minute when it "
                                               "fills the voxel (scaled by its volume / the voxel's)."},
    [STROMA_KEY_ECM_MIGRATION] = {"ecm.migration", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                  .default_text = "0 for every type (matrix does not slow them)", NAME_LEN,
                                  .doc = "Sensitivity m of each cell type's migration to matrix: its speed is "
                                         "divided by 1 + m E (E the density of its voxel)."},
    [STROMA_KEY_ECM_MIGRATION_TYPE] = {"ecm.migration.<name>", STROMA_SCHEMA_NUMBER, "1/(mg/mL)", REQUIRED, GE_0,
                                       .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 100.0,
                                       .doc = "Migration sensitivity of that type, 0 to 100."},
    [STROMA_KEY_ECM_HINDRANCE] = {"ecm.hindrance", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                  .default_text = "0 for every substrate (free diffusion)", NAME_LEN,
                                  .doc = "Sensitivity s of each substrate's diffusion to matrix: its coefficient "
                                         "in a voxel is D / (1 + s E), larger molecules and vesicles more."},
    [STROMA_KEY_ECM_HINDRANCE_SUBSTRATE] = {"ecm.hindrance.<name>", STROMA_SCHEMA_NUMBER, "1/(mg/mL)", REQUIRED,
                                            GE_0, .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 100.0,
                                            .doc = "Hindrance of that substrate, 0 to 100."},
    [STROMA_KEY_ECM_DEGRADATION] = {"ecm.degradation", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                                    .doc = "Degradation by a protease substrate (MMP), saturable in the matrix: "
                                           "dE/dt = -rate x protease x E / (half_max + E), integrated exactly over "
                                           "each update with the protease held."},
    [STROMA_KEY_ECM_DEGRADATION_SUBSTRATE] = {"ecm.degradation.substrate", STROMA_SCHEMA_NAME, "", REQUIRED,
                                              NAME_LEN, .doc = "The protease (a key of `substrates`)."},
    [STROMA_KEY_ECM_DEGRADATION_RATE] = {"ecm.degradation.rate", STROMA_SCHEMA_NUMBER, "1/min per protease unit",
                                         REQUIRED, GE_0, .doc = "Rate per unit of protease."},
    [STROMA_KEY_ECM_DEGRADATION_HALF_MAX] = {"ecm.degradation.half_max", STROMA_SCHEMA_NUMBER, "mg/mL", OPTIONAL,
                                             DEFAULT("1", 1.0), GT_0,
                                             .doc = "Matrix density at half the maximal degradation rate."},
    [STROMA_KEY_ECM_EVERY] = {"ecm.every", STROMA_SCHEMA_NUMBER, "min", OPTIONAL,
                              .default_text = "time.dt_phenotype", GT_0,
                              .doc = "Interval of the matrix update (deposition, degradation, and the "
                                     "diffusion coefficients that follow); a whole multiple of time.dt_diffusion."},
    [STROMA_KEY_RECRUITMENT] = {"recruitment", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL, .default_text = "none",
                                NAME_LEN,
                                .doc = "Cells that enter the tissue from the vessels, by cell type (docs/body.md): "
                                       "per voxel and minute, rate x wall area x (basal + (1 - basal) x H(signal)). "
                                       "Needs `vessels`."},
    [STROMA_KEY_RECRUIT] = {"recruitment.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                            .doc = "A cell type (a key of `cell_types`) and how it is recruited."},
    [STROMA_KEY_RECRUIT_RATE] = {"recruitment.<name>.rate", STROMA_SCHEMA_NUMBER, "cells/min/mm²", REQUIRED, GE_0,
                                 .doc = "Cells entering per minute per mm² of vessel wall at a saturating signal "
                                        "(wall area of a voxel: 2 x density / vessels.capillary_radius x voxel "
                                        "volume)."},
    [STROMA_KEY_RECRUIT_SIGNAL] = {"recruitment.<name>.signal", STROMA_SCHEMA_NAME, "", OPTIONAL,
                                   .default_text = "none: the rate does not depend on a substrate", NAME_LEN,
                                   .doc = "The chemokine (a key of `substrates`) whose value in the voxel drives "
                                          "entry."},
    [STROMA_KEY_RECRUIT_HALF_MAX] = {"recruitment.<name>.half_max", STROMA_SCHEMA_NUMBER, "substrate unit",
                                     CONDITIONAL, .need_text = "required with signal, refused without", GT_0,
                                     .doc = "Signal level at which the chemokine-driven part is half its maximum: "
                                            "H(c) = c^hill / (half_max^hill + c^hill)."},
    [STROMA_KEY_RECRUIT_HILL] = {"recruitment.<name>.hill", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                 DEFAULT("1", 1.0), GT_0, .doc = "Hill coefficient of H; only with signal."},
    [STROMA_KEY_RECRUIT_BASAL] = {"recruitment.<name>.basal", STROMA_SCHEMA_NUMBER, "fraction of rate", OPTIONAL,
                                  DEFAULT("0", 0.0), GE_0,
                                  .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1.0,
                                  .doc = "Fraction of the rate without any signal (0 to 1); only with signal."},
    [STROMA_KEY_RECRUIT_MAX_CELLS] = {"recruitment.<name>.max_cells", STROMA_SCHEMA_INTEGER, "cells", REQUIRED,
                                      .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 0,
                                      .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1000000000.0,
                                      .doc = "Recruitment of the type stops while the domain holds this many live "
                                             "cells of it (recruited or not)."},
    [STROMA_KEY_VESSELS] = {"vessels", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                            .doc = "The vasculature: a vessel density field (the volume fraction of each voxel "
                                   "occupied by vessels) that grows, regresses and exchanges substrates with blood. "
                                   "Gives rules the signal `vessel density` and the behaviours `vessel deposition` "
                                   "and `vessel pruning`."},
    [STROMA_KEY_VESSELS_CAPILLARY_RADIUS] = {"vessels.capillary_radius", STROMA_SCHEMA_NUMBER, "µm", OPTIONAL,
                                             DEFAULT("5", 5.0), GT_0,
                                             .doc = "Radius of a capillary: the wall surface per tissue volume is "
                                                    "density x 2 / capillary_radius."},
    [STROMA_KEY_VESSELS_MAX_DENSITY] = {"vessels.max_density", STROMA_SCHEMA_NUMBER, "volume fraction", OPTIONAL,
                                        DEFAULT("0.1", 0.1), GT_0, .upper = STROMA_BOUND_INCLUSIVE,
                                        .upper_value = 1.0,
                                        .doc = "Density at which growth saturates (> 0); no voxel exceeds it, and "
                                               "no initial density may."},
    [STROMA_KEY_VESSELS_INITIAL] = {"vessels.initial", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                    .default_text = "no vessels at the start",
                                    .doc = "Vessels at the start: any combination of the keys below; where two "
                                           "give a voxel a density, the larger one holds."},
    [STROMA_KEY_VESSELS_UNIFORM] = {"vessels.initial.uniform", STROMA_SCHEMA_NUMBER, "volume fraction", OPTIONAL,
                                    DEFAULT("0", 0.0), GE_0,
                                    .doc = "Density of every voxel; at most max_density."},
    [STROMA_KEY_VESSELS_RANDOM] = {"vessels.initial.random", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                                   .doc = "Each voxel independently, with probability `fraction` (the run's seed), "
                                          "gets `density`."},
    [STROMA_KEY_VESSELS_RANDOM_FRACTION] = {"vessels.initial.random.fraction", STROMA_SCHEMA_NUMBER, "", REQUIRED,
                                            GE_0, .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1.0,
                                            .doc = "Probability that a voxel gets a vessel."},
    [STROMA_KEY_VESSELS_RANDOM_DENSITY] = {"vessels.initial.random.density", STROMA_SCHEMA_NUMBER, "volume fraction",
                                           REQUIRED, GT_0,
                                           .doc = "Density of a voxel that gets one; at most max_density."},
    [STROMA_KEY_VESSELS_SEGMENTS] = {"vessels.initial.segments", STROMA_SCHEMA_LIST, "", OPTIONAL,
                                     .default_text = "none", .doc = "Listed vessels: straight tubes."},
    [STROMA_KEY_VESSELS_SEGMENT] = {"vessels.initial.segments[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                                    .doc = "A tube from `from` to `to`: every voxel whose centre lies within `radius` "
                                           "of the segment, and every voxel it passes through, gets `density`."},
    [STROMA_KEY_VESSELS_SEGMENT_FROM] = {"vessels.initial.segments[].from", STROMA_SCHEMA_POINT, "µm", REQUIRED,
                                         .doc = "One end; must lie in the domain."},
    [STROMA_KEY_VESSELS_SEGMENT_TO] = {"vessels.initial.segments[].to", STROMA_SCHEMA_POINT, "µm", OPTIONAL,
                                       .default_text = "from (a single point)",
                                       .doc = "The other end; must lie in the domain."},
    [STROMA_KEY_VESSELS_SEGMENT_RADIUS] = {"vessels.initial.segments[].radius", STROMA_SCHEMA_NUMBER, "µm", OPTIONAL,
                                           DEFAULT("0", 0.0), GE_0,
                                           .doc = "Radius of the tube (0: the voxels the segment passes through)."},
    [STROMA_KEY_VESSELS_SEGMENT_DENSITY] = {"vessels.initial.segments[].density", STROMA_SCHEMA_NUMBER,
                                            "volume fraction", REQUIRED, GT_0,
                                            .doc = "Density of the voxels of the tube; at most max_density."},
    [STROMA_KEY_VESSELS_FILE] = {"vessels.initial.file", STROMA_SCHEMA_STRING, "", OPTIONAL, .default_text = "none",
                                 .max_len = 511,
                                 .doc = "CSV file of vessel points, relative to the model file's directory: a header "
                                        "`x,y,z,density`, then one row per point: a point inside the domain (µm) "
                                        "and the density of its voxel, in (0, max_density]."},
    [STROMA_KEY_VESSELS_ANGIOGENESIS] = {"vessels.angiogenesis", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                         .default_text = "no growth",
                                         .doc = "Growth driven by a substrate (VEGF): d(rho)/dt = rate x H x "
                                                "rho_near x (1 - rho / max_density), H = v^hill / (half_max^hill + "
                                                "v^hill), rho_near the largest density of the voxel and its face "
                                                "neighbours."},
    [STROMA_KEY_VESSELS_ANGIO_SUBSTRATE] = {"vessels.angiogenesis.substrate", STROMA_SCHEMA_NAME, "", REQUIRED,
                                            NAME_LEN, .doc = "Substrate that drives growth (a key of `substrates`)."},
    [STROMA_KEY_VESSELS_ANGIO_RATE] = {"vessels.angiogenesis.rate", STROMA_SCHEMA_NUMBER, "1/min", REQUIRED, GE_0,
                                       .doc = "Largest growth rate."},
    [STROMA_KEY_VESSELS_ANGIO_HALF_MAX] = {"vessels.angiogenesis.half_max", STROMA_SCHEMA_NUMBER, "substrate unit",
                                           REQUIRED, GT_0, .doc = "Level of the substrate giving half the rate."},
    [STROMA_KEY_VESSELS_ANGIO_HILL] = {"vessels.angiogenesis.hill", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                       DEFAULT("1", 1.0), GT_0, .doc = "Hill coefficient of the response."},
    [STROMA_KEY_VESSELS_REGRESSION] = {"vessels.regression", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                       .default_text = "no regression",
                                       .doc = "Loss of vessels: d(rho)/dt = - rho x [rate x (1 - H(v; "
                                              "survival_half_max, hill)) + pressure_rate x H(pressure; "
                                              "pressure_half_max, pressure_hill)], v the angiogenesis substrate."},
    [STROMA_KEY_VESSELS_REGRESS_RATE] = {"vessels.regression.rate", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL,
                                         DEFAULT("0", 0.0), GE_0,
                                         .doc = "Regression rate without survival signal; > 0 needs "
                                                "vessels.angiogenesis (its substrate is the survival signal)."},
    [STROMA_KEY_VESSELS_REGRESS_SURVIVAL_HALF_MAX] = {"vessels.regression.survival_half_max", STROMA_SCHEMA_NUMBER,
                                                      "substrate unit", OPTIONAL, DEFAULT("1", 1.0), GT_0,
                                                      .doc = "Level of the angiogenesis substrate that halves "
                                                             "regression."},
    [STROMA_KEY_VESSELS_REGRESS_HILL] = {"vessels.regression.hill", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                         DEFAULT("1", 1.0), GT_0, .doc = "Hill coefficient of survival."},
    [STROMA_KEY_VESSELS_REGRESS_PRESSURE_RATE] = {"vessels.regression.pressure_rate", STROMA_SCHEMA_NUMBER, "1/min",
                                                  OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                                  .doc = "Largest regression rate caused by the pressure of cells "
                                                         "(vessel collapse)."},
    [STROMA_KEY_VESSELS_REGRESS_PRESSURE_HALF_MAX] = {"vessels.regression.pressure_half_max", STROMA_SCHEMA_NUMBER,
                                                      "", OPTIONAL, DEFAULT("1", 1.0), GT_0,
                                                      .doc = "Pressure (the rules' `pressure` signal, dimensionless) "
                                                             "giving half that rate."},
    [STROMA_KEY_VESSELS_REGRESS_PRESSURE_HILL] = {"vessels.regression.pressure_hill", STROMA_SCHEMA_NUMBER, "",
                                                  OPTIONAL, DEFAULT("1", 1.0), GT_0,
                                                  .doc = "Hill coefficient of the pressure response."},
    [STROMA_KEY_VESSELS_EVERY] = {"vessels.every", STROMA_SCHEMA_NUMBER, "min", OPTIONAL,
                                  .default_text = "time.dt_phenotype", GT_0,
                                  .doc = "Interval of the growth and regression update; a whole multiple of "
                                         "time.dt_diffusion (to 1e-9 relative)."},
    [STROMA_KEY_VESSELS_OXYGEN] = {"vessels.oxygen", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                                   .doc = "The substrate whose blood value is fixed (oxygen); it needs a permeability "
                                          "> 0 and is not listed in body.systemic."},
    [STROMA_KEY_VESSELS_OXYGEN_SUBSTRATE] = {"vessels.oxygen.substrate", STROMA_SCHEMA_NAME, "", REQUIRED, NAME_LEN,
                                             .doc = "The substrate (a key of `substrates`)."},
    [STROMA_KEY_VESSELS_OXYGEN_BLOOD] = {"vessels.oxygen.blood", STROMA_SCHEMA_NUMBER, "substrate unit", REQUIRED,
                                         GE_0, .doc = "Its value in blood (e.g. blood pO2 in mmHg)."},
    [STROMA_KEY_VESSELS_PERMEABILITY] = {"vessels.permeability", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                         .default_text = "0 for every substrate", NAME_LEN,
                                         .doc = "Permeability of the vessel wall to each substrate named (others: 0, "
                                                "no exchange): the flux into tissue per volume is P x (2 rho / "
                                                "capillary_radius) x (blood value - tissue value). A substrate with "
                                                "P > 0 other than vessels.oxygen's takes its blood value from "
                                                "body.systemic, so it must be listed there."},
    [STROMA_KEY_VESSELS_PERMEABILITY_SUBSTRATE] = {"vessels.permeability.<name>", STROMA_SCHEMA_NUMBER, "µm/min",
                                                   REQUIRED, GE_0,
                                                   .doc = "Permeability to that substrate (a key of `substrates`)."},
    [STROMA_KEY_BODY] = {"body", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                         .doc = "The plasma compartment around the tissue: substrates with a plasma value (biomarkers, "
                                "systemic factors). Gives rules the signal `plasma <name>` for each."},
    [STROMA_KEY_BODY_PLASMA_VOLUME] = {"body.plasma_volume", STROMA_SCHEMA_NUMBER, "mL", REQUIRED, GT_0,
                                       .doc = "Volume of plasma."},
    [STROMA_KEY_BODY_TUMOUR_VOLUME] = {"body.tumour_volume", STROMA_SCHEMA_NUMBER, "mL", REQUIRED, GT_0,
                                       .doc = "Volume of the tumour the domain stands for: exchange with plasma is "
                                              "scaled by tumour volume / domain volume."},
    [STROMA_KEY_BODY_DT] = {"body.dt", STROMA_SCHEMA_NUMBER, "min", OPTIONAL, DEFAULT("1", 1.0), GT_0,
                            .doc = "Time step of the plasma values; a whole multiple of time.dt_diffusion (to 1e-9 "
                                   "relative)."},
    [STROMA_KEY_BODY_SYSTEMIC] = {"body.systemic", STROMA_SCHEMA_NAMED_MAP, "", REQUIRED, .min_items = 1, NAME_LEN,
                                  .doc = "Substrates with a plasma value, by substrate name (a key of `substrates`, "
                                         "each at most once, not vessels.oxygen's)."},
    [STROMA_KEY_SYSTEMIC] = {"body.systemic.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                             .doc = "The plasma value of one substrate."},
    [STROMA_KEY_SYSTEMIC_UNIT] = {"body.systemic.<name>.unit", STROMA_SCHEMA_STRING, "", REQUIRED, .max_len = 31,
                                  .doc = "Clinical unit of the plasma value, free text (e.g. pg/mL)."},
    [STROMA_KEY_SYSTEMIC_CONVERSION] = {"body.systemic.<name>.conversion", STROMA_SCHEMA_NUMBER,
                                        "clinical unit / substrate unit", REQUIRED, GT_0,
                                        .doc = "Clinical value = conversion x tissue value."},
    [STROMA_KEY_SYSTEMIC_HALF_LIFE] = {"body.systemic.<name>.half_life", STROMA_SCHEMA_NUMBER, "min", REQUIRED, GT_0,
                                       .doc = "Plasma half-life: clearance k = ln 2 / half_life."},
    [STROMA_KEY_SYSTEMIC_BASELINE] = {"body.systemic.<name>.baseline", STROMA_SCHEMA_NUMBER, "clinical unit",
                                      OPTIONAL, DEFAULT("0", 0.0), GE_0,
                                      .doc = "Healthy plasma level: the body produces k x baseline x plasma_volume "
                                             "per min, so that a body without tumour stays there."},
    [STROMA_KEY_SYSTEMIC_DRAINAGE] = {"body.systemic.<name>.drainage", STROMA_SCHEMA_NUMBER, "1/min", OPTIONAL,
                                      DEFAULT("0", 0.0), GE_0,
                                      .doc = "Lymphatic drainage of the tissue into plasma, per voxel."},
    [STROMA_KEY_VESICLES] = {"vesicles", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL, .default_text = "none", NAME_LEN,
                             .doc = "Classes of extracellular vesicles (exosomes), by name (docs/vesicles.md). Each "
                                    "class is a field in particles/mL that transport, outputs, "
                                    "vessels.permeability and body.systemic treat as a substrate of that name (it "
                                    "must differ from every substrate). Cells release and take it up (rule "
                                    "behaviours `<name> release`, `<name> uptake`); what a cell takes up adds its "
                                    "cargo to the cell's state variables."},
    [STROMA_KEY_VESICLE] = {"vesicles.<name>", STROMA_SCHEMA_MAP, "", REQUIRED, .doc = "One class of vesicles."},
    [STROMA_KEY_VESICLE_DIAMETER] = {"vesicles.<name>.diameter", STROMA_SCHEMA_NUMBER, "nm", REQUIRED, GT_0,
                                     .doc = "Diameter of the vesicles (exosomes: 30 to 150 nm)."},
    [STROMA_KEY_VESICLE_DIFFUSION] = {"vesicles.<name>.diffusion", STROMA_SCHEMA_NUMBER, "µm²/min", OPTIONAL,
                                      .default_text = "tissue_factor x the Stokes-Einstein value in water at 37 °C, "
                                                      "kT / (3 pi eta d) (100 nm: 394 µm²/min in water)",
                                      GE_0, .doc = "Diffusion coefficient of the vesicles in tissue."},
    [STROMA_KEY_VESICLE_TISSUE_FACTOR] = {"vesicles.<name>.tissue_factor", STROMA_SCHEMA_NUMBER, "", OPTIONAL,
                                          DEFAULT("0.3", 0.3), GT_0,
                                          .doc = "Diffusion in tissue / diffusion in water when `diffusion` is not "
                                                 "given: a modelling choice (0.1 to 0.5 is usual); not allowed "
                                                 "with `diffusion`."},
    [STROMA_KEY_VESICLE_DECAY] = {"vesicles.<name>.decay", STROMA_SCHEMA_NUMBER, "1/min", REQUIRED, GE_0,
                                  .doc = "First-order loss of vesicles in tissue (degradation, clearance)."},
    [STROMA_KEY_VESICLE_INITIAL] = {"vesicles.<name>.initial", STROMA_SCHEMA_NUMBER, "particles/mL", OPTIONAL,
                                    DEFAULT("0", 0.0), GE_0, .doc = "Uniform initial value in every voxel."},
    [STROMA_KEY_VESICLE_BOUNDARY] = {"vesicles.<name>.boundary", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                     .default_text = "no flux on every face",
                                     .doc = "Dirichlet values on faces of the domain (a bath); a face not listed "
                                            "is no-flux. With any, the ledger's `decayed` is not counted (null)."},
    [STROMA_KEY_VESICLE_BOUNDARY_X_MIN] = VESICLE_FACE_ROW("x_min", "x = domain.x lo"),
    [STROMA_KEY_VESICLE_BOUNDARY_X_MAX] = VESICLE_FACE_ROW("x_max", "x = domain.x hi"),
    [STROMA_KEY_VESICLE_BOUNDARY_Y_MIN] = VESICLE_FACE_ROW("y_min", "y = domain.y lo"),
    [STROMA_KEY_VESICLE_BOUNDARY_Y_MAX] = VESICLE_FACE_ROW("y_max", "y = domain.y hi"),
    [STROMA_KEY_VESICLE_BOUNDARY_Z_MIN] = VESICLE_FACE_ROW("z_min", "z = domain.z lo"),
    [STROMA_KEY_VESICLE_BOUNDARY_Z_MAX] = VESICLE_FACE_ROW("z_max", "z = domain.z hi"),
    [STROMA_KEY_VESICLE_CARGO] = {"vesicles.<name>.cargo", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                  .default_text = "none", NAME_LEN,
                                  .doc = "What one vesicle carries, by state variable (a key of `state_variables`): "
                                         "a cell taking up n vesicles adds n x cargo to that variable."},
    [STROMA_KEY_VESICLE_CARGO_VARIABLE] = {"vesicles.<name>.cargo.<name>", STROMA_SCHEMA_NUMBER,
                                           "molecules/vesicle", REQUIRED, GE_0,
                                           .doc = "Cargo per vesicle, in the state variable's unit."},
    [STROMA_KEY_VESICLE_RELEASE] = {"vesicles.<name>.release", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                    .default_text = "0 in every type (a warning: no cell releases the class)",
                                    NAME_LEN, .doc = "Release by live cells, per cell type (a key of `cell_types`)."},
    [STROMA_KEY_VESICLE_RELEASE_TYPE] = {"vesicles.<name>.release.<name>", STROMA_SCHEMA_NUMBER,
                                         "vesicles/cell/min", REQUIRED, GE_0,
                                         .doc = "Vesicles a live cell of that type releases per min (MCF7, "
                                                "MDA-MB-231: about 1 per min), into its voxel."},
    [STROMA_KEY_VESICLE_UPTAKE] = {"vesicles.<name>.uptake", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL,
                                   .default_text = "0 in every type", NAME_LEN,
                                   .doc = "Saturable uptake by live cells, per cell type: V c / (K + c) vesicles "
                                          "per min, c the value of the cell's voxel."},
    [STROMA_KEY_VESICLE_UPTAKE_TYPE] = {"vesicles.<name>.uptake.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                                        .doc = "Uptake by cells of that type."},
    [STROMA_KEY_VESICLE_UPTAKE_RATE] = {"vesicles.<name>.uptake.<name>.rate", STROMA_SCHEMA_NUMBER,
                                        "vesicles/cell/min", REQUIRED, GE_0, .doc = "V, the rate at saturation."},
    [STROMA_KEY_VESICLE_UPTAKE_HALF_MAX] = {"vesicles.<name>.uptake.<name>.half_max", STROMA_SCHEMA_NUMBER,
                                            "particles/mL", REQUIRED, GT_0,
                                            .doc = "K, the value of the voxel giving half the rate at saturation."},
    [STROMA_KEY_THERAPIES] = {"therapies", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                              .doc = "Drugs and radiotherapy (docs/therapies.md): a plasma pharmacokinetic model "
                                     "per drug stepped on the simulation clock, dosing regimens, entry into the tissue "
                                     "through the vessel walls as a substrate, mechanisms acting by the local drug "
                                     "level; radiotherapy fractions; cell infusions."},
    [STROMA_KEY_THERAPIES_BODY_WEIGHT] = {"therapies.body_weight", STROMA_SCHEMA_NUMBER, "kg", CONDITIONAL,
                                          .need_text = "required when a regimen gives dose_per_kg", GT_0,
                                          .doc = "The patient's body weight, for doses in mg/kg."},
    [STROMA_KEY_THERAPIES_DRUGS] = {"therapies.drugs", STROMA_SCHEMA_NAMED_MAP, "", OPTIONAL, NAME_LEN,
                                    .default_text = "none", .doc = "The drugs, by name."},
    [STROMA_KEY_DRUG] = {"therapies.drugs.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                         .doc = "A drug: its plasma model, its regimens, its tissue field and its mechanisms."},
    [STROMA_KEY_DRUG_SUBSTRATE] = {"therapies.drugs.<name>.substrate", STROMA_SCHEMA_NAME, "", CONDITIONAL,
                                   .need_text = "required with a mechanism", NAME_LEN,
                                   .doc = "The substrate (a key of `substrates`) that carries the drug in the "
                                          "tissue: its blood value is conversion x the plasma level, it enters "
                                          "through the vessel walls (needs vessels.permeability > 0 for it) and "
                                          "diffuses, decays, is hindered by matrix and taken up by cells as that "
                                          "substrate. It must not be in body.systemic. Absent: plasma only."},
    [STROMA_KEY_DRUG_CONVERSION] = {"therapies.drugs.<name>.conversion", STROMA_SCHEMA_NUMBER,
                                    "substrate unit per mg/L", OPTIONAL, DEFAULT("1 (the substrate is in µg/mL)", 1.0),
                                    GT_0,
                                    .doc = "Blood value of the substrate per mg/L of drug in plasma (e.g. 1e3 / "
                                           "molar mass in g/mol for µM)."},
    [STROMA_KEY_DRUG_PK] = {"therapies.drugs.<name>.pk", STROMA_SCHEMA_MAP, "", REQUIRED,
                            .doc = "Plasma pharmacokinetics: one or two compartments with first-order elimination "
                                   "from the central one and an optional s.c. absorption depot (docs/therapies.md)."},
    [STROMA_KEY_DRUG_PK_COMPARTMENTS] = {"therapies.drugs.<name>.pk.compartments", STROMA_SCHEMA_INTEGER, "",
                                         OPTIONAL, DEFAULT("1", 1.0), .lower = STROMA_BOUND_INCLUSIVE,
                                         .lower_value = 1, .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 2,
                                         .doc = "1 or 2 (central and peripheral)."},
    [STROMA_KEY_DRUG_PK_CENTRAL_VOLUME] = {"therapies.drugs.<name>.pk.central_volume", STROMA_SCHEMA_NUMBER, "L",
                                           REQUIRED, GT_0, .doc = "Vc, the central (plasma) volume."},
    [STROMA_KEY_DRUG_PK_PERIPHERAL_VOLUME] = {"therapies.drugs.<name>.pk.peripheral_volume", STROMA_SCHEMA_NUMBER,
                                              "L", CONDITIONAL, .need_text = "required with 2 compartments, "
                                              "refused with 1", GT_0, .doc = "Vp, the peripheral volume."},
    [STROMA_KEY_DRUG_PK_CLEARANCE] = {"therapies.drugs.<name>.pk.clearance", STROMA_SCHEMA_NUMBER, "L/day",
                                      CONDITIONAL, .need_text = "exactly one of clearance and half_life", GE_0,
                                      .doc = "CL, elimination from the central compartment."},
    [STROMA_KEY_DRUG_PK_HALF_LIFE] = {"therapies.drugs.<name>.pk.half_life", STROMA_SCHEMA_NUMBER, "day",
                                      CONDITIONAL, .need_text = "exactly one of clearance and half_life; one "
                                      "compartment only", GT_0,
                                      .doc = "Elimination half-life of a one-compartment drug: CL = ln 2 Vc / t½."},
    [STROMA_KEY_DRUG_PK_INTERCOMPARTMENTAL] = {"therapies.drugs.<name>.pk.intercompartmental",
                                               STROMA_SCHEMA_NUMBER, "L/day", CONDITIONAL,
                                               .need_text = "required with 2 compartments, refused with 1", GT_0,
                                               .doc = "Q, the clearance between the central and peripheral "
                                                      "compartments."},
    [STROMA_KEY_DRUG_PK_ABSORPTION] = {"therapies.drugs.<name>.pk.absorption", STROMA_SCHEMA_NUMBER, "1/day",
                                       CONDITIONAL, .need_text = "required with a subcutaneous regimen", GT_0,
                                       .doc = "ka, first-order absorption from the s.c. depot."},
    [STROMA_KEY_DRUG_PK_BIOAVAILABILITY] = {"therapies.drugs.<name>.pk.bioavailability", STROMA_SCHEMA_NUMBER,
                                            "fraction", OPTIONAL, DEFAULT("1", 1.0), GT_0,
                                            .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 1.0,
                                            .doc = "F, the fraction of an s.c. dose absorbed."},
    [STROMA_KEY_DRUG_REGIMENS] = {"therapies.drugs.<name>.regimens", STROMA_SCHEMA_LIST, "", REQUIRED,
                                  .min_items = 1,
                                  .doc = "Dosing regimens; several make combinations and sequences (a loading "
                                         "regimen, then maintenance)."},
    [STROMA_KEY_DRUG_REGIMEN] = {"therapies.drugs.<name>.regimens[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                                 .doc = "`cycles` doses every `interval` from `start`."},
    [STROMA_KEY_REGIMEN_ROUTE] = {"therapies.drugs.<name>.regimens[].route", STROMA_SCHEMA_CHOICE, "", REQUIRED,
                                  .choices = "bolus infusion subcutaneous",
                                  .doc = "bolus: i.v., the whole dose into plasma at once; infusion: i.v. at a "
                                         "constant rate over `duration`; subcutaneous: F x dose into the "
                                         "absorption depot."},
    [STROMA_KEY_REGIMEN_START] = {"therapies.drugs.<name>.regimens[].start", STROMA_SCHEMA_NUMBER, "day", OPTIONAL,
                                  DEFAULT("0", 0.0), GE_0, .doc = "Day of the first dose (0: the start of the run)."},
    [STROMA_KEY_REGIMEN_DOSE] = {"therapies.drugs.<name>.regimens[].dose", STROMA_SCHEMA_NUMBER, "mg", CONDITIONAL,
                                 .need_text = "exactly one of dose and dose_per_kg", GT_0, .doc = "Each dose."},
    [STROMA_KEY_REGIMEN_DOSE_PER_KG] = {"therapies.drugs.<name>.regimens[].dose_per_kg", STROMA_SCHEMA_NUMBER,
                                        "mg/kg", CONDITIONAL, .need_text = "exactly one of dose and dose_per_kg",
                                        GT_0, .doc = "Each dose per kg of therapies.body_weight."},
    [STROMA_KEY_REGIMEN_INTERVAL] = {"therapies.drugs.<name>.regimens[].interval", STROMA_SCHEMA_NUMBER, "day",
                                     CONDITIONAL, .need_text = "required when cycles > 1", GT_0,
                                     .doc = "Time between doses (longer than an infusion's duration)."},
    [STROMA_KEY_REGIMEN_CYCLES] = {"therapies.drugs.<name>.regimens[].cycles", STROMA_SCHEMA_INTEGER, "doses",
                                   OPTIONAL, DEFAULT("1", 1.0), .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 1,
                                   .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 100000,
                                   .doc = "Number of doses."},
    [STROMA_KEY_REGIMEN_DURATION] = {"therapies.drugs.<name>.regimens[].duration", STROMA_SCHEMA_NUMBER, "min",
                                     CONDITIONAL, .need_text = "required for an infusion, refused otherwise", GT_0,
                                     .doc = "Length of each infusion."},
    [STROMA_KEY_DRUG_NEUTRALISE] = {"therapies.drugs.<name>.neutralise", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                    .default_text = "none",
                                    .doc = "Binding sink: the drug removes a factor in the tissue at rate k_on x "
                                           "drug x factor (anti-VEGF, anti-IL-6 antibodies)."},
    [STROMA_KEY_DRUG_NEUTRALISE_SUBSTRATE] = {"therapies.drugs.<name>.neutralise.substrate", STROMA_SCHEMA_NAME, "",
                                              REQUIRED, NAME_LEN, .doc = "The factor (a key of `substrates`)."},
    [STROMA_KEY_DRUG_NEUTRALISE_K_ON] = {"therapies.drugs.<name>.neutralise.k_on", STROMA_SCHEMA_NUMBER,
                                         "1/min per drug substrate unit", REQUIRED, GT_0,
                                         .doc = "Second-order binding rate."},
    [STROMA_KEY_DRUG_BLOCK] = {"therapies.drugs.<name>.block_receptor", STROMA_SCHEMA_MAP, "", OPTIONAL,
                               .default_text = "none",
                               .doc = "Receptor blockade: rules read a substrate signal x (1 - occupancy), "
                                      "occupancy = drug / (drug + ec50) in the cell's voxel (anti-IL-6R)."},
    [STROMA_KEY_DRUG_BLOCK_SIGNAL] = {"therapies.drugs.<name>.block_receptor.signal", STROMA_SCHEMA_NAME, "",
                                      REQUIRED, NAME_LEN, .doc = "The substrate whose signal is blocked."},
    [STROMA_KEY_DRUG_BLOCK_EC50] = {"therapies.drugs.<name>.block_receptor.ec50", STROMA_SCHEMA_NUMBER,
                                    "drug substrate unit", REQUIRED, GT_0, .doc = "Drug level of half occupancy."},
    [STROMA_KEY_DRUG_DEPLETE] = {"therapies.drugs.<name>.deplete", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                 .default_text = "none",
                                 .doc = "Depletion of a cell type (FAP-targeted CAFs): an apoptosis hazard rate x "
                                        "occupancy added to its live cells."},
    [STROMA_KEY_DRUG_DEPLETE_TYPE] = {"therapies.drugs.<name>.deplete.cell_type", STROMA_SCHEMA_NAME, "", REQUIRED,
                                      NAME_LEN, .doc = "The type (a key of `cell_types`)."},
    [STROMA_KEY_DRUG_DEPLETE_RATE] = {"therapies.drugs.<name>.deplete.rate", STROMA_SCHEMA_NUMBER, "1/min",
                                      REQUIRED, GE_0, .doc = "Hazard at full occupancy."},
    [STROMA_KEY_DRUG_DEPLETE_EC50] = {"therapies.drugs.<name>.deplete.ec50", STROMA_SCHEMA_NUMBER,
                                      "drug substrate unit", REQUIRED, GT_0, .doc = "Drug level of half effect."},
    [STROMA_KEY_DRUG_INHIBIT] = {"therapies.drugs.<name>.inhibit", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                 .default_text = "none",
                                 .doc = "Inhibition of a behaviour of a cell type: each phenotype step its value (the "
                                        "rules' result, or the type's base value) x (1 - occupancy) in the cell's "
                                        "voxel, in live cells."},
    [STROMA_KEY_DRUG_INHIBIT_TYPE] = {"therapies.drugs.<name>.inhibit.cell_type", STROMA_SCHEMA_NAME, "", REQUIRED,
                                      NAME_LEN, .doc = "The type (a key of `cell_types`)."},
    [STROMA_KEY_DRUG_INHIBIT_BEHAVIOUR] = {"therapies.drugs.<name>.inhibit.behaviour", STROMA_SCHEMA_STRING, "",
                                           REQUIRED, .max_len = 63,
                                           .doc = "A rule behaviour (docs/rules.md), e.g. `cycle entry`, `migration "
                                                  "speed`, `IL6 secretion`, `transform to CAF`; not `necrosis`."},
    [STROMA_KEY_DRUG_INHIBIT_EC50] = {"therapies.drugs.<name>.inhibit.ec50", STROMA_SCHEMA_NUMBER,
                                      "drug substrate unit", REQUIRED, GT_0, .doc = "Drug level of half occupancy."},
    [STROMA_KEY_DRUG_CHECKPOINT] = {"therapies.drugs.<name>.checkpoint_blockade", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                    .default_text = "none",
                                    .doc = "Checkpoint blockade (anti-PD-1/PD-L1): the rules read the signal "
                                           "\"<ligand> in contact\" x (1 - occupancy) in the reading cell's voxel, "
                                           "so that PD-L1 on neighbours no longer drives exhaustion or damps killing."},
    [STROMA_KEY_DRUG_CHECKPOINT_LIGAND] = {"therapies.drugs.<name>.checkpoint_blockade.ligand", STROMA_SCHEMA_NAME,
                                           "", REQUIRED, NAME_LEN,
                                           .doc = "The state variable (a key of `state_variables`) that carries the "
                                                  "ligand, e.g. PD_L1."},
    [STROMA_KEY_DRUG_CHECKPOINT_EC50] = {"therapies.drugs.<name>.checkpoint_blockade.ec50", STROMA_SCHEMA_NUMBER,
                                         "drug substrate unit", REQUIRED, GT_0, .doc = "Drug level of half occupancy."},
    [STROMA_KEY_DRUG_BLOCK_RELEASE] = {"therapies.drugs.<name>.block_release", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                       .default_text = "none",
                                       .doc = "Exosome release blocked (e.g. a nSMase2 inhibitor): a cell's release of "
                                              "the class is multiplied by 1 - occupancy in its voxel."},
    [STROMA_KEY_DRUG_BLOCK_RELEASE_VESICLE] = {"therapies.drugs.<name>.block_release.vesicle", STROMA_SCHEMA_NAME,
                                               "", REQUIRED, NAME_LEN, .doc = "The class (a key of `vesicles`)."},
    [STROMA_KEY_DRUG_BLOCK_RELEASE_EC50] = {"therapies.drugs.<name>.block_release.ec50", STROMA_SCHEMA_NUMBER,
                                            "drug substrate unit", REQUIRED, GT_0,
                                            .doc = "Drug level of half occupancy."},
    [STROMA_KEY_DRUG_CYTOTOXIC] = {"therapies.drugs.<name>.cytotoxic", STROMA_SCHEMA_MAP, "", OPTIONAL,
                                   .default_text = "none",
                                   .doc = "Cytotoxic chemotherapy: a live cell dies (apoptosis) with hazard rate x "
                                          "weight of its type x occupancy / (1 + resistance)."},
    [STROMA_KEY_DRUG_CYTOTOXIC_RATE] = {"therapies.drugs.<name>.cytotoxic.rate", STROMA_SCHEMA_NUMBER, "1/min",
                                        REQUIRED, GE_0, .doc = "Hazard at full occupancy and no resistance."},
    [STROMA_KEY_DRUG_CYTOTOXIC_EC50] = {"therapies.drugs.<name>.cytotoxic.ec50", STROMA_SCHEMA_NUMBER,
                                        "drug substrate unit", REQUIRED, GT_0, .doc = "Drug level of half effect."},
    [STROMA_KEY_DRUG_CYTOTOXIC_TYPES] = {"therapies.drugs.<name>.cytotoxic.types", STROMA_SCHEMA_NAMED_MAP, "",
                                         OPTIONAL, .default_text = "1 for every type", NAME_LEN,
                                         .doc = "Relative sensitivity by cell type (a key of `cell_types`); types "
                                                "not listed get 0."},
    [STROMA_KEY_DRUG_CYTOTOXIC_TYPE] = {"therapies.drugs.<name>.cytotoxic.types.<name>", STROMA_SCHEMA_NUMBER, "",
                                        REQUIRED, GE_0, .doc = "Weight of the type (1: the full rate)."},
    [STROMA_KEY_DRUG_CYTOTOXIC_RESISTANCE] = {"therapies.drugs.<name>.cytotoxic.resistance", STROMA_SCHEMA_NAME, "",
                                              OPTIONAL, .default_text = "none (resistance 0)", NAME_LEN,
                                              .doc = "A state variable (a key of `state_variables`) holding each "
                                                     "cell's resistance (>= 0, dimensionless), which rules can "
                                                     "raise: the hazard is divided by 1 + resistance."},
    [STROMA_KEY_RT] = {"therapies.radiotherapy", STROMA_SCHEMA_MAP, "", OPTIONAL, .default_text = "none",
                       .doc = "External-beam radiotherapy: `fractions` doses of `dose` Gy every `interval` from `start`; "
                              "a live cell of a listed type survives a fraction with the linear-quadratic "
                              "probability exp(-(alpha OMF D + beta OMF² D²) / (1 + resistance)), OMF the oxygen "
                              "modification factor of its voxel."},
    [STROMA_KEY_RT_START] = {"therapies.radiotherapy.start", STROMA_SCHEMA_NUMBER, "day", OPTIONAL, DEFAULT("0", 0.0),
                             GE_0, .doc = "Day of the first fraction."},
    [STROMA_KEY_RT_DOSE] = {"therapies.radiotherapy.dose", STROMA_SCHEMA_NUMBER, "Gy", REQUIRED, GT_0,
                            .doc = "Dose of each fraction (e.g. 2)."},
    [STROMA_KEY_RT_INTERVAL] = {"therapies.radiotherapy.interval", STROMA_SCHEMA_NUMBER, "day", CONDITIONAL,
                                .need_text = "required when fractions > 1", GT_0, .doc = "Time between fractions."},
    [STROMA_KEY_RT_FRACTIONS] = {"therapies.radiotherapy.fractions", STROMA_SCHEMA_INTEGER, "", OPTIONAL,
                                 DEFAULT("1", 1.0), .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 1,
                                 .upper = STROMA_BOUND_INCLUSIVE, .upper_value = 100000,
                                 .doc = "Number of fractions."},
    [STROMA_KEY_RT_TYPES] = {"therapies.radiotherapy.types", STROMA_SCHEMA_NAMED_MAP, "", REQUIRED, NAME_LEN,
                             .min_items = 1,
                             .doc = "Radiosensitivity by cell type (a key of `cell_types`); types not listed are "
                                    "spared."},
    [STROMA_KEY_RT_TYPE] = {"therapies.radiotherapy.types.<name>", STROMA_SCHEMA_MAP, "", REQUIRED,
                            .doc = "The linear-quadratic coefficients of the type (well oxygenated)."},
    [STROMA_KEY_RT_ALPHA] = {"therapies.radiotherapy.types.<name>.alpha", STROMA_SCHEMA_NUMBER, "1/Gy", REQUIRED,
                             GE_0, .doc = "alpha (e.g. 0.3 for a tumour with alpha/beta 10)."},
    [STROMA_KEY_RT_BETA] = {"therapies.radiotherapy.types.<name>.beta", STROMA_SCHEMA_NUMBER, "1/Gy²", REQUIRED,
                            GE_0, .doc = "beta (e.g. 0.03)."},
    [STROMA_KEY_RT_OXYGEN] = {"therapies.radiotherapy.oxygen", STROMA_SCHEMA_NAME, "", OPTIONAL,
                              .default_text = "none: every cell counts as well oxygenated (OMF 1)", NAME_LEN,
                              .doc = "The oxygen substrate (mmHg): OMF = (OER pO2 + K) / (OER (pO2 + K)), 1 when "
                                     "well oxygenated, 1/OER in anoxia (Alper and Howard-Flanders)."},
    [STROMA_KEY_RT_OER] = {"therapies.radiotherapy.oer", STROMA_SCHEMA_NUMBER, "", OPTIONAL, DEFAULT("3", 3.0),
                           .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 1.0,
                           .doc = "Oxygen enhancement ratio at full oxygenation versus anoxia."},
    [STROMA_KEY_RT_OXYGEN_HALF] = {"therapies.radiotherapy.oxygen_half", STROMA_SCHEMA_NUMBER, "mmHg", OPTIONAL,
                                   DEFAULT("3", 3.0), GT_0, .doc = "K, the pO2 of half the oxygen effect."},
    [STROMA_KEY_RT_RESISTANCE] = {"therapies.radiotherapy.resistance", STROMA_SCHEMA_NAME, "", OPTIONAL,
                                  .default_text = "none (resistance 0)", NAME_LEN,
                                  .doc = "A state variable (a key of `state_variables`): the log cell kill is divided "
                                         "by 1 + its value (>= 0)."},
    [STROMA_KEY_INFUSIONS] = {"therapies.infusions", STROMA_SCHEMA_LIST, "", OPTIONAL, .default_text = "none",
                              .doc = "Cell infusions (CAR-T, TILs): cells of a type entering the tissue through the "
                                     "vessel walls on a day. Needs `vessels`."},
    [STROMA_KEY_INFUSION] = {"therapies.infusions[]", STROMA_SCHEMA_MAP, "", REQUIRED,
                             .doc = "`cells` cells of `cell_type` enter at the phenotype step holding `day`, each in "
                                    "a vessel voxel picked with probability proportional to its vessel density "
                                    "(wall area), at a uniform point in it."},
    [STROMA_KEY_INFUSION_TYPE] = {"therapies.infusions[].cell_type", STROMA_SCHEMA_NAME, "", REQUIRED, NAME_LEN,
                                  .doc = "The type (a key of `cell_types`)."},
    [STROMA_KEY_INFUSION_DAY] = {"therapies.infusions[].day", STROMA_SCHEMA_NUMBER, "day", REQUIRED, GE_0,
                                 .doc = "When the cells reach the tissue."},
    [STROMA_KEY_INFUSION_CELLS] = {"therapies.infusions[].cells", STROMA_SCHEMA_INTEGER, "cells", REQUIRED,
                                   .lower = STROMA_BOUND_INCLUSIVE, .lower_value = 1, .upper = STROMA_BOUND_INCLUSIVE,
                                   .upper_value = 10000000,
                                   .doc = "Cells entering the simulated domain: the dose x the fraction that homes "
                                          "to the tumour x domain volume / tumour volume (docs/therapies.md)."},
};

const char stroma_schema_example[] =
    "domain: {x: [0, 1000], y: [0, 20], z: [0, 20], voxel: 20}   # a 1D strip\n"
    "time: {end: 600, dt_diffusion: 0.01, dt_mechanics: 0.1, dt_phenotype: 6}\n"
    "seed: 1\n"
    "substrates:\n"
    "  oxygen:\n"
    "    unit: mmHg\n"
    "    diffusion: 100000\n"
    "    decay: 0.1\n"
    "    initial: 38\n"
    "    boundary: {x_min: 38}\n"
    "  IL6:\n"
    "    unit: ng/mL\n"
    "    diffusion: 6000\n"
    "    decay: 0.0069\n"
    "    fixed:\n"
    "      - {at: [990, 10, 10], value: 0}\n"
    "sources:\n"
    "  - substrate: IL6\n"
    "    at: [500, 10, 10]\n"
    "    secretion: 0.1\n"
    "    saturation: 1\n"
    "  - substrate: oxygen\n"
    "    count: 20\n"
    "    box: {lo: [100, 0, 0], hi: [300, 20, 20]}\n"
    "    uptake: 10\n"
    "cell_types:\n"
    "  cancer:\n"
    "    cycle: {model: exponential, duration: 1380}\n"
    "    death:\n"
    "      apoptosis: {rate: 5.3e-5}\n"
    "      necrosis: {substrate: oxygen, threshold: 5, critical: 2.5, rate: 0.0028}\n"
    "    secretion:\n"
    "      oxygen: {uptake: 10}\n"
    "      IL6: {rate: 0.01, saturation: 1}\n"
    "  macrophage:\n"
    "    volume: 4990\n"
    "    motility: {speed: 1, persistence: 5, bias: 0.8, chemotaxis: {substrate: IL6}}\n"
    "    interactions:\n"
    "      phagocytosis: {cancer: 0.01}\n"
    "state_variables:\n"
    "  stemness: {initial: {cancer: 0.2}, production: {cancer: 0.001}, decay: {cancer: 0.01}}\n"
    "rules:   # items may also be {file: rules.csv} (PhysiCell's format)\n"
    "  - {type: cancer, signal: oxygen, direction: decreases, behaviour: stemness production, saturation: 0,\n"
    "     half_max: 10, hill: 4}\n"
    "  - {type: cancer, signal: stemness, direction: decreases, behaviour: apoptosis, saturation: 0, half_max: 0.5,\n"
    "     hill: 1}\n"
    "  - {type: macrophage, signal: IL6, direction: increases, behaviour: migration speed, saturation: 3,\n"
    "     half_max: 0.5, hill: 2}\n"
    "initial_cells:\n"
    "  - {type: cancer, count: 20, box: {lo: [400, 0, 0], hi: [600, 20, 20]}}\n"
    "  - {type: macrophage, at: [900, 10, 10]}\n"
    "outputs: {every: 60, fields: [csv], cells: [csv]}\n"
    "vessels:\n"
    "  initial:\n"
    "    segments:\n"
    "      - {from: [0, 10, 10], to: [200, 10, 10], radius: 10, density: 0.05}\n"
    "  regression: {pressure_rate: 0.001, pressure_half_max: 1}\n"
    "  oxygen: {substrate: oxygen, blood: 38}\n"
    "  permeability: {oxygen: 300, IL6: 0.6}\n"
    "body:\n"
    "  plasma_volume: 3000\n"
    "  tumour_volume: 10\n"
    "  systemic:\n"
    "    IL6: {unit: pg/mL, conversion: 1000, half_life: 60, baseline: 5}\n";

/* Length of the path of the row's parent (0 for a top-level key). */
static size_t schema_parent_len(const char *path) {
    size_t len = strlen(path);
    if (len >= 2 && strcmp(path + len - 2, "[]") == 0) return len - 2;
    const char *dot = strrchr(path, '.');
    return dot ? (size_t)(dot - path) : 0;
}

int stroma_schema_parent(int id) {
    if (id < 0 || id >= STROMA_KEY_COUNT) return -1;
    const char *path = stroma_schema_keys[id].path;
    size_t plen = schema_parent_len(path);
    if (plen == 0) return -1;
    for (int i = 0; i < STROMA_KEY_COUNT; i++)
        if (strlen(stroma_schema_keys[i].path) == plen && strncmp(stroma_schema_keys[i].path, path, plen) == 0)
            return i;
    return -1;
}

const char *stroma_schema_key_name(int id) {
    const char *path = stroma_schema_keys[id].path;
    size_t len = strlen(path);
    if (len >= 2 && strcmp(path + len - 2, "[]") == 0) return "";
    const char *dot = strrchr(path, '.');
    if (dot && strcmp(dot + 1, "<name>") == 0) return "";
    return dot ? dot + 1 : path;
}

int stroma_schema_child(int parent, const char *key, size_t len) {
    int item = parent >= 0 && (stroma_schema_keys[parent].type == STROMA_SCHEMA_NAMED_MAP ||
                               stroma_schema_keys[parent].type == STROMA_SCHEMA_LIST);
    for (int i = 0; i < STROMA_KEY_COUNT; i++) {
        if (stroma_schema_parent(i) != parent) continue;
        if (item) return i;
        const char *name = stroma_schema_key_name(i);
        if (strlen(name) == len && memcmp(name, key, len) == 0) return i;
    }
    return -1;
}

const char *stroma_schema_type_name(stroma_schema_type type) {
    switch (type) {
    case STROMA_SCHEMA_MAP: return "mapping";
    case STROMA_SCHEMA_NAMED_MAP: return "mapping of names";
    case STROMA_SCHEMA_LIST: return "list";
    case STROMA_SCHEMA_NUMBER: return "number";
    case STROMA_SCHEMA_INTEGER: return "integer";
    case STROMA_SCHEMA_UINT64: return "integer";
    case STROMA_SCHEMA_STRING: return "string";
    case STROMA_SCHEMA_NAME: return "name";
    case STROMA_SCHEMA_POINT: return "[x, y, z]";
    case STROMA_SCHEMA_INTERVAL: return "[lo, hi]";
    case STROMA_SCHEMA_WORDS: return "list of words";
    case STROMA_SCHEMA_CHOICE: return "word";
    }
    return "?";
}

int stroma_schema_valid_name(const char *s, size_t len) {
    if (len == 0 || len > STROMA_NAME_MAX - 1) return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        int more = (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!(alpha || (i > 0 && more))) return 0;
    }
    return 1;
}

/* Append-only text buffer that counts what it could not store. */
typedef struct schema_text {
    char *buf;
    size_t cap, len;
} schema_text;

static void schema_put(schema_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void schema_put(schema_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->cap ? t->cap - t->len : 0;
    int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n;
}

/* The "Allowed" cell of a row. */
static void schema_allowed(const stroma_schema_key *k, char *out, size_t cap) {
    out[0] = '\0';
    switch (k->type) {
    case STROMA_SCHEMA_NUMBER:
    case STROMA_SCHEMA_INTEGER:
        if (k->lower != STROMA_BOUND_NONE && k->upper != STROMA_BOUND_NONE)
            snprintf(out, cap, "%.10g to %.10g", k->lower_value, k->upper_value);
        else if (k->lower != STROMA_BOUND_NONE)
            snprintf(out, cap, "%s %.10g", k->lower == STROMA_BOUND_INCLUSIVE ? ">=" : ">", k->lower_value);
        else if (k->upper != STROMA_BOUND_NONE)
            snprintf(out, cap, "%s %.10g", k->upper == STROMA_BOUND_INCLUSIVE ? "<=" : "<", k->upper_value);
        else
            snprintf(out, cap, "any");
        break;
    case STROMA_SCHEMA_UINT64: snprintf(out, cap, "0 to 18446744073709551615"); break;
    case STROMA_SCHEMA_STRING: snprintf(out, cap, "at most %zu characters", k->max_len); break;
    case STROMA_SCHEMA_NAME: snprintf(out, cap, "a defined name"); break;
    case STROMA_SCHEMA_INTERVAL: snprintf(out, cap, "hi > lo"); break;
    case STROMA_SCHEMA_WORDS: snprintf(out, cap, "%s", k->choices); break;
    case STROMA_SCHEMA_CHOICE: snprintf(out, cap, "one of: %s", k->choices); break;
    case STROMA_SCHEMA_NAMED_MAP: {
        int n = snprintf(out, cap, "names `[A-Za-z_][A-Za-z0-9_.-]*`, at most %zu characters", k->max_len);
        size_t used = n > 0 && (size_t)n < cap ? (size_t)n : cap - 1;
        if (k->min_items > 0 && k->max_items > 0)
            snprintf(out + used, cap - used, "; %d to %d entries", k->min_items, k->max_items);
        else if (k->max_items > 0)
            snprintf(out + used, cap - used, "; at most %d entries", k->max_items);
        else if (k->min_items > 0)
            snprintf(out + used, cap - used, "; at least %d", k->min_items);
        break;
    }
    case STROMA_SCHEMA_LIST:
        if (k->max_items > 0)
            snprintf(out, cap, "%d to %d items", k->min_items, k->max_items);
        else if (k->min_items > 0)
            snprintf(out, cap, "at least %d", k->min_items);
        break;
    case STROMA_SCHEMA_MAP:
    case STROMA_SCHEMA_POINT: break;
    }
}

/* The "Signals and behaviours" section: the rule tables of a model with one substrate, cell type and state
 * variable standing for every one (built by rules_tables.c, so the manual follows its providers). */
static void schema_signals_behaviours(schema_text *t) {
    stroma_substrate_desc sub;
    stroma_cell_type_desc type;
    stroma_state_var_desc var;
    memset(&sub, 0, sizeof sub);
    memset(&type, 0, sizeof type);
    memset(&var, 0, sizeof var);
    snprintf(sub.name, sizeof sub.name, "<substrate>");
    snprintf(sub.unit, sizeof sub.unit, "substrate unit");
    snprintf(type.name, sizeof type.name, "<type>");
    snprintf(var.name, sizeof var.name, "<variable>");
    stroma_model m;
    memset(&m, 0, sizeof m);
    stroma_substrate_desc subs[2]; /* `<substrate>`, and the field of a vesicle class `<class>` */
    memset(subs, 0, sizeof subs);
    subs[0] = sub;
    snprintf(subs[1].name, sizeof subs[1].name, "<class>");
    snprintf(subs[1].unit, sizeof subs[1].unit, "particles/mL");
    stroma_vesicle_class_desc cls;
    memset(&cls, 0, sizeof cls);
    snprintf(cls.name, sizeof cls.name, "<class>");
    cls.substrate = 1;
    m.nsub = 2;
    m.substrates = subs;
    m.vesicles.present = 1;
    m.vesicles.nclasses = 1;
    m.vesicles.classes = &cls;
    m.vesicles.first_substrate = 1;
    m.ntypes = 1;
    m.cell_types = &type;
    m.nstate = 1;
    m.state_vars = &var;
    stroma_systemic_desc sys; /* a model with vessels and a body, `<substrate>` in body.systemic */
    memset(&sys, 0, sizeof sys);
    snprintf(sys.unit, sizeof sys.unit, "clinical unit");
    m.vessels.present = 1;
    m.body.present = 1;
    m.body.nsystemic = 1;
    m.body.systemic = &sys;
    schema_put(t, "\n## Signals and behaviours\n\n"
                  "The names a rule may use. `<substrate>`, `<type>` and `<variable>` stand for each substrate, cell\n"
                  "type and state variable of the model (`contact with CAF`, `IL6 secretion`, `stemness decay`). A\n"
                  "state variable is also accepted as the signal `custom:<variable>` (PhysiCell's spelling).\n"
                  "`vessel density`, `vessel deposition` and `vessel pruning` exist in a model with `vessels`, and\n"
                  "`plasma <substrate>` for each substrate of `body.systemic`. A class of `vesicles` (`<class>`)\n"
                  "is read like a substrate (`<class>`, `<class> gradient`, in particles/mL) and set by the\n"
                  "behaviours `<class> release` and `<class> uptake`.\n");
    if (stroma_rule_tables_build(&m) != 0) {
        schema_put(t, "\n(out of memory listing the names)\n");
        return;
    }
    const stroma_rule_tables *rt = &m.rule_tables;
    schema_put(t, "\n| Signal | Unit |\n|--------|------|\n");
    for (int i = 0; i < rt->nsignals; i++) schema_put(t, "| `%s` | %s |\n", rt->signals[i].name, rt->signals[i].unit);
    schema_put(t, "\n| Behaviour | Unit |\n|-----------|------|\n");
    for (int i = 0; i < rt->nbehaviours; i++)
        schema_put(t, "| `%s` | %s |\n", rt->behaviours[i].name, rt->behaviours[i].unit);
    stroma_rule_tables_free(&m.rule_tables);
}

size_t stroma_model_reference_markdown(char *buf, size_t cap) {
    schema_text t = {buf, cap, 0};
    if (buf && cap) buf[0] = '\0';
    schema_put(&t,
               "# stroma model file reference\n"
               "\n"
               "<!-- Generated by stroma_model_reference_markdown() from the schema table in src/model/schema.c.\n"
               "     Do not edit by hand: tests/unit/test_model.c fails when this file and the table differ;\n"
               "     regenerate with STROMA_UPDATE_DOCS=1 ./build/test_model. -->\n"
               "\n"
               "A model file is one YAML document describing the tissue to simulate. Lengths are in µm and times\n"
               "in min. The loader checks every key against the table below and reports every mistake it finds,\n"
               "each as `file:line:column: message` naming the key and its unit, for example\n"
               "`tumour.yaml:7:16: substrates.oxygen.diffusion must be >= 0 (got -3) [µm²/min]`.\n"
               "\n"
               "## Notation\n"
               "\n"
               "- `a.b` is key `b` inside the mapping `a`; `<name>` is a name you choose; `[]` is an item of a\n"
               "  list (messages show its index, e.g. `sources[2].at`).\n"
               "- `[x, y, z]` is a list of three numbers, `[lo, hi]` a list of two.\n"
               "- Numbers are written plain: `\"5\"` (quoted) is a string and is refused where a number is\n"
               "  expected; `.inf` and `.nan` are refused.\n"
               "- \"substrate unit\" is the unit of the substrate concerned (its `unit` key).\n"
               "\n"
               "## Rules\n"
               "\n"
               "- Unknown keys are errors; the nearest valid key is suggested. Duplicate keys are errors.\n"
               "- A key marked required must be present. An optional key that is absent takes the default shown;\n"
               "  no other value is ever assumed (nothing silently becomes 0).\n"
               "- Names (`substrates.<name>`, `cell_types.<name>`) match `[A-Za-z_][A-Za-z0-9_.-]*` and have at\n"
               "  most 63 characters. A name used elsewhere (a source's substrate, a type in `attack`, ...) must be\n"
               "  defined somewhere in the file; a misspelt one is reported with the nearest defined name.\n"
               "- `domain.voxel` must divide the extent of every axis; the error message suggests the nearest\n"
               "  voxel sizes that would. An axis one voxel thick lowers the dimension of the model.\n"
               "- `time.dt_mechanics` must be a whole multiple of `time.dt_diffusion`, and `time.dt_phenotype` of\n"
               "  `time.dt_mechanics` (to 1e-9 relative); the message gives the nearest valid value.\n"
               "- Points (`at`, fixed voxels, rows of cell files) must lie in the domain, and the regions of\n"
               "  sources and initial cells entirely inside it: a disc or a 1D/2D annulus in the plane of its\n"
               "  centre, a ball or a 3D annulus (a shell) in every direction.\n"
               "- A cell file (`initial_cells[].file`) is CSV: the header `x,y,z,type`, then one cell per row;\n"
               "  blank lines are skipped. Its mistakes are reported as `cells.csv:line:column: message`.\n"
               "- A vessel file (`vessels.initial.file`) is CSV: the header `x,y,z,density`, then one point per\n"
               "  row, inside the domain, with a density in (0, max_density].\n"
               "- A substrate that crosses the vessel wall (`vessels.permeability` > 0) takes its blood value from\n"
               "  `body.systemic`, except `vessels.oxygen`'s, whose blood value is fixed; `vessels.every` and\n"
               "  `body.dt` are whole multiples of `time.dt_diffusion`.\n"
               "- Before anything is allocated the loader estimates the memory the run needs (field: voxels x\n"
               "  substrates x 8 bytes; solver scratch: 2 x largest plane x substrates x 8 bytes x 2 threads;\n"
               "  coefficients; sources; cells: 512 bytes x initial cells x 4, room for the population to grow)\n"
               "  and refuses a model that needs more than the machine's physical memory, or whose voxel count\n"
               "  or voxel volume overflows.\n"
               "- `time.end` may be at most 2^53 steps of `time.dt_diffusion`; an output interval longer than the\n"
               "  run means an output at the start and at the end only.\n"
               "- The model, cell and rules files must be regular files (not a directory, FIFO or device).\n"
               "- YAML anchors and aliases (`&name`, `*name`) may be used to repeat a part of the file, but all\n"
               "  aliases together may repeat at most 1,000,000 nodes plus 4 per byte of the file.\n"
               "- Long lists (fixed voxels, names, references to names) are checked in O(n log n).\n"
               "- Rules (`rules`) name a cell type, a signal and a behaviour from the tables under \"Signals and\n"
               "  behaviours\"; a misspelt name is reported with the nearest one. An increasing rule must saturate\n"
               "  at or above the behaviour's base value (the type's own parameter), a decreasing rule at or below\n"
               "  it. Mistakes in a rules file are reported as `rules.csv:line:column: message`, the column being\n"
               "  that of the field.\n"
               "\n"
               "## Keys\n"
               "\n"
               "| Key | Type | Unit | Required | Default | Allowed | Description |\n"
               "|-----|------|------|----------|---------|---------|-------------|\n");
    for (int i = 0; i < STROMA_KEY_COUNT; i++) {
        const stroma_schema_key *k = &stroma_schema_keys[i];
        char allowed[160];
        schema_allowed(k, allowed, sizeof allowed);
        const char *need = k->need == STROMA_NEED_REQUIRED ? "yes" : k->need == STROMA_NEED_OPTIONAL ? "no"
                                                                                                    : k->need_text;
        schema_put(&t, "| `%s` | %s | %s | %s | %s | %s | %s |\n", k->path, stroma_schema_type_name(k->type), k->unit,
                   need, k->default_text ? k->default_text : "", allowed, k->doc);
    }
    schema_signals_behaviours(&t);
    schema_put(&t, "\n## Example\n\n```yaml\n%s```\n", stroma_schema_example);
    return t.len;
}
