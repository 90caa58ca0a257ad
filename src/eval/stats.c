/* Statistics beside the seed's table: Wilson score intervals for each accuracy
 * and the exact McNemar test on paired per-image correctness. */
#include <math.h>

#include "eval/eval.h"

#define Z975 1.959963984540054 /* the standard normal's 97.5% quantile */

void zb_wilson95(int64_t k, int64_t n, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = 0;
        *hi = 1;
        return;
    }
    double p = (double)k / (double)n, nn = (double)n, z2 = Z975 * Z975;
    double denom = 1 + z2 / nn;
    double centre = (p + z2 / (2 * nn)) / denom;
    double half = Z975 / denom * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    /* The bounds are exactly 0 at k = 0 and 1 at k = n; rounding would miss them. */
    *lo = k == 0 || centre - half < 0 ? 0 : centre - half;
    *hi = k == n || centre + half > 1 ? 1 : centre + half;
}

/* log C(n, m) as a compensated (Neumaier) sum of log((n - m + j) / j). */
static double log_choose(int64_t n, int64_t m)
{
    double s = 0, comp = 0;
    for (int64_t j = 1; j <= m; j++) {
        double t = log((double)(n - m + j) / (double)j);
        double u = s + t;
        comp += fabs(s) >= fabs(t) ? (s - u) + t : (t - u) + s;
        s = u;
    }
    return s + comp;
}

double zb_mcnemar_exact(int64_t b, int64_t c)
{
    int64_t n = b + c, m = b < c ? b : c;
    if (n <= 0 || b == c)
        return 1.0;
    /* P(X <= m) = t(m) * sum_{i<=m} t(i)/t(m), with t(i) = C(n, i) / 2^n and
     * t(i-1)/t(i) = i / (n - i + 1) < 1 since m < n/2: the ratios only shrink. */
    double log_tm = log_choose(n, m) - (double)n * M_LN2;
    double r = 1, s = 1;
    for (int64_t i = m; i > 0; i--) {
        r *= (double)i / (double)(n - i + 1);
        s += r;
        if (r < 1e-20 * s)
            break;
    }
    double p = exp(log_tm + log(s) + M_LN2);
    return p < 1 ? p : 1.0;
}

double zb_table_mcnemar(const zb_table *t, int i, int j)
{
    int64_t b = 0, c = 0;
    const uint8_t *x = t->rows[i].correct, *y = t->rows[j].correct;
    for (int64_t k = 0; k < t->m; k++) {
        b += x[k] && !y[k];
        c += !x[k] && y[k];
    }
    return zb_mcnemar_exact(b, c);
}
