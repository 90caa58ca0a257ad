/* src/predict + src/data: shard ranges,
 * list-file parsing, and (when tests/integration/predict.sh passes weights)
 * that a model's memory is returned before the next model runs. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/dataset.h"
#include "harness.h"
#include "predict/predict.h"

static void test_ranges(void)
{
    /* shards tile [0, n) without gaps or overlaps */
    for (int64_t n = 0; n < 40; n += 7)
        for (int s = 1; s <= 5; s++) {
            int64_t prev = 0;
            for (int k = 0; k < s; k++) {
                int64_t lo, hi;
                zb_predict_range(n, k, s, &lo, &hi);
                CHECK_EQ_INT(lo, prev);
                CHECK(hi >= lo);
                prev = hi;
            }
            CHECK_EQ_INT(prev, n);
        }
}

static void test_list(void)
{
    char dir[] = "/tmp/zbtest-list-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/val.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("a/x.JPEG 65\n\nb y.jpg, 3\r\n/abs/z.png\t0\n", f);
    fclose(f);
    zb_dataset *d = NULL;
    CHECK(zb_dataset_open(path, NULL, &d) == ZB_OK);
    if (d) {
        CHECK_EQ_INT(d->n, 3);
        char want[300];
        snprintf(want, sizeof want, "%s/a/x.JPEG", dir);
        CHECK_STR(d->name[0], want);
        snprintf(want, sizeof want, "%s/b y.jpg", dir);
        CHECK_STR(d->name[1], want);
        CHECK_STR(d->name[2], "/abs/z.png");
        CHECK_EQ_INT(d->label[0], 65);
        CHECK_EQ_INT(d->label[1], 3);
        CHECK_EQ_INT(d->label[2], 0);
    }
    zb_dataset_free(d);
    f = fopen(path, "w");
    fputs("a/x.JPEG sixty\n", f);
    fclose(f);
    CHECK(zb_dataset_open(path, NULL, &d) == ZB_ERR_FORMAT);
    CHECK(strstr(zb_last_error(), "val.txt: line 1:") != NULL);
    unlink(path);
    rmdir(dir);
}

static size_t in_use(void) { return mallinfo2().uordblks; }

/* Runs model A, B, then A again over the same images: the bytes in use after
 * each equal those after the first (the nets, up to tens of MB, are freed). */
static void test_memory(void)
{
    const char *wa = getenv("ZB_TEST_WEIGHTS_A"), *wb = getenv("ZB_TEST_WEIGHTS_B"), *val = getenv("ZB_TEST_VAL");
    if (!wa || !wb || !val) {
        printf("test_memory: skipped (tests/integration/predict.sh runs it)\n");
        return;
    }
    zb_dataset *d = NULL;
    CHECK(zb_dataset_open(val, NULL, &d) == ZB_OK);
    if (!d)
        return;
    int64_t items[3] = {0, 1, 2};
    zb_pred_row rows[3];
    char *errs[3] = {0};
    zb_predict_opts a = {.model = "torchvision/squeezenet1_1", .weights = wa, .size = 64, .batch = 2};
    zb_predict_opts b = {.model = "torchvision/resnet18", .weights = wb, .size = 64, .batch = 2};
    CHECK(zb_predict_rows(d, &a, items, 3, rows, NULL, errs) == ZB_OK);
    size_t base = in_use();
    int64_t first[3][5];
    for (int i = 0; i < 3; i++)
        memcpy(first[i], rows[i].top, sizeof first[i]);
    CHECK(zb_predict_rows(d, &b, items, 3, rows, NULL, errs) == ZB_OK);
    size_t after_b = in_use();
    CHECK(zb_predict_rows(d, &a, items, 3, rows, NULL, errs) == ZB_OK);
    size_t after_a = in_use();
    for (int i = 0; i < 3; i++)
        CHECK(!memcmp(first[i], rows[i].top, sizeof first[i]));
    long long db = (long long)after_b - (long long)base, da = (long long)after_a - (long long)base;
    printf("test_memory: in use %zu, after resnet18 %+lld, after squeezenet again %+lld bytes\n", base, db, da);
    CHECK(db < 65536 && db > -65536);
    CHECK(da < 65536 && da > -65536);
    for (int i = 0; i < 3; i++)
        free(errs[i]);
    zb_dataset_free(d);
}

int main(void)
{
    RUN(test_ranges);
    RUN(test_list);
    RUN(test_memory);
    return test_report();
}
