/* Verified, resumable HTTP(S) downloads into a local file (libcurl).
 *
 *     zb_download_opts o = {.progress = isatty(2)};
 *     if (zb_download(url, "/home/u/.cache/zoobench/x.npy", "3a9790ab...", &o) != ZB_OK)
 *         fprintf(stderr, "error: %s\n", zb_last_error());
 *
 * The protocol, for a destination D:
 *  - D already exists: it is re-verified.  A good file is used without any network
 *    access; a bad one is deleted and downloaded again.
 *  - Bytes go to "D.part", which is created only when the server starts sending
 *    the body (a refused connection or an HTTP error leaves nothing behind).
 *  - An existing "D.part" (an interrupted transfer) is resumed with a Range request.
 *    A server that ignores Range (200 instead of 206) makes the transfer restart
 *    from byte 0; one that answers 416 or a wrong Content-Range makes it restart too.
 *  - A connection that drops mid-transfer is resumed automatically, up to
 *    max_attempts transfers per call; what was received stays in D.part for the
 *    next call otherwise.
 *  - A complete file is hashed (SHA-256, and opts->verify if given).  A mismatch
 *    deletes it and is ZB_ERR_VERIFY naming the file and both hashes; if the
 *    content came partly from an earlier D.part, the file is fetched once more
 *    from scratch first.  A good file is fsync'ed, renamed to D, and D's directory
 *    is fsync'ed: D only ever holds verified content.
 *  - A connect timeout, and a stall timeout (less than 1 byte/s for
 *    stall_timeout_s seconds) so a hung server fails with a clear error. */
#ifndef ZB_IO_DOWNLOAD_H
#define ZB_IO_DOWNLOAD_H

#include "zoobench.h"

typedef struct zb_download_opts {
    int progress;               /* draw a progress bar on stderr (the caller checks isatty) */
    const char *name;           /* the file's name in error messages; NULL: D's base name */
    const char *progress_label; /* text before the bar; NULL: name */
    int progress_transient;     /* erase the bar after a good download (else it stays, with a newline) */
    long connect_timeout_s;     /* 0: 30 */
    long stall_timeout_s;       /* 0: $ZOOBENCH_STALL_TIMEOUT if set, else 60 */
    int max_attempts;           /* transfers per call when the connection drops; 0: 3 */
    /* Optional extra check (e.g. Keras' md5 file_hash), run on a complete download
     * before it is renamed into place and on an already-present D.  Returns ZB_OK,
     * or records an error with zb_error (ZB_ERR_VERIFY for a mismatch); the file
     * is then deleted as for a SHA-256 mismatch. */
    zb_status (*verify)(const char *path, void *ctx);
    void *verify_ctx;
} zb_download_opts;

/* Makes `dest` hold the verified content of `url` (http:// or https:// only;
 * redirects are followed).  `expected_sha256` is 64 hex digits, or a prefix of
 * at least 8 (torchvision's file-name convention), or NULL for no SHA-256 check
 * (then only opts->verify, if any, guards the file).  `o` may be NULL for defaults.
 * Creates dest's directory if needed.  Errors read "<name>: <reason>":
 * ZB_ERR_NET (connection, HTTP status, stall), ZB_ERR_VERIFY (hash mismatch),
 * ZB_ERR_IO (local files), ZB_ERR_ARG (bad URL, hash or ZOOBENCH_STALL_TIMEOUT). */
zb_status zb_download(const char *url, const char *dest, const char *expected_sha256,
                      const zb_download_opts *o);

/* Checks an existing file against `expected_sha256` (as above; NULL checks nothing).
 * ZB_ERR_VERIFY "<name>: SHA-256 mismatch: expected E, got G" on a mismatch;
 * the file is left in place. `name` NULL: the path. */
zb_status zb_verify_sha256(const char *path, const char *expected_sha256, const char *name);

#endif
