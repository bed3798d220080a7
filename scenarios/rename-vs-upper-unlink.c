// SPDX-License-Identifier: GPL-2.0
/*
 * rename-vs-upper-unlink: workers rename through the overlay while
 * mutators unlink the rename targets directly in upper: the a295aef603e1
 * shape (ovl_rename passing a negative upper dentry to vfs_rename).
 */
#include <fcntl.h>

#include "ops.h"

#define T UT_NAMES("r/t0", "r/t1", "r/t2", "r/t3", "r/sub", "r/sub/t4")
/*
 * NOREPLACE needs free targets, which creat never fills: it moves files to
 * the new names n0-n2 and back.  Its ESTALE is this scenario's path:
 * ovl_rename found the source's upper unlinked underneath.
 */
#define FREE UT_NAMES("r/t0", "r/t1", "r/n0", "r/n1", "r/n2")

static const struct ut_scenario sc = {
	.name = "rename-vs-upper-unlink",
	.desc = "overlay renames racing with unlinks of their targets in upper",
	.tags = "upper rename unlink quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:r/", "0:r/t0=l", "0:r/sub/", "0:r/sub/t4=l", "u:r/", "u:r/t1=u",
			 "u:r/t2=u"),
	.names = T,
	.workers = {
		{ "renameat2", ut_op_rename, 4, UT_AT_MERGED },
		{ "renameat2_noreplace", ut_op_rename, 1, UT_AT_MERGED, FREE, RENAME_NOREPLACE,
		  UT_ERRNOS(ESTALE) },
		{ "renameat2_exchange", ut_op_rename, 1, UT_AT_MERGED, NULL, RENAME_EXCHANGE },
		{ "creat", ut_op_creat, 3, UT_AT_MERGED },
		{ "fstatat", ut_op_stat, 1, UT_AT_MERGED },
	},
	.mutators = {
		{ "upper_unlink", ut_op_unlink, 4, UT_AT_UPPER },
		{ "upper_creat", ut_op_creat, 1, UT_AT_UPPER },
	},
	/* EIO: overlay noticed upper changed under a cached dentry. */
	/*
	 * EINVAL: renaming r/sub into r/sub/t4 (its own subtree).  EACCES/ENXIO:
	 * upper_creat opening a whiteout (0/0 char device: EACCES on the nodev
	 * tmpfs, ENXIO on a loop fs).
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO, EXDEV, EINVAL, EACCES, ENXIO),
	.aims = UT_NAMES("ovl_rename", "ovl_nlink_start", "ovl_nlink_end"),
};
UT_REGISTER(sc);
