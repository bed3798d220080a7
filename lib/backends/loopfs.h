/* SPDX-License-Identifier: GPL-2.0 */
/* loopfs.h - a fresh ext4/xfs/btrfs on a loop device, for real layer filesystems. */
#ifndef UT_LOOPFS_H
#define UT_LOOPFS_H

#include <stddef.h>

/*
 * Make an image file @mnt.img, mkfs it as @fstype, attach it to a free
 * loop device (autoclear: it detaches itself once unmounted, also when the
 * namespace dies) and mount it on @mnt (created).  0, -EOPNOTSUPP when the
 * mkfs program or the kernel's filesystem is missing (skip), or -errno;
 * @why says which.
 */
int ut_loopfs_make(const char *mnt, const char *fstype, char *why, size_t sz);

#endif
