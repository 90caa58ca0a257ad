/* The resumable runner: see predict.h.  It mirrors the seed's
 * imagenet_pytorch_get_predictions.py process_model():
 *
 *     out = softmax(model(x))                          # float32 (N, 1000)
 *     top = np.argpartition(-probs, 5, axis=1)[:, :5]  # int64 (N, 5)
 *     top_probs = probs[rows, top]                     # saved as float16
 *     acc1 = mean(top[rows, argmax(top_probs)] == labels); acc5 = mean(label in row)
 *
 * The five columns are in the order numpy 1.x's argpartition leaves them
 * (src/predict/argpartition.c), so the files match the seed's byte for byte
 * given the same probabilities. */
#include "predict/predict.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fp16.h"
#include "core/status.h"
#include "image/image.h"
#include "io/sha256.h"
#include "predict/argpartition.h"

#define CKPT_MAGIC "zoobench-checkpoint 2\n"
#define REC_MAGIC 0x5a42524eu /* "NRBZ" */
#define MAX_MSG 1024

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

void zb_predict_range(int64_t n, int k, int nshards, int64_t *lo, int64_t *hi)
{
    if (nshards <= 0) {
        *lo = 0, *hi = n;
        return;
    }
    *lo = n * k / nshards;
    *hi = n * (k + 1) / nshards;
}

zb_status zb_predict_base(const char *model, const char *outdir, char *base, size_t cap, char *platform)
{
    const zb_model_info *m = zb_model_find(model);
    if (!m)
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", model);
    const char *slash = strrchr(m->name, '/');
    const char *shortname = slash ? slash + 1 : m->name;
    int keras = !strcmp(m->framework, "keras");
    /* the seed's imagenet_keras_get_predictions.py file names */
    static const char *const seed_keras[][2] = {{"inception_resnet_v2", "inceptionresnetv2"},
                                                {"inception_v3", "inceptionv3"},
                                                {"mobilenet_v2", "mobilenetV2"},
                                                {"nasnet_large", "nasnetlarge"},
                                                {"nasnet_mobile", "nasnetmobile"}};
    for (size_t i = 0; keras && i < sizeof seed_keras / sizeof seed_keras[0]; i++)
        if (!strcmp(shortname, seed_keras[i][0]))
            shortname = seed_keras[i][1];
    strcpy(platform, keras ? "keras" : "pytorch");
    int k = snprintf(base, cap, "%s/%s_%s_imagenet_", outdir, shortname, platform);
    if (k < 0 || (size_t)k >= cap)
        return zb_error(ZB_ERR_ARG, "%s: output path too long", outdir);
    return ZB_OK;
}

static void shard_suffix(const zb_predict_opts *o, char *buf, size_t cap)
{
    if (o->shard_n > 0)
        snprintf(buf, cap, ".shard-%d-of-%d", o->shard_k, o->shard_n);
    else
        buf[0] = 0;
}

/* ---- computing rows ---------------------------------------------------- */

static zb_status make_recipe(const zb_predict_opts *o, const zb_model_info *m, zb_recipe *r)
{
    return zb_recipe_preset(o->recipe ? o->recipe : m->recipe, o->size ? o->size : m->input_size, r);
}

/* Decodes + preprocesses one image from memory into x (crop, crop, 3),
 * decoding only the part of the image the recipe reads. */
static zb_status prep(const char *name, const uint8_t *buf, size_t len, const zb_recipe *r, float *x)
{
    return zb_recipe_decode_mem_f32(r, name, buf, len, ZB_LAYOUT_NHWC, x);
}

/* scratch: neg (k floats), idx (k int64) */
static void fill_row(const float *p, int k, zb_pred_row *row, uint16_t *all, float *neg, int64_t *idx)
{
    if (k > ZB_TOPK) {
        /* top = np.argpartition(-probs, 5)[:5] */
        for (int c = 0; c < k; c++)
            neg[c] = -p[c];
        zb_argpartition_f32(neg, k, ZB_TOPK, idx);
    } else {
        int t[ZB_TOPK];
        zb_topk(p, k, k, t);
        for (int j = 0; j < ZB_TOPK; j++)
            idx[j] = j < k ? t[j] : -1;
    }
    row->best = 0;
    for (int j = 0; j < ZB_TOPK; j++) {
        row->top[j] = idx[j];
        row->prob[j] = idx[j] >= 0 ? zb_float_to_half(p[idx[j]]) : 0;
        if (idx[j] >= 0 && p[idx[j]] > p[row->top[row->best]])
            row->best = j; /* np.argmax(top_probs): the first maximum */
    }
    row->failed = 0;
    if (all)
        for (int c = 0; c < k; c++)
            all[c] = zb_float_to_half(p[c]);
}

static void fail_row(zb_pred_row *row, uint16_t *all, int k)
{
    for (int j = 0; j < ZB_TOPK; j++)
        row->top[j] = -1, row->prob[j] = 0;
    row->best = 0;
    row->failed = 1;
    if (all)
        memset(all, 0, (size_t)k * sizeof *all);
}

/* Per-batch callback of the row computation. */
typedef zb_status (*batch_fn)(void *ctx, const int64_t *idx, int nb, const zb_pred_row *rows,
                              const uint16_t *all, char *const *errs);

static zb_status compute(const zb_dataset *d, const zb_predict_opts *o, const int64_t *items, int64_t count,
                         batch_fn fn, void *ctx)
{
    const zb_model_info *m = zb_model_find(o->model);
    if (!m)
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", o->model);
    zb_recipe r;
    zb_status st = make_recipe(o, m, &r);
    if (st != ZB_OK)
        return st;
    int k = m->num_classes, B = o->batch > 0 ? o->batch : 1;
    size_t img = zb_recipe_output_count(&r);
    float *x = malloc((size_t)B * img * sizeof *x);
    float *logits = malloc((size_t)B * k * sizeof *logits);
    zb_pred_row *rows = calloc((size_t)B, sizeof *rows);
    uint16_t *all = o->save_all_probs ? malloc((size_t)B * k * sizeof *all) : NULL;
    int64_t *bidx = malloc((size_t)B * sizeof *bidx);
    char **errs = calloc((size_t)B, sizeof *errs);
    int *ok = malloc((size_t)B * sizeof *ok);
    float *neg = malloc((size_t)k * sizeof *neg);
    int64_t *pidx = malloc((size_t)(k > ZB_TOPK ? k : ZB_TOPK) * sizeof *pidx);
    zb_net *net = NULL;
    zb_dsreader *rd = NULL;
    if (!x || !logits || !rows || (o->save_all_probs && !all) || !bidx || !errs || !ok || !neg || !pidx) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", o->model);
        goto done;
    }
    zb_net_opts no = {.height = r.crop, .width = r.crop, .nthreads = o->threads};
    if ((st = zb_net_create(o->model, o->weights, &no, &net)) != ZB_OK)
        goto done;
    if ((st = zb_dsreader_open(d, items, count, &rd)) != ZB_OK)
        goto done;
    int64_t done_n = 0;
    while (st == ZB_OK && done_n < count) {
        int nb = 0, ngood = 0;
        while (nb < B && done_n + nb < count) {
            const uint8_t *buf;
            size_t len;
            zb_status ist;
            int rc = zb_dsreader_next(rd, &bidx[nb], &buf, &len, &ist);
            if (rc < 0) {
                st = ZB_ERR_FORMAT;
                break;
            }
            if (rc == 0) {
                st = zb_error(ZB_ERR_FORMAT, "dataset: fewer items than expected");
                break;
            }
            if (ist == ZB_OK)
                ist = prep(d->name[bidx[nb]], buf, len, &r, x + (size_t)ngood * img);
            ok[nb] = ist == ZB_OK;
            if (!ok[nb]) {
                errs[nb] = strdup(zb_last_error());
                if (o->image_error)
                    o->image_error(o->ctx, zb_last_error());
            } else {
                ngood++;
            }
            nb++;
        }
        if (st != ZB_OK)
            break;
        if (ngood > 0 && (st = zb_net_run(net, x, ngood, logits)) != ZB_OK)
            break;
        zb_softmax_rows(logits, ngood, k, logits);
        for (int i = 0, g = 0; i < nb; i++) {
            uint16_t *a = all ? all + (size_t)i * k : NULL;
            if (ok[i])
                fill_row(logits + (size_t)g++ * k, k, &rows[i], a, neg, pidx);
            else
                fail_row(&rows[i], a, k);
        }
        st = fn(ctx, bidx, nb, rows, all, errs);
        for (int i = 0; i < nb; i++) {
            free(errs[i]);
            errs[i] = NULL;
        }
        done_n += nb;
    }
done:
    zb_dsreader_free(rd);
    zb_net_free(net);
    if (errs)
        for (int i = 0; i < B; i++)
            free(errs[i]);
    free(errs);
    free(ok);
    free(neg);
    free(pidx);
    free(bidx);
    free(all);
    free(rows);
    free(logits);
    free(x);
    return st;
}

/* ---- zb_predict_rows: plain computation into caller arrays ---------------- */

typedef struct rows_ctx {
    const zb_predict_opts *o;
    const int64_t *items;
    int64_t count;
    zb_pred_row *rows;
    uint16_t *allprobs;
    char **errs;
    int k;
    int64_t done;
} rows_ctx;

static int64_t find_item(const int64_t *items, int64_t count, int64_t idx)
{
    /* items are ascending (callers pass ranges or sorted lists) */
    int64_t lo = 0, hi = count;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (items[mid] < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < count && items[lo] == idx ? lo : -1;
}

static zb_status rows_batch(void *vctx, const int64_t *idx, int nb, const zb_pred_row *rows, const uint16_t *all,
                            char *const *errs)
{
    rows_ctx *c = vctx;
    for (int i = 0; i < nb; i++) {
        int64_t at = find_item(c->items, c->count, idx[i]);
        if (at < 0)
            return zb_error(ZB_ERR_ARG, "predict: unexpected row %lld", (long long)idx[i]);
        c->rows[at] = rows[i];
        if (c->allprobs)
            memcpy(c->allprobs + (size_t)at * c->k, all + (size_t)i * c->k, (size_t)c->k * sizeof *all);
        if (c->errs && errs[i] && !(c->errs[at] = strdup(errs[i])))
            return zb_error(ZB_ERR_NOMEM, "predict: out of memory");
    }
    c->done += nb;
    if (c->o->progress)
        c->o->progress(c->o->ctx, c->done, c->count);
    return ZB_OK;
}

zb_status zb_predict_rows(const zb_dataset *d, const zb_predict_opts *o, const int64_t *items, int64_t count,
                          zb_pred_row *rows, uint16_t *allprobs, char **errs)
{
    const zb_model_info *m = zb_model_find(o->model);
    if (!m)
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", o->model);
    rows_ctx c = {o, items, count, rows, allprobs, errs, m->num_classes, 0};
    return compute(d, o, items, count, rows_batch, &c);
}

/* ---- files ---------------------------------------------------------------- */

static zb_status fsync_dir(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return zb_error(ZB_ERR_NOMEM, "out of memory");
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        strcpy(dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
    return ZB_OK;
}

/* Text file written atomically (temp, fsync, rename, directory fsync). */
static zb_status save_text(const char *path, const char *text, size_t len)
{
    size_t pl = strlen(path) + 16;
    char *tmp = malloc(pl);
    if (!tmp)
        return zb_error(ZB_ERR_NOMEM, "out of memory");
    snprintf(tmp, pl, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    zb_status st = ZB_OK;
    if (fd < 0) {
        st = zb_error(ZB_ERR_IO, "%s: %s", tmp, strerror(errno));
    } else {
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(fd, text + off, len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (off != len || fsync(fd))
            st = zb_error(ZB_ERR_IO, "%s: write failed: %s", tmp, strerror(errno));
        close(fd);
        if (st == ZB_OK && rename(tmp, path))
            st = zb_error(ZB_ERR_IO, "%s: cannot rename into place: %s", path, strerror(errno));
        if (st != ZB_OK)
            unlink(tmp);
        else
            fsync_dir(path);
    }
    free(tmp);
    return st;
}

static zb_status save_npy(const char *path, zb_dtype t, int ndim, const int64_t *shape, const void *data)
{
    zb_npy *a = zb_npy_new(t, ndim, shape);
    if (!a)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
    memcpy(a->data, data, (size_t)a->count * zb_dtype_size(t));
    zb_status st = zb_npy_save(path, a); /* temp, fsync, rename, directory fsync */
    zb_npy_free(a);
    return st;
}

/* Removes temp files a killed run left beside our outputs: "<stem>*.tmp" (save_text)
 * and "<stem>*.tmp.<pid>.<n>" (zb_npy_save) whose process is gone. */
static void clean_stale_tmp(const char *base)
{
    const char *slash = strrchr(base, '/');
    char dir[512];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - base), base);
    const char *stem = slash + 1;
    DIR *dd = opendir(dir);
    if (!dd)
        return;
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (strncmp(e->d_name, stem, strlen(stem)))
            continue;
        const char *t = strstr(e->d_name, ".tmp");
        if (!t)
            continue;
        int stale = !t[4];
        if (t[4] == '.') {
            long pid = strtol(t + 5, NULL, 10);
            stale = pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
        }
        if (stale) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(dd);
}

zb_status zb_predict_write(const zb_dataset *d, const zb_predict_opts *o, int64_t lo, int64_t hi,
                           const zb_pred_row *rows, const uint16_t *allprobs, char *const *errs,
                           zb_predict_result *res)
{
    char base[512], sfx[64], path[640], platform[16];
    zb_status st = zb_predict_base(o->model, o->outdir, base, sizeof base, platform);
    if (st != ZB_OK)
        return st;
    const zb_model_info *m = zb_model_find(o->model);
    int k = m->num_classes;
    shard_suffix(o, sfx, sizeof sfx);
    int64_t n = hi - lo;
    int64_t *preds = malloc((size_t)(n ? n : 1) * ZB_TOPK * sizeof *preds);
    uint16_t *probs = malloc((size_t)(n ? n : 1) * ZB_TOPK * sizeof *probs);
    int64_t *labels = malloc((size_t)(n ? n : 1) * sizeof *labels);
    if (!preds || !probs || !labels) {
        st = zb_error(ZB_ERR_NOMEM, "out of memory");
        goto done;
    }
    res->errors = res->correct1 = res->correct5 = res->labelled = 0;
    size_t elen = 0, ecap = 0;
    char *etext = NULL;
    for (int64_t i = 0; i < n; i++) {
        const zb_pred_row *r = &rows[i];
        memcpy(preds + i * ZB_TOPK, r->top, sizeof r->top);
        memcpy(probs + i * ZB_TOPK, r->prob, sizeof r->prob);
        int64_t y = d->label[lo + i];
        labels[i] = y;
        if (y >= 0)
            res->labelled++;
        if (r->failed) {
            res->errors++;
            const char *msg = errs && errs[i] ? errs[i] : "unreadable";
            size_t need = strlen(d->name[lo + i]) + strlen(msg) + 48;
            if (elen + need > ecap) {
                size_t nc = (elen + need) * 2;
                char *ne = realloc(etext, nc);
                if (!ne) {
                    free(etext);
                    st = zb_error(ZB_ERR_NOMEM, "out of memory");
                    goto done;
                }
                etext = ne, ecap = nc;
            }
            elen += (size_t)snprintf(etext + elen, ecap - elen, "%lld\t%s\t%s\n", (long long)(lo + i),
                                     d->name[lo + i], msg);
            continue;
        }
        /* the seed: top[argmax(top_probs)] == label */
        if (y >= 0 && r->top[r->best] == y)
            res->correct1++;
        for (int j = 0; j < ZB_TOPK; j++)
            if (y >= 0 && r->top[j] == y)
                res->correct5++;
    }
    int64_t s2[2] = {n, ZB_TOPK};
    snprintf(path, sizeof path, "%stop5preds%s.npy", base, sfx);
    if ((st = save_npy(path, ZB_I64, 2, s2, preds)) != ZB_OK)
        goto edone;
    snprintf(path, sizeof path, "%stop5probs%s.npy", base, sfx);
    if ((st = save_npy(path, ZB_F16, 2, s2, probs)) != ZB_OK)
        goto edone;
    if (o->save_all_probs) {
        int64_t sa[2] = {n, k};
        snprintf(path, sizeof path, "%sprobs%s.npy", base, sfx);
        if ((st = save_npy(path, ZB_F16, 2, sa, allprobs)) != ZB_OK)
            goto edone;
    }
    if (o->save_labels) {
        int64_t s1[1] = {n};
        snprintf(path, sizeof path, "%slabels%s.npy", base, sfx);
        if ((st = save_npy(path, ZB_I64, 1, s1, labels)) != ZB_OK)
            goto edone;
    }
    snprintf(path, sizeof path, "%serrors%s.txt", base, sfx);
    if (elen)
        st = save_text(path, etext, elen);
    else if (unlink(path) == 0) /* a stale list from an earlier run */
        fsync_dir(path);
    if (st == ZB_OK)
        clean_stale_tmp(base);
edone:
    free(etext);
done:
    free(preds);
    free(probs);
    free(labels);
    return st;
}

/* ---- checkpoint ------------------------------------------------------------ */

typedef struct ckpt {
    FILE *f;
    char path[640];
    int64_t lo, n, k;
    int allp;
    zb_pred_row *rows;   /* (n,) */
    uint16_t *all;       /* (n, k) or NULL */
    char **errs;         /* (n,) */
    uint8_t *have;       /* (n,) */
    int64_t have_n;
    const zb_predict_opts *o;
    int64_t done_session;
} ckpt;

/* The header that identifies a run; compared line by line on resume. */
static zb_status header(const zb_dataset *d, const zb_predict_opts *o, int64_t lo, int64_t hi, char *buf,
                        size_t cap)
{
    const zb_model_info *m = zb_model_find(o->model);
    zb_recipe r;
    zb_status st = make_recipe(o, m, &r);
    if (st != ZB_OK)
        return st;
    char wh[ZB_SHA256_HEX], dh[ZB_SHA256_HEX];
    if ((st = zb_sha256_file(o->weights, wh)) != ZB_OK)
        return st;
    zb_sha256_hex(d->digest, dh);
    snprintf(buf, cap,
             CKPT_MAGIC "model %s\nweights %s\nrecipe %s resize=%d:%d filter=%d crop=%d:%d pct=%.17g norm=%d\n"
                        "dataset %s %lld\nrows %lld %lld\nall-probs %d\nend\n",
             m->name, wh, o->recipe ? o->recipe : m->recipe, (int)r.resize, r.resize_size, (int)r.filter,
             (int)r.crop_mode, r.crop, r.crop_pct, (int)r.norm, dh, (long long)d->n, (long long)lo,
             (long long)hi, o->save_all_probs ? 1 : 0);
    return ZB_OK;
}

static const char *what_differs(const char *want, const char *got)
{
    static const char *const keys[] = {"model", "weights", "recipe", "dataset", "rows", "all-probs"};
    static const char *const what[] = {"a different model",   "different weights",
                                       "a different recipe",  "a different dataset",
                                       "a different shard",   "a different --save-all-probs"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char key[32];
        snprintf(key, sizeof key, "\n%s ", keys[i]);
        const char *a = strstr(want, key), *b = strstr(got, key);
        if (!a || !b)
            return "an unreadable header";
        size_t la = strcspn(a + 1, "\n"), lb = strcspn(b + 1, "\n");
        if (la != lb || memcmp(a, b, la + 1))
            return what[i];
    }
    return "a different setup";
}

static size_t row_bytes(int allp, int k) { return 8 + 2 + ZB_TOPK * 8 + ZB_TOPK * 2 + (allp ? (size_t)k * 2 : 0) + 2; }

/* Appends one record: magic, count, rows (index, failed, top, prob, [all], msglen, msg), SHA-256. */
static zb_status ckpt_batch(void *vctx, const int64_t *idx, int nb, const zb_pred_row *rows, const uint16_t *all,
                            char *const *errs)
{
    ckpt *c = vctx;
    size_t cap = 8, len = 8;
    for (int i = 0; i < nb; i++)
        cap += row_bytes(c->allp, (int)c->k) + (errs[i] ? strnlen(errs[i], MAX_MSG) : 0);
    uint8_t *b = malloc(cap + 32);
    if (!b)
        return zb_error(ZB_ERR_NOMEM, "out of memory");
    uint32_t magic = REC_MAGIC, cnt = (uint32_t)nb;
    memcpy(b, &magic, 4);
    memcpy(b + 4, &cnt, 4);
    for (int i = 0; i < nb; i++) {
        int64_t at = idx[i] - c->lo;
        memcpy(b + len, &idx[i], 8), len += 8;
        b[len++] = (uint8_t)rows[i].failed;
        b[len++] = (uint8_t)rows[i].best;
        memcpy(b + len, rows[i].top, sizeof rows[i].top), len += sizeof rows[i].top;
        memcpy(b + len, rows[i].prob, sizeof rows[i].prob), len += sizeof rows[i].prob;
        if (c->allp) {
            memcpy(b + len, all + (size_t)i * c->k, (size_t)c->k * 2);
            memcpy(c->all + (size_t)at * c->k, all + (size_t)i * c->k, (size_t)c->k * 2);
            len += (size_t)c->k * 2;
        }
        uint16_t ml = (uint16_t)(errs[i] ? strnlen(errs[i], MAX_MSG) : 0);
        memcpy(b + len, &ml, 2), len += 2;
        memcpy(b + len, errs[i] ? errs[i] : "", ml), len += ml;
        c->rows[at] = rows[i];
        free(c->errs[at]);
        c->errs[at] = errs[i] ? strndup(errs[i], MAX_MSG) : NULL;
        if (!c->have[at])
            c->have[at] = 1, c->have_n++;
    }
    zb_sha256_buf(b, len, b + len);
    len += 32;
    zb_status st = ZB_OK;
    if (fwrite(b, 1, len, c->f) != len || fflush(c->f) || fdatasync(fileno(c->f)))
        st = zb_error(ZB_ERR_IO, "%s: write failed: %s", c->path, strerror(errno));
    free(b);
    c->done_session += nb;
    if (c->o->progress)
        c->o->progress(c->o->ctx, c->have_n, c->n);
    return st;
}

/* Reads the records after the header; keeps the valid prefix, returns its end offset. */
static long ckpt_load(ckpt *c, FILE *f, long off)
{
    size_t rb = row_bytes(c->allp, (int)c->k);
    for (;;) {
        uint32_t hdr[2];
        if (fseek(f, off, SEEK_SET) || fread(hdr, 4, 2, f) != 2 || hdr[0] != REC_MAGIC || hdr[1] == 0 ||
            hdr[1] > 4096) /* records hold one batch: at most 4096 images */
            return off;
        /* first pass: size */
        size_t len = 8;
        uint8_t *b = malloc(8 + (size_t)hdr[1] * (rb + MAX_MSG) + 32);
        if (!b)
            return off;
        memcpy(b, hdr, 8);
        int okrec = 1;
        for (uint32_t i = 0; okrec && i < hdr[1]; i++) {
            if (fread(b + len, 1, rb - 2, f) != rb - 2) {
                okrec = 0;
                break;
            }
            len += rb - 2;
            uint16_t ml;
            if (fread(&ml, 2, 1, f) != 1 || ml > MAX_MSG) {
                okrec = 0;
                break;
            }
            memcpy(b + len, &ml, 2), len += 2;
            if (ml && fread(b + len, 1, ml, f) != ml) {
                okrec = 0;
                break;
            }
            len += ml;
        }
        uint8_t sum[32], want[32];
        if (okrec && fread(want, 1, 32, f) == 32) {
            zb_sha256_buf(b, len, sum);
            okrec = !memcmp(sum, want, 32);
        } else {
            okrec = 0;
        }
        /* second pass: apply, checking every index */
        size_t p = 8;
        for (uint32_t i = 0; okrec && i < hdr[1]; i++) {
            int64_t idx;
            memcpy(&idx, b + p, 8), p += 8;
            int64_t at = idx - c->lo;
            if (at < 0 || at >= c->n) {
                okrec = 0;
                break;
            }
            zb_pred_row *r = &c->rows[at];
            r->failed = b[p++];
            r->best = b[p++] % ZB_TOPK;
            memcpy(r->top, b + p, sizeof r->top), p += sizeof r->top;
            memcpy(r->prob, b + p, sizeof r->prob), p += sizeof r->prob;
            if (c->allp) {
                memcpy(c->all + (size_t)at * c->k, b + p, (size_t)c->k * 2);
                p += (size_t)c->k * 2;
            }
            uint16_t ml;
            memcpy(&ml, b + p, 2), p += 2;
            free(c->errs[at]);
            c->errs[at] = ml ? strndup((const char *)b + p, ml) : NULL;
            p += ml;
            if (!c->have[at])
                c->have[at] = 1, c->have_n++;
        }
        free(b);
        if (!okrec)
            return off;
        off = ftell(f);
    }
}

static void ckpt_free(ckpt *c)
{
    if (c->f)
        fclose(c->f);
    if (c->errs)
        for (int64_t i = 0; i < c->n; i++)
            free(c->errs[i]);
    free(c->errs);
    free(c->rows);
    free(c->all);
    free(c->have);
}

zb_status zb_predict_run(const zb_dataset *d, const zb_predict_opts *o, zb_predict_result *res)
{
    memset(res, 0, sizeof *res);
    const zb_model_info *m = zb_model_find(o->model);
    if (!m)
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", o->model);
    char sfx[64];
    shard_suffix(o, sfx, sizeof sfx);
    zb_status st = zb_predict_base(o->model, o->outdir, res->base, sizeof res->base, res->platform);
    if (st != ZB_OK)
        return st;
    int64_t lo, hi;
    zb_predict_range(d->n, o->shard_k, o->shard_n, &lo, &hi);
    res->lo = lo, res->hi = hi;
    ckpt c = {.lo = lo, .n = hi - lo, .k = m->num_classes, .allp = o->save_all_probs, .o = o};
    size_t n1 = (size_t)(c.n ? c.n : 1);
    c.rows = calloc(n1, sizeof *c.rows);
    c.errs = calloc(n1, sizeof *c.errs);
    c.have = calloc(n1, 1);
    c.all = o->save_all_probs ? calloc(n1 * (size_t)c.k, 2) : NULL;
    char head[2048];
    int64_t *todo = NULL;
    if (!c.rows || !c.errs || !c.have || (o->save_all_probs && !c.all)) {
        st = zb_error(ZB_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = header(d, o, lo, hi, head, sizeof head)) != ZB_OK)
        goto done;
    /* "<outdir>/.<model>_<platform>_imagenet<sfx>.ckpt" */
    {
        const char *slash = strrchr(res->base, '/');
        snprintf(c.path, sizeof c.path, "%.*s/.%.*s%s.ckpt", (int)(slash - res->base), res->base,
                 (int)strlen(slash + 1) - 1, slash + 1, sfx);
    }
    FILE *f = fopen(c.path, "r+b");
    long keep = (long)strlen(head);
    if (f) {
        char *got = calloc(1, sizeof head);
        size_t g = got ? fread(got, 1, strlen(head), f) : 0;
        if (!got) {
            fclose(f);
            st = zb_error(ZB_ERR_NOMEM, "out of memory");
            goto done;
        }
        if (g >= strlen(CKPT_MAGIC) && !memcmp(got, CKPT_MAGIC, strlen(CKPT_MAGIC)) &&
            (g != strlen(head) || memcmp(got, head, g))) {
            st = zb_error(ZB_ERR_ARG,
                          "%s: this checkpoint was started with %s; refusing to resume (remove it to start over, "
                          "or use another -o)",
                          c.path, what_differs(head, got));
            free(got);
            fclose(f);
            goto done;
        }
        int header_ok = g == strlen(head) && !memcmp(got, head, g);
        free(got);
        if (header_ok) {
            keep = ckpt_load(&c, f, keep);
            fclose(f);
            if (truncate(c.path, keep)) {
                st = zb_error(ZB_ERR_IO, "%s: %s", c.path, strerror(errno));
                goto done;
            }
            c.f = fopen(c.path, "ab");
        } else {
            fclose(f); /* torn header: start over */
        }
    }
    if (!c.f) {
        c.have_n = 0;
        memset(c.have, 0, n1);
        c.f = fopen(c.path, "wb");
        if (!c.f || fwrite(head, 1, strlen(head), c.f) != strlen(head) || fflush(c.f) || fsync(fileno(c.f))) {
            st = zb_error(ZB_ERR_IO, "%s: %s", c.path, strerror(errno));
            goto done;
        }
        fsync_dir(c.path);
    }
    res->resumed = c.have_n;
    todo = malloc(n1 * sizeof *todo);
    if (!todo) {
        st = zb_error(ZB_ERR_NOMEM, "out of memory");
        goto done;
    }
    int64_t nt = 0;
    for (int64_t i = 0; i < c.n; i++)
        if (!c.have[i])
            todo[nt++] = lo + i;
    if (o->progress)
        o->progress(o->ctx, c.have_n, c.n);
    double t0 = now();
    if (nt > 0 && (st = compute(d, o, todo, nt, ckpt_batch, &c)) != ZB_OK)
        goto done;
    res->seconds = now() - t0;
    fclose(c.f);
    c.f = NULL;
    if ((st = zb_predict_write(d, o, lo, hi, c.rows, c.all, c.errs, res)) != ZB_OK)
        goto done;
    res->resumed = c.n - nt;
    unlink(c.path);
    fsync_dir(c.path);
done:
    free(todo);
    ckpt_free(&c);
    return st;
}

/* ---- merge ------------------------------------------------------------------ */

static zb_status merge_npy(const char *base, const char *kind, int nshards, int *found)
{
    char path[700];
    zb_npy **parts = calloc((size_t)nshards, sizeof *parts);
    if (!parts)
        return zb_error(ZB_ERR_NOMEM, "out of memory");
    zb_status st = ZB_OK;
    int present = 0;
    for (int s = 0; s < nshards; s++) {
        snprintf(path, sizeof path, "%s%s.shard-%d-of-%d.npy", base, kind, s, nshards);
        if (access(path, F_OK) != 0)
            continue;
        present++;
        if ((st = zb_npy_load(path, &parts[s])) != ZB_OK)
            goto done;
    }
    *found = present;
    if (present == 0)
        goto done;
    if (present != nshards) {
        for (int s = 0; s < nshards; s++)
            if (!parts[s]) {
                snprintf(path, sizeof path, "%s%s.shard-%d-of-%d.npy", base, kind, s, nshards);
                st = zb_error(ZB_ERR_IO, "%s: missing (shard %d has not finished?)", path, s);
                goto done;
            }
    }
    int64_t rows = 0;
    for (int s = 0; s < nshards; s++) {
        zb_npy *p = parts[s];
        if (p->dtype != parts[0]->dtype || p->ndim != parts[0]->ndim ||
            (p->ndim == 2 && p->shape[1] != parts[0]->shape[1])) {
            snprintf(path, sizeof path, "%s%s.shard-%d-of-%d.npy", base, kind, s, nshards);
            st = zb_error(ZB_ERR_SHAPE, "%s: dtype or shape differs from shard 0", path);
            goto done;
        }
        rows += p->shape[0];
    }
    int64_t shape[2] = {rows, parts[0]->ndim == 2 ? parts[0]->shape[1] : 0};
    zb_npy *out = zb_npy_new(parts[0]->dtype, parts[0]->ndim, shape);
    if (!out) {
        st = zb_error(ZB_ERR_NOMEM, "out of memory");
        goto done;
    }
    size_t off = 0, es = zb_dtype_size(out->dtype);
    for (int s = 0; s < nshards; s++) {
        memcpy((char *)out->data + off, parts[s]->data, (size_t)parts[s]->count * es);
        off += (size_t)parts[s]->count * es;
    }
    snprintf(path, sizeof path, "%s%s.npy", base, kind);
    st = zb_npy_save(path, out);
    zb_npy_free(out);
done:
    for (int s = 0; s < nshards; s++)
        zb_npy_free(parts[s]);
    free(parts);
    return st;
}

zb_status zb_predict_merge(const char *base, int nshards)
{
    if (nshards < 1)
        return zb_error(ZB_ERR_ARG, "merge: shard count must be at least 1");
    static const char *const kinds[] = {"top5preds", "top5probs", "probs", "labels"};
    zb_status st = ZB_OK;
    int any = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && st == ZB_OK; i++) {
        int found = 0;
        st = merge_npy(base, kinds[i], nshards, &found);
        if (i == 0 && st == ZB_OK && !found)
            return zb_error(ZB_ERR_IO, "%stop5preds.shard-0-of-%d.npy: no shard files", base, nshards);
        any |= found;
    }
    if (st != ZB_OK)
        return st;
    /* errors: concatenation of the shards' lists, in shard order */
    char path[700];
    char *text = NULL;
    size_t len = 0;
    for (int s = 0; s < nshards && st == ZB_OK; s++) {
        snprintf(path, sizeof path, "%serrors.shard-%d-of-%d.txt", base, s, nshards);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        char buf[65536];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
            char *nt = realloc(text, len + got);
            if (!nt) {
                st = zb_error(ZB_ERR_NOMEM, "out of memory");
                break;
            }
            text = nt;
            memcpy(text + len, buf, got);
            len += got;
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "%serrors.txt", base);
    if (st == ZB_OK && len)
        st = save_text(path, text, len);
    else if (st == ZB_OK)
        unlink(path);
    free(text);
    (void)any;
    return st;
}
