// SPDX-License-Identifier: GPL-2.0
/*
 * watch_prog.c - run the program `undertow watch` watches, bounded: its own
 * process group, a time limit, SIGKILL for it and everything it started,
 * and a bounded wait after that.  What will not die is described (state,
 * wchan, syscall, kernel stack) and abandoned.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "engine.h"
#include "procfs.h"
#include "watch_prog.h"
#include "watchdog.h"

#define POLL_S		0.005
#define REKILL_S	0.5	/* SIGKILL again what is left this often */

static void __attribute__((noreturn)) child(char *const argv[], int in, int out)
{
	sigset_t none;

	setpgid(0, 0);
	/*
	 * What it mounts stays in a namespace of its own, gone when it is
	 * (the kernel's teardown of those mounts then happens before we
	 * read the log).  Without the right to, it runs in ours.
	 */
	if (!unshare(CLONE_NEWNS))
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	execvp(argv[0], argv);
	dprintf(2, "undertow: watch: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int ut_prog_start(struct ut_prog *p, char *const argv[], int out_fd)
{
	int in, err;
	pid_t pid;

	memset(p, 0, sizeof(*p));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return -errno;
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(in);
		return err;
	}
	if (pid == 0)
		child(argv, in, out_fd);
	setpgid(pid, pid);	/* both sides: no window without it */
	close(in);
	p->pid = pid;
	p->t0 = ut_now();
	return 0;
}

/* Reap whatever has ended.  false once we have no child left at all. */
static bool reap_some(struct ut_prog *p)
{
	for (;;) {
		int st;
		pid_t r = waitpid(-1, &st, WNOHANG);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;	/* ECHILD */
		if (r == 0)
			return true;
		if (r == p->pid) {
			p->reaped = true;
			p->status = st;
			p->duration_s = ut_now() - p->t0;
		}
	}
}

/* Our children, as /proc tells (PROG and what it left to us, the subreaper). */
static int our_children(pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();
	int n = 0;

	while (d && n < max && (e = readdir(d))) {
		char path[300], buf[512], *p;
		int ppid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (ut_read_small(path, buf, sizeof(buf)) <= 0)
			continue;
		p = strrchr(buf, ')');	/* comm may hold spaces and parens */
		if (p && sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == self)
			out[n++] = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* SIGKILL PROG's group and every child of ours (one may have left the group). */
static void kill_all(const struct ut_prog *p)
{
	pid_t kids[256];
	int n = our_children(kids, 256);

	kill(-p->pid, SIGKILL);
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
}

static void abandon(struct ut_prog *p, double kill_s, struct ut_findings *f)
{
	static char desc[8192];
	pid_t kids[UT_PROG_MAX_LEFT];
	int n = our_children(kids, UT_PROG_MAX_LEFT);

	for (int i = 0; i < n; i++) {
		char path[64], comm[64] = "?";

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)kids[i]);
		if (ut_read_small(path, comm, sizeof(comm)) > 0)
			comm[strcspn(comm, "\n")] = '\0';
		ut_task_describe(kids[i], desc, sizeof(desc));
		ut_finding_add(f, UT_HANG, "%s %s (pid %d) still there %.0f s after SIGKILL "
			       "(state %c): abandoned\n%s", kids[i] == p->pid ? "the program" :
			       "a task it started,", comm, (int)kids[i], kill_s,
			       ut_task_state(kids[i]), desc);
		p->left[p->nleft++] = kids[i];
	}
}

void ut_prog_wait(struct ut_prog *p, double limit_s, double kill_s,
		  volatile sig_atomic_t *stop, struct ut_findings *f)
{
	double end = p->t0 + limit_s, rekill = 0;

	while (!p->reaped && reap_some(p) && !p->reaped) {
		if (stop && *stop) {
			p->interrupted = true;
			break;
		}
		if (ut_now() >= end) {
			p->at_limit = true;
			break;
		}
		ut_sleep(POLL_S);
	}
	p->killed_by_us = !p->reaped;
	end = ut_now() + kill_s;
	/* Until nothing of ours is left, or the bound. */
	while (reap_some(p) && ut_now() < end) {
		if (ut_now() >= rekill) {
			kill_all(p);
			rekill = ut_now() + REKILL_S;
		}
		ut_sleep(POLL_S);
	}
	reap_some(p);
	if (!p->reaped)
		p->duration_s = ut_now() - p->t0;
	abandon(p, kill_s, f);
}

void ut_prog_status(const struct ut_prog *p, char *buf, size_t sz)
{
	if (!p->reaped)
		snprintf(buf, sz, "never ended (abandoned)");
	else if (WIFEXITED(p->status))
		snprintf(buf, sz, "exited %d", WEXITSTATUS(p->status));
	else if (WIFSIGNALED(p->status) && p->killed_by_us)
		snprintf(buf, sz, "killed by us (SIGKILL) %s", p->interrupted ?
			 "when interrupted" : "at the time limit");
	else if (WIFSIGNALED(p->status))
		snprintf(buf, sz, "killed by signal %d (%s)", WTERMSIG(p->status),
			 strsignal(WTERMSIG(p->status)));
	else
		snprintf(buf, sz, "wait status 0x%x", p->status);
}
