/* Activation memory plan by liveness (ggml's lesson): every computed node's
 * output gets a block in one arena, live from the node that writes it to the
 * last node that reads it (through aliases); blocks are placed first-fit.
 * Sizes are per image, and every size scales with the batch size n, so the
 * per-image offsets times n give a valid plan for any batch. */
#include <limits.h>
#include <stdlib.h>

#include "core/graph_internal.h"
#include "core/status.h"

typedef struct block {
    size_t off, size;
    int last_use;
} block;

static int computed(const zb_node *x) { return x->op != ZB_OP_INPUT && !x->alias; }

zb_status zb_plan_memory(zb_graph *g)
{
    const int n = g->n_nodes;
    for (int i = 0; i < n; i++)
        g->nodes[i]->last_use = -1;
    for (int i = 0; i < n; i++) {
        zb_node *x = g->nodes[i];
        for (int k = 0; k < x->n_in; k++) {
            zb_node *s = zb_storage(x->in[k]);
            if (s->last_use < i)
                s->last_use = i;
        }
    }
    zb_storage(zb_graph_output(g))->last_use = INT_MAX;

    block *live = malloc((size_t)n * sizeof *live);
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
        if (!computed(x) || x->fused)
            continue;
        size_t size = ((size_t)x->h * x->w * x->c + 15) & ~(size_t)15; /* 64-byte blocks */
        size_t off = 0;
        int at = 0; /* live[] is sorted by offset: first gap that fits */
        for (; at < n_live; at++) {
            if (live[at].off >= off + size)
                break;
            if (live[at].off + live[at].size > off)
                off = live[at].off + live[at].size;
        }
        for (int j = n_live; j > at; j--)
            live[j] = live[j - 1];
        live[at] = (block){off, size, x->last_use < i ? i : x->last_use};
        n_live++;
        x->offset = off;
        if (off + size > peak)
            peak = off + size;
    }
    free(live);
    g->arena_per_image = peak;
    return ZB_OK;
}
