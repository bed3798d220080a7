// SPDX-License-Identifier: GPL-2.0
/*
 * test_supervise.c - the supervisor/runner plumbing: the findings pipe,
 * step names and bounds, the detector table's order, the health probe.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "health.h"
#include "holders.h"
#include "runctl.h"
#include "suites.h"

static int index_of(const char *name)
{
	for (int i = 0; i < ut_detect_count(); i++)
		if (!strcmp(ut_detectors[i]->name, name))
			return i;
	return -1;
}

START_TEST(test_msg_roundtrip)
{
	struct ut_findings f = { 0 };
	struct ut_result r;
	json_t *snap = json_object(), *got = json_object();
	char *buf = NULL;
	size_t len = 0;
	int p[2], sent = 0;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	ut_finding_add(&f, UT_LEAK, "overlay busy\nholders: pid 1");
	ut_finding_add(&f, UT_PASS, "info with \"quotes\"");
	json_object_set_new(snap, "ovl_inode_after", json_integer(7));
	ck_assert_int_eq(ut_msg_send(p[1], &f, &sent, snap), 0);
	ck_assert_int_eq(sent, 2);
	ck_assert_int_eq(json_object_size(snap), 0);	/* sent once, then cleared */
	ck_assert_int_eq(ut_msg_send_opts(p[1], "index=on,xino=off"), 0);
	/* Half a line stays buffered until the rest arrives. */
	ck_assert_int_eq(write(p[1], "{\"f\":[\"hang\",", 13), 13);
	ut_msg_recv(p[0], &r, got, &buf, &len);
	ck_assert_int_eq(r.findings.n, 2);
	ck_assert_int_eq(r.findings.v[0].kind, UT_LEAK);
	ck_assert_str_eq(r.findings.v[0].detail, "overlay busy\nholders: pid 1");
	ck_assert_str_eq(r.findings.v[1].detail, "info with \"quotes\"");
	ck_assert_int_eq(json_integer_value(json_object_get(got, "ovl_inode_after")), 7);
	ck_assert_str_eq(r.ovl_options, "index=on,xino=off");
	ck_assert_int_eq(write(p[1], "\"stuck\"]}\nnot json\n", 19), 19);
	ut_msg_recv(p[0], &r, got, &buf, &len);
	ck_assert_int_eq(r.findings.n, 4);
	ck_assert_int_eq(r.findings.v[2].kind, UT_HANG);
	ck_assert_int_eq(r.findings.v[3].kind, UT_BROKEN);	/* a bad line is said, not lost */
	ck_assert_int_eq(len, 0);
	close(p[0]);
	close(p[1]);
	free(buf);
	json_decref(snap);
	json_decref(got);
	ut_findings_free(&f);
	ut_findings_free(&r.findings);
}
END_TEST

START_TEST(test_steps)
{
	struct ut_run_cfg cfg = { .hang_timeout = 3 };
	int um = index_of("umount");

	ck_assert_str_eq(ut_step_name(UT_STEP_MOUNT), "mount");
	ck_assert_str_eq(ut_step_name(UT_STEP_RUN), "run");
	ck_assert_str_eq(ut_step_name(UT_STEP_DONE), "exit");
	ck_assert_int_ge(um, 0);
	ck_assert_str_eq(ut_step_name(UT_STEP_DETECT + um), "umount");
	/* The run step is bounded by the run time, plus slack, plus a hang timeout. */
	ck_assert(ut_step_bound(UT_STEP_RUN, &cfg, 2) == 2 + 10 + 3);
	ck_assert(ut_step_bound(UT_STEP_DETECT + um, &cfg, 2) ==
		  ut_detectors[um]->bound_s + 3);
}
END_TEST

/* Teardown nests set-up, and the kernel log is read before exits are judged. */
START_TEST(test_detector_table)
{
	for (int i = 0; i < ut_detect_count(); i++) {
		const struct ut_detector *d = ut_detectors[i];

		ck_assert_msg(d->name && (d->before || d->after), "detector %d", i);
		if (d->side == UT_DET_RUNNER)
			ck_assert_msg(d->bound_s > 0, "%s: runner side", d->name);
	}
	ck_assert_int_lt(index_of("layers"), index_of("slab"));
	ck_assert_int_lt(index_of("slab"), index_of("umount"));
	/* Lost data is checked on the mount, then after the umount on a fresh one. */
	ck_assert_int_lt(index_of("bystander-remount"), index_of("umount"));
	ck_assert_int_lt(index_of("umount"), index_of("bystander"));
	ck_assert_int_lt(index_of("exits"), index_of("kmsg"));
	/*
	 * The self-check brackets every detector but coverage, which mounts
	 * tracefs once, and blocks, which bracket coverage.
	 */
	ck_assert_int_eq(index_of("blocks"), 0);
	ck_assert_int_eq(index_of("coverage"), 1);
	ck_assert_int_eq(index_of("selfcheck"), 2);
}
END_TEST

START_TEST(test_health_probe)
{
	char dir[] = "/tmp/ut-health.XXXXXX", why[256] = "";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(!ut_health_probe(dir, 5, why, sizeof(why)), "%s", why);
	ck_assert_int_eq(rmdir(dir), 0);	/* the probe's mount was its own */
	ck_assert_int_eq(ut_health_probe(dir, 5, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "tmpfs mount failed");
}
END_TEST

/* What keeps a killed run's scratch directory from being removed under a runner. */
START_TEST(test_mounted_under)
{
	char dir[] = "/tmp/ut-under.XXXXXX", sub[64];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/01-x", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert(!ut_mounted_under_anywhere(dir));
	ck_assert_int_eq(mount("tmpfs", sub, "tmpfs", 0, "size=1m"), 0);
	ck_assert(ut_mounted_under_anywhere(dir));
	ck_assert_int_eq(umount2(sub, 0), 0);
	ck_assert(!ut_mounted_under_anywhere(dir));
	ck_assert_int_eq(rmdir(sub), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * Kernel threads releasing files: only kernel threads are named (kthreadd,
 * pid 2, is one; this process is not), each as "pid N (comm) in FN".
 */
START_TEST(test_releasers)
{
	char buf[2048], self[16];
	int n = ut_find_releasers(buf, sizeof(buf));

	snprintf(self, sizeof(self), "%d", (int)getpid());
	ck_assert(ut_is_kthread("2"));
	ck_assert(!ut_is_kthread(self));
	ck_assert(!ut_is_kthread("1"));
	ck_assert(!ut_is_kthread("999999999"));
	ck_assert_int_ge(n, 0);
	for (char *p = buf; n && (p = strstr(p, "pid ")); p += 4) {
		char pid[16], proc[32];

		ck_assert_msg(sscanf(p, "pid %15[0-9] (", pid) == 1, "%s", buf);
		snprintf(proc, sizeof(proc), "/proc/%s", pid);
		/* it may have finished since: a gone pid is no user process either */
		ck_assert_msg(ut_is_kthread(pid) || access(proc, F_OK), "%s", buf);
		ck_assert_msg(strstr(p, ") in io_ring_exit_work") || strstr(p, ") in delayed_fput") ||
			      strstr(p, ") in __fput"), "%s", buf);
	}
	if (!n)
		ck_assert_str_eq(buf, "");
}
END_TEST

Suite *supervise_suite(void)
{
	Suite *s = suite_create("supervise");
	TCase *tc = tcase_create("supervise");

	tcase_add_test(tc, test_msg_roundtrip);
	tcase_add_test(tc, test_steps);
	tcase_add_test(tc, test_detector_table);
	tcase_add_test(tc, test_releasers);
	tcase_add_test(tc, test_health_probe);
	tcase_add_test(tc, test_mounted_under);
	suite_add_tcase(s, tc);
	return s;
}
