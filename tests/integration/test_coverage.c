// SPDX-License-Identifier: GPL-2.0
/*
 * test_coverage.c - on this machine: the effective-rate check fires for an
 * op that never reaches its path and stays quiet for one that does;
 * --coverage where the kernel refuses tracing is a note on every scenario
 * with the kernel's reason, never a failure, and without --coverage there
 * is no coverage at all.  The VM proves coverage itself (test_vm_cov.c).
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

static const char *cov_status(json_t *res)
{
	return json_string_value(json_object_get(json_object_get(res, "coverage"), "status"));
}

static const char *cov_reason(json_t *res)
{
	const char *r = json_string_value(json_object_get(json_object_get(res, "coverage"),
							  "reason"));

	return r ? r : "";
}

/* A tracefs that is not one: each scenario notes the refusal and passes. */
START_TEST(test_coverage_refused_is_a_note)
{
	char *res = it_mkdtemp("covno"), *fake = it_mkdtemp("notrace"), *dir, why[1024];
	char *argv[] = { "run", "--coverage", "--results", res, "-t", "0.3", "-w", "2",
			 "lower-dir-rename", "selftest-ineffective", NULL };
	static const char *const names[] = { "lower-dir-rename", "selftest-ineffective" };
	struct proc_out p;
	json_t *j;

	setenv("UNDERTOW_TRACEFS", fake, 1);
	p = run_undertow(argv, 60);
	unsetenv("UNDERTOW_TRACEFS");
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	for (int i = 0; i < 2; i++) {
		char *line = it_fmt("# %s: info: coverage: tracing refused: "
				    "available_filter_functions: No such file or directory\n",
				    names[i]), *f = it_fmt("%s.json", names[i]);

		ck_assert_msg(strstr(p.out, line), "no '%s' in:\n%s", line, p.out);
		j = it_json_at(dir, f, why, sizeof(why));
		ck_assert_msg(j, "%s", why);
		ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "pass");
		ck_assert_str_eq(cov_status(j), "skip");
		ck_assert_str_eq(cov_reason(j), "tracing refused: available_filter_functions: "
				 "No such file or directory");
		json_decref(j);
		free(line);
		free(f);
	}
	j = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(cov_status(j), "skip");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "coverage"),
							    "variants")), 2);
	json_decref(j);
	ck_assert_int_eq(it_count_entries(fake), 0);	/* nothing made there */
	proc_out_free(&p);
	free(dir);
	free(fake);
	free(res);
}
END_TEST

/*
 * This kernel, as it is: coverage works, or it is a note with the kernel's
 * reason (this 6.18 host refuses tracefs writes).  Without --coverage, no
 * coverage key anywhere.
 */
START_TEST(test_coverage_this_kernel)
{
	char *res = it_mkdtemp("covhere"), *dir, why[1024];
	char *argv[] = { "run", "--coverage", "--results", res, "-t", "0.5", "-w", "2",
			 "lower-dir-rename", NULL };
	char *plain[] = { "run", "--results", res, "-t", "0.3", "-w", "2",
			  "selftest-ineffective", NULL };
	struct proc_out p = run_undertow(argv, 120);
	json_t *j, *cov;

	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	j = it_json_at(dir, "lower-dir-rename.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	cov = json_object_get(j, "coverage");
	if (!strcmp(cov_status(j), "ok")) {
		ck_assert_int_gt(json_integer_value(json_object_get(cov, "probed")), 0);
		ck_assert_int_gt(json_integer_value(json_object_get(cov, "reached")), 0);
	} else {
		ck_assert_str_eq(cov_status(j), "skip");
		ck_assert_msg(!strncmp(cov_reason(j), "tracing refused: ", 17), "%s", cov_reason(j));
		ck_assert_msg(strstr(p.out, "# lower-dir-rename: info: coverage: tracing refused: "),
			      "%s", p.out);
	}
	fprintf(stderr, "int-tests: coverage on this kernel: %s %s\n", cov_status(j),
		cov_reason(j));
	json_decref(j);
	free(dir);
	proc_out_free(&p);

	p = run_undertow(plain, 60);
	ck_assert_msg(p.exit_code == 0, "%s", proc_desc(&p));
	ck_assert_msg(!strstr(p.out, "coverage"), "%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	j = it_json_at(dir, "selftest-ineffective.json", why, sizeof(why));
	ck_assert_msg(j && !json_object_get(j, "coverage"), "%s", why);
	json_decref(j);
	j = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(j && !json_object_get(j, "coverage"), "%s", why);
	json_decref(j);
	free(dir);
	proc_out_free(&p);
	free(res);
}
END_TEST

Suite *coverage_suite(void)
{
	Suite *s = suite_create("coverage");
	TCase *tc = tcase_create("coverage");

	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_effective_fires_and_quiet);
	tcase_add_test(tc, test_coverage_refused_is_a_note);
	tcase_add_test(tc, test_coverage_this_kernel);
	suite_add_tcase(s, tc);
	return s;
}
