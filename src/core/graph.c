/* Graph building: node allocation, shapes, first-error bookkeeping. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/graph_internal.h"
#include "core/status.h"

zb_graph *zb_graph_new(const char *model)
{
    zb_graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    snprintf(g->model, sizeof g->model, "%s", model ? model : "model");
    g->nthreads = 1;
    return g;
}

void zb_graph_free(zb_graph *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->n_nodes; i++) {
        zb_node *x = g->nodes[i];
        free(x->in);
        free(x->k.packed);
        if (x->k.fast_free)
            x->k.fast_free(x->k.fast);
        free(x->k.bias);
        free(x->k.scale);
        free(x->k.shift);
        free((void *)x->k.in_c);
        free(x->cat_copy);
        if (x->op == ZB_OP_AFFINE) {
            free(x->p.affine.scale);
            free(x->p.affine.shift);
        }
        free(x);
    }
    free(g->nodes);
    for (int i = 0; i < g->n_ignore_prefix; i++)
        free(g->ignore_prefix[i]);
    for (int i = 0; i < g->n_ignore_suffix; i++)
        free(g->ignore_suffix[i]);
    free(g->ignore_prefix);
    free(g->ignore_suffix);
    free(g->arena);
    free(g->prof_s);
    zb_threadpool_free(g->pool);
    free(g);
}

zb_status zb_graph_status(const zb_graph *g)
{
    if (!g)
        return zb_error(ZB_ERR_NOMEM, "graph: out of memory");
    if (g->status != ZB_OK)
        zb_error(g->status, "%s", g->error);
    return g->status;
}

void zb_graph_fail(zb_graph *g, zb_status st, const char *fmt, ...)
{
    if (!g || g->status != ZB_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    char msg[400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(g->error, sizeof g->error, "%s: %s", g->model, msg);
    g->status = st;
}

static void add_string(zb_graph *g, char ***list, int *n, const char *s)
{
    char **l = realloc(*list, (size_t)(*n + 1) * sizeof *l);
    char *c = strdup(s);
    if (!l || !c) {
        free(c);
        if (l)
            *list = l;
        zb_graph_fail(g, ZB_ERR_NOMEM, "out of memory");
        return;
    }
    *list = l;
    l[(*n)++] = c;
}

void zb_graph_ignore_prefix(zb_graph *g, const char *p) { add_string(g, &g->ignore_prefix, &g->n_ignore_prefix, p); }
void zb_graph_ignore_suffix(zb_graph *g, const char *s) { add_string(g, &g->ignore_suffix, &g->n_ignore_suffix, s); }
void zb_graph_set_rename(zb_graph *g, zb_key_rename_fn fn) { g->rename = fn; }
void zb_graph_set_output(zb_graph *g, zb_node *out) { g->output = out; }
int zb_graph_node_count(const zb_graph *g) { return g->n_nodes; }
zb_node *zb_graph_node(const zb_graph *g, int i) { return g->nodes[i]; }
const char *zb_graph_model(const zb_graph *g) { return g->model; }

zb_node *zb_graph_output(const zb_graph *g)
{
    if (g->output)
        return g->output;
    return g->n_nodes ? g->nodes[g->n_nodes - 1] : NULL;
}

zb_node *zb_graph_add_node(zb_graph *g, zb_op_kind op, const char *name, int n_in, zb_node *const *in)
{
    if (!g || g->status != ZB_OK)
        return NULL;
    for (int i = 0; i < n_in; i++)
        if (!in[i])
            return NULL;
    if (g->prepared) {
        zb_graph_fail(g, ZB_ERR_ARG, "node added after prepare");
        return NULL;
    }
    if (g->n_nodes == g->cap_nodes) {
        int cap = g->cap_nodes ? 2 * g->cap_nodes : 64;
        zb_node **nn = realloc(g->nodes, (size_t)cap * sizeof *nn);
        if (!nn) {
            zb_graph_fail(g, ZB_ERR_NOMEM, "out of memory");
            return NULL;
        }
        g->nodes = nn;
        g->cap_nodes = cap;
    }
    zb_node *x = calloc(1, sizeof *x);
    zb_node **ins = n_in ? malloc((size_t)n_in * sizeof *ins) : NULL;
    if (!x || (n_in && !ins)) {
        free(x);
        free(ins);
        zb_graph_fail(g, ZB_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (n_in)
        memcpy(ins, in, (size_t)n_in * sizeof *ins);
    x->op = op;
    x->id = g->n_nodes;
    snprintf(x->name, sizeof x->name, "%s", name ? name : "");
    x->n_in = n_in;
    x->in = ins;
    x->last_use = -1;
    g->nodes[g->n_nodes++] = x;
    return x;
}

void zb_node_want(zb_graph *g, zb_node *x, const char *key, int ndim, const int64_t *shape)
{
    if (!x || g->status != ZB_OK)
        return;
    if (x->n_wt == ZB_MAX_WEIGHTS || !key || strlen(key) >= ZB_KEY_MAX) {
        zb_graph_fail(g, ZB_ERR_ARG, "%s: bad weight declaration", x->name);
        return;
    }
    zb_wreq *w = &x->wt[x->n_wt++];
    snprintf(w->key, sizeof w->key, "%s", key);
    w->ndim = ndim;
    for (int i = 0; i < ndim; i++)
        w->shape[i] = shape[i];
}

void zb_same_padding(int in, int k, int stride, int dilation, int *lo, int *hi)
{
    int out = (in + stride - 1) / stride;
    int total = (out - 1) * stride + (k - 1) * dilation + 1 - in;
    if (total < 0)
        total = 0;
    *lo = total / 2;
    *hi = total - *lo;
}
