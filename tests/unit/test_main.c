// SPDX-License-Identifier: GPL-2.0
/* test_main.c - run every unit suite in a private mount namespace. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>

#include "suites.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		kmsg_suite, taint_suite, core_suite, results_suite, cli_suite,
		registry_suite, mount_suite, mountwhy_suite, fusefs_suite, matrix_suite,
		uring_suite, diff_suite, supervise_suite, ktap_merge_suite, merge_suite,
		coverage_suite, diff_cov_suite, blkcov_suite, kreport_suite, emulated_suite, repro_suite, race_suite,
		race_seq_suite,
		explore_suite,
	};
	SRunner *sr = srunner_create(NULL);
	int failed;

	/* Failure messages quote a run's whole KTAP; Check's 4 KiB default
	 * turns such a failure into an unreadable "Message string too long". */
	check_set_max_msg_size(1 << 20);
	/* Test mounts must never show up in the caller's namespace. */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		perror("unit-tests: private mount namespace (run as root)");
		return 2;
	}
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
