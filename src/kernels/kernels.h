/* The kernel interface: what the engine calls for each node at run time.
 *
 * At prepare, each node fills a zb_kdesc (geometry of one image, NHWC) and
 * asks zb_kernel_select() for a kernel for its op.  The choice depends on the
 * layer alone (op and geometry), never on the batch size or thread count, so
 * every output element has one reduction order for the life of the layer.
 * The kernel packs the node's weights once (pack), then run() computes
 * output rows [r0, r1) of the batch, where row r is image r / oh, output row
 * r % oh.  A thread pool may split [0, n * oh) into tiles across threads; a
 * kernel must give bitwise the same row whatever range it is called with.
 *
 * The reference kernels (src/kernels/ref) define the arithmetic; fast kernels
 * (src/kernels/x86) are tested against them and chosen in select.c. */
#ifndef ZB_KERNELS_KERNELS_H
#define ZB_KERNELS_KERNELS_H

#include <stdint.h>

#include "core/threadpool.h"
#include "zoobench.h"

typedef enum zb_kop {
    ZB_K_CONV2D,
    ZB_K_DENSE,
    ZB_K_ELTWISE,           /* y = act(x * scale + shift): batchnorm, affine, relu */
    ZB_K_MAXPOOL,
    ZB_K_AVGPOOL,
    ZB_K_ADAPTIVE_AVGPOOL,
    ZB_K_GLOBAL_AVGPOOL,
    ZB_K_CONCAT,
    ZB_K_ADD,
    ZB_K_ZEROPAD,           /* zero-pad (pt, pb, pl, pr >= 0) */
    ZB_K_CROP,              /* crop (pt, pl: rows/cols dropped at the top/left) */
    ZB_K_SOFTMAX,
    ZB_K_COUNT
} zb_kop;

typedef enum zb_act { ZB_ACT_NONE, ZB_ACT_RELU, ZB_ACT_RELU6 } zb_act;

struct zb_kernel;

/* Everything a kernel needs for one node.  Shapes are per image, NHWC.
 *
 * Epilogue, applied to each output in this order (the order torch applies
 * conv bias, then batchnorm, then relu):
 *     y = acc;  y = y + bias[c];  y = y * scale[c] + shift[c];  y = act(y)
 * Absent arrays (NULL) skip their step. */
typedef struct zb_kdesc {
    const struct zb_kernel *kern;
    int ih, iw, ic;         /* first input */
    int oh, ow, oc;         /* output */
    int kh, kw, sh, sw, dh, dw;
    int pt, pb, pl, pr;     /* padding (conv, pool, zero-pad) or crop offsets */
    int groups;
    int count_include_pad;  /* avg pool */
    int n_in;               /* concat: number of inputs */
    const int *in_c;        /* concat: channels of each input (owned by the node) */
    float alpha;            /* add: y = a + alpha * b (alpha 1: a + b exactly) */
    int ldx, ldy;           /* pixel strides (floats) of input 0 and of the output when the
                               engine stores them inside a wider concat buffer; 0: ic, oc.
                               Set only for kernels with ZB_KF_LDX / ZB_KF_LDY */
    float *packed;          /* kernel-specific weight layout, owned (free) */
    float *bias, *scale, *shift;  /* epilogue, owned, oc floats each, or NULL */
    zb_act act;
    void *fast;                   /* a fast kernel's own state (owned) or NULL */
    void (*fast_free)(void *);    /* frees `fast` */
} zb_kdesc;

/* Output rows [r0, r1) of the batch from inputs x[0..n_in) into y. */
typedef void (*zb_kernel_fn)(const zb_kdesc *d, const float *const *x, float *y, int64_t r0, int64_t r1);

typedef struct zb_kernel {
    const char *name;       /* says what it is: "ref_conv2d_nhwc" */
    /* Packs canonical weights into d->packed (allocates it).  Canonical forms:
     * conv2d (oc, ic / groups, kh, kw); dense (oc, in) with `in` in NHWC order
     * of the input.  NULL for ops without weights. */
    zb_status (*pack)(zb_kdesc *d, const float *canonical);
    zb_kernel_fn run;
    /* Optional.  Called once after fusion, when the epilogue is final. */
    zb_status (*finish)(zb_kdesc *d);
    /* Optional.  All `rows` output rows, split into output tiles over the
     * pool by the kernel itself (NULL: the engine splits the rows). */
    void (*run_pool)(const zb_kdesc *d, zb_threadpool *tp, const float *const *x, float *y, int64_t rows);
    unsigned flags;         /* ZB_KF_*: what the kernel supports */
} zb_kernel;

/* Kernel capabilities the engine may use (zb_kernel.flags). */
enum {
    ZB_KF_LDX = 1,          /* reads input 0 with pixel stride d->ldx when nonzero */
    ZB_KF_LDY = 2,          /* writes the output with pixel stride d->ldy when nonzero */
};

/* The reference kernels, indexed by zb_kop. */
extern const zb_kernel *const zb_ref_kernels[ZB_K_COUNT];

/* The kernel for op with geometry d (reference unless a fast one applies).
 * Depends only on (op, *d) and the CPU, never on batch size or threads. */
const zb_kernel *zb_kernel_select(zb_kop op, const zb_kdesc *d);

/* The epilogue of one output of channel c. */
static inline float zb_epilogue1(const zb_kdesc *d, int c, float y)
{
    if (d->bias)
        y = y + d->bias[c];
    if (d->scale)
        y = y * d->scale[c] + d->shift[c];
    if (d->act == ZB_ACT_RELU)
        y = y > 0.0f ? y : 0.0f;
    else if (d->act == ZB_ACT_RELU6)
        y = y > 0.0f ? (y < 6.0f ? y : 6.0f) : 0.0f;
    return y;
}

#endif
