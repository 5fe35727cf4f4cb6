/* Drawing helpers shared by the tissue snapshots and the plots (cairo): text placed by an anchor, a vertical
 * colour bar with numeric ticks, and PNG encoding into memory or onto an open file. Text uses cairo's toy
 * font API with the face "DejaVu Sans" (Debian fonts-dejavu-core; fontconfig substitutes another sans face
 * when it is missing). */
#ifndef STROMA_IO_DRAW_H
#define STROMA_IO_DRAW_H

#include <cairo.h>
#include <stddef.h>
#include <stdio.h>

#include "io/render.h"

/* Select the sans face at size px (bold if nonzero). */
void stroma_draw_font(cairo_t *cr, double px, int bold);

/* Width in user units of s in the current font. */
double stroma_draw_text_width(cairo_t *cr, const char *s);

/* Draw s (UTF-8) so that the point (x, y) is at fraction ax of its width (0 left, 0.5 centre, 1 right) and
 * fraction ay of the font's height (0 top, 0.5 middle, 1 bottom), in the current source colour. */
void stroma_draw_text(cairo_t *cr, double x, double y, const char *s, double ax, double ay);

/* Same, rotated 90 degrees anticlockwise about (x, y) (reads bottom to top); ax runs along the text. */
void stroma_draw_text_vertical(cairo_t *cr, double x, double y, const char *s, double ax, double ay);

/* Set the source colour. */
void stroma_draw_rgb(cairo_t *cr, stroma_rgb c);

/* A vertical viridis colour bar in the box (x, y, w, h), lo at the bottom and hi at the top, with ticks and
 * their labels to its right (font: the current one). Returns the width used right of the bar by the labels. */
double stroma_draw_colorbar(cairo_t *cr, double x, double y, double w, double h, double lo, double hi);

/* Same with another colour map (map(0) at the bottom, map(1) at the top). */
double stroma_draw_colorbar_map(cairo_t *cr, double x, double y, double w, double h, double lo, double hi,
                                stroma_rgb (*map)(double));

/* Width the labels of stroma_draw_colorbar will take for this range (current font), for layout. */
double stroma_draw_colorbar_label_width(cairo_t *cr, double lo, double hi, double h);

/* Encode an image surface (RGB24 or ARGB32) as PNG into a new buffer (*png, malloc'd, owned by the caller;
 * *len bytes). Returns 0, or -1 when the surface is unusable, libpng fails or memory runs out (nothing to free
 * then). Encoded by libpng without row filters at zlib level 1 (fast; see draw.c). */
int stroma_draw_png_bytes(cairo_surface_t *s, unsigned char **png, size_t *len);

/* Encode a surface as PNG onto f (write errors show in ferror(f) and as -1). Returns 0, or -1 on failure. */
int stroma_draw_png_file(cairo_surface_t *s, FILE *f);

#endif
