// SPDX-License-Identifier: GPL-2.0
/*
 * stale-dirfd-at: workers open dirfds on merged subdirectories at start and
 * keep issuing every *at() call relative to them after mutators renamed or
 * removed the real directories in lower and upper (the seed's
 * "xxxat(dfd, ...)" case): ovl_lookup on a parent whose real dirs are
 * gone, ovl_create/ovl_rename/ovl_link under a dead upper parent.
 *
 * ENOENT from a create, link, rename or remove relative to such a dirfd
 * is the point, not a miss: the dir is dead, and the call ran overlay's
 * lookup and create/remove on it.  Those ops count it as reached.
 */
#include <fcntl.h>
#include <linux/openat2.h>

#include "ops.h"

#define IN UT_NAMES("n0", "n1", "n2", "sub", "ln")
#define DEAD UT_ERRNOS(ENOENT)

static const struct ut_scenario sc = {
	.name = "stale-dirfd-at",
	.desc = "every *at() call relative to dirfds whose real dirs were renamed/removed",
	.tags = "dirfd lower upper rename quick",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:p/", "0:p/n0=0", "0:p/sub/", "0:p/ln->n0", "0:p/q/", "0:p/q/n1=1",
			 "0:r/", "0:r/n2=2", "u:r/", "u:r/n1=u", "u:s/", "u:s/n0=s"),
	.hold = UT_NAMES("p", "p/q", "r", "s"),
	.names = IN,
	.workers = {
		{ "openat", ut_op_open, 3, UT_AT_HELD },
		{ "openat_creat", ut_op_creat, 2, UT_AT_HELD },
		{ "openat2", ut_op_openat2, 1, UT_AT_HELD, NULL, RESOLVE_BENEATH },
		{ "mkdirat", ut_op_mkdir, 1, UT_AT_HELD, NULL, 0, DEAD },
		{ "unlinkat", ut_op_unlink, 1, UT_AT_HELD, NULL, 0, DEAD },
		{ "unlinkat_dir", ut_op_rmdir, 1, UT_AT_HELD, NULL, 0, DEAD },
		{ "renameat2", ut_op_rename, 1, UT_AT_HELD },
		{ "renameat2_noreplace", ut_op_rename, 1, UT_AT_HELD, NULL, RENAME_NOREPLACE,
		  DEAD },
		{ "renameat2_exchange", ut_op_rename, 1, UT_AT_HELD, NULL, RENAME_EXCHANGE },
		{ "renameat2_whiteout", ut_op_rename, 1, UT_AT_HELD, NULL, RENAME_WHITEOUT },
		{ "linkat", ut_op_link, 1, UT_AT_HELD, NULL, 0, DEAD },
		{ "symlinkat", ut_op_symlink, 1, UT_AT_HELD, NULL, 0, DEAD },
		{ "readlinkat", ut_op_readlink, 1, UT_AT_HELD },
		{ "faccessat2", ut_op_access, 1, UT_AT_HELD },
		{ "fchmodat", ut_op_chmod, 1, UT_AT_HELD },
		{ "utimensat", ut_op_utimens, 1, UT_AT_HELD },
		{ "fstatat", ut_op_stat, 2, UT_AT_HELD },
	},
	.mutators = {
		{ "lower_rename", ut_op_rename, 2, UT_AT_LOWER0, UT_NAMES("p", "p2", "r", "p/q", "q") },
		{ "lower_recreate", ut_op_recreate, 1, UT_AT_LOWER0, UT_NAMES("p", "r", "p/q") },
		{ "upper_rename", ut_op_rename, 2, UT_AT_UPPER, UT_NAMES("p", "p2", "r", "s", "s2") },
		{ "upper_rmtree", ut_op_rmtree, 1, UT_AT_UPPER, UT_NAMES("p", "p/q", "r", "s") },
		{ "upper_recreate", ut_op_recreate, 1, UT_AT_UPPER, UT_NAMES("r", "s") },
	},
	/*
	 * EIO: overlay noticed upper changed under a cached dentry.  Plain
	 * semantics: EINVAL (readlink of a non-link, RENAME_WHITEOUT, a dir
	 * into its own subtree), EPERM (linkat of a directory).  ENODATA
	 * (metacopy=on; 6.18, 1 or 2 calls in 2 of 34 runs): an open for
	 * write of a metacopy file whose lower data moved away underneath
	 * ("metacopy with no lower data found").
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO, EINVAL, EPERM, ENODATA),
	.aims = UT_NAMES("ovl_lookup", "ovl_create_or_link", "ovl_rename",
			 "ovl_link", "ovl_mkdir"),
};
UT_REGISTER(sc);
