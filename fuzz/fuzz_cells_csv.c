/* libFuzzer target for the initial-cells CSV reader (load_read_csv in src/model/load.c): each input is the file
 * `cells.csv` of a fixed model with six cell types, two substrates and two state variables, so that type names
 * and indices, positions and per-cell columns (behaviours, custom:<variable>) all have something to match (the
 * tree's test files tests/data/models/cells.csv and percell.csv load as they are); a model that loads is then
 * simulated for two phenotype steps. Harness: fuzz_csv_common.h. */
#define FUZZ_TARGET "fuzz_cells_csv"
#define FUZZ_CSV_NAME "cells.csv"
#define FUZZ_MODEL                                                                                                \
    "domain: {x: [-1000, 1000], y: [-1000, 1000], z: [-10, 10], voxel: 20}\n"                                    \
    "time: {end: 12, dt_diffusion: 6, dt_mechanics: 6, dt_phenotype: 6}\n"                                       \
    "seed: 1\n"                                                                                                   \
    "substrates:\n"                                                                                               \
    "  oxygen: {diffusion: 1000, decay: 0.1, initial: 38}\n"                                                      \
    "  TGFb: {diffusion: 1000, decay: 0.02}\n"                                                                    \
    "cell_types:\n"                                                                                               \
    "  cancer:\n"                                                                                                 \
    "    cycle: {model: exponential, duration: 600}\n"                                                            \
    "    death: {necrosis: {substrate: oxygen, threshold: 5, critical: 2.5, rate: 0.0028}}\n"                   \
    "    secretion: {oxygen: {uptake: 10}, TGFb: {rate: 0.01, saturation: 200}}\n"                              \
    "    damage: {rate: 0.01, repair: 0.1}\n"                                                                     \
    "  CAF:\n"                                                                                                    \
    "    cycle: {model: phases, phases: [30, 48, 24, 6], phase_kinds: [exponential, fixed, fixed, fixed]}\n"      \
    "    motility: {speed: 0.3, persistence: 30, bias: 0.3, chemotaxis: {substrate: TGFb, direction: up}}\n"    \
    "    mechanics: {repulsion: 10, adhesion: 0.6, affinity: {cancer: 1.5}}\n"                                   \
    "  fibroblast:\n"                                                                                             \
    "    interactions: {transform_on_contact: [{with: cancer, to: CAF, rate: 0.002}], transform: {CAF: 0.001}}\n" \
    "  macrophage:\n"                                                                                             \
    "    motility: {speed: 1, persistence: 20}\n"                                                                 \
    "    interactions: {phagocytosis: {cancer: 0.05}}\n"                                                          \
    "  CD8_T:\n"                                                                                                  \
    "    death: {apoptosis: {rate: 0.0001, duration: 60}}\n"                                                      \
    "    interactions: {attack: {cancer: 0.2}, attachment_duration: 60, kill_rate: 0.067, attack_damage: 1}\n"   \
    "  a: {secretion: {oxygen: {uptake: 1}}}\n"                                                                  \
    "state_variables:\n"                                                                                          \
    "  stemness: {initial: {cancer: 0.5}, decay: {cancer: 0.01}}\n"                                              \
    "  resistance: {}\n"                                                                                          \
    "rules:\n"                                                                                                    \
    "  - {type: cancer, signal: stemness, direction: increases, behaviour: apoptosis, saturation: 0.001,"        \
    " half_max: 1, hill: 1}\n"                                                                                    \
    "  - {type: CD8_T, signal: contact with cancer, direction: decreases, behaviour: migration speed,"           \
    " saturation: 0, half_max: 0.5, hill: 4}\n"                                                                   \
    "initial_cells:\n"                                                                                            \
    "  - {file: cells.csv}\n"
#define FUZZ_CSV_GOOD                                                                                             \
    "x,y,z,type,migration speed,oxygen uptake,custom:stemness,attack cancer,cell-cell adhesion\n"               \
    "100,100,0,cancer,2,skip,3,,\n"                                                                               \
    "110,100,0,CD8_T,skip,0.25,,0.5,0\n"                                                                          \
    "-300,20,0,4,1,1,1,1,1\n"
#define FUZZ_CSV_BAD "x,y,type\n1,2,cancer\n"
#include "fuzz_csv_common.h"
