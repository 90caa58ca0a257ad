/* Activation memory: concat in place, then the plan by liveness.
 *
 * Concat in place (zb_place_concats).  A channel concat's inputs are
 * computed straight into their channel slice of the concat's block: the
 * producer writes with a pixel stride (a conv's GEMM with ldc = the concat's
 * channels), or, when its kernel cannot, computes into its own block and
 * copies once right after ("scatter").  Concats are visited last to first,
 * so an outer concat places an inner one, whose inputs then land in the
 * outer block too (inception's nested branches).  A concat whose inputs all
 * sit side by side in one block already is a view of that slice and costs
 * nothing (densenet: every layer's concat is a prefix of the block's last
 * one, read by its batchnorm with the block's pixel stride).  Only values
 * move; no arithmetic changes.
 *
 * The plan (ggml's lesson): every block in one arena, live from the first
 * node that writes it to the last node that reads it (through aliases:
 * fused nodes and flatten share their producer's block, placed nodes and
 * views their root's); blocks are placed first-fit.  Sizes are per image,
 * and every size scales with the batch size n, so the per-image offsets
 * times n give a valid plan for any batch. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/graph_internal.h"
#include "core/status.h"

/* ---- concat in place ----------------------------------------------------- */

/* Consumer c may read its input k with a pixel stride wider than its
 * channel count: a concat (the engine copies), or a kernel that says so. */
static int reads_strided(const zb_node *c, int k)
{
    if (c->op == ZB_OP_CONCAT)
        return 1;
    return k == 0 && !c->alias && c->k.kern && (c->k.kern->flags & ZB_KF_LDX);
}

static int writes_strided(const zb_node *s)
{
    return s->op == ZB_OP_CONCAT || (s->k.kern && (s->k.kern->flags & ZB_KF_LDY));
}

/* s (the storage of concat input j) can go into the slot: computed, not yet
 * placed, reached from x through fused nodes only, once among the concat's
 * inputs, and every reader of x copes with the slot's stride. */
static int placeable(const zb_node *cat, int j, const zb_node *s, int ld, const unsigned char *strided_ok)
{
    const zb_node *x = cat->in[j];
    if (s->op == ZB_OP_INPUT || s->root || (ld != x->c && !strided_ok[x->id]))
        return 0;
    for (const zb_node *t = x; t->alias; t = t->alias)
        if (!t->fused)
            return 0;
    for (int k = 0; k < cat->n_in; k++)
        if (k != j && zb_storage(cat->in[k]) == s)
            return 0;
    return 1;
}

zb_status zb_place_concats(zb_graph *g, int in_place)
{
    const int n = g->n_nodes;
    unsigned char *strided_ok = malloc((size_t)n);
    if (!strided_ok)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory planning activations", g->model);
    for (int i = 0; i < n; i++)
        strided_ok[i] = 1;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < g->nodes[i]->n_in; k++)
            if (!reads_strided(g->nodes[i], k))
                strided_ok[g->nodes[i]->in[k]->id] = 0;
    strided_ok[zb_graph_output(g)->id] = 0;   /* copied out as one contiguous array */

    zb_status st = ZB_OK;
    for (int i = n - 1; i >= 0; i--) {
        zb_node *cat = g->nodes[i];
        if (cat->op != ZB_OP_CONCAT)
            continue;
        cat->cat_copy = calloc((size_t)cat->n_in, 1);
        if (!cat->cat_copy) {
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory planning activations", g->model);
            break;
        }
        if (!in_place) {
            memset(cat->cat_copy, 1, (size_t)cat->n_in);
            cat->cat_run = 1;
            continue;
        }
        if (!cat->root) {   /* inputs already side by side in one block: a view */
            const zb_node *s0 = zb_storage(cat->in[0]);
            int side = s0->root != NULL, off = s0->choff;
            for (int j = 0; j < cat->n_in && side; j++) {
                const zb_node *s = zb_storage(cat->in[j]);
                side = s->root == s0->root && s->ld == s0->ld && s->choff == off;
                off += cat->in[j]->c;
            }
            if (side && (s0->ld == cat->c || strided_ok[cat->id])) {
                cat->root = s0->root, cat->choff = s0->choff, cat->ld = s0->ld;
                continue;
            }
        }
        zb_node *root = cat->root ? cat->root : cat;
        const int ld = cat->root ? cat->ld : cat->c;
        int off = cat->root ? cat->choff : 0;
        for (int j = 0; j < cat->n_in; j++) {
            zb_node *s = zb_storage(cat->in[j]);
            if (s->root) {
                cat->cat_copy[j] = !(s->root == root && s->choff == off && s->ld == ld);
            } else if (placeable(cat, j, s, ld, strided_ok)) {
                s->root = root, s->choff = off, s->ld = ld;
                s->scatter = !writes_strided(s);
            } else {
                cat->cat_copy[j] = 1;
            }
            cat->cat_run |= cat->cat_copy[j];
            off += cat->in[j]->c;
        }
    }
    free(strided_ok);
    if (st != ZB_OK)
        return st;
    /* strides for the kernels that read or write inside a wider block */
    for (int i = 0; i < n; i++) {
        zb_node *x = g->nodes[i];
        if (x->op == ZB_OP_INPUT || x->alias || x->op == ZB_OP_CONCAT)
            continue;
        if (x->root && !x->scatter && x->ld != x->c)
            x->k.ldy = x->ld;
        const zb_node *s = x->n_in ? zb_storage(x->in[0]) : NULL;
        if (s && s->root && s->ld != x->in[0]->c)
            x->k.ldx = s->ld;
        for (int k = 0; k < x->n_in; k++) {
            const zb_node *sk = zb_storage(x->in[k]);
            if (sk->root && sk->ld != x->in[k]->c && !reads_strided(x, k))
                return zb_error(ZB_ERR_ARG, "%s: internal: %s reads a strided input", g->model, x->name);
        }
    }
    return ZB_OK;
}

/* ---- the plan -------------------------------------------------------------- */

typedef struct block {
    size_t off, size;
    int last_use;
} block;

/* The node that owns the block holding x's output (follows aliases and
 * concat placement). */
static zb_node *owner(zb_node *x)
{
    zb_node *s = zb_storage(x);
    return s->root ? s->root : s;
}

/* Writes into a block of its own: computed and not placed (roots included),
 * or placed but scattered (its own block is then live at this node only). */
static int own_block(const zb_node *x)
{
    if (x->op == ZB_OP_INPUT || x->alias || x->fused)
        return 0;
    return !x->root || x->scatter;
}

/* First-fit: the lowest offset where `size` fits between live blocks
 * (live[] sorted by offset); inserts the block and returns its offset. */
static size_t place(block *live, int *n_live, size_t size, int last_use)
{
    size_t off = 0;
    int at = 0;
    for (; at < *n_live; at++) {
        if (live[at].off >= off + size)
            break;
        if (live[at].off + live[at].size > off)
            off = live[at].off + live[at].size;
    }
    for (int j = *n_live; j > at; j--)
        live[j] = live[j - 1];
    live[at] = (block){off, size, last_use};
    (*n_live)++;
    return off;
}

static size_t floats_of(const zb_node *x) { return ((size_t)x->h * x->w * x->c + 15) & ~(size_t)15; }

/* An element-wise node (add, affine, batchnorm, relu: each output element
 * is computed from the same element of its inputs, read before it is
 * written) may write over an input that nobody reads afterwards: resnet's
 * residual add writes into its conv's output.  Returns that input's block
 * owner, or NULL. */
static zb_node *reusable_input(const zb_graph *g, zb_node *x, int i)
{
    const int elementwise = x->op == ZB_OP_ADD || x->op == ZB_OP_BATCHNORM || x->op == ZB_OP_AFFINE ||
                            x->op == ZB_OP_RELU || x->op == ZB_OP_RELU6;
    if (g->plain || !elementwise || x->alias || x->root || x->k.ldx || x->k.ldy || x == zb_graph_output(g))
        return NULL;
    for (int k = 0; k < x->n_in; k++) {
        zb_node *s = zb_storage(x->in[k]);
        if (s->op != ZB_OP_INPUT && !s->root && !s->scatter && s->last_use == i && floats_of(s) == floats_of(x) &&
            s->h == x->h && s->w == x->w && s->c == x->c)
            return s;
    }
    return NULL;
}

zb_status zb_plan_memory(zb_graph *g)
{
    const int n = g->n_nodes;
    for (int i = 0; i < n; i++)
        g->nodes[i]->last_use = -1, g->nodes[i]->first_def = i;
    for (int i = 0; i < n; i++) {
        zb_node *x = g->nodes[i];
        if (x->root && x->root->first_def > i)
            x->root->first_def = i;
        for (int k = 0; k < x->n_in; k++) {
            zb_node *o = owner(x->in[k]);
            if (o->last_use < i)
                o->last_use = i;
        }
    }
    owner(zb_graph_output(g))->last_use = INT_MAX;

    block *live = malloc((size_t)(2 * n + 1) * sizeof *live);
    if (!live)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory planning activations", g->model);
    int n_live = 0;
    size_t peak = 0;
    for (int i = 0; i < n; i++) {
        zb_node *x = g->nodes[i];
        int keep = 0; /* drop blocks whose last reader came before this node */
        for (int j = 0; j < n_live; j++)
            if (live[j].last_use >= i)
                live[keep++] = live[j];
        n_live = keep;
        zb_node *r = x->root ? x->root : (own_block(x) ? x : NULL), *in;
        if (r == x && (in = reusable_input(g, x, i))) {   /* in place: take over the input's block */
            x->offset = in->offset;
            for (int j = 0; j < n_live; j++)
                if (live[j].off == in->offset)
                    live[j].last_use = x->last_use < i ? i : x->last_use;
            continue;
        }
        if (r && r->first_def == i) {   /* the first write into a (root's) block */
            r->offset = place(live, &n_live, floats_of(r), r->last_use < i ? i : r->last_use);
            if (r->offset + floats_of(r) > peak)
                peak = r->offset + floats_of(r);
        }
        if (x->root && x->scatter) {    /* its own block, copied to its place at once */
            x->offset = place(live, &n_live, floats_of(x), i);
            if (x->offset + floats_of(x) > peak)
                peak = x->offset + floats_of(x);
        }
    }
    free(live);
    g->arena_per_image = peak;
    return ZB_OK;
}
