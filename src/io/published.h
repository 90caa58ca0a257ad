/* The seed's published per-image predictions, fetched and verified.
 *
 * cgnorthcutt/benchmarking-keras-pytorch at commit 74df938d, 34 ImageNet models,
 * two .npy files each; their SHA-256 sums are compiled in. */
#ifndef ZB_IO_PUBLISHED_H
#define ZB_IO_PUBLISHED_H

#include <stddef.h>

#include "zoobench.h"

typedef struct zb_fetch_opts {
    const char *base_url;  /* NULL: $ZOOBENCH_BASE_URL, else the seed's GitHub raw URL */
    const char *cache_dir; /* NULL: $XDG_CACHE_HOME/zoobench, else ~/.cache/zoobench */
    int progress;          /* show a progress bar (the caller decides: a TTY on stderr) */
} zb_fetch_opts;

/* Makes sure every published file is in the cache and verified, downloading
 * (and resuming) what is missing.  On success writes the two directories that
 * hold the Keras and PyTorch files into keras_dir / pytorch_dir (cap bytes each).
 * A file that fails verification is deleted and never used. */
zb_status zb_published_fetch(const zb_fetch_opts *o, char *keras_dir, char *pytorch_dir, size_t cap);

#endif
