/* Persistent pthread pool.  A job is (fn, ctx, n_tiles); thread i (the
 * caller is 0) owns the share [i * n / T, (i + 1) * n / T) of the tiles and
 * claims them in order, then helps with the next unclaimed tiles of the
 * other shares.  Consecutive layers tile their outputs in the same order, so
 * a thread mostly reads rows that it wrote itself, from its own core's
 * cache: one shared counter, handing tiles to whichever thread came first,
 * had made mobilenet's depthwise layers read half their input from the
 * other core (batch 1: 0.50 -> 0.41 ms for the stride-1 ones, 0.21 -> 0.16
 * for the stride-2 ones; ZB_AFFINITY=0 restores the shared counter).  Each
 * share's claim word holds the job's generation (high 32 bits) and the
 * share's next tile (low 32 bits), so a claim is valid only for the job it
 * was made for.  The caller returns when every
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
    int affine;
    atomic_int stop;
    struct slot *slot;      /* per thread: its range's claim word and end */
    struct warg *args;      /* per worker: (tp, index) */
    _Atomic uint32_t gen;   /* the current job's generation, published last */
    /* the current job: stored before its generation is published in gen */
    _Atomic(zb_tile_fn) fn;
    _Atomic(void *) ctx;
    atomic_llong n_tiles;
    atomic_llong done;      /* tiles of the current job finished */
};

/* Thread i's range of the current job's tiles, [i * n / T, (i + 1) * n / T):
 * its claim word holds (generation << 32) | next tile. */
struct slot {
    _Alignas(64) atomic_uint_fast64_t claim;
    atomic_llong end;
};

struct warg {
    zb_threadpool *tp;
    int self;
};

static uint32_t gen_of(uint64_t c) { return (uint32_t)(c >> 32); }

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

/* Claims and runs tiles of job `gen` until none is left: first from thread
 * `self`'s own range, then from the others' in turn. */
static void run_share(zb_threadpool *tp, int self, uint32_t gen, zb_tile_fn fn, void *ctx, int64_t n_tiles)
{
    for (int k = 0; k < tp->n; k++) {
        struct slot *sl = &tp->slot[(self + k) % tp->n];
        uint64_t c = atomic_load(&sl->claim);
        for (;;) {
            if (gen_of(c) != gen)
                return;
            if ((int64_t)(uint32_t)c >= atomic_load_explicit(&sl->end, memory_order_relaxed))
                break;
            if (!atomic_compare_exchange_weak(&sl->claim, &c, c + 1))
                continue;   /* c now holds the current value */
            fn(ctx, (int64_t)(uint32_t)c);
            if (atomic_fetch_add(&tp->done, 1) == n_tiles - 1 && atomic_load(&tp->waiting)) {
                pthread_mutex_lock(&tp->mu);  /* the last tile: wake the caller */
                pthread_cond_signal(&tp->fin);
                pthread_mutex_unlock(&tp->mu);
            }
            c = atomic_load(&sl->claim);
        }
    }
}

static void *worker(void *p)
{
    zb_threadpool *tp = ((struct warg *)p)->tp;
    const int self = ((struct warg *)p)->self;
    uint32_t seen = 0, g;
    for (;;) {
        g = atomic_load(&tp->gen);
        if (g == seen && !atomic_load(&tp->stop)) {
            const double t0 = now_ns();
            for (int i = 1; g == seen && !atomic_load(&tp->stop); i++) {
                CPU_RELAX();
                if (i % 64 == 0 && now_ns() - t0 > tp->spin_ns)
                    break;
                g = atomic_load(&tp->gen);
            }
        }
        if (g == seen && !atomic_load(&tp->stop)) {
            pthread_mutex_lock(&tp->mu);
            tp->sleeping++;
            while ((g = atomic_load(&tp->gen)) == seen && !atomic_load(&tp->stop))
                pthread_cond_wait(&tp->go, &tp->mu);
            tp->sleeping--;
            pthread_mutex_unlock(&tp->mu);
        }
        if (atomic_load(&tp->stop))
            break;
        seen = g;
        /* May read the next job's fields if this one is already over; then
         * no claim for generation `seen` succeeds and nothing runs. */
        run_share(tp, self, seen, atomic_load_explicit(&tp->fn, memory_order_relaxed),
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
    atomic_init(&tp->gen, 0);
    const char *aff = getenv("ZB_AFFINITY");   /* tuning: "0" = one shared counter, in order */
    tp->affine = !(aff && aff[0] == '0' && !aff[1]);
    atomic_init(&tp->done, 0);
    atomic_init(&tp->fn, NULL);
    atomic_init(&tp->ctx, NULL);
    atomic_init(&tp->n_tiles, 0);
    tp->th = calloc((size_t)nthreads, sizeof *tp->th);
    tp->args = calloc((size_t)nthreads, sizeof *tp->args);
    tp->slot = aligned_alloc(64, (size_t)nthreads * sizeof *tp->slot);
    if (tp->slot)
        for (int i = 0; i < nthreads; i++) {
            atomic_init(&tp->slot[i].claim, UINT32_MAX);
            atomic_init(&tp->slot[i].end, 0);
        }
    if (!tp->th || !tp->args || !tp->slot) {
        zb_threadpool_free(tp);
        return zb_error(ZB_ERR_NOMEM, "threadpool: out of memory");
    }
    /* On a failed start tp->n counts the workers already running, so
     * zb_threadpool_free joins exactly those. */
    tp->n = nthreads;
    for (int i = 1; i < nthreads; i++) {
        tp->args[i] = (struct warg){tp, i};
        if (pthread_create(&tp->th[i - 1], NULL, worker, &tp->args[i]) != 0) {
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
    free(tp->args);
    free(tp->slot);
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
    /* Close the previous job: each range's counter jumps past any tile
     * count, with a read-modify-write so that a worker's last claim on it
     * happens before the job fields below change.  A late worker that reads
     * the new fields then fails every claim with the old generation. */
    const uint32_t gen = atomic_load(&tp->gen) + 1;
    for (int i = 0; i < tp->n; i++) {
        uint64_t c = atomic_load(&tp->slot[i].claim);
        while (!atomic_compare_exchange_weak(&tp->slot[i].claim, &c, c | UINT32_MAX))
            ;
    }
    atomic_store_explicit(&tp->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&tp->ctx, ctx, memory_order_relaxed);
    atomic_store_explicit(&tp->n_tiles, n_tiles, memory_order_relaxed);
    atomic_store(&tp->done, 0);
    for (int i = 0; i < tp->n; i++) {
        const int64_t a = tp->affine ? n_tiles * i / tp->n : (i ? n_tiles : 0);
        const int64_t b = tp->affine ? n_tiles * (i + 1) / tp->n : n_tiles;
        atomic_store(&tp->slot[i].end, b);
        atomic_store(&tp->slot[i].claim, (uint64_t)gen << 32 | (uint64_t)a);
    }
    atomic_store(&tp->gen, gen);
    pthread_mutex_lock(&tp->mu);
    if (tp->sleeping)
        pthread_cond_broadcast(&tp->go);
    pthread_mutex_unlock(&tp->mu);
    run_share(tp, 0, gen, fn, ctx, n_tiles);
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
