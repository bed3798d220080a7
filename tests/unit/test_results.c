// SPDX-License-Identifier: GPL-2.0
/* test_results.c - result JSON: contract keys, atomic write, read back. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "results_read.h"
#include "suites.h"

static void sample(struct ut_result *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "lower-dir-rename");
	snprintf(r->variant, sizeof(r->variant), "tmpfs");
	snprintf(r->backend, sizeof(r->backend), "tmpfs");
	snprintf(r->ovl_options, sizeof(r->ovl_options), "index=on");
	snprintf(r->replay, sizeof(r->replay), "./undertow run -s 99 lower-dir-rename");
	r->verdict = UT_LEAK;
	r->seed = 9223372036854775807ULL;	/* the largest seed we accept */
	r->duration_s = 2.5;
	r->runtime_s = 2;
	r->hang_timeout_s = 10;
	r->workers = 4;
	r->mutators = 1;
	r->nops = 2;
	r->ops[0] = (struct ut_hist){ .name = "fstatat", .calls = 10, .effective = 7 };
	r->ops[0].ret[0] = 7;
	r->ops[0].ret[ENOENT] = 2;
	r->ops[0].ret[ESTALE] = 1;
	r->ops[1] = (struct ut_hist){ .name = "openat", .calls = 0 };
	r->nmuts = 1;
	r->muts[0] = (struct ut_hist){ .name = "rename", .calls = 3 };
	r->muts[0].ret[UT_BUCKET_OTHER] = 3;
	ut_finding_add(&r->findings, UT_LEAK, "ovl_inode: 0 before, 3 after");
	ut_finding_add(&r->findings, UT_PASS, "kernel log overwritten");
}

START_TEST(json_has_contract_keys)
{
	static const char *const keys[] = {
		"name", "variant", "verdict", "seed", "duration_s", "workers", "mutators",
		"ovl_options", "backend", "ops", "mutations", "findings", "replay", NULL,
	};
	struct ut_result r;
	json_t *j, *ops;

	sample(&r);
	j = ut_result_json(&r);
	ck_assert_ptr_nonnull(j);
	for (int i = 0; keys[i]; i++)
		ck_assert_msg(json_object_get(j, keys[i]), "missing key %s", keys[i]);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "leak");
	ops = json_object_get(j, "ops");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ops, "fstatat"), "calls")), 10);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ops, "fstatat"),
							    "effective")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(ops,
			 "fstatat"), "returns"), "ESTALE")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(ops,
			 "fstatat"), "returns"), "OK")), 7);
	/* Zero counts are left out, not written as 0. */
	ck_assert_ptr_null(json_object_get(json_object_get(json_object_get(ops, "fstatat"),
			   "returns"), "EPERM"));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(
		json_object_get(j, "mutations"), "rename"), "returns"), "EOTHER")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(j, "findings"), 1), "kind")), "info");
	json_decref(j);
	ut_result_free(&r);
}
END_TEST

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

START_TEST(json_write_read_back)
{
	char dir[] = "/tmp/ut-results.XXXXXX", path[128], why[256];
	struct ut_result r, back;
	json_t *j;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.json", dir);
	sample(&r);
	j = ut_result_json(&r);
	ck_assert_int_eq(ut_json_write_atomic(path, j), 0);
	ck_assert_int_eq(count_entries(dir), 1);	/* no temp file left */
	ck_assert_int_eq(ut_result_load(path, &back, why, sizeof(why)), 0);
	ck_assert_str_eq(back.name, r.name);
	ck_assert_str_eq(back.variant, "tmpfs");
	ck_assert_str_eq(back.ovl_options, "index=on");
	ck_assert_uint_eq(back.seed, r.seed);
	ck_assert_int_eq(back.workers, 4);
	ck_assert_int_eq(back.mutators, 1);
	ck_assert_double_eq(back.runtime_s, 2);
	ck_assert_double_eq(back.hang_timeout_s, 10);
	json_decref(j);
	ut_result_free(&r);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* What the writer wrote, the typed reader gives back: every contract key. */
START_TEST(typed_reader_round_trip)
{
	char dir[] = "/tmp/ut-results.XXXXXX", path[128], why[256];
	struct ut_scen_rec s;
	struct ut_result r;
	json_t *j;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.json", dir);
	sample(&r);
	j = ut_result_json(&r);
	json_object_set_new(j, "kmsg", json_pack("[s, s]", "marker", "BUG: x"));
	ck_assert_int_eq(ut_json_write_atomic(path, j), 0);
	ck_assert_msg(ut_scen_read(path, UT_NEED_SETTINGS | UT_NEED_OUTCOME, &s, why,
				   sizeof(why)) == 0, "%s", why);
	ck_assert_str_eq(s.name, "lower-dir-rename");
	ck_assert_str_eq(s.variant, "tmpfs");
	ck_assert_str_eq(s.verdict, "leak");
	ck_assert_int_eq(s.seed, 9223372036854775807LL);
	ck_assert_int_eq(s.workers, 4);
	ck_assert_int_eq(s.mutators, 1);
	ck_assert_double_eq(s.duration_s, 2.5);
	ck_assert_str_eq(s.ovl_options, "index=on");
	ck_assert_str_eq(s.replay, r.replay);
	/* Ops sorted by name, codes by name, calls as written. */
	ck_assert_int_eq(s.ops.n, 2);
	ck_assert_str_eq(s.ops.op[0].name, "fstatat");
	ck_assert_str_eq(s.ops.op[1].name, "openat");
	ck_assert_uint_eq(s.ops.op[0].calls, 10);
	ck_assert_int_eq(s.ops.op[0].effective, 7);
	ck_assert_int_eq(s.ops.op[1].effective, 0);
	ck_assert_int_eq(s.ops.op[0].nrc, 3);
	ck_assert_str_eq(s.ops.op[0].rc[0].name, "ENOENT");
	ck_assert_uint_eq(ut_op_count(ut_hist_find(&s.ops, "fstatat"), "ESTALE"), 1);
	ck_assert_uint_eq(ut_op_count(ut_hist_find(&s.ops, "fstatat"), "EPERM"), 0);
	ck_assert_ptr_null(ut_hist_find(&s.ops, "mkdirat"));
	ck_assert_uint_eq(ut_hist_calls(&s.ops), 10);
	ck_assert_uint_eq(ut_op_count(ut_hist_find(&s.muts, "rename"), "EOTHER"), 3);
	ck_assert_int_eq(s.nfindings, 2);
	ck_assert_str_eq(s.findings[0].kind, "leak");
	ck_assert_str_eq(s.findings[1].kind, "info");
	ck_assert_str_eq(s.findings[0].detail, "ovl_inode: 0 before, 3 after");
	ck_assert_int_eq(s.nkmsg, 2);
	ck_assert_str_eq(s.kmsg[1], "BUG: x");
	ut_scen_free(&s);
	json_decref(j);
	ut_result_free(&r);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(json_load_rejects_garbage)
{
	char dir[] = "/tmp/ut-results.XXXXXX", path[128], why[256];
	struct ut_result r;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	f = fopen(path, "w");
	fputs("{\"name\": \"x\"", f);		/* truncated */
	fclose(f);
	ck_assert_int_eq(ut_result_load(path, &r, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, path));
	f = fopen(path, "w");
	fputs("{\"name\": \"x\"}", f);		/* valid JSON, not a result */
	fclose(f);
	ck_assert_int_eq(ut_result_load(path, &r, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "not an undertow result"));
	ck_assert_int_eq(ut_result_load("/nonexistent/x.json", &r, why, sizeof(why)), -EINVAL);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(json_write_fails_cleanly)
{
	json_t *j = json_object();

	ck_assert_int_eq(ut_json_write_atomic("/nonexistent-dir/x.json", j), -ENOENT);
	json_decref(j);
}
END_TEST

START_TEST(top_returns)
{
	struct ut_result r;
	char buf[128];

	sample(&r);
	ut_top_returns(r.ops, r.nops, 2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "OK:7 ENOENT:2");
	ut_top_returns(r.muts, r.nmuts, 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "EOTHER:3");
	ck_assert_uint_eq(ut_total_calls(r.ops, r.nops), 10);
	ut_result_free(&r);
}
END_TEST

Suite *results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, json_has_contract_keys);
	tcase_add_test(tc, json_write_read_back);
	tcase_add_test(tc, typed_reader_round_trip);
	tcase_add_test(tc, json_load_rejects_garbage);
	tcase_add_test(tc, json_write_fails_cleanly);
	tcase_add_test(tc, top_returns);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, rundir_tcase());
	suite_add_tcase(s, results_read_tcase());
	return s;
}
