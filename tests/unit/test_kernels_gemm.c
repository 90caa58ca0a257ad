/* Packed SGEMM against its reference twin and against an FMA-chain oracle,
 * and the bitwise invariance of rows under M, tile offset and thread count.
 *
 * Tolerance against the reference (separate multiply and add): both sum the
 * same K products in the same order; each result of a recursive sum of K
 * terms is within gamma_K * S of the exact sum (S = sum |a_k b_k|, gamma_K ~
 * K u, u = 2^-24), so the two differ by at most 2 K u S.  The epilogue's bias
 * add then rounds each side once more (u |y| each).  No tighter bound holds
 * for all inputs; the exact arithmetic is checked bitwise against the FMA
 * chain instead. */
#include <stdatomic.h>
#include <stdlib.h>

#include "core/bigalloc.h"
#include "harness.h"
#include "kernels/fast.h"
#include "kernels_util.h"

static float fma_chain(const float *a, const float *b, ptrdiff_t sb, int k)
{
    float acc = 0.0f;
    for (int i = 0; i < k; i++)
        acc = fmaf(a[i], b[i * sb], acc);
    return acc;
}

static void check_shape(int m, int n, int k, int lda_pad)
{
    const int lda = k + lda_pad, ldc = n + 3;
    float *a = rand_buf((size_t)m * lda), *b = rand_buf((size_t)k * n), *bias = rand_buf(n);
    float *scale = rand_buf(n), *shift = rand_buf(n);
    float *c = malloc((size_t)m * ldc * sizeof *c), *r = malloc((size_t)m * ldc * sizeof *r);
    /* 1: bias + relu against the reference twin, within the bound above */
    zb_epi e1 = {bias, NULL, NULL, ZB_EPI_RELU};
    zb_gemm_b pb;
    CHECK(zb_gemm_pack(&pb, k, n, b, n, 1, &e1) == ZB_OK);
    zb_gemm_rows(&pb, 0, m, a, lda, c, ldc);
    zb_gemm_ref(m, n, k, a, lda, b, n, 1, r, ldc, &e1);
    int bad = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int t = 0; t < k; t++)
                s += fabs((double)a[i * lda + t] * b[t * n + j]);
            const double got = c[i * ldc + j], want = r[i * ldc + j];
            if (fabs(got - want) > 2 * k * U * s + 2 * U * (fabs(want) + fabs(bias[j])) + 1e-37)
                bad++;
        }
    CHECK_EQ_INT(bad, 0);
    zb_gemm_b_free(&pb);
    /* 2: full epilogue, B given transposed (torch's linear layout), bitwise
     * against the FMA chain */
    float *bt = malloc((size_t)k * n * sizeof *bt);   /* (n, k) */
    for (int t = 0; t < k; t++)
        for (int j = 0; j < n; j++)
            bt[(size_t)j * k + t] = b[(size_t)t * n + j];
    zb_epi e2 = {bias, scale, shift, ZB_EPI_RELU6};
    CHECK(zb_gemm_pack(&pb, k, n, bt, 1, k, &e2) == ZB_OK);
    zb_gemm(&pb, NULL, m, a, lda, c, ldc);
    bad = 0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float v = zb_epi_apply(&e2, j, fma_chain(a + (size_t)i * lda, b + j, n, k));
            bad += memcmp(&v, &c[i * ldc + j], sizeof v) != 0;
        }
    CHECK_EQ_INT(bad, 0);
    if (bad)
        fprintf(stderr, "  shape m=%d n=%d k=%d\n", m, n, k);
    zb_gemm_b_free(&pb);
    free(a), free(b), free(bt), free(bias), free(scale), free(shift), free(c), free(r);
}

static void test_odd_shapes(void)
{
    static const int sizes[] = {1, 2, 5, 6, 7, 15, 16, 17, 31, 33};
    const size_t ns = sizeof sizes / sizeof *sizes;
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < ns; j++)
            for (size_t l = 0; l < ns; l += 3)
                check_shape(sizes[i], sizes[j], sizes[l], (int)(i % 3));
    /* several K blocks, a ragged last block */
    check_shape(13, 40, 577, 1);
    check_shape(7, 17, 1153, 0);
    check_shape(1, 1000, 2049, 0);
}

/* Row i of C must have the same bits however it is reached. */
static void row_invariance(int m, int n, int k)
{
    float *a = rand_buf((size_t)m * k), *b = rand_buf((size_t)k * n), *bias = rand_buf(n);
    float *c0 = malloc((size_t)m * n * sizeof *c0), *c1 = malloc((size_t)m * n * sizeof *c1);
    zb_epi e = {bias, NULL, NULL, ZB_EPI_RELU};
    zb_gemm_b pb;
    CHECK(zb_gemm_pack(&pb, k, n, b, n, 1, &e) == ZB_OK);
    zb_gemm(&pb, NULL, m, a, k, c0, n);
    /* every row alone (M = 1: always an edge tile) */
    int bad = 0;
    for (int i = 0; i < m; i++) {
        zb_gemm(&pb, NULL, 1, a + (size_t)i * k, k, c1 + (size_t)i * n, n);
        bad += memcmp(c0 + (size_t)i * n, c1 + (size_t)i * n, n * sizeof *c0) != 0;
    }
    CHECK_EQ_INT(bad, 0);
    /* rows reached at every tile offset, in ranges of several lengths */
    for (int len = 1; len < 9; len++) {
        memset(c1, 0, (size_t)m * n * sizeof *c1);
        for (int m0 = 0; m0 < m; m0 += len)
            zb_gemm_rows(&pb, m0, m0 + len < m ? m0 + len : m, a, k, c1, n);
        CHECK(!memcmp(c0, c1, (size_t)m * n * sizeof *c0));
    }
    /* a prefix of the batch (smaller M) */
    for (int mm = 1; mm < m; mm += m / 6 + 1) {
        zb_gemm(&pb, NULL, mm, a, k, c1, n);
        CHECK(!memcmp(c0, c1, (size_t)mm * n * sizeof *c0));
    }
    /* an epilogue set after packing (a fused batchnorm) acts the same */
    zb_gemm_b pb2;
    CHECK(zb_gemm_pack(&pb2, k, n, b, n, 1, NULL) == ZB_OK);
    CHECK(zb_gemm_set_epi(&pb2, &e) == ZB_OK);
    zb_gemm(&pb2, NULL, m, a, k, c1, n);
    CHECK(!memcmp(c0, c1, (size_t)m * n * sizeof *c0));
    zb_gemm_b_free(&pb2);
    /* thread counts (tile shapes change with them) */
    for (int t = 1; t <= 4; t++) {
        zb_threadpool *tp = NULL;
        CHECK(zb_threadpool_create(t, &tp) == ZB_OK);
        memset(c1, 0, (size_t)m * n * sizeof *c1);
        zb_gemm(&pb, tp, m, a, k, c1, n);
        CHECK(!memcmp(c0, c1, (size_t)m * n * sizeof *c0));
        zb_threadpool_free(tp);
    }
    zb_gemm_b_free(&pb);
    free(a), free(b), free(bias), free(c0), free(c1);
}

static void test_row_invariance(void)
{
    row_invariance(41, 37, 800);
    /* few tiles at 2-4 threads (plan_tiles' makespan choice): one row tile
     * of 21 panels, the last one partial; five row tiles, the last short;
     * weights larger than A and C (tiles numbered down the columns) in two
     * row tiles */
    row_invariance(64, 330, 900);
    row_invariance(289, 200, 800);
    row_invariance(100, 400, 900);
    /* an A of more than 16 MB: zb_gemm prefetches its rows (zb_gemm_rows
     * does not), in several K blocks and row groups */
    row_invariance(4111, 37, 1100);
}

/* Packed weights and the arena: 64-byte aligned, 2 MiB aligned from 2 MiB on
 * (transparent huge pages), every byte writable. */
static void test_big_alloc(void)
{
    static const size_t sizes[] = {0, 1, 63, 4096, (2 << 20) - 1, 2 << 20, (3 << 20) + 5};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *p = zb_big_alloc(sizes[i]);
        CHECK(p != NULL);
        if (!p)
            continue;
        const uintptr_t align = sizes[i] >= (2 << 20) ? (2 << 20) : 64;
        CHECK_EQ_INT((int)((uintptr_t)p % align), 0);
        memset(p, 0xa5, sizes[i]);
        free(p);
    }
    CHECK(zb_big_alloc(SIZE_MAX - 5) == NULL);
}

static void test_kc(void)
{
    /* K blocks depend on K alone, cover it, and fit the scratch arrays */
    for (int k = 1; k < 5000; k += 37) {
        int kc = zb_gemm_kc(k);
        CHECK(kc >= 1 && kc <= 512);
    }
    zb_gemm_b pb;
    CHECK(zb_gemm_pack(&pb, 0, 4, NULL, 4, 1, NULL) == ZB_ERR_ARG);
    zb_gemm_b_free(NULL);
}

static void tp_count(void *ctx, int64_t t) { atomic_fetch_add(&((atomic_int *)ctx)[t], 1); }

/* The first tiles take long, so the other threads finish their shares and
 * take the rest of the first share. */
static atomic_long tp_sink;   /* keeps the busy loop */

static void tp_count_slow(void *ctx, int64_t t)
{
    if (t < 6) {
        double x = 0;
        for (int i = 0; i < 200000; i++)
            x += i;
        atomic_store_explicit(&tp_sink, (long)x, memory_order_relaxed);
    }
    tp_count(ctx, t);
}

static void test_threadpool(void)
{
    /* every tile runs exactly once, whatever the thread count, with shares
     * (default) and with the one shared counter (ZB_AFFINITY=0) */
    for (int mode = 0; mode < 2; mode++) {
        setenv("ZB_AFFINITY", mode ? "0" : "1", 1);
        for (int t = 1; t <= 5; t++) {
            zb_threadpool *tp = NULL;
            CHECK(zb_threadpool_create(t, &tp) == ZB_OK);
            CHECK_EQ_INT(zb_threadpool_size(tp), t);
            for (int n = 0; n < 40; n += 3) {
                atomic_int counts[40];
                for (int i = 0; i < 40; i++)
                    atomic_init(&counts[i], 0);
                for (int rep = 0; rep < 3; rep++)
                    zb_parallel_for(tp, n, rep == 1 ? tp_count_slow : tp_count, counts);
                int bad = 0;
                for (int i = 0; i < 40; i++)
                    bad += atomic_load(&counts[i]) != (i < n ? 3 : 0);
                CHECK_EQ_INT(bad, 0);
            }
            zb_threadpool_free(tp);
        }
    }
    unsetenv("ZB_AFFINITY");
    zb_threadpool *tp = NULL;
    CHECK(zb_threadpool_create(0, &tp) == ZB_ERR_ARG && !tp);
    zb_threadpool_free(NULL);
}

int main(void)
{
    fprintf(stderr, "kernels: %s\n", zb_cpu_kernels_name());
    RUN(test_odd_shapes);
    RUN(test_row_invariance);
    RUN(test_kc);
    RUN(test_big_alloc);
    RUN(test_threadpool);
    return test_report();
}
