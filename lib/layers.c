// SPDX-License-Identifier: GPL-2.0
/* layers.c - a private tmpfs per scenario holding every layer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "layers.h"

static int sub(char *out, const char *dir, const char *name, char *why, size_t whysz)
{
	if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
		snprintf(why, whysz, "%s/%s: path too long", dir, name);
		return -ENAMETOOLONG;
	}
	if (mkdir(out, 0755) < 0) {
		int err = -errno;

		snprintf(why, whysz, "mkdir %s: %s", out, strerror(-err));
		return err;
	}
	return 0;
}

int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   char *why, size_t whysz)
{
	int err;

	memset(l, 0, sizeof(*l));
	if (nlower < 1 || nlower > UT_MAX_LOWER) {
		snprintf(why, whysz, "%d lower layers: 1..%d supported", nlower, UT_MAX_LOWER);
		return -EINVAL;
	}
	snprintf(l->dir, sizeof(l->dir), "%s", dir);
	if (mkdir(l->dir, 0755) < 0 && errno != EEXIST) {
		err = -errno;
		snprintf(why, whysz, "mkdir %s: %s", l->dir, strerror(-err));
		return err;
	}
	if (mount("undertow", l->dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) {
		err = -errno;
		snprintf(why, whysz, "mount tmpfs on %s: %s", l->dir, strerror(-err));
		rmdir(l->dir);
		return err;
	}
	l->mounted = true;
	l->nlower = nlower;
	l->has_upper = upper;
	for (int i = 0; i < nlower; i++) {
		char name[16];

		snprintf(name, sizeof(name), "l%d", i);
		err = sub(l->lower[i], l->dir, name, why, whysz);
		if (err)
			goto fail;
	}
	err = sub(l->merged, l->dir, "m", why, whysz);
	if (!err && upper)
		err = sub(l->upper, l->dir, "u", why, whysz);
	if (!err && upper)
		err = sub(l->work, l->dir, "w", why, whysz);
	if (!err)
		return 0;
fail:
	ut_layers_destroy(l);
	return err;
}

int ut_layers_destroy(struct ut_layers *l)
{
	int err = 0;

	if (l->mounted && umount2(l->dir, 0) < 0) {
		err = -errno;
		/* Busy (a stuck task inside): detach; it goes when they do. */
		if (umount2(l->dir, MNT_DETACH) < 0)
			return -errno;
	}
	l->mounted = false;
	if (l->dir[0] && rmdir(l->dir) < 0 && errno != ENOENT && !err)
		err = -errno;
	return err;
}
