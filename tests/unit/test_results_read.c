// SPDX-License-Identifier: GPL-2.0
/*
 * test_results_read.c - the typed results reader on good and on corrupt or
 * foreign input: not JSON, truncated, another shape, keys missing or of
 * the wrong type, directories and FIFOs where files belong.  Every refusal
 * is one line that starts with the path at fault and says what is wrong.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "run_read.h"
#include "scratch.h"
#include "suites.h"


static void setup(void)
{
	scratch_setup("read");
}

static void teardown(void)
{
	scratch_teardown();
}


static void put_json(const char *path, json_t *j)
{
	ck_assert_int_eq(json_dump_file(j, path, JSON_INDENT(1)), 0);
}

/* One line, starting with @path, naming @want. */
static void check_why(const char *why, const char *path, const char *want, const char *tag)
{
	ck_assert_msg(!strncmp(why, path, strlen(path)), "%s: '%s' does not start with %s", tag,
		      why, path);
	ck_assert_msg(!strchr(why, '\n'), "%s: more than one line: '%s'", tag, why);
	ck_assert_msg(strstr(why, want), "%s: '%s' does not say '%s'", tag, why, want);
}

static const char good_scen[] =
	"{\"name\": \"a\", \"variant\": \"\", \"verdict\": \"pass\", \"seed\": 1, "
	"\"workers\": 2, \"mutators\": 1, \"duration_s\": 1.5, "
	"\"ops\": {\"openat\": {\"calls\": 3, \"returns\": {\"OK\": 2, \"ENOENT\": 1}}}, "
	"\"mutations\": {}, \"findings\": [{\"kind\": \"info\", \"detail\": \"x\"}]}";

/* A scenario file that is not JSON, or not an object. */
static const struct { const char *text, *want; } not_json[] = {
	{ "", "not JSON" },
	{ "not json at all\n", "not JSON" },
	{ "{\"name\": \"a\", \"seed\": 1", "not JSON" },	/* truncated */
	{ "{\"name\": \"a\"} trailing", "not JSON" },
	{ "\"a string\"", "not JSON" },
	{ "{\"name\": \"a\\u0000b\"}", "not JSON" },
	{ "{\"name\": \"\xff\"}", "not JSON" },			/* not UTF-8 */
	{ "{\"seed\": 99999999999999999999999}", "not JSON" },
	{ "[1, 2, 3]", "want a JSON object" },
};

/* The good file with @key set to @value (NULL: removed), read for @need. */
static const struct {
	const char *key, *value;
	unsigned need;
	const char *want;
} bad_key[] = {
	{ "name", NULL, UT_NEED_OUTCOME, "no 'name'" },
	{ "name", "7", UT_NEED_OUTCOME, "name: want a non-empty string" },
	{ "name", "\"\"", UT_NEED_OUTCOME, "name: want a non-empty string" },
	{ "verdict", NULL, UT_NEED_OUTCOME, "no 'verdict'" },
	{ "verdict", "null", UT_NEED_OUTCOME, "verdict: want a non-empty string" },
	{ "seed", NULL, UT_NEED_SETTINGS, "no 'seed'" },
	{ "seed", "\"1\"", UT_NEED_OUTCOME, "seed: want an integer >= 0" },
	{ "seed", "-3", UT_NEED_OUTCOME, "seed: want an integer >= 0" },
	{ "workers", "1.5", UT_NEED_SETTINGS, "workers: want an integer >= 0" },
	{ "workers", "3000000000", UT_NEED_SETTINGS, "workers: want an integer >= 0" },
	{ "mutators", NULL, UT_NEED_SETTINGS, "no 'mutators'" },
	{ "duration_s", "\"2\"", UT_NEED_OUTCOME, "duration_s: want a number >= 0" },
	{ "backend", "5", UT_NEED_SETTINGS, "backend: want a string" },
	{ "ops", NULL, UT_NEED_OUTCOME, "no 'ops'" },
	{ "ops", "[]", UT_NEED_OUTCOME, "ops: want an object" },
	{ "ops", "{\"openat\": 3}", UT_NEED_OUTCOME, "ops.openat: want {" },
	{ "ops", "{\"openat\": {\"calls\": 3}}", UT_NEED_OUTCOME, "ops.openat: want {" },
	{ "ops", "{\"openat\": {\"returns\": {\"OK\": \"2\"}}}", UT_NEED_OUTCOME,
	  "ops.openat.returns.OK: want an integer >= 0" },
	{ "ops", "{\"openat\": {\"returns\": {\"OK\": -1}}}", UT_NEED_OUTCOME,
	  "ops.openat.returns.OK: want an integer >= 0" },
	{ "ops", "{\"openat\": {\"calls\": 1, \"returns\": {\"OK\": 3}}}", UT_NEED_OUTCOME,
	  "ops.openat.calls: want an integer >= its returns (3)" },
	{ "mutations", "{\"rename\": {\"calls\": \"3\", \"returns\": {}}}", UT_NEED_OUTCOME,
	  "mutations.rename.calls" },
	{ "ops", "{\"openat\": {\"calls\": 2, \"effective\": 3, \"returns\": {\"OK\": 2}}}",
	  UT_NEED_OUTCOME, "ops.openat.effective: want an integer <= its calls (2)" },
	{ "ops", "{\"openat\": {\"calls\": 2, \"effective\": -1, \"returns\": {}}}",
	  UT_NEED_OUTCOME, "ops.openat.effective: want an integer <= its calls (2)" },
	{ "mutations", NULL, UT_NEED_OUTCOME, "no 'mutations'" },
	{ "findings", "{}", UT_NEED_OUTCOME, "findings: want an array" },
	{ "findings", "[1]", UT_NEED_OUTCOME, "findings[0]: want an object" },
	{ "findings", "[{\"detail\": \"x\"}]", UT_NEED_OUTCOME, "findings[0]: no 'kind'" },
	{ "findings", "[{\"kind\": \"fail\", \"detail\": 5}]", UT_NEED_OUTCOME,
	  "findings[0]: detail: want a string" },
	{ "kmsg", "\"x\"", UT_NEED_OUTCOME, "kmsg: want an array" },
	{ "kmsg", "[\"ok\", 1]", UT_NEED_OUTCOME, "kmsg[1]: want a string" },
};

START_TEST(scen_not_json)
{
	struct ut_scen_rec s;
	char why[512], tag[32];

	for (size_t i = 0; i < sizeof(not_json) / sizeof(not_json[0]); i++) {
		scratch_put(scratch_at("x.json"), not_json[i].text);
		snprintf(tag, sizeof(tag), "not_json[%zu]", i);
		ck_assert_msg(ut_scen_read(scratch_at("x.json"), UT_NEED_OUTCOME, &s, why, sizeof(why)) ==
			      -EINVAL, "%s accepted", tag);
		check_why(why, scratch_at("x.json"), not_json[i].want, tag);
	}
}
END_TEST

START_TEST(scen_bad_keys)
{
	struct ut_scen_rec s;
	char why[512], tag[32];

	for (size_t i = 0; i < sizeof(bad_key) / sizeof(bad_key[0]); i++) {
		json_t *j = json_loads(good_scen, 0, NULL);

		if (bad_key[i].value)
			json_object_set_new(j, bad_key[i].key,
					    json_loads(bad_key[i].value, JSON_DECODE_ANY, NULL));
		else
			json_object_del(j, bad_key[i].key);
		put_json(scratch_at("x.json"), j);
		json_decref(j);
		snprintf(tag, sizeof(tag), "bad_key[%zu]", i);
		ck_assert_msg(ut_scen_read(scratch_at("x.json"), bad_key[i].need, &s, why, sizeof(why)) ==
			      -EINVAL, "%s accepted", tag);
		check_why(why, scratch_at("x.json"), "not an undertow result", tag);
		check_why(why, scratch_at("x.json"), bad_key[i].want, tag);
	}
}
END_TEST

/* Files of other tools, and undertow's own run.json where a result belongs. */
START_TEST(scen_foreign)
{
	struct ut_scen_rec s;
	char why[512];

	scratch_put(scratch_at("package.json"), "{\"name\": \"pkg\", \"version\": \"1.0.0\"}");
	ck_assert_int_eq(ut_scen_read(scratch_at("package.json"), UT_NEED_OUTCOME, &s, why, sizeof(why)),
			 -EINVAL);
	check_why(why, scratch_at("package.json"), "no 'verdict'", "package.json");
	scratch_put(scratch_at("run.json"), "{\"run_id\": \"r\", \"scenarios\": []}");
	ck_assert_int_eq(ut_scen_read(scratch_at("run.json"), UT_NEED_SETTINGS, &s, why, sizeof(why)),
			 -EINVAL);
	check_why(why, scratch_at("run.json"), "no 'name'", "run.json");
}
END_TEST

START_TEST(scen_not_a_file)
{
	struct ut_scen_rec s;
	char why[512];

	ck_assert_int_eq(ut_scen_read(scratch_base, UT_NEED_OUTCOME, &s, why, sizeof(why)), -EISDIR);
	check_why(why, scratch_base, "Is a directory", "dir");
	ck_assert_int_eq(ut_scen_read(scratch_at("none.json"), UT_NEED_OUTCOME, &s, why, sizeof(why)),
			 -ENOENT);
	check_why(why, scratch_at("none.json"), "No such file", "missing");
	ck_assert_int_eq(mkfifo(scratch_at("fifo.json"), 0644), 0);
	ck_assert_int_eq(ut_scen_read(scratch_at("fifo.json"), UT_NEED_OUTCOME, &s, why, sizeof(why)),
			 -EINVAL);
	check_why(why, scratch_at("fifo.json"), "not a regular file", "fifo");
}
END_TEST

/* What replay needs is less than what diff and report need. */
START_TEST(scen_settings_only)
{
	struct ut_scen_rec s;
	char why[512];

	scratch_put(scratch_at("r.json"), "{\"name\": \"a\", \"seed\": 1, \"workers\": 1, \"mutators\": 0}");
	ck_assert_msg(ut_scen_read(scratch_at("r.json"), UT_NEED_SETTINGS, &s, why, sizeof(why)) == 0,
		      "%s", why);
	ck_assert_ptr_null(s.verdict);
	ck_assert_int_eq(s.ops.n, 0);
	ck_assert_str_eq(s.backend, "");
	ut_scen_free(&s);
	ck_assert_int_eq(ut_scen_read(scratch_at("r.json"), UT_NEED_OUTCOME, &s, why, sizeof(why)),
			 -EINVAL);
}
END_TEST

/* A run of two variants: "a" and "b@fuse". */
static void good_run(const char *dir)
{
	char path[PATH_MAX];

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	scratch_put(path, "{\"run_id\": \"r1\", \"kernel\": \"6.18\", \"argv\": [\"./undertow\", \"run\"], "
	    "\"seed\": 3, \"start\": \"2026-01-01T00:00:00Z\", \"end\": null, "
	    "\"complete\": true, \"unprivileged\": false, \"kmemleak\": \"off\", "
	    "\"scenarios\": [{\"name\": \"a\", \"file\": \"a\", \"variant\": \"\", "
	    "\"verdict\": \"pass\", \"duration_s\": 1.5}, {\"name\": \"b\", \"file\": \"b@fuse\", "
	    "\"variant\": \"fuse\", \"verdict\": \"fail\", \"duration_s\": 1}, "
	    "{\"name\": \"a\", \"file\": \"a\"}]}");
	snprintf(path, sizeof(path), "%s/a.json", dir);
	scratch_put(path, good_scen);
	snprintf(path, sizeof(path), "%s/b@fuse.json", dir);
	scratch_put(path, good_scen);
}

START_TEST(run_good)
{
	struct ut_run_rec r;
	char why[512];

	good_run(scratch_at("run"));
	ck_assert_msg(ut_run_read(scratch_at("run"), &r, why, sizeof(why)) == 0, "%s", why);
	ck_assert_str_eq(r.run_id, "r1");
	ck_assert_str_eq(r.kernel, "6.18");
	ck_assert_ptr_null(r.end);
	ck_assert_int_eq(r.seed, 3);
	ck_assert_int_eq(r.complete, 1);
	ck_assert_int_eq(r.unprivileged, 0);
	ck_assert_int_eq(r.argc, 2);
	ck_assert_str_eq(r.argv[1], "run");
	ck_assert_int_eq(r.n, 2);		/* the repeated row counts once */
	ck_assert_str_eq(r.v[1].file, "b@fuse");
	ck_assert_str_eq(r.v[1].variant, "fuse");
	ck_assert(r.v[1].have_res);
	ck_assert_str_eq(r.v[1].verdict, "pass");	/* the file's, not the row's */
	ck_assert_uint_eq(r.v[0].res.ops.op[0].calls, 3);
	ck_assert_ptr_eq(ut_run_find(&r, "b@fuse"), &r.v[1]);
	ut_run_free(&r);
	/* A missing variant file is a hole, not a corruption; a results dir means latest. */
	ck_assert_int_eq(unlink(scratch_at("run/b@fuse.json")), 0);
	ck_assert_int_eq(symlink("run", scratch_at("latest")), 0);
	ck_assert_msg(ut_run_read(scratch_base, &r, why, sizeof(why)) == 0, "%s", why);
	ck_assert(!r.v[1].have_res);
	ck_assert_str_eq(r.v[1].verdict, "fail");
	ck_assert_msg(strstr(r.v[1].err, "b@fuse.json"), "%s", r.v[1].err);
	ut_run_free(&r);
}
END_TEST

/* A good run with run.json's @key set to @value (NULL: removed). */
static const struct {
	const char *key, *value, *want;
} bad_run_key[] = {
	{ "scenarios", NULL, "no 'scenarios'" },
	{ "scenarios", "{}", "scenarios: want an array" },
	{ "scenarios", "[1]", "scenarios[0]: want an object" },
	{ "scenarios", "[{}]", "scenarios[0]: '' is not a result file name" },
	{ "scenarios", "[{\"file\": \"../etc/passwd\"}]", "is not a result file name" },
	{ "scenarios", "[{\"file\": \".hidden\"}]", "is not a result file name" },
	{ "scenarios", "[{\"name\": 5}]", "scenarios[0]: name: want a non-empty string" },
	{ "scenarios", "[{\"file\": \"a\", \"verdict\": 1}]", "scenarios[0]: verdict" },
	{ "run_id", "\"a/b\"", "run_id: 'a/b' is not a directory name" },
	{ "argv", "[1]", "argv[0]: want a string" },
	{ "argv", "\"./undertow run\"", "argv: want an array" },
	{ "seed", "\"x\"", "seed: want an integer >= 0" },
	{ "complete", "\"yes\"", "complete: want true or false" },
	{ "kernel", "6", "kernel: want a string or null" },
};

START_TEST(run_bad_keys)
{
	struct ut_run_rec r;
	char why[512], tag[32];

	for (size_t i = 0; i < sizeof(bad_run_key) / sizeof(bad_run_key[0]); i++) {
		char *dir, path[PATH_MAX];
		json_t *j;

		snprintf(tag, sizeof(tag), "run%zu", i);
		dir = scratch_at(tag);
		good_run(dir);
		snprintf(path, sizeof(path), "%s/run.json", dir);
		j = json_load_file(path, 0, NULL);
		if (bad_run_key[i].value)
			json_object_set_new(j, bad_run_key[i].key,
					    json_loads(bad_run_key[i].value, JSON_DECODE_ANY, NULL));
		else
			json_object_del(j, bad_run_key[i].key);
		put_json(path, j);
		json_decref(j);
		ck_assert_msg(ut_run_read(dir, &r, why, sizeof(why)) < 0, "%s accepted", tag);
		check_why(why, path, "not an undertow run.json", tag);
		check_why(why, path, bad_run_key[i].want, tag);
	}
}
END_TEST

/* The files of a run replaced: by nothing, garbage, a directory, a foreign JSON. */
START_TEST(run_bad_files)
{
	static const struct { const char *file, *text, *want; int err; } cases[] = {
		{ "run.json", NULL, "no run.json", -ENOENT },
		{ "run.json", "", "Is a directory", -EISDIR },
		{ "run.json", "garbage", "not JSON", -EINVAL },
		{ "run.json", "{\"run_id\": \"r1\", \"scenarios\": [", "not JSON", -EINVAL },
		{ "run.json", "[]", "want a JSON object", -EINVAL },
		{ "run.json", "{\"name\": \"pkg\"}", "no 'scenarios'", -EINVAL },
		{ "a.json", "garbage", "not JSON", -EINVAL },
		{ "a.json", "{\"name\": \"a\"}", "no 'verdict'", -EINVAL },
		{ "a.json", "", "Is a directory", -EISDIR },
		{ "b@fuse.json", "{\"name\": \"b\", \"verdict\": \"pass\", \"ops\": {}, "
		  "\"mutations\": {}, \"findings\": \"none\"}", "findings: want an array", -EINVAL },
	};
	struct ut_run_rec r;
	char why[512], tag[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir, path[PATH_MAX];

		snprintf(tag, sizeof(tag), "files%zu", i);
		dir = scratch_at(tag);
		good_run(dir);
		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
		ck_assert_int_eq(unlink(path), 0);
		if (cases[i].text && !*cases[i].text)
			ck_assert_int_eq(mkdir(path, 0755), 0);
		else if (cases[i].text)
			scratch_put(path, cases[i].text);
		ck_assert_msg(ut_run_read(dir, &r, why, sizeof(why)) == cases[i].err,
			      "%s: %s", tag, why);
		check_why(why, cases[i].err == -ENOENT ? dir : path, cases[i].want, tag);
	}
}
END_TEST

START_TEST(run_not_a_dir)
{
	struct ut_run_rec r;
	char why[512];

	ck_assert_int_eq(ut_run_read(scratch_at("none"), &r, why, sizeof(why)), -ENOENT);
	check_why(why, scratch_at("none"), "No such file", "missing");
	scratch_put(scratch_at("plain"), good_scen);
	ck_assert_int_eq(ut_run_read(scratch_at("plain"), &r, why, sizeof(why)), -ENOTDIR);
	check_why(why, scratch_at("plain"), "not a directory", "plain");
}
END_TEST

TCase *results_read_tcase(void)
{
	TCase *tc = tcase_create("read");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scen_not_json);
	tcase_add_test(tc, scen_bad_keys);
	tcase_add_test(tc, scen_foreign);
	tcase_add_test(tc, scen_not_a_file);
	tcase_add_test(tc, scen_settings_only);
	tcase_add_test(tc, run_good);
	tcase_add_test(tc, run_bad_keys);
	tcase_add_test(tc, run_bad_files);
	tcase_add_test(tc, run_not_a_dir);
	return tc;
}
