/* Image decoding entry: reads the file and picks the decoder from the
 * leading bytes (never from the file name). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "image/image.h"

/* Files larger than this are refused before reading (no JPEG or PNG within
 * the pixel cap needs more). */
#define MAX_FILE_BYTES (1LL << 30)

static zb_status decode_mem(const char *name, const void *buf, size_t len, zb_need_fn need, void *ctx,
                            zb_image *out)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    const uint8_t *b = buf;
    memset(out, 0, sizeof *out);
    if (len == 0)
        return zb_error(ZB_ERR_FORMAT, "%s: empty file", name);
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return zb_jpeg_decode(name, b, len, need, ctx, out);
    if (len >= 8 && !memcmp(b, png_sig, 8))
        return zb_png_decode(name, b, len, out);
    if ((len >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6))) || (len >= 2 && !memcmp(b, "BM", 2)) ||
        (len >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4))) ||
        (len >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)))
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: unsupported image format (only JPEG and PNG are decoded)", name);
    return zb_error(ZB_ERR_FORMAT, "%s: cannot identify image file (not a JPEG or PNG)", name);
}

zb_status zb_image_decode_mem(const char *name, const void *buf, size_t len, zb_image *out)
{
    return decode_mem(name, buf, len, NULL, NULL, out);
}

zb_status zb_image_decode_mem_need(const char *name, const void *buf, size_t len, zb_need_fn need, void *ctx,
                                   zb_image *out)
{
    return decode_mem(name, buf, len, need, ctx, out);
}

zb_status zb_image_decode_file(const char *path, zb_image *out)
{
    return zb_image_decode_file_need(path, NULL, NULL, out);
}

zb_status zb_image_decode_file_need(const char *path, zb_need_fn need, void *ctx, zb_image *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    zb_status st = ZB_OK;
    uint8_t *buf = NULL;
    long long size;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        st = zb_error(ZB_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
        goto done;
    }
    if (size > MAX_FILE_BYTES) {
        st = zb_error(ZB_ERR_LIMIT, "%s: file of %lld bytes is too large for an image", path, size);
        goto done;
    }
    buf = malloc(size > 0 ? (size_t)size : 1);
    if (!buf) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    if (size > 0 && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        st = zb_error(ZB_ERR_IO, "%s: read failed", path);
        goto done;
    }
    st = decode_mem(path, buf, (size_t)size, need, ctx, out);
done:
    free(buf);
    fclose(f);
    return st;
}
