/* SPDX-License-Identifier: GPL-2.0 */
/* health.h - can the kernel still do a runner's basic work? */
#ifndef UT_HEALTH_H
#define UT_HEALTH_H

#include <stddef.h>

#define UT_HEALTH_BOUND_S	10.0

/*
 * Within @bound_s: fork a child that unshares a mount namespace, mounts a
 * tmpfs on @dir (only in its own namespace), unmounts it and drops the dentry and
 * inode caches (which walks every superblock).  0 when it all
 * worked; -1 with what blocked or failed in @why ("tmpfs umount stuck for
 * 10 s (state D)").  A stuck probe is killed and left behind.
 */
int ut_health_probe(const char *dir, double bound_s, char *why, size_t sz);

#endif
