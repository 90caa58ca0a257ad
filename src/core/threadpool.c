/* Persistent pthread pool.  A job is (fn, ctx, n_tiles); threads, the caller
 * among them, claim tiles from one atomic word that holds the job's
 * generation (high 32 bits) and the next tile (low 32 bits), so a claim is
 * valid only for the job it was made for.  The caller returns when every
 * tile is finished (a count of finished tiles), not when every worker has
 * checked in: a worker that another process keeps off its core costs
 * nothing unless it holds a tile.  Between jobs a worker spins briefly
 * (consecutive layers follow within microseconds), then sleeps on a
 * condition variable.  Which thread runs a tile never changes what the tile
 * computes. */
#include "core/threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#include "core/status.h"

enum { SPIN_US_DEFAULT = 20 };  /* spin this long for the next job / the last tile, then sleep */

struct zb_threadpool {
    int n;                  /* threads including the caller */
    pthread_t *th;          /* (n - 1) workers */
    pthread_mutex_t mu;
    pthread_cond_t go;
    pthread_cond_t fin;     /* the caller waits here for the last tile */
    int sleeping;           /* workers waiting on go (under mu) */
    atomic_int waiting;     /* the caller waits on fin */
    double spin_ns;
    atomic_int stop;
    atomic_uint_fast64_t claim;     /* (generation << 32) | next tile */
    /* the current job: stored before its generation is published in claim */
    _Atomic(zb_tile_fn) fn;
    _Atomic(void *) ctx;
    atomic_llong n_tiles;
    atomic_llong done;      /* tiles of the current job finished */
};

static uint32_t gen_of(uint64_t c) { return (uint32_t)(c >> 32); }

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

/* Claims and runs tiles of job `gen` until none is left. */
static void run_share(zb_threadpool *tp, uint32_t gen, zb_tile_fn fn, void *ctx, int64_t n_tiles)
{
    uint64_t c = atomic_load(&tp->claim);
    for (;;) {
        if (gen_of(c) != gen || (int64_t)(uint32_t)c >= n_tiles)
            return;
        if (!atomic_compare_exchange_weak(&tp->claim, &c, c + 1))
            continue;   /* c now holds the current value */
        fn(ctx, (int64_t)(uint32_t)c);
        if (atomic_fetch_add(&tp->done, 1) == n_tiles - 1 && atomic_load(&tp->waiting)) {
            pthread_mutex_lock(&tp->mu);  /* the last tile: wake the caller */
            pthread_cond_signal(&tp->fin);
            pthread_mutex_unlock(&tp->mu);
        }
        c = atomic_load(&tp->claim);
    }
}

static void *worker(void *p)
{
    zb_threadpool *tp = p;
    uint32_t seen = 0;
    for (;;) {
        uint64_t c = atomic_load(&tp->claim);
        if (gen_of(c) == seen && !atomic_load(&tp->stop)) {
            const double t0 = now_ns();
            for (int i = 1; gen_of(c) == seen && !atomic_load(&tp->stop); i++) {
                CPU_RELAX();
                if (i % 64 == 0 && now_ns() - t0 > tp->spin_ns)
                    break;
                c = atomic_load(&tp->claim);
            }
        }
        if (gen_of(c) == seen && !atomic_load(&tp->stop)) {
            pthread_mutex_lock(&tp->mu);
            tp->sleeping++;
            while (gen_of(c = atomic_load(&tp->claim)) == seen && !atomic_load(&tp->stop))
                pthread_cond_wait(&tp->go, &tp->mu);
            tp->sleeping--;
            pthread_mutex_unlock(&tp->mu);
        }
        if (atomic_load(&tp->stop))
            break;
        seen = gen_of(c);
        /* May read the next job's fields if this one is already over; then
         * no claim for generation `seen` succeeds and nothing runs. */
        run_share(tp, seen, atomic_load_explicit(&tp->fn, memory_order_relaxed),
                  atomic_load_explicit(&tp->ctx, memory_order_relaxed),
                  atomic_load_explicit(&tp->n_tiles, memory_order_relaxed));
    }
    return NULL;
}

zb_status zb_threadpool_create(int nthreads, zb_threadpool **out)
{
    *out = NULL;
    if (nthreads < 1 || nthreads > 1024)
        return zb_error(ZB_ERR_ARG, "threadpool: %d threads (expected 1 to 1024)", nthreads);
    zb_threadpool *tp = calloc(1, sizeof *tp);
    if (!tp)
        return zb_error(ZB_ERR_NOMEM, "threadpool: out of memory");
    tp->n = 1;
    pthread_mutex_init(&tp->mu, NULL);
    pthread_cond_init(&tp->go, NULL);
    pthread_cond_init(&tp->fin, NULL);
    atomic_init(&tp->waiting, 0);
    const char *env = getenv("ZB_SPIN_US");   /* tuning: how long threads spin before sleeping */
    tp->spin_ns = 1e3 * (env && *env ? atof(env) : SPIN_US_DEFAULT);
    atomic_init(&tp->stop, 0);
    atomic_init(&tp->claim, 0);
    atomic_init(&tp->done, 0);
    atomic_init(&tp->fn, NULL);
    atomic_init(&tp->ctx, NULL);
    atomic_init(&tp->n_tiles, 0);
    tp->th = calloc((size_t)nthreads, sizeof *tp->th);
    if (!tp->th) {
        zb_threadpool_free(tp);
        return zb_error(ZB_ERR_NOMEM, "threadpool: out of memory");
    }
    /* On a failed start tp->n counts the workers already running, so
     * zb_threadpool_free joins exactly those. */
    tp->n = nthreads;
    for (int i = 1; i < nthreads; i++) {
        if (pthread_create(&tp->th[i - 1], NULL, worker, tp) != 0) {
            tp->n = i;
            zb_threadpool_free(tp);
            return zb_error(ZB_ERR_NOMEM, "threadpool: cannot start thread %d of %d", i + 1, nthreads);
        }
    }
    return (*out = tp), ZB_OK;
}

void zb_threadpool_free(zb_threadpool *tp)
{
    if (!tp)
        return;
    pthread_mutex_lock(&tp->mu);
    atomic_store(&tp->stop, 1);
    pthread_cond_broadcast(&tp->go);
    pthread_mutex_unlock(&tp->mu);
    if (tp->th)
        for (int i = 1; i < tp->n; i++)
            pthread_join(tp->th[i - 1], NULL);
    pthread_cond_destroy(&tp->go);
    pthread_cond_destroy(&tp->fin);
    pthread_mutex_destroy(&tp->mu);
    free(tp->th);
    free(tp);
}

int zb_threadpool_size(const zb_threadpool *tp) { return tp ? tp->n : 1; }

void zb_parallel_for(zb_threadpool *tp, int64_t n_tiles, zb_tile_fn fn, void *ctx)
{
    if (n_tiles <= 0)
        return;
    if (!tp || tp->n == 1 || n_tiles == 1 || n_tiles >= UINT32_MAX) {
        for (int64_t t = 0; t < n_tiles; t++)
            fn(ctx, t);
        return;
    }
    /* Close the previous job: its counter jumps past any tile count, with a
     * read-modify-write so that a worker's last claim on it happens before
     * the job fields below change.  A late worker that reads the new fields
     * then fails every claim with the old generation. */
    uint64_t c = atomic_load(&tp->claim);
    while (!atomic_compare_exchange_weak(&tp->claim, &c, c | UINT32_MAX))
        ;
    atomic_store_explicit(&tp->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&tp->ctx, ctx, memory_order_relaxed);
    atomic_store_explicit(&tp->n_tiles, n_tiles, memory_order_relaxed);
    atomic_store(&tp->done, 0);
    const uint32_t gen = gen_of(c) + 1;
    atomic_store(&tp->claim, (uint64_t)gen << 32);
    pthread_mutex_lock(&tp->mu);
    if (tp->sleeping)
        pthread_cond_broadcast(&tp->go);
    pthread_mutex_unlock(&tp->mu);
    run_share(tp, gen, fn, ctx, n_tiles);
    if (atomic_load(&tp->done) == n_tiles)
        return;
    const double t0 = now_ns();
    for (int i = 1; atomic_load(&tp->done) < n_tiles; i++) {
        CPU_RELAX();
        if (i % 64 == 0 && now_ns() - t0 > tp->spin_ns)
            break;
    }
    pthread_mutex_lock(&tp->mu);
    atomic_store(&tp->waiting, 1);
    while (atomic_load(&tp->done) < n_tiles)
        pthread_cond_wait(&tp->fin, &tp->mu);
    atomic_store(&tp->waiting, 0);
    pthread_mutex_unlock(&tp->mu);
}
