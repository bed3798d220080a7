/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mount_log.h - the kernel's own words about a failed overlay mount: the
 * fs context's log (overlay has one since 6.5), else overlay's error
 * records in the kernel log (6.1's legacy mount path writes only there).
 */
#ifndef UT_MOUNT_LOG_H
#define UT_MOUNT_LOG_H

#include <stddef.h>

#include "kmsg.h"

struct ut_mount_log {
	struct ut_kmsg k;	/* fd -1: no kernel log (no root in the init ns) */
};

/* Start listening to the kernel log; without access, only fs context logs count. */
void ut_mount_log_open(struct ut_mount_log *l);
void ut_mount_log_close(struct ut_mount_log *l);

/* Append the fs context's error messages ("e overlay: ...") to @text. */
void ut_mount_log_fc(int fsfd, char *text, size_t sz);

/*
 * Consume the kernel records logged since the last call; overlay's error
 * lines among them are appended to @text if it is still empty.
 */
void ut_mount_log_kmsg(struct ut_mount_log *l, char *text, size_t sz);

#endif
