// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-oops-umount: proves that a kernel oops inside the overlay's own
 * umount2() costs the run this scenario only.  Inside undertow's VM only
 * (kernel command line "undertow.vm=1"), booted with --vm-oops continue
 * and the test module tests/kmod/ut_fault.ko (vm.sh --kmod): the module
 * BUG()s in ovl_put_super() for a task whose comm starts "selftest-oops",
 * so the unmount of this scenario's overlay oopses and the kernel kills
 * the process that unmounts, in the middle of its teardown, with the
 * superblock's s_umount held for good.  Expected: crash with the kernel's
 * lines and the step (umount); the scenarios after it still get a result.
 * Anywhere else, or without the module, it skips.  Test-only (selftest).
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-oops-umount",
	.desc = "test-only, VM + ut_fault.ko only: the overlay's umount oopses (runner crash path)",
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
