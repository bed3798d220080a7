// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-stall: proves the watchdog.  Worker 0 stops making progress
 * after 100 ops (it sleeps inside its op, heartbeat frozen); the verdict
 * must be hang with the task's state and stack, and the harness must
 * recover and go on.  Test-only (tag selftest).
 */
#include <unistd.h>

#include "ops.h"

static int stall_later(struct ut_ctx *c, const struct ut_op *op)
{
	static int calls;

	if (c->idx == 0 && ++calls >= 100)
		for (;;)
			pause();	/* only SIGKILL ends this */
	return ut_op_stat(c, op);
}

static const struct ut_scenario sc = {
	.name = "selftest-stall",
	.desc = "test-only: worker 0 stops making progress (hang detector)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:f="),
	.names = UT_NAMES("f"),
	.workers = { { "fstatat_then_stall", stall_later, 1, UT_AT_MERGED } },
	.runtime_s = 1,
};
UT_REGISTER(sc);
