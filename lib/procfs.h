/* SPDX-License-Identifier: GPL-2.0 */
/* procfs.h - reading the small /proc and /sys files detectors look at. */
#ifndef UT_PROCFS_H
#define UT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read up to sz - 1 bytes of @path into buf, NUL-terminated.  Length or -errno. */
ssize_t ut_read_small(const char *path, char *buf, size_t sz);
/* Write @text to a /proc or /sys control file in one write.  0 or -errno. */
int ut_write_small(const char *path, const char *text);
/*
 * drop_caches 2: the kernel frees unused dentries and inodes (slab), not
 * the page cache, and logs a line saying who asked.  0 or -errno.
 */
int ut_drop_slab(void);
/* Does the kernel command line hold the word @word (e.g. "undertow.vm=1")? */
bool ut_cmdline_has(const char *word);

#endif
