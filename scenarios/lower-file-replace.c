// SPDX-License-Identifier: GPL-2.0
/*
 * lower-file-replace: lower files are unlinked and recreated, saved the
 * way editors save (a new file renamed over the name), truncated and
 * rewritten while workers open, read and write them through the overlay;
 * a write copies the file up (ovl_copy_up_data from a lower file that is
 * changing or already gone).
 */
#include "ops.h"

#define FILES UT_NAMES("d/f0", "d/f1", "d/f2", "d/f3", "g")

static const struct ut_scenario sc = {
	.name = "lower-file-replace",
	.desc = "unlink/recreate/truncate/rewrite lower files under readers and copy-up writers",
	.tags = "lower copyup file quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:d/", "0:d/f0=zero", "0:d/f1=one", "0:d/f2=two", "0:d/f3=three",
			 "0:g=gee"),
	.hold = UT_NAMES("d"),
	.names = FILES,
	.workers = {
		{ "read", ut_op_read, 4, UT_AT_MERGED },
		{ "openat_held", ut_op_open, 2, UT_AT_HELD, UT_NAMES("f0", "f1", "f2", "f3") },
		{ "write", ut_op_write, 2, UT_AT_MERGED },
		{ "truncate", ut_op_truncate, 1, UT_AT_MERGED, NULL, 5 },
		{ "fstatat", ut_op_stat, 2, UT_AT_MERGED },
	},
	.mutators = {
		{ "replace", ut_op_replace, 3, UT_AT_LOWER0 },
		{ "save", ut_op_save, 2, UT_AT_LOWER0 },
		{ "truncate", ut_op_truncate, 2, UT_AT_LOWER0, NULL, 0 },
		{ "write", ut_op_write, 2, UT_AT_LOWER0 },
		{ "unlink", ut_op_unlink, 1, UT_AT_LOWER0 },
		{ "creat", ut_op_creat, 1, UT_AT_LOWER0 },
	},
	.tolerated = UT_ERRNOS(ESTALE),
	.aims = UT_NAMES("ovl_copy_up_one", "ovl_copy_up_data", "ovl_open_realfile",
			 "ovl_read_iter"),
};
UT_REGISTER(sc);
