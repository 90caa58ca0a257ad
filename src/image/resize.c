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

/* Horizontal pass over output columns [x0, x0 + cols) of rows [y0, y0 + rows)
 * of `in`: -> `out` (rows, cols, 3). */
static void resample_h_scalar(const uint8_t *in, int in_w, int y0, int rows, const coeffs *c, int x0, int cols,
                              uint8_t *out)
{
    const int32_t half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < rows; y++) {
        const uint8_t *row = in + (size_t)(y + y0) * in_w * 3;
        uint8_t *o = out + (size_t)y * cols * 3;
        for (int j = 0; j < cols; j++) {
            const int xx = x0 + j;
            const int32_t *k = &c->k[(size_t)xx * c->ksize];
            const uint8_t *p = row + (size_t)c->first[xx] * 3;
            int32_t s0 = half, s1 = half, s2 = half;
            for (int x = 0, n = c->n[xx]; x < n; x++, p += 3) {
                s0 += p[0] * k[x];
                s1 += p[1] * k[x];
                s2 += p[2] * k[x];
            }
            o[j * 3 + 0] = clip8(s0);
            o[j * 3 + 1] = clip8(s1);
            o[j * 3 + 2] = clip8(s2);
        }
    }
}

/* Vertical pass for output rows [y0, y0 + rows): `in` (any rows, n3 / 3, 3)
 * holds source row r at row r - in_row0 -> `out` (rows, n3 / 3, 3).  Runs
 * along a row for locality; every value is the same int32 sum of the same
 * products as Pillow's (integer addition: the order cannot matter). */
static void resample_v_scalar(const uint8_t *in, int in_row0, int n3, const coeffs *c, int y0, int rows,
                              uint8_t *out, int32_t *acc)
{
    const int32_t half = 1 << (PRECISION_BITS - 1);
    for (int j = 0; j < rows; j++) {
        const int yy = y0 + j;
        const int32_t *k = &c->k[(size_t)yy * c->ksize];
        const uint8_t *base = in + (size_t)(c->first[yy] - in_row0) * n3;
        for (int q = 0; q < n3; q++)
            acc[q] = half;
        for (int y = 0, n = c->n[yy]; y < n; y++) {
            const uint8_t *row = base + (size_t)y * n3;
            for (int q = 0; q < n3; q++)
                acc[q] += row[q] * k[y];
        }
        uint8_t *o = out + (size_t)j * n3;
        for (int q = 0; q < n3; q++)
            o[q] = clip8(acc[q]);
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ZB_HAVE_AVX2_PATH 1

/* The same sums, 8 bytes at a time: u8 -> i32, mullo by the tap, add; then
 * >> 22 and the saturating packs i32 -> i16 -> u8 clamp to 0..255 exactly
 * like clip8.  The tail columns go through the scalar loop. */
__attribute__((target("avx2"))) static void resample_v_avx2(const uint8_t *in, int in_row0, int n3,
                                                             const coeffs *c, int y0, int rows, uint8_t *out)
{
    const __m256i half = _mm256_set1_epi32(1 << (PRECISION_BITS - 1));
    for (int j = 0; j < rows; j++) {
        const int yy = y0 + j;
        const int32_t *k = &c->k[(size_t)yy * c->ksize];
        const uint8_t *base = in + (size_t)(c->first[yy] - in_row0) * n3;
        const int n = c->n[yy];
        uint8_t *o = out + (size_t)j * n3;
        int q = 0;
        for (; q + 8 <= n3; q += 8) {
            __m256i s = half;
            for (int y = 0; y < n; y++) {
                __m128i b = _mm_loadl_epi64((const __m128i *)(base + (size_t)y * n3 + q));
                s = _mm256_add_epi32(s, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(b), _mm256_set1_epi32(k[y])));
            }
            s = _mm256_srai_epi32(s, PRECISION_BITS);
            __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            _mm_storel_epi64((__m128i *)(o + q), _mm_packus_epi16(w, w));
        }
        for (; q < n3; q++) {
            int32_t acc = 1 << (PRECISION_BITS - 1);
            for (int y = 0; y < n; y++)
                acc += base[(size_t)y * n3 + q] * k[y];
            o[q] = clip8(acc);
        }
    }
}
#endif

#ifdef ZB_HAVE_AVX2_PATH
/* Eight int32 -> eight int16, saturating. */
__attribute__((target("avx2"))) static inline __m128i pack16(__m256i v)
{
    return _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

/* Horizontal pass, 8 output columns of one row at a time: for tap t, gather
 * the 4 bytes at each column's t-th source pixel, split R, G, B (pshufb
 * zero-extends one byte per dword), multiply by that column's tap and add.
 * Taps past a column's count have weight 0 (Pillow zeroes them too) and read
 * a clamped, in-row pixel.  The last source row (a 4-byte load could pass the
 * end of the buffer) and the tail columns use the scalar loop. */
__attribute__((target("avx2"))) static void resample_h_avx2(const uint8_t *in, int in_w, int y0, int rows,
                                                             const coeffs *c, int x0, int cols, uint8_t *out,
                                                             int in_h)
{
    const int ks = c->ksize, cols8 = cols / 8 * 8;
    int32_t *kt = malloc((size_t)ks * cols8 * sizeof *kt);  /* (ks, cols8): tap t of column j */
    int32_t *ot = malloc((size_t)ks * cols8 * sizeof *ot);  /* (ks, cols8): byte offset in the row */
    if (!kt || !ot) {
        free(kt);
        free(ot);
        resample_h_scalar(in, in_w, y0, rows, c, x0, cols, out);
        return;
    }
    int nmax = 0;
    for (int j = 0; j < cols8; j++) {
        const int xx = x0 + j;
        if (c->n[xx] > nmax)
            nmax = c->n[xx];
        for (int t = 0; t < ks; t++) {
            int x = c->first[xx] + t;
            kt[(size_t)t * cols8 + j] = t < c->n[xx] ? c->k[(size_t)xx * ks + t] : 0;
            ot[(size_t)t * cols8 + j] = (x < in_w ? x : in_w - 1) * 3;
        }
    }
    const __m256i half = _mm256_set1_epi32(1 << (PRECISION_BITS - 1));
    const __m256i sel_r = _mm256_setr_epi8(0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1, 0, -1, -1,
                                           -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1);
    /* output bytes 0..15 and 16..23 of 8 RGB pixels from rg (r0..7 g0..7) and bb (b0..7) */
    const __m128i rgb_lo_rg = _mm_setr_epi8(0, 8, -1, 1, 9, -1, 2, 10, -1, 3, 11, -1, 4, 12, -1, 5);
    const __m128i rgb_lo_b = _mm_setr_epi8(-1, -1, 0, -1, -1, 1, -1, -1, 2, -1, -1, 3, -1, -1, 4, -1);
    const __m128i rgb_hi_rg = _mm_setr_epi8(13, -1, 6, 14, -1, 7, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m128i rgb_hi_b = _mm_setr_epi8(-1, 5, -1, -1, 6, -1, -1, 7, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i sel_g = _mm256_add_epi8(sel_r, _mm256_set1_epi32(1));
    const __m256i sel_b = _mm256_add_epi8(sel_r, _mm256_set1_epi32(2));
    for (int y = 0; y < rows; y++) {
        uint8_t *o = out + (size_t)y * cols * 3;
        if (y0 + y == in_h - 1) {
            resample_h_scalar(in, in_w, y0 + y, 1, c, x0, cols, o);
            continue;
        }
        const uint8_t *row = in + (size_t)(y + y0) * in_w * 3;
        for (int j = 0; j < cols8; j += 8) {
            __m256i sr = half, sg = half, sb = half;
            for (int t = 0; t < nmax; t++) {
                __m256i kk = _mm256_loadu_si256((const __m256i *)(kt + (size_t)t * cols8 + j));
                __m256i off = _mm256_loadu_si256((const __m256i *)(ot + (size_t)t * cols8 + j));
                __m256i px = _mm256_i32gather_epi32((const int *)row, off, 1);
                sr = _mm256_add_epi32(sr, _mm256_mullo_epi32(_mm256_shuffle_epi8(px, sel_r), kk));
                sg = _mm256_add_epi32(sg, _mm256_mullo_epi32(_mm256_shuffle_epi8(px, sel_g), kk));
                sb = _mm256_add_epi32(sb, _mm256_mullo_epi32(_mm256_shuffle_epi8(px, sel_b), kk));
            }
            /* >> 22, then the saturating packs clamp to 0..255 like clip8:
             * rg = r0..r7 g0..g7, bb = b0..b7 (twice), interleaved to RGB. */
            const __m128i r16 = pack16(_mm256_srai_epi32(sr, PRECISION_BITS));
            const __m128i g16 = pack16(_mm256_srai_epi32(sg, PRECISION_BITS));
            const __m128i b16 = pack16(_mm256_srai_epi32(sb, PRECISION_BITS));
            const __m128i rg = _mm_packus_epi16(r16, g16), bb = _mm_packus_epi16(b16, b16);
            const __m128i lo = _mm_or_si128(_mm_shuffle_epi8(rg, rgb_lo_rg), _mm_shuffle_epi8(bb, rgb_lo_b));
            const __m128i hi = _mm_or_si128(_mm_shuffle_epi8(rg, rgb_hi_rg), _mm_shuffle_epi8(bb, rgb_hi_b));
            uint8_t *oj = o + (size_t)j * 3;
            _mm_storeu_si128((__m128i *)oj, lo);
            _mm_storel_epi64((__m128i *)(oj + 16), hi);
        }
        if (cols8 < cols)
            resample_h_scalar(row, in_w, 0, 1, c, x0 + cols8, cols - cols8, o + (size_t)cols8 * 3);
    }
    free(kt);
    free(ot);
}
#endif

/* Set by tests to exercise the portable loops on AVX2 machines. */
int zb_image_force_scalar;

static void resample_h(const uint8_t *in, int in_w, int in_h, int y0, int rows, const coeffs *c, int x0, int cols,
                       uint8_t *out)
{
#ifdef ZB_HAVE_AVX2_PATH
    if (!zb_image_force_scalar && __builtin_cpu_supports("avx2")) {
        resample_h_avx2(in, in_w, y0, rows, c, x0, cols, out, in_h);
        return;
    }
#endif
    (void)in_h;
    resample_h_scalar(in, in_w, y0, rows, c, x0, cols, out);
}

static void resample_v(const uint8_t *in, int in_row0, int n3, const coeffs *c, int y0, int rows, uint8_t *out,
                       int32_t *acc)
{
#ifdef ZB_HAVE_AVX2_PATH
    if (!zb_image_force_scalar && __builtin_cpu_supports("avx2")) {
        resample_v_avx2(in, in_row0, n3, c, y0, rows, out);
        return;
    }
#endif
    resample_v_scalar(in, in_row0, n3, c, y0, rows, out, acc);
}

/* Geometry.c ImagingScaleAffine with a = (w_in / w_out, 0, 0, 0, h_in / h_out, 0):
 * source positions accumulate by repeated double addition, as Pillow does.
 * Writes the window [x0, x0 + cols) x [y0, y0 + rows) of the width x height
 * result to `out` (row stride out_stride bytes). */
static zb_status resize_nearest(const zb_image *in, int width, int height, int x0, int y0, int cols, int rows,
                                uint8_t *out, size_t out_stride)
{
    double a0 = (double)((float)in->width - 0.0f) / width;
    double a4 = (double)((float)in->height - 0.0f) / height;
    int *xin = malloc((size_t)cols * sizeof *xin);
    if (!xin)
        return zb_error(ZB_ERR_NOMEM, "resize: out of memory");
    double xo = 0.0 + a0 * 0.5, yo = 0.0 + a4 * 0.5;
    int holes = 0; /* output columns outside the source */
    for (int x = 0; x < x0 + cols; x++) {
        if (x >= x0) {
            int xi = xo < 0.0 ? -1 : (int)xo;
            xin[x - x0] = (xi >= 0 && xi < in->width) ? xi : -1;
            holes |= xin[x - x0] < 0;
        }
        xo += a0;
    }
    for (int y = 0; y < y0 + rows; y++) {
        if (y >= y0) {
            int yi = yo < 0.0 ? -1 : (int)yo;
            uint8_t *o = out + (size_t)(y - y0) * out_stride;
            if (yi < 0 || yi >= in->height) {
                memset(o, 0, (size_t)cols * 3);
            } else {
                const uint8_t *row = in->data + (size_t)yi * in->width * 3;
                /* 4-byte moves, each overwritten by the next pixel, where no
                 * source pixel is missing and the row is not the image's last
                 * (whose last pixel ends the buffer); the last column moves 3. */
                int x = 0;
                if (!holes && yi + 1 < in->height)
                    for (; x + 1 < cols; x++)
                        memcpy(o + x * 3, row + (size_t)xin[x] * 3, 4);
                for (; x < cols; x++) {
                    if (xin[x] < 0)
                        memset(o + x * 3, 0, 3);
                    else
                        memcpy(o + x * 3, row + (size_t)xin[x] * 3, 3);
                }
            }
        }
        yo += a4;
    }
    free(xin);
    return ZB_OK;
}

/* Output pixels [lo, lo + n) of an n_in -> n_out NEAREST axis: the source
 * pixel of each, or -1 (outside the resized axis, or a position outside the
 * source), with resize_nearest's arithmetic (positions accumulated by
 * repeated double addition from the first pixel). */
static void nearest_axis(int n_in, int n_out, int lo, int n, int *map)
{
    const double a = (double)((float)n_in - 0.0f) / n_out;
    double pos = 0.0 + a * 0.5;
    for (int i = 0; i < n; i++)
        map[i] = -1;
    for (int o = 0; o < n_out && o < lo + n; o++) {
        if (o >= lo) {
            const int si = pos < 0.0 ? -1 : (int)pos;
            map[o - lo] = si >= 0 && si < n_in ? si : -1;
        }
        pos += a;
    }
}

/* Output pixels [lo, lo + n) of an axis that is not resized. */
static void copy_axis(int n_in, int lo, int n, int *map)
{
    for (int i = 0; i < n; i++)
        map[i] = lo + i >= 0 && lo + i < n_in ? lo + i : -1;
}

int zb_image_select_maps(const zb_image *in, int width, int height, zb_filter f, int left, int top, int cw, int chh,
                         int *xmap, int *ymap)
{
    const int need_h = width != in->width, need_v = height != in->height;
    if (f == ZB_FILTER_NEAREST && (need_h || need_v)) {
        nearest_axis(in->width, width, left, cw, xmap);
        nearest_axis(in->height, height, top, chh, ymap);
        return 1;
    }
    if (need_h || need_v)
        return 0;
    copy_axis(in->width, left, cw, xmap);
    copy_axis(in->height, top, chh, ymap);
    return 1;
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

/* The window [x0, x0 + cols) x [y0, y0 + rows) (inside width x height) of the
 * resize of `in` to width x height, written to `out` with row stride
 * out_stride bytes.  Each output pixel depends only on its own taps, so the
 * window is exactly that part of the full resize. */
static zb_status resize_window(const zb_image *in, int width, int height, zb_filter f, int x0, int y0, int cols,
                               int rows, uint8_t *out, size_t out_stride)
{
    zb_status st = ZB_OK;
    const int need_h = width != in->width, need_v = height != in->height;
    if (f == ZB_FILTER_NEAREST && (need_h || need_v))
        return resize_nearest(in, width, height, x0, y0, cols, rows, out, out_stride);
    if (!need_h && !need_v) {
        for (int y = 0; y < rows; y++)
            memcpy(out + (size_t)y * out_stride, in->data + ((size_t)(y0 + y) * width + x0) * 3, (size_t)cols * 3);
        return ZB_OK;
    }
    coeffs ch = {0}, cv = {0};
    uint8_t *tmp = NULL, *vout = NULL;
    int32_t *acc = NULL;
    if (need_h && (st = coeffs_build(in->width, 0.0f, (float)in->width, width, f, &ch)) != ZB_OK)
        return st;
    if (need_v && (st = coeffs_build(in->height, 0.0f, (float)in->height, height, f, &cv)) != ZB_OK)
        goto done;
    /* Source rows the window's vertical taps read. */
    int r0 = y0, r1 = y0 + rows;
    if (need_v) {
        r0 = cv.first[y0];
        r1 = cv.first[y0 + rows - 1] + cv.n[y0 + rows - 1];
    }
    const uint8_t *src = in->data + (size_t)x0 * 3;
    size_t src_stride = (size_t)in->width * 3;
    int src_row0 = 0;
    if (need_h) {
        tmp = malloc((size_t)(r1 - r0) * cols * 3);
        if (!tmp) {
            st = zb_error(ZB_ERR_NOMEM, "resize: out of memory");
            goto done;
        }
        resample_h(in->data, in->width, in->height, r0, r1 - r0, &ch, x0, cols, tmp);
        src = tmp;
        src_stride = (size_t)cols * 3;
        src_row0 = r0;
    }
    if (need_v) {
        /* The vertical pass wants packed rows of exactly cols pixels. */
        const uint8_t *vin = src;
        uint8_t *packed = NULL;
        if (!need_h) {
            packed = malloc((size_t)(r1 - r0) * cols * 3);
            if (!packed) {
                st = zb_error(ZB_ERR_NOMEM, "resize: out of memory");
                goto done;
            }
            for (int y = r0; y < r1; y++)
                memcpy(packed + (size_t)(y - r0) * cols * 3, src + (size_t)y * src_stride, (size_t)cols * 3);
            vin = packed;
            src_row0 = r0;
        }
        int contiguous = out_stride == (size_t)cols * 3;
        vout = contiguous ? out : malloc((size_t)rows * cols * 3);
        acc = malloc((size_t)cols * 3 * sizeof *acc);
        if (!vout || !acc) {
            free(packed);
            st = zb_error(ZB_ERR_NOMEM, "resize: out of memory");
            goto done;
        }
        resample_v(vin, src_row0, cols * 3, &cv, y0, rows, vout, acc);
        free(packed);
        if (!contiguous)
            for (int y = 0; y < rows; y++)
                memcpy(out + (size_t)y * out_stride, vout + (size_t)y * cols * 3, (size_t)cols * 3);
    } else {
        for (int y = 0; y < rows; y++)
            memcpy(out + (size_t)y * out_stride, src + (size_t)(y0 + y - src_row0) * src_stride, (size_t)cols * 3);
    }
done:
    if (vout != out)
        free(vout);
    free(tmp);
    free(acc);
    coeffs_free(&ch);
    coeffs_free(&cv);
    return st;
}

zb_status zb_image_resize(const zb_image *in, int width, int height, zb_filter f, zb_image *out)
{
    memset(out, 0, sizeof *out);
    zb_status st = check_args(in, width, height, f);
    if (st != ZB_OK)
        return st;
    if ((st = zb_image_alloc("resize", width, height, out)) != ZB_OK)
        return st;
    if ((st = resize_window(in, width, height, f, 0, 0, width, height, out->data, (size_t)width * 3)) != ZB_OK)
        zb_image_free(out);
    return st;
}

zb_status zb_image_resize_crop(const zb_image *in, int width, int height, zb_filter f, int left, int top, int cw,
                               int chh, zb_image *out)
{
    memset(out, 0, sizeof *out);
    zb_status st = check_args(in, width, height, f);
    if (st != ZB_OK)
        return st;
    if ((st = zb_image_alloc("crop", cw, chh, out)) != ZB_OK)
        return st;
    /* The part of the crop box inside the resized image; the rest is 0. */
    long long x0 = left > 0 ? left : 0, y0 = top > 0 ? top : 0;
    long long x1 = (long long)left + cw < width ? (long long)left + cw : width;
    long long y1 = (long long)top + chh < height ? (long long)top + chh : height;
    if (x0 >= x1 || y0 >= y1 || x0 != left || y0 != top || x1 - x0 != cw || y1 - y0 != chh)
        memset(out->data, 0, (size_t)cw * chh * 3);
    if (x0 < x1 && y0 < y1) {
        uint8_t *dst = out->data + ((size_t)(y0 - top) * cw + (size_t)(x0 - left)) * 3;
        st = resize_window(in, width, height, f, (int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0), dst,
                           (size_t)cw * 3);
        if (st != ZB_OK)
            zb_image_free(out);
    }
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
