// SPDX-License-Identifier: GPL-2.0
/*
 * iterate-dead-dir: workers hold merged directory fds and lseek(0) +
 * getdents64 them while mutators delete and recreate the real lower and
 * upper directories: ovl_iterate()/ovl_dir_read_merged() on a real dir that
 * is dead (IS_DEADDIR), and the readdir cache of a merged dir.  Reclaim
 * (drop_caches) evicts the unused children of the held dirs, so lookups
 * through the held fds run ovl_lookup() in a dead real dir all run long,
 * not only the first time each name is looked up.
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "iterate-dead-dir",
	.desc = "getdents64 on held merged dirfds while the real dirs die and return",
	.tags = "readdir lower upper dirfd quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:d0/", "0:d0/a=", "0:d0/b=", "0:d0/s/", "0:d0/s/x=",
			 "0:d1/", "0:d1/c=", "u:d0/", "u:d0/u0=", "u:d0/s/", "u:d0/s/y=",
			 "u:d1/", "u:d1/u1=", "u:d2/", "u:d2/u2="),
	.hold = UT_NAMES("d0", "d1", "d2", "d0/s"),
	.workers = {
		/* ENOENT: ovl_iterate found a real dir dead, the point here. */
		{ "getdents_held", ut_op_getdents, 6, UT_AT_HELD, NULL, 0, UT_ERRNOS(ENOENT) },
		{ "fstatat_held", ut_op_stat, 2, UT_AT_HELD, UT_NAMES("a", "u0", "s", "c", "x") },
		{ "readdir", ut_op_readdir, 1, UT_AT_MERGED, UT_NAMES("d0", "d1", "d2", "d0/s"), 0,
		  UT_ERRNOS(ENOENT) },
	},
	.mutators = {
		{ "lower_recreate", ut_op_recreate, 2, UT_AT_LOWER0, UT_NAMES("d0", "d1", "d0/s") },
		{ "upper_recreate", ut_op_recreate, 2, UT_AT_UPPER, UT_NAMES("d0", "d1", "d2", "d0/s") },
		{ "upper_rmtree", ut_op_rmtree, 1, UT_AT_UPPER, UT_NAMES("d0/s", "d2") },
		{ "reclaim", ut_op_reclaim, 1, UT_AT_UPPER },	/* no dirfd: drop_caches */
	},
	/* EIO: overlay noticed upper changed under a cached dentry. */
	.tolerated = UT_ERRNOS(ESTALE, EIO),
	.aims = UT_NAMES("ovl_iterate", "ovl_dir_read_merged", "ovl_dir_reset",
			 "ovl_iterate_real", "ovl_lookup"),
};
UT_REGISTER(sc);
