/* zoobench merge: joins the files of `zoobench predict --shard K/N` runs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "predict/predict.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench merge -m MODEL[,MODEL...] -n N [-o OUTDIR]\n\n"
            "Join the shard files <model>_<platform>_imagenet_*.shard-K-of-N.npy (K = 0..N-1)\n"
            "written by 'zoobench predict --shard K/N' into the files one unsharded run\n"
            "writes, byte for byte (top5preds, top5probs, and probs, labels, errors when present).\n\n"
            "  -m, --model LIST   the models, as given to predict\n"
            "  -n, --shards N     the number of shards\n"
            "  -o, --outdir DIR   where the shard files are and the merged ones go (default .)\n");
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, 0, 'h'},
                                             {"model", required_argument, 0, 'm'},
                                             {"shards", required_argument, 0, 'n'},
                                             {"outdir", required_argument, 0, 'o'},
                                             {0, 0, 0, 0}};
    const char *models = NULL, *outdir = ".";
    int n = 0, c;
    while ((c = getopt_long(argc, argv, "hm:n:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'm': models = optarg; break;
        case 'n': n = atoi(optarg); break;
        case 'o': outdir = optarg; break;
        default: usage(stderr); return 2;
        }
    }
    if (!models || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (n < 1 || n > 100000)
        return cli_fail("--shards: %d is not in 1..100000", n);
    char *list = strdup(models), *save = NULL;
    if (!list)
        return cli_fail("out of memory");
    int rc = 0;
    for (char *m = strtok_r(list, ",", &save); m && !rc; m = strtok_r(NULL, ",", &save)) {
        char base[512], platform[16];
        if (zb_predict_base(m, outdir, base, sizeof base, platform) != ZB_OK ||
            zb_predict_merge(base, n) != ZB_OK)
            rc = cli_fail_lib();
        else
            printf("%stop5preds.npy\n", base);
    }
    free(list);
    return rc;
}
