// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-signal: proves the crash detector.  Worker 0 kills itself with
 * SIGSEGV after 200 ops, as a worker would die from an oops; the verdict
 * must be crash with its last ops attached.  Test-only (tag selftest).
 */
#include <signal.h>
#include <unistd.h>

#include "ops.h"

static int segv_later(struct ut_ctx *c, const struct ut_op *op)
{
	static int calls;	/* per process: each worker has its own copy */

	if (c->idx == 0 && ++calls == 200) {
		signal(SIGSEGV, SIG_DFL);	/* die like an oops, past any sanitizer */
		kill(getpid(), SIGSEGV);
	}
	return ut_op_stat(c, op);
}

static const struct ut_scenario sc = {
	.name = "selftest-signal",
	.desc = "test-only: worker 0 dies of SIGSEGV (crash detector)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:f="),
	.names = UT_NAMES("f"),
	.workers = { { "fstatat_then_segv", segv_later, 1, UT_AT_MERGED } },
	.runtime_s = 1,
};
UT_REGISTER(sc);
