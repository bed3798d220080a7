// SPDX-License-Identifier: GPL-2.0
/*
 * test_merge.c - undertow merge on handwritten shard directories: the
 * merged run's rows, files and KTAP in the unsharded order, duplicates
 * folded, missing shards, and each refusal as one line with nothing
 * written.  The integration test (tests/integration/test_merge.c) does
 * the same with real runs.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <jansson.h>

#include "cli.h"
#include "ktap_merge.h"
#include "merge.h"
#include "rundir.h"
#include "suites.h"

static char base[64], res[128], errlog[128];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Each test forks: its stdout (the merged KTAP) is dropped, stderr kept to read. */
static void setup(void)
{
	snprintf(base, sizeof(base), "/tmp/ut-merge.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(res, sizeof(res), "%s/results", base);
	snprintf(errlog, sizeof(errlog), "%s/stderr", base);
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stdout));
	ck_assert_ptr_nonnull(freopen(errlog, "w", stderr));
}

static void teardown(void)
{
	nftw(base, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* A shard of a 7-variant matrix: v(k-1), v(k-1+n), ...; @bad names a variant failing. */
struct fx {
	const char *dir, *kernel;
	int k, n, seed;
	const char *bad;	/* this variant's verdict is fail */
	bool incomplete;	/* only the first variant ran */
};

static json_t *result(const char *name, const char *verdict, int seed)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:i, s:i, s:{s:{s:i, s:{s:i}}}, s:{}, "
			 "s:[]}", "name", name, "variant", "tmpfs", "verdict", verdict,
			 "reason", "", "seed", seed, "duration_s", 0.2, "workers", 2,
			 "mutators", 1, "ops", "openat", "calls", 10 + seed, "returns", "OK",
			 10 + seed, "mutations", "findings");
}

static char *at(const char *dir, const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s/%s", base, dir, name);
	return buf[i];
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void write_shard(const struct fx *x)
{
	char kn[16], name[16], ktap[4096];
	json_t *rows = json_array(), *run;
	int used, i, t = 0, pass = 0, fail = 0, plan = (7 - x->k) / x->n + 1;

	snprintf(kn, sizeof(kn), "%d/%d", x->k, x->n);
	ck_assert_int_eq(ut_mkdir_p(at(x->dir, "")), 0);
	used = snprintf(ktap, sizeof(ktap), "KTAP version 1\n1..%d\n# undertow seed %d\n", plan,
			x->seed);
	for (i = x->k - 1; i < 7 && !(x->incomplete && t); i += x->n) {
		char file[32];
		const char *v;
		json_t *r;

		snprintf(name, sizeof(name), "v%d", i);
		snprintf(file, sizeof(file), "%s.json", name);
		v = x->bad && !strcmp(x->bad, name) ? "fail" : "pass";
		r = result(name, v, x->seed);
		ck_assert_int_eq(json_dump_file(r, at(x->dir, file), 0), 0);
		json_decref(r);
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", name,
						      "file", name, "variant", "tmpfs",
						      "verdict", v, "duration_s", 0.2));
		used += snprintf(ktap + used, sizeof(ktap) - used, "# start %s\n%s %d %s%s\n", name,
				 *v == 'p' ? "ok" : "not ok", ++t, name,
				 *v == 'p' ? "" : " # FAIL: EPERM");
		if (*v == 'p')
			pass++;
		else
			fail++;
	}
	snprintf(ktap + used, sizeof(ktap) - used, "# Totals: pass:%d fail:%d skip:0\n", pass,
		 fail);
	put(at(x->dir, "ktap.log"), ktap);
	put(at(x->dir, "kmsg.log"), "=== v (seed 1)\n");
	run = json_pack("{s:s, s:s, s:[s, s, s, s, s, s], s:i, s:s, s:s, s:b, s:o}",
			"run_id", x->dir, "kernel", x->kernel ? x->kernel : "6.18.0-test",
			"argv", "undertow", "run", "--matrix", "quick", "--shard", kn,
			"seed", x->seed, "start", "2026-01-01T00:00:00Z",
			"end", "2026-01-01T00:00:09Z", "complete", !x->incomplete,
			"scenarios", rows);
	ck_assert_int_eq(json_dump_file(run, at(x->dir, "run.json"), JSON_INDENT(2)), 0);
	json_decref(run);
}

/* undertow merge -O results DIR...; the exit code. */
static int merge(const char *const *dirs, int n)
{
	char *argv[16] = { "undertow", "merge", "-O", res };
	char paths[8][256], err[256];
	struct ut_opts o;

	for (int i = 0; i < n; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", base, dirs[i]);
		argv[4 + i] = paths[i];
	}
	ck_assert_int_eq(ut_parse_args(4 + n, argv, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.cmd, UT_CMD_MERGE);
	return ut_cmd_merge(&o);
}

static json_t *merged_run(void)
{
	json_error_t e;
	char path[256];
	json_t *j;

	snprintf(path, sizeof(path), "%s/latest/run.json", res);
	j = json_load_file(path, 0, &e);
	ck_assert_msg(j, "%s: %s", path, e.text);
	return j;
}

static void three_shards(void)
{
	write_shard(&(struct fx){ .dir = "s1", .k = 1, .n = 3, .seed = 1 });
	write_shard(&(struct fx){ .dir = "s2", .k = 2, .n = 3, .seed = 2 });
	write_shard(&(struct fx){ .dir = "s3", .k = 3, .n = 3, .seed = 3 });
}

START_TEST(shard_of_argv)
{
	const char *a[] = { "u", "run", "--shard", "2/5", "x" }, *b[] = { "u", "--shard=3/3" };
	const char *c[] = { "u", "run", "x" }, *d[] = { "u", "--shard", "4/3" };
	int k, n;

	ck_assert(ut_shard_of_argv(a, 5, &k, &n) && k == 2 && n == 5);
	ck_assert(ut_shard_of_argv(b, 2, &k, &n) && k == 3 && n == 3);
	ck_assert(!ut_shard_of_argv(c, 3, &k, &n) && k == 1 && n == 1);
	ck_assert(!ut_shard_of_argv(d, 3, &k, &n) && k == 1 && n == 1);
}
END_TEST

/* Given out of order, three shards make the unsharded run: rows, files, KTAP. */
START_TEST(merge_restores_order)
{
	const char *dirs[] = { "s3", "s1", "s2" };
	json_t *run, *rows, *m;
	struct ut_ktap_doc d;
	char why[256], name[8], *text, *copy;
	size_t len, clen;

	three_shards();
	ck_assert_int_eq(merge(dirs, 3), UT_EXIT_PASS);
	run = merged_run();
	rows = json_object_get(run, "scenarios");
	ck_assert_int_eq(json_array_size(rows), 7);
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, i),
								   "file")), name);
	}
	ck_assert(json_is_true(json_object_get(run, "complete")));
	ck_assert_ptr_null(json_object_get(run, "seed"));	/* 1, 2, 3: no common seed */
	ck_assert_str_eq(json_string_value(json_object_get(run, "kernel")), "6.18.0-test");
	m = json_object_get(run, "merge");
	ck_assert(json_is_true(json_object_get(m, "seed_differs")));
	ck_assert(json_is_false(json_object_get(m, "argv_differs")));
	ck_assert_int_eq(json_array_size(json_object_get(m, "missing")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(m, "shards"), 0), "shard")), "1/3");
	/* argv without --shard: the unsharded command. */
	ck_assert_int_eq(json_array_size(json_object_get(run, "argv")), 4);
	json_decref(run);
	snprintf(why, sizeof(why), "%s/latest/ktap.log", res);
	ck_assert_int_eq(ut_read_whole(why, 1 << 20, &text, &len), 0);
	ck_assert_msg(!ut_ktap_doc_parse(text, len, &d, why, sizeof(why)), "%s", why);
	ck_assert(d.n == 7 && d.plan == 7 && d.has_totals && !strcmp(d.t[4].name, "v4"));
	ut_ktap_doc_free(&d);
	free(text);
	/* Files are copied byte for byte. */
	snprintf(why, sizeof(why), "%s/latest/v5.json", res);
	ck_assert_int_eq(ut_read_whole(why, 1 << 20, &text, &len), 0);
	ck_assert_int_eq(ut_read_whole(at("s3", "v5.json"), 1 << 20, &copy, &clen), 0);
	ck_assert(len == clen && !memcmp(text, copy, len));
	free(text);
	free(copy);
}
END_TEST

/* The same shard twice is merged once; a missing shard leaves the run incomplete (exit 1). */
START_TEST(merge_duplicate_and_missing)
{
	const char *dirs[] = { "s1", "s3", "s1" };
	json_t *run, *m;

	three_shards();
	ck_assert_int_eq(merge(dirs, 3), UT_EXIT_FAIL);
	run = merged_run();
	ck_assert_int_eq(json_array_size(json_object_get(run, "scenarios")), 5);
	ck_assert(json_is_false(json_object_get(run, "complete")));
	m = json_object_get(run, "merge");
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(m, "missing"), 0)), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
		json_object_get(m, "shards"), 1), "duplicates")), 3);
	json_decref(run);
}
END_TEST

/* A failing variant makes the merge exit 1, like the run. */
START_TEST(merge_fail_verdict)
{
	const char *dirs[] = { "s1", "s2", "f3" };

	three_shards();
	write_shard(&(struct fx){ .dir = "f3", .k = 3, .n = 3, .seed = 3, .bad = "v5" });
	ck_assert_int_eq(merge(dirs, 3), UT_EXIT_FAIL);
}
END_TEST

/* Refused with exit 2 and one line on stderr naming @what; nothing written. */
static void refused(const char *const *dirs, int n, const char *what)
{
	char *err;
	size_t len;

	ck_assert_int_eq(merge(dirs, n), UT_EXIT_USAGE);
	fflush(stderr);
	ck_assert_int_eq(ut_read_whole(errlog, 1 << 20, &err, &len), 0);
	ck_assert_msg(strstr(err, what) && strchr(err, '\n') == err + len - 1,
		      "want one line naming '%s', got: %s", what, err);
	free(err);
	ck_assert_msg(access(res, F_OK) < 0, "%s was made", res);
}

START_TEST(refuse_conflict)
{
	const char *dirs[] = { "s1", "s2", "s3", "f3" };

	three_shards();
	write_shard(&(struct fx){ .dir = "f3", .k = 3, .n = 3, .seed = 3, .bad = "v5" });
	refused(dirs, 4, "variant v5 is in");
}
END_TEST

START_TEST(refuse_other_counts)
{
	const char *dirs[] = { "s1", "s1b" };

	three_shards();
	write_shard(&(struct fx){ .dir = "s1b", .k = 1, .n = 3, .seed = 9 });
	refused(dirs, 2, "both pass, other counts");
}
END_TEST

START_TEST(refuse_other_kernel)
{
	const char *dirs[] = { "s1", "k2" };

	three_shards();
	write_shard(&(struct fx){ .dir = "k2", .k = 2, .n = 3, .seed = 2, .kernel = "6.1.0" });
	refused(dirs, 2, "kernel 6.1.0, but");
}
END_TEST

START_TEST(refuse_other_split)
{
	const char *dirs[] = { "s1", "n4" };

	three_shards();
	write_shard(&(struct fx){ .dir = "n4", .k = 2, .n = 4, .seed = 2 });
	refused(dirs, 2, "shard 2/4, but");
}
END_TEST

START_TEST(refuse_corrupt_ktap)
{
	const char *dirs[] = { "s1", "s2" };

	three_shards();
	put(at("s2", "ktap.log"), "KTAP version 1\n1..2\nok 1 v1\nok 3 v4\n");
	refused(dirs, 2, "ktap.log: not KTAP: line 4: test number 3, want 2");
}
END_TEST

START_TEST(refuse_foreign_test)
{
	const char *dirs[] = { "s1", "s2" };

	three_shards();
	put(at("s2", "ktap.log"), "KTAP version 1\n1..1\nok 1 elsewhere\n");
	refused(dirs, 2, "test 1 'elsewhere' is not a variant of its run.json");
}
END_TEST

START_TEST(refuse_foreign_run)
{
	const char *dirs[] = { "s1", "s2" };

	three_shards();
	put(at("s2", "run.json"), "{\"hello\": 1}\n");
	refused(dirs, 2, "not an undertow run.json");
}
END_TEST

START_TEST(refuse_corrupt_result)
{
	const char *dirs[] = { "s1", "s2" };

	three_shards();
	put(at("s2", "v4.json"), "{\"name\": \"v4\", \"verdict\": \"pa");
	refused(dirs, 2, "v4.json");
}
END_TEST

/* A shard without ktap.log (a VM guest that died) gets its lines from its results. */
START_TEST(merge_without_ktap_log)
{
	const char *dirs[] = { "s1", "s2", "s3" };
	struct ut_ktap_doc d;
	char path[256], why[256], *text;
	size_t len;

	three_shards();
	ck_assert_int_eq(unlink(at("s2", "ktap.log")), 0);
	ck_assert_int_eq(merge(dirs, 3), UT_EXIT_PASS);
	snprintf(path, sizeof(path), "%s/latest/ktap.log", res);
	ck_assert_int_eq(ut_read_whole(path, 1 << 20, &text, &len), 0);
	ck_assert_msg(!ut_ktap_doc_parse(text, len, &d, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(d.n, 7);
	ck_assert(strstr(d.t[1].diag, "made from its results"));
	ut_ktap_doc_free(&d);
	free(text);
}
END_TEST

Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("merge");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shard_of_argv);
	tcase_add_test(tc, merge_restores_order);
	tcase_add_test(tc, merge_duplicate_and_missing);
	tcase_add_test(tc, merge_fail_verdict);
	tcase_add_test(tc, refuse_conflict);
	tcase_add_test(tc, refuse_other_counts);
	tcase_add_test(tc, refuse_other_kernel);
	tcase_add_test(tc, refuse_other_split);
	tcase_add_test(tc, refuse_corrupt_ktap);
	tcase_add_test(tc, refuse_foreign_test);
	tcase_add_test(tc, refuse_foreign_run);
	tcase_add_test(tc, refuse_corrupt_result);
	tcase_add_test(tc, merge_without_ktap_log);
	suite_add_tcase(s, tc);
	return s;
}
