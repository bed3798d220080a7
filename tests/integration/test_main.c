// SPDX-License-Identifier: GPL-2.0
/*
 * test_main.c - runner of the integration tests.
 *
 * UNDERTOW names the binary under test (default ./undertow).  Every
 * invocation gets its own --results directory below one scratch directory
 * in /tmp, removed when all tests pass and kept (and printed) otherwise.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

int main(void)
{
	static char bin[PATH_MAX];
	const char *env = getenv("UNDERTOW");
	char *base;
	SRunner *sr;
	int failed;

	if (!env || !*env)
		env = "./undertow";
	/* Tests run the binary from other working directories. */
	if (!realpath(env, bin) || access(bin, X_OK) < 0) {
		fprintf(stderr, "int-tests: UNDERTOW=%s: %s\n", env, strerror(errno));
		return 1;
	}
	it_bin = bin;
	base = it_fmt("/tmp/ut-int.XXXXXX");
	if (!mkdtemp(base)) {
		fprintf(stderr, "int-tests: mkdtemp %s: %s\n", base, strerror(errno));
		return 1;
	}
	it_base = base;

	/* Failure messages quote a run's whole KTAP; Check's 4 KiB default
	 * turns such a failure into an unreadable "Message string too long". */
	check_set_max_msg_size(1 << 20);
	sr = srunner_create(cli_suite());
	srunner_add_suite(sr, repro_suite());
	srunner_add_suite(sr, scenarios_suite());
	srunner_add_suite(sr, cleanup_suite());
	srunner_add_suite(sr, detectors_suite());
	srunner_add_suite(sr, matrix_suite());
	srunner_add_suite(sr, unpriv_suite());
	srunner_add_suite(sr, kselftest_suite());
	srunner_add_suite(sr, vm_suite());
	srunner_add_suite(sr, vm_survive_suite());
	srunner_add_suite(sr, vm_matrix_suite());
	if (getenv("CK_RUN_SUITE") && !strcmp(getenv("CK_RUN_SUITE"), "vm612"))
		srunner_add_suite(sr, vm612_suite());
	if (getenv("CK_RUN_SUITE") && !strcmp(getenv("CK_RUN_SUITE"), "vm_repro"))
		srunner_add_suite(sr, vm_repro_suite());
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, bisect_suite());
	srunner_add_suite(sr, badinput_suite());
	srunner_add_suite(sr, fusepath_suite());
	srunner_add_suite(sr, merge_suite());
	srunner_add_suite(sr, ci_suite());
	srunner_add_suite(sr, coverage_suite());
	srunner_add_suite(sr, vm_cov_suite());
	srunner_add_suite(sr, vm_lines_suite());
	srunner_add_suite(sr, explore_suite());
	/* 2-3 minutes of VM: make check-explore, not make check (test_vm_explore.c). */
	if (getenv("CK_RUN_SUITE") && !strcmp(getenv("CK_RUN_SUITE"), "vm_explore"))
		srunner_add_suite(sr, vm_explore_suite());
	srunner_add_suite(sr, failinj_suite());
	srunner_add_suite(sr, watch_suite());
	srunner_add_suite(sr, vm_watch_suite());
	srunner_add_suite(sr, race_suite());
	if (getenv("UNDERTOW_CHECK_DEBUG")) {
		srunner_add_suite(sr, debug_kernel_suite());
		srunner_add_suite(sr, vm_lost_suite());
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);

	if (failed)
		fprintf(stderr, "int-tests: results kept in %s\n", base);
	else if (it_rm_rf(base))
		fprintf(stderr, "int-tests: removing %s: %s\n", base, strerror(errno));
	free(base);
	return failed ? 1 : 0;
}
