/* Phases 2 and 3 of a graph (src/core/graph.h): prepare, then run.
 *
 *     zb_graph *g = zb_graph_new("torchvision/resnet50");
 *     ... model builders ...                          // phase 1: build
 *     zb_graph_prepare(g, wmap, NULL);                // phase 2: bind, check, fuse, pack, plan
 *     zb_graph_run(g, x, n, y);                       // phase 3: any batch size, many times
 *     zb_graph_free(g);
 */
#ifndef ZB_CORE_ENGINE_H
#define ZB_CORE_ENGINE_H

#include <stdio.h>

#include "core/graph.h"
#include "core/wmap.h"

typedef struct zb_prepare_opts {
    int no_fuse;        /* keep batchnorm, relu and zero-pad as separate ops, copy every
                           concat input, write no op in place (for tests) */
} zb_prepare_opts;

/* Binds every declared weight by checkpoint key (after the model's key
 * rename), checks shapes, rejects missing and unexpected keys (except the
 * graph's ignore lists), packs weights for the chosen kernels, fuses
 * batchnorm/relu into their producers, and plans activation memory.
 * The weight map is only read; it may be freed afterwards.  Errors name the
 * key and both shapes: "torchvision/resnet18: key 'fc.weight': checkpoint
 * has (10, 512), model expects (1000, 512)". */
zb_status zb_graph_prepare(zb_graph *g, const zb_wmap *w, const zb_prepare_opts *opts);

/* Threads used by run (>= 1).  Results are bitwise the same for any count. */
void zb_graph_set_threads(zb_graph *g, int nthreads);

/* Runs a batch: x is (n, H, W, C) NHWC float32 as declared by zb_input;
 * y receives the output node's (n, h * w * c) values in NHWC order.  The
 * activation arena grows as needed and is kept for later runs.  A batch
 * larger than zb_graph_batch_chunk images runs in passes of that many
 * (same bits: no image's values depend on the others). */
zb_status zb_graph_run(zb_graph *g, const float *x, int n, float *y);

/* Activation memory of one image in bytes (after prepare). */
size_t zb_graph_arena_bytes_per_image(const zb_graph *g);

/* Images per pass when a batch is larger, chosen at prepare (0: a batch
 * runs whole).  ZB_BATCH_CHUNK=N in the environment sets it. */
int zb_graph_batch_chunk(const zb_graph *g);

/* Profiling (src/core/profile.c): while on, every run adds each computed
 * node's wall time to a per-node sum; turning it on clears the sums. */
zb_status zb_graph_set_profile(zb_graph *g, int on);

/* Writes the profiled time per run by op kind, then the max_nodes slowest
 * nodes (op with what was fused into it, shapes, name), to f.  Nothing when
 * no profiled run happened. */
zb_status zb_graph_profile_write(const zb_graph *g, FILE *f, int max_nodes);

/* Seeded random weights for every weight the graph declares, scaled like a
 * trained net (uniform +-sqrt(3 / fan_in); batchnorm variances in [0.5, 1.5]),
 * for benchmarks and invariance tests that need no weight file.  On success
 * *out is a new map the caller frees with zb_wmap_free. */
zb_status zb_graph_random_weights(const zb_graph *g, uint64_t seed, zb_wmap **out);

#endif
