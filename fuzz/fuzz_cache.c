/* libFuzzer harness: download-cache metadata.  The cache's only metadata file
 * is the "<weights file>.sha256" pin (zb_weights_parse_pin); a ".part" file is
 * raw bytes, checked by size and, once complete, by hash.  The input is parsed
 * as a pin, and hashed as a cached file against that pin and against an
 * expected-hash string taken from its own first bytes (zb_verify_sha256).
 * Build and run with fuzz/run.sh; seeds in fuzz/corpus/cache (fuzz/make_corpus_ilsvrc.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/download.h"
#include "io/weights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz.pth", 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
        return 0;
    char pin[65];
    if (zb_weights_parse_pin("fuzz.pth.sha256", (const char *)data, size, pin) == ZB_OK)
        (void)zb_verify_sha256(path, pin, "fuzz.pth");
    char expected[80];
    size_t n = size < sizeof expected - 1 ? size : sizeof expected - 1;
    memcpy(expected, data, n);
    expected[n] = 0;
    (void)zb_verify_sha256(path, expected, NULL);
    return 0;
}
