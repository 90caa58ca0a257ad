/* src/eval: argmax rule, numpy's sort order, the seed's table cases, statistics.
 *
 * Helpers for tests/integration/table_stats.sh:
 *     test_eval argsort            reads "n v0 v1 ..." lines on stdin, prints numpy argsort orders
 *     test_eval mcnemar B C        prints the exact McNemar p-value (%.17g)
 *     test_eval wilson K N         prints the 95% Wilson interval (%.17g %.17g) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fp16.h"
#include "eval/eval.h"
#include "harness.h"

static void test_argmax(void)
{
    zb_npy *p = zb_npy_new(ZB_F16, 2, (int64_t[]){4, 5});
    uint16_t *h = p->data;
    float rows[4][5] = {{0.1f, 0.5f, 0.5f, 0.2f, 0.0f},  /* tie: first of the two */
                        {0.9f, 0.0f, 0.9f, 0.9f, 0.1f},
                        {0.0f, 0.0f, 0.0f, 0.0f, 0.25f},
                        {0.1f, NAN, 0.9f, NAN, 0.0f}}; /* NaN wins, first one */
    for (int i = 0; i < 20; i++)
        h[i] = zb_float_to_half(rows[i / 5][i % 5]);
    int64_t col[4];
    CHECK_EQ_INT(zb_eval_argmax_rows("p", p, col), ZB_OK);
    CHECK_EQ_INT(col[0], 1);
    CHECK_EQ_INT(col[1], 0);
    CHECK_EQ_INT(col[2], 4);
    CHECK_EQ_INT(col[3], 1);
    zb_npy_free(p);
    zb_npy *q = zb_npy_new(ZB_U64, 2, (int64_t[]){1, 3});
    ((uint64_t *)q->data)[0] = 5;
    ((uint64_t *)q->data)[1] = UINT64_MAX;
    ((uint64_t *)q->data)[2] = UINT64_MAX - 1;
    CHECK_EQ_INT(zb_eval_argmax_rows("q", q, col), ZB_OK);
    CHECK_EQ_INT(col[0], 1);
    zb_npy_free(q);
}

static void test_argsort(void)
{
    /* Small arrays: insertion sort, stable. */
    double v[5] = {3, 1, 3, 2, 1};
    int64_t o[5];
    zb_argsort_numpy(v, o, 5);
    int64_t want[5] = {1, 4, 3, 0, 2};
    for (int i = 0; i < 5; i++)
        CHECK_EQ_INT(o[i], want[i]);
    /* Larger arrays come out sorted whatever the ties. */
    double w[200];
    int64_t ow[200];
    for (int i = 0; i < 200; i++)
        w[i] = (double)((i * 7919) % 13);
    zb_argsort_numpy(w, ow, 200);
    int ok = 1, seen[200] = {0};
    for (int i = 0; i < 200; i++) {
        seen[ow[i]]++;
        if (i && w[ow[i - 1]] > w[ow[i]])
            ok = 0;
    }
    CHECK(ok);
    for (int i = 0; i < 200; i++)
        CHECK_EQ_INT(seen[i], 1);
    /* pandas descending: the seed's README order of two equal values. */
    double d[3] = {0.5, 0.7, 0.5};
    int64_t od[3];
    CHECK_EQ_INT(zb_sort_desc_pandas(d, od, 3), ZB_OK);
    CHECK_EQ_INT(od[0], 1);
    CHECK_EQ_INT(od[1], 0); /* reversed, stably sorted, reversed: the first 0.5 stays first */
    CHECK_EQ_INT(od[2], 2);
}

static void test_stats(void)
{
    CHECK(zb_mcnemar_exact(0, 0) == 1.0);
    CHECK(zb_mcnemar_exact(7, 7) == 1.0);
    CHECK(fabs(zb_mcnemar_exact(0, 5) - 0.0625) < 1e-15);
    CHECK(fabs(zb_mcnemar_exact(5, 1) - 14.0 / 64) < 1e-15);
    CHECK(fabs(zb_mcnemar_exact(3, 4) - 1.0) < 1e-15); /* 2 * 64/128 = 1 */
    CHECK(fabs(zb_mcnemar_exact(2, 8) - 2 * 56.0 / 1024) < 1e-15);
    double p = zb_mcnemar_exact(0, 2000); /* 2^-1999 ~ 1e-602 underflows to 0 */
    CHECK(p >= 0 && p < 1e-300);
    double lo, hi;
    zb_wilson95(0, 10, &lo, &hi);
    CHECK(lo == 0 && hi > 0.27 && hi < 0.28);
    zb_wilson95(10, 10, &lo, &hi);
    CHECK(hi == 1 && lo > 0.72 && lo < 0.73);
    zb_wilson95(50, 100, &lo, &hi);
    CHECK(fabs(lo + hi - 1) < 1e-12);
}

/* Two models on 6 images, checked by hand against the seed's four cases. */
static void test_table_cases(void)
{
    int64_t labels[6] = {0, 1, 2, 3, 4, 5};
    zb_npy *preds = zb_npy_new(ZB_I64, 2, (int64_t[]){6, 5}), *probs = zb_npy_new(ZB_F32, 2, (int64_t[]){6, 5});
    int64_t *pp = preds->data;
    float *pr = probs->data;
    for (int i = 0; i < 6; i++)
        for (int c = 0; c < 5; c++) {
            pp[i * 5 + c] = (i + c) % 10; /* column 0 is the label */
            pr[i * 5 + c] = c == (i % 2 ? 0 : 1) ? 0.9f : 0.01f;
        }
    /* model A: top-1 right on odd images (3/6), top-5 right everywhere */
    zb_result *a = NULL, *b = NULL;
    CHECK_EQ_INT(zb_result_from_arrays("a", preds, probs, "P", "a", &a), ZB_OK);
    for (int i = 0; i < 30; i++)
        pr[i] = (i % 5) == 0 ? 0.9f : 0.01f; /* model B: top-1 always right */
    CHECK_EQ_INT(zb_result_from_arrays("b", preds, probs, "P", "b", &b), ZB_OK);
    zb_result *res[2] = {a, b};
    zb_table *t = NULL;

    zb_table_opts o = {labels, 6, NULL, NULL, 0, 1, 0};
    CHECK_EQ_INT(zb_table_build(res, 2, &o, &t), ZB_OK);
    CHECK_EQ_INT(t->ncols, 2);
    CHECK(t->rows[0].r == b && t->rows[0].acc[0] == 1.0 && t->rows[1].acc[0] == 0.5);
    CHECK_EQ_INT(t->rows[1].rank[0], 2);
    CHECK(t->rows[1].acc[1] == 1.0);
    zb_table_free(t);

    uint8_t mask[6] = {1, 0, 1, 0, 1, 1}; /* A right on none of 0,2,4 and on 5 */
    o.mask = mask;
    CHECK_EQ_INT(zb_table_build(res, 2, &o, &t), ZB_OK);
    CHECK_EQ_INT(t->ncols, 4);
    CHECK_STR(t->cols[1], "cAcc@1");
    const zb_table_row *ra = t->rows[0].r == a ? &t->rows[0] : &t->rows[1];
    CHECK(ra->acc[0] == 0.5);          /* Acc@1 on all images */
    CHECK(ra->acc[1] == 0.25);         /* cAcc@1 on the 4 kept */
    CHECK_EQ_INT(ra->n[1], 4);
    zb_table_free(t);

    int64_t custom[4] = {9, 9, 9, 5}; /* with the mask: only image 5 keeps its label */
    o.custom = custom;
    o.n_custom = 4;
    CHECK_EQ_INT(zb_table_build(res, 2, &o, &t), ZB_OK);
    ra = t->rows[0].r == a ? &t->rows[0] : &t->rows[1];
    CHECK(ra->acc[0] == 0.25);  /* Acc@1 on the kept images, original labels */
    CHECK(ra->acc[1] == 0.25);  /* cAcc@1: 9 is never predicted; image 5 right */
    CHECK_EQ_INT(t->sort_col, 1);
    zb_table_free(t);

    o.n_custom = 3; /* wrong length */
    CHECK(zb_table_build(res, 2, &o, &t) != ZB_OK);
    CHECK(t == NULL);
    CHECK(strstr(zb_last_error(), "3 labels for 4 kept images") != NULL);

    int64_t custom6[6] = {0, 1, 2, 3, 4, 4}; /* custom labels alone: all images */
    o.mask = NULL;
    o.custom = custom6;
    o.n_custom = 6;
    CHECK_EQ_INT(zb_table_build(res, 2, &o, &t), ZB_OK);
    ra = t->rows[0].r == a ? &t->rows[0] : &t->rows[1];
    CHECK(ra->acc[0] == 0.5);
    CHECK(ra->acc[1] == 2.0 / 6); /* image 5 now wrong */
    zb_table_free(t);

    uint8_t none[6] = {0};
    o.mask = none;
    o.custom = NULL;
    CHECK(zb_table_build(res, 2, &o, &t) != ZB_OK);
    zb_result_free(a);
    zb_result_free(b);
    zb_npy_free(preds);
    zb_npy_free(probs);
}

static int helper_argsort(void)
{
    long n;
    while (scanf("%ld", &n) == 1) {
        double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
        int64_t *o = malloc((size_t)(n ? n : 1) * sizeof *o), *d = malloc((size_t)(n ? n : 1) * sizeof *d);
        for (long i = 0; i < n; i++)
            if (scanf("%lf", &v[i]) != 1)
                return 1;
        zb_argsort_numpy(v, o, n);
        if (zb_sort_desc_pandas(v, d, n) != ZB_OK)
            return 1;
        for (long i = 0; i < n; i++)
            printf(i ? " %lld" : "%lld", (long long)o[i]);
        printf("\n");
        for (long i = 0; i < n; i++)
            printf(i ? " %lld" : "%lld", (long long)d[i]);
        printf("\n");
        free(v);
        free(o);
        free(d);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "argsort"))
        return helper_argsort();
    if (argc == 4 && !strcmp(argv[1], "mcnemar")) {
        printf("%.17g\n", zb_mcnemar_exact(atoll(argv[2]), atoll(argv[3])));
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "wilson")) {
        double lo, hi;
        zb_wilson95(atoll(argv[2]), atoll(argv[3]), &lo, &hi);
        printf("%.17g %.17g\n", lo, hi);
        return 0;
    }
    RUN(test_argmax);
    RUN(test_argsort);
    RUN(test_stats);
    RUN(test_table_cases);
    return test_report();
}
