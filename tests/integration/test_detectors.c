// SPDX-License-Identifier: GPL-2.0
/*
 * test_detectors.c - every detector fires for real and stays quiet on a
 * clean run; the harness survives SIGKILL with nothing left mounted.
 *
 * The selftest scenarios make each detector fire: a FUSE lower that never
 * answers a lookup (hang, kernel side), a worker that stops (hang, user
 * side), a worker killed by SIGSEGV (crash), a process holding a merged
 * file past the end (EBUSY leak), a fake WARNING written to /dev/kmsg
 * (must not fire), and a FUSE lower answering EIO/ESTALE (histograms).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "it.h"

#define HANG_S		3	/* --hang-timeout for the hang cases */
#define HANG_BOUND_S	(HANG_S + 2.0)	/* the contract: hang within timeout + 2 s */

static json_t *scen_json(const char *dir, const char *name)
{
	char why[1024], *f = it_fmt("%s.json", name);
	json_t *j = it_json_at(dir, f, why, sizeof(why));

	ck_assert_msg(j, "%s", why);
	free(f);
	return j;
}

static const char *verdict(json_t *j)
{
	return json_string_value(json_object_get(j, "verdict"));
}

/* All finding details of @kind joined, for searching and messages. */
static char *details(json_t *j, const char *kind)
{
	json_t *f, *fs = json_object_get(j, "findings");
	char *out = it_fmt("%s", "");
	size_t i;

	json_array_foreach(fs, i, f) {
		char *n;

		if (kind && strcmp(json_string_value(json_object_get(f, "kind")), kind))
			continue;
		n = it_fmt("%s%s\n", out, json_string_value(json_object_get(f, "detail")));
		free(out);
		out = n;
	}
	return out;
}

static long long returns_of(json_t *j, const char *op, const char *ret)
{
	json_t *r = json_object_get(json_object_get(json_object_get(json_object_get(j, "ops"),
					op), "returns"), ret);

	return r ? json_integer_value(r) : 0;
}

START_TEST(test_detectors_fire)
{
	char *res = it_mkdtemp("detect"), *dir, *d, why[1024];
	char *argv[] = { "run", "--results", res, "-t", "1", "-w", "2", "--hang-timeout", "3",
			 "selftest-fuse-errors", "selftest-fuse-stall", "selftest-hold-fd",
			 "selftest-kmsg-user", "selftest-signal", "selftest-stall",
			 "upper-unlink-underneath", NULL };
	struct proc_out p = run_undertow(argv, 120);
	json_t *j;

	ck_assert_msg(p.exit_code == 1, "want exit 1: %s", proc_desc(&p));
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);

	/* Kernel-side hang: stuck in FUSE under ovl_lookup, found in time. */
	j = scen_json(dir, "selftest-fuse-stall");
	d = details(j, "hang");
	ck_assert_msg(!strcmp(verdict(j), "hang"), "fuse-stall: %s", verdict(j));
	ck_assert_msg(strstr(d, "request_wait_answer") && strstr(d, "ovl_lookup"),
		      "no kernel stack through ovl_lookup into FUSE:\n%s", d);
	ck_assert_msg(strstr(d, "ut-stall-here = (running)"), "op in flight missing:\n%s", d);
	ck_assert_msg(json_real_value(json_object_get(j, "duration_s")) <= HANG_BOUND_S,
		      "hang took %.1f s", json_real_value(json_object_get(j, "duration_s")));
	free(d);
	json_decref(j);

	/* Remote errors: counted per op, never a crash. */
	j = scen_json(dir, "selftest-fuse-errors");
	ck_assert_msg(!strcmp(verdict(j), "pass"), "fuse-errors: %s", verdict(j));
	ck_assert_int_gt(returns_of(j, "fstatat_eio", "EIO"), 0);
	ck_assert_int_gt(returns_of(j, "fstatat_estale", "ESTALE"), 0);
	ck_assert_int_gt(returns_of(j, "fstatat", "OK"), 0);
	json_decref(j);

	/* EBUSY at umount names the holder. */
	j = scen_json(dir, "selftest-hold-fd");
	ck_assert_msg(!strcmp(verdict(j), "leak"), "hold-fd: %s", verdict(j));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "reason")),
				     "(ut-holder)"));
	json_decref(j);

	/* A WARNING line from userspace reaches the log and is not judged. */
	j = scen_json(dir, "selftest-kmsg-user");
	ck_assert_msg(!strcmp(verdict(j), "pass"), "kmsg-user: %s: %s", verdict(j),
		      json_string_value(json_object_get(j, "reason")));
	d = json_dumps(json_object_get(j, "kmsg"), 0);
	ck_assert_msg(strstr(d, "undertow-selftest.c"), "fake line not in the log: %s", d);
	free(d);
	json_decref(j);

	/* A worker dying of a signal is a crash, with its last ops. */
	j = scen_json(dir, "selftest-signal");
	d = details(j, "crash");
	ck_assert_msg(!strcmp(verdict(j), "crash"), "signal: %s", verdict(j));
	ck_assert_msg(strstr(d, "killed by signal 11") && strstr(d, "last ops:"), "%s", d);
	free(d);
	json_decref(j);

	/* User-side stall: state and stack of the stuck task. */
	j = scen_json(dir, "selftest-stall");
	d = details(j, "hang");
	ck_assert_msg(!strcmp(verdict(j), "hang"), "stall: %s", verdict(j));
	ck_assert_msg(strstr(d, "wchan:") && strstr(d, "stack:") && strstr(d, "pause"), "%s", d);
	free(d);
	json_decref(j);

	/* After all that, the run goes on and a real scenario passes. */
	j = scen_json(dir, "upper-unlink-underneath");
	ck_assert_msg(!strcmp(verdict(j), "pass"), "after the hangs: %s: %s", verdict(j),
		      json_string_value(json_object_get(j, "reason")));
	json_decref(j);
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

static long hung_task_secs(void)
{
	char *s = it_read_file("/proc/sys/kernel/hung_task_timeout_secs", NULL);
	long v = s ? atol(s) : -1;

	free(s);
	return v;
}

/*
 * --sysrq on a hang: the kernel's blocked-task dump lands in the evidence,
 * or, on a kernel without CONFIG_MAGIC_SYSRQ, the result says why not.
 * The hung-task timeout is lowered during the run and put back after.
 */
START_TEST(test_sysrq_and_hung_task)
{
	char *res = it_mkdtemp("sysrq"), *dir, *info, *log, why[1024];
	char *argv[] = { "run", "--results", res, "-t", "1", "-w", "2", "--hang-timeout", "2",
			 "--sysrq", "selftest-stall", NULL };
	long before = hung_task_secs();
	struct proc_out p = run_undertow(argv, 60);
	json_t *j, *run, *h;

	ck_assert_msg(p.exit_code == 1, "%s", proc_desc(&p));
	ck_assert_int_eq(hung_task_secs(), before);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	h = json_object_get(run, "hung_task_timeout_secs");
	if (before > 3)		/* lowered to hang timeout + 1, and said so */
		ck_assert_int_eq(json_integer_value(json_object_get(h, "during_run")), 3);
	j = scen_json(dir, "selftest-stall");
	ck_assert_str_eq(verdict(j), "hang");
	info = details(j, "info");
	log = json_dumps(json_object_get(j, "kmsg"), 0);
	if (access("/proc/sysrq-trigger", W_OK) == 0)
		ck_assert_msg(strstr(info, "sysrq-w: blocked tasks dumped") &&
			      strstr(log, "Show Blocked State"), "%s\n%s", info, log);
	else
		ck_assert_msg(strstr(info, "sysrq-w unavailable"), "%s", info);
	free(info);
	free(log);
	json_decref(j);
	json_decref(run);
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

/* The lost-data check ran: files written while it ran, all 6 checked twice. */
static void want_bystander_checked(json_t *j, const char *name)
{
	json_t *s = json_object_get(j, "snapshots");

	ck_assert_msg(json_integer_value(json_object_get(s, "bystander_ops")) > 10,
		      "%s: bystander ops %lld", name,
		      json_integer_value(json_object_get(s, "bystander_ops")));
	ck_assert_int_eq(json_integer_value(json_object_get(s, "bystander_checked_at_end")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "bystander_checked_after_remount")),
			 6);
}

START_TEST(test_clean_run_quiet)
{
	char *res = it_mkdtemp("clean"), *dir, why[1024];
	char *argv[] = { "run", "--results", res, "-t", "1", "-w", "2",
			 "lower-dir-rename", "lower-file-replace", NULL };
	const char *names[] = { "lower-dir-rename", "lower-file-replace" };
	struct proc_out p = run_undertow(argv, 60);

	ck_assert_msg(p.exit_code == 0, "clean run: %s", proc_desc(&p));
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	for (int i = 0; i < 2; i++) {
		json_t *j = scen_json(dir, names[i]), *f;
		size_t k;

		ck_assert_str_eq(verdict(j), "pass");
		want_bystander_checked(j, names[i]);
		/* Only information may be noted; no detector speaks. */
		json_array_foreach(json_object_get(j, "findings"), k, f)
			ck_assert_msg(!strcmp(json_string_value(json_object_get(f, "kind")), "info"),
				      "%s: %s finding: %s", names[i],
				      json_string_value(json_object_get(f, "kind")),
				      json_string_value(json_object_get(f, "detail")));
		json_decref(j);
	}
	proc_out_free(&p);
	free(dir);
	free(res);
}
END_TEST

/* Live processes whose environment holds @tag (as UT_TEST_TAG=@tag). */
static int tagged_procs(const char *tag)
{
	char *want = it_fmt("UT_TEST_TAG=%s", tag);
	size_t wl = strlen(want) + 1;
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char *path, *env;
		size_t len = 0;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		path = it_fmt("/proc/%s/environ", e->d_name);
		env = it_read_file(path, &len);
		for (size_t i = 0; env && i + wl <= len + 1; i += strlen(env + i) + 1)
			if (!strcmp(env + i, want)) {
				n++;
				break;
			}
		free(env);
		free(path);
	}
	if (d)
		closedir(d);
	free(want);
	return n;
}

START_TEST(test_sigkill_leaves_nothing)
{
	char tag[32];
	struct run_opts o = { .timeout_s = 60, .sig = SIGKILL, .sig_after_s = 3.5 };
	char *res = it_mkdtemp("sigkill"), *dir, why[1024];
	char *argv[] = { "run", "--results", res, "-t", "1", "-w", "2", "lower", NULL };
	char *again[] = { "run", "--results", res, "-t", "0.2", "-m", "0", "lower-dir-rename",
			  NULL };
	struct strv m0, m1, tmp0, tmp1;
	struct proc_out p, q;
	json_t *run, *s;
	char *diff;
	size_t i;
	int done = 0;

	snprintf(tag, sizeof(tag), "sigkill-%d", (int)getpid());
	ck_assert_int_eq(it_mounts(&m0), 0);
	ck_assert_int_eq(it_ls_prefix("/tmp", "undertow.", &tmp0), 0);
	/* Tag this run's processes: other undertows may run beside us. */
	setenv("UT_TEST_TAG", tag, 1);
	p = run_undertow_ex(argv, &o);
	unsetenv("UT_TEST_TAG");
	ck_assert_msg(p.term_sig == SIGKILL, "not killed: %s", proc_desc(&p));
	/* Runners, workers and FUSE servers follow their parent (PDEATHSIG). */
	for (double end = it_now() + 3; tagged_procs(tag) && it_now() < end;)
		usleep(50 * 1000);
	ck_assert_int_eq(tagged_procs(tag), 0);
	ck_assert_int_eq(it_mounts(&m1), 0);
	diff = it_strv_diff(&m0, &m1);
	ck_assert_msg(!diff, "mounts changed in the caller's namespace:\n%s", diff);

	/* Every scenario finished before the kill has a readable result. */
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ck_assert(json_is_false(json_object_get(run, "complete")));
	json_array_foreach(json_object_get(run, "scenarios"), i, s) {
		json_decref(scen_json(dir, json_string_value(json_object_get(s, "name"))));
		done++;
	}
	ck_assert_msg(done >= 1, "nothing finished in %.1f s", o.sig_after_s);

	/* The killed run's empty mountpoints go with the next run. */
	q = run_undertow(again, 30);
	ck_assert_msg(q.exit_code == 0, "%s", proc_desc(&q));
	ck_assert_int_eq(it_ls_prefix("/tmp", "undertow.", &tmp1), 0);
	for (int k = 0; k < tmp1.n; k++)
		ck_assert_msg(strv_has(&tmp0, tmp1.v[k]), "left behind: /tmp/%s", tmp1.v[k]);
	json_decref(run);
	proc_out_free(&p);
	proc_out_free(&q);
	strv_free(&m0);
	strv_free(&m1);
	strv_free(&tmp0);
	strv_free(&tmp1);
	free(dir);
	free(res);
}
END_TEST

/*
 * The runner itself stuck in the kernel (its prepare() looks up a name
 * our FUSE lower never answers): the supervisor bounds the step, records
 * hang with the runner's stack and step, kills it, checks the kernel's
 * health and runs the next scenario.
 */
#define RUNNER_STALL_BOUND_S	30.0	/* prepare bound 10 + hang 3, kill, probe */

START_TEST(test_runner_stall)
{
	char *res = it_mkdtemp("runstall"), *dir, why[1024], *d;
	char *argv[] = { "run", "--results", res, "-t", "1", "--hang-timeout", "3",
			 "selftest-runner-stall", "upper-unlink-underneath", NULL };
	struct proc_out p = run_undertow(argv, 90);
	json_t *run, *j, *n;

	ck_assert_msg(p.exit_code == 1, "%s", proc_desc(&p));
	ck_assert_msg(p.elapsed_s < RUNNER_STALL_BOUND_S, "took %.1f s", p.elapsed_s);
	fprintf(stderr, "test_runner_stall: run ended %.1f s after start\n", p.elapsed_s);
	ck_assert_msg(strstr(p.out, "not ok 1 selftest-runner-stall # HANG: runner (pid "),
		      "%s", p.out);
	ck_assert_msg(strstr(p.out, "stuck in step prepare for "), "%s", p.out);
	ck_assert_msg(strstr(p.out, "# kernel health after selftest-runner-stall: "), "%s", p.out);
	ck_assert_msg(strstr(p.out, "ok 2 upper-unlink-underneath\n"), "%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	j = scen_json(dir, "selftest-runner-stall");
	ck_assert_str_eq(verdict(j), "hang");
	d = details(j, "hang");
	ck_assert_msg(strstr(d, "request_wait_answer") && strstr(d, "ovl_lookup"), "%s", d);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "runner"),
			 "last_step")), "prepare");
	n = scen_json(dir, "upper-unlink-underneath");
	ck_assert_str_eq(verdict(n), "pass");
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ck_assert(json_is_true(json_object_get(run, "complete")));
	ck_assert_int_eq(json_array_size(json_object_get(run, "scenarios")), 2);
	json_decref(run);
	json_decref(j);
	json_decref(n);
	free(d);
	free(dir);
	free(res);
	proc_out_free(&p);
}
END_TEST

/*
 * A kernel that cannot mount and unmount a tmpfs after a hang: the rest of
 * the run is skip with the reason, each with its file, run.json complete,
 * exit 1.  The probe is pointed at a directory that does not exist, so its
 * mount fails for real.
 */
START_TEST(test_kernel_unusable)
{
	char *res = it_mkdtemp("unusable"), *dir, why[1024];
	char *argv[] = { "run", "--results", res, "-t", "1", "--hang-timeout", "3",
			 "selftest-stall", "stale-dirfd-at", "upper-unlink-underneath", NULL };
	struct proc_out p;
	json_t *run, *j;
	const char *skipped[] = { "stale-dirfd-at", "upper-unlink-underneath" };

	setenv("UNDERTOW_HEALTH_DIR", "/nonexistent/undertow-health", 1);
	p = run_undertow(argv, 60);
	unsetenv("UNDERTOW_HEALTH_DIR");
	ck_assert_msg(p.exit_code == 1, "%s", proc_desc(&p));
	ck_assert_msg(strstr(p.out, "not ok 1 selftest-stall # HANG"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "# kernel unusable after selftest-stall: tmpfs mount failed\n"),
		      "%s", p.out);
	ck_assert_msg(strstr(p.out, "ok 2 stale-dirfd-at # SKIP kernel unusable after "
			     "selftest-stall: tmpfs mount failed"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "# Totals: pass:0 fail:1 skip:2"), "%s", p.out);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	for (int i = 0; i < 2; i++) {
		j = scen_json(dir, skipped[i]);
		ck_assert_str_eq(verdict(j), "skip");
		json_decref(j);
	}
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ck_assert(json_is_true(json_object_get(run, "complete")));
	ck_assert_int_eq(json_array_size(json_object_get(run, "scenarios")), 3);
	json_decref(run);
	free(dir);
	free(res);
	proc_out_free(&p);
}
END_TEST

Suite *detectors_suite(void)
{
	Suite *s = suite_create("detectors");
	TCase *tc = tcase_create("detectors");

	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_detectors_fire);
	tcase_add_test(tc, test_clean_run_quiet);
	tcase_add_test(tc, test_sysrq_and_hung_task);
	tcase_add_test(tc, test_sigkill_leaves_nothing);
	tcase_add_test(tc, test_runner_stall);
	tcase_add_test(tc, test_kernel_unusable);
	suite_add_tcase(s, tc);
	return s;
}
