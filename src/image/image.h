/* Internal image helpers shared by src/image and src/io (decoders).
 * The public types (zb_image, zb_filter, zb_recipe) are in zoobench.h. */
#ifndef ZB_IMAGE_IMAGE_H
#define ZB_IMAGE_IMAGE_H

#include "zoobench.h"

/* Allocates an uninitialised width x height RGB image after checking the
 * bomb and side caps; `name` goes into the error message. */
zb_status zb_image_alloc(const char *name, int width, int height, zb_image *out);

/* Checks the decompression-bomb and side caps before any pixel allocation. */
zb_status zb_image_check_size(const char *name, long long width, long long height);

/* A pixel box [x0, x1) x [y0, y1). */
typedef struct zb_box {
    int x0, y0, x1, y1;
} zb_box;

/* Called by a decoder once the image size is known: sets *need to the box of
 * source pixels the caller will read.  Pixels outside it may be left
 * unwritten (uninitialised) in the decoded image. */
typedef void (*zb_need_fn)(void *ctx, int width, int height, zb_box *need);

/* Decoders: bytes -> RGB exactly like PIL.Image.open(...).convert('RGB').
 * `need` may be NULL (the whole image); the JPEG decoder then skips the IDCT
 * and colour conversion of rows and iMCU columns outside the box, while the
 * whole file is still parsed and entropy-decoded (so errors are the same). */
zb_status zb_jpeg_decode(const char *name, const uint8_t *buf, size_t len, zb_need_fn need, void *ctx,
                         zb_image *out);
zb_status zb_png_decode(const char *name, const uint8_t *buf, size_t len, zb_image *out);

/* zb_image_decode_file and zb_image_decode_mem with a `need` callback (see above). */
zb_status zb_image_decode_file_need(const char *path, zb_need_fn need, void *ctx, zb_image *out);
zb_status zb_image_decode_mem_need(const char *name, const void *buf, size_t len, zb_need_fn need, void *ctx,
                                   zb_image *out);

/* zb_recipe_decode_u8 for bytes in memory; errors name `name` (the fuzz
 * harness uses it). */
zb_status zb_recipe_decode_mem_u8(const zb_recipe *r, const char *name, const void *buf, size_t len, zb_image *out);

/* When the crop window [left, left + cw) x [top, top + chh) of `in` resized
 * to width x height selects source pixels (NEAREST, or no resize): sets
 * xmap[cw] and ymap[chh] to the source column / row of each window pixel,
 * -1 where zb_image_resize_crop writes 0, and returns 1.  Otherwise (a
 * filter that mixes pixels) returns 0. */
int zb_image_select_maps(const zb_image *in, int width, int height, zb_filter f, int left, int top, int cw, int chh,
                         int *xmap, int *ymap);

/* zb_recipe_normalize of the crop that xmap / ymap (zb_image_select_maps)
 * select from `in`, read in place. */
void zb_recipe_normalize_select(const zb_recipe *r, const zb_image *in, const int *xmap, const int *ymap, int cw,
                                int chh, zb_layout layout, float *out);

/* The recipe's float model input (crop, crop, 3) or (3, crop, crop) of an
 * image file / bytes in memory: zb_recipe_decode_u8 then
 * zb_recipe_normalize, the same bits; where the resize only selects pixels
 * the selected pixels are normalized straight from the decoded image. */
zb_status zb_recipe_decode_mem_f32(const zb_recipe *r, const char *name, const void *buf, size_t len,
                                   zb_layout layout, float *out);

/* Reference (naive, unoptimised) Pillow resample, for the tests: same
 * arithmetic as zb_image_resize, one output pixel at a time. */
zb_status zb_image_resize_ref(const zb_image *in, int width, int height, zb_filter f, zb_image *out);

/* Tests set this to run the portable resize loops instead of the AVX2 ones. */
extern int zb_image_force_scalar;

#endif
