/* The table of all models (registry.c). */
#ifndef ZB_MODELS_REGISTRY_H
#define ZB_MODELS_REGISTRY_H

#include "models/models.h"
#include "zoobench.h"

typedef struct zb_model_entry {
    zb_model_info info;
    zb_build_fn build;
    int variant;
} zb_model_entry;

/* The entry named `name`, or NULL. */
const zb_model_entry *zb_model_entry_find(const char *name);

/* Builds the model's graph for an h x w input (0: the model's size).  On
 * success *out is a new graph the caller frees with zb_graph_free. */
zb_status zb_model_build(const char *name, int h, int w, zb_graph **out);

#endif
