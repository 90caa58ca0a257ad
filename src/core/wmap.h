/* A weight map: checkpoint key -> float32 tensor.
 *
 * Every weight loader (.pth, .h5, TF.js) produces one; the engine binds a
 * model's parameters from it by key.  Shapes are as stored by the framework
 * (PyTorch OIHW, Keras HWIO ...); the model code knows which. */
#ifndef ZB_CORE_WMAP_H
#define ZB_CORE_WMAP_H

#include <stdint.h>

#include "zoobench.h"

#define ZB_WMAP_MAXDIM 8

typedef struct zb_weight {
    char *name;                      /* owned, NUL-terminated */
    int ndim;
    int64_t shape[ZB_WMAP_MAXDIM];
    int64_t count;                   /* product of shape */
    float *data;                     /* owned, count floats */
    int used;                        /* set by the binder, for "unexpected key" checks */
} zb_weight;

typedef struct zb_wmap {
    zb_weight *items;
    int n, cap;
} zb_wmap;

/* New empty map; NULL when out of memory.  Free with zb_wmap_free. */
zb_wmap *zb_wmap_new(void);

/* Frees the map, its names and data; accepts NULL. */
void zb_wmap_free(zb_wmap *m);

/* Adds a tensor.  The map copies `name` and takes ownership of `data`
 * (malloc'd) on success and on failure alike.  Duplicate keys are an error. */
zb_status zb_wmap_add(zb_wmap *m, const char *name, int ndim, const int64_t *shape, float *data);

/* Entry with this key, or NULL.  The map keeps ownership. */
zb_weight *zb_wmap_find(const zb_wmap *m, const char *name);

#endif
