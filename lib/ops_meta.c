// SPDX-License-Identifier: GPL-2.0
/*
 * ops_meta.c - mutator ops that change an entry's metadata on a layer,
 * never its data or its name: overlay's opaque mark on an upper dir
 * flipped by hand, and what a backup restore leaves on an entry.
 */
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "ops.h"

const char *ut_ovl_opaque_xattr(bool userxattr)
{
	return userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
}

/*
 * Toggle overlay's opaque mark on an upper dir, as a container tool or a
 * hand fix does: remove it, or set it ("y") when there is none.  Removing
 * first leaves no window between a look and the change.
 */
int ut_op_opaque(struct ut_ctx *c, const struct ut_op *op)
{
	const char *xa = ut_ovl_opaque_xattr(c->userxattr);
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = UT_RET(fremovexattr(fd, xa));
	if (r == -ENODATA)
		r = UT_RET(fsetxattr(fd, xa, "y", 1, 0));
	close(fd);
	return r;
}

/* The restore's user.* xattr: regular files and dirs only take them. */
static int restore_xattr(int dfd, const char *name, mode_t mode)
{
	int fd, r;

	if (!S_ISREG(mode) && !S_ISDIR(mode))
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = UT_RET(fsetxattr(fd, "user.undertow-backup", "1", 1, 0));
	close(fd);
	return r == -EOPNOTSUPP ? 0 : r;	/* tmpfs before 6.6 has no user.* */
}

/*
 * What rsync -a or tar -x --xattrs does to an entry that is already
 * there: its xattr, its mode (a symlink's is not its own: chmod would
 * follow it) and, last, its times; the data stays as it is.
 */
int ut_op_touch_meta(struct ut_ctx *c, const struct ut_op *op)
{
	static const struct timespec ts[2] = { { UT_RESTORED_SEC, 0 }, { UT_RESTORED_SEC, 0 } };
	struct stat st;
	int dfd = ut_dirfd(c, op);
	const char *n = ut_pick(c, op);
	int r;

	if (fstatat(dfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	r = restore_xattr(dfd, n, st.st_mode);
	if (r)
		return r;
	if (!S_ISLNK(st.st_mode) &&
	    fchmodat(dfd, n, S_ISDIR(st.st_mode) ? 0755 : 0644, 0) < 0)
		return -errno;
	return UT_RET(utimensat(dfd, n, ts, AT_SYMLINK_NOFOLLOW));
}
