// SPDX-License-Identifier: GPL-2.0
/*
 * upper-unlink-underneath: files created through the overlay are unlinked
 * directly in upper while workers unlink, rename and stat them through the
 * overlay: the fstests overlay/012 shape (cfc9fde0b07c: ovl_remove on an
 * upper dentry that is already gone must give ESTALE, never a WARN).
 * So ESTALE from unlinkat is its path.  Files removed in upper come back
 * in upper (upper_creat, new inodes): a merged dentry keeps its dead upper
 * (never revalidated), so workers alone never give upper_unlink a target.
 */
#include "ops.h"

#define F UT_NAMES("d/f0", "d/f1", "d/f2", "d/f3", "d/f4", "d/f5")

static const struct ut_scenario sc = {
	.name = "upper-unlink-underneath",
	.desc = "unlink upper files under overlay unlink/rename/stat (overlay/012)",
	.tags = "upper unlink fstests quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:d/", "0:d/f0=lower", "0:d/f1=lower", "u:d/", "u:d/f2=upper"),
	.names = F,
	.workers = {
		{ "creat", ut_op_creat, 3, UT_AT_MERGED },
		{ "unlinkat", ut_op_unlink, 2, UT_AT_MERGED, NULL, 0, UT_ERRNOS(ESTALE) },
		{ "renameat2", ut_op_rename, 2, UT_AT_MERGED },
		{ "fstatat", ut_op_stat, 3, UT_AT_MERGED },
		{ "write", ut_op_write, 1, UT_AT_MERGED },
	},
	.mutators = {
		{ "upper_unlink", ut_op_unlink, 4, UT_AT_UPPER },
		{ "upper_creat", ut_op_creat, 2, UT_AT_UPPER },
		{ "lower_replace", ut_op_replace, 1, UT_AT_LOWER0, UT_NAMES("d/f0", "d/f1") },
	},
	/*
	 * EIO: overlay noticed upper changed under a cached dentry.
	 * EACCES/ENXIO: upper_creat opening a whiteout an overlay unlink left
	 * (a 0/0 char device: EACCES on the nodev tmpfs, ENXIO on a loop fs).
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO, EACCES, ENXIO),
	/* ovl_remove_upper is inlined into ovl_do_remove (6.1). */
	.aims = UT_NAMES("ovl_do_remove", "ovl_unlink", "ovl_rename"),
};
UT_REGISTER(sc);
