// SPDX-License-Identifier: GPL-2.0
/*
 * test_merge.c - undertow merge on real shards: `--matrix quick --shard
 * K/3` of two scenarios, merged, must equal one unsharded run of the same
 * selection (variants in order, verdicts, KTAP and its Totals); diff and
 * report take the merged run like any other; an identical duplicate is
 * merged once; a conflicting duplicate, another kernel and corrupt or
 * foreign shards are refused in one line with exit 2 and nothing written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

#define SCENS		"lower-dir-rename", "upper-unlink-underneath"
#define RUN_TIMEOUT_S	120
#define CMD_TIMEOUT_S	30

static struct {
	char why[1024];
	char *shard[3], *again, *whole;	/* run directories */
	double run_s, merge_s;
} fx;

/* One run of the quick matrix of SCENS (@shard: "K/3" or NULL); its directory. */
static char *one_run(const char *tag, const char *shard, const char *seed)
{
	char *res = it_mkdtemp(tag), *dir = NULL;
	char *argv[20] = { "run", "--results", res, "-t", "0.2", "-w", "2", "-m", "1", "-s",
			   (char *)seed, "--matrix", "quick" };
	static const char *const scens[] = { SCENS };
	int n = 13;
	struct proc_out p;
	double t0 = it_now();

	if (shard) {
		argv[n++] = "--shard";
		argv[n++] = (char *)shard;
	}
	for (size_t i = 0; i < sizeof(scens) / sizeof(scens[0]); i++)
		argv[n++] = (char *)scens[i];
	p = run_undertow(argv, RUN_TIMEOUT_S);
	fx.run_s += it_now() - t0;
	if (p.exit_code != 0)
		snprintf(fx.why, sizeof(fx.why), "run %s: %s", shard ? shard : "unsharded",
			 proc_desc(&p));
	else
		dir = it_latest_run(res, fx.why, sizeof(fx.why));
	proc_out_free(&p);
	free(res);
	return dir;
}

/* Once for the test case, in the parent: the shards, a second 1/3, the whole. */
static void runs_setup(void)
{
	static const char *const kn[] = { "1/3", "2/3", "3/3" };

	memset(&fx, 0, sizeof(fx));
	for (int k = 0; k < 3 && !fx.why[0]; k++)
		fx.shard[k] = one_run("shard", kn[k], "1");
	if (!fx.why[0])
		fx.again = one_run("again", "1/3", "2");
	if (!fx.why[0])
		fx.whole = one_run("whole", NULL, "1");
	fprintf(stderr, "merge: 5 runs of the quick matrix in %.1f s\n", fx.run_s);
}

static void runs_teardown(void)
{
	for (int k = 0; k < 3; k++)
		free(fx.shard[k]);
	free(fx.again);
	free(fx.whole);
}

static void need_runs(void)
{
	ck_assert_msg(fx.whole, "the runs to merge: %s", fx.why);
}

/* undertow merge -O @res RUNS...; the merged directory, or NULL with @p kept. */
static struct proc_out merge(const char *res, char *const *runs, int n)
{
	char *argv[12] = { "merge", "-O", (char *)res };
	struct proc_out p;
	double t0 = it_now();

	for (int i = 0; i < n; i++)
		argv[3 + i] = runs[i];
	argv[3 + n] = NULL;
	p = run_undertow(argv, CMD_TIMEOUT_S);
	fx.merge_s = it_now() - t0;
	return p;
}

/* "file verdict" per row of run.json, in order. */
static void rows_of(const char *dir, struct strv *out)
{
	char why[1024];
	json_t *run = it_json_at(dir, "run.json", why, sizeof(why)), *row;
	size_t i;

	ck_assert_msg(run, "%s", why);
	memset(out, 0, sizeof(*out));
	json_array_foreach(json_object_get(run, "scenarios"), i, row) {
		char *line = it_fmt("%s %s", json_string_value(json_object_get(row, "file")),
				    json_string_value(json_object_get(row, "verdict")));

		strv_add(out, line);
		free(line);
	}
	json_decref(run);
}

static void ktap_of(const char *dir, struct ktap *k)
{
	char why[1024], *text = it_read_at(dir, "ktap.log");

	ck_assert_msg(text, "%s/ktap.log: missing", dir);
	ck_assert_msg(!it_ktap_parse(text, k, why, sizeof(why)), "%s/ktap.log: %s", dir, why);
	free(text);
}

/* Merged and unsharded: the same variants in the same order, the same verdicts. */
static void same_as_whole(const char *merged)
{
	struct strv a, b;
	struct ktap km, kw;
	char *d;

	rows_of(merged, &a);
	rows_of(fx.whole, &b);
	d = it_strv_diff(&b, &a);
	ck_assert_msg(!d, "merged rows differ from the unsharded run:\n%s", d);
	ck_assert_int_ge(a.n, 10);
	ktap_of(merged, &km);
	ktap_of(fx.whole, &kw);
	ck_assert_int_eq(km.plan, kw.plan);
	ck_assert_int_eq(km.ncase, kw.ncase);
	for (int i = 0; i < km.ncase; i++) {
		ck_assert_int_eq(km.c[i].num, i + 1);
		ck_assert_str_eq(km.c[i].name, kw.c[i].name);
		ck_assert_int_eq(km.c[i].ok, kw.c[i].ok);
		ck_assert_int_eq(km.c[i].skip, kw.c[i].skip);
		/* Every row has its file. */
		d = it_fmt("%s/%s.json", merged, km.c[i].name);
		ck_assert_msg(it_exists(d), "%s: missing", d);
		free(d);
	}
	ck_assert(km.totals && kw.totals && !km.bail);
	ck_assert_int_eq(km.pass, kw.pass);
	ck_assert_int_eq(km.fail, kw.fail);
	ck_assert_int_eq(km.skip, kw.skip);
	ck_assert_int_eq(km.pass + km.fail + km.skip, km.ncase);
	ktap_free(&km);
	ktap_free(&kw);
	strv_free(&a);
	strv_free(&b);
}

START_TEST(test_merged_equals_unsharded)
{
	char *res = it_mkdtemp("merged"), *dir, *log, why[1024];
	/* Out of order on purpose: merge puts them back in K order. */
	char *runs[] = { fx.shard[2], fx.shard[0], fx.shard[1] };
	struct proc_out p;
	json_t *run, *m;

	need_runs();
	p = merge(res, runs, 3);
	ck_assert_msg(p.exit_code == 0, "merge: %s", proc_desc(&p));
	fprintf(stderr, "merge: 3 shards merged in %.2f s\n", fx.merge_s);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	same_as_whole(dir);
	log = it_read_at(dir, "ktap.log");
	ck_assert_msg(log && !strcmp(log, p.out), "stdout is not ktap.log");
	ck_assert(strstr(p.err, "merged 3 runs") && !strchr(p.err, '\n')[1]);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ck_assert(json_is_true(json_object_get(run, "complete")));
	ck_assert_int_eq(json_integer_value(json_object_get(run, "seed")), 1);
	m = json_object_get(run, "merge");
	ck_assert_int_eq(json_integer_value(json_object_get(m, "of")), 3);
	ck_assert_int_eq(json_array_size(json_object_get(m, "shards")), 3);
	ck_assert(json_is_false(json_object_get(m, "seed_differs")));
	ck_assert(json_is_false(json_object_get(m, "argv_differs")));
	json_decref(run);
	free(log);
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

/* diff and report take the merged run like any run. */
START_TEST(test_diff_and_report)
{
	char *res = it_mkdtemp("merged"), *dir, why[1024];
	char *runs[] = { fx.shard[0], fx.shard[1], fx.shard[2] };
	char *json = it_fmt("%s/diff.json", res), *html = it_fmt("%s/page.html", res), *page;
	struct proc_out p;

	need_runs();
	p = merge(res, runs, 3);
	ck_assert_msg(p.exit_code == 0, "merge: %s", proc_desc(&p));
	proc_out_free(&p);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	{
		char *diff[] = { "diff", "-O", json, dir, fx.whole, NULL };
		char *report[] = { "report", dir, fx.whole, "-O", html, NULL };
		char *alone[] = { "report", dir, NULL };

		p = run_undertow(diff, CMD_TIMEOUT_S);
		ck_assert_msg(p.exit_code == 0, "diff merged unsharded: %s", proc_desc(&p));
		ck_assert(it_exists(json));
		proc_out_free(&p);
		p = run_undertow(report, CMD_TIMEOUT_S);
		ck_assert_msg(p.exit_code == 0, "report merged unsharded: %s", proc_desc(&p));
		proc_out_free(&p);
		p = run_undertow(alone, CMD_TIMEOUT_S);
		ck_assert_msg(p.exit_code == 0, "report merged: %s", proc_desc(&p));
		proc_out_free(&p);
	}
	page = it_read_file(html, NULL);
	ck_assert_msg(page && strstr(page, "<svg") && strstr(page, "upper-unlink-underneath@"),
		      "%s: no page with the variants", html);
	free(page);
	page = it_fmt("%s/report.html", dir);
	ck_assert_msg(it_exists(page), "%s: missing", page);
	free(page);
	free(json);
	free(html);
	free(dir);
	free(res);
}
END_TEST

/* The same shard given twice is merged once. */
START_TEST(test_identical_duplicate)
{
	char *res = it_mkdtemp("merged"), *dir, why[1024];
	char *runs[] = { fx.shard[0], fx.shard[1], fx.shard[0], fx.shard[2] };
	struct proc_out p;

	need_runs();
	p = merge(res, runs, 4);
	ck_assert_msg(p.exit_code == 0, "merge: %s", proc_desc(&p));
	ck_assert_msg(strstr(p.err, "duplicates merged once"), "%s", p.err);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	same_as_whole(dir);
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

/* Refused: exit 2, one line naming @what, nothing on stdout, nothing written. */
static void refused(char *const *runs, int n, const char *what)
{
	char *res = it_mkdtemp("refused");
	struct proc_out p;

	p = merge(res, runs, n);
	ck_assert_msg(p.exit_code == 2, "merge: %s", proc_desc(&p));
	ck_assert_msg(strstr(p.err, what), "want '%s' in: %s", what, p.err);
	ck_assert_msg(!strncmp(p.err, "undertow: ", 10) && strchr(p.err, '\n') ==
		      p.err + p.err_len - 1, "not one line: %s", p.err);
	ck_assert_msg(!p.out_len, "stdout: %s", p.out);
	ck_assert_msg(it_count_entries(res) == 0, "%s is not empty", res);
	proc_out_free(&p);
	it_rm_rf(res);
	free(res);
}

/* Two different runs of shard 1/3: which one is right is not merge's to say. */
START_TEST(test_conflict)
{
	char *runs[] = { fx.shard[0], fx.shard[1], fx.again, fx.shard[2] };

	need_runs();
	ck_assert_ptr_nonnull(fx.again);
	refused(runs, 4, "with different results");
}
END_TEST

/* A copy of shard 2/3 with @file replaced by @text (NULL: removed). */
static char *spoilt(const char *file, const char *text)
{
	char *copy = it_mkdtemp("spoilt"), *path = it_fmt("%s/%s", copy, file);
	char *src = it_fmt("%s/.", fx.shard[1]);
	char *cp[] = { "cp", "-a", src, copy, NULL };
	struct run_opts o = { .timeout_s = CMD_TIMEOUT_S, .exec_argv = true };
	struct proc_out p = run_undertow_ex(cp, &o);
	FILE *f;

	ck_assert_msg(p.exit_code == 0, "cp: %s", proc_desc(&p));
	proc_out_free(&p);
	unlink(path);
	if (text) {
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(text, f);
		fclose(f);
	}
	free(path);
	free(src);
	return copy;
}

static const struct {
	const char *file, *text, *want;
} spoils[] = {
	{ "run.json", NULL, "no run.json" },
	{ "run.json", "{\"run_id\": \"x\", \"scen", "run.json: not JSON" },
	{ "run.json", "{\"hello\": \"world\"}\n", "not an undertow run.json" },
	{ "run.json", "[1, 2]\n", "run.json" },
	{ "ktap.log", "TAP version 13\n1..1\n", "ktap.log: not KTAP: line 1" },
	{ "ktap.log", "KTAP version 1\n1..9\nok 1 lower-dir-rename@tmpfs,metacopy\nok 5 x\n",
	  "ktap.log: not KTAP: line 4: test number 5, want 2" },
	{ "ktap.log", "KTAP version 1\n1..1\nok 1 someone-else\n", "is not a variant of" },
	{ "ktap.log", "KTAP version 1\n1..1\nok 1 lower-dir-rename@tmpfs,metacopy\n"
	  "# Totals: pass:0 fail:1 skip:0\n", "Totals say" },
	{ "lower-dir-rename@tmpfs,metacopy.json", "{\"name\": 5}\n", "metacopy.json" },
	{ "lower-dir-rename@tmpfs,metacopy.json", "\x01\x02garbage", "metacopy.json" },
};

START_TEST(test_corrupt_and_foreign)
{
	need_runs();
	for (size_t i = 0; i < sizeof(spoils) / sizeof(spoils[0]); i++) {
		char *bad = spoilt(spoils[i].file, spoils[i].text);
		char *runs[] = { fx.shard[0], bad, fx.shard[2] };

		refused(runs, 3, spoils[i].want);
		it_rm_rf(bad);
		free(bad);
	}
}
END_TEST

/* Shards of another kernel or another split, and what is no run at all. */
START_TEST(test_not_one_matrix)
{
	char *kernel = spoilt("run.json", NULL), *path = it_fmt("%s/run.json", kernel);
	char *src = it_read_at(fx.shard[1], "run.json"), *at = strstr(src, "\"kernel\": \"");
	char *runs[] = { fx.shard[0], kernel }, *none[] = { fx.shard[0], "/nonexistent" };
	char *file[] = { fx.shard[0], path };
	FILE *f;

	need_runs();
	ck_assert_ptr_nonnull(at);
	at[11] = at[11] == '9' ? '8' : '9';	/* another kernel release */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(src, f);
	fclose(f);
	refused(runs, 2, "merge the shards of one kernel");
	refused(none, 2, "/nonexistent");
	refused(file, 2, "not a directory");
	it_rm_rf(kernel);
	free(kernel);
	free(path);
	free(src);
}
END_TEST

START_TEST(test_usage)
{
	char *none[] = { "merge", NULL }, *novalue[] = { "merge", fx.shard[0], "--results", NULL };
	char *unknown[] = { "merge", "--frobnicate", "x", NULL };
	char *const *cases[] = { none, novalue, unknown };

	need_runs();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct proc_out p = run_undertow(cases[i], CMD_TIMEOUT_S);

		ck_assert_msg(p.exit_code == 2 && !p.out_len && strchr(p.err, '\n') ==
			      p.err + p.err_len - 1, "merge usage %zu: %s", i, proc_desc(&p));
		proc_out_free(&p);
	}
}
END_TEST

Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("merge");

	tcase_add_unchecked_fixture(tc, runs_setup, runs_teardown);
	tcase_set_timeout(tc, 5 * RUN_TIMEOUT_S);
	tcase_add_test(tc, test_merged_equals_unsharded);
	tcase_add_test(tc, test_diff_and_report);
	tcase_add_test(tc, test_identical_duplicate);
	tcase_add_test(tc, test_conflict);
	tcase_add_test(tc, test_corrupt_and_foreign);
	tcase_add_test(tc, test_not_one_matrix);
	tcase_add_test(tc, test_usage);
	suite_add_tcase(s, tc);
	return s;
}
