// SPDX-License-Identifier: GPL-2.0
/*
 * upper-unlink-underneath: files created through the overlay are unlinked
 * directly in upper while workers unlink, rename and stat them through the
 * overlay: the fstests overlay/012 shape (cfc9fde0b07c: ovl_remove on an
 * upper dentry that is already gone must give ESTALE, never a WARN).
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
		{ "unlinkat", ut_op_unlink, 2, UT_AT_MERGED },
		{ "renameat2", ut_op_rename, 2, UT_AT_MERGED },
		{ "fstatat", ut_op_stat, 3, UT_AT_MERGED },
		{ "write", ut_op_write, 1, UT_AT_MERGED },
	},
	.mutators = {
		{ "upper_unlink", ut_op_unlink, 4, UT_AT_UPPER },
		{ "lower_replace", ut_op_replace, 1, UT_AT_LOWER0, UT_NAMES("d/f0", "d/f1") },
	},
	/* EIO: overlay noticed upper changed under a cached dentry. */
	.tolerated = UT_ERRNOS(ESTALE, EIO),
	/* ovl_remove_upper is inlined into ovl_do_remove (6.1). */
	.aims = UT_NAMES("ovl_do_remove", "ovl_unlink", "ovl_rename"),
};
UT_REGISTER(sc);
