/* src/io/listfile.c and src/io/json.c: list styles, path resolution, JSON
 * values, escapes, limits and malformed input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "io/json.h"
#include "io/listfile.h"
#include "io/readfile.h"

static char dir[64];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

static void test_list_styles(void)
{
    char list[128], sub[128], img[160];
    snprintf(list, sizeof list, "%s/val.txt", dir);
    write_file(list, "# comment\nILSVRC2012_val_00000001.JPEG 65\r\n\n  b/x y.JPEG\t970  \n/abs/p.png 0\n");
    zb_listfile *l = NULL;
    CHECK(zb_listfile_load(list, NULL, &l) == ZB_OK);
    if (!l)
        return;
    CHECK_EQ_INT(l->n, 3);
    char want[160];
    snprintf(want, sizeof want, "%s/ILSVRC2012_val_00000001.JPEG", dir);
    CHECK_STR(l->path[0], want);
    snprintf(want, sizeof want, "%s/b/x y.JPEG", dir);
    CHECK_STR(l->path[1], want);
    CHECK_STR(l->path[2], "/abs/p.png");
    CHECK_EQ_INT(l->label[0], 65);
    CHECK_EQ_INT(l->label[1], 970);
    CHECK_EQ_INT(l->label[2], 0);
    zb_listfile_free(l);

    /* "path, label" with a root, and the basename fallback */
    snprintf(sub, sizeof sub, "%s/imgs", dir);
    mkdir(sub, 0755);
    snprintf(img, sizeof img, "%s/imgs/a.JPEG", dir);
    write_file(img, "x");
    write_file(list, "./data/a.JPEG, 472\n./data/b.JPEG,260\n");
    CHECK(zb_listfile_load(list, sub, &l) == ZB_OK);
    if (!l)
        return;
    CHECK_EQ_INT(l->n, 2);
    CHECK_STR(l->path[0], img);          /* imgs/./data/a.JPEG is absent, imgs/a.JPEG exists */
    snprintf(want, sizeof want, "%s/./data/b.JPEG", sub);
    CHECK_STR(l->path[1], want);         /* neither exists: the plain join */
    CHECK_EQ_INT(l->label[0], 472);
    CHECK_EQ_INT(l->label[1], 260);
    zb_listfile_free(l);
}

static void test_list_errors(void)
{
    char list[128];
    snprintf(list, sizeof list, "%s/bad.txt", dir);
    const char *bad[] = {"a.jpg\n", "a.jpg -3\n", "a.jpg x\n", "a.jpg 99999999999\n", ", 3\n", "", "# only\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(list, bad[i]);
        zb_listfile *l = (zb_listfile *)1;
        CHECK(zb_listfile_load(list, NULL, &l) != ZB_OK);
        CHECK(l == NULL);
    }
    zb_listfile *l;
    CHECK(zb_listfile_load("/nonexistent/list.txt", NULL, &l) == ZB_ERR_IO);
    zb_listfile_free(NULL);
}

/* zb_listfile_parse: the limits and the path prefix, from memory. */
static void test_list_mem(void)
{
    zb_listfile *l = NULL;
    const char ok[] = "a.jpg 1\r\nsub/b.jpg, 2"; /* CRLF, no final newline */
    CHECK(zb_listfile_parse("/data/val.txt", ok, sizeof ok - 1, NULL, &l) == ZB_OK);
    if (l) {
        CHECK_EQ_INT(l->n, 2);
        CHECK_STR(l->path[1], "/data/sub/b.jpg");
        CHECK_EQ_INT(l->label[1], 2);
        CHECK_EQ_INT((int)l->prefix, 6); /* "/data/" */
    }
    zb_listfile_free(l);
    CHECK(zb_listfile_parse("val.txt", ok, sizeof ok - 1, NULL, &l) == ZB_OK);
    if (l) {
        CHECK_STR(l->path[0], "a.jpg");
        CHECK_EQ_INT((int)l->prefix, 0);
    }
    zb_listfile_free(l);
    const char nul[] = "a.jpg 1\nb\0.jpg 2\n";
    CHECK(zb_listfile_parse("n.txt", nul, sizeof nul - 1, NULL, &l) == ZB_ERR_FORMAT);
    CHECK(strstr(zb_last_error(), "n.txt: line 2 holds a NUL byte") != NULL);
    /* lines of 8190 bytes pass, 8191 do not (without the newline) */
    static char text[8200];
    memset(text, 'a', sizeof text);
    memcpy(text + 8190 - 2, " 1", 2);
    CHECK(zb_listfile_parse("l.txt", text, 8190, NULL, &l) == ZB_OK);
    zb_listfile_free(l);
    text[8190] = '\n';
    CHECK(zb_listfile_parse("l.txt", text, 8191, NULL, &l) == ZB_OK);
    zb_listfile_free(l);
    memset(text, 'a', sizeof text);
    memcpy(text + 8191 - 2, " 1", 2);
    CHECK(zb_listfile_parse("l.txt", text, 8191, NULL, &l) == ZB_ERR_LIMIT);
    CHECK(l == NULL);
}

/* zb_read_file: exactly max bytes pass, one more is refused. */
static void test_read_file(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/r.bin", dir);
    write_file(path, "0123456789");
    char *buf = NULL;
    size_t n = 0;
    CHECK(zb_read_file(path, 10, &buf, &n) == ZB_OK);
    CHECK(n == 10 && buf && buf[10] == 0 && !memcmp(buf, "0123456789", 10));
    free(buf);
    CHECK(zb_read_file(path, 9, &buf, &n) == ZB_ERR_LIMIT);
    CHECK(buf == NULL);
    CHECK(zb_read_file("/dev/null", 9, &buf, &n) == ZB_OK); /* not a regular file: grows from empty */
    CHECK(n == 0);
    free(buf);
    CHECK(zb_read_file("/nonexistent/x", 9, &buf, &n) == ZB_ERR_IO);
}

static void test_json_values(void)
{
    const char *t = "{\"a\": [1, -2.5e-1, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"], \"b\": {}, \"c\": NaN}";
    zb_json *v = NULL;
    CHECK(zb_json_parse("t", t, strlen(t), &v) == ZB_OK);
    if (!v)
        return;
    const zb_json *a = zb_json_get(v, "a");
    CHECK(a && a->type == ZB_JSON_ARR && a->n == 6);
    long long i;
    CHECK(zb_json_int(zb_json_at(a, 0), 0, 10, &i) && i == 1);
    CHECK(zb_json_at(a, 1)->num == -0.25);
    CHECK(!zb_json_int(zb_json_at(a, 1), -10000, 10000, &i)); /* not an integer */
    CHECK(zb_json_at(a, 2)->type == ZB_JSON_BOOL && zb_json_at(a, 2)->num == 1);
    CHECK(zb_json_at(a, 4)->type == ZB_JSON_NULL);
    CHECK_STR(zb_json_str(zb_json_at(a, 5)), "x\xc3\xa9\xf0\x9f\x98\x80\n");
    CHECK(zb_json_at(a, 6) == NULL);
    CHECK(zb_json_get(v, "b")->type == ZB_JSON_OBJ && zb_json_get(v, "b")->n == 0);
    CHECK(zb_json_get(v, "zz") == NULL);
    zb_json_free(v);
}

static void test_json_errors(void)
{
    const char *bad[] = {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "\"\\x\"", "\"abc", "[1] 2",
                         "\"\\u0000\"", "\"\\ud800\"", "tru", "\"a\nb\"", "-", "{1: 2}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zb_json *v = (zb_json *)1;
        CHECK(zb_json_parse("t", bad[i], strlen(bad[i]), &v) == ZB_ERR_FORMAT);
        CHECK(v == NULL);
    }
    /* depth cap: 64 levels parse, 65 do not */
    char deep[256];
    for (int n = 64; n <= 65; n++) {
        memset(deep, '[', (size_t)n);
        memset(deep + n, ']', (size_t)n);
        zb_json *v = NULL;
        zb_status st = zb_json_parse("t", deep, (size_t)(2 * n), &v);
        CHECK(n == 64 ? st == ZB_OK : st == ZB_ERR_FORMAT);
        zb_json_free(v);
    }
    /* a length cut inside a value */
    zb_json *v = NULL;
    CHECK(zb_json_parse("t", "[123]", 3, &v) == ZB_ERR_FORMAT);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/zb_listfile_XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(test_list_styles);
    RUN(test_list_errors);
    RUN(test_list_mem);
    RUN(test_read_file);
    RUN(test_json_values);
    RUN(test_json_errors);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return test_report();
}
