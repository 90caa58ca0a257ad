/* TF.js Layers weight shards. */
#include "io/tfjs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fp16.h"
#include "core/status.h"

/* A group's shards read into one buffer. */
typedef struct group_buf {
    unsigned char *data;
    size_t len;
} group_buf;

static zb_status read_file(const char *path, group_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: cannot open weight shard", path);
    zb_status st = ZB_OK;
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return zb_error(ZB_ERR_IO, "%s: cannot seek", path);
    }
    long n = ftell(f);
    if (n < 0 || (unsigned long)n > ((size_t)1 << 31)) {
        fclose(f);
        return zb_error(ZB_ERR_LIMIT, "%s: shard size not in 0..2 GiB", path);
    }
    rewind(f);
    unsigned char *d = realloc(b->data, b->len + (size_t)n + 1);
    if (!d)
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
    else {
        b->data = d;
        if (fread(d + b->len, 1, (size_t)n, f) != (size_t)n)
            st = zb_error(ZB_ERR_IO, "%s: short read", path);
        b->len += (size_t)n;
    }
    fclose(f);
    return st;
}

static int dtype_size(const char *dt)
{
    if (!dt)
        return 0;
    if (!strcmp(dt, "float32"))
        return 4;
    if (!strcmp(dt, "uint16") || !strcmp(dt, "float16"))
        return 2;
    if (!strcmp(dt, "uint8"))
        return 1;
    return 0;
}

/* Decodes one manifest entry from buf at *off into the map. */
static zb_status decode_weight(const char *file, const zb_json *spec, const group_buf *buf, size_t *off, zb_wmap *m)
{
    const char *name = zb_json_str(zb_json_get(spec, "name"));
    const char *dtype = zb_json_str(zb_json_get(spec, "dtype"));
    const zb_json *shape = zb_json_get(spec, "shape");
    if (!name || !dtype || !shape || shape->type != ZB_JSON_ARR)
        return zb_error(ZB_ERR_FORMAT, "%s: weightsManifest entry without name, dtype or shape", file);
    if (strcmp(dtype, "float32"))
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: weight '%s': dtype '%s' is not supported (float32 only)", file,
                        name, dtype);
    if (shape->n > ZB_WMAP_MAXDIM)
        return zb_error(ZB_ERR_SHAPE, "%s: weight '%s': %d dimensions", file, name, shape->n);
    int64_t dims[ZB_WMAP_MAXDIM];
    int64_t count = 1;
    for (int i = 0; i < shape->n; i++) {
        long long d;
        if (!zb_json_int(shape->items[i], 0, (long long)1 << 31, &d))
            return zb_error(ZB_ERR_FORMAT, "%s: weight '%s': bad shape", file, name);
        dims[i] = d;
        count *= d;
        if (count > ((int64_t)1 << 31))
            return zb_error(ZB_ERR_LIMIT, "%s: weight '%s': more than 2^31 values", file, name);
    }
    const zb_json *q = zb_json_get(spec, "quantization");
    const char *qdt = "float32";
    double scale = 1.0, min = 0.0;
    if (q) {
        qdt = zb_json_str(zb_json_get(q, "dtype"));
        if (!qdt || !(strcmp(qdt, "uint8") == 0 || strcmp(qdt, "uint16") == 0 || strcmp(qdt, "float16") == 0))
            return zb_error(ZB_ERR_UNSUPPORTED,
                            "%s: weight '%s': quantization dtype '%s' (expected uint8, uint16 or float16)", file,
                            name, qdt ? qdt : "?");
        if (strcmp(qdt, "float16")) {
            const zb_json *s = zb_json_get(q, "scale"), *mn = zb_json_get(q, "min");
            if (!s || !mn || s->type != ZB_JSON_NUM || mn->type != ZB_JSON_NUM)
                return zb_error(ZB_ERR_FORMAT, "%s: weight '%s': %s quantization without scale and min", file, name,
                                qdt);
            scale = s->num, min = mn->num;
        }
    }
    size_t bytes = (size_t)count * (size_t)dtype_size(qdt);
    if (bytes > buf->len - *off)
        return zb_error(ZB_ERR_FORMAT, "%s: weight '%s' needs %zu bytes, its shards have %zu left", file, name, bytes,
                        buf->len - *off);
    float *data = malloc((size_t)(count ? count : 1) * sizeof *data);
    if (!data)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", file);
    const unsigned char *p = buf->data + *off;
    for (int64_t i = 0; i < count; i++) {
        if (!strcmp(qdt, "float32")) {
            uint32_t u = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
                         (uint32_t)p[4 * i + 3] << 24;
            memcpy(&data[i], &u, 4);
        } else if (!strcmp(qdt, "uint8")) {
            data[i] = (float)((double)p[i] * scale + min);
        } else {
            uint16_t u = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
            data[i] = !strcmp(qdt, "float16") ? zb_half_to_float(u) : (float)((double)u * scale + min);
        }
    }
    *off += bytes;
    zb_status st = zb_wmap_add(m, name, shape->n, dims, data);
    return st;
}

/* Directory part of path, with a trailing '/', or "" for a bare name. */
static void dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    if (n >= cap)
        n = 0;
    memcpy(out, path, n);
    out[n] = 0;
}

zb_status zb_tfjs_load(const char *model_json, zb_json **doc_out, zb_wmap **w_out)
{
    *doc_out = NULL;
    *w_out = NULL;
    zb_json *doc = NULL;
    zb_status st = zb_json_load(model_json, &doc);
    if (st != ZB_OK)
        return st;
    const zb_json *man = zb_json_get(doc, "weightsManifest");
    if (!man || man->type != ZB_JSON_ARR) {
        zb_json_free(doc);
        return zb_error(ZB_ERR_FORMAT, "%s: no weightsManifest (not a TF.js Layers model.json)", model_json);
    }
    zb_wmap *m = zb_wmap_new();
    if (!m) {
        zb_json_free(doc);
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", model_json);
    }
    char dir[4096];
    dir_of(model_json, dir, sizeof dir);
    for (int g = 0; g < man->n && st == ZB_OK; g++) {
        const zb_json *paths = zb_json_get(man->items[g], "paths");
        const zb_json *weights = zb_json_get(man->items[g], "weights");
        if (!paths || paths->type != ZB_JSON_ARR || !weights || weights->type != ZB_JSON_ARR) {
            st = zb_error(ZB_ERR_FORMAT, "%s: weightsManifest group %d lacks paths or weights", model_json, g);
            break;
        }
        group_buf buf = {0};
        for (int i = 0; i < paths->n && st == ZB_OK; i++) {
            const char *rel = zb_json_str(paths->items[i]);
            if (!rel || !*rel || rel[0] == '/' || strstr(rel, "..") || strchr(rel, ':')) {
                st = zb_error(ZB_ERR_FORMAT, "%s: group %d: shard path '%s' is not a plain relative path",
                              model_json, g, rel ? rel : "?");
                break;
            }
            char path[8192];
            snprintf(path, sizeof path, "%s%s", dir, rel);
            st = read_file(path, &buf);
        }
        size_t off = 0;
        for (int i = 0; i < weights->n && st == ZB_OK; i++)
            st = decode_weight(model_json, weights->items[i], &buf, &off, m);
        if (st == ZB_OK && off != buf.len)
            st = zb_error(ZB_ERR_FORMAT, "%s: group %d: shards hold %zu bytes, its weights use %zu", model_json, g,
                          buf.len, off);
        free(buf.data);
    }
    if (st != ZB_OK) {
        zb_wmap_free(m);
        zb_json_free(doc);
        return st;
    }
    *doc_out = doc;
    *w_out = m;
    return ZB_OK;
}
