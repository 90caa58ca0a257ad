/* Datasets: ImageFolder (src/io/imagefolder.c), list files, and the raw
 * ILSVRC2012 val tar + devkit as torchvision/datasets/imagenet.py reads them:
 *
 *     idx_to_wnid = {ILSVRC2012_ID: WNID for the meta.mat synsets with num_children == 0}
 *     val_wnids = [idx_to_wnid[int(line)] for line in ILSVRC2012_validation_ground_truth.txt]
 *     images = sorted(tar members);  image i goes to folder val_wnids[i]
 *     ImageFolder(val): classes = sorted wnids, items sorted by (wnid, file name)
 *
 * The class index is the position of the wnid among the sorted 1000 leaf
 * wnids of meta.mat (the models' output order; the same as torchvision's
 * classes when every class has a val image, as in the real set). */
#include "data/dataset.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <matio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/status.h"
#include "data/ilsvrc.h"
#include "io/md5.h"
#include "io/imagefolder.h"
#include "io/listfile.h"
#include "io/sha256.h"

#define MAX_MEMBER ZB_ILSVRC_MAX_MEMBER

void zb_dataset_free(zb_dataset *d)
{
    if (!d)
        return;
    for (int64_t i = 0; i < d->n; i++)
        free(d->name[i]);
    free(d->name);
    free(d->label);
    free(d->stream_pos);
    free(d->tar_path);
    for (int i = 0; i < d->nclasses; i++)
        if (d->wnids)
            free(d->wnids[i]);
    free(d->wnids);
    free(d);
}

/* Identity of the dataset: kind, then each item's name relative to the root and its label. */
static void digest(zb_dataset *d, size_t strip)
{
    zb_sha256 h;
    zb_sha256_init(&h);
    zb_sha256_update(&h, d->kind == ZB_DS_FILES ? "files\n" : "ilsvrc\n", d->kind == ZB_DS_FILES ? 6 : 7);
    for (int64_t i = 0; i < d->n; i++) {
        const char *s = d->name[i];
        if (strlen(s) >= strip)
            s += strip;
        char lab[32];
        int k = snprintf(lab, sizeof lab, "\t%lld\n", (long long)d->label[i]);
        zb_sha256_update(&h, s, strlen(s));
        zb_sha256_update(&h, lab, (size_t)k);
    }
    zb_sha256_final(&h, d->digest);
}

static zb_status identity_stream(zb_dataset *d)
{
    d->stream_pos = malloc((size_t)(d->n ? d->n : 1) * sizeof *d->stream_pos);
    if (!d->stream_pos)
        return zb_error(ZB_ERR_NOMEM, "dataset: out of memory");
    for (int64_t i = 0; i < d->n; i++)
        d->stream_pos[i] = i;
    return ZB_OK;
}

static zb_status open_folder(const char *dir, zb_dataset *d)
{
    int nc = 0;
    zb_status st = zb_imagefolder_scan(dir, &d->label, &d->name, &d->n, &nc);
    if (st != ZB_OK)
        return st;
    d->kind = ZB_DS_FILES;
    digest(d, strlen(dir) + 1);
    return identity_stream(d);
}

/* ---- list files ------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !*dir)
        return strdup(name);
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p)
        snprintf(p, a + b + 2, "%s/%s", dir, name);
    return p;
}

/* "path label" (Caffe val.txt) or "path, label" lines, read by src/io/listfile.c
 * (the reader `zoobench table --labels` uses too). */
static zb_status open_list(const char *file, const char *root, zb_dataset *d)
{
    zb_listfile *l = NULL;
    zb_status st = zb_listfile_load(file, root, &l);
    if (st != ZB_OK)
        return st;
    d->kind = ZB_DS_FILES;
    d->n = l->n;
    d->name = l->path;
    d->label = l->label;
    size_t prefix = l->prefix;
    l->n = 0;
    l->path = NULL;
    l->label = NULL;
    zb_listfile_free(l);
    digest(d, prefix);
    return identity_stream(d);
}

/* ---- ILSVRC2012 tar + devkit ------------------------------------------ */

static zb_status check_md5(const char *path, const char *want)
{
    char hex[ZB_MD5_HEX];
    zb_status st = zb_md5_file(path, hex);
    if (st != ZB_OK)
        return st;
    if (strcmp(hex, want))
        return zb_error(ZB_ERR_VERIFY, "%s: MD5 %s, torchvision expects %s (a different or damaged file; --no-md5 skips this check)",
                        path, hex, want);
    return ZB_OK;
}

static int ends_with(const char *s, const char *t)
{
    size_t a = strlen(s), b = strlen(t);
    return a >= b && !strcmp(s + a - b, t);
}

/* libarchive's message, never NULL. */
static const char *arc_error(struct archive *a)
{
    const char *m = archive_error_string(a);
    return m ? m : "unreadable archive";
}

/* libarchive does not check a gzip trailer (CRC-32 and length): zlib's gzread
 * does.  A file that is not gzip is read as it is. */
static zb_status gzip_intact(const char *path)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return zb_error(ZB_ERR_IO, "%s: %s", path, strerror(errno));
    static _Thread_local char buf[1 << 16];
    int n;
    int64_t total = 0;
    while ((n = gzread(g, buf, sizeof buf)) > 0 && (total += n) <= (int64_t)ZB_ILSVRC_MAX_DEVKIT_BYTES)
        ;
    zb_status st = ZB_OK;
    int err = Z_OK;
    if (n < 0) {
        const char *why = gzerror(g, &err); /* "<path>: <reason>" */
        size_t pl = strlen(path);
        if (!strncmp(why, path, pl) && !strncmp(why + pl, ": ", 2))
            why += pl + 2;
        st = zb_error(ZB_ERR_FORMAT, "%s: damaged gzip data (%s)", path, why);
    } else if (n > 0) {
        st = zb_error(ZB_ERR_LIMIT, "%s: more than %u MiB when decompressed (a devkit has about 10)", path,
                      ZB_ILSVRC_MAX_DEVKIT_BYTES >> 20);
    }
    gzclose(g);
    return st;
}

/* Reads the devkit's ground truth and meta.mat into memory.  Work is bounded:
 * at most ZB_ILSVRC_MAX_DEVKIT_BYTES are decompressed in all (a decompression
 * bomb is refused before it is inflated), and each file read is at most
 * ZB_ILSVRC_MAX_DEVKIT_FILE. */
zb_status zb_ilsvrc_read_devkit(const char *path, char **gt, size_t *gtlen, char **meta, size_t *metalen)
{
    *gt = *meta = NULL;
    *gtlen = *metalen = 0;
    struct archive *a = archive_read_new();
    if (!a)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    zb_status st = ZB_OK;
    if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
        st = zb_error(ZB_ERR_IO, "%s: %s", path, arc_error(a));
        archive_read_free(a);
        return st;
    }
    struct archive_entry *e;
    int r;
    while (st == ZB_OK && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        int64_t size = archive_entry_size(e);
        if (size < 0 || size > (int64_t)ZB_ILSVRC_MAX_DEVKIT_BYTES ||
            archive_filter_bytes(a, 0) + size > (int64_t)ZB_ILSVRC_MAX_DEVKIT_BYTES) {
            st = zb_error(ZB_ERR_LIMIT, "%s: more than %u MiB when decompressed (a devkit has about 10)", path,
                          ZB_ILSVRC_MAX_DEVKIT_BYTES >> 20);
            break;
        }
        char **dst = NULL;
        size_t *dlen = NULL;
        if (name && ends_with(name, "data/ILSVRC2012_validation_ground_truth.txt"))
            dst = gt, dlen = gtlen;
        else if (name && ends_with(name, "data/meta.mat"))
            dst = meta, dlen = metalen;
        if (!dst || *dst)
            continue;
        if (size > (int64_t)ZB_ILSVRC_MAX_DEVKIT_FILE) {
            st = zb_error(ZB_ERR_LIMIT, "%s: %s is %lld bytes, more than %u MiB", path, name, (long long)size,
                          ZB_ILSVRC_MAX_DEVKIT_FILE >> 20);
            break;
        }
        /* the buffer grows with the data actually there, not with the declared size */
        size_t have = 0, cap = 0;
        la_ssize_t got = 1;
        while (st == ZB_OK && have < (size_t)size && got > 0) {
            if (have == cap) {
                cap = cap ? cap * 2 : 1 << 16;
                cap = cap < (size_t)size ? cap : (size_t)size;
                char *nb = realloc(*dst, cap + 1);
                if (!nb) {
                    st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
                    break;
                }
                *dst = nb;
            }
            got = archive_read_data(a, *dst + have, cap - have);
            have += got > 0 ? (size_t)got : 0;
        }
        if (st == ZB_OK && !*dst && !(*dst = malloc(1)))
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
        if (st != ZB_OK)
            break;
        (*dst)[have] = 0;
        *dlen = have;
        if (have != (size_t)size)
            st = zb_error(ZB_ERR_FORMAT, "%s: %s: %s", path, name, got < 0 ? arc_error(a) : "truncated");
    }
    if (st == ZB_OK && r != ARCHIVE_EOF)
        st = zb_error(ZB_ERR_FORMAT, "%s: %s", path, arc_error(a));
    archive_read_free(a);
    if (st == ZB_OK && !*gt)
        st = zb_error(ZB_ERR_FORMAT, "%s: no data/ILSVRC2012_validation_ground_truth.txt", path);
    if (st == ZB_OK && !*meta)
        st = zb_error(ZB_ERR_FORMAT, "%s: no data/meta.mat", path);
    if (st == ZB_OK)
        st = gzip_intact(path);
    return st;
}

/* The element count of a matio variable; -1 when it is more than cap. */
static int64_t mat_count(const matvar_t *v, int64_t cap)
{
    int64_t n = 1;
    for (int i = 0; i < v->rank; i++) {
        if (v->dims[i] > (size_t)cap || (v->dims[i] && n > cap / (int64_t)v->dims[i]))
            return -1;
        n *= (int64_t)v->dims[i];
    }
    return n;
}

/* The first element of a real numeric scalar-like variable if it is a whole
 * number in [0, INT_MAX]; otherwise -1. */
static double mat_num(const matvar_t *v)
{
    if (!v || !v->data || v->rank < 1 || !v->dims || v->isComplex || v->class_type < MAT_C_DOUBLE ||
        v->class_type > MAT_C_UINT64 || mat_count(v, INT64_MAX) < 1 || v->data_size <= 0 ||
        v->nbytes < (size_t)v->data_size)
        return -1;
    double x;
    switch (v->data_type) {
    case MAT_T_DOUBLE: x = *(double *)v->data; break;
    case MAT_T_SINGLE: x = *(float *)v->data; break;
    case MAT_T_UINT8: x = *(uint8_t *)v->data; break;
    case MAT_T_INT8: x = *(int8_t *)v->data; break;
    case MAT_T_UINT16: x = *(uint16_t *)v->data; break;
    case MAT_T_INT16: x = *(int16_t *)v->data; break;
    case MAT_T_UINT32: x = *(uint32_t *)v->data; break;
    case MAT_T_INT32: x = *(int32_t *)v->data; break;
    default: return -1;
    }
    return x >= 0 && x <= INT_MAX && x == (double)(long)x ? x : -1;
}

/* A MATLAB char array as a C string (8-bit or 16-bit storage, ASCII content);
 * NULL when it is not one or is longer than 64 characters (a WNID has 9). */
static char *mat_str(const matvar_t *v)
{
    if (!v || v->class_type != MAT_C_CHAR || !v->data || !v->dims || v->isComplex)
        return NULL;
    int64_t cnt = mat_count(v, 64);
    size_t n = (size_t)cnt, w = v->data_type == MAT_T_UINT16 || v->data_type == MAT_T_UTF16 ? 2 : 1;
    if (cnt < 0 || v->data_size != (int)w || v->nbytes < n * w)
        return NULL;
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned c = w == 2 ? ((const uint16_t *)v->data)[i] : ((const uint8_t *)v->data)[i];
        s[i] = (char)(c < 128 && c ? c : '?');
    }
    s[n] = 0;
    return s;
}

typedef zb_ilsvrc_synset idwnid;

static int cmp_strp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void zb_ilsvrc_synsets_free(zb_ilsvrc_synset *s, int n)
{
    for (int i = 0; s && i < n; i++)
        free(s[i].wnid);
    free(s);
}

/* MAT v5 only, as scipy.io.loadmat (torchvision's reader) and the real devkit:
 * 116 bytes of text, 8 of subsystem offset, version 0x0100 and the endian mark.
 * v7.3 files (HDF5) would reach libhdf5 through matio; they are refused here. */
static int is_mat_v5(const unsigned char *b, size_t len)
{
    if (len < 128)
        return 0;
    if (b[126] == 'I' && b[127] == 'M')
        return b[124] == 0x00 && b[125] == 0x01;
    if (b[126] == 'M' && b[127] == 'I')
        return b[124] == 0x01 && b[125] == 0x00;
    return 0;
}

static uint32_t rd32(const unsigned char *p, int big)
{
    return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* A zlib stream of len bytes inflated whole into a malloc'ed *out (*outlen
 * bytes), growing as data arrives, never past cap; 0 if it is corrupt or larger. */
static int inflate_capped(const unsigned char *z, size_t len, size_t cap, unsigned char **out, size_t *outlen)
{
    z_stream s = {.next_in = (unsigned char *)z, .avail_in = len > UINT_MAX ? UINT_MAX : (uInt)len};
    unsigned char *buf = NULL;
    size_t have = 0;
    int rc = Z_BUF_ERROR;
    if (inflateInit(&s) != Z_OK)
        return 0;
    do {
        size_t want = have ? have * 2 : 1 << 16;
        unsigned char *nb = want <= cap + 1 ? realloc(buf, want) : NULL;
        if (!nb)
            break;
        buf = nb;
        s.next_out = buf + s.total_out;
        s.avail_out = (uInt)(want - s.total_out);
        have = want;
        rc = inflate(&s, Z_NO_FLUSH);
    } while (rc == Z_OK);
    *outlen = s.total_out;
    inflateEnd(&s);
    if (rc != Z_STREAM_END || *outlen > cap) {
        free(buf);
        return 0;
    }
    *out = buf;
    return 1;
}

/* One v5 data element at p (n bytes left): its type, its data and its padded
 * size (small elements pack up to 4 bytes into the tag).  0 if it does not fit. */
static int mat_elem(const unsigned char *p, size_t n, int big, uint32_t *type, const unsigned char **data,
                    uint32_t *nb, size_t *total)
{
    if (n < 8)
        return 0;
    *type = rd32(p, big);
    if (*type >> 16) {
        *nb = *type >> 16;
        *type &= 0xffff;
        *data = p + 4;
        *total = 8;
        return *nb <= 4;
    }
    *nb = rd32(p + 4, big);
    *data = p + 8;
    if (*nb > n - 8)
        return 0;
    *total = 8 + (size_t)*nb + (8 - *nb % 8) % 8;
    if (*total > n)
        *total = n; /* the last element's padding may be left out */
    return 1;
}

static size_t mat_type_size(uint32_t t)
{
    switch (t) {
    case 1: case 2: case 16: return 1;      /* miINT8, miUINT8, miUTF8 */
    case 3: case 4: case 17: return 2;      /* miINT16, miUINT16, miUTF16 */
    case 5: case 6: case 7: case 18: return 4; /* miINT32, miUINT32, miSINGLE, miUTF32 */
    case 9: case 12: case 13: return 8;     /* miDOUBLE, miINT64, miUINT64 */
    default: return 0;
    }
}

/* The body of a miMATRIX element (n bytes), checked so that what matio sizes
 * from it (dims, field counts, nzmax) is backed by bytes in the file: element
 * counts times their stored size must fit, nested matrices recursively. */
static int mat_matrix_ok(const unsigned char *p, size_t n, int big, int depth)
{
    uint32_t type, nb;
    const unsigned char *d;
    size_t total, off = 0;
    if (depth > 8 || !mat_elem(p, n, big, &type, &d, &nb, &total) || type != 6 || nb != 8)
        return n == 0; /* an empty matrix has no body */
    uint32_t cls = rd32(d, big) & 0xff, nzmax = rd32(d + 4, big);
    off += total;
    if (!mat_elem(p + off, n - off, big, &type, &d, &nb, &total) || type != 5 || nb % 4 || nb < 8)
        return 0;
    uint64_t count = 1;
    for (uint32_t i = 0; i < nb / 4; i++) {
        uint32_t dim = rd32(d + 4 * i, big);
        if (dim > (uint32_t)INT32_MAX || (dim && count > (uint64_t)n / dim))
            return 0;
        count *= dim;
    }
    off += total;
    if (!mat_elem(p + off, n - off, big, &type, &d, &nb, &total)) /* the name */
        return 0;
    off += total;
    if (cls == 1 || cls == 2) { /* cell or struct: count (times fields) matrices of 8 bytes or more */
        uint64_t fields = 1;
        if (cls == 2) {
            uint32_t flen;
            if (!mat_elem(p + off, n - off, big, &type, &d, &nb, &total) || nb != 4)
                return 0;
            flen = rd32(d, big);
            off += total;
            if (!mat_elem(p + off, n - off, big, &type, &d, &nb, &total) || !flen || flen > 64)
                return 0;
            fields = nb / flen;
            off += total;
        }
        if (count * fields > (n - off) / 8)
            return 0;
        while (off < n) {
            if (!mat_elem(p + off, n - off, big, &type, &d, &nb, &total) || type != 14 ||
                !mat_matrix_ok(d, nb, big, depth + 1))
                return 0;
            off += total;
        }
        return 1;
    }
    if (cls == 5) { /* sparse: ir, jc, real and imaginary data, each within the matrix */
        if ((uint64_t)nzmax > (n - off) / 4 + 1)
            return 0;
        for (int part = 0; off < n; part++) {
            if (part == 4 || !mat_elem(p + off, n - off, big, &type, &d, &nb, &total) || !mat_type_size(type))
                return 0;
            off += total;
        }
        return 1;
    }
    if (cls == 4 || (cls >= 6 && cls <= 15)) { /* char or numeric: real and imaginary parts hold count values */
        if (off == n)
            return count == 0;
        for (int part = 0; off < n; part++) {
            if (part == 2 || !mat_elem(p + off, n - off, big, &type, &d, &nb, &total))
                return 0;
            size_t es = mat_type_size(type);
            if (!es || (uint64_t)nb / es < count)
                return 0;
            off += total;
        }
        return 1;
    }
    return 0; /* objects, functions, opaque */
}

/* The top-level data elements of a v5 file, checked before matio allocates
 * anything: each is a matrix, or a compressed one that inflates whole to at
 * most ZB_ILSVRC_MAX_DEVKIT_FILE, and together they tile the file. */
static zb_status mat_v5_elements(const char *devkit, const unsigned char *b, size_t len)
{
    int big = b[126] == 'M';
    for (size_t off = 128; off < len;) {
        uint32_t type = len - off >= 8 ? rd32(b + off, big) : 0, n = len - off >= 8 ? rd32(b + off + 4, big) : 0;
        if ((type != 14 && type != 15) || n > len - off - 8)
            return zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat: no valid variable at byte %zu", devkit, off);
        if (type == 14 && !mat_matrix_ok(b + off + 8, n, big, 0))
            return zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat: the variable at byte %zu is damaged", devkit, off);
        if (type == 15) {
            unsigned char *z = NULL;
            size_t zn = 0;
            if (!inflate_capped(b + off + 8, n, ZB_ILSVRC_MAX_DEVKIT_FILE, &z, &zn))
                return zb_error(ZB_ERR_FORMAT,
                                "%s: data/meta.mat: the compressed variable at byte %zu is corrupt or inflates to over %u MiB",
                                devkit, off, ZB_ILSVRC_MAX_DEVKIT_FILE >> 20);
            int ok = zn >= 8 && rd32(z, big) == 14 && rd32(z + 4, big) <= zn - 8 &&
                     mat_matrix_ok(z + 8, rd32(z + 4, big), big, 0);
            free(z);
            if (!ok)
                return zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat: the variable at byte %zu is damaged", devkit, off);
        }
        off += 8 + (size_t)n;
    }
    return ZB_OK;
}

/* matio's struct array: its field table must be whole (a truncated file can
 * leave it short, and Mat_VarGetStructFieldByName does not check). */
static int mat_struct_whole(const matvar_t *v, size_t n)
{
    unsigned nf = Mat_VarGetNumberOfFields((matvar_t *)v);
    char *const *names = Mat_VarGetStructFieldnames(v);
    if (!v->data || !nf || !names || v->data_size != (int)sizeof(matvar_t *) ||
        v->nbytes / sizeof(matvar_t *) / nf < n)
        return 0;
    for (unsigned i = 0; i < nf; i++)
        if (!names[i])
            return 0;
    return 1;
}

/* meta.mat 'synsets': leaf synsets (num_children == 0) as (ILSVRC2012_ID, WNID). */
zb_status zb_ilsvrc_parse_meta(const char *devkit, const char *buf, size_t len, idwnid **out, int *nout)
{
    *out = NULL;
    *nout = 0;
    if (!is_mat_v5((const unsigned char *)buf, len))
        return zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat is not a MAT-file version 5", devkit);
    zb_status st = mat_v5_elements(devkit, (const unsigned char *)buf, len);
    if (st != ZB_OK)
        return st;
    char tmpl[] = "/tmp/zoobench-meta-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return zb_error(ZB_ERR_IO, "%s: temp file: %s", devkit, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
    mat_t *mat = off == len ? Mat_Open(tmpl, MAT_ACC_RDONLY) : NULL;
    matvar_t *syn = mat ? Mat_VarRead(mat, "synsets") : NULL;
    if (!syn || syn->class_type != MAT_C_STRUCT) {
        st = zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat has no 'synsets' struct array", devkit);
        goto done;
    }
    int64_t cnt = syn->dims ? mat_count(syn, ZB_ILSVRC_MAX_SYNSETS) : -1;
    size_t n = (size_t)cnt;
    if (cnt < 1) {
        st = zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat 'synsets' is empty or has more than %d elements", devkit,
                      ZB_ILSVRC_MAX_SYNSETS);
        goto done;
    }
    if (!mat_struct_whole(syn, n)) {
        st = zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat 'synsets' is damaged (truncated?)", devkit);
        goto done;
    }
    idwnid *v = calloc(n ? n : 1, sizeof *v);
    if (!v) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", devkit);
        goto done;
    }
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        matvar_t *fid = Mat_VarGetStructFieldByName(syn, "ILSVRC2012_ID", i);
        matvar_t *fw = Mat_VarGetStructFieldByName(syn, "WNID", i);
        matvar_t *fc = Mat_VarGetStructFieldByName(syn, "num_children", i);
        double id = mat_num(fid), nc = mat_num(fc);
        char *w = mat_str(fw);
        if (!w || id < 0 || nc < 0) {
            free(w);
            st = zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat synset %zu lacks ILSVRC2012_ID, WNID or num_children",
                          devkit, i + 1);
            break;
        }
        if (nc == 0) {
            v[k].id = (long)id;
            v[k++].wnid = w;
        } else {
            free(w);
        }
    }
    if (st != ZB_OK) {
        zb_ilsvrc_synsets_free(v, k);
    } else {
        *out = v;
        *nout = k;
    }
done:
    if (syn)
        Mat_VarFree(syn);
    if (mat)
        Mat_Close(mat);
    unlink(tmpl);
    return st;
}

typedef zb_ilsvrc_member member;

void zb_ilsvrc_members_free(zb_ilsvrc_member *m, int64_t n)
{
    for (int64_t i = 0; m && i < n; i++)
        free(m[i].name);
    free(m);
}

/* One ILSVRC2012_ID per line (torchvision: int(line) for each line). */
zb_status zb_ilsvrc_parse_gt(const char *devkit, const char *gt, size_t len, long **ids, int64_t *n)
{
    *n = 0;
    /* every number but the first takes at least two bytes */
    long *v = *ids = malloc((len / 2 + 1) * sizeof *v);
    if (!v)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", devkit);
    const char *p = gt, *end = gt + len;
    long line = 0;
    while (p < end && *p) {
        line++;
        char *stop;
        errno = 0;
        long x = strtol(p, &stop, 10);
        if (stop == p || errno || x < 0 || x > INT_MAX)
            return zb_error(ZB_ERR_FORMAT, "%s: ILSVRC2012_validation_ground_truth.txt line %ld is not a number",
                            devkit, line);
        v[(*n)++] = x;
        p = stop;
        while (p < end && (*p == '\n' || *p == '\r' || *p == ' '))
            p++;
    }
    if (p < end)
        return zb_error(ZB_ERR_FORMAT, "%s: ILSVRC2012_validation_ground_truth.txt has a NUL byte at line %ld", devkit,
                        line + 1);
    return ZB_OK;
}

static int cmp_member_name(const void *a, const void *b)
{
    return strcmp(((const member *)a)->name, ((const member *)b)->name);
}

static int cmp_member_class(const void *a, const void *b)
{
    const member *x = a, *y = b;
    if (x->wnid != y->wnid)
        return x->wnid < y->wnid ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* A member name the val set could have: a plain file name, as torchvision
 * lists the extracted directory (os.listdir), so nothing can land elsewhere. */
static int plain_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= ZB_ILSVRC_MAX_NAME && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/* Top-level regular files of the tar, in tar order. */
zb_status zb_ilsvrc_list_tar(const char *path, int64_t max_members, member **out, int64_t *n)
{
    *out = NULL;
    *n = 0;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return zb_error(ZB_ERR_IO, "%s: %s", path, strerror(errno));
    struct archive *a = archive_read_new();
    if (!a)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
    archive_read_support_format_tar(a);
    zb_status st = ZB_OK;
    member *m = NULL;
    int64_t cnt = 0, cap = 0;
    if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
        st = zb_error(ZB_ERR_IO, "%s: %s", path, arc_error(a));
        archive_read_free(a);
        return st;
    }
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        const char *name = archive_entry_pathname(e);
        while (name && name[0] == '.' && name[1] == '/')
            name += 2;
        if (!name || !plain_name(name)) {
            st = zb_error(ZB_ERR_FORMAT, "%s: member '%.64s%s' is not a plain file name (the val images have no directories)",
                          path, name ? name : "", name && strlen(name) > 64 ? "..." : "");
            break;
        }
        /* a declared size beyond the file is refused before anything is read */
        int64_t size = archive_entry_size(e);
        if (size < 0 || size > (int64_t)sb.st_size - archive_filter_bytes(a, 0)) {
            st = zb_error(ZB_ERR_FORMAT, "%s: member %s declares %lld bytes, more than the file holds", path, name,
                          (long long)size);
            break;
        }
        if (cnt == max_members) {
            st = zb_error(ZB_ERR_FORMAT, "%s: more images than the %lld lines of the ground truth", path,
                          (long long)max_members);
            break;
        }
        if (cnt == cap) {
            int64_t nc = cap ? cap * 2 : 1024;
            member *nm = realloc(m, (size_t)nc * sizeof *nm);
            if (!nm) {
                st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            m = nm;
            cap = nc;
        }
        m[cnt].pos = cnt;
        m[cnt].wnid = -1;
        if (!(m[cnt].name = strdup(name))) {
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
            break;
        }
        cnt++;
    }
    if (st == ZB_OK && r != ARCHIVE_EOF)
        st = zb_error(ZB_ERR_FORMAT, "%s: %s", path, arc_error(a));
    archive_read_free(a);
    if (st != ZB_OK) {
        zb_ilsvrc_members_free(m, cnt);
        return st;
    }
    *out = m;
    *n = cnt;
    return ZB_OK;
}

/* The image files of a flat directory (extracted val images), sorted later. */
static zb_status list_flat(const char *dir, member **out, int64_t *n)
{
    DIR *dd = opendir(dir);
    if (!dd)
        return zb_error(ZB_ERR_IO, "%s: %s", dir, strerror(errno));
    member *m = NULL;
    int64_t cnt = 0, cap = 0;
    zb_status st = ZB_OK;
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (e->d_name[0] == '.' || !zb_imagefolder_is_image(e->d_name))
            continue;
        if (cnt == cap) {
            int64_t nc = cap ? cap * 2 : 1024;
            member *nm = realloc(m, (size_t)nc * sizeof *nm);
            if (!nm) {
                st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", dir);
                break;
            }
            m = nm, cap = nc;
        }
        m[cnt].pos = cnt;
        m[cnt].wnid = -1;
        if (!(m[cnt].name = path_join(dir, e->d_name))) {
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", dir);
            break;
        }
        cnt++;
    }
    closedir(dd);
    if (st != ZB_OK) {
        for (int64_t i = 0; i < cnt; i++)
            free(m[i].name);
        free(m);
        return st;
    }
    *out = m;
    *n = cnt;
    return ZB_OK;
}

static zb_status open_ilsvrc(const char *tar, const zb_dataset_opts *o, zb_dataset *d)
{
    struct stat sb;
    int flat = o && o->flat_val && stat(tar, &sb) == 0 && S_ISDIR(sb.st_mode);
    char *devkit = NULL;
    if (o && o->devkit) {
        devkit = strdup(o->devkit);
    } else {
        const char *slash = strrchr(tar, '/');
        size_t dl = slash ? (size_t)(slash - tar) : 1;
        devkit = malloc(dl + 40);
        if (devkit)
            snprintf(devkit, dl + 40, "%.*s/ILSVRC2012_devkit_t12.tar.gz", (int)dl, slash ? tar : ".");
    }
    if (!devkit)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", tar);
    zb_status st = ZB_OK;
    char *gt = NULL, *meta = NULL;
    size_t gtlen = 0, metalen = 0;
    idwnid *syn = NULL;
    int nsyn = 0;
    member *m = NULL;
    int64_t nm = 0;
    long *gtid = NULL;
    if (!(o && o->no_md5)) {
        st = check_md5(devkit, ZB_ILSVRC_DEVKIT_MD5);
        if (st == ZB_OK && !flat)
            st = check_md5(tar, ZB_ILSVRC_VAL_MD5);
    }
    if (st == ZB_OK)
        st = zb_ilsvrc_read_devkit(devkit, &gt, &gtlen, &meta, &metalen);
    if (st == ZB_OK)
        st = zb_ilsvrc_parse_meta(devkit, meta, metalen, &syn, &nsyn);
    if (st == ZB_OK && nsyn == 0)
        st = zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat has no leaf synsets", devkit);
    /* the classes: sorted leaf wnids */
    if (st == ZB_OK) {
        d->wnids = calloc((size_t)nsyn, sizeof *d->wnids);
        if (!d->wnids)
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", devkit);
        for (int i = 0; st == ZB_OK && i < nsyn; i++)
            if (!(d->wnids[d->nclasses++] = strdup(syn[i].wnid)))
                st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", devkit);
        if (st == ZB_OK)
            qsort(d->wnids, (size_t)nsyn, sizeof *d->wnids, cmp_strp);
        for (int i = 1; st == ZB_OK && i < nsyn; i++)
            if (!strcmp(d->wnids[i - 1], d->wnids[i]))
                st = zb_error(ZB_ERR_FORMAT, "%s: data/meta.mat lists %s twice", devkit, d->wnids[i]);
    }
    /* ground truth lines: ILSVRC2012_IDs */
    int64_t ngt = 0;
    if (st == ZB_OK)
        st = zb_ilsvrc_parse_gt(devkit, gt, gtlen, &gtid, &ngt);
    if (st == ZB_OK)
        st = flat ? list_flat(tar, &m, &nm) : zb_ilsvrc_list_tar(tar, ngt, &m, &nm);
    if (st == ZB_OK && nm > ngt)
        st = zb_error(ZB_ERR_FORMAT, "%s: %lld images but the ground truth has %lld lines", tar, (long long)nm,
                      (long long)ngt);
    if (st == ZB_OK && nm == 0)
        st = zb_error(ZB_ERR_FORMAT, "%s: no images in the archive", tar);
    if (st == ZB_OK) {
        /* image i (sorted by name) has the wnid of ground-truth line i */
        qsort(m, (size_t)nm, sizeof *m, cmp_member_name);
        for (int64_t i = 0; st == ZB_OK && i < nm; i++) {
            if (i > 0 && !strcmp(m[i - 1].name, m[i].name)) {
                st = zb_error(ZB_ERR_FORMAT, "%s: %s appears twice", tar, m[i].name);
                break;
            }
            const char *w = NULL;
            for (int s = 0; s < nsyn; s++)
                if (syn[s].id == gtid[i]) {
                    w = syn[s].wnid;
                    break;
                }
            if (!w) {
                st = zb_error(ZB_ERR_FORMAT, "%s: ground truth line %lld: ILSVRC2012_ID %ld is not a leaf synset",
                              devkit, (long long)i + 1, gtid[i]);
                break;
            }
            char **hit = bsearch(&w, d->wnids, (size_t)nsyn, sizeof *d->wnids, cmp_strp);
            m[i].wnid = (int)(hit - d->wnids);
        }
    }
    if (st == ZB_OK) {
        qsort(m, (size_t)nm, sizeof *m, cmp_member_class);
        d->kind = flat ? ZB_DS_FILES : ZB_DS_ILSVRC_TAR;
        d->name = calloc((size_t)nm, sizeof *d->name);
        d->label = malloc((size_t)nm * sizeof *d->label);
        d->stream_pos = malloc((size_t)nm * sizeof *d->stream_pos);
        d->tar_path = strdup(tar);
        if (!d->name || !d->label || !d->stream_pos || !d->tar_path)
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", tar);
        for (int64_t i = 0; st == ZB_OK && i < nm; i++) {
            d->name[i] = m[i].name;
            m[i].name = NULL;
            d->label[i] = m[i].wnid;
            d->stream_pos[i] = m[i].pos;
            d->n++;
        }
        if (st == ZB_OK && flat)
            for (int64_t i = 0; i < nm; i++)
                d->stream_pos[i] = i;
        if (st == ZB_OK)
            digest(d, flat ? strlen(tar) + 1 : 0);
    }
    zb_ilsvrc_members_free(m, nm);
    zb_ilsvrc_synsets_free(syn, nsyn);
    free(gtid);
    free(gt);
    free(meta);
    free(devkit);
    return st;
}

zb_status zb_dataset_open(const char *spec, const zb_dataset_opts *o, zb_dataset **out)
{
    *out = NULL;
    zb_dataset *d = calloc(1, sizeof *d);
    if (!d)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", spec);
    struct stat sb;
    zb_status st;
    if (stat(spec, &sb) != 0)
        st = zb_error(ZB_ERR_IO, "%s: %s", spec, strerror(errno));
    else if (S_ISDIR(sb.st_mode) && o && o->flat_val)
        st = open_ilsvrc(spec, o, d);
    else if (S_ISDIR(sb.st_mode))
        st = open_folder(spec, d);
    else if (ends_with(spec, ".tar"))
        st = open_ilsvrc(spec, o, d);
    else
        st = open_list(spec, o ? o->root : NULL, d);
    if (st != ZB_OK) {
        zb_dataset_free(d);
        return st;
    }
    *out = d;
    return ZB_OK;
}

/* ---- reading ---------------------------------------------------------- */

struct zb_dsreader {
    const zb_dataset *d;
    int64_t *items;       /* wanted dataset indices, in stream order */
    int64_t count, next;
    uint8_t *buf;
    size_t cap;
    struct archive *a;    /* tar mode */
    int64_t *by_pos;      /* tar: stream position -> dataset index, -1 if not wanted */
    int64_t pos;          /* tar: next member position */
};

static const zb_dataset *cmp_ds;
static int cmp_stream(const void *a, const void *b)
{
    int64_t x = cmp_ds->stream_pos[*(const int64_t *)a], y = cmp_ds->stream_pos[*(const int64_t *)b];
    return (x > y) - (x < y);
}

zb_status zb_dsreader_open(const zb_dataset *d, const int64_t *items, int64_t count, zb_dsreader **out)
{
    *out = NULL;
    zb_dsreader *r = calloc(1, sizeof *r);
    if (!r)
        return zb_error(ZB_ERR_NOMEM, "dataset: out of memory");
    r->d = d;
    r->items = malloc((size_t)(count ? count : 1) * sizeof *r->items);
    if (!r->items) {
        free(r);
        return zb_error(ZB_ERR_NOMEM, "dataset: out of memory");
    }
    memcpy(r->items, items, (size_t)count * sizeof *items);
    r->count = count;
    cmp_ds = d; /* qsort has no context argument in C11 */
    qsort(r->items, (size_t)count, sizeof *r->items, cmp_stream);
    if (d->kind == ZB_DS_ILSVRC_TAR && count > 0) {
        r->by_pos = malloc((size_t)d->n * sizeof *r->by_pos);
        r->a = archive_read_new();
        if (!r->by_pos || !r->a) {
            zb_dsreader_free(r);
            return zb_error(ZB_ERR_NOMEM, "dataset: out of memory");
        }
        for (int64_t i = 0; i < d->n; i++)
            r->by_pos[i] = -1;
        for (int64_t i = 0; i < count; i++)
            r->by_pos[d->stream_pos[r->items[i]]] = r->items[i];
        archive_read_support_format_tar(r->a);
        if (archive_read_open_filename(r->a, d->tar_path, 1 << 16) != ARCHIVE_OK) {
            zb_status st = zb_error(ZB_ERR_IO, "%s: %s", d->tar_path, arc_error(r->a));
            zb_dsreader_free(r);
            return st;
        }
    }
    *out = r;
    return ZB_OK;
}

static int grow(zb_dsreader *r, size_t n)
{
    if (n <= r->cap)
        return 0;
    uint8_t *b = realloc(r->buf, n);
    if (!b)
        return -1;
    r->buf = b;
    r->cap = n;
    return 0;
}

static int next_file(zb_dsreader *r, int64_t *index, const uint8_t **buf, size_t *len, zb_status *st_item)
{
    int64_t i = r->items[r->next++];
    const char *path = r->d->name[i];
    *index = i;
    *buf = NULL;
    *len = 0;
    *st_item = ZB_OK;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *st_item = zb_error(ZB_ERR_IO, "%s: %s", path, strerror(errno));
        return 1;
    }
    size_t n = 0, got;
    for (;;) {
        if (grow(r, n + (1 << 16))) {
            *st_item = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
            fclose(f);
            return 1;
        }
        got = fread(r->buf + n, 1, r->cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n > MAX_MEMBER) {
            *st_item = zb_error(ZB_ERR_LIMIT, "%s: larger than %u bytes", path, MAX_MEMBER);
            fclose(f);
            return 1;
        }
    }
    if (ferror(f))
        *st_item = zb_error(ZB_ERR_IO, "%s: read error", path);
    fclose(f);
    if (*st_item == ZB_OK) {
        *buf = r->buf;
        *len = n;
    }
    return 1;
}

static int next_tar(zb_dsreader *r, int64_t *index, const uint8_t **buf, size_t *len, zb_status *st_item)
{
    const char *tar = r->d->tar_path;
    struct archive_entry *e;
    *buf = NULL;
    *len = 0;
    *st_item = ZB_OK;
    for (;;) {
        int rc = archive_read_next_header(r->a, &e);
        if (rc == ARCHIVE_EOF) {
            zb_error(ZB_ERR_FORMAT, "%s: ended before every image was read (changed since it was listed?)", tar);
            return -1;
        }
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
            zb_error(ZB_ERR_FORMAT, "%s: %s", tar, arc_error(r->a));
            return -1;
        }
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        int64_t pos = r->pos++;
        if (pos >= r->d->n) {
            zb_error(ZB_ERR_FORMAT, "%s: more members than when it was listed", tar);
            return -1;
        }
        int64_t i = r->by_pos[pos];
        if (i < 0)
            continue; /* skipped without reading: libarchive seeks over it */
        r->next++;
        *index = i;
        int64_t size = archive_entry_size(e);
        if (size < 0 || size > (int64_t)MAX_MEMBER) {
            *st_item = zb_error(ZB_ERR_LIMIT, "%s: %s: member too large", tar, r->d->name[i]);
            return 1;
        }
        if (grow(r, (size_t)size + 1)) {
            *st_item = zb_error(ZB_ERR_NOMEM, "%s: out of memory", tar);
            return 1;
        }
        la_ssize_t got = archive_read_data(r->a, r->buf, (size_t)size);
        if (got != size) {
            zb_error(ZB_ERR_FORMAT, "%s: %s: truncated member", tar, r->d->name[i]);
            return -1;
        }
        *buf = r->buf;
        *len = (size_t)size;
        return 1;
    }
}

int zb_dsreader_next(zb_dsreader *r, int64_t *index, const uint8_t **buf, size_t *len, zb_status *st_item)
{
    if (r->next >= r->count)
        return 0;
    return r->d->kind == ZB_DS_ILSVRC_TAR ? next_tar(r, index, buf, len, st_item)
                                          : next_file(r, index, buf, len, st_item);
}

void zb_dsreader_free(zb_dsreader *r)
{
    if (!r)
        return;
    if (r->a)
        archive_read_free(r->a);
    free(r->by_pos);
    free(r->items);
    free(r->buf);
    free(r);
}
