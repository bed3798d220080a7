// SPDX-License-Identifier: GPL-2.0
/*
 * test_diff_cov.c - coverage in undertow diff and report: functions gained
 * and lost between two runs' unions, nothing when a run has no coverage,
 * and the report's per-function table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <jansson.h>

#include "diff.h"
#include "report.h"
#include "report_html.h"
#include "suites.h"

static char root[64];

/* A one-variant run "DIR" whose coverage is @cov (JSON text, or NULL for none). */
static const char *run_with(const char *name, const char *cov)
{
	static char dir[4][128];
	static int k;
	char path[256];
	json_t *res, *run;

	k = (k + 1) % 4;
	snprintf(dir[k], sizeof(dir[k]), "%s/%s", root, name);
	ck_assert_int_eq(mkdir(dir[k], 0755), 0);
	res = json_pack("{s:s, s:s, s:{}, s:{}, s:[]}", "name", "lower-dir-rename",
			"verdict", "pass", "ops", "mutations", "findings");
	if (cov)
		json_object_set_new(res, "coverage", json_loads(cov, 0, NULL));
	snprintf(path, sizeof(path), "%s/lower-dir-rename.json", dir[k]);
	ck_assert_int_eq(json_dump_file(res, path, 0), 0);
	run = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "run_id", name, "kernel", "6.1.0-57",
			"scenarios", "name", "lower-dir-rename", "file", "lower-dir-rename",
			"verdict", "pass");
	snprintf(path, sizeof(path), "%s/run.json", dir[k]);
	ck_assert_int_eq(json_dump_file(run, path, 0), 0);
	json_decref(res);
	json_decref(run);
	return dir[k];
}

static const char cov_a[] =
	"{\"status\": \"ok\", \"functions\": {\"ovl_lookup\": 10, \"ovl_copy_up_one\": 3,"
	" \"ovl_rename\": 0, \"ovl_iterate\": 0},"
	" \"aims\": {\"reached\": [\"ovl_lookup\"], \"missed\": [], \"unprobed\": []}}";
static const char cov_b[] =
	"{\"status\": \"ok\", \"functions\": {\"ovl_lookup\": 7, \"ovl_copy_up_one\": 0,"
	" \"ovl_rename\": 4, \"ovl_new_in_b\": 1},"
	" \"aims\": {\"reached\": [\"ovl_lookup\"], \"missed\": [], \"unprobed\": []}}";
static const char cov_skip[] = "{\"status\": \"skip\", \"reason\": \"tracing refused: x\"}";

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/ut-diffcov.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* The diff's table, into a string; its JSON goes to @json. */
static char *diff_table(const char *a, const char *b, const char *json, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	*rc = ut_diff_main(a, b, json, f, stderr);
	fclose(f);
	return out;
}

static json_t *change(json_t *d, const char *kind, const char *fn)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(d, "changes"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "kind")), kind) &&
		    !strcmp(json_string_value(json_object_get(c, "function")), fn))
			return c;
	return NULL;
}

START_TEST(functions_gained_and_lost)
{
	const char *a = run_with("a", cov_a), *b = run_with("b", cov_b);
	char json[256], *t;
	json_t *d;
	int rc;

	snprintf(json, sizeof(json), "%s/d.json", root);
	t = diff_table(a, b, json, &rc);
	ck_assert_int_eq(rc, 0);		/* coverage never makes diff fail */
	ck_assert_msg(strstr(t, "# A: coverage: 2 of 4 overlayfs functions reached\n"), "%s", t);
	ck_assert_msg(strstr(t, "# B: coverage: 3 of 4 overlayfs functions reached\n"), "%s", t);
	ck_assert_msg(strstr(t, "ovl_copy_up_one") && strstr(t, "3 hits -> 0 hits") &&
		      strstr(t, "function lost"), "%s", t);
	ck_assert_msg(strstr(t, "function gained"), "%s", t);
	d = json_load_file(json, 0, NULL);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(change(d, "function lost", "ovl_copy_up_one"));
	ck_assert_ptr_nonnull(change(d, "function gained", "ovl_rename"));
	ck_assert_ptr_nonnull(change(d, "function gained", "ovl_new_in_b"));
	ck_assert_ptr_null(change(d, "function lost", "ovl_lookup"));	/* both reached it */
	ck_assert_ptr_null(change(d, "function lost", "ovl_iterate"));	/* neither did */
	ck_assert_int_eq(json_array_size(json_object_get(d, "changes")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(change(d,
			 "function lost", "ovl_copy_up_one"), "a"), "hits")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(change(d, "function gained",
			 "ovl_rename"), "variant")), UT_DIFF_ALL);
	json_decref(d);
	free(t);
}
END_TEST

/* Without coverage in both runs there is nothing to compare. */
START_TEST(no_coverage_no_lines)
{
	const char *a = run_with("a", cov_a), *none = run_with("none", NULL);
	const char *skip = run_with("skip", cov_skip);
	char json[256], *t;
	json_t *d;
	int rc;

	snprintf(json, sizeof(json), "%s/d.json", root);
	t = diff_table(a, none, json, &rc);
	d = json_load_file(json, 0, NULL);
	ck_assert_int_eq(json_array_size(json_object_get(d, "changes")), 0);
	ck_assert_msg(!strstr(t, "# B: coverage"), "%s", t);
	json_decref(d);
	free(t);
	t = diff_table(skip, a, json, &rc);
	d = json_load_file(json, 0, NULL);
	ck_assert_int_eq(json_array_size(json_object_get(d, "changes")), 0);
	ck_assert_msg(strstr(t, "# A: coverage: skip (tracing refused: x)\n"), "%s", t);
	json_decref(d);
	free(t);
}
END_TEST

/* The page of @n runs, built and rendered in memory. */
static char *page(const char *const *dirs, int n)
{
	struct ut_rpt m;
	char why[512], *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);

	ck_assert_msg(ut_rpt_build(&m, dirs, n, why, sizeof(why)) == 0, "%s", why);
	ut_html_page(f, &m);
	fclose(f);
	ut_rpt_free(&m);
	return html;
}

START_TEST(report_function_table)
{
	const char *two[] = { run_with("a", cov_a), run_with("b", cov_b) };
	const char *none[] = { run_with("none", NULL) };
	const char *skip[] = { run_with("skip", cov_skip) };
	char *html = page(two, 2);

	ck_assert_msg(strstr(html, "<h2>overlayfs functions</h2>"), "no section");
	ck_assert(strstr(html, "A: 2 of 4 functions probed reached; B: 3 of 4"));
	ck_assert(strstr(html, "<tr><td><code>ovl_copy_up_one</code></td><td class=\"num\">3</td>"
			 "<td class=\"num\">1</td><td class=\"num none\">0</td><td></td><td> "
			 "<span class=\"tag k-function-lost\">function lost</span></td>"));
	ck_assert(strstr(html, "<code>ovl_new_in_b</code></td><td class=\"none\">-</td>"));
	ck_assert(strstr(html, "<code>ovl_lookup</code>") &&
		  strstr(html, "<span>lower-dir-rename</span>"));	/* its aim, reached */
	free(html);
	html = page(none, 1);
	ck_assert(!strstr(html, "overlayfs functions"));	/* no --coverage, no section */
	free(html);
	html = page(skip, 1);
	ck_assert(strstr(html, "skip (tracing refused: x)"));
	ck_assert(!strstr(html, "<table class=\"ovw fn\">"));
	free(html);
}
END_TEST

Suite *diff_cov_suite(void)
{
	Suite *s = suite_create("diff_cov");
	TCase *tc = tcase_create("diff_cov");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, functions_gained_and_lost);
	tcase_add_test(tc, no_coverage_no_lines);
	tcase_add_test(tc, report_function_table);
	suite_add_tcase(s, tc);
	return s;
}
