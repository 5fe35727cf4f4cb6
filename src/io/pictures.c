/* The tissue pictures of a run as one set (see pictures.h): one colour scale, names in time order, WebP. */
#define _XOPEN_SOURCE 700
#include "io/pictures.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "io/draw.h"
#include "io/render.h"
#include "util/error_impl.h"

void stroma_pictures_init(stroma_pictures *p, const stroma_model *model, int field, int width_px,
                          double every_min, double end_min) {
    memset(p, 0, sizeof *p);
    if (field >= model->nsub) field = -1; /* a model without substrates: no heat map */
    stroma_tissue_style_init(&p->style, model, field, width_px);
    p->fixed_lo = p->fixed_hi = NAN;
    if (model->output_images_range_set && field >= 0 && field == model->output_images_field) {
        p->fixed_lo = model->output_images_range[0];
        p->fixed_hi = model->output_images_range[1];
    }
    stroma_time_name_format(every_min, end_min, &p->name_width, &p->name_decimals);
}

void stroma_pictures_free(stroma_pictures *p) {
    for (size_t k = 0; k < p->n; k++) stroma_tissue_frame_free(&p->frames[k]);
    free(p->frames);
    p->frames = NULL;
    p->n = p->cap = 0;
}

stroma_code stroma_pictures_add(stroma_pictures *p, stroma_tissue_frame *fr, stroma_error *err) {
    if (p->n == p->cap) {
        size_t nc = p->cap ? 2 * p->cap : 16;
        stroma_tissue_frame *q = realloc(p->frames, nc * sizeof *q);
        if (!q) {
            stroma_tissue_frame_free(fr);
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory keeping the tissue pictures");
        }
        p->frames = q;
        p->cap = nc;
    }
    p->frames[p->n++] = *fr;
    memset(fr, 0, sizeof *fr);
    return STROMA_OK;
}

stroma_code stroma_pictures_add_sim(stroma_pictures *p, const stroma_sim *sim, stroma_error *err) {
    stroma_tissue_frame fr;
    stroma_code rc = stroma_tissue_frame_from_sim(&p->style, sim, &fr, err);
    if (rc != STROMA_OK) return rc;
    p->style.vessels = fr.vessel != NULL;
    p->style.ecm = fr.ecm != NULL;
    return stroma_pictures_add(p, &fr, err);
}

void stroma_pictures_name(const stroma_pictures *p, double t_min, char *buf, size_t cap) {
    char num[64];
    stroma_time_name(num, sizeof num, t_min, p->name_width, p->name_decimals);
    snprintf(buf, cap, "images/tissue_%s.png", num);
}

/* The heat map's range over every frame (or the fixed one), and the colour-by value's over the live cells. */
static void pictures_ranges(stroma_pictures *p) {
    stroma_tissue_style *st = &p->style;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < p->n; k++) {
        double a, b;
        stroma_tissue_frame_range(&p->frames[k], &a, &b);
        if (a < lo) lo = a;
        if (b > hi) hi = b;
    }
    if (!(lo <= hi)) lo = hi = 0;
    if (p->fixed_lo < p->fixed_hi) {
        st->lo = p->fixed_lo;
        st->hi = p->fixed_hi;
    } else {
        st->lo = lo < 0 ? lo : 0;
        st->hi = hi > st->lo ? hi : st->lo;
        stroma_nice_range(&st->lo, &st->hi, 6);
    }
    double vlo = INFINITY, vhi = -INFINITY;
    for (size_t k = 0; k < p->n; k++) {
        const stroma_tissue_frame *fr = &p->frames[k];
        for (size_t i = 0; fr->value && i < fr->ncells; i++) {
            double v = fr->value[i];
            if (fr->state[i] != STROMA_CELL_LIVE || !isfinite(v)) continue;
            if (v < vlo) vlo = v;
            if (v > vhi) vhi = v;
        }
    }
    if (!(vlo <= vhi)) vlo = vhi = 0;
    st->value_lo = vlo;
    st->value_hi = vhi;
    stroma_nice_range(&st->value_lo, &st->value_hi, 6);
}

/* Each picture's duration in the animation, ms: 10 s for the whole run, 0.1 s to 1 s each. */
static int pictures_frame_ms(size_t n) {
    double ms = n ? 10000.0 / (double)n : 1000;
    return ms < 100 ? 100 : ms > 1000 ? 1000 : (int)lround(ms);
}

/* Add a drawn picture to the animation (created on the first). Returns 0, or -1 (libwebp failed). */
static int pictures_anim_add(WebPAnimEncoder **enc, cairo_surface_t *s, int timestamp_ms) {
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    if (!*enc) {
        WebPAnimEncoderOptions opt;
        if (!WebPAnimEncoderOptionsInit(&opt)) return -1;
        opt.anim_params.loop_count = 0; /* forever */
        opt.anim_params.bgcolor = 0xFFFFFFFFu;
        *enc = WebPAnimEncoderNew(w, h, &opt);
        if (!*enc) return -1;
    }
    WebPConfig config;
    WebPPicture pic;
    if (!WebPConfigInit(&config) || !WebPPictureInit(&pic)) return -1;
    config.lossless = 1;
    config.method = 1;   /* fast; the pictures are flat colours and compress well anyway */
    config.quality = 25; /* lossless: the effort, not the fidelity */
    config.thread_level = 0;
    pic.use_argb = 1;
    pic.width = w;
    pic.height = h;
    cairo_surface_flush(s);
    /* cairo's RGB24 is a native-endian 0xXXRRGGBB word: BGRX bytes on a little-endian machine */
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    int ok = WebPPictureAlloc(&pic);
    if (ok) {
        for (int y = 0; y < h; y++) {
            const uint32_t *row = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
            for (int x = 0; x < w; x++) pic.argb[(size_t)y * (size_t)pic.argb_stride + (size_t)x] = 0xFF000000u | row[x];
        }
        ok = WebPAnimEncoderAdd(*enc, &pic, timestamp_ms, &config);
    }
    WebPPictureFree(&pic);
    return ok ? 0 : -1;
}

/* Remove images/tissue_<time>.png files of an earlier drawing that are not in this set. */
static stroma_code pictures_prune(stroma_outdir *od, const stroma_pictures *p, stroma_error *err) {
    char dir[1400];
    snprintf(dir, sizeof dir, "%s/images", od->path);
    DIR *d = opendir(dir);
    if (!d) return STROMA_OK;
    struct dirent *e;
    stroma_code rc = STROMA_OK;
    while (rc == STROMA_OK && (e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t n = strlen(name);
        double t;
        if (n < 12 || strncmp(name, "tissue_", 7) != 0 || strcmp(name + n - 4, ".png") != 0 ||
            stroma_time_name_parse(name + 7, n - 11, &t) != 0)
            continue;
        int keep = 0;
        char rel[256];
        for (size_t k = 0; k < p->n && !keep; k++) {
            stroma_pictures_name(p, p->frames[k].time_min, rel, sizeof rel);
            keep = strcmp(rel + 7, name) == 0;
        }
        if (keep) continue;
        char path[1700];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (unlink(path) != 0 && errno != ENOENT)
            rc = stroma_error_set(err, STROMA_ERR_IO, "cannot remove the earlier picture '%s': %s", path,
                                  strerror(errno));
    }
    closedir(d);
    return rc;
}

stroma_code stroma_pictures_write(stroma_outdir *od, stroma_pictures *p, int prune, stroma_error *err) {
    if (p->n == 0) return prune ? pictures_prune(od, p, err) : STROMA_OK;
    pictures_ranges(p);
    /* the animation: every picture, or STROMA_ANIMATION_FRAMES of them evenly spread (first and last included) */
    const size_t nanim = p->n < STROMA_ANIMATION_FRAMES ? p->n : STROMA_ANIMATION_FRAMES;
    const int frame_ms = pictures_frame_ms(nanim);
    size_t janim = 0;
    WebPAnimEncoder *enc = NULL;
    stroma_code rc = STROMA_OK;
    int anim_bad = 0;
    for (size_t k = 0; k < p->n && rc == STROMA_OK; k++) {
        cairo_surface_t *s = stroma_tissue_draw(&p->style, &p->frames[k], err);
        if (!s) {
            rc = err ? err->code : STROMA_ERR_NOMEM;
            break;
        }
        char rel[256];
        stroma_pictures_name(p, p->frames[k].time_min, rel, sizeof rel);
        FILE *f = stroma_outdir_open(od, rel, err);
        if (!f) {
            rc = err ? err->code : STROMA_ERR_IO;
        } else {
            int bad = stroma_draw_png_file(s, f);
            rc = stroma_outdir_close(od, f, rel, err);
            if (rc == STROMA_OK && bad) rc = stroma_error_set(err, STROMA_ERR_IO, "encoding '%s' as PNG failed", rel);
        }
        size_t pick = nanim > 1 ? (size_t)llround((double)janim * (double)(p->n - 1) / (double)(nanim - 1)) : p->n - 1;
        if (rc == STROMA_OK && !anim_bad && janim < nanim && k == pick)
            anim_bad = pictures_anim_add(&enc, s, (int)(janim++) * frame_ms);
        cairo_surface_destroy(s);
    }
    WebPData data;
    WebPDataInit(&data);
    if (rc == STROMA_OK && !anim_bad &&
        (!WebPAnimEncoderAdd(enc, NULL, (int)nanim * frame_ms, NULL) || !WebPAnimEncoderAssemble(enc, &data)))
        anim_bad = 1;
    if (rc == STROMA_OK && anim_bad)
        rc = stroma_error_set(err, STROMA_ERR_NOMEM, "encoding images/tissue.webp failed%s%s",
                              enc ? ": " : "", enc ? WebPAnimEncoderGetError(enc) : "");
    if (rc == STROMA_OK) rc = stroma_outdir_write(od, "images/tissue.webp", data.bytes, data.size, err);
    WebPDataClear(&data);
    if (enc) WebPAnimEncoderDelete(enc);
    if (rc == STROMA_OK && prune) rc = pictures_prune(od, p, err);
    return rc;
}

/* ---- checkpoint section ---- */

static void put_f64s(stroma_buf *b, const double *v, size_t n) { stroma_buf_put(b, v, n * sizeof *v); }

void stroma_pictures_save(const stroma_pictures *p, stroma_buf *b) {
    stroma_buf_put_u64(b, (uint64_t)p->n);
    for (size_t k = 0; k < p->n; k++) {
        const stroma_tissue_frame *fr = &p->frames[k];
        size_t np = (size_t)fr->na * (size_t)fr->nb;
        stroma_buf_put_f64(b, fr->time_min);
        stroma_buf_put_u32(b, (fr->field ? 1u : 0u) | (fr->vessel ? 2u : 0u) | (fr->ecm ? 4u : 0u) |
                                  (fr->positive ? 8u : 0u));
        stroma_buf_put_u64(b, (uint64_t)fr->ncells);
        if (fr->field) put_f64s(b, fr->field, np);
        if (fr->vessel) put_f64s(b, fr->vessel, np);
        if (fr->ecm) put_f64s(b, fr->ecm, np);
        put_f64s(b, fr->x, fr->ncells);
        put_f64s(b, fr->y, fr->ncells);
        put_f64s(b, fr->r, fr->ncells);
        stroma_buf_put(b, fr->type, fr->ncells * sizeof *fr->type);
        stroma_buf_put(b, fr->state, fr->ncells);
        if (fr->positive) stroma_buf_put(b, fr->positive, fr->ncells);
        for (int t = 0; t < p->style.model->ntypes; t++) stroma_buf_put_i64(b, fr->live[t]);
        stroma_buf_put_i64(b, fr->stained[0]);
        stroma_buf_put_i64(b, fr->stained[1]);
    }
}

static int get_f64s(stroma_reader *r, double *v, size_t n, int finite) {
    if (n > (r->len - r->pos) / sizeof *v) return -1;
    stroma_reader_get(r, v, n * sizeof *v);
    for (size_t i = 0; finite && i < n; i++)
        if (!isfinite(v[i])) return -1;
    return r->bad ? -1 : 0;
}

stroma_code stroma_pictures_load(stroma_pictures *p, stroma_reader *r, double t_now, stroma_error *err) {
    stroma_pictures_free(p);
    uint64_t n = stroma_reader_u64(r);
    if (r->bad || n > r->len - r->pos)
        return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint pictures section is truncated");
    const stroma_model *m = p->style.model;
    stroma_tissue_geom g;
    stroma_tissue_geom_of(&p->style.mesh, &g);
    for (uint64_t k = 0; k < n; k++) {
        double t = stroma_reader_f64(r);
        uint32_t flags = stroma_reader_u32(r);
        uint64_t nc = stroma_reader_u64(r);
        /* a cell takes 30 bytes at least, so a count the rest cannot hold is refused before allocating */
        int bad = r->bad || !(t >= 0) || t > t_now || (p->n > 0 && !(t > p->frames[p->n - 1].time_min)) ||
                  flags > 15 || ((flags & 1u) != 0) != (p->style.field >= 0) ||
                  ((flags & 8u) != 0) != (p->style.marker >= 0) || nc > (r->len - r->pos) / 30;
        if (bad)
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint pictures section: picture %llu is malformed",
                                    (unsigned long long)k);
        stroma_tissue_style st = p->style;
        st.vessels = (flags & 2u) != 0;
        st.ecm = (flags & 4u) != 0;
        st.color_by[0] = '\0';
        stroma_tissue_frame fr;
        if (stroma_tissue_frame_alloc(&fr, &st, (size_t)nc))
            return stroma_error_set(err, STROMA_ERR_NOMEM, "out of memory loading the pictures");
        fr.time_min = t;
        fr.ncells = (size_t)nc;
        size_t np = (size_t)fr.na * (size_t)fr.nb;
        bad = (fr.field && get_f64s(r, fr.field, np, 1)) || (fr.vessel && get_f64s(r, fr.vessel, np, 1)) ||
              (fr.ecm && get_f64s(r, fr.ecm, np, 1));
        bad = bad || get_f64s(r, fr.x, fr.ncells, 1) || get_f64s(r, fr.y, fr.ncells, 1) ||
              get_f64s(r, fr.r, fr.ncells, 1);
        if (!bad) {
            stroma_reader_get(r, fr.type, fr.ncells * sizeof *fr.type);
            stroma_reader_get(r, fr.state, fr.ncells);
            if (fr.positive) stroma_reader_get(r, fr.positive, fr.ncells);
        }
        for (size_t i = 0; !bad && i < fr.ncells; i++)
            bad = fr.type[i] < 0 || fr.type[i] >= m->ntypes || fr.state[i] > STROMA_CELL_NECROTIC || !(fr.r[i] >= 0) ||
                  (fr.positive && fr.positive[i] > 1);
        for (int ty = 0; ty < m->ntypes; ty++) {
            fr.live[ty] = stroma_reader_i64(r);
            bad = bad || fr.live[ty] < 0;
        }
        fr.stained[0] = stroma_reader_i64(r);
        fr.stained[1] = stroma_reader_i64(r);
        bad = bad || r->bad || fr.stained[0] < 0 || fr.stained[1] < 0;
        if (bad) {
            stroma_tissue_frame_free(&fr);
            return stroma_error_set(err, STROMA_ERR_ARGUMENT, "checkpoint pictures section: picture %llu is malformed",
                                    (unsigned long long)k);
        }
        p->style.vessels = st.vessels;
        p->style.ecm = st.ecm;
        stroma_code rc = stroma_pictures_add(p, &fr, err);
        if (rc != STROMA_OK) return rc;
    }
    return STROMA_OK;
}
