/* Reference pooling kernels, NHWC.  Sums run over the window in (iy, ix)
 * order from 0.0f and are divided once, as torch's CPU kernels do. */
#include <string.h>

#include "kernels/fast.h"
#include "kernels/ref/ref.h"

/* Max and average pooling are the fast kernels' reference twins
 * (pool_ref.c): one implementation of the arithmetic for both. */
static zb_pool_geom geom(const zb_kdesc *d)
{
    return (zb_pool_geom){d->ih, d->iw, d->oc, d->oh, d->ow, d->kh, d->kw, d->sh,
                          d->sw, d->pt, d->pb, d->pl, d->pr, d->count_include_pad};
}

/* Max over the window's in-image taps (padding never wins, as in torch and TF). */
static void maxpool(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const zb_pool_geom g = geom(d);
    zb_maxpool_ref(&g, xs[0], y, r0, r1);
}

/* Average with torch's divisor: the window clipped to the padded extent
 * [-pt, ih + pb) when count_include_pad, else to the image. */
static void avgpool(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const zb_pool_geom g = geom(d);
    zb_avgpool_ref(&g, xs[0], y, r0, r1);
}

/* torch's adaptive windows: [floor(o * in / out), ceil((o + 1) * in / out)). */
static void adaptive_avgpool(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const int c = d->oc;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t n = r / d->oh;
        const int oy = (int)(r % d->oh);
        const float *xn = xs[0] + n * d->ih * d->iw * c;
        const int y0 = oy * d->ih / d->oh, y1 = ((oy + 1) * d->ih + d->oh - 1) / d->oh;
        for (int ox = 0; ox < d->ow; ox++) {
            const int x0 = ox * d->iw / d->ow, x1 = ((ox + 1) * d->iw + d->ow - 1) / d->ow;
            const float div = (float)((y1 - y0) * (x1 - x0));
            float *yp = y + (r * d->ow + ox) * c;
            memset(yp, 0, (size_t)c * sizeof *yp);
            for (int iy = y0; iy < y1; iy++)
                for (int ix = x0; ix < x1; ix++) {
                    const float *xp = xn + ((size_t)iy * d->iw + ix) * c;
                    for (int ch = 0; ch < c; ch++)
                        yp[ch] += xp[ch];
                }
            for (int ch = 0; ch < c; ch++)
                yp[ch] = yp[ch] / div;
        }
    }
}

/* Mean over all pixels; output (1, 1, c).  Rows are images. */
static void global_avgpool(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    zb_global_avgpool_images_ref(d->ih * d->iw, d->oc, xs[0], y, r0, r1);
}

const zb_kernel zb_ref_maxpool = {.name = "ref_maxpool_nhwc", .pack = NULL, .run = maxpool};
const zb_kernel zb_ref_avgpool = {.name = "ref_avgpool_nhwc", .pack = NULL, .run = avgpool};
const zb_kernel zb_ref_adaptive_avgpool = {.name = "ref_adaptive_avgpool_nhwc", .pack = NULL, .run = adaptive_avgpool};
const zb_kernel zb_ref_global_avgpool = {.name = "ref_global_avgpool_nhwc", .pack = NULL, .run = global_avgpool};
