// SPDX-License-Identifier: GPL-2.0
/*
 * lower-dir-recreate: a lower subtree is deleted and recreated with the
 * same names (new inodes) while workers walk it through the overlay.
 * Aims at cached merged dentries whose lower dentry is now unhashed:
 * ovl_lookup/ovl_iterate on a dead lower dir, and ovl_dir_open's cache.
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "lower-dir-recreate",
	.desc = "delete and recreate a lower subtree (new inodes) under walkers",
	.tags = "lower recreate readdir quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:t/", "0:t/f0=0", "0:t/f1=1", "0:t/s/", "0:t/s/g0=g",
			 "0:t/s/g1=g", "0:t/s/deep/", "0:t/s/deep/h=h", "0:t/l->f0",
			 "0:k/", "0:k/f=k"),
	.hold = UT_NAMES("t", "t/s", "t/s/deep"),
	.workers = {
		{ "walk", ut_op_walk, 4, UT_AT_MERGED, UT_NAMES("t", "t/s", "t/s/deep", "k") },
		{ "fstatat_held", ut_op_stat, 3, UT_AT_HELD,
		  UT_NAMES("f0", "s", "g0", "deep", "h", "l") },
		/* ENOENT: the held dir's real dir died; ovl_iterate found it dead. */
		{ "getdents_held", ut_op_getdents, 2, UT_AT_HELD, NULL, 0, UT_ERRNOS(ENOENT) },
		{ "read", ut_op_read, 2, UT_AT_MERGED,
		  UT_NAMES("t/f0", "t/s/g1", "t/s/deep/h", "t/l", "k/f") },
		{ "statx", ut_op_statx, 1, UT_AT_MERGED, UT_NAMES("t", "t/s", "t/s/deep/h") },
	},
	.mutators = {
		{ "recreate", ut_op_recreate, 3, UT_AT_LOWER0, UT_NAMES("t", "t/s", "t/s/deep") },
		{ "rmtree", ut_op_rmtree, 1, UT_AT_LOWER0, UT_NAMES("t/s", "t/s/deep") },
	},
	.tolerated = UT_ERRNOS(ESTALE),
	.aims = UT_NAMES("ovl_lookup", "ovl_iterate", "ovl_iterate_real", "ovl_dir_open"),
};
UT_REGISTER(sc);
