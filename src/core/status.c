#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[1024];

zb_status zb_error(zb_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return st;
}

void zb_error_clear(void) { last_error[0] = '\0'; }

const char *zb_last_error(void) { return last_error; }

const char *zb_version(void) { return ZB_VERSION; }
