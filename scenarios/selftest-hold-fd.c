// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-hold-fd: proves the EBUSY leak detector.  Before the workers
 * start, a holder process (not a worker, comm "ut-holder") opens a file in
 * the merged dir and keeps it open past the scenario's end; the plain
 * umount must fail with EBUSY and the verdict be leak, naming the holder.
 * The holder exits by itself after a few seconds.  Test-only (selftest).
 */
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "ops.h"

#define HOLD_S 3

/* Double fork: the holder is nobody's child to reap. */
static int spawn_holder(struct ut_ctx *c)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (fork() == 0) {
			int fd = openat(c->fd[UT_AT_MERGED], "d/f", O_RDONLY | O_CLOEXEC);

			prctl(PR_SET_NAME, "ut-holder");
			/* Hold only that file: no inherited layer or log fds. */
			if (fd >= 0 && dup2(fd, 0) == 0)
				close_range(1, ~0U, 0);
			sleep(HOLD_S);
			_exit(fd < 0);
		}
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	usleep(100 * 1000);	/* let the holder open its file */
	return 0;
}

static const struct ut_scenario sc = {
	.name = "selftest-hold-fd",
	.desc = "test-only: a process holds a merged file past the end (EBUSY leak)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f=x"),
	.names = UT_NAMES("d/f"),
	.workers = { { "fstatat", ut_op_stat, 1, UT_AT_MERGED } },
	.runtime_s = 1,
	.prepare = spawn_holder,
};
UT_REGISTER(sc);
