// SPDX-License-Identifier: GPL-2.0
/* spawn.c - bounded fork/exec for the few programs undertow needs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "engine.h"
#include "reap.h"
#include "spawn.h"

#define KILL_BOUND_S	2.0	/* after SIGKILL: a child in D state is left behind */

bool ut_have_prog(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path; *p;) {
		const char *end = strchr(p, ':');
		int len = end ? (int)(end - p) : (int)strlen(p);

		snprintf(buf, sizeof(buf), "%.*s/%s", len, p, prog);
		if (!access(buf, X_OK))
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	/* mkfs lives in sbin, which a user's PATH may lack. */
	for (const char *const *d = (const char *const[]){ "/usr/sbin", "/sbin", NULL }; *d; d++) {
		snprintf(buf, sizeof(buf), "%s/%s", *d, prog);
		if (!access(buf, X_OK))
			return true;
	}
	return false;
}

static void child(char *const argv[], int errfd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	dup2(null, 0);
	dup2(null, 1);
	dup2(errfd, 2);
	/* mkfs lives in sbin, which a user's PATH may lack. */
	if (getenv("PATH")) {
		char p[4096];

		snprintf(p, sizeof(p), "/usr/sbin:/sbin:%s", getenv("PATH"));
		setenv("PATH", p, 1);
	} else {
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	}
	execvp(argv[0], argv);
	dprintf(2, "%s: %s", argv[0], strerror(errno));
	_exit(127);
}

int ut_run_cmd(char *const argv[], double timeout_s, char *err, size_t sz)
{
	double end = ut_now() + timeout_s;
	size_t used = 0;
	int pfd[2], st, r;
	pid_t pid;

	err[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0)
		child(argv, pfd[1]);
	close(pfd[1]);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = end - ut_now();
		char tmp[512];
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) == 0) {
			ut_reap_or_kill(pid, 0, KILL_BOUND_S, NULL);
			close(pfd[0]);
			return -ETIMEDOUT;
		}
		n = read(pfd[0], tmp, sizeof(tmp));
		if (n <= 0)
			break;		/* EOF: the program closed stderr, is exiting */
		if (used + 1 < sz) {
			size_t k = (size_t)n < sz - used - 1 ? (size_t)n : sz - used - 1;

			memcpy(err + used, tmp, k);
			used += k;
			err[used] = '\0';
		}
	}
	close(pfd[0]);
	/* stderr closed: the exit follows at once, but stay bounded anyway. */
	r = ut_reap_within(pid, end > ut_now() ? end - ut_now() : 0, &st);
	if (r <= 0) {
		ut_reap_or_kill(pid, 0, KILL_BOUND_S, NULL);
		return r ? r : -ETIMEDOUT;
	}
	for (char *nl; (nl = strchr(err, '\n')) && nl[1] == '\0';)
		*nl = '\0';
	return WIFEXITED(st) ? WEXITSTATUS(st) : -EINTR;
}
