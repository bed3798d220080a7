// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-fuse-stall: proves the hang detector on a task stuck in the
 * kernel.  The lower is undertow's FUSE passthrough; after 100 ops worker 0
 * looks up a name the FUSE server never answers ("ut-stall..."), so the
 * worker sleeps in fuse_lookup's request wait.  The verdict must be hang,
 * with the task's kernel stack, and recovery (abort the FUSE connection,
 * SIGKILL) must let the run go on.  Test-only (tag selftest).
 */
#include "ops.h"

static int stall_later(struct ut_ctx *c, const struct ut_op *op)
{
	static int calls;
	struct stat st;

	if (c->idx == 0 && ++calls >= 100) {
		c->te->a = "ut-stall-here";
		return ut_ret(fstatat(c->fd[UT_AT_MERGED], "d/ut-stall-here", &st, 0));
	}
	return ut_op_stat(c, op);
}

static const struct ut_scenario sc = {
	.name = "selftest-fuse-stall",
	.desc = "test-only: a FUSE lower never answers a lookup (kernel hang)",
	.tags = "selftest",
	.lowers = 1,
	.backend = "fuse",
	.seed = UT_NAMES("0:d/", "0:d/f="),
	.names = UT_NAMES("d/f", "d"),
	.workers = { { "fstatat_then_stall", stall_later, 1, UT_AT_MERGED } },
	.runtime_s = 1,
};
UT_REGISTER(sc);
