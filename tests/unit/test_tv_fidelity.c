/* Fidelity of the 21 torchvision models against Debian's torch 1.13.
 *
 * tests/oracle/torch_models.py writes, per model, seeded random weights (BN
 * statistics randomised) in the zip and legacy .pth formats, an input and
 * torch's logits.  We load each checkpoint, run the same input and require
 * max|diff| <= 1e-4 * max(1, max|logit|) and the same top-5 for every image.
 *
 * Default: a subset at small input sizes.  ZB_FULL=1: all 21 at full size. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "io/pth.h"
#include "models/net.h"

typedef struct mcase { const char *name; int size; } mcase;

static const mcase quick[] = {
    {"resnet18", 64}, {"resnet50", 64}, {"densenet121", 64}, {"squeezenet1_0", 64},
    {"squeezenet1_1", 64}, {"inception_v3", 75},
};
static const mcase full[] = {
    {"alexnet", 224}, {"vgg11", 224}, {"vgg11_bn", 224}, {"vgg13", 224}, {"vgg13_bn", 224},
    {"vgg16", 224}, {"vgg16_bn", 224}, {"vgg19", 224}, {"vgg19_bn", 224},
    {"resnet18", 224}, {"resnet34", 224}, {"resnet50", 224}, {"resnet101", 224}, {"resnet152", 224},
    {"densenet121", 224}, {"densenet161", 224}, {"densenet169", 224}, {"densenet201", 224},
    {"squeezenet1_0", 224}, {"squeezenet1_1", 224}, {"inception_v3", 299},
};

static char dir[] = "/tmp/zb_tvfid.XXXXXX";

/* Compares our logits with torch's; prints the figures. */
static void compare(const char *label, const float *got, const zb_npy *refa)
{
    int n = (int)refa->shape[0], k = (int)refa->shape[1];
    const float *ref = refa->data;
    double maxref = 0, maxdiff = 0;
    for (int64_t i = 0; i < refa->count; i++) {
        maxref = fmax(maxref, fabs(ref[i]));
        maxdiff = fmax(maxdiff, fabs((double)got[i] - ref[i]));
    }
    double bar = 1e-4 * fmax(1.0, maxref);
    int top_ok = 1;
    for (int r = 0; r < n; r++) {
        int a[5], b[5];
        zb_topk(got + (size_t)r * k, k, 5, a);
        zb_topk(ref + (size_t)r * k, k, 5, b);
        for (int j = 0; j < 5; j++)
            top_ok &= a[j] == b[j];
    }
    fprintf(stderr, "%-34s max|logit| %-9.4g max|diff| %-9.3g (bar %.3g) top-5 %s\n", label, maxref, maxdiff, bar,
            top_ok ? "same" : "DIFFERENT");
    CHECK(maxdiff <= bar);
    CHECK(top_ok);
}

/* (n, 3, h, w) -> (n, h, w, 3) */
static float *to_nhwc(const zb_npy *x)
{
    int n = (int)x->shape[0], h = (int)x->shape[2], w = (int)x->shape[3];
    const float *src = x->data;
    float *y = malloc((size_t)x->count * sizeof *y);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < h * w; p++)
                y[((size_t)i * h * w + p) * 3 + c] = src[((size_t)i * 3 + c) * h * w + p];
    return y;
}

static void run_one(const char *model, const char *file, const char *label, int size, const float *x, int n,
                    const zb_npy *ref)
{
    zb_wmap *w = NULL;
    zb_status st = zb_pth_load(file, NULL, &w);
    CHECK(st == ZB_OK);
    if (st != ZB_OK) {
        fprintf(stderr, "%s: %s\n", label, zb_last_error());
        return;
    }
    char name[128];
    snprintf(name, sizeof name, "torchvision/%s", model);
    zb_net *net = NULL;
    zb_net_opts o = {.height = size, .width = size};
    st = zb_net_create_wmap(name, w, &o, NULL, &net);
    zb_wmap_free(w); /* the net keeps packed copies */
    CHECK(st == ZB_OK);
    if (st != ZB_OK) {
        fprintf(stderr, "%s: %s\n", label, zb_last_error());
        return;
    }
    float *got = malloc((size_t)ref->count * sizeof *got);
    CHECK(zb_net_run(net, x, n, got) == ZB_OK);
    compare(label, got, ref);
    free(got);
    zb_net_free(net);
}

static void test_models(void)
{
    int is_full = getenv("ZB_FULL") && !strcmp(getenv("ZB_FULL"), "1");
    const mcase *cases = is_full ? full : quick;
    int n = is_full ? (int)(sizeof full / sizeof full[0]) : (int)(sizeof quick / sizeof quick[0]);
    char cmd[4096];
    for (int i = 0; i < n; i++) {
        /* The quick suite asks the oracle for every model of the same size at
         * once (torch starts once); the full one goes model by model to keep
         * the temp dir small (a vgg checkpoint is 0.5 GB). */
        if (i == 0 || is_full || cases[i].size != cases[i - 1].size) {
            char list[1024] = "";
            for (int j = i; j < n && cases[j].size == cases[i].size && (j == i || !is_full); j++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j > i ? "," : "", cases[j].name);
            snprintf(cmd, sizeof cmd,
                     "/usr/bin/python3 tests/oracle/torch_models.py --out %s --models %s --size %d --batch 2 "
                     "--formats zip,legacy,oldkeys 2>/dev/null",
                     dir, list, cases[i].size);
            int rc = system(cmd);
            CHECK(rc == 0);
            if (rc)
                continue;
        }
        char path[512], label[128];
        zb_npy *in = NULL, *ref = NULL;
        snprintf(path, sizeof path, "%s/%s.input.npy", dir, cases[i].name);
        CHECK(zb_npy_load_as(path, ZB_F32, 4, &in) == ZB_OK);
        snprintf(path, sizeof path, "%s/%s.logits.npy", dir, cases[i].name);
        CHECK(zb_npy_load_as(path, ZB_F32, 2, &ref) == ZB_OK);
        if (in && ref) {
            float *x = to_nhwc(in);
            static const char *const fmts[] = {"pth", "legacy.pth", "oldkeys.pth"};
            for (int f = 0; f < 3; f++) {
                snprintf(path, sizeof path, "%s/%s.%s", dir, cases[i].name, fmts[f]);
                if (access(path, F_OK))
                    continue;
                snprintf(label, sizeof label, "%s@%d %s", cases[i].name, cases[i].size, fmts[f]);
                run_one(cases[i].name, path, label, cases[i].size, x, (int)in->shape[0], ref);
            }
            free(x);
        }
        zb_npy_free(in);
        zb_npy_free(ref);
        snprintf(cmd, sizeof cmd, "rm -f %s/%s.*", dir, cases[i].name);
        if (system(cmd)) {
        }
    }
}

int main(void)
{
    if (system("/usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null") != 0) {
        printf("skipped: /usr/bin/python3 has no torch/torchvision\n");
        return 77;
    }
    if (!mkdtemp(dir))
        return 1;
    RUN(test_models);
    rmdir(dir);
    return test_report();
}
