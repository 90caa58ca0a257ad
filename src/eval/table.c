/* The seed's accuracy table (imagenet_benchmarking.py / cifar10_benchmarking.py main):
 *
 *   custom labels  mask (-i/-j)   Acc@k scored on           cAcc@k scored on
 *   no             no             all images                -
 *   no             yes            all images                masked images
 *   yes            yes            masked images             masked images, custom labels
 *   yes            no             all images                all images, custom labels
 *
 * The last row is the seed's docstring.  Its main() instead passes the custom
 * labels positionally as compute_val_acc's indices_to_ignore, so cAcc@k is scored
 * on the original labels of the images whose index is not a -l value; the
 * caller reproduces that with custom_as_omit (the -l values as the mask).
 *
 * Then, for each accuracy column in order (Acc@1, cAcc@1, Acc@5, cAcc@5),
 *     df.sort_values(by=col, ascending=False, inplace=True)
 *     df[col.replace('Acc', 'Rank')] = np.arange(len(df)) + 1
 * each sort starting from the previous one's order, and a final sort by Acc@1
 * (cAcc@1 when custom labels are given and the caller asks for it). */
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "eval/eval.h"

void zb_table_free(zb_table *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->nrows; i++)
        free(t->rows[i].correct);
    free(t->rows);
    free(t);
}

/* Reorders rows by order[] (order[j] = row placed j-th). */
static zb_status permute(zb_table_row *rows, const int64_t *order, int n)
{
    zb_table_row *tmp = malloc((size_t)(n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return zb_error(ZB_ERR_NOMEM, "table: out of memory");
    for (int j = 0; j < n; j++)
        tmp[j] = rows[order[j]];
    memcpy(rows, tmp, (size_t)n * sizeof *tmp);
    free(tmp);
    return ZB_OK;
}

/* The seed's sort_values(by=column, ascending=False) on the current order. */
static zb_status sort_by(zb_table *t, int col)
{
    double *v = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *v);
    int64_t *order = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *order);
    zb_status st = v && order ? ZB_OK : zb_error(ZB_ERR_NOMEM, "table: out of memory");
    if (st == ZB_OK) {
        for (int j = 0; j < t->nrows; j++)
            v[j] = t->rows[j].acc[col];
        st = zb_sort_desc_pandas(v, order, t->nrows);
    }
    if (st == ZB_OK)
        st = permute(t->rows, order, t->nrows);
    free(v);
    free(order);
    return st;
}

zb_status zb_table_build(zb_result *const *res, int nres, const zb_table_opts *o, zb_table **out)
{
    *out = NULL;
    if (nres < 1)
        return zb_error(ZB_ERR_ARG, "table: no models to score");
    int has_mask = o->mask != NULL, has_custom = o->custom != NULL;
    int64_t kept = o->n;
    if (has_mask) {
        kept = 0;
        for (int64_t i = 0; i < o->n; i++)
            kept += o->mask[i] != 0;
    }
    if (kept == 0)
        return zb_error(ZB_ERR_ARG, "table: the mask leaves no image to score");
    if (has_custom && o->n_custom != kept)
        return zb_error(ZB_ERR_SHAPE, "custom labels: %lld labels for %lld %simages", (long long)o->n_custom,
                        (long long)kept, has_mask ? "kept " : "");
    for (int r = 0; r < nres; r++)
        if (res[r]->n != o->n)
            return zb_error(ZB_ERR_SHAPE, "%s (%s): %lld predictions for %lld labels", res[r]->model,
                            res[r]->platform, (long long)res[r]->n, (long long)o->n);

    zb_table *t = calloc(1, sizeof *t);
    int64_t *masked_labels = NULL;
    zb_status st = ZB_OK;
    if (!t || !(t->rows = calloc((size_t)nres, sizeof *t->rows))) {
        free(t);
        return zb_error(ZB_ERR_NOMEM, "table: out of memory");
    }
    t->nrows = nres;
    if (has_mask || has_custom) {
        static const char *c4[] = {"Acc@1", "cAcc@1", "Acc@5", "cAcc@5"};
        static const char *r4[] = {"Rank@1", "cRank@1", "Rank@5", "cRank@5"};
        t->ncols = 4;
        memcpy(t->cols, c4, sizeof c4);
        memcpy(t->rank_cols, r4, sizeof r4);
    } else {
        static const char *c2[] = {"Acc@1", "Acc@5"};
        static const char *r2[] = {"Rank@1", "Rank@5"};
        t->ncols = 2;
        memcpy(t->cols, c2, sizeof c2);
        memcpy(t->rank_cols, r2, sizeof r2);
    }
    t->sort_col = (has_custom || o->custom_as_omit) && o->sort_by_custom ? 1 : 0;
    t->m = t->sort_col == 1 || (has_custom && has_mask) ? kept : o->n;

    if (has_mask) { /* labels[bool_mask] */
        masked_labels = malloc((size_t)kept * sizeof *masked_labels);
        if (!masked_labels) {
            st = zb_error(ZB_ERR_NOMEM, "table: out of memory");
            goto done;
        }
        for (int64_t i = 0, j = 0; i < o->n; i++)
            if (o->mask[i])
                masked_labels[j++] = o->labels[i];
    }
    /* The two scorings of the table above: (mask, truth) for Acc and cAcc. */
    const uint8_t *mask_a = has_custom && has_mask ? o->mask : NULL;
    const int64_t *truth_a = has_custom && has_mask ? masked_labels : o->labels;
    const uint8_t *mask_c = o->mask;
    const int64_t *truth_c = has_custom ? o->custom : masked_labels;

    for (int r = 0; r < nres; r++) {
        zb_table_row *row = &t->rows[r];
        row->r = res[r];
        if (!(row->correct = malloc((size_t)t->m))) {
            st = zb_error(ZB_ERR_NOMEM, "table: out of memory");
            goto done;
        }
        int64_t h1, h5, n;
        zb_result_score(res[r], mask_a, truth_a, &h1, &h5, &n, t->sort_col == 0 ? row->correct : NULL);
        int i5 = t->ncols == 4 ? 2 : 1;
        row->hits[0] = h1;
        row->hits[i5] = h5;
        row->n[0] = row->n[i5] = n;
        if (t->ncols == 4) {
            zb_result_score(res[r], mask_c, truth_c, &h1, &h5, &n, t->sort_col == 1 ? row->correct : NULL);
            row->hits[1] = h1;
            row->hits[3] = h5;
            row->n[1] = row->n[3] = n;
        }
        for (int c = 0; c < t->ncols; c++)
            row->acc[c] = (double)row->hits[c] / (double)row->n[c];
    }
    for (int c = 0; c < t->ncols && st == ZB_OK; c++) {
        st = sort_by(t, c);
        for (int j = 0; j < t->nrows; j++)
            t->rows[j].rank[c] = j + 1;
    }
    if (st == ZB_OK)
        st = sort_by(t, t->sort_col);
done:
    free(masked_labels);
    if (st != ZB_OK) {
        zb_table_free(t);
        return st;
    }
    *out = t;
    return ZB_OK;
}
