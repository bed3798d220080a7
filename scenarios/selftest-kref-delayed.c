// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-kref-delayed: proves the umount detector's patience.  Inside
 * undertow's VM only, with tests/kmod/ut_fault.ko loaded (vm.sh --kmod):
 * the first open through the overlay by a task named "selftest-kref-d..."
 * pins the overlay's mount, and that task's first umount arms its release
 * 2 s later, as a deferred fput or io_uring's ring exit releases a file a
 * moment after the last process went.  Expected: pass, with a note that
 * the overlay was busy for about 2 s and then released; never a leak.
 * Anywhere else, or without the module, it skips.  Test-only (selftest).
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-kref-delayed",
	.desc = "test-only, VM + ut_fault.ko only: a kernel reference released 2 s after umount (no leak)",
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
