// SPDX-License-Identifier: GPL-2.0
/*
 * selftest-vm-panic: proves the VM runner's crash path.  Inside undertow's
 * VM only (kernel command line "undertow.vm=1"), worker 0 crashes the
 * guest kernel through sysrq-c after 200 ops; the host must report this
 * scenario as crash with the console's last lines, and keep every result
 * finished before it.  Anywhere else it skips: it never touches a host.
 * Test-only (tag selftest).
 */

#include "ops.h"
#include "procfs.h"

/* Only in a guest booted by harness/vm.sh. */
static int in_undertow_vm(struct ut_ctx *c)
{
	(void)c;
	return ut_cmdline_has("undertow.vm=1") ? 0 : -EOPNOTSUPP;
}

static int panic_later(struct ut_ctx *c, const struct ut_op *op)
{
	static int calls;

	if (c->idx == 0 && ++calls == 200 && !in_undertow_vm(c)) {
		/* Returns only if this kernel has no sysrq: then no crash. */
		ut_write_small("/proc/sysrq-trigger", "c");
	}
	return ut_op_stat(c, op);
}

static const struct ut_scenario sc = {
	.name = "selftest-vm-panic",
	.desc = "test-only, VM only: worker 0 panics the guest kernel (VM crash path)",
	.tags = "selftest",
	.lowers = 1,
	.seed = UT_NAMES("0:f="),
	.names = UT_NAMES("f"),
	.workers = { { "fstatat_then_panic", panic_later, 1, UT_AT_MERGED } },
	.runtime_s = 2,
	.prepare = in_undertow_vm,
};
UT_REGISTER(sc);
