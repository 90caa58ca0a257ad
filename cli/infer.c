#include "infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/weights.h"

/* One input file as NHWC float32 images. */
typedef struct input {
    int n, h, w;
    float *x;  /* (n, h, w, 3) */
} input;

static int is_npy(const char *path)
{
    unsigned char b[6];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t got = fread(b, 1, 6, f);
    fclose(f);
    return got == 6 && !memcmp(b, "\x93NUMPY", 6);
}

/* A preprocessed array: (N,3,H,W) as torch gives it, (N,H,W,3), or one image
 * without the batch axis.  NCHW is assumed when axis 1 is 3. */
static zb_status load_npy(const char *path, input *in)
{
    zb_npy *a = NULL;
    zb_status st = zb_npy_load_as(path, ZB_F32, -1, &a);
    if (st != ZB_OK)
        return st;
    int64_t s[4];
    int nchw;
    if (a->ndim == 3) {
        s[0] = 1, s[1] = a->shape[0], s[2] = a->shape[1], s[3] = a->shape[2];
    } else if (a->ndim == 4) {
        memcpy(s, a->shape, sizeof s);
    } else {
        int nd = a->ndim;
        zb_npy_free(a);
        return zb_error(ZB_ERR_SHAPE, "%s: expected an array (N, 3, H, W) or (N, H, W, 3), got %d dimensions", path,
                        nd);
    }
    if (s[1] == 3)
        nchw = 1;
    else if (s[3] == 3)
        nchw = 0;
    else {
        zb_npy_free(a);
        return zb_error(ZB_ERR_SHAPE, "%s: expected 3 channels, shape (%lld, %lld, %lld, %lld)", path,
                        (long long)s[0], (long long)s[1], (long long)s[2], (long long)s[3]);
    }
    in->n = (int)s[0];
    in->h = (int)(nchw ? s[2] : s[1]);
    in->w = (int)(nchw ? s[3] : s[2]);
    if (in->n < 1 || in->h < 1 || in->w < 1 || in->h > 65536 || in->w > 65536) {
        zb_npy_free(a);
        return zb_error(ZB_ERR_SHAPE, "%s: no images in the array", path);
    }
    float *src = a->data;
    if (!nchw) { /* already NHWC: take the buffer */
        in->x = src;
        a->data = NULL;
    } else {
        size_t hw = (size_t)in->h * in->w;
        in->x = malloc((size_t)in->n * hw * 3 * sizeof *in->x);
        if (!in->x) {
            zb_npy_free(a);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
        }
        for (int i = 0; i < in->n; i++)
            for (size_t p = 0; p < hw; p++)
                for (int c = 0; c < 3; c++)
                    in->x[((size_t)i * hw + p) * 3 + c] = src[((size_t)i * 3 + c) * hw + p];
    }
    zb_npy_free(a);
    return ZB_OK;
}

/* An image file through the model's recipe (src/image), NHWC. */
static zb_status load_image(const char *path, const char *recipe, int size, input *in)
{
    zb_recipe r;
    zb_status st = zb_recipe_preset(recipe, size, &r);
    if (st != ZB_OK)
        return st;
    in->x = malloc(zb_recipe_output_count(&r) * sizeof *in->x);
    if (!in->x)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
    st = zb_preprocess(path, &r, ZB_LAYOUT_NHWC, in->x);
    if (st != ZB_OK)
        return st;
    in->n = 1;
    in->h = in->w = r.crop;
    return ZB_OK;
}

void infer_result_free(infer_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++)
        free(r->label[i]);
    free(r->label);
    free(r->logits);
    memset(r, 0, sizeof *r);
}

zb_status infer_run(const infer_opts *o, int nfiles, char **files, infer_result *r)
{
    memset(r, 0, sizeof *r);
    const zb_model_info *m = zb_model_find(o->model);
    if (!m)
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", o->model);
    input *in = calloc((size_t)nfiles, sizeof *in);
    if (!in)
        return zb_error(ZB_ERR_NOMEM, "out of memory");
    zb_status st = ZB_OK;
    int total = 0, h = 0, w = 0;
    for (int i = 0; i < nfiles && st == ZB_OK; i++) {
        st = is_npy(files[i]) ? load_npy(files[i], &in[i])
                              : load_image(files[i], o->recipe ? o->recipe : m->recipe,
                                           o->size ? o->size : m->input_size, &in[i]);
        if (st != ZB_OK)
            break;
        if (i == 0)
            h = in[i].h, w = in[i].w;
        else if (in[i].h != h || in[i].w != w)
            st = zb_error(ZB_ERR_SHAPE, "%s: images are %dx%d, %s has %dx%d", files[i], in[i].h, in[i].w, files[0],
                          h, w);
        total += in[i].n;
    }
    zb_net *net = NULL;
    if (st == ZB_OK) {
        zb_net_opts no = {.height = h, .width = w, .nthreads = o->threads, .unwrap = o->unwrap};
        char wpath[4096]; /* -w FILE, or a model card name: its cached weights (io/weights.h) */
        st = zb_weights_resolve(o->weights, o->model, !o->no_download, wpath, sizeof wpath);
        if (st == ZB_OK)
            st = zb_net_create(o->model, wpath, &no, &net);
    }
    if (st == ZB_OK) {
        r->model = m;
        r->k = m->num_classes;
        r->logits = malloc((size_t)total * r->k * sizeof *r->logits);
        r->label = calloc((size_t)total, sizeof *r->label);
        if (!r->logits || !r->label)
            st = zb_error(ZB_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < nfiles && st == ZB_OK; i++) {
        size_t img = (size_t)h * w * 3;
        for (int j = 0; j < in[i].n && st == ZB_OK; j += o->batch) {
            int nb = in[i].n - j < o->batch ? in[i].n - j : o->batch;
            st = zb_net_run(net, in[i].x + j * img, nb, r->logits + (size_t)r->n * r->k);
            for (int t = 0; t < nb && st == ZB_OK; t++) {
                size_t len = strlen(files[i]) + 24;
                char *label = malloc(len);
                if (!label) {
                    st = zb_error(ZB_ERR_NOMEM, "out of memory");
                    break;
                }
                if (in[i].n > 1)
                    snprintf(label, len, "%s[%d]", files[i], j + t);
                else
                    snprintf(label, len, "%s", files[i]);
                r->label[r->n++] = label;
            }
        }
    }
    zb_net_free(net);
    for (int i = 0; i < nfiles; i++)
        free(in[i].x);
    free(in);
    if (st != ZB_OK)
        infer_result_free(r);
    return st;
}

void infer_list_models(void)
{
    printf("%-30s %5s  %s\n", "model", "size", "recipe");
    for (int i = 0; i < zb_model_count(); i++) {
        const zb_model_info *m = zb_model_at(i);
        printf("%-30s %5d  %s\n", m->name, m->input_size, m->recipe);
    }
}
