/* Keras weight files (.h5), read by zoobench's own bounds-checked HDF5 reader.
 *
 * Only the subset of HDF5 that h5py/Keras files use is understood (docs/hdf5.md);
 * anything else is refused with one error.  Every offset is checked against the
 * file, every loop and recursion is bounded, so a hostile file gives an error,
 * never a crash or a hang. */
#ifndef ZB_IO_H5_H
#define ZB_IO_H5_H

#include <stddef.h>

#include "core/wmap.h"

/* Largest .h5 file read (the whole file is read into memory). */
#define ZB_H5_MAX_FILE ((uint64_t)4 << 30)

/* One Keras layer: its weights are wmap items [first, first + count). */
typedef struct zb_keras_layer {
    char *name;  /* owned; may contain '/' */
    int first;
    int count;   /* 0 for weightless layers */
} zb_keras_layer;

/* A Keras 2.x weights file (save_weights) or full-model file (save). */
typedef struct zb_keras_h5 {
    zb_wmap *weights;         /* keys = weight names, layers' order then weight_names order */
    zb_keras_layer *layers;   /* `layer_names` order, nlayers entries */
    int nlayers;
    char *keras_version;      /* owned; NULL when absent */
    char *backend;            /* owned; NULL when absent */
    char *model_config;       /* owned JSON text of a full-model file; NULL when absent */
} zb_keras_h5;

/* Reads a Keras .h5 file.  On success *out is new (free with zb_keras_h5_free);
 * on error *out is NULL and the error reads "<path>: <reason>". */
zb_status zb_keras_h5_load(const char *path, zb_keras_h5 **out);

/* Same, from bytes in memory (not retained); `name` appears in error messages. */
zb_status zb_keras_h5_parse(const char *name, const void *buf, size_t len, zb_keras_h5 **out);

/* Frees everything; accepts NULL. */
void zb_keras_h5_free(zb_keras_h5 *k);

/* Loads every weight of a Keras 2.x weights or full-model file.  Keys are the
 * file's weight names ("conv1/kernel:0"), in file order: layers in `layer_names`
 * order, weights in each layer's `weight_names` order.  A valid HDF5 file that
 * is not a Keras file yields every numeric dataset instead, keyed by its path
 * ("group/dataset"), depth first in link order, each object once.  On success
 * *out is a new map the caller frees with zb_wmap_free; on error *out is NULL. */
zb_status zb_h5_load_wmap(const char *path, zb_wmap **out);

/* Same, from bytes in memory (not retained). */
zb_status zb_h5_parse_wmap(const char *name, const void *buf, size_t len, zb_wmap **out);

/* 1 when the file at `path` starts with the HDF5 signature (h5py writes no user block), else 0. */
int zb_h5_sniff(const char *path);

#endif
