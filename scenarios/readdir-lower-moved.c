// SPDX-License-Identifier: GPL-2.0
/*
 * readdir-lower-moved: getdents64 on a merged directory (o/d, in lower
 * and upper) while its lower directory is renamed directly (exchanged with
 * n/d), its new name is looked up and read through the overlay, and the
 * old lower parent o is removed and made again (with a new o/d).  The
 * readdir cache shape: ovl_iterate() and ovl_dir_read_merged() filling a
 * merged dir's cache from a lower dir that moved or whose parent died.
 *
 * Local layers are never revalidated: a merged dentry keeps the lower dir
 * it found first, and a name found missing stays negative.  So every name
 * the workers use exists from the start (n/d too, and the exchange keeps
 * both), and the merged dentries go on reading the moved or dead dirs.
 */
#include <stdio.h>

#include "ops.h"

#define DEAD UT_ERRNOS(ENOENT)

static const struct ut_scenario sc = {
	.name = "readdir-lower-moved",
	.desc = "getdents64 on a merged dir while its lower dir moves and its old parent goes",
	.tags = "readdir lower rename dirfd quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:o/", "0:o/d/", "0:o/d/a=", "0:o/d/b=", "0:o/d/c=", "0:o/d/s/",
			 "0:o/d/s/x=", "0:n/", "0:n/d/", "0:n/d/a=n", "0:n/d/s/", "0:n/d/s/x=",
			 "u:o/", "u:o/d/", "u:o/d/u=", "u:n/"),
	.hold = UT_NAMES("o/d", "o", "o/d/s"),
	.workers = {
		/*
		 * ENOENT: the dir's lower died with its old parent and
		 * ovl_iterate found it dead (held dirs on 6.1: every call after
		 * the first recreate; on 6.18 about a third, it serves its cache).
		 */
		{ "getdents_held", ut_op_getdents, 5, UT_AT_HELD, NULL, 0, DEAD },
		{ "readdir", ut_op_readdir, 2, UT_AT_MERGED, UT_NAMES("n/d", "o/d", "n/d/s"), 0,
		  DEAD },
		{ "fstatat", ut_op_stat, 2, UT_AT_MERGED, UT_NAMES("n/d", "n/d/a", "n/d/s/x") },
		{ "walk", ut_op_walk, 1, UT_AT_MERGED, UT_NAMES("n/d", "o/d"), 0, DEAD },
	},
	.mutators = {
		{ "lower_exchange", ut_op_rename, 4, UT_AT_LOWER0, UT_NAMES("o/d", "n/d"),
		  RENAME_EXCHANGE },
		{ "lower_recreate", ut_op_recreate, 1, UT_AT_LOWER0, UT_NAMES("o") },
	},
	/*
	 * ESTALE: a lookup of n/d finds a lower dir whose overlay inode
	 * (hashed by its lower inode) belongs to o/d already, or a merged
	 * dentry whose lower dir died: overlay's documented undefined result.
	 */
	.tolerated = UT_ERRNOS(ESTALE),
	.aims = UT_NAMES("ovl_iterate", "ovl_dir_read_merged", "ovl_dir_open", "ovl_lookup"),
};
UT_REGISTER(sc);
