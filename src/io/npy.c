/* .npy arrays: the format numpy/lib/format.py defines (versions 1.0, 2.0, 3.0).
 *
 * File layout:
 *     "\x93NUMPY" major minor                  6 + 2 bytes
 *     header length, little-endian             2 bytes (1.0) or 4 bytes (2.0, 3.0)
 *     header: a Python dict literal            {'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }
 *     data, C order                            prod(shape) * itemsize bytes
 *
 * Reading refuses anything we cannot represent exactly (object/structured
 * dtypes, Fortran order) with a one-line reason; big-endian data is
 * byte-swapped.  Every size is checked before anything is allocated. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fp16.h"
#include "core/status.h"
#include "zoobench.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_MAX_HEADER 10000 /* numpy's own default cap (_MAX_HEADER_SIZE) */
#define NPY_ALIGN 64
#define NPY_GROWTH_DIGITS 21 /* numpy pads the header so shape[0] can grow in place */

static const struct {
    const char *name; /* numpy dtype name */
    char kind;        /* descr kind character */
    int size;
} dtypes[ZB_DTYPE_COUNT] = {
    [ZB_BOOL] = {"bool", 'b', 1},   [ZB_I8] = {"int8", 'i', 1},       [ZB_I16] = {"int16", 'i', 2},
    [ZB_I32] = {"int32", 'i', 4},   [ZB_I64] = {"int64", 'i', 8},     [ZB_U8] = {"uint8", 'u', 1},
    [ZB_U16] = {"uint16", 'u', 2},  [ZB_U32] = {"uint32", 'u', 4},    [ZB_U64] = {"uint64", 'u', 8},
    [ZB_F16] = {"float16", 'f', 2}, [ZB_F32] = {"float32", 'f', 4},   [ZB_F64] = {"float64", 'f', 8},
};

size_t zb_dtype_size(zb_dtype t) { return (unsigned)t < ZB_DTYPE_COUNT ? (size_t)dtypes[t].size : 0; }

const char *zb_dtype_name(zb_dtype t) { return (unsigned)t < ZB_DTYPE_COUNT ? dtypes[t].name : "?"; }

/* ---- header parsing ------------------------------------------------------ */

/* What the header says.  `swap`: the data is big-endian. */
typedef struct npy_header {
    zb_dtype dtype;
    int swap;
    int fortran;
    int ndim;
    int64_t shape[ZB_NPY_MAXDIM];
    int64_t count;
    size_t data_offset; /* where the data starts in the file */
    size_t data_bytes;
} npy_header;

/* A cursor over the header text; `name` is the file for messages. */
typedef struct lexer {
    const char *name;
    const char *s;
    size_t n, i;
} lexer;

static zb_status bad(const lexer *lx, const char *what)
{
    return zb_error(ZB_ERR_FORMAT, "%s: malformed .npy header: %s at byte %zu", lx->name, what, lx->i);
}

static void skip_ws(lexer *lx)
{
    while (lx->i < lx->n && strchr(" \t\n\r\f\v", lx->s[lx->i]) && lx->s[lx->i])
        lx->i++;
}

static int peek(lexer *lx)
{
    skip_ws(lx);
    return lx->i < lx->n ? (unsigned char)lx->s[lx->i] : -1;
}

static int accept(lexer *lx, char c)
{
    if (peek(lx) != (unsigned char)c)
        return 0;
    lx->i++;
    return 1;
}

/* A Python string literal without escapes ('...' or "..."), copied into buf. */
static zb_status parse_string(lexer *lx, char *buf, size_t cap)
{
    int q = peek(lx);
    if (q != '\'' && q != '"')
        return bad(lx, "expected a string");
    size_t start = ++lx->i, len = 0;
    while (lx->i < lx->n && lx->s[lx->i] != q) {
        if (lx->s[lx->i] == '\\' || lx->s[lx->i] == '\n' || lx->s[lx->i] == '\0')
            return bad(lx, "unsupported character in string");
        lx->i++;
    }
    if (lx->i >= lx->n)
        return bad(lx, "unterminated string");
    len = lx->i - start;
    lx->i++;
    if (len >= cap)
        return bad(lx, "string too long");
    memcpy(buf, lx->s + start, len);
    buf[len] = '\0';
    return ZB_OK;
}

static int match_word(lexer *lx, const char *w)
{
    size_t k = strlen(w);
    skip_ws(lx);
    if (lx->n - lx->i < k || memcmp(lx->s + lx->i, w, k))
        return 0;
    char next = lx->i + k < lx->n ? lx->s[lx->i + k] : ' ';
    if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') || next == '_')
        return 0;
    lx->i += k;
    return 1;
}

static zb_status parse_bool(lexer *lx, int *out)
{
    if (match_word(lx, "True"))
        *out = 1;
    else if (match_word(lx, "False"))
        *out = 0;
    else
        return bad(lx, "expected True or False");
    return ZB_OK;
}

/* A non-negative decimal integer; an 'L' suffix (Python 2 headers) is allowed. */
static zb_status parse_dim(lexer *lx, int64_t *out)
{
    int c = peek(lx);
    if (c == '-')
        return zb_error(ZB_ERR_FORMAT, "%s: .npy shape has a negative dimension", lx->name);
    if (c < '0' || c > '9')
        return bad(lx, "expected a dimension");
    int64_t v = 0;
    while (lx->i < lx->n && lx->s[lx->i] >= '0' && lx->s[lx->i] <= '9') {
        int d = lx->s[lx->i++] - '0';
        if (v > (INT64_MAX - d) / 10)
            return zb_error(ZB_ERR_LIMIT, "%s: .npy shape dimension overflows 64 bits", lx->name);
        v = v * 10 + d;
    }
    if (lx->i < lx->n && (lx->s[lx->i] == 'L' || lx->s[lx->i] == 'l'))
        lx->i++;
    *out = v;
    return ZB_OK;
}

/* A Python tuple of ints: (), (3,), (3, 5) with an optional trailing comma. */
static zb_status parse_shape(lexer *lx, npy_header *h)
{
    zb_status st;
    if (!accept(lx, '('))
        return bad(lx, "expected a shape tuple");
    h->ndim = 0;
    int commas = 0;
    while (!accept(lx, ')')) {
        if (h->ndim == ZB_NPY_MAXDIM)
            return zb_error(ZB_ERR_LIMIT, "%s: .npy shape has more than %d dimensions", lx->name, ZB_NPY_MAXDIM);
        if ((st = parse_dim(lx, &h->shape[h->ndim])) != ZB_OK)
            return st;
        h->ndim++;
        if (accept(lx, ','))
            commas++;
        else if (peek(lx) != ')')
            return bad(lx, "expected ',' or ')' in shape");
    }
    if (h->ndim == 1 && commas == 0)
        return bad(lx, "shape is not a tuple");
    return ZB_OK;
}

/* descr: "<f4", ">i8", "|b1", "|u1", "=f2" ... */
static zb_status parse_descr(lexer *lx, npy_header *h)
{
    if (peek(lx) == '[')
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: structured .npy dtypes are not supported", lx->name);
    char d[64];
    zb_status st = parse_string(lx, d, sizeof d);
    if (st != ZB_OK)
        return st;
    const char *p = d;
    char order = '|';
    if (*p == '<' || *p == '>' || *p == '|' || *p == '=')
        order = *p++;
    if (*p == 'O')
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: object dtype (pickled data) is not supported", lx->name);
    char kind = *p;
    int size = -1;
    if (kind == '?' && p[1] == '\0') {
        kind = 'b';
        size = 1;
    } else if (kind && p[1] >= '1' && p[1] <= '9' && p[2] == '\0') {
        size = p[1] - '0';
    }
    for (int t = 0; t < ZB_DTYPE_COUNT; t++) {
        if (dtypes[t].kind == kind && dtypes[t].size == size) {
            h->dtype = (zb_dtype)t;
            h->swap = order == '>' && size > 1;
            return ZB_OK;
        }
    }
    return zb_error(ZB_ERR_UNSUPPORTED, "%s: unsupported .npy dtype '%s'", lx->name, d);
}

/* Parses the dict literal; every key exactly once. */
static zb_status parse_dict(lexer *lx, npy_header *h)
{
    enum { DESCR = 1, FORTRAN = 2, SHAPE = 4 };
    int seen = 0;
    zb_status st;
    if (!accept(lx, '{'))
        return bad(lx, "expected '{'");
    while (!accept(lx, '}')) {
        char key[32];
        if ((st = parse_string(lx, key, sizeof key)) != ZB_OK)
            return st;
        if (!accept(lx, ':'))
            return bad(lx, "expected ':'");
        int bit = !strcmp(key, "descr") ? DESCR : !strcmp(key, "fortran_order") ? FORTRAN : !strcmp(key, "shape") ? SHAPE : 0;
        if (!bit)
            return zb_error(ZB_ERR_FORMAT, "%s: malformed .npy header: unexpected key '%s'", lx->name, key);
        if (seen & bit)
            return zb_error(ZB_ERR_FORMAT, "%s: malformed .npy header: key '%s' repeated", lx->name, key);
        seen |= bit;
        st = bit == DESCR ? parse_descr(lx, h) : bit == FORTRAN ? parse_bool(lx, &h->fortran) : parse_shape(lx, h);
        if (st != ZB_OK)
            return st;
        if (!accept(lx, ',') && peek(lx) != '}')
            return bad(lx, "expected ',' or '}'");
    }
    if (peek(lx) != -1)
        return bad(lx, "unexpected text after the header dict");
    if (seen != (DESCR | FORTRAN | SHAPE))
        return zb_error(ZB_ERR_FORMAT, "%s: malformed .npy header: missing key '%s'", lx->name,
                        !(seen & DESCR) ? "descr" : !(seen & FORTRAN) ? "fortran_order" : "shape");
    return ZB_OK;
}

/* Checks the shape: element count and byte size fit in int64/size_t. */
static zb_status check_shape(const char *name, int ndim, const int64_t *shape, zb_dtype t, int64_t *count,
                             size_t *bytes)
{
    int64_t n = 1;
    int zero = 0;
    for (int d = 0; d < ndim; d++)
        zero |= shape[d] == 0;
    for (int d = 0; d < ndim && !zero; d++) {
        if (shape[d] < 0)
            return zb_error(ZB_ERR_FORMAT, "%s: .npy shape has a negative dimension", name);
        if (n > INT64_MAX / shape[d])
            return zb_error(ZB_ERR_LIMIT, "%s: .npy shape product overflows 64 bits", name);
        n *= shape[d];
    }
    if (zero)
        n = 0;
    int64_t sz = (int64_t)zb_dtype_size(t);
    if (n > INT64_MAX / sz || (uint64_t)(n * sz) > (uint64_t)SIZE_MAX)
        return zb_error(ZB_ERR_LIMIT, "%s: .npy data size overflows", name);
    *count = n;
    *bytes = (size_t)(n * sz);
    return ZB_OK;
}

/* Parses the preamble and header from `buf` (`avail` bytes of the file). */
static zb_status parse_header(const char *name, const unsigned char *buf, size_t avail, npy_header *h)
{
    memset(h, 0, sizeof *h);
    if (avail < NPY_MAGIC_LEN + 2 || memcmp(buf, NPY_MAGIC, NPY_MAGIC_LEN))
        return zb_error(ZB_ERR_FORMAT, "%s: not a .npy file (bad magic)", name);
    int major = buf[6], minor = buf[7];
    if (!((major == 1 || major == 2 || major == 3) && minor == 0))
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: unsupported .npy format version %d.%d", name, major, minor);
    size_t lenbytes = major == 1 ? 2 : 4;
    if (avail < NPY_MAGIC_LEN + 2 + lenbytes)
        return zb_error(ZB_ERR_FORMAT, "%s: truncated .npy header", name);
    const unsigned char *p = buf + 8;
    uint64_t hlen = lenbytes == 2 ? (uint64_t)p[0] | (uint64_t)p[1] << 8
                                  : (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
    if (hlen > NPY_MAX_HEADER)
        return zb_error(ZB_ERR_LIMIT, "%s: .npy header of %" PRIu64 " bytes exceeds the %d-byte limit", name, hlen,
                        NPY_MAX_HEADER);
    size_t off = 8 + lenbytes;
    if (avail - off < hlen)
        return zb_error(ZB_ERR_FORMAT, "%s: truncated .npy header (%zu of %" PRIu64 " bytes)", name, avail - off, hlen);
    lexer lx = {name, (const char *)buf + off, (size_t)hlen, 0};
    zb_status st = parse_dict(&lx, h);
    if (st != ZB_OK)
        return st;
    /* Fortran and C order coincide when at most one dimension exceeds 1. */
    int big = 0;
    for (int d = 0; d < h->ndim; d++)
        big += h->shape[d] > 1;
    if (h->fortran && big > 1)
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: Fortran-order .npy arrays are not supported (save with C order)", name);
    h->data_offset = off + (size_t)hlen;
    return check_shape(name, h->ndim, h->shape, h->dtype, &h->count, &h->data_bytes);
}

static void byteswap(void *data, int64_t count, size_t size)
{
    unsigned char *b = data;
    for (int64_t i = 0; i < count; i++, b += size)
        for (size_t j = 0; j < size / 2; j++) {
            unsigned char t = b[j];
            b[j] = b[size - 1 - j];
            b[size - 1 - j] = t;
        }
}

/* A new array with the header's shape and room for its data. */
static zb_status alloc_from_header(const char *name, const npy_header *h, zb_npy **out)
{
    zb_npy *a = calloc(1, sizeof *a);
    if (!a)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    a->dtype = h->dtype;
    a->ndim = h->ndim;
    memcpy(a->shape, h->shape, sizeof a->shape);
    a->count = h->count;
    a->data = malloc(h->data_bytes ? h->data_bytes : 1);
    if (!a->data) {
        free(a);
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory for %zu bytes of .npy data", name, h->data_bytes);
    }
    *out = a;
    return ZB_OK;
}

zb_status zb_npy_parse(const char *name, const void *buf, size_t len, zb_npy **out)
{
    *out = NULL;
    npy_header h;
    zb_status st = parse_header(name, buf, len, &h);
    if (st != ZB_OK)
        return st;
    if (len - h.data_offset < h.data_bytes)
        return zb_error(ZB_ERR_FORMAT, "%s: .npy data is %zu bytes, the header says %zu", name, len - h.data_offset,
                        h.data_bytes);
    if ((st = alloc_from_header(name, &h, out)) != ZB_OK)
        return st;
    memcpy((*out)->data, (const unsigned char *)buf + h.data_offset, h.data_bytes);
    if (h.swap)
        byteswap((*out)->data, h.count, zb_dtype_size(h.dtype));
    return ZB_OK;
}

/* Reads up to n bytes at the current position; returns the count read or -1. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

zb_status zb_npy_load(const char *path, zb_npy **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return zb_error(ZB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    zb_status st = ZB_OK;
    struct stat sb;
    unsigned char pre[12 + NPY_MAX_HEADER];
    ssize_t got;
    npy_header h;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = zb_error(ZB_ERR_IO, "%s: not a regular file", path);
        goto done;
    }
    if ((got = read_full(fd, pre, sizeof pre)) < 0) {
        st = zb_error(ZB_ERR_IO, "%s: read failed: %s", path, strerror(errno));
        goto done;
    }
    if ((st = parse_header(path, pre, (size_t)got, &h)) != ZB_OK)
        goto done;
    uint64_t have = (uint64_t)sb.st_size > h.data_offset ? (uint64_t)sb.st_size - h.data_offset : 0;
    if (have < h.data_bytes) {
        st = zb_error(ZB_ERR_FORMAT, "%s: .npy data is %" PRIu64 " bytes, the header says %zu", path, have, h.data_bytes);
        goto done;
    }
    if ((st = alloc_from_header(path, &h, out)) != ZB_OK)
        goto done;
    if (lseek(fd, (off_t)h.data_offset, SEEK_SET) < 0 || (got = read_full(fd, (*out)->data, h.data_bytes)) < 0 ||
        (size_t)got != h.data_bytes) {
        st = zb_error(ZB_ERR_IO, "%s: short read of .npy data", path);
        zb_npy_free(*out);
        *out = NULL;
        goto done;
    }
    if (h.swap)
        byteswap((*out)->data, h.count, zb_dtype_size(h.dtype));
done:
    close(fd);
    return st;
}

/* ---- writing ------------------------------------------------------------- */

/* The version 1.0 preamble + header, byte for byte as numpy 1.24 writes it.
 * Returns its length (a multiple of 64), or 0 if it does not fit in cap. */
static size_t format_header(const zb_npy *a, char *out, size_t cap)
{
    char dict[2048];
    int n = snprintf(dict, sizeof dict, "{'descr': '%c%c%d', 'fortran_order': False, 'shape': (",
                     a->dtype == ZB_BOOL || zb_dtype_size(a->dtype) == 1 ? '|' : '<', dtypes[a->dtype].kind,
                     dtypes[a->dtype].size);
    for (int d = 0; d < a->ndim; d++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, d ? ", %" PRId64 : "%" PRId64, a->shape[d]);
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }", a->ndim == 1 ? "," : "");
    if (a->ndim > 0) {
        char first[32];
        int pad = NPY_GROWTH_DIGITS - snprintf(first, sizeof first, "%" PRId64, a->shape[0]);
        for (int k = 0; k < pad; k++)
            dict[n++] = ' ';
        dict[n] = '\0';
    }
    size_t hlen = (size_t)n + 1; /* + '\n' */
    size_t padlen = NPY_ALIGN - (NPY_MAGIC_LEN + 2 + 2 + hlen) % NPY_ALIGN;
    size_t total = NPY_MAGIC_LEN + 2 + 2 + hlen + padlen;
    if (total > cap || hlen + padlen > 65535)
        return 0;
    memcpy(out, NPY_MAGIC, NPY_MAGIC_LEN);
    out[6] = 1;
    out[7] = 0;
    out[8] = (char)((hlen + padlen) & 0xff);
    out[9] = (char)((hlen + padlen) >> 8);
    memcpy(out + 10, dict, (size_t)n);
    memset(out + 10 + n, ' ', padlen);
    out[total - 1] = '\n';
    return total;
}

static int write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        done += (size_t)w;
    }
    return 0;
}

/* fsync the directory holding `path`, so the rename itself is durable. */
static void sync_parent_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else if ((size_t)(slash - path) < sizeof dir)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

zb_status zb_npy_save(const char *path, const zb_npy *a)
{
    if (!a || (unsigned)a->dtype >= ZB_DTYPE_COUNT || a->ndim < 0 || a->ndim > ZB_NPY_MAXDIM)
        return zb_error(ZB_ERR_ARG, "%s: invalid array", path);
    int64_t count;
    size_t bytes;
    zb_status st = check_shape(path, a->ndim, a->shape, a->dtype, &count, &bytes);
    if (st != ZB_OK)
        return st;
    if (count != a->count)
        return zb_error(ZB_ERR_ARG, "%s: array count %" PRId64 " does not match its shape", path, a->count);
    char head[4096];
    size_t hn = format_header(a, head, sizeof head);
    if (!hn)
        return zb_error(ZB_ERR_LIMIT, "%s: .npy header too long", path);

    /* Temp name beside the target; O_EXCL so two writers never share one. */
    static _Atomic unsigned seq;
    char tmp[4096];
    int fd = -1;
    for (int tries = 0; tries < 100 && fd < 0; tries++) {
        if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", path, (long)getpid(), seq++) >= (int)sizeof tmp)
            return zb_error(ZB_ERR_ARG, "%s: path too long", path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            return zb_error(ZB_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    }
    if (fd < 0)
        return zb_error(ZB_ERR_IO, "%s: cannot create a temporary file", path);
    if (write_full(fd, head, hn) || write_full(fd, a->data, bytes) || fsync(fd)) {
        st = zb_error(ZB_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        return st;
    }
    if (close(fd) != 0) {
        st = zb_error(ZB_ERR_IO, "%s: write failed: %s", path, strerror(errno));
        unlink(tmp);
        return st;
    }
    if (rename(tmp, path) != 0) {
        st = zb_error(ZB_ERR_IO, "%s: cannot rename into place: %s", path, strerror(errno));
        unlink(tmp);
        return st;
    }
    sync_parent_dir(path);
    return ZB_OK;
}

/* ---- arrays -------------------------------------------------------------- */

zb_npy *zb_npy_new(zb_dtype t, int ndim, const int64_t *shape)
{
    if ((unsigned)t >= ZB_DTYPE_COUNT || ndim < 0 || ndim > ZB_NPY_MAXDIM)
        return NULL;
    int64_t count;
    size_t bytes;
    if (check_shape("array", ndim, shape, t, &count, &bytes) != ZB_OK)
        return NULL;
    zb_npy *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->data = calloc(bytes ? bytes : 1, 1);
    if (!a->data) {
        free(a);
        return NULL;
    }
    a->dtype = t;
    a->ndim = ndim;
    for (int d = 0; d < ndim; d++)
        a->shape[d] = shape[d];
    a->count = count;
    return a;
}

void zb_npy_free(zb_npy *a)
{
    if (!a)
        return;
    free(a->data);
    free(a);
}

double zb_npy_get_f64(const zb_npy *a, int64_t i)
{
    const void *p = (const char *)a->data + (size_t)i * zb_dtype_size(a->dtype);
    switch (a->dtype) {
    case ZB_BOOL: return *(const uint8_t *)p != 0;
    case ZB_I8: return *(const int8_t *)p;
    case ZB_I16: { int16_t v; memcpy(&v, p, 2); return v; }
    case ZB_I32: { int32_t v; memcpy(&v, p, 4); return v; }
    case ZB_I64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    case ZB_U8: return *(const uint8_t *)p;
    case ZB_U16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case ZB_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
    case ZB_U64: { uint64_t v; memcpy(&v, p, 8); return (double)v; }
    case ZB_F16: { uint16_t v; memcpy(&v, p, 2); return zb_half_to_float(v); }
    case ZB_F32: { float v; memcpy(&v, p, 4); return v; }
    case ZB_F64: { double v; memcpy(&v, p, 8); return v; }
    default: return 0;
    }
}

int64_t zb_npy_get_i64(const zb_npy *a, int64_t i)
{
    const void *p = (const char *)a->data + (size_t)i * zb_dtype_size(a->dtype);
    switch (a->dtype) {
    case ZB_I64: { int64_t v; memcpy(&v, p, 8); return v; }
    case ZB_U64: { uint64_t v; memcpy(&v, p, 8); return v > INT64_MAX ? INT64_MAX : (int64_t)v; }
    case ZB_F16: case ZB_F32: case ZB_F64: {
        double v = zb_npy_get_f64(a, i);
        if (isnan(v))
            return 0;
        if (v >= 9223372036854775807.0)
            return INT64_MAX;
        if (v < -9223372036854775808.0)
            return INT64_MIN;
        return (int64_t)v; /* truncates toward zero, like numpy's astype */
    }
    default: return (int64_t)zb_npy_get_f64(a, i); /* exact: at most 32 bits */
    }
}

/* ---- conversion ---------------------------------------------------------- */

zb_status zb_npy_convert(const char *name, const zb_npy *a, zb_dtype want, zb_npy **out)
{
    *out = NULL;
    if (want != ZB_I64 && want != ZB_F32 && want != ZB_F64)
        return zb_error(ZB_ERR_ARG, "%s: conversion to %s is not supported", name, zb_dtype_name(want));
    zb_npy *b = zb_npy_new(want, a->ndim, a->shape);
    if (!b)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    int from_float = a->dtype == ZB_F16 || a->dtype == ZB_F32 || a->dtype == ZB_F64;
    for (int64_t i = 0; i < a->count; i++) {
        if (want == ZB_I64) {
            int64_t v;
            if (from_float) {
                double x = zb_npy_get_f64(a, i);
                if (!(x == floor(x) && x >= -9223372036854775808.0 && x < 9223372036854775808.0)) {
                    zb_npy_free(b);
                    return zb_error(ZB_ERR_FORMAT, "%s: element %" PRId64 " (%g) is not an integer", name, i, x);
                }
                v = (int64_t)x;
            } else if (a->dtype == ZB_U64) {
                uint64_t u;
                memcpy(&u, (const char *)a->data + (size_t)i * 8, 8);
                if (u > INT64_MAX) {
                    zb_npy_free(b);
                    return zb_error(ZB_ERR_FORMAT, "%s: element %" PRId64 " (%" PRIu64 ") does not fit int64", name, i, u);
                }
                v = (int64_t)u;
            } else {
                v = zb_npy_get_i64(a, i);
            }
            ((int64_t *)b->data)[i] = v;
        } else if (want == ZB_F32) {
            /* Integers round once, straight to float, as numpy's astype does. */
            float *dst = (float *)b->data + i;
            if (a->dtype == ZB_U64) {
                uint64_t u;
                memcpy(&u, (const char *)a->data + (size_t)i * 8, 8);
                *dst = (float)u;
            } else if (a->dtype == ZB_I64) {
                *dst = (float)zb_npy_get_i64(a, i);
            } else {
                *dst = (float)zb_npy_get_f64(a, i); /* exact double, then one rounding */
            }
        } else {
            ((double *)b->data)[i] = zb_npy_get_f64(a, i);
        }
    }
    *out = b;
    return ZB_OK;
}

zb_status zb_npy_load_as(const char *path, zb_dtype want, int ndim, zb_npy **out)
{
    *out = NULL;
    zb_npy *a = NULL;
    zb_status st = zb_npy_load(path, &a);
    if (st != ZB_OK)
        return st;
    if (ndim >= 0 && a->ndim != ndim) {
        st = zb_error(ZB_ERR_SHAPE, "%s: expected a %d-d array, got %d-d", path, ndim, a->ndim);
        zb_npy_free(a);
        return st;
    }
    if (a->dtype == want) {
        *out = a;
        return ZB_OK;
    }
    st = zb_npy_convert(path, a, want, out);
    zb_npy_free(a);
    return st;
}
