/* A model from the registry with seeded random weights, ready to run: for the
 * unit tests that check whole networks (determinism, Winograd invariance). */
#ifndef ZB_TESTS_TESTNET_H
#define ZB_TESTS_TESTNET_H

#include <stdint.h>
#include <stdio.h>

#include "models/net.h"
#include "models/registry.h"

/* NULL (with the error on stderr) when the model cannot be built. */
static inline zb_net *test_net(const char *model, int size, int threads, uint64_t seed)
{
    zb_graph *g = NULL;
    zb_wmap *w = NULL;
    zb_net *net = NULL;
    if (zb_model_build(model, size, size, &g) == ZB_OK && zb_graph_random_weights(g, seed, &w) == ZB_OK) {
        zb_net_opts o = {.height = size, .width = size, .nthreads = threads};
        if (zb_net_create_wmap(model, w, &o, NULL, &net) != ZB_OK)
            fprintf(stderr, "%s\n", zb_last_error());
    }
    zb_graph_free(g);
    zb_wmap_free(w);
    return net;
}

#endif
