// SPDX-License-Identifier: GPL-2.0
/*
 * test_report.c - undertow diff and report on real runs: lower-dir-rename
 * on tmpfs (A), on FUSE (B: other variant names), and on tmpfs with
 * another seed (C: the same names).  The diff's exit code and JSON, and
 * the report page rendered by headless Chromium into a PNG.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define SCEN		"lower-dir-rename"
#define RUN_TIMEOUT_S	120
#define CMD_TIMEOUT_S	30
#define APT_TIMEOUT_S	900
#define CHROMIUM_TIMEOUT_S 60
#define MIN_PNG		(10 * 1024)

static struct {
	char why[1024];
	char *a, *b, *c;	/* run directories */
} runs;

static char *one_run(const char *tag, const char *seed, const char *backend)
{
	char *res = it_mkdtemp(tag), *dir;
	char *argv[16];
	struct proc_out p;
	int n = 0;

	if (!res) {
		snprintf(runs.why, sizeof(runs.why), "mkdtemp below %s failed", it_base);
		return NULL;
	}
	argv[n++] = "run";
	argv[n++] = "-t";
	argv[n++] = "0.5";
	argv[n++] = "-w";
	argv[n++] = "2";
	argv[n++] = "-s";
	argv[n++] = (char *)seed;
	argv[n++] = "-b";
	argv[n++] = (char *)backend;
	argv[n++] = "--results";
	argv[n++] = res;
	argv[n++] = SCEN;
	argv[n] = NULL;
	p = run_undertow(argv, RUN_TIMEOUT_S);
	if (p.exit_code < 0 || p.exit_code == 2) {
		snprintf(runs.why, sizeof(runs.why), "run -b %s: %s", backend, proc_desc(&p));
		dir = NULL;
	} else {
		dir = it_latest_run(res, runs.why, sizeof(runs.why));
	}
	proc_out_free(&p);
	free(res);
	return dir;
}

/* Once for the test case, in the parent: every test forks from here. */
static void runs_setup(void)
{
	memset(&runs, 0, sizeof(runs));
	runs.a = one_run("run-a", "1", "tmpfs");
	if (runs.a)
		runs.b = one_run("run-b", "1", "fuse");
	if (runs.b)
		runs.c = one_run("run-c", "2", "tmpfs");
}

static void runs_teardown(void)
{
	free(runs.a);
	free(runs.b);
	free(runs.c);
}

static void need_runs(void)
{
	ck_assert_msg(runs.a && runs.b && runs.c, "the runs to compare: %s", runs.why);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static const char *verdict_of(const char *dir, const char *file)
{
	static char buf[2][32];
	static int k;
	char why[1024];
	json_t *j = it_json_at(dir, file, why, sizeof(why));

	ck_assert_msg(j, "%s", why);
	k = !k;
	snprintf(buf[k], sizeof(buf[k]), "%s", jstr(j, "verdict"));
	json_decref(j);
	return buf[k];
}

static int rank(const char *v)
{
	static const char *const order[] = { "skip", "pass", "fail", "broken", "leak", "corrupt",
					     "hang", "crash" };

	for (int i = 0; i < 8; i++)
		if (!strcmp(order[i], v))
			return i;
	ck_abort_msg("unknown verdict '%s'", v);
	return -1;
}

static json_t *run_id_json(const char *dir, char *why, size_t sz)
{
	return it_json_at(dir, "run.json", why, sz);
}

/* Every change in the diff's JSON is well formed; shifts obey the noise rule. */
static void check_changes(json_t *d)
{
	static const char *const kinds[] = {
		"worse", "better", "verdict changed", "only in A", "only in B", "op only in A",
		"op only in B", "appeared", "vanished", "shifted",
	};
	json_t *c, *ch = json_object_get(d, "changes");
	size_t i;

	ck_assert_msg(json_is_array(ch), "diff JSON has no changes array");
	ck_assert(json_is_object(json_object_get(d, "noise")));
	json_array_foreach(ch, i, c) {
		const char *kind = jstr(c, "kind");
		json_t *a = json_object_get(c, "a"), *b = json_object_get(c, "b");
		bool known = false;

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			known |= !strcmp(kind, kinds[k]);
		ck_assert_msg(known, "change %zu: kind '%s'", i, kind);
		if (!strcmp(kind, "shifted")) {
			double pa = json_real_value(json_object_get(a, "share"));
			double pb = json_real_value(json_object_get(b, "share"));
			double z = json_real_value(json_object_get(c, "z"));

			ck_assert_msg((pb - pa > 0.05 || pa - pb > 0.05) && (z > 4 || z < -4),
				      "change %zu shifted within noise: %.3f -> %.3f, z %.2f",
				      i, pa, pb, z);
		}
		if (!strcmp(kind, "vanished"))
			ck_assert(json_integer_value(json_object_get(b, "count")) == 0 &&
				  json_integer_value(json_object_get(a, "count")) > 0);
		if (!strcmp(kind, "appeared"))
			ck_assert(json_integer_value(json_object_get(a, "count")) == 0 &&
				  json_integer_value(json_object_get(b, "count")) > 0);
	}
}

/* tmpfs against FUSE: no variant in common, each is only in one run. */
START_TEST(test_diff_other_variants)
{
	char *argv[] = { "diff", runs.a, runs.b, NULL }, why[1024], *path;
	struct proc_out p;
	json_t *ra, *d, *c;
	size_t i;
	int only_a = 0, only_b = 0;

	need_runs();
	p = run_undertow(argv, CMD_TIMEOUT_S);
	ck_assert_msg(p.exit_code == 0, "diff tmpfs fuse: %s", proc_desc(&p));
	ck_assert_msg(strstr(p.out, "|z| > 4"), "the table does not state the noise rule:\n%s",
		      p.out);
	ra = run_id_json(runs.a, why, sizeof(why));
	ck_assert_msg(ra, "%s", why);
	path = it_fmt("%s/diff-%s.json", runs.b, jstr(ra, "run_id"));
	d = it_json_load(path, why, sizeof(why));
	ck_assert_msg(d, "diff wrote no JSON: %s", why);
	check_changes(d);
	json_array_foreach(json_object_get(d, "changes"), i, c) {
		only_a += !strcmp(jstr(c, "kind"), "only in A") &&
			  !strcmp(jstr(c, "variant"), SCEN);
		only_b += !strcmp(jstr(c, "kind"), "only in B") &&
			  !strcmp(jstr(c, "variant"), SCEN "@fuse");
	}
	ck_assert_msg(only_a == 1 && only_b == 1, "want %s only in A and %s@fuse only in B:\n%s",
		      SCEN, SCEN, p.out);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "exit")), 0);
	json_decref(d);
	json_decref(ra);
	free(path);
	proc_out_free(&p);
}
END_TEST

/* The same variant, another seed: exit 1 exactly when the verdict got worse. */
START_TEST(test_diff_same_variant)
{
	char *out = it_fmt("%s/ac.json", it_base), why[1024];
	char *argv[] = { "diff", runs.a, "--output", out, runs.c, NULL };
	const char *va, *vc;
	int worse;
	struct proc_out p;
	json_t *d;

	need_runs();
	va = verdict_of(runs.a, SCEN ".json");
	vc = verdict_of(runs.c, SCEN ".json");
	worse = rank(vc) > rank(va);
	p = run_undertow(argv, CMD_TIMEOUT_S);
	ck_assert_msg(p.exit_code == worse, "diff %s -> %s: %s", va, vc, proc_desc(&p));
	ck_assert_msg(p.err_len == 0, "diff wrote to stderr: %s", p.err);
	d = it_json_load(out, why, sizeof(why));
	ck_assert_msg(d, "--output: %s", why);
	check_changes(d);
	ck_assert(json_is_boolean(json_object_get(d, "worse")));
	ck_assert_int_eq(json_is_true(json_object_get(d, "worse")), worse);
	json_decref(d);
	proc_out_free(&p);
	/* A run against itself: nothing. */
	{
		char *same[] = { "diff", runs.a, runs.a, "-O", out, NULL };

		p = run_undertow(same, CMD_TIMEOUT_S);
		ck_assert_msg(p.exit_code == 0, "diff A A: %s", proc_desc(&p));
		ck_assert_msg(strstr(p.out, "no changes beyond noise"), "%s", p.out);
		proc_out_free(&p);
	}
	free(out);
}
END_TEST

START_TEST(test_usage_errors)
{
	char *cases[][6] = {
		{ "diff", runs.a, NULL },
		{ "diff", runs.a, runs.b, runs.c, NULL },
		{ "diff", runs.a, "/nonexistent/run", NULL },
		{ "diff", runs.a, (char *)it_base, NULL },	/* no run.json, no latest */
		{ "report", NULL },
		{ "report", runs.a, runs.b, runs.c, NULL },
		{ "report", runs.a, "--output", NULL },
		{ "report", runs.a, "-o", "x", NULL },
	};

	need_runs();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct proc_out p = run_undertow(cases[i], CMD_TIMEOUT_S);

		ck_assert_msg(p.exit_code == 2, "case %zu (%s): %s", i, cases[i][0], proc_desc(&p));
		ck_assert_msg(!strncmp(p.err, "undertow: ", 10) &&
			      strchr(p.err, '\n') == p.err + p.err_len - 1,
			      "case %zu: want one 'undertow: ' line, got '%s'", i, p.err);
		ck_assert_msg(p.out_len == 0, "case %zu wrote to stdout: %s", i, p.out);
		proc_out_free(&p);
	}
}
END_TEST

/* Debian's chromium; installed when missing, and a clear failure if it cannot be. */
static void need_chromium(void)
{
	char *argv[] = { "sh", "-c", "command -v chromium >/dev/null || "
			 "DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium", NULL };
	char *check[] = { "sh", "-c", "command -v chromium", NULL };
	struct run_opts o = { .timeout_s = APT_TIMEOUT_S, .exec_argv = true };
	struct proc_out p = run_undertow_ex(argv, &o), q;

	o.timeout_s = CMD_TIMEOUT_S;
	q = run_undertow_ex(check, &o);
	ck_assert_msg(q.exit_code == 0, "chromium is not installed and 'apt-get install -y "
		      "chromium' did not install it: %s\n%s", proc_desc(&p), p.out);
	proc_out_free(&p);
	proc_out_free(&q);
}

START_TEST(test_report_renders)
{
	char *html = it_fmt("%s/ac.html", it_base), *png = it_fmt("%s/ac.png", it_base);
	char *argv[] = { "report", runs.a, runs.c, "--output", html, NULL };
	char *profile, *url, *flag_shot, *flag_profile, *page;
	struct run_opts o = { .timeout_s = CHROMIUM_TIMEOUT_S, .exec_argv = true };
	struct proc_out p;
	size_t len;

	need_runs();
	p = run_undertow(argv, CMD_TIMEOUT_S);
	ck_assert_msg(p.exit_code == 0, "report: %s", proc_desc(&p));
	proc_out_free(&p);
	page = it_read_file(html, &len);
	ck_assert_msg(page && len > 1000, "report wrote no page to %s", html);
	ck_assert_msg(!strstr(page, "http"), "the page names a URL");
	ck_assert_msg(!strstr(page, "<script"), "the page has a script");
	ck_assert(strstr(page, "<svg") && strstr(page, SCEN));
	free(page);

	need_chromium();
	profile = it_mkdtemp("chromium-profile");
	ck_assert_ptr_nonnull(profile);
	url = it_fmt("file://%s", html);
	flag_shot = it_fmt("--screenshot=%s", png);
	flag_profile = it_fmt("--user-data-dir=%s", profile);
	{
		char *chrome[] = { "chromium", "--headless", "--no-sandbox", "--disable-gpu",
				   "--disable-quic", "--no-first-run",
				   "--disable-background-networking",
				   "--disable-component-update", "--disable-sync", flag_profile,
				   flag_shot, "--window-size=1200,2000", url, NULL };

		p = run_undertow_ex(chrome, &o);
	}
	ck_assert_msg(p.exit_code == 0, "chromium: %s", proc_desc(&p));
	proc_out_free(&p);
	page = it_read_file(png, &len);
	ck_assert_msg(page, "chromium wrote no screenshot %s", png);
	ck_assert_msg(len > 8 && !memcmp(page, "\x89PNG\r\n\x1a\n", 8), "%s is not a PNG", png);
	ck_assert_msg(len > MIN_PNG, "%s is %zu bytes, want > %d", png, len, MIN_PNG);
	free(page);
	it_rm_rf(profile);
	free(profile);
	free(url);
	free(flag_shot);
	free(flag_profile);
	free(html);
	free(png);
}
END_TEST

/* One run, default output: RUN/report.html. */
START_TEST(test_report_default_output)
{
	char *argv[] = { "report", runs.b, NULL }, *path, *page;
	struct proc_out p;

	need_runs();
	p = run_undertow(argv, CMD_TIMEOUT_S);
	ck_assert_msg(p.exit_code == 0, "report: %s", proc_desc(&p));
	path = it_fmt("%s/report.html", runs.b);
	page = it_read_file(path, NULL);
	ck_assert_msg(page, "no %s", path);
	ck_assert(strstr(page, SCEN "@fuse") && !strstr(page, "http"));
	ck_assert(strstr(page, verdict_of(runs.b, SCEN "@fuse.json")));
	free(page);
	free(path);
	proc_out_free(&p);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_unchecked_fixture(tc, runs_setup, runs_teardown);
	/* Installing chromium, when missing, takes a while. */
	tcase_set_timeout(tc, APT_TIMEOUT_S + 2 * CHROMIUM_TIMEOUT_S);
	tcase_add_test(tc, test_diff_other_variants);
	tcase_add_test(tc, test_diff_same_variant);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_report_renders);
	tcase_add_test(tc, test_report_default_output);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, badresults_tcase());
	suite_add_tcase(s, report_lines_tcase());
	return s;
}
