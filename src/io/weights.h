/* Official weight files in the cache: fetched from the framework's URL,
 * verified by the framework's own hash, never used when they do not match.
 *
 *     char path[4096];
 *     if (zb_weights_resolve("torchvision/resnet50", "torchvision/resnet50", 1, path, sizeof path) != ZB_OK)
 *         fprintf(stderr, "error: %s\n", zb_last_error());
 *
 * Layout: <cache dir>/weights/<framework>/<file>, the framework's own file
 * name (io/cache.h gives <cache dir>).  Checks, by the card's hash:
 *  - torchvision: the hex in the file name is a prefix of the SHA-256;
 *  - keras: file_hash, MD5 (32 hex digits) or SHA-256 (64);
 *  - none published (Keras MobileNet v1/v2): the file must be HDF5, and its
 *    SHA-256 is recorded at download in "<file>.sha256" and checked afterwards
 *    (trust on first use; `zb_weights_state` reports it as "pinned locally").
 *
 * Test hooks (environment): ZOOBENCH_WEIGHTS_BASE_URL replaces the scheme and
 * host of every URL ("http://127.0.0.1:8000" + "/models/x.pth");
 * ZOOBENCH_WEIGHTS_HASHES names a file of "<card> <hash>" lines that replace
 * the compiled-in hashes ("-": none).  The compiled-in table is never edited. */
#ifndef ZB_IO_WEIGHTS_H
#define ZB_IO_WEIGHTS_H

#include <stddef.h>

#include "models/cards.h"
#include "zoobench.h"

typedef struct zb_weights_opts {
    const char *cache_dir;  /* NULL: the default cache directory */
    int progress;           /* progress bar on stderr (the caller checks isatty) */
} zb_weights_opts;

/* The card's URL after ZOOBENCH_WEIGHTS_BASE_URL; into out (cap bytes). */
zb_status zb_weights_url(const zb_card *c, char *out, size_t cap);

/* The expected hash after ZOOBENCH_WEIGHTS_HASHES (NULL: none); static or
 * thread-local storage, valid until the next call. */
const char *zb_weights_hash(const zb_card *c);

/* <cache>/weights/<framework>/<file> into path; no disk access. */
zb_status zb_weights_path(const zb_card *c, const char *cache_dir, char *path, size_t cap);

/* The content of a "<file>.sha256" pin (len bytes of buf): 64 hex digits, then
 * the end or white space (and anything after it).  ZB_OK with the lower-case
 * digits in pin, else ZB_ERR_VERIFY "<name>: not a SHA-256 pin ...". */
zb_status zb_weights_parse_pin(const char *name, const char *buf, size_t len, char pin[65]);

/* Downloads (or resumes, or re-verifies when present) the card's file; on
 * success path holds the verified file.  A mismatch deletes the file:
 * ZB_ERR_VERIFY naming the file and both hashes. */
zb_status zb_weights_fetch(const zb_card *c, const zb_weights_opts *o, char *path, size_t cap);

typedef enum zb_weights_status {
    ZB_WEIGHTS_MISSING,     /* not in the cache (a .part may be) */
    ZB_WEIGHTS_OK,          /* matches the published hash */
    ZB_WEIGHTS_PINNED,      /* no published hash; matches the SHA-256 recorded at download */
    ZB_WEIGHTS_BAD,         /* present and does not match (zb_last_error says how) */
} zb_weights_status;

/* Checks a cached file without any network access or deletion.  *state is set;
 * the return is ZB_OK unless the cache path cannot be formed or read. */
zb_status zb_weights_check(const zb_card *c, const char *cache_dir, zb_weights_status *state, char *path,
                           size_t cap);

/* `arg` given where a weights file is expected: an existing file is used as it
 * is; otherwise it names a model card ("torchvision/resnet50", or "resnet50" when
 * unique) whose cached, verified file is used, fetched first when allow_fetch.
 * `model` (may be NULL) is the model being run: a card for another model is an
 * error.  The path goes to path (cap bytes). */
zb_status zb_weights_resolve(const char *arg, const char *model, int allow_fetch, char *path, size_t cap);

#endif
