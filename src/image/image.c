/* zb_image allocation, size caps and cropping. */
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "image/image.h"

zb_status zb_image_check_size(const char *name, long long width, long long height)
{
    if (width < 1 || height < 1)
        return zb_error(ZB_ERR_FORMAT, "%s: invalid image size %lldx%lld", name, width, height);
    if (width > ZB_IMAGE_MAX_SIDE || height > ZB_IMAGE_MAX_SIDE)
        return zb_error(ZB_ERR_LIMIT, "%s: image size %lldx%lld exceeds the side limit of %d pixels", name,
                        width, height, ZB_IMAGE_MAX_SIDE);
    /* Pillow's DecompressionBombError: more than 2 * MAX_IMAGE_PIXELS. */
    if (width * height > ZB_IMAGE_MAX_PIXELS)
        return zb_error(ZB_ERR_LIMIT,
                        "%s: image size (%lld pixels) exceeds limit of %lld pixels, could be decompression bomb DOS attack",
                        name, width * height, ZB_IMAGE_MAX_PIXELS);
    return ZB_OK;
}

zb_status zb_image_alloc(const char *name, int width, int height, zb_image *out)
{
    memset(out, 0, sizeof *out);
    zb_status st = zb_image_check_size(name, width, height);
    if (st != ZB_OK)
        return st;
    out->data = malloc((size_t)width * height * 3);
    if (!out->data)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory for a %dx%d image", name, width, height);
    out->width = width;
    out->height = height;
    return ZB_OK;
}

void zb_image_free(zb_image *im)
{
    if (!im)
        return;
    free(im->data);
    memset(im, 0, sizeof *im);
}

zb_status zb_image_crop(const zb_image *in, int left, int top, int width, int height, zb_image *out)
{
    memset(out, 0, sizeof *out);
    if (!in || !in->data)
        return zb_error(ZB_ERR_ARG, "crop: empty input image");
    zb_status st = zb_image_alloc("crop", width, height, out);
    if (st != ZB_OK)
        return st;
    /* Pillow's crop pastes the overlap onto a zero image. */
    long long x0 = left > 0 ? left : 0, y0 = top > 0 ? top : 0;
    long long x1 = (long long)left + width, y1 = (long long)top + height;
    if (x1 > in->width)
        x1 = in->width;
    if (y1 > in->height)
        y1 = in->height;
    if (x0 >= x1 || y0 >= y1 || left != x0 || top != y0 || x1 - x0 != width || y1 - y0 != height)
        memset(out->data, 0, (size_t)width * height * 3);
    for (long long y = y0; y < y1 && x0 < x1; y++)
        memcpy(out->data + ((size_t)(y - top) * width + (size_t)(x0 - left)) * 3,
               in->data + ((size_t)y * in->width + (size_t)x0) * 3, (size_t)(x1 - x0) * 3);
    return ZB_OK;
}
