// SPDX-License-Identifier: GPL-2.0
/*
 * test_matrix.c - option-set merging and checking, backend specs, variant
 * expansion, safe variant names and shards.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "matrix.h"
#include "registry.h"
#include "suites.h"

static int merge(const char *req, const char *incompat, const char *set, char *out, char *why)
{
	return ut_opts_merge(req, incompat, set, out, 256, why, 256);
}

START_TEST(opts_merge)
{
	char out[256], why[256];

	ck_assert_int_eq(merge(NULL, NULL, "", out, why), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(merge("index=on", NULL, "", out, why), 0);
	ck_assert_str_eq(out, "index=on");
	ck_assert_int_eq(merge("index=on", NULL, "xino=off,uuid=off", out, why), 0);
	ck_assert_str_eq(out, "xino=off,uuid=off,index=on");
	/* The same key and value twice is no conflict, and not repeated. */
	ck_assert_int_eq(merge("index=on", NULL, "index=on,nfs_export=on", out, why), 0);
	ck_assert_str_eq(out, "nfs_export=on,index=on");
	ck_assert_int_eq(merge("index=on", NULL, "index=off", out, why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "index=off conflicts with the scenario's index=on"));
	ck_assert_int_eq(merge(NULL, "volatile metacopy", "metacopy=on,redirect_dir=on", out, why),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "cannot run with metacopy"));
	ck_assert_int_eq(merge(NULL, "volatile", "userxattr", out, why), 0);
	ck_assert_str_eq(out, "userxattr");
	ck_assert_int_eq(merge(NULL, "volatile", "volatile", out, why), -EINVAL);
}
END_TEST

START_TEST(optsets_named)
{
	int n;
	const struct ut_optset *all = ut_optsets(&n);

	ck_assert_int_ge(n, 10);
	ck_assert_str_eq(all[0].name, "default");
	ck_assert_str_eq(all[0].opts, "");
	for (int i = 0; i < n; i++)
		ck_assert_ptr_eq(ut_optset_find(all[i].name), &all[i]);
	ck_assert_str_eq(ut_optset_find("nfs_export")->opts, "index=on,nfs_export=on");
	ck_assert_int_eq(ut_optset_find("lower2")->extra_lowers, 1);
	ck_assert(ut_optset_find("dataonly")->dataonly);
	ck_assert_ptr_null(ut_optset_find("nosuch"));
}
END_TEST

START_TEST(backend_specs)
{
	struct ut_backend_spec b;
	char why[256], str[64];

	ck_assert_int_eq(ut_backend_parse("ext4", &b, why, sizeof(why)), 0);
	ck_assert_str_eq(ut_backend_name(&b), "ext4");
	ck_assert_int_eq(ut_backend_parse("path:/tmp", &b, why, sizeof(why)), 0);
	ck_assert_str_eq(ut_backend_name(&b), "path");
	ut_backend_spec_str(&b, str, sizeof(str));
	ck_assert_str_eq(str, "path:/tmp");
	ck_assert_int_eq(ut_backend_parse("path:/tmp,/var/tmp", &b, why, sizeof(why)), 0);
	ut_backend_spec_str(&b, str, sizeof(str));
	ck_assert_str_eq(str, "path:/tmp,/var/tmp");
	ck_assert_int_eq(ut_backend_parse("path:/nonexistent-x", &b, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(ut_backend_parse("path:", &b, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(ut_backend_parse("path", &b, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(ut_backend_parse("zfs", &b, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "unknown backend 'zfs'"));
}
END_TEST

/* What the harness asks of a backend: its table, capabilities, "-b" form, usability. */
START_TEST(backend_table)
{
	struct ut_backend_spec dflt = { .ops = NULL }, b;
	const char *const names[] = { "tmpfs", "fuse", "ext4", "xfs", "btrfs", "nested", "path" };
	int n;
	const struct ut_backend *const *all = ut_backends(&n);
	char why[512], str[64];

	ck_assert_int_eq(n, 7);
	for (int i = 0; i < n; i++)	/* rank order: the matrix's columns */
		ck_assert_str_eq(all[i]->name, names[i]);
	ck_assert_str_eq(ut_backend_name(&dflt), "tmpfs");
	ck_assert_ptr_eq(ut_backend_ops(&dflt), all[0]);
	ut_backend_spec_str(&dflt, str, sizeof(str));
	ck_assert_str_eq(str, "tmpfs");
	ck_assert_uint_eq(ut_backend_caps(&dflt), UT_BE_DEFAULT);
	ck_assert_int_eq(ut_backend_usable(&dflt, true, why, sizeof(why)), 0);
	ck_assert_int_eq(ut_backend_parse("xfs", &b, why, sizeof(why)), 0);
	ck_assert(ut_backend_caps(&b) & UT_BE_NEEDS_ROOT);
	ck_assert_int_eq(ut_backend_usable(&b, false, why, sizeof(why)), 0);
	ck_assert_int_eq(ut_backend_usable(&b, true, why, sizeof(why)), -EPERM);
	ck_assert_str_eq(why, "xfs backend needs real root (loop devices)");
	ck_assert_int_eq(ut_backend_parse("fuse", &b, why, sizeof(why)), 0);
	ck_assert_uint_eq(ut_backend_caps(&b), UT_BE_NEEDS_FUSE | UT_BE_REMOTE);
	ck_assert_int_eq(ut_backend_parse("path:/tmp", &b, why, sizeof(why)), 0);
	ck_assert_uint_eq(ut_backend_caps(&b), UT_BE_USER_PATHS);
	/* Only a backend that takes an argument gets one. */
	ck_assert_int_eq(ut_backend_parse("ext4:/tmp", &b, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "takes no argument"));
	ck_assert_int_eq(ut_backend_parse("zfs", &b, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "(tmpfs, fuse, ext4, xfs, btrfs, nested, "
				      "path:LOWER[,UPPER])"));
}
END_TEST

static struct ut_variant va[UT_MAX_VARIANTS], vb[UT_MAX_VARIANTS];

static int all_scenarios(const struct ut_scenario **sel)
{
	char err[256];

	return ut_select(NULL, 0, sel, 256, err, sizeof(err));
}

START_TEST(expand_names)
{
	const struct ut_scenario *sc = ut_find("lower-dir-rename"), *fuse = ut_find("selftest-fuse-stall");
	struct ut_backend_spec be[2];
	char why[256];
	const struct ut_optset *sets[2] = { ut_optset_find("default"), ut_optset_find("index") };
	int n;

	ck_assert_int_eq(ut_backend_parse("tmpfs", &be[0], why, sizeof(why)), 0);
	ck_assert_int_eq(ut_backend_parse("fuse", &be[1], why, sizeof(why)), 0);
	n = ut_matrix_expand(&sc, 1, be, 2, sets, 2, va, UT_MAX_VARIANTS);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(va[0].name, "lower-dir-rename");	/* the plain run keeps its name */
	ck_assert_str_eq(va[1].name, "lower-dir-rename@tmpfs,index");
	ck_assert_str_eq(va[2].name, "lower-dir-rename@fuse");
	ck_assert_str_eq(va[3].name, "lower-dir-rename@fuse,index");
	/* A scenario that needs its backend gets it, once per set. */
	n = ut_matrix_expand(&fuse, 1, be, 2, sets, 1, va, UT_MAX_VARIANTS);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(ut_backend_name(&va[0].be), "fuse");
}
END_TEST

/* Position of @be's backend in ut_backends(). */
static int backend_index(const struct ut_backend_spec *be)
{
	int n;
	const struct ut_backend *const *all = ut_backends(&n);

	for (int i = 0; i < n; i++)
		if (all[i] == ut_backend_ops(be))
			return i;
	return -1;
}

START_TEST(presets)
{
	const struct ut_scenario *sel[256];
	int nsc = all_scenarios(sel), nq, nf, nsets, nbe, nuser = 0, cover[32][32] = { { 0 } };
	const struct ut_optset *sets = ut_optsets(&nsets);
	const struct ut_backend *const *all = ut_backends(&nbe);
	const struct ut_backend_spec dflt = { .ops = NULL };
	int tmpfs = backend_index(&dflt);

	for (int b = 0; b < nbe; b++)
		nuser += !!(all[b]->caps & UT_BE_USER_PATHS);
	nq = ut_matrix_preset("quick", sel, nsc, va, UT_MAX_VARIANTS);
	nf = ut_matrix_preset("full", sel, nsc, vb, UT_MAX_VARIANTS);
	ck_assert_int_eq(ut_matrix_preset("medium", sel, nsc, va, UT_MAX_VARIANTS), -1);
	ck_assert_int_gt(nq, nsc);
	ck_assert_int_lt(nq, nf);
	ck_assert_int_ge(nf, nsc * (nbe - nuser) * nsets * 9 / 10);
	for (int i = 0; i < nq; i++) {
		bool in_full = false;

		for (int j = 0; j < nf && !in_full; j++)
			in_full = !strcmp(va[i].name, vb[j].name);
		ck_assert_msg(in_full, "%s: quick but not full", va[i].name);
		cover[backend_index(&va[i].be)][va[i].set - sets]++;
	}
	/* Quick still covers every backend (default set) and every set (tmpfs). */
	for (int b = 0; b < nbe; b++)
		if (!(all[b]->caps & UT_BE_USER_PATHS))
			ck_assert_msg(cover[b][0] >= 2, "%s: %d", all[b]->name, cover[b][0]);
	for (int s = 0; s < nsets; s++)
		ck_assert_msg(cover[tmpfs][s] >= 2, "%s: %d", sets[s].name, cover[tmpfs][s]);
	/* Every scenario's plain run is in quick. */
	for (int i = 0; i < nsc; i++) {
		bool found = false;

		for (int j = 0; j < nq && !found; j++)
			found = !strcmp(va[j].name, sel[i]->name);
		ck_assert_msg(found, "%s not in quick", sel[i]->name);
	}
}
END_TEST

/* Shards of the full matrix are disjoint and together are all of it. */
START_TEST(shards_partition)
{
	const struct ut_scenario *sel[256];
	int nsc = all_scenarios(sel), nf = ut_matrix_preset("full", sel, nsc, vb, UT_MAX_VARIANTS);
	static int owner[UT_MAX_VARIANTS];
	int shards = 2 + _i, total = 0;

	memset(owner, 0, sizeof(owner));
	for (int k = 1; k <= shards; k++) {
		int n = ut_matrix_preset("full", sel, nsc, va, UT_MAX_VARIANTS);

		n = ut_matrix_shard(va, n, k, shards);
		total += n;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < nf; j++)
				if (!strcmp(va[i].name, vb[j].name)) {
					ck_assert_msg(!owner[j], "%s in shards %d and %d", vb[j].name,
						      owner[j], k);
					owner[j] = k;
				}
	}
	ck_assert_int_eq(total, nf);
	for (int j = 0; j < nf; j++)
		ck_assert_msg(owner[j], "%s in no shard", vb[j].name);
}
END_TEST

/* ut_opts_check: what a literal -o may hold. */
static const struct {
	const char *opts;
	const char *says;	/* NULL: accepted */
} opts_cases[] = {
	{ "xino=off,redirect_dir=on", NULL },
	{ "index=on,index=on", NULL },		/* the same value twice is harmless */
	{ "userxattr,volatile", NULL },		/* sets whose options are their names */
	{ "uuid=null", NULL },
	{ "context=system_u:object_r:tmp_t:s0", NULL },
	{ "nosuchopt=1", NULL },		/* the kernel says no: a skip, not ours */
	{ "lowerdir=/etc", "lowerdir names a layer" },
	{ "index=on,lowerdir+=/etc", "lowerdir+ names a layer" },
	{ "upperdir=/x", "upperdir names" },
	{ "workdir=/x", "workdir names" },
	{ "datadir+=/x", "datadir+ names" },
	{ "source=x", "source names" },
	{ "index=on,", "an empty option" },
	{ ",index=on", "an empty option" },
	{ "=on", "'' is not an option name" },
	{ "Index=on", "'Index' is not an option name" },
	{ "redirect_dir=../x", "not a plain word" },
	{ "xino=o n", "not a plain word" },
	{ "index=on,index=off", "index given twice" },
	{ "index,xino=off", "index is an option set" },
	{ "xino=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "longer than 80" },
};

START_TEST(opts_check)
{
	char why[256] = "";
	int rc = ut_opts_check(opts_cases[_i].opts, why, sizeof(why));

	if (!opts_cases[_i].says) {
		ck_assert_msg(rc == 0, "'%s' refused: %s", opts_cases[_i].opts, why);
		return;
	}
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_msg(strstr(why, opts_cases[_i].says), "'%s': '%s' lacks '%s'",
		      opts_cases[_i].opts, why, opts_cases[_i].says);
	ck_assert_ptr_null(strchr(why, '\n'));
}
END_TEST

static const struct {
	const char *in, *out;
} labels[] = {
	{ "tmpfs,index=on", "tmpfs,index=on" },
	{ "tmpfs,lowerdir=/etc", "tmpfs,lowerdir=_etc" },
	{ "a/b/../c", "a_b_.._c" },
	{ ".", "_" },
	{ "..", "_." },
	{ ".hidden", "_hidden" },
	{ "", "_" },
	{ "x@y z\t\n*?", "x_y_z____" },
	{ "caf\xc3\xa9", "caf__" },
	{ "nested,metacopy+x-y.z", "nested,metacopy+x-y.z" },
};

START_TEST(label_safe)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", labels[_i].in);
	ut_label_safe(buf);
	ck_assert_str_eq(buf, labels[_i].out);
}
END_TEST

/* A file name of its own in a results directory. */
static void assert_file_name(const char *name)
{
	ck_assert_msg(!strchr(name, '/') && name[0] && name[0] != '.', "'%s'", name);
	ck_assert_msg(strlen(name) + strlen(".json") <= 255, "'%s' too long", name);
}

/* Whatever reaches the matrix (a replayed results file, say) names files safely. */
START_TEST(names_are_file_names)
{
	const struct ut_scenario *sel[256], *sc = ut_find("lower-dir-rename");
	struct ut_backend_spec be;
	char why[256];
	const struct ut_optset odd[] = {
		{ .name = "lowerdir=/etc", .opts = "lowerdir=/etc" },
		{ .name = "..", .opts = "" },
		{ .name = "a/b", .opts = "" },
	};
	const struct ut_optset *sets[] = { &odd[0], &odd[1], &odd[2] };
	int nsc = all_scenarios(sel), n;

	ck_assert_int_eq(ut_backend_parse("nested", &be, why, sizeof(why)), 0);
	n = ut_matrix_expand(&sc, 1, &be, 1, sets, 3, va, UT_MAX_VARIANTS);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(va[0].name, "lower-dir-rename@nested,lowerdir=_etc");
	ck_assert_str_eq(va[1].name, "lower-dir-rename@nested,..");
	ck_assert_str_eq(va[2].name, "lower-dir-rename@nested,a_b");
	for (int i = 0; i < n; i++)
		assert_file_name(va[i].name);
	n = ut_matrix_preset("full", sel, nsc, va, UT_MAX_VARIANTS);
	for (int i = 0; i < n; i++)
		assert_file_name(va[i].name);
}
END_TEST

Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("matrix");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, opts_merge);
	tcase_add_test(tc, optsets_named);
	tcase_add_test(tc, backend_specs);
	tcase_add_test(tc, backend_table);
	tcase_add_test(tc, expand_names);
	tcase_add_test(tc, presets);
	tcase_add_loop_test(tc, shards_partition, 0, 4);
	tcase_add_loop_test(tc, opts_check, 0, (int)(sizeof(opts_cases) / sizeof(opts_cases[0])));
	tcase_add_loop_test(tc, label_safe, 0, (int)(sizeof(labels) / sizeof(labels[0])));
	tcase_add_test(tc, names_are_file_names);
	suite_add_tcase(s, tc);
	return s;
}
