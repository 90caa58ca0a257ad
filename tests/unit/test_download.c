/* zb_download, the cache directory and the published-predictions fetch, against
 * tests/oracle/httpd.py on 127.0.0.1 with its fault injection.  Expected hashes
 * come from /usr/bin/sha256sum (and ../shared/seed-results/SHA256SUMS), never
 * from the code under test.  Run from the repository root (tests/run.sh does). */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/status.h"
#include "harness.h"
#include "io/cache.h"
#include "io/download.h"
#include "io/published.h"

#define HTTPD "tests/oracle/httpd.py"
#define BIG_LEN 300000

static char tmp[] = "/tmp/zb-download-XXXXXX";
static char root[512], logpath[512];
static char big_sha[65], small_sha[65], big_corrupt_sha[65];
static uint8_t *big;

/* ---- helpers ----------------------------------------------------------- */

typedef struct server {
    pid_t pid;
    int port;
} server;

/* Starts httpd.py serving dir with the given extra arguments (NULL-terminated);
 * its log is appended to logpath.  port 0 on failure. */
static server start_server_in(const char *dir, const char *const *extra)
{
    server s = {0, 0};
    int fds[2];
    if (pipe(fds) != 0)
        return s;
    const char *argv[32] = {"/usr/bin/python3", HTTPD, "--root", dir, "--log", logpath};
    int n = 6;
    for (int i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s.pid = fork();
    if (s.pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[64];
    if (f && fgets(line, sizeof line, f))
        s.port = atoi(line);
    if (f)
        fclose(f);
    return s;
}

static server start_server(const char *const *extra) { return start_server_in(root, extra); }

static void stop_server(server s)
{
    if (s.pid > 0) {
        kill(s.pid, SIGTERM);
        waitpid(s.pid, NULL, 0);
    }
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static long long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static int same_as_big(const char *path)
{
    size_t n;
    char *p = read_all(path, &n);
    int ok = p && n == BIG_LEN && !memcmp(p, big, BIG_LEN);
    free(p);
    return ok;
}

/* How many log lines contain `needle` (the log is truncated by clear_log). */
static int log_count(const char *needle)
{
    char *s = read_all(logpath, NULL);
    int n = 0;
    for (char *p = s; p && (p = strstr(p, needle)); p++)
        n++;
    free(s);
    return n;
}

static void clear_log(void) { write_file(logpath, "", 0); }

/* A fresh, empty destination directory for one test. */
static const char *fresh_dir(const char *name)
{
    static char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", tmp, name);
    mkdir(dir, 0755);
    return dir;
}

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n == 0;
}

/* The first hex word printed by `cmd`. */
static int oracle_hash(const char *cmd, char out[65])
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    int ok = fscanf(p, "%64s", out) == 1;
    while (fgetc(p) != EOF) /* drain, so the writer never sees a closed pipe */
        ;
    return pclose(p) == 0 && ok && strlen(out) == 64;
}

static void url_of(char *out, size_t cap, server s, const char *path)
{
    snprintf(out, cap, "http://127.0.0.1:%d%s", s.port, path);
}

/* RUN, plus the time each test took (to keep the suite fast). */
#define TIMED(fn)                                                                  \
    do {                                                                           \
        struct timespec t0_, t1_;                                                  \
        clock_gettime(CLOCK_MONOTONIC, &t0_);                                      \
        RUN(fn);                                                                   \
        clock_gettime(CLOCK_MONOTONIC, &t1_);                                      \
        fprintf(stderr, "%-40s %.2f s\n", #fn,                                     \
                (t1_.tv_sec - t0_.tv_sec) + (t1_.tv_nsec - t0_.tv_nsec) * 1e-9);   \
    } while (0)

/* ---- tests --------------------------------------------------------------- */

static void test_good_fetch_and_cache(void)
{
    clear_log();
    const char *const args[] = {NULL};
    server s = start_server(args);
    CHECK(s.port > 0);
    char url[256], dest[512], part[600];
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/sub/dir/big.bin", fresh_dir("good"));
    snprintf(part, sizeof part, "%s.part", dest);

    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    CHECK(!exists(part));
    CHECK_EQ_INT(log_count("GET /d/big.bin range=- status=200"), 1);

    /* Cached and intact: no request at all. */
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK_EQ_INT(log_count("GET "), 1);

    /* A corrupted cache file is detected, deleted and fetched again. */
    FILE *f = fopen(dest, "r+b");
    fseek(f, 12345, SEEK_SET);
    fputc(big[12345] ^ 1, f);
    fclose(f);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    CHECK_EQ_INT(log_count("GET "), 2);

    /* A torchvision-style prefix of the hash is accepted; a wrong prefix is not. */
    char prefix[11];
    memcpy(prefix, big_sha, 10);
    prefix[10] = '\0';
    snprintf(dest, sizeof dest, "%s/big-%s.bin", fresh_dir("prefix"), prefix);
    CHECK_EQ_INT(zb_download(url, dest, prefix, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    snprintf(dest, sizeof dest, "%s/wrongprefix.bin", fresh_dir("prefix"));
    prefix[0] = prefix[0] == '0' ? '1' : '0';
    CHECK_EQ_INT(zb_download(url, dest, prefix, NULL), ZB_ERR_VERIFY);
    CHECK(!exists(dest));

    /* No hash at all: the content is taken as served. */
    snprintf(dest, sizeof dest, "%s/small.txt", fresh_dir("nohash"));
    url_of(url, sizeof url, s, "/d/small.txt");
    CHECK_EQ_INT(zb_download(url, dest, NULL, NULL), ZB_OK);
    CHECK_EQ_INT(size_of(dest), 13);
    stop_server(s);
}

static void test_redirect_and_progress(void)
{
    const char *const args[] = {"--redirect", "/r", NULL};
    server s = start_server(args);
    char url[256], dest[512], errpath[512];
    url_of(url, sizeof url, s, "/r/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", fresh_dir("redirect"));
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", tmp);

    /* The bar goes to stderr: capture it. */
    fflush(stderr);
    int saved = dup(2);
    FILE *e = fopen(errpath, "w");
    dup2(fileno(e), 2);
    zb_download_opts o = {.progress = 1, .progress_label = "big.bin"};
    zb_status st = zb_download(url, dest, big_sha, &o);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(e);
    CHECK_EQ_INT(st, ZB_OK);
    CHECK(same_as_big(dest));
    char *bar = read_all(errpath, NULL);
    CHECK(bar && strstr(bar, "big.bin"));
    CHECK(bar && strstr(bar, "100%"));
    CHECK(bar && strstr(bar, "293.0 KiB / 293.0 KiB")); /* 300000 bytes */
    CHECK(bar && strstr(bar, "/s"));
    free(bar);
    stop_server(s);
}

static void test_corrupt_server_file_rejected(void)
{
    const char *const args[] = {"--corrupt", "/d/big.bin", NULL};
    server s = start_server(args);
    char url[256], dest[512], part[600];
    url_of(url, sizeof url, s, "/d/big.bin");
    const char *dir = fresh_dir("corrupt");
    snprintf(dest, sizeof dest, "%s/big.bin", dir);
    snprintf(part, sizeof part, "%s.part", dest);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_ERR_VERIFY);
    const char *msg = zb_last_error();
    CHECK(strncmp(msg, "big.bin: ", 9) == 0);
    CHECK(strstr(msg, big_sha) != NULL);          /* expected */
    CHECK(strstr(msg, big_corrupt_sha) != NULL);  /* got */
    CHECK(!exists(dest));
    CHECK(!exists(part));
    CHECK(dir_is_empty(dir));
    stop_server(s);
}

static void test_interrupted_transfer_resumes(void)
{
    clear_log();
    const char *const args[] = {"--cut", "/d/big.bin:100000", NULL};
    server s = start_server(args);
    char url[256], dest[512], part[600];
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", fresh_dir("resume"));
    snprintf(part, sizeof part, "%s.part", dest);
    /* Within one call: the dropped connection is resumed with a Range request. */
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    CHECK_EQ_INT(log_count("range=- status=200 sent=100000"), 1);
    CHECK_EQ_INT(log_count("range=bytes=100000- status=206 sent=200000"), 1);
    stop_server(s);

    /* Across calls: one attempt only, the .part stays, the next call resumes it. */
    clear_log();
    s = start_server(args);
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", fresh_dir("resume2"));
    snprintf(part, sizeof part, "%s.part", dest);
    zb_download_opts one = {.max_attempts = 1};
    CHECK_EQ_INT(zb_download(url, dest, big_sha, &one), ZB_ERR_NET);
    CHECK(strstr(zb_last_error(), "interrupted") != NULL);
    CHECK(strstr(zb_last_error(), "resume") != NULL);
    CHECK_EQ_INT(size_of(part), 100000);
    CHECK(!exists(dest));
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    CHECK(!exists(part));
    CHECK_EQ_INT(log_count("range=bytes=100000- status=206 sent=200000"), 1);
    stop_server(s);
}

static void test_resume_edge_cases(void)
{
    char url[256], dest[512], part[600];
    /* A server that ignores Range: the kept bytes are discarded, the 200 body used. */
    clear_log();
    const char *const ignore[] = {"--ignore-range", NULL};
    server s = start_server(ignore);
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", fresh_dir("ignore"));
    snprintf(part, sizeof part, "%s.part", dest);
    CHECK(write_file(part, big, 5000));
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    CHECK_EQ_INT(log_count("range=bytes=5000- status=200 sent=300000"), 1);
    stop_server(s);

    /* A stale .part (wrong bytes): the resumed file fails the hash, so it is
     * fetched once more from scratch and succeeds. */
    clear_log();
    const char *const none[] = {NULL};
    s = start_server(none);
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", fresh_dir("stale"));
    snprintf(part, sizeof part, "%s.part", dest);
    char junk[5000];
    memset(junk, 'x', sizeof junk);
    CHECK(write_file(part, junk, sizeof junk));
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    CHECK_EQ_INT(log_count("range=bytes=5000- status=206"), 1);
    CHECK_EQ_INT(log_count("range=- status=200 sent=300000"), 1);

    /* A .part longer than the file: 416, then a fresh start. */
    clear_log();
    snprintf(dest, sizeof dest, "%s/big.bin", fresh_dir("toolong"));
    snprintf(part, sizeof part, "%s.part", dest);
    uint8_t *longer = calloc(BIG_LEN + 10, 1);
    CHECK(write_file(part, longer, BIG_LEN + 10));
    free(longer);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_OK);
    CHECK(same_as_big(dest));
    CHECK_EQ_INT(log_count("status=416"), 1);
    stop_server(s);
}

static void test_http_errors(void)
{
    const char *const args[] = {"--status", "/d/big.bin:503", NULL};
    server s = start_server(args);
    char url[256], dest[512];
    const char *dir = fresh_dir("http");
    url_of(url, sizeof url, s, "/d/missing.bin");
    snprintf(dest, sizeof dest, "%s/missing.bin", dir);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_ERR_NET);
    CHECK(strncmp(zb_last_error(), "missing.bin: HTTP 404", 21) == 0);
    CHECK(strstr(zb_last_error(), url) != NULL);
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", dir);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_ERR_NET);
    CHECK(strstr(zb_last_error(), "HTTP 503") != NULL);
    CHECK(dir_is_empty(dir));
    stop_server(s);
}

static void test_stall_times_out(void)
{
    const char *const args[] = {"--stall", "/d/big.bin:1000", "--stall-headers", "/d/small.txt", NULL};
    server s = start_server(args);
    char url[256], dest[512], part[600];
    const char *dir = fresh_dir("stall");
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", dir);
    snprintf(part, sizeof part, "%s.part", dest);
    setenv("ZOOBENCH_STALL_TIMEOUT", "1", 1);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_ERR_NET);
    CHECK(strstr(zb_last_error(), "stalled") != NULL);
    CHECK(strstr(zb_last_error(), "1 s") != NULL);
    CHECK_EQ_INT(size_of(part), 1000); /* kept for resuming */
    CHECK(!exists(dest));

    /* A server that accepts the request and never answers. */
    url_of(url, sizeof url, s, "/d/small.txt");
    snprintf(dest, sizeof dest, "%s/small.txt", dir);
    snprintf(part, sizeof part, "%s.part", dest);
    CHECK_EQ_INT(zb_download(url, dest, NULL, NULL), ZB_ERR_NET);
    CHECK(strstr(zb_last_error(), "stalled") != NULL);
    CHECK(!exists(part));

    setenv("ZOOBENCH_STALL_TIMEOUT", "soon", 1);
    CHECK_EQ_INT(zb_download(url, dest, NULL, NULL), ZB_ERR_ARG);
    CHECK(strstr(zb_last_error(), "ZOOBENCH_STALL_TIMEOUT") != NULL);
    unsetenv("ZOOBENCH_STALL_TIMEOUT");
    stop_server(s);
}

static void test_server_down(void)
{
    /* A port nobody listens on: bind an ephemeral one, then close it. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&a, &al) == 0);
    close(fd);
    char url[256], dest[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/d/big.bin", ntohs(a.sin_port));
    const char *dir = fresh_dir("down");
    snprintf(dest, sizeof dest, "%s/big.bin", dir);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, NULL), ZB_ERR_NET);
    CHECK(strncmp(zb_last_error(), "big.bin: cannot download ", 25) == 0);
    CHECK(strstr(zb_last_error(), url) != NULL);
    CHECK(dir_is_empty(dir));
}

static zb_status reject_all(const char *path, void *ctx)
{
    (*(int *)ctx)++;
    return zb_error(ZB_ERR_VERIFY, "%s: md5 mismatch (test)", path);
}

static zb_status accept_all(const char *path, void *ctx)
{
    (void)path;
    (*(int *)ctx)++;
    return ZB_OK;
}

static void test_verify_callback_and_args(void)
{
    const char *const none[] = {NULL};
    server s = start_server(none);
    char url[256], dest[512];
    const char *dir = fresh_dir("callback");
    url_of(url, sizeof url, s, "/d/big.bin");
    snprintf(dest, sizeof dest, "%s/big.bin", dir);
    int calls = 0;
    zb_download_opts rej = {.verify = reject_all, .verify_ctx = &calls};
    CHECK_EQ_INT(zb_download(url, dest, NULL, &rej), ZB_ERR_VERIFY);
    CHECK(strstr(zb_last_error(), "md5 mismatch") != NULL);
    CHECK_EQ_INT(calls, 1);
    CHECK(dir_is_empty(dir));
    calls = 0;
    zb_download_opts acc = {.verify = accept_all, .verify_ctx = &calls};
    CHECK_EQ_INT(zb_download(url, dest, big_sha, &acc), ZB_OK);
    CHECK_EQ_INT(zb_download(url, dest, big_sha, &acc), ZB_OK); /* cached: checked again */
    CHECK_EQ_INT(calls, 2);

    CHECK_EQ_INT(zb_download("ftp://127.0.0.1/x", dest, NULL, NULL), ZB_ERR_ARG);
    CHECK_EQ_INT(zb_download(url, dest, "not-a-hash", NULL), ZB_ERR_ARG);
    stop_server(s);
}

static void test_cache_dir(void)
{
    char out[1024], want[2048], file[512], sub[600];
    snprintf(file, sizeof file, "%s/plainfile", tmp);
    CHECK(write_file(file, "x", 1));

    setenv("XDG_CACHE_HOME", "/somewhere/cache", 1);
    CHECK_EQ_INT(zb_cache_path(NULL, out, sizeof out), ZB_OK);
    CHECK_STR(out, "/somewhere/cache/zoobench");
    setenv("XDG_CACHE_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/someone", 1);
    CHECK_EQ_INT(zb_cache_path(NULL, out, sizeof out), ZB_OK);
    CHECK_STR(out, "/home/someone/.cache/zoobench");
    unsetenv("XDG_CACHE_HOME");
    CHECK_EQ_INT(zb_cache_path(NULL, out, sizeof out), ZB_OK);
    CHECK_STR(out, "/home/someone/.cache/zoobench");
    CHECK_EQ_INT(zb_cache_path("/explicit/dir//", out, sizeof out), ZB_OK);
    CHECK_STR(out, "/explicit/dir");

    /* mkdir -p semantics. */
    snprintf(sub, sizeof sub, "%s/x/y/z", tmp);
    setenv("XDG_CACHE_HOME", sub, 1);
    CHECK_EQ_INT(zb_cache_dir(NULL, out, sizeof out), ZB_OK);
    snprintf(want, sizeof want, "%s/zoobench", sub);
    CHECK_STR(out, want);
    CHECK(exists(want));
    CHECK(dir_is_empty(want)); /* the write probe cleaned up */
    CHECK_EQ_INT(zb_cache_dir(NULL, out, sizeof out), ZB_OK);

    /* Not writable: the cache's parent is a regular file (we run as root, so
     * permission bits would not stop us). */
    setenv("XDG_CACHE_HOME", file, 1);
    CHECK_EQ_INT(zb_cache_dir(NULL, out, sizeof out), ZB_ERR_IO);
    snprintf(want, sizeof want, "%s/zoobench: cannot create cache directory (%s exists and is not a directory)",
             file, file);
    CHECK_STR(zb_last_error(), want);
    snprintf(sub, sizeof sub, "%s/deeper/cache", file);
    CHECK_EQ_INT(zb_cache_dir(sub, out, sizeof out), ZB_ERR_IO);
    CHECK(strstr(zb_last_error(), "not a directory") != NULL);
    /* The cache path itself is a regular file. */
    CHECK_EQ_INT(zb_cache_dir(file, out, sizeof out), ZB_ERR_IO);
    CHECK(strstr(zb_last_error(), "not a directory") != NULL);
    /* A download whose directory cannot be created. */
    char dest[700];
    snprintf(dest, sizeof dest, "%s/big.bin", sub);
    CHECK_EQ_INT(zb_download("http://127.0.0.1:9/big.bin", dest, NULL, NULL), ZB_ERR_IO);
    unsetenv("XDG_CACHE_HOME");
}

/* ---- the published predictions ------------------------------------------ */

static void test_published(void)
{
    const char *shared = getenv("ZB_SHARED");
    char seed[512], sums[600];
    char rel[512], *abs;
    snprintf(rel, sizeof rel, "%s/seed-results", shared ? shared : "../shared");
    if (!(abs = realpath(rel, NULL))) {
        fprintf(stderr, "skipped test_published: %s is absent\n", rel);
        return;
    }
    snprintf(seed, sizeof seed, "%s", abs);
    free(abs);
    snprintf(sums, sizeof sums, "%s/SHA256SUMS", seed);
    if (!exists(sums)) {
        fprintf(stderr, "skipped test_published: %s is absent\n", sums);
        return;
    }
    clear_log();
    const char *const none[] = {NULL};
    server s = start_server_in(seed, none);
    char base[128], cache[512], kd[1024], pd[1024];
    snprintf(base, sizeof base, "http://127.0.0.1:%d/", s.port); /* a trailing slash is fine */
    snprintf(cache, sizeof cache, "%s/pubcache", tmp);
    zb_fetch_opts o = {.base_url = base, .cache_dir = cache};
    CHECK_EQ_INT(zb_published_fetch(&o, kd, pd, sizeof kd), ZB_OK);
    CHECK_EQ_INT(log_count("GET "), 68);
    CHECK_EQ_INT(log_count("status=200"), 68);

    /* Every imagenet line of SHA256SUMS is in the cache with that hash: run
     * sha256sum -c over the two directories the fetch returned. */
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd %s/.. && grep -E ' (keras|pytorch)_imagenet/' %s > %s/sums && "
             "test $(wc -l < %s/sums) -eq 68 && test \"$(basename %s)\" = keras_imagenet && "
             "test \"$(basename %s)\" = pytorch_imagenet && test \"$(dirname %s)\" = \"$(dirname %s)\" && "
             "/usr/bin/sha256sum --quiet -c %s/sums",
             kd, sums, tmp, tmp, kd, pd, kd, pd, tmp);
    CHECK_EQ_INT(system(cmd), 0);
    CHECK_EQ_INT(strncmp(kd, cache, strlen(cache)), 0);

    /* A second run uses the cache (no requests); a damaged file is re-fetched. */
    clear_log();
    char victim[1200];
    snprintf(victim, sizeof victim, "%s/resnet50_keras_imagenet_top5probs.npy", kd);
    FILE *f = fopen(victim, "r+b");
    fseek(f, 200, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    setenv("ZOOBENCH_BASE_URL", base, 1); /* the environment variable works too */
    zb_fetch_opts env = {.cache_dir = cache};
    CHECK_EQ_INT(zb_published_fetch(&env, kd, pd, sizeof kd), ZB_OK);
    CHECK_EQ_INT(log_count("GET "), 1);
    CHECK_EQ_INT(log_count("GET /keras_imagenet/resnet50_keras_imagenet_top5probs.npy range=- status=200"), 1);
    unsetenv("ZOOBENCH_BASE_URL");
    stop_server(s);

    /* A server serving a corrupted copy: the error names the file, it is never kept. */
    const char *const bad[] = {"--corrupt", "/pytorch_imagenet/vgg16_pytorch_imagenet_top5preds.npy", NULL};
    s = start_server_in(seed, bad);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", s.port);
    snprintf(victim, sizeof victim, "%s/vgg16_pytorch_imagenet_top5preds.npy", pd);
    CHECK(unlink(victim) == 0);
    CHECK_EQ_INT(zb_published_fetch(&o, kd, pd, sizeof kd), ZB_ERR_VERIFY);
    CHECK(strstr(zb_last_error(), "vgg16_pytorch_imagenet_top5preds.npy: SHA-256 mismatch: expected "
                                  "85b3d5d5d9e9dd79fbf03add821d4352808b6ad01cd941bf04cb9d7eb84c9ff2, got ") != NULL);
    CHECK(!exists(victim));
    stop_server(s);

    /* Nothing listening: a clear error and nothing left for the missing file. */
    snprintf(base, sizeof base, "http://127.0.0.1:%d", s.port);
    CHECK_EQ_INT(zb_published_fetch(&o, kd, pd, sizeof kd), ZB_ERR_NET);
    CHECK(strstr(zb_last_error(), "vgg16_pytorch_imagenet_top5preds.npy: cannot download") != NULL);
    char part[1300];
    snprintf(part, sizeof part, "%s.part", victim);
    CHECK(!exists(victim) && !exists(part));

    /* A cache that cannot be created. */
    char file[512], under[600];
    snprintf(file, sizeof file, "%s/plainfile2", tmp);
    CHECK(write_file(file, "x", 1));
    snprintf(under, sizeof under, "%s/cache", file);
    zb_fetch_opts nocache = {.base_url = base, .cache_dir = under};
    CHECK_EQ_INT(zb_published_fetch(&nocache, kd, pd, sizeof kd), ZB_ERR_IO);
    CHECK(strstr(zb_last_error(), "cannot create cache directory") != NULL);

    zb_fetch_opts badurl = {.base_url = "ftp://example.org", .cache_dir = cache};
    CHECK_EQ_INT(zb_published_fetch(&badurl, kd, pd, sizeof kd), ZB_ERR_ARG);
}

int main(void)
{
    if (access(HTTPD, R_OK) != 0 || access("/usr/bin/python3", X_OK) != 0) {
        fprintf(stderr, "skipped: run from the repository root with /usr/bin/python3 present\n");
        return 77;
    }
    setenv("no_proxy", "127.0.0.1", 1);
    setenv("NO_PROXY", "127.0.0.1", 1);
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(root, sizeof root, "%s/root", tmp);
    snprintf(logpath, sizeof logpath, "%s/httpd.log", tmp);
    char d[600], path[700];
    snprintf(d, sizeof d, "%s/d", root);
    mkdir(root, 0755);
    mkdir(d, 0755);

    /* Test files: fixed-seed bytes; their hashes from sha256sum / hashlib. */
    big = malloc(BIG_LEN);
    uint64_t x = 42;
    for (size_t i = 0; i < BIG_LEN; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        big[i] = (uint8_t)(x >> 56);
    }
    snprintf(path, sizeof path, "%s/big.bin", d);
    CHECK(write_file(path, big, BIG_LEN));
    snprintf(path, sizeof path, "%s/small.txt", d);
    CHECK(write_file(path, "hello, world\n", 13));
    char cmd[1500];
    snprintf(cmd, sizeof cmd, "/usr/bin/sha256sum %s/big.bin", d);
    CHECK(oracle_hash(cmd, big_sha));
    snprintf(cmd, sizeof cmd, "/usr/bin/sha256sum %s/small.txt", d);
    CHECK(oracle_hash(cmd, small_sha));
    /* httpd.py --corrupt flips the middle byte; hash that independently. */
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import hashlib,sys; b=bytearray(open(sys.argv[1],\"rb\").read()); "
             "b[len(b)//2]^=0xFF; print(hashlib.sha256(b).hexdigest())' %s/big.bin", d);
    CHECK(oracle_hash(cmd, big_corrupt_sha));

    TIMED(test_good_fetch_and_cache);
    TIMED(test_redirect_and_progress);
    TIMED(test_corrupt_server_file_rejected);
    TIMED(test_interrupted_transfer_resumes);
    TIMED(test_resume_edge_cases);
    TIMED(test_http_errors);
    TIMED(test_stall_times_out);
    TIMED(test_server_down);
    TIMED(test_verify_callback_and_args);
    TIMED(test_cache_dir);
    TIMED(test_published);

    free(big);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return test_report();
}
