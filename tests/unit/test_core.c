// SPDX-License-Identifier: GPL-2.0
/* test_core.c - PRNG, errno names, KTAP lines, verdict precedence, dents, reap. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "dents.h"
#include "engine.h"
#include "errname.h"
#include "ktap.h"
#include "ops.h"
#include "prng.h"
#include "reap.h"
#include "slab.h"
#include "suites.h"
#include "verdict.h"

START_TEST(prng_repeatable)
{
	struct ut_rng a, b, c;

	ut_rng_seed_for(&a, 42, "lower-dir-rename", 0, 3);
	ut_rng_seed_for(&b, 42, "lower-dir-rename", 0, 3);
	ut_rng_seed_for(&c, 42, "lower-dir-rename", 0, 4);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = ut_rng_next(&a);

		ck_assert_uint_eq(x, ut_rng_next(&b));
		ck_assert_uint_ne(x, ut_rng_next(&c));
	}
}
END_TEST

START_TEST(prng_streams_differ)
{
	/* Role, index, scenario and seed each give their own stream. */
	struct ut_rng r[5];
	uint64_t v[5];

	ut_rng_seed_for(&r[0], 1, "a", 0, 0);
	ut_rng_seed_for(&r[1], 2, "a", 0, 0);
	ut_rng_seed_for(&r[2], 1, "b", 0, 0);
	ut_rng_seed_for(&r[3], 1, "a", 1, 0);
	ut_rng_seed_for(&r[4], 1, "a", 0, 1);
	for (int i = 0; i < 5; i++)
		v[i] = ut_rng_next(&r[i]);
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			ck_assert_uint_ne(v[i], v[j]);
}
END_TEST

START_TEST(prng_below_in_range_and_spread)
{
	struct ut_rng r;
	int hits[7] = { 0 };

	ut_rng_seed(&r, 7);
	for (int i = 0; i < 70000; i++) {
		uint32_t x = ut_rng_below(&r, 7);

		ck_assert_uint_lt(x, 7);
		hits[x]++;
	}
	for (int i = 0; i < 7; i++)		/* 10000 expected each */
		ck_assert_int_gt(hits[i], 9000);
	ck_assert_uint_eq(ut_rng_below(&r, 1), 0);
}
END_TEST

START_TEST(errname_known)
{
	ck_assert_str_eq(ut_errname(0), "OK");
	ck_assert_str_eq(ut_errname(ENOENT), "ENOENT");
	ck_assert_str_eq(ut_errname(-ESTALE), "ESTALE");
	ck_assert_str_eq(ut_errname(EXDEV), "EXDEV");
	ck_assert_str_eq(ut_errname(EIO), "EIO");
	ck_assert_str_eq(ut_errname(EHWPOISON), "EHWPOISON");
	ck_assert_str_eq(ut_errname(4000), "E4000");
}
END_TEST

START_TEST(errname_roundtrip)
{
	for (int e = 1; e <= UT_ERRNO_MAX; e++) {
		const char *n = ut_errname(e);

		/* Aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP) map to one name. */
		ck_assert_int_eq(ut_errno_of(n), e);
	}
	ck_assert_int_eq(ut_errno_of("OK"), 0);
	ck_assert_int_eq(ut_errno_of("E4000"), 4000);
	ck_assert_int_eq(ut_errno_of("NOPE"), -1);
}
END_TEST

START_TEST(buckets)
{
	ck_assert_int_eq(ut_bucket_of(0), 0);
	ck_assert_int_eq(ut_bucket_of(4096), 0);		/* a byte count */
	ck_assert_int_eq(ut_bucket_of(-ENOENT), ENOENT);
	ck_assert_int_eq(ut_bucket_errno(ut_bucket_of(-ESTALE)), ESTALE);
	/* Kernel-internal errnos are named, not lumped into "other". */
	ck_assert_int_eq(ut_bucket_errno(ut_bucket_of(-512)), 512);
	ck_assert_str_eq(ut_errname(512), "ERESTARTSYS");
	ck_assert_str_eq(ut_errname(524), "ENOTSUPP");
	ck_assert_int_eq(ut_errno_of("ERESTARTSYS"), 512);
	ck_assert_int_eq(ut_bucket_of(-531), UT_BUCKET_OTHER);
	ck_assert_int_eq(ut_bucket_of(-200), UT_BUCKET_OTHER);
	ck_assert_int_eq(ut_bucket_errno(UT_BUCKET_OTHER), -1);
	for (int b = 1; b < UT_BUCKET_OTHER; b++)
		ck_assert_int_eq(ut_bucket_of(-ut_bucket_errno(b)), b);
}
END_TEST

START_TEST(ktap_lines)
{
	char buf[256];

	ut_ktap_line(buf, sizeof(buf), 1, "lower-dir-rename", UT_PASS, NULL);
	ck_assert_str_eq(buf, "ok 1 lower-dir-rename");
	ut_ktap_line(buf, sizeof(buf), 2, "hardlinks", UT_SKIP, "index=on: not supported");
	ck_assert_str_eq(buf, "ok 2 hardlinks # SKIP index=on: not supported");
	ut_ktap_line(buf, sizeof(buf), 3, "x", UT_CRASH, "kernel: WARNING: at fs/x.c");
	ck_assert_str_eq(buf, "not ok 3 x # CRASH: kernel: WARNING: at fs/x.c");
	ut_ktap_line(buf, sizeof(buf), 4, "x", UT_HANG, "worker 0\nstack");
	ck_assert_str_eq(buf, "not ok 4 x # HANG: worker 0 stack");
	ut_ktap_line(buf, sizeof(buf), 5, "x", UT_LEAK, "a # b");
	ck_assert_str_eq(buf, "not ok 5 x # LEAK: a   b");
	ut_ktap_line(buf, sizeof(buf), 6, "x", UT_FAIL, "EBADF");
	ck_assert_str_eq(buf, "not ok 6 x # FAIL: EBADF");
	ut_ktap_line(buf, sizeof(buf), 7, "x", UT_BROKEN, "mount");
	ck_assert_str_eq(buf, "not ok 7 x # BROKEN: mount");
}
END_TEST

START_TEST(ktap_header_totals)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ut_ktap_header(f, 3);
	ut_ktap_diag(f, "one\ntwo");
	ut_ktap_totals(f, 1, 1, 1);
	fclose(f);
	ck_assert_str_eq(out, "KTAP version 1\n1..3\n# one\n# two\n"
			 "# Totals: pass:1 fail:1 skip:1\n");
	free(out);
}
END_TEST

START_TEST(verdict_precedence)
{
	struct ut_findings f = { 0 };

	ck_assert_int_eq(ut_findings_verdict(&f, UT_PASS), UT_PASS);
	ut_finding_add(&f, UT_PASS, "info only");
	ck_assert_int_eq(ut_findings_verdict(&f, UT_PASS), UT_PASS);
	ut_finding_add(&f, UT_FAIL, "errno");
	ck_assert_int_eq(ut_findings_verdict(&f, UT_PASS), UT_FAIL);
	ut_finding_add(&f, UT_LEAK, "slab");
	ut_finding_add(&f, UT_CRASH, "oops");
	ut_finding_add(&f, UT_HANG, "stuck");
	ck_assert_int_eq(ut_findings_verdict(&f, UT_PASS), UT_CRASH);
	ck_assert_str_eq(ut_findings_first(&f, UT_HANG)->detail, "stuck");
	ck_assert_ptr_null(ut_findings_first(&f, UT_BROKEN));
	ut_findings_free(&f);
	ck_assert_int_eq(f.n, 0);
}
END_TEST

/* The verdict and its one-line reason; a busy-inodes BUG is the leak's consequence. */
START_TEST(verdict_judge_and_leak)
{
	struct ut_findings f = { 0 };
	char reason[64];

	ck_assert_int_eq(ut_findings_judge(&f, reason, sizeof(reason)), UT_PASS);
	ck_assert_str_eq(reason, "");
	ut_finding_add(&f, UT_PASS, "info only");
	ut_finding_add(&f, UT_SKIP, "no such feature\nevidence");
	ck_assert_int_eq(ut_findings_judge(&f, reason, sizeof(reason)), UT_SKIP);
	ck_assert_str_eq(reason, "no such feature");
	ut_findings_free(&f);

	ut_finding_add(&f, UT_CRASH, "kernel tainted during the run: D");
	ut_finding_add(&f, UT_LEAK, "kernel: VFS: Busy inodes after unmount [busy-inodes]");
	ut_finding_add(&f, UT_CRASH, "kernel: kernel BUG at fs/inode.c:1 [kernel-bug]\ntrace");
	ut_finding_add(&f, UT_CRASH, "runner killed by signal 11");
	ck_assert_int_eq(ut_findings_judge(&f, reason, sizeof(reason)), UT_CRASH);
	ck_assert_str_eq(reason, "kernel tainted during the run: D");
	ut_findings_leak_consequence(&f);
	/* Only kernel crashes after the kernel's leak report turn into leaks. */
	ck_assert_int_eq(f.v[0].kind, UT_CRASH);
	ck_assert_int_eq(f.v[2].kind, UT_LEAK);
	ck_assert_int_eq(f.v[3].kind, UT_CRASH);
	ut_findings_free(&f);
}
END_TEST

START_TEST(verdict_names)
{
	for (int v = 0; v < UT_NVERDICT; v++)
		ck_assert_int_eq(ut_verdict_of(ut_verdict_name(v)), v);
	ck_assert_int_eq(ut_verdict_of("bogus"), -1);
	ck_assert_str_eq(ut_verdict_name(UT_CRASH), "crash");
}
END_TEST

/* Recorded ovl_inode snapshots: before mount, after umount, a moment later. */
START_TEST(slab_judgement)
{
	ck_assert_int_eq(ut_slab_judge(0, 0, 0, false), UT_SLAB_CLEAN);
	ck_assert_int_eq(ut_slab_judge(46, 12, 12, false), UT_SLAB_CLEAN);	/* freed more */
	ck_assert_int_eq(ut_slab_judge(0, 9, 9, false), UT_SLAB_LEAK);
	ck_assert_int_eq(ut_slab_judge(11, 19, 19, false), UT_SLAB_LEAK);
	ck_assert_int_eq(ut_slab_judge(0, 1576, 245, false), UT_SLAB_NOT_JUDGED);	/* moving */
	ck_assert_int_eq(ut_slab_judge(0, 9, 9, true), UT_SLAB_NOT_JUDGED);	/* others */
	ck_assert_int_eq(ut_slab_judge(-ENOENT, 3, 3, false), UT_SLAB_CLEAN);	/* no cache */
	ck_assert_int_eq(ut_slab_judge(5, -ENOENT, -ENOENT, false), UT_SLAB_CLEAN);
}
END_TEST

static int count_or_stop(int fd, const char *name, unsigned char type, void *arg)
{
	int *n = arg;

	(void)fd, (void)type;
	if (!strcmp(name, "stop-here") && n[1])
		return -ECANCELED;
	n[0] += !ut_dent_is_dot(name);
	return 0;
}

/* Every entry once, across several getdents64 buffers; a callback can stop it. */
START_TEST(dents_walk)
{
	char dir[] = "/tmp/ut-dents.XXXXXX", path[64];
	int fd, n[2] = { 0, 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "%s/a-rather-long-entry-name-%03d", dir, i);
		ck_assert_int_eq(mkdir(path, 0755), 0);
	}
	snprintf(path, sizeof(path), "%s/stop-here", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ut_dents_each(fd, count_or_stop, n), 0);
	ck_assert_int_eq(n[0], 301);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	n[0] = 0;
	n[1] = 1;
	ck_assert_int_eq(ut_dents_each(fd, count_or_stop, n), -ECANCELED);
	ck_assert_int_lt(n[0], 301);
	ck_assert_int_eq(ut_dents_each(-1, count_or_stop, n), -EBADF);
	close(fd);
	ck_assert_int_eq(ut_rmtree_at(AT_FDCWD, dir, 4), 0);
}
END_TEST

/* A child that overstays is killed and reaped within the bound. */
START_TEST(reap_bounded)
{
	pid_t quick = fork(), slow;
	int st = 0;
	double t0;

	if (!quick)
		_exit(3);
	ck_assert_int_eq(ut_reap_or_kill(quick, 5, 1, &st), 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	slow = fork();
	if (!slow) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(ut_reap_within(slow, 0.05, &st), 0);
	t0 = ut_now();
	ck_assert_int_eq(ut_reap_or_kill(slow, 0.1, 2, &st), 0);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	ck_assert(ut_now() - t0 < 2);
	ck_assert_int_eq(ut_reap_or_kill(slow, 0, 0, NULL), 0);	/* gone: -ECHILD is fine */
}
END_TEST

/* Effective: a success by default, the op's own word first, the table's errnos too. */
START_TEST(op_effective)
{
	struct ut_op op = { .name = "openat", .reach = UT_ERRNOS(ENOENT, ESTALE) };
	struct ut_op plain = { .name = "write" };
	struct ut_ctx c = { .reached = -1 };

	ck_assert(ut_op_effective(&c, &op, 0));
	ck_assert(ut_op_effective(&c, &op, 17));
	ck_assert(ut_op_effective(&c, &op, -ENOENT));
	ck_assert(ut_op_effective(&c, &op, -ESTALE));
	ck_assert(!ut_op_effective(&c, &op, -EIO));
	ck_assert(!ut_op_effective(&c, &plain, -ENOENT));
	ut_reached(&c, true);		/* the open for write copied up; the write failed */
	ck_assert(ut_op_effective(&c, &plain, -EIO));
	ut_reached(&c, false);		/* it succeeded without reaching its path */
	ck_assert(!ut_op_effective(&c, &plain, 0));
}
END_TEST

Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, prng_repeatable);
	tcase_add_test(tc, prng_streams_differ);
	tcase_add_test(tc, prng_below_in_range_and_spread);
	tcase_add_test(tc, errname_known);
	tcase_add_test(tc, errname_roundtrip);
	tcase_add_test(tc, buckets);
	tcase_add_test(tc, ktap_lines);
	tcase_add_test(tc, ktap_header_totals);
	tcase_add_test(tc, verdict_precedence);
	tcase_add_test(tc, verdict_judge_and_leak);
	tcase_add_test(tc, verdict_names);
	tcase_add_test(tc, slab_judgement);
	tcase_add_test(tc, dents_walk);
	tcase_add_test(tc, reap_bounded);
	tcase_add_test(tc, op_effective);
	suite_add_tcase(s, tc);
	return s;
}
