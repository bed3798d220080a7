// SPDX-License-Identifier: GPL-2.0
/*
 * readdir-vs-upper-unlink: getdents64 of a merged directory across unlinks
 * done directly in upper: the fstests overlay/077 shape (9011c2791e63,
 * 65cd913ec9d9: ovl_iterate's cache and the real dir's position after
 * entries vanish under it).
 */
#include "ops.h"

#define E UT_NAMES("m/e0", "m/e1", "m/e2", "m/e3", "m/e4", "m/e5", "m/e6", "m/e7", \
		   "m/u0", "m/u1", "m/u2", "m/u3", "m/u4", "m/u5", "m/u6", "m/u7")

static const struct ut_scenario sc = {
	.name = "readdir-vs-upper-unlink",
	.desc = "getdents64 on merged dirs while entries are unlinked in upper (overlay/077)",
	.tags = "readdir upper unlink fstests quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:m/", "0:m/e0=", "0:m/e1=", "0:m/e2=", "0:m/e3=", "0:m/e4=",
			 "0:m/e5=", "0:m/e6=", "0:m/e7=", "u:m/", "u:m/u0=", "u:m/u1=",
			 "u:m/u2=", "u:m/u3=", "u:m/u4=", "u:m/u5=", "u:m/u6=", "u:m/u7=",
			 "u:m/e2!", "u:m/e3!"),
	.hold = UT_NAMES("m"),
	.names = E,
	.workers = {
		{ "getdents_held", ut_op_getdents, 5, UT_AT_HELD },
		{ "readdir", ut_op_readdir, 2, UT_AT_MERGED, UT_NAMES("m") },
		{ "walk", ut_op_walk, 1, UT_AT_MERGED, UT_NAMES("m") },
		/* ESTALE: the upper entry went underneath; ovl_do_remove saw it. */
		{ "unlinkat", ut_op_unlink, 1, UT_AT_MERGED, NULL, 0, UT_ERRNOS(ESTALE) },
		{ "creat", ut_op_creat, 1, UT_AT_MERGED },
	},
	.mutators = {
		{ "upper_unlink", ut_op_unlink, 4, UT_AT_UPPER },
		{ "upper_creat", ut_op_creat, 2, UT_AT_UPPER },
		{ "upper_whiteout", ut_op_whiteout, 1, UT_AT_UPPER },
	},
	/* EIO: overlay noticed upper changed under a cached dentry. */
	/*
	 * EACCES/ENXIO: upper_creat opening a whiteout, a 0/0 char device
	 * (EACCES on the nodev tmpfs, ENXIO on a loop fs).
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO, EACCES, ENXIO),
	.aims = UT_NAMES("ovl_iterate", "ovl_dir_read_merged", "ovl_cache_update_ino",
			 "ovl_check_whiteouts"),
};
UT_REGISTER(sc);
