// SPDX-License-Identifier: GPL-2.0
/*
 * fuse.c - each lower served by undertow's own FUSE passthrough
 * (fusefs.h) with entry and attr timeouts 0: a "remote" lower, which
 * overlay revalidates.  Mutators change the backing directory l<i>; overlay
 * stacks the mount f<i>.
 */
#include <stdio.h>
#include <string.h>

#include "fusefs.h"
#include "layers.h"

struct fuse_priv {
	pid_t pid[UT_MAX_LOWER];	/* servers, 0 = none */
	int conn[UT_MAX_LOWER];		/* their connections, -1 = unknown */
};

/* The backing directory l<i>, served at f<i>. */
static int fuse_lower(struct ut_layers *l, int i, char *why, size_t sz)
{
	struct fuse_priv *p = UT_BACKEND_PRIV(l, struct fuse_priv);
	struct ut_fuse_opts o = { .backing = l->lower[i], .mountpoint = l->lower_mnt[i] };
	char name[16];
	pid_t pid;
	int err = ut_layers_dir_lower(l, i, why, sz);

	snprintf(name, sizeof(name), "f%d", i);
	err = err ? err : ut_layers_subdir(l->lower_mnt[i], l->dir, name, why, sz);
	if (err)
		return err;
	pid = ut_fuse_start(&o);
	if (pid < 0) {
		snprintf(why, sz, "FUSE lower on %s: %s", l->lower_mnt[i], strerror(-pid));
		return pid;
	}
	p->pid[i] = pid;
	/* Kept now, so that abort() needs no path: the mount may hang by then. */
	p->conn[i] = ut_fuse_conn(l->lower_mnt[i]);
	return 0;
}

static void fuse_abort(const struct ut_layers *l)
{
	const struct fuse_priv *p = UT_BACKEND_PRIV(l, const struct fuse_priv);

	for (int i = 0; i < UT_MAX_LOWER; i++)
		if (p->pid[i] > 0 && p->conn[i] >= 0)
			ut_fuse_abort(p->conn[i]);
}

/* Unmount and reap each server, within UT_FUSE_REAP_MS + UT_FUSE_KILL_MS. */
static int fuse_destroy(struct ut_layers *l)
{
	struct fuse_priv *p = UT_BACKEND_PRIV(l, struct fuse_priv);
	int err = 0;

	for (int i = 0; i < UT_MAX_LOWER; i++)
		if (p->pid[i] > 0) {
			ut_keep_first(&err, ut_fuse_stop(l->lower_mnt[i], p->pid[i]));
			p->pid[i] = 0;
		}
	return err;
}

static bool fuse_owns_pid(const struct ut_layers *l, pid_t pid)
{
	const struct fuse_priv *p = UT_BACKEND_PRIV(l, const struct fuse_priv);

	for (int i = 0; i < UT_MAX_LOWER; i++)
		if (pid > 0 && p->pid[i] == pid)
			return true;
	return false;
}

static const struct ut_backend fuse_backend = {
	.name = "fuse",
	.rank = 10,
	.caps = UT_BE_NEEDS_FUSE | UT_BE_REMOTE,
	.make_lower = fuse_lower,
	.abort = fuse_abort,
	.destroy = fuse_destroy,
	.owns_pid = fuse_owns_pid,
};
UT_BACKEND_REGISTER(fuse_backend);
