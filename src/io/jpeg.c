/* JPEG decoding through libjpeg-turbo with Pillow 9.4's settings
 * (src/libImaging/JpegDecode.c, PIL/JpegImagePlugin.py), then the
 * conversion Image.convert('RGB') applies (src/libImaging/Convert.c):
 *
 *   components  Pillow mode / rawmode    libjpeg output    -> RGB
 *   1           L / L                    JCS_GRAYSCALE     l2rgb: v, v, v
 *   3           RGB / RGB(X)             JCS_RGB           as is
 *   4           CMYK / CMYK;I            JCS_CMYK          invert every byte ("assume
 *                                                          Adobe conventions"), cmyk2rgb
 *
 * Everything else stays at libjpeg's defaults, as Pillow leaves it when it
 * is not drafting: JDCT_ISLOW, fancy upsampling, the library's colour-space
 * guess from JFIF/Adobe markers.  EXIF orientation is ignored like
 * Image.open does.
 *
 * Errors: libjpeg errors longjmp back here, including those raised by
 * jpeg_finish_decompress after the last scanline (Pillow: "broken data
 * stream").  Running out of data before the last scanline (libjpeg's
 * JWRN_JPEG_EOF warning) is Pillow's "image file is truncated"; after it
 * (a missing EOI) it is accepted, as Pillow accepts it.  Other libjpeg
 * warnings (corrupt entropy data that libjpeg recovers from) do not fail:
 * Pillow silences them and keeps the pixels libjpeg produced, so zoobench
 * does too.  tests/oracle/preprocess_check.py compares both on cut and
 * corrupted files. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "core/status.h"
#include "image/image.h"

typedef struct err_mgr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int eof;    /* JWRN_JPEG_EOF seen: the data ended early */
} err_mgr;

static void on_error(j_common_ptr cinfo)
{
    err_mgr *e = (err_mgr *)cinfo->err;
    longjmp(e->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
    err_mgr *e = (err_mgr *)cinfo->err;
    if (level < 0 && e->pub.msg_code == JWRN_JPEG_EOF)
        e->eof = 1;
}

static void on_output(j_common_ptr cinfo) { (void)cinfo; }

/* Convert.c cmyk2rgb after Unpack.c unpackCMYKI (bytes inverted). */
static void cmyk_inverted_to_rgb(uint8_t *out, const uint8_t *in, int n)
{
    for (int x = 0; x < n; x++, in += 4, out += 3) {
        int nk = 255 - (255 - in[3]);
        for (int c = 0; c < 3; c++) {
            int tmp = (255 - in[c]) * nk + 128;
            int v = nk - (((tmp >> 8) + tmp) >> 8);
            out[c] = (uint8_t)(v <= 0 ? 0 : v < 256 ? v : 255);
        }
    }
}

static void gray_to_rgb(uint8_t *row, int n)
{
    /* In place, from the end: row holds n gray bytes at its start. */
    for (int x = n - 1; x >= 0; x--)
        row[x * 3] = row[x * 3 + 1] = row[x * 3 + 2] = row[x];
}

zb_status zb_jpeg_decode(const char *name, const uint8_t *buf, size_t len, zb_need_fn need, void *ctx,
                         zb_image *out)
{
    struct jpeg_decompress_struct cinfo;
    err_mgr err;
    /* volatile: modified after setjmp and read after longjmp. */
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile cmyk = NULL;
    volatile zb_status st = ZB_OK;
    volatile int done = 0; /* every scanline is out */
    char msg[JMSG_LENGTH_MAX];

    memset(out, 0, sizeof *out);
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_message;
    err.pub.output_message = on_output;
    err.eof = 0;
    if (setjmp(err.jump)) {
        err.pub.format_message((j_common_ptr)&cinfo, msg);
        if (st == ZB_OK)
            st = err.eof && !done ? zb_error(ZB_ERR_FORMAT, "%s: image file is truncated", name)
                         : zb_error(ZB_ERR_FORMAT, "%s: broken JPEG: %s", name, msg);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(cmyk);
        return st;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, buf, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    if (err.eof) {
        st = zb_error(ZB_ERR_FORMAT, "%s: image file is truncated", name);
        longjmp(err.jump, 1);
    }
    if (cinfo.data_precision != 8) {
        st = zb_error(ZB_ERR_UNSUPPORTED, "%s: cannot handle %d-bit layers", name, cinfo.data_precision);
        longjmp(err.jump, 1);
    }
    int ncomp = cinfo.num_components;
    if (ncomp == 1)
        cinfo.out_color_space = JCS_GRAYSCALE;
    else if (ncomp == 3)
        cinfo.out_color_space = JCS_RGB;
    else if (ncomp == 4)
        cinfo.out_color_space = JCS_CMYK;
    else {
        st = zb_error(ZB_ERR_UNSUPPORTED, "%s: cannot handle %d-layer images", name, ncomp);
        longjmp(err.jump, 1);
    }
    /* The caps apply before any pixel memory exists. */
    zb_status cap = zb_image_check_size(name, cinfo.image_width, cinfo.image_height);
    if (cap != ZB_OK) {
        st = cap;
        longjmp(err.jump, 1);
    }
    const int w = (int)cinfo.image_width, h = (int)cinfo.image_height;
    pixels = malloc((size_t)w * h * 3);
    if (ncomp == 4)
        cmyk = malloc((size_t)w * 4);
    if (!pixels || (ncomp == 4 && !cmyk)) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory for a %dx%d image", name, w, h);
        longjmp(err.jump, 1);
    }
    /* The box of pixels to produce, widened by two iMCUs on each side so that
     * fancy upsampling at its edges sees the same neighbours as in a full
     * decode (tests/oracle/preprocess_check.py compares every recipe's output
     * with Pillow's full decode). */
    zb_box box = {0, 0, w, h};
    if (need) {
        need(ctx, w, h, &box);
        int mx = 2 * 8 * (cinfo.max_h_samp_factor > 0 ? cinfo.max_h_samp_factor : 1);
        int my = 2 * 8 * (cinfo.max_v_samp_factor > 0 ? cinfo.max_v_samp_factor : 1);
        box.x0 = box.x0 - mx < 0 ? 0 : box.x0 - mx;
        box.y0 = box.y0 - my < 0 ? 0 : box.y0 - my;
        box.x1 = box.x1 + mx > w ? w : box.x1 + mx;
        box.y1 = box.y1 + my > h ? h : box.y1 + my;
        if (box.x0 >= box.x1 || box.y0 >= box.y1)
            box = (zb_box){0, 0, w, h};
    }
    jpeg_start_decompress(&cinfo);
    if ((int)cinfo.output_width != w || (int)cinfo.output_height != h) {
        st = zb_error(ZB_ERR_FORMAT, "%s: unexpected output size", name);
        longjmp(err.jump, 1);
    }
    JDIMENSION xoff = 0, cw = (JDIMENSION)w;
    if (box.x0 > 0 || box.x1 < w) {
        xoff = (JDIMENSION)box.x0;
        cw = (JDIMENSION)(box.x1 - box.x0);
        jpeg_crop_scanline(&cinfo, &xoff, &cw); /* widens to iMCU boundaries */
    }
    if (box.y0 > 0)
        jpeg_skip_scanlines(&cinfo, (JDIMENSION)box.y0);
    while ((int)cinfo.output_scanline < box.y1 && !err.eof) {
        uint8_t *row = pixels + ((size_t)cinfo.output_scanline * w + xoff) * 3;
        JSAMPROW rows[1] = {ncomp == 4 ? cmyk : row};
        if (jpeg_read_scanlines(&cinfo, rows, 1) != 1)
            break;
        if (ncomp == 1)
            gray_to_rgb(row, (int)cw);
        else if (ncomp == 4)
            cmyk_inverted_to_rgb(row, cmyk, (int)cw);
    }
    /* The rest is still entropy-decoded: truncation and errors there count. */
    if (!err.eof && cinfo.output_scanline < cinfo.output_height)
        jpeg_skip_scanlines(&cinfo, cinfo.output_height - cinfo.output_scanline);
    if (err.eof || cinfo.output_scanline < cinfo.output_height) {
        st = zb_error(ZB_ERR_FORMAT, "%s: image file is truncated", name);
        longjmp(err.jump, 1);
    }
    /* Pillow then runs jpeg_finish_decompress: an error in the rest of the
     * file (a bad marker after the last scanline) fails the image, but running
     * out of data there (say, no EOI marker) does not. */
    done = 1;
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(cmyk);
    out->width = w;
    out->height = h;
    out->data = pixels;
    return ZB_OK;
}
