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

#ifdef __cplusplus
}
#endif
#endif
