/* Whole files into memory. */
#include "io/readfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/status.h"

zb_status zb_read_file(const char *path, size_t max, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: cannot open", path);
    /* A regular file is read in one allocation of its size (+1 to see it
     * grow); anything else grows by doubling.  At most max + 1 bytes are
     * read: one more than max shows the file is too large. */
    size_t cap = (size_t)1 << 16, n = 0;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size <= max)
        cap = (size_t)sb.st_size + 1;
    if (cap > max + 1)
        cap = max + 1;
    char *buf = malloc(cap + 1);
    zb_status st = buf ? ZB_OK : zb_error(ZB_ERR_NOMEM, "%s: out of memory for %zu bytes", path, cap);
    while (st == ZB_OK) {
        if (n == cap) {
            if (n > max)
                break; /* refused below */
            size_t nc = cap * 2 < max + 1 ? cap * 2 : max + 1;
            char *b = realloc(buf, nc + 1);
            if (!b) {
                st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = b, cap = nc;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = zb_error(ZB_ERR_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st == ZB_OK && n > max)
        st = zb_error(ZB_ERR_LIMIT, "%s: file larger than %zu bytes", path, max);
    if (st != ZB_OK) {
        free(buf);
        return st;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return ZB_OK;
}
