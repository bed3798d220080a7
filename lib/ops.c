// SPDX-License-Identifier: GPL-2.0
/* ops.c - the *at() ops scenarios are declared from.  Each returns 0 (or a
 * count) or -errno, and records what it touched in the trace ring. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "dents.h"
#include "ops.h"

#define RMTREE_DEPTH	16

static const char payload[64] = "undertow was here: a write that copies up\n";

int ut_op_stat(struct ut_ctx *c, const struct ut_op *op)
{
	struct stat st;
	int dfd = ut_dirfd(c, op);

	return UT_RET(fstatat(dfd, ut_pick(c, op), &st, AT_SYMLINK_NOFOLLOW | op->arg));
}

int ut_op_statx(struct ut_ctx *c, const struct ut_op *op)
{
	struct statx stx;
	int dfd = ut_dirfd(c, op);

	return UT_RET(statx(dfd, ut_pick(c, op), AT_SYMLINK_NOFOLLOW | op->arg,
			    STATX_BASIC_STATS | STATX_BTIME, &stx));
}

int ut_op_access(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return UT_RET(syscall(SYS_faccessat2, dfd, ut_pick(c, op), R_OK | W_OK,
			      AT_EACCESS | op->arg));
}

int ut_op_readlink(struct ut_ctx *c, const struct ut_op *op)
{
	char buf[PATH_MAX];
	int dfd = ut_dirfd(c, op);

	return UT_RET(readlinkat(dfd, ut_pick(c, op), buf, sizeof(buf)));
}

int ut_op_chmod(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	const char *n = ut_pick(c, op);

	return UT_RET(fchmodat(dfd, n, (ut_rng_next(&c->rng) & 1) ? 0755 : 0700, 0));
}

int ut_op_utimens(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return UT_RET(utimensat(dfd, ut_pick(c, op), NULL, AT_SYMLINK_NOFOLLOW));
}

/* open, then close: the close cannot fail in a way we count. */
static int open_close(int dfd, const char *name, int flags, mode_t mode)
{
	int fd = openat(dfd, name, flags | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int ut_op_open(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return open_close(dfd, ut_pick(c, op), O_RDONLY | op->arg, 0);
}

int ut_op_openat2(struct ut_ctx *c, const struct ut_op *op)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
		.resolve = (uint64_t)op->arg,
	};
	int dfd = ut_dirfd(c, op);
	long fd = syscall(SYS_openat2, dfd, ut_pick(c, op), &how, sizeof(how));

	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

int ut_op_creat(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return open_close(dfd, ut_pick(c, op), O_CREAT | O_WRONLY | op->arg, 0644);
}

int ut_op_read(struct ut_ctx *c, const struct ut_op *op)
{
	char buf[4096];
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_RDONLY | O_CLOEXEC | op->arg);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf));
	r = UT_RET(r);
	close(fd);
	return (int)r;
}

int ut_op_write(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_WRONLY | O_CLOEXEC | op->arg);
	ssize_t r;

	if (fd < 0)
		return -errno;
	ut_reached(c, true);	/* the open for write copied up */
	r = write(fd, payload, sizeof(payload));
	r = UT_RET(r);
	close(fd);
	return (int)r;
}

int ut_op_truncate(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_WRONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	ut_reached(c, true);	/* the open for write copied up */
	r = UT_RET(ftruncate(fd, op->arg));
	close(fd);
	return r;
}

int ut_op_setxattr(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int r;

	if (fd < 0)
		return -errno;
	r = UT_RET(fsetxattr(fd, "user.undertow", "1", 1, 0));
	/* Overlay copies up first; an upper without user xattrs refuses after. */
	ut_reached(c, !r || r == -EOPNOTSUPP);
	close(fd);
	return r;
}

int ut_op_mkdir(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return UT_RET(mkdirat(dfd, ut_pick(c, op), 0755));
}

int ut_op_rmdir(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return UT_RET(unlinkat(dfd, ut_pick(c, op), AT_REMOVEDIR));
}

int ut_op_unlink(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return UT_RET(unlinkat(dfd, ut_pick(c, op), 0));
}

int ut_op_rename(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	const char *a = ut_pick(c, op), *b = ut_pick(c, op);

	return UT_RET(renameat2(dfd, a, dfd, b, (unsigned)op->arg));
}

int ut_op_link(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	const char *a = ut_pick(c, op), *b = ut_pick(c, op);

	return UT_RET(linkat(dfd, a, dfd, b, (int)op->arg));
}

int ut_op_symlink(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	const char *tgt = ut_pick(c, op), *b = ut_pick(c, op);

	return UT_RET(symlinkat(tgt, dfd, b));
}

int ut_op_whiteout(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return UT_RET(mknodat(dfd, ut_pick(c, op), S_IFCHR | 0, makedev(0, 0)));
}

/*
 * Remove the name only if it is a whiteout: a cleaner of a layer's
 * whiteouts, which leaves files and dirs alone.  -ENOENT when the name is
 * not a whiteout: there is no whiteout to remove.
 */
int ut_op_unwhiteout(struct ut_ctx *c, const struct ut_op *op)
{
	struct stat st;
	int dfd = ut_dirfd(c, op);
	const char *n = ut_pick(c, op);

	if (fstatat(dfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISCHR(st.st_mode) || st.st_rdev)
		return -ENOENT;
	return UT_RET(unlinkat(dfd, n, 0));
}

static int count_one(int fd, const char *name, unsigned char type, void *arg)
{
	(void)fd, (void)name, (void)type;
	++*(int *)arg;
	return 0;
}

/* Read a whole directory from its current offset; entries or -errno. */
static int read_dir(int fd)
{
	int n = 0, err = ut_dents_each(fd, count_one, &n);

	return err ? err : n;
}

int ut_op_getdents(struct ut_ctx *c, const struct ut_op *op)
{
	int fd = ut_dirfd(c, op);

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return read_dir(fd);
}

int ut_op_readdir(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = read_dir(fd);
	close(fd);
	return r;
}

struct stat_walk {
	int n, err;	/* entries stat'ed, first failure */
};

static int stat_one(int fd, const char *name, unsigned char type, void *arg)
{
	struct stat_walk *w = arg;
	struct stat st;

	(void)type;
	if (ut_dent_is_dot(name))
		return 0;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 && !w->err)
		w->err = -errno;
	w->n++;
	return 0;
}

/* fstatat every entry of a directory fd: the first failure, else count. */
static int stat_entries(int fd)
{
	struct stat_walk w = { 0 };
	int err = ut_dents_each(fd, stat_one, &w);

	if (err)
		return err;
	return w.err ? w.err : w.n;
}

int ut_op_walk(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	int fd = openat(dfd, ut_pick(c, op), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = stat_entries(fd);
	close(fd);
	return r;
}

static int rm_one(int fd, const char *name, unsigned char type, void *arg)
{
	int err;

	(void)type;
	if (ut_dent_is_dot(name))
		return 0;
	err = ut_rmtree_at(fd, name, *(int *)arg);
	return err == -ENOENT ? 0 : err;	/* raced with another mutator */
}

int ut_rmtree_at(int dirfd, const char *name, int depth)
{
	int fd, err, below = depth - 1;

	if (!unlinkat(dirfd, name, 0))
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	if (depth <= 0)
		return -ELOOP;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = ut_dents_each(fd, rm_one, &below);
	close(fd);
	if (err)
		return err;
	return UT_RET(unlinkat(dirfd, name, AT_REMOVEDIR));
}

int ut_op_rmtree(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);

	return ut_rmtree_at(dfd, ut_pick(c, op), RMTREE_DEPTH);
}

static char layer_char(enum ut_where at)
{
	if (at >= UT_AT_LOWER0 && at <= UT_AT_LOWER3)
		return (char)('0' + (at - UT_AT_LOWER0));
	return at == UT_AT_UPPER ? 'u' : '?';
}

int ut_op_recreate(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	const char *name = ut_pick(c, op);
	int r = ut_rmtree_at(dfd, name, RMTREE_DEPTH);

	if (r && r != -ENOENT)
		return r;
	return ut_seed_layer(dfd, c->sc->seed, layer_char(op->at), name);
}

/* Write 1..64 bytes to a new file, then close it: 0 or -errno. */
static int fill_new(struct ut_ctx *c, int dfd, const char *name, int excl)
{
	int fd = openat(dfd, name, O_CREAT | excl | O_WRONLY | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, payload, (ut_rng_next(&c->rng) % sizeof(payload)) + 1);
	w = UT_RET(w);
	close(fd);
	return w < 0 ? (int)w : 0;
}

int ut_op_replace(struct ut_ctx *c, const struct ut_op *op)
{
	int dfd = ut_dirfd(c, op);
	const char *name = ut_pick(c, op);

	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	return fill_new(c, dfd, name, O_EXCL);
}

/*
 * An editor's save: the new text goes to a file beside the name, renamed
 * over it, so the name never goes missing while its inode changes.
 */
int ut_op_save(struct ut_ctx *c, const struct ut_op *op)
{
	char tmp[PATH_MAX];
	int dfd = ut_dirfd(c, op);
	const char *name = ut_pick(c, op);
	int r;

	if (snprintf(tmp, sizeof(tmp), "%s.ut-save", name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	r = fill_new(c, dfd, tmp, O_TRUNC);
	return r ? r : UT_RET(renameat(dfd, tmp, dfd, name));
}

/* One seed entry, "path/", "path=text", "path->target" or "path!". */
int ut_seed_entry(int dirfd, const char *spec)
{
	char path[PATH_MAX];
	const char *eq = strchr(spec, '='), *arrow = strstr(spec, "->");
	size_t len = strlen(spec);
	int fd;

	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, spec, len + 1);
	if (arrow && (!eq || arrow < eq)) {
		path[arrow - spec] = '\0';
		return UT_RET(symlinkat(arrow + 2, dirfd, path));
	}
	if (len && path[len - 1] == '/') {
		path[len - 1] = '\0';
		return mkdirat(dirfd, path, 0755) && errno != EEXIST ? -errno : 0;
	}
	if (len && path[len - 1] == '!') {
		path[len - 1] = '\0';
		return UT_RET(mknodat(dirfd, path, S_IFCHR, makedev(0, 0)));
	}
	if (eq)
		path[eq - spec] = '\0';
	fd = openat(dirfd, path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (eq && eq[1] && write(fd, eq + 1, strlen(eq + 1)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

/* Does seed path @p lie at or under @prefix? */
static bool under(const char *p, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(p, prefix, n))
		return false;
	return p[n] == '\0' || p[n] == '/' || p[n] == '=' || p[n] == '!' ||
	       (p[n] == '-' && p[n + 1] == '>');
}

/* Create the seed entries of @layer (all, or those under @prefix). */
int ut_seed_layer(int dirfd, const char *const *seed, char layer, const char *prefix)
{
	for (; seed && *seed; seed++) {
		const char *s = *seed;
		int r;

		if (s[0] != layer || s[1] != ':')
			continue;
		if (prefix && !under(s + 2, prefix))
			continue;
		r = ut_seed_entry(dirfd, s + 2);
		if (r && r != -EEXIST)
			return r;
	}
	return 0;
}
