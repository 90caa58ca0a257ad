/* zoobench classify: the top-5 ImageNet classes of each image. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "infer.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench classify -m MODEL -w WEIGHTS [--recipe R] [-j T] IMAGE...\n\n"
            "Print the five most probable ImageNet classes of each image, with their\n"
            "softmax probabilities.  IMAGE is an image file (preprocessed by the model's\n"
            "recipe) or a preprocessed .npy array, as for 'zoobench run'.\n\n"
            "  -m, --model MODEL    e.g. torchvision/resnet50 (see 'zoobench run --list')\n"
            "  -w, --weights FILE   checkpoint (.pth or .h5), or a model card name\n"
            "                       (zoobench models): its cached weights, fetched if needed;\n"
            "      --no-download    with -w MODEL, never download\n"
            "      --recipe R       preprocessing recipe (default: the model's)\n"
            "  -j, --threads T      threads (default 1)\n");
}

int cmd_classify(int argc, char **argv)
{
    enum { OPT_RECIPE = 256, OPT_UNWRAP };
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},          {"model", required_argument, 0, 'm'},
        {"weights", required_argument, 0, 'w'}, {"threads", required_argument, 0, 'j'},
        {"recipe", required_argument, 0, OPT_RECIPE}, {"unwrap", no_argument, 0, OPT_UNWRAP}, {"no-download", no_argument, 0, OPT_UNWRAP + 1},
        {0, 0, 0, 0}};
    infer_opts o = {.batch = 8, .threads = 1};
    int c;
    while ((c = getopt_long(argc, argv, "hm:w:j:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'm': o.model = optarg; break;
        case 'w': o.weights = optarg; break;
        case 'j': o.threads = atoi(optarg); break;
        case OPT_RECIPE: o.recipe = optarg; break;
        case OPT_UNWRAP: o.unwrap = 1; break;
        case OPT_UNWRAP + 1: o.no_download = 1; break;
        default: usage(stderr); return 2;
        }
    }
    if (!o.model || !o.weights || optind >= argc) {
        usage(stderr);
        return 2;
    }
    if (o.threads < 1 || o.threads > 256)
        return cli_fail("--threads: %d is not in 1..256", o.threads);
    infer_result r;
    if (infer_run(&o, argc - optind, argv + optind, &r) != ZB_OK)
        return cli_fail_lib();
    zb_softmax_rows(r.logits, r.n, r.k, r.logits);
    for (int i = 0; i < r.n; i++) {
        const float *p = r.logits + (size_t)i * r.k;
        int top[5];
        zb_topk(p, r.k, 5, top);
        printf("%s\n", r.label[i]);
        for (int j = 0; j < 5 && j < r.k; j++)
            printf("  %7.4f  %s (%d)\n", p[top[j]], r.model->classes[top[j]], top[j]);
    }
    infer_result_free(&r);
    return 0;
}
