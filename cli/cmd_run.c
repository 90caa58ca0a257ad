/* zoobench run: a model over preprocessed inputs (or images), logits and
 * probabilities to .npy files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "infer.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench run -m MODEL -w WEIGHTS [--recipe R] [--size S] [-b B] [-j T]\n"
            "                    [--logits OUT.npy] [--probs OUT.npy] INPUT...\n"
            "       zoobench run --list\n\n"
            "Run a model on its original weights (.pth or .h5) and write the logits and/or\n"
            "softmax probabilities, one row per image, as float32 (N, classes) .npy files.\n"
            "Without --logits/--probs, print each image's top-1 class.\n\n"
            "INPUT is a preprocessed .npy array: (N, 3, H, W) as torch gives it, (N, H, W, 3),\n"
            "or one image (3, H, W) / (H, W, 3); or an image file, preprocessed by the recipe.\n\n"
            "  -m, --model MODEL    e.g. torchvision/resnet50 (see --list)\n"
            "  -w, --weights FILE   checkpoint (.pth or .h5), or a model card name\n"
            "                       (zoobench models): its cached weights, fetched if needed;\n"
            "      --no-download    with -w MODEL, never download\n"
            "      --recipe R       preprocessing recipe for image files (default: the model's)\n"
            "      --size S         input side for image files (default: the model's)\n"
            "  -b, --batch B        images per forward pass (default 8); results do not depend on it\n"
            "  -j, --threads T      threads (default 1); results do not depend on it\n"
            "      --logits FILE    write logits (N, classes)\n"
            "      --probs FILE     write softmax probabilities (N, classes)\n"
            "      --unwrap         accept a state_dict nested in a dict and 'module.' prefixes\n"
            "      --list           list the models\n");
}

/* Writes (n, k) floats to path atomically. */
static int save(const char *path, const float *v, int n, int k)
{
    int64_t shape[2] = {n, k};
    zb_npy *a = zb_npy_new(ZB_F32, 2, shape);
    if (!a)
        return cli_fail("%s: out of memory", path);
    memcpy(a->data, v, (size_t)n * k * sizeof *v);
    zb_status st = zb_npy_save(path, a);
    zb_npy_free(a);
    return st == ZB_OK ? 0 : cli_fail_lib();
}

int cmd_run(int argc, char **argv)
{
    enum { OPT_RECIPE = 256, OPT_SIZE, OPT_LOGITS, OPT_PROBS, OPT_LIST, OPT_UNWRAP };
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},         {"model", required_argument, 0, 'm'},
        {"weights", required_argument, 0, 'w'}, {"batch", required_argument, 0, 'b'},
        {"threads", required_argument, 0, 'j'}, {"recipe", required_argument, 0, OPT_RECIPE},
        {"size", required_argument, 0, OPT_SIZE}, {"logits", required_argument, 0, OPT_LOGITS},
        {"probs", required_argument, 0, OPT_PROBS}, {"list", no_argument, 0, OPT_LIST},
        {"unwrap", no_argument, 0, OPT_UNWRAP}, {"no-download", no_argument, 0, OPT_UNWRAP + 1},   {0, 0, 0, 0}};
    infer_opts o = {.batch = 8, .threads = 1};
    const char *logits = NULL, *probs = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "hm:w:b:j:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'm': o.model = optarg; break;
        case 'w': o.weights = optarg; break;
        case 'b': o.batch = atoi(optarg); break;
        case 'j': o.threads = atoi(optarg); break;
        case OPT_RECIPE: o.recipe = optarg; break;
        case OPT_SIZE: o.size = atoi(optarg); break;
        case OPT_LOGITS: logits = optarg; break;
        case OPT_PROBS: probs = optarg; break;
        case OPT_LIST: infer_list_models(); return 0;
        case OPT_UNWRAP: o.unwrap = 1; break;
        case OPT_UNWRAP + 1: o.no_download = 1; break;
        default: usage(stderr); return 2;
        }
    }
    if (!o.model || !o.weights || optind >= argc) {
        usage(stderr);
        return 2;
    }
    if (o.batch < 1 || o.batch > 4096)
        return cli_fail("--batch: %d is not in 1..4096", o.batch);
    if (o.threads < 1 || o.threads > 256)
        return cli_fail("--threads: %d is not in 1..256", o.threads);
    infer_result r;
    if (infer_run(&o, argc - optind, argv + optind, &r) != ZB_OK)
        return cli_fail_lib();
    int rc = 0;
    if (logits)
        rc = save(logits, r.logits, r.n, r.k);
    if (!rc && probs) {
        zb_softmax_rows(r.logits, r.n, r.k, r.logits);
        rc = save(probs, r.logits, r.n, r.k);
    } else if (!rc && !logits) {
        zb_softmax_rows(r.logits, r.n, r.k, r.logits);
        for (int i = 0; i < r.n; i++) {
            int top;
            zb_topk(r.logits + (size_t)i * r.k, r.k, 1, &top);
            printf("%s\t%d\t%.4f\t%s\n", r.label[i], top, r.logits[(size_t)i * r.k + top], r.model->classes[top]);
        }
    }
    infer_result_free(&r);
    return rc;
}
