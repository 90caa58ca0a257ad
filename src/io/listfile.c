/* Dataset list files ("path label" or "path, label" per line). */
#include "io/listfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/status.h"
#include "io/readfile.h"

#define LINE_MAX_LEN 8192
#define MAX_ENTRIES 10000000
#define MAX_FILE_BYTES ((size_t)1 << 30) /* a list of 10^7 ImageNet-style lines is ~0.5 GiB */

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* base + "/" + rel, malloc'd; base may be "" (current directory). */
static char *join(const char *base, const char *rel)
{
    size_t nb = strlen(base), nr = strlen(rel);
    char *s = malloc(nb + nr + 2);
    if (!s)
        return NULL;
    memcpy(s, base, nb);
    size_t o = nb;
    if (nb && base[nb - 1] != '/')
        s[o++] = '/';
    memcpy(s + o, rel, nr + 1);
    return s;
}

static char *resolve(const char *base, const char *path, int fallback)
{
    if (path[0] == '/' || !*base)
        return strdup(path);
    char *p = join(base, path);
    if (p && fallback && !exists(p)) {
        const char *slash = strrchr(path, '/');
        if (slash) {
            char *q = join(base, slash + 1);
            if (q && exists(q)) {
                free(p);
                return q;
            }
            free(q);
        }
    }
    return p;
}

int zb_listfile_sniff(const char *path)
{
    unsigned char b[6];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    return !(n == 6 && !memcmp(b, "\x93NUMPY", 6));
}

void zb_listfile_free(zb_listfile *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->n; i++)
        free(l->path[i]);
    free(l->path);
    free(l->label);
    free(l);
}

/* Splits a line into path and label; 0 when malformed. */
static int parse_line(char *s, char **path, long long *label)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    char *sep = strrchr(s, ',');
    if (!sep) { /* last whitespace run */
        sep = s + n;
        while (sep > s && !isspace((unsigned char)sep[-1]))
            sep--;
        if (sep == s)
            return 0;
        sep--;
    }
    char *lab = sep + 1;
    while (isspace((unsigned char)*lab))
        lab++;
    char *end = sep;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    *end = 0;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s || !*lab || !isdigit((unsigned char)*lab))
        return 0;
    errno = 0;
    char *e;
    long long v = strtoll(lab, &e, 10);
    if (*e || errno || v > INT32_MAX)
        return 0;
    *path = s;
    *label = v;
    return 1;
}

/* The directory list paths are relative to: root, else the list's own directory. */
static void base_dir(const char *list, const char *root, char *base, size_t cap)
{
    if (root) {
        snprintf(base, cap, "%s", root);
        return;
    }
    const char *slash = strrchr(list, '/');
    size_t n = slash ? (size_t)(slash - list) : 0;
    if (n >= cap)
        n = 0;
    memcpy(base, list, n);
    base[n] = 0;
    if (slash && n == 0)
        snprintf(base, cap, "/");
}

zb_status zb_listfile_parse(const char *list, const char *text, size_t len, const char *root, zb_listfile **out)
{
    *out = NULL;
    char base[4096];
    base_dir(list, root, base, sizeof base);
    zb_listfile *l = calloc(1, sizeof *l);
    char *line = malloc(LINE_MAX_LEN);
    zb_status st = l && line ? ZB_OK : zb_error(ZB_ERR_NOMEM, "%s: out of memory", list);
    if (l && *base)
        l->prefix = strlen(base) + (base[strlen(base) - 1] != '/');
    int cap = 0;
    size_t pos = 0;
    for (long lineno = 1; st == ZB_OK && pos < len; lineno++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (n > LINE_MAX_LEN - 2) {
            st = zb_error(ZB_ERR_LIMIT, "%s: line %ld is longer than %d bytes", list, lineno, LINE_MAX_LEN - 2);
            break;
        }
        if (memchr(text + pos, 0, n)) {
            st = zb_error(ZB_ERR_FORMAT, "%s: line %ld holds a NUL byte", list, lineno);
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = 0;
        pos += n + (nl != NULL);
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s || *s == '#')
            continue;
        char *path;
        long long label;
        if (!parse_line(s, &path, &label)) {
            st = zb_error(ZB_ERR_FORMAT, "%s: line %ld: expected 'path label' or 'path, label'", list, lineno);
            break;
        }
        if (l->n == cap) {
            if (cap >= MAX_ENTRIES) {
                st = zb_error(ZB_ERR_LIMIT, "%s: more than %d entries", list, MAX_ENTRIES);
                break;
            }
            int nc = cap ? cap * 2 : 1024;
            char **p = realloc(l->path, (size_t)nc * sizeof *p);
            if (p)
                l->path = p;
            int64_t *lb = p ? realloc(l->label, (size_t)nc * sizeof *lb) : NULL;
            if (lb)
                l->label = lb;
            if (!p || !lb) {
                st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", list);
                break;
            }
            cap = nc;
        }
        if (!(l->path[l->n] = resolve(base, path, root != NULL))) {
            st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", list);
            break;
        }
        l->label[l->n++] = label;
    }
    if (st == ZB_OK && l->n == 0)
        st = zb_error(ZB_ERR_FORMAT, "%s: no entries", list);
    free(line);
    if (st != ZB_OK) {
        zb_listfile_free(l);
        return st;
    }
    *out = l;
    return ZB_OK;
}

zb_status zb_listfile_load(const char *list, const char *root, zb_listfile **out)
{
    *out = NULL;
    char *buf;
    size_t n;
    zb_status st = zb_read_file(list, MAX_FILE_BYTES, &buf, &n);
    if (st != ZB_OK)
        return st;
    st = zb_listfile_parse(list, buf, n, root, out);
    free(buf);
    return st;
}
