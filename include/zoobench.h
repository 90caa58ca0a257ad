/*
 * zoobench: trustworthy, reproducible ImageNet accuracy for pretrained CNNs.
 *
 * Usage (error handling elided):
 *
 *     zb_npy *preds = NULL;
 *     if (zb_npy_load("resnet50_pytorch_imagenet_top5preds.npy", &preds) != ZB_OK)
 *         fprintf(stderr, "error: %s\n", zb_last_error());
 *     ...
 *     zb_npy_free(preds);
 *
 * Every fallible call returns a zb_status.  On failure the calling thread's
 * last-error text (zb_last_error) reads "<file or object>: <reason>", ready to
 * be printed after "error: ".
 */
#ifndef ZOOBENCH_H
#define ZOOBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZB_VERSION "0.1.0"

typedef enum zb_status {
    ZB_OK = 0,
    ZB_ERR_IO,          /* open/read/write failed */
    ZB_ERR_FORMAT,      /* malformed or unsupported file content */
    ZB_ERR_NOMEM,       /* allocation failed */
    ZB_ERR_LIMIT,       /* a resource cap was exceeded */
    ZB_ERR_ARG,         /* invalid argument from the caller */
    ZB_ERR_SHAPE,       /* tensor shape mismatch */
    ZB_ERR_NET,         /* network / download failure */
    ZB_ERR_VERIFY,      /* checksum or signature mismatch */
    ZB_ERR_UNSUPPORTED, /* valid input we do not handle */
} zb_status;

/* Text of the calling thread's last error, never NULL ("" when none). */
const char *zb_last_error(void);

/* Library version string, e.g. "0.1.0". */
const char *zb_version(void);

/* ---- .npy arrays (src/io/npy.c) ---------------------------------------- */

typedef enum zb_dtype {
    ZB_BOOL, ZB_I8, ZB_I16, ZB_I32, ZB_I64,
    ZB_U8, ZB_U16, ZB_U32, ZB_U64,
    ZB_F16, ZB_F32, ZB_F64,
    ZB_DTYPE_COUNT
} zb_dtype;

#define ZB_NPY_MAXDIM 32

/* An n-dimensional array in C order, little-endian in memory. */
typedef struct zb_npy {
    zb_dtype dtype;
    int ndim;
    int64_t shape[ZB_NPY_MAXDIM];
    int64_t count;   /* product of shape */
    void *data;      /* count * zb_dtype_size(dtype) bytes, owned */
} zb_npy;

size_t zb_dtype_size(zb_dtype t);
const char *zb_dtype_name(zb_dtype t); /* numpy name: "int64", "float16" ... */

/* Load a .npy file.  On success *out is a new array the caller frees with
 * zb_npy_free.  On error *out is NULL. */
zb_status zb_npy_load(const char *path, zb_npy **out);

/* Parse .npy bytes already in memory; `name` is used in error messages. */
zb_status zb_npy_parse(const char *name, const void *buf, size_t len, zb_npy **out);

/* Write `a` to `path` atomically (temp file, fsync, rename). */
zb_status zb_npy_save(const char *path, const zb_npy *a);

/* New zero-filled array; NULL on overflow or out of memory. */
zb_npy *zb_npy_new(zb_dtype t, int ndim, const int64_t *shape);

/* Frees `a` and its data; accepts NULL. */
void zb_npy_free(zb_npy *a);

/* Element i converted to double / int64 whatever the dtype.  Floats go to
 * int64 truncated toward zero (NaN -> 0, out of range -> saturated); uint64
 * above INT64_MAX saturates. */
double zb_npy_get_f64(const zb_npy *a, int64_t i);
int64_t zb_npy_get_i64(const zb_npy *a, int64_t i);

/* Converts `a` to `want` (ZB_I64, ZB_F32 or ZB_F64 only) into a new array
 * *out, freed by the caller.  To int64: float elements must be integers and
 * uint64 ones must fit, else an error naming `name` and the element.  To
 * float32: one rounding to nearest, as numpy's astype.  On error *out = NULL. */
zb_status zb_npy_convert(const char *name, const zb_npy *a, zb_dtype want, zb_npy **out);

/* Convenience: zb_npy_load + an ndim check (ndim < 0: any) + zb_npy_convert
 * when the file's dtype differs from `want`.  For example int64 predictions:
 *     zb_npy *p; if (zb_npy_load_as(path, ZB_I64, 2, &p) != ZB_OK) ...  */
zb_status zb_npy_load_as(const char *path, zb_dtype want, int ndim, zb_npy **out);

/* ---- models and inference (src/models, src/core/engine) ------------------
 *
 *     zb_net *net = NULL;
 *     zb_net_opts o = {0};                       // model's input size, 1 thread
 *     if (zb_net_create("torchvision/resnet50", "resnet50-0676ba61.pth", &o, &net) != ZB_OK)
 *         fprintf(stderr, "error: %s\n", zb_last_error());
 *     zb_net_run(net, x, n, logits);             // x (n, 224, 224, 3) NHWC float32
 *     zb_net_free(net);
 */

typedef struct zb_model_info {
    const char *name;        /* "torchvision/resnet50", "keras/resnet50" */
    const char *framework;   /* "torchvision" or "keras" */
    int input_size;          /* default square input: 224, 299 ... */
    int min_size;            /* smallest valid input side */
    const char *recipe;      /* default preprocessing recipe ("torchvision" ...) */
    int num_classes;
    const char *const *classes;  /* num_classes names, index = class id */
} zb_model_info;

/* The model table: zb_model_at(0 .. zb_model_count() - 1); NULL out of range. */
int zb_model_count(void);
const zb_model_info *zb_model_at(int i);
/* The model named `name`, or NULL. */
const zb_model_info *zb_model_find(const char *name);

typedef struct zb_net zb_net;

typedef struct zb_net_opts {
    int height, width;   /* input size; 0: the model's input_size */
    int nthreads;        /* 0 or 1: one thread; results are identical for any count */
    int unwrap;          /* .pth: accept a nested state_dict and "module." prefixes */
} zb_net_opts;

/* Builds `model`, loads `weights` (.pth or .h5, detected from the content)
 * and prepares it.  On success *out is a new net the caller frees with
 * zb_net_free; on error *out is NULL and the message names the file, key and
 * shapes at fault.  opts may be NULL. */
zb_status zb_net_create(const char *model, const char *weights, const zb_net_opts *opts, zb_net **out);

const zb_model_info *zb_net_model(const zb_net *net);
/* The input size the net was built for. */
void zb_net_input_size(const zb_net *net, int *height, int *width);

/* Runs a batch: x is (batch, height, width, 3) NHWC float32, preprocessed;
 * logits receives (batch, num_classes).  Bitwise the same for any batch size,
 * thread count and run order. */
zb_status zb_net_run(zb_net *net, const float *x, int batch, float *logits);

/* Frees the net; accepts NULL. */
void zb_net_free(zb_net *net);

/* Softmax of each of `rows` rows of `cols` logits into probs (may alias). */
void zb_softmax_rows(const float *logits, int rows, int cols, float *probs);

/* Indices of the k largest values of v[0..n), largest first (ties: lower index first). */
void zb_topk(const float *v, int n, int k, int *idx);

#ifdef __cplusplus
}
#endif
#endif
