/* PyTorch checkpoints (.pth): the zip format of torch >= 1.6 and the legacy format,
 * read with a restricted unpickler (io/pickle.h) that interprets data and never
 * executes anything.  docs/pth-safety.md describes the safety model and caps. */
#ifndef ZB_IO_PTH_H
#define ZB_IO_PTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/wmap.h"

/* Caps, checked before allocating. */
#define ZB_PTH_MAX_PICKLE ((size_t)256 << 20)  /* bytes of data.pkl */
#define ZB_PTH_MAX_ENTRIES (1 << 20)           /* zip entries */
#define ZB_PTH_MAX_STORAGES (1 << 20)          /* distinct storages */
#define ZB_PTH_MAX_RATIO 200                   /* compression ratio of an entry above 1 MiB */

typedef struct zb_pth_opts {
    int unwrap;  /* accept a state_dict nested in a dict ("state_dict", "model") and strip "module." */
} zb_pth_opts;

/* Loads every tensor of the checkpoint's state_dict as float32, in the
 * state_dict's order.  float16, bfloat16 and float64 are converted (round to
 * nearest even); integer and bool tensors (num_batches_tracked) are converted
 * to float32 too, exactly up to 2^24, so the binder sees every key.
 * Non-contiguous tensors are materialized in C order.
 * On success *out is a new map the caller frees with zb_wmap_free; on error
 * *out is NULL and zb_last_error() reads "<path>: <reason>".  opts may be NULL. */
zb_status zb_pth_load(const char *path, const zb_pth_opts *opts, zb_wmap **out);

/* The same from a checkpoint already in memory (buf[0..len), not modified,
 * still owned by the caller); `name` is used in error messages. */
zb_status zb_pth_load_mem(const char *name, const void *buf, size_t len, const zb_pth_opts *opts, zb_wmap **out);

#endif
