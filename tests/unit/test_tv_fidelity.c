/* Fidelity of the 21 torchvision models against Debian's torch 1.13.
 *
 * tests/oracle/torch_models.py writes, per model, seeded random weights (BN
 * statistics randomised) in the zip and legacy .pth formats, an input and
 * torch's logits.  We load each checkpoint, run the same input and require
 * max|diff| <= 1e-4 * max(1, max|logit|) and the same top-5 for every image.
 * Until the .pth loader exists, weights come from the oracle's .raw dump.
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
#include "raw.h"

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
static int pth_built = 1; /* cleared when zb_pth_load says it is not built */

/* Compares our logits with torch's; prints the figures. */
static void compare(const char *label, const float *got, const zb_weight *ref)
{
    int n = (int)ref->shape[0], k = (int)ref->shape[1];
    double maxref = 0, maxdiff = 0;
    for (int64_t i = 0; i < ref->count; i++) {
        maxref = fmax(maxref, fabs(ref->data[i]));
        maxdiff = fmax(maxdiff, fabs((double)got[i] - ref->data[i]));
    }
    double bar = 1e-4 * fmax(1.0, maxref);
    int top_ok = 1;
    for (int r = 0; r < n; r++) {
        int a[5], b[5];
        zb_topk(got + (size_t)r * k, k, 5, a);
        zb_topk(ref->data + (size_t)r * k, k, 5, b);
        for (int j = 0; j < 5; j++)
            top_ok &= a[j] == b[j];
    }
    fprintf(stderr, "%-34s max|logit| %-9.4g max|diff| %-9.3g (bar %.3g) top-5 %s\n", label, maxref, maxdiff, bar,
            top_ok ? "same" : "DIFFERENT");
    CHECK(maxdiff <= bar);
    CHECK(top_ok);
}

static void run_one(const char *model, const char *file, const char *label, int size, const zb_wmap *raw,
                    const zb_weight *in, const zb_weight *ref)
{
    zb_wmap *w = NULL;
    const zb_wmap *use = raw;
    if (file) {
        zb_status st = zb_pth_load(file, NULL, &w);
        if (st == ZB_ERR_UNSUPPORTED) { /* loader not built yet: the oracle's raw dump */
            pth_built = 0;
            return;
        }
        CHECK(st == ZB_OK);
        if (st != ZB_OK) {
            fprintf(stderr, "%s: %s\n", label, zb_last_error());
            return;
        }
        use = w;
    }
    char name[128];
    snprintf(name, sizeof name, "torchvision/%s", model);
    zb_net *net = NULL;
    zb_net_opts o = {.height = size, .width = size};
    zb_status st = zb_net_create_wmap(name, use, &o, NULL, &net);
    CHECK(st == ZB_OK);
    if (st != ZB_OK) {
        fprintf(stderr, "%s: %s\n", label, zb_last_error());
        zb_wmap_free(w);
        return;
    }
    float *got = malloc((size_t)ref->count * sizeof *got);
    CHECK(zb_net_run(net, in->data, (int)in->shape[0], got) == ZB_OK);
    compare(label, got, ref);
    free(got);
    zb_net_free(net);
    zb_wmap_free(w);
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
                     "--formats zip,legacy,oldkeys,raw 2>/dev/null",
                     dir, list, cases[i].size);
            int rc = system(cmd);
            CHECK(rc == 0);
            if (rc)
                continue;
        }
        char path[512], label[128];
        snprintf(path, sizeof path, "%s/%s.raw", dir, cases[i].name);
        zb_wmap *raw = NULL, *arrays = NULL;
        CHECK(raw_load(path, &raw, &arrays) == 0);
        if (!raw)
            continue;
        zb_weight *in = zb_wmap_find(arrays, "__input__"), *ref = zb_wmap_find(arrays, "__logits__");
        CHECK(in && ref);
        if (in && ref) {
            static const char *const fmts[] = {"pth", "legacy.pth", "oldkeys.pth"};
            for (int f = 0; f < 3; f++) {
                snprintf(path, sizeof path, "%s/%s.%s", dir, cases[i].name, fmts[f]);
                if (access(path, F_OK))
                    continue;
                snprintf(label, sizeof label, "%s@%d %s", cases[i].name, cases[i].size, fmts[f]);
                run_one(cases[i].name, path, label, cases[i].size, raw, in, ref);
            }
        }
        if (!pth_built && in && ref) { /* stopgap until the .pth loader lands */
            snprintf(label, sizeof label, "%s@%d raw", cases[i].name, cases[i].size);
            run_one(cases[i].name, NULL, label, cases[i].size, raw, in, ref);
        }
        zb_wmap_free(raw);
        zb_wmap_free(arrays);
        snprintf(cmd, sizeof cmd, "rm -f %s/%s.*", dir, cases[i].name);
        if (system(cmd)) {
        }
    }
    if (!pth_built)
        fprintf(stderr, "note: the .pth loader is not built yet; weights came from the oracle's raw dump\n");
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
