// SPDX-License-Identifier: GPL-2.0
/*
 * health.c - after a crash or a hang, check that the kernel can still
 * fork, make a mount namespace, mount a tmpfs, unmount it and drop caches,
 * before the next scenario trusts it.  The probe is a child: if the kernel wedges it,
 * the supervisor only loses the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "engine.h"
#include "health.h"
#include "procfs.h"
#include "reap.h"
#include "watchdog.h"

static const char *const what[] = {
	"fork", "mount namespace", "tmpfs mount", "tmpfs umount", "drop_caches", "exit",
};

/* Tell the parent which step comes next, then try it; exit code = failed step + 1. */
static void probe(int fd, const char *dir)
{
	unsigned char s = 1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "ut-health");
	if (write(fd, &s, 1) != 1 || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		_exit(1 + s);
	s = 2;
	if (write(fd, &s, 1) != 1 || mount("tmpfs", dir, "tmpfs", 0, "size=1m"))
		_exit(1 + s);
	s = 3;
	if (write(fd, &s, 1) != 1 || umount2(dir, 0))
		_exit(1 + s);
	/*
	 * The runner's slab check drops caches, which walks every superblock:
	 * a task that died holding one's s_umount (an oops in umount) blocks
	 * it for good.  Only a block counts; no permission (no root) is fine.
	 */
	s = 4;
	if (write(fd, &s, 1) != 1)
		_exit(1 + s);
	ut_drop_slab();
	s = 5;
	_exit(write(fd, &s, 1) == 1 ? 0 : 1 + s);
}

static int last_step(int fd)
{
	unsigned char s, last = 0;

	while (read(fd, &s, 1) == 1)
		last = s;
	return last;
}

int ut_health_probe(const char *dir, double bound_s, char *why, size_t sz)
{
	int pfd[2], st = 0, step;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0 || (pid = fork()) < 0) {
		snprintf(why, sz, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		probe(pfd[1], dir);
	close(pfd[1]);
	if (ut_reap_within(pid, bound_s, &st) <= 0) {
		step = last_step(pfd[0]);
		snprintf(why, sz, "%s stuck for %.0f s (state %c)", what[step], bound_s,
			 ut_task_state(pid));
		kill(pid, SIGKILL);	/* left behind if the kernel keeps it */
		close(pfd[0]);
		return -1;
	}
	close(pfd[0]);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st))
		snprintf(why, sz, "probe killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(why, sz, "%s failed", what[WEXITSTATUS(st) - 1 < 6 ? WEXITSTATUS(st) - 1 : 0]);
	return -1;
}
