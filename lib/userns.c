// SPDX-License-Identifier: GPL-2.0
/* userns.c - a user namespace with us as its root. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "userns.h"

bool ut_in_userns(void)
{
	char buf[256];
	unsigned long a, b, c;

	/* The initial namespace maps all of 0..2^32-2 onto itself. */
	if (ut_read_small("/proc/self/uid_map", buf, sizeof(buf)) <= 0)
		return false;
	return sscanf(buf, "%lu %lu %lu", &a, &b, &c) != 3 || a || b || c != 4294967295UL;
}

int ut_enter_userns(char *why, size_t sz)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	int err;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		err = -errno;
		snprintf(why, sz, "unshare(CLONE_NEWUSER): %s", strerror(-err));
		return err;
	}
	/* setgroups must be denied before an unprivileged gid_map. */
	err = ut_write_small("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	err = err ? err : ut_write_small("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	err = err ? err : ut_write_small("/proc/self/gid_map", map);
	if (err)
		snprintf(why, sz, "user namespace id maps: %s", strerror(-err));
	return err;
}
