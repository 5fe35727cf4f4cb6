/* Writing an imported model: the YAML model file (a header comment listing everything not reproduced
 * exactly, then the keys in the order of docs/model-reference.md) and the converted cells CSV. Output depends
 * only on the inputs (no dates, no absolute paths), so the same project gives the same bytes. Numbers are
 * written in their shortest exact form. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "import/physicell.h"

/* A YAML-safe key or value for a stroma name: quoted when YAML would read it as a boolean or null. */
static const char *yname(const char *name, char buf[PC_SNAME + 2]) {
    static const char *special[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (strcasecmp(name, special[i]) == 0) {
            snprintf(buf, PC_SNAME + 2, "\"%s\"", name);
            return buf;
        }
    return name;
}

/* Text for a comment: invalid UTF-8 bytes become '?', control characters spaces. */
static void put_comment(FILE *f, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        int ok = n > 0;
        for (int i = 1; i < n && ok; i++)
            ok = (p[i] & 0xC0) == 0x80;
        if (!ok) {
            fputc('?', f);
            p++;
        } else if (n == 1) {
            fputc(*p < 0x20 || *p == 0x7F ? ' ' : *p, f);
            p++;
        } else {
            fwrite(p, 1, (size_t)n, f);
            p += n;
        }
    }
}

/* A double-quoted YAML string. */
static void put_quoted(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p >= 0x20 && *p != 0x7F)
            fputc(*p, f);
    }
    fputc('"', f);
}

static const char *num(double v, char buf[32]) {
    pc_num(v, buf);
    return buf;
}

static void put_header(const pc_model *m, FILE *f) {
    fprintf(f, "# Imported from PhysiCell by `stroma import-physicell` (stroma %s).\n", STROMA_VERSION);
    fprintf(f, "# Sources: %s", pc_basename(m->settings_path));
    for (int i = 0; i < m->nrulesets; i++)
        fprintf(f, ", %s", pc_basename(m->rules_path[i]));
    if (m->cells_path[0]) fprintf(f, ", %s", pc_basename(m->cells_path));
    fputs("\n", f);
    size_t n = stroma_import_report_count(m->rep);
    if (n == 0) {
        fputs("# Everything in the sources is reproduced.\n", f);
    } else {
        fprintf(f,
                "# The %zu items below are what this file does not reproduce exactly (not imported, approximated)\n"
                "# or follows by convention (note):\n",
                n);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "#   [%s] ", stroma_import_kind_name(stroma_import_report_kind(m->rep, i)));
            const char *file = stroma_import_report_file(m->rep, i);
            int line = stroma_import_report_line(m->rep, i);
            if (file[0]) {
                put_comment(f, pc_basename(file));
                if (line > 0) fprintf(f, ":%d", line);
                fputs(": ", f);
            }
            put_comment(f, stroma_import_report_text(m->rep, i));
            fputc('\n', f);
        }
    }
    fputc('\n', f);
}

static void put_domain_time(const pc_model *m, FILE *f) {
    char a[32], b[32];
    fputs("domain:\n", f);
    for (int d = 0; d < 3; d++)
        fprintf(f, "  %c: [%s, %s]\n", 'x' + d, num(m->lo[d], a), num(m->hi[d], b));
    fprintf(f, "  voxel: %s\n", num(m->voxel, a));
    fputs("time:\n", f);
    fprintf(f, "  end: %s\n", num(m->t_end, a));
    fprintf(f, "  dt_diffusion: %s\n", num(m->dt_diff, a));
    fprintf(f, "  dt_mechanics: %s\n", num(m->dt_mech, a));
    fprintf(f, "  dt_phenotype: %s\n", num(m->dt_phen, a));
    fprintf(f, "seed: %llu\n", (unsigned long long)m->seed);
}

/* What stroma does as PhysiCell only when told (docs/rules.md, docs/physicell-import.md). */
static void put_compatibility(const pc_model *m, FILE *f) {
    int dirichlet = 0;
    for (int s = 0; s < m->nsub; s++)
        for (int k = 0; k < 6; k++) dirichlet |= m->sub[s].face_on[k];
    if (dirichlet)
        fputs("boundary_convention: biofvm  # Dirichlet values set in the outermost voxels around each sweep, as BioFVM\n",
              f);
    fputs("transport: {solver: lod}  # BioFVM's LOD splitting (adi's fields would not depend on dt)\n", f);
    fputs("secretion_order: after_diffusion  # cells' sources and sinks after each diffusion solve, as BioFVM\n", f);
    fputs("rules_law: physicell  # several rules on one behaviour combine as in PhysiCell\n", f);
    fputs("contact_law: physicell  # attacks and engulfing as PhysiCell's standard interactions, each mechanics step\n",
          f);
    fputs("dead_uptake_fraction: 0.1  # a dying cell keeps 10% of its uptake (PhysiCell's Cell::start_death)\n", f);
}

static void put_substrates(const pc_model *m, FILE *f) {
    static const char *face[6] = {"x_min", "x_max", "y_min", "y_max", "z_min", "z_max"};
    char a[32], q[PC_SNAME + 2];
    fputs("substrates:\n", f);
    for (int s = 0; s < m->nsub; s++) {
        const pc_substrate *S = &m->sub[s];
        fprintf(f, "  %s:", yname(S->name, q));
        if (strcmp(S->name, S->pc_name) != 0) {
            fputs("  # PhysiCell \"", f);
            put_comment(f, S->pc_name);
            fputc('"', f);
        }
        fputs("\n", f);
        if (S->unit[0]) {
            fputs("    unit: ", f);
            put_quoted(f, S->unit);
            fputc('\n', f);
        }
        fprintf(f, "    diffusion: %s\n", num(S->diffusion, a));
        fprintf(f, "    decay: %s\n", num(S->decay, a));
        fprintf(f, "    initial: %s\n", num(S->initial, a));
        int any = 0;
        for (int k = 0; k < 6; k++)
            if (S->face_on[k]) {
                fprintf(f, "%s%s: %s", any ? ", " : "    boundary: {", face[k], num(S->face[k], a));
                any = 1;
            }
        if (any) fputs("}\n", f);
    }
}

static void put_type(const pc_model *m, FILE *f, int t) {
    const pc_type *T = &m->types[t];
    char a[32], b[32], c[32], q[PC_SNAME + 2];
    fprintf(f, "  %s:  # PhysiCell \"", yname(T->name, q));
    put_comment(f, T->pc_name);
    fprintf(f, "\", ID %d\n", T->id);
    fprintf(f, "    volume: %s\n", num(T->volume, a));
    if (T->vol_parts) {
        char d[32], e[32];
        fprintf(f,
                "    volume_parts: {fluid_fraction: %s, nuclear: %s, fluid_change_rate: %s, "
                "cytoplasmic_biomass_change_rate: %s, nuclear_biomass_change_rate: %s, double_at_phase: %d}\n",
                num(T->vol_fluid_fraction, a), num(T->vol_nuclear, b), num(T->vol_fluid_rate, c),
                num(T->biomass_rate, d), num(T->vol_nuclear_rate, e),
                T->cycle == PC_CYC_PHASES ? T->st_double_phase : 0);
    } else {
        fprintf(f, "    growth_rate: %s\n", num(T->biomass_rate, a));
    }
    if (T->cycle == PC_CYC_EXPONENTIAL) {
        fprintf(f, "    cycle: {model: exponential, duration: %s", num(T->cycle_dur, a));
    } else if (T->cycle == PC_CYC_PHASES) {
        fputs("    cycle: {model: phases, phases: [", f);
        for (int p = 0; p < T->st_nphases; p++)
            fprintf(f, "%s%s", p ? ", " : "", num(T->st_phase[p], a));
        fputs("], phase_kinds: [", f);
        for (int p = 0; p < T->st_nphases; p++)
            fprintf(f, "%s%s", p ? ", " : "", T->st_phase_exp[p] ? "exponential" : "fixed");
        fputs("]", f);
    } else {
        fputs("    cycle: {model: none", f);
    }
    /* asymmetric division: the daughter's other types (the own type's entry is the symmetric part) */
    int nasym = 0;
    for (int k = 0; T->asym_on && k < m->ntypes; k++)
        if (k != t && T->asym[k] > 0)
            fprintf(f, "%s%s: %s", nasym++ ? ", " : ", asymmetric_division: {", yname(m->types[k].name, q),
                    num(T->asym[k], a));
    fputs(nasym ? "}}\n" : "}\n", f);
    fputs("    death:\n", f);
    fprintf(f, "      apoptosis: {rate: %s, duration: %s%s}\n", num(T->apop_rate, a), num(T->apop_dur, b),
            T->apop_exp ? ", timing: exponential" : "");
    if (T->necrosis_block)
        fprintf(f,
                "      necrosis: {substrate: %s, threshold: 0, critical: 0, rate: %s, duration: %s%s}  # rate: base of "
                "the rules and per-cell values on necrosis\n",
                yname(m->sub[0].name, q), num(T->necr_rate, a), num(T->necr_dur, b),
                T->necr_exp ? ", timing: exponential" : "");
    if (T->damage_rate > 0 || T->damage_repair > 0) {
        fputs("    damage: {", f);
        if (T->damage_rate > 0) fprintf(f, "rate: %s", num(T->damage_rate, a));
        if (T->damage_repair > 0) fprintf(f, "%srepair: %s", T->damage_rate > 0 ? ", " : "", num(T->damage_repair, b));
        fputs("}\n", f);
    }
    fprintf(f, "    mechanics:\n      repulsion: %s\n      adhesion: %s\n      adhesion_distance: %s\n",
            num(T->repulsion, a), num(T->adhesion, b), num(T->adh_dist, c));
    int any = 0;
    for (int k = 0; k < m->ntypes; k++)
        if (T->affinity[k] != 1) {
            fprintf(f, "%s%s: %s", any ? ", " : "      affinity: {", yname(m->types[k].name, q),
                    num(T->affinity[k], a));
            any = 1;
        }
    if (any) fputs("}\n", f);
    if (T->motile) {
        fprintf(f, "    motility:\n      speed: %s\n      persistence: %s\n      bias: %s\n", num(T->speed, a),
                num(T->persistence, b), num(T->bias, c));
        if (T->chemo_sub >= 0)
            fprintf(f, "      chemotaxis: {substrate: %s, direction: %s}\n", yname(m->sub[T->chemo_sub].name, q),
                    T->chemo_dir < 0 ? "down" : "up");
        if (T->chemo_multi) {
            fputs("      chemotaxis:\n        sensitivities: {", f);
            int n = 0;
            for (int s = 0; s < m->nsub; s++)
                if (T->chemo_sens[s] != 0)
                    fprintf(f, "%s%s: %s", n++ ? ", " : "", yname(m->sub[s].name, q), num(T->chemo_sens[s], a));
            fprintf(f, "}\n        normalize_each: %s\n", T->chemo_norm ? "true" : "false");
        }
    }
    any = 0;
    for (int s = 0; s < m->nsub; s++) {
        int target = pc_writes_target(m, t, s);
        if (!(T->sec_rate[s] > 0) && !target && !(T->uptake[s] > 0) && T->export_rate[s] == 0) continue;
        if (!any) fputs("    secretion:\n", f);
        any = 1;
        fprintf(f, "      %s: {", yname(m->sub[s].name, q));
        int n = 0;
        if (T->sec_rate[s] > 0) fprintf(f, "%srate: %s", n++ ? ", " : "", num(T->sec_rate[s], a));
        if (target) fprintf(f, "%ssaturation: %s", n++ ? ", " : "", num(T->sec_target[s], a));
        if (T->uptake[s] > 0) fprintf(f, "%suptake: %s", n++ ? ", " : "", num(T->uptake[s], a));
        if (T->export_rate[s] != 0) fprintf(f, "%sexport: %s", n++ ? ", " : "", num(T->export_rate[s], a));
        fputs("}\n", f);
    }
    int transforms = 0;
    for (int k = 0; k < m->ntypes; k++)
        transforms |= T->transform[k] > 0;
    if (!T->attacks && !(T->st_attack_damage > 0) && !(T->phag_apop > 0) && !(T->phag_necr > 0) && !transforms) return;
    fputs("    interactions:\n", f);
    if (T->attacks) {
        any = 0;
        for (int k = 0; k < m->ntypes; k++)
            if (T->attack[k] > 0) {
                fprintf(f, "%s%s: %s", any ? ", " : "      attack: {", yname(m->types[k].name, q),
                        num(T->attack[k], a));
                any = 1;
            }
        if (any) fputs("}\n", f);
        fprintf(f, "      attachment_duration: %s\n", num(T->attack_duration > 0 ? T->attack_duration : 1e-9, a));
    }
    if (T->st_attack_damage > 0) fprintf(f, "      attack_damage: %s\n", num(T->st_attack_damage, a));
    if (T->phag_apop > 0) fprintf(f, "      phagocytosis_apoptotic: %s\n", num(T->phag_apop, a));
    if (T->phag_necr > 0) fprintf(f, "      phagocytosis_necrotic: %s\n", num(T->phag_necr, a));
    if (transforms) {
        any = 0;
        for (int k = 0; k < m->ntypes; k++)
            if (T->transform[k] > 0) {
                fprintf(f, "%s%s: %s", any ? ", " : "      transform: {", yname(m->types[k].name, q),
                        num(T->transform[k], a));
                any = 1;
            }
        fputs("}\n", f);
    }
}

static void put_state(const pc_model *m, FILE *f) {
    if (m->nvars == 0) return;
    char a[32], q[PC_SNAME + 2];
    fputs("state_variables:\n", f);
    for (int v = 0; v < m->nvars; v++) {
        const pc_var *V = &m->vars[v];
        fprintf(f, "  %s:", yname(V->name, q));
        int any = 0;
        for (int t = 0; t < m->ntypes; t++)
            if (V->has[t] && V->value[t] != 0) {
                fprintf(f, "%s%s: %s", any ? ", " : " {initial: {", yname(m->types[t].name, q), num(V->value[t], a));
                any = 1;
            }
        fputs(any ? "}}" : " {}", f);
        fputs("  # PhysiCell custom data \"", f);
        put_comment(f, V->pc_name);
        fputs("\"\n", f);
    }
}

static void put_initial(const pc_model *m, FILE *f, const char *cells_file) {
    if (m->cells_per_type <= 0 && !cells_file) return;
    char a[32], b[32], c[32], d[32], q[PC_SNAME + 2];
    fputs("initial_cells:\n", f);
    if (m->cells_per_type > 0) {
        double zlo = m->is2d ? 0 : m->lo[2], zhi = m->is2d ? 0 : m->hi[2];
        fputs("  # <number_of_cells> of every type, uniformly in the domain: the template project's setup_tissue()\n",
              f);
        for (int t = 0; t < m->ntypes; t++) {
            fprintf(f, "  - {type: %s, count: %ld, box: {lo: [%s, %s, ", yname(m->types[t].name, q), m->cells_per_type,
                    num(m->lo[0], a), num(m->lo[1], b));
            fprintf(f, "%s], hi: [%s, ", num(zlo, c), num(m->hi[0], d));
            fprintf(f, "%s, %s]}, cycle_start: synchronized}\n", num(m->hi[1], a), num(zhi, b));
        }
    }
    if (cells_file) {
        fputs("  - {file: ", f);
        put_quoted(f, cells_file);
        fputs(", cycle_start: synchronized}\n", f);
    }
}

static void put_rules(const pc_model *m, FILE *f) {
    if (m->nrules == 0) return;
    int n = 0;
    for (int i = 0; i < m->nrules; i++)
        n += m->rules[i].emit;
    char a[32], b[32], c[32], q[PC_SNAME + 2];
    fprintf(f, "rules:%s\n", n ? "" : " []");
    for (int i = 0; i < m->nrules; i++) {
        const pc_rule *r = &m->rules[i];
        fprintf(f, "  # %s%s:%d: ", r->emit ? "" : "NOT IMPORTED ", pc_basename(r->file), r->line);
        put_comment(f, r->src);
        if (!r->emit) {
            fputs("  -- ", f);
            put_comment(f, r->why);
        }
        fputc('\n', f);
        if (!r->emit) continue;
        fprintf(f, "  - {type: %s, signal: ", yname(m->types[r->type].name, q));
        put_quoted(f, r->signal);
        fprintf(f, ", direction: %s, behaviour: ", r->out_dir > 0 ? "increases" : "decreases");
        put_quoted(f, r->behaviour);
        fprintf(f, ", saturation: %s, half_max: %s, hill: %s%s}\n", num(r->out_sat, a), num(r->half, b),
                num(r->hill, c), r->dead ? ", apply_to_dead: true" : "");
    }
}

void pc_emit_yaml(const pc_model *m, FILE *f, const char *cells_file) {
    char a[32];
    put_header(m, f);
    put_domain_time(m, f);
    put_compatibility(m, f);
    put_substrates(m, f);
    fputs("cell_types:\n", f);
    for (int t = 0; t < m->ntypes; t++)
        put_type(m, f, t);
    put_state(m, f);
    put_initial(m, f, cells_file);
    put_rules(m, f);
    fputs("outputs:\n", f);
    if (m->out_every > 0) fprintf(f, "  every: %s\n", num(m->out_every, a));
    fputs("  cells: [csv]\n", f);
}

void pc_emit_cells(const pc_model *m, FILE *f) {
    char a[32], b[32], c[32];
    fputs("x,y,z,type", f);
    for (int k = 0; k < m->ncellcols; k++)
        fprintf(f, ",%s", m->cellcol[k].name);
    fputc('\n', f);
    for (int i = 0; i < m->ncells; i++) {
        const double *p = &m->cell_xyz[(size_t)i * 3];
        fprintf(f, "%s,%s,%s,%s", num(p[0], a), num(p[1], b), num(p[2], c), m->types[m->cell_type[i]].name);
        for (int k = 0; k < m->ncellcols; k++) {
            double v = m->cell_val[(size_t)i * (size_t)m->ncellcols + (size_t)k];
            fprintf(f, ",%s", isnan(v) ? "skip" : num(v, a));
        }
        fputc('\n', f);
    }
}
