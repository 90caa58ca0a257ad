#include "io/h5.h"

#include "core/status.h"

zb_status zb_h5_load_wmap(const char *path, zb_wmap **out)
{
    *out = NULL;
    return zb_error(ZB_ERR_UNSUPPORTED, "%s: .h5 loading is not built yet", path);
}
