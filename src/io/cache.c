#include "io/cache.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/status.h"

zb_status zb_cache_path(const char *override, char *out, size_t cap)
{
    int n;
    if (override && *override) {
        n = snprintf(out, cap, "%s", override);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME");
        if (xdg && xdg[0] == '/') {
            n = snprintf(out, cap, "%s/zoobench", xdg);
        } else {
            const char *home = getenv("HOME");
            if (!home || !*home) {
                struct passwd *pw = getpwuid(getuid());
                home = pw ? pw->pw_dir : NULL;
            }
            if (!home || !*home)
                return zb_error(ZB_ERR_ARG, "cache directory: neither XDG_CACHE_HOME nor HOME is set "
                                            "(use --cache-dir)");
            n = snprintf(out, cap, "%s/.cache/zoobench", home);
        }
    }
    if (n < 0 || (size_t)n >= cap)
        return zb_error(ZB_ERR_ARG, "cache directory: path too long");
    /* Trailing slashes would double up when file names are appended. */
    while (n > 1 && out[n - 1] == '/')
        out[--n] = '\0';
    return ZB_OK;
}

static zb_status mkdir_p(const char *dir, const char *what)
{
    char path[4096];
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path)
        return zb_error(ZB_ERR_ARG, "%s: directory path is empty or too long", dir);
    memcpy(path, dir, len + 1);
    /* Create each prefix in turn: "/a", "/a/b", ... then the whole path. */
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        if (path[i - 1] == '/')
            continue;
        char saved = path[i];
        path[i] = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            if (!strcmp(path, dir))
                return zb_error(ZB_ERR_IO, "%s: cannot create %s: %s", dir, what, strerror(e));
            return zb_error(ZB_ERR_IO, "%s: cannot create %s (%s: %s)", dir, what, path, strerror(e));
        }
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return zb_error(ZB_ERR_IO, "%s: cannot create %s (%s exists and is not a directory)",
                            dir, what, path);
        path[i] = saved;
    }
    return ZB_OK;
}

zb_status zb_mkdir_p(const char *dir) { return mkdir_p(dir, "directory"); }

/* 0 if a file can be created in dir, else the errno of the failure. */
static int probe_write(const char *dir)
{
    char probe[4096];
    int n = snprintf(probe, sizeof probe, "%s/.zoobench-write-test-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof probe)
        return ENAMETOOLONG;
    int fd = mkstemp(probe);
    if (fd < 0)
        return errno;
    close(fd);
    unlink(probe);
    return 0;
}

zb_status zb_dir_writable(const char *dir)
{
    int e = probe_write(dir);
    return e ? zb_error(ZB_ERR_IO, "%s: directory is not writable: %s", dir, strerror(e)) : ZB_OK;
}

zb_status zb_cache_dir(const char *override, char *out, size_t cap)
{
    zb_status st = zb_cache_path(override, out, cap);
    if (st != ZB_OK)
        return st;
    st = mkdir_p(out, "cache directory");
    if (st != ZB_OK)
        return st;
    int e = probe_write(out);
    return e ? zb_error(ZB_ERR_IO, "%s: cache directory is not writable: %s", out, strerror(e)) : ZB_OK;
}
