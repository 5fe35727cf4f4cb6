/* Build a stroma_yaml_tree from libfyaml parser events, capturing libfyaml's diagnostics as stroma errors
 * instead of letting it print them. */
#include "model/yaml_tree.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#include "util/error_impl.h"

typedef struct yaml_anchor {
    char *name; /* owned; NULL: an empty slot of the table */
    size_t len;
    stroma_yaml_node *node;
} yaml_anchor;

typedef struct yaml_open {
    stroma_yaml_node *node;
    size_t slots; /* child pointers stored so far (a mapping with an odd count awaits a value) */
    char *anchor; /* owned; registered when the collection closes, so an alias cannot name its own ancestor */
} yaml_open;

typedef struct yaml_builder {
    stroma_yaml_tree *tree;
    const char *file;
    stroma_error *err;
    int failed; /* a parse error was added */
    int stop;   /* stop reading events (the alias limit was passed) */
    int nomem;
    int documents;
    yaml_open *stack;
    size_t depth, stack_cap;
    yaml_anchor *anchors;       /* hash table (open addressing), name -> latest node: an alias is one lookup */
    size_t nanchors, anchors_cap; /* used slots, slots (a power of 2) */
    double expanded, max_expanded; /* nodes aliases added so far; the limit (STROMA_YAML_MAX_EXPANSION) */
    char diag_text[512]; /* unlocated text libfyaml sent to its output callback */
} yaml_builder;

/* Grow *items (elem bytes each, *cap slots) to hold at least need; 0 on success. */
static int yaml_grow(void **items, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need) ncap *= 2;
    void *p = realloc(*items, ncap * elem);
    if (!p) return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

static char *yaml_strndup(const char *s, size_t len) {
    char *p = malloc(len + 1);
    if (!p) return NULL;
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static stroma_yaml_node *yaml_new_node(yaml_builder *b, stroma_yaml_kind kind, const struct fy_mark *mark) {
    stroma_yaml_node *n = calloc(1, sizeof *n);
    if (!n) {
        b->nomem = 1;
        return NULL;
    }
    n->kind = kind;
    n->line = mark ? mark->line + 1 : 0;
    n->column = mark ? mark->column + 1 : 0;
    n->all_next = b->tree->all;
    b->tree->all = n;
    return n;
}

/* Attach node as the root or as the next child of the innermost open collection. A node without a position
 * (an empty value) takes its key's position, or its sequence's. */
static void yaml_attach(yaml_builder *b, stroma_yaml_node *node) {
    if (b->depth == 0) {
        if (!b->tree->root) b->tree->root = node;
        return;
    }
    yaml_open *top = &b->stack[b->depth - 1];
    stroma_yaml_node *parent = top->node;
    if (yaml_grow((void **)&parent->child, &parent->cap, top->slots + 1, sizeof *parent->child)) {
        b->nomem = 1;
        return;
    }
    if (node->line == 0) {
        const stroma_yaml_node *from = parent->kind == STROMA_YAML_MAP && top->slots % 2 ? parent->child[top->slots - 1]
                                                                                      : parent;
        node->line = from->line;
        node->column = from->column;
    }
    parent->child[top->slots++] = node;
    parent->n = parent->kind == STROMA_YAML_MAP ? top->slots / 2 : top->slots;
}

static char *yaml_anchor_of(yaml_builder *b, struct fy_event *e) {
    struct fy_token *t = fy_event_get_anchor_token(e);
    if (!t) return NULL;
    size_t len = 0;
    const char *s = fy_token_get_text(t, &len);
    char *name = s ? yaml_strndup(s, len) : NULL;
    if (s && !name) b->nomem = 1;
    return name;
}

static size_t yaml_hash(const char *s, size_t len) {
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* The slot of name in the table: the one holding it, or the empty one where it would go. */
static yaml_anchor *yaml_anchor_slot(yaml_anchor *table, size_t cap, const char *name, size_t len) {
    size_t i = yaml_hash(name, len) & (cap - 1);
    while (table[i].name && !(table[i].len == len && memcmp(table[i].name, name, len) == 0)) i = (i + 1) & (cap - 1);
    return &table[i];
}

/* Record anchor name (ownership taken) for node; a later definition of the same name wins. */
static void yaml_add_anchor(yaml_builder *b, char *name, stroma_yaml_node *node) {
    if (!name) return;
    size_t len = strlen(name);
    if (2 * (b->nanchors + 1) > b->anchors_cap) { /* at most half full */
        size_t ncap = b->anchors_cap ? 2 * b->anchors_cap : 64;
        yaml_anchor *t = calloc(ncap, sizeof *t);
        if (!t) {
            free(name);
            b->nomem = 1;
            return;
        }
        for (size_t i = 0; i < b->anchors_cap; i++)
            if (b->anchors[i].name) *yaml_anchor_slot(t, ncap, b->anchors[i].name, b->anchors[i].len) = b->anchors[i];
        free(b->anchors);
        b->anchors = t;
        b->anchors_cap = ncap;
    }
    yaml_anchor *a = yaml_anchor_slot(b->anchors, b->anchors_cap, name, len);
    if (a->name) {
        free(name);
    } else {
        a->name = name;
        a->len = len;
        b->nanchors++;
    }
    a->node = node;
}

static int yaml_is_null_text(const char *s, size_t len) {
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
        if (strlen(nulls[i]) == len && memcmp(nulls[i], s, len) == 0) return 1;
    return 0;
}

static void yaml_scalar(yaml_builder *b, struct fy_event *e) {
    struct fy_token *t = fy_event_get_token(e);
    size_t len = 0;
    const char *s = t ? fy_token_get_text(t, &len) : NULL;
    if (!s) {
        s = "";
        len = 0;
    }
    enum fy_node_style style = fy_event_get_node_style(e);
    int quoted = style == FYNS_SINGLE_QUOTED || style == FYNS_DOUBLE_QUOTED || style == FYNS_LITERAL ||
                 style == FYNS_FOLDED;
    int is_null = !t || (!quoted && yaml_is_null_text(s, len));
    stroma_yaml_node *n = yaml_new_node(b, is_null ? STROMA_YAML_NULL : STROMA_YAML_SCALAR,
                                        t ? fy_event_start_mark(e) : NULL);
    if (!n) return;
    /* libfyaml marks a quoted scalar at its first character inside the quote: point at the quote. */
    if ((style == FYNS_SINGLE_QUOTED || style == FYNS_DOUBLE_QUOTED) && n->column > 1) n->column--;
    n->quoted = quoted;
    n->text = yaml_strndup(s, len);
    if (!n->text) {
        b->nomem = 1;
        return;
    }
    n->len = len;
    n->weight = 1;
    yaml_attach(b, n);
    yaml_add_anchor(b, yaml_anchor_of(b, e), n);
}

static void yaml_alias(yaml_builder *b, struct fy_event *e) {
    struct fy_token *t = fy_event_get_token(e);
    size_t len = 0;
    const char *s = t ? fy_token_get_text(t, &len) : "";
    if (!s) s = "";
    const struct fy_mark *m = fy_event_start_mark(e); /* at the name: the '*' is one column before */
    const yaml_anchor *a = b->anchors_cap ? yaml_anchor_slot(b->anchors, b->anchors_cap, s, len) : NULL;
    if (a && a->name) {
        b->expanded += (double)a->node->weight;
        if (b->expanded > b->max_expanded) {
            stroma_error_add_at(b->err, STROMA_ERR_TOO_LARGE, b->file, m ? m->line + 1 : 1,
                                m && m->column > 0 ? m->column : 1,
                                "alias *%.*s: the aliases up to here repeat %.0f nodes, more than the %.0f allowed "
                                "for this file (1,000,000 plus 4 per byte); write the repeated parts out",
                                (int)(len > 64 ? 64 : len), s, b->expanded, b->max_expanded);
            b->failed = b->stop = 1; /* nothing more is read */
            return;
        }
        yaml_attach(b, a->node);
        return;
    }
    stroma_error_add_at(b->err, STROMA_ERR_PARSE, b->file, m ? m->line + 1 : 1, m && m->column > 0 ? m->column : 1,
                        "alias *%.*s refers to no complete anchor &%.*s defined before it", (int)(len > 64 ? 64 : len),
                        s, (int)(len > 64 ? 64 : len), s);
    b->failed = 1;
}

static void yaml_open_collection(yaml_builder *b, struct fy_event *e, stroma_yaml_kind kind) {
    stroma_yaml_node *n = yaml_new_node(b, kind, fy_event_start_mark(e));
    if (!n) return;
    n->text = yaml_strndup("", 0);
    if (!n->text) {
        b->nomem = 1;
        return;
    }
    yaml_attach(b, n);
    if (yaml_grow((void **)&b->stack, &b->stack_cap, b->depth + 1, sizeof *b->stack)) {
        b->nomem = 1;
        return;
    }
    b->stack[b->depth].node = n;
    b->stack[b->depth].slots = 0;
    b->stack[b->depth].anchor = yaml_anchor_of(b, e);
    b->depth++;
}

static void yaml_close_collection(yaml_builder *b) {
    if (b->depth == 0) return;
    b->depth--;
    stroma_yaml_node *n = b->stack[b->depth].node;
    double w = 1; /* bounded by the expansion limit, so the sum fits */
    for (size_t i = 0; i < b->stack[b->depth].slots; i++) w += (double)n->child[i]->weight;
    n->weight = (size_t)w;
    yaml_add_anchor(b, b->stack[b->depth].anchor, b->stack[b->depth].node);
    b->stack[b->depth].anchor = NULL;
}

/* libfyaml's output callback: keep the first unlocated message, print nothing. */
static void yaml_diag_output(struct fy_diag *diag, void *user, const char *buf, size_t len) {
    (void)diag;
    yaml_builder *b = user;
    if (b->diag_text[0] || !buf) return;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ')) len--;
    if (len >= sizeof b->diag_text) len = sizeof b->diag_text - 1;
    memcpy(b->diag_text, buf, len);
    b->diag_text[len] = '\0';
}

static void yaml_event(yaml_builder *b, struct fy_event *e) {
    if (b->documents > 1 && e->type != FYET_STREAM_END) return;
    switch (e->type) {
    case FYET_DOCUMENT_START:
        if (++b->documents > 1) {
            const struct fy_mark *m = fy_event_start_mark(e);
            stroma_error_add_at(b->err, STROMA_ERR_PARSE, b->file, m ? m->line + 1 : 1, m ? m->column + 1 : 1,
                                "a model file holds one YAML document, but a second one starts here");
            b->failed = 1;
        }
        break;
    case FYET_SCALAR:
        yaml_scalar(b, e);
        break;
    case FYET_ALIAS:
        yaml_alias(b, e);
        break;
    case FYET_MAPPING_START:
        yaml_open_collection(b, e, STROMA_YAML_MAP);
        break;
    case FYET_SEQUENCE_START:
        yaml_open_collection(b, e, STROMA_YAML_SEQ);
        break;
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        yaml_close_collection(b);
        break;
    default:
        break;
    }
}

/* Turn libfyaml's collected diagnostics into stroma errors (their positions are already 1-based). */
static void yaml_report_diag(yaml_builder *b, struct fy_diag *diag) {
    void *iter = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(diag, &iter)) != NULL) {
        if (de->type < FYET_ERROR) continue;
        stroma_error_add_at(b->err, STROMA_ERR_PARSE, b->file, de->line > 0 ? de->line : 1,
                            de->column > 0 ? de->column : 1, "malformed YAML: %s", de->msg ? de->msg : "error");
        b->failed = 1;
    }
}

stroma_yaml_tree *stroma_yaml_tree_parse(const char *text, size_t len, const char *file, stroma_error *err) {
    yaml_builder b;
    memset(&b, 0, sizeof b);
    b.file = file;
    b.err = err;
    b.max_expanded = STROMA_YAML_MAX_EXPANSION(len);
    b.tree = calloc(1, sizeof *b.tree);
    struct fy_diag *diag = NULL;
    struct fy_parser *parser = NULL;
    if (!b.tree) goto nomem;

    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = yaml_diag_output;
    dcfg.user = &b;
    dcfg.level = FYET_ERROR;
    dcfg.colorize = false;
    diag = fy_diag_create(&dcfg);
    if (!diag) goto nomem;
    fy_diag_set_collect_errors(diag, true);

    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    pcfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    pcfg.diag = diag;
    parser = fy_parser_create(&pcfg);
    if (!parser) goto nomem;
    /* libfyaml wants a non-NULL string even when empty. */
    if (fy_parser_set_string(parser, len ? text : "", len)) goto nomem;

    struct fy_event *e;
    while (!b.nomem && !b.stop && (e = fy_parser_parse(parser)) != NULL) {
        yaml_event(&b, e);
        fy_parser_event_free(parser, e);
    }
    if (b.nomem) goto nomem;
    int stream_error = fy_parser_get_stream_error(parser);
    yaml_report_diag(&b, diag);
    if (stream_error && !b.failed) {
        stroma_error_add_at(err, STROMA_ERR_PARSE, file, 1, 1, "malformed YAML: %s",
                            b.diag_text[0] ? b.diag_text : "the parser stopped without saying why");
        b.failed = 1;
    }
    fy_parser_destroy(parser);
    fy_diag_destroy(diag);
    for (size_t i = 0; i < b.depth; i++) free(b.stack[i].anchor);
    free(b.stack);
    for (size_t i = 0; i < b.anchors_cap; i++) free(b.anchors[i].name);
    free(b.anchors);
    if (b.failed) stroma_yaml_tree_destroy(&b.tree);
    return b.tree;

nomem:
    if (parser) fy_parser_destroy(parser);
    if (diag) fy_diag_destroy(diag);
    for (size_t i = 0; i < b.depth; i++) free(b.stack[i].anchor);
    free(b.stack);
    for (size_t i = 0; i < b.anchors_cap; i++) free(b.anchors[i].name);
    free(b.anchors);
    stroma_yaml_tree_destroy(&b.tree);
    stroma_error_add_at(err, STROMA_ERR_NOMEM, file, 0, 0, "out of memory while reading the model");
    return NULL;
}

stroma_yaml_node *stroma_yaml_tree_new_node(stroma_yaml_tree *tree, stroma_yaml_kind kind, int line, int column) {
    stroma_yaml_node *n = calloc(1, sizeof *n);
    char *text = calloc(1, 1);
    if (!n || !text) {
        free(n);
        free(text);
        return NULL;
    }
    n->kind = kind;
    n->line = line;
    n->column = column;
    n->text = text;
    n->weight = 1;
    n->all_next = tree->all;
    tree->all = n;
    return n;
}

int stroma_yaml_node_append(stroma_yaml_node *parent, stroma_yaml_node *key, stroma_yaml_node *value) {
    int map = parent->kind == STROMA_YAML_MAP;
    size_t slots = map ? 2 * parent->n : parent->n;
    if (yaml_grow((void **)&parent->child, &parent->cap, slots + 2, sizeof *parent->child)) return -1;
    parent->child[slots++] = key;
    if (map) parent->child[slots++] = value;
    parent->n = map ? slots / 2 : slots;
    parent->weight += key->weight + (map ? value->weight : 0);
    return 0;
}

stroma_yaml_node *stroma_yaml_tree_adopt(stroma_yaml_tree *tree, stroma_yaml_tree **from) {
    if (!from || !*from) return NULL;
    stroma_yaml_node *root = (*from)->root, *n = (*from)->all;
    while (n) {
        stroma_yaml_node *next = n->all_next;
        n->all_next = tree->all;
        tree->all = n;
        n = next;
    }
    free(*from);
    *from = NULL;
    return root;
}

void stroma_yaml_tree_destroy(stroma_yaml_tree **tree) {
    if (!tree || !*tree) return;
    stroma_yaml_node *n = (*tree)->all;
    while (n) {
        stroma_yaml_node *next = n->all_next;
        free(n->text);
        free(n->child);
        free(n);
        n = next;
    }
    free(*tree);
    *tree = NULL;
}
