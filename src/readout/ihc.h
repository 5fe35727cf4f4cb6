/* Virtual immunohistochemistry: whether a live cell is positive for a marker of the model (model/readout.h), and
 * the count of positive live cells per population, as a pathologist counts them on a slide. */
#ifndef STROMA_READOUT_IHC_H
#define STROMA_READOUT_IHC_H

#include <stdint.h>

#include "cells/engine.h"
#include "model/model.h"
#include "transport/transport.h"

/* Populations the markers are counted in: each cell type (0 .. ntypes-1), then each of `populations`. */
static inline int stroma_ihc_population_count(const stroma_model *m) { return m->ntypes + m->readout.npopulations; }

/* Name of population p (a cell type's or a group's; borrowed from the model). */
const char *stroma_ihc_population_name(const stroma_model *m, int p);

/* 1 if cell i (live or not: the caller decides whom to count) is positive for marker k at time t_min: its type is
 * one of the marker's and every condition holds (signals read as rules read them, behaviours as the cell's current
 * value). t may be NULL (substrate signals then read 0). */
int stroma_ihc_positive(const stroma_model *m, const stroma_cell_engine *e, const stroma_transport *t, size_t i,
                        int k, double t_min);

/* Count the live cells: live[p] per population, positive[p * nmarkers + k] positive for marker k (arrays of
 * stroma_ihc_population_count(m) and that x nmarkers, owned by the caller). One serial pass in id order of integer
 * counts: the same at any thread count. */
void stroma_ihc_count(const stroma_model *m, const stroma_cell_engine *e, const stroma_transport *t, double t_min,
                      int64_t *live, int64_t *positive);

#endif
