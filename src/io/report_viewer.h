/* The report's interactive viewer: the data of a run's cell and field files (cells/cells_<t>.csv,
 * fields/fields_<t>.vti or fields/<name>_<t>.csv) and of timeseries.csv, embedded in report.html as the page's one
 * inline script — a JavaScript object (cells as base64 of little-endian Float32 columns per output time, each
 * field's plane as base64 Float32 per output time, the time series as numbers) followed by the viewer's code,
 * src/io/report_app.js, compiled in by CMake (cmake/embed_text.cmake). The same files give the same bytes.
 *
 * Size: at most STROMA_REPORT_VIEWER_BUDGET bytes of embedded data (estimated from the files' sizes before
 * reading them); a run over it embeds an evenly spread subset of its output times (first and last included)
 * and the page says so. A 3D run embeds its mid plane only (the field there, the cells whose sphere it cuts),
 * as the tissue pictures show it. */
#ifndef STROMA_IO_REPORT_VIEWER_H
#define STROMA_IO_REPORT_VIEWER_H

#include <stddef.h>
#include <stdio.h>

#include "io/table.h"
#include "stroma/error.h"
#include "util/json.h"

#define STROMA_REPORT_VIEWER_BUDGET (24u * 1000u * 1000u) /* bytes of embedded data (base64 included) */

typedef struct stroma_report_viewer {
    char *script;          /* the inline script's text (owned): data, then the viewer's code */
    size_t script_len;
    char csp_hash[64];     /* "sha256-<base64>" of the script, for the page's Content-Security-Policy */
    size_t nframes;        /* output times embedded */
    size_t nframes_total;  /* output times with cell or field files */
    int has_cells, has_fields;
    char note[768];        /* what the viewer leaves out and why ("" if nothing), plain text */
} stroma_report_viewer;

/* Read the viewer's data from the output directory `dir` (borrowed), with summary.json (borrowed; may be NULL:
 * the grid then comes from the .vti files or the cells) and the time series `ts` (borrowed; NULL: no plots),
 * into *v (overwritten; free with stroma_report_viewer_free). At most budget_bytes of data are embedded
 * (STROMA_REPORT_VIEWER_BUDGET for the report; at least two output times are kept). A cell or field file that
 * cannot be read is left out and named in v->note, not an error. Errors: STROMA_ERR_NOMEM only (*v is then
 * empty). */
stroma_code stroma_report_viewer_build(stroma_report_viewer *v, const char *dir, const stroma_json *summary,
                                       const stroma_table *ts, double budget_bytes, stroma_error *err);

/* Write the viewer's HTML section (id "viewer": controls, canvas, plots, notes) onto f. Borrows v. */
void stroma_report_viewer_section(FILE *f, const stroma_report_viewer *v);

/* Free what *v owns and zero it. Accepts an already freed viewer. */
void stroma_report_viewer_free(stroma_report_viewer *v);

#endif
