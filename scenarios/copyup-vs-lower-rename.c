// SPDX-License-Identifier: GPL-2.0
/*
 * copyup-vs-lower-rename: workers trigger copy-up (open for write, chmod,
 * setxattr user.*, truncate) of files whose lower parent a mutator renames:
 * ovl_copy_up_one() walking a lower parent chain that moved, and
 * ovl_copy_up_start's lock against a changing lower tree.
 *
 * Local layers are never revalidated: a name a worker once finds missing
 * stays negative for good.  So the mutators only exchange parents that
 * both exist (p and q, p/s and q/s): plain renames and recreates left the
 * names empty for good within milliseconds (0 % of writes in 2 of 20 1 s
 * runs).  Writes go to files; chmod also to dirs (a dir copy-up).
 */
#include <fcntl.h>

#include "ops.h"

#define F UT_NAMES("p/f0", "p/f1", "p/s/f2", "q/f3", "q/s/f4")

static const struct ut_scenario sc = {
	.name = "copyup-vs-lower-rename",
	.desc = "copy-up (write, chmod, setxattr, truncate) while lower parents are renamed",
	.tags = "copyup lower rename quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:p/", "0:p/f0=0", "0:p/f1=1", "0:p/s/", "0:p/s/f2=2", "0:q/",
			 "0:q/f3=3", "0:q/s/", "0:q/s/f4=4"),
	.names = F,
	.workers = {
		{ "write", ut_op_write, 3, UT_AT_MERGED },
		{ "fchmodat", ut_op_chmod, 2, UT_AT_MERGED,
		  UT_NAMES("p/f0", "p/s/f2", "q/f3", "q/s/f4", "p/s", "q", "q/s") },
		{ "setxattr", ut_op_setxattr, 2, UT_AT_MERGED },
		{ "truncate", ut_op_truncate, 1, UT_AT_MERGED, NULL, 3 },
		{ "read", ut_op_read, 2, UT_AT_MERGED },
	},
	.mutators = {
		{ "lower_exchange", ut_op_rename, 2, UT_AT_LOWER0, UT_NAMES("p", "q"),
		  RENAME_EXCHANGE },
		{ "lower_exchange_sub", ut_op_rename, 2, UT_AT_LOWER0, UT_NAMES("p/s", "q/s"),
		  RENAME_EXCHANGE },
	},
	/*
	 * EOPNOTSUPP, on kernels before 6.6 only (6.1: most setxattr calls on
	 * tmpfs; 6.12, 6.18: none): setxattr user.* where the upper fs has no
	 * user xattrs (tmpfs before 6.6).  The copy-up still happens first.
	 * EIO, with nfs_export only (6.18: 3 of 40 1 s runs): a lookup finds
	 * a lower dir whose index names another upper dir, since the
	 * exchange moved it ("suspected uncovered redirected dir found").
	 */
	.tolerated = UT_ERRNOS(ESTALE, EXDEV, EOPNOTSUPP, EIO),
	.aims = UT_NAMES("ovl_copy_up_one", "ovl_copy_up_data", "ovl_copy_xattr"),
};
UT_REGISTER(sc);
