/* Recursive-descent JSON parser (RFC 8259), depth-capped. */
#include "io/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/readfile.h"

typedef struct parser {
    const char *name;
    const char *s;
    size_t len, pos;
    zb_status st;
} parser;

static void fail(parser *p, const char *what)
{
    if (p->st == ZB_OK)
        p->st = zb_error(ZB_ERR_FORMAT, "%s: invalid JSON at byte %zu: %s", p->name, p->pos, what);
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
                               p->s[p->pos] == '\r'))
        p->pos++;
}

static int peek(parser *p) { return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1; }

static int literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n)) {
        fail(p, "unexpected token");
        return 0;
    }
    p->pos += n;
    return 1;
}

static int hex4(parser *p, unsigned *out)
{
    if (p->len - p->pos < 4) {
        fail(p, "truncated \\u escape");
        return 0;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p->s[p->pos + i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else {
            fail(p, "bad \\u escape");
            return 0;
        }
    }
    p->pos += 4;
    *out = v;
    return 1;
}

/* Parses a string at p->pos (on the opening quote); returns a malloc'd copy. */
static char *parse_string(parser *p)
{
    p->pos++; /* opening quote */
    /* The decoded string is never longer than the source span. */
    size_t end = p->pos;
    while (end < p->len && p->s[end] != '"')
        end += p->s[end] == '\\' ? 2 : 1;
    if (end >= p->len) {
        fail(p, "unterminated string");
        return NULL;
    }
    char *out = malloc(end - p->pos + 1);
    if (!out) {
        p->st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", p->name);
        return NULL;
    }
    size_t o = 0;
    while (p->pos < p->len && p->s[p->pos] != '"') {
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c < 0x20) {
            fail(p, "control character in string");
            break;
        }
        if (c != '\\') {
            out[o++] = (char)c;
            continue;
        }
        if (p->pos >= p->len) {
            fail(p, "unterminated escape");
            break;
        }
        char e = p->s[p->pos++];
        switch (e) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '/': out[o++] = '/'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!hex4(p, &cp))
                break;
            if (cp >= 0xd800 && cp < 0xdc00) { /* surrogate pair */
                unsigned lo;
                if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    fail(p, "lone surrogate");
                    break;
                }
                p->pos += 2;
                if (!hex4(p, &lo))
                    break;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    fail(p, "bad surrogate pair");
                    break;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                fail(p, "lone surrogate");
                break;
            }
            if (cp == 0) {
                fail(p, "\\u0000 in string");
                break;
            }
            /* UTF-8 of cp is at most 4 bytes; the escape took at least 6. */
            if (cp < 0x80) {
                out[o++] = (char)cp;
            } else if (cp < 0x800) {
                out[o++] = (char)(0xc0 | cp >> 6);
                out[o++] = (char)(0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                out[o++] = (char)(0xe0 | cp >> 12);
                out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
                out[o++] = (char)(0x80 | (cp & 0x3f));
            } else {
                out[o++] = (char)(0xf0 | cp >> 18);
                out[o++] = (char)(0x80 | (cp >> 12 & 0x3f));
                out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
                out[o++] = (char)(0x80 | (cp & 0x3f));
            }
            break;
        }
        default: fail(p, "bad escape");
        }
        if (p->st != ZB_OK)
            break;
    }
    if (p->st != ZB_OK) {
        free(out);
        return NULL;
    }
    p->pos++; /* closing quote */
    out[o] = 0;
    return out;
}

static int parse_number(parser *p, double *out)
{
    size_t start = p->pos;
    if (peek(p) == '-')
        p->pos++;
    if (peek(p) == '0') {
        p->pos++;
    } else if (peek(p) >= '1' && peek(p) <= '9') {
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    } else {
        fail(p, "bad number");
        return 0;
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9')) {
            fail(p, "bad number");
            return 0;
        }
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-')
            p->pos++;
        if (!(peek(p) >= '0' && peek(p) <= '9')) {
            fail(p, "bad number");
            return 0;
        }
        while (peek(p) >= '0' && peek(p) <= '9')
            p->pos++;
    }
    char buf[64];
    size_t n = p->pos - start;
    if (n >= sizeof buf) {
        fail(p, "number too long");
        return 0;
    }
    memcpy(buf, p->s + start, n);
    buf[n] = 0;
    *out = strtod(buf, NULL); /* correctly rounded in glibc; the C locale is assumed */
    return 1;
}

static zb_json *parse_value(parser *p, int depth);

/* Appends item (and key) to an array/object; takes ownership on failure too. */
static int push(parser *p, zb_json *v, char *key, zb_json *item)
{
    if (v->n % 16 == 0) {
        zb_json **items = realloc(v->items, (size_t)(v->n + 16) * sizeof *items);
        if (items)
            v->items = items;
        char **keys = v->type == ZB_JSON_OBJ && items ? realloc(v->keys, (size_t)(v->n + 16) * sizeof *keys) : NULL;
        if (keys)
            v->keys = keys;
        if (!items || (v->type == ZB_JSON_OBJ && !keys)) {
            free(key);
            zb_json_free(item);
            p->st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", p->name);
            return 0;
        }
    }
    v->items[v->n] = item;
    if (v->type == ZB_JSON_OBJ)
        v->keys[v->n] = key;
    v->n++;
    return 1;
}

static zb_json *parse_container(parser *p, zb_json *v, int depth)
{
    char close = v->type == ZB_JSON_ARR ? ']' : '}';
    p->pos++;
    skip_ws(p);
    if (peek(p) == close) {
        p->pos++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (v->type == ZB_JSON_OBJ) {
            if (peek(p) != '"') {
                fail(p, "expected a key");
                break;
            }
            if (!(key = parse_string(p)))
                break;
            skip_ws(p);
            if (peek(p) != ':') {
                free(key);
                fail(p, "expected ':'");
                break;
            }
            p->pos++;
        }
        zb_json *item = parse_value(p, depth + 1);
        if (!item) {
            free(key);
            break;
        }
        if (!push(p, v, key, item))
            break;
        skip_ws(p);
        if (peek(p) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p) == close) {
            p->pos++;
            return v;
        }
        fail(p, v->type == ZB_JSON_ARR ? "expected ',' or ']'" : "expected ',' or '}'");
        break;
    }
    zb_json_free(v);
    return NULL;
}

static zb_json *parse_value(parser *p, int depth)
{
    skip_ws(p);
    if ((peek(p) == '[' || peek(p) == '{') && depth >= ZB_JSON_MAX_DEPTH) {
        fail(p, "nested too deeply");
        return NULL;
    }
    zb_json *v = calloc(1, sizeof *v);
    if (!v) {
        p->st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", p->name);
        return NULL;
    }
    int c = peek(p), ok = 1;
    switch (c) {
    case '{': v->type = ZB_JSON_OBJ; return parse_container(p, v, depth);
    case '[': v->type = ZB_JSON_ARR; return parse_container(p, v, depth);
    case '"':
        v->type = ZB_JSON_STR;
        ok = (v->str = parse_string(p)) != NULL;
        break;
    case 't': v->type = ZB_JSON_BOOL, v->num = 1, ok = literal(p, "true"); break;
    case 'f': v->type = ZB_JSON_BOOL, ok = literal(p, "false"); break;
    case 'n': v->type = ZB_JSON_NULL, ok = literal(p, "null"); break;
    case 'N': v->type = ZB_JSON_NUM, v->num = NAN, ok = literal(p, "NaN"); break; /* Python's json writes these */
    case 'I': v->type = ZB_JSON_NUM, v->num = INFINITY, ok = literal(p, "Infinity"); break;
    default:
        v->type = ZB_JSON_NUM;
        if (c == '-' && p->len - p->pos >= 9 && !memcmp(p->s + p->pos, "-Infinity", 9)) {
            p->pos += 9;
            v->num = -INFINITY;
        } else {
            ok = parse_number(p, &v->num);
        }
    }
    if (!ok) {
        zb_json_free(v);
        return NULL;
    }
    return v;
}

zb_status zb_json_parse(const char *name, const char *text, size_t len, zb_json **out)
{
    *out = NULL;
    parser p = {name, text, len, 0, ZB_OK};
    zb_json *v = parse_value(&p, 0);
    if (v) {
        skip_ws(&p);
        if (p.pos != p.len) {
            fail(&p, "trailing data");
            zb_json_free(v);
            v = NULL;
        }
    }
    if (!v)
        return p.st != ZB_OK ? p.st : zb_error(ZB_ERR_FORMAT, "%s: invalid JSON", name);
    *out = v;
    return ZB_OK;
}

zb_status zb_json_load(const char *path, zb_json **out)
{
    *out = NULL;
    char *buf;
    size_t n;
    zb_status st = zb_read_file(path, (size_t)256 << 20, &buf, &n);
    if (st != ZB_OK)
        return st;
    st = zb_json_parse(path, buf, n, out);
    free(buf);
    return st;
}

void zb_json_free(zb_json *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->n; i++) {
        zb_json_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

const zb_json *zb_json_get(const zb_json *v, const char *key)
{
    if (!v || v->type != ZB_JSON_OBJ)
        return NULL;
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->keys[i], key))
            return v->items[i];
    return NULL;
}

const zb_json *zb_json_at(const zb_json *v, int i)
{
    if (!v || v->type != ZB_JSON_ARR || i < 0 || i >= v->n)
        return NULL;
    return v->items[i];
}

const char *zb_json_str(const zb_json *v) { return v && v->type == ZB_JSON_STR ? v->str : NULL; }

int zb_json_int(const zb_json *v, long long lo, long long hi, long long *out)
{
    if (!v || v->type != ZB_JSON_NUM || !(v->num >= (double)lo && v->num <= (double)hi) || v->num != floor(v->num))
        return 0;
    *out = (long long)v->num;
    return 1;
}
