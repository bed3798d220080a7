/* SPDX-License-Identifier: GPL-2.0 */
/* kmemleak.h - kmemleak reports, when the kernel has it. */
#ifndef UT_KMEMLEAK_H
#define UT_KMEMLEAK_H

#include <stdbool.h>
#include <stddef.h>

/* kmemleak reports no object younger than this (mm/kmemleak.c MSECS_MIN_AGE). */
#define UT_KMEMLEAK_MIN_AGE_S	5

/* Is /sys/kernel/debug/kmemleak there (mounting debugfs if need be)?  Says why not. */
bool ut_kmemleak_available(char *why, size_t sz);
/*
 * Forget what kmemleak reported so far ("clear"), before a scenario;
 * returns the time (CLOCK_MONOTONIC, seconds) for ut_kmemleak_scan().
 */
double ut_kmemleak_clear(void);
/*
 * Scan, wait, scan again and count the objects that survive both passes
 * (the first pass has false positives).  Objects older than @since (a
 * ut_kmemleak_clear() time; 0: no limit) and the entries of the
 * allow-list in kmemleak.c do not count.  The entries that count go to
 * @buf, as much as fits.  Returns the count, or -errno.
 */
int ut_kmemleak_scan(char *buf, size_t sz, double since);

#endif
