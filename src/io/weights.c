/* Official weight files in the cache; see weights.h. */
#include "io/weights.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/status.h"
#include "io/cache.h"
#include "io/download.h"
#include "io/md5.h"
#include "io/sha256.h"

zb_status zb_weights_url(const zb_card *c, char *out, size_t cap)
{
    const char *base = getenv("ZOOBENCH_WEIGHTS_BASE_URL");
    int n;
    if (base && *base) {
        if (strncmp(base, "http://", 7) && strncmp(base, "https://", 8))
            return zb_error(ZB_ERR_ARG, "ZOOBENCH_WEIGHTS_BASE_URL: '%s' is not an http:// or https:// URL", base);
        const char *path = strchr(strstr(c->url, "://") + 3, '/');
        size_t bl = strlen(base);
        n = snprintf(out, cap, "%.*s%s", (int)(bl && base[bl - 1] == '/' ? bl - 1 : bl), base, path);
    } else {
        n = snprintf(out, cap, "%s", c->url);
    }
    if (n < 0 || (size_t)n >= cap)
        return zb_error(ZB_ERR_ARG, "%s: URL too long", c->name);
    return ZB_OK;
}

const char *zb_weights_hash(const zb_card *c)
{
    static _Thread_local char over[80];
    const char *file = getenv("ZOOBENCH_WEIGHTS_HASHES");
    if (!file || !*file)
        return c->hash;
    FILE *f = fopen(file, "r");
    if (!f)
        return c->hash;
    char name[256], h[80];
    const char *res = c->hash;
    while (fscanf(f, "%255s %79s", name, h) == 2) {
        if (!strcmp(name, c->name)) {
            snprintf(over, sizeof over, "%s", h);
            res = strcmp(over, "-") ? over : NULL;
        }
    }
    fclose(f);
    return res;
}

zb_status zb_weights_path(const zb_card *c, const char *cache_dir, char *path, size_t cap)
{
    char dir[4096];
    zb_status st = zb_cache_path(cache_dir, dir, sizeof dir);
    if (st != ZB_OK)
        return st;
    int n = snprintf(path, cap, "%s/weights/%s/%s", dir, zb_card_framework(c), c->file);
    if (n < 0 || (size_t)n >= cap)
        return zb_error(ZB_ERR_ARG, "%s: cache path too long", dir);
    return ZB_OK;
}

typedef struct check_ctx {
    const char *name;
    const char *md5;     /* expected MD5, or NULL */
    int want_hdf5;       /* no published hash: at least the HDF5 signature */
} check_ctx;

/* The download module's extra check: Keras' MD5 file_hash, or the HDF5
 * signature for files with no published hash. */
static zb_status extra_check(const char *path, void *vctx)
{
    const check_ctx *x = vctx;
    if (x->md5) {
        char got[ZB_MD5_HEX];
        zb_status st = zb_md5_file(path, got);
        if (st != ZB_OK)
            return st;
        if (strcasecmp(got, x->md5))
            return zb_error(ZB_ERR_VERIFY, "%s: MD5 mismatch: expected %s, got %s", x->name, x->md5, got);
    }
    if (x->want_hdf5) {
        unsigned char sig[8] = {0};
        FILE *f = fopen(path, "rb");
        if (!f)
            return zb_error(ZB_ERR_IO, "%s: %s", path, strerror(errno));
        size_t n = fread(sig, 1, 8, f);
        fclose(f);
        if (n != 8 || memcmp(sig, "\x89HDF\r\n\x1a\n", 8))
            return zb_error(ZB_ERR_VERIFY, "%s: not an HDF5 file (no published hash to check it by)", x->name);
    }
    return ZB_OK;
}

/* Splits the expected hash into the SHA-256 (full or prefix) and MD5 parts. */
static zb_status expected(const zb_card *c, const char **sha, check_ctx *x)
{
    const char *h = zb_weights_hash(c);
    memset(x, 0, sizeof *x);
    x->name = c->file;
    *sha = NULL;
    if (!h)
        x->want_hdf5 = 1;
    else if (!strcmp(zb_card_framework(c), "keras") && strlen(h) == 32)
        x->md5 = h;
    else if (zb_sha256_valid_expected(h))
        *sha = h;
    else
        return zb_error(ZB_ERR_ARG, "%s: invalid expected hash '%s'", c->name, h);
    return ZB_OK;
}

zb_status zb_weights_parse_pin(const char *name, const char *buf, size_t len, char pin[ZB_SHA256_HEX])
{
    size_t i = 0;
    for (; i < 64 && i < len && isxdigit((unsigned char)buf[i]); i++)
        pin[i] = (char)tolower((unsigned char)buf[i]);
    pin[i] = 0;
    int ends = len == 64 || (len > 64 && (buf[64] == ' ' || buf[64] == '\t' || buf[64] == '\r' || buf[64] == '\n'));
    if (i < 64 || !ends)
        return zb_error(ZB_ERR_VERIFY, "%s: not a SHA-256 pin (64 hex digits); delete it to fetch and pin the file again",
                        name);
    return ZB_OK;
}

/* "<path>.sha256", written by write_pin at the first download.  A pin that is
 * there but damaged is an error, never a reason to pin the file again. */
static zb_status read_pin(const char *path, char pin[ZB_SHA256_HEX], int *have)
{
    char side[4200], buf[256];
    snprintf(side, sizeof side, "%s.sha256", path);
    *have = 0;
    FILE *f = fopen(side, "rb");
    if (!f)
        return errno == ENOENT ? ZB_OK : zb_error(ZB_ERR_IO, "%s: %s", side, strerror(errno));
    size_t n = fread(buf, 1, sizeof buf, f);
    int err = ferror(f);
    fclose(f);
    if (err)
        return zb_error(ZB_ERR_IO, "%s: read error", side);
    if (n == sizeof buf)
        return zb_error(ZB_ERR_VERIFY, "%s: not a SHA-256 pin (%zu bytes or more); delete it to fetch and pin the file again",
                        side, sizeof buf);
    zb_status st = zb_weights_parse_pin(side, buf, n, pin);
    *have = st == ZB_OK;
    return st;
}

static zb_status write_pin(const char *path, const char *hex)
{
    char side[4200], tmp[4300];
    snprintf(side, sizeof side, "%s.sha256", path);
    snprintf(tmp, sizeof tmp, "%s.tmp", side);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: %s", tmp, strerror(errno));
    int bad = fprintf(f, "%s\n", hex) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, side)) {
        unlink(tmp);
        return zb_error(ZB_ERR_IO, "%s: cannot write", side);
    }
    return ZB_OK;
}

zb_status zb_weights_fetch(const zb_card *c, const zb_weights_opts *o, char *path, size_t cap)
{
    static const zb_weights_opts none = {0};
    o = o ? o : &none;
    char url[4096], dir[4096];
    zb_status st = zb_weights_url(c, url, sizeof url);
    if (st == ZB_OK)
        st = zb_cache_dir(o->cache_dir, dir, sizeof dir);
    if (st == ZB_OK)
        st = zb_weights_path(c, o->cache_dir, path, cap);
    const char *sha;
    check_ctx x;
    if (st == ZB_OK)
        st = expected(c, &sha, &x);
    if (st != ZB_OK)
        return st;
    char wdir[4200];
    snprintf(wdir, sizeof wdir, "%s/weights/%s", dir, zb_card_framework(c));
    if ((st = zb_mkdir_p(wdir)) != ZB_OK || (st = zb_dir_writable(wdir)) != ZB_OK)
        return st;
    zb_download_opts d = {.progress = o->progress, .name = c->file, .progress_label = c->name,
                          .verify = extra_check, .verify_ctx = &x};
    char pin[ZB_SHA256_HEX];
    int have_pin = 0;
    if (x.want_hdf5 && (st = read_pin(path, pin, &have_pin)) != ZB_OK)
        return st;
    st = zb_download(url, path, sha ? sha : have_pin ? pin : NULL, &d);
    if (st != ZB_OK || !x.want_hdf5 || have_pin)
        return st;
    char got[ZB_SHA256_HEX];
    if ((st = zb_sha256_file(path, got)) != ZB_OK || (st = write_pin(path, got)) != ZB_OK)
        return st;
    return ZB_OK;
}

zb_status zb_weights_check(const zb_card *c, const char *cache_dir, zb_weights_status *state, char *path,
                           size_t cap)
{
    *state = ZB_WEIGHTS_MISSING;
    const char *sha;
    check_ctx x;
    zb_status st = zb_weights_path(c, cache_dir, path, cap);
    if (st == ZB_OK)
        st = expected(c, &sha, &x);
    if (st != ZB_OK)
        return st;
    struct stat sb;
    if (stat(path, &sb))
        return ZB_OK;
    *state = ZB_WEIGHTS_BAD;
    if (sha) {
        if (zb_verify_sha256(path, sha, c->file) == ZB_OK)
            *state = ZB_WEIGHTS_OK;
        return ZB_OK;
    }
    if (extra_check(path, &x) != ZB_OK)
        return ZB_OK;
    if (x.md5) {
        *state = ZB_WEIGHTS_OK;
        return ZB_OK;
    }
    char pin[ZB_SHA256_HEX];
    int have = 0;
    if ((st = read_pin(path, pin, &have)) == ZB_ERR_VERIFY)
        return ZB_OK; /* a damaged pin: *state is ZB_WEIGHTS_BAD */
    if (st != ZB_OK)
        return st;
    if (!have) {
        zb_error(ZB_ERR_VERIFY, "%s: no published hash and no recorded SHA-256 (fetch it again)", c->file);
        return ZB_OK;
    }
    if (zb_verify_sha256(path, pin, c->file) == ZB_OK)
        *state = ZB_WEIGHTS_PINNED;
    return ZB_OK;
}

zb_status zb_weights_resolve(const char *arg, const char *model, int allow_fetch, char *path, size_t cap)
{
    struct stat sb;
    const zb_card *c = zb_card_find(arg);
    if (!c || stat(arg, &sb) == 0) {
        if (stat(arg, &sb))
            return zb_error(ZB_ERR_IO, "%s: no such file, and no model card of that name (see 'zoobench models')",
                            arg);
        if ((size_t)snprintf(path, cap, "%s", arg) >= cap)
            return zb_error(ZB_ERR_ARG, "%s: path too long", arg);
        return ZB_OK;
    }
    if (model && strcmp(c->model, model))
        return zb_error(ZB_ERR_ARG, "%s: these are the weights of %s, not of %s", c->name, c->model, model);
    zb_weights_status state;
    zb_status st = zb_weights_check(c, NULL, &state, path, cap);
    if (st != ZB_OK)
        return st;
    if (state == ZB_WEIGHTS_OK || state == ZB_WEIGHTS_PINNED)
        return ZB_OK;
    if (!allow_fetch) {
        if (state == ZB_WEIGHTS_BAD)
            return zb_error(ZB_ERR_VERIFY, "%s: the cached file fails verification (%s)", c->name, zb_last_error());
        return zb_error(ZB_ERR_IO, "%s: weights not in the cache and downloads are off (run 'zoobench weights fetch %s')",
                        c->name, c->name);
    }
    zb_weights_opts o = {.progress = isatty(2)};
    return zb_weights_fetch(c, &o, path, cap);
}
