// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm.c - the VM runner end to end: the default Debian kernel is
 * fetched (cached), booted, runs scenarios; results land on the host with
 * the guest's kernel version; a guest panic is the running scenario's
 * crash, with the console's last lines, and what finished before is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "it.h"

START_TEST(test_vm_run_and_panic)
{
	/* make check runs from the repository's top: run.sh is there. */
	char *res = it_mkdtemp("vm"), *runsh = realpath("run.sh", NULL), *dir, why[1024];
	char *argv[] = { runsh, "--vm", "--results", res, "-t", "1", "-w", "2",
			 "lower-dir-rename", "selftest-vm-panic", "upper-unlink-underneath", NULL };
	struct run_opts o = { .timeout_s = 900, .exec_argv = true };
	struct proc_out p;
	struct utsname u;
	json_t *run, *j;
	const char *detail;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	argv[0] = runsh;
	p = run_undertow_ex(argv, &o);
	uname(&u);
	ck_assert_msg(p.exit_code == 1, "want exit 1 (a crash): %s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(strstr(p.out, "ok 1 lower-dir-rename\n"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "not ok 2 selftest-vm-panic # CRASH:"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "Bail out!"), "%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	/* The guest's kernel, not ours. */
	ck_assert_str_ne(json_string_value(json_object_get(run, "kernel")), u.release);
	ck_assert(json_is_false(json_object_get(run, "complete")));
	j = it_json_at(dir, "lower-dir-rename.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
	ck_assert_int_gt(it_total_calls(json_object_get(j, "mutations")), 0);
	json_decref(j);
	j = it_json_at(dir, "selftest-vm-panic.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "crash");
	detail = json_string_value(json_object_get(json_array_get(json_object_get(j, "findings"), 0),
						   "detail"));
	ck_assert_msg(detail && strstr(detail, "sysrq"), "no panic on the console:\n%s", detail);
	json_decref(j);
	{
		char *never = it_fmt("%s/upper-unlink-underneath.json", dir);

		ck_assert(!it_exists(never));	/* after the panic: never ran */
		free(never);
	}
	json_decref(run);
	proc_out_free(&p);
	free(dir);
	free(runsh);
	free(res);
}
END_TEST

/* A guest that goes silent is killed after the bound; its scenario is a hang. */
START_TEST(test_vm_silence_is_hang)
{
	char *res = it_mkdtemp("vmhang"), *runsh = realpath("run.sh", NULL), *dir, why[1024];
	char *argv[] = { NULL, "--vm", "--vm-silence", "15", "--results", res, "-t", "1",
			 "-w", "2", "lower-dir-rename", "selftest-vm-silence", NULL };
	struct run_opts o = { .timeout_s = 300, .exec_argv = true };
	double t0 = it_now();
	struct proc_out p;
	json_t *j;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	argv[0] = runsh;
	p = run_undertow_ex(argv, &o);
	ck_assert_msg(p.exit_code == 1, "%s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(strstr(p.out, "not ok 2 selftest-vm-silence # HANG:"), "%s", p.out);
	ck_assert_msg(it_now() - t0 < 120, "took %.0f s", it_now() - t0);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	j = it_json_at(dir, "selftest-vm-silence.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "hang");
	json_decref(j);
	j = it_json_at(dir, "lower-dir-rename.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
	json_decref(j);
	proc_out_free(&p);
	free(dir);
	free(runsh);
	free(res);
}
END_TEST

/*
 * A guest that has not reached its init within --vm-boot seconds is a boot
 * hang: killed, said on stderr, booted again, 5 boots in all, then a hang.
 * No kernel reaches its init in 1 s under TCG, so all 5 boots hang here.
 */
START_TEST(test_vm_boot_hang_retried)
{
	char *res = it_mkdtemp("vmboot"), *runsh = realpath("run.sh", NULL);
	char *argv[] = { runsh, "--vm", "--vm-boot", "1", "--results", res, "-t", "1",
			 "lower-dir-rename", NULL };
	struct run_opts o = { .timeout_s = 300, .exec_argv = true };
	struct proc_out p = run_undertow_ex(argv, &o);

	ck_assert_msg(p.exit_code == 1, "%s\n%s", proc_desc(&p), p.err);
	for (int n = 1; n <= 5; n++) {
		char *want = it_fmt("vm.sh: boot %d of 5 hung before the guest's init ran", n);

		ck_assert_msg(strstr(p.err, want), "no \"%s\" in:\n%s", want, p.err);
		free(want);
	}
	ck_assert_msg(strstr(p.err, "the guest sent no results (hang)"), "%s", p.err);
	ck_assert_msg(!strstr(p.err, "Killed"), "%s", p.err);
	ck_assert_msg(p.elapsed_s < 120, "took %.0f s", p.elapsed_s);
	proc_out_free(&p);
	free(runsh);
	free(res);
}
END_TEST

Suite *vm_suite(void)
{
	Suite *s = suite_create("vm");
	TCase *tc = tcase_create("vm");

	tcase_set_timeout(tc, 960);
	tcase_add_test(tc, test_vm_run_and_panic);
	tcase_add_test(tc, test_vm_silence_is_hang);
	tcase_add_test(tc, test_vm_boot_hang_retried);
	suite_add_tcase(s, tc);
	return s;
}
