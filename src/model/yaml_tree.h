/* A read-only YAML tree with a 1-based file position on every node, built from libfyaml's event parser.
 * The model loader validates this tree against the schema (schema.h). Unlike libfyaml's document API it keeps
 * duplicate keys (so the loader can report them all and keep going), gives positions for mappings,
 * sequences and empty values, and refuses a second document in the stream.
 * Aliases (*name) point at the anchored node (&name); shared nodes are owned once, by the tree. What aliases
 * repeat is limited (STROMA_YAML_MAX_EXPANSION): a few kilobytes of aliases to aliases would otherwise make the
 * loader walk millions of nodes per kilobyte (a 41 KB file took 48 s and 2 GB). */
#ifndef STROMA_MODEL_YAML_TREE_H
#define STROMA_MODEL_YAML_TREE_H

#include <stddef.h>

#include "stroma/error.h"

typedef enum stroma_yaml_kind {
    STROMA_YAML_NULL,   /* empty value, ~ or null (plain) */
    STROMA_YAML_SCALAR, /* any other scalar */
    STROMA_YAML_MAP,
    STROMA_YAML_SEQ
} stroma_yaml_kind;

typedef struct stroma_yaml_node stroma_yaml_node;
struct stroma_yaml_node {
    stroma_yaml_kind kind;
    int line, column;         /* 1-based position of the node's first character (of its key for an empty value) */
    int quoted;               /* scalar written quoted or as a block scalar: a string, never a number */
    char *text;               /* scalar text, NUL-terminated (may hold further NULs: use len); "" otherwise */
    size_t len;               /* bytes in text */
    size_t n;                 /* MAP: number of pairs; SEQ: number of items */
    stroma_yaml_node **child; /* MAP: key0, value0, key1, value1, ...; SEQ: item0, item1, ... */
    size_t cap;               /* allocated slots in child */
    size_t weight;            /* nodes under this one with aliases expanded, itself included (what a walk visits) */
    stroma_yaml_node *all_next; /* every node of the tree, for freeing */
};

typedef struct stroma_yaml_tree {
    stroma_yaml_node *root; /* NULL for an empty document */
    stroma_yaml_node *all;  /* owned: list of every node */
} stroma_yaml_tree;

/* Most nodes aliases may add to the document, in all: a base plus four per byte of the file (a legitimate file
 * that reuses a cell type or a list by alias stays far below). Beyond it the file is refused (STROMA_ERR_TOO_LARGE
 * at the alias). */
#define STROMA_YAML_MAX_EXPANSION(len) (1000000.0 + 4.0 * (double)(len))

/* Parse text[0..len) (borrowed only during the call). `file` names the input in messages. On success returns
 * an owned tree (free with stroma_yaml_tree_destroy). On malformed YAML returns NULL after adding one
 * STROMA_ERR_PARSE error per problem to err with stroma_error_add_at ("file:line:col: message"); on allocation
 * failure returns NULL with STROMA_ERR_NOMEM added. */
stroma_yaml_tree *stroma_yaml_tree_parse(const char *text, size_t len, const char *file, stroma_error *err);

/* A new node of `kind` at line:column, owned by tree (text "" and no children); NULL when out of memory. */
stroma_yaml_node *stroma_yaml_tree_new_node(stroma_yaml_tree *tree, stroma_yaml_kind kind, int line, int column);

/* Append the pair key: value to a MAP node (value NULL: append an item to a SEQ node); 0 on success, -1 when
 * out of memory. */
int stroma_yaml_node_append(stroma_yaml_node *parent, stroma_yaml_node *key, stroma_yaml_node *value);

/* Move every node of *from into tree (so that its root can be grafted into tree), free *from's handle and
 * return its root (NULL for an empty document). */
stroma_yaml_node *stroma_yaml_tree_adopt(stroma_yaml_tree *tree, stroma_yaml_tree **from);

/* Free a tree and clear the handle; accepts NULL. Invalidates every node pointer taken from it. */
void stroma_yaml_tree_destroy(stroma_yaml_tree **tree);

#endif
