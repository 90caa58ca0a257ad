/* Keras 2.2.4's `model.layers` order and load_weights(by_name=False).
 *
 * keras/engine/network.py orders a functional model's layers by depth: a
 * depth-first walk from the outputs (inputs in call order) numbers each layer
 * when first reached and lists nodes in post-order; depths are then pushed
 * from the outputs (depth 0) towards the inputs, a node's inputs being at
 * least one deeper; layers come out by decreasing depth, ties broken by the
 * walk's numbering.  keras/engine/saving.py's load_weights_from_hdf5_group
 * keeps the layers that have weights, in that order, and pairs them with the
 * file's layers that have weights, position by position. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "models/keras/keras.h"

typedef struct walk {
    const kx *k;
    int *index;      /* first-visit number per layer, -1 unvisited */
    int *state;      /* 0 new, 1 in progress, 2 finished */
    int *post;       /* post-order */
    int n_index, n_post;
} walk;

/* Iterative depth-first walk (deep models would overflow the C stack). */
static int dfs(walk *wk, int root)
{
    const kx *k = wk->k;
    int *stack = malloc((size_t)k->n * 2 * sizeof *stack);  /* (layer, next input) pairs */
    if (!stack)
        return -1;
    int top = 0;
    stack[0] = root;
    stack[1] = 0;
    wk->index[root] = wk->n_index++;
    wk->state[root] = 1;
    top = 1;
    while (top) {
        int l = stack[2 * (top - 1)];
        int *next = &stack[2 * (top - 1) + 1];
        if (*next < k->layers[l].n_in) {
            int in = k->layers[l].in[(*next)++];
            if (wk->state[in])
                continue;  /* finished (single-node layers: no cycles) */
            if (wk->index[in] < 0)
                wk->index[in] = wk->n_index++;
            wk->state[in] = 1;
            stack[2 * top] = in;
            stack[2 * top + 1] = 0;
            top++;
        } else {
            wk->state[l] = 2;
            wk->post[wk->n_post++] = l;
            top--;
        }
    }
    free(stack);
    return 0;
}

zb_status kx_layer_order(const kx *k, int **order)
{
    *order = NULL;
    int n = k->n;
    int *buf = malloc((size_t)n * 5 * sizeof *buf);
    if (!buf || k->out < 0) {
        free(buf);
        return zb_error(ZB_ERR_NOMEM, "keras: out of memory");
    }
    walk wk = {k, buf, buf + n, buf + 2 * n, 0, 0};
    int *depth = buf + 3 * n, *res = buf + 4 * n;
    for (int i = 0; i < n; i++)
        wk.index[i] = -1, wk.state[i] = 0, depth[i] = -1;
    if (dfs(&wk, k->out) < 0) {
        free(buf);
        return zb_error(ZB_ERR_NOMEM, "keras: out of memory");
    }
    /* one node per layer: node depth == layer depth */
    for (int p = wk.n_post - 1; p >= 0; p--) {
        int l = wk.post[p];
        if (depth[l] < 0)
            depth[l] = 0;
        for (int i = 0; i < k->layers[l].n_in; i++) {
            int in = k->layers[l].in[i];
            if (depth[in] < depth[l] + 1)
                depth[in] = depth[l] + 1;
        }
    }
    /* stable order: by decreasing depth, then by first-visit number */
    int m = 0, maxd = 0;
    for (int i = 0; i < wk.n_post; i++)
        maxd = depth[wk.post[i]] > maxd ? depth[wk.post[i]] : maxd;
    int *byindex = malloc((size_t)(wk.n_index ? wk.n_index : 1) * sizeof *byindex);
    if (!byindex) {
        free(buf);
        return zb_error(ZB_ERR_NOMEM, "keras: out of memory");
    }
    for (int i = 0; i < n; i++)
        if (wk.index[i] >= 0)
            byindex[wk.index[i]] = i;
    for (int d = maxd; d >= 0; d--)
        for (int j = 0; j < wk.n_index; j++)
            if (depth[byindex[j]] == d)
                res[m++] = byindex[j];
    free(byindex);
    int *o = malloc((size_t)(m ? m : 1) * sizeof *o);
    if (!o) {
        free(buf);
        return zb_error(ZB_ERR_NOMEM, "keras: out of memory");
    }
    memcpy(o, res, (size_t)m * sizeof *o);
    free(buf);
    *order = o;
    return m == n ? ZB_OK : zb_error(ZB_ERR_ARG, "keras: %d layers are not connected to the output", n - m);
}

static void shape_str(char *s, size_t size, int ndim, const int64_t *shape)
{
    size_t o = (size_t)snprintf(s, size, "(");
    for (int i = 0; i < ndim && o < size; i++)
        o += (size_t)snprintf(s + o, size - o, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (o < size)
        snprintf(s + o, size - o, "%s)", ndim == 1 ? "," : "");
}

/* Length of the layer prefix of a weight name: up to its last '/'. */
static size_t prefix_len(const char *name)
{
    const char *s = strrchr(name, '/');
    return s ? (size_t)(s - name) : 0;
}

static int same_layer(const char *a, const char *b)
{
    size_t n = prefix_len(a);
    return n == prefix_len(b) && !strncmp(a, b, n);
}

zb_status kx_bind(const kx *k, const char *model, const zb_wmap *file, zb_wmap **out)
{
    *out = NULL;
    int *order;
    zb_status st = kx_layer_order(k, &order);
    if (st != ZB_OK)
        return st;
    int n_model = 0, n_file = 0;
    for (int i = 0; i < k->n; i++)
        n_model += k->layers[i].n_w > 0;
    for (int i = 0; i < file->n; i++)
        n_file += i == 0 || !same_layer(file->items[i].name, file->items[i - 1].name);
    if (n_file != n_model) {
        free(order);
        return zb_error(ZB_ERR_SHAPE, "%s: the file has %d layers with weights, the model has %d", model, n_file,
                        n_model);
    }
    zb_wmap *m = zb_wmap_new();
    if (!m) {
        free(order);
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", model);
    }
    int fi = 0;  /* next file weight */
    for (int oi = 0; oi < k->n && st == ZB_OK; oi++) {
        const kx_layer *l = &k->layers[order[oi]];
        if (!l->n_w)
            continue;
        int f0 = fi, nf = 1;
        while (f0 + nf < file->n && same_layer(file->items[f0 + nf].name, file->items[f0].name))
            nf++;
        fi = f0 + nf;
        const char *fname = file->items[f0].name;
        int fl = (int)prefix_len(fname);
        if (nf != l->n_w) {
            st = zb_error(ZB_ERR_SHAPE, "%s: layer '%s' has %d weights, the file's layer '%.*s' has %d", model,
                          l->name, l->n_w, fl, fname, nf);
            break;
        }
        for (int j = 0; j < nf; j++) {
            const zb_weight *fw = &file->items[f0 + j];
            int ok = fw->ndim == l->wndim[j];
            for (int d = 0; ok && d < fw->ndim; d++)
                ok = fw->shape[d] == l->wshape[j][d];
            if (!ok) {
                char a[80], b[80];
                shape_str(a, sizeof a, l->wndim[j], l->wshape[j]);
                shape_str(b, sizeof b, fw->ndim, fw->shape);
                st = zb_error(ZB_ERR_SHAPE, "%s: layer '%s' weight %d ('%s'): model expects %s, the file's '%s' has %s",
                              model, l->name, j, l->wkey[j], a, fw->name, b);
                break;
            }
            float *data = malloc((size_t)(fw->count ? fw->count : 1) * sizeof *data);
            if (!data) {
                st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", model);
                break;
            }
            memcpy(data, fw->data, (size_t)fw->count * sizeof *data);
            st = zb_wmap_add(m, l->wkey[j], fw->ndim, fw->shape, data);
        }
    }
    free(order);
    if (st != ZB_OK) {
        zb_wmap_free(m);
        return st;
    }
    *out = m;
    return ZB_OK;
}
