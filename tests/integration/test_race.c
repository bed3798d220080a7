// SPDX-License-Identifier: GPL-2.0
/*
 * test_race.c - --race on the host's own overlay: one worker and one
 * mutator, calibrated and swept.  The result's "race" object carries
 * positive calibration numbers, every bucket ran, the KTAP has a line per
 * bucket, only the two ops ran, diff and report take the run, and replay
 * races the same two ops again.  (Hits need a buggy overlay: a VM test
 * with --overlay-ko reads race.best.rate the same way.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define SCEN		"lower-dir-rename"
#define RACE		"openat_held:rename"
#define BUCKETS		16
#define RUN_TIMEOUT_S	60

/* The scenario's result of the run in @res. */
static json_t *result_in(const char *res, char **run)
{
	char why[1024];
	json_t *j;

	*run = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(*run, "%s", why);
	j = it_json_at(*run, SCEN ".json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	return j;
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_number(v), "'%s' is not a number", key);
	return json_number_value(v);
}

/* Only the raced ops ran: @name has calls, every other op of @hist none. */
static void only_op(json_t *hist, const char *name)
{
	const char *k;
	json_t *v;

	json_object_foreach(hist, k, v) {
		long long calls = json_integer_value(json_object_get(v, "calls"));

		ck_assert_msg(strcmp(k, name) ? calls == 0 : calls > 0, "op %s: %lld calls", k,
			      calls);
	}
}

static void check_race(json_t *r, const char *ktap)
{
	json_t *race = json_object_get(r, "race"), *cal = json_object_get(race, "calibration");
	json_t *buckets = json_object_get(race, "buckets"), *best = json_object_get(race, "best");
	json_t *sweep = json_object_get(race, "sweep"), *b;
	long long sum = 0;
	const char *at;
	size_t i;
	int lines = 0;

	ck_assert_msg(json_is_object(race), "no race object");
	ck_assert_str_eq(json_string_value(json_object_get(race, "worker_op")), "openat_held");
	ck_assert_str_eq(json_string_value(json_object_get(race, "mutator_op")), "rename");
	ck_assert_str_eq(json_string_value(json_object_get(race, "phase")), "done");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(race, "pairing"),
							    "rule")), "same-entry");
	ck_assert(num(cal, "iterations") > 0);
	ck_assert(num(cal, "worker_ns") > 0 && num(cal, "worker_median_ns") > 0);
	ck_assert(num(cal, "mutator_ns") > 0 && num(cal, "mutator_median_ns") > 0);
	num(cal, "skew_ns");
	ck_assert_int_eq(json_array_size(buckets), BUCKETS);
	json_array_foreach(buckets, i, b) {
		ck_assert_msg(num(b, "iterations") > 0, "bucket %zu never ran", i);
		ck_assert(num(b, "hits") <= num(b, "iterations"));
		sum += (long long)num(b, "iterations");
	}
	ck_assert_int_eq(sum, (long long)num(sweep, "iterations"));
	ck_assert(num(sweep, "iterations_per_s") > 0);
	ck_assert_msg(json_is_object(best), "no best bucket");
	ck_assert(num(best, "rate") >= 0 && num(best, "rate") <= 1);
	ck_assert(num(best, "offset_ns") >= num(sweep, "from_ns") &&
		  num(best, "offset_ns") <= num(sweep, "to_ns"));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "workers")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "mutators")), 1);
	only_op(json_object_get(r, "ops"), "openat_held");
	only_op(json_object_get(r, "mutations"), "rename");
	ck_assert_msg(strstr(json_string_value(json_object_get(r, "replay")),
			     "--race '" RACE "' " SCEN), "replay: %s",
		      json_string_value(json_object_get(r, "replay")));
	ck_assert_msg(strstr(ktap, "# " SCEN ": race " RACE ": "), "no calibration line:\n%s",
		      ktap);
	for (at = ktap; (at = strstr(at, "# " SCEN ": race offset ")); at++)
		lines++;
	ck_assert_msg(lines == BUCKETS, "%d bucket lines:\n%s", lines, ktap);
	ck_assert_msg(strstr(ktap, "# " SCEN ": race best offset "), "no best line:\n%s", ktap);
}

/* diff and report read a race result like any other. */
static void check_readers(const char *run)
{
	char *html = it_fmt("%s/r.html", run), *out = it_fmt("%s/d.json", run);
	char *report[] = { "report", "-O", html, (char *)run, NULL };
	char *diff[] = { "diff", "-O", out, (char *)run, (char *)run, NULL };
	struct proc_out p = run_undertow(report, RUN_TIMEOUT_S);

	ck_assert_msg(p.exit_code == 0, "report: %s", proc_desc(&p));
	proc_out_free(&p);
	p = run_undertow(diff, RUN_TIMEOUT_S);
	ck_assert_msg(p.exit_code == 0, "diff: %s", proc_desc(&p));
	proc_out_free(&p);
	free(html);
	free(out);
}

START_TEST(test_race_on_host)
{
	char *res = it_mkdtemp("race"), *res2 = it_mkdtemp("race-replay"), *run, *run2, *file;
	char *argv[] = { "run", "--results", res, "-s", "7", "-t", "1", "--race", RACE, SCEN,
			 NULL };
	char *replay[] = { "replay", "--results", res2, NULL, NULL };
	struct proc_out p = run_undertow(argv, RUN_TIMEOUT_S);
	struct ktap k;
	char why[512];
	json_t *r, *r2;

	ck_assert_msg(p.exit_code == 0, "run --race: %s", proc_desc(&p));
	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "%s:\n%s", why, p.out);
	ck_assert_int_eq(k.plan, 1);
	ck_assert(k.ncase == 1 && k.c[0].ok);
	ktap_free(&k);
	r = result_in(res, &run);
	check_race(r, p.out);
	check_readers(run);
	proc_out_free(&p);

	file = it_fmt("%s/" SCEN ".json", run);
	replay[3] = file;
	p = run_undertow(replay, RUN_TIMEOUT_S);
	ck_assert_msg(p.exit_code == 0, "replay: %s", proc_desc(&p));
	r2 = result_in(res2, &run2);
	check_race(r2, p.out);
	ck_assert_int_eq(json_integer_value(json_object_get(r2, "seed")), 7);
	proc_out_free(&p);
	json_decref(r);
	json_decref(r2);
	free(file);
	free(run);
	free(run2);
	free(res);
	free(res2);
}
END_TEST

Suite *race_suite(void)
{
	Suite *s = suite_create("race");
	TCase *tc = tcase_create("race");

	tcase_set_timeout(tc, 2 * RUN_TIMEOUT_S);
	tcase_add_test(tc, test_race_on_host);
	suite_add_tcase(s, tc);
	return s;
}
