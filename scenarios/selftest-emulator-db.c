// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-emulator-db: a report the emulator made is a skip, and the
 * variant runs again.  Inside undertow's VM only (kernel command line
 * "undertow.vm=1"), with the test module tests/kmod/ut_debug.ko (vm.sh
 * --kmod): the module logs, once a load, the exc_debug_kernel() WARN that
 * qemu's TCG made a 6.12 guest print in a CI run (EFLAGS with reserved
 * bits set) and taints W.  The first run is a skip that names the
 * emulator; the second, with no such report, passes and keeps the first's
 * kernel lines.  Anywhere else it skips.  Test-only.
 */
#include "ops.h"

static const struct ut_scenario sc = {
	.name = "selftest-emulator-db",
	.desc = "test-only, VM + ut_debug.ko only: the emulator's #DB WARN (reserved EFLAGS bits) is no kernel finding: skip, then a second run",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:d/", "0:d/f=x"),
	.names = UT_NAMES("d/f", "d"),
	.workers = { { "fstatat", ut_op_stat, 1, UT_AT_MERGED } },
	.runtime_s = 1,
	.prepare = ut_prepare_vm_debug,
};
UT_REGISTER(sc);
