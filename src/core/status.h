/* Error reporting shared by the whole library.
 *
 * A fallible function returns zb_error(ZB_ERR_x, "%s: ...", file, ...), which
 * records the message for the calling thread and returns the status.  Messages
 * read "<file or object>: <reason>"; only cli/ prints them. */
#ifndef ZB_CORE_STATUS_H
#define ZB_CORE_STATUS_H

#include "zoobench.h"

#if defined(__GNUC__)
#define ZB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ZB_PRINTF(a, b)
#endif

/* Records the formatted message as this thread's last error; returns `st`. */
zb_status zb_error(zb_status st, const char *fmt, ...) ZB_PRINTF(2, 3);

/* Clears this thread's last error. */
void zb_error_clear(void);

#endif
