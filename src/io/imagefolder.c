/* torchvision/datasets/folder.py (0.14): find_classes + make_dataset.
 *
 *     classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
 *     for target_class in sorted(class_to_idx.keys()):
 *         for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
 *             for fname in sorted(fnames):
 *                 if has_file_allowed_extension(path, IMG_EXTENSIONS): ...
 *
 * Python sorts str by code point, which for UTF-8 names is strcmp order. */
#include "io/imagefolder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/status.h"

#define MAX_DEPTH 64 /* os.walk would follow a symlink loop until paths fail */

static const char *const img_extensions[] = {".jpg", ".jpeg", ".png", ".ppm", ".bmp",
                                             ".pgm", ".tif",  ".tiff", ".webp"};

int zb_imagefolder_is_image(const char *name)
{
    size_t n = strlen(name);
    for (size_t e = 0; e < sizeof img_extensions / sizeof img_extensions[0]; e++) {
        size_t k = strlen(img_extensions[e]);
        if (n < k)
            continue;
        size_t i = 0;
        for (; i < k; i++) {
            char c = name[n - k + i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != img_extensions[e][i])
                break;
        }
        if (i == k)
            return 1;
    }
    return 0;
}

/* A growable list of strings. */
typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static int strlist_push(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int is_dir_follow(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (p) {
        memcpy(p, a, la);
        p[la] = '/';
        memcpy(p + la + 1, b, lb + 1);
    }
    return p;
}

/* Entries of `dir` split like os.walk: subdirectories (symlinks followed) and the rest. */
static zb_status list_dir(const char *dir, strlist *dirs, strlist *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return zb_error(ZB_ERR_IO, "%s: cannot read directory: %s", dir, strerror(errno));
    struct dirent *e;
    zb_status st = ZB_OK;
    while (st == ZB_OK && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = join(dir, e->d_name);
        if (!p || strlist_push(is_dir_follow(p) ? dirs : files, e->d_name))
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", dir);
        free(p);
    }
    closedir(d);
    return st;
}

/* Every directory under `top` (itself included), as paths relative to the class root. */
static zb_status walk(const char *root, const char *rel, int depth, strlist *out)
{
    if (depth > MAX_DEPTH)
        return zb_error(ZB_ERR_LIMIT, "%s/%s: directories nest deeper than %d (a symlink loop?)", root, rel, MAX_DEPTH);
    if (strlist_push(out, rel))
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", root);
    char *path = *rel ? join(root, rel) : strdup(root);
    strlist dirs = {0}, files = {0};
    zb_status st = path ? list_dir(path, &dirs, &files) : zb_error(ZB_ERR_NOMEM, "%s: out of memory", root);
    for (size_t i = 0; st == ZB_OK && i < dirs.n; i++) {
        char *sub = *rel ? join(rel, dirs.v[i]) : strdup(dirs.v[i]);
        st = sub ? walk(root, sub, depth + 1, out) : zb_error(ZB_ERR_NOMEM, "%s: out of memory", root);
        free(sub);
    }
    free(path);
    strlist_free(&dirs);
    strlist_free(&files);
    return st;
}

/* Sort key of os.walk's roots: os.path.join(target_dir, rel), compared as a
 * whole; the shared prefix makes "target" + ("/" + rel) the comparison. */
static int cmp_root(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    if (!*x || !*y) /* the class root itself is a prefix of every other root */
        return (*x != 0) - (*y != 0);
    return strcmp(x, y);
}

zb_status zb_imagefolder_labels(const char *root, int64_t **labels, int64_t *n, int *nclasses)
{
    return zb_imagefolder_scan(root, labels, NULL, n, nclasses);
}

zb_status zb_imagefolder_scan(const char *root, int64_t **labels, char ***paths, int64_t *n, int *nclasses)
{
    *labels = NULL;
    *n = 0;
    if (paths)
        *paths = NULL;
    strlist pl = {0};
    strlist classes = {0}, other = {0};
    int64_t *lab = NULL, count = 0, cap = 0;
    zb_status st = list_dir(root, &classes, &other);
    strlist_free(&other);
    if (st == ZB_OK && classes.n == 0)
        st = zb_error(ZB_ERR_FORMAT, "%s: no class folders found (expected ImageFolder layout DIR/CLASS/IMAGE)", root);
    if (st == ZB_OK)
        qsort(classes.v, classes.n, sizeof *classes.v, cmp_str);
    for (size_t c = 0; st == ZB_OK && c < classes.n; c++) {
        char *cdir = join(root, classes.v[c]);
        strlist roots = {0};
        int64_t before = count;
        st = cdir ? walk(cdir, "", 0, &roots) : zb_error(ZB_ERR_NOMEM, "%s: out of memory", root);
        if (st == ZB_OK)
            qsort(roots.v, roots.n, sizeof *roots.v, cmp_root);
        for (size_t r = 0; st == ZB_OK && r < roots.n; r++) {
            char *dir = *roots.v[r] ? join(cdir, roots.v[r]) : strdup(cdir);
            strlist dirs = {0}, files = {0};
            st = dir ? list_dir(dir, &dirs, &files) : zb_error(ZB_ERR_NOMEM, "%s: out of memory", root);
            if (st == ZB_OK)
                qsort(files.v, files.n, sizeof *files.v, cmp_str);
            for (size_t f = 0; st == ZB_OK && f < files.n; f++) {
                if (!zb_imagefolder_is_image(files.v[f]))
                    continue;
                if (count == cap) {
                    int64_t ncap = cap ? cap * 2 : 4096;
                    int64_t *nl = realloc(lab, (size_t)ncap * sizeof *nl);
                    if (!nl) {
                        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", root);
                        break;
                    }
                    lab = nl;
                    cap = ncap;
                }
                if (paths) {
                    char *rel = *roots.v[r] ? join(roots.v[r], files.v[f]) : strdup(files.v[f]);
                    char *full = rel ? join(cdir, rel) : NULL;
                    free(rel);
                    int bad = !full || strlist_push(&pl, full);
                    free(full);
                    if (bad) {
                        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", root);
                        break;
                    }
                }
                lab[count++] = (int64_t)c;
            }
            free(dir);
            strlist_free(&dirs);
            strlist_free(&files);
        }
        if (st == ZB_OK && count == before)
            st = zb_error(ZB_ERR_FORMAT, "%s: found no valid file for the class %s (extensions: .jpg .jpeg .png .ppm .bmp .pgm .tif .tiff .webp)",
                          root, classes.v[c]);
        free(cdir);
        strlist_free(&roots);
    }
    if (st == ZB_OK && nclasses)
        *nclasses = (int)classes.n;
    strlist_free(&classes);
    if (st != ZB_OK) {
        free(lab);
        strlist_free(&pl);
        return st;
    }
    if (paths)
        *paths = pl.v; /* pl.n == count */
    *labels = lab;
    *n = count;
    return ZB_OK;
}
