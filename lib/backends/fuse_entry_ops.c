// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_entry_ops.c - the FUSE server's name and attribute operations,
 * and the fault names a lookup can hit (see fusefs.h).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuse_server.h"
#include "fusefs.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Keep @req unanswered: the looking-up task waits until abort. */
static void stall(struct fs *fs, fuse_req_t req)
{
	struct stalled *s = malloc(sizeof(*s));

	if (!s) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	s->req = req;
	s->next = fs->stalled;
	fs->stalled = s;
}

/* Answer what's still stalled, which also frees it (fails if aborted). */
void uf_stalled_free(struct fs *fs)
{
	while (fs->stalled) {
		struct stalled *s = fs->stalled;

		fs->stalled = s->next;
		fuse_reply_err(s->req, EIO);
		free(s);
	}
}

/* -1 = stall, else the errno to answer (0 = a real lookup). */
static int lookup_fault(const char *name)
{
	if (has_prefix(name, UT_FUSE_STALL))
		return -1;
	if (has_prefix(name, UT_FUSE_EIO))
		return EIO;
	if (has_prefix(name, UT_FUSE_ESTALE))
		return ESTALE;
	return 0;
}

/*
 * libfuse's defaults (no writeback cache, no readdirplus), plus parallel
 * dirops so that a stalled lookup leaves its directory's other lookups be.
 */
static void fs_init(void *data, struct fuse_conn_info *conn)
{
	struct fs *fs = data;

	if (conn->capable & FUSE_CAP_PARALLEL_DIROPS) {
		conn->want |= FUSE_CAP_PARALLEL_DIROPS;
		fs->parallel_dirops = true;
	}
}

static void fs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	struct node *p;
	int err = lookup_fault(name);

	if (err < 0) {
		stall(req_fs(req), req);
		return;
	}
	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	p = uf_get_node(req, parent);
	if (!p)
		return;
	err = uf_lookup(req_fs(req), p, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else
		uf_reply_entry(req, &e);
}

static void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	uf_node_forget(req_fs(req), ino, nlookup);
	fuse_reply_none(req);
}

static void fs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f)
{
	for (size_t i = 0; i < count; i++)
		uf_node_forget(req_fs(req), f[i].ino, f[i].nlookup);
	fuse_reply_none(req);
}

static int node_stat(struct node *n, struct fuse_file_info *fi, struct stat *st)
{
	if (fi)
		return fstat(fi->fh, st);
	return fstatat(n->fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

static void reply_attr(fuse_req_t req, struct node *n, struct fuse_file_info *fi)
{
	struct stat st;

	if (node_stat(n, fi, &st))
		fuse_reply_err(req, err_now());
	else
		fuse_reply_attr(req, &st, req_fs(req)->attr_timeout);
}

static void fs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = uf_get_node(req, ino);

	if (n)
		reply_attr(req, n, fi);
}

/* UTIME_NOW / UTIME_OMIT / the given time, as FUSE's valid bits say. */
static struct timespec pick_time(int valid, int set, int now, struct timespec t)
{
	if (valid & now)
		t.tv_nsec = UTIME_NOW;
	else if (!(valid & set))
		t.tv_nsec = UTIME_OMIT;
	return t;
}

static int set_times(struct node *n, int fd, const struct stat *a, int valid)
{
	struct timespec ts[2] = {
		pick_time(valid, FUSE_SET_ATTR_ATIME, FUSE_SET_ATTR_ATIME_NOW, a->st_atim),
		pick_time(valid, FUSE_SET_ATTR_MTIME, FUSE_SET_ATTR_MTIME_NOW, a->st_mtim),
	};

	if (fd >= 0)
		return futimens(fd, ts);
	return utimensat(n->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

static int set_owner(struct node *n, const struct stat *a, int valid)
{
	uid_t uid = valid & FUSE_SET_ATTR_UID ? a->st_uid : (uid_t)-1;
	gid_t gid = valid & FUSE_SET_ATTR_GID ? a->st_gid : (gid_t)-1;

	return fchownat(n->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

/* Apply @a's @valid fields; an open file's fd is used when there is one. */
static int set_attrs(struct node *n, const struct stat *a, int valid, int fd)
{
	struct proc_path p;

	proc_path(&p, n->fd);
	if (valid & FUSE_SET_ATTR_MODE &&
	    (fd >= 0 ? fchmod(fd, a->st_mode) : chmod(p.s, a->st_mode)))
		return -1;
	if (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID) && set_owner(n, a, valid))
		return -1;
	if (valid & FUSE_SET_ATTR_SIZE &&
	    (fd >= 0 ? ftruncate(fd, a->st_size) : truncate(p.s, a->st_size)))
		return -1;
	if (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME) && set_times(n, fd, a, valid))
		return -1;
	return 0;
}

static void fs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int valid,
		       struct fuse_file_info *fi)
{
	struct node *n = uf_get_node(req, ino);

	if (!n)
		return;
	if (set_attrs(n, attr, valid, fi ? (int)fi->fh : -1))
		fuse_reply_err(req, err_now());
	else
		reply_attr(req, n, fi);
}

static void fs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = uf_get_node(req, ino);
	char buf[PATH_MAX + 1];
	ssize_t len;

	if (!n)
		return;
	len = readlinkat(n->fd, "", buf, sizeof(buf));
	if (len < 0) {
		fuse_reply_err(req, err_now());
		return;
	}
	if (len == sizeof(buf)) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	buf[len] = '\0';
	fuse_reply_readlink(req, buf);
}

/* Covers overlay whiteouts too: a char device 0/0. */
static void fs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		     dev_t rdev)
{
	struct node *p = uf_get_node(req, parent);

	if (p)
		uf_reply_created(req, p, name, mknodat(p->fd, name, mode, rdev));
}

static void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct node *p = uf_get_node(req, parent);

	if (p)
		uf_reply_created(req, p, name, mkdirat(p->fd, name, mode));
}

static void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct node *p = uf_get_node(req, parent);

	if (p)
		uf_reply_created(req, p, name, symlinkat(link, p->fd, name));
}

static void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *p = uf_get_node(req, parent);

	if (p)
		reply_status(req, unlinkat(p->fd, name, 0));
}

static void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *p = uf_get_node(req, parent);

	if (p)
		reply_status(req, unlinkat(p->fd, name, AT_REMOVEDIR));
}

static void fs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct node *p = uf_get_node(req, parent), *np;

	if (!p)
		return;
	np = uf_get_node(req, newparent);
	if (np)
		reply_status(req, renameat2(p->fd, name, np->fd, newname, flags));
}

/* Link the inode itself, wherever it is now (root may use AT_EMPTY_PATH). */
static int link_node(struct node *n, struct node *np, const char *newname)
{
	struct proc_path p;

	if (!linkat(n->fd, "", np->fd, newname, AT_EMPTY_PATH))
		return 0;
	if (errno != EPERM)
		return -1;
	return linkat(AT_FDCWD, proc_path(&p, n->fd), np->fd, newname, AT_SYMLINK_FOLLOW);
}

static void fs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct fuse_entry_param e = { 0 };
	struct node *n = uf_get_node(req, ino), *np;

	if (!n)
		return;
	np = uf_get_node(req, newparent);
	if (!np)
		return;
	if (link_node(n, np, newname) || node_stat(n, NULL, &e.attr)) {
		fuse_reply_err(req, err_now());
		return;
	}
	uf_fill_entry(req_fs(req), n, &e);
	uf_reply_entry(req, &e);
}

void uf_entry_ops(struct fuse_lowlevel_ops *ops)
{
	ops->init = fs_init;
	ops->lookup = fs_lookup;
	ops->forget = fs_forget;
	ops->forget_multi = fs_forget_multi;
	ops->getattr = fs_getattr;
	ops->setattr = fs_setattr;
	ops->readlink = fs_readlink;
	ops->mknod = fs_mknod;
	ops->mkdir = fs_mkdir;
	ops->unlink = fs_unlink;
	ops->rmdir = fs_rmdir;
	ops->symlink = fs_symlink;
	ops->rename = fs_rename;
	ops->link = fs_link;
}
