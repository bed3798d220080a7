// SPDX-License-Identifier: GPL-2.0
/* layers.c - a private tmpfs per scenario holding every layer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fusefs.h"
#include "layers.h"

static const char *const backends[UT_NBACKEND] = {
	[UT_BACKEND_TMPFS] = "tmpfs", [UT_BACKEND_FUSE] = "fuse",
};

const char *ut_backend_name(enum ut_backend b)
{
	return b < UT_NBACKEND ? backends[b] : "?";
}

int ut_backend_of(const char *name)
{
	for (int i = 0; i < UT_NBACKEND; i++)
		if (!strcmp(backends[i], name))
			return i;
	return -1;
}

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

/* Serve lower @i through FUSE at f<i>, revalidating on every lookup. */
static int fuse_lower(struct ut_layers *l, int i, char *why, size_t whysz)
{
	struct ut_fuse_opts o = { .backing = l->lower[i], .mountpoint = l->lower_mnt[i] };
	char name[16];
	pid_t pid;
	int err;

	snprintf(name, sizeof(name), "f%d", i);
	err = sub(l->lower_mnt[i], l->dir, name, why, whysz);
	if (err)
		return err;
	pid = ut_fuse_start(&o);
	if (pid < 0) {
		snprintf(why, whysz, "FUSE lower on %s: %s", l->lower_mnt[i], strerror(-pid));
		return pid;
	}
	l->fuse_pid[i] = pid;
	return 0;
}

int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   enum ut_backend backend, char *why, size_t whysz)
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
	l->backend = backend;
	l->nlower = nlower;
	l->has_upper = upper;
	for (int i = 0; i < nlower; i++) {
		char name[16];

		snprintf(name, sizeof(name), "l%d", i);
		err = sub(l->lower[i], l->dir, name, why, whysz);
		if (!err && backend == UT_BACKEND_FUSE)
			err = fuse_lower(l, i, why, whysz);
		else
			memcpy(l->lower_mnt[i], l->lower[i], sizeof(l->lower[i]));
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

void ut_layers_abort(struct ut_layers *l)
{
	for (int i = 0; i < l->nlower; i++) {
		int conn = l->fuse_pid[i] ? ut_fuse_conn(l->lower_mnt[i]) : -1;

		if (conn >= 0)
			ut_fuse_abort(conn);
	}
}

int ut_layers_destroy(struct ut_layers *l)
{
	int err = 0;

	/* A busy FUSE lower after the overlay is gone is reported, like tmpfs. */
	for (int i = 0; i < UT_MAX_LOWER; i++)
		if (l->fuse_pid[i] > 0) {
			int r = ut_fuse_stop(l->lower_mnt[i], l->fuse_pid[i]);

			if (r && !err)
				err = r;
			l->fuse_pid[i] = 0;
		}

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
