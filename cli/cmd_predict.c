/* zoobench predict: models over a labelled dataset, the seed's
 * imagenet_*_get_predictions.py outputs, resumable, sharded, or split over
 * MPI ranks (build with `make MPI=1`). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef ZB_MPI
#include <mpi.h>
#endif

#include "cli.h"
#include "data/dataset.h"
#include "predict/predict.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench predict VAL -m MODEL[,MODEL...]|all -w WEIGHTS [-o OUTDIR] [-b B] [-j T]\n"
            "                        [--recipe R] [--size S] [--save-all-probs] [--save-labels]\n"
            "                        [--shard K/N] [--devkit FILE] [--root DIR] [--no-md5]\n\n"
            "Run models over a labelled dataset and write, per model, the seed's\n"
            "<model>_<platform>_imagenet_top5preds.npy (int64 N x 5) and _top5probs.npy\n"
            "(float16 N x 5), then print acc1 and acc5.  Interrupted runs resume where they\n"
            "stopped when started again with the same command.\n\n"
            "VAL is an ImageFolder directory (torchvision order), ILSVRC2012_img_val.tar (read in\n"
            "place, with ILSVRC2012_devkit_t12.tar.gz beside it or --devkit), or a list file of\n"
            "'path label' or 'path, label' lines.\n\n"
            "  -m, --model LIST     comma-separated models (see 'zoobench run --list'), or 'all'\n"
            "  -w, --weights W      weights file (one model), or a directory holding <name>.pth for\n"
            "                       torchvision/<name> and <name>.h5 for keras/<name>\n"
            "  -o, --outdir DIR     output directory (default .)\n"
            "  -b, --batch B        images per forward pass (default 8); results do not depend on it\n"
            "  -j, --threads T      threads (default 1); results do not depend on it\n"
            "      --recipe R       preprocessing recipe (default: each model's own)\n"
            "      --size S         input side (default: each model's own)\n"
            "      --save-all-probs also write _probs.npy (float16 N x 1000)\n"
            "      --save-labels    also write _labels.npy (int64 N)\n"
            "      --shard K/N      only rows [K*n/N, (K+1)*n/N); 'zoobench merge' joins the shards\n"
            "      --devkit FILE    ILSVRC2012_devkit_t12.tar.gz (default: beside the tar)\n"
            "      --root DIR       list files: paths are relative to DIR (default: the list's directory)\n"
            "      --no-md5         skip the MD5 checks of the ILSVRC tar and devkit\n"
            "      --no-progress    no progress bar even on a terminal\n");
}

typedef struct progress {
    const char *model;
    int tty;
    double t0;
    int64_t start;
} progress;

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    progress *p = ctx;
    if (!p->tty)
        return;
    if (p->start < 0)
        p->start = done, p->t0 = wall();
    double dt = wall() - p->t0;
    double rate = dt > 0 ? (double)(done - p->start) / dt : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    int w = 30, fill = total ? (int)(w * done / total) : w;
    fprintf(stderr, "\r%-24s [%.*s%*s] %lld/%lld %.1f img/s ETA %02d:%02d:%02d", p->model, fill,
            "##############################", w - fill, "", (long long)done, (long long)total, rate,
            (int)(eta / 3600), (int)(eta / 60) % 60, (int)eta % 60);
    fflush(stderr);
}

static void on_image_error(void *ctx, const char *msg)
{
    progress *p = ctx;
    if (p->tty)
        fputc('\n', stderr);
    fprintf(stderr, "error: %s\n", msg);
}

/* The weights for `model`: the file itself, or DIR/<short name>.{pth,h5}. */
static int find_weights(const char *w, const char *model, char *out, size_t cap)
{
    struct stat sb;
    if (stat(w, &sb) != 0)
        return cli_fail("%s: no such file or directory", w);
    if (!S_ISDIR(sb.st_mode)) {
        snprintf(out, cap, "%s", w);
        return 0;
    }
    const char *slash = strrchr(model, '/');
    const char *s = slash ? slash + 1 : model;
    const char *ext = strncmp(model, "keras/", 6) ? ".pth" : ".h5";
    snprintf(out, cap, "%s/%s%s", w, s, ext);
    if (access(out, R_OK) == 0)
        return 0;
    return cli_fail("%s: no %s%s in this directory (for %s)", w, s, ext, model);
}

/* The seed's line, under the seed's file-name stem ("mobilenetV2" for keras/mobilenet_v2). */
static void print_acc(const char *model, const zb_predict_result *r)
{
    int64_t n = r->hi - r->lo;
    char base[512], platform[16], stem[128] = "";
    if (zb_predict_base(model, ".", base, sizeof base, platform) == ZB_OK)
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(base) - strlen(platform) - 13), base + 2);
    printf("%s: acc1: %.2f%%, acc5: %.2f%% (%lld images, %lld unreadable)\n", stem,
           n ? 100.0 * (double)r->correct1 / (double)n : 0.0, n ? 100.0 * (double)r->correct5 / (double)n : 0.0,
           (long long)n, (long long)r->errors);
}

#ifdef ZB_MPI
/* Ranks take contiguous slices of the rows; rank 0 gathers and writes. */
static int run_mpi(const zb_dataset *d, zb_predict_opts *o, int rank, int size, progress *pg)
{
    const zb_model_info *m = zb_model_find(o->model);
    int64_t lo, hi, slo, shi;
    zb_predict_range(d->n, o->shard_k, o->shard_n, &lo, &hi);
    zb_predict_range(hi - lo, rank, size, &slo, &shi);
    int64_t cnt = shi - slo, k = m->num_classes;
    int64_t *items = malloc((size_t)(cnt ? cnt : 1) * sizeof *items);
    zb_pred_row *rows = calloc((size_t)(cnt ? cnt : 1), sizeof *rows);
    uint16_t *all = o->save_all_probs ? calloc((size_t)(cnt ? cnt : 1) * k, 2) : NULL;
    char **errs = calloc((size_t)(cnt ? cnt : 1), sizeof *errs);
    int rc = 0;
    for (int64_t i = 0; i < cnt; i++)
        items[i] = lo + slo + i;
    zb_status st = zb_predict_rows(d, o, items, cnt, rows, all, errs);
    int bad = st != ZB_OK, anybad = 0;
    if (bad)
        fprintf(stderr, "error: rank %d: %s\n", rank, zb_last_error());
    MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (anybad) {
        rc = 1;
        goto done;
    }
    /* gather rows (fixed size), all-probs, and error strings */
    {
        int64_t n = hi - lo;
        zb_pred_row *grows = rank == 0 ? calloc((size_t)(n ? n : 1), sizeof *grows) : NULL;
        uint16_t *gall = rank == 0 && all ? calloc((size_t)(n ? n : 1) * k, 2) : NULL;
        char **gerrs = rank == 0 ? calloc((size_t)(n ? n : 1), sizeof *gerrs) : NULL;
        int *counts = calloc((size_t)size, sizeof *counts), *displs = calloc((size_t)size, sizeof *displs);
        for (int r = 0; r < size; r++) {
            int64_t a, b;
            zb_predict_range(n, r, size, &a, &b);
            counts[r] = (int)((b - a) * (int64_t)sizeof(zb_pred_row));
            displs[r] = (int)(a * (int64_t)sizeof(zb_pred_row));
        }
        MPI_Gatherv(rows, (int)(cnt * (int64_t)sizeof *rows), MPI_BYTE, grows, counts, displs, MPI_BYTE, 0,
                    MPI_COMM_WORLD);
        if (all) {
            for (int r = 0; r < size; r++) {
                int64_t a, b;
                zb_predict_range(n, r, size, &a, &b);
                counts[r] = (int)((b - a) * k * 2);
                displs[r] = (int)(a * k * 2);
            }
            MPI_Gatherv(all, (int)(cnt * k * 2), MPI_BYTE, gall, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
        }
        /* error messages: one gather of "index\tmsg\n" text per rank */
        size_t tl = 0;
        char *text = NULL;
        for (int64_t i = 0; i < cnt; i++)
            if (errs[i]) {
                size_t need = strlen(errs[i]) + 32;
                text = realloc(text, tl + need);
                tl += (size_t)snprintf(text + tl, need, "%lld\t%s\n", (long long)(slo + i), errs[i]);
            }
        int mylen = (int)tl, *lens = rank == 0 ? calloc((size_t)size, sizeof *lens) : NULL;
        MPI_Gather(&mylen, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD);
        char *gtext = NULL;
        int total = 0;
        if (rank == 0) {
            for (int r = 0; r < size; r++)
                displs[r] = total, total += lens[r];
            gtext = malloc((size_t)total + 1);
        }
        MPI_Gatherv(text, mylen, MPI_CHAR, gtext, lens, displs, MPI_CHAR, 0, MPI_COMM_WORLD);
        if (rank == 0) {
            gtext[total] = 0;
            for (char *p = gtext; *p;) {
                char *nl = strchr(p, '\n');
                *nl = 0;
                long long at = strtoll(p, &p, 10);
                gerrs[at] = strdup(p + 1);
                p = nl + 1;
            }
            zb_predict_result res = {0};
            res.lo = lo, res.hi = hi;
            if (zb_predict_write(d, o, lo, hi, grows, gall, gerrs, &res) != ZB_OK)
                rc = cli_fail_lib();
            else
                print_acc(o->model, &res);
            for (int64_t i = 0; i < n; i++)
                free(gerrs[i]);
        }
        (void)pg;
        free(text);
        free(gtext);
        free(lens);
        free(counts);
        free(displs);
        free(grows);
        free(gall);
        free(gerrs);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
done:
    for (int64_t i = 0; i < cnt; i++)
        free(errs[i]);
    free(errs);
    free(items);
    free(rows);
    free(all);
    return rc;
}
#endif

/* "all" -> every model name, comma-separated; else a copy.  NULL: out of memory. */
static char *model_list(const char *models)
{
    if (strcmp(models, "all"))
        return strdup(models);
    size_t len = 1;
    for (int i = 0; i < zb_model_count(); i++)
        len += strlen(zb_model_at(i)->name) + 1;
    char *list = calloc(1, len);
    for (int i = 0; list && i < zb_model_count(); i++) {
        if (zb_model_at(i)->num_classes != 1000)
            continue; /* feature extractors (no classifier) are not ImageNet models */
        if (*list)
            strcat(list, ",");
        strcat(list, zb_model_at(i)->name);
    }
    return list;
}

int cmd_predict(int argc, char **argv)
{
    enum { OPT_RECIPE = 256, OPT_SIZE, OPT_ALL, OPT_LABELS, OPT_SHARD, OPT_DEVKIT, OPT_ROOT, OPT_NOMD5, OPT_NOPROG };
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},          {"model", required_argument, 0, 'm'},
        {"weights", required_argument, 0, 'w'},  {"outdir", required_argument, 0, 'o'},
        {"batch", required_argument, 0, 'b'},    {"threads", required_argument, 0, 'j'},
        {"recipe", required_argument, 0, OPT_RECIPE}, {"size", required_argument, 0, OPT_SIZE},
        {"save-all-probs", no_argument, 0, OPT_ALL}, {"save-labels", no_argument, 0, OPT_LABELS},
        {"shard", required_argument, 0, OPT_SHARD}, {"devkit", required_argument, 0, OPT_DEVKIT},
        {"root", required_argument, 0, OPT_ROOT}, {"no-md5", no_argument, 0, OPT_NOMD5},
        {"no-progress", no_argument, 0, OPT_NOPROG}, {0, 0, 0, 0}};
    zb_predict_opts o = {.batch = 8, .threads = 1, .outdir = "."};
    zb_dataset_opts dopt = {0};
    const char *models = NULL, *weights = NULL;
    int noprog = 0, c;
    while ((c = getopt_long(argc, argv, "hm:w:o:b:j:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'm': models = optarg; break;
        case 'w': weights = optarg; break;
        case 'o': o.outdir = optarg; break;
        case 'b': o.batch = atoi(optarg); break;
        case 'j': o.threads = atoi(optarg); break;
        case OPT_RECIPE: o.recipe = optarg; break;
        case OPT_SIZE: o.size = atoi(optarg); break;
        case OPT_ALL: o.save_all_probs = 1; break;
        case OPT_LABELS: o.save_labels = 1; break;
        case OPT_SHARD:
            if (sscanf(optarg, "%d/%d", &o.shard_k, &o.shard_n) != 2 || o.shard_n < 1 || o.shard_k < 0 ||
                o.shard_k >= o.shard_n)
                return cli_fail("--shard: expected K/N with 0 <= K < N, got '%s'", optarg);
            break;
        case OPT_DEVKIT: dopt.devkit = optarg; break;
        case OPT_ROOT: dopt.root = optarg; break;
        case OPT_NOMD5: dopt.no_md5 = 1; break;
        case OPT_NOPROG: noprog = 1; break;
        default: usage(stderr); return 2;
        }
    }
    if (!models || !weights || optind + 1 != argc) {
        usage(stderr);
        return 2;
    }
    if (o.batch < 1 || o.batch > 4096)
        return cli_fail("--batch: %d is not in 1..4096", o.batch);
    if (o.threads < 1 || o.threads > 256)
        return cli_fail("--threads: %d is not in 1..256", o.threads);
    int rank = 0, size = 1;
#ifdef ZB_MPI
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
#endif
    char *list = model_list(models);
    int rc = 0;
    zb_dataset *d = NULL;
    if (!list) {
        rc = cli_fail("out of memory");
        goto out;
    }
    int nmodels = 1;
    for (char *p = list; *p; p++)
        nmodels += *p == ',';
    struct stat sb;
    if (nmodels > 1 && (stat(weights, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
        rc = cli_fail("%s: several models need -w DIR holding <model>.pth / <model>.h5", weights);
        goto out;
    }
    for (char *m = strtok(list, ","); m; m = strtok(NULL, ","))
        if (!zb_model_find(m)) {
            rc = cli_fail("%s: unknown model (see 'zoobench run --list')", m);
            goto out;
        }
    mkdir(o.outdir, 0777);
    if (zb_dataset_open(argv[optind], &dopt, &d) != ZB_OK) {
        rc = cli_fail_lib();
        goto out;
    }
    free(list); /* strtok cut it up */
    list = model_list(models);
    char *save = NULL;
    for (char *m = list ? strtok_r(list, ",", &save) : NULL; m && !rc; m = strtok_r(NULL, ",", &save)) {
        char wpath[4096];
        if ((rc = find_weights(weights, m, wpath, sizeof wpath)))
            break;
        const zb_model_info *mi = zb_model_find(m);
        progress pg = {.model = mi->name, .tty = !noprog && rank == 0 && isatty(2), .start = -1};
        o.model = mi->name;
        o.weights = wpath;
        o.progress = on_progress;
        o.image_error = on_image_error;
        o.ctx = &pg;
        if (size > 1) {
#ifdef ZB_MPI
            rc = run_mpi(d, &o, rank, size, &pg);
#endif
            continue;
        }
        zb_predict_result res;
        double t0 = wall();
        zb_status st = zb_predict_run(d, &o, &res);
        if (pg.tty)
            fputc('\n', stderr);
        if (st != ZB_OK) {
            rc = cli_fail_lib();
            break;
        }
        int64_t n = res.hi - res.lo, fresh = n - res.resumed;
        fprintf(stderr, "%s: %lld images (%lld resumed) in %.1f s, %.2f img/s, %lld unreadable\n", mi->name,
                (long long)n, (long long)res.resumed, wall() - t0,
                res.seconds > 0 ? (double)fresh / res.seconds : 0.0, (long long)res.errors);
        print_acc(mi->name, &res);
        fflush(stdout);
    }
out:
    free(list);
    zb_dataset_free(d);
#ifdef ZB_MPI
    MPI_Finalize();
#endif
    return rc;
}
