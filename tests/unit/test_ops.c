/* Every op against torch 1.13 / numpy on odd shapes (tests/oracle/torch_ops.py):
 * conv2d (groups, depthwise with multiplier, dilation, asymmetric padding,
 * torch and keras weight layouts), batchnorm (optional gamma/beta, per-layer
 * eps), relu, relu6, max/avg pooling (ceil_mode, count_include_pad on/off,
 * TF 'same'), adaptive and global average pooling, concat, add, scaled add,
 * dense after a torch or keras flatten, zero-pad, crop, softmax.
 * Ops that only move or compare values must match bitwise; the others to
 * 1e-5 * max(1, max|y|).  Also: graph errors and the engine's bookkeeping. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/engine.h"
#include "core/status.h"
#include "harness.h"
#include "models/registry.h"
#include "raw.h"

static char dir[] = "/tmp/zb_ops.XXXXXX";

/* The test's inputs are concatenated on channels into one graph input; a 1x1
 * conv with 0/1 weights (exact) picks input k back out. */
static zb_node *pick(zb_graph *g, zb_node *in, int c0, int c, int total, zb_wmap *w, int k)
{
    char key[32];
    snprintf(key, sizeof key, "__pick%d", k);
    float *sel = calloc((size_t)c * total, sizeof *sel);
    for (int i = 0; i < c; i++)
        sel[(size_t)i * total + c0 + i] = 1.0f;
    zb_wmap_add(w, key, 4, (int64_t[]){c, total, 1, 1}, sel);
    zb_conv_spec s = {.cout = c, .kh = 1, .kw = 1, .layout = ZB_W_OIHW, .wkey = key};
    return zb_conv2d(g, key, in, &s);
}

static int run_case(const char *name, const char *op, zb_wmap *w, zb_wmap *a)
{
    const float *p = zb_wmap_find(a, "__params__")->data;
    zb_weight *y = zb_wmap_find(a, "__y__");
    zb_weight *xs[3] = {zb_wmap_find(a, "__x__"), zb_wmap_find(a, "__x1__"), zb_wmap_find(a, "__x2__")};
    int nx = xs[2] ? 3 : xs[1] ? 2 : 1;
    int n = (int)xs[0]->shape[0], h = (int)xs[0]->shape[1], wd = (int)xs[0]->shape[2], total = 0;
    for (int k = 0; k < nx; k++)
        total += (int)xs[k]->shape[3];
    float *x = malloc((size_t)n * h * wd * total * sizeof *x); /* (n, h, w, total) */
    for (size_t px = 0, c0 = 0; px < (size_t)n * h * wd; px++, c0 = 0)
        for (int k = 0; k < nx; k++) {
            int c = (int)xs[k]->shape[3];
            memcpy(x + px * total + c0, xs[k]->data + px * c, (size_t)c * sizeof *x);
            c0 += c;
        }
    zb_graph *g = zb_graph_new(name);
    zb_node *in = zb_input(g, h, wd, total), *v[3] = {in};
    if (nx > 1)
        for (int k = 0, c0 = 0; k < nx; c0 += (int)xs[k]->shape[3], k++)
            v[k] = pick(g, in, c0, (int)xs[k]->shape[3], total, w, k);
    int exact = 0;
    zb_node *out = NULL;
    if (!strcmp(op, "conv")) {
        zb_conv_spec s = {.cout = (int)p[0], .kh = (int)p[1], .kw = (int)p[2], .sh = (int)p[3], .sw = (int)p[4],
                          .dh = (int)p[5], .dw = (int)p[6], .pt = (int)p[7], .pb = (int)p[8], .pl = (int)p[9],
                          .pr = (int)p[10], .groups = (int)p[11], .bias = (int)p[12],
                          .layout = p[13] == 0 ? ZB_W_OIHW : p[13] == 1 ? ZB_W_HWIO : ZB_W_HWIM,
                          .wkey = "w", .bkey = "b"};
        out = zb_conv2d(g, "conv", v[0], &s);
    } else if (!strcmp(op, "bn")) {
        zb_bn_spec s = {.eps = p[0], .gamma = p[1] ? "gamma" : NULL, .beta = p[2] ? "beta" : NULL,
                        .mean = "mean", .var = "var"};
        out = zb_batchnorm(g, "bn", v[0], &s);
    } else if (!strcmp(op, "relu") || !strcmp(op, "relu6")) {
        out = op[4] ? zb_relu6(g, v[0]) : zb_relu(g, v[0]);
        exact = 1;
    } else if (!strcmp(op, "softmax")) {
        out = zb_softmax(g, v[0]);
    } else if (!strcmp(op, "maxpool") || !strcmp(op, "avgpool")) {
        zb_pool_spec s = {.kh = (int)p[0], .kw = (int)p[1], .sh = (int)p[2], .sw = (int)p[3], .pt = (int)p[4],
                          .pb = (int)p[5], .pl = (int)p[6], .pr = (int)p[7], .ceil_mode = (int)p[8],
                          .count_include_pad = (int)p[9]};
        exact = op[0] == 'm';
        out = exact ? zb_maxpool(g, v[0], &s) : zb_avgpool(g, v[0], &s);
    } else if (!strcmp(op, "adaptive")) {
        out = zb_adaptive_avgpool(g, v[0], (int)p[0], (int)p[1]);
    } else if (!strcmp(op, "gap")) {
        out = zb_global_avgpool(g, v[0]);
    } else if (!strcmp(op, "concat")) {
        out = zb_concat(g, nx, v);
        exact = 1;
    } else if (!strcmp(op, "add")) {
        out = p[0] == 1.0f ? zb_add(g, v[0], v[1]) : zb_scaled_add(g, v[0], v[1], p[0]);
        exact = 1;
    } else if (!strcmp(op, "dense")) {
        zb_node *f = zb_flatten(g, v[0], p[2] == 0 ? ZB_FLATTEN_CHW : ZB_FLATTEN_HWC);
        zb_dense_spec s = {.units = (int)p[0], .layout = p[1] == 0 ? ZB_W_OI : ZB_W_IO, .wkey = "w", .bkey = "b"};
        out = zb_dense(g, "dense", f, &s);
    } else if (!strcmp(op, "zeropad") || !strcmp(op, "crop")) {
        out = (op[0] == 'z' ? zb_zeropad : zb_crop)(g, v[0], (int)p[0], (int)p[1], (int)p[2], (int)p[3]);
        exact = 1;
    }
    int ok = 0;
    zb_status st = zb_graph_status(g);
    if (st == ZB_OK && out && (int64_t)out->h * out->w * out->c * n == y->count)
        st = zb_graph_prepare(g, w, NULL);
    else if (st == ZB_OK)
        st = ZB_ERR_SHAPE, zb_error(st, "output shape (%d, %d, %d)", out ? out->h : 0, out ? out->w : 0,
                                    out ? out->c : 0);
    if (st == ZB_OK) {
        float *got = malloc((size_t)y->count * sizeof *got);
        st = zb_graph_run(g, x, n, got);
        double maxy = 0, diff = 0;
        for (int64_t i = 0; i < y->count; i++) {
            maxy = fmax(maxy, fabs(y->data[i]));
            diff = fmax(diff, fabs((double)got[i] - y->data[i]));
        }
        double bar = exact ? 0.0 : 1e-5 * fmax(1.0, maxy);
        ok = st == ZB_OK && diff <= bar && (!exact || !memcmp(got, y->data, (size_t)y->count * sizeof *got));
        fprintf(stderr, "%-26s max|diff| %-9.3g bar %-9.3g %s\n", name, diff, bar, ok ? "ok" : "FAIL");
        free(got);
    } else {
        fprintf(stderr, "%-26s error: %s\n", name, zb_last_error());
    }
    zb_graph_free(g);
    free(x);
    return ok;
}

static void test_ops_vs_torch(void)
{
    char cmd[256], path[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/oracle/torch_ops.py %s", dir);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    FILE *m = fopen(path, "r");
    CHECK(m != NULL);
    if (!m)
        return;
    char name[64], op[32];
    int cases = 0;
    while (fscanf(m, "%63s %31s", name, op) == 2) {
        zb_wmap *w = NULL, *a = NULL;
        snprintf(path, sizeof path, "%s/%s.raw", dir, name);
        CHECK(raw_load(path, &w, &a) == 0);
        if (w && a)
            CHECK(run_case(name, op, w, a));
        zb_wmap_free(w);
        zb_wmap_free(a);
        unlink(path);
        cases++;
    }
    fclose(m);
    CHECK(cases >= 30);
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    unlink(path);
}

/* ---- engine bookkeeping, no oracle needed -------------------------------- */

static zb_graph *tiny(void)
{
    zb_graph *g = zb_graph_new("tiny");
    zb_node *x = zb_input(g, 8, 8, 3);
    zb_conv_spec s = {.cout = 4, .kh = 3, .kw = 3, .pt = 1, .pb = 1, .pl = 1, .pr = 1, .bias = 1,
                      .layout = ZB_W_OIHW, .wkey = "conv.weight", .bkey = "conv.bias"};
    x = zb_conv2d(g, "conv", x, &s);
    zb_bn_spec b = {.eps = 1e-5f, .gamma = "bn.weight", .beta = "bn.bias", .mean = "bn.running_mean",
                    .var = "bn.running_var"};
    x = zb_relu(g, zb_batchnorm(g, "bn", x, &b));
    x = zb_global_avgpool(g, x);
    zb_dense_spec d = {.units = 2, .layout = ZB_W_OI, .wkey = "fc.weight", .bkey = "fc.bias"};
    zb_dense(g, "fc", zb_flatten(g, x, ZB_FLATTEN_CHW), &d);
    return g;
}

static void test_key_errors(void)
{
    zb_graph *g = tiny();
    zb_wmap *w = NULL;
    CHECK(zb_graph_random_weights(g, 1, &w) == ZB_OK);
    /* wrong shape: one message naming the key and both shapes */
    zb_weight *fc = zb_wmap_find(w, "fc.weight");
    fc->shape[0] = 1, fc->shape[1] = 8;
    CHECK(zb_graph_prepare(g, w, NULL) == ZB_ERR_SHAPE);
    CHECK_STR(zb_last_error(), "tiny: key 'fc.weight': checkpoint has (1, 8), model expects (2, 4)");
    zb_graph_free(g);
    fc->shape[0] = 2, fc->shape[1] = 4;
    /* unexpected key */
    zb_wmap_add(w, "extra.weight", 1, (int64_t[]){3}, calloc(3, sizeof(float)));
    g = tiny();
    CHECK(zb_graph_prepare(g, w, NULL) == ZB_ERR_FORMAT);
    CHECK_STR(zb_last_error(), "tiny: unexpected key 'extra.weight' (3,) in checkpoint");
    zb_graph_free(g);
    /* ignored suffix, then a missing key */
    g = tiny();
    zb_graph_ignore_suffix(g, "extra.weight");
    CHECK(zb_graph_prepare(g, w, NULL) == ZB_OK);
    zb_graph_free(g);
    zb_wmap *w2 = zb_wmap_new();
    g = tiny();
    CHECK(zb_graph_prepare(g, w2, NULL) == ZB_ERR_FORMAT);
    CHECK_STR(zb_last_error(), "tiny: checkpoint lacks key 'conv.weight' (model expects (4, 3, 3, 3)) and 7 more");
    zb_graph_free(g);
    zb_wmap_free(w2);
    zb_wmap_free(w);
}

/* Fused (conv+bn+relu epilogue) and unfused graphs agree to rounding; the
 * memory plan reuses buffers. */
static void test_fusion_and_plan(void)
{
    zb_graph *g1 = tiny(), *g2 = tiny();
    zb_wmap *w = NULL;
    CHECK(zb_graph_random_weights(g1, 3, &w) == ZB_OK);
    zb_prepare_opts nofuse = {.no_fuse = 1};
    CHECK(zb_graph_prepare(g1, w, NULL) == ZB_OK);
    CHECK(zb_graph_prepare(g2, w, &nofuse) == ZB_OK);
    float x[2 * 8 * 8 * 3], y1[4], y2[4];
    for (int i = 0; i < 2 * 8 * 8 * 3; i++)
        x[i] = (float)((i * 37) % 17) / 8.0f - 1.0f;
    CHECK(zb_graph_run(g1, x, 2, y1) == ZB_OK);
    CHECK(zb_graph_run(g2, x, 2, y2) == ZB_OK);
    for (int i = 0; i < 4; i++)
        CHECK(fabsf(y1[i] - y2[i]) <= 1e-6f * fmaxf(1.0f, fabsf(y2[i])));
    /* fused: conv (8*8*4), gap, dense; unfused adds bn and relu buffers but reuses them */
    CHECK(zb_graph_arena_bytes_per_image(g1) < zb_graph_arena_bytes_per_image(g2));
    CHECK(zb_graph_arena_bytes_per_image(g2) <= 2 * (8 * 8 * 4 + 16) * sizeof(float) + 64 * sizeof(float));
    zb_graph_free(g1);
    zb_graph_free(g2);
    zb_wmap_free(w);
}

static void test_build_errors(void)
{
    zb_graph *g = zb_graph_new("small");
    zb_node *x = zb_input(g, 4, 4, 3);
    zb_conv_spec s = {.cout = 4, .kh = 7, .kw = 7, .layout = ZB_W_OIHW, .wkey = "c.weight"};
    x = zb_conv2d(g, "c", x, &s);
    CHECK(x == NULL);
    CHECK(zb_relu(g, x) == NULL); /* NULL propagates */
    CHECK(zb_graph_status(g) == ZB_ERR_SHAPE);
    CHECK_STR(zb_last_error(), "small: c: input 4x4 is smaller than the 7x7 kernel");
    zb_graph_free(g);
    zb_graph_free(NULL);
    int lo, hi;
    zb_same_padding(224, 3, 2, 1, &lo, &hi); /* out 112: total 1, extra at the bottom */
    CHECK(lo == 0 && hi == 1);
    zb_same_padding(225, 3, 2, 1, &lo, &hi);
    CHECK(lo == 1 && hi == 1);
    zb_same_padding(7, 1, 1, 1, &lo, &hi);
    CHECK(lo == 0 && hi == 0);
}

/* densenet checkpoints published with "denselayerN.norm.1.weight" keys load
 * like the new "norm1" style (torchvision's _load_state_dict remap). */
static void test_densenet_old_keys(void)
{
    zb_graph *g = NULL, *g2 = NULL;
    zb_wmap *w = NULL, *old = zb_wmap_new();
    CHECK(zb_model_build("torchvision/densenet121", 32, 32, &g) == ZB_OK);
    CHECK(zb_graph_random_weights(g, 5, &w) == ZB_OK);
    int renamed = 0;
    for (int i = 0; i < w->n; i++) {
        char key[ZB_KEY_MAX];
        snprintf(key, sizeof key, "%s", w->items[i].name);
        static const char *const from[] = {"norm1.", "norm2.", "conv1.", "conv2."};
        static const char *const to[] = {"norm.1.", "norm.2.", "conv.1.", "conv.2."};
        char *at = strstr(key, "denselayer");
        for (int k = 0; at && k < 4; k++) {
            char *p = strstr(at, from[k]);
            if (p) {
                char tail[ZB_KEY_MAX];
                snprintf(tail, sizeof tail, "%s", p + strlen(from[k]));
                snprintf(p, sizeof key - (size_t)(p - key), "%s%s", to[k], tail);
                renamed++;
                break;
            }
        }
        float *d = malloc((size_t)w->items[i].count * sizeof *d);
        memcpy(d, w->items[i].data, (size_t)w->items[i].count * sizeof *d);
        zb_wmap_add(old, key, w->items[i].ndim, w->items[i].shape, d);
    }
    CHECK(renamed == 58 * 10); /* 58 dense layers: norm1 (4 tensors), conv1, norm2 (4), conv2 */
    CHECK(zb_wmap_find(old, "features.denseblock1.denselayer1.norm.1.running_var") != NULL);
    CHECK(zb_graph_prepare(g, old, NULL) == ZB_OK);
    /* both styles at once name the same weight twice: an error */
    float *d = malloc(sizeof *d);
    zb_wmap_add(old, "features.denseblock1.denselayer1.norm1.weight", 1, (int64_t[]){1}, d);
    CHECK(zb_model_build("torchvision/densenet121", 32, 32, &g2) == ZB_OK);
    CHECK(zb_graph_prepare(g2, old, NULL) == ZB_ERR_FORMAT);
    CHECK(strstr(zb_last_error(), "twice") != NULL);
    zb_graph_free(g);
    zb_graph_free(g2);
    zb_wmap_free(w);
    zb_wmap_free(old);
}

int main(void)
{
    RUN(test_key_errors);
    RUN(test_densenet_old_keys);
    RUN(test_fusion_and_plan);
    RUN(test_build_errors);
    if (system("/usr/bin/python3 -c 'import torch' 2>/dev/null") != 0) {
        fprintf(stderr, "note: /usr/bin/python3 has no torch: op oracle tests skipped\n");
        return test_report();
    }
    if (!mkdtemp(dir))
        return 1;
    RUN(test_ops_vs_torch);
    rmdir(dir);
    return test_report();
}
