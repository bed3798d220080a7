// SPDX-License-Identifier: GPL-2.0
/*
 * test_taint.c - taint mask decoding and the slab/proc counters.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slab.h"
#include "taint.h"

Suite *taint_suite(void);

#define BIT(n) (1UL << (n))

struct letters_case {
	unsigned long mask;
	const char *want;
};

static const struct letters_case letters_cases[] = {
	{ 0, "" },
	{ BIT(9) | BIT(12), "WO" },
	{ BIT(7) | BIT(9), "DW" },
	{ BIT(0), "P" },
	{ BIT(12) | BIT(13), "OE" },		/* out-of-tree unsigned module */
	{ BIT(5) | BIT(14), "BL" },
	{ BIT(18) | BIT(19), "NJ" },
	{ 0xfffffUL, "PFSRMBUDAWCIOELKXTNJ" },	/* all 20 known bits */
	{ BIT(9) | BIT(25), "W?" },		/* unknown bit */
};

START_TEST(test_letters)
{
	const struct letters_case *c = &letters_cases[_i];
	char buf[80];

	memset(buf, 'x', sizeof(buf));
	ut_taint_letters(c->mask, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->want);
}
END_TEST

/* Small buffers cut the output but always terminate it. */
START_TEST(test_letters_truncate)
{
	char buf[4] = "zzz";

	ut_taint_letters(0xfffffUL, buf, 3);
	ck_assert_str_eq(buf, "PF");
	ut_taint_letters(BIT(9), buf, 1);
	ck_assert_str_eq(buf, "");
	buf[0] = 'z';
	ut_taint_letters(BIT(9), buf, 0);	/* sz 0: untouched */
	ck_assert_int_eq(buf[0], 'z');
	ut_taint_letters(BIT(9), NULL, 8);	/* must not crash */
}
END_TEST

START_TEST(test_bad)
{
	/* W new: a warning fired during the run */
	ck_assert_uint_eq(ut_taint_bad(0, BIT(9)), BIT(9));
	/* O new: a module was loaded, not a kernel bug */
	ck_assert_uint_eq(ut_taint_bad(0, BIT(12)), 0);
	/* W already set before the run is not news */
	ck_assert_uint_eq(ut_taint_bad(BIT(9), BIT(9)), 0);
	ck_assert_uint_eq(ut_taint_bad(BIT(9), BIT(9) | BIT(7)), BIT(7));
	/* each trouble bit on its own: M B D W L */
	ck_assert_uint_eq(ut_taint_bad(0, BIT(4)), BIT(4));
	ck_assert_uint_eq(ut_taint_bad(0, BIT(5)), BIT(5));
	ck_assert_uint_eq(ut_taint_bad(0, BIT(7)), BIT(7));
	ck_assert_uint_eq(ut_taint_bad(0, BIT(14)), BIT(14));
	/* module, firmware, user, test and build bits are not findings */
	ck_assert_uint_eq(ut_taint_bad(0, BIT(0) | BIT(1) | BIT(2) | BIT(3) |
				       BIT(6) | BIT(8) | BIT(10) | BIT(11) |
				       BIT(12) | BIT(13) | BIT(15) | BIT(16) |
				       BIT(17) | BIT(18) | BIT(19)), 0);
	/* a bit that went away is not news either */
	ck_assert_uint_eq(ut_taint_bad(BIT(9), 0), 0);
}
END_TEST

START_TEST(test_taint_read)
{
	unsigned long t = ~0UL;

	ck_assert_int_eq(ut_taint_read(&t), 0);
	ck_assert_uint_lt(t, BIT(30));	/* no kernel has that many flags */
	ck_assert_int_eq(ut_taint_read(NULL), -EINVAL);
}
END_TEST

START_TEST(test_slab_ovl)
{
	long n = ut_slab_objects("ovl_inode");

	/* overlay may be built in, a module, or not loaded yet */
	ck_assert_msg(n >= 0 || n == -ENOENT, "ovl_inode: %ld", n);
}
END_TEST

START_TEST(test_slab_missing)
{
	ck_assert_int_eq(ut_slab_objects("ut_no_such_cache_4711"), -ENOENT);
	ck_assert_int_eq(ut_slab_objects(""), -EINVAL);
	ck_assert_int_eq(ut_slab_objects(".."), -EINVAL);
	ck_assert_int_eq(ut_slab_objects("../slab/dentry"), -EINVAL);
	ck_assert_int_eq(ut_slab_objects(NULL), -EINVAL);
}
END_TEST

/* Every kernel has a dentry cache with objects in use. */
START_TEST(test_slab_dentry)
{
	long n = ut_slab_objects("dentry");

	if (n == -ENOENT || n == -EACCES) {
		fprintf(stderr, "test_slab_dentry: no slab stats (%ld)\n", n);
		return;
	}
	ck_assert_int_gt(n, 0);
}
END_TEST

/* Write @text to a fresh temp file; returns its path (static buffer). */
static const char *tmp_with(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/ut_taint_test.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_read_long)
{
	const char *p;
	long v = 0;

	p = tmp_with("  42 N0=42\n");
	ck_assert_int_eq(ut_read_long(p, &v), 0);
	ck_assert_int_eq(v, 42);
	unlink(p);

	p = tmp_with("-7\n");
	ck_assert_int_eq(ut_read_long(p, &v), 0);
	ck_assert_int_eq(v, -7);
	unlink(p);

	p = tmp_with("abc 1\n");
	ck_assert_int_eq(ut_read_long(p, &v), -EINVAL);
	unlink(p);

	p = tmp_with("");
	ck_assert_int_eq(ut_read_long(p, &v), -EINVAL);
	unlink(p);

	p = tmp_with("99999999999999999999999\n");
	ck_assert_int_eq(ut_read_long(p, &v), -ERANGE);
	unlink(p);

	ck_assert_int_eq(ut_read_long("/nonexistent/ut/file", &v), -ENOENT);
	ck_assert_int_eq(ut_read_long(NULL, &v), -EINVAL);
}
END_TEST

START_TEST(test_proc_counters)
{
	long a = -1, b = -1;

	ck_assert_int_eq(ut_dentry_state(&a, &b), 0);
	ck_assert_int_gt(a, 0);
	ck_assert_int_ge(b, 0);
	ck_assert_int_le(b, a);
	a = b = -1;
	ck_assert_int_eq(ut_inode_nr(&a, &b), 0);
	ck_assert_int_gt(a, 0);
	ck_assert_int_ge(b, 0);
	ck_assert_int_eq(ut_inode_nr(NULL, &b), -EINVAL);
}
END_TEST

START_TEST(test_count_fds)
{
	int before, during, after, fd;

	before = ut_count_fds(0);
	ck_assert_int_gt(before, 0);
	ck_assert_int_eq(ut_count_fds(getpid()), before);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	during = ut_count_fds(0);
	close(fd);
	after = ut_count_fds(0);
	ck_assert_int_eq(during, before + 1);
	ck_assert_int_eq(after, before);
	/* pid 1 always exists; root may read its fds */
	if (geteuid() == 0)
		ck_assert_int_gt(ut_count_fds(1), 0);
	ck_assert_int_eq(ut_count_fds(-1), -EINVAL);
	/* above PID_MAX_LIMIT (4M), so never a live pid */
	ck_assert_int_eq(ut_count_fds(1 << 30), -ENOENT);
}
END_TEST

Suite *taint_suite(void)
{
	Suite *s = suite_create("taint");
	TCase *tt = tcase_create("taint");
	TCase *ts = tcase_create("slab");

	tcase_add_loop_test(tt, test_letters, 0,
			    sizeof(letters_cases) / sizeof(letters_cases[0]));
	tcase_add_test(tt, test_letters_truncate);
	tcase_add_test(tt, test_bad);
	tcase_add_test(tt, test_taint_read);
	suite_add_tcase(s, tt);

	tcase_add_test(ts, test_slab_ovl);
	tcase_add_test(ts, test_slab_missing);
	tcase_add_test(ts, test_slab_dentry);
	tcase_add_test(ts, test_read_long);
	tcase_add_test(ts, test_proc_counters);
	tcase_add_test(ts, test_count_fds);
	suite_add_tcase(s, ts);
	return s;
}
