/* Preprocessing recipes: the framework chains replayed step by step.
 *
 * torchvision 0.14 (transforms/functional.py):
 *   Resize(s)       _compute_resized_output_size: short -> s, long -> int(s * long / short);
 *                   PIL resize, skipped when the size already matches
 *   CenterCrop(c)   pad with 0 (left/top (c - w) // 2, right/bottom (c - w + 1) // 2) when
 *                   smaller, then offsets int(round((h - c) / 2.0)) (round half to even)
 *   ToTensor        float32(v).div(255)
 *   Normalize       tensor.sub_(mean).div_(std), mean/std as float32 tensors
 * keras-applications 1.0.8 (imagenet_utils._preprocess_numpy_input) on
 * keras_preprocessing load_img(target_size) + img_to_array(float32):
 *   caffe   x[..., ::-1]; x[..., c] -= mean[c]      (float32 ops, numpy scalar cast)
 *   tf      x /= 127.5; x -= 1.
 *   torch   x /= 255.; x[..., c] -= mean[c]; x[..., c] /= std[c]
 * Every float result depends only on (channel, uint8 value), so each recipe
 * is a 3 x 256 table built with the same float32 operations in the same
 * order (normalize.c); the tests compare all 768 entries with torch and numpy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "image/image.h"

static const char *const filter_names[ZB_FILTER_COUNT] = {
    [ZB_FILTER_NEAREST] = "nearest", [ZB_FILTER_BOX] = "box",         [ZB_FILTER_BILINEAR] = "bilinear",
    [ZB_FILTER_HAMMING] = "hamming", [ZB_FILTER_BICUBIC] = "bicubic", [ZB_FILTER_LANCZOS] = "lanczos",
};

int zb_filter_from_name(const char *name)
{
    for (int i = 0; i < ZB_FILTER_COUNT; i++)
        if (!strcmp(name, filter_names[i]))
            return i;
    return -1;
}

const char *zb_filter_name(zb_filter f) { return (unsigned)f < ZB_FILTER_COUNT ? filter_names[f] : "?"; }

/* Python's float floor division a // b (Objects/floatobject.c). */
static double py_floordiv(double vx, double wx)
{
    double mod = fmod(vx, wx);
    double div = (vx - mod) / wx;
    if (mod != 0.0 && ((wx < 0) != (mod < 0)))
        div -= 1.0;
    if (div == 0.0)
        return copysign(0.0, vx / wx);
    double fl = floor(div);
    if (div - fl > 0.5)
        fl += 1.0;
    return fl;
}

zb_status zb_recipe_set_crop_pct(zb_recipe *r, double pct)
{
    if (!(pct > 0.0 && pct <= 1.0))
        return zb_error(ZB_ERR_ARG, "recipe: crop_pct must be in (0, 1], got %g", pct);
    double s = py_floordiv((double)r->crop, pct);
    if (s > 65536)
        return zb_error(ZB_ERR_ARG, "recipe: crop %d / crop_pct %g is too large", r->crop, pct);
    r->crop_pct = pct;
    r->resize_size = (int)s;
    return ZB_OK;
}

zb_status zb_recipe_preset(const char *name, int size, zb_recipe *r)
{
    static const struct {
        const char *name;
        zb_resize_mode resize;
        zb_filter filter;
        zb_crop_mode crop_mode;
        double crop_pct;
        zb_norm norm;
    } presets[] = {
        {"torchvision", ZB_RESIZE_SHORTER, ZB_FILTER_BILINEAR, ZB_CROP_TORCHVISION, 0.875, ZB_NORM_TORCHVISION},
        {"seed-torchvision", ZB_RESIZE_SHORTER, ZB_FILTER_BILINEAR, ZB_CROP_ROUND, 0.0, ZB_NORM_TORCHVISION},
        {"keras-caffe", ZB_RESIZE_SQUASH, ZB_FILTER_NEAREST, ZB_CROP_TORCHVISION, 1.0, ZB_NORM_CAFFE},
        {"keras-tf", ZB_RESIZE_SQUASH, ZB_FILTER_NEAREST, ZB_CROP_TORCHVISION, 1.0, ZB_NORM_TF},
        {"keras-torch", ZB_RESIZE_SQUASH, ZB_FILTER_NEAREST, ZB_CROP_TORCHVISION, 1.0, ZB_NORM_KERAS_TORCH},
        {"keras-raw", ZB_RESIZE_SQUASH, ZB_FILTER_NEAREST, ZB_CROP_TORCHVISION, 1.0, ZB_NORM_NONE},
        {"seed-keras-caffe", ZB_RESIZE_SEED_KERAS, ZB_FILTER_BILINEAR, ZB_CROP_FLOOR, 0.875, ZB_NORM_CAFFE},
        {"seed-keras-tf", ZB_RESIZE_SEED_KERAS, ZB_FILTER_BILINEAR, ZB_CROP_FLOOR, 0.875, ZB_NORM_TF},
        {"seed-keras-torch", ZB_RESIZE_SEED_KERAS, ZB_FILTER_BILINEAR, ZB_CROP_FLOOR, 0.875, ZB_NORM_KERAS_TORCH},
    };
    memset(r, 0, sizeof *r);
    if (size == 0)
        size = 224;
    if (size < 1 || size > 4096)
        return zb_error(ZB_ERR_ARG, "recipe: size %d is outside [1, 4096]", size);
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        if (strcmp(name, presets[i].name))
            continue;
        r->resize = presets[i].resize;
        r->filter = presets[i].filter;
        r->crop_mode = presets[i].crop_mode;
        r->norm = presets[i].norm;
        r->crop = size;
        if (presets[i].crop_pct == 0.0) { /* the seed's Resize(256) whatever the crop */
            r->crop_pct = (double)size / 256;
            r->resize_size = 256;
            return ZB_OK;
        }
        return zb_recipe_set_crop_pct(r, presets[i].crop_pct);
    }
    return zb_error(ZB_ERR_ARG,
                    "recipe: unknown recipe '%s' (torchvision, seed-torchvision, keras-caffe, keras-tf, keras-torch, keras-raw, "
                    "seed-keras-caffe, seed-keras-tf, seed-keras-torch)",
                    name);
}

size_t zb_recipe_output_count(const zb_recipe *r) { return (size_t)r->crop * r->crop * 3; }

/* int(round(d / 2.0)) in Python 3: halves go to the even neighbour, also
 * below zero (round(-21.5) == -22). */
static int round_half_even_div2(int d)
{
    int q = d >= 0 ? d / 2 : -((-d + 1) / 2); /* floor(d / 2) */
    if ((d & 1) && (q & 1))
        q++;
    return q;
}

/* Output size of the resize and the crop box (in resized coordinates) for a
 * w x h source. */
typedef struct geometry {
    int nw, nh, left, top;
} geometry;

static zb_status recipe_geometry(const zb_recipe *r, long long w, long long h, geometry *g)
{
    if (r->crop < 1 || r->resize_size < 1 || (unsigned)r->filter >= ZB_FILTER_COUNT)
        return zb_error(ZB_ERR_ARG, "recipe: invalid recipe");
    long long nw, nh;
    switch (r->resize) {
    case ZB_RESIZE_SHORTER: {
        long long s = w <= h ? w : h, l = w <= h ? h : w;
        long long ns = r->resize_size, nl = (long long)((double)(ns * l) / (double)s);
        nw = w <= h ? ns : nl;
        nh = w <= h ? nl : ns;
        break;
    }
    case ZB_RESIZE_SQUASH:
        nw = nh = r->resize_size;
        break;
    case ZB_RESIZE_SEED_KERAS: {
        long long m = w < h ? w : h;
        nw = (long long)((double)(w * r->crop) / r->crop_pct) / m;
        nh = (long long)((double)(h * r->crop) / r->crop_pct) / m;
        break;
    }
    default:
        return zb_error(ZB_ERR_ARG, "recipe: invalid resize mode");
    }
    if (nw < 1 || nh < 1 || nw > ZB_IMAGE_MAX_SIDE || nh > ZB_IMAGE_MAX_SIDE)
        return zb_error(ZB_ERR_ARG, "recipe: resize of %lldx%lld gives %lldx%lld", w, h, nw, nh);
    const int c = r->crop;
    g->nw = (int)nw;
    g->nh = (int)nh;
    if (r->crop_mode == ZB_CROP_FLOOR) {
        g->left = g->nw / 2 - c / 2;
        g->top = g->nh / 2 - c / 2;
    } else if (r->crop_mode == ZB_CROP_ROUND) {
        g->left = round_half_even_div2(g->nw - c);
        g->top = round_half_even_div2(g->nh - c);
    } else {
        /* Padding keeps the image centred; offsets are then relative to the padded image. */
        int pl = c > g->nw ? (c - g->nw) / 2 : 0;
        int pt = c > g->nh ? (c - g->nh) / 2 : 0;
        int pr = c > g->nw ? (c - g->nw + 1) / 2 : 0;
        int pb = c > g->nh ? (c - g->nh + 1) / 2 : 0;
        g->left = round_half_even_div2(g->nw + pl + pr - c) - pl;
        g->top = round_half_even_div2(g->nh + pt + pb - c) - pt;
    }
    return ZB_OK;
}

zb_status zb_recipe_apply_u8(const zb_recipe *r, const zb_image *in, zb_image *out)
{
    memset(out, 0, sizeof *out);
    geometry g;
    zb_status st = recipe_geometry(r, in->width, in->height, &g);
    if (st != ZB_OK)
        return st;
    /* Resize (skipped by torchvision and keras when the size already matches:
     * Pillow's resize to the same size is a copy anyway) fused with the crop. */
    return zb_image_resize_crop(in, g.nw, g.nh, r->filter, g.left, g.top, r->crop, r->crop, out);
}

/* Source pixels [a0, a1) of an n_in-long axis that output pixels [o0, o1) of
 * an n_out-long resize read, with a margin: the filter bounds are
 * center +- support with center = (o + 0.5) * scale (Resample.c), NEAREST reads
 * floor((o + 0.5) * scale).  Rounding is covered by 2 extra pixels. */
static void source_span(int n_in, int n_out, int o0, int o1, zb_filter f, int *a0, int *a1)
{
    if (n_in == n_out) {
        *a0 = o0;
        *a1 = o1;
        return;
    }
    static const double support[ZB_FILTER_COUNT] = {0.0, 0.5, 1.0, 1.0, 2.0, 3.0};
    double scale = (double)n_in / n_out, fs = scale < 1.0 ? 1.0 : scale;
    double sup = support[f] * fs;
    double lo = (o0 + 0.5) * scale - sup - 2, hi = (o1 - 0.5) * scale + sup + 3;
    *a0 = lo < 0 ? 0 : (int)lo;
    *a1 = hi > n_in ? n_in : (int)hi;
}

/* zb_need_fn for zb_preprocess: the source box the recipe's crop reads. */
static void recipe_need(void *ctx, int w, int h, zb_box *need)
{
    const zb_recipe *r = ctx;
    geometry g;
    *need = (zb_box){0, 0, w, h};
    if (recipe_geometry(r, w, h, &g) != ZB_OK)
        return;
    int x0 = g.left < 0 ? 0 : g.left, y0 = g.top < 0 ? 0 : g.top;
    int x1 = g.left + r->crop > g.nw ? g.nw : g.left + r->crop;
    int y1 = g.top + r->crop > g.nh ? g.nh : g.top + r->crop;
    if (x0 >= x1 || y0 >= y1)
        return;
    source_span(w, g.nw, x0, x1, r->filter, &need->x0, &need->x1);
    source_span(h, g.nh, y0, y1, r->filter, &need->y0, &need->y1);
}

/* The recipe on an image decoded with recipe_need (decode status st). */
static zb_status apply_decoded(const zb_recipe *r, const char *name, zb_status st, zb_image *im, zb_image *out)
{
    if (st != ZB_OK)
        return st;
    st = zb_recipe_apply_u8(r, im, out);
    zb_image_free(im);
    if (st != ZB_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", zb_last_error());
        return zb_error(st, "%s: %s", name, why);
    }
    return ZB_OK;
}

/* The recipe's float input from an image decoded with recipe_need (decode
 * status st), which it frees. */
static zb_status finish_f32(const zb_recipe *r, const char *name, zb_status st, zb_image *im, zb_layout layout,
                            float *out)
{
    if (st != ZB_OK)
        return st;
    geometry g;
    int *map = NULL;
    /* on a geometry error apply_decoded reports it (with the file's name) */
    if (recipe_geometry(r, im->width, im->height, &g) == ZB_OK &&
        (map = malloc(2 * (size_t)r->crop * sizeof *map)) != NULL &&
        zb_image_select_maps(im, g.nw, g.nh, r->filter, g.left, g.top, r->crop, r->crop, map, map + r->crop)) {
        zb_recipe_normalize_select(r, im, map, map + r->crop, r->crop, r->crop, layout, out);
        free(map);
        zb_image_free(im);
        return ZB_OK;
    }
    free(map);
    zb_image crop;
    if ((st = apply_decoded(r, name, st, im, &crop)) != ZB_OK)
        return st;
    zb_recipe_normalize(r, &crop, layout, out);
    zb_image_free(&crop);
    return ZB_OK;
}

zb_status zb_recipe_decode_mem_f32(const zb_recipe *r, const char *name, const void *buf, size_t len,
                                   zb_layout layout, float *out)
{
    zb_image im = {0};
    zb_status st = zb_image_decode_mem_need(name, buf, len, recipe_need, (void *)r, &im);
    return finish_f32(r, name, st, &im, layout, out);
}

zb_status zb_recipe_decode_u8(const zb_recipe *r, const char *path, zb_image *out)
{
    zb_image im = {0};
    memset(out, 0, sizeof *out);
    zb_status st = zb_image_decode_file_need(path, recipe_need, (void *)r, &im);
    return apply_decoded(r, path, st, &im, out);
}

zb_status zb_recipe_decode_mem_u8(const zb_recipe *r, const char *name, const void *buf, size_t len, zb_image *out)
{
    zb_image im = {0};
    memset(out, 0, sizeof *out);
    zb_status st = zb_image_decode_mem_need(name, buf, len, recipe_need, (void *)r, &im);
    return apply_decoded(r, name, st, &im, out);
}

zb_status zb_preprocess(const char *path, const zb_recipe *r, zb_layout layout, float *out)
{
    zb_image im = {0};
    zb_status st = zb_image_decode_file_need(path, recipe_need, (void *)r, &im);
    return finish_f32(r, path, st, &im, layout, out);
}
