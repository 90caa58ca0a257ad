/* The graph's fields, shared by graph.c (build), engine.c (prepare, run) and
 * plan.c (memory).  Model and op code use the functions of graph.h. */
#ifndef ZB_CORE_GRAPH_INTERNAL_H
#define ZB_CORE_GRAPH_INTERNAL_H

#include "core/graph.h"
#include "core/threadpool.h"

struct zb_graph {
    char model[ZB_KEY_MAX];
    zb_node **nodes;            /* owned, topological order */
    int n_nodes, cap_nodes;
    zb_node *output;            /* NULL: the last node */
    zb_status status;           /* first build error */
    char error[600];
    char **ignore_prefix, **ignore_suffix;  /* owned strings */
    int n_ignore_prefix, n_ignore_suffix;
    zb_key_rename_fn rename;

    /* prepare */
    int prepared;
    int plain;                  /* prepared with no_fuse: no fusion, folding, placement or reuse in place */
    size_t arena_per_image;     /* floats of activation memory per image */
    int chunk;                  /* images per pass of a larger batch (0: the whole batch) */

    /* run */
    int nthreads;
    zb_threadpool *pool;        /* owned; nthreads threads, made at the first run */
    float *arena;               /* owned; arena_cap floats */
    size_t arena_cap;

    /* profile (zb_graph_set_profile) */
    int profile;
    double *prof_s;             /* owned; seconds per node, summed over runs */
    int64_t prof_runs;
};

/* Concat in place (plan.c): sets root, choff, ld, scatter of the nodes
 * stored in a concat's block, cat_copy/cat_run of the concats, and the
 * kernels' ldx/ldy.  in_place 0: every concat copies all its inputs.
 * After fusion, before the kernels' finish. */
zb_status zb_place_concats(zb_graph *g, int in_place);

/* Places every computed node's output in one arena by liveness (plan.c):
 * sets node->offset (floats per image) and g->arena_per_image. */
zb_status zb_plan_memory(zb_graph *g);

/* The node whose buffer holds x's output (follows aliases). */
static inline zb_node *zb_storage(zb_node *x)
{
    while (x->alias)
        x = x->alias;
    return x;
}

#endif
