#include "core/bigalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

enum { HUGE_BYTES = 2 << 20 };

void *zb_big_alloc(size_t bytes)
{
    if (bytes < HUGE_BYTES)
        return aligned_alloc(64, bytes ? (bytes + 63) & ~(size_t)63 : 64);
    if (bytes > SIZE_MAX - HUGE_BYTES)
        return NULL;
    const size_t size = (bytes + HUGE_BYTES - 1) & ~(size_t)(HUGE_BYTES - 1);
    void *p = aligned_alloc(HUGE_BYTES, size);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, size, MADV_HUGEPAGE);   /* a hint: speed only */
#endif
    return p;
}
