// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-kmsg-user: proves the kernel-log detector ignores userspace.
 * Each worker writes a WARNING:-looking line to /dev/kmsg (it gets
 * facility LOG_USER); the verdict must stay pass.  Test-only (selftest).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ops.h"

static const char fake[] =
	"WARNING: CPU: 0 PID: 1 at fs/overlayfs/undertow-selftest.c:1 fake+0x0/0x10\n";

static int fake_warn_once(struct ut_ctx *c, const struct ut_op *op)
{
	static bool done;

	if (!done) {
		int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

		done = true;
		if (fd < 0 || write(fd, fake, strlen(fake)) < 0)
			return -errno;
		close(fd);
	}
	return ut_op_stat(c, op);
}

static const struct ut_scenario sc = {
	.name = "selftest-kmsg-user",
	.desc = "test-only: a fake WARNING from userspace in /dev/kmsg (must pass)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:f="),
	.names = UT_NAMES("f"),
	.workers = { { "fake_warn_then_fstatat", fake_warn_once, 1, UT_AT_MERGED } },
	.runtime_s = 1,
	.needs_root = true,	/* /dev/kmsg is root's */
};
UT_REGISTER(sc);
