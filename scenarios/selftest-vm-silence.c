// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-vm-silence: proves the VM runner's hang path.  Inside undertow's
 * VM only (kernel command line "undertow.vm=1"), the harness stops itself
 * (SIGSTOP) before the workers start, so the guest goes silent; the host
 * must kill it after its silence bound and report this scenario as hang.
 * Anywhere else it skips.  Test-only (tag selftest).
 */
#include <signal.h>

#include "ops.h"
#include "procfs.h"

static int go_silent(struct ut_ctx *c)
{
	(void)c;
	if (!ut_cmdline_has("undertow.vm=1"))
		return -EOPNOTSUPP;
	raise(SIGSTOP);		/* nobody will send SIGCONT */
	return 0;
}

static const struct ut_scenario sc = {
	.name = "selftest-vm-silence",
	.desc = "test-only, VM only: the harness stops itself (VM hang path)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:f="),
	.names = UT_NAMES("f"),
	.workers = { { "fstatat", ut_op_stat, 1, UT_AT_MERGED } },
	.runtime_s = 1,
	.prepare = go_silent,
};
UT_REGISTER(sc);
