/* Line plots of time series (PNG), drawn from a table such as timeseries.csv. One generic function: a plot
 * names its series by column (a list, or every column with a given prefix and suffix), so a new quantity
 * written to timeseries.csv (plasma biomarkers, vesicle counts, drug levels) gets a plot by naming it, e.g.
 *   {.title = "Plasma IL-6", .columns = (const char *[]){"plasma_IL6", NULL}, .y_label = "IL-6 [pg/mL]"}.
 * Axes are labelled, with numeric ticks; several series get a legend. */
#ifndef STROMA_IO_PLOT_H
#define STROMA_IO_PLOT_H

#include <stddef.h>

#include "io/table.h"
#include "stroma/error.h"

typedef struct stroma_plot_spec {
    const char *title;
    const char *x_column;         /* NULL: "time" */
    double x_scale;               /* x values are multiplied by this (1.0 / 60: min to h); 0 means 1 */
    const char *x_label;          /* with its unit, e.g. "time [h]" */
    const char *y_label;          /* with its unit, e.g. "live cells" or "oxygen mean [mmHg]" */
    const char *const *columns;   /* series by column name, NULL-terminated; NULL: by prefix and suffix */
    const char *const *labels;    /* legend labels parallel to columns; NULL: the names (see below) */
    const char *prefix, *suffix;  /* with columns NULL: every column whose name starts with prefix and ends
                                     with suffix, in file order; its label is the name without them */
    const char *muted;            /* a column drawn grey and dashed (e.g. "cells_dead"); NULL: none */
    int y_from_zero;              /* linear axis: include 0 */
    int log_y;                    /* logarithmic y axis; values <= 0 are left out (the line breaks) */
    int width_px, height_px;      /* 0: 640 x 400 */
    const char *ref_label;        /* non-NULL: a horizontal reference line at y = ref_y (e.g. a healthy level),
                                     drawn as a dashed green line over a light green band, under the series
                                     and always inside the y range, with this label in the legend */
    double ref_y;
} stroma_plot_spec;

/* Number of series the spec selects from t. */
int stroma_plot_series_count(const stroma_table *t, const stroma_plot_spec *spec);

/* Draw the plot and encode it as PNG into a new buffer (*png, malloc'd, owned by the caller; *len bytes).
 * Errors: STROMA_ERR_ARGUMENT (no x column, or no series selected), STROMA_ERR_NOMEM. A table without rows
 * gives an empty plot saying so. */
stroma_code stroma_plot_png(const stroma_table *t, const stroma_plot_spec *spec, unsigned char **png, size_t *len,
                            stroma_error *err);

#endif
