// SPDX-License-Identifier: GPL-2.0
/* layers.c - layer directories on tmpfs, FUSE, loop filesystems, nested
 * overlays or the user's own directories. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fusefs.h"
#include "layers.h"
#include "loopfs.h"
#include "mount.h"
#include "ops.h"

#define RMTREE_DEPTH 64

static const char *const backends[UT_NBACKEND] = {
	[UT_BACKEND_TMPFS] = "tmpfs", [UT_BACKEND_FUSE] = "fuse",
	[UT_BACKEND_EXT4] = "ext4", [UT_BACKEND_XFS] = "xfs",
	[UT_BACKEND_BTRFS] = "btrfs", [UT_BACKEND_NESTED] = "nested",
	[UT_BACKEND_PATH] = "path",
};

const char *ut_backend_name(enum ut_backend b)
{
	return b < UT_NBACKEND ? backends[b] : "?";
}

static int parse_path(const char *arg, struct ut_backend_spec *out, char *why, size_t sz)
{
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	struct stat st;

	if (!n || n >= sizeof(out->lower) || (comma && strlen(comma + 1) >= sizeof(out->upper))) {
		snprintf(why, sz, "path: wants path:LOWER[,UPPER]");
		return -EINVAL;
	}
	memcpy(out->lower, arg, n);
	out->lower[n] = '\0';
	snprintf(out->upper, sizeof(out->upper), "%s", comma ? comma + 1 : "");
	for (const char *d = out->lower; d; d = d == out->lower && out->upper[0] ? out->upper : NULL)
		if (stat(d, &st) || !S_ISDIR(st.st_mode)) {
			snprintf(why, sz, "path: %s is not a directory", d);
			return -EINVAL;
		}
	return 0;
}

int ut_backend_parse(const char *spec, struct ut_backend_spec *out, char *why, size_t sz)
{
	memset(out, 0, sizeof(*out));
	if (!strncmp(spec, "path:", 5)) {
		out->kind = UT_BACKEND_PATH;
		return parse_path(spec + 5, out, why, sz);
	}
	for (int i = 0; i < UT_NBACKEND; i++)
		if (i != UT_BACKEND_PATH && !strcmp(backends[i], spec)) {
			out->kind = i;
			return 0;
		}
	snprintf(why, sz, "unknown backend '%s' (tmpfs, fuse, ext4, xfs, btrfs, nested, "
		 "path:LOWER[,UPPER])", spec);
	return -EINVAL;
}

/* @dir/@name into @out (PATH_MAX); -ENAMETOOLONG if it does not fit. */
static int join(char *out, const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int sub(char *out, const char *dir, const char *name, char *why, size_t whysz)
{
	if (join(out, dir, name)) {
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

/* Lower @i is an overlay itself: n<i>/{l,u,w} mounted at n<i>/m. */
static int nested_lower(struct ut_layers *l, int i, char *why, size_t whysz)
{
	char base[PATH_MAX], name[16], lo[PATH_MAX], up[PATH_MAX], wk[PATH_MAX];
	struct ut_mount_req req = { .nlower = 1, .upper = up, .work = wk };
	struct ut_mount_res res;
	int err;

	snprintf(name, sizeof(name), "n%d", i);
	err = sub(base, l->dir, name, why, whysz);
	err = err ? err : sub(lo, base, "l", why, whysz);
	err = err ? err : sub(up, base, "u", why, whysz);
	err = err ? err : sub(wk, base, "w", why, whysz);
	err = err ? err : sub(l->lower[i], base, "m", why, whysz);
	if (err)
		return err;
	req.lower[0] = lo;
	req.target = l->lower[i];
	if (ut_ovl_mount(&req, &res)) {
		snprintf(why, whysz, "inner overlay: %s", res.why);
		return res.fail == UT_MNT_UNSUPPORTED ? -EOPNOTSUPP : res.err;
	}
	snprintf(l->inner[l->ninner++], PATH_MAX, "%s", l->lower[i]);
	memcpy(l->lower_mnt[i], l->lower[i], PATH_MAX);
	return 0;
}

/* path: our own fresh subdirectory in the user's directory. */
static int own_dir(struct ut_layers *l, const char *in, char *out, char *why, size_t whysz)
{
	if (snprintf(out, PATH_MAX, "%s/undertow.%d.XXXXXX", in, (int)getpid()) >= PATH_MAX ||
	    !mkdtemp(out)) {
		int err = errno ? -errno : -ENAMETOOLONG;

		snprintf(why, whysz, "path: a directory in %s: %s", in, strerror(-err));
		return err;
	}
	snprintf(l->own[l->nown++], PATH_MAX, "%s", out);
	return 0;
}

/* Where lowers (and upper, work) are created for this backend. */
static int bases(struct ut_layers *l, bool upper, char *lb, char *ub, char *why, size_t whysz)
{
	int err = 0;

	strcpy(lb, l->dir);
	strcpy(ub, l->dir);
	switch (l->be.kind) {
	case UT_BACKEND_EXT4:
	case UT_BACKEND_XFS:
	case UT_BACKEND_BTRFS:
		err = join(l->fsmnt[0], l->dir, "lowerfs");
		err = err ? err : ut_loopfs_make(l->fsmnt[0], backends[l->be.kind], why, whysz);
		if (err)
			return err;
		l->nfs = 1;
		strcpy(lb, l->fsmnt[0]);
		if (!upper)
			return 0;
		err = join(l->fsmnt[1], l->dir, "upperfs");
		err = err ? err : ut_loopfs_make(l->fsmnt[1], backends[l->be.kind], why, whysz);
		if (!err)
			l->nfs = 2;
		strcpy(ub, l->fsmnt[1]);
		return err;
	case UT_BACKEND_PATH:
		err = own_dir(l, l->be.lower, lb, why, whysz);
		if (!err && upper && l->be.upper[0])
			err = own_dir(l, l->be.upper, ub, why, whysz);
		return err;
	default:
		return 0;
	}
}

static int make_lower(struct ut_layers *l, int i, const char *lb, char *why, size_t whysz)
{
	char name[16];
	int err;

	if (l->be.kind == UT_BACKEND_NESTED)
		return nested_lower(l, i, why, whysz);
	snprintf(name, sizeof(name), "l%d", i);
	err = sub(l->lower[i], lb, name, why, whysz);
	if (!err && l->be.kind == UT_BACKEND_FUSE)
		return fuse_lower(l, i, why, whysz);
	memcpy(l->lower_mnt[i], l->lower[i], PATH_MAX);
	return err;
}

int ut_layers_make(struct ut_layers *l, const char *dir, int nlower, bool upper,
		   bool dataonly, const struct ut_backend_spec *be, char *why, size_t whysz)
{
	char lb[PATH_MAX], ub[PATH_MAX];
	int err;

	memset(l, 0, sizeof(*l));
	l->be = *be;
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
	l->has_upper = upper;
	err = bases(l, upper, lb, ub, why, whysz);
	for (int i = 0; !err && i < nlower; i++, l->nlower++)
		err = make_lower(l, i, lb, why, whysz);
	if (!err && dataonly)
		err = sub(l->dataonly, lb, "data", why, whysz);
	if (!err)
		err = sub(l->merged, l->dir, "m", why, whysz);
	if (!err && upper)
		err = sub(l->upper, ub, "u", why, whysz);
	if (!err && upper)
		err = sub(l->work, ub, "w", why, whysz);
	if (!err)
		return 0;
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

static void keep_first(int *err, int r)
{
	if (r && !*err)
		*err = r;
}

/* Remove our directory in the user's tree, and nothing else. */
static int remove_own(const char *own)
{
	const char *slash = strrchr(own, '/');
	char parent[PATH_MAX];
	int fd, err;

	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - own), own);
	fd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = ut_rmtree_at(fd, slash + 1, RMTREE_DEPTH);
	close(fd);
	return err == -ENOENT ? 0 : err;
}

int ut_layers_destroy(struct ut_layers *l)
{
	int err = 0;

	while (l->ninner > 0)
		keep_first(&err, ut_umount_or_detach(l->inner[--l->ninner]));
	for (int i = 0; i < UT_MAX_LOWER; i++)
		if (l->fuse_pid[i] > 0) {
			keep_first(&err, ut_fuse_stop(l->lower_mnt[i], l->fuse_pid[i]));
			l->fuse_pid[i] = 0;
		}
	while (l->nown > 0)
		keep_first(&err, remove_own(l->own[--l->nown]));
	while (l->nfs > 0)
		keep_first(&err, ut_umount_or_detach(l->fsmnt[--l->nfs]));
	if (l->mounted)
		keep_first(&err, ut_umount_or_detach(l->dir));
	l->mounted = false;
	if (l->dir[0] && rmdir(l->dir) < 0 && errno != ENOENT)
		keep_first(&err, -errno);
	return err;
}
