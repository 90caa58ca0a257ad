/* The recipes' last step: uint8 RGB HWC -> float32 model input.
 *
 * Every float result depends only on (output channel, byte), so each
 * normalization is a 3 x 256 table built with the same float32 operations
 * in the same order as torchvision / keras-applications (see recipe.c); the
 * tests compare all 768 entries with torch and numpy.  The tables are built
 * once per process.  Applying one is a plain loop, one pixel at a time:
 * AVX2 gathers were no faster on the development machine (microcode
 * mitigations make them slow on current Intel parts), and an AVX2 loop
 * redoing the arithmetic saved 3% of the keras-caffe recipe's time. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

/* The float32 value of output channel `ch` for byte v, op for op. */
static float norm_value(zb_norm n, int ch, int v)
{
    static const float tv_mean[3] = {0.485f, 0.456f, 0.406f}, tv_std[3] = {0.229f, 0.224f, 0.225f};
    static const float caffe_mean_bgr[3] = {103.939f, 116.779f, 123.68f};
    volatile float x = (float)v; /* volatile: one float32 rounding per op, as numpy/torch */
    switch (n) {
    case ZB_NORM_TORCHVISION:
    case ZB_NORM_KERAS_TORCH:
        x = x / 255.0f;
        x = x - tv_mean[ch];
        x = x / tv_std[ch];
        return x;
    case ZB_NORM_CAFFE:
        /* Output channel ch holds input channel 2 - ch (BGR). */
        return x - caffe_mean_bgr[ch];
    case ZB_NORM_TF:
        x = x / 127.5f;
        x = x - 1.0f;
        return x;
    default:
        return x;
    }
}

static float tables[ZB_NORM_COUNT][3 * 256]; /* [norm][output channel * 256 + byte] */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_build(void)
{
    for (int n = 0; n < ZB_NORM_COUNT; n++)
        for (int ch = 0; ch < 3; ch++)
            for (int v = 0; v < 256; v++)
                tables[n][ch * 256 + v] = norm_value((zb_norm)n, ch, v);
}

/* The table of norm n (unknown kinds map to the identity, ZB_NORM_NONE). */
static const float *norm_table(zb_norm n)
{
    pthread_once(&tables_once, tables_build);
    return tables[(unsigned)n < ZB_NORM_COUNT ? n : ZB_NORM_NONE];
}

void zb_recipe_normalize_select(const zb_recipe *r, const zb_image *in, const int *xmap, const int *ymap, int cw,
                                int chh, zb_layout layout, float *out)
{
    const float *lut = norm_table(r->norm);
    const float *l0 = lut, *l1 = lut + 256, *l2 = lut + 512;
    const int bgr = r->norm == ZB_NORM_CAFFE, s0 = bgr ? 2 : 0, s2 = bgr ? 0 : 2;
    static const uint8_t zero[3] = {0, 0, 0};
    const size_t n = (size_t)cw * chh;
    int holes = 0;   /* a column outside the source: those pixels are 0 */
    for (int x = 0; x < cw; x++)
        holes |= xmap[x] < 0;
    for (int y = 0; y < chh; y++) {
        const uint8_t *row = ymap[y] < 0 ? NULL : in->data + (size_t)ymap[y] * in->width * 3;
        if (layout == ZB_LAYOUT_NCHW) {
            float *o0 = out + (size_t)y * cw, *o1 = o0 + n, *o2 = o1 + n;
            for (int x = 0; x < cw; x++) {
                const uint8_t *p = row && (!holes || xmap[x] >= 0) ? row + (size_t)xmap[x] * 3 : zero;
                o0[x] = l0[p[s0]];
                o1[x] = l1[p[1]];
                o2[x] = l2[p[s2]];
            }
        } else {
            float *o = out + (size_t)y * cw * 3;
            for (int x = 0; x < cw; x++, o += 3) {
                const uint8_t *p = row && (!holes || xmap[x] >= 0) ? row + (size_t)xmap[x] * 3 : zero;
                o[0] = l0[p[s0]];
                o[1] = l1[p[1]];
                o[2] = l2[p[s2]];
            }
        }
    }
}

void zb_recipe_normalize(const zb_recipe *r, const zb_image *crop, zb_layout layout, float *out)
{
    const float *lut = norm_table(r->norm);
    const float *l0 = lut, *l1 = lut + 256, *l2 = lut + 512;
    /* Output channel 0 reads input channel s0, 1 reads 1, 2 reads s2. */
    const int bgr = r->norm == ZB_NORM_CAFFE, s0 = bgr ? 2 : 0, s2 = bgr ? 0 : 2;
    const size_t n = (size_t)crop->width * crop->height;
    const uint8_t *p = crop->data;
    if (layout == ZB_LAYOUT_NCHW) {
        float *o0 = out, *o1 = out + n, *o2 = out + 2 * n;
        for (size_t i = 0; i < n; i++, p += 3) {
            o0[i] = l0[p[s0]];
            o1[i] = l1[p[1]];
            o2[i] = l2[p[s2]];
        }
    } else {
        for (size_t i = 0; i < n; i++, p += 3, out += 3) {
            out[0] = l0[p[s0]];
            out[1] = l1[p[1]];
            out[2] = l2[p[s2]];
        }
    }
}
