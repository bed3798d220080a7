// SPDX-License-Identifier: GPL-2.0
/*
 * test_cleanup.c - ^C / SIGTERM mid-run: undertow stops early, records
 * what it has, says "Bail out!", exits 1 and leaves no mounts or scratch.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

#define LONG_RUN	"30"	/* far longer than the test waits */
#define SIGNAL_AFTER_S	1.5	/* set-up done, workers running */
#define STOP_BOUND_S	2.0	/* the contract: stopped within 2 s of the signal */
#define SCRATCH_WAIT_S	10.0

static const int stop_signals[] = { SIGINT, SIGTERM };

START_TEST(test_interrupt_cleans_up)
{
	int sig = stop_signals[_i];
	struct run_opts o = { .timeout_s = 60, .sig = sig, .sig_after_s = SIGNAL_AFTER_S };
	struct strv mounts0, mounts1, tmp0, left, def;
	struct scen_list l;
	char why[1024], *res = it_mkdtemp("interrupt"), *dir, *diff, *path;
	char *argv[16];
	struct proc_out p;
	struct ktap k;
	json_t *runj, *r;
	bool ambiguous;
	int n = 0;

	ck_assert(res);
	ck_assert_msg(!it_list_scenarios(&l, why, sizeof(why)), "%s", why);
	it_default_names(&l, &def);
	ck_assert_msg(def.n > 0, "no default scenarios:\n%s", l.raw);
	argv[n++] = "run";
	argv[n++] = "--results";
	argv[n++] = res;
	argv[n++] = "-t";
	argv[n++] = LONG_RUN;
	argv[n++] = "-w";
	argv[n++] = "2";
	argv[n++] = "--hang-timeout";
	argv[n++] = "5";
	argv[n++] = def.v[0];
	argv[n] = NULL;
	ck_assert_int_eq(it_mounts(&mounts0), 0);
	ck_assert_int_eq(it_ls_prefix("/tmp", "undertow.", &tmp0), 0);

	p = run_undertow_ex(argv, &o);

	ck_assert_msg(!p.timed_out && p.exit_code == 1, "%s after %s: want exit 1, got %s",
		      def.v[0], strsignal(sig), proc_desc(&p));
	ck_assert_msg(p.elapsed_s < SIGNAL_AFTER_S + STOP_BOUND_S,
		      "took %.1f s to stop after %s at %.1f s", p.elapsed_s, strsignal(sig),
		      SIGNAL_AFTER_S);
	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "KTAP: %s\n%s", why, p.out);
	ck_assert_msg(k.bail, "no 'Bail out!' after %s:\n%s", strsignal(sig), p.out);
	ck_assert_msg(k.totals, "no Totals line after %s:\n%s", strsignal(sig), p.out);
	ck_assert_msg(k.ncase <= 1 && k.pass + k.fail + k.skip == k.ncase,
		      "Totals do not count the %d result lines:\n%s", k.ncase, p.out);

	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	runj = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(runj, "%s", why);
	ck_assert_msg(json_is_false(json_object_get(runj, "complete")),
		      "run.json says complete after %s", strsignal(sig));
	ck_assert_msg(json_is_string(json_object_get(runj, "end")),
		      "run.json has no end time after %s", strsignal(sig));
	if (k.ncase) {
		path = it_fmt("%s/%s.json", dir, def.v[0]);
		r = it_json_load(path, why, sizeof(why));
		ck_assert_msg(r, "%s", why);
		ck_assert_msg(json_real_value(json_object_get(r, "duration_s")) < SIGNAL_AFTER_S + STOP_BOUND_S,
			      "%s ran %.1f s: %s did not cut it short", def.v[0],
			      json_real_value(json_object_get(r, "duration_s")), strsignal(sig));
		json_decref(r);
		free(path);
	}

	ck_assert_int_eq(it_mounts(&mounts1), 0);
	diff = it_strv_diff(&mounts0, &mounts1);
	ck_assert_msg(!diff, "after %s, overlay/tmpfs mounts of our namespace changed:\n%s",
		      strsignal(sig), diff);
	ck_assert_int_ge(it_scratch_leftovers(&tmp0, SCRATCH_WAIT_S, &left, &ambiguous), 0);
	if (ambiguous)
		fprintf(stderr, "int-tests: %d new /tmp/undertow.* while another undertow "
			"runs; not attributed\n", left.n);
	ck_assert_msg(!left.n || ambiguous, "after %s, left in /tmp: %s", strsignal(sig),
		      left.v[0]);

	strv_free(&left);
	strv_free(&mounts0);
	strv_free(&mounts1);
	strv_free(&tmp0);
	strv_free(&def);
	scen_list_free(&l);
	json_decref(runj);
	ktap_free(&k);
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

Suite *cleanup_suite(void)
{
	Suite *s = suite_create("cleanup");
	TCase *tc = tcase_create("interrupt");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_interrupt_cleans_up, 0,
			    (int)(sizeof(stop_signals) / sizeof(stop_signals[0])));
	suite_add_tcase(s, tc);
	return s;
}
