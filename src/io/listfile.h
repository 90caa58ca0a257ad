/* Dataset list files: one image a line with its integer label, as Caffe's
 * val.txt ("path label") or "path, label" (the VeriSilicon list).  Blank lines
 * and lines starting with '#' are skipped. */
#ifndef ZB_IO_LISTFILE_H
#define ZB_IO_LISTFILE_H

#include <stdint.h>

#include "zoobench.h"

typedef struct zb_listfile {
    int n;
    char **path;      /* n resolved paths, owned */
    int64_t *label;   /* n labels, owned */
    size_t prefix;    /* length of the "<dir>/" put before relative paths (0: none) */
} zb_listfile;

/* Reads `list`.  A relative image path is joined to `root` (NULL: the list's
 * own directory); when that file does not exist but root/<basename> does,
 * that is used instead (lists written for another folder layout, such as
 * "./data/x.JPEG").  Paths are not required to exist.  On success *out is a
 * new list the caller frees with zb_listfile_free; errors name the line. */
zb_status zb_listfile_load(const char *list, const char *root, zb_listfile **out);

/* The same from text[0..len) already in memory; `list` names it in messages
 * and locates relative paths when root is NULL.  The file reader refuses
 * files over 1 GiB; lines are at most 8190 bytes, entries at most 10^7. */
zb_status zb_listfile_parse(const char *list, const char *text, size_t len, const char *root, zb_listfile **out);

/* 1 when the file starts like a text list rather than a .npy array. */
int zb_listfile_sniff(const char *path);

/* Frees the list; accepts NULL. */
void zb_listfile_free(zb_listfile *l);

#endif
