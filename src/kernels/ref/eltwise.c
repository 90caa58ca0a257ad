/* Reference element-wise kernels: channel affine + activation, add / scaled
 * add, concat, zero-pad, crop and softmax.  Rows are (image, output row). */
#include <math.h>
#include <string.h>

#include "kernels/ref/ref.h"

/* y = act(x * scale[c] + shift[c]): batchnorm (inference), affine, relu. */
static void eltwise(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const size_t row = (size_t)d->ow * d->oc;
    for (int64_t r = r0; r < r1; r++) {
        const float *x = xs[0] + r * row;
        float *yr = y + r * row;
        for (int ox = 0; ox < d->ow; ox++)
            for (int c = 0; c < d->oc; c++) {
                size_t i = (size_t)ox * d->oc + c;
                yr[i] = zb_epilogue1(d, c, x[i]);
            }
    }
}

/* y = act(a + alpha * b); alpha == 1 adds b unscaled. */
static void add(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const size_t row = (size_t)d->ow * d->oc;
    for (int64_t r = r0; r < r1; r++) {
        const float *a = xs[0] + r * row, *b = xs[1] + r * row;
        float *yr = y + r * row;
        for (int ox = 0; ox < d->ow; ox++)
            for (int c = 0; c < d->oc; c++) {
                size_t i = (size_t)ox * d->oc + c;
                float v = d->alpha == 1.0f ? a[i] + b[i] : a[i] + d->alpha * b[i];
                yr[i] = zb_epilogue1(d, c, v);
            }
    }
}

/* Channel concat: each output pixel is the inputs' pixels in order. */
static void concat(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    for (int64_t r = r0; r < r1; r++)
        for (int ox = 0; ox < d->ow; ox++) {
            float *yp = y + (r * d->ow + ox) * d->oc;
            for (int k = 0; k < d->n_in; k++) {
                int c = d->in_c[k];
                memcpy(yp, xs[k] + (r * d->ow + ox) * c, (size_t)c * sizeof *yp);
                yp += c;
            }
        }
}

static void zeropad(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const int c = d->oc;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t n = r / d->oh;
        const int iy = (int)(r % d->oh) - d->pt;
        float *yr = y + r * d->ow * c;
        memset(yr, 0, (size_t)d->ow * c * sizeof *yr);
        if (iy < 0 || iy >= d->ih)
            continue;
        const float *xr = xs[0] + ((n * d->ih + iy) * d->iw) * c;
        memcpy(yr + (size_t)d->pl * c, xr, (size_t)d->iw * c * sizeof *yr);
    }
}

static void crop(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const int c = d->oc;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t n = r / d->oh;
        const int iy = (int)(r % d->oh) + d->pt;
        const float *xr = xs[0] + ((n * d->ih + iy) * d->iw + d->pl) * c;
        memcpy(y + r * d->ow * c, xr, (size_t)d->ow * c * sizeof *y);
    }
}

/* Softmax over channels at each pixel: exp(x - max) / sum, sum in channel order. */
static void softmax(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const int c = d->oc;
    for (int64_t r = r0; r < r1; r++)
        for (int ox = 0; ox < d->ow; ox++) {
            const float *x = xs[0] + (r * d->ow + ox) * c;
            float *yp = y + (r * d->ow + ox) * c;
            float m = x[0];
            for (int i = 1; i < c; i++)
                m = x[i] > m ? x[i] : m;
            float s = 0.0f;
            for (int i = 0; i < c; i++) {
                yp[i] = expf(x[i] - m);
                s += yp[i];
            }
            for (int i = 0; i < c; i++)
                yp[i] = yp[i] / s;
        }
}

const zb_kernel zb_ref_eltwise = {.name = "ref_eltwise_affine_act", .pack = NULL, .run = eltwise};
const zb_kernel zb_ref_add = {.name = "ref_add_scaled", .pack = NULL, .run = add};
const zb_kernel zb_ref_concat = {.name = "ref_concat_channels", .pack = NULL, .run = concat};
const zb_kernel zb_ref_zeropad = {.name = "ref_zeropad", .pack = NULL, .run = zeropad};
const zb_kernel zb_ref_crop = {.name = "ref_crop", .pack = NULL, .run = crop};
const zb_kernel zb_ref_softmax = {.name = "ref_softmax_channels", .pack = NULL, .run = softmax};
