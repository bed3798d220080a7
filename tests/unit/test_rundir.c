// SPDX-License-Identifier: GPL-2.0
/*
 * test_rundir.c - the results directory's files: mkdir -p, the writable
 * check (a read-only mount included), atomic write, results/latest and
 * reading a file back whole.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "rundir.h"
#include "suites.h"

static char base[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void setup(void)
{
	snprintf(base, sizeof(base), "/tmp/ut-rundir.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void teardown(void)
{
	nftw(base, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static char *at(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, name);
	return buf[i];
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
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

	ck_assert_int_eq(ut_mkdir_p(at("a/b//c/")), 0);
	ck_assert_int_eq(stat(at("a/b/c"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(ut_mkdir_p(at("a/b/c")), 0);	/* already there */
	put(at("file"), "x");
	ck_assert_int_eq(ut_mkdir_p(at("file")), -ENOTDIR);
	ck_assert_int_eq(ut_mkdir_p(at("file/sub")), -ENOTDIR);
}
END_TEST

START_TEST(check_makes_and_probes)
{
	char why[512] = "";

	ck_assert_int_eq(ut_rundir_check(at("new/results"), why, sizeof(why)), 0);
	ck_assert_int_eq(entries(at("new/results")), 0);	/* the probe is gone */
	put(at("plain"), "x");
	ck_assert_int_eq(ut_rundir_check(at("plain"), why, sizeof(why)), -ENOTDIR);
	ck_assert_msg(strstr(why, at("plain")) && !strchr(why, '\n'), "%s", why);
}
END_TEST

/* Root passes access(2) there: only a real create finds a read-only mount. */
START_TEST(check_refuses_read_only)
{
	char why[512] = "";
	int err;

	ck_assert_int_eq(mkdir(at("ro"), 0755), 0);
	ck_assert_int_eq(mount("tmpfs", at("ro"), "tmpfs", MS_RDONLY, NULL), 0);
	err = ut_rundir_check(at("ro"), why, sizeof(why));
	umount(at("ro"));
	ck_assert_int_eq(err, -EROFS);
	ck_assert_msg(strstr(why, at("ro")) && strstr(why, "not writable"), "%s", why);
}
END_TEST

START_TEST(write_atomic_replaces)
{
	char *buf;
	size_t len;

	ck_assert_int_eq(ut_write_atomic(at("f"), "first\n", 6), 0);
	ck_assert_int_eq(ut_write_atomic(at("f"), "second", 6), 0);
	ck_assert_int_eq(ut_read_whole(at("f"), 100, &buf, &len), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(buf, "second");
	free(buf);
	ck_assert_int_eq(entries(base), 1);		/* no temp file left */
	ck_assert_int_eq(ut_write_atomic(at("no/dir/f"), "x", 1), -ENOENT);
	ck_assert_int_eq(entries(base), 1);
}
END_TEST

START_TEST(json_write_atomic_newline)
{
	json_t *j = json_pack("{s:i, s:s}", "b", 1, "a", "x");
	char *buf;
	size_t len;

	ck_assert_int_eq(ut_json_write_atomic(at("j.json"), j), 0);
	ck_assert_int_eq(ut_read_whole(at("j.json"), 1000, &buf, &len), 0);
	ck_assert_str_eq(buf, "{\n  \"a\": \"x\",\n  \"b\": 1\n}\n");	/* sorted keys */
	free(buf);
	json_decref(j);
}
END_TEST

START_TEST(latest_link)
{
	char link[64];
	ssize_t n;

	ck_assert_int_eq(ut_point_latest(base, "run-1"), 0);
	ck_assert_int_eq(ut_point_latest(base, "run-2"), 0);
	n = readlink(at("latest"), link, sizeof(link) - 1);
	ck_assert_int_eq(n, 5);
	link[n] = '\0';
	ck_assert_str_eq(link, "run-2");
	ck_assert_int_eq(entries(base), 1);
	ck_assert_int_eq(ut_point_latest(at("missing"), "run-1"), -ENOENT);
}
END_TEST

START_TEST(read_whole_refuses)
{
	char *buf = (char *)1;
	size_t len = 1;

	put(at("big"), "0123456789");
	ck_assert_int_eq(ut_read_whole(at("big"), 9, &buf, &len), -EFBIG);
	ck_assert_ptr_null(buf);
	ck_assert_int_eq(ut_read_whole(at("big"), 10, &buf, &len), 0);
	ck_assert_uint_eq(len, 10);
	free(buf);
	ck_assert_int_eq(ut_read_whole(base, 100, &buf, &len), -EISDIR);
	ck_assert_int_eq(ut_read_whole(at("none"), 100, &buf, &len), -ENOENT);
	/* A FIFO neither blocks nor reads as a file. */
	ck_assert_int_eq(mkfifo(at("fifo"), 0644), 0);
	ck_assert_int_eq(ut_read_whole(at("fifo"), 100, &buf, &len), -EINVAL);
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
