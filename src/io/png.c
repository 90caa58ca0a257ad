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
 * iCCP or alpha handling is applied, as Pillow applies none.
 *
 * Before and after libpng, the chunk list is checked the way Pillow's chunk
 * handlers would refuse a file libpng accepts (pillow_chunks below):
 * decompression bombs in text and ICC chunks, and chunks cut short after the
 * image data. */
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

/* ---- Pillow's chunk handlers ----------------------------------------------
 * PIL/PngImagePlugin.py 9.4 reads every chunk before the first IDAT when it
 * opens a file and every chunk after the image data when it finishes loading
 * (load_end), up to IEND.  Its handlers refuse:
 *   zTXt, compressed iTXt, iCCP   more than MAX_TEXT_CHUNK (1 MiB) once
 *                                 inflated ("Decompressed Data Too Large"),
 *                                 a zTXt compression method other than 0, an
 *                                 iCCP without a NUL byte (it indexes s[-1]);
 *   tEXt, zTXt, iTXt              more than MAX_TEXT_MEMORY (64 MiB) of text in all;
 *   any chunk after the image     a body cut short ("Truncated File Read"),
 * while zlib errors in those chunks are ignored.  libpng accepts all of these
 * (its text and ICC errors are benign), so they are checked here. */
#define PIL_MAX_TEXT_CHUNK ((size_t)1 << 20)
#define PIL_MAX_TEXT_MEMORY ((size_t)64 << 20)

/* Python's zlib.decompressobj().decompress(s, PIL_MAX_TEXT_CHUNK) into out:
 * 1 when it stops with input left (Pillow's ValueError), -1 on a zlib error,
 * else 0 with *n the bytes produced. */
static int inflate_capped(const uint8_t *s, size_t len, uint8_t *out, size_t *n)
{
    z_stream z = {0};
    *n = 0;
    if (inflateInit(&z) != Z_OK)
        return -1;
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)len; /* a chunk holds less than 2^31 bytes */
    z.next_out = out;
    z.avail_out = (uInt)PIL_MAX_TEXT_CHUNK;
    int ret = inflate(&z, Z_SYNC_FLUSH);
    *n = PIL_MAX_TEXT_CHUNK - z.avail_out;
    int left = z.avail_in > 0;
    inflateEnd(&z);
    if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
        return -1;
    return ret != Z_STREAM_END && left;
}

/* Python's len(bytes.decode("utf-8", "strict")): code points, or -1 when invalid. */
static long long utf8_length(const uint8_t *s, size_t n)
{
    long long count = 0;
    for (size_t i = 0; i < n; count++) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (!k || n - i < k)
            return -1;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return -1;
        unsigned c1 = k > 1 ? s[i + 1] : 0;
        if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
            return -1; /* overlong, surrogate, beyond U+10FFFF */
        i += k;
    }
    return count;
}

static const uint8_t *find_nul(const uint8_t *s, size_t n) { return memchr(s, 0, n); }

/* One text or ICC chunk s[0..n) as Pillow's handler: the text length it
 * counts in *text, or an error. */
static zb_status pillow_text_chunk(const char *name, const uint8_t type[4], const uint8_t *s, size_t n,
                                   uint8_t **scratch, size_t *text)
{
    *text = 0;
    const uint8_t *nul = find_nul(s, n);
    int is_ztxt = !memcmp(type, "zTXt", 4), is_itxt = !memcmp(type, "iTXt", 4), is_iccp = !memcmp(type, "iCCP", 4);
    if (!memcmp(type, "tEXt", 4)) {
        if (nul && nul > s)
            *text = n - (size_t)(nul - s) - 1;
        return ZB_OK;
    }
    if (!is_ztxt && !is_itxt && !is_iccp)
        return ZB_OK;
    const uint8_t *z = NULL; /* the zlib stream */
    size_t zn = 0;
    if (is_iccp) {
        if (!nul)
            return zb_error(ZB_ERR_FORMAT, "%s: broken PNG file: iCCP chunk without a profile name", name);
        size_t i = (size_t)(nul - s);
        z = s + (i + 2 < n ? i + 2 : n);
        zn = i + 2 < n ? n - i - 2 : 0;
    } else if (is_ztxt) {
        if (nul && nul + 1 < s + n && nul[1] != 0)
            return zb_error(ZB_ERR_FORMAT, "%s: broken PNG file: unknown compression method %d in zTXt chunk", name,
                            nul[1]);
        if (nul && nul + 1 < s + n) {
            z = nul + 2;
            zn = n - (size_t)(nul - s) - 2;
        }
    } else { /* iTXt: keyword NUL flag method language NUL translated-keyword NUL text */
        if (!nul || (size_t)(s + n - nul - 1) < 2)
            return ZB_OK;
        const uint8_t *r = nul + 3, *end = s + n;
        int cf = nul[1], cm = nul[2];
        const uint8_t *n1 = find_nul(r, (size_t)(end - r));
        const uint8_t *n2 = n1 ? find_nul(n1 + 1, (size_t)(end - n1 - 1)) : NULL;
        if (!n2 || (cf && cm))
            return ZB_OK;
        /* Pillow inflates first, then counts the text only if the language,
         * the translated keyword and the text are all valid UTF-8. */
        int names_ok = utf8_length(r, (size_t)(n1 - r)) >= 0 && utf8_length(n1 + 1, (size_t)(n2 - n1 - 1)) >= 0;
        const uint8_t *v = n2 + 1;
        size_t vn = (size_t)(end - v);
        if (!cf) {
            long long len = names_ok ? utf8_length(v, vn) : -1;
            *text = len < 0 ? 0 : (size_t)len;
            return ZB_OK;
        }
        z = v;
        zn = vn;
        if (!names_ok)
            is_itxt = 2; /* inflate, count nothing */
    }
    if (!*scratch && !(*scratch = malloc(PIL_MAX_TEXT_CHUNK)))
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    size_t got;
    int r = z ? inflate_capped(z, zn, *scratch, &got) : 0;
    if (r > 0)
        return zb_error(ZB_ERR_LIMIT, "%s: broken PNG file: Decompressed Data Too Large (%.4s chunk over %zu bytes)",
                        name, (const char *)type, PIL_MAX_TEXT_CHUNK);
    if (r < 0 || !z)
        got = 0;
    if (is_ztxt)
        *text = nul && nul > s ? got : 0; /* Pillow counts it only with a keyword */
    else if (is_itxt == 1 && r == 0) {
        long long len = utf8_length(*scratch, got);
        *text = len < 0 ? 0 : (size_t)len;
    }
    return ZB_OK;
}

/* Pillow's chunk-name test: four bytes matching the regex \w (ASCII letters, digits, '_'). */
static int is_chunk_name(const uint8_t *t)
{
    for (int i = 0; i < 4; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') ||
              t[i] == '_'))
            return 0;
    return 1;
}

/* Walks the chunks as Pillow does.  consumed == 0: the chunks before the
 * first IDAT (Image.open).  Else consumed is how far the image data was read,
 * and the walk covers the chunks after the one holding byte consumed - 1 (load_end),
 * where a body cut short fails.  *text carries the text total across both. */
static zb_status pillow_chunks(const char *name, const uint8_t *buf, size_t len, size_t consumed, size_t *text)
{
    size_t pos = 8;
    uint8_t *scratch = NULL;
    zb_status st = ZB_OK;
    while (st == ZB_OK && len - pos >= 8) {
        size_t n = (size_t)buf[pos] << 24 | (size_t)buf[pos + 1] << 16 | (size_t)buf[pos + 2] << 8 | buf[pos + 3];
        const uint8_t *type = buf + pos + 4;
        if (pos < consumed) { /* the image data, or before it */
            if (n > len - pos - 8)
                break;
            pos += 12 + n;
            continue;
        }
        if (!is_chunk_name(type) || !memcmp(type, "IEND", 4) || (!consumed && !memcmp(type, "IDAT", 4)))
            break; /* before the image libpng refuses a bad name; after it Pillow stops */
        if (n > len - pos - 8) {
            /* Before the image this is libpng's truncation error, but libpng
             * would first allocate the declared length (a 2 GB iTXt buffer
             * for a 120-byte file, fuzz_image found), so it is reported here:
             * Pillow's read of the chunk fails the same way. */
            st = consumed ? zb_error(ZB_ERR_FORMAT, "%s: broken PNG file: %.4s chunk after the image data is truncated",
                                     name, (const char *)type)
                          : zb_error(ZB_ERR_FORMAT, "%s: image file is truncated", name);
            break;
        }
        size_t t = 0;
        st = pillow_text_chunk(name, type, buf + pos + 8, n, &scratch, &t);
        *text += t;
        if (st == ZB_OK && *text > PIL_MAX_TEXT_MEMORY)
            st = zb_error(ZB_ERR_LIMIT, "%s: broken PNG file: more than %zu bytes of text chunks", name,
                          PIL_MAX_TEXT_MEMORY);
        if (len - pos - 8 - n < 4)
            break; /* no CRC: Pillow's chunk reader ends here */
        pos += 12 + n;
    }
    free(scratch);
    return st;
}

zb_status zb_png_decode(const char *name, const uint8_t *buf, size_t len, zb_image *out)
{
    memset(out, 0, sizeof *out);
    size_t text = 0;
    zb_status pre = pillow_chunks(name, buf, len, 0, &text);
    if (pre != ZB_OK)
        return pre;
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
    /* Like Pillow, no IEND is needed, but the chunks after the image data
     * are read as its load_end reads them. */
    png_destroy_read_struct(&png, &info, NULL);
    free(raw);
    if ((st = pillow_chunks(name, buf, len, r.pos > 8 ? r.pos : 9, &text)) != ZB_OK) {
        free(pixels);
        return st;
    }
    out->width = w;
    out->height = h;
    out->data = pixels;
    return ZB_OK;
}
