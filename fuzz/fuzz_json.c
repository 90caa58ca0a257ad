/* libFuzzer harness: the JSON parser (TF.js model.json, the Keras
 * model_config), its accessors, and the Keras topology interpreter that
 * reads a parsed model config (zoobench classify -w model.json), from memory.
 * Build and run with fuzz/run.sh json; seeds in fuzz/corpus/json (fuzz/make_corpus_json.py). */
#include <stddef.h>
#include <stdint.h>

#include "core/graph.h"
#include "io/json.h"
#include "models/keras_json/topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zb_json *doc = NULL;
    if (zb_json_parse("fuzz.json", (const char *)data, size, &doc) != ZB_OK)
        return 0;
    /* As zb_net_create_json: modelTopology, or its model_config, or the doc itself (.h5). */
    const zb_json *t = zb_json_get(doc, "modelTopology");
    const zb_json *mc = zb_json_get(t, "model_config");
    const zb_json *config = mc ? mc : t ? t : doc;
    long long v;
    (void)zb_json_int(zb_json_at(doc, 0), -(1LL << 62), 1LL << 62, &v);
    int h, w, c, dropped;
    if (zb_keras_config_input("fuzz.json", config, &h, &w, &c) == ZB_OK) {
        /* Small inputs keep each run cheap; shape errors are the interesting part. */
        zb_graph *g = zb_graph_new("fuzz");
        if (g)
            (void)zb_keras_config_build(g, "fuzz.json", config, h && h <= 64 ? h : 32, w && w <= 64 ? w : 32,
                                        &dropped);
        zb_graph_free(g);
    }
    zb_json_free(doc);
    return 0;
}
