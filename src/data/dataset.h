/* Labelled image datasets for `zoobench predict`: an ImageFolder directory,
 * a list file ("path label" or "path, label" lines), or the raw ILSVRC2012
 * validation tar + devkit read in place (streamed, never extracted).
 *
 * Items are numbered in torchvision order (dataset index).  Reading goes in
 * "stream order" (zb_dataset_stream_order): the file order of the tar, the
 * dataset order otherwise, so a tar is read front to back once. */
#ifndef ZB_DATA_DATASET_H
#define ZB_DATA_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "zoobench.h"

typedef enum zb_dataset_kind { ZB_DS_FILES, ZB_DS_ILSVRC_TAR } zb_dataset_kind;

typedef struct zb_dataset {
    zb_dataset_kind kind;
    int64_t n;
    char **name;          /* (n,) file paths, or tar member names */
    int64_t *label;       /* (n,) class index; -1 for none */
    int64_t *stream_pos;  /* (n,) position in stream order (tar member order) */
    char *tar_path;       /* ILSVRC tar only */
    char **wnids;         /* ILSVRC only: the sorted class wnids, nclasses of them */
    int nclasses;
    uint8_t digest[32];   /* SHA-256 of the names and labels: the dataset's identity */
} zb_dataset;

typedef struct zb_dataset_opts {
    const char *devkit;   /* ILSVRC devkit .tar.gz; NULL: ILSVRC2012_devkit_t12.tar.gz beside the tar */
    const char *root;     /* list files: paths are relative to this (default: the list's directory) */
    int no_md5;           /* skip torchvision's MD5 checks of the tar and devkit */
    int flat_val;         /* a directory is the extracted val images (flat), labelled by the devkit */
} zb_dataset_opts;

/* Opens `spec`: a directory (ImageFolder), a .tar (ILSVRC2012 val, with its
 * devkit) or a list file.  *out is the caller's, freed by zb_dataset_free. */
zb_status zb_dataset_open(const char *spec, const zb_dataset_opts *o, zb_dataset **out);
void zb_dataset_free(zb_dataset *d);

/* Reads items in stream order.  Open with the dataset indices wanted (any
 * order; they are visited in stream order), then call next until it returns
 * 0.  next gives the item's index and its bytes (valid until the next call);
 * when one item cannot be read *st_item is its error (recorded with
 * zb_error) and *buf is NULL; a fatal error (the tar itself is broken) makes
 * next return -1. */
typedef struct zb_dsreader zb_dsreader;
zb_status zb_dsreader_open(const zb_dataset *d, const int64_t *items, int64_t count, zb_dsreader **out);
int zb_dsreader_next(zb_dsreader *r, int64_t *index, const uint8_t **buf, size_t *len, zb_status *st_item);
void zb_dsreader_free(zb_dsreader *r);

/* torchvision's pinned MD5 sums (torchvision/datasets/imagenet.py). */
#define ZB_ILSVRC_VAL_MD5 "29b22e2961454d5413ddabcf34fc5622"
#define ZB_ILSVRC_DEVKIT_MD5 "fa75699e90414af021442c21a62c3abf"

#endif
