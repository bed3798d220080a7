// SPDX-License-Identifier: GPL-2.0
/*
 * linkup-vs-upper-unlink: with index=on, a lower file has hard links
 * (h/a, h/a1 ... h/a4).  Once one alias is copied up, copying up another
 * only links the upper inode in (ovl_link_up), then updates the dentry's
 * revalidate flags from the new upper dentry.  A mutator unlinks those
 * upper aliases directly, so the link-up's upper dentry can be the last
 * reference when ovl_link_up() drops it: the shape of "ovl: fix UAF in
 * ovl_dentry_update_reval by moving dput() in ovl_link_up" (c84e125fff26,
 * syzbot, via ovl_rename's copy-up).
 *
 * Local layers are never revalidated: a merged dentry that linked up stays
 * upper, and a name found missing stays negative.  So h/a, h/a1 and h/a2
 * are never removed through the overlay: each links up once per run, raced
 * from the start, and later copy-ups reach ovl_copy_up_one() on an upper
 * the mutator unlinked.  h/a3 and h/a4 move to new names and back.
 */
#include <fcntl.h>
#include <unistd.h>

#include "ops.h"

#define ALIAS UT_NAMES("h/a", "h/a1", "h/a2", "h/a3", "h/a4")
/*
 * Renames move two aliases to new names and back (a rename between two
 * aliases of one inode is a no-op the VFS never hands to overlay).  Never
 * unlinked: the two stay at two of the four names.
 */
#define MOVE UT_NAMES("h/a3", "h/a4", "h/x3", "h/x4")

/* The lower hard links, before any lookup, so overlay hashes by lower. */
static int link_lower(struct ut_ctx *c)
{
	static const char *const more[] = { "h/a1", "h/a2", "h/a3", "h/a4" };
	int fd = c->fd[UT_AT_LOWER0];

	for (unsigned i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		if (linkat(fd, "h/a", fd, more[i], 0))
			return -errno;
	return 0;
}

static const struct ut_scenario sc = {
	.name = "linkup-vs-upper-unlink",
	.desc = "index=on: link-up copy-up of lower hard links while upper aliases are unlinked",
	.tags = "index hardlink copyup upper quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.ovl_opts = "index=on",
	.seed = UT_NAMES("0:h/", "0:h/a=shared", "u:h/"),
	.names = ALIAS,
	.prepare = link_lower,
	.workers = {
		{ "write", ut_op_write, 3, UT_AT_MERGED },
		{ "fchmodat", ut_op_chmod, 2, UT_AT_MERGED },
		{ "renameat2", ut_op_rename, 2, UT_AT_MERGED, MOVE },
		{ "fstatat", ut_op_stat, 1, UT_AT_MERGED },
	},
	.mutators = {
		/* h/a stays: the link restores what the unlink takes. */
		{ "upper_unlink", ut_op_unlink, 1, UT_AT_UPPER,
		  UT_NAMES("h/a1", "h/a2", "h/a3", "h/a4") },
		{ "upper_link", ut_op_link, 1, UT_AT_UPPER },
	},
	/*
	 * ESTALE: a merged dentry whose upper alias was unlinked underneath
	 * (overlay/012's answer).  EIO: overlay finds the upper entry is not
	 * the one its cached dentry promised (unlink, rename: "failed to lock
	 * workdir+upperdir"); both documented undefined results.
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO),
	.aims = UT_NAMES("ovl_copy_up_one", "ovl_copy_up_start", "ovl_dentry_update_reval",
			 "ovl_rename"),
};
UT_REGISTER(sc);
