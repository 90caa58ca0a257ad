/* The seed's published per-image predictions, fetched and verified.
 *
 * cgnorthcutt/benchmarking-keras-pytorch at commit 74df938d, 34 ImageNet models,
 * two .npy files each (68 files); their SHA-256 sums are compiled in.
 *
 * URLs: <base>/<path>, where <path> is the file's path in the seed repository,
 * e.g. "keras_imagenet/vgg16_keras_imagenet_top5preds.npy".  The default <base>
 * is ZB_PUBLISHED_DEFAULT_BASE (raw.githubusercontent.com at the pinned commit).
 * The repository paths are exactly the layout of ../shared/seed-results, so a
 * base-URL override may serve that directory as it is.
 *
 * Cache: <cache dir>/published/<commit>/<path>; see io/cache.h for <cache dir>. */
#ifndef ZB_IO_PUBLISHED_H
#define ZB_IO_PUBLISHED_H

#include <stddef.h>

#include "zoobench.h"

#define ZB_PUBLISHED_COMMIT "74df938db0f266947abedb2ec9f741af65e2d8ed"
#define ZB_PUBLISHED_DEFAULT_BASE \
    "https://raw.githubusercontent.com/cgnorthcutt/benchmarking-keras-pytorch/" ZB_PUBLISHED_COMMIT

typedef struct zb_fetch_opts {
    const char *base_url;  /* NULL or "": $ZOOBENCH_BASE_URL, else ZB_PUBLISHED_DEFAULT_BASE */
    const char *cache_dir; /* NULL or "": $XDG_CACHE_HOME/zoobench, else ~/.cache/zoobench */
    int progress;          /* show a progress bar (the caller decides: a TTY on stderr) */
} zb_fetch_opts;

typedef struct zb_published_file {
    const char *path;   /* in the seed repository, "keras_imagenet/<model>_keras_imagenet_top5preds.npy" */
    const char *sha256; /* 64 lower-case hex digits */
} zb_published_file;

/* The compiled-in list (static storage); *n receives its length (68). */
const zb_published_file *zb_published_files(size_t *n);

/* Makes sure every published file is in the cache and verified, downloading
 * (and resuming) what is missing; cached files are re-hashed every time.
 * On success writes the two directories that hold the Keras and PyTorch files
 * into keras_dir / pytorch_dir (cap bytes each).  A file that fails verification
 * is deleted and never used.  Errors: see zb_download (io/download.h), plus the
 * cache directory's (io/cache.h) and ZB_ERR_ARG for a base URL that is not
 * http:// or https://.  Stops at the first file that fails. */
zb_status zb_published_fetch(const zb_fetch_opts *o, char *keras_dir, char *pytorch_dir, size_t cap);

#endif
