// SPDX-License-Identifier: GPL-2.0
/* reap.c - bounded waitpid for one child, SIGKILL when it overstays. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "engine.h"
#include "reap.h"

#define POLL_S	0.005

int ut_reap_within(pid_t pid, double bound_s, int *status)
{
	double end = ut_now() + bound_s;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (ut_now() >= end)
			return 0;
		ut_sleep(POLL_S);
	}
}

int ut_reap_or_kill(pid_t pid, double bound_s, double kill_s, int *status)
{
	int st, r = ut_reap_within(pid, bound_s, status ? status : &st);

	if (!r) {
		kill(pid, SIGKILL);
		r = ut_reap_within(pid, kill_s, status ? status : &st);
	}
	if (r > 0 || r == -ECHILD)
		return 0;
	return r ? r : -ETIMEDOUT;
}
