/* A persistent pthread pool that splits OUTPUT tiles across threads.
 *
 *     zb_threadpool *tp = NULL;
 *     zb_threadpool_create(2, &tp);
 *     zb_parallel_for(tp, n_tiles, compute_tile, ctx);   // fn(ctx, t) for t in [0, n_tiles)
 *     zb_threadpool_free(tp);
 *
 * Thread i of T (the caller is 0) takes, in increasing order, the tiles of
 * its share [i * n / T, (i + 1) * n / T), then the next unclaimed tiles of
 * the other shares; so neighbouring tiles tend to run on one thread, layer
 * after layer.  A tile function must write only its own outputs and must
 * not reduce across tiles, so results never depend on which thread ran a
 * tile.  One zb_parallel_for at a time per pool. */
#ifndef ZB_CORE_THREADPOOL_H
#define ZB_CORE_THREADPOOL_H

#include <stdint.h>

#include "zoobench.h"

typedef struct zb_threadpool zb_threadpool;

typedef void (*zb_tile_fn)(void *ctx, int64_t tile);

/* A pool of `nthreads` (>= 1; the caller counts as one, so nthreads - 1
 * workers are started).  *out is freed with zb_threadpool_free; NULL on error. */
zb_status zb_threadpool_create(int nthreads, zb_threadpool **out);

/* Stops and joins the workers.  Accepts NULL. */
void zb_threadpool_free(zb_threadpool *tp);

/* Number of threads including the caller; 1 for a NULL pool. */
int zb_threadpool_size(const zb_threadpool *tp);

/* Runs fn(ctx, t) for every t in [0, n_tiles) and returns when all are done.
 * A NULL pool runs them all on the caller. */
void zb_parallel_for(zb_threadpool *tp, int64_t n_tiles, zb_tile_fn fn, void *ctx);

#endif
