/* numpy's np.argpartition(a, kth) for one float32 row, reproducing the order
 * it leaves the indices in: numpy 1.x introselect (numpy/core/src/npysort/
 * selection.cpp: median-of-3 quickselect, median-of-medians-of-5 fallback,
 * O(n*kth) selection for small kth).  The seed takes
 * np.argpartition(-probs, 5, axis=1)[:, :5], so its column order is this
 * algorithm's.  (numpy >= 2.0 on AVX-512 CPUs dispatches to x86-simd-sort
 * instead, whose order differs; the seed predates it.) */
#include "predict/argpartition.h"

/* numpy's float less-than: NaNs sort last. */
static int less(float a, float b) { return a < b || (b != b && a == a); }

static void swap(int64_t *t, int64_t i, int64_t j)
{
    int64_t x = t[i];
    t[i] = t[j];
    t[j] = x;
}

static int msb(int64_t n)
{
    int d = 0;
    while (n >>= 1)
        d++;
    return d;
}

static void median3_swap(const float *v, int64_t *t, int64_t low, int64_t mid, int64_t high)
{
    if (less(v[t[high]], v[t[mid]]))
        swap(t, high, mid);
    if (less(v[t[high]], v[t[low]]))
        swap(t, high, low);
    if (less(v[t[low]], v[t[mid]])) /* pivot to low */
        swap(t, low, mid);
    swap(t, mid, low + 1); /* the smallest of the three to low + 1 */
}

static int64_t median5(const float *v, int64_t *t)
{
    if (less(v[t[1]], v[t[0]]))
        swap(t, 1, 0);
    if (less(v[t[4]], v[t[3]]))
        swap(t, 4, 3);
    if (less(v[t[3]], v[t[0]]))
        swap(t, 3, 0);
    if (less(v[t[4]], v[t[1]]))
        swap(t, 4, 1);
    if (less(v[t[2]], v[t[1]]))
        swap(t, 2, 1);
    if (less(v[t[3]], v[t[2]]))
        return less(v[t[3]], v[t[1]]) ? 1 : 3;
    return 2;
}

static void unguarded_partition(const float *v, int64_t *t, float pivot, int64_t *ll, int64_t *hh)
{
    for (;;) {
        do
            (*ll)++;
        while (less(v[t[*ll]], pivot));
        do
            (*hh)--;
        while (less(pivot, v[t[*hh]]));
        if (*hh < *ll)
            break;
        swap(t, *ll, *hh);
    }
}

static void dumb_select(const float *v, int64_t *t, int64_t num, int64_t kth)
{
    for (int64_t i = 0; i <= kth; i++) {
        int64_t minidx = i;
        float minval = v[t[i]];
        for (int64_t k = i + 1; k < num; k++)
            if (less(v[t[k]], minval)) {
                minidx = k;
                minval = v[t[k]];
            }
        swap(t, i, minidx);
    }
}

static void introselect(const float *v, int64_t *t, int64_t num, int64_t kth);

static int64_t median_of_median5(const float *v, int64_t *t, int64_t num)
{
    int64_t nmed = num / 5;
    for (int64_t i = 0, sub = 0; i < nmed; i++, sub += 5) {
        int64_t m = median5(v, t + sub);
        swap(t, sub + m, i);
    }
    if (nmed > 2)
        introselect(v, t, nmed, nmed / 2);
    return nmed / 2;
}

/* The pivot stack numpy keeps only speeds up later kth values of the same
 * call; with one kth it never changes the result, so it is left out. */
static void introselect(const float *v, int64_t *t, int64_t num, int64_t kth)
{
    int64_t low = 0, high = num - 1;
    if (kth - low < 3) {
        dumb_select(v, t + low, high - low + 1, kth - low);
        return;
    }
    if (kth == num - 1) {
        int64_t maxidx = low;
        float maxval = v[t[low]];
        for (int64_t k = low + 1; k < num; k++)
            if (!less(v[t[k]], maxval)) {
                maxidx = k;
                maxval = v[t[k]];
            }
        swap(t, kth, maxidx);
        return;
    }
    int depth = msb(num) * 2;
    while (low + 1 < high) {
        int64_t ll = low + 1, hh = high;
        if (depth > 0 || hh - ll < 5) {
            median3_swap(v, t, low, low + (high - low) / 2, high);
        } else {
            int64_t mid = ll + median_of_median5(v, t + ll, hh - ll);
            swap(t, mid, low);
            ll--;
            hh++;
        }
        depth--;
        unguarded_partition(v, t, v[t[low]], &ll, &hh);
        swap(t, low, hh);
        if (hh >= kth)
            high = hh - 1;
        if (hh <= kth)
            low = ll;
    }
    if (high == low + 1 && less(v[t[high]], v[t[low]]))
        swap(t, high, low);
}

void zb_argpartition_f32(const float *v, int64_t n, int64_t kth, int64_t *idx)
{
    for (int64_t i = 0; i < n; i++)
        idx[i] = i;
    if (n > 0 && kth >= 0 && kth < n)
        introselect(v, idx, n, kth);
}
