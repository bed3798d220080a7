// SPDX-License-Identifier: GPL-2.0
/*
 * test_vm_matrix.c - a clean quick matrix in the VM is a test: on Debian's
 * default kernel (6.1, suite vm_matrix, in make check) and on 6.12 (suite
 * vm612, make check-vm-612, asked for by name only) `run.sh --vm --matrix
 * quick -t 1` exits 0, every loop-filesystem and FUSE backend ran, and
 * every skip names the kernel feature it lacks.  On 6.12 a failed first
 * attempt is printed and the matrix runs once more, which must be clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "it.h"

/* How a skip names a missing feature (lib/mount_why.c, xattr_probe.c, scenarios' needs). */
static bool names_missing_feature(const char *reason)
{
	return strstr(reason, "this kernel has no") || strstr(reason, "no file handles through");
}

/* Each backend the matrix has a column for ran somewhere, not only skipped. */
static void check_backends_ran(const struct ktap *k)
{
	static const char *const backends[] = { "@ext4", "@xfs", "@btrfs", "@fuse", "@nested" };

	for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
		bool ran = false;

		for (int i = 0; i < k->ncase && !ran; i++)
			ran = strstr(k->c[i].name, backends[b]) && k->c[i].ok && !k->c[i].skip;
		ck_assert_msg(ran, "no %s variant ran", backends[b]);
	}
}

/* The "not ok" lines of a KTAP text, to stderr: what a first attempt failed on. */
static void say_failures(const char *version, const struct proc_out *p)
{
	const char *v = version ? version : "default";

	for (const char *l = p->out; l && *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
		if (!strncmp(l, "not ok ", 7) || !strncmp(l, "Bail out!", 9))
			fprintf(stderr, "test_vm_matrix: %s, first attempt: %.*s\n", v,
				(int)strcspn(l, "\n"), l);
	fprintf(stderr, "test_vm_matrix: %s, first attempt: %s; trying once more\n", v,
		proc_desc(p));
}

static void clean_matrix(const char *version, const char *release_prefix, int attempts)
{
	char *res = it_mkdtemp("vmmatrix"), *runsh = realpath("run.sh", NULL), *dir, why[1024];
	char *argv[16] = { runsh, "--vm" };
	struct run_opts o = { .timeout_s = 1500, .exec_argv = true };
	struct proc_out p;
	struct ktap k;
	json_t *run;
	int n = 2;

	ck_assert_msg(runsh, "run.sh not found from the working directory");
	if (version) {
		argv[n++] = "--kernel-version";
		argv[n++] = (char *)version;
	}
	argv[n++] = "--results";
	argv[n++] = res;
	argv[n++] = "--matrix";
	argv[n++] = "quick";
	argv[n++] = "-t";
	argv[n++] = "1";
	argv[n] = NULL;
	p = run_undertow_ex(argv, &o);
	for (int i = 1; i < attempts && p.exit_code != 0; i++) {
		say_failures(version, &p);
		proc_out_free(&p);
		p = run_undertow_ex(argv, &o);
	}
	ck_assert_msg(p.exit_code == 0, "%s\n%s", proc_desc(&p), p.out);
	ck_assert_msg(!it_ktap_parse(p.out, &k, why, sizeof(why)), "%s\n%s", why, p.out);
	ck_assert_int_gt(k.pass, 80);
	for (int i = 0; i < k.ncase; i++)
		ck_assert_msg(!k.c[i].skip || names_missing_feature(k.c[i].reason),
			      "%s: skip names no missing kernel feature: %s", k.c[i].name,
			      k.c[i].reason);
	check_backends_ran(&k);
	dir = it_latest_run(res, why, sizeof(why));
	ck_assert_msg(dir, "%s", why);
	run = it_json_at(dir, "run.json", why, sizeof(why));
	ck_assert_msg(run, "%s", why);
	ck_assert_msg(!strncmp(json_string_value(json_object_get(run, "kernel")), release_prefix,
			       strlen(release_prefix)), "kernel %s, want %s*",
		      json_string_value(json_object_get(run, "kernel")), release_prefix);
	json_decref(run);
	ktap_free(&k);
	proc_out_free(&p);
	free(dir);
	free(runsh);
	free(res);
}

START_TEST(test_vm_matrix_default)
{
	clean_matrix(NULL, "6.1.", 1);
}
END_TEST

START_TEST(test_vm_matrix_612)
{
	/*
	 * Twice at most: one CI run failed here for a reason the 4 KiB message
	 * limit hid, and it never failed here in 3 runs.  A first failure is
	 * printed (stderr) and the second attempt must be clean.
	 */
	clean_matrix("6.12", "6.12.", 2);
}
END_TEST

static Suite *one_test_suite(const char *name, const TTest *t)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 1600);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
	return s;
}

Suite *vm_matrix_suite(void)
{
	return one_test_suite("vm_matrix", test_vm_matrix_default);
}

Suite *vm612_suite(void)
{
	return one_test_suite("vm612", test_vm_matrix_612);
}
