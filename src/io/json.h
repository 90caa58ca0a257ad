/* A small JSON reader for model files (TF.js model.json, Keras model_config).
 *
 * Parses a whole document into a tree.  Bounds-checked, nesting capped at
 * ZB_JSON_MAX_DEPTH, strings NUL-terminated with \u escapes decoded to UTF-8
 * (a \u0000 escape is rejected: names must be C strings). */
#ifndef ZB_IO_JSON_H
#define ZB_IO_JSON_H

#include <stddef.h>

#include "zoobench.h"

#define ZB_JSON_MAX_DEPTH 64

typedef enum zb_json_type {
    ZB_JSON_NULL,
    ZB_JSON_BOOL,
    ZB_JSON_NUM,
    ZB_JSON_STR,
    ZB_JSON_ARR,
    ZB_JSON_OBJ
} zb_json_type;

typedef struct zb_json zb_json;
struct zb_json {
    zb_json_type type;
    double num;       /* NUM; BOOL: 0 or 1 */
    char *str;        /* STR: owned */
    int n;            /* ARR/OBJ: items */
    zb_json **items;  /* ARR/OBJ: owned */
    char **keys;      /* OBJ: owned, n keys */
};

/* Parses text[0..len).  `name` labels messages.  On success *out is a new tree
 * the caller frees with zb_json_free; on error *out is NULL and the message
 * gives the byte offset. */
zb_status zb_json_parse(const char *name, const char *text, size_t len, zb_json **out);

/* Reads and parses a file (at most 256 MiB). */
zb_status zb_json_load(const char *path, zb_json **out);

/* Frees a tree; accepts NULL. */
void zb_json_free(zb_json *v);

/* Object member `key` (the first one), or NULL when v is not an object or lacks it. */
const zb_json *zb_json_get(const zb_json *v, const char *key);

/* Array item i, or NULL when out of range or v is not an array. */
const zb_json *zb_json_at(const zb_json *v, int i);

/* The string of a STR value, or NULL. */
const char *zb_json_str(const zb_json *v);

/* 1 when v is a number that is an integer in [lo, hi], storing it in *out. */
int zb_json_int(const zb_json *v, long long lo, long long hi, long long *out);

#endif
