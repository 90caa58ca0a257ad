#include "io/pth.h"

#include "core/status.h"

zb_status zb_pth_load(const char *path, const zb_pth_opts *opts, zb_wmap **out)
{
    (void)opts;
    *out = NULL;
    return zb_error(ZB_ERR_UNSUPPORTED, "%s: .pth loading is not built yet", path);
}
