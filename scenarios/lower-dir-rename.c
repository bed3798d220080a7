// SPDX-License-Identifier: GPL-2.0
/*
 * lower-dir-rename: lower directories are renamed back and forth (plain and
 * RENAME_EXCHANGE) under workers that hold dirfds on the merged copies.
 * Aims at ovl_lookup()/ovl_iterate() following a lower dentry that moved:
 * the cached merged dentry keeps pointing at the renamed lower directory.
 */
#include <fcntl.h>
#include <stdio.h>

#include "ops.h"

#define IN_DIR UT_NAMES("f0", "f1", "sub", "sub/g", "nope")

static const struct ut_scenario sc = {
	.name = "lower-dir-rename",
	.desc = "rename lower dirs (plain, EXCHANGE) under held merged dirfds",
	.tags = "lower rename dirfd quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:a/", "0:a/f0=a0", "0:a/f1=a1", "0:a/sub/", "0:a/sub/g=ag",
			 "0:b/", "0:b/f0=b0", "0:b/sub/", "0:c/", "0:c/f1=c1"),
	.hold = UT_NAMES("a", "b", "c", "a/sub"),
	.names = UT_NAMES("a", "b", "c", "a/sub", "b/sub", "a/f0", "b/f0", "c/f1"),
	.workers = {
		{ "fstatat_held", ut_op_stat, 4, UT_AT_HELD, IN_DIR },
		{ "openat_held", ut_op_open, 3, UT_AT_HELD, IN_DIR },
		{ "getdents_held", ut_op_getdents, 2, UT_AT_HELD },
		{ "fstatat", ut_op_stat, 2, UT_AT_MERGED },
		{ "readdir", ut_op_readdir, 1, UT_AT_MERGED, UT_NAMES("a", "b", "c", "a/sub") },
		{ "read", ut_op_read, 1, UT_AT_MERGED, UT_NAMES("a/f0", "b/f0", "c/f1", "a/sub/g") },
	},
	.mutators = {
		{ "rename", ut_op_rename, 3, UT_AT_LOWER0, UT_NAMES("a", "b", "c", "x", "y") },
		{ "rename_exchange", ut_op_rename, 3, UT_AT_LOWER0, UT_NAMES("a", "b", "c", "x"),
		  RENAME_EXCHANGE },
	},
	.tolerated = UT_ERRNOS(ESTALE),
	.aims = UT_NAMES("ovl_lookup", "ovl_iterate", "ovl_iterate_real", "ovl_fill_real"),
};
UT_REGISTER(sc);
