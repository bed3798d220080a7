// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_server.c - serving a directory through FUSE in the calling process:
 * set-up, mount, the /dev/fuse I/O hooks, the session loop.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/uio.h>

#include <linux/fuse.h>

#include "fuse_server.h"
#include "fusefs.h"

/* fsname=undertow,subtype=undertow become mount(2)'s source and type. */
#define MOUNT_SOURCE	"undertow"
#define MOUNT_TYPE	"fuse.undertow"
#define MOUNT_OPTS	"default_permissions,allow_other"

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
	uf_nodes_free(fs);
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
	err = ut_fuse_dev(mnt, dev);
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

	if (!ut_fuse_dev(mnt, &now) && now == ours)
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
	uf_stalled_free(fs);
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
	struct fuse_lowlevel_ops ops = { 0 };
	struct fuse_session *se;
	dev_t dev = 0;
	int fd = -1, ret;

	uf_entry_ops(&ops);
	uf_file_ops(&ops);
	se = fuse_session_new(&args, &ops, sizeof(ops), fs);
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
