// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-kref-held: proves the umount detector's leak with no process
 * to blame.  Inside undertow's VM only, with the test module
 * tests/kmod/ut_fault.ko loaded (vm.sh --kmod): the first open through the
 * overlay by a task named "selftest-kref-h..." pins the overlay's mount
 * for good (mntget), as a reference leaked in the kernel would.  Expected:
 * leak, "overlay busy at umount ... no process holds it: a kernel
 * reference", after the detector's wait for a late release.  Anywhere
 * else, or without the module, it skips.  Test-only (selftest).
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-kref-held",
	.desc = "test-only, VM + ut_fault.ko only: a kernel reference pins the overlay (umount leak)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f=x"),
	.names = UT_NAMES("d/f"),
	.workers = {
		{ "openat", ut_op_open, 1, UT_AT_MERGED },
	},
	.runtime_s = 1,
	.prepare = ut_prepare_vm_fault,
};
UT_REGISTER(sc);
