/* zoobench table: the seed's imagenet_benchmarking.py / cifar10_benchmarking.py
 * rebuilt: accuracy table from per-image top-5 prediction files. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <unistd.h>

#include "cli.h"
#include "eval/eval.h"
#include "io/imagefolder.h"
#include "io/listfile.h"
#include "io/published.h"

/* The seed's model lists, in the order its scripts read them.  Rows start in
 * this order, and the order decides how exact ties in accuracy are ranked. */
static const char *const keras_imagenet[] = {
    "densenet121", "densenet169", "densenet201", "mobilenet", "mobilenetV2", "nasnetmobile", "resnet50",
    "vgg16", "vgg19", "xception", "inceptionresnetv2", "inceptionv3", "nasnetlarge", NULL};
static const char *const pytorch_imagenet[] = {
    "inception_v3", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "densenet121", "densenet161", "densenet169", "densenet201", "alexnet", "squeezenet1_0", "squeezenet1_1",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", NULL};
static const char *const pytorch_cifar10[] = {
    "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn", "resnet18", "resnet34", "resnet50", "densenet121",
    "densenet161", "densenet169", "mobilenet_v2", "googlenet", "inception_v3", NULL};
static const char *const none[] = {NULL};

#define PREDS_SUFFIX "_top5preds.npy"
#define PROBS_SUFFIX "_top5probs.npy"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: zoobench table [-h] [-k DIR] [-p DIR] [--results DIR] [--published]\n"
        "                      [VAL_DIR | --labels FILE.npy|imagenet-val] [--dataset imagenet|cifar10]\n"
        "                      [-i FILE.npy | -j FILE.npy] [-l FILE.npy] [--format table|md|csv|json]\n"
        "                      [-o FILE.csv] [--ci] [--compare [--pvalues FILE.csv|FILE.npy]]\n"
        "\n"
        "Accuracy table from per-image top-5 predictions, computed as the seed's\n"
        "imagenet_benchmarking.py (or cifar10_benchmarking.py with --dataset cifar10).\n"
        "\n"
        "Result files (<model>_<platform>_<dataset>_top5preds.npy + _top5probs.npy, (N, 5) each):\n"
        "  -k, --keras-dir DIR       Keras results (platform 'keras')\n"
        "  -p, --pytorch-dir DIR     PyTorch results (platform 'pytorch')\n"
        "      --keras-label TEXT    Platform column for Keras rows (default \"Keras 2.2.4\")\n"
        "      --pytorch-label TEXT  Platform column for PyTorch rows (default \"PyTorch 1.0\")\n"
        "      --results DIR         every *_top5preds.npy / *_top5probs.npy pair in DIR\n"
        "      --published           download (or reuse from the cache) the seed's published\n"
        "                            predictions of the 34 ImageNet models, verify them, use them\n"
        "      --base-url URL        where --published downloads from (default: GitHub, the seed's\n"
        "                            commit 74df938d; also $ZOOBENCH_BASE_URL)\n"
        "      --cache-dir DIR       cache for --published (default $XDG_CACHE_HOME/zoobench,\n"
        "                            else ~/.cache/zoobench)\n"
        "Labels (one of):\n"
        "  VAL_DIR                   an image folder, read in torchvision ImageFolder order: class\n"
        "                            folders sorted, files sorted, extensions .jpg .jpeg .png .ppm\n"
        "                            .bmp .pgm .tif .tiff .webp (any case); label = class index\n"
        "      --labels FILE.npy     integer labels, one per image\n"
        "      --labels LIST.txt     a list file, one image a line: 'path label' (Caffe val.txt)\n"
        "                            or 'path, label'; labels in list order\n"
        "      --root DIR            with a list file: resolve its paths under DIR (else the\n"
        "                            list's directory; DIR/<basename> when DIR/path is absent)\n"
        "                            and check that every image is there\n"
        "      --labels imagenet-val the ImageNet 2012 val set in ImageFolder order: index // 50\n"
        "                            (the default with --published)\n"
        "      --dataset NAME        imagenet (default) or cifar10 (10,000 labels from --labels)\n"
        "Masks and custom labels, as the seed's -i, -j, -l:\n"
        "  -i, --indices-to-omit F   .npy of image indices to leave out of cAcc (or a bool mask)\n"
        "  -j, --indices-to-keep F   .npy of image indices to score in cAcc (or a bool mask)\n"
        "  -l, --custom-labels F     .npy of labels, one per kept image (all images without -i/-j)\n"
        "      --score-custom-labels with -l alone: score cAcc with the custom labels on every\n"
        "                            image (the seed's docstring) instead of its main()'s result\n"
        "      Columns: no -i/-j/-l: Acc@1 Acc@5 on all images.  -i or -j: Acc on all images,\n"
        "      cAcc on the kept ones.  -l with -i/-j: Acc on the kept images, cAcc on them with\n"
        "      the custom labels.  -l alone: as the seed's main(), which passes the labels as\n"
        "      indices_to_ignore: Acc on all images, cAcc on the original labels of the images\n"
        "      whose index is not a -l value (a note on stderr says so; see --score-custom-labels).\n"
        "Output:\n"
        "      --format FMT          table (aligned, default), md, csv (full precision), json\n"
        "  -o, --output FILE.csv     also write the seed's CSV: its exact columns, full precision\n"
        "      --ci                  95%% Wilson score interval of each accuracy\n"
        "      --compare             exact McNemar test of each row against the next one on the\n"
        "                            same images (top-1, the column the table is sorted by);\n"
        "                            (ns) marks p >= 0.05: the two ranks are not significantly different\n"
        "      --pvalues FILE        with --compare: the full p-value matrix, in table order\n"
        "                            (.npy: float64 (M, M); otherwise CSV)\n"
        "  -h, --help                this help\n"
        "\n"
        "Metrics are the seed's: Acc@1 takes the top-5 class with the largest probability (the\n"
        "columns are unordered; ties go to the first such column, like numpy's argmax), Acc@5\n"
        "whether the label is among the five.  Ranks: for each accuracy column in turn (Acc@1,\n"
        "cAcc@1, Acc@5, cAcc@5) rows are sorted descending by that column, starting from the\n"
        "previous sort's order, and rank = position; the final order is by Acc@1 (by cAcc@1 when\n"
        "custom labels are given, ImageNet only).  Exact ties are ordered as the seed's pandas\n"
        "sort_values(ascending=False) orders them: numpy's unstable quicksort applied to the\n"
        "reversed column, starting from the seed's model order (Keras models, then PyTorch, each\n"
        "in the seed's list order; other models after them, by file name).\n");
}

/* One pair of result files to load. */
typedef struct entry {
    int group;          /* 0 keras, 1 pytorch, 2 other */
    int seed_index;     /* position in the seed's list, or a large number */
    char *platform, *model, *preds, *probs;
} entry;

typedef struct entries {
    entry *v;
    int n, cap;
} entries;

static void entries_free(entries *e)
{
    for (int i = 0; i < e->n; i++) {
        free(e->v[i].platform);
        free(e->v[i].model);
        free(e->v[i].preds);
        free(e->v[i].probs);
    }
    free(e->v);
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->group != y->group)
        return x->group - y->group;
    if (x->seed_index != y->seed_index)
        return x->seed_index < y->seed_index ? -1 : 1;
    return strcmp(x->preds, y->preds);
}

static char *path_join(const char *dir, const char *name)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        return NULL;
    return p;
}

static int seed_index(const char *const *list, const char *model)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], model))
            return i;
    return 1 << 30;
}

typedef struct table_args {
    const char *keras_dir, *pytorch_dir, *results[16];
    int nresults;
    const char *keras_label, *pytorch_label;
    const char *val_dir, *labels, *root;
    int cifar10;
    const char *omit, *keep, *custom;
    const char *format, *output, *pvalues;
    int ci, compare, published, score_custom;
    const char *base_url, *cache_dir;
} table_args;

static int add_entry(entries *e, int group, int sidx, const char *platform, const char *model, const char *dir,
                     const char *preds_name)
{
    if (e->n == e->cap) {
        int cap = e->cap ? e->cap * 2 : 64;
        entry *v = realloc(e->v, (size_t)cap * sizeof *v);
        if (!v)
            return cli_fail("table: out of memory");
        e->v = v;
        e->cap = cap;
    }
    entry *x = &e->v[e->n];
    memset(x, 0, sizeof *x);
    x->group = group;
    x->seed_index = sidx;
    x->platform = strdup(platform);
    x->model = strdup(model);
    x->preds = path_join(dir, preds_name);
    size_t stem = strlen(preds_name) - strlen(PREDS_SUFFIX);
    char *probs_name = NULL;
    if (asprintf(&probs_name, "%.*s%s", (int)stem, preds_name, PROBS_SUFFIX) >= 0) {
        x->probs = path_join(dir, probs_name);
        free(probs_name);
    }
    e->n++;
    if (!x->platform || !x->model || !x->preds || !x->probs)
        return cli_fail("table: out of memory");
    if (access(x->probs, F_OK) != 0)
        return cli_fail("%s: no matching %s file for %s", x->probs, PROBS_SUFFIX, x->preds);
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

/* The names in `dir` ending in _top5preds.npy, sorted. */
static int list_preds(const char *dir, char ***names, int *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return cli_fail("%s: cannot read directory: %s", dir, strerror(errno));
    char **v = NULL;
    int cnt = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!ends_with(de->d_name, PREDS_SUFFIX))
            continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(v, (size_t)cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        if (!(v[cnt] = strdup(de->d_name)))
            break;
        cnt++;
    }
    closedir(d);
    if (de) {
        for (int i = 0; i < cnt; i++)
            free(v[i]);
        free(v);
        return cli_fail("table: out of memory");
    }
    for (int i = 1; i < cnt; i++) /* insertion sort by name */
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    *names = v;
    *n = cnt;
    return 0;
}

/* -k / -p: <model>_<platform>_<dataset>_top5preds.npy */
static int scan_platform_dir(entries *e, const char *dir, const char *platform, const char *label, int group,
                             const char *const *seed, const char *dataset)
{
    char **names;
    int n, rc = 0, found = 0;
    if (list_preds(dir, &names, &n))
        return 1;
    char suffix[96];
    snprintf(suffix, sizeof suffix, "_%s_%s%s", platform, dataset, PREDS_SUFFIX);
    for (int i = 0; i < n && !rc; i++) {
        if (!ends_with(names[i], suffix))
            continue;
        char *model = strndup(names[i], strlen(names[i]) - strlen(suffix));
        rc = model ? add_entry(e, group, seed_index(seed, model), label, model, dir, names[i])
                   : cli_fail("table: out of memory");
        free(model);
        found++;
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (!rc && !found)
        return cli_fail("%s: no *%s files found", dir, suffix);
    return rc;
}

/* --results: any pair; <model>_<platform>_<dataset> names are split when possible. */
static int scan_results_dir(entries *e, const char *dir, const table_args *a)
{
    char **names;
    int n, rc = 0;
    if (list_preds(dir, &names, &n))
        return 1;
    if (n == 0)
        rc = cli_fail("%s: no *%s files found", dir, PREDS_SUFFIX);
    for (int i = 0; i < n && !rc; i++) {
        char *stem = strndup(names[i], strlen(names[i]) - strlen(PREDS_SUFFIX));
        if (!stem) {
            rc = cli_fail("table: out of memory");
            break;
        }
        const char *platform = "-", *model = stem;
        int group = 2, sidx = 1 << 30;
        char *u2 = strrchr(stem, '_');
        if (u2 && u2 != stem) {
            *u2 = '\0'; /* drop the dataset */
            char *u1 = strrchr(stem, '_');
            if (u1 && u1 != stem) {
                *u1 = '\0';
                platform = u1 + 1;
                if (!strcmp(platform, "keras")) {
                    group = 0;
                    sidx = seed_index(a->cifar10 ? none : keras_imagenet, stem);
                    platform = a->keras_label;
                } else if (!strcmp(platform, "pytorch")) {
                    group = 1;
                    sidx = seed_index(a->cifar10 ? pytorch_cifar10 : pytorch_imagenet, stem);
                    platform = a->pytorch_label;
                }
            } else {
                *u2 = '_';
            }
        }
        rc = add_entry(e, group, sidx, platform, model, dir, names[i]);
        free(stem);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Labels from VAL_DIR, --labels FILE.npy or --labels imagenet-val. */
static int load_labels(const table_args *a, int64_t **labels, int64_t *n)
{
    if (a->val_dir) {
        if (zb_imagefolder_labels(a->val_dir, labels, n, NULL) != ZB_OK)
            return cli_fail_lib();
        return 0;
    }
    if (!strcmp(a->labels, "imagenet-val")) {
        if (a->cifar10)
            return cli_fail("--labels imagenet-val: not with --dataset cifar10 (give the labels file)");
        *n = 50000;
        if (!(*labels = malloc(50000 * sizeof **labels)))
            return cli_fail("table: out of memory");
        for (int64_t i = 0; i < 50000; i++)
            (*labels)[i] = i / 50;
        return 0;
    }
    if (zb_listfile_sniff(a->labels)) { /* a list file: "path label" or "path, label" lines */
        zb_listfile *lf = NULL;
        if (zb_listfile_load(a->labels, a->root, &lf) != ZB_OK)
            return cli_fail_lib();
        for (int i = 0; a->root && i < lf->n; i++) /* with --root, the images must be there */
            if (access(lf->path[i], R_OK) != 0) {
                int rc = cli_fail("%s: image of line %d not found under --root: %s", a->labels, i + 1, lf->path[i]);
                zb_listfile_free(lf);
                return rc;
            }
        *n = lf->n;
        *labels = lf->label;
        lf->label = NULL;
        zb_listfile_free(lf);
        return 0;
    }
    zb_npy *l = NULL;
    if (zb_npy_load_as(a->labels, ZB_I64, 1, &l) != ZB_OK)
        return cli_fail_lib();
    *labels = l->data;
    *n = l->count;
    l->data = NULL;
    zb_npy_free(l);
    return 0;
}

/* The seed's bool_mask from -i (omit) or -j (keep): an index array (negative
 * indices count from the end, as numpy) or a boolean mask of length N. */
static int load_mask(const char *path, int keep, int64_t n, uint8_t **out)
{
    zb_npy *a = NULL;
    if (zb_npy_load(path, &a) != ZB_OK)
        return cli_fail_lib();
    uint8_t *m = malloc((size_t)n);
    int rc = 0;
    if (!m) {
        zb_npy_free(a);
        return cli_fail("table: out of memory");
    }
    memset(m, keep ? 0 : 1, (size_t)n);
    if (a->dtype == ZB_BOOL) {
        if (a->ndim != 1 || a->shape[0] != n)
            rc = cli_fail("%s: a boolean mask must have one entry per image (%" PRId64 "), got %" PRId64, path, n,
                          a->count);
        for (int64_t i = 0; !rc && i < n; i++)
            if (((uint8_t *)a->data)[i])
                m[i] = (uint8_t)keep;
    } else if (a->count > 0 && (a->dtype == ZB_F16 || a->dtype == ZB_F32 || a->dtype == ZB_F64)) {
        rc = cli_fail("%s: indices must be integers, got %s", path, zb_dtype_name(a->dtype));
    } else {
        for (int64_t i = 0; !rc && i < a->count; i++) {
            int64_t k = zb_npy_get_i64(a, i);
            if (a->dtype == ZB_U64 && k == INT64_MAX)
                k = n; /* saturated: out of range */
            if (k < -n || k >= n)
                rc = cli_fail("%s: index %" PRId64 " is out of range for %" PRId64 " images", path, k, n);
            else
                m[k < 0 ? k + n : k] = (uint8_t)keep;
        }
    }
    zb_npy_free(a);
    int64_t kept = 0;
    for (int64_t i = 0; !rc && i < n; i++)
        kept += m[i];
    if (!rc && kept == 0)
        rc = cli_fail("%s: the mask leaves no image to score", path);
    if (rc) {
        free(m);
        return rc;
    }
    *out = m;
    return 0;
}

/* ---- formatting ------------------------------------------------------------- */

/* Python's repr(float): the shortest string that reads back the same. */
static void py_repr(double x, char *buf, size_t cap)
{
    if (isnan(x)) {
        snprintf(buf, cap, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, cap, x > 0 ? "inf" : "-inf");
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, cap, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    if (!strpbrk(buf, ".e"))
        strncat(buf, ".0", cap - strlen(buf) - 1);
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* The seed's CSV: df.to_csv(index=False) with its columns. */
static void write_seed_csv(FILE *f, const zb_table *t, int extra, const double *p_next)
{
    fputs("Platform,Model", f);
    for (int c = 0; c < t->ncols; c++)
        fprintf(f, ",%s", t->cols[c]);
    for (int c = 0; c < t->ncols; c++)
        fprintf(f, ",%s", t->rank_cols[c]);
    if (extra & 1)
        for (int c = 0; c < t->ncols; c++)
            fprintf(f, ",%s_ci95_lo,%s_ci95_hi", t->cols[c], t->cols[c]);
    if (extra & 2)
        fputs(",p_next", f);
    fputc('\n', f);
    char b[64];
    for (int j = 0; j < t->nrows; j++) {
        const zb_table_row *r = &t->rows[j];
        csv_field(f, r->r->platform);
        fputc(',', f);
        csv_field(f, r->r->model);
        for (int c = 0; c < t->ncols; c++) {
            py_repr(r->acc[c], b, sizeof b);
            fprintf(f, ",%s", b);
        }
        for (int c = 0; c < t->ncols; c++)
            fprintf(f, ",%" PRId64, r->rank[c]);
        if (extra & 1)
            for (int c = 0; c < t->ncols; c++) {
                double lo, hi;
                char b2[64];
                zb_wilson95(r->hits[c], r->n[c], &lo, &hi);
                py_repr(lo, b, sizeof b);
                py_repr(hi, b2, sizeof b2);
                fprintf(f, ",%s,%s", b, b2);
            }
        if (extra & 2) {
            if (j + 1 < t->nrows) {
                py_repr(p_next[j], b, sizeof b);
                fprintf(f, ",%s", b);
            } else {
                fputc(',', f);
            }
        }
        fputc('\n', f);
    }
}

static void write_json(FILE *f, const zb_table *t, const table_args *a, const double *p_next)
{
    char b[64];
    fprintf(f, "{\"dataset\": \"%s\", \"images\": %" PRId64 ", \"columns\": [", a->cifar10 ? "cifar10" : "imagenet",
            t->nrows ? t->rows[0].n[0] : 0);
    for (int c = 0; c < t->ncols; c++)
        fprintf(f, "%s\"%s\"", c ? ", " : "", t->cols[c]);
    fprintf(f, "], \"sorted_by\": \"%s\", \"rows\": [\n", t->cols[t->sort_col]);
    for (int j = 0; j < t->nrows; j++) {
        const zb_table_row *r = &t->rows[j];
        fputs("  {\"platform\": ", f);
        json_string(f, r->r->platform);
        fputs(", \"model\": ", f);
        json_string(f, r->r->model);
        for (int c = 0; c < t->ncols; c++) {
            py_repr(r->acc[c], b, sizeof b);
            fprintf(f, ", \"%s\": %s, \"%s\": %" PRId64 ", \"%s_correct\": %" PRId64 ", \"%s_images\": %" PRId64, t->cols[c],
                    b, t->rank_cols[c], r->rank[c], t->cols[c], r->hits[c], t->cols[c], r->n[c]);
            if (a->ci) {
                double lo, hi;
                char b2[64];
                zb_wilson95(r->hits[c], r->n[c], &lo, &hi);
                py_repr(lo, b, sizeof b);
                py_repr(hi, b2, sizeof b2);
                fprintf(f, ", \"%s_ci95\": [%s, %s]", t->cols[c], b, b2);
            }
        }
        if (p_next) {
            if (j + 1 < t->nrows) {
                py_repr(p_next[j], b, sizeof b);
                fprintf(f, ", \"p_next\": %s, \"significant_next\": %s", b, p_next[j] < 0.05 ? "true" : "false");
            } else {
                fputs(", \"p_next\": null, \"significant_next\": null", f);
            }
        }
        fprintf(f, "}%s\n", j + 1 < t->nrows ? "," : "");
    }
    fputs("]}\n", f);
}

/* A cell grid for the aligned and markdown tables: nrows x ncols strings. */
enum { MAXC = 16 };
typedef struct grid {
    int ncols, nrows; /* nrows includes the header */
    char **cell;      /* (nrows, MAXC) */
    int right[MAXC];  /* right-align (numbers, terminal only) */
} grid;

static void grid_set(grid *g, int row, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void grid_set(grid *g, int row, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&g->cell[row * MAXC + col], fmt, ap) < 0)
        g->cell[row * MAXC + col] = NULL;
    va_end(ap);
}

static void grid_print(FILE *f, const grid *g, int md)
{
    int w[MAXC] = {0};
    for (int r = 0; r < g->nrows; r++)
        for (int c = 0; c < g->ncols; c++) {
            const char *s = g->cell[r * MAXC + c];
            int l = s ? (int)strlen(s) : 0;
            if (l > w[c])
                w[c] = l;
        }
    for (int r = 0; r < g->nrows; r++) {
        for (int c = 0; c < g->ncols; c++) {
            const char *s = g->cell[r * MAXC + c] ? g->cell[r * MAXC + c] : "";
            if (md)
                fprintf(f, "| %-*s ", w[c], s);
            else if (g->right[c] && r > 0)
                fprintf(f, "%s%*s", c ? "  " : "", w[c], s);
            else if (c + 1 == g->ncols)
                fprintf(f, "%s%s", c ? "  " : "", s);
            else
                fprintf(f, "%s%-*s", c ? "  " : "", w[c], s);
        }
        fputs(md ? "|\n" : "\n", f);
        if (md && r == 0) {
            for (int c = 0; c < g->ncols; c++) {
                fputc('|', f);
                for (int k = 0; k < w[c] + 2; k++)
                    fputc('-', f);
            }
            fputs("|\n", f);
        }
    }
}

static int write_grid(FILE *f, const zb_table *t, const table_args *a, const double *p_next, int md)
{
    grid g = {0};
    int nr = t->nrows, c = 0;
    if (!(g.cell = calloc((size_t)(nr + 1) * MAXC, sizeof *g.cell)))
        return -1;
    grid_set(&g, 0, c++, "Platform");
    grid_set(&g, 0, c++, "Model");
    for (int k = 0; k < t->ncols; k++) {
        g.right[c] = 1;
        grid_set(&g, 0, c++, "%s", t->cols[k]);
        if (a->ci)
            grid_set(&g, 0, c++, "%s 95%% CI", t->cols[k]);
    }
    for (int k = 0; k < t->ncols; k++) {
        g.right[c] = 1;
        grid_set(&g, 0, c++, "%s", t->rank_cols[k]);
    }
    if (p_next)
        grid_set(&g, 0, c++, "p(next)");
    g.ncols = c;
    g.nrows = nr + 1;
    for (int j = 0; j < nr; j++) {
        const zb_table_row *r = &t->rows[j];
        c = 0;
        grid_set(&g, j + 1, c++, "%s", r->r->platform);
        grid_set(&g, j + 1, c++, "%s", r->r->model);
        for (int k = 0; k < t->ncols; k++) {
            grid_set(&g, j + 1, c++, "%.2f", r->acc[k] * 100);
            if (a->ci) {
                double lo, hi;
                zb_wilson95(r->hits[k], r->n[k], &lo, &hi);
                grid_set(&g, j + 1, c++, "[%.2f, %.2f]", lo * 100, hi * 100);
            }
        }
        for (int k = 0; k < t->ncols; k++)
            grid_set(&g, j + 1, c++, "%" PRId64, r->rank[k]);
        if (p_next) {
            if (j + 1 < t->nrows)
                grid_set(&g, j + 1, c++, "%.3g%s", p_next[j], p_next[j] >= 0.05 ? " (ns)" : "");
            else
                grid_set(&g, j + 1, c++, "%s", "");
        }
    }
    grid_print(f, &g, md);
    for (int k = 0; k < (nr + 1) * MAXC; k++)
        free(g.cell[k]);
    free(g.cell);
    if (p_next)
        fprintf(f, "\np(next): exact McNemar test of each row against the next, top-1 on the %" PRId64
                   " images behind %s; (ns): p >= 0.05, not significantly different.\n",
                t->m, t->cols[t->sort_col]);
    return 0;
}

/* Writes `t` as the seed's CSV to path via a temp file + rename. */
static int save_seed_csv(const char *path, const zb_table *t)
{
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
        return cli_fail("table: out of memory");
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int rc = cli_fail("%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return rc;
    }
    write_seed_csv(f, t, 0, NULL);
    int bad = ferror(f) | (fflush(f) != 0) | (fsync(fileno(f)) != 0);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int rc = cli_fail("%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return 0;
}

static int save_pvalues(const char *path, const zb_table *t)
{
    int64_t shape[2] = {t->nrows, t->nrows};
    zb_npy *m = zb_npy_new(ZB_F64, 2, shape);
    if (!m)
        return cli_fail("table: out of memory");
    double *p = m->data;
    for (int i = 0; i < t->nrows; i++)
        for (int j = i; j < t->nrows; j++)
            p[i * t->nrows + j] = p[j * t->nrows + i] = i == j ? 1.0 : zb_table_mcnemar(t, i, j);
    int rc = 0;
    if (ends_with(path, ".npy")) {
        if (zb_npy_save(path, m) != ZB_OK)
            rc = cli_fail_lib();
    } else {
        char *tmp = NULL;
        FILE *f = asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) >= 0 ? fopen(tmp, "w") : NULL;
        if (!f) {
            rc = cli_fail("%s: cannot create: %s", path, strerror(errno));
        } else {
            char b[64];
            fputs("Platform,Model", f);
            for (int j = 0; j < t->nrows; j++) {
                char *h = NULL;
                fputc(',', f);
                if (asprintf(&h, "%s %s", t->rows[j].r->platform, t->rows[j].r->model) >= 0)
                    csv_field(f, h);
                free(h);
            }
            fputc('\n', f);
            for (int i = 0; i < t->nrows; i++) {
                csv_field(f, t->rows[i].r->platform);
                fputc(',', f);
                csv_field(f, t->rows[i].r->model);
                for (int j = 0; j < t->nrows; j++) {
                    py_repr(p[i * t->nrows + j], b, sizeof b);
                    fprintf(f, ",%s", b);
                }
                fputc('\n', f);
            }
            int bad = ferror(f) | (fflush(f) != 0) | (fsync(fileno(f)) != 0);
            bad |= fclose(f) != 0;
            if (bad || rename(tmp, path) != 0) {
                rc = cli_fail("%s: cannot write: %s", path, strerror(errno));
                unlink(tmp);
            }
        }
        free(tmp);
    }
    zb_npy_free(m);
    return rc;
}

/* ---- main ------------------------------------------------------------------- */

enum {
    OPT_KLABEL = 256, OPT_PLABEL, OPT_RESULTS, OPT_LABELS, OPT_ROOT, OPT_DATASET, OPT_FORMAT, OPT_CI, OPT_COMPARE,
    OPT_PVALUES, OPT_PUBLISHED, OPT_BASEURL, OPT_CACHEDIR, OPT_SCORECUSTOM
};

static int run(table_args *a)
{
    const char *dataset = a->cifar10 ? "cifar10" : "imagenet";
    char kdir[4096], pdir[4096];
    if (a->published) {
        if (a->keras_dir || a->pytorch_dir || a->nresults)
            return cli_fail("--published: not with -k, -p or --results (it supplies the seed's files)");
        if (a->cifar10)
            return cli_fail("--published: the published predictions are ImageNet's");
        zb_fetch_opts fo = {a->base_url, a->cache_dir, isatty(STDERR_FILENO)};
        if (zb_published_fetch(&fo, kdir, pdir, sizeof kdir) != ZB_OK)
            return cli_fail_lib();
        a->keras_dir = kdir;
        a->pytorch_dir = pdir;
        if (!a->val_dir && !a->labels)
            a->labels = "imagenet-val";
    }
    if (!a->keras_dir && !a->pytorch_dir && !a->nresults)
        return cli_fail("table: no result files (give -k, -p, --results or --published; see -h)");
    if (!a->val_dir && !a->labels)
        return cli_fail("table: no labels (give VAL_DIR or --labels; see -h)");
    if (a->val_dir && a->labels)
        return cli_fail("table: give VAL_DIR or --labels, not both");
    if (a->omit && a->keep)
        return cli_fail("table: use only one of -i/--indices-to-omit and -j/--indices-to-keep (as the seed requires)");
    if (a->pvalues && !a->compare)
        return cli_fail("--pvalues: needs --compare");

    entries e = {0};
    int rc = 0;
    if (a->keras_dir)
        rc = scan_platform_dir(&e, a->keras_dir, "keras", a->keras_label, 0, a->cifar10 ? none : keras_imagenet,
                               dataset);
    if (!rc && a->pytorch_dir)
        rc = scan_platform_dir(&e, a->pytorch_dir, "pytorch", a->pytorch_label, 1,
                               a->cifar10 ? pytorch_cifar10 : pytorch_imagenet, dataset);
    for (int i = 0; !rc && i < a->nresults; i++)
        rc = scan_results_dir(&e, a->results[i], a);
    if (rc) {
        entries_free(&e);
        return rc;
    }
    qsort(e.v, (size_t)e.n, sizeof *e.v, cmp_entry);

    int64_t *labels = NULL, n = 0, *custom = NULL, n_custom = 0;
    uint8_t *mask = NULL;
    zb_result **res = calloc((size_t)e.n, sizeof *res);
    zb_table *t = NULL;
    double *p_next = NULL;
    if (!res)
        rc = cli_fail("table: out of memory");
    if (!rc)
        rc = load_labels(a, &labels, &n);
    if (!rc && (a->omit || a->keep))
        rc = load_mask(a->omit ? a->omit : a->keep, a->keep != NULL, n, &mask);
    int custom_as_omit = a->custom && !a->omit && !a->keep && !a->score_custom;
    if (!rc && custom_as_omit) {
        /* The seed's main(): compute_val_acc(top5preds, top5probs, labels, custom_labels). */
        rc = load_mask(a->custom, 0, n, &mask);
    } else if (!rc && a->custom) {
        zb_npy *c = NULL;
        if (zb_npy_load_as(a->custom, ZB_I64, 1, &c) != ZB_OK) {
            rc = cli_fail_lib();
        } else {
            custom = c->data;
            n_custom = c->count;
            c->data = NULL;
            zb_npy_free(c);
            int64_t kept = n;
            for (int64_t i = 0; mask && i < n; i++)
                kept -= !mask[i];
            if (n_custom != kept) /* named here: zb_table_build does not know the file */
                rc = cli_fail("%s: %" PRId64 " custom labels for %" PRId64 " %simages", a->custom, n_custom, kept,
                              mask ? "kept " : "");
        }
    }
    for (int i = 0; !rc && i < e.n; i++) {
        if (zb_result_load(e.v[i].preds, e.v[i].probs, e.v[i].platform, e.v[i].model, &res[i]) != ZB_OK)
            rc = cli_fail_lib();
        else if (res[i]->n != n)
            rc = cli_fail("%s: %" PRId64 " predictions for %" PRId64 " labels", e.v[i].preds, res[i]->n, n);
    }
    if (!rc) {
        zb_table_opts o = {labels, n, mask, custom, n_custom, !a->cifar10, custom_as_omit};
        if (zb_table_build(res, e.n, &o, &t) != ZB_OK)
            rc = cli_fail_lib();
        else if (custom_as_omit)
            fprintf(stderr, "note: -l without -i/-j: as the seed's main(), cAcc leaves out the images whose "
                            "index is a value of %s; --score-custom-labels scores the custom labels instead\n",
                    a->custom);
    }
    if (!rc && a->compare) {
        p_next = calloc((size_t)t->nrows, sizeof *p_next);
        if (!p_next)
            rc = cli_fail("table: out of memory");
        for (int j = 0; !rc && j + 1 < t->nrows; j++)
            p_next[j] = zb_table_mcnemar(t, j, j + 1);
        if (!rc && a->pvalues)
            rc = save_pvalues(a->pvalues, t);
    }
    if (!rc && a->output)
        rc = save_seed_csv(a->output, t);
    if (!rc) {
        if (!strcmp(a->format, "md"))
            rc = write_grid(stdout, t, a, p_next, 1) ? cli_fail("table: out of memory") : 0;
        else if (!strcmp(a->format, "csv"))
            write_seed_csv(stdout, t, (a->ci ? 1 : 0) | (p_next ? 2 : 0), p_next);
        else if (!strcmp(a->format, "json"))
            write_json(stdout, t, a, p_next);
        else
            rc = write_grid(stdout, t, a, p_next, 0) ? cli_fail("table: out of memory") : 0;
        if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
            rc = cli_fail("table: cannot write to standard output");
    }
    zb_table_free(t);
    for (int i = 0; i < e.n && res; i++)
        zb_result_free(res[i]);
    free(res);
    free(p_next);
    free(labels);
    free(mask);
    free(custom);
    entries_free(&e);
    return rc;
}

int cmd_table(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},
        {"keras-dir", required_argument, 0, 'k'},
        {"pytorch-dir", required_argument, 0, 'p'},
        {"keras-label", required_argument, 0, OPT_KLABEL},
        {"pytorch-label", required_argument, 0, OPT_PLABEL},
        {"results", required_argument, 0, OPT_RESULTS},
        {"labels", required_argument, 0, OPT_LABELS},
        {"root", required_argument, 0, OPT_ROOT},
        {"dataset", required_argument, 0, OPT_DATASET},
        {"indices-to-omit", required_argument, 0, 'i'},
        {"indices_to_omit", required_argument, 0, 'i'},
        {"indices-to-keep", required_argument, 0, 'j'},
        {"indices_to_keep", required_argument, 0, 'j'},
        {"custom-labels", required_argument, 0, 'l'},
        {"custom_labels", required_argument, 0, 'l'},
        {"score-custom-labels", no_argument, 0, OPT_SCORECUSTOM},
        {"format", required_argument, 0, OPT_FORMAT},
        {"output", required_argument, 0, 'o'},
        {"ci", no_argument, 0, OPT_CI},
        {"compare", no_argument, 0, OPT_COMPARE},
        {"pvalues", required_argument, 0, OPT_PVALUES},
        {"published", no_argument, 0, OPT_PUBLISHED},
        {"base-url", required_argument, 0, OPT_BASEURL},
        {"cache-dir", required_argument, 0, OPT_CACHEDIR},
        {0, 0, 0, 0},
    };
    table_args a = {.keras_label = "Keras 2.2.4", .pytorch_label = "PyTorch 1.0", .format = "table"};
    int c;
    while ((c = getopt_long(argc, argv, "hk:p:i:j:l:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'k': a.keras_dir = optarg; break;
        case 'p': a.pytorch_dir = optarg; break;
        case OPT_KLABEL: a.keras_label = optarg; break;
        case OPT_PLABEL: a.pytorch_label = optarg; break;
        case OPT_RESULTS:
            if (a.nresults == (int)(sizeof a.results / sizeof a.results[0]))
                return cli_fail("--results: at most 16 directories");
            a.results[a.nresults++] = optarg;
            break;
        case OPT_LABELS: a.labels = optarg; break;
        case OPT_ROOT: a.root = optarg; break;
        case OPT_DATASET:
            if (!strcmp(optarg, "cifar10"))
                a.cifar10 = 1;
            else if (strcmp(optarg, "imagenet"))
                return cli_fail("--dataset: '%s' is not imagenet or cifar10", optarg);
            break;
        case 'i': a.omit = optarg; break;
        case 'j': a.keep = optarg; break;
        case 'l': a.custom = optarg; break;
        case OPT_SCORECUSTOM: a.score_custom = 1; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "table") && strcmp(optarg, "md") && strcmp(optarg, "csv") && strcmp(optarg, "json"))
                return cli_fail("--format: '%s' is not table, md, csv or json", optarg);
            a.format = optarg;
            break;
        case 'o': a.output = optarg; break;
        case OPT_CI: a.ci = 1; break;
        case OPT_COMPARE: a.compare = 1; break;
        case OPT_PVALUES: a.pvalues = optarg; break;
        case OPT_PUBLISHED: a.published = 1; break;
        case OPT_BASEURL: a.base_url = optarg; break;
        case OPT_CACHEDIR: a.cache_dir = optarg; break;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc - 1)
        return cli_fail("table: one VAL_DIR at most (got '%s' and '%s')", argv[optind], argv[optind + 1]);
    if (optind == argc - 1)
        a.val_dir = argv[optind];
    return run(&a);
}
