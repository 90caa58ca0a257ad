/* Restricted pickle reader: see pickle.h.  Mirrors the opcode loop of
 * torch/_weights_only_unpickler.py (torch 1.13), with one value stack and a
 * stack of mark positions instead of Python's list of lists. */
#include "io/pickle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

/* ---- arena ---------------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
} arena_block;

struct zb_pickle {
    char name[256];
    arena_block *blocks;
    size_t arena_bytes;
    uint32_t nobjects;
    /* per-load state */
    const uint8_t *buf;
    size_t len, pos;
    size_t op_pos;        /* offset of the opcode being run, for messages */
    zb_pk_obj **stack;    /* stack_cap entries, grown up to ZB_PICKLE_MAX_STACK */
    uint32_t sp, stack_cap;
    uint32_t *marks;      /* ZB_PICKLE_MAX_MARKS */
    uint32_t nmarks;
    zb_pk_obj **memo;
    uint32_t memo_cap;
};

static void *arena_alloc(zb_pickle *pk, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    arena_block *b = pk->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        if (pk->arena_bytes + cap > ZB_PICKLE_MAX_ARENA)
            return NULL;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = pk->blocks;
        b->used = 0;
        b->cap = cap;
        pk->blocks = b;
        pk->arena_bytes += cap;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

zb_pickle *zb_pickle_new(const char *name)
{
    zb_pickle *pk = calloc(1, sizeof *pk);
    if (!pk)
        return NULL;
    snprintf(pk->name, sizeof pk->name, "%s", name);
    pk->stack_cap = 256;
    pk->stack = malloc(pk->stack_cap * sizeof *pk->stack);
    pk->marks = malloc(ZB_PICKLE_MAX_MARKS * sizeof *pk->marks);
    if (!pk->stack || !pk->marks) {
        zb_pickle_free(pk);
        return NULL;
    }
    return pk;
}

void zb_pickle_free(zb_pickle *pk)
{
    if (!pk)
        return;
    for (arena_block *b = pk->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(pk->stack);
    free(pk->marks);
    free(pk->memo);
    free(pk);
}

const char *zb_pickle_name(const zb_pickle *pk) { return pk->name; }

/* ---- errors ----------------------------------------------------------------- */

#define FAIL(pk, st, ...) fail_at(pk, st, __VA_ARGS__)

static zb_status ZB_PRINTF(3, 4) fail_at(zb_pickle *pk, zb_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return zb_error(st, "%s: %s (pickle byte %zu)", pk->name, msg, pk->op_pos);
}

/* ---- objects ---------------------------------------------------------------- */

static zb_pk_obj *new_obj(zb_pickle *pk, zb_pk_type t)
{
    if (pk->nobjects >= ZB_PICKLE_MAX_OBJECTS)
        return NULL;
    zb_pk_obj *o = arena_alloc(pk, sizeof *o);
    if (!o)
        return NULL;
    pk->nobjects++;
    memset(o, 0, sizeof *o);
    o->type = t;
    return o;
}

static zb_status nomem(zb_pickle *pk)
{
    if (pk->nobjects >= ZB_PICKLE_MAX_OBJECTS)
        return FAIL(pk, ZB_ERR_LIMIT, "more than %d objects", ZB_PICKLE_MAX_OBJECTS);
    return FAIL(pk, ZB_ERR_LIMIT, "out of memory or over the %zu MiB pickle arena cap", ZB_PICKLE_MAX_ARENA >> 20);
}

zb_pk_obj *zb_pickle_storage(zb_pickle *pk, int id, zb_pk_dtype dtype, int64_t numel)
{
    zb_pk_obj *o = new_obj(pk, ZB_PK_STORAGE);
    if (!o) {
        nomem(pk);
        return NULL;
    }
    o->u.storage.id = id;
    o->u.storage.dtype = dtype;
    o->u.storage.numel = numel;
    return o;
}

static const char *const dtype_names[] = {
    "float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool", "unsupported",
};
static const uint8_t dtype_sizes[] = {4, 8, 2, 2, 8, 4, 2, 1, 1, 1, 0};
_Static_assert(sizeof dtype_names / sizeof *dtype_names == ZB_PK_UNSUPPORTED + 1, "dtype table");
_Static_assert(sizeof dtype_sizes == ZB_PK_UNSUPPORTED + 1, "dtype table");

size_t zb_pk_dtype_size(zb_pk_dtype t) { return dtype_sizes[t]; }
const char *zb_pk_dtype_name(zb_pk_dtype t) { return dtype_names[t]; }

const char *zb_pk_type_name(const zb_pk_obj *o)
{
    static const char *const names[] = {"None", "bool", "int", "int", "float", "str", "bytes", "tuple",
                                        "list", "dict", "set", "global", "storage", "tensor"};
    _Static_assert(sizeof names / sizeof *names == ZB_PK_TENSOR + 1, "type names");
    if (o->type == ZB_PK_DICT && o->u.dict->ordered)
        return "OrderedDict";
    return names[o->type];
}

int zb_pk_is_str(const zb_pk_obj *o, const char *s)
{
    return o && (o->type == ZB_PK_STR || o->type == ZB_PK_BYTES) && o->u.str.len == strlen(s) &&
           memcmp(o->u.str.s, s, o->u.str.len) == 0;
}

/* Sequences grow by doubling inside the arena (the old array is simply left behind). */
static int seq_push(zb_pickle *pk, zb_pk_obj *seq, zb_pk_obj *item)
{
    if (seq->u.seq.n == seq->u.seq.cap) {
        uint32_t cap = seq->u.seq.cap ? seq->u.seq.cap * 2 : 4;
        if (cap > ZB_PICKLE_MAX_OBJECTS)
            return 0;
        zb_pk_obj **items = arena_alloc(pk, (size_t)cap * sizeof *items);
        if (!items)
            return 0;
        if (seq->u.seq.n)
            memcpy(items, seq->u.seq.items, seq->u.seq.n * sizeof *items);
        seq->u.seq.items = items;
        seq->u.seq.cap = cap;
    }
    seq->u.seq.items[seq->u.seq.n++] = item;
    return 1;
}

/* ---- dicts: Python equality on str/bytes/int/bool/None keys ---------------- */

static int hashable(const zb_pk_obj *k)
{
    return k->type == ZB_PK_STR || k->type == ZB_PK_BYTES || k->type == ZB_PK_INT || k->type == ZB_PK_BOOL_ ||
           k->type == ZB_PK_NONE;
}

static uint64_t key_hash(const zb_pk_obj *k)
{
    uint64_t h = 1469598103934665603ull;
    if (k->type == ZB_PK_STR || k->type == ZB_PK_BYTES) {
        h ^= (uint64_t)k->type;
        for (uint32_t i = 0; i < k->u.str.len; i++)
            h = (h ^ (uint8_t)k->u.str.s[i]) * 1099511628211ull;
    } else if (k->type == ZB_PK_INT || k->type == ZB_PK_BOOL_) { /* True == 1 in Python */
        h = (uint64_t)k->u.i * 0x9e3779b97f4a7c15ull;
    }
    return h ^ (h >> 29);
}

static int key_eq(const zb_pk_obj *a, const zb_pk_obj *b)
{
    int ai = a->type == ZB_PK_INT || a->type == ZB_PK_BOOL_, bi = b->type == ZB_PK_INT || b->type == ZB_PK_BOOL_;
    if (ai || bi)
        return ai && bi && a->u.i == b->u.i;
    if (a->type != b->type)
        return 0;
    if (a->type == ZB_PK_NONE)
        return 1;
    return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
}

static int32_t dict_slot(const zb_pk_dict *d, const zb_pk_obj *k, uint32_t *slot)
{
    uint32_t mask = d->idxcap - 1, s = (uint32_t)key_hash(k) & mask;
    for (;; s = (s + 1) & mask) {
        int32_t e = d->idx[s];
        if (e < 0 || key_eq(d->keys[e], k)) {
            *slot = s;
            return e;
        }
    }
}

static int dict_grow(zb_pickle *pk, zb_pk_dict *d)
{
    uint32_t cap = d->cap ? d->cap * 2 : 8;
    if (cap > ZB_PICKLE_MAX_OBJECTS)
        return 0;
    zb_pk_obj **keys = arena_alloc(pk, (size_t)cap * sizeof *keys);
    zb_pk_obj **vals = arena_alloc(pk, (size_t)cap * sizeof *vals);
    int32_t *idx = arena_alloc(pk, (size_t)cap * 2 * sizeof *idx);
    if (!keys || !vals || !idx)
        return 0;
    if (d->n) {
        memcpy(keys, d->keys, d->n * sizeof *keys);
        memcpy(vals, d->vals, d->n * sizeof *vals);
    }
    d->keys = keys;
    d->vals = vals;
    d->cap = cap;
    d->idx = idx;
    d->idxcap = cap * 2;
    memset(idx, 0xff, (size_t)d->idxcap * sizeof *idx);
    for (uint32_t i = 0; i < d->n; i++) {
        uint32_t s;
        dict_slot(d, keys[i], &s);
        idx[s] = (int32_t)i;
    }
    return 1;
}

static zb_status dict_set(zb_pickle *pk, zb_pk_obj *dobj, zb_pk_obj *k, zb_pk_obj *v)
{
    if (!hashable(k))
        return FAIL(pk, ZB_ERR_FORMAT, "dict key of type %s is not supported", zb_pk_type_name(k));
    zb_pk_dict *d = dobj->u.dict;
    if (d->n == d->cap && !dict_grow(pk, d))
        return nomem(pk);
    uint32_t s;
    int32_t e = dict_slot(d, k, &s);
    if (e >= 0) { /* Python keeps the first key and position, replaces the value */
        d->vals[e] = v;
        return ZB_OK;
    }
    d->keys[d->n] = k;
    d->vals[d->n] = v;
    d->idx[s] = (int32_t)d->n++;
    return ZB_OK;
}

zb_pk_obj *zb_pk_dict_get(const zb_pk_dict *d, const char *key)
{
    if (!d->n)
        return NULL;
    zb_pk_obj k = {.type = ZB_PK_STR};
    k.u.str.s = key;
    k.u.str.len = (uint32_t)strlen(key);
    uint32_t s;
    int32_t e = dict_slot(d, &k, &s);
    return e >= 0 ? d->vals[e] : NULL;
}

static zb_pk_obj *new_dict(zb_pickle *pk, int ordered)
{
    zb_pk_obj *o = new_obj(pk, ZB_PK_DICT);
    if (!o)
        return NULL;
    o->u.dict = arena_alloc(pk, sizeof *o->u.dict);
    if (!o->u.dict)
        return NULL;
    memset(o->u.dict, 0, sizeof *o->u.dict);
    o->u.dict->ordered = ordered;
    return o;
}

/* ---- globals ---------------------------------------------------------------- */

static const struct {
    const char *path;
    zb_pk_global kind;
} fixed_globals[] = {
    {"collections.OrderedDict", ZB_PKG_ORDEREDDICT},
    {"torch.nn.parameter.Parameter", ZB_PKG_PARAMETER},
    {"torch.serialization._get_layout", ZB_PKG_GET_LAYOUT},
    {"torch.Size", ZB_PKG_SIZE},
    {"torch.Tensor", ZB_PKG_TENSOR},
    {"torch._utils._rebuild_parameter", ZB_PKG_REBUILD_PARAMETER},
    {"torch._utils._rebuild_tensor", ZB_PKG_REBUILD_TENSOR},
    {"torch._utils._rebuild_tensor_v2", ZB_PKG_REBUILD_TENSOR_V2},
    {"torch._utils._rebuild_sparse_tensor", ZB_PKG_REBUILD_SPARSE},
    {"torch._utils._rebuild_sparse_csr_tensor", ZB_PKG_REBUILD_SPARSE_CSR},
    {"torch._utils._rebuild_meta_tensor_no_storage", ZB_PKG_REBUILD_META},
    {"torch.storage.TypedStorage", ZB_PKG_TYPED_STORAGE},
    {"torch.storage.UntypedStorage", ZB_PKG_STORAGE_CLASS}, /* dtype uint8, set below */
};

static const char *const dtype_globals[] = {"complex32", "complex64", "complex128", "float16", "float32",
                                            "float64", "int8", "int16", "int32", "int64"};

static const struct {
    const char *prefix; /* Storage / Tensor class stem */
    zb_pk_dtype dtype;
} type_stems[] = {
    {"Float", ZB_PK_F32}, {"Double", ZB_PK_F64}, {"Half", ZB_PK_F16}, {"BFloat16", ZB_PK_BF16},
    {"Long", ZB_PK_I64}, {"Int", ZB_PK_I32}, {"Short", ZB_PK_I16}, {"Char", ZB_PK_I8},
    {"Byte", ZB_PK_U8}, {"Bool", ZB_PK_BOOL}, {"ComplexFloat", ZB_PK_UNSUPPORTED},
    {"ComplexDouble", ZB_PK_UNSUPPORTED}, {"QInt32", ZB_PK_UNSUPPORTED}, {"QInt8", ZB_PK_UNSUPPORTED},
    {"QUInt8", ZB_PK_UNSUPPORTED}, {"QUInt4x2", ZB_PK_UNSUPPORTED}, {"QUInt2x4", ZB_PK_UNSUPPORTED},
};

/* Resolves module.name against the allowlist of torch 1.13's weights_only unpickler. */
static int lookup_global(const char *mod, const char *name, zb_pk_global *kind, zb_pk_dtype *dtype)
{
    char path[600];
    snprintf(path, sizeof path, "%s.%s", mod, name);
    *dtype = ZB_PK_UNSUPPORTED;
    for (size_t i = 0; i < sizeof fixed_globals / sizeof *fixed_globals; i++) {
        if (!strcmp(path, fixed_globals[i].path)) {
            *kind = fixed_globals[i].kind;
            if (*kind == ZB_PKG_STORAGE_CLASS)
                *dtype = ZB_PK_U8;
            return 1;
        }
    }
    if (!strcmp(mod, "torch"))
        for (size_t i = 0; i < sizeof dtype_globals / sizeof *dtype_globals; i++)
            if (!strcmp(name, dtype_globals[i])) {
                *kind = ZB_PKG_DTYPE;
                return 1;
            }
    int storage_mod = !strcmp(mod, "torch") || !strcmp(mod, "torch.cuda");
    int tensor_mod = storage_mod || !strcmp(mod, "torch.sparse") || !strcmp(mod, "torch.cuda.sparse");
    for (size_t i = 0; i < sizeof type_stems / sizeof *type_stems; i++) {
        size_t n = strlen(type_stems[i].prefix);
        if (strncmp(name, type_stems[i].prefix, n))
            continue;
        const char *rest = name + n;
        if (storage_mod && !strcmp(rest, "Storage")) {
            /* torch.cuda has no quantized storages */
            if (!strcmp(mod, "torch.cuda") && name[0] == 'Q')
                return 0;
            *kind = ZB_PKG_STORAGE_CLASS;
            *dtype = type_stems[i].dtype;
            return 1;
        }
        /* Tensor classes: no complex, quantized, or sparse bool ones */
        if (tensor_mod && !strcmp(rest, "Tensor") && type_stems[i].dtype != ZB_PK_UNSUPPORTED &&
            !(strstr(mod, "sparse") && type_stems[i].dtype == ZB_PK_BOOL)) {
            *kind = ZB_PKG_TENSOR_CLASS;
            return 1;
        }
    }
    return 0;
}

/* ---- reading ------------------------------------------------------------------ */

static int need_bytes(zb_pickle *pk, size_t n) { return pk->len - pk->pos >= n; }

static uint64_t rd_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Reads a GLOBAL operand line (without '\n') into out[cap]. */
static zb_status read_line(zb_pickle *pk, char *out, size_t cap)
{
    size_t start = pk->pos;
    while (pk->pos < pk->len && pk->buf[pk->pos] != '\n') {
        if (pk->pos - start >= cap - 1)
            return FAIL(pk, ZB_ERR_FORMAT, "GLOBAL operand longer than %zu bytes", cap - 1);
        if (pk->buf[pk->pos] == 0)
            return FAIL(pk, ZB_ERR_FORMAT, "NUL byte in a GLOBAL operand");
        pk->pos++;
    }
    if (pk->pos >= pk->len)
        return FAIL(pk, ZB_ERR_FORMAT, "truncated: GLOBAL operand has no end of line");
    memcpy(out, pk->buf + start, pk->pos - start);
    out[pk->pos - start] = '\0';
    pk->pos++;
    return ZB_OK;
}

/* Strict UTF-8 as Python decodes it with surrogatepass (surrogates allowed). */
static int valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        int len;
        uint32_t min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i < (size_t)len)
            return 0;
        uint32_t cp = c & (0x7f >> len);
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff)
            return 0;
        i += (size_t)len;
    }
    return 1;
}

static zb_status push(zb_pickle *pk, zb_pk_obj *o)
{
    if (!o)
        return nomem(pk);
    if (pk->sp >= ZB_PICKLE_MAX_STACK)
        return FAIL(pk, ZB_ERR_LIMIT, "stack deeper than %d", ZB_PICKLE_MAX_STACK);
    if (pk->sp == pk->stack_cap) {
        zb_pk_obj **st = realloc(pk->stack, (size_t)pk->stack_cap * 2 * sizeof *st);
        if (!st)
            return FAIL(pk, ZB_ERR_NOMEM, "out of memory");
        pk->stack = st;
        pk->stack_cap *= 2;
    }
    pk->stack[pk->sp++] = o;
    return ZB_OK;
}

/* Values above the innermost mark: Python's `self.stack` after MARK. */
static uint32_t avail(const zb_pickle *pk) { return pk->sp - (pk->nmarks ? pk->marks[pk->nmarks - 1] : 0); }

static zb_status read_string(zb_pickle *pk, size_t n, zb_pk_type t)
{
    if (n > ZB_PICKLE_MAX_STRING)
        return FAIL(pk, ZB_ERR_LIMIT, "string of %zu bytes, at most %d accepted", n, ZB_PICKLE_MAX_STRING);
    if (!need_bytes(pk, n))
        return FAIL(pk, ZB_ERR_FORMAT, "truncated: string of %zu bytes runs past the end", n);
    if (t == ZB_PK_STR && !valid_utf8(pk->buf + pk->pos, n))
        return FAIL(pk, ZB_ERR_FORMAT, "string is not valid UTF-8");
    zb_pk_obj *o = new_obj(pk, t);
    char *s = o ? arena_alloc(pk, n + 1) : NULL;
    if (!s)
        return nomem(pk);
    memcpy(s, pk->buf + pk->pos, n);
    s[n] = '\0';
    pk->pos += n;
    o->u.str.s = s;
    o->u.str.len = (uint32_t)n;
    return push(pk, o);
}

static zb_status tuple_from(zb_pickle *pk, uint32_t n)
{
    zb_pk_obj *t = new_obj(pk, ZB_PK_TUPLE);
    if (!t)
        return nomem(pk);
    if (n) {
        t->u.seq.items = arena_alloc(pk, n * sizeof(zb_pk_obj *));
        if (!t->u.seq.items)
            return nomem(pk);
        memcpy(t->u.seq.items, pk->stack + pk->sp - n, n * sizeof(zb_pk_obj *));
        t->u.seq.n = t->u.seq.cap = n;
    }
    pk->sp -= n;
    return push(pk, t);
}

/* ---- modelled callables ------------------------------------------------------- */

static int is_int(const zb_pk_obj *o) { return o->type == ZB_PK_INT; }

static zb_status int_tuple(zb_pickle *pk, const zb_pk_obj *o, const char *what, int64_t *out, int *n)
{
    if (o->type != ZB_PK_TUPLE)
        return FAIL(pk, ZB_ERR_FORMAT, "tensor %s is a %s, expected a tuple", what, zb_pk_type_name(o));
    if (o->u.seq.n > ZB_WMAP_MAXDIM)
        return FAIL(pk, ZB_ERR_UNSUPPORTED, "tensor with %u dimensions, at most %d supported", o->u.seq.n,
                    ZB_WMAP_MAXDIM);
    for (uint32_t i = 0; i < o->u.seq.n; i++) {
        if (!is_int(o->u.seq.items[i]))
            return FAIL(pk, ZB_ERR_FORMAT, "tensor %s holds a %s", what, zb_pk_type_name(o->u.seq.items[i]));
        if (o->u.seq.items[i]->u.i < 0)
            return FAIL(pk, ZB_ERR_FORMAT, "negative tensor %s %lld", what, (long long)o->u.seq.items[i]->u.i);
        out[i] = o->u.seq.items[i]->u.i;
    }
    *n = (int)o->u.seq.n;
    return ZB_OK;
}

/* _rebuild_tensor(storage, storage_offset, size, stride): Tensor.set_ checks, plus
 * that the storage holds every element (torch would silently grow it). */
static zb_status rebuild_tensor(zb_pickle *pk, zb_pk_obj **a, zb_pk_obj **out)
{
    if (a[0]->type != ZB_PK_STORAGE)
        return FAIL(pk, ZB_ERR_FORMAT, "_rebuild_tensor: argument 1 is a %s, not a storage", zb_pk_type_name(a[0]));
    if (!is_int(a[1]) || a[1]->u.i < 0)
        return FAIL(pk, ZB_ERR_FORMAT, "_rebuild_tensor: storage offset is not a non-negative int");
    zb_pk_tensor *t = arena_alloc(pk, sizeof *t);
    if (!t)
        return nomem(pk);
    memset(t, 0, sizeof *t);
    t->storage = a[0];
    t->offset = a[1]->u.i;
    int ns, nt;
    zb_status st = int_tuple(pk, a[2], "size", t->size, &ns);
    if (st == ZB_OK)
        st = int_tuple(pk, a[3], "stride", t->stride, &nt);
    if (st != ZB_OK)
        return st;
    if (ns != nt)
        return FAIL(pk, ZB_ERR_FORMAT, "tensor has %d sizes but %d strides", ns, nt);
    t->ndim = ns;
    int64_t count = 1, last = t->offset; /* index of the last element */
    for (int d = 0; d < ns; d++)
        if (__builtin_mul_overflow(count, t->size[d], &count))
            return FAIL(pk, ZB_ERR_LIMIT, "tensor element count overflows");
    if (count > 0) {
        for (int d = 0; d < ns; d++) {
            int64_t span;
            if (__builtin_mul_overflow(t->size[d] - 1, t->stride[d], &span) || __builtin_add_overflow(last, span, &last))
                return FAIL(pk, ZB_ERR_LIMIT, "tensor extent overflows");
        }
        if (last >= a[0]->u.storage.numel)
            return FAIL(pk, ZB_ERR_FORMAT,
                        "storage shorter than its tensor: the tensor reaches element %lld, the storage has %lld",
                        (long long)last, (long long)a[0]->u.storage.numel);
    }
    t->count = count;
    zb_pk_obj *o = new_obj(pk, ZB_PK_TENSOR);
    if (!o)
        return nomem(pk);
    o->u.tensor = t;
    *out = o;
    return ZB_OK;
}

static int empty_dict(const zb_pk_obj *o) { return o->type == ZB_PK_DICT && o->u.dict->n == 0; }

/* REDUCE func(*args) for the modelled callables; *out is the result. */
static zb_status call(zb_pickle *pk, zb_pk_obj *fn, zb_pk_obj *args, zb_pk_obj **out)
{
    if (fn->type != ZB_PK_GLOBAL)
        return FAIL(pk, ZB_ERR_FORMAT, "REDUCE on a %s: only allowed globals may be called", zb_pk_type_name(fn));
    if (args->type != ZB_PK_TUPLE)
        return FAIL(pk, ZB_ERR_FORMAT, "REDUCE arguments are a %s, not a tuple", zb_pk_type_name(args));
    uint32_t n = args->u.seq.n;
    zb_pk_obj **a = args->u.seq.items;
    switch (fn->u.global.kind) {
    case ZB_PKG_ORDEREDDICT:
        if (n != 0)
            return FAIL(pk, ZB_ERR_UNSUPPORTED, "OrderedDict with constructor arguments");
        *out = new_dict(pk, 1);
        return *out ? ZB_OK : nomem(pk);
    case ZB_PKG_SIZE: /* torch.Size(tuple of ints) -> tuple */
        if (n != 1 || a[0]->type != ZB_PK_TUPLE)
            return FAIL(pk, ZB_ERR_FORMAT, "torch.Size expects one tuple");
        for (uint32_t i = 0; i < a[0]->u.seq.n; i++)
            if (!is_int(a[0]->u.seq.items[i]))
                return FAIL(pk, ZB_ERR_FORMAT, "torch.Size of a non-int");
        *out = a[0];
        return ZB_OK;
    case ZB_PKG_REBUILD_TENSOR:
        if (n != 4)
            return FAIL(pk, ZB_ERR_FORMAT, "_rebuild_tensor takes 4 arguments, got %u", n);
        return rebuild_tensor(pk, a, out);
    case ZB_PKG_REBUILD_TENSOR_V2:
        /* (storage, offset, size, stride, requires_grad, backward_hooks[, metadata]) */
        if (n != 6 && n != 7)
            return FAIL(pk, ZB_ERR_FORMAT, "_rebuild_tensor_v2 takes 6 or 7 arguments, got %u", n);
        if (a[4]->type != ZB_PK_BOOL_)
            return FAIL(pk, ZB_ERR_FORMAT, "_rebuild_tensor_v2: requires_grad is a %s", zb_pk_type_name(a[4]));
        if (!empty_dict(a[5]))
            return FAIL(pk, ZB_ERR_UNSUPPORTED, "_rebuild_tensor_v2: backward hooks are not supported");
        if (n == 7 && a[6]->type != ZB_PK_NONE && !empty_dict(a[6]))
            return FAIL(pk, ZB_ERR_UNSUPPORTED, "_rebuild_tensor_v2: tensor metadata is not supported");
        return rebuild_tensor(pk, a, out);
    case ZB_PKG_REBUILD_PARAMETER: /* (data, requires_grad, backward_hooks) */
        if (n != 3 || a[0]->type != ZB_PK_TENSOR || a[1]->type != ZB_PK_BOOL_ || !empty_dict(a[2]))
            return FAIL(pk, ZB_ERR_FORMAT, "_rebuild_parameter expects (tensor, bool, empty hooks)");
        *out = a[0];
        return ZB_OK;
    default:
        return FAIL(pk, ZB_ERR_UNSUPPORTED, "calling %s is allowed by torch but not supported for weights",
                    fn->u.global.name);
    }
}

/* ---- the opcode loop ---------------------------------------------------------- */

enum {
    OP_MARK = '(', OP_STOP = '.', OP_BINFLOAT = 'G', OP_BININT = 'J', OP_BININT1 = 'K', OP_BININT2 = 'M',
    OP_NONE = 'N', OP_BINPERSID = 'Q', OP_REDUCE = 'R', OP_SHORT_BINSTRING = 'U', OP_BINUNICODE = 'X',
    OP_APPEND = 'a', OP_BUILD = 'b', OP_GLOBAL = 'c', OP_APPENDS = 'e', OP_BINGET = 'h', OP_LONG_BINGET = 'j',
    OP_BINPUT = 'q', OP_LONG_BINPUT = 'r', OP_SETITEM = 's', OP_TUPLE = 't', OP_SETITEMS = 'u',
    OP_EMPTY_DICT = '}', OP_EMPTY_LIST = ']', OP_EMPTY_TUPLE = ')', OP_BINBYTES = 'B', OP_SHORT_BINBYTES = 'C',
    OP_PROTO = 0x80, OP_NEWOBJ = 0x81, OP_TUPLE1 = 0x85, OP_TUPLE2 = 0x86, OP_TUPLE3 = 0x87,
    OP_NEWTRUE = 0x88, OP_NEWFALSE = 0x89, OP_LONG1 = 0x8a, OP_EMPTY_SET = 0x8f,
};

/* Names of known but refused opcodes, for the error message. */
static const char *refused_name(int op)
{
    switch (op) {
    case 0x93: return "STACK_GLOBAL";
    case 'i': return "INST";
    case 'o': return "OBJ";
    case 0x82: case 0x83: case 0x84: return "EXT";
    case 0x92: return "NEWOBJ_EX";
    case 0x95: return "FRAME";
    case 0x94: return "MEMOIZE";
    case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";
    case 0x98: return "READONLY_BUFFER";
    case 0x8e: return "BINBYTES8";
    case 0x8d: return "BINUNICODE8";
    case 0x8c: return "SHORT_BINUNICODE";
    case 0x90: return "ADDITEMS";
    case 0x91: return "FROZENSET";
    case 0x8b: return "LONG4";
    case 'P': return "PERSID";
    case 'I': return "INT";
    case 'L': return "LONG";
    case 'F': return "FLOAT";
    case 'S': return "STRING";
    case 'V': return "UNICODE";
    case 'T': return "BINSTRING";
    case 'g': return "GET";
    case 'p': return "PUT";
    case 'l': return "LIST";
    case 'd': return "DICT";
    case '0': return "POP";
    case '1': return "POP_MARK";
    case '2': return "DUP";
    default: return NULL;
    }
}

static zb_status pop_mark(zb_pickle *pk, uint32_t *n)
{
    if (!pk->nmarks)
        return FAIL(pk, ZB_ERR_FORMAT, "no MARK on the stack");
    *n = pk->sp - pk->marks[--pk->nmarks];
    return ZB_OK;
}

static zb_status memo_put(zb_pickle *pk, uint64_t i)
{
    if (!avail(pk))
        return FAIL(pk, ZB_ERR_FORMAT, "PUT on an empty stack");
    if (i >= ZB_PICKLE_MAX_MEMO)
        return FAIL(pk, ZB_ERR_LIMIT, "memo index %llu, at most %d accepted", (unsigned long long)i, ZB_PICKLE_MAX_MEMO);
    if (i >= pk->memo_cap) {
        uint32_t cap = pk->memo_cap ? pk->memo_cap : 64;
        while (cap <= i)
            cap *= 2;
        zb_pk_obj **m = realloc(pk->memo, cap * sizeof *m);
        if (!m)
            return nomem(pk);
        memset(m + pk->memo_cap, 0, (cap - pk->memo_cap) * sizeof *m);
        pk->memo = m;
        pk->memo_cap = cap;
    }
    pk->memo[i] = pk->stack[pk->sp - 1];
    return ZB_OK;
}

static zb_status memo_get(zb_pickle *pk, uint64_t i)
{
    if (i >= pk->memo_cap || !pk->memo[i])
        return FAIL(pk, ZB_ERR_FORMAT, "memo index %llu was never set", (unsigned long long)i);
    return push(pk, pk->memo[i]);
}

#define NEED(k)                                                                      \
    do {                                                                             \
        if (avail(pk) < (k))                                                         \
            return FAIL(pk, ZB_ERR_FORMAT, "stack underflow at opcode 0x%02x", op);  \
    } while (0)
#define OPERAND(k)                                                                   \
    do {                                                                             \
        if (!need_bytes(pk, (k)))                                                    \
            return FAIL(pk, ZB_ERR_FORMAT, "truncated: opcode 0x%02x lacks its operand", op); \
    } while (0)

static zb_status step(zb_pickle *pk, int op, zb_pk_persid_fn persid, void *user, int *done)
{
    const uint8_t *p = pk->buf + pk->pos;
    zb_pk_obj *o;
    zb_status st;
    switch (op) {
    case OP_PROTO:
        OPERAND(1);
        pk->pos++;
        if (p[0] > 3)
            return FAIL(pk, ZB_ERR_UNSUPPORTED, "pickle protocol %d is refused (torch.save writes 2; at most 3 accepted)", p[0]);
        return ZB_OK;
    case OP_STOP:
        NEED(1);
        *done = 1;
        return ZB_OK;
    case OP_MARK:
        if (pk->nmarks >= ZB_PICKLE_MAX_MARKS)
            return FAIL(pk, ZB_ERR_LIMIT, "nesting deeper than %d", ZB_PICKLE_MAX_MARKS);
        pk->marks[pk->nmarks++] = pk->sp;
        return ZB_OK;
    case OP_NONE:
        return push(pk, new_obj(pk, ZB_PK_NONE));
    case OP_NEWTRUE:
    case OP_NEWFALSE:
        if (!(o = new_obj(pk, ZB_PK_BOOL_)))
            return nomem(pk);
        o->u.i = op == OP_NEWTRUE;
        return push(pk, o);
    case OP_BININT:
    case OP_BININT1:
    case OP_BININT2: {
        int n = op == OP_BININT ? 4 : op == OP_BININT1 ? 1 : 2;
        OPERAND((size_t)n);
        pk->pos += (size_t)n;
        if (!(o = new_obj(pk, ZB_PK_INT)))
            return nomem(pk);
        uint64_t v = rd_le(p, n);
        o->u.i = op == OP_BININT ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
        return push(pk, o);
    }
    case OP_LONG1: {
        OPERAND(1);
        size_t n = p[0];
        OPERAND(1 + n);
        pk->pos += 1 + n;
        if (n <= 8) {
            if (!(o = new_obj(pk, ZB_PK_INT)))
                return nomem(pk);
            uint64_t v = n ? rd_le(p + 1, (int)n) : 0;
            if (n && n < 8 && (p[n] & 0x80)) /* sign-extend */
                v |= ~0ull << (8 * n);
            o->u.i = (int64_t)v;
            return push(pk, o);
        }
        /* wider than int64 (the legacy magic number): kept as raw bytes */
        if (!(o = new_obj(pk, ZB_PK_BIGINT)) || !(o->u.str.s = arena_alloc(pk, n)))
            return nomem(pk);
        memcpy((char *)o->u.str.s, p + 1, n);
        o->u.str.len = (uint32_t)n;
        return push(pk, o);
    }
    case OP_BINFLOAT: {
        OPERAND(8);
        pk->pos += 8;
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++) /* big-endian */
            bits = bits << 8 | p[i];
        if (!(o = new_obj(pk, ZB_PK_FLOAT)))
            return nomem(pk);
        memcpy(&o->u.f, &bits, 8);
        return push(pk, o);
    }
    case OP_BINUNICODE:
        OPERAND(4);
        pk->pos += 4;
        return read_string(pk, (size_t)rd_le(p, 4), ZB_PK_STR);
    case OP_SHORT_BINSTRING: /* Python 2 str; torch.load decodes it as UTF-8 */
        OPERAND(1);
        pk->pos += 1;
        return read_string(pk, p[0], ZB_PK_STR);
    case OP_SHORT_BINBYTES:
        OPERAND(1);
        pk->pos += 1;
        return read_string(pk, p[0], ZB_PK_BYTES);
    case OP_BINBYTES:
        OPERAND(4);
        pk->pos += 4;
        return read_string(pk, (size_t)rd_le(p, 4), ZB_PK_BYTES);
    case OP_EMPTY_TUPLE:
        return tuple_from(pk, 0);
    case OP_TUPLE1:
    case OP_TUPLE2:
    case OP_TUPLE3: {
        uint32_t n = (uint32_t)(op - OP_TUPLE1 + 1);
        NEED(n);
        return tuple_from(pk, n);
    }
    case OP_TUPLE: {
        uint32_t n = 0;
        if ((st = pop_mark(pk, &n)) != ZB_OK)
            return st;
        return tuple_from(pk, n);
    }
    case OP_EMPTY_LIST:
        return push(pk, new_obj(pk, ZB_PK_LIST));
    case OP_EMPTY_DICT:
        return push(pk, new_dict(pk, 0));
    case OP_EMPTY_SET:
        return push(pk, new_obj(pk, ZB_PK_SET));
    case OP_APPEND: {
        NEED(2);
        zb_pk_obj *item = pk->stack[--pk->sp], *list = pk->stack[pk->sp - 1];
        if (list->type != ZB_PK_LIST)
            return FAIL(pk, ZB_ERR_FORMAT, "APPEND to a %s: only lists", zb_pk_type_name(list));
        return seq_push(pk, list, item) ? ZB_OK : nomem(pk);
    }
    case OP_APPENDS: {
        uint32_t n = 0;
        if ((st = pop_mark(pk, &n)) != ZB_OK)
            return st;
        NEED(n + 1);
        zb_pk_obj *list = pk->stack[pk->sp - n - 1];
        if (list->type != ZB_PK_LIST)
            return FAIL(pk, ZB_ERR_FORMAT, "APPENDS to a %s: only lists", zb_pk_type_name(list));
        for (uint32_t i = 0; i < n; i++)
            if (!seq_push(pk, list, pk->stack[pk->sp - n + i]))
                return nomem(pk);
        pk->sp -= n;
        return ZB_OK;
    }
    case OP_SETITEM: {
        NEED(3);
        zb_pk_obj *v = pk->stack[pk->sp - 1], *k = pk->stack[pk->sp - 2], *d = pk->stack[pk->sp - 3];
        pk->sp -= 2;
        if (d->type != ZB_PK_DICT)
            return FAIL(pk, ZB_ERR_FORMAT, "SETITEM on a %s: only dicts", zb_pk_type_name(d));
        return dict_set(pk, d, k, v);
    }
    case OP_SETITEMS: {
        uint32_t n = 0;
        if ((st = pop_mark(pk, &n)) != ZB_OK)
            return st;
        NEED(n + 1);
        if (n % 2)
            return FAIL(pk, ZB_ERR_FORMAT, "SETITEMS with an odd number of items");
        zb_pk_obj *d = pk->stack[pk->sp - n - 1];
        if (d->type != ZB_PK_DICT)
            return FAIL(pk, ZB_ERR_FORMAT, "SETITEMS on a %s: only dicts", zb_pk_type_name(d));
        for (uint32_t i = 0; i < n; i += 2)
            if ((st = dict_set(pk, d, pk->stack[pk->sp - n + i], pk->stack[pk->sp - n + i + 1])) != ZB_OK)
                return st;
        pk->sp -= n;
        return ZB_OK;
    }
    case OP_BINPUT:
        OPERAND(1);
        pk->pos += 1;
        return memo_put(pk, p[0]);
    case OP_LONG_BINPUT:
        OPERAND(4);
        pk->pos += 4;
        return memo_put(pk, rd_le(p, 4));
    case OP_BINGET:
        OPERAND(1);
        pk->pos += 1;
        return memo_get(pk, p[0]);
    case OP_LONG_BINGET:
        OPERAND(4);
        pk->pos += 4;
        return memo_get(pk, rd_le(p, 4));
    case OP_GLOBAL: {
        char mod[256], name[256];
        zb_pk_global kind;
        zb_pk_dtype dtype;
        if ((st = read_line(pk, mod, sizeof mod)) != ZB_OK || (st = read_line(pk, name, sizeof name)) != ZB_OK)
            return st;
        if (!lookup_global(mod, name, &kind, &dtype))
            return FAIL(pk, ZB_ERR_FORMAT, "global '%s.%s' is not allowed (only PyTorch weight types are)", mod, name);
        if (!(o = new_obj(pk, ZB_PK_GLOBAL)))
            return nomem(pk);
        size_t nl = strlen(mod) + strlen(name) + 2;
        char *full = arena_alloc(pk, nl);
        if (!full)
            return nomem(pk);
        snprintf(full, nl, "%s.%s", mod, name);
        o->u.global.kind = kind;
        o->u.global.dtype = dtype;
        o->u.global.name = full;
        return push(pk, o);
    }
    case OP_REDUCE: {
        NEED(2);
        zb_pk_obj *args = pk->stack[pk->sp - 1], *fn = pk->stack[pk->sp - 2], *res = NULL;
        if ((st = call(pk, fn, args, &res)) != ZB_OK)
            return st;
        pk->sp--;
        pk->stack[pk->sp - 1] = res;
        return ZB_OK;
    }
    case OP_NEWOBJ: { /* cls.__new__(cls, *args): torch allows Parameter only */
        NEED(2);
        zb_pk_obj *args = pk->stack[pk->sp - 1], *cls = pk->stack[pk->sp - 2];
        if (cls->type != ZB_PK_GLOBAL || cls->u.global.kind != ZB_PKG_PARAMETER)
            return FAIL(pk, ZB_ERR_FORMAT, "NEWOBJ of a class other than Parameter");
        if (args->type != ZB_PK_TUPLE || args->u.seq.n < 1 || args->u.seq.n > 2 ||
            args->u.seq.items[0]->type != ZB_PK_TENSOR ||
            (args->u.seq.n == 2 && args->u.seq.items[1]->type != ZB_PK_BOOL_))
            return FAIL(pk, ZB_ERR_FORMAT, "Parameter expects (tensor[, requires_grad])");
        pk->sp--;
        pk->stack[pk->sp - 1] = args->u.seq.items[0];
        return ZB_OK;
    }
    case OP_BUILD: {
        NEED(2);
        zb_pk_obj *state = pk->stack[pk->sp - 1], *inst = pk->stack[pk->sp - 2];
        /* OrderedDict: inst.__dict__.update(state), e.g. a state_dict's _metadata. Ignored. */
        if (inst->type == ZB_PK_DICT && inst->u.dict->ordered) {
            if (state->type != ZB_PK_DICT)
                return FAIL(pk, ZB_ERR_FORMAT, "BUILD of an OrderedDict with a %s", zb_pk_type_name(state));
        } else if (inst->type == ZB_PK_TENSOR) { /* Tensor.set_(*state) / Parameter.__setstate__ */
            return FAIL(pk, ZB_ERR_UNSUPPORTED, "BUILD of a tensor (legacy tensor state) is not supported");
        } else {
            return FAIL(pk, ZB_ERR_FORMAT, "BUILD of a %s: only tensors, parameters and OrderedDicts",
                        zb_pk_type_name(inst));
        }
        pk->sp--;
        return ZB_OK;
    }
    case OP_BINPERSID: {
        NEED(1);
        zb_pk_obj *pid = pk->stack[pk->sp - 1], *res = NULL;
        if (!persid)
            return FAIL(pk, ZB_ERR_FORMAT, "persistent id where none is expected");
        if (pid->type != ZB_PK_TUPLE || pid->u.seq.n == 0 || !zb_pk_is_str(pid->u.seq.items[0], "storage"))
            return FAIL(pk, ZB_ERR_FORMAT, "persistent id is not a ('storage', ...) tuple");
        if ((st = persid(user, pk, pid, &res)) != ZB_OK)
            return st;
        pk->stack[pk->sp - 1] = res;
        return ZB_OK;
    }
    default: {
        const char *nm = refused_name(op);
        if (nm)
            return FAIL(pk, ZB_ERR_FORMAT, "opcode %s (0x%02x) is not allowed", nm, op);
        return FAIL(pk, ZB_ERR_FORMAT, "unknown opcode 0x%02x", op);
    }
    }
}

zb_status zb_pickle_load(zb_pickle *pk, const uint8_t *buf, size_t len, size_t *used, zb_pk_persid_fn persid,
                         void *user, zb_pk_obj **out)
{
    *out = NULL;
    pk->buf = buf;
    pk->len = len;
    pk->pos = 0;
    pk->sp = 0;
    pk->nmarks = 0;
    if (pk->memo)
        memset(pk->memo, 0, pk->memo_cap * sizeof *pk->memo);
    for (;;) {
        pk->op_pos = pk->pos;
        if (pk->pos >= pk->len)
            return FAIL(pk, ZB_ERR_FORMAT, "truncated: no STOP opcode");
        int op = pk->buf[pk->pos++], done = 0;
        zb_status st = step(pk, op, persid, user, &done);
        if (st != ZB_OK)
            return st;
        if (done) {
            *out = pk->stack[pk->sp - 1];
            if (used)
                *used = pk->pos;
            return ZB_OK;
        }
    }
}
