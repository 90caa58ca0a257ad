/* zoobench preprocess: decode + resize + crop + normalize images exactly as
 * a framework recipe does, write the model inputs (.npy) or their hashes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench preprocess --recipe R [options] IMAGE... (-o OUT.npy | --sha256)\n\n"
            "Replay a framework's preprocessing bit for bit (Pillow 9.4, torchvision 0.14,\n"
            "keras-applications 1.0.8) and write the model inputs.\n\n"
            "recipes: torchvision, keras-caffe, keras-tf, keras-torch, keras-raw,\n"
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
            "exit status is 1.  The .npy holds the images that succeeded, in order.\n");
}

/* ---- SHA-256 (FIPS 180-4), for --sha256 ------------------------------- */

typedef struct sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
} sha256;

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256 *s, const uint8_t *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h;
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

static void sha256_init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->n = 0;
}

static void sha256_update(sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->len += len;
    while (len) {
        size_t k = 64 - s->n < len ? 64 - s->n : len;
        memcpy(s->buf + s->n, p, k);
        s->n += k, p += k, len -= k;
        if (s->n == 64) {
            sha256_block(s, s->buf);
            s->n = 0;
        }
    }
}

static void sha256_hex(sha256 *s, char hex[65])
{
    uint64_t bits = s->len * 8;
    uint8_t pad = 0x80, zero = 0, lenb[8];
    sha256_update(s, &pad, 1);
    while (s->n != 56)
        sha256_update(s, &zero, 1);
    for (int i = 0; i < 8; i++)
        lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, lenb, 8);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

/* ---- streaming .npy writer: fixed 128-byte header, N patched at the end -- */

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
        zb_image im = {0}, crop = {0};
        zb_status st = zb_image_decode_file(path, &im);
        if (st != ZB_OK) {
            cli_fail_lib();
            failed++;
            continue;
        }
        st = zb_recipe_apply_u8(&r, &im, &crop);
        zb_image_free(&im);
        if (st != ZB_OK) {
            cli_fail("%s: %s", path, zb_last_error());
            failed++;
            continue;
        }
        const void *bytes = crop.data;
        if (!as_u8) {
            zb_recipe_normalize(&r, &crop, layout, x);
            bytes = x;
        }
        if (hash) {
            sha256 s;
            char hex[65];
            sha256_init(&s);
            sha256_update(&s, bytes, nbytes);
            sha256_hex(&s, hex);
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
        if (io_err || rename(tmp, output) != 0) {
            int e = errno;
            remove(tmp);
            free(tmp);
            return cli_fail("%s: write failed: %s", output, strerror(e));
        }
        free(tmp);
    }
    return failed ? 1 : 0;
}
