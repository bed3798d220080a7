// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_lost.c - the lost-data check (det_bystander.c) fires for real
 * (make check-debug: the overlay.ko is built from Debian's linux-source,
 * which a cold cache must fetch).  tests/kmod/ovlbug/lost.patch makes
 * Debian 6.1's overlayfs copy one byte less in every copy-up once a lookup
 * in, or a read of, a directory removed underneath ran.  iterate-dead-dir
 * reads its held directories as the mutators remove them, and the
 * bystander's lower files are copied up a quarter, a half and three
 * quarters into the 4 s run, then left alone: those copied up after the
 * arming are a byte short, at the end of the scenario and after a remount.  The same scenarios on
 * the kernel's own overlay are clean in the VM matrix (make check), and a
 * clean run on the host is quiet (test_detectors.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define BUILD_BOUND_S	600.0	/* a cold cache unpacks linux-source-6.1 */
#define VM_BOUND_S	600.0

static void want_text(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle), "no \"%s\" in:\n%.4000s", needle, hay);
}

START_TEST(test_vm_lost_data)
{
	char *res = it_mkdtemp("vmlost"), *runsh = realpath("run.sh", NULL), *dir, *f, why[1024];
	struct proc_out p;
	char *ko = it_build_ovlbug("lost.patch", &p, BUILD_BOUND_S);
	json_t *j;

	ck_assert_msg(ko, "building lost.patch: %s\n%s", proc_desc(&p), p.err);
	proc_out_free(&p);
	{
		char *argv[] = { runsh, "--vm", "--overlay-ko", ko, "--results", res, "-t", "4",
				 "iterate-dead-dir", NULL };
		struct run_opts o = { .timeout_s = VM_BOUND_S, .exec_argv = true };

		p = run_undertow_ex(argv, &o);
	}
	fprintf(stderr, "test_vm_lost: VM run: %s, %.0f s\n", proc_desc(&p), p.elapsed_s);
	ck_assert_msg(p.exit_code == 1, "%s\n%s\n%s", proc_desc(&p), p.out, p.err);
	want_text(p.out, "not ok 1 iterate-dead-dir # CORRUPT: lost data: ut-bystander/");
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	j = it_json_at(dir, "iterate-dead-dir.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	f = it_findings_text(j);
	fprintf(stderr, "test_vm_lost: findings:\n%s", f);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "corrupt");
	want_text(f, "at the end of the scenario: expected ");
	want_text(f, "after a remount: expected ");
	want_text(f, "first difference at byte ");
	want_text(f, "last ops on it: seeded in lower 0 (");
	free(f);
	json_decref(j);
	proc_out_free(&p);
	free(dir);
	free(ko);
	free(runsh);
	free(res);
}
END_TEST

Suite *vm_lost_suite(void)
{
	Suite *s = suite_create("vm_lost");
	TCase *tc = tcase_create("vm_lost");

	tcase_set_timeout(tc, BUILD_BOUND_S + VM_BOUND_S + 60);
	tcase_add_test(tc, test_vm_lost_data);
	suite_add_tcase(s, tc);
	return s;
}
