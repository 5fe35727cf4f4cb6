/* Clinical indices from plasma values (a modelling choice, docs/outputs.md): a weighted mean of saturating terms,
 * one per systemic substrate the model names, each of the excess of its plasma value over its healthy level:
 *     index = sum_i w_i H_i / sum_i w_i,   H_i = x_i^n_i / (K_i^n_i + x_i^n_i),   x_i = max(0, P_i - B_i) x f_i
 * P_i the plasma value and B_i the healthy level (body.systemic, clinical unit), f_i 1 or, for a vesicle class's
 * cargo, the molecules per vesicle. 0 at or below the healthy levels, 1/2 when every term is at its half-maximum,
 * below 1. */
#ifndef STROMA_READOUT_INDICES_H
#define STROMA_READOUT_INDICES_H

#include "model/model.h"

/* The index described by d of the model m, from the plasma values plasma[nsystemic] (clinical units); NAN when d
 * is not present. */
double stroma_index_value(const stroma_model *m, const stroma_index_desc *d, const double *plasma);

#endif
