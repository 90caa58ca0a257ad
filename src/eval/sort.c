/* numpy's indirect quicksort for float64 (numpy/core/src/npysort/quicksort.cpp,
 * aquicksort_ and aheapsort_ in npysort_heapsort.h), rewritten so that ties
 * come out in numpy's order.  pandas' sort_values(ascending=False) calls it on
 * the reversed column, so the seed's ranks of equal accuracies depend on it. */
#include "eval/eval.h"

#include <stdlib.h>

#include "core/status.h"

#define SMALL_QUICKSORT 15 /* partitions of at most 16 elements use insertion sort */

/* numpy's DOUBLE_LT: NaN is larger than everything. */
static int less(double a, double b) { return a < b || (b != b && a == a); }

static void swap(int64_t *a, int64_t *b)
{
    int64_t t = *a;
    *a = *b;
    *b = t;
}

/* Sift-down heapsort of idx[0..n), 1-based as numpy writes it. */
static void aheapsort(const double *v, int64_t *idx, int64_t n)
{
    int64_t *a = idx - 1, i, j, l, tmp;
    for (l = n >> 1; l > 0; --l) {
        tmp = a[l];
        for (i = l, j = l << 1; j <= n;) {
            if (j < n && less(v[a[j]], v[a[j + 1]]))
                j += 1;
            if (!less(v[tmp], v[a[j]]))
                break;
            a[i] = a[j];
            i = j;
            j += j;
        }
        a[i] = tmp;
    }
    for (; n > 1;) {
        tmp = a[n];
        a[n] = a[1];
        n -= 1;
        for (i = 1, j = 2; j <= n;) {
            if (j < n && less(v[a[j]], v[a[j + 1]]))
                j++;
            if (!less(v[tmp], v[a[j]]))
                break;
            a[i] = a[j];
            i = j;
            j += j;
        }
        a[i] = tmp;
    }
}

static int msb(uint64_t n)
{
    int d = 0;
    while (n >>= 1)
        d++;
    return d;
}

void zb_argsort_numpy(const double *v, int64_t *order, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        order[i] = i;
    if (n < 2)
        return;
    int64_t *pl = order, *pr = order + n - 1;
    int64_t *stack[128], **sp = stack;
    int depth[128], *dp = depth;
    int cdepth = msb((uint64_t)n) * 2;
    for (;;) {
        if (cdepth < 0) {
            aheapsort(v, pl, pr - pl + 1);
            goto pop;
        }
        while (pr - pl > SMALL_QUICKSORT) {
            /* median of three into *pm, pivot parked at pr - 1 */
            int64_t *pm = pl + ((pr - pl) >> 1);
            if (less(v[*pm], v[*pl]))
                swap(pm, pl);
            if (less(v[*pr], v[*pm]))
                swap(pr, pm);
            if (less(v[*pm], v[*pl]))
                swap(pm, pl);
            double vp = v[*pm];
            int64_t *pi = pl, *pj = pr - 1;
            swap(pm, pj);
            for (;;) {
                do
                    ++pi;
                while (less(v[*pi], vp));
                do
                    --pj;
                while (less(vp, v[*pj]));
                if (pi >= pj)
                    break;
                swap(pi, pj);
            }
            swap(pi, pr - 1);
            /* keep the smaller side, push the larger */
            if (pi - pl < pr - pi) {
                *sp++ = pi + 1;
                *sp++ = pr;
                pr = pi - 1;
            } else {
                *sp++ = pl;
                *sp++ = pi - 1;
                pl = pi + 1;
            }
            *dp++ = --cdepth;
        }
        for (int64_t *pi = pl + 1; pi <= pr; ++pi) { /* insertion sort */
            int64_t vi = *pi;
            double vv = v[vi];
            int64_t *pj = pi, *pk = pi - 1;
            while (pj > pl && less(vv, v[*pk]))
                *pj-- = *pk--;
            *pj = vi;
        }
    pop:
        if (sp == stack)
            break;
        pr = *--sp;
        pl = *--sp;
        cdepth = *--dp;
    }
}

zb_status zb_sort_desc_pandas(const double *v, int64_t *order, int64_t n)
{
    /* pandas.core.sorting.nargsort(ascending=False):
     *     items, idx = items[::-1], idx[::-1]; indexer = idx[items.argsort()][::-1] */
    double *rev = malloc((size_t)(n ? n : 1) * sizeof *rev);
    int64_t *o = malloc((size_t)(n ? n : 1) * sizeof *o);
    if (!rev || !o) {
        free(rev);
        free(o);
        return zb_error(ZB_ERR_NOMEM, "sort: out of memory");
    }
    for (int64_t i = 0; i < n; i++)
        rev[i] = v[n - 1 - i];
    zb_argsort_numpy(rev, o, n);
    for (int64_t j = 0; j < n; j++)
        order[j] = n - 1 - o[n - 1 - j];
    free(rev);
    free(o);
    return ZB_OK;
}
