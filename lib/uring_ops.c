// SPDX-License-Identifier: GPL-2.0
/*
 * uring_ops.c - the io_uring twins of ops.c's worker ops.  One ring per
 * process, one request in flight: submit one SQE, wait for its CQE, return
 * cqe->res (already -errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>

#include "ops.h"
#include "uring_ops.h"

#define RING_ENTRIES	8
#define READ_SZ		4096
#define XATTR_NAME	"user.undertow"
#define XATTR_SZ	256

static const char payload[64] = "undertow was here: an io_uring write that copies up\n";

/* The opcodes these ops use, named for the probe note. */
static const struct {
	int op;
	const char *name;
} opcodes[] = {
	{ IORING_OP_OPENAT, "OPENAT" }, { IORING_OP_OPENAT2, "OPENAT2" },
	{ IORING_OP_STATX, "STATX" }, { IORING_OP_RENAMEAT, "RENAMEAT" },
	{ IORING_OP_UNLINKAT, "UNLINKAT" }, { IORING_OP_MKDIRAT, "MKDIRAT" },
	{ IORING_OP_SYMLINKAT, "SYMLINKAT" }, { IORING_OP_LINKAT, "LINKAT" },
	{ IORING_OP_READ, "READ" }, { IORING_OP_WRITE, "WRITE" },
	{ IORING_OP_CLOSE, "CLOSE" }, { IORING_OP_GETXATTR, "GETXATTR" },
};
#define NOPCODES	(sizeof(opcodes) / sizeof(opcodes[0]))

_Static_assert(IORING_OP_LAST <= 64, "supported-opcode mask is 64 bits");

/* This process's ring.  Private memory: each forked worker has its own. */
static struct {
	struct io_uring ring;
	bool up;		/* ring set up by this process */
	bool tried;		/* set-up attempted; err says how it went */
	bool inherited;		/* ring belongs to the parent we forked from */
	bool atfork;		/* fork handler registered */
	int err;		/* -errno of io_uring_queue_init */
	uint64_t supported;	/* bit per opcode */
	uint64_t seq;		/* user_data of the request in flight */
} ur;

/* Bit per opcode the kernel supports; 0 if it cannot even be probed. */
static uint64_t probe_mask(struct io_uring *r)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(r);
	uint64_t mask = 0;

	if (!p)
		return 0;
	for (size_t i = 0; i < NOPCODES; i++)
		if (io_uring_opcode_supported(p, opcodes[i].op))
			mask |= 1ULL << opcodes[i].op;
	io_uring_free_probe(p);
	return mask;
}

/*
 * A forked child shares the parent's ring memory: it must never submit on
 * it.  Mark it; the child's next uring op unmaps it and sets up its own.
 */
static void forget_ring_in_child(void)
{
	ur.inherited = ur.up;
	ur.up = false;
	ur.tried = false;
}

static void drop_ring(void)
{
	if (ur.up)
		io_uring_queue_exit(&ur.ring);
	ur.up = false;
	ur.tried = false;	/* the next op sets up a fresh one */
}

/* Set up this process's ring on first use.  0 or the set-up's -errno. */
static int ring_get(void)
{
	if (ur.up)
		return 0;
	if (ur.tried)
		return ur.err;
	if (!ur.atfork)
		ur.atfork = !pthread_atfork(NULL, NULL, forget_ring_in_child);
	if (ur.inherited)
		io_uring_queue_exit(&ur.ring);	/* our mapping and fd only */
	ur.inherited = false;
	ur.tried = true;
	ur.err = io_uring_queue_init(RING_ENTRIES, &ur.ring, 0);
	if (ur.err)
		return ur.err;
	ur.up = true;
	ur.supported = probe_mask(&ur.ring);
	return 0;
}

/* A free SQE for @opcode, or NULL with *err: no ring, or unsupported. */
static struct io_uring_sqe *sqe_for(int opcode, int *err)
{
	struct io_uring_sqe *sqe;

	*err = ring_get();
	if (*err)
		return NULL;
	if (!(ur.supported & (1ULL << opcode))) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	sqe = io_uring_get_sqe(&ur.ring);
	if (!sqe)
		*err = -EBUSY;	/* cannot happen with one request in flight */
	return sqe;
}

/*
 * Submit the prepared SQE and wait for its CQE.  0 with *res = cqe->res,
 * or -errno if the ring failed (request maybe never submitted: the ring is
 * dropped so a stale SQE cannot ride along with the next one).  The wait
 * is unbounded on purpose: a request the kernel is stuck on is a hang the
 * watchdog must see, like a blocking syscall.
 */
static int issue(struct io_uring_sqe *sqe, int *res)
{
	struct io_uring_cqe *cqe;
	uint64_t id = ++ur.seq;
	int r;

	io_uring_sqe_set_data64(sqe, id);
	r = io_uring_submit_and_wait(&ur.ring, 1);
	if (r <= 0) {
		drop_ring();
		return r ? r : -EAGAIN;
	}
	for (;;) {
		r = io_uring_wait_cqe(&ur.ring, &cqe);
		if (r == -EINTR)
			continue;	/* a signal, not a timeout: wait on */
		if (r < 0) {
			drop_ring();
			return r;
		}
		if (cqe->user_data == id)
			break;
		io_uring_cqe_seen(&ur.ring, cqe);	/* not ours: never expected */
	}
	*res = cqe->res;
	io_uring_cqe_seen(&ur.ring, cqe);
	return 0;
}

/* issue(), folded into one return: cqe->res or the ring's -errno. */
static int run(struct io_uring_sqe *sqe)
{
	int res, r = issue(sqe, &res);

	return r ? r : res;
}

static int uring_open(int dfd, const char *name, int flags, mode_t mode)
{
	int err;
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_OPENAT, &err);

	if (!sqe)
		return err;
	io_uring_prep_openat(sqe, dfd, name, flags | O_CLOEXEC, mode);
	return run(sqe);
}

/* Close @fd through the ring; close(2) if the ring could not take it. */
static int uring_close(int fd)
{
	int err, res;
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_CLOSE, &err);

	if (sqe) {
		io_uring_prep_close(sqe, fd);
		err = issue(sqe, &res);
		if (!err)
			return res;	/* the kernel took the fd either way */
	}
	close(fd);
	return err;
}

/* One read or write of a fresh fd at offset 0 (the sync twins' position). */
static int uring_rw(int opcode, int fd, void *buf, unsigned int len)
{
	int err;
	struct io_uring_sqe *sqe = sqe_for(opcode, &err);

	if (!sqe)
		return err;
	if (opcode == IORING_OP_READ)
		io_uring_prep_read(sqe, fd, buf, len, 0);
	else
		io_uring_prep_write(sqe, fd, buf, len, 0);
	return run(sqe);
}

/* open, one transfer, close: the first failure, else the byte count. */
static int open_rw_close(struct ut_ctx *c, const struct ut_op *op, int flags,
			 int opcode, void *buf, unsigned int len)
{
	int dfd = ut_dirfd(c, op);
	int fd = uring_open(dfd, ut_pick(c, op), flags | (int)op->arg, 0);
	int r, rc;

	if (fd < 0)
		return fd;
	r = uring_rw(opcode, fd, buf, len);
	rc = uring_close(fd);
	return r < 0 ? r : (rc < 0 ? rc : r);
}

int ut_uop_openat(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	int fd = uring_open(dfd, ut_pick(c, op), O_RDONLY | (int)op->arg, 0);

	return fd < 0 ? fd : uring_close(fd);
}

int ut_uop_openat2(struct ut_ctx *c, const struct ut_op *op)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
		.resolve = (uint64_t)op->arg,
	};
	int dfd = ut_dirfd(c, op), err, fd;
	const char *n = ut_pick(c, op);
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_OPENAT2, &err);

	if (!sqe)
		return err;
	io_uring_prep_openat2(sqe, dfd, n, &how);
	fd = run(sqe);
	return fd < 0 ? fd : uring_close(fd);
}

int ut_uop_statx(struct ut_ctx *c, const struct ut_op *op)
{
	struct statx stx;
	int dfd = ut_dirfd(c, op), err;
	const char *n = ut_pick(c, op);
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_STATX, &err);

	if (!sqe)
		return err;
	io_uring_prep_statx(sqe, dfd, n, AT_SYMLINK_NOFOLLOW | (int)op->arg,
			    STATX_BASIC_STATS | STATX_BTIME, &stx);
	return run(sqe);
}

int ut_uop_renameat(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op), err;
	const char *a = ut_pick(c, op), *b = ut_pick(c, op);
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_RENAMEAT, &err);

	if (!sqe)
		return err;
	io_uring_prep_renameat(sqe, dfd, a, dfd, b, (unsigned int)op->arg);
	return run(sqe);
}

int ut_uop_unlinkat(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op), err;
	const char *n = ut_pick(c, op);
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_UNLINKAT, &err);

	if (!sqe)
		return err;
	io_uring_prep_unlinkat(sqe, dfd, n, (int)op->arg);
	return run(sqe);
}

int ut_uop_mkdirat(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op), err;
	const char *n = ut_pick(c, op);
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_MKDIRAT, &err);

	if (!sqe)
		return err;
	io_uring_prep_mkdirat(sqe, dfd, n, 0755);
	return run(sqe);
}

int ut_uop_symlinkat(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op), err;
	const char *tgt = ut_pick(c, op), *b = ut_pick(c, op);
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_SYMLINKAT, &err);

	if (!sqe)
		return err;
	io_uring_prep_symlinkat(sqe, tgt, dfd, b);
	return run(sqe);
}

int ut_uop_linkat(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op), err;
	const char *a = ut_pick(c, op), *b = ut_pick(c, op);
	struct io_uring_sqe *sqe = sqe_for(IORING_OP_LINKAT, &err);

	if (!sqe)
		return err;
	io_uring_prep_linkat(sqe, dfd, a, dfd, b, (int)op->arg);
	return run(sqe);
}

int ut_uop_read(struct ut_ctx *c, const struct ut_op *op)
{
	char buf[READ_SZ];

	return open_rw_close(c, op, O_RDONLY, IORING_OP_READ, buf, sizeof(buf));
}

int ut_uop_write(struct ut_ctx *c, const struct ut_op *op)
{
	return open_rw_close(c, op, O_WRONLY, IORING_OP_WRITE, (void *)payload,
			     sizeof(payload));
}

int ut_uop_close(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_RDONLY | O_CLOEXEC | (int)op->arg);

	return fd < 0 ? -errno : uring_close(fd);
}

int ut_uring_fd_path(char *buf, size_t sz, int dirfd, const char *name)
{
	int n = snprintf(buf, sz, "/proc/self/fd/%d/%s", dirfd, name);

	return n < 0 || (size_t)n >= sz ? -ENAMETOOLONG : 0;
}

int ut_uop_getxattr(struct ut_ctx *c, const struct ut_op *op)
{
	char path[PATH_MAX], val[XATTR_SZ];
	int dfd = ut_dirfd(c, op), err;
	const char *n = ut_pick(c, op);
	struct io_uring_sqe *sqe;

	err = ut_uring_fd_path(path, sizeof(path), dfd, n);
	if (err)
		return err;
	sqe = sqe_for(IORING_OP_GETXATTR, &err);
	if (!sqe)
		return err;
	io_uring_prep_getxattr(sqe, XATTR_NAME, val, path, sizeof(val));
	return run(sqe);
}

/* kernel.io_uring_disabled, or -1 if the kernel has no such sysctl. */
static int uring_disabled_sysctl(void)
{
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "re");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int note_unavailable(char *buf, size_t sz, int err)
{
	int dis = uring_disabled_sysctl();
	char sysctl[48] = "";

	if (dis >= 0)
		snprintf(sysctl, sizeof(sysctl), " (kernel.io_uring_disabled=%d)", dis);
	snprintf(buf, sz, "io_uring unavailable: io_uring_queue_init: %s%s; every uring op returns it",
		 strerror(-err), sysctl);
	return err;
}

int ut_uring_probe_note(char *buf, size_t sz)
{
	struct io_uring r;
	uint64_t mask;
	size_t off;
	int err = io_uring_queue_init(RING_ENTRIES, &r, 0), missing = 0;

	if (err)
		return note_unavailable(buf, sz, err);
	mask = probe_mask(&r);
	io_uring_queue_exit(&r);
	off = (size_t)snprintf(buf, sz, "io_uring unsupported opcodes (ops return EOPNOTSUPP):");
	for (size_t i = 0; i < NOPCODES; i++) {
		if (mask & (1ULL << opcodes[i].op))
			continue;
		missing++;
		if (off < sz)
			off += (size_t)snprintf(buf + off, sz - off, " %s", opcodes[i].name);
	}
	if (!missing)
		snprintf(buf, sz, "io_uring: all %zu opcodes supported", NOPCODES);
	return missing;
}
