// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-debug-kasan: proves a debug-kernel detector for real.  Inside
 * undertow's VM only (kernel command line "undertow.vm=1"), on the debug
 * kernel (vm.sh --debug-kernel) with the test module tests/kmod/ut_debug.ko
 * (vm.sh --kmod): a use-after-free read in ut_debug.ko: KASAN's report is a crash.
 * Anywhere else, or without the module, it skips.  Test-only (selftest).
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-debug-kasan",
	.desc = "test-only, VM debug kernel + ut_debug.ko only: a use-after-free read in ut_debug.ko: KASAN's report is a crash",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f=x"),
	.names = UT_NAMES("d/f", "d"),
	.workers = { { "fstatat", ut_op_stat, 1, UT_AT_MERGED } },
	.runtime_s = 1,
	.prepare = ut_prepare_vm_debug,
};
UT_REGISTER(sc);
