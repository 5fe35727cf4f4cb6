/* The tissue pictures of a run as one set: images/tissue_<time>.png with one colour scale across all of them,
 * and their animation images/tissue.webp. A run keeps each picture's frame (io/tissue.h: the plane's values and
 * the cells in it) in memory — and in its checkpoints, so a resumed run draws the same pictures — and draws the
 * whole set at its end, once the range over every frame is known; `stroma render` builds the frames from a
 * finished run's files (io/redraw.h) and draws them with the same code.
 *
 * Names sort in time order: the time's whole part is zero-padded to the digits of the run's end time
 * (tissue_00060.png ... tissue_20160.png), with decimals only when the run's times need them (io/render.h
 * stroma_time_name). The heat map's range is 0 (or the least value, if negative) to the largest value of any
 * frame, rounded out to ticks, unless the style fixes it. The animation is an animated WebP (lossless, looping),
 * one frame per picture — of at most STROMA_ANIMATION_FRAMES pictures evenly spread over the run (first and last
 * included) when there are more —, each shown 10 s / frames (at least 0.1 s, at most 1 s). */
#ifndef STROMA_IO_PICTURES_H
#define STROMA_IO_PICTURES_H

#include "io/outdir.h"
#include "io/tissue.h"
#include "util/buf.h"

#define STROMA_ANIMATION_FRAMES 100

typedef struct stroma_pictures {
    stroma_tissue_style style;    /* ranges filled in by stroma_pictures_write */
    double fixed_lo, fixed_hi;    /* the heat map's range when fixed (fixed_lo < fixed_hi), else NAN */
    int name_width, name_decimals; /* file names (stroma_time_name) */
    stroma_tissue_frame *frames;  /* [n], in time order, owned */
    size_t n, cap;
} stroma_pictures;

/* Start an empty set for `model` (borrowed; it must outlive the set) drawing substrate `field` (-1: none),
 * width_px wide, naming the files for a run with outputs every every_min up to end_min. The heat map's range
 * is fixed to outputs.images.range when the model has one and `field` is outputs.images.field. */
void stroma_pictures_init(stroma_pictures *p, const stroma_model *model, int field, int width_px,
                          double every_min, double end_min);

/* Free every frame; the set is empty again (init it again to reuse it). */
void stroma_pictures_free(stroma_pictures *p);

/* Append a frame (taken over: *fr is zeroed). Frames must come in increasing time. STROMA_ERR_NOMEM. */
stroma_code stroma_pictures_add(stroma_pictures *p, stroma_tissue_frame *fr, stroma_error *err);

/* Append the frame of a simulation's current state. */
stroma_code stroma_pictures_add_sim(stroma_pictures *p, const stroma_sim *sim, stroma_error *err);

/* The file name of a time: images/tissue_<time>.png (cap bytes). */
void stroma_pictures_name(const stroma_pictures *p, double t_min, char *buf, size_t cap);

/* Set the ranges over all frames and write every picture and images/tissue.webp through od (which must have
 * images/). With prune, every other images/tissue_<time>.png there (of an earlier drawing) is removed after.
 * Nothing is written for an empty set. Errors: STROMA_ERR_IO (with the file's name), STROMA_ERR_NOMEM. */
stroma_code stroma_pictures_write(stroma_outdir *od, stroma_pictures *p, int prune, stroma_error *err);

/* The frames, for a checkpoint (the run's "pictures" section), and back: load validates every count, size and
 * value (times increasing and not after t_now, finite positions and radii, types and states in range) and
 * replaces the set's frames. */
void stroma_pictures_save(const stroma_pictures *p, stroma_buf *b);
stroma_code stroma_pictures_load(stroma_pictures *p, stroma_reader *r, double t_now, stroma_error *err);

#endif
