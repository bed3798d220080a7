// SPDX-License-Identifier: GPL-2.0
/*
 * test_matrix.c - every backend and every option set mounts for real and
 * runs a scenario with mutations; the FUSE lower's revalidation shows in
 * the results; shards split the matrix; the quick matrix passes in time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "it.h"

#define QUICK_BOUND_S 180.0	/* the contract: quick matrix within 3 minutes */

static json_t *result(const char *dir, const char *vname)
{
	char why[1024], *f = it_fmt("%s.json", vname);
	json_t *j = it_json_at(dir, f, why, sizeof(why));

	ck_assert_msg(j, "%s", why);
	free(f);
	return j;
}

static long long ret_count(json_t *j, const char *ret)
{
	json_t *op, *ops = json_object_get(j, "ops");
	const char *k;
	long long n = 0;

	json_object_foreach(ops, k, op) {
		json_t *r = json_object_get(json_object_get(op, "returns"), ret);

		n += r ? json_integer_value(r) : 0;
	}
	return n;
}

/*
 * Run @argv; every variant must pass with mutations (or, with @skips_ok,
 * may skip: a stack that lacks a scenario's feature).
 */
static char *run_check(char **argv, const char *res, bool skips_ok)
{
	struct proc_out p = run_undertow(argv, 240);
	char why[1024], *dir;
	struct ktap k;

	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "%s\n%s", why, p.out);
	for (int i = 0; i < k.ncase; i++)
		ck_assert_msg(k.c[i].ok && (skips_ok || !k.c[i].skip), "%s: %s %s", k.c[i].name,
			      k.c[i].tag ? k.c[i].tag : "SKIP", k.c[i].reason);
	ck_assert_msg(p.exit_code == 0, "%s", proc_desc(&p));
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	for (int i = 0; i < k.ncase; i++) {
		json_t *j;

		if (k.c[i].skip)
			continue;
		j = result(dir, k.c[i].name);
		ck_assert_msg(it_total_calls(json_object_get(j, "ops")) > 0, "%s: no ops",
			      k.c[i].name);
		ck_assert_msg(it_total_calls(json_object_get(j, "mutations")) > 0,
			      "%s: no mutations", k.c[i].name);
		json_decref(j);
	}
	ktap_free(&k);
	proc_out_free(&p);
	return dir;
}

START_TEST(test_every_backend)
{
	char *res = it_mkdtemp("backends"), *user = it_mkdtemp("pathbe"), *dir;
	char *keep = it_fmt("%s/keep-me", user), *spec = it_fmt("path:%s", user);
	char *argv[] = { "run", "--results", res, "-t", "0.5", "-w", "2",
			 "-b", "tmpfs,fuse,ext4,xfs,btrfs,nested", "-b", spec,
			 "lower-dir-rename", NULL };
	static const char *const be[] = { "tmpfs", "fuse", "ext4", "xfs", "btrfs", "nested", "path" };
	FILE *f = fopen(keep, "w");

	ck_assert_ptr_nonnull(f);
	fclose(f);
	dir = run_check(argv, res, false);
	for (size_t i = 0; i < sizeof(be) / sizeof(be[0]); i++) {
		char *v = i ? it_fmt("lower-dir-rename@%s", be[i]) : it_fmt("lower-dir-rename");
		json_t *j = result(dir, v);

		ck_assert_str_eq(json_string_value(json_object_get(j, "backend")), be[i]);
		json_decref(j);
		free(v);
	}
	/* path: undertow's own directory is gone, the user's file untouched. */
	ck_assert_int_eq(it_count_entries(user), 1);
	ck_assert(it_exists(keep));
	free(dir);
	free(keep);
	free(spec);
	free(user);
	free(res);
}
END_TEST

START_TEST(test_every_option_set)
{
	static const char *const sets[] = {
		"index", "nfs_export", "metacopy", "redirect_on", "redirect_follow", "redirect_off",
		"xino_on", "xino_auto", "xino_off", "uuid_on", "uuid_off", "userxattr",
		"volatile", "lower2", "dataonly", "xino=off,redirect_dir=on",
	};
	const size_t n = sizeof(sets) / sizeof(sets[0]);
	char *res = it_mkdtemp("optsets"), *dir, *argv[64];
	int a = 0;

	argv[a++] = "run";
	argv[a++] = "--results";
	argv[a++] = res;
	argv[a++] = "-t";
	argv[a++] = "0.5";
	argv[a++] = "-w";
	argv[a++] = "2";
	for (size_t i = 0; i < n; i++) {
		argv[a++] = "-o";
		argv[a++] = (char *)sets[i];
	}
	argv[a++] = "lower-dir-rename";
	argv[a] = NULL;
	dir = run_check(argv, res, false);
	/* The options really reached the mount's recorded settings. */
	{
		json_t *j = result(dir, "lower-dir-rename@tmpfs,nfs_export");

		ck_assert_str_eq(json_string_value(json_object_get(j, "ovl_options")),
				 "index=on,nfs_export=on");
		json_decref(j);
		j = result(dir, "lower-dir-rename@tmpfs,xino=off,redirect_dir=on");
		ck_assert_str_eq(json_string_value(json_object_get(j, "ovl_options")),
				 "xino=off,redirect_dir=on");
		json_decref(j);
	}
	free(dir);
	free(res);
}
END_TEST

/* A remote lower is revalidated: renames underneath show up as ESTALE. */
START_TEST(test_fuse_revalidates)
{
	char *res = it_mkdtemp("reval"), *dir;
	char *argv[] = { "run", "--results", res, "-t", "1", "-w", "2", "-s", "5",
			 "-b", "tmpfs,fuse", "lower-dir-rename", NULL };
	long long t, f;
	json_t *jt, *jf;

	dir = run_check(argv, res, false);
	jt = result(dir, "lower-dir-rename");
	jf = result(dir, "lower-dir-rename@fuse");
	t = ret_count(jt, "ESTALE");
	f = ret_count(jf, "ESTALE");
	printf("# lower-dir-rename ESTALE: tmpfs %lld, fuse %lld\n", t, f);
	ck_assert_msg(f > 0 && f > t, "ESTALE tmpfs %lld, fuse %lld", t, f);
	json_decref(jt);
	json_decref(jf);
	free(dir);
	free(res);
}
END_TEST

static void list_lines(char **argv, struct strv *out)
{
	struct proc_out p = run_undertow(argv, 30);
	char *save = NULL;

	ck_assert_msg(p.exit_code == 0, "%s", proc_desc(&p));
	memset(out, 0, sizeof(*out));
	for (char *l = strtok_r(p.out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		strv_add(out, l);
	proc_out_free(&p);
}

START_TEST(test_shards_cover)
{
	char *all_argv[] = { "list", "--matrix", "full", NULL };
	struct strv all, part;
	int seen = 0;

	list_lines(all_argv, &all);
	ck_assert_int_gt(all.n, 100);
	for (int k = 1; k <= 3; k++) {
		char *shard = it_fmt("%d/3", k);
		char *argv[] = { "list", "--matrix", "full", "--shard", shard, NULL };

		list_lines(argv, &part);
		for (int i = 0; i < part.n; i++)
			ck_assert_msg(strv_has(&all, part.v[i]), "%s not in the matrix", part.v[i]);
		seen += part.n;
		strv_free(&part);
		free(shard);
	}
	ck_assert_int_eq(seen, all.n);	/* with membership: disjoint and complete */
	strv_free(&all);
}
END_TEST

START_TEST(test_quick_matrix)
{
	char *res = it_mkdtemp("quick");
	char *argv[] = { "run", "--results", res, "--matrix", "quick", NULL };
	double t0 = it_now();
	char *dir = run_check(argv, res, true);

	ck_assert_msg(it_now() - t0 < QUICK_BOUND_S, "quick matrix took %.0f s", it_now() - t0);
	printf("# quick matrix: %.0f s\n", it_now() - t0);
	free(dir);
	free(res);
}
END_TEST

Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("matrix");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_every_backend);
	tcase_add_test(tc, test_every_option_set);
	tcase_add_test(tc, test_fuse_revalidates);
	tcase_add_test(tc, test_shards_cover);
	tcase_add_test(tc, test_quick_matrix);
	suite_add_tcase(s, tc);
	return s;
}
