// SPDX-License-Identifier: GPL-2.0
/*
 * repro_ops.c - each op of lib/ops.c, lib/ops_meta.c and lib/ops_reclaim.c
 * as the plain C statement a reproducer carries.  A template is one
 * statement (or a braced block) with holes: $D the dirfd, $A and $B the
 * names, $X the op's argument, $L the layer, $O overlay's opaque xattr
 * (user.* under userxattr).  The syscalls and flags are those of the ops,
 * so the program does what the run did.
 */
#include <string.h>

#include "ops.h"
#include "repro.h"

static const struct ut_op_c op_c[] = {
	{ ut_op_stat, "fstatat($D, $A, &st, AT_SYMLINK_NOFOLLOW | $X);", 0 },
	{ ut_op_statx, "statx($D, $A, AT_SYMLINK_NOFOLLOW | $X, STATX_BASIC_STATS | STATX_BTIME, "
	  "&stx);", 0 },
	{ ut_op_access, "syscall(SYS_faccessat2, $D, $A, R_OK | W_OK, AT_EACCESS | $X);", 0 },
	{ ut_op_readlink, "readlinkat($D, $A, buf, sizeof(buf));", 0 },
	{ ut_op_chmod, "fchmodat($D, $A, 0755, 0);", 0 },
	{ ut_op_utimens, "utimensat($D, $A, NULL, AT_SYMLINK_NOFOLLOW);", 0 },
	{ ut_op_open, "closefd(openat($D, $A, O_RDONLY | $X));", 0 },
	{ ut_op_openat2, "closefd(syscall(SYS_openat2, $D, $A, &(struct open_how){ .flags = "
	  "O_RDONLY | O_NOFOLLOW, .resolve = $X }, sizeof(struct open_how)));", 0 },
	{ ut_op_creat, "closefd(openat($D, $A, O_CREAT | O_WRONLY | $X, 0644));", 0 },
	{ ut_op_read, "if ((fd = openat($D, $A, O_RDONLY | $X)) >= 0) { "
	  "read(fd, buf, sizeof(buf)); close(fd); }", 0 },
	{ ut_op_write, "if ((fd = openat($D, $A, O_WRONLY | $X)) >= 0) { "
	  "write(fd, buf, 64); close(fd); }", 0 },
	{ ut_op_truncate, "if ((fd = openat($D, $A, O_WRONLY)) >= 0) { "
	  "ftruncate(fd, $X); close(fd); }", 0 },
	{ ut_op_setxattr, "if ((fd = openat($D, $A, O_RDONLY | O_NOFOLLOW)) >= 0) { "
	  "fsetxattr(fd, \"user.undertow\", \"1\", 1, 0); close(fd); }", 0 },
	{ ut_op_mkdir, "mkdirat($D, $A, 0755);", 0 },
	{ ut_op_rmdir, "unlinkat($D, $A, AT_REMOVEDIR);", 0 },
	{ ut_op_unlink, "unlinkat($D, $A, 0);", 0 },
	{ ut_op_rename, "renameat2($D, $A, $D, $B, $X);", 0 },
	{ ut_op_link, "linkat($D, $A, $D, $B, $X);", 0 },
	{ ut_op_symlink, "symlinkat($A, $D, $B);", 0 },
	{ ut_op_whiteout, "mknodat($D, $A, S_IFCHR, 0);", 0 },
	{ ut_op_unwhiteout, "if (!fstatat($D, $A, &st, AT_SYMLINK_NOFOLLOW) && S_ISCHR(st.st_mode) "
	  "&& !st.st_rdev) unlinkat($D, $A, 0);", 0 },
	{ ut_op_getdents, "{ lseek($D, 0, SEEK_SET); readdir_fd($D, 0); }", UT_HELP_DIR },
	{ ut_op_readdir, "if ((fd = openat($D, $A, O_RDONLY | O_DIRECTORY)) >= 0) { "
	  "readdir_fd(fd, 0); close(fd); }", UT_HELP_DIR },
	{ ut_op_walk, "if ((fd = openat($D, $A, O_RDONLY | O_DIRECTORY)) >= 0) { "
	  "readdir_fd(fd, 1); close(fd); }", UT_HELP_DIR },
	{ ut_op_rmtree, "rmtree($D, $A, 16);", UT_HELP_DIR | UT_HELP_RMTREE },
	{ ut_op_recreate, "{ rmtree($D, $A, 16); seed($D, $L, $A); }",
	  UT_HELP_DIR | UT_HELP_RMTREE },
	{ ut_op_replace, "{ unlinkat($D, $A, 0); if ((fd = openat($D, $A, O_CREAT | O_EXCL | "
	  "O_WRONLY, 0644)) >= 0) { write(fd, buf, 7); close(fd); } }", 0 },
	{ ut_op_save, "{ if ((fd = openat($D, $A \".ut-save\", O_CREAT | O_TRUNC | O_WRONLY, "
	  "0644)) >= 0) { write(fd, buf, 7); close(fd); "
	  "renameat($D, $A \".ut-save\", $D, $A); } }", 0 },
	{ ut_op_opaque, "if ((fd = openat($D, $A, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) >= 0) { "
	  "if (fremovexattr(fd, $O)) fsetxattr(fd, $O, \"y\", 1, 0); close(fd); }", 0 },
	{ ut_op_touch_meta, "if (!fstatat($D, $A, &st, AT_SYMLINK_NOFOLLOW)) { "
	  "if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && (fd = openat($D, $A, O_RDONLY | "
	  "O_NOFOLLOW)) >= 0) { fsetxattr(fd, \"user.undertow-backup\", \"1\", 1, 0); close(fd); } "
	  "if (!S_ISLNK(st.st_mode)) fchmodat($D, $A, S_ISDIR(st.st_mode) ? 0755 : 0644, 0); "
	  "utimensat($D, $A, (struct timespec[2]){ { 1577836800, 0 }, { 1577836800, 0 } }, "
	  "AT_SYMLINK_NOFOLLOW); }", 0 },
	{ ut_op_reclaim, "if ((fd = open(\"/proc/sys/vm/drop_caches\", O_WRONLY)) >= 0) { "
	  "write(fd, \"2\", 1); close(fd); }", 0 },
};

const struct ut_op_c *ut_op_c_find(ut_op_fn fn)
{
	for (size_t i = 0; i < sizeof(op_c) / sizeof(op_c[0]); i++)
		if (op_c[i].fn == fn)
			return &op_c[i];
	return NULL;
}
