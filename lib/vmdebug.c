// SPDX-License-Identifier: GPL-2.0
/*
 * vmdebug.c - the prepare() of the selftests that prove the debug-kernel
 * detectors and the emulator-fault rule: each writes to one file of the
 * test module tests/kmod/ut_debug.ko, which then does its bug in this task.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ops.h"
#include "procfs.h"

#define UT_DEBUG_DIR	"/sys/kernel/debug/ut_debug/"

static const struct {
	const char *scenario, *file;
} bugs[] = {
	{ "selftest-debug-kasan", "kasan_uaf" },
	{ "selftest-debug-lockdep", "lockdep_abba" },
	{ "selftest-debug-leak", "kmemleak_leak" },
	{ "selftest-kernel-db", "singlestep" },
	{ "selftest-emulator-db", "emulator_db" },
};

int ut_prepare_vm_debug(struct ut_ctx *c)
{
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(bugs) / sizeof(bugs[0]); i++)
		if (!strcmp(c->sc->name, bugs[i].scenario))
			break;
	if (i == sizeof(bugs) / sizeof(bugs[0]))
		return -EINVAL;
	snprintf(path, sizeof(path), UT_DEBUG_DIR "%s", bugs[i].file);
	if (!ut_cmdline_has("undertow.vm=1") || access(path, W_OK))
		return -EOPNOTSUPP;
	return ut_write_small(path, "1");
}
