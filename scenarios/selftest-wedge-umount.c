// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-wedge-umount: proves that a teardown step stuck in the kernel
 * costs the run this scenario only.  Inside undertow's VM only (kernel
 * command line "undertow.vm=1"), with the test module tests/kmod/ut_fault.ko
 * loaded (vm.sh --kmod): the module makes ovl_put_super() sleep in D state
 * (600 s by default, its wedge_secs) for a task whose comm starts
 * "selftest-wedge", so the unmount of this scenario's overlay blocks, with
 * the superblock's s_umount held, and SIGKILL cannot end it.  Expected:
 * hang with the stack and the step (umount), the stuck process abandoned
 * and reported, and the run ending within its bound.  Anywhere else, or
 * without the module, it skips.  Test-only (selftest).
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-wedge-umount",
	.desc = "test-only, VM + ut_fault.ko only: the overlay's umount blocks in D state (runner hang path)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f=x"),
	.names = UT_NAMES("d/f", "d"),
	.workers = {
		{ "fstatat", ut_op_stat, 2, UT_AT_MERGED },
		{ "openat", ut_op_open, 1, UT_AT_MERGED },
	},
	.runtime_s = 1,
	.prepare = ut_prepare_vm_fault,
};
UT_REGISTER(sc);
