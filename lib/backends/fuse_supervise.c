// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_supervise.c - the FUSE server as a child process: start it and wait
 * until its mount is live, abort its connection, unmount and reap it.
 * Every wait here is bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "engine.h"
#include "fusefs.h"
#include "procfs.h"
#include "reap.h"

#define POLL_S		0.01
#define FUSECTL_DIR	"/sys/fs/fuse/connections"
#define FUSECTL_MAGIC	0x65735543
#define MS_TO_S(ms)	((ms) / 1000.0)

int ut_fuse_dev(const char *path, dev_t *dev)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, 0, &stx))
		return -errno;
	*dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	return 0;
}

/* The harness's signal set-up is not the server's business. */
static void reset_signals(void)
{
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void __attribute__((noreturn)) server_child(const struct ut_fuse_opts *o, pid_t parent)
{
	int ret;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(ESRCH);
	/* Inherited pipe ends (barriers, result pipes) must not stay open here. */
	close_range(3, ~0U, 0);
	reset_signals();
	ret = ut_fuse_serve(o);
	_exit(ret < 0 ? -ret : 0);
}

/* -errno for a server that ended before its mount showed up. */
static int early_exit_err(int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return -WEXITSTATUS(status);
	return -ECHILD;
}

static pid_t wait_live(const char *mnt, dev_t before, pid_t pid)
{
	double end = ut_now() + MS_TO_S(UT_FUSE_START_MS);
	int status, r;
	dev_t now = 0;

	while (ut_now() < end) {
		if (!ut_fuse_dev(mnt, &now) && now != before)
			return pid;
		r = ut_reap_within(pid, 0, &status);
		if (r > 0)
			return early_exit_err(status);
		if (r < 0)
			return r;
		ut_sleep(POLL_S);
	}
	ut_reap_or_kill(pid, 0, MS_TO_S(UT_FUSE_KILL_MS), NULL);
	return -ETIMEDOUT;
}

pid_t ut_fuse_start(const struct ut_fuse_opts *o)
{
	pid_t parent = getpid(), pid;
	dev_t before = 0;
	int err = ut_fuse_dev(o->mountpoint, &before);

	if (err)
		return err;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		server_child(o, parent);
	return wait_live(o->mountpoint, before, pid);
}

/* Does mountinfo list a fuse (not fuseblk) mount with device @dev? */
static bool is_fuse_dev(dev_t dev)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *fstype;
	unsigned int maj, min;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		fstype = strstr(line, " - ");
		if (!fstype || sscanf(line, "%*d %*d %u:%u", &maj, &min) != 2 ||
		    makedev(maj, min) != dev)
			continue;
		fstype += 3;
		found = !strncmp(fstype, "fuse ", 5) || !strncmp(fstype, "fuse.", 5);
	}
	free(line);
	fclose(f);
	return found;
}

int ut_fuse_conn(const char *mountpoint)
{
	dev_t dev = 0;
	int err = ut_fuse_dev(mountpoint, &dev);

	if (err)
		return err;
	if (!is_fuse_dev(dev))
		return -EINVAL;
	return (int)minor(dev);
}

/* fusectl isn't always mounted; it is a harmless, read-mostly fs. */
static int mount_fusectl(void)
{
	struct statfs sf;

	if (!statfs(FUSECTL_DIR, &sf) && sf.f_type == FUSECTL_MAGIC)
		return -ENOENT;		/* mounted: the connection is gone */
	if (mount("fusectl", FUSECTL_DIR, "fusectl", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 0;
}

int ut_fuse_abort(int conn)
{
	char path[64];
	int err;

	if (conn < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), FUSECTL_DIR "/%d/abort", conn);
	err = ut_write_small(path, "1");
	if (err == -ENOENT) {
		err = mount_fusectl();
		if (!err)
			err = ut_write_small(path, "1");
	}
	return err;
}

/* Unmount, detaching a busy mount.  Not mounted is fine.  0 or -errno. */
static int unmount(const char *mnt, pid_t pid)
{
	if (!umount2(mnt, UMOUNT_NOFOLLOW))
		return 0;
	if (errno == EINVAL || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return -errno;
	if (umount2(mnt, MNT_DETACH | UMOUNT_NOFOLLOW))
		return -errno;
	/* A detached mount lives on while in use: the server won't see ENODEV. */
	if (pid > 0)
		kill(pid, SIGTERM);
	return -EBUSY;		/* gone from the tree, but someone held it */
}

int ut_fuse_stop(const char *mountpoint, pid_t pid)
{
	int err = unmount(mountpoint, pid);
	int rerr = 0;

	if (pid > 0)
		rerr = ut_reap_or_kill(pid, MS_TO_S(UT_FUSE_REAP_MS), MS_TO_S(UT_FUSE_KILL_MS), NULL);

	return err ? err : rerr;
}
