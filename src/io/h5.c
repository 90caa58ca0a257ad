/* A bounds-checked reader for the subset of HDF5 that h5py writes for Keras.
 *
 * Follows the "HDF5 File Format Specification Version 3.0" (section numbers in
 * comments).  The whole file sits in one buffer; every structure is read
 * through a cursor that checks its bounds, every loop is bounded by the bytes
 * it walks, tree recursion is capped, and a global step budget stops files
 * whose structures are shared or cyclic so lookups would repeat forever.
 * Checksums are not verified: they guard against corruption, not attacks, and
 * every field is checked anyway.  See docs/hdf5.md for what is supported. */
#include "io/h5.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fp16.h"
#include "core/status.h"
#include "io/readfile.h"

#define UNDEF UINT64_MAX
#define MAX_STEPS ((uint64_t)1 << 26)  /* nodes, messages and records visited */
#define MAX_DEPTH 32                   /* B-tree / heap recursion */
#define MAX_CHUNKS 4096                /* object header continuation blocks */
#define MAX_MSGS 65536                 /* messages per object header */
#define MAX_PATH_PARTS 64
#define MAX_STR ((size_t)64 << 20)     /* one attribute string */

typedef struct h5 {
    const char *name;
    const uint8_t *buf;
    uint64_t len;
    int so, sl;        /* sizes of offsets and lengths */
    uint64_t base;     /* base address */
    uint64_t root;     /* root group object header */
    uint64_t steps;
} h5;

static zb_status bad(h5 *f, const char *fmt, ...) ZB_PRINTF(2, 3);
static zb_status bad(h5 *f, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return zb_error(ZB_ERR_FORMAT, "%s: %s", f->name, msg);
}

static zb_status unsupported(h5 *f, const char *what)
{
    return zb_error(ZB_ERR_UNSUPPORTED, "%s: unsupported HDF5 feature: %s", f->name, what);
}

static zb_status step(h5 *f, uint64_t n)
{
    f->steps += n;
    if (f->steps > MAX_STEPS)
        return zb_error(ZB_ERR_LIMIT, "%s: HDF5 structure too large or cyclic (more than %llu steps)",
                        f->name, (unsigned long long)MAX_STEPS);
    return ZB_OK;
}

/* ---- bounds-checked cursor ------------------------------------------------ */

typedef struct cur {
    const uint8_t *p;
    uint64_t n;  /* bytes left */
    int err;     /* sticky: set by any read past the end */
} cur;

static cur mkcur(const uint8_t *p, uint64_t n) { return (cur){p, n, 0}; }

static uint64_t get(cur *c, int nb)
{
    if (c->err || (uint64_t)nb > c->n) {
        c->err = 1;
        c->n = 0;
        return 0;
    }
    uint64_t v = 0;
    for (int i = nb - 1; i >= 0; i--)
        v = v << 8 | c->p[i];
    c->p += nb;
    c->n -= nb;
    return v;
}

static const uint8_t *take(cur *c, uint64_t nb)
{
    if (c->err || nb > c->n) {
        c->err = 1;
        c->n = 0;
        return NULL;
    }
    const uint8_t *p = c->p;
    c->p += nb;
    c->n -= nb;
    return p;
}

static void skip(cur *c, uint64_t nb) { (void)take(c, nb); }

/* An address of f->so bytes; UNDEF for the all-ones "undefined address". */
static uint64_t addr(h5 *f, cur *c)
{
    uint64_t v = get(c, f->so);
    if (f->so < 8 && v == ((uint64_t)1 << (8 * f->so)) - 1)
        return UNDEF;
    return v;
}

static uint64_t length(h5 *f, cur *c) { return get(c, f->sl); }

/* A cursor at file address a with at least `need` bytes; fails otherwise. */
static zb_status at(h5 *f, uint64_t a, uint64_t need, cur *c, const char *what)
{
    if (a == UNDEF || a > f->len || f->base > f->len - a || need > f->len - f->base - a)
        return bad(f, "%s at address %llu (+%llu bytes) lies outside the file (%llu bytes)", what,
                   (unsigned long long)a, (unsigned long long)need, (unsigned long long)f->len);
    *c = mkcur(f->buf + f->base + a, f->len - f->base - a);
    return ZB_OK;
}

static int log2u(uint64_t v)
{
    int r = 0;
    while (v > 1) {
        v >>= 1;
        r++;
    }
    return r;
}

/* Bytes needed to encode v, as libhdf5's H5VM_limit_enc_size. */
static int enc_size(uint64_t v) { return log2u(v) / 8 + 1; }

/* ---- superblock (II.A) ---------------------------------------------------- */

static const uint8_t SIG[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

static zb_status read_superblock(h5 *f)
{
    if (f->len < 8 || memcmp(f->buf, SIG, 8) != 0)
        return bad(f, "not an HDF5 file (no signature at offset 0; user blocks are not supported)");
    cur c = mkcur(f->buf + 8, f->len - 8);
    int ver = (int)get(&c, 1);
    if (ver == 0 || ver == 1) {
        skip(&c, 4); /* free-space, root symbol table, reserved, shared header versions */
        f->so = (int)get(&c, 1);
        f->sl = (int)get(&c, 1);
        skip(&c, 1 + 2 + 2 + 4 + (ver == 1 ? 4 : 0));
    } else if (ver == 2 || ver == 3) {
        f->so = (int)get(&c, 1);
        f->sl = (int)get(&c, 1);
        skip(&c, 1);
    } else {
        return bad(f, "superblock version %d not supported", ver);
    }
    if (c.err)
        return bad(f, "truncated superblock");
    if ((f->so != 2 && f->so != 4 && f->so != 8) || (f->sl != 2 && f->sl != 4 && f->sl != 8))
        return bad(f, "invalid offset/length sizes %d/%d in superblock", f->so, f->sl);
    uint64_t base = addr(f, &c);
    if (ver <= 1) {
        skip(&c, 3 * (uint64_t)f->so); /* free space, end of file, driver info */
        skip(&c, f->so);               /* root entry: link name offset */
        f->root = addr(f, &c);
    } else {
        skip(&c, 2 * (uint64_t)f->so); /* superblock extension, end of file */
        f->root = addr(f, &c);
    }
    if (c.err)
        return bad(f, "truncated superblock");
    if (base == UNDEF || base >= f->len)
        return bad(f, "base address %llu outside the file", (unsigned long long)base);
    f->base = base;
    return ZB_OK;
}

/* ---- object headers (IV.A) ------------------------------------------------ */

typedef struct msg {
    int type, flags;
    const uint8_t *p;
    uint64_t n;
} msg;

typedef struct ohdr {
    msg *m;
    int n, cap;
} ohdr;

static void ohdr_free(ohdr *o)
{
    free(o->m);
    o->m = NULL;
    o->n = o->cap = 0;
}

static zb_status add_msg(h5 *f, ohdr *o, int type, int flags, const uint8_t *p, uint64_t n)
{
    if (o->n >= MAX_MSGS)
        return bad(f, "object header has more than %d messages", MAX_MSGS);
    if (o->n == o->cap) {
        int cap = o->cap ? o->cap * 2 : 16;
        msg *m = realloc(o->m, (size_t)cap * sizeof *m);
        if (!m)
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
        o->m = m;
        o->cap = cap;
    }
    o->m[o->n++] = (msg){type, flags, p, n};
    return ZB_OK;
}

typedef struct span {
    uint64_t a, n;
} span;

/* Reads all messages of the object header at `a`, following continuation
 * blocks.  On success the caller frees *o with ohdr_free. */
static zb_status read_ohdr(h5 *f, uint64_t a, ohdr *o)
{
    memset(o, 0, sizeof *o);
    zb_status st = step(f, 1);
    if (st)
        return st;
    cur c;
    if ((st = at(f, a, 16, &c, "object header")))
        return st;
    int v2 = c.p[0] == 'O' && c.p[1] == 'H' && c.p[2] == 'D' && c.p[3] == 'R';
    int hflags = 0;
    span chunks[64];
    int nchunks = 0, done = 0;
    uint64_t first_n;
    if (!v2) {
        int ver = (int)get(&c, 1);
        if (ver != 1)
            return bad(f, "object header at %llu: version %d not supported", (unsigned long long)a, ver);
        skip(&c, 1 + 2 + 4);
        first_n = get(&c, 4);
        skip(&c, 4); /* v1 messages start 8-byte aligned, at +16 */
        chunks[nchunks++] = (span){a + 16, first_n};
    } else {
        skip(&c, 4);
        int ver = (int)get(&c, 1);
        if (ver != 2)
            return bad(f, "object header at %llu: version %d not supported", (unsigned long long)a, ver);
        hflags = (int)get(&c, 1);
        if (hflags & 0x20)
            skip(&c, 16);
        if (hflags & 0x10)
            skip(&c, 4);
        first_n = get(&c, 1 << (hflags & 3));
        if (c.err)
            return bad(f, "object header at %llu is truncated", (unsigned long long)a);
        chunks[nchunks++] = (span){(uint64_t)(c.p - f->buf) - f->base, first_n};
    }
    int total = 0;
    while (done < nchunks) {
        span s = chunks[done++];
        if (++total > MAX_CHUNKS) {
            ohdr_free(o);
            return bad(f, "object header at %llu has too many continuation blocks", (unsigned long long)a);
        }
        if ((st = step(f, 1)) || (st = at(f, s.a, s.n, &c, "object header chunk"))) {
            ohdr_free(o);
            return st;
        }
        c.n = s.n;
        if (v2 && done > 1) { /* continuation block: "OCHK" ... checksum */
            const uint8_t *sig = take(&c, 4);
            if (!sig || memcmp(sig, "OCHK", 4) != 0 || c.n < 4) {
                ohdr_free(o);
                return bad(f, "bad object header continuation block at %llu", (unsigned long long)s.a);
            }
            c.n -= 4;
        }
        int hsz = v2 ? 4 + ((hflags & 4) ? 2 : 0) : 8;
        while (c.n >= (uint64_t)hsz) {
            int type, mflags;
            uint64_t size;
            if (v2) {
                type = (int)get(&c, 1);
                size = get(&c, 2);
                mflags = (int)get(&c, 1);
                if (hflags & 4)
                    skip(&c, 2);
            } else {
                type = (int)get(&c, 2);
                size = get(&c, 2);
                mflags = (int)get(&c, 1);
                skip(&c, 3);
            }
            const uint8_t *p = take(&c, size);
            if (!p) {
                ohdr_free(o);
                return bad(f, "object header message (type %d) at %llu overruns its block", type,
                           (unsigned long long)s.a);
            }
            if ((st = step(f, 1))) {
                ohdr_free(o);
                return st;
            }
            if (type == 0x10) { /* continuation (IV.A.2.q) */
                cur m = mkcur(p, size);
                uint64_t ca = addr(f, &m), cn = length(f, &m);
                if (m.err || nchunks >= (int)(sizeof chunks / sizeof chunks[0])) {
                    ohdr_free(o);
                    return bad(f, "bad or too many object header continuations at %llu", (unsigned long long)a);
                }
                chunks[nchunks++] = (span){ca, cn};
            } else if ((mflags & 2) && type != 1 && type != 3 && type != 5 && type != 0x0B && type != 0x0C) {
                ohdr_free(o);
                return bad(f, "message of unshareable type %d flagged as shared", type);
            } else if (type != 0 && (st = add_msg(f, o, type, mflags, p, size))) {
                ohdr_free(o);
                return st;
            }
        }
    }
    return ZB_OK;
}

/* ---- datatypes and dataspaces (IV.A.2.b, IV.A.2.d) ------------------------ */

enum { DT_INT, DT_FLOAT, DT_STR, DT_VSTR };

typedef struct dtype {
    int kind;
    uint32_t size;
    int be;       /* big-endian */
    int sign;
    int strpad;   /* 0 null-terminated, 1 null-padded, 2 space-padded */
} dtype;

static zb_status parse_dtype(h5 *f, cur *c, dtype *t, int depth)
{
    int cv = (int)get(c, 1);
    int b0 = (int)get(c, 1), b1 = (int)get(c, 1);
    skip(c, 1);
    uint32_t size = (uint32_t)get(c, 4);
    if (c->err)
        return bad(f, "truncated datatype message");
    int cls = cv & 15, ver = cv >> 4;
    if (ver < 1 || ver > 4)
        return bad(f, "datatype version %d not supported", ver);
    memset(t, 0, sizeof *t);
    t->size = size;
    if (cls == 0) { /* fixed-point */
        uint32_t off = (uint32_t)get(c, 2), prec = (uint32_t)get(c, 2);
        if (c->err)
            return bad(f, "truncated fixed-point datatype");
        if (off != 0 || prec != size * 8 || (size != 1 && size != 2 && size != 4 && size != 8))
            return unsupported(f, "integer datatype with padding bits or odd size");
        t->kind = DT_INT;
        t->be = b0 & 1;
        t->sign = (b0 >> 3) & 1;
    } else if (cls == 1) { /* floating-point: only IEEE binary16/32/64 */
        uint32_t off = (uint32_t)get(c, 2), prec = (uint32_t)get(c, 2);
        int eloc = (int)get(c, 1), esz = (int)get(c, 1), mloc = (int)get(c, 1), msz = (int)get(c, 1);
        uint32_t bias = (uint32_t)get(c, 4);
        if (c->err)
            return bad(f, "truncated floating-point datatype");
        int ok = off == 0 && prec == size * 8 && mloc == 0 && (b0 & 0x40) == 0 && ((b0 >> 4) & 3) == 2 &&
                 ((size == 2 && eloc == 10 && esz == 5 && msz == 10 && bias == 15 && b1 == 15) ||
                  (size == 4 && eloc == 23 && esz == 8 && msz == 23 && bias == 127 && b1 == 31) ||
                  (size == 8 && eloc == 52 && esz == 11 && msz == 52 && bias == 1023 && b1 == 63));
        if (!ok)
            return unsupported(f, "floating-point datatype that is not IEEE binary16/32/64");
        t->kind = DT_FLOAT;
        t->be = b0 & 1;
    } else if (cls == 3) { /* fixed-length string */
        if (size == 0)
            return bad(f, "string datatype of size 0");
        t->kind = DT_STR;
        t->strpad = b0 & 15;
    } else if (cls == 9) { /* variable-length: strings only */
        if ((b0 & 15) != 1)
            return unsupported(f, "variable-length sequence datatype");
        if (depth > 0)
            return bad(f, "nested variable-length datatype");
        dtype base;
        zb_status st = parse_dtype(f, c, &base, depth + 1);
        if (st)
            return st;
        t->kind = DT_VSTR;
        t->strpad = (b0 >> 4) & 15;
    } else {
        static const char *names[] = {"fixed-point", "floating-point", "time", "string", "bitfield", "opaque",
                                      "compound", "reference", "enumerated", "variable-length", "array"};
        char what[64];
        snprintf(what, sizeof what, "%s datatype", cls < 11 ? names[cls] : "unknown");
        return unsupported(f, what);
    }
    return ZB_OK;
}

#define MAX_RANK 32

typedef struct dspace {
    int rank;       /* -1 for a null dataspace */
    uint64_t dims[MAX_RANK];
    uint64_t count;
} dspace;

static zb_status parse_dspace(h5 *f, cur *c, dspace *s)
{
    int ver = (int)get(c, 1);
    int rank = (int)get(c, 1);
    int flags = (int)get(c, 1);
    int type = 1;
    if (ver == 1)
        skip(c, 5);
    else if (ver == 2)
        type = (int)get(c, 1);
    else
        return bad(f, "dataspace version %d not supported", ver);
    if (c->err)
        return bad(f, "truncated dataspace message");
    if (rank > MAX_RANK)
        return bad(f, "dataspace rank %d exceeds %d", rank, MAX_RANK);
    memset(s, 0, sizeof *s);
    if (type == 2) {
        if (rank != 0)
            return bad(f, "null dataspace of rank %d", rank);
        s->rank = -1;
        return ZB_OK;
    }
    if (type != 0 && type != 1)
        return bad(f, "dataspace type %d not supported", type);
    if (ver == 2 && type == 0 && rank != 0)
        return bad(f, "scalar dataspace of rank %d", rank);
    s->rank = type == 0 ? 0 : rank;
    s->count = 1;
    for (int i = 0; i < s->rank; i++) {
        s->dims[i] = length(f, c);
        if (s->dims[i] && s->count > (UINT64_MAX >> 2) / s->dims[i])
            return bad(f, "dataspace element count overflows");
        s->count *= s->dims[i];
    }
    if (c->err)
        return bad(f, "truncated dataspace message");
    (void)flags;
    return ZB_OK;
}

/* Resolves a shared message (IV.A.2: flag bit 1) to the message of the same
 * type in the committed object it points to. */
static zb_status resolve_shared(h5 *f, const msg *m, ohdr *tmp, msg *out)
{
    cur c = mkcur(m->p, m->n);
    int ver = (int)get(&c, 1), type = (int)get(&c, 1);
    uint64_t a;
    if (ver == 1) {
        skip(&c, 6);
        a = addr(f, &c);
    } else if (ver == 2 || (ver == 3 && type == 2)) {
        a = addr(f, &c);
    } else if (ver == 3) {
        return unsupported(f, "shared message in the shared-object-header-message heap");
    } else {
        return bad(f, "shared message version %d not supported", ver);
    }
    if (c.err)
        return bad(f, "truncated shared message");
    zb_status st = read_ohdr(f, a, tmp);
    if (st)
        return st;
    for (int i = 0; i < tmp->n; i++)
        if (tmp->m[i].type == m->type && !(tmp->m[i].flags & 2)) {
            *out = tmp->m[i];
            return ZB_OK;
        }
    ohdr_free(tmp);
    return bad(f, "shared message target at %llu has no message of type %d", (unsigned long long)a, m->type);
}

/* ---- fractal heap (III.G) ------------------------------------------------- */

typedef struct fheap {
    uint64_t a;
    int id_len;
    uint32_t max_man;
    int width;
    uint64_t start, max_direct;
    int max_bits, cur_rows;
    uint64_t root, huge_bt;
    int off_size, len_size, max_drows;
    int dblock_checksum;
} fheap;

static zb_status read_fheap(h5 *f, uint64_t a, fheap *h)
{
    cur c;
    zb_status st = at(f, a, 4, &c, "fractal heap header");
    if (st)
        return st;
    const uint8_t *sig = take(&c, 4);
    if (memcmp(sig, "FRHP", 4) != 0)
        return bad(f, "bad fractal heap signature at %llu", (unsigned long long)a);
    memset(h, 0, sizeof *h);
    h->a = a;
    int ver = (int)get(&c, 1);
    h->id_len = (int)get(&c, 2);
    int filt_len = (int)get(&c, 2);
    int flags = (int)get(&c, 1);
    h->max_man = (uint32_t)get(&c, 4);
    skip(&c, f->sl);
    h->huge_bt = addr(f, &c);
    skip(&c, (uint64_t)f->sl + f->so + 8 * (uint64_t)f->sl);
    h->width = (int)get(&c, 2);
    h->start = length(f, &c);
    h->max_direct = length(f, &c);
    h->max_bits = (int)get(&c, 2);
    skip(&c, 2);
    h->root = addr(f, &c);
    h->cur_rows = (int)get(&c, 2);
    if (c.err)
        return bad(f, "truncated fractal heap header at %llu", (unsigned long long)a);
    if (ver != 0)
        return bad(f, "fractal heap version %d not supported", ver);
    if (filt_len)
        return unsupported(f, "filtered fractal heap");
    /* widths and sizes are powers of two (III.G) */
    if (h->width < 1 || h->width > 65536 || (h->width & (h->width - 1)) || h->start < 1 ||
        (h->start & (h->start - 1)) || h->max_direct < h->start || (h->max_direct & (h->max_direct - 1)) ||
        h->max_bits < 1 || h->max_bits > 64 || h->id_len < 1 || h->id_len > 64 || h->cur_rows > 64 ||
        h->max_direct > f->len * 2 + 65536)
        return bad(f, "invalid fractal heap parameters at %llu", (unsigned long long)a);
    h->dblock_checksum = (flags & 2) != 0;
    h->off_size = (h->max_bits + 7) / 8;
    int dsz = (log2u(h->max_direct) + 7) / 8;
    int msz = enc_size(h->max_man);
    h->len_size = dsz < msz ? dsz : msz;
    h->max_drows = log2u(h->max_direct) - log2u(h->start) + 2;
    return ZB_OK;
}

static uint64_t row_size(const fheap *h, int r) { return r == 0 ? h->start : h->start << (r - 1); }

/* Finds the direct block holding heap offset `off` under the block at `a`
 * (nrows == 0: a direct block of size `bsize` at heap offset `boff`). */
static zb_status fheap_find(h5 *f, const fheap *h, uint64_t a, uint64_t boff, int nrows, uint64_t bsize,
                            uint64_t off, uint64_t len, const uint8_t **out, int depth)
{
    zb_status st = step(f, 1);
    if (st)
        return st;
    if (depth > MAX_DEPTH)
        return bad(f, "fractal heap too deep");
    cur c;
    if (nrows == 0) {
        if ((st = at(f, a, 5, &c, "fractal heap direct block")))
            return st;
        if (memcmp(take(&c, 4), "FHDB", 4) != 0)
            return bad(f, "bad fractal heap direct block signature at %llu", (unsigned long long)a);
        if (off < boff || off - boff > bsize || len > bsize - (off - boff))
            return bad(f, "fractal heap object outside its block");
        if ((st = at(f, a + (off - boff), len, &c, "fractal heap object")))
            return st;
        if (a + (off - boff) < a)
            return bad(f, "fractal heap object address overflows");
        *out = c.p;
        return ZB_OK;
    }
    if ((st = at(f, a, 5 + (uint64_t)f->so + h->off_size, &c, "fractal heap indirect block")))
        return st;
    if (memcmp(take(&c, 4), "FHIB", 4) != 0)
        return bad(f, "bad fractal heap indirect block signature at %llu", (unsigned long long)a);
    skip(&c, 1 + (uint64_t)f->so);
    uint64_t myoff = get(&c, h->off_size);
    if (myoff != boff)
        return bad(f, "fractal heap indirect block at %llu has offset %llu, expected %llu", (unsigned long long)a,
                   (unsigned long long)myoff, (unsigned long long)boff);
    uint64_t pos = boff;
    for (int r = 0; r < nrows; r++) {
        uint64_t rs = row_size(h, r);
        for (int col = 0; col < h->width; col++) {
            uint64_t child = addr(f, &c);
            if (c.err)
                return bad(f, "truncated fractal heap indirect block at %llu", (unsigned long long)a);
            if (off >= pos && off - pos < rs) {
                if (child == UNDEF)
                    return bad(f, "fractal heap object in an unallocated block");
                if (r < h->max_drows)
                    return fheap_find(f, h, child, pos, 0, rs, off, len, out, depth + 1);
                int sub = log2u(rs) - log2u(h->start) - log2u((uint64_t)h->width) + 1;
                if (sub < 1 || sub >= nrows)
                    return bad(f, "invalid fractal heap indirect block row count");
                return fheap_find(f, h, child, pos, sub, rs, off, len, out, depth + 1);
            }
            if (pos + rs < pos)
                return bad(f, "fractal heap offsets overflow");
            pos += rs;
        }
    }
    return bad(f, "fractal heap offset %llu not found", (unsigned long long)off);
}

typedef zb_status (*rec_fn)(h5 *f, const uint8_t *rec, void *ctx, int *stop);
static zb_status bt2_iterate(h5 *f, uint64_t a, int type, int min_rec, rec_fn fn, void *ctx);

typedef struct huge_ctx {
    uint64_t id, a, n;
    int found;
} huge_ctx;

static zb_status huge_rec(h5 *f, const uint8_t *rec, void *vctx, int *stop)
{
    huge_ctx *x = vctx;
    cur c = mkcur(rec, (uint64_t)f->so + 2 * (uint64_t)f->sl);
    uint64_t a = addr(f, &c), n = length(f, &c), id = length(f, &c);
    if (id == x->id) {
        x->a = a;
        x->n = n;
        x->found = *stop = 1;
    }
    return ZB_OK;
}

/* A huge object (III.G): stored outside the heap's blocks, found through the
 * heap's huge-object v2 B-tree (type 1), or addressed directly by the ID. */
static zb_status fheap_huge(h5 *f, const fheap *h, const uint8_t *id, const uint8_t **p, uint64_t *n)
{
    cur c = mkcur(id + 1, (uint64_t)h->id_len - 1);
    huge_ctx x = {0};
    if (h->id_len - 1 >= f->so + f->sl) {
        x.a = addr(f, &c);
        x.n = length(f, &c);
    } else {
        x.id = get(&c, h->id_len - 1 < 8 ? h->id_len - 1 : 8);
        if (h->huge_bt == UNDEF)
            return bad(f, "fractal heap has no huge objects");
        zb_status st = bt2_iterate(f, h->huge_bt, 1, f->so + 2 * f->sl, huge_rec, &x);
        if (st)
            return st;
        if (!x.found)
            return bad(f, "huge fractal heap object %llu not found", (unsigned long long)x.id);
    }
    cur d;
    zb_status st = at(f, x.a, x.n, &d, "huge fractal heap object");
    if (st)
        return st;
    *p = d.p;
    *n = x.n;
    return ZB_OK;
}

/* The object with heap ID `id` (h->id_len bytes): pointer into the file and length. */
static zb_status fheap_get(h5 *f, const fheap *h, const uint8_t *id, const uint8_t **p, uint64_t *n)
{
    int vt = id[0];
    if ((vt >> 6) != 0)
        return bad(f, "fractal heap ID version %d not supported", vt >> 6);
    int type = (vt >> 4) & 3;
    if (type == 2) { /* tiny: data inside the ID */
        uint64_t tl = (uint64_t)(vt & 15) + 1;
        if (tl > (uint64_t)h->id_len - 1)
            return bad(f, "tiny fractal heap object longer than its ID");
        *p = id + 1;
        *n = tl;
        return ZB_OK;
    }
    if (type == 1)
        return fheap_huge(f, h, id, p, n);
    if (type != 0)
        return bad(f, "fractal heap ID of unknown type");
    cur c = mkcur(id + 1, (uint64_t)h->id_len - 1);
    uint64_t off = get(&c, h->off_size), len = get(&c, h->len_size);
    if (c.err)
        return bad(f, "fractal heap ID too short");
    if (h->root == UNDEF)
        return bad(f, "empty fractal heap");
    *n = len;
    if (h->cur_rows == 0)
        return fheap_find(f, h, h->root, 0, 0, h->start, off, len, p, 0);
    return fheap_find(f, h, h->root, 0, h->cur_rows, 0, off, len, p, 0);
}

/* ---- v2 B-trees (III.A.2) ------------------------------------------------- */

typedef struct bt2 {
    int type, rec_size, depth;
    uint32_t node_size;
    int max_nrec_size;
    uint64_t max_nrec[MAX_DEPTH + 1], cum[MAX_DEPTH + 1];
    int cum_size[MAX_DEPTH + 1];
} bt2;

static zb_status bt2_node(h5 *f, bt2 *b, uint64_t a, uint64_t nrec, int depth, rec_fn fn, void *ctx, int *stop)
{
    zb_status st = step(f, 1 + nrec);
    if (st)
        return st;
    cur c;
    if ((st = at(f, a, 6, &c, "v2 B-tree node")))
        return st;
    const uint8_t *sig = take(&c, 4);
    if (memcmp(sig, depth ? "BTIN" : "BTLF", 4) != 0)
        return bad(f, "bad v2 B-tree node signature at %llu", (unsigned long long)a);
    skip(&c, 1);
    if ((int)get(&c, 1) != b->type)
        return bad(f, "v2 B-tree node type mismatch at %llu", (unsigned long long)a);
    if (nrec > b->max_nrec[depth])
        return bad(f, "v2 B-tree node at %llu holds too many records", (unsigned long long)a);
    const uint8_t *recs = take(&c, nrec * b->rec_size);
    if (!recs)
        return bad(f, "truncated v2 B-tree node at %llu", (unsigned long long)a);
    if (depth == 0) {
        for (uint64_t i = 0; i < nrec && !*stop; i++)
            if ((st = fn(f, recs + i * b->rec_size, ctx, stop)))
                return st;
        return ZB_OK;
    }
    for (uint64_t i = 0; i <= nrec && !*stop; i++) {
        uint64_t ca = addr(f, &c);
        uint64_t cn = get(&c, b->max_nrec_size);
        if (depth > 1)
            skip(&c, b->cum_size[depth - 1]);
        if (c.err)
            return bad(f, "truncated v2 B-tree internal node at %llu", (unsigned long long)a);
        if ((st = bt2_node(f, b, ca, cn, depth - 1, fn, ctx, stop)))
            return st;
        if (i < nrec && !*stop && (st = fn(f, recs + i * b->rec_size, ctx, stop)))
            return st;
    }
    return ZB_OK;
}

/* Calls fn on every record of the v2 B-tree at `a` (records of at least
 * min_rec bytes), in order, until *stop. */
static zb_status bt2_iterate(h5 *f, uint64_t a, int type, int min_rec, rec_fn fn, void *ctx)
{
    cur c;
    zb_status st = at(f, a, 4, &c, "v2 B-tree header");
    if (st)
        return st;
    if (memcmp(take(&c, 4), "BTHD", 4) != 0)
        return bad(f, "bad v2 B-tree header signature at %llu", (unsigned long long)a);
    bt2 b;
    memset(&b, 0, sizeof b);
    int ver = (int)get(&c, 1);
    b.type = (int)get(&c, 1);
    b.node_size = (uint32_t)get(&c, 4);
    b.rec_size = (int)get(&c, 2);
    b.depth = (int)get(&c, 2);
    skip(&c, 2);
    uint64_t root = addr(f, &c);
    uint64_t root_n = get(&c, 2);
    if (c.err)
        return bad(f, "truncated v2 B-tree header at %llu", (unsigned long long)a);
    if (ver != 0 || b.type != type)
        return bad(f, "v2 B-tree at %llu: version %d type %d, expected version 0 type %d", (unsigned long long)a,
                   ver, b.type, type);
    if (b.rec_size < min_rec || b.node_size < 16 || b.node_size > (1u << 24) || b.depth > MAX_DEPTH)
        return bad(f, "invalid v2 B-tree parameters at %llu", (unsigned long long)a);
    if (root == UNDEF)
        return ZB_OK;
    /* node capacities, as libhdf5 derives them (H5B2__hdr_init) */
    b.max_nrec[0] = (b.node_size - 10) / b.rec_size;
    b.cum[0] = b.max_nrec[0];
    b.max_nrec_size = enc_size(b.max_nrec[0]);
    for (int d = 1; d <= b.depth; d++) {
        uint64_t ptr = f->so + b.max_nrec_size + (d > 1 ? b.cum_size[d - 1] : 0);
        if (b.node_size < 10 + ptr)
            return bad(f, "invalid v2 B-tree node size at %llu", (unsigned long long)a);
        b.max_nrec[d] = (b.node_size - (10 + ptr)) / (b.rec_size + ptr);
        b.cum[d] = (b.max_nrec[d] + 1) * b.cum[d - 1] + b.max_nrec[d];
        if (b.cum[d] > ((uint64_t)1 << 48))
            return bad(f, "v2 B-tree at %llu too deep", (unsigned long long)a);
        b.cum_size[d] = enc_size(b.cum[d]);
    }
    int stop = 0;
    return bt2_node(f, &b, root, root_n, b.depth, fn, ctx, &stop);
}

/* ---- links and group lookup (IV.A.2.g, IV.A.2.i, III.A.1, III.C, III.D) --- */

/* Parses a link message; *target is UNDEF for soft/external links. */
static zb_status parse_link(h5 *f, const uint8_t *p, uint64_t n, const uint8_t **name, uint64_t *nlen, uint64_t *target,
                            int *ltype)
{
    cur c = mkcur(p, n);
    int ver = (int)get(&c, 1), flags = (int)get(&c, 1);
    *ltype = 0;
    if (flags & 8)
        *ltype = (int)get(&c, 1);
    if (flags & 4)
        skip(&c, 8);
    if (flags & 16)
        skip(&c, 1);
    *nlen = get(&c, 1 << (flags & 3));
    *name = take(&c, *nlen);
    *target = UNDEF;
    if (*ltype == 0)
        *target = addr(f, &c);
    if (c.err || ver != 1)
        return bad(f, "malformed link message");
    return ZB_OK;
}

typedef struct find_ctx find_ctx;
/* Called for each link of a group when iterating rather than looking up. */
typedef zb_status (*link_fn)(h5 *f, find_ctx *x, const uint8_t *name, uint64_t nlen, uint64_t target, int ltype,
                             int *stop);

struct find_ctx {
    link_fn fn;          /* NULL: look up `name` */
    void *user;
    const char *name;
    size_t nlen;
    uint64_t found;
    int ltype;
    const fheap *heap;
    int is_attr;
    const uint8_t *ap;   /* attribute message found in dense storage */
    uint64_t an;
};

static zb_status visit_link(h5 *f, find_ctx *x, const uint8_t *name, uint64_t nlen, uint64_t target, int ltype,
                            int *stop)
{
    if (x->fn)
        return x->fn(f, x, name, nlen, target, ltype, stop);
    if (nlen == x->nlen && memcmp(name, x->name, nlen) == 0) {
        x->found = target;
        x->ltype = ltype;
        *stop = 1;
    }
    return ZB_OK;
}

static zb_status dense_link_rec(h5 *f, const uint8_t *rec, void *vctx, int *stop)
{
    find_ctx *x = vctx;
    const uint8_t *p = NULL, *name = NULL;
    uint64_t n = 0, nlen = 0, target = 0;
    int ltype;
    zb_status st = fheap_get(f, x->heap, rec + 4, &p, &n);
    if (st || (st = parse_link(f, p, n, &name, &nlen, &target, &ltype)))
        return st;
    return visit_link(f, x, name, nlen, target, ltype, stop);
}

#define STAB_MAX 4096 /* children per v1 B-tree node, and nodes pending */

typedef struct stab_node {
    uint64_t a;
    int level;
} stab_node;

/* Depth-first walk of a group's v1 B-tree (type 0), levels strictly decreasing,
 * visiting the links of every symbol table node in order. */
static zb_status stab_walk(h5 *f, uint64_t btree, const uint8_t *hdata, uint64_t dsize, find_ctx *x, int *stop,
                           stab_node *stack, uint64_t *children)
{
    zb_status st;
    cur c;
    size_t sp = 0;
    stack[sp].a = btree;
    stack[sp++].level = -1;
    while (sp > 0) {
        uint64_t a = stack[--sp].a;
        int want = stack[sp].level;
        if ((st = step(f, 1)) || (st = at(f, a, 8 + 2 * (uint64_t)f->so, &c, "group B-tree node")))
            return st;
        if (memcmp(take(&c, 4), "TREE", 4) != 0 || get(&c, 1) != 0)
            return bad(f, "bad group B-tree node at %llu", (unsigned long long)a);
        int level = (int)get(&c, 1);
        uint64_t used = get(&c, 2);
        skip(&c, 2 * (uint64_t)f->so);
        if ((want >= 0 && level != want) || level > MAX_DEPTH)
            return bad(f, "group B-tree node at %llu has level %d", (unsigned long long)a, level);
        if (used > STAB_MAX)
            return bad(f, "group B-tree node at %llu has %llu children", (unsigned long long)a,
                       (unsigned long long)used);
        skip(&c, f->sl);
        for (uint64_t i = 0; i < used; i++) {
            children[i] = addr(f, &c);
            skip(&c, f->sl);
        }
        if (c.err)
            return bad(f, "truncated group B-tree node at %llu", (unsigned long long)a);
        if (level > 0) {
            if (used > STAB_MAX - sp)
                return bad(f, "group B-tree too wide or deep");
            for (uint64_t i = used; i-- > 0;) {
                stack[sp].a = children[i];
                stack[sp++].level = level - 1;
            }
            continue;
        }
        for (uint64_t i = 0; i < used; i++) {
            cur s;
            if ((st = step(f, 1)) || (st = at(f, children[i], 8, &s, "symbol table node")))
                return st;
            if (memcmp(take(&s, 4), "SNOD", 4) != 0 || get(&s, 1) != 1)
                return bad(f, "bad symbol table node at %llu", (unsigned long long)children[i]);
            skip(&s, 1);
            uint64_t nsym = get(&s, 2);
            for (uint64_t k = 0; k < nsym; k++) {
                uint64_t noff = length(f, &s) & (f->so < 8 ? ((uint64_t)1 << (8 * f->so)) - 1 : UINT64_MAX);
                uint64_t oh = addr(f, &s);
                skip(&s, 24);
                if (s.err)
                    return bad(f, "truncated symbol table node at %llu", (unsigned long long)children[i]);
                if ((st = step(f, 1)))
                    return st;
                if (noff >= dsize)
                    return bad(f, "link name offset %llu outside the local heap", (unsigned long long)noff);
                const uint8_t *nm = hdata + noff;
                const uint8_t *end = memchr(nm, 0, dsize - noff);
                if (!end)
                    return bad(f, "unterminated link name in local heap");
                if ((st = visit_link(f, x, nm, (uint64_t)(end - nm), oh, 0, stop)) || *stop)
                    return st;
            }
        }
    }
    return ZB_OK;
}

static zb_status stab_links(h5 *f, uint64_t btree, uint64_t heap, find_ctx *x, int *stop)
{
    cur c;
    zb_status st = at(f, heap, 8 + 2 * (uint64_t)f->sl + f->so, &c, "local heap");
    if (st)
        return st;
    if (memcmp(take(&c, 4), "HEAP", 4) != 0)
        return bad(f, "bad local heap signature at %llu", (unsigned long long)heap);
    skip(&c, 4);
    uint64_t dsize = length(f, &c);
    skip(&c, f->sl);
    uint64_t daddr = addr(f, &c);
    cur d;
    if ((st = at(f, daddr, dsize, &d, "local heap data")))
        return st;
    stab_node *stack = malloc(STAB_MAX * sizeof *stack);
    uint64_t *children = malloc(STAB_MAX * sizeof *children);
    if (stack && children)
        st = stab_walk(f, btree, d.p, dsize, x, stop, stack, children);
    else
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
    free(stack);
    free(children);
    return st;
}

/* Calls x's visitor on every link of the group with object header `o`. */
static zb_status group_links(h5 *f, const ohdr *o, find_ctx *x, int *is_group)
{
    zb_status st;
    int stop = 0;
    *is_group = 0;
    for (int i = 0; i < o->n && !stop; i++) {
        const msg *m = &o->m[i];
        if (m->type == 0x06) {
            const uint8_t *nm;
            uint64_t nl, target;
            int lt;
            *is_group = 1;
            if ((st = parse_link(f, m->p, m->n, &nm, &nl, &target, &lt)) ||
                (st = visit_link(f, x, nm, nl, target, lt, &stop)))
                return st;
        } else if (m->type == 0x11) {
            cur c = mkcur(m->p, m->n);
            uint64_t bt = addr(f, &c), hp = addr(f, &c);
            if (c.err)
                return bad(f, "truncated symbol table message");
            *is_group = 1;
            if ((st = stab_links(f, bt, hp, x, &stop)))
                return st;
        } else if (m->type == 0x02) {
            cur c = mkcur(m->p, m->n);
            int ver = (int)get(&c, 1), flags = (int)get(&c, 1);
            if (flags & 1)
                skip(&c, 8);
            uint64_t heap = addr(f, &c), bt = addr(f, &c);
            if (c.err || ver != 0)
                return bad(f, "malformed link info message");
            *is_group = 1;
            if (heap == UNDEF)
                continue;
            fheap h;
            if ((st = read_fheap(f, heap, &h)))
                return st;
            if (h.id_len < 7)
                return bad(f, "link heap ID too short");
            x->heap = &h;
            st = bt2_iterate(f, bt, 5, 4 + h.id_len, dense_link_rec, x);
            x->heap = NULL;
            if (st)
                return st;
            stop = x->fn ? 0 : x->found != UNDEF;
        }
    }
    return ZB_OK;
}

/* Address of the object linked as `name` (one path component) from group
 * object header `o`; UNDEF when there is no such link. */
static zb_status group_find(h5 *f, const ohdr *o, const char *name, size_t nlen, uint64_t *out)
{
    find_ctx x = {.name = name, .nlen = nlen, .found = UNDEF, .ltype = 0};
    int is_group;
    zb_status st = group_links(f, o, &x, &is_group);
    if (st)
        return st;
    if (!is_group)
        return bad(f, "'%.*s': parent object is not a group", (int)nlen, name);
    if (x.found == UNDEF && x.ltype != 0)
        return unsupported(f, "soft or external links");
    *out = x.found;
    return ZB_OK;
}

/* Resolves a '/'-separated path from group `start`; *out is UNDEF if missing. */
static zb_status path_find(h5 *f, uint64_t start, const char *path, uint64_t *out)
{
    uint64_t cur_a = start;
    const char *s = path;
    int parts = 0;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (++parts > MAX_PATH_PARTS)
            return bad(f, "'%s': path too deep", path);
        ohdr o;
        zb_status st = read_ohdr(f, cur_a, &o);
        if (st)
            return st;
        uint64_t next;
        st = group_find(f, &o, s, n, &next);
        ohdr_free(&o);
        if (st)
            return st;
        if (next == UNDEF) {
            *out = UNDEF;
            return ZB_OK;
        }
        cur_a = next;
        s += n;
    }
    *out = cur_a;
    return ZB_OK;
}

/* ---- attributes (IV.A.2.m, IV.A.2.v) -------------------------------------- */

typedef struct attr {
    dtype t;
    dspace s;
    const uint8_t *data;
    uint64_t n;
} attr;

static zb_status parse_attr(h5 *f, const uint8_t *p, uint64_t n, const char *want, int *match, attr *a)
{
    cur c = mkcur(p, n);
    int ver = (int)get(&c, 1), flags = (int)get(&c, 1);
    uint64_t nl = get(&c, 2), tl = get(&c, 2), sl = get(&c, 2);
    if (ver == 3)
        skip(&c, 1);
    if (c.err || ver < 1 || ver > 3)
        return bad(f, "malformed attribute message");
    int pad = ver == 1;
#define PAD8(x) (pad ? ((x) + 7) / 8 * 8 : (x))
    const uint8_t *name = take(&c, PAD8(nl));
    const uint8_t *tp = take(&c, PAD8(tl));
    const uint8_t *sp = take(&c, PAD8(sl));
#undef PAD8
    if (c.err || nl == 0)
        return bad(f, "truncated attribute message");
    /* the stored name length counts the NUL terminator; want == NULL matches all */
    size_t len = strnlen((const char *)name, nl);
    *match = !want || (len == strlen(want) && memcmp(name, want, len) == 0);
    if (!*match)
        return ZB_OK;
    zb_status st;
    cur tc = mkcur(tp, tl), sc = mkcur(sp, sl);
    if (flags & 1) {
        msg m = {0x03, 2, tp, tl}, r;
        ohdr tmp;
        if ((st = resolve_shared(f, &m, &tmp, &r)))
            return st;
        tc = mkcur(r.p, r.n);
        st = parse_dtype(f, &tc, &a->t, 0);
        ohdr_free(&tmp);
        if (st)
            return st;
    } else if ((st = parse_dtype(f, &tc, &a->t, 0))) {
        return st;
    }
    if (flags & 2)
        return unsupported(f, "shared dataspace in attribute");
    if ((st = parse_dspace(f, &sc, &a->s)))
        return st;
    a->data = c.p;
    a->n = c.n;
    return ZB_OK;
}

static zb_status dense_attr_rec(h5 *f, const uint8_t *rec, void *vctx, int *stop)
{
    find_ctx *x = vctx;
    const uint8_t *p;
    uint64_t n;
    zb_status st = fheap_get(f, x->heap, rec, &p, &n);
    if (st)
        return st;
    /* match on the name only; parse later */
    cur c = mkcur(p, n);
    int ver = (int)get(&c, 1);
    skip(&c, 1);
    uint64_t nl = get(&c, 2);
    skip(&c, 4 + (ver == 3 ? 1 : 0));
    const uint8_t *name = take(&c, nl);
    if (c.err)
        return bad(f, "malformed dense attribute");
    size_t len = strnlen((const char *)name, nl);
    if (len == x->nlen && memcmp(name, x->name, len) == 0) {
        x->ap = p;
        x->an = n;
        *stop = 1;
    }
    return ZB_OK;
}

/* An attribute info message (0x15): the fractal heap and name-index v2 B-tree of
 * the object's dense attributes.  *bt is UNDEF when it has none. */
static zb_status attr_info(h5 *f, const msg *m, fheap *h, uint64_t *bt)
{
    cur c = mkcur(m->p, m->n);
    int ver = (int)get(&c, 1), flags = (int)get(&c, 1);
    if (flags & 1)
        skip(&c, 2);
    uint64_t heap = addr(f, &c);
    *bt = addr(f, &c);
    if (c.err || ver != 0)
        return bad(f, "malformed attribute info message");
    if (heap == UNDEF || *bt == UNDEF) {
        *bt = UNDEF;
        return ZB_OK;
    }
    zb_status st = read_fheap(f, heap, h);
    if (st)
        return st;
    if (h->id_len != 8)
        return bad(f, "attribute heap ID length %d, expected 8", h->id_len);
    return ZB_OK;
}

/* Finds attribute `name` of object header `o`; *found = 0 when absent. */
static zb_status attr_find(h5 *f, const ohdr *o, const char *name, attr *a, int *found)
{
    zb_status st;
    *found = 0;
    for (int i = 0; i < o->n; i++) {
        const msg *m = &o->m[i];
        if (m->type == 0x0C) {
            if (m->flags & 2)
                return unsupported(f, "shared attribute message");
            if ((st = parse_attr(f, m->p, m->n, name, found, a)))
                return st;
            if (*found)
                return ZB_OK;
        } else if (m->type == 0x15) {
            fheap h;
            uint64_t bt;
            if ((st = attr_info(f, m, &h, &bt)))
                return st;
            if (bt == UNDEF)
                continue;
            find_ctx x = {.name = name, .nlen = strlen(name), .heap = &h};
            if ((st = bt2_iterate(f, bt, 8, 8, dense_attr_rec, &x)))
                return st;
            if (x.ap) {
                if ((st = parse_attr(f, x.ap, x.an, name, found, a)))
                    return st;
                if (*found)
                    return ZB_OK;
            }
        }
    }
    return ZB_OK;
}

/* ---- strings -------------------------------------------------------------- */

typedef struct strlist {
    char **s;
    int n;
} strlist;

static void strlist_free(strlist *l)
{
    for (int i = 0; l->s && i < l->n; i++)
        free(l->s[i]);
    free(l->s);
    l->s = NULL;
    l->n = 0;
}

static char *dupn(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = 0;
    }
    return s;
}

/* Object `index` of the global heap collection at `a` (III.E). */
static zb_status gheap_get(h5 *f, uint64_t a, uint32_t index, const uint8_t **p, uint64_t *n)
{
    cur c;
    zb_status st = at(f, a, 8 + (uint64_t)f->sl, &c, "global heap collection");
    if (st)
        return st;
    if (memcmp(take(&c, 4), "GCOL", 4) != 0 || get(&c, 1) != 1)
        return bad(f, "bad global heap collection at %llu", (unsigned long long)a);
    skip(&c, 3);
    uint64_t size = length(f, &c);
    uint64_t hdr = 8 + (uint64_t)f->sl;
    if (size < hdr || size - hdr > c.n)
        return bad(f, "global heap collection at %llu exceeds the file", (unsigned long long)a);
    c.n = size - hdr;
    while (c.n >= 8 + (uint64_t)f->sl) {
        if ((st = step(f, 1)))
            return st;
        uint32_t idx = (uint32_t)get(&c, 2);
        skip(&c, 6);
        uint64_t osz = length(f, &c);
        if (idx == 0)
            break; /* free space: the rest of the collection */
        uint64_t padded = osz > UINT64_MAX - 7 ? UINT64_MAX : (osz + 7) / 8 * 8;
        if (padded > c.n)
            return bad(f, "global heap object %u overruns its collection", idx);
        if (idx == index) {
            *p = c.p;
            *n = osz;
            return ZB_OK;
        }
        skip(&c, padded);
    }
    return bad(f, "global heap object %u not found in collection at %llu", index, (unsigned long long)a);
}

/* Attribute `name` as a list of strings (any rank); a numeric attribute with
 * no elements (Keras writes `[]` that way) is an empty list. */
static zb_status decode_strings(h5 *f, const attr *ap, const char *name, strlist *out);

static zb_status attr_strings(h5 *f, const ohdr *o, const char *name, strlist *out, int *found)
{
    attr a;
    memset(out, 0, sizeof *out);
    zb_status st = attr_find(f, o, name, &a, found);
    if (st || !*found)
        return st;
    return decode_strings(f, &a, name, out);
}

static zb_status decode_strings(h5 *f, const attr *ap, const char *name, strlist *out)
{
    attr a = *ap;
    zb_status st;
    memset(out, 0, sizeof *out);
    if (a.s.rank < 0 || a.s.count == 0)
        return ZB_OK;
    if (a.t.kind != DT_STR && a.t.kind != DT_VSTR)
        return bad(f, "attribute '%s' is not a string", name);
    uint64_t esz = a.t.kind == DT_STR ? a.t.size : 4 + (uint64_t)f->so + 4;
    if (a.s.count > (uint64_t)1 << 24 || a.s.count * esz > a.n)
        return bad(f, "attribute '%s': %llu elements do not fit its %llu data bytes", name,
                   (unsigned long long)a.s.count, (unsigned long long)a.n);
    out->s = calloc(a.s.count, sizeof *out->s);
    if (!out->s)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
    for (uint64_t i = 0; i < a.s.count; i++) {
        const uint8_t *e = a.data + i * esz;
        const uint8_t *sp = NULL;
        uint64_t sn = 0;
        if (a.t.kind == DT_STR) {
            sp = e;
            sn = esz;
            const uint8_t *z = memchr(e, 0, esz);
            if (z)
                sn = (uint64_t)(z - e);
            if (a.t.strpad == 2)
                while (sn && sp[sn - 1] == ' ')
                    sn--;
        } else {
            cur c = mkcur(e, esz);
            uint64_t slen = get(&c, 4), ga = addr(f, &c);
            uint32_t gi = (uint32_t)get(&c, 4);
            if (slen == 0) {
                sp = e;
                sn = 0;
            } else {
                uint64_t gn = 0;
                if ((st = gheap_get(f, ga, gi, &sp, &gn))) {
                    strlist_free(out);
                    return st;
                }
                if (slen > gn) {
                    strlist_free(out);
                    return bad(f, "attribute '%s': string longer than its heap object", name);
                }
                sn = slen;
            }
        }
        if (sn > MAX_STR) {
            strlist_free(out);
            return zb_error(ZB_ERR_LIMIT, "%s: attribute '%s' string too long", f->name, name);
        }
        if ((st = step(f, 1 + sn / 4096))) {
            strlist_free(out);
            return st;
        }
        out->s[i] = dupn(sp, (size_t)sn);
        out->n = (int)i + 1;
        if (!out->s[i]) {
            strlist_free(out);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
        }
    }
    return ZB_OK;
}

/* Checks one attribute completely: data size, and every string it holds. */
static zb_status attr_check(h5 *f, const attr *a)
{
    if (a->s.rank < 0)
        return ZB_OK;
    if (a->t.kind == DT_STR || a->t.kind == DT_VSTR) {
        strlist l;
        zb_status st = decode_strings(f, a, "(any)", &l);
        strlist_free(&l);
        return st;
    }
    if (a->s.count > a->n / a->t.size)
        return bad(f, "attribute data shorter than its %llu elements", (unsigned long long)a->s.count);
    return ZB_OK;
}

static zb_status dense_attr_check(h5 *f, const uint8_t *rec, void *vctx, int *stop)
{
    find_ctx *x = vctx;
    const uint8_t *p = NULL;
    uint64_t n = 0;
    attr a;
    int match;
    (void)stop;
    zb_status st = fheap_get(f, x->heap, rec, &p, &n);
    if (st || (st = parse_attr(f, p, n, NULL, &match, &a)))
        return st;
    return attr_check(f, &a);
}

/* Parses and checks every attribute of object header `o`. */
static zb_status attr_check_all(h5 *f, const ohdr *o)
{
    zb_status st;
    for (int i = 0; i < o->n; i++) {
        const msg *m = &o->m[i];
        if (m->type == 0x0C) {
            attr a;
            int match;
            if (m->flags & 2)
                return unsupported(f, "shared attribute message");
            if ((st = parse_attr(f, m->p, m->n, NULL, &match, &a)) || (st = attr_check(f, &a)))
                return st;
        } else if (m->type == 0x15) {
            fheap h;
            uint64_t bt;
            if ((st = attr_info(f, m, &h, &bt)))
                return st;
            if (bt == UNDEF)
                continue;
            find_ctx x = {.heap = &h};
            if ((st = bt2_iterate(f, bt, 8, 8, dense_attr_check, &x)))
                return st;
        }
    }
    return ZB_OK;
}

/* A scalar (or one-element) string attribute; *s is NULL when absent. */
static zb_status attr_string(h5 *f, const ohdr *o, const char *name, char **s)
{
    strlist l;
    int found;
    *s = NULL;
    zb_status st = attr_strings(f, o, name, &l, &found);
    if (st || !found)
        return st;
    if (l.n != 1) {
        strlist_free(&l);
        return bad(f, "attribute '%s' is not a single string", name);
    }
    *s = l.s[0];
    free(l.s);
    return ZB_OK;
}

/* ---- datasets (IV.A.2.i layout, IV.A.2.l filters) ------------------------- */

static void convert(const dtype *t, const uint8_t *src, float *dst, uint64_t count)
{
    uint8_t b[8];
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *e = src + i * t->size;
        for (uint32_t k = 0; k < t->size; k++)
            b[k] = t->be ? e[t->size - 1 - k] : e[k];
        uint64_t u = 0;
        for (int k = (int)t->size - 1; k >= 0; k--)
            u = u << 8 | b[k];
        float v;
        if (t->kind == DT_FLOAT) {
            if (t->size == 2) {
                v = zb_half_to_float((uint16_t)u);
            } else if (t->size == 4) {
                uint32_t w = (uint32_t)u;
                memcpy(&v, &w, 4);
            } else {
                double d;
                memcpy(&d, &u, 8);
                v = (float)d;
            }
        } else if (t->sign) {
            int sh = 64 - 8 * (int)t->size;
            int64_t s = (int64_t)(u << sh) >> sh;
            v = (float)s;
        } else {
            v = (float)u;
        }
        dst[i] = v;
    }
}

/* Copies the part of a chunk (dims cd, at offset off < dims) that lies inside
 * the dataset into the dataset buffer; returns the elements copied. */
static uint64_t place_chunk(const dspace *s, const uint64_t *cd, const uint64_t *off, const uint8_t *src,
                            uint8_t *dst, uint32_t esz)
{
    int r = s->rank;
    uint64_t ext[MAX_RANK], idx[MAX_RANK] = {0}, total = 1;
    for (int d = 0; d < r; d++) {
        ext[d] = s->dims[d] - off[d] < cd[d] ? s->dims[d] - off[d] : cd[d];
        total *= ext[d];
    }
    for (uint64_t i = 0; i < total; i++) {
        uint64_t si = 0, di = 0;
        for (int d = 0; d < r; d++) {
            si = si * cd[d] + idx[d];
            di = di * s->dims[d] + off[d] + idx[d];
        }
        memcpy(dst + di * esz, src + si * esz, esz);
        for (int d = r - 1; d >= 0; d--) {
            if (++idx[d] < ext[d])
                break;
            idx[d] = 0;
        }
    }
    return total;
}

/* Walks the v1 B-tree (type 1) of a chunked dataset, placing each chunk. */
static zb_status read_chunks(h5 *f, uint64_t a, int level_want, const dspace *s, const uint64_t *cd, uint32_t esz,
                             uint8_t *dst, uint64_t *placed, int depth)
{
    zb_status st;
    if (depth > MAX_DEPTH)
        return bad(f, "chunk B-tree too deep");
    if ((st = step(f, 1)))
        return st;
    cur c;
    if ((st = at(f, a, 8 + 2 * (uint64_t)f->so, &c, "chunk B-tree node")))
        return st;
    if (memcmp(take(&c, 4), "TREE", 4) != 0 || get(&c, 1) != 1)
        return bad(f, "bad chunk B-tree node at %llu", (unsigned long long)a);
    int level = (int)get(&c, 1);
    uint64_t used = get(&c, 2);
    skip(&c, 2 * (uint64_t)f->so);
    if ((level_want >= 0 && level != level_want) || level > MAX_DEPTH)
        return bad(f, "chunk B-tree node at %llu has level %d", (unsigned long long)a, level);
    uint64_t csize = esz;
    for (int d = 0; d < s->rank; d++)
        csize *= cd[d];
    for (uint64_t i = 0; i < used; i++) {
        uint32_t nbytes = (uint32_t)get(&c, 4), mask = (uint32_t)get(&c, 4);
        uint64_t off[MAX_RANK];
        for (int d = 0; d < s->rank; d++)
            off[d] = get(&c, 8);
        skip(&c, 8);
        uint64_t child = addr(f, &c);
        if (c.err)
            return bad(f, "truncated chunk B-tree node at %llu", (unsigned long long)a);
        if (level > 0) {
            if ((st = read_chunks(f, child, level - 1, s, cd, esz, dst, placed, depth + 1)))
                return st;
            continue;
        }
        if (mask != 0)
            return unsupported(f, "filtered chunks");
        if (nbytes != csize)
            return bad(f, "chunk of %u bytes, expected %llu", nbytes, (unsigned long long)csize);
        for (int d = 0; d < s->rank; d++)
            if (off[d] % cd[d] || off[d] >= s->dims[d])
                return bad(f, "chunk offset outside the dataset");
        cur cc;
        if ((st = step(f, csize / 65536)) || (st = at(f, child, csize, &cc, "chunk")))
            return st;
        /* chunks tile the dataset: each element is written once, so the work
         * is bounded by the dataset, whatever the B-tree repeats */
        uint64_t inside = 1;
        for (int d = 0; d < s->rank; d++)
            inside *= s->dims[d] - off[d] < cd[d] ? s->dims[d] - off[d] : cd[d];
        if (inside > s->count - *placed)
            return bad(f, "chunks overlap or repeat");
        *placed += place_chunk(s, cd, off, cc.p, dst, esz);
    }
    return ZB_OK;
}

/* Checks a fill value message (IV.A.2.f): zoobench never uses the fill value
 * (weights are always written), but a defined one must match the datatype. */
static zb_status check_fill(h5 *f, const msg *m, const dtype *t)
{
    cur c = mkcur(m->p, m->n);
    int ver = (int)get(&c, 1);
    int defined = 1;
    if (ver == 1 || ver == 2) {
        skip(&c, 2);
        defined = (int)get(&c, 1);
    } else if (ver == 3) {
        int flags = (int)get(&c, 1);
        defined = (flags & 0x20) != 0;
    } else {
        return bad(f, "fill value message version %d not supported", ver);
    }
    if (c.err)
        return bad(f, "truncated fill value message");
    if (!defined || c.n == 0)
        return ZB_OK;
    uint64_t size = get(&c, 4);
    if (c.err || size > c.n)
        return bad(f, "fill value larger than its message");
    if (size != 0 && size != t->size)
        return bad(f, "fill value of %llu bytes for a %u-byte datatype", (unsigned long long)size, t->size);
    return ZB_OK;
}

/* Chunk dimensions must be non-zero and a chunk must fit in the file. */
static zb_status check_chunk_dims(h5 *f, const dspace *s, const uint64_t *cd, uint32_t esz, const char *what)
{
    uint64_t csz = esz;
    for (int d = 0; d < s->rank; d++) {
        if (cd[d] == 0)
            return bad(f, "chunk dimension 0 in '%s'", what);
        if (csz <= f->len) /* csz <= 4 GiB and cd < 2^32: no overflow */
            csz *= cd[d];
    }
    if (csz > f->len)
        return bad(f, "chunks of '%s' larger than the file", what);
    return ZB_OK;
}

/* Places the chunks whose addresses are listed in chunk-grid (C) order. */
static zb_status place_grid(h5 *f, const dspace *s, const uint64_t *cd, uint32_t esz, uint8_t *raw,
                            const uint64_t *addrs, uint64_t nchunks)
{
    uint64_t csize = esz, grid[MAX_RANK], placed = 0;
    for (int d = 0; d < s->rank; d++) {
        csize *= cd[d];
        grid[d] = (s->dims[d] + cd[d] - 1) / cd[d];
    }
    for (uint64_t i = 0; i < nchunks; i++) {
        uint64_t off[MAX_RANK], rem = i;
        for (int d = s->rank - 1; d >= 0; d--) {
            off[d] = (rem % grid[d]) * cd[d];
            rem /= grid[d];
        }
        cur cc;
        zb_status st;
        if (addrs[i] == UNDEF)
            return bad(f, "chunk %llu was never written", (unsigned long long)i);
        if ((st = step(f, 1)) || (st = at(f, addrs[i], csize, &cc, "chunk")))
            return st;
        placed += place_chunk(s, cd, off, cc.p, raw, esz);
    }
    if (placed != s->count)
        return bad(f, "chunks cover %llu of %llu elements", (unsigned long long)placed, (unsigned long long)s->count);
    return ZB_OK;
}

/* Layout message version 4, chunked (IV.A.2.i): single-chunk, implicit and
 * (unpaged) fixed-array indexes, as h5py writes with libver='latest'. */
static zb_status chunked_v4(h5 *f, cur *c, const dspace *s, uint32_t esz, uint8_t *raw, const char *what)
{
    int flags = (int)get(c, 1), nd = (int)get(c, 1), enc = (int)get(c, 1);
    uint64_t cd[MAX_RANK + 1];
    if (c->err || nd != s->rank + 1 || enc < 1 || enc > 8)
        return bad(f, "malformed chunked layout of '%s'", what);
    for (int d = 0; d < nd; d++)
        cd[d] = get(c, enc);
    int index = (int)get(c, 1);
    if (c->err || cd[s->rank] != esz || cd[s->rank] > 8 || (flags & 2))
        return bad(f, "malformed chunked layout of '%s'", what);
    zb_status st = check_chunk_dims(f, s, cd, esz, what);
    if (st)
        return st;
    if (index == 3)
        skip(c, 1); /* page bits: read from the fixed array header */
    else if (index != 1 && index != 2)
        return unsupported(f, "chunk index of extensible-array or v2 B-tree type");
    uint64_t a = addr(f, c);
    if (c->err)
        return bad(f, "truncated chunked layout of '%s'", what);
    if (s->count == 0)
        return ZB_OK;
    uint64_t nchunks = 1, csize = esz;
    for (int d = 0; d < s->rank; d++) {
        nchunks *= (s->dims[d] + cd[d] - 1) / cd[d]; /* <= elements <= file size */
        csize *= cd[d];
    }
    if (a == UNDEF)
        return bad(f, "dataset '%s' has no data written", what);
    /* every chunk occupies file bytes (data, or an address in the index) */
    if (nchunks > f->len / (index == 3 ? (uint64_t)f->so : csize))
        return bad(f, "chunks of '%s' do not fit in the file", what);
    uint64_t *addrs = malloc(nchunks * sizeof *addrs);
    if (!addrs)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
    if (index == 1 || index == 2) { /* chunks stored back to back from `a` */
        if (index == 1 && nchunks != 1)
            st = bad(f, "single-chunk index for %llu chunks", (unsigned long long)nchunks);
        for (uint64_t i = 0; !st && i < nchunks; i++)
            addrs[i] = a + i * csize;
    } else {
        cur h;
        if (!(st = at(f, a, 4, &h, "fixed array header"))) {
            const uint8_t *sig = take(&h, 4);
            int ver = (int)get(&h, 1), client = (int)get(&h, 1), esize = (int)get(&h, 1), pbits = (int)get(&h, 1);
            uint64_t max = length(f, &h), db = addr(f, &h);
            if (h.err || memcmp(sig, "FAHD", 4) != 0 || ver != 0 || client != 0 || esize != f->so)
                st = bad(f, "bad fixed array header at %llu", (unsigned long long)a);
            else if (pbits > 63 || max > ((uint64_t)1 << pbits))
                st = unsupported(f, "paged fixed array chunk index");
            else if (max != nchunks)
                st = bad(f, "fixed array of %llu entries for %llu chunks", (unsigned long long)max,
                         (unsigned long long)nchunks);
            cur b;
            if (!st && !(st = at(f, db, 6 + (uint64_t)f->so, &b, "fixed array data block"))) {
                const uint8_t *bsig = take(&b, 4);
                skip(&b, 2 + (uint64_t)f->so);
                if (memcmp(bsig, "FADB", 4) != 0)
                    st = bad(f, "bad fixed array data block at %llu", (unsigned long long)db);
                for (uint64_t i = 0; !st && i < nchunks; i++)
                    addrs[i] = addr(f, &b);
                if (!st && b.err)
                    st = bad(f, "truncated fixed array data block at %llu", (unsigned long long)db);
            }
        }
    }
    if (!st)
        st = place_grid(f, s, cd, esz, raw, addrs, nchunks);
    free(addrs);
    return st;
}

/* Reads the dataset at object header `a` as float32: *data (malloc'd) and shape. */
static zb_status read_dataset(h5 *f, uint64_t a, const char *what, float **data, dspace *s)
{
    ohdr o;
    zb_status st = read_ohdr(f, a, &o);
    if (st)
        return st;
    const msg *mt = NULL, *ms = NULL, *ml = NULL, *mf = NULL;
    int filtered = 0;
    for (int i = 0; i < o.n; i++) {
        const msg *m = &o.m[i];
        if (m->type == 0x03 && !mt)
            mt = m;
        else if (m->type == 0x01 && !ms)
            ms = m;
        else if (m->type == 0x08 && !ml)
            ml = m;
        else if (m->type == 0x0B)
            filtered = 1;
        else if (m->type == 0x05 && !mf)
            mf = m;
    }
    dtype t;
    uint8_t *raw = NULL;
    *data = NULL;
    if (!mt || !ms || !ml) {
        st = bad(f, "'%s' is not a dataset", what);
        goto done;
    }
    if (mt->flags & 2) {
        ohdr tmp;
        msg r;
        if ((st = resolve_shared(f, mt, &tmp, &r)))
            goto done;
        cur c = mkcur(r.p, r.n);
        st = parse_dtype(f, &c, &t, 0);
        ohdr_free(&tmp);
    } else {
        cur c = mkcur(mt->p, mt->n);
        st = parse_dtype(f, &c, &t, 0);
    }
    if (st)
        goto done;
    if (ms->flags & 2) {
        st = unsupported(f, "shared dataspace");
        goto done;
    }
    if (mf && !(mf->flags & 2) && (st = check_fill(f, mf, &t)))
        goto done;
    cur sc = mkcur(ms->p, ms->n);
    if ((st = parse_dspace(f, &sc, s)))
        goto done;
    if (t.kind != DT_FLOAT && t.kind != DT_INT) {
        st = zb_error(ZB_ERR_UNSUPPORTED, "%s: dataset '%s' is not numeric", f->name, what);
        goto done;
    }
    if (s->rank < 0) {
        st = bad(f, "dataset '%s' has a null dataspace", what);
        goto done;
    }
    if (s->rank > ZB_WMAP_MAXDIM) {
        st = zb_error(ZB_ERR_LIMIT, "%s: dataset '%s' has %d dimensions, at most %d supported", f->name, what,
                      s->rank, ZB_WMAP_MAXDIM);
        goto done;
    }
    if (filtered) {
        st = unsupported(f, "compressed (filtered) datasets; save the weights without compression");
        goto done;
    }
    /* stored data can never be larger than the file: this caps allocation */
    uint64_t nbytes = s->count * t.size;
    if (s->count > f->len || nbytes > f->len) {
        st = bad(f, "dataset '%s': %llu elements do not fit in the file", what, (unsigned long long)s->count);
        goto done;
    }
    *data = malloc(s->count ? s->count * sizeof(float) : 1);
    raw = malloc(nbytes ? nbytes : 1);
    if (!*data || !raw) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory for dataset '%s'", f->name, what);
        goto done;
    }
    cur c = mkcur(ml->p, ml->n);
    int ver = (int)get(&c, 1);
    if (ver < 1 || ver > 4) {
        st = bad(f, "layout version %d not supported", ver);
        goto done;
    }
    int cls;
    if (ver <= 2) {
        int nd = (int)get(&c, 1);
        cls = (int)get(&c, 1);
        skip(&c, 5);
        if (cls == 1) {
            uint64_t da = addr(f, &c);
            if (c.err) {
                st = bad(f, "truncated layout message");
                goto done;
            }
            cur dc;
            if (nbytes && (st = at(f, da, nbytes, &dc, "dataset data")))
                goto done;
            if (nbytes)
                memcpy(raw, dc.p, nbytes);
        } else if (cls == 0) {
            skip(&c, 4 * (uint64_t)nd);
            uint64_t sz = get(&c, 4);
            const uint8_t *p = take(&c, sz);
            if (!p || sz < nbytes) {
                st = bad(f, "compact data of '%s' too short", what);
                goto done;
            }
            memcpy(raw, p, nbytes);
        } else {
            st = unsupported(f, "old-style chunked layout");
            goto done;
        }
    } else {
        cls = (int)get(&c, 1);
        if (cls == 0) {
            uint64_t sz = get(&c, 2);
            const uint8_t *p = take(&c, sz);
            if (!p || sz < nbytes) {
                st = bad(f, "compact data of '%s' too short", what);
                goto done;
            }
            memcpy(raw, p, nbytes);
        } else if (cls == 1) {
            uint64_t da = addr(f, &c), sz = length(f, &c);
            if (c.err) {
                st = bad(f, "truncated layout message");
                goto done;
            }
            if (nbytes && da == UNDEF) {
                st = bad(f, "dataset '%s' has no data written", what);
                goto done;
            }
            cur dc;
            if (nbytes && (sz < nbytes || (st = at(f, da, nbytes, &dc, "dataset data")))) {
                if (!st)
                    st = bad(f, "dataset '%s': stored size %llu < %llu bytes", what, (unsigned long long)sz,
                             (unsigned long long)nbytes);
                goto done;
            }
            if (nbytes)
                memcpy(raw, dc.p, nbytes);
        } else if (cls == 2 && ver == 3) {
            if (filtered) {
                st = unsupported(f, "compressed (filtered) datasets");
                goto done;
            }
            int nd = (int)get(&c, 1);
            uint64_t bt = addr(f, &c);
            uint64_t cd[MAX_RANK + 1];
            for (int d = 0; d < nd && d <= MAX_RANK; d++)
                cd[d] = get(&c, 4);
            if (c.err || nd != s->rank + 1 || cd[s->rank] != t.size) {
                st = bad(f, "malformed chunked layout of '%s'", what);
                goto done;
            }
            if ((st = check_chunk_dims(f, s, cd, t.size, what)))
                goto done;
            if (nbytes) {
                if (bt == UNDEF) {
                    st = bad(f, "dataset '%s' has no data written", what);
                    goto done;
                }
                uint64_t placed = 0;
                if ((st = read_chunks(f, bt, -1, s, cd, t.size, raw, &placed, 0)))
                    goto done;
                if (placed != s->count) {
                    st = bad(f, "dataset '%s': chunks cover %llu of %llu elements", what, (unsigned long long)placed,
                             (unsigned long long)s->count);
                    goto done;
                }
            }
        } else if (cls == 2) {
            if (filtered) {
                st = unsupported(f, "compressed (filtered) datasets");
                goto done;
            }
            if ((st = chunked_v4(f, &c, s, t.size, raw, what)))
                goto done;
        } else {
            st = unsupported(f, "virtual dataset layout");
            goto done;
        }
        if (filtered && cls != 2) {
            st = bad(f, "filter pipeline on a non-chunked dataset");
            goto done;
        }
    }
    convert(&t, raw, *data, s->count);
done:
    free(raw);
    ohdr_free(&o);
    if (st) {
        free(*data);
        *data = NULL;
    }
    return st;
}

/* ---- Keras layout --------------------------------------------------------- */

void zb_keras_h5_free(zb_keras_h5 *k)
{
    if (!k)
        return;
    zb_wmap_free(k->weights);
    for (int i = 0; i < k->nlayers; i++)
        free(k->layers[i].name);
    free(k->layers);
    free(k->keras_version);
    free(k->backend);
    free(k->model_config);
    free(k);
}

/* `name` attribute of group `o`, or its Keras chunks name0, name1, ... */
static zb_status keras_attr_list(h5 *f, const ohdr *o, const char *name, strlist *out, int *found)
{
    zb_status st = attr_strings(f, o, name, out, found);
    if (st || *found)
        return st;
    for (int chunk = 0;; chunk++) {
        char nm[64];
        snprintf(nm, sizeof nm, "%s%d", name, chunk);
        strlist part;
        int pf;
        if ((st = attr_strings(f, o, nm, &part, &pf))) {
            strlist_free(out);
            return st;
        }
        if (!pf)
            return ZB_OK;
        *found = 1;
        if (part.n > INT32_MAX / 2 - out->n) {
            strlist_free(&part);
            strlist_free(out);
            return bad(f, "too many '%s' entries", name);
        }
        char **s = realloc(out->s, ((size_t)out->n + part.n + 1) * sizeof *s);
        if (!s) {
            strlist_free(&part);
            strlist_free(out);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
        }
        out->s = s;
        memcpy(s + out->n, part.s, (size_t)part.n * sizeof *s);
        out->n += part.n;
        free(part.s);
    }
}

static zb_status read_group_ohdr(h5 *f, uint64_t a, ohdr *o) { return read_ohdr(f, a, o); }

static zb_status keras_read(h5 *f, zb_keras_h5 *k)
{
    zb_status st = read_superblock(f);
    if (st)
        return st;
    ohdr root, g;
    memset(&g, 0, sizeof g);
    if ((st = read_group_ohdr(f, f->root, &root)))
        return st;
    strlist names = {0}, wn = {0};
    int found;
    uint64_t ga = f->root;
    if ((st = attr_string(f, &root, "model_config", &k->model_config)))
        goto done;
    if ((st = keras_attr_list(f, &root, "layer_names", &names, &found)))
        goto done;
    if (!found) { /* full-model file: weights under model_weights */
        uint64_t mw;
        if ((st = group_find(f, &root, "model_weights", 13, &mw)))
            goto done;
        if (mw == UNDEF) {
            st = bad(f, "not a Keras weight file: no 'layer_names' attribute and no 'model_weights' group");
            goto done;
        }
        ga = mw;
        if ((st = read_group_ohdr(f, ga, &g)))
            goto done;
        if ((st = keras_attr_list(f, &g, "layer_names", &names, &found)))
            goto done;
        if (!found) {
            st = bad(f, "not a Keras weight file: 'model_weights' has no 'layer_names' attribute");
            goto done;
        }
    }
    const ohdr *w = ga == f->root ? &root : &g;
    if ((st = attr_string(f, w, "keras_version", &k->keras_version)))
        goto done;
    if (!k->keras_version && w != &root && (st = attr_string(f, &root, "keras_version", &k->keras_version)))
        goto done;
    if ((st = attr_string(f, w, "backend", &k->backend)))
        goto done;
    if (!k->backend && w != &root && (st = attr_string(f, &root, "backend", &k->backend)))
        goto done;
    k->layers = calloc(names.n ? (size_t)names.n : 1, sizeof *k->layers);
    if (!k->layers) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
        goto done;
    }
    for (int i = 0; i < names.n; i++) {
        zb_keras_layer *L = &k->layers[k->nlayers++];
        L->name = names.s[i];
        names.s[i] = NULL;
        L->first = k->weights->n;
        uint64_t la;
        if ((st = path_find(f, ga, L->name, &la)))
            goto done;
        if (la == UNDEF) {
            st = bad(f, "layer '%s' is listed in layer_names but has no group", L->name);
            goto done;
        }
        ohdr lo;
        if ((st = read_group_ohdr(f, la, &lo)))
            goto done;
        st = keras_attr_list(f, &lo, "weight_names", &wn, &found);
        ohdr_free(&lo);
        if (st)
            goto done;
        if (!found) {
            st = bad(f, "layer '%s' has no weight_names attribute", L->name);
            goto done;
        }
        for (int j = 0; j < wn.n; j++) {
            uint64_t da;
            if ((st = path_find(f, la, wn.s[j], &da)))
                goto done;
            if (da == UNDEF) {
                st = bad(f, "layer '%s': weight '%s' not found", L->name, wn.s[j]);
                goto done;
            }
            float *data;
            dspace s;
            if ((st = read_dataset(f, da, wn.s[j], &data, &s)))
                goto done;
            int64_t shape[ZB_WMAP_MAXDIM];
            for (int d = 0; d < s.rank; d++)
                shape[d] = (int64_t)s.dims[d];
            if ((st = zb_wmap_add(k->weights, wn.s[j], s.rank, shape, data))) {
                char why[256];
                snprintf(why, sizeof why, "%s", zb_last_error());
                st = zb_error(st, "%s: layer '%s': %s", f->name, L->name, why);
                goto done;
            }
            L->count++;
        }
        strlist_free(&wn);
    }
done:
    strlist_free(&names);
    strlist_free(&wn);
    ohdr_free(&root);
    ohdr_free(&g);
    return st;
}

zb_status zb_keras_h5_parse(const char *name, const void *buf, size_t len, zb_keras_h5 **out)
{
    *out = NULL;
    if ((uint64_t)len > ZB_H5_MAX_FILE)
        return zb_error(ZB_ERR_LIMIT, "%s: file larger than %llu bytes", name, (unsigned long long)ZB_H5_MAX_FILE);
    zb_keras_h5 *k = calloc(1, sizeof *k);
    if (!k || !(k->weights = zb_wmap_new())) {
        free(k);
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    }
    h5 f = {.name = name, .buf = buf, .len = len};
    zb_status st = keras_read(&f, k);
    if (st) {
        zb_keras_h5_free(k);
        return st;
    }
    *out = k;
    return ZB_OK;
}

/* Reads the whole file into *buf (malloc'd), at most ZB_H5_MAX_FILE bytes. */
static zb_status read_file(const char *path, uint8_t **buf_out, size_t *len)
{
    char *buf;
    zb_status st = zb_read_file(path, (size_t)ZB_H5_MAX_FILE, &buf, len);
    *buf_out = (uint8_t *)buf;
    return st;
}

zb_status zb_keras_h5_load(const char *path, zb_keras_h5 **out)
{
    *out = NULL;
    uint8_t *buf;
    size_t n;
    zb_status st = read_file(path, &buf, &n);
    if (st)
        return st;
    st = zb_keras_h5_parse(path, buf, n, out);
    free(buf);
    return st;
}

/* ---- any HDF5 file: every numeric dataset, by path ------------------------ */

#define WALK_DEPTH 32
#define WALK_PATH 4096

typedef struct walk {
    h5 *f;
    zb_wmap *m;
    uint64_t *seen;   /* object headers visited: hard links may share or cycle */
    size_t nseen, cap;
    char path[WALK_PATH];
    int depth;
} walk;

static zb_status walk_obj(walk *w, uint64_t a, size_t plen);

static zb_status walk_link(h5 *f, find_ctx *x, const uint8_t *name, uint64_t nlen, uint64_t target, int ltype,
                           int *stop)
{
    walk *w = x->user;
    (void)stop;
    if (ltype != 0 || target == UNDEF)
        return ZB_OK; /* soft and external links are not followed */
    size_t plen = strlen(w->path);
    if (plen + 1 + nlen + 1 > WALK_PATH)
        return bad(f, "object path longer than %d bytes", WALK_PATH);
    if (plen)
        w->path[plen++] = '/';
    memcpy(w->path + plen, name, nlen);
    w->path[plen + nlen] = 0;
    if (memchr(name, 0, nlen))
        return bad(f, "link name contains NUL");
    zb_status st = walk_obj(w, target, plen + nlen);
    w->path[plen ? plen - 1 : 0] = 0;
    return st;
}

static zb_status walk_obj(walk *w, uint64_t a, size_t plen)
{
    h5 *f = w->f;
    w->path[plen] = 0;
    for (size_t i = 0; i < w->nseen; i++)
        if (w->seen[i] == a)
            return ZB_OK;
    zb_status st = step(f, w->nseen / 64 + 1);
    if (st)
        return st;
    if (w->nseen == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        uint64_t *s = realloc(w->seen, cap * sizeof *s);
        if (!s)
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", f->name);
        w->seen = s;
        w->cap = cap;
    }
    w->seen[w->nseen++] = a;
    if (w->depth >= WALK_DEPTH)
        return bad(f, "groups nested deeper than %d", WALK_DEPTH);
    ohdr o;
    if ((st = read_ohdr(f, a, &o)))
        return st;
    int is_dataset = 0;
    for (int i = 0; i < o.n; i++)
        is_dataset |= o.m[i].type == 0x08;
    if ((st = attr_check_all(f, &o))) {
        ohdr_free(&o);
        return st;
    }
    if (is_dataset) {
        ohdr_free(&o);
        float *data;
        dspace s;
        if ((st = read_dataset(f, a, w->path, &data, &s)))
            return st;
        int64_t shape[ZB_WMAP_MAXDIM];
        for (int d = 0; d < s.rank; d++)
            shape[d] = (int64_t)s.dims[d];
        return zb_wmap_add(w->m, w->path, s.rank, shape, data);
    }
    for (int i = 0; i < o.n; i++)
        if (o.m[i].type == 0x0B) {
            ohdr_free(&o);
            return unsupported(f, "filter pipeline on a group");
        }
    find_ctx x = {.fn = walk_link, .user = w, .found = UNDEF};
    int is_group;
    w->depth++;
    st = group_links(f, &o, &x, &is_group);
    w->depth--;
    ohdr_free(&o);
    return st;
}

/* Every dataset of any HDF5 file, which must all be numeric: keys are paths
 * without the leading '/'.  Every attribute is parsed and checked too. */
static zb_status h5_walk(h5 *f, zb_wmap *m)
{
    walk w = {.f = f, .m = m};
    zb_status st = walk_obj(&w, f->root, 0);
    free(w.seen);
    return st;
}

zb_status zb_h5_parse_wmap(const char *name, const void *buf, size_t len, zb_wmap **out)
{
    zb_keras_h5 *k;
    *out = NULL;
    zb_status st = zb_keras_h5_parse(name, buf, len, &k);
    if (st == ZB_OK) {
        *out = k->weights;
        k->weights = NULL;
        zb_keras_h5_free(k);
        return ZB_OK;
    }
    if (st != ZB_ERR_FORMAT || !strstr(zb_last_error(), ": not a Keras weight file"))
        return st;
    zb_wmap *m = zb_wmap_new();
    if (!m)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    h5 f = {.name = name, .buf = buf, .len = len};
    if ((st = read_superblock(&f)) || (st = h5_walk(&f, m))) {
        zb_wmap_free(m);
        return st;
    }
    *out = m;
    return ZB_OK;
}

zb_status zb_h5_load_wmap(const char *path, zb_wmap **out)
{
    *out = NULL;
    uint8_t *buf;
    size_t n;
    zb_status st = read_file(path, &buf, &n);
    if (st)
        return st;
    st = zb_h5_parse_wmap(path, buf, n, out);
    free(buf);
    return st;
}

int zb_h5_sniff(const char *path)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char b[8];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(b, 1, 8, f);
    fclose(f);
    return n == 8 && memcmp(b, sig, 8) == 0;
}
