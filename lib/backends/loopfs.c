// SPDX-License-Identifier: GPL-2.0
/* loopfs.c - image, mkfs, loop device, mount. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "loopfs.h"
#include "spawn.h"

#define MKFS_TIMEOUT_S	60.0
#define LOOP_TRIES	8	/* another process may take the free device first */

struct fs_kind {
	const char *type, *mkfs, *pkg;
	off_t size;		/* each mkfs's minimum, with room */
	const char *force;	/* mkfs's "overwrite" flag */
};

static const struct fs_kind kinds[] = {
	{ "ext4", "mkfs.ext4", "e2fsprogs", 64 << 20, "-F" },
	{ "xfs", "mkfs.xfs", "xfsprogs", 320 << 20, "-f" },
	{ "btrfs", "mkfs.btrfs", "btrfs-progs", 128 << 20, "-f" },
};

static const struct fs_kind *kind_of(const char *type)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].type, type))
			return &kinds[i];
	return NULL;
}

/* Attach @img to a free loop device with autoclear; its fd, or -errno. */
static int attach(const char *img, char *dev, size_t devsz)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), err = -EBUSY;

	if (ctl < 0)
		return -errno;
	for (int t = 0; t < LOOP_TRIES && err == -EBUSY; t++) {
		struct loop_config cfg = { .info.lo_flags = LO_FLAGS_AUTOCLEAR };
		int n = ioctl(ctl, LOOP_CTL_GET_FREE), lfd;

		if (n < 0) {
			err = -errno;
			break;
		}
		snprintf(dev, devsz, "/dev/loop%d", n);
		lfd = open(dev, O_RDWR | O_CLOEXEC);
		cfg.fd = open(img, O_RDWR | O_CLOEXEC);
		if (lfd < 0 || (int)cfg.fd < 0) {
			err = -errno;
		} else if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0) {
			close(cfg.fd);
			close(ctl);
			return lfd;
		} else {
			err = -errno;	/* EBUSY: taken meanwhile, try the next */
		}
		if (lfd >= 0)
			close(lfd);
		if ((int)cfg.fd >= 0)
			close(cfg.fd);
	}
	close(ctl);
	return err;
}

static int make_image(const char *img, off_t size)
{
	int fd = open(img, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600), err = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0)	/* sparse: costs only what mkfs writes */
		err = -errno;
	close(fd);
	return err;
}

int ut_loopfs_make(const char *mnt, const char *fstype, char *why, size_t sz)
{
	const struct fs_kind *k = kind_of(fstype);
	char img[PATH_MAX + 8], dev[64], out[512];
	int err, lfd;

	if (!k) {
		snprintf(why, sz, "%s: not a loop filesystem undertow knows", fstype);
		return -EINVAL;
	}
	if (!ut_have_prog(k->mkfs)) {
		snprintf(why, sz, "%s not found (apt-get install %s)", k->mkfs, k->pkg);
		return -EOPNOTSUPP;
	}
	snprintf(img, sizeof(img), "%s.img", mnt);
	err = mkdir(mnt, 0755) < 0 ? -errno : make_image(img, k->size);
	if (err) {
		snprintf(why, sz, "%s: %s", img, strerror(-err));
		return err;
	}
	err = ut_run_cmd((char *const[]){ (char *)k->mkfs, "-q", (char *)k->force, img, NULL },
			 MKFS_TIMEOUT_S, out, sizeof(out));
	if (err) {
		snprintf(why, sz, "%s failed (%d): %s", k->mkfs, err, out);
		return err < 0 ? err : -EIO;
	}
	lfd = attach(img, dev, sizeof(dev));
	if (lfd < 0) {
		snprintf(why, sz, "loop device for %s: %s", img, strerror(-lfd));
		return lfd;
	}
	err = mount(dev, mnt, fstype, 0, NULL) ? -errno : 0;
	close(lfd);		/* the mount holds it now; autoclear does the rest */
	if (err) {
		snprintf(why, sz, "mount %s (%s) on %s: %s", dev, fstype, mnt, strerror(-err));
		return err == -ENODEV ? -EOPNOTSUPP : err;	/* kernel lacks the fs */
	}
	return 0;
}

