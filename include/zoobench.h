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

/* ---- Images and preprocessing (src/image, src/io/{image,jpeg,png}.c) ----
 *
 * Decoding, resizing and the framework recipes replay Pillow 9.4,
 * torchvision 0.14 and keras-applications 1.0.8 bit for bit (see
 * docs/image-pipeline.md).  Typical use:
 *
 *     zb_recipe r;
 *     zb_recipe_preset("torchvision", 224, &r);
 *     float *x = malloc(zb_recipe_output_count(&r) * sizeof *x);
 *     if (zb_preprocess("cat.jpg", &r, ZB_LAYOUT_NCHW, x) != ZB_OK) ...
 */

/* An 8-bit RGB image, rows top to bottom, pixels packed RGB: (height, width, 3). */
typedef struct zb_image {
    int width, height;
    uint8_t *data; /* width * height * 3 bytes, owned; free with zb_image_free */
} zb_image;

/* Pillow's resampling filters (PIL.Image.Resampling). */
typedef enum zb_filter {
    ZB_FILTER_NEAREST, ZB_FILTER_BOX, ZB_FILTER_BILINEAR,
    ZB_FILTER_HAMMING, ZB_FILTER_BICUBIC, ZB_FILTER_LANCZOS,
    ZB_FILTER_COUNT
} zb_filter;

/* Largest image accepted: Pillow's DecompressionBombError threshold
 * (2 * Image.MAX_IMAGE_PIXELS) and a cap on either side. */
#define ZB_IMAGE_MAX_PIXELS (2LL * 89478485LL)
#define ZB_IMAGE_MAX_SIDE (1 << 24)

/* Decodes a JPEG or PNG file (format sniffed from the content) into RGB
 * exactly like PIL.Image.open(path).convert('RGB').  On success *out owns
 * new pixels; on error *out is zeroed and the error names `path`. */
zb_status zb_image_decode_file(const char *path, zb_image *out);

/* Same for bytes in memory; `name` is used in error messages. */
zb_status zb_image_decode_mem(const char *name, const void *buf, size_t len, zb_image *out);

/* Frees the pixels and zeroes *im; accepts NULL and empty images. */
void zb_image_free(zb_image *im);

/* Resizes to (width, height) like Pillow 9.4 Image.resize(size, filter)
 * with the default box and reducing_gap=None.  *out is new on success. */
zb_status zb_image_resize(const zb_image *in, int width, int height, zb_filter f, zb_image *out);

/* zb_image_resize then zb_image_crop(left, top, crop_w, crop_h), fused: only
 * the pixels inside the box are computed (identical values, less work). */
zb_status zb_image_resize_crop(const zb_image *in, int width, int height, zb_filter f, int left, int top,
                               int crop_w, int crop_h, zb_image *out);

/* Crops the box (left, top, left+width, top+height) like Pillow's
 * Image.crop: pixels outside `in` are 0.  *out is new on success. */
zb_status zb_image_crop(const zb_image *in, int left, int top, int width, int height, zb_image *out);

/* How the image is brought to the model size. */
typedef enum zb_resize_mode {
    ZB_RESIZE_SHORTER,    /* torchvision Resize(int): shorter side -> resize_size, aspect kept */
    ZB_RESIZE_SQUASH,     /* whole image -> resize_size x resize_size (keras load_img target_size) */
    ZB_RESIZE_SEED_KERAS, /* the seed's keras script: shortest_edge_scale(img, crop, crop_pct) */
} zb_resize_mode;

typedef enum zb_crop_mode {
    ZB_CROP_TORCHVISION, /* CenterCrop: offsets int(round((h - c) / 2.)), zero padding if smaller */
    ZB_CROP_FLOOR,       /* seed keras crop_center: left = w // 2 - c // 2, zero fill outside */
    ZB_CROP_ROUND,       /* torchvision <= 0.7 center_crop: int(round((w - c) / 2.)) even when
                          * negative, PIL crop fills 0 outside (no symmetric padding) */
} zb_crop_mode;

/* Float conversion of the uint8 RGB crop, each replayed op for op in float32. */
typedef enum zb_norm {
    ZB_NORM_TORCHVISION, /* ToTensor (x / 255) then Normalize: (x - mean) / std */
    ZB_NORM_CAFFE,       /* keras 'caffe': RGB -> BGR, then x - [103.939, 116.779, 123.68] */
    ZB_NORM_TF,          /* keras 'tf': x /= 127.5; x -= 1 */
    ZB_NORM_KERAS_TORCH, /* keras 'torch': x /= 255; x -= mean; x /= std */
    ZB_NORM_NONE,        /* keras img_to_array only: float32(x) */
    ZB_NORM_COUNT
} zb_norm;

typedef enum zb_layout { ZB_LAYOUT_NHWC, ZB_LAYOUT_NCHW } zb_layout;

/* resize, then crop to crop x crop (the identity when the resize already
 * gives that size), then normalize. */
typedef struct zb_recipe {
    zb_resize_mode resize;
    int resize_size;     /* SHORTER: the shorter side; SQUASH: both sides */
    zb_filter filter;
    zb_crop_mode crop_mode;
    int crop;            /* model input side: output is crop x crop */
    double crop_pct;     /* SEED_KERAS: the divisor (0.875); else as set by zb_recipe_set_crop_pct */
    zb_norm norm;
} zb_recipe;

/* Fills *r with a named preset for model input side `size` (0: 224):
 *   "torchvision"   Resize(size // 0.875) bilinear, CenterCrop(size), ToTensor, Normalize
 *   "seed-torchvision"  what produced the seed's published torchvision predictions:
 *                   Resize(256) whatever the size, 2019 torchvision center_crop, ToTensor, Normalize
 *   "keras-caffe", "keras-tf", "keras-torch", "keras-raw" (img_to_array only):
 *                   load_img(target_size=(size, size)) NEAREST squash, img_to_array, preprocess_input
 *   "seed-keras-caffe", "seed-keras-tf", "seed-keras-torch": the seed's keras script
 *                   (bilinear shortest_edge_scale by 0.875, crop_center) then preprocess_input
 * Returns ZB_ERR_ARG for an unknown name or a size outside [1, 4096]. */
zb_status zb_recipe_preset(const char *name, int size, zb_recipe *r);

/* Sets crop_pct and resize_size = crop // crop_pct (Python float floor
 * division, as the seed's Resize(img_size // 0.875)).  ZB_ERR_ARG unless
 * 0 < pct <= 1.  Call after changing r->crop. */
zb_status zb_recipe_set_crop_pct(zb_recipe *r, double crop_pct);

/* Parses a filter name ("nearest", "bilinear", ...); -1 if unknown. */
int zb_filter_from_name(const char *name);
const char *zb_filter_name(zb_filter f);

/* Number of floats (and of uint8s) one image yields: crop * crop * 3. */
size_t zb_recipe_output_count(const zb_recipe *r);

/* Resize + crop of a decoded image: the uint8 (crop, crop, 3) model image
 * before normalization.  *out is new on success. */
zb_status zb_recipe_apply_u8(const zb_recipe *r, const zb_image *in, zb_image *out);

/* Decode `path` + zb_recipe_apply_u8, decoding only the part of a JPEG the
 * crop reads (same bytes as the full path, less work).  Errors name `path`. */
zb_status zb_recipe_decode_u8(const zb_recipe *r, const char *path, zb_image *out);

/* Normalizes a (crop, crop, 3) uint8 image into `out` (output_count floats)
 * in the requested layout; BGR order for ZB_NORM_CAFFE. */
void zb_recipe_normalize(const zb_recipe *r, const zb_image *crop, zb_layout layout, float *out);

/* Decode + resize + crop + normalize one image file into `out`
 * (zb_recipe_output_count floats, caller-owned).  Errors name `path`. */
zb_status zb_preprocess(const char *path, const zb_recipe *r, zb_layout layout, float *out);

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

/* ---- official weight files (src/io/weights.c) ----------------------------
 *
 * `arg` given where a weights file is expected: an existing file is used as it
 * is; otherwise it names a model card ("torchvision/resnet50"; see `zoobench
 * models`) whose cached, verified file is used, downloaded and verified first
 * when allow_fetch.  `model` (may be NULL) is the model being run: a card of
 * another model is an error.  The file's path goes to path (cap bytes). */
zb_status zb_weights_resolve(const char *arg, const char *model, int allow_fetch, char *path, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
