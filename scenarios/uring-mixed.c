// SPDX-License-Identifier: GPL-2.0
/*
 * uring-mixed: the same names, through the same held dirfds and the merged
 * root, by syscalls and by io_uring at once, while mutators rename and
 * recreate the lower dirs and unlink in upper.  Each io_uring twin is
 * counted as its own op ("statx" vs "uring_statx") so the two paths' return
 * codes can be compared.
 *
 * Aims at overlay entered from io-wq: io_uring runs renameat, unlinkat,
 * mkdirat, symlinkat, linkat, statx and getxattr (and openat once the
 * RCU-only LOOKUP_CACHED walk gives up) in io-wq worker threads.  There
 * ovl_lookup, ovl_create_or_link, ovl_rename and copy-up run
 * ovl_override_creds() in a task other than the one that asked (same
 * creds, different current), and IORING_OP_CLOSE of a merged file
 * (overlay has ->flush) is punted there too, with the final fput after
 * the CQE.  Lookups under a held dirfd whose real dirs died then come
 * from that context.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/xattr.h>

#include "ops.h"
#include "uring_ops.h"

/*
 * Lookups and I/O go to names the mutators change underneath; creates and
 * removes get names of their own, which only workers touch: a name removed
 * in upper underneath stays cached positive in overlay (tmpfs upper is not
 * revalidated), so creates there would only ever see EEXIST.
 */
#define IN	UT_NAMES("f", "g", "h", "l", "sub", "n0", "m0")
#define NEW	UT_NAMES("f", "g", "n0", "n1", "n2")	/* targets + new names */
#define DIRS	UT_NAMES("m0", "m1", "m2", "sub")
#define XATTR_RAN UT_ERRNOS(ENODATA, EOPNOTSUPP)
#define ROOT	UT_NAMES("d/f", "d/g", "d/sub/x", "e/f", "d/sub", "d2/f", "e/sub/n0")

/* getxattr(2) on the same /proc/self/fd path uring_getxattr resolves. */
static int op_getxattr(struct ut_ctx *c, const struct ut_op *op)
{
	char path[PATH_MAX], val[256];
	int dfd = ut_dirfd(c, op);
	int err = ut_uring_fd_path(path, sizeof(path), dfd, ut_pick(c, op));

	if (err)
		return err;
	return UT_RET(getxattr(path, "user.undertow", val, sizeof(val)));
}

static const struct ut_scenario sc = {
	.name = "uring-mixed",
	.desc = "sync syscalls and their io_uring twins on the same names while layers change",
	.tags = "io_uring dirfd lower upper rename",
	.lowers = 1,
	.bystander = true,	/* lost data in ut-bystander/ (det_bystander.c) */
	.seed = UT_NAMES("0:d/", "0:d/f=lower f", "0:d/g=g", "0:d/l->f", "0:d/sub/",
			 "0:d/sub/x=x", "0:d/sub/f=sf", "0:e/", "0:e/f=e", "0:e/sub/",
			 "u:d/", "u:d/h=upper h", "u:e/", "u:e/g=ug"),
	.hold = UT_NAMES("d", "e", "d/sub"),
	.names = IN,
	.workers = {
		{ "openat", ut_op_open, 2, UT_AT_HELD },
		{ "uring_openat", ut_uop_openat, 2, UT_AT_HELD },
		{ "statx", ut_op_statx, 2, UT_AT_HELD },
		{ "uring_statx", ut_uop_statx, 2, UT_AT_HELD },
		{ "read", ut_op_read, 2, UT_AT_HELD },
		{ "uring_read", ut_uop_read, 2, UT_AT_HELD },
		{ "write", ut_op_write, 1, UT_AT_HELD },
		{ "uring_write", ut_uop_write, 1, UT_AT_HELD },
		{ "renameat2", ut_op_rename, 1, UT_AT_HELD, NEW },
		{ "uring_renameat", ut_uop_renameat, 1, UT_AT_HELD, NEW },
		{ "symlinkat", ut_op_symlink, 1, UT_AT_HELD, NEW },
		{ "uring_symlinkat", ut_uop_symlinkat, 1, UT_AT_HELD, NEW },
		{ "linkat", ut_op_link, 1, UT_AT_HELD, NEW },
		{ "uring_linkat", ut_uop_linkat, 1, UT_AT_HELD, NEW },
		{ "unlinkat", ut_op_unlink, 2, UT_AT_HELD, NEW },
		{ "uring_unlinkat", ut_uop_unlinkat, 2, UT_AT_HELD, NEW },
		{ "mkdirat", ut_op_mkdir, 1, UT_AT_HELD, DIRS },
		{ "uring_mkdirat", ut_uop_mkdirat, 1, UT_AT_HELD, DIRS },
		{ "unlinkat_dir", ut_op_rmdir, 1, UT_AT_HELD, DIRS },
		{ "uring_unlinkat_dir", ut_uop_unlinkat, 1, UT_AT_HELD, DIRS, AT_REMOVEDIR },
		{ "openat2", ut_op_openat2, 1, UT_AT_MERGED, ROOT, RESOLVE_BENEATH },
		{ "uring_openat2", ut_uop_openat2, 1, UT_AT_MERGED, ROOT, RESOLVE_BENEATH },
		/*
		 * ENODATA: ovl_xattr_get ran and found no user.undertow;
		 * EOPNOTSUPP: it ran and the upper had no user xattrs (before 6.6).
		 */
		{ "getxattr", op_getxattr, 1, UT_AT_MERGED, ROOT, 0, XATTR_RAN },
		{ "uring_getxattr", ut_uop_getxattr, 1, UT_AT_MERGED, ROOT, 0, XATTR_RAN },
	},
	.mutators = {
		{ "lower_rename", ut_op_rename, 2, UT_AT_LOWER0,
		  UT_NAMES("d", "d2", "e", "d/sub", "e/sub") },
		{ "lower_recreate", ut_op_recreate, 1, UT_AT_LOWER0, UT_NAMES("d", "e", "d/sub") },
		{ "upper_unlink", ut_op_unlink, 3, UT_AT_UPPER,
		  UT_NAMES("d/f", "d/g", "d/h", "d/l", "e/f", "e/g", "e/h", "d/sub/f") },
		{ "upper_rmtree", ut_op_rmtree, 1, UT_AT_UPPER, UT_NAMES("d/sub", "e/sub") },
		/*
		 * What the two above remove comes back in upper (new inodes under
		 * cached merged dentries): without it, upper held nothing more to
		 * remove after the first milliseconds.
		 */
		{ "upper_creat", ut_op_creat, 2, UT_AT_UPPER,
		  UT_NAMES("d/f", "d/g", "d/h", "e/f", "e/g", "d/sub/f") },
		{ "upper_mkdir", ut_op_mkdir, 1, UT_AT_UPPER, UT_NAMES("d/sub", "e/sub") },
	},
	/*
	 * ESTALE, EIO: overlay's documented "undefined results" of a layer
	 * changed underneath (a cached merged dentry whose upper was removed;
	 * "failed to lock workdir+upperdir").  EOPNOTSUPP: a uring op whose
	 * opcode this kernel lacks (never submitted); and, on kernels before
	 * 6.6 only (seen on 6.1, never on 6.12 or 6.18), getxattr user.* of a
	 * file whose upper is on tmpfs, which had no user xattrs.  EPERM: io_uring
	 * disabled (kernel.io_uring_disabled): every uring op returns it.
	 * EINVAL: lower_rename of a dir into its own subtree (d -> d/sub).
	 * ENODATA: nothing sets user.undertow: getxattr's plain answer.
	 * EACCES/ENXIO: upper_creat opening a whiteout an overlay unlink left
	 * (a 0/0 char device: EACCES on the nodev tmpfs, ENXIO on a loop fs).
	 */
	.tolerated = UT_ERRNOS(ESTALE, EIO, EOPNOTSUPP, EPERM, EINVAL, ENODATA, EACCES, ENXIO),
	/*
	 * Found by this scenario on 6.18 (about one 2 s run in 25, on the
	 * uring_write path: IORING_OP_OPENAT for write, the copy-up, WRITE,
	 * CLOSE): a CQE carrying -512, ERESTARTSYS, a kernel-internal errno
	 * that must never reach userspace.  Reported on every run as a known
	 * issue; undertow diff shows when a kernel stops (or starts) doing it.
	 */
	.known = UT_ERRNOS(UT_ERESTARTSYS),
	/* Coverage counts the syscall twins: io-wq threads are not in its pid filter. */
	.aims = UT_NAMES("ovl_lookup", "ovl_create_or_link", "ovl_rename", "ovl_do_remove"),
};
UT_REGISTER(sc);
