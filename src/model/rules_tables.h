/* The signal and behaviour tables of a model, and the base value and plain-English text of a rule. */
#ifndef STROMA_MODEL_RULES_TABLES_H
#define STROMA_MODEL_RULES_TABLES_H

#include <stddef.h>

#include "model/model.h"

/* Build model->rule_tables from the model's substrates, cell types and state variables (call after those
 * are loaded). Returns 0, or -1 on allocation failure. Replaces any earlier tables. */
int stroma_rule_tables_build(stroma_model *model);

/* Free the tables; accepts empty ones. */
void stroma_rule_tables_free(stroma_rule_tables *t);

/* Index of the signal / behaviour with this name (exact, case-sensitive; "custom:<var>" is accepted for a
 * state variable as in PhysiCell), or -1; the first in table order if several share the name. O(log n). */
int stroma_rule_signal_find(const stroma_rule_tables *t, const char *name);
int stroma_rule_behaviour_find(const stroma_rule_tables *t, const char *name);

/* The signals named exactly `name` (no "custom:" handling): returns how many, and in *idx (borrowed from the
 * tables) their indices in table order. O(log n). */
int stroma_rule_signals_named(const stroma_rule_tables *t, const char *name, const int **idx);

/* The behaviour's base value for cells of `type` (the type's own parameter, before rules); its unit is in
 * the table entry. */
double stroma_rule_behaviour_base(const stroma_model *model, int type, int behaviour);

/* The range [*lo, *hi] of the values behaviour `behaviour` can take in any cell of the model: 0 (a dead
 * cell's rates), each cell type's base value, each rule's saturation for it (rules combine base and
 * saturations into a weighted mean) and each value a cell file gives it. A restored checkpoint is checked
 * against it. */
void stroma_rule_behaviour_range(const stroma_model *model, int behaviour, double *lo, double *hi);

/* Index of the behaviour of this kind and argument (substrate, cell type or state variable), or -1. */
int stroma_rule_behaviour_of(const stroma_rule_tables *t, stroma_behaviour_kind kind, int arg);

/* "in CAF, TGFb increases IL6 secretion from 0.05 to 0.2 1/min, half-max 50 pg/mL, Hill 2" into buf.
 * Returns the length it wanted to write. */
size_t stroma_rule_describe(const stroma_model *model, const stroma_rule_desc *rule, char *buf, size_t cap);

#endif
