// SPDX-License-Identifier: GPL-2.0
/*
 * layers.c - the generic part of a scenario's layers: its private tmpfs,
 * the lower/upper/work/merged directories, and the calls into its
 * backend's ops table (lib/backends/).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "layers.h"
#include "mount.h"

int ut_layers_subdir(char *out, const char *dir, const char *name, char *why, size_t whysz)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX) {
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

int ut_layers_dir_lower(struct ut_layers *l, int i, char *why, size_t whysz)
{
	char name[16];
	int err;

	snprintf(name, sizeof(name), "l%d", i);
	err = ut_layers_subdir(l->lower[i], l->lower_base, name, why, whysz);
	if (!err)
		memcpy(l->lower_mnt[i], l->lower[i], PATH_MAX);
	return err;
}

/* @dir with a private tmpfs on it. */
static int mount_tmpfs(struct ut_layers *l, const char *dir, char *why, size_t whysz)
{
	int err;

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
	return 0;
}

/* The backend's part: what the layers sit on, then each lower. */
static int make_backend(struct ut_layers *l, int nlower, char *why, size_t whysz)
{
	int err = 0;

	strcpy(l->lower_base, l->dir);
	strcpy(l->upper_base, l->dir);
	if (l->ops->make)
		err = l->ops->make(l, why, whysz);
	for (int i = 0; !err && i < nlower; i++, l->nlower++)
		err = l->ops->make_lower ? l->ops->make_lower(l, i, why, whysz) :
					   ut_layers_dir_lower(l, i, why, whysz);
	return err;
}

int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   bool dataonly, const struct ut_backend_spec *be, char *why, size_t whysz)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->be = *be;
	if (nlower < 1 || nlower > UT_MAX_LOWER) {
		snprintf(why, whysz, "%d lower layers: 1..%d supported", nlower, UT_MAX_LOWER);
		return -EINVAL;
	}
	err = mount_tmpfs(l, dir, why, whysz);
	if (err)
		return err;
	l->has_upper = upper;
	/* Resolved only now: destroy() never calls a backend that made nothing. */
	l->ops = ut_backend_ops(be);
	err = make_backend(l, nlower, why, whysz);
	if (!err && dataonly)
		err = ut_layers_subdir(l->dataonly, l->lower_base, "data", why, whysz);
	if (!err)
		err = ut_layers_subdir(l->merged, l->dir, "m", why, whysz);
	if (!err && upper)
		err = ut_layers_subdir(l->upper, l->upper_base, "u", why, whysz);
	if (!err && upper)
		err = ut_layers_subdir(l->work, l->upper_base, "w", why, whysz);
	if (!err)
		return 0;
	ut_layers_destroy(l);
	return err;
}

void ut_layers_mount_req(const struct ut_layers *l, const char *opts, const char *target,
			 struct ut_mount_req *req)
{
	*req = (struct ut_mount_req){
		.nlower = l->nlower,
		.upper = l->has_upper ? l->upper : NULL,
		.work = l->has_upper ? l->work : NULL,
		.opts = opts,
		.dataonly = l->dataonly[0] ? l->dataonly : NULL,
		.target = target,
	};
	for (int i = 0; i < l->nlower; i++)
		req->lower[i] = l->lower_mnt[i];
}

void ut_layers_abort(const struct ut_layers *l)
{
	if (l->ops && l->ops->abort)
		l->ops->abort(l);
}

bool ut_layers_owns_pid(const struct ut_layers *l, pid_t pid)
{
	return l->ops && l->ops->owns_pid && l->ops->owns_pid(l, pid);
}

int ut_layers_destroy(struct ut_layers *l)
{
	int err = 0;

	if (l->ops && l->ops->destroy)
		ut_keep_first(&err, l->ops->destroy(l));
	if (l->mounted)
		ut_keep_first(&err, ut_umount_or_detach(l->dir));
	l->mounted = false;
	if (l->dir[0] && rmdir(l->dir) < 0 && errno != ENOENT)
		ut_keep_first(&err, -errno);
	return err;
}
