// SPDX-License-Identifier: GPL-2.0
/*
 * upper-whiteout-removed: whiteouts in upper (left by unlinks through the
 * overlay) are removed directly while negative merged dentries are cached;
 * workers then create and mkdir over the names: the fstests overlay/063
 * shape (5e1275808630, ovl_create_over_whiteout with no whiteout left).
 *
 * The upper mutators remove whiteouts only: a file or dir removed in upper
 * under a cached merged dentry stays there for good (local layers are
 * never revalidated), so each name got stuck (mkdir EEXIST, rmdir ENOENT)
 * and creates and removes through the overlay reached their path in
 * under 1 % of calls.
 */
#include "ops.h"

#define W UT_NAMES("w/a", "w/b", "w/c", "w/d", "w/e")
/* The fix's answer: the upper entry is not the whiteout the dentry promised. */
#define MISMATCH UT_ERRNOS(ESTALE, EIO)

static const struct ut_scenario sc = {
	.name = "upper-whiteout-removed",
	.desc = "remove/recreate upper whiteouts under create and mkdir (overlay/063)",
	.tags = "upper whiteout fstests quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:w/", "0:w/a=", "0:w/b=", "0:w/c/", "0:w/d=", "0:w/e/",
			 "u:w/", "u:w/a!", "u:w/c!"),
	.names = W,
	.workers = {
		{ "unlinkat", ut_op_unlink, 2, UT_AT_MERGED, NULL, 0, MISMATCH },
		{ "unlinkat_dir", ut_op_rmdir, 1, UT_AT_MERGED, NULL, 0, MISMATCH },
		{ "fstatat", ut_op_stat, 3, UT_AT_MERGED },
		{ "creat", ut_op_creat, 2, UT_AT_MERGED, NULL, 0, MISMATCH },
		{ "mkdirat", ut_op_mkdir, 2, UT_AT_MERGED, NULL, 0, MISMATCH },
	},
	.mutators = {
		{ "upper_unwhiteout", ut_op_unwhiteout, 4, UT_AT_UPPER },
		{ "upper_whiteout", ut_op_whiteout, 1, UT_AT_UPPER },
		{ "lower_recreate", ut_op_recreate, 1, UT_AT_LOWER0 },
	},
	/*
	 * EIO: overlay finds the upper entry is not the whiteout its cached
	 * dentry promised (ovl_create_over_whiteout, ovl_remove_upper): an
	 * "undefined result" the docs allow.  EACCES/ENXIO: opening a whiteout
	 * (a 0/0 char device: EACCES on the nodev tmpfs, ENXIO elsewhere).
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO, EACCES, ENXIO),
	/* ovl_create_over_whiteout is inlined into ovl_create_or_link (6.1). */
	.aims = UT_NAMES("ovl_create_or_link", "ovl_mkdir", "ovl_do_remove",
			 "ovl_cleanup_and_whiteout"),
};
UT_REGISTER(sc);
