/* Grafting `--set key.path=value` overrides into a parsed model (overrides.h). */
#include "model/overrides.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

static const char *ov_kind_name(stroma_yaml_kind k) {
    switch (k) {
    case STROMA_YAML_MAP: return "a mapping";
    case STROMA_YAML_SEQ: return "a list";
    case STROMA_YAML_NULL: return "empty";
    default: return "a single value";
    }
}

/* Give every node under n (n included) the override's position: line STROMA_SET_LINE0 + index, column shifted
 * by col0 (the value's offset in "key=value"). Nodes are visited once each (the sub-tree has no aliases to
 * outside it; aliases inside it may be visited twice, which only repeats the same assignment). */
static void ov_place(stroma_yaml_node *n, int index, int col0, int depth) {
    if (!n || depth > 200 || n->line >= STROMA_SET_LINE0) return;
    n->column = (n->line <= 1 ? n->column : 1) + col0;
    n->line = STROMA_SET_LINE0 + index;
    size_t slots = n->kind == STROMA_YAML_MAP ? 2 * n->n : n->kind == STROMA_YAML_SEQ ? n->n : 0;
    for (size_t i = 0; i < slots; i++) ov_place(n->child[i], index, col0, depth + 1);
}

static char *ov_strndup(const char *s, size_t len) {
    char *p = malloc(len + 1);
    if (!p) return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* Parse the value text into a node owned by tree, placed at the override; NULL after reporting. */
static stroma_yaml_node *ov_value(stroma_yaml_tree *tree, const char *value, int index, int col0,
                                  stroma_error *err) {
    stroma_error local;
    stroma_error_clear(&local);
    size_t len = strlen(value);
    stroma_yaml_tree *sub = stroma_yaml_tree_parse(value, len, STROMA_SET_FILE, &local);
    if (!sub) {
        /* the parser's message reads "--set:LINE:COL: text": keep the text, point at the value */
        const char *msg = local.message, *p = msg;
        for (int colons = 0; *p && colons < 3; p++)
            if (*p == ':') colons++;
        if (*p == ' ') p++;
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        stroma_error_add_at(err, local.code == STROMA_ERR_NOMEM ? STROMA_ERR_NOMEM : STROMA_ERR_PARSE, STROMA_SET_FILE,
                            index, col0 + 1, "the value '%s' is not valid YAML: %.*s", value, n, *p ? p : msg);
        return NULL;
    }
    stroma_yaml_node *root = stroma_yaml_tree_adopt(tree, &sub);
    if (!root) root = stroma_yaml_tree_new_node(tree, STROMA_YAML_NULL, 1, 1);
    if (!root) {
        stroma_error_add_at(err, STROMA_ERR_NOMEM, STROMA_SET_FILE, index, col0 + 1, "out of memory");
        return NULL;
    }
    ov_place(root, index, col0, 0);
    return root;
}

/* Apply one override "path=value" (1-based index); 0 or -1 after reporting. */
static int ov_apply_one(stroma_yaml_tree *tree, const char *set, int index, stroma_error *err) {
    const char *nl = strpbrk(set, "\r\n");
    if (nl) {
        stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, (int)(nl - set) + 1,
                            "an override is one line: write a list or mapping in flow form ([a, b], {k: v})");
        return -1;
    }
    const char *eq = strchr(set, '=');
    if (!eq) {
        stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, 1,
                            "'%s' is not key.path=value (e.g. --set time.end=120)", set);
        return -1;
    }
    if (eq == set) {
        stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, 1, "no key before '=' in '%s'", set);
        return -1;
    }
    const int line = STROMA_SET_LINE0 + index;
    if (!tree->root) {
        tree->root = stroma_yaml_tree_new_node(tree, STROMA_YAML_MAP, 1, 1);
        if (!tree->root) goto nomem;
    }
    /* where the value goes: *slot (an existing value or list item), or appended to map/seq */
    stroma_yaml_node *node = tree->root, **slot = NULL;
    const char *p = set;
    while (p < eq) {
        int col = (int)(p - set) + 1;
        if (*p == '[') {
            char *end;
            unsigned long i = strtoul(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || end > eq || p[1] == '-' || p[1] == '+') {
                stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, col,
                                    "'[' must be followed by an item number and ']' (e.g. initial_cells[0].count=50)");
                return -1;
            }
            if (p == set) {
                stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, col,
                                    "a path starts with a key name (e.g. initial_cells[0].count=50)");
                return -1;
            }
            if (node->line == line && node->kind == STROMA_YAML_MAP && node->n == 0) {
                stroma_error_add_at(err, STROMA_ERR_UNKNOWN_KEY, STROMA_SET_FILE, index, col,
                                    "'%.*s' is not in the model: [%lu] picks an item of a list the model has",
                                    (int)(p - set), set, i);
                return -1;
            }
            if (node->kind != STROMA_YAML_SEQ) {
                stroma_error_add_at(err, STROMA_ERR_TYPE, STROMA_SET_FILE, index, col,
                                    "'%.*s' is %s in the model, not a list: [%lu] cannot pick an item of it",
                                    (int)(p - set), set, ov_kind_name(node->kind), i);
                return -1;
            }
            const char *next = end + 1;
            if (next < eq && *next != '.' && *next != '[') {
                stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, (int)(next - set) + 1,
                                    "expected '.', '[' or '=' after ']'");
                return -1;
            }
            if (i < node->n) {
                slot = &node->child[i];
                node = *slot;
            } else if (i == node->n) { /* one past the end: a new item */
                int last = next >= eq;
                stroma_yaml_node *item =
                    last ? NULL : stroma_yaml_tree_new_node(tree, STROMA_YAML_MAP, line, col);
                if (last) {
                    item = ov_value(tree, eq + 1, index, (int)(eq + 1 - set), err);
                    if (!item) return -1;
                }
                if (!item || stroma_yaml_node_append(node, item, NULL)) goto nomem;
                if (last) return 0;
                slot = &node->child[node->n - 1];
                node = item;
            } else {
                stroma_error_add_at(err, STROMA_ERR_RANGE, STROMA_SET_FILE, index, col,
                                    "'%.*s' has %zu item%s (0 to %zu; %zu adds one): there is no item %lu",
                                    (int)(p - set), set, node->n, node->n == 1 ? "" : "s",
                                    node->n ? node->n - 1 : 0, node->n, i);
                return -1;
            }
            p = next < eq && *next == '.' ? next + 1 : next;
            if (next < eq && *next == '.' && (p >= eq || *p == '.' || *p == '[')) {
                stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, (int)(p - set) + 1,
                                    "empty key name in '%.*s'", (int)(eq - set), set);
                return -1;
            }
            continue;
        }
        size_t n = strcspn(p, ".[=");
        if (n == 0) {
            stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, col, "empty key name in '%.*s'",
                                (int)(eq - set), set);
            return -1;
        }
        const char *next = p + n;
        int last = next >= eq;
        if (node->kind == STROMA_YAML_NULL) node->kind = STROMA_YAML_MAP; /* "key:" with nothing under it yet */
        if (node->kind != STROMA_YAML_MAP) {
            stroma_error_add_at(err, STROMA_ERR_TYPE, STROMA_SET_FILE, index, col,
                                "'%.*s' is %s in the model, not a mapping: it has no key '%.*s'",
                                p == set ? 0 : (int)(p - set - 1), set, ov_kind_name(node->kind), (int)n, p);
            return -1;
        }
        size_t k = 0;
        while (k < node->n && !(node->child[2 * k]->kind == STROMA_YAML_SCALAR && node->child[2 * k]->len == n &&
                                memcmp(node->child[2 * k]->text, p, n) == 0))
            k++;
        if (k < node->n) {
            slot = &node->child[2 * k + 1];
            node = *slot;
        } else {
            stroma_yaml_node *key = stroma_yaml_tree_new_node(tree, STROMA_YAML_SCALAR, line, col);
            if (!key) goto nomem;
            free(key->text);
            key->text = ov_strndup(p, n);
            if (!key->text) goto nomem;
            key->len = n;
            stroma_yaml_node *val;
            if (last) {
                val = ov_value(tree, eq + 1, index, (int)(eq + 1 - set), err);
                if (!val) return -1;
            } else {
                val = stroma_yaml_tree_new_node(tree, STROMA_YAML_MAP, line, col);
                if (!val) goto nomem;
            }
            if (stroma_yaml_node_append(node, key, val)) goto nomem;
            if (last) return 0;
            slot = &node->child[2 * node->n - 1];
            node = val;
        }
        p = next;
        if (p < eq && *p == '.') {
            p++;
            if (p >= eq || *p == '.' || *p == '[') {
                stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, (int)(p - set) + 1,
                                    "empty key name in '%.*s'", (int)(eq - set), set);
                return -1;
            }
        }
    }
    /* the path names an existing node: replace it */
    stroma_yaml_node *val = ov_value(tree, eq + 1, index, (int)(eq + 1 - set), err);
    if (!val) return -1;
    if (!slot) {
        stroma_error_add_at(err, STROMA_ERR_PARSE, STROMA_SET_FILE, index, 1, "no key before '='");
        return -1;
    }
    *slot = val;
    return 0;
nomem:
    stroma_error_add_at(err, STROMA_ERR_NOMEM, STROMA_SET_FILE, index, 1, "out of memory applying the override");
    return -1;
}

int stroma_overrides_apply(stroma_yaml_tree *tree, const char *const *sets, int nsets, stroma_error *err) {
    int bad = 0;
    for (int i = 0; i < nsets; i++)
        if (ov_apply_one(tree, sets[i] ? sets[i] : "", i + 1, err)) bad = 1;
    return bad ? -1 : 0;
}
