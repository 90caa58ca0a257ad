#include "core/wmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

zb_wmap *zb_wmap_new(void) { return calloc(1, sizeof(zb_wmap)); }

void zb_wmap_free(zb_wmap *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n; i++) {
        free(m->items[i].name);
        free(m->items[i].data);
    }
    free(m->items);
    free(m);
}

zb_weight *zb_wmap_find(const zb_wmap *m, const char *name)
{
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->items[i].name, name) == 0)
            return &m->items[i];
    return NULL;
}

zb_status zb_wmap_add(zb_wmap *m, const char *name, int ndim, const int64_t *shape, float *data)
{
    if (ndim < 0 || ndim > ZB_WMAP_MAXDIM) {
        free(data);
        return zb_error(ZB_ERR_LIMIT, "%s: %d dimensions, at most %d supported", name, ndim, ZB_WMAP_MAXDIM);
    }
    if (zb_wmap_find(m, name)) {
        free(data);
        return zb_error(ZB_ERR_FORMAT, "%s: duplicate weight key", name);
    }
    if (m->n == m->cap) {
        int cap = m->cap ? m->cap * 2 : 64;
        zb_weight *it = realloc(m->items, (size_t)cap * sizeof *it);
        if (!it) {
            free(data);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
        }
        m->items = it;
        m->cap = cap;
    }
    zb_weight *w = &m->items[m->n];
    memset(w, 0, sizeof *w);
    w->name = strdup(name);
    if (!w->name) {
        free(data);
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    }
    w->ndim = ndim;
    w->count = 1;
    for (int i = 0; i < ndim; i++) {
        w->shape[i] = shape[i];
        w->count *= shape[i];
    }
    w->data = data;
    m->n++;
    return ZB_OK;
}
