/* Reference pooling kernels, NHWC.  Sums run over the window in (iy, ix)
 * order from 0.0f and are divided once, as torch's CPU kernels do. */
#include <float.h>
#include <string.h>

#include "kernels/ref/ref.h"

/* Max over the window's in-image taps (padding never wins, as in torch and TF). */
static void maxpool(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const int c = d->oc;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t n = r / d->oh;
        const int oy = (int)(r % d->oh);
        const float *xn = xs[0] + n * d->ih * d->iw * c;
        int y0 = oy * d->sh - d->pt, y1 = y0 + d->kh;
        y0 = y0 < 0 ? 0 : y0;
        y1 = y1 > d->ih ? d->ih : y1;
        for (int ox = 0; ox < d->ow; ox++) {
            int x0 = ox * d->sw - d->pl, x1 = x0 + d->kw;
            x0 = x0 < 0 ? 0 : x0;
            x1 = x1 > d->iw ? d->iw : x1;
            float *yp = y + (r * d->ow + ox) * c;
            for (int ch = 0; ch < c; ch++)
                yp[ch] = -FLT_MAX;
            for (int iy = y0; iy < y1; iy++)
                for (int ix = x0; ix < x1; ix++) {
                    const float *xp = xn + ((size_t)iy * d->iw + ix) * c;
                    for (int ch = 0; ch < c; ch++)
                        yp[ch] = xp[ch] > yp[ch] ? xp[ch] : yp[ch];
                }
        }
    }
}

/* Average with torch's divisor: the window clipped to the padded extent
 * [-pt, ih + pb) when count_include_pad, else to the image. */
static void avgpool(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const int c = d->oc;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t n = r / d->oh;
        const int oy = (int)(r % d->oh);
        const float *xn = xs[0] + n * d->ih * d->iw * c;
        int y0 = oy * d->sh - d->pt, y1 = y0 + d->kh;
        y1 = y1 > d->ih + d->pb ? d->ih + d->pb : y1;
        const int ph = y1 - y0;
        y0 = y0 < 0 ? 0 : y0;
        y1 = y1 > d->ih ? d->ih : y1;
        for (int ox = 0; ox < d->ow; ox++) {
            int x0 = ox * d->sw - d->pl, x1 = x0 + d->kw;
            x1 = x1 > d->iw + d->pr ? d->iw + d->pr : x1;
            const int pw = x1 - x0;
            x0 = x0 < 0 ? 0 : x0;
            x1 = x1 > d->iw ? d->iw : x1;
            const float div = (float)(d->count_include_pad ? ph * pw : (y1 - y0) * (x1 - x0));
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
    const int c = d->oc;
    const size_t hw = (size_t)d->ih * d->iw;
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = xs[0] + r * hw * c;
        float *yp = y + r * c;
        memset(yp, 0, (size_t)c * sizeof *yp);
        for (size_t p = 0; p < hw; p++)
            for (int ch = 0; ch < c; ch++)
                yp[ch] += xn[p * c + ch];
        for (int ch = 0; ch < c; ch++)
            yp[ch] = yp[ch] / (float)hw;
    }
}

const zb_kernel zb_ref_maxpool = {.name = "ref_maxpool_nhwc", .pack = NULL, .run = maxpool};
const zb_kernel zb_ref_avgpool = {.name = "ref_avgpool_nhwc", .pack = NULL, .run = avgpool};
const zb_kernel zb_ref_adaptive_avgpool = {.name = "ref_adaptive_avgpool_nhwc", .pack = NULL, .run = adaptive_avgpool};
const zb_kernel zb_ref_global_avgpool = {.name = "ref_global_avgpool_nhwc", .pack = NULL, .run = global_avgpool};
