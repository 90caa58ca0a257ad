/* The sample order of torchvision 0.14's datasets.ImageFolder. */
#ifndef ZB_IO_IMAGEFOLDER_H
#define ZB_IO_IMAGEFOLDER_H

#include <stdint.h>

#include "zoobench.h"

/* Labels of the images under `root`, in ImageFolder order: class folders
 * sorted, each walked recursively (symlinks followed) with directories and
 * then file names sorted, files kept when their name ends, case-insensitively,
 * in one of torchvision's IMG_EXTENSIONS.  The label is the class index.
 * On success *labels (N,) is the caller's to free; *nclasses may be NULL.
 * A class without images is an error, as in torchvision. */
zb_status zb_imagefolder_labels(const char *root, int64_t **labels, int64_t *n, int *nclasses);

/* zb_imagefolder_labels plus, when `paths` is not NULL, the N image paths
 * ("root/class/.../file"), each malloc'd, in an array the caller frees. */
zb_status zb_imagefolder_scan(const char *root, int64_t **labels, char ***paths, int64_t *n, int *nclasses);

/* 1 when torchvision's has_file_allowed_extension(name, IMG_EXTENSIONS) holds. */
int zb_imagefolder_is_image(const char *name);

#endif
