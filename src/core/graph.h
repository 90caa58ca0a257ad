/* The inference graph: nodes with inferred shapes, built by model code, then
 * prepared (weights bound and packed) and run (src/core/engine.h).
 *
 * Phase 1, build.  A model function calls the zb_<op>() builders below in
 * topological order.  Each returns the new node, or NULL once the graph has
 * failed (bad shape, out of memory); builders accept NULL inputs and return
 * NULL, so model code reads like its Python source without a check per line
 * and the first error is kept in the graph (see zb_graph_status).
 *
 * Activations are NHWC float32, batch outermost.  A node's (h, w, c) is the
 * shape of one image; the batch size is chosen at run time.  Weight tensors
 * are named by their checkpoint keys and declared with the shape the
 * checkpoint must have; they are bound at prepare. */
#ifndef ZB_CORE_GRAPH_H
#define ZB_CORE_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/kernels.h"
#include "zoobench.h"

#define ZB_KEY_MAX 160
#define ZB_MAX_WEIGHTS 4

typedef enum zb_op_kind {
    ZB_OP_INPUT,
    ZB_OP_CONV2D,
    ZB_OP_BATCHNORM,
    ZB_OP_AFFINE,           /* per-channel x * scale + shift with constants */
    ZB_OP_RELU,
    ZB_OP_RELU6,
    ZB_OP_MAXPOOL,
    ZB_OP_AVGPOOL,
    ZB_OP_ADAPTIVE_AVGPOOL,
    ZB_OP_GLOBAL_AVGPOOL,
    ZB_OP_CONCAT,
    ZB_OP_ADD,              /* a + scale * b; scale 1 gives a plain add */
    ZB_OP_FLATTEN,
    ZB_OP_DENSE,
    ZB_OP_ZEROPAD,
    ZB_OP_CROP,
    ZB_OP_SOFTMAX,
    ZB_OP_COUNT
} zb_op_kind;

/* How a checkpoint stores a weight tensor. */
typedef enum zb_wlayout {
    ZB_W_OIHW,  /* torch conv: (cout, cin/groups, kh, kw) */
    ZB_W_HWIO,  /* keras conv: (kh, kw, cin/groups, cout) */
    ZB_W_HWIM,  /* keras depthwise: (kh, kw, cin, multiplier) */
    ZB_W_OI,    /* torch linear: (out, in) */
    ZB_W_IO,    /* keras dense: (in, out) */
} zb_wlayout;

/* The order in which a flatten enumerates (h, w, c): torch flattens NCHW, so
 * its features are ordered c, h, w; keras flattens NHWC: h, w, c. */
typedef enum zb_flatten_order { ZB_FLATTEN_CHW, ZB_FLATTEN_HWC } zb_flatten_order;

typedef struct zb_conv_spec {
    int cout;
    int kh, kw;
    int sh, sw;             /* stride; 0 means 1 */
    int dh, dw;             /* dilation; 0 means 1 */
    int pt, pb, pl, pr;     /* zero padding: top, bottom, left, right */
    int groups;             /* 0 means 1; groups == cin is depthwise (cout = cin * multiplier) */
    int bias;               /* has a bias tensor */
    zb_wlayout layout;       /* ZB_W_OIHW, ZB_W_HWIO or ZB_W_HWIM (depthwise only) */
    const char *wkey;       /* weight key */
    const char *bkey;       /* bias key, when bias */
} zb_conv_spec;

typedef struct zb_bn_spec {
    float eps;
    const char *gamma, *beta;  /* keys; NULL when absent (keras scale=False / center=False) */
    const char *mean, *var;    /* keys, required */
} zb_bn_spec;

typedef struct zb_pool_spec {
    int kh, kw;
    int sh, sw;             /* 0 means the kernel size, as torch's default stride */
    int pt, pb, pl, pr;
    int ceil_mode;          /* torch ceil_mode output size */
    int count_include_pad;  /* avg pool: padding counts in the divisor */
} zb_pool_spec;

typedef struct zb_dense_spec {
    int units;
    zb_wlayout layout;       /* ZB_W_OI (torch) or ZB_W_IO (keras) */
    const char *wkey, *bkey;  /* bkey NULL: no bias */
} zb_dense_spec;

/* A weight the node needs: checkpoint key, the shape it must have, and after
 * prepare the bound tensor (borrowed from the weight map during prepare only). */
typedef struct zb_wreq {
    char key[ZB_KEY_MAX];
    int ndim;
    int64_t shape[4];
    const float *data;      /* set during prepare; NULL afterwards */
} zb_wreq;

typedef struct zb_node zb_node;

struct zb_node {
    zb_op_kind op;
    int id;                 /* position in topological order */
    char name[ZB_KEY_MAX];  /* for messages: key prefix or op name */
    int h, w, c;            /* output shape of one image, NHWC */
    int n_in;
    zb_node **in;           /* owned array of borrowed node pointers */

    union {
        zb_conv_spec conv;
        struct { float eps; int gamma, beta; } bn;  /* gamma/beta: present */
        zb_pool_spec pool;
        zb_dense_spec dense;
        struct { int oh, ow; } adaptive;
        struct { float scale; } add;
        struct { zb_flatten_order order; } flatten;
        struct { int t, b, l, r; } pad;  /* zero-pad or crop amounts */
        struct { float *scale, *shift; } affine;  /* owned, c floats each */
    } p;

    int n_wt;
    zb_wreq wt[ZB_MAX_WEIGHTS];

    /* Filled at prepare. */
    zb_kdesc k;             /* kernel descriptor: packed weights, epilogue, function */
    zb_node *alias;         /* output is stored in alias's buffer (fused or reshaped) */
    int fused;              /* computed inside its producer; skipped at run */
    int n_uses;             /* consumers */
    int last_use;           /* id of the last consumer */
    size_t offset;          /* per-image offset in the activation arena, floats */

    /* Concat in place (plan.c).  A placed node's output lives in root's
     * block at channel choff with pixel stride ld (root's channel count);
     * root NULL: in its own block.  A placed node whose kernel cannot write
     * with a stride (scatter) computes into its own block, then copies. */
    zb_node *root;
    int choff, ld;
    int scatter;
    int first_def;          /* block owners: first node that writes the block */
    unsigned char *cat_copy;    /* concat: 1 for each input it copies at run time (owned) */
    int cat_run;            /* concat: copies at least one input (else a view, not run) */
};

typedef struct zb_graph zb_graph;

/* Renames a checkpoint key to the model's canonical key (for older checkpoint
 * key styles); writes at most ZB_KEY_MAX bytes to out, returns 1 if renamed. */
typedef int (*zb_key_rename_fn)(const char *key, char *out);

/* New empty graph named `model` (for messages); NULL when out of memory. */
zb_graph *zb_graph_new(const char *model);

/* Frees the graph, its nodes and packed weights; accepts NULL. */
void zb_graph_free(zb_graph *g);

/* ZB_OK, or the first build error (also recorded with zb_error). */
zb_status zb_graph_status(const zb_graph *g);

/* Records a build error (first one wins) and marks the graph failed. */
void zb_graph_fail(zb_graph *g, zb_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Checkpoint keys starting with this prefix (or ending with the suffix) are
 * accepted and ignored at prepare: inception's "AuxLogits.", BN's
 * "num_batches_tracked".  The graph copies the strings. */
void zb_graph_ignore_prefix(zb_graph *g, const char *prefix);
void zb_graph_ignore_suffix(zb_graph *g, const char *suffix);
void zb_graph_set_rename(zb_graph *g, zb_key_rename_fn fn);

/* Marks the graph output (the last node by default). */
void zb_graph_set_output(zb_graph *g, zb_node *out);

int zb_graph_node_count(const zb_graph *g);
zb_node *zb_graph_node(const zb_graph *g, int i);
zb_node *zb_graph_output(const zb_graph *g);
const char *zb_graph_model(const zb_graph *g);

/* ---- builders: one per op, defined in src/ops/<op>.c --------------------- */

zb_node *zb_input(zb_graph *g, int h, int w, int c);
zb_node *zb_conv2d(zb_graph *g, const char *name, zb_node *x, const zb_conv_spec *s);
zb_node *zb_batchnorm(zb_graph *g, const char *name, zb_node *x, const zb_bn_spec *s);
/* x * scale[c] + shift[c] with constants (copied); inception's transform_input. */
zb_node *zb_affine(zb_graph *g, const char *name, zb_node *x, const float *scale, const float *shift);
zb_node *zb_relu(zb_graph *g, zb_node *x);
zb_node *zb_relu6(zb_graph *g, zb_node *x);
zb_node *zb_maxpool(zb_graph *g, zb_node *x, const zb_pool_spec *s);
zb_node *zb_avgpool(zb_graph *g, zb_node *x, const zb_pool_spec *s);
zb_node *zb_adaptive_avgpool(zb_graph *g, zb_node *x, int oh, int ow);
zb_node *zb_global_avgpool(zb_graph *g, zb_node *x);   /* output (1, 1, c) */
zb_node *zb_concat(zb_graph *g, int n, zb_node *const *xs);  /* channel axis */
zb_node *zb_add(zb_graph *g, zb_node *a, zb_node *b);
zb_node *zb_scaled_add(zb_graph *g, zb_node *a, zb_node *b, float scale);  /* a + scale * b */
zb_node *zb_flatten(zb_graph *g, zb_node *x, zb_flatten_order order);
zb_node *zb_dense(zb_graph *g, const char *name, zb_node *x, const zb_dense_spec *s);
zb_node *zb_dropout(zb_graph *g, zb_node *x);           /* identity at inference: returns x */
zb_node *zb_zeropad(zb_graph *g, zb_node *x, int t, int b, int l, int r);
zb_node *zb_crop(zb_graph *g, zb_node *x, int t, int b, int l, int r);
zb_node *zb_softmax(zb_graph *g, zb_node *x);           /* over channels */

/* TF 'same' padding for one axis: output ceil(in / stride), the odd pixel of
 * padding at the bottom/right. */
void zb_same_padding(int in, int k, int stride, int dilation, int *lo, int *hi);

/* ---- internal to src/core and src/ops ------------------------------------ */

/* Appends a node with inputs; NULL when the graph failed or an input is NULL. */
zb_node *zb_graph_add_node(zb_graph *g, zb_op_kind op, const char *name, int n_in, zb_node *const *in);

/* Declares a weight of node x: its key and required shape. */
void zb_node_want(zb_graph *g, zb_node *x, const char *key, int ndim, const int64_t *shape);

#endif
