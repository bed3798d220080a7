/* SPDX-License-Identifier: GPL-2.0 */
/* kmemleak.h - kmemleak reports, when the kernel has it. */
#ifndef UT_KMEMLEAK_H
#define UT_KMEMLEAK_H

#include <stdbool.h>
#include <stddef.h>

/* Is /sys/kernel/debug/kmemleak there (mounting debugfs if need be)?  Says why not. */
bool ut_kmemleak_available(char *why, size_t sz);
/* Forget what kmemleak reported so far ("clear"), before a scenario. */
void ut_kmemleak_clear(void);
/*
 * Scan, wait, scan again and count the objects that survive both passes
 * (the first pass has false positives).  The report's first lines go to
 * @buf.  Returns the count, or -errno.
 */
int ut_kmemleak_scan(char *buf, size_t sz);

#endif
