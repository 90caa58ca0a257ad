/* A restricted pickle reader for PyTorch checkpoints.
 *
 * It interprets pickle data and never executes anything: it accepts only the
 * opcodes and globals of PyTorch 1.13's weights_only unpickler
 * (torch/_weights_only_unpickler.py), plus three pure-data opcodes
 * (BINFLOAT, SHORT_BINBYTES, BINBYTES) that torch >= 2.0 also accepts, and
 * protocols 0..3 only.  The allowed callables (OrderedDict,
 * torch._utils._rebuild_tensor[_v2], _rebuild_parameter, torch.Size,
 * Parameter) are modelled, not called: a tensor is a record of storage,
 * offset, size and stride, checked against the storage's length.
 *
 * Every object lives in the reader's arena and is freed with it.  Resource
 * caps (ZB_PICKLE_MAX_*) are checked before allocating. */
#ifndef ZB_IO_PICKLE_H
#define ZB_IO_PICKLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/wmap.h"
#include "zoobench.h"

#define ZB_PICKLE_MAX_STACK (1 << 18)    /* values on the stack, all marks together */
#define ZB_PICKLE_MAX_MARKS 1000         /* nested MARKs: Python's own recursion limit */
#define ZB_PICKLE_MAX_MEMO (1 << 20)     /* memo indices */
#define ZB_PICKLE_MAX_OBJECTS (1 << 22)  /* objects created by one reader */
#define ZB_PICKLE_MAX_STRING (1 << 24)   /* bytes in one string */
#define ZB_PICKLE_MAX_ARENA ((size_t)1 << 30)

/* Element types of torch storages. */
typedef enum zb_pk_dtype {
    ZB_PK_F32, ZB_PK_F64, ZB_PK_F16, ZB_PK_BF16,
    ZB_PK_I64, ZB_PK_I32, ZB_PK_I16, ZB_PK_I8, ZB_PK_U8, ZB_PK_BOOL,
    ZB_PK_UNSUPPORTED, /* complex and quantized storages: allowed globals, not loadable */
} zb_pk_dtype;

size_t zb_pk_dtype_size(zb_pk_dtype t);     /* bytes per element, 0 if unsupported */
const char *zb_pk_dtype_name(zb_pk_dtype t);

typedef enum zb_pk_type {
    ZB_PK_NONE, ZB_PK_BOOL_, ZB_PK_INT, ZB_PK_BIGINT, ZB_PK_FLOAT, ZB_PK_STR, ZB_PK_BYTES,
    ZB_PK_TUPLE, ZB_PK_LIST, ZB_PK_DICT, ZB_PK_SET, ZB_PK_GLOBAL, ZB_PK_STORAGE, ZB_PK_TENSOR,
} zb_pk_type;

/* The allowed globals. */
typedef enum zb_pk_global {
    ZB_PKG_ORDEREDDICT, ZB_PKG_PARAMETER, ZB_PKG_GET_LAYOUT, ZB_PKG_SIZE, ZB_PKG_TENSOR,
    ZB_PKG_DTYPE, ZB_PKG_TENSOR_CLASS, ZB_PKG_STORAGE_CLASS, ZB_PKG_TYPED_STORAGE,
    ZB_PKG_REBUILD_PARAMETER, ZB_PKG_REBUILD_TENSOR, ZB_PKG_REBUILD_TENSOR_V2,
    ZB_PKG_REBUILD_SPARSE, ZB_PKG_REBUILD_SPARSE_CSR, ZB_PKG_REBUILD_META,
} zb_pk_global;

typedef struct zb_pk_obj zb_pk_obj;

typedef struct zb_pk_dict {
    zb_pk_obj **keys, **vals; /* insertion order, n entries */
    uint32_t n, cap;
    int32_t *idx;             /* open-addressing index into keys, idxcap slots, -1 empty */
    uint32_t idxcap;
    int ordered;              /* collections.OrderedDict rather than dict */
} zb_pk_dict;

typedef struct zb_pk_tensor {
    zb_pk_obj *storage;       /* a ZB_PK_STORAGE */
    int64_t offset;           /* in elements */
    int ndim;
    int64_t size[ZB_WMAP_MAXDIM], stride[ZB_WMAP_MAXDIM];
    int64_t count;            /* product of size */
} zb_pk_tensor;

struct zb_pk_obj {
    zb_pk_type type;
    union {
        int64_t i;                                         /* BOOL_, INT */
        double f;                                          /* FLOAT */
        struct { const char *s; uint32_t len; } str;       /* STR (NUL-terminated), BYTES, BIGINT (LE bytes) */
        struct { zb_pk_obj **items; uint32_t n, cap; } seq; /* TUPLE, LIST */
        zb_pk_dict *dict;                                  /* DICT */
        struct { zb_pk_global kind; zb_pk_dtype dtype; const char *name; } global;
        struct { int id; zb_pk_dtype dtype; int64_t numel; } storage; /* id: the caller's */
        zb_pk_tensor *tensor;
    } u;
};

typedef struct zb_pickle zb_pickle;

/* Persistent-id hook: gets the BINPERSID argument, returns a ZB_PK_STORAGE
 * (zb_pickle_storage) in *out, or an error status (message recorded). */
typedef zb_status (*zb_pk_persid_fn)(void *user, zb_pickle *pk, const zb_pk_obj *pid, zb_pk_obj **out);

/* New reader; `name` prefixes error messages ("model.pth: data.pkl").
 * NULL when out of memory.  Free with zb_pickle_free (accepts NULL). */
zb_pickle *zb_pickle_new(const char *name);
void zb_pickle_free(zb_pickle *pk);

/* Reads one pickle from buf[0..len) up to its STOP.  *used gets the bytes
 * consumed (may be NULL).  persid may be NULL: BINPERSID is then an error.
 * The result lives in the reader's arena until zb_pickle_free. */
zb_status zb_pickle_load(zb_pickle *pk, const uint8_t *buf, size_t len, size_t *used,
                         zb_pk_persid_fn persid, void *user, zb_pk_obj **out);

/* A storage object for a persid hook.  NULL when a cap is hit (message recorded). */
zb_pk_obj *zb_pickle_storage(zb_pickle *pk, int id, zb_pk_dtype dtype, int64_t numel);

/* The name prefix given to zb_pickle_new. */
const char *zb_pickle_name(const zb_pickle *pk);

/* Dict lookup by string key; NULL when absent. */
zb_pk_obj *zb_pk_dict_get(const zb_pk_dict *d, const char *key);

/* Short Python-like type name for messages ("int", "dict", "tensor" ...). */
const char *zb_pk_type_name(const zb_pk_obj *o);

/* 1 when o is a str (or bytes) equal to s. */
int zb_pk_is_str(const zb_pk_obj *o, const char *s);

#endif
