/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uring_ops.h - worker ops issued through io_uring instead of syscalls.
 *
 * Each ut_uop_X takes the same dirfd, names and op->arg as its twin ut_op_X
 * in ops.h, submits one SQE on the process's ring and returns the CQE's
 * result (0, a count or -errno), so a scenario can count both side by side.
 * io_uring runs path lookups (renameat, unlinkat, mkdirat, symlinkat,
 * linkat, statx, getxattr, and openat when the cached lookup fails) in
 * io-wq worker threads: overlay's lookups and override_creds then run in a
 * different task than the one that asked.
 *
 * The ring (8 entries) is set up lazily, once per process, on the first
 * uring op; a forked child sets up its own.  Two ways an op fails without
 * reaching the filesystem, which scenarios must tolerate:
 *   -EOPNOTSUPP  the kernel's probe lacks the op's opcode: nothing submitted;
 *   -errno of io_uring_queue_init (EPERM with kernel.io_uring_disabled,
 *                ENOSYS without CONFIG_IO_URING), from every op.
 */
#ifndef UT_URING_OPS_H
#define UT_URING_OPS_H

#include <stddef.h>

#include "scenario.h"

/* O_RDONLY | arg, then IORING_OP_CLOSE */
int ut_uop_openat(struct ut_ctx *c, const struct ut_op *op);
int ut_uop_openat2(struct ut_ctx *c, const struct ut_op *op);	/* arg = RESOLVE_* */
int ut_uop_statx(struct ut_ctx *c, const struct ut_op *op);	/* arg = extra AT_* */
int ut_uop_renameat(struct ut_ctx *c, const struct ut_op *op);	/* arg = RENAME_* */
int ut_uop_unlinkat(struct ut_ctx *c, const struct ut_op *op);	/* arg = 0 or AT_REMOVEDIR */
int ut_uop_mkdirat(struct ut_ctx *c, const struct ut_op *op);
int ut_uop_symlinkat(struct ut_ctx *c, const struct ut_op *op);	/* target = first pick */
int ut_uop_linkat(struct ut_ctx *c, const struct ut_op *op);	/* arg = AT_SYMLINK_FOLLOW */
/* OPENAT + READ/WRITE + CLOSE, all through the ring: the first failure, else the count. */
int ut_uop_read(struct ut_ctx *c, const struct ut_op *op);
int ut_uop_write(struct ut_ctx *c, const struct ut_op *op);	/* copies up */
/* openat(2), then IORING_OP_CLOSE: overlay's ->flush runs in io-wq. */
int ut_uop_close(struct ut_ctx *c, const struct ut_op *op);
/*
 * IORING_OP_GETXATTR of "user.undertow" (ENODATA unless something set it).
 * The opcode takes a path, not a dirfd: the name is resolved through
 * /proc/self/fd/<dirfd>/.  Its sync twin is getxattr(2) on the same path.
 */
int ut_uop_getxattr(struct ut_ctx *c, const struct ut_op *op);
/* The /proc/self/fd/<dirfd>/<name> path both getxattr twins use. */
int ut_uring_fd_path(char *buf, size_t sz, int dirfd, const char *name);

/*
 * One line for a note: which of the opcodes above this kernel lacks, or why
 * io_uring is unavailable.  Uses a throwaway ring: no lasting fd in the
 * caller.  Returns the number of unsupported opcodes, or -errno of
 * io_uring_queue_init.
 */
int ut_uring_probe_note(char *buf, size_t sz);

#endif
