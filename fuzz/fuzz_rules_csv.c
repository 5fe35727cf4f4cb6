/* libFuzzer target for the rules CSV reader (load_read_rules_csv in src/model/load.c, PhysiCell v3 rules): each
 * input is the file `rules.csv` of a fixed model with four cell types, three substrates and two state variables
 * (so signals, behaviours and type names all have something to match) and a few cells of each type; a model that
 * loads is then simulated for two phenotype steps, so the rules read are evaluated. Harness: fuzz_csv_common.h. */
#define FUZZ_TARGET "fuzz_rules_csv"
#define FUZZ_CSV_NAME "rules.csv"
#define FUZZ_MODEL                                                                                                \
    "domain: {x: [0, 200], y: [0, 200], z: [0, 20], voxel: 20}\n"                                                \
    "time: {end: 12, dt_diffusion: 6, dt_mechanics: 6, dt_phenotype: 6}\n"                                       \
    "seed: 1\n"                                                                                                   \
    "substrates:\n"                                                                                               \
    "  oxygen: {unit: mmHg, diffusion: 1000, decay: 0.1, initial: 38}\n"                                          \
    "  TGFb: {diffusion: 1000, decay: 0.02, initial: 1}\n"                                                        \
    "  IL6: {diffusion: 1000, decay: 0.01}\n"                                                                     \
    "cell_types:\n"                                                                                               \
    "  cancer:\n"                                                                                                 \
    "    cycle: {model: exponential, duration: 600}\n"                                                            \
    "    death:\n"                                                                                                \
    "      apoptosis: {rate: 5.3e-5}\n"                                                                           \
    "      necrosis: {substrate: oxygen, threshold: 5, critical: 2.5, rate: 0.0028}\n"                            \
    "    mechanics: {repulsion: 10, adhesion: 0.4}\n"                                                             \
    "    secretion: {oxygen: {uptake: 10}, TGFb: {rate: 0.01, saturation: 200}}\n"                              \
    "  CAF:\n"                                                                                                    \
    "    cycle: {model: phases, phases: [30, 48, 24, 6], phase_kinds: [exponential, fixed, fixed, fixed]}\n"      \
    "    motility: {speed: 0.5, bias: 0.2, chemotaxis: {substrate: TGFb, direction: up}}\n"                       \
    "    secretion: {IL6: {rate: 0.05, saturation: 1000}}\n"                                                      \
    "  macrophage:\n"                                                                                             \
    "    motility: {speed: 1, persistence: 20}\n"                                                                 \
    "    interactions: {phagocytosis: {cancer: 0.05}}\n"                                                          \
    "  CD8_T:\n"                                                                                                  \
    "    interactions: {attack: {cancer: 0.2}, attachment_duration: 60, kill_rate: 0.067, attack_damage: 1}\n"   \
    "state_variables:\n"                                                                                          \
    "  stemness: {initial: {cancer: 0.2}, production: {cancer: 0.001}, decay: {cancer: 0.01, CAF: 0.5}}\n"       \
    "  exhaustion: {}\n"                                                                                          \
    "rules:\n"                                                                                                    \
    "  - {type: CAF, signal: TGFb, direction: increases, behaviour: IL6 secretion, saturation: 0.2,"             \
    " half_max: 50, hill: 2}\n"                                                                                   \
    "  - {file: rules.csv}\n"                                                                                     \
    "initial_cells:\n"                                                                                            \
    "  - {type: cancer, at: [100, 100, 10]}\n"                                                                    \
    "  - {type: cancer, at: [112, 100, 10]}\n"                                                                    \
    "  - {type: CAF, at: [100, 115, 10]}\n"                                                                       \
    "  - {type: macrophage, at: [88, 100, 10]}\n"                                                                 \
    "  - {type: CD8_T, at: [100, 88, 10]}\n"
#define FUZZ_CSV_GOOD                                                                                             \
    "// cell_type,signal,direction,behavior,saturation,half_max,hill_power,apply_to_dead\n"                      \
    "cancer,oxygen,decreases,necrosis,0,3.75,8,0\n"                                                               \
    "cancer,custom:stemness,decreases,apoptosis,0,0.5,1,0\n"                                                      \
    "CD8_T,contact with cancer,decreases,migration speed,0,0.5,4,0\n"                                             \
    "cancer,dead,increases,TGFb secretion,1,0.5,1,1\n"
#define FUZZ_CSV_BAD "cancer,oxygen,up,apoptosis,1,10,1,0\n"
#include "fuzz_csv_common.h"
