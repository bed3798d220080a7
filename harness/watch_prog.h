/* SPDX-License-Identifier: GPL-2.0 */
/*
 * watch_prog.h - the program `undertow watch` runs: started in its own
 * process group (and mount namespace, when we may), waited for within a
 * time limit, killed with everything it started, and abandoned when it
 * will not die.  The watch itself never waits without a bound.
 */
#ifndef UT_WATCH_PROG_H
#define UT_WATCH_PROG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "verdict.h"

#define UT_PROG_MAX_LEFT	16	/* abandoned tasks named, at most */

struct ut_prog {
	pid_t pid;		/* PROG; its process group has the same id */
	double t0;		/* when it started (ut_now()) */
	double duration_s;	/* until it was reaped, or until we gave up */
	bool reaped;
	int status;		/* wait status, when reaped */
	bool at_limit;		/* still running at the time limit: killed */
	bool interrupted;	/* we were told to stop (SIGINT/SIGTERM) */
	bool killed_by_us;	/* our SIGKILL came before its end */
	int nleft;		/* tasks alive past the kill bound: abandoned */
	pid_t left[UT_PROG_MAX_LEFT];
};

/*
 * Become a subreaper (so whatever PROG starts stays ours to kill and
 * reap), then fork and exec @argv[0] (a path, or a name searched in PATH)
 * in a new process group with stdin /dev/null and stdout and stderr on
 * @out_fd.  0, or -errno with nothing started.
 */
int ut_prog_start(struct ut_prog *p, char *const argv[], int out_fd);

/*
 * Reap PROG and anything it left until PROG ends, @limit_s passes or
 * *@stop is set; then SIGKILL its process group and every other task it
 * left, and reap them within @kill_s.  A task still there after that is
 * a hang finding in @f, with its state and /proc/PID/stack, and is
 * abandoned (p->left).
 */
void ut_prog_wait(struct ut_prog *p, double limit_s, double kill_s,
		  volatile sig_atomic_t *stop, struct ut_findings *f);

/* "exited 0", "killed by signal 11 (Segmentation fault)", "killed by us (SIGKILL) at
 * the time limit", "never ended (abandoned)". */
void ut_prog_status(const struct ut_prog *p, char *buf, size_t sz);

#endif
