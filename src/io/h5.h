/* Keras weight files (.h5), read by zoobench's own bounds-checked HDF5 reader. */
#ifndef ZB_IO_H5_H
#define ZB_IO_H5_H

#include "core/wmap.h"

/* Loads every weight of a Keras 2.x weights or full-model file.  Keys are the
 * file's weight names ("conv1/kernel:0"), in file order: layers in `layer_names`
 * order, weights in each layer's `weight_names` order.  On success *out is a new
 * map the caller frees with zb_wmap_free; on error *out is NULL. */
zb_status zb_h5_load_wmap(const char *path, zb_wmap **out);

#endif
