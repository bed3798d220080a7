/* SPDX-License-Identifier: GPL-2.0 */
/* mount.h - mount an overlay: new mount API, mount(2) for kernels < 6.8. */
#ifndef UT_MOUNT_H
#define UT_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

struct ut_mount_req {
	const char *lower[UT_MAX_LOWER];	/* top to bottom */
	int nlower;
	const char *dataonly;			/* a data-only lower (datadir+), or NULL */
	const char *upper, *work;		/* NULL for a lower-only mount */
	const char *opts;			/* "index=on,redirect_dir=on", or NULL */
	const char *target;
};

enum ut_mount_fail {
	UT_MNT_OK = 0,
	UT_MNT_UNSUPPORTED,	/* the kernel lacks a feature: skip */
	UT_MNT_BROKEN,		/* anything else */
};

struct ut_mount_res {
	enum ut_mount_fail fail;
	int err;		/* -errno */
	bool legacy;		/* mounted with mount(2) */
	char why[512];		/* the kernel's reason, or strerror() */
};

/* 0 or -errno; @res says why and whether that means "skip". */
int ut_ovl_mount(const struct ut_mount_req *req, struct ut_mount_res *res);
/*
 * Plain umount first; if busy, detach it (it goes when its users do) and
 * return -EBUSY: someone held it, which callers may count as a leak.
 */
int ut_umount_or_detach(const char *mnt);
/* Build mount(2)'s option string; exposed for unit tests. -ENAMETOOLONG if it won't fit. */
int ut_ovl_legacy_opts(const struct ut_mount_req *req, char *buf, size_t sz);

#endif
