// SPDX-License-Identifier: GPL-2.0
/* xattr_probe.c - user.* xattrs on a layer, tried before overlay needs them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <linux/magic.h>

#include "xattr_probe.h"

#define PROBE_NAME "user.undertow.probe"

int ut_probe_user_xattr(const char *dir, char *why, size_t sz)
{
	struct statfs st;
	bool tmpfs;

	if (!setxattr(dir, PROBE_NAME, "1", 1, 0)) {
		removexattr(dir, PROBE_NAME);
		return 0;
	}
	if (errno != EOPNOTSUPP)
		return 0;
	tmpfs = !statfs(dir, &st) && st.f_type == TMPFS_MAGIC;
	snprintf(why, sz, "this kernel has no user.* xattrs on the upper layer's filesystem%s, "
		 "which userxattr needs (setxattr %s: %s)",
		 tmpfs ? " (tmpfs: Linux 6.6)" : "", PROBE_NAME, strerror(EOPNOTSUPP));
	return -EOPNOTSUPP;
}
