/* Model benchmarks without weight files: parameter and multiply-add counts
 * read from a built graph, and timed forward passes on seeded random weights
 * (used by `zoobench bench`, cli/cmd_bench.c). */
#ifndef ZB_BENCH_BENCH_H
#define ZB_BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/graph.h"
#include "zoobench.h"

/* Learnable parameters and multiply-adds of one image, counted from the
 * graph's declared weights and inferred shapes:
 *   params: every declared weight element except batchnorm running mean and
 *           variance (as torch's sum(p.numel() for p in model.parameters()));
 *   macs:   convolutions  cout * (kh * kw * cin / groups) * oh * ow,
 *           dense layers  in * out.
 * Other ops (batchnorm, pooling, adds, activations) are not counted, as in
 * the usual FLOP tables.  One multiply-add is 2 FLOPs. */
void zb_bench_count(const zb_graph *g, int64_t *params, int64_t *macs);

typedef struct zb_bench_opts {
    int size;       /* square input side; 0: the model's default */
    int batch;      /* images per forward pass, >= 1 */
    int threads;    /* >= 1 */
    int iters;      /* timed forward passes, >= 1 */
    int warmup;     /* untimed passes first, >= 0 */
    uint64_t seed;  /* random weights and input */
    FILE *profile;  /* non-NULL: time every node of the timed passes and write
                       the profile here (zb_graph_profile_write) */
    int profile_nodes;  /* slowest nodes listed in the profile */
} zb_bench_opts;

typedef struct zb_bench_result {
    const char *model;      /* registry name (static storage) */
    int size, batch, threads, iters;
    int64_t params;         /* per model */
    int64_t macs;           /* per image */
    double ms_median;       /* ms per batch: median of iters */
    double ms_min, ms_max;
    double img_per_s;       /* batch / median */
    double gflop_per_s;     /* 2 * macs * batch / median */
    size_t arena_bytes;     /* activation memory at this batch */
} zb_bench_result;

/* Builds `model` at opts->size, binds seeded random weights
 * (zb_graph_random_weights), prepares it and times opts->iters forward passes
 * of a seeded random batch after opts->warmup untimed ones.  Fills *r. */
zb_status zb_bench_model(const char *model, const zb_bench_opts *opts, zb_bench_result *r);

/* Median of n values (n >= 1); reorders v. */
double zb_bench_median(double *v, int n);

#endif
