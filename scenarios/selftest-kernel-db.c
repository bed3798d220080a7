// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-kernel-db: the kernel's own exc_debug_kernel() WARN stays a
 * crash.  Inside undertow's VM only (kernel command line "undertow.vm=1"),
 * x86-64, with the test module tests/kmod/ut_debug.ko (vm.sh --kmod): the
 * runner single-steps in kernel mode (TF set by popf), the kernel WARNs
 * once a boot; its register dump has a real CPU's flags, so it is no
 * emulator fault (lib/kreport.c).  Anywhere else it skips.  Test-only.
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-kernel-db",
	.desc = "test-only, VM + ut_debug.ko only: a single-step #DB in kernel mode: the kernel's WARN is a crash, not an emulator fault",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f=x"),
	.names = UT_NAMES("d/f", "d"),
	.workers = { { "fstatat", ut_op_stat, 1, UT_AT_MERGED } },
	.runtime_s = 1,
	.prepare = ut_prepare_vm_debug,
};
UT_REGISTER(sc);
