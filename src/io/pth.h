/* PyTorch checkpoints (.pth): the zip format of torch >= 1.6 and the legacy format,
 * read with a restricted unpickler that interprets data and never executes anything. */
#ifndef ZB_IO_PTH_H
#define ZB_IO_PTH_H

#include "core/wmap.h"

typedef struct zb_pth_opts {
    int unwrap;  /* accept a state_dict nested in a dict ("state_dict", "model") and strip "module." */
} zb_pth_opts;

/* Loads every tensor of the checkpoint's state_dict as float32 (float16/float64 converted).
 * On success *out is a new map the caller frees with zb_wmap_free; on error *out is NULL. */
zb_status zb_pth_load(const char *path, const zb_pth_opts *opts, zb_wmap **out);

#endif
