// SPDX-License-Identifier: GPL-2.0
/*
 * copyup-dir-longname: fchmodat through the overlay copies up lower-only
 * directories whose names (48 to 51 bytes) are longer than a dentry's
 * inline name, so each name lives in an external allocation that a rename
 * replaces and frees; meanwhile the lower directories are renamed directly
 * (exchanged) and looked up through the overlay under their new names
 * (fstatat).  Copy-up against a lower d_name in flux:
 * ovl_copy_up_one()/ovl_copy_up_start() on a dir whose lower moved.
 *
 * Local layers are never revalidated: a name found missing would stay
 * negative for good, so the mutator only exchanges names that all exist.
 * A merged dentry copies up once and stays upper: a run makes one
 * directory copy-up per name (plus each child's), raced from the start.
 */
#include <stdio.h>

#include "ops.h"

#define LA "p/a-lower-directory-with-a-name-too-long-to-inline"
#define LB "p/b-lower-directory-with-a-name-too-long-to-inline-2"
#define LC "p/renamed-lower-directory-with-a-long-external-name"
#define LD "p/d-lower-directory-with-a-name-too-long-to-inline-44"

static const struct ut_scenario sc = {
	.name = "copyup-dir-longname",
	.desc = "dir copy-up (fchmodat) of long-named lower dirs while they are renamed in lower",
	.tags = "copyup lower rename quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:p/", "0:" LA "/", "0:" LA "/f=a", "0:" LB "/", "0:" LB "/f=b",
			 "0:" LC "/", "0:" LC "/f=c", "0:" LD "/", "0:" LD "/f=d", "u:p/"),
	.names = UT_NAMES(LA, LB, LC, LD),
	.workers = {
		{ "fchmodat", ut_op_chmod, 4, UT_AT_MERGED },
		{ "fchmodat_child", ut_op_chmod, 1, UT_AT_MERGED,
		  UT_NAMES(LA "/f", LB "/f", LC "/f", LD "/f") },
		{ "fstatat", ut_op_stat, 3, UT_AT_MERGED },
	},
	.mutators = {
		{ "lower_exchange", ut_op_rename, 1, UT_AT_LOWER0, NULL, RENAME_EXCHANGE },
	},
	/*
	 * ESTALE: a lookup that finds a lower dir whose overlay inode (hashed
	 * by lower inode) already has another upper: overlay's documented
	 * undefined result of a lower changed underneath.  EIO, with
	 * nfs_export only (6.18: 5 of 25 1 s runs): the dir's index entry
	 * names another upper dir ("suspected uncovered redirected dir").
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO),
	.aims = UT_NAMES("ovl_setattr", "ovl_copy_up_one", "ovl_copy_up_start",
			 "ovl_copy_xattr", "ovl_lookup"),
};
UT_REGISTER(sc);
