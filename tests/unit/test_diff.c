// SPDX-License-Identifier: GPL-2.0
/*
 * test_diff.c - undertow diff and report on small handwritten runs: the
 * noise rule, appeared/vanished/shifted codes, verdict changes and the
 * exit code, the JSON written, and the HTML page's escaping.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "cli.h"
#include "diff.h"
#include "report.h"
#include "scratch.h"
#include "suites.h"

/* One variant of a handwritten run. */
struct fx_var {
	const char *file;	/* NULL: the row has no "file" (an old run.json) */
	const char *name;
	const char *verdict;
	json_t *res;		/* owned; ops/mutations/findings filled by put() */
};

static json_t *new_res(const char *name, const char *verdict)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:f, s:i, s:i, s:s, s:s, s:{}, s:{}, s:[]}",
			 "name", name, "variant", "tmpfs", "verdict", verdict, "reason", "",
			 "seed", (json_int_t)1, "duration_s", 1.0, "workers", 2, "mutators", 1,
			 "ovl_options", "", "backend", "tmpfs", "ops", "mutations", "findings");
}

/* @n returns @ret from @op of @role ("ops" or "mutations"); calls grow by @n. */
static void put(json_t *res, const char *role, const char *op, const char *ret, json_int_t n)
{
	json_t *h = json_object_get(res, role), *o = json_object_get(h, op), *rets;

	if (!o) {
		o = json_pack("{s:I, s:{}}", "calls", (json_int_t)0, "returns");
		json_object_set_new(h, op, o);
	}
	rets = json_object_get(o, "returns");
	json_object_set_new(rets, ret, json_integer(json_integer_value(
		json_object_get(rets, ret)) + n));
	json_object_set_new(o, "calls", json_integer(json_integer_value(
		json_object_get(o, "calls")) + n));
}

static void finding(json_t *res, const char *kind, const char *detail)
{
	json_array_append_new(json_object_get(res, "findings"),
			      json_pack("{s:s, s:s}", "kind", kind, "detail", detail));
}

/* @dir/run.json and a <file>.json per variant; the fixtures' res are freed. */
static void write_run(const char *dir, const char *run_id, struct fx_var *v, int n)
{
	json_t *rows = json_array(), *run;
	char path[512];

	ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir %s", dir);
	for (int i = 0; i < n; i++) {
		const char *file = v[i].file ? v[i].file : v[i].name;
		json_t *row = json_pack("{s:s, s:s, s:s, s:f}", "name", v[i].name,
					"variant", "tmpfs", "verdict", v[i].verdict,
					"duration_s", 1.0);

		if (v[i].file)
			json_object_set_new(row, "file", json_string(v[i].file));
		json_array_append_new(rows, row);
		snprintf(path, sizeof(path), "%s/%s.json", dir, file);
		ck_assert_int_eq(json_dump_file(v[i].res, path, JSON_INDENT(2)), 0);
		json_decref(v[i].res);
	}
	run = json_pack("{s:s, s:s, s:[s, s, s], s:I, s:s, s:s, s:b, s:o}", "run_id", run_id,
			"kernel", "6.18.0-test", "argv", "./undertow", "run", "<all> & more",
			"seed", (json_int_t)7, "start", "2026-01-01T00:00:00Z",
			"end", "2026-01-01T00:00:09Z", "complete", 1, "scenarios", rows);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	ck_assert_int_eq(json_dump_file(run, path, JSON_INDENT(2)), 0);
	json_decref(run);
}


static void setup(void)
{
	scratch_setup("diff");
}

static void teardown(void)
{
	scratch_teardown();
}

/* Run ut_diff_main with the table and errors captured. */
struct captured {
	int rc;
	char *out, *err;
	size_t outlen, errlen;
};

static struct captured diff(const char *a, const char *b, const char *output)
{
	struct captured c = { 0 };
	FILE *out = open_memstream(&c.out, &c.outlen), *err = open_memstream(&c.err, &c.errlen);

	c.rc = ut_diff_main(a, b, output, out, err);
	fclose(out);
	fclose(err);
	return c;
}

static void captured_free(struct captured *c)
{
	free(c->out);
	free(c->err);
}

/* The change of @kind on @op/@ret in the JSON, or NULL. */
static json_t *find_change(json_t *j, const char *kind, const char *role, const char *op,
			   const char *ret)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(j, "changes"), i, c) {
		const char *k = json_string_value(json_object_get(c, "kind"));
		const char *r = json_string_value(json_object_get(c, "role"));
		const char *o = json_string_value(json_object_get(c, "op"));
		const char *rc = json_string_value(json_object_get(c, "return"));

		if (!strcmp(k, kind) && (!role || (r && !strcmp(r, role))) &&
		    (!op || (o && !strcmp(o, op))) && (!ret || (rc && !strcmp(rc, ret))))
			return c;
	}
	return NULL;
}

static json_t *load(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	ck_assert_msg(j, "%s: %s", path, e.text);
	return j;
}

START_TEST(noise_rule)
{
	double z;

	/* 1000 calls each, 50% vs 52%: 2 points is noise. */
	ck_assert(!ut_diff_shifted(500, 1000, 520, 1000, &z));
	ck_assert(z > 0 && z < 4);
	/* 10% vs 40%: a shift, far beyond |z| > 4. */
	ck_assert(ut_diff_shifted(100, 1000, 400, 1000, &z));
	ck_assert(z > 15 && z < 16);
	ck_assert(ut_diff_shifted(400, 1000, 100, 1000, &z));
	ck_assert(z < -15);
	/* 10 points on 20 calls: large but not significant. */
	ck_assert(!ut_diff_shifted(10, 20, 12, 20, &z));
	/* Significant but under 5 points: 1,000,000 calls, 50% vs 51%. */
	ck_assert(!ut_diff_shifted(500000, 1000000, 510000, 1000000, &z));
	ck_assert(z > 4);
	/* Nothing to compare. */
	ck_assert(!ut_diff_shifted(0, 0, 5, 10, &z));
	ck_assert(!ut_diff_shifted(10, 10, 10, 10, &z));
}
END_TEST

/* A patch that removes ESTALE: the diff must show it, and only what moved. */
static void two_runs(const char *verdict_b)
{
	struct fx_var a = { "upper-unlink-underneath", "upper-unlink-underneath", "pass", NULL };
	struct fx_var b = a;

	b.verdict = verdict_b;
	a.res = new_res(a.name, a.verdict);
	b.res = new_res(b.name, b.verdict);
	put(a.res, "ops", "unlinkat", "ESTALE", 500);		/* vanishes */
	put(a.res, "ops", "unlinkat", "OK", 500);
	put(b.res, "ops", "unlinkat", "OK", 1000);
	put(a.res, "ops", "fstatat", "OK", 500);		/* noise */
	put(a.res, "ops", "fstatat", "ENOENT", 500);
	put(b.res, "ops", "fstatat", "OK", 520);
	put(b.res, "ops", "fstatat", "ENOENT", 480);
	put(a.res, "ops", "renameat2", "ENOENT", 100);		/* shifts */
	put(a.res, "ops", "renameat2", "OK", 900);
	put(b.res, "ops", "renameat2", "ENOENT", 400);
	put(b.res, "ops", "renameat2", "OK", 600);
	put(a.res, "ops", "creat", "OK", 1000);			/* EIO appears */
	put(b.res, "ops", "creat", "OK", 990);
	put(b.res, "ops", "creat", "EIO", 10);
	put(a.res, "mutations", "lower_rename", "OK", 10);	/* mutators apart */
	put(b.res, "mutations", "lower_rename", "OK", 10);
	put(b.res, "mutations", "lower_rename", "ENOTEMPTY", 5);
	put(a.res, "mutations", "upper_unlink", "OK", 10);	/* an op only in A */
	if (strcmp(verdict_b, "pass"))
		finding(b.res, verdict_b, "unlinkat returned EIO\nevidence line");
	write_run(scratch_at("a"), "run-a", &a, 1);
	write_run(scratch_at("b"), "run-b", &b, 1);
}

START_TEST(appeared_vanished_shifted)
{
	struct captured c;
	json_t *j, *ch;

	two_runs("pass");
	c = diff(scratch_at("a"), scratch_at("b"), NULL);
	ck_assert_msg(c.rc == 0, "rc %d: %s", c.rc, c.err);
	ck_assert_msg(c.errlen == 0, "stderr: %s", c.err);
	j = load(scratch_at("b/diff-run-a.json"));
	ch = find_change(j, "vanished", "workers", "unlinkat", "ESTALE");
	ck_assert_msg(ch, "ESTALE 500 -> 0 not vanished:\n%s", c.out);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ch, "a"), "count")),
			 500);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ch, "b"), "count")),
			 0);
	ck_assert(find_change(j, "shifted", "workers", "unlinkat", "OK"));
	ck_assert(find_change(j, "shifted", "workers", "renameat2", "ENOENT"));
	ck_assert(json_real_value(json_object_get(find_change(j, "shifted", "workers",
				  "renameat2", "ENOENT"), "z")) > 4);
	ck_assert(find_change(j, "appeared", "workers", "creat", "EIO"));
	ck_assert(find_change(j, "appeared", "mutators", "lower_rename", "ENOTEMPTY"));
	ck_assert(find_change(j, "op only in A", "mutators", "upper_unlink", NULL));
	/* Noise stays out: 50% vs 52%, and creat's OK 100% vs 99%. */
	ck_assert_msg(!find_change(j, "shifted", NULL, "fstatat", NULL), "%s", c.out);
	ck_assert(!find_change(j, "shifted", NULL, "creat", "OK"));
	ck_assert_int_eq(json_array_size(json_object_get(j, "changes")), 7);
	ck_assert(json_is_false(json_object_get(j, "worse")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "a"), "run_id")),
			 "run-a");
	/* The table says the same, and states the noise rule. */
	ck_assert_msg(strstr(c.out, "|z| > 4") && strstr(c.out, "5 points"), "%s", c.out);
	ck_assert_msg(strstr(c.out, "ESTALE") && strstr(c.out, "50.0% 500/1000 -> 0.0% 0/1000") &&
		      strstr(c.out, "vanished"), "%s", c.out);
	json_decref(j);
	captured_free(&c);
}
END_TEST

START_TEST(verdict_worse_exit_1)
{
	struct captured c;
	json_t *j;

	two_runs("fail");
	c = diff(scratch_at("a"), scratch_at("b"), scratch_at("out.json"));
	ck_assert_msg(c.rc == 1, "pass -> fail: rc %d", c.rc);
	j = load(scratch_at("out.json"));
	ck_assert(json_is_true(json_object_get(j, "worse")));
	ck_assert_int_eq(json_integer_value(json_object_get(j, "exit")), 1);
	ck_assert(find_change(j, "worse", NULL, NULL, NULL));
	ck_assert_msg(strstr(c.out, "-> fail  worse"), "%s", c.out);
	json_decref(j);
	captured_free(&c);
	/* The other way round it got better: exit 0. */
	c = diff(scratch_at("b"), scratch_at("a"), scratch_at("back.json"));
	ck_assert_int_eq(c.rc, 0);
	j = load(scratch_at("back.json"));
	ck_assert(find_change(j, "better", NULL, NULL, NULL));
	ck_assert(json_is_false(json_object_get(j, "worse")));
	json_decref(j);
	captured_free(&c);
}
END_TEST

START_TEST(verdict_order)
{
	static const char *const order[] = { "skip", "pass", "fail", "broken", "leak", "corrupt",
					     "hang", "crash" };

	for (int i = 0; i + 1 < 8; i++) {
		struct fx_var a = { "x", "x", order[i], NULL };
		struct fx_var b = { "x", "x", order[i + 1], NULL };
		char da[16], db[16];
		struct captured c;

		a.res = new_res("x", a.verdict);
		b.res = new_res("x", b.verdict);
		snprintf(da, sizeof(da), "a%d", i);
		snprintf(db, sizeof(db), "b%d", i);
		write_run(scratch_at(da), da, &a, 1);
		write_run(scratch_at(db), db, &b, 1);
		c = diff(scratch_at(da), scratch_at(db), scratch_at("o.json"));
		ck_assert_msg(c.rc == 1, "%s -> %s: rc %d", order[i], order[i + 1], c.rc);
		captured_free(&c);
		c = diff(scratch_at(db), scratch_at(da), scratch_at("o.json"));
		ck_assert_msg(c.rc == 0, "%s -> %s: rc %d", order[i + 1], order[i], c.rc);
		captured_free(&c);
	}
}
END_TEST

START_TEST(same_runs_no_changes)
{
	struct captured c;
	json_t *j;

	two_runs("pass");
	c = diff(scratch_at("a"), scratch_at("a"), NULL);
	ck_assert_int_eq(c.rc, 0);
	ck_assert_msg(strstr(c.out, "no changes beyond noise"), "%s", c.out);
	j = load(scratch_at("a/diff-run-a.json"));
	ck_assert_int_eq(json_array_size(json_object_get(j, "changes")), 0);
	json_decref(j);
	captured_free(&c);
}
END_TEST

/* Match by file stem; rows without "file" fall back to the name. */
START_TEST(variants_only_in_one_run)
{
	struct fx_var a[] = {
		{ NULL, "lower-dir-rename", "pass", NULL },
		{ "lower-dir-rename@fuse", "lower-dir-rename", "pass", NULL },
	};
	struct fx_var b[] = {
		{ "lower-dir-rename", "lower-dir-rename", "pass", NULL },
		{ "lower-dir-rename@xfs", "lower-dir-rename", "crash", NULL },
	};
	struct captured c;
	json_t *j, *ch;

	for (int i = 0; i < 2; i++) {
		a[i].res = new_res(a[i].name, a[i].verdict);
		b[i].res = new_res(b[i].name, b[i].verdict);
		put(a[i].res, "ops", "fstatat", "OK", 10);
		put(b[i].res, "ops", "fstatat", "OK", 10);
	}
	write_run(scratch_at("a"), "run-a", a, 2);
	write_run(scratch_at("b"), "run-b", b, 2);
	c = diff(scratch_at("a"), scratch_at("b"), scratch_at("o.json"));
	ck_assert_msg(c.rc == 0, "a crash only in B is no verdict change: rc %d", c.rc);
	j = load(scratch_at("o.json"));
	ck_assert_int_eq(json_array_size(json_object_get(j, "changes")), 2);
	ch = find_change(j, "only in A", NULL, NULL, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(ch, "variant")),
			 "lower-dir-rename@fuse");
	ch = find_change(j, "only in B", NULL, NULL, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(ch, "variant")),
			 "lower-dir-rename@xfs");
	json_decref(j);
	captured_free(&c);
}
END_TEST

START_TEST(usage_errors)
{
	struct captured c;

	two_runs("pass");
	c = diff(scratch_at("nonexistent"), scratch_at("b"), NULL);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_msg(!strncmp(c.err, "undertow: ", 10) && strchr(c.err, '\n') ==
		      c.err + c.errlen - 1, "want one 'undertow: ' line: '%s'", c.err);
	captured_free(&c);
	ck_assert_int_eq(mkdir(scratch_at("empty"), 0755), 0);
	c = diff(scratch_at("a"), scratch_at("empty"), NULL);
	ck_assert_int_eq(c.rc, 2);
	ck_assert_msg(strstr(c.err, "run.json"), "%s", c.err);
	captured_free(&c);
	c = diff(scratch_at("a"), scratch_at("b"), scratch_at("no/such/dir/x.json"));
	ck_assert_int_eq(c.rc, 2);
	ck_assert_msg(!strncmp(c.err, "undertow: ", 10), "%s", c.err);
	captured_free(&c);
}
END_TEST

/* A results directory stands for its latest run. */
START_TEST(results_dir_latest)
{
	struct captured c;

	two_runs("pass");
	ck_assert_int_eq(symlink("b", scratch_at("latest")), 0);
	c = diff(scratch_at("a"), scratch_base, scratch_at("o.json"));
	ck_assert_msg(c.rc == 0, "rc %d: %s", c.rc, c.err);
	ck_assert(strstr(c.out, "vanished"));
	captured_free(&c);
}
END_TEST

START_TEST(cli_diff_report)
{
	char *d1[] = { "undertow", "diff", "A", "B", NULL };
	char *d2[] = { "undertow", "diff", "--output", "x.json", "A", "B", NULL };
	char *r1[] = { "undertow", "report", "A", NULL };
	char *r2[] = { "undertow", "report", "A", "B", "-O", "x.html", NULL };
	char *bad1[] = { "undertow", "diff", "A", NULL };
	char *bad2[] = { "undertow", "report", "A", "B", "C", NULL };
	char *bad3[] = { "undertow", "report", "A", "--output", NULL };
	char *bad4[] = { "undertow", "diff", "-t", "1", "A", "B", NULL };
	char *bad5[] = { "undertow", "report", NULL };
	char *const *bad[] = { bad1, bad2, bad3, bad4, bad5 };
	const int badc[] = { 3, 5, 4, 6, 2 };
	struct ut_opts o;
	char err[256];

	ck_assert_int_eq(ut_parse_args(4, d1, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.cmd, UT_CMD_DIFF);
	ck_assert_int_eq(o.nruns, 2);
	ck_assert_str_eq(o.runs[0], "A");
	ck_assert_str_eq(o.runs[1], "B");
	ck_assert_ptr_null(o.output);
	ck_assert_int_eq(ut_parse_args(6, d2, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.output, "x.json");
	ck_assert_int_eq(o.nruns, 2);
	ck_assert_int_eq(ut_parse_args(3, r1, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.cmd, UT_CMD_REPORT);
	ck_assert_int_eq(o.nruns, 1);
	ck_assert_int_eq(ut_parse_args(6, r2, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.nruns, 2);
	ck_assert_str_eq(o.runs[1], "B");
	ck_assert_str_eq(o.output, "x.html");
	for (int i = 0; i < 5; i++) {
		ck_assert_msg(ut_parse_args(badc[i], (char **)bad[i], &o, err, sizeof(err)) == -1,
			      "bad command line %d accepted", i);
		ck_assert_msg(err[0] && !strchr(err, '\n'), "bad %d: '%s'", i, err);
	}
}
END_TEST

static char *report(const char *const *dirs, int n, const char *output, int *rc)
{
	char *out = NULL, *err = NULL, *html;
	size_t ol, el;
	FILE *fo = open_memstream(&out, &ol), *fe = open_memstream(&err, &el);
	FILE *f;
	long len;

	*rc = ut_report_main(dirs, n, output, fo, fe);
	fclose(fo);
	fclose(fe);
	ck_assert_msg(*rc == 0, "report rc %d: %s", *rc, err);
	free(out);
	free(err);
	f = fopen(output, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	html = calloc(1, len + 1);
	ck_assert_int_eq(fread(html, 1, len, f), (size_t)len);
	fclose(f);
	return html;
}

START_TEST(report_escapes)
{
	struct fx_var a = { "evil", "evil", "fail", NULL };
	const char *dirs[] = { NULL, NULL };
	char *html, *out;
	int rc;

	a.res = new_res(a.name, a.verdict);
	put(a.res, "ops", "openat", "OK", 7);
	put(a.res, "ops", "openat", "EWEIRD<b>", 3);
	json_object_set_new(a.res, "reason", json_string("reason <i>x</i> & y"));
	finding(a.res, "fail", "openat gave <script>alert('x')</script> & \"more\"\n"
		"evidence: a<b && c>d");
	write_run(scratch_at("a"), "run-<a>", &a, 1);
	dirs[0] = scratch_at("a");
	out = scratch_at("r.html");
	html = report(dirs, 1, out, &rc);
	ck_assert_msg(!strstr(html, "<script"), "a <script> got through");
	ck_assert_msg(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
			     "&quot;more&quot;"), "finding not escaped");
	ck_assert(strstr(html, "evidence: a&lt;b &amp;&amp; c&gt;d"));
	ck_assert(strstr(html, "reason &lt;i&gt;x&lt;/i&gt; &amp; y"));
	ck_assert(strstr(html, "EWEIRD&lt;b&gt;"));
	ck_assert(!strstr(html, "<b>EWEIRD") && !strstr(html, "EWEIRD<b>"));
	ck_assert(strstr(html, "run-&lt;a&gt;"));
	ck_assert(strstr(html, "&lt;all&gt; &amp; more"));
	/* Self-contained: no URL, no script, nothing loaded. */
	ck_assert_msg(!strstr(html, "http"), "the page names a URL");
	ck_assert(!strstr(html, "src=") && !strstr(html, "<link") && !strstr(html, "@import"));
	ck_assert(strstr(html, "<svg") && strstr(html, "<style>"));
	free(html);
}
END_TEST

START_TEST(report_two_runs)
{
	const char *dirs[2];
	FILE *null;
	char *html;
	int rc;

	two_runs("fail");
	dirs[0] = scratch_at("a");
	dirs[1] = scratch_at("b");
	html = report(dirs, 2, scratch_at("two.html"), &rc);
	ck_assert(strstr(html, "run-a") && strstr(html, "run-b"));
	ck_assert_msg(strstr(html, "ESTALE vanished"), "the change is not marked");
	ck_assert(strstr(html, "EIO appeared"));
	ck_assert(strstr(html, "class=\"badge v-fail\""));
	ck_assert(strstr(html, "unlinkat returned EIO\nevidence line"));
	ck_assert(!strstr(html, "http") && !strstr(html, "<script"));
	free(html);
	/* The default output is the first run's report.html. */
	null = fopen("/dev/null", "w");
	ck_assert_int_eq(ut_report_main(dirs, 1, NULL, null, stderr), 0);
	fclose(null);
	ck_assert_int_eq(access(scratch_at("a/report.html"), R_OK), 0);
}
END_TEST

START_TEST(report_colors)
{
	ck_assert_str_eq(ut_report_color("OK"), "#2e9e44");
	ck_assert_str_eq(ut_report_color("ENOENT"), "#9e9e9e");
	ck_assert_str_eq(ut_report_color("ESTALE"), "#f28c18");
	ck_assert_str_eq(ut_report_color("EIO"), "#d62728");
	/* Others: hashed, so the same in every report. */
	ck_assert_str_eq(ut_report_color("EXDEV"), ut_report_color("EXDEV"));
	ck_assert_str_ne(ut_report_color("EXDEV"), ut_report_color("OK"));
}
END_TEST

Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, noise_rule);
	tcase_add_test(tc, appeared_vanished_shifted);
	tcase_add_test(tc, verdict_worse_exit_1);
	tcase_add_test(tc, verdict_order);
	tcase_add_test(tc, same_runs_no_changes);
	tcase_add_test(tc, variants_only_in_one_run);
	tcase_add_test(tc, usage_errors);
	tcase_add_test(tc, results_dir_latest);
	tcase_add_test(tc, cli_diff_report);
	tcase_add_test(tc, report_escapes);
	tcase_add_test(tc, report_two_runs);
	tcase_add_test(tc, report_colors);
	suite_add_tcase(s, tc);
	return s;
}
