// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-runner-stall: proves that a runner stuck in the kernel cannot
 * take the run with it.  The lower is undertow's FUSE passthrough, and the
 * scenario's prepare() (run by the runner itself, after the mount) looks up
 * a name the FUSE server never answers.  The supervisor must see the runner
 * outlive the prepare step's bound, record hang with the runner's stack and
 * step, kill it, probe the kernel's health and go on.  Test-only.
 */
#include "ops.h"

static int stall_runner(struct ut_ctx *c)
{
	struct stat st;

	return ut_ret(fstatat(c->fd[UT_AT_MERGED], "d/ut-stall-runner", &st, 0));
}

static const struct ut_scenario sc = {
	.name = "selftest-runner-stall",
	.desc = "test-only: the runner itself blocks on a FUSE lower (runner hang)",
	.tags = "selftest",
	.lowers = 1,
	.backend = "fuse",
	.seed = UT_NAMES("0:d/", "0:d/f="),
	.names = UT_NAMES("d/f", "d"),
	.workers = { { "fstatat", ut_op_stat, 1, UT_AT_MERGED } },
	.prepare = stall_runner,
	.runtime_s = 1,
};
UT_REGISTER(sc);
