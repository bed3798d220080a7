// SPDX-License-Identifier: GPL-2.0
/*
 * test_fusepath.c - a path: lower on a FUSE server that stops answering.
 *
 * The test serves a directory of its own through stallfs (its own small
 * FUSE passthrough, not undertow's), runs lower-dir-rename with
 * -b path:MOUNT, and after about a second stops the server with SIGSTOP,
 * as a remote filesystem that goes away would.  undertow must call it a
 * hang with the kernel stack of the stuck task (the FUSE request wait),
 * exit 1 within the hang timeout plus a bound, and leave nothing mounted.
 * The test then continues and kills its server and detaches its mount.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "it.h"

#define HANG_TIMEOUT	"3"
#define RUN_TIME	"4"
#define STOP_AFTER_S	1.0	/* the server stops this long after undertow starts */
#define BOUND_S		45.0	/* hang timeout + recovery + teardown, for now */

/* A child that stops @server after @after_s, like a server that goes away. */
static pid_t stop_later(pid_t server, double after_s)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct timespec ts = { (time_t)after_s,
				       (long)((after_s - (time_t)after_s) * 1e9) };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		nanosleep(&ts, NULL);
		_exit(kill(server, SIGSTOP) ? 1 : 0);
	}
	return pid;
}

static void all_mounts(struct strv *out)
{
	char *mi = it_read_file("/proc/self/mountinfo", NULL), *line, *save = NULL;

	ck_assert_ptr_nonnull(mi);
	memset(out, 0, sizeof(*out));
	for (line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		strv_add(out, line);
	free(mi);
}

/* The hang finding of the path variant, with the FUSE wait in its stack. */
static void check_result(const char *res)
{
	char why[1024], *rd = it_latest_run(res, why, sizeof(why));
	json_t *j, *f;
	size_t i;
	bool hang = false, stack = false;

	ck_assert_msg(rd, "no run directory: %s", why);
	j = it_json_at(rd, "lower-dir-rename@path.json", why, sizeof(why));
	ck_assert_msg(j, "%s", why);
	ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "hang");
	json_array_foreach(json_object_get(j, "findings"), i, f) {
		const char *d = json_string_value(json_object_get(f, "detail"));

		if (strcmp(json_string_value(json_object_get(f, "kind")) ?: "", "hang") || !d)
			continue;
		hang = true;
		stack |= strstr(d, "request_wait_answer") || strstr(d, "fuse_");
	}
	ck_assert_msg(hang, "no hang finding");
	ck_assert_msg(stack, "no hang finding holds a FUSE kernel stack");
	json_decref(j);
	free(rd);
}

START_TEST(test_stalled_fuse_path)
{
	char *dir = it_mkdtemp("fusepath"), *backing, *mnt, *res, *spec;
	struct strv m0, m1;
	struct proc_out p;
	pid_t server, stopper;
	char *diff;

	ck_assert_ptr_nonnull(dir);
	/* Our FUSE mount stays ours; undertow inherits it, as it would an NFS mount. */
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	backing = it_fmt("%s/backing", dir);
	mnt = it_fmt("%s/mnt", dir);
	res = it_fmt("%s/results", dir);
	spec = it_fmt("path:%s", mnt);
	ck_assert_int_eq(mkdir(backing, 0755), 0);
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	server = it_stallfs_start(backing, mnt);
	all_mounts(&m0);
	{
		char *argv[] = { "run", "--results", res, "-t", RUN_TIME, "-w", "2",
				 "--hang-timeout", HANG_TIMEOUT, "-b", spec, "lower-dir-rename",
				 NULL };

		stopper = stop_later(server, STOP_AFTER_S);
		p = run_undertow(argv, BOUND_S);
	}
	waitpid(stopper, NULL, 0);
	all_mounts(&m1);
	it_stallfs_stop(server, mnt);
	fprintf(stderr, "int-tests: stalled FUSE path: undertow ended after %.1f s (%s)\n",
		p.elapsed_s, p.timed_out ? "killed at the bound" : "exited");

	ck_assert_msg(!p.timed_out && p.exit_code == 1,
		      "want exit 1 within %.0f s: %s\nstdout:\n%.3000s", BOUND_S, proc_desc(&p),
		      p.out);
	ck_assert_msg(strstr(p.out, "not ok 1 lower-dir-rename@path # HANG"),
		      "KTAP lacks the hang: %.3000s", p.out);
	diff = it_strv_diff(&m0, &m1);
	ck_assert_msg(!diff, "mounts left behind:\n%s", diff);
	check_result(res);

	strv_free(&m0);
	strv_free(&m1);
	proc_out_free(&p);
	free(spec);
	free(res);
	free(mnt);
	free(backing);
	free(dir);
}
END_TEST

Suite *fusepath_suite(void)
{
	Suite *s = suite_create("fusepath");
	TCase *tc = tcase_create("fusepath");

	tcase_set_timeout(tc, BOUND_S + 30);
	tcase_add_test(tc, test_stalled_fuse_path);
	suite_add_tcase(s, tc);
	return s;
}
