/* The Acc@1 class of each image and per-image hits, as the seed's compute_val_acc:
 *
 *     pred = top5preds[range(len(top5preds)), np.argmax(top5probs, axis=1)]
 *     acc1 = sum(pred == true) / float(len(true))
 *     acc5 = sum([true[i] in row for i, row in enumerate(top5preds[bool_mask])]) / float(len(true))
 *
 * The top-5 columns are unordered (argpartition), so the largest probability
 * picks the Acc@1 class; ties go to the first such column, as argmax. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fp16.h"
#include "core/status.h"
#include "eval/eval.h"

static int is_float(zb_dtype t) { return t == ZB_F16 || t == ZB_F32 || t == ZB_F64; }

static int is_unsigned(zb_dtype t) { return t == ZB_U8 || t == ZB_U16 || t == ZB_U32 || t == ZB_U64; }

zb_status zb_eval_argmax_rows(const char *name, const zb_npy *probs, int64_t *col)
{
    if (probs->ndim != 2 || probs->shape[1] < 1)
        return zb_error(ZB_ERR_SHAPE, "%s: expected a 2-d (N, K) array of scores", name);
    int64_t n = probs->shape[0], k = probs->shape[1];
    for (int64_t i = 0; i < n; i++) {
        int64_t best = 0;
        if (is_float(probs->dtype)) {
            /* float16 -> double is exact, so comparisons equal numpy's. */
            double bv = zb_npy_get_f64(probs, i * k);
            for (int64_t j = 1; j < k && !isnan(bv); j++) {
                double v = zb_npy_get_f64(probs, i * k + j);
                if (v > bv || isnan(v)) {
                    bv = v;
                    best = j;
                }
            }
        } else if (is_unsigned(probs->dtype)) {
            uint64_t bv = 0;
            for (int64_t j = 0; j < k; j++) {
                uint64_t v;
                if (probs->dtype == ZB_U64)
                    memcpy(&v, (const char *)probs->data + (size_t)(i * k + j) * 8, 8);
                else
                    v = (uint64_t)zb_npy_get_i64(probs, i * k + j);
                if (j == 0 || v > bv) {
                    bv = v;
                    best = j;
                }
            }
        } else { /* bool and signed integers */
            int64_t bv = 0;
            for (int64_t j = 0; j < k; j++) {
                int64_t v = zb_npy_get_i64(probs, i * k + j);
                if (j == 0 || v > bv) {
                    bv = v;
                    best = j;
                }
            }
        }
        col[i] = best;
    }
    return ZB_OK;
}

zb_status zb_result_from_arrays(const char *name, const zb_npy *preds, const zb_npy *probs, const char *platform,
                                const char *model, zb_result **out)
{
    *out = NULL;
    if (preds->ndim != 2 || preds->shape[1] != 5)
        return zb_error(ZB_ERR_SHAPE, "%s: top-5 predictions must be (N, 5), got %d-d%s", name, preds->ndim,
                        preds->ndim == 2 ? " with another width" : "");
    if (probs->ndim != 2 || probs->shape[0] != preds->shape[0] || probs->shape[1] != preds->shape[1])
        return zb_error(ZB_ERR_SHAPE, "%s: top-5 probabilities must have the predictions' shape (%lld, 5)", name,
                        (long long)preds->shape[0]);
    if (preds->dtype == ZB_BOOL || probs->dtype == ZB_BOOL)
        return zb_error(ZB_ERR_FORMAT, "%s: boolean predictions or probabilities are not accepted", name);
    zb_result *r = calloc(1, sizeof *r);
    if (!r)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    r->n = preds->shape[0];
    r->k = preds->shape[1];
    r->platform = strdup(platform);
    r->model = strdup(model);
    zb_npy *p = NULL;
    zb_status st = zb_npy_convert(name, preds, ZB_I64, &p);
    if (st == ZB_OK && (!r->platform || !r->model))
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    if (st == ZB_OK) {
        r->preds = p->data; /* take the buffer */
        p->data = NULL;
        r->top1 = malloc((size_t)(r->n ? r->n : 1) * sizeof *r->top1);
        if (!r->top1)
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    }
    zb_npy_free(p);
    if (st == ZB_OK)
        st = zb_eval_argmax_rows(name, probs, r->top1);
    if (st != ZB_OK) {
        zb_result_free(r);
        return st;
    }
    for (int64_t i = 0; i < r->n; i++) /* column -> class id */
        r->top1[i] = r->preds[i * r->k + r->top1[i]];
    *out = r;
    return ZB_OK;
}

zb_status zb_result_load(const char *preds_path, const char *probs_path, const char *platform, const char *model,
                         zb_result **out)
{
    *out = NULL;
    zb_npy *preds = NULL, *probs = NULL;
    zb_status st = zb_npy_load(preds_path, &preds);
    if (st == ZB_OK)
        st = zb_npy_load(probs_path, &probs);
    if (st == ZB_OK && (preds->ndim != 2 || preds->shape[1] != 5))
        st = zb_error(ZB_ERR_SHAPE, "%s: top-5 predictions must be (N, 5)", preds_path);
    if (st == ZB_OK && (probs->ndim != 2 || probs->shape[0] != preds->shape[0] || probs->shape[1] != 5))
        st = zb_error(ZB_ERR_SHAPE, "%s: top-5 probabilities must be (%lld, 5) like %s", probs_path,
                      (long long)preds->shape[0], preds_path);
    if (st == ZB_OK)
        st = zb_result_from_arrays(preds_path, preds, probs, platform, model, out);
    zb_npy_free(preds);
    zb_npy_free(probs);
    return st;
}

void zb_result_free(zb_result *r)
{
    if (!r)
        return;
    free(r->platform);
    free(r->model);
    free(r->preds);
    free(r->top1);
    free(r);
}

void zb_result_score(const zb_result *r, const uint8_t *mask, const int64_t *truth, int64_t *hit1, int64_t *hit5,
                     int64_t *n, uint8_t *correct1)
{
    int64_t h1 = 0, h5 = 0, j = 0;
    for (int64_t i = 0; i < r->n; i++) {
        if (mask && !mask[i])
            continue;
        int64_t t = truth[j];
        int c1 = r->top1[i] == t, c5 = 0;
        for (int64_t c = 0; c < r->k; c++)
            c5 |= r->preds[i * r->k + c] == t;
        h1 += c1;
        h5 += c5;
        if (correct1)
            correct1[j] = (uint8_t)c1;
        j++;
    }
    *hit1 = h1;
    *hit5 = h5;
    *n = j;
}
