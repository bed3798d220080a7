// SPDX-License-Identifier: GPL-2.0
/*
 * hardlinks-underneath: with index=on, hard links are added and removed
 * directly in lower and upper while workers link, unlink and copy up
 * through the overlay: the fstests overlay/034 and 072 shape (83552eacdfc0,
 * WARN in drop_nlink from ovl_set_nlink trusting a stale count).
 *
 * The link sources h/a and h/b are never removed or renamed away: a name
 * a worker finds missing stays negative for good (local layers are never
 * revalidated), and with the sources gone every link and unlink failed
 * (0.01 % effective).  Links come and go: workers link and unlink them
 * through the overlay, mutators in lower and upper.
 */
#include "ops.h"

#define H UT_NAMES("h/a", "h/a1", "h/a2", "h/b", "h/b1", "h/c")
#define LINKS UT_NAMES("h/a1", "h/a2", "h/b1", "h/c")
#define UPPER_GONE UT_ERRNOS(ESTALE)

static const struct ut_scenario sc = {
	.name = "hardlinks-underneath",
	.desc = "index=on: lower/upper hard links change under overlay link/unlink",
	.tags = "index hardlink lower upper fstests quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.ovl_opts = "index=on",
	.seed = UT_NAMES("0:h/", "0:h/a=a", "0:h/b=b", "u:h/"),
	.names = H,
	.workers = {
		/* ESTALE: ovl_link/ovl_do_remove/ovl_rename found the upper changed. */
		{ "linkat", ut_op_link, 3, UT_AT_MERGED, NULL, 0, UPPER_GONE },
		{ "unlinkat", ut_op_unlink, 2, UT_AT_MERGED, LINKS, 0, UPPER_GONE },
		{ "write", ut_op_write, 2, UT_AT_MERGED },
		{ "fstatat", ut_op_stat, 2, UT_AT_MERGED },
		{ "renameat2", ut_op_rename, 1, UT_AT_MERGED, LINKS, 0, UPPER_GONE },
	},
	.mutators = {
		{ "lower_link", ut_op_link, 3, UT_AT_LOWER0 },
		{ "lower_unlink", ut_op_unlink, 2, UT_AT_LOWER0, LINKS },
		{ "upper_link", ut_op_link, 2, UT_AT_UPPER },
		{ "upper_unlink", ut_op_unlink, 2, UT_AT_UPPER, LINKS },
		{ "lower_creat", ut_op_creat, 1, UT_AT_LOWER0, UT_NAMES("h/a", "h/b") },
	},
	/*
	 * EIO: overlay noticed upper changed under a cached dentry.  ENODATA
	 * (the dataonly option set, metacopy=on; 6.18): a write's data copy-up
	 * of a metacopy file whose lower data was unlinked underneath.
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO, ENODATA),
	.aims = UT_NAMES("ovl_link", "ovl_nlink_start", "ovl_set_nlink_upper", "ovl_lookup_index"),
};
UT_REGISTER(sc);
