/* Loading of the `recruitment:` section (cells entering the tissue from the vessels). The walk (load.c) stores its
 * values through load_recruitment_store / load_recruitment_item / load_recruitment_map_done; after it,
 * load_check_recruitment resolves the cell-type names (the entries' keys) and the signal substrates, and refuses
 * recruitment in a model without vessels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load_impl.h"
#include "model/model.h"
#include "model/schema.h"
#include "util/error_impl.h"

/* The names an entry was written with, resolved after the walk. */
typedef struct recruit_names {
    load_name type;   /* the entry's key */
    load_name signal; /* its `signal`, if given (ok = 0: none) */
} recruit_names;

struct load_recruitment_walk {
    recruit_names *names; /* parallel to m->recruitment.entries */
    int entries_cap, names_cap, cur;
};

static int is_recruitment(int id) { return id >= STROMA_KEY_RECRUITMENT && id <= STROMA_KEY_RECRUIT_MAX_CELLS; }

static struct load_recruitment_walk *recruitment_walk(loader *ld) {
    if (!ld->recruitment) {
        ld->recruitment = calloc(1, sizeof *ld->recruitment);
        if (!ld->recruitment) ld->nomem = 1;
    }
    return ld->recruitment;
}

void load_recruitment_free(loader *ld) {
    if (!ld->recruitment) return;
    free(ld->recruitment->names);
    free(ld->recruitment);
    ld->recruitment = NULL;
}

void load_recruitment_store(loader *ld, int id, const load_value *v) {
    if (!is_recruitment(id)) return;
    struct load_recruitment_walk *w = recruitment_walk(ld);
    stroma_recruitment_desc *r = &ld->m->recruitment;
    if (!w || !r->entries) return;
    stroma_recruit_desc *e = &r->entries[w->cur];
    switch ((stroma_key_id)id) {
    case STROMA_KEY_RECRUIT_RATE: e->rate_per_min_mm2 = v->num; break;
    case STROMA_KEY_RECRUIT_SIGNAL: {
        load_name *n = &w->names[w->cur].signal;
        snprintf(n->name, sizeof n->name, "%s", v->str);
        n->ok = 1;
        n->loc = v->loc;
        break;
    }
    case STROMA_KEY_RECRUIT_HALF_MAX: e->half_max = v->num; break;
    case STROMA_KEY_RECRUIT_HILL: e->hill = v->num; break;
    case STROMA_KEY_RECRUIT_BASAL: e->basal = v->num; break;
    case STROMA_KEY_RECRUIT_MAX_CELLS: e->max_cells = (int64_t)v->integer; break;
    default: break; /* containers */
    }
}

int load_recruitment_item(loader *ld, int id, const char *name, const char *path, stroma_srcloc at) {
    (void)path;
    if (id != STROMA_KEY_RECRUIT) return 0;
    struct load_recruitment_walk *w = recruitment_walk(ld);
    if (!w) return -1;
    stroma_recruitment_desc *r = &ld->m->recruitment;
    if (load_grow((void **)&r->entries, &w->entries_cap, r->n + 1, sizeof *r->entries) ||
        load_grow((void **)&w->names, &w->names_cap, r->n + 1, sizeof *w->names))
        return -1;
    stroma_recruit_desc *e = &r->entries[r->n];
    memset(e, 0, sizeof *e);
    e->type = -1;
    e->signal = -1;
    e->hill = 1;
    e->loc = at;
    recruit_names *n = &w->names[r->n];
    memset(n, 0, sizeof *n);
    snprintf(n->type.name, sizeof n->type.name, "%s", name);
    n->type.ok = 1;
    n->type.loc = at;
    w->cur = r->n++;
    return 0;
}

int load_recruitment_map_done(loader *ld, int id, const char *path, stroma_srcloc at,
                              const stroma_yaml_node *const *keys, int ok) {
    if (id != STROMA_KEY_RECRUIT) return ok;
    struct load_recruitment_walk *w = recruitment_walk(ld);
    if (!w) return 0;
    if (keys[STROMA_KEY_RECRUIT_SIGNAL]) {
        if (!keys[STROMA_KEY_RECRUIT_HALF_MAX]) {
            load_error(ld, STROMA_ERR_MISSING, at,
                       "missing required key %s.half_max (number, required with signal) [substrate unit]", path);
            ok = 0;
        }
        return ok;
    }
    static const int only_with_signal[3] = {STROMA_KEY_RECRUIT_HALF_MAX, STROMA_KEY_RECRUIT_HILL,
                                            STROMA_KEY_RECRUIT_BASAL};
    for (int k = 0; k < 3; k++) {
        const stroma_yaml_node *key = keys[only_with_signal[k]];
        if (!key) continue;
        load_error(ld, STROMA_ERR_RANGE, (stroma_srcloc){key->line, key->column},
                   "%s.%s is given without %s.signal: the rate has no chemokine response to shape; give signal or "
                   "remove %s",
                   path, stroma_schema_key_name(only_with_signal[k]), path,
                   stroma_schema_key_name(only_with_signal[k]));
        ok = 0;
    }
    return ok;
}

void load_check_recruitment(loader *ld, const load_names *nl, stroma_srcloc recruitment_at) {
    stroma_model *m = ld->m;
    stroma_recruitment_desc *r = &m->recruitment;
    if (r->n == 0) { /* absent or empty */
        memset(r, 0, sizeof *r);
        return;
    }
    r->present = 1;
    r->loc = recruitment_at;
    const struct load_recruitment_walk *w = ld->recruitment;
    if (!m->vessels.present)
        load_error(ld, STROMA_ERR_MISSING, recruitment_at,
                   "recruitment: cells enter the tissue through the vessel walls, and the model has no `vessels:` "
                   "section; add vessels (docs/body.md) or remove recruitment");
    for (int k = 0; k < r->n; k++) {
        stroma_recruit_desc *e = &r->entries[k];
        const recruit_names *n = &w->names[k];
        e->type = load_resolve(ld, nl, 1, &n->type, "recruitment");
        if (n->signal.ok) {
            char path[96];
            snprintf(path, sizeof path, "recruitment.%s.signal", n->type.name);
            e->signal = load_resolve(ld, nl, 0, &n->signal, path);
        }
    }
}
