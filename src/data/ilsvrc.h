/* The ILSVRC2012 readers behind zb_dataset_open (src/data/dataset.c), exposed
 * to the fuzz harnesses (fuzz/fuzz_tar.c, fuzz_devkit.c, fuzz_meta_mat.c) and
 * to nothing else.  Each records "<file>: <reason>" with zb_error on failure. */
#ifndef ZB_DATA_ILSVRC_H
#define ZB_DATA_ILSVRC_H

#include <stddef.h>
#include <stdint.h>

#include "zoobench.h"

#define ZB_ILSVRC_MAX_MEMBER (256u << 20)       /* largest val tar member read into memory */
#define ZB_ILSVRC_MAX_NAME 255                  /* val tar member names: NAME_MAX */
#define ZB_ILSVRC_MAX_DEVKIT_FILE (32u << 20)   /* meta.mat, ground truth: each at most */
#define ZB_ILSVRC_MAX_DEVKIT_BYTES (256u << 20) /* the whole devkit, decompressed */
#define ZB_ILSVRC_MAX_SYNSETS (1 << 20)         /* meta.mat 'synsets' elements */

typedef struct zb_ilsvrc_synset {
    long id;     /* ILSVRC2012_ID */
    char *wnid;
} zb_ilsvrc_synset;

typedef struct zb_ilsvrc_member {
    char *name;
    int64_t pos;   /* order in the tar */
    int wnid;      /* index into the sorted wnids */
} zb_ilsvrc_member;

/* The devkit's ground truth and meta.mat, each malloc'ed, NUL-terminated (the
 * caller frees both, also on error). */
zb_status zb_ilsvrc_read_devkit(const char *path, char **gt, size_t *gtlen, char **meta, size_t *metalen);

/* meta.mat (MAT v5) 'synsets': the leaf synsets (num_children == 0) in file
 * order; *out (n items, each wnid malloc'ed) is the caller's: zb_ilsvrc_synsets_free. */
zb_status zb_ilsvrc_parse_meta(const char *devkit, const char *buf, size_t len, zb_ilsvrc_synset **out, int *n);
void zb_ilsvrc_synsets_free(zb_ilsvrc_synset *s, int n);

/* ILSVRC2012_validation_ground_truth.txt (NUL-terminated, len bytes): one
 * ILSVRC2012_ID per line; *ids (malloc'ed, *n of them) is the caller's. */
zb_status zb_ilsvrc_parse_gt(const char *devkit, const char *gt, size_t len, long **ids, int64_t *n);

/* The regular files of the val tar, in tar order; at most max_members of them.
 * Names must be plain file names (no '/', not '.' or '..', at most
 * ZB_ILSVRC_MAX_NAME bytes) whose data lies within the file.  *out (*n items) is
 * the caller's: zb_ilsvrc_members_free. */
zb_status zb_ilsvrc_list_tar(const char *path, int64_t max_members, zb_ilsvrc_member **out, int64_t *n);
void zb_ilsvrc_members_free(zb_ilsvrc_member *m, int64_t n);

#endif
