/* Prepare (bind, check, pack, fuse, plan) and run. */
#include "core/engine.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bigalloc.h"
#include "core/graph_internal.h"
#include "core/status.h"
#include "ops/ops.h"

enum { RUN_MAX_IN = 4 };    /* inputs of a computed node other than a concat (add: 2) */

/* ---- binding weights by key ---------------------------------------------- */

typedef struct keyref {
    const char *key;  /* canonical key */
    int index;        /* entry in the weight map */
} keyref;

static int keyref_cmp(const void *a, const void *b) { return strcmp(((const keyref *)a)->key, ((const keyref *)b)->key); }

static void shape_str(char *buf, size_t len, int ndim, const int64_t *shape)
{
    size_t o = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, i ? ", %lld" : "%lld", (long long)shape[i]);
    if (o < len)
        snprintf(buf + o, len - o, ndim == 1 ? ",)" : ")");
}

static int ignored(const zb_graph *g, const char *key)
{
    size_t n = strlen(key);
    for (int i = 0; i < g->n_ignore_prefix; i++)
        if (!strncmp(key, g->ignore_prefix[i], strlen(g->ignore_prefix[i])))
            return 1;
    for (int i = 0; i < g->n_ignore_suffix; i++) {
        size_t m = strlen(g->ignore_suffix[i]);
        if (n >= m && !strcmp(key + n - m, g->ignore_suffix[i]))
            return 1;
    }
    return 0;
}

static zb_status bind_weights(zb_graph *g, const zb_wmap *w)
{
    zb_status st = ZB_OK;
    int nk = w->n;
    keyref *refs = calloc((size_t)(nk ? nk : 1), sizeof *refs);
    char *names = calloc((size_t)(nk ? nk : 1), ZB_KEY_MAX);
    unsigned char *used = calloc((size_t)(nk ? nk : 1), 1);
    if (!refs || !names || !used) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory binding weights", g->model);
        goto done;
    }
    for (int i = 0; i < nk; i++) {
        char *canon = names + (size_t)i * ZB_KEY_MAX;
        if (!(g->rename && g->rename(w->items[i].name, canon)))
            snprintf(canon, ZB_KEY_MAX, "%s", w->items[i].name);
        refs[i] = (keyref){canon, i};
    }
    qsort(refs, (size_t)nk, sizeof *refs, keyref_cmp);
    for (int i = 1; i < nk; i++)
        if (!strcmp(refs[i].key, refs[i - 1].key)) {
            st = zb_error(ZB_ERR_FORMAT, "%s: checkpoint has key '%s' twice (as '%s' and '%s')", g->model,
                          refs[i].key, w->items[refs[i - 1].index].name, w->items[refs[i].index].name);
            goto done;
        }
    int missing = 0;
    const zb_wreq *first_missing = NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        zb_node *x = g->nodes[i];
        for (int j = 0; j < x->n_wt; j++) {
            zb_wreq *r = &x->wt[j];
            keyref probe = {r->key, 0};
            keyref *hit = bsearch(&probe, refs, (size_t)nk, sizeof *refs, keyref_cmp);
            if (!hit) {
                if (!missing++)
                    first_missing = r;
                continue;
            }
            const zb_weight *t = &w->items[hit->index];
            int same = t->ndim == r->ndim;
            for (int d = 0; same && d < r->ndim; d++)
                same = t->shape[d] == r->shape[d];
            if (!same) {
                char a[128], b[128];
                shape_str(a, sizeof a, t->ndim, t->shape);
                shape_str(b, sizeof b, r->ndim, r->shape);
                st = zb_error(ZB_ERR_SHAPE, "%s: key '%s': checkpoint has %s, model expects %s", g->model, r->key,
                              a, b);
                goto done;
            }
            used[hit->index] = 1;
            r->data = t->data;
        }
    }
    if (missing) {
        char b[128], more[64] = "";
        shape_str(b, sizeof b, first_missing->ndim, first_missing->shape);
        if (missing > 1)
            snprintf(more, sizeof more, " and %d more", missing - 1);
        st = zb_error(ZB_ERR_FORMAT, "%s: checkpoint lacks key '%s' (model expects %s)%s", g->model,
                      first_missing->key, b, more);
        goto done;
    }
    int unexpected = 0, first_unexpected = -1;
    for (int i = 0; i < nk; i++)
        if (!used[i] && !ignored(g, names + (size_t)i * ZB_KEY_MAX) && !unexpected++)
            first_unexpected = i;
    if (unexpected) {
        const zb_weight *t = &w->items[first_unexpected];
        char a[128];
        shape_str(a, sizeof a, t->ndim, t->shape);
        char more[64] = "";
        if (unexpected > 1)
            snprintf(more, sizeof more, " and %d more", unexpected - 1);
        st = zb_error(ZB_ERR_FORMAT, "%s: unexpected key '%s' %s in checkpoint%s", g->model, t->name, a, more);
        goto done;
    }
done:
    free(refs);
    free(names);
    free(used);
    return st;
}

/* ---- fusion ---------------------------------------------------------------- */

static void count_uses(zb_graph *g, zb_node **consumer)
{
    for (int i = 0; i < g->n_nodes; i++)
        g->nodes[i]->n_uses = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        zb_node *x = g->nodes[i];
        for (int k = 0; k < x->n_in; k++) {
            x->in[k]->n_uses++;
            consumer[x->in[k]->id] = x;
        }
    }
    /* the caller reads the output: it counts as a use with no consumer node */
    zb_graph_output(g)->n_uses++;
    consumer[zb_graph_output(g)->id] = NULL;
}

/* conv/dense -> batchnorm -> relu: the batchnorm becomes the producer's
 * epilogue (scale, shift applied to the finished sum, as torch does after the
 * conv) and the relu its activation.  Weights are not rescaled, which would
 * change rounding.  Only when each intermediate result feeds nothing else. */
static void fuse(zb_graph *g, zb_node **consumer)
{
    for (int i = 0; i < g->n_nodes; i++) {
        zb_node *x = g->nodes[i], *cur = x;
        if (x->fused)
            continue;
        if ((x->op == ZB_OP_CONV2D || x->op == ZB_OP_DENSE) && cur->n_uses == 1 && consumer[cur->id] &&
            consumer[cur->id]->op == ZB_OP_BATCHNORM) {
            zb_node *bn = consumer[cur->id];
            x->k.scale = bn->k.scale, bn->k.scale = NULL;
            x->k.shift = bn->k.shift, bn->k.shift = NULL;
            bn->fused = 1;
            bn->alias = cur;
            cur = bn;
        }
        int can_act = x->op == ZB_OP_CONV2D || x->op == ZB_OP_DENSE || x->op == ZB_OP_BATCHNORM ||
                      x->op == ZB_OP_AFFINE || x->op == ZB_OP_ADD;
        if (can_act && x->k.act == ZB_ACT_NONE && cur->n_uses == 1 && consumer[cur->id] &&
            (consumer[cur->id]->op == ZB_OP_RELU || consumer[cur->id]->op == ZB_OP_RELU6)) {
            zb_node *r = consumer[cur->id];
            x->k.act = r->op == ZB_OP_RELU ? ZB_ACT_RELU : ZB_ACT_RELU6;
            r->fused = 1;
            r->alias = cur;
        }
    }
}

/* conv (+bn) -> add (+relu), resnet's block end: the add becomes the
 * convolution's residual input (zb_kdesc.res), added after the affine and
 * before the add's activation by the same zb_ew_add call, operands in the
 * same order, so the same bits.  Only where the conv kernel supports it
 * (ZB_KF_RES), the conv's result feeds the add alone (through fused nodes),
 * and the residual is computed before the conv (its buffer then stays live
 * until the conv has run: it is the conv's input 1 in the memory plan). */
static void fuse_residual(zb_graph *g, zb_node **consumer)
{
    for (int i = 0; i < g->n_nodes; i++) {
        zb_node *add = g->nodes[i];
        if (add->op != ZB_OP_ADD || add->fused || add->n_in != 2 || add->k.bias || add->k.scale)
            continue;
        for (int j = 0; j < 2; j++) {
            zb_node *t = add->in[j], *r = add->in[1 - j], *cv = zb_storage(t);
            int chain = t->n_uses == 1 && consumer[t->id] == add;
            for (const zb_node *u = t; chain && u->alias; u = u->alias)
                chain = u->fused;
            if (!chain || cv->op != ZB_OP_CONV2D || cv->fused || cv->n_in != 1 || cv->k.act != ZB_ACT_NONE ||
                cv->k.res || !cv->k.kern || !(cv->k.kern->flags & ZB_KF_RES) || r->id >= cv->id ||
                zb_storage(r) == cv)
                continue;
            zb_node **in = realloc(cv->in, 2 * sizeof *in);
            if (!in)
                return;   /* not fused: runs unfused, same bits */
            cv->in = in;
            cv->in[1] = r;
            cv->n_in = 2;
            cv->k.res = j == 0 ? 1 : 2;   /* add: in[0] + alpha * in[1] */
            cv->k.alpha = add->k.alpha;
            cv->k.act = add->k.act;
            add->fused = 1;
            add->alias = t;
            break;
        }
    }
}

/* A zero-pad read only by a convolution becomes that convolution's padding
 * (keras' ZeroPadding2D before a 'valid' conv: mobilenet, resnet50).  Exact:
 * the conv kernels skip padding taps or multiply zeros, and a tap of value
 * 0 changes no sum (a sum from +0.0f is never -0.0f, and weights are
 * finite).  Runs before the ops' prepare, which packs for the geometry. */
static void fold_zeropad(zb_graph *g, zb_node **consumer)
{
    for (int i = 0; i < g->n_nodes; i++) {
        zb_node *pad = g->nodes[i], *cv = consumer[pad->id];
        if (pad->op != ZB_OP_ZEROPAD || pad->n_uses != 1 || !cv || cv->op != ZB_OP_CONV2D)
            continue;
        cv->in[0] = pad->in[0];
        cv->p.conv.pt += pad->p.pad.t, cv->p.conv.pb += pad->p.pad.b;
        cv->p.conv.pl += pad->p.pad.l, cv->p.conv.pr += pad->p.pad.r;
        pad->n_in = 0;          /* dead: computes nothing, reads nothing */
        pad->fused = 1;
        pad->alias = cv->in[0];
    }
}

/* Images per pass through the graph when a batch is larger (0: the whole
 * batch).  Every image's bits are independent of the batch it runs in, so
 * a batch may run in chunks; small chunks keep each layer's activations in
 * cache, which beats the larger GEMMs of a whole batch of 32 on every conv
 * net measured (docs/engine.md, "Batches in passes").  A node with more
 * than CHUNK_MAX_WEIGHTS of weights (alexnet's and vgg's dense layers)
 * wants the whole batch to read them once, so such graphs are not chunked.
 * ZB_BATCH_CHUNK=N overrides (0: never chunk). */
enum { BATCH_CHUNK = 8 };
#define CHUNK_MAX_WEIGHTS (32.0 * 1024 * 1024)

static int batch_chunk(const zb_graph *g)
{
    const char *env = getenv("ZB_BATCH_CHUNK");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (!*end && v >= 0 && v <= INT_MAX)
            return (int)v;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        double bytes = 0;
        for (int j = 0; j < g->nodes[i]->n_wt; j++) {
            const zb_wreq *r = &g->nodes[i]->wt[j];
            double e = sizeof(float);
            for (int d = 0; d < r->ndim; d++)
                e *= (double)r->shape[d];
            bytes += e;
        }
        if (bytes > CHUNK_MAX_WEIGHTS)
            return 0;
    }
    return BATCH_CHUNK;
}

zb_status zb_graph_prepare(zb_graph *g, const zb_wmap *w, const zb_prepare_opts *opts)
{
    if (zb_graph_status(g) != ZB_OK)
        return g ? g->status : ZB_ERR_NOMEM;
    if (g->prepared)
        return zb_error(ZB_ERR_ARG, "%s: already prepared", g->model);
    if (!g->n_nodes || g->nodes[0]->op != ZB_OP_INPUT)
        return zb_error(ZB_ERR_ARG, "%s: graph has no input", g->model);
    zb_status st = bind_weights(g, w);
    if (st != ZB_OK)
        return st;
    zb_node **consumer = calloc((size_t)g->n_nodes + 1, sizeof *consumer);
    if (!consumer)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", g->model);
    if (!(opts && opts->no_fuse)) {
        count_uses(g, consumer);
        fold_zeropad(g, consumer);
    }
    for (int i = 0; i < g->n_nodes && st == ZB_OK; i++) {
        zb_node *x = g->nodes[i];
        if (zb_op_defs[x->op].prepare)
            st = zb_op_defs[x->op].prepare(g, x);
        if (x->op == ZB_OP_FLATTEN)
            x->alias = x->in[0];
    }
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_wt; j++)
            g->nodes[i]->wt[j].data = NULL;
    if (st != ZB_OK) {
        free(consumer);
        return st;
    }
    count_uses(g, consumer);
    if (!(opts && opts->no_fuse)) {
        fuse(g, consumer);
        fuse_residual(g, consumer);
    }
    free(consumer);
    st = zb_place_concats(g, !(opts && opts->no_fuse));
    for (int i = 0; i < g->n_nodes && st == ZB_OK; i++)
        if (g->nodes[i]->op != ZB_OP_CONCAT && g->nodes[i]->n_in > RUN_MAX_IN)
            st = zb_error(ZB_ERR_ARG, "%s: %s has %d inputs", g->model, g->nodes[i]->name, g->nodes[i]->n_in);
    for (int i = 0; i < g->n_nodes && st == ZB_OK; i++) {
        zb_node *x = g->nodes[i];
        if (!x->fused && x->k.kern && x->k.kern->finish)
            st = x->k.kern->finish(&x->k);
    }
    if (st != ZB_OK)
        return st;
    g->plain = opts && opts->no_fuse;
    g->chunk = batch_chunk(g);
    st = zb_plan_memory(g);
    if (st == ZB_OK)
        g->prepared = 1;
    return st;
}

/* ---- run ------------------------------------------------------------------- */

void zb_graph_set_threads(zb_graph *g, int nthreads) { g->nthreads = nthreads < 1 ? 1 : nthreads; }

size_t zb_graph_arena_bytes_per_image(const zb_graph *g) { return g->arena_per_image * sizeof(float); }

typedef struct rows_job {
    const zb_kdesc *d;
    const float *const *xs;
    float *y;
    int64_t rows, per;
} rows_job;

static void rows_tile(void *ctx, int64_t t)
{
    const rows_job *j = ctx;
    const int64_t r0 = t * j->per, r1 = r0 + j->per < j->rows ? r0 + j->per : j->rows;
    j->d->kern->run(j->d, j->xs, j->y, r0, r1);
}

/* Rows per tile when the engine splits `rows` rows over the pool. */
static int64_t rows_per_tile(const zb_graph *g, int64_t rows)
{
    const int nt = zb_threadpool_size(g->pool);
    const int64_t want = rows < 4 * nt ? rows : 4 * nt;
    return want > 0 ? (rows + want - 1) / want : 1;
}

/* Runs rows [0, rows) of one node.  The thread pool splits this range into
 * tiles of output rows (or the kernel its own output tiles); a reduction is
 * never split, and a row's bits do not depend on its tile. */
static void run_rows(const zb_graph *g, const zb_kdesc *d, const float *const *xs, float *y, int64_t rows)
{
    if (d->kern->run_pool) {
        d->kern->run_pool(d, g->pool, xs, y, rows);
        return;
    }
    if (zb_threadpool_size(g->pool) == 1 || rows < 2) {
        d->kern->run(d, xs, y, 0, rows);
        return;
    }
    rows_job j = {d, xs, y, rows, rows_per_tile(g, rows)};
    zb_parallel_for(g->pool, (rows + j.per - 1) / j.per, rows_tile, &j);
}

/* Where a node's output is at batch size n: its pointer and pixel stride. */
typedef struct view {
    float *p;
    int64_t ld;
} view;

static view view_of(const zb_graph *g, zb_node *x, const float *input, size_t n)
{
    const zb_node *s = zb_storage(x);
    if (s->op == ZB_OP_INPUT)
        return (view){(float *)input, s->c};
    if (s->root)
        return (view){g->arena + s->root->offset * n + s->choff, s->ld};
    return (view){g->arena + s->offset * n, s->c};
}

/* Copies of whole pixels' channel runs: a concat's inputs that were not
 * computed in place, or a scattered node into its place. */
typedef struct copy_job {
    const zb_graph *g;
    zb_node *nd;            /* the concat, or the scattered node */
    const float *input;     /* the graph input */
    size_t n;
    int64_t rows, per;
} copy_job;

static void copy_pixels(float *y, int64_t ldy, const float *x, int64_t ldx, int c, int64_t p0, int64_t p1)
{
    for (int64_t p = p0; p < p1; p++)
        memcpy(y + p * ldy, x + p * ldx, (size_t)c * sizeof *y);
}

static void copy_tile(void *ctx, int64_t t)
{
    const copy_job *j = ctx;
    zb_node *nd = j->nd;
    const int64_t r0 = t * j->per, r1 = r0 + j->per < j->rows ? r0 + j->per : j->rows;
    const int64_t p0 = r0 * nd->w, p1 = r1 * nd->w;
    const view y = view_of(j->g, nd, j->input, j->n);
    if (nd->op != ZB_OP_CONCAT) {   /* scatter: own block -> place */
        copy_pixels(y.p, y.ld, j->g->arena + nd->offset * j->n, nd->c, nd->c, p0, p1);
        return;
    }
    int off = 0;
    for (int k = 0; k < nd->n_in; k++) {
        if (nd->cat_copy[k]) {
            const view x = view_of(j->g, nd->in[k], j->input, j->n);
            copy_pixels(y.p + off, y.ld, x.p, x.ld, nd->in[k]->c, p0, p1);
        }
        off += nd->in[k]->c;
    }
}

static void run_copy(const zb_graph *g, zb_node *nd, const float *input, size_t n)
{
    copy_job j = {g, nd, input, n, (int64_t)n * nd->h, 0};
    j.per = rows_per_tile(g, j.rows);
    zb_parallel_for(g->pool, (j.rows + j.per - 1) / j.per, copy_tile, &j);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Every computed node for a batch of n images whose input is x; the output
 * node's values go to y. */
static void run_batch(zb_graph *g, const float *x, int n, float *y)
{
    const float *xs[RUN_MAX_IN];
    const size_t nn = (size_t)n;
    const int prof = g->profile && g->prof_s;
    for (int i = 0; i < g->n_nodes; i++) {
        zb_node *nd = g->nodes[i];
        if (nd->op == ZB_OP_INPUT || nd->alias || (nd->op == ZB_OP_CONCAT && !nd->cat_run))
            continue;   /* nothing to compute, or a view */
        const double t0 = prof ? now_s() : 0;
        if (nd->op == ZB_OP_CONCAT) {
            run_copy(g, nd, x, nn);
        } else {
            for (int k = 0; k < nd->n_in; k++)
                xs[k] = view_of(g, nd->in[k], x, nn).p;
            float *out = nd->root && !nd->scatter ? view_of(g, nd, x, nn).p : g->arena + nd->offset * nn;
            run_rows(g, &nd->k, xs, out, (int64_t)n * nd->k.oh);
            if (nd->scatter)
                run_copy(g, nd, x, nn);
        }
        if (prof)
            g->prof_s[i] += now_s() - t0;
    }
    zb_node *out = zb_graph_output(g);
    memcpy(y, view_of(g, out, x, nn).p, nn * out->h * out->w * out->c * sizeof *y);
}

zb_status zb_graph_run(zb_graph *g, const float *x, int n, float *y)
{
    if (!g->prepared)
        return zb_error(ZB_ERR_ARG, "%s: run before prepare", g->model);
    if (n < 1)
        return zb_error(ZB_ERR_ARG, "%s: batch size %d", g->model, n);
    const int per = g->chunk > 0 && n > g->chunk ? g->chunk : n;   /* images per pass */
    if (g->arena_per_image > SIZE_MAX / sizeof(float) / (size_t)per)
        return zb_error(ZB_ERR_LIMIT, "%s: batch of %d needs too much memory", g->model, per);
    size_t need = g->arena_per_image * (size_t)per;
    if (need > g->arena_cap) {
        free(g->arena);
        g->arena = NULL;
        g->arena_cap = 0;
        size_t bytes = (need * sizeof(float) + 63) & ~(size_t)63;
        float *a = zb_big_alloc(bytes);
        if (!a)
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory for a batch of %d (%zu MB of activations)", g->model,
                            per, bytes >> 20);
        g->arena = a;
        g->arena_cap = need;
    }
    if (zb_threadpool_size(g->pool) != g->nthreads) {
        zb_threadpool_free(g->pool);
        g->pool = NULL;
        if (g->nthreads > 1) {
            zb_status st = zb_threadpool_create(g->nthreads, &g->pool);
            if (st != ZB_OK)
                return st;
        }
    }
    const zb_node *in = g->nodes[0], *out = zb_graph_output(g);
    const size_t in_len = (size_t)in->h * in->w * in->c, out_len = (size_t)out->h * out->w * out->c;
    for (int i0 = 0; i0 < n; i0 += per) {
        const int c = n - i0 < per ? n - i0 : per;
        run_batch(g, x + (size_t)i0 * in_len, c, y + (size_t)i0 * out_len);
    }
    g->prof_runs += g->profile && g->prof_s;
    return ZB_OK;
}

int zb_graph_batch_chunk(const zb_graph *g) { return g->chunk; }

/* ---- random weights --------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* uniform in [lo, hi) */
static float uniform(uint64_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)((double)(splitmix64(s) >> 40) / (double)(1u << 24));
}

zb_status zb_graph_random_weights(const zb_graph *g, uint64_t seed, zb_wmap **out)
{
    *out = NULL;
    zb_wmap *m = zb_wmap_new();
    if (!m)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", g->model);
    uint64_t s = seed;
    for (int i = 0; i < g->n_nodes; i++) {
        const zb_node *x = g->nodes[i];
        for (int j = 0; j < x->n_wt; j++) {
            const zb_wreq *r = &x->wt[j];
            int64_t count = 1;
            for (int d = 0; d < r->ndim; d++)
                count *= r->shape[d];
            float *data = malloc((size_t)(count ? count : 1) * sizeof *data);
            if (!data) {
                zb_wmap_free(m);
                return zb_error(ZB_ERR_NOMEM, "%s: out of memory", g->model);
            }
            float lo = -0.1f, hi = 0.1f; /* biases, batchnorm mean and beta */
            if (x->op == ZB_OP_BATCHNORM && (j == 1 || (j == 2 && x->p.bn.gamma)))
                lo = 0.5f, hi = 1.5f; /* variance, gamma */
            else if (j == 0 && (x->op == ZB_OP_CONV2D || x->op == ZB_OP_DENSE)) {
                int fan_in = x->op == ZB_OP_DENSE ? x->in[0]->c
                                                  : x->p.conv.kh * x->p.conv.kw * (x->in[0]->c / x->p.conv.groups);
                hi = sqrtf(3.0f / (float)fan_in);
                lo = -hi;
            }
            for (int64_t k = 0; k < count; k++)
                data[k] = uniform(&s, lo, hi);
            if (zb_wmap_find(m, r->key)) { /* declared twice (shared): keep the first */
                free(data);
                continue;
            }
            zb_status st = zb_wmap_add(m, r->key, r->ndim, r->shape, data);
            if (st != ZB_OK) {
                zb_wmap_free(m);
                return st;
            }
        }
    }
    *out = m;
    return ZB_OK;
}
