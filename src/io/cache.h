/* zoobench's cache directory: $XDG_CACHE_HOME/zoobench, else ~/.cache/zoobench.
 *
 * Downloads (published predictions, weights) live below it.  The directory is
 * created on demand like `mkdir -p` and checked for writability up front, so a
 * bad location fails with one clear message instead of a failed download. */
#ifndef ZB_IO_CACHE_H
#define ZB_IO_CACHE_H

#include <stddef.h>

#include "zoobench.h"

/* Resolves the cache directory into out (cap bytes) without touching the disk:
 * `override` if non-NULL and non-empty, else $XDG_CACHE_HOME/zoobench (when set,
 * non-empty and absolute, as the XDG spec asks), else $HOME/.cache/zoobench.
 * ZB_ERR_ARG when neither variable gives a usable path or the result does not fit. */
zb_status zb_cache_path(const char *override, char *out, size_t cap);

/* zb_cache_path, then creates the directory (and its parents) and checks that a
 * file can be created in it.  Otherwise ZB_ERR_IO, "<dir>: cannot create cache
 * directory (<component> exists and is not a directory)" or "<dir>: cache directory
 * is not writable: <reason>". */
zb_status zb_cache_dir(const char *override, char *out, size_t cap);

/* Creates `dir` and any missing parents (mode 0755); an existing directory is fine.
 * ZB_ERR_IO naming the component that failed. */
zb_status zb_mkdir_p(const char *dir);

/* Creates (then removes) a probe file in `dir`; ZB_ERR_IO if that fails. */
zb_status zb_dir_writable(const char *dir);

#endif
