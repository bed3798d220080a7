// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-ineffective: proves the effective-rate check.  One worker op
 * stats a name that never exists, so it never reaches its path (an info
 * finding and a KTAP line); the other stats the overlay root, always
 * effective (no finding).  The verdict stays pass.  Test-only (selftest).
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-ineffective",
	.desc = "test-only: an op that never reaches its path (info), one that always does",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:f="),
	.workers = {
		{ "fstatat_missing", ut_op_stat, 1, UT_AT_MERGED, UT_NAMES("never-there") },
		{ "fstatat_root", ut_op_stat, 1, UT_AT_MERGED, UT_NAMES(".") },
	},
	.runtime_s = 1,
};
UT_REGISTER(sc);
