/* The stroma program: a thin client of libstroma. Parses arguments, calls the library, prints, and picks the
 * exit code: 0 ok, 1 runtime failure, 2 bad input (model file or arguments). */
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"
#include "stroma/stroma.h"

#ifdef STROMA_MPI
#include <mpi.h>
#endif

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_BAD_INPUT = 2 };

/* SIGINT/SIGTERM ask a run to stop at the end of its current step (it saves a checkpoint when checkpoints are
 * on and records "interrupted" in run.json); a second signal ends the program at once. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig) {
    if (stop_requested) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    stop_requested = 1;
}

static void catch_stop_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int run_progress(void *user, double t_min, double end_min) {
    if (stop_requested) return 1;
    return cli_progress_update(user, t_min, end_min);
}

static void usage(FILE *f) {
    fputs("usage: stroma VERB [options]   (stroma VERB --help: the verb's options and their defaults)\n"
          "verbs:\n"
          "  run MODEL.yaml            simulate a model; outputs in a folder (default out/<model name>)\n"
          "  resume DIR                continue an interrupted run from DIR/checkpoint.bin\n"
          "  check MODEL.yaml          validate and summarise a model (exit 2 on errors)\n"
          "  trial TRIAL.yaml --out DIR\n"
          "                            run a virtual trial: patients x arms; results.sqlite, csv/, report.html\n"
          "  report DIR                (re)build DIR/report.html from the files of a run\n"
          "  render DIR                redraw a run's tissue pictures and animation from its files\n"
          "  import-physicell PhysiCell_settings.xml [cell_rules.csv] -o MODEL.yaml\n"
          "                            convert a PhysiCell project; lists on stderr what it cannot map\n"
          "  --version                 print the version\n"
          "  --help, -h                this text\n"
          "exit codes: 0 ok, 1 runtime failure, 2 bad input (model file or arguments)\n",
          f);
}

/* The --help text of each verb (printed with the machine's processor count for the thread default). */
static const char *const help_run =
    "usage: stroma run MODEL.yaml [options]\n"
    "Simulate MODEL.yaml and write its outputs (summary.json, run.json, timeseries.csv, fields/, cells/, images/,\n"
    "report.html) to a folder.\n"
    "options (a value may also be given as --opt=value):\n"
    "  -o, --out DIR             output folder (default: out/<model file name without extension>, e.g.\n"
    "                            out/tumour_stroma for models/tumour_stroma.yaml)\n"
    "  --set KEY.PATH=VALUE      override a value of the model, checked like the file (repeatable; e.g.\n"
    "                            --set time.end=120 --set cell_types.cancer.cycle.duration=1200\n"
    "                            --set initial_cells[0].count=50); errors read --set:N:COL (N-th --set)\n"
    "  --seed N                  random seed (default: the model's seed, whose default is 1)\n"
    "  --threads N               threads, 1 to 1024 (default: $OMP_NUM_THREADS when set, else one per 8192\n"
    "                            voxel-substrate values plus one per 400 initial cells, at least 1 and at most\n"
    "                            the processors available: %ld here)\n"
    "  --end MIN                 simulated end time in min (default: the model's time.end)\n"
    "  --solver NAME             transport solver: lod, adi, adi-cn or explicit (default: the model's\n"
    "                            transport.solver, else lod)\n"
    "  --checkpoint-every MIN    write DIR/checkpoint.bin every MIN simulated min (default: none) for resume\n"
    "  --progress-every MIN      when stdout is not a terminal, a progress line every MIN simulated min\n"
    "                            (default: every 10%% of the run); on a terminal a progress bar is drawn\n"
    "  --quiet                   no progress and no closing summary on stdout\n"
    "  -h, --help                this text\n";
static const char *const help_resume =
    "usage: stroma resume DIR [options]\n"
    "Continue the run in DIR from DIR/checkpoint.bin (written with run --checkpoint-every), with the same model\n"
    "file (refused if it changed), overrides (--set), seed, end time and solver.\n"
    "options (a value may also be given as --opt=value):\n"
    "  --threads N               threads, 1 to 1024 (default: as for run: $OMP_NUM_THREADS when set, else from\n"
    "                            the model's size, at most the processors available: %ld here)\n"
    "  --progress-every MIN      when stdout is not a terminal, a progress line every MIN simulated min\n"
    "                            (default: every 10%% of the run)\n"
    "  --quiet                   no progress and no closing line on stdout\n"
    "  -h, --help                this text\n";
static const char *const help_check =
    "usage: stroma check MODEL.yaml [options]\n"
    "Validate MODEL.yaml and print a summary of it (grid, time steps, cell types, rules in plain English);\n"
    "every error is reported as file:line:column: message (exit 2).\n"
    "options (a value may also be given as --opt=value):\n"
    "  --set KEY.PATH=VALUE      override a value of the model, as for run (repeatable)\n"
    "  -h, --help                this text\n";
static const char *const help_report =
    "usage: stroma report DIR\n"
    "(Re)build DIR/report.html, one self-contained page, from the files of a finished or failed run in DIR.\n"
    "options:\n"
    "  -h, --help                this text\n";
static const char *const help_render =
    "usage: stroma render DIR [options]\n"
    "Redraw DIR/images/tissue_<time>.png and DIR/images/tissue.webp from the files of a run in DIR (run.json,\n"
    "fields/<substrate>_<time>.csv, cells/cells_<time>.csv) without running it, on one colour scale over all\n"
    "pictures, and rebuild DIR/report.html. With no option the run's own pictures come out, byte for byte.\n"
    "options (a value may also be given as --opt=value):\n"
    "  --field F|none            substrate drawn under the cells, or none (default: the model's\n"
    "                            outputs.images.field, else its first substrate)\n"
    "  --color-by type|VAR       colour the live cells by type or by a numeric column of the cells CSV: a\n"
    "                            state variable, marker:<name>, behaviour:<name>, pressure, damage, ...\n"
    "                            (default: as the run drew them: by type, or stained by outputs.images.marker)\n"
    "  --every MIN               a picture every MIN min, a whole multiple of outputs.every, and at the end\n"
    "                            (default: the model's outputs.images.every, else every output time)\n"
    "  --size PX                 picture width in pixels, 200 to 4000 (default: outputs.images.size, 800)\n"
    "  -h, --help                this text\n";
static const char *const help_import =
    "usage: stroma import-physicell PhysiCell_settings.xml [cell_rules.csv] -o MODEL.yaml\n"
    "Convert a PhysiCell project into a stroma model (and the CSV files it names, beside it). Every setting that\n"
    "could not be reproduced exactly is listed on stderr and at the top of MODEL.yaml.\n"
    "options (a value may also be given as --opt=value):\n"
    "  -o, --out MODEL.yaml      the model file to write (required; no default)\n"
    "  -h, --help                this text\n";

static const char *const help_trial =
    "usage: stroma trial TRIAL.yaml --out DIR [options]\n"
    "Run a virtual trial (docs/trials.md): every patient of the cohort in every arm, each run on one thread; write\n"
    "DIR/results.sqlite (tables trial, patients, arms, km, timeseries, outcomes, biomarkers), DIR/csv/<table>.csv\n"
    "and DIR/report.html. Each finished run is recorded in DIR/jobs/: a stopped or killed trial resumes where it\n"
    "stopped when the same command is run again (finished runs are not rerun; the results are identical).\n"
    "options (a value may also be given as --opt=value):\n"
    "  -o, --out DIR             output folder (required; no default)\n"
    "  --patients N              run the first N patients of the cohort, 1 to 100000 (default: the trial file's\n"
    "                            patients)\n"
    "  --threads N               runs at once, each on one thread, 1 to 1024 (default: 1; more than the\n"
    "                            processors available only shares them: %ld here)\n"
    "  --quiet                   no progress lines on stdout\n"
    "  -h, --help                this text\n"
#ifdef STROMA_MPI
    "Several processes: mpirun -np N stroma trial ... spreads the runs over N processes (each with --threads\n"
    "threads); rank 0 gathers the records and writes the results, identical to one process's.\n"
#else
    "Several processes: this stroma was built without MPI (install libopenmpi-dev and rebuild for mpirun).\n"
#endif
    ;

static int verb_help(const char *text) {
    printf(text, (long)omp_get_num_procs()); /* what stroma_team_default_threads caps at */
    return EXIT_OK;
}

static int is_help(const char *a) { return !strcmp(a, "-h") || !strcmp(a, "--help"); }

/* Whether argv[*i] is the option `name` (or its short `alias`, may be NULL) taking a value: then *val is its value
 * ("--name=V", or the next argument, *i advanced) and 1 is returned; NULL *val when the value is missing. 0 when
 * argv[*i] is another option. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char *alias, const char **val) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (!strncmp(a, name, n) && a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (!strcmp(a, name) || (alias && !strcmp(a, alias))) {
        *val = *i + 1 < argc ? argv[++*i] : NULL;
        return 1;
    }
    return 0;
}

static int report(const stroma_error *err) {
    /* Model-file errors already carry file:line:col in each message line. */
    if (err->message[0])
        fprintf(stderr, "%s\n", err->message);
    else
        fprintf(stderr, "stroma: %s\n", stroma_strerror(err->code));
    if (err->count > 1) fprintf(stderr, "%d errors\n", err->count);
    return stroma_error_is_bad_input(err->code) ? EXIT_BAD_INPUT : EXIT_RUNTIME;
}

static int bad_arg(const char *fmt, const char *a) {
    fputs("stroma: ", stderr);
    fprintf(stderr, fmt, a);
    fputc('\n', stderr);
    usage(stderr);
    return EXIT_BAD_INPUT;
}

static int parse_u64(const char *s, uint64_t *out) {
    char *end;
    errno = 0;
    if (!s || *s == '-' || !*s) return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

static int parse_pos_double(const char *s, double *out) {
    char *end;
    errno = 0;
    if (!s || !*s) return -1;
    double v = strtod(s, &end);
    if (errno || *end || !(v > 0) || v != v) return -1;
    *out = v;
    return 0;
}

/* Default output directory: out/<model file stem>. */
static void default_out(const char *model_path, char *buf, size_t cap) {
    const char *base = strrchr(model_path, '/');
    base = base ? base + 1 : model_path;
    size_t n = strcspn(base, ".");
    snprintf(buf, cap, "out/%.*s", (int)n, base);
}

/* The --set overrides of a command line, in order. */
typedef struct cli_sets {
    const char **v;
    int n;
} cli_sets;

static int sets_add(cli_sets *s, const char *v, int argc) {
    if (!s->v) s->v = calloc((size_t)(argc > 0 ? argc : 1), sizeof *s->v);
    if (!s->v) return -1;
    s->v[s->n++] = v;
    return 0;
}

static stroma_model *load_model(const char *path, const cli_sets *sets, stroma_error *err) {
    return sets->n ? stroma_model_load_set(path, sets->v, sets->n, err) : stroma_model_load(path, err);
}

static int cmd_check(int argc, char **argv) {
    const char *model_path = NULL, *v;
    cli_sets sets = {NULL, 0};
    int code = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            free(sets.v);
            return verb_help(help_check);
        } else if (opt_value(argc, argv, &i, "--set", NULL, &v)) {
            if (!v || !*v) code = bad_arg("--set needs key.path=value (e.g. --set time.end=120)%s", "");
            else if (sets_add(&sets, v, argc)) code = EXIT_RUNTIME;
        } else if (a[0] == '-' && a[1]) {
            code = bad_arg("unknown option '%s' (stroma check --help lists them)", a);
        } else if (!model_path) {
            model_path = a;
        } else {
            code = bad_arg("check takes one model file; unexpected '%s'", a);
        }
        if (code != EXIT_OK) break;
    }
    if (code == EXIT_OK && !model_path) code = bad_arg("check needs a model file%s", "");
    if (code != EXIT_OK) {
        free(sets.v);
        return code;
    }
    stroma_error err;
    stroma_model *m = load_model(model_path, &sets, &err);
    free(sets.v);
    if (!m) return report(&err);
    fputs(stroma_model_warnings(m), stderr);
    size_t need = stroma_model_describe(m, NULL, 0) + 1;
    char *buf = malloc(need);
    if (!buf) {
        stroma_model_destroy(&m);
        fputs("stroma: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }
    stroma_model_describe(m, buf, need);
    fputs(buf, stdout);
    free(buf);
    printf("%s: ok\n", model_path);
    stroma_model_destroy(&m);
    return EXIT_OK;
}

/* Parse the options of run (run != 0) or resume; EXIT_OK or the exit code of a bad argument. */
typedef struct cli_run_args {
    const char *target, *out, *solver;
    cli_sets sets;
    uint64_t seed;
    int have_seed, quiet, threads, help;
    double end, ckpt_every, progress_every;
} cli_run_args;

static int parse_run_args(int argc, char **argv, int run, cli_run_args *ra) {
    memset(ra, 0, sizeof *ra);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (is_help(a)) {
            ra->help = 1;
            return EXIT_OK;
        }
        if (run && opt_value(argc, argv, &i, "--out", "-o", &v)) {
            if (!v || !*v) return bad_arg("--out needs a directory%s", "");
            ra->out = v;
        } else if (run && opt_value(argc, argv, &i, "--set", NULL, &v)) {
            if (!v || !*v) return bad_arg("--set needs key.path=value (e.g. --set time.end=120)%s", "");
            if (sets_add(&ra->sets, v, argc)) return EXIT_RUNTIME;
        } else if (run && opt_value(argc, argv, &i, "--seed", NULL, &v)) {
            if (parse_u64(v, &ra->seed)) return bad_arg("--seed needs a non-negative integer (got '%s')", v ? v : "");
            ra->have_seed = 1;
        } else if (opt_value(argc, argv, &i, "--threads", NULL, &v)) {
            uint64_t n;
            if (parse_u64(v, &n) || n < 1 || n > 1024)
                return bad_arg("--threads needs an integer from 1 to 1024 (got '%s')", v ? v : "");
            ra->threads = (int)n;
        } else if (run && opt_value(argc, argv, &i, "--end", NULL, &v)) {
            if (parse_pos_double(v, &ra->end)) return bad_arg("--end needs a time > 0 in min (got '%s')", v ? v : "");
        } else if (run && opt_value(argc, argv, &i, "--solver", NULL, &v)) {
            if (!v || !*v) return bad_arg("--solver needs a name%s", "");
            ra->solver = v;
        } else if (run && opt_value(argc, argv, &i, "--checkpoint-every", NULL, &v)) {
            if (parse_pos_double(v, &ra->ckpt_every))
                return bad_arg("--checkpoint-every needs a time > 0 in min (got '%s')", v ? v : "");
        } else if (opt_value(argc, argv, &i, "--progress-every", NULL, &v)) {
            if (parse_pos_double(v, &ra->progress_every))
                return bad_arg("--progress-every needs a time > 0 in min (got '%s')", v ? v : "");
        } else if (!strcmp(a, "--quiet")) {
            ra->quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return bad_arg(run ? "unknown option '%s' (stroma run --help lists them)"
                               : "unknown option '%s' (stroma resume --help lists them)",
                           a);
        } else if (!ra->target) {
            ra->target = a;
        } else {
            return bad_arg("unexpected argument '%s'", a);
        }
    }
    return EXIT_OK;
}

static int cmd_run(int argc, char **argv) {
    cli_run_args ra;
    int code = parse_run_args(argc, argv, 1, &ra);
    if (code == EXIT_OK && ra.help) code = verb_help(help_run);
    else if (code == EXIT_OK && !ra.target) code = bad_arg("run needs a model file%s", "");
    if (code != EXIT_OK || ra.help) {
        free(ra.sets.v);
        return code;
    }
    const char *model_path = ra.target, *out = ra.out;
    char out_buf[1024];
    if (!out) {
        default_out(model_path, out_buf, sizeof out_buf);
        out = out_buf;
    }
    stroma_error err;
    stroma_model *m = load_model(model_path, &ra.sets, &err);
    free(ra.sets.v);
    if (!m) return report(&err);
    fputs(stroma_model_warnings(m), stderr);
    if (ra.have_seed) stroma_model_set_seed(m, ra.seed);
    if (ra.end > 0 && stroma_model_set_end(m, ra.end, &err) != STROMA_OK) {
        stroma_model_destroy(&m);
        return report(&err);
    }
    stroma_sim_options opts = {.threads = ra.threads, .solver = ra.solver};
    stroma_sim *sim = stroma_sim_create(m, &opts, &err);
    if (!sim) {
        stroma_model_destroy(&m);
        return report(&err);
    }
    cli_progress prog;
    cli_progress_init(&prog, stdout, ra.quiet, ra.progress_every, sim);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    stroma_run_options ro = {.checkpoint_every_min = ra.ckpt_every, .warnings = stderr};
    catch_stop_signals();
    stroma_code rc = stroma_run_with(sim, out, &ro, run_progress, &prog, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cli_progress_done(&prog);
    code = EXIT_OK;
    if (rc != STROMA_OK) {
        fprintf(stderr, "stroma: run %s\n", rc == STROMA_ERR_INTERRUPTED ? "stopped" : "failed");
        code = report(&err);
    } else if (!ra.quiet) {
        char dur[32];
        cli_format_duration((double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), dur,
                            sizeof dur);
        char probe[1100];
        snprintf(probe, sizeof probe, "%s/fields", out);
        int has_fields = access(probe, F_OK) == 0;
        snprintf(probe, sizeof probe, "%s/cells", out);
        int has_cells = access(probe, F_OK) == 0;
        snprintf(probe, sizeof probe, "%s/images", out);
        int has_images = access(probe, F_OK) == 0;
        printf("stroma: simulated %g min in %s; outputs in %s/ (summary.json, run.json, timeseries.csv%s%s%s)\n"
               "stroma: report: %s/report.html\n",
               stroma_sim_time(sim), dur, out, has_fields ? ", fields/" : "", has_cells ? ", cells/" : "",
               has_images ? ", images/" : "", out);
    }
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    return code;
}

static int cmd_resume(int argc, char **argv) {
    cli_run_args ra;
    int code = parse_run_args(argc, argv, 0, &ra);
    if (code == EXIT_OK && ra.help) return verb_help(help_resume);
    if (code != EXIT_OK) return code;
    const char *dir = ra.target;
    if (!dir) return bad_arg("resume needs an output directory%s", "");
    cli_progress prog;
    cli_progress_init(&prog, stdout, ra.quiet, ra.progress_every, NULL);
    stroma_resume_options ro = {.threads = ra.threads, .warnings = stderr};
    stroma_error err;
    catch_stop_signals();
    stroma_code rc = stroma_resume(dir, &ro, run_progress, &prog, &err);
    cli_progress_done(&prog);
    if (rc != STROMA_OK) {
        fprintf(stderr, "stroma: resumed run %s\n", rc == STROMA_ERR_INTERRUPTED ? "stopped" : "failed");
        return report(&err);
    }
    if (!ra.quiet) printf("stroma: run resumed and completed; outputs in %s/\n", dir);
    return EXIT_OK;
}

/* import-physicell SETTINGS [RULES] -o OUT: the library writes the model; every item it could not reproduce
 * exactly goes to stderr, one per line, as "file:line: kind: text". */
static int cmd_import(int argc, char **argv) {
    const char *settings = NULL, *rules = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (is_help(a)) return verb_help(help_import);
        if (opt_value(argc, argv, &i, "--out", "-o", &v)) {
            if (!v || !*v) return bad_arg("%s needs an output file", a);
            out = v;
        } else if (a[0] == '-' && a[1]) {
            return bad_arg("unknown option '%s'", a);
        } else if (!settings) {
            settings = a;
        } else if (!rules) {
            rules = a;
        } else {
            return bad_arg("unexpected argument '%s'", a);
        }
    }
    if (!settings) return bad_arg("import-physicell needs PhysiCell_settings.xml%s", "");
    if (!out) return bad_arg("import-physicell needs -o MODEL.yaml%s", "");
    stroma_import_report *rep = stroma_import_report_create();
    if (!rep) {
        fputs("stroma: out of memory\n", stderr);
        return EXIT_RUNTIME;
    }
    stroma_error err;
    stroma_code rc = stroma_import_physicell(settings, rules, out, rep, &err);
    if (rc != STROMA_OK) {
        stroma_import_report_destroy(&rep);
        fprintf(stderr, "stroma: import failed; nothing written to %s\n", out);
        return report(&err);
    }
    size_t n = stroma_import_report_count(rep);
    for (size_t i = 0; i < n; i++) {
        const char *file = stroma_import_report_file(rep, i);
        int line = stroma_import_report_line(rep, i);
        if (file[0] && line > 0)
            fprintf(stderr, "%s:%d: ", file, line);
        else if (file[0])
            fprintf(stderr, "%s: ", file);
        fprintf(stderr, "%s: %s\n", stroma_import_kind_name(stroma_import_report_kind(rep, i)),
                stroma_import_report_text(rep, i));
    }
    size_t nout = stroma_import_report_output_count(rep);
    fprintf(stderr, "stroma: wrote");
    for (size_t i = 0; i < nout; i++) fprintf(stderr, "%s %s", i ? "," : "", stroma_import_report_output(rep, i));
    fprintf(stderr, " (%zu item%s reported above, also listed at the top of %s)\n", n, n == 1 ? "" : "s", out);
    stroma_import_report_destroy(&rep);
    return EXIT_OK;
}
/* report DIR: rebuild DIR/report.html from the files of a finished (or failed) run. */
static int cmd_report(int argc, char **argv) {
    for (int i = 0; i < argc; i++)
        if (is_help(argv[i])) return verb_help(help_report);
    if (argc != 1 || (argv[0][0] == '-' && argv[0][1])) return bad_arg("report takes one output directory%s", "");
    stroma_error err;
    if (stroma_report_build(argv[0], &err) != STROMA_OK) return report(&err);
    printf("stroma: report: %s/report.html\n", argv[0]);
    return EXIT_OK;
}

/* render DIR [--field F] [--color-by VAR] [--every MIN] [--size PX]: redraw the pictures from the run's files. */
static int cmd_render(int argc, char **argv) {
    const char *dir = NULL, *v;
    stroma_render_options o = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) return verb_help(help_render);
        if (opt_value(argc, argv, &i, "--field", NULL, &v)) {
            if (!v || !*v) return bad_arg("--field needs a substrate name or none%s", "");
            o.field = v;
        } else if (opt_value(argc, argv, &i, "--color-by", NULL, &v)) {
            if (!v || !*v) return bad_arg("--color-by needs type or a column of the cells CSV%s", "");
            o.color_by = v;
        } else if (opt_value(argc, argv, &i, "--every", NULL, &v)) {
            if (parse_pos_double(v, &o.every_min)) return bad_arg("--every needs a time in min > 0 (got '%s')", v ? v : "");
        } else if (opt_value(argc, argv, &i, "--size", NULL, &v)) {
            uint64_t px;
            if (parse_u64(v, &px) || px < 200 || px > 4000)
                return bad_arg("--size needs a width of 200 to 4000 pixels (got '%s')", v ? v : "");
            o.size_px = (int)px;
        } else if (a[0] == '-' && a[1]) {
            return bad_arg("unknown option '%s' (stroma render --help lists them)", a);
        } else if (!dir) {
            dir = a;
        } else {
            return bad_arg("render takes one output directory; unexpected '%s'", a);
        }
    }
    if (!dir) return bad_arg("render needs an output directory%s", "");
    stroma_error err;
    size_t n = 0;
    if (stroma_render(dir, &o, &n, &err) != STROMA_OK) return report(&err);
    printf("stroma: %zu picture%s and images/tissue.webp in %s/images; report: %s/report.html\n", n,
           n == 1 ? "" : "s", dir, dir);
    return EXIT_OK;
}

typedef struct trial_progress {
    int quiet;
    time_t last;
} trial_progress;

static int trial_progress_fn(void *user, int done, int total, int reused) {
    trial_progress *tp = user;
    if (!tp->quiet) {
        time_t now = time(NULL);
        if (done == total || now != tp->last || done == reused) {
            if (reused && done == reused)
                printf("stroma: %d of %d runs already recorded; not rerunning them\n", reused, total);
            else
                printf("stroma: %d of %d runs done\n", done, total);
            fflush(stdout);
            tp->last = now;
        }
    }
    return stop_requested != 0;
}

static int mpi_on; /* this process is one of several started by mpirun (MPI initialised) */

#ifdef STROMA_MPI
/* Was this process started by mpirun (Open MPI, or a PMI/PMIx launcher)? MPI is initialised only then, so that a
 * plain `stroma trial` never starts MPI's runtime. */
static int mpi_launched(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_SIZE");
}

/* Each rank runs its share; if all succeeded, every rank's records go to rank 0 (MPI_Gatherv), which imports them
 * and builds the results. A failure on any rank fails every rank (the failing ones report it). */
static stroma_code trial_mpi(const stroma_trial *t, const char *out, stroma_trial_options *o, trial_progress *tp,
                             stroma_error *err) {
    stroma_code rc = stroma_trial_run(t, out, o, trial_progress_fn, tp, err);
    int mine = rc == STROMA_OK ? 0 : 1, any = 0;
    MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) {
        if (rc == STROMA_OK) {
            stroma_error_clear(err);
            err->code = STROMA_ERR_INTERRUPTED;
            snprintf(err->message, sizeof err->message,
                     "stroma: rank %d: another rank failed; this rank's runs are recorded in %s", o->rank, out);
            return STROMA_ERR_INTERRUPTED;
        }
        return rc;
    }
    char *buf = NULL;
    size_t len = 0;
    if (o->rank > 0) rc = stroma_trial_records_export(t, out, o, &buf, &len, err);
    long long n = rc == STROMA_OK && len < (size_t)2147483647 ? (long long)len : -1;
    long long *lens = NULL;
    if (o->rank == 0 && !(lens = calloc((size_t)o->ranks, sizeof *lens))) MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
    MPI_Gather(&n, 1, MPI_LONG_LONG, lens, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    int *counts = NULL, *displs = NULL, bad = 0;
    char *all = NULL;
    long long total = 0;
    if (o->rank == 0) {
        counts = calloc((size_t)o->ranks, sizeof *counts);
        displs = calloc((size_t)o->ranks, sizeof *displs);
        if (!counts || !displs) MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
        for (int r = 0; r < o->ranks; r++) {
            if (lens[r] < 0 || total + lens[r] > 2147483647) bad = 1;
            if (bad) break;
            counts[r] = (int)lens[r];
            displs[r] = (int)total;
            total += lens[r];
        }
        if (bad) {
            memset(counts, 0, (size_t)o->ranks * sizeof *counts);
            memset(displs, 0, (size_t)o->ranks * sizeof *displs);
            total = 0;
        }
        if (!(all = malloc((size_t)total + 1))) MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
    }
    /* rank 0's verdict first: with bad set it expects 0 bytes from every rank */
    int send = n > 0 ? (int)n : 0;
    MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (bad) send = 0;
    MPI_Gatherv(buf, send, MPI_CHAR, all, counts, displs, MPI_CHAR, 0, MPI_COMM_WORLD);
    free(buf);
    if (o->rank == 0) {
        if (bad) {
            stroma_error_clear(err);
            err->code = rc = STROMA_ERR_IO;
            snprintf(err->message, sizeof err->message,
                     "stroma: a rank could not export its records (or they exceed 2 GB); every run is recorded in "
                     "%s/jobs*: run the trial again in one process to gather them",
                     out);
        } else {
            rc = stroma_trial_records_import(t, out, all, (size_t)total, err);
        }
        if (rc == STROMA_OK) {
            stroma_trial_options one = *o;
            one.rank = one.ranks = 0;
            trial_progress quiet = {1, 0};
            rc = stroma_trial_run(t, out, &one, trial_progress_fn, &quiet, err);
        }
    }
    free(lens);
    free(counts);
    free(displs);
    free(all);
    return rc;
}
#else
static stroma_code trial_mpi(const stroma_trial *t, const char *out, stroma_trial_options *o, trial_progress *tp,
                             stroma_error *err) {
    return stroma_trial_run(t, out, o, trial_progress_fn, tp, err);
}
#endif

/* trial TRIAL.yaml --out DIR [--patients N] [--threads N] [--quiet] */
static int cmd_trial(int argc, char **argv) {
    const char *path = NULL, *out = NULL, *v;
    stroma_trial_options o = {0};
    trial_progress tp = {0, 0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) return verb_help(help_trial);
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        uint64_t n;
        if (opt_value(argc, argv, &i, "--out", "-o", &v)) {
            if (!v || !*v) return bad_arg("--out needs a directory%s", "");
            out = v;
        } else if (opt_value(argc, argv, &i, "--patients", NULL, &v)) {
            if (parse_u64(v, &n) || n < 1 || n > 100000)
                return bad_arg("--patients needs an integer from 1 to 100000 (got '%s')", v ? v : "");
            o.patients = (int)n;
        } else if (opt_value(argc, argv, &i, "--threads", NULL, &v)) {
            if (parse_u64(v, &n) || n < 1 || n > 1024)
                return bad_arg("--threads needs an integer from 1 to 1024 (got '%s')", v ? v : "");
            o.threads = (int)n;
        } else if (!strcmp(a, "--quiet")) {
            tp.quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return bad_arg("unknown option '%s' (stroma trial --help lists them)", a);
        } else if (!path) {
            path = a;
        } else {
            return bad_arg("trial takes one trial file; unexpected '%s'", a);
        }
    }
    if (!path) return bad_arg("trial needs a trial file%s", "");
    if (!out) return bad_arg("trial needs --out DIR%s", "");
    stroma_error err;
    stroma_trial *t = stroma_trial_load(path, &err);
    int rank = 0, ranks = 1;
#ifdef STROMA_MPI
    if (mpi_on) {
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    }
#endif
    if (!t) return rank == 0 ? report(&err) : (stroma_error_is_bad_input(err.code) ? EXIT_BAD_INPUT : EXIT_RUNTIME);
    int patients = o.patients ? o.patients : stroma_trial_patient_count(t);
    if (rank > 0) tp.quiet = 1;
    if (!tp.quiet)
        printf("stroma: trial %s: %d patients x %d arms, %d at a time%s\n", path, patients, stroma_trial_arm_count(t),
               o.threads ? o.threads : 1, ranks > 1 ? " in each process" : "");
    if (!tp.quiet && ranks > 1) printf("stroma: %d processes (MPI), rank 0 gathers the results\n", ranks);
    catch_stop_signals();
    stroma_code rc;
    if (ranks > 1) {
        o.rank = rank;
        o.ranks = ranks;
        rc = trial_mpi(t, out, &o, &tp, &err);
    } else {
        rc = stroma_trial_run(t, out, &o, trial_progress_fn, &tp, &err);
    }
    stroma_trial_destroy(&t);
    if (rc != STROMA_OK) {
        fprintf(stderr, "stroma: trial %s\n", rc == STROMA_ERR_INTERRUPTED ? "stopped" : "failed");
        return report(&err);
    }
    if (!tp.quiet) printf("stroma: results in %s/results.sqlite, %s/csv/; report: %s/report.html\n", out, out, out);
    return EXIT_OK;
}

int main(int argc, char **argv) {
    /* A file-size limit (ulimit -f) makes a write fail with EFBIG, reported like a full disk, instead of killing
     * the program with SIGXFSZ in the middle of a file and leaving run.json saying "running". */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("stroma %s\n", stroma_version());
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "report")) return cmd_report(argc - 2, argv + 2);
    if (!strcmp(cmd, "render")) return cmd_render(argc - 2, argv + 2);
    if (!strcmp(cmd, "import-physicell")) return cmd_import(argc - 2, argv + 2);
    if (!strcmp(cmd, "resume")) return cmd_resume(argc - 2, argv + 2);
    if (!strcmp(cmd, "trial")) {
#ifdef STROMA_MPI
        if (mpi_launched()) {
            MPI_Init(&argc, &argv);
            mpi_on = 1;
        }
#endif
        int code = cmd_trial(argc - 2, argv + 2);
#ifdef STROMA_MPI
        if (mpi_on) MPI_Finalize();
#endif
        return code;
    }
    return bad_arg("unknown command '%s'", cmd);
}
