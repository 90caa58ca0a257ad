/* Per-node run time (zb_graph_set_profile): the engine adds each computed
 * node's wall time to g->prof_s[node]; the report sums them per op kind and
 * lists the slowest nodes.  Used by `ZB_PROFILE=1 zoobench bench`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/graph_internal.h"
#include "core/status.h"
#include "ops/ops.h"

zb_status zb_graph_set_profile(zb_graph *g, int on)
{
    g->profile = 0;
    if (!on)
        return ZB_OK;
    if (!g->prof_s) {
        g->prof_s = calloc((size_t)(g->n_nodes ? g->n_nodes : 1), sizeof *g->prof_s);
        if (!g->prof_s)
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory for the profile", g->model);
    }
    memset(g->prof_s, 0, (size_t)g->n_nodes * sizeof *g->prof_s);
    g->prof_runs = 0;
    g->profile = 1;
    return ZB_OK;
}

/* "conv2d 3x3/2", "dwconv 3x3/1", "dense", "maxpool 3x3/2", ... */
static void kind_of(const zb_node *x, char *buf, size_t len)
{
    const zb_kdesc *k = &x->k;
    switch (x->op) {
    case ZB_OP_CONV2D:
        snprintf(buf, len, "%s %dx%d/%d", k->groups > 1 && k->groups == k->ic ? "dwconv" : "conv2d", k->kh, k->kw,
                 k->sh);
        break;
    case ZB_OP_MAXPOOL:
    case ZB_OP_AVGPOOL:
        snprintf(buf, len, "%s %dx%d/%d", zb_op_defs[x->op].name, k->kh, k->kw, k->sh);
        break;
    default:
        snprintf(buf, len, "%s", zb_op_defs[x->op].name);
    }
}

/* What the node computes besides its op: "+bn", "+relu". */
static const char *fused_of(const zb_node *x)
{
    const int bn = x->op != ZB_OP_BATCHNORM && x->k.scale;
    if (x->k.act == ZB_ACT_NONE || x->op == ZB_OP_RELU || x->op == ZB_OP_RELU6)
        return bn ? "+bn" : "";
    if (x->k.act == ZB_ACT_RELU)
        return bn ? "+bn+relu" : "+relu";
    return bn ? "+bn+relu6" : "+relu6";
}

typedef struct kind_sum {
    char kind[48];
    double s;
    int nodes;
} kind_sum;

static int by_time_desc(const void *a, const void *b)
{
    const double x = ((const kind_sum *)a)->s, y = ((const kind_sum *)b)->s;
    return (x < y) - (x > y);
}

typedef struct node_time {
    double s;
    int id;
} node_time;

static int node_by_time_desc(const void *a, const void *b)
{
    const node_time *x = a, *y = b;
    if (x->s != y->s)
        return (x->s < y->s) - (x->s > y->s);
    return x->id - y->id;
}

zb_status zb_graph_profile_write(const zb_graph *g, FILE *f, int max_nodes)
{
    if (!g->prof_s || !g->prof_runs)
        return ZB_OK;
    const int n = g->n_nodes;
    kind_sum *ks = calloc((size_t)n, sizeof *ks);
    node_time *nt = calloc((size_t)n, sizeof *nt);
    if (!ks || !nt) {
        free(ks);
        free(nt);
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory for the profile", g->model);
    }
    const double runs = (double)g->prof_runs;
    double total = 0;
    int n_kinds = 0, n_timed = 0;
    for (int i = 0; i < n; i++) {
        const zb_node *x = g->nodes[i];
        if (x->op == ZB_OP_INPUT || x->alias || (x->op == ZB_OP_CONCAT && !x->cat_run))
            continue;   /* not run */
        char kind[48];
        kind_of(x, kind, sizeof kind);
        int j = 0;
        while (j < n_kinds && strcmp(ks[j].kind, kind))
            j++;
        if (j == n_kinds)
            snprintf(ks[n_kinds++].kind, sizeof ks[0].kind, "%s", kind);
        ks[j].s += g->prof_s[i];
        ks[j].nodes++;
        nt[n_timed++] = (node_time){g->prof_s[i], i};
        total += g->prof_s[i];
    }
    qsort(ks, (size_t)n_kinds, sizeof *ks, by_time_desc);
    qsort(nt, (size_t)n_timed, sizeof *nt, node_by_time_desc);
    const double pct = total > 0 ? 100.0 / total : 0;
    fprintf(f, "# profile %s: %lld runs, nodes sum to %.3f ms per run\n", g->model, (long long)g->prof_runs,
            1e3 * total / runs);
    fprintf(f, "# %-22s %9s %6s %6s\n", "op", "ms/run", "%", "nodes");
    for (int j = 0; j < n_kinds; j++)
        fprintf(f, "  %-22s %9.3f %6.1f %6d\n", ks[j].kind, 1e3 * ks[j].s / runs, ks[j].s * pct, ks[j].nodes);
    const int show = max_nodes < n_timed ? max_nodes : n_timed;
    if (show > 0)
        fprintf(f, "# %-4s %9s %6s  %-22s %-14s %-18s %s\n", "id", "ms/run", "%", "op", "out (h,w,c)", "in (h,w,c)",
                "name");
    for (int j = 0; j < show; j++) {
        const zb_node *x = g->nodes[nt[j].id];
        char kind[48], kf[64], out[32], in[32] = "";
        kind_of(x, kind, sizeof kind);
        snprintf(kf, sizeof kf, "%s%s", kind, fused_of(x));
        snprintf(out, sizeof out, "%dx%dx%d", x->h, x->w, x->c);
        if (x->n_in)
            snprintf(in, sizeof in, "%dx%dx%d%s", x->in[0]->h, x->in[0]->w, x->in[0]->c, x->n_in > 1 ? " ..." : "");
        fprintf(f, "  %-4d %9.4f %6.2f  %-22s %-14s %-18s %s\n", x->id, 1e3 * nt[j].s / runs, nt[j].s * pct, kf, out,
                in, x->name);
    }
    free(ks);
    free(nt);
    return ZB_OK;
}
