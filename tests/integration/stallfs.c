// SPDX-License-Identifier: GPL-2.0
/*
 * stallfs.c - a small FUSE passthrough, the "user's own" FUSE server of the
 * stalled-path test: it serves BACKING at MOUNTPOINT with entry and attr
 * timeouts 0 (every lookup reaches it, like a remote filesystem), until the
 * test stops it with SIGSTOP and nothing under MOUNTPOINT answers any more.
 * A lookup of "/ut-stall..." is read and never answered: the asking task
 * waits for the answer in D state, SIGKILL or not (the watch's hang test).
 *
 *   stallfs BACKING MOUNTPOINT     (foreground, single-threaded)
 *
 * It is not undertow's own FUSE backend (lib/fusefs.c): undertow must not
 * know it, as it would not know an NFS server.  libfuse3 high-level API;
 * each op is the syscall on BACKING/path, -errno on failure.
 */
#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <fuse.h>

static int root = -1;	/* BACKING, opened once: paths are relative to it */

/* "/a/b" -> "a/b", "/" -> "." */
static const char *rel(const char *path)
{
	return path[1] ? path + 1 : ".";
}

static int ret(int rc)
{
	return rc < 0 ? -errno : 0;
}

static void *sf_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 1;
	return NULL;
}

static int sf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	/* Single-threaded: from here on nothing answers, as after SIGSTOP. */
	if (!strncmp(path, "/ut-stall", 9))
		for (;;)
			pause();
	if (fi)
		return ret(fstat(fi->fh, st));
	return ret(fstatat(root, rel(path), st, AT_SYMLINK_NOFOLLOW));
}

static int sf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	int fd = openat(root, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	(void)off;
	(void)fi;
	(void)flags;
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		struct stat st = { .st_ino = de->d_ino, .st_mode = (mode_t)de->d_type << 12 };

		if (fill(buf, de->d_name, &st, 0, 0))
			break;
	}
	closedir(d);
	return 0;
}

static int sf_readlink(const char *path, char *buf, size_t sz)
{
	ssize_t n = readlinkat(root, rel(path), buf, sz - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int sf_mkdir(const char *path, mode_t mode)
{
	return ret(mkdirat(root, rel(path), mode));
}

static int sf_unlink(const char *path)
{
	return ret(unlinkat(root, rel(path), 0));
}

static int sf_rmdir(const char *path)
{
	return ret(unlinkat(root, rel(path), AT_REMOVEDIR));
}

static int sf_symlink(const char *target, const char *path)
{
	return ret(symlinkat(target, root, rel(path)));
}

static int sf_rename(const char *from, const char *to, unsigned int flags)
{
	return ret(renameat2(root, rel(from), root, rel(to), flags));
}

static int sf_link(const char *from, const char *to)
{
	return ret(linkat(root, rel(from), root, rel(to), 0));
}

static int sf_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	return ret(fi ? fchmod(fi->fh, mode) : fchmodat(root, rel(path), mode, 0));
}

static int sf_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	int fd, rc;

	if (fi)
		return ret(ftruncate(fi->fh, size));
	fd = openat(root, rel(path), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = ret(ftruncate(fd, size));
	close(fd);
	return rc;
}

static int sf_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	if (fi)
		return ret(futimens(fi->fh, tv));
	return ret(utimensat(root, rel(path), tv, AT_SYMLINK_NOFOLLOW));
}

static int sf_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	int fd = openat(root, rel(path), fi->flags | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	fi->fh = fd;
	return 0;
}

static int sf_open(const char *path, struct fuse_file_info *fi)
{
	return sf_create(path, 0, fi);
}

static int sf_read(const char *path, char *buf, size_t sz, off_t off, struct fuse_file_info *fi)
{
	ssize_t n = pread(fi->fh, buf, sz, off);

	(void)path;
	return n < 0 ? -errno : (int)n;
}

static int sf_write(const char *path, const char *buf, size_t sz, off_t off,
		    struct fuse_file_info *fi)
{
	ssize_t n = pwrite(fi->fh, buf, sz, off);

	(void)path;
	return n < 0 ? -errno : (int)n;
}

static int sf_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close(fi->fh);
	return 0;
}

static const struct fuse_operations ops = {
	.init = sf_init,
	.getattr = sf_getattr,
	.readdir = sf_readdir,
	.readlink = sf_readlink,
	.mkdir = sf_mkdir,
	.unlink = sf_unlink,
	.rmdir = sf_rmdir,
	.symlink = sf_symlink,
	.rename = sf_rename,
	.link = sf_link,
	.chmod = sf_chmod,
	.truncate = sf_truncate,
	.utimens = sf_utimens,
	.create = sf_create,
	.open = sf_open,
	.read = sf_read,
	.write = sf_write,
	.release = sf_release,
};

int main(int argc, char **argv)
{
	char *args[] = { argv[0], "-f", "-s", "-o", "fsname=stallfs,allow_other",
			 argc == 3 ? argv[2] : NULL, NULL };

	if (argc != 3) {
		fprintf(stderr, "usage: stallfs BACKING MOUNTPOINT\n");
		return 2;
	}
	/* The test's child: if the test dies, so do we, stopped or not. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	root = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		perror(argv[1]);
		return 1;
	}
	return fuse_main(6, args, &ops, NULL);
}
