// SPDX-License-Identifier: GPL-2.0
/*
 * vmfault.c - the prepare() of the selftests that need the test module
 * tests/kmod/ut_fault.ko, which acts on tasks by name.
 */
#include <errno.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "ops.h"
#include "procfs.h"

int ut_prepare_vm_fault(struct ut_ctx *c)
{
	if (!ut_cmdline_has("undertow.vm=1") || access("/sys/module/ut_fault", F_OK))
		return -EOPNOTSUPP;
	/*
	 * The runner names itself after its scenario already; naming the
	 * process that mounted (and so unmounts) here too keeps the selftest
	 * working whatever process does the teardown.
	 */
	return prctl(PR_SET_NAME, c->sc->name) ? -errno : 0;
}
