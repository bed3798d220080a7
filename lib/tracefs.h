/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracefs.h - the kernel's tracing control files: where they are, and
 * one write or one whole read of a file, each failure in the kernel's
 * words ("kprobe_events: Operation not permitted").
 */
#ifndef UT_TRACEFS_H
#define UT_TRACEFS_H

#include <stddef.h>

/*
 * tracefs's root into @root: $UNDERTOW_TRACEFS as it is (the tests point
 * it at a directory that is not tracefs), else /sys/kernel/tracing,
 * mounted there first when it is not (in our own mount namespace).
 * 0, or -errno with the reason in @why.
 */
int ut_tracefs_root(char *root, size_t sz, char *why, size_t whysz);

/*
 * @text to @root/@rel in one write.  Never O_TRUNC: that would clear every
 * kprobe event or trigger of the file, other tools' too.  0, or -errno
 * with "REL: reason" in @why.
 */
int ut_tracefs_write(const char *root, const char *rel, const char *text, char *why,
		     size_t sz);

/* All of @root/@rel, malloc'd and NUL-terminated (*len its length), or NULL (errno). */
char *ut_tracefs_read(const char *root, const char *rel, size_t *len);

#endif
