// SPDX-License-Identifier: GPL-2.0
/*
 * copyup-vs-lower-rename: workers trigger copy-up (open for write, chmod,
 * setxattr user.*, truncate) of files whose lower parent a mutator renames:
 * ovl_copy_up_one() walking a lower parent chain that moved, and
 * ovl_copy_up_start's lock against a changing lower tree.
 */
#include <fcntl.h>

#include "ops.h"

#define F UT_NAMES("p/f0", "p/f1", "p/s/f2", "q/f3", "p/s", "q")

static const struct ut_scenario sc = {
	.name = "copyup-vs-lower-rename",
	.desc = "copy-up (write, chmod, setxattr, truncate) while lower parents are renamed",
	.tags = "copyup lower rename quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:p/", "0:p/f0=0", "0:p/f1=1", "0:p/s/", "0:p/s/f2=2", "0:q/",
			 "0:q/f3=3"),
	.names = F,
	.workers = {
		{ "write", ut_op_write, 3, UT_AT_MERGED },
		{ "fchmodat", ut_op_chmod, 2, UT_AT_MERGED },
		{ "setxattr", ut_op_setxattr, 2, UT_AT_MERGED },
		{ "truncate", ut_op_truncate, 1, UT_AT_MERGED, NULL, 3 },
		{ "read", ut_op_read, 2, UT_AT_MERGED },
	},
	.mutators = {
		{ "lower_rename", ut_op_rename, 3, UT_AT_LOWER0, UT_NAMES("p", "q", "x", "p/s", "q/s") },
		{ "lower_exchange", ut_op_rename, 2, UT_AT_LOWER0, UT_NAMES("p", "q", "x"),
		  RENAME_EXCHANGE },
		{ "lower_recreate", ut_op_recreate, 1, UT_AT_LOWER0, UT_NAMES("p", "q") },
	},
	/*
	 * EINVAL: a mutator renaming p into p/s (its own subtree).
	 * EOPNOTSUPP, on kernels before 6.6 only (6.1: most setxattr calls on
	 * tmpfs; 6.12, 6.18: none): setxattr user.* where the upper fs has no
	 * user xattrs (tmpfs before 6.6).  The copy-up still happens first.
	 */
	.tolerated = UT_ERRNOS(ESTALE, EXDEV, EINVAL, EOPNOTSUPP),
	.aims = UT_NAMES("ovl_copy_up_one", "ovl_copy_up_data", "ovl_copy_xattr"),
};
UT_REGISTER(sc);
