/* Whole small files into memory, with a size cap checked while reading (so
 * pipes and files that grow are capped too). */
#ifndef ZB_IO_READFILE_H
#define ZB_IO_READFILE_H

#include <stddef.h>

#include "zoobench.h"

/* Reads `path` into a new buffer *buf (caller frees; one spare byte after
 * the *len bytes is set to 0).  ZB_ERR_LIMIT when it holds more than `max`
 * bytes; errors name `path`, and leave *buf NULL. */
zb_status zb_read_file(const char *path, size_t max, char **buf, size_t *len);

#endif
