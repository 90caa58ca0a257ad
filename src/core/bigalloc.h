/* Allocation of large, long-lived float buffers (packed weights, the
 * activation arena).  Buffers of 2 MiB and more are aligned to 2 MiB and
 * marked for transparent huge pages (madvise), so that streaming them walks
 * one TLB entry per 2 MiB instead of per 4 KiB; in a virtual machine each
 * walk is a nested one.  Smaller ones are 64-byte aligned.  Free with free().
 * Where the system has no huge pages the hint is ignored. */
#ifndef ZB_CORE_BIGALLOC_H
#define ZB_CORE_BIGALLOC_H

#include <stddef.h>

/* NULL when out of memory; `bytes` 0 gives a 64-byte block. */
void *zb_big_alloc(size_t bytes);

#endif
