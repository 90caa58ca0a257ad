/* The resumable prediction runner behind `zoobench predict`: one model over a
 * dataset (or a shard of it), writing the seed's files
 *
 *     <model>_<platform>_imagenet_top5preds.npy   int64 (N, 5)
 *     <model>_<platform>_imagenet_top5probs.npy   float16 (N, 5)
 *     <model>_<platform>_imagenet_probs.npy       float16 (N, 1000)  (save_all_probs)
 *     <model>_<platform>_imagenet_labels.npy      int64 (N,)         (save_labels)
 *     <model>_<platform>_imagenet_errors.txt      unreadable images  (when any)
 *
 * A shard K/N writes the same names with ".shard-K-of-N" before the
 * extension and covers dataset rows [K*n/N, (K+1)*n/N).
 *
 * Progress is kept in "<outdir>/.<model>_<platform>_imagenet[.shard-K-of-N].ckpt":
 * a text header naming the model, the weights' SHA-256, the recipe, the
 * dataset digest and the row range, then one record per batch (results of
 * each image, SHA-256 of the record).  A run finds it, checks the header
 * (refusing a different model, weights, recipe or dataset), keeps the valid
 * records, cuts a torn tail and continues.  The final files are written
 * atomically (temp, fsync, rename, directory fsync), then the checkpoint is
 * removed. */
#ifndef ZB_PREDICT_PREDICT_H
#define ZB_PREDICT_PREDICT_H

#include <stdint.h>

#include "data/dataset.h"
#include "zoobench.h"

#define ZB_TOPK 5

typedef struct zb_predict_opts {
    const char *model;       /* "torchvision/resnet18" */
    const char *weights;
    const char *recipe;      /* NULL: the model's own */
    int size;                /* input side; 0: the model's */
    int batch, threads;
    const char *outdir;
    int save_all_probs, save_labels;
    int shard_k, shard_n;    /* shard_n 0: the whole dataset */
    /* called after each batch (may be NULL) */
    void (*progress)(void *ctx, int64_t done, int64_t total);
    /* called once per unreadable image with its message (may be NULL) */
    void (*image_error)(void *ctx, const char *msg);
    void *ctx;
} zb_predict_opts;

/* One image's outcome. */
typedef struct zb_pred_row {
    int64_t top[ZB_TOPK];
    uint16_t prob[ZB_TOPK];  /* float16 */
    int best;                /* column of the largest float32 probability (first of ties) */
    int failed;
} zb_pred_row;

typedef struct zb_predict_result {
    int64_t lo, hi;          /* the rows covered */
    int64_t resumed;         /* rows found in the checkpoint */
    int64_t errors;
    int64_t correct1, correct5, labelled;
    double seconds;          /* time spent computing in this run */
    char platform[16];       /* "pytorch" / "keras" */
    char base[512];          /* "<outdir>/<model>_<platform>_imagenet_" */
} zb_predict_result;

/* Runs the model over rows [lo, hi) of `d` (the shard), resuming from a
 * checkpoint, and writes the files above. */
zb_status zb_predict_run(const zb_dataset *d, const zb_predict_opts *o, zb_predict_result *res);

/* Low level, for MPI: computes the rows `items` (count of them, dataset
 * indices) and fills rows[i] / allprobs (count, 1000) float16 when not NULL,
 * errs[i] (malloc'd message or NULL). */
zb_status zb_predict_rows(const zb_dataset *d, const zb_predict_opts *o, const int64_t *items, int64_t count,
                          zb_pred_row *rows, uint16_t *allprobs, char **errs);

/* Writes the final files for rows [lo, hi) (rows, allprobs as above). */
zb_status zb_predict_write(const zb_dataset *d, const zb_predict_opts *o, int64_t lo, int64_t hi,
                           const zb_pred_row *rows, const uint16_t *allprobs, char *const *errs,
                           zb_predict_result *res);

/* The shard's row range. */
void zb_predict_range(int64_t n, int k, int nshards, int64_t *lo, int64_t *hi);

/* Output base for a model: "<outdir>/<short>_<platform>_imagenet_" and the
 * suffix ("" or ".shard-K-of-N"). */
zb_status zb_predict_base(const char *model, const char *outdir, char *base, size_t cap, char *platform);

/* Merges shard files 0..N-1 of every output kind found for `base` (as
 * zb_predict_base gives it) into the unsharded files. */
zb_status zb_predict_merge(const char *base, int nshards);

#endif
