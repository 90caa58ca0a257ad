/* PNG decoding through libpng, converted to RGB the way Pillow 9.4 opens a
 * PNG (PIL/PngImagePlugin.py _MODES, src/libImaging/Unpack.c) and then
 * applies Image.convert('RGB') (src/libImaging/Convert.c):
 *
 *   bit depth, colour type   Pillow mode (rawmode)   -> RGB
 *   1 gray                   1 ("1")                 0 or 255
 *   2 / 4 gray               L ("L;2" / "L;4")       v * 85 / v * 17, replicated
 *   8 gray                   L                       v, v, v
 *   16 gray                  I ("I;16B")             i2rgb: min(v, 255), replicated
 *   8 / 16 gray + alpha      LA / RGBA ("LA;16B")    high byte replicated, alpha dropped
 *   8 / 16 RGB               RGB ("RGB;16B")         high byte of each sample
 *   8 / 16 RGBA              RGBA ("RGBA;16B")       high byte, alpha dropped
 *   1..8 palette             P                       palette lookup; tRNS ignored;
 *                                                    entries past PLTE are (i, i, i)
 *
 * libpng only unpacks sub-byte pixels and de-interlaces; no gamma, sRGB,
 * iCCP or alpha handling is applied, as Pillow applies none. */
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "image/image.h"

typedef struct reader {
    const uint8_t *buf;
    size_t len, pos;
    int truncated;
    const char *name;
    char msg[200];
} reader;

static void read_fn(png_structp png, png_bytep dst, png_size_t n)
{
    reader *r = png_get_io_ptr(png);
    if (n > r->len - r->pos) {
        r->truncated = 1;
        png_error(png, "image file is truncated");
    }
    memcpy(dst, r->buf + r->pos, n);
    r->pos += n;
}

static void error_fn(png_structp png, png_const_charp msg)
{
    reader *r = png_get_error_ptr(png);
    snprintf(r->msg, sizeof r->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void warning_fn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* One decoded row (png_set_packing: one byte per sub-byte sample) -> RGB. */
static void row_to_rgb(const uint8_t *in, uint8_t *out, int w, int depth, int ctype, const uint8_t *pal)
{
    int x;
    switch (ctype) {
    case PNG_COLOR_TYPE_GRAY:
        if (depth == 16) {
            for (x = 0; x < w; x++) {
                int v = (in[2 * x] << 8) | in[2 * x + 1];
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = (uint8_t)(v >= 255 ? 255 : v);
            }
        } else {
            int mul = depth == 1 ? 255 : depth == 2 ? 85 : depth == 4 ? 17 : 1;
            for (x = 0; x < w; x++)
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = (uint8_t)(in[x] * mul);
        }
        break;
    case PNG_COLOR_TYPE_GRAY_ALPHA: {
        int step = depth == 16 ? 4 : 2;
        for (x = 0; x < w; x++)
            out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = in[step * x];
        break;
    }
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_RGB_ALPHA: {
        int nch = ctype == PNG_COLOR_TYPE_RGB ? 3 : 4, bps = depth == 16 ? 2 : 1;
        for (x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                out[3 * x + c] = in[(x * nch + c) * bps];
        break;
    }
    case PNG_COLOR_TYPE_PALETTE:
        for (x = 0; x < w; x++)
            memcpy(out + 3 * x, pal + 3 * in[x], 3);
        break;
    }
}

zb_status zb_png_decode(const char *name, const uint8_t *buf, size_t len, zb_image *out)
{
    reader r = {.buf = buf, .len = len, .name = name};
    png_structp png = NULL;
    png_infop info = NULL;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile raw = NULL;
    png_bytep *volatile rows = NULL;
    volatile zb_status st = ZB_OK;
    memset(out, 0, sizeof *out);

    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, error_fn, warning_fn);
    if (png)
        info = png_create_info_struct(png);
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    }
    if (setjmp(png_jmpbuf(png))) {
        if (st == ZB_OK)
            st = r.truncated ? zb_error(ZB_ERR_FORMAT, "%s: image file is truncated", name)
                             : zb_error(ZB_ERR_FORMAT, "%s: broken PNG file: %s", name, r.msg);
        png_destroy_read_struct(&png, &info, NULL);
        free(pixels);
        free(raw);
        free(rows);
        return st;
    }
    png_set_read_fn(png, &r, read_fn);
    png_set_benign_errors(png, 1);
    /* libpng's own dimension limits would fire first with a less useful
     * message; our caps are checked right after the header. */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    /* Pillow checks the CRC of every chunk before the image data (critical or
     * not) but never those of IDAT chunks. */
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
    png_read_info(png, info);
    png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_ERROR_QUIT);
    png_uint_32 w32, h32;
    int depth, ctype, interlace;
    png_get_IHDR(png, info, &w32, &h32, &depth, &ctype, &interlace, NULL, NULL);
    zb_status cap = zb_image_check_size(name, w32, h32);
    if (cap != ZB_OK) {
        st = cap;
        png_longjmp(png, 1);
    }
    const int w = (int)w32, h = (int)h32;
    uint8_t pal[256 * 3];
    if (ctype == PNG_COLOR_TYPE_PALETTE) {
        png_colorp plte = NULL;
        int n = 0;
        for (int i = 0; i < 256; i++)
            pal[3 * i] = pal[3 * i + 1] = pal[3 * i + 2] = (uint8_t)i;
        if (png_get_PLTE(png, info, &plte, &n) & PNG_INFO_PLTE) {
            for (int i = 0; i < n && i < 256; i++) {
                pal[3 * i] = plte[i].red;
                pal[3 * i + 1] = plte[i].green;
                pal[3 * i + 2] = plte[i].blue;
            }
        }
    }
    if (depth < 8)
        png_set_packing(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    pixels = malloc((size_t)w * h * 3);
    /* Interlaced images need every decoded row kept until the last pass. */
    size_t nraw = passes > 1 ? (size_t)h : 1;
    raw = malloc(rowbytes * nraw);
    if (!pixels || !raw) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory for a %dx%d image", name, w, h);
        png_longjmp(png, 1);
    }
    if (passes > 1) {
        rows = malloc((size_t)h * sizeof *rows);
        if (!rows) {
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
            png_longjmp(png, 1);
        }
        for (int y = 0; y < h; y++)
            rows[y] = raw + (size_t)y * rowbytes;
        memset(raw, 0, rowbytes * nraw);
        png_read_image(png, rows);
        free(rows);
        rows = NULL;
        for (int y = 0; y < h; y++)
            row_to_rgb(raw + (size_t)y * rowbytes, pixels + (size_t)y * w * 3, w, depth, ctype, pal);
    } else {
        for (int y = 0; y < h; y++) {
            png_read_row(png, raw, NULL);
            row_to_rgb(raw, pixels + (size_t)y * w * 3, w, depth, ctype, pal);
        }
    }
    /* Like Pillow, nothing after the image data is read (no IEND needed). */
    png_destroy_read_struct(&png, &info, NULL);
    free(raw);
    out->width = w;
    out->height = h;
    out->data = pixels;
    return ZB_OK;
}
