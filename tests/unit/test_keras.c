/* keras/... models: Keras 2.2.4's model.layers order on a small branched
 * graph (worked by hand from keras/engine/network.py), by_name=False binding
 * errors, and bitwise invariance (batch 1/3/32, 1/2 threads, another model run
 * in between).  The fidelity against TF.js is in tests/integration/keras_*.sh. */
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "harness.h"
#include "models/keras/keras_models.h"
#include "models/net.h"
#include "models/registry.h"

/* input -> a = conv(x); b = conv(x); b2 = conv(b); concat([a, b2]).
 * Walk from concat: concat 0, a 1, input 2, b2 3, b 4; depths: concat 0, a 1,
 * b2 1, b 2, input 3; so input, b, a, b2, concat (creation order differs). */
static void test_layer_order(void)
{
    zb_graph *g = zb_graph_new("order");
    kx k;
    kx_init(&k, g, 8, 8);
    kt x = kx_input(&k);
    kt a = kx_conv(&k, "a", x, 4, 1, 1, 1, 1, 1);
    kt b = kx_conv(&k, "b", x, 4, 1, 1, 1, 1, 1);
    kt b2 = kx_conv(&k, "b2", b, 4, 3, 3, 1, 1, 1);
    kt xs[2] = {a, b2};
    kt y = kx_concat(&k, "cat", 2, xs);
    CHECK(kx_finish(&k, y) == ZB_OK);
    int *order = NULL;
    CHECK(kx_layer_order(&k, &order) == ZB_OK);
    const char *want[5] = {"input_1", "b", "a", "b2", "cat"};
    for (int i = 0; order && i < 5; i++)
        CHECK_STR(k.layers[order[i]].name, want[i]);

    /* a file with b's and a's weights swapped binds by position: b gets (1,1,3,4) */
    zb_wmap *f = zb_wmap_new(), *m = NULL;
    const char *keys[6] = {"x/kernel:0", "x/bias:0", "y/kernel:0", "y/bias:0", "z/kernel:0", "z/bias:0"};
    const int64_t shapes[6][4] = {{1, 1, 3, 4}, {4}, {1, 1, 3, 4}, {4}, {3, 3, 4, 4}, {4}};
    const int nd[6] = {4, 1, 4, 1, 4, 1};
    for (int i = 0; i < 6; i++) {
        int64_t n = 1;
        for (int d = 0; d < nd[i]; d++)
            n *= shapes[i][d];
        float *v = calloc((size_t)n, sizeof *v);
        v[0] = (float)i;
        zb_wmap_add(f, keys[i], nd[i], shapes[i], v);
    }
    CHECK(kx_bind(&k, "order", f, &m) == ZB_OK);
    CHECK(m && m->n == 6);
    if (m && m->n == 6) {
        CHECK_STR(m->items[0].name, "b/kernel:0");
        CHECK_STR(m->items[2].name, "a/kernel:0");
        CHECK(zb_wmap_find(m, "b2/kernel:0") && zb_wmap_find(m, "b2/kernel:0")->data[0] == 4.0f);
    }
    zb_wmap_free(m);
    /* one weight too few in the last layer: error naming it */
    f->n = 5;
    CHECK(kx_bind(&k, "order", f, &m) != ZB_OK);
    CHECK(strstr(zb_last_error(), "layer 'b2' has 2 weights, the file's layer 'z' has 1") != NULL);
    f->n = 6;
    zb_wmap_free(f);
    free(order);
    kx_free(&k);
    zb_graph_free(g);
}

enum { N = 32, K = 1000 };

static zb_net *make(const char *model, int size, int threads)
{
    zb_graph *g = NULL;
    zb_wmap *w = NULL, *file = NULL;
    zb_net *net = NULL;
    if (zb_model_build(model, size, size, &g) == ZB_OK && zb_graph_random_weights(g, 42, &w) == ZB_OK &&
        zb_keras_save_order(model, size, size, w, &file) == ZB_OK) {
        zb_net_opts o = {.height = size, .width = size, .nthreads = threads};
        if (zb_net_create_wmap(model, file, &o, NULL, &net) != ZB_OK)
            fprintf(stderr, "%s\n", zb_last_error());
    }
    zb_graph_free(g);
    zb_wmap_free(w);
    zb_wmap_free(file);
    return net;
}

static float *run_batched(zb_net *net, const float *x, int size, int b)
{
    float *y = malloc((size_t)N * K * sizeof *y);
    size_t img = (size_t)size * size * 3;
    for (int i = 0; i < N; i += b) {
        int nb = N - i < b ? N - i : b;
        CHECK(zb_net_run(net, x + i * img, nb, y + (size_t)i * K) == ZB_OK);
    }
    return y;
}

static void test_invariance(void)
{
    const int size = 33;
    size_t n = (size_t)N * size * size * 3, bytes = (size_t)N * K * sizeof(float);
    float *x = malloc(n * sizeof *x);
    uint32_t s = 11;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)(s >> 8) / (float)(1u << 24) * 2.0f - 1.0f;
    }
    zb_net *a = make("keras/mobilenet_v2_0.35", size, 1);
    CHECK(a != NULL);
    if (!a) {
        free(x);
        return;
    }
    float *y32 = run_batched(a, x, size, 32), *y3 = run_batched(a, x, size, 3), *y1 = run_batched(a, x, size, 1);
    zb_net_free(a);
    /* another model in between, then a fresh net with 2 threads */
    zb_net *other = make("keras/nasnet_mobile", 32, 1);
    CHECK(other != NULL);
    if (other) {
        float *yo = run_batched(other, x, 32, 8);
        free(yo);
        zb_net_free(other);
    }
    zb_net *a2 = make("keras/mobilenet_v2_0.35", size, 2);
    CHECK(a2 != NULL);
    float *t2 = a2 ? run_batched(a2, x, size, 5) : NULL;
    CHECK(memcmp(y32, y3, bytes) == 0);
    CHECK(memcmp(y32, y1, bytes) == 0);
    CHECK(t2 && memcmp(y32, t2, bytes) == 0);
    CHECK(memcmp(y32, y32 + K, K * sizeof(float)) != 0);
    free(y32), free(y3), free(y1), free(t2), free(x);
    zb_net_free(a2);
}

int main(void)
{
    RUN(test_layer_order);
    RUN(test_invariance);
    return test_report();
}
