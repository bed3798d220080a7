// SPDX-License-Identifier: GPL-2.0
/*
 * upper-opaque-toggle: the upper halves of merged dirs (a, b, a/s, b/s:
 * in lower and upper, with whiteouts in upper) are made opaque and merged
 * again by hand, their opaque xattr set and removed directly in upper,
 * while a restore rewrites the xattrs, modes and times of entries in
 * both layers.  Workers read the merged dirs through held dirfds and
 * from the root, look up and open their entries, and create and remove
 * names of their own in them.  Overlay reads the opaque mark when it
 * looks a dir up (ovl_lookup_single) and fills a merged dir's readdir
 * cache from the layers it found then (ovl_dir_read_merged).
 *
 * Local layers are never revalidated, so a mark flipped under a cached
 * dir counts only at its next lookup: a/e and b/e (empty in both layers)
 * are removed and made again through the overlay, which whiteouts them
 * and marks each new upper dir opaque itself, while upper_opaque flips
 * that mark too (ENOTDIR while a/e is a whiteout).  No other seeded name
 * goes away.  The xattr is read by ovl_path_check_dir_xattr on 6.1 and
 * ovl_get_dir_xattr_val on 6.12 and 6.18, so neither is an aim: an aim
 * must exist on every kernel.
 *
 * Nothing is tolerated: 89 runs of 2 s on 6.18 (15 default; 8 each of
 * userxattr, index, metacopy and nfs_export; 2 or 3 of every other
 * option set; 4 with -m 2; 3 each on ext4, xfs, btrfs, fuse and nested)
 * gave no errno beyond a plain filesystem's, and the kernel logged
 * nothing but xino_on's mount notice.
 */
#include "ops.h"

#define DIRS UT_NAMES("a", "b", "a/s", "b/s")
#define ENTRIES UT_NAMES("f1", "f2", "g", "l", "s", "u1", "u2", "x", "y", "z")
#define OWN UT_NAMES("a/n", "b/n", "a/s/n", "b/s/n")
#define OWN_DIRS UT_NAMES("a/e", "b/e")

static const struct ut_scenario sc = {
	.name = "upper-opaque-toggle",
	.desc = "upper dirs made opaque and merged again by hand, and restored metadata, "
		"under readers",
	.tags = "readdir lower upper whiteout dirfd",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:a/", "0:a/f1=one", "0:a/f2=two", "0:a/l->f1", "0:a/s/", "0:a/s/x=ex",
			 "0:b/", "0:b/f1=one", "0:b/g=gee", "0:b/s/", "0:b/s/y=why",
			 "u:a/", "u:a/u1=up", "u:a/f2!", "u:a/s/", "u:a/s/z=zed",
			 "u:b/", "u:b/u2=up", "u:b/g!", "u:b/s/",
			 "0:a/e/", "0:b/e/", "u:a/e/", "u:b/e/"),
	.hold = DIRS,
	.names = DIRS,
	.workers = {
		{ "getdents_held", ut_op_getdents, 4, UT_AT_HELD },
		{ "fstatat_held", ut_op_stat, 3, UT_AT_HELD, ENTRIES },
		{ "openat_held", ut_op_open, 2, UT_AT_HELD, ENTRIES },
		{ "readdir", ut_op_readdir, 2, UT_AT_MERGED },
		{ "walk", ut_op_walk, 1, UT_AT_MERGED },
		{ "creat", ut_op_creat, 1, UT_AT_MERGED, OWN },
		{ "unlinkat", ut_op_unlink, 1, UT_AT_MERGED, OWN },
		{ "mkdirat", ut_op_mkdir, 1, UT_AT_MERGED, OWN_DIRS },
		{ "unlinkat_dir", ut_op_rmdir, 1, UT_AT_MERGED, OWN_DIRS },
	},
	.mutators = {
		{ "upper_opaque", ut_op_opaque, 3, UT_AT_UPPER,
		  UT_NAMES("a", "b", "a/s", "b/s", "a/e", "b/e") },
		{ "lower_touch", ut_op_touch_meta, 2, UT_AT_LOWER0,
		  UT_NAMES("a", "a/f1", "a/f2", "a/l", "a/s", "a/s/x", "b", "b/f1", "b/g",
			   "b/s/y") },
		{ "upper_touch", ut_op_touch_meta, 2, UT_AT_UPPER,
		  UT_NAMES("a", "a/u1", "a/f2", "a/s", "a/s/z", "b", "b/u2", "b/g", "b/s",
			   "a/n") },
	},
	.aims = UT_NAMES("ovl_lookup", "ovl_lookup_single", "ovl_iterate",
			 "ovl_dir_read_merged"),
};
UT_REGISTER(sc);
