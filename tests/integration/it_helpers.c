// SPDX-License-Identifier: GPL-2.0
/*
 * it_helpers.c - the programs the tests run besides undertow: stallfs
 * (the FUSE server that stops answering) and watchprog (the watch's
 * static test program), built beside int-tests, and the test modules of
 * tests/kmod.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "it.h"

#define MOUNT_WAIT_S	10.0

char *it_helper_path(const char *name)
{
	char exe[PATH_MAX], *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	path = it_fmt("%s/%s", exe, name);
	ck_assert_msg(access(path, X_OK) == 0, "%s: %s (built with int-tests)", path,
		      strerror(errno));
	return path;
}

bool it_mounted(const char *mnt)
{
	char *mi = it_read_file("/proc/self/mountinfo", NULL), *pat = it_fmt(" %s ", mnt);
	bool yes = mi && strstr(mi, pat);

	free(mi);
	free(pat);
	return yes;
}

pid_t it_stallfs_start(const char *backing, const char *mnt)
{
	char *path = it_helper_path("stallfs");
	double end = it_now() + MOUNT_WAIT_S;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl(path, "stallfs", backing, mnt, (char *)NULL);
		_exit(127);
	}
	while (!it_mounted(mnt) && it_now() < end && waitpid(pid, NULL, WNOHANG) == 0)
		usleep(20000);
	ck_assert_msg(it_mounted(mnt), "stallfs did not mount %s", mnt);
	free(path);
	return pid;
}

void it_stallfs_stop(pid_t server, const char *mnt)
{
	kill(server, SIGCONT);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	umount2(mnt, MNT_DETACH);
}

/* The first line of @argv's output when it names an existing .ko, or NULL. */
static char *ko_of(char *const argv[], struct proc_out *p, double bound_s)
{
	struct run_opts o = { .timeout_s = bound_s, .exec_argv = true };
	char *cwd = realpath(".", NULL), *ko, *e;

	o.cwd = cwd;
	*p = run_undertow_ex(argv, &o);
	free(cwd);
	if (p->exit_code != 0)
		return NULL;
	e = p->out + strcspn(p->out, "\n");
	ko = it_fmt("%.*s", (int)(e - p->out), p->out);
	if (!strstr(ko, ".ko") || !it_exists(ko)) {
		free(ko);
		return NULL;
	}
	return ko;
}

char *it_build_kmod(struct proc_out *p, double bound_s)
{
	char *argv[] = { "tests/kmod/build.sh", NULL };

	return ko_of(argv, p, bound_s);
}

char *it_build_ovlbug(const char *patch, struct proc_out *p, double bound_s)
{
	char *top = realpath(".", NULL), *sh = it_fmt("%s/tests/kmod/ovlbug/build.sh", top);
	char *path = it_fmt("%s/tests/kmod/ovlbug/%s", top, patch ? patch : "none");
	char *argv[] = { sh, patch ? path : "none", NULL }, *ko = ko_of(argv, p, bound_s);

	free(path), free(sh), free(top);
	return ko;
}
