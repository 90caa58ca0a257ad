/* libFuzzer harness: download-cache metadata.  The cache's only metadata file
 * is the "<weights file>.sha256" pin (zb_weights_parse_pin); a ".part" file is
 * raw bytes, checked by size and, once complete, by hash.  The input is parsed
 * as a pin, and hashed as a cached file against that pin and against an
 * expected-hash string taken from its own first bytes (zb_verify_sha256).
 * Build and run with fuzz/run.sh; seeds in fuzz/corpus/cache (fuzz/make_corpus_ilsvrc.py). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/download.h"
#include "io/weights.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_as_file(data, size);
    if (!path)
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
