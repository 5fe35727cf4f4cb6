/* Command-line overrides of a model (`stroma run MODEL --set key.path=value`): each is grafted into the parsed
 * YAML tree before the loader walks it, so that it is checked exactly like the file. A node an override brings
 * carries line STROMA_SET_LINE0 + N (N: the override's 1-based index) and its column inside "key.path=value";
 * the loader reports issues at such a position as "--set:N:COL: message". */
#ifndef STROMA_MODEL_OVERRIDES_H
#define STROMA_MODEL_OVERRIDES_H

#include "model/yaml_tree.h"
#include "stroma/error.h"

#define STROMA_SET_LINE0 1000000000
#define STROMA_SET_FILE "--set"

/* Apply sets[0..nsets) in order to tree (a later override of the same key wins). Path syntax: names separated
 * by '.', each optionally followed by [i] to pick item i of a list ([n] on a list of n items appends one); a
 * name missing from its mapping is added (the loader then judges it like a key written in the file), so is a
 * missing intermediate mapping. The value is YAML (a number, a name, a quoted string, a flow list or map;
 * empty: null). Returns 0, or -1 after adding "--set:N:COL: message" issues to err (STROMA_ERR_PARSE for a
 * malformed override, STROMA_ERR_NOMEM). */
int stroma_overrides_apply(stroma_yaml_tree *tree, const char *const *sets, int nsets, stroma_error *err);

#endif
