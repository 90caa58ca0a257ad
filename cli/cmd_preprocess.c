/* zoobench preprocess: decode + resize + crop + normalize images exactly as
 * a framework recipe does, write the model inputs (.npy) or their hashes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io/sha256.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench preprocess --recipe R [options] IMAGE... (-o OUT.npy | --sha256)\n\n"
            "Replay a framework's preprocessing bit for bit (Pillow 9.4, torchvision 0.14,\n"
            "keras-applications 1.0.8) and write the model inputs.\n\n"
            "recipes: torchvision, seed-torchvision, keras-caffe, keras-tf, keras-torch, keras-raw,\n"
            "         seed-keras-caffe, seed-keras-tf, seed-keras-torch\n\n"
            "  --recipe R          preset to start from (required)\n"
            "  --size N            model input side (default 224)\n"
            "  --crop-pct P        resize to size // P before the center crop (torchvision: 0.875)\n"
            "  --interpolation F   nearest|box|bilinear|hamming|bicubic|lanczos\n"
            "  --resize M          shorter (keep aspect) | squash (both sides)\n"
            "  --layout L          nchw | nhwc (default: nchw for torchvision, nhwc for keras)\n"
            "  --uint8             write the resized+cropped uint8 (N, size, size, 3) RGB instead\n"
            "  --sha256            print 'SHA256  FILE' of each image's exact model-input bytes\n"
            "  -o, --output FILE   .npy file: float32 (N, 3, S, S) or (N, S, S, 3)\n\n"
            "A bad image prints one error line; the others are still processed and the\n"
            "exit status is 1.  The .npy holds the images that succeeded, in order (no\n"
            "file is written when none did).\n");
}

/* ---- streaming .npy writer: fixed 128-byte header, N patched at the end --
 * (zb_npy_save needs the whole array in memory; a batch of images is
 * streamed instead.  numpy reads version 1.0 headers padded with spaces.) */

#define NPY_HEADER 128

static int npy_header(FILE *f, const char *descr, long n, const int *dims, int ndims)
{
    char shape[128], hdr[NPY_HEADER];
    int k = snprintf(shape, sizeof shape, "(%ld", n);
    for (int i = 0; i < ndims; i++)
        k += snprintf(shape + k, sizeof shape - k, ", %d", dims[i]);
    snprintf(shape + k, sizeof shape - k, ")");
    memset(hdr, ' ', sizeof hdr);
    memcpy(hdr, "\x93NUMPY\x01\x00", 8);
    hdr[8] = NPY_HEADER - 10;
    hdr[9] = 0;
    int d = snprintf(hdr + 10, NPY_HEADER - 10, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
    hdr[10 + d] = ' ';
    hdr[NPY_HEADER - 1] = '\n';
    return fseek(f, 0, SEEK_SET) == 0 && fwrite(hdr, 1, NPY_HEADER, f) == NPY_HEADER ? 0 : -1;
}

int cmd_preprocess(int argc, char **argv)
{
    enum { O_RECIPE = 256, O_SIZE, O_PCT, O_INTERP, O_RESIZE, O_LAYOUT, O_UINT8, O_SHA };
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},           {"recipe", required_argument, 0, O_RECIPE},
        {"size", required_argument, 0, O_SIZE},  {"crop-pct", required_argument, 0, O_PCT},
        {"interpolation", required_argument, 0, O_INTERP}, {"resize", required_argument, 0, O_RESIZE},
        {"layout", required_argument, 0, O_LAYOUT}, {"uint8", no_argument, 0, O_UINT8},
        {"sha256", no_argument, 0, O_SHA},       {"output", required_argument, 0, 'o'},
        {0, 0, 0, 0}};
    const char *recipe = NULL, *output = NULL, *interp = NULL, *resize = NULL, *layout_s = NULL;
    int size = 224, as_u8 = 0, hash = 0, c;
    double pct = 0;
    char *end;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case O_RECIPE: recipe = optarg; break;
        case O_SIZE:
            size = (int)strtol(optarg, &end, 10);
            if (*end || end == optarg)
                return cli_fail("--size: not an integer: '%s'", optarg);
            break;
        case O_PCT:
            pct = strtod(optarg, &end);
            if (*end || end == optarg)
                return cli_fail("--crop-pct: not a number: '%s'", optarg);
            break;
        case O_INTERP: interp = optarg; break;
        case O_RESIZE: resize = optarg; break;
        case O_LAYOUT: layout_s = optarg; break;
        case O_UINT8: as_u8 = 1; break;
        case O_SHA: hash = 1; break;
        case 'o': output = optarg; break;
        default: usage(stderr); return 2;
        }
    }
    if (!recipe || optind >= argc || (!output && !hash)) {
        usage(stderr);
        return 2;
    }
    zb_recipe r;
    if (zb_recipe_preset(recipe, size, &r) != ZB_OK)
        return cli_fail_lib();
    if (resize) {
        if (!strcmp(resize, "shorter"))
            r.resize = ZB_RESIZE_SHORTER;
        else if (!strcmp(resize, "squash"))
            r.resize = ZB_RESIZE_SQUASH;
        else
            return cli_fail("--resize: expected shorter or squash, got '%s'", resize);
        if (!pct)
            pct = r.crop_pct;
        r.crop_mode = ZB_CROP_TORCHVISION;
    }
    if (pct && zb_recipe_set_crop_pct(&r, pct) != ZB_OK)
        return cli_fail_lib();
    if (interp) {
        int f = zb_filter_from_name(interp);
        if (f < 0)
            return cli_fail("--interpolation: unknown filter '%s' (nearest, box, bilinear, hamming, bicubic, lanczos)",
                            interp);
        r.filter = (zb_filter)f;
    }
    zb_layout layout = r.norm == ZB_NORM_TORCHVISION ? ZB_LAYOUT_NCHW : ZB_LAYOUT_NHWC;
    if (layout_s) {
        if (!strcmp(layout_s, "nchw"))
            layout = ZB_LAYOUT_NCHW;
        else if (!strcmp(layout_s, "nhwc"))
            layout = ZB_LAYOUT_NHWC;
        else
            return cli_fail("--layout: expected nchw or nhwc, got '%s'", layout_s);
    }

    const size_t count = zb_recipe_output_count(&r);
    const size_t nbytes = as_u8 ? count : count * sizeof(float);
    float *x = malloc(count * sizeof *x);
    if (!x)
        return cli_fail("out of memory");
    FILE *f = NULL;
    char *tmp = NULL;
    if (output) {
        tmp = malloc(strlen(output) + 32);
        if (!tmp) {
            free(x);
            return cli_fail("out of memory");
        }
        sprintf(tmp, "%s.tmp.%ld", output, (long)getpid());
        f = fopen(tmp, "wb");
        if (!f) {
            int e = errno;
            free(x);
            free(tmp);
            return cli_fail("%s: cannot create: %s", output, strerror(e));
        }
    }
    const int S = r.crop;
    int dims[3] = {S, S, 3};
    if (!as_u8 && layout == ZB_LAYOUT_NCHW)
        dims[0] = 3, dims[1] = S, dims[2] = S;
    const char *descr = as_u8 ? "|u1" : "<f4";
    int failed = 0, io_err = 0;
    long n_ok = 0;
    if (f && npy_header(f, descr, 0, dims, 3))
        io_err = 1;
    for (int i = optind; i < argc && !io_err; i++) {
        const char *path = argv[i];
        zb_image crop = {0};
        if (as_u8 ? zb_recipe_decode_u8(&r, path, &crop) : zb_preprocess(path, &r, layout, x)) {
            cli_fail_lib();
            failed++;
            continue;
        }
        const void *bytes = as_u8 ? (const void *)crop.data : (const void *)x;
        if (hash) {
            uint8_t digest[32];
            char hex[ZB_SHA256_HEX];
            zb_sha256_buf(bytes, nbytes, digest);
            zb_sha256_hex(digest, hex);
            printf("%s  %s\n", hex, path);
        }
        if (f && fwrite(bytes, 1, nbytes, f) != nbytes)
            io_err = 1;
        zb_image_free(&crop);
        n_ok++;
    }
    free(x);
    if (f) {
        if (!io_err && npy_header(f, descr, n_ok, dims, 3))
            io_err = 1;
        if (fflush(f) != 0 || fsync(fileno(f)) != 0)
            io_err = 1;
        if (fclose(f) != 0)
            io_err = 1;
        if (!io_err && n_ok == 0) { /* nothing to write: leave no file behind */
            remove(tmp);
        } else if (io_err || rename(tmp, output) != 0) {
            int e = errno;
            remove(tmp);
            free(tmp);
            return cli_fail("%s: write failed: %s", output, strerror(e));
        }
        free(tmp);
    }
    return failed ? 1 : 0;
}
