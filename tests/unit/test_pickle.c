/* The restricted unpickler on hand-assembled opcode streams (io/pickle.h). */
#include <string.h>

#include "harness.h"
#include "io/pickle.h"
#include "io/pth.h"

static zb_status load(const char *bytes, size_t n, zb_pk_obj **out, zb_pickle **pk)
{
    *pk = zb_pickle_new("t");
    size_t used = 0;
    zb_status st = zb_pickle_load(*pk, (const uint8_t *)bytes, n, &used, NULL, NULL, out);
    if (st == ZB_OK)
        CHECK_EQ_INT(used, n);
    return st;
}

#define LOAD(lit, out, pk) load(lit, sizeof(lit) - 1, out, pk)

static void test_ints(void)
{
    zb_pickle *pk;
    zb_pk_obj *o;
    /* (BININT -2, LONG1 -1, LONG1 -32768, BININT2 65535, BININT1 255) */
    CHECK_EQ_INT(LOAD("\x80\x02(J\xfe\xff\xff\xff\x8a\x01\xff\x8a\x02\x00\x80M\xff\xffK\xfft.", &o, &pk), ZB_OK);
    CHECK(o && o->type == ZB_PK_TUPLE && o->u.seq.n == 5);
    if (o && o->type == ZB_PK_TUPLE && o->u.seq.n == 5) {
        CHECK_EQ_INT(o->u.seq.items[0]->u.i, -2);
        CHECK_EQ_INT(o->u.seq.items[1]->u.i, -1);
        CHECK_EQ_INT(o->u.seq.items[2]->u.i, -32768);
        CHECK_EQ_INT(o->u.seq.items[3]->u.i, 65535);
        CHECK_EQ_INT(o->u.seq.items[4]->u.i, 255);
    }
    zb_pickle_free(pk);
}

static void test_dict_semantics(void)
{
    zb_pickle *pk;
    zb_pk_obj *o;
    /* {1: 'a', True: 'b', 'k': None}: True == 1 keeps the first key, takes the last value */
    CHECK_EQ_INT(LOAD("\x80\x02}(K\x01X\x01\x00\x00\x00" "a\x88X\x01\x00\x00\x00" "bX\x01\x00\x00\x00kNu.", &o, &pk), ZB_OK);
    CHECK(o && o->type == ZB_PK_DICT && o->u.dict->n == 2);
    if (o && o->type == ZB_PK_DICT && o->u.dict->n == 2) {
        CHECK_EQ_INT(o->u.dict->keys[0]->type, ZB_PK_INT);
        CHECK(zb_pk_is_str(o->u.dict->vals[0], "b"));
        CHECK(zb_pk_dict_get(o->u.dict, "k") && zb_pk_dict_get(o->u.dict, "k")->type == ZB_PK_NONE);
        CHECK(!zb_pk_dict_get(o->u.dict, "a"));
    }
    zb_pickle_free(pk);
}

static void test_memo_shares(void)
{
    zb_pickle *pk;
    zb_pk_obj *o;
    /* l = []; memo[0] = l; (l, l) then append to l: both tuple items see it */
    CHECK_EQ_INT(LOAD("\x80\x02]q\x00h\x00\x86h\x00NaX\x00\x00\x00\x00\x86.", &o, &pk), ZB_OK);
    zb_pickle_free(pk);
    CHECK_EQ_INT(LOAD("\x80\x02]q\x00h\x00h\x00\x86.", &o, &pk), ZB_OK);
    CHECK(o && o->type == ZB_PK_TUPLE && o->u.seq.items[0] == o->u.seq.items[1]);
    zb_pickle_free(pk);
}

static void test_refusals(void)
{
    static const struct { const char *bytes; size_t n; const char *why; } cases[] = {
#define C(lit, why) {lit, sizeof(lit) - 1, why}
        C("\x80\x04N.", "protocol 4"),
        C("\x80\x02h\x05.", "never set"),
        C("\x80\x02.", "underflow"),
        C("\x80\x02](Na.", "underflow"),           /* APPEND cannot reach below its MARK */
        C("\x80\x02}Na.", "only lists"),
        C("\x80\x02]NNs.", "only dicts"),
        C("\x80\x02}]NsN.", "not supported"),       /* list as a dict key */
        C("\x80\x02N", "no STOP"),
        C("\x80\x02X\x05\x00\x00\x00" "ab.", "truncated"),
        C("\x80\x02X\x02\x00\x00\x00\xc3\x28.", "UTF-8"),
        C("\x80\x02" "cos\nsystem\n.", "not allowed"),
        C("\x80\x02" "ccollections\nOrderedDict", "no end of line"),
        C("\x80\x02" "ctorch\nFloatTensor\n)R.", "not supported for weights"),
        C("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\nNR.", "not a tuple"),
        C("\x80\x02" "ccollections\nOrderedDict\n)RK\x01" "b.", "BUILD of an OrderedDict"),
        C("\x80\x02]Nb.", "BUILD of a list"),
        C("\x80\x02NQ.", "persistent id"),
        C("\x80\x02\x95\x00.", "FRAME"),
        C("\x80\x02\x8c\x01" "a.", "SHORT_BINUNICODE"),
        C("\x80\x02(Nt\x01", "unknown opcode"),
#undef C
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        zb_pickle *pk;
        zb_pk_obj *o;
        zb_status st = load(cases[i].bytes, cases[i].n, &o, &pk);
        CHECK(st != ZB_OK);
        if (!strstr(zb_last_error(), cases[i].why)) {
            fprintf(stderr, "case %zu: '%s' lacks '%s'\n", i, zb_last_error(), cases[i].why);
            CHECK(0);
        }
        zb_pickle_free(pk);
    }
}

static void test_caps(void)
{
    /* 2000 nested MARKs hit the nesting cap before any allocation grows */
    static char deep[2100];
    memcpy(deep, "\x80\x02", 2);
    memset(deep + 2, '(', 2000);
    deep[2002] = '.';
    zb_pickle *pk;
    zb_pk_obj *o;
    CHECK(load(deep, 2003, &o, &pk) == ZB_ERR_LIMIT);
    CHECK(strstr(zb_last_error(), "nesting deeper than 1000") != NULL);
    zb_pickle_free(pk);
    /* 300000 Nones overflow the 262144-value stack */
    static char many[300003];
    memcpy(many, "\x80\x02", 2);
    memset(many + 2, 'N', 300000);
    many[300002] = '.';
    CHECK(load(many, sizeof many, &o, &pk) == ZB_ERR_LIMIT);
    CHECK(strstr(zb_last_error(), "stack deeper than 262144") != NULL);
    zb_pickle_free(pk);
}

static void test_pth_mem(void)
{
    zb_wmap *m = (zb_wmap *)1;
    CHECK(zb_pth_load_mem("x.pth", "", 0, NULL, &m) != ZB_OK && m == NULL);
    CHECK_STR(zb_last_error(), "x.pth: not a PyTorch checkpoint (neither zip nor legacy pickle)");
    m = (zb_wmap *)1;
    CHECK(zb_pth_load_mem("x.pth", "PK\x03\x04", 4, NULL, &m) != ZB_OK && m == NULL);
    /* a legacy magic number alone: the protocol version pickle is missing */
    static const char magic[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.";
    CHECK(zb_pth_load_mem("x.pth", magic, sizeof magic - 1, NULL, &m) != ZB_OK && m == NULL);
    CHECK(strstr(zb_last_error(), "no STOP") != NULL);
}

int main(void)
{
    RUN(test_ints);
    RUN(test_dict_semantics);
    RUN(test_memo_shares);
    RUN(test_refusals);
    RUN(test_caps);
    RUN(test_pth_mem);
    return test_report();
}
