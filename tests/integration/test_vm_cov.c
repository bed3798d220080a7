// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_cov.c - function coverage where the kernel allows it: Debian's
 * 6.1 in the VM (kprobe events, hist triggers).  A short run of three
 * scenarios must record coverage for each, reach every function each
 * declares in .aims, keep the union in run.json, and show the table in
 * the report; the blocks of Debian's own overlay.ko (no collector) are
 * a quiet skip.  Prints the figures (functions probed and reached, set-up
 * time) for whoever reads the log.  The three reach their aims in every
 * run; stale-dirfd-at does not (its held dirs can all die in the first
 * milliseconds, and then no op reaches its path).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

static const char *const scen[] = {
	"copyup-vs-lower-rename", "lower-dir-rename", "iterate-dead-dir",
};
#define NSCEN	(int)(sizeof(scen) / sizeof(scen[0]))

static json_t *cov_of(json_t *res)
{
	return json_object_get(res, "coverage");
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* One scenario's coverage: ok, and every aim reached. */
static void check_scenario(const char *dir, const char *name)
{
	char why[1024], *f = it_fmt("%s.json", name), *missed;
	json_t *j = it_json_at(dir, f, why, sizeof(why)), *cov, *aims;

	ck_assert_msg(j, "%s", why);
	cov = cov_of(j);
	ck_assert_msg(cov && !strcmp(json_string_value(json_object_get(cov, "status")), "ok"),
		      "%s: coverage not ok: %s", name, json_dumps(cov, 0));
	aims = json_object_get(cov, "aims");
	missed = json_dumps(json_object_get(aims, "missed"), 0);
	ck_assert_msg(json_array_size(json_object_get(aims, "missed")) == 0,
		      "%s: aims not reached: %s", name, missed);
	ck_assert_msg(json_array_size(json_object_get(aims, "unprobed")) == 0,
		      "%s: aims not probed on 6.1: %s", name,
		      json_dumps(json_object_get(aims, "unprobed"), 0));
	ck_assert_int_ge(json_array_size(json_object_get(aims, "reached")), 3);
	/* Debian's own overlay.ko has no block collector: blocks skip, with the reason. */
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(cov, "blocks"),
							   "status")), "skip");
	ck_assert_msg(strstr(json_string_value(json_object_get(json_object_get(cov, "blocks"),
							       "reason")) ?: "", "harness/covko.sh"),
		      "%s: %s", name, json_dumps(json_object_get(cov, "blocks"), 0));
	/* Debian's 6.1 overlay.ko has 245 probeable symbols. */
	ck_assert_int_ge(num(cov, "probed"), 200);
	ck_assert_int_ge(num(cov, "reached"), 50);
	fprintf(stderr, "int-tests: vm coverage: %s: %lld of %lld functions, aims %zu reached\n",
		name, num(cov, "reached"), num(cov, "probed"),
		json_array_size(json_object_get(aims, "reached")));
	free(missed);
	json_decref(j);
	free(f);
}

START_TEST(test_vm_coverage)
{
	char *res = it_mkdtemp("vmcov"), *runsh = realpath("run.sh", NULL), *dir, why[1024];
	char *argv[] = { NULL, "--vm", "--vm-smp", "1", "--coverage", "--results", res, "-t", "1",
			 "-w", "2", "-s", "1", (char *)scen[0], (char *)scen[1], (char *)scen[2],
			 NULL };
	char *rep[] = { "report", NULL, "-O", NULL, NULL };
	struct run_opts o = { .timeout_s = 600, .exec_argv = true };
	struct proc_out p;
	json_t *run, *u;
	char *html;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	argv[0] = runsh;
	p = run_undertow_ex(argv, &o);
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(!strstr(p.out, ": info: coverage:"), "a refusal or a missed aim:\n%s", p.out);
	/* Quiet about blocks: the closing note gives functions only. */
	ck_assert_msg(strstr(p.out, "# coverage: functions ") && !strstr(p.out, "# coverage: blocks"),
		      "%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	for (int i = 0; i < NSCEN; i++)
		check_scenario(dir, scen[i]);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	u = cov_of(run);
	ck_assert_str_eq(json_string_value(json_object_get(u, "status")), "ok");
	ck_assert_int_eq(num(u, "variants"), NSCEN);
	fprintf(stderr, "int-tests: vm coverage: run: %lld of %lld functions, set-up %.1f s\n",
		num(u, "reached"), num(u, "probed"),
		json_real_value(json_object_get(json_object_get(u, "tracing"), "setup_s")));
	json_decref(run);
	/* The report shows the table. */
	rep[1] = dir;
	rep[3] = it_fmt("%s/cov.html", res);
	proc_out_free(&p);
	p = run_undertow(rep, 60);
	ck_assert_msg(p.exit_code == 0, "%s", proc_desc(&p));
	html = it_read_file(rep[3], NULL);
	ck_assert_msg(html && strstr(html, "<h2>overlayfs functions</h2>") &&
		      strstr(html, "<code>ovl_copy_up_data</code>"), "no function table");
	free(html);
	free(rep[3]);
	proc_out_free(&p);
	free(dir);
	free(runsh);
	free(res);
}
END_TEST

Suite *vm_cov_suite(void)
{
	Suite *s = suite_create("vm_coverage");
	TCase *tc = tcase_create("vm_coverage");

	tcase_set_timeout(tc, 660);
	tcase_add_test(tc, test_vm_coverage);
	suite_add_tcase(s, tc);
	return s;
}
