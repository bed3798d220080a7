// SPDX-License-Identifier: GPL-2.0
/*
 * fusefs.c - FUSE passthrough of a directory that changes underneath, and
 * the process control around it (start, connection abort, stop).
 *
 * Nodes are keyed by (st_dev, st_ino) and each holds an O_PATH fd opened
 * by name under its parent at lookup time.  The fd pins the inode, so an
 * inode number can't be reused while its node lives, and operations follow
 * the inode through renames and unlinks done by others.  Node ids handed to
 * the kernel are never reused, so a stale id gets ESTALE, not another file.
 */
#define FUSE_USE_VERSION 35

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include <fuse_lowlevel.h>
#include <linux/fuse.h>

#include "fusefs.h"

#define NODE_BUCKETS	4096
#define POLL_MS		10
#define FUSECTL_DIR	"/sys/fs/fuse/connections"
#define FUSECTL_MAGIC	0x65735543
/* fsname=undertow,subtype=undertow become mount(2)'s source and type. */
#define MOUNT_SOURCE	"undertow"
#define MOUNT_TYPE	"fuse.undertow"
#define MOUNT_OPTS	"default_permissions,allow_other"

struct node {
	struct node *key_next;	/* chain in fs->by_key */
	struct node *id_next;	/* chain in fs->by_id */
	fuse_ino_t id;
	dev_t dev;
	ino_t ino;
	int fd;			/* O_PATH */
	uint64_t nlookup;
};

/* A lookup we never answer; kept to free it when the server ends. */
struct stalled {
	struct stalled *next;
	fuse_req_t req;
};

struct fs {
	struct node root;	/* FUSE_ROOT_ID, in neither table, never freed */
	struct node *by_key[NODE_BUCKETS];
	struct node *by_id[NODE_BUCKETS];
	fuse_ino_t next_id;
	double entry_timeout, attr_timeout;
	struct stalled *stalled;
	uint64_t init_unique;	/* the INIT request, until it is answered */
	bool parallel_dirops;	/* init() asked for it */
};

/* An open directory: where the DIR stream is, in the kernel's offsets. */
struct dirh {
	DIR *dp;
	off_t pos;	/* offset after the last entry handed out */
	bool synced;	/* the stream is really at pos */
};

struct proc_path {
	char s[32];
};

/* Path that reaches the inode behind @fd, even after rename or unlink. */
static const char *proc_path(struct proc_path *p, int fd)
{
	snprintf(p->s, sizeof(p->s), "/proc/self/fd/%d", fd);
	return p->s;
}

static struct fs *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* ---- node table ---- */

static unsigned int key_hash(dev_t dev, ino_t ino)
{
	return (unsigned int)((ino * 0x9e3779b97f4a7c15ULL ^ dev) % NODE_BUCKETS);
}

static struct node *node_by_key(struct fs *fs, dev_t dev, ino_t ino)
{
	struct node *n = fs->by_key[key_hash(dev, ino)];

	while (n && (n->dev != dev || n->ino != ino))
		n = n->key_next;
	return n;
}

static struct node *node_by_id(struct fs *fs, fuse_ino_t id)
{
	struct node *n;

	if (id == FUSE_ROOT_ID)
		return &fs->root;
	n = fs->by_id[id % NODE_BUCKETS];
	while (n && n->id != id)
		n = n->id_next;
	return n;
}

/* Takes over @fd. */
static struct node *node_new(struct fs *fs, int fd, const struct stat *st)
{
	struct node *n = calloc(1, sizeof(*n));
	unsigned int k;

	if (!n)
		return NULL;
	n->fd = fd;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	n->id = fs->next_id++;
	k = key_hash(n->dev, n->ino);
	n->key_next = fs->by_key[k];
	fs->by_key[k] = n;
	n->id_next = fs->by_id[n->id % NODE_BUCKETS];
	fs->by_id[n->id % NODE_BUCKETS] = n;
	return n;
}

static void unchain(struct node **head, struct node *n, bool by_key)
{
	struct node **pp = head;

	while (*pp && *pp != n)
		pp = by_key ? &(*pp)->key_next : &(*pp)->id_next;
	if (*pp)
		*pp = by_key ? n->key_next : n->id_next;
}

static void node_free(struct fs *fs, struct node *n)
{
	unchain(&fs->by_key[key_hash(n->dev, n->ino)], n, true);
	unchain(&fs->by_id[n->id % NODE_BUCKETS], n, false);
	close(n->fd);
	free(n);
}

static void node_forget(struct fs *fs, fuse_ino_t id, uint64_t count)
{
	struct node *n = node_by_id(fs, id);

	if (!n || n == &fs->root)
		return;
	n->nlookup = count < n->nlookup ? n->nlookup - count : 0;
	if (!n->nlookup)
		node_free(fs, n);
}

static void nodes_free(struct fs *fs)
{
	for (int i = 0; i < NODE_BUCKETS; i++)
		while (fs->by_id[i])
			node_free(fs, fs->by_id[i]);
}

/* Node for @ino, or NULL after answering ESTALE (the kernel's id is gone). */
static struct node *get_node(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = node_by_id(req_fs(req), ino);

	if (!n)
		fuse_reply_err(req, ESTALE);
	return n;
}

/* ---- replies ---- */

/* errno of the failed call; never 0, which would be read as success. */
static int err_now(void)
{
	return errno ? errno : EIO;
}

static void reply_status(fuse_req_t req, int ret)
{
	fuse_reply_err(req, ret < 0 ? err_now() : 0);
}

static void fill_entry(struct fs *fs, struct node *n, struct fuse_entry_param *e)
{
	n->nlookup++;
	e->ino = n->id;
	e->attr_timeout = fs->attr_timeout;
	e->entry_timeout = fs->entry_timeout;
}

/* Look @name up under @parent as it is now.  0 or a positive errno. */
static int do_lookup(struct fs *fs, struct node *parent, const char *name,
		     struct fuse_entry_param *e)
{
	struct node *n;
	int fd, err;

	memset(e, 0, sizeof(*e));
	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_now();
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		err = err_now();
		close(fd);
		return err;
	}
	n = node_by_key(fs, e->attr.st_dev, e->attr.st_ino);
	if (n) {
		close(fd);
	} else {
		n = node_new(fs, fd, &e->attr);
		if (!n) {
			close(fd);
			return ENOMEM;
		}
	}
	fill_entry(fs, n, e);
	return 0;
}

/* If the kernel never got the entry it will never forget it: undo. */
static void reply_entry(fuse_req_t req, struct fuse_entry_param *e)
{
	if (fuse_reply_entry(req, e))
		node_forget(req_fs(req), e->ino, 1);
}

/* Answer a create-like op: @ret is its syscall's result. */
static void reply_created(fuse_req_t req, struct node *parent, const char *name, int ret)
{
	struct fuse_entry_param e;
	int err = ret < 0 ? err_now() : do_lookup(req_fs(req), parent, name, &e);

	if (err)
		fuse_reply_err(req, err);
	else
		reply_entry(req, &e);
}

/* ---- fault injection ---- */

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
static void stalled_free(struct fs *fs)
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

/* ---- operations ---- */

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
	p = get_node(req, parent);
	if (!p)
		return;
	err = do_lookup(req_fs(req), p, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else
		reply_entry(req, &e);
}

static void fs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	node_forget(req_fs(req), ino, nlookup);
	fuse_reply_none(req);
}

static void fs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f)
{
	for (size_t i = 0; i < count; i++)
		node_forget(req_fs(req), f[i].ino, f[i].nlookup);
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
	struct node *n = get_node(req, ino);

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
	struct node *n = get_node(req, ino);

	if (!n)
		return;
	if (set_attrs(n, attr, valid, fi ? (int)fi->fh : -1))
		fuse_reply_err(req, err_now());
	else
		reply_attr(req, n, fi);
}

static void fs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = get_node(req, ino);
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
	struct node *p = get_node(req, parent);

	if (p)
		reply_created(req, p, name, mknodat(p->fd, name, mode, rdev));
}

static void fs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct node *p = get_node(req, parent);

	if (p)
		reply_created(req, p, name, mkdirat(p->fd, name, mode));
}

static void fs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	struct node *p = get_node(req, parent);

	if (p)
		reply_created(req, p, name, symlinkat(link, p->fd, name));
}

static void fs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *p = get_node(req, parent);

	if (p)
		reply_status(req, unlinkat(p->fd, name, 0));
}

static void fs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct node *p = get_node(req, parent);

	if (p)
		reply_status(req, unlinkat(p->fd, name, AT_REMOVEDIR));
}

static void fs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct node *p = get_node(req, parent), *np;

	if (!p)
		return;
	np = get_node(req, newparent);
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
	struct node *n = get_node(req, ino), *np;

	if (!n)
		return;
	np = get_node(req, newparent);
	if (!np)
		return;
	if (link_node(n, np, newname) || node_stat(n, NULL, &e.attr)) {
		fuse_reply_err(req, err_now());
		return;
	}
	fill_entry(req_fs(req), n, &e);
	reply_entry(req, &e);
}

/* O_NOFOLLOW would trip on the /proc magic link; creation is create()'s. */
static int open_flags(int flags)
{
	return (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC;
}

static void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = get_node(req, ino);
	struct proc_path p;
	int fd;

	if (!n)
		return;
	fd = open(proc_path(&p, n->fd), open_flags(fi->flags));
	if (fd < 0) {
		fuse_reply_err(req, err_now());
		return;
	}
	fi->fh = fd;
	if (fuse_reply_open(req, fi))
		close(fd);
}

static void fs_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	struct node *p = get_node(req, parent);
	struct fuse_entry_param e;
	int fd, err;

	if (!p)
		return;
	fd = openat(p->fd, name, (fi->flags & ~O_NOFOLLOW) | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0) {
		fuse_reply_err(req, err_now());
		return;
	}
	err = do_lookup(req_fs(req), p, name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = fd;
	if (fuse_reply_create(req, &e, fi)) {
		close(fd);
		node_forget(req_fs(req), e.ino, 1);
	}
}

static void fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	char *buf = malloc(size ? size : 1);
	ssize_t n;

	(void)ino;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = pread(fi->fh, buf, size, off);
	if (n < 0)
		fuse_reply_err(req, err_now());
	else
		fuse_reply_buf(req, buf, n);
	free(buf);
}

static void fs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		     off_t off, struct fuse_file_info *fi)
{
	ssize_t n = pwrite(fi->fh, buf, size, off);

	(void)ino;
	if (n < 0)
		fuse_reply_err(req, err_now());
	else
		fuse_reply_write(req, n);
}

/* Closing a duplicate reports close()-time errors without closing fh. */
static void fs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	int fd = dup(fi->fh);

	(void)ino;
	reply_status(req, fd < 0 ? -1 : close(fd));
}

static void fs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	close(fi->fh);
	fuse_reply_err(req, 0);
}

static void fs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	(void)ino;
	reply_status(req, datasync ? fdatasync(fi->fh) : fsync(fi->fh));
}

static void fs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = get_node(req, ino);
	struct dirh *d;
	int fd;

	if (!n)
		return;
	d = calloc(1, sizeof(*d));
	fd = d ? openat(n->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd < 0 || !(d->dp = fdopendir(fd))) {
		fuse_reply_err(req, d ? err_now() : ENOMEM);
		if (fd >= 0)
			close(fd);
		free(d);
		return;
	}
	fi->fh = (uintptr_t)d;
	if (fuse_reply_open(req, fi)) {
		closedir(d->dp);
		free(d);
	}
}

/* Put the stream where the kernel wants to continue (0 after a rewind). */
static void dir_seek(struct dirh *d, off_t off)
{
	if (d->synced && d->pos == off)
		return;
	seekdir(d->dp, off);
	d->pos = off;
	d->synced = true;
}

/* Fill @buf from the stream; 0 or a positive errno if nothing was read. */
static int dir_fill(fuse_req_t req, struct dirh *d, char *buf, size_t size, size_t *used)
{
	for (;;) {
		struct stat st = { 0 };
		struct dirent *de;
		size_t len;

		errno = 0;
		de = readdir(d->dp);
		if (!de)
			return *used ? 0 : errno;
		st.st_ino = de->d_ino;
		st.st_mode = DTTOIF(de->d_type);
		len = fuse_add_direntry(req, buf + *used, size - *used, de->d_name, &st,
					de->d_off);
		if (len > size - *used) {
			/* Consumed but not sent: seek back next time. */
			d->synced = false;
			return 0;
		}
		*used += len;
		d->pos = de->d_off;
	}
}

static void fs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct dirh *d = (struct dirh *)(uintptr_t)fi->fh;
	char *buf = malloc(size ? size : 1);
	size_t used = 0;
	int err;

	(void)ino;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	dir_seek(d, off);
	err = dir_fill(req, d, buf, size, &used);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, used);
	free(buf);
}

static void fs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct dirh *d = (struct dirh *)(uintptr_t)fi->fh;

	(void)ino;
	closedir(d->dp);
	free(d);
	fuse_reply_err(req, 0);
}

static void fs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct node *n = get_node(req, ino);
	struct statvfs sv;

	if (!n)
		return;
	if (fstatvfs(n->fd, &sv))
		fuse_reply_err(req, err_now());
	else
		fuse_reply_statfs(req, &sv);
}

/* Reply to a get/list xattr call: a size probe (size 0) or the data. */
static void reply_xattr(fuse_req_t req, ssize_t len, const char *buf, size_t size)
{
	if (len < 0)
		fuse_reply_err(req, err_now());
	else if (!size)
		fuse_reply_xattr(req, len);
	else
		fuse_reply_buf(req, buf, len);
}

/*
 * xattr calls don't take O_PATH fds; the /proc path reaches the inode
 * itself, a symlink included.  Overlay probes trusted.overlay.* here and
 * must get the backing fs's plain ENODATA.
 */
/* getxattr (@name set) or listxattr (@name NULL) through the node's /proc path. */
static void xattr_read(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct node *n = get_node(req, ino);
	struct proc_path p;
	char *buf;
	ssize_t r;

	if (!n)
		return;
	buf = size ? malloc(size) : NULL;
	if (size && !buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	r = name ? getxattr(proc_path(&p, n->fd), name, buf, size) :
		   listxattr(proc_path(&p, n->fd), buf, size);
	reply_xattr(req, r, buf, size);
	free(buf);
}

static void fs_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	xattr_read(req, ino, name, size);
}

static void fs_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	xattr_read(req, ino, NULL, size);
}

static void fs_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
			size_t size, int flags)
{
	struct node *n = get_node(req, ino);
	struct proc_path p;

	if (n)
		reply_status(req, setxattr(proc_path(&p, n->fd), name, value, size, flags));
}

static void fs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct node *n = get_node(req, ino);
	struct proc_path p;

	if (n)
		reply_status(req, removexattr(proc_path(&p, n->fd), name));
}

static void fs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct node *n = get_node(req, ino);

	if (n)
		reply_status(req, faccessat(n->fd, "", mask, AT_EMPTY_PATH));
}

static const struct fuse_lowlevel_ops fs_ops = {
	.init		= fs_init,
	.lookup		= fs_lookup,
	.forget		= fs_forget,
	.forget_multi	= fs_forget_multi,
	.getattr	= fs_getattr,
	.setattr	= fs_setattr,
	.readlink	= fs_readlink,
	.mknod		= fs_mknod,
	.mkdir		= fs_mkdir,
	.unlink		= fs_unlink,
	.rmdir		= fs_rmdir,
	.symlink	= fs_symlink,
	.rename		= fs_rename,
	.link		= fs_link,
	.open		= fs_open,
	.create		= fs_create,
	.read		= fs_read,
	.write		= fs_write,
	.flush		= fs_flush,
	.release	= fs_release,
	.fsync		= fs_fsync,
	.opendir	= fs_opendir,
	.readdir	= fs_readdir,
	.releasedir	= fs_releasedir,
	.statfs		= fs_statfs,
	.getxattr	= fs_getxattr,
	.setxattr	= fs_setxattr,
	.listxattr	= fs_listxattr,
	.removexattr	= fs_removexattr,
	.access		= fs_access,
};

/* ---- serving ---- */

/* st_dev of @path without a FUSE request, so it can't hang on our mount. */
static int path_dev(const char *path, dev_t *dev)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, 0, &stx))
		return -errno;
	*dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	return 0;
}

static int fs_setup(struct fs *fs, const struct ut_fuse_opts *o)
{
	struct stat st;

	fs->root.fd = open(o->backing, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fs->root.fd < 0)
		return -errno;
	if (fstat(fs->root.fd, &st)) {
		close(fs->root.fd);
		return -errno;
	}
	fs->root.id = FUSE_ROOT_ID;
	fs->root.dev = st.st_dev;
	fs->root.ino = st.st_ino;
	fs->next_id = FUSE_ROOT_ID + 1;
	fs->entry_timeout = o->entry_timeout;
	fs->attr_timeout = o->attr_timeout;
	return 0;
}

static void fs_teardown(struct fs *fs)
{
	nodes_free(fs);
	close(fs->root.fd);
}

/*
 * Mount as libfuse does it for root, but here so that the /dev/fuse fd can
 * go through fs_io.  *fdp is that fd, *dev the mount's st_dev.  0 or -errno.
 */
static int mount_fuse(const char *mnt, int *fdp, dev_t *dev)
{
	char opts[160];
	struct stat st;
	int fd, err;

	if (stat(mnt, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=%o,user_id=%u,group_id=%u,%s", fd,
		 S_IFDIR, getuid(), getgid(), MOUNT_OPTS);
	if (mount(MOUNT_SOURCE, mnt, MOUNT_TYPE, MS_NOSUID | MS_NODEV, opts)) {
		err = -errno;
		close(fd);
		return err;
	}
	err = path_dev(mnt, dev);
	if (err) {
		umount2(mnt, MNT_DETACH | UMOUNT_NOFOLLOW);
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

/* Detach @mnt only if our mount is still the one there. */
static void unmount_ours(const char *mnt, dev_t ours)
{
	dev_t now = 0;

	if (!path_dev(mnt, &now) && now == ours)
		umount2(mnt, MNT_DETACH | UMOUNT_NOFOLLOW);
}

/*
 * /dev/fuse I/O through libfuse's custom-io hooks, for one fix: libfuse
 * 3.14 never puts FUSE_PARALLEL_DIROPS in its INIT reply (fixed in 3.16),
 * and without it the kernel serializes lookups per directory, so one
 * stalled lookup would block every lookup in its directory.
 */
static ssize_t io_read(int fd, void *buf, size_t len, void *data)
{
	const struct fuse_in_header *in = buf;
	struct fs *fs = data;
	ssize_t n = read(fd, buf, len);

	if (n >= (ssize_t)sizeof(*in) && in->opcode == FUSE_INIT)
		fs->init_unique = in->unique;
	return n;
}

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *data)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	struct fs *fs = data;

	if (fs->init_unique && count > 1 && iov[0].iov_len >= sizeof(*out) &&
	    out->unique == fs->init_unique && !out->error &&
	    iov[1].iov_len >= offsetof(struct fuse_init_out, flags) + sizeof(uint32_t)) {
		if (fs->parallel_dirops)
			((struct fuse_init_out *)iov[1].iov_base)->flags |= FUSE_PARALLEL_DIROPS;
		fs->init_unique = 0;
	}
	return writev(fd, iov, count);
}

static const struct fuse_custom_io fs_io = {
	.read	= io_read,
	.writev	= io_writev,
};

/* Serve @fd (mounted at @mnt as @dev) until unmount, abort or signal. */
static int serve_fd(struct fuse_session *se, struct fs *fs, int fd, const char *mnt, dev_t dev)
{
	int ret = fuse_session_custom_io(se, &fs_io, fd);

	if (ret) {
		close(fd);
		unmount_ours(mnt, dev);
		return ret;
	}
	ret = fuse_session_loop(se);
	stalled_free(fs);
	if (ret <= 0)
		return ret;	/* unmounted or aborted: the mount is not ours to touch */
	/* > 0 is the signal that stopped us: leave no dead mount behind. */
	unmount_ours(mnt, dev);
	return 0;
}

static int session_run(struct fs *fs, const struct ut_fuse_opts *o)
{
	char prog[] = "undertow-fuse";
	char *argv[] = { prog, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fuse_session *se;
	dev_t dev = 0;
	int fd = -1, ret;

	se = fuse_session_new(&args, &fs_ops, sizeof(fs_ops), fs);
	if (!se) {
		fuse_opt_free_args(&args);
		return -EINVAL;
	}
	ret = fuse_set_signal_handlers(se) ? -EIO : mount_fuse(o->mountpoint, &fd, &dev);
	if (!ret)
		ret = serve_fd(se, fs, fd, o->mountpoint, dev);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	return ret;
}

int ut_fuse_serve(const struct ut_fuse_opts *o)
{
	struct fs *fs = calloc(1, sizeof(*fs));
	int ret;

	if (!fs)
		return -ENOMEM;
	ret = fs_setup(fs, o);
	if (!ret) {
		/* Modes arrive with the caller's umask applied already. */
		umask(0);
		ret = session_run(fs, o);
		fs_teardown(fs);
	}
	free(fs);
	return ret;
}

/* ---- process control ---- */

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait up to @ms for @pid.  1 reaped (status in *status), 0 not yet, -errno. */
static int reap_within(pid_t pid, int ms, int *status)
{
	for (int t = 0;; t += POLL_MS) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (t >= ms)
			return 0;
		sleep_ms(POLL_MS);
	}
}

/* Reap @pid: wait, then SIGKILL and wait again.  0 or -ETIMEDOUT. */
static int reap_or_kill(pid_t pid, int ms)
{
	int st, r = reap_within(pid, ms, &st);

	if (r)
		return r == -ECHILD || r > 0 ? 0 : r;
	kill(pid, SIGKILL);
	r = reap_within(pid, UT_FUSE_KILL_MS, &st);
	if (r)
		return r == -ECHILD || r > 0 ? 0 : r;
	return -ETIMEDOUT;
}

/* The harness's signal set-up is not the server's business. */
static void reset_signals(void)
{
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void __attribute__((noreturn)) server_child(const struct ut_fuse_opts *o, pid_t parent)
{
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(ESRCH);
	/* Inherited pipe ends (barriers, result pipes) must not stay open here. */
	close_range(3, ~0U, 0);
	reset_signals();
	ret = ut_fuse_serve(o);
	_exit(ret < 0 ? -ret : 0);
}

/* -errno for a server that ended before its mount showed up. */
static int early_exit_err(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return -WEXITSTATUS(status);
	return -ECHILD;
}

static pid_t wait_live(const char *mnt, dev_t before, pid_t pid)
{
	int status, r;
	dev_t now = 0;

	for (int t = 0; t < UT_FUSE_START_MS; t += POLL_MS) {
		if (!path_dev(mnt, &now) && now != before)
			return pid;
		r = reap_within(pid, 0, &status);
		if (r > 0)
			return early_exit_err(status);
		if (r < 0)
			return r;
		sleep_ms(POLL_MS);
	}
	kill(pid, SIGKILL);
	reap_within(pid, UT_FUSE_KILL_MS, &status);
	return -ETIMEDOUT;
}

pid_t ut_fuse_start(const struct ut_fuse_opts *o)
{
	pid_t parent = getpid(), pid;
	dev_t before = 0;
	int err = path_dev(o->mountpoint, &before);

	if (err)
		return err;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		server_child(o, parent);
	return wait_live(o->mountpoint, before, pid);
}

/* Does mountinfo list a fuse (not fuseblk) mount with device @dev? */
static bool is_fuse_dev(dev_t dev)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *fstype;
	unsigned int maj, min;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		fstype = strstr(line, " - ");
		if (!fstype || sscanf(line, "%*d %*d %u:%u", &maj, &min) != 2 ||
		    makedev(maj, min) != dev)
			continue;
		fstype += 3;
		found = has_prefix(fstype, "fuse ") || has_prefix(fstype, "fuse.");
	}
	free(line);
	fclose(f);
	return found;
}

int ut_fuse_conn(const char *mountpoint)
{
	dev_t dev = 0;
	int err = path_dev(mountpoint, &dev);

	if (err)
		return err;
	if (!is_fuse_dev(dev))
		return -EINVAL;
	return (int)minor(dev);
}

/* fusectl isn't always mounted; it is a harmless, read-mostly fs. */
static int mount_fusectl(void)
{
	struct statfs sf;

	if (!statfs(FUSECTL_DIR, &sf) && sf.f_type == FUSECTL_MAGIC)
		return -ENOENT;		/* mounted: the connection is gone */
	if (mount("fusectl", FUSECTL_DIR, "fusectl", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 0;
}

int ut_fuse_abort(int conn)
{
	char path[64];
	int fd, err;

	if (conn < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), FUSECTL_DIR "/%d/abort", conn);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		err = mount_fusectl();
		if (err)
			return err;
		fd = open(path, O_WRONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	err = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	return err;
}

/* Unmount, detaching a busy mount.  Not mounted is fine.  0 or -errno. */
static int unmount(const char *mnt, pid_t pid)
{
	if (!umount2(mnt, UMOUNT_NOFOLLOW))
		return 0;
	if (errno == EINVAL || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return -errno;
	if (umount2(mnt, MNT_DETACH | UMOUNT_NOFOLLOW))
		return -errno;
	/* A detached mount lives on while in use: the server won't see ENODEV. */
	if (pid > 0)
		kill(pid, SIGTERM);
	return -EBUSY;		/* gone from the tree, but someone held it */
}

int ut_fuse_stop(const char *mountpoint, pid_t pid)
{
	int err = unmount(mountpoint, pid);
	int rerr = pid > 0 ? reap_or_kill(pid, UT_FUSE_REAP_MS) : 0;

	return err ? err : rerr;
}
