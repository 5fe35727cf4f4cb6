/* The run report: DIR/report.html, one self-contained page (inline CSS, images embedded as data: URIs, one
 * inline script allowed by hash in its Content-Security-Policy, no external resource) built only from the files
 * of an output directory — summary.json, run.json, timeseries.csv, images/tissue_<time>.png, cells/ and
 * fields/ — and the model's own summary (stroma_model_describe). It shows the interactive tissue viewer
 * (io/report_viewer.h), headline numbers, plots of the time series (written too as images/plot_<name>.png), up
 * to STROMA_REPORT_SNAPSHOTS tissue snapshots evenly spread over the run, the model and the provenance. Every
 * string taken from a file is escaped. The same files give the same bytes. */
#ifndef STROMA_IO_REPORT_H
#define STROMA_IO_REPORT_H

#include "io/outdir.h"
#include "model/model.h"

#define STROMA_REPORT_SNAPSHOTS 6

/* Build report.html and the plots in the output directory od (its files are read from od->path). `model`
 * (borrowed; may be NULL) gives the model summary; NULL reloads the model file named in summary.json and
 * shows its summary only if the file is still there and unchanged (same SHA-256), saying so otherwise.
 * Missing or malformed run.json / timeseries.csv / images are noted in the page, not errors. Errors:
 * STROMA_ERR_NOT_FOUND / STROMA_ERR_PARSE (summary.json missing or malformed), STROMA_ERR_IO,
 * STROMA_ERR_NOMEM. */
stroma_code stroma_report_write(stroma_outdir *od, const stroma_model *model, stroma_error *err);

#endif
