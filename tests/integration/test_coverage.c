// SPDX-License-Identifier: GPL-2.0
/*
 * test_coverage.c - on this machine: the effective-rate check fires for an
 * op that never reaches its path and stays quiet for one that does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

static json_t *op_of(json_t *res, const char *op)
{
	return json_object_get(json_object_get(res, "ops"), op);
}

static long long field(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Findings of kind info whose detail contains @what. */
static int infos_with(json_t *res, const char *what)
{
	json_t *f;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(res, "findings"), i, f)
		n += !strcmp(json_string_value(json_object_get(f, "kind")), "info") &&
		     strstr(json_string_value(json_object_get(f, "detail")), what);
	return n;
}

START_TEST(test_effective_fires_and_quiet)
{
	char *res = it_mkdtemp("effective"), *dir, why[1024];
	char *argv[] = { "run", "--results", res, "-t", "0.5", "-w", "2", "-m", "0",
			 "selftest-ineffective", NULL };
	struct proc_out p = run_undertow(argv, 60);
	json_t *j, *miss, *root;

	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(strstr(p.out, "# selftest-ineffective: info: op fstatat_missing never "
			     "reached its path (0 of "), "no KTAP warning:\n%s", p.out);
	ck_assert_msg(!strstr(p.out, "fstatat_root never"), "%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	j = it_json_at(dir, "selftest-ineffective.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
	miss = op_of(j, "fstatat_missing");
	root = op_of(j, "fstatat_root");
	ck_assert_int_gt(field(miss, "calls"), 0);
	ck_assert_int_eq(field(miss, "effective"), 0);
	ck_assert_int_gt(field(root, "calls"), 0);
	ck_assert_int_eq(field(root, "effective"), field(root, "calls"));
	ck_assert_int_eq(infos_with(j, "op fstatat_missing never reached its path"), 1);
	ck_assert_int_eq(infos_with(j, "never reached"), 1);
	json_decref(j);
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

Suite *coverage_suite(void)
{
	Suite *s = suite_create("coverage");
	TCase *tc = tcase_create("coverage");

	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_effective_fires_and_quiet);
	suite_add_tcase(s, tc);
	return s;
}
