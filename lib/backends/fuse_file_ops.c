// SPDX-License-Identifier: GPL-2.0
/* fuse_file_ops.c - the FUSE server's open files and directories, and xattrs. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include "fuse_server.h"

/* An open directory: where the DIR stream is, in the kernel's offsets. */
struct dirh {
	DIR *dp;
	off_t pos;	/* offset after the last entry handed out */
	bool synced;	/* the stream is really at pos */
};

/* O_NOFOLLOW would trip on the /proc magic link; creation is create()'s. */
static int open_flags(int flags)
{
	return (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC;
}

static void fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = uf_get_node(req, ino);
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
	struct node *p = uf_get_node(req, parent);
	struct fuse_entry_param e;
	int fd, err;

	if (!p)
		return;
	fd = openat(p->fd, name, (fi->flags & ~O_NOFOLLOW) | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0) {
		fuse_reply_err(req, err_now());
		return;
	}
	err = uf_lookup(req_fs(req), p, name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = fd;
	if (fuse_reply_create(req, &e, fi)) {
		close(fd);
		uf_node_forget(req_fs(req), e.ino, 1);
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
	struct node *n = uf_get_node(req, ino);
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
	struct node *n = uf_get_node(req, ino);
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
	struct node *n = uf_get_node(req, ino);
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
	struct node *n = uf_get_node(req, ino);
	struct proc_path p;

	if (n)
		reply_status(req, setxattr(proc_path(&p, n->fd), name, value, size, flags));
}

static void fs_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct node *n = uf_get_node(req, ino);
	struct proc_path p;

	if (n)
		reply_status(req, removexattr(proc_path(&p, n->fd), name));
}

static void fs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct node *n = uf_get_node(req, ino);

	if (n)
		reply_status(req, faccessat(n->fd, "", mask, AT_EMPTY_PATH));
}

void uf_file_ops(struct fuse_lowlevel_ops *ops)
{
	ops->open = fs_open;
	ops->create = fs_create;
	ops->read = fs_read;
	ops->write = fs_write;
	ops->flush = fs_flush;
	ops->release = fs_release;
	ops->fsync = fs_fsync;
	ops->opendir = fs_opendir;
	ops->readdir = fs_readdir;
	ops->releasedir = fs_releasedir;
	ops->statfs = fs_statfs;
	ops->getxattr = fs_getxattr;
	ops->setxattr = fs_setxattr;
	ops->listxattr = fs_listxattr;
	ops->removexattr = fs_removexattr;
	ops->access = fs_access;
}
