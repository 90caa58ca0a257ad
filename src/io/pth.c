/* PyTorch checkpoints, mirroring torch 1.13's torch/serialization.py:
 *   zip    (_save/_load): <prefix>/data.pkl, <prefix>/data/<key> (raw storages),
 *          <prefix>/version; persistent ids ('storage', type, key, location, numel).
 *   legacy (_legacy_save/_legacy_load): pickles of the magic number, the protocol
 *          version 1001 and sys_info; the main pickle with persistent ids
 *          ('storage', type, key, location, numel, view_metadata); a pickle
 *          listing the storage keys; then per key an int64 element count and
 *          the raw little-endian bytes, up to the end of the file. */
#include "io/pth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "core/fp16.h"
#include "core/status.h"
#include "io/pickle.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .pth reader assumes a little-endian host"
#endif

typedef struct storage_rec {
    char *key;
    zb_pk_dtype dtype;
    int64_t numel;
    int root;             /* index of the storage holding the bytes (itself unless a legacy view) */
    int64_t view_offset;  /* elements into the root */
    const uint8_t *data;  /* legacy: the bytes inside the file buffer, once located */
    int used;             /* a selected tensor reads it */
} storage_rec;

typedef struct loader {
    const char *name;     /* file name for messages */
    int legacy;
    storage_rec *st;
    int nst, capst;
    int32_t *idx;         /* hash index of st by key, idxcap slots, -1 empty */
    uint32_t idxcap;
} loader;

static void loader_free(loader *L)
{
    for (int i = 0; i < L->nst; i++)
        free(L->st[i].key);
    free(L->st);
    free(L->idx);
}

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

static int find_storage(const loader *L, const char *key, uint32_t *slot)
{
    if (!L->idxcap)
        return -1;
    uint32_t mask = L->idxcap - 1;
    for (uint32_t s = str_hash(key) & mask;; s = (s + 1) & mask) {
        int32_t e = L->idx[s];
        if (e < 0 || !strcmp(L->st[e].key, key)) {
            if (slot)
                *slot = s;
            return e;
        }
    }
}

/* Adds a storage record; returns its index or -1 (error recorded). */
static int add_storage(loader *L, const char *key, zb_pk_dtype dtype, int64_t numel)
{
    if (L->nst >= ZB_PTH_MAX_STORAGES) {
        zb_error(ZB_ERR_LIMIT, "%s: more than %d storages", L->name, ZB_PTH_MAX_STORAGES);
        return -1;
    }
    if (L->nst == L->capst) {
        int cap = L->capst ? L->capst * 2 : 64;
        storage_rec *st = realloc(L->st, (size_t)cap * sizeof *st);
        int32_t *idx = malloc((size_t)cap * 2 * sizeof *idx);
        if (!st || !idx) {
            if (st)
                L->st = st;
            free(idx);
            zb_error(ZB_ERR_NOMEM, "%s: out of memory", L->name);
            return -1;
        }
        L->st = st;
        L->capst = cap;
        free(L->idx);
        L->idx = idx;
        L->idxcap = (uint32_t)cap * 2;
        memset(idx, 0xff, L->idxcap * sizeof *idx);
        for (int i = 0; i < L->nst; i++) {
            uint32_t s;
            find_storage(L, L->st[i].key, &s);
            idx[s] = i;
        }
    }
    uint32_t s;
    find_storage(L, key, &s);
    storage_rec *r = &L->st[L->nst];
    memset(r, 0, sizeof *r);
    r->key = strdup(key);
    if (!r->key) {
        zb_error(ZB_ERR_NOMEM, "%s: out of memory", L->name);
        return -1;
    }
    r->dtype = dtype;
    r->numel = numel;
    r->root = L->nst;
    L->idx[s] = L->nst;
    return L->nst++;
}

/* ---- persistent ids -------------------------------------------------------- */

static zb_status pid_storage_type(zb_pickle *pk, const zb_pk_obj *t, zb_pk_dtype *dtype)
{
    if (t->type != ZB_PK_GLOBAL || t->u.global.kind != ZB_PKG_STORAGE_CLASS)
        return zb_error(ZB_ERR_FORMAT, "%s: persistent id names a %s, not a storage type", zb_pickle_name(pk),
                        t->type == ZB_PK_GLOBAL ? t->u.global.name : zb_pk_type_name(t));
    if (t->u.global.dtype == ZB_PK_UNSUPPORTED)
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: storage type %s is not supported", zb_pickle_name(pk),
                        t->u.global.name);
    *dtype = t->u.global.dtype;
    return ZB_OK;
}

static int valid_key(const zb_pk_obj *k)
{
    return k->type == ZB_PK_STR && k->u.str.len > 0 && k->u.str.len <= 256 && strlen(k->u.str.s) == k->u.str.len;
}

/* Returns the record index for (key, dtype, numel), creating it; -1 on error. */
static int use_storage(loader *L, zb_pickle *pk, const char *key, zb_pk_dtype dtype, int64_t numel)
{
    int64_t nbytes;
    if (numel < 0 || __builtin_mul_overflow(numel, (int64_t)zb_pk_dtype_size(dtype), &nbytes)) {
        zb_error(ZB_ERR_FORMAT, "%s: storage '%s' declares %lld elements", zb_pickle_name(pk), key, (long long)numel);
        return -1;
    }
    int i = find_storage(L, key, NULL);
    if (i < 0)
        return add_storage(L, key, dtype, numel);
    if (L->st[i].dtype != dtype || L->st[i].numel != numel) {
        zb_error(ZB_ERR_FORMAT, "%s: storage '%s' is declared twice with different types or sizes",
                 zb_pickle_name(pk), key);
        return -1;
    }
    return i;
}

static zb_status persid(void *user, zb_pickle *pk, const zb_pk_obj *pid, zb_pk_obj **out)
{
    loader *L = user;
    uint32_t want = L->legacy ? 6 : 5;
    zb_pk_obj **a = pid->u.seq.items;
    if (pid->u.seq.n != want)
        return zb_error(ZB_ERR_FORMAT, "%s: storage persistent id has %u fields, expected %u", zb_pickle_name(pk),
                        pid->u.seq.n, want);
    zb_pk_dtype dtype = ZB_PK_F32;
    zb_status st = pid_storage_type(pk, a[1], &dtype);
    if (st != ZB_OK)
        return st;
    if (!valid_key(a[2]) || (a[3]->type != ZB_PK_STR && a[3]->type != ZB_PK_BYTES) || a[4]->type != ZB_PK_INT)
        return zb_error(ZB_ERR_FORMAT, "%s: malformed storage persistent id (key, location, size)", zb_pickle_name(pk));
    int i = use_storage(L, pk, a[2]->u.str.s, dtype, a[4]->u.i);
    if (i < 0)
        return ZB_ERR_FORMAT;
    if (L->legacy && a[5]->type != ZB_PK_NONE) { /* view_metadata: (view_key, offset, view_size) */
        const zb_pk_obj *v = a[5];
        if (v->type != ZB_PK_TUPLE || v->u.seq.n != 3 || !valid_key(v->u.seq.items[0]) ||
            v->u.seq.items[1]->type != ZB_PK_INT || v->u.seq.items[2]->type != ZB_PK_INT)
            return zb_error(ZB_ERR_FORMAT, "%s: malformed storage view metadata", zb_pickle_name(pk));
        int64_t off = v->u.seq.items[1]->u.i, size = v->u.seq.items[2]->u.i, end;
        if (off < 0 || size < 0 || __builtin_add_overflow(off, size, &end) || end > L->st[i].numel)
            return zb_error(ZB_ERR_FORMAT, "%s: storage view [%lld, +%lld) outside storage '%s' of %lld elements",
                            zb_pickle_name(pk), (long long)off, (long long)size, L->st[i].key,
                            (long long)L->st[i].numel);
        const char *vkey = v->u.seq.items[0]->u.str.s;
        int j = find_storage(L, vkey, NULL);
        if (j < 0) {
            j = add_storage(L, vkey, dtype, size);
            if (j < 0)
                return ZB_ERR_NOMEM;
            L->st[j].root = i;
            L->st[j].view_offset = off;
        } else if (L->st[j].root != i || L->st[j].view_offset != off || L->st[j].numel != size) {
            return zb_error(ZB_ERR_FORMAT, "%s: storage view '%s' is declared twice differently", zb_pickle_name(pk), vkey);
        }
        i = j;
    }
    if (L->st[L->st[i].root].root != L->st[i].root)
        return zb_error(ZB_ERR_FORMAT, "%s: storage '%s' is a view of a view", zb_pickle_name(pk), L->st[i].key);
    *out = zb_pickle_storage(pk, i, dtype, L->st[i].numel);
    return *out ? ZB_OK : ZB_ERR_LIMIT;
}

/* ---- choosing the state_dict ------------------------------------------------ */

static const char *const nest_keys[] = {"state_dict", "model_state_dict", "model"};

/* NULL if every value is a tensor under a str key; else the first offending key's description. */
static int is_state_dict(const zb_pk_obj *o, const zb_pk_obj **bad_key, const zb_pk_obj **bad_val)
{
    if (o->type != ZB_PK_DICT)
        return 0;
    const zb_pk_dict *d = o->u.dict;
    for (uint32_t i = 0; i < d->n; i++) {
        if (d->keys[i]->type != ZB_PK_STR || d->vals[i]->type != ZB_PK_TENSOR) {
            if (bad_key) {
                *bad_key = d->keys[i];
                *bad_val = d->vals[i];
            }
            return 0;
        }
    }
    return 1;
}

static zb_status pick_state_dict(const loader *L, const zb_pk_obj *root, const zb_pth_opts *opts,
                                 const zb_pk_dict **sd, int *strip)
{
    const zb_pk_obj *bk = NULL, *bv = NULL;
    *strip = 0;
    if (root->type != ZB_PK_DICT)
        return zb_error(ZB_ERR_FORMAT, "%s: the checkpoint holds a %s, not a state_dict", L->name, zb_pk_type_name(root));
    if (!is_state_dict(root, &bk, &bv)) {
        for (size_t i = 0; i < sizeof nest_keys / sizeof *nest_keys; i++) {
            const zb_pk_obj *v = zb_pk_dict_get(root->u.dict, nest_keys[i]);
            if (v && is_state_dict(v, NULL, NULL)) {
                if (!opts->unwrap)
                    return zb_error(ZB_ERR_FORMAT, "%s: the state_dict is nested under key '%s'; pass --unwrap to load it",
                                    L->name, nest_keys[i]);
                root = v;
                break;
            }
        }
        if (root->type != ZB_PK_DICT || !is_state_dict(root, NULL, NULL)) {
            if (bk->type == ZB_PK_STR)
                return zb_error(ZB_ERR_FORMAT, "%s: not a state_dict: key '%.80s' holds a %s, not a tensor", L->name,
                                bk->u.str.s, zb_pk_type_name(bv));
            return zb_error(ZB_ERR_FORMAT, "%s: not a state_dict: a key is a %s, not a str", L->name,
                            zb_pk_type_name(bk));
        }
    }
    const zb_pk_dict *d = root->u.dict;
    int all_module = d->n > 0;
    for (uint32_t i = 0; i < d->n; i++) {
        if (strlen(d->keys[i]->u.str.s) != d->keys[i]->u.str.len)
            return zb_error(ZB_ERR_FORMAT, "%s: a key contains a NUL byte", L->name);
        if (strncmp(d->keys[i]->u.str.s, "module.", 7) != 0)
            all_module = 0;
    }
    if (all_module) {
        if (!opts->unwrap)
            return zb_error(ZB_ERR_FORMAT, "%s: keys carry DataParallel's 'module.' prefix; pass --unwrap to strip it",
                            L->name);
        *strip = 1;
    }
    *sd = d;
    return ZB_OK;
}

/* ---- materializing tensors -------------------------------------------------- */

static float load_elem(const uint8_t *p, zb_pk_dtype t)
{
    switch (t) {
    case ZB_PK_F32: { float f; memcpy(&f, p, 4); return f; }
    case ZB_PK_F64: { double f; memcpy(&f, p, 8); return (float)f; }
    case ZB_PK_F16: return zb_half_to_float((uint16_t)(p[0] | p[1] << 8));
    case ZB_PK_BF16: { uint32_t b = (uint32_t)(p[0] | p[1] << 8) << 16; float f; memcpy(&f, &b, 4); return f; }
    case ZB_PK_I64: { int64_t v; memcpy(&v, p, 8); return (float)v; }
    case ZB_PK_I32: { int32_t v; memcpy(&v, p, 4); return (float)v; }
    case ZB_PK_I16: { int16_t v; memcpy(&v, p, 2); return (float)v; }
    case ZB_PK_I8: return (float)(int8_t)p[0];
    case ZB_PK_U8: return (float)p[0];
    case ZB_PK_BOOL: return p[0] ? 1.0f : 0.0f;
    default: return 0.0f;
    }
}

/* dst[count] <- the tensor's elements in C order; base = the storage's bytes
 * (already checked to cover every element). */
static void materialize(float *dst, const zb_pk_tensor *t, const uint8_t *base, zb_pk_dtype dt)
{
    size_t es = zb_pk_dtype_size(dt);
    int64_t idx[ZB_WMAP_MAXDIM] = {0};
    int contiguous = 1;
    int64_t expect = 1;
    for (int d = t->ndim - 1; d >= 0; d--) {
        if (t->size[d] != 1 && t->stride[d] != expect)
            contiguous = 0;
        expect *= t->size[d];
    }
    if (contiguous) {
        const uint8_t *p = base + (size_t)t->offset * es;
        if (dt == ZB_PK_F32) {
            memcpy(dst, p, (size_t)t->count * 4);
        } else {
            for (int64_t i = 0; i < t->count; i++)
                dst[i] = load_elem(p + (size_t)i * es, dt);
        }
        return;
    }
    int64_t pos = t->offset;
    for (int64_t i = 0; i < t->count; i++) {
        dst[i] = load_elem(base + (size_t)pos * es, dt);
        for (int d = t->ndim - 1; d >= 0; d--) { /* odometer, last dimension fastest */
            pos += t->stride[d];
            if (++idx[d] < t->size[d])
                break;
            pos -= t->stride[d] * t->size[d];
            idx[d] = 0;
        }
    }
}

/* The bytes of storage record r (a root): legacy from the file, zip from its
 * entry.  With bytes == NULL it only checks that they exist with the right size. */
typedef zb_status (*fetch_fn)(void *ctx, const loader *L, int r, uint8_t **bytes, int *owned);

static zb_status build_wmap(loader *L, const zb_pk_dict *sd, int strip, fetch_fn fetch, void *ctx, zb_wmap **out)
{
    zb_status st = ZB_OK;
    float **bufs = calloc(sd->n ? sd->n : 1, sizeof *bufs);
    zb_wmap *m = zb_wmap_new();
    if (!bufs || !m) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", L->name);
        goto done;
    }
    /* Cap the output against the bytes actually stored: shared storages and
     * zero strides may repeat data, but not without bound. */
    int64_t stored = 0, total = 0;
    for (uint32_t i = 0; i < sd->n; i++) {
        const zb_pk_tensor *t = sd->vals[i]->u.tensor;
        storage_rec *r = &L->st[L->st[t->storage->u.storage.id].root];
        if (!r->used)
            stored += r->numel;
        r->used = 1;
        /* each count <= its storage's numel unless strides repeat elements */
        if (__builtin_add_overflow(total, t->count, &total) || total > 8 * stored + ((int64_t)1 << 20)) {
            st = zb_error(ZB_ERR_LIMIT, "%s: tensors expand to more than 8 times the stored elements", L->name);
            goto done;
        }
    }
    for (int r = 0; r < L->nst; r++)
        if (L->st[r].used && L->st[r].root == r && (st = fetch(ctx, L, r, NULL, NULL)) != ZB_OK)
            goto done;
    for (uint32_t i = 0; i < sd->n; i++) {
        const zb_pk_tensor *t = sd->vals[i]->u.tensor;
        if ((uint64_t)t->count > SIZE_MAX / 4 || !(bufs[i] = malloc(t->count ? (size_t)t->count * 4 : 1))) {
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory for tensor '%s'", L->name, sd->keys[i]->u.str.s);
            goto done;
        }
    }
    for (int r = 0; r < L->nst; r++) {
        if (!L->st[r].used || L->st[r].root != r)
            continue;
        uint8_t *bytes = NULL;
        int owned = 0;
        if ((st = fetch(ctx, L, r, &bytes, &owned)) != ZB_OK)
            goto done;
        for (uint32_t i = 0; i < sd->n; i++) {
            const zb_pk_tensor *t = sd->vals[i]->u.tensor;
            const storage_rec *s = &L->st[t->storage->u.storage.id];
            if (s->root == r && t->count)
                materialize(bufs[i], t, bytes + (size_t)s->view_offset * zb_pk_dtype_size(s->dtype), s->dtype);
        }
        if (owned)
            free(bytes);
    }
    for (uint32_t i = 0; i < sd->n; i++) {
        const zb_pk_tensor *t = sd->vals[i]->u.tensor;
        float *data = bufs[i];
        bufs[i] = NULL; /* zb_wmap_add owns it now, on failure too */
        if ((st = zb_wmap_add(m, sd->keys[i]->u.str.s + (strip ? 7 : 0), t->ndim, t->size, data)) != ZB_OK) {
            char why[512];
            snprintf(why, sizeof why, "%s", zb_last_error());
            zb_error(st, "%s: %s", L->name, why);
            goto done;
        }
    }
done:
    if (bufs)
        for (uint32_t i = 0; i < sd->n; i++)
            free(bufs[i]);
    free(bufs);
    if (st != ZB_OK) {
        zb_wmap_free(m);
        m = NULL;
    }
    *out = m;
    return st;
}

/* ---- legacy format ---------------------------------------------------------- */

static const uint8_t legacy_magic[10] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

static zb_status legacy_fetch(void *ctx, const loader *L, int r, uint8_t **bytes, int *owned)
{
    (void)ctx;
    const uint8_t *data = L->st[r].data;
    if (!data && L->st[r].numel)
        return zb_error(ZB_ERR_FORMAT, "%s: storage '%s' has no data in the file", L->name, L->st[r].key);
    if (bytes) {
        *owned = 0;
        *bytes = (uint8_t *)(data ? data : (const uint8_t *)"");
    }
    return ZB_OK;
}

static zb_status load_legacy(loader *L, const uint8_t *buf, size_t len, const zb_pth_opts *opts, zb_wmap **out)
{
    char pname[300];
    snprintf(pname, sizeof pname, "%s: legacy pickle", L->name);
    zb_pickle *pk = zb_pickle_new(pname);
    if (!pk)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", L->name);
    zb_status st;
    size_t pos = 0, used;
    zb_pk_obj *magic, *proto, *sysinfo, *root, *keys;
    L->legacy = 1;
    if ((st = zb_pickle_load(pk, buf, len, &used, NULL, NULL, &magic)) != ZB_OK)
        goto done;
    if (magic->type != ZB_PK_BIGINT || magic->u.str.len != 10 || memcmp(magic->u.str.s, legacy_magic, 10)) {
        st = zb_error(ZB_ERR_FORMAT, "%s: not a PyTorch checkpoint (bad legacy magic number)", L->name);
        goto done;
    }
    pos += used;
    if ((st = zb_pickle_load(pk, buf + pos, len - pos, &used, NULL, NULL, &proto)) != ZB_OK)
        goto done;
    if (proto->type != ZB_PK_INT || proto->u.i != 1001) {
        st = zb_error(ZB_ERR_UNSUPPORTED, "%s: legacy protocol version is not 1001", L->name);
        goto done;
    }
    pos += used;
    if ((st = zb_pickle_load(pk, buf + pos, len - pos, &used, NULL, NULL, &sysinfo)) != ZB_OK)
        goto done;
    if (sysinfo->type != ZB_PK_DICT) {
        st = zb_error(ZB_ERR_FORMAT, "%s: legacy sys_info is not a dict", L->name);
        goto done;
    }
    const zb_pk_obj *le = zb_pk_dict_get(sysinfo->u.dict, "little_endian");
    if (le && le->type == ZB_PK_BOOL_ && !le->u.i) {
        st = zb_error(ZB_ERR_UNSUPPORTED, "%s: big-endian checkpoints are not supported", L->name);
        goto done;
    }
    pos += used;
    if ((st = zb_pickle_load(pk, buf + pos, len - pos, &used, persid, L, &root)) != ZB_OK)
        goto done;
    pos += used;
    if ((st = zb_pickle_load(pk, buf + pos, len - pos, &used, NULL, NULL, &keys)) != ZB_OK)
        goto done;
    pos += used;
    if (keys->type != ZB_PK_LIST) {
        st = zb_error(ZB_ERR_FORMAT, "%s: the storage key list is a %s", L->name, zb_pk_type_name(keys));
        goto done;
    }
    for (uint32_t k = 0; k < keys->u.seq.n; k++) {
        const zb_pk_obj *key = keys->u.seq.items[k];
        int r = valid_key(key) ? find_storage(L, key->u.str.s, NULL) : -1;
        if (r < 0 || L->st[r].root != r) {
            st = zb_error(ZB_ERR_FORMAT, "%s: storage key list names a storage the pickle does not use", L->name);
            goto done;
        }
        storage_rec *s = &L->st[r];
        if (s->data) {
            st = zb_error(ZB_ERR_FORMAT, "%s: storage '%s' is listed twice", L->name, s->key);
            goto done;
        }
        int64_t n;
        if (len - pos < 8) {
            st = zb_error(ZB_ERR_FORMAT, "%s: truncated: storage '%s' has no size", L->name, s->key);
            goto done;
        }
        memcpy(&n, buf + pos, 8);
        pos += 8;
        if (n != s->numel) {
            st = zb_error(ZB_ERR_FORMAT, "%s: storage '%s' holds %lld elements, the pickle declares %lld", L->name,
                          s->key, (long long)n, (long long)s->numel);
            goto done;
        }
        size_t nbytes = (size_t)n * zb_pk_dtype_size(s->dtype); /* no overflow: checked in use_storage */
        if (len - pos < nbytes) {
            st = zb_error(ZB_ERR_FORMAT, "%s: truncated: storage '%s' needs %zu bytes, %zu remain", L->name, s->key,
                          nbytes, len - pos);
            goto done;
        }
        s->data = buf + pos;
        pos += nbytes;
    }
    if (pos != len) {
        st = zb_error(ZB_ERR_FORMAT, "%s: %zu unexpected bytes after the last storage (polyglot file?)", L->name,
                      len - pos);
        goto done;
    }
    const zb_pk_dict *sd;
    int strip;
    if ((st = pick_state_dict(L, root, opts, &sd, &strip)) != ZB_OK)
        goto done;
    st = build_wmap(L, sd, strip, legacy_fetch, NULL, out);
done:
    zb_pickle_free(pk);
    return st;
}

/* ---- zip format --------------------------------------------------------------- */

typedef struct zip_ctx {
    zip_t *za;
    const char *prefix;
} zip_ctx;

/* Reads entry `ename` completely (libzip checks its CRC at the end); the size
 * must be `want` (or any size up to `cap` when want < 0).  With out == NULL
 * only the size, encryption and compression ratio are checked. */
static zb_status read_entry(const loader *L, zip_t *za, const char *ename, int64_t want, size_t cap, uint8_t **out,
                            size_t *outlen)
{
    if (out)
        *out = NULL;
    zip_stat_t zs;
    zip_int64_t i = zip_name_locate(za, ename, ZIP_FL_ENC_RAW);
    if (i < 0)
        return zb_error(ZB_ERR_FORMAT, "%s: zip entry '%s' is missing", L->name, ename);
    zip_stat_init(&zs);
    if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) != 0 || !(zs.valid & ZIP_STAT_SIZE) ||
        !(zs.valid & ZIP_STAT_COMP_SIZE))
        return zb_error(ZB_ERR_FORMAT, "%s: zip entry '%s': %s", L->name, ename, zip_strerror(za));
    if ((zs.valid & ZIP_STAT_ENCRYPTION_METHOD) && zs.encryption_method != ZIP_EM_NONE)
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: zip entry '%s' is encrypted", L->name, ename);
    if (want >= 0 && zs.size != (zip_uint64_t)want)
        return zb_error(ZB_ERR_FORMAT, "%s: zip entry '%s' holds %llu bytes, the pickle declares %lld", L->name, ename,
                        (unsigned long long)zs.size, (long long)want);
    if (zs.size > cap || zs.size > SIZE_MAX - 1)
        return zb_error(ZB_ERR_LIMIT, "%s: zip entry '%s' of %llu bytes is over the cap of %zu", L->name, ename,
                        (unsigned long long)zs.size, cap);
    if (zs.comp_method != ZIP_CM_STORE && zs.size > (1u << 20) &&
        zs.size / (zs.comp_size ? zs.comp_size : 1) > ZB_PTH_MAX_RATIO)
        return zb_error(ZB_ERR_LIMIT, "%s: zip entry '%s' expands more than %d times (zip bomb?)", L->name, ename,
                        ZB_PTH_MAX_RATIO);
    if (!out)
        return ZB_OK;
    uint8_t *b = malloc(zs.size ? zs.size : 1);
    if (!b)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory for zip entry '%s'", L->name, ename);
    zip_file_t *f = zip_fopen_index(za, (zip_uint64_t)i, 0);
    if (!f) {
        free(b);
        return zb_error(ZB_ERR_FORMAT, "%s: zip entry '%s': %s", L->name, ename, zip_strerror(za));
    }
    zip_uint64_t got = 0;
    zb_status st = ZB_OK;
    while (got < zs.size) {
        zip_int64_t r = zip_fread(f, b + got, zs.size - got);
        if (r <= 0) {
            st = zb_error(ZB_ERR_FORMAT, "%s: zip entry '%s': %s", L->name, ename,
                          r < 0 ? zip_file_strerror(f) : "shorter than declared");
            break;
        }
        got += (zip_uint64_t)r;
    }
    if (st == ZB_OK) { /* reading past the end makes libzip verify the CRC */
        uint8_t extra;
        zip_int64_t r = zip_fread(f, &extra, 1);
        if (r != 0)
            st = zb_error(ZB_ERR_FORMAT, "%s: zip entry '%s': %s", L->name, ename,
                          r < 0 ? zip_file_strerror(f) : "longer than declared");
    }
    zip_fclose(f);
    if (st != ZB_OK) {
        free(b);
        return st;
    }
    *out = b;
    if (outlen)
        *outlen = zs.size;
    return ZB_OK;
}

static zb_status zip_fetch(void *vctx, const loader *L, int r, uint8_t **bytes, int *owned)
{
    zip_ctx *c = vctx;
    char ename[600];
    snprintf(ename, sizeof ename, "%s/data/%s", c->prefix, L->st[r].key);
    if (owned)
        *owned = 1;
    int64_t nbytes = L->st[r].numel * (int64_t)zb_pk_dtype_size(L->st[r].dtype);
    return read_entry(L, c->za, ename, nbytes, SIZE_MAX, bytes, NULL);
}

/* The end-of-central-directory record must end the file exactly: no data
 * after the archive (a polyglot), and torch writes no archive comment. */
static zb_status check_zip_tail(const loader *L, const uint8_t *tail, size_t n)
{
    for (size_t i = n >= 22 ? n - 22 + 1 : 0; i-- > 0;) {
        if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
            size_t clen = (size_t)(tail[i + 20] | tail[i + 21] << 8);
            if (i + 22 + clen == n)
                return ZB_OK;
            return zb_error(ZB_ERR_FORMAT, "%s: %zu unexpected bytes after the zip archive (polyglot file?)", L->name,
                            n - i - 22 - clen);
        }
    }
    return zb_error(ZB_ERR_FORMAT, "%s: zip end-of-central-directory record not found (truncated?)", L->name);
}

static zb_status load_zip(loader *L, zip_source_t *src, const uint8_t *tail, size_t taillen,
                          const zb_pth_opts *opts, zb_wmap **out)
{
    zb_status st = check_zip_tail(L, tail, taillen);
    if (st != ZB_OK) {
        zip_source_free(src);
        return st;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!za) {
        st = zb_error(ZB_ERR_FORMAT, "%s: bad zip archive: %s", L->name, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        zip_source_free(src);
        return st;
    }
    zip_error_fini(&ze);
    zb_pickle *pk = NULL;
    uint8_t *pkl = NULL, *ver = NULL;
    char prefix[256], ename[600];
    zip_int64_t n = zip_get_num_entries(za, 0);
    const char *first = n > 0 ? zip_get_name(za, 0, ZIP_FL_ENC_RAW) : NULL;
    const char *slash = first ? strchr(first, '/') : NULL;
    if (n <= 0 || n > ZB_PTH_MAX_ENTRIES || !slash || slash == first || (size_t)(slash - first) >= sizeof prefix) {
        st = zb_error(ZB_ERR_FORMAT, "%s: zip archive is not a PyTorch checkpoint (no '<name>/data.pkl')", L->name);
        goto done;
    }
    memcpy(prefix, first, (size_t)(slash - first));
    prefix[slash - first] = '\0';
    size_t plen = strlen(prefix);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *e = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!e || strncmp(e, prefix, plen) || e[plen] != '/') {
            st = zb_error(ZB_ERR_FORMAT, "%s: zip entry outside the checkpoint's '%s/' directory", L->name, prefix);
            goto done;
        }
    }
    snprintf(ename, sizeof ename, "%s/constants.pkl", prefix);
    if (zip_name_locate(za, ename, ZIP_FL_ENC_RAW) >= 0) {
        st = zb_error(ZB_ERR_UNSUPPORTED, "%s: a TorchScript archive, not a state_dict checkpoint", L->name);
        goto done;
    }
    /* version: torch 1.13 reads 1..10 */
    size_t vlen;
    snprintf(ename, sizeof ename, "%s/version", prefix);
    if (zip_name_locate(za, ename, ZIP_FL_ENC_RAW) < 0)
        snprintf(ename, sizeof ename, "%s/.data/version", prefix);
    if ((st = read_entry(L, za, ename, -1, 64, &ver, &vlen)) != ZB_OK)
        goto done;
    long version = 0;
    size_t k = 0;
    while (k < vlen && ver[k] >= '0' && ver[k] <= '9' && version < 1000)
        version = version * 10 + (ver[k++] - '0');
    while (k < vlen && (ver[k] == '\n' || ver[k] == '\r' || ver[k] == ' '))
        k++;
    if (k != vlen || version < 1 || version > 10) {
        st = zb_error(ZB_ERR_UNSUPPORTED, "%s: unsupported checkpoint format version", L->name);
        goto done;
    }
    snprintf(ename, sizeof ename, "%s/byteorder", prefix);
    if (zip_name_locate(za, ename, ZIP_FL_ENC_RAW) >= 0) {
        uint8_t *bo = NULL;
        size_t blen;
        if ((st = read_entry(L, za, ename, -1, 16, &bo, &blen)) != ZB_OK)
            goto done;
        int little = blen == 6 && !memcmp(bo, "little", 6);
        free(bo);
        if (!little) {
            st = zb_error(ZB_ERR_UNSUPPORTED, "%s: big-endian checkpoints are not supported", L->name);
            goto done;
        }
    }
    size_t pkl_len;
    snprintf(ename, sizeof ename, "%s/data.pkl", prefix);
    if ((st = read_entry(L, za, ename, -1, ZB_PTH_MAX_PICKLE, &pkl, &pkl_len)) != ZB_OK)
        goto done;
    char pname[300];
    snprintf(pname, sizeof pname, "%s: data.pkl", L->name);
    if (!(pk = zb_pickle_new(pname))) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", L->name);
        goto done;
    }
    zb_pk_obj *root;
    size_t used;
    if ((st = zb_pickle_load(pk, pkl, pkl_len, &used, persid, L, &root)) != ZB_OK)
        goto done;
    if (used != pkl_len) {
        st = zb_error(ZB_ERR_FORMAT, "%s: data.pkl has %zu bytes after its STOP", L->name, pkl_len - used);
        goto done;
    }
    const zb_pk_dict *sd;
    int strip;
    if ((st = pick_state_dict(L, root, opts, &sd, &strip)) != ZB_OK)
        goto done;
    zip_ctx c = {za, prefix};
    st = build_wmap(L, sd, strip, zip_fetch, &c, out);
done:
    zb_pickle_free(pk);
    free(pkl);
    free(ver);
    zip_discard(za);
    return st;
}

/* ---- entry points ------------------------------------------------------------- */

static const zb_pth_opts default_opts = {0};

static zb_status sniff_fail(const loader *L, const uint8_t *b, size_t n)
{
    if (n >= 262 && !memcmp(b + 257, "ustar", 5))
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: the tar checkpoint format of torch < 0.4 is not supported", L->name);
    if (n >= 4 && !memcmp(b, "PK", 2))
        return zb_error(ZB_ERR_FORMAT, "%s: a zip archive must begin with a local file header", L->name);
    return zb_error(ZB_ERR_FORMAT, "%s: not a PyTorch checkpoint (neither zip nor legacy pickle)", L->name);
}

static int is_zip(const uint8_t *b, size_t n) { return n >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4; }
static int is_legacy(const uint8_t *b, size_t n) { return n >= 2 && b[0] == 0x80; }

zb_status zb_pth_load_mem(const char *name, const void *vbuf, size_t len, const zb_pth_opts *opts, zb_wmap **out)
{
    const uint8_t *buf = vbuf;
    loader L = {.name = name};
    *out = NULL;
    if (!opts)
        opts = &default_opts;
    zb_status st;
    if (is_zip(buf, len)) {
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
        zip_error_fini(&ze);
        if (!src)
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
        size_t tl = len < 65557 ? len : 65557;
        st = load_zip(&L, src, buf + len - tl, tl, opts, out);
    } else if (is_legacy(buf, len)) {
        st = load_legacy(&L, buf, len, opts, out);
    } else {
        st = sniff_fail(&L, buf, len);
    }
    loader_free(&L);
    return st;
}

static zb_status read_all(const char *path, FILE *f, uint64_t size, uint8_t **out)
{
    if (size > SIZE_MAX - 1)
        return zb_error(ZB_ERR_LIMIT, "%s: file too large", path);
    uint8_t *b = malloc(size ? size : 1);
    if (!b)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory reading %llu bytes", path, (unsigned long long)size);
    if (fseeko(f, 0, SEEK_SET) != 0 || fread(b, 1, size, f) != size) {
        free(b);
        return zb_error(ZB_ERR_IO, "%s: read failed", path);
    }
    *out = b;
    return ZB_OK;
}

zb_status zb_pth_load(const char *path, const zb_pth_opts *opts, zb_wmap **out)
{
    *out = NULL;
    if (!opts)
        opts = &default_opts;
    FILE *f = fopen(path, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return zb_error(ZB_ERR_IO, "%s: not a regular file", path);
    }
    uint64_t size = (uint64_t)sb.st_size;
    uint8_t head[512];
    size_t hn = fread(head, 1, sizeof head, f);
    loader L = {.name = path};
    zb_status st;
    if (is_zip(head, hn)) {
        /* zip: libzip reads the file itself; only the tail is loaded here */
        size_t tl = size < 65557 ? (size_t)size : 65557;
        uint8_t *tail = malloc(tl ? tl : 1);
        if (!tail) {
            fclose(f);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
        }
        if (fseeko(f, (off_t)(size - tl), SEEK_SET) != 0 || fread(tail, 1, tl, f) != tl) {
            free(tail);
            fclose(f);
            return zb_error(ZB_ERR_IO, "%s: read failed", path);
        }
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t *src = zip_source_filep_create(f, 0, (zip_int64_t)size, &ze); /* takes f */
        zip_error_fini(&ze);
        if (!src) {
            free(tail);
            fclose(f);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
        }
        st = load_zip(&L, src, tail, tl, opts, out);
        free(tail);
    } else if (is_legacy(head, hn)) {
        uint8_t *buf = NULL;
        st = read_all(path, f, size, &buf);
        fclose(f);
        if (st == ZB_OK)
            st = load_legacy(&L, buf, (size_t)size, opts, out);
        free(buf);
    } else {
        fclose(f);
        st = sniff_fail(&L, head, hn);
    }
    loader_free(&L);
    return st;
}
