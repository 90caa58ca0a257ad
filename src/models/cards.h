/* Model cards: where each model's official weights live, how to check them,
 * and what the frameworks and the seed published about it (cards.c).
 *
 * A separate table from models/registry.c, joined by name: a card's `model`
 * is the registry entry that builds it, at `input_size`.  Most cards are named
 * like their registry entry; the Keras MobileNet size variants add the size
 * ("keras/mobilenet_0.5_160" builds "keras/mobilenet_0.5" at 160x160). */
#ifndef ZB_MODELS_CARDS_H
#define ZB_MODELS_CARDS_H

#include <stdint.h>

#include "core/graph.h"
#include "zoobench.h"

typedef struct zb_card {
    const char *name;       /* "torchvision/resnet50", "keras/mobilenet_v2_0.5_160" */
    const char *model;      /* registry name it builds */
    int input_size;         /* 0: the registry entry's size */
    const char *url;        /* the framework's own download URL */
    const char *file;       /* file name in the cache (the framework's cache name) */
    /* Expected hash as the framework checks it, NULL when it publishes none:
     * torchvision: the hex in the file name, a prefix of the SHA-256;
     * keras: get_file's file_hash, MD5 (32 hex) or SHA-256 (64 hex). */
    const char *hash;
    const char *seed_name;  /* the seed's model name, NULL: not in the seed */
    double seed_top1, seed_top5;  /* percent, the seed's published predictions; < 0: none */
    double fw_top1, fw_top5;      /* percent, published by the framework; < 0: none */
    int64_t fw_params;            /* parameter count published by the framework; < 0: none */
    const char *fw_source;        /* where fw_* come from */
} zb_card;

int zb_card_count(void);
const zb_card *zb_card_at(int i);
/* The card named `name` (with or without the framework prefix when unique), or NULL. */
const zb_card *zb_card_find(const char *name);
/* The card's input size (its own or its registry entry's); 0 if the model is unknown. */
int zb_card_input_size(const zb_card *c);
/* "torchvision" or "keras" (from the registry); "?" if the model is unknown. */
const char *zb_card_framework(const zb_card *c);
/* The registry's preprocessing recipe name and a one-line description. */
const char *zb_card_recipe(const zb_card *c);
const char *zb_recipe_describe(const char *recipe);

/* Parameters and multiply-accumulates of a built graph, batch 1.
 * params: every weight tensor the graph binds (keras counts BN moving mean and
 * variance too, as Keras' count_params does; set `torch_params` to leave them
 * out, as torch's sum(p.numel() for p in parameters()) does).
 * macs: conv2d (out_h * out_w * out_c * in_c/groups * kh * kw) + dense (in * out);
 * other ops are not counted (the convention of torchvision's later `_ops`). */
void zb_graph_cost(const zb_graph *g, int torch_params, int64_t *params, int64_t *macs);

/* Builds the card's graph and counts it (zb_graph_cost with the framework's
 * convention).  ZB_ERR_ARG if the model is unknown. */
zb_status zb_card_cost(const zb_card *c, int64_t *params, int64_t *macs);

#endif
