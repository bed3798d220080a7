// SPDX-License-Identifier: GPL-2.0
/*
 * test_failinj.c - --fail on the host.  A kernel without fault injection
 * (this host's, and Debian's) makes every scenario a skip that names what
 * is missing, in KTAP and in run.json; a bad --fail is a usage error.  On
 * a kernel with it (the debug kernel: test_debug_kernel.c runs it there)
 * the run injects failures and puts every debugfs value back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

#define SC	"stale-dirfd-at"

static char *read_or_empty(const char *path)
{
	char *s = it_read_file(path, NULL);

	return s ? s : it_fmt("%s", "");
}

/* The failslab files --fail changes, as one string. */
static char *failslab_state(void)
{
	static const char *const f[] = { "probability", "interval", "times", "task-filter",
					  "verbose", "ignore-gfp-wait" };
	char *all = it_fmt("%s", ""), *v, *n;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char *p = it_fmt("/sys/kernel/debug/failslab/%s", f[i]);

		v = read_or_empty(p);
		n = it_fmt("%s%s=%s", all, f[i], v);
		free(all);
		free(v);
		free(p);
		all = n;
	}
	return all;
}

START_TEST(test_fail_skip_or_restore)
{
	char *res = it_fmt("%s/failinj", it_base), why[1024], *dir, *before = failslab_state();
	char *argv[] = { "run", "--fail", "slab:50", "-t", "0.5", "--results", res, SC, NULL };
	bool have = access("/proc/self/make-it-fail", W_OK) == 0 &&
		    access("/sys/kernel/debug/failslab/probability", W_OK) == 0;
	struct proc_out p = run_undertow(argv, 60);
	json_t *run, *r;
	const char *fi;

	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s; %s\n%s", why, proc_desc(&p), p.err);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	fi = json_string_value(json_object_get(run, "fault_injection"));
	ck_assert_msg(fi, "run.json has no fault_injection");
	r = it_json_at(dir, SC ".json", why, sizeof(why));
	ck_assert_msg(r, "%s", why);
	if (!have) {
		ck_assert_msg(p.exit_code == 4, "exit %s, want 4 (all skipped)", proc_desc(&p));
		ck_assert_msg(strstr(p.out, "# SKIP fault injection unavailable"), "KTAP:\n%s", p.out);
		ck_assert_msg(strstr(fi, "CONFIG_FAULT_INJECTION"), "fault_injection: %s", fi);
		ck_assert_str_eq(json_string_value(json_object_get(r, "verdict")), "skip");
	} else {
		char *after = failslab_state();

		ck_assert_str_eq(fi, "slab:50");
		ck_assert_msg(json_object_get(json_object_get(json_object_get(r, "snapshots"),
				"injected_failures"), "slab"), "no injected_failures.slab");
		ck_assert_msg(!strcmp(before, after), "failslab not restored:\n%s\n%s", before,
			      after);
		free(after);
	}
	json_decref(r);
	json_decref(run);
	proc_out_free(&p);
	free(before);
	free(dir);
	free(res);
}
END_TEST

/*
 * Quiet: without --fail nothing is armed or counted, and on a kernel
 * without lockdep (this host's) no result speaks of it.
 */
START_TEST(test_debug_detectors_quiet)
{
	char *res = it_fmt("%s/failinj-quiet", it_base), why[1024], *dir;
	char *argv[] = { "run", "-t", "0.5", "--results", res, SC, NULL };
	bool lockdep = access("/proc/lockdep_stats", R_OK) == 0;
	struct proc_out p = run_undertow(argv, 60);
	json_t *run, *r, *snap;

	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s; %s\n%s", why, proc_desc(&p), p.err);
	ck_assert_msg(p.exit_code == 0, "exit %s\n%s", proc_desc(&p), p.out);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	r = it_json_at(dir, SC ".json", why, sizeof(why));
	ck_assert_msg(run && r, "%s", why);
	snap = json_object_get(r, "snapshots");
	ck_assert_msg(!json_object_get(run, "fault_injection"), "fault_injection without --fail");
	ck_assert_msg(!json_object_get(snap, "injected_failures"), "failures counted without --fail");
	ck_assert_msg(!json_object_get(snap, "failinj_restored"), "values restored without --fail");
	if (!lockdep)
		ck_assert_msg(!json_object_get(snap, "lockdep"), "lockdep state on a kernel without it");
	json_decref(r);
	json_decref(run);
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

START_TEST(test_fail_bad_spec)
{
	static const char *const bad[] = { "bogus", "slab:0", "page:101", "all:", "slab:5x" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { "run", "--fail", (char *)bad[i], SC, NULL };
		struct proc_out p = run_undertow(argv, 30);

		ck_assert_msg(p.exit_code == 2 && strstr(p.err, "--fail wants"),
			      "--fail %s: %s\n%s", bad[i], proc_desc(&p), p.err);
		proc_out_free(&p);
	}
}
END_TEST

Suite *failinj_suite(void)
{
	Suite *s = suite_create("failinj");
	TCase *tc = tcase_create("failinj");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fail_skip_or_restore);
	tcase_add_test(tc, test_fail_bad_spec);
	tcase_add_test(tc, test_debug_detectors_quiet);
	suite_add_tcase(s, tc);
	return s;
}
