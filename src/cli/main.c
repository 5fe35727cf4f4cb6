/* The stroma program: a thin client of libstroma. Parses arguments, calls the library, prints, and picks the
 * exit code: 0 ok, 1 runtime failure, 2 bad input (model file or arguments). */
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"
#include "stroma/stroma.h"

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
    fputs("usage:\n"
          "  stroma run MODEL.yaml [--out DIR] [--seed N] [--threads N] [--end MIN] [--solver NAME] [--quiet]\n"
          "                [--checkpoint-every MIN]\n"
          "  stroma resume DIR [--threads N] [--quiet]   continue a run from DIR/checkpoint.bin\n"
          "  stroma check MODEL.yaml      validate and summarise a model (exit 2 on errors)\n"
          "  stroma report DIR            (re)build DIR/report.html from the files of a run\n"
          "  stroma import-physicell PhysiCell_settings.xml [cell_rules.csv] -o MODEL.yaml\n"
          "                               convert a PhysiCell project; lists on stderr what it cannot map\n"
          "  stroma --version | --help\n"
          "exit codes: 0 ok, 1 runtime failure, 2 bad input\n",
          f);
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

static int cmd_check(int argc, char **argv) {
    if (argc != 1) return bad_arg("check takes one model file%s", "");
    stroma_error err;
    stroma_model *m = stroma_model_load(argv[0], &err);
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
    printf("%s: ok\n", argv[0]);
    stroma_model_destroy(&m);
    return EXIT_OK;
}

static int cmd_run(int argc, char **argv) {
    const char *model_path = NULL, *out = NULL, *solver = NULL;
    uint64_t seed = 0;
    int have_seed = 0, quiet = 0, threads = 0;
    double end = 0, ckpt_every = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--out")) {
            if (!v) return bad_arg("%s needs a directory", a);
            out = v;
            i++;
        } else if (!strcmp(a, "--seed")) {
            if (parse_u64(v, &seed)) return bad_arg("--seed needs a non-negative integer (got '%s')", v ? v : "");
            have_seed = 1;
            i++;
        } else if (!strcmp(a, "--threads")) {
            uint64_t n;
            if (parse_u64(v, &n) || n < 1 || n > 1024)
                return bad_arg("--threads needs an integer from 1 to 1024 (got '%s')", v ? v : "");
            threads = (int)n;
            i++;
        } else if (!strcmp(a, "--end")) {
            if (parse_pos_double(v, &end)) return bad_arg("--end needs a time > 0 in min (got '%s')", v ? v : "");
            i++;
        } else if (!strcmp(a, "--solver")) {
            if (!v) return bad_arg("%s needs a name", a);
            solver = v;
            i++;
        } else if (!strcmp(a, "--checkpoint-every")) {
            if (parse_pos_double(v, &ckpt_every))
                return bad_arg("--checkpoint-every needs a time > 0 in min (got '%s')", v ? v : "");
            i++;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return bad_arg("unknown option '%s'", a);
        } else if (!model_path) {
            model_path = a;
        } else {
            return bad_arg("unexpected argument '%s'", a);
        }
    }
    if (!model_path) return bad_arg("run needs a model file%s", "");
    char out_buf[1024];
    if (!out) {
        default_out(model_path, out_buf, sizeof out_buf);
        out = out_buf;
    }
    stroma_error err;
    stroma_model *m = stroma_model_load(model_path, &err);
    if (!m) return report(&err);
    fputs(stroma_model_warnings(m), stderr);
    if (have_seed) stroma_model_set_seed(m, seed);
    if (end > 0 && stroma_model_set_end(m, end, &err) != STROMA_OK) {
        stroma_model_destroy(&m);
        return report(&err);
    }
    stroma_sim_options opts = {.threads = threads, .solver = solver};
    stroma_sim *sim = stroma_sim_create(m, &opts, &err);
    if (!sim) {
        stroma_model_destroy(&m);
        return report(&err);
    }
    cli_progress prog;
    cli_progress_init(&prog, stdout, quiet);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    stroma_run_options ro = {.checkpoint_every_min = ckpt_every};
    catch_stop_signals();
    stroma_code rc = stroma_run_with(sim, out, &ro, run_progress, &prog, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cli_progress_done(&prog);
    int code = EXIT_OK;
    if (rc != STROMA_OK) {
        fprintf(stderr, "stroma: run %s\n", rc == STROMA_ERR_INTERRUPTED ? "stopped" : "failed");
        code = report(&err);
    } else if (!quiet) {
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
    const char *dir = NULL;
    int threads = 0, quiet = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--threads")) {
            uint64_t n;
            if (parse_u64(v, &n) || n < 1 || n > 1024)
                return bad_arg("--threads needs an integer from 1 to 1024 (got '%s')", v ? v : "");
            threads = (int)n;
            i++;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return bad_arg("unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else {
            return bad_arg("unexpected argument '%s'", a);
        }
    }
    if (!dir) return bad_arg("resume needs an output directory%s", "");
    cli_progress prog;
    cli_progress_init(&prog, stdout, quiet);
    stroma_resume_options ro = {.threads = threads, .warnings = stderr};
    stroma_error err;
    catch_stop_signals();
    stroma_code rc = stroma_resume(dir, &ro, run_progress, &prog, &err);
    cli_progress_done(&prog);
    if (rc != STROMA_OK) {
        fprintf(stderr, "stroma: resumed run %s\n", rc == STROMA_ERR_INTERRUPTED ? "stopped" : "failed");
        return report(&err);
    }
    if (!quiet) printf("stroma: run resumed and completed; outputs in %s/\n", dir);
    return EXIT_OK;
}

/* import-physicell SETTINGS [RULES] -o OUT: the library writes the model; every item it could not reproduce
 * exactly goes to stderr, one per line, as "file:line: kind: text". */
static int cmd_import(int argc, char **argv) {
    const char *settings = NULL, *rules = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (i + 1 >= argc) return bad_arg("%s needs an output file", a);
            out = argv[++i];
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
    if (argc != 1 || (argv[0][0] == '-' && argv[0][1])) return bad_arg("report takes one output directory%s", "");
    stroma_error err;
    if (stroma_report_build(argv[0], &err) != STROMA_OK) return report(&err);
    printf("stroma: report: %s/report.html\n", argv[0]);
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
    if (!strcmp(cmd, "import-physicell")) return cmd_import(argc - 2, argv + 2);
    if (!strcmp(cmd, "resume")) return cmd_resume(argc - 2, argv + 2);
    return bad_arg("unknown command '%s'", cmd);
}
