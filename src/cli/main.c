/* The stroma program: a thin client of libstroma. Parses arguments, calls the library, prints, and picks the
 * exit code: 0 ok, 1 runtime failure, 2 bad input (model file or arguments). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"
#include "stroma/stroma.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_BAD_INPUT = 2 };

static void usage(FILE *f) {
    fputs("usage:\n"
          "  stroma run MODEL.yaml [--out DIR] [--seed N] [--threads N] [--end MIN] [--solver NAME] [--quiet]\n"
          "  stroma check MODEL.yaml      validate and summarise a model (exit 2 on errors)\n"
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
    double end = 0;
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
    stroma_code rc = stroma_run(sim, out, cli_progress_update, &prog, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cli_progress_done(&prog);
    int code = EXIT_OK;
    if (rc != STROMA_OK) {
        fprintf(stderr, "stroma: run failed at t = %g min; no output written to %s\n", stroma_sim_time(sim), out);
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
        printf("stroma: simulated %g min in %s; outputs in %s/ (summary.json, run.json, timeseries.csv%s%s)\n",
               stroma_sim_time(sim), dur, out, has_fields ? ", fields/" : "", has_cells ? ", cells/" : "");
    }
    stroma_sim_destroy(&sim);
    stroma_model_destroy(&m);
    return code;
}

int main(int argc, char **argv) {
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
    return bad_arg("unknown command '%s'", cmd);
}
