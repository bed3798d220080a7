// SPDX-License-Identifier: GPL-2.0
/*
 * path.c - path:LOWER[,UPPER]: layers in the user's own directories (an
 * NFS or virtiofs mount, say).  undertow makes its own undertow.<pid>.XXXXXX
 * directory in each, removes it afterwards, and touches nothing else
 * there.  Without UPPER, upper and work are on the scenario's tmpfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "layers.h"
#include "ops.h"
#include "reap.h"

#define RMTREE_DEPTH	64
#define RM_BOUND_S	10.0	/* removing our directories, before SIGKILL */
#define RM_KILL_S	1.0

struct path_priv {
	int nown;	/* our dirs: lower_base, then upper_base */
	pid_t rm_pid;	/* a remover left behind (stuck on the user's fs), or 0 */
};

/* LOWER and UPPER ("" when not given) of "LOWER[,UPPER]".  0 or -EINVAL. */
static int split(const char *arg, char *lower, char *upper, char *why, size_t sz)
{
	const char *comma = arg ? strchr(arg, ',') : NULL;
	size_t n = !arg ? 0 : comma ? (size_t)(comma - arg) : strlen(arg);

	if (!n || n >= PATH_MAX || (comma && strlen(comma + 1) >= PATH_MAX)) {
		snprintf(why, sz, "path: wants path:LOWER[,UPPER]");
		return -EINVAL;
	}
	memcpy(lower, arg, n);
	lower[n] = '\0';
	snprintf(upper, PATH_MAX, "%s", comma ? comma + 1 : "");
	return 0;
}

static int path_parse(const char *arg, char *why, size_t sz)
{
	char lower[PATH_MAX], upper[PATH_MAX];
	struct stat st;

	if (split(arg, lower, upper, why, sz))
		return -EINVAL;
	for (const char *d = lower; d; d = d == lower && upper[0] ? upper : NULL)
		if (stat(d, &st) || !S_ISDIR(st.st_mode)) {
			snprintf(why, sz, "path: %s is not a directory", d);
			return -EINVAL;
		}
	return 0;
}

/* Our own fresh subdirectory of the user's @in, into @out. */
static int own_dir(const char *in, char *out, char *why, size_t sz)
{
	errno = 0;
	if (snprintf(out, PATH_MAX, "%s/undertow.%d.XXXXXX", in, (int)getpid()) >= PATH_MAX ||
	    !mkdtemp(out)) {
		int err = errno ? -errno : -ENAMETOOLONG;

		snprintf(why, sz, "path: a directory in %s: %s", in, strerror(-err));
		return err;
	}
	return 0;
}

static int path_make(struct ut_layers *l, char *why, size_t sz)
{
	struct path_priv *p = UT_BACKEND_PRIV(l, struct path_priv);
	char lower[PATH_MAX], upper[PATH_MAX];
	int err = split(l->be.arg, lower, upper, why, sz);

	err = err ? err : own_dir(lower, l->lower_base, why, sz);
	if (err)
		return err;
	p->nown = 1;
	if (!l->has_upper || !upper[0])
		return 0;
	err = own_dir(upper, l->upper_base, why, sz);
	if (!err)
		p->nown = 2;
	return err;
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

static void __attribute__((noreturn)) remover(const struct ut_layers *l, int nown)
{
	int err = 0;

	while (nown > 0)
		ut_keep_first(&err, remove_own(--nown ? l->upper_base : l->lower_base));
	_exit(-err & 0xff);
}

/*
 * A child removes our directories: a user's FUSE or NFS server that
 * stopped answering leaves it, not us, blocked.  -ETIMEDOUT then (the
 * child is left behind).
 */
static int path_destroy(struct ut_layers *l)
{
	struct path_priv *p = UT_BACKEND_PRIV(l, struct path_priv);
	int st, err;
	pid_t pid;

	if (!p->nown)
		return 0;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		remover(l, p->nown);
	p->nown = 0;
	err = ut_reap_or_kill(pid, RM_BOUND_S, RM_KILL_S, &st);
	if (err) {
		p->rm_pid = pid;
		return err;
	}
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -EINTR;
}

static bool path_owns_pid(const struct ut_layers *l, pid_t pid)
{
	return pid > 0 && UT_BACKEND_PRIV(l, const struct path_priv)->rm_pid == pid;
}

static const struct ut_backend path_backend = {
	.name = "path",
	.usage = "path:LOWER[,UPPER]",
	.rank = 60,
	.caps = UT_BE_USER_PATHS,
	.parse = path_parse,
	.make = path_make,
	.destroy = path_destroy,
	.owns_pid = path_owns_pid,
};
UT_BACKEND_REGISTER(path_backend);
