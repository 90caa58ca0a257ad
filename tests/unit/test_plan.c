/* Concat in place and zero-pad folding (src/core/plan.c, engine.c): a graph
 * with nested concats, a concat that is a strided view read by a batchnorm
 * (densenet), batchnorms writing into a concat, a concat read by a conv
 * (must stay contiguous), the graph input and a pooling (no strided writes)
 * as concat inputs, a duplicated input, a zero-pad folded into a conv, and
 * an add and a batchnorm written over their inputs (in place); and the
 * residual add fused into its conv (resnet's block end), with the conv as
 * the add's first and as its second operand and a scale != 1, so that a
 * wrong operand order, or the activation before the add, changes bits.
 * The oracle is the same graph prepared with no_fuse, which copies every
 * concat input as the engine always did, and the parts computed as graph
 * outputs of their own; the results must be bitwise equal. */
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/graph_internal.h"
#include "harness.h"
#include "kernels/fast.h"
#include "kernels/winograd.h"

enum { H = 7, W = 6, C = 3 };

static zb_node *conv(zb_graph *g, const char *name, zb_node *x, int cout, int k, int pad)
{
    char wk[64], bk[64];
    snprintf(wk, sizeof wk, "%s.weight", name);
    snprintf(bk, sizeof bk, "%s.bias", name);
    zb_conv_spec s = {.cout = cout, .kh = k, .kw = k, .pt = pad, .pb = pad, .pl = pad, .pr = pad, .bias = 1,
                      .layout = ZB_W_OIHW, .wkey = wk, .bkey = bk};
    return zb_conv2d(g, name, x, &s);
}

static zb_node *bn(zb_graph *g, const char *name, zb_node *x)
{
    char m[64], v[64], ga[64], be[64];
    snprintf(m, sizeof m, "%s.running_mean", name);
    snprintf(v, sizeof v, "%s.running_var", name);
    snprintf(ga, sizeof ga, "%s.weight", name);
    snprintf(be, sizeof be, "%s.bias", name);
    zb_bn_spec s = {.eps = 1e-5f, .gamma = ga, .beta = be, .mean = m, .var = v};
    return zb_batchnorm(g, name, x, &s);
}

/* The test graph; *part receives the node named by `which` (NULL: none). */
static zb_graph *build(const char *which, zb_node **part)
{
    zb_graph *g = zb_graph_new("plan");
    zb_node *in = zb_input(g, H, W, C);
    zb_node *a = zb_relu(g, conv(g, "a", in, 4, 1, 0));
    zb_node *b = conv(g, "b", in, 5, 3, 1);
    zb_pool_spec ps = {.kh = 3, .kw = 3, .sh = 1, .sw = 1, .pt = 1, .pb = 1, .pl = 1, .pr = 1};
    zb_node *p = zb_maxpool(g, in, &ps);
    zb_node *cat1 = zb_concat(g, 2, (zb_node *[]){a, b});
    zb_node *cat2 = zb_concat(g, 3, (zb_node *[]){cat1, p, in});
    zb_node *bn2 = zb_relu(g, bn(g, "bn2", cat2));
    zb_node *cat3 = zb_concat(g, 2, (zb_node *[]){a, b});
    zb_node *bn3 = bn(g, "bn3", cat3);
    zb_node *e = conv(g, "e", cat1, 3, 1, 0);     /* a conv reads cat1 */
    zb_node *d = zb_concat(g, 2, (zb_node *[]){e, e});
    zb_node *q = conv(g, "q", zb_zeropad(g, cat3, 2, 0, 0, 2), 2, 3, 0);   /* folded zero-pad */
    zb_node *cat5 = zb_concat(g, 2, (zb_node *[]){a, b});     /* densenet: a prefix view of cat4 */
    zb_node *bn5 = bn(g, "bn5", cat5);
    zb_node *cat4 = zb_concat(g, 3, (zb_node *[]){a, b, p});
    zb_node *bn4 = bn(g, "bn4", cat4);
    zb_node *inner = zb_concat(g, 2, (zb_node *[]){conv(g, "f", in, 2, 1, 0), conv(g, "h", in, 3, 3, 1)});
    zb_node *outer = zb_concat(g, 2, (zb_node *[]){inner, conv(g, "k", in, 1, 1, 0)});    /* nested */
    zb_node *sum = zb_add(g, conv(g, "s1", in, 3, 3, 1), conv(g, "s2", in, 3, 1, 0));   /* in place */
    zb_node *z = conv(g, "z", zb_relu(g, bn(g, "bnz", sum)), 2, 1, 0);
    zb_node *out = zb_concat(g, 8, (zb_node *[]){bn2, bn3, d, q, bn5, bn4, outer, z});
    const char *names[] = {"bn2", "bn3", "e", "q", "bn5", "bn4", "outer", "z"};
    zb_node *nodes[] = {bn2, bn3, e, q, bn5, bn4, outer, z};
    *part = NULL;
    for (size_t i = 0; which && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(which, names[i]))
            *part = nodes[i];
    if (*part)
        zb_graph_set_output(g, *part);
    (void)out;
    return g;
}

static float *run(const char *which, const zb_prepare_opts *opts, int n, int threads, const float *x, int *c_out)
{
    zb_node *part;
    zb_graph *g = build(which, &part);
    zb_wmap *w = NULL;
    CHECK(zb_graph_status(g) == ZB_OK);
    CHECK(zb_graph_random_weights(g, 11, &w) == ZB_OK);
    CHECK(zb_graph_prepare(g, w, opts) == ZB_OK);
    zb_graph_set_threads(g, threads);
    const zb_node *o = zb_graph_output(g);
    *c_out = o->c;
    float *y = malloc((size_t)n * H * W * o->c * sizeof *y);
    CHECK(zb_graph_run(g, x, n, y) == ZB_OK);
    zb_wmap_free(w);
    zb_graph_free(g);
    return y;
}

static void test_concat_in_place(void)
{
    enum { N = 3 };
    float x[N * H * W * C];
    for (int i = 0; i < N * H * W * C; i++)
        x[i] = (float)((i * 7919) % 101) / 25.0f - 2.0f;
    const zb_prepare_opts plain = {.no_fuse = 1};
    int c, c2;
    float *want = run(NULL, &plain, N, 1, x, &c);
    CHECK_EQ_INT(c, (4 + 5 + 3 + 3) + (4 + 5) + 3 + 3 + 2 + (4 + 5) + (4 + 5 + 3) + (2 + 3 + 1) + 2);
    const int threads[] = {1, 2, 3};
    for (int t = 0; t < 3; t++) {
        float *got = run(NULL, NULL, N, threads[t], x, &c2);
        CHECK(!memcmp(got, want, sizeof(float) * N * H * W * c));
        free(got);
    }
    /* a batch run in passes of 1 or 2 images (ZB_BATCH_CHUNK, read at prepare) */
    const char *chunks[] = {"1", "2"};
    for (int k = 0; k < 2; k++) {
        setenv("ZB_BATCH_CHUNK", chunks[k], 1);
        float *got = run(NULL, NULL, N, 2, x, &c2);
        unsetenv("ZB_BATCH_CHUNK");
        CHECK(!memcmp(got, want, sizeof(float) * N * H * W * c));
        free(got);
    }
    for (int i = 0; i < N; i++) {   /* one image alone */
        float *got = run(NULL, NULL, 1, 2, x + i * H * W * C, &c2);
        CHECK(!memcmp(got, want + (size_t)i * H * W * c, sizeof(float) * H * W * c));
        free(got);
    }
    /* the slices of the output are the parts computed on their own */
    const char *parts[] = {"bn2", "bn3", "e", "e", "q", "bn5", "bn4", "outer", "z"};
    int off = 0, mismatches = 0;
    for (int k = 0; k < 9; k++) {
        int pc;
        float *p = run(parts[k], NULL, N, 2, x, &pc);
        for (int px = 0; px < N * H * W; px++)
            mismatches += memcmp(want + (size_t)px * c + off, p + (size_t)px * pc, sizeof(float) * pc) != 0;
        off += pc;
        free(p);
    }
    CHECK_EQ_INT(mismatches, 0);
    CHECK_EQ_INT(off, c);
    free(want);
}

/* r = conv(x); y1 = relu(bn(conv3x3(z)) + 0.37 * r); y2 = relu(r + 0.37 *
 * bn(conv1x1(x))); y3 = relu(bn(conv3x3(z)) + r), z = conv(x): 20 channels
 * (two GEMM panels, the second partial); the 3x3 convs read 17 channels, so
 * they run Winograd F(2x2) unless ZB_WINOGRAD says otherwise.  Returns the
 * number of convs with a fused residual, *wino those that run Winograd. */
static int residual_run(const zb_prepare_opts *opts, int n, int threads, const float *x, float *y, int *wino)
{
    zb_graph *g = zb_graph_new("residual");
    zb_node *in = zb_input(g, H, W, C);
    zb_node *r = conv(g, "r", in, 20, 1, 0), *z = conv(g, "z", in, 17, 1, 0);
    zb_node *y1 = zb_relu(g, zb_scaled_add(g, bn(g, "b1", conv(g, "t1", z, 20, 3, 1)), r, 0.37f));
    zb_node *y2 = zb_relu(g, zb_scaled_add(g, r, bn(g, "b2", conv(g, "t2", in, 20, 1, 0)), 0.37f));
    zb_node *y3 = zb_relu(g, zb_add(g, bn(g, "b3", conv(g, "t3", z, 20, 3, 1)), r));
    zb_graph_set_output(g, zb_concat(g, 3, (zb_node *[]){y1, y2, y3}));
    zb_wmap *w = NULL;
    CHECK(zb_graph_status(g) == ZB_OK);
    CHECK(zb_graph_random_weights(g, 5, &w) == ZB_OK);
    CHECK(zb_graph_prepare(g, w, opts) == ZB_OK);
    zb_graph_set_threads(g, threads);
    CHECK(zb_graph_run(g, x, n, y) == ZB_OK);
    int fused = 0;
    *wino = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const zb_node *nd = g->nodes[i];
        fused += nd->op == ZB_OP_CONV2D && nd->k.res;
        *wino += nd->op == ZB_OP_CONV2D && nd->k.res && strstr(nd->k.kern->name, "winograd");
    }
    zb_wmap_free(w);
    zb_graph_free(g);
    return fused;
}

static void test_residual_fused(void)
{
    enum { N = 3, CO = 60 };
    float x[N * H * W * C];
    for (int i = 0; i < N * H * W * C; i++)
        x[i] = (float)((i * 7919) % 101) / 25.0f - 2.0f;
    float *want = malloc(sizeof(float) * N * H * W * CO), *got = malloc(sizeof(float) * N * H * W * CO);
    const zb_prepare_opts plain = {.no_fuse = 1};
    int wino;
    CHECK_EQ_INT(residual_run(&plain, N, 1, x, want, &wino), 0);
    int positive = 0, zero = 0;   /* both sides of the relu are exercised */
    for (int i = 0; i < N * H * W * CO; i++)
        positive += want[i] > 0.0f, zero += want[i] == 0.0f;
    CHECK(positive > 100 && zero > 100);
    const int threads[] = {1, 2, 3};
    for (int t = 0; t < 3; t++) {
        memset(got, 0, sizeof(float) * N * H * W * CO);
        /* the fast GEMM conv takes the residual; the reference kernels do not */
        CHECK_EQ_INT(residual_run(NULL, N, threads[t], x, got, &wino), zb_cpu_fast() ? 3 : 0);
        CHECK_EQ_INT(wino, zb_cpu_fast() && zb_wino_enabled() ? 2 : 0);
        CHECK(!memcmp(got, want, sizeof(float) * N * H * W * CO));
    }
    free(want);
    free(got);
}

int main(void)
{
    RUN(test_concat_in_place);
    RUN(test_residual_fused);
    return test_report();
}
