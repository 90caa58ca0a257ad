/* Persistent pthread pool: workers sleep on a condition variable between
 * jobs; a job is (fn, ctx, n_tiles) and a generation number that tells the
 * workers a new one has been posted.  Threads take tiles from a shared
 * atomic counter, so a thread slowed by another process on its core takes
 * fewer tiles; which thread runs a tile never changes what the tile computes. */
#include "core/threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/status.h"

struct zb_threadpool {
    int n;                  /* threads including the caller */
    pthread_t *th;          /* (n - 1) workers */
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    uint64_t gen;           /* incremented per job */
    int pending;            /* workers still running the current job */
    int stop;
    zb_tile_fn fn;
    void *ctx;
    int64_t n_tiles;
    atomic_llong next;      /* next tile to take */
};

static void run_share(zb_threadpool *tp, zb_tile_fn fn, void *ctx, int64_t n_tiles)
{
    for (;;) {
        const int64_t t = atomic_fetch_add_explicit(&tp->next, 1, memory_order_relaxed);
        if (t >= n_tiles)
            break;
        fn(ctx, t);
    }
}

static void *worker(void *p)
{
    zb_threadpool *tp = p;
    uint64_t seen = 0;
    pthread_mutex_lock(&tp->mu);
    for (;;) {
        while (!tp->stop && tp->gen == seen)
            pthread_cond_wait(&tp->go, &tp->mu);
        if (tp->stop)
            break;
        seen = tp->gen;
        zb_tile_fn fn = tp->fn;
        void *ctx = tp->ctx;
        int64_t n_tiles = tp->n_tiles;
        pthread_mutex_unlock(&tp->mu);
        run_share(tp, fn, ctx, n_tiles);
        pthread_mutex_lock(&tp->mu);
        if (--tp->pending == 0)
            pthread_cond_signal(&tp->done);
    }
    pthread_mutex_unlock(&tp->mu);
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
    pthread_cond_init(&tp->done, NULL);
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
    tp->stop = 1;
    pthread_cond_broadcast(&tp->go);
    pthread_mutex_unlock(&tp->mu);
    if (tp->th)
        for (int i = 1; i < tp->n; i++)
            pthread_join(tp->th[i - 1], NULL);
    pthread_cond_destroy(&tp->go);
    pthread_cond_destroy(&tp->done);
    pthread_mutex_destroy(&tp->mu);
    free(tp->th);
    free(tp);
}

int zb_threadpool_size(const zb_threadpool *tp) { return tp ? tp->n : 1; }

void zb_parallel_for(zb_threadpool *tp, int64_t n_tiles, zb_tile_fn fn, void *ctx)
{
    if (n_tiles <= 0)
        return;
    if (!tp || tp->n == 1 || n_tiles == 1) {
        for (int64_t t = 0; t < n_tiles; t++)
            fn(ctx, t);
        return;
    }
    pthread_mutex_lock(&tp->mu);
    tp->fn = fn;
    tp->ctx = ctx;
    tp->n_tiles = n_tiles;
    tp->pending = tp->n - 1;
    atomic_store_explicit(&tp->next, 0, memory_order_relaxed);
    tp->gen++;
    pthread_cond_broadcast(&tp->go);
    pthread_mutex_unlock(&tp->mu);
    run_share(tp, fn, ctx, n_tiles);
    pthread_mutex_lock(&tp->mu);
    while (tp->pending > 0)
        pthread_cond_wait(&tp->done, &tp->mu);
    pthread_mutex_unlock(&tp->mu);
}
