/* libFuzzer target for checkpoint restore: each input is a checkpoint payload (the bytes after the 88-byte
 * header: run description, then the state sections). The harness wraps it in a valid header (magic, version,
 * byte order, length, SHA-256), so that inputs reach the parsing and validation of every section instead of
 * stopping at the checksum, writes it as checkpoint.bin into a run directory beside a run.json that stroma wrote,
 * and calls stroma_resume on that directory, which must refuse it cleanly (STROMA_ERR_ARGUMENT) or continue the
 * run. A restored state is stepped (up to 12 diffusion steps, one phenotype step) so that a value the validation
 * let through and a later step would index with is found by ASan.
 *
 * Confinement (confine.h): the model the checkpoints name is the virtual path FUZZ_MODEL_PATH, served from
 * memory; while stroma_resume runs, any other file opened for reading must be a name directly in the run directory
 * (fuzz_dir), everything else fails with EACCES (an input names any model path it likes).
 *
 * Seeds: with STROMA_FUZZ_CKPT_SEEDS=DIR, LLVMFuzzerInitialize runs the model for 5, 20 and 60 min and writes
 * the payloads of their final checkpoints into DIR (give DIR as a corpus directory too). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/outdir.h"
#include "model/sha256.h"
#include "sim/checkpoint.h"
#include "stroma/stroma.h"
#include "confine.h" /* fuzz_dir: the run directory stroma_resume is given; fuzz_confined */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MODEL_PATH "/stroma-fuzz/model.yaml"

/* Cells that divide, die, move, attack with damage, engulf, transform, secrete and follow rules with a state
 * variable, in 3D, in tissue with growing vessels and a plasma compartment: every kind of state a checkpoint
 * holds. */
static const char fuzz_model[] =
    "domain: {x: [0, 200], y: [0, 200], z: [0, 40], voxel: 20}\n"
    "time: {end: 600, dt_diffusion: 0.1, dt_mechanics: 0.1, dt_phenotype: 1}\n"
    "seed: 7\n"
    "substrates:\n"
    "  o: {diffusion: 1000, decay: 0.1, initial: 10, boundary: {x_min: 10}}\n"
    "  f: {diffusion: 500, decay: 0.05}\n"
    "cell_types:\n"
    "  a:\n"
    "    cycle: {model: phases, phases: [20, 10], phase_kinds: [exponential, fixed]}\n"
    "    death: {apoptosis: {rate: 0.01, duration: 20}, necrosis: {substrate: o, threshold: 8, critical: 4, rate: 0.01}}\n"
    "    damage: {rate: 0.01, repair: 0.1}\n"
    "    motility: {speed: 1, persistence: 2, chemotaxis: {substrate: f}}\n"
    "    secretion: {f: {rate: 1, saturation: 5}, o: {uptake: 0.5}}\n"
    "  k:\n"
    "    motility: {speed: 2, persistence: 2}\n"
    "    interactions: {attack: {a: 1}, attachment_duration: 5, kill_rate: 0.05, attack_damage: 0.5,\n"
    "                   phagocytosis: {a: 0.5}, transform: {b: 0.001}}\n"
    "  b:\n"
    "    interactions: {transform_on_contact: [{with: a, to: k, rate: 0.01}]}\n"
    "state_variables:\n"
    "  s: {production: {a: 0.1}, decay: {a: 0.01}}\n"
    "rules:\n"
    "  - {type: a, signal: o, direction: decreases, behaviour: migration speed, saturation: 0.1, half_max: 5, "
    "hill: 2}\n"
    "  - {type: a, signal: s, direction: increases, behaviour: cell-cell repulsion, saturation: 20, half_max: 1, "
    "hill: 2}\n"
    "  - {type: a, signal: apoptotic, direction: increases, behaviour: f secretion, saturation: 3, half_max: 0.5, "
    "hill: 2, apply_to_dead: true}\n"
    "  - {type: b, signal: plasma f, direction: increases, behaviour: vessel deposition, saturation: 0.01, "
    "half_max: 3, hill: 1}\n"
    "initial_cells:\n"
    "  - {type: a, count: 20, box: {lo: [40, 40, 10], hi: [160, 160, 30]}}\n"
    "  - {type: k, count: 6, box: {lo: [40, 40, 10], hi: [160, 160, 30]}}\n"
    "  - {type: b, count: 4, box: {lo: [40, 40, 10], hi: [160, 160, 30]}}\n"
    "vessels:\n"
    "  max_density: 0.2\n"
    "  initial: {random: {fraction: 0.2, density: 0.05}}\n"
    "  angiogenesis: {substrate: f, rate: 0.01, half_max: 2}\n"
    "  regression: {rate: 0.002, survival_half_max: 1, pressure_rate: 0.01, pressure_half_max: 0.5}\n"
    "  every: 1\n"
    "  oxygen: {substrate: o, blood: 20}\n"
    "  permeability: {o: 50, f: 2}\n"
    "body:\n"
    "  plasma_volume: 3000\n"
    "  tumour_volume: 5\n"
    "  dt: 0.5\n"
    "  systemic:\n"
    "    f: {unit: pg/mL, conversion: 2, half_life: 20, baseline: 3, drainage: 0.002}\n"
    "outputs: {every: 5}\n";

static char fuzz_base[4096]; /* the harness's directory, e.g. /tmp/stroma-fuzz-ckpt-XXXXXX */

/* Confinement hooks (confine.h): the model is served from memory; opens are not counted. */
static FILE *fuzz_serve(const char *path) {
    return strcmp(path, FUZZ_MODEL_PATH) == 0 ? fmemopen((void *)fuzz_model, sizeof fuzz_model - 1, "r") : NULL;
}
static void fuzz_opened(const char *path) { (void)path; }

static void fuzz_cleanup(void) {
    if (fuzz_base[0]) stroma_remove_tree(fuzz_base);
}

static int steps_seen;
static int stop_soon(void *user, double t_min, double end_min) {
    (void)user;
    (void)t_min;
    (void)end_min;
    return ++steps_seen >= 12;
}

/* Write data as the whole of path (the harness's own files). */
static void put_file(const char *path, const void *data, size_t n) {
    FILE *f = __real_fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror("fuzz_checkpoint: writing its files");
        abort();
    }
}

/* Run the model for `end` min with a checkpoint at the end, and copy the checkpoint's payload to dir/name. */
static void make_seed(const char *dir, double end, const char *name) {
    stroma_error err;
    stroma_model *m = stroma_model_load(FUZZ_MODEL_PATH, &err);
    if (!m || stroma_model_set_end(m, end, &err) != STROMA_OK) {
        fprintf(stderr, "fuzz_checkpoint: its model does not load: %s\n", err.message);
        abort();
    }
    stroma_sim_options so = {.threads = 1};
    stroma_sim *sim = stroma_sim_create(m, &so, &err);
    char out[4300];
    snprintf(out, sizeof out, "%s/seedrun", fuzz_base);
    stroma_run_options ro = {.checkpoint_every_min = end};
    if (!sim || stroma_run_with(sim, out, &ro, NULL, NULL, &err) != STROMA_OK) {
        fprintf(stderr, "fuzz_checkpoint: its seed run failed: %s\n", err.message);
        abort();
    }
    char ck[4400];
    snprintf(ck, sizeof ck, "%s/checkpoint.bin", out);
    stroma_checkpoint_meta meta;
    stroma_buf payload;
    if (stroma_checkpoint_read(ck, &meta, &payload, &err) != STROMA_OK) {
        fprintf(stderr, "fuzz_checkpoint: its seed checkpoint does not read back: %s\n", err.message);
        abort();
    }
    char seed[4400];
    snprintf(seed, sizeof seed, "%s/%s", dir, name);
    put_file(seed, payload.data, payload.len);
    stroma_buf_free(&payload);
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    stroma_remove_tree(out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_base, sizeof fuzz_base, "%s/stroma-fuzz-ckpt-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(fuzz_base)) {
        perror("fuzz_checkpoint: mkdtemp");
        abort();
    }
    atexit(fuzz_cleanup);
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/run", fuzz_base);
    const char *seeds = getenv("STROMA_FUZZ_CKPT_SEEDS");
    if (seeds && seeds[0]) {
        make_seed(seeds, 5, "seed_5min");
        make_seed(seeds, 20, "seed_20min");
        make_seed(seeds, 60, "seed_60min");
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    stroma_remove_tree(fuzz_dir);
    char path[4400];
    stroma_error err;
    stroma_outdir od;
    if (stroma_outdir_begin(&od, fuzz_dir, &err) != STROMA_OK) abort();
    static const char run_json[] = "{\n  \"stroma_version\": \"0.1.0\",\n  \"status\": \"running\"\n}\n";
    snprintf(path, sizeof path, "%s/run.json", fuzz_dir);
    put_file(path, run_json, sizeof run_json - 1);
    /* the header stroma writes: magic, format version, byte-order mark, payload length, SHA-256 of the payload */
    unsigned char head[88];
    uint32_t version = STROMA_CHECKPOINT_VERSION, bom = 0x01020304u;
    uint64_t len = size;
    char hex[65];
    stroma_sha256_hex(data, size, hex);
    memcpy(head, "STROMACK", 8);
    memcpy(head + 8, &version, 4);
    memcpy(head + 12, &bom, 4);
    memcpy(head + 16, &len, 8);
    memcpy(head + 24, hex, 64);
    snprintf(path, sizeof path, "%s/checkpoint.bin", fuzz_dir);
    FILE *f = __real_fopen(path, "wb");
    if (!f || fwrite(head, 1, sizeof head, f) != sizeof head || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    steps_seen = 0;
    stroma_resume_options ro = {.threads = 1};
    fuzz_confined = 1;
    stroma_code rc = stroma_resume(fuzz_dir, &ro, stop_soon, NULL, &err);
    fuzz_confined = 0;
    /* The contract: a refusal is bad input (never a crash or an internal error), with a message. */
    if (rc != STROMA_OK && rc != STROMA_ERR_INTERRUPTED && rc != STROMA_ERR_ARGUMENT && rc != STROMA_ERR_NOT_FOUND &&
        rc != STROMA_ERR_TOO_LARGE) {
        fprintf(stderr, "fuzz_checkpoint: resume returned %s: %s\n", stroma_strerror(rc), err.message);
        abort();
    }
    if (rc != STROMA_OK && !memchr(err.message, '\0', sizeof err.message)) abort();
    return 0;
}
