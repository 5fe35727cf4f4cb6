/* `stroma render DIR`: the tissue pictures and their animation drawn again from a finished run's files —
 * run.json (the model file, its overrides, the end time), fields/<substrate>_<time>.csv (the heat map, and the
 * vessel_density / ECM overlays when they are there) and cells/cells_<time>.csv (every cell: type, state,
 * position, radius, markers, and any numeric column to colour the cells by) — with the same code as the run
 * (io/pictures.h), so the run's own settings give the run's pictures byte for byte. The public entry point is
 * stroma_render (include/stroma/stroma.h); this file has no other. */
#ifndef STROMA_IO_REDRAW_H
#define STROMA_IO_REDRAW_H

#include "stroma/stroma.h"

#endif
