/* Whole small files into memory. */
#include "io/readfile.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"

zb_status zb_read_file(const char *path, size_t max, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: cannot open", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    zb_status st = buf ? ZB_OK : zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
    while (st == ZB_OK) {
        if (n == cap) {
            if (n > max)
                break; /* refused below */
            size_t nc = cap * 2 < max + 1 ? cap * 2 : max + 1; /* max + 1 bytes show it is too large */
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
        st = zb_error(ZB_ERR_LIMIT, "%s: larger than %zu bytes", path, max);
    if (st != ZB_OK) {
        free(buf);
        return st;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return ZB_OK;
}
