/* Parameter/MAC counts from a graph and timed runs on random weights. */
#include "bench/bench.h"

#include <stdlib.h>
#include <time.h>

#include "core/engine.h"
#include "core/status.h"
#include "models/registry.h"

void zb_bench_count(const zb_graph *g, int64_t *params, int64_t *macs)
{
    int64_t p = 0, m = 0;
    for (int i = 0; i < zb_graph_node_count(g); i++) {
        const zb_node *x = zb_graph_node(g, i);
        /* batchnorm declares running mean and variance first (src/ops/batchnorm.c): buffers, not parameters */
        for (int k = x->op == ZB_OP_BATCHNORM ? 2 : 0; k < x->n_wt; k++) {
            int64_t e = 1;
            for (int d = 0; d < x->wt[k].ndim; d++)
                e *= x->wt[k].shape[d];
            p += e;
        }
        if (x->op == ZB_OP_CONV2D) {
            const zb_conv_spec *s = &x->p.conv;
            int groups = s->groups ? s->groups : 1;
            int cin = x->in[0]->c;
            m += (int64_t)x->c * s->kh * s->kw * (cin / groups) * x->h * x->w;
        } else if (x->op == ZB_OP_DENSE) {
            const zb_node *in = x->in[0];
            m += (int64_t)in->h * in->w * in->c * x->c;
        }
    }
    *params = p;
    *macs = m;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double zb_bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

zb_status zb_bench_model(const char *model, const zb_bench_opts *o, zb_bench_result *r)
{
    const zb_model_info *info = zb_model_find(model);
    if (!info)
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", model);
    if (o->batch < 1 || o->threads < 1 || o->iters < 1 || o->warmup < 0)
        return zb_error(ZB_ERR_ARG, "%s: batch, threads and iters must be >= 1", model);
    int size = o->size ? o->size : info->input_size;
    if (size < info->min_size)
        return zb_error(ZB_ERR_ARG, "%s: input size %d is below the model's minimum %d", model, size, info->min_size);

    zb_graph *g = NULL;
    zb_wmap *w = NULL;
    float *x = NULL, *y = NULL;
    double *t = NULL;
    zb_status st = zb_model_build(model, size, size, &g);
    if (st == ZB_OK)
        st = zb_graph_random_weights(g, o->seed, &w);
    if (st == ZB_OK)
        st = zb_graph_prepare(g, w, NULL);
    zb_wmap_free(w);
    if (st != ZB_OK)
        goto done;
    zb_graph_set_threads(g, o->threads);

    const zb_node *out = zb_graph_output(g);
    size_t nin = (size_t)o->batch * size * size * 3;        /* (batch, size, size, 3) NHWC */
    size_t nout = (size_t)o->batch * out->h * out->w * out->c;  /* (batch, classes) */
    x = malloc(nin * sizeof *x);
    y = malloc(nout * sizeof *y);
    t = malloc((size_t)o->iters * sizeof *t);
    if (!x || !y || !t) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory for a batch of %d", model, o->batch);
        goto done;
    }
    uint64_t s = o->seed * 6364136223846793005ull + 1442695040888963407ull;
    for (size_t i = 0; i < nin; i++) {  /* uniform in [-2, 2), about a normalized image's range */
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (float)((double)(s >> 40) / (double)(1ull << 24) * 4.0 - 2.0);
    }
    for (int i = 0; i < o->warmup && st == ZB_OK; i++)
        st = zb_graph_run(g, x, o->batch, y);
    if (st == ZB_OK && o->profile)
        st = zb_graph_set_profile(g, 1);
    for (int i = 0; i < o->iters && st == ZB_OK; i++) {
        double t0 = now_s();
        st = zb_graph_run(g, x, o->batch, y);
        t[i] = now_s() - t0;
    }
    if (st == ZB_OK && o->profile)
        st = zb_graph_profile_write(g, o->profile, o->profile_nodes);
    if (st != ZB_OK)
        goto done;

    *r = (zb_bench_result){.model = info->name, .size = size, .batch = o->batch, .threads = o->threads,
                           .iters = o->iters};
    zb_bench_count(g, &r->params, &r->macs);
    double med = zb_bench_median(t, o->iters);
    r->ms_median = 1e3 * med;
    r->ms_min = 1e3 * t[0];
    r->ms_max = 1e3 * t[o->iters - 1];
    r->img_per_s = med > 0 ? o->batch / med : 0;
    r->gflop_per_s = med > 0 ? 2e-9 * (double)r->macs * o->batch / med : 0;
    const int chunk = zb_graph_batch_chunk(g);   /* a larger batch runs in passes of chunk images */
    r->arena_bytes = zb_graph_arena_bytes_per_image(g) * (size_t)(chunk > 0 && o->batch > chunk ? chunk : o->batch);
done:
    free(x);
    free(y);
    free(t);
    zb_graph_free(g);
    return st;
}
