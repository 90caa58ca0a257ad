#include "io/published.h"

#include "core/status.h"

zb_status zb_published_fetch(const zb_fetch_opts *o, char *keras_dir, char *pytorch_dir, size_t cap)
{
    (void)o;
    (void)keras_dir;
    (void)pytorch_dir;
    (void)cap;
    return zb_error(ZB_ERR_UNSUPPORTED, "published predictions: downloading is not built yet");
}
