// SPDX-License-Identifier: GPL-2.0
/*
 * test_rundir.c - the results directory's files: mkdir -p, the writable
 * check (a read-only mount included), atomic write, results/latest and
 * reading a file back whole.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "rundir.h"
#include "scratch.h"
#include "suites.h"


static void setup(void)
{
	scratch_setup("rundir");
}

static void teardown(void)
{
	scratch_teardown();
}


/* Entries of @dir but . and .., dot files (temp files) included. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

START_TEST(mkdir_p_nested)
{
	struct stat st;

	ck_assert_int_eq(ut_mkdir_p(scratch_at("a/b//c/")), 0);
	ck_assert_int_eq(stat(scratch_at("a/b/c"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(ut_mkdir_p(scratch_at("a/b/c")), 0);	/* already there */
	scratch_put(scratch_at("file"), "x");
	ck_assert_int_eq(ut_mkdir_p(scratch_at("file")), -ENOTDIR);
	ck_assert_int_eq(ut_mkdir_p(scratch_at("file/sub")), -ENOTDIR);
}
END_TEST

START_TEST(check_makes_and_probes)
{
	char why[512] = "";

	ck_assert_int_eq(ut_rundir_check(scratch_at("new/results"), why, sizeof(why)), 0);
	ck_assert_int_eq(entries(scratch_at("new/results")), 0);	/* the probe is gone */
	scratch_put(scratch_at("plain"), "x");
	ck_assert_int_eq(ut_rundir_check(scratch_at("plain"), why, sizeof(why)), -ENOTDIR);
	ck_assert_msg(strstr(why, scratch_at("plain")) && !strchr(why, '\n'), "%s", why);
}
END_TEST

/* Root passes access(2) there: only a real create finds a read-only mount. */
START_TEST(check_refuses_read_only)
{
	char why[512] = "";
	int err;

	ck_assert_int_eq(mkdir(scratch_at("ro"), 0755), 0);
	ck_assert_int_eq(mount("tmpfs", scratch_at("ro"), "tmpfs", MS_RDONLY, NULL), 0);
	err = ut_rundir_check(scratch_at("ro"), why, sizeof(why));
	umount(scratch_at("ro"));
	ck_assert_int_eq(err, -EROFS);
	ck_assert_msg(strstr(why, scratch_at("ro")) && strstr(why, "not writable"), "%s", why);
}
END_TEST

START_TEST(write_atomic_replaces)
{
	char *buf;
	size_t len;

	ck_assert_int_eq(ut_write_atomic(scratch_at("f"), "first\n", 6), 0);
	ck_assert_int_eq(ut_write_atomic(scratch_at("f"), "second", 6), 0);
	ck_assert_int_eq(ut_read_whole(scratch_at("f"), 100, &buf, &len), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(buf, "second");
	free(buf);
	ck_assert_int_eq(entries(scratch_base), 1);		/* no temp file left */
	ck_assert_int_eq(ut_write_atomic(scratch_at("no/dir/f"), "x", 1), -ENOENT);
	ck_assert_int_eq(entries(scratch_base), 1);
}
END_TEST

START_TEST(json_write_atomic_newline)
{
	json_t *j = json_pack("{s:i, s:s}", "b", 1, "a", "x");
	char *buf;
	size_t len;

	ck_assert_int_eq(ut_json_write_atomic(scratch_at("j.json"), j), 0);
	ck_assert_int_eq(ut_read_whole(scratch_at("j.json"), 1000, &buf, &len), 0);
	ck_assert_str_eq(buf, "{\n  \"a\": \"x\",\n  \"b\": 1\n}\n");	/* sorted keys */
	free(buf);
	json_decref(j);
}
END_TEST

START_TEST(latest_link)
{
	char link[64];
	ssize_t n;

	ck_assert_int_eq(ut_point_latest(scratch_base, "run-1"), 0);
	ck_assert_int_eq(ut_point_latest(scratch_base, "run-2"), 0);
	n = readlink(scratch_at("latest"), link, sizeof(link) - 1);
	ck_assert_int_eq(n, 5);
	link[n] = '\0';
	ck_assert_str_eq(link, "run-2");
	ck_assert_int_eq(entries(scratch_base), 1);
	ck_assert_int_eq(ut_point_latest(scratch_at("missing"), "run-1"), -ENOENT);
}
END_TEST

START_TEST(read_whole_refuses)
{
	char *buf = (char *)1;
	size_t len = 1;

	scratch_put(scratch_at("big"), "0123456789");
	ck_assert_int_eq(ut_read_whole(scratch_at("big"), 9, &buf, &len), -EFBIG);
	ck_assert_ptr_null(buf);
	ck_assert_int_eq(ut_read_whole(scratch_at("big"), 10, &buf, &len), 0);
	ck_assert_uint_eq(len, 10);
	free(buf);
	ck_assert_int_eq(ut_read_whole(scratch_base, 100, &buf, &len), -EISDIR);
	ck_assert_int_eq(ut_read_whole(scratch_at("none"), 100, &buf, &len), -ENOENT);
	/* A FIFO neither blocks nor reads as a file. */
	ck_assert_int_eq(mkfifo(scratch_at("fifo"), 0644), 0);
	ck_assert_int_eq(ut_read_whole(scratch_at("fifo"), 100, &buf, &len), -EINVAL);
}
END_TEST

TCase *rundir_tcase(void)
{
	TCase *tc = tcase_create("rundir");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mkdir_p_nested);
	tcase_add_test(tc, check_makes_and_probes);
	tcase_add_test(tc, check_refuses_read_only);
	tcase_add_test(tc, write_atomic_replaces);
	tcase_add_test(tc, json_write_atomic_newline);
	tcase_add_test(tc, latest_link);
	tcase_add_test(tc, read_whole_refuses);
	return tc;
}
