// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - ext4, xfs and btrfs backends: the lowers on one filesystem and
 * upper/work on another, each made by mkfs on a loop device (loopfs.c).
 * A layer filesystem still held at unmount, after the overlay is gone, is
 * a leak: destroy() says -EBUSY.
 */
#include <errno.h>
#include <stdio.h>

#include "layers.h"
#include "loopfs.h"
#include "mount.h"

struct loop_priv {
	int nfs;	/* filesystems mounted: lowerfs, then upperfs */
};

static const char *const fs_dir[2] = { "lowerfs", "upperfs" };

/* Filesystem @k of @l's type at l->dir/<fs_dir[k]>, its path in @mnt. */
static int make_fs(struct ut_layers *l, int k, char *mnt, char *why, size_t sz)
{
	struct loop_priv *p = UT_BACKEND_PRIV(l, struct loop_priv);
	int err;

	if (snprintf(mnt, PATH_MAX, "%s/%s", l->dir, fs_dir[k]) >= PATH_MAX) {
		snprintf(why, sz, "%s/%s: path too long", l->dir, fs_dir[k]);
		return -ENAMETOOLONG;
	}
	err = ut_loopfs_make(mnt, l->ops->name, why, sz);
	if (!err)
		p->nfs = k + 1;
	return err;
}

static int loop_make(struct ut_layers *l, char *why, size_t sz)
{
	int err = make_fs(l, 0, l->lower_base, why, sz);

	if (!err && l->has_upper)
		err = make_fs(l, 1, l->upper_base, why, sz);
	return err;
}

static int loop_destroy(struct ut_layers *l)
{
	struct loop_priv *p = UT_BACKEND_PRIV(l, struct loop_priv);
	char mnt[PATH_MAX + 8];	/* fits: make_fs() checked */
	int err = 0;

	while (p->nfs > 0) {
		snprintf(mnt, sizeof(mnt), "%s/%s", l->dir, fs_dir[--p->nfs]);
		ut_keep_first(&err, ut_umount_or_detach(mnt));
	}
	return err;
}

#define LOOP_BACKEND(var, fs, r)					\
	static const struct ut_backend var = {				\
		.name = fs,						\
		.rank = r,						\
		.caps = UT_BE_NEEDS_ROOT,				\
		.root_for = "loop devices",				\
		.make = loop_make,					\
		.destroy = loop_destroy,				\
	};								\
	UT_BACKEND_REGISTER(var)

LOOP_BACKEND(ext4_backend, "ext4", 20);
LOOP_BACKEND(xfs_backend, "xfs", 30);
LOOP_BACKEND(btrfs_backend, "btrfs", 40);
