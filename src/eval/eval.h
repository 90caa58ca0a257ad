/* Accuracy tables from top-5 prediction files: the seed's imagenet_benchmarking.py
 * and cifar10_benchmarking.py rebuilt, plus confidence intervals and paired tests.
 *
 *     topk.c    the Acc@1 class of each image; per-image top-1 / top-5 hits
 *     sort.c    numpy's argsort(kind='quicksort') for doubles, tie order included
 *     table.c   accuracy columns, the seed's ranking and final order
 *     stats.c   Wilson intervals, exact McNemar test */
#ifndef ZB_EVAL_EVAL_H
#define ZB_EVAL_EVAL_H

#include <stdint.h>

#include "zoobench.h"

/* ---- topk.c --------------------------------------------------------------- */

/* For each row of probs (N, K), the column of its largest value, ties and NaN
 * as numpy's argmax: the first maximum, and the first NaN if any.  Any integer
 * or float dtype.  col (N,) is the caller's. */
zb_status zb_eval_argmax_rows(const char *name, const zb_npy *probs, int64_t *col);

/* One model's predictions: the top-K class ids and the Acc@1 class of each image. */
typedef struct zb_result {
    char *platform;  /* "Keras 2.2.4" */
    char *model;     /* "resnet50" */
    int64_t n, k;
    int64_t *preds;  /* (N, K) class ids, row-major */
    int64_t *top1;   /* (N,) preds[i, argmax(probs[i])] */
} zb_result;

/* Loads a preds/probs pair into *out (freed with zb_result_free): preds any
 * integer dtype (or integral floats), probs any integer or float dtype, both
 * (N, 5).  platform/model are copied. */
zb_status zb_result_load(const char *preds_path, const char *probs_path, const char *platform, const char *model,
                         zb_result **out);

/* Builds a result from arrays already in memory (copied); same checks. */
zb_status zb_result_from_arrays(const char *name, const zb_npy *preds, const zb_npy *probs, const char *platform,
                                const char *model, zb_result **out);

void zb_result_free(zb_result *r); /* accepts NULL */

/* Scores r on the images i with mask[i] != 0 (mask NULL: all N), the j-th such
 * image against truth[j].  *hit1 / *hit5 count the images whose Acc@1 class /
 * any top-K class equals the truth; *n is the number scored.  correct1, when
 * not NULL, receives the per-image top-1 hit (0/1) of the scored images (*n). */
void zb_result_score(const zb_result *r, const uint8_t *mask, const int64_t *truth, int64_t *hit1, int64_t *hit5,
                     int64_t *n, uint8_t *correct1);

/* ---- sort.c ----------------------------------------------------------------- */

/* order[0..n) = numpy.argsort(v, kind='quicksort') for float64 v: numpy 1.x's
 * introsort (median-of-3 quicksort, insertion sort below 17 elements, heapsort
 * past the depth limit), so equal values come out in exactly numpy's order.
 * NaN sorts last, as in numpy. */
void zb_argsort_numpy(const double *v, int64_t *order, int64_t n);

/* pandas' DataFrame.sort_values(by=col, ascending=False) (default kind
 * 'quicksort', no NaN): order[j] is the row placed j-th.  pandas reverses the
 * column, argsorts it with numpy's quicksort, and reverses the result. */
zb_status zb_sort_desc_pandas(const double *v, int64_t *order, int64_t n);

/* ---- table.c ---------------------------------------------------------------- */

enum { ZB_TABLE_MAXCOLS = 4 };

typedef struct zb_table_opts {
    const int64_t *labels;  /* (N,) original labels */
    int64_t n;
    const uint8_t *mask;    /* (N,) 1 = scored; NULL when neither -i nor -j was given */
    const int64_t *custom;  /* custom labels, one per scored image; NULL when no -l */
    int64_t n_custom;
    int sort_by_custom;     /* final sort by cAcc@1 when custom labels are given (imagenet script) */
    int custom_as_omit;     /* the seed's main() with -l alone: `mask` holds the -l values as indices
                               to omit and `custom` is NULL; still sorts by cAcc@1 as with -l */
} zb_table_opts;

typedef struct zb_table_row {
    const zb_result *r;
    int64_t hits[ZB_TABLE_MAXCOLS]; /* numerators of the accuracy columns */
    int64_t n[ZB_TABLE_MAXCOLS];    /* their denominators */
    double acc[ZB_TABLE_MAXCOLS];   /* hits / n, as the seed computes it */
    int64_t rank[ZB_TABLE_MAXCOLS];
    uint8_t *correct;               /* (m,) top-1 hits on the sort column's images */
} zb_table_row;

typedef struct zb_table {
    int ncols;                       /* 2: Acc@1 Acc@5;  4: Acc@1 cAcc@1 Acc@5 cAcc@5 */
    const char *cols[ZB_TABLE_MAXCOLS];  /* "Acc@1" ... */
    const char *rank_cols[ZB_TABLE_MAXCOLS]; /* "Rank@1" ... */
    int sort_col;                    /* column of the final order */
    int64_t m;                       /* images behind sort_col (for paired tests) */
    int nrows;
    zb_table_row *rows;              /* in the final order */
} zb_table;

/* Scores `nres` results (in the seed's input order) as the seed's main() does
 * and ranks them.  *out is freed with zb_table_free. */
zb_status zb_table_build(zb_result *const *res, int nres, const zb_table_opts *o, zb_table **out);

void zb_table_free(zb_table *t); /* accepts NULL */

/* ---- stats.c ---------------------------------------------------------------- */

/* 95% Wilson score interval for k successes in n trials (n > 0). */
void zb_wilson95(int64_t k, int64_t n, double *lo, double *hi);

/* Exact two-sided McNemar p-value from the discordant counts: b images only the
 * first model gets right, c only the second.  p = min(1, 2 P(X <= min(b,c)))
 * for X ~ Binomial(b + c, 1/2); 1 when b + c = 0.  Computed in log space. */
double zb_mcnemar_exact(int64_t b, int64_t c);

/* McNemar p-value of two rows of a table (their `correct` vectors). */
double zb_table_mcnemar(const zb_table *t, int i, int j);

#endif
