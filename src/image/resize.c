/* Image resizing, mirroring Pillow 9.4 src/libImaging/Resample.c (the
 * antialiased fixed-point 8-bit path) and, for NEAREST, _imaging.c _resize
 * -> Geometry.c ImagingScaleAffine.
 *
 * Bit-exactness rests on doing the same arithmetic in the same order:
 * double filter weights from the same libm, normalised per output pixel,
 * rounded to 22-bit fixed point, int32 accumulation starting at 1/2, and
 * the final >> 22 clamped to 0..255.  Both passes read RGB triplets here
 * where Pillow reads 4-byte pixels; each channel is computed independently,
 * so the layout does not change any value. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "image/image.h"

#define PRECISION_BITS (32 - 8 - 2)

typedef double (*filter_fn)(double x);

static double box_filter(double x)
{
    if (x > -0.5 && x <= 0.5)
        return 1.0;
    return 0.0;
}

static double bilinear_filter(double x)
{
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return 1.0 - x;
    return 0.0;
}

static double hamming_filter(double x)
{
    if (x < 0.0)
        x = -x;
    if (x == 0.0)
        return 1.0;
    if (x >= 1.0)
        return 0.0;
    x = x * M_PI;
    /* Pillow writes the constants as floats: 0.54f, 0.46f. */
    return sin(x) / x * (0.54f + 0.46f * cos(x));
}

static double bicubic_filter(double x)
{
    const double a = -0.5;
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

static double sinc_filter(double x)
{
    if (x == 0.0)
        return 1.0;
    x = x * M_PI;
    return sin(x) / x;
}

static double lanczos_filter(double x)
{
    if (-3.0 <= x && x < 3.0)
        return sinc_filter(x) * sinc_filter(x / 3);
    return 0.0;
}

static const struct {
    filter_fn fn;
    double support;
} filters[ZB_FILTER_COUNT] = {
    [ZB_FILTER_NEAREST] = {NULL, 0.0},
    [ZB_FILTER_BOX] = {box_filter, 0.5},
    [ZB_FILTER_BILINEAR] = {bilinear_filter, 1.0},
    [ZB_FILTER_HAMMING] = {hamming_filter, 1.0},
    [ZB_FILTER_BICUBIC] = {bicubic_filter, 2.0},
    [ZB_FILTER_LANCZOS] = {lanczos_filter, 3.0},
};

/* Fixed-point taps for one axis: output i reads `n[i]` inputs from
 * `first[i]` with weights k[i * ksize ...]. */
typedef struct coeffs {
    int ksize;
    int *first, *n;  /* (out_size,) */
    int32_t *k;      /* (out_size, ksize) */
} coeffs;

static void coeffs_free(coeffs *c)
{
    free(c->first);
    free(c->n);
    free(c->k);
}

/* Pillow precompute_coeffs + normalize_coeffs_8bpc for the box [in0, in1). */
static zb_status coeffs_build(int in_size, float in0, float in1, int out_size, zb_filter f, coeffs *c)
{
    memset(c, 0, sizeof *c);
    double scale, filterscale;
    filterscale = scale = (double)(in1 - in0) / out_size;
    if (filterscale < 1.0)
        filterscale = 1.0;
    double support = filters[f].support * filterscale;
    int ksize = (int)ceil(support) * 2 + 1;
    if (out_size > INT_MAX / (ksize * (int)sizeof(double)))
        return zb_error(ZB_ERR_NOMEM, "resize: %d x %d coefficients overflow", out_size, ksize);
    double *w = malloc((size_t)ksize * sizeof *w);
    c->ksize = ksize;
    c->first = malloc((size_t)out_size * sizeof *c->first);
    c->n = malloc((size_t)out_size * sizeof *c->n);
    c->k = malloc((size_t)out_size * ksize * sizeof *c->k);
    if (!w || !c->first || !c->n || !c->k) {
        free(w);
        coeffs_free(c);
        return zb_error(ZB_ERR_NOMEM, "resize: out of memory for coefficients");
    }
    for (int xx = 0; xx < out_size; xx++) {
        double center = in0 + (xx + 0.5) * scale;
        double ww = 0.0;
        double ss = 1.0 / filterscale;
        int xmin = (int)(center - support + 0.5);
        if (xmin < 0)
            xmin = 0;
        int xmax = (int)(center + support + 0.5);
        if (xmax > in_size)
            xmax = in_size;
        xmax -= xmin;
        for (int x = 0; x < xmax; x++) {
            double v = filters[f].fn((x + xmin - center + 0.5) * ss);
            w[x] = v;
            ww += v;
        }
        int32_t *k = &c->k[(size_t)xx * ksize];
        for (int x = 0; x < ksize; x++) {
            double v = 0.0;
            if (x < xmax) {
                v = w[x];
                if (ww != 0.0)
                    v /= ww;
            }
            k[x] = v < 0 ? (int32_t)(-0.5 + v * (1 << PRECISION_BITS))
                         : (int32_t)(0.5 + v * (1 << PRECISION_BITS));
        }
        c->first[xx] = xmin;
        c->n[xx] = xmax;
    }
    free(w);
    return ZB_OK;
}

static inline uint8_t clip8(int32_t ss)
{
    int32_t v = ss >> PRECISION_BITS; /* arithmetic shift, as Pillow's table index */
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

/* Horizontal pass: rows [y0, y0 + rows) of `in` -> `out` (rows, out_w, 3). */
static void resample_h(const uint8_t *in, int in_w, int y0, int rows, const coeffs *c, int out_w, uint8_t *out)
{
    const int32_t half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < rows; y++) {
        const uint8_t *row = in + (size_t)(y + y0) * in_w * 3;
        uint8_t *o = out + (size_t)y * out_w * 3;
        for (int xx = 0; xx < out_w; xx++) {
            const int32_t *k = &c->k[(size_t)xx * c->ksize];
            const uint8_t *p = row + (size_t)c->first[xx] * 3;
            int32_t s0 = half, s1 = half, s2 = half;
            for (int x = 0, n = c->n[xx]; x < n; x++, p += 3) {
                s0 += p[0] * k[x];
                s1 += p[1] * k[x];
                s2 += p[2] * k[x];
            }
            o[xx * 3 + 0] = clip8(s0);
            o[xx * 3 + 1] = clip8(s1);
            o[xx * 3 + 2] = clip8(s2);
        }
    }
}

/* Vertical pass: `in` (any rows, w, 3) -> `out` (out_h, w, 3); row bounds in
 * `c` are relative to `in`.  Runs along a row for memory locality; each
 * output value still sums its taps in increasing y like Pillow. */
static void resample_v(const uint8_t *in, int w, const coeffs *c, int out_h, uint8_t *out, int32_t *acc)
{
    const int32_t half = 1 << (PRECISION_BITS - 1);
    const int n3 = w * 3;
    for (int yy = 0; yy < out_h; yy++) {
        const int32_t *k = &c->k[(size_t)yy * c->ksize];
        for (int i = 0; i < n3; i++)
            acc[i] = half;
        for (int y = 0, n = c->n[yy]; y < n; y++) {
            const uint8_t *row = in + (size_t)(c->first[yy] + y) * n3;
            const int32_t ky = k[y];
            for (int i = 0; i < n3; i++)
                acc[i] += row[i] * ky;
        }
        uint8_t *o = out + (size_t)yy * n3;
        for (int i = 0; i < n3; i++)
            o[i] = clip8(acc[i]);
    }
}

/* Geometry.c ImagingScaleAffine with a = (w_in / w_out, 0, 0, 0, h_in / h_out, 0):
 * source positions accumulate by repeated double addition, as Pillow does. */
static zb_status resize_nearest(const zb_image *in, zb_image *out)
{
    const int W = out->width, H = out->height;
    double a0 = (double)((float)in->width - 0.0f) / W;
    double a4 = (double)((float)in->height - 0.0f) / H;
    int *xin = malloc((size_t)W * sizeof *xin);
    if (!xin)
        return zb_error(ZB_ERR_NOMEM, "resize: out of memory");
    double xo = 0.0 + a0 * 0.5, yo = 0.0 + a4 * 0.5;
    for (int x = 0; x < W; x++) {
        int xi = xo < 0.0 ? -1 : (int)xo;
        xin[x] = (xi >= 0 && xi < in->width) ? xi : -1;
        xo += a0;
    }
    for (int y = 0; y < H; y++) {
        int yi = yo < 0.0 ? -1 : (int)yo;
        uint8_t *o = out->data + (size_t)y * W * 3;
        if (yi < 0 || yi >= in->height) {
            memset(o, 0, (size_t)W * 3);
        } else {
            const uint8_t *row = in->data + (size_t)yi * in->width * 3;
            for (int x = 0; x < W; x++) {
                if (xin[x] < 0) {
                    o[x * 3] = o[x * 3 + 1] = o[x * 3 + 2] = 0;
                } else {
                    const uint8_t *p = row + (size_t)xin[x] * 3;
                    o[x * 3] = p[0];
                    o[x * 3 + 1] = p[1];
                    o[x * 3 + 2] = p[2];
                }
            }
        }
        yo += a4;
    }
    free(xin);
    return ZB_OK;
}

static zb_status check_args(const zb_image *in, int width, int height, zb_filter f)
{
    if (!in || !in->data || in->width < 1 || in->height < 1)
        return zb_error(ZB_ERR_ARG, "resize: empty input image");
    if (width < 1 || height < 1)
        return zb_error(ZB_ERR_ARG, "resize: height and width must be > 0 (got %dx%d)", width, height);
    if ((unsigned)f >= ZB_FILTER_COUNT)
        return zb_error(ZB_ERR_ARG, "resize: unknown filter %d", (int)f);
    return ZB_OK;
}

zb_status zb_image_resize(const zb_image *in, int width, int height, zb_filter f, zb_image *out)
{
    memset(out, 0, sizeof *out);
    zb_status st = check_args(in, width, height, f);
    if (st != ZB_OK)
        return st;
    if ((st = zb_image_alloc("resize", width, height, out)) != ZB_OK)
        return st;
    /* Same size: Image.resize returns a copy. */
    if (width == in->width && height == in->height) {
        memcpy(out->data, in->data, (size_t)width * height * 3);
        return ZB_OK;
    }
    if (f == ZB_FILTER_NEAREST) {
        if ((st = resize_nearest(in, out)) != ZB_OK)
            zb_image_free(out);
        return st;
    }
    coeffs ch, cv;
    if ((st = coeffs_build(in->width, 0.0f, (float)in->width, width, f, &ch)) != ZB_OK)
        goto error;
    if ((st = coeffs_build(in->height, 0.0f, (float)in->height, height, f, &cv)) != ZB_OK) {
        coeffs_free(&ch);
        goto error;
    }
    int need_h = width != in->width, need_v = height != in->height;
    /* Rows of the source the vertical pass reads. */
    int yfirst = cv.first[0];
    int ylast = cv.first[height - 1] + cv.n[height - 1];
    uint8_t *tmp = NULL;
    int32_t *acc = NULL;
    const uint8_t *src = in->data;
    int src_w = in->width;
    if (need_h) {
        int rows = need_v ? ylast - yfirst : height;
        int y0 = need_v ? yfirst : 0;
        uint8_t *dst = need_v ? (tmp = malloc((size_t)rows * width * 3)) : out->data;
        if (!dst) {
            st = zb_error(ZB_ERR_NOMEM, "resize: out of memory");
            goto done;
        }
        resample_h(in->data, in->width, y0, rows, &ch, width, dst);
        if (need_v) {
            for (int i = 0; i < height; i++)
                cv.first[i] -= yfirst;
        }
        src = dst;
        src_w = width;
    }
    if (need_v) {
        acc = malloc((size_t)src_w * 3 * sizeof *acc);
        if (!acc) {
            st = zb_error(ZB_ERR_NOMEM, "resize: out of memory");
            goto done;
        }
        resample_v(src, src_w, &cv, height, out->data, acc);
    }
done:
    free(tmp);
    free(acc);
    coeffs_free(&ch);
    coeffs_free(&cv);
    if (st == ZB_OK)
        return ZB_OK;
error:
    zb_image_free(out);
    return st;
}

/* The reference: one output pixel at a time straight from the formulas,
 * the two passes materialised in full like Pillow (no row window). */
zb_status zb_image_resize_ref(const zb_image *in, int width, int height, zb_filter f, zb_image *out)
{
    memset(out, 0, sizeof *out);
    zb_status st = check_args(in, width, height, f);
    if (st != ZB_OK)
        return st;
    if (f == ZB_FILTER_NEAREST || (width == in->width && height == in->height))
        return zb_image_resize(in, width, height, f, out);
    coeffs ch, cv;
    if ((st = coeffs_build(in->width, 0.0f, (float)in->width, width, f, &ch)) != ZB_OK)
        return st;
    if ((st = coeffs_build(in->height, 0.0f, (float)in->height, height, f, &cv)) != ZB_OK) {
        coeffs_free(&ch);
        return st;
    }
    zb_image mid = {0};
    if ((st = zb_image_alloc("resize", width, in->height, &mid)) != ZB_OK ||
        (st = zb_image_alloc("resize", width, height, out)) != ZB_OK)
        goto done;
    for (int y = 0; y < in->height; y++)
        for (int x = 0; x < width; x++)
            for (int c = 0; c < 3; c++) {
                int32_t s = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < ch.n[x]; i++)
                    s += in->data[((size_t)y * in->width + ch.first[x] + i) * 3 + c] * ch.k[(size_t)x * ch.ksize + i];
                mid.data[((size_t)y * width + x) * 3 + c] = width == in->width ? in->data[((size_t)y * width + x) * 3 + c] : clip8(s);
            }
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            for (int c = 0; c < 3; c++) {
                int32_t s = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < cv.n[y]; i++)
                    s += mid.data[((size_t)(cv.first[y] + i) * width + x) * 3 + c] * cv.k[(size_t)y * cv.ksize + i];
                out->data[((size_t)y * width + x) * 3 + c] = height == in->height ? mid.data[((size_t)y * width + x) * 3 + c] : clip8(s);
            }
done:
    zb_image_free(&mid);
    coeffs_free(&ch);
    coeffs_free(&cv);
    if (st != ZB_OK)
        zb_image_free(out);
    return st;
}
