// SPDX-License-Identifier: GPL-2.0
/*
 * test_explore.c - on this machine: --explore where the kernel refuses
 * tracing is a skip in one line with the kernel's reason (exit 4, nothing
 * on stdout, no run directory); and --ops-off and --op-weights, which the
 * corpus relies on, change the mix, are recorded, and replay does the same.
 * The VM proves exploration itself (test_vm_explore.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

/* One line on stderr with @want, exit 4, no KTAP, no run directory. */
static void check_skip(const struct proc_out *p, const char *res, const char *want)
{
	const char *nl = strchr(p->err, '\n');

	ck_assert_msg(p->exit_code == 4, "%s\nstderr: %s", proc_desc(p), p->err);
	ck_assert_msg(nl && !nl[1], "not one line on stderr:\n%s", p->err);
	ck_assert_msg(strstr(p->err, want), "no '%s' in: %s", want, p->err);
	ck_assert_msg(!p->out[0], "stdout: %s", p->out);
	ck_assert_int_eq(it_count_entries(res), 0);
}

/* A tracefs that is not one: the kernel's reason, as coverage gives it. */
START_TEST(test_explore_refused_is_a_skip)
{
	char *res = it_mkdtemp("explno"), *fake = it_mkdtemp("notrace");
	char *argv[] = { "run", "--explore", "30", "--results", res, "-t", "0.3",
			 "lower-dir-rename", NULL };
	struct proc_out p;

	setenv("UNDERTOW_TRACEFS", fake, 1);
	p = run_undertow(argv, 60);
	unsetenv("UNDERTOW_TRACEFS");
	check_skip(&p, res, "undertow: --explore needs function coverage: tracing refused: "
		   "available_filter_functions: No such file or directory");
	ck_assert_int_eq(it_count_entries(fake), 0);
	proc_out_free(&p);
	free(fake);
	free(res);
}
END_TEST

/* This kernel as it is: a skip where tracing is refused (the 6.18 host: EPERM). */
START_TEST(test_explore_this_kernel)
{
	char *res = it_mkdtemp("explhere");
	char *argv[] = { "run", "--explore", "3", "--results", res, "-t", "0.3", "-w", "2",
			 "lower-dir-rename", NULL };
	struct proc_out p = run_undertow(argv, 120);

	if (p.exit_code == 4) {
		check_skip(&p, res, "tracing refused: ");
		fprintf(stderr, "int-tests: explore here: %s", p.err);
	} else {
		ck_assert_msg(p.exit_code == 0, "%s\n%s%s", proc_desc(&p), p.out, p.err);
		ck_assert_msg(strstr(p.out, "ok 1 explore # "), "%s", p.out);
	}
	proc_out_free(&p);
	free(res);
}
END_TEST

static long long calls(json_t *res, const char *hist, const char *op)
{
	json_t *o = json_object_get(json_object_get(json_object_get(res, hist), op), "calls");

	ck_assert_msg(json_is_integer(o), "no %s.%s.calls", hist, op);
	return json_integer_value(o);
}

static json_t *latest_result(const char *res, const char *file)
{
	char why[1024], *dir = it_latest_run(res, why, sizeof(why));
	json_t *j;

	ck_assert_msg(dir, "%s", why);
	j = it_json_at(dir, file, why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	free(dir);
	return j;
}

/*
 * lower-dir-rename's workers: fstatat_held is op 0, openat_held op 1 (0x3);
 * its mutators: rename is op 0.  Left out: no calls, in the run and in its
 * replay, which also keeps the seed, the counts and the op weights (fstatat,
 * op 3, weighs 20).
 */
static void check_off(json_t *j)
{
	json_t *off = json_object_get(j, "ops_off");
	char *wt;

	ck_assert_int_eq(json_integer_value(json_array_get(off, 0)), 0x3);
	ck_assert_int_eq(json_integer_value(json_array_get(off, 1)), 0x1);
	ck_assert_int_eq(calls(j, "ops", "fstatat_held"), 0);
	ck_assert_int_eq(calls(j, "ops", "openat_held"), 0);
	ck_assert_int_gt(calls(j, "ops", "fstatat"), 0);
	/* Weighed 20 against 1 each: most of the calls. */
	ck_assert_int_gt(calls(j, "ops", "fstatat"), 4 * calls(j, "ops", "read"));
	wt = json_dumps(json_object_get(j, "op_weights"), JSON_COMPACT);
	ck_assert_str_eq(wt ? wt : "(none)", "[[1,1,1,20,1,1],[]]");
	free(wt);
	ck_assert_int_eq(calls(j, "mutations", "rename"), 0);
	ck_assert_int_gt(calls(j, "mutations", "rename_exchange"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "seed")), 11);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "workers")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "mutators")), 1);
}

START_TEST(test_ops_off_replays)
{
	char *res = it_mkdtemp("opsoff"), *dir, why[1024], *file;
	char *argv[] = { "run", "--results", res, "-t", "0.3", "-s", "11", "-w", "2", "-m", "1",
			 "--ops-off", "0x3:1", "--op-weights", "1,1,1,20,1,1:", "lower-dir-rename",
			 NULL };
	char *rep[] = { "replay", "--results", res, NULL, NULL };
	struct proc_out p = run_undertow(argv, 60);
	json_t *j;

	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	j = latest_result(res, "lower-dir-rename.json");
	check_off(j);
	ck_assert_msg(strstr(json_string_value(json_object_get(j, "replay")),
			     "--ops-off 0x3:0x1 --op-weights '1,1,1,20,1,1:' lower-dir-rename"),
		      "replay line: %s",
		      json_string_value(json_object_get(j, "replay")));
	json_decref(j);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	file = it_fmt("%s/lower-dir-rename.json", dir);
	rep[3] = file;
	proc_out_free(&p);
	p = run_undertow(rep, 60);
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	j = latest_result(res, "lower-dir-rename.json");
	check_off(j);
	json_decref(j);
	proc_out_free(&p);
	free(file);
	free(dir);
	free(res);
}
END_TEST

Suite *explore_suite(void)
{
	Suite *s = suite_create("explore");
	TCase *tc = tcase_create("explore");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_explore_refused_is_a_skip);
	tcase_add_test(tc, test_explore_this_kernel);
	tcase_add_test(tc, test_ops_off_replays);
	suite_add_tcase(s, tc);
	return s;
}
