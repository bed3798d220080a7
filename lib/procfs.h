/* SPDX-License-Identifier: GPL-2.0 */
/* procfs.h - reading the small /proc and /sys files detectors look at. */
#ifndef UT_PROCFS_H
#define UT_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

/* Read up to sz - 1 bytes of @path into buf, NUL-terminated.  Length or -errno. */
ssize_t ut_read_small(const char *path, char *buf, size_t sz);

#endif
