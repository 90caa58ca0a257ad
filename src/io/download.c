/* Resumable, verified downloads with libcurl; the protocol is described in download.h. */
#include "io/download.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/status.h"
#include "io/cache.h"
#include "io/sha256.h"

#define PATH_CAP 4096

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- progress bar ------------------------------------------------------- */

typedef struct bar {
    int on;
    const char *label;
    double t0, last;
    int transient;     /* erase the bar when done (for a series of files) */
    int drawn;         /* a bar line is on screen (needs a newline before other output) */
    int64_t fresh;     /* bytes received by the current transfer */
} bar;

static void human(char *out, size_t cap, double bytes)
{
    static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

static int term_columns(void)
{
    struct winsize ws;
    if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    const char *env = getenv("COLUMNS");
    int c = env ? atoi(env) : 0;
    return c >= 20 ? c : 80;
}

/* One line, redrawn in place: "label [#####.....] 1.2 MiB / 1.9 MiB  63% 4.5 MiB/s".
 * done/total include bytes resumed from an earlier .part; `fresh` counts only
 * this transfer's bytes, for the rate.  total <= 0: unknown. */
static void bar_draw(bar *b, int64_t done, int64_t total, int64_t fresh)
{
    char sdone[32], stotal[32], srate[32], right[160];
    double dt = now_s() - b->t0;
    human(sdone, sizeof sdone, (double)done);
    human(srate, sizeof srate, dt > 0 ? fresh / dt : 0);
    if (total > 0) {
        int pct = (int)(done * 100 / total);
        char cells[13];
        int fill = (int)(done * 12 / total);
        for (int i = 0; i < 12; i++)
            cells[i] = i < fill ? '#' : '.';
        cells[12] = '\0';
        human(stotal, sizeof stotal, (double)total);
        snprintf(right, sizeof right, " [%s] %s / %s %3d%% %s/s", cells, sdone, stotal, pct, srate);
    } else {
        snprintf(right, sizeof right, " %s %s/s", sdone, srate);
    }
    /* Fit the terminal: a wrapped line could not be redrawn with \r. */
    int width = term_columns() - 1 - (int)strlen(right);
    if (width < 8)
        width = 8;
    fprintf(stderr, "\r%-*.*s%s\033[K", width < (int)strlen(b->label) ? width : (int)strlen(b->label),
            width, b->label, right);
    fflush(stderr);
    b->drawn = 1;
}

/* After a good transfer a transient bar is erased; otherwise the line is kept. */
static void bar_end(bar *b, int ok)
{
    if (b->drawn)
        fputs(ok && b->transient ? "\r\033[K" : "\n", stderr);
    fflush(stderr);
    b->drawn = 0;
}

/* ---- one HTTP transfer into D.part ------------------------------------- */

typedef struct xfer {
    CURL *curl;
    const char *part;
    int64_t offset;     /* bytes of .part kept when the body started (0 after a restart) */
    int fd;             /* .part, opened when the body starts; -1 before */
    int64_t received;   /* body bytes written by this transfer */
    long stop_status;   /* HTTP status that made us refuse the body, 0 if none */
    int range_ignored;  /* asked for a range, got the whole file (200) */
    int bad_range;      /* 206 whose Content-Range does not start at offset */
    int64_t cr_start;   /* start of the current response's Content-Range, -1 if none */
    int64_t cr_total;   /* its complete length, -1 if unknown */
    int write_errno;
    long stall_s;       /* abort after this long without a body byte once connected */
    double last_data;   /* when dlnow last changed (or the connection was made) */
    curl_off_t last_now;
    int stalled;
    bar *bar;
} xfer;

static size_t on_header(char *line, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    if (len >= 5 && !strncmp(line, "HTTP/", 5)) {
        /* A new response (after a redirect, or a 100 Continue): forget the last one's. */
        x->cr_start = -1;
        x->cr_total = -1;
    } else if (len > 14 && !strncasecmp(line, "content-range:", 14)) {
        char buf[128];
        size_t m = len - 14 < sizeof buf - 1 ? len - 14 : sizeof buf - 1;
        memcpy(buf, line + 14, m);
        buf[m] = '\0';
        long long a, b, t;
        if (sscanf(buf, " bytes %lld-%lld/%lld", &a, &b, &t) == 3) {
            x->cr_start = a;
            x->cr_total = t;
        } else if (sscanf(buf, " bytes %lld-%lld/*", &a, &b) == 2) {
            x->cr_start = a;
        }
    }
    return len;
}

/* Opens .part when the first body bytes arrive; returns 0 to refuse the body. */
static int open_part(xfer *x)
{
    long code = 0;
    curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
    if (code == 206) {
        if (x->cr_start != x->offset) {
            x->bad_range = 1;
            return 0;
        }
    } else if (code == 200) {
        if (x->offset > 0)
            x->range_ignored = 1;
        x->offset = 0;
        flags |= O_TRUNC;
    } else {
        x->stop_status = code;
        return 0;
    }
    x->fd = open(x->part, flags, 0644);
    if (x->fd < 0 || lseek(x->fd, x->offset, SEEK_SET) < 0 || ftruncate(x->fd, x->offset) < 0) {
        x->write_errno = errno;
        return 0;
    }
    return 1;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    if (x->fd < 0 && !open_part(x))
        return 0; /* CURLE_WRITE_ERROR; the reason is in x */
    for (size_t off = 0; off < len;) {
        ssize_t w = write(x->fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            x->write_errno = errno;
            return 0;
        }
        off += (size_t)w;
    }
    x->received += (int64_t)len;
    x->bar->fresh = x->received;
    return len;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ul, curl_off_t ulnow)
{
    (void)ul;
    (void)ulnow;
    xfer *x = user;
    double t = now_s();
    /* Stall detection here rather than CURLOPT_LOW_SPEED_*: libcurl averages the
     * speed over about five seconds, so bytes just before a stall delay it. */
    curl_off_t connected = 0;
    curl_easy_getinfo(x->curl, CURLINFO_CONNECT_TIME_T, &connected);
    if (connected <= 0 || dlnow != x->last_now) {
        x->last_data = t;
        x->last_now = dlnow;
    } else if (t - x->last_data >= (double)x->stall_s) {
        x->stalled = 1;
        return 1; /* CURLE_ABORTED_BY_CALLBACK */
    }
    if (!x->bar->on || t - x->bar->last < 0.1)
        return 0;
    x->bar->last = t;
    /* Before the body starts, dltotal may describe an error page: wait for it. */
    if (x->fd < 0)
        return 0;
    bar_draw(x->bar, x->offset + dlnow, dltotal > 0 ? x->offset + dltotal : -1, dlnow);
    return 0;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
}

static void drop_empty(const char *part)
{
    if (file_size(part) == 0)
        unlink(part);
}

typedef struct ctx {
    const char *url, *dest, *name;
    char part[PATH_CAP];
    long connect_s, stall_s;
    int max_attempts;
    bar bar;
} ctx;

static const char *http_reason(long code)
{
    switch (code) {
    case 401: return " Unauthorized";
    case 403: return " Forbidden";
    case 404: return " Not Found";
    case 410: return " Gone";
    case 416: return " Range Not Satisfiable";
    case 429: return " Too Many Requests";
    case 500: return " Internal Server Error";
    case 502: return " Bad Gateway";
    case 503: return " Service Unavailable";
    case 504: return " Gateway Timeout";
    default: return "";
    }
}

/* Brings c->part to the complete body of c->url.  *from_old_part tells whether
 * bytes of a .part that existed before this call were kept. */
static zb_status fetch_part(ctx *c, int *from_old_part)
{
    CURL *curl = curl_easy_init();
    if (!curl)
        return zb_error(ZB_ERR_NOMEM, "%s: cannot initialise libcurl", c->name);
    char errbuf[CURL_ERROR_SIZE];
    int restarted = 0;       /* restarts from byte 0 after a bad/unsatisfiable range */
    int64_t kept0 = file_size(c->part);
    *from_old_part = kept0 > 0;
    zb_status st = ZB_OK;

    for (int attempt = 1;; attempt++) {
        xfer x = {.curl = curl, .part = c->part, .fd = -1, .cr_start = -1, .cr_total = -1, .bar = &c->bar};
        int64_t have = file_size(c->part);
        x.offset = have > 0 ? have : 0;
        char range[32];
        snprintf(range, sizeof range, "%lld-", (long long)x.offset);

        curl_easy_reset(curl);
        errbuf[0] = '\0';
        curl_easy_setopt(curl, CURLOPT_URL, c->url);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "zoobench/" ZB_VERSION);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, c->connect_s);
        /* A manual Range (not CURLOPT_RESUME_FROM) so a 200 answer reaches us and restarts. */
        if (x.offset > 0)
            curl_easy_setopt(curl, CURLOPT_RANGE, range);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x);
        c->bar.t0 = x.last_data = now_s();
        c->bar.last = 0;
        c->bar.fresh = 0;
        x.stall_s = c->stall_s;
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &x);

        CURLcode rc = curl_easy_perform(curl);
        long code = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        if (x.range_ignored || x.bad_range)
            *from_old_part = 0;

        if (rc == CURLE_OK && x.fd < 0 && x.stop_status == 0 && (code == 200 || code == 206)) {
            /* An empty body: create the (empty or already complete) file. */
            x.fd = open(c->part, O_WRONLY | O_CREAT | O_CLOEXEC | (code == 200 ? O_TRUNC : 0), 0644);
            if (x.fd < 0)
                x.write_errno = errno;
        }
        int sync_err = 0;
        if (x.fd >= 0) {
            if (rc == CURLE_OK && fsync(x.fd) != 0)
                sync_err = errno;
            if (close(x.fd) != 0 && !sync_err && rc == CURLE_OK)
                sync_err = errno;
        }

        if (x.write_errno || sync_err) {
            st = zb_error(ZB_ERR_IO, "%s: cannot write %s: %s", c->name, c->part,
                          strerror(x.write_errno ? x.write_errno : sync_err));
            break;
        }
        if (x.bad_range || ((x.stop_status == 416 || (rc == CURLE_OK && code == 416)) && x.offset > 0)) {
            /* The kept .part does not fit what the server has: start over, once. */
            if (restarted) {
                st = zb_error(ZB_ERR_NET, "%s: %s answers Range requests inconsistently", c->name, c->url);
                break;
            }
            restarted = 1;
            *from_old_part = 0;
            unlink(c->part);
            attempt--;
            continue;
        }
        if (x.stop_status || (rc == CURLE_OK && code != 200 && code != 206)) {
            long s = x.stop_status ? x.stop_status : code;
            st = zb_error(ZB_ERR_NET, "%s: HTTP %ld%s from %s", c->name, s, http_reason(s), c->url);
            break;
        }
        if (rc == CURLE_OK) {
            st = ZB_OK;
            break;
        }

        const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        int64_t kept = file_size(c->part);
        curl_off_t connected_us = 0;
        curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected_us);
        if (rc == CURLE_OPERATION_TIMEDOUT && connected_us <= 0 && !x.stalled) {
            st = zb_error(ZB_ERR_NET, "%s: cannot download %s: no connection within %ld s", c->name, c->url,
                          c->connect_s);
            break;
        }
        if (x.stalled) {
            if (kept > 0)
                st = zb_error(ZB_ERR_NET,
                              "%s: download from %s stalled (no data for %ld s); %lld bytes kept in %s, "
                              "run again to resume",
                              c->name, c->url, c->stall_s, (long long)kept, c->part);
            else
                st = zb_error(ZB_ERR_NET, "%s: download from %s stalled (no data for %ld s)", c->name,
                              c->url, c->stall_s);
            break;
        }
        int dropped = rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
                      rc == CURLE_SEND_ERROR || rc == CURLE_HTTP2 || rc == CURLE_HTTP2_STREAM;
        if (dropped && x.received > 0) {
            if (attempt < c->max_attempts)
                continue; /* progress was made: resume from what .part holds now */
            st = zb_error(ZB_ERR_NET, "%s: transfer from %s interrupted (%s); %lld bytes kept in %s, "
                          "run again to resume", c->name, c->url, why, (long long)kept, c->part);
            break;
        }
        st = zb_error(ZB_ERR_NET, "%s: cannot download %s: %s", c->name, c->url, why);
        break;
    }
    curl_easy_cleanup(curl);
    drop_empty(c->part);
    if (st != ZB_OK)
        bar_end(&c->bar, 0);
    return st;
}

/* ---- verification and the public entry points --------------------------- */

zb_status zb_verify_sha256(const char *path, const char *expected, const char *name)
{
    if (!name)
        name = path;
    if (!expected)
        return ZB_OK;
    if (!zb_sha256_valid_expected(expected))
        return zb_error(ZB_ERR_ARG, "%s: expected SHA-256 '%s' is not 8 to 64 hex digits", name, expected);
    char got[ZB_SHA256_HEX];
    zb_status st = zb_sha256_file(path, got);
    if (st != ZB_OK)
        return st;
    if (!zb_sha256_matches(got, expected))
        return zb_error(ZB_ERR_VERIFY, "%s: SHA-256 mismatch: expected %s%s, got %s", name, expected,
                        strlen(expected) < 64 ? "..." : "", got);
    return ZB_OK;
}

static zb_status verify_all(const char *path, const char *expected, const char *name,
                            const zb_download_opts *o)
{
    zb_status st = zb_verify_sha256(path, expected, name);
    if (st == ZB_OK && o && o->verify)
        st = o->verify(path, o->verify_ctx);
    return st;
}

static zb_status sync_dir_of(const char *path)
{
    char dir[PATH_CAP];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return zb_error(ZB_ERR_IO, "%s: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    return rc == 0 ? ZB_OK : zb_error(ZB_ERR_IO, "%s: fsync: %s", dir, strerror(e));
}

static zb_status stall_timeout(long given, long *out)
{
    if (given > 0) {
        *out = given;
        return ZB_OK;
    }
    const char *env = getenv("ZOOBENCH_STALL_TIMEOUT");
    if (!env || !*env) {
        *out = 60;
        return ZB_OK;
    }
    char *end;
    errno = 0;
    long v = strtol(env, &end, 10);
    if (errno || *end || v <= 0 || v > 86400)
        return zb_error(ZB_ERR_ARG, "ZOOBENCH_STALL_TIMEOUT: expected seconds from 1 to 86400, got '%s'",
                        env);
    *out = v;
    return ZB_OK;
}

zb_status zb_download(const char *url, const char *dest, const char *expected, const zb_download_opts *o)
{
    static const zb_download_opts defaults = {0};
    if (!o)
        o = &defaults;
    if (!url || !dest || !*dest)
        return zb_error(ZB_ERR_ARG, "download: no URL or destination given");
    ctx c = {.url = url, .dest = dest};
    const char *base = strrchr(dest, '/');
    c.name = o->name ? o->name : base ? base + 1 : dest;
    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
        return zb_error(ZB_ERR_ARG, "%s: '%s' is not an http:// or https:// URL", c.name, url);
    if (expected && !zb_sha256_valid_expected(expected))
        return zb_error(ZB_ERR_ARG, "%s: expected SHA-256 '%s' is not 8 to 64 hex digits", c.name, expected);
    zb_status st = stall_timeout(o->stall_timeout_s, &c.stall_s);
    if (st != ZB_OK)
        return st;
    c.connect_s = o->connect_timeout_s > 0 ? o->connect_timeout_s : 30;
    c.max_attempts = o->max_attempts > 0 ? o->max_attempts : 3;
    c.bar.on = o->progress;
    c.bar.label = o->progress_label ? o->progress_label : c.name;
    c.bar.transient = o->progress_transient;
    int n = snprintf(c.part, sizeof c.part, "%s.part", dest);
    if (n < 0 || (size_t)n >= sizeof c.part)
        return zb_error(ZB_ERR_ARG, "%s: destination path too long", c.name);

    /* Already there: re-verify; a bad copy is deleted and fetched again. */
    if (file_size(dest) >= 0) {
        st = verify_all(dest, expected, c.name, o);
        if (st == ZB_OK)
            return ZB_OK;
        if (st != ZB_ERR_VERIFY)
            return st;
        if (unlink(dest) != 0)
            return zb_error(ZB_ERR_IO, "%s: cannot delete corrupt cached file %s: %s", c.name, dest,
                            strerror(errno));
    }

    char dir[PATH_CAP];
    snprintf(dir, sizeof dir, "%s", dest);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if ((st = zb_mkdir_p(dir)) != ZB_OK)
            return st;
    }

    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return zb_error(ZB_ERR_NET, "%s: libcurl initialisation failed: %s", c.name,
                        curl_easy_strerror(curl_init_rc));

    for (int pass = 0;; pass++) {
        int from_old = 0;
        if ((st = fetch_part(&c, &from_old)) != ZB_OK)
            return st;
        if (c.bar.on) {
            int64_t sz = file_size(c.part);
            bar_draw(&c.bar, sz, sz, c.bar.fresh);
            bar_end(&c.bar, 1);
        }
        st = verify_all(c.part, expected, c.name, o);
        if (st == ZB_OK)
            break;
        unlink(c.part);
        /* Content partly from an older .part may be stale: fetch it whole once more. */
        if (st == ZB_ERR_VERIFY && from_old && pass == 0)
            continue;
        if (st == ZB_ERR_VERIFY) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", zb_last_error());
            return zb_error(st, "%s (downloaded from %s; deleted)", msg, url);
        }
        return st;
    }
    if (rename(c.part, dest) != 0)
        return zb_error(ZB_ERR_IO, "%s: cannot rename %s to %s: %s", c.name, c.part, dest, strerror(errno));
    return sync_dir_of(dest);
}
