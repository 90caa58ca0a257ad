/* Bitwise invariance: the logits of a set of images are identical whatever
 * the batch size (1, 3, 32), the thread count (1, 2) and whatever ran before
 * in the same process.  Random weights (zb_graph_random_weights), no files. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testnet.h"
#include "models/net.h"
#include "models/registry.h"

enum { N = 32, K = 1000 };

static zb_net *make(const char *model, int size, int threads)
{
    return test_net(model, size, threads, 42);
}

static float *images(int size)
{
    size_t n = (size_t)N * size * size * 3;
    float *x = malloc(n * sizeof *x);
    uint32_t s = 7;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (float)(s >> 8) / (float)(1u << 24) * 4.0f - 2.0f;
    }
    return x;
}

/* Logits of all N images, run in batches of b (the last one shorter). */
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

static void invariance(const char *model, int size)
{
    float *x = images(size);
    zb_net *net = make(model, size, 1), *net2 = make(model, size, 2);
    CHECK(net && net2);
    if (!net || !net2)
        goto out;
    float *y32 = run_batched(net, x, size, 32);
    float *y3 = run_batched(net, x, size, 3);
    float *y1 = run_batched(net, x, size, 1);
    float *t2 = run_batched(net2, x, size, 32);
    size_t bytes = (size_t)N * K * sizeof(float);
    CHECK(memcmp(y32, y3, bytes) == 0);
    CHECK(memcmp(y32, y1, bytes) == 0);
    CHECK(memcmp(y32, t2, bytes) == 0);
    /* the output is not trivially constant */
    CHECK(memcmp(y32, y32 + K, K * sizeof(float)) != 0);
    fprintf(stderr, "%s@%d: batch 1/3/32 and 1/2 threads bitwise identical: %s\n", model, size,
            !memcmp(y32, y3, bytes) && !memcmp(y32, y1, bytes) && !memcmp(y32, t2, bytes) ? "yes" : "NO");
    free(y32), free(y3), free(y1), free(t2);
out:
    zb_net_free(net);
    zb_net_free(net2);
    free(x);
}

static void test_resnet18(void) { invariance("torchvision/resnet18", 32); }
static void test_squeezenet(void) { invariance("torchvision/squeezenet1_1", 40); }
static void test_densenet(void) { invariance("torchvision/densenet121", 32); }

/* Model A, then model B in the same process, then A again: same logits. */
static void test_run_order(void)
{
    int size = 32;
    float *x = images(size);
    zb_net *a = make("torchvision/resnet18", size, 1);
    float *first = run_batched(a, x, size, 8);
    zb_net_free(a);
    zb_net *b = make("torchvision/squeezenet1_1", size, 1);
    free(run_batched(b, x, size, 8));
    a = make("torchvision/resnet18", size, 1);
    float *again = run_batched(a, x, size, 8);
    CHECK(memcmp(first, again, (size_t)N * K * sizeof(float)) == 0);
    /* and with both alive, interleaved */
    float *y = malloc((size_t)4 * K * sizeof *y), *z = malloc((size_t)4 * K * sizeof *z);
    CHECK(zb_net_run(a, x, 4, y) == ZB_OK);
    CHECK(zb_net_run(b, x, 4, z) == ZB_OK);
    CHECK(zb_net_run(a, x, 4, z) == ZB_OK);
    CHECK(memcmp(y, z, (size_t)4 * K * sizeof(float)) == 0);
    CHECK(memcmp(y, first, (size_t)4 * K * sizeof(float)) == 0);
    free(y), free(z), free(first), free(again), free(x);
    zb_net_free(a);
    zb_net_free(b);
}

int main(void)
{
    RUN(test_resnet18);
    RUN(test_squeezenet);
    RUN(test_densenet);
    RUN(test_run_order);
    return test_report();
}
