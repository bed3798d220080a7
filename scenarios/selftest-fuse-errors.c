// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-fuse-errors: remote-style errors from a FUSE lower (EIO and
 * ESTALE for lookups of "ut-eio..." and "ut-estale...") must show up in
 * the return histograms through the overlay and never make a crash.
 * Test-only (tag selftest).
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-fuse-errors",
	.desc = "test-only: a FUSE lower answers EIO and ESTALE (histograms, no crash)",
	.tags = "selftest",
	.lowers = 1,
	.backend = "fuse",
	.seed = UT_NAMES("0:d/", "0:d/f="),
	.workers = {
		{ "fstatat_eio", ut_op_stat, 1, UT_AT_MERGED, UT_NAMES("d/ut-eio-1") },
		{ "fstatat_estale", ut_op_stat, 1, UT_AT_MERGED, UT_NAMES("d/ut-estale-1") },
		{ "fstatat", ut_op_stat, 1, UT_AT_MERGED, UT_NAMES("d/f") },
	},
	.tolerated = UT_ERRNOS(EIO, ESTALE),	/* what the lower says, passed on */
	.runtime_s = 1,
};
UT_REGISTER(sc);
